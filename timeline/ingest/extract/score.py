"""Precision and recall of proposed claims against a reviewed report's claims (the
extraction tests' measure)."""

from __future__ import annotations

import re
from typing import Any

from ...domainmodel import parse_time
from ..article import LOCAL
from . import claim_key

_WORD = re.compile(r"[a-z]{4,}")


def score(proposed: list[dict[str, Any]], expected: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of proposed claims against a reviewed report's claims. Typed claims
    match on their type and the entities they name; notes on shared words (Jaccard >= 0.25).
    Also counts, among the matches, those with the same local day and the same confidence."""
    remaining = list(expected)
    matches = []
    for claim in proposed:
        best, best_score = None, 0.0
        for candidate in remaining:
            s = _similarity(claim, candidate)
            if s > best_score:
                best, best_score = candidate, s
        if best is not None:
            remaining.remove(best)
            matches.append((claim, best))
    tp = len(matches)
    day = sum(1 for p, e in matches if _local_day(p) == _local_day(e))
    conf = sum(1 for p, e in matches if p.get("confidence", "reported") == e.get("confidence", "reported"))
    typed_p = [c for c in proposed if c["type"] != "note"]
    typed_e = [c for c in expected if c["type"] != "note"]
    typed_tp = sum(1 for p, _ in matches if p["type"] != "note")
    return {
        "proposed": len(proposed), "expected": len(expected), "matched": tp,
        "precision": tp / len(proposed) if proposed else 1.0,
        "recall": tp / len(expected) if expected else 1.0,
        "typed_precision": typed_tp / len(typed_p) if typed_p else 1.0,
        "typed_recall": typed_tp / len(typed_e) if typed_e else 1.0,
        "same_day": day, "same_confidence": conf,
        "missed": [e.get("summary") or e["type"] for e in remaining],
        "extra": [p.get("summary") for p in proposed if all(p is not m[0] for m in matches)],
    }


def _similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    if a["type"] != b["type"]:
        return 0.0
    if a["type"] != "note":
        return 1.0 if claim_key(_comparable(a)) == claim_key(_comparable(b)) else 0.0
    wa = set(_WORD.findall(f"{a.get('text', '')} {a.get('summary', '')}".lower()))
    wb = set(_WORD.findall(f"{b.get('text', '')} {b.get('summary', '')}".lower()))
    jaccard = len(wa & wb) / len(wa | wb) if wa | wb else 0.0
    return jaccard if jaccard >= 0.25 else 0.0


def _comparable(claim: dict[str, Any]) -> dict[str, Any]:
    out = dict(claim)
    if out["type"] == "advance":
        out.pop("captured_count", None)  # the count is a detail, not a different advance
    return out


def _local_day(claim: dict[str, Any]) -> str | None:
    if not claim.get("occurred_at"):
        return None
    return parse_time(claim["occurred_at"]).astimezone(LOCAL).date().isoformat()
