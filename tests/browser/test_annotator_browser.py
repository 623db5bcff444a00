"""The labelling widget in a real JupyterLab and chromium: clicks, keys, resume, safety, speed.

Each test runs a notebook in the lab started by tests/browser/conftest.py and checks the CSV
log the kernel writes. Timings are printed (run pytest with -s to see them); the bounds
asserted are generous sanity checks, not benchmarks.
"""

from __future__ import annotations

import json
import time

import pytest

import factcheck
from factcheck.log import log_path
from tests.browser.harness import (
    READY,
    annotator_in,
    cell_errors,
    copy_label_notebook,
    expect,
    has_class,
    open_notebook,
    restart_kernel,
    row,
    run_all_cells,
    save_notebook,
    screenshot_annotator,
    set_theme,
    shut_down_kernel,
    wait_for_idle,
    wait_for_rows,
    write_notebook,
)

pytestmark = pytest.mark.browser

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
    (logged,) = wait_for_rows(log_path("ana-click", jupyter_lab.root_dir / "annotations"), 1)
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
    log = log_path("ana-keys", jupyter_lab.root_dir / "annotations")
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
    log = log_path("ana-shortcuts", jupyter_lab.root_dir / "annotations")
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
    log = log_path(f"eve {ATTACK}", jupyter_lab.root_dir / "annotations")
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


