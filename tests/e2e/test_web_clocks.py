"""The page's two clocks of the record (API.md v2, "Three clocks"), in Debian's Chromium on a seeded
`timeline serve`: the "What we knew on" slider names each step's report by its publication time and
source, says what a step changed (GET /changes), and "Published by" sends `published_by` on every
request for the state, the areas, a place, the timeline and the casualties, so that the seeded
store answers "what could anyone have known on 30 Nov 2024 evening"."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from tests.e2e.test_web import GOVERNMENT, HTS, _get, browser, expect, page, server  # noqa: F401

AT = "2024-12-01T00:00:00Z"
EVENING = "2024-11-30T18:00:00Z"  # Aleppo's fall was reported that night: not yet by then


def _view(web, at: str = "", known_at: str = "", published_by: str = "") -> None:
    published = f"&published_by={published_by}" if published_by else ""
    expect(web.tab.locator("#map")).to_have_attribute(
        "data-view", f"at={at}&known_at={known_at}&min_confidence=reported{published}")


def _requests(web, path: str) -> list[dict]:
    """The query parameters of every request the page made for `path`."""
    out = []
    for url in web.requests:
        parts = urlsplit(url)
        if parts.path == path:
            out.append({k: v[0] for k, v in parse_qs(parts.query).items()})
    return out


def _legend_count(web, faction: str) -> int:
    return int(web.tab.locator(f'#legend-list [data-faction-id="{faction}"] .count').text_content())


def _short(text: str) -> str:
    """A publication time as the page writes it in a slider's label: 7 Dec 2024 14:05 UTC."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    return f"{t.day} {t:%b %Y %H:%M} UTC"


def test_each_step_of_what_we_knew_names_its_reports_publication_and_source(page, server):  # noqa: F811
    items = _get(server["base"], "/timeline?limit=1000&min_confidence=unconfirmed")["items"]
    first = min(items, key=lambda i: i["position"])
    page.open(f"?at={AT}")
    _view(page, at=AT)
    known = page.tab.locator("#known")
    known.focus()
    page.tab.keyboard.press("Home")
    page.tab.keyboard.press("ArrowRight")  # after the first report recorded: the 26 Nov baseline
    _view(page, at=AT, known_at=f"@{first['position']}")
    out = page.tab.locator("#known-out")
    expect(out).to_have_text(re.compile(
        r"^report 1 of \d+ · published " + re.escape(_short(first["published_at"])) + " · "
        + re.escape(first["source"]["name"]) + "$"))
    assert "published" in known.get_attribute("aria-valuetext")
    # a step names what it changed, in the service's own words (GET /changes between the two)
    page.tab.keyboard.press("ArrowRight")
    page.tab.keyboard.press("ArrowRight")
    strip = page.tab.locator("#changes-strip")
    expect(strip).to_have_attribute("data-source", "changes")
    expect(strip).to_contain_text("→")
    asked = _requests(page, "/changes")
    assert asked and all(q["at"] == AT and q["from_known"].startswith("@") for q in asked), asked
    # a step back says what the view loses, without a 422 for from_known after to_known
    page.tab.keyboard.press("ArrowLeft")
    expect(strip).to_contain_text("Without that report: ")
    # "Date shown" steps keep comparing the two views drawn
    page.tab.locator("#at-next").click()
    expect(strip).not_to_have_attribute("data-source", "changes")
    page.screenshot("web-clocks-known-step.png")


def test_published_by_30_nov_evening_shows_what_anyone_could_know_then(page, server):  # noqa: F811
    page.open(f"?at={AT}&city=aleppo")
    _view(page, at=AT)
    expect(page.tab.locator("#place-now")).to_have_attribute("data-controller", HTS)
    expect(page.tab.locator("#published-out")).to_have_text("any time")
    latest_hts, latest_gov = _legend_count(page, HTS), _legend_count(page, GOVERNMENT)

    page.requests.clear()
    page.open(f"?at={AT}&published_by={EVENING}&city=aleppo")
    _view(page, at=AT, published_by=EVENING)
    expect(page.tab.locator("#published-out")).to_contain_text("30 Nov 2024 18:00 UTC")
    expect(page.marker("aleppo")).to_have_attribute("data-controller", GOVERNMENT)
    expect(page.tab.locator("#place-now")).to_have_attribute("data-controller", GOVERNMENT)
    expect(page.tab.locator("#place-now")).to_contain_text("published by")
    assert (_legend_count(page, HTS), _legend_count(page, GOVERNMENT)) != (latest_hts, latest_gov)
    assert _legend_count(page, GOVERNMENT) > latest_gov
    page.screenshot("web-clocks-published-by-30-nov-evening.png")
    # every request for what the map and the panel show carries the third clock
    page.tab.click("#tab-timeline")
    expect(page.tab.locator("#timeline-caption")).to_contain_text("claim")
    page.tab.get_by_label("Deaths reported (30 days to the chosen time)").check()
    page.tab.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/casualties?'))")
    for path in ("/state", "/areas.geojson", "/cities/aleppo/state", "/casualties"):
        asked = _requests(page, path)
        assert asked and all(q.get("published_by") == EVENING for q in asked), (path, asked)
    # the place's claims and the timeline tab's too (the record's span, and the place's claims
    # as known now for "retracted later", are read without it on purpose)
    timeline = _requests(page, "/timeline")
    assert any(q.get("city") == "aleppo" and q.get("published_by") == EVENING for q in timeline), timeline
    tab = [q for q in timeline if "from" in q or "to" in q]
    assert tab and all(q.get("published_by") == EVENING for q in tab), tab

    # a step of the record clock to a report published later says that it does not count
    page.tab.locator("#known").focus()
    page.tab.keyboard.press("End")
    page.tab.keyboard.press("ArrowLeft")  # the last report recorded: published on 11 Dec
    expect(page.tab.locator("#known-help")).to_contain_text("it does not count")
    expect(page.marker("aleppo")).to_have_attribute("data-controller", GOVERNMENT)
    page.tab.click("#known-latest")

    # "Any time" lets every report count again, and the URL forgets the third clock
    page.tab.click("#published-any")
    _view(page, at=AT)
    expect(page.marker("aleppo")).to_have_attribute("data-controller", HTS)
    assert "published_by" not in page.tab.url
    # the slider steps through publication times: one step back from "any time" is the latest one
    page.tab.locator("#published").focus()
    page.tab.keyboard.press("ArrowLeft")
    expect(page.tab.locator("#map")).to_have_attribute("data-view", re.compile(r"&published_by=20\d\d-"))
    assert "published_by=" in page.tab.url
