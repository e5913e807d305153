"""The one projection maps events to read-model operations without touching a store."""

from datetime import datetime, timezone

from timeline.domainmodel import Faction, Report
from timeline.projection import OP_ORDER, project


def _filed(*claims):
    report = Report.file(source={"name": "wire"}, published_at=datetime(2024, 12, 1, tzinfo=timezone.utc),
                         headline=None, body=None, language=None, claims=list(claims))
    return report, report.collect_events()[0]


def test_a_control_claim_becomes_a_control_effect_on_the_city_and_its_district():
    _, event = _filed({"type": "control", "city": "damascus", "place": "kafr-sousa", "faction": "hts",
                       "occurred_at": "2024-12-08T03:00:00Z", "confidence": "confirmed"})
    effects = [p for name, p in project(event) if name == "effect"]
    assert {(e["kind"], e["subject"], e["value"]) for e in effects} == {
        ("control", "damascus", "hts"), ("control", "kafr-sousa", "hts")}
    assert all(e["confidence"] == 2 for e in effects)


def test_a_coup_counts_as_leading_a_coup_for_its_leader():
    _, event = _filed({"type": "coup", "city": "damascus", "led_by": "hussam-louka",
                       "against": "bashar-al-assad", "occurred_at": "2024-11-30T18:00:00Z",
                       "confidence": "unconfirmed"})
    effects = [p for name, p in project(event) if name == "effect"]
    assert [(e["kind"], e["subject"], e["value"], e["confidence"]) for e in effects] == [
        ("status", "hussam-louka", "leading_coup", 0)]


def test_a_note_changes_no_state_but_is_logged_and_mentions_nothing_it_does_not_name():
    _, event = _filed({"type": "note", "text": "SANA went off the air", "occurred_at": "2024-11-30T18:00:00Z"})
    names = [name for name, _ in project(event)]
    assert "effect" not in names and names.count("claim") == 1 and names[0] == "log"


def test_claim_ids_are_stable_per_report_and_position():
    report, event = _filed({"type": "note", "text": "a", "occurred_at": "2024-11-30T18:00:00Z"},
                           {"type": "note", "text": "b", "occurred_at": "2024-11-30T18:00:00Z"})
    ids = [c["id"] for c in event.claims]
    assert len(set(ids)) == 2
    again = Report.file(report_id=report.id, source={"name": "wire"},
                        published_at=datetime(2024, 12, 1, tzinfo=timezone.utc), headline=None,
                        body=None, language=None, claims=[{"type": "note", "text": "a"}])
    assert again.claims[0]["id"] == ids[0]


def test_entity_registration_indexes_every_alias_and_only_known_operation_kinds():
    faction = Faction.register("hts", "Hayat Tahrir al-Sham", ["HTS", "هيئة تحرير الشام"],
                               parent=None, source=None)
    ops = project(faction.collect_events()[0])
    assert {name for name, _ in ops} <= set(OP_ORDER)
    assert sorted(p["alias"] for name, p in ops if name == "name") == sorted(
        ["Hayat Tahrir al-Sham", "HTS", "هيئة تحرير الشام"])
