"""The HTTP API: `create_app()` builds one Flask app, and one TimelineApplication, per process."""

from __future__ import annotations

import atexit
import os
from typing import Any

from flask import Flask

from timeline.application import open_application

from . import body_guard, errors
from .errors import ProblemApi

MAX_BODY = 1024 * 1024

# The OpenAPI document's introduction (GET /openapi.json, /docs).
DESCRIPTION = (
    "Event-sourced, bitemporal timeline of the conflict in Syria (late 2024 onwards). "
    "Every report is an immutable event; state answers take `at` (valid time) and "
    "`known_at` (record time).\n\n"
    "Writes need `Authorization: Bearer <token>` (`timeline token create --role writer`); "
    "reads are public unless `TIMELINE_PUBLIC_READS=0`, and then any token may read "
    "(`--role reader` for one that may only read). Every POST honours `Idempotency-Key` "
    "(kept 24 hours). Errors are RFC 9457 `application/problem+json`, with `errors` keyed by "
    "JSON path for invalid content. Lists are cursor-paginated: `items`, `next` and a "
    "`Link: <...>; rel=\"next\"` header. Timestamps in requests need an offset; responses "
    "are UTC with `Z`.")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)  # api/static is served by web.py, documented
    app.config.update(
        API_TITLE="Conflict timeline",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        # /openapi.json and /docs are routes of api/operations.py, so that they are documented.
        OPENAPI_URL_PREFIX=None,
        OPENAPI_SWAGGER_UI_PATH=None,
        MAX_CONTENT_LENGTH=int(os.environ.get("TIMELINE_MAX_BODY", MAX_BODY)),
        DATABASE_URL=os.environ.get("TIMELINE_DATABASE_URL"),
        PUBLIC_READS=os.environ.get("TIMELINE_PUBLIC_READS", "1") not in ("0", "false", "no"),
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    timeline = app.config.get("TIMELINE_APP") or open_application(
        app.config["DATABASE_URL"], wait=float(os.environ.get("TIMELINE_STORE_WAIT", 300)))
    app.extensions["timeline"] = timeline
    if not app.config.get("TIMELINE_APP"):
        atexit.register(timeline.close)
    from . import observability
    observability.init_app(app, timeline)  # first: request id and timing for every request

    api = ProblemApi(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    app.extensions["openapi"] = api
    api.spec.components.security_scheme("bearer", {
        "type": "http", "scheme": "bearer",
        "description": "a token from `timeline token create --role writer|admin` (writes), or "
                       "`--role reader` (reads, when TIMELINE_PUBLIC_READS=0); a token without "
                       "the role a route needs is a 403"})
    errors.register(app)
    from . import auth, security
    auth.init_app(app)
    security.init_app(app)  # rate limits and read-only mode come before any body is read
    from . import hosts, strictness
    hosts.init_app(app)  # Link and Location name only trusted hosts
    strictness.init_app(app)  # charsets, transfer codings, repeated query parameters
    body_guard.init_app(app)  # 415 / 400 / 413 / 422 before any view runs

    _register_blueprints(app, api)
    return app


def _register_blueprints(app: Flask, api: ProblemApi) -> None:
    """One blueprint per resource; the order is the order of the paths in /openapi.json."""
    from . import events, interop, reference, reports, state, operations, web
    app.register_blueprint(web.blp)  # the page at /: a plain blueprint, described by hand
    web.document(api.spec, app)
    for module in (reports, state, reference, events, interop, operations):
        api.register_blueprint(module.blp)
    from . import casualties, datasets  # v2: death tolls; ACLED out, UCDP in
    api.register_blueprint(casualties.blp)
    api.register_blueprint(datasets.blp)
    from . import drafts
    api.register_blueprint(drafts.blp)
    from . import areas  # areas of control (/areas.geojson)
    api.register_blueprint(areas.blp)
    from . import batch
    api.register_blueprint(batch.blp)  # POST /reports/batch
    from . import vocabulary
    api.register_blueprint(vocabulary.blp)  # GET /vocabulary: the claim types, for the web form
