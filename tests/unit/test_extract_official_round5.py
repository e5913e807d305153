"""The reader's rules of issue 20's fifth round (diplomatic and agency wording), one test per
rule, on sentences written for these tests (not taken from any evaluation text). Each fails
without its rule."""

from __future__ import annotations

from timeline.ingest.extract import extract


def read(gazetteer, text, published="2024-12-10T10:00:00+03:00"):
    claims = extract(text, published, gazetteer.names, gazetteer.queries)["claims"]
    out = set()
    for c in claims:
        if c["type"] == "control":
            out.add(("control", c["city"], c["faction"]))
        elif c["type"] == "advance":
            out.add(("advance", c["faction"], c.get("toward")))
        elif c["type"] == "leader_status":
            out.add(("leader_status", c["leader"], c["status"], c["occurred_at"][:10]))
    return out


def test_has_come_under_the_control_of_and_the_places_it_includes(gazetteer):
    assert read(gazetteer, "Statement\nIn recent days a large area, including Manbij, has come under "
                           "the control of the Syrian National Army.") == {("control", "manbij", "sna")}
    assert read(gazetteer, "Statement\nA swathe of territory has come under the de facto control of "
                           "Hayat Tahrir al-Sham, including Tabqa and Manbij.") == {
        ("control", "tabqa", "hts"), ("control", "manbij", "hts")}


def test_de_facto_control_of_governorates_is_not_the_cities(gazetteer):
    assert read(gazetteer, "Statement\nThe Syrian National Army took de facto control of Tabqa.") == {
        ("control", "tabqa", "sna")}
    # a list ending in a plural ("X and Y governorates") and "the entirety of X" are no city
    assert read(gazetteer, "Statement\nThe Syrian National Army took de facto control of almost the "
                           "entirety of Raqqa and Hasakah governorates.") == set()
    assert read(gazetteer, "Statement\nThe Syrian National Army took de facto control of Raqqa "
                           "and Idlib governorates.") == set()


def test_advancing_close_to_a_place(gazetteer):
    assert read(gazetteer, "Statement\nThe Syrian National Army and Hayat Tahrir al-Sham are advancing "
                           "very close to Tabqa.") == {("advance", "sna", "tabqa"),
                                                      ("advance", "hts", "tabqa")}
    assert read(gazetteer, "Statement\nThe Syrian National Army is now very close to Tabqa.") == {
        ("advance", "sna", "tabqa")}


def test_an_operation_launched_on_a_day_on_a_place(gazetteer):
    assert read(gazetteer, "Statement\nThe Syrian National Army launched an operation on 30 November "
                           "on Tal Rifaat.") == {("advance", "sna", "tal-rifaat")}


def test_conditions_appeals_and_futures_are_no_claims(gazetteer):
    for text in ("If the Syrian National Army enters Tabqa, civilians will suffer.",
                 "We urge the Syrian National Army to leave Tabqa and to enter no other town.",
                 "The Syrian National Army will take Tabqa.",
                 "The Syrian National Army must not enter Tabqa."):
        assert read(gazetteer, "Statement\n" + text) == set(), text
    # a past deed after a condition's comma is still a claim
    assert read(gazetteer, "Statement\nIf anything, the Syrian National Army entered Tabqa.") == {
        ("control", "tabqa", "sna")}


def test_over_the_weekend_is_the_sunday_just_past(gazetteer):
    # published on Tuesday 10 December 2024: the weekend was 7-8 December
    assert read(gazetteer, "Statement\nOver the weekend, Bashar al-Assad left the country.") == {
        ("leader_status", "bashar-al-assad", "abroad", "2024-12-08")}


def test_x_launched_an_offensive_then_places_have_fallen(gazetteer):
    # the offensive's leader named as the subject of "launched an offensive" (not only "an offensive
    # by X"), then places said to have fallen with no one named
    assert read(gazetteer, "Statement\nThe Syrian National Army launched an offensive on 1 December. "
                           "Tabqa and Manbij have fallen in quick succession.") == {
        ("control", "tabqa", "sna"), ("control", "manbij", "sna")}
