"""Bearer tokens: writes need a token with the right role; reads are public unless configured."""

from __future__ import annotations

import functools
from typing import Any, Callable

from flask import current_app, g, request
from flask_smorest import abort

ROLE_RANK = {"writer": 1, "admin": 2}


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
    have = current_app.extensions["timeline"].token_role(token)
    if have is None:
        abort(401, message="the bearer token is not valid (unknown or revoked)",
              headers={"WWW-Authenticate": 'Bearer realm="timeline", error="invalid_token"'})
    if ROLE_RANK[have] < ROLE_RANK[role]:
        abort(403, message=f"this token's role ({have}) cannot do this; it needs {role}")
    g.token_role = have
    g.token_hash = token


def requires(role: str = "writer") -> Callable:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            authenticate(role)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def check_reads() -> None:
    """Reads are public unless TIMELINE_PUBLIC_READS=0."""
    if not current_app.config.get("PUBLIC_READS", True):
        authenticate("writer")
