"""The words of the Arabic claim reader (arabic.py): verbs of control, advance, clash and a
leader's whereabouts, the words around them that take a claim back (negation, denial, rumour),
and the descriptors that stand for a faction ("قوات الحكومة", "فصائل المعارضة").

Every pattern runs on the text with its diacritics and tatweel removed and its digits made
Western (arabic.py `_normalise`); spellings with and without hamza are both written out."""

from __future__ import annotations

import re

A = "[اأإآ]"  # an alef, with or without its hamza
ILA = f"{A}ل[ىي]"  # "إلى", "الى"
ALA = "عل[ىي]"  # "على"
_W = r"(?<![\w])"  # a word starts here (Python's \b treats the proclitic و as part of the word)
P = _W + "(?:و|ف)?"  # a verb's proclitic: "وسيطرت", "فدخلت"
_PERF = "(?:ت|وا|ا|تا)?"  # the perfect's endings: سيطر، سيطرت، سيطروا

# ---- control -----------------------------------------------------------------------------------
# A faction took the place: the verb, then (the subject, in VSO order), then the object marker.
# Each is (the verb, what must come between the subject and the place). The place follows the
# marker with at most a descriptor ("مدينة", "العاصمة") between them (see OBJECT_GAP).
_CONTROL_NOUN = "(?:ال)?سيطر[ةه]"
CONTROL_VERBS = [
    # "سيطرت X على", "استولت X على", "استعادت X السيطرة على", "بسطت X سيطرتها على"
    re.compile(P + f"(?:سيطر{_PERF}|{A}ستول(?:ى|ت|وا)|{A}ستعاد{_PERF}|{A}نتزع{_PERF}|بسط{_PERF}|"
               f"فرض{_PERF}|{A}حكم{_PERF}|{A}علن{_PERF})(?![\\w])"),
]
# What may stand between the subject and the place after a control verb: "على", "السيطرة على",
# "سيطرتها الكاملة على" (the verbs that need the noun: بسط، فرض، أحكم، انتزع، استعاد، أعلن).
CONTROL_MARKER = re.compile(f"(?:(?:{_CONTROL_NOUN}|(?:سيطرت|قبضت)(?:ها|ه|هم|هما))(?:\\s+(?:ال)?(?:كامل[ةه]|تام[ةه]|فعلي[ةه]))?\\s+)?{ALA}\\s+|"
                            # "أعلنت X دخولها مدينة حماة", "أعلنت X تحرير حمص"
                            f"(?:دخول(?:ها|ه|هم)?(?:\\s+{ILA})?|تحرير)\\s+")
NEEDS_NOUN = re.compile(f"{A}ستعاد|{A}نتزع|بسط|فرض|{A}حكم|{A}علن")
NOUNS = re.compile("سيطر|قبض|دخول|تحرير")
# Verbs whose object is the place itself: "دخلت X حلب", "دخلت X إلى حلب", "اقتحمت X حمص",
# "حررت X حماة" (entering is control, as the English reader reads "entered").
ENTRY_VERBS = re.compile(P + f"(?:دخل{_PERF}|{A}قتحم{_PERF}|حرر{_PERF}|{A}ستعاد{_PERF})(?![\\w])")
ENTRY_MARKER = re.compile(f"(?:{ILA}\\s+)?")
# "تمكنت X من السيطرة على", "نجحت X في دخول": a verb of success, then the deed as a noun.
SUCCESS = re.compile(P + f"(?:تمكن{_PERF}|نجح{_PERF})(?![\\w])")
SUCCESS_DEED = re.compile(f"(?:من|في)\\s+(?:(?:{_CONTROL_NOUN}|{A}لاستيلاء)\\s+{ALA}|(?:دخول|{A}قتحام|تحرير)(?:\\s+{ILA})?)\\s+")
# Present tense: "تسيطر X على إدلب" holds it ("لا تزال تسيطر": still holds).
HOLDS = re.compile(P + "(?:تسيطر|يسيطر|تسيطران|يسيطرون|يسيطران|"
                   # the participle: "باتت الفصائل مسيطرة على كامل إدلب"
                   "مسيطر[ةه]?|مسيطرون|مسيطرين)(?![\\w])")
