"""Security promises over HTTP: roles on every write route, hashed tokens, per-token rate limits
answering 429 with Retry-After, read-only mode, CORS off unless configured."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import control, report

REPORT = report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"))


def make_client(world, **config):
    from api import create_app

    app = create_app({"TIMELINE_APP": world, "TESTING": True, **config})
    client = app.test_client()
    client.token = world.create_token("writer")
    client.auth = {"Authorization": f"Bearer {client.token}"}
    return client


def write_routes(client):
    """Every route that accepts POST/PUT/PATCH/DELETE, read from the app's URL map."""
    app = client.application
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            if rule.rule in ("/extract",):
                continue  # computes an answer and stores nothing
            out.append((method, rule.rule.replace("<", "").replace(">", "")))
    return out


def is_problem(response, status):
    return (response.status_code == status
            and response.mimetype == "application/problem+json"
            and response.get_json()["status"] == status
            and response.get_json()["detail"])


def test_every_write_route_needs_a_token(client):
    routes = write_routes(client)
    assert ("POST", "/reports") in routes and ("POST", "/factions") in routes
    head = client.application.extensions["timeline"].head()
    for method, path in routes:
        response = client.open(path, method=method, json={})
        assert is_problem(response, 401), (method, path, response.status_code)
        assert "Bearer" in response.headers["WWW-Authenticate"]
        response = client.open(path, method=method, json={},
                               headers={"Authorization": "Bearer not-a-token"})
        assert is_problem(response, 401), (method, path, response.status_code)
    assert client.application.extensions["timeline"].head() == head


@pytest.fixture
def reader(world):
    """A `reader` token (test_token_commands.py checks the command that makes one)."""
    return {"Authorization": f"Bearer {world.create_token('reader')}"}


def test_a_reader_token_reads_when_reads_are_closed_and_every_write_with_it_is_a_403(world, reader):
    client = make_client(world, PUBLIC_READS=False)
    for path in ("/state", "/cities", "/cities/aleppo/state", "/events", "/timeline",
                 "/state.geojson", "/timeline.csv", "/reports/nope"):
        response = client.get(path, headers=reader)
        assert response.status_code == (404 if path == "/reports/nope" else 200), path
    article = {"text": "HTS seized control of Aleppo on Friday night.",
               "published_at": "2024-11-30T22:00:00Z"}
    assert client.post("/extract", json=article, headers=reader).status_code == 200  # a read
    head = client.application.extensions["timeline"].head()
    routes = write_routes(client)
    assert ("POST", "/reports") in routes and ("POST", "/imports/acled") in routes
    for method, path in routes:
        response = client.open(path, method=method, json={}, headers=reader)
        assert is_problem(response, 403), (method, path, response.status_code)
        assert "lacks the role" in response.get_json()["detail"]
        assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    # a valid report, with a key, is refused as well, and leaves nothing behind
    response = client.post("/reports", json=REPORT, headers={**reader, "Idempotency-Key": "r-1"})
    assert is_problem(response, 403)
    assert client.application.extensions["timeline"].head() == head
    assert client.post("/reports", json=REPORT, headers={**client.auth, "Idempotency-Key": "r-1"}
                       ).status_code == 201


def test_a_reader_token_is_refused_writes_when_reads_are_public_too(client, reader):
    head = client.application.extensions["timeline"].head()
    assert is_problem(client.post("/reports", json=REPORT, headers=reader), 403)
    assert is_problem(client.post("/factions", json={"name": "Free Syrian Army"}, headers=reader), 403)
    assert client.application.extensions["timeline"].head() == head


def test_tokens_are_stored_hashed_and_revoked_tokens_fail(client):
    timeline = client.application.extensions["timeline"]
    rows = timeline.recorder.fetchall("SELECT hash FROM tl_tokens")
    hashes = {r["hash"] for r in rows}
    assert client.token not in hashes
    assert hashlib.sha256(client.token.encode()).hexdigest() in hashes
    assert timeline.revoke_token(client.token) == 1
    response = client.post("/reports", json=REPORT, headers=client.auth)
    assert is_problem(response, 401)


