"""B1: the state of one city at a random (`at`, `known_at`) costs the same whatever the length
of history, and so does it with a random `published_by` too (API.md v2). Stores of different sizes are measured side by side, interleaved, so that the
machine's noise hits them alike: in-process (point() + city_state(), what a request runs) and
over HTTP under `timeline serve` (one client, so latency is not queueing)."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from typing import Any

from . import load, synth
from .common import equal_size_ratio, log, median_round, p50
from .server import Server


def points(places: list[str], n: int, seed: int = 11) -> list[tuple[str, datetime, datetime]]:
    """(city, at, known_at): valid time anywhere in the year (and the weeks before it), record
    time anywhere in the year of records; independent, so `at` is as often after `known_at`."""
    rng = random.Random(seed)
    year = synth.YEAR.total_seconds()
    out = []
    for _ in range(n):
        at = synth.RECORD_START + timedelta(seconds=rng.uniform(-21 * 86400, year))
        known = synth.RECORD_START + timedelta(seconds=rng.uniform(0, year))
        out.append((rng.choice(places), at, known))
    return out


def _z(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def published(n: int, seed: int) -> list[datetime]:
    """published_by values anywhere in the year of records (API.md v2, the third clock)."""
    rng = random.Random(seed)
    return [synth.RECORD_START + timedelta(seconds=rng.uniform(0, synth.YEAR.total_seconds()))
            for _ in range(n)]


def in_process(urls: dict[int, str], n: int, warm: int, with_published_by: bool = False
               ) -> dict[int, dict[str, float]]:
    """p50 of point() + city_state(): first over `n` points on freshly opened stores (pages
    touched for the first time: "cold"), then, after `warm` other points, over `n` new ones
    in three rounds (a service that has been running: "warm"; the round with the median
    ratio is kept, so that a burst of other load on the shared machine counts once)."""
    from timeline.application import TimelineApplication

    apps = {size: TimelineApplication(url) for size, url in urls.items()}
    try:
        places = synth.reference_of(next(iter(apps.values())))["places"]
        out: dict[int, dict[str, float]] = {size: {} for size in apps}
        rounds = []
        evidence: dict[int, list[int]] = {size: [] for size in apps}
        sized: dict[int, list[tuple[int, float]]] = {size: [] for size in apps}
        for phase, todo in (("cold", points(places, n, seed=10)),
                            ("warm-up", points(places, warm, seed=99)),
                            ("warm", points(places, n, seed=11)),
                            ("warm", points(places, n, seed=12)),
                            ("warm", points(places, n, seed=13))):
            times: dict[int, list[float]] = {size: [] for size in apps}
            bys = published(len(todo), seed=len(todo)) if with_published_by else [None] * len(todo)
            for (city, at, known), by in zip(todo, bys, strict=True):
                for size, app in apps.items():
                    started = time.perf_counter()
                    q = app.queries
                    answer = q.city_state(city, q.point(at=at, known_at=known, published_by=by))
                    times[size].append(time.perf_counter() - started)
                    if phase == "warm":  # the answer's size: its evidence grows with density
                        evidence[size].append(len(answer.get("evidence") or []))
                        sized[size].append((evidence[size][-1], times[size][-1]))
            if phase == "cold":
                for size, t in times.items():
                    out[size]["cold_p50_us"] = p50(t) * 1e6
            elif phase == "warm":
                rounds.append({size: p50(t) * 1e6 for size, t in times.items()})
        median = median_round(rounds, apps)
        for size in apps:
            out[size]["warm_p50_us"] = median[size]
            out[size]["rounds_p50_us"] = [r[size] for r in rounds]
            out[size]["evidence_mean"] = sum(evidence[size]) / max(1, len(evidence[size]))
            out[size]["sized"] = sized[size]
        return out
    finally:
        for app in apps.values():
            app.close()


def http_requests(places: list[str], n: int, seed: int = 12) -> list[dict[str, Any]]:
    return [{"path": f"/cities/{city}/state?at={_z(at)}&known_at={_z(known)}"}
            for city, at, known in points(places, n, seed=seed)]


def over_http(urls: dict[int, str], seconds: float, rounds: int, workers: int = 2,
              label: str = "sqlite") -> dict[int, dict[str, float]]:
    from timeline.application import TimelineApplication

    app = TimelineApplication(next(iter(urls.values())))
    places = synth.reference_of(app)["places"]
    app.close()
    requests = http_requests(places, 2000)
    servers = {size: Server(url, workers=workers, name=f"b1-{label}-{size}")
               for size, url in urls.items()}
    p50s: dict[int, list[float]] = {size: [] for size in urls}
    rps: dict[int, list[float]] = {size: [] for size in urls}
    try:
        warm_up = http_requests(places, 2000, seed=98)
        for server in servers.values():
            server.__enter__()
            # As long as the measurement: the first touch of each page is the costly one
            # (PostgreSQL reads it into its buffers), and a running service has done it.
            load.run(server.base, warm_up, 2, max(3.0, seconds), name="b1-warm")
        for _ in range(rounds):
            for size, server in servers.items():
                r = load.run(server.base, requests, 1, seconds / rounds, name=f"b1-{label}")
                if r["errors"]:
                    raise RuntimeError(f"B1 over HTTP: {r['errors']} failed requests")
                p50s[size].append(r["p50_ms"])
                rps[size].append(r["rps"])
    finally:
        for server in servers.values():
            if server.proc is not None:
                server.__exit__()
    return {size: {"p50_ms": p50(p50s[size]), "rps": p50(rps[size])} for size in urls}


def run(results: Any, urls: dict[int, str], n_inproc: int, http_seconds: float,
        backend: str = "sqlite", workers: int = 2) -> None:
    small, large = min(urls), max(urls)
    pair = {small: urls[small], large: urls[large]}
    tag = f"B1 {backend}"
    if n_inproc:
        log(f"{tag}: city state in-process, {n_inproc} points per store, interleaved")
        r = in_process(pair, n_inproc, warm=2 * n_inproc)
        sized = {size: r[size].pop("sized") for size in r}
        ratio = r[large]["warm_p50_us"] / r[small]["warm_p50_us"]
        results.add(f"{tag} in-process: p50 {large:,} / {small:,} claims",
                    f"{ratio:.2f} ({r[large]['warm_p50_us']:.0f} / "
                    f"{r[small]['warm_p50_us']:.0f} us)",
                    "<= 1.2", ratio <= 1.2, **{str(k): v for k, v in r.items()})
        e_small, e_large = r[small]["evidence_mean"], r[large]["evidence_mean"]
        results.add(f"{tag}: evidence items per answer, {large:,} / {small:,} claims",
                    f"{e_large / max(e_small, 1e-9):.2f} ({e_large:.1f} / {e_small:.1f})",
                    "info (the same places and year hold 100x the claims: a stretch has more "
                    "evidence to gather)", None)
        same, share = equal_size_ratio(sized[small], sized[large])
        results.add(f"{tag} in-process at equal evidence: p50 {large:,} / {small:,} claims",
                    f"{same:.2f} (answers of the same evidence count; {share:.0%} of the "
                    f"{large:,} store's answers)",
                    "info (the history's length alone)", None)
        cold = r[large]["cold_p50_us"] / r[small]["cold_p50_us"]
        results.add(f"{tag} in-process, pages touched first time (cold)",
                    f"{cold:.2f} ({r[large]['cold_p50_us']:.0f} / {r[small]['cold_p50_us']:.0f} us)",
                    "info", None)
        log(f"{tag}: city state in-process with published_by, {n_inproc} points per store")
        r = in_process(pair, n_inproc, warm=2 * n_inproc, with_published_by=True)
        for size in r:
            r[size].pop("sized")
        ratio = r[large]["warm_p50_us"] / r[small]["warm_p50_us"]
        results.add(f"{tag} in-process with published_by: p50 {large:,} / {small:,} claims",
                    f"{ratio:.2f} ({r[large]['warm_p50_us']:.0f} / "
                    f"{r[small]['warm_p50_us']:.0f} us)",
                    "<= 1.2", ratio <= 1.2, **{str(k): v for k, v in r.items()})
    log(f"{tag}: city state over HTTP (timeline serve --workers {workers}), one client")
    h = over_http(pair, http_seconds, rounds=3, workers=workers, label=backend)
    ratio = h[large]["p50_ms"] / h[small]["p50_ms"]
    results.add(f"{tag} HTTP: p50 {large:,} / {small:,} claims",
                f"{ratio:.2f} ({h[large]['p50_ms']:.2f} / {h[small]['p50_ms']:.2f} ms)",
                "<= 1.2", ratio <= 1.2, **{str(k): v for k, v in h.items()})
