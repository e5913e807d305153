"""Death tolls: `GET /casualties` (API.md v2), each event counted once by its latest counted
claim, as known at `known_at` and published by `published_by`."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from timeline.readmodel import casualties
from timeline.domainmodel import DomainError, db_time

from .auth import check_reads
from .pagination import decode_cursor, encode_cursor, invalid_cursor, link_next
from .schemas import CONFIDENCE_DESCRIPTION, At, Confidence, KnownAt, ListArgs, ValidFrom, ValidTo

blp = Blueprint("casualties", __name__, description="Death tolls of events, as known at a time")


class CasualtiesArgs(ListArgs):
    from_ = ValidFrom("2024-11-27T00:00:00Z")
    to = ValidTo("2024-12-09T00:00:00Z")
    city = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "place id or any known name; its districts are included"})
    governorate = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "governorate name or alias: the events at its places"})
    faction = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "faction id or any known name: events whose actors or factions name it "
                       "or one of its sub-factions"})
    known_at = KnownAt()
    published_by = At(metadata={
        "description": "only reports published at or before it count (RFC 3339 with offset)",
        "format": "date-time", "example": "2024-12-10T00:00:00Z"})
    min_confidence = Confidence("claims below it do not count (default `reported`): "
                                + CONFIDENCE_DESCRIPTION, load_default="reported")


class Deaths(Schema):
    best = fields.Integer()
    low = fields.Integer()
    high = fields.Integer()
    civilians = fields.Integer()


class CasualtyItem(Schema):
    event_key = fields.String(allow_none=True, metadata={
        "description": "null for a claim reported without one (an event alone)"})
    city = fields.String(allow_none=True, metadata={
        "description": "place id; null for an event given only as a point"})
    occurred_at = fields.String(metadata={"format": "date-time"})
    deaths = fields.Nested(Deaths)
    confidence = fields.String(metadata={"description": "of the claim that decides the toll"})
    claims = fields.List(fields.String(), metadata={
        "description": "the event's counted claims in record order; the last one decides"})


class CasualtiesPage(Schema):
    events = fields.Integer(metadata={"description": "events matching the filters (all pages)"})
    deaths = fields.Nested(Deaths, metadata={"description": "sums over every matching event"})
    items = fields.List(fields.Nested(CasualtyItem))
    next = fields.String(allow_none=True)


@blp.route("/casualties")
class Casualties(MethodView):
    @blp.arguments(CasualtiesArgs(), location="query")
    @blp.response(200, CasualtiesPage)
    def get(self, args):
        """Death tolls in [from, to): each event (claims sharing an `event_key`, or a claim
        without one) counted once by its latest counted claim in record order; `low`/`high`
        default to `best`, `civilians` to 0. Totals cover every matching event; items are
        paged. `from`/`to`, `city` and `governorate` judge an event by the claim that decides
        it (a revision that moves an event moves its count); `faction` keeps an event when any
        of its counted claims names the faction or a sub-faction. An event given only as a
        point (lat/lon, no city) counts in the totals but matches no `city=` or
        `governorate=`."""
        check_reads()
        body, headers = casualties_page(args)
        return body, 200, headers


def casualties_page(args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    app = current_app.extensions["timeline"]
    known_at, offset = args.get("known_at"), 0
    if args.get("cursor"):
        c = decode_cursor(args["cursor"], "o", "k")
        if not all(isinstance(c[n], int) and not isinstance(c[n], bool) and 0 <= c[n] < 2**62
                   for n in ("o", "k")):
            invalid_cursor()
        offset, known_at = c["o"], c["k"]  # a paged walk sees one snapshot of the log
    p = app.queries.point(known_at=known_at, min_confidence=args.get("min_confidence", "reported"))
    errors: dict[str, list[str]] = {}
    ids: dict[str, str | None] = {}
    for field, kind in (("city", "place"), ("faction", "faction"), ("governorate", None)):
        value = args.get(field)
        ids[field] = None
        if value:
            try:
                ids[field] = (app.names.governorate(value, field) if kind is None
                              else app.names.resolve(kind, value, field))
            except DomainError as e:
                errors.update(e.errors or {field: [e.detail]})
    if errors:
        raise DomainError("; ".join(f"{k}: {v[0]}" for k, v in errors.items()), errors)
    start = db_time(args["from_"]) if args.get("from_") else None
    end = db_time(args["to"]) if args.get("to") else None
    published_by = db_time(args["published_by"]) if args.get("published_by") else None
    answer = casualties.casualties(app, p, start=start, end=end, city=ids["city"],
                                   governorate=ids["governorate"], faction=ids["faction"],
                                   published_by=published_by)
    items = answer["items"]
    limit = args["limit"]
    page = [{k: v for k, v in item.items() if k != "_sort"} for item in items[offset:offset + limit]]
    nxt = encode_cursor({"o": offset + limit, "k": p.k}) if offset + limit < len(items) else None
    body = {"events": answer["events"], "deaths": answer["deaths"], "items": page, "next": nxt}
    return body, link_next(nxt)
