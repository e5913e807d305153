"""SQLite backend: the library's application recorder, plus the read model in the same file
and the same transaction as the events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

from .persistence import TABLES, ReadModelRecorder


class TimelineSQLiteRecorder(ReadModelRecorder, SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *TABLES]

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any):
        self.check_rows(stored_events, kwargs)
        ids = super()._insert_events(c, stored_events, **kwargs)
        assert ids is not None
        self.write_rows(c, ids, kwargs)
        return ids

    def writing(self):
        return self.datastore.transaction(commit=True)

    def select_positions(self, after: int, limit: int, cursor: Any) -> list[int]:
        cursor.execute("SELECT rowid FROM stored_events WHERE rowid > ? ORDER BY rowid LIMIT ?",
                       (after, limit))
        return [r[0] for r in cursor.fetchall()]
