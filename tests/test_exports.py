"""Tests for exports: tidy CSV with adjudication, spreadsheet-safe CSV, JSONL, Parquet, CheckThat!."""

from __future__ import annotations

import csv
import json
import re
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck import cli
from factcheck.errors import InputError, InputWarning, LogFormatError
from factcheck.exports import (
    CHECKTHAT_COLUMNS,
    TIDY_COLUMNS,
    adjudicate,
    export_annotations,
    neutralise_formulas,
    to_checkthat,
    to_tidy,
)
from factcheck.log import AnnotationLog, read_annotations
from tests._log_helpers import row, sentence, write_log

TRICKY = [
    'He said, "the bridge is safe," and left.',
    "Line one\nline two",
    "Carriage\rreturn and\r\nCRLF",
    "Le maire a dit « non » à 4,2 M€ — 🚧🌉",
    "市议会批准了预算。",
    '=HYPERLINK("http://example.test")',
    "\ttabbed start",
    '"Quoted start," she said.',
    "",
]


def _label_all(folder: Path, votes: dict[str, list[str | None]]) -> None:
    """Each annotator labels sentence i with votes[annotator][i] (None: not labelled)."""
    for annotator, labels in votes.items():
        log = AnnotationLog(annotator=annotator, folder=folder)
        for index, label in enumerate(labels):
            if label is not None:
                text = f"Sentence {index}, with a comma."
                log.record(sentence(text, index=index), label, note=f"{annotator} note")


@pytest.fixture
def three_annotators(tmp_path):
    _label_all(
        tmp_path,
        {
            "ana": ["verified", "opinion", "verified", "opinion"],
            "ben": ["verified", "opinion", "unconfirmed", None],
            "cy": ["unconfirmed", "opinion", "opinion", None],
        },
    )
    return tmp_path


# --- pure functions ------------------------------------------------------------------------


def test_adjudicate_counts_votes_majority_agreement_and_ties(three_annotators):
    """Test one row per sentence with votes, majority label, agreement share and tie flag."""
    table = adjudicate(read_annotations(three_annotators))
    assert table["sentence_id"].tolist() == ["a1-0000", "a1-0001", "a1-0002", "a1-0003"]
    assert table["n_votes"].tolist() == [3, 3, 3, 1]
    assert table["votes_verified"].tolist() == [2, 0, 1, 0]
    assert table["votes_unconfirmed"].tolist() == [1, 0, 1, 0]
    assert table["votes_opinion"].tolist() == [0, 3, 1, 1]
    assert table["majority_label"].tolist() == ["verified", "opinion", "", "opinion"]
    assert table["agreement"].round(4).tolist() == [0.6667, 1.0, 0.3333, 1.0]
    assert table["tie"].tolist() == [False, False, True, False]


def test_to_tidy_has_one_row_per_sentence_per_annotator(three_annotators):
    """Test that the tidy table has a row per annotator and sentence plus the vote columns."""
    frame = read_annotations(three_annotators)
    tidy = to_tidy(frame)
    assert len(tidy) == 10
    assert list(tidy.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    first = tidy[tidy["sentence_id"] == "a1-0000"]
    assert first["annotator"].tolist() == ["ana", "ben", "cy"]
    assert set(first["majority_label"]) == {"verified"}
    pd.testing.assert_frame_equal(frame, read_annotations(three_annotators))  # input unchanged


def test_to_tidy_refuses_history(three_annotators):
    """Test that passing every event (history=True) raises InputError saying what to pass."""
    AnnotationLog(annotator="ana", folder=three_annotators).record(sentence("Relabelled."), None)
    with pytest.raises(InputError, match="not read_annotations\\(files, history=True\\)"):
        to_tidy(read_annotations(three_annotators, history=True))


def test_extra_labels_get_their_own_vote_column(tmp_path):
    """Test that a label outside the default scheme is counted in votes_<label>."""
    write_log(
        tmp_path / "ana.csv",
        [row(scheme="class@1", label="not a claim"), row(sentence_id="a1-0001", index=1)],
    )
    table = adjudicate(read_annotations(tmp_path))
    assert table["votes_not_a_claim"].tolist() == [1, 0]


def test_checkthat_maps_labels_and_uses_majority(three_annotators):
    """Test OBJ/SUBJ mapping after voting: a verified/unconfirmed/opinion tie is OBJ 2:1."""
    table = to_checkthat(read_annotations(three_annotators))
    assert list(table.columns) == list(CHECKTHAT_COLUMNS)
    assert table["label"].tolist() == ["OBJ", "SUBJ", "OBJ", "SUBJ"]


def test_checkthat_drops_ties_and_unmapped_labels_with_warnings(tmp_path):
    """Test that OBJ/SUBJ ties and labels without a mapping are left out, with warnings."""
    _label_all(tmp_path, {"ana": ["verified", "opinion"], "ben": ["opinion", "opinion"]})
    with pytest.warns(InputWarning, match="1 sentence\\(s\\) with as many OBJ as SUBJ"):
        table = to_checkthat(read_annotations(tmp_path))
    assert table["sentence_id"].tolist() == ["a1-0001"]
    write_log(tmp_path / "cy.csv", [row(annotator="cy", scheme="class@1", label="satire")])
    with pytest.warns(InputWarning, match="'satire' have no OBJ/SUBJ mapping"):
        to_checkthat(read_annotations(tmp_path / "cy.csv"))


def test_neutralise_formulas_prefixes_only_risky_cells():
    """Test the OWASP rule: = + - @ tab CR at the start get a leading quote, nothing else."""
    frame = pd.DataFrame(
        {"text": ["=1+1", "+44 20", "-3", "@here", "\tx", "\rx", "plain", "a=b"], "n": range(8)}
    )
    safe = neutralise_formulas(frame)
    assert safe["text"].tolist() == [
        "'=1+1",
        "'+44 20",
        "'-3",
        "'@here",
        "'\tx",
        "'\rx",
        "plain",
        "a=b",
    ]
    assert safe["n"].tolist() == list(range(8))
    assert frame["text"].iloc[0] == "=1+1"


# --- files ---------------------------------------------------------------------------------


def _tricky_logs(folder: Path) -> None:
    log = AnnotationLog(annotator="ana", folder=folder)
    for index, text in enumerate(TRICKY):
        log.record(sentence(text, index=index), "opinion", note=f"note, {text}")


def test_csv_export_round_trips_tricky_text(tmp_path):
    """Test that commas, quotes, line breaks, CR, emoji and CJK survive the CSV exactly."""
    _tricky_logs(tmp_path / "logs")
    out = tmp_path / "out.csv"
    assert export_annotations([tmp_path / "logs"], "csv", out) == len(TRICKY)
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert back["text"].tolist() == TRICKY
    assert back["note"].tolist() == [f"note, {t}" for t in TRICKY]
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["text"] for r in rows] == TRICKY
    assert rows[0]["timestamp"].endswith("+00:00")
    assert "=HYPERLINK" in data.decode()


