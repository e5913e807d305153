"""The geometry of the areas of control, without a store: distances on the ground (not in degrees),
coincident places, places off every country's outline."""

from __future__ import annotations

import math

import shapely
from shapely.geometry import Point, shape

from timeline.readmodel import areas, outlines


def km(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def place(pid, lat, lon, **extra):
    return {"id": pid, "lat": lat, "lon": lon, **extra}


def held(controller, status="held"):
    return {"controller": controller, "status": status}


def by_id(features):
    return {f["id"]: shape(f["geometry"]) for f in features}


def test_the_border_between_two_places_is_equally_far_from_both_on_the_ground():
    # Two towns in the Syrian desert, 0.3 degrees of latitude and 0.3 of longitude apart: in
    # degrees the bisector would be wrong by cos(35°); on the ground it must be equidistant.
    a, b = place("a", 35.0, 38.5), place("b", 35.3, 38.8)
    features = by_id(areas.build([a, b], {"a": held("x"), "b": held("y")}, reach_km=60))
    checked = 0
    for i in range(41):
        for j in range(41):
            lon, lat = 38.45 + i * 0.01, 34.95 + j * 0.01
            da, db = km(a["lon"], a["lat"], lon, lat), km(b["lon"], b["lat"], lon, lat)
            if abs(da - db) < 0.3:  # within 150 m of the bisector: either side may be right
                continue
            inside = "x/held" if features["x/held"].contains(Point(lon, lat)) else (
                "y/held" if features["y/held"].contains(Point(lon, lat)) else None)
            if inside:
                checked += 1
                assert inside == ("x/held" if da < db else "y/held"), (lon, lat, da, db)
    assert checked > 1000
    # what a bisector drawn in degrees would get wrong: points it gives to the farther place
    wrong = [(lon, lat) for lon, lat in ((38.65 + d, 35.15 - d) for d in (-0.2, -0.1, 0.1, 0.2))
             if (km(a["lon"], a["lat"], lon, lat) < km(b["lon"], b["lat"], lon, lat))
             != (math.hypot(lon - a["lon"], lat - a["lat"]) < math.hypot(lon - b["lon"], lat - b["lat"]))]
    assert wrong, "the sample points must tell degrees from kilometres apart"


def test_reach_is_kilometres_in_every_direction():
    a = place("a", 35.0, 38.5)
    geom = by_id(areas.build([a], {"a": held("x")}, reach_km=25))["x/held"]
    far = [km(a["lon"], a["lat"], x, y) for poly in geom.geoms for x, y in poly.exterior.coords]
    assert min(far) > 24.9 and max(far) < 25.05


def test_places_on_one_point_the_town_decides_and_both_are_listed():
    town = place("town", 35.0, 38.5, kind="city")
    district = place("district", 35.0, 38.5, parent="town", kind="district")
    features = areas.build([town, district], {"town": held("x"), "district": held("y")})
    ids = {f["id"]: f for f in features}
    assert shape(ids["x/held"]["geometry"]).contains(Point(38.5, 35.0))
    assert ids["y/held"]["properties"]["places"] == ["district"]


def test_unknown_places_claim_no_land_and_an_empty_view_has_no_features():
    a, b = place("a", 35.0, 38.5), place("b", 34.0, 38.0)
    features = areas.build([a, b], {"a": held("x"), "b": {"controller": None, "status": "unknown"}})
    assert [f["id"] for f in features] == ["x/held", "unknown/unknown"]
    assert features[1]["properties"]["places"] == ["b"]
    assert areas.build([], {}) == []


def test_the_land_is_the_places_countries_widened_at_sea():
    syria = next(c.shape for c in outlines.countries() if c.name == "Syria")
    assert [c.name for c in outlines.countries_of([(36.72, 34.72)])] == ["Syria"]
    at_sea = (35.5, 35.2)
    land = areas.land_outline([(36.72, 34.72), at_sea])
    assert land.contains(Point(*at_sea)) and land.is_valid
    assert shapely.difference(syria, land).area < 1e-9
    assert land.area - syria.area < 0.01  # a 2 km disc and a strip to the coast
