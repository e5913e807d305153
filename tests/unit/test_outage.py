"""The PostgreSQL outage guard: once a direct connection attempt fails too, connections are
refused at once, one attempt per cooldown looks again, and the first that succeeds ends it."""

from __future__ import annotations

import psycopg
import pytest

from timeline.readmodel.postgres import Outage


class Server:
    """Stands for the database server's listening socket: up or down, counting attempts."""

    def __init__(self) -> None:
        self.up, self.attempts = True, 0

    def connect(self):
        self.attempts += 1
        if not self.up:
            raise psycopg.OperationalError("connection refused")
        return self

    def close(self) -> None:
        pass


def test_a_pool_timeout_with_the_server_up_opens_no_outage():
    server = Server()
    outage = Outage(server.connect, cooldown=60)
    outage.failed()  # the pool was only busy
    assert server.attempts == 1 and not outage.down
    outage.check()  # no refusal


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_connections_are_refused_at_once_while_the_server_is_down_and_again_after_it_returns():
    server, clock = Server(), Clock()
    outage = Outage(server.connect, cooldown=1.0, clock=clock)
    server.up = False
    outage.failed()
    assert outage.down and server.attempts == 1
    for _ in range(5):  # within the cooldown: refused without trying the server
        clock.now += 0.1
        with pytest.raises(psycopg.OperationalError, match="PostgreSQL unreachable"):
            outage.check()
    assert server.attempts == 1

    clock.now += 1.0  # one attempt after the cooldown; still down, so refused and a new cooldown
    with pytest.raises(psycopg.OperationalError, match="unreachable for 1.5 s"):
        outage.check()
    assert server.attempts == 2
    with pytest.raises(psycopg.OperationalError):
        outage.check()
    assert server.attempts == 2

    server.up = True
    clock.now += 1.0
    outage.check()  # this attempt reaches the server: the outage is over
    assert not outage.down and server.attempts == 3
    outage.check()
    assert server.attempts == 3  # no attempts while the server is up


def test_an_attempt_that_fails_in_an_unexpected_way_does_not_stop_later_attempts():
    clock = Clock()
    calls = []

    def connect():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("a bug in the driver")
        raise psycopg.OperationalError("connection refused")

    outage = Outage(connect, cooldown=1.0, clock=clock)
    outage.failed()
    clock.now += 2
    with pytest.raises(RuntimeError):
        outage.check()
    clock.now += 2
    with pytest.raises(psycopg.OperationalError, match="unreachable"):
        outage.check()  # it tried again: the failed attempt did not leave a probe "running"
    assert len(calls) == 3


def test_the_guarded_pool_connection_looks_at_the_server_only_when_the_connection_failed():
    server = Server()
    outage = Outage(server.connect, cooldown=60)

    class Conn:
        broken = closed = False

    from contextlib import contextmanager

    @contextmanager
    def connection(timeout=None):
        yield Conn()

    guarded = outage.guard(connection)
    with pytest.raises(psycopg.errors.LockNotAvailable):  # a query's own error
        with guarded():
            raise psycopg.errors.LockNotAvailable("lock timeout")
    assert server.attempts == 0

    server.up = False
    with pytest.raises(psycopg.OperationalError, match="server closed"):
        with guarded() as conn:
            conn.broken = conn.closed = True
            raise psycopg.OperationalError("server closed the connection unexpectedly")
    assert server.attempts == 1 and outage.down
    with pytest.raises(psycopg.OperationalError, match="unreachable"):
        with guarded():
            pass
