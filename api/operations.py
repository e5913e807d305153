"""Operations: liveness and readiness."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from .errors import problem

blp = Blueprint("operations", __name__, description="Health and readiness")


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200)
    def get(self):
        """The process is up."""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
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
