"""`timeline replay` beside the old read model: the service keeps reading and writing meanwhile.

The new read model is built in shadow tables (SQLite: `tl_x__r` in the same file; PostgreSQL:
the same tables in a schema `<schema>_rebuild`) from the log, a stretch at a time, each stretch
in its own short transaction, while the service reads the old tables and its writes keep going
to the old tables (and the log). The rebuild then catches up from the log: it projects the
events appended meanwhile, again and again until few are left, and finally, holding the writers'
lock for that moment only, projects the last ones and swaps the tables in one transaction
(SQLite: DROP + ALTER TABLE RENAME; PostgreSQL: DROP + ALTER TABLE SET SCHEMA). A crash before
the swap leaves the old model serving; the next replay drops the leftovers first.

Bulk build: the shadow tables are filled in key order with their deferrable indexes absent
(recorder.ReadModelRecorder.DEFERRABLE_INDEXES), which are built once after the bulk load;
corrected effects are marked once, then per stretch while catching up (as the live path does).
PostgreSQL marks them before the deferred indexes are built, and ANALYZEs the shadow.
PostgreSQL: while the bulk build writes a stretch, a forked child process stages the next
straight into COPY's text format, and the deferred indexes are built two at a time.

SQLite's index names are per database, so the shadow's indexes take the other name of a pair
(`tl_log_ordinal` / `tl_log_ordinal__r`) than the live ones; after a swap the live indexes
have the other names, which sqlite.py follows (its INDEXED BY hint) and migrate.py knows."""

from __future__ import annotations

import concurrent.futures
import contextlib
import copy
import fcntl
import functools
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from .tables import DERIVED_TABLES
from .projection import REPORT_TOPIC, Staged, project, stage
from .projection import stage as projection_stage  # the child's: the bench's floor replaces stage

SUFFIX = "__r"  # SQLite: shadow tables, and the other name of each index
CATCH_UP_LEFT = 200  # events left behind the head when the final, locked step may start
# Events per stretch, one short transaction each. On SQLite the service's writers wait for each
# of the rebuild's transactions (one writer per file): at 1M claims a 5,000-event stretch held
# the lock 1-4 s, so its stretches are smaller; PostgreSQL's writers never wait for the shadow.
STRETCH = {"sqlite": 1_000, "postgres": 5_000}
# SQLite: positions whose corrections are marked in one transaction (~0.5 s at 1M claims);
# PostgreSQL marks the whole bulk build at once (Rebuild._mark_then_index).
MARK_CHUNK = 5_000
OLD = "__old"  # SQLite: the replaced tables, renamed in the swap, dropped just after
_TABLES = re.compile(r"\b(%s)\b" % "|".join(DERIVED_TABLES))
_INDEX = re.compile(r"INDEX IF NOT EXISTS (\w+)")
_TABLE_OF = re.compile(r"\bON (\w+)")


class ReplayRunning(RuntimeError):
    """Another `timeline replay` is building beside the same store."""


def is_postgres(recorder: Any) -> bool:
    return hasattr(recorder, "sql_create_statements")


def twin(name: str) -> str:
    """The other name of a SQLite index (see the module's docstring)."""
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name + SUFFIX


