"""Limits where gunicorn meets the app, against a real `timeline serve`: a chunked body (no
Content-Length) over the size limit is a 413 like any other, and a URL up to gunicorn's longest
request line reaches the app and gets its problem+json answer."""

from __future__ import annotations

import http.client
import json
import os
import socket
from pathlib import Path

import pytest

from tests.conftest import control, register_world, report
from timeline.cli import gunicorn_argv

ROOT = Path(__file__).resolve().parent.parent.parent
ACLED = (ROOT / "tests" / "fixtures" / "acled" / "syria-2024-11-12.csv").read_bytes()
REPORT = json.dumps(report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))).encode()
LIMIT = 1024 * 1024
MAX_REQUEST_LINE = 8190  # gunicorn's most


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.faults.crash import Server
    from timeline.application import TimelineApplication

    folder = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{folder}/timeline.db"
    app = TimelineApplication(url)
    register_world(app)
    token = app.create_token("writer")
    app.close()
    served = Server({**os.environ, "TIMELINE_DATABASE_URL": url,
                     "PROMETHEUS_MULTIPROC_DIR": str(folder)}, folder, workers=1)
    served.start()
    try:
        yield {"port": served.port, "auth": {"Authorization": f"Bearer {token}"}}
    finally:
        served.stop()


def request(server, method, target, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    try:
        conn.request(method, target, body=body, headers=headers or {},
                     encode_chunked=body is not None and not isinstance(body, bytes))
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def chunks(data: bytes, size: int = 64 * 1024):
    """An iterable body: http.client sends it with Transfer-Encoding: chunked, no length."""
    return (data[i:i + size] for i in range(0, len(data), size))


def position(server) -> int:
    return json.loads(request(server, "GET", "/readyz")[2])["position"]


def test_timeline_serve_allows_gunicorns_longest_request_line():
    argv = gunicorn_argv("127.0.0.1", 8000, 1, 1)
    assert argv[argv.index("--limit-request-line") + 1] == str(MAX_REQUEST_LINE)


@pytest.mark.parametrize("path,content_type,body,padding", [
    ("/reports", "application/json", REPORT, b" "),
    ("/factions", "application/json", b'{"name": "Free Syrian Army"}', b" "),
    ("/extract", "application/json",
     b'{"text": "HTS took Aleppo on Friday.", "published_at": "2024-11-30T22:00:00Z"}', b" "),
    ("/imports/acled", "text/csv", ACLED, b"\n"),
], ids=["reports", "factions", "extract", "acled"])
def test_a_chunked_body_over_the_limit_is_a_413_problem_and_writes_nothing(server, path, content_type,
                                                                           body, padding):
    before = position(server)
    headers = {**server["auth"], "Content-Type": content_type}
    padded = body + padding * (LIMIT + 10 - len(body))
    status, mimetype, answer = request(server, "POST", path, chunks(padded), headers)
    assert (status, mimetype) == (413, "application/problem+json"), answer[:300]
    assert json.loads(answer)["status"] == 413
    assert position(server) == before
    status, _, answer = request(server, "POST", path, chunks(body), headers)
    assert status in (200, 201), answer[:300]  # chunked, within the limit: read whole


@pytest.mark.parametrize("chunked", [b"ZZ\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n"],
                         ids=["bad-size", "no-terminator"])
def test_a_malformed_chunked_body_is_a_400_problem(server, chunked):
    with socket.create_connection(("127.0.0.1", server["port"]), timeout=30) as s:
        s.sendall(b"POST /extract HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), head
    assert b"application/problem+json" in head and json.loads(body)["status"] == 400


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


def test_a_gzip_chunked_body_is_refused_not_read_as_plain(server):
    before = position(server)
    body = REPORT
    with socket.create_connection(("127.0.0.1", server["port"]), timeout=30) as s:
        s.sendall(b"POST /reports HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  b"Authorization: " + server["auth"]["Authorization"].encode() + b"\r\n"
                  b"Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n"
                  + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, _ = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] in (b"400", b"501"), head
    assert position(server) == before
