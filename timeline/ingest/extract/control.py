"""Control of a place: a faction took it ("X seized Aleppo", "Aleppo fell to X", "Manbij
came under SNA control", "its capture of Hama"), one builder per way of saying it."""

from __future__ import annotations

import re
from datetime import datetime

from ..article import Sentence
from ..mentions import Mention
from .patterns import (
    AGENTLESS, AMONG, LED_NOUN, APPROACH_BEFORE, TAKEN_AFTER, CONTROL_ACTIVE, CONTROL_NOUN, CONTROL_PASSIVE, COUNT, CULMINATED,
    DECLARED,
    CLEARED, CLEARED_OF, HELD_EPITHET, DECLARED_AFTER, EXPELLED, LEFT_AS, LEFT_TO, WITHDREW, EXPELLED_BY, EXPELLED_PASSIVE, HANDED, HANDED_TO, HOLDS, LOST, LOST_APPOSED, OUT_OF,
    OUTSKIRTS_BEFORE, POSSESSIVE_NOUN, STATE_AT, TOOK, UNDER_CONTROL, WINDOW,
)
from .slots import Slots


class Control(Slots):
    def _control_active(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"X seized Aleppo", "HTS and the SNA captured A and B respectively"."""
        for m in CONTROL_ACTIVE.finditer(s.text):
            if self._negated(s, m.start()):
                continue
            if CULMINATED.search(s.text, max(0, m.start() - 34), max(0, m.start() - 4)) and \
                    re.search(r"\bthe\s+$", s.text[max(0, m.start() - 4):m.start()], re.I):
                continue  # "culminated in the capture of X": a noun, whose taker _control_noun finds
            count = COUNT.match(s.text, m.end() + 1) or COUNT.match(s.text, m.end())
            if count:
                if self._advance(s, m, dated, count):
                    typed.add(self._segment_of(s, m.start()))
                continue
            # "captured the town of X and more than 20 villages in the Y countryside"
            later = COUNT.search(s.text, m.end(), min(self._segment_bounds(s, m.start())[1],
                                                      m.end() + WINDOW))
            if later and self._advance(s, m, dated, later):
                typed.add(self._segment_of(s, m.start()))
            place = self._object(s, m.end(), "place") if not m.group("extent") else \
                self._included_place(s, m.end())
            if place is not None and APPROACH_BEFORE.search(
                    s.text[max(0, place.start - 60):place.start]) and not OUTSKIRTS_BEFORE.search(
                    s.text[max(0, place.start - 40):place.start]):
                place = None  # "seized the airport east of Aleppo" is not Aleppo
            if place is not None and re.search(r"\w\s+(?:in|at|inside|within|near|around)\s+(?:the\s+)?"
                                               r"(?:(?:city|town)\s+of\s+)?$", s.text[m.end():place.start]):
                continue  # "took control of state television in Damascus": what was taken is in it
            if place is not None and self._part_of_place(s, place):
                # "entered the suburbs of the capital": an advance on it, not its capture
                near = OUTSKIRTS_BEFORE.search(s.text[max(0, place.start - 40):place.start])
                faction = self._subject(s, m.start(), "faction")
                if near and faction is not None and not re.search(
                        r"\b(?:remain\w*|in control of|held|hold\w*)\b", m.group(0), re.I):
                    self._advancing(s, m, faction, place, dated, typed)
                continue  # "remained in control of a few neighbourhoods in northern Aleppo"
            faction = self._subject(s, m.start(), "faction") or self._fronted_subject(s, m)
            if place is None or faction is None:
                self._unresolved_slots(s, m, place, faction)
                continue
            takers = self._coordinated(s, faction, backward=True)[::-1]
            wheres = self._coordinated(s, place, backward=False)
            for taker, where in self._pairs(s, takers, wheres, m):
                claim = {"type": "control", "city": where.id, "faction": taker.id}
                loser = self._after_word(s, where.end, "from", "faction")
                if loser and loser.id != taker.id:
                    claim["from_faction"] = loser.id
                elif (held := self._epithet_holder(s, where)) and held != taker.id:
                    claim["from_faction"] = held
                self._add(claim, s, m.start(), dated, when_at=where.start)
            typed.add(self._segment_of(s, m.start()))

    def _took(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"X took Aleppo"."""
        for m in TOOK.finditer(s.text):
            # plain "took Aleppo": only with the place right after the verb ("took place in
            # Aleppo", "took part" are not control)
            place = next((x for x in s.mentions if x.kind == "place" and x.id
                          and x.start == m.end()), None)
            faction = self._subject(s, m.start(), "faction")
            if place is None or faction is None or self._negated(s, m.start()):
                continue
            # "they took Hama and Homs", "HTS and the SNA took Aleppo": every item of both lists
            takers = self._coordinated(s, faction, backward=True)[::-1]
            for taker, where in self._pairs(s, takers, self._coordinated(s, place, backward=False), m):
                self._claim({"type": "control", "city": where.id, "faction": taker.id}, s, m, dated,
                            typed, when_at=where.start)

    def _holds(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"The SNA now controls Tabqa", "HTS holds Idlib": not a hold said to have ended
        ("held X until 2016") or years before the article."""
        for m in HOLDS.finditer(s.text):
            place = next((x for x in s.mentions if x.kind == "place" and x.id
                          and x.start == m.end()), None)
            faction = self._subject(s, m.start(), "faction")
            if m.group("past") and not STATE_AT.match(s.text):
                continue  # "the SDF controlled Tabqa": background, unless said at a date
            if place is None or faction is None or self._negated(s, m.start()) or \
                    self._part_of_place(s, place) or self._long_ago(s, m.start()) or \
                    re.search(r"\b(?:until|till|before)\b", s.text[place.end:self._segment_bounds(s, m.start())[1]], re.I):
                continue
            for taker in self._coordinated(s, faction, backward=True):  # "HTS and the SNA control X"
                self._claim({"type": "control", "city": place.id, "faction": taker.id}, s, m, dated, typed)

    def _declared(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"HTS declared Tabqa liberated"."""
        for m in DECLARED.finditer(s.text):
            place = next((x for x in s.mentions if x.kind == "place" and x.id
                          and x.start == m.end()), None)
            if place is None or not DECLARED_AFTER.match(s.text, place.end):
                continue
            faction = self._subject(s, m.start(), "faction")
            if faction is None or self._negated(s, m.start()) or self._part_of_place(s, place):
                continue
            self._claim({"type": "control", "city": place.id, "faction": faction.id}, s, m, dated, typed)

    def _expelled(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"X drove the SDF out of Manbij", "X expelled Y from Z": X holds Z, taken from Y."""
        for m in EXPELLED.finditer(s.text):
            loser = self._mention_at(s, m.end(), "faction")
            out = OUT_OF.match(s.text, loser.end) if loser is not None else None
            place = self._mention_at(s, out.end(), "place") if out else None
            taker = self._subject(s, m.start(), "faction")
            if place is None or taker is None or taker.id == loser.id or \
                    place.start - out.end() > 4 or self._negated(s, m.start()) or \
                    self._part_of_place(s, place):
                continue
            self._claim({"type": "control", "city": place.id, "faction": taker.id,
                         "from_faction": loser.id}, s, m, dated, typed)
        for m in EXPELLED_PASSIVE.finditer(s.text):
            # "government forces were driven out of Homs by HTS"
            place = self._mention_at(s, m.end(), "place")
            by = EXPELLED_BY.match(s.text, place.end) if place is not None else None
            taker = self._mention_at(s, by.end(), "faction") if by else None
            loser = self._subject(s, m.start(), "faction")
            if taker is None or place.start - m.end() > 4 or by.end() + 4 < taker.start or \
                    (loser is not None and loser.id == taker.id) or self._negated(s, m.start()) or \
                    self._part_of_place(s, place):
                continue
            claim = {"type": "control", "city": place.id, "faction": taker.id}
            if loser is not None:
                claim["from_faction"] = loser.id
            self._claim(claim, s, m, dated, typed)
        for m in CLEARED.finditer(s.text):
            # "HTS cleared Homs of government forces"
            place = self._mention_at(s, m.end(), "place")
            of = CLEARED_OF.match(s.text, place.end) if place is not None else None
            loser = self._mention_at(s, of.end(), "faction") if of else None
            taker = self._subject(s, m.start(), "faction")
            if loser is None or taker is None or taker.id == loser.id or \
                    place.start - m.end() > 4 or self._negated(s, m.start()) or \
                    self._part_of_place(s, place):
                continue
            self._claim({"type": "control", "city": place.id, "faction": taker.id,
                         "from_faction": loser.id}, s, m, dated, typed)

    def _withdrew(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"Government forces withdrew from Hama as HTS entered", "the army abandoned Hama to
        HTS": the place given up is its taker's; with no taker named, the faction the text last
        said advanced on the place (else no claim: a withdrawal alone names no one who holds it)."""
        for m in WITHDREW.finditer(s.text):
            place = self._mention_at(s, m.end(), "place")
            loser = self._subject(s, m.start(), "faction")
            if place is None or loser is None or place.start - m.end() > 4 or \
                    self._negated(s, m.start()) or self._part_of_place(s, place):
                continue
            to = LEFT_TO.match(s.text, place.end) or LEFT_AS.match(s.text, place.end)
            taker = self._mention_at(s, to.end(), "faction") if to else None
            if taker is not None and taker.start - to.end() > 4:
                taker = None
            taker_id = taker.id if taker is not None else self.advanced.get(place.id)
            if taker_id is None or {taker_id, *self._ancestors(taker_id)} & {loser.id, *self._ancestors(loser.id)}:
                continue
            self._claim({"type": "control", "city": place.id, "faction": taker_id,
                         "from_faction": loser.id}, s, m, dated, typed)

    def _epithet_holder(self, s: Sentence, place: Mention) -> str | None:
        """The holder an epithet names just before a place taken: "entered the government-held
        city of Aleppo" (its `from_faction`; alone, "HTS-held Idlib" is no claim: an epithet)."""
        m = HELD_EPITHET.search(s.text, max(0, place.start - 60), place.start)
        if m is None or m.end() != place.start:
            return None
        if m.group("side"):
            side = m.group("side").strip().lower()
            holder = (self.rebel if side in ("rebel", "opposition", "insurgent") else
                      "sdf" if side == "kurdish" else "syrian-arab-army")
        else:
            named = next((x for x in s.mentions if x.kind == "faction" and x.id and x.end == m.start()), None)
            holder = named.id if named is not None else None
        return holder if holder and self.names.entity("faction", holder) else None

    def _handed(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"The army handed Deir ez-Zor over to the SDF": the one it was handed to holds it."""
        for m in HANDED.finditer(s.text):
            place = self._mention_at(s, m.end(), "place")
            to = HANDED_TO.match(s.text, place.end) if place is not None else None
            faction = self._mention_at(s, to.end(), "faction") if to else None
            if faction is None or place.start - m.end() > 4 or self._negated(s, m.start()) or \
                    self._part_of_place(s, place):
                continue
            self._claim({"type": "control", "city": place.id, "faction": faction.id}, s, m, dated, typed)

    def _control_passive(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"Aleppo fell to X", "A, B and C came under the control of X"."""
        for m in CONTROL_PASSIVE.finditer(s.text):
            if self._negated(s, m.start()):
                continue
            place = self._subject(s, m.start(), "place")
            faction = self._object(s, m.end(), "faction")
            if place is None and faction is not None:
                place = self._included_place(s, m.end())
            if place is None or faction is None:
                self._unresolved_slots(s, m, place, faction)
                continue
            if self._part_of_place(s, place) or m.group("near") and (
                    not re.fullmatch(r"\s*(?:city|town)?\s*(?:,\s*)?", s.text[place.end:m.start()])
                    or re.search(r"\b(?:in|at|near|from|(?<!control\s)of|to|on|into|inside|outside|around)\s+(?:the\s+)?"
                                 r"(?:(?:city|town)\s+of\s+)?$", s.text[max(0, place.start - 30):place.start], re.I)):
                continue  # ("is held by", "in the hands of": said of the place just named, as
                # the subject: not "a meeting in Idlib was held by")
            # "A, B and C came under the control of X": every place of the list
            for where in self._coordinated(s, place, backward=place.start < m.start()):
                for taker in self._coordinated(s, faction, backward=False):
                    self._claim({"type": "control", "city": where.id, "faction": taker.id}, s, m,
                                dated, typed)

    def _among(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"Tal Rifaat and Manbij were among the towns that the SNA captured": the places before,
        the taker in the relative clause."""
        for m in AMONG.finditer(s.text):
            faction = self._mention_at(s, m.end(), "faction")
            took = TAKEN_AFTER.match(s.text, faction.end) if faction is not None else None
            place = self._subject(s, m.start(), "place")
            if took is None or place is None or faction.start - m.end() > 4 or \
                    self._negated(s, took.end()) or self._part_of_place(s, place):
                continue
            for where in self._coordinated(s, place, backward=True):
                self._claim({"type": "control", "city": where.id, "faction": faction.id}, s, m,
                            dated, typed)

    def _included_place(self, s: Sentence, pos: int) -> Mention | None:
        """"a swathe of territory has come under the control of X, including Manbij": an area
        that is no place, then the places it includes (the first; the list follows it)."""
        inc = re.compile(r"\b(?:including|to\s+(?:include|encompass|cover))\s+(?:the\s+(?:cities|towns|city|town)\s+of\s+)?"
                         r"(?:(?:most|much|parts?)\s+of\s+[^,;]{1,40},\s+)?").search(
            s.text, pos, self._segment_bounds(s, pos)[1])
        place = self._mention_at(s, inc.end(), "place") if inc else None
        if place is None or place.start - inc.end() > 4 or self._part_of_place(s, place):
            return None
        return place

    def _agentless(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"Hama was captured on 5 December": by the faction that last advanced on it."""
        for m in AGENTLESS.finditer(s.text):
            # "Hama was captured on 5 December", "The city fell on 8 December": by the faction the
            # text last said advanced on that place (else no one is named: no claim)
            place = self._subject(s, m.start(), "place")
            if place is None or self._negated(s, m.start()) or \
                    not re.fullmatch(r"\s*(?:[’']s?\s*)?(?:\s*(?:city|town))?\s*", s.text[place.end:m.start()]) or \
                    self._part_of_place(s, place):
                continue
            # "Aleppo, Hama, Homs and now Damascus have fallen": each place of the list, taken by
            # the one that advanced on it, else by the one the text said leads the offensive
            for where in self._coordinated(s, place, backward=True):
                actor = self.advanced.get(where.id) or self._offensive_leader()
                if actor is not None:
                    self._claim({"type": "control", "city": where.id, "faction": actor}, s, m,
                                dated, typed)

    def _under_control(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"Manbij came under SNA control"."""
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
            side = m.group("side") or m.group("hands")
            if faction is None and side and self.rebel:
                faction = Mention(m.start(), m.end(), "faction", [self.rebel], side, True)
            if faction is None or not faction.id:
                continue
            self._claim({"type": "control", "city": place.id, "faction": faction.id}, s, m, dated, typed)

    def _possessive_noun(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"Hama's capture by HTS"."""
        for m in POSSESSIVE_NOUN.finditer(s.text):
            # "Hama's capture by HTS", "Homs's fall to the rebels"
            place = self._subject(s, m.start(), "place")
            faction = self._mention_at(s, m.end(), "faction")
            if place is None or faction is None or place.end + 4 < m.start() or \
                    self._negated(s, m.start()):
                continue
            self._claim({"type": "control", "city": place.id, "faction": faction.id}, s, m, dated, typed)

    def _lost(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"the army lost control of Hama to HTS"."""
        for m in LOST.finditer(s.text):
            # "the army lost control of Hama to HTS": the one it was lost to holds it
            place = self._mention_at(s, m.end(), "place")
            apposed = LOST_APPOSED.match(s.text, m.end(), m.end() + 60) if place is None else None
            if apposed:  # "lost Syria's second city, Aleppo, to X": the name after its description
                place = self._mention_at(s, apposed.end(), "place")
                if place is not None and place.start != apposed.end():
                    place = None
            to = re.match(r"(?:\s+city)?,?\s+to\s+(?:the\s+)?", s.text[place.end:place.end + 20]) \
                if place is not None else None
            faction = self._mention_at(s, place.end + to.end(), "faction") if to else None
            if faction is None or self._negated(s, m.start()) or self._part_of_place(s, place):
                continue
            self._claim({"type": "control", "city": place.id, "faction": faction.id}, s, m, dated, typed)

    def _control_noun(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"its capture of Hama", "the fall of X to Y"."""
        for m in CONTROL_NOUN.finditer(s.text):
            if self._negated(s, m.start()) or self._long_ago(s, m.start()):
                continue
            place = self._mention_at(s, m.end(), "place")
            if place is None or place.start - m.end() > 4 or self._part_of_place(s, place):
                continue
            by = re.match(r"(?:\s*\([^)]{0,40}\))?\s*(?:by|to)\s+", s.text[place.end:place.end + 50])
            faction = self._mention_at(s, place.end + by.end(), "faction") if by else None
            if faction is None and (m.group("owner") or LED_NOUN.search(s.text, max(0, m.start() - 30), m.start())):
                # "X ... its capture of Hama", "X, which spearheaded the fall of Damascus"
                faction = self._subject(s, m.start(), "faction")
            if faction is None and CULMINATED.search(s.text, max(0, m.start() - 30), m.start()):
                # "an offensive from X ... culminated in the capture of Y": the offensive took Y,
                # so its leader (not the last faction named, one of its partners); none if to come
                if re.search(r"\b(?:would|could|might|may|will|to)\s+(?:\w+\s+)?(?:culminat|end|result)\w*"
                             r"\s+(?:in|with)\s+$", s.text[max(0, m.start() - 50):m.start()], re.I):
                    continue
                actor = self.advanced.get(place.id) or self._offensive_leader()
                faction = Mention(m.start(), m.start(), "faction", [actor], "",
                                  implicit=True) if actor else None
            if faction is None and m.group("noun").lower() == "fall":
                # "the fall of X" with no one named: the faction that advanced on X, else the
                # leader of the text's one offensive; not a fall said to come ("would cut ...")
                a, b = self._segment_bounds(s, m.start())
                if not re.search(r"\b(?:would|could|might|may|will)\b", s.text[place.end:b], re.I):
                    actor = self.advanced.get(place.id) or self._offensive_leader()
                    faction = Mention(m.start(), m.start(), "faction", [actor], "",
                                      implicit=True) if actor else None
            if faction is None and m.group("noun").lower() != "fall":
                # "The capture of Damascus marked the end": the rebels the text speaks of
                faction = self._subject(s, m.start(), "faction") or (
                    Mention(m.start(), m.start(), "faction", [self.rebel], "", implicit=True)
                    if self.rebel else None)
            if faction is None or not faction.id:
                continue
            for where in self._coordinated(s, place, backward=False):
                self._claim({"type": "control", "city": where.id, "faction": faction.id}, s, m,
                            dated, typed, when_at=where.start)
