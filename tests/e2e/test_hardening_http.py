"""Issue 15's smaller findings, over HTTP on both stores: ACLED import caps, /metrics labels,
strict request parsing (timestamps, charsets, transfer codings, repeated parameters), Host."""

from __future__ import annotations

import pytest

from api.interop import MAX_IMPORT_LINES
from tests.conftest import control, report
from timeline.ingest.acled_rows import REQUIRED

PROBLEM = "application/problem+json"
ROW = "X1,2024-11-29,Battles,HTS,Aleppo,36.2,37.16,1733011200"


def is_problem(r, status: int) -> bool:
    return r.status_code == status and r.mimetype == PROBLEM and r.get_json()["status"] == status


def head(client) -> int:
    return client.get("/readyz").get_json()["position"]


# ---- ACLED import: columns and rows per request ------------------------------------------------

def test_an_acled_body_with_12000_columns_is_a_422_that_writes_nothing(client):
    before = head(client)
    header = ",".join([*REQUIRED, *(f"c{i}" for i in range(12_000))])
    r = client.post("/imports/acled", data=header + "\n" + "x\n" * 3_500, content_type="text/csv",
                    headers=client.auth)
    assert is_problem(r, 422) and "columns" in r.get_json()["detail"]
    assert head(client) == before


def test_an_acled_body_with_more_lines_than_a_request_may_hold_is_a_413_that_writes_nothing(client):
    before = head(client)
    body = ",".join(REQUIRED) + "\n" + ROW + "\n" + "x\n" * MAX_IMPORT_LINES
    assert len(body.encode()) < 1024 * 1024  # within the body limit: the row cap answers
    r = client.post("/imports/acled", data=body, content_type="text/csv", headers=client.auth)
    assert is_problem(r, 413) and str(MAX_IMPORT_LINES) in r.get_json()["detail"]
    assert head(client) == before


# ---- /metrics: a fixed set of series ------------------------------------------------------------

def series(client) -> list[str]:
    text = client.get("/metrics").get_data(as_text=True)
    return [line for line in text.splitlines() if line.startswith("timeline_http_requests_total{")]


def test_made_up_methods_and_unmatched_urls_do_not_grow_the_metrics(client):
    client.open("/state", method="BREW")
    client.get("/no-such-route-0")
    before = len(series(client))
    for i in range(400):
        client.open("/state", method=f"BREW{i}")
        client.open(f"/no-such-route-{i}", method=f"X{i}")
        client.get(f"/no-such-route-{i}")
    lines = series(client)
    assert len(lines) <= before + 2  # the /metrics reads themselves
    assert not any("BREW" in line for line in lines)
    assert any('method="other"' in line and 'route="unmatched"' in line for line in lines)


# ---- one report may not both retract and confirm a claim ----------------------------------------

def test_one_report_retracting_and_confirming_a_claim_is_a_409_as_separately(client):
    filed = client.post("/reports", json=report(control("Aleppo", "HTS", "2024-11-29T21:00:00Z")),
                        headers=client.auth).get_json()
    target = filed["claims"][0]["id"]
    before = head(client)
    retract = {"type": "retract", "claim": target, "reason": "denied"}
    confirm = {"type": "confirm", "claim": target}
    for claims in ([retract, confirm], [confirm, retract]):
        r = client.post("/reports", json=report(*claims), headers=client.auth)
        assert is_problem(r, 409), r.get_json()
        assert head(client) == before
    # separately: the retraction, then the confirmation is a 409
    assert client.post("/reports", json=report(retract), headers=client.auth).status_code == 201
    assert is_problem(client.post("/reports", json=report(confirm), headers=client.auth), 409)


# ---- Host is not echoed -------------------------------------------------------------------------

def test_the_host_header_is_not_echoed_into_link_or_location(client):
    page = client.get("/cities?limit=1", headers={"Host": "evil.example"})
    assert page.status_code == 200 and "evil.example" not in page.headers["Link"]
    assert page.headers["Link"].startswith("</cities?")
    moved = client.get("/cities//aleppo", headers={"Host": "evil.example"})
    assert moved.status_code == 308 and moved.headers["Location"] == "/cities/aleppo"
    # a trusted host (the loopback names by default) gets absolute links, as before
    assert client.get("/cities?limit=1").headers["Link"].startswith("<http://localhost/cities?")


