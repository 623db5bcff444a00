"""Tests for the gold standard (factcheck.gold): decided_by, policy, decisions, bad input, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import factcheck
from factcheck.adjudication import ANNOTATOR_SLIP, GENUINELY_AMBIGUOUS, GUIDELINE_GAP, DecisionLog
from factcheck.errors import InputError, InputWarning
from factcheck.exports import export_annotations
from factcheck.gold import (
    GOLD_RATER,
    GOLD_SCHEMA_ID,
    adjudication_queue,
    annotator_quality,
    gold,
    quality_before_after,
    quality_chart,
    read_gold,
    vote_outcome,
    with_gold_rater,
    write_gold,
)
from factcheck.labels import DEFAULT_SCHEME, Label
from factcheck.log import AnnotationLog, read_annotations
from tests._log_helpers import article

SENTENCES = article().sentences
# Sentence 0: everyone says verified; 1: two of three say opinion; 2: a three-way split;
# 3: labelled by two who disagree (a tie).
LABELS = {
    "ana": ("verified", "opinion", "verified", "verified"),
    "ben": ("verified", "opinion", "unconfirmed", "opinion"),
    "chloe": ("verified", "verified", "opinion", None),
}


def make_logs(folder: Path, labels: dict[str, tuple[str | None, ...]] = LABELS) -> Path:
    """Write one real AnnotationLog per annotator into ``folder``."""
    for name, chosen in labels.items():
        log = AnnotationLog(annotator=name, folder=folder)
        for sentence, label in zip(SENTENCES, chosen, strict=False):
            if label:
                log.record(sentence, label, source="articles/riverside.md")
    return folder


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    return make_logs(tmp_path / "annotations")


def decided(table: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(table["label"], table["decided_by"], strict=True))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_votes_give_unanimous_majority_and_unresolved(logs):
    """Test that unanimity, a strict majority, a three-way split and a tie are told apart."""
    table = gold(logs)
    assert table["sentence_id"].tolist() == [s.id for s in SENTENCES]
    assert decided(table) == [
        ("verified", "unanimous"),
        ("opinion", "majority"),
        ("", "unresolved"),
        ("", "unresolved"),
    ]
    assert table["n_annotators"].tolist() == [3, 3, 3, 2]
    assert table["votes_opinion"].tolist() == [0, 2, 1, 1]
    assert table["agreement"].round(3).tolist() == [1.0, 0.667, 0.333, 0.5]
    assert table["annotators"].iloc[3] == "ana, ben"
    first = table.iloc[0]
    assert (first["schema"], first["log_schema"], first["scheme"]) == (
        GOLD_SCHEMA_ID,
        "factcheck-log/2",
        "default@1",
    )
    s = SENTENCES[0]
    assert (first["start"], first["end"], first["text"]) == (s.start, s.end, s.text)
    assert first["source"] == "articles/riverside.md"
    events = read_annotations(logs, history=True)
    latest = events[events["sentence_id"] == s.id]["timestamp"].max()
    assert first["last_event"] == latest


def test_strict_policy_needs_more_than_half_plurality_does_not(tmp_path):
    """Test that 2 of 4 votes is a majority only under the plurality policy, a tie never."""
    labels = {
        "ana": ("opinion", "opinion"),
        "ben": ("opinion", "opinion"),
        "chloe": ("verified", "verified"),
        "dev": ("unconfirmed", "verified"),
    }
    folder = make_logs(tmp_path, labels)
    assert decided(gold(folder)) == [("", "unresolved"), ("", "unresolved")]
    assert decided(gold(folder, policy="plurality")) == [
        ("opinion", "majority"),
        ("", "unresolved"),
    ]
    with pytest.raises(InputError, match="Unknown policy 'most'"):
        gold(folder, policy="most")


def test_a_decision_wins_over_the_votes_and_records_reason_and_comment(logs, tmp_path):
    """Test that adjudicated rows take the decision's label, adjudicator, reason and comment."""
    folder = tmp_path / "adjudications"
    lee = DecisionLog("lee", folder)
    lee.decide(SENTENCES[2].id, "unconfirmed", reason=GUIDELINE_GAP, comment="hedge rule")
    lee.decide(SENTENCES[1].id, "verified", reason=ANNOTATOR_SLIP, text=SENTENCES[1].text)
    table = gold(logs, folder)
    assert decided(table) == [
        ("verified", "unanimous"),
        ("verified", "adjudicated"),
        ("unconfirmed", "adjudicated"),
        ("", "unresolved"),
    ]
    row = table.iloc[2]
    assert (row["adjudicator"], row["reason"], row["comment"]) == (
        "lee",
        GUIDELINE_GAP,
        "hedge rule",
    )
    assert row["majority_label"] == "" and table.iloc[1]["majority_label"] == "opinion"
    assert row["adjudication_schema"] == "factcheck-adjudication/1"
    assert row["last_event"] > table.iloc[0]["last_event"]


