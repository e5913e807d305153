"""The reader's rules of issue 20's seventh round (the US government's spelling of Assad, asylum
and exile said other ways, a place lost "to" a faction after an apposition, the capture an
offensive "culminated in"), one test per rule, on sentences written for these tests (not taken
from any evaluation text). Each fails without its rule."""

from __future__ import annotations

from tests.extract_keys import claims, read
from timeline.ingest.extract import extract


# ---- leaders ---------------------------------------------------------------------------------

def test_asad_alone_is_the_us_governments_spelling_of_assad(gazetteer):
    # leaders.json: "Asad", attested in CRS Insight IN12473 (a tune text)
    assert read(gazetteer, "Report\nOn 8 December 2024 the campaign led by HTS ousted Asad.") == {
        ("leader_status", "bashar-al-assad", "removed")}
    found = extract("Report\nAsad met with officials in Damascus on 2 December 2024.",
                    "2024-12-12T10:00:00+03:00", gazetteer.names, gazetteer.queries)["mentions"]
    assert {"text": "Asad", "kind": "leader", "id": "bashar-al-assad"} in \
        [{k: m[k] for k in ("text", "kind", "id")} for m in found]
    # the regime of a man is not the man: no status of his own
    assert read(gazetteer, "Report\nIn December 2024 armed groups toppled the regime of Bashar al "
                           "Asad.") == set()


def test_asylum_claimed_offered_or_given_is_exile(gazetteer):
    for sentence in ("Assad claimed asylum in Moscow.", "Assad applied for asylum in Russia.",
                     "The Kremlin said Assad had been offered asylum.",
                     "Assad was given asylum in Russia.",
                     "Assad, after being given asylum, stayed in Moscow."):
        assert read(gazetteer, f"Report\nOn 9 December 2024: {sentence}") == {
            ("leader_status", "bashar-al-assad", "in_exile")}, sentence
    # asylum for others, or to come, is no claim
    assert read(gazetteer, "Report\nOn 9 December 2024 the minister said no asylum claims would be "
                           "accepted from Assad's officials.") == set()
    assert read(gazetteer, "Report\nOn 8 December 2024 the Kremlin said Assad would be given "
                           "asylum.") == set()
    assert read(gazetteer, "Report\nOn 8 December 2024 Assad could claim asylum in Russia.") == set()


def test_exile_named_with_a_flight_is_the_one_status(gazetteer):
    # "fled to Russia and claimed asylum": in exile (with where), not also "abroad"
    out = claims(gazetteer, "Report\nOn 9 December 2024 Assad fled to Russia and claimed asylum.")
    assert [(c["status"], c.get("location")) for c in out] == [("in_exile", "Russia")]
    # a flight alone stays "abroad"
    assert read(gazetteer, "Report\nOn 8 December 2024 Assad fled to Moscow.") == {
        ("leader_status", "bashar-al-assad", "abroad")}


def test_exile_to_a_foreign_country_is_exile(gazetteer):
    assert read(gazetteer, "Report\nOn 8 December 2024 the rebels forced Assad's resignation and "
                           "exile to Russia.") == {
        ("leader_status", "bashar-al-assad", "removed"), ("leader_status", "bashar-al-assad", "in_exile")}
    # an exile at home (a region, no foreign country) is no whereabouts abroad
    assert read(gazetteer, "Report\nOn 8 December 2024 Assad's exile to the coast was "
                           "discussed.") == set()


# ---- control ---------------------------------------------------------------------------------

def test_a_place_lost_to_a_faction_after_an_apposition(gazetteer):
    assert read(gazetteer, "Report\nOn 29 November 2024 the army lost Syria's second city, Aleppo, "
                           "to HTS.") == {("control", "aleppo", "hts")}
    assert read(gazetteer, "Report\nOn 29 November 2024 the army lost the northern city of Aleppo "
                           "to HTS.") == {("control", "aleppo", "hts")}
    # lost in a battle, to no one named: no claim
    assert read(gazetteer, "Report\nOn 29 November 2024 the army lost Syria's second city, Aleppo, "
                           "within hours.") == set()


def test_the_capture_an_offensive_culminated_in_is_its_leaders(gazetteer):
    # the offensive "from" HTS (with others "including" the SNA) took Damascus: HTS's
    assert read(gazetteer, "Report\nAn offensive from HTS and other groups, including the SNA, that "
                           "began on 27 November 2024 culminated in the capture of Damascus on 8 "
                           "December.") == {("control", "damascus", "hts")}
    # an offensive from a place names no leader; the nearest faction stays the taker
    assert read(gazetteer, "Report\nThe SNA launched an offensive from Afrin on 1 December 2024, "
                           "which ended with the capture of Tal Rifaat.") == {("control", "tal-rifaat", "sna")}
    # a capture said to come is no claim
    assert read(gazetteer, "Report\nOn 3 December 2024 analysts said an offensive from HTS could "
                           "culminate in the capture of Homs.") == set()
