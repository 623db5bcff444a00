"""The Adjudicator view in a real JupyterLab and chromium: two decisions made by keyboard.

The notebook opens the view over a copy of the bundled example logs; the test presses the
keys in the page and reads the decisions CSV the kernel writes.
"""

from __future__ import annotations

import shutil

import pytest

import factcheck
from factcheck.adjudication import ANNOTATOR_SLIP, GUIDELINE_GAP, read_decisions
from tests.browser.harness import (
    READY,
    annotator_in,
    expect,
    open_notebook,
    run_all_cells,
    wait_for_rows,
    write_notebook,
)

pytestmark = pytest.mark.browser


def test_two_sentences_are_decided_by_keyboard_and_written_to_the_decisions_csv(
    jupyter_lab, lab_page
):
    """Test that label, reason and comment keys decide two sentences into adjudications/lee.csv,
    leaving the annotators' logs byte-identical."""
    logs = jupyter_lab.root_dir / "adjudicate-logs"
    shutil.copytree(factcheck.examples_path(), logs, dirs_exist_ok=True)
    before = {p.name: p.read_bytes() for p in sorted(logs.glob("*.csv"))}
    folder = jupyter_lab.root_dir / "adjudications-browser"
    write_notebook(
        jupyter_lab.root_dir / "adjudicate.ipynb",
        [
            "import factcheck\n"
            f"adj = factcheck.Adjudicator({str(logs)!r}, adjudicator='lee', "
            f"folder={str(folder)!r})\n"
            "adj",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "adjudicate.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    expect(container.locator(".fc-context")).to_be_visible()
    expect(container.get_by_text("Guidelines: what each label means")).to_be_visible()
    container.locator(".fc-context").click()
    lab_page.keyboard.press("1")  # verified
    lab_page.keyboard.press("s")  # annotator slip: decided, the next sentence shows
    log = folder / "lee.csv"
    wait_for_rows(log, 1)
    expect(lab_page.locator(f"{READY} .fc-status")).to_contain_text("Saved")
    lab_page.keyboard.press("3")  # opinion
    lab_page.keyboard.press("g")  # guideline gap
    wait_for_rows(log, 2)
    lab_page.keyboard.press("k")  # back to the second sentence
    lab_page.keyboard.press("c")  # the comment field, without the mouse
    comment = container.locator(".fc-row-0 input[type=text]")
    expect(comment).to_be_focused()
    lab_page.keyboard.type("no rule for forecasts")
    lab_page.keyboard.press("Enter")
    rows = wait_for_rows(log, 3)
    assert [(r["label"], r["reason"], r["action"]) for r in rows] == [
        ("verified", ANNOTATOR_SLIP, "decide"),
        ("opinion", GUIDELINE_GAP, "decide"),
        ("opinion", GUIDELINE_GAP, "decide"),
    ]
    assert rows[2]["comment"] == "no rule for forecasts"
    table = read_decisions(folder)
    assert len(table) == 2 and set(table["adjudicator"]) == {"lee"}
    # JupyterLab's own shortcuts did not fire: "1" or "3" would have made the cell a heading.
    assert lab_page.locator(".jp-Notebook .jp-MarkdownCell").count() == 0
    assert {p.name: p.read_bytes() for p in sorted(logs.glob("*.csv"))} == before
    assert lab_page.console_errors == []
