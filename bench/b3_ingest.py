"""B3: ingest. 8 concurrent clients POST reports of 3 claims for a fixed time against
`timeline serve` (SQLite: durable commits, synchronous FULL), against a baseline app that only
parses the same JSON and answers 201 under the same gunicorn settings, interleaved.

The service runs with its per-token write limiter on, as in production, at a limit no round
reaches (`RATE_LIMIT`; the default 10000/minute per worker would trip within seconds of 8 clients
sharing one token): the figure includes what each write pays to be counted.

Each round also counts the CPU time the server processes used (user + system, per request), and
a last step (`floor`) measures `file_report` in-process with no HTTP at all: what the service
must spend on a report beyond what the baseline spends on a whole request. On PostgreSQL the
database server's own CPU is in neither figure, so there the ceiling is a generous one.

The batch row has its floor too (`batch_floor`): `file_reports` of BATCH reports in-process from
as many threads, against the in-process `file_report` rate: the batch ratio with no HTTP at all.

    python -m bench.b3_ingest URL CLIENTS [BATCH]   -> the floor, one JSON line"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from . import load, synth
from .common import PROJECT, PYTHON, STORES, log, p50, reference_and_token
from .server import Server

RATE_LIMIT = "100000000 per minute"


def bodies(ref: dict[str, list[str]], n: int = 500, seed: int = 31) -> list[str]:
    rng = random.Random(seed)
    out = []
    # A minute apart, ending before now: a report published in the future is refused (API.md
    # v2, Time sanity), so they end at the synthetic year's end or now, whichever is earlier.
    last = min(synth.RECORD_START + synth.YEAR, datetime.now(timezone.utc) - timedelta(minutes=1))
    for i in range(n):
        published = last - timedelta(minutes=n - 1 - i)
        occurred = published - timedelta(hours=rng.uniform(0.1, 72))
        t = occurred.strftime("%Y-%m-%dT%H:%M:%SZ")
        city = rng.choice(ref["places"])
        a, b = rng.sample(ref["factions"], 2)
        out.append(json.dumps({
            "source": {"name": "Bench wire", "kind": "news"},
            "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "headline": f"Fighting around {city}",
            "claims": [
                {"type": "control", "city": city, "faction": a, "occurred_at": t,
                 "confidence": "reported", "summary": f"{a} took {city}"},
                {"type": "clash", "city": city, "factions": [a, b], "occurred_at": t},
                {"type": "leader_status", "leader": rng.choice(ref["leaders"]),
                 "status": rng.choice(["active", "abroad", "whereabouts_unknown"]),
                 "occurred_at": t, "confidence": "unconfirmed"},
            ]}))
    return out


def template(backend: str, pg: str | None) -> tuple[str, dict[str, list[str]]]:
    """A store with the reference data only (copied per run on SQLite)."""
    from timeline.application import TimelineApplication

    if backend == "sqlite":
        base = STORES / "sqlite-reference.db"
        if not base.exists():
            app = TimelineApplication(f"sqlite:///{base}")
            synth.ensure_reference(app)
            app.close()
        target = STORES / "sqlite-ingest.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(base, target)
        url = f"sqlite:///{target}"
    else:
        from .common import drop_schema, ensure_database

        assert pg
        ensure_database(pg)
        drop_schema(pg, "bench_ingest")
        url = f"{pg}?schema=bench_ingest"
    ref, token = reference_and_token(url, "bench", synth.ensure_reference)
    return url, {**ref, "token": [token]}


def run(results: Any, seconds: float, backend: str = "sqlite", workers: int = 2,
        pg: str | None = None, clients: int = 8) -> None:
    url, ref = template(backend, pg)
    token = ref["token"][0]
    reqs = [{"method": "POST", "path": "/reports", "body": b,
             "headers": {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}}
            for b in bodies(ref)]
    log(f"B3 {backend}: {clients} clients POST /reports (3 claims) vs the baseline app, "
        f"{seconds:.0f} s each, workers={workers}")
    rounds = 2
    figures: dict[str, list[dict[str, Any]]] = {"service": [], "baseline": []}
    with Server(url, workers=workers, name=f"b3-{backend}",
                env={"TIMELINE_RATE_LIMIT": RATE_LIMIT}) as service, \
            Server(None, workers=workers, app="bench.baseline:create_app()",
                   name=f"b3-baseline-{backend}") as baseline:
        load.run(service.base, reqs[:20], 2, 1, name="b3-warm")
        load.run(baseline.base, reqs[:20], 2, 1, name="b3-warm")
        for _ in range(rounds):
            for key, server in (("baseline", baseline), ("service", service)):
                cpu = server.cpu_seconds()
                r = load.run(server.base, reqs, clients, seconds / rounds, name=f"b3-{key}")
                if r["errors"]:
                    raise RuntimeError(f"B3 {key}: {r['errors']} failed requests")
                r["cpu_us"] = (server.cpu_seconds() - cpu) / r["requests"] * 1e6
                figures[key].append(r)
        batched = batch_rounds(service, ref, token, clients, seconds, rounds)
        head = json.loads(service.get("/readyz"))
    s = {k: p50([r[k] for r in figures["service"]]) for k in ("rps", "p50_ms", "p99_ms", "cpu_us")}
    b = {k: p50([r[k] for r in figures["baseline"]]) for k in ("rps", "p50_ms", "p99_ms", "cpu_us")}
    ratio = s["rps"] / b["rps"]
    results.add(f"B3 {backend}: POST /reports throughput / baseline ({clients} clients)",
                f"{ratio:.0%} ({s['rps']:.0f} / {b['rps']:.0f} req/s)",
                "info (>= 50% withdrawn by issue 18: see the floor row)", None,
                service=s, baseline=b, readyz=head)
    results.add(f"B3 {backend}: POST /reports latency p50 / p99",
                f"{s['p50_ms']:.1f} / {s['p99_ms']:.1f} ms (baseline {b['p50_ms']:.1f} / "
                f"{b['p99_ms']:.1f})", "reported", None)
    ceiling, in_process = floor(results, url, backend, s, b, clients)
    # The ceiling above assumes both sides CPU-bound; the in-process rate is what file_report
    # alone reached from the same number of threads (durable group commits, no HTTP at all).
    results.add(f"B3 {backend}: single POST /reports / in-process file_report rate "
                f"({clients} threads, no HTTP)",
                f"{s['rps'] / in_process['rate']:.0%} ({s['rps']:.0f} / "
                f"{in_process['rate']:.0f} reports/s)", "info", None)
    results.add(f"B3 {backend}: single POST /reports / its floor (baseline x ceiling)",
                f"{ratio / ceiling:.0%} ({ratio:.0%} of the baseline; the floor allows "
                f"{ceiling:.0%})", ">= 80%", ratio / ceiling >= 0.8)
    per_s = batched["reports_per_s"]
    batch_floor(results, url, backend, clients, in_process)
    results.add(f"B3 {backend}: POST /reports/batch of {BATCH} / single POST /reports, reports/s "
                f"({clients} clients)",
                f"{per_s / s['rps']:.1f}x ({per_s:.0f} / {s['rps']:.0f} reports/s; batch p50 "
                f"{batched['p50_ms']:.0f} ms, p99 {batched['p99_ms']:.0f} ms)", ">= 5x",
                per_s >= 5 * s["rps"], batch=batched)


# ---- the floor: what a report costs with no HTTP at all ------------------------------------------

def floor(results: Any, url: str, backend: str, service: dict[str, float],
          baseline: dict[str, float], clients: int) -> tuple[float, dict[str, Any]]:
    """`file_report` in-process from `clients` threads (durable group commits, no HTTP): its CPU
    per report, against the baseline server's CPU per request. The service's request does the
    baseline's work (HTTP, JSON) and a file_report, so, both CPU-bound, its throughput can be at
    most baseline x base / (base + file_report), and a little more if it used the cores that the
    baseline left idle (`ceiling`)."""
    out = subprocess.run([PYTHON, "-m", "bench.b3_ingest", url, str(clients)], cwd=PROJECT,
                         capture_output=True, text=True, check=True, timeout=600)
    f = json.loads(out.stdout.strip().splitlines()[-1])
    base = baseline["cpu_us"]
    cores = os.cpu_count() or 1
    used = baseline["rps"] * base / 1e6  # cores the baseline server kept busy
    ceiling = base / (base + f["cpu_us"]) * max(1.0, cores / used)
    results.add(f"B3 {backend}: floor, in-process file_report (no HTTP) CPU / baseline request CPU",
                f"{f['cpu_us']:.0f} / {base:.0f} us ({f['user_us']:.0f} user + {f['sys_us']:.0f} "
                f"system; {f['rate']:.0f} reports/s, {f['per_commit']:.1f} a commit); the service's "
                f"request {service['cpu_us']:.0f} us. B3 can reach at most "
                f"{ceiling:.0%}", "info", None, floor=f, ceiling=ceiling)
    return ceiling, f


# ---- batches: POST /reports/batch ---------------------------------------------------------------

BATCH = 100


def batch_rounds(service: Any, ref: dict[str, list[str]], token: str, clients: int,
                 seconds: float, rounds: int) -> dict[str, float]:
    """`clients` clients POST batches of BATCH reports (the same reports as the single POSTs) to
    the same server, right after its single-report rounds: reports/s and request latency."""
    texts = bodies(ref)
    reqs = [{"method": "POST", "path": "/reports/batch",
             "body": '{"reports": [' + ", ".join(texts[i:i + BATCH]) + "]}",
             "headers": {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}}
            for i in range(0, len(texts) - BATCH + 1, BATCH)]
    load.run(service.base, reqs[:2], 2, 1, name="b3-batch-warm")
    figures = []
    for _ in range(rounds):
        r = load.run(service.base, reqs, clients, seconds / rounds, name="b3-batch")
        if r["errors"]:
            raise RuntimeError(f"B3 batch: {r['errors']} failed requests")
        figures.append(r)
    out = {k: p50([r[k] for r in figures]) for k in ("rps", "p50_ms", "p99_ms")}
    out["reports_per_s"] = out["rps"] * BATCH
    return out


def batch_floor(results: Any, url: str, backend: str, clients: int,
                single: dict[str, Any]) -> dict[str, Any]:
    """The batch ratio with no HTTP: `file_reports` of BATCH reports from `clients` threads in one
    process (durable group commits), against the in-process `file_report` rate that `floor`
    measured on the same store. A missed batch target reads against it: what the application
    and the store reach without any HTTP. Not a strict bound: the service's two worker
    processes can prepare in one while the other commits."""
    out = subprocess.run([PYTHON, "-m", "bench.b3_ingest", url, str(clients), str(BATCH)],
                         cwd=PROJECT, capture_output=True, text=True, check=True, timeout=600)
    f = json.loads(out.stdout.strip().splitlines()[-1])
    results.add(f"B3 {backend}: floor of the batch ratio, in-process file_reports of {BATCH} / "
                f"file_report, reports/s ({clients} threads, no HTTP)",
                f"{f['rate'] / single['rate']:.1f}x ({f['rate']:.0f} / {single['rate']:.0f} "
                f"reports/s; {f['cpu_us']:.0f} us CPU a report, {f['per_commit']:.0f} reports a "
                f"commit, a commit under way {f['held']:.0%} of the time)", "info", None,
                batch_floor=f)
    return f


def _floor_child(url: str, clients: int, batch: int = 0, seconds: float = 6.0) -> dict[str, Any]:
    """`file_report` (or, with `batch`, `file_reports` of that many) from `clients` threads."""
    from timeline.application import TimelineApplication
    from timeline.batch import file_reports

    app = TimelineApplication(url)
    try:
        # another seed for batches: the reports differ from those the single floor filed
        texts = bodies(synth.reference_of(app), n=20_000, seed=98 if batch else 97)
        payloads = iter(json.loads(t) for t in texts)
        for _ in range(20):  # caches, as the servers' warm-up
            app.file_report(next(payloads))
        if batch:
            file_reports(app, [next(payloads) for _ in range(batch)])
        commits: list[int] = []  # events per commit: one per report
        app.on_saved.append(commits.append)
        held = _time_commits(app)
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def client() -> None:
            while time.monotonic() < deadline:
                with lock:
                    taken = [p for _, p in zip(range(batch or 1), payloads, strict=False)]
                if len(taken) < (batch or 1):
                    return
                if batch:
                    file_reports(app, taken)
                else:
                    app.file_report(taken[0])

        threads = [threading.Thread(target=client) for _ in range(clients)]
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
    finally:
        app.close()
    reports = sum(commits)
    user = (after.ru_utime - before.ru_utime) / reports * 1e6
    system = (after.ru_stime - before.ru_stime) / reports * 1e6
    return {"reports": reports, "rate": reports / wall, "user_us": user, "sys_us": system,
            "cpu_us": user + system, "per_commit": reports / len(commits),
            "held": sum(held) / wall}


def _time_commits(app: Any) -> list[float]:
    """Seconds each group commit took once this process could write (its turn on the writers'
    lock taken: the INSERTs, the COMMIT and its fsync), appended to the list returned."""
    held: list[float] = []
    save = app._save_batch

    def timed(jobs: Any) -> None:
        started = time.perf_counter()
        try:
            save(jobs)
        finally:
            held.append(time.perf_counter() - started)

    app._save_batch = timed
    return held


if __name__ == "__main__":
    print(json.dumps(_floor_child(sys.argv[1], int(sys.argv[2]),
                                  int(sys.argv[3]) if len(sys.argv) > 3 else 0)))
