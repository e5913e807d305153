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


def dated_statuses(gazetteer, text, published="2024-12-12T10:00:00+03:00"):
    return {(c["leader"], c["status"], c["occurred_at"][:10])
            for c in claims(gazetteer, text, published) if c["type"] == "leader_status"}


def test_a_term_of_office_said_to_have_ended(gazetteer):
    for sentence, end in (
            ("Mohammad Ghazi al-Jalali is a politician who served as prime minister from 14 "
             "September to 10 December 2024.", "2024-12-10"),
            ("Bashar al-Assad appointed Mohammad Ghazi al-Jalali, who served as premier until 10 "
             "December 2024.", "2024-12-10"),
            ("Mohammad Ghazi al-Jalali, an ally of Bashar al-Assad, was a minister, then serving "
             "as premier from September 2024 to 10 December 2024.", "2024-12-10")):
        assert dated_statuses(gazetteer, "Report\n" + sentence) == {
            ("mohammad-ghazi-al-jalali", "removed", end)}, sentence
    # a term that ends after the article, a year alone, a term of years ago: no removal now
    for sentence in ("Mohammed al-Bashir is serving as caretaker premier until 1 March 2025.",
                     "Ali Mahmoud Abbas served as an officer from 1985 to 2024.",
                     "Ali Mahmoud Abbas served as deputy chief of staff from 2021 to 28 April 2022."):
        assert dated_statuses(gazetteer, "Report\n" + sentence) == set(), sentence


def test_an_infobox_term_end_in_a_leaders_article(gazetteer):
    infobox = ("Ali Mahmoud Abbas\n- Office1: Member of a party command\n- Term End1: 11 December "
               "2024\n- Office: Minister of Defense\n- Term End: 8 December 2024\n- Term End2: 28 "
               "April 2022\n\nAli Mahmoud Abbas is a Syrian officer.")
    # one status, the principal office's (the unnumbered one)
    assert dated_statuses(gazetteer, infobox, "2025-06-01T00:00:00Z") == {
        ("ali-mahmoud-abbas", "removed", "2024-12-08")}
    # an office that ended years ago; an article about no leader
    assert dated_statuses(gazetteer, "Ali Mahmoud Abbas\n- Term End: 28 April 2022\n\nAli "
                                     "Mahmoud Abbas is an officer.", "2025-06-01T00:00:00Z") == set()
    assert dated_statuses(gazetteer, "Syrian cabinet\n- Term End: 8 December 2024\n\nAli Mahmoud "
                                     "Abbas is an officer.", "2025-06-01T00:00:00Z") == set()


def test_he_in_a_leaders_article_is_its_subject(gazetteer):
    text = ("Mohammad Ghazi al-Jalali\nBashar al-Assad named him premier in 2024. He fled to "
            "Russia on 9 December 2024.")
    assert statuses(gazetteer, text) == {("mohammad-ghazi-al-jalali", "abroad")}
    # "he" before another leader he is said to oppose is still the subject
    text = ("Abdurrahman Mustafa\nAbdurrahman Mustafa is a politician. During the war, he was an "
            "opponent of Bashar al-Assad, serving as premier of an interim government until "
            "November 2024.")
    assert statuses(gazetteer, text) == {("abdurrahman-mustafa", "removed")}
    # a news report has no subject: "He" is the one the sentence before named
    text = ("Report\nBashar al-Assad named Mohammad Ghazi al-Jalali premier. He fled to Russia "
            "on 9 December 2024.")
    assert statuses(gazetteer, text) == set()


def test_removal_said_as_an_outcome_or_a_participle(gazetteer):
    for sentence in ("Bashar al-Assad fled, ending more than five decades of dictatorship.",
                     "Bashar al-Assad left, ending 24 years of autocracy.",
                     "the week ended with President Assad and his government ousted from power.",
                     "Bashar al-Assad, toppled from power by the rebels, was seen in Moscow."):
        assert ("bashar-al-assad", "removed") in statuses(gazetteer, ON + sentence), sentence
    # a family's decades are no one's removal; a removal to come is none yet
    assert statuses(gazetteer, ON + "the capture of Damascus ended five decades of Assad family "
                                    "dictatorship.") == set()
    assert statuses(gazetteer, ON + "the envoy said Bashar al-Assad would never be ousted from "
                                    "power.") == set()


