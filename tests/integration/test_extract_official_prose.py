"""The reader's rules of issue 20's fourth round (official, diplomatic and agency prose), one
test per phenomenon, on sentences written for these tests (not taken from any evaluation text)."""

from __future__ import annotations

from timeline.ingest.extract import extract

_KEY = {"control": ("city", "faction"), "leader_status": ("leader", "status")}


def read(gazetteer, text, published="2024-12-20T10:00:00+03:00"):  # noqa: F811
    """The control and leader-status claims read from `text`, each as (type, *its entities)."""
    claims = extract(text, published, gazetteer.names, gazetteer.queries)["claims"]
    return {(c["type"], *(c[k] for k in _KEY[c["type"]])) for c in claims if c["type"] in _KEY}


def test_places_said_to_have_fallen_go_to_the_one_leading_the_offensive(gazetteer):  # noqa: F811
    # the offensive's leader named in one sentence, a list of places "have fallen" in the next
    text = ("Statement\nThe escalation follows a rapid offensive by the Syrian National Army (SNA) "
            "from the north. Tal Rifaat, Manbij and now Tabqa have fallen in quick succession.")
    assert read(gazetteer, text) == {("control", "tal-rifaat", "sna"), ("control", "manbij", "sna"),
                                     ("control", "tabqa", "sna")}
    # no one said to lead an offensive: no one named, no claim
    assert read(gazetteer, "Statement\nTal Rifaat and Tabqa have fallen in quick succession.") == set()
    # "X has fallen ill" is not a place falling
    assert read(gazetteer, "Statement\nHayat Tahrir al-Sham launched an offensive on 27 November. "
                           "The mayor of Raqqa has fallen ill.") == set()


def test_a_verb_first_fragment_is_about_the_leader_named_last(gazetteer):  # noqa: F811
    text = ("Statement\nBashar al-Assad is finished. Fleeing to Moscow in the night. "
            "How fitting.")
    assert ("leader_status", "bashar-al-assad", "abroad") in read(gazetteer, text)
    # a fragment with no leader named before it gives nothing
    assert read(gazetteer, "Statement\nFleeing to Moscow in the night.") == set()


def test_official_wording_of_control(gazetteer):  # noqa: F811
    # agency and diplomatic phrasings the reader already read before this round; kept as a check
    assert ("control", "hama", "hts") in read(
        gazetteer, "Update\nOn 5 December, Hayat Tahrir al-Sham took control of Hama city.")
    assert ("control", "homs", "hts") in read(
        gazetteer, "Update\nOn 7 December, Homs was taken by Hayat Tahrir al-Sham.")
    assert ("control", "raqqa", "sna") in read(
        gazetteer, "Update\nFamilies fled following the takeover of Raqqa by the Syrian National "
                   "Army on 6 December.")
