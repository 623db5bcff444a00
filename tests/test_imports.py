"""Imports that keep their ids in the widget, and round trips: import a dataset of the field,
export it back in its own format, and get the same rows (fixtures in tests/data/interchange,
fictional content shaped like the real files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import factcheck
from factcheck import read_annotations
from factcheck.annotator import Annotator
from factcheck.imports import import_file
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
