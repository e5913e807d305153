"""Turns TIMELINE_DATABASE_URL into the eventsourcing library's persistence settings."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

DEFAULT_URL = "sqlite:///var/timeline.db"
PG_SCHEMA = "timeline"


def database_url(env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return env.get("TIMELINE_DATABASE_URL") or DEFAULT_URL


def persistence_env(url: str) -> dict[str, str]:
    """Settings for `TimelineApplication(env=...)`; creates the SQLite folder or the PostgreSQL
    schema if missing (the library expects both to exist)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise ValueError(f"not a SQLite file URL: {url!r} (sqlite:///relative or sqlite:////abs)")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "timeline.readmodel.sqlite:TimelineSQLiteFactory",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": "timeline.readmodel.sqlite:TimelineSQLiteRecorder",
        }
    if parsed.scheme in ("postgresql", "postgres"):
        # ?schema=NAME keeps several stores (tests, staging) apart in one database.
        query = dict(parse_qsl(parsed.query))
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(parsed.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_SCHEMA": query.get("schema") or PG_SCHEMA,
            "POSTGRES_POOL_SIZE": "4",
            "POSTGRES_MAX_OVERFLOW": "8",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_POOL_OPEN_TIMEOUT": "5",
            "POSTGRES_LOCK_TIMEOUT": "10",
            "POSTGRES_PRE_PING": "y",
            "APPLICATION_RECORDER_TOPIC": "timeline.readmodel.postgres:TimelinePostgresRecorder",
        }
        ensure_schema(env)
        return env
    raise ValueError(f"unsupported TIMELINE_DATABASE_URL scheme: {parsed.scheme!r}")


def ensure_schema(env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"],
                         port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
                         password=env["POSTGRES_PASSWORD"] or None, autocommit=True,
                         connect_timeout=5) as conn:
        # Only when missing, and under the schema's advisory lock: two processes running
        # CREATE SCHEMA IF NOT EXISTS at once fail on pg_namespace's unique index.
        schema = env["POSTGRES_SCHEMA"]
        if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone():
            return
        from .migrate import postgres_schema_lock

        postgres_schema_lock(conn, schema)  # released when the connection closes
        conn.execute("SET lock_timeout = '10s'")
        quoted = schema.replace('"', '""')
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{quoted}"')
