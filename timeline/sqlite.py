"""SQLite backend: the library's application recorder, plus the read model in the same file
and the same transaction as the events."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, StoredEvent
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteFactory,
)

from .persistence import TABLES, ReadModelRecorder


# Per connection: the library's connect() passes cached_statements=True, which sqlite3 reads as a
# cache of ONE prepared statement, so every state query was compiled again (~100 us each, more
# than running it). Reads also get a larger page cache and memory-mapped I/O. Durability is
# untouched: WAL with synchronous at its default, FULL.
STATEMENT_CACHE = 256
PRAGMAS = ("PRAGMA cache_size = -32768", "PRAGMA mmap_size = 1073741824",
           "PRAGMA temp_store = MEMORY")


class TimelineSQLiteConnectionPool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        try:
            c = sqlite3.connect(database=self.db_name, uri=True, check_same_thread=False,
                                isolation_level=None, cached_statements=STATEMENT_CACHE,
                                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT)
        except (sqlite3.Error, TypeError) as e:
            raise InterfaceError(e) from e
        if not self.is_sqlite_memory_mode and not self.is_journal_mode_wal:
            mode = c.execute("PRAGMA journal_mode;").fetchone()[0]
            if mode.lower() != "wal":
                c.execute("PRAGMA journal_mode=WAL;")
                self.journal_mode_was_changed_to_wal = True
            self.is_journal_mode_wal = True
        for pragma in PRAGMAS:
            c.execute(pragma)
        c.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=c, max_age=self.max_age)


class TimelineSQLiteFactory(SQLiteFactory):
    """The library's SQLite factory with the connection settings above."""

    def __init__(self, env: Any):
        super().__init__(env)
        old = self.datastore.pool
        self.datastore.pool = TimelineSQLiteConnectionPool(
            db_name=old.db_name, lock_timeout=old.lock_timeout, pool_size=old.pool_size,
            max_overflow=old.max_overflow, pool_timeout=old.pool_timeout, max_age=old.max_age,
            pre_ping=old.pre_ping)
        old.close()


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
