"""Every route of API.md through the Flask test client, on both stores, error paths included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import control, report

PROBLEM = "application/problem+json"


def post(client, path, body, **headers):
    return client.post(path, json=body, headers={**client.auth, **headers})


def is_problem(r, status):
    js = r.get_json(force=True)
    return (r.status_code == status and r.mimetype == PROBLEM and js["status"] == status
            and js["title"] and js["type"] and js["detail"])


# ---- reference data -----------------------------------------------------------------------------

def test_cities_are_searched_by_any_name_or_script_best_match_first(client):
    for q in ("Aleppo", "aleppo", "Halab", "حلب", "ALEPPO"):
        items = client.get("/cities", query_string={"q": q}).get_json()["items"]
        assert items and items[0]["id"] == "aleppo", q
    # diacritics and the final -ah do not matter
    assert client.get("/cities?q=Hamah").get_json()["items"][0]["id"] == "hama"
    assert client.get("/cities?q=Ḩamāh").get_json()["items"][0]["id"] == "hama"
    assert client.get("/cities?q=حماة").get_json()["items"][0]["id"] == "hama"
    # a misspelling still finds it, and nothing unrelated comes first
    assert client.get("/cities?q=Alepo").get_json()["items"][0]["id"] == "aleppo"
    assert client.get("/cities?q=zzzzqqq").get_json()["items"] == []


def test_an_entity_is_read_by_id_or_alias_and_has_the_documented_fields(client):
    city = client.get("/cities/Halab").get_json()
    assert city["id"] == "aleppo" and {"name", "aliases", "lat", "lon", "governorate", "parent"} <= set(city)
    assert client.get("/cities/kafr-sousa").get_json()["parent"] == "damascus"
    faction = client.get("/factions/Fourth Division").get_json()
    assert faction["id"] == "4th-division" and faction["parent"] == "syrian-arab-army"
    leader = client.get("/leaders/hassam louka").get_json()
    assert leader["id"] == "hussam-louka" and leader["faction"] == "syrian-arab-army"
    assert "role" in leader
    for path in ("/cities/atlantis", "/factions/nobody", "/leaders/nobody"):
        assert is_problem(client.get(path), 404)


def test_registering_an_entity_answers_201_then_409_for_a_known_name(client):
    r = post(client, "/cities", {"name": "Tal Rifaat", "aliases": ["Tall Rifat", "تل رفعت"],
                                 "lat": 36.47, "lon": 37.1, "governorate": "Aleppo"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["id"] == "tal-rifaat"
    assert client.get("/cities?q=تل رفعت").get_json()["items"][0]["id"] == "tal-rifaat"
    assert is_problem(post(client, "/cities", {"name": "tall rifat", "lat": 1, "lon": 1}), 409)
    r = post(client, "/factions", {"name": "Free Syrian Army", "aliases": ["FSA"], "parent": "SNA"})
    assert r.status_code == 201 and r.get_json()["parent"] == "sna"
    r = post(client, "/leaders", {"name": "Abu Mohammad al-Jolani", "role": "HTS leader", "faction": "HTS"})
    assert r.status_code == 201 and r.get_json()["faction"] == "hts"
    assert client.get("/leaders/abu-mohammad-al-jolani").status_code == 200


def test_a_reference_to_an_unknown_entity_is_a_422_naming_the_field(client):
    r = post(client, "/factions", {"name": "Splinter", "parent": "Hayat Tahrir al-Shem"})
    assert is_problem(r, 422)
    assert "HTS" in r.get_json()["errors"]["parent"][0] or "Hayat" in r.get_json()["errors"]["parent"][0]
    r = post(client, "/cities", {"name": "Nowhere", "lat": 100, "lon": 0})
    assert is_problem(r, 422) and "lat" in r.get_json()["errors"]
    r = post(client, "/cities", {"name": "Nowhere", "lat": 1, "lon": 1, "extra": 1})
    assert is_problem(r, 422) and "extra" in r.get_json()["errors"]


def test_lists_are_paginated_with_opaque_cursors_and_a_link_header(client):
    seen, url, pages = [], "/cities?limit=2", 0
    while url:
        r = client.get(url)
        js = r.get_json()
        assert set(js) >= {"items", "next"} and len(js["items"]) <= 2
        seen += [c["id"] for c in js["items"]]
        pages += 1
        if js["next"]:
            link = r.headers["Link"]
            assert link.endswith('rel="next"') and "cursor=" in link
            url = re.match(r"<http://localhost([^>]*)>", link).group(1)
        else:
            assert "Link" not in r.headers
            url = None
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 5 and pages == 3
    gov = post(client, "/cities", {"name": "Tal Rifaat", "lat": 36.47, "lon": 37.1, "governorate": "Aleppo"})
    assert gov.status_code == 201
    assert [c["id"] for c in client.get("/cities?governorate=Aleppo").get_json()["items"]] == ["tal-rifaat"]
    assert is_problem(client.get("/cities?cursor=not-a-cursor"), 422)
    assert is_problem(client.get("/cities?limit=0"), 422)
    assert is_problem(client.get("/cities?limit=1001"), 422)


# ---- reports and claims -------------------------------------------------------------------------

def test_reports_and_claims_are_read_back_with_their_current_retraction_and_confidence(client):
    filed = post(client, "/reports", report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"),
                                            {"type": "note", "text": "x", "occurred_at": "2024-11-30T00:00:00Z"}))
    claim = filed.get_json()["claims"][0]["id"]
    post(client, "/reports", report({"type": "confirm", "claim": claim}))
    got = client.get(f"/reports/{filed.get_json()['id']}").get_json()
    assert got["claims"][0]["confidence"] == "confirmed" and got["claims"][0]["retracted"] is False
    post(client, "/reports", report({"type": "retract", "claim": claim, "reason": "denied"}))
    one = client.get(f"/claims/{claim}").get_json()
    assert one["retracted"] is True and one["report"]["id"] == filed.get_json()["id"]
    assert is_problem(client.get("/reports/00000000-0000-0000-0000-000000000000"), 404)
    assert is_problem(client.get("/claims/nope"), 404)


def test_a_report_with_one_bad_claim_stores_none_of_them_and_names_each_bad_field(client):
    before = client.get("/events?limit=1000").get_json()["items"][-1]["position"]
    r = post(client, "/reports", report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z"),
                                        control("Aleppo", "Hayat Tahrir al-Shem", "2024-11-29T18:00:00Z"),
                                        control("Atlantis", "HTS", "2024-11-29T18:00:00Z")))
    assert is_problem(r, 422)
    errors = r.get_json()["errors"]
    assert {"claims.1.faction", "claims.2.city"} <= set(errors)
    assert "Hayat Tahrir al-Sham" in errors["claims.1.faction"][0]
    assert client.get("/events?limit=1000").get_json()["items"][-1]["position"] == before


def test_request_limits_are_4xx_with_a_clear_detail(client):
    too_many = report(*[control("Aleppo", "HTS", "2024-11-29T18:00:00Z")] * 201)
    r = post(client, "/reports", too_many)
    assert is_problem(r, 422) and "claims" in r.get_json()["errors"]
    long_summary = report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z", summary="x" * 20_001))
    r = post(client, "/reports", long_summary)
    assert is_problem(r, 422) and "claims.0.summary" in r.get_json()["errors"]
    r = post(client, "/factions", {"name": "Many", "aliases": [f"a{i}" for i in range(101)]})
    assert is_problem(r, 422) and "aliases" in r.get_json()["errors"]
    r = post(client, "/reports", report({"type": "clash", "city": "Aleppo", "occurred_at": "2024-11-29T18:00:00Z",
                                         "factions": ["HTS"] + ["SAA"] * 20}))
    assert is_problem(r, 422) and "claims.0.factions" in r.get_json()["errors"]
    r = client.post("/reports", data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                    headers={**client.auth, "Content-Type": "application/json"})
    assert is_problem(r, 413) and "larger" in r.get_json()["detail"]
    r = client.post("/reports", data="source=x", headers={**client.auth, "Content-Type": "text/plain"})
    assert is_problem(r, 415)
    r = client.post("/reports", data=b'{"source":', headers={**client.auth, "Content-Type": "application/json"})
    assert is_problem(r, 400)
    r = post(client, "/reports", report(control("Aleppo", "HTS\u0000", "2024-11-29T18:00:00Z")))
    assert is_problem(r, 422) and "claims.0.faction" in r.get_json()["errors"]


# A chunked body has no Content-Length; the server (gunicorn, Werkzeug's) decodes the chunks and
# ends the stream, and says so with wsgi.input_terminated.
CHUNKED = {"headers": {"Transfer-Encoding": "chunked"},
           "environ_overrides": {"wsgi.input_terminated": True}}
PADDING = b" " * (1024 * 1024 + 10)
ACLED_CSV = (Path(__file__).resolve().parent.parent / "fixtures" / "acled" / "syria-2024-11-12.csv").read_bytes()


@pytest.mark.parametrize("path,content_type,body", [
    ("/reports", "application/json", report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))),
    ("/cities", "application/json", {"name": "Tal Rifaat", "lat": 36.47, "lon": 37.1}),
    ("/factions", "application/json", {"name": "Free Syrian Army"}),
    ("/leaders", "application/json", {"name": "Ahmed al-Sharaa"}),
    ("/extract", "application/json", {"text": "HTS took Aleppo on Friday.",
                                      "published_at": "2024-11-30T22:00:00Z"}),
    ("/imports/acled", "text/csv", ACLED_CSV),
], ids=["reports", "cities", "factions", "leaders", "extract", "acled"])
def test_a_chunked_body_over_the_limit_is_a_413_and_writes_nothing(client, path, content_type, body):
    """Without a Content-Length the body used to be cut at the limit and parsed: a valid body
    padded past 1 MiB (whitespace, blank CSV lines) was accepted."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    head = client.application.extensions["timeline"].head()
    padded = raw + (b"\n" * len(PADDING) if content_type == "text/csv" else PADDING)
    r = client.post(path, data=padded, content_type=content_type,
                    headers={**client.auth, **CHUNKED["headers"]},
                    environ_overrides=CHUNKED["environ_overrides"])
    assert is_problem(r, 413) and "larger" in r.get_json()["detail"]
    assert client.application.extensions["timeline"].head() == head
    # the same body, chunked but within the limit, is read whole
    r = client.post(path, data=raw, content_type=content_type,
                    headers={**client.auth, **CHUNKED["headers"]},
                    environ_overrides=CHUNKED["environ_overrides"])
    assert r.status_code in (200, 201), r.get_json()


