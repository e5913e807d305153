"""The page's casualties overlay (api/static/js/casualties.js) on the seeded store: off until
chosen; then a circle per place with deaths reported in the 30 days up to the chosen time, as
known at the chosen record time, its tooltip saying the toll."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_web import browser, page, server  # noqa: F401 (the page's fixtures)


def test_the_casualties_overlay_shows_the_seeded_tolls(page):  # noqa: F811
    page.open("?at=2024-12-03T00:00:00Z")
    page.shows(at="2024-12-03T00:00:00Z")
    circles = page.tab.locator(".leaflet-overlay-pane path.leaflet-interactive")
    assert circles.count() == 0  # off until chosen
    page.tab.get_by_label("Deaths reported (30 days to the chosen time)").check()
    expect(circles).to_have_count(2)  # Aleppo and Idlib (seeds/reports/13*)
    circles.first.dispatch_event("mouseover")  # (the place markers lie above the circles)
    expect(page.tab.locator(".casualty-tooltip")).to_contain_text("killed")
