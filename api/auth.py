"""Bearer tokens: writes need a token with the right role; reads are public unless configured.

Roles, lowest first: `reader` (reads when TIMELINE_PUBLIC_READS=0, nothing else), `writer` (every
write), `admin` (what a writer may). A valid token without the role a route needs is a 403.

A worker remembers a valid token's role for at most TOKEN_CACHE_SECONDS (1 s; config or env
`TIMELINE_TOKEN_CACHE_SECONDS`, 0 to look every token up), keyed by the token's SHA-256: a
token revoked by `timeline token revoke` (another process) stops working within that second;
an unknown or revoked token is never remembered, so a new token works at once."""

from __future__ import annotations

import functools
import hashlib
import time
from typing import Any, Callable

from flask import Flask, current_app, request
from flask_smorest import abort

from . import idempotency
from .security import _setting

ROLE_RANK = {"reader": 0, "writer": 1, "admin": 2}
TOKEN_CACHE_SECONDS = 1.0  # the most a revocation may wait for (SECURITY.md)
MAX_CACHED_TOKENS = 10_000


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(role: str) -> None:
    token = bearer()
    challenge = {"WWW-Authenticate": 'Bearer realm="timeline"'}
    if token is None:
        abort(401, message="a bearer token is required: Authorization: Bearer <token>",
              headers=challenge)
    digest = hashlib.sha256(token.encode()).hexdigest()
    extensions = current_app.extensions
    have = extensions["token_roles"].role(extensions["timeline"], token, digest)
    if have is None:
        abort(401, message="the bearer token is not valid (unknown or revoked)",
              headers={"WWW-Authenticate": 'Bearer realm="timeline", error="invalid_token"'})
    if ROLE_RANK.get(have, -1) < ROLE_RANK[role]:
        # RFC 6750: a valid token without the needed scope is a 403 with insufficient_scope.
        abort(403, message=f"the token lacks the role: its role is {have}, and this needs {role}",
              headers={"WWW-Authenticate": 'Bearer realm="timeline", error="insufficient_scope"'})


def verified_digest() -> str | None:
    """The SHA-256 of the request's bearer token if it is a valid one, else None. Rate limits
    and Idempotency-Key scopes go by this, not by whatever bearer a client sends: a made-up
    bearer counts as its client address (issue 15), or each made-up token would be a fresh
    client with its own limit."""
    token = bearer()
    if token is None:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    extensions = current_app.extensions
    if "token_roles" not in extensions:
        return None
    if extensions["token_roles"].role(extensions["timeline"], token, digest) is None:
        return None
    return digest


def init_app(app: Flask) -> None:
    setting = _setting(app, "TIMELINE_TOKEN_CACHE_SECONDS", str(TOKEN_CACHE_SECONDS))
    try:
        seconds = float(setting)
    except ValueError:
        raise ValueError(f"TIMELINE_TOKEN_CACHE_SECONDS={setting!r} is not a number of seconds "
                         f"(0 to {TOKEN_CACHE_SECONDS:g})") from None
    app.extensions["token_roles"] = _TokenRoles(min(max(seconds, 0.0), TOKEN_CACHE_SECONDS))


class _TokenRoles:
    """Roles (and labels) of tokens recently found valid, by SHA-256, each for `ttl` seconds. A
    token's label never changes, so a write's `filed_by` costs no look-up of its own."""

    def __init__(self, ttl: float):
        self.ttl = ttl
        self.roles: dict[str, tuple[str, str | None, float]] = {}

    def role(self, timeline: Any, token: str, digest: str) -> str | None:
        found = self.lookup(timeline, token, digest)
        return found[0] if found is not None else None

    def lookup(self, timeline: Any, token: str, digest: str) -> tuple[str, str | None] | None:
        now = time.monotonic()
        known = self.roles.get(digest)
        if known is not None and known[2] > now:
            return known[0], known[1]
        # looked up by hash, compared with hmac.compare_digest
        found = timeline.tokens.role_and_label(token)
        if found is None:
            self.roles.pop(digest, None)
        elif self.ttl > 0:
            if len(self.roles) >= MAX_CACHED_TOKENS:
                self.roles.clear()
            self.roles[digest] = (found[0], found[1], now + self.ttl)
        return found


def requires(role: str = "writer") -> Callable:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            authenticate(role)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def writes(blp: Any) -> Callable:
    """`requires("writer")` for a route that writes, its bearer security and its Idempotency-Key
    header in the spec: one declaration for every such route of `blp`."""
    def decorator(view: Callable) -> Callable:
        doc = blp.doc(security=[{"bearer": []}], parameters=[idempotency.DOC_PARAMETER])
        return requires("writer")(doc(view))
    return decorator


def check_reads() -> None:
    """Reads are public unless TIMELINE_PUBLIC_READS=0; then any valid token may read."""
    if not current_app.config.get("PUBLIC_READS", True):
        authenticate("reader")


def token_label() -> str | None:
    """The `--label` of the request's bearer token (None without one, or for an unlabelled
    token): recorded as a report's `filed_by` (API.md v2). From the same 1-second cache as its
    role (a label never changes; a revoked token is refused before any write)."""
    token = bearer()
    if token is None:
        return None
    extensions = current_app.extensions
    if "token_roles" not in extensions:
        return extensions["timeline"].tokens.label(token)
    digest = hashlib.sha256(token.encode()).hexdigest()
    found = extensions["token_roles"].lookup(extensions["timeline"], token, digest)
    return found[1] if found is not None else None
