"""Interoperability: ACLED CSV in (`POST /imports/acled`), GeoJSON and CSV out (`/state.geojson`,
`/timeline.csv`), and an article turned into proposed claims (`POST /extract`, stores nothing)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request, stream_with_context
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from timeline.claims import MAX_SHORT
from timeline.ingest import acled, extract
from timeline.readmodel import export

from . import idempotency
from .auth import check_reads, requires, token_label, verified_digest
from .events import timeline_page
from .schemas import StateArgs, Timestamp
from .claim_schemas import SEED_EXAMPLE, ClaimIn, SourceIn, TimelineArgs

blp = Blueprint("interop", __name__, description="ACLED import, GeoJSON and CSV export, and "
                                                  "claims proposed from an article")

CSV_TYPES = ("text/csv", "application/csv", "text/plain")
ACLED_EXAMPLE = (
    "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,"
    "actor2,admin1,location,latitude,longitude,geo_precision,source,source_scale,notes,"
    "fatalities,timestamp\n"
    "SYR131001,2024-11-29,1,Battles,Non-state actor overtakes territory,Hayat Tahrir al-Sham,,"
    "Military Forces of Syria (2000-2024),Aleppo,Aleppo,36.2021,37.1343,1,Reuters,International,"
    "\"On 29 November 2024, HTS entered Aleppo city.\",12,1733011200\n")


# ---- schemas (specific to these routes) -----------------------------------------------------------

class Rejected(Schema):
    line = fields.Integer(metadata={"description": "line of the file where the row starts (header: 1)"})
    reason = fields.String()


class ImportResult(Schema):
    imported = fields.Integer(metadata={"description": "ACLED events filed for the first time"})
    unchanged = fields.Integer(metadata={"description": "events already imported in this version "
                                                        "(or an older one)"})
    corrected = fields.Integer(metadata={"description": "events whose ACLED `timestamp` changed: "
                                                        "the old claim retracted, the new one filed"})
    rejected = fields.List(fields.Nested(Rejected))
    position = fields.Integer(allow_none=True, metadata={
        "description": "log position after the import (use as `known_at=@position`)"})


class GeoJSONPoint(Schema):
    type = fields.String(metadata={"example": "Point"})
    coordinates = fields.List(fields.Float(), metadata={"description": "[longitude, latitude]"})


class PlaceProperties(Schema):
    id = fields.String()
    name = fields.String()
    controller = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "held, contested or unknown"})
    since = fields.String(allow_none=True)
    confidence = fields.String(allow_none=True)


class Feature(Schema):
    type = fields.String(metadata={"example": "Feature"})
    id = fields.String()
    geometry = fields.Nested(GeoJSONPoint)
    properties = fields.Nested(PlaceProperties)


class FeatureCollection(Schema):
    type = fields.String(metadata={"example": "FeatureCollection"})
    at = fields.String()
    known_at = fields.String(allow_none=True)
    position = fields.Integer()
    min_confidence = fields.String()
    features = fields.List(fields.Nested(Feature))


class TimelineCsvArgs(TimelineArgs):
    """`/timeline`'s filters. Without `limit` or `cursor` the whole timeline is exported."""

    bom = fields.Boolean(load_default=False, metadata={
        "description": "`1`: start with a UTF-8 byte-order mark (for spreadsheet programs)"})


class SourceField(fields.Field):
    """A source name, or `{name, url?, kind?}` as in `POST /reports`; optional, never null."""

    def __init__(self, **kwargs: Any):
        # The document says exactly what _deserialize takes: a name SourceIn would accept,
        # or SourceIn itself (the component POST /reports registers); null is refused.
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("oneOf", [
            {"type": "string", "minLength": 1, "maxLength": MAX_SHORT},
            {"$ref": "#/components/schemas/SourceIn"}])
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict):
            raise ValidationError("a source name, or {name, url?, kind?}")
        return SourceIn().load(value)


class ExtractIn(Schema):
    class Meta:
        unknown = RAISE

    # 60,000 characters (some 10,000 words) keeps any such body under the 1 MB request limit,
    # however it is escaped, so that too long a text is a 422 rather than a 413.
    text = fields.String(required=True, validate=validate.Length(min=1, max=60_000),
                         metadata={"description": "the article: headline, then paragraphs"})
    published_at = Timestamp(required=True, metadata={
        "description": "when the article was published; relative dates resolve against it"})
    source = SourceField(metadata={"description": "a source name or {name, url?, kind?}; when "
                                                  "given, `report` is a body ready for POST /reports"})

    @validates("text")
    def has_words(self, value: str, **kwargs: Any) -> None:
        if not value.strip():
            raise ValidationError("the text is blank")


