"""The one projection: how the events of a stretch of the log become read-model rows.

Both the live write path (rows written in the same transaction as the events) and
`timeline replay` run it, on the stored events of a range of log positions:
`stage()` reads each stored event's JSON (a plain `json.loads`, no domain objects) and gives
every row as a flat tuple; `ReadModelRecorder.project` writes them, one `executemany` per
table. Only a correction's copy of its target's mentions, and the marking of corrected effects,
read other rows, in SQL (`MARK_SQL`).

Reference data (places, factions, leaders and aliases) is projected from domain events by
`project()`, because a name's match key (`name_key`) is Python; those events are few.

`stage()` reads payloads as `Report.Filed` v1 and v2 store them (v2 adds `filed_by`) (the JSON transcoder's datetimes are
`{"_type_": "datetime_iso", "_data_": "...+00:00"}`); a later payload version needs its shape
handled there. It reads the stored state as plain JSON: the application refuses a compressor or
a cipher (application.py). tests/integration compare a replayed read model with the live one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from ..origins import origin_key, origin_of
from ..vocabulary import CORRECTIONS, TYPES, entity_fields
from ..domainmodel import (
    CONFIDENCE_RANK,
    Faction,
    Leader,
    Place,
    Report,
    db_time,
    name_key,
    parse_time,
)

Op = tuple[str, dict[str, Any]]

# Order in which a batch of Python operations is executed; "name" reads "entity" rows.
OP_ORDER = ("entity", "name", "name_guard")
# Drafts (timeline/drafts.py): a decision updates the row its opening wrote.
OP_ORDER += ("draft", "draft_decision")
REPORT_TOPIC = Report.Filed.TOPIC

# Claim fields that name entities (a list field, `factions` or `actors`, one per item), and the
# kind of entity each names; and each claim type's effect (vocabulary.TYPES).
ENTITY_FIELDS = entity_fields()
EFFECTS = {t.name: t.effect for t in TYPES.values() if t.effect is not None}
# Effect kinds whose subjects tl_subjects lists (those with a winner per instant).
LISTED = ("control", "status")


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def project(event: Any) -> list[Op]:
    """Python row operations for one reference-data event (`position` is filled in by the
    recorder); a report's rows come from `stage()`."""
    if isinstance(event, (Place.Registered, Faction.Registered, Leader.Registered)):
        return _project_entity(event)
    from .. import drafts  # imports this module's neighbours; late, to keep the import order

    return drafts.project(event)


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
        value = claim.get(field)
        if isinstance(value, list):
            out.update(f"{kind}:{v}" for v in value)
        elif value:
            out.add(f"{kind}:{value}")
    return out


# ---- staging: stored events -> flat rows --------------------------------------------------------

_DB_ZERO = ".000000Z"


def db_text(iso: str) -> str:
    """An ISO 8601 timestamp as stored in the JSON (the transcoder's isoformat() "...+00:00",
    domainmodel's api_time() "...Z", microseconds optional) as db_time text; the usual UTC forms
    by slicing, any other form parsed."""
    n = len(iso)
    if (n == 20 and iso[19] == "Z") or (n == 25 and iso.endswith("+00:00")):
        return iso[:19] + _DB_ZERO
    if (n == 27 and iso[26] == "Z") or (n == 32 and iso.endswith("+00:00")):
        return iso[:26] + "Z"
    return db_time(parse_time(iso))


def stream_text(originator_id: Any) -> str:
    """An originator id as the read model names it (the SQLite library stores 32 hex digits)."""
    return str(originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)))


