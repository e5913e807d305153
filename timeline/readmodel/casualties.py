"""Death tolls (`GET /casualties`, API.md v2): every claim that gives `deaths` is a row of
tl_deaths (projection.deaths_row). An event is the claims that share an `event_key` (a claim
without one is an event alone); it counts once, by its latest counted claim in record order, so a
revised toll replaces the old one from the moment it was recorded, and the old one is still the
answer as known before.

The rows are read by one index range: valid time (tl_deaths_time), or the places of a city or a
governorate and valid time (tl_deaths_city), or a faction's mentions and valid time
(tl_mentions): the cost grows with the events in the window, not with the history. The other
claims of the events found are then read by event_key (tl_deaths_key), so that the window and
place filters judge an event by its deciding claim: a revision that moved an event's time or
place moves its count, and no two windows count one event twice."""

from __future__ import annotations

from typing import Any

from ..domainmodel import CONFIDENCES, EARLIEST, db_to_api
from ..hierarchy import families

END = "9999-12-31T23:59:59.999999Z"

# Whether a claim is retracted (by a retraction that is not itself retracted) or confirmed as of
# position :k, and when the correcting report was published (for published_by).
_CORRECTED = """(SELECT MIN(r.published_at) FROM tl_corrections x
        JOIN tl_claims c ON c.id = x.claim_id JOIN tl_reports r ON r.id = c.report_id
        WHERE x.target = d.claim_id AND x.kind = '{kind}' AND x.position <= :k{undone})"""
_UNDONE = """ AND NOT EXISTS (SELECT 1 FROM tl_corrections y WHERE y.target = x.claim_id
        AND y.kind = 'retract' AND y.position <= :k)"""

_SELECT = f"""SELECT d.claim_id, d.event_key, d.occurred_at, d.city, d.position, d.seq,
    d.published_at, d.confidence, d.best, d.low, d.high, d.civilians,
    {_CORRECTED.format(kind='retract', undone=_UNDONE)} AS retracted,
    {_CORRECTED.format(kind='confirm', undone='')} AS confirmed
FROM tl_deaths d"""


def rows(rm: Any, k: int, start: str | None, end: str | None, places: list[str] | None,
         factions: list[str] | None, published_by: str | None) -> list[dict[str, Any]]:
    """The tl_deaths rows known at position k in [start, end) that match the filters, with the
    publication times of their retraction and confirmation (if any)."""
    params: dict[str, Any] = {"k": k, "start": start or EARLIEST, "end": end or END}
    where = ["d.occurred_at >= :start", "d.occurred_at < :end", "d.position <= :k"]
    if places is not None:
        if not places:
            return []
        marks = []
        for i, place in enumerate(places):
            params[f"c{i}"] = place
            marks.append(f":c{i}")
        where.append(f"d.city IN ({', '.join(marks)})")
    if factions is not None:
        marks = []
        for i, faction in enumerate(factions):
            params[f"f{i}"] = f"faction:{faction}"
            marks.append(f":f{i}")
        where.append(f"d.claim_id IN (SELECT m.claim_id FROM tl_mentions m WHERE m.entity IN "
                     f"({', '.join(marks)}) AND m.occurred_at >= :start AND m.occurred_at < :end "
                     f"AND m.position <= :k)")
    if published_by is not None:
        params["pb"] = published_by
        where.append("d.published_at <= :pb")
    return rm.fetchall(f"{_SELECT} WHERE {' AND '.join(where)}", params)


def siblings(rm: Any, k: int, found: list[dict[str, Any]], published_by: str | None
             ) -> list[dict[str, Any]]:
    """The other claims of the events `found` touches (same event_key, any time and place), by
    the tl_deaths_key index: a revision that moved an event's time or place decides it too."""
    seen = {row["claim_id"] for row in found}
    keys = sorted({row["event_key"] for row in found if row["event_key"] is not None})
    more: list[dict[str, Any]] = []
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        params: dict[str, Any] = {f"e{n}": key for n, key in enumerate(chunk)}
        params["k"] = k
        where = [f"d.event_key IN ({', '.join(f':e{n}' for n in range(len(chunk)))})",
                 "d.position <= :k"]
        if published_by is not None:
            params["pb"] = published_by
            where.append("d.published_at <= :pb")
        more += [row for row in rm.fetchall(f"{_SELECT} WHERE {' AND '.join(where)}", params)
                 if row["claim_id"] not in seen]
    return more


