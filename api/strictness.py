"""Requests read one way only (issue 15): a body in a transfer coding other than plain chunked,
a body in a charset other than UTF-8, and a query parameter given twice are refused rather than
read as something else (gzip bytes as JSON, Latin-1 as UTF-8, the first of two values)."""

from __future__ import annotations

from flask import Flask, Response, request

from . import errors

UTF8 = ("utf-8", "utf8")
BODIES = frozenset({"POST", "PUT", "PATCH"})


def init_app(app: Flask) -> None:
    @app.before_request
    def strict_request() -> Response | None:
        if request.routing_exception is not None:
            return None  # a 404 or 405 is answered as such
        coding = request.environ.get("HTTP_TRANSFER_ENCODING")
        if coding is not None and [c.strip().lower() for c in coding.split(",")] != ["chunked"]:
            # gunicorn undoes the chunking and hands the rest over as is: gzip bytes as the body
            return errors.problem(501, f"Transfer-Encoding {coding!r} is not supported: send the "
                                  "body plain, or chunked", {"Transfer-Encoding": ["chunked only"]})
        charset = request.mimetype_params.get("charset") if request.method in BODIES else None
        if charset is not None and charset.strip().strip('"').lower() not in UTF8:
            return errors.problem(415, f"charset {charset!r} is not supported: send the body as "
                                  "UTF-8 (Content-Type: ...; charset=utf-8)",
                                  {"Content-Type": ["charset must be utf-8"]})
        repeated = sorted({k for k, v in request.args.lists() if len(v) > 1})
        if repeated:
            return errors.problem(
                422, f"query parameter {repeated[0]} is given more than once: give it once",
                {k: ["given more than once"] for k in repeated})
        return None
