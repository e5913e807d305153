"""The SQL of the state queries: which effect rows count as of a point of view (position :k,
published by :pb, confidence :min), and the seeks that find the latest of them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

# published_by when a query gives none: after every storable instant.
END = "9999-12-31T23:59:59.999999Z"


# Where the early effects' own index must be used: SQLite's planner, offered the primary key
# of a WITHOUT ROWID table (which holds every column), took it and scanned all history between
# :hi and :at. SQLite's recorder turns the marker into INDEXED BY (bench/ B1); PostgreSQL
# leaves the comment.
EARLY_HINT = " /*early*/"


def _known(e: str, column: str) -> str:
    """SQL: the correction whose position is `{column}_at` on row `e` counts as of :k and :pb
    (recorded by position :k, its report published by :pb)."""
    return (f"({e}.{column}_at IS NOT NULL AND {e}.{column}_at <= :k AND "
            f"{e}.{column}_pub <= :pb)")


def counted(e: str) -> str:
    """SQL: effect row `e` is known at position :k, its report published by :pb, and not
    retracted as of (:k, :pb). A retraction (R1) stops counting when it is itself retracted
    (R2, "reinstated"), and counts again when R2 is (R3): API.md v2, undo."""
    return (f"{e}.position <= :k AND {e}.published_at <= :pb AND NOT ({_known(e, 'retracted')} "
            f"AND NOT ({_known(e, 'reinstated')} AND NOT {_known(e, 'reretracted')}))")


def effective(e: str) -> str:
    """SQL: confidence rank of effect row `e` as of :k and :pb (a confirmation raises it to 2)."""
    return (f"(CASE WHEN {e}.confirmed_at <= :k AND {e}.confirmed_pub <= :pb THEN 2 "
            f"ELSE {e}.confidence END)")


def _newest(column: str, kind: str, subject: str, lo: str | None, alias: str) -> str:
    """SQL scalar: `column` of the counted effect (kind, subject) latest in valid time within
    (lo, :at]. Every counted effect not dated after its own record time lies at or before
    :hi (the point of view's latest record time, at most :at), so the backward index scan starts
    there; the few "early" effects past :hi come from their own partial index. The scan thus
    skips only effects dated before :hi but recorded after :k (late reports), never the whole
    stretch of history between :k and :at."""
    def part(a: str, where: str, hint: str = "") -> str:
        col = column.format(a=a) if "{a}" in column else f"{a}.{column}"
        return (f"(SELECT {col} FROM tl_effects {a}{hint} WHERE {a}.kind = {kind} AND "
                f"{a}.subject = {subject} AND {where} AND {counted(a)} AND "
                f"{effective(a)} >= :min ORDER BY {a}.occurred_at DESC, {a}.position DESC, "
                f"{a}.claim_id DESC LIMIT 1)")
    low = f" AND {alias}1.occurred_at > {lo}" if lo else ""
    early_low = f" AND {alias}2.occurred_at > {lo}" if lo else ""
    early = part(f"{alias}2", f"{alias}2.early = 1 AND {alias}2.occurred_at > :hi AND "
                              f"{alias}2.occurred_at <= :at{early_low}", EARLY_HINT)
    main = part(f"{alias}1", f"{alias}1.occurred_at <= :hi{low}")
    return f"COALESCE({early}, {main})"


LATEST_SQL = f"""
SELECT e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    {effective('e')} AS eff
FROM tl_effects e
WHERE e.kind = :kind AND e.subject = :subject
  AND e.occurred_at = {_newest('occurred_at', ':kind', ':subject', None, 'n')}
  AND {counted('e')} AND {effective('e')} >= :min
ORDER BY eff DESC, e.position DESC, e.claim_id DESC LIMIT 1
"""

CLASH_SQL = f"""SELECT {_newest('claim_id', "'clash'", ':subject', ':lo', 'c')} AS claim_id"""

# A stretch's backward scan (timeline/readmodel/stretch.py): from the winner's instant down, in the state
# index's order, a page at a time.
_INSTANTS = f"""
SELECT e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin, e.report_id,
    e.source, e.published_at, {{eff}} AS eff
FROM tl_effects e{{hint}}
WHERE e.kind = :kind AND e.subject = :subject AND {{where}}
  AND {counted('e')} AND {{eff}} >= :min
ORDER BY e.occurred_at DESC, e.position DESC, e.claim_id DESC"""
INSTANTS_SQL = {op: _INSTANTS.format(eff=effective("e"), hint="", where=f"e.occurred_at {op} :t")
               + " LIMIT :limit" for op in ("<=", "<", "=")}
# The latest instant's rows and the ones before it, in one statement: the scan starts at the
# instant LATEST_SQL would find (the same early/main seek), so a place's answer and the first
# page of its stretch cost one statement.
STRETCH_HEAD_SQL = _INSTANTS.format(
    eff=effective("e"), hint="",
    where=f"e.occurred_at <= {_newest('occurred_at', ':kind', ':subject', None, 'n')}"
) + " LIMIT :limit"
# The whole world at once (GET /state), one statement per kind: the first page of every
# subject's stretch scan, latest first: its counted rows from its latest instant down to its
# WORLD_PAGE-th latest row at or before :hi, that row's instant whole (so a page holding fewer
# rows at or before :hi than WORLD_PAGE is the subject's whole history). The scan's top is the
# latest counted "early" effect past :hi (their own index), else :hi itself: no counted effect
# lies in between (_newest), and the late reports' rows it passes fail `counted`, as in the
# seek. Subjects come in the primary key's order and each one's rows in the index's, so the
# nested loop delivers the ORDER BY without a sort (a sort of the page's rows was a third of
# the statement). Rows come as sequences in WORLD_COLUMNS' order, and only the columns an
# answer without evidence reads (bench/ B2).
# Most stretches at a point of view are a few instants long, with a long tail: a first page of
# WORLD_PAGE rows ends most of them, and the ones it does not get one more page of WORLD_MORE
# rows each, in a second statement (world_more_sql). (A single page of 16 read 3x the rows the
# stretches needed at 1M claims, at some 2 us a row.)
WORLD_PAGE = 6
WORLD_MORE = 16
WORLD_COLUMNS = ("subject", "claim_id", "occurred_at", "value", "detail", "position", "origin",
                 "eff")


@lru_cache(maxsize=16)
def world_sql(kind: str, page: int) -> str:
    """The statement of `kind`'s first pages of `page` rows (WORLD_PAGE; tests make it small
    so that stretches go on past it)."""
    early = (f"(SELECT n.occurred_at FROM tl_effects n{EARLY_HINT} WHERE n.early = 1 AND "
             f"n.kind = '{kind}' AND n.subject = s.subject AND n.occurred_at > :hi AND "
             f"n.occurred_at <= :at AND {counted('n')} AND {effective('n')} >= :min "
             "ORDER BY n.occurred_at DESC, n.position DESC, n.claim_id DESC LIMIT 1)")
    cut = (f"(SELECT x.occurred_at FROM tl_effects x WHERE x.kind = '{kind}' AND "
           f"x.subject = s.subject AND x.occurred_at <= :hi AND {counted('x')} AND "
           f"{effective('x')} >= :min ORDER BY x.occurred_at DESC, x.position DESC, "
           f"x.claim_id DESC LIMIT 1 OFFSET {page - 1})")
    return f"""
