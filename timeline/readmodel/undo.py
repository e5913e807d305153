"""API.md v2, undo: a retraction may itself be retracted, and then stops counting, so that its
target counts again. A claim's retractions form a chain (R1 retracts the claim, R2 retracts R1,
...); whether the claim is retracted as of a point of view is decided from the end of the chain.
The state queries test the same rule on the effect rows (queries.counted)."""

from __future__ import annotations

from typing import Any

from .queries import in_lists

MAX_CHAIN = 16  # a guard only: claims.py refuses chains deeper than claims.MAX_UNDO


def chain(rm: Any, cursor: Any, claim_id: str) -> list[dict[str, Any]]:
    """The retractions of `claim_id`, of that retraction, and so on: [{claim_id, position,
    published_at}], nearest first."""
    out: list[dict[str, Any]] = []
    seen = {claim_id}
    target = claim_id
    while len(out) < MAX_CHAIN:
        row = rm.fetchone("SELECT claim_id, position, published_at FROM tl_corrections "
                          "WHERE target = :t AND kind = 'retract'", {"t": target}, cursor)
        if row is None or row["claim_id"] in seen:
            break
        out.append(row)
        seen.add(row["claim_id"])
        target = row["claim_id"]
    return out


def load(rm: Any, cursor: Any, claim_ids: list[str], k: int | None = None,
         pb: str | None = None) -> list[dict[str, Any]]:
    """The corrections (retractions, confirmations) of these claims, known as of (k, pb) when
    given: [{target, kind, claim_id, position}], one statement per 500 claims."""
    out: list[dict[str, Any]] = []
    known_sql = (" AND position <= :k" if k is not None else "") + (
        " AND published_at <= :pb" if pb is not None else "")
    for marks, params in in_lists(claim_ids):
        out += rm.fetchall(f"SELECT target, kind, claim_id, position FROM tl_corrections "
                           f"WHERE target IN ({marks}){known_sql}", dict(params, k=k, pb=pb),
                           cursor)
    return out


def known(row: dict[str, Any], k: int | None, pb: str | None) -> bool:
    return (k is None or row["position"] <= k) and (pb is None or row["published_at"] <= pb)


def in_force(links: list[dict[str, Any]], k: int | None = None, pb: str | None = None) -> bool:
    """Whether the first retraction of the chain counts as of (k, pb): it is known and not
    itself retracted by a retraction in force."""
    force = False
    for row in reversed(links):
        force = known(row, k, pb) and not force
    return force


def status(links: list[dict[str, Any]], k: int | None = None, pb: str | None = None
           ) -> dict[str, Any]:
    """`retracted`, `retracted_by` (the first retraction, once known) and `reinstated_by` (the
    retraction of that retraction, when it is what keeps the claim counted)."""
    retracted = in_force(links, k, pb)
    first = links[0] if links and known(links[0], k, pb) else None
    reinstated = (links[1]["claim_id"] if first is not None and not retracted and len(links) > 1
                  else None)
    return {"retracted": retracted, "retracted_by": first["claim_id"] if first else None,
            "reinstated_by": reinstated}