def test_a_chunked_body_of_exactly_the_limit_is_accepted(client):
    raw = json.dumps(report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))).encode()
    exact = raw + b" " * (1024 * 1024 - len(raw))
    r = client.post("/reports", data=exact, content_type="application/json",
                    headers={**client.auth, **CHUNKED["headers"]},
                    environ_overrides=CHUNKED["environ_overrides"])
    assert r.status_code == 201, r.get_json()


# ---- errors, methods and auth ------------------------------------------------------------------

def test_unknown_routes_and_methods_are_problems_and_405_keeps_allow(client):
    assert is_problem(client.get("/no/such/route"), 404)
    r = client.delete("/reports")
    assert is_problem(r, 405) and "POST" in r.headers["Allow"]
    r = client.put("/cities/aleppo", json={})
    assert is_problem(r, 405) and "GET" in r.headers["Allow"]


def test_a_missing_or_bad_token_is_401_with_a_bearer_challenge(client):
    body = report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        r = client.post("/reports", json=body, headers=headers)
        assert is_problem(r, 401) and r.headers["WWW-Authenticate"].startswith("Bearer")
    for path, payload in (("/cities", {"name": "X", "lat": 1, "lon": 1}), ("/factions", {"name": "X"}),
                          ("/leaders", {"name": "X"})):
        assert is_problem(client.post(path, json=payload), 401)


