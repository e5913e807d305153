"""Creating the store's tables once and safely (`timeline migrate`, or the first start).

The library runs its table creation at every start unless CREATE_TABLE=no; on PostgreSQL two
processes doing that at once fail (`duplicate key value violates unique constraint
"pg_type_typname_nsp_index"`, `tuple concurrently updated`), and on a busy store a CREATE INDEX
IF NOT EXISTS waits for any lock on its table. So the application opens its store with
CREATE_TABLE=no and reads one row, the version of the schema it finds (a hash of the DDL this
code would run). Only when that is missing or different does it take the schema's advisory lock
(PostgreSQL `pg_advisory_lock`; SQLite: the writers' file lock), look again, and run the DDL under
a lock_timeout. Every wait is bounded: TIMELINE_MIGRATE_WAIT seconds (default 60) for another
process's migration, TIMELINE_MIGRATE_LOCK_TIMEOUT seconds (default 10) for a table lock."""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

SCHEMA_TABLE = "tl_schema"
# classid of our advisory locks (the objid is the schema's hash): "tl" in ASCII.
LOCK_CLASS = 0x746C


class MigrationTimeout(RuntimeError):
    """Another process held the schema's lock for longer than we may wait."""


def _wait() -> float:
    return float(os.environ.get("TIMELINE_MIGRATE_WAIT", "60"))


def _lock_timeout() -> float:
    return float(os.environ.get("TIMELINE_MIGRATE_LOCK_TIMEOUT", "10"))


def is_postgres(recorder: Any) -> bool:
    return hasattr(recorder, "sql_create_statements")


def _table(recorder: Any) -> str:
    if is_postgres(recorder):
        schema = recorder.datastore.schema.replace('"', '""')
        return f'"{schema}".{SCHEMA_TABLE}'
    return SCHEMA_TABLE


def _schema_ddl(recorder: Any) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {_table(recorder)} (id INTEGER PRIMARY KEY, "
            "version TEXT NOT NULL, migrated_at TEXT NOT NULL)")


def statements(recorder: Any) -> list[str]:
    """The DDL this code runs to create the store: the library's and the read model's."""
    if is_postgres(recorder):
        ddl = [s.as_string() for s in recorder.sql_create_statements]
    else:
        ddl = list(recorder.create_table_statements)
    return [*ddl, _schema_ddl(recorder)]


def version(recorder: Any) -> str:
    return hashlib.sha256("\n;\n".join(statements(recorder)).encode()).hexdigest()[:16]


def found_version(recorder: Any) -> str | None:
    """The version the store was last migrated to (None: never, or no such table yet)."""
    try:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT version FROM {_table(recorder)} WHERE id = 1")
            row = cursor.fetchone()
    except Exception:  # no table yet: the transaction is rolled back, nothing else happened
        return None
    if row is None:
        return None
    return row["version"] if hasattr(row, "keys") else row[0]


def is_current(recorder: Any) -> bool:
    return found_version(recorder) == version(recorder)


def ensure(recorder: Any) -> bool:
    """Migrates the store if its schema is not current; True if this call ran the DDL."""
    if is_current(recorder):
        ran = False
    else:
        ran = migrate(recorder, force=False)
    register_types(recorder)
    return ran


def register_types(recorder: Any) -> None:
    """PostgreSQL: looks up the composite type the library inserts events as
    (`stored_event_uuid`), if it was not found when the recorder was made.

    The library looks it up once, in the recorder's constructor, and silently skips it when the
    schema has no such type yet; every insert then fails with "Composite type
    'stored_event_uuid' not found". That happens when another process is creating the schema at
    that moment: by the time this one checks, the schema is current, so it runs no DDL (which
    would have registered the type). A no-op when the type is already known."""
    if is_postgres(recorder):
        recorder.datastore.register_type_adapters()


