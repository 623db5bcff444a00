"""Built-in label scheme presets: CheckThat! check-worthiness, ClaimBuster, FEVER verdicts."""

from __future__ import annotations

import json

import pytest

import factcheck
from factcheck import AnnotationLog, Article, SchemeError
from factcheck.cli import main


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("default", ("verified", "unconfirmed", "opinion")),
        ("checkthat-worthiness", ("yes", "no")),
        ("claimbuster", ("nfs", "ufs", "cfs")),
        ("fever", ("supports", "refutes", "not enough info")),
    ],
)
def test_presets_load_by_name_with_their_labels(name, labels):
    """Test that each preset loads by name, with its labels, definitions and examples."""
    scheme = factcheck.load_scheme(name)
    assert scheme is factcheck.scheme_preset(name) is factcheck.SCHEMES[name]
    assert scheme.names == labels
    assert all(label.definition and label.example for label in scheme)


def test_a_preset_round_trips_through_a_json_file(tmp_path):
    """Test that a preset saved with to_dict loads back from its file unchanged."""
    path = tmp_path / "cb.json"
    path.write_text(json.dumps(factcheck.SCHEMES["claimbuster"].to_dict()), encoding="utf-8")
    assert factcheck.load_scheme(path) == factcheck.SCHEMES["claimbuster"]


def test_an_unknown_preset_name_lists_the_built_in_schemes():
    """Test that a name that is neither a preset nor a file names the presets to use."""
    with pytest.raises(SchemeError, match=r"claimbustr.*Built-in schemes: default, .*fever"):
        factcheck.load_scheme("claimbustr")
    with pytest.raises(SchemeError, match="No built-in label scheme 'nope'"):
        factcheck.scheme_preset("nope")


def test_validate_accepts_a_preset_name_for_scheme(tmp_path, capsys):
    """Test that `factcheck validate --scheme fever` checks labels against the FEVER preset."""
    scheme = factcheck.SCHEMES["fever"]
    sentence = Article.from_text("The bridge opened in 1962.", id="bridge").sentences[0]
    log = AnnotationLog(tmp_path / "ana.csv", annotator="ana", scheme=scheme)
    log.record(sentence, "not enough info")
    assert main(["validate", str(tmp_path / "ana.csv"), "--scheme", "fever"]) == 0
    text = (tmp_path / "ana.csv").read_text(encoding="utf-8")
    (tmp_path / "ana.csv").write_text(text.replace(",not enough info,", ",refuted,"), "utf-8")
    assert main(["validate", str(tmp_path / "ana.csv"), "--scheme", "fever"]) == 1
    assert "refuted" in capsys.readouterr().out
