"""The timeline application: commands that append events (with their read-model rows, atomically)
and queries that answer from the read model without replaying the log."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from . import config
from .claims import normalise_report
from .storable import refuse_unstorable
from .domainmodel import (
    CONFIDENCE_RANK,
    ENTITY_CLASSES,
    Conflict,
    DomainError,
    Report,
    api_time,
    db_time,
    name_key,
    slugify,
)
from . import migrate
from .readmodel.history import event_item
from .readmodel.projection import dumps, joined, project
from .readmodel.model import ReadModel
from .stores.idempotency import IdempotencyKeys
from .stores.tokens import Tokens


class _Job:
    """One request's events waiting for a group commit: stored and staged here, in the request's
    own thread, so that the writers' lock (on SQLite every process's) is held only for the
    INSERTs and the commit (bench/ B3: staging was a quarter of a batch's time, inside it)."""

    __slots__ = ("events", "stored", "staged", "ops", "idempotency", "positions", "error", "done")

    def __init__(self, events: list[Any], idempotency: dict[str, Any] | None,
                 guards: list[Any] | None, mapper: Any, recorder: Any):
        self.events = events
        self.stored = [mapper.to_stored_event(e) for e in events]
        self.staged = recorder.stage_events(self.stored)
        self.ops = [project(e) for e in events]
        if guards:  # checks run in the transaction with the first event's rows
            self.ops[0] = self.ops[0] + guards
        self.idempotency = idempotency
        self.positions: list[int] | None = None
        self.error: BaseException | None = None
        self.done = False


class TimelineApplication(Application[UUID]):
    name = "timeline"

    def __init__(self, database_url: str | None = None, env: dict[str, str] | None = None):
        url = database_url or config.database_url()
        self.database_url = url
        settings = {**config.persistence_env(url), **(env or {})}
        create = settings.get("CREATE_TABLE") or os.environ.get("CREATE_TABLE") or "yes"
        # The library would run its DDL at every start, racing other starts (timeline/migrate.py):
        # the tables are created only when the schema found is not current, under a lock.
        super().__init__(env={**settings, "CREATE_TABLE": "no"})
        if create.strip().lower() not in ("no", "n", "false", "f", "off", "0"):
            migrate.ensure(self.recorder)
        if self.mapper.compressor is not None or self.mapper.cipher is not None:
            # The projection reads the stored JSON as such (projection.stage).
            raise ValueError("a compressor or cipher for stored events is not supported "
                             "(COMPRESSOR_TOPIC / CIPHER_TOPIC)")
        self.readmodel = ReadModel(self.recorder)
        self.names, self.queries = self.readmodel.names, self.readmodel.queries
        self.tokens = Tokens(self.readmodel.recorder)
        self.idempotency = IdempotencyKeys(self.readmodel.recorder)
        self._queue: list[_Job] = []
        self._queue_lock = threading.Lock()
        self._commit_lock = threading.Lock()
        # Called with the number of events after each successful save (metrics hook).
        self.on_saved: list[Any] = []

    # ---- commands ----------------------------------------------------------------------------
    def file_report(self, payload: dict[str, Any], *, idempotency: dict[str, Any] | None = None,
                    report_id: UUID | None = None, also: Any = None, draft: str | None = None,
                    filed_by: str | None = None) -> dict[str, Any]:
        """Validate and resolve every claim, then append the report: all claims or none.
        `also(answer)` gives (events, answer to keep for the Idempotency-Key) to commit in the
        same transaction (a draft's acceptance: timeline/drafts.py). `filed_by`: the label of
        the token that filed it, recorded with the event."""
        with self.names.pinned():  # one look at the names table for all the claims
            fields = normalise_report(payload, self.names, self.queries)
        report = Report.file(report_id=report_id, draft=draft, filed_by=filed_by, **fields)
        events = list(report.collect_events())
        answer = {
            "id": str(report.id),
            "position": None,
            "recorded_at": api_time(events[0].timestamp),
            "claims": report.claims,
        }
        kept = answer
        if also is not None:
            extra, kept = also(answer)
            events += extra
        positions = self._commit(events, idempotency, kept, 201)
        answer["position"] = positions[-1]
        return answer

    def register(self, kind: str, name: str, aliases: list[str] | None = None, *,
                 idempotency: dict[str, Any] | None = None, slug: str | None = None,
                 **attributes: Any) -> dict[str, Any]:
        """Register a place, faction or leader; a name (or alias) already known is a 409."""
        refuse_unstorable({"name": name, "aliases": aliases or [], **attributes})
        cls = ENTITY_CLASSES[kind]
        chosen = slug is not None
        slug = slug or slugify(name)
        if not slug:
            raise DomainError("the name has no letters or digits to make an id from",
                              {"name": ["needs at least one letter or digit"]})
        aliases = [a for a in dict.fromkeys(aliases or []) if a != name]
        clash = self.names.known(kind, [name, *aliases])
        if not clash and not chosen:
            # Another name may make the same id (Arabic transliterated without its vowels:
            # "عين" and "أين" are both "yn"): the newcomer's id is numbered, as ACLED's are.
            base, n = slug, 2
            while self.queries.entity(kind, slug) is not None:
                slug, n = f"{base}-{n}", n + 1
        elif not clash and self.queries.entity(kind, slug):
            clash = slug
        if clash:
            raise Conflict(f"a {kind} named {clash!r} is already known",
                           {"name": [f"{clash!r} is already known"]})
        attributes = self._resolve_entity_refs(kind, attributes)
        entity = cls.register(slug, name, aliases, **attributes)
        # in the order GET gives them (a registration's names share one position: by text)
        answer = entity_view(kind, slug, name, sorted([name, *aliases]), attributes)
        guards = [("name_guard", {"kind": kind, "key": key, "id": slug})
                  for key in dict.fromkeys(name_key(n) for n in [name, *aliases])]
        try:
            self._commit(list(entity.collect_events()), idempotency, answer, 201, guards)
        except IntegrityError:
            # another writer registered this id, or one of these names, just before us
            raise Conflict(f"a {kind} with the id {slug!r} or the name {name!r} is already known",
                           {"name": [f"{name!r} or the id {slug!r} is already known"]}) from None
        return answer

    def _resolve_entity_refs(self, kind: str, attributes: dict[str, Any]) -> dict[str, Any]:
        out = dict(attributes)
        refs = {"place": {"parent": "place"}, "faction": {"parent": "faction"},
                "leader": {"faction": "faction"}}[kind]
        for field, ref_kind in refs.items():
            if out.get(field):
                out[field] = self.names.resolve(ref_kind, out[field], field)
        if kind == "place" and out.get("governorate"):
            out["governorate"] = self.names.governorate(out["governorate"], "governorate")
        return out

    def append(self, events: list[Any], *, idempotency: dict[str, Any] | None = None,
               answer: dict[str, Any] | None = None, status: int = 201,
               guards: list[Any] | None = None) -> list[int]:
        """Appends `events` (with their read-model rows) in the next group commit: all of them
        or none. Returns their log positions. `idempotency` is a leased key (idempotency_claim)
        completed in the same transaction with `answer` and `status`."""
        return self._commit(events, idempotency, answer if answer is not None else {}, status,
                            guards)

    def _commit(self, events: list[Any], idempotency: dict[str, Any] | None,
                answer: dict[str, Any], status: int, guards: list[Any] | None = None) -> list[int]:
        """Group commit: requests that arrive while a transaction is being written are saved
        together in the next one, so one fsync serves many requests."""
        idem = None
        if idempotency:
            idem = dict(idempotency, status=status, body=dumps(answer),
                        created_at=db_time(datetime.now(timezone.utc)))
        job = _Job(events, idem, guards, self.mapper, self.recorder)
        with self._queue_lock:
            self._queue.append(job)
        with self._commit_lock:
            if not job.done:
                # Take the queue only once this process may write (SQLite: other workers'
                # commits come first), so requests that arrived meanwhile share this fsync.
                with self.readmodel.writer_turn():
                    with self._queue_lock:
                        batch, self._queue = self._queue, []
                    self._save_batch(batch)
        if job.error is not None:
            raise job.error
        assert job.positions is not None
        return job.positions

    def _save_batch(self, batch: list[_Job]) -> None:
        try:
            self._save_jobs(batch)
        except Exception as error:
            # Saving each job alone finds the one that failed; no use when the store is down.
            if len(batch) == 1 or self.readmodel.unreachable():
                for job in batch:
                    job.error = error
                    job.done = True
                return
            for job in batch:  # isolate the one that failed
                try:
                    self._save_jobs([job])
                except Exception as single_error:
                    job.error = single_error
                    job.done = True

    def _save_jobs(self, jobs: list[_Job]) -> None:
        stored, ops, idem, parts = [], [], [], []
        for job in jobs:
            if job.idempotency:
                idem.append(dict(job.idempotency, event_index=len(stored) + len(job.stored) - 1))
            parts.append((len(stored), len(job.stored), job.staged))
            stored += job.stored
            ops += job.ops
        # What Application.save does with events (no aggregates, snapshots or followers here),
        # with the events already mapped and staged by their requests (_Job).
        positions = list(self.recorder.insert_events(
            stored, projection=ops, idempotency=idem, staged=joined(parts)) or ())
        if len(positions) != len(stored):
            raise RuntimeError(f"{len(stored)} events written, {len(positions)} positions given")
        for listener in self.on_saved:
            listener(len(stored))
        i = 0
        for job in jobs:
            job.positions = positions[i:i + len(job.events)]
            i += len(job.events)
            job.done = True

    # ---- plain tables (timeline/stores/), as the CLI, the importers and the tests ask them ---
    def complete_idempotency(self, idempotency: dict[str, Any], answer: dict[str, Any],
                             status: int) -> None:
        self.idempotency.complete(idempotency, answer, status)

    def idempotency_claim(self, key: str, fingerprint: str) -> dict[str, Any]:
        return self.idempotency.claim(key, fingerprint)

    def idempotency_release(self, idempotency: dict[str, Any]) -> None:
        self.idempotency.release(idempotency)

    def create_token(self, role: str, label: str | None = None, replace: bool = False) -> str:
        return self.tokens.create(role, label, replace)

    def token_role(self, token: str) -> str | None:
        return self.tokens.role(token)

    def token_label(self, token: str) -> str | None:
        return self.tokens.label(token)

    def list_tokens(self) -> list[dict[str, Any]]:
        return self.tokens.list()

    def revoke_token(self, token_or_id: str) -> int:
        return self.tokens.revoke(token_or_id)

    # ---- the log and the history -------------------------------------------------------------
    def log_page(self, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Up to `limit` events after log position `after`, in record order."""
        notifications = self.recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False)
        return [event_item(n.id, self.mapper.to_domain_event(n)) for n in notifications]

    def timeline(self, point: Any, **filters: Any) -> list[dict[str, Any]]:
        """Claims in valid-time order with the changes they caused (see history.timeline)."""
        return self.readmodel.timeline(point, **filters)

    # ---- replay ------------------------------------------------------------------------------
    def iter_events(self, after: int = 0, page: int = 2000) -> Iterator[tuple[int, Any]]:
        """(position, domain event) in log order, read in pages."""
        while True:
            notifications = self.recorder.select_notifications(
                start=after, limit=page, inclusive_of_start=False)
            if not notifications:
                return
            for n in notifications:
                yield n.id, self.mapper.to_domain_event(n)
            after = notifications[-1].id

    def replay(self, progress: Any = None, page: int = 10_000) -> str:
        """Rebuild every derived table from the log beside the live ones, while the service
        keeps reading and writing, and swap them in (timeline/readmodel/replay.py); returns the digest."""
        from .readmodel.replay import Rebuild

        Rebuild(self, progress).run()
        return self.readmodel.digest()

    def rebuild(self, progress: Any = None, page: int = 10_000) -> int:
        """The read model rebuilt from the log in one transaction (ReadModel.rebuild)."""
        return self.readmodel.rebuild(self.mapper.to_domain_event, progress, page)

    def digest(self) -> str:
        return self.readmodel.digest()

    def head(self) -> int:
        return self.readmodel.head()


def open_application(database_url: str | None = None, wait: float = 0) -> TimelineApplication:
    """A TimelineApplication, retrying for up to `wait` seconds while the store is unreachable:
    a gunicorn worker that boots while PostgreSQL restarts waits for it, instead of failing to
    boot, which makes gunicorn stop the whole server."""
    import sys
    import time

    from eventsourcing.persistence import InterfaceError, OperationalError

    deadline = time.monotonic() + wait
    while True:
        try:
            return TimelineApplication(database_url)
        except Exception as e:
            # psycopg is loaded only by a PostgreSQL store (its import costs a SQLite worker's
            # boot ~0.4 s): an error of its kind can only come when it is.
            psycopg = sys.modules.get("psycopg")
            unreachable = (OperationalError, InterfaceError,
                           *((psycopg.OperationalError,) if psycopg is not None else ()))
            if not isinstance(e, unreachable) or time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


def entity_view(kind: str, slug: str, name: str, aliases: list[str],
                attributes: dict[str, Any]) -> dict[str, Any]:
    view = {"id": slug, "name": name, "aliases": aliases}
    if kind == "place":
        view.update(lat=attributes.get("lat"), lon=attributes.get("lon"),
                    governorate=attributes.get("governorate"), parent=attributes.get("parent"),
                    kind=attributes.get("place_kind", "city"))
    elif kind == "faction":
        view.update(parent=attributes.get("parent"))
    else:
        view.update(role=attributes.get("role"), faction=attributes.get("faction"))
    return view


__all__ = ["TimelineApplication", "CONFIDENCE_RANK", "name_key"]
