"""Reading an ACLED CSV export: its header and rows (the public codebook's columns), each row
checked into an Event or refused with the reason."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from ..storable import UNSTORABLE, unstorable
from ..domainmodel import DomainError, api_time, parse_time
from .csv_rows import data_rows, open_csv

COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
           "actor1", "assoc_actor_1", "actor2", "admin1", "location", "latitude", "longitude",
           "geo_precision", "source", "source_scale", "notes", "fatalities", "timestamp")
REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "location", "latitude",
            "longitude", "timestamp")
CONTROL_TYPES = {"non-state actor overtakes territory", "government regains territory",
                 "non-violent transfer of territory"}
CLASH_TYPES = {"armed clash"}
# ACLED time_precision: 1 = the day is known, 2 = the week, 3 = the month.
PRECISIONS = {"1": "day", "2": "week", "3": "month"}
# Columns beyond the codebook's that `GET /acled.csv` adds so that its rows come back exactly:
# UCDP-style low/high/civilian tolls and the claim's confidence. Optional on import.
EXTRA_COLUMNS = ("civilian_targeting", "deaths_low", "deaths_high", "deaths_civilians",
                 "confidence", "claim_type", "status")
# `claim_type` names the service's claim a row stands for when ACLED has no type of its own for
# it, empty otherwise: "dissolve" (a faction dissolved: actor1, into actor2 if any; no place),
# "leader_status" (actor1 a known leader, `status` the status, `location` free text, no point),
# "coup" (actor1 the leader leading it, actor2 the one it is against, at the row's place).
ROW_CLAIM_TYPES = ("", "dissolve", "leader_status", "coup")
# A dissolution concerns a faction, a leader's status a person: their rows may leave the place
# columns empty.
PLACE_COLUMNS = ("location", "latitude", "longitude")
PLACELESS = ("dissolve", "leader_status")
MAX_ROWS = 200_000

_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%Y/%m/%d",
                 "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S")


@dataclass
class Event:
    """One usable ACLED row."""

    line: int
    event_id: str
    day: date
    precision: str
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    assoc_actor_1: str
    admin1: str
    location: str
    lat: float
    lon: float
    geo_precision: str
    source: str
    source_scale: str
    notes: str
    fatalities: int | None
    timestamp: int
    extra: dict[str, Any] = field(default_factory=dict)  # EXTRA_COLUMNS, checked

    @property
    def kind(self) -> str:
        types = {self.event_type.casefold(), self.sub_event_type.casefold()}
        if types & CONTROL_TYPES:
            return "control"
        if types & CLASH_TYPES:
            return "clash"
        return "note"


# ---- reading the file ---------------------------------------------------------------------------

# Every column of ACLED's codebook (2023): a row keeps only these, whatever else the header has.
CODEBOOK = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
            "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
            "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
            "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
            "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
            "timestamp")
# A header with more columns than this is not an ACLED export (it has 31): 422.
MAX_COLUMNS = 200


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number where the row starts, {column: value}) for each data row; the header is line
    1. A file without the codebook's required columns is refused as a whole (422).

    A row keeps only the codebook's columns (and COLUMNS, REQUIRED): a 79 KB body with 12,000
    made-up columns and short rows made a dict of 12,000 keys per row, 1.5 GB (issue 15)."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader, header = open_csv(
        text, "the file is empty: send an ACLED CSV export with its header row", delimiter)
    if len(header) > MAX_COLUMNS:
        msg = (f"the header has {len(header)} columns, more than {MAX_COLUMNS}: not an ACLED "
               f"export (columns of the ACLED codebook: {', '.join(COLUMNS)})")
        raise DomainError(msg, {"body": [msg]})
    columns = [h.strip().lower() for h in header]
    known = set(CODEBOOK) | set(COLUMNS) | set(REQUIRED) | set(EXTRA_COLUMNS)
    kept = [(i, c) for i, c in enumerate(columns) if c in known]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        msg = (f"not an ACLED export: the header lacks {', '.join(missing)} "
               f"(columns of the ACLED codebook: {', '.join(COLUMNS)})")
        raise DomainError(msg, {"body": [msg]})
    rows = []
    for start, values in data_rows(reader, MAX_ROWS):
        row = {c: (values[i].strip() if i < len(values) else "") for i, c in kept}
        if len(values) > len(columns) and any(v.strip() for v in values[len(columns):]):
            row["__extra__"] = "1"
        rows.append((start, row))
    return rows


def parse_row(line: int, row: dict[str, str]) -> Event:
    """An Event, or ValueError saying why the row cannot be used."""
    if row.get("__extra__"):
        raise ValueError(f"more fields than the header has columns ({len(COLUMNS)} expected)")
    dissolve = _claim_type(row) in PLACELESS
    event_id = row["event_id_cnty"]
    if len(event_id) > 100 or not re.fullmatch(r"[\w.\-]+", event_id):
        raise ValueError(f"event_id_cnty {event_id[:40]!r} is not an ACLED event id")
    day, when = _when(row["event_date"])
    precision = PRECISIONS.get(row.get("time_precision") or "1")
    if precision is None:
        raise ValueError(f"time_precision {row['time_precision']!r} is not 1, 2 or 3")
    try:
        lat, lon = ((float(row["latitude"]), float(row["longitude"]))
                    if not dissolve or row.get("latitude") or row.get("longitude") else (0.0, 0.0))
    except ValueError:
        raise ValueError("latitude/longitude are not numbers") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("latitude/longitude out of range")
    try:
        timestamp = int(float(row["timestamp"]))
        stamp = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"timestamp {row['timestamp'][:30]!r} is not a Unix time") from None
    if stamp.year < 1997:  # ACLED's coverage starts in 1997
        raise ValueError(f"timestamp {timestamp} is before ACLED existed")
    fatalities = None
    if row.get("fatalities"):
        try:
            fatalities = int(row["fatalities"])
        except ValueError:
            raise ValueError(f"fatalities {row['fatalities'][:20]!r} is not a whole number") from None
    where = unstorable(row)
    if where is not None:
        raise ValueError(f"{where} {UNSTORABLE}")
    location = row["location"]
    for name in ("location", "actor1", "actor2", "assoc_actor_1", "admin1"):
        if len(row.get(name) or "") > 200:
            raise ValueError(f"{name} is longer than 200 characters")
    extra = _extra(row, fatalities)
    event = Event(line=line, event_id=event_id, day=day, precision=precision, extra=extra,
                 event_type=row["event_type"], sub_event_type=row.get("sub_event_type", ""),
                 actor1=row["actor1"], actor2=row.get("actor2", ""),
                 assoc_actor_1=row.get("assoc_actor_1", ""), admin1=row.get("admin1", ""),
                 location=location, lat=lat, lon=lon, geo_precision=row.get("geo_precision", ""),
                 source=row.get("source", ""), source_scale=row.get("source_scale", ""),
                 notes=row.get("notes", ""), fatalities=fatalities, timestamp=timestamp)
    if when is not None:
        event.extra["when"] = when
    return event


def _claim_type(row: dict[str, str]) -> str:
    """The row's claim_type, once the columns it needs are known to be filled (ValueError)."""
    # An event may have no actor (ACLED always names one; a toll exported from this service may
    # not): only a territory change or an armed clash needs actor1.
    implies = {row.get("event_type", "").casefold(), row.get("sub_event_type", "").casefold()}
    claim_type = row.get("claim_type") or ""
    if claim_type not in ROW_CLAIM_TYPES:
        raise ValueError(f"claim_type {claim_type[:20]!r} is not empty, "
                         f"{', '.join(ROW_CLAIM_TYPES[1:])}")
    dissolve = claim_type in PLACELESS
    needed = [*REQUIRED, *(("actor2",) if claim_type == "coup" else ()),
              *(("status",) if claim_type == "leader_status" else ())]
    missing = [c for c in needed if not row.get(c)
               and (c != "actor1" or claim_type or implies & (CONTROL_TYPES | CLASH_TYPES))
               and not (dissolve and c in PLACE_COLUMNS)]
    if missing:
        raise ValueError(f"empty {', '.join(missing)}")
    return claim_type


