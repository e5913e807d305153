"""Fixtures over the real stores: every test that takes `store_url` runs on SQLite and on
PostgreSQL (skipped when the server is unreachable, unless TIMELINE_REQUIRE_POSTGRES=1)."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

PG_URL = os.environ.get("TIMELINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except Exception:
        return False


_PG = None


def pg_available() -> bool:
    global _PG
    if _PG is None:
        _PG = _pg_reachable()
    return _PG


def _drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def new_store_url(kind: str, tmp_path: Any) -> tuple[str, Any]:
    """A fresh, empty store; returns (url, cleanup)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/timeline-{uuid.uuid4().hex[:8]}.db", lambda: None
    if not pg_available():
        if os.environ.get("TIMELINE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable at {PG_URL}")
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    return f"{PG_URL}?schema={schema}", lambda: _drop_schema(schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    url, cleanup = new_store_url(request.param, tmp_path)
    yield url
    cleanup()


@pytest.fixture
def app(store_url):
    from timeline.application import TimelineApplication

    application = TimelineApplication(store_url)
    yield application
    application.close()


@pytest.fixture
def world(app):
    """A small world set up through commands: places, factions with a sub-faction, leaders."""
    register_world(app)
    return app


def register_world(app) -> None:
    app.register("place", "Aleppo", ["Halab", "حلب"], lat=36.2, lon=37.16, governorate=None,
                 parent=None, place_kind="city", source=None)
    app.register("place", "Homs", ["Hims"], lat=34.72, lon=36.72, governorate=None,
                 parent=None, place_kind="city", source=None)
    app.register("place", "Ḩamāh", ["Hama", "حماة"], lat=35.13, lon=36.75, governorate=None,
                 parent=None, place_kind="city", source=None, slug="hama")
    app.register("place", "Damascus", ["Dimashq"], lat=33.51, lon=36.29, governorate=None,
                 parent=None, place_kind="city", source=None)
    app.register("place", "Kafr Sousa", ["Kfar Sousa"], lat=33.5, lon=36.27, governorate=None,
                 parent="damascus", place_kind="district", source=None)
    app.register("faction", "Syrian Arab Army", ["SAA", "government forces"], parent=None, source=None)
    app.register("faction", "4th Division", ["Fourth Division"], parent="syrian-arab-army", source=None)
    app.register("faction", "Republican Guard", [], parent="syrian-arab-army", source=None)
    app.register("faction", "Hayat Tahrir al-Sham", ["HTS"], parent=None, source=None, slug="hts")
    app.register("faction", "Syrian National Army", ["SNA"], parent=None, source=None, slug="sna")
    app.register("leader", "Bashar al-Assad", ["Assad"], role="President", faction="syrian-arab-army",
                 source=None)
    app.register("leader", "Hussam Louka", ["Hassam Louka"], role="Head of general security",
                 faction="syrian-arab-army", source=None)


@pytest.fixture
def client(world):
    from api import create_app

    flask_app = create_app({"TIMELINE_APP": world, "TESTING": True})
    test_client = flask_app.test_client()
    test_client.token = world.create_token("writer")  # type: ignore[attr-defined]
    test_client.auth = {"Authorization": f"Bearer {test_client.token}"}  # type: ignore[attr-defined]
    return test_client


def report(*claims: dict, published_at: str | None = None, source: str = "Test wire") -> dict:
    """A report of these claims; published (unless given) on 1 Dec 2024 or, if one of them
    happened later, when the last of them happened (API.md v2: no claim after its report)."""
    if published_at is None:
        published_at = max([DEFAULT_PUBLISHED, *(c["occurred_at"] for c in claims
                                                 if isinstance(c, dict) and c.get("occurred_at"))],
                           key=_instant)
    return {"source": {"name": source}, "published_at": published_at, "claims": list(claims)}


DEFAULT_PUBLISHED = "2024-12-01T00:00:00Z"


def _instant(text: str):
    from datetime import datetime

    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (ValueError, TypeError, AttributeError):
        return 0.0


def control(city: str, faction: str, at: str, **extra) -> dict:
    return {"type": "control", "city": city, "faction": faction, "occurred_at": at, **extra}


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    """The seeded places, factions and leaders (no reports): the article reader only reads them."""
    from tests.reference_gazetteer import reference_gazetteer

    with reference_gazetteer(tmp_path_factory.mktemp("gazetteer")) as app:
        yield app
