"""The read model's tables: their DDL, which of them are derived from the log, and the SQL
that writes the rows of reference-data events (projection.project)."""

from __future__ import annotations

from .. import drafts

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
    # after T counts, and the answer never changes as later writes arrive. (smin was the
    # suffix minimum of record times, updated on every commit and read by no query: it now
    # holds the row's own record time, only so that stores made before keep their NOT NULL
    # column; the digest never covered it.)
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
