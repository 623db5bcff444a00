"""Start an isolated JupyterLab and drive it from Playwright, for the tests in tests/browser.

Playwright is imported inside functions only, so this module (and the conftest that uses it)
imports on machines without it, where the browser tests are skipped instead of erroring.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import fcntl
import http.cookiejar
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Tests never touch the internet: any host name other than the local server fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)
MISSING_MESSAGE = (
    "browser tests need Debian's chromium at /usr/bin/chromium and the playwright package: "
    "sudo apt-get install -y chromium && pip install -e '.[test]'; they always run when CI=true"
)
ARTIFACTS_ENV = "FACTCHECK_BROWSER_ARTIFACTS"

SERVER_START_TIMEOUT_S = 120.0
KERNEL_EXIT_TIMEOUT_S = 60.0
KERNEL_TIMEOUT_MS = 120_000
UI_TIMEOUT_MS = 60_000
THEMES = {"dark": "JupyterLab Dark", "light": "JupyterLab Light"}

# Lab settings every test starts from: no news/update prompts (they also fetch from the internet).
_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
# Environment variables that would let the user's own Jupyter/IPython setup leak into the server.
_LEAKY_ENV_PREFIXES = ("JUPYTER", "IPYTHON")

_LAB_IDLE_JS = """() => {
  const items = Array.from(document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem'));
  return items.some((e) => {
    const text = e.textContent.trim();  // e.g. 'Python 3 (ipykernel) | Idle'
    return /\\|\\s*Idle$/.test(text) && !text.startsWith('No Kernel');
  });
}"""

# Notebook 7 has no status bar. Its toolbar's execution indicator (data-status) reads idle
# for a moment before the session has even started its kernel (seen here), so the session
# must also be ready and idle, with nothing in the kernel status banner ('Kernel Connecting').
_NOTEBOOK7_IDLE_JS = """() => {
  const indicator = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  const banner = document.querySelector('.jp-NotebookKernelStatus');
  const context = window.jupyterapp?.shell.currentWidget?.sessionContext;
  return indicator?.dataset.status === 'idle' && !(banner?.textContent.trim())
    && context?.isReady === true && context.kernelDisplayStatus === 'idle';
}"""

# The front end is Notebook 7 when its page marks the body data-notebook="notebooks" etc.
_IDLE_JS = f"""() => {{
  const idle = document.body.dataset.notebook !== undefined
    ? ({_NOTEBOOK7_IDLE_JS})() : ({_LAB_IDLE_JS})();
  const busy = Array.from(document.querySelectorAll('.jp-InputArea-prompt'))
    .some((e) => e.textContent.includes('*'));
  return idle && !busy;
}}"""

# Reads the current notebook's model (window.jupyterapp exists because the server runs with
# LabApp.expose_app_in_browser): non-empty code cells, those still waiting to run, whether the
# kernel went busy since _WATCH_BUSY_JS, and error outputs.
_NOTEBOOK_STATE_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model) return null;
  const cells = panel.content.model.cells;
  let runnable = 0;
  let pending = 0;
  const errors = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code' || !cell.sharedModel.getSource().trim()) continue;
    runnable++;
    if (cell.executionCount === null) pending++;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') errors.push(`cell ${i + 1}: ${out.ename}: ${out.evalue}`);
    }
  }
  return {runnable, pending, errors, busySeen: panel.harnessBusySeen === true};
}"""

# Before a run: note when the kernel goes busy, so a wait cannot end on the idle state of
# before the run (a notebook saved with execution counts looks finished until it restarts).
_WATCH_BUSY_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel.harnessWatchingBusy) {
    panel.sessionContext.statusChanged.connect((_, status) => {
      if (status === 'busy') panel.harnessBusySeen = true;
    });
    panel.harnessWatchingBusy = true;
  }
  panel.harnessBusySeen = false;
}"""


def running_in_ci() -> bool:
    """Whether CI=true, where browser tests must run (and fail) rather than skip."""
    return os.environ.get("CI", "").strip().lower() == "true"


def missing_browser_requirements() -> list[str]:
    """Name what the browser tests need but this machine lacks; empty when all is there."""
    missing = []
    if not (CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)):
        missing.append(str(CHROMIUM_PATH))
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package")
    return missing


@dataclass
class JupyterLab:
    """A JupyterLab server started for the tests, with its own config, data and runtime dirs."""

    url: str
    port: int
    root_dir: Path
    base_dir: Path
    process: subprocess.Popen[bytes]
    startup_seconds: float = 0.0
    home_path: str = "lab"  # the page that sets the _xsrf cookie: "lab" or Notebook 7's "tree"
    _opener: urllib.request.OpenerDirector | None = field(default=None, repr=False)
    _cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar, repr=False)

    @property
    def runtime_dir(self) -> Path:
        """JUPYTER_RUNTIME_DIR of the server; kernel connection files live here."""
        return self.base_dir / "runtime"

    @property
    def settings_dir(self) -> Path:
        """The lab's user-settings dir (theme changes and such are saved here)."""
        return self.base_dir / "user-settings"

    @property
    def log_path(self) -> Path:
        """Where the server's stdout and stderr go."""
        return self.base_dir / "server.log"

    def copy_notebook(self, src: Path, name: str) -> Path:
        """Copy a notebook into the server's root dir as `name` and return its new path."""
        dest = self.root_dir / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        return dest

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the server's REST API (echoing the _xsrf cookie) and return the decoded JSON."""
        if self._opener is None:
            self._opener = urllib.request.build_opener(
                urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self._cookies)
            )
            # The home page sets the _xsrf cookie that every non-GET request must echo.
            self._opener.open(f"{self.url}/{self.home_path}", timeout=30).read()
        xsrf = next((c.value for c in self._cookies if c.name == "_xsrf"), "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"},
        )
        with self._opener.open(request, timeout=60) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def kernels(self) -> list[dict[str, Any]]:
        """The kernels the server is running, as GET /api/kernels lists them."""
        return self.api("GET", "api/kernels")

    def kernel_processes(self) -> list[int]:
        """Process ids of live kernels started by this server (found by their connection file)."""
        return _pids_with_argument_containing(str(self.runtime_dir / "kernel-"))

    def shutdown_kernels(self, timeout: float = KERNEL_EXIT_TIMEOUT_S) -> None:
        """Shut down every session and kernel over REST, then wait for the processes to exit."""
        for session in self.api("GET", "api/sessions"):
            _delete_ignoring_missing(self, f"api/sessions/{session['id']}")
        for kernel in self.kernels():
            _delete_ignoring_missing(self, f"api/kernels/{kernel['id']}")
        deadline = time.monotonic() + timeout
        while (pids := self.kernel_processes()) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pids:
            raise RuntimeError(
                f"kernel processes {pids} still run {timeout:.0f} s after their REST shutdown; "
                f"see {self.log_path}"
            )

    def reset_user_settings(self) -> None:
        """Put the lab's user settings and workspaces back to how every test starts."""
        shutil.rmtree(self.settings_dir, ignore_errors=True)
        shutil.rmtree(self.base_dir / "workspaces", ignore_errors=True)
        _write_user_settings(self.settings_dir)
        (self.base_dir / "workspaces").mkdir()

    def stop(self, timeout: float = 30.0) -> None:
        """Terminate the server's process group (SIGTERM, then SIGKILL after `timeout` s)."""
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server log, for error messages."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def start_jupyter_lab(base_dir: Path, *, timeout: float = SERVER_START_TIMEOUT_S) -> JupyterLab:
    """Start `python -m jupyterlab` isolated under base_dir and wait until /api/status answers."""
    return _start_server(base_dir, "jupyterlab", "LabApp", timeout=timeout)


