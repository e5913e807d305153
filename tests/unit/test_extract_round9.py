"""The reader's rules of issue 20's ninth round, one test per family of phrasings, on sentences
written for these tests (not taken from any evaluation text): "the army" and "government troops",
entering in force, control said by the loser or by a place given up, places listed with "along
with", leaders in hiding, dismissed, killed or arrested, a coup's target before it, clashes over a
place, and parts of a month. Each fails without its rule."""

from __future__ import annotations

from tests.extract_keys import claims, read

DAY = "On 7 December 2024 "
ON = "Report\n" + DAY


def clashes(gazetteer, text):
    return {(c["city"], tuple(sorted(c["factions"]))) for c in claims(gazetteer, text)
            if c["type"] == "clash"}


def statuses(gazetteer, text):
    return {(c["leader"], c["status"]) for c in claims(gazetteer, text)
            if c["type"] == "leader_status"}


# ---- the army ----------------------------------------------------------------------------------

def test_the_army_and_government_troops_are_the_state_army(gazetteer):
    for sentence in ("HTS expelled the army from Homs.", "HTS drove government troops out of Homs.",
                     "HTS forced regime troops out of Homs.", "HTS pushed the regime out of Homs."):
        assert read(gazetteer, ON + sentence) == {("control", "homs", "hts")}, sentence
    assert read(gazetteer, ON + "the army recaptured Hama.") == {
        ("control", "hama", "syrian-arab-army")}
    assert clashes(gazetteer, ON + "clashes broke out between HTS and the army in Hama.") == {
        ("hama", ("hts", "syrian-arab-army"))}
    # "the army" of a text about another state's army is that army
    assert read(gazetteer, "Report\nOn 8 December 2024 Israeli forces crossed the ceasefire line. "
                           "The army then seized Quneitra.") == {("control", "quneitra", "idf")}
    # what a name is opposed to is not the name
    assert read(gazetteer, ON + "anti-regime troops entered Tabqa.") == set()


# ---- control -----------------------------------------------------------------------------------

def test_entering_in_force_is_control(gazetteer):
    for sentence in ("HTS fighters poured into Homs.", "HTS fighters streamed into Homs.",
                     "HTS fighters burst into Homs.", "HTS forces broke into Homs.",
                     "HTS fighters forced their way into Homs.", "HTS fighters stormed into Homs."):
        assert read(gazetteer, ON + sentence) == {("control", "homs", "hts")}, sentence
    # a movement into a place stays an advance ("advanced into the capital", as labelled)
    assert read(gazetteer, ON + "HTS forces swept into Homs.") == {("advance", "hts", "homs")}
    assert read(gazetteer, ON + "HTS was poised to pour into Homs.") == set()


def test_control_retaken_passed_or_under_control_without_now(gazetteer):
    for sentence, faction in (("Homs was retaken by HTS.", "hts"),
                              ("Homs was recaptured by government forces.", "syrian-arab-army"),
                              ("control of Homs passed to HTS.", "hts"),
                              ("Homs was under the control of HTS.", "hts"),
                              ("Russian jets struck Homs, which is held by HTS.", "hts"),
                              ("HTS won control of Homs.", "hts")):
        assert read(gazetteer, ON + sentence) == {("control", "homs", faction)}, sentence
    # said of what happened in the place, not of the place
    assert read(gazetteer, ON + "a meeting in Homs, held by HTS officials, ended.") == set()


def test_in_rebel_hands_is_the_coalition_the_text_named(gazetteer):
    for sentence in ("Hama was in rebel hands.", "Hama was firmly in opposition hands.",
                     "Hama fell into rebel hands."):
        assert read(gazetteer, "Report\nHayat Tahrir al-Sham led the offensive. On 5 December 2024 "
                               + sentence) == {("control", "hama", "hts")}, sentence
    # with no rebel named, nobody
    assert read(gazetteer, "Report\nOn 5 December 2024 Hama was in rebel hands.") == set()