def test_a_decision_to_leave_a_sentence_open_keeps_it_unresolved_with_its_reason(logs, tmp_path):
    """Test that label None gives an unresolved row that still names adjudicator and reason."""
    DecisionLog("lee", tmp_path / "adj").decide(
        SENTENCES[1].id, None, reason=GENUINELY_AMBIGUOUS, comment="both fit"
    )
    row = gold(logs, tmp_path / "adj").iloc[1]
    assert (row["label"], row["decided_by"], row["reason"], row["comment"]) == (
        "",
        "unresolved",
        GENUINELY_AMBIGUOUS,
        "both fit",
    )


def test_adjudicators_who_disagree_leave_the_sentence_unresolved_naming_the_conflict(
    logs, tmp_path
):
    """Test that a conflict between adjudicators is reported in gold, never resolved silently."""
    folder = tmp_path / "adj"
    DecisionLog("lee", folder).decide(SENTENCES[2].id, "opinion", reason=GUIDELINE_GAP)
    DecisionLog("kim", folder).decide(SENTENCES[2].id, "verified", reason=ANNOTATOR_SLIP)
    DecisionLog("kim", folder).decide(SENTENCES[3].id, "opinion", reason=ANNOTATOR_SLIP)
    DecisionLog("lee", folder).decide(SENTENCES[3].id, "opinion", reason=GUIDELINE_GAP)
    table = gold(logs, folder)
    row = table.iloc[2]
    assert (row["label"], row["decided_by"]) == ("", "unresolved")
    assert row["conflict"] == "kim: verified; lee: opinion"
    assert row["adjudicator"] == "kim, lee"
    agreed = table.iloc[3]
    assert (agreed["label"], agreed["decided_by"], agreed["conflict"]) == (
        "opinion",
        "adjudicated",
        "",
    )


def test_undone_decisions_do_not_count(logs, tmp_path):
    """Test that an undone decision is gone from gold and a resumed log's decisions count."""
    folder = tmp_path / "adj"
    log = DecisionLog("lee", folder)
    log.decide(SENTENCES[2].id, "opinion", reason=GUIDELINE_GAP)
    log.undo()
    assert decided(gold(logs, folder))[2] == ("", "unresolved")
    DecisionLog("lee", folder).decide(SENTENCES[2].id, "verified", reason=ANNOTATOR_SLIP)
    assert decided(gold(logs, folder))[2] == ("verified", "adjudicated")


def test_drop_unresolved_keeps_only_decided_rows(logs):
    """Test that keep_unresolved=False leaves out every unresolved sentence."""
    table = gold(logs, keep_unresolved=False)
    assert table["decided_by"].tolist() == ["unanimous", "majority"]


def test_annotator_files_are_byte_identical_after_adjudication_and_gold(logs, tmp_path):
    """Test that deciding, undoing and making gold never change an annotator's file."""
    before = snapshot(logs)
    folder = tmp_path / "adj"
    log = DecisionLog("lee", folder)
    log.decide(SENTENCES[2].id, "opinion", reason=GUIDELINE_GAP)
    log.undo()
    log.decide(SENTENCES[3].id, "opinion", reason=GUIDELINE_GAP)
    write_gold(gold(logs, folder), tmp_path / "gold.csv")
    assert snapshot(logs) == before