def start_notebook7(base_dir: Path, *, timeout: float = SERVER_START_TIMEOUT_S) -> JupyterLab:
    """Start `python -m notebook` (Notebook 7) isolated like start_jupyter_lab; home is /tree."""
    server = _start_server(base_dir, "notebook", "JupyterNotebookApp", timeout=timeout)
    server.home_path = "tree"
    return server


def _start_server(
    base_dir: Path, module: str, app: str, *, timeout: float = SERVER_START_TIMEOUT_S
) -> JupyterLab:
    """Start `python -m module` (a LabServerApp named app) isolated under base_dir.

    Free port on 127.0.0.1, empty token, root_dir, config, data, runtime, settings and
    workspaces under base_dir; returns once /api/status answers.
    """
    name = "JupyterLab" if module == "jupyterlab" else f"python -m {module}"
    root_dir = base_dir / "root"
    for sub in ("root", "config", "data", "runtime", "ipython", "workspaces"):
        (base_dir / sub).mkdir(parents=True, exist_ok=True)
    _write_user_settings(base_dir / "user-settings")
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_ENV_PREFIXES)}
    env.update(
        JUPYTER_CONFIG_DIR=str(base_dir / "config"),
        JUPYTER_DATA_DIR=str(base_dir / "data"),
        JUPYTER_RUNTIME_DIR=str(base_dir / "runtime"),
        # The venv's share/jupyter (kernel specs, lab extensions such as ipywidgets') stays first.
        JUPYTER_PREFER_ENV_PATH="1",
        IPYTHONDIR=str(base_dir / "ipython"),
        PYTHONUNBUFFERED="1",
    )
    command = [
        sys.executable,
        "-m",
        module,
        "--no-browser",
        "--allow-root",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",  # the OS picks a free port; read back from jpserver-<pid>.json
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root_dir}",
        f"--{app}.user_settings_dir={base_dir / 'user-settings'}",
        f"--{app}.workspaces_dir={base_dir / 'workspaces'}",
        # Lab's server extension also runs under Notebook 7: keep its news and updates off.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--{app}.expose_app_in_browser=True",
        # Safety net if pytest is killed: orphaned kernels and an idle server end by themselves.
        "--MappingKernelManager.cull_idle_timeout=900",
        "--ServerApp.shutdown_no_activity_timeout=900",
    ]
    started = time.monotonic()
    process = spawn_server(command, cwd=root_dir, env=env, log_path=base_dir / "server.log")
    lab = JupyterLab(url="", port=0, root_dir=root_dir, base_dir=base_dir, process=process)
    info_file = base_dir / "runtime" / f"jpserver-{process.pid}.json"
    deadline = started + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{name} exited with code {process.returncode} before it answered "
                f"/api/status; its log ({lab.log_path}) ends:\n{lab.log_tail()}"
            )
        if not lab.port and info_file.exists():
            # A half-written file fails to parse; it is read again on the next round.
            with contextlib.suppress(ValueError, KeyError):
                lab.port = int(json.loads(info_file.read_text(encoding="utf-8"))["port"])
            lab.url = f"http://127.0.0.1:{lab.port}" if lab.port else ""
        if lab.port and _answers(f"{lab.url}/api/status"):
            lab.startup_seconds = time.monotonic() - started
            return lab
        time.sleep(0.1)
    lab.stop()
    raise RuntimeError(
        f"{name} did not answer /api/status within {timeout:.0f} s; "
        f"its log ({lab.log_path}) ends:\n{lab.log_tail()}"
    )


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's chromium headless with the flags that keep it quiet and offline."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM_PATH), headless=True, args=list(CHROMIUM_ARGS)
    )


