"""The Arabic claim reader (timeline/ingest/extract/arabic.py), one test per family of phrasings,
on sentences written for these tests in the styles of Arabic Wikipedia, wire copy and official
statements (not taken from any evaluation text). Each fails on the code before the reader: Arabic
text gave no claim at all."""

from __future__ import annotations

from timeline.ingest.extract import extract
from tests.extract_keys import PUBLISHED, claims, read

DAY = "في 5 كانون الأول 2024، "


def clashes(gazetteer, text):
    return {(c["city"], tuple(sorted(c["factions"]))) for c in claims(gazetteer, text)
            if c["type"] == "clash"}


def statuses(gazetteer, text):
    return {(c["leader"], c["status"], c.get("location")) for c in claims(gazetteer, text)
            if c["type"] == "leader_status"}


def days(gazetteer, text):
    return {(c.get("city") or c.get("toward") or c.get("leader"), c["occurred_at"][:10], c["precision"])
            for c in claims(gazetteer, text)}


# ---- control -----------------------------------------------------------------------------------

def test_control_verbs_with_the_subject_after_or_before_the_verb(gazetteer):
    for sentence, place, faction in (
            ("سيطرت هيئة تحرير الشام على مدينة حلب.", "aleppo", "hts"),
            ("وسيطر الجيش الوطني السوري على تل رفعت.", "tal-rifaat", "sna"),
            ("استولت قوات سوريا الديمقراطية على دير الزور.", "deir-ez-zor", "sdf"),
            ("هيئة تحرير الشام استولت على إدلب بالكامل.", "idlib", "hts"),
            ("انتزعت غرفة عمليات الجنوب السيطرة على درعا.", "daraa", "southern-operations-room"),
            ("بسط الجيش الوطني السوري سيطرته على منبج.", "manbij", "sna"),
            ("أعلنت إدارة العمليات العسكرية السيطرة الكاملة على مدينة حمص.", "homs",
             "military-operations-command"),
            ("تمكنت هيئة تحرير الشام من السيطرة على حماة.", "hama", "hts"),
            ("لا تزال قوات سوريا الديمقراطية تسيطر على الرقة.", "raqqa", "sdf")):
        assert read(gazetteer, DAY + sentence) == {("control", place, faction)}, sentence
    # a part of the place, or near it, is not the place
    for sentence in ("سيطرت هيئة تحرير الشام على ريف حلب الغربي.",
                     "سيطرت هيئة تحرير الشام على أحياء في مدينة حلب.",
                     "سيطرت هيئة تحرير الشام على معظم أحياء حلب.",
                     "سيطرت هيئة تحرير الشام على مطار حلب الدولي.",
                     "سيطرت هيئة تحرير الشام على حلب الشرقية.",
                     "كانت قوات النظام تسيطر على حلب."):  # held before, not now
        assert read(gazetteer, DAY + sentence) == set(), sentence


def test_entering_a_city_is_control_and_its_edges_an_advance(gazetteer):
    # as the English reader reads "entered"
    for sentence in ("دخلت هيئة تحرير الشام مدينة حلب.", "دخلت هيئة تحرير الشام إلى حلب.",
                     "اقتحمت هيئة تحرير الشام حلب.", "هيئة تحرير الشام دخلت حلب."):
        assert read(gazetteer, DAY + sentence) == {("control", "aleppo", "hts")}, sentence
    assert read(gazetteer, DAY + "دخلت غرفة عمليات الجنوب ضواحي دمشق.") == {
        ("advance", "southern-operations-room", "damascus")}
    assert read(gazetteer, DAY + "دخلت القوات الإسرائيلية المنطقة العازلة في القنيطرة.") == set()


def test_a_place_that_fell_to_a_faction_or_came_under_its_control(gazetteer):
    for sentence in ("سقطت حماة بيد هيئة تحرير الشام.", "سقطت حماة في يد هيئة تحرير الشام.",
                     "باتت حماة تحت سيطرة هيئة تحرير الشام.",
                     "تمت السيطرة على حماة من قبل هيئة تحرير الشام."):
        assert read(gazetteer, DAY + sentence) == {("control", "hama", "hts")}, sentence
    # fallen with no one named, and no one who advanced on it: nothing
    assert read(gazetteer, DAY + "سقطت حماة.") == set()
    assert read(gazetteer, DAY + "تمت السيطرة على حماة.") == set()
    # ... but the one the text said advanced on it took it
    assert read(gazetteer, "تقدمت هيئة تحرير الشام نحو حماة في 3 ديسمبر 2024. "
                           "وتمت السيطرة على حماة في 5 ديسمبر 2024.") == {
        ("advance", "hts", "hama"), ("control", "hama", "hts")}


