"""gunicorn hooks for `timeline serve`: a worker that exits takes its live gauges with it
(prometheus_client multiprocess mode; the directory is set by `timeline serve`), and a worker
asked to stop says so to its long responses (the event streams) through
timeline.lifecycle.STOPPING."""

import os
import shutil
import signal
import tempfile
from pathlib import Path

from timeline.lifecycle import STOPPING


def child_exit(server, worker):  # noqa: ARG001 (gunicorn's signature)
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):  # noqa: ARG001 (gunicorn's signature)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        handler = signal.getsignal(signum)

        def stopping(sig, frame, handler=handler):
            STOPPING.set()
            if callable(handler):
                handler(sig, frame)

        signal.signal(signum, stopping)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn had it: requests run on


# `timeline serve` makes its metrics folder in the temporary directory, named for its pid.
METRICS_PREFIX = "timeline-metrics-"


def on_exit(server):  # noqa: ARG001 (gunicorn's signature)
    """The master is leaving: the metrics folder `timeline serve` made for it goes too (not one
    the operator set with PROMETHEUS_MULTIPROC_DIR)."""
    folder = os.environ.get("TIMELINE_OWN_METRICS_DIR")
    if folder and folder == os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shutil.rmtree(folder, ignore_errors=True)


def sweep_metrics_dirs() -> None:
    """Remove the metrics folders of earlier serves whose process is gone (killed: on_exit never
    ran). Only folders named timeline-metrics-<pid>-..., owned by this user, are touched."""
    for folder in Path(tempfile.gettempdir()).glob(METRICS_PREFIX + "*-*"):
        pid = folder.name[len(METRICS_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # still running
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue
