"""A real JupyterHub serving the student app: three students log in and label at once.

The hub runs factcheck's shipped ``jupyterhub_config.py`` on 127.0.0.1 and free ports, in a
temp dir, with configurable-http-proxy (npm), ``SimpleLocalProcessSpawner`` (every user's
server is a local process under the temp dir) and the dummy authenticator. Each student logs
in in their own browser context, lands on the student app (the hub user name is the name,
no name entry), and labels; then every CSV and the teacher's report are checked, and every
process started is stopped.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from factcheck.articles import load_article
from factcheck.classroom import class_report, read_answer_key
from factcheck.grades import gradebook
from factcheck.paths import sample_path
from factcheck.report import write_class_report
from factcheck.student import sample_key_path
from tests.browser.harness import (
    _answers,
    _pids_with_argument_containing,
    expect,
    free_port,
    running_in_ci,
    spawn_server,
)

pytestmark = pytest.mark.browser

CONFIG = Path(__file__).resolve().parents[2] / "factcheck" / "data" / "jupyterhub_config.py"
ARTICLE = sample_path() / "harbour-wind-farm.txt"
READY = ".fc-annotator[data-fc-ready]"
STUDENTS = ("ana", "ben", "cy")


@dataclass
class Hub:
    url: str
    root: Path
    out: Path
    process: object

    def log_tail(self, lines: int = 60) -> str:
        text = (self.root / "hub.log").read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _stop(process, root: Path) -> list[int]:
    """SIGTERM the hub's process group (it stops the users' servers and the proxy); return
    the pids of any process still running from the temp dir afterwards."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except Exception:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    deadline = time.monotonic() + 15
    left = _pids_with_argument_containing(str(root))
    while left and time.monotonic() < deadline:
        time.sleep(0.3)
        left = _pids_with_argument_containing(str(root))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A JupyterHub on 127.0.0.1 with factcheck's config; nothing it started outlives it."""
    missing = []
    if shutil.which("configurable-http-proxy") is None:
        missing.append("configurable-http-proxy (npm install -g configurable-http-proxy)")
    if importlib.util.find_spec("jupyterhub") is None:
        missing.append('jupyterhub (pip install -e ".[test]")')
    if missing:
        message = f"the JupyterHub test needs {' and '.join(missing)}"
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("hub")
    out = root / "class" / "answers"
    roster = root / "class" / "roster.csv"
    roster.parent.mkdir(parents=True)
    roster.write_text("name\n" + "\n".join(STUDENTS) + "\n", encoding="utf-8")
    (root / "home").mkdir()
    port, hub_port, api_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env.update(
        FACTCHECK_KEY=str(sample_key_path()),
        FACTCHECK_ARTICLES=str(ARTICLE),
        FACTCHECK_OUT=str(out),
        FACTCHECK_ROSTER=str(roster),
        FACTCHECK_TEACHERS="teacher",
        JUPYTER_CONFIG_DIR=str(root / "config"),
        JUPYTER_DATA_DIR=str(root / "data"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        IPYTHONDIR=str(root / "ipython"),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    if os.geteuid() == 0:
        env["FACTCHECK_HUB_ALLOW_ROOT"] = "1"
    argv = [
        sys.executable,
        "-m",
        "jupyterhub",
        "-f",
        str(CONFIG),
        "--ip=127.0.0.1",
        f"--port={port}",
        "--JupyterHub.hub_ip=127.0.0.1",
        f"--JupyterHub.hub_port={hub_port}",
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{api_port}",
        "--JupyterHub.spawner_class=simple",
        "--JupyterHub.authenticator_class=dummy",
        f"--JupyterHub.db_url=sqlite:///{root / 'hub.sqlite'}",
        f"--JupyterHub.cookie_secret_file={root / 'cookie_secret'}",
        f"--ConfigurableHTTPProxy.pid_file={root / 'proxy.pid'}",
        f"--SimpleLocalProcessSpawner.home_dir_template={root / 'home'}/{{username}}",
        "--Spawner.start_timeout=120",
        "--Spawner.http_timeout=120",
    ]
    process = spawn_server(argv, cwd=root, env=env, log_path=root / "hub.log")
    server = Hub(f"http://127.0.0.1:{port}", root, out, process)
    deadline = time.monotonic() + 90
    while not _answers(f"{server.url}/hub/api/"):
        if process.poll() is not None or time.monotonic() > deadline:
            left = _stop(process, root)
            pytest.fail(
                f"JupyterHub did not start (left {left}); its log ends:\n{server.log_tail()}"
            )
        time.sleep(0.3)
    try:
        yield server
    finally:
        leftovers = _stop(process, root)
        if leftovers:
            pytest.fail(f"processes {leftovers} outlived the hub; its log:\n{server.log_tail()}")


def log_in(browser, hub: Hub, name: str, outside: list[str], errors: list[str]):
    """A fresh browser context logged in as ``name``, on the page the hub sends it to."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(120_000)

    def block_outside(route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", block_outside)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"{name}: {e}"))
    page.goto(f"{hub.url}/hub/login")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill("any")
    page.locator("input[type=submit], button[type=submit]").first.click()
    return page


def test_three_students_label_through_jupyterhub_at_once(chromium_browser, hub: Hub):
    """Test that three hub users label at once, each in their own CSV, and the report counts all."""
    outside: list[str] = []
    errors: list[str] = []
    started = time.monotonic()
    pages = {name: log_in(chromium_browser, hub, name, outside, errors) for name in STUDENTS}
    for name, page in pages.items():
        expect(page.locator(READY)).to_be_visible(timeout=180_000)
        assert f"/user/{name}/voila/render/student.ipynb" in page.url
        assert page.get_by_placeholder("your name").count() == 0  # the hub's name is used
    print(f"\nthree students labelling {time.monotonic() - started:.1f} s after logging in")

    key = read_answer_key(sample_key_path())
    sentences = load_article(ARTICLE).sentences[:3]
    right = [key.get(s.id).label for s in sentences]
    wrong = next(n for n in ("verified", "unconfirmed", "opinion") if n != right[0])
    answers = {"ana": right, "ben": [wrong, *right[1:]], "cy": right[:2]}
    for slot in range(3):  # interleaved: one click each in turn
        for name, page in pages.items():
            if slot < len(answers[name]):
                button = page.locator(
                    f"{READY} .fc-row-{slot} button", has_text=answers[name][slot]
                )
                button.click()
    deadline = time.monotonic() + 60
    report = None
    while time.monotonic() < deadline:
        report = class_report(sample_key_path(), hub.out)
        if len(report.labels) == sum(len(a) for a in answers.values()):
            break
        time.sleep(0.3)
    assert report is not None
    assert sorted(p.name for p in hub.out.glob("*.csv")) == ["ana.csv", "ben.csv", "cy.csv"]
    for name, labels in answers.items():
        mine = report.labels.loc[report.labels["annotator"] == name]
        assert list(mine["label"]) == labels, name
        assert list(mine["sentence_id"]) == [s.id for s in sentences[: len(labels)]]
    for name in STUDENTS:  # each CSV holds its own student's rows only, all of them
        with (hub.out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert {row["annotator"] for row in rows} == {name}
        assert [row["label"] for row in rows] == answers[name]
    page = write_class_report(sample_key_path(), hub.out, hub.root / "report.html")
    html = page.read_text(encoding="utf-8")
    assert all(name in html for name in STUDENTS)
    grades = gradebook(report).set_index("student")
    assert grades.loc["ana", "score"] == 3 and grades.loc["ben", "score"] == 2
    assert grades.loc["cy", "score"] == 2
    assert report.students == STUDENTS
    assert outside == [], outside
    assert not errors, errors

    # The teacher is the hub's admin; a student is not.
    admin = pages["ana"].context.request.get(f"{hub.url}/hub/admin")
    assert admin.status == 403
    teacher = log_in(chromium_browser, hub, "teacher", outside, errors)
    expect(teacher.locator(".fc-student-message")).to_contain_text("a teacher of this class")
    assert teacher.context.request.get(f"{hub.url}/hub/admin").status == 200
    teacher.context.close()

    # A hub user outside the roster is refused at login, with no server started.
    stranger = log_in(chromium_browser, hub, "mallory", outside, errors)
    expect(stranger.locator("body")).to_contain_text("Invalid username", timeout=30_000)
    assert not (hub.root / "home" / "mallory").exists()
    stranger.context.close()
    for page in pages.values():
        page.context.close()
