"""One way to speak HTTP to the service for the v2 acceptance tests, whether it is the Flask test
client (fast) or a real `timeline serve` (gunicorn, over a socket): `Api.get/post` answer a
`Reply(status, headers, body)` either way, so that each check runs against both."""

from __future__ import annotations

import http.client
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROBLEM = "application/problem+json"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def mimetype(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


class Api:
    """`token` is a writer's; `token_for(role, label)` makes others through the application."""

    def __init__(self, token: str):
        self.token = token

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, target: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", target, None, headers or {})

    def post(self, target: str, body: Any, headers: dict[str, str] | None = None,
             auth: bool = True) -> Reply:
        h = {"Content-Type": "application/json", **(self.auth if auth else {}), **(headers or {})}
        return self.request("POST", target, json.dumps(body).encode(), h)

    def request(self, method: str, target: str, data: bytes | None, headers: dict[str, str]) -> Reply:
        raise NotImplementedError

    def head(self) -> int:
        """The log's last position (what any write would move)."""
        return self.get("/readyz").json()["position"]


class FlaskApi(Api):
    def __init__(self, client: Any, token: str, timeline: Any):
        super().__init__(token)
        self.client, self.timeline = client, timeline

    def request(self, method, target, data, headers):
        r = self.client.open(target, method=method, data=data, headers=headers)
        return Reply(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.data)

    def token_for(self, role: str, label: str | None = None) -> str:
        return self.timeline.create_token(role, label=label)


class ServedApi(Api):
    """A real `timeline serve` on its own store; tokens are made with the CLI's store."""

    def __init__(self, port: int, token: str, url: str):
        super().__init__(token)
        self.port, self.url = port, url

    def request(self, method, target, data, headers):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, target, body=data, headers=headers)
            r = conn.getresponse()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def token_for(self, role: str, label: str | None = None) -> str:
        from timeline.application import TimelineApplication

        app = TimelineApplication(self.url)
        try:
            return app.create_token(role, label=label)
        finally:
            app.close()


def flask_api(world: Any) -> FlaskApi:
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True})
    return FlaskApi(flask_app.test_client(), world.create_token("writer"), world)


def served(store_url: str, folder: Path, *, with_world: bool = True):
    """A context manager: a `timeline serve` over store_url (the test world registered first)."""
    from contextlib import contextmanager

    from tests.conftest import register_world
    from tests.faults.crash import Server
    from timeline.application import TimelineApplication

    @contextmanager
    def running():
        app = TimelineApplication(store_url)
        try:
            if with_world:
                register_world(app)
            token = app.create_token("writer")
        finally:
            app.close()
        server = Server({**os.environ, "TIMELINE_DATABASE_URL": store_url,
                         "PROMETHEUS_MULTIPROC_DIR": str(folder)}, folder, workers=1)
        server.start()
        try:
            yield ServedApi(server.port, token, store_url)
        finally:
            server.stop()

    return running()


def either_api(kind: str, store_url: str, folder: Path):
    """A context manager: the Api of `kind` ("flask" or "served") over store_url with the test
    world registered, closed or stopped on exit. The acceptance modules parametrize their `api`
    fixture over both kinds with it, so that every check runs both ways."""
    from contextlib import contextmanager

    @contextmanager
    def opened():
        if kind != "flask":
            with served(store_url, folder) as remote:
                yield remote
            return
        from tests.conftest import register_world
        from timeline.application import TimelineApplication

        app = TimelineApplication(store_url)
        register_world(app)
        try:
            yield flask_api(app)
        finally:
            app.close()

    return opened()
