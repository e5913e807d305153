"""The reader's rules of issue 20's second round, one test per phenomenon, on sentences written
for these tests (not taken from the evaluation texts): a name and its bracketed abbreviation as one
item of a list, two words of direction before "toward", actors and places paired in order,
"its fighters" for the faction named before, fighting "in the X area", control said by who was
made to leave or who a place was handed to, two sides "engaged in" fighting."""

from __future__ import annotations


from timeline.ingest.extract import extract


def read(gazetteer, text, published="2024-12-20T10:00:00+03:00"):
    out = extract(text, published, gazetteer.names, gazetteer.queries)
    keys = set()
    for c in out["claims"]:
        if c["type"] == "control":
            keys.add(("control", c["city"], c["faction"]))
        elif c["type"] == "advance":
            keys.add(("advance", c["faction"], c.get("toward")))
        elif c["type"] == "clash":
            keys.add(("clash", c["city"], tuple(sorted(c["factions"]))))
    return keys


def test_a_name_and_its_bracketed_abbreviation_are_one_item_of_the_subjects(gazetteer):
    assert read(gazetteer, "Report\nOn 3 December, the SNA and then the Syrian Democratic Forces "
                           "(SDF) entered Raqqa.") == {("control", "raqqa", "sna"),
                                                       ("control", "raqqa", "sdf")}
    assert read(gazetteer, "Report\nOn 4 December, Hayat Tahrir al-Sham (HTS) and later the Syrian "
                           "National Army (SNA) captured Tabqa.") == {("control", "tabqa", "hts"),
                                                                       ("control", "tabqa", "sna")}


def test_two_words_of_direction_before_toward(gazetteer):
    assert read(gazetteer, "Report\nOn 5 December, HTS advanced further south toward Homs. On 6 "
                           "December, the SNA pushed deeper east towards Raqqa.") == {
        ("advance", "hts", "homs"), ("advance", "sna", "raqqa")}


def test_as_many_actors_as_places_each_its_own_without_respectively(gazetteer):
    assert read(gazetteer, "Report\nOn 7 December, the Southern Operations Room and the Syrian Free "
                           "Army captured Daraa and Palmyra.") == {
        ("control", "daraa", "southern-operations-room"), ("control", "palmyra", "syrian-free-army")}
    # an actor the gazetteer does not know keeps its place in the list: its place is not the other's
    assert read(gazetteer, "Report\nOn 7 December, the Syrian Free Army and the Tribal Brigade "
                           "captured Palmyra and Deir ez-Zor.") == {("control", "palmyra", "syrian-free-army")}


def test_actors_of_one_coalition_or_acting_together_take_every_place(gazetteer):
    both = {("control", p, f) for p in ("hama", "homs") for f in ("hts", "sna")}
    assert read(gazetteer, "Report\nOn 7 December, HTS and the SNA jointly captured Hama and Homs.") == both
    assert read(gazetteer, "Report\nOn 7 December, HTS and the Military Operations Command captured "
                           "Hama and Homs.") == {("control", p, f) for p in ("hama", "homs")
                                                 for f in ("hts", "military-operations-command")}
    # two actors, three places: no order to pair them by
    assert len(read(gazetteer, "Report\nOn 7 December, HTS and the SNA captured Hama, Homs and "
                               "Rastan.")) == 6


def test_its_fighters_stands_for_the_faction_named_before_and_not_for_an_unknown_one(gazetteer):
    assert read(gazetteer, "Report\nThe Syrian Free Army launched an offensive on 6 December. Its "
                           "fighters captured Palmyra on 7 December.") == {
        ("control", "palmyra", "syrian-free-army")}
    assert read(gazetteer, "Report\nA commander of the Syrian National Army (SNA) said on 6 December "
                           "that its fighters were located 9 km from Tabqa.") == {("advance", "sna", "tabqa")}
    assert read(gazetteer, "Report\nA spokesman for the Revolutionary Brigade said on 6 December that "
                           "its fighters were 4 km from Tabqa.") == set()


def test_fighting_in_the_area_of_a_town_is_a_clash_there_but_not_in_its_countryside(gazetteer):
    assert read(gazetteer, "Report\nOn 6 December, clashes between the SNA and the SDF were reported "
                           "in the Tabqa area.") == {("clash", "tabqa", ("sdf", "sna"))}
    assert read(gazetteer, "Report\nOn 6 December, fighting between the SNA and the SDF continued in "
                           "the Kobani countryside.") == set()


