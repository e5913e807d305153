"""`timeline serve`: the HTTP API under gunicorn, and the settings it (and bench/) serves with."""

from __future__ import annotations

import os
import sys

import click

from .base import _app, main


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", 8000)), type=int,
              help="Default $PORT or 8000.")
@click.option("--workers", default=lambda: int(os.environ.get("TIMELINE_WORKERS", 2)), type=int,
              show_default="2")
@click.option("--threads", default=lambda: int(os.environ.get("TIMELINE_THREADS", 8)), type=int,
              show_default="8")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the HTTP API with gunicorn (gthread workers; one application per worker)."""
    # Create the tables once before forking, so workers do not race to create them: on
    # PostgreSQL, workers running CREATE TYPE / CREATE OR REPLACE FUNCTION at once fail to boot
    # ("tuple concurrently updated"), and gunicorn then stops (tests/integration/test_concurrency).
    _app().close()
    os.environ["CREATE_TABLE"] = "no"
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers write their metrics here; /metrics sums them (prometheus_client multiprocess).
        # Named for this process (gunicorn's master: execv keeps the pid), removed when it exits
        # (gunicorn_conf.on_exit), and swept by a later serve if it was killed (issue 15: every
        # serve left one behind).
        from ..gunicorn_conf import METRICS_PREFIX, sweep_metrics_dirs

        import tempfile

        sweep_metrics_dirs()
        folder = tempfile.mkdtemp(prefix=f"{METRICS_PREFIX}{os.getpid()}-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["TIMELINE_OWN_METRICS_DIR"] = folder
    # where to open the page (`make run` shows it): flushed before gunicorn replaces us
    click.echo(f"serving the page on {page_address(host, port)} "
               f"(API: {page_address(host, port)}docs)", err=True)
    sys.stderr.flush()
    os.execv(sys.executable, gunicorn_argv(host, port, workers, threads))


def page_address(host: str, port: int) -> str:
    """The page's URL for a bind address (a wildcard address is reached on the loopback)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def gunicorn_argv(host: str, port: int, workers: int, threads: int,
                  app: str = "api:create_app()") -> list[str]:
    """The server settings of `timeline serve` (bench/ serves its baseline app with the same).

    gthread workers: each worker process holds one TimelineApplication; its threads share it,
    so concurrent POSTs meet in the application's group commit (one fsync for many requests)
    while reads run in parallel on the pool's connections. 2 workers x 8 threads by default:
    on SQLite there is one writer at a time anyway and a second process keeps the GIL from
    capping reads; on PostgreSQL use --workers 2-4 per core. keep-alive 5 s lets clients reuse
    connections; the 60 s timeout only reaps workers that hang. A request line may be 8190
    bytes, gunicorn's most: at its default, 4094, a longer URL got gunicorn's own HTML 414 page
    instead of the app's problem+json answer (the app itself takes URLs of any length).
    """
    return [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        # gthread, with each request's head and body gathered by the worker's event loop within
        # deadlines before a thread takes it (timeline/serving.py: slow clients hold no thread)
        "--worker-class", "timeline.serving.BufferingWorker",
        "--threads", str(threads),
        "--timeout", "60",
        "--graceful-timeout", "5",
        "--keep-alive", "5",
        "--limit-request-line", "8190",
        "--no-control-socket",
        "--config", "python:timeline.gunicorn_conf",
        app,
    ]
