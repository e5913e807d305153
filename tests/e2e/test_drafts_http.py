"""Drafts over HTTP (API.md v2, "Sources, drafts and batches"), on SQLite and PostgreSQL:
POST /drafts keeps the /extract answer; GET lists and reads them; accept files the report (the
reviewer's claims, else the proposed ones); reject keeps the reason; a decided draft is a 409,
also when two requests race; replay rebuilds the drafts' rows."""

from __future__ import annotations

import threading

import pytest

ARTICLE = {"text": "HTS seized control of Aleppo on Friday night.",
           "published_at": "2024-11-30T10:00:00+02:00", "source": {"name": "Example wire"}}


@pytest.fixture
def labelled(client, world):
    client.alice = {"Authorization": f"Bearer {world.create_token('writer', label='alice')}"}
    client.bob = {"Authorization": f"Bearer {world.create_token('writer', label='bob')}"}
    return client


def _draft(client, headers, **changes):
    r = client.post("/drafts", json={**ARTICLE, **changes}, headers=headers)
    assert r.status_code == 201, r.json
    return r.json


def test_a_draft_is_the_extract_answer_kept_open_with_who_proposed_it(labelled):
    client = labelled
    extract = client.post("/extract", json=ARTICLE).json
    draft = _draft(client, client.alice)
    assert draft["status"] == "open"
    assert draft["text"] == ARTICLE["text"]
    assert draft["published_at"] == "2024-11-30T08:00:00Z"
    assert draft["source"] == {"name": "Example wire"}
    assert draft["proposed"]["claims"] == extract["claims"]
    assert draft["proposed"]["unresolved"] == extract["unresolved"]
    assert [(c["type"], c["city"], c["faction"]) for c in draft["proposed"]["claims"]] == [
        ("control", "aleppo", "hts")]
    assert draft["proposed_by"] == "alice"
    assert draft["proposed_at"].endswith("Z")
    assert client.get(f"/drafts/{draft['id']}").json == draft
    # stored nowhere but in the draft: no report was filed
    assert client.get("/state").json["cities"] and all(
        c["controller"] is None for c in client.get("/state").json["cities"])


def test_accepting_files_the_proposed_claims_and_records_who_and_which_draft(labelled):
    client = labelled
    draft = _draft(client, client.alice)
    r = client.post(f"/drafts/{draft['id']}/accept", json={}, headers=client.bob)
    assert r.status_code == 201, r.json
    body = r.json
    assert body["draft"]["status"] == "accepted"
    assert body["draft"]["decided_by"] == "bob" and body["draft"]["proposed_by"] == "alice"
    assert body["draft"]["decided_at"].endswith("Z")
    report = body["report"]
    assert set(report) >= {"id", "position", "recorded_at", "claims"}
    assert body["draft"]["report"] == report["id"]
    assert [c["city"] for c in report["claims"]] == ["aleppo"]
    stored = client.get(f"/reports/{report['id']}").json
    assert stored["source"] == {"name": "Example wire"} and stored["draft"] == draft["id"]
    assert stored["body"] == ARTICLE["text"]
    state = client.get("/cities/aleppo/state").json
    assert state["controller"] == "hts"
    assert client.get(f"/drafts/{draft['id']}").json == body["draft"]


def test_accepting_with_the_reviewers_claims_files_those_instead(labelled):
    client = labelled
    draft = _draft(client, client.alice)
    edited = [{"type": "control", "city": "Homs", "faction": "SNA",
               "occurred_at": "2024-11-29T20:00:00+02:00", "confidence": "unconfirmed"}]
    r = client.post(f"/drafts/{draft['id']}/accept", json={"claims": edited}, headers=client.bob)
    assert r.status_code == 201, r.json
    [claim] = r.json["report"]["claims"]
    assert (claim["city"], claim["faction"], claim["confidence"]) == ("homs", "sna", "unconfirmed")
    assert client.get("/cities/aleppo/state").json["controller"] is None


