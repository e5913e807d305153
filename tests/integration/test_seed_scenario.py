"""`timeline seed` loads the real reference data and the seed article; the article's claims
answer the questions analysts asked of it."""

import json
from datetime import datetime
from pathlib import Path

from timeline.seeding import seed

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "syria-2024"
ARTICLE = SEEDS / "seed-article.txt"  # a verbatim copy of ../shared/seed-article.txt
SHARED = Path(__file__).resolve().parents[3] / "shared" / "seed-article.txt"


def at(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_seeding_loads_the_gazetteer_factions_leaders_and_reports_once(app):
    first = seed(app)
    assert first["places"] > 300 and first["factions"] >= 8 and first["leaders"] >= 3
    assert first["reports"] == len(list((SEEDS / "reports").glob("*.json")))
    head = app.head()
    assert seed(app) == {"places": 0, "factions": 0, "leaders": 0, "reports": 0}
    assert app.head() == head

    q = app.queries
    # Aleppo fell to HTS on Friday night, 29 Nov 2024
    assert q.city_state("aleppo", q.point(at=at("2024-11-30T12:00:00Z")))["controller"] == "hts"
    assert q.city_state("aleppo", q.point(at=at("2024-11-27T00:00:00Z")))["controller"] == "syrian-arab-army"
    # Assad's whereabouts unknown on Saturday night
    assert q.leader_state("bashar-al-assad", q.point(at=at("2024-11-30T20:00:00Z")))["status"] == "whereabouts_unknown"
    # the alleged coup counted only with rumours included, and only until it was denied
    from timeline.seeding import seed_report_id

    article = q.report(str(seed_report_id(SEEDS / "reports" / "01-seed-article.json")))
    assert article["position"] == 356  # the README's examples use known_at=@356
    evening = at("2024-11-30T20:00:00Z")
    then = {"known_at": article["position"]}
    louka = q.leader_state("hussam-louka", q.point(at=evening, **then))
    assert louka["status"] != "leading_coup"
    rumour = q.leader_state("hussam-louka", q.point(at=evening, min_confidence="unconfirmed", **then))
    assert rumour["status"] == "leading_coup"
    assert q.city_state("damascus", q.point(at=evening, **then))["status"] == "contested"
    denied = q.leader_state("hussam-louka", q.point(at=evening, min_confidence="unconfirmed"))
    assert denied["status"] is None
    assert q.city_state("damascus", q.point(at=evening))["status"] == "held"
    # who held Homs on 6 December?
    assert q.city_state("homs", q.point(at=at("2024-12-06T12:00:00Z")))["controller"] == "syrian-arab-army"
    # after the fall: the coast and the towns between Hama and Homs changed hands too
    after = q.point(at=at("2024-12-12T00:00:00Z"))
    expected = {"latakia": "military-operations-command", "tartus": "military-operations-command",
                "jableh": "military-operations-command", "rastan": "hts", "talbiseh": "hts",
                "salamiyah": "hts", "palmyra": "syrian-free-army", "abu-kamal": "sdf"}
    assert {c: q.city_state(c, after)["controller"] for c in expected} == expected
    # Aleppo's capture was confirmed, so it counts with min_confidence=confirmed
    assert q.city_state("aleppo", q.point(min_confidence="confirmed"))["controller"] == "hts"
    # API.md v2: Homs at noon on 8 Dec, held since the capture Reuters confirmed (22:00Z on 7 Dec)
    homs = q.city_state("homs", q.point(at=at("2024-12-08T12:00:00Z")))
    assert (homs["controller"], homs["since"], homs["confidence"]) == (
        "hts", "2024-12-07T22:00:00Z", "confirmed")
    # the army command's notice of 8 Dec (13-...json): the army's last places lapse, instead of
    # the 26 Nov baseline holding them for good
    douma = q.city_state("douma", q.point(at=at("2024-12-20T00:00:00Z")))
    notice = str(seed_report_id(SEEDS / "reports" / "13-2024-12-08-jpost-reuters-army-command-notice.json"))
    dissolve = q.report(notice)["claims"][0]["id"]
    assert (douma["controller"], douma["status"]) == (None, "unknown")
    assert douma["lapsed"] == {"faction": "syrian-arab-army", "claim": dissolve}
    assert douma["evidence"][0]["origin"] == "Reuters"
    december = q.state(q.point(at=at("2024-12-20T00:00:00Z")))
    assert not [c["id"] for c in december["cities"] if c["controller"] == "syrian-arab-army"]
    # before the notice the army still held Douma
    assert q.city_state("douma", q.point(at=at("2024-12-07T12:00:00Z")))["controller"] == "syrian-arab-army"


def test_names_from_the_gazetteer_resolve_in_english_transliteration_and_arabic(app):
    seed(app, reference_only=True)
    for name in ("Hama", "Ḩamāh", "حماة", "HAMA"):
        assert app.names.lookup("place", name) == ["hama"], name
    assert app.names.lookup("place", "حلب") == ["aleppo"]
    assert app.names.lookup("leader", "Hassam Louka") == ["hussam-louka"]
    assert app.names.entity("place", "kafr-sousa")["parent"] == "damascus"
    assert app.names.entity("place", "aleppo")["governorate"] == "Aleppo"


def test_the_seed_article_is_stored_verbatim_with_its_source(app):
    seed(app)
    text = ARTICLE.read_text()
    if SHARED.exists():  # beside the checkout in CI and on developer machines
        assert SHARED.read_text() == text
    article = json.loads((SEEDS / "reports" / "01-seed-article.json").read_text())
    assert article["body"] == text
    from timeline.seeding import seed_report_id

    stored = app.queries.report(str(seed_report_id(SEEDS / "reports" / "01-seed-article.json")))
    assert stored["body"] == text and stored["source"]["name"]
    types = {c["type"] for c in stored["claims"]}
    assert {"control", "advance", "clash", "coup", "leader_status"} <= types
    coup = next(c for c in stored["claims"] if c["type"] == "coup")
    assert coup["confidence"] == "unconfirmed"


def test_a_store_seeded_before_later_seed_files_came_gets_them_and_their_corrections(app, tmp_path):
    # Seed files are only ever added (a file's stem is its report's id): a store seeded from an
    # older seeds/ gains the new reports, the retraction of the coup story among them, when
    # seeded again. An edit to an already seeded file would never reach it.
    import shutil

    older = tmp_path / "syria-2024"
    shutil.copytree(SEEDS, older)
    for path in (older / "reports").glob("*.json"):
        if path.stem[:3] not in ("00-", "01-", "02-"):
            path.unlink()
    assert seed(app, seeds=older)["reports"] == 3
    q = app.queries
    evening = q.point(at=at("2024-11-30T20:00:00Z"), min_confidence="unconfirmed")
    assert q.leader_state("hussam-louka", evening)["status"] == "leading_coup"
    added = seed(app)["reports"]
    assert added == len(list((SEEDS / "reports").glob("*.json"))) - 3
    evening = q.point(at=at("2024-11-30T20:00:00Z"), min_confidence="unconfirmed")
    assert q.leader_state("hussam-louka", evening)["status"] is None
    assert q.city_state("damascus", evening)["status"] == "held"


def test_reference_data_can_be_recorded_as_of_a_given_time_for_a_synthetic_history(app):
    # bench/synth.py records its reports over a past year: its reference data must be recorded
    # before them, or record times would fall back at the first report
    from datetime import timezone

    when = datetime(2025, 10, 2, tzinfo=timezone.utc)
    seed(app, reference_only=True, recorded_at=when)
    times = {r["recorded_at"] for r in app.recorder.fetchall("SELECT recorded_at FROM tl_log")}
    assert times == {"2025-10-02T00:00:00.000000Z"}
    assert app.queries.point(known_at=when).k == app.head()


def test_a_seed_report_filed_by_another_seeder_after_our_look_is_skipped(app, monkeypatch):
    """Two `timeline seed`s on one store: one looks, finds a retracting seed report missing,
    the other files it, then the first files it too and is refused ("already retracted"),
    which made that `timeline seed` exit 1. It is skipped as already there."""
    from timeline import seeding
    from timeline.packs import DEFAULT_PACK

    seeding.seed(app)
    path = DEFAULT_PACK / "reports" / "02c-2024-11-30-analyst-coup-story-retracted.json"
    report_id = str(seeding.seed_report_id(path))
    looked = app.queries.report

    def missing_at_first_look(rid, *args, **kwargs):
        if rid == report_id and not calls:
            calls.append(rid)
            return None  # as it was before the other seeder filed it
        return looked(rid, *args, **kwargs)

    calls: list[str] = []
    monkeypatch.setattr(app.queries, "report", missing_at_first_look)
    head = app.head()
    assert seeding._report(app, path) == 0
    assert calls == [report_id] and app.head() == head  # nothing written
