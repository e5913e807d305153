"""ACLED both ways on the real stores (API.md v2): GET /acled.csv writes counted claims one row
per event, and importing that file into an empty store with the same reference data gives the
same state and casualty answers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import new_store_url, register_world, report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "acled"


def client_of(app):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": app, "TESTING": True})
    client = flask_app.test_client()
    client.auth = {"Authorization": f"Bearer {app.create_token('writer')}"}
    return client


@pytest.fixture
def second(store_url, tmp_path):
    from timeline.application import TimelineApplication

    url, cleanup = new_store_url("postgres" if store_url.startswith("postgres") else "sqlite",
                                 tmp_path)
    app = TimelineApplication(url)
    register_world(app)
    yield app
    app.close()
    cleanup()


def post(client, *claims, published_at="2024-12-01T00:00:00Z"):
    r = client.post("/reports", json=report(*claims, published_at=published_at),
                    headers=client.auth)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def strike(city, best, at, **extra):
    return {"type": "event", "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike", "city": city, "occurred_at": at,
            "deaths": {"best": best}, **extra}


WINDOWS = [{}, {"from": "2024-11-27T00:00:00Z", "to": "2024-12-09T00:00:00Z"},
           {"city": "Damascus"}, {"faction": "Syrian Arab Army"}, {"faction": "HTS"}]
ATS = ["2024-11-29T12:00:00Z", "2024-11-30T20:00:00Z", "2024-12-02T00:00:00Z",
       "2024-12-09T00:00:00Z"]


def answers(client):
    out = {}
    for at in ATS:
        cities = client.get("/state", query_string={"at": at}).get_json()["cities"]
        out[f"state {at}"] = sorted((c["id"], c["controller"], c["status"], c["since"],
                                     c["confidence"]) for c in cities)
    for params in WINDOWS:
        body = client.get("/casualties", query_string=params).get_json()
        out[f"casualties {params}"] = (body["events"], body["deaths"], [
            # a claim without a key is exported with its id as event_id_cnty
            (i["event_key"] or i["claims"][-1], i["city"], i["occurred_at"], i["deaths"])
            for i in body["items"]])
    return out


def test_the_export_reimported_gives_the_same_state_and_casualties(world, second):
    from timeline.ingest.acled import import_csv

    client = client_of(world)
    assert import_csv(world, (FIXTURES / "syria-2024-11-12.csv").read_text())["imported"] == 9
    post(client, {"type": "control", "city": "Homs", "faction": "HTS", "from_faction": "SAA",
                  "occurred_at": "2024-11-30T18:00:00+03:00", "confidence": "confirmed"},
         {"type": "clash", "city": "Damascus", "place": "Kafr Sousa", "factions": ["SAA", "SNA"],
          "occurred_at": "2024-11-30T19:00:00Z", "deaths": {"best": 3, "low": 2, "high": 5}},
         strike("Damascus", 7, "2024-12-01T00:00:00Z", event_key="NEWS-1",
                actors=["4th Division", "HTS"], deaths={"best": 7, "civilians": 4},
                civilian_targeting=True),
         {"type": "casualties", "city": "Aleppo", "factions": ["HTS"], "deaths": {"best": 11},
          "occurred_at": "2024-11-29T00:00:00Z"},
         {"type": "note", "text": "not an ACLED row", "occurred_at": "2024-11-29T00:00:00Z"})
    revised = post(client, strike("Damascus", 9, "2024-12-01T00:00:00Z", event_key="NEWS-1",
                                  actors=["4th Division", "HTS"]),
                   published_at="2024-12-03T00:00:00Z")
    wrong = post(client, strike("Homs", 100, "2024-12-01T00:00:00Z"))
    post(client, {"type": "retract", "claim": wrong["claims"][0]["id"], "reason": "wrong"})
    post(client, strike("Homs", 50, "2024-12-01T00:00:00Z", confidence="unconfirmed"))

    r = client.get("/acled.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    by_id = {row["event_id_cnty"]: row for row in rows}
    # one row per event: the revision, not the first toll; the fixture's events by their ids
    assert by_id["NEWS-1"]["fatalities"] == "9" and by_id["NEWS-1"]["actor1"] == "4th Division"
    assert by_id["SYR131001"]["sub_event_type"] == "Non-state actor overtakes territory"
    assert by_id["SYR131003"]["civilian_targeting"] == "Civilian targeting"
    assert not any(row["fatalities"] in ("100", "50") for row in rows)  # retracted, unconfirmed
    assert revised["claims"][0]["id"] not in by_id
    assert len(rows) == 9 + 4  # the fixture's events, control, clash, casualties (no note)

    other = client_of(second)
    result = import_csv(second, text)
    assert result["rejected"] == [] and result["imported"] == len(rows)
    assert answers(other) == answers(client)

    # known_at: the export as known before the revision carries the first toll
    before = client.get("/acled.csv", query_string={"known_at": f"@{revised['position'] - 1}"})
    old = {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(before.get_data(as_text=True)))}
    assert old["NEWS-1"]["fatalities"] == "7"
    window = client.get("/acled.csv", query_string={"from": "2024-12-01T00:00:00Z",
                                                    "to": "2024-12-02T00:00:00Z"})
    assert {row["event_id_cnty"] for row in csv.DictReader(io.StringIO(window.get_data(as_text=True)))} == {"NEWS-1"}
    bad = client.get("/acled.csv", query_string={"from": "2024-12-01"})
    assert bad.status_code == 422 and "from" in bad.get_json()["errors"]


def state_of(client, at):
    cities = client.get("/state", query_string={"at": at}).get_json()["cities"]
    return sorted((c["id"], c["controller"], c["status"], c["since"], c["confidence"])
                  for c in cities)


def test_dissolutions_travel_as_rows_of_their_own_and_come_back(world, second):
    """A counted `dissolve` claim is a "Change to group/activity" row marked claim_type=dissolve
    (no place, actor2 = into); the import files it back as a dissolve claim, so the places of the
    dissolved faction lapse (or pass on) in the re-imported store as in the first."""
    from timeline.ingest.acled import import_csv

    client = client_of(world)
    post(client, {"type": "control", "city": "Homs", "faction": "4th Division",
                  "occurred_at": "2024-11-20T12:00:00Z"},
         {"type": "control", "city": "Aleppo", "faction": "SNA",
          "occurred_at": "2024-11-20T12:00:00Z"},
         strike("Damascus", 4, "2024-12-08T03:00:00Z", event_key="NEWS-9", actors=["SAA"]),
         published_at="2024-12-08T09:00:00Z")
    army = post(client, {"type": "dissolve", "faction": "SAA", "event_key": "NEWS-9",
                         "occurred_at": "2024-12-08T06:00:00+03:00"},
                published_at="2024-12-08T09:00:00Z")
    post(client, {"type": "confirm", "claim": army["claims"][0]["id"]},
         published_at="2024-12-09T09:00:00Z")
    post(client, {"type": "dissolve", "faction": "SNA", "into": "HTS",
                  "occurred_at": "2025-01-29T12:00:00Z"}, published_at="2025-01-30T00:00:00Z")
    wrong = post(client, {"type": "dissolve", "faction": "HTS",
                          "occurred_at": "2025-01-30T12:00:00Z"},
                 published_at="2025-01-31T00:00:00Z")
    post(client, {"type": "retract", "claim": wrong["claims"][0]["id"], "reason": "wrong"},
         published_at="2025-01-31T00:00:00Z")

    text = client.get("/acled.csv").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["claim_type"] == "dissolve"]
    assert [(r["event_type"], r["sub_event_type"], r["actor1"], r["actor2"], r["event_date"],
             r["location"], r["latitude"], r["confidence"]) for r in rows] == [
        ("Strategic developments", "Change to group/activity", "Syrian Arab Army", "",
         "2024-12-08T03:00:00Z", "", "", "confirmed"),
        ("Strategic developments", "Change to group/activity", "Syrian National Army",
         "Hayat Tahrir al-Sham", "2025-01-29", "", "", "reported")]
    # the army's key is the strike's row: the dissolution goes under its claim id
    assert rows[0]["event_id_cnty"] == army["claims"][0]["id"]

    result = import_csv(second, text)
    assert result["rejected"] == [] and result["imported"] == 5
    other = client_of(second)
    for at in ("2024-12-01T00:00:00Z", "2024-12-08T12:00:00Z", "2025-01-29T12:00:00Z",
               "2025-02-01T00:00:00Z"):
        assert state_of(other, at) == state_of(client, at), at
    lapsed = dict((c[0], c[1:]) for c in state_of(other, "2024-12-09T00:00:00Z"))
    assert lapsed["homs"][0] is None and lapsed["homs"][2] == "2024-12-08T03:00:00Z"
    assert dict((c[0], c[1]) for c in state_of(other, "2025-02-01T00:00:00Z"))["aleppo"] == "hts"
    body = lambda c: c.get("/casualties").get_json()  # noqa: E731
    assert (body(other)["events"], body(other)["deaths"]) == (body(client)["events"],
                                                              body(client)["deaths"])
    # the dissolve row again: unchanged, nothing new
    again = import_csv(second, text)
    assert again["unchanged"] == 5 and again["imported"] == 0


def test_a_dissolve_row_needs_its_faction_and_a_known_claim_type(second):
    from timeline.ingest.acled import import_csv

    head = ("event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,location,"
            "latitude,longitude,timestamp,claim_type\r\n")
    text = head + (
        "D-1,2024-12-08,Strategic developments,Change to group/activity,,,,,,1733650000,dissolve\r\n"
        "D-2,2024-12-08,Strategic developments,Change to group/activity,SAA,,,,,1733650000,merge\r\n"
        "D-3,2024-12-08,Strategic developments,Change to group/activity,SAA,,,,,1733650000,\r\n"
        "D-4,2024-12-08,Strategic developments,Change to group/activity,SNA,HTS,,,,1733650000,"
        "dissolve\r\n")
    result = import_csv(second, text)
    reasons = {r["line"]: r["reason"] for r in result["rejected"]}
    assert "actor1" in reasons[2] and "claim_type" in reasons[3]
    assert "location" in reasons[4]  # without the mark it is an ordinary event: it needs a place
    assert result["imported"] == 1
    claims = second.recorder.fetchall("SELECT type, data FROM tl_claims", {})
    assert [c["type"] for c in claims] == ["dissolve"]
    data = json.loads(claims[0]["data"])
    assert (data["faction"], data["into"], data["event_key"]) == ("sna", "hts", "D-4")


def leaders_of(client, at):
    body = client.get("/state", query_string={"at": at}).get_json()
    return {le["id"]: (le["status"], le["location"], le["since"], le["confidence"])
            for le in body["leaders"]}


def test_leaders_statuses_and_coups_come_back_too(world, second):
    """/state's leaders are part of the state answers: a leader's status is a row with
    claim_type=leader_status (actor1 the leader, `status`, `location` free text, no point), a
    coup one with claim_type=coup (actor1 led_by, actor2 against, at its city)."""
    from timeline.ingest.acled import import_csv

    client = client_of(world)
    post(client, {"type": "leader_status", "leader": "Assad", "status": "abroad",
                  "location": "Moscow, Russia", "occurred_at": "2024-12-08T18:00:00Z",
                  "confidence": "confirmed"}, published_at="2024-12-09T00:00:00Z")
    post(client, {"type": "coup", "city": "Damascus", "led_by": "Hussam Louka",
                  "against": "Assad", "occurred_at": "2024-12-07T12:00:00Z"},
         published_at="2024-12-08T00:00:00Z")
    text = client.get("/acled.csv").get_data(as_text=True)
    rows = {r["claim_type"]: r for r in csv.DictReader(io.StringIO(text))}
    status, coup = rows["leader_status"], rows["coup"]
    assert (status["actor1"], status["status"], status["location"], status["latitude"],
            status["event_date"], status["confidence"]) == (
        "Bashar al-Assad", "abroad", "Moscow, Russia", "", "2024-12-08T18:00:00Z", "confirmed")
    assert (coup["actor1"], coup["actor2"], coup["location"], coup["latitude"],
            coup["event_date"]) == ("Hussam Louka", "Bashar al-Assad", "Damascus", "33.51",
                                    "2024-12-07")

    result = import_csv(second, text)
    assert result["rejected"] == [] and result["imported"] == 2
    other = client_of(second)
    for at in ("2024-12-07T12:00:00Z", "2024-12-09T00:00:00Z"):
        assert leaders_of(other, at) == leaders_of(client, at), at
    assert leaders_of(other, "2024-12-09T00:00:00Z")["hussam-louka"][:2] == ("leading_coup",
                                                                               "damascus")


def test_a_leader_row_needs_a_known_leader_and_its_status(second):
    from timeline.ingest.acled import import_csv

    head = ("event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,location,"
            "latitude,longitude,timestamp,claim_type,status\r\n")
    text = head + (
        "L-1,2024-12-08,Strategic developments,Other,Nobody,,,,,1733650000,leader_status,abroad\r\n"
        "L-2,2024-12-08,Strategic developments,Other,Assad,,,,,1733650000,leader_status,\r\n"
        "L-3,2024-12-08,Strategic developments,Other,Assad,,,,,1733650000,leader_status,gone\r\n"
        "L-4,2024-12-08,Strategic developments,Other,Hussam Louka,,Damascus,33.51,36.29,"
        "1733650000,coup,\r\n"
        "L-5,2024-12-08,Strategic developments,Other,Assad,,Moscow,,,1733650000,leader_status,"
        "abroad\r\n")
    result = import_csv(second, text)
    reasons = {r["line"]: r["reason"] for r in result["rejected"]}
    assert "not a known leader" in reasons[2] and "status" in reasons[3]
    assert "status" in reasons[4] and "actor2" in reasons[5]
    assert result["imported"] == 1
    claims = second.recorder.fetchall("SELECT type, data FROM tl_claims", {})
    data = json.loads(claims[0]["data"])
    assert (data["leader"], data["status"], data["location"]) == ("bashar-al-assad", "abroad",
                                                                  "Moscow")
