"""Tests for factcheck.live: the teacher's live view reads only what students appended."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from factcheck.articles import Article
from factcheck.classroom import class_report, make_answer_key
from factcheck.live import (
    LiveBoard,
    LiveClass,
    LiveServer,
    LiveWidget,
    complete_records,
    live_html,
    pairwise_agreement,
)
from factcheck.log import HEADER, AnnotationLog, format_row

ARTICLE = Article.from_text(
    "The council approved the budget on Monday. "
    "Critics say the plan is reckless. "
    "The mayor promised 200 new homes.",
    id="budget",
)
S0, S1, S2 = ARTICLE.sentences


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    """An answer key for the three sentences, made from a teacher's log."""
    log = AnnotationLog(tmp_path / "teacher" / "teacher.csv", annotator="teacher")
    log.record(S0, "verified", "The minutes are on record.")
    log.record(S1, "opinion", "'Reckless' is a judgement.")
    log.record(S2, "unconfirmed", "A promise <b>nobody</b> checked.")
    make_answer_key(log.path, tmp_path / "key.csv")
    return tmp_path / "key.csv"


def label(folder: Path, name: str, answers: dict) -> Path:
    """Record a student's answers in ``folder/<name>.csv``."""
    log = AnnotationLog(folder / f"{name}.csv", annotator=name)
    for sentence, value in answers.items():
        log.record(sentence, value)
    return log.path


def test_refresh_reads_only_the_appended_bytes(tmp_path: Path, key_path: Path) -> None:
    """Test that a second refresh parses only the rows appended since the first."""
    folder = tmp_path / "class"
    path = label(folder, "ana", {S0: "verified"})
    live = LiveClass(key_path, folder)
    first = live.refresh()
    assert first.bytes_read == path.stat().st_size
    assert live.refresh().bytes_read == 0
    before = path.stat().st_size
    AnnotationLog(path, annotator="ana").record(S1, "verified")
    third = live.refresh()
    assert third.bytes_read == path.stat().st_size - before
    (ana,) = third.students
    assert (ana.student, ana.answered, ana.correct, ana.in_key) == ("ana", 2, 1, 3)


def test_torn_last_row_waits_for_the_next_refresh(tmp_path: Path, key_path: Path) -> None:
    """Test that a row still being written is not counted, then counted once complete."""
    folder = tmp_path / "class"
    path = label(folder, "ana", {S0: "verified"})
    live = LiveClass(key_path, folder)
    live.refresh()
    row = format_row(
        [
            "factcheck-log/1",
            "2026-12-01T10:00:00Z",
            "ana",
            S1.article_id,
            S1.id,
            S1.index,
            S1.start,
            S1.end,
            "opinion",
            'a note, "quoted"\nover two lines',
            "label",
            "default@1",
            "",
            S1.text,
        ]
    ).encode()
    cut = row.index(b"\n") + 1  # inside the quoted note: the newline does not end the row
    with open(path, "ab") as handle:
        handle.write(row[:cut])
    torn = live.refresh()
    assert torn.students[0].answered == 1
    assert not torn.problems
    with open(path, "ab") as handle:
        handle.write(row[cut:])
    whole = live.refresh()
    assert whole.students[0].answered == 2
    assert whole.bytes_read == len(row)


def test_complete_records_keeps_a_cut_row_back() -> None:
    """Test that complete_records returns whole records only and flags real damage."""
    data = format_row(["a", "b,c"]).encode() + b'x,"open'
    rows, used, damaged = complete_records(data)
    assert rows == [["a", "b,c"]]
    assert used == len(format_row(["a", "b,c"]))
    assert not damaged
    rows, used, damaged = complete_records(b'a,b"c\nd,e\n')
    assert rows == [] and used == 0 and damaged


def test_a_damaged_file_is_named_and_the_others_still_count(tmp_path: Path, key_path: Path) -> None:
    """Test that a student file damaged mid-class is reported by name, others unaffected."""
    folder = tmp_path / "class"
    bad = label(folder, "ben", {S0: "opinion"})
    label(folder, "ana", {S0: "verified", S1: "opinion"})
    with open(bad, "ab") as handle:
        handle.write(b'garbage "row\nwith,a stray quote\n')
    snapshot = LiveClass(key_path, folder).refresh()
    assert [s.student for s in snapshot.students] == ["ana", "ben"]
    assert any("ben.csv" in p and "damaged" in p for p in snapshot.problems)
    assert snapshot.students[0].answered == 2


