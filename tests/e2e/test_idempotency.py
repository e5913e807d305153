"""Idempotency-Key on every POST (draft-ietf-httpapi-idempotency-key-header), on both stores."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from eventsourcing.persistence import IntegrityError

import timeline.stores.idempotency as application
from api.idempotency import fingerprint_of, scoped_key
from tests.conftest import control, report

PROBLEM = "application/problem+json"
BODY = report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))


def head(client) -> int:
    return client.get("/readyz").get_json()["position"]


def post(client, path, body, key, **headers):
    return client.post(path, json=body, headers={**client.auth, "Idempotency-Key": key, **headers})


@pytest.mark.parametrize("path,body", [
    ("/reports", BODY),
    ("/cities", {"name": "Tal Rifaat", "lat": 36.47, "lon": 37.1}),
    ("/factions", {"name": "Free Syrian Army", "aliases": ["FSA"]}),
    ("/leaders", {"name": "Ahmed al-Sharaa", "faction": "HTS"}),
])
def test_a_retry_with_the_same_key_and_body_gets_the_original_answer_and_appends_nothing(client, path, body):
    first = post(client, path, body, "k-1")
    assert first.status_code == 201
    position = head(client)
    again = post(client, path, body, "k-1")
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert head(client) == position


def test_key_order_and_whitespace_do_not_make_a_retry_look_different(client):
    first = post(client, "/reports", BODY, "k-2")
    raw = json.dumps(dict(reversed(list(BODY.items()))), indent=4).encode()
    again = client.post("/reports", data=raw, headers={**client.auth, "Idempotency-Key": "k-2",
                                                       "Content-Type": "application/json"})
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]


def test_the_same_key_with_a_different_body_is_a_422_and_writes_nothing(client):
    post(client, "/reports", BODY, "k-3")
    position = head(client)
    other = report(control("Aleppo", "SNA", "2024-11-29T21:00:00+03:00"))
    r = post(client, "/reports", other, "k-3")
    assert r.status_code == 422 and r.mimetype == PROBLEM
    assert "Idempotency-Key" in r.get_json()["errors"]
    assert head(client) == position


def test_a_retry_while_the_first_request_is_still_running_is_a_409(client, world):
    key = scoped_key(client.auth["Authorization"], "/reports", "k-4")
    raw = json.dumps(BODY).encode()
    lease = world.idempotency_claim(key, fingerprint_of("/reports", raw, "application/json"))
    assert "lease" in lease  # as the first request holds it while it runs
    position = head(client)
    r = client.post("/reports", data=raw, headers={**client.auth, "Idempotency-Key": "k-4",
                                                   "Content-Type": "application/json"})
    assert r.status_code == 409 and r.mimetype == PROBLEM and r.headers["Retry-After"]
    assert head(client) == position
    # when the first request finishes, the retry gets its answer
    answer = world.file_report(BODY, idempotency=lease)
    again = client.post("/reports", data=raw, headers={**client.auth, "Idempotency-Key": "k-4",
                                                       "Content-Type": "application/json"})
    assert again.status_code == 201 and again.get_json()["id"] == answer["id"]


def test_the_lease_of_a_request_that_died_is_taken_over_and_only_one_of_the_two_commits(world, monkeypatch):
    key, fp = "scope:/reports:k-5", "f" * 64
    dead = world.idempotency_claim(key, fp)
    monkeypatch.setattr(application, "IDEMPOTENCY_LEASE", timedelta(0))
    alive = world.idempotency_claim(key, fp)
    assert alive["lease"] != dead["lease"]
    position = world.head()
    # the request that was thought dead wakes up: its commit must fail, appending nothing
    with pytest.raises(IntegrityError):
        world.file_report(BODY, idempotency=dead)
    assert world.head() == position
    answer = world.file_report(BODY, idempotency=alive)
    monkeypatch.setattr(application, "IDEMPOTENCY_LEASE", timedelta(seconds=10))
    assert world.idempotency_claim(key, fp) == {"replay": (201, answer)}


def test_a_request_that_failed_releases_its_key(client):
    bad = report(control("Atlantis", "HTS", "2024-11-29T21:00:00+03:00"))
    assert post(client, "/reports", bad, "k-6").status_code == 422
    # the failure was not stored: the corrected request may use the same key
    assert post(client, "/reports", BODY, "k-6").status_code == 201


def test_keys_belong_to_the_client_that_sent_them(client, world):
    first = post(client, "/reports", BODY, "k-7")
    other = {"Authorization": f"Bearer {world.create_token('writer')}"}
    again = client.post("/reports", json=BODY, headers={**other, "Idempotency-Key": "k-7"})
    assert again.status_code == 201 and again.get_json()["id"] != first.get_json()["id"]


def test_keys_are_forgotten_after_the_documented_period(client, monkeypatch):
    first = post(client, "/reports", BODY, "k-8")
    monkeypatch.setattr(application, "IDEMPOTENCY_TTL", timedelta(0))
    again = post(client, "/reports", BODY, "k-8")
    assert again.status_code == 201 and again.get_json()["id"] != first.get_json()["id"]


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "é"])
def test_a_malformed_key_is_a_400(client, key):
    r = post(client, "/reports", BODY, key)
    assert r.status_code == 400 and r.mimetype == PROBLEM and "Idempotency-Key" in r.get_json()["errors"]


def test_concurrent_requests_with_one_key_append_one_report(client, world):
    import threading

    flask_app = client.application
    barrier = threading.Barrier(6)
    answers: list = []

    def send():
        c = flask_app.test_client()
        barrier.wait()
        r = c.post("/reports", json=BODY, headers={**client.auth, "Idempotency-Key": "k-race"})
        answers.append((r.status_code, r.get_json()))

    position = head(client)
    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    created = {js["id"] for status, js in answers if status == 201}
    assert len(answers) == 6 and len(created) == 1
    assert {status for status, _ in answers} <= {201, 409}
    assert all(js["status"] == 409 for status, js in answers if status == 409)
    reports = [e for e in client.get(f"/events?after={position}").get_json()["items"]
               if e["type"] == "timeline.report.filed.v1"]
    assert len(reports) == 1


# ---- POST /extract: a read; with a valid token it honours the key like every POST --------------

ARTICLE = {"text": "HTS seized control of Aleppo on Friday night.",
           "published_at": "2024-11-30T22:00:00+03:00", "source": "Example wire"}


def extract(client, body, key, address="127.0.0.1", token=True, **headers):
    """With the client's valid token (token=False: without one, as the public route is called)."""
    auth = client.auth if token else {}
    return client.post("/extract", json=body, headers={"Idempotency-Key": key, **auth, **headers},
                       environ_base={"REMOTE_ADDR": address})


