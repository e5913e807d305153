"""Acceptance checks of API.md v2's datasets and gazetteers, each sentence read literally as an
outside tester would, on both stores: `GET /acled.csv` (its columns, one row per event, the round
trip), the ACLED import's v2 mapping, `POST /imports/ucdp` and `timeline import ucdp FILE`, and
`timeline seed --country CC`. Complements test_countries_and_packs.py, test_ucdp_import.py and
test_acled_round_trip.py."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from click.testing import CliRunner

from tests.conftest import register_world, report
from timeline.cli import main

ACLED_COLUMNS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
                 "actor1", "actor2", "admin1", "location", "latitude", "longitude",
                 "geo_precision", "source", "notes", "fatalities", "timestamp")
UCDP_HEADER = ("id,date_start,date_end,date_prec,side_a,side_b,where_prec,latitude,longitude,"
               "adm_1,best,low,high,deaths_civilians,source_article")


def ok(client, *claims, published_at="2024-12-01T00:00:00Z", source="Test wire"):
    r = client.post("/reports", json=report(*claims, published_at=published_at, source=source),
                    headers=client.auth)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def acled_rows(client, **params):
    r = client.get("/acled.csv", query_string=params)
    assert r.status_code == 200 and r.mimetype == "text/csv", r.data[:300]
    return list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))


def cas(client, **params):
    r = client.get("/casualties", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def claim(client, claim_id):
    r = client.get(f"/claims/{claim_id}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def timeline_claims(client, **params):
    body = client.get("/timeline", query_string={"limit": 1000, **params}).get_json()
    return [claim(client, i["claim"]) for i in body["items"]]


def unix(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


@pytest.fixture
def second(store_url, tmp_path):
    """An empty store of the other kind... of the same kind, with the same reference data."""
    from api import create_app
    from tests.conftest import new_store_url
    from timeline.application import TimelineApplication

    kind = "postgres" if store_url.startswith("postgresql") else "sqlite"
    url, cleanup = new_store_url(kind, tmp_path)
    app = TimelineApplication(url)
    register_world(app)
    c = create_app({"TIMELINE_APP": app, "TESTING": True}).test_client()
    c.auth = {"Authorization": f"Bearer {app.create_token('writer')}"}
    yield c
    app.close()
    cleanup()


# --- GET /acled.csv ---------------------------------------------------------------------------

def a_mixed_store(client):
    """Events with and without keys, revisions, a territory change, a clash, a point event."""
    ok(client, {"type": "event", "event_type": "Battles",
                "sub_event_type": "Non-state actor overtakes territory", "city": "Aleppo",
                "actors": ["HTS", "SAA"], "occurred_at": "2024-11-29T12:00:00Z",
                "event_key": "SYR1", "deaths": {"best": 12}, "geo_precision": 1},
       {"type": "control", "city": "Aleppo", "faction": "HTS", "from_faction": "SAA",
        "occurred_at": "2024-11-29T12:00:00Z", "event_key": "SYR1"},
       published_at="2024-12-01T00:00:00Z", source="ACLED")
    ok(client, {"type": "event", "event_type": "Explosions/Remote violence",
                "sub_event_type": "Air/drone strike", "city": "Hama", "actors": ["SAA"],
                "occurred_at": "2024-12-02T12:00:00Z", "event_key": "SYR2",
                "civilian_targeting": True, "geo_precision": 2,
                "deaths": {"best": 4, "low": 3, "high": 9, "civilians": 4}},
       published_at="2024-12-02T18:00:00Z")
    ok(client, {"type": "event", "event_type": "Explosions/Remote violence",
                "sub_event_type": "Air/drone strike", "city": "Hama", "actors": ["SAA"],
                "occurred_at": "2024-12-02T12:00:00Z", "event_key": "SYR2",
                "civilian_targeting": True, "geo_precision": 2,
                "deaths": {"best": 6, "low": 5, "high": 9, "civilians": 6}},
       published_at="2024-12-03T00:00:00Z")
    ok(client, {"type": "clash", "city": "Homs", "factions": ["SNA", "HTS"],
                "occurred_at": "2024-12-03T08:30:00Z", "precision": "hour",
                "deaths": {"best": 2}},
       {"type": "casualties", "city": "Damascus", "occurred_at": "2024-12-04T12:00:00Z",
        "deaths": {"best": 1}, "confidence": "confirmed"},
       {"type": "control", "city": "Homs", "faction": "SAA", "occurred_at": "2024-12-01T12:00:00Z"},
       {"type": "event", "event_type": "Protests", "sub_event_type": "Peaceful protest",
        "lat": 35.5, "lon": 36.9, "location": "Open road", "occurred_at": "2024-12-05T12:00:00Z",
        "geo_precision": 3},
       published_at="2024-12-06T00:00:00Z")


def test_the_export_has_acleds_columns_and_one_row_per_event(client):
    a_mixed_store(client)
    r = client.get("/acled.csv")
    header = next(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert list(header[:len(ACLED_COLUMNS)]) == list(ACLED_COLUMNS) or set(ACLED_COLUMNS) <= set(
        header), header
    rows = acled_rows(client)
    keys = [row["event_id_cnty"] for row in rows]
    assert keys.count("SYR1") == 1 and keys.count("SYR2") == 1, keys
    assert len(rows) == 2 + 4  # two keyed events, four claims without a key
    syr1 = next(r for r in rows if r["event_id_cnty"] == "SYR1")
    assert (syr1["event_type"], syr1["sub_event_type"]) == ("Battles",
                                                            "Non-state actor overtakes territory")
    assert syr1["actor1"] == "Hayat Tahrir al-Sham" and syr1["fatalities"] == "12"
    assert syr1["event_date"] == "2024-11-29" and syr1["location"] == "Aleppo"
    assert syr1["timestamp"] == str(unix("2024-12-01T00:00:00Z"))
    syr2 = next(r for r in rows if r["event_id_cnty"] == "SYR2")
    assert syr2["fatalities"] == "6" and syr2["geo_precision"] == "2"  # the latest claim
    assert syr2["timestamp"] == str(unix("2024-12-03T00:00:00Z"))
    point = next(r for r in rows if r["event_type"] == "Protests")
    assert (point["latitude"], point["longitude"], point["geo_precision"]) == ("35.5", "36.9", "3")
    clash = next(r for r in rows if r["sub_event_type"] == "Armed clash")
    assert clash["fatalities"] == "2" and {clash["actor1"], clash["actor2"]} == {
        "Syrian National Army", "Hayat Tahrir al-Sham"}
    # from/to as [from, to) on valid time, known_at as of a position
    window = acled_rows(client, **{"from": "2024-12-02T12:00:00Z", "to": "2024-12-04T12:00:00Z"})
    assert sorted(r["event_id_cnty"] for r in window if r["event_id_cnty"].startswith("SYR")) == [
        "SYR2"] and len(window) == 2
    assert acled_rows(client, known_at="@0") == []


def test_a_retracted_claim_is_not_exported(client):
    made = ok(client, {"type": "casualties", "city": "Homs", "occurred_at": "2024-12-01T00:00:00Z",
                       "deaths": {"best": 3}})
    assert len(acled_rows(client)) == 1
    ok(client, {"type": "retract", "claim": made["claims"][0]["id"], "reason": "x"})
    assert acled_rows(client) == []


@pytest.mark.parametrize("params, field", [({"from": "2024-12-01"}, "from"),
                                           ({"to": "2024-12-01T00:00:00"}, "to"),
                                           ({"known_at": "@x"}, "known_at")])
def test_bad_export_parameters_are_422s(client, params, field):
    r = client.get("/acled.csv", query_string=params)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert field in r.get_json()["errors"]


def test_the_export_imported_into_an_empty_store_gives_the_same_answers(client, second):
    a_mixed_store(client)
    text = client.get("/acled.csv").data
    r = second.post("/imports/acled", data=text, content_type="text/csv", headers=second.auth)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["rejected"] == [], r.get_json()
    for at in ("2024-11-30T00:00:00Z", "2024-12-02T00:00:00Z", "2024-12-10T00:00:00Z"):
        for city in ("aleppo", "homs", "hama", "damascus"):
            a = client.get(f"/cities/{city}/state", query_string={"at": at}).get_json()
            b = second.get(f"/cities/{city}/state", query_string={"at": at}).get_json()
            assert (a["controller"], a["status"]) == (b["controller"], b["status"]), (city, at)
    for params in ({}, {"city": "Hama"}, {"faction": "HTS"},
                   {"from": "2024-12-02T00:00:00Z", "to": "2024-12-04T00:00:00Z"}):
        a, b = cas(client, **params), cas(second, **params)
        assert (a["events"], a["deaths"]) == (b["events"], b["deaths"]), params
        assert sorted(i["deaths"]["best"] for i in a["items"]) == sorted(
            i["deaths"]["best"] for i in b["items"])


# --- the ACLED import's v2 mapping ------------------------------------------------------------

ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,"
                "actor2,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities,"
                "timestamp")


def acled_csv(*rows):
    return ACLED_HEADER + "\n" + "\n".join(rows) + "\n"


def test_every_acled_event_type_becomes_an_event_claim(client):
    ts = unix("2024-12-10T00:00:00Z")
    text = acled_csv(
        f"T1,2024-11-29,2024,1,Battles,Non-state actor overtakes territory,Hayat Tahrir al-Sham,"
        f"Syrian Arab Army,Aleppo,Aleppo,36.2,37.16,1,SOHR,taken,12,{ts}",
        f"T2,2024-11-30,2024,1,Battles,Armed clash,Syrian National Army,Hayat Tahrir al-Sham,"
        f"Homs,Homs,34.72,36.72,2,SOHR,fighting,3,{ts}",
        f"T3,2024-12-01,2024,1,Protests,Peaceful protest,Protesters (Syria),,Homs,Homs,34.72,36.72,"
        f"1,SOHR,march,0,{ts}",
        f"T4,2024-12-01,2024,1,Riots,Mob violence,Rioters (Syria),,Hama,Hama,35.13,36.75,3,SOHR,"
        f"riot,1,{ts}",
        f"T5,2024-12-02,2024,1,Strategic developments,Agreement,Syrian Arab Army,,Damascus,"
        f"Damascus,33.51,36.29,1,SANA,deal,0,{ts}",
        f"T6,2024-12-02,2024,1,Violence against civilians,Attack,Syrian Arab Army,Civilians (Syria),"
        f"Damascus,Damascus,33.51,36.29,1,SANA,attack,7,{ts}",
        f"T7,2024-12-03,2024,1,Explosions/Remote violence,Shelling/artillery/missile attack,"
        f"Syrian Arab Army,,Hama,Hama,35.13,36.75,2,SANA,shelling,5,{ts}")
    r = client.post("/imports/acled", data=text, content_type="text/csv", headers=client.auth)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["rejected"] == [] and body["imported"] == 7, body
    claims = timeline_claims(client)
    events = {c["event_key"]: c for c in claims if c["type"] == "event"}
    assert sorted(events) == [f"T{n}" for n in range(1, 8)]
    fatalities = {"T1": 12, "T2": 3, "T3": 0, "T4": 1, "T5": 0, "T6": 7, "T7": 5}
    geo = {"T1": 1, "T2": 2, "T3": 1, "T4": 3, "T5": 1, "T6": 1, "T7": 2}
    for key, c in events.items():
        assert c["deaths"]["best"] == fatalities[key], c
        assert c["geo_precision"] == geo[key], c
        assert c["occurred_at"].endswith("T12:00:00Z"), c  # a date alone is noon UTC
        assert c["report"]["published_at"] == "2024-12-10T00:00:00Z", c
    assert (events["T4"]["event_type"], events["T4"]["sub_event_type"]) == ("Riots", "Mob violence")
    # the territory change implies a control claim, the armed clash a clash claim
    control = [c for c in claims if c["type"] == "control"]
    assert [c["city"] for c in control] == ["aleppo"] and control[0]["faction"] == "hts"
    clash = [c for c in claims if c["type"] == "clash"]
    assert [c["city"] for c in clash] == ["homs"]
    assert set(clash[0]["factions"]) == {"sna", "hts"}
    assert client.get("/cities/aleppo/state").get_json()["controller"] == "hts"
    assert cas(client)["deaths"]["best"] == 28 and cas(client)["events"] == 7
    # a row's published_at is its timestamp: not known before it
    assert cas(client, published_by="2024-12-09T23:59:59Z")["events"] == 0


def test_every_territory_sub_type_implies_a_control_claim(client):
    ts = unix("2024-12-10T00:00:00Z")
    text = acled_csv(
        f"G1,2024-11-29,2024,1,Battles,Government regains territory,Syrian Arab Army,"
        f"Hayat Tahrir al-Sham,Homs,Homs,34.72,36.72,1,SANA,retaken,2,{ts}",
        f"N1,2024-11-30,2024,1,Strategic developments,Non-violent transfer of territory,"
        f"Syrian National Army,,Hama,Hama,35.13,36.75,1,SOHR,handed over,0,{ts}")
    r = client.post("/imports/acled", data=text, content_type="text/csv", headers=client.auth)
    assert r.status_code == 200 and r.get_json()["imported"] == 2, r.get_json()
    assert client.get("/cities/homs/state").get_json()["controller"] == "syrian-arab-army"
    assert client.get("/cities/hama/state").get_json()["controller"] == "sna"
    kinds = sorted((c["type"], c.get("event_key")) for c in timeline_claims(client))
    assert kinds == [("control", "G1"), ("control", "N1"), ("event", "G1"), ("event", "N1")]


# --- UCDP GED ---------------------------------------------------------------------------------

def ucdp_csv(*rows):
    return UCDP_HEADER + "\n" + "\n".join(rows) + "\n"


def test_ucdp_rows_become_event_claims_by_every_rule(client):
    text = ucdp_csv(
        # 0.02 deg (~2 km) from Aleppo: Aleppo
        "101,2024-11-29,2024-11-30,1,Government of Syria,Hayat Tahrir al-Sham,1,36.21,37.17,"
        "Aleppo governorate,20,18,25,2,\"Reuters, 2024-11-30\"",
        # ~9 km from Homs: a new place there
        "102,2024-12-01,2024-12-05,2,Hayat Tahrir al-Sham,Syrian National Army,3,34.80,36.72,"
        "Homs governorate,5,,,,AFP",
        "103,2024-12-02,2024-12-02,4,Government of Syria,Civilians,5,35.13,36.75,,3,3,4,3,AFP",
        "104,2024-12-02,2024-12-02,1,Syrian National Army,Brand New Brigade,2,35.131,36.751,,1,1,1,"
        "0,AFP",
        "105,2024-12-02,2024-12-02,1,Syrian National Army,,4,35.13,36.75,,0,0,0,0,AFP",
        "106,2024-12-02,2024-12-02,1,Syrian National Army,,6,35.13,36.75,,0,0,0,0,AFP",
        "107,2024-12-02,2024-12-02,1,Syrian National Army,,7,35.13,36.75,,0,0,0,0,AFP")
    r = client.post("/imports/ucdp", data=text, content_type="text/csv", headers=client.auth)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["rejected"] == [] and body["imported"] == 7, body
    for key in ("imported", "unchanged", "corrected", "rejected"):
        assert key in body
    events = {c["event_key"]: c for c in timeline_claims(client) if c["type"] == "event"}
    assert sorted(events) == [f"ucdp:{n}" for n in range(101, 108)]
    e = events["ucdp:101"]
    assert e["city"] == "aleppo" and e["occurred_at"] == "2024-11-29T12:00:00Z"
    assert e["precision"] == "day" and e["geo_precision"] == 1
    assert e["deaths"] == {"best": 20, "low": 18, "high": 25, "civilians": 2}
    assert e["actors"] == ["syrian-arab-army", "hts"]
    assert e["report"]["published_at"] == "2024-11-30T23:59:59Z"
    assert client.get(f"/reports/{e['report']['id']}").get_json()["published_at"] == (
        "2024-11-30T23:59:59Z")
    far = events["ucdp:102"]
    assert far["city"] not in ("homs", None) and far["geo_precision"] == 2
    place = client.get(f"/cities/{far['city']}").get_json()
    assert (round(place["lat"], 2), round(place["lon"], 2)) == (34.80, 36.72)
    assert far["actors"] == ["hts", "sna"]
    assert far["precision"] in ("week",)  # date_prec 2: within 2-6 days
    assert events["ucdp:103"]["city"] == "hama" and events["ucdp:103"]["precision"] == "month"
    assert events["ucdp:103"]["actors"] == ["syrian-arab-army"]  # civilians are no actor
    assert events["ucdp:103"]["geo_precision"] == 3
    assert events["ucdp:104"]["geo_precision"] == 1 and events["ucdp:104"]["actors"][0] == "sna"
    assert len(events["ucdp:104"]["actors"]) == 2  # the unknown side registered
    assert events["ucdp:105"]["geo_precision"] == 2
    assert events["ucdp:106"]["geo_precision"] == 3 and events["ucdp:107"]["geo_precision"] == 3
    # low/high default to best, civilians to 0, in /casualties
    [i102] = [i for i in cas(client)["items"] if i["event_key"] == "ucdp:102"]
    assert i102["deaths"] == {"best": 5, "low": 5, "high": 5, "civilians": 0}
    assert cas(client, published_by="2024-11-30T23:59:58Z")["events"] == 0
    assert cas(client, published_by="2024-11-30T23:59:59Z")["events"] == 1
    # again: nothing new
    before = client.get("/readyz").get_json()["position"]
    again = client.post("/imports/ucdp", data=text, content_type="text/csv", headers=client.auth)
    assert again.status_code == 200 and again.get_json()["unchanged"] == 7
    assert client.get("/readyz").get_json()["position"] == before


def test_ucdp_bad_input_writes_nothing(client):
    r = client.post("/imports/ucdp", data="a,b\n1,2\n", content_type="text/csv", headers=client.auth)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    r = client.post("/imports/ucdp", data=b"{}", content_type="application/json",
                    headers=client.auth)
    assert r.status_code == 415
    bad = ucdp_csv("201,2024-13-01,2024-12-01,1,Government of Syria,,1,35.13,36.75,,1,,,,AFP",
                   "202,2024-12-01,2024-12-01,1,Government of Syria,,1,35.13,36.75,,5,6,,,AFP",
                   "203,2024-12-01,2024-12-01,1,Government of Syria,,1,135.13,36.75,,5,,,,AFP")
    r = client.post("/imports/ucdp", data=bad, content_type="text/csv", headers=client.auth)
    assert r.status_code == 200, r.get_json()
    assert [x["line"] for x in r.get_json()["rejected"]] == [2, 3, 4], r.get_json()
    assert cas(client)["events"] == 0


def test_the_cli_imports_a_ucdp_file(store_url, tmp_path):
    from timeline.application import TimelineApplication

    app = TimelineApplication(store_url)
    register_world(app)
    app.close()
    path = tmp_path / "ged.csv"
    path.write_text(ucdp_csv(
        "301,2024-11-29,2024-11-29,1,Government of Syria,Hayat Tahrir al-Sham,1,36.2,37.16,,9,,,,X"))
    result = CliRunner().invoke(main, ["import", "ucdp", str(path)],
                                env={"TIMELINE_DATABASE_URL": store_url}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(main, ["import", "ucdp", str(path)],
                               env={"TIMELINE_DATABASE_URL": store_url}, catch_exceptions=False)
    assert again.exit_code == 0
    app = TimelineApplication(store_url)
    try:
        from api import create_app
        c = create_app({"TIMELINE_APP": app, "TESTING": True}).test_client()
        answer = cas(c)
        assert answer["events"] == 1 and answer["items"][0]["event_key"] == "ucdp:301"
        assert answer["items"][0]["city"] == "aleppo"
    finally:
        app.close()
    missing = CliRunner().invoke(main, ["import", "ucdp", str(tmp_path / "nope.csv")],
                                 env={"TIMELINE_DATABASE_URL": store_url})
    assert missing.exit_code != 0


# --- timeline seed --country CC ---------------------------------------------------------------

@pytest.fixture
def run(store_url):
    runner = CliRunner()

    def invoke(*args, url=None):
        return runner.invoke(main, list(args), env={"TIMELINE_DATABASE_URL": url or store_url},
                             catch_exceptions=False)
    return invoke


def served(url):
    from api import create_app
    from timeline.application import TimelineApplication

    app = TimelineApplication(url)
    return app, create_app({"TIMELINE_APP": app, "TESTING": True}).test_client()


def client_event_types(c):
    """The kinds of the events in the log (every page)."""
    kinds, after = set(), 0
    while True:
        body = c.get("/events", query_string={"after": after, "limit": 1000}).get_json()
        if not body["items"]:
            return kinds
        for item in body["items"]:
            kinds.add(item["type"].split(".")[1])
        after = body["items"][-1]["position"]


def test_seed_country_registers_only_places_with_stable_ids_and_twice_adds_nothing(
        run, store_url, tmp_path):
    from tests.conftest import new_store_url

    assert run("seed", "--country", "SD").exit_code == 0
    app, c = served(store_url)
    try:
        places = c.get("/cities", query_string={"limit": 1000}).get_json()["items"]
        assert len(places) > 50 and all(p["lat"] is not None for p in places)
        assert c.get("/factions").get_json()["items"] == []
        assert c.get("/leaders").get_json()["items"] == []
        assert c.get("/timeline").get_json()["items"] == []
        assert client_event_types(c) <= {"place"}, client_event_types(c)
        head = app.head()
        ids = sorted(p["id"] for p in places)
    finally:
        app.close()
    assert run("seed", "--country", "SD").exit_code == 0
    app, c = served(store_url)
    try:
        assert app.head() == head
    finally:
        app.close()
    kind = "postgres" if store_url.startswith("postgresql") else "sqlite"
    other, cleanup = new_store_url(kind, tmp_path)
    try:
        assert run("seed", "--country", "sd", url=other).exit_code == 0
        app, c = served(other)
        try:
            again = sorted(p["id"] for p in c.get("/cities", query_string={"limit": 1000}
                                                  ).get_json()["items"])
        finally:
            app.close()
        assert again == ids  # stable ids: the same data gives the same ids
    finally:
        cleanup()


@pytest.mark.parametrize("code", ["ZZ", "S", "123"])
def test_seed_an_unknown_country_exits_non_zero_naming_it_writing_nothing(run, store_url, code):
    result = run("seed", "--country", code)
    assert result.exit_code != 0
    assert code in result.output
    app, _ = served(store_url)
    try:
        assert app.head() == 0
    finally:
        app.close()


def test_plain_seed_after_a_country_still_loads_the_syrian_seeds(run, store_url):
    assert run("seed", "--country", "SD").exit_code == 0
    assert run("seed").exit_code == 0
    app, c = served(store_url)
    try:
        assert c.get("/cities/aleppo").status_code == 200
        assert c.get("/cities/khartoum").status_code == 200
        assert c.get("/timeline").get_json()["items"], "the Syrian seed reports"
        assert c.get("/cities/aleppo/state").get_json()["controller"] is not None
        head = app.head()
    finally:
        app.close()
    assert run("seed").exit_code == 0
    assert run("seed", "--country", "SD").exit_code == 0
    assert run("seed", "--country", "SY").exit_code == 0
    app, c = served(store_url)
    try:
        assert app.head() == head  # everything again: nothing new
        aleppos = [p for p in c.get("/cities", query_string={"q": "Aleppo"}).get_json()["items"]
                   if p["name"] == "Aleppo"]
        assert len(aleppos) == 1
    finally:
        app.close()


def test_ucdp_nearest_place_within_5_km_far_north_too(client, world):
    """At 69 degrees north 0.1 degrees of longitude is 4 km: a place 4.6 km east is within 5 km."""
    world.register("place", "Tundra Post", [], lat=69.0, lon=30.0, governorate=None, parent=None,
                   place_kind="town", source=None)
    text = ucdp_csv("401,2024-11-29,2024-11-29,1,Government of Syria,,1,69.0,30.115,,1,,,,X",
                    "402,2024-11-29,2024-11-29,1,Government of Syria,,1,69.0,30.13,,1,,,,X")
    r = client.post("/imports/ucdp", data=text, content_type="text/csv", headers=client.auth)
    assert r.status_code == 200 and r.get_json()["imported"] == 2, r.get_json()
    cities = {i["event_key"]: i["city"] for i in cas(client)["items"]}
    assert cities["ucdp:401"] == "tundra-post"  # 4.6 km
    assert cities["ucdp:402"] != "tundra-post"  # 5.2 km: a new place


@pytest.fixture
def seeded_and_reimported(run, store_url, tmp_path):
    """The sentence as a user would try it: `timeline seed`, GET /acled.csv, then an empty store
    with `timeline seed --reference-only` and POST /imports/acled. Yields both clients."""
    from tests.conftest import new_store_url

    assert run("seed").exit_code == 0
    kind = "postgres" if store_url.startswith("postgresql") else "sqlite"
    other, cleanup = new_store_url(kind, tmp_path)
    assert run("seed", "--reference-only", url=other).exit_code == 0
    app_a, a = served(store_url)
    app_b, b = served(other)
    try:
        text = a.get("/acled.csv").data
        token = {"Authorization": f"Bearer {app_b.create_token('writer')}"}
        r = b.post("/imports/acled", data=text, content_type="text/csv", headers=token)
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["rejected"] == [], r.get_json()["rejected"][:3]
        yield a, b
    finally:
        app_a.close()
        app_b.close()
        cleanup()


def same_state(a, b, at):
    sa, sb = ({c["id"]: (c["controller"], c["status"], c["since"], c["confidence"])
               for c in x.get("/state", query_string={"at": at}).get_json()["cities"]}
              for x in (a, b))
    assert sa == sb, (at, {k: (sa[k], sb.get(k)) for k in sa if sa[k] != sb.get(k)})


def test_the_seeded_store_exported_and_imported_over_reference_data_answers_the_same(
        seeded_and_reimported):
    a, b = seeded_and_reimported
    for at in ("2024-11-27T00:00:00Z", "2024-11-30T12:00:00Z", "2024-12-05T00:00:00Z"):
        same_state(a, b, at)
    for params in ({}, {"city": "Aleppo"}, {"governorate": "Idlib"},
                   {"faction": "Syrian Arab Army"},
                   {"from": "2024-11-27T00:00:00Z", "to": "2024-12-01T00:00:00Z"}):
        ca, cb = (c.get("/casualties", query_string=params).get_json() for c in (a, b))
        assert (ca["events"], ca["deaths"]) == (cb["events"], cb["deaths"]), params
        assert sorted((i["city"], i["occurred_at"], i["deaths"]["best"]) for i in ca["items"]
                      ) == sorted((i["city"], i["occurred_at"], i["deaths"]["best"])
                                  for i in cb["items"]), params


def test_the_seeded_round_trip_holds_after_the_fall_too(seeded_and_reimported):
    a, b = seeded_and_reimported
    for at in ("2024-12-08T12:00:00Z", "2025-01-01T00:00:00Z"):
        same_state(a, b, at)


def test_the_seeded_round_trip_brings_the_leaders_statuses_back(seeded_and_reimported):
    a, b = seeded_and_reimported
    for at in ("2024-11-30T12:00:00Z", "2024-12-08T12:00:00Z", "2025-03-01T00:00:00Z"):
        la, lb = ({le["id"]: (le["status"], le["location"], le["since"], le["confidence"],
                               le["stale"])
                   for le in x.get("/state", query_string={"at": at}).get_json()["leaders"]}
                  for x in (a, b))
        assert la == lb, (at, {k: (la[k], lb.get(k)) for k in la if la[k] != lb.get(k)})
    assert la["bashar-al-assad"][0] == "in_exile"
