"""The durability settings SECURITY.md promises, read back from the live stores: SQLite in WAL
mode with synchronous FULL (an acknowledged write is on disk before the 201), PostgreSQL with
fsync and synchronous_commit on (its defaults)."""

from __future__ import annotations

import pytest


def test_sqlite_commits_are_synchronous_full_in_wal_mode(tmp_path):
    from timeline.application import TimelineApplication

    app = TimelineApplication(f"sqlite:///{tmp_path}/durable.db")
    try:
        with app.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA synchronous")
            assert tuple(cursor.fetchone())[0] == 2  # FULL
            cursor.execute("PRAGMA journal_mode")
            assert tuple(cursor.fetchone())[0].lower() == "wal"
    finally:
        app.close()


@pytest.mark.postgres
def test_postgres_keeps_fsync_and_synchronous_commit_on():
    from tests.conftest import PG_URL, pg_available

    if not pg_available():
        pytest.skip("PostgreSQL unreachable")
    import psycopg

    with psycopg.connect(PG_URL, connect_timeout=5) as conn:
        settings = {name: conn.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("fsync", "synchronous_commit", "full_page_writes")}
    assert settings == {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
