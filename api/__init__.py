"""The HTTP API: `create_app()` builds one Flask app, and one TimelineApplication, per process."""

from __future__ import annotations

import atexit
import io
import json
import os
import re
from typing import Any

from flask import Flask, Response, request

from timeline.application import open_application
from timeline.claims import UNSTORABLE, unstorable

from . import errors
from .errors import ProblemApi

MAX_BODY = 1024 * 1024


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

    api = ProblemApi(app, spec_kwargs={"info": {"description": (
        "Event-sourced, bitemporal timeline of the conflict in Syria (late 2024 onwards). "
        "Every report is an immutable event; state answers take `at` (valid time) and "
        "`known_at` (record time).\n\n"
        "Writes need `Authorization: Bearer <token>` (`timeline token create --role writer`); "
        "reads are public unless `TIMELINE_PUBLIC_READS=0`, and then any token may read "
        "(`--role reader` for one that may only read). Every POST honours `Idempotency-Key` "
        "(kept 24 hours). Errors are RFC 9457 `application/problem+json`, with `errors` keyed by "
        "JSON path for invalid content. Lists are cursor-paginated: `items`, `next` and a "
        "`Link: <...>; rel=\"next\"` header. Timestamps in requests need an offset; responses "
        "are UTC with `Z`.")}})
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
    _guard_bodies(app)

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
    return app


def _guard_bodies(app: Flask) -> None:
    """Bodies of writes must be JSON that parses: 415 / 400 before any view runs."""

    @app.before_request
    def check_body() -> Response | None:
        if request.method not in ("POST", "PUT", "PATCH") or request.routing_exception is not None:
            return None  # a 404 or 405 is answered as such, whatever the body
        limit = app.config["MAX_CONTENT_LENGTH"]
        length = request.content_length
        if length is None and request.environ.get("wsgi.input_terminated"):
            # A body without Content-Length (Transfer-Encoding: chunked, terminated by the
            # server): Werkzeug's stream stops at MAX_CONTENT_LENGTH without an error, so a
            # longer body would be parsed cut short. Read one byte past the limit to know.
            try:
                body = _read_at_most(request.input_stream, limit + 1)
            except Exception as e:  # the server's decoding of the chunks failed (gunicorn's
                # InvalidChunkSize, NoMoreData...): a malformed body, or a client gone, not a 500
                return errors.problem(400, f"the chunked body could not be read: {e}"[:300])
            if len(body) > limit:
                return errors.problem(413, f"the body is larger than {limit} bytes")
            request.stream = io.BytesIO(body)  # what get_data() and the views read from now on
        elif length is not None and length > limit:
            return errors.problem(413, f"the body is larger than {limit} bytes")
        expected = getattr(app.view_functions.get(request.endpoint or ""), "body_type", "json")
        if expected != "json":
            return None
        if not request.mimetype or not (request.mimetype == "application/json"
                                        or request.mimetype.endswith("+json")):
            return errors.problem(415, "send the body as JSON: Content-Type: application/json")
        raw = request.get_data(cache=True)
        try:
            text = raw.decode("utf-8")
            parsed = json.loads(text)
        except UnicodeDecodeError:
            return errors.problem(400, "the body is not valid UTF-8")
        except (ValueError, RecursionError) as e:
            return errors.problem(400, f"the body is not valid JSON: {e}"[:300])
        # Strict UTF-8 and JSON let a NUL or a surrogate into a string only as a \u escape:
        # without one in the text, there is nothing to look for.
        bad = unstorable(parsed) if _ESCAPED_BAD_TEXT.search(text) else None
        if bad is not None:
            return errors.problem(422, f"{bad}: {UNSTORABLE}", {bad: [UNSTORABLE]})
        return None

    @app.before_request
    def check_url_text() -> Response | None:
        # NUL cannot be stored or compared by PostgreSQL: refuse it wherever a request carries it.
        if "\x00" in request.path:
            return errors.problem(422, f"path: {UNSTORABLE}", {"path": [UNSTORABLE]})
        for name, value in request.args.items(multi=True):
            if "\x00" in name or "\x00" in value:
                return errors.problem(422, f"{name}: {UNSTORABLE}", {name: [UNSTORABLE]})
        return None


def _read_at_most(stream: Any, size: int) -> bytes:
    chunks, total = [], 0
    while total < size:
        chunk = stream.read(min(64 * 1024, size - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


# Strict UTF-8 and JSON let a NUL or a surrogate into a string only as a \u escape.
_ESCAPED_BAD_TEXT = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