def test_a_subject_a_later_verb_shares_is_never_an_object(gazetteer):
    # the subject of "شنت" takes Aleppo, not the forces whose positions it attacked
    assert read(gazetteer, DAY + "شنت الفصائل بقيادة هيئة تحرير الشام هجوما على مواقع قوات النظام "
                                 "في ريف حلب، وتمكنت خلال أيام من السيطرة على مدينة حلب.") == {
        ("control", "aleppo", "hts")}
    assert read(gazetteer, DAY + "قال المرصد إن هيئة تحرير الشام سيطرت على حماة.") == {
        ("control", "hama", "hts")}
    assert read(gazetteer, DAY + "أحكمت هيئة تحرير الشام قبضتها على مدينة حلب.") == {
        ("control", "aleppo", "hts")}
    # an object before an elided subject is no subject
    assert read(gazetteer, DAY + "قصفت الطائرات مواقع هيئة تحرير الشام، ثم سيطرت على حماة.") == set()
    assert read(gazetteer, DAY + "وقعت معارك مع قوات النظام، ثم سيطرت على حماة.") == set()
    # a subject the gazetteer does not know is still a subject: not the faction named before
    assert read(gazetteer, DAY + "سيطرت غرفة عمليات الجنوب على درعا، فيما تقدمت فصائل محلية نحو "
                                 "القنيطرة.") == {("control", "daraa", "southern-operations-room")}
    assert read(gazetteer, DAY + "سيطرت غرفة عمليات الجنوب على درعا، وتقدمت مجموعات محلية نحو "
                                 "القنيطرة.") == {("control", "daraa", "southern-operations-room")}
    # a parenthesis between the subject and its object
    assert read(gazetteer, DAY + "أعلنت هيئة تحرير الشام، اليوم الأحد، سيطرتها على العاصمة دمشق.") == {
        ("control", "damascus", "hts")}


def test_control_said_as_a_noun_with_its_taker(gazetteer):
    for sentence, place, faction in (
            ("وبعد سيطرة هيئة تحرير الشام على حلب، انسحبت قوات النظام نحو حماة.", "aleppo", "hts"),
            ("انتهت المعارك بسيطرة الجيش الوطني السوري على منبج.", "manbij", "sna"),
            ("أعلنت هيئة تحرير الشام دخولها مدينة حماة.", "hama", "hts"),
            ("أعلنت هيئة تحرير الشام تحرير مدينة حمص بالكامل.", "homs", "hts"),
            ("وبحلول 30 نوفمبر كانت هيئة تحرير الشام تسيطر على حلب.", "aleppo", "hts")):
        assert {k for k in read(gazetteer, DAY + sentence) if k[0] == "control"} == {
            ("control", place, faction)}, sentence
    for sentence in ("تهدف العملية إلى منع سيطرة هيئة تحرير الشام على حمص.",
                     "حذر مسؤولون من احتمال سيطرة هيئة تحرير الشام على حمص.",
                     "منذ سيطرة هيئة تحرير الشام على إدلب عام 2017، أصبحت المدينة مركزا للحكومة."):
        assert read(gazetteer, DAY + sentence) == set(), sentence


def test_a_place_fallen_with_no_one_named_is_the_offensives_or_the_advancers(gazetteer):
    # as the English reader: the faction that advanced on it, else the one offensive's leader
    assert read(gazetteer, "في 27 نوفمبر 2024 شنت هيئة تحرير الشام هجوما على ريف حلب. "
                           "وفي 29 نوفمبر سقطت حلب.") == {("control", "aleppo", "hts")}
    assert read(gazetteer, "انطلقت عملية ردع العدوان بقيادة هيئة تحرير الشام في 27 نوفمبر. "
                           "وسقطت حماة في 5 ديسمبر.") == {("control", "hama", "hts")}
    for text in ("سقطت حلب في 29 نوفمبر.",  # no one
                 # two offensives of two coalitions: which took it is not said
                 "شنت هيئة تحرير الشام هجوما، وشن الجيش الوطني السوري هجوما آخر. سقطت منبج.",
                 "شنت هيئة تحرير الشام هجوما. سقطت قذائف على حلب."):
        assert read(gazetteer, text) == set(), text


