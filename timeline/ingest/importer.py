"""Filing a dataset's records (ACLED events, UCDP rows) as reports: planning the places and
factions they name, registering those in one transaction, then saving the reports a few
hundred per transaction; a revised record is a correction of its previous version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import IntegrityError

from ..domainmodel import ENTITY_CLASSES, Conflict, DomainError, name_key, slugify
from ..vocabulary import KINDS, TYPES

CHUNK = 500           # reports per transaction


@dataclass
class Outcome:
    imported: int = 0
    unchanged: int = 0
    corrected: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append({"line": line, "reason": reason})

    def answer(self, position: int | None) -> dict[str, Any]:
        return {"imported": self.imported, "unchanged": self.unchanged,
                "corrected": self.corrected,
                "rejected": sorted(self.rejected, key=lambda r: r["line"]),
                "position": position}


# The fields of a claim that name a place or a faction (what an import plans), each with whether
# it holds a list of them: read from the vocabulary table, so a new claim type's fields follow.
ENTITY_FIELDS = {f.name: KINDS[f.kind].json == "array" for t in TYPES.values() for f in t.fields
                 if KINDS[f.kind].entity in ("place", "faction")}


def stored_versions(app: Any, dataset: str, refs: list[str],
                    version: Callable[[str], Any] = str) -> dict[str, dict[str, Any]]:
    """{ref: {version, claim_id, report_id}} of the dataset's records already imported."""
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(refs), 500):
        chunk = refs[i:i + 500]
        params: dict[str, Any] = {f"r{n}": ref for n, ref in enumerate(chunk)}
        params["dataset"] = dataset
        marks = ", ".join(f":r{n}" for n in range(len(chunk)))
        for row in app.recorder.fetchall(
                f"SELECT ref, version, claim_id, report_id FROM tl_external WHERE dataset = :dataset "
                f"AND ref IN ({marks})", params):
            out[row["ref"]] = {"version": version(row["version"]), "claim_id": row["claim_id"],
                               "report_id": row["report_id"]}
    return out


class _PlannedNames:
    """The store's names, and the places and factions this import plans to register, so that a
    row's report can be checked before anything is registered for it."""

    def __init__(self, names: Any, planned: dict[str, tuple[str, str, list[str], dict[str, Any]]]):
        self._names, self._planned = names, planned

    def resolve(self, kind: str, value: Any, path: str) -> str:
        entry = self._planned.get(value) if isinstance(value, str) else None
        if entry is not None and entry[0] == kind:
            return value
        return self._names.resolve(kind, value, path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._names, name)


