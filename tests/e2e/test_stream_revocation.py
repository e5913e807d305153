"""An open `/events/stream` when reads need a token (TIMELINE_PUBLIC_READS=0) ends within a second
of its token's revocation, and delivers nothing filed after it (issue 15, finding 6)."""

from __future__ import annotations

import time

from tests.conftest import control, report

BODY = report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))


def test_a_stream_ends_within_a_second_of_its_tokens_revocation(world):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True, "PUBLIC_READS": False,
                            "SSE_LIFETIME": 5, "SSE_HEARTBEAT": 60})  # SSE_POLL: the default
    c = flask_app.test_client()
    writer = {"Authorization": f"Bearer {world.create_token('writer')}"}
    reader = world.create_token("reader")
    assert c.get("/events/stream").status_code == 401
    r = c.get("/events/stream", headers={"Authorization": f"Bearer {reader}"}, buffered=False)
    assert r.status_code == 200
    stream = iter(r.response)
    assert next(stream).startswith(b"retry")
    filed = c.post("/reports", json=BODY, headers=writer).get_json()
    chunks = [next(stream)]  # delivered while the token is valid
    assert f"id: {filed['position']}".encode() in chunks[0]
    assert world.revoke_token(reader) == 1
    revoked = time.monotonic()
    after = c.post("/reports", json=BODY, headers=writer).get_json()
    rest = b"".join(stream)  # the stream ends by itself
    ended = time.monotonic() - revoked
    r.close()
    assert ended < 1.5, ended
    assert f"id: {after['position']}".encode() not in rest
    assert b"revoked" in rest


def test_a_public_stream_does_not_look_tokens_up(world, monkeypatch):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True, "SSE_LIFETIME": 0.3,
                            "SSE_POLL": 0.01})
    looked_up = []
    monkeypatch.setattr(world, "token_role", lambda token: looked_up.append(token) or "reader")
    body = flask_app.test_client().get("/events/stream").get_data()
    assert b"lifetime reached" in body and looked_up == []