def test_a_token_revoked_while_in_use_stops_working_within_the_cache_time(world):
    import time

    client = make_client(world, TIMELINE_TOKEN_CACHE_SECONDS=0.3)
    body = report(control("Aleppo", "HTS", "2024-12-01T00:00:00Z"))
    assert client.post("/reports", json=body, headers=client.auth).status_code == 201
    assert world.revoke_token(client.token) == 1  # as `timeline token revoke` does, from anywhere
    time.sleep(0.35)
    response = client.post("/reports", json=body, headers=client.auth)
    assert is_problem(response, 401) and "revoked" in response.get_json()["detail"]


def test_without_the_token_cache_a_revocation_counts_from_the_next_request(world):
    client = make_client(world, TIMELINE_TOKEN_CACHE_SECONDS=0)
    body = report(control("Aleppo", "HTS", "2024-12-01T00:00:00Z"))
    assert client.post("/reports", json=body, headers=client.auth).status_code == 201
    assert world.revoke_token(client.token) == 1
    assert is_problem(client.post("/reports", json=body, headers=client.auth), 401)


def test_the_token_cache_time_is_at_most_one_second(world):
    assert make_client(world, TIMELINE_TOKEN_CACHE_SECONDS=3600).application.extensions[
        "token_roles"].ttl == 1.0
    with pytest.raises(ValueError, match="TIMELINE_TOKEN_CACHE_SECONDS"):
        make_client(world, TIMELINE_TOKEN_CACHE_SECONDS="soon")


