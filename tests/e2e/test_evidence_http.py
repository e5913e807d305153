"""API.md v2 over HTTP, on both stores: answers built from the evidence (stretch, corroboration,
dissent, staleness), dissolution, undoing a retraction, and the third clock (published_by)."""

from __future__ import annotations

from typing import Any

NOON = "2024-12-08T12:00:00Z"


def post(client, *claims: dict, published_at: str = "2024-12-08T23:00:00Z",
         source: dict | None = None) -> dict[str, Any]:
    body = {"source": source or {"name": "Test wire"}, "published_at": published_at,
            "claims": list(claims)}
    response = client.post("/reports", json=body, headers=client.auth)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def get(client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_json())
    return response.get_json()


def control(city: str, faction: str, at: str, confidence: str = "reported", **extra) -> dict:
    return {"type": "control", "city": city, "faction": faction, "occurred_at": at,
            "confidence": confidence, **extra}


def test_a_restatement_neither_moves_since_nor_lowers_confidence(client):
    """The issue's Homs case: confirmed at 22:00Z, then a reported restatement at 22:30Z."""
    post(client, control("Homs", "SAA", "2024-12-01T00:00:00Z"))
    first = post(client, control("Homs", "HTS", "2024-12-07T22:00:00Z", "confirmed"),
                 source={"name": "Reuters"})
    again = post(client, control("Homs", "HTS", "2024-12-07T22:30:00Z"),
                 source={"name": "Daily Star", "via": "reuters"})
    third = post(client, control("Homs", "HTS", "2024-12-08T01:00:00Z"),
                 source={"name": "Al Jazeera"})
    state = get(client, f"/cities/homs/state?at={NOON}")
    assert (state["controller"], state["status"]) == ("hts", "held")
    assert state["since"] == "2024-12-07T22:00:00Z"
    assert state["confidence"] == "confirmed"
    assert [e["claim"] for e in state["evidence"]] == [
        first["claims"][0]["id"], again["claims"][0]["id"], third["claims"][0]["id"]]
    # a relay of Reuters counts once: Reuters (and its relay), Al Jazeera
    assert state["corroboration"] == 2
    item = state["evidence"][1]
    assert item["origin"] == "reuters" and item["source"] == {"name": "Daily Star", "via": "reuters"}
    assert item["report"] == again["id"] and item["published_at"] == "2024-12-08T23:00:00Z"
    assert item["occurred_at"] == "2024-12-07T22:30:00Z" and item["confidence"] == "reported"
    assert state["last_evidence_at"] == "2024-12-08T01:00:00Z"
    assert state["disputed"] is False and state["dissent"] == [] and state["stale"] is False
    assert state["claims"][0] == third["claims"][0]["id"]  # the latest control claim
    # the whole world, its GeoJSON and the history say the same
    world = {c["id"]: c for c in get(client, f"/state?at={NOON}")["cities"]}
    assert {k: world["homs"][k] for k in ("since", "confidence", "corroboration", "disputed",
                                          "stale")} == {
        "since": "2024-12-07T22:00:00Z", "confidence": "confirmed", "corroboration": 2,
        "disputed": False, "stale": False}
    geo = {f["id"]: f["properties"] for f in get(client, f"/state.geojson?at={NOON}")["features"]}
    assert (geo["homs"]["since"], geo["homs"]["confidence"]) == ("2024-12-07T22:00:00Z", "confirmed")
    history = get(client, f"/cities/homs/history?at={NOON}")["items"]
    assert [(h["at"], h["controller"], h["confidence"]) for h in history] == [
        ("2024-12-01T00:00:00Z", "syrian-arab-army", "reported"),
        ("2024-12-07T22:00:00Z", "hts", "confirmed")]


def test_a_claim_that_lost_its_instant_is_dissent_and_does_not_end_the_stretch(client):
    post(client, control("Aleppo", "HTS", "2024-11-29T18:00:00Z", "confirmed"))
    lost = post(client, control("Aleppo", "SAA", "2024-11-30T12:00:00Z", "unconfirmed"),
                control("Aleppo", "HTS", "2024-11-30T12:00:00Z"))
    state = get(client, "/cities/aleppo/state?at=2024-12-01T00:00:00Z&min_confidence=unconfirmed")
    assert state["controller"] == "hts" and state["since"] == "2024-11-29T18:00:00Z"
    assert state["disputed"] is True
    assert [(d["claim"], d["controller"]) for d in state["dissent"]] == [
        (lost["claims"][0]["id"], "syrian-arab-army")]
    # not counted at the default minimum: no dissent then
    state = get(client, "/cities/aleppo/state?at=2024-12-01T00:00:00Z")
    assert state["disputed"] is False and state["dissent"] == []


