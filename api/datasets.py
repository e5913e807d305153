"""Conflict datasets both ways (API.md v2): ACLED out (`GET /acled.csv`) and UCDP GED in
(`POST /imports/ucdp`). The ACLED import is api/interop.py's."""

from __future__ import annotations

from flask import Response, current_app, request, stream_with_context
from flask_smorest import Blueprint, abort
from marshmallow import Schema

from timeline.ingest import acled_export, ucdp
from timeline.domainmodel import db_time

from . import idempotency
from .auth import check_reads, requires
from .interop import CSV_TYPES, ImportResult
from .schemas import KnownAt, ValidFrom, ValidTo

blp = Blueprint("datasets", __name__, description="ACLED export and UCDP GED import")


class AcledCsvArgs(Schema):
    from_ = ValidFrom("2024-11-27T00:00:00Z")
    to = ValidTo("2024-12-31T00:00:00Z")
    known_at = KnownAt()


ACLED_CSV_DESCRIPTION = (
    "Counted claims in ACLED's export columns (event_id_cnty = event_key where given, else the "
    "claim's id), one row per event: the latest counted claim of each event_key (a territory "
    "change's control claim travels in its event's row as its sub-event type), and one row per "
    "claim without a key. Extra columns after ACLED's: " + ", ".join(acled_export.COLUMNS[16:])
    + ". `event_date` is a date when the claim is dated noon UTC, else the RFC 3339 time. "
    "Importing the file (POST /imports/acled) into an empty store with the same reference data "
    "gives the same state and casualty answers.")


@blp.route("/acled.csv", methods=["GET"])
@blp.arguments(AcledCsvArgs(), location="query")
@blp.doc(responses={"200": {"description": ACLED_CSV_DESCRIPTION, "content": {"text/csv": {
    "schema": {"type": "string"},
    "example": ",".join(acled_export.COLUMNS) + "\r\n" + (
        "SYR131003,2024-12-02,1,Explosions/Remote violence,Air/drone strike,Russian Armed "
        "Forces,,Idlib,Idlib,35.9306,36.6339,1,Syrian Civil Defence,...,4,1733184000,"
        "Civilian targeting,4,4,4,reported\r\n")}}}})
@blp.response(200, content_type="text/csv", description=ACLED_CSV_DESCRIPTION)
def acled_csv(args):
    """Counted claims as an ACLED export, one row per event (API.md v2)."""
    check_reads()
    app = current_app.extensions["timeline"]
    p = app.queries.point(known_at=args.get("known_at"))
    rows = acled_export.rows(app, p, start=db_time(args["from_"]) if args.get("from_") else None,
                             end=db_time(args["to"]) if args.get("to") else None)
    response = Response(stream_with_context(acled_export.csv_text(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="acled.csv"'
    return response


@blp.route("/imports/ucdp", methods=["POST"])
@requires("writer")
@blp.doc(security=[{"bearer": []}], parameters=[idempotency.DOC_PARAMETER], requestBody={
    "required": True,
    "description": "A UCDP GED CSV (columns used: " + ", ".join(ucdp.COLUMNS) + "; other GED "
                   "columns are ignored).",
    "content": {"text/csv": {"schema": {"type": "string"}, "example": ucdp.EXAMPLE}}})
@blp.response(200, ImportResult)
def import_ucdp():
    """Import UCDP GED events: each row an `event` claim with `event_key` `ucdp:<id>`,
    `occurred_at` = `date_start` (precision from `date_prec`), `published_at` = `date_end` at
    23:59:59 UTC, at the registered place nearest its coordinates within 5 km (else a new place
    there), `geo_precision` from `where_prec`, actors from `side_a`/`side_b` (unknown ones
    registered as factions), deaths best/low/high/civilians, `source_article` as the source.
    Importing the same file again adds nothing; a row whose content changed is a correction."""
    if request.mimetype not in CSV_TYPES:
        abort(415, message="send the UCDP GED file as CSV: Content-Type: text/csv")
    try:
        text = request.get_data(cache=True).decode("utf-8-sig")
    except UnicodeDecodeError:
        abort(400, message="the body is not valid UTF-8 (save the GED file as UTF-8 CSV)")
    app = current_app.extensions["timeline"]
    return idempotency.run(lambda idem: ucdp.import_csv(app, text, idempotency=idem), status=200)


import_ucdp.body_type = "csv"  # type: ignore[attr-defined]  # the JSON body guard lets it through
