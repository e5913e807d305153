"""The one projection: maps a stored domain event to read-model row operations.

Both the live write path (rows written in the same transaction as the events) and
`timeline replay` call `project()`. Operations carry no log position; the recorder fills it in
once the database has assigned one, so this function stays pure and can fail before anything
is written.
"""

from __future__ import annotations

import json
from typing import Any

from .domainmodel import (
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

# Order in which a batch of operations is executed; later kinds may read rows of earlier ones.
OP_ORDER = ("log", "entity", "name", "name_guard", "report", "claim", "effect", "subject",
            "correction", "mention", "mention_copy", "external")

# Claim fields that name entities, and the kind of entity each names.
ENTITY_FIELDS = {
    "city": "place", "place": "place", "toward": "place",
    "faction": "faction", "from_faction": "faction",
    "leader": "leader", "led_by": "leader", "against": "leader",
}


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def project(event: Any) -> list[Op]:
    """Row operations for one event; `position` is filled in by the recorder."""
    recorded_at = db_time(event.timestamp)
    ops: list[Op] = [("log", {"recorded_at": recorded_at, "topic": type(event).TOPIC,
                              "stream": str(event.originator_id)})]
    if isinstance(event, (Place.Registered, Faction.Registered, Leader.Registered)):
        ops += _project_entity(event)
    elif isinstance(event, (Place.AliasAdded, Faction.AliasAdded, Leader.AliasAdded)):
        kind = _kind_of(event)
        slug = event.originator_id  # resolved to the slug by the recorder's SQL
        ops.append(("name", {"kind": kind, "entity_uuid": str(slug), "alias": event.alias,
                             "key": name_key(event.alias)}))
    elif isinstance(event, Report.Filed):
        ops += _project_report(event)
    return ops


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


def _project_report(event: Any) -> list[Op]:
    report_id = str(event.originator_id)
    published_at = db_time(event.published_at)
    recorded_at = db_time(event.timestamp)
    ops: list[Op] = [("report", {"id": report_id, "published_at": published_at,
                                 "recorded_at": recorded_at, "data": dumps({
        "source": event.source, "headline": event.headline, "body": event.body,
        "language": event.language})})]
    for seq, claim in enumerate(event.claims):
        occurred = claim.get("occurred_at")
        occurred_at = db_time(parse_time(occurred)) if occurred else published_at
        conf = CONFIDENCE_RANK[claim.get("confidence") or "reported"]
        cid = claim["id"]
        body = {k: v for k, v in claim.items() if k not in ("id", "claim")}
        ops.append(("claim", {"id": cid, "report_id": report_id, "seq": seq, "type": claim["type"],
                              "occurred_at": occurred_at, "confidence": conf,
                              "recorded_at": recorded_at, "target": claim.get("claim"),
                              "data": dumps(body)}))
        base = {"occurred_at": occurred_at, "confidence": conf, "claim_id": cid}
        ctype = claim["type"]
        if ctype == "control":
            for subject in _places(claim):
                ops.append(("effect", dict(base, kind="control", subject=subject,
                                           value=claim["faction"], detail=claim.get("from_faction"))))
                ops.append(("subject", {"kind": "control", "subject": subject}))
        elif ctype == "clash":
            for subject in _places(claim):
                ops.append(("effect", dict(base, kind="clash", subject=subject,
                                           value=",".join(claim["factions"]), detail=None)))
        elif ctype == "leader_status":
            ops.append(("effect", dict(base, kind="status", subject=claim["leader"],
                                       value=claim["status"], detail=claim.get("location"))))
            ops.append(("subject", {"kind": "status", "subject": claim["leader"]}))
        elif ctype == "coup":
            ops.append(("effect", dict(base, kind="status", subject=claim["led_by"],
                                       value="leading_coup", detail=claim.get("city"))))
            ops.append(("subject", {"kind": "status", "subject": claim["led_by"]}))
        elif ctype in ("retract", "confirm"):
            ops.append(("correction", {"target": claim["claim"], "kind": ctype, "claim_id": cid}))
            ops.append(("mention_copy", {"target": claim["claim"], "claim_id": cid,
                                         "occurred_at": occurred_at}))
        for entity in sorted(mentioned(claim)):
            ops.append(("mention", {"entity": entity, "occurred_at": occurred_at, "claim_id": cid}))
    # A report imported from another dataset (timeline/acled.py) names the record it came from.
    ref = event.source.get("ref") if isinstance(event.source, dict) else None
    if isinstance(ref, dict) and event.claims:
        ops.append(("external", {"dataset": ref["dataset"], "ref": ref["id"],
                                 "version": ref["version"], "report_id": report_id,
                                 "claim_id": event.claims[ref.get("claim", -1)]["id"]}))
    return ops


def _places(claim: dict[str, Any]) -> list[str]:
    places = [claim["city"]]
    if claim.get("place") and claim["place"] != claim["city"]:
        places.append(claim["place"])
    return places


def mentioned(claim: dict[str, Any]) -> set[str]:
    """`kind:id` of every entity a claim names (for timeline filters)."""
    out = set()
    for field, kind in ENTITY_FIELDS.items():
        if claim.get(field):
            out.add(f"{kind}:{claim[field]}")
    for faction in claim.get("factions") or ():
        out.add(f"faction:{faction}")
    return out
