"""PostgreSQL backend: the library's application recorder, plus the read model in the same
schema and the same transaction as the events."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
import re
import threading
import time
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    Notification,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
import psycopg
from psycopg.rows import tuple_row
from psycopg.sql import SQL

from .recorder import ReadModelRecorder
from .tables import ALL_TABLES, TABLES


class Outage:
    """Fails fast while the PostgreSQL server is unreachable.

    Without it every request waits the pool's whole timeout (POSTGRES_CONNECT_TIMEOUT) for a
    connection that cannot come, then answers 503; under load those waits fill a worker's threads,
    and the requests queued behind them (reads too) time out before they are even looked at
    (tests/faults/). The pool timing out does not prove the server down (the pool may only be
    busy), so a direct connection attempt decides. While it fails, asking for a connection raises
    at once (a 503), and one request per `cooldown` tries the server again; the first that reaches
    it closes the outage. (pybreaker holds one lock around every guarded call, which would
    serialise all of a worker's queries.)"""

    def __init__(self, connect: Callable[[], Any], cooldown: float = 1.0,
                 clock: Callable[[], float] = time.monotonic):
        self._connect = connect
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._down_until = 0.0  # time.monotonic() before which the server is taken to be down
        self._probing = False
        self.since: float | None = None  # when the current outage was noticed

    def guard(self, connection: Callable[..., Any]) -> Callable[..., Any]:
        """The pool's `connection()`, refusing at once during an outage, and looking at the
        server when a connection could not be had or broke (not on a query's own error)."""

        @contextmanager
        def guarded_connection(timeout: float | None = None) -> Iterator[Any]:
            self.check()
            conn = None
            try:
                with connection(timeout=timeout) as conn:
                    yield conn
            except psycopg.OperationalError:
                if conn is None or conn.broken or conn.closed:
                    self.failed()
                raise

        return guarded_connection

    @property
    def down(self) -> bool:
        return self.since is not None

    def check(self) -> None:
        if self.since is None:  # the usual case: no lock taken
            return
        with self._lock:
            if self.since is None:
                return
            if self._probing or self._clock() < self._down_until:
                raise self._refusal()
            self._probing = True
        self._probe()

    def failed(self) -> None:
        """A connection could not be had in time, or broke: does the server answer at all?"""
        with self._lock:
            if self._probing or self.since is not None:
                return
            self._probing = True
        try:
            self._probe()
        except psycopg.OperationalError:
            pass  # the caller raises its own error

    def _probe(self) -> None:
        reached = False
        try:
            self._connect().close()
            reached = True
        except psycopg.Error as error:
            raise self._refusal() from error
        finally:  # whatever the attempt raised, the next request may look again
            with self._lock:
                if reached:
                    self.since = None
                else:
                    now = self._clock()
                    self.since = self.since if self.since is not None else now
                    self._down_until = now + self._cooldown
                self._probing = False

    def _refusal(self) -> psycopg.OperationalError:
        now = self._clock()
        since = self.since if self.since is not None else now
        return psycopg.OperationalError(
            f"PostgreSQL unreachable for {now - since:.1f} s; "
            f"trying it again every {self._cooldown:g} s")


class TimelinePostgresRecorder(ReadModelRecorder, PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        pool = self.datastore.pool
        probe_args = {k: v for k, v in pool.kwargs.items() if k != "row_factory"}
        self.outage = Outage(lambda: psycopg.connect(
            pool.conninfo, **probe_args, connect_timeout=2, autocommit=True))
        # Every query, the library's and ours, takes its connection through pool.connection().
        pool.connection = self.outage.guard(pool.connection)  # type: ignore[method-assign]
        self._cache: dict[str, str] = {}
        self._hook = threading.local()  # the constraint error of this thread's last hook
        schema = self.datastore.schema.replace('"', '""')
        self._qualify = (re.compile(r"\b(%s)\b" % "|".join(ALL_TABLES)), rf'"{schema}".\1')
        for statement in TABLES:
            self.sql_create_statements.append(SQL(self.sql(statement)))  # type: ignore[arg-type]
        self.events_table = f'"{schema}"."{self.events_table_name}"'

    # The library retries these 10 times, each attempt waiting up to the connect timeout for a
    # connection: with the server down a request would hang ~50 s. Two attempts still ride out
    # one dropped connection, and a client gets its 503 within seconds (tests/faults/).
    _quick = retry((InterfaceError, OperationalError), max_attempts=2, wait=0.2)

    def _insert_events_once(self, stored_events: Sequence[StoredEvent], **kwargs: Any):
        self._hook.error = None
        try:
            return PostgresApplicationRecorder.insert_events.__wrapped__(
                self, stored_events, **kwargs)
        except PersistenceError as error:
            hook_error = self._hook.error
            if hook_error is not None and not isinstance(hook_error, psycopg.errors.IntegrityError):
                raise hook_error from None  # the transaction rolled back (see the hook)
            if not isinstance(error, OperationalError):
                raise
            # When a read-model statement breaks a constraint (a claim retracted twice by two
            # racing writers), the library keeps that error aside and the COMMIT of psycopg's
            # aborted pipeline then raises PipelineAborted: answer with the real error (a 409),
            # not a 503 and a retry (tests/integration/test_concurrency.py).
            cause: BaseException | None = error
            while cause is not None:
                if isinstance(cause, IntegrityError):
                    raise cause from None
                cause = cause.__cause__ or cause.__context__
            if self._hook.error is not None:
                raise IntegrityError(str(self._hook.error)) from self._hook.error
            raise

    insert_events = _quick(_insert_events_once)
    select_notifications = _quick(PostgresApplicationRecorder.select_notifications.__wrapped__)
    max_notification_id = _quick(PostgresApplicationRecorder.max_notification_id.__wrapped__)
    select_events = _quick(PostgresApplicationRecorder.select_events.__wrapped__)

    def construct_pg_stored_event(self, *args: Any, **kwargs: Any) -> Any:
        # The library looks up its composite type once, when the recorder is made, and skips it
        # if the schema has none yet (another process, or a later `timeline migrate`, creating
        # the tables meanwhile): look it up again rather than fail every insert with
        # "Composite type 'stored_event_uuid' not found" (timeline/migrate.py register_types).
        if self.stored_event_type_name not in self.datastore.psycopg_python_types:
            self.datastore.register_type_adapters()
        return super().construct_pg_stored_event(*args, **kwargs)

    def unreachable(self) -> bool:
        return self.outage.down

    def sql(self, statement: str) -> str:
        """Schema-qualified table names and psycopg's %(name)s placeholders."""
        cached = self._cache.get(statement)
        if cached is None:
            pattern, replacement = self._qualify
            cached = self.placeholder_re.sub(r"%(\1)s", pattern.sub(replacement, statement))
            self._cache[statement] = cached
        return cached

    def rows(self, statement: str, params: dict[str, Any], cursor: Any) -> list[Sequence[Any]]:
        factory = cursor.row_factory  # the pool's dict_row, for every other query
        cursor.row_factory = tuple_row
        try:
            return super().rows(statement, params, cursor)
        finally:
            cursor.row_factory = factory

    def table(self, name: str) -> str:
        return self.sql(name)

    def positional(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        self.check_rows(stored_events, kwargs)  # before the INSERT, so an error rolls back
        self._hook.staged = self.staged_rows(stored_events, kwargs) if "projection" in kwargs else None
        super()._insert_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any):
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert ids is not None
        try:
            staged, self._hook.staged = self._hook.staged, None
            self.write_rows(curs, ids, kwargs, staged)
        except psycopg.errors.IntegrityError as error:
            self._hook.error = error
            raise
        except Exception as error:
            if isinstance(error, psycopg.Error) and (
                    error.sqlstate is not None
                    or isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError))):
                # the server's own error, or the connection's: the transaction is aborted or
                # gone, nothing commits, and the caller answers (or retries) as for any other
                raise
            # An error in Python (a value psycopg cannot send, such as a NUL in a text column,
            # fails here, on the client): the library catches it inside its transaction block,
            # which then COMMITs what was sent, the events without their rows. A statement that
            # fails on the server aborts the transaction, so that COMMIT rolls back; the caller
            # then raises this error (_insert_events_once).
            self._hook.error = error
            try:
                curs.execute("SELECT 1 / 0 AS abort_the_transaction")
            except psycopg.Error:
                pass  # the transaction failed anyway
            raise
        return ids

    def begin_rebuild(self, cursor: Any) -> list[str]:
        # Writers append under this lock (the library's LOCK TABLE ... IN EXCLUSIVE MODE): the
        # rebuild holds it to the end, so the log it reads does not grow under it (in READ
        # COMMITTED it saw events committed meanwhile, whose rows their writers had already put
        # in: a duplicate key). Writes wait (POSTGRES_LOCK_TIMEOUT, then a 503); reads go on,
        # on the read model as it was, until the rebuild commits.
        cursor.execute(f"LOCK TABLE {self.events_table} IN EXCLUSIVE MODE")
        return []  # DROP INDEX would lock readers out until the rebuild commits

    def stretch_sizes(self, cursor: Any, after: int, limit: int) -> list[tuple[int, int]]:
        cursor.execute(f"SELECT notification_id AS id, octet_length(state) AS n "
                       f"FROM {self.events_table} WHERE notification_id > %s "
                       "ORDER BY notification_id LIMIT %s", (after, limit))
        return [(r["id"], r["n"]) for r in cursor.fetchall()]

    def stretch_events(self, cursor: Any, lo: int, hi: int) -> list[Notification]:
        cursor.execute(f"SELECT notification_id, originator_id, originator_version, topic, state "
                       f"FROM {self.events_table} WHERE notification_id BETWEEN %s AND %s "
                       "ORDER BY notification_id", (lo, hi))
        return [Notification(id=row["notification_id"], originator_id=row["originator_id"],
                             originator_version=row["originator_version"], topic=row["topic"],
                             state=bytes(row["state"])) for row in cursor.fetchall()]

    def writing(self):
        return self.datastore.transaction(commit=True)
