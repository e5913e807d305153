"""A coup ("X is leading the coup against Y") and a leader's status ("Assad remains
unaccounted for", "fled to Moscow")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from ..article import LOCAL, Sentence
from ..mentions import Mention
from .patterns import (
    ASYLUM_TO, COUP_OUST, NOUN_WANTED, PLACE_AS_MODIFIER, STATUS_NOUN_HIS, NOUN_NOT_SO, STATUS_NOUN_AFTER, STATUS_NOUN_OF, STATUS_NOUNS, COUP_TARGET, DISMISSED, DONE_TO, EXILED_EPITHET, FLIGHT_AFTER, FLIGHT_NOUN,
    FLIGHT_TO, NEGATION, OBJECT_BEFORE, TERM_END_LINE, TERM_SERVED, TERM_TO, WHERE_UNKNOWN,
    COUP, COUP_DENIED, DENIAL, DENIED_AFTER, EXILE_TO, FOREIGN, _FOREIGN_RE, LEADS, OUSTED, STATUS,
    STAYS_IN,
    TRAVEL, WINDOW,
)
from .slots import Slots


class Leaders(Slots):
    def _coup(self, s: Sentence, dated: tuple[datetime, str]) -> None:
        m = COUP.search(s.text)
        if m is None:
            return
        against = self._after_word(s, 0, "against", "leader") or self._coup_target(s, m.start())
        if against is not None:
            self.ctx.coup_target = against.id
        place = next((x for x in s.mentions if x.kind == "place" and x.id
                      and not PLACE_AS_MODIFIER.match(s.text, x.end)), None)
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
        # a coup is against the state's head: with none named, the one head of state the text names
        target = against.id if against else (self.ctx.coup_target or self.head_of_state)
        city = self.ctx.coup_city or self.ctx.dateline
        if leader is None or target is None or city is None or leader.id == target:
            return
        self._add({"type": "coup", "city": city, "led_by": leader.id, "against": target},
                  s, m.start(), dated)

    def _coup_target(self, s: Sentence, pos: int) -> Mention | None:
        """"X faced a coup attempt", "X was the target of a coup", "tried to oust X in a coup":
        the leader before the coup."""
        target = COUP_TARGET.search(s.text, max(0, pos - 80), pos)
        if target is None:
            oust = COUP_OUST.search(s.text, max(0, pos - 80), pos)
            after = self._mention_at(s, oust.end(), "leader") if oust else None
            return after if after is not None and after.start - oust.end() <= 4 else None
        return next((x for x in reversed(s.mentions) if x.kind == "leader" and x.id
                     and x.end <= target.start() and target.start() - x.end <= 4), None)

    def _coup_denied(self, s: Sentence, pos: int) -> bool:
        """A coup said not to be ("did not stage a coup", "denied reports of a coup", "rumours
        of a coup were dismissed"); an attempted one is still a coup (leading_coup)."""
        a, b = self._segment_bounds(s, pos)
        return (COUP_DENIED.search(s.text[max(a, pos - 30):pos]) is not None
                or DENIAL.search(s.text, max(a, pos - WINDOW), pos) is not None
                or DENIED_AFTER.search(s.text, pos, min(b, pos + WINDOW)) is not None)

    def _fragment_leader(self, s: Sentence, pos: int) -> Mention | None:
        """"Assad is the rat of Damascus. Fleeing to Moscow with his tail between his legs.": a
        sentence that opens with its verb and names no leader is about the leader named last."""
        if s.text[:pos].strip() or not self.ctx.leaders or \
                any(x.kind == "leader" for x in s.mentions):
            return None
        return Mention(pos, pos, "leader", [self.ctx.leaders[-1]], "", implicit=True)

    def _status(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        first = len(self.claims)
        self._statuses(s, dated, typed)
        exile_over_abroad(self.claims, first)

    def _statuses(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        for m in EXILE_TO.finditer(s.text):
            # "forced Asad's resignation and exile to Russia": the leader before, the country after
            leader = self._subject(s, m.start(), "leader", reach=160)
            if leader is None or self._negated(s, m.start()):
                continue
            self._claim({"type": "leader_status", "leader": leader.id, "status": "in_exile",
                         "location": FOREIGN[_FOREIGN_RE.match(s.text, m.end()).group(1).lower()]},
                        s, m, dated, typed)
        for status, pattern in STATUS:
            for m in pattern.finditer(s.text):
                # "Russia granted Bashar al-Assad asylum": the leader inside the words
                leader = next((x for x in s.mentions if x.kind == "leader" and x.id and
                               m.start() < x.start < m.end()), None) or \
                    self._subject(s, m.start(), "leader", reach=160)
                if status == "in_exile" and m.group(0).lower().endswith("asylum"):
                    # "Russia granted asylum to Assad and his family": the leader after the words
                    to = ASYLUM_TO.match(s.text, m.end())
                    after = self._mention_at(s, to.end(), "leader") if to else None
                    if after is not None and after.start - to.end() <= 4 and \
                            not _POSSESSIVE.match(s.text, after.end):
                        leader = after
                if leader is None or self._negated(s, m.start()):
                    continue
                claim: dict[str, Any] = {"type": "leader_status", "leader": leader.id, "status": status}
                location = self._foreign(s, m.start())
                if location:
                    claim["location"] = location
                self._claim(claim, s, m, dated, typed)
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
            self._claim({"type": "leader_status", "leader": leader.id, "status": "removed"},
                        s, m, dated, typed)
        self._statuses_more(s, dated, typed)
        for m in TRAVEL.finditer(s.text):
            leader = self._subject(s, m.start(), "leader", reach=120) or \
                self._fragment_leader(s, m.start())
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
            self._claim(claim, s, m, dated, typed)
        for m in _FOREIGN_RE.finditer(s.text):
            if TRAVEL.search(s.text[max(0, m.start() - 20):m.start()]):
                continue
            if not STAYS_IN.search(s.text[max(0, m.start() - 40):m.start()]):
                continue
            leader = self._subject(s, m.start(), "leader", reach=120)
            # ("Assad was not in Moscow", "rumours that Assad was in Moscow were denied")
            if leader is None or self._negated(s, m.start()):
                continue
            self._claim({"type": "leader_status", "leader": leader.id, "status": "abroad",
                         "location": FOREIGN[m.group(1).lower()]}, s, m, dated, typed)

    def _statuses_more(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """A leader's status said around his name rather than after it: dismissal said right
        after his name, a deed done to him ("rebels killed X", "HTS arrested X"), his exile as an
        epithet ("the exiled Assad"), his flight as a noun ("the flight of X to Russia"), "it was
        not known where X was"."""
        leaders = [x for x in s.mentions if x.kind == "leader" and x.id]
        for m in DISMISSED.finditer(s.text):
            leader = next((x for x in leaders if x.end <= m.start() and re.fullmatch(
                r"(?:\s*,[^,;]{1,60},)?\s*", s.text[x.end:m.start()])), None)
            before = [x for x in leaders if x.end <= m.start() and not x.modifier]
            if leader is None and before and re.search(r"\b(?:he|she)\s+$", s.text[before[-1].end:m.start()]) \
                    and len(s.text[before[-1].end:m.start()]) <= 120:
                # "X remained prime minister until 10 December, when he was replaced": the one
                # leader named before the pronoun
                leader = before[-1] if len({x.id for x in before}) == 1 else None
            # (not _negated: "was dismissed" is also how a denial is said after its claim)
            if leader is None or NEGATION.search(s.text[max(0, m.start() - 40):m.start()]):
                continue
            self._claim({"type": "leader_status", "leader": leader.id, "status": "removed"}, s, m,
                        dated, typed)
        for status, pattern in DONE_TO:
            for m in pattern.finditer(s.text):
                leader = self._mention_at(s, m.end(), "leader")
                # ("captured Assad's hometown": what is his, not him)
                if leader is None or leader.start - m.end() > 4 or self._negated(s, m.start()) or \
                        _POSSESSIVE.match(s.text, leader.end):
                    continue
                self._claim({"type": "leader_status", "leader": leader.id, "status": status}, s, m,
                            dated, typed)
        for m in EXILED_EPITHET.finditer(s.text):
            leader = self._mention_at(s, m.end(), "leader")
            if leader is None or leader.start - m.end() > 4 or _POSSESSIVE.match(s.text, leader.end):
                continue
            self._claim({"type": "leader_status", "leader": leader.id, "status": "in_exile"}, s, m,
                        dated, typed)
        for m in FLIGHT_NOUN.finditer(s.text):
            # "the flight of Bashar al-Assad to Russia"
            leader = self._mention_at(s, m.end(), "leader")
            to = (FLIGHT_TO.match(s.text, leader.end)
                  if leader is not None and leader.start - m.end() <= 4 else None)
            self._flight(s, m, leader, to, dated, typed)
        for leader in leaders:
            # "Assad's escape to Moscow"
            if leader.implicit and not leader.text:
                continue
            to = FLIGHT_AFTER.match(s.text, leader.end)
            self._flight(s, _At(leader.start), leader, to, dated, typed)
        for m in STATUS_NOUN_OF.finditer(s.text):
            # "the exile of former president X", "the arrest of X"
            leader = self._mention_at(s, m.end(), "leader")
            if leader is not None and leader.start - m.end() <= 4:
                self._status_noun(s, m, m.group("noun"), leader, leader.end, dated, typed)
        for leader in leaders:
            # "X's death", "Assad's ouster"
            after = STATUS_NOUN_AFTER.match(s.text, leader.end)
            if after is not None and not leader.modifier and not (leader.implicit and not leader.text):
                self._status_noun(s, _At(leader.start), after.group("noun"), leader, after.end(),
                                  dated, typed)
        for m in STATUS_NOUN_HIS.finditer(s.text):
            # "X served as president until his overthrow": the leader the sentence is about
            leader = self._subject(s, m.start(), "leader", reach=160)
            if leader is not None:
                self._status_noun(s, m, m.group("noun"), leader, m.end(), dated, typed)
        self._term_ended(s, dated, typed)
        for m in WHERE_UNKNOWN.finditer(s.text):
            leader = self._mention_at(s, m.end(), "leader")
            if leader is None or leader.start - m.end() > 4 or _POSSESSIVE.match(s.text, leader.end):
                continue
            self._claim({"type": "leader_status", "leader": leader.id, "status": "whereabouts_unknown"},
                        s, m, dated, typed)

    def _term_ended(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"X served as prime minister from 14 September to 10 December 2024": a term said to end
        within the year before the article is its holder's removal (not one that ends after the
        article, nor years before, nor a year alone)."""
        for m in TERM_SERVED.finditer(s.text):
            holder = self._term_holder(s, m.start())
            if holder is None or self._negated(s, m.start()):
                continue
            ends = [p for p, d in getattr(s, "dates", None) or [] if p > m.end() and
                    TERM_TO.search(s.text, max(m.end(), p - 8), p) and self._term_over(d)]
            if ends:
                self._claim({"type": "leader_status", "leader": holder.id, "status": "removed"},
                            s, m, dated, typed, when_at=ends[-1])

    def _term_holder(self, s: Sentence, pos: int) -> Mention | None:
        """Who served: the sentence's first leader that is no preposition's object ("a member of
        the opposition to Assad, serving as ..."), or the one a "who" right before is about."""
        named = [x for x in s.mentions if x.kind == "leader" and x.id and not x.modifier and
                 x.end <= pos and not OBJECT_BEFORE.search(s.text, max(0, x.start - 40), x.start)]
        if not named:
            return None
        return named[-1] if _WHO.fullmatch(s.text, named[-1].end, pos) else named[0]

    def _term_over(self, d: tuple[datetime, str]) -> bool:
        """A day or a month of the year before publication, not after it."""
        published = self.published.astimezone(LOCAL)
        start = d[0].replace(day=1) if d[1] == "month" else d[0]
        return d[1] in ("day", "month") and published - timedelta(days=366) <= start <= published

    def _infobox_term_end(self) -> None:
        """"- Term End: 8 December 2024" in the infobox of an article about one leader: his
        removal, within the year before the article. Of several offices, the one the template
        leaves unnumbered (its principal), else the first that ended then: one status, one day."""
        leader = self.ctx.title.get("leader")
        lines = [(s, m) for s in self.sentences if s.heading and leader
                 for m in [TERM_END_LINE.match(s.text)] if m is not None]
        for s, m in sorted(lines, key=lambda x: x[1].group("n") != ""):
            ends = [p for p, d in getattr(s, "dates", None) or [] if p >= m.end() and self._term_over(d)]
            if ends:
                self._add({"type": "leader_status", "leader": leader, "status": "removed"}, s,
                          ends[0], self.lead)
                return

    def _status_noun(self, s: Sentence, m: Any, noun: str, leader: Mention, end: int,
                     dated: tuple[datetime, str], typed: set[int]) -> None:
        """A status named as a noun: the leader's, unless the clause makes it a wish, a fear or a
        rumour ("the overthrow of X would be a disaster", "the death of X was never confirmed")."""
        _, b = self._segment_bounds(s, m.start())
        if self._negated(s, m.start()) or NOUN_NOT_SO.search(s.text, end, b) or \
                NOUN_WANTED.search(s.text, max(0, m.start() - 40), m.start()) or \
                _POSSESSIVE.match(s.text, leader.end) and noun.lower() not in s.text[leader.end:end].lower():
            return
        to = re.match(r"\s+(?:to|in)\s+(?:the\s+)?", s.text[end:end + 12])
        if noun.lower() == "exile" and to and not _FOREIGN_RE.match(s.text, end + to.end()):
            return  # "exile to the coast": an exile at home is no exile abroad (round 7)
        self._claim({"type": "leader_status", "leader": leader.id,
                     "status": STATUS_NOUNS[noun.lower()]}, s, m, dated, typed)

    def _flight(self, s: Sentence, m: Any, leader: Mention | None, to: re.Match | None,
                dated: tuple[datetime, str], typed: set[int]) -> None:
        """A flight named as a noun is abroad when it names the foreign place it went to."""
        abroad = _FOREIGN_RE.match(s.text, to.end()) if to is not None else None
        if leader is None or abroad is None or self._negated(s, m.start()):
            return
        self._claim({"type": "leader_status", "leader": leader.id, "status": "abroad",
                     "location": FOREIGN[abroad.group(1).lower()]}, s, m, dated, typed)


class _At:
    """Where a claim said around a name begins, for `_claim` (which reads `start()`)."""

    def __init__(self, pos: int):
        self._pos = pos

    def start(self) -> int:
        return self._pos


# A relative clause about the name just before: "X (born 1969) is a politician who served as".
_WHO = re.compile(r"(?:\s*\([^()]{0,80}\))?[^.;()]{0,80}?\bwho\s+(?:(?:had|has|then|later|also|previously)\s+)*")

# A name followed by what is his ("Assad's hometown", "Assad's family"): not the man himself.
_POSSESSIVE = re.compile(r"['’]s?\b|\s+(?:family|regime|government|forces|brother|wife|son|loyalists)\b", re.I)


def exile_over_abroad(claims: list[dict[str, Any]], first: int) -> None:
    """"Assad fled to Russia and claimed asylum": one sentence (its claims from `first` on) that
    puts a leader in exile says where he is too; the flight is not a second status ("abroad")
    but the exile's place (the English and the Arabic reader)."""
    added = claims[first:]
    exiled = {c["leader"]: c for c in added if c["type"] == "leader_status" and c["status"] == "in_exile"}
    for c in added:
        if c["type"] == "leader_status" and c["status"] == "abroad" and c["leader"] in exiled:
            if c.get("location") and not exiled[c["leader"]].get("location"):
                exiled[c["leader"]]["location"] = c["location"]
            claims.remove(c)
