"""ACLED import: rows of an ACLED CSV export (the public codebook's columns) become reports, one per
ACLED event, each carrying one claim; a revised event (a newer ACLED `timestamp`) becomes a
correction, never an edit. Unknown actors and locations are registered as reference data."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any
from uuid import uuid5

from eventsourcing.persistence import IntegrityError

from ..claims import UNSTORABLE, normalise_report, unstorable
from ..domainmodel import (
    ENTITY_CLASSES,
    NAMESPACE,
    Conflict,
    DomainError,
    Report,
    api_time,
    name_key,
    parse_time,
    slugify,
)

DATASET = "acled"
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
# API.md v2: a date without a time (ACLED's event_date) is that day at 12:00 UTC. (An
# event_date with a time, as `GET /acled.csv` writes for a claim dated otherwise, is that time.)
LOCAL_NOON = "T12:00:00Z"
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
NEARBY_KM = 5.0       # a location whose name is unknown takes the nearest place this close
SAME_NAME_KM = 50.0   # a place known by the name counts only if it is this close to the point
CHUNK = 500           # reports per transaction
MAX_ROWS = 200_000

# ACLED's standard names for state forces that the seeded factions stand for; other names resolve
# through the factions' own names and aliases, or are registered.
ACLED_ACTORS = {
    "military forces of syria (2000-2024)": "syrian-arab-army",
    "military forces of russia (2000-)": "russian-armed-forces",
    "military forces of turkey (2016-)": "turkish-armed-forces",
    "military forces of israel (2022-)": "idf",
    "military forces of the united states (2021-)": "us-armed-forces",
    "military forces of the united states (2025-)": "us-armed-forces",
}

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


@dataclass
class Outcome:
    imported: int = 0
    unchanged: int = 0
    corrected: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append({"line": line, "reason": reason})

    def answer(self, position: int | None) -> dict[str, Any]:
        return {"imported": self.imported, "unchanged": self.unchanged,
                "corrected": self.corrected,
                "rejected": sorted(self.rejected, key=lambda r: r["line"]),
                "position": position}


# The fields of an imported claim that name a place or a faction (the lists last).
ENTITY_FIELDS = ("city", "place", "faction", "from_faction", "into", "factions", "actors")


class _PlannedNames:
    """The store's names, and the places and factions this import plans to register, so that a
    row's report can be checked before anything is registered for it."""

    def __init__(self, names: Any, planned: dict[str, tuple[str, str, list[str], dict[str, Any]]]):
        self._names, self._planned = names, planned

    def resolve(self, kind: str, value: Any, path: str) -> str:
        entry = self._planned.get(value) if isinstance(value, str) else None
        if entry is not None and entry[0] == kind:
            return value
        return self._names.resolve(kind, value, path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._names, name)


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
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise DomainError("the file is empty: send an ACLED CSV export with its header row",
                          {"body": ["empty"]})
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as e:
        raise DomainError(f"line 1: not CSV: {e}", {"body": [f"line 1: {e}"]}) from None
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
    end = reader.line_num
    while True:
        start = end + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            msg = f"line {start}: not valid CSV ({e})"
            raise DomainError(msg, {"body": [msg]}) from None
        end = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            msg = f"more than {MAX_ROWS} rows: split the file"
            raise DomainError(msg, {"body": [msg]}, status=413)
        row = {c: (values[i].strip() if i < len(values) else "") for i, c in kept}
        if len(values) > len(columns) and any(v.strip() for v in values[len(columns):]):
            row["__extra__"] = "1"
        rows.append((start, row))
    return rows


def parse_row(line: int, row: dict[str, str]) -> Event:
    """An Event, or ValueError saying why the row cannot be used."""
    if row.get("__extra__"):
        raise ValueError(f"more fields than the header has columns ({len(COLUMNS)} expected)")
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


# ---- the import -----------------------------------------------------------------------------------

def report_id(event_id: str, timestamp: int):
    """The same ACLED event in the same version is always the same report: a re-import is a no-op."""
    return uuid5(NAMESPACE, f"acled:{event_id}:{timestamp}")