class Shadow:
    """The shadow read model: the live recorder's projection, pointed at the shadow tables."""

    def __init__(self, live: Any):
        self.live = live
        self.pg = is_postgres(live)
        if self.pg:
            self.schema = live.datastore.schema
            self.shadow_schema = (self.schema + "_rebuild")[:63]
            q = lambda s: '"' + s.replace('"', '""') + '"'  # noqa: E731
            self._live_q, self._shadow_q = q(self.schema), q(self.shadow_schema)
        self.recorder = copy.copy(live)
        self.recorder.__dict__.pop("_projection_sql", None)
        self.recorder.sql = self.sql  # project(), mark_corrections() and table() go through it
        self.index_names: dict[str, str] = {}  # canonical index name -> the shadow's

    def sql(self, statement: str) -> str:
        text = self.live.sql(statement)
        if self.pg:
            return re.sub(r"%s\.(%s)\b" % (re.escape(self._live_q), "|".join(DERIVED_TABLES)),
                          lambda m: f"{self._shadow_q}.{m.group(1)}", text)
        return _TABLES.sub(lambda m: m.group(1) + SUFFIX, text)

    # ---- the shadow's tables ----------------------------------------------------------------
    def ddl(self) -> tuple[list[str], list[str]]:
        """(statements creating the tables and the indexes a rebuild reads, deferred indexes)."""
        now, later = [], []
        deferrable = set(self.live.DEFERRABLE_INDEXES)
        for statement in self.live.table_statements():
            index = _INDEX.search(statement)
            table = (_TABLE_OF.search(statement) if index else
                     re.search(r"TABLE IF NOT EXISTS (\w+)", statement))
            if table is None or table.group(1) not in DERIVED_TABLES:
                continue
            text = statement
            if index and not self.pg:
                name = index.group(1)
                text = text.replace(f"INDEX IF NOT EXISTS {name}",
                                    f"INDEX IF NOT EXISTS {self.index_names.get(name, name)}", 1)
            (later if index and index.group(1) in deferrable else now).append(self.sql(text))
        return now, later

    def drop(self, cursor: Any) -> None:
        """Removes a shadow left by a replay that did not finish."""
        if self.pg:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self._shadow_q} CASCADE")
            return
        for table in DERIVED_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}{SUFFIX}")
            cursor.execute(f"DROP TABLE IF EXISTS {table}{OLD}")

    def create(self, cursor: Any) -> list[str]:
        """Creates the empty shadow; returns its deferred index statements."""
        if self.pg:
            cursor.execute(f"CREATE SCHEMA {self._shadow_q}")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            existing = {row[0] for row in cursor.fetchall()}
            for statement in self.live.table_statements():
                index = _INDEX.search(statement)
                if index:
                    name = index.group(1)
                    # the live index has one name of the pair: the shadow takes the other
                    self.index_names[name] = twin(name) if name in existing else name
        now, later = self.ddl()
        for statement in now:
            cursor.execute(statement)
        return later

    def analyze(self, cursor: Any) -> None:
        """PostgreSQL: the planner's statistics of the filled shadow. Without them it planned
        the correction marks for two rows where there were thousands (22 s at 1M claims), and
        the service would read the swapped-in tables on such guesses until autovacuum ran."""
        for table in DERIVED_TABLES:
            cursor.execute(f"ANALYZE {self._shadow_q}.{table}")

    def swap(self, cursor: Any) -> None:
        """Puts the shadow in place of the live tables (in the caller's transaction)."""
        for table in DERIVED_TABLES:
            if self.pg:
                cursor.execute(f"DROP TABLE {self._live_q}.{table}")
                cursor.execute(f"ALTER TABLE {self._shadow_q}.{table} SET SCHEMA {self._live_q}")
            else:
                # Renamed away, not dropped: freeing a big table's pages takes a while, and the
                # writers wait for this transaction.
                cursor.execute(f"ALTER TABLE {table} RENAME TO {table}{OLD}")
                cursor.execute(f"ALTER TABLE {table}{SUFFIX} RENAME TO {table}")
        if self.pg:
            cursor.execute(f"DROP SCHEMA {self._shadow_q}")

    def drop_old(self, writing: Callable[[], Any]) -> None:
        """SQLite: drops the replaced tables after the swap, their indexes first, one short
        transaction each (dropping a big table with all its indexes held the writers' lock
        up to 9 s at 1M claims: freeing pages is work per page)."""
        if self.pg:
            return
        for table in DERIVED_TABLES:
            with writing() as cursor:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = ? AND sql IS NOT NULL", (f"{table}{OLD}",))
                indexes = [row[0] for row in cursor.fetchall()]
            for index in indexes:
                with writing() as cursor:
                    cursor.execute(f"DROP INDEX IF EXISTS {index}")
            with writing() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {table}{OLD}")


