"""Fixtures for real-browser tests: one JupyterLab per package run, a fresh page per test.

Every test in tests/browser is marked `browser`. Without chromium or playwright they skip,
unless CI=true: there they run, and the missing piece is reported as a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.harness import (
    MISSING_MESSAGE,
    JupyterLab,
    artifacts_dir,
    launch_chromium,
    missing_browser_requirements,
    running_in_ci,
    start_jupyter_lab,
    start_notebook7,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

BROWSER_DIR = Path(__file__).resolve().parent
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in tests/browser `browser`; skip them when chromium/playwright is missing."""
    missing = missing_browser_requirements()
    skip = pytest.mark.skip(reason=MISSING_MESSAGE) if missing and not running_in_ci() else None
    for item in items:
        if BROWSER_DIR not in item.path.resolve().parents:
            continue
        if item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if skip is not None:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """Keep each phase's report on the item, so lab_page can screenshot failed tests."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="package")
def playwright_session() -> Iterator[Playwright]:
    """The sync Playwright driver; fails (never skips) when a requirement is missing under CI."""
    if missing := missing_browser_requirements():
        pytest.fail(f"{MISSING_MESSAGE} (missing: {', '.join(missing)})", pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    # Two shared cores on CI: give assertions on the page time before they fail.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def chromium_browser(playwright_session: Playwright) -> Iterator[Browser]:
    """Debian's chromium, headless, shared by the tests of this package."""
    browser = launch_chromium(playwright_session)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """A JupyterLab server isolated in a temp dir; every kernel is gone after teardown."""
    lab = start_jupyter_lab(tmp_path_factory.mktemp("jupyter-lab"))
    with _stopped_at_teardown(lab, "JupyterLab"):
        yield lab


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """A Jupyter Notebook 7 server, isolated like jupyter_lab, for the modules that use it."""
    server = start_notebook7(tmp_path_factory.mktemp("notebook7"))
    with _stopped_at_teardown(server, "Notebook 7"):
        yield server


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught page errors of this test's lab_page, in order."""
    return []


@pytest.fixture
def lab_page(
    request: pytest.FixtureRequest,
    chromium_browser: Browser,
    jupyter_lab: JupyterLab,
    console_errors: list[str],
) -> Iterator[Page]:
    """A page in a fresh browser context; `lab_page.console_errors` is the console_errors list.

    At teardown the context closes, the test's kernels are shut down and the lab settings
    (e.g. a theme set by the test) are reset, so tests do not leak into each other.
    """
    yield from _server_page(request, chromium_browser, jupyter_lab, console_errors)


@pytest.fixture
def notebook7_page(
    request: pytest.FixtureRequest,
    chromium_browser: Browser,
    notebook7: JupyterLab,
    console_errors: list[str],
) -> Iterator[Page]:
    """Like lab_page, for the Notebook 7 server (same teardown: context, kernels, settings)."""
    yield from _server_page(request, chromium_browser, notebook7, console_errors)


def _server_page(
    request: pytest.FixtureRequest,
    chromium_browser: Browser,
    jupyter_lab: JupyterLab,
    console_errors: list[str],
) -> Iterator[Page]:
    """The body of lab_page and notebook7_page: a page on ``jupyter_lab``, cleaned up after."""
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            console_errors.append(f"console.error: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    page.console_errors = console_errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        try:
            report = request.node.stash.get(_REPORTS, {}).get("call")
            if report is not None and report.failed and not page.is_closed():
                name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
                shot = artifacts_dir(jupyter_lab) / f"{name}.png"
                page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot: {shot}\nserver log: {jupyter_lab.log_path}")
        finally:
            context.close()
            jupyter_lab.shutdown_kernels()
            jupyter_lab.reset_user_settings()


@contextlib.contextmanager
def _stopped_at_teardown(server: JupyterLab, name: str) -> Iterator[None]:
    """Shut down the server's kernels, stop it, and fail if a kernel process outlived it."""
    try:
        yield
    finally:
        try:
            if server.process.poll() is None:
                server.shutdown_kernels()
        finally:
            server.stop()
            # Kernels run in their own sessions, so stopping the server's group cannot reach
            # them; any still alive here were leaked by the server: end them and fail.
            if leftovers := server.kernel_processes():
                for pid in leftovers:
                    _kill(pid)
                pytest.fail(f"kernel processes {leftovers} outlived the {name} server")


def _kill(pid: int) -> None:
    """SIGKILL one leaked kernel process of ours, if it still exists."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
