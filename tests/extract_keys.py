"""What the article reader proposes for a sentence, as comparable keys: the helpers of the
round-by-round rule tests (tests/unit/test_extract_round*.py)."""

from __future__ import annotations

from timeline.ingest.extract import extract

PUBLISHED = "2024-12-12T10:00:00+03:00"


def claims(gazetteer, text, published=PUBLISHED):
    """The typed claims proposed for `text` (notes left out)."""
    return [c for c in extract(text, published, gazetteer.names, gazetteer.queries)["claims"]
            if c["type"] != "note"]


def read(gazetteer, text, published=PUBLISHED):
    """The control, advance and leader-status claims as (type, *the entities they name)."""
    out = set()
    for c in claims(gazetteer, text, published):
        if c["type"] == "control":
            out.add(("control", c["city"], c["faction"]))
        elif c["type"] == "advance":
            out.add(("advance", c["faction"], c.get("toward")))
        elif c["type"] == "leader_status":
            out.add(("leader_status", c["leader"], c["status"]))
    return out
