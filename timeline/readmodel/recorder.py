"""The read model: tables, the SQL that writes projected rows, and the queries that read them.

Backend-neutral. `ReadModelRecorder` is mixed into the SQLite and PostgreSQL application
recorders (sqlite.py, postgres.py), which call `write_rows()` on the cursor of the transaction
that inserts the events. SQL is written once, with `:name` parameters; PostgreSQL converts them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .. import drafts
from .projection import (
    MARK_SQL,
    OP_ORDER,
    STAGE_SQL,
    Op,
    Staged,
    number_log,
    stage,
)

# published_by when a query gives none: after every storable instant.
END = "9999-12-31T23:59:59.999999Z"

# Derived tables: rebuilt from the log by `timeline replay`, covered by the digest.
DERIVED_TABLES = ("tl_log", "tl_entities", "tl_names", "tl_reports", "tl_claims", "tl_effects",
                  "tl_subjects", "tl_corrections", "tl_mentions", "tl_external",
                  "tl_report_sources")
DERIVED_TABLES = (*DERIVED_TABLES, "tl_deaths")  # v2: death tolls (timeline/readmodel/casualties.py)
DERIVED_TABLES += ("tl_drafts",)  # timeline/drafts.py
ALL_TABLES = (*DERIVED_TABLES, "tl_idempotency", "tl_tokens")

TABLES = [
    """CREATE TABLE IF NOT EXISTS tl_log (
        position BIGINT PRIMARY KEY, ordinal BIGINT NOT NULL, recorded_at TEXT NOT NULL,
        topic TEXT NOT NULL, stream TEXT NOT NULL, smin TEXT NOT NULL, rmax TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS tl_log_ordinal ON tl_log (ordinal)",
    # Positions and record times disagree a little (concurrent writers stamp their events
    # before they take their turn to commit; several hosts), so "the latest record time up to
    # position K" is kept as a monotone column, rmax = max(recorded_at) of this and every earlier
    # position, and known_at=T is the last position whose rmax is at most T: nothing recorded
    # after T counts, and the answer never changes as later writes arrive. (smin = min of this
    # and every later position is kept for stores that have it; no query reads it.)
    "CREATE INDEX IF NOT EXISTS tl_log_smin ON tl_log (smin, position)",
    "CREATE INDEX IF NOT EXISTS tl_log_rmax ON tl_log (position, rmax)",
    "CREATE INDEX IF NOT EXISTS tl_log_known ON tl_log (rmax, position)",
    "CREATE INDEX IF NOT EXISTS tl_log_recorded ON tl_log (recorded_at)",
    """CREATE TABLE IF NOT EXISTS tl_entities (
        kind TEXT NOT NULL, id TEXT NOT NULL, uuid TEXT NOT NULL, name TEXT NOT NULL,
        parent TEXT, data TEXT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (kind, id))""",
    "CREATE UNIQUE INDEX IF NOT EXISTS tl_entities_uuid ON tl_entities (uuid)",
    """CREATE TABLE IF NOT EXISTS tl_names (
        kind TEXT NOT NULL, id TEXT NOT NULL, alias TEXT NOT NULL, key TEXT NOT NULL,
        position BIGINT NOT NULL, PRIMARY KEY (kind, id, alias))""",
    "CREATE INDEX IF NOT EXISTS tl_names_key ON tl_names (kind, key)",
    # The in-memory name index (gazetteer.Names) checks the table's version on every lookup:
    # this narrow index keeps that check cheap.
    "CREATE INDEX IF NOT EXISTS tl_names_position ON tl_names (position)",
    """CREATE TABLE IF NOT EXISTS tl_reports (
        id TEXT PRIMARY KEY, position BIGINT NOT NULL, recorded_at TEXT NOT NULL,
        published_at TEXT NOT NULL, data TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tl_claims (
        id TEXT PRIMARY KEY, report_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
        occurred_at TEXT NOT NULL, confidence INTEGER NOT NULL, position BIGINT NOT NULL,
        recorded_at TEXT NOT NULL, target TEXT, data TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tl_claims_time ON tl_claims (occurred_at, position, seq)",
    "CREATE INDEX IF NOT EXISTS tl_claims_report ON tl_claims (report_id, seq)",
    """CREATE TABLE IF NOT EXISTS tl_effects (
        kind TEXT NOT NULL, subject TEXT NOT NULL, occurred_at TEXT NOT NULL,
        position BIGINT NOT NULL, confidence INTEGER NOT NULL, claim_id TEXT NOT NULL,
        value TEXT, detail TEXT, early INTEGER NOT NULL DEFAULT 0, retracted_at BIGINT,
        confirmed_at BIGINT, published_at TEXT NOT NULL DEFAULT '', origin TEXT,
        retracted_pub TEXT, reinstated_at BIGINT, reinstated_pub TEXT, reretracted_at BIGINT,
        reretracted_pub TEXT, confirmed_pub TEXT, report_id TEXT, source TEXT,
        PRIMARY KEY (kind, subject, occurred_at, position, claim_id))""",
    "CREATE INDEX IF NOT EXISTS tl_effects_value ON tl_effects (kind, value, subject)",
    # The state queries' index: the primary key's order with every column they read, so a
    # backward scan answers from the index alone (no table lookup per row it skips); with a
    # long history those lookups were most of a query's cost (bench/ B1).
    # published_at and the corrections' own positions and publication times (API.md v2: three
    # clocks, undoing a retraction) are on the row for the same reason.
    """CREATE INDEX IF NOT EXISTS tl_effects_state ON tl_effects (kind, subject, occurred_at,
        position, claim_id, confidence, retracted_at, confirmed_at, value, detail, published_at,
        origin, retracted_pub, reinstated_at, reinstated_pub, reretracted_at, reretracted_pub,
        confirmed_pub, report_id, source)""",
    # Positions of the retraction/confirmation of each effect's claim, copied from
    # tl_corrections, so that "counted as of K" is a test on the row itself, not a subquery.
    "CREATE INDEX IF NOT EXISTS tl_effects_claim ON tl_effects (claim_id)",
    # Effects dated after their own record time ("early") are the only ones that can lie past
    # the latest record time of a point of view; a state query seeks them here separately.
    # (early first: more equality columns than the primary key, so planners prefer it.)
    """CREATE INDEX IF NOT EXISTS tl_effects_early
        ON tl_effects (early, kind, subject, occurred_at, position, claim_id) WHERE early = 1""",
    """CREATE TABLE IF NOT EXISTS tl_subjects (
        kind TEXT NOT NULL, subject TEXT NOT NULL, PRIMARY KEY (kind, subject))""",
    """CREATE TABLE IF NOT EXISTS tl_corrections (
        target TEXT NOT NULL, kind TEXT NOT NULL, position BIGINT NOT NULL,
        claim_id TEXT NOT NULL, published_at TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (target, kind))""",
    # The corrections recorded in a stretch of the log (projection.MARK_SQL).
    "CREATE INDEX IF NOT EXISTS tl_corrections_position ON tl_corrections (kind, position)",
    """CREATE TABLE IF NOT EXISTS tl_mentions (
        entity TEXT NOT NULL, occurred_at TEXT NOT NULL, position BIGINT NOT NULL,
        claim_id TEXT NOT NULL, PRIMARY KEY (entity, occurred_at, position, claim_id))""",
    # A retraction or confirmation copies its target's mentions (projection.MARK_SQL).
    "CREATE INDEX IF NOT EXISTS tl_mentions_claim ON tl_mentions (claim_id)",
    # Records of other datasets (ACLED events) and the claim their latest version became.
    """CREATE TABLE IF NOT EXISTS tl_external (
        dataset TEXT NOT NULL, ref TEXT NOT NULL, version TEXT NOT NULL, report_id TEXT NOT NULL,
        claim_id TEXT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (dataset, ref))""",
    # v2: every claim that gives a death toll, for /casualties (timeline/readmodel/casualties.py): a
    # window of valid time, of one city's places or of one governorate's, is a range of one
    # index; the latest claim of each event is picked from those rows.
    """CREATE TABLE IF NOT EXISTS tl_deaths (
        claim_id TEXT PRIMARY KEY, event_key TEXT, occurred_at TEXT NOT NULL, city TEXT,
        position BIGINT NOT NULL, seq INTEGER NOT NULL, published_at TEXT NOT NULL,
        confidence INTEGER NOT NULL, best BIGINT NOT NULL, low BIGINT NOT NULL,
        high BIGINT NOT NULL, civilians BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tl_deaths_time ON tl_deaths (occurred_at, position)",
    "CREATE INDEX IF NOT EXISTS tl_deaths_city ON tl_deaths (city, occurred_at, position)",
    "CREATE INDEX IF NOT EXISTS tl_deaths_key ON tl_deaths (event_key, position, seq)",
    # One row per report: who said it (its source's name and origin, as written and as compared:
    # origins.origin_key) and who filed it (the token's label), for GET /reports, GET /sources
    # and /timeline?source= (API.md v2). Each filter has its index, newest published first.
    """CREATE TABLE IF NOT EXISTS tl_report_sources (
        report_id TEXT PRIMARY KEY, position BIGINT NOT NULL, published_at TEXT NOT NULL,
        source_name TEXT, source_key TEXT, origin TEXT, origin_key TEXT, filed_by TEXT,
        claims INTEGER NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS tl_report_sources_published
        ON tl_report_sources (published_at, position, report_id)""",
    """CREATE INDEX IF NOT EXISTS tl_report_sources_source
        ON tl_report_sources (source_key, published_at, position, report_id)""",
    """CREATE INDEX IF NOT EXISTS tl_report_sources_origin
        ON tl_report_sources (origin_key, published_at, position, report_id)""",
    """CREATE INDEX IF NOT EXISTS tl_report_sources_filed_by
        ON tl_report_sources (filed_by, published_at, position, report_id)""",
    # Not derived from the log: kept across replays.
    """CREATE TABLE IF NOT EXISTS tl_idempotency (
        key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
        body TEXT NOT NULL, position BIGINT, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tl_tokens (
        hash TEXT PRIMARY KEY, role TEXT NOT NULL, label TEXT, created_at TEXT NOT NULL,
        revoked_at TEXT)""",
]

TABLES += [drafts.TABLE, drafts.INDEX]

# Rows of reference-data events (projection.project); a report's rows are projection.STAGE_SQL.
WRITE_SQL = {
    "entity": """INSERT INTO tl_entities (kind, id, uuid, name, parent, data, position)
                 VALUES (:kind, :id, :uuid, :name, :parent, :data, :position)""",
    "name": """INSERT INTO tl_names (kind, id, alias, key, position)
               SELECT kind, id, :alias, :key, :position FROM tl_entities WHERE uuid = :entity_uuid
               ON CONFLICT DO NOTHING""",
    # Live path only (never projected, so never replayed): a name registered through the API
    # must not already name another entity of its kind. Re-inserting the row that holds the
    # name violates the primary key and fails the whole transaction; checked inside the
    # transaction, after this batch's names, so two writers racing past the application's own
    # check cannot both register one name (tests/integration/test_concurrency.py).
    "name_guard": """INSERT INTO tl_names (kind, id, alias, key, position)
                     SELECT kind, id, alias, key, position FROM tl_names
                     WHERE kind = :kind AND key = :key AND id <> :id""",
    # Completes the request's lease on its Idempotency-Key...
    "idempotency": """UPDATE tl_idempotency SET status = :status, body = :body, position = :position,
                          created_at = :created_at
                      WHERE key = :key AND status = 0 AND body = :lease""",
    # ...and if the lease was taken over (or answered) by another request meanwhile, fails the
    # whole transaction on the primary key, so that one key never answers for two writes.
    "idempotency_guard": """INSERT INTO tl_idempotency (key, fingerprint, status, body, position,
                                created_at)
                            SELECT :key, :fingerprint, :status, :body, :position, :created_at
                            WHERE NOT EXISTS (SELECT 1 FROM tl_idempotency
                                WHERE key = :key AND status = :status AND body = :body)""",
    **drafts.WRITE_SQL,
}


# Where the early effects' own index must be used: SQLite's planner, offered the primary key
# of a WITHOUT ROWID table (which holds every column), took it and scanned all history between
# :hi and :at. SQLite's recorder turns the marker into INDEXED BY (bench/ B1); PostgreSQL
# leaves the comment.
EARLY_HINT = " /*early*/"


def _known(e: str, column: str) -> str:
    """SQL: the correction whose position is `{column}_at` on row `e` counts as of :k and :pb
    (recorded by position :k, its report published by :pb)."""
    return (f"({e}.{column}_at IS NOT NULL AND {e}.{column}_at <= :k AND "
            f"{e}.{column}_pub <= :pb)")


def counted(e: str) -> str:
    """SQL: effect row `e` is known at position :k, its report published by :pb, and not
    retracted as of (:k, :pb). A retraction (R1) stops counting when it is itself retracted
    (R2, "reinstated"), and counts again when R2 is (R3): API.md v2, undo."""
    return (f"{e}.position <= :k AND {e}.published_at <= :pb AND NOT ({_known(e, 'retracted')} "
            f"AND NOT ({_known(e, 'reinstated')} AND NOT {_known(e, 'reretracted')}))")


def effective(e: str) -> str:
    """SQL: confidence rank of effect row `e` as of :k and :pb (a confirmation raises it to 2)."""
    return (f"(CASE WHEN {e}.confirmed_at <= :k AND {e}.confirmed_pub <= :pb THEN 2 "
            f"ELSE {e}.confidence END)")


def _newest(column: str, kind: str, subject: str, lo: str | None, alias: str) -> str:
    """SQL scalar: `column` of the counted effect (kind, subject) latest in valid time within
    (lo, :at]. Every counted effect not dated after its own record time lies at or before
    :hi (the point of view's latest record time, at most :at), so the backward index scan starts
    there; the few "early" effects past :hi come from their own partial index. The scan thus
    skips only effects dated before :hi but recorded after :k (late reports), never the whole
    stretch of history between :k and :at."""
    def part(a: str, where: str, hint: str = "") -> str:
        col = column.format(a=a) if "{a}" in column else f"{a}.{column}"
        return (f"(SELECT {col} FROM tl_effects {a}{hint} WHERE {a}.kind = {kind} AND "
                f"{a}.subject = {subject} AND {where} AND {counted(a)} AND "
                f"{effective(a)} >= :min ORDER BY {a}.occurred_at DESC, {a}.position DESC, "
                f"{a}.claim_id DESC LIMIT 1)")
    low = f" AND {alias}1.occurred_at > {lo}" if lo else ""
    early_low = f" AND {alias}2.occurred_at > {lo}" if lo else ""
    early = part(f"{alias}2", f"{alias}2.early = 1 AND {alias}2.occurred_at > :hi AND "
                              f"{alias}2.occurred_at <= :at{early_low}", EARLY_HINT)
    main = part(f"{alias}1", f"{alias}1.occurred_at <= :hi{low}")
    return f"COALESCE({early}, {main})"


LATEST_SQL = f"""
SELECT e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    {effective('e')} AS eff
FROM tl_effects e
WHERE e.kind = :kind AND e.subject = :subject
  AND e.occurred_at = {_newest('occurred_at', ':kind', ':subject', None, 'n')}
  AND {counted('e')} AND {effective('e')} >= :min
ORDER BY eff DESC, e.position DESC, e.claim_id DESC LIMIT 1
"""

CLASH_SQL = f"""SELECT {_newest('claim_id', "'clash'", ':subject', ':lo', 'c')} AS claim_id"""

# The whole world at once (GET /state): every subject's latest counted effect of :kind, its
# ties (the caller picks the winner as LATEST_SQL does) and, for places, the latest counted
# clash after it as "occurred_at|claim_id" (the caller applies the contest window). One
# statement: the per-subject seeks run inside the database instead of one round trip each.
def _state_sql(kind: str) -> str:
    clash = (_newest("{a}.occurred_at || '|' || {a}.claim_id", "'clash'", "m.subject", "m.o", "c")
             if kind == "control" else "NULL")
    # MATERIALIZED: the planner must seek per subject, not scan the effects and look back.
    return f"""
WITH m AS MATERIALIZED (
    SELECT s.subject, {_newest('occurred_at', f"'{kind}'", 's.subject', None, 'n')} AS o
    FROM tl_subjects s WHERE s.kind = '{kind}')
SELECT m.subject, e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    {effective('e')} AS eff, {clash} AS clash
FROM m JOIN tl_effects e ON e.kind = '{kind}' AND e.subject = m.subject AND e.occurred_at = m.o
WHERE {counted('e')} AND {effective('e')} >= :min
"""


STATE_SQL = {kind: _state_sql(kind) for kind in ("control", "status")}

# A stretch's backward scan (timeline/readmodel/stretch.py): from the winner's instant down, in the state
# index's order, a page at a time.
_INSTANTS = f"""
SELECT e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin, e.report_id,
    e.source, e.published_at, {{eff}} AS eff
FROM tl_effects e{{hint}}
WHERE e.kind = :kind AND e.subject = :subject AND {{where}}
  AND {counted('e')} AND {{eff}} >= :min
ORDER BY e.occurred_at DESC, e.position DESC, e.claim_id DESC"""
INSTANTS_SQL = {op: _INSTANTS.format(eff=effective("e"), hint="", where=f"e.occurred_at {op} :t")
               + " LIMIT :limit" for op in ("<=", "<", "=")}
# The latest instant's rows and the ones before it, in one statement: the scan starts at the
# instant LATEST_SQL would find (the same early/main seek), so a place's answer and the first
# page of its stretch cost one statement.
STRETCH_HEAD_SQL = _INSTANTS.format(
    eff=effective("e"), hint="",
    where=f"e.occurred_at <= {_newest('occurred_at', ':kind', ':subject', None, 'n')}"
) + " LIMIT :limit"
# The same first page for every subject of a kind at once (GET /state): each subject's rows
# from its latest instant down to its BULK_PAGE-th latest row's instant (that instant whole), in
# one statement; `lo` is that instant, or NULL when the subject has no more rows.
BULK_PAGE = 16


def _stretch_pages_sql(kind: str) -> str:
    def cut(a: str) -> str:
        return (f"(SELECT {a}.occurred_at FROM tl_effects {a} WHERE {a}.kind = '{kind}' AND "
                f"{a}.subject = m.subject AND {a}.occurred_at <= m.o AND {counted(a)} AND "
                f"{effective(a)} >= :min ORDER BY {a}.occurred_at DESC, {a}.position DESC, "
                f"{a}.claim_id DESC LIMIT 1 OFFSET {BULK_PAGE - 1})")
    return f"""
WITH m AS MATERIALIZED (
    SELECT s.subject, {_newest('occurred_at', f"'{kind}'", 's.subject', None, 'n')} AS o
    FROM tl_subjects s WHERE s.kind = '{kind}'),
b AS MATERIALIZED (SELECT m.subject, m.o, {cut('x')} AS lo FROM m WHERE m.o IS NOT NULL)
SELECT b.subject, b.lo, e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    e.report_id, e.source, e.published_at, {effective('e')} AS eff
FROM b JOIN tl_effects e ON e.kind = '{kind}' AND e.subject = b.subject
    AND e.occurred_at <= b.o AND e.occurred_at >= COALESCE(b.lo, '')
WHERE {counted('e')} AND {effective('e')} >= :min
ORDER BY b.subject, e.occurred_at DESC, e.position DESC, e.claim_id DESC"""


STRETCH_PAGES_SQL = {kind: _stretch_pages_sql(kind) for kind in ("control", "status")}
EARLY_INSTANTS_SQL = _INSTANTS.format(
    eff=effective("e"), hint=EARLY_HINT,
    where="e.early = 1 AND e.occurred_at > :hi AND e.occurred_at <= :t")
DISSOLVES_SQL = f"""
SELECT e.claim_id, e.subject, e.occurred_at, e.value, e.detail, e.position, e.origin,
    e.report_id, e.source, e.published_at, {effective('e')} AS eff
FROM tl_effects e
WHERE e.kind = 'dissolve' AND e.occurred_at <= :at AND {counted('e')} AND {effective('e')} >= :min
ORDER BY e.occurred_at, e.position, e.claim_id"""


def tie_rank(row: dict[str, Any]) -> tuple[int, int, str]:
    """The tie rule at one valid-time instant, as LATEST_SQL orders it: the higher confidence
    (as of the point of view), then the later record, then the greater claim id (the claims of
    one report share their position). The greatest wins."""
    return (row["eff"], row["position"], row["claim_id"])

HISTORY_SQL = f"""
SELECT e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    {effective('e')} AS eff
FROM tl_effects e
WHERE e.kind = :kind AND e.subject = :subject AND e.occurred_at <= :at
  AND {counted('e')} AND {effective('e')} >= :min
ORDER BY e.occurred_at, e.position
"""


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
            cursor.execute(sql["log_smin"], {"smin": rows[0][5], "lo": lo})
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

    def early_after(self, cursor: Any, horizon: str, k: int) -> bool:
        """Whether an effect known at k is dated after `horizon` (only "early" ones can be)."""
        return self.fetchone("SELECT 1 AS x FROM tl_effects WHERE early = 1 AND "
                             "occurred_at > :h AND position <= :k LIMIT 1",
                             {"h": horizon, "k": k}, cursor) is not None

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

    def stretch_pages(self, cursor: Any, kind: str, at: str, hi: str, k: int, min_rank: int,
                      pb: str) -> dict[str, tuple[list[dict[str, Any]], str | None]]:
        """subject -> (the first page of its stretch's scan, latest first, and the instant it
        stops at if more rows may follow, else None), for every subject of `kind`."""
        out: dict[str, tuple[list[dict[str, Any]], str | None]] = {}
        for row in self.fetchall(STRETCH_PAGES_SQL[kind], {"at": at, "hi": hi, "k": k,
                                                           "min": min_rank, "pb": pb}, cursor):
            out.setdefault(row["subject"], ([], row["lo"]))[0].append(row)
        return out

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

    def latest_all(self, cursor: Any, kind: str, at: str, k: int, min_rank: int, hi: str,
                   pb: str = END) -> dict[str, dict[str, Any]]:
        """subject -> the row LATEST_SQL would give (plus `clash` for places: the latest counted
        clash after it, "occurred_at|claim_id"), for every subject of `kind` that has one."""
        rows = self.fetchall(STATE_SQL[kind], {"at": at, "k": k, "min": min_rank, "hi": hi,
                                               "pb": pb}, cursor)
        best: dict[str, dict[str, Any]] = {}
        for row in rows:
            current = best.get(row["subject"])
            if current is None or tie_rank(row) > tie_rank(current):
                best[row["subject"]] = row
        return best

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
        """Content hash of the derived tables, independent of the store: positions are replaced
        by ordinals (PostgreSQL sequences may have gaps) and random ids by (ordinal, seq)."""
        h = hashlib.sha256()
        queries = {
            "log": "SELECT ordinal, topic FROM tl_log ORDER BY ordinal",
            "entities": """SELECT e.kind, e.id, e.name, e.parent, e.data, l.ordinal
                           FROM tl_entities e JOIN tl_log l ON l.position = e.position
                           ORDER BY e.kind, e.id""",
            "names": """SELECT n.kind, n.id, n.alias, n.key, l.ordinal FROM tl_names n
                        JOIN tl_log l ON l.position = n.position ORDER BY n.kind, n.id, n.alias""",
            "reports": """SELECT l.ordinal, r.published_at, r.data FROM tl_reports r
                          JOIN tl_log l ON l.position = r.position ORDER BY l.ordinal""",
            "claims": """SELECT l.ordinal, c.seq, c.type, c.occurred_at, c.confidence, c.data,
                            tl.ordinal AS t_ordinal, t.seq AS t_seq
                         FROM tl_claims c JOIN tl_log l ON l.position = c.position
                         LEFT JOIN tl_claims t ON t.id = c.target
                         LEFT JOIN tl_log tl ON tl.position = t.position
                         ORDER BY l.ordinal, c.seq""",
            "effects": """SELECT e.kind, e.subject, e.occurred_at, l.ordinal, c.seq, e.confidence,
                             e.value, e.detail, e.early, r.ordinal AS retracted, f.ordinal AS confirmed,
                             e.published_at, e.origin, e.source, e.retracted_pub, e.confirmed_pub,
                             ri.ordinal AS reinstated, e.reinstated_pub,
                             rr.ordinal AS reretracted, e.reretracted_pub
                          FROM tl_effects e JOIN tl_log l ON l.position = e.position
                          JOIN tl_claims c ON c.id = e.claim_id
                          LEFT JOIN tl_log r ON r.position = e.retracted_at
                          LEFT JOIN tl_log f ON f.position = e.confirmed_at
                          LEFT JOIN tl_log ri ON ri.position = e.reinstated_at
                          LEFT JOIN tl_log rr ON rr.position = e.reretracted_at
                          ORDER BY e.kind, e.subject, e.occurred_at, l.ordinal, c.seq""",
            "subjects": "SELECT kind, subject FROM tl_subjects ORDER BY kind, subject",
            "corrections": """SELECT tl.ordinal, t.seq, x.kind, l.ordinal AS c_ordinal, c.seq AS c_seq,
                                     x.published_at
                              FROM tl_corrections x JOIN tl_claims t ON t.id = x.target
                              JOIN tl_log tl ON tl.position = t.position
                              JOIN tl_claims c ON c.id = x.claim_id
                              JOIN tl_log l ON l.position = c.position
                              ORDER BY tl.ordinal, t.seq, x.kind""",
            "mentions": """SELECT m.entity, m.occurred_at, l.ordinal, c.seq FROM tl_mentions m
                           JOIN tl_log l ON l.position = m.position
                           JOIN tl_claims c ON c.id = m.claim_id
                           ORDER BY m.entity, m.occurred_at, l.ordinal, c.seq""",
            "report_sources": """SELECT l.ordinal, s.published_at, s.source_name, s.source_key,
                                    s.origin, s.origin_key, s.filed_by, s.claims
                                 FROM tl_report_sources s JOIN tl_log l ON l.position = s.position
                                 ORDER BY l.ordinal""",
            "external": """SELECT x.dataset, x.ref, x.version, l.ordinal, c.seq FROM tl_external x
                           JOIN tl_log l ON l.position = x.position
                           JOIN tl_claims c ON c.id = x.claim_id ORDER BY x.dataset, x.ref""",
            "deaths": """SELECT d.event_key, d.occurred_at, d.city, l.ordinal, d.seq, d.published_at,
                            d.confidence, d.best, d.low, d.high, d.civilians FROM tl_deaths d
                         JOIN tl_log l ON l.position = d.position ORDER BY l.ordinal, d.seq""",
            "drafts": drafts.DIGEST_SQL,
        }
        with self.reading() as cursor:
            for name, statement in queries.items():
                h.update(f"\n#{name}\n".encode())
                cursor.execute(self.sql(statement), {})
                while True:
                    rows = cursor.fetchmany(5000) if hasattr(cursor, "fetchmany") else None
                    if rows is None:
                        rows = cursor.fetchall()
                        for row in rows:
                            h.update(_row_bytes(row))
                        break
                    if not rows:
                        break
                    for row in rows:
                        h.update(_row_bytes(row))
        return h.hexdigest()


def _row_bytes(row: Any) -> bytes:
    values = [_canonical(v) for v in (row.values() if isinstance(row, dict) else row)]
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _canonical(value: Any) -> Any:
    """JSON documents (the `data` columns) by content: each database writes its own spacing and
    key order (SQLite's json_object keeps the given order, PostgreSQL's jsonb sorts by length)."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.dumps(json.loads(value), sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False)
        except ValueError:
            return value
    return value
