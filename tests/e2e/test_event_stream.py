"""The live stream `/events/stream` (Server-Sent Events): in-process on both stores, and under
`timeline serve` with several workers."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import control, report

BODY = report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))


@pytest.fixture
def stream_app(world):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True, "SSE_POLL": 0.01,
                            "SSE_LIFETIME": 5, "SSE_HEARTBEAT": 60})
    c = flask_app.test_client()
    c.auth = {"Authorization": f"Bearer {world.create_token('writer')}"}
    return flask_app, c


def events_of(chunks) -> list[dict]:
    """Parse SSE text into [{id, data}] (comments and retry lines skipped)."""
    out = []
    for block in "".join(chunks).split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if line and not line.startswith(":") and ": " in line)
        if "data" in fields:
            out.append({"id": int(fields["id"]), "data": json.loads(fields["data"])})
    return out


def read_until(generator, want: int, limit: int = 200) -> list[dict]:
    chunks = []
    for _ in range(limit):
        try:
            chunks.append(_text(next(generator)))
        except StopIteration:
            break
        if len(events_of(chunks)) >= want:
            break
    return events_of(chunks)


def _text(chunk) -> str:
    return chunk.decode() if isinstance(chunk, bytes) else chunk


def test_the_stream_delivers_events_appended_after_it_opened(stream_app):
    _, c = stream_app
    r = c.get("/events/stream", buffered=False)
    assert r.status_code == 200 and r.mimetype == "text/event-stream"
    assert r.headers["Cache-Control"] == "no-cache"
    stream = iter(r.response)
    assert _text(next(stream)).startswith("retry: ")
    filed = c.post("/reports", json=BODY, headers=c.auth).get_json()
    got = read_until(stream, 1)
    assert got[0]["id"] == filed["position"] == got[0]["data"]["position"]
    assert got[0]["data"]["type"] == "timeline.report.filed.v1" and got[0]["data"]["stream"] == filed["id"]
    r.close()


def test_the_stream_resumes_after_last_event_id_without_a_gap_or_a_duplicate(stream_app):
    _, c = stream_app
    positions = [c.post("/reports", json=BODY, headers=c.auth).get_json()["position"] for _ in range(5)]
    everything = [e["position"] for e in c.get("/events?limit=1000").get_json()["items"]]
    r = c.get("/events/stream?after=0", buffered=False)
    seen = [e["id"] for e in read_until(iter(r.response), len(everything))]
    r.close()
    assert seen == everything
    # the client lost its connection after the second report; it resumes from there
    r = c.get("/events/stream", headers={"Last-Event-ID": str(positions[1])}, buffered=False)
    stream = iter(r.response)
    resumed = [e["id"] for e in read_until(stream, 3)]
    assert resumed == positions[2:]
    later = c.post("/reports", json=BODY, headers=c.auth).get_json()["position"]
    assert [e["id"] for e in read_until(stream, 1)] == [later]
    r.close()


def test_a_bad_last_event_id_is_a_400(stream_app):
    _, c = stream_app
    r = c.get("/events/stream", headers={"Last-Event-ID": "yesterday"})
    assert r.status_code == 400 and r.mimetype == "application/problem+json"


def test_an_idle_stream_sends_heartbeats_and_ends_after_its_lifetime(world):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True, "SSE_POLL": 0.01,
                            "SSE_LIFETIME": 0.3, "SSE_HEARTBEAT": 0.05})
    started = time.monotonic()
    r = flask_app.test_client().get("/events/stream")
    body = r.get_data(as_text=True)
    assert time.monotonic() - started < 5  # ended by itself
    r.close()  # as a WSGI server does
    assert body.count(": heartbeat") >= 2 and "reconnect with Last-Event-ID" in body
    metrics = flask_app.test_client().get("/metrics").get_data(as_text=True)
    assert "timeline_sse_streams_open 0.0" in metrics


def test_open_streams_per_worker_are_capped_with_a_503(world):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True, "SSE_POLL": 0.01,
                            "SSE_LIFETIME": 5, "SSE_MAX_STREAMS": 1})
    c = flask_app.test_client()
    first = c.get("/events/stream", buffered=False)
    second = c.get("/events/stream")
    assert second.status_code == 503 and second.headers["Retry-After"]
    first.close()  # never read: its slot is given back all the same
    third = c.get("/events/stream", buffered=False)
    assert third.status_code == 200
    third.close()


# ---- under `timeline serve` ------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sse_events(port: int, want: int, headers: dict[str, str], timeout: float = 20) -> list[int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", "/events/stream?after=0" if "Last-Event-ID" not in headers else "/events/stream",
                 headers=headers)
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
    ids: list[int] = []
    deadline = time.monotonic() + timeout
    while len(ids) < want and time.monotonic() < deadline:
        line = response.readline().decode()
        if not line:
            break
        if line.startswith("id: "):
            ids.append(int(line[4:]))
    conn.close()
    return ids


def test_the_stream_works_under_timeline_serve_with_several_workers(tmp_path):
    url = f"sqlite:///{tmp_path}/served.db"
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {**os.environ, "TIMELINE_DATABASE_URL": url, "TIMELINE_SSE_POLL_SECONDS": "0.05",
           "TIMELINE_SSE_LIFETIME_SECONDS": "20", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    timeline = str(Path(sys.executable).with_name("timeline"))
    from tests.conftest import register_world
    from timeline.application import TimelineApplication

    app = TimelineApplication(url)
    register_world(app)
    token = app.create_token("writer")
    app.close()
    port = _free_port()
    server = subprocess.Popen([timeline, "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)

        def file() -> int:
            req = urllib.request.Request(base + "/reports", data=json.dumps(BODY).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read())["position"]

        positions = [file() for _ in range(3)]
        ids = _sse_events(port, positions[-1], {})
        assert ids == list(range(1, positions[-1] + 1))  # SQLite positions have no gaps
        resumed = _sse_events(port, 2, {"Last-Event-ID": str(positions[0])})
        assert resumed == positions[1:]
        with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
            metrics = r.read().decode()
        assert 'timeline_http_requests_total{method="POST",route="/reports",status="201"} 3.0' in metrics
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)


def test_stopping_the_server_ends_open_streams_so_its_workers_exit_without_being_killed(tmp_path):
    # An open stream holds a worker thread for its lifetime (here 300 s): on SIGTERM the worker
    # must end it and exit by itself, not sit out --graceful-timeout and get a SIGKILL.
    url = f"sqlite:///{tmp_path}/served.db"
    env = {**os.environ, "TIMELINE_DATABASE_URL": url, "TIMELINE_SSE_LIFETIME_SECONDS": "300",
           "TIMELINE_SSE_HEARTBEAT_SECONDS": "60", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    timeline = str(Path(sys.executable).with_name("timeline"))
    port = _free_port()
    log = open(tmp_path / "serve.log", "wb")
    server = subprocess.Popen([timeline, "serve", "--port", str(port), "--workers", "1",
                               "--threads", "4"], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/events/stream")
        response = conn.getresponse()
        assert response.status == 200
        assert response.read(6) == b"retry:"  # the stream is open
        server.send_signal(signal.SIGTERM)  # to the gunicorn master, as a deploy or Ctrl-C does
        rest = response.read().decode()  # the stream ends instead of running for minutes
        assert "this worker is stopping; reconnect with Last-Event-ID" in rest
        assert server.wait(30) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)
        log.close()
    assert "SIGKILL" not in (tmp_path / "serve.log").read_text()
