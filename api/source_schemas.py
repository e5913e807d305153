"""Schemas of the sources routes (API.md v2): `GET /reports`, `GET /sources`, `GET /changes`."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .claim_schemas import SourceIn
from .schemas import At, Confidence, CONFIDENCE_DESCRIPTION, KNOWN_AT_PATTERN, KnownAt, ListArgs

NAME = validate.Length(min=1, max=500)


class ReportListArgs(ListArgs):
    source = fields.String(validate=NAME, metadata={
        "description": "a source name, matched whole, case- and diacritics-insensitively"})
    origin = fields.String(validate=NAME, metadata={
        "description": "an origin (`source.via` if given, else `source.name`), matched whole, "
                       "case- and diacritics-insensitively"})
    from_ = At(data_key="from", metadata={
        "description": "earliest published_at (inclusive): RFC 3339 with an offset",
        "format": "date-time", "example": "2024-12-01T00:00:00Z"})
    to = At(metadata={"description": "published_at before it (exclusive): RFC 3339 with an offset",
                      "format": "date-time", "example": "2024-12-09T00:00:00Z"})
    filed_by = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "the `--label` of the token that filed the report"})


class ReportSummary(Schema):
    id = fields.String(required=True)
    source = fields.Nested(SourceIn, required=True)
    origin = fields.String(required=True, metadata={
        "description": "`source.via` if given, else `source.name`"})
    published_at = fields.String(required=True, metadata={"format": "date-time"})
    recorded_at = fields.String(required=True, metadata={"format": "date-time"})
    position = fields.Integer(required=True)
    filed_by = fields.String(required=True, allow_none=True, metadata={
        "description": "the `--label` of the token that filed it (null: unlabelled or unknown)"})
    headline = fields.String(required=True, allow_none=True)
    claims = fields.Integer(required=True, metadata={"description": "how many claims it carries"})


class ReportPage(Schema):
    items = fields.List(fields.Nested(ReportSummary), required=True)
    next = fields.String(required=True, allow_none=True)


class SourceSummary(Schema):
    origin = fields.String(required=True, metadata={"description": "the origin as first written"})
    names = fields.List(fields.String(), required=True, metadata={
        "description": "every distinct spelling of the source names that relayed it"})
    reports = fields.Integer(required=True)
    first_published = fields.String(required=True, metadata={"format": "date-time"})
    last_published = fields.String(required=True, metadata={"format": "date-time"})


class SourcePage(Schema):
    items = fields.List(fields.Nested(SourceSummary), required=True)
    next = fields.String(required=True, allow_none=True)


def _known(description: str, example: str) -> KnownAt:
    field = KnownAt()
    field.metadata = {**field.metadata, "description": description, "example": example,
                      "pattern": KNOWN_AT_PATTERN}
    return field


class ChangesArgs(Schema):
    from_known = _known("the earlier record time: RFC 3339 with an offset, or @position "
                        "(default @0, before anything was recorded)", "@356")
    to_known = _known("the later record time: RFC 3339 with an offset, or @position "
                      "(default now)", "2024-12-09T00:00:00Z")
    at = At(metadata={"description": "valid time whose view is compared (default now)",
                      "format": "date-time", "example": "2024-12-08T12:00:00Z"})
    min_confidence = Confidence("claims below it do not count (default `reported`): "
                                + CONFIDENCE_DESCRIPTION, load_default="reported")
    published_by = At(metadata={
        "description": "only reports published at or before it count (RFC 3339 with an offset)",
        "format": "date-time", "example": "2024-12-08T12:00:00Z"})


class Before(Schema):
    controller = fields.String(required=True, allow_none=True)
    status = fields.String(required=True)


class LeaderBefore(Schema):
    status = fields.String(required=True, allow_none=True)
    location = fields.String(required=True, allow_none=True)


class CityChange(Schema):
    id = fields.String(required=True)
    before = fields.Nested(Before, required=True)
    after = fields.Nested(Before, required=True)
    claims = fields.List(fields.String(), required=True)


class LeaderChange(Schema):
    id = fields.String(required=True)
    before = fields.Nested(LeaderBefore, required=True)
    after = fields.Nested(LeaderBefore, required=True)
    claims = fields.List(fields.String(), required=True)


class Changes(Schema):
    at = fields.String(required=True, metadata={"format": "date-time"})
    from_known = fields.String(required=True, metadata={"description": "as given: a timestamp (UTC) or @position"})
    to_known = fields.String(required=True, metadata={"description": "as given: a timestamp (UTC) or @position"})
    cities = fields.List(fields.Nested(CityChange), required=True)
    leaders = fields.List(fields.Nested(LeaderChange), required=True)