def test_a_rewritten_file_is_read_again(tmp_path: Path, key_path: Path) -> None:
    """Test that a file replaced by a shorter one is read again from its start."""
    folder = tmp_path / "class"
    path = label(folder, "ana", {S0: "verified", S1: "opinion", S2: "opinion"})
    live = LiveClass(key_path, folder)
    assert live.refresh().students[0].answered == 3
    path.unlink()
    label(folder, "ana", {S0: "opinion"})
    again = live.refresh()
    assert again.students[0].answered == 1
    assert again.students[0].correct == 0


def test_live_view_agrees_with_the_class_report(tmp_path: Path, key_path: Path) -> None:
    """Test that live progress and votes match the class report on the same folder."""
    folder = tmp_path / "class"
    label(folder, "ana", {S0: "verified", S1: "opinion", S2: "verified"})
    label(folder, "ben", {S0: "verified", S1: "verified"})
    AnnotationLog(folder / "ben.csv", annotator="ben").undo()
    label(folder, "cy", {S1: "opinion", S2: "unconfirmed"})
    snapshot = LiveClass(key_path, folder).refresh()
    report = class_report(key_path, folder)
    whole = report.scores.loc[report.scores["article_id"] == "(all)"].set_index("student")
    for student in snapshot.students:
        assert student.answered == whole.loc[student.student, "answered"]
        assert student.correct == whole.loc[student.student, "correct"]
    votes = report.votes
    for sentence in snapshot.sentences:
        expected = votes.loc[votes["sentence_id"] == sentence.sentence_id]
        assert dict(sentence.votes) == dict(zip(expected["label"], expected["count"], strict=True))


def test_pairwise_agreement_counts_agreeing_pairs() -> None:
    """Test that running agreement is the share of agreeing student pairs."""
    assert pairwise_agreement([[("opinion", 2), ("verified", 1)]]) == pytest.approx(1 / 3)
    assert pairwise_agreement([[("opinion", 1)]]) is None


def test_freeze_holds_votes_and_reveal_shows_the_answer(tmp_path: Path, key_path: Path) -> None:
    """Test that a frozen sentence keeps its votes and its answer is hidden until revealed."""
    folder = tmp_path / "class"
    label(folder, "ana", {S2: "opinion"})
    label(folder, "ben", {S2: "unconfirmed"})
    live = LiveClass(key_path, folder)
    board = LiveBoard()
    board.freeze(live.refresh(), S2.id)
    label(folder, "cy", {S2: "opinion"})
    page = live_html(live.refresh(), board)
    assert "Frozen for discussion" in page
    assert "opinion 1" in page and "opinion 2" not in page
    assert "nobody" not in page
    board.reveal(S2.id)
    page = live_html(live.refresh(), board)
    assert "A promise &lt;b&gt;nobody&lt;/b&gt; checked." in page
    board.release(S2.id)
    assert "opinion 2" in live_html(live.refresh(), board)
    with pytest.raises(KeyError, match="not a sentence of the answer key"):
        board.freeze(live.refresh(), "no-such-sentence")


def test_student_names_are_escaped_in_the_page(tmp_path: Path, key_path: Path) -> None:
    """Test that a student name with markup is shown as text in the live page."""
    folder = tmp_path / "class"
    label(folder, "ana", {S0: "verified"})
    log = AnnotationLog(folder / "x.csv", annotator="x<img src=y onerror=alert(1)>")
    log.record(S0, "opinion")
    page = live_html(LiveClass(key_path, folder).refresh())
    assert "<img" not in page
    assert "x&lt;img src=y onerror=alert(1)&gt;" in page


def test_the_key_and_the_teachers_log_are_not_students(tmp_path: Path, key_path: Path) -> None:
    """Test that the answer key and teacher files in the class folder are left out."""
    folder = tmp_path / "class"
    label(folder, "ana", {S0: "verified"})
    (folder / "key.csv").write_bytes(key_path.read_bytes())
    (folder / "notes.csv").write_text("not,a,log\n", encoding="utf-8")
    snapshot = LiveClass(key_path, folder).refresh()
    assert [s.student for s in snapshot.students] == ["ana"]
    assert any("notes.csv" in p for p in snapshot.problems)
    assert HEADER.startswith("schema,")


