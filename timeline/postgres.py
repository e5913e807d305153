"""PostgreSQL backend: the library's application recorder, plus the read model in the same
schema and the same transaction as the events."""

from __future__ import annotations

from collections.abc import Sequence
import re
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL

from .persistence import ALL_TABLES, TABLES, ReadModelRecorder


class TimelinePostgresRecorder(ReadModelRecorder, PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._cache: dict[str, str] = {}
        schema = self.datastore.schema.replace('"', '""')
        self._qualify = (re.compile(r"\b(%s)\b" % "|".join(ALL_TABLES)), rf'"{schema}".\1')
        for statement in TABLES:
            self.sql_create_statements.append(SQL(self.sql(statement)))  # type: ignore[arg-type]

    def sql(self, statement: str) -> str:
        """Schema-qualified table names and psycopg's %(name)s placeholders."""
        cached = self._cache.get(statement)
        if cached is None:
            pattern, replacement = self._qualify
            cached = self.placeholder_re.sub(r"%(\1)s", pattern.sub(replacement, statement))
            self._cache[statement] = cached
        return cached

    def table(self, name: str) -> str:
        return self.sql(name)

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        self.check_rows(stored_events, kwargs)  # before the INSERT, so an error rolls back
        super()._insert_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any):
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert ids is not None
        self.write_rows(curs, ids, kwargs)
        return ids

    def writing(self):
        return self.datastore.transaction(commit=True)

    def select_positions(self, after: int, limit: int, cursor: Any) -> list[int]:
        cursor.execute(
            SQL("SELECT notification_id FROM {} WHERE notification_id > %s "
                "ORDER BY notification_id LIMIT %s").format(self.events_table),
            (after, limit))
        return [r["notification_id"] for r in cursor.fetchall()]

    @property
    def events_table(self):
        from psycopg.sql import Identifier
        return SQL("{}.{}").format(Identifier(self.datastore.schema),
                                   Identifier(self.events_table_name))
