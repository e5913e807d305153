"""Model-based test of the bitemporal rules: hypothesis files random histories (reports with
out-of-order valid times, ties, every confidence, retractions, confirmations, coups, sub-factions)
and asks random questions (`at`, `known_at` as a position or a time, `min_confidence`,
`contest_window`); every answer of the read model must equal that of a naive reference that folds
the raw events of the log by the rules of API.md. Corrections the rules forbid (retracting twice,
confirming a retracted claim, correcting a correction) must be refused and write nothing.

Profiles: fast by default (in `make test`); TIMELINE_MODEL_PROFILE=full runs 220 histories
x 50 = 11,000 queries per store. The number of queries asked is printed at the end of each test."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import new_store_url
from timeline.domainmodel import CONFIDENCES, CONFIDENCE_RANK, DomainError, Report, db_time

FULL = os.environ.get("TIMELINE_MODEL_PROFILE") == "full"
_N = os.environ.get("TIMELINE_MODEL_HISTORIES")
# PostgreSQL is slower per write; its fast profile asks fewer histories.
HISTORIES = {"sqlite": int(_N or (220 if FULL else 30)), "postgres": int(_N or (220 if FULL else 8))}
QUERIES_PER_HISTORY = 50 if FULL else 24
COUNT = {"queries": 0, "histories": 0, "refused": 0}

BASE = datetime(2024, 12, 1, tzinfo=timezone.utc)
# Few valid times, so that ties on occurred_at are common; written with assorted offsets.
GRID = [BASE + timedelta(hours=12 * i) for i in range(8)]
OFFSETS = [timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-5))]
STATUSES = ["active", "abroad", "detained", "dead", "whereabouts_unknown"]


# ---- the reference: a fold of the raw events ----------------------------------------------------
class Reference:
    """Claims as the log has them, and the rules of API.md applied by brute force."""

    def __init__(self, app: Any, after: int, world: dict[str, Any]):
        self.world = world
        self.claims: list[dict[str, Any]] = []
        self.recorded: list[tuple[datetime, int]] = []
        for position, event in app.iter_events(after=after):
            self.recorded.append((event.timestamp, position))
            if not isinstance(event, Report.Filed):
                continue
            for seq, c in enumerate(event.claims):
                occurred = c.get("occurred_at")
                self.claims.append(dict(
                    c, position=position, seq=seq,
                    t=db_time(datetime.fromisoformat(occurred.replace("Z", "+00:00")))
                    if occurred else db_time(event.published_at),
                    stated=CONFIDENCE_RANK[c.get("confidence") or "reported"]))

    def position_at(self, known_at: datetime, head_before: int) -> int:
        """The longest stretch of the log recorded by `known_at`: a position counts only if it
        and every one before it were recorded by then (what was known, and stays so)."""
        k = head_before
        for ts, p in sorted(self.recorded, key=lambda r: r[1]):
            if ts > known_at:
                break
            k = p
        return k

    def eff(self, c: dict[str, Any], k: int) -> int:
        confirmed = any(x["type"] == "confirm" and x["claim"] == c["id"] and x["position"] <= k
                        for x in self.claims)
        return 2 if confirmed else c["stated"]

    def counted(self, c: dict[str, Any], k: int, min_rank: int) -> bool:
        retracted = any(x["type"] == "retract" and x["claim"] == c["id"] and x["position"] <= k
                        for x in self.claims)
        return c["position"] <= k and not retracted and self.eff(c, k) >= min_rank

    def effects(self, kind: str, subject: str, at: str, k: int, m: int) -> list[dict[str, Any]]:
        out = []
        for c in self.claims:
            if not self.counted(c, k, m) or c["t"] > at:
                continue
            if kind == "control" and c["type"] == "control" and subject in (c["city"], c.get("place")):
                out.append(dict(c, value=c["faction"], detail=c.get("from_faction")))
            elif kind == "clash" and c["type"] == "clash" and subject in (c["city"], c.get("place")):
                out.append(dict(c, value=None, detail=None))
            elif kind == "status" and c["type"] == "leader_status" and c["leader"] == subject:
                out.append(dict(c, value=c["status"], detail=c.get("location")))
            elif kind == "status" and c["type"] == "coup" and c["led_by"] == subject:
                out.append(dict(c, value="leading_coup", detail=c.get("city")))
        for e in out:
            e["eff"] = self.eff(e, k)
        return out

    @staticmethod
    def rank(e: dict[str, Any]) -> tuple:
        # latest valid time; ties: higher confidence, then the later record (log position);
        # claims of one report share a position: the greater claim id, so that the answer
        # is a function of the log alone
        return (e["t"], e["eff"], e["position"], e["id"])

    def latest(self, kind: str, subject: str, at: str, k: int, m: int) -> dict[str, Any] | None:
        effects = self.effects(kind, subject, at, k, m)
        return max(effects, key=self.rank) if effects else None

    def city(self, city: str, at: str, k: int, m: int, window: timedelta) -> dict[str, Any]:
        top = self.latest("control", city, at, k, m)
        if top is None:
            return {"controller": None, "status": "unknown", "since": None, "confidence": None,
                    "claim": None, "clashes": set()}
        # after the control claim, and within the window before `at`, its bound included
        start = db_time(datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ")
                        .replace(tzinfo=timezone.utc) - window)
        clashes = [e for e in self.effects("clash", city, at, k, m)
                   if e["t"] > top["t"] and e["t"] >= start]
        newest = max((e["t"] for e in clashes), default=None)
        return {"controller": top["value"], "status": "contested" if clashes else "held",
                "since": top["t"], "confidence": CONFIDENCES[top["eff"]], "claim": top["id"],
                "clashes": {e["id"] for e in clashes if e["t"] == newest}}

    def leader(self, leader: str, at: str, k: int, m: int) -> dict[str, Any]:
        top = self.latest("status", leader, at, k, m)
        if top is None:
            return {"status": None, "location": None, "since": None, "confidence": None, "claims": []}
        return {"status": top["value"], "location": top["detail"], "since": top["t"],
                "confidence": CONFIDENCES[top["eff"]], "claims": [top["id"]]}

    def family(self, faction: str) -> set[str]:
        out, todo = set(), [faction]
        while todo:
            f = todo.pop()
            out.add(f)
            todo += [c for c, parent in self.world["parents"].items() if parent == f and c not in out]
        return out

    def faction_cities(self, faction: str, at: str, k: int, m: int, window: timedelta) -> list[str]:
        family = self.family(faction)
        return sorted(c for c in self.world["cities"]
                      if self.city(c, at, k, m, window)["controller"] in family)

    def history(self, city: str, at: str, k: int, m: int) -> list[dict[str, Any]]:
        winners: dict[str, dict[str, Any]] = {}
        for e in self.effects("control", city, at, k, m):
            if e["t"] not in winners or self.rank(e) > self.rank(winners[e["t"]]):
                winners[e["t"]] = e
        items, current = [], None
        for t in sorted(winners):
            e = winners[t]
            if e["value"] == current:
                continue
            items.append({"at": t, "controller": e["value"],
                          "from": current if current is not None else e["detail"],
                          "claim": e["id"], "confidence": CONFIDENCES[e["eff"]]})
            current = e["value"]
        return items


# ---- histories ----------------------------------------------------------------------------------
def new_world(app: Any) -> dict[str, Any]:
    """Fresh entities for one history, so that histories share a store but not a subject."""
    tag = uuid.uuid4().hex[:8]
    cities = [f"m{tag}-c{i}" for i in range(2)]
    for i, slug in enumerate(cities):
        app.register("place", f"Model City {tag} {i}", [], slug=slug, lat=35.0 + i, lon=36.0,
                     governorate=None, parent=None, place_kind="city", source=None)
    # f0 <- f1 <- f2 (a chain of sub-factions), f3, and f4 under f3
    parents = {f"m{tag}-f0": None, f"m{tag}-f1": f"m{tag}-f0", f"m{tag}-f2": f"m{tag}-f1",
               f"m{tag}-f3": None, f"m{tag}-f4": f"m{tag}-f3"}
    for i, (slug, parent) in enumerate(parents.items()):
        app.register("faction", f"Model Faction {tag} {i}", [], slug=slug, parent=parent, source=None)
    leaders = [f"m{tag}-l{i}" for i in range(2)]
    for i, slug in enumerate(leaders):
        app.register("leader", f"Model Leader {tag} {i}", [], slug=slug, role=None, faction=None,
                     source=None)
    return {"cities": cities, "factions": list(parents), "parents": parents, "leaders": leaders}


def when(draw: Any) -> str:
    t = draw(st.sampled_from(GRID)) + timedelta(minutes=draw(st.sampled_from([0, 0, 0, 30])))
    return t.astimezone(draw(st.sampled_from(OFFSETS))).isoformat()


def draw_claim(draw: Any, world: dict[str, Any], prior: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = ["control"] * 5 + ["clash"] * 2 + ["leader_status"] * 2 + ["coup", "note"]
    if prior:
        kinds += ["retract"] * 3 + ["confirm"] * 2
    kind = draw(st.sampled_from(kinds))
    common = {"occurred_at": when(draw),
              "confidence": draw(st.sampled_from(CONFIDENCES))}
    if kind == "control":
        claim = {"type": "control", "city": draw(st.sampled_from(world["cities"])),
                 "faction": draw(st.sampled_from(world["factions"]))}
        if draw(st.booleans()):
            other = draw(st.sampled_from(world["factions"]))
            if other != claim["faction"]:
                claim["from_faction"] = other
    elif kind == "clash":
        claim = {"type": "clash", "city": draw(st.sampled_from(world["cities"])),
                 "factions": draw(st.lists(st.sampled_from(world["factions"]), min_size=2,
                                           max_size=3, unique=True))}
    elif kind == "leader_status":
        claim = {"type": "leader_status", "leader": draw(st.sampled_from(world["leaders"])),
                 "status": draw(st.sampled_from(STATUSES))}
        if draw(st.booleans()):
            claim["location"] = draw(st.sampled_from(["Moscow, Russia", "Damascus"]))
    elif kind == "coup":
        led_by, against = draw(st.permutations(world["leaders"]))
        claim = {"type": "coup", "city": draw(st.sampled_from(world["cities"])), "led_by": led_by,
                 "against": against}
    elif kind == "note":
        claim = {"type": "note", "text": "model note"}
    else:
        target = draw(st.sampled_from(prior))["id"]
        claim = {"type": kind, "claim": target}
        if kind == "retract":
            claim["reason"] = "model retraction"
        if draw(st.booleans()):
            common.pop("occurred_at")
    return {**claim, **common}


def expected_refusal(claims: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> bool:
    """Whether the rules refuse this report: a correction of a correction, of a claim already
    retracted, a second confirmation, the same correction twice in one report, or one report
    that both retracts and confirms a claim."""
    seen = set()
    for c in claims:
        if c["type"] not in ("retract", "confirm"):
            continue
        target = by_id[c["claim"]]
        other = "confirm" if c["type"] == "retract" else "retract"
        if (target["type"] in ("retract", "confirm") or (c["type"], c["claim"]) in seen
                or (other, c["claim"]) in seen):
            return True
        seen.add((c["type"], c["claim"]))
        if target["retracted"] or (c["type"] == "confirm" and target["confirmed"]):
            return True
    return False


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def model_app(request, tmp_path_factory):
    from timeline.application import TimelineApplication

    url, cleanup = new_store_url(request.param, tmp_path_factory.mktemp("model"))
    app = TimelineApplication(url)
    COUNT.update(queries=0, histories=0, refused=0)
    yield app, request.param
    app.close()
    cleanup()


def test_read_model_answers_equal_a_fold_of_the_raw_events(model_app):
    app, store = model_app

    @settings(max_examples=HISTORIES[store], deadline=None, database=None,
              suppress_health_check=list(HealthCheck),
              # no shrinking: a failure already prints the answer and the reference's, and
              # shrinking a history of reports takes minutes
              phases=[Phase.explicit, Phase.generate])
    @given(data=st.data())
    def one_history(data):
        check_history(app, data)

    one_history()
    print(f"\nmodel-based test on {store}: {COUNT['histories']} histories, "
          f"{COUNT['queries']} queries, {COUNT['refused']} refused corrections")
    assert COUNT["queries"] >= HISTORIES[store] * QUERIES_PER_HISTORY


def check_history(app: Any, data: Any) -> None:
    world = new_world(app)
    start = app.head()
    prior: list[dict[str, Any]] = []  # claims filed so far: id, type, retracted, confirmed
    by_id: dict[str, dict[str, Any]] = {}
    for _ in range(data.draw(st.integers(1, 14), label="reports")):
        claims = [draw_claim(data.draw, world, prior)
                  for _ in range(data.draw(st.integers(1, 3), label="claims"))]
        report = {"source": {"name": "Model wire"}, "claims": claims,
                  "published_at": (BASE + timedelta(days=5)).isoformat()}
        refuse = expected_refusal(claims, by_id)
        head = app.head()
        if refuse:
            with pytest.raises(DomainError):
                app.file_report(report)
            assert app.head() == head, "a refused report wrote to the log"
            COUNT["refused"] += 1
            continue
        answer = app.file_report(report)
        for claim, made in zip(claims, answer["claims"], strict=True):
            entry = {"id": made["id"], "type": claim["type"], "retracted": False, "confirmed": False}
            prior.append(entry)
            by_id[made["id"]] = entry
        for claim in claims:
            if claim["type"] == "retract":
                by_id[claim["claim"]]["retracted"] = True
            elif claim["type"] == "confirm":
                by_id[claim["claim"]]["confirmed"] = True

    COUNT["histories"] += 1
    ref = Reference(app, start, world)
    head = app.head()
    for _ in range(QUERIES_PER_HISTORY):
        ask(app, ref, world, data, start, head)


def ask(app: Any, ref: Reference, world: dict[str, Any], data: Any, start: int, head: int) -> None:
    draw = data.draw
    at = draw(st.one_of(st.none(), st.builds(
        lambda t, d: t + d, st.sampled_from(GRID + [BASE + timedelta(days=30)]),
        st.sampled_from([timedelta(0), timedelta(microseconds=-1), timedelta(minutes=30),
                         timedelta(hours=40), timedelta(days=3), timedelta(days=3, minutes=1)]))),
        label="at")
    positions = sorted({p for _, p in ref.recorded})
    known = draw(st.one_of(st.none(), st.sampled_from([start, *positions, head + 50]),
                           st.sampled_from([start, *positions, head + 50]),
                           st.sampled_from([ts for ts, _ in ref.recorded] or [BASE])),
                 label="known_at")
    m = draw(st.sampled_from(CONFIDENCES), label="min_confidence")
    window = draw(st.sampled_from([None, timedelta(hours=1), timedelta(hours=24),
                                   timedelta(hours=72)]), label="contest_window")
    p = app.queries.point(at=at, known_at=known, min_confidence=m, contest_window=window)
    if known is None:
        k = head
    elif isinstance(known, int):
        k = min(known, head)
    else:
        k = ref.position_at(known, start)
    assert p.k == k or (k == start and p.k <= start)
    at_text, rank, win = p.at, CONFIDENCE_RANK[m], window or timedelta(hours=72)
    what = draw(st.sampled_from(["city", "city", "leader", "faction", "history", "world"]),
                label="question")
    COUNT["queries"] += 1
    if what == "city":
        city = draw(st.sampled_from(world["cities"]))
        got = app.queries.city_state(city, p)
        want = ref.city(city, at_text, k, rank, win)
        assert (got["controller"], got["status"], got["confidence"]) == (
            want["controller"], want["status"], want["confidence"]), (got, want)
        assert got["since"] == (want["since"] and _api(want["since"]))
        assert got["claims"][:1] == ([want["claim"]] if want["claim"] else [])
        if want["status"] == "contested":
            assert len(got["claims"]) == 2 and got["claims"][1] in want["clashes"], (got, want)
    elif what == "leader":
        leader = draw(st.sampled_from(world["leaders"]))
        got = app.queries.leader_state(leader, p)
        want = ref.leader(leader, at_text, k, rank)
        assert {key: got[key] for key in ("status", "location", "confidence", "claims")} == {
            key: want[key] for key in ("status", "location", "confidence", "claims")}, (got, want)
        assert got["since"] == (want["since"] and _api(want["since"]))
    elif what == "faction":
        faction = draw(st.sampled_from(world["factions"]))
        got = app.queries.faction_state(faction, p)
        assert got["cities"] == ref.faction_cities(faction, at_text, k, rank, win), got
    elif what == "world":
        got = app.queries.state(p)
        cities = {c["id"]: c for c in got["cities"]}
        for city in world["cities"]:
            want = ref.city(city, at_text, k, rank, win)
            have = cities.get(city, {"controller": None, "status": "unknown", "claims": []})
            assert (have["controller"], have["status"], have["claims"][:1]) == (
                want["controller"], want["status"], [want["claim"]] if want["claim"] else []), (
                city, have, want)
        leaders = {le["id"]: le for le in got["leaders"]}
        for leader in world["leaders"]:
            want = ref.leader(leader, at_text, k, rank)
            assert (leaders[leader]["status"], leaders[leader]["claims"]) == (
                want["status"], want["claims"]), (leader, leaders[leader], want)
        factions = {f["id"]: f for f in got["factions"]}
        for faction in world["factions"]:
            assert factions[faction]["cities"] == ref.faction_cities(faction, at_text, k, rank, win)
    else:
        city = draw(st.sampled_from(world["cities"]))
        got = app.queries.city_history(city, p)
        want = [dict(item, at=_api(item["at"])) for item in ref.history(city, at_text, k, rank)]
        assert got == want


def _api(db: str) -> str:
    from timeline.domainmodel import db_to_api

    return db_to_api(db)  # type: ignore[return-value]
