"""The claim vocabulary (API.md, Vocabulary) in one table: each claim type with its fields (their
kind, whether required, the entity kind they name), its rule for `occurred_at` and the effect it
writes in the read model. Derived from it: the domain's checks (claims.py), the request and
response schemas and the OpenAPI document (api/claim_schemas.py), the effect rows and timeline
changes (readmodel/projection.py, readmodel/history.py), GET /vocabulary and the web form built
from it, and the entity fields the importers resolve (`entity_fields`). Adding a claim type is
one entry in TYPES; a new kind of effect also needs its rule in projection.py and history.py.
Only the standard library and codebook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .codebook import EVENT_TYPES, GEO_PRECISIONS

LEADER_STATUSES = (
    "active",
    "whereabouts_unknown",
    "abroad",
    "in_exile",
    "leading_coup",
    "detained",
    "dead",
    "removed",
)


@dataclass(frozen=True)
class Kind:
    """What a field holds: its JSON type, the entity kind it names (each item's, for a list),
    the values it takes, if a closed list, and how the web form asks for it."""

    json: str
    entity: str | None = None
    enum: tuple[Any, ...] = ()
    form: str = "text"


# Field kinds, by the names claims.py checks them under (`faction*`: two or more different
# factions; `faction+`: one or more, each once; `short`: up to MAX_SHORT characters).
KINDS: dict[str, Kind] = {
    "place": Kind("string", "place", form="place"),
    "faction": Kind("string", "faction", form="faction"),
    "leader": Kind("string", "leader", form="leader"),
    "faction*": Kind("array", "faction", form="factions"),
    "faction+": Kind("array", "faction", form="factions"),
    "governorate": Kind("string"),
    "count": Kind("integer", form="count"),
    "status": Kind("string", enum=LEADER_STATUSES, form="status"),
    "short": Kind("string"),
    "text": Kind("string", form="textarea"),
    "claim": Kind("string", form="claim"),
    "event_type": Kind("string", enum=tuple(EVENT_TYPES)),
    "sub_event_type": Kind("string", enum=tuple(s for subs in EVENT_TYPES.values() for s in subs)),
    "lat": Kind("number"),
    "lon": Kind("number"),
    "bool": Kind("boolean"),
    "deaths": Kind("object"),
    "event_key": Kind("string"),
    "geo_precision": Kind("integer", enum=GEO_PRECISIONS),
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool
    label: str | None = None  # the web form's label; None: the form does not ask for it

    @property
    def entity(self) -> str | None:
        return KINDS[self.kind].entity


def req(name: str, kind: str, label: str | None = None) -> Field:
    return Field(name, kind, True, label)


def opt(name: str, kind: str, label: str | None = None) -> Field:
    return Field(name, kind, False, label)


@dataclass(frozen=True)
class Effect:
    """What a counted claim writes in the read model: `kind` is one of EFFECT_KINDS; a row per
    distinct subject (the values of the `subjects` fields), with the value of the field `value`
    (a list joined with commas), or `fixed`, and the `detail` field's value."""

    kind: str
    subjects: tuple[str, ...] = ()
    value: str | None = None
    detail: str | None = None
    fixed: str | None = None


# control: who holds a place; clash: fighting contests it; status: a leader's; dissolve: a
# faction's end (readmodel/stretch.py); retract and confirm correct the claim they name.
EFFECT_KINDS = ("control", "clash", "status", "dissolve", "retract", "confirm")
CORRECTIONS = ("retract", "confirm")


@dataclass(frozen=True)
class ClaimType:
    name: str
    fields: tuple[Field, ...]
    effect: Effect | None = None  # None: the claim is on record and changes no state
    dated: bool = True  # occurred_at required (a correction's defaults to its report's time)
    form: str | None = None  # the web form's choice; None: the form does not offer the type
    # (field, other field, message if equal), checked after the type's fields (claims.py has the
    # checks that come after the common fields': an event's combinations, a dissolve's `into`)
    distinct: tuple[tuple[str, str, str], ...] = ()
    defaults: tuple[tuple[str, Any], ...] = ()  # common fields' values when not given


_PLACE = ("city", "place")
# In the order API.md lists them; the order of `type`'s "must be one of" message.
TYPES: dict[str, ClaimType] = {t.name: t for t in (
    ClaimType("control", (req("city", "place", "City"),
                          req("faction", "faction", "Faction (holds it now)"),
                          opt("from_faction", "faction", "From faction"),
                          opt("place", "place", "District")),
              Effect("control", _PLACE, value="faction", detail="from_faction"),
              form="control — a faction holds a city",
              distinct=(("from_faction", "faction", "must differ from faction"),)),
    ClaimType("clash", (req("city", "place", "City"),
                        req("factions", "faction*", "Factions (two or more)"),
                        opt("place", "place", "District"), opt("deaths", "deaths")),
              Effect("clash", _PLACE, value="factions"), form="clash — fighting in a city"),
    ClaimType("advance", (req("faction", "faction", "Faction"),
                          opt("toward", "place", "Toward (city)"),
                          opt("governorate", "governorate", "Governorate"),
                          opt("captured_count", "count", "Places captured")),
              form="advance — a faction advances"),
    ClaimType("leader_status", (req("leader", "leader", "Leader"),
                                req("status", "status", "Status"),
                                opt("location", "short", "Whereabouts")),
              Effect("status", ("leader",), value="status", detail="location"),
              form="leader_status — a leader's status"),
    ClaimType("coup", (req("city", "place", "City"), req("led_by", "leader", "Led by"),
                       req("against", "leader", "Against")),
              Effect("status", ("led_by",), fixed="leading_coup", detail="city"), form="coup"),
    ClaimType("retract", (req("claim", "claim", "Claim id"), req("reason", "short", "Reason")),
              Effect("retract"), dated=False, form="retract — withdraw an earlier claim"),
    ClaimType("confirm", (req("claim", "claim", "Claim id"), opt("reason", "short", "Reason")),
              Effect("confirm"), dated=False, form="confirm — confirm an earlier claim"),
    ClaimType("note", (req("text", "text", "Text"),), form="note — free text"),
    # v2: ACLED-style events and death tolls (checks in codebook.py)
    ClaimType("event", (req("event_type", "event_type"), opt("sub_event_type", "sub_event_type"),
                        opt("city", "place"), opt("lat", "lat"), opt("lon", "lon"),
                        opt("location", "short"), opt("actors", "faction+"),
                        opt("civilian_targeting", "bool"), opt("deaths", "deaths")),
              defaults=(("geo_precision", 1),)),
    ClaimType("casualties", (req("city", "place"), req("deaths", "deaths"),
                             opt("factions", "faction+")),
              defaults=(("geo_precision", 1),)),
    # API.md v2: from occurred_at the faction and its sub-factions hold nothing; its places pass
    # to `into`, if given (readmodel/stretch.py)
    ClaimType("dissolve", (req("faction", "faction"), opt("into", "faction")),
              Effect("dissolve", ("faction",), value="into")),
)}
CLAIM_TYPES = tuple(TYPES)

# Fields every claim may carry: the v1 ones, which claims.py checks itself, then the v2 ones by
# their kind: `event_key` links reports of one event, `geo_precision` says how near the named
# place it happened.
BASE_FIELDS = ("type", "occurred_at", "confidence", "precision", "summary")
COMMON: dict[str, Field] = {f.name: f for f in (opt("event_key", "event_key"),
                                                opt("geo_precision", "geo_precision"))}

# Every type field once, in the order the schemas list them, with what the API documents of it.
NOTES: dict[str, str | None] = {
    "city": "place id or any known name", "place": "a district (place id or name)",
    "faction": None, "from_faction": None, "factions": None, "toward": None,
    "governorate": None, "captured_count": None, "leader": None, "status": None,
    "location": None, "led_by": None, "against": None, "claim": "a claim id", "reason": None,
    "text": None, "event_type": "ACLED event type",
    "sub_event_type": "ACLED sub-event type, of the event type",
    "lat": "an event's point, with lon, instead of a city", "lon": None,
    "actors": "factions, first the one that acted", "civilian_targeting": None, "deaths": None,
    "event_key": "links the reports of one event (e.g. ACLED's event_id_cnty)",
    "geo_precision": "1 the place itself (default), 2 near it, 3 only the region",
    "into": "dissolve: the faction its places pass to (id or any known name)",
}


def field_kinds() -> dict[str, str]:
    """{field: kind} of every field a claim type or COMMON names, in NOTES' order (a field of
    several types takes the first type's kind: they differ only in checks the domain makes)."""
    kinds: dict[str, str] = {}
    for f in [*(f for t in TYPES.values() for f in t.fields), *COMMON.values()]:
        kinds.setdefault(f.name, f.kind)
    # a field NOTES does not name yet (a new type's) still counts, after the others
    return {name: kinds[name] for name in [*NOTES, *kinds] if name in kinds}


def entity_fields(*types: str) -> dict[str, str]:
    """{field: entity kind} of the fields of these claim types (every type, if none is given)
    that name entities: a place, faction or leader, or a list of them (`factions`, `actors`)."""
    out: dict[str, str] = {}
    for t in (TYPES[name] for name in types) if types else TYPES.values():
        out.update((f.name, f.entity) for f in t.fields if f.entity is not None)
    return out


def as_json() -> dict[str, Any]:
    """The table as GET /vocabulary serves it."""
    def field(f: Field) -> dict[str, Any]:
        kind = KINDS[f.kind]
        out = {"name": f.name, "kind": f.kind, "json": kind.json, "required": f.required,
               "entity": kind.entity, "many": kind.json == "array", "form": kind.form}
        if kind.enum:
            out["enum"] = list(kind.enum)
        if f.label:
            out["label"] = f.label
        if NOTES.get(f.name):
            out["description"] = NOTES[f.name]
        return out

    return {"types": [{
        "type": t.name, "occurred_at": "required" if t.dated else "optional",
        "effect": t.effect.kind if t.effect else None, "form": t.form,
        "fields": [field(f) for f in t.fields]} for t in TYPES.values()],
        "common": [*BASE_FIELDS, *COMMON], "common_fields": [field(f) for f in COMMON.values()],
        "effects": list(EFFECT_KINDS)}
