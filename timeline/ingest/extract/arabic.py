"""Claims read from Arabic text: a first reader, precise before it is complete. It reads the
commonest ways Arabic news and encyclopedia prose say the claims the English reader proposes:
"سيطرت هيئة تحرير الشام على حلب" (control), "تقدمت الفصائل نحو حماة" (advance),
"اشتباكات بين X وY في Z" (clash), "فر بشار الأسد إلى موسكو" (a leader abroad), with the same
claim shapes, dates and confidences; names come from `language.arabic_mentions`.

A claim is taken only where its slots sit where Arabic puts them: the subject right after the
verb (or the nearest faction before it), the place right after the object's marker ("على",
"إلى", "نحو") with at most "مدينة" or "العاصمة" between. A part of a place ("ريف حلب", "مشارف
حمص"), a negation, a denial or a rumour anywhere in the sentence gives nothing."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..article import LOCAL, MAX_SENTENCE
from ..language import _AR_DATE, AR_MONTHS, arabic_day, arabic_mentions
from ..mentions import name_index
from . import arabic_patterns as ar
from .leaders import exile_over_abroad
from .patterns import NOT_REBELS

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# (a Wikipedia text's citation marks may follow the stop: "الشمالي.[3][4] وانتهت")
_SENTENCE_END = re.compile(r"[.!?؟]+(?:\[[^\[\]\n]{1,12}\])*(?=\s|$)|\n+")
_CLAUSE_CUT = re.compile(r"[؛;]|،\s*(?:بينما|فيما|في\s+حين|لكن|إلا\s+أن|الا\s+ان|وذلك\s+بعد|بعد\s+أن|قبل\s+أن)(?![\w])"
                         r"|(?<![\w])(?:بينما|في\s+حين|لكن)(?![\w])")
# Words that may stand between a verb and its subject ("سيطرت فصائل هيئة تحرير الشام"), never a
# preposition (then what follows is not the subject).
_SUBJECT_WORD = re.compile(r"(?:فصائل|قوات|مقاتلو|مقاتلي|مقاتلين|عناصر|وحدات|مسلحو|مجموعات|"
                           r"تحالف|ما\s+يسمى|ما\s+يعرف\s+ب|أيضا|ايضا|اليوم|أمس|امس)(?![\w])")
# (a one-word attribute of the first may come before the "و": "هيئة تحرير الشام المعارضة والجيش
# الوطني السوري")
_FACTION_LIST_GAP = re.compile(r"(?:\s+(?:ال)?(?:معارض[ةه]|مسلح[ةه]|سوري[ةه]))?\s*(?:[،,]\s*)?(?:و\s*)?(?:فصائل\s+|قوات\s+)?")
# After the subject: a short attribute ("المدعومة من تركيا") before the object's marker.
_SUBJECT_TAIL = re.compile(r"(?:\s*[،,][^،,.:]{1,25}[،,]|\s+(?:أخرى|اخرى)|\s+(?:ال)?مدعوم[ةه]?\s+من\s+\S+|\s+و(?:فصائل|قوات|مجموعات)\s+(?:أخرى|اخرى|حليف[ةه]|متحالف[ةه]\s+معها)|\s+(?:ال)?موالي[ةه]\s+ل\S+|"
                           r"\s+(?:ال)?معارض[ةه]|\s+(?:ال)?مسلح[ةه]|\s+(?:ال)?سوري[ةه])*\s*")
# Before a faction: it is an object, not the subject ("مع X", "ضد X", "من X", "بدعم من X").
_OBJECT_BEFORE = re.compile(r"(?:(?<![\w])(?:مع|ضد|من|عن|بين|إلى|الى|على|نحو|لصالح|أمام|امام|بدعم\s+من)\s+|"
                            r"(?<![\w])[بل]|(?<![\w])(?:و|ف)[بل])$")
# Verbs whose subject a later verb of the sentence may share: "شنت الفصائل هجوما ... وتمكنت".
_VERB_BEFORE = re.compile(r"(?<![\w])(?:و|ف|ثم\s+)?(?:شن|أطلق|اطلق|بدأ|بدا|واصل|أعلن|اعلن|قال|أكد|اكد|تمكن|نجح|"
                          r"هاجم|سيطر|استول[ىت]|دخل|اقتحم|حرر|تقدم|زحف|وصل|اقترب|بسط|فرض|انتزع|استعاد|"
                          r"أحكم|احكم|اشتبك|تابع|استمر|انطلق|توجه|اتجه|تحرك|فر|هرب|غادر|لجأ|سافر)"
                          r"(?:ت|وا|ا|تا)?(?:ه|ها|هم)?\s+$")  # (with its object: "عملية شنتها الفصائل")
_SPACE = re.compile(r"\s*")
_TIME_WORDS = re.compile(r"(?:خلال|في\s+غضون|بعد|بحلول)\s+\S+(?:\s+\S+)?\s+(?=(?:من|في)\s)")
_FROM_PLACE = re.compile(r"\s*من\s+(?:(?:ال)?مدين[ةه]\s+|(?:ال)?عاصم[ةه]\s+)?")
_DESCRIPTOR = re.compile(r"(?:(?:ال)?(?:مدين[ةه]|بلد[ةه]|قري[ةه]|عاصم[ةه])\s+)+")
_DIRECTION_AFTER = re.compile(r"\s+(?:ال)?(?:شمالي|جنوبي|شرقي|غربي|شرقية|غربية|شمالية|جنوبية|قديم[ةه])(?![\w])")
_WEEKDAYS = {"الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3,
             "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6}
_WEEKDAY = re.compile(r"(?<![\w])(?:ال)?(?:يوم|مساء|صباح|فجر|ليل[ةه]?|ظهر|ظهيرة|اليوم)\s+("
                      + "|".join(_WEEKDAYS) + r")(?![\w])")
_WEEKDAY_DATE_GAP = re.compile(r"\s*(?:[،,]\s*)?(?:(?:الموافق|بتاريخ)\s+)?")
_TODAY = re.compile(r"(?<![\w])(?:اليوم(?!\s+(?:التالي|السابق|الأول|الاول|الثاني))|(?P<y>أمس|امس|البارحة))(?![\w])")
_NEXT_DAY = re.compile(r"(?<![\w])(?:(?:في\s+)?اليوم\s+التالي|صباح\s+اليوم\s+التالي|غداة\s+ذلك)(?![\w])")
_MONTH_ALT = "|".join(sorted(map(re.escape, AR_MONTHS), key=len, reverse=True))
_MONTH = re.compile(r"(?<![\w\d])(?:(?P<in>في|خلال|منذ)\s+|(?P<part>أوائل|اوائل|مطلع|بداية|منتصف|أواسط|اواسط|"
                    r"أواخر|اواخر|نهاية)\s+)(?:شهر\s+)?(?P<mon>" + _MONTH_ALT + r")(?:\s*/\s*[^\d\s،.]+)?"
                    r"(?:\s+(?:عام|سنة)?\s*(?P<year>\d{4}))?(?![\w])")
_PART_DAY = {"أوائل": 5, "اوائل": 5, "مطلع": 1, "بداية": 1, "منتصف": 15, "أواسط": 15, "اواسط": 15,
             "أواخر": 25, "اواخر": 25, "نهاية": 28}


@dataclass
class _Name:
    start: int
    end: int
    kind: str
    id: str


@dataclass
class _Sentence:
    start: int
    end: int
    names: list[_Name]
    dates: list[tuple[int, tuple[datetime, str]]]
    clauses: list[tuple[int, int]]


def arabic_names(text: str, names: Any) -> list[dict[str, Any]]:
    """`language.arabic_mentions` read through the text's diacritics ("حَلَب" is "حلب"), with
    the spans and words of the text as written."""
    keep = [i for i, ch in enumerate(text) if not _DIACRITICS.match(ch)]
    plain = "".join(text[i] for i in keep)
    out = []
    for m in arabic_mentions(plain, names, name_index(names)[0]):
        start, end = keep[m["start"]], keep[m["end"] - 1] + 1
        while end < len(text) and _DIACRITICS.match(text[end]):
            end += 1  # the last letter's vowel is the name's
        out.append({**m, "text": text[start:end], "start": start, "end": end})
    return out


def read_arabic(text: str, published: datetime, names: Any,
                found: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The claims an Arabic text states (occurred_at in local time, as the English reader's);
    `found`: its names, as `arabic_names` gives them (found again without it)."""
    if found is None:
        found = arabic_names(text, names)
    return _ArabicReader(text, published, names, found).read()


