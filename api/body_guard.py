"""The checks every request passes before a view: a write's body is JSON that parses, within
the size limit (chunked bodies included), and no text in it or in the URL carries a NUL."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from flask import Flask, Response, request

from timeline.storable import UNSTORABLE, unstorable

from . import errors


def init_app(app: Flask) -> None:
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