def versions(app: Any, event_ids: list[str]) -> dict[str, dict[str, Any]]:
    """{event_id: {version, claim_id}} of the ACLED events already imported."""
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(event_ids), 500):
        chunk = event_ids[i:i + 500]
        params: dict[str, Any] = {f"r{n}": ref for n, ref in enumerate(chunk)}
        params["dataset"] = DATASET
        marks = ", ".join(f":r{n}" for n in range(len(chunk)))
        for row in app.recorder.fetchall(
                f"SELECT ref, version, claim_id, report_id FROM tl_external WHERE dataset = :dataset "
                f"AND ref IN ({marks})", params):
            out[row["ref"]] = {"version": int(row["version"]), "claim_id": row["claim_id"],
                               "report_id": row["report_id"]}
    return out


class Importer:
    """Imports one ACLED export into a TimelineApplication, in three steps: read every row and
    decide what it names (planning the places and factions to register), register those in one
    transaction, then file one report per new or revised event, a few hundred per transaction."""

    def __init__(self, app: Any, filed_by: str | None = None):
        self.app = app
        self.filed_by = filed_by  # the importing token's label, recorded with each report
        self.names = app.names
        self._actors: dict[str, str] = {}
        self._places: dict[tuple[str, float, float], str] = {}
        self._points: list[tuple[str, float, float]] | None = None
        # registrations planned by this import: id -> (kind, name, aliases, attributes)
        self._planned: dict[str, tuple[str, str, list[str], dict[str, Any]]] = {}
        self._planned_keys: dict[tuple[str, str], str] = {}
        self._remap: dict[str, str] = {}

    def run(self, text: str, progress: Callable[[int], Any] | None = None,
            idempotency: dict[str, Any] | None = None) -> dict[str, Any]:
        rows = read_rows(text)
        outcome = Outcome()
        events: list[Event] = []
        first_line: dict[str, int] = {}
        for line, row in rows:
            try:
                event = parse_row(line, row)
            except ValueError as e:
                outcome.reject(line, str(e))
                continue
            if event.event_id in first_line:
                outcome.reject(line, f"event {event.event_id} already appears on line "
                                     f"{first_line[event.event_id]}")
                continue
            first_line[event.event_id] = line
            events.append(event)
        if progress is not None and len(rows) > len(events):
            progress(len(rows) - len(events))
        known = versions(self.app, [e.event_id for e in events])
        return self._file_records(
            events, known, outcome, progress, idempotency, key=lambda e: e.event_id,
            # the same version, or older than the one we hold
            is_current=lambda e, previous: previous["version"] >= e.timestamp,
            claims_of=self._claim, report_of=self._report)

    def _file_records(self, records: list[Any], known: dict[str, dict[str, Any]], outcome: Outcome,
                      progress: Callable[[int], Any] | None, idempotency: dict[str, Any] | None,
                      *, key: Callable[[Any], str], is_current: Callable[[Any, dict[str, Any]], bool],
                      claims_of: Callable[[Any], list[dict[str, Any]]],
                      report_of: Callable[..., list[Any]]) -> dict[str, Any]:
        """Files a dataset's records (ACLED events, UCDP rows; each has its `line`): a record
        whose stored version is current is unchanged; the others are checked as they will be
        filed, so that a rejected record registers nothing (its new place or actor is kept only
        if an accepted record names it too), then all are appended together."""
        planned: list[tuple[Any, list[dict[str, Any]], dict[str, Any] | None]] = []
        for record in records:
            previous = known.get(key(record))
            if previous is not None and is_current(record, previous):
                outcome.unchanged += 1
                if progress is not None:
                    progress(1)
                continue
            try:
                claims = claims_of(record)
                report_of(record, claims, previous, _PlannedNames(self.names, self._planned))
                planned.append((record, claims, previous))
            except DomainError as e:
                outcome.reject(record.line, _reason(e))
                if progress is not None:
                    progress(1)
        self._keep_planned([c for _, claims, _ in planned for c in claims])
        self._register_planned()
        reports: list[tuple[list[Any], str]] = []
        for record, claims, previous in planned:
            try:
                reports.append((report_of(record, self._remapped(claims), previous),
                                "corrected" if previous else "imported"))
            except DomainError as e:
                outcome.reject(record.line, _reason(e))
            if progress is not None:
                progress(1)
        outcome.imported += sum(1 for _, kind in reports if kind == "imported")
        outcome.corrected += sum(1 for _, kind in reports if kind == "corrected")
        appended, idempotency = self._save(reports, outcome, idempotency)
        # The position of the import's own last event (another writer's may follow it at once),
        # else the head it found: the answer a retry with the same Idempotency-Key gets back.
        answer = outcome.answer(appended if appended is not None else self.app.head())
        if idempotency is not None:
            self.app.complete_idempotency(idempotency, answer, 200)
        return answer

    # ---- one row ---------------------------------------------------------------------------------
    def _report(self, event: Event, new: list[dict[str, Any]], previous: dict[str, Any] | None,
                names: Any = None) -> list[Any]:
        """The events that file this row's report, checked as POST /reports checks a report:
        the row's claims, after the retraction of the claims of its previous version."""
        claims = []
        if previous is not None:
            for old in self._previous_claims(previous):
                claims.append({
                    "type": "retract", "claim": old,
                    "reason": f"ACLED revised event {event.event_id} "
                              f"(timestamp {previous['version']} -> {event.timestamp})"})
        ref_index = len(claims)  # the event claim, first of the row's claims
        claims += new
        stamp = api_time(datetime.fromtimestamp(event.timestamp, tz=timezone.utc))
        source_name = f"ACLED ({event.source})" if event.source else "ACLED"
        payload = {
            "source": {"name": source_name[:500], "kind": "dataset",
                       "url": "https://acleddata.com/"},
            "published_at": stamp,
            "headline": (f"ACLED {event.event_id}: {event.sub_event_type or event.event_type} "
                         + (f"in {event.location}" if event.location else f"({event.actor1})")
                         )[:1000],
            "body": _body(event),
            "language": "en",
            "claims": claims,
        }
        fields = normalise_report(payload, names or self.names, self.app.queries)
        fields["source"]["ref"] = {"dataset": DATASET, "id": event.event_id,
                                   "version": str(event.timestamp), "claim": ref_index}
        report = Report.file(report_id=report_id(event.event_id, event.timestamp),
                             filed_by=self.filed_by, **fields)
        return list(report.collect_events())

    def _previous_claims(self, previous: dict[str, Any]) -> list[str]:
        """The claims of an event's previous version that still count (not corrections)."""
        rows = self.app.recorder.fetchall(
            "SELECT id, type FROM tl_claims WHERE report_id = :r ORDER BY seq",
            {"r": previous["report_id"]})
        out = []
        for row in rows:
            if row["type"] in ("retract", "confirm"):
                continue
            status = self.app.queries.claim_status(row["id"])
            if status is not None and not status["retracted"]:
                out.append(row["id"])
        return out

    def _claim(self, event: Event) -> list[dict[str, Any]]:
        """The row's claims (API.md v2): an `event` claim for every row (its type and sub-type,
        the actors, `fatalities` as `deaths.best`, `event_id_cnty` as `event_key`), then the
        control claim a territory change implies, or the clash an armed clash between two
        actors implies, with the same event_key. A `dissolve` row (claim_type) is the
        dissolution alone: it names no place, and an event claim would need one (a place
        registered for it would be a new city in /state), while an event without `deaths`
        changes no /state or /casualties answer."""
        if event.extra.get("claim_type") == "dissolve":
            dissolve: dict[str, Any] = {
                "type": "dissolve", "faction": self.actor(event.actor1),
                "occurred_at": event.extra.get("when") or event.day.isoformat() + LOCAL_NOON,
                "precision": event.precision,
                "confidence": event.extra.get("confidence", "reported"),
                "summary": _summary(event), "event_key": event.event_id}
            if event.actor2 and not _civilians(event.actor2):
                dissolve["into"] = self.actor(event.actor2)
            return [dissolve]
        if event.extra.get("claim_type") in ("leader_status", "coup"):
            return [self._leader_claim(event)]
        base: dict[str, Any] = {
            "occurred_at": event.extra.get("when") or event.day.isoformat() + LOCAL_NOON,
            "precision": event.precision, "confidence": event.extra.get("confidence", "reported"),
            "summary": _summary(event), "event_key": event.event_id,
            "geo_precision": int(event.geo_precision) if event.geo_precision in ("1", "2", "3") else 1}
        place = self.place(event)
        actors = [self.actor(a) for a in (event.actor1, event.actor2) if a and not _civilians(a)]
        actors = list(dict.fromkeys(actors))
        claim = dict(base, type="event", event_type=event.event_type, city=place)
        if event.sub_event_type:
            claim["sub_event_type"] = event.sub_event_type
        if actors:
            claim["actors"] = actors
        targeting = event.extra.get("civilian_targeting")
        if targeting is None and event.actor2 and _civilians(event.actor2):
            targeting = True
        if targeting is not None:
            claim["civilian_targeting"] = targeting
        if event.fatalities is not None:
            claim["deaths"] = {"best": event.fatalities, **{
                k: event.extra[k] for k in ("low", "high", "civilians") if k in event.extra}}
        claims = [claim]
        kind = event.kind
        if kind == "control":
            faction = self.actor(event.actor1)
            control = dict(base, type="control", city=place, faction=faction)
            if event.actor2 and not _civilians(event.actor2):
                loser = self.actor(event.actor2)
                if loser != faction:
                    control["from_faction"] = loser
            claims.append(control)
        elif kind == "clash" and len(actors) >= 2:
            parent = self._parent(place)
            if parent:  # fighting in a district contests its city
                claims.append(dict(base, type="clash", city=parent, place=place,
                                   factions=actors[:2]))
            else:
                claims.append(dict(base, type="clash", city=place, factions=actors[:2]))
        return claims

    def _leader_claim(self, event: Event) -> dict[str, Any]:
        """A leader's status or a coup, as exported: leaders are reference data, never
        registered by an import (an unknown name rejects the row)."""
        claim: dict[str, Any] = {
            "occurred_at": event.extra.get("when") or event.day.isoformat() + LOCAL_NOON,
            "precision": event.precision,
            "confidence": event.extra.get("confidence", "reported"),
            "summary": _summary(event), "event_key": event.event_id}
        if event.extra["claim_type"] == "coup":
            return dict(claim, type="coup", city=self.place(event),
                        led_by=self.leader(event.actor1),
                        against=self.leader(event.actor2, "actor2"))
        claim.update(type="leader_status", leader=self.leader(event.actor1),
                     status=event.extra.get("status"))
        if event.location:
            claim["location"] = event.location
        return claim

    def leader(self, name: str, column: str = "actor1") -> str:
        ids = self.names.lookup("leader", name)
        if len(ids) != 1:
            why = "ambiguous" if ids else "not a known leader"
            raise DomainError(f"{column}: leader {name!r} is {why}",
                              {column: [f"{name!r}: {why}"]})
        return ids[0]

    def _parent(self, place: str) -> str | None:
        if place in self._planned:
            return self._planned[place][3].get("parent")
        return (self.names.entity("place", place) or {}).get("parent")

    # ---- actors -----------------------------------------------------------------------------------
    def actor(self, name: str) -> str:
        """The faction an ACLED actor name stands for; registered (with the ACLED name as an
        alias) when nothing known matches."""
        cached = self._actors.get(name)
        if cached is not None:
            return cached
        found = None
        for candidate in _actor_candidates(name):
            table = ACLED_ACTORS.get(candidate.casefold())
            if table and self.names.entity("faction", table):
                found = table
                break
            ids = self.names.lookup("faction", candidate)
            if len(ids) == 1:
                found = ids[0]
                break
            if len(ids) > 1:
                raise DomainError(f"actor {name!r} is ambiguous: it names {', '.join(ids)}")
            found = self._planned_keys.get(("faction", name_key(candidate)))
            if found:
                break
        if found is None:
            abbreviation, full = _split_abbreviation(name)
            display = full or name
            aliases = [a for a in (name, abbreviation) if a and a != display]
            if self._taken("faction", [display, *aliases]):
                display, aliases = name, []  # the short form names another faction
            found = self._plan("faction", display, aliases, {"parent": None, "source": "ACLED actor"})
        self._actors[name] = found
        return found

    # ---- locations --------------------------------------------------------------------------------
    def place(self, event: Event) -> str:
        """The place an ACLED location stands for: by name (the nearest of several, if close),
        else the nearest known place within NEARBY_KM, else a newly registered place."""
        key = (event.location, round(event.lat, 4), round(event.lon, 4))
        cached = self._places.get(key)
        if cached is not None:
            return cached
        found = self._by_name(event.location, event.lat, event.lon)
        parent = None
        if found is None and " - " in event.location:
            # ACLED names city districts "Damascus - Kafr Sousa"
            city_name, _, district = event.location.partition(" - ")
            found = self._by_name(district, event.lat, event.lon)
            parent = self._by_name(city_name, event.lat, event.lon)
        if found is None:
            found = self._nearest(event.lat, event.lon, NEARBY_KM)
        if found is None:
            found = self._plan_place(event, parent)
        self._places[key] = found
        return found

    def _by_name(self, name: str, lat: float, lon: float) -> str | None:
        best = None
        candidates = list(self.names.lookup("place", name))
        planned = self._planned_keys.get(("place", name_key(name)))
        if planned:
            candidates.append(planned)
        for pid in candidates:
            if pid in self._planned:
                attrs = self._planned[pid][3]
                plat, plon = attrs["lat"], attrs["lon"]
            else:
                entity = self.names.entity("place", pid) or {}
                plat, plon = entity.get("lat"), entity.get("lon")
            if plat is None or plon is None:
                continue
            d = km(lat, lon, plat, plon)
            if d <= SAME_NAME_KM and (best is None or d < best[0]):
                best = (d, pid)
        return best[1] if best else None

    def _nearest(self, lat: float, lon: float, limit: float) -> str | None:
        if self._points is None:
            self._points = [(e["id"], e["lat"], e["lon"])
                            for e in self.names.entities("place") if e.get("lat") is not None]
        best = None
        # a box around the point that holds every place within `limit` km (a degree of longitude
        # shrinks with the cosine of the latitude: 0.1 degrees is under 5 km north of 63 degrees)
        dlat = limit / 110.5 + 0.01
        dlon = min(360.0, dlat / max(math.cos(math.radians(min(abs(lat), 89.9))), 1e-6))
        for pid, plat, plon in self._points:
            if abs(plat - lat) > dlat or min(abs(plon - lon), 360 - abs(plon - lon)) > dlon:
                continue
            d = km(lat, lon, plat, plon)
            if d <= limit and (best is None or d < best[0]):
                best = (d, pid)
        return best[1] if best else None

    def _plan_place(self, event: Event, parent: str | None) -> str:
        try:
            governorate = self.names.governorate(event.admin1, "admin1") if event.admin1 else None
        except DomainError:
            governorate = None
        attrs = dict(lat=event.lat, lon=event.lon, governorate=governorate, parent=parent,
                     place_kind="district" if parent else "town",
                     source=f"ACLED {event.event_id} (geo_precision {event.geo_precision or '?'})")
        name = event.location
        # a name that belongs to a place far away (villages share names) is qualified
        for candidate in (name, f"{name} ({event.admin1 or event.event_id})",
                          f"{name} ({event.event_id})"):
            if not self._taken("place", [candidate]):
                name = candidate
                break
        else:
            raise DomainError(f"location {event.location!r} cannot be told apart from known places")
        found = self._plan("place", name, [], attrs)
        if self._points is None:
            self._nearest(event.lat, event.lon, 0)
        assert self._points is not None
        self._points.append((found, event.lat, event.lon))
        return found

    # ---- registering --------------------------------------------------------------------------------
    def _taken(self, kind: str, names: list[str]) -> bool:
        return bool(self.names.known(kind, names)) or any(
            (kind, name_key(n)) in self._planned_keys for n in names)

    def _plan(self, kind: str, name: str, aliases: list[str], attrs: dict[str, Any]) -> str:
        base = slugify(name) or kind
        slug, n = base, 2
        while slug in self._planned or self.names.entity(kind, slug) is not None:
            slug, n = f"{base}-{n}", n + 1
        self._planned[slug] = (kind, name, aliases, attrs)
        for n_ in (name, *aliases):
            self._planned_keys[(kind, name_key(n_))] = slug
        return slug

    def _keep_planned(self, claims: list[dict[str, Any]]) -> None:
        """Forget the planned places and factions that no accepted claim names (nor is the parent
        of one that is kept)."""
        used = {v for claim in claims for f in ENTITY_FIELDS
                for v in (claim.get(f) if isinstance(claim.get(f), list) else [claim.get(f)])}
        keep: set[str] = set()
        todo = [v for v in used if v in self._planned]
        while todo:
            slug = todo.pop()
            if slug not in keep:
                keep.add(slug)
                parent = self._planned[slug][3].get("parent")
                if parent in self._planned:
                    todo.append(parent)
        self._planned = {k: v for k, v in self._planned.items() if k in keep}
        self._planned_keys = {k: v for k, v in self._planned_keys.items() if v in keep}

    def _register_planned(self) -> None:
        """Registers the planned places and factions, all in one transaction (factions first,
        then places, districts after their cities). If another writer registered one of them
        meanwhile, one at a time, taking over the entity that now holds the name."""
        if not self._planned:
            return
        order = sorted(self._planned.items(), key=lambda item: (
            item[1][0] != "faction", bool(item[1][3].get("parent"))))
        events = [e for slug, (kind, name, aliases, attrs) in order
                  for e in ENTITY_CLASSES[kind].register(slug, name, aliases, **attrs).collect_events()]
        try:
            self.app._commit(events, None, {}, 201)
            return
        except IntegrityError:
            pass
        for slug, (kind, name, aliases, attrs) in order:
            attrs = dict(attrs)
            if attrs.get("parent") in self._remap:
                attrs["parent"] = self._remap[attrs["parent"]]
            try:
                self.app.register(kind, name, aliases, slug=slug, **attrs)
            except Conflict:
                ids = self.names.lookup(kind, name)
                if len(ids) != 1:
                    raise
                self._remap[slug] = ids[0]

    def _remapped(self, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self._remapped_one(claim) for claim in claims]

    def _remapped_one(self, claim: dict[str, Any]) -> dict[str, Any]:
        if not self._remap:
            return claim
        out = dict(claim)
        for field_name in ENTITY_FIELDS[:-2]:
            if out.get(field_name) in self._remap:
                out[field_name] = self._remap[out[field_name]]
        for list_field in ("factions", "actors"):
            if out.get(list_field):
                out[list_field] = [self._remap.get(f, f) for f in out[list_field]]
        return out

    # ---- saving -----------------------------------------------------------------------------------
    def _save(self, reports: list[tuple[list[Any], str]], outcome: Outcome,
              idempotency: dict[str, Any] | None) -> tuple[int | None, dict[str, Any] | None]:
        """Files the reports; (the position of the last event appended, if any; the
        Idempotency-Key's lease if it is not yet completed with the events)."""
        appended: int | None = None
        chunks = [reports[i:i + CHUNK] for i in range(0, len(reports), CHUNK)]
        for n, chunk in enumerate(chunks):
            last = n == len(chunks) - 1
            events = [e for report, _ in chunk for e in report]
            try:
                # (the key's stored answer takes the position of the last event, as below)
                positions = self.app._commit(events, idempotency if last else None,
                                             outcome.answer(None), 200)
                appended = max(positions)
                if last:
                    idempotency = None
            except IntegrityError:
                # Another import wrote some of these reports meanwhile: save one at a time and
                # count the ones already there as unchanged.
                for report, kind in chunk:
                    try:
                        appended = max(self.app._commit(report, None, {}, 200))
                    except IntegrityError:
                        setattr(outcome, kind, getattr(outcome, kind) - 1)
                        outcome.unchanged += 1
        return appended, idempotency