# Passive or agentless: the place first, then who took it.
# "سقطت حلب بيد X", "سقوط حمص في يد X", "باتت حماة تحت سيطرة X", "تمت السيطرة على درعا من قبل X"
FELL = re.compile(P + "(?:سقطت|سقط|سقوط)(?![\\w])")
FELL_TO = re.compile(f"\\s*(?:في\\s+(?:يد|{A}يدي|قبض[ةه])|بيد|ب{A}يدي|بقبض[ةه])\\s+")
BECAME = re.compile(P + f"(?:باتت|{A}صبحت|صارت|{A}ضحت|وقعت|دخلت)(?![\\w])")
UNDER = re.compile(f"\\s*تحت\\s+(?:{_CONTROL_NOUN}|قبض[ةه])\\s+")
PASSIVE = re.compile(P + f"(?:تمت|جرت)\\s+(?:{_CONTROL_NOUN}|{A}لاستيلاء)\\s+{ALA}\\s+")
AGENT = re.compile(f"\\s*(?:من\\s+قبل|{ALA}\\s+يد|{ALA}\\s+{A}يدي|بيد)\\s+")
# The one it was taken from, after the place: "انتزعت X السيطرة على حلب من قوات النظام".
FROM = re.compile(f"\\s*من\\s+(?:يد\\s+|{A}يدي\\s+|قبض[ةه]\\s+)?")

# Between the object marker and the place: only a word that says the place is the whole town
# ("مدينة حلب", "العاصمة دمشق", "كامل مدينة حمص", all its quarters: "كامل أحياء مدينة حلب").
# Anything else ("ريف حلب", "أحياء من حلب",
# "مطار حماة", "شمال حمص") is a part of it or near it, not the place.
OBJECT_GAP = re.compile(r"\s*(?:(?:كامل|كل|جميع)\s+(?:(?:أحياء|احياء)(?:\s+و(?:أرياف|ارياف|ريف|ضواحي))?\s+)?)?(?:(?:ال)?مدين[ةه]|مدينتي|مدن|(?:ال)?بلد[ةه]|بلدتي|"
                        r"(?:ال)?قري[ةه]|(?:ال)?عاصم[ةه](?:\s+السوري[ةه])?)?\s*")
# "the city" alone, for the place named before it: "دخلت X المدينة." (not "المدينة القديمة").
THE_CITY = re.compile(r"\s*(?P<city>المدين[ةه])(?=\s*(?:[.،,؛]|$)|\s+(?:و|في|بعد|قبل|عند|منذ|خلال|يوم|صباح|مساء|فجر|ليل[ةه]?)(?![\w]))")
# Places whose names are common words ("the door", "the hill"): taken as the first place after a
# verb only with "مدينة"/"بلدة" before them.
COMMON_WORD = re.compile(r"الباب|التل|الضمير|السلمي[ةه]|الكسوة|القصير")
# Between two places of one list: "حماة وحمص", "حلب، وحماة، وحمص", "مدينتي حلب وإدلب".
# A town the gazetteer does not know may stand in the list, a word or two between "و"s or commas:
# "تلبيسة وتير معلة والرستن" (Rastan is as much in the list as Talbiseh).
_SEP = r"\s*(?:[،,]\s*)?(?:و\s*|ثم\s+)?"
_UNKNOWN_ITEM = r"(?:(?:قري[ةه]|بلد[ةه]|مدين[ةه])\s+)?[^\s،,.؛]+(?:\s+[^\s،,.؛و][^\s،,.؛]*)?\s*(?:[،,]\s*)?(?<=[\s،,])و"
LIST_GAP = re.compile(_SEP + f"(?:(?<=[،,و\\s])(?:{_UNKNOWN_ITEM}){{1,2}})?" + r"(?:(?:مدين[ةه]|بلد[ةه])\s+)?")
# A part of a place or its surroundings, just before it: "مشارف حمص", "ريف حلب الشمالي".
PART_BEFORE = re.compile(r"(?:مشارف|أطراف|اطراف|ضواحي|تخوم|أبواب|ابواب|محيط|ريف|أرياف|محافظ[ةه]|"
                         r"أحياء|احياء|حي|أجزاء|اجزاء|جزء|معظم|مطار|قاعد[ةه]|مداخل|مدخل|وسط|"
                         r"شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي)\s+$")
