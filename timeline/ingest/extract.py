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
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from .article import LOCAL, Sentence, dates_in, segments, sentence_date, split_article
from ..claims import normalise_report
from ..domainmodel import DomainError, api_time, parse_time
from .language import READ, arabic_dates, arabic_mentions, detect, name_of
from .mentions import (
    PROVINCE_AFTER,
    STOPWORDS,
    Context,
    Mention,
    add_placeholders,
    find_mentions,
    name_index,
)

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12})

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
    r"regained|assumed|retook|secured|established|claimed|declared|announced) (?:full |complete |total )?"
    r"control (?:of|over)|"
    r"took over|taken over|taking over|captured|captures|capturing|capture|seized|seizing|"
    r"overran|overrun|entered|enters|entering|stormed|liberated|retook|recaptured|"
    r"occupied|occupies|occupying|(?:were|was) the first to enter|"
    r"(?:is|are|was|were|remains?|remained) in control of)\b", re.I)
TOOK = re.compile(r"\b(?:took|take|takes|taking|won|wins|win)\s+(?:back\s+)?"
                  r"(?:the\s+(?:city|town|village)\s+of\s+)?", re.I)
CONTROL_PASSIVE = re.compile(
    r"\b(?:fell to|falls to|fallen to|was captured by|were captured by|was seized by|"
    r"was taken by|has been taken by|came under the control of|(?:is|was) now under the control of|"
    r"fell into the hands of|fell under the control of|came under the control of|"
    r"(?:is|are|was|were|now|remains?|remained|became|become) (?:fully |entirely |now )?controlled by|"
    r"(?:being|been|was|were) (?:captured|seized|taken|overrun|liberated|entered|stormed|occupied) by|"
    r"(?:was|were|been|being) handed (?:over )?to|"
    r"(?:captured|seized|liberated) by)\b", re.I)
ADVANCE = re.compile(
    r"\b(?:advanc(?:e|ed|es|ing)|push(?:ed|es|ing)?|march(?:ed|es|ing)?|mov(?:ed|es|ing)|"
    r"clos(?:ed|es|ing) in|head(?:ed|s|ing)|approach(?:ed|es|ing)|press(?:ed|es|ing) on|"
    # movement said other ways: "swept south towards", "drove on", "rolled into", "inched closer to"
    r"swe(?:pt|ep|eps|eping)|dr(?:ove|ives|iving)|rac(?:ed|es|ing)|rush(?:ed|es|ing)|"
    r"surg(?:ed|es|ing)|sped|roll(?:ed|s|ing)|progress(?:ed|es|ing)|proceed(?:ed|s|ing)|"
    r"converg(?:ed|es|ing)|bor(?:e|es|ing) down|inch(?:ed|es|ing)|edg(?:ed|es|ing)|"
    r"(?:made|make|makes|making) (?:their|its) way)\b", re.I)
# Movement whose object is the place: "neared Hama", "reached the outskirts of Homs", "encircled X".
ADVANCE_DIRECT = re.compile(
    r"\b(?:near(?:ed|s|ing)|reach(?:ed|es|ing)|encircl(?:ed|es|ing)|surround(?:ed|s|ing)|"
    r"besieg(?:ed|es|ing)|(?:is|are|was|were|now|stood|stand|stands) (?:now )?(?:at|on) the "
    r"(?:gates|outskirts|edges?|doorstep|doorsteps|approaches) of)\s+"
    r"(?:the\s+(?:\w+ern\s+)?(?:outskirts|edges?|gates|suburbs|approaches|doorstep|perimeter|"
    r"neighbou?rhoods|districts)\s+of\s+)?"
    r"(?:the\s+(?:city|town)\s+of\s+)?", re.I)
OUTSKIRTS_BEFORE = re.compile(r"\b(?:outskirts|suburbs|edges?|gates|approaches|perimeter)\s+of\s+"
                              r"(?:the\s+(?:city|town)\s+of\s+)?(?:the\s+)?$", re.I)
DIRECTION_BEFORE = re.compile(r"\b(?:northern|southern|eastern|western|north-?eastern|north-?western|"
                              r"south-?eastern|south-?western|rural)\s+$", re.I)
TOWARD = re.compile(r"\s*(?:(?:along|via|through|across|from)\s+(?:the\s+)?(?:[\w-]+\s+){1,3}?(?=(?:\w+wards?\s+|"
                    r"further\s+|(?:north|south|east|west)\w*\s+)?(?:toward|towards|in the direction of)\b))?"
                    r"(?:(?:\w+wards?|further|(?:north|south)(?:-?(?:east|west))?|east|west|"
                    r"deeper|closer)\s+)?(?:toward|towards|on|into|to|in the direction of|"
                    r"closer to|the outskirts of|the gates of|the edges? of)\s+"
                    r"(?:the\s+(?:\w+ern\s+)?(?:outskirts|suburbs|edges?|gates|approaches)\s+of\s+)?",
                    re.I)
# Advances named other ways: "came within 20 kilometres (12 mi) of Damascus", "launched an
# offensive into Homs", "the advance towards Damascus".
APPROACH = re.compile(
    r"\b(?:(?:came|come|comes|coming|got|gets|getting|was|were|is|are|now) within \d+\s*"
    r"(?:km|kilometres|kilometers|miles)\s+(?:\([^)]{0,12}\)\s+)?of|"
    r"(?:launch|mount|start|open)(?:ed|es|s|ing)? (?:an?|its|their|the) (?:\w+ )?(?:offensive|assault|attack|push) "
    r"(?:into|on|toward|towards|against)|(?:began|begun|begins|beginning) (?:an?|its|their|the) (?:\w+ )?"
    r"(?:offensive|assault|attack|push) "
    r"(?:into|on|toward|towards|against)|"
    # "were 11 kilometres (7 miles) from the centre of X", "stood some 5 km away from X"
    r"(?:were|was|are|is|now|stood|stand|located|positioned)\s+(?:just\s+|only\s+|some\s+|about\s+|"
    r"around\s+|roughly\s+)?(?:(?:just\s+)?(?:over|under|less than|more than)\s+)?\d+\s*"
    r"(?:km|kilometres|kilometers|miles)\s+(?:\([^)]{0,12}\)\s+)?(?:away\s+)?from\s+"
    r"(?:the\s+(?:center|centre|edges?|outskirts|gates)\s+of\s+)?)\s*(?:the\s+(?:city|town)\s+of\s+)?",
    re.I)
