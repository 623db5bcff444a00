"""Imports that keep their ids in the widget, and round trips: import a dataset of the field,
export it back in its own format, and get the same rows (fixtures in tests/data/interchange,
fictional content shaped like the real files)."""

from __future__ import annotations

import csv
import json
import re
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

import factcheck
from factcheck import InputError, InputWarning, read_annotations
from factcheck.annotator import Annotator
from factcheck.cli import main
from factcheck.imports import import_file, read_claimbuster, read_doccano, read_label_studio
from tests._widget_helpers import rows_of

DATA = Path(__file__).parent / "data" / "interchange"


def test_widget_labels_on_an_imported_corpus_keep_the_original_ids(tmp_path):
    """Test that labels given in a real widget on an imported CheckThat! corpus are recorded
    under the original sentence ids, so agreement pairs them with the imported labels."""
    result = import_file(DATA / "subjectivity.tsv", "checkthat-subjectivity", "a", tmp_path)
    articles = factcheck.load_articles(result.corpus)
    original = [line.split("\t") for line in (DATA / "subjectivity.tsv").read_text().splitlines()]
    assert [a.sentences[0].id for a in articles] == [row[0] for row in original[1:]]
    assert [a.sentences[0].text for a in articles] == [row[1] for row in original[1:]]
    ann = Annotator(articles, annotator="b", folder=tmp_path)
    clicks = ["unconfirmed", "opinion", "opinion"]  # B disagrees with A on the last one
    for index, label in enumerate(clicks):
        ann.show_article(index)
        (row,) = [r for r in ann.rows if r.sentence_id]
        assert row.sentence_id == original[index + 1][0]
        row.buttons[label].click()
    assert [r["sentence_id"] for r in rows_of(tmp_path / "b.csv")] == [r[0] for r in original[1:]]
    frame = read_annotations(tmp_path)
    assert frame.groupby("sentence_id")["annotator"].nunique().eq(2).all()
    table = factcheck.agreement(frame, n_boot=10)
    overall = table[(table["measure"] == "percent_agreement") & (table["label"] == "(all)")]
    assert overall["n_items"].iloc[0] == 3
    assert overall["value"].iloc[0] == pytest.approx(2 / 3)
    reopened = Annotator(articles, annotator="b", folder=tmp_path)
    assert reopened.labels == dict(zip([r[0] for r in original[1:]], clicks, strict=True))
    assert reopened.summary().labelled == 3


def test_an_imported_sentence_is_not_cleaned_or_split(tmp_path):
    """Test that an imported sentence holding two sentences, NBSP and a tab stays one sentence
    with its text exactly as in the file."""
    source = tmp_path / "two.jsonl"
    text = "Rates rose.\u00a0Then\tthey fell. Or so it was said!"
    source.write_text(json.dumps({"id": "s-1", "text": text, "label": []}) + "\n", "utf-8")
    result = import_file(source, "doccano", "dc", tmp_path / "out")
    (article,) = factcheck.load_articles(result.corpus)
    (only,) = article.sentences
    assert (only.id, only.text, article.text) == ("s-1", text, text)


def _round_trip(tmp_path: Path, name: str, fmt: str, to: str, *options: str) -> Path:
    """Import ``name`` as annotator "x" with ``fmt``, then export it ``--to to`` with the
    corpus the import wrote; returns the exported file."""
    folder = tmp_path / "annotations"
    scheme = ["--scheme", options[0]] if options else []
    args = ["import", "--from", fmt, str(DATA / name), "--annotator", "x", "-o", str(folder)]
    assert main([*args, *scheme]) == 0
    out = tmp_path / f"back-{name}"
    corpus = folder / f"{Path(name).stem}.corpus.jsonl"
    export = ["export", str(folder), "--to", to, "--corpus", str(corpus), "-o", str(out)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)  # nothing is left out or changed
        assert main(export) == 0
    return out


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("name", ["claimbuster.csv", "claimbuster-pitfalls.csv"])
def test_claimbuster_import_then_export_gives_back_the_same_rows(tmp_path, name):
    """Test that a ClaimBuster CSV (BOM, CRLF, quoted commas, quotes, a tab and a line break
    in Text, a formula-like sentence, an unlabelled row) comes back with every column."""
    out = _round_trip(tmp_path, name, "claimbuster", "claimbuster")
    assert _csv_rows(out) == _csv_rows(DATA / name)
    assert read_claimbuster(out, factcheck.SCHEMES["claimbuster"]) == read_claimbuster(
        DATA / name, factcheck.SCHEMES["claimbuster"]
    )


