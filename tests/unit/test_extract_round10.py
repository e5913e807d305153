"""The reader's rules of issue 20's tenth round: the encyclopedic genre (leads of encyclopedia
articles, infobox lines), by the structure of its sentences rather than its verbs: statuses named
as nouns ("the exile of X"), succession ("succeeded X"), a leader's name used as an adjective ("the
Assad regime"), the subject's surname alone after his full name, a state named for its army,
control stated as an extent ("expanded its control to include A and B"), a verb whose object is
shared with a negated one, a coup's default target, and dates that belong to a life, not an
event ("born 10 June 1970"). Sentences written for these tests, not taken from any evaluation
text; each test fails without its rule, and each has negatives."""

from __future__ import annotations

from tests.extract_keys import claims, read

DAY = "On 9 December 2024 "
ON = "Report\n" + DAY


def statuses(gazetteer, text):
    return {(c["leader"], c["status"]) for c in claims(gazetteer, text)
            if c["type"] == "leader_status"}


# ---- leaders -----------------------------------------------------------------------------------

def test_a_status_named_as_a_noun_is_the_leaders(gazetteer):
    for sentence, status in (
            ("the regime collapsed, followed by the exile of Bashar al-Assad in Moscow.", "in_exile"),
            ("weeks after the exile of the former president Bashar al-Assad, HTS ruled.", "in_exile"),
            ("Maher al-Assad's exile began in Russia.", "in_exile"),
            ("after the ouster of Bashar al-Assad, crowds gathered.", "removed"),
            ("the arrest of Hussam Louka was announced.", "detained"),
            ("Maher al-Assad's death was announced by the ministry.", "dead")):
        assert statuses(gazetteer, ON + sentence) == {
            ("bashar-al-assad" if "Bashar" in sentence else
             "hussam-louka" if "Louka" in sentence else "maher-al-assad", status)}, sentence
    # a wish, a fear, a rumour; a capture of a place; a heading
    for sentence in ("the overthrow of Bashar al-Assad would be a disaster, the minister said.",
                     "the death of Maher al-Assad was never confirmed.",
                     "the capture of Homs by HTS was confirmed."):
        assert not statuses(gazetteer, ON + sentence), sentence
    assert statuses(gazetteer, "Report\nExile of Bashar al-Assad\nOn 9 December 2024 crowds "
                               "gathered in Damascus.") == set()


def test_succession_removes_the_one_succeeded(gazetteer):
    for sentence in ("the general command named a premier, who succeeded Mohammad Ghazi al-Jalali.",
                     "Mohammed al-Bashir took over from Mohammad Ghazi al-Jalali as premier.",
                     "Mohammad Ghazi al-Jalali was succeeded by Mohammed al-Bashir.",
                     "Mohammad Ghazi al-Jalali handed power to the new cabinet.",
                     "Mohammad Ghazi al-Jalali transferred power to a caretaker cabinet."):
        assert statuses(gazetteer, ON + sentence) == {
            ("mohammad-ghazi-al-jalali", "removed")}, sentence
    # "succeeded in" is no succession; a handover to come is none yet
    assert statuses(gazetteer, ON + "HTS succeeded in capturing Homs.") == set()
    assert statuses(gazetteer, ON + "Mohammad Ghazi al-Jalali will transfer power to HTS.") == set()


def test_a_leaders_name_as_an_adjective_is_not_the_leader(gazetteer):
    # "the Assad regime" names no one whose status is said: the one said to hide is the other
    assert statuses(gazetteer, ON + "after the fall of the Assad regime, Suheil al-Hassan went "
                                    "into hiding.") == {("suheil-al-hassan", "whereabouts_unknown")}
    assert statuses(gazetteer, ON + "the Assad family fled to Russia.") == set()
    assert statuses(gazetteer, ON + "after the fall of the Assad government, Maher al-Assad "
                                    "fled to Russia.") == {("maher-al-assad", "abroad")}
    # the man himself still is
    assert statuses(gazetteer, ON + "Assad fled to Russia.") == {("bashar-al-assad", "abroad")}


def test_a_leader_in_another_spelling_then_by_his_surname(gazetteer):
    # consonants of a name in two words or more: "Suhail al-Hasan" for Suheil al-Hassan
    text = ("Report\nBrigadier Suhail al-Hasan commanded an elite division. On 9 December 2024 "
            "Al-Hasan went into hiding.")
    assert statuses(gazetteer, text) == {("suheil-al-hassan", "whereabouts_unknown")}
    # his surname alone, after his full name (an alias the gazetteer has)
    assert statuses(gazetteer, "Report\nMazloum Abdi spoke in Qamishli. On 9 December 2024 Abdi "
                               "went into hiding.") == {("mazloum-abdi", "whereabouts_unknown")}
    # a surname before the full name is no one yet
    assert statuses(gazetteer, "Report\nOn 9 December 2024 Al-Hasan went into hiding. Suheil "
                               "al-Hassan was seen once.") == set()
    # one consonant skeleton is not enough: a single word, a different man
    assert statuses(gazetteer, ON + "Hasan went into hiding.") == set()
    assert statuses(gazetteer, ON + "Sahl Hassani went into hiding.") == set()