# Control named as a noun: "its capture of Hama", "the seizure of X", "the fall of X to Y".
CONTROL_NOUN = re.compile(r"\b(?:(?P<owner>its|their)\s+|the\s+)?(?P<noun>capture|seizure|takeover|"
                          r"liberation|fall) of\s+(?:the\s+(?:city|town)\s+of\s+)?", re.I)
LOST = re.compile(r"\b(?:lost|lose|loses|losing|ceded|cedes|ceding|surrendered|surrenders)\s+(?:control\s+of\s+|"
                  r"its\s+grip\s+on\s+)?(?:the\s+(?:city|town)\s+of\s+)?", re.I)
# "X came under SNA control", "X fell under rebel control" (a faction's name before "control").
UNDER_CONTROL = re.compile(r"\b(?:came|comes|come|fell|falls|is|was|are|were|now|been|remain(?:s|ed)?)\s+"
                           r"(?:fully\s+|now\s+|firmly\s+)?under\s+(?:the\s+)?(?:full\s+|complete\s+|total\s+)?"
                           r"(?:(?P<side>rebel|opposition)\s+control\b)?", re.I)
# Control without its agent: "Hama was captured on 5 December", "Damascus fell on 8 December".
AGENTLESS = re.compile(r"\b(?:(?:was|were|had been|has been)\s+(?:captured|seized|taken|overrun|"
                       r"liberated|recaptured|retaken)\b(?!\s+(?:by|from|back|in\s+\d{4})\b)|"
                       r"fell\b(?!\s+(?:to|into|under|out|from|upon|in|back|on(?!\s+(?:\d|the night|\w+day\b))|silent|apart|short|"
                       r"victim|quiet|behind|off|below|by)\b))", re.I)
POSSESSIVE_NOUN = re.compile(r"['’]s?\s+(?:capture|seizure|takeover|fall|liberation)\s+(?:by|to)\s+"
                             r"(?:the\s+)?", re.I)
# Words for the rebels, read as the coalition the text named (Reader.rebel).
REBELS = re.compile(r"\b(?:(?:the|syrian|other|allied)\s+)?(?:rebels|rebel (?:forces|fighters|groups|"
                    r"factions|coalition|alliance)|opposition (?:forces|fighters|groups|factions|"
                    r"militias?|coalition)|insurgents|revolutionary (?:forces|groups|factions)|"
                    # what the Syrian government's statements call them
                    r"(?:armed )?terrorist (?:groups|organi[sz]ations|factions|militias))\b", re.I)
# A place named as a part of itself or its surroundings: "northern Aleppo", "a few neighbourhoods
# in Aleppo", "the city's Barzeh neighborhood", "Hama province".
PART_BEFORE = re.compile(
    r"(?:\b(?:northern|southern|eastern|western|north-?eastern|north-?western|south-?eastern|"
    r"south-?western|central|rural|greater)\s+|\b(?:neighbou?rhoods?|districts?|parts?|areas?|"
    r"pockets?|positions?|sections?|quarters?|suburbs|outskirts|countryside|"
    r"surroundings|vicinity|edges?|airport|airbase|base|citadel)\s+(?:of|in|around|near)\s+"
    r"(?:the\s+)?(?:(?:city|town)\s+of\s+)?)$", re.I)
PART_AFTER = re.compile(r"^(?:['’]s\s+(?:[\w'-]+\s+){0,3}(?:neighbou?rhoods?|districts?|outskirts|"
                        r"suburbs|countryside|airport|airbase|citadel|province|governorate|"
                        r"military airport)|\s+(?:province|governorate|countryside|region|"
                        r"countrysides|airport|airbase|military airport|district|"
                        r"neighbou?rhoods?|quarters?)\b)", re.I)
# Fighting said to be in a region, not a place: no place is taken from the sentences before.
REGION = re.compile(r"\b(?:in|across|throughout) (?:the )?(?:(?:north|south|east|west|central|"
                    r"northern|southern|eastern|western|north-?eastern|north-?western|"
                    r"south-?eastern|south-?western)\w*\s+)?(?:syria|the country|\w+ province|"
                    r"\w+ governorate)\b|\bprovince\b|\bgovernorate\b", re.I)
DENIED_AFTER = re.compile(r"\b(?:were|was|been|are|is|being) (?:later |officially |strongly |"
                          r"flatly )?(?:denied|refuted|dismissed|rejected)\b", re.I)
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
LEADS = re.compile(r"\b(?:leading|led|behind|staged|staging|stage|launched|orchestrat\w*|mastermind\w*|"
                   r"heading|headed|spearhead\w*|attempt(?:ed|ing|s)?|tried|trying|plott(?:ed|ing)|"
                   r"carr(?:ied|ying) out|mount(?:ed|ing)|instigat\w*)\b", re.I)
