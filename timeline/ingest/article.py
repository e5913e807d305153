"""The structure of a news article as the claim reader needs it: headline, headings, dateline,
sentences, clauses, and the dates sentences name, resolved against the publication time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

# Syria has kept UTC+3 all year since 2022: times of day in an article are local.
LOCAL = timezone(timedelta(hours=3))

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
PART_OF_DAY = {"night": 21, "evening": 19, "afternoon": 15, "morning": 9, "dawn": 5,
               "midday": 12, "noon": 12}

_ABBREVIATIONS = re.compile(r"\b(?:Gen|Brig|Col|Lt|Maj|Capt|Sgt|Dr|Mr|Mrs|Ms|St|Jr|Sr|No|vs|"
                            r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K)\.$")
_DATELINE = re.compile(r"^\s*([A-Z][A-Z'’\- ]{2,40}?)(?:,\s*[A-Z][A-Za-z'’ \-]{1,30}?)?\s*"
                       r"(?:\([^)]{1,40}\)\s*)?[–—-]{1,2}\s+")


# The longest run of text read as one sentence. The reader's rules look around each verb within
# its sentence, so their work grows with the square of a sentence's length: a text without
# punctuation (60,000 characters of "HTS seized Aleppo") took 72 s as one sentence. Longer runs
# are cut, at a space, into pieces of at most this length, which keeps the work linear in the
# text (tests/unit/test_extract_bounded.py). Real sentences are far shorter (the longest in the
# evaluation articles is under 700 characters).
MAX_SENTENCE = 1000


@dataclass
class Sentence:
    text: str
    paragraph: int
    heading: bool = False
    mentions: list[Any] = field(default_factory=list)  # extract.Mention
    segments: list[tuple[int, int, bool]] = field(default_factory=list)  # (start, end, relative)


# ---- the article --------------------------------------------------------------------------------

def split_article(text: str) -> tuple[str | None, list[Sentence], str | None]:
    """(headline, sentences in order with their paragraph, dateline city name)."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    headline = None
    dateline = None
    sentences: list[Sentence] = []
    value_next = False  # the line after an infobox's label is its value
    for n, line in enumerate(lines):
        label = _INFOBOX_LABEL.match(line) if n else None
        if label is not None and label.end() == len(line):
            value_next = True
            sentences.append(Sentence(line, n, heading=True))
            continue
        is_value, value_next = value_next or label is not None, False
        if label is not None:
            line = line[label.end():].lstrip(" :\u2013\u2014-")  # "Date8 December 2024", "Result: ..."
            if not line:
                continue
        # an infobox's value is a fragment that states ("HTS captures Aleppo", "Aleppo captured
        # by HTS"), without a full stop: read as a sentence, not as a heading
        is_heading = _is_heading(line) and not is_value
        if n == 0 and is_heading:
            headline = line
        if is_heading:
            sentences.append(Sentence(line, n, heading=True))
            continue
        m = _DATELINE.match(line)
        if m and dateline is None and not any(not s.heading for s in sentences):
            dateline = m.group(1).strip()
            line = line[m.end():]
        for s in split_sentences(line):
            for piece in cut_long(s):
                sentences.append(Sentence(piece, n))
    return headline, sentences, dateline


# The labels of an encyclopedia's infobox, as a line of their own (the value on the next line, or
# a label cut over two lines: "Territorial" / "changes") or before their value ("Date8 December
# 2024 – present" as served, "Result: ...").
_INFOBOX_LABEL = re.compile(r"(?:Dates?|Location|Result|Status|Territorial(?:\s+changes)?|changes|"
                            r"Belligerents|Commanders(?:\s+and\s+leaders)?|Strength|"
                            r"Casualties(?:\s+and\s+losses)?)(?:\s*:\s*|(?=\d)|\s+(?=[A-Z0-9])|$)")
_CITATIONS = re.compile(r"(?:\s*\[[^\]\n]{1,40}\])+\s*$")