class Staged:
    """The rows of a stretch of stored events: tuples in the column order of STAGE_SQL."""

    # list -> index of the position in its tuples
    POSITION = {"log": 0, "reports": 1, "claims": 6, "effects": 3, "mentions": 2,
                "corrections": 2, "deaths": 4, "sources": 1}
    __slots__ = (*POSITION, "subjects", "external")

    def __init__(self) -> None:
        self.log: list[tuple[Any, ...]] = []          # position, recorded_at, topic, stream
        self.reports: list[tuple[Any, ...]] = []      # tl_reports
        self.claims: list[tuple[Any, ...]] = []       # tl_claims
        self.effects: list[tuple[Any, ...]] = []      # tl_effects (early included)
        self.mentions: list[tuple[Any, ...]] = []     # tl_mentions
        self.corrections: list[tuple[Any, ...]] = []  # tl_corrections
        self.subjects: list[tuple[str, str]] = []     # tl_subjects
        self.external: list[dict[str, Any]] = []      # tl_external
        self.deaths: list[tuple[Any, ...]] = []       # tl_deaths (v2: claims with a toll)
        self.sources: list[tuple[Any, ...]] = []      # tl_report_sources

    def at(self, positions: Sequence[int]) -> "Staged":
        """These rows with positions[i] for the i-th event, when they were staged by index
        (the live path stages before the INSERT that gives positions: see recorder.py)."""
        out = Staged()
        for name, i in self.POSITION.items():
            setattr(out, name, _placed(getattr(self, name), i, positions))
        out.subjects = self.subjects
        out.external = [dict(r, position=positions[r["position"]]) for r in self.external]
        return out


def _placed(rows: list[tuple[Any, ...]], i: int, positions: Sequence[int]) -> list[tuple[Any, ...]]:
    """`rows` with their i-th item, an index, replaced by positions[index]. Column by column, in
    C (zip, map), half the time of a tuple rebuilt per row in Python: it runs in the writers'
    lock (bench/ B3: 400 reports' rows, 2.5 ms instead of 4.8)."""
    if not rows:
        return []
    columns: list[Any] = list(zip(*rows, strict=True))
    columns[i] = map(positions.__getitem__, columns[i])
    return list(zip(*columns, strict=True))


def joined(parts: Sequence[tuple[int, int, Staged]]) -> Staged:
    """Rows staged request by request, each part by its own events' indexes from 0, given as
    (index of its first event in the whole, its number of events, its rows): the rows stage()
    gives for all those events at once (indexes shifted, the sorted lists sorted again)."""
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][2]
    out = Staged()
    subjects: set[tuple[str, str]] = set()
    for first, count, part in parts:
        shifted = part.at(range(first, first + count))
        for name in Staged.POSITION:
            getattr(out, name).extend(getattr(shifted, name))
        out.external.extend(shifted.external)
        subjects.update(part.subjects)
    out.claims.sort()
    out.effects.sort()
    out.mentions.sort()
    out.subjects = sorted(subjects)  # type: ignore[assignment]
    return out


def stage(events: Iterable[tuple[int, str, Any, bytes]]) -> Staged:
    """Rows of stored events given as (position, topic, originator_id, state), in log order."""
    out = Staged()
    loads = json.loads
    subjects: set[tuple[str, str]] = set()
    for position, topic, originator_id, state in events:
        payload = loads(state)
        rec = db_text(payload["timestamp"]["_data_"])
        stream = stream_text(originator_id)
        out.log.append((position, rec, topic, stream))
        if topic == REPORT_TOPIC:
            _stage_report(out, subjects, position, rec, stream, payload)
    # In key order (positions here are in log order, whether indexes or positions): a long
    # rebuild's inserts then touch neighbouring pages.
    out.claims.sort()
    out.effects.sort()
    out.mentions.sort()
    out.subjects = sorted(subjects)  # type: ignore[assignment]
    return out


def _stage_report(out: Staged, subjects: set[tuple[str, str]], position: int, rec: str,
                  stream: str, payload: dict[str, Any]) -> None:
    dump = _compact
    published = db_text(payload["published_at"]["_data_"])
    source = payload["source"]
    data = {"source": source, "headline": payload.get("headline"),
            "body": payload.get("body"), "language": payload.get("language")}
    if payload.get("draft"):  # filed from a draft (timeline/drafts.py)
        data["draft"] = payload["draft"]
    out.reports.append((stream, position, rec, published, dump(data)))
    claims = payload["claims"]
    out.sources.append(source_row(stream, position, published, source, payload.get("filed_by"),
                                  len(claims)))
    # evidence items show the report and its source (API.md v2): kept on each effect row,
    # so that a stretch's evidence reads no other table
    tail = (published, origin_key(origin_of(source)), stream,
            dump(source) if isinstance(source, dict) else None)
    for seq, claim in enumerate(claims):
        _stage_claim(out, subjects, claim, seq, position, rec, tail)
    # A report imported from another dataset (timeline/ingest/acled.py) names its record.
    ref = source.get("ref") if isinstance(source, dict) else None
    if isinstance(ref, dict) and claims:
        out.external.append({"dataset": ref["dataset"], "ref": ref["id"],
                             "version": str(ref["version"]), "report_id": stream,
                             "claim_id": claims[ref.get("claim", -1)]["id"],
                             "position": position})