def test_a_birth_date_dates_no_event(gazetteer):
    found = claims(gazetteer, "Report\nSuheil al-Hassan (born 10 June 1970) is an officer. He went "
                              "into hiding.", published="2024-12-12T10:00:00+03:00")
    assert [(c["leader"], c["occurred_at"][:10]) for c in found] == [("suheil-al-hassan", "2024-12-12")]
    # a date that is an event still dates it
    found = claims(gazetteer, "Report\nSuheil al-Hassan went into hiding on 10 December 2024.")
    assert [c["occurred_at"][:10] for c in found] == ["2024-12-10"]


def coups(gazetteer, text):
    return {(c["led_by"], c["against"], c["city"]) for c in claims(gazetteer, text)
            if c["type"] == "coup"}


def test_a_coup_with_no_target_named_is_against_the_head_of_state(gazetteer):
    for text in ("Report\nBashar al-Assad was in Damascus. On 30 November 2024 Hussam Louka, the "
                 "intelligence chief, tried to stage a coup in Damascus.",
                 "Report\nBashar al-Assad addressed the nation. On 30 November 2024 officers led by "
                 "Hussam Louka plotted a coup in Damascus."):
        assert coups(gazetteer, text) == {("hussam-louka", "bashar-al-assad", "damascus")}, text
    # no head of state named: no one to be against; a coup denied is none
    assert coups(gazetteer, "Report\nOn 30 November 2024 Hussam Louka, the intelligence chief, "
                            "attempted a coup in Damascus.") == set()
    assert coups(gazetteer, "Report\nBashar al-Assad was in Damascus. On 30 November 2024 Hussam "
                            "Louka denied any coup in Damascus.") == set()
    # the place of a campaign named as its adjective is not where the coup was
    assert coups(gazetteer, "Report\nOn 30 November 2024 a coup by Hussam Louka against Bashar "
                            "al-Assad broke out in Damascus. After the 2024 Hama offensive, Hussam "
                            "Louka attempted a second coup.") == {
        ("hussam-louka", "bashar-al-assad", "damascus")}


# ---- states and their armies -------------------------------------------------------------------

def test_a_state_is_its_army_as_the_subject_of_a_deed_of_war(gazetteer):
    assert read(gazetteer, ON + "Israel seized Quneitra.") == {("control", "quneitra", "idf")}
    assert read(gazetteer, ON + "Turkey captured Tal Rifaat.") == {
        ("control", "tal-rifaat", "turkish-armed-forces")}
    assert read(gazetteer, ON + "Israel advanced beyond the buffer zone, capturing Khan Arnabah "
                                "and Quneitra.") == {("control", "khan-arnabah", "idf"),
                                                     ("control", "quneitra", "idf")}
    assert read(gazetteer, ON + "Israeli troops seized Quneitra.") == {("control", "quneitra", "idf")}
    # a state that speaks, hosts or is travelled to is no army
    assert read(gazetteer, ON + "Israel said HTS had seized Quneitra.") == {("control", "quneitra", "hts")}
    assert read(gazetteer, ON + "Assad fled to Russia, and Israel welcomed the news.") == {
        ("leader_status", "bashar-al-assad", "abroad")}
    assert read(gazetteer, ON + "the SNA, backed by Turkey, entered Tal Rifaat.") == {
        ("control", "tal-rifaat", "sna")}


def test_a_place_shared_by_a_verb_and_a_negated_one(gazetteer):
    for sentence in ("Israeli troops reached, but did not enter, Qatana.",
                     "Israeli troops \"reached\", but did not enter, Qatana.",
                     "HTS neared but never took Qatana."):
        assert read(gazetteer, ON + sentence) == {
            ("advance", "idf" if "Israeli" in sentence else "hts", "qatana")}, sentence
    # the negated verb alone gives nothing
    assert read(gazetteer, ON + "Israeli troops did not enter Qatana.") == set()


# ---- control stated as an extent ---------------------------------------------------------------

