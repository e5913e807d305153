"""Schema creation once and safely (issue 18 item 1): starts that find the schema current run no
DDL (so they never wait on a table lock); on a new database the first start creates the tables
under the schema's lock, and starts, `timeline serve`s and `timeline seed`s started together all
succeed."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import PG_URL, new_store_url
from tests.faults.crash import Server, http, timeline_cmd
from timeline import migrate
from timeline.application import TimelineApplication

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def together(n: int, target) -> list[BaseException | None]:
    """Runs target(i) in n threads released at the same moment; their exceptions (or None)."""
    barrier = threading.Barrier(n)
    outcome: list[BaseException | None] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            target(i)
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            outcome[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcome


@pytest.mark.parametrize("kind", STORES)
def test_two_starts_at_the_same_moment_on_a_new_store_both_open_it(kind, tmp_path):
    for _ in range(10):
        url, cleanup = new_store_url(kind, tmp_path)
        apps: list[TimelineApplication | None] = [None, None]
        try:
            def start(i: int, apps=apps, url=url) -> None:
                apps[i] = TimelineApplication(url)

            assert together(2, start) == [None, None]
            for app in apps:
                assert app is not None and migrate.is_current(app.recorder)
            apps[0].create_token("writer")  # the tables are there and usable from both
            assert len(apps[1].list_tokens()) == 1
        finally:
            for app in apps:
                if app is not None:
                    app.close()
            cleanup()


def test_a_start_on_a_current_postgres_schema_runs_no_ddl_and_waits_for_no_table_lock(tmp_path):
    """A `timeline replay` holds its tables' locks for minutes: a CREATE INDEX IF NOT EXISTS at
    every start waited for it, without a timeout. A start that finds the schema current runs no
    DDL, so it opens at once whatever locks others hold."""
    import psycopg

    url, cleanup = new_store_url("postgres", tmp_path)
    try:
        TimelineApplication(url).close()
        schema = url.rsplit("schema=", 1)[1]
        with psycopg.connect(PG_URL) as holder:
            holder.execute(f'LOCK TABLE "{schema}".tl_effects, "{schema}".tl_claims '
                           "IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            app = TimelineApplication(url)
            app.close()
            assert time.monotonic() - started < 5
            holder.rollback()
    finally:
        cleanup()


def test_a_migration_waits_a_bounded_time_for_another_processes_migration(tmp_path, monkeypatch):
    import psycopg

    url, cleanup = new_store_url("postgres", tmp_path)
    try:
        app = TimelineApplication(url)
        schema = app.recorder.datastore.schema
        monkeypatch.setenv("TIMELINE_MIGRATE_WAIT", "0.5")
        with psycopg.connect(PG_URL, autocommit=True) as other:
            other.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (migrate.LOCK_CLASS, schema))
            started = time.monotonic()
            with pytest.raises(migrate.MigrationTimeout):
                migrate.migrate(app.recorder)
            assert time.monotonic() - started < 5
        assert migrate.migrate(app.recorder) is True  # the lock is free again
        app.close()
    finally:
        cleanup()


@pytest.mark.parametrize("kind", STORES)
def test_timeline_migrate_creates_the_tables_once_and_prints_the_version(kind, tmp_path):
    url, cleanup = new_store_url(kind, tmp_path)
    env = {**os.environ, "TIMELINE_DATABASE_URL": url}
    try:
        first = subprocess.run([*timeline_cmd(), "migrate"], env=env, capture_output=True,
                               text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert "created" in first.stderr
        again = subprocess.run([*timeline_cmd(), "migrate"], env=env, capture_output=True,
                               text=True, timeout=120)
        assert again.returncode == 0 and "current" in again.stderr
        app = TimelineApplication(url, env={"CREATE_TABLE": "no"})
        try:
            assert first.stdout.split()[-1] == again.stdout.split()[-1] == migrate.version(app.recorder)
            assert migrate.is_current(app.recorder)
        finally:
            app.close()
    finally:
        cleanup()


def _run_together(commands: list[list[str]], env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]
    out = []
    for p, c in zip(procs, commands, strict=True):
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(c, p.returncode, stdout, stderr))
    return out


def _seeds_together(kind: str, tmp_path: Path, rounds: int) -> None:
    for _ in range(rounds):
        url, cleanup = new_store_url(kind, tmp_path)
        env = {**os.environ, "TIMELINE_DATABASE_URL": url}
        try:
            results = _run_together([[*timeline_cmd(), "seed"]] * 2, env)
            for r in results:
                assert r.returncode == 0, r.stderr[-2000:]
            app = TimelineApplication(url)
            try:
                # everything once: a third seed adds nothing
                from timeline.seeding import seed

                assert set(seed(app).values()) == {0}
            finally:
                app.close()
        finally:
            cleanup()


@pytest.mark.parametrize("kind", STORES)
def test_two_seeds_at_once_on_a_new_store_both_succeed(kind, tmp_path):
    _seeds_together(kind, tmp_path, rounds=2)


def _serves_together(kind: str, tmp_path: Path, rounds: int) -> None:
    for n in range(rounds):
        url, cleanup = new_store_url(kind, tmp_path)
        env = {**os.environ, "TIMELINE_DATABASE_URL": url, "TIMELINE_RATE_LIMIT": "off"}
        servers = [Server(env, tmp_path, workers=1) for _ in range(2)]
        for i, server in enumerate(servers):
            server.starts = 100 * n + 10 * i  # separate log files
        try:
            assert together(2, lambda i, servers=servers: servers[i].start()) == [None, None], \
                [s.tail() for s in servers]
            for server in servers:
                assert http(server.base, "GET", "/readyz").status == 200
        finally:
            for server in servers:
                if server.proc is not None:
                    server.stop()
            cleanup()


@pytest.mark.parametrize("kind", STORES)
def test_two_serves_started_together_on_a_new_store_both_serve(kind, tmp_path):
    _serves_together(kind, tmp_path, rounds=1)


@pytest.mark.slow
@pytest.mark.postgres
def test_ten_times_two_serves_and_two_seeds_together_on_new_postgres_schemas(tmp_path):
    _serves_together("postgres", tmp_path, rounds=10)
    _seeds_together("postgres", tmp_path, rounds=10)


def _opened_before_the_schema_was_created(tmp_path) -> tuple[TimelineApplication, str, object]:
    """An application whose recorder was made on a schema with no tables yet (another process
    about to create them), then the tables created by another application: the interleaving
    of two `timeline seed`s started together on a new schema."""
    url, cleanup = new_store_url("postgres", tmp_path)
    early = TimelineApplication(url, env={"CREATE_TABLE": "no"})
    assert early.recorder.stored_event_type_name not in early.recorder.datastore.psycopg_python_types
    TimelineApplication(url).close()  # the other process: creates the tables and their types
    return early, url, cleanup


def _write_a_place(app: TimelineApplication) -> None:
    from timeline.seeding import register_entities

    assert register_entities(app, "place", [{"id": "race-town", "name": "Race Town",
                                             "lat": 35.0, "lon": 38.0, "governorate": None,
                                             "parent": None, "place_kind": "city",
                                             "source": None}]) == 1
    assert app.names.entity("place", "race-town") is not None


@pytest.mark.postgres
def test_a_start_that_finds_the_schema_made_current_by_another_process_can_write(tmp_path):
    """The library looks up its composite type `stored_event_uuid` once, when the recorder is
    made, and skips it while the schema has none; a start that then found the schema current
    (made so by another process) ran no DDL, never looked again, and every insert failed with
    "Composite type 'stored_event_uuid' not found" (one of two `timeline seed`s exited 1)."""
    early, _, cleanup = _opened_before_the_schema_was_created(tmp_path)
    try:
        assert migrate.ensure(early.recorder) is False  # current: no DDL run here...
        # ...but the type is looked up again
        assert early.recorder.stored_event_type_name in early.recorder.datastore.psycopg_python_types
        _write_a_place(early)
    finally:
        early.close()
        cleanup()


@pytest.mark.postgres
def test_an_application_opened_without_migrating_before_the_tables_existed_can_write(tmp_path):
    """CREATE_TABLE=no (a worker started before `timeline migrate` finished): the first insert
    looks the composite type up again instead of failing."""
    early, _, cleanup = _opened_before_the_schema_was_created(tmp_path)
    try:
        _write_a_place(early)
    finally:
        early.close()
        cleanup()
