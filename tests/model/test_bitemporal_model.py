"""Model-based test of the bitemporal rules: hypothesis files random histories (reports with
out-of-order valid times, ties, every confidence, several sources and relays, retractions and
retractions of retractions, confirmations, coups, dissolutions, sub-factions) and asks random
questions (`at`, `known_at` as a position or a time, `min_confidence`, `contest_window`,
`published_by`, `stale_after`); every answer of the read model must equal that of a naive
reference that folds the raw events of the log by the rules of API.md, the stretch rules of v2
included (since, confidence, evidence, dissent, corroboration, staleness, lapses). Corrections
the rules forbid (retracting twice, confirming a retracted claim or a retraction, correcting a
confirmation, an undo chain deeper than three) must be refused and write nothing.

Profiles: fast by default (in `make test`); TIMELINE_MODEL_PROFILE=full runs 220 histories
x 50 = 11,000 queries per store, and so does the `slow` variant (TIMELINE_SLOW=1) whatever the profile. The number of queries asked is printed at the end of each test."""

from __future__ import annotations

import os
import unicodedata
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
COUNT = {"queries": 0, "histories": 0, "refused": 0, "lapsed": 0, "disputed": 0,
         "corroborated": 0, "published_by": 0}

BASE = datetime(2024, 12, 1, tzinfo=timezone.utc)
# Few valid times, so that ties on occurred_at are common; written with assorted offsets.
GRID = [BASE + timedelta(hours=12 * i) for i in range(8)]
OFFSETS = [timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-5))]
STATUSES = ["active", "abroad", "detained", "dead", "whereabouts_unknown"]
# Source names: two spellings of one origin, another, and relays (`via`) drawn separately.
SOURCES = ["Model Wire", "model wire", "Mödel Wire", "Daily Model"]
PUBLISHED = [BASE + timedelta(days=4), BASE + timedelta(days=5), BASE + timedelta(days=6)]


