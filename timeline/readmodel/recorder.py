"""The read model's recorder: rows written in the events' transaction, and the queries' seeks
(their SQL: queries.py; the tables: tables.py; the digest: digest.py).

Backend-neutral. `ReadModelRecorder` is mixed into the SQLite and PostgreSQL application
recorders (sqlite.py, postgres.py), which call `write_rows()` on the cursor of the transaction
that inserts the events. SQL is written once, with `:name` parameters; PostgreSQL converts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from . import digest, queries
from .projection import (
    MARK_SQL,
    OP_ORDER,
    STAGE_SQL,
    Op,
    Staged,
    number_log,
    stage,
)
from .queries import (
    CLASH_SQL,
    CLASHES_SQL,
    DISSOLVES_SQL,
    EARLY_INSTANTS_SQL,
    END,
    HISTORY_SQL,
    INSTANTS_SQL,
    LATEST_SQL,
    STRETCH_HEAD_SQL,
    WORLD_COLUMNS,
)
from .tables import DERIVED_TABLES, TABLES, WRITE_SQL


class ReadModelRecorder:
    """Mixin: read-model DDL, row writing inside the event transaction, and queries.

    Subclasses provide `self.datastore` (with `transaction(commit=...)`) and `sql()`.
    """

    placeholder_re = re.compile(r":([a-z_][a-z0-9_]*)")

    def sql(self, statement: str) -> str:  # overridden by SQLite and PostgreSQL
        return statement

    def positional(self, statement: str) -> str:
        """`?` parameters (projection.STAGE_SQL) in this backend's style."""
        return statement

    def unreachable(self) -> bool:
        """Whether the database server is known to be out of reach (an embedded file never is)."""
        return False

    def writing(self) -> AbstractContextManager[Any]:
        """A write transaction's cursor (sqlite.py, postgres.py)."""
        raise NotImplementedError

    def writer_lock(self) -> AbstractContextManager[Any]:
        """Taken before a write transaction (SQLite: the writers' file lock)."""
        return nullcontext()

    # ---- writing ----------------------------------------------------------------------------
    @staticmethod
    def check_rows(stored_events: Sequence[Any], kwargs: dict[str, Any]) -> None:
        """Called before the INSERT: a mismatch must fail while it can still roll back."""
        projection = kwargs.get("projection")
        if projection is not None and len(projection) != len(stored_events):
            raise ValueError(f"{len(projection)} projections for {len(stored_events)} events")

    def stage_events(self, stored_events: Sequence[Any]) -> Staged:
        """Called before the INSERT (an error must fail while it can still roll back): the rows
        of these events, by index until the INSERT gives their positions."""
        return stage((i, e.topic, e.originator_id, e.state) for i, e in enumerate(stored_events))

    def staged_rows(self, stored_events: Sequence[Any], kwargs: dict[str, Any]) -> Staged:
        """The rows of these events: as the caller staged them beforehand (`staged`: the
        application does it outside the writers' lock, see application._Job), else staged now."""
        staged = kwargs.get("staged")
        if staged is None:
            return self.stage_events(stored_events)
        if len(staged.log) != len(stored_events):
            raise ValueError(f"{len(staged.log)} staged events for {len(stored_events)} events")
        return staged

    def write_rows(self, cursor: Any, ids: Sequence[int], kwargs: dict[str, Any],
                   staged: Staged | None = None) -> None:
        """Runs in the events' transaction, after the INSERT gave positions. Only SQL here: a
        Python error raised after the INSERT would not roll back on PostgreSQL."""
        projection: list[list[Op]] | None = kwargs.get("projection")
        if projection is not None and ids and staged is not None:
            # One transaction's positions are consecutive: the writer holds the store's write
            # lock (SQLite) or the events table's lock (PostgreSQL) from INSERT to COMMIT.
            self.project(cursor, min(ids), max(ids), staged.at(ids),
                         list(zip(ids, projection, strict=True)))
        for row in kwargs.get("idempotency") or ():
            # row["event_index"] is the index of the last event the request appended.
            params = {k: v for k, v in row.items() if k != "event_index"}
            params["position"] = ids[row["event_index"]] if row["event_index"] is not None else None
            params.setdefault("lease", "")
            cursor.execute(self.sql(WRITE_SQL["idempotency"]), params)
            cursor.execute(self.sql(WRITE_SQL["idempotency_guard"]), params)

    # ---- the projection ----------------------------------------------------------------------
    def projection_sql(self) -> dict[str, str]:
        """The projection's statements in this backend's SQL (built once per recorder)."""
        cached = self.__dict__.get("_projection_sql")
        if cached is None:
            cached = {name: self.sql(self.positional(sql)) for name, sql in STAGE_SQL.items()}
            cached.update({name: self.sql(sql) for name, sql in MARK_SQL.items()})
            self.__dict__["_projection_sql"] = cached
        return cached

    def project(self, cursor: Any, lo: int, hi: int, staged: Staged,
                positioned: list[tuple[int, list[Op]]], rebuilding: bool = False) -> None:
        """The read-model rows of the events at positions lo..hi: `staged` (projection.stage),
        plus reference data from `positioned` (position, project(event)). A rebuild marks
        corrected effects only once, at the end (`mark_corrections`), when its indexes are
        back. Rows go in in key order: a long rebuild's inserts then touch neighbouring
        pages."""
        sql = self.projection_sql()
        if staged.log:
            cursor.execute(sql["log_last"], {"lo": lo})
            last = cursor.fetchone()
            if last is not None:
                last = (last["ordinal"], last["rmax"]) if isinstance(last, dict) else tuple(last)
            rows = number_log(staged.log, last)
            cursor.executemany(sql["log"], rows)
        grouped: dict[str, list[dict[str, Any]]] = {k: [] for k in OP_ORDER}
        for position, ops in positioned:
            for name, params in ops:
                grouped[name].append(dict(params, position=position))
        for name in OP_ORDER:
            if grouped[name]:
                # executemany runs the statement once per row, in order, so "name" rows see
                # the "entity" rows written before them.
                cursor.executemany(self.sql(WRITE_SQL[name]), grouped[name])
        if not staged.reports:
            return
        cursor.executemany(sql["reports"], staged.reports)
        cursor.executemany(sql["claims"], staged.claims)
        for name in ("effects", "subjects", "mentions"):
            rows = getattr(staged, name)
            if rows:
                cursor.executemany(sql[name], rows)
        if staged.corrections:
            cursor.executemany(sql["corrections"], staged.corrections)
            if not rebuilding:
                self.mark_corrections(cursor, lo, hi)
        if staged.external:
            cursor.executemany(sql["external"], staged.external)
        if staged.deaths:
            cursor.executemany(sql["deaths"], staged.deaths)
        if staged.sources:
            cursor.executemany(sql["sources"], staged.sources)

    def mark_corrections(self, cursor: Any, lo: int, hi: int) -> None:
        """What the corrections recorded at lo..hi change in other rows (projection.MARK_SQL)."""
        sql = self.projection_sql()
        for name in MARK_SQL:
            cursor.execute(sql[name], {"lo": lo, "hi": hi})

    # ---- reading ----------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            yield cursor

    def fetchall(self, statement: str, params: dict[str, Any] | None = None,
                 cursor: Any = None) -> list[dict[str, Any]]:
        if cursor is None:
            with self.reading() as c:
                return self.fetchall(statement, params, c)
        cursor.execute(self.sql(statement), params or {})
        return [dict(r) for r in cursor.fetchall()]

    def rows(self, statement: str, params: dict[str, Any], cursor: Any) -> list[Sequence[Any]]:
        """Rows as sequences in the statement's column order: a hot query that reads thousands
        of rows skips building a dict for each (sqlite.py, postgres.py)."""
        cursor.execute(self.sql(statement), params)
        return cursor.fetchall()

    def fetchone(self, statement: str, params: dict[str, Any] | None = None,
                 cursor: Any = None) -> dict[str, Any] | None:
        rows = self.fetchall(statement, params, cursor)
        return rows[0] if rows else None

    def head(self, cursor: Any = None) -> int:
        row = self.fetchone("SELECT COALESCE(MAX(position), 0) AS p FROM tl_log", None, cursor)
        return int(row["p"]) if row else 0

    def position_at(self, recorded_at: str, cursor: Any = None) -> int:
        """The last position that it and every position before it were recorded at or before
        `recorded_at` (one seek: rmax is monotone). Stable: later writes never move it."""
        row = self.fetchone("SELECT position AS p FROM tl_log WHERE rmax <= :t "
                            "ORDER BY rmax DESC, position DESC LIMIT 1", {"t": recorded_at}, cursor)
        return int(row["p"]) if row else 0

    def view_check(self, cursor: Any, k: int) -> tuple[str, int, bool]:
        """(horizon(k), head(), whether an effect known at k is dated after that horizon: only
        "early" ones can be), in one statement: what GET /state checks before it answers from
        a kept view (one round trip, not three, on PostgreSQL)."""
        row = self.fetchone(
            "SELECT (SELECT rmax FROM tl_log WHERE position <= :k ORDER BY position DESC LIMIT 1) "
            "AS h, (SELECT COALESCE(MAX(position), 0) FROM tl_log) AS p, "
            "EXISTS (SELECT 1 FROM tl_effects WHERE early = 1 AND position <= :k AND occurred_at > "
            "COALESCE((SELECT rmax FROM tl_log WHERE position <= :k ORDER BY position DESC LIMIT 1), "
            "'')) AS e", {"k": k}, cursor)
        return (row["h"] or ""), int(row["p"]), bool(row["e"])

    def horizon(self, cursor: Any, k: int) -> str:
        """The latest record time of the positions up to k ("" before the first)."""
        row = self.fetchone("SELECT rmax FROM tl_log WHERE position <= :k "
                            "ORDER BY position DESC LIMIT 1", {"k": k}, cursor)
        return row["rmax"] if row else ""

    def latest(self, cursor: Any, kind: str, subject: str, at: str, k: int, min_rank: int,
               hi: str | None = None, pb: str = END):
        """`hi`: min(at, horizon(k)) when the caller has it; `at` is always correct. `pb`:
        published_by (API.md v2), END when not given."""
        return self.fetchone(LATEST_SQL, {"kind": kind, "subject": subject, "at": at, "k": k,
                                          "min": min_rank, "hi": hi or at, "pb": pb}, cursor)

    def clash_after(self, cursor: Any, subject: str, lo: str, at: str, k: int, min_rank: int,
                    hi: str | None = None, pb: str = END):
        row = self.fetchone(CLASH_SQL, {"subject": subject, "lo": lo, "at": at, "k": k,
                                        "min": min_rank, "hi": hi or at, "pb": pb}, cursor)
        return row if row and row["claim_id"] else None

    def instants(self, cursor: Any, kind: str, subject: str, t: str, k: int, min_rank: int,
                 pb: str, limit: int, op: str = "<=") -> list[dict[str, Any]]:
        """Counted effect rows of (kind, subject) dated `op` `t` (<=, < or =), latest first, at
        most `limit`: a stretch's backward scan."""
        return self.fetchall(INSTANTS_SQL[op], {
            "kind": kind, "subject": subject, "t": t, "k": k, "min": min_rank, "pb": pb,
            "limit": limit}, cursor)

    def stretch_head(self, cursor: Any, kind: str, subject: str, at: str, hi: str, k: int,
                     min_rank: int, pb: str, limit: int) -> list[dict[str, Any]]:
        """The counted rows of (kind, subject) from its latest instant up to `at` down, latest
        first, at most `limit` (the first page of instants())."""
        return self.fetchall(STRETCH_HEAD_SQL, {
            "kind": kind, "subject": subject, "at": at, "hi": hi, "k": k, "min": min_rank,
            "pb": pb, "limit": limit}, cursor)

    def world_pages(self, cursor: Any, kind: str, at: str, hi: str, k: int, min_rank: int,
                    pb: str) -> tuple[dict[str, list[Sequence[Any]]],
                                      Callable[[list[Sequence[Any]]], bool]]:
        """(subject -> the first page of its stretch's scan, latest first, as sequences in
        queries.WORLD_COLUMNS' order, for every subject of `kind` that has a counted row
        (queries.world_sql); and page -> whether more rows may follow it, asked only of the
        few pages a stretch runs past)."""
        pages: dict[str, list[Sequence[Any]]] = {}
        page_size = queries.WORLD_PAGE  # looked up here: tests make it small
        params = {"at": at, "hi": hi, "k": k, "min": min_rank, "pb": pb}
        for row in self.rows(queries.world_sql(kind, page_size), params, cursor):
            page = pages.get(row[0])
            if page is None:
                page = pages[row[0]] = []
            page.append(row)
        t = WORLD_COLUMNS.index("occurred_at")

        def more(rows: list[Sequence[Any]]) -> bool:
            # the page stopped at its page_size-th row at or before hi, or had them all
            return sum(1 for r in rows if r[t] <= hi) >= page_size

        return pages, more

    def world_more(self, cursor: Any, kind: str, tops: dict[str, str], k: int, min_rank: int,
                   pb: str) -> tuple[dict[str, list[Sequence[Any]]], bool | int]:
        """(subject -> the next page of its stretch's scan below the instant `tops` gives, as
        world_pages' rows; and that page's full size: a page that long may have more after
        it) for the subjects of `tops` (queries.world_more_sql)."""
        page_size = queries.WORLD_MORE  # looked up here: tests make it small
        pages: dict[str, list[Sequence[Any]]] = {}
        todo = sorted(tops.items())
        for start in range(0, len(todo), 64):
            chunk = todo[start:start + 64]
            slots = -(-len(chunk) // 16) * 16  # a few statement texts serve every count
            params: dict[str, Any] = {"k": k, "min": min_rank, "pb": pb}
            for i in range(slots):
                params[f"s{i}"], params[f"t{i}"] = chunk[i] if i < len(chunk) else (None, None)
            for row in self.rows(queries.world_more_sql(kind, page_size, slots), params, cursor):
                pages.setdefault(row[0], []).append(row)
        return pages, page_size

    def clashes(self, cursor: Any, at: str, k: int, min_rank: int, hi: str, pb: str
                ) -> dict[str, str]:
        """place -> its latest counted clash up to `at`, "occurred_at|claim_id"."""
        return {r[0]: r[1] for r in self.rows(CLASHES_SQL, {
            "at": at, "k": k, "min": min_rank, "hi": hi, "pb": pb}, cursor) if r[1]}

    def early_instants(self, cursor: Any, kind: str, subject: str, hi: str, t: str, k: int,
                       min_rank: int, pb: str) -> list[dict[str, Any]]:
        """Counted "early" effect rows dated in (hi, t], latest first (their own index)."""
        return self.fetchall(EARLY_INSTANTS_SQL, {
            "kind": kind, "subject": subject, "hi": hi, "t": t, "k": k, "min": min_rank,
            "pb": pb}, cursor)

    def dissolves(self, cursor: Any, at: str, k: int, min_rank: int, pb: str
                  ) -> list[dict[str, Any]]:
        """Every counted dissolution dated at or before `at` (they are few)."""
        return self.fetchall(DISSOLVES_SQL, {"at": at, "k": k, "min": min_rank, "pb": pb}, cursor)

    def history(self, cursor: Any, kind: str, subject: str, at: str, k: int, min_rank: int,
                pb: str = END):
        return self.fetchall(HISTORY_SQL, {"kind": kind, "subject": subject, "at": at, "k": k,
                                           "min": min_rank, "pb": pb}, cursor)

    # ---- replay and digest -------------------------------------------------------------------
    # Secondary indexes no step of a rebuild reads (it marks corrected effects only at the end,
    # after they are back): a rebuild may drop them and build each once at the end (a sort),
    # instead of updating them row by row with random keys.
    DEFERRABLE_INDEXES = ("tl_log_ordinal", "tl_log_recorded", "tl_names_key", "tl_names_position",
                          "tl_claims_time", "tl_claims_report", "tl_effects_value",
                          "tl_effects_early", "tl_effects_state", "tl_log_rmax", "tl_log_known",
                          "tl_effects_claim", "tl_corrections_position", "tl_mentions_claim",
                          "tl_report_sources_published", "tl_report_sources_source",
                          "tl_report_sources_origin", "tl_report_sources_filed_by")

    # A rebuild's stretch holds its events' JSON and rows in memory: at most this much JSON.
    STRETCH_BYTES = 32 * 1024 * 1024

    def stretch(self, cursor: Any, after: int, limit: int) -> tuple[int, int, int]:
        """(first, last, count) of the next log positions after `after`, at most `limit` of
        them and STRETCH_BYTES of stored JSON (at least one); (0, 0, 0) at the end."""
        sizes = self.stretch_sizes(cursor, after, limit)
        total, count = 0, 0
        for _, size in sizes:
            total += size or 0
            if count and total > self.STRETCH_BYTES:
                break
            count += 1
        return (sizes[0][0], sizes[count - 1][0], count) if sizes else (0, 0, 0)

    def stretch_sizes(self, cursor: Any, after: int, limit: int) -> list[tuple[int, int]]:
        """(position, bytes of stored state) of the next `limit` events after `after`."""
        raise NotImplementedError

    def stretch_events(self, cursor: Any, lo: int, hi: int) -> Sequence[Any]:
        """Notifications of the events at positions lo..hi, in the rebuild's transaction."""
        raise NotImplementedError

    def finish_rebuild(self, cursor: Any, statements: list[str]) -> None:
        for statement in statements:
            cursor.execute(statement)

    def begin_rebuild(self, cursor: Any) -> list[str]:
        """Drops the deferrable indexes inside the rebuild's transaction; returns the statements
        that recreate them (for finish_rebuild). Only where readers are not blocked meanwhile
        (SQLite's WAL: they keep reading the last committed state); PostgreSQL keeps them."""
        statements = []
        for name in self.DEFERRABLE_INDEXES:
            statement = next((t for t in self.table_statements() if re.search(rf"INDEX IF NOT EXISTS {name}\b", t)),
                             None)
            if statement is not None:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
                statements.append(statement)
        return statements

    def table_statements(self) -> list[str]:
        """This backend's DDL of the read model (SQLite's lays some tables out its own way)."""
        return TABLES

    def clear_derived(self, cursor: Any) -> None:
        for table in DERIVED_TABLES:
            cursor.execute(f"DELETE FROM {self.table(table)}")

    def table(self, name: str) -> str:  # overridden by PostgreSQL (schema-qualified)
        return name

    def digest(self) -> str:
        """Content hash of the derived tables (digest.py)."""
        return digest.digest(self)
