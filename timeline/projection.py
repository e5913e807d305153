"""The one projection: how the events of a stretch of the log become read-model rows.

Both the live write path (rows written in the same transaction as the events) and
`timeline replay` run it, on the stored events of a range of log positions
(`ReadModelRecorder.project`):

1. `stage()` reads each stored event's JSON (a plain `json.loads`, no domain objects) and gives
   the log row, the report row and one flat row per claim (its entity fields as columns);
2. SQL derives everything else from those staged claim rows inside the database (claims,
   effects, subjects, mentions, corrections: `report_statements`), so the many rows per report
   never pass through Python one by one (bench/ B3, B4).

Reference data (places, factions, leaders and aliases) is projected from domain events by
`project()`, because a name's match key (`name_key`) is Python; those events are few.

`stage()` reads payloads as `Report.Filed` v1 stores them (the JSON transcoder's datetimes are
`{"_type_": "datetime_iso", "_data_": "...+00:00"}`, always UTC); a later payload version needs
its shape handled there. tests/integration compare a replayed read model with the live one.
"""

from __future__ import annotations

import json
from datetime import timedelta
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from .domainmodel import Faction, Leader, Place, Report, db_time, name_key, parse_time

Op = tuple[str, dict[str, Any]]

# Order in which a batch of Python operations is executed; "name" reads "entity" rows.
OP_ORDER = ("entity", "name", "name_guard")
REPORT_TOPIC = Report.Filed.TOPIC

# Claim fields that name entities, and the kind of entity each names.
ENTITY_FIELDS = {
    "city": "place", "place": "place", "toward": "place",
    "faction": "faction", "from_faction": "faction",
    "leader": "leader", "led_by": "leader", "against": "leader",
}


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def project(event: Any) -> list[Op]:
    """Python row operations for one reference-data event (`position` is filled in by the
    recorder); a report's rows come from `stage()`."""
    # The SQL reads every event's record time as UTC text (see the module docstring).
    if event.timestamp.utcoffset() != timedelta(0):
        raise ValueError(f"event timestamp {event.timestamp} is not UTC")
    if isinstance(event, (Place.Registered, Faction.Registered, Leader.Registered)):
        return _project_entity(event)
    if isinstance(event, (Place.AliasAdded, Faction.AliasAdded, Leader.AliasAdded)):
        return [("name", {"kind": _kind_of(event), "entity_uuid": str(event.originator_id),
                          "alias": event.alias, "key": name_key(event.alias)})]
    return []


def _kind_of(event: Any) -> str:
    qual = type(event).__qualname__
    return {"Place": "place", "Faction": "faction", "Leader": "leader"}[qual.split(".")[0]]


def _project_entity(event: Any) -> list[Op]:
    kind = _kind_of(event)
    data: dict[str, Any] = {"id": event.slug, "name": event.name}
    if kind == "place":
        data.update(lat=event.lat, lon=event.lon, governorate=event.governorate,
                    parent=event.parent, kind=event.place_kind)
        parent = event.parent
    elif kind == "faction":
        data.update(parent=event.parent)
        parent = event.parent
    else:
        data.update(role=event.role, faction=event.faction)
        parent = event.faction
    if event.source:
        data["source"] = event.source
    ops: list[Op] = [("entity", {"kind": kind, "id": event.slug, "uuid": str(event.originator_id),
                                 "name": event.name, "parent": parent, "data": dumps(data)})]
    seen = set()
    for alias in [event.name, *event.aliases]:
        if alias in seen:
            continue
        seen.add(alias)
        ops.append(("name", {"kind": kind, "entity_uuid": str(event.originator_id), "alias": alias,
                             "key": name_key(alias)}))
    return ops


def mentioned(claim: dict[str, Any]) -> set[str]:
    """`kind:id` of every entity a claim names (for timeline filters)."""
    out = set()
    for field, kind in ENTITY_FIELDS.items():
        if claim.get(field):
            out.add(f"{kind}:{claim[field]}")
    for faction in claim.get("factions") or ():
        out.add(f"faction:{faction}")
    return out


# ---- staging: stored events -> flat rows --------------------------------------------------------

CLAIM_COLUMNS = ("pos", "rec", "report_id", "seq", "id", "type", "occurred_at", "confidence",
                 "target", "data", "city", "place", "faction", "from_faction", "factions_csv",
                 "leader", "status", "location", "led_by", "against", "toward")