# ---- the reference: a fold of the raw events ----------------------------------------------------
def origin_of(source: dict[str, Any]) -> str:
    """API.md v2: a report's origin is `via` if given, else `name`, compared case- and
    diacritics-insensitively (written here without timeline/origins.py)."""
    text = source.get("via") or source["name"]
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


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
                    c, position=position, seq=seq, published=db_time(event.published_at),
                    origin=origin_of(event.source),
                    t=db_time(datetime.fromisoformat(occurred.replace("Z", "+00:00")))
                    if occurred else db_time(event.published_at),
                    stated=CONFIDENCE_RANK[c.get("confidence") or "reported"]))
        self.by_id = {c["id"]: c for c in self.claims}

    def position_at(self, known_at: datetime, head_before: int) -> int:
        """The longest stretch of the log recorded by `known_at`: a position counts only if it
        and every one before it were recorded by then (what was known, and stays so)."""
        k = head_before
        for ts, p in sorted(self.recorded, key=lambda r: r[1]):
            if ts > known_at:
                break
            k = p
        return k

    @staticmethod
    def known(c: dict[str, Any], k: int, pb: str) -> bool:
        return c["position"] <= k and c["published"] <= pb

    def retracted(self, c: dict[str, Any], k: int, pb: str) -> bool:
        """Retracted by a known retraction that is not itself retracted (undo, API.md v2)."""
        return any(x["type"] == "retract" and x["claim"] == c["id"] and self.known(x, k, pb)
                   and not self.retracted(x, k, pb) for x in self.claims)

    def eff(self, c: dict[str, Any], k: int, pb: str) -> int:
        confirmed = any(x["type"] == "confirm" and x["claim"] == c["id"] and self.known(x, k, pb)
                        for x in self.claims)
        return 2 if confirmed else c["stated"]

    def counted(self, c: dict[str, Any], k: int, min_rank: int, pb: str) -> bool:
        return (self.known(c, k, pb) and not self.retracted(c, k, pb)
                and self.eff(c, k, pb) >= min_rank)

    def effects(self, kind: str, subject: str | None, at: str, k: int, m: int, pb: str
                ) -> list[dict[str, Any]]:
        out = []
        for c in self.claims:
            if not self.counted(c, k, m, pb) or c["t"] > at:
                continue
            if kind == "control" and c["type"] == "control" and subject in (c["city"], c.get("place")):
                out.append(dict(c, value=c["faction"], detail=c.get("from_faction")))
            elif kind == "clash" and c["type"] == "clash" and subject in (c["city"], c.get("place")):
                out.append(dict(c, value=None, detail=None))
            elif kind == "status" and c["type"] == "leader_status" and c["leader"] == subject:
                out.append(dict(c, value=c["status"], detail=c.get("location")))
            elif kind == "status" and c["type"] == "coup" and c["led_by"] == subject:
                out.append(dict(c, value="leading_coup", detail=c.get("city")))
            elif kind == "dissolve" and c["type"] == "dissolve":
                out.append(dict(c, value=c.get("into"), detail=None))
        for e in out:
            e["eff"] = self.eff(e, k, pb)
        return out

    @staticmethod
    def rank(e: dict[str, Any]) -> tuple:
        # latest valid time; ties: higher confidence, then the later record (log position);
        # claims of one report share a position: the greater claim id, so that the answer
        # is a function of the log alone
        return (e["t"], e["eff"], e["position"], e["id"])

    def fold(self, kind: str, subject: str, at: str, k: int, m: int, pb: str
             ) -> list[dict[str, Any]]:
        """Steps in valid-time order: {t, value, claim (the deciding one), support (claims of
        the instant naming the value), other (those naming another), lapsed_by}. At an instant
        the winner decides; then the dissolutions dated then or before the next instant pass
        the place on (or lapse it), instant by instant: of those dated at one instant whose
        faction family holds the place, the winner by the same tie rule, and again while the
        place's new holder is dissolved then too (each dissolution once)."""
        effects = self.effects(kind, subject, at, k, m, pb)
        dissolves = self.effects("dissolve", None, at, k, m, pb) if kind == "control" else []
        times = sorted({e["t"] for e in effects})
        steps: list[dict[str, Any]] = []
        value = None
        for i, t in enumerate(times):
            here = [e for e in effects if e["t"] == t]
            top = max(here, key=self.rank)
            value = top["value"]
            steps.append({"t": t, "value": value, "claim": top,
                          "support": [e for e in here if e["value"] == value],
                          "other": [e for e in here if e["value"] != value]})
            nxt = times[i + 1] if i + 1 < len(times) else None
            window = [d for d in dissolves if d["t"] >= t and (nxt is None or d["t"] < nxt)]
            for u in sorted({d["t"] for d in window}):
                used: set[str] = set()
                while value is not None:
                    applying = [d for d in window if d["t"] == u and d["id"] not in used
                                and value in self.family(d["faction"])]
                    if not applying:
                        break
                    d = max(applying, key=self.rank)
                    used.add(d["id"])
                    value = d["value"]
                    steps.append({"t": d["t"], "value": value, "claim": d, "support": [d],
                                  "other": [], "lapsed_by": d if value is None else None})
        return steps

    @staticmethod
    def judged(steps: list[dict[str, Any]], at: str, stale_after: timedelta) -> dict[str, Any]:
        """The stretch rules of API.md v2 over the trailing run of steps naming the value."""
        last = steps[-1]
        run = [last]
        if last["value"] is not None:
            for step in reversed(steps[:-1]):
                if step["value"] != last["value"]:
                    break
                run.append(step)
        support = sorted((e for s in run for e in s["support"]),
                         key=lambda e: (e["t"], e["position"], e["id"]))
        other = sorted((e for s in run for e in s["other"]),
                       key=lambda e: (e["t"], e["position"], e["id"]))
        newest = max(e["t"] for e in support)
        at_dt = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        return {"since": min(s["t"] for s in run),
                "confidence": CONFIDENCES[max(e["eff"] for e in support)],
                "evidence": [e["id"] for e in support], "dissent": [e["id"] for e in other],
                "corroboration": len({e["origin"] for e in support}),
                "disputed": bool(other), "last_evidence_at": newest,
                "stale": at_dt - stale_after > datetime.strptime(
                    newest, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)}

    def city(self, city: str, at: str, k: int, m: int, window: timedelta, pb: str = "~",
             stale_after: timedelta = timedelta(days=30)) -> dict[str, Any]:
        steps = self.fold("control", city, at, k, m, pb)
        if not steps:
            return {"controller": None, "status": "unknown", "since": None, "confidence": None,
                    "claim": None, "clashes": set(), "evidence": [], "dissent": [],
                    "corroboration": 0, "disputed": False, "last_evidence_at": None,
                    "stale": False, "lapsed": None}
        top = steps[-1]
        out = self.judged(steps, at, stale_after)
        out.update(controller=top["value"], claim=top["claim"]["id"], clashes=set(),
                   lapsed=top.get("lapsed_by") and {"faction": top["claim"]["faction"],
                                                    "claim": top["claim"]["id"]})
        if top["value"] is None:
            return dict(out, status="unknown")
        # after the deciding claim, and within the window before `at`, its bound included
        start = db_time(datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ")
                        .replace(tzinfo=timezone.utc) - window)
        clashes = [e for e in self.effects("clash", city, at, k, m, pb)
                   if e["t"] > top["t"] and e["t"] >= start]
        newest = max((e["t"] for e in clashes), default=None)
        return dict(out, status="contested" if clashes else "held",
                    clashes={e["id"] for e in clashes if e["t"] == newest})

    def leader(self, leader: str, at: str, k: int, m: int, pb: str = "~",
               stale_after: timedelta = timedelta(days=30)) -> dict[str, Any]:
        steps = self.fold("status", leader, at, k, m, pb)
        if not steps:
            return {"status": None, "location": None, "since": None, "confidence": None,
                    "claims": [], "evidence": [], "dissent": [], "corroboration": 0,
                    "disputed": False, "last_evidence_at": None, "stale": False}
        top = steps[-1]["claim"]
        return dict(self.judged(steps, at, stale_after), status=top["value"],
                    location=top["detail"], claims=[top["id"]])

    def family(self, faction: str) -> set[str]:
        out, todo = set(), [faction]
        while todo:
            f = todo.pop()
            out.add(f)
            todo += [c for c, parent in self.world["parents"].items() if parent == f and c not in out]
        return out

    def faction_cities(self, faction: str, at: str, k: int, m: int, window: timedelta,
                       pb: str = "~") -> list[str]:
        family = self.family(faction)
        return sorted(c for c in self.world["cities"]
                      if self.city(c, at, k, m, window, pb)["controller"] in family)

    def history(self, city: str, at: str, k: int, m: int, pb: str = "~") -> list[dict[str, Any]]:
        steps = self.fold("control", city, at, k, m, pb)
        items: list[dict[str, Any]] = []
        current = None
        for i, step in enumerate(steps):
            if items and step["value"] == current and current is not None:
                continue
            run = [step]
            for later in steps[i + 1:]:
                if later["value"] != step["value"] or step["value"] is None:
                    break
                run.append(later)
            best = max(e["eff"] for s in run for e in s["support"])
            items.append({"at": step["t"], "controller": step["value"],
                          "from": current if current is not None else step["claim"]["detail"],
                          "claim": step["claim"]["id"], "confidence": CONFIDENCES[best]})
            current = step["value"]
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
    kinds = ["control"] * 5 + ["clash"] * 2 + ["leader_status"] * 2 + ["coup", "note", "dissolve"]
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
    elif kind == "dissolve":
        claim = {"type": "dissolve", "faction": draw(st.sampled_from(world["factions"]))}
        into = draw(st.one_of(st.none(), st.sampled_from(world["factions"])))
        if into is not None and into != claim["faction"]:
            claim["into"] = into
    else:
        # retractions are often retracted in turn (API.md v2, undo)
        retractions = [c for c in prior if c["type"] == "retract"]
        pool = prior + retractions * 3 if kind == "retract" else prior
        target = draw(st.sampled_from(pool))["id"]
        claim = {"type": kind, "claim": target}
        if kind == "retract":
            claim["reason"] = "model retraction"
        if draw(st.booleans()):
            common.pop("occurred_at")
    return {**claim, **common}