def test_a_withdrawal_gives_the_place_to_its_taker_only(gazetteer):
    assert read(gazetteer, DAY + "انسحبت قوات النظام من دير الزور أمام قوات سوريا الديمقراطية.") == {
        ("control", "deir-ez-zor", "sdf")}
    assert read(gazetteer, "تقدمت هيئة تحرير الشام نحو حماة. وانسحبت قوات النظام من حماة في "
                           "5 ديسمبر.") == {("advance", "hts", "hama"), ("control", "hama", "hts")}
    assert read(gazetteer, DAY + "انسحبت قوات النظام من حماة.") == set()


def test_lists_of_places_and_of_takers(gazetteer):
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على حماة وحمص.") == {
        ("control", "hama", "hts"), ("control", "homs", "hts")}
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على حلب، وحماة، وحمص خلال أسبوع.") == {
        ("control", "aleppo", "hts"), ("control", "hama", "hts"), ("control", "homs", "hts")}
    assert read(gazetteer, DAY + "دخلت هيئة تحرير الشام والجيش الوطني السوري إلى حلب.") == {
        ("control", "aleppo", "hts"), ("control", "aleppo", "sna")}
    # a place named by a common word ("the hill", "the door") only as a town
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على التل المطل على المدينة.") == set()
    assert read(gazetteer, DAY + "سيطر الجيش الوطني السوري على مدينة الباب.") == {("control", "al-bab", "sna")}
    assert read(gazetteer, DAY + "سيطر الجيش الوطني السوري على منبج والباب.") == {
        ("control", "manbij", "sna"), ("control", "al-bab", "sna")}
    # the list stops at what is not a place of the town's own: "ومطار حلب" is the airport
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على حماة ومطار حلب.") == {
        ("control", "hama", "hts")}


def test_the_one_it_was_taken_from(gazetteer):
    out = claims(gazetteer, DAY + "انتزعت غرفة عمليات الجنوب السيطرة على درعا من قوات النظام.")
    assert [(c["city"], c["faction"], c.get("from_faction")) for c in out] == [
        ("daraa", "southern-operations-room", "syrian-arab-army")]


# ---- actors ------------------------------------------------------------------------------------

def test_factions_said_without_their_name(gazetteer):
    for sentence, faction in (("استعادت قوات الحكومة السيطرة على حلب.", "syrian-arab-army"),
                              ("سيطرت القوات الحكومية على حلب.", "syrian-arab-army"),
                              ("سيطر جيش النظام على حلب.", "syrian-arab-army"),
                              ("سيطر الجيش العربي السوري على حلب.", "syrian-arab-army"),
                              ("سيطر الجيش الوطني على حلب.", "sna"),
                              ("تقدم الجيش الإسرائيلي نحو القنيطرة.", "idf"),
                              ("دخل الجيش مدينة حماة.", "syrian-arab-army")):
        got = {(k[0], k[2] if k[0] == "control" else k[1]) for k in read(gazetteer, DAY + sentence)}
        assert got and {f for _, f in got} == {faction}, sentence


def test_the_free_syrian_army_and_another_states_army_are_not_the_syrian_army(gazetteer):
    assert read(gazetteer, DAY + "سيطر الجيش السوري الحر على حمص.") == set()
    # "the army" of a text that names another state's army is not read
    assert read(gazetteer, DAY + "عبرت القوات الإسرائيلية خط وقف إطلاق النار، ثم دخل الجيش القنيطرة.") == set()


def test_the_opposition_is_the_coalition_the_text_names_else_no_one(gazetteer):
    # as the English reader reads "the rebels": the one said to lead, else the first named
    assert read(gazetteer, DAY + "سيطرت فصائل المعارضة بقيادة هيئة تحرير الشام على حماة.") == {
        ("control", "hama", "hts")}
    assert read(gazetteer, "أطلقت هيئة تحرير الشام هجوما في 27 تشرين الثاني 2024. "
                           "وفي 5 كانون الأول سيطرت فصائل المعارضة على حماة.") == {
        ("control", "hama", "hts")}
    # the government's "terrorist organisations", as in English
    assert read(gazetteer, "شنت هيئة تحرير الشام هجوما في 27 تشرين الثاني 2024. وقالت القيادة العامة "
                           "للجيش إن التنظيمات الإرهابية دخلت مدينة حلب في 29 تشرين الثاني.") == {
        ("control", "aleppo", "hts")}
    # no coalition named: "the opposition" is no one
    for sentence in ("سيطرت فصائل المعارضة على حماة.", "دخلت الفصائل المسلحة مدينة حمص.",
                     "اقتحم الثوار حمص."):
        assert read(gazetteer, DAY + sentence) == set(), sentence