# A coup said not to be one: "did not stage a coup", "denied plotting a coup".
COUP_DENIED = re.compile(r"\b(?:not|never|no)\s+(?:\w+\s+){0,2}$", re.I)
STATUS = [
    ("whereabouts_unknown", re.compile(
        r"\b(?:unaccounted for|whereabouts (?:are |were |remain |remained |is |was )?(?:unknown|"
        r"unclear)|has not been seen|have not been seen|disappeared|vanished)\b", re.I)),
    ("in_exile", re.compile(r"\b(?:granted (?:political )?asylum|in exile|went into exile|"
                            r"(?:granted|gave|offered|given) (?:[\w'’-]+ ){1,4}?(?:political )?asylum|"
                            r"sought refuge)\b", re.I)),
    ("abroad", re.compile(r"\b(?:outside the country|outside syria|abroad|left the country|"
                          r"left syria|fled (?:the country|abroad|syria)|flee (?:the country|abroad|syria))\b", re.I)),
    ("dead", re.compile(r"\b(?:was killed|has been killed|were killed|died|is dead|was "
                        r"assassinated|was executed)\b", re.I)),
    ("detained", re.compile(r"\b(?:was arrested|has been arrested|was detained|has been detained|"
                            r"was captured|taken into custody)\b", re.I)),
    ("removed", re.compile(r"\b(?:was ousted|has been ousted|was toppled|was overthrown|stepped "
                           r"down|resigned|resignation|to resign|was removed from (?:power|office)|was deposed|"
                           r"ending (?:more than |nearly |almost |over )?[\w\- ]{0,20}"
                           r"(?:decades?|years?) of (?:\w+ )?rule)\b", re.I)),
    ("active", re.compile(r"\b(?:met with|held talks|chaired|appeared in public|made a public "
                          r"appearance|addressed|received)\b", re.I)),
]
# A leader removed, said with the leader as the object: "the rebels ousted Bashar al-Assad".
OUSTED = re.compile(r"\b(?:ousted|toppled|overthrew|overthrown|deposed|unseated|brought down)\s+"
                    r"(?P<title>(?:the\s+)?(?:syrian\s+)?president\s+)?", re.I)
