"""Drafts: an article's proposed claims (the `POST /extract` answer) kept for review, then
accepted (filed as a report, with the reviewer's edits) or rejected (with a reason).

A draft is an aggregate of its own, so its life is in the log like everything else:
`Opened` (text, proposal, who proposed it), then at most one `Accepted` (the report it became,
who accepted it) or `Rejected` (the reason, who rejected it). "At most one" is the event store's
own rule: a decision is the draft's version 2, and two racing decisions of one draft cannot
both be stored as version 2 (the loser's transaction, its report included, rolls back: a 409).

The read model keeps one row per draft (tl_drafts), written by `project()` with the events and
rebuilt from the log by `timeline replay` like every derived table.
"""

from __future__ import annotations

import inspect
import json
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from .domainmodel import Conflict, NotFound, api_time, db_time, db_to_api, parse_time, utc

STATUSES = ("open", "accepted", "rejected")
MAX_REASON = 2000
# The source of a draft accepted without one (text pasted on the page): says what it is.
NO_SOURCE = {"name": "unattributed draft", "kind": "draft"}


class Draft(Aggregate):
    TOPIC = "timeline.draft.v1"

    class Created(Aggregate.Created):
        TOPIC = "timeline.draft.created.v1"

    class Opened(Created):
        """An article and what the reader proposed from it, waiting for a reviewer."""

        TOPIC = "timeline.draft.opened.v1"
        text: str
        published_at: datetime
        source: dict[str, Any] | None
        proposed: dict[str, Any]
        proposed_by: str | None

    def __init__(self, text: str, published_at: datetime, source: dict[str, Any] | None,
                 proposed: dict[str, Any], proposed_by: str | None):
        self.text, self.published_at, self.source = text, published_at, source
        self.proposed, self.proposed_by = proposed, proposed_by
        self.status = "open"

    class Accepted(Aggregate.Event):
        """Filed as `report`, in the same transaction."""

        TOPIC = "timeline.draft.accepted.v1"
        report: str
        decided_by: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.status = "accepted"

    class Rejected(Aggregate.Event):
        TOPIC = "timeline.draft.rejected.v1"
        reason: str
        decided_by: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.status = "rejected"

    @classmethod
    def open(cls, *, text: str, published_at: datetime, source: dict[str, Any] | None,
             proposed: dict[str, Any], proposed_by: str | None) -> "Draft":
        return cls._create(cls.Opened, id=uuid4(), text=text, published_at=utc(published_at),
                           source=source, proposed=proposed, proposed_by=proposed_by)

    def accept(self, report: str, decided_by: str | None) -> None:
        self.must_be_open()
        self.trigger_event(self.Accepted, report=report, decided_by=decided_by)

    def reject(self, reason: str, decided_by: str | None) -> None:
        self.must_be_open()
        self.trigger_event(self.Rejected, reason=reason, decided_by=decided_by)

    def must_be_open(self) -> None:
        if self.status != "open":
            raise Conflict(f"the draft is already {self.status}: only an open draft can be "
                           "accepted or rejected", {"status": [f"already {self.status}"]})


# ---- the read model --------------------------------------------------------------------------

TABLE = """CREATE TABLE IF NOT EXISTS tl_drafts (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, position BIGINT NOT NULL,
    opened_at TEXT NOT NULL, data TEXT NOT NULL, decision TEXT, decided_position BIGINT)"""
INDEX = "CREATE INDEX IF NOT EXISTS tl_drafts_status ON tl_drafts (status, position)"

WRITE_SQL = {
    "draft": """INSERT INTO tl_drafts (id, status, position, opened_at, data)
                VALUES (:id, 'open', :position, :opened_at, :data)""",
    # Only an open draft is decided (the event store refuses a second decision anyway).
    "draft_decision": """UPDATE tl_drafts SET status = :status, decision = :decision,
                             decided_position = :position
                         WHERE id = :id AND status = 'open'""",
}

DIGEST_SQL = """SELECT d.status, l.ordinal, d.opened_at, d.data, d.decision, m.ordinal AS decided
                FROM tl_drafts d JOIN tl_log l ON l.position = d.position
                LEFT JOIN tl_log m ON m.position = d.decided_position ORDER BY l.ordinal"""


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def project(event: Any) -> list[tuple[str, dict[str, Any]]]:
    """Row operations of a draft's event (the recorder fills in `position`)."""
    if isinstance(event, Draft.Opened):
        data = {"text": event.text, "published_at": api_time(event.published_at),
                "source": event.source, "proposed": event.proposed,
                "proposed_by": event.proposed_by}
        return [("draft", {"id": str(event.originator_id), "opened_at": db_time(event.timestamp),
                           "data": _dumps(data)})]
    if isinstance(event, (Draft.Accepted, Draft.Rejected)):
        accepted = isinstance(event, Draft.Accepted)
        decision: dict[str, Any] = {"decided_by": event.decided_by,
                                    "decided_at": db_time(event.timestamp)}
        decision.update({"report": event.report} if accepted else {"reason": event.reason})
        return [("draft_decision", {"id": str(event.originator_id),
                                    "status": "accepted" if accepted else "rejected",
                                    "decision": _dumps(decision)})]
    return []


def view(row: dict[str, Any]) -> dict[str, Any]:
    """A draft as the API answers it."""
    data = json.loads(row["data"])
    decision = json.loads(row["decision"]) if row.get("decision") else {}
    return {"id": row["id"], "status": row["status"], "text": data["text"],
            "published_at": data["published_at"], "source": data.get("source"),
            "proposed": data["proposed"], "proposed_by": data.get("proposed_by"),
            "proposed_at": db_to_api(row["opened_at"]), "position": row["position"],
            "decided_by": decision.get("decided_by"),
            "decided_at": db_to_api(decision.get("decided_at")),
            "reason": decision.get("reason"), "report": decision.get("report")}