# ---- advance -----------------------------------------------------------------------------------

def test_advances_toward_a_city_or_to_its_edges(gazetteer):
    for sentence, faction, place in (
            ("تقدمت هيئة تحرير الشام نحو حماة.", "hts", "hama"),
            ("زحفت فصائل هيئة تحرير الشام باتجاه مدينة حمص.", "hts", "homs"),
            ("تقدمت هيئة تحرير الشام من إدلب نحو حلب.", "hts", "aleppo"),
            ("وصلت غرفة عمليات الجنوب إلى مشارف دمشق.", "southern-operations-room", "damascus"),
            ("اقتربت هيئة تحرير الشام من حماة.", "hts", "hama"),
            ("باتت هيئة تحرير الشام على بعد 20 كم من حمص.", "hts", "homs")):
        assert read(gazetteer, DAY + sentence) == {("advance", faction, place)}, sentence
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على حلب، وواصلت تقدمها نحو حماة.") == {
        ("control", "aleppo", "hts"), ("advance", "hts", "hama")}
    for sentence in ("تقدمت هيئة تحرير الشام نحو ريف حماة الشمالي.",  # the countryside
                     "تقدمت هيئة تحرير الشام في ريف حلب الغربي.",
                     "تسعى هيئة تحرير الشام إلى التقدم نحو حمص.",
                     "لم تتقدم هيئة تحرير الشام نحو حمص."):
        assert read(gazetteer, DAY + sentence) == set(), sentence


# ---- clash -------------------------------------------------------------------------------------

def test_clashes_between_two_factions_in_a_city(gazetteer):
    for sentence, place, sides in (
            ("اندلعت اشتباكات عنيفة بين هيئة تحرير الشام وقوات النظام في حماة.", "hama",
             ("hts", "syrian-arab-army")),
            ("وقعت اشتباكات بين قسد والجيش الوطني في منبج.", "manbij", ("sdf", "sna")),
            ("اشتبكت قوات سوريا الديمقراطية مع الجيش الوطني السوري في منبج.", "manbij", ("sdf", "sna")),
            ("دارت معارك بين هيئة تحرير الشام والجيش السوري داخل مدينة حمص.", "homs",
             ("hts", "syrian-arab-army"))):
        assert clashes(gazetteer, DAY + sentence) == {(place, sides)}, sentence
    for sentence in ("دارت معارك بين هيئة تحرير الشام والجيش السوري في ريف حماة.",
                     "اندلعت اشتباكات بين هيئة تحرير الشام وقوات النظام في محيط حماة.",
                     "معركة حلب بين هيئة تحرير الشام وقوات النظام.",  # a name: no place "in"
                     "ودعت الأمم المتحدة إلى وقف القتال في حلب."):
        assert clashes(gazetteer, DAY + sentence) == set(), sentence


# ---- leaders -----------------------------------------------------------------------------------

def test_a_leader_who_fled_abroad(gazetteer):
    assad = "bashar-al-assad"
    for sentence, location in (("فر بشار الأسد إلى موسكو.", "Moscow, Russia"),
                               ("هرب الرئيس بشار الأسد إلى روسيا.", "Russia"),
                               ("لجأ بشار الأسد إلى روسيا.", "Russia"),
                               ("غادر بشار الأسد البلاد.", None),
                               ("غادر الرئيس السوري بشار الأسد البلاد متوجها إلى روسيا.", "Russia"),
                               ("وصل الأسد إلى موسكو.", "Moscow, Russia"),
                               ("غادر الأسد دمشق متوجها إلى موسكو.", "Moscow, Russia")):
        assert statuses(gazetteer, DAY + sentence) == {(assad, "abroad", location)}, sentence
    # "he fled": the one leader the sentence before named
    assert statuses(gazetteer, "حكم بشار الأسد سوريا منذ عام 2000. وفي 8 ديسمبر 2024 فر إلى موسكو.") == {
        (assad, "abroad", "Moscow, Russia")}
    assert statuses(gazetteer, "التقى بشار الأسد ماهر الأسد. وفي 8 ديسمبر 2024 فر إلى موسكو.") == set()
    assert statuses(gazetteer, "حكم بشار الأسد سوريا منذ عام 2000. وفي 8 ديسمبر 2024 فرت إلى موسكو.") == set()
    assert statuses(gazetteer, DAY + "هرب ماهر الأسد إلى العراق.") == {
        ("maher-al-assad", "abroad", "Iraq")}
    for sentence in ("لم يغادر بشار الأسد البلاد.", "وصل بشار الأسد إلى حمص.",
                     "ظهر بشار الأسد في دمشق.", "غادر بشار الأسد القصر الرئاسي.",
                     "هرب الأسد وفر الآلاف إلى لبنان."):  # the thousands fled to Lebanon
        assert statuses(gazetteer, DAY + sentence) == set(), sentence


