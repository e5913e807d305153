"""Checks a report and its claims against the rules of API.md and resolves every entity name to
its id, collecting all errors by JSON path; nothing is written unless all of it is valid."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from . import codebook
from .storable import refuse_unstorable
from .vocabulary import BASE_FIELDS, CLAIM_TYPES, LEADER_STATUSES, TYPES
from .vocabulary import COMMON as COMMON_FIELDS
from .domainmodel import (
    CONFIDENCE_WORDS,
    CONFIDENCES,
    PRECISIONS,
    Conflict,
    DomainError,
    api_time,
    confidence_of,
    parse_time,
)

MAX_CLAIMS = 200
MAX_TEXT = 20_000
MAX_SHORT = 500
# A retraction of a retraction of a retraction (R3 -> R2 -> R1 -> claim) is the deepest undo
# the read model keeps on a claim's rows (projection.MARK_SQL).
MAX_UNDO = 3

# Per claim type (vocabulary.TYPES): required fields, optional fields, and the kind of each.
FIELDS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    t.name: ({f.name: f.kind for f in t.fields if f.required},
             {f.name: f.kind for f in t.fields if not f.required}) for t in TYPES.values()}
V2_COMMON = {name: f.kind for name, f in COMMON_FIELDS.items()}
COMMON = set(BASE_FIELDS) | set(V2_COMMON)
# Per claim type, worked out once: the fields it may carry, and its entity fields in the order
# they are checked (required first), each with its kind and whether it is required.
_ALLOWED = {t: frozenset(COMMON | set(req) | set(opt)) for t, (req, opt) in FIELDS.items()}
_CHECKED = {t: tuple([(f, k, True) for f, k in req.items()] + [(f, k, False) for f, k in opt.items()])
            for t, (req, opt) in FIELDS.items()}


def name_errors(payload: Any, names: Any, known: set[str] | frozenset[str] = frozenset()
                ) -> dict[str, list[str]]:
    """By JSON path, the entity names in a report's claims that name nothing known (or several
    things): what normalise_report would also say of a report refused before it got that far
    (a missing field, a wrong type), so that one answer lists every error at once. Paths in
    `known` already have an error; a text longer than MAX_SHORT has one from the schema."""
    errors: dict[str, list[str]] = {}
    claims = payload.get("claims") if isinstance(payload, dict) else None
    if not isinstance(claims, list):
        return errors
    with names.pinned():  # one look at the names table, and a bound on fuzzy suggestions
        for i, raw in enumerate(claims[:MAX_CLAIMS]):
            _name_errors_of(i, raw, names, known, errors)
    return errors


def _name_errors_of(i: int, raw: Any, names: Any, known: set[str] | frozenset[str],
                    errors: dict[str, list[str]]) -> None:
    ctype = raw.get("type") if isinstance(raw, dict) else None
    if not isinstance(ctype, str) or ctype not in _CHECKED:
        return
    for field, kind, _ in _CHECKED[ctype]:
        value = raw.get(field)
        if kind in ("place", "faction", "leader"):
            values = [(f"claims.{i}.{field}", kind, value)]
        elif kind in ("faction*", "faction+") and isinstance(value, list):
            values = [(f"claims.{i}.{field}.{j}", "faction", v) for j, v in enumerate(value[:20])]
        else:
            continue
        for path, entity_kind, text in values:
            if (isinstance(text, str) and text.strip() and len(text) <= MAX_SHORT
                    and path not in known and not any(k.startswith(path + ".") for k in known)):
                try:
                    names.resolve(entity_kind, text, path)
                except DomainError as e:
                    errors.update(e.errors or {})


def normalise_report(payload: dict[str, Any], names: Any, queries: Any) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    conflicts: list[str] = []

    def fail(path: str, msg: str) -> None:
        errors.setdefault(path, []).append(msg)

    if not isinstance(payload, dict):
        raise DomainError("the report must be a JSON object")
    refuse_unstorable(payload)
    source = payload.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("name"), str) or not source["name"].strip():
        fail("source.name", "a source with a non-empty name is required")
        source = {}
    else:
        source = {k: source[k] for k in ("name", "url", "kind", "via")
                  if source.get(k) is not None}
    published_at = _time(payload.get("published_at"), "published_at", fail, required=True)
    for field in ("headline", "body", "language"):
        value = payload.get(field)
        if value is not None and not isinstance(value, str):
            fail(field, "must be a string")
    raw_claims = payload.get("claims")
    if not isinstance(raw_claims, list) or not raw_claims:
        fail("claims", "at least one claim is required")
        raw_claims = []
    elif len(raw_claims) > MAX_CLAIMS:
        fail("claims", f"at most {MAX_CLAIMS} claims per report; split it into several reports")
        raw_claims = []
    claims = []
    targets: set[str] = set()
    times: dict[str, str] = {}  # the claims of a report often share their occurred_at
    for i, raw in enumerate(raw_claims):
        claim = _claim(raw, f"claims.{i}", names, queries, fail, conflicts, targets, times)
        if claim is not None:
            claims.append(claim)
            _after_publication(claim, published_at, f"claims.{i}.occurred_at", fail)
    _in_the_future(published_at, fail)
    if errors:
        first = next(iter(errors.items()))
        raise DomainError(f"{first[0]}: {first[1][0]}" + (
            f" (and {sum(map(len, errors.values())) - 1} more)" if len(errors) > 1 or len(first[1]) > 1 else ""),
            errors)
    if conflicts:
        raise Conflict("; ".join(conflicts))
    return {"source": source, "published_at": published_at, "headline": payload.get("headline"),
            "body": payload.get("body"), "language": payload.get("language"), "claims": claims}


# API.md v2, Time sanity: how far past its report's publication a claim's occurred_at may lie,
# by the claim's precision ("Saturday night" with day precision may be stored as any hour of it).
PRECISION_SPAN = {"exact": timedelta(0), "hour": timedelta(hours=1), "day": timedelta(hours=24),
                  "week": timedelta(days=7), "month": timedelta(days=31)}
# How far ahead of the server's clock a report's published_at may be (clocks drift a little).
FUTURE_SLACK = timedelta(minutes=10)


def _after_publication(claim: dict[str, Any], published_at: datetime | None, path: str,
                       fail: Any) -> None:
    """A claim cannot tell of something later than its own report (beyond its precision)."""
    occurred, span = claim.get("occurred_at"), PRECISION_SPAN.get(claim.get("precision"))
    if published_at is None or occurred is None or span is None:
        return
    if parse_time(occurred) > published_at + span:
        fail(path, f"later than the report's published_at ({api_time(published_at)}) by more "
                   f"than a {claim['precision']} precision allows ({_span_text(span)})")


def _in_the_future(published_at: datetime | None, fail: Any) -> None:
    now = datetime.now(timezone.utc)
    if published_at is not None and published_at > now + FUTURE_SLACK:
        fail("published_at", f"more than {int(FUTURE_SLACK.total_seconds() // 60)} minutes "
                             f"ahead of the server's clock ({api_time(now)})")


def _span_text(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return "0 h" if not hours else f"{hours:g} h" if hours < 48 else f"{hours / 24:g} d"


def _time(value: Any, path: str, fail: Any, required: bool) -> Any:
    if value is None:
        if required:
            fail(path, "required: an RFC 3339 timestamp with an offset")
        return None
    try:
        return parse_time(value)
    except (ValueError, TypeError) as e:
        fail(path, f"{e}: give an RFC 3339 timestamp with an offset, e.g. 2024-11-29T21:00:00+02:00")
        return None


def _occurred(value: Any, path: str, fail: Any, required: bool, times: dict[str, str]) -> str | None:
    """A claim's occurred_at as API text (UTC, Z), parsed once per distinct text in a report."""
    if isinstance(value, str) and value in times:
        return times[value]
    occurred = _time(value, path, fail, required=required)
    text = api_time(occurred) if occurred else None
    if text is not None:
        times[value] = text
    return text


