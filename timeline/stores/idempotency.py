"""Idempotency-Keys: a key is first leased (a pending row, in its own transaction), then completed
in the same transaction as the events it answered for (readmodel/tables.py,
WRITE_SQL["idempotency"]). A lease older than IDEMPOTENCY_LEASE is taken to belong to a request
that died and may be taken over; the completion guard makes sure only one of two racing
requests commits. The HTTP side is api/idempotency.py."""

from __future__ import annotations

import hmac
import json
import os
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from eventsourcing.persistence import IntegrityError

from ..domainmodel import Conflict, DomainError, db_time
from ..readmodel.projection import dumps
from ..readmodel.recorder import ReadModelRecorder

# How long an answered Idempotency-Key is kept (documented in API.md / the OpenAPI document).
IDEMPOTENCY_TTL = timedelta(hours=float(os.environ.get("TIMELINE_IDEMPOTENCY_TTL_HOURS", "24")))
# A pending key older than this belongs to a request that died; a retry may take it over.
IDEMPOTENCY_LEASE = timedelta(seconds=float(os.environ.get("TIMELINE_IDEMPOTENCY_LEASE_SECONDS", "10")))


class IdempotencyKeys:
    """The tl_idempotency table."""

    def __init__(self, recorder: ReadModelRecorder):
        self.recorder = recorder
        self._pruned_at: datetime | None = None

    def complete(self, idempotency: dict[str, Any], answer: dict[str, Any], status: int) -> None:
        """Completes a leased Idempotency-Key for an answer that appended no events."""
        row = dict(idempotency, status=status, body=dumps(answer),
                   created_at=db_time(datetime.now(timezone.utc)), event_index=None)
        with self.recorder.writing() as cursor:
            self.recorder.write_rows(cursor, [], {"idempotency": [row]})

    def claim(self, key: str, fingerprint: str) -> dict[str, Any]:
        """Lease `key` for a new request, or say how to answer a retry:
        `{"lease": ...}` for a new request, `{"replay": (status, body)}` for a retry of a
        completed one; raises 422 (the key was used with another body) or 409 (the first request
        with this key is still running)."""
        self._prune()
        for _ in range(5):
            row = self.recorder.fetchone(
                "SELECT fingerprint, status, body, position, created_at FROM tl_idempotency "
                "WHERE key = :key", {"key": key})
            now = datetime.now(timezone.utc)
            if row is None:
                lease = secrets.token_hex(16)
                try:
                    with self.recorder.writing() as cursor:
                        cursor.execute(self.recorder.sql(
                            "INSERT INTO tl_idempotency (key, fingerprint, status, body, position, "
                            "created_at) VALUES (:key, :fingerprint, 0, :lease, NULL, :now)"),
                            {"key": key, "fingerprint": fingerprint, "lease": "lease:" + lease,
                             "now": db_time(now)})
                except IntegrityError:
                    # someone else leased it just now: look again (the library raises its
                    # IntegrityError for sqlite3's and for psycopg's UniqueViolation alike)
                    continue
                return {"key": key, "fingerprint": fingerprint, "lease": "lease:" + lease}
            expired = row["created_at"] < db_time(now - IDEMPOTENCY_TTL)
            if int(row["status"]) and expired:
                self._delete(key, row["body"])
                continue
            if not hmac.compare_digest(row["fingerprint"], fingerprint):
                raise DomainError("this Idempotency-Key was already used with a different request body",
                                  {"Idempotency-Key": ["reused with a different body"]})
            if int(row["status"]):
                body = json.loads(row["body"])
                if "position" in body and row["position"] is not None:
                    body["position"] = row["position"]
                return {"replay": (int(row["status"]), body)}
            if row["created_at"] >= db_time(now - IDEMPOTENCY_LEASE):
                raise Conflict("a request with this Idempotency-Key is still being processed; "
                               "retry shortly", {"Idempotency-Key": ["still being processed"]})
            # A stale lease: its request died. Take it over, unless someone else just did.
            lease = "lease:" + secrets.token_hex(16)
            with self.recorder.writing() as cursor:
                cursor.execute(self.recorder.sql(
                    "UPDATE tl_idempotency SET body = :lease, created_at = :now WHERE key = :key "
                    "AND status = 0 AND body = :old"),
                    {"lease": lease, "now": db_time(now), "key": key, "old": row["body"]})
                taken = getattr(cursor, "sqlite_cursor", cursor).rowcount
            if taken:
                return {"key": key, "fingerprint": fingerprint, "lease": lease}
        raise Conflict("a request with this Idempotency-Key is still being processed; retry shortly",
                       {"Idempotency-Key": ["still being processed"]})

    def release(self, idempotency: dict[str, Any]) -> None:
        """Drop the lease of a request that failed, so that a retry runs it again."""
        self._delete(idempotency["key"], idempotency["lease"])

    def _delete(self, key: str, body: str) -> None:
        with self.recorder.writing() as cursor:
            cursor.execute(self.recorder.sql(
                "DELETE FROM tl_idempotency WHERE key = :key AND body = :body"),
                {"key": key, "body": body})

    def _prune(self) -> None:
        """Forget completed keys older than IDEMPOTENCY_TTL (at most once a minute per process)."""
        now = datetime.now(timezone.utc)
        if self._pruned_at is not None and (now - self._pruned_at).total_seconds() < 60:
            return
        self._pruned_at = now
        with self.recorder.writing() as cursor:
            cursor.execute(self.recorder.sql(
                "DELETE FROM tl_idempotency WHERE status > 0 AND created_at < :cutoff"),
                {"cutoff": db_time(now - IDEMPOTENCY_TTL)})
