"""An article in, proposed claims out, for a person to review before filing them: names found
through the gazetteer and the aliases, claims found by the verbs around them. Standard library
only, plus the service's own name index; nothing is stored.

The approach is a reader's rules, not a model: split the article into sentences and clauses, find
the names (longest match first), then read the verbs between them: "X seized Aleppo" (control),
"clashes between X and Y in Z" (clash), "X pushed toward Homs", "capturing 26 towns in Hama
province" (advance), "X is leading the coup" (coup), "Assad remains unaccounted for" (leader
status). A hedge in the clause ("alleged", "reportedly", "unconfirmed", "rumours") makes the claim
`unconfirmed`; relative dates ("Friday night") resolve against the publication time.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from ...claims import normalise_report
from ...domainmodel import DomainError, api_time, parse_time
from ..language import READ, arabic_dates, detect, name_of
from .arabic import arabic_names, read_arabic
from .reader import Reader, _unique


def claim_key(claim: dict[str, Any]) -> tuple[Any, ...] | None:
    """What makes two proposed claims the same claim (None: never merged, e.g. notes)."""
    t = claim["type"]
    if t == "control":
        return (t, claim.get("city"), claim.get("faction"))
    if t == "clash":
        return (t, claim.get("city"), tuple(sorted(claim.get("factions") or ())))
    if t == "advance":
        return (t, claim.get("faction"), claim.get("toward"), claim.get("governorate"),
                claim.get("captured_count"))
    if t == "leader_status":
        return (t, claim.get("leader"), claim.get("status"))
    if t == "coup":
        return (t, claim.get("led_by"), claim.get("against"))
    return None


def merge(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for claim in claims:
        key = claim_key(claim)
        if key is None:
            out.append(claim)
            continue
        day = claim["occurred_at"][:10]
        first = seen.get(key + (day,))
        if first is None:
            seen[key + (day,)] = claim
            out.append(claim)
            continue
        if claim.get("location") and not first.get("location"):
            first["location"] = claim["location"]
        ranks = {"unconfirmed": 0, "reported": 1, "confirmed": 2}
        if ranks[claim["confidence"]] > ranks[first["confidence"]]:
            first["confidence"] = claim["confidence"]
    return out


def extract(text: str, published_at: str | datetime, names: Any, queries: Any = None,
            source: dict[str, Any] | str | None = None) -> dict[str, Any]:
    """`{claims, unresolved, headline}` (and `report`, a POST /reports body, when `source` is
    given). Every proposed claim has been checked as POST /reports would check it."""
    # One view of the names for the whole text: thousands of lookups each checked the names
    # table's version, a third of the reading time of a long text (bench/ B7).
    with (names.pinned() if hasattr(names, "pinned") else nullcontext()):
        return _extract(text, published_at, names, queries, source)


def _extract(text: str, published_at: str | datetime, names: Any, queries: Any,
             source: dict[str, Any] | str | None) -> dict[str, Any]:
    published = parse_time(published_at) if isinstance(published_at, str) else published_at
    language = detect(text)
    reader = Reader(text, published, names, queries)
    if language in READ or _LATIN_SCRIPT.get(language, False):
        reader.read()  # English rules; a Latin-script text may still name and date in English
    elif language == "ar":  # arabic.py: a first reader, on the names the answer gives too
        found = arabic_names(text, names)
        reader.claims.extend(read_arabic(text, published, names, found))
    claims = merge(reader.claims)
    if queries is not None:
        for claim in claims:
            if claim["type"] == "control" and "from_faction" not in claim:
                before = _controller_before(queries, claim["city"], claim["occurred_at"])
                if before and before != claim["faction"]:
                    claim["from_faction"] = before
    checked = []
    for claim in claims:
        try:
            normalise_report({"source": {"name": "check"}, "published_at": published.isoformat(),
                              "claims": [claim]}, names, queries)
        except DomainError as e:
            reader.unresolved.append({"text": claim.get("summary") or "", "kind": claim["type"],
                                      "reason": f"dropped: {e.detail}"[:500],
                                      "sentence": (claim.get("summary") or "")[:500]})
            continue
        checked.append(claim)
    for claim in checked:
        # Read in the article's local time (a day is a Damascus day, for merging); answered
        # in UTC with a Z, like every timestamp the API gives, and the same instant.
        claim["occurred_at"] = api_time(parse_time(claim["occurred_at"]))
    answer: dict[str, Any] = {"claims": checked, "unresolved": reader.unresolved,
                              "headline": reader.headline, "language": language,
                              "unsupported": [], "mentions": reader.found_names()}
    if language == "und" and checked:
        answer["language"] = language = "en"  # read as English, and claims came of it
    if language not in READ:
        # Names and dates are read in Arabic too, and some claims (arabic.py); other languages'
        # claims not at all. Without a claim, the answer says its language's were not read.
        if language == "ar":
            answer["mentions"] = [{k: m[k] for k in ("text", "kind", "id")} for m in _unique(found)]
            answer["dates"] = arabic_dates(text, published)
        if not checked:
            answer["unsupported"].append(f"claims in {name_of(language)}")
    if not checked and not answer["unsupported"]:
        answer["unsupported"].append(
            "no claim found: no sentence joins a known place, faction or leader to an event "
            "the reader knows (control, clash, advance, coup, a leader's whereabouts)"
            + ("; see `unresolved` for the names it did not know" if reader.unresolved else ""))
    if source is not None:
        src = {"name": source} if isinstance(source, str) else dict(source)
        report = {"source": src, "published_at": api_time(published), "claims": checked}
        if reader.headline:
            report["headline"] = reader.headline
        report["body"] = text
        answer["report"] = report
    return answer


# Latin-script languages: the English rules still run (names, English loanwords, dates in
# figures); their claims are what the answer's `unsupported` then says it could not read.
_LATIN_SCRIPT = {"fr": True, "de": True, "es": True, "it": True, "tr": True, "und": True}


def propose(app: Any, text: str, published_at: str | datetime,
            source: dict[str, Any] | str | None = None,
            idempotency: dict[str, Any] | None = None) -> dict[str, Any]:
    """`extract()` against the application's names and state (`POST /extract`). With an
    Idempotency-Key's lease, the answer is kept for the key, so that a retry gets it back;
    nothing else is stored."""
    answer = extract(text, published_at, app.names, app.queries, source=source)
    if idempotency:
        app.complete_idempotency(idempotency, answer, 200)
    return answer


def _controller_before(queries: Any, city: str, occurred_at: str) -> str | None:
    try:
        at = parse_time(occurred_at) - timedelta(seconds=1)
        return queries.city_state(city, queries.point(at=at))["controller"]
    except Exception:  # a proposal: without the state, the reviewer fills it in
        return None