def in_force(entry: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> bool:
    """Whether the claim is retracted now: its retraction is not itself retracted."""
    by = entry["retracted_by"]
    return by is not None and not in_force(by_id[by], by_id)


def depth(entry: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> int:
    """How many retractions deep the chain from this retraction goes."""
    n = 0
    while entry["type"] == "retract":
        n += 1
        entry = by_id[entry["claim"]]
    return n


def expected_refusal(claims: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> bool:
    """Whether the rules refuse this report: a correction of a confirmation, a confirmation of
    a retraction, an undo chain deeper than three, a retraction of a claim retracted before
    (even if reinstated since), a confirmation of a retracted or confirmed claim, the same
    correction twice in one report, or one report that both retracts and confirms a claim."""
    seen = set()
    for c in claims:
        if c["type"] not in ("retract", "confirm"):
            continue
        target = by_id[c["claim"]]
        other = "confirm" if c["type"] == "retract" else "retract"
        if (target["type"] == "confirm" or (c["type"], c["claim"]) in seen
                or (other, c["claim"]) in seen):
            return True
        if target["type"] == "retract" and (c["type"] == "confirm" or depth(target, by_id) >= 3):
            return True
        seen.add((c["type"], c["claim"]))
        if c["type"] == "retract" and target["retracted_by"] is not None:
            return True
        if c["type"] == "confirm" and (in_force(target, by_id) or target["confirmed"]):
            return True
    return False


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def model_app(request, tmp_path_factory):
    from timeline.application import TimelineApplication

    import timeline.readmodel.queries
    import timeline.readmodel.state

    url, cleanup = new_store_url(request.param, tmp_path_factory.mktemp("model"))
    app = TimelineApplication(url)
    # Small pages, so that a stretch's backward scan goes on past its first page and cuts
    # instants (ties) in two, as a long history's would; GET /state's first page too.
    pages = timeline.readmodel.state.PAGE, timeline.readmodel.state.FIRST_PAGE
    timeline.readmodel.state.PAGE, timeline.readmodel.state.FIRST_PAGE = 3, 2
    world_pages = timeline.readmodel.queries.WORLD_PAGE, timeline.readmodel.queries.WORLD_MORE
    timeline.readmodel.queries.WORLD_PAGE, timeline.readmodel.queries.WORLD_MORE = 3, 2
    COUNT.update({key: 0 for key in COUNT})
    yield app, request.param
    timeline.readmodel.state.PAGE, timeline.readmodel.state.FIRST_PAGE = pages
    timeline.readmodel.queries.WORLD_PAGE, timeline.readmodel.queries.WORLD_MORE = world_pages
    app.close()
    cleanup()


def test_read_model_answers_equal_a_fold_of_the_raw_events(model_app):
    app, store = model_app
    run(app, store, HISTORIES[store], QUERIES_PER_HISTORY)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("TIMELINE_SLOW"), reason="TIMELINE_SLOW=1 runs it")
def test_read_model_answers_equal_a_fold_of_the_raw_events_at_length(model_app):
    """The full profile whatever the environment: at least 10,000 queries per store."""
    app, store = model_app
    COUNT.update({key: 0 for key in COUNT})
    run(app, store, 220, 50)
    assert COUNT["queries"] >= 10_000


def run(app: Any, store: str, histories: int, queries: int) -> None:
    @settings(max_examples=histories, deadline=None, database=None,
              suppress_health_check=list(HealthCheck),
              # no shrinking: a failure already prints the answer and the reference's, and
              # shrinking a history of reports takes minutes
              phases=[Phase.explicit, Phase.generate])
    @given(data=st.data())
    def one_history(data):
        check_history(app, data, queries)

    one_history()
    print(f"\nmodel-based test on {store}: {COUNT['histories']} histories, "
          f"{COUNT['queries']} queries, {COUNT['refused']} refused corrections; answers with "
          f"lapsed {COUNT['lapsed']}, disputed {COUNT['disputed']}, corroboration > 1 "
          f"{COUNT['corroborated']}; published_by given {COUNT['published_by']}")
    assert COUNT["queries"] >= histories * queries


def check_history(app: Any, data: Any, queries: int = QUERIES_PER_HISTORY) -> None:
    world = new_world(app)
    start = app.head()
    prior: list[dict[str, Any]] = []  # claims filed so far: id, type, retracted, confirmed
    by_id: dict[str, dict[str, Any]] = {}
    for _ in range(data.draw(st.integers(1, 14), label="reports")):
        claims = [draw_claim(data.draw, world, prior)
                  for _ in range(data.draw(st.integers(1, 3), label="claims"))]
        source = {"name": data.draw(st.sampled_from(SOURCES), label="source")}
        via = data.draw(st.sampled_from([None, None, "Model Wire", "Other Agency"]), label="via")
        if via:
            source["via"] = via
        report = {"source": source, "claims": claims,
                  "published_at": data.draw(st.sampled_from(PUBLISHED), label="published_at")
                  .isoformat()}
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
            entry = {"id": made["id"], "type": claim["type"], "retracted_by": None,
                     "confirmed": False, "claim": claim.get("claim")}
            prior.append(entry)
            by_id[made["id"]] = entry
        for claim, made in zip(claims, answer["claims"], strict=True):
            if claim["type"] == "retract":
                by_id[claim["claim"]]["retracted_by"] = made["id"]
            elif claim["type"] == "confirm":
                by_id[claim["claim"]]["confirmed"] = True

    COUNT["histories"] += 1
    ref = Reference(app, start, world)
    head = app.head()
    for _ in range(queries):
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
    published_by = draw(st.sampled_from([None, None, *PUBLISHED, PUBLISHED[0] - timedelta(days=1),
                                         PUBLISHED[1] + timedelta(hours=1)]), label="published_by")
    stale_after = draw(st.sampled_from([None, timedelta(hours=12), timedelta(days=2)]),
                       label="stale_after")
    p = app.queries.point(at=at, known_at=known, min_confidence=m, contest_window=window,
                          published_by=published_by, stale_after=stale_after)
    if known is None:
        k = head
    elif isinstance(known, int):
        k = min(known, head)
    else:
        k = ref.position_at(known, start)
    assert p.k == k or (k == start and p.k <= start)
    at_text, rank, win = p.at, CONFIDENCE_RANK[m], window or timedelta(hours=72)
    pb = db_time(published_by) if published_by else "~"
    stale = stale_after or timedelta(days=30)
    COUNT["published_by"] += published_by is not None
    what = draw(st.sampled_from(["city", "city", "leader", "faction", "history", "world"]),
                label="question")
    COUNT["queries"] += 1
    if what == "city":
        city = draw(st.sampled_from(world["cities"]))
        got = app.queries.city_state(city, p)
        want = ref.city(city, at_text, k, rank, win, pb, stale)
        assert (got["controller"], got["status"], got["confidence"]) == (
            want["controller"], want["status"], want["confidence"]), (got, want)
        assert got["since"] == (want["since"] and _api(want["since"])), (got, want)
        assert got["claims"][:1] == ([want["claim"]] if want["claim"] else [])
        if want["status"] == "contested":
            assert len(got["claims"]) == 2 and got["claims"][1] in want["clashes"], (got, want)
        assert_judged(got, want)
        assert got.get("lapsed") == want["lapsed"], (got, want)
    elif what == "leader":
        leader = draw(st.sampled_from(world["leaders"]))
        got = app.queries.leader_state(leader, p)
        want = ref.leader(leader, at_text, k, rank, pb, stale)
        assert {key: got[key] for key in ("status", "location", "confidence", "claims")} == {
            key: want[key] for key in ("status", "location", "confidence", "claims")}, (got, want)
        assert got["since"] == (want["since"] and _api(want["since"]))
        assert_judged(got, want)
    elif what == "faction":
        faction = draw(st.sampled_from(world["factions"]))
        got = app.queries.faction_state(faction, p)
        assert got["cities"] == ref.faction_cities(faction, at_text, k, rank, win, pb), got
    elif what == "world":
        got = app.queries.state(p)
        cities = {c["id"]: c for c in got["cities"]}
        for city in world["cities"]:
            want = ref.city(city, at_text, k, rank, win, pb, stale)
            have = cities.get(city, {"controller": None, "status": "unknown", "claims": []})
            assert (have["controller"], have["status"], have["claims"][:1]) == (
                want["controller"], want["status"], [want["claim"]] if want["claim"] else []), (
                city, have, want)
            assert_judged(have, want, lists=False)
        leaders = {le["id"]: le for le in got["leaders"]}
        for leader in world["leaders"]:
            want = ref.leader(leader, at_text, k, rank, pb, stale)
            assert (leaders[leader]["status"], leaders[leader]["claims"]) == (
                want["status"], want["claims"]), (leader, leaders[leader], want)
            assert_judged(leaders[leader], want, lists=False)
        factions = {f["id"]: f for f in got["factions"]}
        for faction in world["factions"]:
            assert factions[faction]["cities"] == ref.faction_cities(faction, at_text, k, rank,
                                                                     win, pb)
    else:
        city = draw(st.sampled_from(world["cities"]))
        got = app.queries.city_history(city, p)
        want = [dict(item, at=_api(item["at"]))
                for item in ref.history(city, at_text, k, rank, pb)]
        assert got == want


def assert_judged(got: dict[str, Any], want: dict[str, Any], lists: bool = True) -> None:
    """The stretch fields of API.md v2 (lists: evidence and dissent, by claim id)."""
    COUNT["lapsed"] += bool(want.get("lapsed"))
    COUNT["disputed"] += want["disputed"]
    COUNT["corroborated"] += want["corroboration"] > 1
    assert got["since"] == (want["since"] and _api(want["since"])), (got, want)
    assert got["confidence"] == want["confidence"], (got, want)
    assert (got["corroboration"], got["disputed"], got["stale"]) == (
        want["corroboration"], want["disputed"], want["stale"]), (got, want)
    assert got["last_evidence_at"] == (want["last_evidence_at"]
                                       and _api(want["last_evidence_at"])), (got, want)
    if lists:
        assert [e["claim"] for e in got["evidence"]] == want["evidence"], (got, want)
        assert [e["claim"] for e in got["dissent"]] == want["dissent"], (got, want)


def _api(db: str) -> str:
    from timeline.domainmodel import db_to_api

    return db_to_api(db)  # type: ignore[return-value]
