"""The one projection: how the events of a stretch of the log become read-model rows.

Both the live write path (rows written in the same transaction as the events) and
`timeline replay` run it, on a range of log positions (`ReadModelRecorder.project`).

Reports, nearly every event of the log, are projected by SQL that reads the stored events
themselves (`report_statements`): the rows of a report never pass through Python, so a rebuild
runs at the speed of the database (bench/ B4) and a write costs a few statements per group
commit, not one per row (B3). Reference data (places, factions, leaders and their aliases) is
projected here in Python (`project`), because a name's match key (`name_key`: diacritics, Arabic
letter forms, articles) is Python; those events are few.

The SQL reads payloads as `Report.Filed` v1 stores them (a JSON object; datetimes as the JSON
transcoder's `{"_type_": "datetime_iso", "_data_": "...+00:00"}`, always UTC). A later version of
the payload needs its shape handled here too; tests/integration/test_replay.py compares a
replayed read model with the live one on both stores.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from .domainmodel import Faction, Leader, Place, Report, name_key

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
    """Python row operations for one event (`position` is filled in by the recorder). A report
    gives one "report" marker saying which of the SQL steps its rows need."""
    # The SQL reads every event's record time as UTC text (see the module docstring).
    if event.timestamp.utcoffset() != timedelta(0):
        raise ValueError(f"event timestamp {event.timestamp} is not UTC")
    if isinstance(event, (Place.Registered, Faction.Registered, Leader.Registered)):
        return _project_entity(event)
    if isinstance(event, (Place.AliasAdded, Faction.AliasAdded, Leader.AliasAdded)):
        return [("name", {"kind": _kind_of(event), "entity_uuid": str(event.originator_id),
                          "alias": event.alias, "key": name_key(event.alias)})]
    if isinstance(event, Report.Filed):
        ref = event.source.get("ref") if isinstance(event.source, dict) else None
        return [("report", {
            "corrections": any(c["type"] in ("retract", "confirm") for c in event.claims),
            "external": isinstance(ref, dict) and bool(event.claims)})]
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


# ---- the SQL of a report's rows ---------------------------------------------------------------

class Dialect:
    """How SQL reaches into a stored event's JSON. This is SQLite's (JSON1, text); postgres.py
    has PostgreSQL's (jsonb). `e` is a row of `events()`: pos, topic, stream, doc."""

    greatest = "max"
    json_type = "TEXT"

    def events(self) -> str:
        """The events of positions :lo..:hi as rows (pos, topic, stream, doc)."""
        raise NotImplementedError

    def get(self, doc: str, path: str) -> str:
        """A scalar at a dotted path, as SQL text/number (NULL when absent or null)."""
        return f"json_extract({doc}, '$.{path}')"

    def get_json(self, doc: str, path: str) -> str:
        """The JSON at a dotted path, as JSON text."""
        return f"json_extract({doc}, '$.{path}')"

    def as_json(self, text: str) -> str:
        """A JSON text column, as what get() reads."""
        return text

    def claims(self) -> str:
        """FROM item: the claims of `e.doc` as rows `j` with a column value (JSON)."""
        return "json_each(e.doc, '$.claims') AS j"

    def seq(self) -> str:
        """The index of claim `j` in its report (from 0)."""
        return "j.key"

    def claim_data(self, claim: str) -> str:
        """A claim's JSON without its id and target (tl_claims.data), as text."""
        return f"json_remove({claim}, '$.id', '$.claim')"

    def report_data(self) -> str:
        """source, headline, body and language of report `e` (one parse: what a Filed v1
        payload holds besides these)."""
        return "json_remove(e.doc, '$.timestamp', '$.originator_topic', '$.published_at', '$.claims')"

    def factions_csv(self, claim: str) -> str:
        return f"(SELECT group_concat(f.value, ',') FROM json_each({claim}, '$.factions') f)"

    def fields(self, doc: str) -> str:
        """FROM item: the top-level fields of a JSON object as rows `k` (key, value)."""
        return f"json_each({doc}) k"

    def strings(self, doc: str, path: str) -> str:
        """FROM item: the strings of the JSON array at `path` as rows `f` (value)."""
        return f"json_each({doc}, '$.{path}') f"

    def has_ref(self) -> str:
        """Whether report `e` names a record of another dataset (a text search first: cheap)."""
        return f"instr(e.doc, '\"ref\"') > 0 AND {self.get('e.doc', 'source.ref.dataset')} IS NOT NULL"

    def claim_id_at_ref(self) -> str:
        """The id of the claim an imported record names (`source.ref.claim`, else the last)."""
        return ("json_extract(e.doc, '$.claims[' || COALESCE(json_extract(e.doc, "
                "'$.source.ref.claim'), '#-1') || '].id')")


def utc_text(iso: str) -> str:
    """SQL: an isoformat() UTC datetime ("...+00:00", microseconds optional) as db_time text."""
    return (f"(CASE WHEN length({iso}) = 25 THEN substr({iso}, 1, 19) || '.000000Z' "
            f"ELSE substr({iso}, 1, 26) || 'Z' END)")


