"""The no-code student app served by Voilà, in chromium: two students at once, one server.

A Voilà server runs the package's student notebook (as ``factcheck classroom serve`` does)
on 127.0.0.1 with the FACTCHECK_* settings pointing at temp dirs. Timings are printed (run
pytest with -s to see them); they are not asserted.
"""

from __future__ import annotations

import csv
import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from factcheck.articles import load_article
from factcheck.classroom import AnswerKey, read_answer_key, write_answer_key
from factcheck.classroom_server import classroom_env, voila_command
from factcheck.paths import sample_path
from factcheck.student import sample_key_path, student_notebook_path
from tests.browser.harness import VoilaServer, expect, kernel_pids_under, start_voila

pytestmark = pytest.mark.browser

ATTACK = '<img src=x onerror="window.__pwned=1">'
READY = ".fc-annotator[data-fc-ready]"
ARTICLE = sample_path() / "harbour-wind-farm.txt"


@pytest.fixture(scope="module")
def session_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A key whose first explanation carries an HTML attack, the article, an answers folder."""
    root = tmp_path_factory.mktemp("classroom")
    key = read_answer_key(sample_key_path())
    first = dataclasses.replace(
        key.entries[0], explanation=f"The ministry's statement is on record. {ATTACK}"
    )
    key_path = root / "key.csv"
    write_answer_key(AnswerKey((first, *key.entries[1:])), key_path)
    return {"root": root, "key": key_path, "out": root / "answers"}


@pytest.fixture(scope="module")
def voila_app(session_dirs: dict[str, Path]) -> Iterator[VoilaServer]:
    """The student app under Voilà, started as ``classroom serve`` does; no kernel outlives it."""
    env = classroom_env(session_dirs["key"], ARTICLE, session_dirs["out"], "immediate", base={})
    notebook = student_notebook_path()
    server = start_voila(
        session_dirs["root"] / "voila",
        notebook,
        env,
        command=lambda port: voila_command(notebook, port=port, ip="127.0.0.1"),
    )
    print(f"\nvoila started in {server.startup_seconds:.1f} s")
    try:
        yield server
    finally:
        leftovers = server.stop()
        if leftovers:
            pytest.fail(f"kernel processes {leftovers} outlived the Voilà server")


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def wait_for_rows(path: Path, count: int, timeout: float = 30.0) -> list[dict[str, str]]:
    """The CSV's rows once it has at least ``count`` of them."""
    deadline = time.monotonic() + timeout
    rows: list[dict[str, str]] = []
    while time.monotonic() < deadline:
        if path.is_file():
            rows = rows_of(path)
            if len(rows) >= count:
                return rows
        time.sleep(0.05)
    raise AssertionError(f"{path} has {len(rows)} rows, expected {count} within {timeout:.0f} s")