def test_stale_after_the_given_duration_since_the_last_evidence(client):
    post(client, control("Hama", "HTS", "2024-12-05T12:00:00Z"))
    assert get(client, "/cities/hama/state?at=2024-12-20T00:00:00Z")["stale"] is False
    assert get(client, "/cities/hama/state?at=2025-01-20T00:00:00Z")["stale"] is True
    assert get(client, "/cities/hama/state?at=2024-12-20T00:00:00Z&stale_after=72h")["stale"] is True
    assert get(client, "/cities/hama/state?at=2024-12-05T13:00:00Z&stale_after=90m")["stale"] is False
    assert get(client, "/cities/hama/state?at=2024-12-06T13:00:00Z&stale_after=1")["stale"] is True
    world = {c["id"]: c for c in get(client, "/state?at=2025-01-20T00:00:00Z")["cities"]}
    assert world["hama"]["stale"] is True and world["aleppo"]["stale"] is False
    response = client.get("/cities/hama/state?stale_after=1w")
    assert response.status_code == 422 and "stale_after" in response.get_json()["errors"]


def test_a_leaders_stretch_is_the_run_of_one_status_whatever_the_location(client):
    post(client, {"type": "leader_status", "leader": "Assad", "status": "active",
                  "occurred_at": "2024-12-01T00:00:00Z"})
    a = post(client, {"type": "leader_status", "leader": "Assad", "status": "abroad",
                      "location": "Moscow, Russia", "occurred_at": "2024-12-08T04:00:00Z",
                      "confidence": "confirmed"}, source={"name": "TASS"})
    b = post(client, {"type": "leader_status", "leader": "Assad", "status": "abroad",
                      "occurred_at": "2024-12-09T04:00:00Z"}, source={"name": "AFP"},
             published_at="2024-12-09T08:00:00Z")
    state = get(client, "/leaders/bashar-al-assad/state?at=2024-12-10T00:00:00Z")
    assert (state["status"], state["since"], state["confidence"]) == (
        "abroad", "2024-12-08T04:00:00Z", "confirmed")
    assert [e["claim"] for e in state["evidence"]] == [a["claims"][0]["id"], b["claims"][0]["id"]]
    assert state["corroboration"] == 2 and state["location"] is None
    assert state["last_evidence_at"] == "2024-12-09T04:00:00Z"


def test_a_dissolution_lapses_the_places_of_the_faction_and_its_subfactions(client):
    post(client, control("Damascus", "4th Division", "2024-11-26T00:00:00Z"),
         control("Homs", "SAA", "2024-11-26T00:00:00Z"),
         control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))
    gone = post(client, {"type": "dissolve", "faction": "Syrian Arab Army",
                         "occurred_at": "2024-12-08T12:00:00Z", "confidence": "confirmed"},
                source={"name": "Reuters"})
    dissolve = gone["claims"][0]["id"]
    before = get(client, "/cities/damascus/state?at=2024-12-08T11:00:00Z")
    assert before["controller"] == "4th-division"
    for city in ("damascus", "homs"):
        state = get(client, f"/cities/{city}/state?at=2024-12-20T00:00:00Z")
        assert (state["controller"], state["status"]) == (None, "unknown"), state
        assert state["lapsed"] == {"faction": "syrian-arab-army", "claim": dissolve}
        assert (state["since"], state["confidence"]) == ("2024-12-08T12:00:00Z", "confirmed")
        assert [e["claim"] for e in state["evidence"]] == [dissolve]
    assert get(client, "/cities/aleppo/state?at=2024-12-20T00:00:00Z")["controller"] == "hts"
    assert "lapsed" not in get(client, "/cities/aleppo/state?at=2024-12-20T00:00:00Z")
    saa = get(client, "/factions/syrian-arab-army/state?at=2024-12-20T00:00:00Z")
    assert saa["cities"] == []
    world = {c["id"]: c for c in get(client, "/state?at=2024-12-20T00:00:00Z")["cities"]}
    assert world["homs"]["status"] == "unknown" and world["homs"]["lapsed"]["claim"] == dissolve
    history = get(client, "/cities/homs/history?at=2024-12-20T00:00:00Z")["items"]
    assert history[-1] == {"at": "2024-12-08T12:00:00Z", "controller": None,
                           "from": "syrian-arab-army", "claim": dissolve,
                           "confidence": "confirmed"}
    # the timeline tells the lapses, by the dissolve claim
    items = {i["claim"]: i for i in get(client, "/timeline?faction=syrian-arab-army")["items"]}
    changes = items[dissolve]["changes"]
    assert {(c["id"], c["field"], c["from"], c["to"]) for c in changes} == {
        ("damascus", "controller", "4th-division", None), ("damascus", "status", "held", "unknown"),
        ("homs", "controller", "syrian-arab-army", None), ("homs", "status", "held", "unknown")}
    # a later control claim decides as usual
    later = post(client, control("Homs", "HTS", "2024-12-09T00:00:00Z"),
                 published_at="2024-12-09T06:00:00Z")["claims"][0]["id"]
    assert get(client, "/cities/homs/state?at=2024-12-20T00:00:00Z")["controller"] == "hts"
    items = {i["claim"]: i for i in get(client, "/timeline?city=homs")["items"]}
    assert [(c["field"], c["from"], c["to"]) for c in items[later]["changes"]] == [
        ("controller", None, "hts"), ("status", "unknown", "held")]