def api_to_db_text(iso: str) -> str:
    """SQL: an api_time() value ("...Z", microseconds optional) as db_time text."""
    return f"(CASE WHEN length({iso}) = 20 THEN substr({iso}, 1, 19) || '.000000Z' ELSE {iso} END)"


STAGE_COLUMNS = ("pos", "rec", "report_id", "seq", "id", "type", "occurred_at", "confidence",
                 "target", "v")
CORRECTION = "type IN ('retract', 'confirm')"


def stage_table(d: Dialect) -> str:
    """The claims of the stretch being projected, one row each with its JSON (v) and the fields
    every claim has; per connection (TEMP: never logged, never seen by another connection),
    emptied before each use."""
    types = {"pos": "BIGINT", "seq": "BIGINT", "confidence": "BIGINT", "v": d.json_type}
    return "CREATE TEMP TABLE IF NOT EXISTS tl_batch ({})".format(
        ", ".join(f"{c} {types.get(c, 'TEXT')}" for c in STAGE_COLUMNS))


def _mentions(d: Dialect) -> tuple[str, str]:
    """(entity, occurred_at, pos, id) of every entity each staged claim names; a retraction or
    confirmation names what its target names (read from the target's row: a target is never
    itself a correction, claims.py refuses that). One pass over each claim's fields."""
    kind = "CASE k.key {} END".format(" ".join(f"WHEN '{f}' THEN '{kind}:'"
                                                for f, kind in ENTITY_FIELDS.items()))
    keys = ", ".join(f"'{f}'" for f in ENTITY_FIELDS)

    def named(doc: str, source: str, where: str) -> str:
        return f"""SELECT {kind} || k.value AS entity, b.occurred_at AS occurred_at, b.pos AS pos,
                       b.id AS id
                   FROM {source}, {d.fields(doc)} WHERE {where} k.key IN ({keys})
                   AND k.value <> ''
                   UNION ALL SELECT 'faction:' || f.value, b.occurred_at, b.pos, b.id
                   FROM {source}, {d.strings(doc, 'factions')} WHERE {where} TRUE"""

    t = d.as_json("t.data")
    return (named("b.v", "tl_batch b", ""),
            named(t, "tl_batch b JOIN tl_claims t ON t.id = b.target", f"b.{CORRECTION} AND"))


