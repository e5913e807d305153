"""UCDP GED import on the real stores (API.md v2): each row an event claim keyed ucdp:<id>, dated
date_start at noon UTC and published date_end at 23:59:59 UTC, at the nearest registered place
within 5 km or a new one, with deaths best/low/high/civilians; the same file again adds
nothing; a recoded row is a correction; unusable rows are reported by line. The fixture is
synthetic test input in GED's layout (tests/fixtures/ucdp/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.domainmodel import DomainError
from timeline.ingest.ucdp import import_csv

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "ucdp" / "syria-2024-synthetic.csv"


def claims_of(app, ged_id: str) -> list[dict]:
    ref = app.recorder.fetchone("SELECT report_id FROM tl_external WHERE dataset = 'ucdp' "
                                "AND ref = :r", {"r": ged_id})
    return app.queries.report(ref["report_id"])["claims"]


def test_rows_become_event_claims(world):
    result = import_csv(world, FIXTURE.read_text())
    assert (result["imported"], result["unchanged"], result["corrected"]) == (4, 0, 0)
    # 9000005: low 3 > best 2; 9000006: latitude "north"
    assert [(r["line"], r["reason"].split(":")[0].split(" ")[0]) for r in result["rejected"]] == [
        (6, "claims.0.deaths.low"), (7, "latitude/longitude")]
    [aleppo] = claims_of(world, "9000001")
    assert {k: aleppo[k] for k in ("type", "event_key", "city", "occurred_at", "precision",
                                   "geo_precision", "deaths", "event_type")} == {
        "type": "event", "event_key": "ucdp:9000001", "city": "aleppo",
        "occurred_at": "2024-11-29T12:00:00Z", "precision": "day", "geo_precision": 1,
        "deaths": {"best": 20, "low": 18, "high": 25, "civilians": 2}, "event_type": "Battles"}
    assert aleppo["actors"][0] == "syrian-arab-army"  # "Government of Syria"
    assert world.names.lookup("faction", "Syrian insurgents") == [aleppo["actors"][1]]
    report = world.queries.report(aleppo["report"])
    assert report["published_at"] == "2024-11-29T23:59:59Z"
    assert report["source"]["name"].startswith("Reuters,2024-11-29")
    [idlib] = claims_of(world, "9000002")
    assert (idlib["event_type"], idlib["civilian_targeting"], idlib["deaths"]["civilians"]) == (
        "Violence against civilians", True, 6)
    assert "Civilians" not in " ".join(idlib["actors"])
    [hama] = claims_of(world, "9000003")  # 16 km from Hama: a new place, week precision
    village = world.names.entity("place", hama["city"])
    assert (village["name"], village["lat"], hama["precision"], hama["geo_precision"]) == (
        "Kafr Nabudah village", 35.4439, "week", 2)
    [region] = claims_of(world, "9000004")
    assert region["geo_precision"] == 3


def test_the_same_file_again_adds_nothing_and_a_recoded_row_is_a_correction(world):
    text = FIXTURE.read_text()
    import_csv(world, text)
    head = world.head()
    again = import_csv(world, text)
    assert (again["imported"], again["unchanged"], again["corrected"]) == (0, 4, 0)
    assert world.head() == head
    [old] = claims_of(world, "9000001")
    recoded = text.replace(",10,8,2,0,20,25,18", ",10,8,2,0,22,25,18")
    result = import_csv(world, recoded)
    assert (result["imported"], result["unchanged"], result["corrected"]) == (0, 3, 1)
    retract, new = claims_of(world, "9000001")
    assert (retract["type"], retract["claim"], new["deaths"]["best"]) == ("retract", old["id"], 22)
    assert world.queries.claim(old["id"])["retracted"] is True


def test_a_file_that_is_not_ged_writes_nothing(world):
    head = world.head()
    with pytest.raises(DomainError):
        import_csv(world, "event_id_cnty,event_date\nSYR1,2024-11-29\n")
    assert world.head() == head


def test_the_http_route_and_casualties(client, world):
    body = FIXTURE.read_bytes()
    r = client.post("/imports/ucdp", data=body, headers={**client.auth, "Content-Type": "text/csv"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["imported"] == 4 and len(r.get_json()["rejected"]) == 2
    r = client.post("/imports/ucdp", data=body, headers={"Content-Type": "text/csv"})
    assert r.status_code == 401
    r = client.post("/imports/ucdp", json={"a": 1}, headers=client.auth)
    assert r.status_code == 415
    got = client.get("/casualties", query_string={"from": "2024-11-27T00:00:00Z",
                                                  "to": "2024-12-09T00:00:00Z"}).get_json()
    assert (got["events"], got["deaths"]) == (3, {"best": 35, "low": 33, "high": 44,
                                                 "civilians": 8})
    # published_by: date_end at 23:59:59 UTC
    early = client.get("/casualties", query_string={"published_by": "2024-11-29T23:59:59Z"})
    assert early.get_json()["deaths"]["best"] == 20


def test_the_cli_imports_with_a_report(store_url, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from timeline.cli import main

    monkeypatch.setenv("TIMELINE_DATABASE_URL", store_url)
    runner = CliRunner()
    assert runner.invoke(main, ["seed", "--reference-only"]).exit_code == 0
    result = runner.invoke(main, ["import", "ucdp", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "imported 4, unchanged 0, corrected 0, rejected 2" in result.output
    out = runner.invoke(main, ["export", "acled", "--from", "2024-11-27T00:00:00Z"])
    assert out.exit_code == 0 and "ucdp:9000001" in out.output