# ---- control -----------------------------------------------------------------------------------

def control(gazetteer, text):
    return {(c["city"], c["faction"]) for c in claims(gazetteer, text) if c["type"] == "control"}


def test_in_control_of_said_with_now_or_as_the_dominant_group(gazetteer):
    for sentence in ("HTS is now the dominant group in control of Homs.",
                     "the SNA is now in control of Manbij.",
                     "HTS was the main armed force in control of Homs by nightfall."):
        found = control(gazetteer, ON + sentence)
        assert len(found) == 1 and found <= {("homs", "hts"), ("manbij", "sna")}, sentence
    # not the only one in a place, nor in control of a part of it
    assert control(gazetteer, ON + "HTS is not the only group in Homs.") == set()
    assert control(gazetteer, ON + "HTS is now in control of a few neighbourhoods of Homs.") == set()


def test_they_in_control_of_is_the_faction_before(gazetteer):
    text = ("Report\nOn 29 November 2024 HTS entered Saraqib. By the evening, they were in control "
            "of Idlib.")
    assert control(gazetteer, text) == {("saraqib", "hts"), ("idlib", "hts")}
    # "they" that is no subject of the hold ("they said the SDF was ...") is not read
    text = ("Report\nOn 29 November 2024 HTS entered Saraqib. Officials said they feared the "
            "fighting in Idlib.")
    assert control(gazetteer, text) == {("saraqib", "hts")}


# ---- advances ----------------------------------------------------------------------------------

def advances(gazetteer, text):
    return {(c["faction"], c.get("toward")) for c in claims(gazetteer, text) if c["type"] == "advance"}


def test_a_movement_begun_in_its_base_form(gazetteer):
    for sentence in ("HTS started to move towards Hama.",
                     "HTS, along with allied groups, began to head south toward Hama.",
                     "HTS fighters started to close in on Hama."):
        assert advances(gazetteer, ON + sentence) == {("hts", "hama")}, sentence
    # a movement wished, planned or doubted is none; a base form alone ("the move") is no verb
    for sentence in ("HTS was preparing to move towards Hama.",
                     "we do not know if HTS will start to move towards Hama.",
                     "HTS welcomed the move towards Hama talks."):
        assert advances(gazetteer, ON + sentence) == set(), sentence


def test_a_druze_brigade_of_suwayda_is_known(gazetteer):
    # the Al-Jabal Brigade (Wikipedia), one of the Suwayda Druze factions: an alias of theirs
    assert control(gazetteer, ON + "the Southern Operations Room and the Al-Jabal Brigade captured "
                                   "Daraa and Suwayda.") == {
        ("daraa", "southern-operations-room"), ("as-suwayda", "suwayda-druze-factions")}
    assert control(gazetteer, ON + "Liwa al-Jabal entered Suwayda.") == {("as-suwayda", "suwayda-druze-factions")}


def test_a_taking_named_as_a_noun_is_its_doers(gazetteer):
    for sentence, key in (
            ("rebels formed the Southern Operations Room, which spearheaded the fall of Damascus.",
             ("damascus", "southern-operations-room")),
            ("HTS led the capture of Hama.", ("hama", "hts")),
            ("the SNA carried out the seizure of Manbij.", ("manbij", "sna"))):
        assert control(gazetteer, ON + sentence) == {key}, sentence
    # a taking its doer only failed or hoped to lead
    assert control(gazetteer, ON + "HTS failed to lead the capture of Hama.") == set()
    assert control(gazetteer, ON + "HTS hoped to lead the capture of Hama.") == set()


def test_a_place_taken_by_a_state_named_for_its_army(gazetteer):
    for sentence, key in (("Quneitra was annexed by Israel.", ("quneitra", "idf")),
                          ("Tal Rifaat was captured by Turkey.", ("tal-rifaat", "turkish-armed-forces")),
                          ("the town of Quneitra was occupied by Israel.", ("quneitra", "idf"))):
        assert control(gazetteer, ON + sentence) == {key}, sentence
    # a state that backs or speaks is no army; an annexation only proposed is none
    assert control(gazetteer, ON + "Tal Rifaat was captured by the SNA, backed by Turkey.") == {
        ("tal-rifaat", "sna")}
    assert control(gazetteer, ON + "Quneitra could be annexed by Israel, the minister said.") == set()
