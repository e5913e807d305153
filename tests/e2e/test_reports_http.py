"""Filing reports and reading state over HTTP (Flask test client, both stores)."""

from tests.conftest import control, report

PROBLEM = "application/problem+json"


def test_a_filed_report_answers_201_with_position_and_claim_ids_in_order(client):
    body = report(control("Aleppo", "HTS", "2024-11-29T21:00:00+03:00"),
                  {"type": "note", "text": "SANA off the air", "occurred_at": "2024-11-30T18:00:00Z"})
    r = client.post("/reports", json=body, headers=client.auth)
    assert r.status_code == 201, r.get_json()
    js = r.get_json()
    assert isinstance(js["position"], int) and js["recorded_at"].endswith("Z")
    assert [c["type"] for c in js["claims"]] == ["control", "note"]
    assert js["claims"][0]["city"] == "aleppo" and js["claims"][0]["occurred_at"] == "2024-11-29T18:00:00Z"
    # read-your-writes
    state = client.get("/cities/aleppo/state?at=2024-11-30T00:00:00Z").get_json()
    assert state["controller"] == "hts" and state["since"] == "2024-11-29T18:00:00Z"
    got = client.get(f"/reports/{js['id']}").get_json()
    assert [c["id"] for c in got["claims"]] == [c["id"] for c in js["claims"]]
    claim = client.get(f"/claims/{js['claims'][0]['id']}").get_json()
    assert claim["report"]["id"] == js["id"] and claim["retracted"] is False


def test_the_201_of_every_claim_type_is_exactly_what_the_documented_schema_describes(client):
    """POST /reports answers through api/quickdump.py's fast dump of ReportCreated: the answer
    must be what that schema (in /openapi.json) would make of it, for every claim type and field."""
    from api.claim_schemas import ReportCreated

    t = "2024-12-01T10:00:00+02:00"
    first = client.post("/reports", json=report(control("Aleppo", "HTS", t)), headers=client.auth)
    target = first.get_json()["claims"][0]["id"]
    every_type = report(
        control("Aleppo", "HTS", t, from_faction="SAA", place="Kafr Sousa", confidence="confirmed",
                precision="hour", summary="HTS took Aleppo"),
        {"type": "clash", "city": "Homs", "factions": ["HTS", "SAA"], "occurred_at": t},
        {"type": "advance", "faction": "SNA", "toward": "Hama", "captured_count": 26,
         "occurred_at": t, "summary": None},
        {"type": "leader_status", "leader": "Assad", "status": "abroad", "location": "Moscow",
         "occurred_at": t, "confidence": "unconfirmed"},
        {"type": "coup", "city": "Damascus", "led_by": "Hussam Louka", "against": "Assad",
         "occurred_at": t},
        {"type": "confirm", "claim": target, "reason": "seen on video"},
        {"type": "note", "text": "SANA off the air", "occurred_at": t})
    retraction = report({"type": "retract", "claim": target, "reason": "denied"})
    for body in (every_type, retraction):
        r = client.post("/reports", json=body, headers=client.auth)
        assert r.status_code == 201, r.get_json()
        answer = r.get_json()
        assert answer == ReportCreated().dump(answer)
        assert len(answer["claims"]) == len(body["claims"]) and answer["position"] is not None
        assert all(set(c) <= set(ReportCreated().fields["claims"].inner.schema.fields)
                   for c in answer["claims"])


def test_state_routes_take_at_known_at_and_min_confidence(client):
    first = client.post("/reports", json=report(control("Homs", "SAA", "2024-11-26T00:00:00Z")),
                        headers=client.auth).get_json()
    client.post("/reports", json=report(control("Homs", "HTS", "2024-12-07T22:00:00+03:00", confidence="unconfirmed")),
                headers=client.auth)
    url = "/cities/Homs/state?at=2024-12-08T12:00:00Z"
    assert client.get(url).get_json()["controller"] == "syrian-arab-army"
    assert client.get(url + "&min_confidence=unconfirmed").get_json()["controller"] == "hts"
    assert client.get(url + f"&min_confidence=unconfirmed&known_at=@{first['position']}").get_json()["controller"] == "syrian-arab-army"
    world = client.get("/state?at=2024-12-08T12:00:00Z&min_confidence=unconfirmed").get_json()
    assert {c["id"]: c["controller"] for c in world["cities"]}["homs"] == "hts"
    assert world["at"] == "2024-12-08T12:00:00Z" and isinstance(world["position"], int)


