"""Areas of control (`GET /areas.geojson`, `timeline export areas`): each place whose controller is
known claims the land closer to it than to any other such place and within `reach` km of it (a
Voronoi cell clipped to the land outline and to that radius); cells merge per (controller, status)
and the land nobody claims is one "unknown" feature.

Distances: the Voronoi diagram and the reach discs are built in spherical Mercator (kilometres at
the equator). Mercator is conformal, so near a point it scales every direction alike by
1/cos(lat): a disc of `reach / cos(lat)` there is the true `reach` km disc, and the bisector of
two places is the true one. Over the ~60 km where a bisector can matter (two reach discs) the
scale changes by under 1 % at Syria's latitude (35° N), so cells and discs are correct to within
about 1 % there (and anywhere below 60°). The overlays (clipping, merging) run in longitude and
latitude, so neighbouring features share their edges exactly."""

from __future__ import annotations

import json
import math
import threading
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from . import outlines

DEFAULT_REACH_KM = 30.0
MAX_REACH_KM = 1000.0
EARTH_KM = 6371.0088
# A place outside every country's outline (a coastal town the 1:50m coast leaves at sea) widens
# the land by a disc this wide around it, joined to the nearest coast.
WIDEN_KM = 2.0
# Such a place is in the country whose outline is nearest, if that is this close: Beirut, Tyre,
# Latakia and Tartus lie 1-3 km off their countries' generalised coasts, and the land drawn is
# that of "the countries the places are in" (API.md), so Lebanon's land comes with Beirut.
NEAREST_COUNTRY_KM = 25.0
_DISC_SEGMENTS = 16  # per quarter circle: the polygon is within 0.2 % of the true circle
DENSIFY_KM = 5.0

_CACHE: dict[tuple, str] = {}
_CACHE_LOCK = threading.Lock()
_BUILD_LOCK = threading.Lock()
_CACHE_SIZE = 16


def _to_mercator(xy: np.ndarray) -> np.ndarray:
    lon = np.radians(xy[:, 0])
    lat = np.radians(np.clip(xy[:, 1], -85.0, 85.0))
    return np.column_stack([EARTH_KM * lon, EARTH_KM * np.log(np.tan(np.pi / 4 + lat / 2))])


def _from_mercator(xy: np.ndarray) -> np.ndarray:
    lon = np.degrees(xy[:, 0] / EARTH_KM)
    lat = np.degrees(2 * np.arctan(np.exp(xy[:, 1] / EARTH_KM)) - np.pi / 2)
    return np.column_stack([lon, lat])


