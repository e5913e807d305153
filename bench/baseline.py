"""B3's baseline: the least a JSON POST endpoint can do under the same server settings as the
service: parse the body and answer 201 (plus /healthz so the bench can wait for it)."""

from __future__ import annotations

import uuid

from flask import Flask, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/reports")
    def reports():
        payload = request.get_json()
        return {"id": str(uuid.uuid4()), "claims": len(payload.get("claims") or [])}, 201

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
