"""Limits where gunicorn meets the app, against a real `timeline serve`: a URL up to gunicorn's
longest request line reaches the app and gets its problem+json answer."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import register_world
from timeline.cli import gunicorn_argv

TIMELINE = Path(sys.executable).with_name("timeline")
MAX_REQUEST_LINE = 8190  # gunicorn's most


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from timeline.application import TimelineApplication

    folder = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{folder}/timeline.db"
    app = TimelineApplication(url)
    register_world(app)
    token = app.create_token("writer")
    app.close()
    env = {**os.environ, "TIMELINE_DATABASE_URL": url, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    command = [str(TIMELINE)] if TIMELINE.exists() else [sys.executable, "-m", "timeline.cli"]
    port = _free_port()
    log = open(folder / "serve.log", "wb")
    process = subprocess.Popen(command + ["serve", "--port", str(port), "--workers", "1",
                                          "--threads", "4"], env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the server did not start: " + (folder / "serve.log").read_text()[-2000:])
            time.sleep(0.1)
    yield {"port": port, "auth": {"Authorization": f"Bearer {token}"}}
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    log.close()


def request(server, method, target):
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    try:
        conn.request(method, target)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def test_timeline_serve_allows_gunicorns_longest_request_line():
    argv = gunicorn_argv("127.0.0.1", 8000, 1, 1)
    assert argv[argv.index("--limit-request-line") + 1] == str(MAX_REQUEST_LINE)


def test_a_url_up_to_the_longest_request_line_gets_the_apps_problem_answer(server):
    filler = "a" * (MAX_REQUEST_LINE - len("GET /cities/ HTTP/1.1"))
    status, mimetype, answer = request(server, "GET", f"/cities/{filler}")
    assert (status, mimetype) == (404, "application/problem+json"), answer[:300]
    filler = "a" * (MAX_REQUEST_LINE - len("GET /timeline?city= HTTP/1.1"))
    status, mimetype, _ = request(server, "GET", f"/timeline?city={filler}")
    assert (status, mimetype) == (422, "application/problem+json")


def test_a_request_line_beyond_gunicorns_longest_is_gunicorns_own_414(server):
    # Answered by gunicorn before the app sees the request (README: the one non-problem answer).
    filler = "a" * (MAX_REQUEST_LINE + 1 - len("GET /cities/ HTTP/1.1"))
    status, mimetype, _ = request(server, "GET", f"/cities/{filler}")
    assert status == 414 and mimetype == "text/html"
