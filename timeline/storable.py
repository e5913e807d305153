"""Text that no store can keep: PostgreSQL's text refuses NUL, and an unpaired surrogate has no
UTF-8 form. Checked in the domain, whichever way a value comes in (JSON, an ACLED or UCDP file,
the seeds)."""

from __future__ import annotations

import json
import re
from typing import Any

from .domainmodel import DomainError

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
UNSTORABLE = "contains a NUL character or an unpaired surrogate, which cannot be stored"


def unstorable(value: Any, path: str = "") -> str | None:
    """JSON path of the first string (or key) that no store can keep, else None: PostgreSQL's
    text refuses NUL, and an unpaired surrogate has no UTF-8 form. Checked here, in the domain,
    whichever way a value comes in (JSON, an ACLED file, the seeds)."""
    # Fast path: JSON text writes a NUL as the escape \u0000 and keeps a lone surrogate as it is,
    # so text with neither holds no such string (a literal "\u0000" typed by someone only sends
    # it down the walk below). The walk cost ~15% of a report's filing (bench/ B3).
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = None
    if text is not None and "\\u0000" not in text and not _SURROGATE.search(text):
        return None
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _BAD_TEXT.search(item):
                return where or "body"
        elif isinstance(item, dict):
            for k, v in item.items():
                sub = f"{where}.{k}" if where else str(k)
                if isinstance(k, str) and _BAD_TEXT.search(k):
                    return sub
                stack.append((v, sub))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))
    return None


def refuse_unstorable(value: Any, path: str = "") -> None:
    where = unstorable(value, path)
    if where is not None:
        raise DomainError(f"{where}: {UNSTORABLE}", {where: [UNSTORABLE]})
