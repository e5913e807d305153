"""ACLED import on the real stores: codebook rows become claims; names resolve or get registered;
importing again adds nothing; a revised row is a correction; bad rows are reported by line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from timeline.ingest.acled import import_csv
from timeline.ingest.acled_rows import COLUMNS
from timeline.domainmodel import DomainError, parse_time

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "acled"


def row(event_id: str, **values) -> dict[str, str]:
    base = {"event_id_cnty": event_id, "event_date": "2024-11-29", "time_precision": "1",
            "event_type": "Battles", "sub_event_type": "Non-state actor overtakes territory",
            "actor1": "Hayat Tahrir al-Sham", "assoc_actor_1": "",
            "actor2": "Military Forces of Syria (2000-2024)", "admin1": "Aleppo",
            "location": "Aleppo", "latitude": "36.2021", "longitude": "37.1343",
            "geo_precision": "1", "source": "Syrian Observatory for Human Rights",
            "source_scale": "Other", "notes": f"Notes of {event_id}.", "fatalities": "0",
            "timestamp": "1733011200"}
    base.update(values)
    return base


def export(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def claims_of(app, event_id: str) -> list[dict]:
    ref = app.recorder.fetchone("SELECT report_id FROM tl_external WHERE dataset = 'acled' "
                                "AND ref = :r", {"r": event_id})
    return app.queries.report(ref["report_id"])["claims"]


def controller(app, city: str, at: str) -> str | None:
    return app.queries.city_state(city, app.queries.point(at=parse_time(at)))["controller"]


def test_every_row_is_an_event_territory_changes_add_control_armed_clashes_a_clash(world):
    result = import_csv(world, export(
        row("SYR1"),
        row("SYR2", sub_event_type="Armed clash", event_date="2024-11-30", location="Homs",
            admin1="Homs", latitude="34.7308", longitude="36.7094", time_precision="2"),
        row("SYR3", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
            actor1="Military Forces of Russia (2000-)", actor2="Civilians (Syria)",
            notes="Air strikes on Aleppo city, 4 killed.")))
    assert (result["imported"], result["unchanged"], result["corrected"], result["rejected"]) == (3, 0, 0, [])
    event, control = claims_of(world, "SYR1")
    assert {k: control[k] for k in ("type", "city", "faction", "from_faction", "precision",
                                    "occurred_at", "event_key")} == {
        "type": "control", "city": "aleppo", "faction": "hts", "from_faction": "syrian-arab-army",
        "precision": "day", "occurred_at": "2024-11-29T12:00:00Z",  # a date alone: noon UTC
        "event_key": "SYR1"}
    assert {k: event[k] for k in ("type", "event_type", "sub_event_type", "city", "actors",
                                  "deaths", "event_key", "geo_precision", "occurred_at")} == {
        "type": "event", "event_type": "Battles",
        "sub_event_type": "Non-state actor overtakes territory", "city": "aleppo",
        "actors": ["hts", "syrian-arab-army"], "deaths": {"best": 0}, "event_key": "SYR1",
        "geo_precision": 1, "occurred_at": "2024-11-29T12:00:00Z"}
    event, clash = claims_of(world, "SYR2")
    assert (clash["type"], clash["city"], clash["factions"], clash["precision"]) == (
        "clash", "homs", ["hts", "syrian-arab-army"], "week")
    assert event["sub_event_type"] == "Armed clash"
    [strike] = claims_of(world, "SYR3")
    assert (strike["type"], strike["sub_event_type"], strike["actors"],
            strike["civilian_targeting"]) == ("event", "Air/drone strike",
                                              world.names.lookup("faction", "Military Forces of "
                                                                 "Russia (2000-)"), True)
    assert strike["summary"] == "Air strikes on Aleppo city, 4 killed."
    assert controller(world, "aleppo", "2024-11-29T12:00:00Z") == "hts"
    assert controller(world, "aleppo", "2024-11-28T12:00:00Z") is None
    # the report says where it came from
    report = world.queries.report(control["report"])
    assert report["source"]["ref"] == {"dataset": "acled", "id": "SYR1", "version": "1733011200",
                                       "claim": 0}
    assert report["published_at"] == "2024-12-01T00:00:00Z"  # ACLED's timestamp


def test_importing_the_same_file_again_adds_nothing(world):
    text = export(row("SYR1"), row("SYR2", location="Homs", latitude="34.73", longitude="36.71"))
    import_csv(world, text)
    head = world.head()
    again = import_csv(world, text)
    assert (again["imported"], again["unchanged"], again["corrected"]) == (0, 2, 0)
    assert world.head() == head


def test_a_new_acled_timestamp_retracts_the_old_claim_and_files_the_new_one(world):
    import_csv(world, export(row("SYR1")))
    old, old_control = claims_of(world, "SYR1")
    revised = row("SYR1", actor1="SNA: Syrian National Army", timestamp="1733875200",
                  notes="Revised: the SNA, not HTS, took the city.")
    result = import_csv(world, export(revised))
    assert (result["imported"], result["unchanged"], result["corrected"]) == (0, 0, 1)
    retract, retract_control, new_event, new = claims_of(world, "SYR1")
    assert (retract["type"], retract["claim"]) == ("retract", old["id"])
    assert (retract_control["type"], retract_control["claim"]) == ("retract", old_control["id"])
    assert new["type"] == "control" and new["faction"] == "sna"
    assert new_event["event_key"] == old["event_key"] == "SYR1"
    assert controller(world, "aleppo", "2024-11-30T00:00:00Z") == "sna"
    # the old claim is still there, unedited, and marked retracted
    kept = world.queries.claim(old_control["id"])
    assert kept["faction"] == "hts" and kept["retracted"] is True
    # before the correction was recorded, the old claim counted
    assert world.queries.city_state("aleppo", world.queries.point(
        at=parse_time("2024-11-30T00:00:00Z"), known_at=result["position"] - 1))["controller"] == "hts"
    # the same revision again, or the older version again, changes nothing
    head = world.head()
    assert import_csv(world, export(revised))["unchanged"] == 1
    assert import_csv(world, export(row("SYR1")))["unchanged"] == 1
    assert world.head() == head


def test_unknown_actors_are_registered_with_the_acled_name_as_an_alias(world):
    import_csv(world, export(
        row("SYR1", actor1="SDF: Syrian Democratic Forces", actor2=""),
        row("SYR2", actor1="Opposition Rebels (Syria)", location="Homs", latitude="34.73",
            longitude="36.71")))
    sdf = world.names.lookup("faction", "SDF: Syrian Democratic Forces")
    assert sdf == world.names.lookup("faction", "SDF") == ["syrian-democratic-forces"]
    assert world.names.entity("faction", "syrian-democratic-forces")["name"] == "Syrian Democratic Forces"
    assert world.names.lookup("faction", "Opposition Rebels (Syria)") == ["opposition-rebels-syria"]
    # known names resolve through the factions' aliases: nothing new for these
    factions = len(world.names.entities("faction"))
    import_csv(world, export(row("SYR3", actor1="SDF: Syrian Democratic Forces", actor2="HTS"),
                             row("SYR4", actor1="Military Forces of Syria (2000-2024) Republican Guard")))
    assert len(world.names.entities("faction")) == factions
    assert claims_of(world, "SYR4")[1]["faction"] == "republican-guard"


def test_locations_resolve_by_name_then_by_coordinates_else_are_registered(world):
    result = import_csv(world, export(
        row("SYR1", location="Halab"),  # an alias
        row("SYR2", location="Homs - Al-Waer", latitude="34.7390", longitude="36.6800",
            admin1="Homs"),  # 3 km from Homs: the nearest known place
        row("SYR3", location="Kafr Nabudah", latitude="35.4439", longitude="36.5258",
            admin1="Hama"),  # nowhere near anything known
        row("SYR4", location="Homs", latitude="35.3359", longitude="40.1408",
            admin1="Deir-ez-Zor"),  # a namesake 300 km away
    ))
    assert result["imported"] == 4, result
    assert claims_of(world, "SYR1")[0]["city"] == "aleppo"
    assert claims_of(world, "SYR2")[0]["city"] == "homs"
    village = world.names.entity("place", "kafr-nabudah")
    assert (village["lat"], village["lon"], village["governorate"]) == (35.4439, 36.5258, "Hama")
    namesake = claims_of(world, "SYR4")[0]["city"]
    assert namesake != "homs" and world.names.entity("place", namesake)["lon"] == 40.1408


def test_unusable_rows_are_reported_by_line_and_the_rest_imported(world):
    head = world.head()
    result = import_csv(world, export(
        row("SYR1", notes="A note\nover two lines."),
        row("SYR2", event_date="31/31/2024"),
        row("SYR3", latitude="north"),
        row("SYR1", timestamp="1733011300"),  # the same event twice in one file
        row("SYR5", actor1="")))
    assert result["imported"] == 1
    assert [(r["line"], r["reason"].split(" ")[0]) for r in result["rejected"]] == [
        (4, "event_date"), (5, "latitude/longitude"), (6, "event"), (7, "empty")]
    assert world.head() > head


def test_a_rejected_row_registers_neither_its_new_place_nor_its_new_actor(world):
    head = world.head()
    result = import_csv(world, export(
        row("SYR7", event_date="0999-01-01", location="Ghosttown", latitude="35.9", longitude="38.9",
            actor1="Ghost Brigade", actor2=""),
        row("SYR8", location="Zz\x00town", latitude="35.8", longitude="38.8", actor1="Nul Brigade")))
    assert result["imported"] == 0 and [r["line"] for r in result["rejected"]] == [2, 3]
    assert "occurred_at" in result["rejected"][0]["reason"]
    assert "NUL" in result["rejected"][1]["reason"]
    assert world.head() == head  # nothing written: no place, no faction, no report
    assert world.names.lookup("place", "Ghosttown") == []
    assert world.names.lookup("faction", "Ghost Brigade") == []

    # an accepted row that names the same new place still registers it
    result = import_csv(world, export(
        row("SYR7", event_date="0999-01-01", location="Ghosttown", latitude="35.9", longitude="38.9",
            actor1="Ghost Brigade", actor2=""),
        row("SYR9", location="Ghosttown", latitude="35.9", longitude="38.9", actor2="")))
    assert result["imported"] == 1 and [r["line"] for r in result["rejected"]] == [2]
    assert world.names.lookup("place", "Ghosttown") != []
    assert world.names.lookup("faction", "Ghost Brigade") == []


def test_a_file_that_is_not_an_acled_export_writes_nothing(world):
    head = world.head()
    with pytest.raises(DomainError) as e:
        import_csv(world, "city,controller\nAleppo,HTS\n")
    assert type(e.value) is DomainError  # invalid content (a 422), not a conflict
    assert world.head() == head


def test_the_fixture_export_and_its_revision(world):
    first = import_csv(world, (FIXTURES / "syria-2024-11-12.csv").read_text())
    assert (first["imported"], [r["line"] for r in first["rejected"]]) == (9, [12, 13, 14])
    second = import_csv(world, (FIXTURES / "syria-2024-11-12-revised.csv").read_text())
    assert (second["imported"], second["unchanged"], second["corrected"]) == (1, 8, 1)
    assert claims_of(world, "SYR131007")[-1]["place"] == "kafr-sousa"  # "Damascus - Kafr Sousa"
    # "Military Forces of Syria (2000-2024) Republican Guard": the unit when it is known, else
    # the force (this small world knows no "4th Armoured Division")
    assert claims_of(world, "SYR131007")[-1]["factions"] == ["republican-guard", "syrian-arab-army"]


def test_replay_rebuilds_the_acled_mapping_exactly(world):
    import_csv(world, export(row("SYR1"), row("SYR2", location="Homs", latitude="34.73",
                                                longitude="36.71")))
    import_csv(world, export(row("SYR1", timestamp="1733875200")))
    before = world.recorder.fetchall("SELECT * FROM tl_external ORDER BY ref")
    digest = world.digest()
    assert world.replay() == digest
    after = world.recorder.fetchall("SELECT * FROM tl_external ORDER BY ref")
    assert json.dumps(after, default=str) == json.dumps(before, default=str)
    assert [r["version"] for r in after] == ["1733875200", "1733011200"]


def test_an_import_racing_another_takes_over_what_the_other_registered(world):
    """Two imports of one export: the second planned the same new village and militia before the
    first registered them; it files its rows against the entities the first registered."""
    from timeline.ingest.acled import Importer
    from timeline.ingest.acled_rows import parse_row, read_rows

    text = export(row("SYR9", actor1="Jaysh al-Thuwar", location="Kafr Nabudah",
                      latitude="35.4439", longitude="36.5258", admin1="Hama"))
    slow = Importer(world)
    event = parse_row(*read_rows(text)[0])
    claims = slow._claim(event)  # planned: nothing registered yet
    assert world.names.lookup("place", "Kafr Nabudah") == []
    assert import_csv(world, text)["imported"] == 1  # the fast import
    head = world.head()
    slow._register_planned()  # the one transaction fails; one at a time, each is taken over
    event_claim, control = slow._remapped(claims)
    assert control["city"] == world.names.lookup("place", "Kafr Nabudah")[0]
    assert control["faction"] == world.names.lookup("faction", "Jaysh al-Thuwar")[0]
    assert event_claim["actors"][0] == control["faction"]
    assert world.head() == head
    assert len([e for e in world.names.entities("place") if e["name"] == "Kafr Nabudah"]) == 1


def test_the_import_answers_the_position_of_its_own_last_event_not_another_writers(
        world, store_url, monkeypatch):
    # Another writer's report lands right after the import's events, before the import looks at
    # the log's head: the answer, and what an Idempotency-Key replay gives back, is the position
    # of the import's last event.
    from tests.conftest import control, report
    from timeline.application import TimelineApplication

    other = TimelineApplication(store_url)
    head = world.head

    def head_after_another_write():
        other.file_report(report(control("Homs", "HTS", "2024-12-01T00:00:00Z")))
        return head()

    try:
        lease = world.idempotency_claim("import-1", "fingerprint")
        monkeypatch.setattr(world, "head", head_after_another_write)
        result = import_csv(world, export(row("SYR1"), row("SYR2", location="Homs")),
                            idempotency=lease)
        monkeypatch.undo()
        ours = max(world.queries.report(r["report_id"])["position"] for r in world.recorder.fetchall(
            "SELECT report_id FROM tl_external WHERE dataset = 'acled'"))
        assert result["position"] == ours
        replay = world.idempotency_claim("import-1", "fingerprint")["replay"]
        assert replay == (200, result)
    finally:
        other.close()
