"""The analysts' web page at `/`: one HTML shell whose scripts talk only to the public API.

A plain Flask blueprint (not a flask-smorest one) with the page and its assets (`/static/`, from
the package's `api/static`), described in /openapi.json by `document()`.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import (Blueprint, Flask, Response, current_app, render_template, send_from_directory,
                   url_for)

from timeline.readmodel.outlines import WORLD_DIR

blp = Blueprint("web", __name__, template_folder="templates")

STATIC = Path(__file__).parent / "static"
# The world's country outlines live with the code that clips areas to them (timeline/data/world);
# the page reads the same file under /static/vendor/world/.
WORLD_PREFIX = "vendor/world/"
WORLD = WORLD_DIR


def _file(filename: str) -> Path:
    if filename.startswith(WORLD_PREFIX):
        return WORLD / filename[len(WORLD_PREFIX):]
    return STATIC / filename


# Everything the page needs comes from this origin; Leaflet positions markers with inline styles.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


@lru_cache(maxsize=None)
def _fingerprint(filename: str) -> str:
    """A short content hash, so that a new release's assets are not taken from a stale cache."""
    try:
        return hashlib.sha256(_file(filename).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def asset(filename: str) -> str:
    return url_for("web.static", path=filename, v=_fingerprint(filename))


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


# Flask's own static route (`/static/<path:filename>`, off in create_app) would do the same; this
# one is named as /openapi.json names it, `/static/{path}`.
@blp.route("/static/<path:path>")
def static(path: str) -> Response:
    if path.startswith(WORLD_PREFIX):
        return send_from_directory(WORLD, path[len(WORLD_PREFIX):])
    return send_from_directory(STATIC, path)


def document(spec: Any, app: Flask) -> None:
    """`/` and `/static/{path}` in the OpenAPI document (flask-smorest documents only its own
    blueprints). Both are public whatever TIMELINE_PUBLIC_READS says: the page's scripts read
    through the API, which asks for the token."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    spec.tag({"name": "web", "description": "The analysts' page and its assets"})
    spec.path(rule=rules["web.index"], operations={"get": {
        "tags": ["web"],
        "summary": "The analysts' page: map, time sliders, timeline, leaders, report form.",
        "description": "An HTML shell; its scripts (from `/static/`) talk only to this API. The "
                       "view is kept in the query string (`?at=...&known_at=@356`), which only "
                       "the scripts read.",
        "responses": {"200": {"description": "the page (its Content-Security-Policy allows "
                                             "this origin only)",
                              "content": {"text/html": {"schema": {"type": "string"}}}}}}})
    spec.path(rule=rules["web.static"], parameters=[
        {"in": "path", "name": "path", "required": True, "schema": {"type": "string"},
         "description": "a file under `api/static/`, e.g. `css/app.css`"}], operations={"get": {
        "tags": ["web"],
        "summary": "A file of the page: scripts, styles, images, map outlines.",
        "parameters": [
            {"in": "query", "name": "v", "required": False, "schema": {"type": "string"},
             "description": "a content hash the page adds so that a new release's file is not "
                            "taken from a stale cache; the server ignores it"}],
        "responses": {
            "200": {"description": "the file, with its own content type",
                    "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
            "404": spec.components.get_ref("response", "NOT_FOUND")}}})