def test_logs_of_different_schemes_are_refused_naming_the_files(tmp_path):
    """Test that mixing schemes raises an error naming each file and its scheme."""
    folder = make_logs(tmp_path, {"ana": ("verified",)})
    wider = DEFAULT_SCHEME.with_labels(Label("satire", "Satire.", "A joke.", "4", "#000000"))
    AnnotationLog(annotator="ben", folder=folder, scheme=wider).record(SENTENCES[0], "satire")
    before = snapshot(folder)
    with pytest.raises(
        InputError, match=r"ana\.csv uses default@1; .*ben\.csv uses default\+satire@1"
    ):
        gold(folder)
    assert snapshot(folder) == before


def test_a_sentence_whose_text_differs_between_logs_is_reported_with_both_files(tmp_path):
    """Test that an article changed between rounds is an error naming both files and lines."""
    folder = make_logs(tmp_path, {"ana": ("verified",)})
    s = SENTENCES[0]
    changed = type(s)(id=s.id, index=s.index, start=s.start, end=s.end + 1, text=s.text + "!",
                      article_id=s.article_id)  # fmt: skip
    AnnotationLog(annotator="ben", folder=folder).record(changed, "verified")
    with pytest.raises(
        InputError, match=r"ana\.csv, line 2 and .*ben\.csv, line 2: .*changed between"
    ):
        gold(folder)


def test_a_decision_on_a_sentence_no_log_has_is_reported_with_file_and_line(logs, tmp_path):
    """Test that a decision naming an unknown sentence raises with the decision's file and line."""
    folder = tmp_path / "adj"
    DecisionLog("lee", folder).decide(SENTENCES[0].id, "verified", reason=GUIDELINE_GAP)
    DecisionLog("lee", folder).decide("other-0009", "opinion", reason=GUIDELINE_GAP)
    before = {**snapshot(logs), **snapshot(folder)}
    with pytest.raises(InputError, match=r"lee\.csv, line 3: lee decided on sentence 'other-0009'"):
        gold(logs, folder)
    assert {**snapshot(logs), **snapshot(folder)} == before


def test_a_decision_made_on_other_text_is_reported(logs, tmp_path):
    """Test that a decision whose text differs from the logs' is refused, not applied."""
    folder = tmp_path / "adj"
    DecisionLog("lee", folder).decide(SENTENCES[0].id, "opinion", reason=GUIDELINE_GAP, text="Old.")
    with pytest.raises(
        InputError, match=r"lee\.csv, line 2: the decision was made on the text 'Old\.'"
    ):
        gold(logs, folder)