def test_writes_beyond_the_per_token_limit_get_429_with_retry_after(world):
    client = make_client(world, TIMELINE_RATE_LIMIT="3 per minute")
    other = world.create_token("writer")
    statuses = [client.post("/factions", json={"name": f"Brigade {i}"}, headers=client.auth).status_code
                for i in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = client.post("/factions", json={"name": "Brigade 9"}, headers=client.auth)
    assert is_problem(limited, 429)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert world.names.entity("faction", "brigade-9") is None
    # the limit is per token: another writer is not held back, and reads are not limited
    assert client.post("/factions", json={"name": "Brigade 5"},
                       headers={"Authorization": f"Bearer {other}"}).status_code == 201
    assert client.get("/state").status_code == 200


def test_an_extract_that_keeps_its_answer_for_a_key_counts_as_a_write_and_an_anonymous_one_is_a_read(
        world):
    # With an Idempotency-Key and a valid token, POST /extract keeps a row per key (for its TTL):
    # it counts as a write of that token. Without a valid token it keeps nothing (issue 15) and
    # is a read, like an /extract without a key.
    client = make_client(world, TIMELINE_RATE_LIMIT="2 per minute")
    body = {"text": "HTS seized Aleppo on Friday night.", "published_at": "2024-11-30T22:00:00Z"}
    keyed = [client.post("/extract", json=body, headers={"Idempotency-Key": f"k{i}",
                                                         **client.auth}).status_code
             for i in range(3)]
    assert keyed == [200, 200, 429]
    anonymous = [client.post("/extract", json=body, headers={"Idempotency-Key": f"a{i}"}).status_code
                 for i in range(3)]
    assert anonymous == [200] * 3
    assert [client.post("/extract", json=body).status_code for _ in range(3)] == [200] * 3


def test_a_made_up_bearer_counts_against_its_client_address(world):
    """Issue 15: limits were keyed by whatever bearer a request carried, so a client that sent
    a new made-up token with each request was never limited."""
    client = make_client(world, TIMELINE_READ_RATE_LIMIT="2 per minute",
                         TIMELINE_RATE_LIMIT="2 per minute")
    reads = [client.get("/state", headers={"Authorization": f"Bearer made-up-{i}"}).status_code
             for i in range(3)]
    assert reads == [200, 200, 429]
    writes = [client.post("/factions", json={"name": f"Brigade {i}"},
                          headers={"Authorization": f"Bearer made-up-{i}"}).status_code
              for i in range(3)]
    assert writes == [401, 401, 429]
    # a valid token is its own client, with its own counters
    assert client.get("/state", headers=client.auth).status_code == 200


def test_reads_beyond_the_read_limit_get_429_and_writes_are_counted_apart(world):
    client = make_client(world, TIMELINE_READ_RATE_LIMIT="2 per minute", TIMELINE_RATE_LIMIT="2 per minute")
    assert [client.get("/state").status_code for _ in range(3)] == [200, 200, 429]
    limited = client.get("/cities/aleppo/state")
    assert is_problem(limited, 429) and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "2 per 1 minute" in limited.get_json()["detail"]
    # writes have their own counter; an unknown route is a 404, whatever the counters say
    assert client.post("/factions", json={"name": "Read Brigade"}, headers=client.auth).status_code == 201
    assert client.get("/no-such-route").status_code == 404


def test_a_malformed_rate_limit_setting_stops_the_app_with_a_clear_error(world):
    with pytest.raises(ValueError, match="TIMELINE_RATE_LIMIT"):
        make_client(world, TIMELINE_RATE_LIMIT="lots")


def test_read_only_mode_rejects_every_write_with_503(world):
    client = make_client(world, TIMELINE_READ_ONLY="1")
    head = world.head()
    for method, path in write_routes(client):
        response = client.open(path, method=method, json={"name": "X"}, headers=client.auth)
        assert is_problem(response, 503), (method, path, response.status_code)
    assert is_problem(client.post("/reports", json=REPORT, headers=client.auth), 503)
    assert world.head() == head
    assert client.get("/cities/aleppo/state").status_code == 200


def test_cors_is_off_unless_configured(world):
    plain = make_client(world)
    response = plain.get("/state", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
    allowed = make_client(world, TIMELINE_CORS_ORIGINS="https://maps.example")
    response = allowed.get("/state", headers={"Origin": "https://maps.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://maps.example"
    response = allowed.get("/state", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_sql_in_names_and_queries_is_only_ever_data(client):
    """SQL goes through parameters: text that looks like SQL is stored and matched literally."""
    nasty = "Robert'); DROP TABLE tl_claims; --"
    created = client.post("/factions", json={"name": nasty, "aliases": ["x' OR '1'='1"]},
                          headers=client.auth)
    assert created.status_code == 201
    faction = created.get_json()["id"]
    assert client.get(f"/factions/{faction}").get_json()["name"] == nasty
    assert client.get("/cities", query_string={"q": "' OR 1=1 --"}).get_json()["items"] == []
    filed = client.post("/reports", json=report(control("Aleppo", nasty, "2024-12-01T00:00:00Z")),
                        headers=client.auth)
    assert filed.status_code == 201
    state = client.get("/cities/aleppo/state", query_string={"at": "2024-12-02T00:00:00Z"})
    assert state.get_json()["controller"] == faction


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on 127.0.0.1 (Debian's package), if the machine has one."""
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def test_redis_storage_shares_one_limit_between_workers(world, redis_url):
    """Two apps (as two gunicorn workers) counting in one Redis: the limit is for both."""
    first = make_client(world, TIMELINE_RATE_LIMIT="3 per minute",
                        TIMELINE_RATE_LIMIT_STORAGE=redis_url)
    second = make_client(world, TIMELINE_RATE_LIMIT="3 per minute",
                         TIMELINE_RATE_LIMIT_STORAGE=redis_url)
    auth = first.auth
    statuses = [first.post("/factions", json={"name": "Redis Brigade 1"}, headers=auth).status_code,
                second.post("/factions", json={"name": "Redis Brigade 2"}, headers=auth).status_code,
                first.post("/factions", json={"name": "Redis Brigade 3"}, headers=auth).status_code,
                second.post("/factions", json={"name": "Redis Brigade 4"}, headers=auth).status_code]
    assert statuses == [201, 201, 201, 429]
