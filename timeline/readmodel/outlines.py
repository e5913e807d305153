"""Country outlines for the areas of control: Natural Earth admin-0 (public domain) at 1:50m, as
redistributed in npm `world-atlas@2.0.2` (TopoJSON, ISC), vendored in `timeline/data/world/`. The
web page draws the same file (served at /static/vendor/world/countries-50m.json)."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

WORLD_DIR = Path(__file__).parent.parent / "data" / "world"
COUNTRIES_FILE = WORLD_DIR / "countries-50m.json"

_LOCK = threading.Lock()


class Country:
    """A country's outline. `raw` is as decoded (the point lookups use it); `shape` is made
    valid on first use (three of the file's rings pinch, and mending them took most of the
    file's loading time)."""

    __slots__ = ("id", "name", "raw", "_shape")

    def __init__(self, id: str, name: str, raw: Any):  # noqa: A002
        self.id, self.name, self.raw, self._shape = id, name, raw, None

    @property
    def shape(self) -> Any:
        if self._shape is None:
            self._shape = self.raw if self.raw.is_valid else shapely.make_valid(self.raw)
        return self._shape


def _decode_arcs(topo: dict[str, Any]) -> list[np.ndarray]:
    """TopoJSON arcs as lon/lat arrays: quantized positions are deltas from the previous one."""
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        points = np.asarray(arc, dtype=float)[:, :2]
        if transform:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def _ring(arcs: list[np.ndarray], indexes: list[int]) -> np.ndarray:
    # a negative index ~i is arc i reversed; consecutive arcs share their end point
    pieces = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
    return np.vstack([pieces[0], *(p[1:] for p in pieces[1:])])


def _polygon(arcs: list[np.ndarray], rings: list[list[int]]) -> Polygon:
    shells = [_ring(arcs, r) for r in rings]
    return Polygon(shells[0], shells[1:])


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country of the file."""
    topo = json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    out = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("type") == "Polygon":
            parts = [_polygon(arcs, g["arcs"])]
        elif g.get("type") == "MultiPolygon":
            parts = [_polygon(arcs, p) for p in g["arcs"]]
        else:
            continue
        shape = MultiPolygon(parts) if len(parts) > 1 else parts[0]
        name = (g.get("properties") or {}).get("name") or ""
        out.append(Country(str(g.get("id") or name), name, shape))
    return tuple(out)


@lru_cache(maxsize=1)
def _tree() -> shapely.STRtree:
    return shapely.STRtree([c.raw for c in countries()])


def containing(lonlats: list[tuple[float, float]]) -> list[list[Country]]:
    """For each (lon, lat), the countries whose outline covers it (usually one, none at sea)."""
    if not lonlats:
        return []
    all_countries = countries()
    with _LOCK:  # STRtree queries are not documented as thread-safe
        tree = _tree()
        points = [Point(lon, lat) for lon, lat in lonlats]
        pairs = tree.query(points, predicate="intersects")
    out: list[list[Country]] = [[] for _ in lonlats]
    for point_index, country_index in zip(pairs[0], pairs[1], strict=True):
        out[int(point_index)].append(all_countries[int(country_index)])
    return out


def countries_of(lonlats: list[tuple[float, float]]) -> list[Country]:
    """The countries the points are in, each once, in the file's order."""
    seen: dict[str, Country] = {}
    for found in containing(lonlats):
        for country in found:
            seen.setdefault(country.id, country)
    order = {c.id: i for i, c in enumerate(countries())}
    return sorted(seen.values(), key=lambda c: order[c.id])
