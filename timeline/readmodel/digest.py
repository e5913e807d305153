"""The digest: a content hash of the derived tables, equal for equal read models whatever the
store (`timeline digest`; a replay must reproduce it)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from .. import drafts

# One statement per derived table, in a fixed order, each in a fixed row order.
DIGEST_SQL = {
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


def digest(rm: Any) -> str:
    """Content hash of the derived tables, independent of the store: positions are replaced
    by ordinals (PostgreSQL sequences may have gaps) and random ids by (ordinal, seq)."""
    h = hashlib.sha256()
    with rm.reading() as cursor:
        for name, statement in DIGEST_SQL.items():
            h.update(f"\n#{name}\n".encode())
            for row in _rows(cursor, rm.sql(statement)):
                h.update(_row_bytes(row))
    return h.hexdigest()


FETCH = 5000  # rows per fetch


def _rows(cursor: Any, statement: str) -> Iterator[Any]:
    """The statement's rows, FETCH at a time. PostgreSQL: through a server-side cursor. A
    client-side one receives the whole result at once, and the transaction then sits idle while
    it is hashed: at 1M claims under load, past the server's idle-in-transaction timeout (the
    library's 5 s), which ended `timeline replay` with an error after the replay had swapped."""
    if type(cursor).__module__.startswith("psycopg"):
        with cursor.connection.cursor(name="tl_digest") as named:
            named.execute(statement)
            while rows := named.fetchmany(FETCH):
                yield from rows
        return
    cursor.execute(statement, {})
    if not hasattr(cursor, "fetchmany"):  # the library's SQLite cursor
        yield from cursor.fetchall()
        return
    while rows := cursor.fetchmany(FETCH):
        yield from rows


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
