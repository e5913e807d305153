"""The reader's rules of issue 20's sixth round (relative spans, an offensive's leader, the rebels'
other names, a leader's whereabouts, control said as a state), one test per rule, on sentences
written for these tests (not taken from any evaluation text). Each fails without its rule."""

from __future__ import annotations

from tests.extract_keys import claims, read


def dated(gazetteer, text, published="2024-12-12T10:00:00+03:00"):
    """(day, precision) of each claim (local days: the texts' UTC+3)."""
    from timeline.domainmodel import parse_time
    from timeline.ingest.article import LOCAL
    return [(parse_time(c["occurred_at"]).astimezone(LOCAL).date().isoformat(), c["precision"])
            for c in claims(gazetteer, text, published)]


# ---- dates -----------------------------------------------------------------------------------

def test_a_span_that_ends_at_publication_dates_its_sentence(gazetteer):
    # published Thursday 12 December 2024
    assert dated(gazetteer, "Report\nLast week the Syrian National Army took control of Tabqa.") == [
        ("2024-12-05", "week")]
    assert dated(gazetteer, "Report\nIn the past week, HTS captured Tabqa.") == [("2024-12-09", "week")]
    assert dated(gazetteer, "Report\nEarlier this week, HTS captured Tabqa.") == [("2024-12-10", "week")]
    assert dated(gazetteer, "Report\nEarlier this month, the SDF entered Raqqa.") == [
        ("2024-12-06", "month")]
    assert dated(gazetteer, "Report\nLast month, the SDF entered Raqqa.") == [("2024-11-15", "month")]


def test_a_week_is_no_day_to_count_the_next_day_from(gazetteer):
    # "the next day" after "last week" is not known: it takes the day the text gave before
    assert dated(gazetteer, "Report\nOn 2 December HTS entered Idlib. Last week the SNA took Tabqa. "
                            "The next day the SDF entered Raqqa.") == [
        ("2024-12-02", "day"), ("2024-12-05", "week"), ("2024-12-03", "day")]


def test_now_dates_an_undated_sentence_at_publication(gazetteer):
    assert dated(gazetteer, "Report\nOn 27 November HTS launched an offensive. Idlib, Tabqa and now "
                            "Raqqa have fallen.") == [("2024-12-12", "day")] * 3
    # "until now" is not the day of writing
    assert dated(gazetteer, "Report\nOn 27 November HTS launched an offensive. Until now HTS remained "
                            "in control of Idlib.") == [("2024-11-27", "day")]


# ---- who took a place no one is said to have taken --------------------------------------------

def test_the_fall_of_a_place_goes_to_the_one_offensive_the_text_names(gazetteer):
    assert read(gazetteer, "Report\nOn 1 December 2024 HTS launched an offensive in the north. The "
                           "fall of Tabqa followed.") == {("control", "tabqa", "hts")}
    # two offensives by sides that are not one coalition: no one is named
    assert read(gazetteer, "Report\nOn 2 December the SNA launched an offensive. The SDF launched an "
                           "offensive too. The fall of Tabqa came next.") == set()
    # a fall said to come is no claim
    assert read(gazetteer, "Report\nHTS launched an offensive on 27 November. On 3 December analysts "
                           "said the fall of Homs would cut Damascus off.") == set()


def test_an_offensive_led_by_x_and_an_x_led_offensive_name_its_leader(gazetteer):
    assert read(gazetteer, "Report\nTabqa fell on 3 December, after an offensive led by Hayat Tahrir "
                           "al-Sham.") == {("control", "tabqa", "hts")}
    assert read(gazetteer, "Report\nAn HTS-led offensive began on 27 November. Idlib fell on 30 "
                           "November.") == {("control", "idlib", "hts")}


def test_a_place_that_fell_with_two_offensives_named_is_no_ones(gazetteer):
    assert read(gazetteer, "Report\nOn 1 December the SNA launched an offensive near Tabqa. HTS "
                           "launched an offensive on Hama. On 5 December Raqqa fell.") == {
        ("advance", "hts", "hama")}


# ---- the rebels' other names -------------------------------------------------------------------

def test_anti_government_forces_are_the_rebels_not_the_government(gazetteer):
    assert read(gazetteer, "Report\nHayat Tahrir al-Sham leads the coalition. On 30 November "
                           "anti-government forces entered Tabqa.") == {("control", "tabqa", "hts")}
    # with no rebel named, nobody
    assert read(gazetteer, "Report\nOn 30 November anti-regime forces entered Tabqa.") == set()


def test_the_syrian_or_armed_opposition_is_the_coalition_the_text_named(gazetteer):
    assert read(gazetteer, "Report\nHayat Tahrir al-Sham began an offensive. On 30 November the "
                           "Syrian opposition took Tabqa.") == {("control", "tabqa", "hts")}
    assert read(gazetteer, "Report\nHayat Tahrir al-Sham began an offensive. On 30 November the "
                           "armed opposition entered Tabqa.") == {("control", "tabqa", "hts")}


