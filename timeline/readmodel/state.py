"""Queries of the read model: state at (`at`, `known_at`) by the State rules of API.md (one place,
leader or faction here; the whole world: world.py; reports and claims: reports.py) and histories.
Each is a handful of index seeks; none reads the log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from ..domainmodel import (
    CONFIDENCE_RANK,
    CONFIDENCE_WORDS,
    CONFIDENCES,
    DomainError,
    confidence_of,
    db_time,
    db_to_api,
    minus,
)
from . import stretch
from ..hierarchy import families
from .point import (
    DEFAULT_STALE,
    DEFAULT_WINDOW,
    Page,
    Point,
    _api,
    _grouped,
    _source,
    _unknown_city,
    _unknown_leader,
)
from .queries import END
from .reports import ReportQueries
from .world import WorldState

# A stretch's backward scan reads this many rows per statement (the first, which also finds
# the latest instant, fewer: most stretches are a few claims).
PAGE = 32
FIRST_PAGE = 8


class StateQueries(WorldState, ReportQueries):
    def __init__(self, recorder: Any, names: Any):
        self.rm = recorder
        self.names = names

    def reading(self) -> AbstractContextManager[Any]:
        """One read transaction for a point of view and its answer (`cursor=` of each)."""
        return self.rm.reading()

    # ---- the point of view ---------------------------------------------------------------
    def point(self, at: datetime | None = None, known_at: datetime | int | None = None,
              min_confidence: str = "reported", contest_window: timedelta | None = None,
              published_by: datetime | None = None, stale_after: timedelta | None = None,
              cursor: Any = None) -> Point:
        """`cursor`: the read transaction the answer will be read in (one round trip less on
        PostgreSQL than a transaction of its own); by default a transaction of its own."""
        now = datetime.now(timezone.utc)
        head = self.rm.head(cursor)
        if known_at is None:
            k, known_text = head, None
        elif isinstance(known_at, int):
            k, known_text = min(known_at, head), f"@{known_at}"
        else:
            k = self.rm.position_at(db_time(known_at), cursor)
            known_text = db_to_api(db_time(known_at))
        min_confidence = confidence_of(min_confidence)
        if min_confidence not in CONFIDENCE_RANK:
            raise DomainError(f"min_confidence must be one of {', '.join(CONFIDENCE_WORDS)}",
                              {"min_confidence": [f"must be one of {', '.join(CONFIDENCE_WORDS)}"]})
        window = (contest_window or DEFAULT_WINDOW).total_seconds()
        pb = db_time(published_by) if published_by is not None else END
        stale = (stale_after if stale_after is not None else DEFAULT_STALE).total_seconds()
        point = Point(db_time(at or now), k, CONFIDENCE_RANK[min_confidence], window, known_text,
                      pb, db_to_api(pb) if published_by is not None else None, stale)
        if known_text is None:
            point.known_at = db_to_api(db_time(now))
        point.head = head
        return point

    # ---- folding a subject's claims (timeline/readmodel/stretch.py) ----------------------------------
    def families(self) -> Callable[[str], set[str]]:
        """faction -> it and its sub-factions, memoised for one query."""
        return families(self.names.entities("faction"))

    def _instants_desc(self, cursor: Any, kind: str, subject: str, top: str, hi: str,
                       p: Point, first: Page | None = None
                       ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """(occurred_at, the counted rows of that instant), latest first, from `top` down:
        the "early" rows past `hi` from their own index, then the rest a page at a time
        (`first`: the first page, already read by stretch_head() or world_pages()). Lazy: a
        caller that stops reads no further page."""
        op = "<="
        if first is None and top > hi:
            rows = self.rm.early_instants(cursor, kind, subject, hi, top, p.k, p.min_rank, p.pb)
            yield from _grouped(rows)
            top = hi
        while True:
            if first is not None:
                page, first = first, None
            else:
                rows = self.rm.instants(cursor, kind, subject, top, p.k, p.min_rank, p.pb,
                                        PAGE, op)
                page = Page(rows, len(rows) == PAGE, False)
            groups = _grouped(page.rows)
            if not groups:
                return
            if page.full and not page.last_complete:
                # the last instant may go on past the page: read it whole (if it is wanted)
                yield from groups[:-1]
                last = groups[-1][0]
                yield last, self.rm.instants(cursor, kind, subject, last, p.k, p.min_rank, p.pb,
                                             1 << 30, "=")
            else:
                yield from groups
            if not page.full:
                return
            top, op = groups[-1][0], "<"

    def _stretch(self, cursor: Any, kind: str, subject: str, top: dict[str, Any], hi: str,
                 p: Point, dissolves: list[dict[str, Any]] | None = None,
                 family: Callable[[str], set[str]] | None = None,
                 first: Page | None = None) -> dict[str, Any]:
        """stretch.summary() of the subject whose latest winner is `top`."""
        instants = self._instants_desc(cursor, kind, subject, top["occurred_at"], hi, p, first)
        return stretch.summary(stretch.take(stretch.elements_desc(instants, dissolves or [],
                                                                  family)))

    def dissolves(self, cursor: Any, p: Point) -> list[dict[str, Any]]:
        """The counted dissolutions up to `at` (none without a query when the log has none
        up to k: the first one's position is kept per head)."""
        head = p.head if p.head is not None else self.rm.head(cursor)
        kept = self.__dict__.get("_first_dissolve")
        if kept is None or kept[0] != head:
            row = self.rm.fetchone("SELECT MIN(position) AS p FROM tl_effects "
                                   "WHERE kind = 'dissolve'", None, cursor)
            kept = (head, row["p"] if row else None)
            self.__dict__["_first_dissolve"] = kept
        if kept[1] is None or kept[1] > p.k:
            return []
        return self.rm.dissolves(cursor, p.at, p.k, p.min_rank, p.pb)

    @staticmethod
    def _evidence(rows: list[dict[str, Any]], extra: str | None = None) -> list[dict[str, Any]]:
        """API.md v2 evidence items of these effect rows (plus `extra`: the row's value under
        that name, for dissent); the rows carry their report's id, source and publication."""
        out = []
        for r in rows:
            source, origin = _source(r.get("source"))
            item = {"claim": r["claim_id"], "report": r.get("report_id"), "source": dict(source)
                    if source is not None else None, "origin": origin,
                    "published_at": _api(r["published_at"]) if r.get("published_at") else None,
                    "occurred_at": _api(r["occurred_at"]), "confidence": CONFIDENCES[r["eff"]]}
            if extra:
                item[extra] = r["value"]
            out.append(item)
        return out

    def _judged(self, out: dict[str, Any], summary: dict[str, Any], p: Point, cursor: Any,
                field: str, details: bool) -> None:
        """The stretch's fields on a city or leader answer (`field`: controller or status)."""
        out.update(since=_api(summary["since"]), confidence=CONFIDENCES[summary["eff"]],
                   corroboration=summary["corroboration"],
                   disputed=bool(summary["dissent"]),
                   last_evidence_at=_api(summary["last"]),
                   stale=summary["last"] < p.stale_before())
        if details:
            out["evidence"] = self._evidence(summary["claims"])
            out["dissent"] = self._evidence(summary["dissent"], field)

    # ---- state ---------------------------------------------------------------------------
    def _head(self, cursor: Any, claim_kind: str, kind: str, subject: str, p: Point,
              unknown: Callable[..., dict[str, Any]]) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
        """(the horizon, the first page of the subject's stretch at `at`, its answer while no
        claim is known: `unknown(id, name, details=True)`) for a city or a leader."""
        entity = self.names.entity(kind, subject) or {"id": subject, "name": subject}
        hi = min(p.at, self.rm.horizon(cursor, p.k))
        first = self.rm.stretch_head(cursor, claim_kind, subject, p.at, hi, p.k, p.min_rank, p.pb,
                                     FIRST_PAGE)
        return hi, first, unknown(subject, entity["name"], details=True)

    def city_state(self, city: str, p: Point, cursor: Any = None) -> dict[str, Any]:
        if cursor is None:
            with self.rm.reading() as c:
                return self.city_state(city, p, c)
        hi, first, out = self._head(cursor, "control", "place", city, p, _unknown_city)
        if not first:
            return out
        row = first[0]
        dissolves = self.dissolves(cursor, p)
        family = self.families() if dissolves else None
        summary = self._stretch(cursor, "control", city, row, hi, p, dissolves, family,
                                Page(first, len(first) == FIRST_PAGE, False))
        latest: stretch.Element = summary["latest"]
        controller = latest.value
        self._judged(out, summary, p, cursor, "controller", details=True)
        if controller is None:  # lapsed: the faction that held it was dissolved
            out.update(claims=[latest.row["claim_id"]],
                       lapsed={"faction": latest.row["subject"], "claim": latest.row["claim_id"]})
            return out
        # A clash counts after the latest control claim (or the dissolution that passed the
        # place on) (strictly) and within the window before `at`, its bound included: stored
        # times have microseconds, so "at or after at - window" is "after at - window - 1 us".
        lo = max(latest.t, minus(p.at, p.window + 1e-6))
        clash = self.rm.clash_after(cursor, city, lo, p.at, p.k, p.min_rank, hi, p.pb)
        out.update(controller=controller, status="contested" if clash else "held",
                   claims=[latest.row["claim_id"], *([clash["claim_id"]] if clash else [])])
        return out

    def leader_state(self, leader: str, p: Point, cursor: Any = None) -> dict[str, Any]:
        if cursor is None:
            with self.rm.reading() as c:
                return self.leader_state(leader, p, c)
        hi, first, out = self._head(cursor, "status", "leader", leader, p, _unknown_leader)
        if first:
            summary = self._stretch(cursor, "status", leader, first[0], hi, p,
                                    first=Page(first, len(first) == FIRST_PAGE, False))
            row = summary["latest"].row
            out.update(status=row["value"], location=row["detail"], claims=[row["claim_id"]])
            self._judged(out, summary, p, cursor, "status", details=True)
        return out

    def subfactions(self, faction: str) -> set[str]:
        return self.families()(faction)

    def faction_state(self, faction: str, p: Point, cursor: Any = None) -> dict[str, Any]:
        if cursor is None:
            with self.rm.reading() as c:
                return self.faction_state(faction, p, c)
        entity = self.names.entity("faction", faction) or {"id": faction, "name": faction}
        families = self.families()
        family = families(faction)
        # The places it may hold: those a control claim gave to it (or a sub-faction), or to a
        # faction dissolved into it (API.md v2), at any depth.
        sources = stretch.absorbed(family, self.dissolves(cursor, p), families)
        candidates: set[str] = set()
        for f in sources:
            cursor.execute(self.rm.sql(
                "SELECT DISTINCT subject FROM tl_effects WHERE kind = 'control' AND value = :f "
                "AND occurred_at <= :at AND position <= :k"), {"f": f, "at": p.at, "k": p.k})
            candidates.update(r[0] if not isinstance(r, dict) else r["subject"] for r in cursor.fetchall())
        cities = sorted(c for c in candidates
                        if self.city_state(c, p, cursor)["controller"] in family)
        leaders = sorted(le["id"] for le in self.names.entities("leader") if le.get("faction") in family)
        return {"id": faction, "name": entity["name"], "parent": entity.get("parent"),
                "cities": cities, "leaders": leaders}

    def control_elements(self, cursor: Any, city: str, p: Point,
                         dissolves: list[dict[str, Any]] | None = None,
                         family: Callable[[str], set[str]] | None = None
                         ) -> list[stretch.Element]:
        """Every element of a place's fold up to `at`, in valid-time order."""
        rows = self.rm.history(cursor, "control", city, p.at, p.k, p.min_rank, p.pb)
        if dissolves is None:
            dissolves = self.dissolves(cursor, p)
        if dissolves and family is None:
            family = self.families()
        return stretch.elements_asc(_grouped(rows), dissolves, family)

    def city_history(self, city: str, p: Point) -> list[dict[str, Any]]:
        """Control changes in valid-time order, one winner per instant by the tie rules; a
        dissolution that passes the place on or lapses it is a change too (API.md v2). Each
        change's confidence is its stretch's strongest claim."""
        with self.rm.reading() as cursor:
            elements = self.control_elements(cursor, city, p)
        items, current = [], None
        for run in stretch.runs(elements):
            first = run[0]
            if first.value == current and first.value is not None:
                continue
            summary = stretch.summary(list(reversed(run)))
            items.append({"at": _api(first.t), "controller": first.value,
                          "from": current if current is not None or first.dissolve
                          else first.row["detail"],
                          "claim": first.row["claim_id"],
                          "confidence": CONFIDENCES[summary["eff"]]})
            current = first.value
        return items

    def entity(self, kind: str, entity_id: str) -> dict[str, Any] | None:
        return self.names.entity(kind, entity_id)
