"""The labelling widget beyond JupyterLab's light theme: Notebook 7, the dark theme, latency.

Each test runs the project's labelling notebook and checks what the kernel writes to the CSV
log. Latency figures are printed (run pytest with -s); benchmarks/bench_browser.py measures
them at length. No timing is asserted, only that the clocks tell a consistent story.
"""

from __future__ import annotations

import math
import statistics

import pytest

import factcheck
from factcheck.labels import DEFAULT_SCHEME
from factcheck.log import log_path
from tests.browser.harness import (
    READY,
    ClickTiming,
    annotator_in,
    copy_label_notebook,
    expect,
    has_class,
    open_notebook,
    open_notebook7,
    row,
    run_all_cells,
    set_theme,
    time_click,
    wait_for_rows,
)

pytestmark = pytest.mark.browser

LABELS = DEFAULT_SCHEME.names
# Notebook 7.6's own shortcuts extension throws this on every page load, /tree included, with
# no notebook open: a race in its settings registry (github.com/jupyter/notebook/issues/7862).
NOTEBOOK7_OWN_ERRORS = ("pageerror: Cannot read properties of undefined (reading 'schema')",)
# The first article the labelling notebook shows: the first of the bundled samples.
FIRST_ARTICLE = factcheck.load_articles(factcheck.sample_path())[0]

# The colours that decide legibility, as [r, g, b, a] numbers: a sentence's text, what is
# really behind it (the first ancestor with an opaque background), the focused row's
# background, and each label button's text and fill.
_COLOURS_JS = """(ready) => {
  const rgba = (css) => {
    const parts = css.match(/[\\d.]+/g).map(Number);
    return parts.length === 3 ? [...parts, 1] : parts;
  };
  const behind = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour[3] > 0) return colour;
    }
    return [255, 255, 255, 1];
  };
  const text = document.querySelector(`${ready} .fc-row:not(.fc-focus) .fc-text`);
  const focused = document.querySelector(`${ready} .fc-row.fc-focus`);
  const buttons = Array.from(document.querySelectorAll(`${ready} .fc-row-0 .fc-btn`));
  return {
    text: rgba(getComputedStyle(text).color),
    background: behind(text),
    focus: behind(focused),
    buttons: buttons.map((b) => ({
      name: b.textContent.trim(),
      text: rgba(getComputedStyle(b).color),
      fill: behind(b),
    })),
  };
}"""


