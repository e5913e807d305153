"""schemathesis against the app's own OpenAPI document, in-process, on both stores: every check
it has, bounded so that the suite stays fast (TIMELINE_SCHEMATHESIS_EXAMPLES raises the bound)."""

from __future__ import annotations

import os
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import control, report

MAX_EXAMPLES = int(os.environ.get("TIMELINE_SCHEMATHESIS_EXAMPLES", "10"))

# A schema can say which requests are well formed, not which names exist: a well-formed report
# naming a city nobody knows is a 422 (API.md), and registering a known name is a 409.
CONFIG = {
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]},
        # ...and a body over the size limit is refused with 413 before anything reads it.
        "negative_data_rejection": {"expected-statuses": ["400", "401", "403", "404", "405", "406",
                                                          "409", "413", "415", "422", "428", "429"]},
    },
    "generation": {"max-examples": MAX_EXAMPLES},
}


def _load_schema():
    """The served document, loaded in-process (it does not depend on the store's content);
    each test then points the schema at an app over its own store."""
    from api import create_app

    url = f"sqlite:///{tempfile.mkdtemp(prefix='openapi-')}/spec.db"
    flask_app = create_app({"DATABASE_URL": url, "TESTING": True})
    loaded = schemathesis.openapi.from_wsgi("/openapi.json", flask_app,
                                            config=schemathesis.Config.from_dict(CONFIG))
    flask_app.extensions["timeline"].close()
    return loaded


schema = _load_schema()


@pytest.fixture
def api_app(world):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True, "SSE_LIFETIME": 0.05,
                            "SSE_POLL": 0.01})
    flask_app.test_token = world.create_token("writer")
    world.file_report(report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00")))
    return flask_app


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_own_openapi_document(case, api_app):
    case.operation.app = api_app
    case.call_and_validate(headers={"Authorization": f"Bearer {api_app.test_token}"})
