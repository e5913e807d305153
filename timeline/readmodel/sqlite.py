"""SQLite backend: the library's application recorder, plus the read model in the same file
and the same transaction as the events."""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, Notification, StoredEvent
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteFactory,
)

from .queries import EARLY_HINT
from .recorder import ReadModelRecorder
from .tables import TABLES


# Per connection: the library's connect() passes cached_statements=True, which sqlite3 reads as a
# cache of ONE prepared statement, so every state query was compiled again (~100 us each, more
# than running it). Reads also get a larger page cache (32 MiB per connection) and
# memory-mapped I/O: with a long history the index pages a query touches are mostly not in
# SQLite's cache, and a mapped page costs no read() call (bench/ B1 at 1M claims). A rebuild,
# which touches every page, turns mmap off for its connection (its memory stays bounded).
# Durability is untouched: WAL with synchronous at its default, FULL.
STATEMENT_CACHE = 256
MMAP_SIZE = 1 << 32
# The WAL is copied back into the database (a checkpoint, with its own fsyncs) every 10,000
# pages instead of 1,000: a report dirties ~20 pages of indexes, so the default made every
# ~50th request pay for a checkpoint (bench/ B3).
PRAGMAS = ("PRAGMA cache_size = -32768", f"PRAGMA mmap_size = {MMAP_SIZE}",
           "PRAGMA wal_autocheckpoint = 10000")


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


# Tables that are nothing but their primary key (and a few columns) are stored as that key's
# b-tree (WITHOUT ROWID): one b-tree to write per row instead of two. tl_effects so ordered is
# what the state queries scan, with every column at hand, so SQLite needs no copy of it as a
# covering index (PostgreSQL keeps tl_effects_state: its tables are heaps).
CLUSTERED = ("tl_effects", "tl_subjects", "tl_corrections", "tl_mentions")
SQLITE_TABLES = [
    t + " WITHOUT ROWID" if re.match(rf"CREATE TABLE IF NOT EXISTS ({'|'.join(CLUSTERED)}) ", t)
    else t
    for t in TABLES if "tl_effects_state" not in t]


class TimelineSQLiteRecorder(ReadModelRecorder, SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.table_statements()]

    def table_statements(self) -> list[str]:
        return SQLITE_TABLES

    # The early effects' index, by the name it has now: a replay beside the live read model
    # (timeline/readmodel/replay.py) swaps in tables whose indexes have the other name of a pair.
    early_index = "tl_effects_early"

    def sql(self, statement: str) -> str:
        return statement.replace(EARLY_HINT, f" INDEXED BY {self.early_index}")

    def fetchall(self, statement: str, params: dict[str, Any] | None = None,
                 cursor: Any = None) -> list[dict[str, Any]]:
        return self._early_index(super().fetchall, statement, params, cursor)

    def rows(self, statement: str, params: dict[str, Any], cursor: Any) -> list[Sequence[Any]]:
        return self._early_index(self._tuples, statement, params, cursor)

    def _tuples(self, statement: str, params: dict[str, Any], cursor: Any) -> list[Sequence[Any]]:
        raw = cursor.sqlite_cursor  # plain tuples: sqlite3.Row costs a tenth of B2's statement
        factory, raw.row_factory = raw.row_factory, None
        try:
            return super().rows(statement, params, cursor)
        finally:
            raw.row_factory = factory

    def _early_index(self, run: Any, statement: str, params: Any, cursor: Any) -> Any:
        try:
            return run(statement, params, cursor)
        except Exception as error:  # sqlite3's, or the library's wrapping of it
            if EARLY_HINT not in statement or "no such index" not in str(error):
                raise
            # another process swapped in a rebuilt read model: look its index up, once
            row = super().fetchone(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tl_effects' "
                "AND name IN ('tl_effects_early', 'tl_effects_early__r')", None, cursor)
            if row is None:
                raise
            self.early_index = row["name"]
            return run(statement, params, cursor)

    # Writers of several processes (gunicorn workers, `timeline replay`) take turns on a file
    # lock before BEGIN. SQLite's own busy handler would also serialise them, but by polling
    # with sleeps of up to 100 ms: under concurrent POSTs that made p99 latency ~180 ms and
    # halved throughput. A blocked flock wakes as soon as the other writer commits.
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._lock_guard = threading.RLock()  # re-entrant: writing() may nest in one thread
        self._lock_depth = 0
        self._lock_fd: int | None = None
        self._lock_pid: int | None = None

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        pool = self.datastore.pool
        if pool.is_sqlite_memory_mode:
            yield
            return
        with self._lock_guard:
            if self._lock_depth == 0:
                if self._lock_fd is None or self._lock_pid != os.getpid():  # after a fork
                    self._lock_fd = os.open(f"{pool.db_name}-writer.lock",
                                            os.O_RDWR | os.O_CREAT, 0o644)
                    self._lock_pid = os.getpid()
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                if self._lock_depth == 0:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def begin_rebuild(self, cursor: Any) -> list[str]:
        cursor.execute("PRAGMA mmap_size = 0")
        for name in self.DEFERRABLE_INDEXES:  # the other name of the pair (timeline/readmodel/replay.py)
            cursor.execute(f"DROP INDEX IF EXISTS {name}__r")
        return super().begin_rebuild(cursor)

    def finish_rebuild(self, cursor: Any, statements: list[str]) -> None:
        # CREATE INDEX sorts in memory up to the page cache's size, then spills to temporary
        # files: a small cache meanwhile keeps the peak memory of a rebuild flat in the log's
        # length (bench/ B4), for a slightly slower merge.
        cursor.execute("PRAGMA cache_size = -8192")
        super().finish_rebuild(cursor, statements)
        cursor.execute(PRAGMAS[0])
        cursor.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")

    def stretch_sizes(self, cursor: Any, after: int, limit: int) -> list[tuple[int, int]]:
        cursor.execute(f"SELECT rowid, length(state) FROM {self.events_table_name} "
                       "WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, limit))
        return [(r[0], r[1]) for r in cursor.fetchall()]

    def stretch_events(self, cursor: Any, lo: int, hi: int) -> list[Notification]:
        """Read through the rebuild's own connection (mmap off; the log is not written by a
        rebuild, so its transaction sees the same events as any other reader)."""
        cursor.execute(f"SELECT rowid, * FROM {self.events_table_name} WHERE rowid BETWEEN ? "
                       "AND ? ORDER BY rowid", (lo, hi))
        return [Notification(id=row["rowid"], originator_id=row["originator_id"],
                             originator_version=row["originator_version"], topic=row["topic"],
                             state=row["state"]) for row in cursor.fetchall()]

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any):
        with self.writer_lock():
            return super().insert_events(stored_events, **kwargs)

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any):
        self.check_rows(stored_events, kwargs)
        staged = self.staged_rows(stored_events, kwargs) if "projection" in kwargs else None
        ids = super()._insert_events(c, stored_events, **kwargs)
        assert ids is not None
        self.write_rows(c, ids, kwargs, staged)
        return ids

    @contextmanager
    def writing(self) -> Iterator[Any]:
        with self.writer_lock(), self.datastore.transaction(commit=True) as cursor:
            yield cursor