# The edges of a place an advance reaches: "وصلت إلى مشارف حمص", "دخلت ضواحي دمشق".
# (and its countryside with them: "مشارف وأرياف مدينة حمص")
_EDGE = f"(?:مشارف|{A}طراف|ضواحي|تخوم|{A}بواب)"
OUTSKIRTS = re.compile(f"(?:{ILA}\\s+)?{_EDGE}(?:\\s+و(?:{_EDGE}|{A}رياف|ريف))?\\s+(?:(?:ال)?مدين[ةه]\\s+|(?:ال)?عاصم[ةه]\\s+)?")

# An offensive and who leads it: "شنت X هجوما", "أطلقت X عملية", "هجوم بقيادة X" (its leader
# takes a place said to have fallen with no one named, as in English).
OFFENSIVE_VERB = re.compile(P + f"(?:شن|{A}طلق|بد{A}){_PERF}(?![\\w])")
OFFENSIVE_NOUN = re.compile(r"\s*(?:ال)?(?:هجوم[اً]?|عملي[ةه]|حمل[ةه]|معرك[ةه])(?![\w])")
# Where the offensive came from, between its leader and the noun: "شنت X في الشمال هجوما".
FROM_QUARTER = re.compile(r"(?:\s*(?:في|من)\s+(?:ال)?(?:شمال|جنوب|شرق|غرب)(?:ي|ية)?(?![\w]))?")
# The offensive's target after the noun, with at most an adjective between: "هجوما واسعا على".
OFFENSIVE_ON = re.compile(f"(?:\\s+(?!(?:في|{ALA}|ضد|من)(?![\\w]))(?:ال)?[^\\s،,.؛]+)?\\s+(?:{ALA}|في|ضد)\\s+")
OFFENSIVE_LED = re.compile(r"(?<![\w])(?:ال)?(?:هجوم|عملي[ةه]|حمل[ةه])(?:\s+\S+){0,3}?\s+(?:بقياد[ةه]|تقوده|تقودها|"
                           r"يقوده|شنته|شنتها|أطلقته|أطلقتها)\s+")
# The course of the offensive, told by its deeds with no taker named: "بدأت بالسيطرة على X
# ودخولها مدينة Y", "انتهت ... بالسيطرة الكاملة على مدينة حمص، وبدء حصار وتطويق العاصمة دمشق"
# (the deeds its leader's, as a place said to have fallen with no one named).
COURSE = re.compile(P + f"(?:بد{A}ت|بد{A}|{A}نتهت|{A}نتهى|{A}ختتمت|توجت|تكللت)(?![\\w])")
_SIEGE = "(?:حصار|تطويق|محاصر[ةه])"
COURSE_DEED = re.compile(_W + f"(?:و|ب|وب)(?:بدء\\s+)?(?:(?P<control>(?:ال)?سيطر[ةه](?:\\s+(?:ال)?(?:كامل[ةه]|تام[ةه]))?\\s+{ALA}|"
                         f"(?:ال)?{A}ستيلاء\\s+{ALA}|(?:ال)?(?:دخول|تحرير)(?:ها|هم)?(?:\\s+{ILA})?)|"
                         f"(?P<siege>(?:ال)?{_SIEGE}(?:ها|هم)?(?:\\s+و{_SIEGE})?))\\s+")
# A withdrawal from a place: "انسحبت قوات النظام من حماة" (held by the one who took it: named
# after "أمام", else the faction the text said advanced on it; else no one).
WITHDREW = re.compile(P + f"(?:{A}نسحب{_PERF}|تنسحب|ينسحب)(?![\\w])")
WITHDREW_FROM = re.compile(r"\s*من\s+")
BEFORE_TAKER = re.compile(f"\\s*{A}مام\\s+(?:تقدم\\s+)?")

