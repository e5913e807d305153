"""Filling a claim's slots: who did it (the subject, a list of actors, a fronted subject),
where (the object, a part of a place), and whether it was said at all (negation, denial);
the capitalised words a reviewer is shown when no known name fills a slot."""

from __future__ import annotations

import re
from itertools import combinations, pairwise
from typing import Any

from ..article import Sentence
from ..mentions import STOPWORDS, Mention
from .patterns import (
    ABBREVIATED, APPEAL, HYPOTHETICAL, RESPECTIVELY, TOGETHER, UNKNOWN_LAST,     ALONG_WITH, CLAUSE_BREAK, DEFEAT_AFTER, DENIAL, DENIED_AFTER, ELIDED_SUBJECT, FOREIGN,
    _FOREIGN_RE, ITEM_DATE, LAST_ITEM, LIST_GAP, PLACE_GAP, MAX_UNRESOLVED, NEGATION, NOT_REBELS,
    NUMBER_WORDS, PART_AFTER, PART_BEFORE, _PROPER, SUBORDINATE_BEFORE, WINDOW,
)


class Slots:
    def _is_rebel(self, faction: str) -> bool:
        family = {faction, *self._ancestors(faction)}
        return not family & NOT_REBELS

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
        if first not in same or backward and first.implicit:
            return out  # ("Located near Azaz, the town was taken": a phrase put first, no list)
        i = same.index(first)
        step = -1 if backward else 1
        j = i + step
        edge = first  # the item's name nearest the next item: "Syrian National Army (SNA)" is one
        while 0 <= j < len(same):
            near, far = (same[j], edge) if backward else (edge, same[j])
            if same[j].id == edge.id and ABBREVIATED.fullmatch(s.text[near.end:far.start]):
                edge, j = same[j], j + step
                continue
            # "Hama on 5 December and Homs on 7 December": each item may carry its date
            # (and citation marks pasted from an encyclopedia: "Homs[47] and Rastan")
            gap = ITEM_DATE.sub("", re.sub(r"\[[^\]\n]{1,8}\]", "", s.text[near.end:far.start]), count=1)
            if not LIST_GAP.match(gap) and not (first.kind == "place" and PLACE_GAP.match(gap)):
                break
            if backward and first.kind == "faction" and len(out) == 1 and \
                    re.fullmatch(r"\)?\s*,\s*(?:the\s+)?", gap):
                # a list ends in "and": "following the withdrawal of government forces, the SDF
                # took X" is a phrase put first, then the subject, not "A, B took X"
                break
            if same[j].id not in {x.id for x in out}:
                out.append(same[j])
            edge = out[-1]
            j += step
        return out

    def _pairs(self, s: Sentence, takers: list[Mention], wheres: list[Mention],
               m: re.Match) -> list[tuple[Mention, Mention]]:
        """Who took which place: each actor every place ("HTS and the SNA captured Aleppo"), but
        with as many actors as places, each its own ("X and Y captured A and B", with or without
        "respectively"; a name the gazetteer does not know still holds its place in the list).
        Actors of one coalition (one part of the other) or said to act together keep every pair."""
        a, b = self._segment_bounds(s, m.start())
        unknown = UNKNOWN_LAST.fullmatch(s.text, takers[-1].end, m.start()) is not None
        if len(takers) + unknown == len(wheres) > 1:
            families = [{t.id, *self._ancestors(t.id)} for t in takers]
            apart = all(not f & g for f, g in combinations(families, 2))
            if RESPECTIVELY.search(s.text, m.end(), b) or apart and not TOGETHER.search(s.text, a, b):
                return list(zip(takers, wheres, strict=False))
        return [(t, w) for t in takers for w in wheres]

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
            if x.kind != kind or not x.id or x.end > pos or pos - x.end > reach or x.modifier:
                continue
            if any(a <= x.start < b for a, b in relative):
                continue
            if best is not None and kind != "place" and ALONG_WITH.search(s.text[max(0, x.start - 50):x.start]):
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
            if best is not None and re.search(r"\b(?<!along )(?<!together )(?:with|against)\s+(?:the\s+)?$"
                                              if kind == "place" else r"\b(?:with|against)\s+(?:the\s+)?$",
                                              s.text[max(0, x.start - 20):x.start]):
                continue  # "X took Y after clashing with Z before going on": Z is an object
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
            if x.kind == kind and x.id and not x.modifier and \
                    (pos <= x.start <= pos + 12 or x.start <= pos < x.end):
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
                or HYPOTHETICAL.search(s.text, a, pos) is not None
                or APPEAL.search(s.text, max(a, pos - WINDOW), pos) is not None
                or DENIAL.search(s.text, max(a, pos - WINDOW), pos) is not None
                # "rumours that X had fled to Moscow were denied": the denial comes after
                or DENIED_AFTER.search(s.text, pos, min(b, pos + WINDOW)) is not None)

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
