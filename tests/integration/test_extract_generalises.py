"""The reader's rules for phrasings of issue 20 (paraphrased sentences, not the evaluation
texts): dates per clause and carried forward, lists, every actor of a coordinated subject,
nominal and passive forms, "the rebels" as the coalition the text named, parts of a place not
read as the place, denials after the claim, clashes only between sides."""

from __future__ import annotations

import pytest

from timeline.extract import extract


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    from timeline.application import TimelineApplication
    from timeline.seeding import seed

    app = TimelineApplication(f"sqlite:///{tmp_path_factory.mktemp('general')}/ref.db")
    seed(app, reference_only=True)
    yield app
    app.close()


def read(gazetteer, text, published="2024-12-20T10:00:00+03:00"):
    out = extract(text, published, gazetteer.names, gazetteer.queries)
    return [c for c in out["claims"] if c["type"] != "note"]


def keys(claims):
    out = set()
    for c in claims:
        if c["type"] == "control":
            out.add(("control", c["city"], c["faction"], c["occurred_at"][:10]))
        elif c["type"] == "advance":
            out.add(("advance", c["faction"], c.get("toward"), c["occurred_at"][:10]))
        elif c["type"] == "leader_status":
            out.add(("leader_status", c["leader"], c["status"], c["occurred_at"][:10]))
        else:
            out.add((c["type"], c.get("city"), tuple(c.get("factions") or ())))
    return out


def test_each_clause_takes_its_own_date_and_undated_sentences_the_last_one(gazetteer):
    claims = read(gazetteer, "Offensive Widens\nOn 5 December, the army withdrew from Resafa, and, "
                             "on 6 December, the SDF occupied Mayadin. The SDF then entered Raqqa. "
                             "The next day, the SDF captured Abu Kamal.")
    assert keys(claims) == {("control", "mayadin", "sdf", "2024-12-06"),
                            ("control", "raqqa", "sdf", "2024-12-06"),
                            ("control", "abu-kamal", "sdf", "2024-12-07")}


def test_lists_of_places_and_every_actor_of_a_coordinated_subject(gazetteer):
    claims = read(gazetteer, "Report\nOn 1 December 2024, HTS and the Turkish-backed Syrian National "
                             "Army captured the towns of Tadef, Khanasir and as-Safirah.")
    assert {(k[1], k[2]) for k in keys(claims)} == {
        (p, f) for p in ("tadif", "khanasir", "al-safira") for f in ("hts", "sna")}


def test_nominal_and_passive_forms(gazetteer):
    claims = read(gazetteer, "Report\nThe Military Operations Command moved south following its "
                             "capture of Hama on 5 December 2024. The offensive ended in Homs being "
                             "captured by the Syrian National Army on the night of 7/8 December.")
    assert keys(claims) == {("control", "hama", "military-operations-command", "2024-12-05"),
                            ("control", "homs", "sna", "2024-12-07")}


def test_the_rebels_are_the_coalition_the_text_named(gazetteer):
    claims = read(gazetteer, "Report\nA rebel alliance led by Hayat Tahrir al-Sham launched an "
                             "offensive on 27 November 2024. On 5 December, the rebels captured Hama, "
                             "and opposition forces advanced toward Homs.")
    assert keys(claims) == {("control", "hama", "hts", "2024-12-05"),
                            ("advance", "hts", "homs", "2024-12-05")}


def test_parts_of_a_place_and_its_countryside_are_not_the_place(gazetteer):
    claims = read(gazetteer, "Report\nOn 30 November 2024, government forces remained in control of a "
                             "few neighbourhoods in northern Aleppo. The SNA captured villages in the "
                             "countryside of Hama. Rebels entered the city's Barzeh neighbourhood in "
                             "Damascus.")
    assert [c for c in claims if c["type"] == "control"] == []


def test_a_denial_after_the_claim_and_allies_are_not_a_clash(gazetteer):
    claims = read(gazetteer, "Report\nOn 1 December 2024, rumours that Bashar al-Assad had fled to "
                             "Moscow were denied by his office. Hezbollah sent fighters to aid the "
                             "Syrian Arab Army in fighting back the rebels in Hama.")
    assert claims == []


def test_advances_named_by_distance_or_by_an_offensive(gazetteer):
    claims = read(gazetteer, "Report\nOn 7 December 2024, the Southern Operations Room came within "
                             "20 kilometres (12 mi) of the capital Damascus, while HTS and the SNA "
                             "launched an offensive into Homs.")
    assert keys(claims) == {("advance", "southern-operations-room", "damascus", "2024-12-07"),
                            ("advance", "hts", "homs", "2024-12-07"),
                            ("advance", "sna", "homs", "2024-12-07")}


def test_citation_marks_end_sentences(gazetteer):
    claims = read(gazetteer, "Report\nOn 5 December 2024, HTS captured Hama.[2]\nOn 6 December, the "
                             "SDF captured Mayadin.[3] [4] Then the SDF entered Raqqa.")
    assert keys(claims) == {("control", "hama", "hts", "2024-12-05"),
                            ("control", "mayadin", "sdf", "2024-12-06"),
                            ("control", "raqqa", "sdf", "2024-12-06")}


def test_a_nominal_list_gives_each_place_its_own_date(gazetteer):
    claims = read(gazetteer, "Report\nHTS took Aleppo on 30 November 2024, followed by the seizure of "
                             "Hama on 5 December and Homs on 7 December.")
    assert keys(claims) == {("control", "aleppo", "hts", "2024-11-30"),
                            ("control", "hama", "hts", "2024-12-05"),
                            ("control", "homs", "hts", "2024-12-07")}


def test_x_and_later_y_entered_and_the_first_to_enter(gazetteer):
    claims = read(gazetteer, "Report\nOn 8 December 2024, the Southern Operations Room and later HTS "
                             "entered Damascus. The Syrian Free Army were the first to enter Palmyra "
                             "on 7 December.")
    assert keys(claims) == {("control", "damascus", "southern-operations-room", "2024-12-08"),
                            ("control", "damascus", "hts", "2024-12-08"),
                            ("control", "palmyra", "syrian-free-army", "2024-12-07")}


def test_forced_to_resign_and_flee_the_country(gazetteer):
    claims = read(gazetteer, "Report\nOn 8 December 2024, the offensive forced Bashar al-Assad to "
                             "resign and flee the country.")
    assert keys(claims) == {("leader_status", "bashar-al-assad", "removed", "2024-12-08"),
                            ("leader_status", "bashar-al-assad", "abroad", "2024-12-08")}