def kept_keys(app) -> tuple[int, int]:
    row = app.recorder.fetchone(
        "SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS b FROM tl_idempotency", {})
    return int(row["n"]), int(row["b"])


def test_a_retry_of_an_extract_gets_the_original_answer_byte_for_byte(client):
    first = extract(client, ARTICLE, "x-1")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    assert first.get_json()["claims"]
    position = head(client)
    again = extract(client, ARTICLE, "x-1")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.data == first.data
    assert head(client) == position  # the key is kept; the log is not touched


def test_an_extract_key_reused_with_another_body_is_a_422(client):
    extract(client, ARTICLE, "x-2")
    r = extract(client, {**ARTICLE, "text": "The SAA recaptured Homs on Friday."}, "x-2")
    assert r.status_code == 422 and r.mimetype == PROBLEM
    assert "Idempotency-Key" in r.get_json()["errors"]


def test_an_extract_retried_while_the_first_still_runs_is_a_409(client, world):
    raw = json.dumps(ARTICLE).encode()
    key = scoped_key(client.auth["Authorization"], "/extract", "x-3", "127.0.0.1")
    lease = world.idempotency_claim(key, fingerprint_of("/extract", raw, "application/json"))
    assert "lease" in lease
    r = client.post("/extract", data=raw, content_type="application/json",
                    headers={"Idempotency-Key": "x-3", **client.auth},
                    environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert r.status_code == 409 and r.mimetype == PROBLEM and r.headers["Retry-After"]


def test_an_extract_whose_lease_a_retry_took_over_still_answers_its_caller(client, world,
                                                                         monkeypatch):
    """Issue 15: a retry past the lease recomputed, and the first caller then got a 409 for a
    request that writes nothing. Its answer is still right: it gets it."""
    import api.idempotency as idempotency

    keep = idempotency.keep_read_answer

    def retry_meanwhile(idem, answer):
        # what a retry past the lease does to the key while the first request runs
        with world.recorder.writing() as cursor:
            cursor.execute(world.recorder.sql(
                "UPDATE tl_idempotency SET body = :other WHERE key = :key"),
                {"key": idem["key"], "other": "lease:another"})
        keep(idem, answer)

    monkeypatch.setattr(idempotency, "keep_read_answer", retry_meanwhile)
    r = extract(client, ARTICLE, "x-5")
    assert r.status_code == 200 and r.get_json()["claims"]


def test_an_anonymous_extract_with_a_key_keeps_nothing(client, world):
    """Issue 15: 300 anonymous /extract with made-up bearers and keys kept 300 answers (72 MB)."""
    before = kept_keys(world)
    for i in range(20):
        r = extract(client, ARTICLE, f"anon-{i}", token=False)
        assert r.status_code == 200 and r.get_json()["claims"]
        r = extract(client, ARTICLE, f"made-up-{i}", token=False,
                    Authorization=f"Bearer made-up-{i}")
        assert r.status_code == 200 and r.get_json()["claims"]
    assert kept_keys(world) == before
    # the same key with another body is simply answered: nothing was kept to compare with
    other = {**ARTICLE, "text": "The SAA recaptured Homs on Friday."}
    r = extract(client, other, "anon-1", token=False)
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers
    assert [c["city"] for c in r.get_json()["claims"]] == ["homs"]
    # a malformed key is still a 400
    assert extract(client, ARTICLE, "", token=False).status_code == 400


def test_a_large_extract_answer_is_not_kept_under_its_key(client, world, monkeypatch):
    from api import idempotency

    # an answer over the cap (the reader's answers for a 60,000-character text stay near it)
    monkeypatch.setattr(idempotency, "MAX_KEPT_READ", 16 * 1024)
    before = kept_keys(world)
    big = {**ARTICLE, "text": ARTICLE["text"] + " " + "x" * 59_000}
    r = extract(client, big, "x-big")
    assert r.status_code == 200
    assert kept_keys(world) == before
    r = extract(client, big, "x-big")  # recomputed, not replayed
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers


def test_extract_keys_belong_to_the_token(client, world):
    extract(client, ARTICLE, "1", address="10.0.0.1")
    other = {**ARTICLE, "text": "The SAA recaptured Homs on Friday."}
    # another token that happens to pick the same key is not refused, nor answered the first's
    second = world.create_token("reader")
    r = client.post("/extract", json=other, environ_base={"REMOTE_ADDR": "10.0.0.1"},
                    headers={"Idempotency-Key": "1", "Authorization": f"Bearer {second}"})
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers
    assert [c["city"] for c in r.get_json()["claims"]] == ["homs"]
    assert extract(client, other, "1", address="10.0.0.2").status_code == 422


def test_a_read_only_instance_answers_an_extract_with_a_key_and_writes_nothing(world):
    from api import create_app

    c = create_app({"TIMELINE_APP": world, "TESTING": True, "TIMELINE_READ_ONLY": "1"}).test_client()
    for _ in range(2):
        r = c.post("/extract", json=ARTICLE, headers={"Idempotency-Key": "x-4"})
        assert r.status_code == 200 and r.get_json()["claims"]
    # nothing was kept for the key: on a writable instance it is new
    fresh = create_app({"TIMELINE_APP": world, "TESTING": True}).test_client()
    r = fresh.post("/extract", json={**ARTICLE, "text": "The SAA recaptured Homs on Friday."},
                   headers={"Idempotency-Key": "x-4"})
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers


def test_extract_documents_the_idempotency_key(client):
    post_extract = client.get("/openapi.json").get_json()["paths"]["/extract"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header"
               for p in post_extract["parameters"])
    assert "409" in post_extract["responses"]