def test_reads_need_a_token_when_public_reads_are_off(world):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True, "PUBLIC_READS": False})
    c = flask_app.test_client()
    token = world.create_token("writer")
    for path in ("/state", "/cities", "/cities/aleppo", "/cities/aleppo/state", "/cities/aleppo/history",
                 "/factions/hts/state", "/leaders/bashar-al-assad/state", "/events", "/timeline",
                 "/events/stream"):
        r = c.get(path)
        assert is_problem(r, 401) and r.headers["WWW-Authenticate"].startswith("Bearer"), path
    assert c.get("/timeline", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert c.get(path).status_code == 200, path


# ---- state ---------------------------------------------------------------------------------------

def test_state_routes_answer_at_and_known_at_and_reject_bad_times(client):
    first = post(client, "/reports", report(control("Aleppo", "SAA", "2024-11-26T00:00:00Z"))).get_json()
    post(client, "/reports", report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"),
                                    {"type": "leader_status", "leader": "Assad", "status": "abroad",
                                     "location": "Moscow, Russia", "occurred_at": "2024-12-08T00:00:00Z"}))
    city = client.get("/cities/Halab/state?at=2024-12-01T00:00:00Z").get_json()
    assert city["controller"] == "hts" and city["status"] == "held" and city["since"] == "2024-11-29T18:00:00Z"
    assert client.get(f"/cities/aleppo/state?at=2024-12-01T00:00:00Z&known_at=@{first['position']}"
                      ).get_json()["controller"] == "syrian-arab-army"
    history = client.get("/cities/aleppo/history").get_json()["items"]
    assert [(h["controller"], h["from"]) for h in history] == [("syrian-arab-army", None),
                                                               ("hts", "syrian-arab-army")]
    assert client.get("/factions/SAA/state?at=2024-11-27T00:00:00Z").get_json()["cities"] == ["aleppo"]
    assert "bashar-al-assad" in client.get("/factions/SAA/state").get_json()["leaders"]
    leader = client.get("/leaders/Assad/state").get_json()
    assert leader["status"] == "abroad" and leader["location"] == "Moscow, Russia"
    world = client.get("/state?at=2024-12-01T00:00:00Z").get_json()
    assert {"at", "known_at", "position", "cities", "factions", "leaders"} <= set(world)
    for bad in ("at=2024-12-01T00:00:00", "at=yesterday", "known_at=@x", "min_confidence=sure",
                "contest_window=forever"):
        r = client.get(f"/state?{bad}")
        assert is_problem(r, 422), bad
    assert is_problem(client.get("/cities/atlantis/state"), 404)
    assert is_problem(client.get("/leaders/nobody/state"), 404)


