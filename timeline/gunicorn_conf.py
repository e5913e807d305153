"""gunicorn hooks for `timeline serve`: a worker that exits takes its live gauges with it
(prometheus_client multiprocess mode; the directory is set by `timeline serve`), and a worker
asked to stop says so to its long responses (the event streams) through STOPPING."""

import signal
import threading

# Set in a worker when gunicorn asks it to stop (SIGTERM: graceful; SIGINT, SIGQUIT: at once).
# An open /events/stream would otherwise hold its thread for its whole lifetime (minutes): the
# worker could not finish within --graceful-timeout and was killed (SIGKILL). Streams end at
# once instead, and EventSource clients reconnect, with Last-Event-ID, to a live worker.
STOPPING = threading.Event()


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
