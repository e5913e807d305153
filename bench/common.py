"""Shared pieces of the bench: cached synthetic stores, timing helpers, results."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
PROJECT = ROOT.parent
RESULTS = ROOT / "results"
STORES = RESULTS / "stores"
PYTHON = sys.executable
PG_DEFAULT = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/bench")


def log(*parts: Any) -> None:
    print("  ..", *parts, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    i = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[i]


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def store_url(backend: str, n: int, pg: str = PG_DEFAULT) -> str:
    if backend == "sqlite":
        return f"sqlite:///{STORES}/sqlite-{n}.db"
    return f"{pg}?schema=bench_{n}"


def ensure_database(pg: str) -> None:
    """Creates the bench database on the PostgreSQL server if it is missing."""
    import psycopg
    from urllib.parse import urlparse

    parsed = urlparse(pg)
    name = parsed.path.lstrip("/") or "bench"
    admin = pg.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_schema(pg: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(pg, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def ensure_store(backend: str, n: int, pg: str = PG_DEFAULT) -> str:
    """A store holding the synthetic history of n claims: cached, built if missing or stale.
    Building runs in a child process so that the parent's memory stays that of the bench."""
    from . import synth

    STORES.mkdir(parents=True, exist_ok=True)
    url = store_url(backend, n, pg)
    marker = synth.marker_path(STORES, backend, n)
    data = synth.read_marker(marker)
    if data is not None and _head(url) == data.get("head"):
        if backend == "postgres" and not data.get("vacuumed"):
            vacuum(pg, f"bench_{n}")
            marker.write_text(json.dumps(dict(data, vacuumed=True)))
        return url
    log(f"building the {backend} store of {n:,} claims (cached for later runs)")
    partial = marker.with_suffix(".partial")
    resumable = synth.read_marker(partial) is not None and data is None
    if backend == "postgres":
        ensure_database(pg)
    if not resumable:  # start afresh; a load of this generator's version left half-way resumes
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{STORES}/sqlite-{n}.db{suffix}").unlink(missing_ok=True)
        else:
            drop_schema(pg, f"bench_{n}")
    marker.unlink(missing_ok=True)
    partial.write_text(json.dumps({"version": synth.GENERATOR_VERSION}))
    out = subprocess.run([PYTHON, "-m", "bench.synth", url, str(n)], cwd=PROJECT, check=True,
                         capture_output=True, text=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    if backend == "postgres":
        vacuum(pg, f"bench_{n}")
        info["vacuumed"] = True
    marker.write_text(json.dumps(info))
    partial.unlink(missing_ok=True)
    log(f"built in {info['seconds']} s: {info['claims']:,} claims in {info['reports']:,} reports")
    return url


def vacuum(pg: str, schema: str) -> None:
    """VACUUM ANALYZE the store's tables, as autovacuum would on a server that runs it (the
    test server here runs with autovacuum off): planner statistics, and visibility maps that
    let index-only scans skip the table."""
    import psycopg

    log(f"VACUUM ANALYZE schema {schema}")
    with psycopg.connect(pg, autocommit=True, connect_timeout=5) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()]
        for table in tables:
            conn.execute(f'VACUUM (ANALYZE) "{schema}"."{table}"')