def write_notebook(path: Path, cells: list[str], kernel: str = "python3") -> Path:
    """Write a notebook of code cells (no outputs) that opens with the named kernel."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def open_lab(page: Page, lab: JupyterLab, *, timeout: int = UI_TIMEOUT_MS) -> None:
    """Open the lab with a fresh workspace and wait until every plugin has started."""
    page.goto(f"{lab.url}/lab?reset", timeout=timeout)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    dismiss_toasts(page)


def open_notebook(
    page: Page, lab: JupyterLab, name: str, *, timeout: int = KERNEL_TIMEOUT_MS
) -> None:
    """Open root_dir/name in a fresh workspace and wait until its kernel is idle."""
    page.goto(f"{lab.url}/lab/tree/{quote(name)}?reset", timeout=timeout)
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=timeout)
    wait_for_idle(page, timeout=timeout)
    dismiss_toasts(page)


def open_notebook7(
    page: Page, server: JupyterLab, name: str, *, timeout: int = KERNEL_TIMEOUT_MS
) -> None:
    """Open root_dir/name in Notebook 7's notebook page and wait until its kernel is idle."""
    page.goto(f"{server.url}/notebooks/{quote(name)}", timeout=timeout)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout)
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=timeout)
    wait_for_idle(page, timeout=timeout)
    dismiss_toasts(page)


