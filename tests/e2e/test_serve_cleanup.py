"""`timeline serve` leaves no metrics folder behind (issue 15: one per serve, 109 on a machine)."""

from __future__ import annotations

import os

from tests.faults.crash import Server


def test_serve_removes_its_metrics_folder_and_sweeps_those_of_killed_serves(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    stale = temp / "timeline-metrics-999999999-abcd"  # a serve that was killed: no such process
    stale.mkdir()
    (stale / "counter_1.db").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(TMPDIR=str(temp), TIMELINE_DATABASE_URL=f"sqlite:///{tmp_path}/timeline.db")
    served = Server(env, tmp_path, workers=1)
    served.start()
    try:
        running = [p.name for p in temp.iterdir()]
        assert running == [f"timeline-metrics-{served.proc.pid}-" + running[0].rsplit("-", 1)[1]]
    finally:
        served.stop()
    assert list(temp.iterdir()) == []
