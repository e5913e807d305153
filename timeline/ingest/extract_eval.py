"""`make eval-extract`: precision and recall of the article reader (timeline/ingest/extract/) by claim
type, on the labelled real texts of tests/fixtures/articles/real/ (encyclopedic summaries,
relief agencies' updates; each with its source, licence and attribution).

The texts are split in two halves: `tune` (rules may be written against it) and `holdout`
(labelled and committed before any rule was changed, never read while writing rules). The
split is by the SHA-256 of each text's name: sorted by it, the first half is `tune`. A second
held-out set, `holdout-b`, was found, labelled and committed after the first round of rule
changes and before any later one, and never used for tuning (the first held-out half's misses
were printed once, in the "before" run). `holdout-c` (a third set) was partly seen by a helper.
From issue 20's third round `holdout-b` is SPENT: its misses were read to write rules, so it is
tuning data now. The clean held-out set is `holdout-d` (UN and US government texts, a Wikipedia
lead), found, labelled by hand and committed before the reader was ever run on it; its misses
are not read while writing rules (only its totals are printed). `holdout-e` (UN agencies', UK and US
statements of December 2024) was found, labelled and committed in round 5 before the reader was
run on it and before that round's rule changes; it was scored once, at the end of that round.
`holdout-f` (two CRS Insights, a CRS report's summary, two House of Commons Library briefings:
public domain and Open Parliament Licence) was found, labelled and committed in round 6 before the
reader was run on it and before that round's rule changes; it is scored once, at the end of that
round. `holdout-g` (a Commons statement, a DoD briefing, UNifeed's soundbites of the UN envoy, four
Wikipedia leads) was found, labelled and committed after round 7 before the reader was run on it,
because every earlier held-out set had been partly seen; it is scored once, totals only.
`holdout-h` (Wikipedia, Simple English Wikipedia and Kiddle leads, an EUAA country-of-origin
section, a US NSC statement) was found, labelled and committed in round 8 by a helper who never
ran the reader and never read its rules, before that round's rule changes were merged; it was
scored at the end of round 8 and again after round 9, totals only. From round 10 `holdout-h` is
SPENT: its blind figures on record (1.00 / 0.24, then 0.83 / 0.29), its misses were read in
round 10 to write the encyclopedic-genre rules, so it is tuning data now.
`all held-out` pools every set but `tune` (texts never used to write rules, though
`holdout-b` and `holdout-h` are spent and `holdout-c` and `holdout-d` partly seen: see above);
`never tuned on` pools the sets whose misses were never read to write a rule: `holdout` (its
extras were printed once, in round 2), `holdout-e` (no claims: it measures false claims only),
`holdout-f`, `holdout-g`, and the blind sets of round 10, `holdout-i` and `holdout-j` (found,
labelled and committed by helpers who never ran the reader nor read its rules; seven of their
sixteen texts are Arabic Wikipedia leads, pooled apart by language too). `holdout-k` (round 11: a
CRS Insight's first version, an Arabic Wikipedia article and two encyclopedia pages that state no
claim) was found, labelled and committed by a helper who never ran the reader nor read its rules;
it is short (four texts) because few openly licensed texts on the period were left unused.
`holdout-l` (round 11:
three Arabic Wikipedia leads served by mirrors, two UN noon briefings and an OCHA news item) was
found, labelled and committed by a helper who never ran the reader nor read its rules; the
openly licensed texts it could find state no claim of the vocabulary, so like `holdout-e` it
measures false claims only (its Arabic leads name factions, cities and dates near one another).
From round 11 `holdout-g`, `holdout-i` and `holdout-j` are SPENT: their blind figures on record
(found 1 of 7, 1 of 6 and 3 of 13 claims, precision 1.00, before round 11), their misses were
read in round 11 to write rules (English and Arabic), so they are tuning data now, and `never
tuned on` holds `holdout`, `holdout-e`, `holdout-f`, `holdout-k` and `holdout-l`.
Both helpers picked one mirror of Arabic Wikipedia's "2024 Southern Syria offensive": it is kept
in `holdout-k` only (the two labels differed on a judgement call both notes name: Daraa under
"the government" since July 2018).

Matching: typed claims only (notes are free text), each proposed claim reduced to what makes it
that claim (its type and the entities it names: `extract.claim_key`, an advance without its
count), duplicates counted once. A faction matches the same faction or its parent or sub-faction
(the "Military Operations Command" is HTS's; a text may name either). Dates are scored apart:
`same day` counts the matches whose local day (UTC+3) is the label's.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from .article import LOCAL
from ..domainmodel import parse_time
from .extract import claim_key

ROOT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "articles" / "real"
SETS = ("tune", "holdout", "holdout-b", "holdout-c", "holdout-d", "holdout-e", "holdout-f",
        "holdout-g", "holdout-h", "holdout-i", "holdout-j", "holdout-k",
        "holdout-l")
HELD_OUT = SETS[1:]
NEVER_TUNED = ("holdout", "holdout-e", "holdout-f", "holdout-k", "holdout-l")
TYPES = ("control", "clash", "advance", "leader_status", "coup")


def texts(half: str) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path in sorted((ROOT / half).glob("*.txt")):
        out.append((path.stem, path.read_text(), json.loads(path.with_suffix(".json").read_text())))
    return out


def _family(names: Any) -> Any:
    """faction id -> the set of ids that count as it (itself, its parent, its sub-factions)."""
    parent = {f["id"]: f.get("parent") for f in names.entities("faction")}

    def family(faction: str | None) -> frozenset[str]:
        if faction is None:
            return frozenset()
        out = {faction}
        if parent.get(faction):
            out.add(parent[faction])
        out.update(f for f, p in parent.items() if p == faction)
        return frozenset(out)
    return family


def _key(claim: dict[str, Any]) -> tuple[Any, ...]:
    """`extract.claim_key`, but an advance's count is not scored (its last member dropped) and
    any other claim (a coup) is keyed by who led it against whom and where."""
    t = claim["type"]
    if t == "advance":
        return claim_key(claim)[:-1]
    if t in ("control", "clash", "leader_status"):
        return claim_key(claim)
    return (t, claim.get("led_by"), claim.get("against"), claim.get("city"))


def _same(a: tuple[Any, ...], b: tuple[Any, ...], family: Any) -> bool:
    if a[0] != b[0] or len(a) != len(b):
        return False
    if a[0] == "control":
        return a[1] == b[1] and b[2] in family(a[2])
    if a[0] == "advance":
        return b[1] in family(a[1]) and a[2:] == b[2:]
    if a[0] == "clash":
        return a[1] == b[1] and len(a[2]) == len(b[2]) and all(
            any(y in family(x) for y in b[2]) for x in a[2])
    return a == b


def _day(claim: dict[str, Any]) -> str | None:
    when = claim.get("occurred_at")
    return parse_time(when).astimezone(LOCAL).date().isoformat() if when else None


def score_text(proposed: list[dict[str, Any]], expected: list[dict[str, Any]], family: Any
               ) -> dict[str, Any]:
    """Per type: proposed, expected, matched, same-day; plus the misses and extras."""
    def unique(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen, out = set(), []
        for c in claims:
            if c["type"] not in TYPES:
                continue
            k = _key(c)
            if k not in seen:
                seen.add(k)
                out.append(c)
        return out
    proposed, expected = unique(proposed), unique(expected)
    counts: dict[str, Counter] = {t: Counter() for t in TYPES}
    remaining = list(expected)
    extras = []
    for claim in proposed:
        counts[claim["type"]]["proposed"] += 1
        match = next((e for e in remaining if _same(_key(claim), _key(e), family)), None)
        if match is None:
            extras.append(claim)
            continue
        remaining.remove(match)
        counts[claim["type"]]["matched"] += 1
        if _day(claim) == _day(match):
            counts[claim["type"]]["same_day"] += 1
    for claim in expected:
        counts[claim["type"]]["expected"] += 1
    return {"counts": counts, "missed": remaining, "extra": extras}


def evaluate(half: str, names: Any, queries: Any = None) -> dict[str, Any]:
    from .extract import extract

    family = _family(names)
    totals: dict[str, Counter] = {t: Counter() for t in TYPES}
    per_text = {}
    for name, text, label in texts(half):
        out = extract(text, label["published_at"], names, queries)
        result = score_text(out["claims"], label["claims"], family)
        for t in TYPES:
            totals[t].update(result["counts"][t])
        per_text[name] = dict(result, language=label.get("language") or "en")
    return {"totals": totals, "texts": per_text, "count": len(per_text)}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def table(half: str, result: dict[str, Any]) -> str:
    lines = [f"{half}: {result['count']} texts",
             f"  {'type':<14}{'proposed':>9}{'expected':>9}{'matched':>8}{'precision':>10}"
             f"{'recall':>8}{'same day':>9}"]
    total = Counter()
    for t in TYPES:
        c = result["totals"][t]
        total.update(c)
        if not (c["proposed"] or c["expected"]):
            continue
        lines.append(f"  {t:<14}{c['proposed']:>9}{c['expected']:>9}{c['matched']:>8}"
                     f"{_ratio(c['matched'], c['proposed']):>10}{_ratio(c['matched'], c['expected']):>8}"
                     f"{_ratio(c['same_day'], c['matched']):>9}")
    lines.append(f"  {'all':<14}{total['proposed']:>9}{total['expected']:>9}{total['matched']:>8}"
                 f"{_ratio(total['matched'], total['proposed']):>10}"
                 f"{_ratio(total['matched'], total['expected']):>8}"
                 f"{_ratio(total['same_day'], total['matched']):>9}")
    return "\n".join(lines)


def _brief(claim: dict[str, Any]) -> str:
    return " ".join(str(v) for v in _key(claim)) + f" @{_day(claim)}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m timeline.ingest.extract_eval", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--half", choices=(*SETS, "both", "all"),
                    default="all", help="both: tune and holdout; all: every set")
    ap.add_argument("--verbose", "-v", action="store_true", help="list each text's misses and extras")
    args = ap.parse_args(argv)
    from ..application import TimelineApplication
    from ..seeding import seed

    with tempfile.TemporaryDirectory() as tmp:
        app = TimelineApplication(f"sqlite:///{tmp}/reference.db")
        try:
            seed(app, reference_only=True)
            halves = {"both": ("tune", "holdout"), "all": SETS}.get(
                args.half, (args.half,))
            pools = {"all held-out": HELD_OUT,
                     f"never tuned on ({', '.join(NEVER_TUNED)})": NEVER_TUNED}
            pooled = {name: ({t: Counter() for t in TYPES}, [0]) for name in pools}
            # the never-tuned texts by language: the reader proposes no claim in Arabic
            # (it says so: `unsupported`), so their misses are of another kind than English ones
            by_language: dict[str, tuple[dict[str, Counter], list[int]]] = {}
            for half in halves:
                result = evaluate(half, app.names, app.queries)
                print(table(half, result))
                for name, members in pools.items():
                    if half in members:
                        pooled[name][1][0] += result["count"]
                        for t in TYPES:
                            pooled[name][0][t].update(result["totals"][t])
                for r in result["texts"].values() if half in NEVER_TUNED else ():
                    totals, count = by_language.setdefault(
                        r["language"], ({t: Counter() for t in TYPES}, [0]))
                    count[0] += 1
                    for t in TYPES:
                        totals[t].update(r["counts"][t])
                if args.verbose:
                    for name, r in result["texts"].items():
                        for c in r["missed"]:
                            print(f"    {name}: missed {_brief(c)}")
                        for c in r["extra"]:
                            print(f"    {name}: extra  {_brief(c)}  «{(c.get('summary') or '')[:90]}»")
                print()
            for name, members in pools.items():
                if sum(h in members for h in halves) > 1:
                    # held-out sets together: the figures the targets are about
                    totals, count = pooled[name]
                    print(table(name, {"totals": totals, "count": count[0]}))
                    print()
            if len(by_language) > 1:
                for language, (totals, count) in sorted(by_language.items()):
                    print(table(f"never tuned on, texts in '{language}'",
                                {"totals": totals, "count": count[0]}))
                    print()
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