def test_claimbuster_export_spreadsheet_safe_protects_formula_text(tmp_path):
    """Test that --spreadsheet-safe puts a ' before a sentence starting with = and no other."""
    folder = tmp_path / "ann"
    import_file(DATA / "claimbuster-pitfalls.csv", "claimbuster", "cb", folder)
    out = tmp_path / "safe.csv"
    args = ["export", str(folder), "--to", "claimbuster", "--spreadsheet-safe", "-o", str(out)]
    assert main(args) == 0
    rows = {row[0]: row for row in _csv_rows(out)[1:]}
    texts = {sid: row[1] for sid, row in rows.items()}
    assert texts["12003"] == "'=SUM(A1:A9) is what my opponent calls a plan."
    assert rows["12002"][-1] == "-1"  # numbers stay numbers
    corpus = folder / "claimbuster-pitfalls.corpus.jsonl"
    assert main([*args[:-2], "--corpus", str(corpus), "-o", str(tmp_path / "all.csv")]) == 0
    full = {row[0]: row for row in _csv_rows(tmp_path / "all.csv")[1:]}
    assert (full["12003"][1][:2], full["12003"][-2], full["12002"][-1]) == ("'=", "-0.2", "-1")
    assert texts["12001"] == 'We cut the deficit in half, "twice", in four years.'
    assert "12005" not in texts  # unlabelled, and no corpus given