def test_a_dissolution_into_another_faction_passes_its_places_on(client):
    post(client, control("Homs", "SNA", "2024-12-01T00:00:00Z"))
    merged = post(client, {"type": "dissolve", "faction": "SNA", "into": "HTS",
                           "occurred_at": "2025-01-29T12:00:00Z"},
                  published_at="2025-01-29T18:00:00Z")
    later = post(client, control("Homs", "HTS", "2025-02-01T00:00:00Z"),
                 published_at="2025-02-01T12:00:00Z")
    state = get(client, "/cities/homs/state?at=2025-02-02T00:00:00Z")
    assert (state["controller"], state["status"], state["since"]) == (
        "hts", "held", "2025-01-29T12:00:00Z")
    assert [e["claim"] for e in state["evidence"]] == [merged["claims"][0]["id"],
                                                      later["claims"][0]["id"]]
    assert "lapsed" not in state
    assert get(client, "/factions/hts/state?at=2025-01-30T00:00:00Z")["cities"] == ["homs"]
    assert get(client, "/factions/sna/state?at=2025-01-30T00:00:00Z")["cities"] == []


def test_dissolving_an_unknown_faction_or_into_itself_is_a_422_and_writes_nothing(client):
    head = get(client, "/readyz")["position"] if client.get("/readyz").status_code == 200 else None
    for claim, path in (({"type": "dissolve", "faction": "Martians"}, "claims.0.faction"),
                        ({"type": "dissolve", "faction": "HTS", "into": "Hayat Tahrir al-Sham"},
                         "claims.0.into")):
        response = client.post("/reports", headers=client.auth, json={
            "source": {"name": "x"}, "published_at": "2024-12-09T00:00:00Z",
            "claims": [dict(claim, occurred_at="2024-12-08T00:00:00Z")]})
        assert response.status_code == 422 and path in response.get_json()["errors"]
    if head is not None:
        assert get(client, "/readyz")["position"] == head


def test_retracting_a_retraction_reinstates_its_target_from_then_on(client):
    claim = post(client, control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))["claims"][0]["id"]
    retraction = post(client, {"type": "retract", "claim": claim, "reason": "wrong"})
    r1 = retraction["claims"][0]["id"]
    assert get(client, "/cities/aleppo/state?at=2024-12-01T00:00:00Z")["controller"] is None
    undo = post(client, {"type": "retract", "claim": r1, "reason": "the retraction was wrong"})
    r2 = undo["claims"][0]["id"]
    state = get(client, "/cities/aleppo/state?at=2024-12-01T00:00:00Z")
    assert state["controller"] == "hts"
    # known_at before the undo still shows the retraction
    then = get(client, f"/cities/aleppo/state?at=2024-12-01T00:00:00Z&known_at=@{retraction['position']}")
    assert then["controller"] is None
    view = get(client, f"/claims/{claim}")
    assert (view["retracted"], view["reinstated_by"]) == (False, r2)
    assert get(client, f"/claims/{r1}")["retracted"] is True
    assert get(client, f"/claims/{r1}")["retracted_by"] == r2
    report = get(client, f"/reports/{retraction['id']}")
    assert report["claims"][0]["retracted"] is True
    # the timeline says the same
    items = {i["claim"]: i for i in get(client, "/timeline?city=aleppo")["items"]}
    assert items[claim]["retracted"] is False and items[claim]["counted"] is True
    assert [(c["id"], c["from"], c["to"]) for c in items[r2]["changes"]] == [
        (r1, False, True), (claim, True, False)]
    # undoing the undo retracts the claim again; one more is past the chain's limit
    r3 = post(client, {"type": "retract", "claim": r2, "reason": "it was right"})["claims"][0]["id"]
    assert get(client, "/cities/aleppo/state?at=2024-12-01T00:00:00Z")["controller"] is None
    assert get(client, f"/claims/{claim}")["retracted"] is True
    response = client.post("/reports", headers=client.auth, json={
        "source": {"name": "x"}, "published_at": "2024-12-09T00:00:00Z",
        "claims": [{"type": "retract", "claim": r3, "reason": "again"}]})
    assert response.status_code == 422 and "claims.0.claim" in response.get_json()["errors"]
    # a retraction is never confirmed
    response = client.post("/reports", headers=client.auth, json={
        "source": {"name": "x"}, "published_at": "2024-12-09T00:00:00Z",
        "claims": [{"type": "confirm", "claim": r1}]})
    assert response.status_code == 422 and "claims.0.claim" in response.get_json()["errors"]


