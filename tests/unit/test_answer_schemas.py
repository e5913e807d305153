"""The quick dump of answers (api/quickdump.py) gives exactly marshmallow's own dump: the same keys,
in the same order, with the same values (or the same error), whatever the object."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, post_dump

from api import quickdump
from api.claim_schemas import ClaimOut, ClaimView, ReportCreated, TimelineItem

SCHEMAS = [ClaimOut, ClaimView, TimelineItem, ReportCreated]
NAMES = sorted({name for schema in SCHEMAS for name in schema().dump_fields} | {"bogus", "x"})
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=False),
                    st.text(max_size=6), st.sampled_from(["1", "2.5", "true", "Aleppo", ""]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3),
                   st.dictionaries(st.text(max_size=4), SCALARS, max_size=3))


def ordered(value: Any) -> str:
    """JSON text keeps the order of the keys: equal texts are equal answers, order included."""
    return json.dumps(value, default=repr)


def both(schema: Schema, obj: Any) -> tuple[Any, Any]:
    def outcome(dump: Any) -> Any:
        try:
            return "ok", ordered(dump(obj))
        except Exception as error:  # a value a field cannot convert: the same error both ways
            return "error", type(error).__name__

    def marshmallow_dump(o: Any) -> Any:  # the quick path off, for nested schemas too
        with mock.patch.object(quickdump.QuickDumpSchema, "dump", Schema.dump):
            return schema.dump(o)

    return outcome(schema.dump), outcome(marshmallow_dump)


@st.composite
def claim_answers(draw: Any) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(NAMES), max_size=12, unique=True))
    return {key: draw(VALUES) for key in draw(st.permutations(keys))}


@settings(max_examples=400, deadline=None)
@given(claim_answers())
def test_any_claim_answer_dumps_as_marshmallow_dumps_it(obj):
    for schema in (ClaimOut(), ClaimView(), TimelineItem()):
        quick, slow = both(schema, obj)
        assert quick == slow


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "id": VALUES, "position": st.one_of(st.none(), st.integers(0, 10**9)), "recorded_at": VALUES,
    "claims": st.lists(claim_answers(), max_size=4), "extra": VALUES}))
def test_any_report_answer_dumps_as_marshmallow_dumps_it(obj):
    quick, slow = both(ReportCreated(), obj)
    assert quick == slow


def test_a_claim_answer_takes_the_quick_path_with_its_default_and_its_order():
    schema = ClaimOut()
    obj = {"summary": None, "city": "aleppo", "type": "control", "id": "c1", "unknown": 1}
    dumped = schema.dump(obj)
    assert callable(schema.__dict__["_quick_dump_plan"])
    assert list(dumped) == [k for k in schema.dump_fields if k in dumped]
    assert dumped["geo_precision"] == 1 and "unknown" not in dumped
    assert ordered(dumped) == ordered(Schema.dump(schema, obj))


def test_a_schema_the_quick_path_cannot_vouch_for_is_dumped_by_marshmallow():
    class Hooked(quickdump.QuickDumpSchema):
        a = fields.String()

        @post_dump
        def mark(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            return {**data, "hooked": True}

    class Dotted(quickdump.QuickDumpSchema):
        a = fields.String(attribute="x.y")

    class DictName(quickdump.QuickDumpSchema):
        items = fields.String()

    hooked, dotted, dict_name = Hooked(), Dotted(), DictName()
    assert hooked.dump({"a": 1}) == {"a": "1", "hooked": True}
    assert dotted.dump({"x": {"y": 2}}) == {"a": "2"}
    assert dict_name.dump({})["items"].startswith("<built-in method items")
    for schema in (hooked, dotted, dict_name):
        assert schema.__dict__["_quick_dump_plan"] is None


@pytest.mark.parametrize("obj", [[{"id": "a"}], None, "text"])
def test_what_is_not_one_dict_is_dumped_by_marshmallow(obj):
    schema = ClaimOut()
    if obj is None or isinstance(obj, str):
        assert both(schema, obj)[0] == both(schema, obj)[1]
    else:
        assert schema.dump(obj, many=True) == Schema.dump(schema, obj, many=True)
