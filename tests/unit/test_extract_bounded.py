"""The article reader's work is linear in the text (issue 15, finding 2: 60,000 characters of
"HTS seized Aleppo" without punctuation took 72 s, its regular expressions rescanning the whole
sentence for every verb). Not a timed test: it counts the characters the reader's regular
expressions are given to scan and the name keys it computes, on the worst texts we could
construct, at two lengths; bench/ has the timing (`python -m bench extract`)."""

from __future__ import annotations

import re
import types

import pytest

from tests.reference_gazetteer import reference_gazetteer
from timeline.ingest import article, extract, language, mentions
from timeline.ingest.extract import (arabic, arabic_patterns, control, leaders, movement, patterns,
                                     reader, slots)
from timeline.ingest.article import MAX_SENTENCE, split_article

WORST = {
    "one verb after another": "HTS seized Aleppo ",
    "names and verbs, no punctuation": ("HTS and the SNA captured Aleppo and Homs and 26 towns in "
                                        "Hama province while rebels advanced toward Damascus "),
    "abbreviations": "Gen. ",
    "capitalised words": "Aa ",
    "denials and hedges": "reportedly denied that HTS had not seized Aleppo ",
    # Arabic claims are read too (timeline/ingest/extract/arabic.py)
    "Arabic: one verb after another": "سيطرت هيئة تحرير الشام على حلب ",
    "Arabic: names and verbs, no punctuation": ("هيئة تحرير الشام والجيش الوطني سيطرا على حلب "
                                                "وحمص و26 بلدة في ريف حماة بينما تقدمت الفصائل "
                                                "نحو دمشق "),
    "Arabic: denials and dates": "نفت الحكومة في 8 كانون الأول 2024 أن هيئة تحرير الشام سيطرت على حلب ",
    "Arabic: one unknown word": "كلمة ",
}


def text_of(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


class _Work:
    """Counts what the reader's regular expressions scan: the length of the span each search,
    match or finditer is given (a whole-sentence rescan per verb shows up as quadratic)."""

    def __init__(self) -> None:
        self.scanned = 0
        self.keys = 0

    def pattern(self, compiled: re.Pattern) -> object:
        work = self

        class Counted:
            def __getattr__(self, name):
                return getattr(compiled, name)

            def _span(self, string, pos=0, endpos=None):
                end = len(string) if endpos is None else min(endpos, len(string))
                work.scanned += max(0, end - pos)

            def search(self, string, *args):
                self._span(string, *args)
                return compiled.search(string, *args)

            def match(self, string, *args):
                self._span(string, *args)
                return compiled.match(string, *args)

            def fullmatch(self, string, *args):
                self._span(string, *args)
                return compiled.fullmatch(string, *args)

            def finditer(self, string, *args):
                self._span(string, *args)
                return compiled.finditer(string, *args)

            def findall(self, string, *args):
                self._span(string, *args)
                return compiled.findall(string, *args)

            def sub(self, repl, string, *args, **kwargs):
                work.scanned += len(string)
                return compiled.sub(repl, string, *args, **kwargs)

            def split(self, string, *args):
                work.scanned += len(string)
                return compiled.split(string, *args)

        return Counted()

    def module(self) -> object:
        """A stand-in for `re` whose functions count too."""
        fake = types.SimpleNamespace(**{k: getattr(re, k) for k in dir(re) if not k.startswith("__")})
        fake.compile = lambda p, flags=0: self.pattern(re.compile(p, flags))
        for name in ("search", "match", "fullmatch", "finditer", "findall", "sub", "split"):
            def call(p, *args, _name=name, **kwargs):
                flags = kwargs.pop("flags", 0)
                return getattr(self.pattern(re.compile(p, flags)), _name)(*args, **kwargs)
            setattr(fake, name, call)
        return fake


def measure(monkeypatch, text: str, names, queries) -> _Work:
    work = _Work()
    with monkeypatch.context() as m:
        # every module of the reader that holds or uses a pattern (each imports its own names)
        for module in (extract, patterns, slots, control, movement, leaders, reader, article,
                       mentions, arabic, arabic_patterns, language):
            for key, value in list(vars(module).items()):
                if isinstance(value, re.Pattern):
                    m.setattr(module, key, work.pattern(value))
            if hasattr(module, "re"):
                m.setattr(module, "re", work.module())
        real_key = mentions.name_key

        def counted_key(name: str) -> str:
            work.keys += 1
            return real_key(name)

        m.setattr(mentions, "name_key", counted_key)
        m.setattr(language, "name_key", counted_key)
        extract.extract(text, "2024-12-09T10:00:00+03:00", names, queries)
    return work


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    with reference_gazetteer(tmp_path_factory.mktemp("bounded")) as app:
        yield app


@pytest.mark.parametrize("kind", sorted(WORST))
def test_no_sentence_is_longer_than_the_cap(kind):
    for n in (5_000, 60_000):
        _, sentences, _ = split_article(text_of(WORST[kind], n))
        assert sentences and max(len(s.text) for s in sentences) <= MAX_SENTENCE
        # nothing is dropped by the cutting
        assert sum(len(s.text) for s in sentences) >= n - len(sentences) * 2 - 2


def test_text_without_spaces_is_cut_too():
    _, sentences, _ = split_article("x" * 10_000)
    assert max(len(s.text) for s in sentences) <= MAX_SENTENCE


@pytest.mark.parametrize("kind", sorted(WORST))
def test_the_reader_scans_each_character_a_bounded_number_of_times(kind, gazetteer, monkeypatch):
    small, large = 15_000, 60_000
    a = measure(monkeypatch, text_of(WORST[kind], small), gazetteer.names, gazetteer.queries)
    b = measure(monkeypatch, text_of(WORST[kind], large), gazetteer.names, gazetteer.queries)
    # linear: four times the text, about four times the work (quadratic would be sixteen)
    assert b.scanned <= a.scanned * 4 * 1.3, (a.scanned, b.scanned)
    assert b.scanned <= large * 2_000  # each character: a bounded number of scans
    assert b.keys <= a.keys * 4 * 1.3 + 10, (a.keys, b.keys)
    assert b.keys <= len(text_of(WORST[kind], large).split()) * 4 + 100


def test_a_text_over_the_limit_is_a_422_naming_text(client):
    r = client.post("/extract", json={"text": "x " * 30_001, "published_at": "2024-12-09T10:00:00+03:00"})
    assert r.status_code == 422 and "text" in r.json["errors"]