def _when(text: str) -> tuple[date, str | None]:
    """(the day, the exact time as RFC 3339 text if the cell gives one with its offset)."""
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)", text):
        try:
            moment = parse_time(text)
        except ValueError:
            raise ValueError(f"event_date {text[:30]!r} is not a date") from None
        return moment.date(), api_time(moment)
    return _date(text), None


def _extra(row: dict[str, str], fatalities: int | None) -> dict[str, Any]:
    """The optional columns (EXTRA_COLUMNS): civilian targeting, the low/high/civilian tolls,
    the confidence; ValueError naming a bad one."""
    out: dict[str, Any] = {}
    targeting = row.get("civilian_targeting")
    if targeting is not None:
        out["civilian_targeting"] = bool(targeting.strip())  # ACLED: "Civilian targeting" or ""
    for column, key in (("deaths_low", "low"), ("deaths_high", "high"),
                        ("deaths_civilians", "civilians")):
        if row.get(column):
            if fatalities is None:
                raise ValueError(f"{column} without fatalities")
            try:
                out[key] = int(row[column])
            except ValueError:
                raise ValueError(f"{column} {row[column][:20]!r} is not a whole number") from None
    if row.get("confidence"):
        out["confidence"] = row["confidence"]
    if row.get("claim_type"):
        out["claim_type"] = row["claim_type"]
    if row.get("status"):
        out["status"] = row["status"]
    return out


def _date(text: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"event_date {text[:30]!r} is not a date (e.g. 2024-11-29 or 29 November 2024)")
