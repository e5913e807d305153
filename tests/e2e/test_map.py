"""The map of territory in Debian's Chromium on a seeded `timeline serve`: areas of control under
the markers, a legend that hides no place, colours told apart by colour-blind readers, and a page
that follows whichever places are loaded. Screenshots go to tests/screenshots/ (git-ignored)."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from tests.e2e.test_web import (  # noqa: F401 (fixtures)
    GOVERNMENT, HTS, SHOTS, Page, _get, _post, browser, expect, server)

DATES = ("2024-11-27T00:00:00Z", "2024-12-01T00:00:00Z", "2024-12-08T00:00:00Z")


@pytest.fixture
def page(browser, server):  # noqa: F811
    tab = Page(browser, server["base"])
    yield tab
    if tab.context.pages:
        tab.close()


# ---- pixels -----------------------------------------------------------------------------------------

def _png_pixel(png: bytes) -> tuple[int, int, int]:
    """The first pixel of a PNG (8-bit RGB or RGBA, as Chromium writes them)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    _, _, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0
    raw = zlib.decompress(idat)
    assert raw[0] in (0, 1, 2, 3, 4)  # every filter leaves the first pixel of the first row raw
    return raw[1], raw[2], raw[3]


def _pixel(page, x: float, y: float) -> tuple[int, int, int]:
    return _png_pixel(page.tab.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1}))


NEAR = ((0, 13), (-13, 0), (-10, 10), (10, 12), (0, -13), (-10, -10), (13, 0), (10, -10),
        (0, 10), (-10, 0), (10, 0), (0, -10), (-8, 8), (8, 8), (-8, -8), (8, -8))


def _free_points_near(page, city: str) -> dict[tuple[int, int], tuple[float, float]]:
    """The points ~12 px around a place's marker on which no marker or label sits, by their offset
    from the marker's centre."""
    box = page.marker(city).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    out = {}
    for dx, dy in NEAR:
        free = page.tab.evaluate("""([x, y]) => { const e = document.elementFromPoint(x, y);
            return !!e && !e.closest('.city-marker, .leaflet-tooltip, .leaflet-control'); }""", [cx + dx, cy + dy])
        if free:
            out[(dx, dy)] = (cx + dx, cy + dy)
    return out


def _free_point_near(page, city: str) -> tuple[float, float]:
    """A point ~12 px from a place's marker on which no marker or label sits."""
    points = _free_points_near(page, city)
    if not points:
        raise AssertionError(f"no free point near {city}")
    return next(iter(points.values()))


def _open(page, at: str) -> None:
    page.open(f"?at={at}")
    page.shows(at=at)
    expect(page.tab.locator("path.area").first).to_be_attached()


# ---- the territory ------------------------------------------------------------------------------------

def test_the_land_near_aleppo_changes_colour_when_hts_takes_it(page):
    # Several points around the marker: which of them falls on a front line or a neighbour's area
    # depends on the map's zoom, which follows the map's height (the page's header above it).
    # (the same offsets from the marker at both dates: the land at the same place)
    _open(page, DATES[0])
    before = {k: _pixel(page, x, y) for k, (x, y) in _free_points_near(page, "aleppo").items()}
    expect(page.tab.locator(f'path.area[data-controller="{GOVERNMENT}"]').first).to_be_attached()
    _open(page, DATES[1])
    after = {k: _pixel(page, x, y) for k, (x, y) in _free_points_near(page, "aleppo").items()}
    pairs = [(before[k], after[k]) for k in before if k in after]
    assert pairs, (before, after)
    # government vermillion before (red leads), HTS green after (green leads), beside the marker
    assert any(b[0] > b[1] and a[1] > a[0] for b, a in pairs), pairs


