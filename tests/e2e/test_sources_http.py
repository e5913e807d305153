"""Sources and analysts over HTTP (API.md v2): time sanity of a report, `filed_by`,
`GET /reports` and its filters, `GET /sources`, `/timeline?source=`, the CSV's source columns,
and `GET /changes` between two record times (both stores)."""

import csv
import io
from datetime import datetime, timedelta, timezone

from tests.conftest import control, report

PROBLEM = "application/problem+json"


def post(client, body, headers=None):
    return client.post("/reports", json=body, headers=headers or client.auth)


def filed(client, body, headers=None):
    r = post(client, body, headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def count(client):
    return len(client.get("/events?limit=1000").get_json()["items"])


# ---- time sanity ----------------------------------------------------------------------------------

def test_a_claim_after_its_reports_publication_beyond_its_precision_is_a_422_writing_nothing(client):
    head = count(client)
    for precision, late in (("exact", timedelta(seconds=1)), ("hour", timedelta(hours=1, seconds=1)),
                            ("day", timedelta(hours=24, seconds=1)),
                            ("week", timedelta(days=7, seconds=1)),
                            ("month", timedelta(days=31, seconds=1))):
        published = datetime(2024, 12, 1, 12, tzinfo=timezone.utc)
        body = report(control("Homs", "HTS", "2024-12-01T10:00:00Z"),
                      control("Aleppo", "HTS", (published + late).isoformat(), precision=precision),
                      published_at=published.isoformat())
        r = post(client, body)
        assert r.status_code == 422 and r.mimetype == PROBLEM, (precision, r.get_json())
        assert list(r.get_json()["errors"]) == ["claims.1.occurred_at"], precision
        # exactly at the bound is accepted
        on_time = report(control("Aleppo", "HTS", (published + late - timedelta(seconds=1)).isoformat(),
                                 precision=precision), published_at=published.isoformat())
        assert post(client, on_time).status_code == 201, precision
    assert count(client) == head + 5  # the five reports at the bound, nothing of the refused ones


def test_the_default_precision_is_a_day(client):
    body = report(control("Homs", "HTS", "2024-12-02T12:00:01Z"), published_at="2024-12-01T12:00:00Z")
    r = post(client, body)
    assert r.status_code == 422 and "claims.0.occurred_at" in r.get_json()["errors"]


def test_a_report_published_more_than_ten_minutes_ahead_is_a_422_naming_published_at(client):
    head = count(client)
    soon = datetime.now(timezone.utc) + timedelta(minutes=11)
    r = post(client, report(control("Homs", "HTS", "2024-12-01T00:00:00Z"),
                            published_at=soon.isoformat()))
    assert r.status_code == 422 and r.mimetype == PROBLEM
    assert "published_at" in r.get_json()["errors"]
    far = report(control("Homs", "HTS", "2031-01-01T00:00:00Z"), published_at="2031-01-01T00:00:00Z")
    assert "published_at" in post(client, far).get_json()["errors"]
    assert count(client) == head
    # a clock a few minutes ahead is fine
    near = datetime.now(timezone.utc) + timedelta(minutes=5)
    assert post(client, report(control("Homs", "HTS", "2024-12-01T00:00:00Z"),
                               published_at=near.isoformat())).status_code == 201


def test_a_correction_without_occurred_at_is_not_checked_against_publication(client):
    first = filed(client, report(control("Homs", "HTS", "2024-12-01T00:00:00Z")))
    r = post(client, report({"type": "retract", "claim": first["claims"][0]["id"], "reason": "wrong"},
                            published_at="2024-12-02T00:00:00Z"))
    assert r.status_code == 201, r.get_json()


# ---- filed_by ------------------------------------------------------------------------------------

def test_filed_by_is_the_label_of_the_filing_token_and_null_for_an_unlabelled_one(client):
    timeline = client.application.extensions["timeline"]
    ann = {"Authorization": f"Bearer {timeline.create_token('writer', label='ann')}"}
    by_ann = filed(client, report(control("Homs", "HTS", "2024-12-01T00:00:00Z")), ann)
    anonymous = filed(client, report(control("Hama", "HTS", "2024-12-01T00:00:00Z")))
    items = {i["id"]: i for i in client.get("/reports").get_json()["items"]}
    assert items[by_ann["id"]]["filed_by"] == "ann"
    assert items[anonymous["id"]]["filed_by"] is None
    one = client.get(f"/reports/{by_ann['id']}").get_json()
    assert one["filed_by"] == "ann" and one["origin"] == "Test wire"
    assert client.get(f"/reports/{anonymous['id']}").get_json()["filed_by"] is None
    mine = client.get("/reports?filed_by=ann").get_json()["items"]
    assert [i["id"] for i in mine] == [by_ann["id"]]
    # recorded with the event itself
    events = client.get("/events?limit=1000").get_json()["items"]
    event = next(e for e in events if e["stream"] == by_ann["id"])
    assert event["data"]["filed_by"] == "ann"
    assert event["type"] == "timeline.report.filed.v1"


def test_an_acled_import_records_the_importing_tokens_label(client):
    from pathlib import Path

    timeline = client.application.extensions["timeline"]
    token = timeline.create_token("writer", label="acled-bot")
    data = (Path(__file__).resolve().parents[1] / "fixtures" / "acled" / "syria-2024-11-12.csv").read_bytes()
    r = client.post("/imports/acled", data=data, content_type="text/csv",
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.get_json()["imported"] > 0, r.get_json()
    items = client.get("/reports?filed_by=acled-bot&limit=1000").get_json()["items"]
    assert len(items) == r.get_json()["imported"]
    assert client.get("/reports?filed_by=someone-else").get_json()["items"] == []


# ---- GET /reports and GET /sources ---------------------------------------------------------------

def _reports(client):
    out = {}
    for name, via, published in (("Reuters", None, "2024-12-03T10:00:00Z"),
                                 ("Daily Star", "reuters", "2024-12-03T12:00:00Z"),
                                 ("Agence France-Presse", None, "2024-12-02T09:00:00Z"),
                                 ("Le Monde", "Agence France-Présse", "2024-12-04T08:00:00Z"),
                                 ("REUTERS", None, "2024-12-05T08:00:00Z")):
        body = report(control("Homs", "HTS", "2024-12-01T00:00:00Z"), published_at=published)
        body["source"] = {"name": name, **({"via": via} if via else {})}
        body["headline"] = f"{name} on Homs"
        out[name] = filed(client, body)
    return out


def test_reports_are_listed_newest_published_first_with_their_fields(client):
    made = _reports(client)
    r = client.get("/reports")
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert [i["source"]["name"] for i in items] == ["REUTERS", "Le Monde", "Daily Star", "Reuters",
                                                   "Agence France-Presse"]
    first = items[0]
    assert set(first) == {"id", "source", "origin", "published_at", "recorded_at", "position",
                          "filed_by", "headline", "claims"}
    assert first["id"] == made["REUTERS"]["id"] and first["claims"] == 1
    assert first["published_at"] == "2024-12-05T08:00:00Z" and first["recorded_at"].endswith("Z")
    assert first["position"] == made["REUTERS"]["position"] and first["headline"] == "REUTERS on Homs"
    assert items[2]["origin"] == "reuters" and items[1]["origin"] == "Agence France-Présse"


def test_source_and_origin_match_whole_names_case_and_diacritics_insensitively(client):
    _reports(client)

    def names(query):
        r = client.get("/reports?" + query)
        assert r.status_code == 200, r.get_json()
        return [i["source"]["name"] for i in r.get_json()["items"]]

    assert names("source=reuters") == ["REUTERS", "Reuters"]
    assert names("source=Reut") == []
    assert names("origin=Reuters") == ["REUTERS", "Daily Star", "Reuters"]
    assert names("origin=agence%20france-presse") == ["Le Monde", "Agence France-Presse"]
    assert names("from=2024-12-03T10:00:00Z&to=2024-12-04T08:00:00Z") == ["Daily Star", "Reuters"]
    assert names("origin=reuters&from=2024-12-03T11:00:00%2B01:00") == ["REUTERS", "Daily Star",
                                                                       "Reuters"]


def test_reports_page_by_cursor_and_link_header(client):
    _reports(client)
    seen, url = [], "/reports?limit=2"
    while url:
        r = client.get(url)
        body = r.get_json()
        seen += [i["id"] for i in body["items"]]
        if body["next"]:
            assert 'rel="next"' in r.headers["Link"]
            # a report filed meanwhile does not shift the walk
            filed(client, report(control("Homs", "SNA", "2024-12-01T00:00:00Z"),
                                 published_at="2024-12-06T00:00:00Z"))
            url = f"/reports?limit=2&cursor={body['next']}"
        else:
            assert "Link" not in r.headers
            url = None
    assert len(seen) == len(set(seen)) == 5


def test_bad_report_list_parameters_are_422s_naming_them(client):
    for query, field in (("from=2024-12-01", "from"), ("to=yesterday", "to"), ("limit=0", "limit"),
                         ("cursor=nonsense", "cursor"), ("limit=1001", "limit")):
        r = client.get("/reports?" + query)
        assert r.status_code == 422 and r.mimetype == PROBLEM, query
        assert field in r.get_json()["errors"], (query, r.get_json())


def test_sources_group_reports_by_origin_with_every_spelling_of_the_names(client):
    _reports(client)
    r = client.get("/sources")
    assert r.status_code == 200
    items = {i["origin"]: i for i in r.get_json()["items"]}
    assert set(items) == {"Reuters", "Agence France-Presse"}
    reuters = items["Reuters"]
    assert reuters == {"origin": "Reuters", "names": ["Daily Star", "REUTERS", "Reuters"],
                       "reports": 3, "first_published": "2024-12-03T10:00:00Z",
                       "last_published": "2024-12-05T08:00:00Z"}
    assert items["Agence France-Presse"]["names"] == ["Agence France-Presse", "Le Monde"]


# ---- the timeline by source, and its CSV ----------------------------------------------------------

def test_the_timeline_filters_by_source_and_its_csv_has_the_source_columns(client):
    made = _reports(client)
    items = client.get("/timeline?source=reuters").get_json()["items"]
    assert {i["report"] for i in items} == {made["Reuters"]["id"], made["REUTERS"]["id"]}
    item = next(i for i in items if i["report"] == made["Reuters"]["id"])
    assert item["source"] == {"name": "Reuters"} and item["origin"] == "Reuters"
    assert item["published_at"] == "2024-12-03T10:00:00Z"
    r = client.get("/timeline.csv?source=Daily%20Star")
    assert r.status_code == 200 and not r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8"))))
    header = rows[0]
    at = header.index("source")
    assert header[:3] == ["at", "claim", "type"] and header[at:at + 4] == ["source", "origin", "url",
                                                                           "published_at"]
    row = dict(zip(header, rows[1], strict=True))
    assert (row["source"], row["origin"], row["url"], row["published_at"]) == (
        "Daily Star", "reuters", "", "2024-12-03T12:00:00Z")
    bom = client.get("/timeline.csv?bom=1")
    assert bom.status_code == 200 and bom.data.startswith(b"\xef\xbb\xbfat,claim,")
    assert client.get("/timeline.csv?bom=maybe").status_code == 422


# ---- GET /changes --------------------------------------------------------------------------------

def test_changes_lists_what_changed_in_the_view_of_at_and_the_claims_that_did_it(client):
    morning = filed(client, report(control("Homs", "SAA", "2024-12-01T00:00:00Z"),
                                   control("Aleppo", "SAA", "2024-12-01T00:00:00Z"),
                                   control("Hama", "SAA", "2024-12-01T00:00:00Z"),
                                   control("Damascus", "SAA", "2024-12-01T00:00:00Z"),
                                   {"type": "leader_status", "leader": "Assad", "status": "active",
                                    "location": "Damascus", "occurred_at": "2024-12-01T00:00:00Z"}))
    k0 = morning["position"]
    taken = filed(client, report(control("Homs", "HTS", "2024-12-06T00:00:00Z"),
                                 control("Damascus", "SAA", "2024-12-06T00:00:00Z"),  # restated
                                 {"type": "clash", "city": "Hama", "factions": ["HTS", "SAA"],
                                  "occurred_at": "2024-12-07T00:00:00Z"},
                                 {"type": "leader_status", "leader": "Assad", "status": "abroad",
                                  "location": "Moscow", "occurred_at": "2024-12-07T12:00:00Z"},
                                 published_at="2024-12-08T00:00:00Z"))
    wrong = filed(client, report({"type": "retract", "claim": morning["claims"][1]["id"],
                                  "reason": "misread"}))
    r = client.get(f"/changes?from_known=@{k0}&to_known=@{wrong['position']}"
                   "&at=2024-12-08T00:00:00Z")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["at"] == "2024-12-08T00:00:00Z"
    assert body["from_known"] == f"@{k0}" and body["to_known"] == f"@{wrong['position']}"
    saa_held = {"controller": "syrian-arab-army", "status": "held"}
    assert body["cities"] == [
        {"id": "aleppo", "before": saa_held, "after": {"controller": None, "status": "unknown"},
         "claims": [wrong["claims"][0]["id"]]},
        {"id": "hama", "before": saa_held,
         "after": {"controller": "syrian-arab-army", "status": "contested"},
         "claims": [taken["claims"][2]["id"]]},
        {"id": "homs", "before": saa_held, "after": {"controller": "hts", "status": "held"},
         "claims": [taken["claims"][0]["id"]]},
    ]  # Damascus was only restated: not listed
    assert body["leaders"] == [{
        "id": "bashar-al-assad", "before": {"status": "active", "location": "Damascus"},
        "after": {"status": "abroad", "location": "Moscow"}, "claims": [taken["claims"][3]["id"]]}]
    # nothing recorded in between: nothing changed
    same = client.get(f"/changes?from_known=@{k0}&to_known=@{k0}&at=2024-12-08T00:00:00Z").get_json()
    assert same["cities"] == [] and same["leaders"] == []
    # another `at`: before the clash and the capture, only the retraction matters
    early = client.get(f"/changes?from_known=@{k0}&at=2024-12-02T00:00:00Z").get_json()
    assert [c["id"] for c in early["cities"]] == ["aleppo"] and early["leaders"] == []


def test_a_retraction_alone_is_the_claim_that_ended_the_old_answer(client):
    base = filed(client, report(control("Homs", "SAA", "2024-12-01T00:00:00Z")))
    later = filed(client, report(control("Homs", "HTS", "2024-12-05T00:00:00Z")))
    undo = filed(client, report({"type": "retract", "claim": later["claims"][0]["id"],
                                 "reason": "denied"}))
    body = client.get(f"/changes?from_known=@{later['position']}&to_known=@{undo['position']}"
                      "&at=2024-12-06T00:00:00Z").get_json()
    assert body["cities"] == [{"id": "homs", "before": {"controller": "hts", "status": "held"},
                               "after": {"controller": "syrian-arab-army", "status": "held"},
                               "claims": [undo["claims"][0]["id"]]}]
    assert base["claims"][0]["id"] not in body["cities"][0]["claims"]
    # a record time works as a position does: the later report's own record time is @its position
    stamped = client.get(f"/changes?from_known={later['recorded_at']}&to_known=@{undo['position']}"
                         "&at=2024-12-06T00:00:00Z").get_json()
    assert stamped["from_known"] == later["recorded_at"] and stamped["cities"] == body["cities"]
    # timestamps work too, and from_known defaults to the start
    since = client.get("/changes?at=2024-12-06T00:00:00Z").get_json()
    assert since["from_known"] == "@0" and since["to_known"].endswith("Z")
    assert since["cities"][0]["after"] == {"controller": "syrian-arab-army", "status": "held"}


def test_bad_changes_parameters_are_422s_naming_them(client):
    filed(client, report(control("Homs", "SAA", "2024-12-01T00:00:00Z")))
    for query, field in (("from_known=yesterday", "from_known"), ("to_known=@x", "to_known"),
                         ("from_known=2024-12-01T00:00:00", "from_known"),
                         ("from_known=@5&to_known=@1", "to_known"), ("at=now", "at"),
                         ("min_confidence=sure", "min_confidence"),
                         ("published_by=2024-12-01", "published_by")):
        r = client.get("/changes?" + query)
        assert r.status_code == 422 and r.mimetype == PROBLEM, query
        assert field in r.get_json()["errors"], (query, r.get_json())