def _polygons(geom: Any) -> list[Polygon]:
    """The polygons of any geometry (an overlay may add stray lines or points: they hold no land)."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    out: list[Polygon] = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            out.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(_polygons(part))
    return out


def _multipolygon(geom: Any) -> MultiPolygon:
    parts = [p for p in _polygons(shapely.make_valid(geom) if geom is not None else None)
             if p.area > 0]
    return shapely.orient_polygons(MultiPolygon(parts)) if parts else MultiPolygon()


_LAND: dict[tuple, Any] = {}


def land_outline(lonlats: list[tuple[float, float]]) -> Any:
    """The union of the countries the points are in, widened to take in every point; kept per
    set of points (places are registered rarely, views change at every step)."""
    key = tuple(lonlats)
    land = _LAND.get(key)
    if land is None:
        land = _land_outline(lonlats)
        shapely.prepare(land)
        with _CACHE_LOCK:
            while len(_LAND) >= 4:
                _LAND.pop(next(iter(_LAND)))
            _LAND[key] = land
    return land


def _nearest_country(lon: float, lat: float) -> Any:
    """The country whose outline is nearest to (lon, lat) within NEAREST_COUNTRY_KM, or None."""
    from shapely.ops import nearest_points

    here = shapely.Point(lon, lat)
    # a degree of latitude is ~111 km; of longitude less, so this window holds every candidate
    window = NEAREST_COUNTRY_KM / 111.0 / max(math.cos(math.radians(lat)), 0.01)
    best, best_km = None, NEAREST_COUNTRY_KM
    for country in outlines.countries():
        if country.shape.distance(here) > window:
            continue
        x, y = nearest_points(country.shape, here)[0].coords[0]
        d = _ground_km(lon, lat, x, y)
        if d <= best_km:
            best, best_km = country, d
    return best


def _ground_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, a)))


def _land_outline(lonlats: list[tuple[float, float]]) -> Any:
    countries = outlines.countries_of(lonlats)
    # a coastal place the generalised coast leaves at sea brings in its nearest country
    found = {c.id for c in countries}
    for (lon, lat), inside in zip(lonlats, outlines.containing(lonlats), strict=True):
        if not inside:
            near = _nearest_country(lon, lat)
            if near is not None and near.id not in found:
                found.add(near.id)
                countries.append(near)
    land = shapely.union_all([c.shape for c in countries]) if countries else Polygon()
    if not lonlats:
        return land
    points = shapely.points(np.array(lonlats, dtype=float))
    shapely.prepare(land)
    outside = [i for i, inside in enumerate(shapely.contains_properly(land, points)) if not inside]
    if not outside:
        return land
    merc_land = shapely.transform(land, _to_mercator) if not land.is_empty else None
    extras = []
    for i in outside:
        lon, lat = lonlats[i]
        here = shapely.transform(points[i], _to_mercator)
        radius = WIDEN_KM / max(math.cos(math.radians(lat)), 0.01)
        piece = here.buffer(radius, quad_segs=_DISC_SEGMENTS)
        if merc_land is not None:
            # a strip to the nearest coast keeps the widened land in one piece
            bridge = shapely.shortest_line(here, merc_land)
            if bridge is not None and bridge.length < 20 * radius:
                piece = piece.union(bridge.buffer(radius / 2, quad_segs=4))
        extras.append(shapely.transform(piece, _from_mercator))
    return shapely.make_valid(shapely.union_all([land, *extras]))


def _densify(cell: Any, step: float) -> Any:
    """The cell with a vertex at least every `step` km along its edges. A straight edge in
    Mercator is a curve in longitude and latitude (off by ~0.4 km over 200 km at 35° N): the
    vertices keep it on the curve. Each edge is cut from its lexicographically smaller end, so
    the two cells on either side of an edge get the very same vertices and still share it."""
    if cell.is_empty or cell.geom_type != "Polygon":
        return cell
    ring = shapely.get_coordinates(cell.exterior)
    p, q = ring[:-1], ring[1:]
    n = np.maximum(1, np.ceil(np.hypot(*(q - p).T) / step).astype(np.int64))
    swap = (p[:, 0] > q[:, 0]) | ((p[:, 0] == q[:, 0]) & (p[:, 1] > q[:, 1]))
    start = np.where(swap[:, None], q, p)
    end = np.where(swap[:, None], p, q)
    edge = np.repeat(np.arange(len(p)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)  # 0 .. n-1 along each edge
    # the same integer step from the same end gives the same float on both sides of an edge
    canonical = np.where(swap[edge], n[edge] - k, k)
    points = start[edge] + (end[edge] - start[edge]) * (canonical / n[edge])[:, None]
    points[k == 0] = p  # the cell's own vertices, exactly
    return shapely.polygons(np.vstack([points, ring[:1]]))


def _cells(xy: np.ndarray, frame: Any) -> list[Any]:
    """Voronoi cells in Mercator, cell i around point i, each covering the frame's part."""
    if len(xy) == 1:
        return [frame]
    cells = shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=frame, ordered=True)
    parts = list(shapely.get_parts(cells))
    if len(parts) == len(xy) and all(p.contains(shapely.Point(*q)) for p, q in zip(parts, xy, strict=True)):
        return parts
    # without GEOS's ordering (older GEOS): match each cell to the point it contains
    tree = shapely.STRtree(parts)
    out = []
    for q in xy:
        found = tree.query(shapely.Point(*q), predicate="intersects")
        out.append(parts[int(found[0])] if len(found) else Polygon())
    return out


