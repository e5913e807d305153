"""API.md v2, read as an outside tester reads it, sentence by sentence: `source.via` and a report's
origin, time sanity, `GET /reports`, `filed_by`, `GET /sources`, `GET /changes`,
`/timeline?source=`, the timeline CSV's source columns and `?bom=1`, and the generic conventions
on these routes (422 problem+json naming the field, never a 500, the OpenAPI document's formats
and patterns, Idempotency-Key, 401/403). Every check runs through the Flask test client and
against a real `timeline serve`, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from tests.conftest import control
from tests.e2e.acceptance_client import PROBLEM, either_api

SUMMARY_KEYS = {"id", "source", "origin", "published_at", "recorded_at", "position", "filed_by",
                "headline", "claims"}


@pytest.fixture(params=["flask", "served"])
def api(request, store_url, tmp_path):
    with either_api(request.param, store_url, tmp_path) as opened:
        yield opened


def body(name, published_at, *claims, via=None, headline=None, url=None):
    source = {"name": name}
    if via is not None:
        source["via"] = via
    if url is not None:
        source["url"] = url
    out = {"source": source, "published_at": published_at, "claims": list(claims)}
    if headline is not None:
        out["headline"] = headline
    return out


def filed(api, report, headers=None):
    r = api.post("/reports", report, headers)
    assert r.status == 201, r.body[:500]
    return r.json()


def problem(r, field):
    """A 422 problem document whose `errors` names `field`."""
    assert r.status == 422, (r.status, r.body[:500])
    assert r.mimetype == PROBLEM
    doc = r.json()
    assert {"type", "title", "status", "detail"} <= set(doc) and doc["status"] == 422
    assert field in doc["errors"], doc
    return doc


def items(api, query=""):
    r = api.get("/reports" + (f"?{query}" if query else ""))
    assert r.status == 200, r.body[:500]
    return r.json()["items"]


# ---- source.via and a report's origin -----------------------------------------------------------

def test_origin_is_via_if_given_else_name_compared_case_and_diacritics_insensitively(api):
    homs = control("Homs", "HTS", "2024-12-01T00:00:00Z")
    wire = filed(api, body("Reuters", "2024-12-02T00:00:00Z", homs))
    relay = filed(api, body("Daily Star", "2024-12-03T00:00:00Z", homs, via="RÉUTERS"))
    other = filed(api, body("L'Orient-Le Jour", "2024-12-04T00:00:00Z", homs, via="Agence France-Presse"))
    shown = {i["id"]: i for i in items(api)}
    assert shown[wire["id"]]["origin"] == "Reuters"
    assert shown[relay["id"]]["origin"] == "RÉUTERS"  # as written
    assert shown[relay["id"]]["source"] == {"name": "Daily Star", "via": "RÉUTERS"}
    assert shown[other["id"]]["origin"] == "Agence France-Presse"
    one = api.get(f"/reports/{relay['id']}").json()
    assert one["origin"] == "RÉUTERS" and one["source"]["via"] == "RÉUTERS"
    for spelling in ("reuters", "REUTERS", "Réuters", "réutérs"):
        assert [i["id"] for i in items(api, f"origin={quote(spelling)}")] == [relay["id"], wire["id"]], spelling
    # source= matches the name only, never the via
    assert [i["id"] for i in items(api, "source=reuters")] == [wire["id"]]
    assert [i["id"] for i in items(api, "source=DAILY%20STAR")] == [relay["id"]]
    # whole names: a prefix or a part matches nothing
    assert items(api, "origin=Reut") == [] and items(api, "source=Daily") == []
    # GET /sources groups by origin; the origin as first written, every spelling of the names
    sources = {s["origin"]: s for s in api.get("/sources").json()["items"]}
    assert set(sources) == {"Reuters", "Agence France-Presse"}
    assert sources["Reuters"] == {"origin": "Reuters", "names": ["Daily Star", "Reuters"], "reports": 2,
                                  "first_published": "2024-12-02T00:00:00Z",
                                  "last_published": "2024-12-03T00:00:00Z"}
    assert sources["Agence France-Presse"]["names"] == ["L'Orient-Le Jour"]


def test_a_bad_via_is_a_422_naming_source_via(api):
    head = api.head()
    for via in ("", 5, ["Reuters"], "x" * 501):
        r = api.post("/reports", body("Daily Star", "2024-12-03T00:00:00Z",
                                      control("Homs", "HTS", "2024-12-01T00:00:00Z"), via=via))
        problem(r, "source.via")
    assert api.head() == head


# ---- time sanity --------------------------------------------------------------------------------

SPANS = {"exact": timedelta(0), "hour": timedelta(hours=1), "day": timedelta(hours=24),
         "week": timedelta(days=7), "month": timedelta(days=31)}


def test_a_claim_later_than_published_at_plus_its_precision_span_is_a_422_writing_nothing(api):
    for precision in SPANS:
        _time_sanity(api, precision)


def _time_sanity(api, precision):
    published = datetime(2024, 12, 1, 12, tzinfo=timezone.utc)
    bound = published + SPANS[precision]
    head = api.head()
    late = body("Reuters", published.isoformat(), control("Homs", "HTS", "2024-11-30T00:00:00Z"),
                {"type": "note", "text": "n", "occurred_at": "2024-11-30T00:00:00Z"},
                control("Aleppo", "HTS", (bound + timedelta(seconds=1)).isoformat(), precision=precision))
    doc = problem(api.post("/reports", late), "claims.2.occurred_at")
    assert list(doc["errors"]) == ["claims.2.occurred_at"]
    assert api.head() == head  # nothing written: not even the good claims
    assert api.get("/cities/homs/state").json()["controller"] is None
    # the same instant written with another offset is the same instant
    shifted = bound.astimezone(timezone(timedelta(hours=3))) + timedelta(seconds=1)
    doc = problem(api.post("/reports", body("Reuters", "2024-12-01T15:00:00+03:00",
                                            control("Aleppo", "HTS", shifted.isoformat(),
                                                    precision=precision))),
                  "claims.0.occurred_at")
    assert api.head() == head
    # exactly at the bound is accepted
    ok = filed(api, body("Reuters", published.isoformat(),
                         control("Aleppo", "HTS", bound.isoformat(), precision=precision)))
    assert ok["position"] > head


def test_without_a_precision_the_span_is_a_day(api):
    r = api.post("/reports", body("Reuters", "2024-12-01T12:00:00Z",
                                  control("Homs", "HTS", "2024-12-02T12:00:01Z")))
    problem(r, "claims.0.occurred_at")
    filed(api, body("Reuters", "2024-12-01T12:00:00Z", control("Homs", "HTS", "2024-12-02T12:00:00Z")))


def test_a_report_published_more_than_ten_minutes_ahead_is_a_422_naming_published_at(api):
    head = api.head()
    now = datetime.now(timezone.utc)
    for ahead in (timedelta(minutes=11), timedelta(days=400)):
        when = (now + ahead).astimezone(timezone(timedelta(hours=-5))).isoformat()
        r = api.post("/reports", body("Reuters", when, control("Homs", "HTS", "2024-12-01T00:00:00Z")))
        problem(r, "published_at")
    assert api.head() == head
    events = api.get(f"/events?after={head}").json()
    assert events["items"] == []
    # a clock a few minutes fast is not refused
    filed(api, body("Reuters", (now + timedelta(minutes=5)).isoformat(),
                    control("Homs", "HTS", "2024-12-01T00:00:00Z")))


def test_a_correction_need_not_carry_occurred_at(api):
    first = filed(api, body("Reuters", "2024-12-01T00:00:00Z", control("Homs", "HTS", "2024-12-01T00:00:00Z")))
    filed(api, body("Reuters", "2024-12-05T00:00:00Z",
                    {"type": "retract", "claim": first["claims"][0]["id"], "reason": "wrong"}))


# ---- GET /reports -------------------------------------------------------------------------------

def _six(api):
    """Six reports from two analysts and one unlabelled token, published out of record order."""
    ann = {"Authorization": f"Bearer {api.token_for('writer', 'ann')}"}
    homs = control("Homs", "HTS", "2024-11-30T00:00:00Z")
    out = {}
    for key, name, published, headers, claims in (
            ("a", "Reuters", "2024-12-03T10:00:00Z", ann, [homs]),
            ("b", "SANA", "2024-12-01T00:00:00+02:00", None, [homs, homs]),
            ("c", "Reuters", "2024-12-03T12:00:00+01:00", ann, [homs]),  # 11:00Z
            ("d", "SOHR", "2024-12-04T00:00:00Z", None, [homs, homs, homs]),
            ("e", "Enab Baladi", "2024-12-03T10:00:00Z", ann, [homs]),  # ties with a: later record
            ("f", "SANA", "2024-12-02T00:00:00Z", ann, [homs])):
        out[key] = filed(api, body(name, published, *claims, headline=f"headline {key}"), headers)
    return out


def test_reports_newest_published_first_in_exactly_their_shape(api):
    made = _six(api)
    listed = items(api)
    assert [i["id"] for i in listed] == [made[k]["id"] for k in "dcea" "fb"]
    for i in listed:
        assert set(i) == SUMMARY_KEYS
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", i["published_at"])
        assert i["recorded_at"].endswith("Z")
    b = next(i for i in listed if i["id"] == made["b"]["id"])
    assert b == {"id": made["b"]["id"], "source": {"name": "SANA"}, "origin": "SANA",
                 "published_at": "2024-11-30T22:00:00Z", "recorded_at": made["b"]["recorded_at"],
                 "position": made["b"]["position"], "filed_by": None, "headline": "headline b",
                 "claims": 2}
    d = next(i for i in listed if i["id"] == made["d"]["id"])
    assert d["claims"] == 3 and d["filed_by"] is None
    assert next(i for i in listed if i["id"] == made["c"]["id"])["filed_by"] == "ann"


def test_reports_filters(api):
    made = _six(api)

    def ids(query):
        return "".join(k for i in items(api, query) for k, v in made.items() if v["id"] == i["id"])

    assert ids("source=reuters") == "ca"
    assert ids("source=SANA&filed_by=ann") == "f"
    assert ids("filed_by=ann") == "ceaf"
    assert ids("filed_by=bob") == ""
    # [from, to): from inclusive, to exclusive, offsets honoured
    assert ids("from=2024-12-03T10:00:00Z&to=2024-12-04T00:00:00Z") == "cea"
    assert ids("from=2024-12-03T11:00:00Z") == "dc"
    assert ids("to=2024-12-03T10:00:00Z") == "fb"
    assert ids(f"from={quote('2024-12-03T12:00:00+01:00')}&to={quote('2024-12-03T13:00:00+01:00')}") == "c"
    assert ids("origin=sohr") == "d"


def test_reports_are_cursor_paginated_with_next_and_link(api):
    made = _six(api)
    seen, target, pages = [], "/reports?limit=4", 0
    while target:
        r = api.get(target)
        assert r.status == 200
        page = r.json()
        assert set(page) >= {"items", "next"}
        pages += 1
        seen += [i["id"] for i in page["items"]]
        if page["next"] is None:
            assert "link" not in r.headers
            target = None
        else:
            assert len(page["items"]) == 4
            link = r.headers["link"]
            assert re.fullmatch(r'<[^>]*cursor=[^>]+>; rel="next"', link), link
            target = "/reports?limit=4&cursor=" + quote(page["next"])
            # the Link header names the same next page
            linked = re.search(r"<([^>]*)>", link).group(1)
            linked = linked[linked.index("/reports"):]
            assert api.get(linked).json() == api.get(target).json()
    assert pages == 2 and seen == [made[k]["id"] for k in "dceafb"]
    # the default limit is 100: all six on one page
    assert api.get("/reports").json()["next"] is None


REPORT_LIST_BAD = [
    ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("limit=-1", "limit"),
    ("cursor=not-a-cursor", "cursor"), ("cursor=%00%01", "cursor"),
    ("from=2024-12-01T00:00:00", "from"), ("to=2024-12-01", "to"), ("from=yesterday", "from"),
    ("to=2024-12-01T00:00", "to"), ("from=2024-13-01T00:00:00Z", "from"),
    ("source=", "source"), ("origin=", "origin"), ("filed_by=", "filed_by"),
    ("source=a&source=b", "source"),
]


def test_bad_report_list_parameters_are_422_problems_naming_them(api):
    _six(api)
    for query, field in REPORT_LIST_BAD:
        problem(api.get("/reports?" + query), field)


def test_sources_shape(api):
    _six(api)
    page = api.get("/sources").json()
    assert set(page) >= {"items"}
    by = {s["origin"]: s for s in page["items"]}
    assert set(by) == {"Reuters", "SANA", "SOHR", "Enab Baladi"}
    for s in page["items"]:
        assert set(s) == {"origin", "names", "reports", "first_published", "last_published"}
    assert by["SANA"] == {"origin": "SANA", "names": ["SANA"], "reports": 2,
                          "first_published": "2024-11-30T22:00:00Z",
                          "last_published": "2024-12-02T00:00:00Z"}


# ---- GET /changes -------------------------------------------------------------------------------

def test_changes_between_two_record_times(api):
    base = filed(api, body("SANA", "2024-11-21T00:00:00Z", control("Aleppo", "SAA", "2024-11-20T00:00:00Z"),
                           control("Damascus", "SAA", "2024-11-20T00:00:00Z"),
                           control("Homs", "SAA", "2024-11-20T00:00:00Z")))
    news = filed(api, body("Reuters", "2024-12-08T13:00:00Z",
                           control("Aleppo", "HTS", "2024-11-29T00:00:00Z"),
                           {"type": "clash", "city": "Damascus", "factions": ["HTS", "SAA"],
                            "occurred_at": "2024-12-07T00:00:00Z"},
                           {"type": "leader_status", "leader": "Assad", "status": "abroad",
                            "location": "Moscow, Russia", "occurred_at": "2024-12-08T00:00:00Z"},
                           {"type": "note", "text": "calm in Homs", "occurred_at": "2024-12-08T00:00:00Z"},
                           control("Homs", "SAA", "2024-11-25T00:00:00Z")))  # restates: no change
    undo = filed(api, body("Reuters", "2024-12-09T00:00:00Z",
                           {"type": "retract", "claim": news["claims"][0]["id"], "reason": "wrong"}))
    at = "at=2024-12-08T12:00:00Z"
    c = [x["id"] for x in news["claims"]]

    def changes(query):
        r = api.get("/changes?" + query)
        assert r.status == 200, r.body[:500]
        return r.json()

    first = changes(f"from_known=@{base['position']}&to_known=@{news['position']}&{at}")
    assert set(first) >= {"at", "from_known", "to_known", "cities", "leaders"}
    assert first["at"] == "2024-12-08T12:00:00Z"
    assert first["cities"] == [
        {"id": "aleppo", "before": {"controller": "syrian-arab-army", "status": "held"},
         "after": {"controller": "hts", "status": "held"}, "claims": [c[0]]},
        {"id": "damascus", "before": {"controller": "syrian-arab-army", "status": "held"},
         "after": {"controller": "syrian-arab-army", "status": "contested"}, "claims": [c[1]]}]
    assert first["leaders"] == [
        {"id": "bashar-al-assad", "before": {"status": None, "location": None},
         "after": {"status": "abroad", "location": "Moscow, Russia"}, "claims": [c[2]]}]
    # the same record times as timestamps give the same answer
    by_time = changes(f"from_known={quote(base['recorded_at'])}&to_known={quote(news['recorded_at'])}&{at}")
    assert by_time["cities"] == first["cities"] and by_time["leaders"] == first["leaders"]
    # a retraction ends the old answer
    second = changes(f"from_known=@{news['position']}&to_known=@{undo['position']}&{at}")
    assert second["cities"] == [
        {"id": "aleppo", "before": {"controller": "hts", "status": "held"},
         "after": {"controller": "syrian-arab-army", "status": "held"}, "claims": [undo["claims"][0]["id"]]}]
    assert second["leaders"] == []
    # nothing recorded in between: nothing changed
    same = changes(f"from_known=@{undo['position']}&to_known=@{undo['position']}&{at}")
    assert same["cities"] == [] and same["leaders"] == []
    # at another valid time the clash is outside the contest window: Damascus is not listed
    later = changes(f"from_known=@{base['position']}&to_known=@{news['position']}&at=2024-12-20T00:00:00Z")
    assert [x["id"] for x in later["cities"]] == ["aleppo"]


CHANGES_BAD = [
    ("from_known=2024-12-01T00:00:00", "from_known"), ("to_known=yesterday", "to_known"),
    ("from_known=@x", "from_known"), ("to_known=@-3", "to_known"), ("at=2024-12-01", "at"),
    ("at=2024-12-01T00:00:00", "at"), ("min_confidence=sure", "min_confidence"),
    ("from_known=2024-12-01T00:00Z", "from_known"), ("from_known=@5&to_known=@4", "to_known"),
]


def test_bad_changes_parameters_are_422_problems_naming_them(api):
    for query, field in CHANGES_BAD:
        problem(api.get("/changes?" + query), field)


# ---- /timeline?source= and the CSV --------------------------------------------------------------

def test_timeline_by_source_and_the_csv_columns(api):
    filed(api, body("Reuters", "2024-12-02T00:00:00Z", control("Homs", "HTS", "2024-12-01T00:00:00Z"),
                    url="https://www.reuters.com/x"))
    filed(api, body("Daily Star", "2024-12-03T00:00:00+02:00", control("Hama", "HTS", "2024-12-01T00:00:00Z"),
                    via="Reuters"))
    filed(api, body("SANA", "2024-12-04T00:00:00Z", control("Aleppo", "SAA", "2024-12-01T00:00:00Z")))
    rows = api.get("/timeline?source=REUTERS").json()["items"]
    assert [r["city"] for r in rows] == ["homs"]
    assert [r["city"] for r in api.get("/timeline?source=daily%20star").json()["items"]] == ["hama"]
    assert api.get("/timeline?source=nobody").json()["items"] == []
    problem(api.get("/timeline?source="), "source")

    r = api.get("/timeline.csv")
    assert r.status == 200 and r.mimetype == "text/csv"
    assert not r.body.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(r.body.decode("utf-8"))))
    assert {"source", "origin", "url", "published_at"} <= set(table[0])
    by_city = {row["city"]: row for row in table}
    assert (by_city["homs"]["source"], by_city["homs"]["origin"], by_city["homs"]["url"],
            by_city["homs"]["published_at"]) == ("Reuters", "Reuters", "https://www.reuters.com/x",
                                                 "2024-12-02T00:00:00Z")
    assert (by_city["hama"]["source"], by_city["hama"]["origin"], by_city["hama"]["url"],
            by_city["hama"]["published_at"]) == ("Daily Star", "Reuters", "", "2024-12-02T22:00:00Z")
    # same filters as /timeline
    only = list(csv.DictReader(io.StringIO(api.get("/timeline.csv?source=SANA").body.decode())))
    assert [row["city"] for row in only] == ["aleppo"]
    boml = api.get("/timeline.csv?bom=1")
    assert boml.status == 200 and boml.body.startswith(b"\xef\xbb\xbf")
    assert boml.body[3:] == r.body
    problem(api.get("/timeline.csv?bom=maybe"), "bom")


# ---- generic conventions on these routes --------------------------------------------------------

def test_writes_need_a_writer_token_and_honour_idempotency_keys(api):
    report = body("Reuters", "2024-12-02T00:00:00Z", control("Homs", "HTS", "2024-12-01T00:00:00Z"))
    head = api.head()
    r = api.post("/reports", report, auth=False)
    assert r.status == 401 and r.mimetype == PROBLEM
    r = api.post("/reports", report, {"Authorization": "Bearer not-a-token"})
    assert r.status == 401 and r.mimetype == PROBLEM
    reader = api.token_for("reader", "viewer")
    r = api.post("/reports", report, {"Authorization": f"Bearer {reader}"})
    assert r.status == 403 and r.mimetype == PROBLEM
    assert api.head() == head
    # reads are public
    for target in ("/reports", "/sources", "/changes", "/timeline?source=x", "/timeline.csv"):
        assert api.get(target).status == 200, target
    first = api.post("/reports", report, {"Idempotency-Key": "qa2-1"})
    assert first.status == 201
    again = api.post("/reports", report, {"Idempotency-Key": "qa2-1"})
    assert (again.status, again.json()) == (201, first.json())
    assert api.head() == first.json()["position"]
    other = api.post("/reports", {**report, "headline": "changed"}, {"Idempotency-Key": "qa2-1"})
    assert other.status == 422 and other.mimetype == PROBLEM
    assert api.head() == first.json()["position"]
    assert len(items(api)) == 1


ROUTE_PARAMS = {
    "/reports": {"from": "ts", "to": "ts", "limit": "int", "cursor": "str", "source": "str",
                 "origin": "str", "filed_by": "str"},
    "/sources": {"limit": "int", "cursor": "str"},
    "/changes": {"from_known": "known", "to_known": "known", "at": "ts", "min_confidence": "str"},
    "/timeline": {"source": "str", "from": "ts", "to": "ts", "known_at": "known"},
    "/timeline.csv": {"source": "str", "bom": "bool", "known_at": "known"},
}

CANDIDATES = ["2024-12-01T00:00:00Z", "2024-12-01T00:00:00+03:00", "2024-12-01T00:00:00.5-01:30",
              "2024-12-01 00:00:00Z", "2024-12-01t00:00:00z", "2024-12-01T00:00:00",
              "2024-12-01T00:00Z", "2024-12-01", "2024-12-01T00:00:00+0300", "2024-12-01T00:00:00+03",
              "2024-12-01T00:00:00,5Z", "@12", "@", "@1x", "yesterday"]


def test_the_openapi_document_describes_these_parameters_as_precisely_as_the_server_checks(api):
    doc = api.get("/openapi.json").json()
    for path, params in ROUTE_PARAMS.items():
        declared = {p["name"]: p["schema"] for p in doc["paths"][path]["get"]["parameters"]}
        for name, kind in params.items():
            assert name in declared, (path, name)
            schema = declared[name]
            if kind == "int":
                assert schema["type"] == "integer" and schema.get("maximum") == 1000, (path, name)
            if kind in ("ts", "known"):
                assert "pattern" in schema, (path, name, schema)
                if kind == "ts":
                    assert schema.get("format") == "date-time", (path, name, schema)
                # the pattern accepts exactly what the server accepts
                for value in CANDIDATES:
                    served_ok = api.get(f"{path}?{name}={quote(value)}").status == 200
                    assert bool(re.search(schema["pattern"], value)) == served_ok, (path, name, value)
    for path in ("/reports", "/sources", "/changes", "/timeline", "/timeline.csv"):
        responses = doc["paths"][path]["get"]["responses"]
        assert "422" in responses, path
    post = doc["paths"]["/reports"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}
    assert {"401", "403", "422"} <= set(post["responses"])
    source = doc["components"]["schemas"]
    source_in = next(v for k, v in source.items() if k.startswith("Source") and "via" in v.get("properties", {}))
    assert source_in["properties"]["via"]["type"] == "string"


def test_no_500_for_odd_input_on_these_routes(api):
    odd = ["%00", "%FF", "x" * 3000, "@99999999999999999999", "9999-12-31T23:59:59Z",
           "0000-01-01T00:00:00Z", "2024-12-01T00:00:00%2B99:99", "%F0%9F%92%A3"]
    for path, params in ROUTE_PARAMS.items():
        for name in params:
            for value in odd:
                r = api.get(f"{path}?{name}={value}")
                assert r.status < 500, (path, name, value, r.body[:300])
                if r.status >= 400:
                    assert r.mimetype == PROBLEM and name in r.json().get("errors", {name: 1}), (path, name, value)


def _json_schema(node):
    """OpenAPI 3.0 schema → JSON Schema (nullable, components refs, 3.0's boolean exclusiveMinimum)."""
    if isinstance(node, list):
        return [_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items()}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
    if out.pop("nullable", False):
        out = {**out, "type": [out["type"], "null"]} if "type" in out else {"anyOf": [out, {"type": "null"}]}
    if out.get("exclusiveMinimum") is True:
        out["exclusiveMinimum"] = out.pop("minimum", 0)
    return out


def test_answers_match_the_schemas_the_openapi_document_gives_them(api):
    import jsonschema

    made = _six(api)
    filed(api, body("Daily Star", "2024-12-05T00:00:00Z", control("Aleppo", "HTS", "2024-12-04T00:00:00Z"),
                    via="Reuters", url="https://example.org/a"))
    doc = api.get("/openapi.json").json()
    definitions = _json_schema(doc["components"]["schemas"])
    for path, target in (("/reports", "/reports"), ("/reports", "/reports?limit=2"), ("/sources", "/sources"),
                         ("/changes", "/changes?at=2024-12-08T12:00:00Z"),
                         ("/changes", f"/changes?from_known=@{made['b']['position']}"),
                         ("/reports/{id}", f"/reports/{made['a']['id']}")):
        content = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        schema = {**_json_schema(content["schema"]), "definitions": definitions}
        answer = api.get(target)
        assert answer.status == 200
        errors = [f"{list(e.absolute_path)}: {e.message}"
                  for e in jsonschema.Draft7Validator(schema).iter_errors(answer.json())]
        assert errors == [], (target, errors[:5])
        # every field API.md names is required by the document, not merely allowed
        if path in ("/reports", "/sources"):
            item = definitions[content["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]["items"]["items"]
            required = set(definitions[item["$ref"].rsplit("/", 1)[1]].get("required", []))
            expected = SUMMARY_KEYS if path == "/reports" else {"origin", "names", "reports", "first_published",
                                                                "last_published"}
            assert required == expected, (path, required)
