"""marshmallow schemas of reports and their claims: what POST /reports takes, what the report and
claim routes and /timeline answer, and the claim types' part of /openapi.json."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from timeline.claims import FIELDS, MAX_CLAIMS, MAX_SHORT, MAX_TEXT
from timeline.codebook import EVENT_TYPES, MAX_DEATHS, MAX_KEY
from timeline.domainmodel import PRECISIONS
from timeline.vocabulary import CLAIM_TYPES, LEADER_STATUSES

from .schemas import CONFIDENCE_DESCRIPTION, Confidence, StrictSchema, Timestamp


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


class ClaimIn(StrictSchema):
    """A claim; which fields are required depends on `type` (see API.md)."""

    type = fields.String(required=True, validate=validate.OneOf(CLAIM_TYPES))
    occurred_at = Timestamp(metadata={"description": "valid time; optional for retract/confirm"})
    confidence = Confidence(CONFIDENCE_DESCRIPTION + "; default `reported`")
    precision = fields.String(validate=validate.OneOf(PRECISIONS))
    summary = fields.String(validate=validate.Length(max=MAX_TEXT), allow_none=True)
    city = fields.String(validate=_entity, metadata={"description": "place id or any known name"})
    place = fields.String(validate=_entity, metadata={"description": "a district (place id or name)"})
    faction = fields.String(validate=_entity)
    from_faction = fields.String(validate=_entity)
    # two or more for a clash (the domain checks it), one or more for a casualties claim
    factions = fields.List(fields.String(validate=_entity), validate=validate.Length(min=1, max=20))
    toward = fields.String(validate=_entity)
    governorate = fields.String(validate=_entity)
    captured_count = fields.Integer(strict=True, validate=validate.Range(min=0, max=100_000))
    leader = fields.String(validate=_entity)
    status = fields.String(validate=validate.OneOf(LEADER_STATUSES))
    location = fields.String(validate=validate.Length(min=1, max=MAX_SHORT))
    led_by = fields.String(validate=_entity)
    against = fields.String(validate=_entity)
    claim = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "a claim id"})
    reason = fields.String(validate=validate.Length(min=1, max=MAX_SHORT))
    text = fields.String(validate=validate.Length(min=1, max=MAX_TEXT))
    # v2: events, tolls, linked reports, geo precision (API.md, Vocabulary)
    event_type = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "ACLED event type", "enum": list(EVENT_TYPES)})
    sub_event_type = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "ACLED sub-event type, of the event type",
        "enum": [s for subs in EVENT_TYPES.values() for s in subs]})
    lat = fields.Float(allow_nan=False, validate=validate.Range(min=-90, max=90),
                       metadata={"description": "an event's point, with lon, instead of a city"})
    lon = fields.Float(allow_nan=False, validate=validate.Range(min=-180, max=180))
    actors = fields.List(fields.String(validate=_entity), validate=validate.Length(min=1, max=20),
                         metadata={"description": "factions, first the one that acted"})
    civilian_targeting = fields.Boolean(truthy={True}, falsy={False})
    deaths = fields.Nested(DeathsIn)
    event_key = fields.String(validate=validate.Length(min=1, max=MAX_KEY), metadata={
        "description": "links the reports of one event (e.g. ACLED's event_id_cnty)"})
    geo_precision = fields.Integer(strict=True, validate=validate.OneOf([1, 2, 3]), metadata={
        "description": "1 the place itself (default), 2 near it, 3 only the region"})
    into = fields.String(validate=_entity, metadata={
        "description": "dissolve: the faction its places pass to (id or any known name)"})

    @validates_schema
    def fields_of_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        ctype = data.get("type")
        if ctype not in FIELDS:
            return
        required, optional = FIELDS[ctype]
        errors: dict[str, list[str]] = {}
        for field in required:
            if data.get(field) is None:
                errors[field] = [f"required for a {ctype} claim"]
        common = {"type", "occurred_at", "confidence", "precision", "summary",
                  "event_key", "geo_precision"}
        for field in set(data) - common - set(required) - set(optional):
            errors[field] = [f"not a field of a {ctype} claim"]
        if data.get("occurred_at") is None and ctype not in ("retract", "confirm"):
            errors["occurred_at"] = [f"required for a {ctype} claim"]
        if errors:
            raise ValidationError(errors)


class ReportIn(StrictSchema):
    source = fields.Nested(SourceIn, required=True)
    published_at = Timestamp(required=True)
    headline = fields.String(validate=validate.Length(max=MAX_SHORT * 2), allow_none=True)
    body = fields.String(validate=validate.Length(max=200_000), allow_none=True)
    language = fields.String(validate=validate.Length(max=35), allow_none=True)
    claims = fields.List(fields.Nested(ClaimIn), required=True,
                         validate=validate.Length(min=1, max=MAX_CLAIMS))


class ClaimOut(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String()
    type = fields.String()
    occurred_at = fields.String(allow_none=True)
    precision = fields.String()
    confidence = fields.String()
    summary = fields.String(allow_none=True)
    city = fields.String()
    place = fields.String()
    faction = fields.String()
    from_faction = fields.String()
    factions = fields.List(fields.String())
    toward = fields.String()
    governorate = fields.String()
    captured_count = fields.Integer()
    leader = fields.String()
    status = fields.String()
    location = fields.String()
    led_by = fields.String()
    against = fields.String()
    claim = fields.String()
    reason = fields.String()
    text = fields.String()
    event_type = fields.String()
    sub_event_type = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    actors = fields.List(fields.String())
    civilian_targeting = fields.Boolean()
    deaths = fields.Dict(keys=fields.String(), values=fields.Integer())
    event_key = fields.String()
    # API.md v2: every claim may carry geo_precision, default 1: answered for every claim
    geo_precision = fields.Integer(dump_default=1)
    into = fields.String()


class ReportCreated(Schema):
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
    target = fields.String(metadata={"description": "for retract/confirm: the claim corrected"})
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
    common = ["type", "occurred_at", "confidence", "precision", "summary", "event_key",
              "geo_precision"]
    variants = []
    for ctype, (required, optional) in FIELDS.items():
        names = [*common, *required, *optional]
        variant_properties = {name: dict(properties[name]) for name in names}
        variant_properties["type"] = {"type": "string", "enum": [ctype]}
        needed = ["type", *required]
        if ctype not in ("retract", "confirm"):
            needed.insert(1, "occurred_at")
        variants.append({"type": "object", "title": f"{ctype} claim", "properties": variant_properties,
                         "required": needed, "additionalProperties": False})
    base.clear()
    base.update({"description": "A claim; `type` says which fields it has (see API.md, Vocabulary). "
                                "Entities are given by id or any known name or alias.",
                 "oneOf": variants})
