"""The Python parts of the projection work without a store: staging a stored report into flat
rows, and reference data into row operations (tests/integration/test_projection_rows.py checks
the rows written to the real stores)."""

from datetime import datetime, timedelta, timezone

import pytest

from timeline.domainmodel import Faction, Report
from timeline.readmodel.projection import OP_ORDER, db_text, project, stage

CLAIM_COLUMNS = ("id", "report_id", "seq", "type", "occurred_at", "confidence", "position",
                 "recorded_at", "target", "data")


def _filed(*claims, source=None):
    report = Report.file(source=source or {"name": "wire"},
                         published_at=datetime(2024, 12, 1, tzinfo=timezone.utc),
                         headline=None, body=None, language=None, claims=list(claims))
    return report, report.collect_events()[0]


def _staged(event, position=7):
    from eventsourcing.application import Application

    stored = Application().mapper.to_stored_event(event)
    return stage([(position, stored.topic, stored.originator_id.hex, stored.state)])


def test_a_report_is_staged_as_a_log_row_a_report_row_and_one_flat_row_per_claim():
    _, event = _filed({"type": "control", "city": "damascus", "faction": "hts",
                       "occurred_at": "2024-12-08T03:00:00Z", "confidence": "confirmed"},
                      {"type": "clash", "city": "homs", "factions": ["hts", "saa"],
                       "occurred_at": "2024-12-08T04:00:00.5Z"})
    staged = _staged(event)
    [(position, recorded, topic, stream)] = staged.log
    assert (position, topic, stream) == (7, Report.Filed.TOPIC, str(event.originator_id))
    assert recorded == event.timestamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    [report] = staged.reports
    assert report[:4] == (stream, 7, recorded, "2024-12-01T00:00:00.000000Z")
    rows = sorted((dict(zip(CLAIM_COLUMNS, row, strict=True)) for row in staged.claims),
                  key=lambda r: r["seq"])
    assert [(r["seq"], r["type"], r["occurred_at"], r["confidence"]) for r in rows] == [
        (0, "control", "2024-12-08T03:00:00.000000Z", 2),
        (1, "clash", "2024-12-08T04:00:00.500000Z", 1)]
    assert {(e[0], e[1], e[6], e[8]) for e in staged.effects} == {
        ("control", "damascus", "hts", 0), ("clash", "homs", "hts,saa", 0)}
    assert staged.subjects == [("control", "damascus")]
    assert sorted(m[0] for m in staged.mentions) == [
        "faction:hts", "faction:hts", "faction:saa", "place:damascus", "place:homs"]
    assert not staged.corrections and not staged.external


def test_corrections_and_imported_records_are_flagged_for_their_steps():
    _, event = _filed({"type": "retract", "claim": "c1", "reason": "denied"},
                      source={"name": "wire", "ref": {"dataset": "acled", "id": "X1", "version": 3}})
    staged = _staged(event)
    # a correction keeps its report's publication time (published_by counts it by that)
    assert staged.corrections == [("c1", "retract", 7, event.claims[0]["id"],
                                   "2024-12-01T00:00:00.000000Z")]
    assert staged.external == [{"dataset": "acled", "ref": "X1", "version": "3",
                                "report_id": str(event.originator_id),
                                "claim_id": event.claims[-1]["id"], "position": 7}]
    assert dict(zip(CLAIM_COLUMNS, staged.claims[0], strict=True))["occurred_at"] == "2024-12-01T00:00:00.000000Z"
    assert project(event) == []


def test_an_event_stamped_outside_utc_is_staged_at_the_same_instant_in_utc():
    _, event = _filed({"type": "note", "text": "a", "occurred_at": "2024-11-30T18:00:00Z"})
    event.__dict__["timestamp"] = datetime(2024, 12, 1, 3, 0, tzinfo=timezone(timedelta(hours=3)))
    assert _staged(event).log[0][1] == "2024-12-01T00:00:00.000000Z"


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


@pytest.mark.parametrize("iso, text", [
    ("2024-12-08T03:00:00Z", "2024-12-08T03:00:00.000000Z"),
    ("2024-12-08T03:00:00.250000Z", "2024-12-08T03:00:00.250000Z"),
    ("2024-12-08T03:00:00+00:00", "2024-12-08T03:00:00.000000Z"),
    ("2024-12-08T03:00:00.250000+00:00", "2024-12-08T03:00:00.250000Z"),
    ("2024-12-08T05:00:00+02:00", "2024-12-08T03:00:00.000000Z"),
    ("2024-12-08T03:00:00.5Z", "2024-12-08T03:00:00.500000Z"),
])
def test_every_stored_timestamp_form_becomes_the_same_fixed_width_utc_text(iso, text):
    assert db_text(iso) == text
