"""The page's "Drafts" tab in Debian's Chromium (the fixtures of test_web.py): paste an article,
see the proposed claims with their sentences highlighted, edit one, accept it (the report is
filed as edited) or reject another with a reason."""

from __future__ import annotations

import test_web
from test_web import _get, expect

# the page's fixtures: a seeded `timeline serve`, Debian's Chromium, a tab on the page
browser, server, page = test_web.browser, test_web.server, test_web.page

ARTICLE = ("Rebels Enter Homs\n"
           "Hayat Tahrir al-Sham seized control of Homs on Saturday night, a war monitor said. "
           "Residents said the city was quiet on Sunday morning.")


def _propose(page, server, text: str) -> None:
    page.open()
    page.tab.click("#tab-drafts")
    expect(page.tab.locator("#pane-drafts")).to_be_visible()
    expect(page.tab.locator("#pane-place")).to_be_hidden()
    page.tab.fill("#draft-token", server["token"])
    page.tab.fill("#draft-source", "Browser test wire")
    page.tab.fill("#draft-published", "2024-12-08T10:00:00+03:00")
    page.tab.fill("#draft-text", text)
    page.tab.click("#draft-propose")
    expect(page.tab.locator("#draft-message")).to_contain_text("Draft kept")


def test_a_pasted_article_is_proposed_highlighted_edited_and_accepted(page, server):
    _propose(page, server, ARTICLE)
    mark = page.tab.locator("#draft-article mark")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text("Hayat Tahrir al-Sham seized control of Homs on Saturday night, a war monitor said.")
    expect(page.tab.locator("#draft-c0-city")).to_have_value("homs")
    expect(page.tab.locator("#draft-c0-faction")).to_have_value("hts")
    page.tab.select_option("#draft-c0-confidence", "confirmed")   # the reviewer's edit
    page.screenshot("web-drafts-review.png")
    page.tab.click("#draft-accept")
    expect(page.tab.locator("#draft-message")).to_contain_text("Accepted: filed as report")
    message = page.tab.locator("#draft-message").inner_text()
    report_id = message.split("report ")[1].split(" ")[0]
    stored = _get(server["base"], f"/reports/{report_id}")
    [claim] = stored["claims"]
    assert (claim["city"], claim["faction"], claim["confidence"]) == ("homs", "hts", "confirmed")
    assert stored["source"]["name"] == "Browser test wire" and stored["draft"]
    assert _get(server["base"], f"/drafts/{stored['draft']}")["status"] == "accepted"
    expect(page.tab.locator("#draft-review h3")).to_contain_text("accepted")


def test_a_draft_is_rejected_with_a_reason_and_leaves_the_open_list(page, server):
    _propose(page, server, "Rebels Near Damascus\nThe SNA seized control of Damascus on Saturday.")
    page.tab.fill("#draft-reason", "Damascus was not taken by the SNA")
    page.tab.click("#draft-reject")
    expect(page.tab.locator("#draft-message")).to_contain_text("Rejected: Damascus was not taken")
    rejected = _get(server["base"], "/drafts?status=rejected")["items"]
    assert [d["reason"] for d in rejected] == ["Damascus was not taken by the SNA"]
    open_texts = [d["text"] for d in _get(server["base"], "/drafts?status=open")["items"]]
    assert not any("SNA seized" in t for t in open_texts)
    page.tab.click("#tab-place")   # the other tabs still work, and hide the drafts
    expect(page.tab.locator("#pane-drafts")).to_be_hidden()
    expect(page.tab.locator("#pane-place")).to_be_visible()