def test_under_the_leadership_of_x_names_the_rebels(gazetteer):
    # the first rebel named is the SNA; the one said to lead is HTS
    assert read(gazetteer, "Report\nThe Syrian National Army joined the fighting. Under the leadership "
                           "of Hayat Tahrir al-Sham, rebel groups pressed on. On 30 November the "
                           "rebels entered Tabqa.") == {("control", "tabqa", "hts")}


# ---- a leader's whereabouts --------------------------------------------------------------------

def test_he_or_his_opening_a_sentence_is_the_leader_named_just_before(gazetteer):
    assert read(gazetteer, "Report\nOn 8 December 2024 Bashar al-Assad fled the capital. He is now in "
                           "Moscow.") == {("leader_status", "bashar-al-assad", "abroad")}
    assert read(gazetteer, "Report\nOn 8 December 2024 Bashar al-Assad left Damascus. His whereabouts "
                           "are unknown.") == {("leader_status", "bashar-al-assad", "whereabouts_unknown")}
    # two leaders before: "he" is neither
    assert read(gazetteer, "Report\nOn 8 December Bashar al-Assad met Maher al-Assad. He is now in "
                           "Moscow.") == set()


def test_the_location_of_a_leader_is_unknown(gazetteer):
    assert read(gazetteer, "Report\nThe location of Bashar al-Assad is unknown, officials said on 8 "
                           "December.") == {("leader_status", "bashar-al-assad", "whereabouts_unknown")}
    assert read(gazetteer, "Report\nOn 8 December the whereabouts of Maher al-Assad remained "
                           "unclear.") == {("leader_status", "maher-al-assad", "whereabouts_unknown")}


def test_flying_out_of_the_country_and_boarding_a_plane_abroad(gazetteer):
    for text in ("On 8 December Bashar al-Assad flew out of the country.",
                 "On 8 December 2024, Bashar al-Assad boarded a plane to Moscow.",
                 "On 8 December Bashar al-Assad fled Damascus for Moscow."):
        assert read(gazetteer, "Report\n" + text) == {("leader_status", "bashar-al-assad", "abroad")}, text
    assert read(gazetteer, "Report\nOn 8 December the rebels denied that Bashar al-Assad had boarded "
                           "a plane to Moscow.") == set()


# ---- control said as a state -----------------------------------------------------------------

def test_in_the_hands_of_held_by_and_lost_to(gazetteer):
    for text in ("On 3 December Tabqa was in the hands of the Syrian National Army.",
                 "On 3 December Tabqa passed into the hands of the SNA.",
                 "On 3 December Tabqa is now held by the SNA.",
                 "On 3 December Tabqa was lost to the SNA."):
        assert read(gazetteer, "Report\n" + text) == {("control", "tabqa", "sna")}, text
    # said of what happened in the place, not of the place
    assert read(gazetteer, "Report\nOn 3 December a meeting in Idlib was held by HTS officials.") == set()


def test_a_faction_controls_or_holds_a_place(gazetteer):
    assert read(gazetteer, "Report\nOn 3 December the SNA now controls Tabqa.") == {("control", "tabqa", "sna")}
    assert read(gazetteer, "Report\nOn 3 December HTS still holds Idlib.") == {("control", "idlib", "hts")}
    assert read(gazetteer, "Report\nOn 3 December HTS and the SNA now control Tabqa.") == {
        ("control", "tabqa", "hts"), ("control", "tabqa", "sna")}
    for text in ("The SDF has held Manbij since 2016.",
                 "On 3 December the SDF holds Manbij until the SNA arrives.",
                 "On 3 December the SDF controlled Manbij.",
                 "On 3 December, HTS held talks in Idlib.",
                 "On 3 December, protesters in HTS-controlled Idlib gathered."):
        assert read(gazetteer, "Report\n" + text) == set(), text


def test_declared_a_place_liberated(gazetteer):
    assert read(gazetteer, "Report\nOn 3 December the SNA declared Tabqa liberated.") == {
        ("control", "tabqa", "sna")}
    assert read(gazetteer, "Report\nOn 3 December the SNA declared Tabqa a priority.") == set()


def test_consolidated_or_extended_its_control_of_a_place(gazetteer):
    assert read(gazetteer, "Report\nOn 3 December the SNA consolidated its control of Tabqa.") == {
        ("control", "tabqa", "sna")}
    assert read(gazetteer, "Report\nOn 3 December HTS extended its control over Idlib.") == {
        ("control", "idlib", "hts")}


def test_an_advance_says_where(gazetteer):
    # a count of villages with no place and no governorate says not where: no advance
    assert read(gazetteer, "Report\nOn 3 December HTS captured 26 villages.") == set()
    assert read(gazetteer, "Report\nOn 3 December HTS captured 26 villages in Idlib and Raqqa "
                           "Governorates.") == set()
    out = claims(gazetteer, "Report\nOn 3 December HTS captured 26 villages in Hama province.")
    assert [(c["type"], c["faction"], c.get("governorate"), c.get("captured_count")) for c in out] == [
        ("advance", "hts", "Hama", 26)]
