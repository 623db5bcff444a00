"""Build factcheck's sdist and wheel offline, install it in a throwaway venv, start its lab.

Everything happens in folders the caller gives (temp dirs): the sources are copied first, so
building never writes egg-info or build/ into the working tree. A throwaway venv gets only
factcheck, from the wheel or as an editable install of a copy of the repo (the README's own
setup), installed with no network; its dependencies come from the test runner's own
site-packages through one ``.pth`` file. A plain path line in a ``.pth`` file does not run
that folder's own ``.pth`` files, so the runner's editable install of factcheck stays
inactive there and the venv's own factcheck is the one imported.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.browser.harness import free_port, kernel_pids, spawn_server

ROOT = Path(__file__).resolve().parents[1]

# Built files and caches that must not be copied into the build tree.
_SKIP_NAMES = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache"}
_SKIP_NAMES |= {".hypothesis", ".ipynb_checkpoints"}
# Environment that would point a child at the runner's venv, a user config or a cache.
_LEAKY_PREFIXES = ("PYTHON", "PIP_", "VIRTUAL_ENV", "JUPYTER", "IPYTHON", "CONDA")
LAB_START_TIMEOUT_S = 120.0
KERNEL_EXIT_TIMEOUT_S = 30.0


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """os.environ without Python/pip/Jupyter settings, with HOME (and XDG dirs) under ``home``.

    pip gets no cache and no version check, so nothing is written outside the temp dirs and
    nothing is fetched.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_PREFIXES)}
    for sub in ("config", "cache", "data"):
        (home / f".{sub}").mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".data"),
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INDEX="1",
        PIP_NO_INPUT="1",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def run(
    argv: Sequence[str | os.PathLike[str]], *, cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; raise with its output when it fails."""
    result = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, argv))} (in {cwd}) exited with {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


# --- Sources and distributions ---------------------------------------------------------------


def source_files(root: Path = ROOT) -> list[Path]:
    """The project's files as a fresh clone would have them, plus new files not yet committed.

    Uses git (tracked and untracked-but-not-ignored files); without git, walks the tree and
    skips virtualenvs, caches and build output.
    """
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
        files = [Path(name) for name in out.decode().split("\0") if name]
        return [f for f in files if (root / f).is_file()]  # deleted but not yet committed
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(
            part in _SKIP_NAMES or part.endswith(".egg-info") for part in relative.parts
        ):
            files.append(relative)
    return files


def copy_sources(dest: Path, root: Path = ROOT) -> Path:
    """Copy the project's source files into ``dest`` (which must not exist) and return it.

    A file deleted while copying (someone else's work in the same tree) is left out.
    """
    for relative in source_files(root):
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            shutil.copy2(root / relative, target)
    return dest


MIN_SETUPTOOLS = (77,)  # the licence expression in pyproject.toml (PEP 639)


def check_setuptools(python: str = sys.executable) -> None:
    """Fail with what to do when ``python``'s setuptools is too old to build factcheck offline."""
    code = "import setuptools; print(setuptools.__version__)"
    found = subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()
    numbers = tuple(int(p) for p in found.split(".")[:1] if p.isdigit())
    if not numbers or numbers < MIN_SETUPTOOLS:
        raise AssertionError(
            f"{python} has setuptools {found or '(none)'}; building factcheck offline needs "
            f"setuptools>={MIN_SETUPTOOLS[0]}. Run pip install -e '.[test]', which installs it."
        )


@dataclass(frozen=True)
class Distributions:
    """The sdist and the wheel built from it (the way `python -m build` does)."""

    sdist: Path
    wheel: Path
    seconds: float
    repo_changes: tuple[str, ...] = ()  # build output that appeared or changed in the repo
    sources: tuple[str, ...] = ()  # the project files the build started from (posix paths)


def build_artefacts(root: Path = ROOT) -> dict[str, int]:
    """Where a build could write into a source tree, with each path's modification time."""
    candidates = [root / "build", root / "dist", *root.glob("*.egg-info")]
    candidates += [*(root / "factcheck").glob("*.egg-info"), root / "factcheck" / "data"]
    found = {}
    for path in candidates:
        for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
            with contextlib.suppress(OSError):
                found[str(item.relative_to(root))] = item.stat().st_mtime_ns
    return found


def build_distributions(
    work: Path, python: str = sys.executable, root: Path = ROOT
) -> Distributions:
    """Build the sdist from a copy of the sources, then the wheel from the unpacked sdist.

    No network and no build isolation: setuptools comes from the test runner's environment.
    Building the wheel from the sdist proves the sdist holds everything the wheel needs.
    """
    started = time.monotonic()
    check_setuptools(python)
    artefacts = build_artefacts(root)
    home = work / "home"
    env = clean_env(home)
    source = copy_sources(work / "source", root)
    files = tuple(
        sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())
    )
    dist = work / "dist"
    dist.mkdir()
    build_sdist = (
        "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    )
    name = run([python, "-c", build_sdist, dist], cwd=source, env=env).stdout.splitlines()[-1]
    sdist = dist / name
    tree = unpack_sdist(sdist, work / "unpacked")
    pip_wheel = ["pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    run([python, "-m", *pip_wheel, "--no-cache-dir", "-w", dist, "."], cwd=tree, env=env)
    (wheel,) = dist.glob("*.whl")
    after = build_artefacts(root)
    changes = tuple(sorted(p for p in after if artefacts.get(p) != after[p]))
    return Distributions(sdist, wheel, time.monotonic() - started, changes, files)


def unpack_sdist(sdist: Path, dest: Path) -> Path:
    """Unpack an sdist into ``dest`` (new or empty); return its top folder."""
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
            archive.extractall(dest, filter="data")
        else:
            archive.extractall(dest)  # our own sdist, just built
    (tree,) = dest.iterdir()
    return tree


def archive_names(path: Path) -> list[str]:
    """The member names of a wheel (zip) or an sdist (tar.gz), without the sdist's top folder."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    with tarfile.open(path) as archive:
        return [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]


# --- The throwaway venv ----------------------------------------------------------------------


def runner_site_packages() -> list[str]:
    """The site-packages folders on the running interpreter's sys.path (never the repo root)."""
    folders = []
    for entry in sys.path:
        path = Path(entry or ".").resolve()
        if path.name in {"site-packages", "dist-packages"} and path.is_dir() and path != ROOT:
            folders.append(str(path))
    return list(dict.fromkeys(folders))


def runner_jupyter_path() -> list[str]:
    """The runner's share/jupyter folders (lab extensions, kernel specs, the lab's own files).

    Packages installed into a venv put these under the venv's prefix; the throwaway venv
    borrows the runner's, as it borrows its site-packages.
    """
    prefixes = dict.fromkeys([sys.prefix, sys.base_prefix])
    return [
        str(Path(p) / "share" / "jupyter") for p in prefixes if (Path(p) / "share/jupyter").is_dir()
    ]


@dataclass(frozen=True)
class ThrowawayVenv:
    """A venv holding only factcheck (a wheel, or an editable checkout); its dependencies come
    from the runner's site-packages."""

    root: Path
    seconds: float

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def bin(self, name: str) -> Path:
        """A console script of the venv, e.g. ``factcheck``."""
        return self.root / "bin" / name

    @property
    def site_packages(self) -> Path:
        (folder,) = self.root.glob("lib/python*/site-packages")
        return folder

    def env(self, home: Path, **extra: str) -> dict[str, str]:
        """A clean environment for the venv's programs: its bin first on PATH, HOME in ``home``.

        Jupyter's config, data and runtime dirs are under ``home`` too; the runner's
        share/jupyter is on JUPYTER_PATH (see runner_jupyter_path).
        """
        jupyter = home / "jupyter"
        for sub in ("config", "data", "runtime"):
            (jupyter / sub).mkdir(parents=True, exist_ok=True)
        path = os.pathsep.join([str(self.root / "bin"), os.environ.get("PATH", "")])
        env = clean_env(
            home,
            PATH=path,
            VIRTUAL_ENV=str(self.root),
            JUPYTER_CONFIG_DIR=str(jupyter / "config"),
            JUPYTER_DATA_DIR=str(jupyter / "data"),
            JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
            JUPYTER_PATH=os.pathsep.join(runner_jupyter_path()),
            JUPYTER_PLATFORM_DIRS="1",
            IPYTHONDIR=str(home / "ipython"),
        )
        lab_dir = Path(sys.prefix) / "share" / "jupyter" / "lab"
        if lab_dir.is_dir():  # the lab's built front end, which jupyterlab looks up by prefix
            env["JUPYTERLAB_DIR"] = str(lab_dir)
        env.update(extra)
        return env


def make_venv(dest: Path, install: Sequence[str | os.PathLike[str]], cwd: Path) -> ThrowawayVenv:
    """Create a venv at ``dest``, borrow the runner's deps, then ``pip install`` offline.

    The venv's own setuptools (Python < 3.12 venvs get an old one) is removed first, so an
    editable build uses the runner's, as the wheel build does.
    """
    started = time.monotonic()
    home = dest.parent / f"{dest.name}-home"
    env = clean_env(home)
    base_python = getattr(sys, "_base_executable", sys.executable)
    run([base_python, "-m", "venv", dest], cwd=dest.parent, env=env)
    venv = ThrowawayVenv(dest, 0.0)
    lines = "".join(f"{folder}\n" for folder in runner_site_packages())
    (venv.site_packages / "_factcheck_test_runner_deps.pth").write_text(lines, encoding="utf-8")
    for own in venv.site_packages.glob("setuptools*"):
        if own.is_dir():
            shutil.rmtree(own)
        else:
            own.unlink()
    pip = [venv.python, "-m", "pip", "install", "--no-deps", "--no-index", "--no-cache-dir"]
    run([*pip, "--no-build-isolation", *install], cwd=cwd, env=env)
    return ThrowawayVenv(dest, time.monotonic() - started)


def make_wheel_venv(wheel: Path, dest: Path) -> ThrowawayVenv:
    """A venv at ``dest`` with ``wheel`` installed offline and the runner's deps borrowed."""
    return make_venv(dest, [wheel], cwd=dest.parent)


def make_checkout_venv(checkout: Path, dest: Path) -> ThrowawayVenv:
    """A venv at ``dest`` with the source copy ``checkout`` installed editable (pip -e .).

    This is the README's own setup, run in a copy of the repo.
    """
    return make_venv(dest, ["-e", "."], cwd=checkout)


@contextlib.contextmanager
def new_files_removed(*folders: Path) -> Iterator[None]:
    """Remove, at the end, every file and folder that appeared under ``folders`` meanwhile.

    For tests that work in the session's shared checkout copy: each leaves it as it was.
    """
    before = set().union(*(_tree(folder) for folder in folders))
    try:
        yield
    finally:
        after = set().union(*(_tree(folder) for folder in folders))
        for path in sorted(after - before, reverse=True):  # a folder's files before it
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)


def _tree(folder: Path) -> set[Path]:
    """Every file and folder under ``folder`` (itself included); empty if it does not exist."""
    return {folder, *folder.rglob("*")} if folder.exists() else set()


_CHECKOUT: dict[str, tuple[Path, ThrowawayVenv]] = {}


def built_checkout_venv(tmp_path_factory: Any) -> tuple[Path, ThrowawayVenv]:
    """A copy of the repo and a venv with it installed editable, made once per test session."""
    if "venv" not in _CHECKOUT:
        work = tmp_path_factory.mktemp("newcomer-checkout")
        checkout = copy_sources(work / "factcheck")
        _CHECKOUT["venv"] = (checkout, make_checkout_venv(checkout, work / "venv"))
    return _CHECKOUT["venv"]


_BUILT: dict[str, tuple[Distributions, ThrowawayVenv]] = {}


def built_wheel_venv(tmp_path_factory: Any) -> tuple[Distributions, ThrowawayVenv]:
    """The sdist, the wheel and a venv with the wheel, built once per test session.

    Modules that need them call this from their own session fixtures (pytest's
    tmp_path_factory keeps the folder for the whole session).
    """
    if "venv" not in _BUILT:
        work = tmp_path_factory.mktemp("newcomer-build")
        distributions = build_distributions(work)
        _BUILT["venv"] = (distributions, make_wheel_venv(distributions.wheel, work / "venv"))
    return _BUILT["venv"]


# --- `factcheck lab` from the venv -----------------------------------------------------------


@dataclass
class FactcheckLab:
    """A `factcheck lab` started from a venv: the process, its server's URL, token and root."""

    process: subprocess.Popen[bytes]
    cwd: Path  # the folder the user ran `factcheck lab` in
    runtime_dir: Path
    log_path: Path
    url: str = ""
    token: str = ""
    root_dir: Path = field(default_factory=Path)
    server_pid: int = 0
    startup_seconds: float = 0.0

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        """Call the server with the token in the Authorization header: (status, body).

        Status 0 means nothing answered on the port.
        """
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:  # not listening (yet, or any more)
            return 0, b""

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the REST API; raise on an error status, return the decoded JSON."""
        status, payload = self.request(method, path, body)
        if status >= 400 and status != 404:
            raise AssertionError(f"{method} {path}: HTTP {status}: {payload[:500]!r}")
        return json.loads(payload) if payload else None

    def contents(self, path: str) -> tuple[int, dict[str, Any]]:
        """GET /api/contents/<path> through the server: (status, model)."""
        status, payload = self.request("GET", f"api/contents/{quote(path)}")
        return status, (json.loads(payload) if payload else {})

    def kernel_processes(self) -> list[int]:
        """Pids of live kernels this server started (found by their connection files)."""
        return kernel_pids(self.runtime_dir)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> list[int]:
        """Shut kernels down over REST, end the process group, SIGKILL any kernel left over.

        Returns the pids of kernels that outlived the server (a leak to fail on).
        """
        if self.url and self.process.poll() is None:
            with contextlib.suppress(OSError, AssertionError, ValueError):
                for session in self.api("GET", "api/sessions") or []:
                    self.request("DELETE", f"api/sessions/{session['id']}")
                for kernel in self.api("GET", "api/kernels") or []:
                    self.request("DELETE", f"api/kernels/{kernel['id']}")
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        # `factcheck lab` runs jupyterlab as a child: wait for it too.
        deadline = time.monotonic() + timeout
        while self.server_pid and _alive(self.server_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.server_pid and _alive(self.server_pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.server_pid, signal.SIGKILL)
        deadline = time.monotonic() + KERNEL_EXIT_TIMEOUT_S
        while (leftovers := self.kernel_processes()) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return leftovers


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def start_factcheck_lab(
    venv: ThrowawayVenv,
    cwd: Path,
    home: Path,
    *,
    args: Sequence[str] = (),
    timeout: float = LAB_START_TIMEOUT_S,
) -> FactcheckLab:
    """Run the README's `factcheck lab` (no browser, a free port, 127.0.0.1) from ``venv``.

    Starts it as the current user (root in CI) without --allow-root, with HOME and the
    Jupyter dirs under ``home``; returns once /api/status answers, with the token and root
    dir read from the server's jpserver-*.json. Raises with the log if it exits or hangs.
    """
    env = venv.env(home)
    runtime_dir = Path(env["JUPYTER_RUNTIME_DIR"])
    for old in runtime_dir.glob("jpserver-*"):
        old.unlink()
    port = free_port()
    argv = [
        str(venv.bin("factcheck")),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        *args,
        # Safety nets if pytest is killed: idle kernels and an idle server end by themselves.
        "--MappingKernelManager.cull_idle_timeout=900",
        "--ServerApp.shutdown_no_activity_timeout=900",
    ]
    log_path = home / f"factcheck-lab-{port}.log"
    started = time.monotonic()
    process = spawn_server(argv, cwd=cwd, env=env, log_path=log_path)
    lab = FactcheckLab(process, cwd, runtime_dir, log_path)
    deadline = started + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(
                    f"`factcheck lab` exited with code {process.returncode} before its server "
                    f"answered; its output ({log_path}) ends:\n{lab.log_tail()}"
                )
            if not lab.url:
                for info_file in runtime_dir.glob("jpserver-*.json"):
                    with contextlib.suppress(ValueError, KeyError, OSError):
                        info = json.loads(info_file.read_text(encoding="utf-8"))
                        lab.url = f"http://127.0.0.1:{info['port']}"
                        lab.token = info["token"]
                        lab.root_dir = Path(info["root_dir"])
                        lab.server_pid = int(info["pid"])
            if lab.url and lab.request("GET", "api/status")[0] == 200:
                lab.startup_seconds = time.monotonic() - started
                return lab
            time.sleep(0.1)
        raise AssertionError(
            f"`factcheck lab` did not answer /api/status within {timeout:.0f} s; its output "
            f"({log_path}) ends:\n{lab.log_tail()}"
        )
    except BaseException:
        lab.stop()
        raise


@contextlib.contextmanager
def running_lab(
    venv: ThrowawayVenv, cwd: Path, home: Path, **kwargs: Any
) -> Iterator[FactcheckLab]:
    """start_factcheck_lab as a context: the server and its kernels always stop at the end.

    Fails if a kernel process outlived the server.
    """
    lab = start_factcheck_lab(venv, cwd, home, **kwargs)
    try:
        yield lab
    finally:
        if leftovers := lab.stop():
            raise AssertionError(f"kernel processes {leftovers} outlived `factcheck lab`")