def test_edited_claims_are_checked_like_any_report_and_a_refusal_leaves_the_draft_open(labelled):
    client = labelled
    draft = _draft(client, client.alice)
    head = client.get("/events?limit=1000").json["items"][-1]["position"]
    bad = [{"type": "control", "city": "Atlantis", "faction": "hts",
            "occurred_at": "2024-11-29T20:00:00+02:00"}]
    r = client.post(f"/drafts/{draft['id']}/accept", json={"claims": bad}, headers=client.bob)
    assert r.status_code == 422
    assert r.headers["Content-Type"] == "application/problem+json"
    assert "claims.0.city" in r.json["errors"]
    r = client.post(f"/drafts/{draft['id']}/accept", json={"claims": []}, headers=client.bob)
    assert r.status_code == 422 and "claims" in r.json["errors"]
    assert client.get("/events?limit=1000").json["items"][-1]["position"] == head
    assert client.get(f"/drafts/{draft['id']}").json["status"] == "open"


def test_rejecting_keeps_the_reason_and_who(labelled):
    client = labelled
    draft = _draft(client, client.alice)
    r = client.post(f"/drafts/{draft['id']}/reject", json={"reason": "an opinion piece"},
                    headers=client.bob)
    assert r.status_code == 200, r.json
    assert r.json["status"] == "rejected" and r.json["reason"] == "an opinion piece"
    assert r.json["decided_by"] == "bob" and r.json["report"] is None
    assert client.get(f"/drafts/{draft['id']}").json == r.json
    r = client.post(f"/drafts/{draft['id']}/reject", json={"reason": "again"}, headers=client.bob)
    assert r.status_code == 409
    other = _draft(client, client.alice)
    r = client.post(f"/drafts/{other['id']}/reject", json={}, headers=client.bob)
    assert r.status_code == 422 and "reason" in r.json["errors"]


def test_a_draft_that_is_not_open_is_a_409_and_an_unknown_one_a_404(labelled):
    client = labelled
    accepted = _draft(client, client.alice)
    rejected = _draft(client, client.alice)
    assert client.post(f"/drafts/{accepted['id']}/accept", json={}, headers=client.bob).status_code == 201
    assert client.post(f"/drafts/{rejected['id']}/reject", json={"reason": "dup"},
                       headers=client.bob).status_code == 200
    for draft in (accepted, rejected):
        for action, body in (("accept", {}), ("reject", {"reason": "again"})):
            r = client.post(f"/drafts/{draft['id']}/{action}", json=body, headers=client.bob)
            assert r.status_code == 409, (action, r.json)
            assert r.headers["Content-Type"] == "application/problem+json"
    reports = client.get("/events?limit=1000").json["items"]
    assert sum(e["type"] == "timeline.report.filed.v1" for e in reports) == 1
    for unknown in ("00000000-0000-4000-8000-000000000000", "nope"):
        assert client.get(f"/drafts/{unknown}").status_code == 404
        assert client.post(f"/drafts/{unknown}/accept", json={}, headers=client.bob).status_code == 404
        assert client.post(f"/drafts/{unknown}/reject", json={"reason": "x"},
                           headers=client.bob).status_code == 404


