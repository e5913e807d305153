"""`timeline backup FILE` while the store is being written (issue 18 item 4): the copy is the store
as of one position, whose digest equals that of the log up to that position; `timeline restore`
(SQLite) or the printed pg_dump/pg_restore commands (PostgreSQL) bring it back."""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid

import pytest

from tests.conftest import PG_URL, control, new_store_url, report
from tests.faults.crash import timeline_cmd
from timeline.application import TimelineApplication

CITIES = ["Aleppo", "Homs", "Hama", "Damascus"]
FACTIONS = ["HTS", "SAA", "SNA"]


class Writer:
    """Files reports from another thread until stopped; keeps each acknowledged position."""

    def __init__(self, app: TimelineApplication):
        self.app, self.stop, self.acked, self.errors = app, threading.Event(), [], []
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        i = 0
        while not self.stop.is_set():
            i += 1
            body = report(control(CITIES[i % 4], FACTIONS[i % 3], f"2024-12-01T{i % 24:02d}:00:00Z"),
                          source=f"wire {i}")
            try:
                self.acked.append(self.app.file_report(body)["position"])
            except Exception as error:  # noqa: BLE001 (the test asserts there are none)
                self.errors.append(error)

    def wait_for(self, n: int) -> None:
        while len(self.acked) < n and not self.errors:
            time.sleep(0.01)

    def __enter__(self) -> Writer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(60)


def replica_digest(app: TimelineApplication, upto: int, tmp_path) -> str:
    """The digest of a new store given the same log up to position `upto` (the digest does not
    depend on the store or its positions, only on the log's order and content)."""
    replica = TimelineApplication(f"sqlite:///{tmp_path}/replica-{uuid.uuid4().hex[:8]}.db")
    try:
        batch = []
        for position, event in app.iter_events():
            if position > upto:
                break
            batch.append(event)
            if len(batch) >= 500:
                replica.append(batch)
                batch = []
        if batch:
            replica.append(batch)
        return replica.digest()
    finally:
        replica.close()


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*timeline_cmd(), *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def world(tmp_path):
    """SQLite only: PostgreSQL's backup is the pg_dump test below."""
    from tests.conftest import register_world

    app = TimelineApplication(new_store_url("sqlite", tmp_path)[0])
    register_world(app)
    yield app
    app.close()


def test_a_sqlite_backup_while_reports_are_filed_is_the_store_at_one_position(world, tmp_path):
    url = world.database_url
    for i in range(30):
        world.file_report(report(control(CITIES[i % 4], "HTS", "2024-11-30T00:00:00Z")))
    copy = tmp_path / "backup.db"
    with Writer(world) as writer:
        writer.wait_for(20)
        before = max(writer.acked)
        done = cli({"TIMELINE_DATABASE_URL": url}, "backup", str(copy))
        count = len(writer.acked)
        writer.wait_for(count + 20)  # and the writes go on after it
    assert done.returncode == 0, done.stderr
    assert not writer.errors
    held = int(done.stdout.split()[-1])
    assert before <= held < max(writer.acked)

    restored_url = f"sqlite:///{tmp_path}/restored.db"
    back = cli({"TIMELINE_DATABASE_URL": restored_url}, "restore", str(copy))
    assert back.returncode == 0, back.stderr
    assert int(back.stdout.split()[-1]) == held
    restored = TimelineApplication(restored_url)
    try:
        assert restored.head() == held
        assert restored.digest() == replica_digest(world, held, tmp_path)
        # and its read model is its log's: a replay changes nothing
        assert restored.replay() == replica_digest(world, held, tmp_path)
    finally:
        restored.close()
    again = cli({"TIMELINE_DATABASE_URL": restored_url}, "restore", str(copy))
    assert again.returncode != 0 and "--force" in again.stderr  # a store in use is not replaced


@pytest.mark.postgres
def test_the_printed_pg_dump_while_reports_are_filed_restores_the_store_at_one_position(tmp_path):
    import psycopg

    url, cleanup = new_store_url("postgres", tmp_path)
    database = f"scale_restore_{uuid.uuid4().hex[:8]}"
    app = TimelineApplication(url)
    try:
        from tests.conftest import register_world

        register_world(app)
        dump = tmp_path / "store.dump"
        with Writer(app) as writer:
            writer.wait_for(20)
            printed = cli({"TIMELINE_DATABASE_URL": url}, "backup", str(dump))
            assert printed.returncode == 0, printed.stderr
            at_least = int(printed.stdout.split()[-1])
            command = next(line.strip() for line in printed.stdout.splitlines()
                           if line.strip().startswith("pg_dump "))
            assert subprocess.run(command, shell=True, capture_output=True,  # noqa: S602
                                  timeout=300).returncode == 0
            count = len(writer.acked)
            writer.wait_for(count + 20)
        assert not writer.errors
        restore = next(line.strip() for line in printed.stdout.splitlines()
                       if line.strip().startswith("pg_restore "))
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        base = PG_URL.rsplit("/", 1)[0]
        restore = restore.replace(PG_URL.rsplit("/", 1)[1] + " ", database + " ", 1)
        result = subprocess.run(restore, shell=True, capture_output=True, text=True,  # noqa: S602
                                timeout=300)
        assert result.returncode == 0, result.stderr
        restored = TimelineApplication(f"{base}/{database}?schema={url.rsplit('schema=', 1)[1]}")
        try:
            held = restored.head()
            assert at_least <= held < max(writer.acked)
            assert restored.digest() == replica_digest(app, held, tmp_path)
        finally:
            restored.close()
    finally:
        app.close()
        cleanup()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