_RANK = {"unconfirmed": 0, "reported": 1, "confirmed": 2}
_DB_ZERO = ".000000Z"


def utc_text(iso: str) -> str:
    """An isoformat() UTC datetime ("...+00:00", microseconds optional) as db_time text."""
    return iso[:19] + _DB_ZERO if len(iso) == 25 else iso[:26] + "Z"


def _api_to_db(value: str) -> str:
    """An api_time() value ("...Z", microseconds optional; what claims.py stores) as db_time
    text; any other RFC 3339 form is parsed."""
    if len(value) == 20 and value[19] == "Z":
        return value[:19] + _DB_ZERO
    if len(value) == 27 and value[26] == "Z":
        return value
    return db_time(parse_time(value))


def stream_text(originator_id: Any) -> str:
    """An originator id as the read model names it (the SQLite library stores 32 hex digits)."""
    return str(originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)))


class Staged:
    """Flat rows of a stretch of stored events (tuples in the column order of the SQL)."""

    __slots__ = ("log", "reports", "claims", "mentions", "external", "corrections")

    def __init__(self) -> None:
        self.log: list[tuple[Any, ...]] = []        # (position, recorded_at, topic, stream)
        self.reports: list[tuple[Any, ...]] = []    # (id, position, recorded_at, published_at, data)
        self.claims: list[tuple[Any, ...]] = []     # CLAIM_COLUMNS
        self.mentions: list[tuple[Any, ...]] = []   # (entity, occurred_at, position, claim id)
        self.external: list[dict[str, Any]] = []
        self.corrections = False

    def at(self, positions: Sequence[int]) -> "Staged":
        """These rows with positions[i] for the i-th event, when they were staged by index
        (the live path stages before the INSERT that gives positions: see persistence.py)."""
        out = Staged()
        out.log = [(positions[r[0]], *r[1:]) for r in self.log]
        out.reports = [(r[0], positions[r[1]], *r[2:]) for r in self.reports]
        out.claims = [(positions[r[0]], *r[1:]) for r in self.claims]
        out.mentions = [(r[0], r[1], positions[r[2]], r[3]) for r in self.mentions]
        out.external = [dict(r, position=positions[r["position"]]) for r in self.external]
        out.corrections = self.corrections
        return out


def stage(events: Iterable[tuple[int, str, Any, bytes]]) -> Staged:
    """Rows of stored events given as (position, topic, originator_id, state), in log order."""
    out = Staged()
    loads, dump = json.loads, _compact
    mentions = out.mentions
    for position, topic, originator_id, state in events:
        payload = loads(state)
        rec = utc_text(payload["timestamp"]["_data_"])
        stream = stream_text(originator_id)
        out.log.append((position, rec, topic, stream))
        if topic != REPORT_TOPIC:
            continue
        published = utc_text(payload["published_at"]["_data_"])
        source = payload["source"]
        out.reports.append((stream, position, rec, published, dump({
            "source": source, "headline": payload.get("headline"), "body": payload.get("body"),
            "language": payload.get("language")})))
        claims = payload["claims"]
        for seq, claim in enumerate(claims):
            get = claim.get
            occurred = get("occurred_at")
            occurred_at = _api_to_db(occurred) if occurred else published
            cid, ctype = claim["id"], claim["type"]
            factions = get("factions")
            if factions:
                mentions += [("faction:" + f, occurred_at, position, cid) for f in factions]
            for field, prefix in _MENTION_PREFIX:
                value = get(field)
                if value:
                    mentions.append((prefix + value, occurred_at, position, cid))
            if ctype in ("retract", "confirm"):
                out.corrections = True
            out.claims.append((
                position, rec, stream, seq, cid, ctype, occurred_at,
                _RANK[get("confidence") or "reported"], get("claim"),
                dump({k: v for k, v in claim.items() if k != "id" and k != "claim"}),
                get("city"), get("place"), get("faction"), get("from_faction"),
                ",".join(factions) if factions else None, get("leader"), get("status"),
                get("location"), get("led_by"), get("against"), get("toward")))
        # A report imported from another dataset (timeline/acled.py) names its record.
        ref = source.get("ref") if isinstance(source, dict) else None
        if isinstance(ref, dict) and claims:
            out.external.append({"dataset": ref["dataset"], "ref": ref["id"],
                                 "version": str(ref["version"]), "report_id": stream,
                                 "claim_id": claims[ref.get("claim", -1)]["id"],
                                 "position": position})
    return out


