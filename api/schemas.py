"""marshmallow schemas: what the HTTP API accepts and answers (and what /openapi.json says)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from .quickload import QuickLoadSchema
from timeline.domainmodel import (
    CONFIDENCE_WORDS,
    confidence_of,
    parse_time,
)

# Registration examples, from the entities the seed article names.
ENTITY_EXAMPLES = {
    "cities": {"name": "Kafr Sousa", "aliases": ["Kfar Sousa", "كفر سوسة"], "lat": 33.4977,
               "lon": 36.2706, "governorate": "Damascus", "parent": "Damascus", "kind": "district"},
    "factions": {"name": "Syrian Republican Guard", "aliases": ["Republican Guard"],
                 "parent": "Syrian Arab Army"},
    "leaders": {"name": "Hassam Louka", "aliases": ["Hussam Louka"],
                "role": "Head of the general security directorate", "faction": "Syrian Arab Army"},
}


class Timestamp(fields.String):
    """RFC 3339 with an offset; kept as text (the domain parses and normalises it to UTC)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("format", "date-time")
        kwargs["metadata"].setdefault("example", "2024-11-29T21:00:00+03:00")
        super().__init__(validate=validate.Length(max=64), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parse_time(text)
        except (ValueError, TypeError) as e:
            raise ValidationError(f"{e}: give an RFC 3339 timestamp with an offset, "
                                  "e.g. 2024-11-29T21:00:00+02:00") from None
        return text


# RFC 3339 date-time with an offset (a space may stand for the T, as RFC 3339 allows; seconds
# required, as domainmodel.parse_time requires them): what the OpenAPI document says of `at`
# and `known_at`, and what the server checks before parsing.
TIME_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
                r"([Zz]|[+-][0-9]{2}:[0-9]{2})$")
KNOWN_AT_PATTERN = "^(@[0-9]{1,18}|" + TIME_PATTERN[1:-1] + ")$"
_TIME = re.compile(TIME_PATTERN)


def _rfc3339(text: str, hint: str) -> None:
    if not _TIME.fullmatch(text):
        try:  # parse_time's reason shows the expected form (naive; HH:MM:SS; years)
            parse_time(text)
        except (ValueError, TypeError) as e:
            raise ValidationError(f"{e}: {hint}") from None
        raise ValidationError(f"not an RFC 3339 timestamp with an offset: {hint}")


