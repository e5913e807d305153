"""The whole world at once (GET /state): every place, faction and leader as of a point of view,
with the view kept per point of view while it cannot change (bench/ B2)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..domainmodel import minus
from . import stretch
from .point import Page, Point, _unknown_city, _unknown_leader
from .queries import WORLD_COLUMNS


_CACHE_LOCK = threading.Lock()


class WorldState:
    """Mixin of StateQueries: the world view."""

    def state(self, p: Point) -> dict[str, Any]:
        """Every city, faction and leader: the same answers as city_state()/leader_state()
        one by one (without their evidence lists)."""
        describe, cities, factions, leaders, _ = self._state_parts(p)
        return {**describe, "cities": cities, "factions": factions, "leaders": leaders}

    def state_json(self, p: Point, dumps: Callable[[Any], str], cursor: Any = None) -> str:
        """state(p) encoded by `dumps`, the same document. The lists are the bulk of it (some
        100 kB) and, for a kept view, the same from one request to the next unless a clash
        entered or left the window or a place went stale: their text is kept too (bench/ B2)."""
        describe, cities, factions, leaders, token = self._state_parts(p, cursor)
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

    def _state_parts(self, p: Point, cursor: Any = None
                     ) -> tuple[dict[str, Any], list, list, list, Any]:
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
        if cursor is None:
            with self.rm.reading() as c:
                return self._state_parts(p, c)
        horizon, head, early = self.rm.view_check(cursor, p.k)
        key = (p.k, p.min_rank, p.pb, head)
        cacheable = p.at >= horizon and not early
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
        families = self.families()
        dissolves = self.dissolves(cursor, p)
        # the factions a counted dissolution may pass a place on from (stretch.quick)
        blocked = {f for d in dissolves for f in families(d["subject"])}
        control = self._folds(cursor, "control", p, hi, blocked)
        clashes = self.rm.clashes(cursor, p.at, p.k, p.min_rank, hi, p.pb)
        cities, holdings = self._world_cities(cursor, p, hi, control, clashes, dissolves,
                                              families)
        all_leaders = sorted(self.names.entities("leader", p.k), key=lambda e: e["id"])
        status = self._folds(cursor, "status", p, hi, set())
        leaders = self._world_leaders(cursor, p, hi, status, all_leaders)
        factions = []
        for f in sorted(self.names.entities("faction", p.k), key=lambda e: e["id"]):
            family = families(f["id"])
            held = sorted(c for member in family for c in holdings.get(member, []))
            factions.append({"id": f["id"], "name": f["name"], "parent": f.get("parent"),
                             "cities": held,
                             "leaders": sorted(le["id"] for le in all_leaders
                                               if le.get("faction") in family)})
        return cities, factions, leaders

    def _folds(self, cursor: Any, kind: str, p: Point, hi: str, blocked: set[str]
               ) -> dict[str, tuple[list, stretch.Quick | None, bool]]:
        """subject -> (the rows read of its stretch, latest first; their stretch.quick()
        summary, None when it cannot tell; whether more rows may follow them), for every
        subject of `kind` with a counted row: a first page each, and one more page for the
        stretches that run past it (queries.WORLD_PAGE, WORLD_MORE)."""
        pages, more = self.rm.world_pages(cursor, kind, p.at, hi, p.k, p.min_rank, p.pb)
        out: dict[str, tuple[list, stretch.Quick | None, bool]] = {}
        tops: dict[str, str] = {}
        for subject, rows in pages.items():
            q = stretch.quick(rows, more, blocked, _QUICK)
            if q is None and more(rows):
                tops[subject] = rows[-1][_QUICK.occurred_at]  # the instant the page stopped at
            else:
                out[subject] = (rows, q, False)
        if tops:
            further, size = self.rm.world_more(cursor, kind, tops, p.k, p.min_rank, p.pb)
            for subject in tops:
                next_rows = further.get(subject, [])
                rows = pages[subject] + next_rows
                follows = len(next_rows) >= size

                def after(_: list, follows: bool = follows) -> bool:
                    return follows

                out[subject] = (rows, stretch.quick(rows, after, blocked, _QUICK), follows)
        return out

    def _summary(self, cursor: Any, kind: str, subject: str,
                 fold: tuple[list, stretch.Quick | None, bool], hi: str, p: Point,
                 dissolves: list[dict[str, Any]] | None = None,
                 families: Callable[[str], set[str]] | None = None) -> dict[str, Any]:
        """The subject's stretch summary (state.py's _stretch) from _folds(): the quick one,
        or when it could not tell, the general fold of those rows and of any further pages."""
        rows, q, more = fold
        if q is not None:
            top = q.top
            return {"since": q.since, "eff": q.eff, "dissent": q.disputed, "last": q.last,
                    "corroboration": q.corroboration,
                    "latest": stretch.Element(q.last, top[_QUICK.value], _row(top), [], False)}
        dicts = [_row(r) for r in rows]
        return self._stretch(cursor, kind, subject, dicts[0], hi, p, dissolves, families,
                             Page(dicts, more, True))

    def _world_cities(self, cursor: Any, p: Point, hi: str, folds: dict[str, tuple],
                      clashes: dict[str, str], dissolves: list[dict[str, Any]],
                      families: Callable[[str], set[str]]
                      ) -> tuple[list, dict[str, list[str]]]:
        """Every place known at the point of view, as _world_view gives them, and faction ->
        the places it holds."""
        # what the point of view knew of: entities registered at or before its position
        places = {e["id"]: e for e in self.names.entities("place", p.k)}
        cities: list[tuple[dict[str, Any], str | None, str | None, str | None]] = []
        holdings: dict[str, list[str]] = {}
        # Every place known then, as /state.geojson lists them: one never claimed is "unknown"
        # (a claim names only places registered before it, so its subjects are among them).
        for city in sorted(places):
            out = _unknown_city(city, places.get(city, {}).get("name", city), details=False)
            fold = folds.get(city)
            when = claim_id = last = None
            if fold is not None:
                summary = self._summary(cursor, "control", city, fold, hi, p, dissolves,
                                        families)
                latest: stretch.Element = summary["latest"]
                self._judged(out, summary, p, cursor, "controller", details=False)
                last = summary["last"]
                out["claims"] = [latest.row["claim_id"]]
                if latest.value is None:
                    out["lapsed"] = {"faction": latest.row["subject"],
                                     "claim": latest.row["claim_id"]}
                else:
                    clash = clashes.get(city)
                    if clash:
                        when, _, claim_id = clash.partition("|")
                        # not after the latest instant (or the dissolution that passed it on)
                        if when <= latest.t:
                            when = claim_id = None
                    out.update(controller=latest.value, status="held")
                    holdings.setdefault(latest.value, []).append(city)
            cities.append((out, when, claim_id, last))
        return cities, holdings

    def _world_leaders(self, cursor: Any, p: Point, hi: str, folds: dict[str, tuple],
                       all_leaders: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
        """Every leader known at the point of view, with the time of its last evidence."""
        leaders = []
        for le in all_leaders:
            out = _unknown_leader(le["id"], le["name"], details=False)
            fold = folds.get(le["id"])
            last = None
            if fold is not None:
                summary = self._summary(cursor, "status", le["id"], fold, hi, p)
                row = summary["latest"].row  # the latest instant's winner
                out.update(status=row["value"], location=row["detail"], claims=[row["claim_id"]])
                self._judged(out, summary, p, cursor, "status", details=False)
                last = summary["last"]
            leaders.append((out, last))
        return leaders


# queries.WORLD_COLUMNS: the indexes of a world page's row
_COLUMNS = {name: i for i, name in enumerate(WORLD_COLUMNS)}
_QUICK = stretch.Columns(*(_COLUMNS[name] for name in (
    "occurred_at", "value", "position", "claim_id", "origin", "eff")))


def _row(row: Any) -> dict[str, Any]:
    """A world page's row as the dict the general fold reads."""
    return dict(zip(WORLD_COLUMNS, row, strict=True))
