"""Slow clients against a real `timeline serve` (issue 15, finding 1): sockets that send half a
request and stop must not hold the server's threads, and are cut off at a deadline."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import time

import pytest

from tests.faults.crash import Server

SLOW = 64


def start(tmp_path_factory, name: str, **env: str):
    folder = tmp_path_factory.mktemp(name)
    served = Server({**os.environ, "TIMELINE_DATABASE_URL": f"sqlite:///{folder}/timeline.db",
                     "PROMETHEUS_MULTIPROC_DIR": str(folder), **env}, folder, workers=2)
    served.start()
    return served


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = start(tmp_path_factory, "slow")
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def impatient(tmp_path_factory):
    served = start(tmp_path_factory, "impatient", TIMELINE_HEADER_TIMEOUT="2",
                   TIMELINE_BODY_TIMEOUT="2")
    try:
        yield served
    finally:
        served.stop()


PARTIAL_HEAD = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: "
SLOW_CHUNKED = (b"POST /extract HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n10\r\n{\"text\": \"HTS")
SLOW_LENGTH = (b"POST /extract HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
               b"Content-Length: 100\r\n\r\n{\"text\": ")
COMPLETE_CLOSE = b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"


def open_slow(port: int, starts: list[bytes], count: int = SLOW) -> list[socket.socket]:
    socks = []
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(starts[i % len(starts)])
        socks.append(s)
    return socks


def healthz_seconds(port: int, timeout: float = 5.0) -> float:
    began = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        assert response.status == 200
    finally:
        conn.close()
    return time.monotonic() - began


@pytest.mark.parametrize("starts", [
    [PARTIAL_HEAD], [SLOW_CHUNKED], [SLOW_LENGTH], [PARTIAL_HEAD, SLOW_CHUNKED, SLOW_LENGTH],
    [COMPLETE_CLOSE],
], ids=["partial-headers", "slow-chunked-body", "slow-length-body", "mixed",
        "answered-but-never-closed"])
def test_64_slow_sockets_do_not_keep_healthz_from_answering_within_a_second(server, starts):
    socks = open_slow(server.port, starts)
    try:
        time.sleep(0.5)  # long enough for every slow socket to reach the server's workers
        for _ in range(5):
            try:
                took = healthz_seconds(server.port, timeout=1.0)
            except (TimeoutError, socket.timeout):
                pytest.fail("/healthz did not answer within 1 s beside 64 slow sockets")
            assert took < 1.0
        # and a request with a body still gets its answer
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=1.0)
        conn.request("POST", "/extract", body=json.dumps(
            {"text": "HTS took Aleppo on Friday.", "published_at": "2024-11-30T22:00:00Z"}),
            headers={"Content-Type": "application/json"})
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        for s in socks:
            s.close()


def read_all(s: socket.socket) -> bytes:
    answer = b""
    try:
        while chunk := s.recv(65536):
            answer += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return answer


@pytest.mark.parametrize("start,drip,what", [
    (PARTIAL_HEAD, b"a", "headers"),
    (SLOW_CHUNKED.partition(b"\r\n\r\n")[0] + b"\r\n\r\n", b"1\r\na\r\n", "body"),
    (SLOW_LENGTH, b"a", "body"),
], ids=["partial-headers", "slow-chunked-body", "slow-length-body"])
def test_a_request_not_in_by_its_deadline_gets_a_408_problem_and_is_closed(impatient, start, drip,
                                                                           what):
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=10) as s:
        began = time.monotonic()
        s.sendall(start)
        # a byte every half second does not keep it open: the deadline is for the whole part
        while time.monotonic() - began < 6:
            try:
                s.sendall(drip)
            except (BrokenPipeError, ConnectionResetError):
                break
            s.settimeout(0.5)
            try:
                answer = s.recv(65536)
            except socket.timeout:
                continue
            s.settimeout(10)
            answer += read_all(s)
            break
        else:
            pytest.fail("the slow request was still open after 6 s")
        took = time.monotonic() - began
    assert 1.5 < took < 4.5
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), head
    assert b"application/problem+json" in head
    problem = json.loads(body)
    assert problem["status"] == 408 and what in problem["detail"]


def test_expect_100_continue_gets_its_100_and_then_the_answer(server):
    body = json.dumps({"text": "HTS took Aleppo on Friday.",
                       "published_at": "2024-11-30T22:00:00Z"}).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"POST /extract HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  b"Expect: 100-continue\r\nConnection: close\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        assert s.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        s.sendall(body)
        answer = read_all(s)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    assert b"100 Continue" not in answer  # once, not again from gunicorn


def test_kept_alive_and_pipelined_requests_are_answered_in_order(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
                  b"GET /nowhere HTTP/1.1\r\nHost: test\r\n\r\n"
                  b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        answer = read_all(s)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert statuses == [b"200", b"404", b"200"]
