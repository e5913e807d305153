"""The rows the projection's SQL writes for a report, read back from the real stores."""

from tests.conftest import control, report


def _rows(app, sql, **params):
    return app.recorder.fetchall(sql, params)


def test_a_control_claim_becomes_a_control_effect_on_the_city_and_its_district(world):
    filed = world.file_report(report(control("Damascus", "HTS", "2024-12-08T03:00:00Z",
                                             place="Kafr Sousa", confidence="confirmed",
                                             from_faction="SAA")))
    cid = filed["claims"][0]["id"]
    effects = _rows(world, "SELECT kind, subject, value, detail, confidence, occurred_at, early "
                           "FROM tl_effects WHERE claim_id = :c ORDER BY subject", c=cid)
    assert [tuple(e.values()) for e in effects] == [
        ("control", "damascus", "hts", "syrian-arab-army", 2, "2024-12-08T03:00:00.000000Z", 0),
        ("control", "kafr-sousa", "hts", "syrian-arab-army", 2, "2024-12-08T03:00:00.000000Z", 0)]
    subjects = _rows(world, "SELECT subject FROM tl_subjects WHERE kind = 'control' ORDER BY subject")
    assert [s["subject"] for s in subjects] == ["damascus", "kafr-sousa"]
    mentions = _rows(world, "SELECT entity FROM tl_mentions WHERE claim_id = :c ORDER BY entity", c=cid)
    assert [m["entity"] for m in mentions] == [
        "faction:hts", "faction:syrian-arab-army", "place:damascus", "place:kafr-sousa"]


def test_a_coup_counts_as_leading_a_coup_for_its_leader_and_a_clash_joins_its_factions(world):
    filed = world.file_report(report(
        {"type": "coup", "city": "Damascus", "led_by": "Hussam Louka", "against": "Assad",
         "occurred_at": "2024-11-30T18:00:00Z", "confidence": "unconfirmed"},
        {"type": "clash", "city": "Homs", "factions": ["HTS", "SAA"],
         "occurred_at": "2024-11-30T18:30:00.250000+00:00"}))
    coup, clash = (c["id"] for c in filed["claims"])
    rows = _rows(world, "SELECT kind, subject, value, detail, confidence, occurred_at FROM tl_effects "
                        "WHERE claim_id IN (:a, :b) ORDER BY kind", a=coup, b=clash)
    assert [tuple(r.values()) for r in rows] == [
        ("clash", "homs", "hts,syrian-arab-army", None, 1, "2024-11-30T18:30:00.250000Z"),
        ("status", "hussam-louka", "leading_coup", "damascus", 0, "2024-11-30T18:00:00.000000Z")]
    mentions = _rows(world, "SELECT entity FROM tl_mentions WHERE claim_id = :c ORDER BY entity", c=coup)
    assert [m["entity"] for m in mentions] == [
        "leader:bashar-al-assad", "leader:hussam-louka", "place:damascus"]
    claims = _rows(world, "SELECT seq, type, report_id, position FROM tl_claims WHERE report_id = :r "
                          "ORDER BY seq", r=filed["id"])
    assert [(c["seq"], c["type"]) for c in claims] == [(0, "coup"), (1, "clash")]
    assert {c["position"] for c in claims} == {filed["position"]}


def test_a_note_changes_no_state_and_mentions_nothing_it_does_not_name(world):
    filed = world.file_report(report({"type": "note", "text": "SANA went off the air",
                                      "occurred_at": "2024-11-30T18:00:00Z"}))
    cid = filed["claims"][0]["id"]
    assert _rows(world, "SELECT 1 AS x FROM tl_effects WHERE claim_id = :c", c=cid) == []
    assert _rows(world, "SELECT 1 AS x FROM tl_mentions WHERE claim_id = :c", c=cid) == []
    assert len(_rows(world, "SELECT 1 AS x FROM tl_claims WHERE id = :c", c=cid)) == 1


def test_corrections_mark_the_effects_and_carry_the_targets_mentions(world):
    first = world.file_report(report(control("Aleppo", "HTS", "2024-11-29T21:00:00Z")))
    target = first["claims"][0]["id"]
    confirm = world.file_report(report({"type": "confirm", "claim": target},
                                       published_at="2024-12-02T00:00:00Z"))
    retract = world.file_report(report({"type": "retract", "claim": target,
                                        "reason": "the confirmation was mistaken"},
                                       published_at="2024-12-03T00:00:00Z"))
    effect = _rows(world, "SELECT retracted_at, confirmed_at FROM tl_effects WHERE claim_id = :c",
                   c=target)
    assert effect == [{"retracted_at": retract["position"], "confirmed_at": confirm["position"]}]
    for fix, day in ((confirm, "2024-12-02"), (retract, "2024-12-03")):
        copied = _rows(world, "SELECT entity, occurred_at, position FROM tl_mentions "
                              "WHERE claim_id = :c ORDER BY entity", c=fix["claims"][0]["id"])
        assert copied == [
            {"entity": e, "occurred_at": f"{day}T00:00:00.000000Z", "position": fix["position"]}
            for e in ("faction:hts", "place:aleppo")]
    kinds = _rows(world, "SELECT kind, position FROM tl_corrections WHERE target = :c ORDER BY kind",
                  c=target)
    assert kinds == [{"kind": "confirm", "position": confirm["position"]},
                     {"kind": "retract", "position": retract["position"]}]


