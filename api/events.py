"""The log and the history: `/events` (the log in record order), `/events/stream` (the same items
as Server-Sent Events) and `/timeline` (claims in valid-time order with the changes they caused)."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from timeline.domainmodel import DomainError, db_time
from timeline.lifecycle import STOPPING

from .auth import bearer, check_reads
from .pagination import decode_cursor, encode_cursor, invalid_cursor, link_next
from .schemas import EventPage, EventsArgs, StreamArgs, StreamHeaders
from .claim_schemas import TimelineArgs, TimelinePage

blp = Blueprint("events", __name__, description="The event log, its live stream, and the "
                                                  "history replayed")

# A stream holds a server thread: its life is bounded, and so is their number per process.
STREAM_LIFETIME = float(os.environ.get("TIMELINE_SSE_LIFETIME_SECONDS", "300"))
STREAM_POLL = float(os.environ.get("TIMELINE_SSE_POLL_SECONDS", "0.5"))
STREAM_HEARTBEAT = float(os.environ.get("TIMELINE_SSE_HEARTBEAT_SECONDS", "15"))
MAX_STREAMS = int(os.environ.get("TIMELINE_SSE_MAX_STREAMS", "4"))


class _Slots:
    """Open streams of one app (one per worker process under `timeline serve`)."""

    def __init__(self) -> None:
        self.open = 0
        self.lock = threading.Lock()

    def take(self, limit: int) -> bool:
        with self.lock:
            if self.open >= limit:
                return False
            self.open += 1
            return True

    def give_back(self) -> None:
        with self.lock:
            self.open -= 1


# ---- the log ---------------------------------------------------------------------------------------

@blp.route("/events")
class Events(MethodView):
    @blp.arguments(EventsArgs(), location="query")
    @blp.response(200, EventPage)
    def get(self, args):
        """The log in record order, a page at a time: `after` a position, or the `next` cursor."""
        check_reads()
        after = args["after"]
        if args.get("cursor") is not None:
            if not re.fullmatch(r"[0-9]{1,18}", args["cursor"]):
                invalid_cursor()
            after = int(args["cursor"])
        app = current_app.extensions["timeline"]
        items = app.log_page(after=after, limit=args["limit"] + 1)
        more = len(items) > args["limit"]
        items = items[:args["limit"]]
        # The log pages by position: `next` works as `cursor=` and as `after=`.
        nxt = str(items[-1]["position"]) if more else None
        return {"items": items, "next": nxt}, 200, link_next(nxt)


def _sse(item: dict[str, Any]) -> str:
    return f"id: {item['position']}\ndata: {json.dumps(item, ensure_ascii=False)}\n\n"


STREAM_DESCRIPTION = (
    "Server-Sent Events: each event's `id:` is its log position and `data:` the same JSON "
    "item as in `/events`. Comment lines are heartbeats. The server closes the stream after "
    "a bounded time; EventSource reconnects and resumes with `Last-Event-ID`.")

# One event of the stream, as EventSource (and OpenAPI 3.2's text/event-stream) sees it.
SSE_EVENT = {"type": "object", "description": "one event of the stream", "properties": {
    "id": {"type": "string", "pattern": "^[0-9]{1,18}$", "description": "the log position"},
    "event": {"type": "string", "enum": ["message"]},
    "data": {"type": "string", "description": "the item as in `/events` (JSON text): "
                                              "`{position, id, type, recorded_at, stream, data}`"},
    "retry": {"type": "integer"}}}


@blp.route("/events/stream")
class Stream(MethodView):
    @blp.arguments(StreamArgs(), location="query")
    @blp.arguments(StreamHeaders(), location="headers")
    @blp.doc(responses={"200": {"description": STREAM_DESCRIPTION, "content": {
        "text/event-stream": {"schema": SSE_EVENT, "example": (
            "retry: 2000\n: stream of the log after position 41\n\n"
            'id: 42\ndata: {"position": 42, "id": "...:1", "type": "timeline.report.filed.v1", '
            '...}\n\n: heartbeat\n\n')}}}})
    @blp.response(200, content_type="text/event-stream", description=STREAM_DESCRIPTION)
    def get(self, args, headers):
        """Live stream of the log as Server-Sent Events, resumable with `Last-Event-ID`."""
        check_reads()
        app = current_app.extensions["timeline"]
        metrics = current_app.extensions.get("metrics")
        after = _stream_start(app, args, headers)
        lifetime = float(current_app.config.get("SSE_LIFETIME", STREAM_LIFETIME))
        poll = float(current_app.config.get("SSE_POLL", STREAM_POLL))
        heartbeat = float(current_app.config.get("SSE_HEARTBEAT", STREAM_HEARTBEAT))
        limit = int(current_app.config.get("SSE_MAX_STREAMS", MAX_STREAMS))
        slots = current_app.extensions.setdefault("sse_slots", _Slots())
        if not slots.take(limit):
            abort(503, message=f"too many open streams on this worker ({limit}); "
                  "retry shortly or page /events", headers={"Retry-After": "5"})

        if metrics:
            metrics.streams.inc()

        def release() -> None:
            # Runs when the server closes the response, whether or not it was ever iterated.
            slots.give_back()
            if metrics:
                metrics.streams.dec()

        # When reads need a token, the stream's token is looked up again before each page of
        # events (at least every poll, 0.5 s): a stream opened before the token's revocation
        # delivered events filed after it, for its whole lifetime (issue 15).
        token = None if current_app.config.get("PUBLIC_READS", True) else bearer()

        stream = _stream(app, after, token, lifetime=lifetime, poll=poll, heartbeat=heartbeat)
        response = Response(stream, mimetype="text/event-stream")
        response.call_on_close(release)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Accel-Buffering"] = "no"
        return response


def _stream_start(app: Any, args: dict[str, Any], headers: dict[str, Any]) -> int:
    """The log position a stream starts after: Last-Event-ID (a reconnection), else `after`,
    else the head of the log (only what is appended from now on)."""
    last_id = headers.get("last_event_id")
    if last_id is not None:
        if not re.fullmatch(r"[0-9]{1,18}", last_id):
            abort(400, message="Last-Event-ID must be a log position (digits)",
                  errors={"Last-Event-ID": ["a log position"]})
        return int(last_id)
    if args.get("after") is not None:
        return args["after"]
    return app.recorder.max_notification_id() or 0


def _stream(app: Any, after: int, token: str | None, *, lifetime: float, poll: float,
            heartbeat: float) -> Iterator[str]:
    """The stream's text: pages of the log after `after`, heartbeats while idle, until its
    lifetime ends, the worker stops or the token (when reads need one) is revoked."""
    cursor = after
    yield f"retry: 2000\n: stream of the log after position {cursor}\n\n"
    deadline = time.monotonic() + lifetime
    beat = time.monotonic()
    while time.monotonic() < deadline and not STOPPING.is_set():
        if token is not None and app.token_role(token) is None:
            yield ": the token was revoked; the stream ends\n\n"
            return
        items = app.log_page(after=cursor, limit=500)
        for item in items:
            yield _sse(item)
            cursor = item["position"]
        if items:
            beat = time.monotonic()
            continue
        if time.monotonic() - beat >= heartbeat:
            yield ": heartbeat\n\n"
            beat = time.monotonic()
        STOPPING.wait(min(poll, max(0.0, deadline - time.monotonic())))
    if STOPPING.is_set():
        yield ": this worker is stopping; reconnect with Last-Event-ID\n\n"
    else:
        yield ": lifetime reached; reconnect with Last-Event-ID\n\n"


# ---- the history replayed ---------------------------------------------------------------------------

@blp.route("/timeline")
class Timeline(MethodView):
    @blp.arguments(TimelineArgs(), location="query")
    @blp.response(200, TimelinePage)
    def get(self, args):
        """Claims in valid-time order, each with the state changes it caused, as known at
        `known_at`; filter by `city`, `faction` (with sub-factions), `leader`, `from`, `to`."""
        check_reads()
        return timeline_page(args)


def timeline_page(args: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Shared by `/timeline` and its CSV export: the page, its status and its Link header."""
    app = current_app.extensions["timeline"]
    after = None
    known_at = args.get("known_at")
    if args.get("cursor"):
        c = decode_cursor(args["cursor"], "t", "p", "s", "k")
        try:
            after = (str(c["t"]), int(c["p"]), int(c["s"]))
            known_at = int(c["k"])  # a paged walk sees one snapshot of the log
            if not all(0 <= n < 2**62 for n in (after[1], after[2], known_at)) or not re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", after[0]):
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            invalid_cursor()
    p = app.queries.point(known_at=known_at, min_confidence=args.get("min_confidence", "reported"),
                          published_by=args.get("published_by"))
    entities: list[list[str]] = []
    names = app.names
    errors: dict[str, list[str]] = {}
    for field, kind in (("city", "place"), ("faction", "faction"), ("leader", "leader")):
        if args.get(field):
            try:
                entity = names.resolve(kind, args[field], field)
            except DomainError as e:
                errors.update(e.errors)
                continue
            family = app.queries.subfactions(entity) if kind == "faction" else {entity}
            entities.append(sorted(f"{kind}:{e}" for e in family))
    if errors:
        raise DomainError("; ".join(f"{k}: {v[0]}" for k, v in errors.items()), errors)
    start = db_time(args["from_"]) if args.get("from_") else None
    end = db_time(args["to"]) if args.get("to") else None
    limit = args["limit"]
    items = app.timeline(p, start=start, end=end, entities=entities, after=after, limit=limit + 1,
                         source=args.get("source"))
    more = len(items) > limit
    items = items[:limit]
    nxt = None
    if more:
        last = items[-1]
        nxt = encode_cursor({"t": db_time_of(last["at"]), "p": last["position"],
                             "s": last["_seq"], "k": p.k})
    for item in items:
        item.pop("_seq", None)
    body = {"known_at": p.known_at, "position": p.k, "items": items, "next": nxt}
    return body, 200, link_next(nxt)


def db_time_of(api_text: str) -> str:
    from timeline.domainmodel import parse_time

    return db_time(parse_time(api_text))