def open_app(
    browser,
    server: VoilaServer,
    errors: list[str],
    outside: list[str] | None = None,
    width: int = 1280,
):
    """A fresh browser context (one student) on the app; returns its page once it asks a name.

    Every request for anything not on 127.0.0.1 is blocked and recorded in ``outside``.
    """
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(60_000)

    def block_outside(route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            if outside is not None:
                outside.append(route.request.url)
            route.abort()

    context.route("**/*", block_outside)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.goto(server.url)
    return page


def button(page, slot: int, label: str):
    return page.locator(f"{READY} .fc-row-{slot} button", has_text=label)


def test_two_students_label_the_same_article_at_once(
    chromium_browser, voila_app: VoilaServer, session_dirs: dict[str, Path]
):
    """Test that two students on one Voilà server each see feedback and write only their own CSV."""
    errors: list[str] = []
    outside: list[str] = []
    started = time.monotonic()
    ana, ben = (
        open_app(chromium_browser, voila_app, errors, outside),
        open_app(chromium_browser, voila_app, errors, outside),
    )
    for page in (ana, ben):
        expect(page.get_by_placeholder("your name")).to_be_visible()
    print(f"two pages asked for a name after {time.monotonic() - started:.1f} s")

    # No code is visible: Voilà strips the sources and renders only outputs and markdown.
    for page in (ana, ben):
        code = page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .cm-editor")
        assert code.count() == 0
        expect(page.locator(".jp-MarkdownCell").first).to_contain_text("Fact-check practice")
        assert "student_app" not in page.content()
        assert page.title() == "Fact-check practice"  # not the notebook's file name

    started = time.monotonic()
    ana.get_by_placeholder("your name").fill("Ana Lima")
    ben.get_by_placeholder("your name").fill("Ben")
    ana.get_by_role("button", name="Start").click()
    ben.get_by_role("button", name="Start").click()
    for page in (ana, ben):
        expect(page.locator(READY)).to_be_visible()  # the anywidget bridge ran in Voilà
    print(f"both annotators ready {time.monotonic() - started:.1f} s after Start")

    # A third student typing a name in use is refused (the other kernel holds the name).
    # On a phone-sized screen the message wraps inside the page instead of running off it.
    third = open_app(chromium_browser, voila_app, errors, outside, width=400)
    third.get_by_placeholder("your name").fill("ana lima")
    third.get_by_role("button", name="Start").click()
    message = third.locator(".fc-student-message")
    expect(message).to_contain_text("already using the name")
    box = message.locator("p").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 400, box
    assert box["height"] > 3 * 16, box  # several lines, not one cut-off line
    assert message.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    text = message.inner_text()
    assert str(session_dirs["root"]) not in text and ".csv" not in text
    third.context.close()

    key = read_answer_key(session_dirs["key"])
    sentences = load_article(ARTICLE).sentences
    expected = [key.get(s.id).label for s in sentences[:3]]
    wrong = next(n for n in ("verified", "unconfirmed", "opinion") if n != expected[0])
    # Interleaved clicks: Ana answers sentences 1-3 right, Ben gets sentence 1 wrong.
    clicks = time.monotonic()
    for slot in range(3):
        button(ana, slot, expected[slot]).click()
        button(ben, slot, wrong if slot == 0 else expected[slot]).click()
    out = session_dirs["out"]
    ana_rows = wait_for_rows(out / "ana-lima.csv", 3)
    ben_rows = wait_for_rows(out / "ben.csv", 3)
    print(f"6 interleaved clicks on disk after {time.monotonic() - clicks:.2f} s")

    expect(ana.locator(f"{READY} .fc-row-0 .fc-feedback.fc-right")).to_contain_text("Right")
    wrong_box = ben.locator(f"{READY} .fc-row-0 .fc-feedback.fc-wrong")
    expect(wrong_box).to_contain_text(f"you chose {wrong}")
    expect(wrong_box).to_contain_text(ATTACK)  # shown as text, not as an element
    assert ben.locator(f"{READY} .fc-feedback img").count() == 0
    assert ben.evaluate("() => window.__pwned") is None
    expect(button(ana, 0, expected[0])).to_be_disabled()  # a revealed answer is final

    # The keyboard bridge (anywidget) works in Voilà: focus sentence 4 and press its key.
    ana.locator(f"{READY} .fc-row-3 .fc-text").click()
    ana.keyboard.press("1")  # verified
    ana_rows = wait_for_rows(out / "ana-lima.csv", 4)
    expect(ana.locator(f"{READY} .fc-row-3 .fc-feedback")).not_to_have_class("fc-hidden")

    assert [r["sentence_id"] for r in ana_rows] == [s.id for s in sentences[:4]]
    assert [r["label"] for r in ana_rows[:3]] == expected
    assert {r["annotator"] for r in ana_rows} == {"Ana Lima"}
    assert [r["label"] for r in ben_rows] == [wrong, *expected[1:]]
    assert {r["annotator"] for r in ben_rows} == {"Ben"}
    assert sorted(p.name for p in out.glob("*.csv")) == ["ana-lima.csv", "ben.csv"]
    right = 3 + (key.get(sentences[3].id).label == "verified")
    expect(ana.locator(".fc-score").first).to_contain_text(f"Right so far: {right} of 4")
    assert not [e for e in errors if "pageerror" in e], errors
    assert outside == []  # nothing was asked of a CDN or any other outside server
    for page in (ana, ben):
        page.context.close()


def test_a_tab_left_at_the_name_form_gives_its_place_back(chromium_browser, tmp_path: Path):
    """Test that an open tab with no name is ended when quiet, and a named student's is kept."""
    from factcheck.log import log_path
    from factcheck.student import claim_marker

    out = tmp_path / "answers"
    env = classroom_env(sample_key_path(), ARTICLE, out, "immediate", base={})
    notebook = student_notebook_path()
    server = start_voila(
        tmp_path / "voila",
        notebook,
        env,
        command=lambda port: voila_command(notebook, port=port, name_timeout=20),
    )
    errors: list[str] = []
    try:
        idle = open_app(chromium_browser, server, errors)
        expect(idle.get_by_placeholder("your name")).to_be_visible()
        named = open_app(chromium_browser, server, errors)
        named.get_by_placeholder("your name").fill("Cara")
        named.get_by_role("button", name="Start").click()
        expect(named.locator(READY)).to_be_visible()
        # Both kernels run until the idle tab's 20 s at the name form are up (6 s was too
        # short on a loaded machine: the idle one was ended before the named one was ready).
        assert len(kernel_pids_under(server.process.pid)) == 2
        deadline = time.monotonic() + 90
        while len(kernel_pids_under(server.process.pid)) > 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(kernel_pids_under(server.process.pid)) == 1, server.log_tail()
        assert "its tab claimed no name" in server.log_tail(60)
        # The named student is untouched: her clicks are still saved.
        key = read_answer_key(sample_key_path())
        first = load_article(ARTICLE).sentences[0]
        button(named, 0, key.get(first.id).label).click()
        assert wait_for_rows(log_path("Cara", out), 1)[0]["annotator"] == "Cara"
        assert len(list((claim_marker(out, "x").parent).iterdir())) == 1
        for page in (idle, named):
            page.context.close()
    finally:
        leftovers = server.stop()
    assert not [e for e in errors if "pageerror" in e], errors
    assert leftovers == []


def test_roster_and_join_code_in_the_served_app(chromium_browser, tmp_path: Path):
    """Test that with a roster and a join code the student picks a name and needs the code."""
    from factcheck.log import log_path

    out = tmp_path / "answers"
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nAna Lima\nBen Osei\n", encoding="utf-8")
    env = classroom_env(
        sample_key_path(), ARTICLE, out, "immediate", base={}, roster=roster, join_code="Fox-42"
    )
    notebook = student_notebook_path()
    server = start_voila(
        tmp_path / "voila", notebook, env, command=lambda port: voila_command(notebook, port=port)
    )
    errors: list[str] = []
    try:
        page = open_app(chromium_browser, server, errors)
        menu = page.locator(".fc-student select")
        expect(menu).to_be_visible()
        expect(page.get_by_placeholder("your name")).to_be_hidden()
        expect(page.get_by_role("button", name="Stay anonymous")).to_be_hidden()
        menu.select_option("Ben Osei")
        page.get_by_placeholder("join code").fill("fox-24")
        page.get_by_role("button", name="Start").click()
        expect(page.locator(".fc-student-message")).to_contain_text("join code is not right")
        page.get_by_placeholder("join code").fill("FOX-42")
        page.get_by_role("button", name="Start").click()
        expect(page.locator(READY)).to_be_visible()
        key = read_answer_key(sample_key_path())
        first = load_article(ARTICLE).sentences[0]
        button(page, 0, key.get(first.id).label).click()
        assert wait_for_rows(log_path("Ben Osei", out), 1)[0]["annotator"] == "Ben Osei"
        page.context.close()
    finally:
        leftovers = server.stop()
    assert not [e for e in errors if "pageerror" in e], errors
    assert leftovers == []
