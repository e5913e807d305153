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

from tests.conftest import PG_URL, new_store_url, register_world, report


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


@pytest.fixture
def on_postgres(tmp_path):
    """(application, HTTP test client, writer's auth header, store URL) on a fresh schema."""
    from api import create_app
    from timeline.application import TimelineApplication

    url, cleanup = new_store_url("postgres", tmp_path)
    app = TimelineApplication(url)
    try:
        register_world(app)
        client = create_app({"TIMELINE_APP": app, "TESTING": True}).test_client()
        yield app, client, {"Authorization": f"Bearer {app.create_token('writer')}"}, url
    finally:
        app.close()
        cleanup()


@pytest.mark.postgres
def test_a_write_whose_connection_the_server_ends_mid_transaction_is_a_503_and_writes_nothing(
        on_postgres):
    # A restart or a failover ends the backends of writes in flight (AdminShutdown), in the
    # middle of the read-model rows. Here another transaction holds the row a retraction must
    # insert, so the write waits inside its transaction; the test then ends that backend, twice
    # (the recorder retries once), as pg_terminate_backend does.
    import psycopg

    app, client, auth, url = on_postgres
    claim = app.file_report(report({"type": "control", "city": "Homs", "faction": "HTS",
                                    "occurred_at": "2024-12-07T20:00:00Z"}))["claims"][0]["id"]
    head = app.head()
    schema = urlsplit(url).query.split("=", 1)[1]
    answers = []
    with psycopg.connect(PG_URL, autocommit=False) as blocker, \
            psycopg.connect(PG_URL, autocommit=True) as admin:
        blocker.execute(f'INSERT INTO "{schema}".tl_corrections (target, kind, position, '
                        "claim_id) VALUES (%s, 'retract', 0, 'blocker')", (claim,))
        writer = threading.Thread(target=lambda: answers.append(client.post(
            "/reports", headers=auth,
            json=report({"type": "retract", "claim": claim, "reason": "denied"}))))
        writer.start()
        ended: list[int] = []  # a backend just ended may still be listed: never count it twice
        for _ in range(2):  # the first attempt and the recorder's one retry
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                waiting = admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND pid <> pg_backend_pid() AND query ILIKE %s AND NOT pid = ANY(%s)",
                    (f'%"{schema}".tl_corrections%', ended)).fetchall()
                if waiting:
                    admin.execute("SELECT pg_terminate_backend(%s)", (waiting[0][0],))
                    ended.append(waiting[0][0])
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the write never waited on the held row")
        blocker.rollback()
        writer.join(30)
    [answer] = answers
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json" and answer.headers["Retry-After"]
    assert app.head() == head  # nothing of the report: no events, no rows
    assert not app.queries.claim_status(claim)["retracted"]
    assert client.post("/reports", headers=auth, json=report(
        {"type": "retract", "claim": claim, "reason": "denied"})).status_code == 201


@pytest.mark.postgres
def test_a_server_error_inside_the_read_model_hook_is_a_503_not_a_500(on_postgres, monkeypatch):
    # Fault injection on the real server: the backend ends itself as the hook starts writing the
    # read model (what a restart does to a write at that moment). The answer is the store's
    # 503, not a 500, and no event is left without its rows.
    app, client, auth, _ = on_postgres
    head = app.head()
    write_rows = app.recorder.write_rows

    def ended_by_the_server(cursor, *args, **kwargs):
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        cursor.fetchall()
        return write_rows(cursor, *args, **kwargs)

    monkeypatch.setattr(app.recorder, "write_rows", ended_by_the_server)
    answer = client.post("/reports", headers=auth, json=report(
        {"type": "control", "city": "Homs", "faction": "HTS",
         "occurred_at": "2024-12-07T20:00:00Z"}))
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    monkeypatch.undo()
    assert app.head() == head
    assert (app.recorder.max_notification_id() or 0) == head
