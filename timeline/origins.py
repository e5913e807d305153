"""A report's origin: the outlet whose reporting it carries (`source.via` when it relays another,
else `source.name`), and the key under which two spellings of one origin compare equal."""

from __future__ import annotations

import functools
import unicodedata
from typing import Any


def origin_of(source: dict[str, Any] | None) -> str | None:
    """The origin as first written: `via` if given, else `name`."""
    if not isinstance(source, dict):
        return None
    via = source.get("via")
    if isinstance(via, str) and via.strip():
        return via.strip()
    name = source.get("name")
    return name.strip() if isinstance(name, str) and name.strip() else None


@functools.lru_cache(maxsize=1024)  # a feed's reports name the same few sources (3 keys a report)
def origin_key(text: str | None) -> str | None:
    """Case- and diacritics-insensitive key of an origin or source name (API.md: "compared case-
    and diacritics-insensitively"); spaces collapsed, nothing else folded."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.split())
