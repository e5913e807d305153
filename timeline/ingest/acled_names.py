"""What ACLED's actor, location and leader names stand for: a known faction, place or leader
(by name, alias or distance), else a faction or place planned for registering."""

from __future__ import annotations

import math
import re

from ..domainmodel import DomainError, name_key
from .acled_rows import Event
from .importer import DatasetImporter

NEARBY_KM = 5.0       # a location whose name is unknown takes the nearest place this close
SAME_NAME_KM = 50.0   # a place known by the name counts only if it is this close to the point

# ACLED's standard names for state forces that the seeded factions stand for; other names resolve
# through the factions' own names and aliases, or are registered.
ACLED_ACTORS = {
    "military forces of syria (2000-2024)": "syrian-arab-army",
    "military forces of russia (2000-)": "russian-armed-forces",
    "military forces of turkey (2016-)": "turkish-armed-forces",
    "military forces of israel (2022-)": "idf",
    "military forces of the united states (2021-)": "us-armed-forces",
    "military forces of the united states (2025-)": "us-armed-forces",
}


class Resolver(DatasetImporter):
    def leader(self, name: str, column: str = "actor1") -> str:
        ids = self.names.lookup("leader", name)
        if len(ids) != 1:
            why = "ambiguous" if ids else "not a known leader"
            raise DomainError(f"{column}: leader {name!r} is {why}",
                              {column: [f"{name!r}: {why}"]})
        return ids[0]

    def _parent(self, place: str) -> str | None:
        if place in self._planned:
            return self._planned[place][3].get("parent")
        return (self.names.entity("place", place) or {}).get("parent")

    # ---- actors -----------------------------------------------------------------------------------
    def actor(self, name: str) -> str:
        """The faction an ACLED actor name stands for; registered (with the ACLED name as an
        alias) when nothing known matches."""
        cached = self._actors.get(name)
        if cached is not None:
            return cached
        found = None
        for candidate in _actor_candidates(name):
            table = ACLED_ACTORS.get(candidate.casefold())
            if table and self.names.entity("faction", table):
                found = table
                break
            ids = self.names.lookup("faction", candidate)
            if len(ids) == 1:
                found = ids[0]
                break
            if len(ids) > 1:
                raise DomainError(f"actor {name!r} is ambiguous: it names {', '.join(ids)}")
            found = self._planned_keys.get(("faction", name_key(candidate)))
            if found:
                break
        if found is None:
            abbreviation, full = _split_abbreviation(name)
            display = full or name
            aliases = [a for a in (name, abbreviation) if a and a != display]
            if self._taken("faction", [display, *aliases]):
                display, aliases = name, []  # the short form names another faction
            found = self._plan("faction", display, aliases, {"parent": None, "source": "ACLED actor"})
        self._actors[name] = found
        return found

    # ---- locations --------------------------------------------------------------------------------
    def place(self, event: Event) -> str:
        """The place an ACLED location stands for: by name (the nearest of several, if close),
        else the nearest known place within NEARBY_KM, else a newly registered place."""
        key = (event.location, round(event.lat, 4), round(event.lon, 4))
        cached = self._places.get(key)
        if cached is not None:
            return cached
        found = self._by_name(event.location, event.lat, event.lon)
        parent = None
        if found is None and " - " in event.location:
            # ACLED names city districts "Damascus - Kafr Sousa"
            city_name, _, district = event.location.partition(" - ")
            found = self._by_name(district, event.lat, event.lon)
            parent = self._by_name(city_name, event.lat, event.lon)
        if found is None:
            found = self._nearest(event.lat, event.lon, NEARBY_KM)
        if found is None:
            found = self._plan_place(event, parent)
        self._places[key] = found
        return found

    def _by_name(self, name: str, lat: float, lon: float) -> str | None:
        best = None
        candidates = list(self.names.lookup("place", name))
        planned = self._planned_keys.get(("place", name_key(name)))
        if planned:
            candidates.append(planned)
        for pid in candidates:
            if pid in self._planned:
                attrs = self._planned[pid][3]
                plat, plon = attrs["lat"], attrs["lon"]
            else:
                entity = self.names.entity("place", pid) or {}
                plat, plon = entity.get("lat"), entity.get("lon")
            if plat is None or plon is None:
                continue
            d = km(lat, lon, plat, plon)
            if d <= SAME_NAME_KM and (best is None or d < best[0]):
                best = (d, pid)
        return best[1] if best else None

    def _nearest(self, lat: float, lon: float, limit: float) -> str | None:
        if self._points is None:
            self._points = [(e["id"], e["lat"], e["lon"])
                            for e in self.names.entities("place") if e.get("lat") is not None]
        best = None
        # a box around the point that holds every place within `limit` km (a degree of longitude
        # shrinks with the cosine of the latitude: 0.1 degrees is under 5 km north of 63 degrees)
        dlat = limit / 110.5 + 0.01
        dlon = min(360.0, dlat / max(math.cos(math.radians(min(abs(lat), 89.9))), 1e-6))
        for pid, plat, plon in self._points:
            if abs(plat - lat) > dlat or min(abs(plon - lon), 360 - abs(plon - lon)) > dlon:
                continue
            d = km(lat, lon, plat, plon)
            if d <= limit and (best is None or d < best[0]):
                best = (d, pid)
        return best[1] if best else None

    def _plan_place(self, event: Event, parent: str | None) -> str:
        try:
            governorate = self.names.governorate(event.admin1, "admin1") if event.admin1 else None
        except DomainError:
            governorate = None
        attrs = dict(lat=event.lat, lon=event.lon, governorate=governorate, parent=parent,
                     place_kind="district" if parent else "town",
                     source=f"ACLED {event.event_id} (geo_precision {event.geo_precision or '?'})")
        name = event.location
        # a name that belongs to a place far away (villages share names) is qualified
        for candidate in (name, f"{name} ({event.admin1 or event.event_id})",
                          f"{name} ({event.event_id})"):
            if not self._taken("place", [candidate]):
                name = candidate
                break
        else:
            raise DomainError(f"location {event.location!r} cannot be told apart from known places")
        found = self._plan("place", name, [], attrs)
        if self._points is None:
            self._nearest(event.lat, event.lon, 0)
        assert self._points is not None
        self._points.append((found, event.lat, event.lon))
        return found


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _split_abbreviation(name: str) -> tuple[str | None, str | None]:
    """ACLED writes some actors as "SDF: Syrian Democratic Forces"."""
    m = re.fullmatch(r"([A-Z0-9][\w\-/&.]{0,15}):\s*(.+)", name)
    return (m.group(1), m.group(2).strip()) if m else (None, None)


def _actor_candidates(name: str) -> list[str]:
    out = [name]
    unit = re.fullmatch(r"(.+?\(\d{4}-(?:\d{4})?\))\s+(.+)", name)
    if unit:  # "Military Forces of Syria (2000-2024) Republican Guard": the unit, then the force
        out += [unit.group(2), unit.group(1)]
    abbreviation, full = _split_abbreviation(name)
    if full:
        out += [full, abbreviation]  # type: ignore[list-item]
    for text in list(out):
        # "Islamic State (Syria)" -> "Islamic State"; a period such as "(2000-2024)" is kept,
        # since ACLED uses it to tell governments apart.
        stripped = re.sub(r"\s*\(([^()\d]*)\)\s*$", "", text)
        if stripped and stripped != text:
            out.append(stripped)
    return list(dict.fromkeys(out))