@pytest.mark.parametrize("word", ["rumour", "rumor", "alleged", "unverified"])
def test_the_synonyms_of_unconfirmed_are_taken_as_unconfirmed_wherever_a_confidence_is_given(client, word):
    coup = {"type": "coup", "city": "Damascus", "led_by": "Hussam Louka", "against": "Assad",
            "occurred_at": "2024-11-30T21:00:00+03:00", "confidence": word}
    filed = post(client, "/reports", report(coup, control("Homs", "HTS", "2024-11-30T12:00:00Z",
                                                          confidence=word)))
    assert filed.status_code == 201, filed.get_json()
    claims = filed.get_json()["claims"]
    assert [c["confidence"] for c in claims] == ["unconfirmed", "unconfirmed"]
    assert client.get(f"/claims/{claims[0]['id']}").get_json()["confidence"] == "unconfirmed"
    at = "at=2024-12-01T00:00:00Z"
    # the alleged coup counts only when rumours are included, however that is spelt
    assert client.get(f"/leaders/hussam-louka/state?{at}").get_json()["status"] is None
    leader = client.get(f"/leaders/hussam-louka/state?{at}&min_confidence={word}").get_json()
    assert (leader["status"], leader["confidence"]) == ("leading_coup", "unconfirmed")
    assert client.get(f"/cities/homs/state?{at}&min_confidence={word}").get_json()["controller"] == "hts"
    world = client.get(f"/state?{at}&min_confidence={word}").get_json()
    assert world["min_confidence"] == "unconfirmed"
    geo = client.get(f"/state.geojson?{at}&min_confidence={word}").get_json()
    assert geo["min_confidence"] == "unconfirmed"
    items = client.get(f"/timeline?min_confidence={word}").get_json()["items"]
    assert all(i["counted"] for i in items) and len(items) == 2
    assert is_problem(client.get(f"/state?min_confidence={word.upper()}x"), 422)
    assert is_problem(post(client, "/reports", report(dict(coup, confidence="gossip"))), 422)


