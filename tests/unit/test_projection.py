"""The Python part of the projection (reference data) maps events to row operations without
touching a store; a report becomes one marker for the SQL part (tests/integration/
test_projection_rows.py checks the rows that SQL writes)."""

from datetime import datetime, timedelta, timezone

import pytest

from timeline.domainmodel import Faction, Report
from timeline.projection import OP_ORDER, project


def _filed(*claims, source=None):
    report = Report.file(source=source or {"name": "wire"},
                         published_at=datetime(2024, 12, 1, tzinfo=timezone.utc),
                         headline=None, body=None, language=None, claims=list(claims))
    return report, report.collect_events()[0]


def test_a_report_is_one_marker_saying_whether_it_corrects_or_imports():
    _, plain = _filed({"type": "note", "text": "a", "occurred_at": "2024-11-30T18:00:00Z"})
    assert project(plain) == [("report", {"corrections": False, "external": False})]
    _, fix = _filed({"type": "retract", "claim": "c1", "reason": "denied"},
                    source={"name": "wire", "ref": {"dataset": "acled", "id": "X1", "version": "1"}})
    assert project(fix) == [("report", {"corrections": True, "external": True})]


def test_an_event_stamped_outside_utc_is_refused_before_anything_is_written():
    _, event = _filed({"type": "note", "text": "a", "occurred_at": "2024-11-30T18:00:00Z"})
    event.__dict__["timestamp"] = event.timestamp.astimezone(timezone(timedelta(hours=3)))
    with pytest.raises(ValueError, match="not UTC"):
        project(event)


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
