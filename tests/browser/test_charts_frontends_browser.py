"""factcheck charts beyond JupyterLab: Notebook 7 and Voilà draw them offline, no extra line.

Each notebook is only ``factcheck.charts.label_mix(...)`` on the bundled example logs:
importing factcheck.charts switches Altair to its bundled-Vega renderer, so nothing is
fetched from a CDN. Every request the page makes to a host other than 127.0.0.1 is
recorded and fails the test.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.harness import (
    expect,
    open_notebook7,
    run_all_cells,
    start_voila,
    write_notebook,
)

pytestmark = pytest.mark.browser

CHART_CELLS = [
    "import factcheck\n\ndf = factcheck.read_annotations(factcheck.examples_path())",
    'factcheck.charts.label_mix(df, "article")',
]
DRAWN = ".vega-embed svg.marks, .vega-embed canvas.marks"
# Notebook 7.6's own shortcuts extension throws this on every page load (jupyter/notebook#7862).
NOTEBOOK7_OWN_ERRORS = ("pageerror: Cannot read properties of undefined (reading 'schema')",)


def record_outside(page) -> list[str]:
    """Block and record every request the page makes to a host other than 127.0.0.1."""
    outside: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    return outside


def test_notebook7_draws_a_factcheck_chart_offline(notebook7, notebook7_page):
    """Test that in Notebook 7 a factcheck chart draws with no request outside 127.0.0.1."""
    page = notebook7_page
    outside = record_outside(page)
    write_notebook(notebook7.root_dir / "chart-nb7.ipynb", CHART_CELLS)
    open_notebook7(page, notebook7, "chart-nb7.ipynb")
    run_all_cells(page)
    page.locator(DRAWN).first.wait_for(state="attached", timeout=60_000)
    expect(page.locator(".jp-OutputArea-output", has_text="Error loading script")).to_have_count(0)
    assert outside == []
    assert [e for e in page.console_errors if e not in NOTEBOOK7_OWN_ERRORS] == []


VOILA_OWN_FONTS = "fontawesome-free"  # Voilà's default template links Font Awesome's CSS


@pytest.mark.parametrize("template", ["default", "factcheck"])
def test_voila_draws_a_factcheck_chart_offline(tmp_path, chromium_browser, template):
    """Test that Voilà renders a notebook's factcheck chart with every outside request blocked;
    Voilà's default template only asks for its icon font, factcheck's template for nothing."""
    import sys

    from factcheck.classroom_server import TEMPLATE, template_root

    notebook = write_notebook(tmp_path / "chart-voila.ipynb", CHART_CELLS)
    env = {"JUPYTER_PATH": str(template_root())} if template == "factcheck" else {}

    def command(port: int) -> list[str]:
        argv = [sys.executable, "-m", "voila", str(notebook), f"--port={port}",
                "--Voila.port_retries=0", "--Voila.ip=127.0.0.1", "--no-browser",
                "--MappingKernelManager.cull_idle_timeout=900"]  # fmt: skip
        return [*argv, f"--template={TEMPLATE}"] if template == "factcheck" else argv

    server = start_voila(tmp_path / "voila", notebook, env, command=command)
    try:
        context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(90_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        outside = record_outside(page)
        page.goto(server.url)
        page.locator(DRAWN).first.wait_for(state="attached", timeout=90_000)
        assert page.locator("text=Error loading script").count() == 0
        context.close()
    finally:
        leftovers = server.stop()
    assert leftovers == [], f"kernel processes {leftovers} outlived the Voilà server"
    if template == "factcheck":
        assert outside == []
    else:
        assert outside and all(VOILA_OWN_FONTS in url for url in outside), outside
    assert errors == []