def test_the_openapi_document_lists_the_synonyms_of_unconfirmed(client):
    doc = client.get("/openapi.json").get_json()
    words = {"confirmed", "reported", "unconfirmed", "rumour", "rumor", "alleged", "unverified"}
    claim = doc["components"]["schemas"]["ClaimIn"]["oneOf"][0]["properties"]["confidence"]
    assert set(claim["enum"]) == words and "rumour" in claim["description"]
    for path in ("/state", "/cities/{id}/state", "/timeline", "/state.geojson", "/timeline.csv"):
        [param] = [p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == "min_confidence"]
        assert set(param["schema"]["enum"]) == words and "unconfirmed" in param["description"], path


# ---- the history replayed -------------------------------------------------------------------------

def _timeline_world(client):
    a = post(client, "/reports", report(control("Aleppo", "SAA", "2024-11-26T00:00:00Z"),
                                        control("Homs", "SAA", "2024-11-26T00:00:00Z"))).get_json()
    b = post(client, "/reports", report(
        control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"),
        {"type": "clash", "city": "Homs", "factions": ["HTS", "4th Division"], "occurred_at": "2024-12-06T00:00:00Z"},
        {"type": "leader_status", "leader": "Assad", "status": "abroad", "occurred_at": "2024-12-08T00:00:00Z"},
    )).get_json()
    # recorded later, but happened earlier in the world (out of order)
    c = post(client, "/reports", report(control("Hama", "HTS", "2024-12-05T15:00:00Z"),
                                        published_at="2024-12-09T00:00:00Z")).get_json()
    return a, b, c


def test_the_timeline_lists_claims_in_valid_time_order_with_the_changes_they_caused(client):
    a, b, c = _timeline_world(client)
    items = client.get("/timeline").get_json()["items"]
    assert [i["at"] for i in items] == sorted(i["at"] for i in items)
    by_claim = {i["claim"]: i for i in items}
    aleppo_hts = by_claim[b["claims"][0]["id"]]
    assert aleppo_hts["changes"] == [{"kind": "place", "id": "aleppo", "field": "controller",
                                      "from": "syrian-arab-army", "to": "hts"}]
    homs_clash = by_claim[b["claims"][1]["id"]]
    assert {"kind": "place", "id": "homs", "field": "status", "from": "held", "to": "contested"} in homs_clash["changes"]
    assert by_claim[b["claims"][2]["id"]]["changes"][0]["to"] == "abroad"
    assert by_claim[c["claims"][0]["id"]]["changes"][0] == {
        "kind": "place", "id": "hama", "field": "controller", "from": None, "to": "hts"}
    for item in items:
        assert {"at", "claim", "type", "summary", "changes"} <= set(item)


def test_the_timeline_is_filtered_by_city_faction_leader_time_and_known_at(client):
    a, b, c = _timeline_world(client)
    aleppo = client.get("/timeline?city=Halab").get_json()["items"]
    assert {i["city"] for i in aleppo} == {"aleppo"} and len(aleppo) == 2
    # a faction includes its sub-factions: the 4th Division's clash counts for the government
    government = client.get("/timeline?faction=SAA").get_json()["items"]
    assert b["claims"][1]["id"] in {i["claim"] for i in government}
    assert len(government) == 3
    assert [i["type"] for i in client.get("/timeline?leader=Assad").get_json()["items"]] == ["leader_status"]
    window = client.get("/timeline?from=2024-12-01T00:00:00Z&to=2024-12-06T00:00:00Z").get_json()["items"]
    assert [i["claim"] for i in window] == [c["claims"][0]["id"], b["claims"][1]["id"]]
    before_c = client.get(f"/timeline?known_at=@{b['position']}").get_json()
    assert c["claims"][0]["id"] not in {i["claim"] for i in before_c["items"]}
    assert before_c["position"] == b["position"]
    both = client.get("/timeline?city=Aleppo&faction=HTS").get_json()["items"]
    assert [i["claim"] for i in both] == [b["claims"][0]["id"]]
    r = client.get("/timeline?city=Atlantis&leader=Nobody")
    assert is_problem(r, 422) and {"city", "leader"} <= set(r.get_json()["errors"])


