"""`POST /reports/batch`: many reports filed in one transaction, all of them or none."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import UnprocessableEntity

from timeline.batch import MAX_REPORTS, file_reports, with_positions
from timeline.claims import name_errors

from . import errors, idempotency
from .auth import requires, token_label
from .schemas import StrictSchema
from .claim_schemas import SEED_EXAMPLE, ReportCreated, ReportIn

blp = Blueprint("batch", __name__, description="Many reports filed at once")


class BatchIn(StrictSchema):
    reports = fields.List(
        fields.Nested(ReportIn), required=True,
        validate=validate.Length(min=1, max=MAX_REPORTS),
        metadata={"description": f"1 to {MAX_REPORTS} reports, each as `POST /reports` takes it"})


class BatchCreated(Schema):
    reports = fields.List(fields.Nested(ReportCreated), metadata={
        "description": "the `POST /reports` answer of each report, in the order given"})


@blp.errorhandler(UnprocessableEntity)
def invalid_batch(error: UnprocessableEntity):
    """As for one report (api/reports.py): a batch refused for its shape also names, in the same
    answer, every unknown place, faction or leader its reports give."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if isinstance(messages, dict) and isinstance(messages.get("json"), dict):
        body = messages["json"]
        payload = request.get_json(silent=True)
        reports = payload.get("reports") if isinstance(payload, dict) else None
        if isinstance(reports, list) and len(reports) <= MAX_REPORTS:
            known = set(errors.flatten(body))
            names = current_app.extensions["timeline"].names
            for i, item in enumerate(reports):
                prefix = f"reports.{i}."
                mine = {k[len(prefix):] for k in known if k.startswith(prefix)}
                found = name_errors(item, names, mine)
                body.update({prefix + path: msgs for path, msgs in found.items()})
    return errors.http_problem(error)


@blp.before_request
def allowed_methods():
    """OPTIONS: Werkzeug's automatic answer would list every rule the path matches, GET too,
    since "batch" is also an {id} of GET /reports/{id} (which answers it with a 404)."""
    if request.method == "OPTIONS":
        return current_app.response_class(status=200, headers={"Allow": "OPTIONS, POST"})
    return None


@blp.route("/reports/batch")
class Batch(MethodView):
    @requires("writer")
    @blp.doc(security=[{"bearer": []}], parameters=[idempotency.DOC_PARAMETER])
    @blp.arguments(BatchIn(), example={"reports": [SEED_EXAMPLE]})
    @blp.response(201, BatchCreated)
    def post(self, payload: dict[str, Any]):
        """File many reports in one transaction: all of them, or none (a 422 names the failing
        `reports.N.claims.M.field`). At most 1000 reports; the body limit applies as to any
        request."""
        app = current_app.extensions["timeline"]
        filed_by = token_label()  # recorded with every report of the batch (API.md v2)
        body, status, headers = idempotency.run(
            lambda idem: file_reports(app, payload["reports"], idempotency=idem, filed_by=filed_by))
        if headers.get("Idempotent-Replayed"):
            body = with_positions(app, body)
        return render(body, status, headers)


def render(body: dict[str, Any], status: int, headers: dict[str, str]) -> Response:
    """The answer as JSON in one canonical key order, so that the first answer and a replay
    (read back from the idempotency store) are the same bytes. Written directly, not dumped
    through BatchCreated (the documented shape): marshmallow's dump of 1000 reports' claims
    was a third of a batch's cost (bench/ B3)."""
    reports = [{"id": r["id"], "position": r["position"], "recorded_at": r["recorded_at"],
                "claims": [_claim(c) for c in r["claims"]]} for r in body["reports"]]
    text = json.dumps({"reports": reports}, ensure_ascii=False, separators=(",", ":"))
    return Response(text + "\n", status, headers, mimetype="application/json")


def _claim(claim: dict[str, Any]) -> dict[str, Any]:
    out = {"id": claim["id"], "type": claim["type"]}
    out.update((key, claim[key]) for key in sorted(claim) if key not in out)
    return out