def test_spreadsheet_safe_csv_has_bom_and_neutralised_cells(tmp_path):
    """Test that --spreadsheet-safe writes a BOM and prefixes formula-like cells with '."""
    _tricky_logs(tmp_path / "logs")
    out = tmp_path / "safe.csv"
    export_annotations([tmp_path / "logs"], "csv", out, spreadsheet_safe=True)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    texts = dict(zip(back["sentence_index"], back["text"], strict=True))
    assert texts[str(TRICKY.index('=HYPERLINK("http://example.test")'))].startswith("'=")
    assert texts[str(TRICKY.index("\ttabbed start"))] == "'\ttabbed start"
    assert texts["0"] == TRICKY[0]


def test_jsonl_and_parquet_carry_every_column_with_types(three_annotators, tmp_path):
    """Test that JSONL and Parquet hold the tidy columns with ints, floats, bools, datetimes."""
    jsonl, parquet = tmp_path / "out.jsonl", tmp_path / "out.parquet"
    assert export_annotations([three_annotators], "jsonl", jsonl) == 10
    assert export_annotations([three_annotators], "parquet", parquet) == 10
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    expected = to_tidy(read_annotations(three_annotators))
    assert list(records[0]) == list(expected.columns)
    assert isinstance(records[0]["start"], int)
    assert isinstance(records[0]["tie"], bool)
    assert isinstance(records[0]["agreement"], float)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", records[0]["timestamp"])
    back = pd.read_parquet(parquet)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    assert str(back["timestamp"].dtype).startswith("datetime64[")
    assert back["tie"].dtype == bool


