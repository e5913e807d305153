"""marshmallow schemas of reports and their claims: what POST /reports takes, what the report and
claim routes and /timeline answer, and the claim types' part of /openapi.json."""

from __future__ import annotations

from typing import Any, Callable

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from timeline.claims import MAX_CLAIMS, MAX_SHORT, MAX_TEXT
from timeline.codebook import MAX_DEATHS, MAX_KEY
from timeline.domainmodel import PRECISIONS
from timeline.vocabulary import (BASE_FIELDS, CLAIM_TYPES, COMMON, CORRECTIONS, KINDS, NOTES, TYPES,
                                 field_kinds)

from .quickdump import QuickDumpSchema
from .schemas import (CONFIDENCE_DESCRIPTION, At, Confidence, KnownAt, ListArgs, PublishedBy,
                      StrictSchema, Timestamp)


SEED_EXAMPLE = {
    "source": {"name": "Seed article (unattributed news report, 30 Nov 2024)", "kind": "news"},
    "published_at": "2024-11-30T22:00:00Z",
    "headline": "Gunfire Erupts in Damascus Amid Alleged Coup Attempt as Rebel Forces Advance",
    "claims": [
        {"type": "control", "city": "Aleppo", "faction": "HTS", "from_faction": "Syrian Arab Army",
         "occurred_at": "2024-11-29T21:00:00+03:00", "precision": "day", "confidence": "reported",
         "summary": "HTS seized control of Aleppo on Friday night."},
        {"type": "coup", "city": "Damascus", "led_by": "Hassam Louka", "against": "Bashar al-Assad",
         "occurred_at": "2024-11-30T21:00:00+03:00", "precision": "hour",
         "confidence": "unconfirmed", "summary": "Alleged coup attempt in Damascus."},
    ],
}


class SourceIn(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=MAX_SHORT))
    url = fields.Url(validate=validate.Length(max=2000), allow_none=True)
    kind = fields.String(validate=validate.Length(max=100), allow_none=True)
    via = fields.String(validate=validate.Length(min=1, max=MAX_SHORT), allow_none=True,
                        metadata={"description": "the origin this source relays (e.g. Reuters); "
                                                 "a report's origin is `via` if given, else `name`"})


_entity = validate.Length(min=1, max=MAX_SHORT)


class DeathsIn(StrictSchema):
    """A death toll (API.md v2): UCDP's best/low/high convention; ACLED's `fatalities` is `best`."""

    best = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=MAX_DEATHS),
                          metadata={"description": "best estimate"})
    low = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_DEATHS),
                         metadata={"description": "lowest estimate (at most best; default best)"})
    high = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_DEATHS),
                          metadata={"description": "highest estimate (at least best; default best)"})
    civilians = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_DEATHS),
                               metadata={"description": "of them civilians (default 0)"})

    @validates_schema
    def ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = {}
        best = data.get("best")
        if best is not None and data.get("low") is not None and data["low"] > best:
            errors["low"] = ["must not be more than best"]
        if best is not None and data.get("high") is not None and data["high"] < best:
            errors["high"] = ["must not be less than best"]
        if errors:
            raise ValidationError(errors)


# A claim type field's request schema field, by its kind (vocabulary.KINDS).
_IN: dict[str, Callable[[], fields.Field]] = {
    "place": lambda: fields.String(validate=_entity),
    "faction": lambda: fields.String(validate=_entity),
    "leader": lambda: fields.String(validate=_entity),
    "governorate": lambda: fields.String(validate=_entity),
    # two or more for a clash, one or more for a casualties claim: the domain checks the least
    "faction*": lambda: fields.List(fields.String(validate=_entity),
                                    validate=validate.Length(min=1, max=20)),
    "faction+": lambda: fields.List(fields.String(validate=_entity),
                                    validate=validate.Length(min=1, max=20)),
    "count": lambda: fields.Integer(strict=True, validate=validate.Range(min=0, max=100_000)),
    "status": lambda: fields.String(validate=validate.OneOf(KINDS["status"].enum)),
    "short": lambda: fields.String(validate=validate.Length(min=1, max=MAX_SHORT)),
    "text": lambda: fields.String(validate=validate.Length(min=1, max=MAX_TEXT)),
    "claim": lambda: fields.String(validate=validate.Length(min=1, max=100)),
    # ACLED's spellings are taken in any case (codebook.py): the enum documents them
    "event_type": lambda: fields.String(validate=validate.Length(min=1, max=100), metadata={
        "enum": list(KINDS["event_type"].enum)}),
    "sub_event_type": lambda: fields.String(validate=validate.Length(min=1, max=100), metadata={
        "enum": list(KINDS["sub_event_type"].enum)}),
    "lat": lambda: fields.Float(allow_nan=False, validate=validate.Range(min=-90, max=90)),
    "lon": lambda: fields.Float(allow_nan=False, validate=validate.Range(min=-180, max=180)),
    "bool": lambda: fields.Boolean(truthy={True}, falsy={False}),
    "deaths": lambda: fields.Nested(DeathsIn),
    "event_key": lambda: fields.String(validate=validate.Length(min=1, max=MAX_KEY)),
    "geo_precision": lambda: fields.Integer(strict=True, validate=validate.OneOf(
        list(KINDS["geo_precision"].enum))),
}