def wait_for_idle(page: Page, *, timeout: int = KERNEL_TIMEOUT_MS) -> None:
    """Wait until the kernel is idle and no cell prompt shows [*].

    In JupyterLab the status bar must read '... | Idle'; in Notebook 7 the toolbar's
    execution indicator must say idle with the session ready and no kernel status banner.
    """
    page.wait_for_function(_IDLE_JS, timeout=timeout, polling=100)


def run_all_cells(
    page: Page, *, timeout: int = KERNEL_TIMEOUT_MS, check_errors: bool = True
) -> None:
    """Run all cells from the Run menu and wait until every one has run and the kernel is idle.

    Raises AssertionError naming the cell and exception when a cell raised (unless
    check_errors=False), so a broken notebook fails fast instead of timing out later.
    """
    page.evaluate(_WATCH_BUSY_JS)
    _click_menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        f"""() => {{
          const state = ({_NOTEBOOK_STATE_JS})();
          return state !== null && (state.busySeen || state.runnable === 0)
            && (state.pending === 0 || state.errors.length > 0) && ({_IDLE_JS})();
        }}""",
        timeout=timeout,
        polling=100,
    )
    if check_errors and (errors := cell_errors(page)):
        raise AssertionError("cells raised while running all: " + "; ".join(errors))


def cell_errors(page: Page) -> list[str]:
    """The error outputs of the current notebook, as 'cell N: Name: message'."""
    state = page.evaluate(_NOTEBOOK_STATE_JS)
    return [] if state is None else list(state["errors"])


def set_theme(page: Page, theme: str) -> None:
    """Switch the lab theme through Settings > Theme ('dark', 'light' or a full theme name)."""
    name = THEMES.get(theme, theme)
    _click_menu(page, "Settings", "Theme", name)
    page.wait_for_function(
        "name => document.body.dataset.jpThemeName === name", arg=name, timeout=UI_TIMEOUT_MS
    )


def dismiss_toasts(page: Page, *, timeout: int = 10_000) -> None:
    """Close every notification toast (they can cover the lower right of the page)."""
    page.wait_for_function(
        """() => {
          document.querySelectorAll('.jp-Notification-Toast-Close').forEach((b) => b.click());
          return document.querySelectorAll('.Toastify__toast').length === 0;
        }""",
        timeout=timeout,
        polling=100,
    )


