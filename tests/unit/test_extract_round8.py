"""The reader's rules of issue 20's eighth round, one test per family, on sentences written for
these tests (not taken from any evaluation text): a deed the same sentence takes back or says
there is no sign of, a deed set in a year long before the article, "a week earlier", power given
up, and "the ousted president" for the head of state the text names. Each fails without its rule."""

from __future__ import annotations

from tests.extract_keys import claims, read


# ---- denial and missing evidence, scoped to the sentence that says them -------------------------

def test_a_deed_the_sentence_then_denies_is_no_claim(gazetteer):
    for sentence in ("HTS said it had captured Homs, which the army denied.",
                     "HTS said it had captured Homs, a claim the defence ministry rejected.",
                     "Assad was said to have fled to Moscow, which the Kremlin flatly denied.",
                     "HTS took Homs, reports that state television dismissed."):
        assert read(gazetteer, f"Report\nOn 7 December 2024 {sentence}") == set(), sentence
    # a relative clause that denies nothing leaves the deed standing
    assert read(gazetteer, "Report\nOn 7 December 2024 HTS captured Homs, which the army had "
                           "held since 2012.") == {("control", "homs", "hts")}


def test_no_sign_or_no_evidence_of_a_deed_is_no_claim(gazetteer):
    for sentence in ("there was no sign that HTS had entered Homs.",
                     "officials saw no evidence that Assad had fled to Moscow.",
                     "there is little indication that the SDF captured Raqqa."):
        assert read(gazetteer, f"Report\nOn 7 December 2024 {sentence}") == set(), sentence
    assert read(gazetteer, "Report\nOn 7 December 2024 there were signs that HTS had entered "
                           "Homs.") == {("control", "homs", "hts")}


# ---- background years ------------------------------------------------------------------------

def test_a_deed_set_in_a_year_long_before_the_article_is_background(gazetteer):
    for text in ("On 9 December 2024 the minister recalled that government forces captured Aleppo "
                 "in 2016.",
                 "On 12 December 2024 the minister said that in 2016 Assad's forces retook Aleppo.",
                 "In 2011, Assad's forces besieged Homs."):
        assert read(gazetteer, f"Report\n{text}") == set(), text
    # a year behind a comma, with the story's day in the clause, dates nothing
    assert read(gazetteer, "Report\nHama, where Hafez al-Assad crushed an uprising in 1982, fell to "
                           "HTS on 5 December 2024.") == {("control", "hama", "hts")}
    # a background sentence does not lose the next one
    assert read(gazetteer, "Report\nIn 2011, Assad's forces besieged Homs. On 7 December 2024 HTS "
                           "entered Homs.") == {("control", "homs", "hts")}


# ---- dates -----------------------------------------------------------------------------------

def test_a_week_earlier_counts_back_from_the_day_before_it(gazetteer):
    out = claims(gazetteer, "Report\nOn 9 December 2024 officials said HTS had taken Aleppo a week "
                            "earlier.")
    assert [(c["city"], c["occurred_at"][:10]) for c in out] == [("aleppo", "2024-12-02")]
    out = claims(gazetteer, "Report\nOn 9 December 2024 officials met in Doha. The week before, "
                            "HTS had taken Aleppo.")
    assert [(c["city"], c["occurred_at"][:10]) for c in out] == [("aleppo", "2024-12-02")]


# ---- leaders ---------------------------------------------------------------------------------

def test_power_given_up_is_removed(gazetteer):
    for sentence in ("Assad relinquished power.", "Assad gave up the presidency.",
                     "Assad left office.", "Assad handed over power to the rebels."):
        assert read(gazetteer, f"Report\nOn 8 December 2024 {sentence}") == {
            ("leader_status", "bashar-al-assad", "removed")}, sentence
    # an offer or a future is not the deed
    assert read(gazetteer, "Report\nOn 8 December 2024 Assad said he was ready to hand over "
                           "power.") == set()


def test_the_ousted_president_is_the_head_of_state_the_text_names(gazetteer):
    text = ("Report\nOn 8 December 2024 rebels entered Damascus and Bashar al-Assad left the "
            "capital. Later the ousted president fled to Moscow.")
    assert ("leader_status", "bashar-al-assad", "abroad") in read(gazetteer, text)
    assert read(gazetteer, "Report\nAssad's rule ended on 8 December 2024. On 9 December Syria's "
                           "former leader was granted asylum in Russia.") == {
        ("leader_status", "bashar-al-assad", "in_exile")}
    # with no head of state named, an epithet stands for no one
    assert read(gazetteer, "Report\nOn 8 December 2024 the ousted president fled to Moscow.") == set()
    assert read(gazetteer, "Report\nBashar al-Assad fled on 8 December 2024. On 10 December the "
                           "deposed dictator was granted asylum in Russia.") >= {
        ("leader_status", "bashar-al-assad", "in_exile")}