def test_server_serves_the_page_and_takes_freeze_with_its_token(
    tmp_path: Path, key_path: Path
) -> None:
    """Test that the watch server serves the view and accepts only token-bearing POSTs."""
    folder = tmp_path / "class"
    label(folder, "ana", {S1: "opinion"})
    label(folder, "ben", {S1: "verified"})
    server = LiveServer(LiveClass(key_path, folder), ("127.0.0.1", 0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = urllib.request.urlopen(base + "/", timeout=10).read().decode()
        assert "2 student(s) started" in page and 'http-equiv="refresh"' in page
        form = urllib.parse.urlencode({"token": "wrong", "sentence": S1.id}).encode()
        with pytest.raises(urllib.error.HTTPError, match="403"):
            urllib.request.urlopen(base + "/freeze", data=form, timeout=10)
        form = urllib.parse.urlencode({"token": server.token, "sentence": S1.id}).encode()
        page = urllib.request.urlopen(base + "/freeze", data=form, timeout=10).read().decode()
        assert "Frozen for discussion" in page
        rebound = urllib.request.Request(base + "/", headers={"Host": "evil.example:80"})
        with pytest.raises(urllib.error.HTTPError, match="403"):
            urllib.request.urlopen(rebound, timeout=10)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_notebook_widget_freezes_and_refreshes(tmp_path: Path, key_path: Path) -> None:
    """Test that the notebook live view redraws new answers and its buttons freeze/reveal."""
    folder = tmp_path / "class"
    label(folder, "ana", {S2: "opinion"})
    view = LiveWidget(key_path, folder)
    label(folder, "ben", {S2: "unconfirmed"})
    assert "ben" not in view.page.value
    view.refresh()
    assert "ben" in view.page.value
    view.sentence.value = S2.id
    view.freeze_button.click()
    assert "Frozen for discussion" in view.page.value
    view.reveal_button.click()
    assert "nobody" in view.page.value
    view.release_button.click()
    assert "Frozen for discussion" not in view.page.value


def test_roster_lists_who_has_not_started_and_hidden_names_use_pseudonyms(
    tmp_path: Path, key_path: Path
) -> None:
    """Test that the roster's missing students are listed, and names hidden for projection."""
    from factcheck.roster import read_roster

    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("name,pseudonym\nAna,Owl\nBen,\nCy,\n", encoding="utf-8")
    roster = read_roster(roster_file)
    folder = tmp_path / "class"
    label(folder, "ana", {S0: "verified"})
    label(folder, "ben", {S0: "opinion"})
    snapshot = LiveClass(key_path, folder, roster=roster).refresh()
    assert snapshot.not_started == ("Cy",)
    assert "Not started yet (1): Cy" in live_html(snapshot)
    hidden = LiveClass(key_path, folder, roster=roster, hide_names=True).refresh()
    shown = [s.student for s in hidden.students]
    assert "Owl" in shown and "ana" not in shown and "ben" not in shown
    assert all(
        name.startswith("Student ") for name in [*shown, *hidden.not_started] if name != "Owl"
    )
    page = live_html(hidden)
    assert "ben" not in page and "Cy" not in page


def test_refreshing_while_students_write_loses_and_blocks_nothing(
    tmp_path: Path, key_path: Path
) -> None:
    """Test that refreshing in a loop while three writers append ends with every answer seen."""
    folder = tmp_path / "class"
    live = LiveClass(key_path, folder)
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            log = AnnotationLog(folder / f"{name}.csv", annotator=name)
            for round_ in range(30):
                for sentence in (S0, S1, S2):
                    log.record(sentence, ("verified", "opinion", "unconfirmed")[round_ % 3])
        except BaseException as exc:  # reported below: a writer must never fail
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(n,)) for n in ("ana", "ben", "cy")]
    for thread in writers:
        thread.start()
    refreshes = 0
    while any(thread.is_alive() for thread in writers):
        live.refresh()
        refreshes += 1
    for thread in writers:
        thread.join()
    assert not errors
    final = live.refresh()
    assert refreshes > 1
    assert [s.student for s in final.students] == ["ana", "ben", "cy"]
    report = class_report(key_path, folder)
    votes = report.votes
    for sentence in final.sentences:
        expected = votes.loc[votes["sentence_id"] == sentence.sentence_id]
        assert dict(sentence.votes) == dict(zip(expected["label"], expected["count"], strict=True))
    assert sum(t.offset for t in live._tails.values()) == sum(
        (folder / f"{n}.csv").stat().st_size for n in ("ana", "ben", "cy")
    )


def test_watch_command_serves_the_live_page(tmp_path: Path, key_path: Path) -> None:
    """Test that `factcheck classroom watch` serves the live page until it is stopped."""
    import socket
    import subprocess
    import sys
    import time

    folder = tmp_path / "class"
    label(folder, "ana", {S0: "verified"})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "factcheck", "classroom", "watch", str(folder)]
    process = subprocess.Popen(
        [*command, "--key", str(key_path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert b"1 student(s) started" in page
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_hidden_names_need_the_key_file(tmp_path: Path, key_path: Path) -> None:
    """Test that hiding names with a key held only in memory is a clear error."""
    from factcheck.classroom import AnswerKey, read_answer_key
    from factcheck.errors import InputError

    in_memory = AnswerKey(read_answer_key(key_path).entries)
    with pytest.raises(InputError, match="hide_names needs the answer key's file"):
        LiveClass(in_memory, tmp_path, hide_names=True)