def _noted(name: str, field: fields.Field) -> fields.Field:
    if NOTES.get(name):  # first, as the document has always listed it
        field.metadata = {"description": NOTES[name], **field.metadata}
    return field


# "retract/confirm": the types whose occurred_at is optional, those that correct a claim
_UNDATED = "/".join(t.name for t in TYPES.values() if not t.dated)
_CORRECTING = "/".join(t.name for t in TYPES.values() if t.effect and t.effect.kind in CORRECTIONS)


class _ClaimInCommon(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(CLAIM_TYPES))
    occurred_at = Timestamp(metadata={"description": f"valid time; optional for {_UNDATED}"})
    confidence = Confidence(CONFIDENCE_DESCRIPTION + "; default `reported`")
    precision = fields.String(validate=validate.OneOf(PRECISIONS))
    summary = fields.String(validate=validate.Length(max=MAX_TEXT), allow_none=True)

    @validates_schema
    def fields_of_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        ctype = data.get("type")
        if ctype not in TYPES:
            return
        errors: dict[str, list[str]] = {}
        for field in TYPES[ctype].fields:
            if field.required and data.get(field.name) is None:
                errors[field.name] = [f"required for a {ctype} claim"]
        allowed = {*BASE_FIELDS, *COMMON, *(f.name for f in TYPES[ctype].fields)}
        for name in set(data) - allowed:
            errors[name] = [f"not a field of a {ctype} claim"]
        if data.get("occurred_at") is None and TYPES[ctype].dated:
            errors["occurred_at"] = [f"required for a {ctype} claim"]
        if errors:
            raise ValidationError(errors)


# A claim: the common fields, then every claim type's (vocabulary.TYPES); which of them a claim
# may or must carry depends on `type` (fields_of_type, and the OpenAPI document's oneOf).
ClaimIn = type("ClaimIn", (_ClaimInCommon,), {
    "__doc__": "A claim; which fields are required depends on `type` (see API.md).",
    "__module__": __name__,
    **{name: _noted(name, _IN[kind]()) for name, kind in field_kinds().items()}})


class ReportIn(StrictSchema):
    source = fields.Nested(SourceIn, required=True)
    published_at = Timestamp(required=True)
    headline = fields.String(validate=validate.Length(max=MAX_SHORT * 2), allow_none=True)
    body = fields.String(validate=validate.Length(max=200_000), allow_none=True)
    language = fields.String(validate=validate.Length(max=35), allow_none=True)
    claims = fields.List(fields.Nested(ClaimIn), required=True,
                         validate=validate.Length(min=1, max=MAX_CLAIMS))


# A claim field in an answer, by its JSON type (vocabulary.KINDS).
_OUT: dict[str, Callable[[], fields.Field]] = {
    "string": fields.String, "integer": fields.Integer, "number": fields.Float,
    "boolean": fields.Boolean, "array": lambda: fields.List(fields.String()),
    "object": lambda: fields.Dict(keys=fields.String(), values=fields.Integer()),
}


# Answers dumped on every write (ReportCreated) and every claim listed: the quick path
# (api/quickdump.py) dumps a claim's few fields rather than asking all of ClaimOut's.
class _ClaimOutCommon(QuickDumpSchema):
    class Meta:
        unknown = RAISE

    id = fields.String()
    type = fields.String()
    occurred_at = fields.String(allow_none=True)
    precision = fields.String()
    confidence = fields.String()
    summary = fields.String(allow_none=True)


ClaimOut = type("ClaimOut", (_ClaimOutCommon,), {
    "__module__": __name__,
    **{name: _OUT[KINDS[kind].json]() for name, kind in field_kinds().items()},
    # API.md v2: every claim may carry geo_precision, default 1: answered for every claim
    "geo_precision": fields.Integer(dump_default=1)})


class ReportCreated(QuickDumpSchema):
    id = fields.String()
    position = fields.Integer()
    recorded_at = fields.String()
    claims = fields.List(fields.Nested(ClaimOut))


