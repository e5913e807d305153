"""The State rules of API.md, on the real stores (SQLite and PostgreSQL)."""

from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import control, report
from timeline.domainmodel import Conflict, DomainError


def T(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def city(app, name, at, **kw):
    return app.queries.city_state(name, app.queries.point(at=T(at), **kw))


def leader(app, name, at, **kw):
    return app.queries.leader_state(name, app.queries.point(at=T(at), **kw))


def file(app, *claims, **kw):
    return app.file_report(report(*claims, **kw))


def test_the_world_as_known_at_a_position_lists_only_what_was_registered_by_then(world):
    before = world.head()
    world.register("place", "Latergrad", [], lat=35.0, lon=38.0, governorate=None, parent=None,
                   place_kind="town", source=None)
    world.register("leader", "Late Leader", [], role=None, faction="hts", source=None)
    then = world.queries.state(world.queries.point(known_at=before))
    now = world.queries.state(world.queries.point())
    assert "latergrad" not in {c["id"] for c in then["cities"]}
    assert "latergrad" in {c["id"] for c in now["cities"]}
    assert "late-leader" not in {le["id"] for le in then["leaders"]}
    hts = {f["id"]: f for f in then["factions"]}["hts"]
    assert "late-leader" not in hts["leaders"]
    from timeline.readmodel.export import state_features
    features = state_features(world.queries, world.names, world.queries.point(known_at=before))
    assert "latergrad" not in {f["id"] for f in features["features"]}


def test_a_city_without_control_claims_has_no_controller_and_unknown_status(world):
    state = city(world, "aleppo", "2024-12-01T00:00:00Z")
    assert state["controller"] is None and state["status"] == "unknown" and state["claims"] == []
    # the whole world lists it too, with the same answer: every known place is in GET /state
    file(world, {"type": "clash", "city": "Homs", "factions": ["HTS", "SAA"],
                 "occurred_at": "2024-11-30T00:00:00Z"})
    whole = world.queries.state(world.queries.point(at=T("2024-12-01T00:00:00Z")))
    by_id = {c["id"]: c for c in whole["cities"]}
    assert sorted(by_id) == sorted(e["id"] for e in world.names.entities("place"))
    # /state items are city states without their evidence lists (API.md v2)
    assert by_id["aleppo"] == {k: v for k, v in state.items() if k not in ("evidence", "dissent")}
    assert by_id["homs"]["status"] == "unknown"  # a clash alone sets no controller


def test_the_latest_control_claim_up_to_at_sets_the_controller(world):
    file(world, control("Aleppo", "SAA", "2024-11-26T00:00:00Z"))
    file(world, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    assert city(world, "aleppo", "2024-11-28T00:00:00Z")["controller"] == "syrian-arab-army"
    later = city(world, "aleppo", "2024-11-30T12:00:00Z")
    assert later["controller"] == "hts" and later["since"] == "2024-11-29T18:00:00Z"
    assert later["status"] == "held"


def test_a_claim_filed_later_about_an_earlier_time_changes_the_past(world):
    file(world, control("Homs", "SAA", "2024-12-01T00:00:00Z"))
    file(world, control("Homs", "HTS", "2024-11-20T00:00:00Z"))  # arrives out of order
    assert city(world, "homs", "2024-11-25T00:00:00Z")["controller"] == "hts"
    assert city(world, "homs", "2024-12-02T00:00:00Z")["controller"] == "syrian-arab-army"


def test_on_a_tie_in_valid_time_the_higher_confidence_wins(world):
    file(world, control("Homs", "HTS", "2024-12-07T00:00:00Z", confidence="confirmed"))
    file(world, control("Homs", "SAA", "2024-12-07T00:00:00Z", confidence="reported"))
    state = city(world, "homs", "2024-12-08T00:00:00Z")
    assert state["controller"] == "hts" and state["confidence"] == "confirmed"


def test_on_a_tie_in_valid_time_and_confidence_the_later_record_wins(world):
    file(world, control("Homs", "HTS", "2024-12-07T00:00:00Z"))
    file(world, control("Homs", "SAA", "2024-12-07T00:00:00Z"))
    assert city(world, "homs", "2024-12-08T00:00:00Z")["controller"] == "syrian-arab-army"


def test_a_clash_after_the_control_claim_within_the_window_makes_the_city_contested(world):
    file(world, control("Damascus", "SAA", "2024-11-26T00:00:00Z"))
    clash = file(world, {"type": "clash", "city": "Damascus", "place": "Kafr Sousa",
                         "factions": ["Republican Guard", "4th Division"],
                         "occurred_at": "2024-11-30T18:00:00Z"})["claims"][0]["id"]
    state = city(world, "damascus", "2024-11-30T20:00:00Z")
    assert state["status"] == "contested" and clash in state["claims"]
    assert state["controller"] == "syrian-arab-army"
    # the district has no control claim of its own: unknown, whatever the clash
    assert city(world, "kafr-sousa", "2024-11-30T20:00:00Z")["status"] == "unknown"


def test_a_clash_older_than_the_contest_window_leaves_the_city_held(world):
    file(world, control("Damascus", "SAA", "2024-11-26T00:00:00Z"))
    file(world, {"type": "clash", "city": "Damascus", "factions": ["Republican Guard", "4th Division"],
                 "occurred_at": "2024-11-30T18:00:00Z"})
    assert city(world, "damascus", "2024-12-03T19:00:00Z")["status"] == "held"  # 73 h later
    assert city(world, "damascus", "2024-12-03T17:00:00Z")["status"] == "contested"  # 71 h later
    # exactly 72 h later the clash is still within the window, one microsecond more it is not
    for at, status in (("2024-12-03T18:00:00Z", "contested"), ("2024-12-03T18:00:00.000001Z", "held")):
        assert city(world, "damascus", at)["status"] == status
        whole = world.queries.state(world.queries.point(at=T(at)))
        assert {c["id"]: c for c in whole["cities"]}["damascus"]["status"] == status
    narrow = city(world, "damascus", "2024-12-01T00:00:00Z", contest_window=timedelta(hours=1))
    assert narrow["status"] == "held"
    # a window reaching past the first storable year has no lower bound (it was a 500)
    huge = timedelta(days=999999)
    assert city(world, "damascus", "2030-01-01T00:00:00Z", contest_window=huge)["status"] == "contested"
    whole = world.queries.state(world.queries.point(at=T("2030-01-01T00:00:00Z"), contest_window=huge))
    assert {c["id"]: c for c in whole["cities"]}["damascus"]["status"] == "contested"


def test_a_clash_before_the_latest_control_claim_does_not_contest_it(world):
    file(world, {"type": "clash", "city": "Homs", "factions": ["HTS", "SAA"],
                 "occurred_at": "2024-12-06T00:00:00Z"})
    file(world, control("Homs", "HTS", "2024-12-07T00:00:00Z"))
    assert city(world, "homs", "2024-12-07T12:00:00Z")["status"] == "held"


def test_a_retracted_claim_no_longer_sets_the_controller_but_did_before_the_retraction(world):
    file(world, control("Aleppo", "SAA", "2024-11-26T00:00:00Z"))
    filed = file(world, control("Aleppo", "SNA", "2024-11-30T00:00:00Z"))
    before = filed["position"]
    file(world, {"type": "retract", "claim": filed["claims"][0]["id"], "reason": "denied"})
    assert city(world, "aleppo", "2024-12-01T00:00:00Z")["controller"] == "syrian-arab-army"
    assert city(world, "aleppo", "2024-12-01T00:00:00Z", known_at=before)["controller"] == "sna"


def test_a_retraction_recorded_after_known_at_does_not_count(world):
    filed = file(world, control("Aleppo", "SNA", "2024-11-30T00:00:00Z"))
    recorded = T(filed["recorded_at"])
    file(world, {"type": "retract", "claim": filed["claims"][0]["id"], "reason": "denied"})
    assert city(world, "aleppo", "2024-12-01T00:00:00Z", known_at=recorded)["controller"] == "sna"


def test_known_at_hides_claims_recorded_later(world):
    first = file(world, control("Aleppo", "SAA", "2024-11-26T00:00:00Z"))
    file(world, control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))
    assert city(world, "aleppo", "2024-12-01T00:00:00Z", known_at=first["position"])["controller"] == "syrian-arab-army"
    assert city(world, "aleppo", "2024-12-01T00:00:00Z", known_at=T(first["recorded_at"]))["controller"] == "syrian-arab-army"
    assert city(world, "aleppo", "2024-12-01T00:00:00Z")["controller"] == "hts"


def test_known_at_never_counts_a_record_made_after_it_and_later_writes_never_move_it(world):
    # Concurrent writers stamp their events before they take their turn to commit, so a later
    # position can carry an earlier record time. Here one commit holds a report stamped second
    # before one stamped first.
    from timeline.claims import normalise_report
    from timeline.domainmodel import Report

    head = world.head()
    first = Report.file(report_id=None, **normalise_report(
        report(control("Homs", "SAA", "2024-12-01T00:00:00Z")), world.names, world.queries))
    second = Report.file(report_id=None, **normalise_report(
        report(control("Homs", "HTS", "2024-12-02T00:00:00Z")), world.names, world.queries))
    events_first, events_second = list(first.collect_events()), list(second.collect_events())
    assert events_first[-1].timestamp < events_second[0].timestamp
    world.append(events_second + events_first)  # logged in the other order
    at = T("2024-12-03T00:00:00Z")
    stamped_first = events_first[-1].timestamp
    p = world.queries.point(at=at, known_at=stamped_first)
    # what was recorded by then: the log up to the first record stamped later, so neither
    # report (the one stamped first comes after the other in the log)
    assert p.k == head
    assert world.queries.city_state("homs", p)["controller"] is None
    both = world.queries.point(at=at, known_at=events_second[-1].timestamp)
    assert both.k == world.head()
    assert world.queries.city_state("homs", both)["controller"] == "hts"
    file(world, control("Aleppo", "HTS", "2024-12-01T00:00:00Z"))
    assert world.queries.point(at=at, known_at=stamped_first).k == head  # never moves


def test_unconfirmed_claims_count_only_when_min_confidence_is_unconfirmed(world):
    file(world, control("Homs", "SAA", "2024-11-26T00:00:00Z"))
    file(world, control("Homs", "HTS", "2024-12-05T00:00:00Z", confidence="unconfirmed"))
    assert city(world, "homs", "2024-12-06T00:00:00Z")["controller"] == "syrian-arab-army"
    state = city(world, "homs", "2024-12-06T00:00:00Z", min_confidence="unconfirmed")
    assert state["controller"] == "hts" and state["confidence"] == "unconfirmed"


def test_the_vocabularys_words_for_a_rumour_are_taken_as_unconfirmed_by_the_domain(world):
    # the seeds, the ACLED import and the command line file through the domain, not the HTTP
    # schemas: they take the words too
    filed = file(world, control("Homs", "HTS", "2024-12-01T00:00:00Z", confidence="alleged"))
    assert world.queries.claim(filed["claims"][0]["id"])["confidence"] == "unconfirmed"
    assert city(world, "homs", "2024-12-02T00:00:00Z")["controller"] is None
    assert city(world, "homs", "2024-12-02T00:00:00Z", min_confidence="rumour")["controller"] == "hts"
    with pytest.raises(DomainError) as refused:
        file(world, control("Homs", "HTS", "2024-12-01T00:00:00Z", confidence="hearsay"))
    assert "rumour" in refused.value.errors["claims.0.confidence"][0]


def test_min_confidence_confirmed_counts_only_confirmed_claims(world):
    file(world, control("Homs", "SAA", "2024-11-26T00:00:00Z", confidence="confirmed"))
    file(world, control("Homs", "HTS", "2024-12-05T00:00:00Z"))
    assert city(world, "homs", "2024-12-06T00:00:00Z", min_confidence="confirmed")["controller"] == "syrian-arab-army"


def test_a_confirmation_makes_a_claim_count_as_confirmed_from_its_record_on(world):
    filed = file(world, control("Homs", "HTS", "2024-12-07T00:00:00Z", confidence="unconfirmed"))
    before = filed["position"]
    file(world, {"type": "confirm", "claim": filed["claims"][0]["id"]})
    now = city(world, "homs", "2024-12-08T00:00:00Z", min_confidence="confirmed")
    assert now["controller"] == "hts" and now["confidence"] == "confirmed"
    then = city(world, "homs", "2024-12-08T00:00:00Z", min_confidence="confirmed", known_at=before)
    assert then["controller"] is None


def test_a_confirmation_can_win_a_tie_it_would_otherwise_lose(world):
    a = file(world, control("Homs", "HTS", "2024-12-07T00:00:00Z"))
    file(world, control("Homs", "SAA", "2024-12-07T00:00:00Z"))
    assert city(world, "homs", "2024-12-08T00:00:00Z")["controller"] == "syrian-arab-army"
    file(world, {"type": "confirm", "claim": a["claims"][0]["id"]})
    assert city(world, "homs", "2024-12-08T00:00:00Z")["controller"] == "hts"


def test_a_leader_status_is_the_latest_counted_status_claim(world):
    file(world, {"type": "leader_status", "leader": "Assad", "status": "abroad", "location": "Moscow, Russia",
                 "occurred_at": "2024-11-30T17:00:00Z", "confidence": "unconfirmed"},
         {"type": "leader_status", "leader": "Bashar al-Assad",
          "status": "whereabouts_unknown", "occurred_at": "2024-11-30T18:00:00Z"})
    state = leader(world, "bashar-al-assad", "2024-11-30T20:00:00Z")
    assert state["status"] == "whereabouts_unknown" and state["location"] is None
    early = leader(world, "bashar-al-assad", "2024-11-30T17:30:00Z", min_confidence="unconfirmed")
    assert early["status"] == "abroad" and early["location"] == "Moscow, Russia"


def test_an_alleged_coup_counts_as_leading_a_coup_only_with_rumours_included(world):
    file(world, {"type": "coup", "city": "Damascus", "led_by": "Hassam Louka", "against": "Assad",
                 "occurred_at": "2024-11-30T18:00:00Z", "confidence": "unconfirmed"})
    assert leader(world, "hussam-louka", "2024-11-30T20:00:00Z")["status"] is None
    rumours = leader(world, "hussam-louka", "2024-11-30T20:00:00Z", min_confidence="unconfirmed")
    assert rumours["status"] == "leading_coup"


def test_a_factions_cities_include_those_held_by_its_sub_factions(world):
    file(world, control("Homs", "4th Division", "2024-11-26T00:00:00Z"),
         control("Hama", "SAA", "2024-11-26T00:00:00Z"),
         control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))
    p = world.queries.point(at=T("2024-12-01T00:00:00Z"))
    assert world.queries.faction_state("syrian-arab-army", p)["cities"] == ["hama", "homs"]
    assert world.queries.faction_state("4th-division", p)["cities"] == ["homs"]
    assert world.queries.faction_state("hts", p)["cities"] == ["aleppo"]
    whole = world.queries.state(p)
    by_id = {f["id"]: f for f in whole["factions"]}
    assert by_id["syrian-arab-army"]["cities"] == ["hama", "homs"]
    assert "bashar-al-assad" in by_id["syrian-arab-army"]["leaders"]


