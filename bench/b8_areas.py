"""B8: the areas of control (`GET /areas.geojson`: Voronoi cells clipped to the land, merged per
controller) at the largest history, for a view already computed (the page asks for it at every
step), against a request that does nothing (`GET /healthz`), one client, interleaved; and the
first, uncached answer of a fresh server (state, cells, clipping and unions all computed)."""

from __future__ import annotations

import time
from typing import Any

from . import load
from .b1_city_state import _z, points
from .common import log, p50s_beside_healthz
from .server import Server


def run(results: Any, url: str, size: int, seconds: float, backend: str = "sqlite") -> None:
    log(f"B8 {backend}: GET /areas.geojson vs GET /healthz at {size:,} claims, one client")
    with Server(url, name=f"b6-{backend}") as server:
        started = time.perf_counter()
        body = server.get("/areas.geojson")  # the first answer of this worker: nothing cached
        first_ms = (time.perf_counter() - started) * 1000
        now = {"path": "/areas.geojson"}
        random_points = [{"path": f"/areas.geojson?at={_z(at)}&known_at={_z(known)}"}
                         for _, at, known in points(["-"], 200, seed=26)]
        load.run(server.base, [now], 1, 1, name="b6-warm")  # every worker computes it once
        f = p50s_beside_healthz(server.base, "areas", now, random_points, seconds, "b6", "B8")
    ratio = f["areas"] / f["healthz"]
    results.add(f"B8 {backend}: GET /areas.geojson p50 (view cached) / GET /healthz p50 at {size:,} claims",
                f"{ratio:.1f} ({f['areas']:.2f} / {f['healthz']:.2f} ms)", "<= 10",
                ratio <= 10, **f, areas_bytes=len(body))
    results.add(f"B8 {backend}: GET /areas.geojson, first answer of a fresh server",
                f"{first_ms:.0f} ms", "info", None, first_ms=first_ms)
    results.add(f"B8 {backend}: GET /areas.geojson at random (at, known_at), p50",
                f"{f['areas_random']:.2f} ms ({f['areas_random'] / f['healthz']:.1f} x healthz)",
                "info", None)
