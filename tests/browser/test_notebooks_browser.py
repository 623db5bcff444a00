"""The explore and class-review notebooks in a real JupyterLab: every chart draws, offline.

The notebooks find the example logs through ``factcheck.examples_path()``; the copy of
annotations/examples/ beside them keeps the repository's layout for any relative path. The
browser resolves no host but 127.0.0.1, so a chart that needed a CDN would stay blank.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser.harness import JupyterLab, expect, open_notebook, run_all_cells

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]

# Chart outputs in the notebook model (Altair's JupyterChart is a widget view) and the
# .vega-embed elements that have drawn an svg or canvas.
_CHARTS_JS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  let outputs = 0;
  for (let i = 0; i < cells.length; i++) {
    for (const out of cells.get(i).outputs?.toJSON() ?? []) {
      if ('application/vnd.jupyter.widget-view+json' in (out.data ?? {})) outputs++;
    }
  }
  const embeds = Array.from(document.querySelectorAll('.jp-OutputArea-output .vega-embed'));
  const drawn = embeds.filter((e) => e.querySelector('svg.marks, canvas.marks')).length;
  return {outputs, embeds: embeds.length, drawn};
}"""


def copy_with_examples(lab: JupyterLab, notebook: str) -> str:
    """Copy notebooks/<notebook> and annotations/examples/ into the lab; return the lab path."""
    examples = lab.root_dir / "annotations" / "examples"
    if not examples.exists():
        shutil.copytree(REPO_ROOT / "annotations" / "examples", examples)
    lab.copy_notebook(REPO_ROOT / "notebooks" / notebook, f"notebooks/{notebook}")
    return f"notebooks/{notebook}"


def outside_requests(page, lab: JupyterLab) -> list[str]:
    """Start collecting the URLs the page requests from anywhere but the lab server."""
    urls: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((lab.url, "data:", "blob:", "about:"))
            else urls.append(request.url)
        ),
    )
    return urls


@pytest.mark.parametrize(
    ("notebook", "charts", "other_widgets", "text"),
    [
        # five views of the labels and the model's learning curve
        ("02-explore-annotations.ipynb", 6, 0, "labels by 4 annotators"),
        # scores, three vote charts, and the live view widget (not a chart)
        ("04-class-review.ipynb", 1 + 3, 1, "9 students, "),
    ],
)
def test_notebook_draws_every_altair_chart_offline_without_errors(
    jupyter_lab, lab_page, notebook, charts, other_widgets, text
):
    """Test that running the notebook in the lab draws each of its charts, offline, cleanly."""
    outside = outside_requests(lab_page, jupyter_lab)
    open_notebook(lab_page, jupyter_lab, copy_with_examples(jupyter_lab, notebook))
    run_all_cells(lab_page)

    lab_page.wait_for_function(
        f"() => ({_CHARTS_JS})().drawn >= {charts}", timeout=60_000, polling=200
    )
    found = lab_page.evaluate(_CHARTS_JS)
    assert found == {"outputs": charts + other_widgets, "embeds": charts, "drawn": charts}
    expect(lab_page.locator(".jp-OutputArea-output").filter(has_text=text)).to_have_count(1)
    expect(lab_page.locator(".jp-OutputArea-output", has_text="JavaScript Error")).to_have_count(0)
    assert lab_page.console_errors == []
    assert outside == []