def test_driven_out_said_of_the_loser_or_a_place_cleared(gazetteer):
    for sentence in ("government forces were driven out of Homs by HTS.",
                     "government forces were expelled from Homs by HTS.",
                     "the army was pushed out of Homs by HTS.",
                     "HTS cleared Homs of government forces.",
                     "HTS ejected the SDF from Homs."):
        assert read(gazetteer, ON + sentence) == {("control", "homs", "hts")}, sentence
    out = claims(gazetteer, ON + "government forces were driven out of Homs by HTS.")
    assert [c.get("from_faction") for c in out] == ["syrian-arab-army"]
    for sentence in ("HTS vowed to drive the army out of Homs.",
                     "HTS failed to clear Homs of government forces."):
        assert read(gazetteer, ON + sentence) == set(), sentence


def test_a_place_given_up_is_its_takers(gazetteer):
    for sentence in ("government forces withdrew from Hama as HTS fighters entered.",
                     "government forces pulled out of Hama, leaving it to HTS.",
                     "the army abandoned Hama to HTS.",
                     "government troops withdrew from Hama on 7 December 2024 after HTS broke "
                     "through its defences."):
        assert read(gazetteer, ON + sentence) == {("control", "hama", "hts")}, sentence
    # with the taker the text said advanced on the place before
    for sentence in ("government forces withdrew from the city.", "the army pulled out of Hama.",
                     "government forces evacuated Hama."):
        assert read(gazetteer, "Report\nHTS pushed toward Hama. " + DAY + sentence) == {
            ("advance", "hts", "hama"), ("control", "hama", "hts")}, sentence
    out = claims(gazetteer, ON + "the army abandoned Hama to HTS.")
    assert [c.get("from_faction") for c in out] == ["syrian-arab-army"]
    # a withdrawal alone names no one who holds the place; nor one from around it, or denied
    for text in (ON + "government forces withdrew from Hama.",
                 ON + "civilians fled Hama.",
                 "Report\nHTS pushed toward Hama. " + DAY + "government forces withdrew from "
                 "positions around Hama.",
                 "Report\nHTS pushed toward Hama. " + DAY + "the army denied it had withdrawn "
                 "from Hama."):
        assert ("control", "hama", "hts") not in read(gazetteer, text), text


def test_places_listed_with_along_with_followed_by_including(gazetteer):
    both = {("control", "hama", "hts"), ("control", "rastan", "hts")}
    for sentence in ("HTS captured Hama, along with Rastan.", "HTS captured Hama together with Rastan.",
                     "HTS seized Hama, followed by Rastan.", "HTS captured Hama, including Rastan.",
                     "HTS captured Hama and also Rastan.", "HTS captured not only Hama but also Rastan.",
                     "Hama, along with Rastan, fell to HTS."):
        assert read(gazetteer, ON + sentence) == both, sentence
    assert read(gazetteer, ON + "HTS captured Hama along with Rastan and Talbiseh.") == both | {
        ("control", "talbiseh", "hts")}
    # each item with its date: "captured Aleppo on 29 November, then Hama on 5 December"
    out = claims(gazetteer, "Report\nRebels led by HTS captured Aleppo on 29 November 2024, then Hama "
                            "on 5 December and Homs on 7 December.")
    assert [(c["city"], c["faction"], c["occurred_at"][:10]) for c in out] == [
        ("aleppo", "hts", "2024-11-29"), ("hama", "hts", "2024-12-05"), ("homs", "hts", "2024-12-07")]
    # what follows is no place of the list
    for sentence in ("HTS captured Hama, along with weapons depots near Rastan.",
                     "HTS captured Hama, followed by clashes in Rastan."):
        assert read(gazetteer, ON + sentence) == {("control", "hama", "hts")}, sentence
    # the same words do not join factions: "X, along with allied groups, entered Y" is X's deed
    assert read(gazetteer, ON + "HTS, along with Ahrar al-Sham, captured Hama.") == {
        ("control", "hama", "hts")}


