"""ACLED out (`GET /acled.csv`, `timeline export acled`; API.md v2): the counted claims that an
ACLED row can carry (events, tolls, clashes, control), one row per event.

Claims sharing an `event_key` are one row: the latest counted event claim describes it (else the
latest toll, clash or control claim), the latest counted claim with `deaths` gives its
fatalities (the one /casualties counts), and a counted control claim of the event travels in it
as its sub-event type (a territory change). A claim without a key is a row of its own, with the
claim's id as `event_id_cnty`. Importing the file (timeline/ingest/acled.py) into an empty store with the
same reference data gives the same state and casualty answers: columns beyond ACLED's
(acled.EXTRA_COLUMNS) carry the low/high/civilian tolls and the confidence, and `event_date`
carries the time when a claim is dated otherwise than noon UTC (a date alone is noon UTC).
A counted `dissolve` claim is a row of its own (ACLED's "Strategic developments / Change to
group/activity", actor1 the faction, actor2 the faction it dissolved into, no place), marked by
`claim_type` = dissolve so that the import files a dissolve claim again: without it the
re-imported store would keep the dissolved faction's places. Leaders' statuses and coups are
rows of their own too ("Strategic developments / Other", actor1 the leader, claim_type
leader_status with the `status` column, or coup with actor2 the leader it is against), so that
/state's leaders come back as well. Notes and advances have no ACLED row and are left out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from .acled_rows import EXTRA_COLUMNS
from ..codebook import TERRITORY_SUBTYPES, type_of
from ..domainmodel import CONFIDENCES, EARLIEST

COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
           "actor1", "actor2", "admin1", "location", "latitude", "longitude", "geo_precision",
           "source", "notes", "fatalities", "timestamp", *EXTRA_COLUMNS)
TYPES = ("event", "casualties", "clash", "control", "dissolve", "leader_status", "coup")
DISSOLVE = ("Strategic developments", "Change to group/activity")
OTHER = ("Strategic developments", "Other")  # a leader's status or a coup
OWN_ROW = ("dissolve", "leader_status", "coup")
TIME_PRECISION = {"exact": "1", "hour": "1", "day": "1", "week": "2", "month": "3"}
END = "9999-12-31T23:59:59.999999Z"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")

_CORRECTION = """(SELECT MIN(x.position) FROM tl_corrections x WHERE x.target = c.id
    AND x.kind = '{kind}' AND x.position <= :k{undone})"""
_UNDONE = """ AND NOT EXISTS (SELECT 1 FROM tl_corrections y WHERE y.target = x.claim_id
    AND y.kind = 'retract' AND y.position <= :k)"""
_CLAIMS = f"""SELECT c.id, c.report_id, c.seq, c.type, c.occurred_at, c.confidence, c.position,
    c.data, r.published_at, r.data AS report,
    {_CORRECTION.format(kind='retract', undone=_UNDONE)} AS retracted,
    {_CORRECTION.format(kind='confirm', undone='')} AS confirmed
FROM tl_claims c JOIN tl_reports r ON r.id = c.report_id
WHERE c.occurred_at >= :start AND c.occurred_at < :end AND c.position <= :k
  AND c.type IN ('event', 'casualties', 'clash', 'control', 'dissolve', 'leader_status', 'coup')
ORDER BY c.occurred_at, c.position, c.seq"""


def counted_claims(rm: Any, p: Any, start: str | None, end: str | None) -> list[dict[str, Any]]:
    out = []
    for row in rm.fetchall(_CLAIMS, {"k": p.k, "start": start or EARLIEST, "end": end or END}):
        if row["retracted"] is not None:
            continue
        rank = 2 if row["confirmed"] is not None else row["confidence"]
        if rank < p.min_rank:
            continue
        claim = json.loads(row["data"])
        claim.update(id=row["id"], rank=rank, position=row["position"], seq=row["seq"],
                     published_at=row["published_at"], source=json.loads(row["report"])["source"])
        out.append(claim)
    return out


def rows(app: Any, p: Any, start: str | None = None, end: str | None = None
         ) -> list[dict[str, str]]:
    """The export's rows (column -> text), in valid-time order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    dissolves = []
    for claim in counted_claims(app.recorder, p, start, end):
        if claim["type"] in OWN_ROW:  # a row of its own, whatever its key
            dissolves.append(claim)
            continue
        key = claim.get("event_key") or "\0" + claim["id"]
        groups.setdefault(key, []).append(claim)
    out = []
    for claims in groups.values():
        claims.sort(key=lambda c: (c["position"], c["seq"]))
        out.append(_row(app.names, claims))
    taken = {r["event_id_cnty"] for r in out}
    for claim in dissolves:
        row = _own_row(app.names, claim)
        if row["event_id_cnty"] in taken:  # its key is another row's: the import takes one
            row["event_id_cnty"] = claim["id"]
        taken.add(row["event_id_cnty"])
        out.append(row)
    out.sort(key=lambda r: (r["_at"], r["event_id_cnty"]))
    for r in out:
        del r["_at"]
    return out


def _latest(claims: list[dict[str, Any]], *types: str) -> dict[str, Any] | None:
    found = [c for c in claims if c["type"] in types]
    return found[-1] if found else None