def _stage_claim(out: Staged, subjects: set[tuple[str, str]], claim: dict[str, Any], seq: int,
                 position: int, rec: str, tail: tuple[Any, ...]) -> None:
    """A claim's rows; `tail` is its report's (published_at, origin key, id, source JSON)."""
    get, published = claim.get, tail[0]
    occurred = get("occurred_at")
    occurred_at = db_text(occurred) if occurred else published
    cid, ctype = claim["id"], claim["type"]
    rank = CONFIDENCE_RANK[get("confidence") or "reported"]
    target = get("claim")
    out.claims.append((cid, tail[2], seq, ctype, occurred_at, rank, position, rec, target,
                       _compact({k: v for k, v in claim.items() if k != "id" and k != "claim"})))
    out.mentions += [(entity, occurred_at, position, cid) for entity in mentioned(claim)]
    effect = EFFECTS.get(ctype)
    if effect is not None and effect.kind in CORRECTIONS:
        out.corrections.append((target, effect.kind, position, cid, published))
    elif effect is not None:
        value = effect.fixed if effect.value is None else get(effect.value)
        if isinstance(value, list):  # a clash's factions
            value = ",".join(value)
        detail = get(effect.detail) if effect.detail else None
        early = 1 if occurred_at > rec else 0
        for subject in dict.fromkeys(s for s in map(get, effect.subjects) if s):
            out.effects.append((effect.kind, subject, occurred_at, position, rank, cid, value,
                                detail, early, *tail))
            if effect.kind in LISTED:
                subjects.add((effect.kind, subject))
    if get("deaths") is not None:
        out.deaths.append(deaths_row(claim, cid, seq, occurred_at, position, published, rank))


def deaths_row(claim: dict[str, Any], cid: str, seq: int, occurred_at: str, position: int,
               published: str, rank: int) -> tuple[Any, ...]:
    """A claim's toll as a tl_deaths row; `low`/`high` default to `best`, `civilians` to 0
    (API.md, /casualties). An event given only as a point has no city: /casualties' city= and
    governorate= filters do not take it in (its totals without them do)."""
    toll = claim["deaths"]
    best = toll["best"]
    # the most precise place: a clash's district (`place`) rather than its city
    return (cid, claim.get("event_key"), occurred_at, claim.get("place") or claim.get("city"),
            position, seq,
            published, rank, best, toll.get("low", best), toll.get("high", best),
            toll.get("civilians", 0))


_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


# ---- the SQL that writes them -------------------------------------------------------------------

def _insert(table: str, columns: str, tail: str = "") -> str:
    n = len(columns.split(","))
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * n)}){tail}"


STAGE_SQL = {
    "log": _insert("tl_log", "position, ordinal, recorded_at, topic, stream, smin, rmax"),
    "log_last": "SELECT ordinal, rmax FROM tl_log WHERE position < :lo ORDER BY position DESC LIMIT 1",
    "reports": _insert("tl_reports", "id, position, recorded_at, published_at, data"),
    "claims": _insert("tl_claims", "id, report_id, seq, type, occurred_at, confidence, position, "
                                   "recorded_at, target, data"),
    "effects": _insert("tl_effects", "kind, subject, occurred_at, position, confidence, claim_id, "
                                     "value, detail, early, published_at, origin, report_id, "
                                     "source"),
    "subjects": _insert("tl_subjects", "kind, subject", " ON CONFLICT DO NOTHING"),
    "mentions": _insert("tl_mentions", "entity, occurred_at, position, claim_id",
                        " ON CONFLICT DO NOTHING"),
    # The primary key makes a second retraction (or confirmation) of one claim fail the whole
    # transaction, even when two writers race past the application's own check.
    "deaths": _insert("tl_deaths", "claim_id, event_key, occurred_at, city, position, seq, "
                                   "published_at, confidence, best, low, high, civilians"),
    "corrections": _insert("tl_corrections", "target, kind, position, claim_id, published_at"),
    # A later version of an imported record replaces the earlier.
    "sources": _insert("tl_report_sources", "report_id, position, published_at, source_name, "
                                            "source_key, origin, origin_key, filed_by, claims"),
    "external": """INSERT INTO tl_external (dataset, ref, version, report_id, claim_id, position)
                   VALUES (:dataset, :ref, :version, :report_id, :claim_id, :position)
                   ON CONFLICT (dataset, ref) DO UPDATE SET version = excluded.version,
                       report_id = excluded.report_id, claim_id = excluded.claim_id,
                       position = excluded.position""",
}


