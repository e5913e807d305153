"""Queries of the read model: state at (`at`, `known_at`) by the State rules of API.md, reports,
claims, histories and the replayed timeline. Each is a handful of index seeks; none reads the log."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from .domainmodel import (
    CONFIDENCE_RANK,
    CONFIDENCE_WORDS,
    CONFIDENCES,
    DomainError,
    confidence_of,
    db_time,
    db_to_api,
    minus,
)
from .persistence import tie_rank

DEFAULT_WINDOW = timedelta(hours=72)


_CACHE_LOCK = threading.Lock()


def _api(text: str) -> str:
    """db_to_api() for the fixed-width text db_time() writes, without parsing it."""
    return text[:19] + "Z" if text.endswith(".000000Z") else text


class Point:
    """A bitemporal point: valid time `at`, record position `k`, minimum confidence rank."""

    def __init__(self, at: str, k: int, min_rank: int, window: float, known_at: str | None):
        self.at, self.k, self.min_rank, self.window, self.known_at = at, k, min_rank, window, known_at

    def describe(self) -> dict[str, Any]:
        return {"at": db_to_api(self.at), "known_at": self.known_at, "position": self.k,
                "min_confidence": CONFIDENCES[self.min_rank]}


class StateQueries:
    def __init__(self, recorder: Any, names: Any):
        self.rm = recorder
        self.names = names

    # ---- the point of view ---------------------------------------------------------------
    def point(self, at: datetime | None = None, known_at: datetime | int | None = None,
              min_confidence: str = "reported", contest_window: timedelta | None = None) -> Point:
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
        point = Point(db_time(at or now), k, CONFIDENCE_RANK[min_confidence], window, known_text)
        if known_text is None:
            point.known_at = db_to_api(db_time(now))
        return point

    # ---- state ---------------------------------------------------------------------------
    def city_state(self, city: str, p: Point, cursor: Any = None) -> dict[str, Any]:
        if cursor is None:
            with self.rm.reading() as c:
                return self.city_state(city, p, c)
        entity = self.names.entity("place", city) or {"id": city, "name": city}
        hi = min(p.at, self.rm.horizon(cursor, p.k))
        row = self.rm.latest(cursor, "control", city, p.at, p.k, p.min_rank, hi)
        out = {"id": city, "name": entity["name"], "controller": None, "status": "unknown",
               "since": None, "confidence": None, "claims": []}
        if row is None:
            return out
        # A clash counts after the control claim (strictly) and within the window before `at`,
        # its bound included: stored times have microseconds, so "at or after at - window" is
        # "after at - window - 1 us".
        lo = max(row["occurred_at"], minus(p.at, p.window + 1e-6))
        clash = self.rm.clash_after(cursor, city, lo, p.at, p.k, p.min_rank, hi)
        out.update(controller=row["value"], status="contested" if clash else "held",
                   since=_api(row["occurred_at"]), confidence=CONFIDENCES[row["eff"]],
                   claims=[row["claim_id"], *([clash["claim_id"]] if clash else [])])
        return out

    def leader_state(self, leader: str, p: Point, cursor: Any = None) -> dict[str, Any]:
        if cursor is None:
            with self.rm.reading() as c:
                return self.leader_state(leader, p, c)
        entity = self.names.entity("leader", leader) or {"id": leader, "name": leader}
        row = self.rm.latest(cursor, "status", leader, p.at, p.k, p.min_rank)
        out = {"id": leader, "name": entity["name"], "status": None, "location": None,
               "since": None, "confidence": None, "claims": []}
        if row is not None:
            out.update(status=row["value"], location=row["detail"],
                       since=db_to_api(row["occurred_at"]), confidence=CONFIDENCES[row["eff"]],
                       claims=[row["claim_id"]])
        return out

    def subfactions(self, faction: str) -> set[str]:
        children: dict[str | None, list[str]] = {}
        for f in self.names.entities("faction"):
            children.setdefault(f.get("parent"), []).append(f["id"])
        out, todo = set(), [faction]
        while todo:
            f = todo.pop()
            if f in out:
                continue
            out.add(f)
            todo += children.get(f, [])
        return out

    def faction_state(self, faction: str, p: Point, cursor: Any = None) -> dict[str, Any]:
        if cursor is None:
            with self.rm.reading() as c:
                return self.faction_state(faction, p, c)
        entity = self.names.entity("faction", faction) or {"id": faction, "name": faction}
        family = self.subfactions(faction)
        candidates: set[str] = set()
        for f in family:
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
        one by one, from two statements that run every per-subject seek inside the database.

        Rows at positions <= k never change their answer as of k (later corrections sit at
        later positions), and when `at` is past the latest record time up to k (as for "now"),
        nothing dated in between can count unless an "early" effect is, so the winners per
        subject are the same for every such `at`: the view built from them is kept per
        (k, min_confidence, head) and only the contest window is applied per request."""
        lw = minus(p.at, p.window)
        with self.rm.reading() as cursor:
            horizon = self.rm.horizon(cursor, p.k)
            key = (p.k, p.min_rank, self.rm.head(cursor))
            cacheable = p.at >= horizon and not self.rm.early_after(cursor, horizon, p.k)
            cache: dict[tuple[int, int, int], Any] = self.__dict__.setdefault("_state_cache", {})
            view = cache.get(key) if cacheable else None
            if view is None:
                view = self._world_view(cursor, p, min(p.at, horizon))
                if cacheable:
                    with _CACHE_LOCK:  # request threads share the cache
                        while len(cache) >= 8:
                            cache.pop(next(iter(cache)))
                        cache[key] = view
        cities_view, factions, leaders = view
        cities = []
        for base, clash_when, clash_id in cities_view:
            # A counted clash after the control claim (found by SQL) and within the window.
            if clash_when is not None and clash_when >= lw:
                cities.append(dict(base, status="contested", claims=[*base["claims"], clash_id]))
            else:
                cities.append(dict(base))
        return {**p.describe(), "cities": cities,
                "factions": [dict(f) for f in factions], "leaders": [dict(le) for le in leaders]}

    def _world_view(self, cursor: Any, p: Point, hi: str) -> tuple[list, list, list]:
        """(cities as (held-state dict, latest clash time, its claim id), factions, leaders)."""
        control = self.rm.latest_all(cursor, "control", p.at, p.k, p.min_rank, hi)
        status = self.rm.latest_all(cursor, "status", p.at, p.k, p.min_rank, hi)
        # what the point of view knew of: entities registered at or before its position
        places = {e["id"]: e for e in self.names.entities("place", p.k)}
        cities: list[tuple[dict[str, Any], str | None, str | None]] = []
        holdings: dict[str, list[str]] = {}
        # Every place known then, as /state.geojson lists them: one never claimed is "unknown"
        # (a claim names only places registered before it, so its subjects are among them).
        for city in sorted(places):
            out = {"id": city, "name": places.get(city, {}).get("name", city), "controller": None,
                   "status": "unknown", "since": None, "confidence": None, "claims": []}
            row = control.get(city)
            when = claim_id = None
            if row is not None:
                if row["clash"]:
                    when, _, claim_id = row["clash"].partition("|")
                out.update(controller=row["value"], status="held",
                           since=_api(row["occurred_at"]), confidence=CONFIDENCES[row["eff"]],
                           claims=[row["claim_id"]])
                holdings.setdefault(row["value"], []).append(city)
            cities.append((out, when, claim_id))
        all_leaders = sorted(self.names.entities("leader", p.k), key=lambda e: e["id"])
        leaders = []
        for le in all_leaders:
            out = {"id": le["id"], "name": le["name"], "status": None, "location": None,
                   "since": None, "confidence": None, "claims": []}
            row = status.get(le["id"])
            if row is not None:
                out.update(status=row["value"], location=row["detail"],
                           since=_api(row["occurred_at"]), confidence=CONFIDENCES[row["eff"]],
                           claims=[row["claim_id"]])
            leaders.append(out)
        all_factions = sorted(self.names.entities("faction", p.k), key=lambda e: e["id"])
        children: dict[str | None, list[str]] = {}
        for f in all_factions:
            children.setdefault(f.get("parent"), []).append(f["id"])
        factions = []
        for f in all_factions:
            family, todo = set(), [f["id"]]
            while todo:
                member = todo.pop()
                if member not in family:
                    family.add(member)
                    todo += children.get(member, [])
            held = sorted(c for member in family for c in holdings.get(member, []))
            factions.append({"id": f["id"], "name": f["name"], "parent": f.get("parent"),
                             "cities": held,
                             "leaders": sorted(le["id"] for le in all_leaders
                                               if le.get("faction") in family)})
        return cities, factions, leaders

    def city_history(self, city: str, p: Point) -> list[dict[str, Any]]:
        """Control changes in valid-time order, one winner per instant by the tie rules."""
        with self.rm.reading() as cursor:
            rows = self.rm.history(cursor, "control", city, p.at, p.k, p.min_rank)
        winners: list[dict[str, Any]] = []
        for row in rows:
            if winners and winners[-1]["occurred_at"] == row["occurred_at"]:
                if tie_rank(row) > tie_rank(winners[-1]):
                    winners[-1] = row
            else:
                winners.append(row)
        items, current = [], None
        for row in winners:
            if row["value"] == current:
                continue
            items.append({"at": db_to_api(row["occurred_at"]), "controller": row["value"],
                          "from": current if current is not None else row["detail"],
                          "claim": row["claim_id"], "confidence": CONFIDENCES[row["eff"]]})
            current = row["value"]
        return items

    # ---- claims and reports ------------------------------------------------------------------
    def claim_status(self, claim_id: str, k: int | None = None) -> dict[str, Any] | None:
        """A claim's type and whether it is retracted/confirmed as of position k (default now)."""
        row = self.rm.fetchone("SELECT id, type, confidence FROM tl_claims WHERE id = :id",
                               {"id": claim_id})
        if row is None:
            return None
        corrections = self.rm.fetchall(
            "SELECT kind, position, claim_id FROM tl_corrections WHERE target = :id", {"id": claim_id})
        kinds = {c["kind"]: c for c in corrections if k is None or c["position"] <= k}
        return {"id": row["id"], "type": row["type"], "retracted": "retract" in kinds,
                "confirmed": "confirm" in kinds,
                "retracted_by": kinds.get("retract", {}).get("claim_id"),
                "confirmed_by": kinds.get("confirm", {}).get("claim_id")}

    def claim_view(self, row: dict[str, Any], corrections: dict[str, dict[str, Any]]) -> dict[str, Any]:
        data = json.loads(row["data"])
        view = {"id": row["id"], **data}
        if row.get("target"):
            view["claim"] = row["target"]
        view["occurred_at"] = data.get("occurred_at")
        retract = corrections.get("retract")
        confirm = corrections.get("confirm")
        view["retracted"] = retract is not None
        view["retracted_by"] = retract["claim_id"] if retract else None
        if confirm is not None and retract is None:
            view["confidence"] = "confirmed"
        view["confirmed_by"] = confirm["claim_id"] if confirm else None
        view["stated_confidence"] = data.get("confidence")
        view["report"] = row["report_id"]
        view["position"] = row["position"]
        view["recorded_at"] = db_to_api(row["recorded_at"])
        return view

    def _corrections(self, claim_ids: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for cid in claim_ids:
            for c in self.rm.fetchall("SELECT target, kind, claim_id, position FROM tl_corrections "
                                      "WHERE target = :id", {"id": cid}):
                out.setdefault(cid, {})[c["kind"]] = c
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
