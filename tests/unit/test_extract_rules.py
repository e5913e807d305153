"""The pieces of the article reader that need no store: dates, sentences, clauses, hedges, and
the precision/recall measure; and the reading of ACLED rows."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from timeline.ingest import acled_names, acled_rows
from timeline.domainmodel import DomainError
from timeline.ingest.article import segments, sentence_date, split_article, split_sentences
from timeline.ingest.extract.patterns import HEDGES
from timeline.ingest.extract.score import score

SATURDAY_NIGHT_UTC = datetime(2024, 11, 30, 22, 0, tzinfo=timezone.utc)  # the seed's published_at


def local(text: str, published=SATURDAY_NIGHT_UTC) -> tuple[str, str]:
    when, precision = sentence_date(text, published)
    return when.isoformat(), precision


def test_weekdays_resolve_to_the_latest_such_day_up_to_publication_in_syrian_time():
    assert local("HTS seized Aleppo on Friday night.") == ("2024-11-29T21:00:00+03:00", "day")
    assert local("Gunfire on Saturday night.") == ("2024-11-30T21:00:00+03:00", "day")
    # published 01:00 Sunday in Damascus: "Sunday" is that same day, "Monday" the week before
    assert local("on Sunday")[0].startswith("2024-12-01")
    assert local("on Monday morning") == ("2024-11-25T09:00:00+03:00", "day")


def test_calendar_dates_yesterday_and_clock_times():
    assert local("on 29 November") == ("2024-11-29T12:00:00+03:00", "day")
    # a date after publication is taken from the year before
    assert local("on 5 December")[0].startswith("2023-12-05")
    assert local("on November 29, 2024")[0].startswith("2024-11-29")
    assert local("yesterday")[0].startswith("2024-11-30")  # the day before 1 Dec (local)
    assert local("on Friday at 3 p.m.") == ("2024-11-29T15:00:00+03:00", "hour")
    assert sentence_date("No date here.", SATURDAY_NIGHT_UTC) is None


def test_sentences_do_not_split_after_titles_and_initials():
    text = "Brig. Gen. Hassam Louka leads it. The U.S. said nothing. HTS took Aleppo."
    assert split_sentences(text) == ["Brig. Gen. Hassam Louka leads it.", "The U.S. said nothing.",
                                     "HTS took Aleppo."]


def test_headline_headings_and_dateline_are_told_apart_from_the_body():
    headline, sentences, dateline = split_article(
        "Rebels Seize Aleppo\nALEPPO, SYRIA – HTS took the city on Friday. It was quick.\n"
        "What Comes Next\nNobody knows.\n")
    assert headline == "Rebels Seize Aleppo" and dateline == "ALEPPO"
    assert [(s.text, s.heading) for s in sentences] == [
        ("Rebels Seize Aleppo", True), ("HTS took the city on Friday.", False),
        ("It was quick.", False), ("What Comes Next", True), ("Nobody knows.", False)]


def test_a_relative_clause_is_its_own_clause_so_its_hedge_stays_there():
    text = "Assad, who was reportedly outside the country at the time, remains unaccounted for."
    parts = [(text[a:b], rel) for a, b, rel in segments(text)]
    assert (", who was reportedly outside the country at the time,", True) in parts
    assert not any(HEDGES.search(t) for t, rel in parts if not rel)


@pytest.mark.parametrize("hedged", ["alleged coup", "reportedly took", "unconfirmed reports",
                                    "rumours that", "rumors of", "reports suggest", "was said to"])
def test_hedges(hedged):
    assert HEDGES.search(hedged)


def test_confirmed_is_not_a_hedge():
    assert not HEDGES.search("the army confirmed the withdrawal")


def test_score_matches_typed_claims_on_their_entities_and_notes_on_their_words():
    expected = [{"type": "control", "city": "aleppo", "faction": "hts"},
                {"type": "note", "text": "SANA went silent and its websites were inaccessible"}]
    proposed = [{"type": "control", "city": "aleppo", "faction": "hts", "from_faction": "saa"},
                {"type": "control", "city": "homs", "faction": "hts"},
                {"type": "note", "text": "The official SANA went silent, its websites inaccessible"}]
    s = score(proposed, expected)
    assert (s["matched"], s["precision"], s["recall"]) == (2, 2 / 3, 1.0)


# ---- ACLED rows ---------------------------------------------------------------------------------

HEADER = ",".join(acled_rows.COLUMNS)


def test_line_numbers_count_physical_lines_including_quoted_newlines():
    text = (HEADER + "\n"
            + "SYR1,2024-11-29,1,Battles,Armed clash,A,,B,Aleppo,Aleppo,36.2,37.1,1,X,National,"
              "\"two\nlines\",0,1733011200\n"
            + "SYR2,2024-11-29,1,Battles,Armed clash,A,,B,Aleppo,Aleppo,36.2,37.1,1,X,National,"
              "one line,0,1733011200\n")
    assert [line for line, _ in acled_rows.read_rows(text)] == [2, 4]


def test_a_file_without_the_codebook_columns_is_refused_as_a_whole():
    with pytest.raises(DomainError) as e:
        acled_rows.read_rows("name,date\nAleppo,2024-11-29\n")
    assert "event_id_cnty" in e.value.detail


@pytest.mark.parametrize("field,value,reason", [
    ("event_date", "2024-13-45", "event_date"),
    ("latitude", "north", "latitude"),
    ("timestamp", "yesterday", "timestamp"),
    ("time_precision", "7", "time_precision"),
    ("location", "", "empty location"),
])
def test_unusable_rows_say_why(field, value, reason):
    row = {"event_id_cnty": "SYR1", "event_date": "29 November 2024", "time_precision": "1",
           "event_type": "Battles", "actor1": "HTS", "location": "Aleppo", "latitude": "36.2",
           "longitude": "37.1", "timestamp": "1733011200"}
    assert acled_rows.parse_row(2, row).day.isoformat() == "2024-11-29"  # the export tool's format
    row[field] = value
    with pytest.raises(ValueError, match=reason):
        acled_rows.parse_row(2, row)


def test_acled_types_map_to_claim_types_and_precisions():
    def event(event_type, sub, precision="1"):
        return acled_rows.parse_row(2, {"event_id_cnty": "SYR1", "event_date": "2024-11-29",
                                   "time_precision": precision, "event_type": event_type,
                                   "sub_event_type": sub, "actor1": "A", "location": "L",
                                   "latitude": "1", "longitude": "1", "timestamp": "1733011200"})
    assert event("Battles", "Non-state actor overtakes territory").kind == "control"
    assert event("Battles", "Government regains territory").kind == "control"
    assert event("Strategic developments", "Non-violent transfer of territory").kind == "control"
    assert event("Battles", "Armed clash").kind == "clash"
    assert event("Protests", "Peaceful protest").kind == "note"
    assert [event("Battles", "Armed clash", p).precision for p in "123"] == ["day", "week", "month"]


def test_actor_names_are_tried_whole_then_by_their_parts():
    assert acled_names._actor_candidates("SDF: Syrian Democratic Forces") == [
        "SDF: Syrian Democratic Forces", "Syrian Democratic Forces", "SDF"]
    assert acled_names._actor_candidates("Islamic State (Syria)") == ["Islamic State (Syria)", "Islamic State"]
    # a period in brackets tells governments apart: kept
    assert acled_names._actor_candidates("Military Forces of Syria (2024-)") == ["Military Forces of Syria (2024-)"]
    assert acled_names._actor_candidates("Military Forces of Syria (2000-2024) Republican Guard")[1] == "Republican Guard"


def test_distance_is_great_circle_kilometres():
    assert acled_names.km(36.2, 37.16, 36.2, 37.16) == 0
    assert 300 < acled_names.km(36.2, 37.16, 33.51, 36.29) < 320  # Aleppo to Damascus