def events(found: list[dict[str, Any]], min_rank: int, published_by: str | None,
           keep: Any = None) -> list[dict[str, Any]]:
    """One item per event: its latest counted claim (record order) decides; `claims` lists the
    event's counted claims in record order. Sorted by valid time, then event. `keep(last,
    claims)` says whether the event matches the filters, judged on its deciding claim."""
    def known(when: str | None) -> bool:
        return when is not None and (published_by is None or when <= published_by)

    by_event: dict[str, list[dict[str, Any]]] = {}
    for row in found:
        if known(row["retracted"]):
            continue
        rank = 2 if known(row["confirmed"]) else row["confidence"]
        if rank < min_rank:
            continue
        row["rank"] = rank
        key = row["event_key"] if row["event_key"] is not None else "\0" + row["claim_id"]
        by_event.setdefault(key, []).append(row)
    items = []
    for claims in by_event.values():
        claims.sort(key=lambda r: (r["position"], r["seq"]))
        last = claims[-1]
        if keep is not None and not keep(last, claims):
            continue
        items.append({
            "event_key": last["event_key"], "city": last["city"],
            "occurred_at": db_to_api(last["occurred_at"]),
            "deaths": {"best": int(last["best"]), "low": int(last["low"]),
                       "high": int(last["high"]), "civilians": int(last["civilians"])},
            "confidence": CONFIDENCES[last["rank"]],
            "claims": [r["claim_id"] for r in claims],
            "_sort": (last["occurred_at"], last["event_key"] or "", last["claim_id"]),
        })
    items.sort(key=lambda item: item["_sort"])
    return items


def totals(items: list[dict[str, Any]]) -> dict[str, Any]:
    deaths = {"best": 0, "low": 0, "high": 0, "civilians": 0}
    for item in items:
        for key in deaths:
            deaths[key] += item["deaths"][key]
    return {"events": len(items), "deaths": deaths}


def places_of(names: Any, city: str | None, governorate: str | None) -> list[str] | None:
    """The places a city= (the city and its districts, and theirs) or governorate= filter takes
    in; both given: the places in both. None: no place filter."""
    chosen: set[str] | None = None
    places = names.entities("place")
    if city is not None:
        chosen = families(places)(city)
    if governorate is not None:
        inside = {p["id"] for p in places if p.get("governorate") == governorate}
        chosen = inside if chosen is None else chosen & inside
    return sorted(chosen) if chosen is not None else None


def casualties(app: Any, p: Any, *, start: str | None = None, end: str | None = None,
               city: str | None = None, governorate: str | None = None,
               faction: str | None = None, published_by: str | None = None) -> dict[str, Any]:
    """`{events, deaths, items}` (every item: the caller pages them). Entities are ids."""
    places = places_of(app.names, city, governorate)
    factions = sorted(app.queries.subfactions(faction)) if faction is not None else None
    found = rows(app.recorder, p.k, start, end, places, factions, published_by)
    # An event counts once, by its latest counted claim: the window and the place filters apply
    # to that claim (a revision that moved the event out of the window or the place takes it
    # out), the faction filter to any counted claim of it found by the filters (a revised toll
    # that names no actors keeps its event's actors).
    matched = {row["claim_id"] for row in found}
    found += siblings(app.recorder, p.k, found, published_by)
    lo, hi, inside = start or EARLIEST, end or END, set(places) if places is not None else None

    def keep(last: dict[str, Any], claims: list[dict[str, Any]]) -> bool:
        return (lo <= last["occurred_at"] < hi
                and (inside is None or last["city"] in inside)
                and (factions is None or any(r["claim_id"] in matched for r in claims)))
    items = events(found, p.min_rank, published_by, keep)
    return {**totals(items), "items": items}