def test_configured_trusted_hosts_get_absolute_links_and_others_relative(world):
    from api import create_app

    c = create_app({"TIMELINE_APP": world, "TESTING": True,
                    "TIMELINE_TRUSTED_HOSTS": "api.example.org"}).test_client()
    link = c.get("/cities?limit=1", headers={"Host": "api.example.org:8443"}).headers["Link"]
    assert link.startswith("<http://api.example.org:8443/cities?")
    assert c.get("/cities?limit=1").headers["Link"].startswith("</cities?")  # localhost: not listed


# ---- one way to read a request -------------------------------------------------------------------

def test_a_transfer_coding_other_than_chunked_is_refused_and_writes_nothing(client):
    before = head(client)
    body = report(control("Aleppo", "HTS", "2024-11-29T21:00:00Z"))
    r = client.post("/reports", json=body, headers=client.auth,
                    environ_base={"HTTP_TRANSFER_ENCODING": "gzip, chunked"})
    assert is_problem(r, 501) and "Transfer-Encoding" in r.get_json()["errors"]
    assert head(client) == before


def test_a_charset_other_than_utf8_is_a_415_that_writes_nothing(client):
    before = head(client)
    raw = '{"name": "Brigade Évian"}'
    r = client.post("/factions", data=raw.encode("latin-1"), headers=client.auth,
                    content_type="application/json; charset=latin-1")
    assert is_problem(r, 415) and "charset" in r.get_json()["detail"]
    assert head(client) == before
    r = client.post("/factions", data=raw.encode(), headers=client.auth,
                    content_type="application/json; charset=UTF-8")
    assert r.status_code == 201


def test_a_repeated_query_parameter_is_a_422_naming_it(client):
    r = client.get("/cities/aleppo/state?at=2024-12-01T00:00:00Z&at=2024-12-08T00:00:00Z")
    assert is_problem(r, 422) and "at" in r.get_json()["errors"]
    r = client.get("/timeline?city=aleppo&city=homs&limit=5")
    assert is_problem(r, 422) and list(r.get_json()["errors"]) == ["city"]
    assert client.get("/cities/aleppo/state?at=2024-12-01T00:00:00Z").status_code == 200


# ---- RFC 3339 timestamps only -------------------------------------------------------------------

@pytest.mark.parametrize("stamp", ["2024-11-29T21:00:00+0300", "2024-11-29T21:00:00+03",
                                   "2024-11-29T09:00Z", "2024-11-29T21:00:00,5Z"])
def test_a_timestamp_that_is_not_rfc_3339_is_a_422_showing_the_expected_form(client, stamp):
    before = head(client)
    r = client.post("/reports", json=report(control("Aleppo", "HTS", stamp)), headers=client.auth)
    assert is_problem(r, 422), r.get_json()
    assert "HH:MM:SS" in r.get_json()["errors"]["claims.0.occurred_at"][0]
    r = client.post("/reports", json=report(control("Aleppo", "HTS", "2024-11-29T21:00:00Z"),
                                            published_at=stamp), headers=client.auth)
    assert is_problem(r, 422) and "published_at" in r.get_json()["errors"]
    assert head(client) == before
    r = client.get("/cities/aleppo/state", query_string={"at": stamp})
    assert is_problem(r, 422) and "HH:MM:SS" in r.get_json()["errors"]["at"][0]


@pytest.mark.parametrize("stamp", ["2024-11-29T21:00:00+03:00", "2024-11-29T18:00:00Z",
                                   "2024-11-29T18:00:00.5Z", "2024-11-29t18:00:00z"])
def test_rfc_3339_timestamps_are_accepted(client, stamp):
    r = client.post("/reports", json=report(control("Aleppo", "HTS", stamp)), headers=client.auth)
    assert r.status_code == 201, r.get_json()
