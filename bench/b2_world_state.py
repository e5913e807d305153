"""B2: the whole world (`GET /state`: every city, faction and leader) at the largest history
costs a small multiple of a request that does nothing (`GET /healthz`), both over HTTP under
`timeline serve`, one client, interleaved in the same run; issue 18's target is the same ratio
at a random past point of view (`at`, `known_at`).

A last step (`floor`) measures, in-process at the same random points, what any answer must cost
there with these tables: each subject's winner (one seek of its latest counted instant and that
instant's rows; for places also the latest clash: the controller and the status alone), plus
encoding the document; against the service's own `state_json` at those points. Added to the HTTP
cost of a /state answer that computes nothing (the kept view of "now"), it bounds the ratio.

    python -m bench.b2_world_state URL   -> the floor, one JSON line
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from . import load
from .b1_city_state import _z, points
from .common import PROJECT, PYTHON, log, p50s_beside_healthz
from .server import Server


def run(results: Any, url: str, size: int, seconds: float, backend: str = "sqlite") -> None:
    log(f"B2 {backend}: GET /state vs GET /healthz at {size:,} claims, one client")
    with Server(url, name=f"b2-{backend}") as server:
        now = {"path": "/state"}
        random_points = [{"path": f"/state?at={_z(at)}&known_at={_z(known)}"}
                         for _, at, known in points(["-"], 500, seed=21)]
        load.run(server.base, [now], 1, 1, name="b2-warm")
        f = p50s_beside_healthz(server.base, "state", now, random_points, seconds, "b2", "B2")
        size_bytes = len(server.get("/state"))
    ratio = f["state"] / f["healthz"]
    random_ratio = f["state_random"] / f["healthz"]  # issue 18's B2: a random past point of view
    results.add(f"B2 {backend}: GET /state p50 / GET /healthz p50 at {size:,} claims",
                f"{ratio:.1f} ({f['state']:.2f} / {f['healthz']:.2f} ms)", "<= 5",
                ratio <= 5, **f, state_bytes=size_bytes)
    results.add(f"B2 {backend}: GET /state at random past (at, known_at) p50 / GET /healthz p50",
                f"{random_ratio:.1f} ({f['state_random']:.2f} / {f['healthz']:.2f} ms)", "<= 5",
                random_ratio <= 5)
    floor(results, url, backend, f)


# ---- the floor: the least a random past point of view costs ----------------------------------

def floor(results: Any, url: str, backend: str, http: dict[str, float]) -> None:
    """The floor child's in-process figures, and the ratio they allow over HTTP: GET /state of
    a kept view (HTTP, the flask answer of ~100 kB, no query) plus the floor's work."""
    out = subprocess.run([PYTHON, "-m", "bench.b2_world_state", url], cwd=PROJECT,
                         capture_output=True, text=True, check=True, timeout=900)
    f = json.loads(out.stdout.strip().splitlines()[-1])
    bound = (http["state"] + f["floor_ms"]) / http["healthz"]
    results.add(f"B2 {backend}: floor, in-process winners per subject + encoding at random past "
                "points; the ratio it allows",
                f"{bound:.1f} (floor {f['floor_ms']:.2f} ms: winners {f['winners_ms']:.2f} + "
                f"encoding {f['encode_ms']:.2f}; state_json there {f['state_ms']:.2f} ms, "
                f"{f['state_ms'] / f['floor_ms']:.1f}x the floor; + GET /state of a kept view "
                f"{http['state']:.2f} ms)", "info", None, floor=f, bound=bound)


def _winners_sql(kind: str) -> str:
    """Each subject's latest counted instant's rows (the seek of queries._newest, the same as a
    single city's answer starts with), and for places the latest counted clash after it."""
    from timeline.readmodel.queries import _newest, counted, effective

    clash = (_newest("{a}.occurred_at || '|' || {a}.claim_id", "'clash'", "m.subject", "m.o", "c")
             if kind == "control" else "NULL")
    return f"""
WITH m AS MATERIALIZED (
    SELECT s.subject, {_newest('occurred_at', f"'{kind}'", 's.subject', None, 'n')} AS o
    FROM tl_subjects s WHERE s.kind = '{kind}')
SELECT m.subject, e.claim_id, e.occurred_at, e.value, e.detail, e.position, e.origin,
    {effective('e')} AS eff, {clash} AS clash
FROM m JOIN tl_effects e ON e.kind = '{kind}' AND e.subject = m.subject AND e.occurred_at = m.o
WHERE {counted('e')} AND {effective('e')} >= :min"""


def _floor_child(url: str, n: int = 100, rounds: int = 3) -> dict[str, Any]:
    """p50s over `n` random points (B2's own), the best of `rounds` rounds: the winners' statements
    (rows as sequences, the winner per subject picked in Python), encoding the answer's document
    (json.dumps, as the service), point() + state_json()."""
    from timeline.application import TimelineApplication

    app = TimelineApplication(url)
    q = app.queries
    rm = q.rm
    try:
        sql = {kind: _winners_sql(kind) for kind in ("control", "status")}
        pts = [q.point(at=at, known_at=known) for _, at, known in points(["-"], n, seed=21)]
        docs = [q.state(p) for p in pts]  # also warms the caches, as a running service's are

        def winners(p: Any) -> None:
            with rm.reading() as cursor:
                hi = min(p.at, rm.horizon(cursor, p.k))
                for kind in sql:
                    best: dict[str, Any] = {}
                    for r in rm.rows(sql[kind], {"at": p.at, "hi": hi, "k": p.k,
                                                 "min": p.min_rank, "pb": p.pb}, cursor):
                        b = best.get(r[0])
                        if b is None or (r[7], r[5], r[1]) > (b[7], b[5], b[1]):
                            best[r[0]] = r

        figures: dict[str, list[float]] = {"winners_ms": [], "encode_ms": [], "state_ms": []}
        for _ in range(rounds):
            times: dict[str, list[float]] = {k: [] for k in figures}
            for p, doc in zip(pts, docs, strict=True):
                t0 = time.perf_counter()
                winners(p)
                t1 = time.perf_counter()
                json.dumps(doc)
                t2 = time.perf_counter()
                q.state_json(q.point(at=_parse(p.at), known_at=p.k), json.dumps)
                t3 = time.perf_counter()
                times["winners_ms"].append((t1 - t0) * 1000)
                times["encode_ms"].append((t2 - t1) * 1000)
                times["state_ms"].append((t3 - t2) * 1000)
            for k, v in times.items():
                figures[k].append(sorted(v)[len(v) // 2])
    finally:
        app.close()
    out = {k: min(v) for k, v in figures.items()}
    out["floor_ms"] = out["winners_ms"] + out["encode_ms"]
    out["points"] = n
    return out


def _parse(stored: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(stored.replace("Z", "+00:00"))


if __name__ == "__main__":
    print(json.dumps(_floor_child(sys.argv[1])))
