"""The quick load of request bodies (api/quickload.py) answers exactly as marshmallow's own load:
the same data for a valid body, the same errors for an invalid one, whatever the body."""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from api import quickload
from api.schemas import FactionIn, LeaderIn, PlaceIn
from api.claim_schemas import SEED_EXAMPLE, ClaimIn, ReportIn, SourceIn
from timeline.claims import FIELDS

TIMES = ["2024-12-01T10:00:00+02:00", "2024-12-01T10:00:00Z", "2024-12-01T10:00:00",
         "2024-02-30T00:00:00Z", "", "now", "x" * 70, "2024-12-01T10:00:00" + "0" * 60 + "Z"]
TEXTS = ["Aleppo", "HTS", "", " ", "a" * 501, "a" * 1001, "http://example.org/a", "not a url",
         "control", "clash", "note", "retract", "confirm", "advance", "leader_status", "coup",
         "reported", "rumour", "alleged", "unverified", "day", "active", "dead", "x" * 36]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 200_000), st.floats(allow_nan=False),
                    st.sampled_from(TIMES), st.sampled_from(TEXTS), st.text(max_size=8))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
CLAIM_FIELDS = ["type", "occurred_at", "confidence", "precision", "summary", "city", "place",
                "faction", "from_faction", "factions", "toward", "governorate", "captured_count",
                "leader", "status", "location", "led_by", "against", "claim", "reason", "text",
                "bogus"]
VALUES = st.one_of(SCALARS, st.lists(st.sampled_from(TEXTS), max_size=22), JSON)


@st.composite
def claims(draw: Any) -> Any:
    base = copy.deepcopy(draw(st.sampled_from(SEED_EXAMPLE["claims"])))
    changes = st.lists(st.sampled_from(CLAIM_FIELDS), min_size=1, max_size=3, unique=True)
    for name in draw(st.one_of(st.just([]), st.just([]), changes)):
        if draw(st.booleans()):
            base.pop(name, None)
        else:
            base[name] = draw(VALUES)
    return draw(st.one_of(st.just(base), st.just(base), st.just(base), st.just(base), JSON))


@st.composite
def reports(draw: Any) -> Any:
    body = copy.deepcopy(SEED_EXAMPLE)
    body["claims"] = draw(st.lists(claims(), min_size=1, max_size=3))
    changes = st.lists(st.sampled_from(
        ["source", "published_at", "headline", "body", "language", "claims", "verdict"]),
        min_size=1, max_size=2, unique=True)
    for name in draw(st.one_of(st.just([]), st.just([]), changes)):
        if draw(st.booleans()):
            body.pop(name, None)
        else:
            body[name] = draw(st.one_of(VALUES, st.fixed_dictionaries(
                {"name": st.sampled_from(TEXTS)},
                optional={"url": st.sampled_from([None, *TEXTS]), "kind": VALUES,
                          "x": st.just(1)})))
    return draw(st.one_of(st.just(body), st.just(body), st.just(body), st.just(body), JSON))


def no_quick_path(self: Any, data: Any) -> Any:
    raise quickload._Fallback


def marshmallow_load(schema: Schema, data: Any) -> Any:
    """marshmallow's own load: the quick path is off for the schema and every nested one."""
    with mock.patch.object(quickload.QuickLoadSchema, "_quick_load", no_quick_path):
        try:
            return "ok", schema.load(data)
        except ValidationError as error:
            return "invalid", error.messages


def quick_load(schema: Schema, data: Any) -> Any:
    try:
        return "ok", schema.load(data)
    except ValidationError as error:
        return "invalid", error.messages


def test_a_valid_report_takes_the_quick_path_and_loads_as_marshmallow_does():
    schema = ReportIn()
    body = copy.deepcopy(SEED_EXAMPLE)
    assert schema._quick_load(body) == marshmallow_load(ReportIn(), body)[1] == body


@settings(max_examples=200, deadline=None)
@given(reports())
def test_any_report_body_loads_exactly_as_marshmallow_loads_it(body):
    before = copy.deepcopy(body)
    assert quick_load(ReportIn(), body) == marshmallow_load(ReportIn(), body)
    assert body == before  # the body is not changed by loading it


ODD_VALUES = [None, True, 0, -1, 100_001, 1.5, "", " ", "a" * 501, "a" * 1001, "a" * 20_001,
              "not a url", "http://example.org/a", "2024-12-01T10:00:00", "2024-12-01T10:00:00Z",
              "HTS", [], ["HTS"], ["HTS", "SAA"], ["HTS"] * 21, [1, 2], {}, {"name": "x"}]


def test_every_field_of_a_valid_report_changed_to_odd_values_loads_as_marshmallow_does():
    schema = ReportIn()  # one instance for both loads, as the route has
    checked = 0
    for claim_type in ("control", "clash", "advance", "leader_status", "retract", "note"):
        claim = {"type": claim_type, "occurred_at": "2024-12-01T10:00:00Z", "city": "Aleppo",
                 "faction": "HTS", "factions": ["HTS", "SAA"], "leader": "Assad",
                 "status": "active", "claim": "c1", "reason": "denied", "text": "a note"}
        required, optional = FIELDS[claim_type]
        claim = {k: v for k, v in claim.items()
                 if k in ("type", "occurred_at") or k in required}
        for where in ("report", "source", "claim"):
            names = {"report": [*ReportIn().fields, "verdict"], "source": [*SourceIn().fields, "x"],
                     "claim": [*ClaimIn().fields, "bogus"]}[where]
            for name in names:
                for value in ODD_VALUES:
                    body = copy.deepcopy(SEED_EXAMPLE)
                    body["claims"] = [dict(claim)]
                    target = {"report": body, "source": body["source"],
                              "claim": body["claims"][0]}[where]
                    target[name] = value
                    assert quick_load(schema, body) == marshmallow_load(schema, body), \
                        (where, name, value)
                    checked += 1
    assert checked > 1000


@pytest.mark.parametrize("schema", [SourceIn, ClaimIn, PlaceIn, FactionIn, LeaderIn])
@settings(max_examples=60, deadline=None)
@given(body=st.one_of(claims(), st.dictionaries(st.sampled_from(
    ["name", "aliases", "lat", "lon", "governorate", "parent", "kind", "role", "faction", "url"]),
    VALUES, max_size=5)))
def test_other_request_bodies_load_exactly_as_marshmallow_loads_them(schema, body):
    assert quick_load(schema(), body) == marshmallow_load(schema(), body)


def test_a_schema_with_load_hooks_always_falls_back_to_marshmallow():
    from marshmallow import fields, pre_load

    class Hooked(quickload.QuickLoadSchema):
        name = fields.String()

        @pre_load
        def strip(self, data: Any, **kwargs: Any) -> Any:
            return {k: v.strip() for k, v in data.items()}

    assert Hooked().load({"name": " x "}) == {"name": "x"}


@pytest.mark.parametrize("word", ["rumour", "rumor", "alleged", "unverified"])
def test_a_synonym_of_unconfirmed_loads_as_unconfirmed_on_both_paths(word):
    claim = dict(SEED_EXAMPLE["claims"][0], confidence=word)
    assert ClaimIn().load(claim)["confidence"] == "unconfirmed"
    assert Schema.load(ClaimIn(), claim)["confidence"] == "unconfirmed"  # marshmallow's own load
    with pytest.raises(ValidationError):
        ClaimIn().load(dict(claim, confidence="gossip"))