def test_an_empty_logs_folder_is_a_clear_error(tmp_path):
    """Test that no logs, or logs with no labels, say what to do."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: no annotation logs \(\*\.csv\) found"):
        gold(tmp_path / "empty")
    log = AnnotationLog(annotator="ana", folder=tmp_path / "cleared")
    log.record(SENTENCES[0], "verified")
    log.record(SENTENCES[0], None)
    with pytest.raises(InputError, match="every label in the logs was cleared"):
        gold(tmp_path / "cleared")


@pytest.mark.parametrize("name", ["gold.csv", "gold.jsonl", "gold.parquet"])
def test_gold_files_read_back_exactly(logs, tmp_path, name):
    """Test that every gold format round-trips values and dtypes."""
    table = gold(logs)
    write_gold(table, tmp_path / name)
    back = read_gold(tmp_path / name)
    pd.testing.assert_frame_equal(back, table, check_dtype=False)
    assert back.dtypes.astype(str).tolist() == table.dtypes.astype(str).tolist()


def test_spreadsheet_safe_gold_csv_protects_formulas_and_reads_back(tmp_path):
    """Test that formula-like text is neutralised in the safe CSV and restored on reading."""
    s = article('=HYPERLINK("http://x") said nobody.\nThe bridge opened.', id="f").sentences[0]
    AnnotationLog(annotator="ana", folder=tmp_path / "logs").record(s, "opinion")
    table = gold(tmp_path / "logs")
    write_gold(table, tmp_path / "gold.csv", spreadsheet_safe=True)
    raw = (tmp_path / "gold.csv").read_text(encoding="utf-8")
    assert raw.startswith("\ufeff") and "'=HYPERLINK" in raw
    assert read_gold(tmp_path / "gold.csv")["text"].iloc[0] == s.text
    with pytest.raises(InputError, match="applies to CSV only"):
        write_gold(table, tmp_path / "gold.parquet", spreadsheet_safe=True)


def test_gold_parquet_loads_with_datasets_with_a_class_label(logs, tmp_path):
    """Test that datasets.load_dataset('parquet') gives label_id as a ClassLabel, offline."""
    table = gold(logs)
    write_gold(table, tmp_path / "gold.parquet")
    code = (
        "import datasets, json, sys\n"
        "ds = datasets.load_dataset('parquet', data_files=sys.argv[1], split='train',"
        " cache_dir=sys.argv[2])\n"
        "f = ds.features\n"
        "print(json.dumps({'names': f['label_id'].names, 'type': type(f['label_id']).__name__,"
        " 'ids': list(ds['label_id']), 'labels': list(ds['label']), 'text': f['text'].dtype,"
        " 'n': f['n_annotators'].dtype, 'rows': ds.num_rows}))\n"
    )
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1",
           "HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_CACHE": str(tmp_path / "hf-cache")}  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "gold.parquet"), str(tmp_path / "cache")],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found["type"] == "ClassLabel" and found["names"] == list(DEFAULT_SCHEME.names)
    assert found["ids"] == [0, 2, -1, -1] and found["labels"] == ["verified", "opinion", "", ""]
    assert (found["text"], found["n"], found["rows"]) == ("string", "int64", 4)


def test_every_exporter_takes_a_gold_file_as_input(logs, tmp_path):
    """Test that export of gold.parquet/csv writes CheckThat!, safe CSV and Parquet from gold."""
    DecisionLog("lee", tmp_path / "adj").decide(SENTENCES[2].id, "opinion", reason=GUIDELINE_GAP)
    table = gold(logs, tmp_path / "adj")
    write_gold(table, tmp_path / "gold.parquet")
    with pytest.warns(InputWarning, match="1 unresolved sentence"):
        rows = export_annotations([tmp_path / "gold.parquet"], "checkthat", tmp_path / "ct.tsv")
    lines = (tmp_path / "ct.tsv").read_text(encoding="utf-8").splitlines()
    assert rows == 3 and lines[0] == "sentence_id\tsentence\tlabel"
    assert [line.split("\t")[2] for line in lines[1:]] == ["OBJ", "SUBJ", "SUBJ"]
    export_annotations(
        [tmp_path / "gold.parquet"], "csv", tmp_path / "safe.csv", spreadsheet_safe=True
    )
    pd.testing.assert_frame_equal(read_gold(tmp_path / "safe.csv"), table, check_dtype=False)
    export_annotations([tmp_path / "safe.csv"], "parquet", tmp_path / "again.parquet")
    pd.testing.assert_frame_equal(read_gold(tmp_path / "again.parquet"), table, check_dtype=False)
    with pytest.raises(InputError, match="gold standard being exported"):
        export_annotations([tmp_path / "gold.parquet"], "parquet", tmp_path / "gold.parquet")


def test_annotator_quality_is_agreement_with_gold_as_a_rater(logs):
    """Test that accuracy and kappa per annotator equal agreement()'s pair figures with gold."""
    annotations = read_annotations(logs)
    table = gold(logs)
    quality = annotator_quality(annotations, table, n_boot=50)
    assert quality["annotator"].tolist() == ["ana", "ben", "chloe"]
    assert quality["n"].tolist() == [2, 2, 2]
    assert quality["accuracy"].tolist() == [1.0, 1.0, 0.5]
    pairs = factcheck.agreement(with_gold_rater(annotations, table), n_boot=50)
    kappa = pairs[(pairs["measure"] == "cohen_kappa") & (pairs["annotator_b"] == "chloe")]
    assert quality["cohen_kappa"].iloc[2] == pytest.approx(kappa["value"].iloc[0], nan_ok=True)


