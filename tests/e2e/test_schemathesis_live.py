"""schemathesis against a real `timeline serve` (its own process, gunicorn workers, over TCP) on
both stores (issue 18 item 6): every check, a fixed seed, a bound on the examples so that both
stores add well under a minute to `make test` (TIMELINE_SCHEMATHESIS_LIVE_EXAMPLES raises it).

The cases come from the document the served process gives at /openapi.json (checked below to be
the one it serves). What no schema can express is listed in README ("What the OpenAPI document
cannot say"): those refusals are the statuses besides 2xx that the positive check accepts."""

from __future__ import annotations

import os
import subprocess
import tempfile

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import new_store_url
from tests.faults.crash import Server, http, timeline_cmd

MAX_EXAMPLES = int(os.environ.get("TIMELINE_SCHEMATHESIS_LIVE_EXAMPLES", "4"))

# A well-formed request the server may still refuse, and why no schema can say so in advance.
REFUSED_THOUGH_WELL_FORMED = {
    "401": "a token the service never issued, or one revoked",
    "403": "a token whose role does not allow the route",
    "404": "an id in the path that names nothing (a place, claim, report, draft)",
    "409": "a name already registered, a claim already retracted, a draft already decided, or "
           "an Idempotency-Key whose first request still runs",
    "422": "an unknown entity name in a body or filter, a cursor this service did not issue, a "
           "time outside the years 1000-9998 once in UTC, or an Idempotency-Key sent before "
           "with another body",
}
CONFIG = schemathesis.Config.from_dict({
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ["2xx", *REFUSED_THOUGH_WELL_FORMED]},
        # malformed requests: refused as the document says, or before any route reads them
        # (413: over the body limit; 405/406/415: method, Accept, Content-Type; 428: If-Match)
        "negative_data_rejection": {"expected-statuses": [
            "400", *REFUSED_THOUGH_WELL_FORMED, "405", "406", "413", "415", "428"]},
    },
    "generation": {"max-examples": MAX_EXAMPLES},
    # The coverage phase (every boundary case the document defines, whatever max-examples says:
    # minutes for the claim bodies) runs in-process in test_openapi_conformance; here the
    # examples and the fuzzing phase go through the real server's stack.
    "phases": {"coverage": {"enabled": False}},
})


def _document() -> dict:
    """The document as the app builds it (it does not depend on the store's content); the
    served one is compared with it below, so the cases are those of the running server."""
    from api import create_app

    flask_app = create_app({"DATABASE_URL": f"sqlite:///{tempfile.mkdtemp(prefix='live-')}/d.db",
                            "TESTING": True})
    try:
        return flask_app.test_client().get("/openapi.json").get_json()
    finally:
        flask_app.extensions["timeline"].close()


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
# No rate limit (the cases come fast); event streams end soon, so that a GET of one returns.
SERVED_ENV = {"TIMELINE_RATE_LIMIT": "off", "TIMELINE_SSE_LIFETIME_SECONDS": "0.2",
              "TIMELINE_SSE_POLL_SECONDS": "0.05"}


@pytest.fixture(scope="module", params=STORES)
def served(request, tmp_path_factory):
    """`timeline serve` over a fresh store holding a city, two factions and one report."""
    workdir = tmp_path_factory.mktemp("live")
    url, cleanup = new_store_url(request.param, workdir)
    env = dict(os.environ, TIMELINE_DATABASE_URL=url, **SERVED_ENV)
    created = subprocess.run([*timeline_cmd(), "token", "create", "--role", "writer"],
                             env=env, capture_output=True, text=True, check=True)
    server = Server(env, workdir, workers=2)
    server.token = created.stdout.split()[-1]
    server.start()
    try:
        for kind, body in [("cities", {"name": "Aleppo", "lat": 36.2, "lon": 37.16}),
                           ("factions", {"name": "Hayat Tahrir al-Sham", "aliases": ["HTS"]}),
                           ("factions", {"name": "Syrian Arab Army", "aliases": ["SAA"]}),
                           ("reports", {"source": {"name": "Test wire"}, "headline": "Aleppo",
                                        "published_at": "2024-11-30T12:00:00Z", "claims": [
                                            {"type": "control", "city": "Aleppo", "faction": "HTS",
                                             "occurred_at": "2024-11-29T21:00:00+03:00"}]})]:
            assert http(server.base, "POST", f"/{kind}", body, server.token).status == 201
        yield server
    finally:
        server.stop()
        cleanup()


def test_the_served_document_is_the_one_the_cases_come_from(served):
    answer = http(served.base, "GET", "/openapi.json")
    assert answer.status == 200 and answer.body == DOCUMENT


# 422 is an accepted answer to well-formed data (unknown names), so the checks above cannot see a
# document looser than the server; /extract's `source` is checked sample by sample instead.
SOURCES = ["Reuters", {"name": "Reuters"}, {"name": "Reuters", "kind": "news", "via": "AFP"},
           None, "", 5, [], {}, {"name": ""}, {"name": "Reuters", "extra": 1}, ["Reuters"],
           "x" * 501]


@pytest.mark.parametrize("route", ["/extract", "/drafts"])
def test_the_document_says_exactly_which_sources_the_server_takes(served, route):
    body_schema = DOCUMENT["paths"][route]["post"]["requestBody"]["content"]["application/json"]
    validator = jsonschema.Draft7Validator({**body_schema["schema"],
                                            "components": DOCUMENT["components"]})
    base = {"text": "HTS took Aleppo on Friday night.", "published_at": "2024-11-30T22:00:00Z"}
    for body in [base, *({**base, "source": source} for source in SOURCES)]:
        answer = http(served.base, "POST", route, body, served.token)
        assert answer.status in (200, 201, 422), (body, answer)
        assert (answer.status != 422) == validator.is_valid(body), (body, answer.body)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_served_api_conforms_to_its_openapi_document(case, served):
    case.call_and_validate(base_url=served.base, timeout=30,
                           headers={"Authorization": f"Bearer {served.token}"})