# ---- advance -----------------------------------------------------------------------------------
ADVANCE = re.compile(P + f"(?:تقدم{_PERF}|زحف{_PERF}|توجه{_PERF}|{A}تجه{_PERF}|تتقدم|يتقدم|تزحف|يزحف|"
                     # the advance as a noun, its subject the verb's before it: "واصلت X تقدمها نحو"
                     f"تقدم(?:ها|هم|ه)|زحف(?:ها|هم|ه))(?![\\w])")
TOWARD = re.compile(f"(?:نحو|باتجاه|ب{A}تجاه|صوب|في\\s+{A}تجاه|تجاه)\\s+(?:(?:ال)?مدين[ةه]\\s+|(?:ال)?عاصم[ةه](?:\\s+السوري[ةه])?\\s+)?")
REACHED = re.compile(P + f"(?:وصل{_PERF}|بلغ{_PERF}|باتت|{A}صبحت|صارت)(?![\\w])")
NEARED = re.compile(P + f"{A}قترب{_PERF}(?![\\w])")
# "على بعد 20 كم من دمشق", "إلى مسافة 20 كيلومتر (12 ميل) من العاصمة": the distance said in
# either unit, the other in brackets after it.
WITHIN_KM = re.compile(f"(?:{ALA}\\s+بعد|(?:{ILA}|{ALA})\\s+مساف[ةه])\\s+\\d+\\s+(?:كم|كلم|كيلومتر(?:ات|ا)?|ميلا?|{A}ميال)"
                       "(?:\\s*\\([^()]{0,30}\\))?\\s+(?:فقط\\s+)?(?:من|عن)\\s+(?:(?:ال)?مدين[ةه]\\s+|(?:ال)?عاصم[ةه]\\s+)?")

# ---- clash -------------------------------------------------------------------------------------
CLASH_NOUN = re.compile(_W + f"(?:ال)?(?:{A}شتباكات|{A}شتباك|معارك|معرك[ةه]|مواجهات|مواجه[ةه]|قتال)(?![\\w])")
CLASH_VERB = re.compile(P + f"(?:{A}شتبك{_PERF}|تشتبك|يشتبك|تقاتل{_PERF})(?![\\w])")
BETWEEN = re.compile(r"\s+(?:\S+\s+){0,3}?بين\s+")
WITH = re.compile(r"\s*مع\s+")