def test_asylum_is_exile_and_takes_the_flight_in(gazetteer):
    assad = "bashar-al-assad"
    assert statuses(gazetteer, DAY + "منحت روسيا بشار الأسد وعائلته حق اللجوء.") == {
        (assad, "in_exile", "Russia")}
    # one sentence: the flight is the exile's place, not a second status
    assert statuses(gazetteer, DAY + "وصل الأسد إلى موسكو، حيث منحته روسيا حق اللجوء.") == {
        (assad, "in_exile", "Moscow, Russia")}
    assert statuses(gazetteer, DAY + "رفضت روسيا منح بشار الأسد حق اللجوء.") == set()


def test_a_leader_removed_but_not_the_fall_of_his_regime(gazetteer):
    assad = "bashar-al-assad"
    for sentence in ("أطاحت فصائل المعارضة بالرئيس بشار الأسد.", "تمت الإطاحة ببشار الأسد.",
                     "تنحى بشار الأسد عن السلطة."):
        assert statuses(gazetteer, DAY + sentence) == {(assad, "removed", None)}, sentence
    # "him": the leader the sentence, else the sentence before, named
    assert days(gazetteer, "تولى بشار الأسد رئاسة سوريا عام 2000 حتى الإطاحة به في 8 ديسمبر 2024.") == {
        (assad, "2024-12-08", "day")}
    assert statuses(gazetteer, "تولى بشار الأسد الرئاسة عام 2000. وأطيح به في 8 ديسمبر 2024.") == {
        (assad, "removed", None)}
    assert statuses(gazetteer, "تولى بشار الأسد الرئاسة عام 2000. وأطيح بها في 8 ديسمبر 2024.") == set()
    # the regime's fall, which the English reader leaves out (its labels disagree)
    for sentence in ("أدى سقوط نظام بشار الأسد إلى تغيير كبير.", "تمت الإطاحة بنظام بشار الأسد.",
                     "بعد سقوط الأسد عاد اللاجئون."):
        assert statuses(gazetteer, DAY + sentence) == set(), sentence


def test_whereabouts_unknown_and_death(gazetteer):
    assert statuses(gazetteer, DAY + "لا يزال مكان وجود بشار الأسد مجهولا.") == {
        ("bashar-al-assad", "whereabouts_unknown", None)}
    assert statuses(gazetteer, DAY + "لا يعرف مكان بشار الأسد.") == {
        ("bashar-al-assad", "whereabouts_unknown", None)}
    assert statuses(gazetteer, DAY + "أعلن مقتل سهيل الحسن.") == {("suheil-al-hassan", "dead", None)}
    assert statuses(gazetteer, DAY + "مكان بشار الأسد معروف.") == set()


# ---- what is not a claim -----------------------------------------------------------------------

def test_negation_denial_rumour_intent_and_background(gazetteer):
    for sentence in ("لم تسيطر هيئة تحرير الشام على حمص.",
                     "لن تدخل هيئة تحرير الشام دمشق.",
                     "نفت وزارة الدفاع أن تكون هيئة تحرير الشام قد سيطرت على حماة.",
                     "سيطرت هيئة تحرير الشام على حماة، وهو ما نفته وزارة الدفاع.",
                     "تداولت مواقع شائعات عن فرار بشار الأسد إلى طهران.",
                     "نفت الرئاسة السورية الأنباء عن مغادرة الأسد البلاد.",
                     "فشلت هيئة تحرير الشام في السيطرة على حمص.",
                     "حاولت هيئة تحرير الشام السيطرة على حمص.",
                     "تسعى هيئة تحرير الشام إلى السيطرة على حمص.",
                     "إذا سيطرت هيئة تحرير الشام على حمص فإن الطريق إلى دمشق سيكون مفتوحا.",
                     "سيطرت قوات النظام على حلب عام 2016.",
                     "في عام 2016، سيطرت قوات النظام على حلب."):
        assert claims(gazetteer, DAY + sentence) == [], sentence
    # a hedge makes it unconfirmed; "أكدت" confirmed
    out = claims(gazetteer, DAY + "أفادت أنباء غير مؤكدة بأن بشار الأسد غادر البلاد.")
    assert [(c["status"], c["confidence"]) for c in out] == [("abroad", "unconfirmed")]
    out = claims(gazetteer, DAY + "أفادت وكالات أنباء روسية بأن بشار الأسد وصل إلى موسكو.")
    assert [(c["status"], c["confidence"]) for c in out] == [("abroad", "reported")]  # agencies
    out = claims(gazetteer, DAY + "أكدت هيئة تحرير الشام أنها سيطرت على حماة.")
    assert [(c["city"], c["confidence"]) for c in out] == [("hama", "confirmed")]


