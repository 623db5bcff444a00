"""Tests for factcheck.grades and `factcheck classroom grades`: the LMS gradebook export."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.articles import Article
from factcheck.classroom import class_report, make_answer_key
from factcheck.grades import GRADE_COLUMNS, answers_sheet, gradebook, write_grades
from factcheck.log import AnnotationLog

ONE = Article.from_text(
    "The council approved the budget on Monday. Critics say the plan is reckless.", id="budget"
)
TWO = Article.from_text("Volunteers planted 300 trees. It will transform the town.", id="trees")
A0, A1 = ONE.sentences
B0, B1 = TWO.sentences


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    """An answer key of four sentences in two articles."""
    log = AnnotationLog(tmp_path / "teacher" / "teacher.csv", annotator="teacher")
    for sentence, label in ((A0, "verified"), (A1, "opinion"), (B0, "verified"), (B1, "opinion")):
        log.record(sentence, label, "because")
    make_answer_key(log.path, tmp_path / "key.csv")
    return tmp_path / "key.csv"


def label(folder: Path, name: str, answers: dict) -> None:
    log = AnnotationLog(folder / f"{name.strip('=')}.csv", annotator=name)
    for sentence, value in answers.items():
        log.record(sentence, value)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_gradebook_has_the_lms_columns_and_figures(tmp_path: Path, key_path: Path) -> None:
    """Test that each student gets score, maximum, percent, articles done and last activity."""
    folder = tmp_path / "class"
    label(folder, "ana", {A0: "verified", A1: "opinion", B0: "opinion"})
    label(folder, "ben", {A0: "opinion"})
    (folder / "cy.csv").write_text("", encoding="utf-8")
    table = gradebook(class_report(key_path, folder))
    assert tuple(table.columns) == GRADE_COLUMNS
    rows = table.set_index("student").to_dict("index")
    assert rows["ana"]["score"] == 2 and rows["ana"]["maximum"] == 4
    assert rows["ana"]["percent"] == 50.0
    assert rows["ana"]["articles done"] == 1
    assert rows["ana"]["last activity"][:2] == "20"
    assert rows["ben"]["score"] == 0 and rows["ben"]["articles done"] == 0
    assert rows["cy"] == {
        "score": 0,
        "maximum": 4,
        "percent": 0.0,
        "articles done": 0,
        "last activity": "",
    }


def test_answers_sheet_lists_every_student_and_key_sentence(tmp_path: Path, key_path: Path) -> None:
    """Test that the answers sheet has one row per student and key sentence, marked."""
    folder = tmp_path / "class"
    label(folder, "ana", {A0: "verified", A1: "verified"})
    label(folder, "ben", {B1: "opinion"})
    sheet = answers_sheet(class_report(key_path, folder))
    assert len(sheet) == 2 * 4
    ana = sheet.loc[sheet["student"] == "ana"].set_index("sentence_id")
    assert ana.loc[A0.id, "correct"] == "yes"
    assert ana.loc[A1.id, "correct"] == "no"
    assert ana.loc[B0.id, "answer"] == "" and ana.loc[B0.id, "correct"] == ""


def test_grades_files_are_spreadsheet_safe(tmp_path: Path, key_path: Path) -> None:
    """Test that a formula-like student name is written with a leading quote, BOM first."""
    folder = tmp_path / "class"
    label(folder, "=HYPERLINK(1)", {A0: "verified"})
    write_grades(key_path, folder, tmp_path / "grades.csv", answers=tmp_path / "answers.csv")
    raw = (tmp_path / "grades.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert read_csv(tmp_path / "grades.csv")[0]["student"] == "'=HYPERLINK(1)"
    assert read_csv(tmp_path / "answers.csv")[0]["student"] == "'=HYPERLINK(1)"


def test_cli_grades_writes_both_files_and_refuses_an_input(tmp_path: Path, key_path: Path) -> None:
    """Test that `classroom grades` writes the gradebook and answers, never over a log."""
    folder = tmp_path / "class"
    label(folder, "ana", {A0: "verified"})
    command = [sys.executable, "-m", "factcheck", "classroom", "grades", str(folder)]
    done = subprocess.run(
        [
            *command,
            "--key",
            str(key_path),
            "-o",
            str(tmp_path / "g.csv"),
            "--answers",
            str(tmp_path / "a.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [row["student"] for row in read_csv(tmp_path / "g.csv")] == ["ana"]
    assert len(read_csv(tmp_path / "a.csv")) == 4
    before = (folder / "ana.csv").read_bytes()
    refused = subprocess.run(
        [*command, "--key", str(key_path), "-o", str(folder / "ana.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "which this command reads" in refused.stderr
    assert (folder / "ana.csv").read_bytes() == before


def test_roster_students_who_saved_nothing_get_zero(tmp_path: Path, key_path: Path) -> None:
    """Test that with a roster every listed student has a gradebook row, absent ones 0."""
    from factcheck.roster import read_roster

    folder = tmp_path / "class"
    label(folder, "ana", {A0: "verified"})
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("name\nAna\nZoe\n", encoding="utf-8")
    table = gradebook(class_report(key_path, folder), read_roster(roster_file))
    rows = table.set_index("student").to_dict("index")
    assert list(table["student"]) == ["ana", "Zoe"]
    assert rows["Zoe"] == {
        "score": 0,
        "maximum": 4,
        "percent": 0.0,
        "articles done": 0,
        "last activity": "",
    }


def test_last_activity_counts_a_clear_after_the_last_label(tmp_path: Path, key_path: Path) -> None:
    """Test that last activity is the student's latest event, even one that cleared a label."""
    import time

    folder = tmp_path / "class"
    log = AnnotationLog(folder / "ana.csv", annotator="ana")
    log.record(A0, "verified")
    log.record(A1, "opinion")
    time.sleep(1.1)  # the column shows whole seconds
    cleared = log.record(A1, None)
    rows = gradebook(class_report(key_path, folder)).set_index("student")
    assert rows.loc["ana", "last activity"] == cleared.timestamp[:19].replace("T", " ")
    assert rows.loc["ana", "score"] == 1
