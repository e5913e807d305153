"""The claim vocabulary (API.md, Vocabulary)."""

from __future__ import annotations

LEADER_STATUSES = (
    "active",
    "whereabouts_unknown",
    "abroad",
    "in_exile",
    "leading_coup",
    "detained",
    "dead",
    "removed",
)
CLAIM_TYPES = ("control", "clash", "advance", "leader_status", "coup", "retract", "confirm", "note")
# v2: ACLED-style events and reported death tolls (timeline/codebook.py)
CLAIM_TYPES = (*CLAIM_TYPES, "event", "casualties")
# API.md v2: a faction's dissolution (its places lapse, or pass to `into`)
CLAIM_TYPES += ("dissolve",)