class DatasetImporter:
    """What the ACLED and UCDP importers share: the plan of names to register, the filing of
    records, the saving of their reports."""

    def __init__(self, app: Any, filed_by: str | None = None):
        self.app = app
        self.filed_by = filed_by  # the importing token's label, recorded with each report
        self.names = app.names
        self._actors: dict[str, str] = {}
        self._places: dict[tuple[str, float, float], str] = {}
        self._points: list[tuple[str, float, float]] | None = None
        # registrations planned by this import: id -> (kind, name, aliases, attributes)
        self._planned: dict[str, tuple[str, str, list[str], dict[str, Any]]] = {}
        self._planned_keys: dict[tuple[str, str], str] = {}
        self._remap: dict[str, str] = {}

    def _parse_rows(self, rows: list[tuple[int, dict[str, str]]], parse: Callable[[int, dict[str, str]], Any],
                    key: Callable[[Any], str], outcome: Outcome,
                    progress: Callable[[int], Any] | None) -> list[Any]:
        """The rows that `parse` makes records of (ValueError says why not: the row is rejected),
        but for a record whose `key` an earlier row had (rejected too)."""
        records: list[Any] = []
        first_line: dict[str, int] = {}
        for line, values in rows:
            try:
                record = parse(line, values)
            except ValueError as e:
                outcome.reject(line, str(e))
                continue
            ref = key(record)
            if ref in first_line:
                outcome.reject(line, f"event {ref} already appears on line {first_line[ref]}")
                continue
            first_line[ref] = line
            records.append(record)
        if progress is not None and len(rows) > len(records):
            progress(len(rows) - len(records))
        return records

    def _file_records(self, records: list[Any], known: dict[str, dict[str, Any]], outcome: Outcome,
                      progress: Callable[[int], Any] | None, idempotency: dict[str, Any] | None,
                      *, key: Callable[[Any], str], is_current: Callable[[Any, dict[str, Any]], bool],
                      claims_of: Callable[[Any], list[dict[str, Any]]],
                      report_of: Callable[..., list[Any]]) -> dict[str, Any]:
        """Files a dataset's records (ACLED events, UCDP rows; each has its `line`): a record
        whose stored version is current is unchanged; the others are checked as they will be
        filed, so that a rejected record registers nothing (its new place or actor is kept only
        if an accepted record names it too), then all are appended together."""
        planned: list[tuple[Any, list[dict[str, Any]], dict[str, Any] | None]] = []
        for record in records:
            previous = known.get(key(record))
            if previous is not None and is_current(record, previous):
                outcome.unchanged += 1
                if progress is not None:
                    progress(1)
                continue
            try:
                claims = claims_of(record)
                report_of(record, claims, previous, _PlannedNames(self.names, self._planned))
                planned.append((record, claims, previous))
            except DomainError as e:
                outcome.reject(record.line, _reason(e))
                if progress is not None:
                    progress(1)
        self._keep_planned([c for _, claims, _ in planned for c in claims])
        self._register_planned()
        reports: list[tuple[list[Any], str]] = []
        for record, claims, previous in planned:
            try:
                reports.append((report_of(record, self._remapped(claims), previous),
                                "corrected" if previous else "imported"))
            except DomainError as e:
                outcome.reject(record.line, _reason(e))
            if progress is not None:
                progress(1)
        outcome.imported += sum(1 for _, kind in reports if kind == "imported")
        outcome.corrected += sum(1 for _, kind in reports if kind == "corrected")
        appended, idempotency = self._save(reports, outcome, idempotency)
        # The position of the import's own last event (another writer's may follow it at once),
        # else the head it found: the answer a retry with the same Idempotency-Key gets back.
        answer = outcome.answer(appended if appended is not None else self.app.head())
        if idempotency is not None:
            self.app.complete_idempotency(idempotency, answer, 200)
        return answer

    def _previous_claims(self, previous: dict[str, Any]) -> list[str]:
        """The claims of an event's previous version that still count (not corrections)."""
        rows = self.app.recorder.fetchall(
            "SELECT id, type FROM tl_claims WHERE report_id = :r ORDER BY seq",
            {"r": previous["report_id"]})
        out = []
        for row in rows:
            if row["type"] in ("retract", "confirm"):
                continue
            status = self.app.queries.claim_status(row["id"])
            if status is not None and not status["retracted"]:
                out.append(row["id"])
        return out

    # ---- registering --------------------------------------------------------------------------------
    def _taken(self, kind: str, names: list[str]) -> bool:
        return bool(self.names.known(kind, names)) or any(
            (kind, name_key(n)) in self._planned_keys for n in names)

    def _plan(self, kind: str, name: str, aliases: list[str], attrs: dict[str, Any]) -> str:
        base = slugify(name) or kind
        slug, n = base, 2
        while slug in self._planned or self.names.entity(kind, slug) is not None:
            slug, n = f"{base}-{n}", n + 1
        self._planned[slug] = (kind, name, aliases, attrs)
        for n_ in (name, *aliases):
            self._planned_keys[(kind, name_key(n_))] = slug
        return slug

    def _keep_planned(self, claims: list[dict[str, Any]]) -> None:
        """Forget the planned places and factions that no accepted claim names (nor is the parent
        of one that is kept)."""
        used = {v for claim in claims for f in ENTITY_FIELDS
                for v in (claim.get(f) if isinstance(claim.get(f), list) else [claim.get(f)])}
        keep: set[str] = set()
        todo = [v for v in used if v in self._planned]
        while todo:
            slug = todo.pop()
            if slug not in keep:
                keep.add(slug)
                parent = self._planned[slug][3].get("parent")
                if parent in self._planned:
                    todo.append(parent)
        self._planned = {k: v for k, v in self._planned.items() if k in keep}
        self._planned_keys = {k: v for k, v in self._planned_keys.items() if v in keep}

    def _register_planned(self) -> None:
        """Registers the planned places and factions, all in one transaction (factions first,
        then places, districts after their cities). If another writer registered one of them
        meanwhile, one at a time, taking over the entity that now holds the name."""
        if not self._planned:
            return
        order = sorted(self._planned.items(), key=lambda item: (
            item[1][0] != "faction", bool(item[1][3].get("parent"))))
        events = [e for slug, (kind, name, aliases, attrs) in order
                  for e in ENTITY_CLASSES[kind].register(slug, name, aliases, **attrs).collect_events()]
        try:
            self.app._commit(events, None, {}, 201)
            return
        except IntegrityError:
            pass
        for slug, (kind, name, aliases, attrs) in order:
            attrs = dict(attrs)
            if attrs.get("parent") in self._remap:
                attrs["parent"] = self._remap[attrs["parent"]]
            try:
                self.app.register(kind, name, aliases, slug=slug, **attrs)
            except Conflict:
                ids = self.names.lookup(kind, name)
                if len(ids) != 1:
                    raise
                self._remap[slug] = ids[0]

    def _remapped(self, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self._remapped_one(claim) for claim in claims]

    def _remapped_one(self, claim: dict[str, Any]) -> dict[str, Any]:
        if not self._remap:
            return claim
        out = dict(claim)
        for name, many in ENTITY_FIELDS.items():
            if many and out.get(name):
                out[name] = [self._remap.get(f, f) for f in out[name]]
            elif not many and out.get(name) in self._remap:
                out[name] = self._remap[out[name]]
        return out

    # ---- saving -----------------------------------------------------------------------------------
    def _save(self, reports: list[tuple[list[Any], str]], outcome: Outcome,
              idempotency: dict[str, Any] | None) -> tuple[int | None, dict[str, Any] | None]:
        """Files the reports; (the position of the last event appended, if any; the
        Idempotency-Key's lease if it is not yet completed with the events)."""
        appended: int | None = None
        chunks = [reports[i:i + CHUNK] for i in range(0, len(reports), CHUNK)]
        for n, chunk in enumerate(chunks):
            last = n == len(chunks) - 1
            events = [e for report, _ in chunk for e in report]
            try:
                # (the key's stored answer takes the position of the last event, as below)
                positions = self.app._commit(events, idempotency if last else None,
                                             outcome.answer(None), 200)
                appended = max(positions)
                if last:
                    idempotency = None
            except IntegrityError:
                # Another import wrote some of these reports meanwhile: save one at a time and
                # count the ones already there as unchanged.
                for report, kind in chunk:
                    try:
                        appended = max(self.app._commit(report, None, {}, 200))
                    except IntegrityError:
                        setattr(outcome, kind, getattr(outcome, kind) - 1)
                        outcome.unchanged += 1
        return appended, idempotency


def _reason(error: DomainError) -> str:
    if error.errors:
        parts = []
        for path, messages in error.errors.items():
            msgs = messages if isinstance(messages, list) else [messages]
            parts.append(f"{path}: {msgs[0]}")
        return "; ".join(parts)[:500]
    return error.detail[:500]
