"""GET /state is computed in one pass (and its view kept per record position); it must give
exactly the answers that the per-city and per-leader queries give, at any point of view."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest
from conftest import control, report


def _z(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_history(app, now: datetime) -> None:
    rng = random.Random(5)
    cities = ["aleppo", "homs", "hama", "damascus", "kafr-sousa"]
    factions = ["hts", "sna", "syrian-arab-army", "4th-division", "republican-guard"]
    ids = []
    for i in range(30):
        when = now - timedelta(hours=rng.uniform(0, 200))
        city = rng.choice(cities)
        claims = [control(city, rng.choice(factions), _z(when),
                          confidence=rng.choice(["unconfirmed", "reported", "confirmed"]))]
        if rng.random() < 0.5:
            claims.append({"type": "clash", "city": city, "factions": rng.sample(factions, 2),
                           "occurred_at": _z(when + timedelta(hours=rng.uniform(-10, 30))),
                           "precision": "week"})  # may lie past publication (API.md v2)
        if rng.random() < 0.3:
            claims.append({"type": "leader_status", "leader": "bashar-al-assad",
                           "status": rng.choice(["active", "abroad"]), "occurred_at": _z(when)})
        answer = app.file_report(report(*claims, published_at=_z(now)))
        ids += [c["id"] for c in answer["claims"] if c["type"] != "leader_status"]
        if i % 7 == 6:
            app.file_report(report({"type": "retract", "claim": ids.pop(0), "reason": "wrong"},
                                   published_at=_z(now)))
        if i % 5 == 4:
            app.file_report(report({"type": "confirm", "claim": ids.pop()},
                                   published_at=_z(now)))
    # One claim dated after its own record time ("early"), past every other record time: a
    # week's precision lets it lie two days past its publication (API.md v2, Time sanity).
    app.file_report(report(control("homs", "sna", _z(now + timedelta(days=2)), precision="week"),
                           published_at=_z(now)))


@pytest.mark.parametrize("pages", [None, (1, 1), (2, 1), (1, 3)])
def test_the_world_state_gives_the_per_city_and_per_leader_answers_at_every_point(
        world, pages, monkeypatch):
    # pages: GET /state's first and second page per subject made small, so that stretches go
    # on past them (a long history's do) and are folded on from there
    if pages is not None:
        from timeline.readmodel import queries

        monkeypatch.setattr(queries, "WORLD_PAGE", pages[0])
        monkeypatch.setattr(queries, "WORLD_MORE", pages[1])
    now = datetime.now(timezone.utc).replace(microsecond=0)
    _file_history(world, now)
    q = world.queries
    head = world.head()
    points = [(now + timedelta(hours=h), k) for h in (-150, -60, -20, 0, 1, 20, 40, 60, 100)
              for k in (None, head // 2, head - 3)]
    statuses = set()
    for at, k in points:
        for minimum in ("unconfirmed", "reported", "confirmed"):
            p = q.point(at=at, known_at=k, min_confidence=minimum)
            whole = q.state(p)
            again = q.state(p)  # served from the kept view when `at` is past the horizon
            assert whole == again
            # the encoded answer (GET /state) is the same document, its lists' text kept too
            for _ in range(2):
                assert json.loads(q.state_json(p, json.dumps)) == whole
            # GET /state reads its point of view and the answer in one transaction
            with q.reading() as cursor:
                same = q.point(at=at, known_at=k, min_confidence=minimum, cursor=cursor)
                assert same.k == p.k
                one = json.loads(q.state_json(same, json.dumps, cursor))
            assert {key: one[key] for key in ("cities", "factions", "leaders")} \
                == {key: whole[key] for key in ("cities", "factions", "leaders")}
            for city in whole["cities"]:
                statuses.add(city["status"])
                one = q.city_state(city["id"], p)
                assert city == {key: v for key, v in one.items()
                                if key not in ("evidence", "dissent")}, (at, k, minimum)
            for leader in whole["leaders"]:
                one = q.leader_state(leader["id"], p)
                assert leader == {key: v for key, v in one.items()
                                  if key not in ("evidence", "dissent")}, (at, k, minimum)
    assert statuses == {"unknown", "held", "contested"}


def test_the_kept_views_check_in_one_statement_is_the_three_it_replaces(world):
    # horizon, head and "an early effect past the horizon" decide whether GET /state may answer
    # from a kept view; one statement reads all three (bench/ B2, PostgreSQL's round trips)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    rm = world.recorder
    with world.queries.reading() as cursor:
        assert rm.view_check(cursor, 0) == ("", rm.head(cursor), False)
    _file_history(world, now)
    earlies = 0
    with world.queries.reading() as cursor:
        head = rm.head(cursor)
        for k in range(head + 1):
            horizon = rm.horizon(cursor, k)
            early = any(e["occurred_at"] > horizon and e["position"] <= k
                        for e in rm.fetchall("SELECT occurred_at, position FROM tl_effects",
                                             None, cursor))
            earlies += early
            assert rm.view_check(cursor, k) == (horizon, head, early), k
    assert earlies  # the history's last claim lies past every record time


def test_a_tie_inside_one_report_has_the_same_winner_on_every_endpoint(world):
    # Claims of one report share their record position: the tie rule's last step is the claim
    # id, and the state, the city's history and the timeline's changes must all agree on it.
    from timeline.domainmodel import db_time
    from timeline.readmodel.history import timeline

    for n, city in enumerate(("homs", "hama", "aleppo", "damascus")):  # claim ids are random
        at = f"2024-12-0{n + 1}T12:00:00Z"
        filed = world.file_report(report(control(city, "hts", at), control(city, "sna", at),
                                         control(city, "syrian-arab-army", at), published_at=at))
        winner = max(filed["claims"], key=lambda c: c["id"])
        when = datetime.fromisoformat(at.replace("Z", "+00:00"))
        p = world.queries.point(at=when)
        assert world.queries.city_state(city, p)["claims"] == [winner["id"]]
        assert {c["id"]: c for c in world.queries.state(p)["cities"]}[city]["controller"] \
            == winner["faction"]
        assert [h["claim"] for h in world.queries.city_history(city, p)] == [winner["id"]]
        items = timeline(world.recorder, world.names, world.queries, p, start=db_time(when),
                         end=db_time(when))
        changed = [i["claim"] for i in items if i["changes"]]
        assert changed == [winner["id"]], items


def test_the_timelines_status_changes_are_those_of_the_state_routes_each_told_once(world):
    from timeline.readmodel.history import timeline

    def clash(at):
        return {"type": "clash", "city": "homs", "factions": ["hts", "syrian-arab-army"],
                "occurred_at": at}

    day = "2024-12-0{}T10:00:00Z".format
    ids = {}
    ids["hold"], ids["same-instant clash"] = (c["id"] for c in world.file_report(
        report(control("homs", "hts", day(1)), clash(day(1))))["claims"])
    ids["clash"] = world.file_report(report(clash(day(2))))["claims"][0]["id"]
    ids["taken"] = world.file_report(report(control("homs", "sna", day(3))))["claims"][0]["id"]
    twin = [c["id"] for c in world.file_report(report(clash(day(4)), clash(day(4))))["claims"]]
    ids["restated"] = world.file_report(report(control("homs", "sna", day(5))))["claims"][0]["id"]
    p = world.queries.point()
    items = {i["claim"]: i for i in timeline(world.recorder, world.names, world.queries, p)}

    def status_changes(claim_id):
        return [(c["from"], c["to"]) for c in items[claim_id]["changes"] if c["field"] == "status"]

    assert status_changes(ids["hold"]) == [("unknown", "held")]
    assert status_changes(ids["same-instant clash"]) == []  # the control claim of its instant
    assert status_changes(ids["clash"]) == [("held", "contested")]
    assert status_changes(ids["taken"]) == [("contested", "held")]
    assert [c["field"] for c in items[ids["taken"]]["changes"]] == ["controller", "status"]
    assert sorted(map(status_changes, twin)) == [[], [("held", "contested")]]  # told once
    assert status_changes(ids["restated"]) == [("contested", "held")]  # it ends the contest
    assert [c["field"] for c in items[ids["restated"]]["changes"]] == ["status"]
    # each change is the state route's own answer just before and at its instant
    for item in items.values():
        for change in item["changes"]:
            if change["field"] != "status":
                continue
            at = datetime.fromisoformat(item["at"].replace("Z", "+00:00"))
            before = world.queries.point(at=at - timedelta(microseconds=1))
            assert world.queries.city_state("homs", before)["status"] == change["from"]
            assert world.queries.city_state("homs", world.queries.point(at=at))["status"] \
                == change["to"]


def test_a_correction_counts_in_the_timeline_whatever_its_own_confidence(world):
    from timeline.readmodel.history import timeline

    claim = world.file_report(report(control("homs", "hts", "2024-12-01T00:00:00Z")))["claims"][0]
    fix = world.file_report(report({"type": "retract", "claim": claim["id"], "reason": "denied",
                                    "confidence": "unconfirmed"}))["claims"][0]
    for minimum in ("reported", "confirmed"):
        p = world.queries.point(min_confidence=minimum)
        items = {i["claim"]: i for i in timeline(world.recorder, world.names, world.queries, p)}
        # the state routes apply it at every min_confidence, so the timeline says it counts
        assert items[fix["id"]]["counted"] is True and items[fix["id"]]["changes"]
        assert world.queries.city_state("homs", p)["controller"] is None
