"""Guards in front of every route: per-token rate limiting (flask-limiter), read-only mode and
CORS (off unless configured). Configured by environment, or by `create_app(config)` keys:

- `TIMELINE_RATE_LIMIT` (writes, per bearer token; default `10000 per minute`; `off` disables)
- `TIMELINE_READ_RATE_LIMIT` (reads, per token or client address; default off)
- `TIMELINE_RATE_LIMIT_STORAGE` (flask-limiter storage URI; default `memory://`, i.e. per worker
  process; `redis://host:6379/0` shares the counters between workers and hosts)
- `TIMELINE_READ_ONLY=1` (every write answers 503; reads go on)
- `TIMELINE_CORS_ORIGINS` (comma-separated origins allowed to read cross-site; default none)
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any

from flask import Flask, Response, current_app, request

from . import errors

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POST routes that compute an answer and store nothing: allowed in read-only mode.
NON_WRITING_PATHS = frozenset({"/extract"})
DEFAULT_WRITE_LIMIT = "10000 per minute"


def _setting(app: Flask, name: str, default: str | None = None) -> str | None:
    value = app.config.get(name)
    if value is None:
        value = os.environ.get(name, default)
    return None if value is None else str(value)


def _off(value: str | None) -> bool:
    return value is None or value.strip().lower() in ("", "0", "off", "none", "false", "no")


def client_key() -> str:
    """Whom a request counts against: its bearer token (hashed: never keep the token itself),
    or the client address when it has none."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "addr:" + (request.remote_addr or "unknown")


def _is_write() -> bool:
    return request.method in WRITE_METHODS and request.path not in NON_WRITING_PATHS


def init_app(app: Flask) -> None:
    _read_only(app)
    _rate_limits(app)
    _cors(app)


def _read_only(app: Flask) -> None:
    app.config["READ_ONLY"] = not _off(_setting(app, "TIMELINE_READ_ONLY", "0"))

    @app.before_request
    def refuse_writes_when_read_only() -> Response | None:
        if current_app.config.get("READ_ONLY") and _is_write():
            return errors.problem(503, "this instance is read-only (TIMELINE_READ_ONLY=1); "
                                  "send writes to a writable instance", headers={"Retry-After": "60"})
        return None


def _rate_limits(app: Flask) -> None:
    from flask_limiter import Limiter

    write_limit = _setting(app, "TIMELINE_RATE_LIMIT", DEFAULT_WRITE_LIMIT)
    read_limit = _setting(app, "TIMELINE_READ_RATE_LIMIT", None)
    limits = []
    if not _off(write_limit):
        limits.append((write_limit, lambda: not _is_write(), "writes"))
    if not _off(read_limit):
        limits.append((read_limit, _is_write, "reads"))
    if not limits:
        return
    from flask_limiter import ApplicationLimit

    def breached(limit: Any) -> Response:
        # The window's reset time, as whole seconds from now (at least 1).
        retry = max(1, int(limit.reset_at - time.time()))
        return errors.problem(429, f"rate limit of {limit.limit} exceeded for this client; "
                              f"retry after {retry} s", headers={"Retry-After": str(retry)})

    from flask_limiter import RateLimitExceeded

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded) -> Response:
        # flask-limiter carries the response built by `breached`; the generic HTTP error
        # handler would drop its Retry-After header.
        if error.response is not None:
            return error.response
        return errors.problem(429, f"rate limit exceeded: {error.description}",
                              headers={"Retry-After": "60"})

    Limiter(
        client_key,
        app=app,
        application_limits=[ApplicationLimit(value, exempt_when=exempt, scope=scope)
                            for value, exempt, scope in limits],
        storage_uri=_setting(app, "TIMELINE_RATE_LIMIT_STORAGE", "memory://"),
        strategy="fixed-window",
        headers_enabled=False,
        # A rate-limit store that is down must not take the API down with it.
        swallow_errors=True,
        on_breach=breached,
        key_prefix="timeline",
    )


def _cors(app: Flask) -> None:
    origins = _setting(app, "TIMELINE_CORS_ORIGINS", None)
    if _off(origins):
        return
    from flask_cors import CORS

    assert origins is not None
    allowed = [o.strip() for o in origins.split(",") if o.strip()]
    CORS(app, origins=allowed if allowed != ["*"] else "*",
         expose_headers=["Link", "Retry-After", "Location", "Idempotent-Replayed"],
         allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
         supports_credentials=False, max_age=600)
