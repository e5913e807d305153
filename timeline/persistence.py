"""The read model: tables, the SQL that writes projected rows, and the queries that read them.

Backend-neutral. `ReadModelRecorder` is mixed into the SQLite and PostgreSQL application
recorders (sqlite.py, postgres.py), which call `write_rows()` on the cursor of the transaction
that inserts the events. SQL is written once, with `:name` parameters; PostgreSQL converts them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .projection import OP_ORDER, Op

# Derived tables: rebuilt from the log by `timeline replay`, covered by the digest.
DERIVED_TABLES = ("tl_log", "tl_entities", "tl_names", "tl_reports", "tl_claims", "tl_effects",
                  "tl_subjects", "tl_corrections", "tl_mentions", "tl_external")
ALL_TABLES = (*DERIVED_TABLES, "tl_idempotency", "tl_tokens")

TABLES = [
    """CREATE TABLE IF NOT EXISTS tl_log (
        position BIGINT PRIMARY KEY, ordinal BIGINT NOT NULL, recorded_at TEXT NOT NULL,
        topic TEXT NOT NULL, stream TEXT NOT NULL, smin TEXT NOT NULL, rmax TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS tl_log_ordinal ON tl_log (ordinal)",
    # Positions and record times disagree a little (concurrent writers, several hosts), so
    # "the last position recorded by T" and "the latest record time up to position K" are kept
    # as monotone columns: smin = min(recorded_at) of this and every later position, rmax =
    # max(recorded_at) of this and every earlier one. Both answers are then one index seek.
    "CREATE INDEX IF NOT EXISTS tl_log_smin ON tl_log (smin, position)",
    "CREATE INDEX IF NOT EXISTS tl_log_rmax ON tl_log (position, rmax)",
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
        confirmed_at BIGINT, PRIMARY KEY (kind, subject, occurred_at, position, claim_id))""",
    "CREATE INDEX IF NOT EXISTS tl_effects_value ON tl_effects (kind, value, subject)",
    # The state queries' index: the primary key's order with every column they read, so a
    # backward scan answers from the index alone (no table lookup per row it skips); with a
    # long history those lookups were most of a query's cost (bench/ B1).
    """CREATE INDEX IF NOT EXISTS tl_effects_state ON tl_effects (kind, subject, occurred_at,
        position, claim_id, confidence, retracted_at, confirmed_at, value, detail)""",
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
        claim_id TEXT NOT NULL, PRIMARY KEY (target, kind))""",
    """CREATE TABLE IF NOT EXISTS tl_mentions (
        entity TEXT NOT NULL, occurred_at TEXT NOT NULL, position BIGINT NOT NULL,
        claim_id TEXT NOT NULL, PRIMARY KEY (entity, occurred_at, position, claim_id))""",
    # A retraction or confirmation copies its target's mentions: a seek, not a scan per claim.
    "CREATE INDEX IF NOT EXISTS tl_mentions_claim ON tl_mentions (claim_id)",
    # Records of other datasets (ACLED events) and the claim their latest version became.
    """CREATE TABLE IF NOT EXISTS tl_external (
        dataset TEXT NOT NULL, ref TEXT NOT NULL, version TEXT NOT NULL, report_id TEXT NOT NULL,
        claim_id TEXT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (dataset, ref))""",
    # Not derived from the log: kept across replays.
    """CREATE TABLE IF NOT EXISTS tl_idempotency (
        key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL,
        body TEXT NOT NULL, position BIGINT, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tl_tokens (
        hash TEXT PRIMARY KEY, role TEXT NOT NULL, label TEXT, created_at TEXT NOT NULL,
        revoked_at TEXT)""",
]