def _head(url: str) -> int | None:
    """The log head of a store, None when it does not exist or cannot be read."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        if not path.exists():
            return None
        import sqlite3

        try:
            with sqlite3.connect(path) as conn:
                row = conn.execute("SELECT MAX(position) FROM tl_log").fetchone()
            return int(row[0]) if row and row[0] is not None else None
        except sqlite3.Error:
            return None
    try:
        import psycopg
        from urllib.parse import parse_qsl, urlparse

        schema = dict(parse_qsl(urlparse(url).query)).get("schema")
        with psycopg.connect(url.split("?")[0], connect_timeout=5) as conn:
            row = conn.execute(f'SELECT MAX(position) FROM "{schema}".tl_log').fetchone()
        return int(row[0]) if row and row[0] is not None else None
    except Exception:
        return None


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3

    return {"host": platform.node(), "cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                   time.gmtime())}


class Results:
    """Rows of the final table: scenario, figure, target, met."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.details: dict[str, Any] = {}

    def add(self, scenario: str, figure: str, target: str, met: bool | None,
            **detail: Any) -> None:
        row = {"scenario": scenario, "figure": figure, "target": target, "met": met}
        self.rows.append(row)
        if detail:
            self.details[scenario] = detail
        mark = "yes" if met else ("no" if met is not None else "-")
        log(f"{scenario}: {figure}  (target {target}: {mark})")

    def table(self) -> str:
        head = ("scenario", "figure", "target", "met")
        rows = [(r["scenario"], r["figure"], r["target"],
                 "yes" if r["met"] else ("NO" if r["met"] is not None else "-")) for r in self.rows]
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
                  for i, h in enumerate(head)]
        line = "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
        sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
                for r in rows]
        return "\n".join([line, sep, *body])

    def write(self, path: Path, extra: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**extra, "rows": self.rows, "details": self.details},
                                   indent=2, default=str))


def median_round(rounds: list[dict[Any, float]], sizes: Any) -> dict[Any, float]:
    """The round whose largest-to-smallest store ratio is the median one: a size comparison taken
    from one round, not from medians of different rounds. Sorts `rounds` in place by that ratio
    (the callers report them in that order)."""
    small, large = min(sizes), max(sizes)
    rounds.sort(key=lambda r: r[large] / r[small])
    return rounds[len(rounds) // 2]


def equal_size_ratio(small: list[tuple[Any, float]], large: list[tuple[Any, float]],
                     least: int = 10) -> tuple[float, float]:
    """(ratio, share): the large store's cost over the small one's for answers of the same size.
    Samples are (size key, seconds); per key held by at least `least` samples in both, the ratio
    of their p50s, averaged geometrically weighted by the smaller count; `share` is the part of
    the large store's samples those keys hold. What a history's length adds, with the answer's
    size (which grows with the synthetic history's density) held equal."""
    def by_key(samples: list[tuple[Any, float]]) -> dict[Any, list[float]]:
        out: dict[Any, list[float]] = {}
        for key, seconds in samples:
            out.setdefault(key, []).append(seconds)
        return out

    a, b = by_key(small), by_key(large)
    keys = [k for k in a if len(a[k]) >= least and len(b.get(k, ())) >= least]
    weights = {k: min(len(a[k]), len(b[k])) for k in keys}
    total = sum(weights.values())
    if not total:
        return float("nan"), 0.0
    log_ratio = sum(w * math.log(p50(b[k]) / p50(a[k])) for k, w in weights.items()) / total
    return math.exp(log_ratio), sum(len(b[k]) for k in keys) / max(1, len(large))


def reference_and_token(url: str, label: str, reference: Any) -> tuple[Any, str]:
    """`reference(app)` (the store's reference ids) and a new writer token labelled `label`,
    through an application opened on `url` and closed again."""
    from timeline.application import TimelineApplication

    app = TimelineApplication(url)
    try:
        return reference(app), app.create_token("writer", label)
    finally:
        app.close()


def p50s_beside_healthz(base: str, key: str, now: dict[str, str], random_points: list[Any],
                        seconds: float, name: str, label: str) -> dict[str, float]:
    """One client, interleaved: three rounds of `GET /healthz`, the request `now` (figure `key`)
    and the `random_points` requests (figure `key`_random), each run for seconds / 9; the median
    of each figure's three p50s (ms). `name` prefixes the load runs' names, `label` the error."""
    from . import load

    figures: dict[str, list[float]] = {key: [], "healthz": [], f"{key}_random": []}
    for _ in range(3):
        for figure, reqs in (("healthz", [{"path": "/healthz"}]), (key, [now]),
                             (f"{key}_random", random_points)):
            r = load.run(base, reqs, 1, seconds / 9, name=f"{name}-{figure}")
            if r["errors"]:
                raise RuntimeError(f"{label}: {r['errors']} failed requests on {figure}")
            figures[figure].append(r["p50_ms"])
    return {k: p50(v) for k, v in figures.items()}
