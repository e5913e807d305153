"""ACLED import memory (issue 15, finding 4): a row keeps only the codebook's columns, and a header
with far more columns than an export has is refused before any row is read, on both stores."""

from __future__ import annotations

import pytest

from timeline.ingest.acled import import_csv
from timeline.ingest.acled_rows import MAX_COLUMNS, REQUIRED, read_rows
from timeline.domainmodel import DomainError

ROW = "X1,2024-11-29,Battles,HTS,Aleppo,36.2,37.16,1733011200"


def test_a_row_keeps_only_the_codebooks_columns():
    text = ",".join([*REQUIRED, "made_up", "another"]) + "\n" + ROW + ",a,b\n"
    (line, row), = read_rows(text)
    assert line == 2 and set(row) == set(REQUIRED)
    assert row["location"] == "Aleppo"


def test_short_rows_under_a_wide_header_hold_only_known_columns():
    """The issue's body: 12,000 made-up columns and short rows. Below the column cap, a row is
    still a dict of the known columns only (before: one key per header column)."""
    header = ",".join([*REQUIRED, *(f"c{i}" for i in range(MAX_COLUMNS - len(REQUIRED)))])
    rows = read_rows(header + "\n" + "x\n" * 1000)
    assert len(rows) == 1000
    assert all(len(row) <= len(REQUIRED) for _, row in rows)


def test_a_header_with_more_columns_than_the_cap_is_a_422_and_writes_nothing(world):
    header = ",".join([*REQUIRED, *(f"c{i}" for i in range(12_000))])
    before = world.recorder.max_notification_id()
    with pytest.raises(DomainError) as refused:
        import_csv(world, header + "\n" + "x\n" * 3_500)
    assert type(refused.value) is DomainError  # invalid content (a 422), not too large
    assert "columns" in str(refused.value) and str(MAX_COLUMNS) in str(refused.value)
    assert world.recorder.max_notification_id() == before
