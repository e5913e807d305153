"""B4: rebuilding the read model from the log (`timeline replay`, without the digest) against
merely reading and decoding the same events; and the replay's peak memory at two sizes. Each
measurement runs in a fresh process, so that its peak RSS is its own.

    python -m bench.b4_replay URL read|rebuild|floor   -> one JSON line
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from .common import PROJECT, PYTHON, log


def _peak_rss_mb() -> float:
    """VmHWM: this process's peak RSS since its exec (ru_maxrss would carry the parent's)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(url: str, mode: str) -> dict[str, Any]:
    from timeline.application import TimelineApplication

    app = TimelineApplication(url)
    try:
        with _rows_handed_back(app) if mode == "floor" else contextlib.nullcontext():
            base_rss = _peak_rss_mb()
            started = time.perf_counter()
            if mode == "read":
                events = sum(1 for _ in app.iter_events())
            else:
                events = app.rebuild()
            seconds = time.perf_counter() - started
    finally:
        app.close()
    return {"events": events, "seconds": seconds, "rate": events / seconds,
            "maxrss_mb": _peak_rss_mb(), "start_rss_mb": base_rss}


@contextlib.contextmanager
def _rows_handed_back(app: Any) -> Iterator[None]:
    """The floor of a rebuild: `app.rebuild()` runs once as it is, keeping the rows it stages;
    within the block, a rebuild is handed those rows back instead of staging them, so it does
    only the writer's part: read the log, insert the rows, build the indexes, mark corrections.
    SQLite has one writer, so however the decoding and staging were done (another core, another
    language), a rebuild could not take less time than that, with these tables. The read
    model's digest after the block must be the one the first rebuild gave."""
    from timeline import application
    from timeline.readmodel.projection import stage

    kept: dict[int, Any] = {}

    def keeping(events: Any) -> Any:
        rows = stage(events)
        kept[rows.log[0][0]] = rows  # by the stretch's first position
        return rows

    def handing_back(events: Any) -> Any:
        return kept[next(iter(events))[0]]

    try:
        application.stage = keeping  # type: ignore[attr-defined]
        app.rebuild()
        expected = app.digest()
        application.stage = handing_back  # type: ignore[attr-defined]
        yield
    finally:
        application.stage = stage  # type: ignore[attr-defined]
    if app.digest() != expected:  # the timed rebuild wrote the same read model, every row
        raise RuntimeError("the rebuild with rows handed back wrote another read model")


def measure(url: str, mode: str) -> dict[str, Any]:
    out = subprocess.run([PYTHON, "-m", "bench.b4_replay", url, mode], cwd=PROJECT,
                         capture_output=True, text=True, check=False, timeout=3600)
    if out.returncode:
        raise RuntimeError(f"{mode} failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(results: Any, urls: dict[int, str], backend: str = "sqlite") -> None:
    small, large = min(urls), max(urls)
    log(f"B4 {backend}: read+decode vs rebuild at {large:,} claims, then rebuild at {small:,}")
    read = measure(urls[large], "read")
    rebuild = measure(urls[large], "rebuild")
    read2 = measure(urls[large], "read")  # the machine's drift, both sides of the rebuild
    read_rate = max(read["rate"], read2["rate"])
    ratio = rebuild["rate"] / read_rate
    results.add(f"B4 {backend}: rebuild rate / read+decode rate at {large:,} claims",
                f"{ratio:.0%} ({rebuild['rate']:,.0f} / {read_rate:,.0f} events/s, "
                f"{rebuild['events']:,} events)",
                "info (>= 50% withdrawn by issue 18: the B4 replay-beside rows replace it)", None,
                read=read, read_again=read2, rebuild=rebuild)
    floor = measure(urls[large], "floor")
    bound = floor["rate"] / read_rate
    results.add(f"B4 {backend}: floor, rebuild with its rows handed in (no decoding, no staging) "
                f"/ read+decode at {large:,} claims",
                f"{bound:.0%} ({floor['rate']:,.0f} events/s: the writer's part alone takes "
                f"{read_rate / floor['rate']:.1f}x the read+decode time)", "info", None,
                floor=floor)
    small_rebuild = measure(urls[small], "rebuild")
    mem = rebuild["maxrss_mb"] / small_rebuild["maxrss_mb"]
    # The target compares 1M with 100k claims; below ~100k the store does not yet fill the
    # page cache, so a smaller pair (--quick) is shown for information only.
    target = (small, large) == (100_000, 1_000_000)
    results.add(f"B4 {backend}: replay peak RSS {large:,} / {small:,} claims",
                f"{mem:.2f} ({rebuild['maxrss_mb']:.0f} / {small_rebuild['maxrss_mb']:.0f} MiB)",
                "<= 1.2" if target else "info (1M / 100k: <= 1.2)",
                (mem <= 1.2) if target else None, small=small_rebuild)


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], sys.argv[2])))