def wait_for_file(path: Path, *, timeout: float = 30.0) -> Path:
    """Wait until a file exists and is not empty (e.g. written by the kernel); return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and path.stat().st_size > 0:
            return path
        time.sleep(0.05)
    raise AssertionError(f"{path} did not appear within {timeout:.0f} s")


@dataclass(frozen=True)
class ClickTiming:
    """When one click that logs one CSV row happened, in epoch seconds of the machine's clock.

    The browser, the kernel and the test read the same clock, so the differences are latencies.
    """

    clicked: float  # the browser's Date.now() just before it dispatched the click (1 ms steps)
    recorded: float  # the row's timestamp: the kernel's clock when the log took the row
    on_disk: float  # the test saw the row in the file with the log's lock free: fsync returned
    shown: float | None  # the browser saw the clicked button get `shown_class`; None if never
    row: dict[str, str]  # the logged row

    @property
    def click_to_record_ms(self) -> float:
        """Click to the kernel's timestamp of the row (browser, server, kernel, handler)."""
        return (self.recorded - self.clicked) * 1000

    @property
    def click_to_disk_ms(self) -> float:
        """Click to the row written and fsynced (the label is safe from a crash from here)."""
        return (self.on_disk - self.clicked) * 1000

    @property
    def click_to_shown_ms(self) -> float | None:
        """Click to the page showing the label as chosen, or None when it never did."""
        return None if self.shown is None else (self.shown - self.clicked) * 1000


# Clicks `button` and resolves with [Date.now() just before the click, Date.now() when the
# button's class list first contains `shownClass` (null after 10 s)].
_TIMED_CLICK_JS = """async ([button, shownClass]) => {
  const shown = new Promise((resolve) => {
    const done = (time) => { observer.disconnect(); clearTimeout(timer); resolve(time); };
    const observer = new MutationObserver(() => {
      if (button.classList.contains(shownClass)) done(Date.now());
    });
    const timer = setTimeout(() => done(null), 10000);
    observer.observe(button, {attributes: true, attributeFilter: ['class']});
  });
  const clicked = Date.now();
  button.click();
  return [clicked, await shown];
}"""


def time_click(
    page: Page,
    selector: str,
    log: Path,
    *,
    shown_class: str = "fc-chosen",
    timeout: float = 30.0,
) -> ClickTiming:
    """Click the element `selector` in the page and time it until its row is fsynced in `log`.

    A thread polls the file every 0.2 ms from before the click: the row counts as on disk
    once it is in the file and the log's lock file (`log`.lock, held through the fsync) is
    free. Expects exactly one new row; the button must not already have `shown_class`.
    """
    handle = page.locator(selector).element_handle()
    before = log.stat().st_size if log.exists() else 0
    watcher = _RowWatcher(log, before, timeout)
    watcher.start()
    try:
        clicked_ms, shown_ms = page.evaluate(_TIMED_CLICK_JS, [handle, shown_class])
        watcher.join(timeout)
    finally:
        watcher.stop = True
        watcher.join()
    if watcher.seen is None:
        raise AssertionError(f"no complete row reached {log} within {timeout:.0f} s of the click")
    with log.open(encoding="utf-8", newline="") as handle:
        header = None if before == 0 else next(csv.reader(handle))  # new files start with it
    (row,) = csv.DictReader(io.StringIO(watcher.data.decode("utf-8")), fieldnames=header)
    return ClickTiming(
        clicked=clicked_ms / 1000,
        recorded=datetime.fromisoformat(row["timestamp"]).timestamp(),
        on_disk=watcher.seen,
        shown=None if shown_ms is None else shown_ms / 1000,
        row=row,
    )


class _RowWatcher(threading.Thread):
    """Polls a CSV log until it holds a new complete row and its lock is free; notes the time."""

    def __init__(self, log: Path, size: int, timeout: float) -> None:
        super().__init__(daemon=True)
        self.log, self.size, self.timeout = log, size, timeout
        self.lock = Path(f"{log}.lock")
        self.seen: float | None = None
        self.data = b""
        self.stop = False

    def run(self) -> None:
        deadline = time.monotonic() + self.timeout
        while not self.stop and time.monotonic() < deadline:
            with contextlib.suppress(FileNotFoundError):
                if os.stat(self.log).st_size > self.size and _lock_is_free(self.lock):
                    now = time.time()
                    with self.log.open("rb") as handle:
                        handle.seek(self.size)
                        data = handle.read()
                    if data.endswith(b"\n"):
                        self.seen, self.data = now, data
                        return
            time.sleep(0.0002)