def test_a_naive_timestamp_is_a_422_problem_that_names_the_field(client):
    r = client.post("/reports", json=report(control("Aleppo", "HTS", "2024-11-29T21:00:00")),
                    headers=client.auth)
    assert r.status_code == 422 and r.mimetype == PROBLEM
    assert "claims.0.occurred_at" in r.get_json()["errors"]


def test_an_unknown_city_is_a_422_that_offers_close_names_and_writes_nothing(client):
    before = client.get("/state").get_json()["position"]
    r = client.post("/reports", json=report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z"),
                                            control("Alepo", "HTS", "2024-11-29T18:00:00Z")),
                    headers=client.auth)
    assert r.status_code == 422 and r.mimetype == PROBLEM
    assert "Aleppo" in r.get_json()["errors"]["claims.1.city"][0]
    assert client.get("/state").get_json()["position"] == before


def test_a_report_refused_for_its_shape_also_names_its_unknown_entities_in_the_same_answer(client):
    head = client.get("/readyz").get_json()["position"]
    body = report({"type": "control", "city": "Atlantis", "faction": "HTS"},  # no occurred_at
                  {"type": "clash", "city": "Hama", "factions": ["HTS", "Nobody Brigade"],
                   "occurred_at": 7},
                  {"type": "coup", "city": "Damascus", "led_by": "Nobody", "against": "Assad",
                   "occurred_at": "2024-11-30T18:00:00Z"})
    r = client.post("/reports", json=body, headers=client.auth)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    errors = r.get_json()["errors"]
    assert set(errors) == {"claims.0.occurred_at", "claims.1.occurred_at", "claims.0.city",
                           "claims.1.factions.1", "claims.2.led_by"}
    assert "unknown place 'Atlantis'" in errors["claims.0.city"][0]
    assert "closest known" in errors["claims.0.city"][0]
    assert client.get("/readyz").get_json()["position"] == head


def test_a_report_of_many_unknown_long_names_is_refused_without_matching_each_against_all(client):
    # Fuzzy-matching a name against every known one costs time with its length: only the first
    # names of a report get "closest known" suggestions, the rest are refused plainly, so that
    # 200 long names cost milliseconds, not a minute of a worker (that is in bench/, not here).
    from timeline.gazetteer import SUGGEST_BUDGET

    claims = [control(f"Nowhere {i} " + "x" * 480, "HTS", "2024-12-01T00:00:00Z")
              for i in range(SUGGEST_BUDGET + 5)]
    claims.append({"type": "control", "city": "Atlantis " + "y" * 6000, "faction": "Nobody"})
    for body in (report(*claims), report(*claims[:-1])):  # shape refused, then names refused
        r = client.post("/reports", json=body, headers=client.auth)
        assert r.status_code == 422
        errors = r.get_json()["errors"]
        cities = [errors[f"claims.{i}.city"][0] for i in range(SUGGEST_BUDGET + 5)]
        assert all(m.startswith("unknown place") for m in cities)
        assert sum("closest known" in m for m in cities) == SUGGEST_BUDGET