class KnownAt(fields.String):
    """`known_at`: a timestamp with an offset, or `@position`."""

    def __init__(self, **kwargs: Any):
        super().__init__(metadata={"description": "record time: RFC 3339 with offset, or @position",
                                   "example": "2024-12-01T00:00:00Z",
                                   "pattern": KNOWN_AT_PATTERN}, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text.startswith("@"):
            _rfc3339(text, "give e.g. 2024-12-01T00:00:00Z, or @position")
        if text.startswith("@"):
            if not re.fullmatch(r"@\d{1,18}", text):
                raise ValidationError("a log position is @ followed by digits, e.g. @1234")
            return int(text[1:])
        try:
            return parse_time(text)
        except (ValueError, TypeError) as e:
            raise ValidationError(f"{e}: give an RFC 3339 timestamp with an offset, or @position") from None


class At(fields.String):
    """A valid time in a query: RFC 3339 with an offset."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("format", "date-time")
        kwargs["metadata"].setdefault("pattern", TIME_PATTERN)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        _rfc3339(text, "give e.g. 2024-12-06T12:00:00Z")
        try:
            return parse_time(text)
        except (ValueError, TypeError) as e:
            raise ValidationError(f"{e}: give an RFC 3339 timestamp with an offset") from None


class Window(fields.String):
    """A duration: hours as a number (`72`), or `72h`, `3d`, `90m`."""

    PATTERN = r"^\s*[0-9]{1,6}[hdm]?\s*$"

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        m = re.fullmatch(r"(\d{1,6})([hdm]?)", text.strip())
        if not m:
            raise ValidationError("a duration such as 72h, 3d or 90m")
        n, unit = int(m.group(1)), m.group(2) or "h"
        return timedelta(**{{"h": "hours", "d": "days", "m": "minutes"}[unit]: n})


CONFIDENCE_DESCRIPTION = ("`confirmed` > `reported` > `unconfirmed`; `rumour`, `rumor`, `alleged` "
                          "and `unverified` are taken as `unconfirmed` (and answered as such)")


class Confidence(fields.String):
    """A confidence, or one of its synonyms, loaded as the confidence itself."""

    def __init__(self, description: str = CONFIDENCE_DESCRIPTION, **kwargs: Any):
        super().__init__(validate=validate.OneOf(CONFIDENCE_WORDS),
                         metadata={"description": description}, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        return confidence_of(super()._deserialize(value, attr, data, **kwargs))


class StrictSchema(QuickLoadSchema):
    """A request body: unknown fields are refused; a plainly valid body loads quickly."""

    class Meta:
        unknown = RAISE


class PublishedBy(At):
    """`published_by` (API.md v2, three clocks): RFC 3339 with an offset."""

    def __init__(self, **kwargs: Any):
        super().__init__(metadata={
            "format": "date-time", "example": "2024-11-30T22:00:00Z",
            "description": "only reports published at or before it count, corrections "
                           "included (combines with known_at)"}, **kwargs)


STALE_DESCRIPTION = ("a duration like contest_window (30d default, 72h, 90m; a bare number is "
                     "hours): `stale` is true when `at` is more than this after the last evidence")


class StateArgs(Schema):
    at = At(metadata={"description": "valid time (default now)", "example": "2024-12-06T12:00:00Z"})
    known_at = KnownAt()
    min_confidence = Confidence("claims below it do not count (default `reported`): "
                                + CONFIDENCE_DESCRIPTION, load_default="reported")
    contest_window = Window(metadata={"description": "e.g. 72h (default), 3d, 90m",
                                      "pattern": Window.PATTERN})
    published_by = PublishedBy()
    stale_after = Window(metadata={"description": STALE_DESCRIPTION, "pattern": Window.PATTERN,
                                   "example": "30d"})


class Evidence(Schema):
    """One claim of a stretch (API.md v2)."""

    claim = fields.String()
    report = fields.String(allow_none=True)
    source = fields.Dict(allow_none=True, metadata={"description": "the report's source object"})
    origin = fields.String(allow_none=True, metadata={
        "description": "the source's `via` if given, else its `name`"})
    published_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    occurred_at = fields.String(metadata={"format": "date-time"})
    confidence = fields.String()


class Dissent(Evidence):
    """A counted claim naming another controller (status) that lost the tie of its instant."""

    controller = fields.String(metadata={"description": "for a place: the faction it named"})
    status = fields.String(metadata={"description": "for a leader: the status it named"})


class Lapsed(Schema):
    faction = fields.String(metadata={"description": "the dissolved faction that held it"})
    claim = fields.String(metadata={"description": "the dissolve claim"})


class Judged(Schema):
    """The fields of an answer built from the evidence (API.md v2), shared by places and
    leaders, in /state as on their own routes."""

    corroboration = fields.Integer(metadata={
        "description": "distinct origins among the stretch's claims"})
    disputed = fields.Boolean(metadata={"description": "whether `dissent` has any claim"})
    last_evidence_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "the latest occurred_at among the evidence"})
    stale = fields.Boolean(metadata={"description": "`at` is more than `stale_after` after "
                                                    "`last_evidence_at`"})


class StateItem(Judged):
    id = fields.String()
    name = fields.String()
    controller = fields.String(allow_none=True)
    status = fields.String()
    since = fields.String(allow_none=True, metadata={
        "description": "start of the current stretch: its earliest claim's occurred_at"})
    confidence = fields.String(allow_none=True, metadata={
        "description": "the highest confidence among the stretch's claims"})
    claims = fields.List(fields.String())
    lapsed = fields.Nested(Lapsed, metadata={
        "description": "only for a place whose holder was dissolved (status unknown)"})


class CityState(StateItem):
    evidence = fields.List(fields.Nested(Evidence), metadata={
        "description": "the stretch's claims in valid-time order"})
    dissent = fields.List(fields.Nested(Dissent))


class LeaderItem(Judged):
    id = fields.String()
    name = fields.String()
    status = fields.String(allow_none=True)
    location = fields.String(allow_none=True, metadata={"description": (
        "the `location` of a `leader_status` claim (free text), or for a `coup` the id of the "
        "city where it was led")})
    since = fields.String(allow_none=True)
    confidence = fields.String(allow_none=True)
    claims = fields.List(fields.String())


class LeaderState(LeaderItem):
    evidence = fields.List(fields.Nested(Evidence))
    dissent = fields.List(fields.Nested(Dissent))


class FactionState(Schema):
    id = fields.String()
    name = fields.String()
    parent = fields.String(allow_none=True)
    cities = fields.List(fields.String())
    leaders = fields.List(fields.String())


class WorldState(Schema):
    at = fields.String()
    known_at = fields.String(allow_none=True)
    position = fields.Integer()
    min_confidence = fields.String()
    published_by = fields.String(allow_none=True, metadata={"format": "date-time"})
    cities = fields.List(fields.Nested(StateItem))
    factions = fields.List(fields.Nested(FactionState))
    leaders = fields.List(fields.Nested(LeaderItem))


class HistoryItem(Schema):
    at = fields.String()
    controller = fields.String(allow_none=True)
    # "from" is a Python keyword
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    claim = fields.String()
    confidence = fields.String()


class History(Schema):
    id = fields.String()
    items = fields.List(fields.Nested(HistoryItem))


class EntityOut(Schema):
    id = fields.String()
    name = fields.String()
    aliases = fields.List(fields.String())
    lat = fields.Float()
    lon = fields.Float()
    governorate = fields.String(allow_none=True)
    parent = fields.String(allow_none=True)
    kind = fields.String()
    role = fields.String(allow_none=True)
    faction = fields.String(allow_none=True)
    source = fields.String(allow_none=True)


class PlaceIn(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                          validate=validate.Length(max=100), load_default=list)
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=-180, max=180))
    governorate = fields.String(validate=validate.Length(min=1, max=200), allow_none=True)
    parent = fields.String(validate=validate.Length(min=1, max=200), allow_none=True)
    kind = fields.String(validate=validate.OneOf(["city", "town", "village", "district", "site"]),
                         load_default="city")


class FactionIn(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                          validate=validate.Length(max=100), load_default=list)
    parent = fields.String(validate=validate.Length(min=1, max=200), allow_none=True)


class LeaderIn(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                          validate=validate.Length(max=100), load_default=list)
    role = fields.String(validate=validate.Length(min=1, max=200), allow_none=True)
    faction = fields.String(validate=validate.Length(min=1, max=200), allow_none=True)


class ListArgs(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    cursor = fields.String(validate=validate.Length(max=200))


class EntityListArgs(ListArgs):
    """`/factions`, `/leaders`."""

    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "any name or alias; best match first"})


class PlaceListArgs(EntityListArgs):
    """`/cities`: places can also be filtered by governorate."""

    governorate = fields.String(validate=validate.Length(max=200), metadata={
        "description": "governorate name or alias (e.g. `Aleppo`)"})


class EntityPage(Schema):
    items = fields.List(fields.Nested(EntityOut))
    next = fields.String(allow_none=True)


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


# ---- the log and the live stream (the replayed timeline's are in claim_schemas.py) --------------------------------------

class EventsArgs(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62),
                           metadata={"description": "log position to start after (0: the start)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    cursor = fields.String(validate=validate.Length(max=200), metadata={
        "description": "the `next` of the previous page (a log position: `after=` takes it too)",
        "pattern": "^[0-9]{1,18}$"})


class StreamArgs(Schema):
    after = fields.Integer(validate=validate.Range(min=0, max=2**62), metadata={
        "description": "log position to start after; default: the head of the log when the "
                       "stream opens (only new events). `Last-Event-ID` takes precedence."})


class StreamHeaders(Schema):
    # Checked by the view, so that a bad one is a 400 naming the header (not a webargs 422).
    last_event_id = fields.String(data_key="Last-Event-ID", metadata={
        "description": "resume after this log position (EventSource sends the last `id:` it "
                       "got when it reconnects); takes precedence over `after`",
        "pattern": "^[0-9]{1,18}$"})


class EventItem(Schema):
    position = fields.Integer()
    id = fields.String(metadata={"description": "`<stream>:<version>`, unique in the log"})
    type = fields.String(metadata={"description": "the event's stable topic",
                                   "example": "timeline.report.filed.v1"})
    recorded_at = fields.String()
    stream = fields.String(metadata={"description": "id of the aggregate the event belongs to"})
    version = fields.Integer()
    data = fields.Dict(metadata={"description": "the event's payload"})


class EventPage(Schema):
    items = fields.List(fields.Nested(EventItem))
    next = fields.String(allow_none=True)


def ValidFrom(example: str) -> At:
    """`from`: the start of a valid-time window (inclusive), as the list routes take it."""
    return At(data_key="from", metadata={"description": "earliest valid time (inclusive)",
                                         "format": "date-time", "example": example})


def ValidTo(example: str) -> At:
    """`to`: the end of a valid-time window (exclusive)."""
    return At(metadata={"description": "end of the valid-time window (exclusive)",
                        "format": "date-time", "example": example})