def _lock_is_free(path: Path) -> bool:
    """Whether no process holds the flock on `path` (a missing lock file is free).

    Takes the lock for an instant when it is free: call it only when the writer is done.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def expect(actual: Any, message: str | None = None) -> Any:
    """Playwright's expect, imported lazily so test modules import without playwright."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual, message)


def artifacts_dir(lab: JupyterLab) -> Path:
    """Where failure screenshots go: $FACTCHECK_BROWSER_ARTIFACTS or the lab's temp dir."""
    directory = Path(os.environ.get(ARTIFACTS_ENV) or lab.base_dir / "artifacts")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _click_menu(page: Page, menu: str, *items: str) -> None:
    """Open a main-menu menu by its label, then click the enabled items labelled `items` in turn.

    The menu bar is #jp-menu-panel in JupyterLab and #jp-MainMenu in Notebook 7.
    """
    notebook7 = page.evaluate("() => document.body.dataset.notebook !== undefined")
    menubar = page.locator("#jp-MainMenu" if notebook7 else "#jp-menu-panel")
    menubar.get_by_role("menuitem", name=menu, exact=True).click()
    for label in items:
        exact_label = page.locator(
            ".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(label)}$")
        )
        page.locator(".lm-Menu .lm-Menu-item:not(.lm-mod-disabled)", has=exact_label).click(
            timeout=UI_TIMEOUT_MS
        )


def _write_user_settings(settings_dir: Path) -> None:
    """Write the lab user settings every test starts from."""
    for relative, values in _USER_SETTINGS.items():
        path = settings_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


def _terminate_when_parent_dies() -> None:
    """In the server's process before exec: have Linux SIGTERM it if pytest dies untidily.

    A killed pytest (timeout, SIGKILL) runs no teardown; on SIGTERM the server still shuts
    down its kernels, so nothing outlives the test run.
    """
    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


def spawn_server(
    argv: list[str], *, cwd: Path, env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start a server in its own process group (so teardown can end all of it), logging to
    ``log_path``; on Linux it also dies with pytest."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_terminate_when_parent_dies if sys.platform == "linux" else None,
        )


def _answers(url: str) -> bool:
    """Whether a GET of url returns 200 (no proxy: the server is local)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _delete_ignoring_missing(lab: JupyterLab, path: str) -> None:
    """DELETE a REST resource; one that has already gone (404) is fine."""
    try:
        lab.api("DELETE", path)
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """Send a signal to the process group led by pid, if it still exists."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _pids_with_argument_containing(text: str) -> list[int]:
    """Pids of live processes with a command-line argument containing text."""
    proc = Path("/proc")
    if not proc.is_dir():  # macOS and friends
        out = subprocess.run(
            ["ps", "-axww", "-o", "pid=,args="], capture_output=True, text=True, check=True
        ).stdout
        return [int(line.split(None, 1)[0]) for line in out.splitlines() if text in line]
    pids = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # exited while we looked
        if any(text.encode() in argument for argument in arguments):
            pids.append(int(entry.name))
    return pids


# ---------------------------------------------------------------------------------------------
# Voilà (the no-code student app)