class Rebuild:
    """One replay beside the live read model (see the module's docstring)."""

    def __init__(self, app: Any, progress: Callable[[int], Any] | None = None,
                 stretch: int | None = None, on_step: Callable[[str], Any] | None = None):
        self.app, self.live = app, app.recorder
        self.shadow = Shadow(self.live)
        backend = "postgres" if self.shadow.pg else "sqlite"
        self.progress, self.stretch = progress, stretch or STRETCH[backend]
        self.mark_chunk = MARK_CHUNK
        self.on_step = on_step or (lambda step: None)  # tests: a crash at a given step
        self.after = 0  # the last position written into the shadow
        self._read_after = 0  # the last position read from the log (one stretch ahead)
        self.count = 0
        self.in_child = True  # bulk staging in a child process (the bench's floor turns it off)
        self.staged_apart = False  # whether it was (tests)

    def run(self) -> int:
        with self._exclusive():
            with self._writing() as cursor:
                self.shadow.drop(cursor)
                deferred = self.shadow.create(cursor)
            self.on_step("created")
            self._bulk(upto=self.live.head())
            if self.shadow.pg:
                self._mark_then_index(deferred)
            else:
                self._index(deferred)
                for lo in range(0, self.after + 1, self.mark_chunk):  # corrections, by stretches
                    with self._writing() as cursor:  # of their positions: short transactions
                        self.shadow.recorder.mark_corrections(
                            cursor, lo, min(lo + self.mark_chunk - 1, self.after))
            self.on_step("built")
            for _ in range(1000):  # catch up, unlocked (bounded: writers faster than a
                if self.live.head() - self.after <= CATCH_UP_LEFT:  # rebuild get the rest
                    break  # in the final step)
                self._step(upto=None, bulk=False)
            self.on_step("caught up")
            with self._final() as cursor:
                while self._step(upto=None, bulk=False, cursor=cursor):
                    pass
                self.on_step("swapping")
                self.shadow.swap(cursor)
            self.shadow.drop_old(self._writing)
        return self.count

    def _bulk(self, upto: int) -> None:
        """Projects the log up to `upto` into the empty shadow, a stretch per transaction. On
        PostgreSQL, when there are several stretches, a child process stages the next one
        (projection.stage, pure Python: about 40% of a replay) while this one writes the
        current one: the two, and the database's work, then share the machine's cores instead
        of taking turns."""
        read = self._read(upto)
        if read is None:
            return
        with self._staging(several=upto > read[1]) as submit:
            pending = (*read, submit(read[2]))
            while pending is not None:
                ahead = self._read(upto)
                following = (*ahead, submit(ahead[2])) if ahead is not None else None
                lo, hi, events, staged = pending
                self._write(lo, hi, events, staged(), bulk=True)
                pending = following

    def _mark_then_index(self, deferred: list[str]) -> None:
        """PostgreSQL: the corrections marked over the whole build in one transaction (no
        writer waits for the shadow), before the deferred indexes: a marked effect then updates
        its table and key, not the five other indexes too, and the planner joins by hashing.
        At 1M claims marking took 22 s in 20,000-position chunks after the indexes, 8 s so."""
        with self._writing() as cursor:
            self.shadow.analyze(cursor)  # the marks' plans need the filled tables' statistics
            self.shadow.recorder.mark_corrections(cursor, 0, self.after)
        self._index(deferred)
        with self._writing() as cursor:
            self.shadow.analyze(cursor)  # and the service's, once swapped in

    def _index(self, statements: list[str]) -> None:
        """The indexes left out of the bulk load: one sort each, each in its own transaction
        (SQLite's writers wait for each). PostgreSQL: two at a time, on two connections (a
        sort is one server process's work; at 100k claims they were a fifth of a replay)."""
        def create(statement: str) -> None:
            with self._writing() as cursor:
                cursor.execute(statement)

        if not self.shadow.pg:
            for statement in statements:
                create(statement)
            return
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for done in [pool.submit(create, statement) for statement in statements]:
                done.result()

    def _step(self, upto: int | None, bulk: bool, cursor: Any = None) -> bool:
        """Projects the next stretch of the log (up to `upto`) into the shadow, in its own
        transaction unless given one; False when there was nothing to do."""
        with (contextlib.nullcontext(cursor) if cursor is not None
              else self.live.reading()) as reader:
            read = self._read(upto, reader)
        if read is None:
            return False
        lo, hi, events = read
        self._write(lo, hi, events, stage(stored(events)), bulk, cursor)
        return True

    def _read(self, upto: int | None, reader: Any = None) -> tuple[int, int, list[Any]] | None:
        """The next stretch after the last one read, up to `upto`: (lo, hi, its stored events),
        or None when there is none."""
        if reader is None:
            with self.live.reading() as reader:
                return self._read(upto, reader)
        lo, hi, n = self.live.stretch(reader, self._read_after, self.stretch)
        if not n or (upto is not None and lo > upto):
            return None
        if upto is not None and hi > upto:
            hi = upto
        events = list(self.live.stretch_events(reader, lo, hi))
        self._read_after = hi
        return lo, hi, events

    def _write(self, lo: int, hi: int, events: list[Any], staged: Any, bulk: bool,
               cursor: Any = None) -> None:
        """Writes a stretch's staged rows, and its reference data, into the shadow."""
        to_event = self.app.mapper.to_domain_event
        reference = [(e.id, project(to_event(e))) for e in events if e.topic != REPORT_TOPIC]
        with (contextlib.nullcontext(cursor) if cursor is not None else self._writing()) as writer:
            if bulk and self.shadow.pg:
                writer = self._copying(writer)
            self.shadow.recorder.project(writer, lo, hi, staged, reference, rebuilding=bulk)
        self.after = hi
        self.count += len(events)
        if self.progress is not None:
            self.progress(len(events))

    @contextlib.contextmanager
    def _staging(self, several: bool) -> Iterator[Callable[[list[Any]], Callable[[], Any]]]:
        """submit(events) -> a call that gives their staged rows. PostgreSQL, several
        stretches: staged in a child process, one stretch ahead, which also writes the rows as
        COPY text (this process, waiting on the database meanwhile, is sent a few byte strings
        instead of ~15 tuples per event to unpickle and format). Forked, not spawned: a spawned
        child imports the caller's main script again (any script calling replay would need a
        __main__ guard); the child runs only stage(), no connection and no lock of this
        process's threads. Not on SQLite: the service's writers wait for each of the rebuild's
        transactions, and staging here between them is what lets them in (tried at 1M claims on
        a busy machine: write p99 1.19 s with the child, 0.50 s without it in the last round,
        for a quiet replay 20-35% faster)."""
        if not several or not self.in_child or not self.shadow.pg:
            yield lambda events: functools.partial(stage, stored(events))
            return
        context = multiprocessing.get_context("fork")
        self.staged_apart = True
        # niced: the service's own requests come before the rebuild's staging on a busy host
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context, initializer=os.nice,
                                                    initargs=(10,)) as pool:
            yield lambda events: pool.submit(staged_for_copy, stored(events)).result

    def _copying(self, cursor: Any) -> Any:
        if not hasattr(self, "_copy_plan"):
            self._copy_plan = copy_plan(self.shadow.recorder)
            self._copy_seen: dict[str, set[tuple[Any, ...]]] = {}
        return Copying(cursor, self._copy_plan, self._copy_seen)

    # ---- transactions and locks --------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[Any]:
        """A short transaction on the shadow. SQLite: the store's one writer at a time, so the
        service's writes wait at most one stretch; PostgreSQL: no lock the service takes."""
        if self.shadow.pg:
            with self.live.datastore.transaction(commit=True) as cursor:
                # The shadow needs no durability before the swap (a crash leaves the old model
                # and the next replay drops the shadow): no WAL flush awaited per transaction.
                cursor.execute("SET LOCAL synchronous_commit = off")
                yield cursor
        else:
            with self.live.writing() as cursor:
                yield cursor

    @contextlib.contextmanager
    def _final(self) -> Iterator[Any]:
        """The writers' lock, for the last events and the swap (PostgreSQL: the events table's,
        as every writer takes it; a lock_timeout bounds the wait for readers of the old tables)."""
        if not self.shadow.pg:
            with self.live.writing() as cursor:
                yield cursor
            return
        with self.live.datastore.transaction(commit=True) as cursor:
            cursor.execute("SET LOCAL lock_timeout = '10s'")
            cursor.execute(f"LOCK TABLE {self.live.events_table} IN EXCLUSIVE MODE")
            yield cursor

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One replay at a time per store (they would share the shadow)."""
        if self.shadow.pg:
            import psycopg

            pool = self.live.datastore.pool
            kwargs = {k: v for k, v in pool.kwargs.items() if k != "row_factory"}
            with psycopg.connect(pool.conninfo, **kwargs, autocommit=True) as conn:
                got = conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))",
                                   (0x7472, self.shadow.schema)).fetchone()[0]
                if not got:
                    raise ReplayRunning("another `timeline replay` is running on this store")
                yield
            return
        path = f"{self.live.datastore.pool.db_name}-replay.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ReplayRunning("another `timeline replay` is running on this store") from None
            yield
        finally:
            os.close(fd)


def stored(events: list[Any]) -> list[tuple[int, str, Any, bytes]]:
    """Stored events as projection.stage takes them (and a child process is sent them)."""
    return [(e.id, e.topic, e.originator_id, e.state) for e in events]


# ---- PostgreSQL: the bulk build's plain INSERTs as COPY ---------------------------------------
# (table, whether duplicate rows are dropped: across the whole build, or within one statement)
_COPIED = {"log": "", "reports": "", "claims": "", "effects": "", "corrections": "",
           "deaths": "", "sources": "", "subjects": "build", "mentions": "stretch"}


def copy_plan(recorder: Any) -> dict[str, tuple[str, str, str]]:
    """statement (as the projection runs it) -> (COPY target, columns, dedupe) for the rows the
    bulk build inserts as they are. `ON CONFLICT DO NOTHING` tables drop duplicate rows first:
    a subject recurs across the build; a claim's mentions repeat only within its own stretch."""
    from .projection import STAGE_SQL

    plan = {}
    statements = recorder.projection_sql()
    for name, dedupe in _COPIED.items():
        match = re.match(r"\s*INSERT INTO (\w+) \(([^)]*)\)", STAGE_SQL[name])
        assert match, name
        plan[statements[name]] = (recorder.sql(match.group(1)), match.group(2), dedupe)
    return plan


