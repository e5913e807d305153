"""B5: the naive alternative. Without a read model, "who held this city at T, as known at K"
means replaying the log per query: read and decode every event up to K and fold the claims
about the city by the same State rules. Ours answers from the read model (point() +
city_state()). Same questions, same answers (checked), timed side by side."""

from __future__ import annotations

import time
from typing import Any

from . import synth
from .b1_city_state import points
from .common import log, p50


def naive_city_state(app: Any, city: str, at: str, k: int, min_rank: int = 1,
                     window: float = 72 * 3600) -> tuple[str | None, str]:
    """(controller, status) by folding the log: what an eventsourcing user does per query."""
    from timeline.domainmodel import CONFIDENCE_RANK, Report, db_time, minus, parse_time

    controls: dict[str, tuple] = {}
    clashes: dict[str, tuple] = {}
    retracted: set[str] = set()
    confirmed: set[str] = set()
    for position, event in app.iter_events():
        if position > k:
            break
        if not isinstance(event, Report.Filed):
            continue
        published = db_time(event.published_at)
        for claim in event.claims:
            t = claim["type"]
            if t == "retract":
                retracted.add(claim["claim"])
                continue
            if t == "confirm":
                confirmed.add(claim["claim"])
                continue
            if t not in ("control", "clash") or city not in (claim.get("city"), claim.get("place")):
                continue
            occurred = db_time(parse_time(claim["occurred_at"])) if claim.get("occurred_at") \
                else published
            row = (occurred, CONFIDENCE_RANK[claim.get("confidence") or "reported"], position,
                   claim["id"], claim.get("faction"))
            (controls if t == "control" else clashes)[claim["id"]] = row

    def rank(row: tuple) -> int:
        return 2 if row[3] in confirmed else row[1]

    def counted(row: tuple) -> bool:
        return row[3] not in retracted and rank(row) >= min_rank and row[0] <= at

    best = None
    for row in controls.values():
        if counted(row) and (best is None or (row[0], rank(row), row[2], row[3])
                             > (best[0], rank(best), best[2], best[3])):
            best = row
    if best is None:
        return None, "unknown"
    lo = max(best[0], minus(at, window))
    contested = any(counted(r) and r[0] > lo for r in clashes.values())
    return best[4], "contested" if contested else "held"


def run(results: Any, url: str, size: int, n_naive: int, n_ours: int = 500) -> None:
    from timeline.application import TimelineApplication
    from timeline.domainmodel import db_time

    log(f"B5: per-query log replay vs the read model at {size:,} claims")
    app = TimelineApplication(url)
    try:
        places = synth.reference_of(app)["places"]
        todo = points(places, max(n_naive, n_ours), seed=51)
        for city, at, known in points(places, 2 * n_ours, seed=52):  # a running service
            q = app.queries
            q.city_state(city, q.point(at=at, known_at=known))
        ours = []
        for city, at, known in todo[:n_ours]:
            started = time.perf_counter()
            q = app.queries
            q.city_state(city, q.point(at=at, known_at=known))
            ours.append(time.perf_counter() - started)
        naive = []
        for city, at, known in todo[:n_naive]:
            p = app.queries.point(at=at, known_at=known)
            started = time.perf_counter()
            answer = naive_city_state(app, city, db_time(at), p.k)
            naive.append(time.perf_counter() - started)
            mine = app.queries.city_state(city, p)
            if answer != (mine["controller"], mine["status"]):
                raise AssertionError(f"B5: the naive fold and the read model disagree on {city} "
                                     f"at {at} known {known}: {answer} != {mine}")
    finally:
        app.close()
    ratio = p50(naive) / p50(ours)
    results.add(f"B5: per-query replay p50 / read-model p50 at {size:,} claims",
                f"{ratio:,.0f}x ({p50(naive) * 1e3:,.0f} ms / {p50(ours) * 1e6:.0f} us)",
                ">= 1000x", ratio >= 1000, naive_n=len(naive), ours_n=len(ours))
