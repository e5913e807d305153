"""Events, tolls and GET /casualties over HTTP on both stores (API.md v2): the vocabulary's
checks, one count per event (its latest counted claim), the filters and the three clocks."""

from __future__ import annotations

from tests.conftest import report


def post(client, *claims, published_at="2024-12-01T00:00:00Z", source="Test wire"):
    claims = tuple({k: v for k, v in c.items() if v is not None} for c in claims)
    return client.post("/reports", json=report(*claims, published_at=published_at, source=source),
                       headers=client.auth)


def event(city="Aleppo", best=3, at="2024-11-30T10:00:00Z", **extra):
    claim = {"type": "event", "event_type": "Explosions/Remote violence",
             "sub_event_type": "Air/drone strike", "city": city, "occurred_at": at,
             "deaths": {"best": best}}
    claim.update(extra)
    return claim


def casualties(client, **params):
    r = client.get("/casualties", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_an_event_and_a_toll_are_filed_and_read_back(client):
    r = post(client, event(actors=["SAA", "HTS"], civilian_targeting=True, event_key="SYR1",
                           deaths={"best": 5, "low": 4, "high": 9, "civilians": 2}),
             {"type": "casualties", "city": "Homs", "factions": ["SNA"], "occurred_at":
              "2024-11-30T00:00:00Z", "deaths": {"best": 0}})
    assert r.status_code == 201, r.get_json()
    first, second = r.get_json()["claims"]
    assert first["actors"] == ["syrian-arab-army", "hts"] and first["geo_precision"] == 1
    assert first["deaths"] == {"best": 5, "low": 4, "high": 9, "civilians": 2}
    assert first["event_key"] == "SYR1" and first["civilian_targeting"] is True
    assert second["type"] == "casualties" and second["factions"] == ["sna"]
    got = client.get(f"/claims/{first['id']}").get_json()
    assert (got["sub_event_type"], got["deaths"]["best"]) == ("Air/drone strike", 5)


def test_bad_combinations_are_422s_naming_the_field(client):
    cases = [
        (event(deaths={"best": 5, "low": 6}), "claims.0.deaths.low"),
        (event(deaths={"best": 5, "high": 4}), "claims.0.deaths.high"),
        (event(deaths={"best": -1}), "claims.0.deaths.best"),
        (event(deaths={"low": 1}), "claims.0.deaths.best"),
        (event(deaths={"best": 1, "dead": 2}), "claims.0.deaths.dead"),
        (event(event_type="Battles"), "claims.0.sub_event_type"),
        (event(event_type="Skirmish"), "claims.0.event_type"),
        (dict(event(), city=None, lat=36.1), "claims.0.lon"),
        (dict(event(), city=None), "claims.0.city"),
        (event(geo_precision=4), "claims.0.geo_precision"),
        (event(event_key=""), "claims.0.event_key"),
        ({"type": "casualties", "city": "Homs", "occurred_at": "2024-11-30T00:00:00Z"},
         "claims.0.deaths"),
        ({"type": "control", "city": "Homs", "faction": "HTS", "occurred_at":
          "2024-11-30T00:00:00Z", "deaths": {"best": 1}}, "claims.0.deaths"),
        (event(actors=["HTS", "Nobody"]), "claims.0.actors.1"),
    ]
    for claim, path in cases:
        claim = {k: v for k, v in claim.items() if v is not None}
        r = post(client, claim)
        assert r.status_code == 422, (claim, r.get_json())
        assert r.headers["Content-Type"].startswith("application/problem+json")
        assert path in r.get_json()["errors"], (path, r.get_json()["errors"])
    assert casualties(client)["events"] == 0  # nothing was written


def test_a_point_event_and_geo_precision_on_any_claim(client):
    r = post(client, dict(event(city=None), lat=36.01, lon=36.52, location="Road near Saraqib",
                          geo_precision=2),
             {"type": "control", "city": "Homs", "faction": "HTS", "geo_precision": 3,
              "event_key": "k-1", "occurred_at": "2024-11-30T00:00:00Z"})
    assert r.status_code == 201, r.get_json()
    point, control = r.get_json()["claims"]
    assert (point["lat"], point["lon"], point["geo_precision"]) == (36.01, 36.52, 2)
    assert "city" not in point
    assert (control["geo_precision"], control["event_key"]) == (3, "k-1")
    everything = casualties(client)
    assert everything["events"] == 1 and everything["items"][0]["city"] is None
    assert casualties(client, city="Aleppo")["events"] == 0


def test_each_event_counts_once_by_its_latest_counted_claim(client):
    post(client, event(event_key="E1", best=3), published_at="2024-12-01T00:00:00Z")
    revised = post(client, event(event_key="E1", best=7, deaths={"best": 7, "high": 10}),
                   published_at="2024-12-02T00:00:00Z").get_json()
    post(client, event(best=2), event(best=1, city="Homs"))  # two claims without a key
    answer = casualties(client)
    assert answer["events"] == 3
    assert answer["deaths"] == {"best": 10, "low": 10, "high": 13, "civilians": 0}
    [e1] = [i for i in answer["items"] if i["event_key"] == "E1"]
    assert e1["claims"][-1] == revised["claims"][0]["id"] and len(e1["claims"]) == 2
    assert e1["deaths"] == {"best": 7, "low": 7, "high": 10, "civilians": 0}
    # as known before the revision, and as published by then
    before = casualties(client, known_at=f"@{revised['position'] - 1}")
    assert before["deaths"]["best"] == 3 + 0 or before["deaths"]["best"] == 3
    assert casualties(client, published_by="2024-12-01T12:00:00+00:00")["deaths"]["best"] == 6
    # the revision retracted: the first toll counts again
    r = post(client, {"type": "retract", "claim": revised["claims"][0]["id"], "reason": "wrong"})
    assert r.status_code == 201
    assert casualties(client)["deaths"]["best"] == 6
    # a retraction published after published_by does not count there
    assert casualties(client, published_by="2024-12-01T12:00:00Z")["deaths"]["best"] == 6


def test_filters_window_city_with_districts_governorate_faction_confidence(client, world):
    world.register("place", "Idlib", [], lat=35.93, lon=36.63, governorate="Idlib", parent=None,
                   place_kind="city", source=None)
    world.register("place", "Maarrat Misrin", [], lat=36.01, lon=36.67, governorate="Idlib",
                   parent=None, place_kind="town", source=None)
    post(client, event(city="Damascus", best=1, actors=["4th Division"]),
         event(city="Kafr Sousa", best=2),
         event(city="Idlib", best=4, at="2024-12-02T00:00:00Z", actors=["HTS"]),
         event(city="Maarrat Misrin", best=8, at="2024-12-08T23:00:00Z"),
         event(city="Idlib", best=16, at="2024-12-09T00:00:00Z"),
         event(city="Idlib", best=32, confidence="unconfirmed"),
         published_at="2024-12-10T00:00:00Z")
    assert casualties(client, city="Damascus")["deaths"]["best"] == 3
    assert casualties(client, city="kafr-sousa")["deaths"]["best"] == 2
    idlib = casualties(client, governorate="Idlib", **{"from": "2024-11-27T00:00:00Z",
                                                        "to": "2024-12-09T00:00:00Z"})
    assert (idlib["events"], idlib["deaths"]["best"]) == (2, 12)
    assert casualties(client, governorate="Idlib", min_confidence="unconfirmed",
                      to="2024-12-09T00:00:00Z")["deaths"]["best"] == 44
    assert casualties(client, faction="Syrian Arab Army")["deaths"]["best"] == 1  # sub-faction
    assert casualties(client, faction="HTS")["deaths"]["best"] == 4
    for params, field in (({"city": "Atlantis"}, "city"), ({"governorate": "Mordor"}, "governorate"),
                          ({"faction": "Nobody"}, "faction"), ({"from": "2024-01-01"}, "from"),
                          ({"published_by": "2024-01-01T00:00:00"}, "published_by")):
        r = client.get("/casualties", query_string=params)
        assert r.status_code == 422 and field in r.get_json()["errors"], (params, r.get_json())


def test_items_are_paged_totals_cover_all(client):
    post(client, *[event(best=n, at=f"2024-11-{10 + n}T00:00:00Z") for n in range(1, 6)])
    first = casualties(client, limit=2)
    assert first["events"] == 5 and first["deaths"]["best"] == 15 and len(first["items"]) == 2
    seen = [i["deaths"]["best"] for i in first["items"]]
    cursor = first["next"]
    while cursor:
        page = casualties(client, limit=2, cursor=cursor)
        assert page["events"] == 5
        seen += [i["deaths"]["best"] for i in page["items"]]
        cursor = page["next"]
    assert seen == [1, 2, 3, 4, 5]


def test_replay_rebuilds_the_tolls(client, world):
    post(client, event(event_key="E1", best=3), event(best=2))
    before = casualties(client)
    digest = world.digest()
    assert world.replay() == digest
    assert casualties(client) == before


def test_the_timeline_and_its_csv_show_events_with_their_deaths(client):
    import csv
    import io

    post(client, event(event_key="ACLED-SYR9", deaths={"best": 4, "high": 6}, actors=["HTS"]))
    [item] = client.get("/timeline").get_json()["items"]
    assert (item["type"], item["event_key"], item["deaths"], item["actors"]) == (
        "event", "ACLED-SYR9", {"best": 4, "high": 6}, ["hts"])
    [row] = list(csv.DictReader(io.StringIO(client.get("/timeline.csv").get_data(as_text=True))))
    assert (row["type"], row["event_key"], row["sub_event_type"]) == ("event", "ACLED-SYR9",
                                                                    "Air/drone strike")
    assert (row["deaths_best"], row["deaths_low"], row["deaths_high"],
            row["deaths_civilians"]) == ("4", "4", "6", "0")
