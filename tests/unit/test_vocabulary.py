"""The claim vocabulary is one table (timeline/vocabulary.py): the domain's checks, the request and
response schemas and the read model's rules follow it, type by type (tests/e2e/test_vocabulary_http.py
checks the OpenAPI document, GET /vocabulary, normalise_report and a type added to the table)."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from api.claim_schemas import ClaimIn, ClaimOut
from timeline import claims
from timeline.readmodel import history, projection
from timeline.vocabulary import (BASE_FIELDS, CLAIM_TYPES, COMMON, CORRECTIONS, EFFECT_KINDS, KINDS,
                                 NOTES, TYPES, entity_fields, field_kinds)

# A valid value of each kind, as the request schema takes it.
SAMPLES = {
    "place": "Aleppo", "faction": "HTS", "leader": "Assad", "governorate": "Idlib",
    "faction*": ["HTS", "SNA"], "faction+": ["HTS"], "count": 3, "status": "detained",
    "short": "a reason", "text": "a note", "claim": "c-1", "event_type": "Battles",
    "sub_event_type": "Armed clash", "lat": 36.2, "lon": 37.1, "bool": True,
    "deaths": {"best": 4}, "event_key": "SYR123", "geo_precision": 2,
}
ALL_FIELDS = set(field_kinds())


def full_claim(ctype: str) -> dict:
    claim = {"type": ctype, "occurred_at": "2024-11-29T21:00:00+03:00", "confidence": "reported",
             "precision": "day", "summary": "s", "event_key": "k", "geo_precision": 1}
    claim.update({f.name: SAMPLES[f.kind] for f in TYPES[ctype].fields})
    return claim


def errors_of(claim: dict) -> dict:
    with pytest.raises(ValidationError) as e:
        ClaimIn().load(claim)
    return e.value.messages


def test_every_kind_has_a_sample_and_every_field_a_note():
    assert set(SAMPLES) == set(KINDS)
    assert ALL_FIELDS == set(NOTES)
    assert CLAIM_TYPES == tuple(TYPES)


@pytest.mark.parametrize("ctype", CLAIM_TYPES)
def test_the_request_schema_takes_exactly_the_fields_of_each_type(ctype):
    table = TYPES[ctype]
    assert ClaimIn().load(full_claim(ctype))["type"] == ctype
    for other in sorted(ALL_FIELDS - {f.name for f in table.fields} - set(COMMON)):
        claim = dict(full_claim(ctype), **{other: SAMPLES[field_kinds()[other]]})
        assert errors_of(claim) == {other: [f"not a field of a {ctype} claim"]}
    for field in table.fields:
        claim = full_claim(ctype)
        del claim[field.name]
        if field.required:
            assert errors_of(claim) == {field.name: [f"required for a {ctype} claim"]}
        else:
            assert field.name not in ClaimIn().load(claim)
    undated = {k: v for k, v in full_claim(ctype).items() if k != "occurred_at"}
    if table.dated:
        assert errors_of(undated) == {"occurred_at": [f"required for a {ctype} claim"]}
    else:
        assert "occurred_at" not in ClaimIn().load(undated)


def test_the_request_and_response_schemas_list_every_field_of_the_table_once():
    assert list(ClaimIn().fields) == [*BASE_FIELDS, *field_kinds()]
    assert list(ClaimOut().fields) == ["id", "type", "occurred_at", "precision", "confidence",
                                       "summary", *field_kinds()]
    # API.md v2: every claim is answered with its geo_precision, 1 unless it said otherwise
    assert ClaimOut().dump({"type": "note", "text": "t"})["geo_precision"] == 1


def test_the_domain_checks_the_fields_of_the_table():
    for ctype, table in TYPES.items():
        required, optional = claims.FIELDS[ctype]
        assert list(required.items()) == [(f.name, f.kind) for f in table.fields if f.required]
        assert list(optional.items()) == [(f.name, f.kind) for f in table.fields if not f.required]
        assert claims._ALLOWED[ctype] == {*BASE_FIELDS, *COMMON, *required, *optional}


@pytest.mark.parametrize("ctype", [t for t in CLAIM_TYPES if TYPES[t].effect])
def test_every_effect_names_fields_of_its_type_and_has_its_rules(ctype):
    effect, names = TYPES[ctype].effect, {f.name for f in TYPES[ctype].fields}
    assert effect.kind in EFFECT_KINDS
    assert {*effect.subjects, effect.value, effect.detail} - {None} <= names
    assert (effect.value is None) != (effect.fixed is None) or effect.kind in CORRECTIONS
    assert projection.EFFECTS[ctype] is effect
    assert effect.kind in history._CHANGES  # the timeline's changes of that kind of effect


def test_the_entity_fields_the_importers_resolve():
    assert entity_fields("control") == {"city": "place", "faction": "faction",
                                        "from_faction": "faction", "place": "place"}
    assert entity_fields("event", "casualties") == {"city": "place", "actors": "faction",
                                                    "factions": "faction"}
    every = entity_fields()
    assert "governorate" not in every and "claim" not in every
    assert every == projection.ENTITY_FIELDS
    # what the timeline filters by: every entity a claim names, list items included
    assert projection.mentioned(full_claim("clash")) == {"place:Aleppo", "faction:HTS",
                                                         "faction:SNA"}


def test_the_importers_plan_the_place_and_faction_fields_of_the_table():
    from timeline.ingest import importer

    every = entity_fields()
    assert set(importer.ENTITY_FIELDS) == {f for f, kind in every.items() if kind != "leader"}
    # a list field's items are remapped one by one, a single field as a whole
    assert importer.ENTITY_FIELDS["factions"] and importer.ENTITY_FIELDS["actors"]
    assert not importer.ENTITY_FIELDS["city"] and not importer.ENTITY_FIELDS["into"]
