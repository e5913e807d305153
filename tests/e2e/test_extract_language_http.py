"""POST /extract answers `language` and `unsupported` (API.md v2): Arabic text gets its names,
dates and claims read, and says that its claims were not when it finds none; an answer without
claims says why."""

from __future__ import annotations

PUBLISHED = "2024-12-09T10:00:00+03:00"
ARABIC = ("سيطرت هيئة تحرير الشام على مدينة حلب في 29 تشرين الثاني 2024، ثم دخلت قوات "
          "المعارضة إلى حماة يوم ٥ ديسمبر.")


def test_arabic_text_names_its_language_its_names_and_dates_and_what_was_not_read(client):
    r = client.post("/extract", json={"text": ARABIC, "published_at": PUBLISHED})
    assert r.status_code == 200, r.json
    out = r.json
    assert out["language"] == "ar"
    assert out["claims"] == []  # this world knows no faction by its Arabic name
    assert out["unsupported"] == ["claims in Arabic"]
    found = {(m["kind"], m["id"]) for m in out["mentions"]}
    assert {("place", "aleppo"), ("place", "hama")} <= found  # "حلب", "حماة" (the test world's aliases)
    assert [d["occurred_at"] for d in out["dates"]] == ["2024-11-29T12:00:00+03:00",
                                                        "2024-12-05T12:00:00+03:00"]


def test_arabic_claims_are_read_and_then_nothing_is_unsupported(client):
    text = "استعادت قوات الحكومة السيطرة على مدينة حلب في ٢٩ تشرين الثاني ٢٠٢٤."
    out = client.post("/extract", json={"text": text, "published_at": PUBLISHED}).json
    assert out["language"] == "ar" and out["unsupported"] == []
    assert [(c["type"], c["city"], c["faction"], c["occurred_at"]) for c in out["claims"]] == [
        ("control", "aleppo", "syrian-arab-army", "2024-11-29T09:00:00Z")]


def test_english_text_is_read_and_says_nothing_is_unsupported(client):
    r = client.post("/extract", json={"text": "HTS seized control of Aleppo on Friday night.",
                                      "published_at": PUBLISHED})
    assert r.json["language"] == "en" and r.json["unsupported"] == []
    assert [c["city"] for c in r.json["claims"]] == ["aleppo"]
    assert {(m["kind"], m["id"]) for m in r.json["mentions"]} == {("faction", "hts"),
                                                                  ("place", "aleppo")}


def test_an_answer_without_claims_is_never_silent_about_why(client):
    for text in ("The weather was calm and the markets of the old city were busy again today.",
                 "Les rebelles ont pris le contrôle de la ville d'Alep samedi soir, selon l'OSDH."):
        out = client.post("/extract", json={"text": text, "published_at": PUBLISHED}).json
        assert out["claims"] == []
        assert out["unsupported"], out
    assert out["language"] == "fr" and out["unsupported"] == ["claims in French"]


def test_a_draft_keeps_the_language_and_what_was_not_read(client):
    r = client.post("/drafts", json={"text": ARABIC, "published_at": PUBLISHED}, headers=client.auth)
    assert r.status_code == 201
    assert r.json["proposed"]["language"] == "ar"
    assert r.json["proposed"]["unsupported"] == ["claims in Arabic"]
