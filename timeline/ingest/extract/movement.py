"""Advances ("X pushed toward Homs", "capturing 26 towns in Hama province") and clashes
("clashes between X and Y in Z")."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ...domainmodel import DomainError
from ..article import Sentence
from ..mentions import PROVINCE_AFTER, Mention
from .patterns import (
    ENGAGED_IN, SHARED_OBJECT, ADVANCE, ADVANCE_DIRECT, APPROACH, CLASH, COUNT, DIRECTION_BEFORE, PART_AFTER, REGION, TOWARD,
    WINDOW,
)
from .slots import Slots, _number


class Movement(Slots):
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
        if "toward" not in claim and "governorate" not in claim:
            return False  # "X captured 70 villages" with no place or governorate says not where
        if faction is None:
            self._unresolved_slots(s, m, True, None)
            return False
        # "X and Y are advancing toward Z": every actor of the subject
        for actor in self._coordinated(s, faction, backward=True):
            self._add({**claim, "faction": actor.id}, s, m.start(), dated)
        return True

    def _clash(self, s: Sentence, m: re.Match, a: int, b: int, dated: tuple[datetime, str]) -> bool:
        # The sides: "clashes between X and Y", "X clashed with Y", "fighting against Y". Without
        # one of those words the factions of the clause may be allies ("aid the army in fighting").
        sides = re.search(r"\b(between|with|against)\b", s.text[m.end():min(b, m.end() + 60)])
        if sides is None:
            # "X fought the SDF", "X battled government forces": the side is the verb's object
            object_ = re.match(r"\s+(?:the\s+)?", s.text[m.end():]) if re.fullmatch(
                r"fought|battled|engaged", m.group(0), re.I) else None
            other = self._mention_at(s, m.end() + object_.end(), "faction") if object_ else None
            if re.match(r"repel|repuls|counter", m.group(0), re.I):
                # "the SDF repelled an SNA attack", "repulsed an attack by the SNA",
                # "counterattacked HTS positions": the other side a few words on
                other = self._object(s, m.end(), "faction", reach=30)
            # "X and Y clashed in Z", "X and Y engaged in fighting": against each other ("fought"
            # may be side by side)
            # ("fought for control of X": against each other)
            both = (re.fullmatch(r"clashed|skirmished|exchanged fire|trad\w+ fire", m.group(0), re.I) or re.fullmatch(
                r"fought|battled", m.group(0), re.I) and re.match(r"\s+(?:for\s+control\s+of|over)\b",
                                                              s.text[m.end():]) or ENGAGED_IN.search(
                s.text, max(a, m.start() - 40), m.start())) and len(
                {x.id for x in s.mentions if x.kind == "faction" and x.id and a <= x.start < m.start()}) >= 2
            if not both and other is None:
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
                r"\s+(?:district|sub-?district|countryside|region)\b", s.text[place.end:], re.I)
                and not (self.names.entity("place", place.id) or {}).get("parent")
                or DIRECTION_BEFORE.search(s.text[max(0, place.start - 20):place.start])):
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

    def _approach(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"X came within 20 km of Damascus", "launched an offensive into Homs"."""
        for m in APPROACH.finditer(s.text):
            place = self._mention_at(s, m.end(), "place")
            faction = self._subject(s, m.start(), "faction")
            if place is None or faction is None or self._negated(s, m.start()) or \
                    PROVINCE_AFTER.match(s.text[place.end:]) or \
                    DIRECTION_BEFORE.search(s.text[max(0, place.start - 20):place.start]):
                continue
            self._advancing(s, m, faction, place, dated, typed)

    def _advancing(self, s: Sentence, m: re.Match, faction: Mention, place: Mention,
                   dated: tuple[datetime, str], typed: set[int]) -> None:
        """`faction`, and the factions listed before it, advanced toward `place`."""
        for actor in self._coordinated(s, faction, backward=True):
            self._claim({"type": "advance", "faction": actor.id, "toward": place.id}, s, m,
                        dated, typed)

    def _advance_verbs(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"X pushed toward Homs", "advancing, capturing 26 towns"."""
        for m in ADVANCE.finditer(s.text):
            if self._advance(s, m, dated, None):
                typed.add(self._segment_of(s, m.start()))

    def _advance_direct(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"X neared Hama", "reached the outskirts of Homs"."""
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
            self._advancing(s, m, faction, place, dated, typed)

    def _advance_shared(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """"X reached, but did not enter, Qatana": the place is the first verb's object too."""
        for m in SHARED_OBJECT.finditer(s.text):
            place = self._mention_at(s, m.end(), "place")
            if place is None or place.start - m.end() > 4 or self._negated(s, m.start()) or \
                    PART_AFTER.match(s.text[place.end:place.end + 60]):
                continue
            faction = self._subject(s, m.start(), "faction")
            if faction is not None:
                self._advancing(s, m, faction, place, dated, typed)

    def _clashes(self, s: Sentence, dated: tuple[datetime, str], typed: set[int]) -> None:
        """One clash at most per clause: "clashes between X and Y in Z"."""
        for seg_no, (a, b, _) in enumerate(s.segments):
            m = CLASH.search(s.text, a, b)
            if m and m.group(0)[:1].isupper() and m.group(0).lower().startswith("battle") \
                    and re.match(r"\s+of\b", s.text[m.end():]):
                m = CLASH.search(s.text, m.end(), b)  # "the Battle of Aleppo": a name
            if m and not self._negated(s, m.start()) and self._clash(s, m, a, b, dated):
                typed.add(seg_no)