# What the retractions and confirmations recorded at :lo..:hi change in other rows: their
# positions (and their reports' publication times) are copied onto the effects of the claims
# they correct, so that "counted as of (K, published_by)" is a test on the effect row
# (queries.counted), and each names what its target names (its mentions, copied). A
# retraction may target a retraction (API.md v2, undo): a claim's row then keeps the chain, up to
# three deep: its retraction R1, R1's retraction R2 ("reinstated"), R2's retraction R3
# (claims.py refuses a deeper one). Seeks per correction. A rebuild runs these once, over the
# whole log, after its indexes are back.
_CHAIN = """SELECT {cols} FROM tl_corrections x
    LEFT JOIN tl_corrections y ON y.target = x.claim_id AND y.kind = 'retract'
    LEFT JOIN tl_corrections z ON z.target = y.claim_id AND z.kind = 'retract'
    WHERE x.target = tl_effects.claim_id AND x.kind = 'retract'"""
_NEW = "FROM tl_corrections n {joins} WHERE n.kind = '{kind}' AND n.position BETWEEN :lo AND :hi"
MARK_SQL = {
    "retract_effects": f"""UPDATE tl_effects SET
            (retracted_at, retracted_pub, reinstated_at, reinstated_pub, reretracted_at,
             reretracted_pub) = ({_CHAIN.format(cols="x.position, x.published_at, y.position, "
                                                     "y.published_at, z.position, z.published_at")})
        WHERE claim_id IN (
            SELECT n.target {_NEW.format(joins="", kind="retract")}
            UNION SELECT t.target {_NEW.format(joins="JOIN tl_claims t ON t.id = n.target",
                                               kind="retract")}
            UNION SELECT u.target {_NEW.format(joins="JOIN tl_claims t ON t.id = n.target "
                                                     "JOIN tl_claims u ON u.id = t.target",
                                               kind="retract")})""",
    "confirm_effects": f"""UPDATE tl_effects SET (confirmed_at, confirmed_pub) = (
            SELECT x.position, x.published_at FROM tl_corrections x
            WHERE x.target = tl_effects.claim_id AND x.kind = 'confirm')
        WHERE claim_id IN (SELECT n.target {_NEW.format(joins="", kind="confirm")})""",
    "mention_copy": """INSERT INTO tl_mentions (entity, occurred_at, position, claim_id)
        SELECT m.entity, c.occurred_at, c.position, c.id FROM tl_corrections x
        JOIN tl_claims c ON c.id = x.claim_id JOIN tl_mentions m ON m.claim_id = x.target
        WHERE x.kind IN ('retract', 'confirm') AND x.position BETWEEN :lo AND :hi
        ON CONFLICT DO NOTHING""",
}


def source_row(report_id: str, position: int, published: str, source: Any, filed_by: Any,
               claims: int) -> tuple[Any, ...]:
    """A report's row of tl_report_sources: its source's name and origin, as written and as
    compared (origins.origin_key), and the label of the token that filed it."""
    source = source if isinstance(source, dict) else {}
    name = source.get("name") if isinstance(source.get("name"), str) else None
    origin = origin_of(source)
    return (report_id, position, published, name, origin_key(name), origin, origin_key(origin),
            filed_by if isinstance(filed_by, str) else None, claims)


def number_log(rows: list[tuple[Any, ...]], last: tuple[int, str] | None) -> list[tuple[Any, ...]]:
    """Log rows (position, recorded_at, topic, stream) in position order with their ordinal and
    the monotone rmax column (see tables.py, tl_log), continuing from the last row before them,
    (ordinal, rmax), if any. smin is the row's own record time (tables.py: kept, not read)."""
    ordinal, rmax = last if last else (0, "")
    out = []
    for position, rec, topic, stream in rows:
        ordinal += 1
        rmax = max(rmax, rec)
        out.append((position, ordinal, rec, topic, stream, rec, rmax))
    return out