def migrate(recorder: Any, force: bool = True) -> bool:
    """Runs the DDL under the schema's lock (unless, with force=False, another process made
    the schema current meanwhile); True if it ran."""
    with schema_lock(recorder):
        if not force and is_current(recorder):
            register_types(recorder)
            return False
        if is_postgres(recorder):
            _create_postgres(recorder)
        else:
            _create_sqlite(recorder)
        return True


def _mark(recorder: Any, cursor: Any) -> None:
    table = _table(recorder)
    cursor.execute(_schema_ddl(recorder))
    params = {"v": version(recorder), "t": datetime.now(timezone.utc).isoformat()}
    if is_postgres(recorder):
        cursor.execute(f"INSERT INTO {table} (id, version, migrated_at) VALUES (1, %(v)s, %(t)s) "
                       "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                       "migrated_at = excluded.migrated_at", params)
    else:
        cursor.execute(f"INSERT INTO {table} (id, version, migrated_at) VALUES (1, :v, :t) "
                       "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                       "migrated_at = excluded.migrated_at", params)


def _create_sqlite(recorder: Any) -> None:
    # One transaction, under the writers' file lock (readmodel/sqlite.py): a deferred transaction that
    # reads, then writes, fails at once ("database is locked") when another did the same
    # meanwhile. The lock is held by a writer for one commit, by a replay for one stretch.
    import re

    with recorder.writer_lock(), recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        existing = {row[0] for row in cursor.fetchall()}
        for statement in recorder.create_table_statements:
            index = re.search(r"INDEX IF NOT EXISTS (\w+)", statement)
            # A replay beside the live model (timeline/readmodel/replay.py) leaves each index under one
            # of two names: not a second copy under the other.
            if index and index.group(1) + "__r" in existing:
                continue
            cursor.execute(statement)
        _mark(recorder, cursor)


def _create_postgres(recorder: Any) -> None:
    from psycopg.errors import DuplicateObject
    from psycopg.sql import SQL

    seconds = _lock_timeout()
    for statement in recorder.sql_create_statements:
        # CREATE TYPE has no IF NOT EXISTS: in its own transaction, as the library does.
        if "CREATE TYPE" in statement.as_string():
            with recorder.datastore.transaction(commit=True) as cursor, \
                    contextlib.suppress(DuplicateObject):
                cursor.execute(SQL("SET LOCAL lock_timeout = '{0}s'").format(seconds))
                cursor.execute(statement, prepare=False)
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(SQL("SET LOCAL lock_timeout = '{0}s'").format(seconds))
        recorder._create_table(cursor)  # noqa: SLF001 (skips CREATE TYPE, done above)
        _mark(recorder, cursor)
    recorder.datastore.register_type_adapters()


@contextlib.contextmanager
def schema_lock(recorder: Any) -> Iterator[None]:
    """PostgreSQL: the schema's session-level advisory lock, on a connection of its own, tried
    every 100 ms for at most TIMELINE_MIGRATE_WAIT seconds. SQLite: nothing here (_create_sqlite)."""
    if not is_postgres(recorder):
        yield
        return
    import psycopg

    pool = recorder.datastore.pool
    kwargs = {k: v for k, v in pool.kwargs.items() if k != "row_factory"}
    with psycopg.connect(pool.conninfo, **kwargs, autocommit=True) as conn:
        _acquire(conn, recorder.datastore.schema)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))",
                         (LOCK_CLASS, recorder.datastore.schema))


def _acquire(conn: Any, schema: str) -> None:
    deadline = time.monotonic() + _wait()
    while True:
        got = conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))",
                           (LOCK_CLASS, schema)).fetchone()[0]
        if got:
            return
        if time.monotonic() >= deadline:
            raise MigrationTimeout(
                f"another process has been creating the tables of schema {schema!r} for more "
                f"than {_wait():g} s (TIMELINE_MIGRATE_WAIT); is a `timeline migrate` stuck?")
        time.sleep(0.1)


def postgres_schema_lock(conn: Any, schema: str) -> None:
    """Takes the schema's advisory lock on `conn` (autocommit), for CREATE SCHEMA (config.py);
    released when the connection closes."""
    _acquire(conn, schema)
