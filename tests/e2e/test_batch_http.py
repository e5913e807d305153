"""POST /reports/batch (API.md v2): many reports in one transaction, all of them or none; on both
stores."""

from __future__ import annotations

from tests.conftest import control, report

PROBLEM = "application/problem+json"
AT = "2024-11-29T21:00:00+03:00"


def head(client) -> int:
    return client.get("/readyz").get_json()["position"]


def batch(client, reports, **headers):
    return client.post("/reports/batch", json={"reports": reports},
                       headers={**client.auth, **headers})


def test_a_batch_files_every_report_with_its_own_id_position_and_claims(client):
    reports = [report(control("Aleppo", "HTS", AT)),
               report(control("Homs", "SAA", AT), {"type": "clash", "city": "Homs",
                                                     "factions": ["SAA", "HTS"], "occurred_at": AT}),
               report(control("Hama", "HTS", AT))]
    r = batch(client, reports)
    assert r.status_code == 201, r.get_json()
    items = r.get_json()["reports"]
    assert [len(i["claims"]) for i in items] == [1, 2, 1]
    assert [i["claims"][0]["city"] for i in items] == ["aleppo", "homs", "hama"]
    positions = [i["position"] for i in items]
    assert positions == sorted(positions) and len(set(positions)) == 3
    assert head(client) == positions[-1]
    for item in items:
        assert item["recorded_at"].endswith("Z")
        got = client.get(f"/reports/{item['id']}").get_json()
        assert got["position"] == item["position"]
        assert [c["id"] for c in got["claims"]] == [c["id"] for c in item["claims"]]
    state = client.get("/cities/homs/state").get_json()
    assert state["controller"] == "syrian-arab-army"


def test_one_unknown_name_refuses_the_whole_batch_and_names_its_path(client):
    before = head(client)
    r = batch(client, [report(control("Aleppo", "HTS", AT)),
                       report(control("Homs", "SAA", AT), control("Atlantis", "HTS", AT))])
    assert r.status_code == 422 and r.mimetype == PROBLEM
    assert list(r.get_json()["errors"]) == ["reports.1.claims.1.city"]
    assert head(client) == before
    assert client.get("/cities/aleppo/state").get_json()["controller"] is None


def test_errors_found_by_the_schema_are_named_by_their_path_with_unknown_names_beside_them(client):
    before = head(client)
    r = batch(client, [report(control("Aleppo", "HTS", AT)),
                       report(control("Homs", "SAA", AT)),
                       report(control("Hama", "HTS", "2024-11-29T21:00:00"),
                              {"type": "control", "city": "Atlantis", "occurred_at": AT})])
    assert r.status_code == 422 and r.mimetype == PROBLEM
    errors = r.get_json()["errors"]
    assert set(errors) == {"reports.2.claims.0.occurred_at", "reports.2.claims.1.faction",
                           "reports.2.claims.1.city"}
    assert head(client) == before


def test_a_report_without_claims_or_source_is_named_by_its_index(client):
    bad = {"source": {"name": "x"}, "published_at": "2024-12-01T00:00:00Z", "claims": []}
    r = batch(client, [report(control("Aleppo", "HTS", AT)), bad, {"claims": []}])
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert "reports.1.claims" in errors and "reports.2.source" in errors


def test_more_than_1000_reports_or_none_is_a_422_that_writes_nothing(client):
    before = head(client)
    one = report(control("Aleppo", "HTS", AT))
    r = batch(client, [one] * 1001)
    assert r.status_code == 422 and "reports" in r.get_json()["errors"]
    r = batch(client, [])
    assert r.status_code == 422 and "reports" in r.get_json()["errors"]
    r = client.post("/reports/batch", json={}, headers=client.auth)
    assert r.status_code == 422 and "reports" in r.get_json()["errors"]
    assert head(client) == before


def test_1000_reports_are_filed_in_one_answer(client):
    reports = [report(control(["Aleppo", "Homs", "Hama"][i % 3], "HTS", AT), source=f"Wire {i}")
               for i in range(1000)]
    r = batch(client, reports)
    assert r.status_code == 201
    items = r.get_json()["reports"]
    assert len(items) == 1000 and len({i["id"] for i in items}) == 1000
    assert head(client) == items[-1]["position"]


def test_a_conflict_only_the_store_sees_rolls_the_whole_batch_back(client):
    """Two reports of one batch retract the same claim: each alone is valid, together they break
    the store's constraint, and the one transaction writes none of the batch."""
    target = client.post("/reports", json=report(control("Aleppo", "HTS", AT)),
                         headers=client.auth).get_json()["claims"][0]["id"]
    before = head(client)
    retract = {"type": "retract", "claim": target, "reason": "wrong city"}
    r = batch(client, [report(control("Homs", "HTS", AT)), report(retract), report(retract)])
    assert r.status_code == 409 and r.mimetype == PROBLEM
    assert head(client) == before
    assert client.get("/cities/homs/state").get_json()["controller"] is None
    assert client.get(f"/claims/{target}").get_json()["retracted"] is False


def test_an_idempotent_retry_gets_the_same_bytes_and_appends_nothing(client):
    reports = [report(control("Aleppo", "HTS", AT)), report(control("Homs", "SAA", AT))]
    first = batch(client, reports, **{"Idempotency-Key": "batch-1"})
    assert first.status_code == 201
    before = head(client)
    again = batch(client, reports, **{"Idempotency-Key": "batch-1"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.data == first.data
    assert head(client) == before
    other = batch(client, reports[:1], **{"Idempotency-Key": "batch-1"})
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]
    assert head(client) == before


def test_a_refused_batch_leaves_its_key_free_for_the_corrected_batch(client):
    bad = [report(control("Atlantis", "HTS", AT))]
    assert batch(client, bad, **{"Idempotency-Key": "batch-2"}).status_code == 422
    good = [report(control("Aleppo", "HTS", AT))]
    # the same key with another body: the refused request kept no answer to compare with
    r = batch(client, good, **{"Idempotency-Key": "batch-3"})
    assert r.status_code == 201


def test_a_batch_needs_a_writer_token(client, world):
    body = {"reports": [report(control("Aleppo", "HTS", AT))]}
    before = head(client)
    r = client.post("/reports/batch", json=body)
    assert r.status_code == 401 and r.mimetype == PROBLEM
    reader = world.create_token("reader")
    r = client.post("/reports/batch", json=body, headers={"Authorization": f"Bearer {reader}"})
    assert r.status_code == 403 and r.mimetype == PROBLEM
    assert head(client) == before


def test_the_batch_route_is_documented(client):
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/reports/batch"]["post"]
    assert {"201", "401", "403", "422"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[-1]
    reports = spec["components"]["schemas"][ref]["properties"]["reports"]
    assert reports["maxItems"] == 1000


def test_a_batch_records_the_filing_tokens_label_on_every_report(client, world):
    token = world.create_token("writer", label="feed-bot")
    body = {"reports": [{"source": {"name": "Wire"}, "published_at": "2024-12-02T00:00:00Z",
                         "claims": [{"type": "note", "text": f"note {i}",
                                     "occurred_at": "2024-12-01T00:00:00Z"}]} for i in range(2)]}
    r = client.post("/reports/batch", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.get_json()
    ids = {rep["id"] for rep in r.get_json()["reports"]}
    listed = client.get("/reports?filed_by=feed-bot").get_json()["items"]
    assert {i["id"] for i in listed} == ids and all(i["filed_by"] == "feed-bot" for i in listed)
