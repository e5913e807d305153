"""Exports for other tools: the state of every place as an RFC 7946 GeoJSON FeatureCollection (for
QGIS and web maps) and the replayed timeline as CSV (for spreadsheets)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

GEOJSON_TYPE = "application/geo+json"
CSV_TYPE = "text/csv"

# Columns of the timeline CSV, in order; any other scalar field of an item follows them.
TIMELINE_COLUMNS = ("at", "claim", "type", "confidence", "precision", "counted", "retracted",
                    "summary", "changes", "city", "place", "faction", "from_faction", "factions",
                    "toward", "governorate", "captured_count", "leader", "status", "location",
                    "led_by", "against", "target", "reason", "text", "report", "position",
                    "recorded_at",
                    # v2: who said it (the source's name, its origin and url) and when
                    "source", "origin", "url", "published_at")
# v2: an event's or a toll's fields (deaths in one column each), and the event_key that links
# reports of one event (an imported row's dataset id: ACLED's event_id_cnty, `ucdp:<id>`).
DEATHS_COLUMNS = ("deaths_best", "deaths_low", "deaths_high", "deaths_civilians")
TIMELINE_COLUMNS = (*TIMELINE_COLUMNS, "event_key", "event_type", "sub_event_type", "actors",
                    "civilian_targeting", *DEATHS_COLUMNS, "geo_precision", "lat", "lon")
# Free-text cells that a spreadsheet could take for a formula (OWASP "CSV injection").
_TEXT_CELLS = {"summary", "text", "reason", "location", "source", "origin", "url"}
# `?bom=1`: a UTF-8 byte-order mark first, so that spreadsheet programs read the file as UTF-8.
BOM = "\ufeff"


def state_features(queries: Any, names: Any, point: Any) -> dict[str, Any]:
    """Every known place as a Point feature with its state at `point`: `{id, name, controller,
    status, since, confidence}`. Places no claim has named are `unknown`, without a query each."""
    world = queries.state(point)
    states = {c["id"]: c for c in world["cities"]}
    features = []
    for place in sorted(names.entities("place", point.k), key=lambda e: e["id"]):
        lat, lon = place.get("lat"), place.get("lon")
        if not _finite(lat) or not _finite(lon):
            continue
        state = states.get(place["id"]) or {"controller": None, "status": "unknown",
                                            "since": None, "confidence": None}
        features.append({
            "type": "Feature",
            "id": place["id"],
            # RFC 7946 section 3.1.1: longitude first; 6 decimals is about 0.1 m
            "geometry": {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]},
            "properties": {"id": place["id"], "name": place["name"],
                           "controller": state["controller"], "status": state["status"],
                           "since": state["since"], "confidence": state["confidence"]},
        })
    return {"type": "FeatureCollection",
            # foreign members (RFC 7946 section 6.1): the point of view the map shows
            "at": world["at"], "known_at": world["known_at"], "position": world["position"],
            "min_confidence": world["min_confidence"],
            "features": features}


def geojson_text(collection: dict[str, Any]) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def change_text(change: dict[str, Any]) -> str:
    """`place aleppo controller: syrian-arab-army -> hts`."""
    return (f"{change.get('kind')} {change.get('id')} {change.get('field')}: "
            f"{_plain(change.get('from'))} -> {_plain(change.get('to'))}")


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _cell(column: str, value: Any, item: dict[str, Any] | None = None) -> str:
    if column in ("source", "url"):  # from the report's source object
        source = value if column == "source" else (item or {}).get("source")
        value = source.get("name" if column == "source" else "url") if isinstance(source, dict) else None
    if column == "changes":
        return "; ".join(change_text(c) for c in value or [])
    text = _plain(value)
    if column in _TEXT_CELLS and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def timeline_csv(items: Iterable[dict[str, Any]], bom: bool = False) -> Iterator[str]:
    """The timeline items as CSV text, header first, one row per item, yielded row by row;
    with `bom`, a UTF-8 byte-order mark before the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(TIMELINE_COLUMNS)
    yield (BOM if bom else "") + flush()
    for item in items:
        if item.get("geo_precision") is None:  # every claim's default (API.md v2), as /timeline
            item = dict(item, geo_precision=1)
        toll = item.get("deaths")
        if toll:  # low/high default to best, civilians to 0, as /casualties counts them
            item = dict(item, deaths_best=toll["best"], deaths_low=toll.get("low", toll["best"]),
                        deaths_high=toll.get("high", toll["best"]),
                        deaths_civilians=toll.get("civilians", 0))
        writer.writerow([_cell(c, item.get(c), item) for c in TIMELINE_COLUMNS])
        yield flush()


def timeline_items(app: Any, point: Any, *, start: str | None = None, end: str | None = None,
                   city: str | None = None, faction: str | None = None,
                   leader: str | None = None, page: int = 1000) -> Iterator[dict[str, Any]]:
    """Every `/timeline` item for these filters, page by page (a faction includes its
    sub-factions); an unknown name is a DomainError before anything is yielded."""
    entities: list[list[str]] = []
    for value, kind in ((city, "place"), (faction, "faction"), (leader, "leader")):
        if value:
            found = app.names.resolve(kind, value, {"place": "city"}.get(kind, kind))
            family = app.queries.subfactions(found) if kind == "faction" else {found}
            entities.append(sorted(f"{kind}:{e}" for e in family))
    return _pages(app, point, start, end, entities, page)


def _pages(app: Any, point: Any, start: str | None, end: str | None,
           entities: list[list[str]], page: int) -> Iterator[dict[str, Any]]:
    from ..domainmodel import db_time, parse_time

    after = None
    while True:
        items = app.timeline(point, start=start, end=end, entities=entities, after=after,
                             limit=page)
        for item in items:
            seq = item.pop("_seq", 0)
            after = (db_time(parse_time(item["at"])), item["position"], seq)
            yield item
        if len(items) < page:
            return
