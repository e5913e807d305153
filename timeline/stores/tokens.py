"""API tokens: created and revoked by `timeline token`, looked up by their SHA-256 on each
request that needs a role (api/auth.py). Only the hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone
from typing import Any

from ..domainmodel import DomainError, db_time, db_to_api
from ..readmodel.recorder import ReadModelRecorder

ROLES = ("reader", "writer", "admin")


class Tokens:
    """The tl_tokens table."""

    def __init__(self, recorder: ReadModelRecorder):
        self.recorder = recorder

    def create(self, role: str, label: str | None = None, replace: bool = False) -> str:
        """A new token; with `replace`, the active tokens of the same label are revoked in the
        same transaction (`make run` gets a fresh token each time, and the old ones stop)."""
        if role not in ROLES:
            raise DomainError(f"role must be one of {', '.join(ROLES)}")
        if replace and not label:
            raise DomainError("replacing tokens needs the label they were given")
        token = secrets.token_urlsafe(32)
        now = db_time(datetime.now(timezone.utc))
        with self.recorder.writing() as cursor:
            if replace:
                cursor.execute(self.recorder.sql(
                    "UPDATE tl_tokens SET revoked_at = :now WHERE label = :label "
                    "AND revoked_at IS NULL"), {"now": now, "label": label})
            cursor.execute(self.recorder.sql(
                "INSERT INTO tl_tokens (hash, role, label, created_at) "
                "VALUES (:hash, :role, :label, :created_at)"),
                {"hash": _hash(token), "role": role, "label": label, "created_at": now})
        return token

    def role(self, token: str) -> str | None:
        row = self._valid(token)
        return row["role"] if row is not None else None

    def role_and_label(self, token: str) -> tuple[str, str | None] | None:
        """(role, label) of a valid token, in one look (None if unknown or revoked)."""
        row = self._valid(token)
        return (row["role"], row["label"]) if row is not None else None

    def label(self, token: str) -> str | None:
        """The label of a valid token (None if it has none, or is unknown or revoked)."""
        row = self._valid(token)
        return row["label"] if row is not None else None

    def _valid(self, token: str) -> dict[str, Any] | None:
        """The row of a token that is neither unknown nor revoked."""
        digest = _hash(token)
        row = self.recorder.fetchone(
            "SELECT hash, role, label FROM tl_tokens WHERE hash = :hash AND revoked_at IS NULL",
            {"hash": digest})
        if row is None or not hmac.compare_digest(row["hash"], digest):
            return None
        return row

    def list(self) -> list[dict[str, Any]]:
        rows = self.recorder.fetchall(
            "SELECT hash, role, label, created_at, revoked_at FROM tl_tokens ORDER BY created_at")
        return [{"id": r["hash"][:12], "role": r["role"], "label": r["label"],
                 "created_at": db_to_api(r["created_at"]),
                 "revoked_at": db_to_api(r["revoked_at"])} for r in rows]

    def revoke(self, token_or_id: str) -> int:
        prefix = token_or_id if len(token_or_id) == 12 else _hash(token_or_id)
        with self.recorder.writing() as cursor:
            cursor.execute(self.recorder.sql(
                "UPDATE tl_tokens SET revoked_at = :now WHERE revoked_at IS NULL AND "
                "(hash = :hash OR substr(hash, 1, 12) = :prefix)"),
                {"now": db_time(datetime.now(timezone.utc)), "hash": prefix, "prefix": prefix})
            # eventsourcing's SQLite cursor wrapper hides rowcount; the sqlite3 cursor has it.
            return getattr(cursor, "sqlite_cursor", cursor).rowcount


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