def test_a_city_history_lists_control_changes_in_valid_time_order(world):
    file(world, control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))
    file(world, control("Aleppo", "SAA", "2024-11-26T00:00:00Z"))
    file(world, control("Aleppo", "SAA", "2024-11-27T00:00:00Z"))  # no change
    items = world.queries.city_history("aleppo", world.queries.point())
    assert [(i["controller"], i["from"]) for i in items] == [
        ("syrian-arab-army", None), ("hts", "syrian-arab-army")]


def test_names_resolve_through_aliases_in_any_script(world):
    filed = file(world, control("حلب", "hts", "2024-11-29T18:00:00Z"))
    assert filed["claims"][0]["city"] == "aleppo"
    assert file(world, control("Ḩamāh", "HTS", "2024-12-05T00:00:00Z"))["claims"][0]["city"] == "hama"


def test_an_entity_named_only_in_arabic_or_cyrillic_gets_an_id_and_resolves_by_its_name(world):
    village = world.register("place", "قرية التدقيق", [], lat=35.0, lon=37.0, governorate=None,
                             parent=None, place_kind="town", source=None)
    assert village["id"] == "qryh-ltdqyq"
    brigade = world.register("faction", "Тестград 556c", [], parent=None, source=None)
    assert brigade["id"] == "testgrad-556c"
    file(world, control("قرية التدقيق", "Тестград 556c", "2024-12-01T00:00:00Z"))
    assert city(world, "qryh-ltdqyq", "2024-12-02T00:00:00Z")["controller"] == "testgrad-556c"
    # two different names that make the same id: the second one's id is numbered, not a 409
    first = world.register("place", "عين", [], lat=35.1, lon=37.1, governorate=None,
                           parent=None, place_kind="town", source=None)
    second = world.register("place", "أين", [], lat=35.2, lon=37.2, governorate=None,
                            parent=None, place_kind="town", source=None)
    assert (first["id"], second["id"]) == ("yn", "yn-2")
    with pytest.raises(Conflict):  # the same name again is still a conflict
        world.register("place", "عين", [], lat=35.1, lon=37.1, governorate=None,
                       parent=None, place_kind="town", source=None)


def test_an_unknown_name_is_rejected_with_the_field_path_and_close_names(world):
    with pytest.raises(DomainError) as e:
        file(world, control("Aleppo", "HTS", "2024-11-29T18:00:00Z"), control("Alepo", "HTS", "2024-11-29T18:00:00Z"))
    assert "claims.1.city" in e.value.errors
    assert "Aleppo (aleppo)" in e.value.errors["claims.1.city"][0]


def test_retracting_a_claim_twice_is_a_conflict(world):
    filed = file(world, control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))
    cid = filed["claims"][0]["id"]
    file(world, {"type": "retract", "claim": cid, "reason": "denied"})
    with pytest.raises(Conflict):
        file(world, {"type": "retract", "claim": cid, "reason": "denied again"})
    with pytest.raises(Conflict):
        file(world, {"type": "confirm", "claim": cid})


def test_the_now_default_sees_a_write_immediately(world):
    file(world, control("Aleppo", "HTS", (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()))
    assert world.queries.city_state("aleppo", world.queries.point())["controller"] == "hts"
