"""An article in, proposed claims out, for a person to review before filing them: names found
through the gazetteer and the aliases, claims found by the verbs around them. Standard library
only, plus the service's own name index; nothing is stored.

The approach is a reader's rules, not a model: split the article into sentences and clauses, find
the names (longest match first), then read the verbs between them: "X seized Aleppo" (control),
"clashes between X and Y in Z" (clash), "X pushed toward Homs", "capturing 26 towns in Hama
province" (advance), "X is leading the coup" (coup), "Assad remains unaccounted for" (leader
status). A hedge in the clause ("alleged", "reportedly", "unconfirmed", "rumours") makes the claim
`unconfirmed`; relative dates ("Friday night") resolve against the publication time.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

from .claims import normalise_report
from .domainmodel import DomainError, name_key, parse_time
from .gazetteer import load_governorates

# Syria has kept UTC+3 all year since 2022: times of day in an article are local.
LOCAL = timezone(timedelta(hours=3))
MAX_SPAN = 8  # tokens in the longest name looked up

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
PART_OF_DAY = {"night": 21, "evening": 19, "afternoon": 15, "morning": 9, "dawn": 5,
               "midday": 12, "noon": 12}
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12})

# Capitalised English words that some gazetteer alias happens to spell (villages called "Tell",
# "Dam", "Khan", ...): alone, they are not taken for names.
STOPWORDS = set("""
a an the as at in on of to by for from with and or but if it its is are was were be been this that
these those there their they he she his her we our you your what when where who which while why
how all any some most more many much other another such than then however also after before
during since until over under into onto near north south east west northern southern eastern
western central reports report witnesses gunfire fierce top join channel next new old
tell dam sam khan mari mare dana mala kara shin cham bab tal hula sasa susa jaba raju nawa
monday tuesday wednesday thursday friday saturday sunday today tonight yesterday
january february march april may june july august september october november december
""".split())

HEDGES = re.compile(
    r"\b(?:alleged(?:ly)?|reportedly|unconfirmed|unverified|rumou?rs?|rumou?red|speculation|"
    r"purported(?:ly)?|reports? (?:suggest|suggested|indicate|indicated|claim|claimed)|"
    r"(?:is|are|was|were) (?:said|reported|believed|thought) to|could not be (?:independently )?(?:verified|confirmed)|"
    r"claimed|may have|might have|possibly)\b", re.I)
CONFIRMS = re.compile(r"\b(?:confirmed|officially announced|acknowledged|announced)\b", re.I)
NEGATION = re.compile(r"\b(?:not|never|denied|deny|denies|failed to|attempt(?:ed|ing)? to|"
                      r"tried to|trying to|sought to|threatened to|vowed to|could|would)\s+"
                      r"(?:\w+\s+){0,2}$", re.I)

CONTROL_ACTIVE = re.compile(
    r"\b(?:(?:seized|seize|seizes|seizing|took|take|takes|taken|taking|gained|gain|wrested|"
    r"regained|assumed|retook) (?:full |complete |total )?control (?:of|over)|"
    r"took over|taken over|taking over|captured|captures|capturing|capture|seized|seizing|"
    r"overran|overrun|entered|enters|entering|stormed|liberated|retook|recaptured|"
    r"(?:is|are|was|were|remains?|remained) in control of)\b", re.I)
CONTROL_PASSIVE = re.compile(
    r"\b(?:fell to|falls to|fallen to|was captured by|were captured by|was seized by|"
    r"was taken by|has been taken by|came under the control of|(?:is|was) now under the control of|"
    r"fell into the hands of|fell under the control of)\b", re.I)
ADVANCE = re.compile(
    r"\b(?:advanc(?:e|ed|es|ing)|push(?:ed|es|ing)?|march(?:ed|es|ing)?|mov(?:ed|es|ing)|"
    r"clos(?:ed|es|ing) in|head(?:ed|s|ing)|approach(?:ed|es|ing)|press(?:ed|es|ing) on)\b", re.I)
TOWARD = re.compile(r"\s*(?:(?:\w+wards?|further|(?:north|south)(?:-?(?:east|west))?|east|west|"
                    r"deeper|closer)\s+)?(?:toward|towards|on|into|to|in the direction of|"
                    r"closer to)\s+", re.I)
COUNT = re.compile(
    r"\b(?:some |about |around |at least |more than |over |nearly |almost )?"
    r"(\d{1,5}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|"
    r"four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a dozen|dozen)"
    r"\s+(?:\w+\s+)?(?:towns|villages|localities|settlements|hamlets|cities|towns and villages|"
    r"villages and towns)\b", re.I)
CLASH = re.compile(r"\b(?:clash(?:es|ed|ing)?|fighting|fought|battl(?:es?|ed|ing)|skirmish(?:es|ed)?|"
                   r"firefights?|infighting|exchanged fire|gun battles?)\b", re.I)
COUP = re.compile(r"\b(?:coup|putsch|mutiny)\b", re.I)
LEADS = re.compile(r"\b(?:leading|led|behind|staged|staging|launched|orchestrat\w*|mastermind\w*|"
                   r"heading|headed|spearhead\w*)\b", re.I)
STATUS = [
    ("whereabouts_unknown", re.compile(
        r"\b(?:unaccounted for|whereabouts (?:are |were |remain |remained |is |was )?(?:unknown|"
        r"unclear)|has not been seen|have not been seen|disappeared|vanished)\b", re.I)),
    ("in_exile", re.compile(r"\b(?:granted (?:political )?asylum|in exile|went into exile|"
                            r"sought refuge)\b", re.I)),
    ("abroad", re.compile(r"\b(?:outside the country|outside syria|abroad|left the country|"
                          r"left syria|fled (?:the country|abroad|syria))\b", re.I)),
    ("dead", re.compile(r"\b(?:was killed|has been killed|were killed|died|is dead|was "
                        r"assassinated|was executed)\b", re.I)),
    ("detained", re.compile(r"\b(?:was arrested|has been arrested|was detained|has been detained|"
                            r"was captured|taken into custody)\b", re.I)),
    ("removed", re.compile(r"\b(?:was ousted|has been ousted|was toppled|was overthrown|stepped "
                           r"down|resigned|was removed from (?:power|office)|was deposed|"
                           r"ending (?:more than |nearly |almost |over )?[\w\- ]{0,20}"
                           r"(?:decades?|years?) of (?:\w+ )?rule)\b", re.I)),
    ("active", re.compile(r"\b(?:met with|held talks|chaired|appeared in public|made a public "
                          r"appearance|addressed|received)\b", re.I)),
]
# Travel verbs: abroad when a foreign place follows, active (with the place) when a Syrian one does.
TRAVEL = re.compile(r"\b(?:arrived in|arrived at|flew to|fled to|travell?ed to|visited|toured)\s+"
                    r"(?:the\s+)?", re.I)
STAYS_IN = re.compile(r"\b(?:is|are|was|were|remains?|remained|stays?|stayed|still)\b[^.;,]{0,25}"
                      r"\bin\s+$", re.I)
NOTE_TRIGGERS = re.compile(
    r"\b(?:went silent|went off the air|off the air|landed|destroy(?:ed|ing|s)?|blew up|"
    r"air ?strikes?|shell(?:ed|ing)|bomb(?:ed|ing|ardment)|killed|withdr(?:ew|awn|awal)|"
    r"redeploy(?:ed|ment)|evacuat(?:ed|ion)|curfew|protest(?:s|ers|ed)?|demonstrat(?:ions?|ors?|ed)|"
    r"released|freed|declared|imposed|set fire|looted|stormed|struck|strikes|air raids?|deployed|"
    r"moved into|crossed|appointed|named|sworn in|asked to form|formed)\b", re.I)
FOREIGN = {
    "russia": "Russia", "moscow": "Moscow, Russia", "iran": "Iran", "tehran": "Tehran, Iran",
    "turkey": "Turkey", "türkiye": "Turkey", "ankara": "Ankara, Turkey", "istanbul": "Istanbul, Turkey",
    "lebanon": "Lebanon", "beirut": "Beirut, Lebanon", "iraq": "Iraq", "baghdad": "Baghdad, Iraq",
    "jordan": "Jordan", "amman": "Amman, Jordan", "qatar": "Qatar", "doha": "Doha, Qatar",
    "the uae": "United Arab Emirates", "united arab emirates": "United Arab Emirates",
    "abu dhabi": "Abu Dhabi, United Arab Emirates", "dubai": "Dubai, United Arab Emirates",
    "saudi arabia": "Saudi Arabia", "riyadh": "Riyadh, Saudi Arabia", "egypt": "Egypt",
    "cairo": "Cairo, Egypt", "belarus": "Belarus", "minsk": "Minsk, Belarus",
}
_FOREIGN_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, FOREIGN), key=len, reverse=True))
                         + r")\b", re.I)
FACTION_PLACEHOLDER = re.compile(r"\b(?:the group|the coalition|the faction|the militia|the alliance|"
                                 r"its fighters|its forces|the insurgents)\b", re.I)
PLACE_PLACEHOLDER = re.compile(r"\bthe (?:city|town|village|provincial capital)\b(?! of)", re.I)
CAPITAL = re.compile(r"\b(?:the (?:syrian )?capital|syria['’]s capital)\b(?! of)", re.I)
LEADER_PLACEHOLDER = re.compile(r"\b(?:the|syria['’]s) (?:former |ousted |deposed |toppled )?"
                                r"(?:syrian )?president\b", re.I)
DENIAL = re.compile(r"\b(?:denied|denies|deny|dismissed|rejected|refuted)\b", re.I)
CLAUSE_BREAK = re.compile(r",\s+and\b|;|\bwhile\b|\bwhereas\b", re.I)
PROVINCE_AFTER = re.compile(r"^\s*(?:'s\s+)?(?:province|governorate|countryside|region)\b", re.I)
DISTRICT_WORDS = re.compile(r"^\s+(?:district|neighbou?rhood|quarter|suburb)\b", re.I)
APPROACH_BEFORE = re.compile(r"\b(?:outskirts of|edge of|edges of|gates of|near|around|toward|"
                             r"towards|countryside of|approaches to|outside|(?:north|south)(?:-?(?:east|"
                             r"west))? of|east of|west of|km from|kilometres from|miles from)\s+"
                             r"(?:the\s+)?$", re.I)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_GAP_OK = re.compile(r"^[\s\-'’ʼ‘.]*$")
_ABBREVIATIONS = re.compile(r"\b(?:Gen|Brig|Col|Lt|Maj|Capt|Sgt|Dr|Mr|Mrs|Ms|St|Jr|Sr|No|vs|"
                            r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K)\.$")
_DATELINE = re.compile(r"^\s*([A-Z][A-Z'’\- ]{2,40}?)(?:,\s*[A-Z][A-Za-z'’ \-]{1,30}?)?\s*"
                       r"(?:\([^)]{1,40}\)\s*)?[–—-]{1,2}\s+")


@dataclass
class Mention:
    start: int
    end: int
    kind: str            # place, faction, leader, governorate
    ids: list[str]
    text: str
    implicit: bool = False  # "the group", "the city": stands for an earlier name

    @property
    def id(self) -> str | None:
        return self.ids[0] if len(self.ids) == 1 else None


@dataclass
class Sentence:
    text: str
    paragraph: int
    heading: bool = False
    mentions: list[Mention] = field(default_factory=list)
    segments: list[tuple[int, int, bool]] = field(default_factory=list)  # (start, end, relative)


@dataclass
class Context:
    faction: str | None = None
    actor: str | None = None  # the faction that did the last thing a claim was made of
    place: str | None = None
    leaders: list[str] = field(default_factory=list)
    coup_target: str | None = None
    coup_city: str | None = None
    dateline: str | None = None


# ---- the name index -------------------------------------------------------------------------------

# Per Names object (one per application): rebuilt when its names change.
_INDEX_CACHE: weakref.WeakKeyDictionary[Any, tuple[Any, dict[str, set[str]], set[str]]] = \
    weakref.WeakKeyDictionary()


def name_index(names: Any) -> tuple[dict[str, set[str]], set[str]]:
    """{name key: kinds it names} over every place, faction and leader name and alias, and the
    governorates; plus the keys that some alias writes in lower case ("government forces")."""
    names.entities("place")  # brings the names up to date (and their version with them)
    version = getattr(names, "_version", None)
    cached = _INDEX_CACHE.get(names)
    if cached is not None and cached[0] == version and version is not None:
        return cached[1], cached[2]
    kinds: dict[str, set[str]] = {}
    lower: set[str] = set()
    for kind in ("place", "faction", "leader"):
        for entity in names.entities(kind):
            for alias in [entity["name"], *entity.get("aliases", [])]:
                key = name_key(alias)
                if not key:
                    continue
                kinds.setdefault(key, set()).add(kind)
                if alias[:1].islower():
                    lower.add(key)
    for g in load_governorates().values():
        for alias in [g["name"], *g.get("aliases", [])]:
            kinds.setdefault(name_key(alias), set()).add("governorate")
    _INDEX_CACHE[names] = (version, kinds, lower)
    return kinds, lower


# ---- the article --------------------------------------------------------------------------------

def split_article(text: str) -> tuple[str | None, list[Sentence], str | None]:
    """(headline, sentences in order with their paragraph, dateline city name)."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    headline = None
    dateline = None
    sentences: list[Sentence] = []
    for n, line in enumerate(lines):
        is_heading = _is_heading(line)
        if n == 0 and is_heading:
            headline = line
        if is_heading:
            sentences.append(Sentence(line, n, heading=True))
            continue
        m = _DATELINE.match(line)
        if m and dateline is None and not sentences_have_body(sentences):
            dateline = m.group(1).strip()
            line = line[m.end():]
        for s in split_sentences(line):
            sentences.append(Sentence(s, n))
    return headline, sentences, dateline


