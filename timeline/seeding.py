"""Loads seeds/ into the store: the gazetteer, factions, leaders, then the seed reports.
Idempotent: what is already in the store is skipped, so seeding twice adds nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .domainmodel import ENTITY_CLASSES, NAMESPACE, claim_uuid
from .gazetteer import SEEDS, gazetteer_places
from uuid import uuid5


def seed(app: Any, reference_only: bool = False, seeds: Path = SEEDS,
         recorded_at: datetime | None = None) -> dict[str, int]:
    """`recorded_at` stamps the reference data's events with that record time instead of now:
    for a synthetic history (bench/) whose reports are recorded in the past, so that record
    times rise with log positions as they do in a live store."""
    counts = {"places": 0, "factions": 0, "leaders": 0, "reports": 0}
    counts["places"] = register_entities(app, "place", gazetteer_places(), recorded_at)
    factions = json.loads((seeds / "factions.json").read_text())["factions"]
    counts["factions"] = register_entities(app, "faction", [
        {"id": f["id"], "name": f["name"], "aliases": f.get("aliases", []),
         "parent": f.get("parent"), "source": f.get("source")} for f in factions], recorded_at)
    leaders = json.loads((seeds / "leaders.json").read_text())["leaders"]
    counts["leaders"] = register_entities(app, "leader", [
        {"id": le["id"], "name": le["name"], "aliases": le.get("aliases", []),
         "role": le.get("role"), "faction": le.get("faction"), "source": le.get("source")}
        for le in leaders], recorded_at)
    if not reference_only:
        for path in sorted((seeds / "reports").glob("*.json")):
            counts["reports"] += _report(app, path)
    return counts


def register_entities(app: Any, kind: str, items: list[dict[str, Any]],
              recorded_at: datetime | None = None) -> int:
    """Registers the items not yet known, in one transaction per kind (parents first)."""
    cls = ENTITY_CLASSES[kind]
    events: list[Any] = []
    for item in items:
        if app.names.entity(kind, item["id"]) is not None:
            continue
        attrs = {k: v for k, v in item.items() if k not in ("id", "name", "aliases")}
        entity = cls.register(item["id"], item["name"], item.get("aliases", []), **attrs)
        events += [replace(e, timestamp=recorded_at) if recorded_at else e
                   for e in entity.collect_events()]
    if events:
        app._commit(events, None, {}, 201)
    return len(events)


def seed_report_id(path: Path):
    return uuid5(NAMESPACE, f"seed-report:{path.stem}")


def _report(app: Any, path: Path) -> int:
    report_id = seed_report_id(path)
    if app.queries.report(str(report_id)) is not None:
        return 0
    payload = json.loads(path.read_text())
    for claim in payload.get("claims", []):
        ref = claim.get("claim")
        # "@<seed file stem>#<index>" names a claim of an earlier seed report.
        if isinstance(ref, str) and ref.startswith("@"):
            stem, _, index = ref[1:].partition("#")
            claim["claim"] = str(claim_uuid(seed_report_id(path.with_name(stem + ".json")), int(index)))
    app.file_report(payload, report_id=report_id)
    return 1