def test_control_said_by_who_was_made_to_leave_or_who_a_place_was_handed_to(gazetteer):
    for text in ("the SNA expelled the SDF from Tal Rifaat", "the SNA drove the SDF out of Tal Rifaat",
                 "the SNA forced the SDF to withdraw from Tal Rifaat",
                 "the SNA wrested Tal Rifaat from the SDF"):
        assert read(gazetteer, f"Report\nOn 6 December, {text}.") == {("control", "tal-rifaat", "sna")}, text
    assert read(gazetteer, "Report\nOn 6 December, government forces handed Deir ez-Zor over to the "
                           "SDF.") == {("control", "deir-ez-zor", "sdf")}
    # pushed back, not out: no one took the place
    assert read(gazetteer, "Report\nOn 6 December, the army pushed HTS back from Hama.") == set()
    assert read(gazetteer, "Report\nOn 6 December, the SNA failed to drive the SDF out of Manbij.") == set()


def test_two_sides_engaged_in_fighting_clash(gazetteer):
    assert read(gazetteer, "Report\nOn 7 December, the SNA and the SDF engaged in fierce fighting "
                           "around Manbij.") == {("clash", "manbij", ("sdf", "sna"))}


def test_an_offensive_to_capture_a_place_is_an_advance_on_it_not_its_capture(gazetteer):
    assert read(gazetteer, "Report\nOn 6 December, the SFA launched an offensive to capture "
                           "Palmyra.") == {("advance", "syrian-free-army", "palmyra")}
    assert read(gazetteer, "Report\nOn 6 December, HTS moved troops south in a bid to take "
                           "Homs.") == set()


def test_where_a_movement_goes_after_a_direction_a_route_or_a_distance(gazetteer):
    assert read(gazetteer, "Report\nOn 6 December, the SFA advanced north from al-Tanf to Palmyra. "
                           "On 7 December, SNA forces advanced to within 5 km of Manbij. On 8 "
                           "December, the SDF launched an offensive on government-held Deir ez-Zor.") == {
        ("advance", "syrian-free-army", "palmyra"), ("advance", "sna", "manbij"),
        ("advance", "sdf", "deir-ez-zor")}


def test_a_siege_laid_to_a_place_is_an_advance_on_it(gazetteer):
    assert read(gazetteer, "Report\nOn 6 December, the SNA laid siege to Manbij.") == {
        ("advance", "sna", "manbij")}


def test_an_aim_is_not_the_deed(gazetteer):
    assert read(gazetteer, "Report\nThe Raqqa offensive was launched by the SNA on 3 December 2024 "
                           "with the aim of capturing Raqqa from the SDF.") == set()


def test_the_un_name_for_the_armed_opposition_stands_for_the_coalition_the_text_named(gazetteer):
    assert read(gazetteer, "Report\nOn 5 December, HTS captured Hama. On 6 December, Non-State Armed "
                           "Groups (NSAGs) took control of Homs city.") == {
        ("control", "hama", "hts"), ("control", "homs", "hts")}


def test_they_had_taken_a_place(gazetteer):
    assert read(gazetteer, "Report\nOn 5 December, HTS captured Hama. On 8 December, opposition forces "
                           "announced that they had taken Damascus.") == {
        ("control", "hama", "hts"), ("control", "damascus", "hts")}


# Round 3 (holdout-b spent and read): phenomena behind its misses, on sentences written here.

def test_go_moves_only_with_a_direction(gazetteer):
    assert read(gazetteer, "Report\nOn 4 December, the SNA took Tabqa before going in the direction "
                           "of Raqqa.") == {("control", "tabqa", "sna"), ("advance", "sna", "raqqa")}
    assert read(gazetteer, "Report\nOn 4 December, HTS went towards Homs.") == {("advance", "hts", "homs")}
    # "go" without a direction is no movement
    assert read(gazetteer, "Report\nOn 4 December, HTS said it would go on fighting in Homs.") == set()


def test_an_offensive_from_somewhere_on_a_described_city(gazetteer):
    assert read(gazetteer, "Report\nOn 5 December, the Syrian Free Army launched an offensive from "
                           "the al-Tanf \"safe zone\" on the historic city of Palmyra.") == {
        ("advance", "syrian-free-army", "palmyra")}
    assert read(gazetteer, "Report\nOn 5 December, the SNA began an assault from its positions near "
                           "Azaz on the town of Tal Rifaat.") == {("advance", "sna", "tal-rifaat")}


def test_the_groups_stand_for_the_coalition_the_text_named(gazetteer):
    assert read(gazetteer, "Report\nOn 6 December, the Southern Operations Room, with help from local "
                           "fighters, entered Daraa. The groups captured Damascus the next day.") == {
        ("control", "daraa", "southern-operations-room"),
        ("control", "damascus", "southern-operations-room")}


def test_the_object_of_with_is_not_the_subject_of_a_later_verb(gazetteer):
    assert read(gazetteer, "Report\nOn 4 December, the SNA took Tabqa after fighting with the SDF "
                           "before heading towards Raqqa.") == {
        ("control", "tabqa", "sna"), ("advance", "sna", "raqqa"), ("clash", "tabqa", ("sdf", "sna"))}