def luminance(colour: list[float]) -> float:
    """WCAG relative luminance of an [r, g, b, ...] colour (0 black to 1 white)."""
    channels = [c / 255 for c in colour[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of values (share 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def describe(timings: list[ClickTiming]) -> str:
    """Median and p95 of each latency, e.g. 'click to record median 6.6 ms, p95 23.6 ms; ...'."""
    parts = []
    for name, values in (
        ("click to record", [t.click_to_record_ms for t in timings]),
        ("click to fsync done", [t.click_to_disk_ms for t in timings]),
        ("click to label shown", [t.click_to_shown_ms or 0.0 for t in timings]),
    ):
        median, p95 = statistics.median(values), percentile(values, 0.95)
        parts.append(f"{name} median {median:.1f} ms, p95 {p95:.1f} ms")
    return f"{len(timings)} clicks: " + "; ".join(parts)


def test_notebook7_renders_the_annotator_and_logs_a_click_and_keys(notebook7, notebook7_page):
    """Test that in Notebook 7 the annotator shows its rows and a click and 1/2/3 are logged."""
    page = notebook7_page
    copy_label_notebook(notebook7, "nb7.ipynb", "ana-nb7")
    log = log_path("ana-nb7", notebook7.root_dir / "annotations")
    open_notebook7(page, notebook7, "nb7.ipynb")
    expect(page.locator("#jp-MainMenu")).to_be_visible()  # Notebook 7's page, not the lab's
    assert page.locator("#jp-main-statusbar").count() == 0
    run_all_cells(page)

    annotator_in(page)
    shown = FIRST_ARTICLE.sentences[:5]
    for slot, sentence in enumerate(shown):
        expect(row(page, slot)).to_be_visible()
        expect(row(page, slot).locator(".fc-text")).to_have_text(sentence.text.strip())
    for name in LABELS:
        button = row(page, 0).get_by_role("button", name=name, exact=True)
        expect(button).to_be_visible()
        expect(button).to_have_text(name)

    row(page, 1).get_by_role("button", name="unconfirmed", exact=True).click()
    (clicked,) = wait_for_rows(log, 1)
    assert (clicked["sentence_id"], clicked["label"], clicked["action"]) == (
        shown[1].id,
        "unconfirmed",
        "label",
    )
    expect(row(page, 1).locator(".fc-btn.fc-chosen")).to_have_text("unconfirmed")

    row(page, 2).locator(".fc-text").click()
    for key in ("1", "2", "3"):
        page.keyboard.press(key)
    keyed = wait_for_rows(log, 4)[1:]
    assert [(r["sentence_id"], r["label"]) for r in keyed] == [
        (shown[2].id, "verified"),
        (shown[3].id, "unconfirmed"),
        (shown[4].id, "opinion"),
    ]
    expect(row(page, 4).locator(".fc-btn.fc-chosen")).to_have_text("opinion")
    expect(row(page, 5)).to_have_class(has_class("fc-focus"))
    # Notebook 7's command-mode shortcuts did not fire: "1" would have made a heading cell.
    assert page.locator(".jp-Notebook .jp-MarkdownCell").count() == 2
    assert [e for e in page.console_errors if e not in NOTEBOOK7_OWN_ERRORS] == []


def test_dark_theme_shows_light_sentence_text_on_dark_and_legible_buttons(jupyter_lab, lab_page):
    """Test that switching to the dark theme turns the text light on dark; buttons keep text."""
    copy_label_notebook(jupyter_lab, "themes.ipynb", "ana-themes")
    open_notebook(lab_page, jupyter_lab, "themes.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)
    light = lab_page.evaluate(_COLOURS_JS, READY)

    set_theme(lab_page, "dark")
    expect(lab_page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
    dark = lab_page.evaluate(_COLOURS_JS, READY)

    assert light["text"] != dark["text"] and light["background"] != dark["background"]
    assert luminance(light["text"]) < luminance(light["background"]), light
    assert luminance(dark["text"]) > luminance(dark["background"]), dark
    for theme in (light, dark):
        assert contrast(theme["text"], theme["background"]) >= 4.5, theme
        assert theme["focus"] != theme["background"], theme  # the focused row stands out
    assert luminance(dark["focus"]) < 0.2, dark  # and stays dark in the dark theme
    for theme in (light, dark):
        assert [b["name"] for b in theme["buttons"]] == list(LABELS)
        for button in theme["buttons"]:
            assert contrast(button["text"], button["fill"]) >= 3, button
    for name in LABELS:
        button = row(lab_page, 0).get_by_role("button", name=name, exact=True)
        expect(button).to_be_visible()
        expect(button).to_have_text(name)
    assert lab_page.console_errors == []


def test_twenty_clicks_are_recorded_and_fsynced_in_clock_order(jupyter_lab, lab_page):
    """Test that each of 20 clicks logs its row after the click and is fsynced after that."""
    copy_label_notebook(jupyter_lab, "latency.ipynb", "ana-latency")
    log = log_path("ana-latency", jupyter_lab.root_dir / "annotations")
    open_notebook(lab_page, jupyter_lab, "latency.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)
    rows = len(FIRST_ARTICLE.sentences)

    timings = []
    for click in range(20):
        slot, label = click % rows, LABELS[(click + click // rows) % len(LABELS)]
        selector = f"{READY} .fc-row-{slot} .fc-btn >> text='{label}'"
        timing = time_click(lab_page, selector, log)
        assert (timing.row["sentence_id"], timing.row["label"]) == (
            FIRST_ARTICLE.sentences[slot].id,
            label,
        )
        timings.append(timing)

    print(describe(timings))
    for timing in timings:
        # Date.now() counts whole milliseconds down, so it never runs ahead of the kernel.
        assert timing.clicked <= timing.recorded <= timing.on_disk, timing
        assert timing.shown is not None and timing.shown >= timing.clicked, timing
    assert len(wait_for_rows(log, 20)) == 20
    assert lab_page.console_errors == []
