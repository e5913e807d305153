"""UCDP GED import (`POST /imports/ucdp`, `timeline import ucdp FILE`; API.md v2): each row of a
Georeferenced Event Dataset CSV becomes one report carrying one `event` claim, with `event_key`
`ucdp:<id>`. UCDP recodes events from later sources between releases: a row whose content
changed is a correction (the old claim retracted, the new one filed), never an edit; the same
row again adds nothing. Unknown actors and places are registered, as the ACLED import does
(timeline/ingest/acled.py, whose planning, registering and saving this reuses)."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any
from uuid import uuid5

from .acled import Importer
from .csv_rows import data_rows, open_csv
from .importer import Outcome, stored_versions
from ..claims import normalise_report
from ..storable import UNSTORABLE, unstorable
from ..domainmodel import NAMESPACE, DomainError, Report

DATASET = "ucdp"
COLUMNS = ("id", "date_start", "date_end", "date_prec", "side_a", "side_b", "where_prec",
           "latitude", "longitude", "adm_1", "best", "low", "high", "deaths_civilians",
           "source_article")
REQUIRED = ("id", "date_start", "date_end", "side_a", "latitude", "longitude", "best")
NEARBY_KM = 5.0
MAX_ROWS = 200_000
# GED codebook, date_prec: 1 the day, 2 within 2-6 days, 3 the week, 4 within 8-30 days or the
# month, 5 more than a month (our coarsest is a month).
PRECISIONS = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "month"}
# where_prec (1 exact location ... 7 only the country) to ACLED's geo_precision
GEO_PRECISION = {"1": 1, "2": 1, "3": 2, "4": 2, "5": 3, "6": 3, "7": 3}
# UCDP's names of the state forces that the seeded factions stand for.
UCDP_ACTORS = {
    "government of syria": "syrian-arab-army",
    "government of russia (soviet union)": "russian-armed-forces",
    "government of turkey": "turkish-armed-forces",
    "government of israel": "idf",
    "government of united states of america": "us-armed-forces",
}
EXAMPLE = (
    "id,date_start,date_end,date_prec,side_a,side_b,where_prec,latitude,longitude,adm_1,best,"
    "low,high,deaths_civilians,source_article\n"
    "900001,2024-12-02,2024-12-02,1,Government of Russia (Soviet Union),Civilians,1,35.9306,"
    "36.6339,Idlib governorate,4,4,6,4,\"Syrian Civil Defence, 2024-12-02\"\n")


class Row:
    """One usable GED row."""

    def __init__(self, line: int, values: dict[str, str]):
        self.line = line
        get = values.get
        missing = [c for c in REQUIRED if not get(c)]
        if missing:
            raise ValueError(f"empty {', '.join(missing)}")
        self.id = values["id"]
        if len(self.id) > 40 or not re.fullmatch(r"[\w.\-]+", self.id):
            raise ValueError(f"id {self.id[:40]!r} is not a GED event id")
        self.start, self.end = _day(values["date_start"], "date_start"), _day(values["date_end"], "date_end")
        if self.end < self.start:
            raise ValueError("date_end is before date_start")
        self.precision = PRECISIONS.get(get("date_prec") or "1")
        if self.precision is None:
            raise ValueError(f"date_prec {values['date_prec'][:10]!r} is not 1 to 5")
        self.geo_precision = GEO_PRECISION.get(get("where_prec") or "1")
        if self.geo_precision is None:
            raise ValueError(f"where_prec {values['where_prec'][:10]!r} is not 1 to 7")
        try:
            self.lat, self.lon = float(values["latitude"]), float(values["longitude"])
        except ValueError:
            raise ValueError("latitude/longitude are not numbers") from None
        if not (math.isfinite(self.lat) and math.isfinite(self.lon) and -90 <= self.lat <= 90
                and -180 <= self.lon <= 180):
            raise ValueError("latitude/longitude out of range")
        self.deaths: dict[str, int] = {}
        for column, key in (("best", "best"), ("low", "low"), ("high", "high"),
                            ("deaths_civilians", "civilians")):
            if get(column):
                try:
                    self.deaths[key] = int(values[column])
                except ValueError:
                    raise ValueError(f"{column} {values[column][:20]!r} is not a whole number") from None
        self.side_a, self.side_b = values["side_a"], get("side_b") or ""
        for name in ("side_a", "side_b", "adm_1"):
            if len(get(name) or "") > 200:
                raise ValueError(f"{name} is longer than 200 characters")
        self.adm_1 = get("adm_1") or ""
        self.source = get("source_article") or ""
        self.where = get("where_coordinates") or ""  # names a new place (GED's own name for it)
        where = unstorable({c: get(c) for c in (*COLUMNS, "where_coordinates")})
        if where is not None:
            raise ValueError(f"{where} {UNSTORABLE}")
        # what the claim is made of: a change in any of it is UCDP's recoding of the event
        self.version = hashlib.sha256("\x1f".join(get(c) or "" for c in COLUMNS).encode()
                                      ).hexdigest()[:20]


def _day(text: str, column: str) -> date:
    try:  # GED writes "2024-11-30" or "2024-11-30 00:00:00.000"
        return datetime.strptime(text.strip()[:10], "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{column} {text[:30]!r} is not a date (e.g. 2024-11-30)") from None


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line where the row starts, {column: value}) for each data row; a file without GED's
    required columns is refused as a whole (422)."""
    reader, header = open_csv(text, "the file is empty: send a UCDP GED CSV with its header row")
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        msg = (f"not a UCDP GED file: the header lacks {', '.join(missing)} "
               f"(columns used: {', '.join(COLUMNS)})")
        raise DomainError(msg, {"body": [msg]})
    return [(start, {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(header)})
            for start, values in data_rows(reader, MAX_ROWS)]


