"""PostgreSQL out of reach, for real: the application talks to the server through a TCP relay that
the test cuts and restores (the shared server itself keeps running). While it is cut, reads and
writes answer 503 problem+json, after the first at once (not after the pool's timeout each), and
nothing is written; once it is back the service recovers by itself."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import new_store_url, register_world, report


class Relay:
    """127.0.0.1:port -> the PostgreSQL server; `cut()` closes the port and every connection."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        assert self._listener is not None
        self._listener.close()
        with self._lock:
            for s in self._sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._sockets.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@pytest.fixture
def relayed(tmp_path):
    from api import create_app
    from timeline.application import TimelineApplication

    url, cleanup = new_store_url("postgres", tmp_path)  # skips, or fails in CI, without a server
    parts = urlsplit(url)
    relay = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
    relay.start()
    app = TimelineApplication(parts._replace(netloc=f"{parts.username}@127.0.0.1:{relay.port}")
                              .geturl())
    register_world(app)
    flask_app = create_app({"TIMELINE_APP": app, "TESTING": True})
    client = flask_app.test_client()
    client.auth = {"Authorization": f"Bearer {app.create_token('writer')}"}
    try:
        yield app, relay, client
    finally:
        app.close()
        relay.cut()
        cleanup()


def post(client, headline: str):
    body = report({"type": "control", "city": "Homs", "faction": "HTS",
                   "occurred_at": "2024-12-07T20:00:00Z"}, published_at="2024-12-08T00:00:00Z")
    return client.post("/reports", json=dict(body, headline=headline), headers=client.auth)


@pytest.mark.postgres
def test_reads_and_writes_answer_503_at_once_while_the_store_is_cut_and_recover_after(relayed):
    app, relay, client = relayed
    assert post(client, "before").status_code == 201
    assert client.get("/cities/homs/state").get_json()["controller"] == "hts"
    head = app.head()

    relay.cut()
    first = client.get("/cities/homs/state")  # finds the connections gone
    assert first.status_code == 503 and first.mimetype == "application/problem+json"
    assert app.recorder.unreachable()
    for answer in (client.get("/cities/homs/state"), post(client, "while cut"),
                   client.get("/readyz"), client.get("/state")):
        assert answer.status_code == 503, answer.get_data(as_text=True)
        assert answer.mimetype == "application/problem+json"
    # Refused by the outage guard, not after waiting for the pool: its own error message.
    assert any("unreachable" in str(r) for r in _store_errors(client, app))

    relay.start()  # the same port again
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = client.get("/readyz")
        if answer.status_code == 200:
            break
        time.sleep(0.2)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert not app.recorder.unreachable()
    assert app.head() == head  # the write answered 503 wrote nothing
    assert post(client, "after").status_code == 201
    assert app.head() > head


def _store_errors(client, app) -> list[BaseException]:
    """The errors the application raises for a read while the relay is cut."""
    errors = []
    for _ in range(3):
        try:
            app.queries.city_state("homs", app.queries.point())
        except Exception as error:  # noqa: BLE001 (collected to be looked at)
            errors.append(error)
            cause = error.__cause__
            while cause is not None:
                errors.append(cause)
                cause = cause.__cause__
    assert errors, "a read succeeded while the store was cut"
    return errors