def report_statements(d: Dialect) -> dict[str, str]:
    """name -> SQL with parameters :lo, :hi (log positions, inclusive) and :topic (reports).
    Rows are inserted in primary-key order: a rebuild's inserts then touch neighbouring pages."""
    ev = d.events()

    def g(name: str) -> str:
        return d.get("v", name)

    places = [(g("city"), "TRUE"), (g("place"), f"{g('place')} <> {g('city')}")]
    effects = " UNION ALL ".join(
        [f"""SELECT '{kind}' AS kind, {subject} AS subject, occurred_at, pos, confidence, id,
                 {value} AS value, {detail} AS detail, rec FROM tl_batch
             WHERE type = '{kind}' AND {where}"""
         for kind, value, detail in (("control", g("faction"), g("from_faction")),
                                     ("clash", d.factions_csv("v"), "NULL"))
         for subject, where in places]
        + [f"""SELECT 'status', {g('leader')}, occurred_at, pos, confidence, id, {g('status')},
                  {g('location')}, rec FROM tl_batch WHERE type = 'leader_status'""",
           f"""SELECT 'status', {g('led_by')}, occurred_at, pos, confidence, id, 'leading_coup',
                  {g('city')}, rec FROM tl_batch WHERE type = 'coup'"""])
    own, copied = _mentions(d)
    mention_insert = """INSERT INTO tl_mentions (entity, occurred_at, position, claim_id)
            SELECT entity, occurred_at, pos, id FROM ({}) x WHERE entity IS NOT NULL
            ORDER BY 1, 2, 3, 4 ON CONFLICT DO NOTHING"""
    return {
        # published_at and the payload in one pass over each event's JSON (MATERIALIZED: the
        # planner must not copy the extraction into every reference); the record time from the
        # log row just written.
        "report": f"""WITH t AS MATERIALIZED (
                SELECT e.pos, e.stream, {d.get('e.doc', 'published_at._data_')} AS iso,
                    {d.report_data()} AS data
                FROM {ev} WHERE e.topic = :topic)
            INSERT INTO tl_reports (id, position, recorded_at, published_at, data)
            SELECT t.stream, t.pos, l.recorded_at, {utc_text('t.iso')}, t.data
            FROM t JOIN tl_log l ON l.position = t.pos""",
        "stage_clear": "DELETE FROM tl_batch",
        # Each claim's JSON is taken out of its report once (MATERIALIZED, as above).
        "stage": f"""WITH c AS MATERIALIZED (
                SELECT e.pos, e.stream, {d.seq()} AS seq, j.value AS v, r.recorded_at AS rec,
                    r.published_at AS published
                FROM {ev} JOIN tl_reports r ON r.id = e.stream, {d.claims()}
                WHERE e.topic = :topic)
            INSERT INTO tl_batch ({', '.join(STAGE_COLUMNS)})
            SELECT pos, rec, stream, seq, {g('id')}, {g('type')},
                COALESCE({api_to_db_text(g('occurred_at'))}, published),
                CASE {g('confidence')} WHEN 'unconfirmed' THEN 0 WHEN 'confirmed' THEN 2 ELSE 1 END,
                {g('claim')}, v
            FROM c""",
        "claims": f"""INSERT INTO tl_claims (id, report_id, seq, type, occurred_at, confidence,
                position, recorded_at, target, data)
            SELECT id, report_id, seq, type, occurred_at, confidence, pos, rec, target,
                {d.claim_data('v')}
            FROM tl_batch ORDER BY id""",
        # early: dated after its own record time (see persistence.py, tl_effects_early)
        "effects": f"""INSERT INTO tl_effects (kind, subject, occurred_at, position, confidence,
                claim_id, value, detail, early)
            SELECT kind, subject, occurred_at, pos, confidence, id, value, detail,
                CASE WHEN occurred_at > rec THEN 1 ELSE 0 END
            FROM ({effects}) x WHERE subject IS NOT NULL ORDER BY 1, 2, 3, 4, 6""",
        "subjects": f"""INSERT INTO tl_subjects (kind, subject)
            SELECT DISTINCT kind, subject FROM (
                SELECT 'control' AS kind, {g('city')} AS subject FROM tl_batch
                WHERE type = 'control'
                UNION ALL SELECT 'control', {g('place')} FROM tl_batch WHERE type = 'control'
                UNION ALL SELECT 'status', {g('leader')} FROM tl_batch WHERE type = 'leader_status'
                UNION ALL SELECT 'status', {g('led_by')} FROM tl_batch WHERE type = 'coup') x
            WHERE subject IS NOT NULL ON CONFLICT DO NOTHING""",
        "mentions": mention_insert.format(own),
        # The primary key makes a second retraction (or confirmation) of one claim fail the
        # whole transaction, even when two writers race past the application's own check.
        "corrections": f"""INSERT INTO tl_corrections (target, kind, position, claim_id)
            SELECT target, type, pos, id FROM tl_batch WHERE {CORRECTION}""",
        "mention_copy": mention_insert.format(copied),
        # A report imported from another dataset (timeline/acled.py) names the record it came
        # from; the latest version of a record wins.
        "external": f"""INSERT INTO tl_external (dataset, ref, version, report_id, claim_id,
                position)
            SELECT dataset, ref, version, report_id, claim_id, pos FROM (
                SELECT {d.get('e.doc', 'source.ref.dataset')} AS dataset,
                    {d.get('e.doc', 'source.ref.id')} AS ref,
                    {d.get('e.doc', 'source.ref.version')} AS version, e.stream AS report_id,
                    {d.claim_id_at_ref()} AS claim_id, e.pos,
                    ROW_NUMBER() OVER (PARTITION BY {d.get('e.doc', 'source.ref.dataset')},
                        {d.get('e.doc', 'source.ref.id')} ORDER BY e.pos DESC) AS newest
                FROM {ev} WHERE e.topic = :topic AND {d.has_ref()}) x
            WHERE newest = 1 AND claim_id IS NOT NULL
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


def log_statement(d: Dialect) -> str:
    """The log rows of positions :lo..:hi: ordinals, and the monotone smin/rmax columns (see
    persistence.py, tl_log), continuing from the last row before :lo."""
    rec = utc_text("t.iso")
    return f"""WITH t AS MATERIALIZED (
            SELECT e.pos, e.topic, e.stream, {d.get('e.doc', 'timestamp._data_')} AS iso
            FROM {d.events()})
        INSERT INTO tl_log (position, ordinal, recorded_at, topic, stream, smin, rmax)
        SELECT x.pos, b.o + ROW_NUMBER() OVER (ORDER BY x.pos), x.rec, x.topic, x.stream,
            MIN(x.rec) OVER (ORDER BY x.pos ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING),
            {d.greatest}(b.r, MAX(x.rec) OVER (ORDER BY x.pos ROWS UNBOUNDED PRECEDING))
        FROM (SELECT t.pos, {rec} AS rec, t.topic, t.stream FROM t) x,
            (SELECT COALESCE((SELECT ordinal FROM tl_log WHERE position < :lo
                              ORDER BY position DESC LIMIT 1), 0) AS o,
                    COALESCE((SELECT rmax FROM tl_log WHERE position < :lo
                              ORDER BY position DESC LIMIT 1), '') AS r) b"""


# Earlier positions recorded later than this stretch's earliest record time get their suffix
# minimum lowered.
LOG_SMIN = """UPDATE tl_log SET smin = (SELECT MIN(smin) FROM tl_log WHERE position >= :lo)
    WHERE position < :lo AND smin > (SELECT MIN(smin) FROM tl_log WHERE position >= :lo)"""
