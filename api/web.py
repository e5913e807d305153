"""The analysts' web page at `/`: one HTML shell whose scripts talk only to the public API.

A plain Flask blueprint (not a flask-smorest one), so the page stays out of /openapi.json and
out of schemathesis runs. Assets come from the package (`api/static`, Flask's `/static/` route).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

blp = Blueprint("web", __name__, template_folder="templates")

STATIC = Path(__file__).parent / "static"

# Everything the page needs comes from this origin; Leaflet positions markers with inline styles.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


@lru_cache(maxsize=None)
def _fingerprint(filename: str) -> str:
    """A short content hash, so that a new release's assets are not taken from a stale cache."""
    try:
        return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def asset(filename: str) -> str:
    return url_for("static", filename=filename, v=_fingerprint(filename))


@blp.route("/")
def index() -> Response:
    html = render_template("index.html", asset=asset,
                           title=current_app.config.get("API_TITLE", "Conflict timeline"))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-cache"
    return response
