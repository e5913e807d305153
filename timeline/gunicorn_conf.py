"""gunicorn hooks for `timeline serve`: a worker that exits takes its live gauges with it
(prometheus_client multiprocess mode; the directory is set by `timeline serve`)."""


def child_exit(server, worker):  # noqa: ARG001 (gunicorn's signature)
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