def test_a_phrase_put_first_is_not_listed_with_the_subject(gazetteer):
    assert read(gazetteer, ON + "following the withdrawal of government forces, the SDF took "
                                "control of Deir ez-Zor.") == {("control", "deir-ez-zor", "sdf")}
    # a list of places put first still is one
    assert read(gazetteer, ON + "Hama, Rastan and Talbiseh came under the control of HTS.") == {
        ("control", "hama", "hts"), ("control", "rastan", "hts"), ("control", "talbiseh", "hts")}


def test_an_epithet_names_the_holder_a_place_was_taken_from(gazetteer):
    out = claims(gazetteer, "Report\nOn 29 November 2024 HTS entered the government-held city of "
                            "Aleppo.")
    assert [(c["city"], c["faction"], c.get("from_faction")) for c in out] == [
        ("aleppo", "hts", "syrian-arab-army")]
    # alone, an epithet is no claim (round 6)
    assert read(gazetteer, "Report\nOn 1 December 2024 airstrikes hit HTS-held Idlib.") == set()


# ---- leaders -------------------------------------------------------------------------------------

def test_in_hiding_or_nowhere_to_be_found_is_whereabouts_unknown(gazetteer):
    for sentence in ("Assad went into hiding.", "Assad was nowhere to be found.",
                     "Assad's whereabouts were not known.", "Assad's location was a mystery.",
                     "it was not known where Assad was.",
                     "the whereabouts of Assad were not immediately known."):
        assert statuses(gazetteer, ON + sentence) == {("bashar-al-assad", "whereabouts_unknown")}, sentence
    assert statuses(gazetteer, ON + "Maher al-Assad went into hiding.") == {
        ("maher-al-assad", "whereabouts_unknown")}


def test_exile_said_of_the_leader_after_the_words_or_as_an_epithet(gazetteer):
    for sentence in ("Russia granted asylum to Assad and his family.",
                     "the exiled Assad issued a statement.",
                     "the exiled president Bashar al-Assad issued a statement."):
        assert statuses(gazetteer, ON + sentence) == {("bashar-al-assad", "in_exile")}, sentence
    assert statuses(gazetteer, ON + "Assad was evacuated to Russia.") == {("bashar-al-assad", "abroad")}


def test_dismissed_replaced_or_forced_from_power_is_removed(gazetteer):
    for sentence, leader in (("Assad stepped aside.", "bashar-al-assad"),
                             ("Assad was forced from power.", "bashar-al-assad"),
                             ("Assad lost power.", "bashar-al-assad"),
                             ("Mohammad Ghazi al-Jalali was replaced by Mohammed al-Bashir.",
                              "mohammad-ghazi-al-jalali"),
                             ("Ali Abbas was dismissed as defence minister.", "ali-mahmoud-abbas"),
                             ("defence minister Ali Abbas was sacked.", "ali-mahmoud-abbas"),
                             ("Mohammed al-Bashir was appointed prime minister, replacing Mohammad "
                              "Ghazi al-Jalali.", "mohammad-ghazi-al-jalali")):
        assert statuses(gazetteer, ON + sentence) == {(leader, "removed")}, sentence
    for sentence in ("Assad refused to resign.", "Assad declined to resign.",
                     "Assad's request for talks was dismissed."):
        assert statuses(gazetteer, ON + sentence) == set(), sentence


def test_killed_or_arrested_said_with_the_leader_as_object(gazetteer):
    assert statuses(gazetteer, ON + "rebels killed Suheil al-Hassan.") == {("suheil-al-hassan", "dead")}
    assert statuses(gazetteer, ON + "Suheil al-Hassan was shot dead.") == {("suheil-al-hassan", "dead")}
    for sentence in ("HTS arrested Hussam Louka.", "HTS captured Hussam Louka."):
        assert statuses(gazetteer, ON + sentence) == {("hussam-louka", "detained")}, sentence
    assert statuses(gazetteer, ON + "HTS vowed to arrest Hussam Louka.") == set()
    # what is his is not him; the one who did it is not the one it was done to
    assert statuses(gazetteer, ON + "HTS captured Assad's hometown of Qardaha.") == set()
    assert statuses(gazetteer, ON + "a guard was killed by Suheil al-Hassan's men.") == set()