class ClaimView(ClaimOut):
    retracted = fields.Boolean()
    retracted_by = fields.String(allow_none=True)
    reinstated_by = fields.String(allow_none=True, metadata={
        "description": "the claim that retracted this claim's retraction (it counts again)"})
    confirmed_by = fields.String(allow_none=True)
    stated_confidence = fields.String()
    report = fields.Raw(metadata={"description": "report id, or {id, source, headline, published_at}"})
    position = fields.Integer()
    recorded_at = fields.String()


class ReportView(Schema):
    id = fields.String()
    source = fields.Dict()
    published_at = fields.String()
    headline = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    position = fields.Integer()
    recorded_at = fields.String()
    claims = fields.List(fields.Nested(ClaimView))
    draft = fields.String(metadata={"format": "uuid", "description": "the draft it was filed "
                                    "from (POST /drafts/{id}/accept), if any"})
    origin = fields.String(metadata={"description": "`source.via` if given, else `source.name`"})
    filed_by = fields.String(allow_none=True, metadata={
        "description": "the `--label` of the token that filed it (null: unlabelled or unknown)"})


class TimelineArgs(ListArgs):
    from_ = At(data_key="from", metadata={"description": "earliest valid time (inclusive)",
                                          "example": "2024-11-27T00:00:00Z"})
    to = At(metadata={"description": "latest valid time (inclusive)",
                      "example": "2024-12-31T00:00:00Z"})
    known_at = KnownAt()
    min_confidence = Confidence("claims below it are listed, with `counted: false` and no "
                                "changes (default `reported`): " + CONFIDENCE_DESCRIPTION,
                                load_default="reported")
    city = fields.String(validate=validate.Length(min=1, max=200),
                         metadata={"description": "place id or any known name"})
    faction = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "faction id or any known name; its sub-factions are included"})
    leader = fields.String(validate=validate.Length(min=1, max=200))
    source = fields.String(validate=validate.Length(min=1, max=MAX_SHORT), metadata={
        "description": "only claims of reports from this source (its name, matched whole, case- "
                       "and diacritics-insensitively)"})
    published_by = PublishedBy()


class Change(Schema):
    kind = fields.String(metadata={"description": "place, leader or claim"})
    id = fields.String()
    field = fields.String(metadata={"description": "controller, status, retracted or confidence"})
    from_ = fields.Raw(data_key="from", attribute="from", allow_none=True)
    to = fields.Raw(allow_none=True)


class TimelineItem(ClaimOut):
    at = fields.String(metadata={"description": "the claim's valid time (occurred_at)"})
    claim = fields.String(metadata={"description": "the claim's id"})
    changes = fields.List(fields.Nested(Change))
    retracted = fields.Boolean()
    counted = fields.Boolean()
    report = fields.String()
    position = fields.Integer()
    recorded_at = fields.String()
    target = fields.String(metadata={"description": f"for {_CORRECTING}: the claim corrected"})
    source = fields.Dict(metadata={"description": "the report's source `{name, url?, kind?, via?}`"})
    origin = fields.String(metadata={"description": "the report's origin (`via`, else `name`)"})
    published_at = fields.String(metadata={"format": "date-time",
                                           "description": "the report's publication time"})


class TimelinePage(Schema):
    at = fields.String(allow_none=True)
    known_at = fields.String(allow_none=True)
    position = fields.Integer()
    items = fields.List(fields.Nested(TimelineItem))
    next = fields.String(allow_none=True)


def document_claim_types(spec: Any) -> None:
    """In the OpenAPI document a claim is one of the claim types, each with exactly its own
    fields (marshmallow's ClaimIn checks the same rules in `fields_of_type`)."""
    base = spec.components.schemas.get("ClaimIn")
    if not base or "oneOf" in base:
        return
    properties = base["properties"]
    variants = []
    for ctype in TYPES.values():
        required = [f.name for f in ctype.fields if f.required]
        names = [*BASE_FIELDS, *COMMON, *required, *(f.name for f in ctype.fields if not f.required)]
        variant_properties = {name: dict(properties[name]) for name in names}
        variant_properties["type"] = {"type": "string", "enum": [ctype.name]}
        needed = ["type", *(["occurred_at"] if ctype.dated else []), *required]
        variants.append({"type": "object", "title": f"{ctype.name} claim",
                         "properties": variant_properties, "required": needed,
                         "additionalProperties": False})
    base.clear()
    base.update({"description": "A claim; `type` says which fields it has (see API.md, Vocabulary). "
                                "Entities are given by id or any known name or alias.",
                 "oneOf": variants})
