"""The README's first steps in a real browser, in the `factcheck lab` a newcomer gets, offline.

The lab is the one a newcomer gets, not the harness's: `factcheck lab` started as the current
user with a token, from a throwaway venv holding the built wheel, and from one holding a copy
of the repo installed as the README's setup does (pip install -e .; see tests/_venv.py). A
fresh notebook gets the README's snippets pasted in verbatim (taken from README.md by their
headings, so the test follows the README). Every request the page makes to a host other than
127.0.0.1 is blocked and recorded; any at all fails the test.
"""

from __future__ import annotations

import contextlib
import csv
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

import pytest

from tests._readme import CodeBlock, section_blocks
from tests._venv import (
    FactcheckLab,
    built_checkout_venv,
    built_wheel_venv,
    new_files_removed,
    running_lab,
)
from tests.browser.harness import (
    READY,
    cell_errors,
    dismiss_toasts,
    expect,
    row,
    run_all_cells,
    wait_for_idle,
    wait_for_rows,
    write_default_lab_settings,
    write_notebook,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

FIRST_ARTICLE = "Label your first article"
ON_DISK = "Every label on disk at once"
CHARTS = "Charts and agreement"
NOTEBOOK = "my-first-notebook.ipynb"
LABEL_NOTEBOOK = "01-label-articles.ipynb"

# How many Vega charts in output areas have drawn their marks (an svg or a canvas).
_CHARTS_JS = """() => {
  const embeds = Array.from(document.querySelectorAll('.jp-OutputArea-output .vega-embed'));
  return embeds.filter((e) => e.querySelector('svg.marks, canvas.marks')).length;
}"""

_CELL_COUNT_JS = "() => window.jupyterapp.shell.currentWidget.content.model.cells.length"
# Chart outputs (Altair's widget, a Vega-Lite bundle or Altair's HTML that loads Vega) of the
# cells from index `start` on.
_CHART_OUTPUTS_JS = """(start) => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  let charts = 0;
  for (let i = start - 1; i < cells.length; i++) {
    for (const out of cells.get(i).outputs?.toJSON() ?? []) {
      const types = Object.keys(out.data ?? {});
      const html = String(out.data?.['text/html'] ?? '');
      if (types.some((t) => t.includes('vegalite') || t.includes('widget-view'))
          || html.includes('vega')) charts++;
    }
  }
  return charts;
}"""


@pytest.fixture(params=["wheel", "checkout"])
def newcomer_lab(request, tmp_path_factory, tmp_path: Path) -> Iterator[FactcheckLab]:
    """`factcheck lab` as a newcomer starts it, with HOME and the Jupyter dirs in temp:
    from the wheel in an empty folder, or from the README's setup (an editable install)
    in a copy of the repo."""
    if request.param == "wheel":
        venv = built_wheel_venv(tmp_path_factory)[1]
        work = tmp_path / "work"
        work.mkdir()
    else:
        work, venv = built_checkout_venv(tmp_path_factory)
    home = tmp_path / "home"
    # The settings a user who declined Jupyter's news and update prompts has.
    write_default_lab_settings(home / "jupyter" / "config" / "lab" / "user-settings")
    # The one option added to the README's command: window.jupyterapp, to read cell outputs.
    # The checkout copy is shared by the session's tests: what this test adds is removed.
    with (
        new_files_removed(work),
        running_lab(venv, work, home, args=["--LabApp.expose_app_in_browser=True"]) as lab,
    ):
        yield lab


def _csv_files(folder: Path) -> set[Path]:
    """Every CSV file under ``folder`` now."""
    return set(folder.rglob("*.csv"))


def _new_log(folder: Path, annotator: str, old: set[Path], timeout: float = 30.0) -> Path:
    """The new annotation log (not in ``old``) of ``annotator`` that appears under ``folder``.

    Found by its rows, not its name: the file name is the log's business (a slug).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in _csv_files(folder) - old:
            with (
                contextlib.suppress(OSError, UnicodeDecodeError, csv.Error),
                path.open(encoding="utf-8", newline="") as handle,
            ):
                if any(row.get("annotator") == annotator for row in csv.DictReader(handle)):
                    return path
        time.sleep(0.1)
    raise AssertionError(f"no new log of {annotator!r} under {folder} within {timeout:.0f} s")


def _paste_and_run(page, block: CodeBlock) -> None:
    """Paste a README block into the last (empty) cell, as a paste does, and run it
    (Shift+Enter); fail naming the block if it raised."""
    source = block.source
    before = len(cell_errors(page))
    cell = page.locator(".jp-Notebook .jp-Cell").last
    cell.locator(".cm-content").click()
    page.keyboard.insert_text(source.rstrip("\n"))
    pasted = page.evaluate(
        """() => {
          const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
          return cells.get(cells.length - 1).sharedModel.getSource();
        }"""
    )
    assert pasted == source.rstrip("\n"), f"the editor changed the pasted snippet:\n{pasted}"
    page.keyboard.press("Shift+Enter")  # runs it and adds a new empty cell below
    page.wait_for_function(
        """() => {
          const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
          for (let i = 0; i < cells.length; i++) {
            const cell = cells.get(i);
            if (cell.type === 'code' && cell.sharedModel.getSource().trim()
                && cell.executionCount === null) return false;
          }
          return true;
        }""",
        timeout=120_000,
        polling=100,
    )
    wait_for_idle(page)
    if errors := cell_errors(page)[before:]:
        raise AssertionError(f"{block.where()} raised in the lab: {'; '.join(errors)}")


@dataclass
class OfflinePage:
    """A page whose requests to any host but 127.0.0.1 are blocked; lists what it tried."""

    page: Page
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_offline_and_clean(self) -> None:
        """Fail listing any request that left the machine, or any uncaught page error."""
        assert not self.blocked, f"the page tried to reach the internet: {self.blocked}"
        assert not self.errors, f"uncaught errors in the page: {self.errors}"


@contextlib.contextmanager
def offline_page(browser, lab: FactcheckLab, tmp_path: Path) -> Iterator[OfflinePage]:
    """A fresh browser context and page for ``lab``; screenshot on failure, closed after."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(60_000)
    offline = OfflinePage(context.new_page())

    def route(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            offline.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    offline.page.on("pageerror", lambda error: offline.errors.append(str(error)))
    try:
        yield offline
    except BaseException:
        shot = tmp_path / "newcomer-failure.png"
        offline.page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}\nserver log: {lab.log_path}\nblocked: {offline.blocked}")
        raise
    finally:
        context.close()


def _open_in_lab(page: Page, url: str) -> None:
    """Go to a lab URL and wait until its notebook's kernel is idle."""
    page.goto(url)
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=120_000)
    wait_for_idle(page)
    dismiss_toasts(page)