def test_checkthat_tsv_is_unquoted_with_breaks_replaced(tmp_path):
    """Test the TSV: header, raw quotes, tabs and line breaks replaced by one space."""
    _tricky_logs(tmp_path / "logs")
    out = tmp_path / "subj.tsv"
    with pytest.warns(InputWarning, match="replaced tabs/line breaks"):
        assert export_annotations([tmp_path / "logs"], "checkthat", out) == len(TRICKY)
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "sentence_id\tsentence\tlabel"
    assert lines[-1] == ""
    rows = [line.split("\t") for line in lines[1:-1]]
    assert all(len(r) == 3 for r in rows)
    assert [r[1] for r in rows] == [re.sub(r"[\t\r\n]+", " ", t) for t in TRICKY]
    assert rows[TRICKY.index('"Quoted start," she said.')][1] == '"Quoted start," she said.'
    back = pd.read_csv(out, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    assert back["label"].tolist() == ["SUBJ"] * len(TRICKY)


def test_export_errors_leave_existing_output_untouched(tmp_path):
    """Test that a failing export (bad log) raises and keeps the previous output file."""
    out = tmp_path / "out.csv"
    out.write_text("previous export\n")
    write_log(tmp_path / "ana.csv", [row(label="verifed")])
    with pytest.raises(LogFormatError, match="unknown label 'verifed'"):
        export_annotations([tmp_path / "ana.csv"], "csv", out)
    assert out.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ana.csv", "out.csv"]


def test_export_refuses_bad_options(tmp_path):
    """Test clear errors: unknown format, spreadsheet-safe on non-CSV, output = input log."""
    log = tmp_path / "ana.csv"
    data = write_log(log, [row()])
    with pytest.raises(InputError, match="Unknown export format 'xlsx'"):
        export_annotations([log], "xlsx", tmp_path / "o.xlsx")
    with pytest.raises(InputError, match="csv, claimbuster and checkthat exports only"):
        export_annotations([log], "jsonl", tmp_path / "o.jsonl", spreadsheet_safe=True)
    with pytest.raises(InputError, match="is one of the logs being exported"):
        export_annotations([tmp_path], "csv", log)
    with pytest.raises(InputError, match="--corpus applies to the label-studio, doccano"):
        export_annotations([log], "csv", tmp_path / "o.csv", corpus=log)
    with pytest.raises(InputError, match="is the corpus given"):
        export_annotations([log], "doccano", tmp_path / "c.jsonl", corpus=tmp_path / "c.jsonl")
    assert log.read_bytes() == data


def test_cli_export_writes_file(three_annotators, tmp_path, capsys):
    """Test that `factcheck export` writes the file and reports the row count."""
    out = tmp_path / "export" / "tidy.csv"
    assert cli.main(["export", str(three_annotators), "--to", "csv", "-o", str(out)]) == 0
    assert "wrote 10 rows" in capsys.readouterr().err
    assert len(pd.read_csv(out)) == 10


# --- round-trip properties -----------------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=4), notes=st.lists(ANY_TEXT, min_size=4))
def test_any_text_round_trips_through_log_and_every_export(texts, notes):
    """Test that arbitrary text and notes come back exactly from the log, CSV, JSONL, Parquet."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = AnnotationLog(annotator="ana", folder=folder / "logs")
        for index, text in enumerate(texts):
            log.record(sentence(text, index=index), "verified", notes[index])
        notes = notes[: len(texts)]
        frame = read_annotations(folder / "logs")
        assert frame["text"].tolist() == texts
        assert frame["note"].tolist() == notes
        for fmt in ("csv", "jsonl", "parquet"):
            export_annotations([folder / "logs"], fmt, folder / f"out.{fmt}")
        with open(folder / "out.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["text"] for r in rows] == texts
        assert [r["note"] for r in rows] == notes
        lines = (folder / "out.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
        assert [json.loads(line)["text"] for line in lines] == texts
        back = pd.read_parquet(folder / "out.parquet")
        assert back["text"].tolist() == texts
        assert back["note"].tolist() == notes


@PROPERTY
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=4))
def test_any_text_survives_checkthat_with_documented_normalisation(texts):
    """Test that the CheckThat! TSV holds each sentence with tab/CR/LF runs as one space."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = AnnotationLog(annotator="ana", folder=folder / "logs")
        for index, text in enumerate(texts):
            log.record(sentence(text, index=index), "opinion")
        out = folder / "subj.tsv"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            export_annotations([folder / "logs"], "checkthat", out)
        broken = sum(bool(re.search(r"[\t\r\n]", t)) for t in texts)
        messages = [str(w.message) for w in caught if "line breaks" in str(w.message)]
        assert messages == (
            [
                f"CheckThat! export: replaced tabs/line breaks with a space in {broken} "
                "field(s), since the TSV is written without quoting."
            ]
            if broken
            else []
        )
        lines = out.read_bytes().decode("utf-8").split("\n")[1:-1]
        expected = [re.sub(r"[\t\r\n]+", " ", t) for t in texts]
        assert [line.split("\t") for line in lines] == [
            [f"a1-{i:04d}", text, "SUBJ"] for i, text in enumerate(expected)
        ]


def test_checkthat_is_official_by_default_and_formula_safe_on_request(tmp_path):
    """Test that the CheckThat! TSV keeps a formula-like sentence exact by default, and
    --spreadsheet-safe protects it reversibly."""
    from factcheck.spreadsheet import unprotect_cell

    log = AnnotationLog(annotator="ana", folder=tmp_path / "logs")
    log.record(sentence('=HYPERLINK("http://x.example") said the post.'), "opinion")
    official, safe = tmp_path / "official.tsv", tmp_path / "safe.tsv"
    export_annotations([tmp_path / "logs"], "checkthat", official)
    export_annotations([tmp_path / "logs"], "checkthat", safe, spreadsheet_safe=True)
    read = {"sep": "\t", "quoting": csv.QUOTE_NONE, "dtype": str, "keep_default_na": False}
    exact = pd.read_csv(official, **read)["sentence"].tolist()
    protected = pd.read_csv(safe, **read)["sentence"].tolist()
    assert exact == ['=HYPERLINK("http://x.example") said the post.']
    assert protected == ["'" + exact[0]] and [unprotect_cell(t) for t in protected] == exact