def test_a_coups_target_said_before_it(gazetteer):
    for sentence in ("In Damascus, Bashar al-Assad faced a coup attempt led by Maher al-Assad.",
                     "In Damascus, Bashar al-Assad was the target of a coup attempt by his brother "
                     "Maher al-Assad.",
                     "Maher al-Assad tried to oust his brother Bashar al-Assad in a coup in Damascus."):
        out = [(c["led_by"], c["against"]) for c in claims(gazetteer, "Report\nOn 28 November 2024 "
                                                                      + sentence) if c["type"] == "coup"]
        assert out == [("maher-al-assad", "bashar-al-assad")], sentence


# ---- clashes -------------------------------------------------------------------------------------

def test_engaged_or_fought_for_control_is_a_clash(gazetteer):
    assert clashes(gazetteer, ON + "the SNA engaged the SDF in Manbij.") == {("manbij", ("sdf", "sna"))}
    assert clashes(gazetteer, ON + "HTS and government troops fought for control of Homs.") == {
        ("homs", ("hts", "syrian-arab-army"))}
    # side by side, not against each other
    assert clashes(gazetteer, ON + "the SNA and HTS fought together in Manbij.") == set()
    assert clashes(gazetteer, ON + "the SNA and HTS engaged in talks in Manbij.") == set()


# ---- dates ---------------------------------------------------------------------------------------

def test_parts_of_a_month_and_later_that_month(gazetteer):
    def dated(text, published="2025-01-15T00:00:00Z"):
        return [(c["city"], c["occurred_at"][:10], c["precision"]) for c in claims(gazetteer, text, published)]
    assert dated("Report\nIn the first week of December 2024 HTS captured Hama.") == [
        ("hama", "2024-12-04", "month")]
    assert dated("Report\nEarly in December 2024 HTS captured Hama.") == [("hama", "2024-12-05", "month")]
    assert dated("Report\nIn the last days of November 2024 HTS captured Aleppo.") == [
        ("aleppo", "2024-11-28", "month")]
    assert dated("Report\nOn 5 December 2024 HTS captured Hama. Later that month the SNA captured "
                 "Manbij.") == [("hama", "2024-12-05", "day"), ("manbij", "2024-12-18", "month")]
    assert dated("Report\nOn 5 December 2024 HTS captured Hama. Days later the SNA captured "
                 "Manbij.") == [("hama", "2024-12-05", "day"), ("manbij", "2024-12-08", "week")]


# ---- plainer words (simple encyclopedias) -----------------------------------------------------------

def test_took_a_list_of_places(gazetteer):
    assert read(gazetteer, "Report\nThe rebels were led by HTS. On 7 December 2024 they took Hama and "
                           "Homs.") == {("control", "hama", "hts"), ("control", "homs", "hts")}
    assert read(gazetteer, ON + "HTS took part in talks in Hama and Homs.") == set()


def test_ran_away_to_and_gave_him_asylum(gazetteer):
    for sentence in ("President Bashar al-Assad ran away to Russia.", "Assad went to Moscow.",
                     "Assad relocated to Russia."):
        assert statuses(gazetteer, "Report\nOn 8 December 2024 " + sentence) == {
            ("bashar-al-assad", "abroad")}, sentence
    assert statuses(gazetteer, "Report\nAssad escaped to Moscow on 8 December 2024. Russia gave him "
                               "asylum.") == {("bashar-al-assad", "abroad"), ("bashar-al-assad", "in_exile")}
    # "him" stands for no one when the sentence before named two leaders, or none
    assert statuses(gazetteer, "Report\nOn 8 December 2024 rebels entered Damascus. Russia gave him "
                               "asylum.") == set()


# ---- advances ------------------------------------------------------------------------------------

