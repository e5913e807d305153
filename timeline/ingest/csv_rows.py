"""Reading a dataset's CSV file (an ACLED export, a UCDP GED file): the header row, then each
data row with the line it starts on; what is refused as a whole is refused the same way for
both."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from ..domainmodel import DomainError, TooLarge


def open_csv(text: str, empty: str, delimiter: str = ",") -> tuple[Any, list[str]]:
    """(a csv reader past the header row, the header as written); an empty file (`empty` says
    what to send) or an unreadable header is refused (422)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise DomainError(empty, {"body": ["empty"]})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as e:
        raise DomainError(f"line 1: not CSV: {e}", {"body": [f"line 1: {e}"]}) from None
    return reader, header


def data_rows(reader: Any, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, its values) for each row after the header that is not blank;
    invalid CSV is refused (422), more than `max_rows` rows too (413)."""
    end = reader.line_num
    count = 0
    while True:
        start = end + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            msg = f"line {start}: not valid CSV ({e})"
            raise DomainError(msg, {"body": [msg]}) from None
        end = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if count >= max_rows:
            msg = f"more than {max_rows} rows: split the file"
            raise TooLarge(msg, {"body": [msg]})
        count += 1
        yield start, values