# ---- leaders -----------------------------------------------------------------------------------
# Abroad: "فر الأسد إلى موسكو", "غادر الأسد البلاد", "هروب بشار الأسد إلى روسيا", "لجأ إلى روسيا".
FLED = re.compile(P + f"(?:(?:فر|هرب|غادر|سافر|وصل|{A}نتقل|توج[هة])(?:وا)?|لج{A}|لجؤوا|لجأوا|فرار|هروب|مغادر[ةه]|لجوء)(?![\\w])")
LEFT_COUNTRY = re.compile(f"\\s*(?:من\\s+)?(?:البلاد|سوري[اةه])(?![\\w])|\\s*{A}لى\\s+خارج\\s+(?:البلاد|سوري[اةه])|\\s*خارج\\s+(?:البلاد|سوري[اةه])")
ASYLUM = re.compile(P + f"(?:منح{_PERF}|منحت(?:ه|هم)|{A}عطت(?:ه)?|قدمت|حصل|طلب|يطلب|تمنح|منحه)(?![\\w])")
ASYLUM_WORDS = re.compile("(?:حق\\s+)?(?:ال)?لجوء(?:\\s+(?:ال)?سياسي)?")
IN_EXILE = re.compile(r"في\s+المنفى")
OUSTED = re.compile(P + f"(?:{A}طاح{_PERF}|{A}طيح|(?:ال)?{A}طاح[ةه])(?![\\w])\\s*")
STEPPED_DOWN = re.compile(P + r"(?:تنحى|تنحي|تنحّى|استقال|استقالة|تخلى\s+عن\s+(?:السلط[ةه]|الحكم))(?![\w])")
KILLED = re.compile(P + f"(?:مقتل|{A}غتيال|مصرع)(?![\\w])")
WHEREABOUTS = re.compile("(?:مكان\\s+(?:وجود\\s+)?|مصير\\s+)")
UNKNOWN = re.compile(r"\s*(?:لا\s+(?:يزال|تزال|زال)\s+|ما\s+(?:زال|يزال)\s+|(?:ظل|بقي)\s+)?(?:مجهولا|مجهول|غير\s+معروف)")
NOT_KNOWN = re.compile(f"(?:لا|لم)\\s+(?:يعرف|يعرف|يُعرف|تعرف)\\s+(?:حتى\\s+الآن\\s+)?(?:مكان|{A}ين)\\s+(?:وجود\\s+)?")
# Titles a leader may carry after the verb: "أطاحت الفصائل بالرئيس بشار الأسد".
TITLE = re.compile(r"\s*(?:(?:ال)?رئيس\s+(?:السوري\s+|النظام\s+)?(?:(?:ال)?سابق\s+|(?:ال)?مخلوع\s+)?)?")
# A coup and who leads it: "قاد ماهر الأسد انقلابا عسكريا ضد بشار الأسد في دمشق", "انقلاب بقيادة X"
# (against the head of state the text names when no one is named after "ضد").
COUP = re.compile(_W + f"(?:و|ف|ب)?(?:ال)?{A}نقلاب(?:ا)?(?:\\s+(?:ال)?عسكري(?:ا)?)?(?![\\w])")
COUP_LED = re.compile(r"\s*(?:بقياد[ةه]|قاده|يقوده|نفذه|دبره)\s+")
COUP_VERB = re.compile(P + r"(?:قاد|يقود|نفذ|ينفذ|دبر|يدبر)(?:ت|وا)?(?![\w])")
COUP_AGAINST = re.compile(f"\\s*(?:\\S+\\s+)?(?:ضد|{ALA})\\s+")
# A leader named by what he was, for the head of state the text names: "الرئيس المخلوع".
EPITHET = re.compile(r"(?<![\w])(?:ال)?رئيس\s+(?:السوري\s+)?(?:المخلوع|السابق|الهارب|المطاح\s+به)(?![\w])")

FOREIGN = {
    "روسيا": "Russia", "موسكو": "Moscow, Russia", "إيران": "Iran", "ايران": "Iran",
    "طهران": "Tehran, Iran", "تركيا": "Turkey", "أنقرة": "Ankara, Turkey", "انقرة": "Ankara, Turkey",
    "لبنان": "Lebanon", "بيروت": "Beirut, Lebanon", "العراق": "Iraq", "بغداد": "Baghdad, Iraq",
    "الأردن": "Jordan", "الاردن": "Jordan", "عمان": "Amman, Jordan", "قطر": "Qatar",
    "الدوحة": "Doha, Qatar", "الإمارات": "United Arab Emirates", "الامارات": "United Arab Emirates",
    "أبوظبي": "Abu Dhabi, United Arab Emirates", "دبي": "Dubai, United Arab Emirates",
    "السعودية": "Saudi Arabia", "الرياض": "Riyadh, Saudi Arabia", "مصر": "Egypt",
    "القاهرة": "Cairo, Egypt", "بيلاروسيا": "Belarus", "مينسك": "Minsk, Belarus",
}
FOREIGN_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, FOREIGN), key=len, reverse=True)) + r")(?![\w])")
# Where to: "إلى موسكو", "في روسيا" (a proclitic ب or ل may carry it: "بروسيا").
TO_FOREIGN = re.compile(f"\\s*(?:من\\s+\\S+\\s+)?(?:\\S+\\s+(?:متوجها|متجها)\\s+)?(?:{ILA}|في|نحو)\\s+(?:العاصم[ةه]\\s+الروسي[ةه]\\s+)?(?=" + FOREIGN_RE.pattern + ")")