def _is_heading(line: str) -> bool:
    if len(line) > 300:
        return False  # a paragraph without its full stop, read (and cut) as sentences
    line = _CITATIONS.sub("", line)  # "... captured Hama.[2]" ends a sentence
    words = line.split()
    if line.endswith("...") or line.endswith("…"):
        return len(words) <= 6
    if re.search(r"[.!\"”'’)]$", line):
        return False
    return len(words) <= 25


def cut_long(sentence: str, limit: int = MAX_SENTENCE) -> list[str]:
    """A sentence longer than `limit` as pieces of at most `limit` characters, each cut at the
    last clause mark (";", ",") or else space before the limit (anywhere, if there is none)."""
    out = []
    while len(sentence) > limit:
        window = sentence[:limit]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        out.append(sentence[:cut + 1].strip())
        sentence = sentence[cut + 1:].lstrip()
    if sentence.strip():
        out.append(sentence.strip())
    return [piece for piece in out if piece]


def split_sentences(text: str) -> list[str]:
    out, start = [], 0
    # (a sentence may end in citation marks, as pasted from an encyclopedia: "... 5 December.[27] The")
    for m in re.finditer(r"[.!?][\"”’)]?(?:\s*\[[^\]\n]{1,40}\])*\s+(?=[\"“‘(]?[A-Z0-9])", text):
        # only the candidate's last word can be an abbreviation: a bounded look, however many
        # abbreviations came before (the whole candidate made "Gen. Gen. Gen. ..." quadratic)
        candidate = text[max(start, m.start() - 12):m.start() + 1]
        if _ABBREVIATIONS.search(candidate) or re.search(r"\b[A-Z]\.$", candidate):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def segments(sentence: str) -> list[tuple[int, int, bool]]:
    """Clauses as (start, end, is_relative): relative clauses (", who ... ,") apart from the rest,
    which is cut at clause boundaries (";", ", with", ", while", ", but", ", sparking", ...)."""
    relative = [(m.start(), m.end()) for m in
                re.finditer(r",\s*(?:who|which|whose|whom)\b[^,;]*(?:,|$)", sentence)]
    cuts = sorted({m.start() for m in re.finditer(
        r";|,\s*(?:with|while|but|whereas|although|though|amid|as|sparking|fuell?ing|prompting|"
        r"raising|according to)\b|\s+but\s+|\bhowever\b|"
        # a participle or "before/after" clause is its own event, with its own date: "advanced
        # toward Hama, capturing it on 5 December"
        r",\s*(?:(?:subsequently|later|then|eventually|finally|before|after)\s+)?(?:captur|tak|seiz|"
        r"enter|overrunn|storm|reach|push|advanc|driv|mov)ing\b|,\s*(?:before|after|then|and then|"
        r"subsequently)\b", sentence, re.I)})
    bounds = sorted({0, len(sentence), *cuts, *(s for s, _ in relative), *(e for _, e in relative)})
    out = []
    for a, b in pairwise(bounds):
        if b <= a:
            continue
        rel = any(s <= a and b <= e for s, e in relative)
        out.append((a, b, rel))
    return out


# ---- dates ----------------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"\b(?:(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?P<wdpart>night|evening|afternoon|morning|dawn))?"
    r"(?:,?\s+(?P<wdday>\d{1,2})(?:st|nd|rd|th)?\s+(?P<wdmon>" + "|".join(MONTHS) + r"))?"
    r"|(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>" + "|".join(MONTHS) + r")(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<iso>(?P<iy>20\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d))"
    r"|(?P<mon2>" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+"
    r"(?P<day2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year2>\d{4}))?"
    r"|(?P<rel>today|tonight|this morning|this afternoon|this evening|yesterday|last night|"
    r"overnight|earlier today|on the night of|(?:over|at|during) the weekend|this weekend|last weekend)"
    # a span that ends at publication ("last week", "in the past week", "earlier this month"):
    # a day inside it, with the span's precision (week or month)
    r"|(?P<span>last week|(?:the|this) past (?:week|seven days)|earlier this (?:week|month)|last month)"
    # a month without its day ("in November 2024", "late November", "mid-December"): precision
    # month; taken only with its year or a word that makes it a time ("in", "late", ...)
    r"|(?P<mpart>(?:early|mid|late|(?:early|late|later) in|the (?:end|beginning|start|middle) of|"
    r"the (?:first|second|third|fourth|last|final) (?:week|days|half|fortnight) of)[\s-]+)?"
    r"(?P<mon3>" + "|".join(MONTHS) + r")(?:,?\s+(?P<year3>\d{4}))?)\b", re.I)