_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_MENTION_PREFIX = tuple((field, f"{kind}:") for field, kind in ENTITY_FIELDS.items())


# ---- the SQL that derives a report's other rows from the staged claims ---------------------------

class Dialect:
    """How SQL reads a JSON text column (a correction's target claim). This is SQLite's (JSON1);
    postgres.py has PostgreSQL's (jsonb)."""

    def fields(self, doc: str) -> str:
        """FROM item: the top-level fields of a JSON object (text) as rows `k` (key, value)."""
        return f"json_each({doc}) k"

    def strings(self, doc: str, path: str) -> str:
        """FROM item: the strings of the JSON array at `path` as rows `f` (value)."""
        return f"json_each({doc}, '$.{path}') f"


# The staged claims of the stretch being projected; per connection (TEMP: never logged, never seen by another connection), emptied before each use.
STAGE_TABLES = (
    "CREATE TEMP TABLE IF NOT EXISTS tl_batch ({})".format(", ".join(
        f"{c} {'BIGINT' if c in ('pos', 'seq', 'confidence') else 'TEXT'}" for c in CLAIM_COLUMNS)),
)
CORRECTION = "type IN ('retract', 'confirm')"


def _copied_mentions(d: Dialect) -> str:
    """(entity, occurred_at, pos, id): a retraction or confirmation names what its target names
    (read from the target's row: a target is never itself a correction, claims.py refuses
    that). What a claim names itself is staged (`Staged.mentions`)."""
    kind = "CASE k.key {} END".format(" ".join(f"WHEN '{f}' THEN '{kind}:'"
                                                for f, kind in ENTITY_FIELDS.items()))
    keys = ", ".join(f"'{f}'" for f in ENTITY_FIELDS)
    source = "tl_batch b JOIN tl_claims t ON t.id = b.target"
    copied = f"""SELECT {kind} || k.value AS entity, b.occurred_at AS occurred_at, b.pos AS pos,
                     b.id AS id
                 FROM {source}, {d.fields('t.data')}
                 WHERE b.{CORRECTION} AND k.key IN ({keys}) AND k.value <> ''
                 UNION ALL SELECT 'faction:' || f.value, b.occurred_at, b.pos, b.id
                 FROM {source}, {d.strings('t.data', 'factions')} WHERE b.{CORRECTION}"""
    return copied


def report_statements(d: Dialect) -> dict[str, str]:
    """name -> SQL over the staged claims (no parameters). Rows are inserted in primary-key
    order: a rebuild's inserts then touch neighbouring pages."""
    places = [("city", "TRUE"), ("place", "place IS NOT NULL AND place <> city")]
    effects = " UNION ALL ".join(
        [f"""SELECT '{kind}' AS kind, {subject} AS subject, occurred_at, pos, confidence, id,
                 {value} AS value, {detail} AS detail, rec FROM tl_batch
             WHERE type = '{kind}' AND {where}"""
         for kind, value, detail in (("control", "faction", "from_faction"),
                                     ("clash", "factions_csv", "NULL"))
         for subject, where in places]
        + ["""SELECT 'status', leader, occurred_at, pos, confidence, id, status, location, rec
              FROM tl_batch WHERE type = 'leader_status'""",
           """SELECT 'status', led_by, occurred_at, pos, confidence, id, 'leading_coup', city, rec
              FROM tl_batch WHERE type = 'coup'"""])
    mention_insert = """INSERT INTO tl_mentions (entity, occurred_at, position, claim_id)
            SELECT entity, occurred_at, pos, id FROM ({}) x WHERE entity IS NOT NULL
            ORDER BY 1, 2, 3, 4 ON CONFLICT DO NOTHING"""
    return {
        "claims": """INSERT INTO tl_claims (id, report_id, seq, type, occurred_at, confidence,
                position, recorded_at, target, data)
            SELECT id, report_id, seq, type, occurred_at, confidence, pos, rec, target, data
            FROM tl_batch ORDER BY id""",
        # early: dated after its own record time (see persistence.py, tl_effects_early)
        "effects": f"""INSERT INTO tl_effects (kind, subject, occurred_at, position, confidence,
                claim_id, value, detail, early)
            SELECT kind, subject, occurred_at, pos, confidence, id, value, detail,
                CASE WHEN occurred_at > rec THEN 1 ELSE 0 END
            FROM ({effects}) x ORDER BY 1, 2, 3, 4, 6""",
        "subjects": """INSERT INTO tl_subjects (kind, subject)
            SELECT 'control', city FROM tl_batch WHERE type = 'control'
            UNION SELECT 'control', place FROM tl_batch WHERE type = 'control' AND place IS NOT NULL
            UNION SELECT 'status', leader FROM tl_batch WHERE type = 'leader_status'
            UNION SELECT 'status', led_by FROM tl_batch WHERE type = 'coup'
            ON CONFLICT DO NOTHING""",
        # The primary key makes a second retraction (or confirmation) of one claim fail the
        # whole transaction, even when two writers race past the application's own check.
        "corrections": f"""INSERT INTO tl_corrections (target, kind, position, claim_id)
            SELECT target, type, pos, id FROM tl_batch WHERE {CORRECTION}""",
        "mention_copy": mention_insert.format(_copied_mentions(d)),
    }