def sentences_have_body(sentences: list[Sentence]) -> bool:
    return any(not s.heading for s in sentences)


def _is_heading(line: str) -> bool:
    words = line.split()
    if line.endswith("...") or line.endswith("…"):
        return len(words) <= 6
    if re.search(r"[.!\"”'’)]$", line):
        return False
    return len(words) <= 25


def split_sentences(text: str) -> list[str]:
    out, start = [], 0
    for m in re.finditer(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])", text):
        candidate = text[start:m.start() + 1]
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
        r"raising|according to)\b|\s+but\s+|\bhowever\b", sentence, re.I)})
    bounds = sorted({0, len(sentence), *cuts, *(s for s, _ in relative), *(e for _, e in relative)})
    out = []
    for a, b in pairwise(bounds):
        if b <= a:
            continue
        rel = any(s <= a and b <= e for s, e in relative)
        out.append((a, b, rel))
    return out


# ---- names in a sentence ------------------------------------------------------------------------

def find_mentions(sentence: str, names: Any, index: dict[str, set[str]], lower: set[str],
                  heading: bool = False) -> list[Mention]:
    """Names in a sentence, longest first. In running text a name inside a longer run of
    capitalised words ("Kafr Qasim Jadida", "the Free Idlib Brigade") is part of another name,
    not a mention (headings capitalise every word, so there it is kept)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    out: list[Mention] = []
    i = 0
    while i < len(tokens):
        found = None
        for j in range(min(len(tokens), i + MAX_SPAN), i, -1):
            start, end = tokens[i][0], tokens[j - 1][1]
            if any(not _GAP_OK.match(sentence[tokens[k][1]:tokens[k + 1][0]]) for k in range(i, j - 1)):
                continue
            text = sentence[start:end]
            key = name_key(text)
            kinds = index.get(key)
            if not kinds or not _acceptable(text, key, j - i, lower):
                continue
            if not heading and _inside_longer_name(sentence, tokens, i, j):
                break
            found = (j, start, end, text, kinds)
            break
        if found is None:
            i += 1
            continue
        j, start, end, text, kinds = found
        kind = _kind(sentence, start, end, kinds)
        ids = [] if kind == "governorate" else names.lookup(kind, text)
        out.append(Mention(start, end, kind, ids, text))
        i = j
    return out


TITLES = set("""president general brigadier colonel major captain lieutenant minister sheikh
commander leader prime foreign defence defense interior spokesman chief emir imam mr dr gen brig
col lt maj capt""".split())
NAME_TAILS = set("province governorate countryside region city town village district".split())


def _inside_longer_name(sentence: str, tokens: list[tuple[int, int]], i: int, j: int) -> bool:
    def capitalised_word(k: int, allowed: set[str]) -> bool:
        a, b = tokens[k]
        word = sentence[a:b]
        return word[:1].isupper() and word.lower() not in allowed
    before = i > 0 and not sentence[tokens[i - 1][1]:tokens[i][0]].strip() and \
        capitalised_word(i - 1, STOPWORDS | TITLES)
    after = j < len(tokens) and not sentence[tokens[j - 1][1]:tokens[j][0]].strip() and \
        capitalised_word(j, STOPWORDS | NAME_TAILS)
    return bool(before or after)


def _acceptable(text: str, key: str, n_tokens: int, lower: set[str]) -> bool:
    first = text[:1]
    if first.isalpha() and first.isascii() and not first.isupper() and key not in lower:
        return False
    if n_tokens == 1 and (key in STOPWORDS or len(key) < 3):
        return False
    if text.isupper() and len(text) <= 5 and n_tokens == 1:
        return True  # an acronym: HTS, SDF
    return True


def _kind(sentence: str, start: int, end: int, kinds: set[str]) -> str:
    after = sentence[end:]
    if "governorate" in kinds and (PROVINCE_AFTER.match(after) or "place" not in kinds):
        return "governorate"
    for kind in ("faction", "leader", "place"):
        if kind in kinds:
            return kind
    return sorted(kinds)[0]


def add_placeholders(sentence: Sentence, ctx: Context, names: Any, roles: dict[str, str]) -> None:
    """Resolve "the group", "the city", "the capital", "the president" to the name they stand
    for: a name earlier in the sentence, else the faction of the last claim (or the last one
    named), the last place named, the last president named."""
    found: list[Mention] = []
    for pattern, kind in ((FACTION_PLACEHOLDER, "faction"), (PLACE_PLACEHOLDER, "place"),
                          (LEADER_PLACEHOLDER, "leader"), (CAPITAL, "capital")):
        for m in pattern.finditer(sentence.text):
            if any(x.start <= m.start() < x.end for x in [*sentence.mentions, *found]):
                continue
            if kind == "capital":
                capital = names.lookup("place", "Damascus")
                found.append(Mention(m.start(), m.end(), "place", capital[:1], m.group(0),
                                     implicit=True))
                continue
            found.append(Mention(m.start(), m.end(), kind, [], m.group(0), implicit=True))
    if not found:
        return
    mentions = sorted([*sentence.mentions, *found], key=lambda x: x.start)
    faction, place = ctx.actor or ctx.faction, ctx.place
    leaders = list(ctx.leaders)
    for m in mentions:
        if not m.implicit or m.ids:
            if m.kind == "faction" and m.id:
                faction = m.id
            elif m.kind == "place" and m.id:
                place = m.id
            elif m.kind == "leader" and m.id:
                leaders.append(m.id)
            continue
        if m.kind == "faction" and faction:
            m.ids = [faction]
        elif m.kind == "place" and place:
            m.ids = [place]
        elif m.kind == "leader":
            president = [le for le in reversed(leaders) if roles.get(le, "").startswith("President")]
            if president:
                m.ids = [president[0]]
    sentence.mentions = [m for m in mentions if m.ids or not m.implicit]


# ---- dates ----------------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"\b(?:(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?P<wdpart>night|evening|afternoon|morning|dawn))?"
    r"(?:,?\s+(?P<wdday>\d{1,2})(?:st|nd|rd|th)?\s+(?P<wdmon>" + "|".join(MONTHS) + r"))?"
    r"|(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>" + "|".join(MONTHS) + r")(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<mon2>" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+"
    r"(?P<day2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year2>\d{4}))?"
    r"|(?P<rel>today|tonight|this morning|this afternoon|this evening|yesterday|last night|"
    r"overnight|earlier today|on the night of))\b", re.I)
_CLOCK = re.compile(r"\b(?:at|around|about|by)\s+(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)", re.I)


def sentence_date(text: str, published: datetime) -> tuple[datetime, str] | None:
    """(local time, precision) of the first date the sentence names, or None."""
    m = _DATE_RE.search(text)
    if m is None:
        return None
    pub = published.astimezone(LOCAL)
    today = pub.date()
    hour = 12
    g = {k: (v.lower() if isinstance(v, str) else v) for k, v in m.groupdict().items()}
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
    else:
        rel = g["rel"]
        day = today - timedelta(days=1) if rel in ("yesterday", "last night") else today
        hour = {"tonight": 21, "last night": 21, "this morning": 9, "this afternoon": 15,
                "this evening": 19, "overnight": 2}.get(rel, 12)
    if day is None:
        return None
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


# ---- the reading --------------------------------------------------------------------------------

class Reader:
    def __init__(self, text: str, published: datetime, names: Any, queries: Any):
        self.names, self.queries = names, queries
        self.published = published
        self.index, self.lower = name_index(names)
        self.roles = {le["id"]: le.get("role") or "" for le in names.entities("leader")}
        self.headline, self.sentences, dateline_name = split_article(text)
        self.ctx = Context()
        if dateline_name:
            ids = names.lookup("place", dateline_name)
            self.ctx.dateline = ids[0] if len(ids) == 1 else None
        self.claims: list[dict[str, Any]] = []
        self.unresolved: list[dict[str, Any]] = []
        body = [s for s in self.sentences if not s.heading]
        lead = next((d for d in (sentence_date(s.text, published) for s in body) if d), None)
        self.lead = lead or (published.astimezone(LOCAL).replace(hour=12, minute=0, second=0,
                                                                  microsecond=0), "day")

    def read(self) -> None:
        for s in self.sentences:
            s.mentions = find_mentions(s.text, self.names, self.index, self.lower, s.heading)
            add_placeholders(s, self.ctx, self.names, self.roles)
            s.segments = segments(s.text)
            for m in s.mentions:
                if m.kind in ("place", "faction", "leader") and len(m.ids) > 1:
                    self._unresolved(m.text, m.kind, f"ambiguous: {', '.join(m.ids[:5])}", s)
            if not s.heading:
                self._sentence(s)
            for m in s.mentions:
                if m.id and m.kind == "faction":
                    self.ctx.faction = m.id
                elif m.id and m.kind == "place":
                    self.ctx.place = m.id
                elif m.id and m.kind == "leader":
                    self.ctx.leaders.append(m.id)

    # ---- one sentence ------------------------------------------------------------------------
    def _sentence(self, s: Sentence) -> None:
        dated = sentence_date(s.text, self.published) or self.lead
        found_before = len(self.claims)
        typed_segments: set[int] = set()
        for m in CONTROL_ACTIVE.finditer(s.text):
            if self._negated(s, m.start()):
                continue
            count = COUNT.match(s.text, m.end() + 1) or COUNT.match(s.text, m.end())
            if count:
                if self._advance(s, m, dated, count):
                    typed_segments.add(self._segment_of(s, m.start()))
                continue
            # "captured the town of X and more than 20 villages in the Y countryside"
            later = COUNT.search(s.text, m.end(), self._segment_bounds(s, m.start())[1])
            if later and self._advance(s, m, dated, later):
                typed_segments.add(self._segment_of(s, m.start()))
            place = self._object(s, m.end(), "place")
            if place is not None and APPROACH_BEFORE.search(s.text[:place.start]):
                place = None  # "seized the airport east of Aleppo" is not Aleppo
            faction = self._subject(s, m.start(), "faction")
            if place is None or faction is None:
                self._unresolved_slots(s, m, place, faction)
                continue
            claim = {"type": "control", "city": place.id, "faction": faction.id}
            loser = self._after_word(s, place.end, "from", "faction")
            if loser and loser.id != faction.id:
                claim["from_faction"] = loser.id
            self._add(claim, s, m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in CONTROL_PASSIVE.finditer(s.text):
            if self._negated(s, m.start()):
                continue
            place = self._subject(s, m.start(), "place")
            faction = self._object(s, m.end(), "faction")
            if place is None or faction is None:
                self._unresolved_slots(s, m, place, faction)
                continue
            self._add({"type": "control", "city": place.id, "faction": faction.id}, s, m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in ADVANCE.finditer(s.text):
            if self._advance(s, m, dated, None):
                typed_segments.add(self._segment_of(s, m.start()))
        for seg_no, (a, b, _) in enumerate(s.segments):
            m = CLASH.search(s.text, a, b)
            if m and not self._negated(s, m.start()) and self._clash(s, m, a, b, dated):
                typed_segments.add(seg_no)
        self._coup(s, dated)
        self._status(s, dated, typed_segments)
        if len(self.claims) == found_before or typed_segments:
            self._notes(s, dated, typed_segments)

    def _advance(self, s: Sentence, m: re.Match, dated: tuple[datetime, str],
                 count: re.Match | None) -> bool:
        if self._negated(s, m.start()):
            return False
        faction = self._subject(s, m.start(), "faction")
        a, b = self._segment_bounds(s, m.start())
        claim: dict[str, Any] = {"type": "advance"}
        toward = TOWARD.match(s.text, m.end())
        if toward:
            place = self._mention_at(s, toward.end(), "place")
            if place is not None and not PROVINCE_AFTER.match(s.text[place.end:]):
                claim["toward"] = place.id
        if count is None and "toward" not in claim:
            count = COUNT.search(s.text, m.end(), b)
        if count:
            claim["captured_count"] = _number(count.group(1))
        governorate = None
        if count is not None:
            governorate = next((x for x in s.mentions if x.kind == "governorate" and a <= x.start < b
                                and x.start >= count.start()), None)
        if governorate is not None:
            try:
                claim["governorate"] = self.names.governorate(governorate.text, "governorate")
            except DomainError:
                pass
        if len(claim) == 1:
            return False
        if faction is None:
            self._unresolved_slots(s, m, True, None)
            return False
        claim["faction"] = faction.id
        self._add(claim, s, m.start(), dated)
        return True

    def _clash(self, s: Sentence, m: re.Match, a: int, b: int, dated: tuple[datetime, str]) -> bool:
        factions = []
        for x in s.mentions:
            if x.kind == "faction" and x.id and a <= x.start < b and x.id not in factions:
                factions.append(x.id)
        factions = self._reduce(s, factions)
        if len(factions) < 2:
            return False
        place = next((x for x in s.mentions if x.kind == "place" and x.id and a <= x.start < b), None)
        place = place or next((x for x in s.mentions if x.kind == "place" and x.id), None)
        city = place.id if place else (self.ctx.place or self.ctx.dateline)
        if city is None:
            return False
        claim: dict[str, Any] = {"type": "clash", "city": city, "factions": factions}
        parent = (self.names.entity("place", city) or {}).get("parent")
        if parent:
            claim.update(city=parent, place=city)
        self._add(claim, s, m.start(), dated)
        return True

    def _reduce(self, s: Sentence, factions: list[str]) -> list[str]:
        """Drop a faction named only as the owner of one of its units ("the Syrian Arab Army's
        4th Division"), when two sides remain."""
        owners = set()
        ordered = sorted((x for x in s.mentions if x.kind == "faction" and x.id), key=lambda x: x.start)
        for x, y in pairwise(ordered):
            if re.fullmatch(r"\s*['’]s\s+(?:elite\s+)?", s.text[x.end:y.start]) and \
                    x.id in self._ancestors(y.id):
                owners.add(x.id)
        reduced = [f for f in factions if f not in owners]
        return reduced if len(reduced) >= 2 else factions

    def _ancestors(self, faction: str | None) -> set[str]:
        out: set[str] = set()
        p = (self.names.entity("faction", faction) or {}).get("parent") if faction else None
        while p and p not in out:
            out.add(p)
            p = (self.names.entity("faction", p) or {}).get("parent")
        return out

    def _coup(self, s: Sentence, dated: tuple[datetime, str]) -> None:
        m = COUP.search(s.text)
        if m is None:
            return
        against = self._after_word(s, 0, "against", "leader")
        if against is not None:
            self.ctx.coup_target = against.id
        place = next((x for x in s.mentions if x.kind == "place" and x.id), None)
        if place is not None:
            self.ctx.coup_city = place.id
        leader = None
        for lead in LEADS.finditer(s.text):
            if s.text[lead.start():lead.end()].lower() == "led" and \
                    re.match(r"\s+by\b", s.text[lead.end():]):
                leader = self._object(s, lead.end(), "leader", reach=40)
            else:
                leader = self._subject(s, lead.start(), "leader", reach=160)
            if leader is not None and (against is None or leader.id != against.id):
                break
            leader = None
        target = against.id if against else self.ctx.coup_target
        city = self.ctx.coup_city or self.ctx.dateline
        if leader is None or target is None or city is None or leader.id == target:
            return
        self._add({"type": "coup", "city": city, "led_by": leader.id, "against": target},
                  s, m.start(), dated)

    def _status(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        for status, pattern in STATUS:
            for m in pattern.finditer(s.text):
                leader = self._subject(s, m.start(), "leader", reach=160)
                if leader is None or self._negated(s, m.start()):
                    continue
                claim: dict[str, Any] = {"type": "leader_status", "leader": leader.id, "status": status}
                location = self._foreign(s, m.start())
                if location:
                    claim["location"] = location
                self._add(claim, s, m.start(), dated)
                typed.add(self._segment_of(s, m.start()))
        for m in TRAVEL.finditer(s.text):
            leader = self._subject(s, m.start(), "leader", reach=120)
            if leader is None or self._negated(s, m.start()):
                continue
            abroad = _FOREIGN_RE.match(s.text, m.end())
            place = self._mention_at(s, m.end(), "place")
            if abroad:
                claim = {"type": "leader_status", "leader": leader.id, "status": "abroad",
                         "location": FOREIGN[abroad.group(1).lower()]}
            elif place is not None and place.start - m.end() <= 4:
                claim = {"type": "leader_status", "leader": leader.id, "status": "active",
                         "location": (self.names.entity("place", place.id) or {}).get("name", place.text)}
            else:
                continue
            self._add(claim, s, m.start(), dated)
            typed.add(self._segment_of(s, m.start()))
        for m in _FOREIGN_RE.finditer(s.text):
            if TRAVEL.search(s.text[max(0, m.start() - 20):m.start()]):
                continue
            if not STAYS_IN.search(s.text[max(0, m.start() - 40):m.start()]):
                continue
            leader = self._subject(s, m.start(), "leader", reach=120)
            if leader is None:
                continue
            self._add({"type": "leader_status", "leader": leader.id, "status": "abroad",
                       "location": FOREIGN[m.group(1).lower()]}, s, m.start(), dated)
            typed.add(self._segment_of(s, m.start()))

    def _notes(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """One note per sentence for what happened but fits no claim type: the whole sentence,
        or, next to typed claims, the clauses they leave out."""
        if COUP.search(s.text):
            return
        found = [(n, m) for n, (a, b, _) in enumerate(s.segments) if n not in typed
                 for m in [NOTE_TRIGGERS.search(s.text, a, b)]
                 if m is not None and not self._negated(s, m.start())]
        if not found:
            return
        if typed:
            parts = [s.text[a:b] for n, (a, b, _) in enumerate(s.segments)
                     if n not in typed and any(n == f for f, _ in found)]
            text = " ".join(p.strip(" ,;") for p in parts)
            text = re.sub(r"^(?:with|while|but|and)\s+", "", text, flags=re.I)
        else:
            text = s.text.strip()
        if len(text.split()) < 4:
            return
        self._add({"type": "note", "text": text[0].upper() + text[1:]}, s, found[0][1].start(),
                  dated, summary=text)

    # ---- slots -------------------------------------------------------------------------------
    def _segment_of(self, s: Sentence, pos: int) -> int:
        for n, (a, b, _) in enumerate(s.segments):
            if a <= pos < b:
                return n
        return len(s.segments) - 1

    def _segment_bounds(self, s: Sentence, pos: int) -> tuple[int, int]:
        a, b, _ = s.segments[self._segment_of(s, pos)]
        return a, b

    def _subject(self, s: Sentence, pos: int, kind: str, reach: int = 200) -> Mention | None:
        """The nearest name of `kind` before `pos` in the sentence, not inside another relative
        clause."""
        here = self._segment_of(s, pos)
        relative = [(a, b) for n, (a, b, rel) in enumerate(s.segments) if rel and n != here]
        best = None
        for x in s.mentions:
            if x.kind != kind or not x.id or x.end > pos or pos - x.end > reach:
                continue
            if any(a <= x.start < b for a, b in relative):
                continue
            if any(len(s.text[b.end():pos].split()) > 1
                   for b in CLAUSE_BREAK.finditer(s.text, x.end, pos)):
                continue  # "X withdrew, and rebels advanced": X did not advance ("X withdrew,
                # and advanced" keeps its subject)
            best = x
        return best

    def _object(self, s: Sentence, pos: int, kind: str, reach: int = 60) -> Mention | None:
        a, b = self._segment_bounds(s, max(0, pos - 1))
        for x in s.mentions:
            if x.kind == kind and x.id and x.start >= pos and x.start - pos <= reach and x.start < b:
                return x
        return None

    def _mention_at(self, s: Sentence, pos: int, kind: str) -> Mention | None:
        for x in s.mentions:
            if x.kind == kind and x.id and (pos <= x.start <= pos + 12 or x.start <= pos < x.end):
                return x
        return None

    def _after_word(self, s: Sentence, pos: int, word: str, kind: str) -> Mention | None:
        m = re.compile(rf"\b{word}\s+(?:the\s+|president\s+|President\s+)?", re.I).search(s.text, pos)
        if m is None:
            return None
        return self._mention_at(s, m.end(), kind)

    def _foreign(self, s: Sentence, pos: int) -> str | None:
        a, b = self._segment_bounds(s, pos)
        m = _FOREIGN_RE.search(s.text, pos, b)
        return FOREIGN[m.group(1).lower()] if m else None

    def _negated(self, s: Sentence, pos: int) -> bool:
        """Negated ("failed to capture"), or inside a denial ("denied reports that ...")."""
        a, _ = self._segment_bounds(s, pos)
        return (NEGATION.search(s.text[max(0, pos - 40):pos]) is not None
                or DENIAL.search(s.text, a, pos) is not None)

    # ---- output ------------------------------------------------------------------------------
    def _add(self, claim: dict[str, Any], s: Sentence, pos: int, dated: tuple[datetime, str],
             summary: str | None = None) -> None:
        a, b = self._segment_bounds(s, pos)
        clause = s.text[a:b]
        if HEDGES.search(clause):
            confidence = "unconfirmed"
        elif CONFIRMS.search(clause):
            confidence = "confirmed"
        else:
            confidence = "reported"
        when, precision = dated
        out = {"type": claim.pop("type"),
               "occurred_at": when.isoformat(),
               "precision": precision,
               "confidence": confidence,
               "summary": (summary or s.text).strip()[:2000]}
        out.update(claim)
        self.claims.append(out)
        if out["type"] in ("control", "advance"):
            self.ctx.actor = out["faction"]

    def _unresolved(self, text: str, kind: str, reason: str, s: Sentence) -> None:
        item = {"text": text, "kind": kind, "reason": reason, "sentence": s.text[:500]}
        if not any(u["text"] == text and u["kind"] == kind for u in self.unresolved):
            self.unresolved.append(item)

    def _unresolved_slots(self, s: Sentence, m: re.Match, place: Any, faction: Any) -> None:
        """Capitalised words where a name was expected but none is known."""
        if place is None:
            words = _proper_after(s.text, m.end())
            if words:
                self._unresolved(words, "place", "not in the gazetteer", s)
        if faction is None:
            words = _proper_before(s.text, m.start()) or _subject_words(s.text, m.start())
            if words:
                self._unresolved(words, "faction", "no known faction or alias names who did "
                                                   f"this ({m.group(0)})", s)


_PROPER = r"(?:[A-Z][\w'’\-]*|al|el|ad|as|ar|ash|ez|ed|of|the|and)"


def _proper_after(text: str, pos: int) -> str | None:
    m = re.compile(r"\s+(?:control of\s+|the (?:city|town|village) of\s+|the\s+)?"
                   r"([A-Z][\w'’\-]*(?:\s+" + _PROPER + r")*)").match(text, pos)
    if not m:
        return None
    words = re.sub(r"(?:\s+(?:al|el|of|the|and))+$", "", m.group(1)).strip()
    return words if words and words.lower() not in STOPWORDS else None


def _proper_before(text: str, pos: int) -> str | None:
    m = re.search(r"([A-Z][\w'’\-]*(?:\s+" + _PROPER + r")*)\s+(?:\w+\s+){0,2}$", text[:pos])
    if not m:
        return None
    words = m.group(1).strip()
    if words.lower() in STOPWORDS or words.split()[0].lower() in STOPWORDS:
        return None
    if m.start(1) == 0 and len(words.split()) == 1:
        return None  # a capital that only starts the sentence
    return words


def _subject_words(text: str, pos: int) -> str | None:
    """The few words before a verb whose subject names no known faction ("Local opposition
    fighters", "opposition forces"), for the reviewer."""
    head = re.split(r"[,;:()]|\band\b|\bas\b|\bafter\b|\bwhile\b", text[:pos])[-1].strip()
    head = re.sub(r"\s+(?:had|has|have|was|were|is|are|also|then|later|reportedly|had also)$",
                  "", head)
    words = head.split()[-5:]
    return " ".join(words) if words and any(w[:1].isalpha() for w in words) else None


def _number(text: str) -> int:
    text = text.lower()
    if text.isdigit():
        return int(text)
    if "-" in text:
        tens, ones = text.split("-", 1)
        return NUMBER_WORDS.get(tens, 0) + NUMBER_WORDS.get(ones, 0)
    return NUMBER_WORDS.get(text, 0)


# ---- merging, checking ------------------------------------------------------------------------------

def claim_key(claim: dict[str, Any]) -> tuple[Any, ...] | None:
    """What makes two proposed claims the same claim (None: never merged, e.g. notes)."""
    t = claim["type"]
    if t == "control":
        return (t, claim.get("city"), claim.get("faction"))
    if t == "clash":
        return (t, claim.get("city"), tuple(sorted(claim.get("factions") or ())))
    if t == "advance":
        return (t, claim.get("faction"), claim.get("toward"), claim.get("governorate"),
                claim.get("captured_count"))
    if t == "leader_status":
        return (t, claim.get("leader"), claim.get("status"))
    if t == "coup":
        return (t, claim.get("led_by"), claim.get("against"))
    return None


def merge(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for claim in claims:
        key = claim_key(claim)
        if key is None:
            out.append(claim)
            continue
        day = claim["occurred_at"][:10]
        first = seen.get(key + (day,))
        if first is None:
            seen[key + (day,)] = claim
            out.append(claim)
            continue
        if claim.get("location") and not first.get("location"):
            first["location"] = claim["location"]
        ranks = {"unconfirmed": 0, "reported": 1, "confirmed": 2}
        if ranks[claim["confidence"]] > ranks[first["confidence"]]:
            first["confidence"] = claim["confidence"]
    return out


def extract(text: str, published_at: str | datetime, names: Any, queries: Any = None,
            source: dict[str, Any] | str | None = None) -> dict[str, Any]:
    """`{claims, unresolved, headline}` (and `report`, a POST /reports body, when `source` is
    given). Every proposed claim has been checked as POST /reports would check it."""
    published = parse_time(published_at) if isinstance(published_at, str) else published_at
    reader = Reader(text, published, names, queries)
    reader.read()
    claims = merge(reader.claims)
    if queries is not None:
        for claim in claims:
            if claim["type"] == "control" and "from_faction" not in claim:
                before = _controller_before(queries, claim["city"], claim["occurred_at"])
                if before and before != claim["faction"]:
                    claim["from_faction"] = before
    checked = []
    for claim in claims:
        try:
            normalise_report({"source": {"name": "check"}, "published_at": published.isoformat(),
                              "claims": [claim]}, names, queries)
        except DomainError as e:
            reader.unresolved.append({"text": claim.get("summary") or "", "kind": claim["type"],
                                      "reason": f"dropped: {e.detail}"[:500],
                                      "sentence": (claim.get("summary") or "")[:500]})
            continue
        checked.append(claim)
    answer: dict[str, Any] = {"claims": checked, "unresolved": reader.unresolved,
                              "headline": reader.headline}
    if source is not None:
        src = {"name": source} if isinstance(source, str) else dict(source)
        report = {"source": src, "published_at": published.isoformat().replace("+00:00", "Z"),
                  "claims": checked}
        if reader.headline:
            report["headline"] = reader.headline
        report["body"] = text
        answer["report"] = report
    return answer


def _controller_before(queries: Any, city: str, occurred_at: str) -> str | None:
    try:
        at = parse_time(occurred_at) - timedelta(seconds=1)
        return queries.city_state(city, queries.point(at=at))["controller"]
    except Exception:  # a proposal: without the state, the reviewer fills it in
        return None


# ---- measuring --------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z]{4,}")


def score(proposed: list[dict[str, Any]], expected: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of proposed claims against a reviewed report's claims. Typed claims
    match on their type and the entities they name; notes on shared words (Jaccard >= 0.25).
    Also counts, among the matches, those with the same local day and the same confidence."""
    remaining = list(expected)
    matches = []
    for claim in proposed:
        best, best_score = None, 0.0
        for candidate in remaining:
            s = _similarity(claim, candidate)
            if s > best_score:
                best, best_score = candidate, s
        if best is not None:
            remaining.remove(best)
            matches.append((claim, best))
    tp = len(matches)
    day = sum(1 for p, e in matches if _local_day(p) == _local_day(e))
    conf = sum(1 for p, e in matches if p.get("confidence", "reported") == e.get("confidence", "reported"))
    typed_p = [c for c in proposed if c["type"] != "note"]
    typed_e = [c for c in expected if c["type"] != "note"]
    typed_tp = sum(1 for p, _ in matches if p["type"] != "note")
    return {
        "proposed": len(proposed), "expected": len(expected), "matched": tp,
        "precision": tp / len(proposed) if proposed else 1.0,
        "recall": tp / len(expected) if expected else 1.0,
        "typed_precision": typed_tp / len(typed_p) if typed_p else 1.0,
        "typed_recall": typed_tp / len(typed_e) if typed_e else 1.0,
        "same_day": day, "same_confidence": conf,
        "missed": [e.get("summary") or e["type"] for e in remaining],
        "extra": [p.get("summary") for p in proposed if all(p is not m[0] for m in matches)],
    }


def _similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    if a["type"] != b["type"]:
        return 0.0
    if a["type"] != "note":
        return 1.0 if claim_key(_comparable(a)) == claim_key(_comparable(b)) else 0.0
    wa = set(_WORD.findall(f"{a.get('text', '')} {a.get('summary', '')}".lower()))
    wb = set(_WORD.findall(f"{b.get('text', '')} {b.get('summary', '')}".lower()))
    jaccard = len(wa & wb) / len(wa | wb) if wa | wb else 0.0
    return jaccard if jaccard >= 0.25 else 0.0


def _comparable(claim: dict[str, Any]) -> dict[str, Any]:
    out = dict(claim)
    if out["type"] == "advance":
        out.pop("captured_count", None)  # the count is a detail, not a different advance
    return out


def _local_day(claim: dict[str, Any]) -> str | None:
    if not claim.get("occurred_at"):
        return None
    return parse_time(claim["occurred_at"]).astimezone(LOCAL).date().isoformat()