def test_the_log_numbers_every_event_and_a_replay_writes_the_same_rows(world):
    world.file_report(report(control("Homs", "SAA", "2024-12-06T12:00:00Z")))
    log = _rows(world, "SELECT position, ordinal, recorded_at, smin, rmax FROM tl_log ORDER BY position")
    assert [r["ordinal"] for r in log] == list(range(1, len(log) + 1))
    assert all(r["smin"] <= r["recorded_at"] <= r["rmax"] for r in log)
    assert all(len(r["recorded_at"]) == 27 and r["recorded_at"].endswith("Z") for r in log)
    before = world.digest()
    assert world.replay() == before
    assert _rows(world, "SELECT position, ordinal, recorded_at, smin, rmax FROM tl_log "
                        "ORDER BY position") == log


def test_a_claim_with_a_nul_in_its_text_can_be_retracted_and_replayed(world):
    # The domain now refuses NUL (below), but logs written before it did may hold such a claim:
    # a correction copies its target's mentions without parsing the target's JSON (PostgreSQL's
    # jsonb refuses NUL), and a replay rebuilds it.
    from timeline.claims import normalise_report
    from timeline.domainmodel import Report

    fields = normalise_report(report(control("Homs", "HTS", "2024-12-07T12:00:00Z")),
                              world.names, world.queries)
    fields["claims"][0]["summary"] = "shelling\u0000 reported"
    filed = Report.file(report_id=None, **fields)
    world.append(list(filed.collect_events()))
    target = filed.claims[0]["id"]
    fix = world.file_report(report({"type": "retract", "claim": target, "reason": "mis-dated"},
                                   published_at="2024-12-08T00:00:00Z"))
    copied = _rows(world, "SELECT entity FROM tl_mentions WHERE claim_id = :c ORDER BY entity",
                   c=fix["claims"][0]["id"])
    assert [m["entity"] for m in copied] == ["faction:hts", "place:homs"]
    before = world.digest()
    assert world.replay() == before


def test_text_no_store_can_keep_is_refused_by_the_domain_and_writes_nothing(world):
    import pytest

    from timeline.domainmodel import DomainError

    head = world.head()
    with pytest.raises(DomainError) as refused:
        world.file_report(report(control("Homs", "HTS", "2024-12-07T12:00:00Z",
                                         summary="shelling\u0000 reported")))
    assert type(refused.value) is DomainError and list(refused.value.errors) == ["claims.0.summary"]
    with pytest.raises(DomainError) as refused:
        world.register("place", "Zz\u0000town", [], lat=35.0, lon=37.0, governorate=None,
                       parent=None, place_kind="city", source=None)
    assert list(refused.value.errors) == ["name"]
    with pytest.raises(DomainError) as refused:
        world.register("faction", "Lone \ud800 surrogate brigade", [], parent=None, source=None)
    assert list(refused.value.errors) == ["name"]
    assert world.head() == head


def test_a_rebuild_cuts_the_log_into_stretches_by_size_as_well_as_count(world, monkeypatch):
    for day in range(1, 6):
        world.file_report(report(control("Aleppo", "HTS", f"2024-12-0{day}T12:00:00Z"),
                                 published_at=f"2024-12-0{day}T13:00:00Z"))
    before = world.digest()
    rows = _rows(world, "SELECT claim_id, position, retracted_at FROM tl_effects ORDER BY position")
    monkeypatch.setattr(type(world.recorder), "STRETCH_BYTES", 1)  # one event per stretch
    seen = []
    events = world.rebuild(progress=seen.append)
    assert events == _rows(world, "SELECT COUNT(*) AS n FROM tl_log")[0]["n"] > 5
    assert seen == [1] * events
    assert world.digest() == before
    assert _rows(world, "SELECT claim_id, position, retracted_at FROM tl_effects "
                        "ORDER BY position") == rows


def test_a_store_with_compressed_or_encrypted_events_is_refused_at_start(store_url):
    import pytest

    from timeline.application import TimelineApplication

    with pytest.raises(ValueError, match="compressor or cipher"):
        TimelineApplication(store_url, env={"COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor"})