@dataclass
class VoilaServer:
    """A Voilà server started for the tests, serving one notebook from its own temp dirs."""

    url: str
    port: int
    base_dir: Path
    process: subprocess.Popen[bytes]
    startup_seconds: float = 0.0

    @property
    def runtime_dir(self) -> Path:
        """JUPYTER_RUNTIME_DIR of the server; its kernels' connection files live here."""
        return self.base_dir / "runtime"

    @property
    def log_path(self) -> Path:
        """Where the server's stdout and stderr go."""
        return self.base_dir / "voila.log"

    def kernel_processes(self) -> list[int]:
        """Process ids of live kernels started by this server (found by their connection file)."""
        return _pids_with_argument_containing(str(self.runtime_dir / "kernel-"))

    def stop(self, timeout: float = 30.0) -> list[int]:
        """Stop the server (SIGTERM: Voilà shuts its kernels down), then SIGKILL any kernel
        left; returns the pids of kernels that outlived the server."""
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        deadline = time.monotonic() + KERNEL_EXIT_TIMEOUT_S / 4
        while (leftovers := self.kernel_processes()) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return leftovers

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server log, for error messages."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (Voilà cannot report a port it picked)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_voila(
    base_dir: Path,
    notebook: Path,
    env: dict[str, str],
    *,
    command: Callable[[int], list[str]] | None = None,
    timeout: float = SERVER_START_TIMEOUT_S,
) -> VoilaServer:
    """Start `python -m voila notebook` on 127.0.0.1 and a free port, isolated under base_dir,
    with ``env`` added to its environment; wait until it is running.

    ``command(port)`` gives the command line instead (e.g. the one ``classroom serve`` runs).
    """
    for sub in ("config", "data", "runtime", "ipython"):
        (base_dir / sub).mkdir(parents=True, exist_ok=True)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_ENV_PREFIXES)}
    full_env.update(
        JUPYTER_CONFIG_DIR=str(base_dir / "config"),
        JUPYTER_DATA_DIR=str(base_dir / "data"),
        JUPYTER_RUNTIME_DIR=str(base_dir / "runtime"),
        JUPYTER_PREFER_ENV_PATH="1",
        IPYTHONDIR=str(base_dir / "ipython"),
        PYTHONUNBUFFERED="1",
    )
    full_env.update(env)
    port = free_port()
    argv = (
        command(port)
        if command is not None
        else [
            sys.executable,
            "-m",
            "voila",
            str(notebook),
            f"--port={port}",
            "--Voila.port_retries=0",
            "--Voila.ip=127.0.0.1",
            "--no-browser",
            "--theme=light",
            # Safety net if pytest is killed: orphaned kernels end by themselves.
            "--MappingKernelManager.cull_idle_timeout=900",
        ]
    )
    started = time.monotonic()
    process = spawn_server(argv, cwd=base_dir, env=full_env, log_path=base_dir / "voila.log")
    server = VoilaServer(f"http://127.0.0.1:{port}", port, base_dir, process)
    deadline = started + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Voilà exited with code {process.returncode} before it answered; its log "
                f"({server.log_path}) ends:\n{server.log_tail()}"
            )
        if _answers(f"{server.url}/api/status") or _answers(f"{server.url}/voila/static/"):
            break
        if "Voilà is running at" in server.log_tail(10):
            break
        time.sleep(0.1)
    else:
        server.stop()
        raise RuntimeError(
            f"Voilà did not start within {timeout:.0f} s; its log ({server.log_path}) ends:\n"
            f"{server.log_tail()}"
        )
    server.startup_seconds = time.monotonic() - started
    return server


# --- The labelling notebook and the annotator's page elements, shared by the browser tests.

REPO_ROOT = Path(__file__).resolve().parents[2]
LABEL_NOTEBOOK = REPO_ROOT / "notebooks" / "01-label-articles.ipynb"
READY = ".fc-annotator[data-fc-ready]:not([data-fc-old])"


def copy_label_notebook(lab, name: str, annotator: str, articles: str | None = None) -> Path:
    """Copy the project's labelling notebook into the lab, with a name and articles set."""
    import nbformat

    path = lab.copy_notebook(LABEL_NOTEBOOK, name)
    notebook = nbformat.read(path, as_version=4)
    settings = next(c for c in notebook.cells if "ANNOTATOR =" in c.source)
    placeholder = next(n for n in ('"your-name"', '"your name"') if n in settings.source)
    settings.source = settings.source.replace(placeholder, repr(annotator))
    if articles is not None:
        settings.source = settings.source.replace("ARTICLES = None", f"ARTICLES = {articles!r}")
    nbformat.write(notebook, path)
    return path