def test_readme_first_steps_run_offline_in_a_newcomers_lab(
    chromium_browser, newcomer_lab, tmp_path
):
    """Test that the README's label, read and chart snippets work in a fresh notebook, offline."""
    lab = newcomer_lab
    write_notebook(lab.root_dir / NOTEBOOK, [""])
    old_csv = _csv_files(lab.cwd)
    with offline_page(chromium_browser, lab, tmp_path) as offline:
        page = offline.page
        _open_in_lab(page, f"{lab.url}/lab/tree/{quote(NOTEBOOK)}?reset&token={lab.token}")

        # "Label your first article": the widget renders its sentences; label two of them.
        (first,) = section_blocks(FIRST_ARTICLE)
        _paste_and_run(page, first)
        expect(page.locator(READY)).to_be_visible()
        for slot in (0, 1):
            expect(row(page, slot).locator(".fc-text")).to_have_text(re.compile(r"\w"))
        row(page, 0).get_by_role("button", name="verified", exact=True).click()
        row(page, 1).get_by_role("button", name="opinion", exact=True).click()
        logged = wait_for_rows(_new_log(lab.cwd, "ana", old_csv), 2)
        assert [r["label"] for r in logged] == ["verified", "opinion"]

        # "Every label on disk at once", then "Charts and agreement", each block a cell.
        for block in section_blocks(ON_DISK):
            _paste_and_run(page, block)
        charts = section_blocks(CHARTS)
        before = page.evaluate(_CELL_COUNT_JS)
        for block in charts:
            _paste_and_run(page, block)
        assert not offline.blocked, (
            f"{charts[0].where()}: the page tried to reach other hosts (blocked): {offline.blocked}"
        )
        assert page.evaluate(_CHART_OUTPUTS_JS, before) > 0, (
            f"{charts[0].where()}: its blocks, each pasted into a cell, show no chart (a "
            "notebook displays only the last expression of a cell)"
        )
        assert cell_errors(page) == [], f"README snippets raised: {cell_errors(page)}"
        page.wait_for_function(f"() => ({_CHARTS_JS})() >= 1", timeout=60_000, polling=200)
        expect(page.get_by_text("Error loading script")).to_have_count(0)
        agreement = page.locator(".jp-OutputArea-output").filter(has_text="krippendorff_alpha")
        expect(agreement).not_to_have_count(0)  # the agreement table is shown
        offline.assert_offline_and_clean()


@pytest.mark.parametrize("newcomer_lab", ["wheel"], indirect=True)
def test_the_page_factcheck_lab_opens_runs_notebook_01_offline(
    chromium_browser, newcomer_lab, tmp_path
):
    """Test that the page `factcheck lab` sends the browser to opens notebook 01, which runs
    as shipped, shows the sample article and saves a click."""
    lab = newcomer_lab
    pages = [p.read_text(encoding="utf-8") for p in lab.runtime_dir.glob("jpserver-*open.html")]
    urls = [m.group(1) for html in pages if (m := re.search(r'url=([^"]+/lab/tree/[^"]+)"', html))]
    assert urls, f"no page of {lab.runtime_dir} opens a notebook: {pages}"
    old_csv = _csv_files(lab.cwd)
    with offline_page(chromium_browser, lab, tmp_path) as offline:
        page = offline.page
        _open_in_lab(page, urls[0].replace("&amp;", "&"))
        expect(
            page.locator(".lm-TabBar-tab.jp-mod-current[data-type=document-title]")
        ).to_contain_text(LABEL_NOTEBOOK)
        run_all_cells(page)
        expect(page.locator(READY)).to_be_visible()
        expect(row(page, 0).locator(".fc-text")).to_have_text(re.compile(r"\w"))
        row(page, 0).get_by_role("button", name="unconfirmed", exact=True).click()
        (logged,) = wait_for_rows(_new_log(lab.cwd, "your name", old_csv), 1)
        assert (logged["sentence_index"], logged["label"]) == ("0", "unconfirmed")
        offline.assert_offline_and_clean()
