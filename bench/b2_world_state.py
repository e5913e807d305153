"""B2: the whole world (`GET /state`: every city, faction and leader) at the largest history
costs a small multiple of a request that does nothing (`GET /healthz`), both over HTTP under
`timeline serve`, one client, interleaved in the same run."""

from __future__ import annotations

from typing import Any

from . import load
from .b1_city_state import _z, points
from .common import log, p50s_beside_healthz
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