class _ArabicReader:
    def __init__(self, text: str, published: datetime, names: Any, found: list[dict[str, Any]]):
        keep = [i for i, ch in enumerate(text) if not _DIACRITICS.match(ch)]
        self.original, self.keep, self.found = text, keep, found
        # where each character of the text is in the text without its diacritics
        self.at, count = [], 0
        for ch in text:
            self.at.append(count)
            count += 0 if _DIACRITICS.match(ch) else 1
        self.at.append(count)
        self.text = "".join(text[i] for i in keep).translate(_DIGITS)
        self.published, self.names = published, names
        self.claims: list[dict[str, Any]] = []
        self.seen: set[tuple[Any, ...]] = set()  # the claims already given (the same words twice)
        self.previous: list[_Name] = []  # the leaders the sentence before named
        self.places_before: list[_Name] = []  # and its places
        self.advanced: dict[str, str] = {}  # place -> the faction that last advanced on it
        self.offensives: list[str] = []  # the factions the text said lead an offensive

    # ---- names -------------------------------------------------------------------------------
    def _names(self) -> list[_Name]:
        found = [_Name(self.at[m["start"]], self.at[m["end"]], m["kind"], m["id"])
                 for m in self.found if m["id"] and m["kind"] in ("place", "faction", "leader")]
        add: list[_Name] = []
        covered = bytearray(len(self.text) + 1)  # the characters a name already covers
        for x in found:
            covered[x.start:x.end] = b"\x01" * (x.end - x.start)

        def implicit(pattern: re.Pattern[str], kind: str, entity: str | None,
                     skip: set[int] | None = None) -> None:
            if not entity or not self.names.entity(kind, entity):
                return
            for m in pattern.finditer(self.text):
                a = m.start() + len(m.group("pre") or "") if "pre" in pattern.groupindex else m.start()
                if not any(covered[a:m.end()]) and m.start() not in (skip or ()):
                    add.append(_Name(a, m.end(), kind, entity))
                    covered[a:m.end()] = b"\x01" * (m.end() - a)

        # "الجيش السوري الحر" is the Free Syrian Army, not the state's
        found = [x for x in found if not (x.id == "syrian-arab-army" and ar.FREE_ARMY.match(self.text, x.end, x.end + 30))]
        implicit(ar.ARMY, "faction", "syrian-arab-army")
        for pattern, faction in ar.SHORT:
            implicit(pattern, "faction", faction)
        others = {"idf", "turkish-armed-forces", "russian-armed-forces", "us-armed-forces"}
        if not any(x.id in others for x in found + add):
            implicit(ar.BARE_ARMY, "faction", "syrian-arab-army")  # "the army", as in English
        assad = self.names.lookup("leader", "Assad")
        implicit(ar.ASSAD, "leader", assad[0] if len(assad) == 1 else None)
        out = sorted(found + add, key=lambda x: x.start)
        # "the rebels", "the ousted president": the coalition, the head of state the text names
        # (not "المعارضة" right after a faction's name: "هيئة تحرير الشام المعارضة", its attribute)
        attributes = {_SPACE.match(self.text, x.end, x.end + 20).end() for x in out if x.kind == "faction"}
        implicit(ar.REBELS, "faction", self._rebel(out), skip=attributes)
        heads = {x.id for x in out if x.kind == "leader" and
                 ((self.names.entity("leader", x.id) or {}).get("role") or "").startswith("President of")}
        self.head_of_state = heads.pop() if len(heads) == 1 else None  # (a coup's target)
        implicit(ar.EPITHET, "leader", self.head_of_state)
        return sorted(found + add, key=lambda x: x.start)

    def _ancestors(self, faction: str) -> set[str]:
        out: set[str] = set()
        p = (self.names.entity("faction", faction) or {}).get("parent")
        while p and p not in out:
            out.add(p)
            p = (self.names.entity("faction", p) or {}).get("parent")
        return out

    def _rebel(self, names: list[_Name]) -> str | None:
        """What "فصائل المعارضة" stands for, as the English reader reads "the rebels": the rebel
        faction the text says leads ("بقيادة X"), else the first it names; none if it names none."""
        first = None
        for x in names:
            if x.kind != "faction" or {x.id, *self._ancestors(x.id)} & NOT_REBELS:
                continue
            if ar.LED_BY.search(self.text[max(0, x.start - 20):x.start]):
                return x.id
            first = first or x.id
        return first

    # ---- the text ----------------------------------------------------------------------------
    def read(self) -> list[dict[str, Any]]:
        names = self._names()
        self.lead: tuple[datetime, str] | None = None
        self.anchor: tuple[datetime, str] | None = None
        sentences = []
        pos = 0
        for m in [*_SENTENCE_END.finditer(self.text), None]:
            end = m.end() if m else len(self.text)
            while end - pos > MAX_SENTENCE:  # as the English reader: the work stays linear
                cut = self.text.rfind(" ", pos + 1, pos + MAX_SENTENCE)
                cut = cut if cut > pos else pos + MAX_SENTENCE
                sentences.append((pos, cut))
                pos = cut
            if self.text[pos:end].strip():
                sentences.append((pos, end))
            pos = end
        parsed = []
        starts = [x.start for x in names]  # sorted: each sentence's names by bisection
        for a, b in sentences:
            s = _Sentence(a, b, names[bisect_left(starts, a):bisect_left(starts, b)], [],
                          self._clauses(a, b))
            parsed.append(s)
        for s in parsed:
            s.dates = self._dates(s.start, s.end)
            if self.lead is None:
                self.lead = next((d for _, d in s.dates if self._recent(d)), None)
        self.anchor = None
        self.month_anchor: tuple[datetime, str] | None = None
        for s in parsed:
            s.dates = self._dates(s.start, s.end)  # again: relative days count from the anchor
            if not ar.DENIAL.search(self.text, s.start, s.end):
                # every match below ends there (or where a name the cut split ends): the work
                # stays linear
                self.end = max([s.end, *(x.end for x in s.names)])
                self._sentence(s)
            self.previous = list({x.id: x for x in s.names if x.kind == "leader"}.values())
            self.places_before = list({x.id: x for x in s.names if x.kind == "place"}.values())
            for _, d in s.dates:
                if d[1] == "day":
                    self.anchor, self.month_anchor = d, None
                elif self._recent(d):
                    self.month_anchor = d
        return self.claims

    def _clauses(self, a: int, b: int) -> list[tuple[int, int]]:
        cuts = sorted({a, b, *(m.start() for m in _CLAUSE_CUT.finditer(self.text, a, b))})
        return [(x, y) for x, y in zip(cuts, cuts[1:], strict=False) if y > x]

    def _clause(self, s: _Sentence, pos: int) -> tuple[int, int]:
        return next(((x, y) for x, y in s.clauses if x <= pos < y), (s.start, s.end))

    # ---- dates -------------------------------------------------------------------------------
    def _dates(self, a: int, b: int) -> list[tuple[int, tuple[datetime, str]]]:
        pub = self.published.astimezone(LOCAL)
        today = pub.replace(hour=12, minute=0, second=0, microsecond=0)
        out: list[tuple[int, tuple[datetime, str]]] = []
        days: list[tuple[int, int]] = []
        for m in _AR_DATE.finditer(self.text, a, b):
            when = arabic_day(m, pub)
            if when is None:
                continue
            out.append((m.start(), (when, "day")))
            days.append((m.start(), m.end()))
        for m in _MONTH.finditer(self.text, a, b):
            if any(x <= m.start("mon") < y for x, y in days):
                continue  # the month of a day already read
            month = AR_MONTHS[m.group("mon")]
            year = int(m.group("year")) if m.group("year") else pub.year
            if not m.group("year") and (year, month) > (pub.year, pub.month):
                year -= 1
            when = datetime(year, month, _PART_DAY.get(m.group("part") or "", 15), 12, tzinfo=LOCAL)
            if when > today and (when.year, when.month) == (pub.year, pub.month):
                when = today  # "في ديسمبر", written in December: not after the article
            out.append((m.start(), (when, "month")))
        starts = {x for x, _ in days}
        for m in _WEEKDAY.finditer(self.text, a, b):
            if _WEEKDAY_DATE_GAP.match(self.text, m.end(), min(b, m.end() + 20)).end() in starts:
                continue  # "يوم الخميس 5 ديسمبر 2024": the date says which Thursday
            back = (pub.weekday() - _WEEKDAYS[m.group(1)]) % 7
            out.append((m.start(), (today - timedelta(days=back), "day")))
        for m in _TODAY.finditer(self.text, a, b):
            if any(x <= m.start() < x + 12 for x, _ in out):
                continue  # "اليوم الأحد": the weekday's date, the same day
            out.append((m.start(), (today - timedelta(days=1 if m.group("y") else 0), "day")))
        base = self.anchor
        for m in _NEXT_DAY.finditer(self.text, a, b):
            before = [d for p, d in out if p < m.start() and d[1] == "day"]
            start = before[-1] if before else base
            if start is not None:
                out.append((m.start(), (start[0] + timedelta(days=1), "day")))
        return sorted(out, key=lambda x: x[0])

    def _recent(self, d: tuple[datetime, str]) -> bool:
        return d[1] == "day" or d[0] >= self.published.astimezone(LOCAL) - timedelta(days=366)

    def _date_at(self, s: _Sentence, pos: int) -> tuple[datetime, str]:
        """As the English reader: the nearest date of the clause (cut at each comma too: "سيطرت
        على حلب في 29 تشرين الثاني، وعلى حماة في 5 كانون الأول"), else the last before it in the
        sentence, else the sentence's first, else the last the text gave, else its first."""
        a, b = self._clause(s, pos)
        a = max([a, *(a + m.end() for m in re.finditer("[،,]", self.text[a:pos]))])
        comma = re.search("[،,]", self.text[pos:b])
        b = pos + comma.start() if comma else b
        inside = [(abs(p - pos), d) for p, d in s.dates if a <= p < b]
        if inside:
            return min(inside, key=lambda x: x[0])[1]
        before = [d for p, d in s.dates if p < pos]
        if before:
            return before[-1]
        if s.dates:
            return s.dates[0][1]
        return self.month_anchor or self.anchor or self.lead or (
            self.published.astimezone(LOCAL).replace(hour=12, minute=0, second=0, microsecond=0), "day")

    # ---- one sentence ------------------------------------------------------------------------
    def _sentence(self, s: _Sentence) -> None:
        self._find_offensive(s)
        self._control(s)
        self._control_noun(s)
        self._control_place_first(s)
        self._withdrew(s)
        self._course(s)
        self._advance(s)
        self._clash(s)
        self._leaders(s)

    def _negated(self, s: _Sentence, pos: int) -> bool:
        a, _ = self._clause(s, pos)
        return ar.NEGATION.search(self.text, max(a, pos - 40), pos) is not None

    def _subject_after(self, s: _Sentence, pos: int, kind: str = "faction") -> list[_Name]:
        """The subject right after a verb (VSO), and the names listed with it: at most three
        words between ("سيطرت فصائل هيئة تحرير الشام"), none a preposition."""
        first = None
        for _ in range(4):
            pos = _SPACE.match(self.text, pos, self.end).end()
            first = self._name_at(s, pos, kind)
            word = _SUBJECT_WORD.match(self.text, pos, self.end)
            if first is not None or word is None:
                break
            pos = word.end()
        if first is None:
            return []
        out = [first]
        while True:
            nxt = next((x for x in s.names if x.kind == kind and x.start >= out[-1].end), None)
            if nxt is None or not _FACTION_LIST_GAP.fullmatch(self.text, out[-1].end, nxt.start):
                return out
            out.append(nxt)

    def _after_subject(self, s: _Sentence, subject: list[_Name]) -> int:
        """Where the words after a subject end: its attributes ("المدعومة من تركيا") and who
        leads it ("بقيادة هيئة تحرير الشام")."""
        pos = _SUBJECT_TAIL.match(self.text, subject[-1].end, self.end).end()
        led = re.compile(r"(?:بقياد[ةه]|تحت\s+قياد[ةه])\s+").match(self.text, pos, self.end)
        leader = self._name_at(s, led.end(), "faction") if led else None
        return _SUBJECT_TAIL.match(self.text, leader.end, self.end).end() if leader is not None else pos

    def _subject_before(self, s: _Sentence, pos: int, kind: str = "faction", reach: int = 120) -> list[_Name]:
        """The subject before a verb (SVO, or a subject a second verb shares): the nearest name of
        `kind` before it that stands as a subject (see `_subject_like`), and the names listed
        with it."""
        a, _ = self._clause(s, pos)  # not across "بينما", "فيما"
        before = [x for x in s.names if x.kind == kind and a <= x.start and x.end <= pos and
                  pos - x.end <= reach and self._subject_like(s, x, pos)]
        if not before:
            return []
        out = [before[-1]]
        for x in reversed([y for y in s.names if y.kind == kind and y.end <= out[0].start]):
            if not _FACTION_LIST_GAP.fullmatch(self.text, x.end, out[-1].start):
                break
            out.append(x)
        return out[::-1]

    def _subject_like(self, s: _Sentence, x: _Name, pos: int) -> bool:
        """Whether `x` is a subject for the verb at `pos`: right before it ("هيئة تحرير الشام
        سيطرت", "الأسد الذي غادر"), at the start of the sentence, or right after a verb of its
        own ("شنت الفصائل هجوما ... وتمكنت"); not an object ("على مواقع قوات النظام", "مع X")."""
        head = self.text[max(s.start, x.start - 30):x.start]
        if _OBJECT_BEFORE.search(self.text, max(s.start, x.start - 14), x.start) or \
                re.search(r"(?:بقياد[ةه]|قياد[ةه])\s+$", head):
            return False
        gap = self.text[_SUBJECT_TAIL.match(self.text, x.end, self.end).end():pos]
        if re.fullmatch(r"\s*(?:(?:الذي|التي|الذين|قد|فقد|أيضا|ايضا|بدورها|بدوره|و(?:أسرته|اسرته|عائلته|زوجته))\s+)*", gap):
            return True
        lead = self.text[s.start:x.start]
        while (word := _SUBJECT_WORD.search(lead)) is not None and word.end() == len(lead.rstrip()):
            lead = lead[:word.start()]
        return bool(re.fullmatch(r"\s*(?:و|ف|ثم)?\s*", lead) or _VERB_BEFORE.search(lead)
                    or re.search(r"(?<![\w])(?:و|ف)?(?:أن|إن|ان|بأن|بان|لأن)\s+$", lead))

    def _name_at(self, s: _Sentence, pos: int, kind: str) -> _Name | None:
        """The name that starts at `pos`, or whose alias takes in the descriptor before `pos`
        ("مدينة حمص" is a name of Homs too)."""
        return next((x for x in s.names if x.kind == kind and (x.start == pos or x.start < pos < x.end and
                     _DESCRIPTOR.fullmatch(self.text, x.start, pos))), None)

    def _places_at(self, s: _Sentence, pos: int) -> list[_Name]:
        """The place (and the places listed with it) right after `pos`, with at most a word that
        says it is the whole town between; a part of it ("أحياء حلب", "حلب الشرقية") is not it."""
        gap = ar.OBJECT_GAP.match(self.text, pos, self.end)
        first = self._name_at(s, gap.end(), "place") or self._the_city(s, pos)
        if first is None or _DIRECTION_AFTER.match(self.text, first.end, self.end):
            return []
        if ar.COMMON_WORD.fullmatch(self.text, first.start, first.end) and not gap.group(0).strip():
            return []  # "سيطرت على التل": a hill, unless "مدينة التل" or in a list of towns
        out = [first]
        while True:
            nxt = next((x for x in s.names if x.kind == "place" and x.start >= out[-1].end), None)
            if nxt is None or not ar.LIST_GAP.fullmatch(self.text, out[-1].end, nxt.start) or \
                    _DIRECTION_AFTER.match(self.text, nxt.end, self.end):
                return out
            out.append(nxt)

    def _the_city(self, s: _Sentence, pos: int) -> _Name | None:
        """"دخلت X المدينة" with no name after it: the place named last before it in the sentence,
        else the one place the sentence before named (none if it named two)."""
        the = ar.THE_CITY.match(self.text, pos, self.end)
        if the is None:
            return None
        named = [x for x in s.names if x.kind == "place" and x.end <= pos]
        last = named[-1] if named else (self.places_before[0] if len(self.places_before) == 1 else None)
        return _Name(the.start("city"), the.end("city"), "place", last.id) if last else None

    # ---- control -----------------------------------------------------------------------------
    def _control(self, s: _Sentence) -> None:
        """"سيطرت X على حلب وحماة", "دخلت X حمص", "X تسيطر على إدلب", "تمكنت X من السيطرة على"."""
        for m in [*ar.CONTROL_VERBS[0].finditer(self.text, s.start, s.end),
                  *ar.ENTRY_VERBS.finditer(self.text, s.start, s.end),
                  *ar.HOLDS.finditer(self.text, s.start, s.end),
                  *ar.SUCCESS.finditer(self.text, s.start, s.end)]:
            if self._negated(s, m.start()):
                continue
            if ar.HOLDS.fullmatch(m.group(0)) and re.search(r"(?<![\w])(?:كانت|كان|كانوا)\s+(?:\S+\s+){0,3}$",
                                                           self.text[max(s.start, m.start() - 40):m.start()]):
                if not re.search("بحلول", self.text[self._clause(s, m.start())[0]:m.start()]):
                    continue  # "كانت قوات النظام تسيطر على": held before, not now (but "بحلول 30
                    # نوفمبر كانت X تسيطر على": held by then)
            takers = self._subject_after(s, m.end())
            rest = self._after_subject(s, takers) if takers else m.end()
            if not takers:
                takers = self._subject_before(s, m.start())
                rest = _SPACE.match(self.text, m.end(), self.end).end()
            if not takers:
                continue
            entry = ar.ENTRY_VERBS.fullmatch(m.group(0)) is not None
            success = ar.SUCCESS.fullmatch(m.group(0)) is not None
            marker = (ar.SUCCESS_DEED.match(self.text, rest, self.end) if success else
                      ar.CONTROL_MARKER.match(self.text, rest, self.end))
            if success and marker is None:
                # "تمكنت X خلال أيام من السيطرة على": a few words of time between
                marker = _TIME_WORDS.match(self.text, rest, self.end)
                marker = ar.SUCCESS_DEED.match(self.text, marker.end(), self.end) if marker else None
            if marker is None and entry:
                marker = ar.ENTRY_MARKER.match(self.text, rest, self.end)
                # "دخلت X ضواحي دمشق": the edges of a place entered, an advance on it
                edge = ar.OUTSKIRTS.match(self.text, rest, self.end)
                if edge is not None:
                    place = self._name_at(s, edge.end(), "place")
                    if place is not None:
                        for t in takers:
                            self._add({"type": "advance", "faction": t.id, "toward": place.id}, s, m.start())
                    continue
            if marker is None or (marker.end() == rest and not entry) or \
                    (ar.NEEDS_NOUN.search(m.group(0)) and not entry and not ar.NOUNS.search(marker.group(0))):
                continue
            places = self._places_at(s, marker.end())
            if not places:
                continue
            loser = None
            frm = ar.FROM.match(self.text, places[-1].end, self.end)
            if frm is not None:
                loser = self._name_at(s, frm.end(), "faction")
            for t in takers:
                for p in places:
                    claim = {"type": "control", "city": p.id, "faction": t.id}
                    if loser is not None and loser.id != t.id:
                        claim["from_faction"] = loser.id
                    self._add(claim, s, m.start(), when_at=p.start)

    def _control_noun(self, s: _Sentence) -> None:
        """Control said as a noun with its taker after it: "بعد سيطرة هيئة تحرير الشام على حلب",
        "عقب دخول الفصائل إلى حماة", "انتهت بسيطرة الجيش الوطني على منبج"."""
        for m in ar.CONTROL_NOUN.finditer(self.text, s.start, s.end):
            if any(x.start <= m.start() < x.end for x in s.names) or self._negated(s, m.start()):
                continue  # ("هيئة تحرير الشام": a name)
            takers = self._subject_after(s, m.end())
            if not takers or takers[0].start - m.end() > 2:
                continue  # the taker right after the noun, as its genitive
            rest = self._after_subject(s, takers)
            noun = m.group(0)
            marker = re.compile(rf"{ar.ALA}\s+" if re.search("سيطر|ستيلاء", noun) else
                                rf"(?:{ar.ILA}\s+)?" if "دخول" in noun else "").match(self.text, rest, self.end)
            places = self._places_at(s, marker.end()) if marker else []
            for t in takers:
                for p in places:
                    self._add({"type": "control", "city": p.id, "faction": t.id}, s, m.start(), when_at=p.start)

    def _control_place_first(self, s: _Sentence) -> None:
        """"سقطت حلب بيد X", "باتت حماة تحت سيطرة X", "تمت السيطرة على درعا من قبل X"."""
        for verb, after in ((ar.FELL, ar.FELL_TO), (ar.BECAME, ar.UNDER), (ar.PASSIVE, ar.AGENT)):
            for m in verb.finditer(self.text, s.start, s.end):
                if self._negated(s, m.start()):
                    continue
                places = self._places_at(s, m.end())
                if not places:
                    continue
                to = after.match(self.text, places[-1].end, self.end)
                takers = self._subject_after(s, to.end()) if to else []
                if not takers and to is None and (verb is ar.PASSIVE or verb is ar.FELL and "سقوط" not in m.group(0)):
                    # "سقطت حماة", "تمت السيطرة على حماة" with no one named: the faction that
                    # advanced on it, else the one offensive's leader (as the English reader)
                    for p in places:
                        taker = self.advanced.get(p.id) or self._offensive_leader()
                        if taker:
                            self._add({"type": "control", "city": p.id, "faction": taker}, s, m.start(),
                                      when_at=p.start)
                    continue
                for t in takers:
                    for p in places:
                        self._add({"type": "control", "city": p.id, "faction": t.id}, s, m.start(),
                                  when_at=p.start)

    def _course(self, s: _Sentence) -> None:
        """"انتهت بالسيطرة الكاملة على مدينة حمص": the deeds that tell the offensive's course, the
        place right after each (so no taker of their own between): the one offensive's leader's."""
        leader = self._offensive_leader()
        for m in ar.COURSE.finditer(self.text, s.start, s.end) if leader else ():
            if self._negated(s, m.start()):
                continue
            _, b = self._clause(s, m.start())
            for deed in ar.COURSE_DEED.finditer(self.text, m.end(), min(b, m.end() + 300)):
                for p in self._places_at(s, deed.end()):
                    claim = ({"type": "control", "city": p.id, "faction": leader} if deed.group("control") else
                             {"type": "advance", "faction": leader, "toward": p.id})
                    self._add(claim, s, deed.start(), when_at=p.start)

    def _find_offensive(self, s: _Sentence) -> None:
        """"شنت هيئة تحرير الشام هجوما", "عملية بقيادة X": the offensive's leader."""
        for m in ar.OFFENSIVE_VERB.finditer(self.text, s.start, s.end):
            leaders = self._subject_after(s, m.end())
            rest = self._after_subject(s, leaders) if leaders else m.end()
            rest = ar.FROM_QUARTER.match(self.text, rest, self.end).end()  # "في الشمال"
            noun = ar.OFFENSIVE_NOUN.match(self.text, rest, self.end)
            if leaders and noun and not self._negated(s, m.start()):
                self._offensive(leaders[0].id)
                self._offensive_on(s, m, leaders, noun.end())
        for m in ar.OFFENSIVE_LED.finditer(self.text, s.start, s.end):
            leader = self._name_at(s, m.end(), "faction")
            if leader is not None and not self._negated(s, m.start()):
                self._offensive(leader.id)

    def _offensive_on(self, s: _Sentence, m: re.Match, leaders: list[_Name], pos: int) -> None:
        """"شنت X هجوما واسعا على مدينة حمص": an offensive on a city is an advance on it (as the
        English reader reads "launched an offensive on Homs"); on its countryside, none."""
        on = ar.OFFENSIVE_ON.match(self.text, pos, self.end)
        place = self._places_at(s, on.end()) if on else []
        for t in leaders:
            for p in place[:1]:
                self._add({"type": "advance", "faction": t.id, "toward": p.id}, s, m.start())

    def _offensive(self, faction: str) -> None:
        if faction not in self.offensives:
            self.offensives.append(faction)

    def _offensive_leader(self) -> str | None:
        """The one offensive the text speaks of, by who leads it: none when it names two that
        are not one coalition."""
        if not self.offensives:
            return None
        families = [{f, *self._ancestors(f)} for f in self.offensives]
        return self.offensives[0] if all(f & families[0] for f in families) else None

    def _withdrew(self, s: _Sentence) -> None:
        """"انسحبت قوات النظام من حماة أمام X": X holds it; with no one named, the faction the
        text said advanced on it (a withdrawal alone names no one who holds the place)."""
        for m in ar.WITHDREW.finditer(self.text, s.start, s.end):
            losers = self._subject_after(s, m.end())
            rest = self._after_subject(s, losers) if losers else m.end()
            if not losers:
                losers = self._subject_before(s, m.start())
            frm = ar.WITHDREW_FROM.match(self.text, rest, self.end)
            places = self._places_at(s, frm.end()) if frm and losers else []
            if not places or self._negated(s, m.start()):
                continue
            before = ar.BEFORE_TAKER.match(self.text, places[-1].end, self.end)
            named = self._name_at(s, before.end(), "faction") if before else None
            loser = losers[-1].id
            for p in places:
                taker = named.id if named is not None else self.advanced.get(p.id)
                if taker is None or {taker, *self._ancestors(taker)} & {loser, *self._ancestors(loser)}:
                    continue
                self._add({"type": "control", "city": p.id, "faction": taker, "from_faction": loser},
                          s, m.start(), when_at=p.start)

    # ---- advance -----------------------------------------------------------------------------
    def _advance(self, s: _Sentence) -> None:
        """"تقدمت X نحو حماة", "وصلت X إلى مشارف حمص", "اقتربت X من دمشق", "على بعد 20 كم من"."""
        for m in [*ar.ADVANCE.finditer(self.text, s.start, s.end),
                  *ar.REACHED.finditer(self.text, s.start, s.end),
                  *ar.NEARED.finditer(self.text, s.start, s.end)]:
            if self._negated(s, m.start()):
                continue
            takers = self._subject_after(s, m.end())
            rest = self._after_subject(s, takers) if takers else m.end()
            before = not takers  # the subject before the verb: nothing may stand between
            if before:
                takers = self._subject_before(s, m.start())
                rest = _SPACE.match(self.text, m.end(), self.end).end()
            if not takers:
                continue
            if ar.NEARED.fullmatch(m.group(0)):
                near = _FROM_PLACE.match(self.text, rest, self.end)
                place = self._name_at(s, near.end(), "place") if near else None
            else:
                # the direction may come a few words on: "تقدمت X من إدلب نحو حلب"
                way = (ar.TOWARD if ar.ADVANCE.fullmatch(m.group(0)) else
                       re.compile(ar.OUTSKIRTS.pattern + "|" + ar.WITHIN_KM.pattern))
                found = way.search(self.text, rest, self.end)
                if found is None or found.start() > rest + 40 or \
                        (found.start() > rest and (before or ar.REACHED.fullmatch(m.group(0)))):
                    continue
                if ar.REACHED.fullmatch(m.group(0)) and found.end() == found.start():
                    continue
                place = self._name_at(s, found.end(), "place")
            if place is None or _DIRECTION_AFTER.match(self.text, place.end, self.end):
                continue
            for t in takers:
                self._add({"type": "advance", "faction": t.id, "toward": place.id}, s, m.start())

    # ---- clash -------------------------------------------------------------------------------
    def _clash(self, s: _Sentence) -> None:
        """"اشتباكات بين X وY في حماة", "اشتبكت X مع Y في حمص": one clash a sentence at most."""
        for m in [*ar.CLASH_NOUN.finditer(self.text, s.start, s.end),
                  *ar.CLASH_VERB.finditer(self.text, s.start, s.end)]:
            if self._negated(s, m.start()):
                continue
            if ar.CLASH_NOUN.fullmatch(m.group(0)):
                between = ar.BETWEEN.match(self.text, m.end(), self.end)
                sides = self._subject_after(s, between.end()) if between else []
            else:
                first = self._subject_after(s, m.end())
                rest = self._after_subject(s, first) if first else m.end()
                if not first:
                    first = self._subject_before(s, m.start())
                    rest = m.end()
                with_ = ar.WITH.match(self.text, rest, self.end)
                sides = first + (self._subject_after(s, with_.end()) if with_ else [])
            factions = list(dict.fromkeys(x.id for x in sides))
            if len(factions) < 2:
                continue
            where = re.compile(r"\s+(?:\S+\s+){0,4}?(?:في|داخل)\s+|\s+(?:\S+\s+){0,4}?(?=ب\S)")
            after = where.match(self.text, sides[-1].end, self.end)
            if after is None:
                continue
            gap = ar.OBJECT_GAP.match(self.text, after.end(), self.end)
            place = self._name_at(s, gap.end() + (1 if self.text[gap.end():gap.end() + 1] == "ب" else 0), "place")
            if place is None or _DIRECTION_AFTER.match(self.text, place.end, self.end):
                continue
            claim: dict[str, Any] = {"type": "clash", "city": place.id, "factions": factions}
            parent = (self.names.entity("place", place.id) or {}).get("parent")
            if parent:
                claim.update(city=parent, place=place.id)
            self._add(claim, s, m.start())
            return

    # ---- leaders -----------------------------------------------------------------------------
    def _leader_near(self, s: _Sentence, m: re.Match) -> tuple[_Name | None, int]:
        """The leader right after the verb (with his title), else the nearest before it; and
        where the rest of the clause begins."""
        title = ar.TITLE.match(self.text, m.end(), self.end)
        after = self._name_at(s, title.end(), "leader")
        if after is not None:
            return after, after.end
        before = self._subject_before(s, m.start(), "leader", reach=80)
        return (before[-1] if before else None), m.end()

    def _leaders(self, s: _Sentence) -> None:
        first = len(self.claims)
        for m in ar.FLED.finditer(self.text, s.start, s.end):
            leader, rest = self._leader_near(s, m)
            if leader is None and len(self.previous) == 1 and not any(x.kind == "leader" for x in s.names) \
                    and re.fullmatch(r"(?:و|ف)?(?:فر|هرب|غادر|سافر|وصل|لج[أا])", m.group(0)) and \
                    (ar.TO_FOREIGN.match(self.text, m.end(), self.end) or ar.LEFT_COUNTRY.match(self.text, m.end(), self.end)):
                # "فر إلى موسكو": he, the one leader the sentence before named (as "He fled")
                leader = self.previous[0]
            if leader is None or self._negated(s, m.start()):
                continue
            to = ar.TO_FOREIGN.match(self.text, rest, self.end)
            if to is not None:
                where = ar.FOREIGN_RE.match(self.text, to.end(), self.end)
                self._add({"type": "leader_status", "leader": leader.id, "status": "abroad",
                           "location": ar.FOREIGN[where.group(0)]}, s, m.start())
            elif ar.LEFT_COUNTRY.match(self.text, rest, self.end) and not m.group(0).endswith(("وصل", "لجأ", "لجا", "لجوء")):
                claim = {"type": "leader_status", "leader": leader.id, "status": "abroad"}
                a, b = self._clause(s, m.start())
                where = ar.FOREIGN_RE.search(self.text, rest, b)
                if where is not None:
                    claim["location"] = ar.FOREIGN[where.group(0)]
                self._add(claim, s, m.start())
        for m in ar.ASYLUM.finditer(self.text, s.start, s.end):
            a, b = self._clause(s, m.start())
            words = ar.ASYLUM_WORDS.search(self.text, m.end(), min(b, m.end() + 60))
            if words is None or self._negated(s, m.start()):
                continue
            inside = [x for x in s.names if x.kind == "leader" and m.end() <= x.start < words.start()]
            to = re.compile(r"\s*(?:ل|إلى\s+|الى\s+)").match(self.text, words.end(), self.end)
            later = self._name_at(s, to.end(), "leader") if to else None
            leader = inside[0] if inside else later
            if leader is None and m.group(0).endswith(("ه", "هم")):
                # "منحته روسيا اللجوء": him, the leader the sentence named before
                named = [x for x in s.names if x.kind == "leader" and x.end <= m.start()]
                leader = named[-1] if named else None
            if leader is None and m.group(0).endswith(("حصل", "طلب", "يطلب")):
                leader, _ = self._leader_near(s, m)  # "حصل الأسد على اللجوء"
            if leader is None:
                continue
            claim = {"type": "leader_status", "leader": leader.id, "status": "in_exile"}
            where = ar.FOREIGN_RE.search(self.text, a, b)
            if where is not None:
                claim["location"] = ar.FOREIGN[where.group(0)]
            self._add(claim, s, m.start())
        for m in ar.OUSTED.finditer(self.text, s.start, s.end):
            # "أطاحت الفصائل ببشار الأسد", "الإطاحة بالأسد": not "الإطاحة بنظام الأسد" (the
            # regime's fall, which the English reader leaves out too)
            # "أطاحت فصائل المعارضة ب...": a few words of subject between the verb and "ب"
            by = re.compile(r"(?:\S+\s+){0,4}?ب(?=\S)").match(self.text, m.end(), self.end)
            if by is None:
                continue
            at = by.end() - 1
            title = ar.TITLE.match(self.text, at + 1, self.end)
            leader = self._name_at(s, title.end(), "leader") or self._name_at(s, at + 1, "leader")
            if leader is None and re.match(r"به(?![\w])", self.text[at:at + 3]):
                # "حتى الإطاحة به": him, the leader the sentence (else the one before) named
                named = [x for x in s.names if x.kind == "leader" and x.end <= m.start()]
                leader = named[-1] if named else (self.previous[0] if len(self.previous) == 1 else None)
            if leader is None or self._negated(s, m.start()):
                continue
            self._add({"type": "leader_status", "leader": leader.id, "status": "removed"}, s, m.start())
        for m in ar.STEPPED_DOWN.finditer(self.text, s.start, s.end):
            leader, _ = self._leader_near(s, m)
            if leader is None or self._negated(s, m.start()):
                continue
            self._add({"type": "leader_status", "leader": leader.id, "status": "removed"}, s, m.start())
        for m in ar.KILLED.finditer(self.text, s.start, s.end):
            title = ar.TITLE.match(self.text, m.end(), self.end)
            leader = self._name_at(s, title.end(), "leader")
            if leader is None or self._negated(s, m.start()):
                continue
            self._add({"type": "leader_status", "leader": leader.id, "status": "dead"}, s, m.start())
        for m in ar.WHEREABOUTS.finditer(self.text, s.start, s.end):
            title = ar.TITLE.match(self.text, m.end(), self.end)
            leader = self._name_at(s, title.end(), "leader")
            known = re.search(ar.NOT_KNOWN.pattern + "$", self.text[max(s.start, m.start() - 40):m.end()])
            if leader is None or not (known or ar.UNKNOWN.match(self.text, leader.end, self.end)):
                continue
            self._add({"type": "leader_status", "leader": leader.id, "status": "whereabouts_unknown"},
                      s, m.start())
        exile_over_abroad(self.claims, first)  # no second "abroad" for an exile's flight
        self._coup(s)

    def _coup(self, s: _Sentence) -> None:
        """"قاد X انقلابا ضد Y في دمشق", "انقلاب بقيادة X على Y": a coup in the sentence's first
        whole place, against the leader named after "ضد"/"على", else the text's one head of state."""
        for m in ar.COUP.finditer(self.text, s.start, s.end):
            if self._negated(s, m.start()):
                continue
            led = ar.COUP_LED.match(self.text, m.end(), self.end)
            leader, rest = (self._name_at(s, ar.TITLE.match(self.text, led.end(), self.end).end(), "leader"), None) \
                if led else (None, None)
            if leader is not None:
                rest = leader.end
            else:
                leader, rest = self._leader_by_verb(s, m.start()), m.end()
            against = ar.COUP_AGAINST.match(self.text, rest, self.end) if rest is not None else None
            target = self._name_at(s, ar.TITLE.match(self.text, against.end(), self.end).end(), "leader") \
                if against else None
            target_id = target.id if target is not None else self.head_of_state
            place = next((x for x in s.names if x.kind == "place" and
                          not ar.PART_BEFORE.search(self.text, max(s.start, x.start - 12), x.start)), None)
            if leader is None or place is None or target_id in (None, leader.id):
                continue
            self._add({"type": "coup", "city": place.id, "led_by": leader.id, "against": target_id},
                      s, m.start())

    def _leader_by_verb(self, s: _Sentence, pos: int) -> _Name | None:
        """The leader of "قاد X انقلابا" (after the verb) or "X يقود انقلابا" (before it)."""
        verbs = list(ar.COUP_VERB.finditer(self.text, max(s.start, pos - 60), pos))
        if not verbs:
            return None
        verb = verbs[-1]
        title = ar.TITLE.match(self.text, verb.end() + 1, pos)
        after = self._name_at(s, title.end(), "leader")
        if after is not None:  # nothing but the leader between the verb and the coup
            return after if not self.text[after.end:pos].strip() else None
        if self.text[verb.end():pos].strip():
            return None
        before = self._subject_before(s, verb.start(), "leader", reach=40)
        return before[-1] if before else None

    def _years(self, a: int, b: int) -> list[re.Match[str]]:
        """The years of a clause that may date its deed: not one it is counted from ("لأول مرة
        منذ اندلاع النزاع في 2011")."""
        return [y for y in ar.YEAR.finditer(self.text, a, b)
                if not ar.SINCE.search(self.text, max(a, y.start() - 40), y.start())]

    # ---- output ------------------------------------------------------------------------------
    def _add(self, claim: dict[str, Any], s: _Sentence, pos: int, when_at: int | None = None) -> None:
        a, b = self._clause(s, pos)
        old = self.published.astimezone(LOCAL).year - 1
        story = [p for p, d in s.dates if d[1] == "day" and d[0].year >= old and a <= p < b]
        if any(int(y.group(1)) < old and not any(min(y.start(), pos) <= p < max(y.start(), pos) for p in story)
               for y in self._years(a, b)) and not any(p > pos for p in story):
            return  # "سيطرت قوات النظام على حلب عام 2016": background (unless a day of the story
            # stands between the year and the deed, or dates the deed after it)
        clause = self.text[a:b]
        confidence = ("unconfirmed" if ar.HEDGES.search(clause) else
                      "confirmed" if ar.CONFIRMS.search(clause) else "reported")
        when, precision = self._date_at(s, pos if when_at is None else when_at)
        summary = self.original[self.keep[s.start]:self.keep[s.end - 1] + 1].strip()
        out = {"type": claim.pop("type"), "occurred_at": when.isoformat(), "precision": precision,
               "confidence": confidence, "summary": summary[:2000]}
        out.update(claim)
        key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in out.items()
                           if k not in ("summary", "confidence")))
        if key in self.seen:
            return
        self.seen.add(key)
        self.claims.append(out)
        if out["type"] == "advance":
            self.advanced[out["toward"]] = out["faction"]
