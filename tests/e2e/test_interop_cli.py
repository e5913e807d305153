"""`timeline import acled` and `timeline export geojson|csv`, run as a user would, on both stores."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "acled"


@pytest.fixture
def run(world, store_url):
    """Runs a `timeline` command against the world's store; returns the click result."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), env={"TIMELINE_DATABASE_URL": store_url},
                             catch_exceptions=False)
    return invoke


def test_import_acled_reports_what_it_did_and_a_second_run_adds_nothing(run, tmp_path):
    result = run("import", "acled", str(FIXTURES / "syria-2024-11-12.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "imported 9, unchanged 0, corrected 0, rejected 3"
    assert "rejected line 12: event_date" in result.stderr
    again = run("import", "acled", str(FIXTURES / "syria-2024-11-12.csv"))
    assert again.stdout.strip().splitlines()[-1] == "imported 0, unchanged 9, corrected 0, rejected 3"
    revised = run("import", "acled", str(FIXTURES / "syria-2024-11-12-revised.csv"))
    assert revised.stdout.strip().splitlines()[-1] == "imported 1, unchanged 8, corrected 1, rejected 3"


def test_import_refuses_a_file_that_is_not_an_acled_export(run, tmp_path):
    other = tmp_path / "cities.csv"
    other.write_text("city,controller\nAleppo,HTS\n")
    result = run("import", "acled", str(other))
    assert result.exit_code == 1 and "not an ACLED export" in result.output


def test_export_writes_geojson_and_the_timeline_csv(run, tmp_path):
    run("import", "acled", str(FIXTURES / "syria-2024-11-12.csv"))
    out = tmp_path / "state.geojson"
    result = run("export", "geojson", "--at", "2024-12-10T00:00:00Z", "-o", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    states = {f["id"]: f["properties"] for f in doc["features"]}
    assert doc["type"] == "FeatureCollection"
    assert (states["aleppo"]["controller"], states["hama"]["controller"]) == ("hts", "hts")
    early = json.loads(run("export", "geojson", "--at", "2024-11-28T00:00:00Z").stdout)
    assert {f["id"]: f["properties"] for f in early["features"]}["aleppo"]["status"] == "unknown"

    rows = list(csv.DictReader(io.StringIO(run("export", "csv", "--city", "Halab").stdout)))
    # every ACLED row is an event claim; a territory change adds its control claim (API.md v2)
    assert [(r["type"], r["city"], r["faction"]) for r in rows] == [("event", "aleppo", ""),
                                                                    ("control", "aleppo", "hts")]
    everything = list(csv.DictReader(io.StringIO(run("export", "csv").stdout)))
    assert len(everything) == 16
    bad = run("export", "csv", "--city", "Atlantis")
    assert bad.exit_code == 1 and "unknown place 'Atlantis'" in bad.output
    naive = run("export", "geojson", "--at", "2024-12-10T00:00:00")
    assert naive.exit_code == 2 and "offset" in naive.output


def test_export_alone_writes_the_current_state_as_geojson(run):
    run("import", "acled", str(FIXTURES / "syria-2024-11-12.csv"))
    doc = json.loads(run("export").stdout)
    assert doc["type"] == "FeatureCollection"
    assert {f["id"]: f["properties"] for f in doc["features"]}["menbij"]["controller"] == "sna"  # registered from ACLED
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert len(rows) == 16