# ---- what is not a claim -----------------------------------------------------------------------
# Just before the verb: "لم تسيطر", "لن تدخل", "فشلت في", "حاولت", "تسعى إلى", "سوف", "إذا".
# ("لا تزال تسيطر", "ما زالت": still, not a negation)
NEGATION = re.compile(r"(?<![\w])(?:لم|لن|ليس|ليست|لا(?!\s+(?:تزال|يزال|زال|زالت))|ما(?!\s+(?:زال|زالت|تزال|يزال))|"
                      r"سوف|رفض\w*|ترفض|يرفض|منع|يمنع|تمنع|خشي\w*|مخاوف|خوف|احتمال|إمكاني[ةه]|امكاني[ةه]|قد\s+(?=[تي])|فشل\w*|حاول\w*|محاول\w*|تسعى|يسعى|سعت|سعى|تهدف|يهدف|"
                      r"هدف\w*|تعتزم|يعتزم|تخطط|يخطط|خطط\w*|تريد|يريد|بهدف|لمنع|دون|"
                      r"إذا|اذا|لو|حال|حالة|دعا|دعت|طالب\w*|يجب|ينبغي|هدد\w*|تهدد|يهدد|تتوعد|توعد\w*)"
                      r"(?![\w])[^.،,؛]{0,25}$")
# Anywhere in the sentence: a denial or a rumour takes the sentence's claims back.
DENIAL = re.compile(r"(?<![\w])(?:و|ف)?(?:نفى|نفت|ينفي|تنفي|نفي|نفيا|نافي[ةه]|نافيا|تنفيان|شائع\w*|إشاع\w*|اشاع\w*|"
                    r"كذب\w*|عار\w*\s+عن\s+الصح[ةه]|لا\s+أساس\s+لها|لا\s+اساس\s+لها|مفبرك\w*|مضلل\w*)(?:ه|ها|هما|هم)?(?![\w])")
HEDGES = re.compile(r"(?<![\w])(?:(?<!وكال[ةه]\s)(?<!وكالات\s)(?:أنباء|انباء)|غير\s+مؤكد\w*|لم\s+يتسن\w*|يعتقد|يُعتقد|يزعم|زعم\w*|مزاعم|"
                    r"ادع\w*|يقال|قيل|ربما|على\s+ما\s+يبدو|يرجح|يُرجح|(?:وفقا|وفقاً|بحسب|حسب)\s+تقارير)(?![\w])")
CONFIRMS = re.compile(r"(?<![\w])(?:و|ف)?(?:أكد\w*|اكد\w*|أعلن\w*|اعلن\w*|رسمي\w*)(?![\w])")
# A year well before the article in the clause: background ("سيطرت قوات النظام على حلب عام 2016").
YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)(?!\s*(?:هـ|ه(?![\w])))")
# ... but not a year the deed is measured from: "لأول مرة منذ اندلاع النزاع في 2011".
SINCE = re.compile(r"(?<![\w])منذ\s+(?:\S+\s+){0,3}?(?:(?:عام|سنة|في)\s+)?$")

# ---- factions said without their name ----------------------------------------------------------
# The state army: "قوات الحكومة", "القوات الحكومية", "جيش النظام", "النظام" (as the English
# reader reads "government troops", "the regime").
ARMY = re.compile(r"(?<![\w])(?P<pre>و|ف|ب|ل)?(?:(?:ال)?قوات\s+(?:ال)?حكومي[ةه]|قوات\s+الحكوم[ةه](?:\s+السوري[ةه])?|"
                  r"(?:ال)?قوات\s+(?:ال)?نظامي[ةه]|قوات\s+الجيش(?:\s+السوري|\s+العربي\s+السوري)?|"
                  r"جيش\s+النظام(?:\s+السوري)?|قوات\s+الأسد|قوات\s+الاسد|(?:ال)?جيش\s+(?:ال)?نظامي|"
                  r"(?:ال)?جيش\s+(?:ال)?حكومي|النظام(?:\s+السوري)?)(?![\w])")
# "الجيش" alone: the Syrian army, when the text names no other state's (arabic.py `_names`).
BARE_ARMY = re.compile(r"(?<![\w])(?P<pre>و|ف|ب|ل)?الجيش(?!\s+(?:ال)?(?:حر|وطني|إسرائيلي|اسرائيلي|تركي|روسي|"
                       r"أمريكي|امريكي|الأمريكي|لبناني|عراقي|أردني|اردني|سوري\s+الحر))(?![\w])")
