"""Which language an article is in, and what the reader can do with text it cannot read for
claims: Arabic names (with their attached proclitics: و، ب، ل، ف، ك) and Arabic dates.

Detection is by script, then, for Latin script, by the share of each language's commonest
words: enough to tell the reader's one language (English) from the others, with no model to
load. Codes are BCP 47 (`en`, `ar`, `fr`); `und` when the text gives too little to tell.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .article import LOCAL
from ..domainmodel import name_key

NAMES = {"en": "English", "ar": "Arabic", "fr": "French", "de": "German", "es": "Spanish",
         "tr": "Turkish", "ru": "Russian", "uk": "Ukrainian", "fa": "Persian", "ku": "Kurdish",
         "he": "Hebrew", "it": "Italian", "und": "an undetermined language"}
# Languages whose claims the reader extracts.
READ = {"en"}

_COMMON = {
    "en": "the of and to in a is that was for on with by as were from has had have it its at "
          "said which after".split(),
    "fr": "le la les des et en du un une est dans que pour sur par au aux ont été qui".split(),
    "de": "der die das und den dem des ist ein eine nicht mit von zu im auf sich wurde".split(),
    "es": "el la los las de y en del que por con una para se fue al como sus".split(),
    "it": "il la di che e del della per con una sono nel alla dei gli".split(),
    "tr": "ve bir bu ile için da de olarak olan çok daha sonra ise".split(),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY = re.compile("[پچژگ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_ONLY = re.compile("[іїєґІЇЄҐ]")
_HEBREW = re.compile(r"[\u0590-\u05ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def detect(text: str, sample: int = 20_000) -> str:
    """The text's language code (see the module's docstring). Reads at most `sample`
    characters: the answer does not change with the length of a long article."""
    head = text[:sample]
    counts = {"ar": len(_ARABIC.findall(head)), "cyrillic": len(_CYRILLIC.findall(head)),
              "he": len(_HEBREW.findall(head)), "latin": len(_LATIN.findall(head))}
    script = max(counts, key=lambda k: counts[k])
    if counts[script] < 3:
        return "und"
    if script == "ar":
        return "fa" if len(_PERSIAN_ONLY.findall(head)) > counts["ar"] * 0.01 else "ar"
    if script == "cyrillic":
        return "uk" if _UKRAINIAN_ONLY.search(head) else "ru"
    if script == "he":
        return "he"
    words = [w.lower() for w in _WORD.findall(head)]
    if not words:
        return "und"
    scores = {lang: sum(1 for w in words if w in set(common)) for lang, common in _COMMON.items()}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] == 0 or (len(words) >= 8 and scores[best] < len(words) * 0.05):
        return "en" if len(words) < 8 else "und"
    return best


def name_of(code: str) -> str:
    return NAMES.get(code, code)


# ---- Arabic names --------------------------------------------------------------------------------

_AR_TOKEN = re.compile(r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u06d5\u0671-\u06ff]+")
_PROCLITIC = re.compile("^(?:و|ف)?(?:ب|ل|ك)?")
MAX_SPAN = 5


def arabic_mentions(text: str, names: Any, index: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Names in Arabic text, longest first, with a proclitic stripped from the first word
    ("وحلب" is "و" + "حلب"; "للجيش": "ل" + "الجيش"). Each as {text, kind, id, ids, start, end}."""
    tokens = [(m.start(), m.end()) for m in _AR_TOKEN.finditer(text)]
    out: list[dict[str, Any]] = []
    # A name can only begin with a word that begins some name's key: most words are skipped
    # after one cached key each, not keyed again in every span of up to MAX_SPAN words after
    # them (a 60,000-character text: 120,000 keys, 6 s, before).
    firsts = {key.split(" ", 1)[0] for key in index}
    first_keys: dict[str, str] = {}
    keys: dict[str, str] = {}  # a name recurs: each span's key is made once
    i = 0
    while i < len(tokens):
        found = None
        word = text[tokens[i][0]:tokens[i][1]]
        cuts = [(skip, _first_word(word, skip)) for skip in _prefix_cuts(word)]
        glued = i + 1 < len(tokens) and " " not in text[tokens[i][1]:tokens[i + 1][0]]
        if not glued:  # (words joined by a tatweel alone make one key: no shortcut then)
            cuts = [(skip, first) for skip, first in cuts
                    if first_keys.setdefault(first, name_key(first).split(" ", 1)[0]) in firsts]
        for j in range(min(len(tokens), i + MAX_SPAN), i, -1) if cuts else ():
            start, end = tokens[i][0], tokens[j - 1][1]
            if any(text[tokens[k][1]:tokens[k + 1][0]].strip(" \u0640-") for k in range(i, j - 1)):
                continue  # punctuation between the words: not one name
            for skip, first in cuts:
                candidate = first + text[start + len(word):end]
                key = keys.get(candidate)
                if key is None:
                    key = keys[candidate] = name_key(candidate)
                kinds = index.get(key)
                if kinds and len(key.replace(" ", "")) >= 2:
                    found = (j, start + skip, end, candidate, kinds)
                    break
            if found:
                break
        if found is None:
            i += 1
            continue
        j, start, end, candidate, kinds = found
        kind = next(k for k in ("faction", "leader", "place", "governorate") if k in kinds)
        ids = [] if kind == "governorate" else names.lookup(kind, candidate)
        out.append({"text": text[start:end], "kind": kind, "ids": ids,
                    "id": ids[0] if len(ids) == 1 else None, "start": start, "end": end})
        i = j
    return out