def import_csv(app: Any, text: str, progress: Callable[[int], Any] | None = None,
               idempotency: dict[str, Any] | None = None, filed_by: str | None = None
               ) -> dict[str, Any]:
    """`{imported, unchanged, corrected, rejected: [{line, reason}], position}`; `filed_by`: the
    label of the token that imports (API.md v2), recorded with each report."""
    return Importer(app, filed_by).run(text, progress=progress, idempotency=idempotency)


# ---- helpers --------------------------------------------------------------------------------------

def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _split_abbreviation(name: str) -> tuple[str | None, str | None]:
    """ACLED writes some actors as "SDF: Syrian Democratic Forces"."""
    m = re.fullmatch(r"([A-Z0-9][\w\-/&.]{0,15}):\s*(.+)", name)
    return (m.group(1), m.group(2).strip()) if m else (None, None)


def _actor_candidates(name: str) -> list[str]:
    out = [name]
    unit = re.fullmatch(r"(.+?\(\d{4}-(?:\d{4})?\))\s+(.+)", name)
    if unit:  # "Military Forces of Syria (2000-2024) Republican Guard": the unit, then the force
        out += [unit.group(2), unit.group(1)]
    abbreviation, full = _split_abbreviation(name)
    if full:
        out += [full, abbreviation]  # type: ignore[list-item]
    for text in list(out):
        # "Islamic State (Syria)" -> "Islamic State"; a period such as "(2000-2024)" is kept,
        # since ACLED uses it to tell governments apart.
        stripped = re.sub(r"\s*\(([^()\d]*)\)\s*$", "", text)
        if stripped and stripped != text:
            out.append(stripped)
    return list(dict.fromkeys(out))


