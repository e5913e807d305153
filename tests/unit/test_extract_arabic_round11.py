"""The Arabic reader's round-11 families (timeline/ingest/extract/arabic.py), on sentences written
for these tests in the manner of Arabic Wikipedia leads and wire copy (none taken from an
evaluation text). Each failed on the reader before its family was added."""

from __future__ import annotations

from tests.extract_keys import claims, read

DAY = "في 7 كانون الأول 2024، "


# ---- advance: how far from the city ------------------------------------------------------------

def test_a_distance_reached_in_either_unit_is_an_advance(gazetteer):
    for sentence in ("دخلت غرفة عمليات الجنوب بلدات ريف درعا، ووصلت إلى مسافة 15 كيلومتر من دمشق.",
                     "وصلت غرفة عمليات الجنوب على مسافة 25 كم (15 ميلا) من العاصمة دمشق.",
                     "باتت غرفة عمليات الجنوب على بعد 9 أميال من دمشق."):
        assert read(gazetteer, DAY + sentence) == {("advance", "southern-operations-room", "damascus")}, sentence
    # the distance of something else from the city is no advance
    assert read(gazetteer, DAY + "تقع بلدة الكسوة على مسافة 15 كيلومتر من دمشق.") == set()


def test_the_edges_and_countryside_of_a_city_reached(gazetteer):
    assert read(gazetteer, DAY + "وصلت هيئة تحرير الشام مشارف وأرياف مدينة حمص.") == {
        ("advance", "hts", "homs")}
    # its countryside alone is not its edge
    assert read(gazetteer, DAY + "وصلت هيئة تحرير الشام أرياف مدينة حمص.") == set()


def test_the_southern_operations_room_by_its_adjective_name(gazetteer):
    assert read(gazetteer, DAY + "سيطرت غرفة العمليات الجنوبية على درعا.") == {
        ("control", "daraa", "southern-operations-room")}


# ---- advance: an offensive launched on a city --------------------------------------------------

def test_an_offensive_launched_on_a_city_is_an_advance_on_it(gazetteer):
    for sentence, expected in (
            ("شنت هيئة تحرير الشام هجوما مباغتا على مدينة حماة.", {("advance", "hts", "hama")}),
            ("شنت هيئة تحرير الشام والجيش الوطني السوري من الشمال هجوما في حمص.",
             {("advance", "hts", "homs"), ("advance", "sna", "homs")}),
            # an attribute of the first faction is not a third one
            ("أطلقت هيئة تحرير الشام المعارضة والجيش الوطني السوري عملية ضد حمص.",
             {("advance", "hts", "homs"), ("advance", "sna", "homs")})):
        assert read(gazetteer, DAY + sentence) == expected, sentence
    # on its countryside, on positions in it, or only planned: nothing
    for sentence in ("شنت هيئة تحرير الشام هجوما على ريف حماة الشمالي.",
                     "شنت هيئة تحرير الشام هجوما على مواقع في حماة.",
                     "لم تشن هيئة تحرير الشام هجوما على حماة."):
        assert read(gazetteer, DAY + sentence) == set(), sentence


# ---- a subject shared with a verb after "بعد أن", or with a verb that carries its object -------

def test_a_verb_after_bad_an_shares_the_clauses_subject(gazetteer):
    for sentence in ("العملية التي أطلقتها هيئة تحرير الشام بعد أن سيطرت على مدينة حماة.",
                     "هي معركة شنتها هيئة تحرير الشام عقب أن دخلت حماة."):
        assert read(gazetteer, DAY + sentence) == {("control", "hama", "hts")}, sentence
    # a subject of its own after the verb comes first
    assert read(gazetteer, DAY + "انسحبت قوات النظام بعد أن سيطرت هيئة تحرير الشام على حماة.") == {
        ("control", "hama", "hts")}
    # the object of the first verb is not the subject of the second
    assert read(gazetteer, DAY + "هاجمت الطائرات هيئة تحرير الشام بعد أن سيطرت على حماة.") == set()


# ---- dates: a weekday with its date ------------------------------------------------------------

def test_a_weekday_followed_by_its_date_is_that_date(gazetteer):
    for sentence in ("سيطرت هيئة تحرير الشام على حماة يوم الأحد 1 ديسمبر 2024.",
                     "سيطرت هيئة تحرير الشام على حماة في فجر يوم الأحد بتاريخ 1 ديسمبر 2024."):
        assert [c["occurred_at"][:10] for c in claims(gazetteer, sentence)] == ["2024-12-01"], sentence


# ---- lists of towns with one the gazetteer does not know ---------------------------------------

def test_a_list_of_towns_goes_on_past_an_unknown_one(gazetteer):
    assert read(gazetteer, DAY + "سيطر الجيش الوطني السوري على تل رفعت وقرية الشيخ عيسى ومنبج.") == {
        ("control", "tal-rifaat", "sna"), ("control", "manbij", "sna")}
    assert read(gazetteer, DAY + "دخلت هيئة تحرير الشام حلب، وعندان، وإدلب.") == {
        ("control", "aleppo", "hts"), ("control", "idlib", "hts")}
    # a second verb is not a town of the list
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على حلب وتقدمت نحو حماة.") == {
        ("control", "aleppo", "hts"), ("advance", "hts", "hama")}


# ---- a sentence ends at its stop, citation marks or not ----------------------------------------