def test_overview_screenshots_and_no_console_errors_or_foreign_requests(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for at in DATES:
        _open(page, at)
        page.tab.wait_for_timeout(300)  # the outlines arrive with the first view
        page.screenshot(f"map-overview-{at[:10]}.png")
    # page.close() (in the fixture) asserts no console error and no request off this host


def test_areas_lie_under_the_markers_and_front_lines_are_drawn(page):
    _open(page, DATES[2])
    z = page.tab.evaluate("""() => ['areas', 'fronts', 'marker'].map(
        (p) => Number(getComputedStyle(document.querySelector('.leaflet-' + p + '-pane')).zIndex))""")
    assert z[0] < z[2] and z[1] < z[2]
    expect(page.tab.locator("path.front-line")).to_have_count(1)
    # a contested place is hatched
    contested = page.tab.locator('path.area[data-status="contested"]')
    for i in range(contested.count()):
        assert contested.nth(i).get_attribute("fill").startswith("url(#hatch-")


def test_unknown_places_are_hidden_until_asked_for(page):
    _open(page, DATES[0])
    unknown = page.tab.locator('.city-marker[data-status="unknown"]')
    assert unknown.count() > 100
    expect(unknown.first).to_be_hidden()
    page.tab.get_by_label("show places with no known controller").check()
    expect(unknown.first).to_be_visible()


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_the_legend_covers_no_labelled_place(browser, server, width, height):  # noqa: F811
    tab = Page(browser, server["base"], width=width, height=height)
    tab.open(f"?at={DATES[2]}")
    tab.shows(at=DATES[2])
    legend = tab.tab.locator("#legend").bounding_box()
    labelled = tab.tab.locator('.city-marker[data-labelled="true"]')
    assert labelled.count() >= 10
    for i in range(labelled.count()):
        box = labelled.nth(i).bounding_box()
        if box is None:
            continue
        apart = (box["x"] + box["width"] <= legend["x"] or legend["x"] + legend["width"] <= box["x"]
                 or box["y"] + box["height"] <= legend["y"] or legend["y"] + legend["height"] <= box["y"])
        assert apart, (labelled.nth(i).get_attribute("data-city-id"), box, legend)
    # collapsible
    tab.tab.locator("#legend summary").click()
    expect(tab.tab.locator("#legend-list")).to_be_hidden()
    tab.close()


def test_axe_finds_no_serious_violation_on_the_map(page):
    from axe_playwright_python.sync_playwright import Axe

    _open(page, DATES[1])
    results = Axe().run(page.tab, options={"resultTypes": ["violations"]})
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert serious == [], results.generate_snapshot()


# ---- colours ------------------------------------------------------------------------------------------

def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _lab(rgb_linear: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb_linear
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = lambda t: t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116  # noqa: E731
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
CVD = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def delta_e(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 colour difference of two #rrggbb colours as a reader with that vision sees them."""
    m = CVD[vision]

    def seen(colour):
        rgb = [_linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5)]
        return _lab(tuple(min(1.0, max(0.0, sum(m[r][k] * rgb[k] for k in range(3)))) for r in range(3)))
    la, lb = seen(a), seen(b)
    return sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5


def test_factions_shown_together_have_distinct_colours_for_colour_blind_readers_too(page, server):  # noqa: F811
    page.open()
    factions = _get(server["base"], "/factions?limit=1000")["items"]
    parent = {f["id"]: f.get("parent") for f in factions}
    colours = page.tab.evaluate("""async (factions) => {
        const { Palette } = await import('/static/js/colors.js');
        const p = new Palette(); p.setFactions(factions);
        return Object.fromEntries(factions.map((f) => [f.id, p.colour(f.id)])); }""", factions)

    def root(f):
        while parent.get(f):
            f = parent[f]
        return f
    for at in DATES:
        shown = sorted({c["controller"] for c in _get(server["base"], f"/state?at={at}")["cities"] if c["controller"]})
        assert len(shown) >= 5
        for i, a in enumerate(shown):
            for b in shown[i + 1:]:
                if root(a) != root(b):
                    # distinct factions: far apart for everyone, still apart under each colour-blindness
                    assert delta_e(colours[a], colours[b]) >= 25, (at, a, b, colours[a], colours[b])
                    for vision in ("protanopia", "deuteranopia", "tritanopia"):
                        assert delta_e(colours[a], colours[b], vision) >= 8, (at, vision, a, b, colours[a], colours[b])
                else:
                    # a sub-faction: a shade of its parent, yet told apart from it
                    assert delta_e(colours[a], colours[b]) >= 12, (at, a, b, colours[a], colours[b])


# ---- panels and the time slider --------------------------------------------------------------------

def test_a_retraction_names_its_target_and_reason_and_offers_no_refused_action(page):
    page.open("?at=2024-12-09T00:00:00Z&city=damascus")
    retraction = page.tab.locator('#place-detail li[data-type="retract"]').first
    expect(retraction).to_contain_text("Retracts")
    expect(retraction).to_contain_text("Reason:")
    expect(retraction.locator("a.target-link")).to_have_attribute("href", re.compile(r"^/claims/"))
    expect(retraction.get_by_role("button", name="Retract or confirm…")).to_have_count(0)
    retracted = page.tab.locator('#place-detail li.retracted')
    if retracted.count():
        expect(retracted.first.get_by_role("button")).to_have_count(0)


def test_the_time_span_ignores_one_odd_date(page):
    page.open()
    span = page.tab.evaluate("""async () => {
        const { spanOf } = await import('/static/js/util.js');
        const day = 86400e3, t0 = Date.parse('2024-11-26T00:00:00Z');
        const times = Array.from({ length: 40 }, (_, i) => t0 + i * day / 3);
        const odd = Date.parse('9998-01-01T00:00:00Z');
        const early = Date.parse('1900-01-01T00:00:00Z');
        const now = Date.parse('2025-06-01T00:00:00Z');
        return [spanOf(times, now), spanOf([...times, odd], now), spanOf([...times, early], now),
                spanOf([...times, now + 400 * day], now + 500 * day)]; }""")
    plain, with_odd, with_early, with_late = span
    assert with_odd == plain and with_early == plain  # one claim far out stretches nothing
    assert with_late == plain
    # the page's own slider: hours across the seeded record (about two weeks), not millennia
    assert int(page.tab.locator("#at").get_attribute("max")) < 24 * 60


def test_the_sliders_keep_their_height_whatever_report_is_described(page):
    page.open()
    known = page.tab.locator("#known")
    before = page.tab.locator(".controls").bounding_box()["height"]
    known.focus()
    for _ in range(6):
        page.tab.keyboard.press("ArrowLeft")
        assert page.tab.locator(".controls").bounding_box()["height"] == before
    expect(page.tab.locator("#known-out")).not_to_contain_text("@")


def test_the_map_follows_the_places_loaded_to_another_country(page, server):  # noqa: F811
    # last in this file: it adds a place in Sudan to the module's store
    _post(server["base"], "/cities", {"name": "Wad Madani", "aliases": ["Wad Medani", "ود مدني"],
                                      "lat": 14.4012, "lon": 33.5199}, server["token"])
    page.open()
    page.tab.get_by_label("show places with no known controller").check()  # no claim there yet
    marker = page.marker("wad-madani")
    expect(marker).to_be_visible()
    mapbox = page.tab.locator("#map").bounding_box()
    for city in ("wad-madani", "aleppo"):
        box = page.marker(city).bounding_box()
        assert mapbox["x"] <= box["x"] and box["x"] + box["width"] <= mapbox["x"] + mapbox["width"], city
        assert mapbox["y"] <= box["y"] and box["y"] + box["height"] <= mapbox["y"] + mapbox["height"], city
