"""Operations: liveness, readiness, metrics, the OpenAPI document and its Swagger UI."""

from __future__ import annotations

import os

from flask import Response, current_app, render_template_string, send_from_directory
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from .errors import PROBLEM, problem

blp = Blueprint("operations", __name__,
                description="Health, readiness, metrics and this API's description")


class Health(Schema):
    status = fields.String(metadata={"example": "ok"})


class Readiness(Schema):
    status = fields.String(metadata={"example": "ready"})
    position = fields.Integer(metadata={"description": "the log's last position"})
    projected = fields.Integer(metadata={"description": "the last position the read model holds "
                                                        "(ready: equal to `position`)"})


@blp.route("/healthz")
class Healthz(MethodView):
    @blp.response(200, Health)
    def get(self):
        """The process is up."""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, Readiness)
    @blp.doc(responses={"503": {
        "description": "Not ready: the store is unreachable, or the read model is behind the log",
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}})
    def get(self):
        """The store is reachable and the read model has caught up with the log."""
        app = current_app.extensions["timeline"]
        try:
            position = app.recorder.max_notification_id() or 0
            projected = app.head()
        except Exception as e:  # the store being down is exactly what this reports
            return problem(503, f"the store is not reachable: {type(e).__name__}")
        if projected < position:
            return problem(503, f"read model behind the log: {projected} < {position}")
        return {"status": "ready", "position": position, "projected": projected}


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.response(200, content_type="text/plain", description=(
        "Prometheus text format: requests by route and status, request durations, rejected "
        "requests, events appended, idempotent replays, open streams, log and read-model "
        "positions."))
    def get(self):
        """Prometheus metrics of this service."""
        body = current_app.extensions["metrics"].exposition()
        return Response(body, content_type="text/plain; version=0.0.4; charset=utf-8")


@blp.route("/openapi.json")
class OpenAPI(MethodView):
    @blp.response(200, content_type="application/json",
                  description="The OpenAPI 3 document of this API (this document).")
    def get(self):
        """This API's OpenAPI document."""
        spec = current_app.extensions["openapi"].spec.to_dict()
        return current_app.json.response(spec)


DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ title }} — API</title>
  <link rel="stylesheet" href="{{ assets }}swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{{ assets }}swagger-ui-bundle.js"></script>
  <script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>
"""

INIT_JS = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                               tryItOutEnabled: false});
});
"""


def _swagger_dist() -> str:
    import flask_swagger_ui

    return os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist")


@blp.route("/docs")
class Docs(MethodView):
    @blp.response(200, content_type="text/html",
                  description="Swagger UI, served from assets installed with the package.")
    def get(self):
        """Interactive documentation of this API (Swagger UI; no CDN)."""
        html = render_template_string(DOCS_PAGE, title=current_app.config["API_TITLE"],
                                      assets="/docs/assets/")
        return Response(html, mimetype="text/html")


@blp.route("/docs/assets/<name>")
class DocsAsset(MethodView):
    @blp.response(200, content_type="application/octet-stream",
                  description="A Swagger UI asset (JavaScript, CSS).")
    def get(self, name):
        """Swagger UI's files, from the flask-swagger-ui package."""
        if name == "swagger-ui-init.js":
            return Response(INIT_JS, mimetype="text/javascript")
        if name not in ("swagger-ui.css", "swagger-ui-bundle.js"):
            abort(404, message=f"no asset {name!r}")
        response = send_from_directory(_swagger_dist(), name, max_age=86400)
        return response