class UcdpImporter(Importer):
    def run(self, text: str, progress: Callable[[int], Any] | None = None,  # type: ignore[override]
            idempotency: dict[str, Any] | None = None) -> dict[str, Any]:
        outcome = Outcome()
        found = self._parse_rows(read_rows(text), Row, lambda r: r.id, outcome, progress)
        known = stored_versions(self.app, DATASET, [r.id for r in found])
        return self._file_records(
            found, known, outcome, progress, idempotency, key=lambda r: r.id,
            is_current=lambda r, previous: previous["version"] == r.version,
            claims_of=lambda r: [self._event_claim(r)],
            report_of=lambda r, claims, previous, names=None: self._ucdp_report(
                r, claims[0], previous, names))

    def _event_claim(self, row: Row) -> dict[str, Any]:
        against_civilians = row.side_b.casefold().startswith("civilians")
        actors = [self.actor(a) for a in (row.side_a, row.side_b)
                  if a and not a.casefold().startswith("civilians")]
        claim: dict[str, Any] = {
            "type": "event",
            "event_type": "Violence against civilians" if against_civilians else "Battles",
            "sub_event_type": "Attack" if against_civilians else "Armed clash",
            "city": self.ucdp_place(row), "occurred_at": row.start.isoformat() + "T12:00:00Z",
            "precision": row.precision, "confidence": "reported", "event_key": f"ucdp:{row.id}",
            "geo_precision": row.geo_precision, "civilian_targeting": against_civilians,
            "deaths": dict(row.deaths),
            "summary": f"UCDP GED event {row.id}: {row.side_a}"
                       + (f" - {row.side_b}" if row.side_b else "")
                       + f", {row.deaths.get('best', 0)} killed (best estimate).",
        }
        if actors:
            claim["actors"] = list(dict.fromkeys(actors))
        return claim

    def actor(self, name: str) -> str:
        table = UCDP_ACTORS.get(name.strip().casefold())
        if table and self.names.entity("faction", table):
            return table
        return super().actor(name)

    def ucdp_place(self, row: Row) -> str:
        """The registered place nearest the row's point within NEARBY_KM, else a new place."""
        key = (f"ucdp:{row.id}", round(row.lat, 4), round(row.lon, 4))
        cached = self._places.get(key) or self._nearest(row.lat, row.lon, NEARBY_KM)
        if cached is None:
            governorate = None
            for text in (row.adm_1, re.sub(r"\s+(governorate|province)$", "", row.adm_1, flags=re.I)):
                try:
                    governorate = self.names.governorate(text, "adm_1") if text else None
                    break
                except DomainError:
                    continue
            name = row.where.split("(")[0].strip() or f"UCDP {row.id}"
            for candidate in (name, f"{name} ({row.adm_1 or row.id})", f"{name} (UCDP {row.id})"):
                if not self._taken("place", [candidate]):
                    name = candidate
                    break
            else:
                raise DomainError(f"location {name!r} cannot be told apart from known places")
            cached = self._plan("place", name, [], dict(
                lat=row.lat, lon=row.lon, governorate=governorate, parent=None, place_kind="town",
                source=f"UCDP GED {row.id} (where_prec -> geo_precision {row.geo_precision})"))
            assert self._points is not None
            self._points.append((cached, row.lat, row.lon))
        self._places[key] = cached
        return cached

    def _ucdp_report(self, row: Row, claim: dict[str, Any], previous: dict[str, Any] | None,
                     names: Any = None) -> list[Any]:
        claims = []
        if previous is not None:
            for old in self._previous_claims(previous):
                claims.append({"type": "retract", "claim": old,
                               "reason": f"UCDP recoded GED event {row.id}"})
        index = len(claims)
        claims.append(claim)
        published = datetime.combine(row.end, datetime.min.time(), tzinfo=timezone.utc).replace(
            hour=23, minute=59, second=59)
        payload = {
            "source": {"name": (row.source or "UCDP GED")[:500], "kind": "dataset",
                       "url": "https://ucdp.uu.se/", "via": "UCDP GED"},
            "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "headline": f"UCDP GED {row.id}: {row.side_a}"[:1000]
                        + (f" - {row.side_b}"[:500] if row.side_b else ""),
            "body": None, "language": "en", "claims": claims,
        }
        fields = normalise_report(payload, names or self.names, self.app.queries)
        fields["source"]["ref"] = {"dataset": DATASET, "id": row.id, "version": row.version,
                                   "claim": index}
        report = Report.file(report_id=uuid5(NAMESPACE, f"ucdp:{row.id}:{row.version}"), **fields)
        return list(report.collect_events())


def import_csv(app: Any, text: str, progress: Callable[[int], Any] | None = None,
               idempotency: dict[str, Any] | None = None) -> dict[str, Any]:
    """`{imported, unchanged, corrected, rejected: [{line, reason}], position}`."""
    return UcdpImporter(app).run(text, progress=progress, idempotency=idempotency)