def test_quality_before_and_after_adjudication(logs, tmp_path):
    """Test that adjudicating a split sentence adds it to each annotator's comparison."""
    DecisionLog("lee", tmp_path / "adj").decide(SENTENCES[2].id, "opinion", reason=GUIDELINE_GAP)
    annotations = read_annotations(logs)
    table = quality_before_after(annotations, gold(logs), gold(logs, tmp_path / "adj"), n_boot=20)
    assert table["n_before"].tolist() == [2, 2, 2] and table["n_after"].tolist() == [3, 3, 3]
    chloe = table[table["annotator"] == "chloe"].iloc[0]
    assert (chloe["accuracy_before"], round(chloe["accuracy_after"], 3)) == (0.5, 0.667)


def test_quality_chart_is_the_confusion_heatmap_against_gold(logs):
    """Test that the quality chart is charts.confusion_heatmap of an annotator vs gold."""
    spec = quality_chart(read_annotations(logs), gold(logs), "chloe").to_dict()
    assert spec["layer"][0]["encoding"]["x"]["title"] == GOLD_RATER
    assert "chloe vs (gold): 2 sentences" in json.dumps(spec)


def test_an_annotator_named_like_the_gold_rater_is_refused(tmp_path):
    """Test that a real annotator called '(gold)' cannot be mistaken for the gold standard."""
    folder = make_logs(tmp_path, {"(Gold)": ("verified",), "ana": ("verified",)})
    with pytest.raises(InputError, match=r"called '\(gold\)'"):
        annotator_quality(read_annotations(folder), gold(folder), n_boot=0)


def test_a_gold_csv_saved_beside_the_logs_is_skipped_with_a_warning(logs):
    """Test that gold.csv written into the logs folder is not read back as a log next time."""
    table = gold(logs)
    write_gold(table, logs / "gold.csv")
    with pytest.warns(InputWarning, match=r"gold\.csv: a factcheck export, not an annotation log"):
        again = gold(logs)
    pd.testing.assert_frame_equal(again, table)


