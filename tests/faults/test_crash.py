"""Bounded crash-consistency runs of tests/faults/crash.py: `timeline serve` killed with SIGKILL
under load from 4 writers, then nothing acknowledged is lost, nothing is half-written, and the
digest equals the digest after a replay. The full run (10 kills per store) is
`python -m tests.faults.crash --store sqlite|postgres --kills 10 [--restart-postgres]`.

Restarting PostgreSQL disturbs everyone using the server, so the bounded PostgreSQL run does it
only when TIMELINE_FAULTS_RESTART_PG=1 (set by .ci/run, which has the machine to itself)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import pg_available
from tests.faults.crash import run

KILLS = int(os.environ.get("TIMELINE_FAULTS_KILLS", 3))


def may_restart_postgres() -> bool:
    wanted = os.environ.get("TIMELINE_FAULTS_RESTART_PG", "0")
    return wanted == "1" and shutil.which("pg_ctlcluster") is not None and os.geteuid() == 0


def check(figures: dict) -> None:
    print(figures)
    assert figures["kills"] == KILLS
    assert figures["writes_acknowledged"] > 0
    assert figures["unexpected_answers"] == []
    assert figures["reports_lost"] == 0, figures["lost_keys"]
    assert figures["reports_partial"] == 0
    assert figures["created_twice"] == 0
    assert figures["unaccounted_reports"] == []
    assert figures["resent_ok"], figures["resent_errors"]
    assert figures["acknowledged_answers_match"]
    assert figures["digests_equal"]
    assert figures["ok"]


def test_sigkill_of_the_server_loses_no_acknowledged_report_on_sqlite():
    check(run("sqlite", kills=KILLS, workers=2, load_seconds=(0.3, 1.5), time_limit=240,
              log=print))


@pytest.mark.postgres
def test_sigkill_of_the_server_and_a_database_restart_lose_nothing_on_postgres():
    if not pg_available():
        if os.environ.get("TIMELINE_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL required but unreachable")
        pytest.skip("PostgreSQL unreachable")
    restart = may_restart_postgres()
    figures = run("postgres", kills=KILLS, workers=4, load_seconds=(0.3, 1.5),
                  restart_pg=restart, time_limit=300, log=print)
    if restart:
        assert figures["while_down"]["POST /reports"] == 503
        assert figures["down_answers_are_problems"]
        assert figures["recovered_by_itself"]
    check(figures)