@pytest.mark.parametrize("name", ["label-studio.json", "label-studio-pitfalls.json"])
def test_label_studio_import_then_export_gives_back_the_same_tasks(tmp_path, name):
    """Test that Label Studio tasks (several annotations per task, several results per
    annotation, a cancelled one, a task without annotations) come back as the same tasks:
    same ids and texts, each person's choice and note under their imported name."""
    scheme = factcheck.SCHEMES["fever"]
    out = _round_trip(tmp_path, name, "label-studio", "labelstudio", "fever")
    original = json.loads((DATA / name).read_text(encoding="utf-8"))
    back = json.loads(out.read_text(encoding="utf-8"))
    assert [(t["id"], t["data"]["text"]) for t in back] == [
        (t["id"], t["data"]["text"]) for t in original
    ]
    people = {
        str(a["completed_by"])
        for t in original
        for a in t["annotations"]
        if not a.get("was_cancelled")
    }

    def named(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple((f"x-{who}" if len(people) > 1 else "x", value) for who, value in pairs)

    expected = [
        replace(item, labels=named(item.labels), notes=named(item.notes))
        for item in read_label_studio(DATA / name, scheme)
    ]
    assert any(item.notes for item in expected)  # a textarea result came back as the note
    assert read_label_studio(out, scheme) == expected
    assert back[-1]["annotations"] == [] and original[-1]["annotations"] == []


@pytest.mark.parametrize("name", ["doccano.jsonl", "doccano-pitfalls.jsonl"])
def test_doccano_import_then_export_gives_back_the_same_lines(tmp_path, name):
    """Test that doccano JSONL (BOM, CRLF, a tab and quotes in text, unlabelled lines)
    comes back with the same ids, texts and labels, in file order."""
    out = _round_trip(tmp_path, name, "doccano", "doccano", "claimbuster")
    original = [
        json.loads(line) for line in (DATA / name).read_text("utf-8-sig").splitlines() if line
    ]
    back = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert back == [{k: r[k] for k in ("id", "text", "label")} for r in original]
    scheme = factcheck.SCHEMES["claimbuster"]
    assert read_doccano(out, scheme) == read_doccano(DATA / name, scheme)


def test_checkthat_tsv_with_bom_crlf_and_stray_quotes_round_trips(tmp_path):
    """Test that a CheckThat! subjectivity TSV with a BOM, CRLF and unbalanced quotes in
    sentences (read with quoting off) exports back to the same rows."""
    folder = tmp_path / "annotations"
    import_file(DATA / "subjectivity-pitfalls.tsv", "checkthat-subjectivity", "x", folder)
    out = tmp_path / "back.tsv"
    assert main(["export", str(folder), "--to", "checkthat", "-o", str(out)]) == 0
    original = (DATA / "subjectivity-pitfalls.tsv").read_text("utf-8-sig").splitlines()
    back = out.read_text("utf-8").splitlines()
    assert back[0] == "sentence_id\tsentence\tlabel"
    assert sorted(back[1:]) == sorted("\t".join(r.split("\t")[:3]) for r in original[1:])


@pytest.mark.parametrize(
    ("fmt", "name", "old", "new", "row"),
    [
        ("claimbuster", "claimbuster-pitfalls.csv", ",0.1,1\r\n", ",0.1,2\r\n", 2),
        ("doccano", "doccano-pitfalls.jsonl", '["ufs"]', '["maybe"]', 4),
        ("label-studio", "label-studio-pitfalls.json", '"Refutes"', '"Refuted"', 1),
        ("checkthat-subjectivity", "subjectivity-pitfalls.tsv", "\tOBJ\tFalse", "\tFACT\tF", 3),
    ],
)
def test_an_unknown_label_names_file_and_row_and_nothing_is_written(
    tmp_path, fmt, name, old, new, row
):
    """Test that an unknown label in any import stops it with the file and row, and leaves
    the folder (holding an earlier log) exactly as it was."""
    bad = tmp_path / name
    raw = (DATA / name).read_bytes().decode("utf-8")
    assert old in raw
    bad.write_bytes(raw.replace(old, new, 1).encode("utf-8"))
    folder = tmp_path / "annotations"
    scheme = {"doccano": "claimbuster", "label-studio": "fever"}.get(fmt, "default")
    import_file(DATA / "worthiness.tsv", "checkthat-worthiness", "x", folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    args = ["import", "--from", fmt, str(bad), "--annotator", "x", "-o", str(folder)]
    with pytest.raises(InputError, match=rf"{name}, row {row}: unknown label"):
        import_file(bad, fmt, "x", folder, scheme=factcheck.SCHEMES[scheme])
    assert main([*args, "--scheme", scheme]) == 2
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize(
    ("fmt", "name", "content", "row"),
    [
        ("claimbuster", "e.csv", 'Sentence_id,Text,Verdict\n1,Fine.,1\n2,"  ",0\n', 3),
        ("doccano", "e.jsonl", '{"id": 1, "text": "Fine."}\n{"id": 2, "text": ""}\n', 2),
        (
            "label-studio",
            "e.json",
            '[{"id": 1, "data": {"text": "Fine."}}, {"id": 2, "data": {"text": " "}}]',
            2,
        ),
        (
            "checkthat-worthiness",
            "e.tsv",
            "Sentence_id\tText\tclass_label\n1\tFine.\tNo\n2\t\tYes\n",
            3,
        ),
    ],
)
def test_a_sentence_without_text_names_the_file_and_row(tmp_path, fmt, name, content, row):
    """Test that an empty sentence stops the import with the file and its row."""
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    with pytest.raises(
        InputError, match=rf"{re.escape(name)}, row {row}: sentence '2' has no text"
    ):
        import_file(source, fmt, "x", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_label_studio_annotation_that_is_not_a_result_list_names_the_task(tmp_path):
    """Test that a hand-edited task whose annotation is not an object names file and task."""
    source = tmp_path / "ls.json"
    source.write_text(json.dumps([{"id": 1, "data": {"text": "Fine."}, "annotations": ["x"]}]))
    with pytest.raises(InputError, match=r"ls\.json, row 1: an annotation that is not"):
        import_file(source, "label-studio", "ls", tmp_path / "out")
    assert not (tmp_path / "out").exists()