def _row(names: Any, claims: list[dict[str, Any]]) -> dict[str, str]:
    toll = next((c for c in reversed(claims) if c.get("deaths") is not None), None)
    base = _latest(claims, "event") or toll or claims[-1]
    control = _latest(claims, "control")
    kind = base["type"]
    if kind == "event":
        event_type, sub = base["event_type"], base.get("sub_event_type") or ""
        actors = base.get("actors") or []
    elif kind == "clash":
        event_type, sub, actors = "Battles", "Armed clash", base["factions"]
    elif kind == "control":
        event_type, sub = "Battles", TERRITORY_SUBTYPES[0]
        actors = [base["faction"], *([base["from_faction"]] if base.get("from_faction") else [])]
    else:  # a toll reported alone: no type of its own, and it must not become a clash
        event_type, sub, actors = "Strategic developments", "Other", base.get("factions") or []
    if control is not None and sub not in TERRITORY_SUBTYPES:
        sub = TERRITORY_SUBTYPES[0]
        event_type = type_of(sub)
    if control is not None:  # the territory change says who took the place from whom
        actors = [control["faction"], *([control["from_faction"]]
                                        if control.get("from_faction") else [])]
    where = base.get("place") or base.get("city")
    if where is None and control is not None:
        where = control.get("place") or control.get("city")
    place = names.entity("place", where) if where else None
    if place is not None:
        location, lat, lon = place["name"], place.get("lat"), place.get("lon")
        admin1 = place.get("governorate") or ""
    else:
        lat, lon = base.get("lat"), base.get("lon")
        location = base.get("location") or f"Point {lat:g} {lon:g}"
        admin1 = ""
    when = base["occurred_at"]
    moment = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(timezone.utc)
    noon = (moment.hour, moment.minute, moment.second, moment.microsecond) == (12, 0, 0, 0)
    published = datetime.strptime(base["published_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=timezone.utc)
    deaths = (toll or {}).get("deaths")
    row = {
        "event_id_cnty": base.get("event_key") or base["id"],
        "event_date": moment.date().isoformat() if noon else when,
        "time_precision": TIME_PRECISION.get(base.get("precision") or "day", "1"),
        "event_type": event_type, "sub_event_type": sub,
        "actor1": _name(names, actors[0]) if actors else "",
        "actor2": _name(names, actors[1]) if len(actors) > 1 else "",
        "admin1": admin1, "location": location,
        "latitude": "" if lat is None else f"{lat:g}", "longitude": "" if lon is None else f"{lon:g}",
        "geo_precision": str(base.get("geo_precision") or 1),
        "source": base["source"].get("name", ""),
        "notes": base.get("summary") or base.get("text") or "",
        "fatalities": "" if deaths is None else str(deaths["best"]),
        "timestamp": str(int(published.timestamp())),
        "civilian_targeting": "Civilian targeting" if base.get("civilian_targeting") else "",
        "deaths_low": "" if deaths is None else str(deaths.get("low", deaths["best"])),
        "deaths_high": "" if deaths is None else str(deaths.get("high", deaths["best"])),
        "deaths_civilians": "" if deaths is None else str(deaths.get("civilians", 0)),
        "confidence": CONFIDENCES[base["rank"]],
        "_at": base["occurred_at"],
    }
    return row


def _own_row(names: Any, claim: dict[str, Any]) -> dict[str, str]:
    """A dissolution's, a leader's status's or a coup's row, marked by `claim_type`: no toll;
    a dissolution has no place, a status only its free-text `location`, a coup its city."""
    when, kind = claim["occurred_at"], claim["type"]
    event_date, published = _dates(when, claim["published_at"])
    row = {
        "event_id_cnty": claim.get("event_key") or claim["id"], "event_date": event_date,
        "time_precision": TIME_PRECISION.get(claim.get("precision") or "day", "1"),
        "event_type": OTHER[0], "sub_event_type": OTHER[1], "geo_precision": "",
        "source": claim["source"].get("name", ""), "notes": claim.get("summary") or "",
        "timestamp": published, "confidence": CONFIDENCES[claim["rank"]], "claim_type": kind,
        "_at": when,
    }
    if kind == "dissolve":
        row.update(event_type=DISSOLVE[0], sub_event_type=DISSOLVE[1],
                   actor1=_name(names, claim["faction"]),
                   actor2=_name(names, claim["into"]) if claim.get("into") else "")
    elif kind == "leader_status":
        row.update(actor1=_name(names, claim["leader"], "leader"), status=claim["status"],
                   location=claim.get("location") or "")
    else:
        place = names.entity("place", claim["city"]) or {"name": claim["city"]}
        row.update(actor1=_name(names, claim["led_by"], "leader"),
                   actor2=_name(names, claim["against"], "leader"), location=place["name"],
                   admin1=place.get("governorate") or "", geo_precision="1",
                   latitude="" if place.get("lat") is None else f"{place['lat']:g}",
                   longitude="" if place.get("lon") is None else f"{place['lon']:g}")
    return row


def _dates(when: str, published_at: str) -> tuple[str, str]:
    """(`event_date`: the day if the claim is dated noon UTC, else the time; `timestamp`)."""
    moment = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(timezone.utc)
    noon = (moment.hour, moment.minute, moment.second, moment.microsecond) == (12, 0, 0, 0)
    published = datetime.strptime(published_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=timezone.utc)
    return moment.date().isoformat() if noon else when, str(int(published.timestamp()))


def _name(names: Any, faction: str, kind: str = "faction") -> str:
    entity = names.entity(kind, faction)
    return entity["name"] if entity else faction


def _safe(column: str, text: str) -> str:
    """Free text a spreadsheet could take for a formula is quoted (OWASP "CSV injection");
    the import strips nothing, so only the notes, which no answer compares, are guarded."""
    return "'" + text if column == "notes" and text[:1] in _FORMULA else text


def csv_text(rows_: list[dict[str, str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows_:
        writer.writerow([_safe(c, row.get(c, "")) for c in COLUMNS])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
