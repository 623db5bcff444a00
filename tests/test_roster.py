"""Tests for class rosters, join codes and hub names in the student app (real widgets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.errors import InputError
from factcheck.log import log_path
from factcheck.roster import join_code_matches, read_roster
from factcheck.student import ENV_HUB_USER, ENV_JOIN_CODE, ENV_ROSTER, config_from_env
from factcheck.student import student_app as make_app
from tests._widget_helpers import all_widgets, rows_of
from tests.test_student import classroom  # noqa: F401  (fixture)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_roster_reads_names_and_pseudonyms(tmp_path: Path) -> None:
    """Test that a roster gives its names in order, pseudonyms where given, extra columns kept out."""
    roster = read_roster(
        write(tmp_path / "r.csv", "Name,pseudonym,lms_id\nAna K,Owl,17\nBen,,18\n")
    )
    assert roster.names == ("Ana K", "Ben")
    assert roster.pseudonyms() == {"Ana K": "Owl"}
    assert roster.find(" ana k ").name == "Ana K"
    assert roster.find("Cy") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name\nAna\n\nBen\n", r"r\.csv, row 3: an empty row\. Delete the row or write the name"),
        ("name\nAna\nBen\nana \n", r"r\.csv, row 4: 'ana' is already on row 2"),
        ("pupil\nAna\n", r"r\.csv, row 1: no 'name' column \(found pupil\)"),
        ("name,pseudonym\nAna,Owl\nBen,Owl\n", r"row 3: pseudonym 'Owl' is already on row 2"),
        ("name\n=cmd()\n", r"row 2: '=cmd\(\)' starts like a spreadsheet formula"),
        ("name\n", r"no names after the header"),
        ("name,pseudonym\n,Owl\n", r"row 2: a row with no name"),
    ],
)
def test_bad_rosters_name_the_row_and_what_to_do(tmp_path: Path, text: str, message: str) -> None:
    """Test that duplicates, empty rows and a missing column are errors naming the row."""
    with pytest.raises(InputError, match=message):
        read_roster(write(tmp_path / "r.csv", text))


def test_join_code_ignores_case_and_spaces() -> None:
    """Test that the join code matches typed in any case, and a wrong one does not."""
    assert join_code_matches("Fox-42", " fox-42 ")
    assert not join_code_matches("Fox-42", "fox-43")
    assert not join_code_matches("Fox-42", "")


def test_roster_app_offers_the_names_and_refuses_others(classroom, tmp_path: Path) -> None:  # noqa: F811
    """Test that with a roster students pick a name from the list; others are refused."""
    roster = write(tmp_path / "roster.csv", "name\nAna K\nBen\n")
    app = make_app(classroom.key, classroom.articles, classroom.out, roster=roster)
    assert [value for _, value in app.name_menu.options] == ["", "Ana K", "Ben"]
    assert app.name_text.layout.display == "none"
    assert app.anonymous_button.layout.display == "none"
    assert app.start("Zed") is None
    assert "not on this class's list" in app.message
    assert not any(classroom.out.glob("*.csv"))
    assert app.start_anonymous() is None
    app.name_menu.value = "Ben"
    app.start_button.click()
    assert app.annotator is not None
    app.annotator.rows[0].buttons["verified"].click()
    assert rows_of(log_path("Ben", classroom.out))[0]["annotator"] == "Ben"
    app.close()


def test_wrong_join_code_is_refused_then_the_right_one_works(classroom) -> None:  # noqa: F811
    """Test that a wrong join code leaves the student at the form with a clear message."""
    app = make_app(classroom.key, classroom.articles, classroom.out, join_code="Fox-42")
    assert app.code_text.layout.display is None
    app.name_text.value = "Ana"
    app.code_text.value = "fox-24"
    app.start_button.click()
    assert app.annotator is None
    assert "join code is not right" in app.message
    app.code_text.value = "FOX-42"
    app.start_button.click()
    assert app.annotator is not None
    app.close()


def test_hub_user_name_is_the_student_and_no_name_entry_is_shown(
    classroom,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Test that JUPYTERHUB_USER starts labelling at once, with no name field or join code."""
    monkeypatch.setenv(ENV_HUB_USER, "ana")
    monkeypatch.setenv(ENV_JOIN_CODE, "Fox-42")
    monkeypatch.setenv(ENV_ROSTER, str(write(tmp_path / "roster.csv", "name\nana\n")))
    assert config_from_env().student == "ana"
    app = make_app(classroom.key, classroom.articles, classroom.out)
    assert app.annotator is not None
    app.annotator.rows[0].buttons["opinion"].click()
    assert rows_of(log_path("ana", classroom.out))[0]["annotator"] == "ana"
    app.close()
    again = make_app(classroom.key, classroom.articles, classroom.out)
    assert again.annotator is not None  # a hub login continues its own answers, no question
    again.close()
    monkeypatch.setenv(ENV_HUB_USER, "mallory")
    outsider = make_app(classroom.key, classroom.articles, classroom.out)
    assert outsider.annotator is None
    assert "not on this class's list" in outsider.message
    shown = list(all_widgets(outsider.widget))
    assert outsider.name_text not in shown and outsider.code_text not in shown


def test_serve_stops_on_a_bad_roster_before_class(classroom, tmp_path: Path) -> None:  # noqa: F811
    """Test that `classroom serve` reports a duplicate in the roster before starting Voilà."""
    from factcheck.classroom_server import serve_classroom

    roster = write(tmp_path / "roster.csv", "name\nAna\nAna\n")
    with pytest.raises(InputError, match=r"roster\.csv, row 3: 'Ana' is already on row 2"):
        serve_classroom(classroom.key, classroom.articles, classroom.out, roster=roster, port=1)


def test_a_teacher_signed_in_on_the_hub_gets_no_student_session(
    classroom,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Test that a hub user listed in FACTCHECK_TEACHERS is told so and nothing is saved."""
    monkeypatch.setenv(ENV_HUB_USER, "Rahman")
    monkeypatch.setenv("FACTCHECK_TEACHERS", "rahman, okafor")
    app = make_app(classroom.key, classroom.articles, classroom.out)
    assert app.annotator is None
    assert "a teacher of this class" in app.message
    assert not classroom.out.exists() or not any(classroom.out.iterdir())
    monkeypatch.delenv(ENV_HUB_USER)
    other = make_app(classroom.key, classroom.articles, classroom.out)
    assert other.start("okafor") is None  # a teacher's name is not a student's
    assert "cannot be used in this session" in other.message
    other.close()
