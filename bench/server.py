"""Runs `timeline serve` (or the baseline app under the same gunicorn settings) on a free port
of 127.0.0.1 for the duration of a `with` block."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from .common import PROJECT, PYTHON, RESULTS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str | None, workers: int = 2, threads: int = 8,
                 app: str | None = None, env: dict[str, str] | None = None, name: str = "serve"):
        self.url, self.workers, self.threads, self.app = url, workers, threads, app
        self.env = env or {}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.name = name
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Server":
        # The limiter is off unless a scenario sets TIMELINE_RATE_LIMIT (B3 does: see b3_ingest).
        env = dict(os.environ, PORT=str(self.port), TIMELINE_RATE_LIMIT="off")
        env.update(self.env)
        env.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="bench-metrics-"))
        if self.url:
            env["TIMELINE_DATABASE_URL"] = self.url
        if self.app is None:
            cmd = [str(Path(PYTHON).parent / "timeline"), "serve", "--host", "127.0.0.1",
                   "--port", str(self.port), "--workers", str(self.workers),
                   "--threads", str(self.threads)]
        else:
            from timeline.cli import gunicorn_argv

            cmd = gunicorn_argv("127.0.0.1", self.port, self.workers, self.threads, self.app)
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.logfile = open(RESULTS / f"{self.name}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=self.logfile,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}); "
                                   f"see {RESULTS / (self.name + '.log')}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            self.__exit__()
            raise RuntimeError("the server did not answer /healthz within 120 s")
        # Every worker answers once before timing starts (first requests build caches).
        for _ in range(4 * self.workers):
            self.get("/healthz")
        return self

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the server: its master and its workers."""
        assert self.proc is not None
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            # fields[1] is the parent pid; [11], [12] the process's own user and system ticks
            if stat.parent.name == str(self.proc.pid) or fields[1] == str(self.proc.pid):
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.base + path, timeout=60) as r:
            return r.read()

    def __exit__(self, *exc: Any) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the gunicorn master and its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.logfile.close()