def test_control_stated_as_an_extent_names_the_places_it_includes(gazetteer):
    assert read(gazetteer, "Report\nSince December 2024, HTS has expanded its control in Syria to "
                           "include Aleppo, Hama and Homs.") == {
        ("control", "aleppo", "hts"), ("control", "hama", "hts"), ("control", "homs", "hts")}
    assert read(gazetteer, "Report\nIn December 2024 the SNA extended its rule over the north to "
                           "include Tal Rifaat and Manbij.") == {
        ("control", "tal-rifaat", "sna"), ("control", "manbij", "sna")}
    assert read(gazetteer, "Report\nIn December 2024 HTS broadened its territory to encompass "
                           "most of Idlib province, Aleppo and Hama.") == {
        ("control", "aleppo", "hts"), ("control", "hama", "hts")}
    # a hope is no extent; an extent without "include" names no place
    assert read(gazetteer, "Report\nIn December 2024 HTS hoped to expand its control to include "
                           "Aleppo and Hama.") == set()
    assert read(gazetteer, "Report\nIn December 2024 HTS expanded its territory, and Aleppo "
                           "residents fled.") == set()


# ---- an encyclopedia article's subject, and its infobox ----------------------------------------

def test_the_town_and_the_group_are_the_subject_of_the_article(gazetteer):
    # an article titled with a place: "the town" is that place, not the one named just before
    assert read(gazetteer, "Tell Rifaat\nTell Rifaat is a town north of Aleppo. Located near Azaz, "
                           "the town was taken by the SNA in December 2024.") == {
        ("control", "tal-rifaat", "sna")}
    # titled with a faction: "the group" is that faction, not the one named before it
    assert read(gazetteer, "Syrian National Army\nThe Syrian National Army is a coalition. Unlike "
                           "HTS, the group seized Tal Rifaat in December 2024.") == {
        ("control", "tal-rifaat", "sna")}
    # a title that is no name (a news headline) leaves "the town" to the place named last
    assert read(gazetteer, "Rebels advance in the north\nOn 1 December 2024 the SNA neared Tal "
                           "Rifaat. Near Azaz, the town was taken by the SNA.") == {
        ("advance", "sna", "tal-rifaat"), ("control", "azaz", "sna")}


def test_an_infobox_value_is_read_as_a_sentence(gazetteer):
    for text in ("Offensive\nDate\n27 November – 8 December 2024\nTerritorial changes\nHTS captures "
                 "Aleppo and Hama",
                 "Offensive\nDate: 27 November – 8 December 2024\nResult: HTS takeover of Aleppo and Hama",
                 "Offensive\nDate8 December 2024 – present\nTerritorial\nchanges\nAleppo and Hama "
                 "captured by HTS"):
        found = claims(gazetteer, text)
        assert {(c["city"], c["faction"], c["occurred_at"][:10]) for c in found} == {
            ("aleppo", "hts", "2024-12-08"), ("hama", "hts", "2024-12-08")}, text
    # a heading that is no infobox value still states nothing
    assert claims(gazetteer, "Offensive\nHTS captures Aleppo and Hama\nOn 8 December 2024 crowds "
                             "gathered in Damascus.") == []


def test_it_in_an_article_about_a_place_is_that_place(gazetteer):
    assert read(gazetteer, "Manbij\nManbij is a city in northern Syria. Since December 2024 it has "
                           "been controlled by the SNA.") == {("control", "manbij", "sna")}
    assert read(gazetteer, "Hama\nHama is a city in western Syria. It was captured by HTS on 5 "
                           "December 2024.") == {("control", "hama", "hts")}
    # not in an article about a faction, nor "it" as what a faction does
    assert read(gazetteer, "Report\nHama is a city in western Syria. It was captured by HTS on 5 "
                           "December 2024.") == set()
    assert read(gazetteer, "Hama\nHama is a city in western Syria. It is known for its water "
                           "wheels.") == set()


# ---- a life's spans and its ends ---------------------------------------------------------------

def test_a_status_named_with_the_leaders_pronoun(gazetteer):
    assert statuses(gazetteer, "Report\nBashar al-Assad is a former politician who served as "
                               "president until his overthrow in December 2024.") == {
        ("bashar-al-assad", "removed")}
    assert statuses(gazetteer, ON + "Hussam Louka was seen in Homs before his arrest.") == {
        ("hussam-louka", "detained")}
    # wanted, feared or escaped is not so
    for sentence in ("Turkey called for his arrest, said Hussam Louka.",
                     "Hussam Louka fled Homs to escape his arrest.",
                     "a court issued a warrant for the arrest of Hussam Louka."):
        assert not {x for x in statuses(gazetteer, ON + sentence) if x[1] == "detained"}, sentence


