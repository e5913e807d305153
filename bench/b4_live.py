"""B4 (new): `timeline replay` beside the live read model while 4 clients keep filing reports to
`timeline serve`: failed writes (target 0), write p99 during the replay (target <= 1 s), the
digest after equal to a quiet replay's, and the replay's rate against read+decode of the same log
(the bulk build; target >= 15% on SQLite). Runs on a copy of the cached store: SQLite's file
copied; PostgreSQL's database cloned (CREATE DATABASE ... TEMPLATE, a file copy), dropped after.

    python -m bench.b4_live URL   -> one JSON line (a quiet replay beside: events, seconds)"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from . import b3_ingest, synth
from .common import PROJECT, PYTHON, STORES, log, reference_and_token
from .server import Server

CLIENTS = 4


def _copy(url: str) -> str:
    if not url.startswith("sqlite:///"):
        return _clone(url)
    source = Path(url[len("sqlite:///"):])
    target = STORES / f"live-{source.name}"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, target)
    return f"sqlite:///{target}"


def _clone(url: str, drop: bool = False) -> str:
    """PostgreSQL: a clone of the store's database (`<name>_live`), so the writes made during
    the run leave the cached store as it was; `drop`: removes the clone instead."""
    import psycopg
    from urllib.parse import urlparse

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    clone = name if name.endswith("_live") else f"{name}_live"
    with psycopg.connect(url.split("?")[0].rsplit("/", 1)[0] + "/postgres", autocommit=True,
                         connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
        if drop:
            return url
        # a template must have no other session: the bench's own servers have stopped by now
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                     "AND pid <> pg_backend_pid()", (name,))
        conn.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{name}"')
    return parsed._replace(path=f"/{clone}").geturl()


def _cli(url: str, *args: str) -> str:
    out = subprocess.run([str(Path(PYTHON).parent / "timeline"), *args], cwd=PROJECT,
                         env={**__import__("os").environ, "TIMELINE_DATABASE_URL": url},
                         capture_output=True, text=True, timeout=7200)
    if out.returncode:
        raise RuntimeError(f"timeline {' '.join(args)} failed: {out.stderr[-500:]}")
    return out.stdout.strip().splitlines()[-1]


def _clients(base: str, bodies: list[str], token: str, stop: threading.Event,
             samples: list[tuple[float, float, int]]) -> list[threading.Thread]:
    port = int(base.rsplit(":", 1)[1])

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = k
        while not stop.is_set():
            started = time.monotonic()
            try:
                conn.request("POST", "/reports", bodies[i % len(bodies)],
                             {"Content-Type": "application/json",
                              "Authorization": f"Bearer {token}"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            samples.append((started, time.monotonic() - started, status))
            i += CLIENTS

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    return threads


def run(results: Any, url: str, n: int, backend: str = "sqlite", read_rate: float | None = None
        ) -> None:
    live = _copy(url)
    ref, token = reference_and_token(live, "bench-live", synth.reference_of)
    quiet = json.loads(subprocess.run([PYTHON, "-m", "bench.b4_live", live], cwd=PROJECT,
                                      capture_output=True, text=True, check=True,
                                      timeout=7200).stdout.strip().splitlines()[-1])
    log(f"B4 {backend}: timeline replay at {n:,} claims while {CLIENTS} clients file reports "
        f"(a quiet replay took {quiet['seconds']:.1f} s)")
    bodies = b3_ingest.bodies(ref, n=400, seed=7)
    samples: list[tuple[float, float, int]] = []
    stop = threading.Event()
    with Server(live, workers=2 if backend == "sqlite" else 4, name=f"b4-live-{backend}") as server:
        threads = _clients(server.base, bodies, token, stop, samples)
        time.sleep(2)
        began = time.monotonic()
        _cli(live, "replay")
        ended = time.monotonic()
        time.sleep(2)
        stop.set()
        for t in threads:
            t.join(120)
    digest_after = _cli(live, "digest")
    digest_quiet = _cli(live, "replay")
    during = sorted(d for s, d, _ in samples if s + d >= began and s <= ended)
    failed = sum(1 for _, _, status in samples if status != 201)
    p99 = during[int(0.99 * (len(during) - 1))] if during else float("nan")
    results.add(f"B4 {backend}: replay at {n:,} claims while {CLIENTS} clients file: failed writes",
                f"{failed} of {len(samples)} ({len(during)} during the {ended - began:.1f} s "
                f"replay)", "0", failed == 0)
    results.add(f"B4 {backend}: write p99 during the replay",
                f"{p99 * 1000:.0f} ms (max {during[-1] * 1000 if during else 0:.0f} ms)",
                "<= 1 s", p99 <= 1.0)
    results.add(f"B4 {backend}: digest after the live replay = a quiet replay's",
                "equal" if digest_after == digest_quiet else "DIFFERENT", "equal",
                digest_after == digest_quiet)
    if read_rate is None:
        from .b4_replay import measure

        read_rate = measure(live, "read")["rate"]
    ratio = quiet["rate"] / read_rate
    results.add(f"B4 {backend}: replay beside (bulk build) rate / read+decode rate at "
                f"{n:,} claims", f"{ratio:.0%} ({quiet['rate']:,.0f} / {read_rate:,.0f} "
                "events/s)", ">= 15%" if backend == "sqlite" else "info",
                ratio >= 0.15 if backend == "sqlite" else None)
    if backend == "postgres":  # against the one-transaction rebuild of before (no COPY)
        from .b4_replay import measure

        old = measure(live, "rebuild")["rate"]
        results.add(f"B4 {backend}: replay beside with COPY / the one-transaction rebuild, "
                    f"{n:,} claims", f"{quiet['rate'] / old:.1f}x ({quiet['rate']:,.0f} / "
                    f"{old:,.0f} events/s)", ">= 2x", quiet["rate"] >= 2 * old)
        floor = json.loads(subprocess.run(
            [PYTHON, "-m", "bench.b4_live", live, "floor"], cwd=PROJECT, capture_output=True,
            text=True, check=True, timeout=7200).stdout.strip().splitlines()[-1])
        results.add(f"B4 {backend}: floor, the COPY replay with its rows handed in (no staging) / "
                    f"the one-transaction rebuild, {n:,} claims",
                    f"{floor['rate'] / old:.1f}x ({floor['rate']:,.0f} / {old:,.0f} events/s)",
                    "info (the writer's part alone, COPY included)", None)
        _clone(live, drop=True)


def _quiet(url: str, floor: bool = False) -> dict[str, Any]:
    """A quiet replay beside: its events, seconds and rate. `floor`: the replay is run once as
    it is, keeping the rows each stretch staged, then timed with those rows handed back (the
    log still read, no staging): the writer's part alone, COPY included; the read model it
    writes must have the first replay's digest."""
    from timeline.application import TimelineApplication
    from timeline.readmodel import replay

    app = TimelineApplication(url)
    real = replay.stage
    try:
        if floor:
            kept: dict[Any, Any] = {}

            def keeping(events: Any) -> Any:
                events = list(events)
                kept[events[0][0]] = rows = real(events)
                return rows

            replay.stage = keeping  # type: ignore[assignment]
            first = replay.Rebuild(app)
            first.in_child = False  # staged here, where `keeping` sees the rows
            first.run()
            expected = app.digest()
            replay.stage = lambda events: kept[next(iter(events))[0]]  # type: ignore[assignment]
        started = time.perf_counter()
        rebuild = replay.Rebuild(app)
        rebuild.in_child = not floor  # the floor's rows are handed in here, not staged
        events = rebuild.run()
        seconds = time.perf_counter() - started
        if floor and app.digest() != expected:
            raise RuntimeError("the replay with rows handed back wrote another read model")
    finally:
        replay.stage = real  # type: ignore[assignment]
        app.close()
    return {"events": events, "seconds": seconds, "rate": events / seconds}


if __name__ == "__main__":
    print(json.dumps(_quiet(sys.argv[1], floor=sys.argv[2:] == ["floor"])))
