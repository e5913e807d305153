"""`at` and `known_at` in the OpenAPI document are exactly as precise as the server (issue 18
item 6): RFC 3339 with an offset (known_at: or `@position`), a pattern the server applies."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

SAMPLES = ["2024-12-06T12:00:00Z", "2024-12-06T12:00:00.25+03:00", "2024-12-06 12:00:00-05:00",
           "2024-12-06T12:00Z", "2024-12-06t12:00:00z", "2024-12-06T12:00:00", "2024-12-06",
           "2024-12-06T12:00:00+0300", "2024-12-06T12:00:00+03", "2024-12-06T12Z", "yesterday",
           "1733486400", "2024-12-06T12:00:00 Z"]


def parameters(client, path: str) -> dict[str, dict]:
    spec = client.get("/openapi.json").get_json()
    return {p["name"]: p["schema"] for p in spec["paths"][path]["get"]["parameters"]}


@pytest.mark.parametrize("path", ["/state", "/cities/{id}/state", "/timeline"])
def test_at_and_known_at_are_documented_with_their_format_and_pattern(client, path):
    params = parameters(client, path)
    if "at" in params:
        assert params["at"]["format"] == "date-time" and params["at"]["pattern"]
    assert "@" in params["known_at"]["pattern"]


def test_the_server_accepts_exactly_what_the_documented_patterns_match(client):
    params = parameters(client, "/state")
    at, known_at = re.compile(params["at"]["pattern"]), re.compile(params["known_at"]["pattern"])
    for text in SAMPLES:
        r = client.get(f"/state?at={quote(text)}")
        assert (r.status_code == 200) == bool(at.search(text)), (text, r.get_json())
        r = client.get(f"/state?known_at={quote(text)}")
        assert (r.status_code == 200) == bool(known_at.search(text)), (text, r.get_json())
        if r.status_code != 200:
            assert r.status_code == 422 and "known_at" in r.get_json()["errors"]
    for position in ["@0", "@12"]:
        assert client.get(f"/state?known_at={position}").status_code == 200
        assert known_at.search(position)
    assert not known_at.search("@x") and client.get("/state?known_at=@x").status_code == 422
