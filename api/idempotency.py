"""Idempotency-Key on POST: same key and body -> the original answer, nothing new written."""

from __future__ import annotations

import hashlib
from typing import Any, Callable

from flask import current_app, request
from flask_smorest import abort

MAX_KEY = 200


def run(command: Callable[[dict[str, Any] | None], dict[str, Any]], status: int = 201):
    """Runs `command(idempotency)` unless the key has already answered; returns (body, status)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return command(None), status, {}
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        abort(400, message=f"Idempotency-Key must be 1 to {MAX_KEY} printable characters")
    app = current_app.extensions["timeline"]
    # The fingerprint covers the route and the exact body bytes.
    fingerprint = hashlib.sha256(request.path.encode() + b"\0" + request.get_data()).hexdigest()
    scoped = f"{request.path}:{key}"
    stored = app.idempotent_answer(scoped, fingerprint)
    if stored is not None:
        return stored[1], stored[0], {"Idempotent-Replayed": "true"}
    if not app.begin_idempotent(scoped):
        abort(409, message="a request with this Idempotency-Key is still being processed; retry later",
              headers={"Retry-After": "1"})
    try:
        stored = app.idempotent_answer(scoped, fingerprint)
        if stored is not None:
            return stored[1], stored[0], {"Idempotent-Replayed": "true"}
        try:
            return command({"key": scoped, "fingerprint": fingerprint}), status, {}
        except Exception as error:
            # Another process may have stored this key in the meantime (primary key conflict).
            from eventsourcing.persistence import IntegrityError
            if isinstance(error, IntegrityError):
                stored = app.idempotent_answer(scoped, fingerprint)
                if stored is not None:
                    return stored[1], stored[0], {"Idempotent-Replayed": "true"}
            raise
    finally:
        app.end_idempotent(scoped)