# The first day of a span, before its last: "from 2 to 5 December", "between 6 and 11 December".
_SPAN_START = re.compile(r"\b(?:from|between)\s+(\d{1,2})(?:st|nd|rd|th)?\s*(?:to|and|until|till|[–—-])\s*$", re.I)
_MONTH_LEAD = re.compile(r"\b(?:in|during|since|until|through|throughout|by|from|of)\s+$", re.I)
_NIGHT = re.compile(r"on the night of\s+(\d{1,2})(?:\s*[/–-]\s*\d{1,2})?\s+(" + "|".join(MONTHS) + r")",
                    re.I)
MONTH_DAY = {"early": 5, "beginning": 1, "start": 1, "mid": 15, "middle": 15, "late": 25, "end": 28,
             "later": 20}
# "the first week of December", "the last days of November": a day inside the part named.
_PART_DAY = {"first week": 4, "first days": 3, "first half": 8, "first fortnight": 8,
             "second week": 11, "third week": 18, "fourth week": 25, "second half": 23,
             "last week": 27, "last days": 28, "final week": 27, "final days": 28,
             "last half": 23, "last fortnight": 23}


def _month_only_ok(text: str, m: re.Match) -> bool:
    """Whether a month named alone is a time: "in November 2024", "late November", not "may"."""
    if m.group("year3") or m.group("mpart"):
        return True
    return m.group("mon3")[:1].isupper() and bool(_MONTH_LEAD.search(text[max(0, m.start() - 12):m.start()]))


_BORN = re.compile(r"\b(?:born|b\.)\s+(?:on\s+|in\s+)?$", re.I)
_CLOCK = re.compile(r"\b(?:at|around|about|by)\s+(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)", re.I)


def sentence_date(text: str, published: datetime) -> tuple[datetime, str] | None:
    """(local time, precision) of the first date the sentence names, or None."""
    m = next((m for m in _DATE_RE.finditer(text) if (not m.group("mon3") or _month_only_ok(text, m))
              and not _BORN.search(text, max(0, m.start() - 16), m.start())), None)
    if m is None:
        return None
    today = published.astimezone(LOCAL).date()
    g = {k: (v.lower() if isinstance(v, str) else v) for k, v in m.groupdict().items()}
    if g["mon3"]:
        return _month_date(g, today)
    if g["span"]:
        return _span_date(g["span"], today)
    if g["rel"] == "on the night of":
        night = _NIGHT.match(text, m.start())
        day = _month_day(int(night.group(1)), night.group(2).lower(), None, today) if night else None
        if day is None:
            return None
        return datetime(day.year, day.month, day.day, 21, tzinfo=LOCAL), "day"
    found = _day_of(g, today)
    if found is None:
        return None
    day, hour = found
    tail = text[m.end():m.end() + 12].lower()
    for part, h in PART_OF_DAY.items():
        if re.match(rf"\s+(?:{part})\b", tail):
            hour = h
    precision = "day"
    clock = _CLOCK.search(text)
    if clock:
        h = int(clock.group(1)) % 12 + (12 if clock.group(3).lower().startswith("p") else 0)
        hour, precision = h, "hour"
        return datetime(day.year, day.month, day.day, hour, int(clock.group(2) or 0),
                        tzinfo=LOCAL), precision
    return datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL), precision


