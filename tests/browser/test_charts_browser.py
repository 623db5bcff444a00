"""Saved chart HTML in a real Chromium: offline, escaped, linked views (a browser test)."""

from __future__ import annotations

from factcheck.charts import overview_chart, save_chart
from tests.test_charts import table


def test_saved_html_renders_offline_and_clicking_an_article_filters_the_strip(
    tmp_path, chromium_browser
):
    """Test that saved HTML draws in Chromium offline, escapes text, and the views are linked."""
    evil = "</script><img src=x onerror=\"document.title='PWNED'\">"
    labels = ["verified", "opinion", "unconfirmed", "opinion", "verified"]
    rows = [
        (annotator, article, i, labels[i])
        for annotator in ("ana", "ben")
        for article, length in (("bridge", len(labels)), ("harbour", 3))
        for i in range(length)
    ]
    path = save_chart(overview_chart(table(rows, text={0: evil})), tmp_path / "overview.html")
    count_js = """() => Array.from(document.querySelectorAll('#vis svg g.mark-rect'))
        .map(g => g.querySelectorAll('path').length)"""
    page = chromium_browser.new_page()
    try:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_selector("#vis svg g.mark-rect path", timeout=15_000)
        bars_before, cells_before = page.evaluate(count_js)
        page.locator("#vis svg g.mark-rect").first.locator("path").first.click()
        page.wait_for_timeout(300)
        bars_after, cells_after = page.evaluate(count_js)
        title = page.title()
    finally:
        page.close()
    assert requests == [path.as_uri()]
    assert title != "PWNED"
    assert bars_before == bars_after == 6  # 2 articles x 3 labels; bars are not filtered
    assert cells_before == len(labels) + 3
    assert cells_after in (len(labels), 3)  # only the clicked article's sentences remain
