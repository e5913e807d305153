"""The seeded reference data alone (places, factions, leaders; no reports) in an SQLite store:
what the article reader's tests read names from. One home for it, so that every extraction test
reads the same gazetteer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def reference_gazetteer(folder: Path) -> Iterator[Any]:
    """A TimelineApplication over `folder`/ref.db seeded with the reference data, closed on exit."""
    from timeline.application import TimelineApplication
    from timeline.seeding import seed

    app = TimelineApplication(f"sqlite:///{folder}/ref.db")
    try:
        seed(app, reference_only=True)
        yield app
    finally:
        app.close()