# Rows the child process gives as COPY text: the tables copied as they are, and the mentions,
# whose duplicates are only within a stretch (the subjects' are across the build: dropped here;
# the log's ordinals continue the rows before the stretch: numbered here).
_AS_TEXT = tuple(name for name, dedupe in _COPIED.items() if dedupe != "build" and name != "log")
# COPY's text format: these characters in a value are written as backslash escapes; NULL is \N.
_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


class CopyText:
    """Rows already written in COPY's text format (len() is their number)."""

    __slots__ = ("data", "rows")

    def __init__(self, rows: list[tuple[Any, ...]]):
        self.rows = len(rows)
        self.data = "".join(["\t".join([_text(v) for v in row]) + "\n" for row in rows]).encode()

    def __len__(self) -> int:
        return self.rows


def _text(value: Any) -> str:
    if value.__class__ is str:
        if "\\" in value or "\n" in value or "\r" in value or "\t" in value:
            return value.translate(_ESCAPES)
        return value
    return "\\N" if value is None else str(value)  # the staged rows hold str, int and None


def staged_for_copy(events: list[tuple[int, str, Any, bytes]]) -> Staged:
    """stage(events), with the rows of _AS_TEXT as CopyText (run in the child process)."""
    staged = projection_stage(events)
    staged.mentions = list(dict.fromkeys(staged.mentions))
    for name in _AS_TEXT:
        setattr(staged, name, CopyText(getattr(staged, name)))
    return staged


class Copying:
    """A cursor whose executemany() of a planned INSERT runs one COPY instead (psycopg)."""

    def __init__(self, cursor: Any, plan: dict[str, tuple[str, str, str]],
                 seen: dict[str, set[tuple[Any, ...]]]):
        self._cursor, self._plan, self._seen = cursor, plan, seen

    def executemany(self, statement: str, rows: Any) -> None:
        target = self._plan.get(statement)
        if target is None:
            self._cursor.executemany(statement, rows)
            return
        table, columns, dedupe = target
        if isinstance(rows, CopyText):
            with self._cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(rows.data)
            return
        if dedupe:
            seen = self._seen.setdefault(table, set()) if dedupe == "build" else set()
            fresh = []
            for row in rows:
                key = tuple(row)
                if key not in seen:
                    seen.add(key)
                    fresh.append(key)
            rows = fresh
        with self._cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)
