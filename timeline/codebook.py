"""What conflict datasets count: ACLED's event types and sub-types (its codebook, 2023 edition),
and the checks of the v2 claim fields that carry them (`deaths`, `event_key`, `geo_precision`,
an event's point). claims.py calls these; the ACLED and UCDP imports and the export use the
table. Only the standard library and domainmodel."""

from __future__ import annotations

import math
from typing import Any

from .domainmodel import DomainError

# ACLED codebook: event type -> its sub-event types, spelled as ACLED spells them.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory",
                "Non-state actor overtakes territory"),
    "Explosions/Remote violence": ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Grenade"),
    "Violence against civilians": ("Sexual violence", "Attack",
                                   "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention",
                 "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction", "Non-violent transfer of territory",
                               "Other"),
}
# Spelling-insensitive lookups: "air/drone strike" and "Air/Drone strike" are ACLED's type.
_TYPES = {t.casefold(): t for t in EVENT_TYPES}
_SUBTYPES = {s.casefold(): (t, s) for t, subs in EVENT_TYPES.items() for s in subs}

# Sub-event types that say a place changed hands: the ACLED import files a control claim too.
TERRITORY_SUBTYPES = ("Non-state actor overtakes territory", "Government regains territory",
                      "Non-violent transfer of territory")
GEO_PRECISIONS = (1, 2, 3)
MAX_DEATHS = 10_000_000
MAX_KEY = 200
DEATHS_KEYS = ("best", "low", "high", "civilians")


def _fail(path: str, msg: str) -> DomainError:
    return DomainError(f"{path}: {msg}", {path: [msg]})


def event_type(value: Any, path: str) -> str:
    found = _TYPES.get(value.strip().casefold()) if isinstance(value, str) else None
    if found is None:
        raise _fail(path, f"must be one of ACLED's event types: {', '.join(EVENT_TYPES)}")
    return found


def sub_event_type(value: Any, path: str) -> str:
    found = _SUBTYPES.get(value.strip().casefold()) if isinstance(value, str) else None
    if found is None:
        raise _fail(path, "must be one of ACLED's sub-event types (e.g. Armed clash, "
                          "Air/drone strike, Attack, Peaceful protest)")
    return found[1]


def type_of(sub: str) -> str:
    """The event type a (canonical) sub-event type belongs to."""
    return _SUBTYPES[sub.casefold()][0]


def coordinate(value: Any, path: str, limit: float) -> float:
    if (not isinstance(value, (int, float)) or isinstance(value, bool)
            or not math.isfinite(value) or not -limit <= value <= limit):
        raise _fail(path, f"must be a number from -{limit:g} to {limit:g}")
    return float(value)


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "must be true or false")
    return value


def deaths(value: Any, path: str) -> dict[str, int]:
    """`{best, low?, high?, civilians?}`: non-negative whole numbers, low <= best <= high (UCDP's
    convention). Every error at once, each under its own path (`claims.0.deaths.low`)."""
    if not isinstance(value, dict):
        raise _fail(path, "must be an object {best, low?, high?, civilians?}")
    errors: dict[str, list[str]] = {}
    out: dict[str, int] = {}
    for key in value:
        if key not in DEATHS_KEYS:
            errors[f"{path}.{key}"] = ["not a field of deaths (best, low, high, civilians)"]
    for key in DEATHS_KEYS:
        n = value.get(key)
        if n is None:
            if key == "best":
                errors[f"{path}.best"] = ["required: the best estimate of the deaths"]
            continue
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_DEATHS:
            errors[f"{path}.{key}"] = [f"must be a whole number from 0 to {MAX_DEATHS}"]
            continue
        out[key] = n
    if "best" in out:
        if "low" in out and out["low"] > out["best"]:
            errors[f"{path}.low"] = ["must not be more than best"]
        if "high" in out and out["high"] < out["best"]:
            errors[f"{path}.high"] = ["must not be less than best"]
    if errors:
        first = next(iter(errors))
        raise DomainError(f"{first}: {errors[first][0]}", errors)
    return out


def event_key(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_KEY:
        raise _fail(path, f"must be a non-empty string of at most {MAX_KEY} characters")
    return value


def geo_precision(value: Any, path: str) -> int:
    if value not in GEO_PRECISIONS or isinstance(value, bool):
        raise _fail(path, "must be 1 (the place itself), 2 (near it) or 3 (only the region)")
    return int(value)


def check_event(claim: dict[str, Any], raw: dict[str, Any], path: str, fail: Any) -> None:
    """The combinations of an `event` claim: a place (`city`) or a point (`lat` and `lon`
    together), and a sub-event type of its own event type."""
    has_lat, has_lon = raw.get("lat") is not None, raw.get("lon") is not None
    if has_lat != has_lon:
        missing = "lon" if has_lat else "lat"
        fail(f"{path}.{missing}", "lat and lon go together: give both, or a city")
    elif raw.get("city") is None and not has_lat:
        fail(f"{path}.city", "an event needs a city, or lat and lon (with location text)")
    sub, kind = claim.get("sub_event_type"), claim.get("event_type")
    if sub and kind and type_of(sub) != kind:
        fail(f"{path}.sub_event_type", f"{sub!r} is a sub-event type of {type_of(sub)!r}, "
                                       f"not of {kind!r}")
