"""Every malformed request we could think of, as a table: each must be answered with the right
4xx as application/problem+json with a useful `detail`, and must leave the log (and the stored
idempotency answers) exactly as they were. Runs on SQLite and PostgreSQL against a store seeded
with the real reference data (whose gazetteer has genuinely ambiguous names, e.g. Salakhed)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import new_store_url

T = "2024-12-01T10:00:00+02:00"
CONTROL = {"type": "control", "city": "Aleppo", "faction": "HTS", "occurred_at": T}
NOTE = {"type": "note", "text": "a note", "occurred_at": T}


def rep(*claims: Any, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"source": {"name": "Bad input wire"}, "published_at": T,
                            "claims": list(claims) if claims else [CONTROL]}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not DROP}


DROP = object()


@dataclass
class Case:
    label: str
    status: int | tuple[int, ...]
    body: Any = None
    path: str = "/reports"
    method: str = "POST"
    raw: bytes | None = None
    content_type: str | None = "application/json"
    auth: str = "writer"  # writer | none | unknown | revoked | basic | empty
    headers: dict[str, str] = field(default_factory=dict)
    error_path: str | None = None  # a key expected in the problem's `errors`
    mention: str | None = None  # a word the `detail` must contain (case-insensitive)


def cases(ctx: dict[str, str]) -> list[Case]:
    """`ctx` holds ids made by the fixture: a live claim, a retracted claim, a retract claim."""
    live, gone, retraction = ctx["live"], ctx["retracted"], ctx["retraction"]
    many_claims = [dict(NOTE, text=str(i)) for i in range(10_000)]
    nested = b"[" * 100_000 + b"]" * 100_000
    return [
        # -- who is asking
        Case("no token", 401, rep(), auth="none", mention="token"),
        Case("unknown token", 401, rep(), auth="unknown", mention="token"),
        Case("revoked token", 401, rep(), auth="revoked", mention="revoked"),
        Case("basic instead of bearer", 401, rep(), auth="basic", mention="bearer"),
        Case("empty bearer", 401, rep(), auth="empty", mention="bearer"),
        Case("no token on POST /factions", 401, {"name": "Nobody's Brigade"}, "/factions",
             auth="none"),
        # -- the body as bytes
        Case("text/plain body", 415, raw=json.dumps(rep()).encode(), content_type="text/plain",
             mention="json"),
        Case("form-encoded body", 415, raw=b"source=x", content_type="application/x-www-form-urlencoded"),
        Case("no content type", 415, raw=json.dumps(rep()).encode(), content_type=None),
        Case("empty body", (400, 422), raw=b""),
        Case("truncated JSON", 400, raw=b'{"source": {"name": "x"}, "claims": [', mention="json"),
        Case("trailing garbage after JSON", 400, raw=json.dumps(rep()).encode() + b" }{"),
        Case("invalid UTF-8", 400, raw=b'{"source": {"name": "\xff\xfe"}}', mention="utf-8"),
        Case("UTF-16 body", (400, 415, 422), raw=json.dumps(rep()).encode("utf-16")),
        Case("oversize body (2 MiB)", 413, raw=b'{"body": "' + b"x" * (2 * 1024 * 1024) + b'"}',
             mention="large"),
        Case("deeply nested JSON", (400, 422), raw=nested),
        Case("NaN in JSON", (400, 422), raw=json.dumps(rep()).encode().replace(b'"Bad input wire"', b"NaN")),
        Case("top-level array", (400, 422), []),
        Case("top-level string", (400, 422), "a report"),
        Case("top-level null", (400, 422), raw=b"null"),
        Case("NUL character in a string", 422, rep(headline="bad\u0000headline")),
        Case("lone surrogate in a string", (400, 422), raw=b'{"source": {"name": "\\ud800"}, '
             b'"published_at": "2024-12-01T10:00:00Z", "claims": [{"type": "note", "text": "x", '
             b'"occurred_at": "2024-12-01T10:00:00Z"}]}'),
        # -- the report
        Case("missing source", 422, rep(source=DROP), error_path="source"),
        Case("source is a string", 422, rep(source="Reuters"), error_path="source"),
        Case("source name empty", 422, rep(source={"name": ""}), error_path="source.name"),
        Case("source url not a URL", 422, rep(source={"name": "x", "url": "not a url"}),
             error_path="source.url"),
        Case("missing published_at", 422, rep(published_at=DROP), error_path="published_at"),
        Case("naive published_at", 422, rep(published_at="2024-12-01T10:00:00"),
             error_path="published_at", mention="offset"),
        Case("date only published_at", 422, rep(published_at="2024-12-01"), error_path="published_at"),
        Case("30 February", 422, rep(published_at="2024-02-30T10:00:00Z"), error_path="published_at"),
        Case("hour 25", 422, rep(published_at="2024-12-01T25:00:00Z"), error_path="published_at"),
        Case("offset +25:00", 422, rep(published_at="2024-12-01T10:00:00+25:00"),
             error_path="published_at"),
        Case("year 0", 422, rep(published_at="0000-01-01T00:00:00Z"), error_path="published_at"),
        Case("published_at a number", 422, rep(published_at=1733047200), error_path="published_at"),
        Case("published_at in words", 422, rep(published_at="yesterday"), error_path="published_at"),
        Case("missing claims", 422, rep(claims=DROP), error_path="claims"),
        Case("no claims", 422, rep(claims=[]), error_path="claims"),
        Case("claims an object", 422, rep(claims={"0": CONTROL}), error_path="claims"),
        Case("10,000 claims", (413, 422), rep(claims=many_claims), mention="claims"),
        Case("unknown top-level field", 422, rep(verdict="true"), error_path="verdict"),
        Case("headline a number", 422, rep(headline=42), error_path="headline"),
        # -- claims
        Case("claim a string", 422, rep("HTS took Aleppo"), error_path="claims.0"),
        Case("claim type missing", 422, rep({k: v for k, v in CONTROL.items() if k != "type"}),
             error_path="claims.0.type"),
        Case("claim type unknown", 422, rep(dict(CONTROL, type="conquest")), error_path="claims.0.type"),
        Case("naive occurred_at", 422, rep(dict(CONTROL, occurred_at="2024-12-01T10:00:00")),
             error_path="claims.0.occurred_at", mention="offset"),
        Case("missing occurred_at", 422, rep({k: v for k, v in CONTROL.items() if k != "occurred_at"}),
             error_path="claims.0.occurred_at"),
        Case("control without faction", 422, rep({k: v for k, v in CONTROL.items() if k != "faction"}),
             error_path="claims.0.faction"),
        Case("unknown city", 422, rep(dict(CONTROL, city="Atlantis")), error_path="claims.0.city",
             mention="Atlantis"),
        Case("misspelt city offers the closest names", 422, rep(dict(CONTROL, city="Aleppp")),
             error_path="claims.0.city", mention="aleppo"),
        Case("ambiguous city", 422, rep(dict(CONTROL, city="Salakhed")), error_path="claims.0.city",
             mention="ambiguous"),
        Case("unknown faction", 422, rep(dict(CONTROL, faction="Martians")),
             error_path="claims.0.faction"),
        Case("city a number", 422, rep(dict(CONTROL, city=42)), error_path="claims.0.city"),
        Case("faction a list", 422, rep(dict(CONTROL, faction=["HTS"])), error_path="claims.0.faction"),
        Case("city an empty string", 422, rep(dict(CONTROL, city="")), error_path="claims.0.city"),
        Case("bad confidence", 422, rep(dict(CONTROL, confidence="certain")),
             error_path="claims.0.confidence"),
        Case("bad precision", 422, rep(dict(CONTROL, precision="fortnight")),
             error_path="claims.0.precision"),
        Case("field of another claim type", 422, rep(dict(CONTROL, leader="Assad")),
             error_path="claims.0.leader"),
        Case("from_faction equals faction", 422, rep(dict(CONTROL, from_faction="HTS")),
             error_path="claims.0.from_faction"),
        Case("clash with one faction", 422, rep({"type": "clash", "city": "Aleppo",
                                                  "factions": ["HTS"], "occurred_at": T}),
             error_path="claims.0.factions"),
        Case("clash with one faction twice", 422, rep({"type": "clash", "city": "Aleppo",
                                                        "factions": ["HTS", "hts"], "occurred_at": T}),
             error_path="claims.0.factions"),
        Case("leader status unknown", 422, rep({"type": "leader_status", "leader": "Assad",
                                                 "status": "vacationing", "occurred_at": T}),
             error_path="claims.0.status"),
        Case("coup by an unknown leader", 422, rep({"type": "coup", "city": "Damascus",
                                                     "led_by": "Nobody", "against": "Assad",
                                                     "occurred_at": T}),
             error_path="claims.0.led_by"),
        Case("captured_count negative", 422, rep({"type": "advance", "faction": "HTS",
                                                   "captured_count": -3, "occurred_at": T}),
             error_path="claims.0.captured_count"),
        Case("captured_count a string", 422, rep({"type": "advance", "faction": "HTS",
                                                   "captured_count": "26", "occurred_at": T}),
             error_path="claims.0.captured_count"),
        Case("captured_count true", 422, rep({"type": "advance", "faction": "HTS",
                                               "captured_count": True, "occurred_at": T}),
             error_path="claims.0.captured_count"),
        Case("note without text", 422, rep({"type": "note", "text": "", "occurred_at": T}),
             error_path="claims.0.text"),
        Case("summary too long", 422, rep(dict(CONTROL, summary="x" * 20_001)),
             error_path="claims.0.summary"),
        Case("one bad claim among good ones", 422, rep(CONTROL, dict(CONTROL, city="Atlantis"), NOTE),
             error_path="claims.1.city"),
        # -- corrections
        Case("retract an unknown claim", 422, rep({"type": "retract", "reason": "no",
                                                    "claim": "00000000-0000-0000-0000-000000000000"}),
             error_path="claims.0.claim"),
        Case("retract a claim id that is not a string", 422, rep({"type": "retract", "reason": "no",
                                                                   "claim": 7}),
             error_path="claims.0.claim"),
        Case("retract without a reason", 422, rep({"type": "retract", "claim": live}),
             error_path="claims.0.reason"),
        Case("retract a claim twice", 409, rep({"type": "retract", "claim": gone, "reason": "again"}),
             mention="retracted"),
        Case("confirm a retracted claim", 409, rep({"type": "confirm", "claim": gone}),
             mention="retracted"),
        # API.md v2: a retraction may be retracted (undo), not confirmed
        Case("confirm a retraction", 422, rep({"type": "confirm", "claim": retraction}),
             error_path="claims.0.claim"),
        Case("dissolve an unknown faction", 422, rep({"type": "dissolve", "faction": "Martians",
                                                       "occurred_at": T}),
             error_path="claims.0.faction"),
        Case("dissolve into itself", 422, rep({"type": "dissolve", "faction": "HTS",
                                                "into": "hts", "occurred_at": T}),
             error_path="claims.0.into"),
        Case("dissolve into an unknown faction", 422, rep({"type": "dissolve", "faction": "HTS",
                                                            "into": "Martians", "occurred_at": T}),
             error_path="claims.0.into"),
        Case("the same claim retracted twice in one report", 422,
             rep({"type": "retract", "claim": live, "reason": "a"},
                 {"type": "retract", "claim": live, "reason": "b"}),
             error_path="claims.1.claim"),
        # -- reference data
        Case("faction without a name", 422, {"aliases": ["X"]}, "/factions", error_path="name"),
        Case("faction name empty", 422, {"name": ""}, "/factions", error_path="name"),
        Case("faction name without letters", 422, {"name": "!!!"}, "/factions", error_path="name"),
        Case("faction known under another spelling", 409, {"name": "hts"}, "/factions",
             mention="already"),
        Case("faction with an unknown parent", 422, {"name": "Lost Brigade", "parent": "Nowhere Army"},
             "/factions", error_path="parent"),
        Case("faction that is its own parent (a cycle)", 422,
             {"name": "Loop Brigade", "parent": "Loop Brigade"}, "/factions", error_path="parent"),
        Case("faction aliases not a list", 422, {"name": "Odd Brigade", "aliases": "OB"}, "/factions",
             error_path="aliases"),
        Case("city without lat", 422, {"name": "Newtown", "lon": 36.0}, "/cities", error_path="lat"),
        Case("city lat 91", 422, {"name": "Newtown", "lat": 91, "lon": 36.0}, "/cities",
             error_path="lat"),
        Case("city lon in words", 422, {"name": "Newtown", "lat": 35, "lon": "east"}, "/cities",
             error_path="lon"),
        Case("city with an unknown governorate", 422,
             {"name": "Newtown", "lat": 35, "lon": 36, "governorate": "Atlantis"}, "/cities",
             error_path="governorate"),
        Case("leader of an unknown faction", 422, {"name": "Nobody", "faction": "Martians"},
             "/leaders", error_path="faction"),
        # -- idempotency keys
        Case("Idempotency-Key reused with another body", 422, rep(NOTE),
             headers={"Idempotency-Key": "bad-input-used"}, mention="idempotency"),
        Case("Idempotency-Key too long", 400, rep(), headers={"Idempotency-Key": "k" * 500}),
        Case("Idempotency-Key blank", 400, rep(), headers={"Idempotency-Key": "   "}),
        # -- methods and queries
        Case("PUT /reports", 405, rep(), method="PUT"),
        Case("DELETE a report", 405, None, "/reports/" + ctx["report"], method="DELETE"),
        Case("POST /state", 405, {}, "/state"),
        Case("state at a time in words", (400, 422), None, "/state?at=yesterday", method="GET",
             mention="at"),
        Case("state at a naive time", (400, 422), None, "/state?at=2024-12-01T00:00:00", method="GET"),
        Case("known_at not a position", (400, 422), None, "/state?known_at=@abc", method="GET"),
        Case("min_confidence unknown", (400, 422), None, "/state?min_confidence=certain", method="GET"),
        Case("unknown city state", 404, None, "/cities/atlantis/state", method="GET"),
        Case("unknown report", 404, None, "/reports/not-a-report", method="GET"),
        Case("unknown claim", 404, None, "/claims/not-a-claim", method="GET"),
        Case("events after a negative position", (400, 422), None, "/events?after=-1", method="GET"),
        Case("events limit 0", (400, 422), None, "/events?limit=0", method="GET"),
        Case("events limit too large", (400, 422), None, "/events?limit=100000", method="GET"),
        Case("cities cursor forged", (400, 422), None, "/cities?cursor=forged!!", method="GET"),
        Case("timeline from in words", (400, 422), None, "/timeline?from=soon", method="GET"),
        # -- API.md v2: the third clock and staleness
        Case("published_by naive", 422, None, "/state?published_by=2024-12-01T00:00:00",
             method="GET", error_path="published_by"),
        Case("published_by in words", 422, None, "/cities/aleppo/state?published_by=soon",
             method="GET", error_path="published_by"),
        Case("timeline published_by naive", 422, None,
             "/timeline?published_by=2024-12-01T00:00", method="GET", error_path="published_by"),
        Case("stale_after not a duration", 422, None, "/cities/aleppo/state?stale_after=soon",
             method="GET", error_path="stale_after"),
        Case("stale_after with a bad unit", 422, None, "/state?stale_after=3w", method="GET",
             error_path="stale_after"),
    ]


LABELS = [c.label for c in cases({"live": "", "retracted": "", "retraction": "", "report": ""})]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def bad(request, tmp_path_factory):
    """One seeded store per backend for the whole table (seeding takes seconds)."""
    from api import create_app
    from timeline.application import TimelineApplication
    from timeline.seeding import seed

    url, cleanup = new_store_url(request.param, tmp_path_factory.mktemp("bad"))
    app = TimelineApplication(url)
    try:
        seed(app, reference_only=True)
        filed = app.file_report(rep(CONTROL, dict(CONTROL, city="Homs")))
        live, doomed = (c["id"] for c in filed["claims"])
        retraction = app.file_report(rep({"type": "retract", "claim": doomed, "reason": "denied"}))
        flask_app = create_app({"TIMELINE_APP": app, "TESTING": True})
        client = flask_app.test_client()
        tokens = {"writer": app.create_token("writer"), "revoked": app.create_token("writer")}
        app.revoke_token(tokens["revoked"])
        first = client.post("/reports", json=rep(), headers={
            "Authorization": f"Bearer {tokens['writer']}", "Idempotency-Key": "bad-input-used"})
        assert first.status_code == 201
        ctx = {"live": live, "retracted": doomed, "retraction": retraction["claims"][0]["id"],
               "report": filed["id"]}
        yield app, client, tokens, {c.label: c for c in cases(ctx)}
    finally:
        app.close()
        cleanup()


def authorization(case: Case, tokens: dict[str, str]) -> dict[str, str]:
    return {
        "writer": {"Authorization": f"Bearer {tokens['writer']}"},
        "revoked": {"Authorization": f"Bearer {tokens['revoked']}"},
        "unknown": {"Authorization": "Bearer made-up-token-0000000000000000"},
        "basic": {"Authorization": "Basic dXNlcjpwYXNz"},
        "empty": {"Authorization": "Bearer "},
        "none": {},
    }[case.auth]


def snapshot(app) -> tuple[int, int, int]:
    """What a rejected request must not change: the log, the idempotency answers, the names."""
    rm = app.recorder
    return (app.head(),
            int(rm.fetchone("SELECT COUNT(*) AS n FROM tl_idempotency")["n"]),
            int(rm.fetchone("SELECT COUNT(*) AS n FROM tl_names")["n"]))


@pytest.mark.parametrize("label", LABELS)
def test_bad_input_is_a_problem_and_writes_nothing(bad, label):
    app, client, tokens, table = bad
    case = table[label]
    headers = {**authorization(case, tokens), **case.headers}
    data = case.raw if case.raw is not None else (
        json.dumps(case.body).encode() if case.body is not None else None)
    if case.content_type and data is not None:
        headers["Content-Type"] = case.content_type
    before = snapshot(app)
    response = client.open(case.path, method=case.method, data=data, headers=headers)
    allowed = case.status if isinstance(case.status, tuple) else (case.status,)
    body = response.get_json(silent=True, force=True) or {}
    assert response.status_code in allowed, (response.status_code, body)
    assert response.mimetype == "application/problem+json"
    assert body.get("status") == response.status_code
    assert body.get("title") and body.get("type")
    detail = body.get("detail")
    assert isinstance(detail, str) and len(detail) >= 8, body
    if case.error_path:
        assert case.error_path in (body.get("errors") or {}), body
    if case.mention:
        assert case.mention.lower() in (detail + json.dumps(body.get("errors") or {})).lower(), body
    assert snapshot(app) == before


def test_the_table_covers_the_issue_list():
    """The kinds of bad input the issue names all have rows."""
    text = " ".join(LABELS).lower()
    for needle in ("naive", "30 february", "unknown city", "ambiguous", "a number", "missing",
                   "empty body", "oversize", "10,000 claims", "deeply nested", "invalid utf-8",
                   "text/plain", "unknown token", "revoked", "retract a claim twice",
                   "confirm a retracted", "cycle"):
        assert needle in text, needle
    assert len(LABELS) >= 90
