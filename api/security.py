"""Guards in front of every route: per-token rate limiting (`limits`, flask-limiter's engine),
read-only mode and CORS (off unless configured). Configured by environment, or by
`create_app(config)` keys:

- `TIMELINE_RATE_LIMIT` (writes, per bearer token; default `10000 per minute`; `off` disables)
- `TIMELINE_READ_RATE_LIMIT` (reads, per token or client address; default off)
- `TIMELINE_RATE_LIMIT_STORAGE` (a `limits` / flask-limiter storage URI; default `memory://`,
  i.e. per worker process; `redis://host:6379/0` shares the counters between workers and hosts)
- `TIMELINE_READ_ONLY=1` (every write answers 503; reads go on)
- `TIMELINE_CORS_ORIGINS` (comma-separated origins allowed to read cross-site; default none)
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from flask import Flask, Response, current_app, request

from . import errors

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POST routes that compute an answer and store nothing: allowed in read-only mode.
NON_WRITING_PATHS = frozenset({"/extract"})
DEFAULT_WRITE_LIMIT = "10000 per minute"
KEY_PREFIX = "timeline"  # counters are keyed timeline/<client>/<writes|reads>


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
    from .auth import verified_digest

    digest = verified_digest()  # a bearer that is not a valid token counts as its address
    if digest is not None:
        return "token:" + digest[:32]
    return "addr:" + (request.remote_addr or "unknown")


def _is_write() -> bool:
    return request.method in WRITE_METHODS and request.path not in NON_WRITING_PATHS


def _counts_as_write() -> bool:
    """For the rate limits: a write, or a POST /extract with an Idempotency-Key from a verified
    token, which keeps its answer for the key (a row written, kept for the key's time). An
    anonymous /extract keeps nothing and is a read."""
    if _is_write():
        return True
    if request.method not in WRITE_METHODS or not request.headers.get("Idempotency-Key"):
        return False
    from .auth import verified_digest

    return verified_digest() is not None  # only a verified client's key is kept (issue 15)


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
    """One fixed-window counter per client and kind of request, with flask-limiter's engine (the
    `limits` library: the same limit strings, storage URIs, strategy and counter keys as
    flask-limiter's application limits). The check is one counter hit in our own hook:
    flask-limiter's generic per-request resolution of route, blueprint and meta limits cost
    ~0.3 ms a request here, for limits this service never sets."""
    from limits import parse

    def limit_of(name: str, value: str | None) -> Any:
        if _off(value):
            return None
        try:
            return parse(str(value))
        except ValueError:
            raise ValueError(f"{name}={value!r} is not a rate limit such as '10000 per minute' "
                             "(or 'off')") from None

    writes = limit_of("TIMELINE_RATE_LIMIT", _setting(app, "TIMELINE_RATE_LIMIT",
                                                      DEFAULT_WRITE_LIMIT))
    reads = limit_of("TIMELINE_READ_RATE_LIMIT", _setting(app, "TIMELINE_READ_RATE_LIMIT", None))
    if writes is None and reads is None:
        return
    uri = str(_setting(app, "TIMELINE_RATE_LIMIT_STORAGE", "memory://"))
    windows: ProcessWindows | StoredWindows = (
        ProcessWindows() if uri.startswith("memory://") else StoredWindows(uri))
    log = logging.getLogger("timeline.api")

    @app.before_request
    def rate_limit() -> Response | None:
        endpoint = request.endpoint
        if endpoint is None or endpoint.rpartition(".")[2] == "static":
            return None  # a 404 or 405, or a static file: nothing to count
        write = _counts_as_write()
        limit = writes if write else reads
        if limit is None:
            return None
        identifiers = (KEY_PREFIX, client_key(), "writes" if write else "reads")
        try:
            reset_at = windows.hit(limit, identifiers)
        except Exception:
            # A rate-limit store that is down must not take the API down with it.
            log.warning("rate limit storage unavailable; request let through", exc_info=True)
            return None
        if reset_at is None:
            return None
        # The window's reset time, as whole seconds from now (at least 1).
        retry = max(1, int(reset_at - time.time()))
        return errors.problem(429, f"rate limit of {limit} exceeded for this client; "
                              f"retry after {retry} s", headers={"Retry-After": str(retry)})


class StoredWindows:
    """Counters in a `limits` storage (e.g. Redis), shared by every process that points at it."""

    def __init__(self, uri: str):
        from limits.storage import storage_from_string
        from limits.strategies import FixedWindowRateLimiter

        self.windows = FixedWindowRateLimiter(storage_from_string(uri))

    def hit(self, limit: Any, identifiers: tuple[str, ...]) -> float | None:
        """Counts one request: None if within the limit, else when the window resets."""
        if self.windows.hit(limit, *identifiers):
            return None
        return self.windows.get_window_stats(limit, *identifiers).reset_time


class ProcessWindows:
    """`memory://`: the counters of this worker process, as limits' MemoryStorage keeps them
    (a window opens at a key's first hit and lasts the limit's period; every hit counts), but
    without its expiry thread, which it starts anew every 10 ms while keys exist: under load
    that was a thread start every few requests, waiting for the GIL on the request's path."""

    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.windows: dict[str, list[float]] = {}  # key -> [hits, end of the window]
        self.swept_at = 0.0

    def hit(self, limit: Any, identifiers: tuple[str, ...]) -> float | None:
        key = limit.key_for(*identifiers)
        now = time.time()
        with self.lock:
            window = self.windows.get(key)
            if window is None or window[1] <= now:
                if len(self.windows) >= self.MAX_KEYS and now - self.swept_at >= 1:
                    self.swept_at = now  # at most once a second, however many clients
                    self.windows = {k: w for k, w in self.windows.items() if w[1] > now}
                window = self.windows[key] = [0, now + limit.get_expiry()]
            window[0] += 1
            return None if window[0] <= limit.amount else window[1]


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