def _day_of(g: dict[str, Any], today: date) -> tuple[date, int] | None:
    """(the day, the hour) of a date named with its day, a weekday or a relative word."""
    hour = 12
    day: date | None = None
    if g["wd"]:
        if g["wdday"] and g["wdmon"]:
            day = _month_day(int(g["wdday"]), g["wdmon"], None, today)
        else:
            back = (today.weekday() - WEEKDAYS.index(g["wd"])) % 7
            day = today - timedelta(days=back)
        hour = PART_OF_DAY.get(g["wdpart"] or "", 12)
    elif g["mon"]:
        day = _month_day(int(g["day"]), g["mon"], g["year"], today)
    elif g["mon2"]:
        day = _month_day(int(g["day2"]), g["mon2"], g["year2"], today)
    elif g["iso"]:  # "2024-12-08", as agencies' tables write it
        try:
            day = date(int(g["iy"]), int(g["im"]), int(g["id"]))
        except ValueError:
            return None
    else:
        rel = g["rel"]
        day = today - timedelta(days=1) if rel in ("yesterday", "last night") else today
        if rel.endswith("weekend"):  # the weekend just past (its Sunday), or this one if it is now
            day = today - timedelta(days=(today.weekday() + 1) % 7) if today.weekday() != 5 else today
        hour = {"tonight": 21, "last night": 21, "this morning": 9, "this afternoon": 15,
                "this evening": 19, "overnight": 2}.get(rel, 12)
    return (day, hour) if day is not None else None


def _month_date(g: dict[str, Any], today: date) -> tuple[datetime, str] | None:
    """A month named without its day ("in November 2024", "late November"): a day in it, by the
    word before it (early, mid, late), with precision month."""
    part = " ".join((g["mpart"] or "").strip(" -").split())
    word = part.split()
    middle = (_PART_DAY.get(" ".join(word[1:3])) if word[:1] == ["the"] and len(word) > 2 and
              word[2] != "of" else None)
    if middle is None:
        middle = MONTH_DAY.get(word[1] if word[:1] == ["the"] and len(word) > 1 else
                               (word[0] if word else "mid"), 15)
    day = _month_day(middle, g["mon3"], g["year3"], today)
    if day is not None and day > today and (day.year, day.month) == (today.year, today.month):
        day = today  # "in December", written in December: not after the article
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, 12, tzinfo=LOCAL), "month"


# Precisions too coarse to count "the next day" from, or to date the sentences after them by
# (a month or a week named without its day).
COARSE = ("month", "week")