WRITE_SQL = {
    # ordinal, smin and rmax are filled in by execute_ops() from the log's last row.
    "log": """INSERT INTO tl_log (position, ordinal, recorded_at, topic, stream, smin, rmax)
              VALUES (:position, :ordinal, :recorded_at, :topic, :stream, :smin, :rmax)""",
    "log_last": "SELECT ordinal, rmax FROM tl_log ORDER BY position DESC LIMIT 1",
    # Run once per batch before its "log" rows: earlier positions recorded later than the
    # batch's earliest record time get their suffix minimum lowered.
    "log_smin": "UPDATE tl_log SET smin = :smin WHERE smin > :smin AND position < :position",
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
    "report": """INSERT INTO tl_reports (id, position, recorded_at, published_at, data)
                 VALUES (:id, :position, :recorded_at, :published_at, :data)""",
    "claim": """INSERT INTO tl_claims (id, report_id, seq, type, occurred_at, confidence, position,
                    recorded_at, target, data)
                VALUES (:id, :report_id, :seq, :type, :occurred_at, :confidence, :position,
                    :recorded_at, :target, :data)""",
    "effect": """INSERT INTO tl_effects (kind, subject, occurred_at, position, confidence, claim_id,
                     value, detail, early)
                 VALUES (:kind, :subject, :occurred_at, :position, :confidence, :claim_id, :value,
                     :detail, :early)""",
    "subject": "INSERT INTO tl_subjects (kind, subject) VALUES (:kind, :subject) ON CONFLICT DO NOTHING",
    # The primary key makes a second retraction (or confirmation) of one claim fail the whole
    # transaction, even when two writers race past the application's own check.
    "correction": """INSERT INTO tl_corrections (target, kind, position, claim_id)
                     VALUES (:target, :kind, :position, :claim_id)""",
    "retract_effects": "UPDATE tl_effects SET retracted_at = :position WHERE claim_id = :target",
    "confirm_effects": "UPDATE tl_effects SET confirmed_at = :position WHERE claim_id = :target",
    "mention": """INSERT INTO tl_mentions (entity, occurred_at, position, claim_id)
                  VALUES (:entity, :occurred_at, :position, :claim_id) ON CONFLICT DO NOTHING""",
    "mention_copy": """INSERT INTO tl_mentions (entity, occurred_at, position, claim_id)
                       SELECT entity, :occurred_at, :position, :claim_id FROM tl_mentions
                       WHERE claim_id = :target ON CONFLICT DO NOTHING""",
    "external": """INSERT INTO tl_external (dataset, ref, version, report_id, claim_id, position)
                   VALUES (:dataset, :ref, :version, :report_id, :claim_id, :position)
                   ON CONFLICT (dataset, ref) DO UPDATE SET version = excluded.version,
                       report_id = excluded.report_id, claim_id = excluded.claim_id,
                       position = excluded.position""",
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
}


def counted(e: str) -> str:
    """SQL: effect row `e` is known at position :k and not retracted as of :k."""
    return f"{e}.position <= :k AND ({e}.retracted_at IS NULL OR {e}.retracted_at > :k)"


def effective(e: str) -> str:
    """SQL: confidence rank of effect row `e` as of :k (a confirmation raises it to 2)."""
    return f"(CASE WHEN {e}.confirmed_at <= :k THEN 2 ELSE {e}.confidence END)"


def _newest(column: str, kind: str, subject: str, lo: str | None, alias: str) -> str:
    """SQL scalar: `column` of the counted effect (kind, subject) latest in valid time within
    (lo, :at]. Every counted effect not dated after its own record time lies at or before
    :hi (the point of view's latest record time, at most :at), so the backward index scan starts
    there; the few "early" effects past :hi come from their own partial index. The scan thus
    skips only effects dated before :hi but recorded after :k (late reports), never the whole
    stretch of history between :k and :at."""
    def part(a: str, where: str) -> str:
        col = column.format(a=a) if "{a}" in column else f"{a}.{column}"
        return (f"(SELECT {col} FROM tl_effects {a} WHERE {a}.kind = {kind} AND "
                f"{a}.subject = {subject} AND {where} AND {counted(a)} AND "
                f"{effective(a)} >= :min ORDER BY {a}.occurred_at DESC, {a}.position DESC, "
                f"{a}.claim_id DESC LIMIT 1)")
    low = f" AND {alias}1.occurred_at > {lo}" if lo else ""
    early_low = f" AND {alias}2.occurred_at > {lo}" if lo else ""
    early = part(f"{alias}2", f"{alias}2.early = 1 AND {alias}2.occurred_at > :hi AND "
                              f"{alias}2.occurred_at <= :at{early_low}")
    main = part(f"{alias}1", f"{alias}1.occurred_at <= :hi{low}")
    return f"COALESCE({early}, {main})"


LATEST_SQL = f"""
SELECT e.claim_id, e.occurred_at, e.value, e.detail, e.position, {effective('e')} AS eff
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
SELECT m.subject, e.claim_id, e.occurred_at, e.value, e.detail, e.position,
    {effective('e')} AS eff, {clash} AS clash
FROM m JOIN tl_effects e ON e.kind = '{kind}' AND e.subject = m.subject AND e.occurred_at = m.o
WHERE {counted('e')} AND {effective('e')} >= :min
"""


