"""A realistic synthetic history: ~250 places, the 27 seeded factions (with sub-factions), 40
leaders, reports of 1-5 claims over a year of valid time, arriving out of order (record time lags
valid time by minutes to weeks), ~5% of claims later retracted, ~5% confirmed, mixed confidence.

Reports are generated from a seeded RNG already in the shape `normalise_report` produces, and
loaded through the application with batched saves (many reports per transaction), so every event
goes through the same projection as a live write. Stores are cached under bench/results/stores.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

from timeline.domainmodel import Report, api_time, claim_uuid

# Raised when the history or the read model's layout changes: cached stores are then rebuilt.
# 5: the reference data is recorded before the reports (it was recorded at build time, after
# them, so record times fell back at the first report: known_at then covered no report at all).
GENERATOR_VERSION = 5
RECORD_START = datetime(2025, 11, 1, tzinfo=timezone.utc)
REFERENCE_RECORDED = RECORD_START - timedelta(days=30)
YEAR = timedelta(days=365)
LAG_MIN, LAG_MAX = 60.0, 21 * 86400.0  # record time lags valid time by 1 minute .. 3 weeks
N_PLACES, N_LEADERS = 250, 40
BATCH = 400  # reports per transaction when loading

TYPES = [("control", 0.40), ("clash", 0.25), ("leader_status", 0.10), ("advance", 0.06),
         ("coup", 0.01), ("note", 0.08), ("retract", 0.05), ("confirm", 0.05)]
CONFIDENCE = [("unconfirmed", 0.20), ("reported", 0.65), ("confirmed", 0.15)]
STATUSES = ["active", "whereabouts_unknown", "abroad", "in_exile", "detained", "dead", "removed"]
SOURCES = [{"name": n, "kind": k} for n, k in [
    ("Reuters", "news"), ("AFP", "news"), ("SANA", "state"), ("Shafaq News", "news"),
    ("SOHR", "monitor"), ("Enab Baladi", "news"), ("Al Jazeera", "news"), ("Telegram channel", "social")]]


def _picker(rng: random.Random, table: list[tuple[str, float]]):
    names = [n for n, _ in table]
    cum, total = [], 0.0
    for _, w in table:
        total += w
        cum.append(total)
    return lambda: rng.choices(names, cum_weights=cum)[0]


def ensure_reference(app: Any) -> dict[str, list[str]]:
    """Seeded places/factions/leaders, plus synthetic leaders up to 40; returns the ids used."""
    from timeline.seeding import register_entities, seed

    # recorded before the first report, as in a live store (record times rise with positions)
    seed(app, reference_only=True, recorded_at=REFERENCE_RECORDED)
    leaders = sorted(e["id"] for e in app.names.entities("leader"))
    factions = sorted(e["id"] for e in app.names.entities("faction"))
    register_entities(app, "leader", [
        {"id": f"bench-commander-{i:02d}", "name": f"Bench Commander {i:02d}", "aliases": [],
         "role": "Commander", "faction": factions[i % len(factions)], "source": "bench/synth.py"}
        for i in range(len(leaders), N_LEADERS)], REFERENCE_RECORDED)
    places = sorted(e["id"] for e in app.names.entities("place") if e.get("kind", "city") == "city")
    rng = random.Random(7)
    rng.shuffle(places)
    return {"places": sorted(places[:N_PLACES]), "factions": factions,
            "leaders": sorted(e["id"] for e in app.names.entities("leader"))[:N_LEADERS]}


def reports(n_claims: int, ref: dict[str, list[str]], seed: int = 1) -> Iterator[tuple[datetime, dict]]:
    """(record time, Report.file kwargs) in record-time order, about n_claims claims in all."""
    rng = random.Random(seed)
    ctype, conf = _picker(rng, TYPES), _picker(rng, CONFIDENCE)
    places, factions, leaders = ref["places"], ref["factions"], ref["leaders"]
    # A few big cities get most of the news (Zipf-like weights).
    place_w = [1.0 / (i + 1) ** 0.8 for i in range(len(places))]
    place_cum = list(_accumulate(place_w))
    controller = {p: rng.choice(factions) for p in places}
    n_reports = max(1, round(n_claims / 3))
    span = YEAR.total_seconds()
    recent: list[str] = []  # ids of recent claims that can be corrected
    retracted: set[str] = set()
    confirmed: set[str] = set()
    made = 0
    log_lo, log_hi = math.log(LAG_MIN), math.log(LAG_MAX)
    for i in itertools.count():
        if made >= n_claims:
            break
        recorded = RECORD_START + timedelta(seconds=span * (i + rng.random()) / n_reports)
        published = recorded - timedelta(seconds=rng.uniform(30, 1800))
        rid = UUID(int=rng.getrandbits(128), version=4)
        claims = []
        for _ in range(min(rng.randint(1, 5), n_claims - made)):
            t = ctype()
            occurred = published - timedelta(seconds=math.exp(rng.uniform(log_lo, log_hi)))
            claim: dict[str, Any] = {"type": t, "occurred_at": api_time(occurred),
                                     "confidence": conf(), "precision": rng.choice(
                                         ("exact", "hour", "day", "day", "day", "week")),
                                     "summary": None}
            city = rng.choices(places, cum_weights=place_cum)[0]
            if t == "control":
                if rng.random() < 0.15:
                    controller[city] = rng.choice(factions)
                claim.update(city=city, faction=controller[city])
                other = rng.choice(factions)
                if other != controller[city] and rng.random() < 0.5:
                    claim["from_faction"] = other
            elif t == "clash":
                a, b = rng.sample(factions, 2)
                claim.update(city=city, factions=[a, b])
            elif t == "leader_status":
                claim.update(leader=rng.choice(leaders), status=rng.choice(STATUSES))
                if rng.random() < 0.3:
                    claim["location"] = rng.choice(("Moscow, Russia", "Tehran", "unknown", "Idlib"))
            elif t == "advance":
                claim.update(faction=rng.choice(factions), toward=city,
                             captured_count=rng.randint(1, 30))
            elif t == "coup":
                a, b = rng.sample(leaders, 2)
                claim.update(city=city, led_by=a, against=b)
            elif t == "note":
                claim.update(text=f"Residents report shelling near {city}.")
            else:
                target = _correctable(rng, recent, retracted, confirmed if t == "confirm" else set())
                if target is None:
                    claim.update(type="note", text="Unverified footage circulating.")
                else:
                    claim.update(occurred_at=None, claim=target)
                    if t == "retract":
                        claim["reason"] = "the source withdrew the report"
                        retracted.add(target)
                    else:
                        confirmed.add(target)
            claims.append(claim)
            made += 1
        numbered = [dict(c, id=str(claim_uuid(rid, k))) for k, c in enumerate(claims)]
        for c in numbered:
            if c["type"] in ("control", "clash", "leader_status", "coup", "advance"):
                recent.append(c["id"])
        if len(recent) > 20000:
            del recent[:10000]
        yield recorded, {"id": rid, "source": rng.choice(SOURCES), "published_at": published,
                         "headline": f"Report {i}", "body": None, "language": "en",
                         "claims": numbered}


def _accumulate(ws: list[float]) -> Iterator[float]:
    total = 0.0
    for w in ws:
        total += w
        yield total


def _correctable(rng: random.Random, recent: list[str], retracted: set[str],
                 confirmed: set[str]) -> str | None:
    for _ in range(8):
        if not recent:
            return None
        cid = recent[int(len(recent) * (1 - rng.random() ** 3)) - 1]  # mostly recent claims
        if cid not in retracted and cid not in confirmed:
            return cid
    return None


def report_events(recorded: datetime, kwargs: dict[str, Any]) -> list[Any]:
    """The events `Report.file` would make, stamped with the synthetic record time."""
    report = Report._create(Report.Filed, id=kwargs.pop("id"), timestamp=recorded, **kwargs)
    return list(report.collect_events())


def load(app: Any, n_claims: int, progress: Any = None) -> dict[str, Any]:
    """Fill a store with the history; returns counts and timings. Resumes a store that a
    previous load left half-way (batches are atomic, so the store holds whole batches)."""
    started = time.perf_counter()
    ref = ensure_reference(app)
    done = int(app.recorder.fetchone("SELECT COUNT(*) AS n FROM tl_reports")["n"])
    events: list[Any] = []
    n_reports = n_claims_done = 0
    for recorded, kwargs in reports(n_claims, ref):
        n_claims_done += len(kwargs["claims"])
        n_reports += 1
        if n_reports <= done:
            continue
        events += report_events(recorded, kwargs)
        if len(events) >= BATCH:
            app.append(events)
            if progress:
                progress(n_claims_done)
            events = []
    if events:
        app.append(events)
    return {"claims": n_claims_done, "reports": n_reports, "head": app.head(),
            "seconds": round(time.perf_counter() - started, 1), "version": GENERATOR_VERSION,
            "reference": {k: len(v) for k, v in ref.items()}}


def reference_of(app: Any) -> dict[str, list[str]]:
    """The places/leaders the generator used, read back from a loaded store."""
    places = sorted(e["id"] for e in app.names.entities("place") if e.get("kind", "city") == "city")
    rng = random.Random(7)
    rng.shuffle(places)
    return {"places": sorted(places[:N_PLACES]),
            "factions": sorted(e["id"] for e in app.names.entities("faction")),
            "leaders": sorted(e["id"] for e in app.names.entities("leader"))[:N_LEADERS]}


def marker_path(root: Path, backend: str, n: int) -> Path:
    return root / f"{backend}-{n}.json"


def read_marker(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if data.get("version") == GENERATOR_VERSION else None


def main() -> None:
    """python -m bench.synth URL N: load N claims into the (empty) store, print JSON counts."""
    import sys

    from timeline.application import TimelineApplication

    url, n = sys.argv[1], int(sys.argv[2])
    for attempt in range(30):  # the server may restart meanwhile (others' fault tests): resume
        try:
            app = TimelineApplication(url)
            try:
                info = load(app, n)
            finally:
                app.close()
            break
        except Exception as e:
            if attempt == 29:
                raise
            print(f"load interrupted ({type(e).__name__}: {e}); resuming", file=sys.stderr)
            time.sleep(5)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
