"""B7: `POST /extract`'s worst texts at the length limit (60,000 characters), in-process: each
must be read in under a second (issue 15, finding 2: one took 72 s). The texts are those of
tests/unit/test_extract_bounded.py, which asserts that the work is linear; this times it."""

from __future__ import annotations

import tempfile
import time
from typing import Any

LIMIT = 60_000
TARGET = 1.0


def run(results: Any) -> None:
    from tests.unit.test_extract_bounded import WORST, text_of
    from timeline.application import TimelineApplication
    from timeline.ingest.extract import extract
    from timeline.seeding import seed

    with tempfile.TemporaryDirectory() as tmp:
        app = TimelineApplication(f"sqlite:///{tmp}/ref.db")
        try:
            seed(app, reference_only=True)
            extract("Warm-up.", "2024-12-09T10:00:00+03:00", app.names, app.queries)
            timings = {}
            for kind, unit in sorted(WORST.items()):
                text = text_of(unit, LIMIT)
                best = min(_time(extract, text, app) for _ in range(3))
                timings[kind] = round(best, 3)
            worst = max(timings, key=lambda k: timings[k])
            results.add("B7 extract worst text (60,000 chars)",
                        f"{timings[worst]:.2f} s ({worst})", f"< {TARGET:g} s",
                        timings[worst] < TARGET, timings=timings)
        finally:
            app.close()


def _time(extract: Any, text: str, app: Any) -> float:
    started = time.perf_counter()
    extract(text, "2024-12-09T10:00:00+03:00", app.names, app.queries)
    return time.perf_counter() - started
