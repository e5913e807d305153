"""`timeline seed --country CC` and `timeline seed --pack DIR`, run as a user would, then asked
over HTTP, on both stores (issue 19)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import main

ROOT = Path(__file__).resolve().parents[2]
SUDAN = ROOT / "seeds" / "sudan-2023"


@pytest.fixture
def run(store_url):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), env={"TIMELINE_DATABASE_URL": store_url},
                             catch_exceptions=False)
    return invoke


@pytest.fixture
def http(store_url):
    """A client of the served API on the store (opened after the command has run)."""
    from api import create_app
    from timeline.application import TimelineApplication

    apps = []

    def client():
        app = TimelineApplication(store_url)
        apps.append(app)
        test_client = create_app({"TIMELINE_APP": app, "TESTING": True}).test_client()
        test_client.auth = {"Authorization": f"Bearer {app.create_token('writer')}"}
        return test_client
    yield client
    for app in apps:
        app.close()


def head(store_url) -> int:
    from timeline.application import TimelineApplication

    app = TimelineApplication(store_url)
    try:
        return app.head()
    finally:
        app.close()


def test_a_country_seeded_then_two_factions_and_reports_answer_who_held_wad_madani(run, http):
    result = run("seed", "--country", "sd")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "seeded: 110 new places, 0 new factions, 0 new leaders, 0 new reports"
    c = http()
    place = c.get("/cities/wad-medani").get_json()
    assert place["name"] == "Wad Medani" and place["governorate"] == "Al Jazīrah"
    assert "ود مدني" in place["aliases"] and "Wad Madani" in place["aliases"]
    assert round(place["lat"], 2) == 14.40 and round(place["lon"], 2) == 33.52
    # no Syrian place, no report came with it
    assert c.get("/cities/aleppo").status_code == 404
    assert c.get("/cities?q=Khartoum").get_json()["items"][0]["id"] == "khartoum"
    assert c.get("/cities?governorate=Al Jazirah").status_code == 200

    for name, aliases in (("Sudanese Armed Forces", ["SAF", "الجيش السوداني"]),
                          ("Rapid Support Forces", ["RSF", "قوات الدعم السريع"])):
        r = c.post("/factions", json={"name": name, "aliases": aliases}, headers=c.auth)
        assert r.status_code == 201, r.get_json()
    ids = {f["name"]: f["id"] for f in c.get("/factions").get_json()["items"]}
    saf, rsf = ids["Sudanese Armed Forces"], ids["Rapid Support Forces"]
    for body in (
        {"source": {"name": "The National"}, "published_at": "2023-12-19T20:00:00+04:00",
         "claims": [{"type": "control", "city": "Wad Madani", "faction": "RSF",
                     "occurred_at": "2023-12-19T10:00:00+02:00", "precision": "day"}]},
        {"source": {"name": "Sky News"}, "published_at": "2025-01-11T13:27:00+00:00",
         "claims": [{"type": "control", "city": "ود مدني", "faction": "الجيش السوداني",
                     "occurred_at": "2025-01-11T08:00:00+02:00", "precision": "day"}]},
    ):
        r = c.post("/reports", json=body, headers=c.auth)
        assert r.status_code == 201, r.get_json()
    state = c.get("/cities/wad-medani/state?at=2024-06-01T00:00:00Z").get_json()
    assert (state["controller"], state["status"]) == (rsf, "held")
    assert c.get("/cities/wad-medani/state?at=2025-02-01T00:00:00Z").get_json()["controller"] == saf
    assert c.get("/cities/wad-medani/state?at=2023-12-01T00:00:00Z").get_json()["status"] == "unknown"
    # a district registered by hand may name the country's first-level division
    r = c.post("/cities", json={"name": "Republican Palace", "lat": 15.60917, "lon": 32.52778,
                                "governorate": "Khartoum", "parent": "Khartoum"}, headers=c.auth)
    assert r.status_code == 201, r.get_json()


def test_seeding_a_country_twice_adds_nothing_and_another_country_adds_its_own(run, store_url):
    assert run("seed", "--country", "SD").exit_code == 0
    before = head(store_url)
    again = run("seed", "--country", "SD")
    assert again.exit_code == 0 and again.stdout.startswith("seeded: 0 new places")
    assert head(store_url) == before
    both = run("seed", "--country", "SD", "--country", "SS")
    assert both.exit_code == 0 and not both.stdout.startswith("seeded: 0 new places")


@pytest.mark.parametrize("code", ["XX", "Sudan", "SDN", ""])
def test_an_unknown_country_code_exits_non_zero_naming_it_and_writes_nothing(run, store_url, code):
    result = run("seed", "--country", "SD", "--country", code)
    assert result.exit_code != 0
    assert f"unknown country code {code!r}" in result.output
    assert "ISO 3166-1 alpha-2" in result.output and "geonames.org/countries" in result.output
    assert head(store_url) == 0


def test_the_syrian_seeds_and_a_country_combine_and_known_names_are_skipped(run, http, store_url):
    assert run("seed", "--reference-only").exit_code == 0
    before = head(store_url)
    # Syria's GeoNames places are the Syrian seeds' places: nothing is added twice
    result = run("seed", "--country", "SY")
    assert result.exit_code == 0 and result.stdout.startswith("seeded: 0 new places"), result.output
    assert head(store_url) == before
    assert run("seed", "--country", "SD").stdout.startswith("seeded: 110 new places")
    c = http()
    assert c.get("/cities/aleppo").get_json()["governorate"] == "Aleppo"
    assert c.get("/cities/el-fasher").get_json()["governorate"] == "Northern Darfur"


def test_a_place_registered_by_hand_is_not_registered_again_under_another_spelling(http, run):
    c = http()
    r = c.post("/cities", json={"name": "Wad Madani", "lat": 14.40, "lon": 33.52}, headers=c.auth)
    assert r.status_code == 201
    assert run("seed", "--country", "SD").stdout.startswith("seeded: 109 new places")
    assert c.get("/cities/wad-medani").status_code == 404
    assert [p["id"] for p in c.get("/cities?q=Wad Medani").get_json()["items"]][:1] == ["wad-madani"]


def test_country_ids_are_a_function_of_the_data_alone():
    from timeline.countries import country_places

    first = [p["id"] for p in country_places("SD")]
    assert first == [p["id"] for p in country_places("SD")]
    assert len(first) == len(set(first))
    # GeoNames lists Al Fūlah twice (379535, and 11003055 without a population): the more
    # populous is kept; two places of one name far apart are both kept, one id qualified
    assert "al-fulah" in first and "al-fulah-11003055" not in first
    assert "ad-dindar" in first and "ad-dindar-380151" not in first
    ukraine = [p["id"] for p in country_places("UA")]
    assert "oleksandrivka" in ukraine and any(i.startswith("oleksandrivka-") for i in ukraine)


def test_the_sudan_pack_loads_once_and_answers_its_turning_points(run, http, store_url):
    result = run("seed", "--pack", str(SUDAN))
    assert result.exit_code == 0, result.output
    reports = len(list((SUDAN / "reports").glob("*.json")))
    assert result.stdout.strip() == (f"seeded: 111 new places, 2 new factions, 2 new leaders, "
                                     f"{reports} new reports")
    before = head(store_url)
    assert run("seed", "--pack", "sudan-2023").stdout.startswith("seeded: 0 new places")
    assert head(store_url) == before
    c = http()

    def controller(city, at):
        return c.get(f"/cities/{city}/state?at={at}").get_json()["controller"]

    assert controller("wad-medani", "2024-06-01T00:00:00Z") == "rsf"
    assert controller("wad-medani", "2025-02-01T00:00:00Z") == "saf"
    assert controller("republican-palace", "2024-06-01T00:00:00Z") == "rsf"
    assert controller("republican-palace", "2025-03-22T00:00:00Z") == "saf"
    assert controller("khartoum", "2025-04-01T00:00:00Z") == "saf"
    assert controller("el-fasher", "2025-06-01T00:00:00Z") == "saf"
    assert controller("el-fasher", "2025-11-01T00:00:00Z") == "rsf"
    assert c.get("/leaders/mohamed-hamdan-dagalo").get_json()["faction"] == "rsf"
    for name in ("حميدتي", "Hemedti"):
        assert c.get(f"/leaders?q={name}").get_json()["items"][0]["id"] == "mohamed-hamdan-dagalo"
    assert c.get("/factions?q=قوات الدعم السريع").get_json()["items"][0]["id"] == "rsf"


def test_every_seed_report_of_every_pack_carries_its_source_date_and_wording():
    for path in sorted((ROOT / "seeds").glob("*/reports/*.json")):
        report = json.loads(path.read_text())
        assert report["source"]["name"] and report["published_at"], path
        if path.parent.parent.name == "sudan-2023":
            assert report["source"]["url"].startswith("https://"), path
            assert "«" in report["body"], path  # the source's own words, quoted


def _broken_pack(tmp_path, edit) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(SUDAN, pack)
    edit(pack)
    return pack


def _rewrite(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize("edit, expected", [
    (lambda p: _rewrite(next((p / "reports").glob("03-*.json")),
                        lambda d: d["claims"][0].pop("city")),
     "reports/03-2025-01-11-skynews-army-retakes-wad-madani.json: $.claims[0]: 'city' is a required property"),
    (lambda p: _rewrite(next((p / "reports").glob("03-*.json")),
                        lambda d: d["claims"][0].update(city="Atlantis")),
     "reports/03-2025-01-11-skynews-army-retakes-wad-madani.json: $.claims[0].city: unknown place 'Atlantis'"),
    (lambda p: _rewrite(p / "factions.json", lambda d: d["factions"][1].pop("source")),
     "factions.json: $.factions[1]: 'source' is a required property"),
    (lambda p: _rewrite(p / "leaders.json", lambda d: d["leaders"][0].update(faction="sudan-police")),
     "leaders.json: $.leaders[0].faction: unknown faction 'sudan-police'"),
    (lambda p: _rewrite(p / "places.json", lambda d: d["places"][0].update(lat=95)),
     "places.json: $.places[0].lat: 95 is greater than the maximum of 90"),
    (lambda p: _rewrite(p / "pack.json", lambda d: d["geonames"].update(countries=["ZZ"])),
     "pack.json: $.geonames.countries[0]: unknown country code 'ZZ'"),
    (lambda p: (p / "reports" / "99-broken.json").write_text("{\"source\": "),
     "reports/99-broken.json: $: not JSON"),
    (lambda p: _rewrite(next((p / "reports").glob("09-*.json")),
                        lambda d: d["claims"][0].update(claim="@08-2025-10-27-alyurae-rsf-el-fasher#5")),
     "$.claims[0].claim: '@08-2025-10-27-alyurae-rsf-el-fasher#5' names no claim"),
    (lambda p: _rewrite(next((p / "reports").glob("00-*.json")),
                        lambda d: d.update(published_at="2023-04-15T16:03:00")),
     "reports/00-2023-04-15-reuters-rsf-palace.json: $.published_at: '2023-04-15T16:03:00' does not match"),
])
def test_a_bad_pack_is_refused_naming_the_file_and_path_and_nothing_is_written(
        run, store_url, tmp_path, edit, expected):
    pack = _broken_pack(tmp_path, edit)
    result = run("seed", "--pack", str(pack))
    assert result.exit_code != 0
    assert expected in result.output, result.output
    assert head(store_url) == 0


def test_a_missing_pack_names_the_packs_there_are(run, store_url):
    result = run("seed", "--pack", "no-such-war")
    assert result.exit_code != 0 and "no-such-war: no such folder" in result.output
    assert "sudan-2023" in result.output and "syria-2024" in result.output
    assert head(store_url) == 0


def test_seed_reports_left_in_the_old_folder_still_load_with_the_default_pack(monkeypatch, tmp_path, app):
    # Branches started before the packs put new seed reports in seeds/reports/: merged as they
    # are, they still load with the Syrian pack, in file-name order among its own.
    from timeline import packs
    from timeline.seeding import seed

    legacy = tmp_path / "reports"
    legacy.mkdir()
    (legacy / "99-2024-12-12-late-report.json").write_text(json.dumps({
        "source": {"name": "Test wire"}, "published_at": "2024-12-12T10:00:00+03:00",
        "claims": [{"type": "control", "city": "Homs", "faction": "HTS",
                    "occurred_at": "2024-12-12T09:00:00+03:00"}]}))
    monkeypatch.setattr(packs, "LEGACY_REPORTS", legacy)
    pack = packs.load_pack(packs.DEFAULT_PACK)
    assert pack.reports[-1].name == "99-2024-12-12-late-report.json"
    own = len(list((packs.DEFAULT_PACK / "reports").glob("*.json")))
    assert seed(app)["reports"] == own + 1


def test_one_command_loads_the_syrian_pack_and_a_country(run):
    result = run("seed", "--pack", "syria-2024", "--country", "SD", "--reference-only")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("seeded: 422 new places"), result.output  # 312 + 110


def test_a_pack_may_name_the_places_of_the_countries_seeded_with_it(run, store_url, tmp_path):
    pack = tmp_path / "small"
    (pack / "reports").mkdir(parents=True)
    (pack / "factions.json").write_text(json.dumps({"source": "test", "factions": [
        {"id": "test-rsf", "name": "Test RSF", "source": "test"}]}))
    (pack / "reports" / "01-test.json").write_text(json.dumps({
        "source": {"name": "Test wire"}, "published_at": "2023-06-01T00:00:00+00:00",
        "claims": [{"type": "control", "city": "Kadugli", "faction": "Test RSF",
                    "occurred_at": "2023-05-31T00:00:00+00:00"}]}))
    alone = run("seed", "--pack", str(pack))
    assert alone.exit_code != 0 and "$.claims[0].city: unknown place 'Kadugli'" in alone.output
    assert head(store_url) == 0
    result = run("seed", "--pack", str(pack), "--country", "SD")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "seeded: 110 new places, 1 new factions, 0 new leaders, 1 new reports"


def test_the_pack_schema_is_a_json_schema_and_every_shipped_pack_keeps_to_it():
    from jsonschema import Draft202012Validator

    from timeline.packs import SCHEMA, load_pack

    Draft202012Validator.check_schema(json.loads(SCHEMA.read_text()))
    shipped = sorted(p.parent for p in (ROOT / "seeds").glob("*/pack.json"))
    assert [p.name for p in shipped] == ["sudan-2023", "syria-2024"]
    for root in shipped:
        pack = load_pack(root)
        assert pack.places and pack.factions and pack.leaders and pack.reports, root