def build(places: list[dict[str, Any]], states: dict[str, dict[str, Any]],
          reach_km: float = DEFAULT_REACH_KM) -> list[dict[str, Any]]:
    """The features for `places` (`{id, lat, lon, parent?}`) in `states` (id ->
    `{controller, status}`): one per (controller, status) with land, then the unknown land."""
    located = [p for p in places if _finite(p.get("lat")) and _finite(p.get("lon"))]
    if not places:
        return []
    groups: dict[tuple[str, str], list[str]] = {}
    unknown: list[str] = []
    for p in sorted(places, key=lambda p: p["id"]):
        s = states.get(p["id"]) or {}
        if s.get("controller"):
            groups.setdefault((s["controller"], s.get("status") or "held"), []).append(p["id"])
        else:
            unknown.append(p["id"])
    land = land_outline(sorted((float(p["lon"]), float(p["lat"])) for p in located))

    # One generator per distinct point: of several known places on one point (a district
    # registered at its city's coordinates), the town, not the district, decides the cell.
    generators: dict[tuple[float, float], dict[str, Any]] = {}
    for p in sorted(located, key=lambda p: (bool(p.get("parent")), p["id"])):
        s = states.get(p["id"]) or {}
        if s.get("controller"):
            generators.setdefault((float(p["lon"]), float(p["lat"])), p)
    cells_by_group: dict[tuple[str, str], list[Any]] = {}
    if generators:
        lonlat = np.array(list(generators), dtype=float)
        xy = _to_mercator(lonlat)
        radii = reach_km / np.maximum(np.cos(np.radians(lonlat[:, 1])), 0.01)
        lo, hi = xy.min(axis=0) - radii.max() * 2, xy.max(axis=0) + radii.max() * 2
        frame = box(lo[0], lo[1], hi[0], hi[1])
        cells = _cells(xy, frame)
        discs = shapely.buffer(shapely.points(xy), radii, quad_segs=_DISC_SEGMENTS)
        # Back to longitude and latitude before any overlay: neighbouring cells share their
        # vertices, so they still share their edges there, and every cut below is made on the
        # same straight edges for both sides (cut in Mercator, the edges would bend apart).
        cells = [shapely.transform(_densify(c, DENSIFY_KM), _from_mercator) for c in cells]
        discs = [shapely.transform(d, _from_mercator) for d in discs]
        claimed = list(shapely.intersection(np.array(cells, dtype=object), np.array(discs, dtype=object)))
        shapely.prepare(land)
        inside = shapely.contains_properly(land, np.array(claimed, dtype=object))
        for cell, whole, p in zip(claimed, inside, generators.values(), strict=True):
            s = states[p["id"]]
            piece = cell if whole else shapely.intersection(cell, land)
            cells_by_group.setdefault((s["controller"], s.get("status") or "held"), []).append(piece)

    features = []
    known_land = []
    for key in sorted(groups):
        geom = shapely.union_all(cells_by_group.get(key, [])) if key in cells_by_group else Polygon()
        geom = _multipolygon(geom)
        known_land.append(geom)
        features.append(_feature(geom, key[0], key[1], groups[key]))
    rest = shapely.difference(land, shapely.union_all(known_land)) if known_land else land
    features.append(_feature(_multipolygon(rest), None, "unknown", unknown))
    return features


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _feature(geom: MultiPolygon, controller: str | None, status: str, places: list[str]) -> dict:
    return {"type": "Feature", "id": f"{controller or 'unknown'}/{status}",
            "geometry": json.loads(shapely.to_geojson(geom)) if not geom.is_empty
            else {"type": "MultiPolygon", "coordinates": []},
            "properties": {"controller": controller, "status": status, "places": places}}


def features_text(places: list[dict[str, Any]], states: dict[str, dict[str, Any]],
                  reach_km: float = DEFAULT_REACH_KM) -> str:
    """The features as a JSON array, kept per view: the key is what the geometry depends on
    (every place's point and state, and the reach), so that "now" asked twice, or any two
    points of view that agree, share one computation."""
    key = (float(reach_km), tuple(
        (p["id"], p.get("lat"), p.get("lon"), p.get("parent"),
         (states.get(p["id"]) or {}).get("controller"), (states.get(p["id"]) or {}).get("status"))
        for p in sorted(places, key=lambda p: p["id"])))
    text = _CACHE.get(key)
    if text is None:
        # One build at a time: the shared land outline is a prepared GEOS geometry, and two
        # threads building at once would only share two cores between them.
        with _BUILD_LOCK:
            text = _CACHE.get(key) or json.dumps(build(places, states, reach_km),
                                                 ensure_ascii=False, separators=(",", ":"))
        with _CACHE_LOCK:  # request threads share the cache
            while len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = text
    return text


def collection_text(queries: Any, names: Any, point: Any, reach_km: float = DEFAULT_REACH_KM) -> str:
    """The FeatureCollection for a point of view, as text: the point of view as foreign members
    (RFC 7946 section 6.1), as /state.geojson has them, then the features."""
    world = queries.state(point)
    states = {c["id"]: c for c in world["cities"]}
    places = names.entities("place", point.k)
    head = {"type": "FeatureCollection", "at": world["at"], "known_at": world["known_at"],
            "position": world["position"], "min_confidence": world["min_confidence"],
            "reach": reach_km}
    head_text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    return head_text[:-1] + ',"features":' + features_text(places, states, reach_km) + "}"
