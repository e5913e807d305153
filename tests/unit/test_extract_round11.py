"""The reader's rules of issue 20's eleventh round (English): a leader by his given name alone
once named in full (a family that shares a surname), a status noun said of a kinsman ("the
exile of his brother X"). Sentences written for these tests, not taken from any evaluation text;
each test fails without its rule, and each has negatives."""

from __future__ import annotations

from tests.extract_keys import claims

ON = "Report\nOn 9 December 2024 "


def statuses(gazetteer, text):
    return {(c["leader"], c["status"]) for c in claims(gazetteer, text)
            if c["type"] == "leader_status"}


# ---- leaders -----------------------------------------------------------------------------------

def test_a_leader_by_his_given_name_once_named_in_full(gazetteer):
    # two brothers share "al-Assad": the text tells them apart by their given names
    text = ("Report\nMaher al-Assad commanded a division; his brother Bashar al-Assad was "
            "president. On 9 December 2024 Maher fled to Russia.")
    assert statuses(gazetteer, text) == {("maher-al-assad", "abroad")}
    text = ("Report\nBashar al-Assad ruled for decades. On 9 December 2024 Bashar went into "
            "hiding.")
    assert statuses(gazetteer, text) == {("bashar-al-assad", "whereabouts_unknown")}
    # a given name before the full name is no one yet
    assert statuses(gazetteer, ON + "Maher fled to Russia. Maher al-Assad was seen once.") == set()
    # the same given name in another man's full name is that other man
    assert statuses(gazetteer, "Report\nMaher al-Assad led a division. On 9 December 2024 Maher "
                               "Hassan fled to Russia.") == set()
    assert statuses(gazetteer, "Report\nMaher al-Assad led a division. On 9 December 2024 "
                               "General Maher fled to Russia.") == set()


def test_a_status_noun_said_of_a_kinsman(gazetteer):
    text = ("Report\nMaher al-Assad is a former officer, the brother of Bashar al-Assad. On 9 "
            "December 2024 the regime fell, followed by the exile of his brother Bashar.")
    assert ("bashar-al-assad", "in_exile") in statuses(gazetteer, text)
    assert statuses(gazetteer, ON + "crowds marked the exile of his brother Bashar al-Assad.") == {
        ("bashar-al-assad", "in_exile")}
    # his brother's deed, not a status of the brother: "the arrest of his brother's aide"
    assert statuses(gazetteer, ON + "the arrest of his brother's aide was announced.") == set()
    # a wish is still none
    assert statuses(gazetteer, ON + "the exile of his brother Bashar al-Assad would be a "
                                    "disaster.") == set()