def test_a_stop_followed_by_citation_marks_ends_the_sentence(gazetteer):
    text = "في 5 ديسمبر 2024، سيطرت هيئة تحرير الشام على حماة.[3][4] ودخلت حمص في 8 ديسمبر 2024."
    assert [(c["city"], c["occurred_at"][:10]) for c in claims(gazetteer, text)] == [("hama", "2024-12-05")]


# ---- the course of the offensive: deeds with no taker named ------------------------------------

def test_the_deeds_an_offensive_ended_with_are_its_leaders(gazetteer):
    led = "شنت هيئة تحرير الشام هجوما في 5 ديسمبر 2024. "
    assert read(gazetteer, led + "وانتهت العملية في 8 ديسمبر 2024 بالسيطرة الكاملة على مدينة حمص، "
                                 "وبدء حصار وتطويق العاصمة دمشق.") == {
        ("control", "homs", "hts"), ("advance", "hts", "damascus")}
    assert read(gazetteer, led + "بدأت بالسيطرة على بلدة خان شيخون ودخولها مدينة حماة.") == {
        ("control", "khan-shaykhun", "hts"), ("control", "hama", "hts")}
    # no offensive named, or two of other coalitions, or a taker of its own: nothing
    assert read(gazetteer, "انتهت العملية بالسيطرة على حمص.") == set()
    assert read(gazetteer, led + "شنت قوات سوريا الديمقراطية هجوما. انتهت العملية بالسيطرة على حمص.") == set()
    assert read(gazetteer, led + "انتهت بدخول قوات النظام حمص.") == {("control", "homs", "syrian-arab-army")}


# ---- control: the whole city's quarters, the participle, a year counted from -------------------

def test_all_the_quarters_of_a_city_are_the_city(gazetteer):
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على كامل أحياء مدينة حلب.") == {
        ("control", "aleppo", "hts")}
    assert read(gazetteer, DAY + "بعد سيطرة هيئة تحرير الشام على جميع أحياء وضواحي حماة.") == {
        ("control", "hama", "hts")}
    # most or some of its quarters are a part of it
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على معظم أحياء مدينة حلب.") == set()


def test_the_participle_of_control(gazetteer):
    for sentence in ("باتت هيئة تحرير الشام مسيطرة على كامل إدلب وحلب.",
                     "وبهذا تصبح هيئة تحرير الشام مسيطرة على مدينتي إدلب وحلب."):
        assert read(gazetteer, DAY + sentence) == {("control", "idlib", "hts"), ("control", "aleppo", "hts")}
    # held before, not now
    assert read(gazetteer, DAY + "كانت هيئة تحرير الشام مسيطرة على إدلب.") == set()


def test_a_year_the_deed_is_counted_from_is_not_its_date(gazetteer):
    text = "في 30 نوفمبر 2024، سيطرت هيئة تحرير الشام على حلب لأول مرة منذ اندلاع النزاع في 2011."
    assert [(c["city"], c["occurred_at"][:10]) for c in claims(gazetteer, text)] == [("aleppo", "2024-11-30")]
    # a year that dates the deed still makes it background
    assert claims(gazetteer, "سيطرت قوات النظام على حلب عام 2016.") == []


# ---- coups -------------------------------------------------------------------------------------

def coups(gazetteer, text):
    return {(c["city"], c["led_by"], c["against"]) for c in claims(gazetteer, text) if c["type"] == "coup"}


def test_a_coup_its_leader_and_its_target(gazetteer):
    expected = {("damascus", "maher-al-assad", "bashar-al-assad")}
    for text in (DAY + "قاد ماهر الأسد انقلابا عسكريا ضد الرئيس بشار الأسد في دمشق.",
                 DAY + "وقع في دمشق انقلاب بقيادة ماهر الأسد على بشار الأسد.",
                 # against the one head of state the text names
                 "حكم بشار الأسد سوريا. " + DAY + "ماهر الأسد يقود انقلابا في دمشق."):
        assert coups(gazetteer, text) == expected, text
    # denied, not done, or with no leader of it named: none
    for text in (DAY + "نفى ماهر الأسد أنه قاد انقلابا ضد بشار الأسد في دمشق.",
                 DAY + "لم يقد ماهر الأسد انقلابا ضد بشار الأسد في دمشق.",
                 DAY + "قال ماهر الأسد إن انقلابا وقع في دمشق ضد بشار الأسد."):
        assert coups(gazetteer, text) == set(), text


# ---- "the city" for the place named before it --------------------------------------------------

def test_the_city_is_the_place_named_before_it(gazetteer):
    for text in (DAY + "وصلت هيئة تحرير الشام إلى مشارف حماة. ثم دخلت هيئة تحرير الشام المدينة.",
                 DAY + "وصلت هيئة تحرير الشام إلى مشارف حماة، ثم سيطرت على المدينة بعد معارك."):
        assert ("control", "hama", "hts") in read(gazetteer, text), text
    # two places before it, or a part of the city: none
    assert read(gazetteer, DAY + "سيطرت هيئة تحرير الشام على حلب وحماة. ثم دخل الجيش الوطني السوري المدينة.") == {
        ("control", "aleppo", "hts"), ("control", "hama", "hts")}
    assert read(gazetteer, DAY + "اقتربت هيئة تحرير الشام من حماة. ثم دخلت هيئة تحرير الشام المدينة القديمة.") == {
        ("advance", "hts", "hama")}
