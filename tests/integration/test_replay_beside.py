"""`timeline replay` beside the old read model (issue 18 item 2): the service keeps writing and
reading while the new model is built; no write fails; the model swapped in equals a quiet
replay's; a replay that dies midway leaves the old model serving. On both stores."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import control, report
from timeline.application import TimelineApplication
from timeline.batch import file_reports
from timeline.readmodel.replay import Rebuild

CITIES = ["Aleppo", "Homs", "Hama", "Damascus"]
FACTIONS = ["HTS", "SAA", "SNA"]


def body(i: int) -> dict:
    claims = [control(CITIES[i % 4], FACTIONS[i % 3], f"2024-12-{1 + i % 28:02d}T{i % 24:02d}:00:00Z")]
    if i % 7 == 0:
        claims.append({"type": "clash", "city": CITIES[(i + 1) % 4], "factions": ["HTS", "SAA"],
                       "occurred_at": f"2024-12-{1 + i % 28:02d}T12:00:00Z"})
    return report(*claims, source=f"wire {i}")


def history(app: TimelineApplication, n: int) -> None:
    for start in range(0, n, 500):
        file_reports(app, [body(i) for i in range(start, min(n, start + 500))])
    # corrections too: retractions and confirmations the rebuild must mark
    claims = app.log_page(after=0, limit=1000)
    filed = [c for item in claims if item["type"].endswith("filed.v1")
             for c in item["data"]["claims"]][:40]
    for i, claim in enumerate(filed):
        kind = {"type": "retract", "claim": claim["id"], "reason": "wrong"} if i % 2 else \
            {"type": "confirm", "claim": claim["id"]}
        app.file_report(report(kind))


class Writer:
    def __init__(self, app: TimelineApplication):
        self.app, self.stop = app, threading.Event()
        self.acked: list[int] = []
        self.errors: list[BaseException] = []
        self.slowest = 0.0
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        i = 10_000
        while not self.stop.is_set():
            i += 1
            started = time.monotonic()
            try:
                self.acked.append(self.app.file_report(body(i))["position"])
            except BaseException as error:  # noqa: BLE001 (the test asserts there are none)
                self.errors.append(error)
            self.slowest = max(self.slowest, time.monotonic() - started)

    def wait_for(self, more: int) -> None:
        target = len(self.acked) + more
        deadline = time.monotonic() + 60
        while len(self.acked) < target and not self.errors and time.monotonic() < deadline:
            time.sleep(0.01)


def test_a_replay_while_reports_are_filed_fails_no_write_and_equals_a_quiet_replay(world):
    history(world, 3000)
    replayer = TimelineApplication(world.database_url)  # as `timeline replay` would, apart
    writer = Writer(world)
    reads: list[int] = []

    def meanwhile(step: str) -> None:
        # the service writes (and reads the old model) at every step of the rebuild, except
        # inside the last one, which holds the writers' lock while it swaps the tables
        if step == "swapping":
            return
        writer.wait_for(5)
        reads.append(len(world.queries.state(world.queries.point())["cities"]))

    try:
        writer.thread.start()
        Rebuild(replayer, stretch=500, on_step=meanwhile).run()
        writer.wait_for(5)  # and after the swap
    finally:
        writer.stop.set()
        writer.thread.join(60)
    try:
        assert writer.errors == []
        assert len(writer.acked) >= 20 and all(reads)
        after = world.digest()
        assert replayer.digest() == after
        # every write acknowledged during the replay is in the model swapped in
        assert replayer.head() == max(writer.acked)
        quiet = replayer.replay()
        assert quiet == after
    finally:
        replayer.close()


@pytest.mark.parametrize("step", ["created", "built", "caught up", "swapping"])
def test_a_replay_that_dies_midway_leaves_the_old_model_serving(world, step):
    history(world, 300)
    before = world.digest()

    def crash(at: str) -> None:
        if at == step:
            raise KeyboardInterrupt(f"killed at {at}")

    with pytest.raises(KeyboardInterrupt):
        Rebuild(world, stretch=100, on_step=crash).run()
    assert world.digest() == before
    world.file_report(body(1))  # the old model still takes writes...
    written = world.digest()
    assert written != before
    assert world.replay() == written  # ...and the next replay clears the leftovers


def test_two_replays_at_once_do_not_share_the_shadow(world):
    from timeline.readmodel.replay import ReplayRunning

    history(world, 100)
    other = TimelineApplication(world.database_url)
    try:
        def second(at: str) -> None:
            if at == "created":
                with pytest.raises(ReplayRunning):
                    Rebuild(other).run()

        Rebuild(world, on_step=second).run()
        assert other.replay() == world.digest()
    finally:
        other.close()


def derived_indexes(app: TimelineApplication) -> set[tuple[str, str]]:
    """(table, index) of the read model's indexes, by their canonical names (a SQLite index
    takes the other name of its pair at each replay: replay.twin)."""
    from timeline.readmodel.replay import SUFFIX
    from timeline.readmodel.tables import DERIVED_TABLES

    with app.recorder.reading() as cursor:
        if app.database_url.startswith("sqlite"):
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' "
                           "AND sql IS NOT NULL")
        else:
            cursor.execute("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = %s",
                           (app.recorder.datastore.schema,))
        rows = [tuple(row.values()) if isinstance(row, dict) else tuple(row)
                for row in cursor.fetchall()]
    return {(table, name.removesuffix(SUFFIX)) for table, name in rows if table in DERIVED_TABLES}


def primary_keys(app: TimelineApplication) -> dict[str, list[str]]:
    """table -> its primary key's columns, for the read model's tables (PostgreSQL's bulk build
    adds the big tables' keys after the load: replay.KEYED_AFTER)."""
    from timeline.readmodel.tables import DERIVED_TABLES

    keys = {}
    with app.recorder.reading() as cursor:
        for table in DERIVED_TABLES:
            if app.database_url.startswith("sqlite"):
                cursor.execute(f"SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 "
                               "ORDER BY pk")
            else:
                cursor.execute("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON "
                               "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                               "WHERE i.indisprimary AND i.indrelid = %s::regclass "
                               "ORDER BY array_position(i.indkey::int2[], a.attnum)",
                               (f'"{app.recorder.datastore.schema}".{table}',))
            keys[table] = [row["attname"] if isinstance(row, dict) else row[0]
                           for row in cursor.fetchall()]
    return keys


def test_small_stretches_and_correction_marks_build_the_same_model(world):
    """Stretches and correction marks cut at many places (SQLite's are short, so that writers
    wait little) give the model a replay in one piece gives; no replaced table or index is left."""
    history(world, 600)
    before, indexes, keys = world.digest(), derived_indexes(world), primary_keys(world)
    assert keys["tl_claims"] == ["id"] and len(keys["tl_effects"]) == 5
    rebuild = Rebuild(world, stretch=37)
    rebuild.mark_chunk = 11  # positions per marking transaction: every correction's boundary
    rebuild.run()
    # several stretches on PostgreSQL: staged in a child process (SQLite: in this one)
    assert rebuild.staged_apart == world.database_url.startswith("postgres")
    assert world.digest() == before
    assert derived_indexes(world) == indexes  # the ones left out of the bulk load built after it
    assert primary_keys(world) == keys
    if world.database_url.startswith("postgres"):  # the planner's statistics of the new tables
        with world.recorder.reading() as cursor:
            cursor.execute("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = %s",
                           (world.recorder.datastore.schema,))
            analyzed = {row["tablename"] for row in cursor.fetchall()}
        assert {"tl_effects", "tl_claims", "tl_corrections", "tl_mentions"} <= analyzed
    if world.database_url.startswith("sqlite"):  # PostgreSQL drops the old tables in the swap
        with world.recorder.reading() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE '%old'")
            assert [row[0] for row in cursor.fetchall()] == []


# Values COPY's text format must escape (a backslash, a tab, a newline, a carriage return), or
# that look like its markers (\N is NULL, \. ends the data), and text beyond ASCII.
AWKWARD = ["tab\there", "two\nlines", "carriage\rreturn", "back\\slash", "\\N", "\\.",
           "quote ' \" é حلب 🙂", "trailing backslash \\"]


def test_text_copy_must_escape_replays_as_the_live_path_wrote_it(world):
    """The bulk build's child process writes PostgreSQL's rows as COPY text itself: every value
    must come back as the live path's parameters wrote it (the digest reads the text columns)."""
    for i in range(60):
        text = AWKWARD[i % len(AWKWARD)]
        filed = report(control(CITIES[i % 4], FACTIONS[i % 3], f"2024-12-{1 + i % 28:02d}T10:00:00Z"),
                       source=f"{text} {i}")
        filed.update(headline=text, body=f"{text}\n{text}")
        world.file_report(filed)
    before = world.digest()
    rebuild = Rebuild(world, stretch=9)
    rebuild.run()
    assert rebuild.staged_apart == world.database_url.startswith("postgres")
    assert world.digest() == before
    with world.recorder.reading() as cursor:
        cursor.execute(world.recorder.sql("SELECT source_name FROM tl_report_sources"))
        names = {row[0] if isinstance(row, tuple) else row["source_name"] for row in cursor.fetchall()}
    assert {f"{AWKWARD[i % len(AWKWARD)]} {i}" for i in range(60)} <= names
