"""Messages a newcomer meets first, following the README: each says what happened and what to do."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import factcheck
from factcheck.cli import main

EXAMPLES_README = Path(__file__).resolve().parents[1] / "annotations" / "examples" / "README.md"


def test_suggest_on_fully_labelled_articles_says_why_nothing_was_written(tmp_path, capsys):
    """Test that suggest over articles the logs fully label says so, not '(no model)'."""
    out = tmp_path / "suggestions.csv"
    code = main(
        ["suggest", str(factcheck.examples_path()), str(factcheck.sample_path()), "-o", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert "no model" not in err
    assert "wrote 0 suggestions" in err and "already labelled" in err
    assert out.read_text(encoding="utf-8").splitlines() == [
        "article_id,sentence_id,label,score,model"
    ]


def test_classroom_report_with_a_missing_key_says_how_to_make_one(tmp_path, capsys):
    """Test that a missing key.csv is named with the command that makes a key, exit code 2."""
    logs = tmp_path / "class-logs"
    logs.mkdir()
    for log in (factcheck.examples_path() / "classroom").glob("*.csv"):
        if log.name != "key.csv":
            shutil.copy(log, logs / log.name)
    report = tmp_path / "report.html"
    key = tmp_path / "key.csv"
    code = main(["classroom", "report", "--key", str(key), str(logs), "-o", str(report)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{key}: no such answer key" in err
    assert "factcheck classroom key" in err
    assert not report.exists()


def test_reading_a_missing_answer_key_in_python_names_the_file():
    """Test that read_answer_key on a missing file raises InputError naming it and the fix."""
    with pytest.raises(factcheck.InputError, match=r"nokey\.csv: no such answer key.*make"):
        factcheck.read_answer_key("nokey.csv")


def test_lab_help_documents_notebook_and_the_options_passed_to_jupyterlab(capsys):
    """Test that 'factcheck lab --help' explains --notebook and says other options go on."""
    with pytest.raises(SystemExit) as stop:
        main(["lab", "--help"])
    assert stop.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--notebook NOTEBOOK the notebook to open" in out
    assert "01-label-articles.ipynb" in out.replace("- ", "-")  # argparse wraps at hyphens
    assert "passed to JupyterLab" in out and "--no-browser --port 8890" in out


def test_examples_readme_names_the_schema_and_annotators_of_the_example_logs():
    """Test that the examples' README states the schema their logs are written in."""
    text = EXAMPLES_README.read_text(encoding="utf-8")
    schemas = set()
    annotators = set()
    for log in sorted(factcheck.examples_path().glob("*.csv")):
        with log.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        schemas |= {row["schema"] for row in rows}
        annotators |= {row["annotator"] for row in rows}
    for schema in schemas:
        assert f"`{schema}`" in text
    assert "`factcheck-log/1` format" not in text or schemas == {"factcheck-log/1"}
    for name in annotators:
        assert name in text


def test_claimbuster_export_of_default_labels_says_which_scheme_exports(tmp_path):
    """Test that exporting default-scheme logs to ClaimBuster names the preset to label with."""
    out = tmp_path / "cb.csv"
    assert factcheck.scheme_preset("claimbuster").name == "claimbuster"
    with pytest.warns(factcheck.InputWarning, match=r"scheme_preset\('claimbuster'\)"):
        code = main(
            ["export", str(factcheck.examples_path()), "--to", "claimbuster", "-o", str(out)]
        )
    assert code == 0


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The --help text of a command, on one line."""
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0
    return " ".join(capsys.readouterr().out.split()).replace("- ", "-")  # wrapped at hyphens


def test_top_level_help_says_what_factcheck_is_and_where_to_start(capsys):
    """Test that 'factcheck --help' describes the tool for users and points at 'factcheck lab'."""
    out = _help([], capsys)
    assert "Label news sentences as verified, unconfirmed or opinion" in out
    assert "Start with 'factcheck lab'" in out
    assert "calls the function a notebook would" not in out
    assert "the student app, live view, reports, grades" in out


@pytest.mark.parametrize("command", [["validate"], ["suggest"], ["gold"], ["card"]])
def test_scheme_option_help_names_the_presets(command, capsys):
    """Test that --scheme help says a preset name works, naming the presets load_scheme takes."""
    out = _help(command, capsys)
    for name in ("checkthat-worthiness", "claimbuster", "fever"):
        assert name in out
        assert factcheck.load_scheme(name).name == name
    assert "preset name" in out
