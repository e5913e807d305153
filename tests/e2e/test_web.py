"""The analysts' page, end to end: Debian's Chromium (never a downloaded browser) driven by
Playwright against `timeline serve` on a seeded temporary store, as a person would use it.

Screenshots go to tests/screenshots/ (git-ignored). Skipped when Chromium or Playwright is absent
on a developer's machine; `.ci/run` installs Chromium so that CI always runs them.
"""

from __future__ import annotations

import colorsys
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TIMELINE_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
TIMELINE = Path(sys.executable).with_name("timeline")

if not Path(CHROMIUM).exists():
    pytest.skip(f"chromium not installed at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[test]')")
expect = sync_api.expect

# The seeded record: Aleppo was the government's until HTS took it on 29 Nov 2024 (seed reports).
GOVERNMENT, HTS = "syrian-arab-army", "hts"


# ---- a real server on a seeded store -----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.load(r)


def _post(base: str, path: str, body: dict, token: str) -> dict:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    env = {**os.environ, "TIMELINE_DATABASE_URL": f"sqlite:///{folder}/timeline.db",
           # a closed tab's stream is noticed within a second, and several tabs may stream at once
           "TIMELINE_SSE_HEARTBEAT_SECONDS": "1", "TIMELINE_SSE_MAX_STREAMS": "16",
           "TIMELINE_SSE_LIFETIME_SECONDS": "120"}
    command = [str(TIMELINE)] if TIMELINE.exists() else [sys.executable, "-m", "timeline.cli"]
    subprocess.run(command + ["seed"], env=env, check=True, capture_output=True, timeout=120)
    token = subprocess.run(command + ["token", "create", "--role", "writer"], env=env, check=True,
                           capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[-1]
    port = _free_port()
    log = open(folder / "serve.log", "wb")
    process = subprocess.Popen(command + ["serve", "--host", "127.0.0.1", "--port", str(port),
                                          "--workers", "1", "--threads", "8"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(base, "/healthz")
            break
        except (OSError, urllib.error.URLError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the server did not start: " + (folder / "serve.log").read_text()[-2000:])
            time.sleep(0.2)
    yield {"base": base, "token": token}
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


class Page:
    """A tab on the page, which records console errors, uncaught exceptions and every request."""

    def __init__(self, browser, base: str, width: int = 1280, height: int = 800):
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height}, base_url=base)
        self.context.set_default_timeout(15_000)
        self.tab = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.tab.on("request", lambda r: self.requests.append(r.url))

    def open(self, query: str = "") -> "Page":
        self.tab.goto(self.base + "/" + query)
        expect(self.tab.locator("body")).to_have_attribute("data-ready", "true")
        return self

    def marker(self, city: str):
        return self.tab.locator(f'.city-marker[data-city-id="{city}"]')

    def shows(self, at: str = "", known_at: str = "", min_confidence: str = "reported"):
        """Wait until the map shows that view (the page marks what it has drawn)."""
        expect(self.tab.locator("#map")).to_have_attribute(
            "data-view", f"at={at}&known_at={known_at}&min_confidence={min_confidence}")

    def fill_of(self, locator) -> str:
        return locator.evaluate("e => getComputedStyle(e).getPropertyValue('--fill').trim()")

    def legend_colour(self, faction: str) -> str:
        return self.fill_of(self.tab.locator(f'#legend-list [data-faction-id="{faction}"] .swatch'))

    def screenshot(self, name: str, full_page: bool = False) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.tab.screenshot(path=str(SHOTS / name), full_page=full_page)

    def close(self, allowed: str | None = None) -> None:
        errors = [e for e in self.errors if not (allowed and re.search(allowed, e))]
        self.context.close()
        assert errors == [], f"console errors: {errors}"
        foreign = [u for u in self.requests if not (u.startswith(self.base) or u.startswith("data:"))]
        assert foreign == [], f"requests that left the service: {foreign}"


@pytest.fixture
def page(browser, server):
    tab = Page(browser, server["base"])
    yield tab
    if not tab.context.pages:  # closed by the test itself
        return
    tab.close()


def _unknown_places(server, at: str) -> list[dict]:
    """Cities with no counted claim at `at`, as known now (their markers are grey)."""
    known = {c["id"] for c in _get(server["base"], f"/state?at={at}")["cities"] if c["controller"]}
    places = _get(server["base"], "/cities?limit=1000")["items"]
    return [p for p in places if p["id"] not in known and p["kind"] == "city" and not p.get("parent")]


def _start_report(page, server, source: str, city: str, faction: str) -> None:
    """Open the page's report form and fill in a report of one control claim (no time yet)."""
    page.open()
    page.tab.click("#tab-report")
    page.tab.fill("#token", server["token"])
    page.tab.fill("#source-name", source)
    page.tab.fill("#published-at", "2024-12-04T12:00")
    page.tab.fill("#claim-0-city", city)
    page.tab.fill("#claim-0-faction", faction)


def _article_position(server) -> int:
    """Log position of the seed article (what was believed before the denials came in)."""
    from timeline.seeding import seed_report_id

    root = Path(__file__).resolve().parents[2]
    report = seed_report_id(root / "seeds" / "syria-2024" / "reports" / "01-seed-article.json")
    return _get(server["base"], f"/reports/{report}")["position"]


def _timeline(server) -> list[dict]:
    return _get(server["base"], "/timeline?limit=1000&min_confidence=unconfirmed")["items"]


# ---- the tests ----------------------------------------------------------------------------------------

def test_the_seeded_page_shows_every_place_a_legend_and_the_record_span(page, server):
    page.open()
    places = _get(server["base"], "/cities?limit=1000")["items"]
    expect(page.tab.locator(".city-marker[data-city-id]")).to_have_count(len(places))
    page.shows()
    # every faction holding a place now has a swatch; places with no claim are grey, not coloured
    state = _get(server["base"], "/state")
    controllers = {c["controller"] for c in state["cities"] if c["controller"]}
    for faction in controllers:
        expect(page.tab.locator(f'#legend-list [data-faction-id="{faction}"]')).to_have_count(1)
    unknown = next(c["id"] for c in state["cities"] if not c["controller"])
    expect(page.marker(unknown)).to_have_attribute("data-status", "unknown")
    # the slider spans the record's valid time: 26 Nov to 12 Dec 2024
    slider = page.tab.locator("#at")
    page.tab.keyboard.press("Tab")
    slider.focus()
    page.tab.keyboard.press("Home")
    expect(page.tab.locator("#at-out")).to_contain_text("26 Nov 2024, 00:00 UTC")
    page.tab.keyboard.press("End")
    expect(page.tab.locator("#at-out")).to_contain_text("12 Dec 2024, 00:00 UTC")
    page.screenshot("web-overview-1280x800.png")


def test_moving_the_slider_colours_aleppo_by_who_held_it(page):
    page.open()
    slider = page.tab.locator("#at")
    slider.focus()
    page.tab.keyboard.press("Home")        # 26 Nov 2024 00:00
    page.tab.keyboard.press("ArrowRight")  # a day later
    page.shows(at="2024-11-27T00:00:00Z")
    assert "at=2024-11-27T00:00:00Z" in page.tab.url
    aleppo = page.marker("aleppo")
    expect(aleppo).to_have_attribute("data-controller", GOVERNMENT)
    government = page.legend_colour(GOVERNMENT)
    assert page.fill_of(aleppo) == government
    page.screenshot("web-aleppo-2024-11-27-government.png")

    for _ in range(4):                     # 28, 29, 30 Nov, 1 Dec
        page.tab.keyboard.press("ArrowRight")
    page.shows(at="2024-12-01T00:00:00Z")
    expect(aleppo).to_have_attribute("data-controller", HTS)
    hts = page.legend_colour(HTS)
    assert page.fill_of(aleppo) == hts and hts != government
    page.screenshot("web-aleppo-2024-12-01-hts.png")


def _hue(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_a_contested_city_has_a_ring_in_the_clashing_factions_shades_of_their_parent(page, server):
    # seed: clashes between two government units (sub-factions of the SAA) in Damascus, 30 Nov,
    # as known from the seed article until the denial retracted them
    known = f"@{_article_position(server)}"
    page.open(f"?at=2024-12-01T00:00:00Z&known_at={known}")
    page.shows(at="2024-12-01T00:00:00Z", known_at=known)
    damascus = page.marker("damascus")
    expect(damascus).to_have_attribute("data-status", "contested")
    expect(page.tab.locator('#legend-list [data-status="contested"] .count')).to_have_text("1")
    ring = damascus.evaluate("e => e.style.getPropertyValue('--ring')")
    colours = set(re.findall(r"#[0-9a-f]{6}", ring))
    government = page.legend_colour(GOVERNMENT)
    assert len(colours) >= 2 and government in colours, ring
    for colour in colours:  # every unit is drawn in a shade of the government's red
        assert abs(_hue(colour) - _hue(government)) < 8, (colour, government)
    find = page.tab.get_by_label("Find a place")   # by any name: Arabic too, and the map zooms in
    find.fill("دمشق")
    find.press("Enter")
    expect(page.tab.locator("#place-detail h2")).to_have_text("Damascus")
    expect(page.tab.locator("#place-now")).to_contain_text("Contested")
    page.screenshot("web-damascus-contested.png")


def test_the_confidence_filter_drops_claims_below_it(page):
    page.open("?at=2024-12-01T00:00:00Z")
    page.shows(at="2024-12-01T00:00:00Z")
    # seed: Aleppo's capture by Friday night was reported, and confirmed only from 1 Dec 09:00Z
    # (SOHR); Khan Shaykhun's by 30 Nov is disputed (SOHR: troops still there), so unconfirmed
    expect(page.marker("aleppo")).to_have_attribute("data-controller", HTS)
    expect(page.marker("khan-shaykhun")).to_have_attribute("data-controller", GOVERNMENT)
    page.tab.select_option("#min-confidence", "confirmed")
    page.shows(at="2024-12-01T00:00:00Z", min_confidence="confirmed")
    expect(page.marker("aleppo")).to_have_attribute("data-controller", GOVERNMENT)
    assert "min_confidence=confirmed" in page.tab.url
    page.tab.select_option("#min-confidence", "unconfirmed")
    page.shows(at="2024-12-01T00:00:00Z", min_confidence="unconfirmed")
    expect(page.marker("khan-shaykhun")).to_have_attribute("data-controller", HTS)


def test_an_hour_step_and_the_step_buttons_move_by_the_chosen_unit(page):
    page.open("?at=2024-11-29T17:00:00Z")
    page.shows(at="2024-11-29T17:00:00Z")
    expect(page.marker("aleppo")).to_have_attribute("data-controller", GOVERNMENT)
    page.tab.select_option("#step", "hour")
    page.tab.click("#at-next")
    page.shows(at="2024-11-29T18:00:00Z")  # the hour HTS's capture is dated
    expect(page.marker("aleppo")).to_have_attribute("data-controller", HTS)
    page.tab.click("#at-prev")
    page.shows(at="2024-11-29T17:00:00Z")
    page.tab.locator("body").press("]")     # from anywhere: a step forward
    page.shows(at="2024-11-29T18:00:00Z")


def test_play_replays_the_history_and_pauses(page):
    page.open("?at=2024-11-26T00:00:00Z")
    play = page.tab.locator("#play")
    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(page.tab.locator("#map")).to_have_attribute("data-view", re.compile(r"^at=2024-11-2[89]"))
    play.click()
    expect(play).to_have_attribute("aria-pressed", "false")


def test_as_known_at_before_a_report_shows_what_was_believed_then(page, server):
    items = _timeline(server)
    baseline = min(i["position"] for i in items)  # the first report: front lines of 26 Nov
    capture = next(i for i in items if i["city"] == "aleppo" and i.get("faction") == HTS)
    assert capture["position"] > baseline

    page.open("?at=2024-12-01T00:00:00Z")
    page.shows(at="2024-12-01T00:00:00Z")
    expect(page.marker("aleppo")).to_have_attribute("data-controller", HTS)
    known = page.tab.locator("#known")
    known.focus()
    page.tab.keyboard.press("Home")        # before any report: nothing known
    page.shows(at="2024-12-01T00:00:00Z", known_at=f"@{baseline - 1}")
    expect(page.marker("aleppo")).to_have_attribute("data-status", "unknown")
    page.tab.keyboard.press("ArrowRight")  # after the first report, before the one telling of HTS
    page.shows(at="2024-12-01T00:00:00Z", known_at=f"@{baseline}")
    expect(page.marker("aleppo")).to_have_attribute("data-controller", GOVERNMENT)
    assert f"known_at=@{baseline}" in page.tab.url
    expect(page.tab.locator("#known-help")).to_contain_text("after report 1 of")
    page.screenshot("web-known-at-before-the-capture-report.png")
    page.tab.click("#known-latest")
    page.shows(at="2024-12-01T00:00:00Z")
    expect(page.marker("aleppo")).to_have_attribute("data-controller", HTS)

    # a record time works as well as a position: before anything was recorded, nothing is known
    page.open("?at=2024-12-01T00:00:00Z&known_at=2000-01-01T00:00:00Z")
    page.shows(at="2024-12-01T00:00:00Z", known_at="2000-01-01T00:00:00Z")
    expect(page.marker("aleppo")).to_have_attribute("data-status", "unknown")
    expect(page.tab.locator("#known-out")).to_have_text("before any report")  # plain words, not a time


def test_opening_a_shared_url_shows_that_view(page, server):
    baseline = min(i["position"] for i in _timeline(server))
    page.open(f"?at=2024-12-01T12:00:00Z&known_at=@{baseline}&min_confidence=confirmed&city=aleppo")
    page.shows(at="2024-12-01T12:00:00Z", known_at=f"@{baseline}", min_confidence="confirmed")
    expect(page.tab.locator("#min-confidence")).to_have_value("confirmed")
    expect(page.tab.locator("#known-out")).to_have_text(re.compile(r"^report 1 of \d+ · published .+ UTC · .+$"))  # not "@123"
    expect(page.tab.locator("#at-out")).to_contain_text("1 Dec 2024, 12:00 UTC")
    expect(page.marker("aleppo")).to_have_attribute("data-controller", GOVERNMENT)
    expect(page.tab.locator("#place-detail h2")).to_have_text("Aleppo")
    # the URL keeps following the view, with the API's parameter names
    page.tab.select_option("#min-confidence", "unconfirmed")
    page.shows(at="2024-12-01T12:00:00Z", known_at=f"@{baseline}", min_confidence="unconfirmed")
    assert "min_confidence=unconfirmed" in page.tab.url and "at=2024-12-01T12:00:00Z" in page.tab.url


def test_clicking_aleppo_shows_its_control_history_with_sources(page, server):
    page.open("?at=2024-12-01T00:00:00Z")
    page.shows(at="2024-12-01T00:00:00Z")
    page.marker("aleppo").click()
    history = page.tab.locator("#control-history > li")
    # the baseline and the seed article's capture, each retracted and filed again by the
    # analysts' corrections (seeds/reports/13*), and SOHR's statement of 1 December
    expect(history).to_have_count(5)
    capture = next(i for i in _timeline(server) if i["city"] == "aleppo"
                   and i.get("faction") == HTS and not i["retracted"])
    source = _get(server["base"], f"/reports/{capture['report']}")["source"]["name"]
    entry = page.tab.locator(f'#control-history > li[data-claim-id="{capture["claim"]}"]')
    expect(entry).to_contain_text(source)
    expect(entry).to_contain_text("reported")       # the army's acknowledgement confirmed no capture
    expect(entry).to_contain_text("precision: day")
    expect(entry).to_have_attribute("data-retracted", "false")
    expect(entry).to_contain_text("not retracted")
    expect(history.first).to_contain_text("Syrian Arab Army")
    expect(page.tab.locator("#place-now")).to_have_attribute("data-controller", HTS)
    page.screenshot("web-aleppo-sources.png")
    entry.locator("a.report-link").click()           # the report, in the page
    dialog = page.tab.locator("#report-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(source)
    page.screenshot("web-report-dialog.png")
    page.tab.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # a correction starts from the claim: the form opens with a retraction of it
    entry.get_by_role("button", name="Retract or confirm…").click()
    expect(page.tab.locator("#pane-report")).to_be_visible()
    expect(page.tab.locator("#claim-0-type")).to_have_value("retract")
    expect(page.tab.locator("#claim-0-claim")).to_have_value(capture["claim"])
    expect(page.tab.locator("#claim-0-reason")).to_be_focused()


def test_the_timeline_and_leaders_panels(page):
    page.open("?at=2024-12-09T00:00:00Z")
    page.shows(at="2024-12-09T00:00:00Z")
    page.tab.click("#tab-leaders")
    assad = page.tab.locator('#leaders-table tr[data-leader-id="bashar-al-assad"]')
    expect(assad).to_contain_text("in exile")
    expect(assad).to_contain_text("Moscow")
    page.screenshot("web-leaders.png")
    page.tab.click("#tab-timeline")
    items = page.tab.locator("#timeline-list > li")
    expect(items.first).to_be_visible()
    expect(page.tab.locator("#timeline-list a.report-link").first).to_have_attribute("href", re.compile(r"^/reports/"))
    expect(page.tab.locator("#timeline-list")).to_contain_text("Damascus")
    page.screenshot("web-timeline.png")


def test_a_report_filed_through_the_form_changes_the_map_without_a_reload(page, server):
    place = _unknown_places(server, "2024-12-05T00:00:00Z")[0]
    page.open("?at=2024-12-05T00:00:00Z")
    page.shows(at="2024-12-05T00:00:00Z")
    marker = page.marker(place["id"])
    expect(marker).to_have_attribute("data-status", "unknown")
    page.tab.evaluate("window.__sameDocument = true")
    page.tab.click("#tab-report")
    page.tab.fill("#token", server["token"])
    page.tab.fill("#source-name", "Browser test wire")
    page.tab.fill("#source-url", "https://example.org/wire/1")
    page.tab.fill("#published-at", "2024-12-04T12:00")
    page.tab.select_option("#zone", "+03:00")
    city = page.tab.locator("#claim-0-city")
    city.fill(place["name"][:-1])                     # names come from the API as one types
    suggestion = page.tab.locator("#place-names option").filter(has_text=place["name"])
    expect(suggestion.first).to_have_attribute("value", place["id"])
    city.fill(place["id"])
    page.tab.fill("#claim-0-faction", "Syrian Democratic Forces")
    page.tab.fill("#claim-0-occurred_at", "2024-12-04T09:00")
    page.tab.select_option("#claim-0-confidence", "confirmed")
    page.tab.click("#submit-report")
    expect(page.tab.locator("#form-result")).to_contain_text("Filed")
    expect(marker).to_have_attribute("data-controller", "sdf")
    assert page.fill_of(marker) == page.legend_colour("sdf")
    assert page.tab.evaluate("window.__sameDocument") is True
    page.screenshot("web-form-filed.png")
    report_id = page.tab.locator("#report-form").get_attribute("data-last-report")
    stored = _get(server["base"], f"/reports/{report_id}")
    assert stored["published_at"] == "2024-12-04T09:00:00Z"   # 12:00 at +03:00
    assert stored["claims"][0]["occurred_at"] == "2024-12-04T06:00:00Z"


def test_a_report_sent_again_after_its_answer_was_lost_is_filed_once_and_the_form_empties(page, server):
    place = _unknown_places(server, "2024-12-05T00:00:00Z")[1]
    _start_report(page, server, "Flaky uplink wire", place["id"], "HTS")
    page.tab.fill("#headline", "Sent twice, filed once")
    page.tab.fill("#claim-0-occurred_at", "2024-12-04T09:00")
    keys = []

    def lose_the_answer(route):  # the service files the report; its answer never arrives
        keys.append(route.request.headers.get("idempotency-key"))
        route.fetch()
        route.abort("connectionreset")

    page.tab.route("**/reports", lose_the_answer)
    page.tab.click("#submit-report")
    expect(page.tab.locator("#form-summary")).to_contain_text("not sent")
    page.tab.unroute("**/reports")
    page.tab.click("#submit-report")                  # the analyst tries again, unchanged
    expect(page.tab.locator("#form-result")).to_contain_text("Filed")
    filed = [i for i in _timeline(server) if i.get("city") == place["id"]]
    assert len(filed) == 1 and keys[0]
    report_id = page.tab.locator("#report-form").get_attribute("data-last-report")
    assert _get(server["base"], f"/reports/{report_id}")["headline"] == "Sent twice, filed once"
    # the form is ready for the next report: its claims and headline are blank
    expect(page.tab.locator("fieldset.claim")).to_have_count(1)
    expect(page.tab.locator("#claim-0-city")).to_have_value("")
    expect(page.tab.locator("#headline")).to_have_value("")
    page.close(allowed=r"ERR_CONNECTION_RESET|Failed to load resource")


def test_a_report_filed_elsewhere_arrives_live(page, server):
    place = _unknown_places(server, "2024-12-05T00:00:00Z")[-1]
    page.open("?at=2024-12-05T00:00:00Z")
    page.shows(at="2024-12-05T00:00:00Z")
    expect(page.marker(place["id"])).to_have_attribute("data-status", "unknown")
    page.tab.evaluate("window.__sameDocument = true")
    _post(server["base"], "/reports", {
        "source": {"name": "Another analyst"}, "published_at": "2024-12-04T20:00:00+03:00",
        "claims": [{"type": "control", "city": place["id"], "faction": "HTS",
                    "occurred_at": "2024-12-04T18:00:00+03:00"}]}, server["token"])
    expect(page.marker(place["id"])).to_have_attribute("data-controller", HTS)
    assert page.tab.evaluate("window.__sameDocument") is True


def test_an_invalid_report_shows_the_api_errors_at_their_fields(page, server):
    _start_report(page, server, "Browser test wire", "Atlantis", "HTS")
    page.tab.click("#add-claim")
    page.tab.select_option("#claim-1-type", "clash")
    page.tab.fill("#claim-1-city", "Hama")
    page.tab.fill("#claim-1-factions-0", "HTS")
    page.tab.fill("#claim-1-factions-1", "Syrian Arab Army")
    page.tab.click("#submit-report")               # neither claim says when it happened
    for n in (0, 1):
        expect(page.tab.locator(f'.field-error[data-error-for="claims.{n}.occurred_at"]')).to_contain_text("required")
        expect(page.tab.locator(f"#claim-{n}-occurred_at")).to_have_attribute("aria-invalid", "true")
    # and the same answer names the unknown place: every error at once, not one round later
    expect(page.tab.locator('.field-error[data-error-for="claims.0.city"]')).to_contain_text("unknown place")
    expect(page.tab.locator("#form-summary")).to_be_focused()

    page.tab.fill("#claim-0-occurred_at", "2024-12-04T09:00")
    page.tab.fill("#claim-1-occurred_at", "2024-12-04T10:00")
    page.tab.click("#submit-report")
    city_error = page.tab.locator('.field-error[data-error-for="claims.0.city"]')
    expect(city_error).to_contain_text("unknown place")
    # the message sits in the same field as the input it concerns, which is marked invalid
    field = page.tab.locator(".field", has=page.tab.locator("#claim-0-city"))
    expect(field.locator(".field-error")).to_have_count(1)
    expect(page.tab.locator("#claim-0-city")).to_have_attribute("aria-invalid", "true")
    expect(page.tab.locator(".field-error[data-error-for$=occurred_at]")).to_have_count(0)
    expect(page.tab.locator("#claim-0-faction")).not_to_have_attribute("aria-invalid", "true")
    expect(page.tab.locator("#form-summary")).to_contain_text("claims.0.city")
    city_error.scroll_into_view_if_needed()
    page.screenshot("web-form-error.png")
    # nothing was stored
    assert not [i for i in _timeline(server) if i.get("city") == "hama" and i["type"] == "clash"]

    page.tab.fill("#token", "not-a-token")
    page.tab.fill("#claim-0-city", "Hama")
    page.tab.click("#submit-report")
    expect(page.tab.locator('.field-error[data-error-for="token"]')).to_contain_text("token")
    page.close(allowed=r"status of (401|422)")


def test_the_page_passes_axe_and_labels_every_control(page):
    from axe_playwright_python.sync_playwright import Axe

    page.open("?at=2024-12-01T00:00:00Z&city=aleppo")
    expect(page.tab.locator("#control-history > li")).to_have_count(5)
    for tab in ("place", "timeline", "leaders", "report"):
        page.tab.click(f"#tab-{tab}")
        if tab in ("timeline", "leaders"):
            expect(page.tab.locator(f"#pane-{tab} li, #pane-{tab} tbody tr").first).to_be_visible()
        results = Axe().run(page.tab, options={"resultTypes": ["violations"],
                                               "runOnly": ["wcag2a", "wcag2aa", "best-practice"]})
        assert results.violations_count == 0, results.generate_snapshot()
    unlabelled = page.tab.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter(e => e.offsetParent !== null)
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
        .map(e => e.id || e.outerHTML.slice(0, 80))""")
    assert unlabelled == []


def test_the_page_works_on_a_phone(browser, server):
    phone = Page(browser, server["base"], width=390, height=844)
    phone.open("?at=2024-11-27T00:00:00Z")
    phone.shows(at="2024-11-27T00:00:00Z")
    width = phone.tab.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    phone.marker("aleppo").click()
    expect(phone.tab.locator("#control-history > li")).to_have_count(5)
    expect(phone.tab.locator("#place-detail h2")).to_be_in_viewport()
    phone.screenshot("web-phone-390x844.png", full_page=True)
    phone.close()


def test_assets_are_served_from_the_package(server):
    html = urllib.request.urlopen(server["base"] + "/", timeout=10).read().decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) >= 4
    for asset in assets:
        with urllib.request.urlopen(server["base"] + asset, timeout=10) as r:
            assert r.status == 200
    spec = _get(server["base"], "/openapi.json")
    assert {"/", "/static/{path}"} <= set(spec["paths"])  # described, as every route is