STATE_SQL = {kind: _state_sql(kind) for kind in ("control", "status")}

HISTORY_SQL = f"""
SELECT e.claim_id, e.occurred_at, e.value, e.detail, e.position, {effective('e')} AS eff
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

    def sql(self, statement: str) -> str:  # overridden by PostgreSQL
        return statement

    # ---- writing ----------------------------------------------------------------------------
    @staticmethod
    def check_rows(stored_events: Sequence[Any], kwargs: dict[str, Any]) -> None:
        """Called before the INSERT: a mismatch must fail while it can still roll back."""
        projection = kwargs.get("projection")
        if projection is not None and len(projection) != len(stored_events):
            raise ValueError(f"{len(projection)} projections for {len(stored_events)} events")

    def write_rows(self, cursor: Any, ids: Sequence[int], kwargs: dict[str, Any]) -> None:
        """Runs in the events' transaction, after the INSERT gave positions. Only SQL here: a
        Python error raised after the INSERT would not roll back on PostgreSQL."""
        projection: list[list[Op]] | None = kwargs.get("projection")
        if projection is not None:
            self.execute_ops(cursor, zip(ids, projection, strict=True))
        for row in kwargs.get("idempotency") or ():
            # row["event_index"] is the index of the last event the request appended.
            params = {k: v for k, v in row.items() if k != "event_index"}
            params["position"] = ids[row["event_index"]] if row["event_index"] is not None else None
            params.setdefault("lease", "")
            cursor.execute(self.sql(WRITE_SQL["idempotency"]), params)
            cursor.execute(self.sql(WRITE_SQL["idempotency_guard"]), params)

    def execute_ops(self, cursor: Any, positioned: Iterable[tuple[int, list[Op]]]) -> None:
        grouped: dict[str, list[dict[str, Any]]] = {k: [] for k in OP_ORDER}
        for position, ops in positioned:
            for name, params in ops:
                grouped[name].append(dict(params, position=position))
        self._number_log(cursor, grouped["log"])
        recorded = {row["position"]: row["recorded_at"] for row in grouped["log"]}
        for row in grouped["effect"]:
            row["early"] = 1 if row["occurred_at"] > recorded.get(row["position"], "") else 0
        for name in OP_ORDER:
            rows = grouped[name]
            if not rows:
                continue
            if name == "correction":
                for kind in ("retract", "confirm"):
                    these = [r for r in rows if r["kind"] == kind]
                    if these:
                        cursor.executemany(self.sql(WRITE_SQL["correction"]), these)
                        cursor.executemany(self.sql(WRITE_SQL[f"{kind}_effects"]), these)
                continue
            # executemany runs the statement once per row, in order, so the kinds that read rows
            # written earlier in the same batch ("log", "name", "mention_copy") still see them.
            cursor.executemany(self.sql(WRITE_SQL[name]), rows)

    def _number_log(self, cursor: Any, rows: list[dict[str, Any]]) -> None:
        """Ordinals, and the monotone smin/rmax columns, for a batch of log rows in position
        order; plus lowering smin of earlier rows that were recorded after this batch."""
        if not rows:
            return
        cursor.execute(self.sql(WRITE_SQL["log_last"]), {})
        last = cursor.fetchone()
        if last is None:
            ordinal, rmax = 0, ""
        elif isinstance(last, dict):
            ordinal, rmax = last["ordinal"], last["rmax"]
        else:
            ordinal, rmax = last[0], last[1]
        for row in rows:
            ordinal += 1
            rmax = max(rmax, row["recorded_at"])
            row["ordinal"], row["rmax"] = ordinal, rmax
        smin = rows[-1]["recorded_at"]
        for row in reversed(rows):
            smin = min(smin, row["recorded_at"])
            row["smin"] = smin
        cursor.execute(self.sql(WRITE_SQL["log_smin"]),
                       {"smin": smin, "position": rows[0]["position"]})

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
        """The last position recorded at or before `recorded_at` (one seek: smin is monotone)."""
        row = self.fetchone("SELECT position AS p FROM tl_log WHERE smin <= :t "
                            "ORDER BY smin DESC, position DESC LIMIT 1", {"t": recorded_at}, cursor)
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
               hi: str | None = None):
        """`hi`: min(at, horizon(k)) when the caller has it; `at` is always correct."""
        return self.fetchone(LATEST_SQL, {"kind": kind, "subject": subject, "at": at, "k": k,
                                          "min": min_rank, "hi": hi or at}, cursor)

    def clash_after(self, cursor: Any, subject: str, lo: str, at: str, k: int, min_rank: int,
                    hi: str | None = None):
        row = self.fetchone(CLASH_SQL, {"subject": subject, "lo": lo, "at": at, "k": k,
                                        "min": min_rank, "hi": hi or at}, cursor)
        return row if row and row["claim_id"] else None

    def latest_all(self, cursor: Any, kind: str, at: str, k: int, min_rank: int, hi: str
                   ) -> dict[str, dict[str, Any]]:
        """subject -> the row LATEST_SQL would give (plus `clash` for places: the latest counted
        clash after it, "occurred_at|claim_id"), for every subject of `kind` that has one."""
        rows = self.fetchall(STATE_SQL[kind], {"at": at, "k": k, "min": min_rank, "hi": hi},
                             cursor)
        best: dict[str, dict[str, Any]] = {}
        for row in rows:
            current = best.get(row["subject"])
            if current is None or ((row["eff"], row["position"], row["claim_id"])
                                   > (current["eff"], current["position"], current["claim_id"])):
                best[row["subject"]] = row
        return best

    def history(self, cursor: Any, kind: str, subject: str, at: str, k: int, min_rank: int):
        return self.fetchall(HISTORY_SQL, {"kind": kind, "subject": subject, "at": at, "k": k,
                                           "min": min_rank}, cursor)

    # ---- replay and digest -------------------------------------------------------------------
    # Secondary indexes that no write reads: a rebuild may drop them and build each once at
    # the end (a sort), instead of updating them row by row with random keys.
    DEFERRABLE_INDEXES = ("tl_log_ordinal", "tl_log_recorded", "tl_names_key", "tl_names_position",
                          "tl_claims_time", "tl_claims_report", "tl_effects_value",
                          "tl_effects_early", "tl_effects_state", "tl_log_rmax")

    def rebuild_page(self, cursor: Any, after: int, limit: int) -> Sequence[Any]:
        """The next page of the log for a rebuild running in `cursor`'s transaction."""
        return self.select_notifications(start=after, limit=limit,  # type: ignore[attr-defined]
                                         inclusive_of_start=False)

    def finish_rebuild(self, cursor: Any, statements: list[str]) -> None:
        for statement in statements:
            cursor.execute(statement)

    def begin_rebuild(self, cursor: Any) -> list[str]:
        """Drops the deferrable indexes inside the rebuild's transaction; returns the statements
        that recreate them (for finish_rebuild). Only where readers are not blocked meanwhile
        (SQLite's WAL: they keep reading the last committed state); PostgreSQL keeps them."""
        statements = []
        for name in self.DEFERRABLE_INDEXES:
            statement = next((t for t in TABLES if re.search(rf"INDEX IF NOT EXISTS {name}\b", t)),
                             None)
            if statement is not None:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
                statements.append(statement)
        return statements

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
                             e.value, e.detail
                          FROM tl_effects e JOIN tl_log l ON l.position = e.position
                          JOIN tl_claims c ON c.id = e.claim_id
                          ORDER BY e.kind, e.subject, e.occurred_at, l.ordinal, c.seq""",
            "subjects": "SELECT kind, subject FROM tl_subjects ORDER BY kind, subject",
            "corrections": """SELECT tl.ordinal, t.seq, x.kind, l.ordinal AS c_ordinal, c.seq AS c_seq
                              FROM tl_corrections x JOIN tl_claims t ON t.id = x.target
                              JOIN tl_log tl ON tl.position = t.position
                              JOIN tl_claims c ON c.id = x.claim_id
                              JOIN tl_log l ON l.position = c.position
                              ORDER BY tl.ordinal, t.seq, x.kind""",
            "mentions": """SELECT m.entity, m.occurred_at, l.ordinal, c.seq FROM tl_mentions m
                           JOIN tl_log l ON l.position = m.position
                           JOIN tl_claims c ON c.id = m.claim_id
                           ORDER BY m.entity, m.occurred_at, l.ordinal, c.seq""",
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
    values = list(row.values()) if isinstance(row, dict) else list(row)
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