# ---- queries and commands (on a TimelineApplication) -----------------------------------------

def get(app: Any, draft_id: str) -> dict[str, Any] | None:
    try:
        UUID(draft_id)
    except (ValueError, TypeError, AttributeError):
        return None
    row = app.recorder.fetchone("SELECT * FROM tl_drafts WHERE id = :id", {"id": draft_id})
    return view(row) if row else None


def page(app: Any, status: str | None, limit: int, before: int | None
         ) -> tuple[list[dict[str, Any]], int | None]:
    """Newest first, by the opening's log position (keyset: a draft opened between two pages
    neither repeats nor skips one). Returns (drafts, the cursor's position or None)."""
    where, params = [], {"limit": limit + 1}
    if status:
        where.append("status = :status")
        params["status"] = status
    if before is not None:
        where.append("position < :before")
        params["before"] = before
    sql = ("SELECT * FROM tl_drafts" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY position DESC LIMIT :limit")
    rows = app.recorder.fetchall(sql, params)
    more = len(rows) > limit
    rows = rows[:limit]
    return [view(r) for r in rows], (rows[-1]["position"] if more else None)


def open_draft(app: Any, text: str, published_at: str, source: Any, proposed_by: str | None,
               idempotency: dict[str, Any] | None = None) -> dict[str, Any]:
    """Reads the article (as POST /extract does) and keeps the proposal as an open draft."""
    from .ingest.extract import extract

    found = extract(text, published_at, app.names, app.queries)
    proposed = {k: found[k] for k in ("claims", "unresolved", "language", "unsupported",
                                      "headline", "mentions", "dates") if k in found}
    if isinstance(source, str):
        source = {"name": source}
    source = {k: v for k, v in source.items() if v is not None} if source else None
    published = published_at if isinstance(published_at, datetime) else parse_time(published_at)
    draft = Draft.open(text=text, published_at=published, source=source, proposed=proposed,
                       proposed_by=proposed_by)
    events = list(draft.collect_events())
    answer = {"id": str(draft.id), "status": "open", "text": text,
              "published_at": api_time(draft.published_at), "source": source,
              "proposed": proposed, "proposed_by": proposed_by,
              "proposed_at": api_time(events[0].timestamp), "position": None,
              "decided_by": None, "decided_at": None, "reason": None, "report": None}
    positions = app.append(events, idempotency=idempotency, answer=answer)
    answer["position"] = positions[-1]
    return answer


def _load(app: Any, draft_id: str) -> Draft:
    if get(app, draft_id) is None:
        raise NotFound(f"no draft {draft_id!r}")
    return app.repository.get(UUID(draft_id))


def accept(app: Any, draft_id: str, claims: list[dict[str, Any]] | None, decided_by: str | None,
           idempotency: dict[str, Any] | None = None, source: Any = None,
           headline: str | None = None) -> dict[str, Any]:
    """Files the draft's report (the reviewer's `claims`, else the proposed ones, checked like
    any report) and marks the draft accepted, in one transaction: `{draft, report, position}`."""
    draft = _load(app, draft_id)
    draft.must_be_open()  # a decided draft is a 409 whatever the claims
    if isinstance(source, str):
        source = {"name": source}
    proposed = draft.proposed
    payload: dict[str, Any] = {
        "source": source or draft.source or dict(NO_SOURCE),
        "published_at": api_time(draft.published_at),
        "claims": list(proposed.get("claims") or []) if claims is None else claims,
        "body": draft.text}
    if headline or proposed.get("headline"):
        payload["headline"] = headline or proposed.get("headline")
    if proposed.get("language"):
        payload["language"] = proposed["language"]
    report_id = uuid4()
    draft.accept(str(report_id), decided_by)
    decision = list(draft.collect_events())
    decided = dict(get(app, draft_id) or {}, status="accepted", decided_by=decided_by,
                   decided_at=api_time(decision[0].timestamp), report=str(report_id))

    def also(report: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        # What an Idempotency-Key keeps: the whole answer (its `position`, the last event's, is
        # restored on a replay, and api/drafts.py copies it into `report`).
        return decision, {"draft": decided, "report": report, "position": None}

    try:
        report = app.file_report(payload, **_filing(app, decided_by, draft_id),
                                 report_id=report_id, idempotency=idempotency, also=also)
    except IntegrityError:
        raise _raced() from None
    return {"draft": decided, "report": report, "position": report["position"]}


def reject(app: Any, draft_id: str, reason: str, decided_by: str | None,
           idempotency: dict[str, Any] | None = None) -> dict[str, Any]:
    draft = _load(app, draft_id)
    draft.reject(reason, decided_by)
    events = list(draft.collect_events())
    answer = dict(get(app, draft_id) or {}, status="rejected", decided_by=decided_by,
                  decided_at=api_time(events[0].timestamp), reason=reason)
    try:
        app.append(events, idempotency=idempotency, answer=answer, status=200)
    except IntegrityError:
        raise _raced() from None
    return answer


def _filing(app: Any, label: str | None, draft_id: str) -> dict[str, Any]:
    """`filed_by` (the accepting token's label) and `draft` where file_report takes them (the
    sources branch adds `filed_by`)."""
    params = inspect.signature(app.file_report).parameters
    out: dict[str, Any] = {}
    if "filed_by" in params:
        out["filed_by"] = label
    if "draft" in params:
        out["draft"] = draft_id
    return out


def _raced() -> Conflict:
    return Conflict("the draft was accepted or rejected by another request just now",
                    {"status": ["already decided: only an open draft can be decided"]})
