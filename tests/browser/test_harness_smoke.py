"""Smoke tests of the browser harness: a real JupyterLab, a real kernel, a real chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.harness import (
    MISSING_MESSAGE,
    JupyterLab,
    cell_errors,
    dismiss_toasts,
    expect,
    open_lab,
    open_notebook,
    run_all_cells,
    set_theme,
    wait_for_file,
    write_notebook,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_widget_button_click_runs_its_handler_in_the_kernel(jupyter_lab, lab_page, console_errors):
    """Test that an ipywidgets Button renders in the lab and clicking it runs Python code."""
    target = jupyter_lab.root_dir / "clicked.txt"
    write_notebook(
        jupyter_lab.root_dir / "button.ipynb",
        [
            "from pathlib import Path\nimport ipywidgets as widgets",
            "button = widgets.Button(description='Mark as checked')\n"
            f"button.on_click(lambda _: Path({str(target)!r}).write_text('clicked'))\n"
            "button",
        ],
    )
    started = time.monotonic()
    open_notebook(lab_page, jupyter_lab, "button.ipynb")
    opened = time.monotonic()
    run_all_cells(lab_page)
    ran = time.monotonic()
    button = lab_page.locator(".jp-OutputArea-output button.jupyter-button")
    expect(button).to_have_text("Mark as checked")
    expect(button).to_be_visible()
    button.click()
    assert wait_for_file(target).read_text() == "clicked"
    done = time.monotonic()

    assert console_errors == []
    assert lab_page.console_errors is console_errors
    print(
        f"start-run-click cycle: server start {jupyter_lab.startup_seconds:.1f} s (once per run), "
        f"open {opened - started:.1f} s, run all {ran - opened:.1f} s, "
        f"click to file {done - ran:.1f} s, open-run-click {done - started:.1f} s"
    )


def test_shutdown_kernels_leaves_no_kernel_process(jupyter_lab: JupyterLab):
    """Test that shutdown_kernels ends every kernel the server started, process included."""
    kernel = jupyter_lab.api("POST", "api/kernels", {"name": "python3"})
    assert kernel["id"] in [k["id"] for k in jupyter_lab.kernels()]
    assert jupyter_lab.kernel_processes() != []

    jupyter_lab.shutdown_kernels()

    assert jupyter_lab.kernels() == []
    assert jupyter_lab.kernel_processes() == []


def test_run_all_cells_names_the_cell_that_raised(jupyter_lab, lab_page):
    """Test that run_all_cells fails fast with the exception of a raising cell."""
    write_notebook(jupyter_lab.root_dir / "raises.ipynb", ["share = 1 / 0", "print('unreached')"])
    open_notebook(lab_page, jupyter_lab, "raises.ipynb")

    with pytest.raises(AssertionError, match="cell 1: ZeroDivisionError: division by zero"):
        run_all_cells(lab_page)
    assert cell_errors(lab_page) == ["cell 1: ZeroDivisionError: division by zero"]


def test_set_theme_switches_theme_and_reset_restores_light(jupyter_lab, lab_page):
    """Test that set_theme applies dark/light and reset_user_settings undoes a saved theme."""
    open_lab(lab_page, jupyter_lab)
    body = lab_page.locator("body")
    expect(body).to_have_attribute("data-jp-theme-light", "true")

    set_theme(lab_page, "dark")
    expect(body).to_have_attribute("data-jp-theme-name", "JupyterLab Dark")
    expect(body).to_have_attribute("data-jp-theme-light", "false")
    set_theme(lab_page, "light")
    expect(body).to_have_attribute("data-jp-theme-light", "true")

    set_theme(lab_page, "dark")
    jupyter_lab.reset_user_settings()
    lab_page.reload()
    expect(body).to_have_attribute("data-jp-theme-name", "JupyterLab Light")


def test_lab_starts_with_news_and_update_checks_off(jupyter_lab, lab_page):
    """Test that the lab neither asks about nor fetches Jupyter news or update checks."""
    open_lab(lab_page, jupyter_lab)
    config = lab_page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
    )
    assert config["news"] == {"disabled": True}
    assert config["exposeAppInBrowser"] is True
    settings = jupyter_lab.api(
        "GET", "lab/api/settings/@jupyterlab/apputils-extension:notification"
    )["settings"]
    assert settings == {"fetchNews": "false", "checkForUpdates": False}


def test_dismiss_toasts_closes_every_notification(jupyter_lab, lab_page):
    """Test that dismiss_toasts closes toasts that would cover the lower right of the page."""
    open_lab(lab_page, jupyter_lab)
    for kind in ("info", "warning"):
        lab_page.evaluate(
            """kind => window.jupyterapp.commands.execute('apputils:notify', {
              message: `Saved 12 labels (${kind})`, type: kind, options: {autoClose: false}
            })""",
            kind,
        )
    toasts = lab_page.locator(".Toastify__toast")
    expect(toasts).to_have_count(2)

    dismiss_toasts(lab_page)

    expect(toasts).to_have_count(0)


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("true", "1 error")])
def test_missing_chromium_skips_locally_and_fails_under_ci(tmp_path, ci, outcome):
    """Test that without chromium browser tests skip, unless CI=true, where they error."""
    plugin = tmp_path / "pretend_no_chromium.py"
    plugin.write_text(
        "from pathlib import Path\n"
        "import tests.browser.harness as harness\n"
        "harness.CHROMIUM_PATH = Path('/nonexistent/chromium')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(REPO_ROOT)])
    if ci:
        env["CI"] = ci
    test_id = (
        f"{Path(__file__).relative_to(REPO_ROOT)}::test_dismiss_toasts_closes_every_notification"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "pretend_no_chromium",
            "-p",
            "no:cacheprovider",
            "-vv",
            "-rse",
            test_id,
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert outcome in result.stdout, result.stdout[-3000:]
    assert MISSING_MESSAGE in result.stdout
    if ci:
        assert "(missing: /nonexistent/chromium)" in result.stdout
