"""Reports and claims: file a report (all its claims or none), read them back."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from werkzeug.exceptions import UnprocessableEntity

from timeline.claims import name_errors

from . import errors, idempotency
from .auth import check_reads, requires
from .schemas import SEED_EXAMPLE, ClaimView, ReportCreated, ReportIn, ReportView

blp = Blueprint("reports", __name__, description="Reports and the claims they carry")


@blp.errorhandler(UnprocessableEntity)
def invalid_report(error: UnprocessableEntity):
    """A report refused for its shape (a missing time, a wrong type) also names, in the same
    answer, the places, factions and leaders it gives that are unknown: an analyst fixes them
    all at once instead of finding the unknown names one round later."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if request.method == "POST" and isinstance(messages, dict) and isinstance(messages.get("json"), dict):
        body = messages["json"]
        names = current_app.extensions["timeline"].names
        body.update(name_errors(request.get_json(silent=True), names, set(errors.flatten(body))))
    return errors.http_problem(error)


@blp.route("/reports")
class Reports(MethodView):
    @requires("writer")
    @blp.doc(security=[{"bearer": []}], parameters=[idempotency.DOC_PARAMETER])
    @blp.arguments(ReportIn(), example=SEED_EXAMPLE)
    @blp.response(201, ReportCreated)
    def post(self, payload):
        """File a report: its claims are appended together, or not at all."""
        app = current_app.extensions["timeline"]
        # Dumped through ReportCreated, the first answer and a replay (read back from the
        # idempotency store) are the same bytes, as API.md promises.
        return idempotency.run(lambda idem: app.file_report(payload, idempotency=idem))


@blp.route("/reports/<id>")
class OneReport(MethodView):
    @blp.response(200, ReportView)
    def get(self, id):  # noqa: A002 (the path variable of API.md)
        """A report with its claims, each with its current retracted/confidence."""
        check_reads()
        report = current_app.extensions["timeline"].queries.report(id)
        if report is None:
            abort(404, message=f"no report {id!r}")
        return report


@blp.route("/claims/<id>")
class OneClaim(MethodView):
    @blp.response(200, ClaimView)
    def get(self, id):  # noqa: A002
        """One claim, with the report it came from."""
        check_reads()
        claim = current_app.extensions["timeline"].queries.claim(id)
        if claim is None:
            abort(404, message=f"no claim {id!r}")
        return claim