# Travel verbs: abroad when a foreign place follows, active (with the place) when a Syrian one does.
TRAVEL = re.compile(r"\b(?:arrived in|arrived at|flew to|flown to|fled to|escaped to|left for|"
                    r"departed for|took refuge in|travell?ed to|visited|toured)\s+"
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
DENIAL = re.compile(r"\b(?:denied|denies|deny|dismissed|rejected|refuted)\b", re.I)
CLAUSE_BREAK = re.compile(r",\s+and\b|;|\bwhile\b|\bwhereas\b", re.I)
APPROACH_BEFORE = re.compile(r"\b(?:outskirts of|edge of|edges of|gates of|near|around|toward|"
                             r"towards|countryside of|approaches to|outside|(?:north|south)(?:-?(?:east|"
                             r"west))? of|east of|west of|km from|kilometres from|miles from)\s+"
                             r"(?:the\s+)?$", re.I)
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
        self._confidence: dict[tuple[int, int], str] = {}
        self._looks = 0  # words looked at for `unresolved` (bounded: MAX_UNRESOLVED)
        body = [s for s in self.sentences if not s.heading]
        lead = next((d for d in (sentence_date(s.text, published) for s in body)
                     if d and self._recent(d)), None)
        self.lead = lead or (published.astimezone(LOCAL).replace(hour=12, minute=0, second=0,
                                                                  microsecond=0), "day")
        self.anchor: tuple[datetime, str] | None = None  # the last day the text gave
        # a month the text gave after its last day ("in November 2024"): undated sentences after
        # it take it; days named relative to another ("the next day") never count from it
        self.month_anchor: tuple[datetime, str] | None = None
        self.rebel: str | None = None  # what "the rebels" stands for (see _find_rebel)
        self.advanced: dict[str, str] = {}  # place -> the faction that last advanced on it

    def read(self) -> None:
        for s in self.sentences:
            s.mentions = find_mentions(s.text, self.names, self.index, self.lower, s.heading)
        self.rebel = self._find_rebel()
        for s in self.sentences:
            add_placeholders(s, self.ctx, self.names, self.roles)
            self._add_rebels(s)
            s.dates = dates_in(s.text, self.published, self.anchor)  # type: ignore[attr-defined]
            s.segments = segments(s.text)
            for m in s.mentions:
                if m.kind in ("place", "faction", "leader") and len(m.ids) > 1:
                    self._unresolved(m.text, m.kind, f"ambiguous: {', '.join(m.ids[:5])}", s)
            if not s.heading:
                self._sentence(s)
                for _, d in s.dates:  # type: ignore[attr-defined]
                    if d[1] != "month":
                        self.anchor, self.month_anchor = d, None
                    elif self._recent(d):
                        self.month_anchor = d
            for m in s.mentions:
                if m.id and m.kind == "faction":
                    self.ctx.faction = m.id
                elif m.id and m.kind == "place":
                    self.ctx.place = m.id
                elif m.id and m.kind == "leader":
                    self.ctx.leaders.append(m.id)

    # ---- who "the rebels" are ------------------------------------------------------------------
    def _find_rebel(self) -> str | None:
        """The coalition a text's "the rebels" / "opposition forces" stand for: the rebel faction
        the text says led ("led by X", "X-led", "spearheaded by X"), else the first it names.
        Government forces, foreign armies, the SDF and the Islamic State are not "the rebels"."""
        first = called = None
        for s in self.sentences:
            for m in s.mentions:
                if m.kind != "faction" or not m.id or not self._is_rebel(m.id):
                    continue
                before = s.text[max(0, m.start - 60):m.start]
                if re.search(r"\b(?:led|spearheaded|headed) by\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", before,
                             re.I) or re.match(r"\s*(?:\([^)]{0,12}\))?-led\b", s.text[m.end:m.end + 16]):
                    return m.id
                if called is None and re.search(
                        r"\b(?:rebel|opposition)\s+(?:(?:coalition|group|alliance|militia|faction|"
                        r"umbrella)\s+)?(?:(?:known|called|named)\s+as\s+|called\s+)?(?:the\s+)?$",
                        before, re.I):
                    called = m.id  # "the rebel coalition known as the Southern Operations Room"
                first = first or m.id
        return called or first

    def _is_rebel(self, faction: str) -> bool:
        family = {faction, *self._ancestors(faction)}
        return not family & NOT_REBELS

    def _add_rebels(self, s: Sentence) -> None:
        if self.rebel is None:
            return
        taken = [(m.start, m.end) for m in s.mentions]
        added = [Mention(m.start(), m.end(), "faction", [self.rebel], m.group(0), implicit=True)
                 for m in REBELS.finditer(s.text)
                 if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken)]
        if added:
            s.mentions = sorted([*s.mentions, *added], key=lambda x: x.start)

    # ---- dates ---------------------------------------------------------------------------------
    def _date_at(self, s: Sentence, pos: int) -> tuple[datetime, str]:
        """The date of what is said at `pos`: the nearest date in its clause, else the last one
        before it in the sentence, else the sentence's first, else the last date the text gave
        (carried forward), else the article's first."""
        dates = getattr(s, "dates", None) or []
        a, b = self._segment_bounds(s, pos)
        inside = [(abs(p - pos), d) for p, d in dates if a <= p < b]
        if inside:
            return min(inside, key=lambda x: x[0])[1]
        before = [d for p, d in dates if p < pos]
        if before:
            return before[-1]
        if dates:
            return dates[0][1]
        return self.month_anchor or self.anchor or self.lead

    def _recent(self, d: tuple[datetime, str]) -> bool:
        """A day, or a month of the year before publication or later: "the March 2020 ceasefire"
        is background, which dates no sentence after it."""
        return d[1] != "month" or d[0] >= self.published.astimezone(LOCAL) - timedelta(days=366)

    def found_names(self) -> list[dict[str, Any]]:
        """The places, factions and leaders the text names, once each: {text, kind, id}."""
        return _unique([{"text": m.text, "kind": m.kind, "id": m.id}
                        for s in self.sentences for m in s.mentions
                        if m.kind in ("place", "faction", "leader") and not m.implicit])

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
            later = COUNT.search(s.text, m.end(), min(self._segment_bounds(s, m.start())[1],
                                                      m.end() + WINDOW))
            if later and self._advance(s, m, dated, later):
                typed_segments.add(self._segment_of(s, m.start()))
            place = self._object(s, m.end(), "place")
            if place is not None and APPROACH_BEFORE.search(
                    s.text[max(0, place.start - 60):place.start]) and not OUTSKIRTS_BEFORE.search(
                    s.text[max(0, place.start - 40):place.start]):
                place = None  # "seized the airport east of Aleppo" is not Aleppo
            if place is not None and self._part_of_place(s, place):
                # "entered the suburbs of the capital": an advance on it, not its capture
                near = OUTSKIRTS_BEFORE.search(s.text[max(0, place.start - 40):place.start])
                faction = self._subject(s, m.start(), "faction")
                if near and faction is not None and not re.search(
                        r"\b(?:remain\w*|in control of|held|hold\w*)\b", m.group(0), re.I):
                    for actor in self._coordinated(s, faction, backward=True):
                        self._add({"type": "advance", "faction": actor.id, "toward": place.id},
                                  s, m.start(), dated)
                    typed_segments.add(self._segment_of(s, m.start()))
                continue  # "remained in control of a few neighbourhoods in northern Aleppo"
            faction = self._subject(s, m.start(), "faction") or self._fronted_subject(s, m)
            if place is None or faction is None:
                self._unresolved_slots(s, m, place, faction)
                continue
            takers = self._coordinated(s, faction, backward=True)[::-1]
            wheres = self._coordinated(s, place, backward=False)
            a_, b_ = self._segment_bounds(s, m.start())
            respectively = len(takers) == len(wheres) > 1 and RESPECTIVELY.search(s.text, m.end(), b_)
            for n, taker in enumerate(takers):
                for where in ([wheres[n]] if respectively else wheres):
                    claim = {"type": "control", "city": where.id, "faction": taker.id}
                    loser = self._after_word(s, where.end, "from", "faction")
                    if loser and loser.id != taker.id:
                        claim["from_faction"] = loser.id
                    self._add(claim, s, m.start(), dated, when_at=where.start)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in TOOK.finditer(s.text):
            # plain "took Aleppo": only with the place right after the verb ("took place in
            # Aleppo", "took part" are not control)
            place = next((x for x in s.mentions if x.kind == "place" and x.id
                          and x.start == m.end()), None)
            faction = self._subject(s, m.start(), "faction")
            if place is None or faction is None or self._negated(s, m.start()):
                continue
            self._add({"type": "control", "city": place.id, "faction": faction.id}, s, m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in CONTROL_PASSIVE.finditer(s.text):
            if self._negated(s, m.start()):
                continue
            place = self._subject(s, m.start(), "place")
            faction = self._object(s, m.end(), "faction")
            if place is None or faction is None:
                self._unresolved_slots(s, m, place, faction)
                continue
            if self._part_of_place(s, place):
                continue
            # "A, B and C came under the control of X": every place of the list
            for where in self._coordinated(s, place, backward=True):
                for taker in self._coordinated(s, faction, backward=False):
                    self._add({"type": "control", "city": where.id, "faction": taker.id}, s,
                              m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in AGENTLESS.finditer(s.text):
            # "Hama was captured on 5 December", "The city fell on 8 December": by the faction the
            # text last said advanced on that place (else no one is named: no claim)
            place = self._subject(s, m.start(), "place")
            actor = self.advanced.get(place.id) if place is not None else None
            if place is None or actor is None or self._negated(s, m.start()) or \
                    not re.fullmatch(r"\s*(?:[’']s?\s*)?(?:\s*(?:city|town))?\s*", s.text[place.end:m.start()]) or \
                    self._part_of_place(s, place):
                continue
            self._add({"type": "control", "city": place.id, "faction": actor}, s,
                      m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in UNDER_CONTROL.finditer(s.text):
            # "Manbij came under SNA control", "Hama fell under rebel control"
            place = self._subject(s, m.start(), "place")
            if place is None or not re.fullmatch(r"\s*(?:city|town)?\s*(?:had\s+|has\s+|have\s+)?",
                                                 s.text[place.end:m.start()]) or \
                    self._negated(s, m.start()) or self._part_of_place(s, place):
                continue
            faction = self._mention_at(s, m.end(), "faction")
            if faction is not None and not re.match(r"(?:\s*\([^)]{0,12}\))?\s+control\b",
                                                    s.text[faction.end:faction.end + 20]):
                faction = None
            if faction is None and m.group("side") and self.rebel:
                faction = Mention(m.start(), m.end(), "faction", [self.rebel], m.group("side"), True)
            if faction is None or not faction.id:
                continue
            self._add({"type": "control", "city": place.id, "faction": faction.id}, s, m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in POSSESSIVE_NOUN.finditer(s.text):
            # "Hama's capture by HTS", "Homs's fall to the rebels"
            place = self._subject(s, m.start(), "place")
            faction = self._mention_at(s, m.end(), "faction")
            if place is None or faction is None or place.end + 4 < m.start() or \
                    self._negated(s, m.start()):
                continue
            self._add({"type": "control", "city": place.id, "faction": faction.id}, s,
                      m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in LOST.finditer(s.text):
            # "the army lost control of Hama to HTS": the one it was lost to holds it
            place = self._mention_at(s, m.end(), "place")
            to = re.match(r"(?:\s+city)?\s+to\s+(?:the\s+)?", s.text[place.end:place.end + 20]) \
                if place is not None else None
            faction = self._mention_at(s, place.end + to.end(), "faction") if to else None
            if faction is None or self._negated(s, m.start()) or self._part_of_place(s, place):
                continue
            self._add({"type": "control", "city": place.id, "faction": faction.id}, s, m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in CONTROL_NOUN.finditer(s.text):
            if self._negated(s, m.start()) or self._long_ago(s, m.start()):
                continue
            place = self._mention_at(s, m.end(), "place")
            if place is None or place.start - m.end() > 4 or self._part_of_place(s, place):
                continue
            by = re.match(r"(?:\s*\([^)]{0,40}\))?\s*(?:by|to)\s+", s.text[place.end:place.end + 50])
            faction = self._mention_at(s, place.end + by.end(), "faction") if by else None
            if faction is None and m.group("owner"):
                faction = self._subject(s, m.start(), "faction")  # "X ... its capture of Hama"
            if faction is None and m.group("noun").lower() != "fall":
                # "The capture of Damascus marked the end": the rebels the text speaks of
                faction = self._subject(s, m.start(), "faction") or (
                    Mention(m.start(), m.start(), "faction", [self.rebel], "", implicit=True)
                    if self.rebel else None)
            if faction is None or not faction.id:
                continue
            for where in self._coordinated(s, place, backward=False):
                self._add({"type": "control", "city": where.id, "faction": faction.id}, s,
                          m.start(), dated, when_at=where.start)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in APPROACH.finditer(s.text):
            place = self._mention_at(s, m.end(), "place")
            faction = self._subject(s, m.start(), "faction")
            if place is None or faction is None or self._negated(s, m.start()) or \
                    PROVINCE_AFTER.match(s.text[place.end:]) or \
                    DIRECTION_BEFORE.search(s.text[max(0, place.start - 20):place.start]):
                continue
            for actor in self._coordinated(s, faction, backward=True):
                self._add({"type": "advance", "faction": actor.id, "toward": place.id}, s,
                          m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for m in ADVANCE.finditer(s.text):
            if self._advance(s, m, dated, None):
                typed_segments.add(self._segment_of(s, m.start()))
        for m in ADVANCE_DIRECT.finditer(s.text):
            place = self._mention_at(s, m.end(), "place")
            if place is None or place.start - m.end() > 4 or self._negated(s, m.start()) or \
                    PART_AFTER.match(s.text[place.end:place.end + 60]) or \
                    DIRECTION_BEFORE.search(s.text[max(0, place.start - 20):place.start]):
                continue  # "reached the Aleppo countryside", "neared northern Hama": no city
            faction = self._subject(s, m.start(), "faction")
            if faction is None:
                self._unresolved_slots(s, m, place, None)
                continue
            for actor in self._coordinated(s, faction, backward=True):
                self._add({"type": "advance", "faction": actor.id, "toward": place.id}, s,
                          m.start(), dated)
            typed_segments.add(self._segment_of(s, m.start()))
        for seg_no, (a, b, _) in enumerate(s.segments):
            m = CLASH.search(s.text, a, b)
            if m and m.group(0)[:1].isupper() and m.group(0).lower().startswith("battle") \
                    and re.match(r"\s+of\b", s.text[m.end():]):
                m = CLASH.search(s.text, m.end(), b)  # "the Battle of Aleppo": a name
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
            if place is not None and not PROVINCE_AFTER.match(s.text[place.end:]) and \
                    not DIRECTION_BEFORE.search(s.text[max(0, place.start - 20):place.start]):
                claim["toward"] = place.id  # not "toward northern Aleppo", the countryside
        if count is None and "toward" not in claim:
            count = COUNT.search(s.text, m.end(), min(b, m.end() + WINDOW))
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
        # The sides: "clashes between X and Y", "X clashed with Y", "fighting against Y". Without
        # one of those words the factions of the clause may be allies ("aid the army in fighting").
        sides = re.search(r"\b(between|with|against)\b", s.text[m.end():min(b, m.end() + 60)])
        if sides is None:
            # "X fought the SDF", "X battled government forces": the side is the verb's object
            object_ = re.match(r"\s+(?:the\s+)?", s.text[m.end():]) if re.fullmatch(
                r"fought|battled", m.group(0), re.I) else None
            # "X and Y clashed in Z": against each other ("fought" may be side by side)
            both = re.fullmatch(r"clashed|skirmished", m.group(0), re.I) and len(
                {x.id for x in s.mentions if x.kind == "faction" and x.id and a <= x.start < m.start()}) >= 2
            if not both and (object_ is None or
                             self._mention_at(s, m.end() + object_.end(), "faction") is None):
                return False
            sides = re.match(r"()", "")
        lo = a if sides.group(1) != "between" else m.end()
        if not sides.group(1):  # a verb and its object: the subject and the object
            lo = a
        factions = []
        for x in s.mentions:
            if x.kind == "faction" and x.id and lo <= x.start < b and x.id not in factions:
                factions.append(x.id)
        factions = self._reduce(s, factions)
        if len(factions) < 2:
            return False
        place = next((x for x in s.mentions if x.kind == "place" and x.id and a <= x.start < b), None)
        place = place or next((x for x in s.mentions if x.kind == "place" and x.id), None)
        if place is not None and (PROVINCE_AFTER.match(s.text[place.end:]) or re.match(
                r"\s+(?:district|sub-?district|countryside|area|region)\b", s.text[place.end:], re.I)
                and not (self.names.entity("place", place.id) or {}).get("parent") or re.search(
                r"\b(?:northern|southern|eastern|western|north-?eastern|north-?western|"
                r"south-?eastern|south-?western|rural)\s+$", s.text[max(0, place.start - 20):place.start],
                re.I)):
            return False  # fighting in "northern Aleppo", "Hama province": not in the city
        if place is None and REGION.search(s.text, a, b):
            return False  # "in eastern Syria": not the place the text named before
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
        if self._coup_denied(s, m.start()):
            return
        by = re.match(r"\s*(?:d['’]\s*[ée]tat\s+)?(?:attempt\s+|plot\s+|effort\s+)?(?:\w+\s+){0,2}?by\s+",
                      s.text[m.end():m.end() + 40], re.I)
        if by:  # "a coup attempt by X against Y"
            leader = self._mention_at(s, m.end() + by.end(), "leader")
            if leader is not None and against is not None and leader.id == against.id:
                leader = None
        for lead in ([] if leader is not None else LEADS.finditer(s.text)):
            if s.text[lead.start():lead.end()].lower() == "led" and \
                    re.match(r"\s+by\b", s.text[lead.end():]):
                leader = self._object(s, lead.end(), "leader", reach=40)
            else:
                leader = self._subject(s, lead.start(), "leader", reach=160)
            if leader is not None and (against is None or leader.id != against.id) and \
                    not self._coup_denied(s, lead.start()):
                break
            leader = None
        target = against.id if against else self.ctx.coup_target
        city = self.ctx.coup_city or self.ctx.dateline
        if leader is None or target is None or city is None or leader.id == target:
            return
        self._add({"type": "coup", "city": city, "led_by": leader.id, "against": target},
                  s, m.start(), dated)

    def _fronted_subject(self, s: Sentence, m: re.Match) -> Mention | None:
        """The subject of a participle clause put first: "After capturing Aleppo, HTS advanced
        on Hama" (the faction after the clause's comma)."""
        if not re.search(r"(?:^|[,;]\s*)(?:after|following|upon|having|since|before)\s+(?:\w+\s+)?$",
                         s.text[max(0, m.start() - 40):m.start()], re.I) or \
                not re.search(r"(?:ing|having \w+)$", s.text[max(0, m.start() - 8):m.end()], re.I) and \
                not m.group(0).lower().endswith("ing"):
            return None
        comma = s.text.find(",", m.end())
        if comma < 0:
            return None
        return next((x for x in s.mentions if x.kind == "faction" and x.id and
                     comma < x.start <= comma + 30), None)

    def _coup_denied(self, s: Sentence, pos: int) -> bool:
        """A coup said not to be ("did not stage a coup", "denied reports of a coup", "rumours
        of a coup were dismissed"); an attempted one is still a coup (leading_coup)."""
        a, b = self._segment_bounds(s, pos)
        return (COUP_DENIED.search(s.text[max(a, pos - 30):pos]) is not None
                or DENIAL.search(s.text, max(a, pos - WINDOW), pos) is not None
                or DENIED_AFTER.search(s.text, pos, min(b, pos + WINDOW)) is not None)

    def _status(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        for status, pattern in STATUS:
            for m in pattern.finditer(s.text):
                # "Russia granted Bashar al-Assad asylum": the leader inside the words
                leader = next((x for x in s.mentions if x.kind == "leader" and x.id and
                               m.start() < x.start < m.end()), None) or \
                    self._subject(s, m.start(), "leader", reach=160)
                if leader is None or self._negated(s, m.start()):
                    continue
                claim: dict[str, Any] = {"type": "leader_status", "leader": leader.id, "status": status}
                location = self._foreign(s, m.start())
                if location:
                    claim["location"] = location
                self._add(claim, s, m.start(), dated)
                typed.add(self._segment_of(s, m.start()))
        for m in OUSTED.finditer(s.text):
            # "the rebels ousted Bashar al-Assad": the leader is the object; "ousted President X"
            # without a subject before it is an epithet, not news
            leader = self._mention_at(s, m.end(), "leader")
            if leader is None or leader.start - m.end() > 4 or self._negated(s, m.start()):
                continue
            a, _ = self._segment_bounds(s, m.start())
            doer = next((x for x in s.mentions if x.kind == "faction" and x.id and a <= x.start
                         and x.end <= m.start()), None)
            if m.group("title") and doer is None and not re.search(
                    r"\b(?:offensive|rebels?|opposition|uprising|they|which|that|who)\b[^.;]{0,40}$",
                    s.text[a:m.start()], re.I):
                continue
            self._add({"type": "leader_status", "leader": leader.id, "status": "removed"}, s,
                      m.start(), dated)
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
    def _part_of_place(self, s: Sentence, place: Mention) -> bool:
        """Whether the text names a part of the place or its surroundings, not the place."""
        if place.implicit and place.text.lower().startswith("the "):
            before = s.text[max(0, place.start - 60):place.start]
            return bool(PART_BEFORE.search(before)) or bool(PART_AFTER.match(s.text[place.end:]))
        return bool(PART_BEFORE.search(s.text[max(0, place.start - 60):place.start])
                    or PART_AFTER.match(s.text[place.end:place.end + 60]))

    def _coordinated(self, s: Sentence, first: Mention, backward: bool) -> list[Mention]:
        """`first` and the names of its kind listed with it: "HTS and the SNA captured ...",
        "captured Tadef, as-Safirah and Khanasir", "A, B and C came under the control of"."""
        same = [x for x in s.mentions if x.kind == first.kind and x.id]
        out = [first]
        if first not in same:
            return out
        i = same.index(first)
        step = -1 if backward else 1
        j = i + step
        while 0 <= j < len(same):
            near, far = (same[j], out[-1]) if backward else (out[-1], same[j])
            # "Hama on 5 December and Homs on 7 December": each item may carry its date
            gap = ITEM_DATE.sub("", s.text[near.end:far.start], count=1)
            if not LIST_GAP.match(gap):
                break
            if same[j].id not in {x.id for x in out}:
                out.append(same[j])
            j += step
        return out

    def _long_ago(self, s: Sentence, pos: int) -> bool:
        """A noun of control dated years before the article ("since the capture of Aleppo in
        2016") is background, not news."""
        a, b = self._segment_bounds(s, pos)
        years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", s.text[a:b])]
        return any(y < self.published.year - 1 for y in years)

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
            if best is not None and ALONG_WITH.search(s.text[max(0, x.start - 50):x.start]):
                continue  # "X, along with allied groups in Y, entered": X did
            if any(len(s.text[b.end():pos].split()) > 1
                   and not LAST_ITEM.fullmatch(s.text[b.start():pos])
                   and not ELIDED_SUBJECT.match(s.text, b.end())
                   for b in CLAUSE_BREAK.finditer(s.text, x.end, pos)):
                continue  # "X withdrew, and rebels advanced": X did not advance ("X withdrew,
                # and advanced" keeps its subject)
            if best is not None and (SUBORDINATE_BEFORE.search(s.text[max(0, x.start - 40):x.start])
                                     or DEFEAT_AFTER.match(s.text, x.end)) \
                    and any(ELIDED_SUBJECT.match(s.text, b.end())
                            for b in re.finditer(r",\s+and\b", s.text[:pos]) if b.start() >= x.end):
                continue  # "X took villages as Y retreated, and advanced": X advanced, not Y
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
        _, b = self._segment_bounds(s, pos)
        return (NEGATION.search(s.text[max(0, pos - 40):pos]) is not None
                or DENIAL.search(s.text, max(a, pos - WINDOW), pos) is not None
                # "rumours that X had fled to Moscow were denied": the denial comes after
                or DENIED_AFTER.search(s.text, pos, min(b, pos + WINDOW)) is not None)

    # ---- output ------------------------------------------------------------------------------
    def _add(self, claim: dict[str, Any], s: Sentence, pos: int, dated: tuple[datetime, str],
             summary: str | None = None, when_at: int | None = None) -> None:
        a, b = self._segment_bounds(s, pos)
        confidence = self._confidence.get((id(s), a))
        if confidence is None:  # once per clause, however many claims it gives
            clause = s.text[a:b]
            if HEDGES.search(clause):
                confidence = "unconfirmed"
            elif CONFIRMS.search(clause):
                confidence = "confirmed"
            else:
                confidence = "reported"
            self._confidence[(id(s), a)] = confidence
        when, precision = (self._date_at(s, pos if when_at is None else when_at)
                           if getattr(s, "dates", None) is not None else dated)
        out = {"type": claim.pop("type"),
               "occurred_at": when.isoformat(),
               "precision": precision,
               "confidence": confidence,
               "summary": (summary or s.text).strip()[:2000]}
        out.update(claim)
        self.claims.append(out)
        if out["type"] in ("control", "advance"):
            self.ctx.actor = out["faction"]
        if out["type"] == "advance" and out.get("toward"):
            self.advanced[out["toward"]] = out["faction"]

    def _unresolved(self, text: str, kind: str, reason: str, s: Sentence) -> None:
        item = {"text": text, "kind": kind, "reason": reason, "sentence": s.text[:500]}
        if not any(u["text"] == text and u["kind"] == kind for u in self.unresolved):
            self.unresolved.append(item)

    def _unresolved_slots(self, s: Sentence, m: re.Match, place: Any, faction: Any) -> None:
        """Capitalised words where a name was expected but none is known."""
        self._looks += 1
        if len(self.unresolved) >= MAX_UNRESOLVED or self._looks > MAX_UNRESOLVED * 10:
            return  # a reviewer reads no more; the text is the same words over and over
        if place is None:
            words = _proper_after(s.text, m.end())
            if words:
                self._unresolved(words, "place", "not in the gazetteer", s)
        if faction is None:
            # the few words before the verb: a bounded window, not the whole sentence before it
            head = s.text[max(0, m.start() - WINDOW):m.start()]
            words = (_proper_before(head, len(head), starts=m.start() <= WINDOW)
                     or _subject_words(head, len(head)))
            if words:
                self._unresolved(words, "faction", "no known faction or alias names who did "
                                                   f"this ({m.group(0)})", s)


# Factions (and their sub-factions) that "the rebels" never stands for.
NOT_REBELS = {"syrian-arab-army", "sdf", "isis", "hezbollah", "russian-armed-forces", "irgc",
              "turkish-armed-forces", "us-armed-forces", "idf"}
# Between two names of one list: ", ", " and ", ", and the ", " and later ", "and the Turkish-backed ".
_ITEM = r"(?:the\s+)?(?:[A-Z][\w'’-]*|al-[\w'’-]+|as-[\w'’-]+|ad-[\w'’-]+|ar-[\w'’-]+)(?:\s+[A-Z][\w'’-]*){0,3}"
LIST_GAP = re.compile(r"^(?:\s+(?:militant\s+|armed\s+)?(?:group|forces|fighters|militia))?"
                      r"(?:\s*,\s*" + _ITEM + r")*"  # names of the list that are not known
                      r"\s*(?:,\s*(?:and\s+)?|(?:,\s*)?(?:and|or|as well as)\s+(?:later\s+|then\s+)?)"
                      r"(?:the\s+)?(?:(?:towns?|cities|city|villages?)\s+of\s+)?"
                      r"(?:[A-Z][\w'’-]*-(?:backed|led)\s+|allied\s+|rival\s+)?"
                      r"(?:(?:al|as|ad|ar|an|at|az|ash|el|ed|es|et)-)?$")
# ", and the Nasib Border Crossing " before a verb: the last item of a list, not a new clause
LAST_ITEM = re.compile(r",\s+and\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){1,5}")
ALONG_WITH = re.compile(r"\b(?:along with|together with|alongside|supported by|backed by|with the "
                        r"support of|aided by)\b[^,.;]*$", re.I)
ITEM_DATE = re.compile(r"^\s+(?:on|by)\s+(?:the night of\s+)?\d{1,2}(?:\s*/\s*\d{1,2})?\s+[A-Za-z]+"
                       r"(?:\s+\d{4})?")
# ", and advanced toward Hama, taking it": the clause after the break begins with its verb, so
# its subject is the one before the break.
ELIDED_SUBJECT = re.compile(r"\s*(?:(?:then|later|also|subsequently|eventually|soon|quickly|swiftly|"
                            r"finally)\s+)?(?:\w+ed|took|made|came|went|fled|drove|swept|overran|won|"
                            r"began|stood|held|fought|left|seized|entered)\b", re.I)
# A name that is the subject of a subordinate clause ("as government forces retreated").
SUBORDINATE_BEFORE = re.compile(r"\b(?:as|after|when|while|because|once|since|before|until|where|"
                                r"whereas|although|though)\s+(?:[\w'’]+[\s-]+){0,2}$", re.I)
# A side said to give way ("government forces disintegrated"): not the subject of what the
# sentence's subject goes on to do after ", and".
DEFEAT_AFTER = re.compile(r"\s+(?:had\s+|were\s+|was\s+)?(?:disintegrat|collaps|retreat|withdr|fled|flee|"
                          r"surrender|crumbl|abandon|redeploy|pull)\w*", re.I)
# "X and Y captured A and B respectively": each actor its own place.
RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
# How far before a verb the reader looks for the words of its subject or a denial.
WINDOW = 200
MAX_UNRESOLVED = 100
_PROPER = r"(?:[A-Z][\w'’\-]*|al|el|ad|as|ar|ash|ez|ed|of|the|and)"


def _proper_after(text: str, pos: int) -> str | None:
    m = re.compile(r"\s+(?:control of\s+|the (?:city|town|village) of\s+|the\s+)?"
                   r"([A-Z][\w'’\-]*(?:\s+" + _PROPER + r")*)").match(text, pos)
    if not m:
        return None
    words = re.sub(r"(?:\s+(?:al|el|of|the|and))+$", "", m.group(1)).strip()
    return words if words and words.lower() not in STOPWORDS else None


def _proper_before(text: str, pos: int, starts: bool = True) -> str | None:
    """Capitalised words just before `pos` (`starts`: the text starts the sentence)."""
    m = re.search(r"([A-Z][\w'’\-]*(?:\s+" + _PROPER + r")*)\s+(?:\w+\s+){0,2}$", text[:pos])
    if not m:
        return None
    words = m.group(1).strip()
    if words.lower() in STOPWORDS or words.split()[0].lower() in STOPWORDS:
        return None
    if starts and m.start(1) == 0 and len(words.split()) == 1:
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
    language = detect(text)
    reader = Reader(text, published, names, queries)
    if language in READ or _LATIN_SCRIPT.get(language, False):
        reader.read()  # English rules; a Latin-script text may still name and date in English
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
    for claim in checked:
        # Read in the article's local time (a day is a Damascus day, for merging); answered
        # in UTC with a Z, like every timestamp the API gives, and the same instant.
        claim["occurred_at"] = api_time(parse_time(claim["occurred_at"]))
    answer: dict[str, Any] = {"claims": checked, "unresolved": reader.unresolved,
                              "headline": reader.headline, "language": language,
                              "unsupported": [], "mentions": reader.found_names()}
    if language == "und" and checked:
        answer["language"] = language = "en"  # read as English, and claims came of it
    if language not in READ:
        # Names and dates are read in Arabic too; the claims' verbs only in English.
        if language == "ar":
            index, _ = name_index(names)
            answer["mentions"] = [{k: m[k] for k in ("text", "kind", "id")}
                                  for m in _unique(arabic_mentions(text, names, index))]
            answer["dates"] = arabic_dates(text, published)
        if not checked:
            answer["unsupported"].append(f"claims in {name_of(language)}")
    if not checked and not answer["unsupported"]:
        answer["unsupported"].append(
            "no claim found: no sentence joins a known place, faction or leader to an event "
            "the reader knows (control, clash, advance, coup, a leader's whereabouts)"
            + ("; see `unresolved` for the names it did not know" if reader.unresolved else ""))
    if source is not None:
        src = {"name": source} if isinstance(source, str) else dict(source)
        report = {"source": src, "published_at": api_time(published), "claims": checked}
        if reader.headline:
            report["headline"] = reader.headline
        report["body"] = text
        answer["report"] = report
    return answer


def _unique(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for m in mentions:
        key = (m["text"], m["kind"], m.get("id"))
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


# Latin-script languages: the English rules still run (names, English loanwords, dates in
# figures); their claims are what the answer's `unsupported` then says it could not read.
_LATIN_SCRIPT = {"fr": True, "de": True, "es": True, "it": True, "tr": True, "und": True}


def propose(app: Any, text: str, published_at: str | datetime,
            source: dict[str, Any] | str | None = None,
            idempotency: dict[str, Any] | None = None) -> dict[str, Any]:
    """`extract()` against the application's names and state (`POST /extract`). With an
    Idempotency-Key's lease, the answer is kept for the key, so that a retry gets it back;
    nothing else is stored."""
    answer = extract(text, published_at, app.names, app.queries, source=source)
    if idempotency:
        app.complete_idempotency(idempotency, answer, 200)
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