def test_a_year_that_opens_a_span_does_not_date_its_end(gazetteer):
    # "from 2000 until he was ousted": the ouster ends the span, it is not in 2000
    assert statuses(gazetteer, "Report\nBashar al-Assad was president from 2000 until he was ousted "
                               "in December 2024.") == {("bashar-al-assad", "removed")}
    # a deed in a year long before the article is still background
    assert statuses(gazetteer, "Report\nIn 2000 Bashar al-Assad was ousted from a committee.") == set()


def test_each_place_of_a_list_with_its_month(gazetteer):
    assert {(c["city"], c["occurred_at"][:7]) for c in claims(
        gazetteer, "Report\nHTS is an armed group; it seized Aleppo in November 2024 and Damascus in "
                   "December 2024.")} == {("aleppo", "2024-11"), ("damascus", "2024-12")}
    # a faction after the month is no place of the list
    assert read(gazetteer, "Report\nHTS seized Aleppo in November 2024 and the SNA in December "
                           "2024 took Manbij.") >= {("control", "aleppo", "hts")}
    assert ("control", "manbij", "hts") not in read(
        gazetteer, "Report\nHTS seized Aleppo in November 2024 and the SNA in December 2024 took Manbij.")


def test_a_past_state_said_at_a_date(gazetteer):
    assert read(gazetteer, "Report\nBy 8 December 2024, HTS controlled Damascus.") == {
        ("control", "damascus", "hts")}
    assert read(gazetteer, "Report\nAs of 10 December 2024, the SNA held Manbij.") == {
        ("control", "manbij", "sna")}
    # without the date put first it is background; a date long before the article is history
    assert read(gazetteer, "Report\nThe SDF controlled Tabqa.") == set()
    assert read(gazetteer, "Report\nBy March 2016, the SDF controlled Tabqa.") == set()


def test_he_in_a_clause_after_the_one_leader_named(gazetteer):
    assert statuses(gazetteer, "Report\nMohammad Ghazi al-Jalali remained prime minister until 10 "
                               "December 2024, when he was replaced by Mohammed al-Bashir.") == {
        ("mohammad-ghazi-al-jalali", "removed")}
    # two leaders before the pronoun: whose it is is not said
    assert statuses(gazetteer, "Report\nMohammad Ghazi al-Jalali met Mohammed al-Bashir on 10 "
                               "December 2024, when he was replaced.") == set()


def test_a_passive_of_taking_with_an_adverb_of_narrative_time(gazetteer):
    assert read(gazetteer, "Report\nIn the aftermath, the SDF withdrew from Deir ez-Zor on 6 December "
                           "2024, which was then taken over by HTS.") == {("control", "deir-ez-zor", "hts")}
    assert read(gazetteer, ON + "Hama was later captured by HTS.") == {("control", "hama", "hts")}
    # a taking to come is none
    assert read(gazetteer, ON + "Hama could later be captured by HTS.") == set()


def test_whereabouts_unknown_since_and_a_death_reported(gazetteer):
    assert statuses(gazetteer, "Report\nMaher al-Assad commanded the 4th Division. His whereabouts "
                               "have been unknown since 8 December 2024.") == {
        ("maher-al-assad", "whereabouts_unknown")}
    assert statuses(gazetteer, "Report\nMaher al-Assad's location has been unknown since 8 December "
                               "2024.") == {("maher-al-assad", "whereabouts_unknown")}
    found = claims(gazetteer, "Report\nHussam Louka led the intelligence directorate. On 10 December "
                              "2024 Louka was reportedly killed in Homs.")
    assert [(c["leader"], c["status"], c["confidence"]) for c in found] == [
        ("hussam-louka", "dead", "unconfirmed")]
    # known again, or a death denied, is none
    assert statuses(gazetteer, ON + "Maher al-Assad's location has been known since Monday.") == set()
    assert statuses(gazetteer, ON + "Hussam Louka was reported killed, which the ministry denied.") == set()


def test_places_among_those_a_faction_took_and_control_passed_from_one_to_another(gazetteer):
    assert read(gazetteer, "Report\nTal Rifaat and Manbij were among the towns that the SNA captured "
                           "in December 2024.") == {("control", "tal-rifaat", "sna"),
                                                    ("control", "manbij", "sna")}
    assert read(gazetteer, ON + "Control of Manbij passed from the SDF to the SNA.") == {
        ("control", "manbij", "sna")}
    # among what a faction failed to take, or what it shelled, is none
    assert read(gazetteer, "Report\nManbij was among the towns that the SNA failed to capture in "
                           "December 2024.") == set()
    assert read(gazetteer, "Report\nManbij was among the towns that the SNA shelled in December "
                           "2024.") == set()