def _claim(raw: Any, path: str, names: Any, queries: Any, fail: Any, conflicts: list[str],
           targets: set[str], times: dict[str, str]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        fail(path, "a claim must be a JSON object")
        return None
    ctype = raw.get("type")
    if ctype not in CLAIM_TYPES:
        fail(f"{path}.type", f"must be one of {', '.join(CLAIM_TYPES)}")
        return None
    allowed = _ALLOWED[ctype]
    if not allowed.issuperset(raw):
        for field in sorted(set(raw) - allowed):
            fail(f"{path}.{field}", f"not a field of a {ctype} claim")
    claim: dict[str, Any] = {"type": ctype}
    claim["occurred_at"] = _occurred(raw.get("occurred_at"), f"{path}.occurred_at", fail,
                                     TYPES[ctype].dated, times)
    confidence = confidence_of(raw.get("confidence", "reported"))
    if confidence not in CONFIDENCES:
        fail(f"{path}.confidence", f"must be one of {', '.join(CONFIDENCE_WORDS)}")
    claim["confidence"] = confidence
    precision = raw.get("precision", "day")
    if precision not in PRECISIONS:
        fail(f"{path}.precision", f"must be one of {', '.join(PRECISIONS)}")
    claim["precision"] = precision
    summary = raw.get("summary")
    if summary is not None and (not isinstance(summary, str) or len(summary) > MAX_TEXT):
        fail(f"{path}.summary", f"must be a string of at most {MAX_TEXT} characters")
    claim["summary"] = summary
    for field, kind, required in _CHECKED[ctype]:
        value = raw.get(field)
        if value is None:
            if required:
                fail(f"{path}.{field}", f"required for a {ctype} claim")
            continue
        fpath = f"{path}.{field}"
        try:
            claim[field] = _value(kind, value, fpath, names, queries, ctype, conflicts, targets)
        except DomainError as e:
            for p, msgs in (e.errors or {fpath: [e.detail]}).items():
                for m in msgs:
                    fail(p, m)
    for field, other, message in TYPES[ctype].distinct:
        if claim.get(field) and claim.get(field) == claim.get(other):
            fail(f"{path}.{field}", message)
    _v2_fields(ctype, raw, claim, path, fail)
    return claim


def _v2_fields(ctype: str, raw: dict[str, Any], claim: dict[str, Any], path: str,
               fail: Any) -> None:
    """`event_key` and `geo_precision` (any claim; the type's defaults, e.g. an event or a toll
    has geo_precision 1 unless it says otherwise), then the type's last checks (an event's
    combinations, codebook.check_event)."""
    for field, kind in V2_COMMON.items():
        value = raw.get(field)
        if value is None:
            continue
        try:
            claim[field] = _value(kind, value, f"{path}.{field}", None, None, ctype, [], set())
        except DomainError as e:
            for p, msgs in e.errors.items():
                for m in msgs:
                    fail(p, m)
    for field, value in TYPES[ctype].defaults:
        claim.setdefault(field, value)
    if ctype in _LAST_CHECKS:
        _LAST_CHECKS[ctype](claim, raw, path, fail)


def _not_into_itself(claim: dict[str, Any], raw: dict[str, Any], path: str, fail: Any) -> None:
    if claim.get("into") and claim.get("into") == claim.get("faction"):
        fail(f"{path}.into", "must differ from faction: a faction cannot dissolve into itself")


# Checks of a type's fields together that come after the common fields' (vocabulary.TYPES'
# `distinct` rules come before them): their errors are listed in that order.
_LAST_CHECKS = {"event": codebook.check_event, "dissolve": _not_into_itself}


def _value(kind: str | None, value: Any, path: str, names: Any, queries: Any, ctype: str,
           conflicts: list[str], targets: set[str]) -> Any:
    if kind in ("place", "faction", "leader"):
        return names.resolve(kind, value, path)
    if kind in _V2_KINDS:
        return _V2_KINDS[kind](value, path)
    if kind in ("faction+", "faction*"):
        return _factions(kind, value, path, names)
    if kind == "governorate":
        if not isinstance(value, str):
            raise DomainError("must be a governorate name", {path: ["must be a governorate name"]})
        return names.governorate(value, path)
    if kind == "count":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
            raise DomainError("must be a whole number from 0 to 100000",
                              {path: ["must be a whole number from 0 to 100000"]})
        return value
    if kind == "status":
        if value not in LEADER_STATUSES:
            msg = f"must be one of {', '.join(LEADER_STATUSES)}"
            raise DomainError(msg, {path: [msg]})
        return value
    if kind in ("short", "text"):
        limit = MAX_SHORT if kind == "short" else MAX_TEXT
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            msg = f"must be a non-empty string of at most {limit} characters"
            raise DomainError(msg, {path: [msg]})
        return value
    if kind == "claim":
        return _target(value, path, queries, ctype, conflicts, targets)
    raise AssertionError(kind)


def _factions(kind: str, value: Any, path: str, names: Any) -> list[str]:
    """The factions a list field names: `faction+` one to 20, each once (an event's actors, a
    toll's factions); `faction*` two to 20, at least two different (a clash's)."""
    if kind == "faction+":
        if not isinstance(value, list) or not value or len(value) > 20:
            raise DomainError("one to 20 factions", {path: ["must be a list of one to 20 factions"]})
        bad: dict[str, list[str]] = {}
        named: list[str] = []
        for j, v in enumerate(value):
            try:
                found = names.resolve("faction", v, f"{path}.{j}")
            except DomainError as e:
                bad.update(e.errors)
                continue
            if found in named:
                bad[f"{path}.{j}"] = [f"{found!r} is named twice"]
            named.append(found)
        if bad:
            first = next(iter(bad))
            raise DomainError(f"{first}: {bad[first][0]}", bad)
        return named
    # faction*: a clash's
    if not isinstance(value, list) or len(value) < 2:
        raise DomainError("two or more factions are required", {path: ["two or more factions are required"]})
    if len(value) > 20:
        raise DomainError("at most 20 factions", {path: ["at most 20 factions"]})
    ids = []
    errors: dict[str, list[str]] = {}
    for j, v in enumerate(value):
        try:
            ids.append(names.resolve("faction", v, f"{path}.{j}"))
        except DomainError as e:
            errors.update(e.errors)
    if errors:
        raise DomainError("unknown factions", errors)
    if len(set(ids)) < 2:
        raise DomainError("two or more different factions are required",
                          {path: ["two or more different factions are required"]})
    return ids


_V2_KINDS = {
    "event_type": codebook.event_type, "sub_event_type": codebook.sub_event_type,
    "lat": lambda v, p: codebook.coordinate(v, p, 90), "lon": lambda v, p: codebook.coordinate(v, p, 180),
    "bool": codebook.boolean, "deaths": codebook.deaths, "event_key": codebook.event_key,
    "geo_precision": codebook.geo_precision,
}


def _target(value: Any, path: str, queries: Any, ctype: str, conflicts: list[str],
            targets: set[str]) -> str:
    if not isinstance(value, str):
        raise DomainError("must be a claim id", {path: ["must be a claim id"]})
    target = queries.claim_status(value)
    if target is None:
        raise DomainError(f"unknown claim {value!r}", {path: [f"unknown claim {value!r}"]})
    # API.md v2: a retraction may be retracted (its target counts again); nothing else that
    # corrects may be corrected.
    if target["type"] == "confirm" or (target["type"] == "retract" and ctype != "retract"):
        msg = f"a {target['type']} claim cannot itself be " + (
            "confirmed" if target["type"] == "retract" else "retracted or confirmed")
        raise DomainError(msg, {path: [msg]})
    if target["type"] == "retract":
        chain = target.get("chain") or []
        if target.get("loops"):
            msg = "this retraction would retract itself (its chain of targets loops)"
            raise DomainError(msg, {path: [msg]})
        if len(chain) >= MAX_UNDO:
            msg = (f"an undo chain is at most {MAX_UNDO} retractions deep; file the correction "
                   "as a new claim instead")
            raise DomainError(msg, {path: [msg]})
    if (ctype, value) in targets:
        raise DomainError("the same claim twice in one report", {path: ["the same claim twice in one report"]})
    targets.add((ctype, value))  # type: ignore[arg-type]
    # One report that retracts and confirms the same claim is a 409, as a confirmation filed
    # after the retraction is (issue 15): which of the two would count is not for us to guess.
    other = {"retract": "confirm", "confirm": "retract"}.get(ctype)
    if other is not None and (other, value) in targets:
        conflicts.append(f"{path}: claim {value} is both retracted and confirmed in this report")
    if ctype == "retract" and target.get("ever_retracted", target["retracted"]):
        how = (f"; it was reinstated by {target['reinstated_by']}: retract that claim to undo the "
               "reinstatement" if target.get("reinstated_by") else "")
        conflicts.append(f"{path}: claim {value} was already retracted{how}")
    elif ctype == "confirm" and target["retracted"]:
        conflicts.append(f"{path}: claim {value} was already retracted")
    elif ctype == "confirm" and target["confirmed"]:
        conflicts.append(f"{path}: claim {value} was already confirmed")
    return value