class Unresolved(Schema):
    text = fields.String(metadata={"description": "the words in the article"})
    kind = fields.String(metadata={"description": "place, faction or leader: what the words "
                                                  "seemed to name"})
    reason = fields.String()
    sentence = fields.String()


class ProposedReport(Schema):
    """The fields of ReportIn that /extract fills in; `claims` may be empty."""

    source = fields.Nested(SourceIn)
    published_at = fields.String(metadata={"format": "date-time"})
    headline = fields.String()
    body = fields.String()
    claims = fields.List(fields.Nested(ClaimIn))


class Mentioned(Schema):
    text = fields.String(metadata={"description": "the words in the text"})
    kind = fields.String(metadata={"description": "place, faction, leader or governorate"})
    id = fields.String(allow_none=True, metadata={"description": "the entity (null: ambiguous "
                                                                 "or a governorate)"})


class DateFound(Schema):
    text = fields.String()
    occurred_at = fields.String(metadata={"format": "date-time"})
    precision = fields.String()


class ExtractOut(Schema):
    claims = fields.List(fields.Nested(ClaimIn), metadata={
        "description": "proposed claims, in exactly the shape POST /reports accepts (entities as ids)"})
    unresolved = fields.List(fields.Nested(Unresolved))
    headline = fields.String(allow_none=True)
    # A schema, not a Dict: its keys come out in one order, so that an Idempotency-Key replay
    # (read back from the store) is the original answer byte for byte.
    report = fields.Nested(ProposedReport, metadata={
        "description": "with `source`: a POST /reports body (once it has a claim)"})
    language = fields.String(metadata={
        "description": "the text's language as detected (BCP 47: `en`, `ar`, ...; `und` when "
                       "the text gives too little to tell)"})
    unsupported = fields.List(fields.String(), metadata={
        "description": "what the reader did not read (e.g. `claims in Arabic`); an answer "
                       "without claims always says why here"})
    mentions = fields.List(fields.Nested(Mentioned), metadata={
        "description": "the places, factions and leaders the text names, once each"})
    dates = fields.List(fields.Nested(DateFound), metadata={
        "description": "dates read in a text whose claims are not read (Arabic)"})


# ---- routes ---------------------------------------------------------------------------------------

# Rows of one ACLED import request (a real export's row is 300-600 bytes: 1 MB is ~3,000 rows).
# 1 MB of one-character lines would otherwise be 500,000 rows held in memory at once.
MAX_IMPORT_LINES = 20_000


@blp.route("/imports/acled", methods=["POST"])
@requires("writer")
@blp.doc(security=[{"bearer": []}], parameters=[idempotency.DOC_PARAMETER], requestBody={
    "required": True,
    "description": "An ACLED CSV export (columns of the ACLED codebook: event_id_cnty, event_date, "
                   "time_precision, event_type, sub_event_type, actor1, assoc_actor_1, actor2, "
                   "admin1, location, latitude, longitude, geo_precision, source, source_scale, "
                   "notes, fatalities, timestamp; other columns are ignored).",
    "content": {"text/csv": {"schema": {"type": "string"}, "example": ACLED_EXAMPLE}}})
@blp.response(200, ImportResult)
def import_acled():
    """Import an ACLED export: every row becomes an `event` claim (its type and sub-type,
    actors, `fatalities` as `deaths.best`, `event_id_cnty` as `event_key`, `geo_precision`);
    "Non-state actor overtakes territory", "Government regains territory" and "Non-violent
    transfer of territory" add a control claim, "Armed clash" a clash. A row's `published_at`
    is its `timestamp`; a date alone is that day at 12:00 UTC. Importing the same file again
    adds nothing; a row whose ACLED `timestamp` changed retracts the old claims and files the
    new ones. Rows that cannot be used
    are listed with their line number and reason; the others are imported. A body over the
    server's size limit (1 MB unless TIMELINE_MAX_BODY says otherwise) is a 413: import large
    exports with `timeline import acled FILE`."""
    if request.mimetype not in CSV_TYPES:
        abort(415, message="send the ACLED export as CSV: Content-Type: text/csv")
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        abort(400, message="the body is not valid UTF-8 (save the ACLED export as UTF-8 CSV)")
    lines = text.count("\n")
    if lines > MAX_IMPORT_LINES:  # a row is at least one line: this bounds the rows held at once
        abort(413, message=f"the CSV has {lines} lines, more than {MAX_IMPORT_LINES} per request: "
                           "split it, or import it with `timeline import acled FILE`",
              errors={"body": [f"at most {MAX_IMPORT_LINES} lines"]})
    app = current_app.extensions["timeline"]
    filed_by = token_label()
    return idempotency.run(lambda idem: acled.import_csv(app, text, idempotency=idem,
                                                         filed_by=filed_by), status=200)


