"""Names in running text: the index of every place, faction and leader name and alias (and the
governorates), the longest-match search for them in a sentence, and the words that stand for an
earlier name ("the group", "the city", "the capital", "the president")."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import Any

from .article import Sentence
from ..domainmodel import name_key
from ..gazetteer import load_governorates

MAX_SPAN = 8  # tokens in the longest name looked up

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

FACTION_PLACEHOLDER = re.compile(r"\b(?:the group|the coalition|the faction|the militia|the alliance|"
                                 r"its fighters|its forces|the insurgents|those forces|these forces|"
                                 r"their forces|their fighters|"
                                 # "the Islamist group", "the militants", "the jihadists"
                                 r"the (?:islamist|jihadist|militant|armed|rebel) (?:group|coalition|alliance|faction)|"
                                 r"the (?:militants|islamists|jihadists|fighters)|"
                                 # "they", "it", "the offensive" only as the subject of a verb of taking or moving
                                 r"(?:they|(?<![,;]\s)(?<!\w\s)it|the (?:offensive|operation|campaign))"
                                 r"(?=\s+(?:(?:had|have|has|then|later|also|soon|quickly|swiftly)\s+)"
                                 r"{0,2}(?:captured|seized|took|taken|entered|stormed|overran|advanced|"
                                 r"pushed|moved|marched|reached|neared|encircled|swept|assumed|"
                                 # a hold said of them: "they were in control of X"
                                 r"(?:were|are|was|is)\s+(?:now\s+|still\s+)?in\s+control)\b))\b",
                                 re.I)
PLACE_PLACEHOLDER = re.compile(r"\bthe (?:city|town|village|provincial capital)\b(?! of)", re.I)
# "it" as the object of a verb of taking: the place named before ("advanced toward Hama,
# capturing it on 5 December")
PLACE_IT = re.compile(r"\b(?:captur(?:ed|ing|es)?|seiz(?:ed|ing|es)|took|tak(?:ing|en)|enter(?:ed|ing)|"
                      r"storm(?:ed|ing)|overr(?:an|unning)|liberat(?:ed|ing)|retook|recaptur(?:ed|ing))"
                      r"\s+(it)\b(?!\s+(?:was|is|had|has)\b)", re.I)
# "It" as the subject of what is done to a place, in an article about that place: "It was
# captured by HTS", "Since December 2024 it has been controlled by the SNA" (the title's place).
TITLE_IT = re.compile(r"(?<![\w-])[Ii]t(?=\s+(?:(?:was|is|has|had|have|been|now|then|later|briefly|"
                      r"also|again|once|soon|finally)\s+){0,3}(?:captured|seized|taken|retaken|recaptured|"
                      r"controlled|held|overrun|liberated|fell|came\s+under|passed)\b)")
CAPITAL = re.compile(r"\b(?:the (?:syrian )?capital|syria['’]s capital)\b(?! of)", re.I)
LEADER_PLACEHOLDER = re.compile(r"\b(?:the|syria['’]s) (?:former |ousted |deposed |toppled )?"
                                r"(?:syrian )?president\b", re.I)
PROVINCE_AFTER = re.compile(r"^\s*(?:'s\s+)?(?:province|governorate|countryside|region)\b", re.I)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_GAP_OK = re.compile(r"^[\s\-'’ʼ‘.]*$")


@dataclass
class Mention:
    start: int
    end: int
    kind: str            # place, faction, leader, governorate
    ids: list[str]
    text: str
    implicit: bool = False  # "the group", "the city": stands for an earlier name
    modifier: bool = False  # a leader's name as an adjective ("the Assad regime"): not the man

    @property
    def id(self) -> str | None:
        return self.ids[0] if len(self.ids) == 1 else None


@dataclass
class Context:
    faction: str | None = None
    actor: str | None = None  # the faction that did the last thing a claim was made of
    place: str | None = None
    leaders: list[str] = field(default_factory=list)
    coup_target: str | None = None
    coup_city: str | None = None
    dateline: str | None = None
    # what an encyclopedia article is about, by its title ("Tell Rifaat"): what its "the town" or
    # "the group" stands for, whatever other place or group a sentence names before the words
    title: dict[str, str] = field(default_factory=dict)


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


# ---- a leader's name spelt another way, or by his surname alone ---------------------------------

_VARIANTS: weakref.WeakKeyDictionary[Any, tuple[Any, dict[str, set[str]]]] = weakref.WeakKeyDictionary()
_RUN = re.compile(r"(?<![\w'’-])[A-Z][a-z'’]+(?:(?:\s+|-)(?:(?:al|el|Al|El)-)?[A-Z][a-z'’]+)+")
_WORD = re.compile(r"(?:(?:al|el|Al|El)-)?[A-Z][a-z'’]+")
_SKELETONS: dict[str, str] = {}  # a word as written -> its part of a skeleton ("" for an article)


def _word_skeleton(word: str) -> str:
    found = _SKELETONS.get(word)
    if found is None:
        parts = []
        for w in name_key(word).split():
            if w in ("al", "el", "bin", "ibn", "abu"):
                continue
            # vowels where they are, not which (Suhayl, Suheil, Suhail), doubled letters once
            w = re.sub(r"(.)\1+", r"\1", w.replace("q", "k").replace("ph", "f"))
            parts.append(re.sub(r"[aeiouyw]+", "v", w))
        found = " ".join(parts)
        if len(_SKELETONS) < 100_000:
            _SKELETONS[word] = found
    return found


def skeleton(name: str) -> str:
    """What stays of a romanised Arabic name across its spellings: its consonants, doubled ones
    once, and where its vowels are, without the article ("Suhayl al-Hasan", "Suheil al-Hassan",
    "Suhail al-Hasan": "svhvl hvsvn"; not "Sahl Hassani")."""
    return " ".join(p for p in map(_word_skeleton, name.split()) if p)


def variant_index(names: Any) -> dict[str, set[str]]:
    """{skeleton: leader ids} over every leader name and alias of two words or more (a single
    word's consonants say too little to tell one man from another); its key "" holds the
    skeletons of their first words, to skip the runs no leader's name begins."""
    version = getattr(names, "_version", None)
    cached = _VARIANTS.get(names)
    if cached is not None and cached[0] == version and version is not None:
        return cached[1]
    out: dict[str, set[str]] = {"": set()}
    for leader in names.entities("leader"):
        for alias in [leader["name"], *leader.get("aliases", [])]:
            key = skeleton(alias)
            if len(key.split()) >= 2 and all(len(w) >= 2 for w in key.split()):
                out.setdefault(key, set()).add(leader["id"])
                out[""].add(key.split()[0])
    _VARIANTS[names] = (version, out)
    return out


def add_variants(sentence: Sentence, variants: dict[str, set[str]]) -> None:
    """Leaders named in a spelling no alias has ("Suhayl al-Hasan" for Suheil al-Hassan): a run of
    two to four capitalised words whose consonants are those of one leader's name."""
    firsts = variants.get("")
    if not firsts:
        return
    added = []
    covered = _covered(sentence)
    for run in _RUN.finditer(sentence.text):
        if any(covered[run.start():run.end()]):
            continue
        texts = _WORD.findall(run.group(0))
        parts = [_SKELETONS[t] if t in _SKELETONS else _word_skeleton(t) for t in texts]
        if not any(p in firsts for p in parts):
            continue  # (the common case, in a comprehension: no call per word)
        words = [(w.start(), w.end(), p) for w, p in zip(_WORD.finditer(run.group(0)), parts, strict=True)]
        for i in range(len(words)):
            if words[i][2] not in firsts:
                continue  # (most capitalised words begin no leader's name: a set lookup each)
            for j in range(min(len(words), i + 4), i + 1, -1):
                ids = variants.get(" ".join(p for _, _, p in words[i:j] if p))
                if ids is not None and len(ids) == 1:
                    a, b = run.start() + words[i][0], run.start() + words[j - 1][1]
                    added.append(Mention(a, b, "leader", sorted(ids), sentence.text[a:b]))
                    break
            else:
                continue
            break
    if added:
        sentence.mentions = sorted([*sentence.mentions, *added], key=lambda x: x.start)


def add_surnames(sentence: Sentence, surnames: dict[str, set[str]]) -> None:
    """"Suheil al-Hassan ... Al-Hassan went into hiding": once a text has named a leader in full,
    his surname alone (with its article, as first written) is him, unless two leaders named share it."""
    added = []
    covered = _covered(sentence)
    for m in re.finditer(r"(?<![\w'’-])(?:(?:al|el|Al|El)-)?[A-Z][a-z'’]+(?![\w'’-])", sentence.text):
        ids = surnames.get(_surname_key(m.group(0)))
        if ids is None or len(ids) != 1 or any(covered[m.start():m.end()]):
            continue
        added.append(Mention(m.start(), m.end(), "leader", sorted(ids), m.group(0)))
    if added:
        sentence.mentions = sorted([*sentence.mentions, *added], key=lambda x: x.start)


def _covered(sentence: Sentence) -> bytearray:
    """The characters of a sentence some mention covers (one look each, not one per mention)."""
    covered = bytearray(len(sentence.text))
    for m in sentence.mentions:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
    return covered


_SURNAME_KEYS: dict[str, str] = {}


def _surname_key(word: str) -> str:
    key = _SURNAME_KEYS.get(word)
    if key is None:
        key = name_key(word)
        if len(_SURNAME_KEYS) < 100_000:
            _SURNAME_KEYS[word] = key
    return key


def learn_surnames(sentence: Sentence, surnames: dict[str, set[str]],
                   given: dict[str, set[str]] | None = None) -> None:
    """The surnames of the leaders a sentence names in full (two words or more), and into
    `given` their given names (a title or "Abu" is none)."""
    for m in sentence.mentions:
        if m.kind == "leader" and m.id and not m.implicit and len(m.text.split()) >= 2:
            words = re.split(r"\s+", m.text.strip())
            last = words[-1]
            if last[:1].isupper() or last.lower().startswith(("al-", "el-")):
                surnames.setdefault(name_key(last), set()).add(m.id)
            if given is not None and _GIVEN.fullmatch(words[0]) and \
                    words[0].lower() not in _TITLES and words[0].lower() not in STOPWORDS:
                given.setdefault(name_key(words[0]), set()).add(m.id)


def add_given_names(sentence: Sentence, given: dict[str, set[str]]) -> None:
    """"Maher al-Assad ... his brother Bashar ... Maher had fled": once a text has named a
    leader in full, his given name alone is him (encyclopedias write so when a family shares a
    surname), unless two leaders named share it or it begins or ends a longer name
    ("Maher Hassan, a resident": another man)."""
    if not given:
        return
    added = []
    covered = _covered(sentence)
    for m in _GIVEN_ALONE.finditer(sentence.text):
        ids = given.get(_surname_key(m.group(0)))
        if ids is None or len(ids) != 1 or any(covered[m.start():m.end()]) or \
                _NAME_BEFORE.search(sentence.text, max(0, m.start() - 30), m.start()):
            continue
        added.append(Mention(m.start(), m.end(), "leader", sorted(ids), m.group(0)))
    if added:
        sentence.mentions = sorted([*sentence.mentions, *added], key=lambda x: x.start)


# A given name: one capitalised word of four letters or more.
_GIVEN = re.compile(r"[A-Z][a-z]{3,}")
# ... alone: no capitalised word (or "al-") right after it, nor a capitalised word right before
# it (_NAME_BEFORE, looked at in a bounded window).
_GIVEN_ALONE = re.compile(r"(?<![\w'’-])[A-Z][a-z]{3,}(?![\w'’-])"
                          r"(?!\s+(?:[A-Z]|(?:al|el|bin|ibn)[-\s]))")
_NAME_BEFORE = re.compile(r"(?:[A-Z][\w'’-]*|(?:al|el)-[\w'’-]+)\s+$")
_TITLES = {"president", "general", "major", "brigadier", "lieutenant", "colonel", "sheikh", "shaykh",
           "prime", "minister", "abu", "umm", "commander", "secretary", "mr", "dr", "the"}


# ---- names in a sentence ------------------------------------------------------------------------

def find_mentions(sentence: str, names: Any, index: dict[str, set[str]], lower: set[str],
                  heading: bool = False) -> list[Mention]:
    """Names in a sentence, longest first. In running text a name inside a longer run of
    capitalised words ("Kafr Qasim Jadida", "the Free Idlib Brigade") is part of another name,
    not a mention (headings capitalise every word, so there it is kept)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    out: list[Mention] = []
    starts = _name_starts(index)
    i = 0
    while i < len(tokens):
        found = None
        # The spans from word i that some name may begin with (a key that is no name's
        # prefix ends the run): a few keys per word, instead of one per word and MAX_SPAN.
        keys: dict[int, str] = {}
        for j in range(i + 1, min(len(tokens), i + MAX_SPAN) + 1):
            if j > i + 1 and not _GAP_OK.match(sentence[tokens[j - 2][1]:tokens[j - 1][0]]):
                break
            key = starts(sentence[tokens[i][0]:tokens[j - 1][1]])
            if key is None:
                break
            keys[j] = key
        for j in sorted(keys, reverse=True):
            start, end = tokens[i][0], tokens[j - 1][1]
            text = sentence[start:end]
            key = keys[j]
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


# Articles whose key depends on the next word ("ad-Dana" is "al dana"): always looked further.
_ARTICLES = {"al", "el", "ad", "ar", "as", "at", "az", "an", "ash", "adh", "ath", "ed", "er", "es",
             "et", "ez", "en", "esh"}
_STARTS: list[tuple[dict[str, set[str]], Any]] = []


def _name_starts(index: dict[str, set[str]]) -> Any:
    """A test of words: may a name of the index begin with them? Their key if it is a prefix of
    some name's key, else None. Most words of a text begin no name: a sentence then costs about
    one key per word instead of one per word and span (bench/: /extract's worst text)."""
    for known, test in _STARTS:
        if known is index:
            return test
    import bisect

    keys = sorted(index)

    seen: dict[str, str | None] = {}

    def test(words: str) -> str | None:
        if words in seen:
            return seen[words]
        if len(seen) > 100_000:
            seen.clear()
        seen[words] = found = _starts(words)
        return found

    def _starts(words: str) -> str | None:
        key = name_key(words)
        if not key:
            return None
        at = bisect.bisect_left(keys, key)
        if at < len(keys) and keys[at].startswith(key):
            return key
        last = words.rsplit(None, 1)[-1].rsplit("-", 1)[-1].lower()
        # an article's key depends on the word after it ("ad-Dana" is "al dana")
        return key if last in _ARTICLES else None

    _STARTS.insert(0, (index, test))
    del _STARTS[4:]
    return test


TITLES = set("""islamist jihadist salafist kurdish turkish
president general brigadier colonel major captain lieutenant minister sheikh
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
    return not (n_tokens == 1 and (key in STOPWORDS or len(key) < 3))


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
                          (LEADER_PLACEHOLDER, "leader"), (CAPITAL, "capital"), (PLACE_IT, "it"),
                          (TITLE_IT, "title")):
        if kind == "title" and "place" not in ctx.title:
            continue
        for m in pattern.finditer(sentence.text):
            if any(x.start <= m.start() < x.end for x in [*sentence.mentions, *found]):
                continue
            if kind == "it":
                found.append(Mention(m.start(1), m.end(1), "place", [], m.group(1), implicit=True))
                continue
            if kind == "title":
                found.append(Mention(m.start(), m.end(), "place", [ctx.title["place"]], m.group(0),
                                     implicit=True))
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
        if m.kind in ctx.title and m.kind in ("faction", "place") and not m.text.lower().startswith(
                ("they", "it", "its", "their", "these", "those")):
            m.ids = [ctx.title[m.kind]]
        elif m.kind == "faction" and faction:
            m.ids = [faction]
        elif m.kind == "place" and place:
            m.ids = [place]
        elif m.kind == "leader":
            president = [le for le in reversed(leaders) if roles.get(le, "").startswith("President")]
            if president:
                m.ids = [president[0]]
    sentence.mentions = [m for m in mentions if m.ids or not m.implicit]
