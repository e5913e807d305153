"""Batch filing (API.md v2, `POST /reports/batch`): many reports checked together and appended in
one transaction, all of them or none. A feed that posts 10k reports pays 10 requests of 1000
instead of 10k, and one commit (one fsync) per batch."""

from __future__ import annotations

from typing import Any

from .claims import normalise_report
from .domainmodel import Conflict, DomainError, Report, api_time

MAX_REPORTS = 1000


def file_reports(app: Any, payloads: Any, *, idempotency: dict[str, Any] | None = None,
                 **report_fields: Any) -> dict[str, Any]:
    """Checks every report (all errors at once, by JSON path `reports.N.claims.M.field`), then
    appends them in one group commit. `report_fields` go to every `Report.file` (e.g. who filed
    them). Returns `{reports: [{id, position, recorded_at, claims}]}` in the order given."""
    if not isinstance(payloads, list) or not payloads:
        raise DomainError("reports: at least one report is required",
                          {"reports": ["at least one report is required"]})
    if len(payloads) > MAX_REPORTS:
        msg = f"at most {MAX_REPORTS} reports per batch; split it into several batches"
        raise DomainError(f"reports: {msg}", {"reports": [msg]})
    errors: dict[str, list[str]] = {}
    conflicts: dict[str, list[str]] = {}
    checked = []
    # One consistent view of the names for the whole batch (and one bound on fuzzy suggestions).
    with app.names.pinned():
        for i, payload in enumerate(payloads):
            try:
                checked.append(normalise_report(payload, app.names, app.queries))
            except Conflict as e:  # a correction of a claim already corrected
                for part in e.detail.split("; "):
                    path, _, msg = part.partition(": ")
                    conflicts.setdefault(f"reports.{i}.{path}" if msg else f"reports.{i}",
                                         []).append(msg or part)
            except DomainError as e:
                for path, msgs in (e.errors or {"": [e.detail]}).items():
                    where = f"reports.{i}.{path}" if path else f"reports.{i}"
                    errors.setdefault(where, []).extend(msgs if isinstance(msgs, list) else [msgs])
    if errors:
        raise DomainError(_summary(errors), errors)
    if conflicts:
        raise Conflict(_summary(conflicts), conflicts)
    events: list[Any] = []
    answers: list[dict[str, Any]] = []
    last: list[int] = []  # index of each report's last event
    for fields in checked:
        report = Report.file(**fields, **report_fields)
        filed = list(report.collect_events())
        events += filed
        last.append(len(events) - 1)
        answers.append({"id": str(report.id), "position": None,
                        "recorded_at": api_time(filed[0].timestamp), "claims": report.claims})
    answer = {"reports": answers}
    positions = app.append(events, idempotency=idempotency, answer=answer, status=201)
    for item, index in zip(answers, last, strict=True):
        item["position"] = positions[index]
    return answer


def _summary(errors: dict[str, list[str]]) -> str:
    (path, msgs), count = next(iter(errors.items())), sum(map(len, errors.values()))
    return f"{path}: {msgs[0]}" + (f" (and {count - 1} more)" if count > 1 else "")


def with_positions(app: Any, answer: dict[str, Any]) -> dict[str, Any]:
    """A stored answer (an Idempotency-Key's replay) with each report's log position: the body is
    kept before the commit gives positions, so they are read back from the read model."""
    ids = [item["id"] for item in answer.get("reports") or ()]
    found = app.readmodel.report_positions(ids)
    for item in answer.get("reports") or ():
        if item.get("position") is None and item["id"] in found:
            item["position"] = found[item["id"]]
    return answer
