"""Dissolutions dated at one instant are a tie like control claims (README, tie rules): among those
whose family holds a place, the higher confidence decides, then the later record, then (one
report) the greater claim id; a chain dissolved at one instant is followed to its end. Every
route names the same deciding claim: the city's state, its history, GET /state and the timeline.
On the real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import control, report
from timeline.readmodel.history import timeline

HELD = "2024-12-01T00:00:00Z"
GONE = "2024-12-08T12:00:00Z"
LATER = datetime.fromisoformat("2024-12-20T00:00:00+00:00")


def dissolve(faction: str, confidence: str = "reported", into: str | None = None) -> dict:
    claim = {"type": "dissolve", "faction": faction, "occurred_at": GONE, "confidence": confidence}
    return dict(claim, into=into) if into else claim


def filed(app, *claims) -> list[str]:
    return [c["id"] for c in app.file_report(report(*claims))["claims"]]


def answers(app, city: str) -> dict:
    """Every route's deciding claim for the place's latest change, and its controller."""
    p = app.queries.point(at=LATER)
    state = app.queries.city_state(city, p)
    world = {c["id"]: c for c in app.queries.state(p)["cities"]}[city]
    last = app.queries.city_history(city, p)[-1]
    items = timeline(app.recorder, app.names, app.queries, p)
    told = [i["claim"] for i in items for c in i["changes"]
            if (c["id"], c["field"]) == (city, "controller") and c["to"] == last["controller"]
            and i["at"] == last["at"]]
    return {"state": (state["controller"], state["claims"][0], state["confidence"]),
            "world": (world["controller"], world["claims"][0]),
            "history": (last["controller"], last["claim"], last["confidence"]),
            "timeline": told[-1:]}


@pytest.mark.parametrize("confirmed_first", [True, False])
def test_the_confirmed_one_of_two_dissolutions_at_one_instant_lapses_the_place(world,
                                                                                 confirmed_first):
    filed(world, control("Homs", "4th Division", HELD))
    # the place's holder (4th Division) goes with either: its own and its parent's dissolution
    if confirmed_first:
        [strong] = filed(world, dissolve("4th Division", "confirmed"))
        [weak] = filed(world, dissolve("Syrian Arab Army", "reported"))
    else:
        [weak] = filed(world, dissolve("Syrian Arab Army", "reported"))
        [strong] = filed(world, dissolve("4th Division", "confirmed"))
    got = answers(world, "homs")
    assert got == {"state": (None, strong, "confirmed"), "world": (None, strong),
                   "history": (None, strong, "confirmed"), "timeline": [strong]}, (weak, got)
    lapsed = world.queries.city_state("homs", world.queries.point(at=LATER))["lapsed"]
    assert lapsed == {"faction": "4th-division", "claim": strong}


def test_of_two_dissolutions_at_one_instant_and_confidence_the_later_record_decides(world):
    filed(world, control("Homs", "SNA", HELD))
    [earlier] = filed(world, dissolve("SNA", into="HTS"))
    [later] = filed(world, dissolve("SNA"))
    assert answers(world, "homs") == {"state": (None, later, "reported"), "world": (None, later),
                                      "history": (None, later, "reported"), "timeline": [later]}
    # a confirmation of the earlier one makes it win the tie: the place goes to HTS
    filed(world, {"type": "confirm", "claim": earlier})
    assert answers(world, "homs") == {"state": ("hts", earlier, "confirmed"),
                                      "world": ("hts", earlier),
                                      "history": ("hts", earlier, "confirmed"),
                                      "timeline": [earlier]}


def test_of_two_dissolutions_of_one_report_the_greater_claim_id_decides(world):
    filed(world, control("Homs", "SNA", HELD))
    ids = filed(world, dissolve("SNA"), dissolve("SNA", into="HTS"))
    top = max(ids)
    want = "hts" if top == ids[1] else None
    got = answers(world, "homs")
    assert got["state"][:2] == got["world"] == got["history"][:2] == (want, top)
    assert got["timeline"] == [top]


@pytest.mark.parametrize("order", ["chain order", "reversed"])
def test_a_chain_of_dissolutions_at_one_instant_is_followed_to_its_end(world, order):
    filed(world, control("Homs", "SNA", HELD))
    first, second = dissolve("SNA", "confirmed", into="HTS"), dissolve("HTS", into="4th Division")
    if order == "chain order":
        [a], [b] = filed(world, first), filed(world, second)
    else:  # the later link recorded first, and weaker: it still applies after the first
        [b], [a] = filed(world, second), filed(world, first)
    p = world.queries.point(at=LATER)
    assert [(i["controller"], i["from"], i["claim"]) for i in
            world.queries.city_history("homs", p)] == [
        ("sna", None, world.queries.city_history("homs", p)[0]["claim"]),
        ("hts", "sna", a), ("4th-division", "hts", b)]
    state = world.queries.city_state("homs", p)
    assert (state["controller"], state["claims"][0]) == ("4th-division", b)
    assert world.queries.faction_state("syrian-arab-army", p)["cities"] == ["homs"]


def test_a_dissolutions_timeline_item_names_a_place_its_family_got_through_a_chain(world):
    """The places a dissolution may lapse include those passed to its family through several
    earlier dissolutions, whatever order they were dated in (the walk goes to its end)."""
    filed(world, control("Homs", "SNA", "2024-12-01T00:00:00Z"))
    filed(world, {"type": "dissolve", "faction": "SNA", "into": "HTS",
                  "occurred_at": "2024-12-02T00:00:00Z"})
    filed(world, {"type": "dissolve", "faction": "HTS", "into": "Republican Guard",
                  "occurred_at": "2024-12-03T00:00:00Z"})
    [gone] = filed(world, {"type": "dissolve", "faction": "Syrian Arab Army",
                           "occurred_at": "2024-12-04T00:00:00Z"})
    p = world.queries.point(at=LATER)
    assert world.queries.city_history("homs", p)[-1]["claim"] == gone
    items = {i["claim"]: i for i in timeline(world.recorder, world.names, world.queries, p)}
    assert {(c["id"], c["field"], c["from"], c["to"]) for c in items[gone]["changes"]} == {
        ("homs", "controller", "republican-guard", None), ("homs", "status", "held", "unknown")}