def test_advances_said_with_approach_arrive_gains_or_an_adverb(gazetteer):
    for sentence in ("HTS fighters were approaching Hama.", "HTS fighters arrived at the gates of Hama.",
                     "HTS fighters arrived on the outskirts of Hama.",
                     "HTS fighters came within striking distance of Hama.",
                     "HTS fighters were advancing rapidly towards Hama.",
                     "HTS fighters made rapid gains toward Hama."):
        assert read(gazetteer, "Report\nOn 3 December 2024 " + sentence) == {("advance", "hts", "hama")}, sentence
    for sentence in ("HTS fighters were preparing to approach Hama.",
                     "civilians were approaching Hama.", "HTS fighters arrived in Hama province."):
        assert read(gazetteer, "Report\nOn 3 December 2024 " + sentence) == set(), sentence


def test_an_attack_repelled_or_a_counterattack_is_a_clash(gazetteer):
    for sentence in ("the SDF repelled an SNA attack on Manbij.",
                     "the SDF repulsed an attack by the SNA on Manbij.",
                     "the SNA counterattacked SDF positions in Manbij.",
                     "the SDF launched a counteroffensive against the SNA in Manbij."):
        assert clashes(gazetteer, ON + sentence) == {("manbij", ("sdf", "sna"))}, sentence
    assert clashes(gazetteer, ON + "the army said it had repelled an attack on Manbij.") == set()


def test_a_leader_found_abroad_said_other_ways(gazetteer):
    for sentence in ("Assad has been in Moscow since his flight.", "Assad resides in Moscow.",
                     "Assad surfaced in Moscow.", "Assad's plane landed in Moscow.",
                     "Assad departed Syria.", "Assad was whisked out of the country."):
        assert statuses(gazetteer, "Report\nOn 10 December 2024 " + sentence) == {
            ("bashar-al-assad", "abroad")}, sentence
    assert statuses(gazetteer, "Report\nOn 10 December 2024 Assad sought shelter in Russia.") == {
        ("bashar-al-assad", "in_exile")}
    for sentence in ("Assad was not in Moscow, officials said.",
                     "rumours that Assad was in Moscow were denied."):
        assert statuses(gazetteer, "Report\nOn 10 December 2024 " + sentence) == set(), sentence


# ---- encyclopedic leads -----------------------------------------------------------------------------

def test_the_opposition_is_the_coalition_the_text_named(gazetteer):
    text = ("Report\nOpposition forces were led by Hayat Tahrir al-Sham. On 5 December 2024 the "
            "opposition captured Hama.")
    assert ("control", "hama", "hts") in read(gazetteer, text)
    # a parliament's Opposition, or the opposition's politics, is no fighter
    for sentence in ("the Opposition entered Hama.", "the opposition's leader entered Hama.",
                     "the opposition delegation entered Hama."):
        assert read(gazetteer, "Report\nHTS leads the rebels. On 5 December 2024 " + sentence) == set(), sentence


def test_an_engagement_between_two_sides_is_a_clash(gazetteer):
    assert clashes(gazetteer, "Report\nThe Battle of Hama was a military engagement between the Syrian "
                              "Arab Army and HTS in Hama in December 2024.") == {
        ("hama", ("hts", "syrian-arab-army"))}


def test_he_after_a_phrase_put_first_is_the_leader_named_before(gazetteer):
    text = ("Report\nBashar al-Assad was president until December 2024. Following the overthrow, he "
            "fled to Russia, where he was granted asylum.")
    assert statuses(gazetteer, text) == {("bashar-al-assad", "in_exile")}


def test_a_span_of_days_is_dated_by_its_first(gazetteer):
    out = claims(gazetteer, "Report\nThe SNA and the SDF clashed in Manbij from 6 to 11 December 2024.",
                 "2025-01-15T00:00:00Z")
    assert [(c["type"], c["occurred_at"][:10]) for c in out] == [("clash", "2024-12-06")]
    # a night across two days keeps its own reading
    out = claims(gazetteer, "Report\nHTS captured Homs on 7–8 December 2024.", "2025-01-15T00:00:00Z")
    assert [c["occurred_at"][:10] for c in out] == ["2024-12-08"]