def _span_date(span: str, today: date) -> tuple[datetime, str]:
    """A span that ends at publication: the middle of what of it is past (last week: seven days
    before; the past week: three; earlier this week or month: between its first day and
    yesterday; last month: its 15th), with precision week or month."""
    if span == "last week":
        day, precision = today - timedelta(days=7), "week"
    elif span.endswith(("past week", "seven days")):
        day, precision = today - timedelta(days=3), "week"
    elif span == "earlier this week":
        day, precision = today - timedelta(days=(today.weekday() + 1) // 2), "week"
    elif span == "earlier this month":
        day, precision = today - timedelta(days=today.day // 2), "month"
    else:  # last month
        first = today.replace(day=1) - timedelta(days=1)
        day, precision = first.replace(day=15), "month"
    return datetime(day.year, day.month, day.day, 12, tzinfo=LOCAL), precision


# Days named relative to the last date the text gave ("the next day", "two days earlier").
_RELATIVE = re.compile(
    r"\b(?:(?P<next>the (?:next|following) (?:day|morning|evening|night)|a day later|the day after)|"
    r"(?P<week>(?:a|one) week (?P<wdir>later|after|earlier|before)|the following week|"
    r"(?P<wprev>the (?:previous|preceding) week|the week before))|"
    r"(?P<same>(?:later )?(?:on )?the same (?:day|evening|night)|that (?:same )?(?:day|evening|night|"
    r"morning|afternoon)|later that (?:day|evening|night))|"
    r"(?P<before>the (?:previous|preceding) day|the day before|a day earlier)|"
    # vaguer: "later that month" (the rest of the last day's month), "days later" (about three)
    r"(?P<laterm>later (?:that|the same|in the) month|(?:that|the same) month)|"
    r"(?P<few>(?:(?:a few|several|some)\s+)?days (?:later|afterwards))|"
    r"(?P<n>two|three|four|five|six|2|3|4|5|6) days (?P<dir>later|earlier|after|before)|"
    r"(?P<night>(?:on )?the night of (?P<d1>\d{1,2})(?:\s*[/–-]\s*\d{1,2})?\s+(?P<m1>" + "|".join(MONTHS) + r")))\b",
    re.I)
_COUNT = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def dates_in(text: str, published: datetime, anchor: tuple[datetime, str] | None
             ) -> list[tuple[int, tuple[datetime, str]]]:
    """Every date a sentence names, with its position: (start, (local time, precision)), in
    order. Days named relative to another day ("the next day") count from `anchor`, the last
    date the text gave before, or from the date before them in the sentence."""
    out: list[tuple[int, tuple[datetime, str]]] = []
    nights = [(m.start(), m.end()) for m in _NIGHT.finditer(text)]
    for m in _DATE_RE.finditer(text):
        if (m.group("rel") or "").lower() == "on the night of":
            continue  # "on the night of 7/8 December": the date follows (_RELATIVE)
        if any(a <= m.start() < b for a, b in nights):
            continue  # the "8 December" of "the night of 7/8 December": that night, not the 8th
        if m.group("mon3") and not _month_only_ok(text, m):
            continue
        if _BORN.search(text, max(0, m.start() - 16), m.start()):
            continue  # "(born 10 June 1970)": a day of a life, which dates no event after it
        # (a month alone is taken after "in", which the slice leaves out)
        found = sentence_date(("in " if m.group("mon3") else "") + text[m.start():m.end() + 14],
                              published)
        span = _SPAN_START.search(text, max(0, m.start() - 24), m.start()) if m.group("mon") else None
        if found and span:
            # "fought from 2 to 5 December": a span of days is dated by its first
            first = sentence_date(f"{span.group(1)} {m.group('mon')} {m.group('year') or ''}", published)
            if first and first[0] <= found[0]:
                out.append((span.start(1), first))
                continue
        if found:
            out.append((m.start(), found))
    for m in _RELATIVE.finditer(text):
        # a day counts from a day: "the next day" after "in November" is not known
        base = next((d for p, d in reversed(out) if p < m.start() and d[1] not in COARSE), anchor)
        g = m.groupdict()
        if g["night"]:
            day = _month_day(int(g["d1"]), g["m1"].lower(), None, published.astimezone(LOCAL).date())
            if day:
                out.append((m.start(), (datetime(day.year, day.month, day.day, 21, tzinfo=LOCAL), "day")))
            continue
        if base is None:
            continue
        if g["laterm"]:
            last = (base[0].replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            mid = base[0] + (last - base[0]) / 2
            out.append((m.start(), (mid.replace(hour=12, minute=0), "month")))
            continue
        if g["few"]:
            out.append((m.start(), ((base[0] + timedelta(days=3)).replace(hour=12, minute=0), "week")))
            continue
        if g["same"]:
            shift = 0
        elif g["next"]:
            shift = 1
        elif g["week"]:
            # "a week earlier", "the week before": back from the day before it
            shift = -7 if g["wprev"] or (g["wdir"] or "").lower() in ("earlier", "before") else 7
        elif g["before"]:
            shift = -1
        else:
            n = int(g["n"]) if g["n"].isdigit() else _COUNT[g["n"].lower()]
            shift = n if g["dir"].lower() in ("later", "after") else -n
        when = base[0] + timedelta(days=shift)
        out.append((m.start(), (when.replace(hour=12, minute=0) if shift else when, base[1])))
    out.sort(key=lambda x: x[0])
    return out


def _month_day(day: int, month: str, year: str | None, today: date) -> date | None:
    names = {m[:3]: i + 1 for i, m in enumerate(MONTHS)}
    month_no = names.get(month[:3])
    if month_no is None:
        return None
    try:
        if year:
            return date(int(year), month_no, day)
        found = date(today.year, month_no, day)
        if found > today + timedelta(days=1):
            found = date(today.year - 1, month_no, day)
        return found
    except ValueError:
        return None
