"""The labelling widget in a real JupyterLab and chromium: clicks, keys, resume, safety, speed.

Each test runs a notebook in the lab started by tests/browser/conftest.py and checks the CSV
log the kernel writes. Timings are printed (run pytest with -s to see them); the bounds
asserted are generous sanity checks, not benchmarks.
"""

from __future__ import annotations

import time

import pytest

from factcheck.log import annotator_slug
from tests.browser.harness import (
    READY,
    REPO_ROOT,
    annotator_in,
    cell_errors,
    copy_label_notebook,
    expect,
    has_class,
    open_notebook,
    row,
    run_all_cells,
    set_theme,
    wait_for_file,
    wait_for_idle,
    wait_for_rows,
    write_notebook,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
ATTACK = '<img src=x onerror="window.__pwned=1">'


def test_clicking_a_label_on_sentence_2_writes_it_to_the_csv(jupyter_lab, lab_page):
    """Test that running the labelling notebook and clicking Verified on sentence 2 logs it."""
    copy_label_notebook(jupyter_lab, "click.ipynb", "ana-click")
    open_notebook(lab_page, jupyter_lab, "click.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)
    second = row(lab_page, 1)
    text = second.locator(".fc-text").inner_text()
    started = time.monotonic()
    second.get_by_role("button", name="verified", exact=True).click()
    (logged,) = wait_for_rows(jupyter_lab.root_dir / "annotations" / "ana-click.csv", 1)
    print(f"click to CSV row: {(time.monotonic() - started) * 1000:.0f} ms")
    assert (logged["sentence_index"], logged["label"], logged["action"]) == (
        "1",
        "verified",
        "label",
    )
    assert logged["text"] == text
    expect(lab_page.locator(f"{READY} .fc-status")).to_contain_text("Saved ")
    expect(second.locator(".fc-btn.fc-chosen")).to_have_text("verified")
    assert lab_page.console_errors == []


def test_keys_label_three_sentences_and_a_rerun_restores_them(jupyter_lab, lab_page):
    """Test that 1/2/3 label successive sentences, note typing does not label, re-run resumes."""
    copy_label_notebook(jupyter_lab, "keys.ipynb", "ana-keys")
    log = jupyter_lab.root_dir / "annotations" / "ana-keys.csv"
    open_notebook(lab_page, jupyter_lab, "keys.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)
    texts = [row(lab_page, i).locator(".fc-text").inner_text() for i in range(4)]
    row(lab_page, 0).locator(".fc-text").click()
    for key in ("1", "2", "3"):
        lab_page.keyboard.press(key)
    rows = wait_for_rows(log, 3)
    assert [(r["sentence_index"], r["label"]) for r in rows] == [
        ("0", "verified"),
        ("1", "unconfirmed"),
        ("2", "opinion"),
    ]
    assert [r["text"] for r in rows] == texts[:3]
    expect(row(lab_page, 3)).to_have_class(has_class("fc-focus"))
    # JupyterLab's own shortcuts did not fire: "1" would have made the cell a heading.
    assert lab_page.locator(".jp-Notebook .jp-MarkdownCell").count() == 2

    note = row(lab_page, 3).locator("input[type=text]")
    note.click()
    note.type("1 council minutes, p. 3")
    note.press("Enter")
    expect(lab_page.locator(f"{READY} .fc-status")).to_contain_text("saved with the label")
    assert len(wait_for_rows(log, 3)) == 3  # typing "1" in the note labelled nothing
    lab_page.keyboard.press("3")  # Enter handed the keys back to the list
    rows = wait_for_rows(log, 4)
    assert (rows[3]["sentence_index"], rows[3]["label"], rows[3]["note"]) == (
        "3",
        "opinion",
        "1 council minutes, p. 3",
    )
    lab_page.keyboard.press("u")
    assert wait_for_rows(log, 5)[4]["action"] == "undo"

    lab_page.evaluate(
        "() => document.querySelectorAll('.fc-annotator').forEach(e => e.dataset.fcOld = '1')"
    )
    run_all_cells(lab_page)  # may return before the kernel turns busy: wait for the new view
    annotator_in(lab_page)
    wait_for_idle(lab_page)
    assert cell_errors(lab_page) == []
    for slot, label in enumerate(("verified", "unconfirmed", "opinion")):
        expect(row(lab_page, slot).locator(".fc-btn.fc-chosen")).to_have_text(label)
    expect(row(lab_page, 3).locator(".fc-btn.fc-chosen")).to_have_count(0)
    expect(row(lab_page, 3)).to_have_class(has_class("fc-focus"))
    expect(lab_page.locator(f"{READY} .fc-status")).to_contain_text("Resumed 3 saved label(s)")


def test_other_keys_never_reach_notebook_shortcuts_and_escape_cancels_a_note(jupyter_lab, lab_page):
    """Test that m / a / d d inside the annotator leave the notebook alone, and that Escape
    in a note field discards the edit instead of saving it."""
    copy_label_notebook(jupyter_lab, "shortcuts.ipynb", "ana-shortcuts")
    log = jupyter_lab.root_dir / "annotations" / "ana-shortcuts.csv"
    open_notebook(lab_page, jupyter_lab, "shortcuts.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)
    cells = lab_page.locator(".jp-Notebook .jp-Cell").count()
    markdown = lab_page.locator(".jp-Notebook .jp-MarkdownCell").count()
    row(lab_page, 0).locator(".fc-text").click()
    for key in ("m", "a", "b", "d", "d"):
        lab_page.keyboard.press(key)
    lab_page.keyboard.press("1")
    wait_for_rows(log, 1)
    assert lab_page.locator(".jp-Notebook .jp-Cell").count() == cells
    assert lab_page.locator(".jp-Notebook .jp-MarkdownCell").count() == markdown
    annotator_in(lab_page)  # the widget is still there

    note = row(lab_page, 0).locator("input[type=text]")
    note.click()
    note.type("typo to discard")
    note.press("Escape")
    expect(note).to_have_value("")
    lab_page.keyboard.press("2")  # keys work again after Escape
    rows = wait_for_rows(log, 2)
    assert [r["note"] for r in rows] == ["", ""]


def test_markup_in_an_article_shows_as_text_and_never_runs(jupyter_lab, lab_page):
    """Test that <img onerror> in a title, sentence, note and name is shown literally, not run."""
    write_notebook(
        jupyter_lab.root_dir / "xss.ipynb",
        [
            "from factcheck.annotator import Annotator\n"
            "from factcheck.articles import Article\n"
            f"ATTACK = {ATTACK!r}\n"
            "text = f'The caption read {ATTACK} in full. The mayor denied it.'\n"
            "article = Article.from_text(text, id='xss', title=f'Title {ATTACK}', source=ATTACK)\n"
            "Annotator([article, article], annotator=f'eve {ATTACK}')",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "xss.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    expect(container.locator(".fc-title")).to_have_text(f"Title {ATTACK}")
    expect(row(lab_page, 0).locator(".fc-text")).to_contain_text(ATTACK)
    expect(container.locator(".fc-muted").first).to_have_text(ATTACK)
    note = row(lab_page, 0).locator("input[type=text]")
    note.fill(ATTACK)
    note.press("Enter")
    row(lab_page, 0).get_by_role("button", name="opinion", exact=True).click()
    log = jupyter_lab.root_dir / "annotations" / f"{annotator_slug(f'eve {ATTACK}')}.csv"
    assert wait_for_rows(log, 1)[0]["note"] == ATTACK
    expect(container.locator(".fc-annotator-name")).to_have_text(f"Annotator: eve {ATTACK}")
    container.get_by_text("Guidelines: what each label means").click()
    expect(container.locator(".fc-guidelines")).to_be_visible()
    lab_page.locator(".jp-Notebook").evaluate("e => e.scrollTop = 0")
    assert container.locator("img").count() == 0
    assert lab_page.evaluate("() => window.__pwned") is None


def test_a_1000_sentence_article_opens_and_pages_quickly(jupyter_lab, lab_page):
    """Test that a 1,000-sentence article becomes interactive and pages fast (times printed)."""
    write_notebook(
        jupyter_lab.root_dir / "long.ipynb",
        [
            "from factcheck.annotator import Annotator\n"
            "from factcheck.articles import Article\n"
            "paragraphs = [' '.join(f'Depot {p * 5 + i} logged {p * 5 + i + 3} late buses.'"
            " for i in range(5)) for p in range(200)]\n"
            "article = Article.from_text('\\n\\n'.join(paragraphs), id='long', title='Long')\n"
            "assert len(article.sentences) == 1000",
            "Annotator(article, annotator='ana-long')",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "long.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)

    # Time the display cell alone: mark the old view, re-run the last cell, wait for the new one.
    lab_page.evaluate(
        "() => document.querySelectorAll('.fc-annotator').forEach(e => e.dataset.fcOld = '1')"
    )
    lab_page.locator(".jp-Cell").nth(1).locator(".jp-InputPrompt").click()
    started = time.monotonic()
    lab_page.keyboard.press("Control+Enter")
    annotator_in(lab_page)
    expect(row(lab_page, 24).locator(".fc-num")).to_have_text("25")
    opened = time.monotonic() - started

    pages = []
    for page_number in range(2, 7):
        started = time.monotonic()
        lab_page.locator(READY).get_by_role("button", name="Next page ▶").click()
        expect(row(lab_page, 0).locator(".fc-num")).to_have_text(str((page_number - 1) * 25 + 1))
        expect(row(lab_page, 24).locator(".fc-num")).to_have_text(str(page_number * 25))
        pages.append(time.monotonic() - started)
    widgets = lab_page.locator(f"{READY} .jupyter-widgets").count()
    print(
        f"1,000 sentences: display cell to interactive {opened:.2f} s; next page median "
        f"{sorted(pages)[len(pages) // 2] * 1000:.0f} ms, max {max(pages) * 1000:.0f} ms; "
        f"{widgets} widget elements on screen"
    )
    assert opened < 10
    assert max(pages) < 3
    assert lab_page.console_errors == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_in_light_and_dark_themes(jupyter_lab, lab_page, theme):
    """Test that the annotator follows the lab theme, and save its README screenshot."""
    copy_label_notebook(jupyter_lab, f"shot-{theme}.ipynb", f"ana-{theme}")
    open_notebook(lab_page, jupyter_lab, f"shot-{theme}.ipynb")
    set_theme(lab_page, theme)
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    row(lab_page, 0).locator(".fc-text").click()
    for key in ("1", "2", "3"):
        lab_page.keyboard.press(key)
    expect(row(lab_page, 2).locator(".fc-btn.fc-chosen")).to_have_text("opinion")
    text_colour = (
        row(lab_page, 3)
        .locator(".fc-text")
        .evaluate("e => getComputedStyle(e).color.match(/\\d+/g).slice(0, 3).map(Number)")
    )
    brightness = sum(text_colour) / 3
    assert (brightness > 128) == (theme == "dark"), text_colour
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"annotator-{theme}.png"
    container.evaluate("e => e.scrollIntoView({block: 'start'})")
    lab_page.wait_for_timeout(300)
    box = container.bounding_box()
    viewport = lab_page.viewport_size
    assert box is not None and viewport is not None
    top = max(box["y"] - 8, 0)
    lab_page.screenshot(
        path=str(shot),
        clip={
            "x": box["x"] - 8,
            "y": top,
            "width": box["width"] + 16,
            "height": min(box["height"] + 16, viewport["height"] - top - 30),
        },
    )
    assert wait_for_file(shot).stat().st_size > 10_000
