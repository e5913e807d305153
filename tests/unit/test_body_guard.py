"""The body guard finds every string no store can keep (NUL, unpaired surrogates) with a look at
the JSON text first: a body whose text has no such escape skips the walk, and never wrongly."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from api.body_guard import _ESCAPED_BAD_TEXT
from timeline.storable import unstorable as _unstorable

TEXT = st.lists(st.one_of(st.characters(codec="utf-8"), st.sampled_from(
    ["\x00", "\ud800", "\udfff", "\ud83d\ude00", "\\", "u0000", "\\u0000", "\u0627"])),
    max_size=8).map("".join)
JSON = st.recursive(st.one_of(st.none(), st.integers(), TEXT), lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)), max_leaves=10)


@settings(max_examples=500, deadline=None)
@given(JSON, st.booleans())
def test_a_body_without_an_escaped_nul_or_surrogate_has_nothing_unstorable(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        text = text.encode("utf-8").decode("utf-8")  # what the guard gets: strict UTF-8
    except UnicodeEncodeError:
        return  # a raw lone surrogate cannot be sent as UTF-8 at all (the guard answers 400)
    parsed = json.loads(text)
    if _ESCAPED_BAD_TEXT.search(text) is None:
        assert _unstorable(parsed) is None


def test_escaped_nul_and_surrogates_are_found_with_their_path():
    for text, path in [('{"a": ["x", "b\\u0000"]}', "a.1"), ('{"k\\uD800": 1}', "k\ud800"),
                       ('["\\udfff"]', "0")]:
        assert _ESCAPED_BAD_TEXT.search(text)
        assert _unstorable(json.loads(text)) == path
