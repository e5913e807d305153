"""B6: `GET /casualties` for a governorate-month costs the same whatever the length of history.

Its own synthetic stores (SQLite, cached under bench/results/stores as `casualties-<n>.db`):
event and casualties claims with tolls at the synthetic history's ~250 places, reports of 1-5
claims, a fifth of the events reported again later under the same event_key with a revised toll,
~3% of the tolls retracted. The history's valid-time span grows with its size (the same ~80
claims a day: 10k claims are ~4 months, 1M claims ~34 years), so that a governorate-month holds
about as many events at every size: the figure says whether the query's cost follows the
window (index-backed) or the history. Measured in-process (point() + the query, what a request
runs), the stores interleaved, p50 over random governorate-months; target <= 1.2.

`python -m bench.b6_casualties N` builds the store of N claims (a child process of the bench)."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

from . import synth
from .common import PROJECT, PYTHON, STORES, equal_size_ratio, log, median_round, p50

VERSION = 1
PER_DAY = 80  # claims per day of valid time
START = datetime(1990, 1, 1, tzinfo=timezone.utc)
SUB_TYPES = [("Explosions/Remote violence", "Air/drone strike"),
             ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
             ("Battles", "Armed clash"), ("Violence against civilians", "Attack")]


def url_of(n: int) -> str:
    return f"sqlite:///{STORES}/casualties-{n}.db"


def days_of(n: int) -> float:
    return n / PER_DAY


def reports(n: int, ref: dict[str, list[str]], seed: int = 6):
    """(record time, Report.file kwargs) in record order, about n claims in all."""
    from timeline.domainmodel import api_time, claim_uuid

    rng = random.Random(seed)
    places, factions = ref["places"], ref["factions"]
    weights = list(synth._accumulate([1.0 / (i + 1) ** 0.8 for i in range(len(places))]))
    span = days_of(n) * 86400
    n_reports = max(1, round(n / 3))
    keys: list[tuple[str, str, datetime]] = []  # (event_key, place, occurred) to revise later
    tolls: list[str] = []
    made = 0
    for i in range(n_reports * 2):
        if made >= n:
            break
        recorded = START + timedelta(seconds=span * (i + rng.random()) / n_reports)
        published = recorded - timedelta(seconds=rng.uniform(30, 1800))
        rid = UUID(int=rng.getrandbits(128), version=4)
        claims: list[dict[str, Any]] = []
        for _ in range(min(rng.randint(1, 5), n - made)):
            occurred = published - timedelta(seconds=math.exp(rng.uniform(math.log(600),
                                                                             math.log(7 * 86400))))
            best = int(rng.paretovariate(1.2)) - 1
            deaths = {"best": best, "low": max(0, best - rng.randint(0, 2)),
                      "high": best + rng.randint(0, 5)}
            roll = rng.random()
            if roll < 0.03 and tolls:
                target = tolls.pop(rng.randrange(len(tolls)))  # each retracted once
                claims.append({"type": "retract", "occurred_at": None, "claim": target,
                               "reason": "the source withdrew the toll", "confidence": "reported",
                               "precision": "day", "summary": None})
                made += 1
                continue
            if roll < 0.23 and keys:  # a revised toll of an earlier event
                key, city, occurred = keys[int(len(keys) * (1 - rng.random() ** 3)) - 1]
            else:
                city = rng.choices(places, cum_weights=weights)[0]
                key = f"bench-{i}-{len(claims)}"
                keys.append((key, city, occurred))
                if len(keys) > 5000:
                    del keys[:2500]
            if rng.random() < 0.85:
                event_type, sub = rng.choice(SUB_TYPES)
                claim = {"type": "event", "event_type": event_type, "sub_event_type": sub,
                         "city": city, "actors": rng.sample(factions, rng.randint(1, 2)),
                         "civilian_targeting": rng.random() < 0.3}
            else:
                claim = {"type": "casualties", "city": city,
                         "factions": rng.sample(factions, rng.randint(1, 2))}
            claim.update(occurred_at=api_time(occurred), confidence="reported", precision="day",
                         summary=None, event_key=key, geo_precision=1, deaths=deaths)
            claims.append(claim)
            made += 1
        numbered = [dict(c, id=str(claim_uuid(rid, k))) for k, c in enumerate(claims)]
        tolls += [c["id"] for c in numbered if c["type"] != "retract"]
        if len(tolls) > 20000:
            del tolls[:10000]
        yield recorded, {"id": rid, "source": rng.choice(synth.SOURCES), "published_at": published,
                         "headline": f"Toll {i}", "body": None, "language": "en",
                         "claims": numbered}


def load(url: str, n: int) -> dict[str, Any]:
    from timeline.application import TimelineApplication

    started = time.perf_counter()
    app = TimelineApplication(url)
    try:
        ref = synth.ensure_reference(app)
        events: list[Any] = []
        claims = 0
        for recorded, kwargs in reports(n, ref):
            claims += len(kwargs["claims"])
            events += synth.report_events(recorded, kwargs)
            if len(events) >= synth.BATCH:
                app._commit(events, None, {}, 201)
                events = []
        if events:
            app._commit(events, None, {}, 201)
        return {"version": VERSION, "claims": claims, "head": app.head(),
                "seconds": round(time.perf_counter() - started, 1)}
    finally:
        app.close()


def ensure(n: int) -> str:
    """The cached store of n claims, built (in a child process) if missing or stale."""
    STORES.mkdir(parents=True, exist_ok=True)
    url, marker = url_of(n), STORES / f"casualties-{n}.json"
    try:
        if (json.loads(marker.read_text()).get("version") == VERSION
                and Path(f"{STORES}/casualties-{n}.db").exists()):
            return url
    except (OSError, ValueError):
        pass
    log(f"building the casualties store of {n:,} claims (cached for later runs)")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{STORES}/casualties-{n}.db{suffix}").unlink(missing_ok=True)
    out = subprocess.run([PYTHON, "-m", "bench.b6_casualties", str(n)], cwd=PROJECT, check=True,
                         capture_output=True, text=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    marker.write_text(json.dumps(info))
    log(f"built in {info['seconds']} s: {info['claims']:,} claims")
    return url


def windows(app: Any, n: int, count: int, seed: int) -> list[tuple[str, str, str]]:
    """(governorate, from, to): a month of valid time within the store's span, in one of the
    governorates of the places the history uses."""
    from timeline.domainmodel import db_time

    rng = random.Random(seed)
    governorates = sorted({p.get("governorate") for p in app.names.entities("place")
                           if p["id"] in set(synth.reference_of(app)["places"])} - {None})
    out = []
    days = days_of(n)
    for _ in range(count):
        start = START + timedelta(days=rng.uniform(10, max(11.0, days - 40)))
        out.append((rng.choice(governorates), db_time(start), db_time(start + timedelta(days=30))))
    return out


def measure(urls: dict[int, str], n_queries: int) -> dict[int, dict[str, Any]]:
    from timeline.application import TimelineApplication
    from timeline.readmodel.casualties import casualties, places_of, rows, siblings

    apps = {size: TimelineApplication(url) for size, url in urls.items()}
    try:
        plans = {size: windows(app, size, n_queries * 4, seed=size) for size, app in apps.items()}
        # other windows, for the index reads alone (not the answer's own: they would warm them)
        reads = {size: windows(app, size, n_queries * 4, seed=size + 1)
                 for size, app in apps.items()}
        out: dict[int, dict[str, Any]] = {size: {"events": [], "sized": [], "reads": []}
                                          for size in apps}
        rounds = []
        for phase in range(4):  # a warm-up round, then three measured ones
            times: dict[int, list[float]] = {size: [] for size in apps}
            for i in range(phase * n_queries, (phase + 1) * n_queries):
                for size, app in apps.items():
                    governorate, start, end = reads[size][i]
                    began = time.perf_counter()
                    k = app.queries.point().k
                    found = rows(app.recorder, k, start, end,
                                 places_of(app.names, None, governorate), None, None)
                    siblings(app.recorder, k, found, None)
                    if phase:
                        out[size]["reads"].append(time.perf_counter() - began)
            for i in range(phase * n_queries, (phase + 1) * n_queries):
                for size, app in apps.items():
                    governorate, start, end = plans[size][i]
                    began = time.perf_counter()
                    answer = casualties(app, app.queries.point(), start=start, end=end,
                                        governorate=governorate)
                    times[size].append(time.perf_counter() - began)
                    out[size]["events"].append(answer["events"])
                    if phase:  # within about 10% of one another: a size class
                        out[size]["sized"].append((round(math.log1p(answer["events"]) / 0.1),
                                                   times[size][-1]))
            if phase:
                rounds.append({size: p50(t) * 1e3 for size, t in times.items()})
        median = median_round(rounds, apps)
        for size in apps:
            out[size]["p50_ms"] = median[size]
            out[size]["rounds_p50_ms"] = [r[size] for r in rounds]
            out[size]["events_p50"] = p50(out[size].pop("events"))
            out[size]["reads_p50_ms"] = p50(out[size].pop("reads")) * 1e3
        return out
    finally:
        for app in apps.values():
            app.close()


def run(results: Any, sizes: tuple[int, int], n_queries: int) -> None:
    small, large = sizes
    urls = {small: ensure(small), large: ensure(large)}
    log(f"B6 sqlite: /casualties for a governorate-month, {n_queries} per round, interleaved")
    r = measure(urls, n_queries)
    ratio = r[large]["p50_ms"] / r[small]["p50_ms"]
    results.add(f"B6 sqlite casualties governorate-month: p50 {large:,} / {small:,} claims",
                f"{ratio:.2f} ({r[large]['p50_ms']:.2f} / {r[small]['p50_ms']:.2f} ms; "
                f"{r[large]['events_p50']:.0f} / {r[small]['events_p50']:.0f} events)",
                "<= 1.2", ratio <= 1.2,
                **{str(k): {f: v for f, v in row.items() if f != "sized"} for k, row in r.items()})
    reads = r[large]["reads_p50_ms"] / r[small]["reads_p50_ms"]
    results.add(f"B6 sqlite floor: the window's index reads alone, p50 {large:,} / {small:,} claims",
                f"{reads:.2f} ({r[large]['reads_p50_ms']:.2f} / {r[small]['reads_p50_ms']:.2f} ms)",
                "info (the rows and their corrections, by index: any index-backed answer reads "
                "them)", None)
    same, share = equal_size_ratio(r[small]["sized"], r[large]["sized"], least=5)
    results.add(f"B6 sqlite at equal answer size: p50 {large:,} / {small:,} claims",
                f"{same:.2f} (windows of about the same event count; {share:.0%} of the "
                f"{large:,} store's windows)", "info (the history's length alone)", None)


if __name__ == "__main__":
    print(json.dumps(load(url_of(int(sys.argv[1])), int(sys.argv[1]))))
