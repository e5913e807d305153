"""The history replayed: claims in valid-time order, each with the state change it caused as the
service knew it at `known_at`; and the event log itself, page by page, in record order."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from ..domainmodel import CONFIDENCES, EARLIEST, db_time, db_to_api, minus
from ..origins import origin_key, origin_of
from ..vocabulary import CORRECTIONS, TYPES, Effect, field_kinds
from . import stretch, undo
from .queries import winners

EPOCH = EARLIEST
END = "9999-12-31T23:59:59.999999Z"

# The claim fields a timeline item shows as they were given (`claim` is shown as `target`).
ITEM_FIELDS = tuple(name for name in field_kinds() if name != "claim")
EFFECTS = {t.name: t.effect for t in TYPES.values() if t.effect is not None}
# The entity kind and field a change of a control or status effect names.
_WINNER_FIELDS = {"control": ("place", "controller"), "status": ("leader", "status")}


def timeline(rm: Any, names: Any, queries: Any, p: Any, *, start: str | None = None,
             end: str | None = None, entities: list[list[str]] | None = None,
             after: tuple[str, int, int] | None = None, limit: int = 100,
             source: str | None = None) -> list[dict[str, Any]]:
    """Up to `limit` claims known at `p.k` with `start <= occurred_at <= end`, in valid-time order
    (then record order) after the keyset `after`; `entities` is a list of alternatives per
    filter (`[["place:aleppo"], ["faction:hts", "faction:hts-sub"]]`), all of which must match."""
    params: dict[str, Any] = {"k": p.k, "start": start or EPOCH, "end": end or END,
                              "limit": limit}
    where = ["c.position <= :k", "c.occurred_at >= :start", "c.occurred_at <= :end"]
    if getattr(p, "published_by", None):
        # API.md v2, three clocks: only reports published by then
        params["pb"] = p.pb
        where.append("c.report_id IN (SELECT r.id FROM tl_reports r WHERE r.id = c.report_id "
                     "AND r.published_at <= :pb)")
    if after is not None:
        params.update(at=after[0], ap=after[1], aseq=after[2])
        where.append("(c.occurred_at > :at OR (c.occurred_at = :at AND (c.position > :ap OR "
                     "(c.position = :ap AND c.seq > :aseq))))")
    for i, alternatives in enumerate(entities or []):
        names_sql = []
        for j, entity in enumerate(alternatives):
            params[f"e{i}_{j}"] = entity
            names_sql.append(f":e{i}_{j}")
        where.append(f"c.id IN (SELECT m.claim_id FROM tl_mentions m WHERE m.entity IN "
                     f"({', '.join(names_sql)}) AND m.position <= :k)")
    if source is not None:  # a source name, matched whole (API.md v2, /timeline?source=)
        params["source_key"] = origin_key(source)
        where.append("c.report_id IN (SELECT s.report_id FROM tl_report_sources s WHERE "
                     "s.source_key = :source_key AND s.position <= :k)")
    statement = (f"SELECT c.* FROM tl_claims c WHERE {' AND '.join(where)} "
                 "ORDER BY c.occurred_at, c.position, c.seq LIMIT :limit")
    with rm.reading() as cursor:
        rows = rm.fetchall(statement, params, cursor)
        corrections = _corrections(rm, cursor, [r["id"] for r in rows], p)
        winners = _Winners(rm, cursor, p, queries)
        items = [_item(row, corrections.get(row["id"], {}), winners) for row in rows]
        _add_sources(rm, cursor, items)
    return items


def _add_sources(rm: Any, cursor: Any, items: list[dict[str, Any]]) -> None:
    """Each item's report's `source`, `origin` and `published_at` (API.md v2: the CSV's
    columns), one statement per 500 reports of the page."""
    reports: dict[str, dict[str, Any]] = {}
    ids = list(dict.fromkeys(item["report"] for item in items))
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        params = {f"i{n}": rid for n, rid in enumerate(chunk)}
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        for row in rm.fetchall(f"SELECT id, published_at, data FROM tl_reports WHERE id IN ({marks})",
                               params, cursor):
            source = json.loads(row["data"]).get("source") or {}
            reports[row["id"]] = {"source": source, "origin": origin_of(source),
                                  "published_at": db_to_api(row["published_at"])}
    for item in items:
        item.update(reports.get(item["report"], {}))


def _corrections(rm: Any, cursor: Any, ids: list[str], p: Any) -> dict[str, dict[str, Any]]:
    """claim id -> {kind: its correction counted at p}; a retraction counts while it is in
    force (API.md v2: a retracted retraction does not)."""
    out: dict[str, dict[str, Any]] = {}
    pb = getattr(p, "pb", END)
    for c in undo.load(rm, cursor, ids, p.k, pb):
        if c["kind"] == "retract" and not undo.in_force(
                undo.chain(rm, cursor, c["target"]), p.k, pb):
            continue
        out.setdefault(c["target"], {})[c["kind"]] = c
    return out


class _Winners:
    """Per subject, the winning claim at each valid-time instant (by the tie rules) and the
    value before it, as of the point's record position and minimum confidence."""

    def __init__(self, rm: Any, cursor: Any, p: Any, queries: Any = None):
        self.rm, self.cursor, self.p, self.queries = rm, cursor, p, queries
        self._cache: dict[tuple[str, str], dict[str, tuple[str | None, str, str | None]]] = {}
        self._instants: dict[tuple[str, str], set[str]] = {}
        self._dissolves: list[dict[str, Any]] | None = None

    def dissolves(self) -> list[dict[str, Any]]:
        if self._dissolves is None:
            self._dissolves = self.rm.dissolves(self.cursor, END, self.p.k, self.p.min_rank,
                                                getattr(self.p, "pb", END))
        return self._dissolves

    def at(self, kind: str, subject: str) -> dict[str, tuple[str | None, str, str | None]]:
        """{claim_id: (value before, value, detail)} for the claims that won their instant,
        and for a place, the dissolutions that passed it on or lapsed it (API.md v2)."""
        key = (kind, subject)
        if key not in self._cache and kind == "control" and self.queries is not None \
                and self.dissolves():
            elements = self.queries.control_elements(self.cursor, subject, self.p.moved(END),
                                                     self.dissolves())
            table, current = {}, None
            for e in elements:
                table[e.row["claim_id"]] = (current, e.value, None if e.dissolve else e.row["detail"])
                current = e.value
            self._cache[key] = table
            self._instants[key] = {e.t for e in elements if not e.dissolve}
        if key not in self._cache:
            rows = self.rm.history(self.cursor, kind, subject, END, self.p.k, self.p.min_rank,
                                   getattr(self.p, "pb", END))
            won = list(winners(rows, "occurred_at").values())  # rows come in valid-time order
            table, current = {}, None
            for row in won:
                table[row["claim_id"]] = (current, row["value"], row["detail"])
                current = row["value"]
            self._cache[key] = table
            self._instants[key] = {row["occurred_at"] for row in won}
        return self._cache[key]

    def has_instant(self, kind: str, subject: str, occurred_at: str) -> bool:
        """Whether a counted claim of `kind` about `subject` is dated `occurred_at`."""
        self.at(kind, subject)
        return occurred_at in self._instants[(kind, subject)]


