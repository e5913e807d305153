"""API.md v2, `GET /areas.geojson`, every sentence, as an outside tester checks it: an RFC 7946
FeatureCollection; one feature per (controller, status) with properties {controller, status,
places}; the rest of the land one feature with controller null listing the unknown places;
features do not overlap; their union is the land outline of the countries the view's places are
in; each known place lies in its own feature; a view with no places is an empty collection;
`reach` (km, default 30) and its validation. Through the Flask test client and a real
`timeline serve`, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import math

import pytest
import shapely
from shapely.geometry import Point, shape

from tests.conftest import control
from tests.e2e.acceptance_client import PROBLEM, either_api, flask_api, served
from timeline.readmodel import outlines


@pytest.fixture(params=["flask", "served"])
def api(request, store_url, tmp_path):
    with either_api(request.param, store_url, tmp_path) as opened:
        yield opened


def filed(api, *claims, published_at="2024-12-10T00:00:00Z"):
    r = api.post("/reports", {"source": {"name": "Test wire"}, "published_at": published_at,
                              "claims": list(claims)})
    assert r.status == 201, r.body[:500]
    return r.json()


def areas(api, query=""):
    r = api.get("/areas.geojson" + (f"?{query}" if query else ""))
    assert r.status == 200, r.body[:500]
    assert r.mimetype == "application/geo+json"
    return json.loads(r.body)


def places(api):
    out, target = {}, "/cities?limit=1000"
    while target:
        page = api.get(target).json()
        out.update({p["id"]: p for p in page["items"]})
        target = f"/cities?limit=1000&cursor={page['next']}" if page.get("next") else None
    return out


def country(name):
    return next(c.shape for c in outlines.countries() if c.name == name)


def km(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def check_contract(doc, everything, land, widened=0.0):
    """Every sentence of API.md on one answer; returns {(controller, status): (props, shape)}."""
    assert doc["type"] == "FeatureCollection" and isinstance(doc["features"], list)
    found = {}
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        props = f["properties"]
        assert set(props) == {"controller", "status", "places"}
        key = (props["controller"], props["status"])
        assert key not in found, f"two features for {key}"
        g = shape(f["geometry"])
        assert g.is_valid, shapely.is_valid_reason(g)
        # only the unknown land may be empty (README: when the known places' land covers all)
        assert not g.is_empty or props["controller"] is None
        # RFC 7946: [lon, lat], exterior rings counterclockwise, holes clockwise
        polygons = [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" \
            else f["geometry"]["coordinates"]
        for polygon in polygons:
            for i, ring in enumerate(polygon):
                assert ring[0] == ring[-1]
                assert shapely.LinearRing(ring).is_ccw == (i == 0)
                assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)
        found[key] = (props, g)
    shapes = [g for _, g in found.values()]
    for i in range(len(shapes)):
        for j in range(i + 1, len(shapes)):
            assert shapes[i].intersection(shapes[j]).area < 1e-9, "features overlap"
    union = shapely.union_all(shapes)
    assert land.difference(union).area < 1e-6 * land.area
    # "widened where needed to take in every place's point": a coastal place's few km at most
    assert union.difference(land).area <= 1e-6 * land.area + widened
    for p in everything.values():
        assert union.covers(Point(p["lon"], p["lat"])), p["id"]
    unknown = [key for key in found if key[0] is None]
    assert unknown == [(None, "unknown")]
    listed = [p for props, _ in found.values() for p in props["places"]]
    assert len(listed) == len(set(listed)) and set(listed) == set(everything), "every place, once"
    for (controller, status), (props, g) in found.items():
        if controller is None:
            continue
        assert status in ("held", "contested") and props["places"]
        for pid in props["places"]:
            p = everything[pid]
            assert g.contains(Point(p["lon"], p["lat"])), (pid, controller, status)
    return found


def state_of(api, at, known=""):
    return {c["id"]: (c["controller"], c["status"])
            for c in api.get(f"/state?at={at}{known}").json()["cities"]}


def test_every_sentence_on_a_mixed_view(api):
    filed(api, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"),
          control("Homs", "SAA", "2024-11-20T00:00:00Z"),
          control("Damascus", "4th Division", "2024-11-20T00:00:00Z"),
          control("Kafr Sousa", "SAA", "2024-11-20T00:00:00Z"),
          {"type": "clash", "city": "Homs", "factions": ["HTS", "SAA"], "occurred_at": "2024-12-01T06:00:00Z"})
    everything = places(api)
    at = "2024-12-01T12:00:00Z"
    doc = areas(api, f"at={at}")
    found = check_contract(doc, everything, country("Syria"))
    # the features agree with /state at the same view, place by place
    state = state_of(api, at)
    for (controller, status), (props, _) in found.items():
        for pid in props["places"]:
            assert state[pid] == (controller, status if controller else "unknown"), pid
    assert found[("hts", "held")][0]["places"] == ["aleppo"]
    assert found[("syrian-arab-army", "contested")][0]["places"] == ["homs"]
    # a sub-faction is a controller of its own, and held and contested are different features
    assert found[("4th-division", "held")][0]["places"] == ["damascus"]
    assert found[("syrian-arab-army", "held")][0]["places"] == ["kafr-sousa"]
    assert found[(None, "unknown")][0]["places"] == ["hama"]


def test_the_view_follows_at_known_at_and_min_confidence(api):
    first = filed(api, control("Aleppo", "SAA", "2024-11-01T00:00:00Z", confidence="confirmed"),
                  control("Hama", "SAA", "2024-11-01T00:00:00Z", confidence="unconfirmed"))
    later = filed(api, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    everything, syria = places(api), country("Syria")
    cases = {
        "at=2024-11-27T00:00:00Z": {"aleppo": "syrian-arab-army"},
        "at=2024-12-01T00:00:00Z": {"aleppo": "hts"},
        f"at=2024-12-01T00:00:00Z&known_at=@{first['position']}": {"aleppo": "syrian-arab-army"},
        "at=2024-12-01T00:00:00Z&min_confidence=confirmed": {"aleppo": "syrian-arab-army"},
        "at=2024-12-01T00:00:00Z&min_confidence=unconfirmed": {"aleppo": "hts", "hama": "syrian-arab-army"},
    }
    for query, expected in cases.items():
        found = check_contract(areas(api, query), everything, syria)
        known = {pid: c for (c, _), (props, _) in found.items() if c for pid in props["places"]}
        assert known == expected, query
    # a retraction sends the place back to the unknown land
    filed(api, {"type": "retract", "claim": later["claims"][0]["id"], "reason": "denied"})
    found = check_contract(areas(api, "at=2024-12-01T00:00:00Z"), everything, syria)
    assert found[("syrian-arab-army", "held")][0]["places"] == ["aleppo"]


def test_the_land_is_that_of_every_country_the_places_are_in(api):
    # Beirut, registered over HTTP: an unknown place in Lebanon brings Lebanon's land in
    r = api.post("/cities", {"name": "Beirut", "aliases": ["بيروت"], "lat": 33.8938, "lon": 35.5018})
    assert r.status == 201, r.body[:300]
    filed(api, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    everything = places(api)
    land = shapely.union_all([country("Syria"), country("Lebanon")])
    # Beirut lies 1.6 km off Natural Earth's generalised coast: a 2 km disc widens the land
    found = check_contract(areas(api, "at=2024-12-01T00:00:00Z"), everything, land, widened=0.005)
    assert "beirut" in found[(None, "unknown")][0]["places"]
    assert found[(None, "unknown")][1].contains(Point(35.5018, 33.8938))


def test_reach_defaults_to_30_km_and_bounds_a_places_land(api):
    filed(api, control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))
    aleppo = places(api)["aleppo"]
    default = areas(api, "at=2024-12-01T00:00:00Z")
    assert default["features"] == areas(api, "at=2024-12-01T00:00:00Z&reach=30")["features"]
    assert default["features"] != areas(api, "at=2024-12-01T00:00:00Z&reach=31")["features"]
    for reach in (10, 30, 75.5):
        doc = areas(api, f"at=2024-12-01T00:00:00Z&reach={reach}")
        hts = next(shape(f["geometry"]) for f in doc["features"] if f["properties"]["controller"] == "hts")
        corners = [xy for poly in getattr(hts, "geoms", [hts]) for xy in poly.exterior.coords]
        far = max(km(aleppo["lon"], aleppo["lat"], x, y) for x, y in corners)
        assert reach * 0.97 < far <= reach * 1.01, (reach, far)
    doc = json.loads(api.get("/openapi.json").body)
    reach = next(p for p in doc["paths"]["/areas.geojson"]["get"]["parameters"] if p["name"] == "reach")
    assert reach["schema"]["default"] == 30 and reach["schema"]["type"] == "number"


BAD = [("reach=0", "reach"), ("reach=-1", "reach"), ("reach=km", "reach"), ("reach=nan", "reach"),
       ("reach=Infinity", "reach"), ("reach=1e400", "reach"), ("reach=", "reach"),
       ("reach=10&reach=20", "reach"), ("at=2024-12-01T00:00:00", "at"), ("at=2024-12-01", "at"),
       ("known_at=2024-12-01T00:00:00", "known_at"), ("known_at=@-1", "known_at"),
       ("min_confidence=certain", "min_confidence"), ("published_by=2024-12-01T00:00:00", "published_by")]


def test_bad_parameters_are_422_problems_naming_them(api):
    for query, field in BAD:
        r = api.get(f"/areas.geojson?{query}")
        assert r.status == 422 and r.mimetype == PROBLEM, (query, r.status, r.body[:300])
        assert field in r.json()["errors"], (query, r.json())


def test_a_view_with_no_places_is_an_empty_collection(api):
    assert areas(api, "known_at=@0")["features"] == []


@pytest.mark.parametrize("mode", ["flask", "served"])
def test_an_empty_store_answers_an_empty_collection(store_url, tmp_path, mode):
    if mode == "served":
        with served(store_url, tmp_path, with_world=False) as remote:
            doc = areas(remote)
    else:
        from timeline.application import TimelineApplication

        app = TimelineApplication(store_url)
        try:
            doc = areas(flask_api(app))
        finally:
            app.close()
    assert doc["type"] == "FeatureCollection" and doc["features"] == []
