"""Loads a seed pack (timeline/packs.py) into the store: the gazetteer, factions, leaders, then
the seed reports. Idempotent: what is already in the store is skipped, so seeding twice adds nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .domainmodel import ENTITY_CLASSES, NAMESPACE, DomainError, claim_uuid
from .packs import DEFAULT_PACK, Pack, load_pack
from uuid import uuid5


def seed(app: Any, reference_only: bool = False, seeds: Path = DEFAULT_PACK,
         recorded_at: datetime | None = None) -> dict[str, int]:
    """Loads one seed pack (by default seeds/syria-2024). `recorded_at` stamps the reference
    data's events with that record time instead of now: for a synthetic history (bench/) whose
    reports are recorded in the past, so that record times rise with log positions as they do
    in a live store."""
    return seed_pack(app, load_pack(seeds, app.names), reference_only, recorded_at)


def seed_pack(app: Any, pack: Pack, reference_only: bool = False,
              recorded_at: datetime | None = None) -> dict[str, int]:
    """Writes a pack that load_pack has checked: places, factions, leaders, then its reports
    in file-name order; what the store already has is skipped."""
    counts = {"places": 0, "factions": 0, "leaders": 0, "reports": 0}
    counts["places"] = register_entities(app, "place", pack.places, recorded_at)
    counts["factions"] = register_entities(app, "faction", pack.factions, recorded_at)
    counts["leaders"] = register_entities(app, "leader", pack.leaders, recorded_at)
    if not reference_only:
        for path in pack.reports:
            try:
                counts["reports"] += _report(app, path)
            except DomainError as e:  # say which file: the pack's checks cannot foresee all
                raise type(e)(f"{path.name}: {e.detail}", e.errors) from None
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
        app.append(events)
    return len(events)


def seed_report_id(path: Path):
    return uuid5(NAMESPACE, f"seed-report:{path.stem}")


def _report(app: Any, path: Path) -> int:
    report_id = seed_report_id(path)
    if app.queries.report(str(report_id)) is not None:
        return 0
    payload = json.loads(path.read_text(encoding="utf-8"))
    for claim in payload.get("claims", []):
        ref = claim.get("claim")
        # "@<seed file stem>#<index>" names a claim of an earlier seed report.
        if isinstance(ref, str) and ref.startswith("@"):
            stem, _, index = ref[1:].partition("#")
            claim["claim"] = str(claim_uuid(seed_report_id(path.with_name(stem + ".json")), int(index)))
    try:
        app.file_report(payload, report_id=report_id)
    except DomainError:
        # Another process seeding the same store filed this report after our look above: a
        # report retracting claims is then refused ("already retracted") before it could
        # conflict on its id. It is there, as wanted.
        if app.queries.report(str(report_id)) is not None:
            return 0
        raise
    return 1