def _item(row: dict[str, Any], corrections: dict[str, Any], winners: _Winners) -> dict[str, Any]:
    data = json.loads(row["data"])
    ctype = row["type"]
    effect = EFFECTS.get(ctype)
    retracted = "retract" in corrections
    confirmed = "confirm" in corrections
    # as /claims/{id} says it: a retracted claim keeps the confidence it was stated with
    eff = 2 if confirmed and not retracted else row["confidence"]
    # A retraction or confirmation applies whatever its own confidence (the state routes apply
    # it at every min_confidence), so it always counts here too.
    counted = not retracted and (eff >= winners.p.min_rank
                                 or (effect is not None and effect.kind in CORRECTIONS))
    item: dict[str, Any] = {
        "at": db_to_api(row["occurred_at"]),
        "claim": row["id"],
        "type": ctype,
        "summary": data.get("summary"),
        "changes": [],
        "confidence": CONFIDENCES[eff],
        "precision": data.get("precision"),
        "retracted": retracted,
        "counted": counted,
        "report": row["report_id"],
        "position": row["position"],
        "recorded_at": db_to_api(row["recorded_at"]),
        "_seq": row["seq"],  # for the page's keyset cursor; not shown
    }
    item.update((field, data[field]) for field in ITEM_FIELDS if data.get(field) is not None)
    if row.get("target"):
        item["target"] = row["target"]
    if counted and effect is not None:
        _CHANGES[effect.kind](item["changes"], effect, row, data, winners)
    return item


def _subjects(effect: Effect, data: dict[str, Any]) -> Iterable[str]:
    return dict.fromkeys(s for s in map(data.get, effect.subjects) if s)


def _winner_changes(changes: list[dict[str, Any]], effect: Effect, row: dict[str, Any],
                    data: dict[str, Any], w: _Winners) -> None:
    """A control or status claim that won its instant: the value it set, if it changed it."""
    entity_kind, field = _WINNER_FIELDS[effect.kind]
    for subject in _subjects(effect, data):
        won = w.at(effect.kind, subject).get(row["id"])
        if won is None:
            continue
        before, value, detail = won
        if before is None and effect.kind == "control":
            before = detail  # the claim's own from_faction, when nothing earlier is known
        if before != value:
            changes.append({"kind": entity_kind, "id": subject, "field": field,
                            "from": before, "to": value})
        if effect.kind == "control":
            # It also sets the place's status at its instant (a new control claim starts
            # it afresh: held, whatever contested it before, even if it restates the holder)
            _status_change(changes, w.queries, w.cursor, subject, row["occurred_at"], w.p)


