"""One error handler: every error the app returns is an RFC 9457 problem+json document."""

from __future__ import annotations

import http
import json
import logging
from typing import Any

from flask import Flask, Response, current_app, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from timeline.domainmodel import Conflict, DomainError, NotFound, TooLarge

log = logging.getLogger("timeline.api")

PROBLEM = "application/problem+json"
TYPE_BASE = "https://timeline.invalid/problems/"


def problem(status: int, detail: str, errors: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None, title: str | None = None) -> Response:
    phrase = http.HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": TYPE_BASE + phrase.lower().replace(" ", "-").replace("'", ""),
        "title": title or phrase,
        "status": status,
        "detail": detail,
        "instance": request.path if request else None,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested {'claims': {2: {'city': [...]}}} -> {'claims.2.city': [...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "body"
            out.update(flatten(value, path) if isinstance(value, dict) else
                       {path: [str(m) for m in (value if isinstance(value, list) else [value])]})
    elif isinstance(messages, list):
        out[prefix or "body"] = [str(m) for m in messages]
    else:
        out[prefix or "body"] = [str(messages)]
    return out


def _summary(errors: dict[str, list[str]]) -> str:
    parts = [f"{path}: {msgs[0]}" for path, msgs in list(errors.items())[:5]]
    more = len(errors) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


class ProblemApi(Api):
    """flask-smorest Api whose errors, served and documented, are problem+json."""

    from .schemas import Problem as ERROR_SCHEMA  # noqa: N811 (flask-smorest's attribute name)

    def register_blueprint(self, blp, *, parameters=None, **options):
        super().register_blueprint(blp, parameters=parameters, **options)
        from .claim_schemas import document_claim_types

        document_errors(self.spec)
        document_claim_types(self.spec)

    def _register_responses(self):
        from flask_smorest.utils import prepare_response

        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException):
        return http_problem(error)


# Statuses that any route may answer, by what the route takes (see API.md, Conventions).
_ALWAYS = {"429": "TOO_MANY_REQUESTS", "500": "INTERNAL_SERVER_ERROR", "503": "SERVICE_UNAVAILABLE"}
_WITH_INPUT = {"400": "BAD_REQUEST", "422": "UNPROCESSABLE_ENTITY"}
_WITH_BODY = {"409": "CONFLICT", "413": "REQUEST_ENTITY_TOO_LARGE", "415": "UNSUPPORTED_MEDIA_TYPE"}
# Routes that are public whatever TIMELINE_PUBLIC_READS says.
OPEN_ROUTES = ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/assets/{name}",
               "/", "/static/{path}")


def document_errors(spec: Any) -> None:
    """Declare in the OpenAPI document every problem+json answer each operation can give, from
    what it takes (path parameters, query, body) and API.md's conventions: the one place that
    documents them, so routes carry no per-status decorators."""
    for path, operations in spec._paths.items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(_ALWAYS)
            if path not in OPEN_ROUTES:
                wanted["401"] = "UNAUTHORIZED"  # reads too, when TIMELINE_PUBLIC_READS=0
            if operation.get("security"):
                wanted["403"] = "FORBIDDEN"  # a route that needs a role (writes): a reader token
            if operation.get("parameters") or "{" in path or "requestBody" in operation:
                wanted.update(_WITH_INPUT)
            if "{" in path:
                wanted["404"] = "NOT_FOUND"
            if "requestBody" in operation:
                wanted.update(_WITH_BODY)
            for status, name in wanted.items():
                if status not in responses:
                    responses[status] = spec.components.get_ref("response", name)


def http_problem(error: HTTPException) -> Response:
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    headers.update(data.get("headers") or {})
    errors = None
    if "messages" in data or "errors" in data:
        raw = data.get("errors") or data.get("messages")
        # webargs nests by location: {"json": {...}} / {"query": {...}}
        if isinstance(raw, dict) and set(raw) <= {"json", "query", "headers", "files", "form", "view_args"}:
            merged: dict[str, list[str]] = {}
            for value in raw.values():
                merged.update(flatten(value))
            errors = merged
        else:
            errors = flatten(raw)
    if code >= 500 and not isinstance(error, InternalServerError):
        log.error("server error %s: %s", code, error)
    if errors:
        detail = _summary(errors)
    else:
        detail = data.get("message") or error.description or http.HTTPStatus(code).phrase
    return problem(code, detail, errors, headers)


# The status of each kind of domain error (timeline/domainmodel.py); any other is invalid content.
DOMAIN_STATUSES: tuple[tuple[type[DomainError], int], ...] = (
    (Conflict, 409), (NotFound, 404), (TooLarge, 413))


def domain_status(error: DomainError) -> int:
    return next((status for kind, status in DOMAIN_STATUSES if isinstance(error, kind)), 422)


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        errors = {k: v if isinstance(v, list) else [v] for k, v in (error.errors or {}).items()}
        return problem(domain_status(error), error.detail, errors or None)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_problem(error)
        from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError
        if isinstance(error, IntegrityError):
            # A constraint of the store caught what the application's own checks could not see:
            # a concurrent writer got there first (the same claim retracted or confirmed twice,
            # the same name registered). The transaction rolled back whole.
            current_app.logger.info("write conflict: %s", error)
            return problem(409, "this write conflicts with another that was committed just "
                           "before it (e.g. the claim was already retracted or confirmed); "
                           "nothing was written: read the current state and retry")
        import psycopg

        # The store's (eventsourcing's) and the driver's own: a connection lost mid-write
        # (AdminShutdown), a statement cancelled, a pool that gave no connection (PoolTimeout).
        if isinstance(error, (OperationalError, InterfaceError, psycopg.OperationalError,
                              psycopg.InterfaceError)):
            current_app.logger.warning("store unavailable: %s", error)
            return problem(503, "the store is unavailable; try again shortly",
                           headers={"Retry-After": "2"})
        current_app.logger.exception("unhandled error")
        return problem(500, "internal error; it has been logged")