def test_published_by_counts_only_reports_published_by_then_corrections_included(client):
    first = post(client, control("Hama", "HTS", "2024-12-05T12:00:00Z"),
                 published_at="2024-12-05T14:00:00Z")["claims"][0]["id"]
    post(client, {"type": "confirm", "claim": first}, published_at="2024-12-06T10:00:00Z")
    post(client, {"type": "retract", "claim": first, "reason": "no"},
         published_at="2024-12-07T10:00:00Z")
    url = "/cities/hama/state?at=2024-12-10T00:00:00Z&published_by="
    assert get(client, url + "2024-12-05T13:00:00Z")["controller"] is None
    state = get(client, url + "2024-12-05T16:00:00%2B02:00")  # 14:00Z: published then
    assert (state["controller"], state["confidence"]) == ("hts", "reported")
    assert get(client, url + "2024-12-06T12:00:00Z")["confidence"] == "confirmed"
    assert get(client, url + "2024-12-07T12:00:00Z")["controller"] is None
    assert get(client, "/cities/hama/state?at=2024-12-10T00:00:00Z")["controller"] is None
    # combined with known_at: both must hold
    head = get(client, "/state")["position"]
    assert get(client, f"{url}2024-12-06T12:00:00Z&known_at=@{head - 2}")["confidence"] == "reported"
    world = get(client, "/state?at=2024-12-10T00:00:00Z&published_by=2024-12-06T12:00:00Z")
    assert world["published_by"] == "2024-12-06T12:00:00Z"
    assert {c["id"]: c for c in world["cities"]}["hama"]["controller"] == "hts"
    assert get(client, "/factions/hts/state?at=2024-12-10T00:00:00Z"
                       "&published_by=2024-12-06T12:00:00Z")["cities"] == ["hama"]
    geo = get(client, "/state.geojson?at=2024-12-10T00:00:00Z&published_by=2024-12-06T12:00:00Z")
    assert {f["id"]: f["properties"] for f in geo["features"]}["hama"]["controller"] == "hts"
    history = get(client, "/cities/hama/history?at=2024-12-10T00:00:00Z"
                          "&published_by=2024-12-06T12:00:00Z")["items"]
    assert [h["controller"] for h in history] == ["hts"]
    timeline = get(client, "/timeline?city=hama&published_by=2024-12-06T12:00:00Z")["items"]
    assert [i["type"] for i in timeline] == ["control", "confirm"]
    assert timeline[0]["retracted"] is False
    csv = client.get("/timeline.csv?city=hama&published_by=2024-12-05T23:00:00Z")
    assert csv.status_code == 200 and csv.get_data(as_text=True).count("\n") == 2
    for bad in ("2024-12-06T12:00:00", "yesterday", "2024-13-01T00:00:00Z"):
        response = client.get(f"/cities/hama/state?published_by={bad}")
        assert response.status_code == 422, bad
        assert "published_by" in response.get_json()["errors"]


def test_the_openapi_document_declares_the_new_parameters_and_fields(client):
    spec = get(client, "/openapi.json")
    params = {p["name"]: p for p in spec["paths"]["/cities/{id}/state"]["get"]["parameters"]}
    assert params["published_by"]["schema"]["format"] == "date-time"
    assert "pattern" in params["stale_after"]["schema"]
    for path in ("/state", "/leaders/{id}/state", "/factions/{id}/state", "/cities/{id}/history",
                 "/timeline", "/timeline.csv", "/state.geojson"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert "published_by" in names, path
    city = spec["components"]["schemas"]["CityState"]["properties"]
    for field in ("evidence", "corroboration", "dissent", "disputed", "last_evidence_at",
                  "stale", "lapsed"):
        assert field in city, field
    assert "reinstated_by" in spec["components"]["schemas"]["ClaimView"]["properties"]