def _clash_changes(changes: list[dict[str, Any]], effect: Effect, row: dict[str, Any],
                   data: dict[str, Any], w: _Winners) -> None:
    for subject in _subjects(effect, data):
        # A place's status changes once at an instant: a control claim dated then sets it
        # (a clash must come after it to contest it), else the clash that wins the instant.
        if (row["id"] in w.at("clash", subject)
                and not w.has_instant("control", subject, row["occurred_at"])):
            _status_change(changes, w.queries, w.cursor, subject, row["occurred_at"], w.p)


def _dissolve_changes(changes: list[dict[str, Any]], effect: Effect, row: dict[str, Any],
                      data: dict[str, Any], w: _Winners) -> None:
    for subject in _dissolved_places(w.rm, w.cursor, w.queries, data, w.p):
        won = w.at("control", subject).get(row["id"])
        if won is None:
            continue
        changes.append({"kind": "place", "id": subject, "field": "controller",
                        "from": won[0], "to": won[1]})
        _status_change(changes, w.queries, w.cursor, subject, row["occurred_at"], w.p)


def _retract_changes(changes: list[dict[str, Any]], effect: Effect, row: dict[str, Any],
                     data: dict[str, Any], w: _Winners) -> None:
    if not row.get("target"):
        return
    changes.append({"kind": "claim", "id": row["target"], "field": "retracted",
                    "from": False, "to": True})
    # API.md v2, undo: retracting a retraction flips the claims down its chain in turn
    # (the claim it had retracted counts again; one reinstated before is retracted again)
    target, flag = w.rm.fetchone("SELECT target FROM tl_claims WHERE id = :id AND "
                                 "type = 'retract'", {"id": row["target"]}, w.cursor), True
    while target is not None and target["target"]:
        changes.append({"kind": "claim", "id": target["target"], "field": "retracted",
                        "from": flag, "to": not flag})
        flag = not flag
        target = w.rm.fetchone("SELECT target FROM tl_claims WHERE id = :id AND "
                               "type = 'retract'", {"id": target["target"]}, w.cursor)


def _confirm_changes(changes: list[dict[str, Any]], effect: Effect, row: dict[str, Any],
                     data: dict[str, Any], w: _Winners) -> None:
    if not row.get("target"):
        return
    target = w.rm.fetchone("SELECT confidence FROM tl_claims WHERE id = :id",
                           {"id": row["target"]}, w.cursor)
    before = CONFIDENCES[target["confidence"]] if target else None
    if before != "confirmed":
        changes.append({"kind": "claim", "id": row["target"], "field": "confidence",
                        "from": before, "to": "confirmed"})


# The changes a counted claim made, by the kind of its effect (vocabulary.EFFECT_KINDS).
_CHANGES = {"control": _winner_changes, "status": _winner_changes, "clash": _clash_changes,
            "dissolve": _dissolve_changes, "retract": _retract_changes,
            "confirm": _confirm_changes}


def _dissolved_places(rm: Any, cursor: Any, queries: Any, claim: dict[str, Any],
                      p: Any) -> list[str]:
    """The places a control claim ever gave to the dissolved faction's family (or to a faction
    dissolved into it, at any depth): those its dissolution may have passed on or lapsed."""
    families = queries.families()
    sources = stretch.absorbed(families(claim["faction"]),
                               rm.dissolves(cursor, END, p.k, p.min_rank, getattr(p, "pb", END)),
                               families)
    places: set[str] = set()
    for faction in sorted(sources):
        places.update(r["subject"] for r in rm.fetchall(
            "SELECT DISTINCT subject FROM tl_effects WHERE kind = 'control' AND value = :f "
            "AND position <= :k", {"f": faction, "k": p.k}, cursor))
    return sorted(places)


def _shifted(p: Any, at: str) -> Any:
    return p.moved(at)


def _status_change(changes: list[dict[str, Any]], queries: Any, cursor: Any, subject: str,
                   at: str, p: Any) -> None:
    """The place's status just before `at` and at `at`, as GET /cities/{id}/state gives them,
    as a change if they differ."""
    before = queries.city_state(subject, _shifted(p, minus(at, 1e-6)), cursor)["status"]
    after = queries.city_state(subject, _shifted(p, at), cursor)["status"]
    if before != after:
        changes.append({"kind": "place", "id": subject, "field": "status",
                        "from": before, "to": after})


# ---- the log ------------------------------------------------------------------------------------

def event_item(position: int, event: Any) -> dict[str, Any]:
    """One stored event as the API shows it: {position, id, type, recorded_at, stream, data}."""
    data = {k: _jsonable(v) for k, v in vars(event).items()
            if k not in ("originator_id", "originator_version", "timestamp")}
    stream = str(event.originator_id)
    return {"position": position, "id": f"{stream}:{event.originator_version}",
            "type": getattr(type(event), "TOPIC", type(event).__qualname__),
            "recorded_at": db_to_api(db_time(event.timestamp)), "stream": stream,
            "version": event.originator_version, "data": data}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return db_to_api(db_time(value if value.tzinfo else value.replace(tzinfo=timezone.utc)))
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value
