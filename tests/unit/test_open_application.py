"""open_application(): a worker that boots while PostgreSQL is unreachable retries until its
deadline, and any other error is raised at once (psycopg is imported only by a PostgreSQL store,
so the retry must still recognise its errors)."""

from __future__ import annotations

import socket

import pytest

from timeline import application


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def calls(monkeypatch):
    """The store URLs open_application() tried to open, in order."""
    tried = []
    real = application.TimelineApplication

    def counting(url):
        tried.append(url)
        return real(url)

    monkeypatch.setattr(application, "TimelineApplication", counting)
    return tried


def test_an_unreachable_postgres_is_retried_until_the_deadline(calls):
    import psycopg

    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/postgres?connect_timeout=1"
    with pytest.raises(psycopg.OperationalError):
        application.open_application(url, wait=0.3)
    assert len(calls) >= 2


def test_other_errors_are_not_retried(calls):
    with pytest.raises(ValueError, match="scheme"):
        application.open_application("mysql://nowhere/db", wait=5)
    assert calls == ["mysql://nowhere/db"]