def test_a_retracted_claim_stays_on_the_timeline_but_changes_nothing(client):
    a, b, c = _timeline_world(client)
    target = b["claims"][0]["id"]
    retraction = post(client, "/reports", report({"type": "retract", "claim": target, "reason": "denied"},
                                                 published_at="2024-12-10T00:00:00Z")).get_json()
    items = {i["claim"]: i for i in client.get("/timeline?city=aleppo").get_json()["items"]}
    assert items[target]["retracted"] is True and items[target]["changes"] == []
    assert items[retraction["claims"][0]["id"]]["changes"] == [
        {"kind": "claim", "id": target, "field": "retracted", "from": False, "to": True}]
    # as known before the retraction, the claim still set the controller
    old = {i["claim"]: i for i in client.get(f"/timeline?known_at=@{b['position']}").get_json()["items"]}
    assert old[target]["changes"][0]["to"] == "hts"


def test_the_timeline_pages_through_one_snapshot_of_the_log(client):
    _timeline_world(client)
    first = client.get("/timeline?limit=2")
    page = first.get_json()
    assert len(page["items"]) == 2 and page["next"] and 'rel="next"' in first.headers["Link"]
    # a claim recorded while paging does not shift the pages
    post(client, "/reports", report(control("Damascus", "HTS", "2024-11-01T00:00:00Z")))
    seen = [i["claim"] for i in page["items"]]
    while page["next"]:
        page = client.get(f"/timeline?limit=2&cursor={page['next']}").get_json()
        seen += [i["claim"] for i in page["items"]]
    assert len(seen) == len(set(seen)) == 6
    assert is_problem(client.get("/timeline?cursor=bm9wZQ"), 422)


# ---- the log ---------------------------------------------------------------------------------------

def test_events_page_the_log_by_position(client):
    filed = post(client, "/reports", report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))).get_json()
    first = client.get("/events?limit=5")
    page = first.get_json()
    positions = [e["position"] for e in page["items"]]
    assert positions == sorted(positions) and len(positions) == 5
    assert "cursor=" in first.headers["Link"]
    everything = positions
    while page["next"]:
        page = client.get(f"/events?limit=5&cursor={page['next']}").get_json()
        everything += [e["position"] for e in page["items"]]
    assert everything[-1] == filed["position"] and len(everything) == len(set(everything))
    # `next` is a position: it works as `after=` too
    by_after = client.get("/events?limit=5").get_json()
    assert client.get(f"/events?limit=5&after={by_after['next']}").get_json()["items"][0]["position"] == everything[5]
    last = client.get(f"/events?after={filed['position'] - 1}").get_json()
    event = last["items"][0]
    assert last["next"] is None and event["position"] == filed["position"]
    assert event["type"] == "timeline.report.filed.v1" and event["stream"] == filed["id"]
    assert event["recorded_at"].endswith("Z") and event["data"]["claims"][0]["city"] == "aleppo"
    assert client.get(f"/events?after={filed['position']}").get_json() == {"items": [], "next": None}
    assert is_problem(client.get("/events?after=-1"), 422)


# ---- operations --------------------------------------------------------------------------------------

