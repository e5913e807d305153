"""`GET /areas.geojson` and `timeline export areas` on both stores: valid, non-overlapping features
that cover the land outline of the places' countries, each known place inside its own feature."""

from __future__ import annotations

import json
import math

import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import Point, shape

from tests.conftest import control, report
from timeline.readmodel import outlines
from timeline.cli import main

PROBLEM = "application/problem+json"


def file(client, *claims, published_at="2024-12-10T00:00:00Z"):
    r = client.post("/reports", json=report(*claims, published_at=published_at), headers=client.auth)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def areas(client, **query):
    r = client.get("/areas.geojson", query_string=query)
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/geo+json"
    return json.loads(r.data)


def places(client):
    return {e["id"]: e for e in client.application.extensions["timeline"].names.entities("place")}


def country(name):
    return next(c.shape for c in outlines.countries() if c.name == name)


def km(lon1, lat1, lon2, lat2):
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def check_coverage(doc, known_places, land):
    """The contract's invariants: valid, no overlap, union = land, known places in their own."""
    assert doc["type"] == "FeatureCollection"
    shapes = []
    for f in doc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "MultiPolygon"
        assert set(f["properties"]) == {"controller", "status", "places"}
        g = shape(f["geometry"])
        assert g.is_valid, shapely.is_valid_reason(g)
        shapes.append(g)
    for i in range(len(shapes)):
        for j in range(i + 1, len(shapes)):
            assert shapes[i].intersection(shapes[j]).area < 1e-9, (doc["features"][i]["id"], doc["features"][j]["id"])
    union = shapely.union_all(shapes)
    assert union.area == pytest.approx(land.area, rel=1e-6)
    assert union.symmetric_difference(land).area < 1e-6
    unknown = [f for f in doc["features"] if f["properties"]["controller"] is None]
    assert len(unknown) == 1 and unknown[0]["properties"]["status"] == "unknown"
    for f, g in zip(doc["features"], shapes, strict=True):
        if f["properties"]["controller"] is None:
            continue
        for pid in f["properties"]["places"]:
            p = known_places[pid]
            assert g.contains(Point(p["lon"], p["lat"])), (pid, f["id"])
    return {f["id"]: (f, g) for f, g in zip(doc["features"], shapes, strict=True)}


def feature_of(doc, place_id):
    return next(f for f in doc["features"] if place_id in f["properties"]["places"])


def test_areas_cover_the_land_without_overlap_and_hold_their_places(client):
    file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"),
         control("Homs", "SAA", "2024-11-20T00:00:00Z"),
         control("Damascus", "SAA", "2024-11-20T00:00:00Z"),
         {"type": "clash", "city": "Homs", "factions": ["HTS", "SAA"], "occurred_at": "2024-12-01T06:00:00Z"})
    doc = areas(client, at="2024-12-01T12:00:00Z")
    features = check_coverage(doc, places(client), country("Syria"))
    props = {fid: f["properties"] for fid, (f, _) in features.items()}
    assert props["hts/held"] == {"controller": "hts", "status": "held", "places": ["aleppo"]}
    assert props["syrian-arab-army/contested"]["places"] == ["homs"]
    assert props["syrian-arab-army/held"]["places"] == ["damascus"]
    # unknown places claim no land: they are listed on the unknown land
    assert props["unknown/unknown"] == {"controller": None, "status": "unknown", "places": ["hama", "kafr-sousa"]}
    # the foreign members say which view it is
    assert (doc["at"], doc["reach"], doc["min_confidence"]) == ("2024-12-01T12:00:00Z", 30.0, "reported")


def test_a_place_claims_land_only_within_reach(client):
    file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    aleppo = places(client)["aleppo"]
    for reach in (10, 30):
        doc = areas(client, at="2024-12-01T00:00:00Z", reach=str(reach))
        hts = shape(feature_of(doc, "aleppo")["geometry"])
        far = max(km(aleppo["lon"], aleppo["lat"], x, y) for poly in hts.geoms for x, y in poly.exterior.coords)
        assert reach * 0.98 < far <= reach * 1.005  # the disc, within its polygon's error
        # the disc's area, on the ground: pi r^2 (cos(lat) turns square degrees into km^2)
        area_km2 = hts.area * (111.195 ** 2) * math.cos(math.radians(aleppo["lat"]))
        assert area_km2 == pytest.approx(math.pi * reach ** 2, rel=0.02)


def test_a_change_of_control_moves_the_place_to_another_feature(client):
    first = file(client, control("Aleppo", "SAA", "2024-11-01T00:00:00Z"),
                 control("Hama", "SAA", "2024-11-01T00:00:00Z"))
    file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    before = areas(client, at="2024-11-27T00:00:00Z")
    after = areas(client, at="2024-12-01T00:00:00Z")
    assert feature_of(before, "aleppo")["id"] == "syrian-arab-army/held"
    assert feature_of(after, "aleppo")["id"] == "hts/held"
    assert feature_of(after, "hama")["id"] == "syrian-arab-army/held"
    # the land around Aleppo changed hands with it
    near = Point(37.16 + 0.1, 36.2)
    owner = lambda doc: next(f["id"] for f in doc["features"] if shape(f["geometry"]).contains(near))  # noqa: E731
    assert (owner(before), owner(after)) == ("syrian-arab-army/held", "hts/held")
    # and as known before the second report, Aleppo is still the government's
    old = areas(client, at="2024-12-01T00:00:00Z", known_at=f"@{first['position']}")
    assert feature_of(old, "aleppo")["id"] == "syrian-arab-army/held"