import_acled.body_type = "csv"  # type: ignore[attr-defined]  # the JSON body guard lets it through


@blp.route("/state.geojson", methods=["GET"])
@blp.arguments(StateArgs(), location="query")
@blp.response(200, FeatureCollection, content_type=export.GEOJSON_TYPE, description=(
    "RFC 7946 FeatureCollection: one Point ([longitude, latitude]) per place, with its state at "
    "`at` as known at `known_at`. Opens in QGIS and web maps."))
def state_geojson(args):
    """Every place as a GeoJSON Point with `{id, name, controller, status, since, confidence}`."""
    check_reads()
    app = current_app.extensions["timeline"]
    point = app.queries.point(at=args.get("at"), known_at=args.get("known_at"),
                              min_confidence=args.get("min_confidence", "reported"),
                              contest_window=args.get("contest_window"),
                              published_by=args.get("published_by"))
    collection = export.state_features(app.queries, app.names, point)
    return Response(export.geojson_text(collection), mimetype=export.GEOJSON_TYPE)


CSV_DESCRIPTION = (
    "The `/timeline` items as CSV (RFC 4180), header row first, one row per claim; `changes` "
    "reads `place aleppo controller: syrian-arab-army -> hts`, several joined by `; `. Without "
    "`limit`/`cursor` every row is exported; with them, one page and a `Link` header.")


@blp.route("/timeline.csv", methods=["GET"])
@blp.arguments(TimelineCsvArgs(), location="query")
@blp.doc(responses={"200": {"description": CSV_DESCRIPTION, "content": {"text/csv": {
    "schema": {"type": "string"}, "example": (
        "at,claim,type,confidence,precision,counted,retracted,summary,changes,city,...\r\n"
        "2024-11-29T18:00:00Z,b387a88a-...,control,reported,day,true,false,HTS seized control "
        "of Aleppo,place aleppo controller: syrian-arab-army -> hts,aleppo,...\r\n")}}}})
@blp.response(200, content_type="text/csv", description=CSV_DESCRIPTION)
def timeline_csv(args):
    """The replayed timeline as CSV, with the same filters as `/timeline`."""
    check_reads()
    paged = "limit" in request.args or "cursor" in request.args
    body, _, headers = timeline_page(args)  # resolves the filters: a bad one is a 422 here

    def items():
        page = body
        while True:
            yield from page["items"]
            if paged or not page["next"]:
                return
            page = timeline_page(dict(args, cursor=page["next"], limit=1000))[0]

    response = Response(stream_with_context(export.timeline_csv(items(), bom=args.get("bom", False))),
                        mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="timeline.csv"'
    if paged:
        response.headers.update(headers)
    return response


@blp.route("/extract", methods=["POST"])
@blp.doc(parameters=[idempotency.DOC_PARAMETER])
@blp.arguments(ExtractIn(), example={"text": "HTS seized control of Aleppo on Friday night.",
                                   "published_at": SEED_EXAMPLE["published_at"],
                                   "source": "Example wire"})
@blp.response(200, ExtractOut)
def extract_claims(payload):
    """Propose claims from an article, for a person to review and file with POST /reports:
    places, factions and leaders found through the gazetteer and aliases; control, clashes,
    advances (with counts), coups and leaders' whereabouts; hedged statements ("alleged",
    "reportedly", "unconfirmed", "rumours") proposed as `unconfirmed`; relative dates ("Friday
    night") resolved against `published_at`. Files nothing. Public unless
    TIMELINE_PUBLIC_READS=0 (then any token). With an `Idempotency-Key` and a valid token the
    answer (up to 64 KiB) is kept for the key and the request counts as a write for the rate
    limit; without a valid token nothing is kept (a retry recomputes the same answer)."""
    check_reads()
    app = current_app.extensions["timeline"]

    def propose(idem):
        answer = extract.propose(app, payload["text"], payload["published_at"],
                                 source=payload.get("source"))
        if idem:
            idempotency.keep_read_answer(idem, answer)
        return answer

    idempotency.check_key()
    if current_app.config.get("READ_ONLY") or verified_digest() is None:
        # Without a valid token this is a read and keeps nothing for its key (issue 15: made-up
        # bearers and keys filled the disk); a read-only instance may sit on a replica that
        # refuses writes. The answer depends only on the body and the gazetteer: a retry gets
        # it again anyway.
        return propose(None)
    return idempotency.run(propose, status=200)