def _civilians(actor: str) -> bool:
    """ACLED's victims category ("Civilians (Syria)"): not a faction; the event targets them."""
    return actor.casefold().startswith("civilians")


def _summary(event: Event) -> str:
    what = event.sub_event_type or event.event_type
    if event.notes:
        return event.notes[:20_000]
    actors = " and ".join(a for a in (event.actor1, event.actor2) if a)
    if not event.location:
        return f"{what} ({actors})."
    return f"{what} in {event.location} ({actors})."


def _body(event: Event) -> str:
    facts = [f"ACLED event {event.event_id}", f"{event.event_type} / {event.sub_event_type}"
             if event.sub_event_type else event.event_type,
             f"actor1: {event.actor1}"]
    if event.assoc_actor_1:
        facts.append(f"assoc_actor_1: {event.assoc_actor_1}")
    if event.actor2:
        facts.append(f"actor2: {event.actor2}")
    if event.location:  # a dissolution's row names no place
        facts.append(f"location: {event.location}, {event.admin1} ({event.lat}, {event.lon}; "
                     f"geo_precision {event.geo_precision or '?'})")
    if event.fatalities is not None:
        facts.append(f"fatalities: {event.fatalities}")
    if event.source:
        facts.append(f"source: {event.source} ({event.source_scale or 'scale unknown'})")
    text = "; ".join(facts) + "."
    if event.notes:
        text = event.notes + "\n\n" + text
    return text[:200_000]


def _reason(error: DomainError) -> str:
    if error.errors:
        parts = []
        for path, messages in error.errors.items():
            msgs = messages if isinstance(messages, list) else [messages]
            parts.append(f"{path}: {msgs[0]}")
        return "; ".join(parts)[:500]
    return error.detail[:500]
