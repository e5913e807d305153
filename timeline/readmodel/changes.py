"""What changed in our view of one valid time between two record times (`GET /changes`, API.md
v2): the places and leaders whose answer differs, and the claims recorded in between that caused
it. Only the entities those claims name (a correction names what its target names) are looked
at, each with the state queries of the routes, at both points of view."""

from __future__ import annotations

from typing import Any

from ..vocabulary import CORRECTIONS, TYPES
from .projection import REPORT_TOPIC

# The claim types that can move a place's or a leader's answer: those whose effect (in the
# vocabulary table) is a state, not a correction of another claim.
MOVING = frozenset(n for n, t in TYPES.items() if t.effect and t.effect.kind not in CORRECTIONS)

# Claim types that decide a place's or a leader's answer, or end one.
CORRECTIONS = ("retract", "confirm")
CHAIN_DEPTH = 8  # a retraction of a retraction of ...: how far back a correction is followed


def changes(queries: Any, before: Any, after: Any) -> dict[str, Any]:
    """`before` and `after` are points of view (state.Point) at the same valid time; the claims
    recorded at positions in (before.k, after.k] are the ones that can make them differ."""
    rm = queries.rm
    with rm.reading() as cursor:
        claims = _claims_between(rm, cursor, before.k, after.k)
        targets = _targets(rm, cursor, claims)
        mentions = _mentions(rm, cursor, [c["id"] for c in claims])
        places: dict[str, list[dict[str, Any]]] = {}
        leaders: dict[str, list[dict[str, Any]]] = {}
        factions: dict[str, list[dict[str, Any]]] = {}
        for claim in claims:
            for entity in mentions.get(claim["id"], ()):
                kind, _, ident = entity.partition(":")
                {"place": places, "leader": leaders, "faction": factions}.get(kind, {}) \
                    .setdefault(ident, []).append(claim)
        # A dissolution (or its correction) changes the places its faction held, which it does
        # not name: they are those its family held in either view.
        for faction, named in factions.items():
            if any(_root_type(c, targets) == "dissolve" for c in named):
                for point in (before, after):
                    for city in queries.faction_state(faction, point, cursor)["cities"]:
                        places.setdefault(city, [])
                        places[city] += [c for c in named if c not in places[city]]
        def differing(named: dict[str, list[dict[str, Any]]], state: Any,
                      fields: tuple[str, ...]) -> list[dict[str, Any]]:
            """The entities of `named` whose `fields` differ between the two points of view."""
            out = []
            for ident in sorted(named):
                old, new = state(ident, before, cursor), state(ident, after, cursor)
                b = {f: old[f] for f in fields}
                a = {f: new[f] for f in fields}
                if a != b:
                    out.append({"id": ident, "before": b, "after": a,
                                "claims": _causes(named[ident], old, new, targets)})
            return out

        cities_out = differing(places, queries.city_state, ("controller", "status"))
        leaders_out = differing(leaders, queries.leader_state, ("status", "location"))
    return {"cities": cities_out, "leaders": leaders_out}


def _claims_between(rm: Any, cursor: Any, lo: int, hi: int) -> list[dict[str, Any]]:
    """The claims of the reports recorded at positions in (lo, hi], in record order: the log's
    positions by its primary key, each report's claims by tl_claims_report (one statement)."""
    if hi <= lo:
        return []
    return rm.fetchall("SELECT c.id, c.type, c.target, c.position, c.seq, c.data FROM tl_log l "
                       "JOIN tl_claims c ON c.report_id = l.stream WHERE l.position > :lo AND "
                       "l.position <= :hi AND l.topic = :topic ORDER BY l.position, c.seq",
                       {"lo": lo, "hi": hi, "topic": REPORT_TOPIC}, cursor)


def _targets(rm: Any, cursor: Any, claims: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every claim a correction among `claims` reaches, following corrections of corrections."""
    known = {c["id"]: c for c in claims}
    out: dict[str, dict[str, Any]] = {}
    todo = [c["target"] for c in claims if c.get("target")]
    for _ in range(CHAIN_DEPTH):
        todo = [t for t in dict.fromkeys(todo) if t not in out]
        if not todo:
            break
        following = []
        for target in todo:
            row = known.get(target) or rm.fetchone(
                "SELECT id, type, target, position, seq, data FROM tl_claims WHERE id = :id",
                {"id": target}, cursor)
            if row is not None:
                out[target] = row
                if row.get("target"):
                    following.append(row["target"])
        todo = following
    return out


def _mentions(rm: Any, cursor: Any, ids: list[str]) -> dict[str, set[str]]:
    """`kind:id` of what each claim names (a correction: what its target names)."""
    out: dict[str, set[str]] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        params = {f"c{n}": cid for n, cid in enumerate(chunk)}
        marks = ", ".join(f":{name}" for name in params)
        for row in rm.fetchall(f"SELECT claim_id, entity FROM tl_mentions WHERE claim_id IN "
                               f"({marks})", params, cursor):
            out.setdefault(row["claim_id"], set()).add(row["entity"])
    return out


def _chain(claim: dict[str, Any], targets: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The claim, then what it corrects, then what that corrects..."""
    out, seen = [claim], {claim["id"]}
    while out[-1].get("target") and len(out) <= CHAIN_DEPTH:
        nxt = targets.get(out[-1]["target"])
        if nxt is None or nxt["id"] in seen:
            break
        out.append(nxt)
        seen.add(nxt["id"])
    return out


def _root_type(claim: dict[str, Any], targets: dict[str, dict[str, Any]]) -> str:
    return _chain(claim, targets)[-1]["type"]


def _causes(named: list[dict[str, Any]], old: dict[str, Any], new: dict[str, Any],
            targets: dict[str, dict[str, Any]]) -> list[str]:
    """Of the claims recorded in between that name the entity: those that decide the new answer
    (among its claims), end the old one (correct one of its claims, or a claim the new answer
    rests on, however many corrections deep), or dissolve a faction."""
    decisive = set(old.get("claims") or ()) | set(new.get("claims") or ())
    out = []
    for claim in named:
        chain = _chain(claim, targets)
        if (claim["id"] in set(new.get("claims") or ())
                or (claim["type"] in CORRECTIONS and any(c["id"] in decisive for c in chain[1:]))
                or chain[-1]["type"] == "dissolve"):
            out.append(claim["id"])
    if not out:
        # The answer moved without one of its claims being recorded in between (a claim of it
        # was corrected in a way the answer does not list): every claim that names the entity
        # and could move an answer.
        out = [c["id"] for c in named if _root_type(c, targets) in MOVING]
    return list(dict.fromkeys(out))

