"""``factcheck classroom serve``: the student app as a Voilà web app for a class.

Voilà runs the package's student notebook with its code hidden and one kernel per browser
tab, so every student writes only their own ``<out>/<name>.csv``. Voilà only lets the page
send widget messages to the kernel (no code execution from the browser).

Anyone who can reach the port can ask for the page, and each request starts a kernel (about
150 MB). ``ClassroomKernelManager`` caps them (``max_students``, a "class is full" page
beyond), and ends the kernels that hold a place for nobody: one no browser connected to
within ``CONNECT_SECONDS`` (a bare HTTP GET, a crawler, a tab that failed to load), and an
open tab that has sat at the name form for ``NAME_SECONDS``. A kernel whose student has
claimed a name (``student.claim_marker``) is never ended while its tab is open. The page
is served with factcheck's own Voilà template, which loads nothing from outside the server.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Integer

from .answers import FEEDBACK_IMMEDIATE
from .classroom import warn_unexplained
from .errors import InputError
from .roster import read_roster
from .student import (
    ENV_ARTICLES,
    ENV_FEEDBACK,
    ENV_JOIN_CODE,
    ENV_KEY,
    ENV_OUT,
    ENV_ROSTER,
    ENV_SCHEME,
    StudentConfig,
    claim_marker,
    load_session,
    student_notebook_path,
)

PathLike = str | os.PathLike[str]
LOCAL_IP = "127.0.0.1"
# A closed or reloaded tab's kernel must end soon, because it holds the student's name: Voilà's
# own shutdown request on page close is refused (its XSRF check, voila-dashboards/voila#1458),
# so disconnected kernels idle for two minutes are culled. Open tabs are never culled
# (cull_connected stays False), however long a student reads.
CULL_IDLE_SECONDS = 120
CULL_INTERVAL_SECONDS = 10
CONNECT_SECONDS = 45.0
"""A kernel whose page never connected to it within this time is shut down."""
MAX_STUDENTS = 40
"""Default cap on kernels (one per open tab): a class, with room for a few reloads."""
NAME_SECONDS = 900.0
"""A connected tab that has not claimed a name and has been quiet this long is ended."""
TEMPLATE = "factcheck"
"""factcheck's Voilà template (data/classroom/jupyter/voila/templates/factcheck)."""


def template_root() -> Path:
    """The Jupyter data folder holding factcheck's Voilà template (added to JUPYTER_PATH)."""
    return Path(__file__).resolve().parent / "data" / "classroom" / "jupyter"


class ClassroomKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager with a cap and a deadline for kernels nobody connects to.

    ``max_kernels`` kernels at most (running or starting); one more page request gets a 503
    "class is full" page. A kernel that no browser has ever connected to, and that has been
    quiet (not busy, no message) for ``connect_timeout`` seconds, is shut down: a real tab
    connects seconds after its page is rendered, a bare GET never does. A connected kernel
    whose student has claimed no name is shut down after ``name_timeout`` quiet seconds, so
    one name has one kernel and an open form holds no place for ever. Otherwise Jupyter's
    idle culling applies (disconnected kernels only).
    """

    max_kernels = Integer(
        MAX_STUDENTS, config=True, help="Most kernels (open student tabs) at once."
    )
    connect_timeout = Float(
        CONNECT_SECONDS,
        config=True,
        help="Seconds a kernel may run without any browser connected to it, ever.",
    )
    name_timeout = Float(
        NAME_SECONDS,
        config=True,
        help="Seconds a connected tab may stay quiet at the name form before it is ended.",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0
        self._started_at: dict[str, float] = {}
        self._connected_once: set[str] = set()

    def _in_use(self) -> int:
        return len(self._kernels) + self._starting

    async def start_kernel(self, **kwargs: Any) -> str:  # type: ignore[override]
        """Start a kernel, or raise HTTPError 503 if ``max_kernels`` are running already."""
        if self._in_use() >= self.max_kernels:
            await self.cull_unconnected()
        if self._in_use() >= self.max_kernels:
            self.log.warning("Class full: %d kernels running; page refused.", self.max_kernels)
            raise web.HTTPError(
                503,
                "All %d places of this class are taken. Ask your teacher, or try again in "
                "two minutes: a place becomes free two minutes after a tab is closed.",
                self.max_kernels,
                reason="Class full",
            )
        self._starting += 1  # counted before the first await, so starts cannot overshoot
        try:
            kernel_id = await super().start_kernel(**kwargs)
        finally:
            self._starting -= 1
        self._started_at[kernel_id] = time.monotonic()
        return kernel_id

    def notify_connect(self, kernel_id: str) -> None:
        """Note that a browser connected to the kernel (so it is a student's tab)."""
        super().notify_connect(kernel_id)
        self._connected_once.add(kernel_id)

    def _quiet_seconds(self, kernel_id: str, started: float) -> float:
        """Seconds since the kernel started or last did anything (0 while it is busy).

        A kernel still running the notebook for its page (slow when a whole class arrives
        at once) is busy and active, so it is never taken for an abandoned one.
        """
        kernel = self._kernels[kernel_id]
        if getattr(kernel, "execution_state", "") == "busy":
            return 0.0
        quiet = time.monotonic() - started
        last = getattr(kernel, "last_activity", None)
        if last is not None:
            quiet = min(quiet, (datetime.now(timezone.utc) - last).total_seconds())
        return quiet

    def _has_name(self, kernel_id: str) -> bool:
        """Whether the kernel's student has claimed a name (``student.claim_marker``); True
        when the answers folder is unknown (then no tab is taken for a nameless one)."""
        out = os.environ.get(ENV_OUT, "")
        return not out or claim_marker(out, kernel_id).exists()

    async def cull_unconnected(self) -> list[str]:
        """Shut down the kernels that hold a place for nobody.

        Those no browser ever connected to, quiet for ``connect_timeout``; and those whose
        tab is open at the name form, quiet for ``name_timeout`` (a student who has claimed
        a name is never culled while the tab is open).
        """
        ended = []
        for kernel_id, started in list(self._started_at.items()):
            if kernel_id not in self._kernels:
                self._forget(kernel_id)
                continue
            if kernel_id not in self._connected_once:
                why, limit = "no browser connected to it", self.connect_timeout
            elif not self._has_name(kernel_id):
                why, limit = "its tab claimed no name", self.name_timeout
            else:
                continue  # a student's tab: never ended while open
            if self._quiet_seconds(kernel_id, started) <= limit:
                continue
            self.log.warning("Shutting down kernel %s: %s in %.0f s.", kernel_id, why, limit)
            await self.shutdown_kernel(kernel_id)
            self._forget(kernel_id)
            ended.append(kernel_id)
        return ended

    async def cull_kernels(self) -> None:
        """The periodic culling: unconnected kernels first, then Jupyter's idle rule."""
        await self.cull_unconnected()
        await super().cull_kernels()

    def _forget(self, kernel_id: str) -> None:
        self._started_at.pop(kernel_id, None)
        self._connected_once.discard(kernel_id)
        out = os.environ.get(ENV_OUT, "")
        if out:
            with contextlib.suppress(OSError):
                claim_marker(out, kernel_id).unlink(missing_ok=True)


def classroom_env(
    key: PathLike,
    articles: PathLike,
    out: PathLike,
    feedback: str,
    base: Mapping[str, str] | None = None,
    scheme: PathLike | None = None,
    roster: PathLike | None = None,
    join_code: str = "",
) -> dict[str, str]:
    """The environment of the Voilà server: ``base`` plus the FACTCHECK_* settings (absolute)
    and factcheck's Voilà template folder first on JUPYTER_PATH."""
    env = dict(os.environ if base is None else base)
    env.update(
        {
            ENV_KEY: str(Path(key).expanduser().resolve()),
            ENV_ARTICLES: str(Path(articles).expanduser().resolve()),
            ENV_OUT: str(Path(out).expanduser().resolve()),
            ENV_FEEDBACK: feedback,
        }
    )
    if scheme:
        env[ENV_SCHEME] = str(Path(scheme).expanduser().resolve())
    if roster:
        env[ENV_ROSTER] = str(Path(roster).expanduser().resolve())
    if join_code:
        env[ENV_JOIN_CODE] = join_code
    paths = [str(template_root()), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def voila_command(
    notebook: PathLike,
    *,
    port: int,
    ip: str = LOCAL_IP,
    open_browser: bool = False,
    max_students: int = MAX_STUDENTS,
    connect_timeout: float = CONNECT_SECONDS,
    name_timeout: float = NAME_SECONDS,
) -> list[str]:
    """The ``python -m voila`` command line that serves the student notebook.

    Run it with ``classroom_env``'s environment, which puts factcheck's template on
    JUPYTER_PATH. A port in use is an error (no silent move to another port).
    """
    manager = f"{ClassroomKernelManager.__module__}.{ClassroomKernelManager.__name__}"
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.ip={ip}",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaConfiguration.multi_kernel_manager_class={manager}",
        f"--ClassroomKernelManager.max_kernels={max_students}",
        f"--ClassroomKernelManager.connect_timeout={connect_timeout}",
        f"--ClassroomKernelManager.name_timeout={name_timeout}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if not open_browser:
        command.append("--no-browser")
    return command


def student_urls(port: int, ip: str = LOCAL_IP) -> list[str]:
    """The addresses to give students: this machine only, or its LAN address(es)."""
    if ip not in ("0.0.0.0", "::", ""):
        host = f"[{ip}]" if ":" in ip else ip
        return [f"http://{host}:{port}/"]
    names: list[str] = []
    with contextlib.suppress(OSError):
        names = sorted(
            {
                info[4][0]
                for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
                if not info[4][0].startswith("127.")
            }
        )
    return [f"http://{name}:{port}/" for name in names] or [
        f"http://{socket.gethostname()}:{port}/"
    ]


def serve_classroom(
    key: PathLike,
    articles: PathLike,
    out: PathLike,
    *,
    port: int = 8866,
    feedback: str = FEEDBACK_IMMEDIATE,
    ip: str = LOCAL_IP,
    open_browser: bool = False,
    scheme: PathLike | None = None,
    max_students: int = MAX_STUDENTS,
    connect_timeout: float = CONNECT_SECONDS,
    name_timeout: float = NAME_SECONDS,
    roster: PathLike | None = None,
    join_code: str = "",
) -> int:
    """Serve the student app with Voilà until Ctrl+C; returns Voilà's exit code.

    The key, articles and feedback mode are checked first, so a mistake is reported here
    (FactcheckError/OSError) rather than in every student's browser. ``ip="0.0.0.0"`` lets
    other machines on the network in (anyone who can reach the port; there is no password).
    At most ``max_students`` tabs run at once; more get a "class is full" page.
    """
    if max_students < 1:
        raise InputError(
            f"--max-students {max_students}: a class needs at least 1 place. Pass the number "
            f"of students, with a few spare for reloads (default {MAX_STUDENTS})."
        )
    config = StudentConfig(
        key=Path(key).expanduser(),
        articles=Path(articles).expanduser(),
        out=Path(out).expanduser(),
        feedback=feedback,
        scheme=Path(scheme).expanduser() if scheme else None,
    )
    key_data, chosen = load_session(config)
    class_list = read_roster(roster) if roster else None  # a bad roster stops here, not in class
    warn_unexplained(key_data)
    config.out.mkdir(parents=True, exist_ok=True)
    if not os.access(config.out, os.W_OK):
        raise PermissionError(13, "the answers folder is not writable; choose another", str(out))
    command = voila_command(
        student_notebook_path(),
        port=port,
        ip=ip,
        open_browser=open_browser,
        max_students=max_students,
        connect_timeout=connect_timeout,
        name_timeout=name_timeout,
    )
    env = classroom_env(
        config.key,
        config.articles,
        config.out,
        feedback,
        scheme=config.scheme,
        roster=roster,
        join_code=join_code.strip(),
    )
    print(
        f"factcheck classroom: {len(chosen)} article(s), {len(key_data)} key answers, "
        f"feedback {feedback}, at most {max_students} students at once; answers go to "
        f"{config.out.resolve()}",
        file=sys.stderr,
    )
    if class_list is not None:
        print(f"Roster: {len(class_list.entries)} names; students pick theirs.", file=sys.stderr)
    if join_code.strip():
        print(f"Join code: {join_code.strip()} (write it on the board)", file=sys.stderr)
    for url in student_urls(port, ip):
        print(f"Students open: {url}", file=sys.stderr)
    print("Stop with Ctrl+C (answers are saved as students click).", file=sys.stderr)
    try:
        return subprocess.call(command, env=env, cwd=config.out)
    except KeyboardInterrupt:
        return 0
