"""A report's event keeps its topic across payload versions: one stored before `filed_by`
existed (class_version 1) reads with `filed_by` None, a new one keeps the label."""

import json
from datetime import datetime, timezone

from eventsourcing.application import Application

from timeline.domainmodel import Report


def _stored(filed_by):
    report = Report.file(source={"name": "Reuters"}, headline=None, body=None, language=None,
                         published_at=datetime(2024, 12, 8, tzinfo=timezone.utc),
                         claims=[{"type": "note", "text": "x"}], filed_by=filed_by)
    mapper = Application().mapper
    return mapper, mapper.to_stored_event(report.collect_events()[0])


def test_a_report_event_records_the_filing_tokens_label_under_the_v1_topic():
    mapper, stored = _stored("ann")
    assert stored.topic == "timeline.report.filed.v1"
    state = json.loads(stored.state)
    assert state["filed_by"] == "ann" and state["class_version"] == 2
    assert mapper.to_domain_event(stored).filed_by == "ann"


def test_a_report_event_stored_before_filed_by_reads_it_as_none():
    mapper, stored = _stored("ann")
    state = json.loads(stored.state)
    del state["filed_by"], state["class_version"]  # as version 1 wrote it
    old = type(stored)(originator_id=stored.originator_id,
                       originator_version=stored.originator_version, topic=stored.topic,
                       state=json.dumps(state).encode())
    event = mapper.to_domain_event(old)
    assert event.filed_by is None
    assert event.source == {"name": "Reuters"}