SELECT s.subject, e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    {effective('e')} AS eff
FROM tl_subjects s JOIN tl_effects e ON e.kind = s.kind AND e.subject = s.subject
    AND e.occurred_at <= COALESCE({early}, :hi) AND e.occurred_at >= COALESCE({cut}, '')
WHERE s.kind = '{kind}' AND {counted('e')} AND {effective('e')} >= :min
ORDER BY s.kind, s.subject, e.occurred_at DESC, e.position DESC, e.claim_id DESC"""


@lru_cache(maxsize=64)
def world_more_sql(kind: str, page: int, subjects: int) -> str:
    """The next page of `page` rows of up to `subjects` subjects' stretch scans, below the
    instant their first page stopped at: parameters :s0, :t0 (subject, that instant), ...
    (unused pairs NULL: callers round `subjects` up, so that a few statements serve)."""
    todo = ", ".join(f"(:s{i}, :t{i})" for i in range(subjects))
    cut = (f"(SELECT x.occurred_at FROM tl_effects x WHERE x.kind = '{kind}' AND "
           f"x.subject = s.subject AND x.occurred_at < s.top AND {counted('x')} AND "
           f"{effective('x')} >= :min ORDER BY x.occurred_at DESC, x.position DESC, "
           f"x.claim_id DESC LIMIT 1 OFFSET {page - 1})")
    return f"""
