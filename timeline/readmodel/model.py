"""The read model as the application sees it: one typed object over the store's recorder (the
SQLite or PostgreSQL one, both a ReadModelRecorder), the names index and the state queries."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from ..gazetteer import Names
from . import history
from .projection import REPORT_TOPIC, project, stage
from .queries import in_lists
from .recorder import ReadModelRecorder
from .state import StateQueries


class ReadModel:
    def __init__(self, recorder: object):
        if not isinstance(recorder, ReadModelRecorder):
            raise TypeError(f"{type(recorder).__name__} does not keep the read model "
                            "(timeline/readmodel/sqlite.py, postgres.py)")
        self.recorder: ReadModelRecorder = recorder
        self.names = Names(recorder)
        self.queries = StateQueries(recorder, self.names)

    def unreachable(self) -> bool:
        return self.recorder.unreachable()

    def writer_turn(self) -> AbstractContextManager[Any]:
        """Held while a batch is taken from the queue and written (SQLite: other processes'
        writers first; PostgreSQL: nothing, its events table's lock orders the writers)."""
        return self.recorder.writer_lock()

    def head(self) -> int:
        return self.recorder.head()

    def digest(self) -> str:
        return self.recorder.digest()

    def report_positions(self, report_ids: list[str]) -> dict[str, int]:
        """report id -> its log position, for the ids the read model has."""
        found: dict[str, int] = {}
        for marks, params in in_lists(report_ids):
            rows = self.recorder.fetchall(
                f"SELECT id, position FROM tl_reports WHERE id IN ({marks})", params)
            found.update((row["id"], int(row["position"])) for row in rows)
        return found

    def timeline(self, point: Any, **filters: Any) -> list[dict[str, Any]]:
        """Claims in valid-time order with the changes they caused (see history.timeline)."""
        return history.timeline(self.recorder, self.names, self.queries, point, **filters)

    def rebuild(self, to_event: Callable[[Any], Any], progress: Any = None,
                page: int = 10_000) -> int:
        """The read model from the log, in one transaction, a stretch of `page` positions at a
        time (memory stays that of one stretch whatever the length of the log); returns the
        number of events. The same projection as the live path (ReadModelRecorder.project)."""
        recorder = self.recorder
        count = 0
        with recorder.writing() as cursor:
            recreate = recorder.begin_rebuild(cursor)
            recorder.clear_derived(cursor)
            after = 0
            while True:
                lo, hi, n = recorder.stretch(cursor, after, page)
                if not n:
                    break
                events = recorder.stretch_events(cursor, lo, hi)
                reference = [(e.id, project(to_event(e))) for e in events
                             if e.topic != REPORT_TOPIC]
                staged = stage((e.id, e.topic, e.originator_id, e.state) for e in events)
                del events
                recorder.project(cursor, lo, hi, staged, reference, rebuilding=True)
                after = hi
                count += n
                if progress is not None:
                    progress(n)
            recorder.finish_rebuild(cursor, recreate)
            recorder.mark_corrections(cursor, 0, after)
        return count
