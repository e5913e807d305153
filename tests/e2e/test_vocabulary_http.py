"""What the service derives from the claim vocabulary table (timeline/vocabulary.py), as the API
shows it: the OpenAPI document, GET /vocabulary, the domain's refusals by JSON path, and a claim
type added to the table, which needs nothing else to be taken, checked, documented and counted."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import report
from timeline.claims import normalise_report
from timeline.domainmodel import DomainError
from timeline.vocabulary import BASE_FIELDS, CLAIM_TYPES, COMMON, KINDS, TYPES

ROOT = Path(__file__).resolve().parents[2]
VALUES = {  # valid values for the world of tests/conftest.py
    "place": "Aleppo", "faction": "HTS", "leader": "Assad", "governorate": "Aleppo",
    "faction*": ["HTS", "SNA"], "faction+": ["HTS"], "count": 3, "status": "detained",
    "short": "a reason", "text": "a note", "claim": "c-1", "event_type": "Battles",
    "sub_event_type": "Armed clash", "lat": 36.2, "lon": 37.1, "bool": True,
    "deaths": {"best": 4}, "event_key": "SYR123", "geo_precision": 2,
}


def test_the_openapi_document_has_each_type_of_the_table_with_its_required_fields(client):
    doc = client.get("/openapi.json").get_json()
    variants = {v["title"]: v for v in doc["components"]["schemas"]["ClaimIn"]["oneOf"]}
    assert list(variants) == [f"{t} claim" for t in CLAIM_TYPES]
    for ctype, table in TYPES.items():
        variant = variants[f"{ctype} claim"]
        assert variant["required"] == ["type", *(["occurred_at"] if table.dated else []),
                                       *(f.name for f in table.fields if f.required)]
        assert set(variant["properties"]) == {*BASE_FIELDS, *COMMON, *(f.name for f in table.fields)}
        assert variant["properties"]["type"]["enum"] == [ctype]
        for field in table.fields:
            if KINDS[field.kind].enum:
                assert variant["properties"][field.name]["enum"] == list(KINDS[field.kind].enum)


def test_get_vocabulary_serves_the_table(client):
    served = client.get("/vocabulary")
    assert served.status_code == 200
    types = served.get_json()["types"]
    assert [t["type"] for t in types] == list(CLAIM_TYPES)
    for entry in types:
        table = TYPES[entry["type"]]
        assert [(f["name"], f["kind"], f["required"], f["entity"], f.get("label"))
                for f in entry["fields"]] == [(f.name, f.kind, f.required, f.entity, f.label)
                                              for f in table.fields]
        assert entry["occurred_at"] == ("required" if table.dated else "optional")
        assert entry["effect"] == (table.effect.kind if table.effect else None)
        assert entry["form"] == table.form


@pytest.mark.parametrize("ctype", CLAIM_TYPES)
def test_a_missing_required_field_is_refused_at_its_json_path(world, client, ctype):
    table = TYPES[ctype]
    for field in [f for f in table.fields if f.required]:
        claim = {"type": ctype, "occurred_at": "2024-11-30T12:00:00Z",
                 **{f.name: VALUES[f.kind] for f in table.fields if f is not field}}
        with pytest.raises(DomainError) as refused:
            normalise_report(report(claim), world.names, world.queries)
        assert refused.value.errors[f"claims.0.{field.name}"] == [f"required for a {ctype} claim"]
        answer = client.post("/reports", json=report(claim), headers=client.auth)
        assert answer.status_code == 422
        assert answer.get_json()["errors"][f"claims.0.{field.name}"] == [
            f"required for a {ctype} claim"]


NEW_TYPE = textwrap.dedent("""
    import json, sys
    from timeline import vocabulary as v

    # the one entry: a siege contests a city, as a clash does
    v.TYPES["siege"] = v.ClaimType("siege", (v.req("city", "place", "City"),
                                            v.req("factions", "faction*", "Besiegers")),
                                   v.Effect("clash", ("city",), value="factions"),
                                   form="siege — a city besieged")
    v.CLAIM_TYPES = tuple(v.TYPES)

    from api import create_app
    from tests.conftest import register_world

    app = create_app({"DATABASE_URL": sys.argv[1], "TESTING": True})
    world = app.extensions["timeline"]
    register_world(world)
    client = app.test_client()
    auth = {"Authorization": "Bearer " + world.create_token("writer")}
    siege = {"type": "siege", "city": "Aleppo", "factions": ["SNA", "HTS"],
             "occurred_at": "2024-11-30T12:00:00Z"}
    body = {"source": {"name": "wire"}, "published_at": "2024-12-01T00:00:00Z", "claims": [
        {"type": "control", "city": "Aleppo", "faction": "HTS",
         "occurred_at": "2024-11-30T00:00:00Z"}, siege]}
    out = {"filed": client.post("/reports", json=body, headers=auth).status_code}
    out["state"] = client.get("/cities/aleppo/state?at=2024-11-30T13:00:00Z").get_json()["status"]
    items = client.get("/timeline").get_json()["items"]
    out["changes"] = [i["changes"] for i in items if i["type"] == "siege"]
    extra = dict(body, claims=[dict(siege, faction="HTS")])
    out["extra"] = client.post("/reports", json=extra, headers=auth).get_json().get("errors")
    doc = client.get("/openapi.json").get_json()["components"]["schemas"]["ClaimIn"]["oneOf"]
    out["openapi"] = [v["required"] for v in doc if v["title"] == "siege claim"]
    out["vocabulary"] = [t["form"] for t in client.get("/vocabulary").get_json()["types"]
                         if t["type"] == "siege"]
    print(json.dumps(out))
""")


def test_a_claim_type_added_to_the_table_is_taken_checked_documented_and_counted(store_url):
    run = subprocess.run([sys.executable, "-c", NEW_TYPE, store_url], cwd=ROOT, text=True,
                         capture_output=True, timeout=300, env={"PYTHONPATH": str(ROOT),
                                                                "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["filed"] == 201
    assert out["state"] == "contested"  # its effect, a clash's: the city held is contested
    assert out["changes"] == [[{"kind": "place", "id": "aleppo", "field": "status",
                                "from": "held", "to": "contested"}]]
    assert out["extra"] == {"claims.0.faction": ["not a field of a siege claim"]}
    assert out["openapi"] == [["type", "occurred_at", "city", "factions"]]
    assert out["vocabulary"] == ["siege — a city besieged"]