def test_writes_need_a_valid_writer_token(client):
    body = report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))
    r = client.post("/reports", json=body)
    assert r.status_code == 401 and r.mimetype == PROBLEM and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = client.post("/reports", json=body, headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.mimetype == PROBLEM


def test_an_idempotent_retry_returns_the_original_answer_and_appends_nothing(client):
    body = report(control("Aleppo", "HTS", "2024-11-29T18:00:00Z"))
    headers = dict(client.auth, **{"Idempotency-Key": "k-1"})
    first = client.post("/reports", json=body, headers=headers)
    again = client.post("/reports", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.data == first.data  # "the original status and body" (API.md), byte for byte
    assert client.get("/state").get_json()["position"] == first.get_json()["position"]
    other = client.post("/reports", json=report(control("Homs", "HTS", "2024-12-07T18:00:00Z")), headers=headers)
    assert other.status_code == 422 and other.mimetype == PROBLEM


def test_not_json_and_unparseable_bodies_are_415_and_400(client):
    r = client.post("/reports", data="source=x", headers=dict(client.auth, **{"Content-Type": "text/plain"}))
    assert r.status_code == 415 and r.mimetype == PROBLEM
    r = client.post("/reports", data="{not json", headers=dict(client.auth, **{"Content-Type": "application/json"}))
    assert r.status_code == 400 and r.mimetype == PROBLEM


def test_health_answers(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz").get_json()
    assert ready["position"] == ready["projected"]


def test_timestamps_before_the_year_1000_are_422_problems_everywhere_and_write_nothing(client):
    head = client.get("/state").get_json()["position"]
    filed = client.post("/reports", json=report(control("Aleppo", "HTS", "0999-01-01T00:00:00Z")),
                        headers=client.auth)
    assert filed.status_code == 422 and filed.mimetype == PROBLEM
    assert "claims.0.occurred_at" in filed.get_json()["errors"]
    state = client.get("/state?at=0001-01-01T00:00:00Z&contest_window=3d")
    assert state.status_code == 422 and state.mimetype == PROBLEM
    extract = client.post("/extract", json={"text": "HTS seized Aleppo.",
                                            "published_at": "0001-01-01T00:00:00Z"})
    assert extract.status_code == 422 and extract.mimetype == PROBLEM
    assert client.get("/state").get_json()["position"] == head


def test_the_201_bytes_are_marshmallows_dump_of_the_answer_for_many_random_reports(client, world,
                                                                                  monkeypatch):
    """ReportCreated and ClaimOut dump a dict by its present keys (api/quickdump.py): for reports of
    every claim type with random optional fields, the answer's bytes are those that marshmallow's
    own dump of the same answer would give (keys, order, values, the geo_precision default)."""
    import random
    from unittest import mock

    from marshmallow import Schema

    from api.claim_schemas import ReportCreated
    from api.quickdump import QuickDumpSchema

    answers: list[dict] = []
    file_report = world.file_report

    def spy(*args, **kwargs):
        answers.append(file_report(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(world, "file_report", spy)
    rng = random.Random(18)
    t = "2024-12-01T10:00:00+02:00"

    def target() -> str:  # a claim of its own for each confirmation (one confirmation a claim)
        r = client.post("/reports", json=report(control("Aleppo", "HTS", t)), headers=client.auth)
        return r.get_json()["claims"][0]["id"]

    def maybe(claim: dict, **optional) -> dict:
        for key, values in optional.items():
            if rng.random() < 0.5:
                claim[key] = rng.choice(values)
        return claim

    def common(claim: dict) -> dict:
        return maybe(claim, confidence=["confirmed", "reported", "unconfirmed"],
                     precision=["exact", "hour", "day"], summary=[None, "s", "ḥalab"],
                     geo_precision=[1, 2, 3], event_key=["k1", "ACLED-12"])

    deaths = [{"best": 3}, {"best": 5, "low": 2, "high": 9, "civilians": 1}]
    kinds = [
        lambda: maybe(control("Aleppo", "HTS", t), from_faction=["SAA"], place=["Kafr Sousa"]),
        lambda: maybe({"type": "clash", "city": "Homs", "factions": ["HTS", "SAA"],
                       "occurred_at": t}, deaths=deaths),
        lambda: maybe({"type": "advance", "faction": "SNA", "occurred_at": t},
                      toward=["Hama"], captured_count=[0, 26]),
        lambda: maybe({"type": "leader_status", "leader": "Assad", "status": "abroad",
                       "occurred_at": t}, location=["Moscow"]),
        lambda: {"type": "coup", "city": "Damascus", "led_by": "Hussam Louka", "against": "Assad",
                 "occurred_at": t},
        lambda: maybe({"type": "confirm", "claim": target()}, reason=["seen on video"]),
        lambda: {"type": "note", "text": "SANA off the air", "occurred_at": t},
        lambda: maybe({"type": "event", "event_type": "Battles", "occurred_at": t, "city": "Aleppo"},
                      sub_event_type=["Armed clash"], location=["north"], actors=[["HTS"], ["HTS", "SNA"]],
                      civilian_targeting=[True, False], deaths=deaths),
        lambda: {"type": "event", "event_type": "Protests", "occurred_at": t,
                 "lat": rng.choice([36.2, 36]), "lon": 37.16, "location": "north of Hama"},
        lambda: maybe({"type": "casualties", "city": "Homs", "deaths": rng.choice(deaths),
                       "occurred_at": t}, factions=[["SAA"]]),
    ]
    for _ in range(40):
        body = report(*(common(rng.choice(kinds)()) for _ in range(rng.randint(1, 4))))
        r = client.post("/reports", json=body, headers=client.auth)
        assert r.status_code == 201, r.get_json()
        with mock.patch.object(QuickDumpSchema, "dump", Schema.dump):  # marshmallow's own, nested too
            expected = client.application.json.response(ReportCreated().dump(answers[-1]))
        assert r.get_data() == expected.get_data()