def _first_word(word: str, skip: int) -> str:
    """The word without its first `skip` letters, a proclitic ("للجيش" = "ل" + "الجيش")."""
    if skip and word[skip:skip + 1] == "ل" and word[:2] == "لل":
        return "ا" + word[skip:]
    return word[skip:]


def _prefix_cuts(word: str) -> list[int]:
    """How many leading letters may be a proclitic: none first, then the longest."""
    m = _PROCLITIC.match(word)
    cuts = [0]
    n = m.end() if m else 0
    while n > 0:
        if len(word) - n >= 2:
            cuts.append(n)
        n -= 1
    return cuts


# ---- Arabic dates --------------------------------------------------------------------------------

_AR_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Both sets of month names: the Levant's (Syriac) and the Egyptian/MSA ones.
AR_MONTHS = {
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5,
    "يونيو": 6, "يوليو": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
}
_AR_DATE = re.compile(
    r"(\d{1,2})\s*(?:من\s+)?(?:شهر\s+)?(" + "|".join(sorted(map(re.escape, AR_MONTHS), key=len, reverse=True))
    + r")(?:\s*/\s*[^\d\s]+(?:\s+[^\d\s]+)?)?(?:\s*(?:عام|سنة)?\s*(\d{4}))?")


def arabic_dates(text: str, published: datetime) -> list[dict[str, Any]]:
    """Dates written in Arabic ("8 كانون الأول 2024", "٨ ديسمبر", "8 كانون الأول/ديسمبر"), each
    as {text, occurred_at (local noon, as an RFC 3339 text), precision: day}."""
    plain = text.translate(_AR_DIGITS)  # same length: offsets stay those of the text
    out = []
    pub = published.astimezone(LOCAL)
    for m in _AR_DATE.finditer(plain):
        when = arabic_day(m, pub)
        if when is not None:
            out.append({"text": text[m.start():m.end()], "occurred_at": when.isoformat(),
                        "precision": "day"})
    return out


def arabic_day(m: re.Match[str], pub: datetime) -> datetime | None:
    """The day an _AR_DATE match names, at local noon (a date without its year is the last
    such day on or before `pub`, the publication's local time); None if there is no such day."""
    day, month = int(m.group(1)), AR_MONTHS[m.group(2)]
    year = int(m.group(3)) if m.group(3) else pub.year
    try:
        when = datetime(year, month, day, 12, tzinfo=LOCAL)
    except ValueError:
        return None
    if not m.group(3) and when.date() > pub.date():
        when = when.replace(year=year - 1)
    return when
