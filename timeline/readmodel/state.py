"""Queries of the read model: state at (`at`, `known_at`) by the State rules of API.md, reports,
claims, histories and the replayed timeline. Each is a handful of index seeks; none reads the log."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

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
from . import stretch, undo
from ..hierarchy import descendants
from ..origins import origin_of
from .queries import END

DEFAULT_WINDOW = timedelta(hours=72)
DEFAULT_STALE = timedelta(days=30)


_CACHE_LOCK = threading.Lock()


def _api(text: str) -> str:
    """db_to_api() for the fixed-width text db_time() writes, without parsing it."""
    return text[:19] + "Z" if text.endswith(".000000Z") else text


class Point:
    """A bitemporal point: valid time `at`, record position `k`, minimum confidence rank; and
    (API.md v2) `pb`, published_by as stored text (persistence.END when not given), and
    `stale_after` in seconds."""

    def __init__(self, at: str, k: int, min_rank: int, window: float, known_at: str | None,
                 pb: str = END, published_by: str | None = None,
                 stale_after: float = DEFAULT_STALE.total_seconds()):
        self.at, self.k, self.min_rank, self.window, self.known_at = at, k, min_rank, window, known_at
        self.pb, self.published_by, self.stale_after = pb, published_by, stale_after
        self.head: int | None = None  # the log's head when the point was made, if known

    def describe(self) -> dict[str, Any]:
        return {"at": db_to_api(self.at), "known_at": self.known_at, "position": self.k,
                "min_confidence": CONFIDENCES[self.min_rank], "published_by": self.published_by}

    def stale_before(self) -> str:
        """Evidence dated before this is stale at `at` (computed once per point)."""
        cached = self.__dict__.get("_stale_before")
        if cached is None or cached[0] != self.at:
            cached = (self.at, minus(self.at, self.stale_after))
            self.__dict__["_stale_before"] = cached
        return cached[1]

    def moved(self, at: str) -> "Point":
        """The same point of view at another valid time."""
        moved = Point(at, self.k, self.min_rank, self.window, self.known_at, self.pb,
                      self.published_by, self.stale_after)
        moved.head = self.head
        return moved


# A stretch's backward scan reads this many rows per statement (the first, which also finds
# the latest instant, fewer: most stretches are a few claims).
PAGE = 32
FIRST_PAGE = 8


class Page(NamedTuple):
    """A page of a stretch's backward scan: its rows (latest first), whether more may follow,
    and whether its last instant is whole (a page cut by LIMIT may end inside one)."""

    rows: list[dict[str, Any]]
    full: bool
    last_complete: bool


class StateQueries:
    def __init__(self, recorder: Any, names: Any):
        self.rm = recorder
        self.names = names

    # ---- the point of view ---------------------------------------------------------------
    def point(self, at: datetime | None = None, known_at: datetime | int | None = None,
              min_confidence: str = "reported", contest_window: timedelta | None = None,
              published_by: datetime | None = None, stale_after: timedelta | None = None
              ) -> Point:
        now = datetime.now(timezone.utc)
        head = self.rm.head()
        if known_at is None:
            k, known_text = head, None
        elif isinstance(known_at, int):
            k, known_text = min(known_at, head), f"@{known_at}"
        else:
            k, known_text = self.rm.position_at(db_time(known_at)), db_to_api(db_time(known_at))
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
        children: dict[str | None, list[str]] = {}
        for f in self.names.entities("faction"):
            children.setdefault(f.get("parent"), []).append(f["id"])
        memo: dict[str, set[str]] = {}

        def family(faction: str) -> set[str]:
            if faction not in memo:
                memo[faction] = descendants(faction, children)
            return memo[faction]

        return family

    def _instants_desc(self, cursor: Any, kind: str, subject: str, top: str, hi: str,
                       p: Point, first: Page | None = None
                       ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """(occurred_at, the counted rows of that instant), latest first, from `top` down:
        the "early" rows past `hi` from their own index, then the rest a page at a time
        (`first`: the first page, already read by stretch_head() or stretch_pages()). Lazy: a
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
    def city_state(self, city: str, p: Point, cursor: Any = None) -> dict[str, Any]:
        if cursor is None:
            with self.rm.reading() as c:
                return self.city_state(city, p, c)
        entity = self.names.entity("place", city) or {"id": city, "name": city}
        hi = min(p.at, self.rm.horizon(cursor, p.k))
        first = self.rm.stretch_head(cursor, "control", city, p.at, hi, p.k, p.min_rank, p.pb,
                                     FIRST_PAGE)
        out = _unknown_city(city, entity["name"], details=True)
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
        entity = self.names.entity("leader", leader) or {"id": leader, "name": leader}
        hi = min(p.at, self.rm.horizon(cursor, p.k))
        first = self.rm.stretch_head(cursor, "status", leader, p.at, hi, p.k, p.min_rank, p.pb,
                                     FIRST_PAGE)
        out = _unknown_leader(leader, entity["name"], details=True)
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
        sources = set(family)
        dissolves = self.dissolves(cursor, p)
        grew = True
        while grew:
            grew = False
            for d in dissolves:
                if d["value"] in sources and not families(d["subject"]) <= sources:
                    sources |= families(d["subject"])
                    grew = True
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

    def state(self, p: Point) -> dict[str, Any]:
        """Every city, faction and leader: the same answers as city_state()/leader_state()
        one by one (without their evidence lists)."""
        describe, cities, factions, leaders, _ = self._state_parts(p)
        return {**describe, "cities": cities, "factions": factions, "leaders": leaders}

    def state_json(self, p: Point, dumps: Callable[[Any], str]) -> str:
        """state(p) encoded by `dumps`, the same document. The lists are the bulk of it (some
        100 kB) and, for a kept view, the same from one request to the next unless a clash
        entered or left the window or a place went stale: their text is kept too (bench/ B2)."""
        describe, cities, factions, leaders, token = self._state_parts(p)
        kept: dict[Any, str] = self.__dict__.setdefault("_state_text", {})
        lists = kept.get(token) if token is not None else None
        if lists is None:
            lists = dumps({"cities": cities, "factions": factions, "leaders": leaders})
            if token is not None:
                with _CACHE_LOCK:
                    while len(kept) >= 8:
                        kept.pop(next(iter(kept)))
                    kept[token] = lists
        head = dumps(describe)
        return head[:-1] + ("," if len(head) > 2 else "") + lists[1:]

    def _state_parts(self, p: Point) -> tuple[dict[str, Any], list, list, list, Any]:
        """(describe, cities, factions, leaders, and for a kept view a token that is equal for
        equal lists, else None).

        Rows at positions <= k never change their answer as of k (later corrections sit at
        later positions), and when `at` is past the latest record time up to k (as for "now"),
        nothing dated in between can count unless an "early" effect is, so the winners per
        subject are the same for every such `at`: the view built from them is kept per
        (k, min_confidence, published_by, head) and only the contest window and staleness are
        applied per request."""
        lw = minus(p.at, p.window)
        stale_before = minus(p.at, p.stale_after)
        with self.rm.reading() as cursor:
            horizon = self.rm.horizon(cursor, p.k)
            key = (p.k, p.min_rank, p.pb, self.rm.head(cursor))
            cacheable = p.at >= horizon and not self.rm.early_after(cursor, horizon, p.k)
            cache: dict[tuple, Any] = self.__dict__.setdefault("_state_cache", {})
            view = cache.get(key) if cacheable else None
            if view is None:
                view = self._world_view(cursor, p, min(p.at, horizon))
                if cacheable:
                    with _CACHE_LOCK:  # request threads share the cache
                        while len(cache) >= 8:
                            cache.pop(next(iter(cache)))
                        cache[key] = view
        cities_view, factions, leaders_view = view
        cities, flags = [], []
        for base, clash_when, clash_id, last in cities_view:
            # A counted clash after the control claim (found by SQL) and within the window.
            contested = clash_when is not None and clash_when >= lw
            if contested:
                city = dict(base, status="contested", claims=[*base["claims"], clash_id])
            else:
                city = dict(base)
            city["stale"] = last is not None and last < stale_before
            flags.append(contested * 2 + city["stale"])
            cities.append(city)
        leaders = [dict(le, stale=last is not None and last < stale_before)
                   for le, last in leaders_view]
        token = ((id(view), key, tuple(flags), tuple(le["stale"] for le in leaders))
                 if cacheable else None)
        return (p.describe(), cities, [dict(f) for f in factions], leaders, token)

    def _world_view(self, cursor: Any, p: Point, hi: str) -> tuple[list, list, list]:
        """(cities as (held-state dict, latest clash time, its claim id, last evidence time),
        factions, leaders as (state dict, last evidence time))."""
        control = self.rm.latest_all(cursor, "control", p.at, p.k, p.min_rank, hi, p.pb)
        status = self.rm.latest_all(cursor, "status", p.at, p.k, p.min_rank, hi, p.pb)
        pages = {kind: self.rm.stretch_pages(cursor, kind, p.at, hi, p.k, p.min_rank, p.pb)
                 for kind in ("control", "status")}

        def first(kind: str, subject: str) -> Page | None:
            rows, lo = pages[kind].get(subject, ([], None))
            return Page(rows, lo is not None, True) if rows else None

        dissolves = self.dissolves(cursor, p)
        families = self.families()
        # what the point of view knew of: entities registered at or before its position
        places = {e["id"]: e for e in self.names.entities("place", p.k)}
        cities: list[tuple[dict[str, Any], str | None, str | None, str | None]] = []
        holdings: dict[str, list[str]] = {}
        # Every place known then, as /state.geojson lists them: one never claimed is "unknown"
        # (a claim names only places registered before it, so its subjects are among them).
        for city in sorted(places):
            out = _unknown_city(city, places.get(city, {}).get("name", city), details=False)
            row = control.get(city)
            when = claim_id = last = None
            if row is not None:
                summary = self._stretch(cursor, "control", city, row, hi, p, dissolves, families,
                                        first("control", city))
                latest: stretch.Element = summary["latest"]
                self._judged(out, summary, p, cursor, "controller", details=False)
                last = summary["last"]
                out["claims"] = [latest.row["claim_id"]]
                if latest.value is None:
                    out["lapsed"] = {"faction": latest.row["subject"],
                                     "claim": latest.row["claim_id"]}
                else:
                    if row["clash"]:
                        when, _, claim_id = row["clash"].partition("|")
                        if when <= latest.t:  # before the dissolution that passed it on
                            when = claim_id = None
                    out.update(controller=latest.value, status="held")
                    holdings.setdefault(latest.value, []).append(city)
            cities.append((out, when, claim_id, last))
        all_leaders = sorted(self.names.entities("leader", p.k), key=lambda e: e["id"])
        leaders = []
        for le in all_leaders:
            out = _unknown_leader(le["id"], le["name"], details=False)
            row = status.get(le["id"])
            last = None
            if row is not None:
                summary = self._stretch(cursor, "status", le["id"], row, hi, p,
                                        first=first("status", le["id"]))
                out.update(status=row["value"], location=row["detail"], claims=[row["claim_id"]])
                self._judged(out, summary, p, cursor, "status", details=False)
                last = summary["last"]
            leaders.append((out, last))
        all_factions = sorted(self.names.entities("faction", p.k), key=lambda e: e["id"])
        factions = []
        for f in all_factions:
            family = families(f["id"])
            held = sorted(c for member in family for c in holdings.get(member, []))
            factions.append({"id": f["id"], "name": f["name"], "parent": f.get("parent"),
                             "cities": held,
                             "leaders": sorted(le["id"] for le in all_leaders
                                               if le.get("faction") in family)})
        return cities, factions, leaders

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

    # ---- claims and reports ------------------------------------------------------------------
    def claim_status(self, claim_id: str, k: int | None = None) -> dict[str, Any] | None:
        """A claim's type and whether it is retracted/confirmed as of position k (default now);
        `ever_retracted` and `reinstated_by` (API.md v2, undo); for a retraction, `chain`: it
        and the retractions it corrects, down to the first claim that is not one."""
        with self.rm.reading() as cursor:
            row = self.rm.fetchone("SELECT id, type, confidence, target FROM tl_claims "
                                   "WHERE id = :id", {"id": claim_id}, cursor)
            if row is None:
                return None
            links = undo.chain(self.rm, cursor, claim_id)
            confirm = self.rm.fetchone("SELECT claim_id, position FROM tl_corrections "
                                       "WHERE target = :id AND kind = 'confirm'",
                                       {"id": claim_id}, cursor)
            chain, loops, current = [], False, row
            while current is not None and current["type"] == "retract":
                if current["id"] in chain or len(chain) > undo.MAX_CHAIN:
                    loops = True
                    break
                chain.append(current["id"])
                current = self.rm.fetchone("SELECT id, type, target FROM tl_claims WHERE id = :id",
                                           {"id": current["target"]}, cursor)
        status = undo.status(links, k)
        confirmed = confirm is not None and (k is None or confirm["position"] <= k)
        return {"id": row["id"], "type": row["type"], "retracted": status["retracted"],
                "confirmed": confirmed, "retracted_by": status["retracted_by"],
                "confirmed_by": confirm["claim_id"] if confirmed else None,
                "ever_retracted": bool(links), "reinstated_by": status["reinstated_by"],
                "chain": chain, "loops": loops}

    def claim_view(self, row: dict[str, Any], corrections: dict[str, Any]) -> dict[str, Any]:
        data = json.loads(row["data"])
        view = {"id": row["id"], **data}
        if row.get("target"):
            view["claim"] = row["target"]
        view["occurred_at"] = data.get("occurred_at")
        status = corrections.get("status") or undo.status([])
        confirm = corrections.get("confirm")
        view["retracted"] = status["retracted"]
        view["retracted_by"] = status["retracted_by"]
        view["reinstated_by"] = status["reinstated_by"]
        if confirm is not None and not status["retracted"]:
            view["confidence"] = "confirmed"
        view["confirmed_by"] = confirm["claim_id"] if confirm else None
        view["stated_confidence"] = data.get("confidence")
        view["report"] = row["report_id"]
        view["position"] = row["position"]
        view["recorded_at"] = db_to_api(row["recorded_at"])
        return view

    def _corrections(self, claim_ids: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        with self.rm.reading() as cursor:
            for cid in claim_ids:
                for c in self.rm.fetchall("SELECT target, kind, claim_id, position FROM "
                                          "tl_corrections WHERE target = :id", {"id": cid}, cursor):
                    out.setdefault(cid, {})[c["kind"]] = c
                if "retract" in out.get(cid, {}):
                    out[cid]["status"] = undo.status(undo.chain(self.rm, cursor, cid))
        return out

    def report(self, report_id: str) -> dict[str, Any] | None:
        row = self.rm.fetchone("SELECT * FROM tl_reports WHERE id = :id", {"id": report_id})
        if row is None:
            return None
        claims = self.rm.fetchall("SELECT * FROM tl_claims WHERE report_id = :id ORDER BY seq",
                                  {"id": report_id})
        corrections = self._corrections([c["id"] for c in claims])
        data = json.loads(row["data"])
        return {"id": row["id"], **data, "published_at": db_to_api(row["published_at"]),
                "position": row["position"], "recorded_at": db_to_api(row["recorded_at"]),
                "claims": [self.claim_view(c, corrections.get(c["id"], {})) for c in claims]}

    def claim(self, claim_id: str) -> dict[str, Any] | None:
        row = self.rm.fetchone("SELECT * FROM tl_claims WHERE id = :id", {"id": claim_id})
        if row is None:
            return None
        view = self.claim_view(row, self._corrections([claim_id]).get(claim_id, {}))
        report = self.rm.fetchone("SELECT * FROM tl_reports WHERE id = :id", {"id": row["report_id"]})
        data = json.loads(report["data"]) if report else {}
        view["report"] = {"id": row["report_id"], "source": data.get("source"),
                          "headline": data.get("headline"),
                          "published_at": db_to_api(report["published_at"]) if report else None}
        return view

    def entity(self, kind: str, entity_id: str) -> dict[str, Any] | None:
        return self.names.entity(kind, entity_id)


def _grouped(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows in occurred_at order grouped by instant."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for row in rows:
        if out and out[-1][0] == row["occurred_at"]:
            out[-1][1].append(row)
        else:
            out.append((row["occurred_at"], [row]))
    return out


def _unknown_city(city: str, name: str, details: bool) -> dict[str, Any]:
    out = {"id": city, "name": name, "controller": None, "status": "unknown", "since": None,
           "confidence": None, "claims": [], "corroboration": 0, "disputed": False,
           "last_evidence_at": None, "stale": False}
    if details:
        out.update(evidence=[], dissent=[])
    return out


def _unknown_leader(leader: str, name: str, details: bool) -> dict[str, Any]:
    out = {"id": leader, "name": name, "status": None, "location": None, "since": None,
           "confidence": None, "claims": [], "corroboration": 0, "disputed": False,
           "last_evidence_at": None, "stale": False}
    if details:
        out.update(evidence=[], dissent=[])
    return out


@lru_cache(maxsize=4096)
def _source(text: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """A report's source as kept on its effect rows, parsed, and its origin (sources repeat:
    parsed once)."""
    source = json.loads(text) if text else None
    return source, origin_of(source)
