"""``factcheck classroom serve``: the student app as a Voilà web app for a class.

Voilà runs the package's student notebook with its code hidden and one kernel per browser
tab, so every student writes only their own ``<out>/<name>.csv``. Voilà only lets the page
send widget messages to the kernel (no code execution from the browser).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from . import session
from .student import (
    ENV_ARTICLES,
    ENV_FEEDBACK,
    ENV_KEY,
    ENV_OUT,
    ENV_SCHEME,
    StudentConfig,
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
CULL_INTERVAL_SECONDS = 30


def classroom_env(
    key: PathLike,
    articles: PathLike,
    out: PathLike,
    feedback: str,
    base: Mapping[str, str] | None = None,
    scheme: PathLike | None = None,
) -> dict[str, str]:
    """The environment of the Voilà server: ``base`` plus the FACTCHECK_* settings (absolute)."""
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
    return env


def voila_command(
    notebook: PathLike, *, port: int, ip: str = LOCAL_IP, open_browser: bool = False
) -> list[str]:
    """The ``python -m voila`` command line that serves the student notebook."""
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
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
    feedback: str = session.FEEDBACK_IMMEDIATE,
    ip: str = LOCAL_IP,
    open_browser: bool = False,
    scheme: PathLike | None = None,
) -> int:
    """Serve the student app with Voilà until Ctrl+C; returns Voilà's exit code.

    The key, articles and feedback mode are checked first, so a mistake is reported here
    (FactcheckError/OSError) rather than in every student's browser. ``ip="0.0.0.0"`` lets
    other machines on the network in (anyone who can reach the port; there is no password).
    """
    config = StudentConfig(
        key=Path(key).expanduser(),
        articles=Path(articles).expanduser(),
        out=Path(out).expanduser(),
        feedback=feedback,
        scheme=Path(scheme).expanduser() if scheme else None,
    )
    key_data, chosen = load_session(config)
    config.out.mkdir(parents=True, exist_ok=True)
    if not os.access(config.out, os.W_OK):
        raise PermissionError(13, "the answers folder is not writable; choose another", str(out))
    command = voila_command(student_notebook_path(), port=port, ip=ip, open_browser=open_browser)
    env = classroom_env(config.key, config.articles, config.out, feedback, scheme=config.scheme)
    print(
        f"factcheck classroom: {len(chosen)} article(s), {len(key_data)} key answers, "
        f"feedback {feedback}; answers go to {config.out.resolve()}",
        file=sys.stderr,
    )
    for url in student_urls(port, ip):
        print(f"Students open: {url}", file=sys.stderr)
    print("Stop with Ctrl+C (answers are saved as students click).", file=sys.stderr)
    try:
        return subprocess.call(command, env=env, cwd=config.out)
    except KeyboardInterrupt:
        return 0
