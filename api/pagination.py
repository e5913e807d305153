"""Opaque cursors and the RFC 8288 `Link: rel="next"` header shared by every list route."""

from __future__ import annotations

import base64
import json
from typing import Any, NoReturn
from urllib.parse import urlencode

from flask import request
from flask_smorest import abort


def encode_cursor(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *keys: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or any(k not in data for k in keys):
            raise ValueError
        return data
    except (ValueError, TypeError, UnicodeDecodeError):
        invalid_cursor()


def invalid_cursor() -> NoReturn:
    """A cursor this service did not issue: 422, the same body on every paged route."""
    abort(422, message="cursor is not one this service issued",
          errors={"cursor": ["invalid cursor"]})


def link_next(cursor: str | None) -> dict[str, str]:
    """RFC 8288 `Link: <...>; rel="next"` for a page that has a next one."""
    if not cursor:
        return {}
    params = {k: v for k, v in request.args.items() if k not in ("cursor", "after")}
    params["cursor"] = cursor
    from .hosts import base_url

    # relative unless the Host is a trusted one: the header is the client's (api/hosts.py)
    return {"Link": f'<{base_url()}?{urlencode(params)}>; rel="next"'}
