"""Evidence by keyboard in a real JupyterLab and chromium: key v, paste a URL, Enter, a
justification, Escape; the CSV log the kernel writes has it, and the page fetched nothing.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from factcheck.log import log_path
from tests.browser.harness import (
    READY,
    annotator_in,
    copy_label_notebook,
    expect,
    has_class,
    open_notebook,
    row,
    run_all_cells,
    wait_for_rows,
)
from tests.browser.test_charts_frontends_browser import record_outside

pytestmark = pytest.mark.browser

MINUTES = "https://evidence.example.org/council/minutes-2026-11-17.pdf"
SCRIPT_URL = 'https://evidence.example.org/a"><script>window.__pwned=1</script>'
ATTACK = '<img src=x onerror="window.__pwned=1">'


def test_evidence_entered_by_keyboard_reaches_the_log(jupyter_lab, lab_page):
    """Test that label, v, a pasted URL + Enter, Tab to the justification, typing, Enter and
    Escape write the evidence and justification with the label; a bad URL is refused inline;
    the links are rel=noopener and the page makes no request to them."""
    page = lab_page
    outside = record_outside(page)
    copy_label_notebook(jupyter_lab, "evidence.ipynb", "ana-evidence")
    log = log_path("ana-evidence", jupyter_lab.root_dir / "annotations")
    open_notebook(page, jupyter_lab, "evidence.ipynb")
    run_all_cells(page)
    container = annotator_in(page)
    row(page, 0).locator(".fc-text").click()
    page.keyboard.press("1")
    wait_for_rows(log, 1)
    page.keyboard.press("k")
    page.keyboard.press("v")
    panel = row(page, 0).locator(".fc-evidence-panel")
    expect(panel).to_be_visible()
    url = panel.locator(".fc-ev-field-url input")
    expect(url).to_be_focused()  # v put the cursor in the URL field

    page.keyboard.insert_text("javascript:alert(1)")  # as a paste does: no key events
    page.keyboard.press("Enter")
    expect(panel.locator(".fc-ev-error")).to_contain_text("a javascript: address")
    assert len(wait_for_rows(log, 1)) == 1  # refused: nothing written
    expect(url).to_be_focused()
    url.fill("")

    page.keyboard.insert_text(MINUTES)
    page.keyboard.press("Enter")
    rows = wait_for_rows(log, 2)
    (item,) = json.loads(rows[1]["evidence"])
    assert (rows[1]["label"], item["url"], item["source_type"]) == ("verified", MINUTES, "other")
    expect(url).to_have_value("")  # ready for the next URL, cursor still there
    expect(url).to_be_focused()
    link = panel.locator(".fc-ev-list a")
    expect(link).to_have_attribute("href", MINUTES)
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    expect(row(page, 0).locator(".fc-ev-line")).to_contain_text("1 source")

    # A second item whose URL and quote carry markup: stored as typed, shown as text.
    page.keyboard.insert_text(SCRIPT_URL)
    page.keyboard.press("Tab")
    expect(panel.locator(".fc-ev-field-quote input")).to_be_focused()
    page.keyboard.insert_text(ATTACK)
    page.keyboard.press("Tab")
    expect(panel.locator(".fc-ev-field-type select")).to_be_focused()
    page.keyboard.press("n")  # the source type by its first letter: news report
    page.keyboard.press("Enter")
    rows = wait_for_rows(log, 3)
    items = json.loads(rows[2]["evidence"])
    assert [(i["url"], i["quote"], i["source_type"]) for i in items] == [
        (MINUTES, "", "other"),
        (SCRIPT_URL, ATTACK, "news-report"),
    ]
    expect(panel.locator(".fc-ev-list a")).to_have_count(2)
    expect(panel.locator(".fc-ev-list a").nth(1)).to_have_attribute("href", SCRIPT_URL)
    assert panel.locator("script, img").count() == 0
    assert page.evaluate("() => window.__pwned") is None

    # Tab on to the justification: every field and button on the way takes the focus.
    justification = panel.locator(".fc-ev-field-justification textarea")
    for _ in range(12):
        page.keyboard.press("Tab")
        if justification.evaluate("e => e === document.activeElement"):
            break
    expect(justification).to_be_focused()
    page.keyboard.type("The minutes record the vote, 7 to 2.")
    page.keyboard.press("Enter")
    rows = wait_for_rows(log, 4)
    assert rows[3]["justification"] == "The minutes record the vote, 7 to 2."
    assert len(json.loads(rows[3]["evidence"])) == 2

    page.keyboard.press("Escape")
    expect(row(page, 0).locator(".fc-evidence-panel")).to_have_count(0)
    expect(container).to_be_focused()
    expect(row(page, 0).locator(".fc-ev-line")).to_contain_text("2 sources · justified")
    page.keyboard.press("j")  # the list has the keys again
    expect(row(page, 1)).to_have_class(has_class("fc-focus"))
    assert len(wait_for_rows(log, 4)) == 4

    evidence_hosts = {urlsplit(u).hostname for u in (MINUTES, SCRIPT_URL)}
    assert [u for u in outside if urlsplit(u).hostname in evidence_hosts] == []
    assert outside == []
    expect(page.locator(f"{READY} .fc-status")).to_contain_text("closed")
    assert page.console_errors == []
