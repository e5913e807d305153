"""Idempotency-Key on POST, as draft-ietf-httpapi-idempotency-key-header describes it: a retry with
the same key and body gets the original status and body and appends nothing; the same key with a
different body is a 422; a retry while the first request is still running is a 409.

Keys are scoped to the client (its bearer token, or without one its address) and the route, and
kept for TIMELINE_IDEMPOTENCY_TTL_HOURS (default 24 h) after the answer."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable

from flask import current_app, request
from flask_smorest import abort

from timeline.domainmodel import Conflict

MAX_KEY = 255
# Visible ASCII, spaces allowed inside: what an HTTP header can carry unambiguously.
KEY_PATTERN = "^[!-~]([ -~]{0,%d}[!-~])?$" % (MAX_KEY - 2)
KEY = re.compile(KEY_PATTERN)
HEADER = "Idempotency-Key"
DOC_PARAMETER = {
    "in": "header", "name": HEADER, "required": False,
    "description": "Makes a retry safe: the same key with the same body returns the original "
                   "answer and writes nothing; with a different body it is a 422; while the first "
                   "request is still running, a 409. Keys are kept for 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY, "pattern": KEY_PATTERN},
}


def fingerprint_of(path: str, body: bytes, mimetype: str | None) -> str:
    """SHA-256 of the route and the body; a JSON body is canonicalised first, so that key order
    and whitespace do not make a retry look different."""
    if mimetype == "application/json" or (mimetype or "").endswith("+json"):
        try:
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False).encode()
        except (ValueError, RecursionError):
            pass
    return hashlib.sha256(path.encode() + b"\0" + body).hexdigest()


def fingerprint() -> str:
    return fingerprint_of(request.path, request.get_data(cache=True), request.mimetype)


def scoped_key(authorization: str | None, path: str, key: str, address: str | None = None) -> str:
    """Keys belong to a client and a route. The client is its bearer token, hashed.

    A request without a token (POST /extract: public, and it stores nothing) belongs to its
    client address, hashed. By route alone, any two anonymous clients that pick the same key
    (`1`, a counter) would get each other's 422s and replays; the address is the one identity
    such a request carries. Clients behind one proxy or NAT share a scope, which is safe here:
    an /extract answer depends only on its body and the public gazetteer, so a replay tells a
    client nothing it could not ask for itself, and the worst a shared key does is a 422."""
    token = (authorization or "").partition(" ")[2].strip()
    if token:
        scope = hashlib.sha256(token.encode()).hexdigest()[:16]
    else:
        scope = "addr-" + hashlib.sha256((address or "").encode()).hexdigest()[:16]
    return f"{scope}:{path}:{key}"


def check_key() -> str | None:
    """The request's Idempotency-Key, if any; a malformed one is a 400."""
    key = request.headers.get(HEADER)
    if key is not None and not KEY.fullmatch(key):
        abort(400, message=f"{HEADER} must be 1 to {MAX_KEY} visible ASCII characters",
              errors={HEADER: [f"1 to {MAX_KEY} visible ASCII characters (spaces inside)"]})
    return key


# The most a read's answer (POST /extract) keeps under its key: a larger one is answered and not
# kept (a retry recomputes it: the same body gives the same answer). A write's answer is always
# kept, as a retry must not write twice; it is bounded by the body limit.
MAX_KEPT_READ = 64 * 1024


def keep_read_answer(idempotency: dict[str, Any], answer: dict[str, Any]) -> None:
    """Completes the key of a request that writes nothing (POST /extract) with its answer, if it
    is small enough to keep. If a retry took the key over meanwhile (it waited past the lease),
    this answer is still right: answer it rather than a 409 for a request that wrote nothing."""
    from eventsourcing.persistence import IntegrityError

    from timeline.domainmodel import DomainError

    app = current_app.extensions["timeline"]
    if len(json.dumps(answer, ensure_ascii=False)) > MAX_KEPT_READ:
        app.idempotency.release(idempotency)
        return
    try:
        app.idempotency.complete(idempotency, answer, 200)
    except (DomainError, IntegrityError):  # the lease was taken over: the completion guard
        pass


def run(command: Callable[[dict[str, Any] | None], dict[str, Any]], status: int = 201):
    """Runs `command(idempotency)` unless the key has already answered; returns
    (body, status, headers) for a flask-smorest view."""
    key = check_key()
    if key is None:
        return command(None), status, {}
    from .auth import verified_digest

    app = current_app.extensions["timeline"]
    metrics = current_app.extensions.get("metrics")
    # A bearer that is not a valid token does not make a scope of its own (issue 15).
    authorization = request.headers.get("Authorization") if verified_digest() else None
    scoped = scoped_key(authorization, request.path, key, request.remote_addr)
    try:
        claim = app.idempotency.claim(scoped, fingerprint())
    except Conflict as error:
        abort(409, message=error.detail, errors=error.errors, headers={"Retry-After": "1"})
    if "replay" in claim:
        return _replayed(claim["replay"], metrics)
    try:
        return command(claim), status, {}
    except Exception as error:
        from eventsourcing.persistence import IntegrityError

        if isinstance(error, IntegrityError) or (
                isinstance(error, Conflict) and "already known" in error.detail):
            # Another request may have completed this key meanwhile: answer as a retry would.
            try:
                again = app.idempotency.claim(scoped, fingerprint())
            except Exception:
                again = {}
            if "replay" in again:
                return _replayed(again["replay"], metrics)
            if "lease" in again:
                app.idempotency.release(again)
        app.idempotency.release(claim)
        raise


def _replayed(replay: tuple[int, dict[str, Any]], metrics: Any):
    """The kept answer of a completed key, as (body, status, headers)."""
    if metrics:
        metrics.idempotent_replays.inc()
    replay_status, body = replay
    return body, replay_status, {"Idempotent-Replayed": "true"}
