"""Which `Host` a URL of ours may name. A `Link` or redirect `Location` built from the request's
`Host` header echoed whatever a client sent (issue 15): an absolute URL names a host only if it
is trusted (TIMELINE_TRUSTED_HOSTS, comma-separated names, any port; default the loopback
names), and is otherwise relative (path and query), which a client resolves against the URL it
asked for (RFC 3986 section 5)."""

from __future__ import annotations

import os

from flask import Flask, Response, request

DEFAULT_TRUSTED = "localhost,127.0.0.1,::1"


def _name(host: str) -> str:
    if host.startswith("["):
        return host[1:host.find("]")].lower()
    return host.partition(":")[0].lower()


def trusted() -> bool:
    from flask import current_app

    names = current_app.config["TRUSTED_HOST_NAMES"]
    try:
        return _name(request.host) in names
    except Exception:  # a Host header Werkzeug will not read
        return False


def base_url() -> str:
    """The request's URL without its query: absolute for a trusted host, else its path."""
    return request.base_url if trusted() else request.path


def init_app(app: Flask) -> None:
    setting = app.config.get("TIMELINE_TRUSTED_HOSTS") or os.environ.get(
        "TIMELINE_TRUSTED_HOSTS") or DEFAULT_TRUSTED
    app.config["TRUSTED_HOST_NAMES"] = frozenset(
        _name(h.strip()) if h.strip().startswith("[") else h.strip().lower()
        for h in setting.split(",") if h.strip())

    @app.after_request
    def relative_location(response: Response) -> Response:
        # Werkzeug's own redirects (merged slashes: /cities//x) name the request's host.
        location = response.headers.get("Location")
        if location and not trusted():
            root = request.host_url  # scheme://host/
            if location.startswith(root):
                response.headers["Location"] = "/" + location[len(root):]
        return response