def test_a_100000_article_corpus_opens_and_the_search_box_finds_an_article(jupyter_lab, lab_page):
    """Test that a 100,000-article corpus is interactive fast, and that typing in the search
    box and picking a match opens that article (times printed)."""
    write_notebook(
        jupyter_lab.root_dir / "corpus.ipynb",
        [
            "from factcheck.annotator import Annotator\n"
            "from factcheck.articles import Article\n"
            "articles = [Article.from_text(f'Ward {n} spent {n} thousand. Residents were angry.',"
            " id=f'ward-{n}', title=f'Ward {n} repairs') for n in range(100_000)]",
            "Annotator(articles, annotator='ana-corpus')",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "corpus.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    lab_page.evaluate(
        "() => document.querySelectorAll('.fc-annotator').forEach(e => e.dataset.fcOld = '1')"
    )
    lab_page.locator(".jp-Cell").nth(1).locator(".jp-InputPrompt").click()
    started = time.monotonic()
    lab_page.keyboard.press("Control+Enter")
    container = lab_page.locator(READY)
    expect(container.locator(".fc-title")).to_have_text("Ward 0 repairs")
    opened = time.monotonic() - started
    expect(container).to_contain_text("article 1 of 100,000")
    search = container.get_by_placeholder("find an article: title, id or source")
    search.fill("ward 99999")
    started = time.monotonic()
    container.locator("select").first.select_option(label="100000. Ward 99999 repairs")
    expect(container.locator(".fc-title")).to_have_text("Ward 99999 repairs")
    found = time.monotonic() - started
    expect(container).to_contain_text("article 100,000 of 100,000")
    print(
        f"100,000 articles: display cell to interactive {opened:.2f} s; search pick {found:.2f} s"
    )
    assert opened < 10
    assert lab_page.console_errors == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_annotator_follows_the_light_and_dark_themes(jupyter_lab, lab_page, theme, tmp_path):
    """Test that the annotator's text follows the lab theme, and that its screenshot can be
    taken (into tmp_path: scripts/make_screenshots.py writes the README's)."""
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
    shot = screenshot_annotator(lab_page, container, tmp_path / f"annotator-{theme}.png")
    assert shot.stat().st_size > 10_000


# ----- keys e and f, the sticky save state, room for text and notes -----


def _focused_slot(page) -> int:
    """The row slot whose note field has the keyboard focus (-1 when none has)."""
    return page.evaluate(
        """() => {
          const row = document.activeElement?.closest?.('.fc-row');
          const match = row && /fc-row-(\\d+)/.exec(row.className);
          return match ? Number(match[1]) : -1;
        }"""
    )


def test_the_newcomers_path_labels_notes_and_flags_the_sample_by_keyboard(jupyter_lab, lab_page):
    """Test that a newcomer labels the bundled sample by keyboard only, opens a note with e,
    saves it with Enter, discards another with Escape, flags with f, and the CSV has it all."""
    first = factcheck.load_articles(factcheck.sample_path())[0]
    copy_label_notebook(jupyter_lab, "newcomer.ipynb", "nora")
    log = log_path("nora", jupyter_lab.root_dir / "annotations")
    open_notebook(lab_page, jupyter_lab, "newcomer.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    expect(container.locator(".fc-title")).to_have_text(first.title)
    expect(container).to_contain_text("e note (Enter saves, Esc discards)")
    expect(container).to_contain_text("f flag for discussion")
    row(lab_page, 0).locator(".fc-text").click()

    lab_page.keyboard.press("1")  # sentence 1 verified; focus moves to sentence 2
    lab_page.keyboard.press("e")  # opens sentence 2's note without the mouse
    lab_page.wait_for_function(
        "() => document.activeElement?.closest?.('.fc-row-1') != null", timeout=30_000
    )
    lab_page.keyboard.type("Only the agency says so; 2 sources missing")
    lab_page.keyboard.press("Enter")
    expect(container.locator(".fc-status")).to_contain_text("saved with the label")
    lab_page.keyboard.press("2")  # Enter gave the keys back: this labels sentence 2
    rows = wait_for_rows(log, 2)
    assert (rows[1]["sentence_index"], rows[1]["label"], rows[1]["note"]) == (
        "1",
        "unconfirmed",
        "Only the agency says so; 2 sources missing",
    )

    lab_page.keyboard.press("k")
    lab_page.keyboard.press("f")  # flag sentence 2 for discussion
    rows = wait_for_rows(log, 3)
    assert (rows[2]["action"], rows[2]["sentence_index"], rows[2]["label"]) == (
        "flag",
        "1",
        "unconfirmed",
    )
    assert rows[2]["note"] == "Only the agency says so; 2 sources missing"
    expect(row(lab_page, 1)).to_have_class(has_class("fc-flagged"))

    lab_page.keyboard.press("e")
    lab_page.wait_for_function("() => document.activeElement?.tagName === 'INPUT'")
    assert _focused_slot(lab_page) == 1
    lab_page.keyboard.type(" typo")
    lab_page.keyboard.press("Escape")  # discards the edit, keys go back to the list
    expect(row(lab_page, 1).locator("input[type=text]")).to_have_value(
        "Only the agency says so; 2 sources missing"
    )
    lab_page.keyboard.press("j")
    lab_page.keyboard.press("3")
    rows = wait_for_rows(log, 4)
    assert [(r["action"], r["sentence_index"], r["label"]) for r in rows] == [
        ("label", "0", "verified"),
        ("label", "1", "unconfirmed"),
        ("flag", "1", "unconfirmed"),
        ("label", "2", "opinion"),
    ]
    assert [r["text"] for r in rows[:2]] == [s.text for s in first.sentences[:2]]

    container.get_by_role("button", name="⚑ Flagged").click()
    expect(container.locator(".fc-row:visible")).to_have_count(1)
    expect(row(lab_page, 0).locator(".fc-num")).to_have_text("2")
    assert lab_page.console_errors == []


def _long_article_notebook(lab, name: str) -> None:
    write_notebook(
        lab.root_dir / name,
        [
            "from factcheck.annotator import Annotator\n"
            "from factcheck.articles import Article\n"
            "sentence = ('Depot {n} logged {m} late buses on the northern route that crosses '\n"
            "            'the river twice, the transit authority said in a statement on Tuesday.')\n"
            "paragraphs = [' '.join(sentence.format(n=p * 5 + i, m=p * 5 + i + 3)"
            " for i in range(5)) for p in range(10)]\n"
            "article = Article.from_text('\\n\\n'.join(paragraphs), id='long', title='Long')\n"
            "Annotator(article, annotator='ana-sticky')",
        ],
    )


def test_the_save_state_stays_in_view_down_a_long_article(jupyter_lab, lab_page):
    """Test that after scrolling to the 25th sentence the save indicator is still on screen
    and reports the label just given there."""
    _long_article_notebook(jupyter_lab, "sticky.ipynb")
    open_notebook(lab_page, jupyter_lab, "sticky.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    last = row(lab_page, 24)
    last.scroll_into_view_if_needed()
    last.get_by_role("button", name="opinion", exact=True).click()
    status = container.locator(".fc-statusbar")
    expect(container.locator(".fc-status")).to_contain_text("sentence 25 'opinion'")
    lab_page.wait_for_timeout(200)
    box, viewport = status.bounding_box(), lab_page.viewport_size
    assert box is not None and viewport is not None
    title = container.locator(".fc-title").bounding_box()
    notebook = lab_page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").bounding_box()
    assert title is not None and notebook is not None
    assert title["y"] + title["height"] < notebook["y"]  # the header really scrolled away
    assert box["y"] >= notebook["y"] - 1, (box, notebook)
    assert box["y"] + box["height"] <= viewport["height"], (box, viewport)
    covering = lab_page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('.fc-statusbar') != null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert covering, "the save indicator is covered by something else"


def test_the_note_field_and_the_sentence_get_room_at_1280_px(jupyter_lab, lab_page):
    """Test that at a 1280 px window the note input is >= 300 px (or 40% of the row) and
    every sentence's text is shown whole, wrapped, never cut off."""
    lab_page.set_viewport_size({"width": 1280, "height": 900})
    _long_article_notebook(jupyter_lab, "room.ipynb")
    open_notebook(lab_page, jupyter_lab, "room.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)
    first = row(lab_page, 0)
    note = first.locator("input[type=text]").bounding_box()
    whole = first.bounding_box()
    assert note is not None and whole is not None
    print(f"row {whole['width']:.0f} px, note input {note['width']:.0f} px")
    assert note["width"] >= 300 or note["width"] >= 0.4 * whole["width"], (note, whole)
    fits = lab_page.locator(f"{READY} .fc-row .fc-text").evaluate_all(
        """(texts) => texts.filter((e) => e.offsetParent !== null).map((e) => ({
          cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1,
          lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)),
        }))"""
    )
    assert fits and not any(f["cut"] for f in fits), fits
    assert all(f["lines"] >= 2 for f in fits)  # the long sentences wrap rather than overflow


# ----- a restarted kernel, a saved notebook without one -----


def test_a_kernel_restart_says_run_the_cell_again(jupyter_lab, lab_page):
    """Test that after Kernel > Restart the old view says so and no longer shows 'Saved'."""
    copy_label_notebook(jupyter_lab, "restart.ipynb", "ana-restart")
    open_notebook(lab_page, jupyter_lab, "restart.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    row(lab_page, 0).get_by_role("button", name="verified", exact=True).click()
    expect(container.locator(".fc-status")).to_contain_text("Saved ")
    restart_kernel(lab_page)
    expect(container).to_have_class(has_class("fc-stale"))
    banner = container.evaluate("e => getComputedStyle(e, '::before').content")
    assert "Kernel restarted" in banner and "run the cell again" in banner
    expect(container.locator(".fc-status")).to_be_hidden()
    box = container.bounding_box()
    assert box is not None
    assert lab_page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('.fc-annotator') != null",
        [box["x"] + 20, box["y"] + 10],
    )


def test_a_saved_notebook_opened_without_its_widgets_shows_the_summary(jupyter_lab, lab_page):
    """Test that a notebook saved with the annotator and reopened with no live widget shows
    the summary (title, counts, log file), hidden while the widget was live, and no VBox."""
    first = factcheck.load_articles(factcheck.sample_path())[0]
    copy_label_notebook(jupyter_lab, "saved.ipynb", "ana-saved")
    open_notebook(lab_page, jupyter_lab, "saved.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)
    expect(lab_page.locator(".fc-fallback")).to_be_hidden()
    row(lab_page, 0).get_by_role("button", name="opinion", exact=True).click()
    wait_for_rows(log_path("ana-saved", jupyter_lab.root_dir / "annotations"), 1)
    run_all_cells(lab_page)  # the saved summary counts the label
    annotator_in(lab_page)
    save_notebook(lab_page)
    jupyter_lab.shutdown_kernels()

    open_notebook(lab_page, jupyter_lab, "saved.ipynb")
    summary = lab_page.locator(".fc-fallback")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(f"factcheck annotator: {first.title}")
    expect(summary).to_contain_text("1 sentence labelled, 0 of ")  # a corpus: articles done
    expect(summary).to_contain_text("run the cell")
    expect(summary).to_contain_text(".csv")
    assert "VBox(" not in lab_page.locator(".jp-Notebook").inner_text()


def test_a_kernel_shut_down_marks_the_widget_stale_too(jupyter_lab, lab_page):
    """Test that Kernel > Shut Down Kernel (no restart) also shows the run-again banner."""
    copy_label_notebook(jupyter_lab, "shutdown.ipynb", "ana-shutdown")
    open_notebook(lab_page, jupyter_lab, "shutdown.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    expect(container).not_to_have_class(has_class("fc-stale"))
    shut_down_kernel(lab_page)
    expect(container).to_have_class(has_class("fc-stale"))
    banner = container.evaluate("e => getComputedStyle(e, '::before').content")
    assert "run the cell again" in banner


# ----- student mode, as a student sees it -----


def test_a_student_sees_no_file_names_and_the_score_after_the_last_sentence(jupyter_lab, lab_page):
    """Test that in student mode no .csv name or server path is on screen, a final answer
    hides its note field and clear button, and the score shows below the last sentence."""
    write_notebook(
        jupyter_lab.root_dir / "student.ipynb",
        [
            "import factcheck\n"
            "from factcheck.student import sample_key_path\n"
            "articles = factcheck.load_articles(factcheck.sample_path())[:1]\n"
            "factcheck.Annotator(articles, annotator='zoe', key=sample_key_path())",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "student.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    count = container.locator(".fc-row:visible").count()
    row(lab_page, 0).locator(".fc-text").click()
    for _ in range(count):
        lab_page.keyboard.press("1")
    end = container.locator(".fc-score-end")
    expect(end).to_contain_text("Score for this article")
    last = container.locator(".fc-row:visible").last.bounding_box()
    score = end.bounding_box()
    assert last is not None and score is not None and score["y"] > last["y"]
    expect(row(lab_page, 0).locator("input[type=text]")).to_be_hidden()
    expect(row(lab_page, 0).get_by_role("button", name="✕")).to_be_hidden()
    shown = container.inner_text()
    assert ".csv" not in shown and str(jupyter_lab.root_dir) not in shown
    assert "clear" not in container.locator(".fc-muted", has_text="Keys:").inner_text()


def test_accepting_a_suggestion_by_key_reaches_the_csv_with_its_provenance(jupyter_lab, lab_page):
    """Test that a suggestion shows as an outlined chip, writes nothing by itself, and key a
    saves it as the label with a provenance line on disk."""
    write_notebook(
        jupyter_lab.root_dir / "suggest.ipynb",
        [
            "from pathlib import Path\n"
            "from factcheck.annotator import Annotator\n"
            "from factcheck.articles import Article\n"
            "text = 'The mayor is plainly wrong about buses. The council met on Tuesday.'\n"
            "article = Article.from_text(text, id='buses', title='Buses')\n"
            "rows = ['article_id,sentence_id,label,score,model']\n"
            "rows += [f'buses,{s.id},opinion,0.82,llm-x' for s in article.sentences[:1]]\n"
            "Path('sugg.csv').write_text('\\n'.join(rows) + '\\n', encoding='utf-8')\n"
            "Annotator(article, annotator='ana-suggest', suggestions='sugg.csv')",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "suggest.ipynb")
    run_all_cells(lab_page)
    annotator_in(lab_page)
    first = row(lab_page, 0)
    expect(first.locator(".fc-suggestion")).to_have_text("suggested: opinion 0.82")
    log = log_path("ana-suggest", jupyter_lab.root_dir / "annotations")
    assert not log.exists() or wait_for_rows(log, 0) == []
    first.locator(".fc-text").click()
    lab_page.keyboard.press("a")
    (logged,) = wait_for_rows(log, 1)
    assert (logged["sentence_index"], logged["label"], logged["action"]) == (
        "0",
        "opinion",
        "label",
    )
    provenance = log.with_name(f"{log.stem}.provenance.jsonl")
    deadline = time.monotonic() + 10
    while not provenance.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    (entry,) = [json.loads(line) for line in provenance.read_text(encoding="utf-8").splitlines()]
    assert (entry["timestamp"], entry["sentence_id"]) == (
        logged["timestamp"],
        logged["sentence_id"],
    )
    assert (entry["kind"], entry["model"], entry["suggestion_score"]) == (
        "suggestion",
        "llm-x",
        "0.8200",
    )
    expect(first.locator(".fc-btn.fc-chosen")).to_have_text("opinion")
    expect(first.locator(".fc-suggestion")).to_have_count(0)
    assert lab_page.console_errors == []