WITH s (subject, top) AS (VALUES {todo})
SELECT s.subject, e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    {effective('e')} AS eff
FROM s JOIN tl_effects e ON e.kind = '{kind}' AND e.subject = s.subject
    AND e.occurred_at < s.top AND e.occurred_at >= COALESCE({cut}, '')
WHERE {counted('e')} AND {effective('e')} >= :min
ORDER BY s.subject, e.occurred_at DESC, e.position DESC, e.claim_id DESC"""


# Every place's latest counted clash up to :at as "occurred_at|claim_id" (the caller keeps it
# only when it is after the place's latest control instant, and applies the contest window).
_CLASH = _newest("{a}.occurred_at || '|' || {a}.claim_id", "'clash'", "s.subject", None, "c")
CLASHES_SQL = f"SELECT s.subject, {_CLASH} FROM tl_subjects s WHERE s.kind = 'control'"
EARLY_INSTANTS_SQL = _INSTANTS.format(
    eff=effective("e"), hint=EARLY_HINT,
    where="e.early = 1 AND e.occurred_at > :hi AND e.occurred_at <= :t")
DISSOLVES_SQL = f"""
SELECT e.claim_id, e.subject, e.occurred_at, e.value, e.detail, e.position, e.origin,
    e.report_id, e.source, e.published_at, {effective('e')} AS eff
FROM tl_effects e
WHERE e.kind = 'dissolve' AND e.occurred_at <= :at AND {counted('e')} AND {effective('e')} >= :min
ORDER BY e.occurred_at, e.position, e.claim_id"""


def tie_rank(row: dict[str, Any]) -> tuple[int, int, str]:
    """The tie rule at one valid-time instant, as LATEST_SQL orders it: the higher confidence
    (as of the point of view), then the later record, then the greater claim id (the claims of
    one report share their position). The greatest wins."""
    return (row["eff"], row["position"], row["claim_id"])


def in_lists(ids: Sequence[str], size: int = 500) -> Iterator[tuple[str, dict[str, Any]]]:
    """(":i0, :i1, ...", {"i0": ids[0], ...}) for each `size` ids: an IN list per statement."""
    for start in range(0, len(ids), size):
        params = {f"i{n}": value for n, value in enumerate(ids[start:start + size])}
        yield ", ".join(f":{name}" for name in params), params


def winner(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The row that wins by the tie rule."""
    return max(rows, key=tie_rank)


def winners(rows: Iterable[dict[str, Any]], by: str) -> dict[Any, dict[str, Any]]:
    """row[by] -> the winner of the rows that share it (a subject's latest instant, or each
    instant of a history), in the order the values first appear."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[by], []).append(row)
    return {value: winner(group) for value, group in groups.items()}

HISTORY_SQL = f"""
SELECT e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    {effective('e')} AS eff
FROM tl_effects e
WHERE e.kind = :kind AND e.subject = :subject AND e.occurred_at <= :at
  AND {counted('e')} AND {effective('e')} >= :min
ORDER BY e.occurred_at, e.position
"""
