"""Fuzzing the write and read routes with hypothesis: mutated reports, random JSON, random bytes
and random query strings. No answer may be a 500; every 4xx is problem+json and writes nothing;
a 201 writes exactly what it says. TIMELINE_FUZZ_EXAMPLES raises the number of cases (the fast
profile in `make test` runs a few hundred per store)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import new_store_url

EXAMPLES = int(os.environ.get("TIMELINE_FUZZ_EXAMPLES", "120"))
CASES = {"count": 0}

TIMES = ["2024-12-01T10:00:00+02:00", "2024-12-01T10:00:00Z", "2024-12-01T10:00:00",
         "2024-02-30T00:00:00Z", "2024-12-01", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00Z",
         "2024-12-01T10:00:00.123456789Z", "2024-12-01t10:00:00z", "2024-W48", "", "now",
         "2024-12-01T24:00:00Z", "2024-12-01T10:00:00+24:00", "+002024-12-01T10:00:00Z"]
NAMES = ["Aleppo", "aleppo", "حلب", "Ḩamāh", "HTS", "hts", "Syrian Arab Army", "SAA",
         "Bashar al-Assad", "Assad", "Salakhed", "Atlantis", "", " ", "\u0000", "a" * 600,
         "x' OR '1'='1", "../../etc/passwd", "\ud83d\ude00", "Al-Bab", "4th Division"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=False), st.text(max_size=30),
                    st.sampled_from(TIMES), st.sampled_from(NAMES))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)
TYPES = ["control", "clash", "advance", "leader_status", "coup", "retract", "confirm", "note", "x"]
FIELDS = ["type", "city", "faction", "from_faction", "place", "factions", "toward", "governorate",
          "captured_count", "leader", "status", "location", "led_by", "against", "claim",
          "reason", "text", "occurred_at", "confidence", "precision", "summary", "bogus"]


@st.composite
def claims(draw: Any, targets: list[str]) -> dict[str, Any]:
    claim: dict[str, Any] = {"type": draw(st.sampled_from(TYPES)),
                             "occurred_at": draw(st.sampled_from(TIMES))}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=6, unique=True)):
        claim[name] = draw(st.one_of(
            st.sampled_from(NAMES), st.sampled_from(TIMES), st.sampled_from(targets),
            st.sampled_from(["confirmed", "reported", "unconfirmed", "rumour", "day", "exact",
                             "active", "dead", "leading_coup"]),
            st.lists(st.sampled_from(NAMES), max_size=4), JSON))
    if draw(st.booleans()):
        claim.pop(draw(st.sampled_from(sorted(claim))), None)
    return claim


@st.composite
def reports(draw: Any, targets: list[str]) -> Any:
    body: dict[str, Any] = {
        "source": draw(st.one_of(st.fixed_dictionaries({"name": st.sampled_from(NAMES)}), JSON)),
        "published_at": draw(st.sampled_from(TIMES)),
        "claims": draw(st.lists(claims(targets), min_size=0, max_size=4)),
    }
    for extra in draw(st.lists(st.sampled_from(["headline", "body", "language", "verdict"]),
                               max_size=2, unique=True)):
        body[extra] = draw(JSON)
    if draw(st.integers(0, 9)) == 0:
        body.pop(draw(st.sampled_from(sorted(body))))
    return draw(st.one_of(st.just(body), st.just(body), st.just(body), JSON))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fuzzed(request, tmp_path_factory):
    from api import create_app
    from tests.conftest import register_world
    from timeline.application import TimelineApplication

    url, cleanup = new_store_url(request.param, tmp_path_factory.mktemp("fuzz"))
    app = TimelineApplication(url)
    try:
        register_world(app)
        filed = app.file_report({"source": {"name": "Fuzz wire"},
                                 "published_at": "2024-12-01T00:00:00Z", "claims": [
            {"type": "control", "city": "Aleppo", "faction": "HTS", "occurred_at": TIMES[0]},
            {"type": "leader_status", "leader": "Assad", "status": "abroad",
             "occurred_at": TIMES[0]}]})
        targets = [c["id"] for c in filed["claims"]] + ["00000000-0000-0000-0000-000000000000"]
        client = create_app({"TIMELINE_APP": app, "TESTING": True,
                             "TIMELINE_RATE_LIMIT": "off", "SSE_LIFETIME": 0.05,
                             "SSE_POLL": 0.01}).test_client()
        token = app.create_token("writer")
        yield app, client, {"Authorization": f"Bearer {token}"}, targets
    finally:
        app.close()
        cleanup()
    print(f"fuzz cases so far: {CASES['count']}")


def check(app: Any, response: Any, head: int) -> None:
    CASES["count"] += 1
    status = response.status_code
    assert status < 500, response.get_data(as_text=True)[:500]
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["status"] == status and problem["detail"]
        assert app.head() == head, "a rejected request wrote to the log"
    elif status == 201 and response.mimetype == "application/json":
        body = response.get_json()
        if "position" in body:  # a report: its position is the last event it appended
            assert app.head() >= body["position"] > head


SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def test_fuzzed_reports_never_cause_a_500(fuzzed):
    app, client, auth, targets = fuzzed

    @SETTINGS
    @given(reports(targets))
    def post(body):
        head = app.head()
        check(app, client.post("/reports", data=json.dumps(body), headers={
            **auth, "Content-Type": "application/json"}), head)

    post()


def test_fuzzed_reference_data_never_causes_a_500(fuzzed):
    app, client, auth, _ = fuzzed
    route = st.sampled_from(["/cities", "/factions", "/leaders"])
    entity = st.dictionaries(st.sampled_from(["name", "aliases", "parent", "lat", "lon",
                                              "governorate", "role", "faction", "kind"]),
                             st.one_of(st.sampled_from(NAMES), JSON), max_size=6)

    @SETTINGS
    @given(route, st.one_of(entity, JSON))
    def post(path, body):
        head = app.head()
        check(app, client.post(path, data=json.dumps(body), headers={
            **auth, "Content-Type": "application/json"}), head)

    post()


def test_fuzzed_bytes_and_headers_never_cause_a_500(fuzzed):
    app, client, auth, _ = fuzzed

    @SETTINGS
    @given(st.binary(max_size=300),
           st.sampled_from(["application/json", "application/problem+json", "text/plain",
                            "application/json; charset=utf-16", "multipart/form-data", ""]),
           st.one_of(st.none(), st.text(max_size=40)))
    def post(raw, content_type, key):
        head = app.head()
        headers = {**auth, "Content-Type": content_type}
        if key is not None:
            headers["Idempotency-Key"] = key
        try:
            response = client.post("/reports", data=raw, headers=headers)
        except ValueError:  # werkzeug's test client refuses some header values outright
            return
        check(app, response, head)

    post()


def test_fuzzed_queries_never_cause_a_500(fuzzed):
    app, client, _, targets = fuzzed
    paths = st.sampled_from(["/state", "/cities/aleppo/state", "/cities/aleppo/history",
                             "/factions/hts/state", "/leaders/bashar-al-assad/state", "/events",
                             "/timeline", "/cities", "/factions", "/leaders",
                             f"/claims/{targets[0]}", "/reports/x", "/cities/%00/state",
                             "/events/stream"])
    params = st.dictionaries(
        st.sampled_from(["at", "known_at", "min_confidence", "contest_window", "limit", "cursor",
                         "after", "from", "to", "city", "faction", "leader", "q", "governorate"]),
        st.one_of(st.sampled_from(TIMES), st.sampled_from(NAMES), st.text(max_size=20),
                  st.sampled_from(["@0", "@-1", "@99999999999999999999", "0", "-5", "1001",
                                   "72h", "3d", "unconfirmed", "confirmed"])),
        max_size=4)

    @SETTINGS
    @given(paths, params)
    def get(path, query):
        head = app.head()
        try:
            response = client.get(path, query_string=query, headers={"Last-Event-ID": "x"}
                                  if path == "/events/stream" else {})
        except ValueError:
            return
        if path == "/events/stream" and response.status_code == 200:
            response.close()  # a stream: the status is what matters here
            CASES["count"] += 1
            return
        check(app, response, head)

    get()
