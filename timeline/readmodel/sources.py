"""Who said what: reports listed by their source, origin, publication time and filer
(`GET /reports`), and the origins they carry, each with the names that relayed it (`GET /sources`).
Index seeks on tl_report_sources (tables.py), one row per report."""

from __future__ import annotations

import json
from typing import Any

from ..domainmodel import db_to_api
from ..origins import origin_key

# The keyset of GET /reports: newest published first, then the later record, then the id.
_ORDER = "s.published_at DESC, s.position DESC, s.report_id DESC"


def reports_page(rm: Any, *, k: int, source: str | None = None, origin: str | None = None,
                 start: str | None = None, end: str | None = None, filed_by: str | None = None,
                 after: tuple[str, int, str] | None = None, limit: int = 100
                 ) -> list[dict[str, Any]]:
    """Up to `limit` reports recorded at positions <= k, newest published first, after the
    keyset `after` = (published_at, position, report_id) of the previous page's last item.
    `source`/`origin` match whole names (origin_key); `start`/`end` bound published_at as
    [start, end) (stored-time text); `filed_by` is a token label, matched exactly."""
    where = ["s.position <= :k"]
    params: dict[str, Any] = {"k": k, "limit": limit}
    if source is not None:
        where.append("s.source_key = :source")
        params["source"] = origin_key(source)
    if origin is not None:
        where.append("s.origin_key = :origin")
        params["origin"] = origin_key(origin)
    if filed_by is not None:
        where.append("s.filed_by = :filed_by")
        params["filed_by"] = filed_by
    if start is not None:
        where.append("s.published_at >= :start")
        params["start"] = start
    if end is not None:
        where.append("s.published_at < :end")
        params["end"] = end
    if after is not None:
        where.append("(s.published_at < :ap OR (s.published_at = :ap AND (s.position < :an OR "
                     "(s.position = :an AND s.report_id < :ai))))")
        params.update(ap=after[0], an=after[1], ai=after[2])
    rows = rm.fetchall(
        "SELECT s.report_id, s.position, s.published_at, s.origin, s.filed_by, s.claims, "
        "r.recorded_at, r.data FROM tl_report_sources s JOIN tl_reports r ON r.id = s.report_id "
        f"WHERE {' AND '.join(where)} ORDER BY {_ORDER} LIMIT :limit", params)
    out = []
    for row in rows:
        data = json.loads(row["data"])
        out.append({"id": row["report_id"], "source": data.get("source"), "origin": row["origin"],
                    "published_at": db_to_api(row["published_at"]),
                    "recorded_at": db_to_api(row["recorded_at"]), "position": row["position"],
                    "filed_by": row["filed_by"], "headline": data.get("headline"),
                    "claims": row["claims"],
                    "_key": (row["published_at"], row["position"], row["report_id"])})
    return out


def sources(rm: Any, *, k: int, after: str | None = None, limit: int = 100
            ) -> list[dict[str, Any]]:
    """Origins of the reports recorded at positions <= k, by their key after `after` (the
    previous page's last `_key`): each as first written (by the earliest report that carries
    it), with the distinct source names that relayed it, its number of reports and its first and
    last publication."""
    params: dict[str, Any] = {"k": k, "limit": limit, "after": after or ""}
    with rm.reading() as cursor:
        groups = rm.fetchall(
            "SELECT origin_key, COUNT(*) AS n, MIN(published_at) AS first_at, "
            "MAX(published_at) AS last_at, MIN(position) AS p FROM tl_report_sources "
            "WHERE position <= :k AND origin_key > :after GROUP BY origin_key "
            "ORDER BY origin_key LIMIT :limit", params, cursor)
        keys = {f"o{i}": row["origin_key"] for i, row in enumerate(groups)}
        names: list[dict[str, Any]] = []
        firsts: list[dict[str, Any]] = []
        if keys:
            marks = ", ".join(f":{name}" for name in keys)
            names = rm.fetchall(
                "SELECT DISTINCT origin_key, source_name FROM tl_report_sources "
                f"WHERE position <= :k AND origin_key IN ({marks})", {**keys, "k": k}, cursor)
            # the spelling of the earliest report (reports may share a position: least id)
            firsts = rm.fetchall(
                "SELECT origin_key, origin, report_id, position FROM tl_report_sources "
                f"WHERE origin_key IN ({marks}) AND position IN "
                f"({', '.join(str(int(row['p'])) for row in groups)})", keys, cursor)
    first: dict[str, tuple[int, str, str]] = {}
    lowest = {row["origin_key"]: int(row["p"]) for row in groups}
    for row in firsts:
        key = row["origin_key"]
        if int(row["position"]) != lowest.get(key):
            continue
        if key not in first or row["report_id"] < first[key][2]:
            first[key] = (int(row["position"]), row["origin"], row["report_id"])
    spellings: dict[str, set[str]] = {}
    for row in names:
        if row["source_name"] is not None:
            spellings.setdefault(row["origin_key"], set()).add(row["source_name"])
    return [{"origin": first[row["origin_key"]][1] if row["origin_key"] in first else row["origin_key"],
             "names": sorted(spellings.get(row["origin_key"], ())),
             "reports": int(row["n"]), "first_published": db_to_api(row["first_at"]),
             "last_published": db_to_api(row["last_at"]), "_key": row["origin_key"]}
            for row in groups]


def of_report(rm: Any, report_id: str) -> dict[str, Any]:
    """A report's `origin` and `filed_by` (for GET /reports/{id}); {} for an unknown report."""
    row = rm.fetchone("SELECT origin, filed_by FROM tl_report_sources WHERE report_id = :id",
                      {"id": report_id})
    return {"origin": row["origin"], "filed_by": row["filed_by"]} if row else {}
