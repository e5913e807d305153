"""A bitemporal point of view (valid time `at`, record position, minimum confidence,
published_by, staleness) and the small pieces every state answer is built from."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from ..domainmodel import CONFIDENCES, db_to_api, minus
from ..origins import origin_of
from .queries import END

DEFAULT_WINDOW = timedelta(hours=72)
DEFAULT_STALE = timedelta(days=30)


def _api(text: str) -> str:
    """db_to_api() for the fixed-width text db_time() writes, without parsing it."""
    return text[:19] + "Z" if text.endswith(".000000Z") else text


class Point:
    """A bitemporal point: valid time `at`, record position `k`, minimum confidence rank; and
    (API.md v2) `pb`, published_by as stored text (queries.END when not given), and
    `stale_after` in seconds."""

    def __init__(self, at: str, k: int, min_rank: int, window: float, known_at: str | None,
                 pb: str = END, published_by: str | None = None,
                 stale_after: float = DEFAULT_STALE.total_seconds()):
        self.at, self.k, self.min_rank, self.window, self.known_at = at, k, min_rank, window, known_at
        self.pb, self.published_by, self.stale_after = pb, published_by, stale_after
        self.head: int | None = None  # the log's head when the point was made, if known

    def describe(self) -> dict[str, Any]:
        return {"at": db_to_api(self.at), "known_at": self.known_at, "position": self.k,
                "min_confidence": CONFIDENCES[self.min_rank], "published_by": self.published_by}

    def stale_before(self) -> str:
        """Evidence dated before this is stale at `at` (computed once per point)."""
        cached = self.__dict__.get("_stale_before")
        if cached is None or cached[0] != self.at:
            cached = (self.at, minus(self.at, self.stale_after))
            self.__dict__["_stale_before"] = cached
        return cached[1]

    def moved(self, at: str) -> "Point":
        """The same point of view at another valid time."""
        moved = Point(at, self.k, self.min_rank, self.window, self.known_at, self.pb,
                      self.published_by, self.stale_after)
        moved.head = self.head
        return moved


class Page(NamedTuple):
    """A page of a stretch's backward scan: its rows (latest first), whether more may follow,
    and whether its last instant is whole (a page cut by LIMIT may end inside one)."""

    rows: list[dict[str, Any]]
    full: bool
    last_complete: bool


def _grouped(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows in occurred_at order grouped by instant."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for row in rows:
        if out and out[-1][0] == row["occurred_at"]:
            out[-1][1].append(row)
        else:
            out.append((row["occurred_at"], [row]))
    return out


def _unknown_city(city: str, name: str, details: bool) -> dict[str, Any]:
    out = {"id": city, "name": name, "controller": None, "status": "unknown", "since": None,
           "confidence": None, "claims": [], "corroboration": 0, "disputed": False,
           "last_evidence_at": None, "stale": False}
    if details:
        out.update(evidence=[], dissent=[])
    return out


def _unknown_leader(leader: str, name: str, details: bool) -> dict[str, Any]:
    out = {"id": leader, "name": name, "status": None, "location": None, "since": None,
           "confidence": None, "claims": [], "corroboration": 0, "disputed": False,
           "last_evidence_at": None, "stale": False}
    if details:
        out.update(evidence=[], dissent=[])
    return out


@lru_cache(maxsize=4096)
def _source(text: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """A report's source as kept on its effect rows, parsed, and its origin (sources repeat:
    parsed once)."""
    source = json.loads(text) if text else None
    return source, origin_of(source)