STAGE_SQL = {
    "stage_clear": ("DELETE FROM tl_batch",),
    "claim": "INSERT INTO tl_batch ({}) VALUES ({})".format(
        ", ".join(CLAIM_COLUMNS), ", ".join("?" * len(CLAIM_COLUMNS))),
    "mention": """INSERT INTO tl_mentions (entity, occurred_at, position, claim_id)
                  VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING""",
    "report": """INSERT INTO tl_reports (id, position, recorded_at, published_at, data)
                 VALUES (?, ?, ?, ?, ?)""",
    "log": """INSERT INTO tl_log (position, ordinal, recorded_at, topic, stream, smin, rmax)
              VALUES (?, ?, ?, ?, ?, ?, ?)""",
    "log_last": "SELECT ordinal, rmax FROM tl_log WHERE position < :lo ORDER BY position DESC LIMIT 1",
    # Earlier positions recorded later than this stretch's earliest record time get their
    # suffix minimum lowered.
    "log_smin": "UPDATE tl_log SET smin = :smin WHERE smin > :smin AND position < :lo",
    # A later version of an imported record replaces the earlier.
    "external": """INSERT INTO tl_external (dataset, ref, version, report_id, claim_id, position)
                   VALUES (:dataset, :ref, :version, :report_id, :claim_id, :position)
                   ON CONFLICT (dataset, ref) DO UPDATE SET version = excluded.version,
                       report_id = excluded.report_id, claim_id = excluded.claim_id,
                       position = excluded.position""",
}


# The positions of the retractions and confirmations recorded at :lo..:hi, copied onto the
# effects of the claims they correct (a seek per corrected claim). A rebuild runs it once, over
# the whole log, after its indexes are back.
MARK_SQL = {f"{kind}_effects": f"""UPDATE tl_effects SET {column} = (
        SELECT x.position FROM tl_corrections x WHERE x.target = tl_effects.claim_id
        AND x.kind = '{kind}')
    WHERE claim_id IN (SELECT target FROM tl_corrections
                       WHERE kind = '{kind}' AND position BETWEEN :lo AND :hi)"""
            for kind, column in (("retract", "retracted_at"), ("confirm", "confirmed_at"))}


def number_log(rows: list[tuple[Any, ...]], last: tuple[int, str] | None) -> list[tuple[Any, ...]]:
    """Log rows (position, recorded_at, topic, stream) in position order with their ordinal and
    the monotone smin/rmax columns (see persistence.py, tl_log), continuing from the last row
    before them, (ordinal, rmax), if any."""
    ordinal, rmax = last if last else (0, "")
    out = []
    for position, rec, topic, stream in rows:
        ordinal += 1
        rmax = max(rmax, rec)
        out.append([position, ordinal, rec, topic, stream, None, rmax])
    smin = out[-1][2] if out else ""
    for row in reversed(out):
        smin = min(smin, row[2])
        row[5] = smin
    return [tuple(r) for r in out]
