"""Issue 15's smaller findings, over HTTP on both stores: ACLED import caps, /metrics labels,
strict request parsing (timestamps, charsets, transfer codings, repeated parameters), Host."""

from __future__ import annotations

from api.interop import MAX_IMPORT_LINES
from tests.conftest import control, report
from timeline.acled import REQUIRED

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