def test_a_list_with_dates_does_not_end_the_subjects_clause(gazetteer):
    out = read(gazetteer, "Report\nOn 27 November 2024 HTS launched an offensive, capturing Aleppo on 29 "
                          "November, Hama on 5 December, and Homs on 7 December, before entering Damascus "
                          "on 8 December.")
    assert ("control", "damascus", "hts") in out and ("control", "homs", "hts") in out
    # a new clause with its own subject still ends it
    assert ("control", "damascus", "hts") not in read(
        gazetteer, "Report\nOn 8 December 2024 HTS entered Homs, and the SNA then entered Damascus.")


def test_left_to_a_taker_after_the_date(gazetteer):
    assert read(gazetteer, "Report\nAssad's forces retreated from Aleppo on 30 November 2024, leaving "
                           "the city to HTS.") == {("control", "aleppo", "hts")}


def test_what_is_taken_in_a_place_is_not_the_place(gazetteer):
    for sentence in ("HTS took control of state television in Damascus.",
                     "HTS seized government buildings in Damascus."):
        assert read(gazetteer, "Report\nOn 8 December 2024 " + sentence) == set(), sentence
    assert read(gazetteer, "Report\nOn 8 December 2024 HTS took control of the city of Damascus.") == {
        ("control", "damascus", "hts")}


def test_a_flight_named_as_a_noun_with_where_to(gazetteer):
    for sentence in ("The offensive ended on 8 December 2024 with the flight of Bashar al-Assad to Russia.",
                     "Assad's escape to Moscow on 8 December 2024 surprised his allies."):
        assert statuses(gazetteer, "Report\n" + sentence) == {("bashar-al-assad", "abroad")}, sentence
    # no place, no claim ("we welcome his departure")
    assert statuses(gazetteer, "Report\nOn 8 December 2024 we welcomed Assad's departure.") == set()


def test_the_group_named_other_ways_is_the_faction_named_before(gazetteer):
    for sentence in ("It captured Aleppo on 30 November.", "The Islamist group captured Aleppo on 30 November.",
                     "The militants captured Aleppo on 30 November.", "The fighters captured Aleppo on 30 November.",
                     "The offensive captured Aleppo on 30 November.", "Armed groups captured Aleppo on 30 November."):
        assert read(gazetteer, "Report\nHTS launched an offensive on 27 November 2024. " + sentence) == {
            ("control", "aleppo", "hts")}, sentence
    # "it" after a comma or a word is no subject of its own; groups backed by another are not the rebels
    assert read(gazetteer, "Report\nHTS launched an offensive on 27 November 2024. On 30 November "
                           "Iran-backed armed groups entered Aleppo.") == set()


def test_control_kept_or_in_charge_and_hostilities_or_traded_fire(gazetteer):
    for sentence in ("the SDF retains control of Raqqa.", "the SDF maintained control over Raqqa.",
                     "the SDF remains in charge of Raqqa."):
        assert read(gazetteer, "Report\nOn 11 December 2024 " + sentence) == {("control", "raqqa", "sdf")}, sentence
    for sentence in ("hostilities between the SNA and the SDF in Manbij continued.",
                     "the SNA and the SDF traded fire in Manbij."):
        assert clashes(gazetteer, "Report\nOn 11 December 2024 " + sentence) == {("manbij", ("sdf", "sna"))}, sentence
    assert read(gazetteer, "Report\nOn 11 December 2024 the SDF failed to retain control of Raqqa.") == set()


def test_citation_marks_inside_a_list(gazetteer):
    assert read(gazetteer, "Report\nOn 7 December 2024, HTS captured Homs[47] and Rastan.[48]") == {
        ("control", "homs", "hts"), ("control", "rastan", "hts")}


def test_factions_called_by_who_backs_them_and_nsag_control(gazetteer):
    assert read(gazetteer, "Report\nOn 2 December 2024, Turkish-backed armed groups took control of Tal "
                           "Rifaat.") == {("control", "tal-rifaat", "sna")}
    assert read(gazetteer, "Report\nOn 2 December 2024, Kurdish fighters withdrew from Tal Rifaat, leaving "
                           "it to the SNA.") == {("control", "tal-rifaat", "sna")}
    assert read(gazetteer, "Report\nHTS leads the NSAGs. Hama city came under NSAG control on 5 December "
                           "2024.") == {("control", "hama", "hts")}