def test_health_readiness_and_metrics(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
    ready = client.get("/readyz").get_json()
    assert ready["position"] == ready["projected"] > 0
    post(client, "/reports", report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z")), **{"Idempotency-Key": "m"})
    post(client, "/reports", report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z")), **{"Idempotency-Key": "m"})
    client.get("/cities/atlantis")
    r = client.get("/metrics")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    text = r.get_data(as_text=True)
    assert re.search(r'timeline_http_requests_total\{method="POST",route="/reports",status="201"\} 2\.0', text)
    assert 'timeline_http_rejected_total{status="404"} 1.0' in text
    assert "timeline_events_appended_total 1.0" in text
    assert "timeline_idempotent_replays_total 1.0" in text
    assert "timeline_sse_streams_open 0.0" in text
    head = client.get("/readyz").get_json()["position"]
    assert f"timeline_read_model_position {float(head)}" in text


def test_each_response_carries_a_request_id(client):
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["X-Request-ID"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/healthz").headers["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/healthz", headers={"X-Request-ID": "x" * 500}).headers["X-Request-ID"])


def test_the_openapi_document_describes_every_route_of_the_contract(client):
    doc = client.get("/openapi.json").get_json()
    paths = doc["paths"]
    for path, method in [
        ("/cities", "get"), ("/cities", "post"), ("/cities/{id}", "get"),
        ("/factions", "get"), ("/factions", "post"), ("/factions/{id}", "get"),
        ("/leaders", "get"), ("/leaders", "post"), ("/leaders/{id}", "get"),
        ("/reports", "post"), ("/reports/{id}", "get"), ("/claims/{id}", "get"),
        ("/state", "get"), ("/cities/{id}/state", "get"), ("/cities/{id}/history", "get"),
        ("/factions/{id}/state", "get"), ("/leaders/{id}/state", "get"),
        ("/events", "get"), ("/events/stream", "get"), ("/timeline", "get"),
        ("/healthz", "get"), ("/readyz", "get"), ("/metrics", "get"), ("/openapi.json", "get"),
        ("/docs", "get"),
    ]:
        assert method in paths.get(path, {}), (path, method)
    problem = doc["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert "application/problem+json" in problem
    post_reports = paths["/reports"]["post"]
    assert {"400", "401", "403", "409", "413", "415", "422", "429"} <= set(post_reports["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post_reports["parameters"])
    assert post_reports["security"] == [{"bearer": []}]
    example = post_reports["requestBody"]["content"]["application/json"]["example"]
    assert example["claims"][1]["led_by"] == "Hassam Louka"  # from the seed article
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    timeline_params = {p["name"] for p in paths["/timeline"]["get"]["parameters"]}
    assert {"from", "to", "known_at", "city", "faction", "leader", "limit", "cursor"} <= timeline_params


def test_the_openapi_document_describes_every_route_the_app_serves(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for rule in client.application.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths.get(path, {}), (method, path)
    page = paths["/"]["get"]
    assert "text/html" in page["responses"]["200"]["content"] and "401" not in page["responses"]
    asset = paths["/static/{path}"]
    assert [p["name"] for p in asset["parameters"]] == ["path"]
    assert client.get("/static/css/app.css").status_code == 200
    assert is_problem(client.get("/static/no/such.js"), 404)


def test_the_openapi_document_describes_what_each_route_takes_and_answers(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    stream = paths["/events/stream"]["get"]
    assert {(p["in"], p["name"]) for p in stream["parameters"]} == {("query", "after"),
                                                                   ("header", "Last-Event-ID")}
    assert "text/event-stream" in stream["responses"]["200"]["content"]
    ready = paths["/readyz"]["get"]["responses"]
    assert "application/problem+json" in ready["503"]["content"]
    ready_ref = ready["200"]["content"]["application/json"]["schema"]["$ref"].rpartition("/")[2]
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    assert set(schemas[ready_ref]["properties"]) == {"status", "position", "projected"}
    assert set(client.get("/readyz").get_json()) == {"status", "position", "projected"}
    # /extract is public: no role to lack (a token is asked for only when reads are closed)
    assert "403" not in paths["/extract"]["post"]["responses"]
    assert "403" in paths["/reports"]["post"]["responses"]
    names = {path: {p["name"] for p in paths[path]["get"]["parameters"]}
             for path in ("/cities", "/factions", "/leaders")}
    assert names == {"/cities": {"limit", "cursor", "q", "governorate"},
                     "/factions": {"limit", "cursor", "q"}, "/leaders": {"limit", "cursor", "q"}}


def test_the_docs_page_is_served_from_the_package_without_a_cdn(client):
    r = client.get("/docs")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "http://" not in html and "https://" not in html
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        got = client.get(asset)
        assert got.status_code == 200 and len(got.data) > 100, asset
    assert is_problem(client.get("/docs/assets/nope.js"), 404)


@pytest.mark.parametrize("route", ["/timeline", "/events", "/cities"])
def test_list_routes_cap_the_page_size_at_1000(client, route):
    assert is_problem(client.get(f"{route}?limit=1001"), 422)
    assert client.get(f"{route}?limit=1000").status_code == 200


def test_each_request_but_health_and_metrics_is_one_json_access_log_line(client):
    import io
    import json
    import logging

    from api.observability import JSONFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    access = logging.getLogger("timeline.access")
    level = access.level
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        client.post("/reports", json=report(control("Aleppo", "HTS", "2024-12-01T00:00:00Z")),
                    headers={**client.auth, "X-Request-ID": "req-1"})
        client.get("/no-such-page")
        client.get("/healthz")
        client.get("/metrics")
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(x["method"], x["path"], x["route"], x["status"]) for x in lines] == [
        ("POST", "/reports", "/reports", 201), ("GET", "/no-such-page", "unmatched", 404)]
    first = lines[0]
    assert first["msg"] == "POST /reports 201" and first["request_id"] == "req-1"
    assert first["level"] == "info" and first["logger"] == "timeline.access"
    assert first["ts"].endswith("Z") and isinstance(first["duration_ms"], float)
    assert set(first) == {"ts", "level", "logger", "msg", "request_id", "method", "path", "route",
                          "status", "duration_ms"}


def test_entity_lists_page_by_keyset_so_a_write_between_pages_repeats_nothing(client):
    for name in ("Alpha Brigade", "Bravo Brigade", "Charlie Brigade", "Delta Brigade"):
        assert client.post("/factions", json={"name": name}, headers=client.auth).status_code == 201
    first = client.get("/factions?limit=3").get_json()
    # a faction whose id sorts before the page's end is registered before the next page
    assert client.post("/factions", json={"name": "AAA First"}, headers=client.auth).status_code == 201
    rest, cursor = [], first["next"]
    while cursor:
        page = client.get(f"/factions?limit=3&cursor={cursor}").get_json()
        rest += page["items"]
        cursor = page["next"]
    seen = [f["id"] for f in first["items"] + rest]
    assert len(seen) == len(set(seen))  # nothing repeated
    before = {f["id"] for f in client.get("/factions?limit=1000").get_json()["items"]} - {"aaa-first"}
    assert before <= set(seen)  # nothing that was there is skipped
    # the same with a search: ranked pages, no repeats
    ids, cursor = [], None
    while True:
        page = client.get("/factions", query_string={"q": "brigade", "limit": 2,
                                                      **({"cursor": cursor} if cursor else {})}).get_json()
        ids += [f["id"] for f in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert len(ids) == len(set(ids)) and "alpha-brigade" in ids


def test_an_unknown_governorate_filter_is_a_422_naming_the_known_ones(client):
    r = client.get("/cities?governorate=Nowhere")
    assert is_problem(r, 422) and "governorate" in r.get_json()["errors"]
    assert client.get("/cities?governorate=Aleppo").status_code == 200


def test_a_registered_entity_answers_its_aliases_as_it_is_read_back(client):
    r = client.post("/factions", json={"name": "fx e1", "aliases": ["FX-e1", "Fx e2", "ax e3"]},
                    headers=client.auth)
    assert r.status_code == 201
    created = r.get_json()
    read = client.get(f"/factions/{created['id']}").get_json()
    assert created["aliases"] == read["aliases"] == ["FX-e1", "Fx e2", "ax e3", "fx e1"]
