"""The reading of one article: its sentences in order, the names in each, who "the rebels"
are, the dates each sentence carries forward, and the claims each sentence gives."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from ..article import COARSE, LOCAL, Sentence, dates_in, segments, sentence_date, split_article
from ..mentions import (
    Context, Mention, add_given_names, add_placeholders, add_surnames, add_variants, find_mentions, learn_surnames,
    name_index, variant_index,
)
from .control import Control
from .leaders import Leaders
from .movement import Movement
from .patterns import (
    ANTI, ARMIES, ARMY, BACKGROUND_YEAR, NAME_AS_MODIFIER, CALLED, CONFIRMS, COUP, DENIAL_WORD, DENIED_TRAILING,
    EPITHET, HEDGES, NO_EVIDENCE, NO_EVIDENCE_WORDS, NOTE_TRIGGERS, OFFENSIVE_BY, OFFENSIVE_LAUNCHED, NOW, PRONOUN, PRONOUN_OBJECT, REBELS,
)


class Reader(Control, Movement, Leaders):
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
        self.offensive: str | None = None  # the faction the text last said leads an offensive
        self.offensives: list[str] = []  # every faction the text said leads an offensive
        self.last_army: str | None = None  # the state army the text last named (_add_called)

    def read(self) -> None:
        variants = variant_index(self.names)
        surnames: dict[str, set[str]] = {}
        given: dict[str, set[str]] = {}
        for s in self.sentences:
            s.mentions = [m for m in find_mentions(s.text, self.names, self.index, self.lower, s.heading)
                          # "anti-government forces", "anti-Assad groups": the name is what they oppose
                          if not ANTI.search(s.text, max(0, m.start - 5), m.start)]
            # a leader's name in another spelling; then his surname alone, once named in full
            # (an encyclopedia's lead names its subject in full, then by surname)
            add_variants(s, variants)
            if surnames:
                add_surnames(s, surnames)
            add_given_names(s, given)
            learn_surnames(s, surnames, given)
        for s in self.sentences:
            for m in s.mentions:
                # "the Assad regime", "the Asad family's rule": the name describes, no one is meant
                m.modifier = m.kind == "leader" and NAME_AS_MODIFIER.match(s.text, m.end) is not None
        self.ctx.title = self._title()
        self.rebel = self._find_rebel()
        self.head_of_state = self._find_head_of_state()
        before: list[str] = []  # the leaders the sentence before named
        for s in self.sentences:
            add_placeholders(s, self.ctx, self.names, self.roles)
            self._add_rebels(s)
            self._add_called(s)
            self._add_pronoun(s, before)
            self._add_epithet(s)
            if not s.heading:
                before = list({m.id: 0 for m in s.mentions if m.kind == "leader" and m.id and not m.modifier})
            s.dates = dates_in(s.text, self.published, self.anchor)  # type: ignore[attr-defined]
            s.segments = segments(s.text)
            for m in s.mentions:
                if m.kind in ("place", "faction", "leader") and len(m.ids) > 1:
                    self._unresolved(m.text, m.kind, f"ambiguous: {', '.join(m.ids[:5])}", s)
            if not s.heading:
                self._find_offensive(s)
                self._sentence(s)
                for _, d in s.dates:  # type: ignore[attr-defined]
                    if d[1] not in COARSE:
                        self.anchor, self.month_anchor = d, None
                    elif self._recent(d):
                        self.month_anchor = d
            for m in s.mentions:
                if m.id and m.kind == "faction":
                    self.ctx.faction = m.id
                elif m.id and m.kind == "place":
                    self.ctx.place = m.id
                elif m.id and m.kind == "leader" and not m.modifier:
                    self.ctx.leaders.append(m.id)
        self._infobox_term_end()

    def _title(self) -> dict[str, str]:
        """An encyclopedia article's subject: a first line that is a heading and one name, place or
        faction ("Tell Rifaat", "Hay'at Tahrir al-Sham", "Suhayl al-Hasan facts for kids")."""
        first = self.sentences[0] if self.sentences else None
        if first is None or not first.heading or self.headline != first.text:
            return {}
        line = _TITLE_TAIL.sub("", first.text).strip()
        named = [m for m in first.mentions if m.id and not m.implicit and m.start < len(line)]
        if len(named) != 1 or named[0].kind not in ("place", "faction", "leader") or \
                len(named[0].text) < 0.6 * len(line):
            return {}
        return {named[0].kind: named[0].id}

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
                if re.search(r"\b(?:(?:led|spearheaded|headed) by|under the (?:leadership|command) of)"
                             r"\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", before, re.I) or re.match(r"\s*(?:\([^)]{0,12}\))?-led\b", s.text[m.end:m.end + 16]):
                    return m.id
                if called is None and re.search(
                        r"\b(?:rebel|opposition)\s+(?:(?:coalition|group|alliance|militia|faction|"
                        r"umbrella)\s+)?(?:(?:known|called|named)\s+as\s+|called\s+)?(?:the\s+)?$",
                        before, re.I):
                    called = m.id  # "the rebel coalition known as the Southern Operations Room"
                first = first or m.id
        return called or first

    def _add_rebels(self, s: Sentence) -> None:
        if self.rebel is not None:
            _add_implicit(s, REBELS, "faction", self.rebel)

    def _add_called(self, s: Sentence) -> None:
        """"the army", "government troops", "the regime": the state army. "The army" alone is
        the one the text last named (an Israeli statement's "the army" is the IDF), else the
        Syrian Arab Army; the others are always Syria's. And the factions called by who backs
        them ("Turkish-backed armed groups": the SNA)."""
        for m in s.mentions:
            family = {m.id, *self._ancestors(m.id)} if m.kind == "faction" and m.id else set()
            last = next((a for a in ARMIES if a in family), None)
            if last:
                self.last_army = last
        saa = ARMIES[0] if self.names.entity("faction", ARMIES[0]) else None
        taken = [(m.start, m.end) for m in s.mentions]
        added = []
        called = [(m, faction) for pattern, faction in CALLED for m in pattern.finditer(s.text)
                  if self.names.entity("faction", faction)]
        for m, faction in [*((m, None) for m in ARMY.finditer(s.text)), *called]:
            army = faction or ((self.last_army or saa) if m.group("bare") else saa)
            if army and not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken) \
                    and not ANTI.search(s.text, max(0, m.start() - 5), m.start()):
                added.append(Mention(m.start(), m.end(), "faction", [army], m.group(0), implicit=True))
        if added:
            s.mentions = sorted([*s.mentions, *added], key=lambda x: x.start)

    def _add_pronoun(self, s: Sentence, before: list[str]) -> None:
        """"Assad left Damascus. He is now in Moscow.": a sentence that opens with "He" or "His",
        or names "him" as the one something was done for ("Russia gave him asylum"), and names
        no leader is about the one leader the sentence before named (in a leader's biography,
        "He" is its subject)."""
        m = PRONOUN.match(s.text) or PRONOUN_OBJECT.search(s.text)
        if m is None or s.heading:
            return
        subject = self.ctx.title.get("leader")
        if subject and m.re is PRONOUN and not any(x.kind == "leader" and x.start < m.start(1)
                                                   for x in s.mentions):
            # in an article about one leader, "He" opening a sentence is that leader, whoever the
            # sentence before named ("X named him premier. He had been a minister.")
            before = [subject]
        elif len(before) != 1 or any(x.kind == "leader" for x in s.mentions):
            return
        s.mentions = sorted([*s.mentions, Mention(m.start(1), m.end(1), "leader", before, m.group(1),
                                                  implicit=True)], key=lambda x: x.start)

    def _find_head_of_state(self) -> str | None:
        """The one head of state the text names ("President of Syria" in his role): what "the
        ousted president" or "Syria's leader" stands for; None when it names none or two."""
        found = {m.id for s in self.sentences for m in s.mentions
                 if m.kind == "leader" and m.id and not m.implicit
                 and self.roles.get(m.id, "").startswith("President of")}
        return found.pop() if len(found) == 1 else None

    def _add_epithet(self, s: Sentence) -> None:
        """"Assad ... The ousted president fled to Moscow.": the epithet is the head of state the
        text names (only one; an epithet of another leader is left unread)."""
        if self.head_of_state is not None:
            _add_implicit(s, EPITHET, "leader", self.head_of_state)

    def _out_of_scope(self, s: Sentence, pos: int) -> bool:
        """A deed the sentence does not assert: taken back after it ("..., which the army
        denied"), said to lack evidence ("no sign that X entered Y"), or set in a year long
        before the article ("government forces captured Aleppo in 2016")."""
        # what the sentence holds, found once per sentence, not once per deed (bench/ B7)
        scope = s.__dict__.get("_scope")
        if scope is None:
            scope = s.__dict__["_scope"] = (
                [m.start() for m in DENIAL_WORD.finditer(s.text)],
                NO_EVIDENCE_WORDS.search(s.text) is not None,
                [(m.start(), int(m.group("year"))) for m in BACKGROUND_YEAR.finditer(s.text)])
        denials, unproven, years = scope
        if (denials and denials[-1] >= pos and DENIED_TRAILING.match(s.text, pos)) or \
                (unproven and NO_EVIDENCE.search(s.text[:pos])):
            return True
        old = self.published.astimezone(LOCAL).year - 1  # "in 2023" may still be the story's year
        days = [p for p, d in getattr(s, "dates", None) or [] if self._recent(d) and d[0].year >= old]
        for start, year in years:
            if year >= old:
                continue
            lo, hi = sorted((start, pos))
            if any(lo <= p < hi for p in days):
                continue  # a day of the story between the year and the deed dates the deed
            # "captured Aleppo in 2016", "in 2016 Assad's forces retook Aleppo": the year in the
            # deed's own words; "In 2011, ..." opening the sentence dates the whole of it
            # ("Hama, where ... in 1982, fell on 5 December": a year behind a comma is not)
            if start < pos and re.search(r"\b(?:until|till|up to)\b", s.text[lo:hi], re.I):
                continue  # "president from 2000 until he was ousted": the year opens a span the deed ends
            if not re.search(r"[,;()]", s.text[lo:hi]) or not s.text[:start].strip():
                return True
        return False

    def _find_offensive(self, s: Sentence) -> None:
        """"a lightning advance by X", "X launched an offensive": X takes what the text later says
        "fell" with no one named (control._agentless)."""
        for m in s.mentions:
            if m.kind == "faction" and m.id and not self._negated(s, m.start) and (
                    OFFENSIVE_BY.search(s.text[max(0, m.start - 60):m.start])
                    # ("^" holds only at the start of the string searched: a slice, not a pos)
                    or OFFENSIVE_LAUNCHED.match(s.text[m.end:m.end + 120])):
                self.offensive = m.id
                if m.id not in self.offensives:
                    self.offensives.append(m.id)
                return

    def _offensive_leader(self) -> str | None:
        """The one offensive the text speaks of, by who leads it: None when it names two that
        are not one coalition (an analyst would not guess which took a place)."""
        if not self.offensives:
            return None
        families = [{f, *self._ancestors(f)} for f in self.offensives]
        if all(f & families[0] for f in families):
            return self.offensives[0]
        return None

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
        if NOW.search(s.text, a, b):
            # "... and now Damascus has fallen": a sentence with no date of its own that says
            # "now" speaks of the day it was written, not of the last date the text gave
            day = self.published.astimezone(LOCAL)
            return day.replace(hour=12, minute=0, second=0, microsecond=0), "day"
        return self.month_anchor or self.anchor or self.lead

    def _recent(self, d: tuple[datetime, str]) -> bool:
        """A day, or a month of the year before publication or later: "the March 2020 ceasefire"
        is background, which dates no sentence after it."""
        return d[1] not in COARSE or d[0] >= self.published.astimezone(LOCAL) - timedelta(days=366)

    def found_names(self) -> list[dict[str, Any]]:
        """The places, factions and leaders the text names, once each: {text, kind, id}."""
        return _unique([{"text": m.text, "kind": m.kind, "id": m.id}
                        for s in self.sentences for m in s.mentions
                        if m.kind in ("place", "faction", "leader") and not m.implicit])

    # ---- one sentence ------------------------------------------------------------------------
    def _sentence(self, s: Sentence) -> None:
        """The claims of one sentence: each way of saying each claim type in turn, then the
        notes for what is left."""
        dated = sentence_date(s.text, self.published) or self.lead
        found_before = len(self.claims)
        typed: set[int] = set()  # the clauses that gave a typed claim
        for build in (self._control_active, self._took, self._holds, self._declared, self._expelled, self._withdrew,
                      self._handed,
                      self._control_passive, self._agentless, self._among,
                      self._under_control, self._possessive_noun, self._lost, self._control_noun,
                      self._approach, self._advance_verbs, self._advance_direct, self._advance_shared,
                      self._clashes):
            build(s, dated, typed)
        self._coup(s, dated)
        self._status(s, dated, typed)
        if len(self.claims) == found_before or typed:
            self._notes(s, dated, typed)

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

    # ---- output ------------------------------------------------------------------------------
    def _add(self, claim: dict[str, Any], s: Sentence, pos: int, dated: tuple[datetime, str],
             summary: str | None = None, when_at: int | None = None) -> None:
        if claim["type"] != "note" and self._out_of_scope(s, pos):
            return
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

    def _claim(self, claim: dict[str, Any], s: Sentence, m: re.Match, dated: tuple[datetime, str],
               typed: set[int], when_at: int | None = None) -> None:
        """The claim the match `m` states; its clause is then `typed` (it gives no note)."""
        self._add(claim, s, m.start(), dated, when_at=when_at)
        typed.add(self._segment_of(s, m.start()))


# What follows a subject's name in an encyclopedia's title: "(2024–present)", "facts for kids".
_TITLE_TAIL = re.compile(r"\s*(?:\([^)]*\)|facts for kids|-\s*wikipedia)\s*$", re.I)


def _unique(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for m in mentions:
        key = (m["text"], m["kind"], m.get("id"))
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _add_implicit(s: Sentence, pattern: re.Pattern[str], kind: str, entity: str) -> None:
    """Words that stand for an entity the text named elsewhere ("the rebels", "the ousted
    president"), added to the sentence's mentions where no mention already covers them."""
    taken = [(m.start, m.end) for m in s.mentions]
    added = [Mention(m.start(), m.end(), kind, [entity], m.group(0), implicit=True)
             for m in pattern.finditer(s.text)
             if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken)]
    if added:
        s.mentions = sorted([*s.mentions, *added], key=lambda x: x.start)