def test_gold_command_line_reports_bad_input_and_writes_nothing(tmp_path):
    """Test that `factcheck gold` on bad input exits 2; the old output and the logs are kept."""
    (tmp_path / "empty").mkdir()
    make_logs(tmp_path / "logs")
    (tmp_path / "gold.csv").write_bytes(b"an earlier gold standard\n")
    before = snapshot(tmp_path / "logs")
    for args, message in (
        (["empty", "-o", "gold.csv"], "no annotation logs"),
        (["logs", "-o", "gold.txt"], "Name the output gold.csv, gold.jsonl or gold.parquet"),
        (["logs", "--adjudications", "missing", "-o", "gold.csv"], "missing"),
    ):
        run = subprocess.run([sys.executable, "-m", "factcheck", "gold", *args], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        assert run.returncode == 2 and message in run.stderr, run.stderr
    assert (tmp_path / "gold.csv").read_bytes() == b"an earlier gold standard\n"
    assert [p.name for p in tmp_path.glob("gold.*")] == ["gold.csv"]
    assert snapshot(tmp_path / "logs") == before


def test_the_queue_holds_disagreements_flags_and_conflicts_lowest_agreement_first(logs, tmp_path):
    """Test that adjudication_queue lists disputed or flagged sentences in the asked order."""
    AnnotationLog(annotator="ana", folder=logs).flag(SENTENCES[0])  # unanimous, but flagged
    table = gold(logs)
    assert table["n_flagged"].tolist() == [1, 0, 0, 0]
    queue = adjudication_queue(table)
    assert queue["sentence_id"].tolist() == [SENTENCES[i].id for i in (2, 3, 1, 0)]
    reading = adjudication_queue(table, order="reading")
    assert reading["sentence_id"].tolist() == [SENTENCES[i].id for i in (0, 1, 2, 3)]
    unflagged = gold(make_logs(tmp_path / "plain"))
    assert SENTENCES[0].id not in set(adjudication_queue(unflagged)["sentence_id"])
    assert len(adjudication_queue(unflagged, include="all")) == 4
    with pytest.raises(InputError, match="order must be one of agreement, reading"):
        adjudication_queue(table, order="random")


def test_export_on_the_command_line_takes_a_gold_parquet(logs, tmp_path):
    """Test that `factcheck export gold.parquet --to checkthat` writes the TSV from gold."""

    def factcheck(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "factcheck", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip

    assert factcheck("gold", str(logs), "--drop-unresolved", "-o", "gold.parquet").returncode == 0
    run = factcheck("export", "gold.parquet", "--to", "checkthat", "-o", "ct.tsv")
    assert run.returncode == 0, run.stderr
    rows = (tmp_path / "ct.tsv").read_text(encoding="utf-8").splitlines()
    assert rows == [
        "sentence_id\tsentence\tlabel",
        f"{SENTENCES[0].id}\t{SENTENCES[0].text}\tOBJ",
        f"{SENTENCES[1].id}\t{SENTENCES[1].text}\tSUBJ",
    ]


def test_unreadable_gold_files_are_reported_naming_the_file(logs, tmp_path):
    """Test that a damaged gold csv, jsonl or parquet raises InputError naming it (and line)."""
    table = gold(logs)
    for name in ("gold.csv", "gold.jsonl", "gold.parquet"):
        write_gold(table, tmp_path / name)
    csv_bytes = (tmp_path / "gold.csv").read_bytes()
    (tmp_path / "latin.csv").write_bytes(csv_bytes.replace(b"The", b"Th\xe9", 1))
    (tmp_path / "short.csv").write_bytes(csv_bytes + b"factcheck-gold/1,x\n")
    lines = (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "bad.jsonl").write_text("\n".join([lines[0], "{oops", *lines[1:]]) + "\n")
    (tmp_path / "cut.parquet").write_bytes((tmp_path / "gold.parquet").read_bytes()[:300])
    for name, message in (
        ("latin.csv", r"latin\.csv: cannot be read as a gold standard \(UnicodeDecodeError"),
        ("short.csv", r"short\.csv, line 6: has a different number of fields"),
        ("bad.jsonl", r"bad\.jsonl, line 2: not a JSON object"),
        ("cut.parquet", r"cut\.parquet: cannot be read as a gold standard"),
    ):
        with pytest.raises(InputError, match=message):
            read_gold(tmp_path / name)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 4), min_size=3, max_size=3), min_size=1, max_size=30),
    st.sampled_from(["strict", "plurality"]),
)
def test_vote_outcome_matches_the_definitions(rows, policy):
    """Test (property) that vote_outcome agrees with a plain reading of each rule."""
    labels = ("verified", "unconfirmed", "opinion")
    chosen, decided_by = vote_outcome(np.array(rows), labels, policy)
    for votes, label, how in zip(rows, chosen, decided_by, strict=True):
        n, top = sum(votes), max(votes)
        leaders = [name for name, v in zip(labels, votes, strict=True) if v == top]
        if n and top == n:
            expected = (leaders[0], "unanimous")
        elif n and len(leaders) == 1 and (2 * top > n or policy == "plurality"):
            expected = (leaders[0], "majority")
        else:
            expected = ("", "unresolved")
        assert (label, how) == expected


def test_exporting_gold_and_logs_together_is_refused(logs, tmp_path):
    """Test that a gold file mixed with logs in one export is a clear error, nothing written."""
    write_gold(gold(logs), tmp_path / "gold.parquet")
    with pytest.raises(InputError, match=r"gold\.parquet is a gold standard, the other inputs"):
        export_annotations([tmp_path / "gold.parquet", logs], "csv", tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