# ---- dates -------------------------------------------------------------------------------------

def test_dates_by_sentence_carried_forward_in_both_digits(gazetteer):
    text = ("في ٢٩ تشرين الثاني ٢٠٢٤ سيطرت هيئة تحرير الشام على حلب. ثم تقدمت هيئة تحرير الشام نحو حماة. "
            "وفي 5 ديسمبر 2024 سيطرت هيئة تحرير الشام على حماة.")
    assert days(gazetteer, text) == {("aleppo", "2024-11-29", "day"), ("hama", "2024-11-29", "day"),
                                     ("hama", "2024-12-05", "day")}
    assert days(gazetteer, "وفي 5 ديسمبر 2024 سيطرت هيئة تحرير الشام على حماة، وفي 7 ديسمبر على حمص.") == {
        ("hama", "2024-12-05", "day")}
    assert days(gazetteer, "في عام 2011 اندلعت الاحتجاجات، وفي 5 ديسمبر 2024 سيطرت هيئة تحرير الشام على حماة.") == {
        ("hama", "2024-12-05", "day")}
    # a month alone: precision month, early/late within it
    assert days(gazetteer, "في أواخر نوفمبر 2024 سيطرت هيئة تحرير الشام على حلب.") == {
        ("aleppo", "2024-11-25", "month")}
    assert days(gazetteer, "في ديسمبر 2024 سيطرت هيئة تحرير الشام على حماة.") == {
        ("hama", "2024-12-12", "month")}  # mid-month, but not after the article (12 December)
    # a weekday before publication (Thursday 12 December 2024), "the next day"
    assert days(gazetteer, "سيطرت هيئة تحرير الشام على حمص يوم السبت.") == {
        ("homs", "2024-12-07", "day")}
    assert days(gazetteer, "في 27 تشرين الثاني 2024 أطلقت هيئة تحرير الشام هجوما. "
                           "وفي اليوم التالي دخلت هيئة تحرير الشام حلب.") == {
        ("aleppo", "2024-11-28", "day")}


# ---- the answer --------------------------------------------------------------------------------

def test_unsupported_says_claims_in_arabic_only_when_none_were_read(gazetteer):
    out = extract("سيطرت هيئة تحرير الشام على مدينة حلب في 29 تشرين الثاني 2024.", PUBLISHED,
                  gazetteer.names, gazetteer.queries)
    assert out["language"] == "ar" and out["unsupported"] == []
    assert [(c["type"], c["city"], c["occurred_at"]) for c in out["claims"]] == [
        ("control", "aleppo", "2024-11-29T09:00:00Z")]
    out = extract("عقد مجلس الأمن جلسة طارئة لبحث الوضع في سوريا يوم الاثنين.", PUBLISHED,
                  gazetteer.names, gazetteer.queries)
    assert out["claims"] == [] and out["unsupported"] == ["claims in Arabic"]


def test_names_and_verbs_are_read_through_diacritics(gazetteer):
    text = "سَيْطَرَتْ هَيْئَةُ تَحْرِيرِ الشَّامِ عَلَى حَلَبَ فِي ٢٩ تِشْرِينَ الثَّانِي ٢٠٢٤. فرّ بشّار الأسد إلى موسكو."
    out = extract(text, PUBLISHED, gazetteer.names, gazetteer.queries)
    assert {(c["type"], c.get("city") or c.get("leader")) for c in out["claims"]} == {
        ("control", "aleppo"), ("leader_status", "bashar-al-assad")}
    # the names as the text writes them
    assert {"هَيْئَةُ تَحْرِيرِ الشَّامِ", "حَلَبَ", "بشّار الأسد"} <= {m["text"] for m in out["mentions"]}