def test_the_land_is_every_places_country_widened_to_take_in_a_point_at_sea(client):
    app = client.application.extensions["timeline"]
    # Wad Madani (Sudan) and a point off the Syrian coast that no country's outline covers
    app.register("place", "Wad Madani", ["Wad Medani"], lat=14.4, lon=33.52, governorate=None,
                 parent=None, place_kind="city", source=None)
    app.register("place", "Offshore platform", [], lat=35.2, lon=35.5, governorate=None,
                 parent=None, place_kind="city", source=None)
    app.register("faction", "Rapid Support Forces", ["RSF"], parent=None, source=None, slug="rsf")
    file(client, control("Wad Madani", "RSF", "2023-12-19T00:00:00Z"),
         control("Offshore platform", "SAA", "2024-11-01T00:00:00Z"))
    doc = areas(client, at="2024-12-01T00:00:00Z")
    sea = Point(35.5, 35.2)
    assert not any(c.shape.intersects(sea) for c in outlines.countries())
    widened = shapely.union_all([country("Syria"), country("Sudan")])
    union = shapely.union_all([shape(f["geometry"]) for f in doc["features"]])
    assert widened.difference(union).area < 1e-9 and union.contains(sea)
    assert union.area == pytest.approx(widened.area, rel=1e-3)  # a 2 km disc and its strip
    features = check_coverage(doc, places(client), union)
    assert features["rsf/held"][0]["properties"]["places"] == ["wad-madani"]
    assert features["syrian-arab-army/held"][1].contains(sea)


def test_a_view_with_no_places_is_an_empty_collection(store_url):
    from api import create_app
    from timeline.application import TimelineApplication

    app = TimelineApplication(store_url)
    try:
        client = create_app({"TIMELINE_APP": app, "TESTING": True}).test_client()
        doc = json.loads(client.get("/areas.geojson").data)
        assert doc["type"] == "FeatureCollection" and doc["features"] == []
    finally:
        app.close()


def test_a_view_before_the_places_were_registered_has_no_places(client):
    doc = areas(client, known_at="@0")
    assert doc["features"] == []


@pytest.mark.parametrize("query, field", [
    ("reach=0", "reach"), ("reach=-5", "reach"), ("reach=abc", "reach"), ("reach=1e9", "reach"),
    ("reach=nan", "reach"), ("reach=inf", "reach"),
    ("published_by=2024-12-01T00:00:00", "published_by"), ("published_by=yesterday", "published_by"),
    ("at=2024-12-01", "at"), ("min_confidence=sure", "min_confidence"), ("known_at=@x", "known_at"),
])
def test_bad_parameters_are_422_naming_the_field(client, query, field):
    r = client.get(f"/areas.geojson?{query}")
    assert r.status_code == 422 and r.mimetype == PROBLEM
    assert field in r.get_json()["errors"]


def test_published_by_is_accepted(client):
    file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"), published_at="2024-11-30T00:00:00Z")
    doc = areas(client, at="2024-12-01T00:00:00Z", published_by="2024-12-01T00:00:00+02:00")
    assert feature_of(doc, "aleppo")["properties"]["controller"] == "hts"


def test_published_by_leaves_out_later_reports_and_is_documented_as_state_documents_it(client):
    file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"), published_at="2024-11-30T00:00:00Z")
    doc = areas(client, at="2024-12-01T00:00:00Z", published_by="2024-11-29T23:00:00Z")
    assert feature_of(doc, "aleppo")["properties"]["controller"] is None  # not yet published
    spec = client.get("/openapi.json").get_json()["paths"]

    def published_by(path):
        return next(p["schema"] for p in spec[path]["get"]["parameters"] if p["name"] == "published_by")
    assert published_by("/areas.geojson") == published_by("/state")
    assert published_by("/areas.geojson")["pattern"]


def test_the_same_view_is_answered_from_the_cache(client):
    file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    first = client.get("/areas.geojson").data
    second = client.get("/areas.geojson").data
    assert json.loads(first)["features"] == json.loads(second)["features"]


def test_timeline_export_areas_writes_what_the_route_answers(client, store_url, tmp_path):
    file(client, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    out = tmp_path / "areas.geojson"
    result = CliRunner().invoke(main, ["export", "areas", "--at", "2024-12-01T00:00:00Z", "--reach", "20",
                                       "-o", str(out)], env={"TIMELINE_DATABASE_URL": store_url},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    served = areas(client, at="2024-12-01T00:00:00Z", reach="20")
    assert written["features"] == served["features"]
    bad = CliRunner().invoke(main, ["export", "areas", "--reach", "0"], env={"TIMELINE_DATABASE_URL": store_url})
    assert bad.exit_code != 0 and "--reach" in bad.output
