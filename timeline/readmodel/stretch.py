"""API.md v2, answers built from the evidence: a subject's claims folded into the run of claims
that support its current answer (the **stretch**), and what that run says (`since`,
`confidence`, `evidence`, `corroboration`, `dissent`, `last_evidence_at`).

Pure functions over read-model rows (dicts with `claim_id`, `occurred_at`, `value`, `detail`,
`position`, `eff`, `origin`); state.py fetches the rows, walking back from the winner.

The fold: at each valid-time instant the counted claims' winner (tie rule:
queries.tie_rank) sets the value; after it, each counted dissolution (API.md v2, `dissolve`)
dated at or after that instant and before the next one whose faction family holds the place at
that moment passes it to `into`, or lapses it (value None). Dissolutions dated at one instant
are a tie too: the winner by the same rule among those whose family holds the place decides,
and if it passes the place to a faction dissolved at that instant as well, that one's winner
follows (each at most once). Each of those is an **element**. The stretch is the trailing run
of elements naming the current value; an instant's losing claims never end it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from typing import Any, NamedTuple

from .queries import winner

Row = dict[str, Any]


class Element(NamedTuple):
    t: str                # occurred_at (stored text)
    value: str | None     # the controller (or status) from here on; None: lapsed
    row: Row              # the instant's winner, or the dissolve claim's row
    rows: list[Row]       # every counted claim of the instant ([] for a dissolution)
    dissolve: bool


def segment(t: str, rows: list[Row], dissolves: list[Row],
            family: Callable[[str], set[str]] | None) -> list[Element]:
    """The elements of one instant, in valid-time order: its winner, then the dissolutions
    (`dissolves`: those dated at or after `t` and before the next instant) that apply, instant
    by instant (passed_on)."""
    top = winner(rows)
    out = [Element(t, top["value"], top, rows, False)]
    current = top["value"]
    if family is not None:
        for _, tied in groupby(sorted(dissolves, key=lambda d: d["occurred_at"]),
                               key=lambda d: d["occurred_at"]):
            for d in passed_on(current, list(tied), family):
                current = d["value"]
                out.append(Element(d["occurred_at"], current, d, [], True))
    return out


def passed_on(holder: str | None, tied: list[Row], family: Callable[[str], set[str]]
              ) -> list[Row]:
    """The dissolutions of one instant that apply to a place `holder` holds, in the order they
    apply: the winner by the tie rule (higher confidence, then the later record, as for control
    claims: a confirmed dissolution decides over a reported one whatever their record order)
    among those whose family holds it; then, while the new holder is dissolved at that instant
    too, the winner among those (a chain A into B, B into C ends at C in any record order)."""
    left, out = list(tied), []
    while holder is not None:
        applying = [d for d in left if holder in family(d["subject"])]
        if not applying:
            break
        d = winner(applying)
        left.remove(d)
        out.append(d)
        holder = d["value"]
    return out


def absorbed(factions: set[str], dissolves: list[Row], family: Callable[[str], set[str]]
             ) -> set[str]:
    """`factions` and the families of every faction dissolved into one of them, at any depth
    (A into B into one of them), whatever order the dissolutions are dated in: the factions
    whose places may have passed to them."""
    out, grew = set(factions), True
    while grew:
        grew = False
        for d in dissolves:
            if d["value"] in out and not family(d["subject"]) <= out:
                out |= family(d["subject"])
                grew = True
    return out


def between(dissolves: list[Row], lo: str, hi: str | None) -> list[Row]:
    """The dissolutions dated in [lo, hi) (hi None: no upper bound)."""
    return [d for d in dissolves if d["occurred_at"] >= lo and (hi is None or d["occurred_at"] < hi)]


def elements_desc(instants_desc: Iterable[tuple[str, list[Row]]], dissolves: list[Row],
                  family: Callable[[str], set[str]] | None) -> Iterator[Element]:
    """Elements latest first, from the instants latest first (lazily: a caller that stops early
    reads no further instants)."""
    later: str | None = None
    for t, rows in instants_desc:
        yield from reversed(segment(t, rows, between(dissolves, t, later), family))
        later = t


def elements_asc(instants_asc: list[tuple[str, list[Row]]], dissolves: list[Row],
                 family: Callable[[str], set[str]] | None) -> list[Element]:
    out: list[Element] = []
    for i, (t, rows) in enumerate(instants_asc):
        later = instants_asc[i + 1][0] if i + 1 < len(instants_asc) else None
        out += segment(t, rows, between(dissolves, t, later), family)
    return out


def take(elements: Iterable[Element]) -> list[Element]:
    """The stretch, latest first: the latest element, and the ones before it naming the same
    value. A lapse (value None) is a stretch of one: the dissolution alone."""
    out: list[Element] = []
    for e in elements:
        if out and (e.value != out[0].value or out[0].value is None):
            break
        out.append(e)
    return out


def supporting(stretch: list[Element]) -> tuple[list[Row], list[Row]]:
    """(the stretch's claims, the dissent) in valid-time order, then record order: at each
    instant, the counted claims naming the stretch's value, and those naming another."""
    value = stretch[0].value if stretch else None
    claims: list[Row] = []
    dissent: list[Row] = []
    for e in stretch:
        if e.dissolve:
            claims.append(e.row)
            continue
        for r in e.rows:
            (claims if r["value"] == value else dissent).append(r)
    key = evidence_order
    return sorted(claims, key=key), sorted(dissent, key=key)


def evidence_order(row: Row) -> tuple:
    return (row["occurred_at"], row["position"], row["claim_id"])


def summary(stretch: list[Element]) -> dict[str, Any]:
    """since, the confidence rank, the claims and dissent rows, last_evidence_at, and the
    number of distinct origins (row `origin` is already origins.origin_key)."""
    claims, dissent = supporting(stretch)
    return {"since": min(e.t for e in stretch), "eff": max(r["eff"] for r in claims),
            "claims": claims, "dissent": dissent,
            "last": max(r["occurred_at"] for r in claims),
            "corroboration": len({r.get("origin") for r in claims}),
            "latest": stretch[0]}


def runs(elements: list[Element]) -> list[list[Element]]:
    """Elements grouped into runs of one value (a lapse is a run of its own), in order."""
    out: list[list[Element]] = []
    for e in elements:
        if out and e.value == out[-1][-1].value and e.value is not None:
            out[-1].append(e)
        else:
            out.append([e])
    return out


class Quick(NamedTuple):
    """What summary() gives for an answer without evidence (bench/ B2), from quick()."""
    since: str
    eff: int
    disputed: bool
    last: str
    corroboration: int
    top: Any  # the latest instant's winner (a row as a sequence)


class Columns(NamedTuple):
    """Where a row given as a sequence holds what quick() reads."""
    occurred_at: int
    value: int
    position: int
    claim_id: int
    origin: int
    eff: int


def quick(rows: list[Any], more: Callable[[list[Any]], bool], blocked: set[str],
          columns: Columns) -> Quick | None:
    """summary() of the stretch starting at rows[0] (rows latest first, as sequences laid out
    as `columns` says), without building an element per instant; None when it cannot tell: the
    page ends before the stretch may (`more(rows)`: rows follow it), or an instant's winner
    names a faction of `blocked` (one a counted dissolution may pass on: elements_desc()
    applies it), or a lapse. Then the caller folds the rows the general way."""
    T, V, P, C, G, E = columns
    n = len(rows)
    i = 0
    value: Any = None
    top: Any = None
    since = ""
    eff = -1
    origins: set[Any] = set()
    disputed = False
    while i < n:
        best = rows[i]
        t = best[T]
        j = i + 1
        while j < n and rows[j][T] == t:  # the instant's rows: its winner by tie_rank()
            r = rows[j]
            if (r[E], r[P], r[C]) > (best[E], best[P], best[C]):
                best = r
            j += 1
        v = best[V]
        if v is None or v in blocked:
            return None
        if top is None:
            top, value = best, v
        elif v != value:
            break  # the stretch ends above this instant
        if j == i + 1:  # most instants hold one claim: the winner
            if best[E] > eff:
                eff = best[E]
            origins.add(best[G])
        else:
            for r in rows[i:j]:
                if r[V] == value:
                    if r[E] > eff:
                        eff = r[E]
                    origins.add(r[G])
                else:
                    disputed = True  # lost the instant's tie: dissent
        since = t
        i = j
    else:
        if more(rows):
            return None
    return Quick(since, eff, disputed, top[T], len(origins), top)
