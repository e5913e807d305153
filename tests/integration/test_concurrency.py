"""Concurrency against a real `timeline serve` (4 gunicorn workers on PostgreSQL, 2 on SQLite):
concurrent reports all land, each once; concurrent registrations of one new name give exactly one
201 and 409 for the rest; a follower paging `/events` and one reading the SSE stream during the
load each see every position exactly once, in order, none skipped, none repeated."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from typing import Any

import pytest

from tests.conftest import new_store_url
from tests.faults.crash import Server, http, timeline_cmd

WRITERS = 6
REPORTS_PER_WRITER = int(os.environ.get("TIMELINE_CONCURRENCY_REPORTS", 25))
RACERS = 8


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request, tmp_path_factory):
    """One server per store for the module (starting one takes seconds)."""
    import subprocess

    tmp_path = tmp_path_factory.mktemp("served")
    url, cleanup = new_store_url(request.param, tmp_path)
    env = {**os.environ, "TIMELINE_DATABASE_URL": url, "TIMELINE_RATE_LIMIT": "off",
           "TIMELINE_SSE_LIFETIME_SECONDS": "3", "TIMELINE_SSE_POLL_SECONDS": "0.05",
           "TIMELINE_SSE_MAX_STREAMS": "8"}
    token = subprocess.run([*timeline_cmd(), "token", "create", "--role", "writer"], env=env,
                           capture_output=True, text=True, check=True).stdout.split()[-1]
    server = Server(env, tmp_path, workers=4 if request.param == "postgres" else 2)
    server.start()
    try:
        for kind, body in [("cities", {"name": "Racetown", "lat": 35.0, "lon": 36.0}),
                           ("cities", {"name": "Raceville", "lat": 35.5, "lon": 36.5}),
                           ("factions", {"name": "Red Brigade"}),
                           ("factions", {"name": "Blue Brigade"}),
                           ("factions", {"name": "Green Brigade", "parent": "Blue Brigade"})]:
            assert http(server.base, "POST", f"/{kind}", body, token).status == 201
        yield server, token
    finally:
        server.stop()
        cleanup()


def report(n: int, i: int) -> dict[str, Any]:
    faction = ["Red Brigade", "Blue Brigade", "Green Brigade"][(n + i) % 3]
    city = ["Racetown", "Raceville"][i % 2]
    return {"source": {"name": f"writer {n}"}, "published_at": "2024-12-05T00:00:00Z",
            "headline": f"w{n}-{i}", "claims": [
                {"type": "control", "city": city, "faction": faction,
                 "occurred_at": f"2024-12-0{1 + i % 4}T{n:02d}:00:00+03:00"},
                {"type": "clash", "city": city, "factions": ["Red Brigade", "Blue Brigade"],
                 "occurred_at": "2024-12-04T12:00:00Z"}]}


def all_positions(base: str) -> list[int]:
    out, after = [], 0
    for _ in range(10_000):
        page = http(base, "GET", f"/events?after={after}&limit=1000")
        assert page.status == 200, page.body
        if not page.body["items"]:
            return out
        out += [item["position"] for item in page.body["items"]]
        after = out[-1]
    raise AssertionError("the log did not end")


def follow_pages(base: str, done: threading.Event, seen: list[int], errors: list[str]) -> None:
    """Pages /events from the start while the writers write, until caught up after they end."""
    after = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        finished = done.is_set()
        page = http(base, "GET", f"/events?after={after}&limit=37")
        if page.status != 200:
            errors.append(f"/events: {page.status} {page.body}")
            return
        seen += [item["position"] for item in page.body["items"]]
        if seen:
            after = seen[-1]
        if not page.body["items"]:
            if finished:
                return
            time.sleep(0.02)
    errors.append("the page follower did not catch up in time")


def follow_stream(base: str, done: threading.Event, final: list[int], seen: list[int],
                  errors: list[str]) -> None:
    """Reads /events/stream from position 0, reconnecting with Last-Event-ID whenever the server
    ends the stream (its lifetime is a few seconds here), until it has the final head."""
    last = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if done.is_set() and final and last >= final[-1]:
            return
        request = urllib.request.Request(base + "/events/stream?after=0",
                                         headers={"Accept": "text/event-stream",
                                                  **({"Last-Event-ID": str(last)} if last else {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as stream:
                event_id = None
                for raw in stream:
                    line = raw.decode().rstrip("\n")
                    if line.startswith("id: "):
                        event_id = int(line[4:])
                    elif line.startswith("data: "):
                        item = json.loads(line[6:])
                        if item["position"] != event_id:
                            errors.append(f"id {event_id} != data position {item['position']}")
                        seen.append(item["position"])
                        last = item["position"]
                        if done.is_set() and final and last >= final[-1]:
                            return
        except OSError as e:
            errors.append(f"stream: {e}")
            return
    errors.append("the stream follower did not catch up in time")


def test_concurrent_writers_and_followers_see_every_position_once_in_order(served):
    server, token = served
    start = threading.Barrier(WRITERS + 2)
    done = threading.Event()
    answers: list[tuple[int, Any]] = []
    page_seen: list[int] = []
    stream_seen: list[int] = []
    errors: list[str] = []
    final: list[int] = []

    def write(n: int) -> None:
        start.wait()
        for i in range(REPORTS_PER_WRITER):
            a = http(server.base, "POST", "/reports", report(n, i), token,
                     {"Idempotency-Key": f"conc-{n}-{i}"})
            answers.append((a.status, a.body))

    def pages() -> None:
        start.wait()
        follow_pages(server.base, done, page_seen, errors)

    def stream() -> None:
        start.wait()
        follow_stream(server.base, done, final, stream_seen, errors)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    followers = [threading.Thread(target=pages), threading.Thread(target=stream)]
    for t in threads + followers:
        t.start()
    for t in threads:
        t.join(300)
    final += all_positions(server.base)
    done.set()
    for t in followers:
        t.join(300)

    assert [s for s, _ in answers] == [201] * (WRITERS * REPORTS_PER_WRITER), answers[:3]
    positions = [body["position"] for _, body in answers]
    assert len(set(positions)) == len(positions), "two reports answered with one position"
    assert set(positions) <= set(final)
    for _, body in answers[:: max(1, len(answers) // 20)]:
        got = http(server.base, "GET", f"/reports/{body['id']}")
        assert got.status == 200 and len(got.body["claims"]) == 2
    assert not errors, errors[:5]
    assert final == sorted(set(final))
    assert page_seen == final, "the /events follower skipped or repeated a position"
    assert stream_seen == final, "the SSE follower skipped or repeated a position"


@pytest.mark.parametrize("names", [
    ["Same New Brigade"] * RACERS,
    ["Other New Brigade", "other new brigade", "OTHER NEW BRIGADE", "Òther Nèw Brigade"] * 2,
    ["Al-Racing Front", "el-Racing Front", "Al Racing Front", "al racing front"] * 2,
], ids=["identical", "case-and-diacritics", "article-spellings"])
def test_one_new_name_registered_concurrently_gives_one_201_and_409s(served, names):
    server, token = served
    barrier = threading.Barrier(len(names))
    statuses: list[int] = []
    problems: list[Any] = []

    def register(name: str) -> None:
        barrier.wait()
        a = http(server.base, "POST", "/factions", {"name": name}, token)
        statuses.append(a.status)
        if a.status != 201:
            problems.append((a.status, a.problem, a.body))

    threads = [threading.Thread(target=register, args=(name,)) for name in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(statuses) == [201] + [409] * (len(names) - 1), problems
    assert all(problem for _, problem, _ in problems)
    from timeline.domainmodel import name_key

    listed = http(server.base, "GET", "/factions?limit=1000").body["items"]
    same = [f["id"] for f in listed if name_key(f["name"]) == name_key(names[0])]
    assert len(same) == 1, same


def test_one_claim_retracted_concurrently_gives_one_201_and_409s(served):
    server, token = served
    filed = http(server.base, "POST", "/reports", report(5, 99), token)
    assert filed.status == 201
    target = filed.body["claims"][0]["id"]
    barrier = threading.Barrier(RACERS)
    answers: list[Any] = []

    def retract(n: int) -> None:
        body = {"source": {"name": f"denial {n}"}, "published_at": "2024-12-06T00:00:00Z",
                "claims": [{"type": "retract", "claim": target, "reason": f"denied ({n})"}]}
        barrier.wait()
        answers.append(http(server.base, "POST", "/reports", body, token))

    threads = [threading.Thread(target=retract, args=(n,)) for n in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(a.status for a in answers) == [201] + [409] * (RACERS - 1), [
        (a.status, a.body) for a in answers]
    assert all(a.problem for a in answers if a.status == 409)
    claim = http(server.base, "GET", f"/claims/{target}").body
    winner = next(a for a in answers if a.status == 201)
    assert claim["retracted"] and claim["retracted_by"] == winner.body["claims"][0]["id"]


def test_one_idempotency_key_sent_concurrently_creates_one_report(served):
    """Clients retrying at once, through different workers: one report, one answer for all
    (or a 409 "still being processed" to retry), never two reports."""
    server, token = served
    body = report(7, 98)
    barrier = threading.Barrier(RACERS)
    answers: list[Any] = []

    def send() -> None:
        barrier.wait()
        answers.append(http(server.base, "POST", "/reports", body, token,
                            {"Idempotency-Key": "raced-key"}))

    threads = [threading.Thread(target=send) for _ in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(a.status in (201, 409) for a in answers), [(a.status, a.body) for a in answers]
    assert all(a.problem for a in answers if a.status == 409)
    ids = {a.body["id"] for a in answers if a.status == 201}
    assert len(ids) == 1, ids
    again = http(server.base, "POST", "/reports", body, token, {"Idempotency-Key": "raced-key"})
    assert again.status == 201 and again.body["id"] in ids
    filed = [item for item in http(server.base, "GET", "/events?limit=1000").body["items"]
             if item["type"].startswith("timeline.report")
             and (item["data"] or {}).get("headline") == body["headline"]]
    assert len(filed) == 1, filed