# "الجيش السوري الحر": the Free Syrian Army of 2011, not the state's army its first words name.
FREE_ARMY = re.compile(r"\s+(?:ال)?حر(?![\w])")
# A control said as a noun with its taker: "بعد سيطرة هيئة تحرير الشام على حلب", "دخول X إلى Y".
CONTROL_NOUN = re.compile(_W + f"(?:و|ف|ب|ل)?(?:سيطر[ةه]|{A}ستيلاء|دخول|{A}قتحام|تحرير)(?![\\w])")
# "the rebels": the coalition the text names (arabic.py `_rebel`).
REBELS = re.compile(r"(?<![\w])(?P<pre>و|ف|ب|ل)?(?:(?:ال)?فصائل\s+(?:ال)?معارض[ةه](?:\s+(?:ال)?مسلح[ةه]|\s+(?:ال)?سوري[ةه])*|"
                    r"(?:ال)?فصائل\s+(?:ال)?مسلح[ةه](?:\s+(?:ال)?معارض[ةه]|\s+(?:ال)?سوري[ةه])*|"
                    r"(?:ال)?قوات\s+(?:ال)?معارض[ةه](?:\s+(?:ال)?مسلح[ةه]|\s+(?:ال)?سوري[ةه])*|"
                    r"مقاتل\w*\s+(?:ال)?معارض[ةه](?:\s+(?:ال)?مسلح[ةه])?|"
                    r"(?:ال)?معارض[ةه](?:\s+(?:ال)?مسلح[ةه]|\s+(?:ال)?سوري[ةه])*(?!\s+(?:ال)?سياسي[ةه])|"
                    # what the Syrian government's statements call them (as in English)
                    r"(?:ال)?(?:تنظيمات|مجموعات|جماعات|فصائل|عصابات)\s+(?:ال)?(?:إرهابي[ةه]|ارهابي[ةه]|مسلح[ةه])|"
                    # "the factions" (not "local", "Kurdish" or "pro-government" ones)
                    r"الفصائل(?!\s+(?:ال)?(?:محلي[ةه]|كردي[ةه]|موالي[ةه]|عراقي[ةه]|إيراني[ةه]|ايراني[ةه]|"
                    r"فلسطيني[ةه]|تابع[ةه]|مدعوم[ةه]))|الثوار)(?![\w])")
# "بقيادة X", "تقودها X": the coalition the text says leads.
LED_BY = re.compile(r"(?:بقياد[ةه]|تقوده[اا]?|يقوده[اا]?|تتزعمها|تقودها)\s+$")
# Short names real texts use: "الجيش الوطني" (the SNA), "تحرير الشام" (HTS).
SHORT = [(re.compile(r"(?<![\w])(?P<pre>و|ف|ب|ل)?(?:ال)?جيش\s+(?:ال)?وطني(?!\s+(?:ال)?سوري)(?![\w])"), "sna"),
         (re.compile(r"(?<![\w])(?P<pre>و|ف|ب|ل)?(?<!هيئ[ةه]\s)تحرير\s+الشام(?![\w])"), "hts"),
         # "Israeli forces", as the English reader reads them
         (re.compile(r"(?<![\w])(?P<pre>و|ف|ب|ل)?(?:ال)?(?:جيش\s+(?:ال)?إسرائيلي|قوات\s+(?:ال)?إسرائيلي[ةه]|"
                     r"جيش\s+(?:ال)?اسرائيلي|قوات\s+(?:ال)?اسرائيلي[ةه])(?![\w])"), "idf")]
# "الأسد" alone: the leader the English alias "Assad" names (not Hafez, Maher or the family).
ASSAD = re.compile(r"(?<![\w])(?P<pre>و|ف|ب|ل)?(?<!حافظ\s)(?<!ماهر\s)(?<!بشار\s)(?<!آل\s)(?<!ال\s)الأسد(?![\w])")