def test_two_accepts_at_once_one_wins_and_one_report_is_filed(labelled, world, monkeypatch):
    """Both requests read the draft while it is open (each waits for the other after loading
    it): the event store lets only one decision be stored, and the loser files nothing."""
    client = labelled
    from api import create_app
    from timeline import drafts

    load = drafts._load
    for _ in range(3):
        draft = _draft(client, client.alice)
        results: list[int] = []
        barrier = threading.Barrier(2, timeout=10)

        def loaded(app, draft_id, barrier=barrier):
            aggregate = load(app, draft_id)
            barrier.wait()
            return aggregate

        monkeypatch.setattr(drafts, "_load", loaded)

        def accept(own, headers, draft=draft, results=results):
            results.append(own.post(f"/drafts/{draft['id']}/accept", json={},
                                    headers=headers).status_code)

        # each thread its own client (a Flask test client is not thread-safe), made here: two
        # create_app() at once in threads can fail in CPython 3.11's compile() (werkzeug compiles
        # its routes with ast.parse: "AST constructor recursion depth mismatch")
        threads = [threading.Thread(target=accept, args=(
            create_app({"TIMELINE_APP": world, "TESTING": True}).test_client(), h))
            for h in (client.alice, client.bob)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [201, 409]
        assert client.get(f"/drafts/{draft['id']}").json["status"] == "accepted"
    filed = [e for e in client.get("/events?limit=1000").json["items"]
             if e["type"] == "timeline.report.filed.v1"]
    assert len(filed) == 3


def test_lists_filter_by_status_and_page_with_a_cursor(labelled):
    client = labelled
    ids = [_draft(client, client.alice)["id"] for _ in range(5)]
    client.post(f"/drafts/{ids[0]}/accept", json={}, headers=client.bob)
    client.post(f"/drafts/{ids[1]}/reject", json={"reason": "no"}, headers=client.bob)
    everything = client.get("/drafts").json
    assert [d["id"] for d in everything["items"]] == ids[::-1] and everything["next"] is None
    assert [d["id"] for d in client.get("/drafts?status=open").json["items"]] == ids[:1:-1]
    assert [d["id"] for d in client.get("/drafts?status=accepted").json["items"]] == [ids[0]]
    assert [d["id"] for d in client.get("/drafts?status=rejected").json["items"]] == [ids[1]]
    seen, url = [], "/drafts?limit=2"
    while url:
        r = client.get(url)
        seen += [d["id"] for d in r.json["items"]]
        if r.json["next"]:
            assert 'rel="next"' in r.headers["Link"]
            url = f"/drafts?limit=2&cursor={r.json['next']}"
        else:
            url = None
    assert seen == ids[::-1]
    assert client.get("/drafts?status=pending").status_code == 422
    assert client.get("/drafts?cursor=bm9wZQ").status_code == 422


def test_writes_need_a_writer_token(labelled, world):
    client = labelled
    reader = {"Authorization": f"Bearer {world.create_token('reader')}"}
    assert client.post("/drafts", json=ARTICLE).status_code == 401
    assert client.post("/drafts", json=ARTICLE, headers=reader).status_code == 403
    draft = _draft(client, client.alice)
    assert client.post(f"/drafts/{draft['id']}/accept", json={}).status_code == 401
    assert client.post(f"/drafts/{draft['id']}/reject", json={"reason": "x"},
                       headers=reader).status_code == 403
    assert client.get(f"/drafts/{draft['id']}").json["status"] == "open"


def test_bad_drafts_are_422s_naming_the_field_and_write_nothing(labelled):
    client = labelled
    for body, field in (({"published_at": ARTICLE["published_at"]}, "text"),
                        ({"text": "x", "published_at": "2024-11-30T10:00:00"}, "published_at"),
                        ({"text": "y" * 60_001, "published_at": ARTICLE["published_at"]}, "text"),
                        ({**ARTICLE, "extra": 1}, "extra")):
        r = client.post("/drafts", json=body, headers=client.alice)
        assert r.status_code == 422, body
        assert field in r.json["errors"]
    assert client.get("/drafts").json["items"] == []


def test_an_accept_without_a_body_takes_the_proposal(labelled):
    client = labelled
    draft = _draft(client, client.alice)
    r = client.post(f"/drafts/{draft['id']}/accept", headers=client.bob)
    assert r.status_code == 201, r.json
    other = _draft(client, client.alice)
    r = client.post(f"/drafts/{other['id']}/accept", data="x", headers={
        **client.bob, "Content-Type": "text/plain"})
    assert r.status_code == 415


def test_idempotency_keys_replay_draft_writes(labelled):
    client = labelled
    key = {**client.alice, "Idempotency-Key": "draft-1"}
    first = client.post("/drafts", json=ARTICLE, headers=key)
    again = client.post("/drafts", json=ARTICLE, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json == again.json
    assert len(client.get("/drafts").json["items"]) == 1
    draft_id = first.json["id"]
    key = {**client.bob, "Idempotency-Key": "accept-1"}
    first = client.post(f"/drafts/{draft_id}/accept", json={}, headers=key)
    again = client.post(f"/drafts/{draft_id}/accept", json={}, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json == again.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert client.post(f"/drafts/{draft_id}/accept", json={"claims": []},
                       headers=key).status_code == 422  # same key, another body


def test_replay_rebuilds_the_drafts(labelled, world):
    client = labelled
    a, b, c = (_draft(client, client.alice) for _ in range(3))
    client.post(f"/drafts/{a['id']}/accept", json={}, headers=client.bob)
    client.post(f"/drafts/{b['id']}/reject", json={"reason": "no"}, headers=client.bob)
    before = client.get("/drafts").json
    digest = world.digest()
    assert world.replay() == digest
    assert client.get("/drafts").json == before
    assert {d["id"]: d["status"] for d in before["items"]} == {
        a["id"]: "accepted", b["id"]: "rejected", c["id"]: "open"}
