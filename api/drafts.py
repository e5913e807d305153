"""Drafts: `POST /drafts` keeps an article's proposed claims for review; a reviewer accepts
them (with edits: the report is filed) or rejects them (with a reason). timeline/drafts.py holds
the aggregate and its rows."""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, post_dump, validate

from timeline import drafts

from . import errors, idempotency
from .auth import check_reads, token_label, writes
from .interop import DateFound, ExtractIn, Mentioned, SourceField, Unresolved
from .pagination import decode_cursor, encode_cursor, invalid_cursor, link_next
from .schemas import ListArgs
from .claim_schemas import SEED_EXAMPLE, ClaimIn, ReportCreated

blp = Blueprint("drafts", __name__, description="Drafts: proposed claims kept for review, "
                                                "then accepted (filed as a report) or rejected")

EXAMPLE = {"text": "HTS seized control of Aleppo on Friday night.",
           "published_at": SEED_EXAMPLE["published_at"], "source": {"name": "Example wire"}}


class DraftIn(ExtractIn):
    """As `POST /extract`: the article, when it was published, and optionally its source."""


class Proposed(Schema):
    claims = fields.List(fields.Nested(ClaimIn), metadata={
        "description": "proposed claims, in the shape POST /reports accepts"})
    unresolved = fields.List(fields.Nested(Unresolved))
    language = fields.String(allow_none=True)
    unsupported = fields.List(fields.String())
    headline = fields.String(allow_none=True)
    mentions = fields.List(fields.Nested(Mentioned))
    dates = fields.List(fields.Nested(DateFound))


class SourceOut(Schema):
    name = fields.String()
    url = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    via = fields.String(allow_none=True)


class DraftOut(Schema):
    id = fields.String(metadata={"format": "uuid"})
    status = fields.String(validate=validate.OneOf(drafts.STATUSES))
    text = fields.String()
    published_at = fields.String(metadata={"format": "date-time"})
    source = fields.Nested(SourceOut, allow_none=True)
    proposed = fields.Nested(Proposed)
    proposed_by = fields.String(allow_none=True, metadata={
        "description": "the label of the token that filed the draft"})
    proposed_at = fields.String(metadata={"format": "date-time"})
    position = fields.Integer(allow_none=True, metadata={"description": "log position of the draft's opening"})
    decided_by = fields.String(allow_none=True, metadata={
        "description": "the label of the token that accepted or rejected it"})
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    reason = fields.String(allow_none=True, metadata={"description": "why it was rejected"})
    report = fields.String(allow_none=True, metadata={
        "format": "uuid", "description": "the report an accepted draft was filed as"})


class DraftPage(Schema):
    items = fields.List(fields.Nested(DraftOut))
    next = fields.String(allow_none=True)


class DraftListArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(drafts.STATUSES), metadata={
        "description": "only drafts in this state (all without it)"})


class AcceptIn(Schema):
    class Meta:
        unknown = RAISE

    claims = fields.List(fields.Dict(), validate=validate.Length(max=1000), metadata={
        "description": "the reviewer's claims (as in POST /reports); without them, the proposed "
                       "ones"})
    source = SourceField(metadata={"description": "the report's source, if the draft has none "
                                                  "or the reviewer corrects it"})
    headline = fields.String(validate=validate.Length(max=1000), allow_none=True)


class RejectIn(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(required=True, validate=validate.Length(min=1, max=drafts.MAX_REASON))


class AcceptOut(Schema):
    draft = fields.Nested(DraftOut)
    report = fields.Nested(ReportCreated, metadata={"description": "the POST /reports answer"})
    position = fields.Integer(metadata={"description": "the position of the last event appended"})

    @post_dump(pass_original=True)
    def report_position(self, data: dict[str, Any], original: Any, **kwargs: Any) -> dict[str, Any]:
        # An Idempotency-Key replay restores the top-level position (the stored answer was
        # written before the commit gave it): the report's is the same.
        report = data.get("report")
        if isinstance(report, dict) and report.get("position") is None:
            report["position"] = data.get("position")
        return data


def _found(draft_id: str) -> dict[str, Any]:
    draft = drafts.get(current_app.extensions["timeline"], draft_id)
    if draft is None:
        abort(404, message=f"no draft {draft_id!r}")
    return draft


@blp.route("/drafts")
class Drafts(MethodView):
    @blp.arguments(DraftListArgs(), location="query")
    @blp.response(200, DraftPage)
    def get(self, args):
        """Drafts, newest first; `status` keeps only open, accepted or rejected ones."""
        check_reads()
        before = None
        if args.get("cursor"):
            c = decode_cursor(args["cursor"], "p")
            if not isinstance(c["p"], int):
                invalid_cursor()
            before = c["p"]
        items, last = drafts.page(current_app.extensions["timeline"], args.get("status"),
                                  args["limit"], before)
        nxt = encode_cursor({"p": last}) if last is not None else None
        return {"items": items, "next": nxt}, 200, link_next(nxt)

    @writes(blp)
    @blp.arguments(DraftIn(), example=EXAMPLE)
    @blp.response(201, DraftOut)
    def post(self, payload):
        """Keep an article's proposed claims (the POST /extract answer) as an open draft."""
        app = current_app.extensions["timeline"]
        label = token_label()
        return idempotency.run(lambda idem: drafts.open_draft(
            app, payload["text"], payload["published_at"], payload.get("source"), label,
            idempotency=idem))


@blp.route("/drafts/<id>")
class OneDraft(MethodView):
    @blp.response(200, DraftOut)
    def get(self, id):  # noqa: A002 (the path variable of API.md)
        """One draft, with its proposal and, once decided, who decided it and when."""
        check_reads()
        return _found(id)


def _json_or_empty(view: Any) -> Any:
    """`{claims?}`: every field is optional, so the body may be left out altogether (no
    Content-Type needed then); a body that is there must be JSON, as everywhere."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        raw = request.get_data(cache=True)
        if raw.strip():
            if not request.mimetype or not (request.mimetype == "application/json"
                                            or request.mimetype.endswith("+json")):
                return errors.problem(415, "send the body as JSON: Content-Type: application/json")
            try:
                json.loads(raw.decode("utf-8"))
            except (ValueError, RecursionError) as e:
                return errors.problem(400, f"the body is not valid JSON: {e}"[:300])
        return view(*args, **kwargs)
    wrapper.body_type = "json-or-empty"  # type: ignore[attr-defined]  # the app's guard lets it through
    return wrapper


@blp.route("/drafts/<id>/accept", methods=["POST"])
@_json_or_empty
@writes(blp)
@blp.arguments(AcceptIn(), example={})
@blp.response(201, AcceptOut)
def accept_draft(payload, id):  # noqa: A002
    """File the draft as a report (the reviewer's `claims`, else the proposed ones, checked like
    any report): `{draft, report}`. 409 if the draft is not open."""
    app = current_app.extensions["timeline"]
    _found(id)
    label = token_label()
    return idempotency.run(lambda idem: drafts.accept(
        app, id, payload.get("claims"), label, idempotency=idem, source=payload.get("source"),
        headline=payload.get("headline")))


@blp.route("/drafts/<id>/reject", methods=["POST"])
@writes(blp)
@blp.arguments(RejectIn(), example={"reason": "the article is an opinion piece"})
@blp.response(200, DraftOut)
def reject_draft(payload, id):  # noqa: A002
    """Reject an open draft, keeping the reason; 409 if it is not open."""
    app = current_app.extensions["timeline"]
    _found(id)
    label = token_label()
    return idempotency.run(lambda idem: drafts.reject(app, id, payload["reason"], label,
                                                      idempotency=idem), status=200)
