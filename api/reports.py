"""Reports and claims: file a report (all its claims or none), read them back."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from werkzeug.exceptions import UnprocessableEntity

from timeline.readmodel import sources
from timeline.claims import name_errors
from timeline.domainmodel import db_time

from . import errors, idempotency
from .pagination import decode_cursor, encode_cursor, invalid_cursor, link_next
from .source_schemas import ReportListArgs, ReportPage, SourcePage
from .auth import check_reads, token_label, writes
from .schemas import ListArgs
from .claim_schemas import SEED_EXAMPLE, ClaimView, ReportCreated, ReportIn, ReportView

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
    @writes(blp)
    @blp.arguments(ReportIn(), example=SEED_EXAMPLE)
    @blp.response(201, ReportCreated)
    def post(self, payload):
        """File a report: its claims are appended together, or not at all."""
        app = current_app.extensions["timeline"]
        # Dumped through ReportCreated, the first answer and a replay (read back from the
        # idempotency store) are the same bytes, as API.md promises.
        filed_by = token_label()
        return idempotency.run(lambda idem: app.file_report(payload, idempotency=idem,
                                                            filed_by=filed_by))

    @blp.arguments(ReportListArgs(), location="query")
    @blp.response(200, ReportPage)
    def get(self, args):
        """Reports, newest published first: filter by `source` or `origin` (whole names, case-
        and diacritics-insensitive), `from`/`to` (published_at in [from, to)) and `filed_by`
        (the filing token's label)."""
        check_reads()
        app = current_app.extensions["timeline"]
        after, k = None, app.head()
        if args.get("cursor"):
            c = decode_cursor(args["cursor"], "p", "n", "i", "k")
            try:
                after = (str(c["p"]), int(c["n"]), str(c["i"]))
                k = int(c["k"])  # a paged walk sees one snapshot of the log
                if not (0 <= after[1] < 2**62 and 0 <= k < 2**62):
                    raise ValueError
            except (TypeError, ValueError, OverflowError):
                invalid_cursor()
        limit = args["limit"]
        items = sources.reports_page(
            app.recorder, k=k, source=args.get("source"), origin=args.get("origin"),
            start=db_time(args["from_"]) if args.get("from_") else None,
            end=db_time(args["to"]) if args.get("to") else None,
            filed_by=args.get("filed_by"), after=after, limit=limit + 1)
        nxt = None
        if len(items) > limit:
            items = items[:limit]
            p, n, i = items[-1]["_key"]
            nxt = encode_cursor({"p": p, "n": n, "i": i, "k": k})
        for item in items:
            item.pop("_key")
        return {"items": items, "next": nxt}, 200, link_next(nxt)


@blp.route("/sources")
class Sources(MethodView):
    @blp.arguments(ListArgs(), location="query")
    @blp.response(200, SourcePage)
    def get(self, args):
        """Origins of the reports (`source.via` if given, else `source.name`, compared case- and
        diacritics-insensitively), each as first written, with every distinct source name that
        relayed it, its number of reports and its first and last publication."""
        check_reads()
        app = current_app.extensions["timeline"]
        after, k = None, app.head()
        if args.get("cursor"):
            c = decode_cursor(args["cursor"], "o", "k")
            try:
                after, k = str(c["o"]), int(c["k"])
                if not 0 <= k < 2**62:
                    raise ValueError
            except (TypeError, ValueError, OverflowError):
                invalid_cursor()
        limit = args["limit"]
        items = sources.sources(app.recorder, k=k, after=after, limit=limit + 1)
        nxt = None
        if len(items) > limit:
            items = items[:limit]
            nxt = encode_cursor({"o": items[-1]["_key"], "k": k})
        for item in items:
            item.pop("_key")
        return {"items": items, "next": nxt}, 200, link_next(nxt)


@blp.route("/reports/<id>")
class OneReport(MethodView):
    @blp.response(200, ReportView)
    def get(self, id):  # noqa: A002 (the path variable of API.md)
        """A report with its claims, each with its current retracted/confidence."""
        check_reads()
        app = current_app.extensions["timeline"]
        report = app.queries.report(id)
        if report is None:
            abort(404, message=f"no report {id!r}")
        report.update(sources.of_report(app.recorder, id))  # v2: origin, filed_by
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