def wait_for_rows(path: Path, count: int, timeout: float = 30.0) -> list[dict[str, str]]:
    """The CSV log's rows once it has at least ``count`` of them."""
    deadline = time.monotonic() + timeout
    rows: list[dict[str, str]] = []
    while time.monotonic() < deadline:
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            if len(rows) >= count:
                return rows
        time.sleep(0.02)
    raise AssertionError(f"{path} has {len(rows)} rows, expected {count} within {timeout:.0f} s")


def has_class(css_class: str) -> re.Pattern[str]:
    """A pattern for a class attribute that contains ``css_class``."""
    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")


def annotator_in(page):
    """The annotator's container once its keyboard bridge has attached."""
    container = page.locator(READY)
    expect(container).to_be_visible()
    return container


def row(page, slot: int):
    return page.locator(f"{READY} .fc-row-{slot}")


# --- Newcomer's-path helpers (tests/_venv.py, tests/test_newcomer.py,
# tests/browser/test_newcomer_browser.py): servers started outside this module.


def kernel_pids(runtime_dir: Path) -> list[int]:
    """Pids of live kernels whose connection file lies in ``runtime_dir`` (any server's)."""
    return _pids_with_argument_containing(str(Path(runtime_dir) / "kernel-"))


def write_default_lab_settings(settings_dir: Path) -> None:
    """Write the user settings every test's lab starts from (no news, no update checks)."""
    _write_user_settings(Path(settings_dir))


# --- The labelling widget's page actions: kernel restart, saving, README screenshots.
# (Block kept by the widget's tests and scripts/make_screenshots.py; append-only.)


def restart_kernel(page: Page, *, timeout: int = KERNEL_TIMEOUT_MS) -> None:
    """Restart the notebook's kernel as a user does (Kernel menu, then Restart in the dialog)
    and wait until it is idle again."""
    _click_menu(page, "Kernel", "Restart Kernel…")
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click(timeout=UI_TIMEOUT_MS)
    page.locator(".jp-Dialog").wait_for(state="detached", timeout=UI_TIMEOUT_MS)
    wait_for_idle(page, timeout=timeout)


def shut_down_kernel(page: Page, *, timeout: int = UI_TIMEOUT_MS) -> None:
    """Shut the notebook's kernel down from the Kernel menu (no restart) and wait for it."""
    _click_menu(page, "Kernel", "Shut Down Kernel")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel",
        timeout=timeout,
        polling=100,
    )


def save_notebook(page: Page, *, timeout: int = UI_TIMEOUT_MS) -> None:
    """Save the current notebook (File > Save Notebook) and wait until it is no longer dirty."""
    _click_menu(page, "File", "Save Notebook")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.context?.model?.dirty === false",
        timeout=timeout,
        polling=100,
    )


def screenshot_annotator(page: Page, container: Any, path: Path) -> Path:
    """Save a PNG of the annotator's top (as much as fits in the viewport) to ``path``."""
    container.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    box = container.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    top = max(box["y"] - 8, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(path),
        clip={
            "x": max(box["x"] - 8, 0),
            "y": top,
            "width": box["width"] + 16,
            "height": min(box["height"] + 16, viewport["height"] - top - 30),
        },
    )
    return wait_for_file(path)


# --- Classroom server helpers (added by the classroom engineer; tests/test_student.py and
# tests/browser/test_student_browser.py use them).


def kernel_pids_under(pid: int) -> list[int]:
    """Pids of the ipykernel processes descending from ``pid`` (Linux ``/proc``; ``[]``
    elsewhere). Counts the kernels of a Voilà or ``classroom serve`` process tree, wherever
    Voilà keeps their connection files."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    children: dict[int, list[int]] = {}
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited while we looked
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            try:
                if b"ipykernel" in (proc / str(child) / "cmdline").read_bytes():
                    found.append(child)
            except OSError:
                continue
    return found
