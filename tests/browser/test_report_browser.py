"""The class report in a real browser: every chart draws offline, nothing untrusted runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from factcheck.report import write_class_report
from tests.test_report import make_class

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "annotations" / "examples" / "classroom"
ALL_CHARTS_DRAWN = """() => {
  const charts = Array.from(document.querySelectorAll('.fc-chart'));
  return charts.length > 0 && charts.every((c) => c.querySelector('svg, canvas'));
}"""


@pytest.fixture
def report_page(chromium_browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A fresh page in Debian's chromium, with the console errors it logs."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith("file:") else errors.append(r.url))
    try:
        yield page, errors
    finally:
        context.close()


def open_report(page: Page, path: Path) -> int:
    """Open the report from disk and wait until each chart has drawn; returns the chart count."""
    page.goto(path.as_uri())
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30_000)
    return page.locator(".fc-chart").count()


def test_example_class_report_draws_every_chart_offline(report_page, tmp_path: Path):
    """Test that the example class's report draws its 4 charts with no error or request."""
    page, errors = report_page
    out = write_class_report(CLASSROOM / "key.csv", CLASSROOM, tmp_path / "report.html")
    assert open_report(page, out) == 1 + 3  # scores, then one vote chart per article
    assert page.locator(".fc-chart svg").count() == 4
    assert page.locator(".fc-chart svg .mark-rect path").count() > 3 * 10
    assert page.locator(".fc-text .fc-s").count() == 39  # every sentence of the 3 articles
    assert errors == []


def test_untrusted_text_in_the_report_never_runs(report_page, tmp_path: Path):
    """Test that markup in a sentence, a name and an explanation stays text, even in tooltips."""
    page, errors = report_page
    key = make_class(tmp_path)
    out = write_class_report(key, tmp_path / "class", tmp_path / "report.html")
    open_report(page, out)
    title = page.title()
    assert title == "Class report: key.csv"
    assert page.locator(".fc-article img, .fc-table img").count() == 0
    assert page.get_by_text("<img src=x onerror=alert(1)>").count() > 0  # the name, as text
    tooltip = page.locator("#vg-tooltip-element")
    shown = []
    for bar in page.locator("#fc-chart-votes-0 .mark-rect path").all():
        bar.hover()  # each tooltip shows the sentence text
        page.wait_for_timeout(50)
        shown.append(tooltip.inner_text() if tooltip.count() else "")
        assert page.locator("#vg-tooltip-element img").count() == 0
    assert any("<img src=x onerror=" in text for text in shown)  # shown as text
    assert page.title() == title  # no onerror handler ran
    assert errors == []
