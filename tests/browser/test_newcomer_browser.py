"""The README's first steps in a real browser, on the wheel's own `factcheck lab`, offline.

The lab is the one a newcomer gets, not the harness's: `factcheck lab` started as the current
user with a token, from a throwaway venv holding the built wheel, and from one holding a copy
of the repo installed as the README's setup does (pip install -e .; see tests/_venv.py). A
fresh notebook gets the README's snippets pasted in verbatim (taken from README.md by their
headings, so the test follows the README). Every request the page makes to a host other than
127.0.0.1 is blocked and recorded; any at all fails the test.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests._readme import CodeBlock, section_blocks
from tests._venv import FactcheckLab, built_checkout_venv, built_wheel_venv, running_lab
from tests.browser.harness import (
    READY,
    cell_errors,
    dismiss_toasts,
    expect,
    row,
    wait_for_idle,
    wait_for_rows,
    write_default_lab_settings,
    write_notebook,
)

pytestmark = pytest.mark.browser

FIRST_ARTICLE = "Label your first article"
ON_DISK = "Every label on disk at once"
CHARTS = "Charts and agreement"
NOTEBOOK = "my-first-notebook.ipynb"

# Drawn Vega charts in output areas, and outputs that show Altair's script-loading error.
_CHARTS_JS = """() => {
  const embeds = Array.from(document.querySelectorAll('.jp-OutputArea-output .vega-embed'));
  return embeds.filter((e) => e.querySelector('svg.marks, canvas.marks')).length;
}"""

_CELL_COUNT_JS = "() => window.jupyterapp.shell.currentWidget.content.model.cells.length"
# Chart outputs (Altair's widget or a Vega-Lite bundle) of the cells from index `start` on.
_CHART_OUTPUTS_JS = """(start) => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  let charts = 0;
  for (let i = start - 1; i < cells.length; i++) {
    for (const out of cells.get(i).outputs?.toJSON() ?? []) {
      const types = Object.keys(out.data ?? {});
      if (types.some((t) => t.includes('vegalite') || t.includes('widget-view'))) charts++;
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
    with running_lab(venv, work, home, args=["--LabApp.expose_app_in_browser=True"]) as lab:
        yield lab


def _new_log(folder: Path, name: str, timeout: float = 30.0) -> Path:
    """The annotation log ``name`` that appears under ``folder`` (example logs aside)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in folder.rglob(name):
            if "examples" not in path.relative_to(folder).parts:
                return path
        time.sleep(0.1)
    raise AssertionError(f"no {name} appeared under {folder} within {timeout:.0f} s")


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


def test_readme_first_steps_run_offline_in_a_newcomers_lab(
    chromium_browser, newcomer_lab, tmp_path
):
    """Test that the README's label, read and chart snippets work in a fresh notebook, offline."""
    lab = newcomer_lab
    blocked: list[str] = []

    def route(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    write_notebook(lab.root_dir / NOTEBOOK, [""])
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(60_000)
    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{lab.url}/lab/tree/{quote(NOTEBOOK)}?reset&token={lab.token}")
        page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=120_000)
        wait_for_idle(page)
        dismiss_toasts(page)

        # "Label your first article": the widget renders its sentences; label two of them.
        (first,) = section_blocks(FIRST_ARTICLE)
        _paste_and_run(page, first)
        expect(page.locator(READY)).to_be_visible()
        for slot in (0, 1):
            expect(row(page, slot).locator(".fc-text")).to_have_text(re.compile(r"\w"))
        row(page, 0).get_by_role("button", name="verified", exact=True).click()
        row(page, 1).get_by_role("button", name="opinion", exact=True).click()
        logged = wait_for_rows(_new_log(lab.cwd, "ana.csv"), 2)
        assert [r["label"] for r in logged] == ["verified", "opinion"]

        # "Every label on disk at once", then "Charts and agreement", each block a cell.
        for block in section_blocks(ON_DISK):
            _paste_and_run(page, block)
        for block in section_blocks(CHARTS):
            before = page.evaluate(_CELL_COUNT_JS)
            _paste_and_run(page, block)
            assert page.evaluate(_CHART_OUTPUTS_JS, before) > 0, (
                f"{block.where()}: pasted into one cell, the block shows no chart; only the "
                "last expression of a cell is displayed"
            )
        assert cell_errors(page) == [], f"README snippets raised: {cell_errors(page)}"
        page.wait_for_function(f"() => ({_CHARTS_JS})() >= 1", timeout=60_000, polling=200)
        expect(page.get_by_text("Error loading script")).to_have_count(0)
        expect(
            page.locator(".jp-OutputArea-output").filter(has_text="undefined")
        ).not_to_have_count(0)  # agreement says why a single annotator gives no figure
        assert not blocked, f"the page tried to reach the internet: {blocked}"
        assert not errors, f"uncaught errors in the page: {errors}"
    except BaseException:
        shot = tmp_path / "newcomer-failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}\nserver log: {lab.log_path}\nblocked requests: {blocked}")
        raise
    finally:
        context.close()
