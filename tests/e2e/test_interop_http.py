"""Interoperability over HTTP on both stores: ACLED CSV in, GeoJSON and CSV out, an article in and
proposed claims out; each documented in the OpenAPI document with its content type."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from tests.conftest import control, report

ROOT = Path(__file__).resolve().parent.parent.parent
ACLED = (ROOT / "tests" / "fixtures" / "acled" / "syria-2024-11-12.csv").read_bytes()
PROBLEM = "application/problem+json"


def is_problem(r, status):
    return r.status_code == status and r.mimetype == PROBLEM and r.get_json()["status"] == status


def file(client, *claims, published_at=None):
    r = client.post("/reports", json=report(*claims, published_at=published_at), headers=client.auth)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


# ---- POST /imports/acled --------------------------------------------------------------------------

def test_an_acled_export_is_imported_once_with_a_writer_token(client):
    timeline = client.application.extensions["timeline"]
    assert is_problem(client.post("/imports/acled", data=ACLED, content_type="text/csv"), 401)
    r = client.post("/imports/acled", data=ACLED, content_type="text/csv", headers=client.auth)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["imported"], body["unchanged"], body["corrected"]) == (9, 0, 0)
    assert body["rejected"] == [
        {"line": 12, "reason": "event_date '2024-13-45' is not a date (e.g. 2024-11-29 or 29 November 2024)"},
        {"line": 13, "reason": "empty location"},
        {"line": 14, "reason": "latitude/longitude are not numbers"}]
    state = client.get("/cities/aleppo/state", query_string={
        "at": "2024-11-30T00:00:00Z", "known_at": f"@{body['position']}"}).get_json()
    assert state["controller"] == "hts"
    head = timeline.head()
    again = client.post("/imports/acled", data=ACLED, content_type="text/csv; charset=utf-8",
                        headers=client.auth).get_json()
    assert (again["imported"], again["unchanged"]) == (0, 9)
    assert timeline.head() == head


def test_an_idempotent_retry_of_an_import_answers_the_first_answer(client):
    headers = {**client.auth, "Idempotency-Key": "acled-2024-12"}
    first = client.post("/imports/acled", data=ACLED, content_type="text/csv", headers=headers)
    retry = client.post("/imports/acled", data=ACLED, content_type="text/csv", headers=headers)
    assert retry.status_code == first.status_code == 200
    assert retry.get_json() == first.get_json() and retry.get_json()["imported"] == 9
    assert retry.headers.get("Idempotent-Replayed") == "true"


def test_bad_imports_are_problems_and_write_nothing(client):
    timeline = client.application.extensions["timeline"]
    head = timeline.head()
    assert is_problem(client.post("/imports/acled", json={"rows": []}, headers=client.auth), 415)
    assert is_problem(client.post("/imports/acled", data="\xff\xfe".encode("latin-1"),
                                  content_type="text/csv", headers=client.auth), 400)
    r = client.post("/imports/acled", data=b"city,controller\nAleppo,HTS\n", content_type="text/csv",
                    headers=client.auth)
    assert is_problem(r, 422) and "event_id_cnty" in r.get_json()["detail"]
    assert is_problem(client.post("/imports/acled", data=b"", content_type="text/csv",
                                  headers=client.auth), 422)
    assert timeline.head() == head


# ---- GET /state.geojson ---------------------------------------------------------------------------

def test_the_state_is_an_rfc7946_feature_collection_of_points(client):
    first = file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    file(client, control("Aleppo", "SAA", "2024-12-03T12:00:00Z"), published_at="2024-12-04T00:00:00Z")
    r = client.get("/state.geojson", query_string={"at": "2024-12-01T00:00:00Z"})
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    doc = json.loads(r.data)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    places = {e["id"]: e for e in client.application.extensions["timeline"].names.entities("place")}
    assert {f["id"] for f in doc["features"]} == set(places)
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (places[feature["id"]]["lon"], places[feature["id"]]["lat"])  # [lon, lat]
        assert set(feature["properties"]) == {"id", "name", "controller", "status", "since", "confidence"}
    by_id = {f["id"]: f["properties"] for f in doc["features"]}
    assert by_id["aleppo"] == {"id": "aleppo", "name": "Aleppo", "controller": "hts", "status": "held",
                               "since": "2024-11-29T18:00:00Z", "confidence": "reported"}
    assert by_id["homs"]["controller"] is None and by_id["homs"]["status"] == "unknown"
    later = client.get("/state.geojson", query_string={"at": "2024-12-05T00:00:00Z"}).get_json()
    assert {f["id"]: f["properties"]["controller"] for f in later["features"]}["aleppo"] == "syrian-arab-army"
    # as known before the second report
    known = client.get("/state.geojson", query_string={
        "at": "2024-12-05T00:00:00Z", "known_at": f"@{first['position']}"}).get_json()
    assert {f["id"]: f["properties"]["controller"] for f in known["features"]}["aleppo"] == "hts"


def test_geojson_takes_min_confidence_and_refuses_naive_times(client):
    file(client, control("Homs", "HTS", "2024-12-06T12:00:00Z", confidence="unconfirmed"))
    def homs(**q):
        doc = client.get("/state.geojson", query_string={"at": "2024-12-07T00:00:00Z", **q}).get_json()
        return {f["id"]: f["properties"]["controller"] for f in doc["features"]}["homs"]
    assert homs() is None
    assert homs(min_confidence="unconfirmed") == "hts"
    assert is_problem(client.get("/state.geojson?at=2024-12-07T00:00:00"), 422)
    assert is_problem(client.get("/state.geojson?min_confidence=sure"), 422)


# ---- GET /timeline.csv ----------------------------------------------------------------------------

def test_the_timeline_csv_has_the_rows_of_the_timeline_with_the_same_filters(client):
    file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00", summary="=HYPERLINK(\"x\")"),
         {"type": "clash", "city": "Homs", "factions": ["HTS", "SAA"], "occurred_at": "2024-12-01T00:00:00Z"},
         control("Hama", "HTS", "2024-12-05T12:00:00Z"))
    r = client.get("/timeline.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8"))))
    items = client.get("/timeline").get_json()["items"]
    assert [row["claim"] for row in rows] == [i["claim"] for i in items] and len(rows) == 3
    assert [row["at"] for row in rows] == [i["at"] for i in items]
    aleppo = rows[0]
    assert (aleppo["type"], aleppo["city"], aleppo["faction"]) == ("control", "aleppo", "hts")
    assert aleppo["changes"] == "place aleppo controller:  -> hts; place aleppo status: unknown -> held"
    assert aleppo["summary"] == "'=HYPERLINK(\"x\")"  # a spreadsheet must not run it
    assert rows[1]["factions"] == "hts;syrian-arab-army"
    only_homs = list(csv.DictReader(io.StringIO(client.get("/timeline.csv?city=Hims").data.decode())))
    assert [row["city"] for row in only_homs] == ["homs"]
    window = client.get("/timeline.csv", query_string={"from": "2024-12-02T00:00:00Z"}).data.decode()
    assert [row["city"] for row in csv.DictReader(io.StringIO(window))] == ["hama"]
    r = client.get("/timeline.csv?city=Atlantis")
    assert is_problem(r, 422) and "city" in r.get_json()["errors"]


def test_the_timeline_csv_exports_every_page_unless_a_page_is_asked_for(client):
    for day in range(1, 6):
        file(client, control("Aleppo", "HTS" if day % 2 else "SAA", f"2024-12-0{day}T12:00:00Z"))
    everything = client.get("/timeline.csv")
    assert len(everything.data.decode().strip().splitlines()) == 1 + 5
    page = client.get("/timeline.csv?limit=2")
    assert len(page.data.decode().strip().splitlines()) == 1 + 2
    assert 'rel="next"' in page.headers["Link"]


# ---- POST /extract --------------------------------------------------------------------------------

SEED = json.loads((ROOT / "seeds" / "syria-2024" / "reports" / "01-seed-article.json").read_text())


def test_an_article_becomes_claims_that_post_reports_accepts_and_nothing_is_stored(client):
    timeline = client.application.extensions["timeline"]
    head = timeline.head()
    r = client.post("/extract", json={"text": SEED["body"], "published_at": SEED["published_at"],
                                      "source": {"name": "Seed article", "kind": "news"}})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert timeline.head() == head
    assert {"type": "control", "city": "aleppo", "faction": "hts"}.items() <= body["claims"][
        [c["type"] for c in body["claims"]].index("control")].items()
    assert {c["type"] for c in body["claims"]} >= {"control", "clash", "advance", "coup", "leader_status"}
    assert isinstance(body["unresolved"], list)
    filed = client.post("/reports", json={"source": {"name": "Seed article"},
                                          "published_at": SEED["published_at"],
                                          "claims": body["claims"]}, headers=client.auth)
    assert filed.status_code == 201, filed.get_json()
    assert client.post("/reports", json=body["report"], headers=client.auth).status_code == 201


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_every_timestamp_extract_answers_is_utc_with_a_z_and_files_as_the_same_instant(client):
    r = client.post("/extract", json={"text": "HTS seized control of Aleppo on Friday night.",
                                      "published_at": "2024-11-30T22:00:00+03:00",
                                      "source": "Example wire"})
    body = r.get_json()
    [claim] = body["claims"]
    assert claim["occurred_at"] == "2024-11-29T18:00:00Z"  # Friday night in Damascus, 21:00 +03:00
    assert body["report"]["published_at"] == "2024-11-30T19:00:00Z"
    stamps = [t for t in _strings(body) if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", t)]
    assert len(stamps) == 3 and all(t.endswith("Z") for t in stamps), stamps
    filed = client.post("/reports", json=body["report"], headers=client.auth).get_json()
    assert client.get(f"/claims/{filed['claims'][0]['id']}").get_json()["occurred_at"] == claim["occurred_at"]


def test_extract_refuses_what_it_cannot_read(client):
    assert is_problem(client.post("/extract", json={"text": "HTS took Aleppo.",
                                                    "published_at": "2024-11-30T22:00:00"}), 422)
    assert is_problem(client.post("/extract", json={"published_at": "2024-11-30T22:00:00Z"}), 422)
    assert is_problem(client.post("/extract", json={"text": "  ", "published_at": "2024-11-30T22:00:00Z"}), 422)
    assert is_problem(client.post("/extract", data="text", content_type="text/plain"), 415)


# ---- the OpenAPI document -------------------------------------------------------------------------

def test_the_interop_routes_are_documented_with_their_content_types(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    acled = paths["/imports/acled"]["post"]
    assert "text/csv" in acled["requestBody"]["content"] and acled["security"] == [{"bearer": []}]
    assert {"401", "415", "422"} <= set(acled["responses"])
    assert "application/geo+json" in paths["/state.geojson"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in paths["/timeline.csv"]["get"]["responses"]["200"]["content"]
    names = {p["name"] for p in paths["/timeline.csv"]["get"]["parameters"]}
    assert {"from", "to", "known_at", "city", "faction", "leader"} <= names
    assert "application/json" in paths["/extract"]["post"]["requestBody"]["content"]
