"""Tests for factcheck.classroom: answer keys, feedback, scores and the class report data."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck.agreement import ALL
from factcheck.articles import Article
from factcheck.classroom import (
    KEY_COLUMNS,
    KEY_SCHEMA_ID,
    AnswerKey,
    Feedback,
    KeyEntry,
    class_report,
    hardest_sentences,
    is_answer_key,
    make_answer_key,
    pseudonyms,
    read_answer_key,
    read_submissions,
    score_students,
    secret_path,
    sentence_summary,
    unexplained,
    write_answer_key,
)
from factcheck.errors import InputError, InputWarning, LogFormatError
from factcheck.log import AnnotationLog, read_annotations
from factcheck.spreadsheet import protect_cell, unprotect_cell

LIBRARY = Article.from_text(
    "The Millbrook library will open on Sundays from March, the council said in a statement. "
    "Staff say the change could cost about 40,000 pounds a year. "
    '"It is the best news this town has had in years," said reader Ada Finch. '
    "The library first opened in 1921.",
    id="millbrook-library",
    source="articles/millbrook-library.txt",
)
CANAL = Article.from_text(
    "Volunteers planted 300 trees along the canal on Saturday. "
    "Organisers believe the project will transform the neighbourhood.",
    id="canal-trees",
)
L0, L1, L2, L3 = LIBRARY.sentences
C0, C1 = CANAL.sentences

# The teacher's answers; L3 ("first opened in 1921") is left out of the key.
ANSWERS = {
    L0: ("verified", "The council's statement is on record."),
    L1: ("unconfirmed", 'Staff "say" it: no figures, no source, just an estimate.'),
    L2: ("opinion", "'The best news' is a judgement,\neven if Ada Finch really said it."),
    C0: ("verified", "The organisers' photos and the council's tree register confirm it."),
    C1: ("opinion", "A belief about the future."),
}


def teacher_log(folder: Path, name: str = "teacher") -> Path:
    """A teacher's log: every answer with its explanation as the note."""
    log = AnnotationLog(folder / f"{name}.csv", annotator=name)
    for sentence, (label, why) in ANSWERS.items():
        source = LIBRARY.source if sentence.article_id == LIBRARY.id else CANAL.source
        log.record(sentence, label, why, source=source)
    return log.path


def student_log(folder: Path, name: str, answers: dict) -> Path:
    """A student's log with the given sentence -> label answers."""
    log = AnnotationLog(folder / f"{name}.csv", annotator=name)
    for sentence, label in answers.items():
        log.record(sentence, label)
    return log.path


@pytest.fixture
def key(tmp_path: Path) -> AnswerKey:
    """The answer key made from the teacher's log."""
    return make_answer_key(teacher_log(tmp_path / "teacher"), tmp_path / "key.csv")


def write_key_text(path: Path, rows: list[list[str]], header=KEY_COLUMNS) -> Path:
    """Write a key file by hand (as a teacher editing it would), one CSV line per row."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def key_row(sentence, label: str, explanation: str = "") -> list[str]:
    values = {
        "schema": KEY_SCHEMA_ID,
        "article_id": sentence.article_id,
        "sentence_id": sentence.id,
        "sentence_index": str(sentence.index),
        "start": str(sentence.start),
        "end": str(sentence.end),
        "label": label,
        "explanation": explanation,
        "scheme": "default@1",
        "source": "",
        "text": sentence.text,
    }
    return [values[c] for c in KEY_COLUMNS]


# --- making and reading keys -----------------------------------------------------------------


def test_make_answer_key_round_trips_labels_and_explanations(tmp_path: Path, key: AnswerKey):
    """Test that a key made from a teacher's log reads back identical, explanations intact."""
    again = read_answer_key(tmp_path / "key.csv")
    assert again == key
    assert len(again) == len(ANSWERS)
    entry = again.get(L2.id)
    assert entry.label == "opinion"
    assert entry.explanation == ANSWERS[L2][1]  # comma, quotes and a line break survive
    assert entry.text == L2.text
    assert LIBRARY.text[entry.start : entry.end] == entry.text
    assert entry.source == "articles/millbrook-library.txt"
    assert again.article_ids == ("canal-trees", "millbrook-library")
    assert L3.id not in again and again.get(L3.id) is None


def test_key_file_starts_with_the_schema_header(tmp_path: Path, key: AnswerKey):
    """Test that the key's first line is the documented header and each row says its schema."""
    raw = (tmp_path / "key.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets then read it as UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(KEY_COLUMNS)
    assert lines[1].startswith(f"{KEY_SCHEMA_ID},canal-trees,{C0.id},0,0,{len(C0.text)},")
    assert is_answer_key(tmp_path / "key.csv")


def test_make_answer_key_from_dataframe_uses_the_named_annotator(tmp_path: Path):
    """Test that with two annotators in the table, annotator= picks whose labels are the key."""
    teacher_log(tmp_path, "rahman")
    student_log(tmp_path, "amira", {L0: "opinion"})
    df = read_annotations(tmp_path)
    with pytest.raises(InputError, match=r"2 annotators \(amira, rahman\).*annotator='name'"):
        make_answer_key(df, tmp_path / "key.csv")
    key = make_answer_key(df, tmp_path / "key.csv", annotator="rahman")
    assert key.check(L0.id, "verified").correct is True
    with pytest.raises(InputError, match="Annotator 'nobody' has no labels"):
        make_answer_key(df, tmp_path / "key.csv", annotator="nobody")


def test_make_answer_key_refuses_to_overwrite_the_teachers_log(tmp_path: Path):
    """Test that saving the key over the log it is made from raises and leaves the log intact."""
    log = teacher_log(tmp_path)
    before = log.read_bytes()
    with pytest.raises(InputError, match="teacher's annotation log; saving the answer key"):
        make_answer_key(log, log)
    assert log.read_bytes() == before


def test_make_answer_key_without_labels_keeps_the_old_key(tmp_path: Path, key: AnswerKey):
    """Test that a log with no labels raises and the existing key file is not touched."""
    before = (tmp_path / "key.csv").read_bytes()
    empty = AnnotationLog(tmp_path / "empty.csv", annotator="teacher")
    empty.record(L0, "verified")
    empty.record(L0, None)
    with pytest.raises(InputError, match="no labels, so there is nothing to put in the answer"):
        make_answer_key(empty.path, tmp_path / "key.csv")
    assert (tmp_path / "key.csv").read_bytes() == before


def test_answer_key_rejects_a_sentence_twice():
    """Test that an AnswerKey cannot hold two entries for one sentence."""
    entry = KeyEntry("a", "a-0000", 0, 0, len("Hi."), "verified", "", "default@1", "", "Hi.")
    with pytest.raises(InputError, match="sentence 'a-0000' appears twice"):
        AnswerKey((entry, entry))


def test_read_answer_key_accepts_spreadsheet_edits(tmp_path: Path):
    """Test that reordered columns, an extra column, a BOM and 'Opinion' are all accepted."""
    header = ["comment", *reversed(KEY_COLUMNS)]
    rows = [
        ["check again", *reversed(key_row(L2, "Opinion", "A judgement."))],
        ["", *reversed(key_row(L3, "", "Historians disagree about the year."))],
    ]
    path = write_key_text(tmp_path / "key.csv", rows, header=header)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    key = read_answer_key(path)
    assert key.check(L2.id, "opinion") == Feedback(True, "opinion", "A judgement.")
    assert len(key) == 1  # the open sentence has no right answer
    assert key.check(L3.id, "verified") == Feedback(None, "", "Historians disagree about the year.")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [key_row(L0, "verified"), key_row(L1, "fact")],
            r"key\.csv, line 3: unknown label 'fact'\. Known labels: verified, unconfirmed, "
            r"opinion\. Correct it, or leave it empty",
        ),
        (
            [key_row(L0, "verified"), key_row(L1, "opinion"), key_row(L0, "opinion")],
            rf"key\.csv, line 4: sentence '{L0.id}' is already in the key \(line 2\)",
        ),
        (
            [[*key_row(L0, "verified")[:3], "first", *key_row(L0, "verified")[4:]]],
            r"key\.csv, line 2: sentence_index 'first' is not a whole number",
        ),
        (
            [["factcheck-key/9", *key_row(L0, "verified")[1:]]],
            r"key\.csv, line 2: schema 'factcheck-key/9' is not 'factcheck-key/1'",
        ),
        (
            [key_row(L0, "verified")[:4]],
            r"key\.csv, line 2: has 4 fields, expected 11",
        ),
        (
            [key_row(L0, "fact"), key_row(L1, "fakt")],
            r"line 2: unknown label 'fact'.*\(1 more problem\(s\) in this file\.\)",
        ),
    ],
)
def test_read_answer_key_names_file_and_line_of_a_bad_row(tmp_path: Path, rows, message):
    """Test that each kind of bad row raises LogFormatError naming the file, line and fix."""
    path = write_key_text(tmp_path / "key.csv", rows)
    with pytest.raises(LogFormatError, match=message):
        read_answer_key(path)


def test_read_answer_key_explains_a_wrong_kind_of_file(tmp_path: Path):
    """Test that a log, a semicolon file, an empty file and Latin-1 text get their own advice."""
    log = teacher_log(tmp_path)
    with pytest.raises(LogFormatError, match=r"line 1: this is an annotation log, not an answer"):
        read_answer_key(log)
    semi = tmp_path / "semi.csv"
    semi.write_text(";".join(KEY_COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(LogFormatError, match="separated by semicolons"):
        read_answer_key(semi)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(LogFormatError, match=r"empty\.csv, line 1: the answer key is empty"):
        read_answer_key(empty)
    latin = write_key_text(tmp_path / "latin.csv", [key_row(L0, "verified", "café")])
    latin.write_bytes(latin.read_bytes().replace("café".encode(), "café".encode("latin-1")))
    with pytest.raises(LogFormatError, match=r"latin\.csv, line 2: the answer key is not valid"):
        read_answer_key(latin)
    partial = tmp_path / "partial.csv"
    partial.write_text(",".join(KEY_COLUMNS[:5]) + "\n", encoding="utf-8")
    with pytest.raises(LogFormatError, match="missing column\\(s\\) end, label, explanation"):
        read_answer_key(partial)


FORMULA_ARTICLE = Article.from_text(
    '=HYPERLINK("http://evil.example/x","Click for the source") was posted on the page. '
    "+44 is the code the caller used. "
    "'Tis the season for higher prices, a shopkeeper said. "
    "@mayor said the bins would be emptied on Mondays.",
    id="formula-cells",
)
FORMULA_EXPLANATIONS = (
    "-1 point for anyone who calls a link a source.",
    "@channel: a dialling code is a fact anyone can check.",
    "''Tis' is a quote; 'higher prices' is a judgement.",
    "\tIndented on purpose.",
)


def test_answer_key_cells_are_spreadsheet_safe_and_read_back_exactly(tmp_path: Path):
    """Test that no key cell starts like a formula, yet reading gives back the exact text."""
    log = AnnotationLog(tmp_path / "teacher.csv", annotator="=teacher")
    labels = ("unconfirmed", "verified", "opinion", "unconfirmed")
    for sentence, label, why in zip(
        FORMULA_ARTICLE.sentences, labels, FORMULA_EXPLANATIONS, strict=True
    ):
        log.record(sentence, label, why, source="-articles/formula.txt")
    key = make_answer_key(log.path, tmp_path / "key.csv")
    import csv

    with open(tmp_path / "key.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    risky = [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert risky == []
    first = FORMULA_ARTICLE.sentences[0].text
    assert first.startswith("=HYPERLINK(") and "'" + first in cells
    again = read_answer_key(tmp_path / "key.csv")
    assert again.entries == key.entries
    for entry, sentence, why in zip(
        again.entries, FORMULA_ARTICLE.sentences, FORMULA_EXPLANATIONS, strict=True
    ):
        assert entry.text == sentence.text == FORMULA_ARTICLE.text[entry.start : entry.end]
        assert entry.sentence_id == sentence.id
        assert entry.explanation == why
        assert entry.source == "-articles/formula.txt"
    assert again.check(FORMULA_ARTICLE.sentences[0].id, "unconfirmed").correct is True


@given(st.text(alphabet=st.sampled_from("=+-@'\t\rab ,\"\n"), max_size=8))
def test_protect_and_unprotect_cell_round_trip_any_text(text: str):
    """Test that unprotect_cell(protect_cell(t)) == t and a protected cell never starts a formula."""
    protected = protect_cell(text)
    assert unprotect_cell(protected) == text
    assert not protected.startswith(("=", "+", "-", "@", "\t", "\r"))
    if unprotect_cell(text) == text and not text.startswith(("=", "+", "-", "@", "\t", "\r")):
        assert protected == text  # only cells that need it change


def test_hand_written_apostrophe_cells_keep_their_apostrophe(tmp_path: Path):
    """Test that a cell typed as 'Tis (apostrophe, then a letter) is read as typed."""
    path = write_key_text(tmp_path / "key.csv", [key_row(L0, "verified", "'Tis on record.")])
    assert read_answer_key(path).get(L0.id).explanation == "'Tis on record."


def test_make_answer_key_warns_about_sentences_without_explanation(tmp_path: Path):
    """Test that labels with no note give an InputWarning naming the key file and sentences."""
    log = AnnotationLog(tmp_path / "teacher.csv", annotator="teacher")
    log.record(L0, "verified", "On record.")
    log.record(L1, "unconfirmed")
    log.record(L2, "opinion", "   ")
    with pytest.warns(
        InputWarning, match=r"key\.csv: 2 sentence\(s\) have a right answer but no explanation"
    ) as caught:
        key = make_answer_key(log.path, tmp_path / "key.csv")
    message = str(caught[0].message)
    assert "millbrook-library sentence 2 ('Staff say the change" in message
    assert "millbrook-library sentence 3" in message
    assert "sentence 1 " not in message
    assert [e.sentence_id for e in unexplained(key)] == [L1.id, L2.id]


def test_write_answer_key_leaves_no_temporary_file(tmp_path: Path, key: AnswerKey):
    """Test that writing a key leaves exactly the key file in its folder."""
    out = tmp_path / "keys" / "week3.csv"
    write_answer_key(key, out)
    assert [p.name for p in out.parent.iterdir()] == ["week3.csv"]
    assert read_answer_key(out).entries == key.entries


# --- feedback --------------------------------------------------------------------------------


def test_check_says_right_wrong_or_not_in_key(key: AnswerKey):
    """Test that check gives correct True/False with the expected label and explanation."""
    assert key.check(L1.id, "unconfirmed") == Feedback(True, "unconfirmed", ANSWERS[L1][1])
    assert key.check(L1.id, "verified") == Feedback(False, "unconfirmed", ANSWERS[L1][1])
    assert key.check(L3.id, "verified") == Feedback(None, "", "")  # left out of the key
    assert key.check("no-such-sentence", "opinion").correct is None


def test_check_reveals_nothing_for_a_cleared_answer(key: AnswerKey):
    """Test that clearing an answer (None or "") gives no verdict and no expected label."""
    assert key.check(L1.id, None) == Feedback(None, "", "")
    assert key.check(L1.id, "") == Feedback(None, "", "")


# --- submissions and scores ------------------------------------------------------------------


@pytest.fixture
def classroom(tmp_path: Path, key: AnswerKey) -> Path:
    """A class folder: the key, a complete, a partial and an empty submission."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "key.csv").write_bytes((tmp_path / "key.csv").read_bytes())
    # amira: all five key sentences, two wrong, plus L3 (outside the key).
    student_log(
        folder,
        "amira",
        {
            L0: "verified",
            L1: "verified",
            L2: "opinion",
            L3: "verified",
            C0: "verified",
            C1: "unconfirmed",
        },
    )
    # ben: only the first two sentences of the library article, both right.
    student_log(folder, "ben", {L0: "verified", L1: "unconfirmed"})
    # chloe: labelled once, then cleared it: she answered nothing.
    log = AnnotationLog(folder / "chloe.csv", annotator="chloe")
    log.record(L0, "opinion")
    log.record(L0, None)
    return folder


def scores_of(scores: pd.DataFrame, student: str, article: str) -> dict:
    row = scores.loc[(scores["student"] == student) & (scores["article_id"] == article)]
    assert len(row) == 1
    return row.iloc[0].to_dict()


def test_scores_count_correct_answered_and_in_key(key: AnswerKey, classroom: Path):
    """Test the hand-counted scores of a full, a partial and an empty submission."""
    subs = read_submissions(classroom, key=key)
    scores = score_students(key, subs.labels, students=subs.students)
    amira = scores_of(scores, "amira", ALL)
    assert (amira["in_key"], amira["answered"], amira["correct"], amira["unscored"]) == (5, 5, 3, 1)
    assert amira["accuracy"] == pytest.approx(3 / 5) and amira["score"] == pytest.approx(3 / 5)
    lib = scores_of(scores, "amira", "millbrook-library")
    assert (lib["in_key"], lib["answered"], lib["correct"], lib["unscored"]) == (3, 3, 2, 1)
    ben = scores_of(scores, "ben", ALL)
    assert (ben["answered"], ben["correct"]) == (2, 2)
    assert ben["accuracy"] == 1.0 and ben["score"] == pytest.approx(2 / 5)
    ben_canal = scores_of(scores, "ben", "canal-trees")
    assert (ben_canal["in_key"], ben_canal["answered"], ben_canal["correct"]) == (2, 0, 0)
    assert math.isnan(ben_canal["accuracy"]) and ben_canal["score"] == 0.0
    chloe = scores_of(scores, "chloe", ALL)
    assert (chloe["answered"], chloe["correct"], chloe["score"]) == (0, 0, 0.0)
    assert len(scores) == 3 * 3  # three students x (two articles + all)


def test_read_submissions_skips_the_key_and_reports_a_broken_file(key: AnswerKey, classroom: Path):
    """Test that the key in the folder is not a student and a broken log does not stop scoring."""
    broken = classroom / "dev.csv"
    broken.write_text("schema;timestamp;annotator\n", encoding="utf-8")
    subs = read_submissions(classroom, key=key)
    assert subs.students == ("amira", "ben", "chloe")
    assert str(broken) not in subs.files and not any(f.endswith("key.csv") for f in subs.files)
    assert len(subs.problems) == 1
    assert "dev.csv, line 1: the columns are separated by semicolons" in subs.problems[0]
    assert subs.problems[0].endswith("This file was not scored.")


def test_a_header_only_file_counts_as_a_student_with_no_answers(key: AnswerKey, classroom: Path):
    """Test that a student whose file has only the header is listed, named after the file."""
    (classroom / "dev.csv").write_text(
        (classroom / "ben.csv").read_text(encoding="utf-8").splitlines()[0] + "\n",
        encoding="utf-8",
    )
    report = class_report(key, classroom)
    assert "dev" in report.students
    assert scores_of(report.scores, "dev", ALL)["answered"] == 0


def test_report_includes_a_late_submission_when_run_again(key: AnswerKey, classroom: Path):
    """Test that a file appearing after the first report is scored by the next one."""
    first = class_report(key, classroom)
    assert "dana" not in first.students
    student_log(classroom, "dana", {C0: "verified", C1: "opinion"})
    second = class_report(key, classroom)
    assert second.students == ("amira", "ben", "chloe", "dana")
    dana = scores_of(second.scores, "dana", ALL)
    assert (dana["answered"], dana["correct"]) == (2, 2)
    assert scores_of(second.scores, "amira", ALL) == scores_of(first.scores, "amira", ALL)


def test_sentence_summary_puts_class_votes_next_to_the_key(key: AnswerKey, classroom: Path):
    """Test the votes, majority and share correct per sentence, and sentences outside the key."""
    subs = read_submissions(classroom, key=key)
    summary = sentence_summary(key, subs.labels).set_index("sentence_id")
    l1 = summary.loc[L1.id]
    assert (l1["expected"], l1["n_answers"], l1["n_correct"]) == ("unconfirmed", 2, 1)
    assert l1["share_correct"] == 0.5 and bool(l1["tie"]) is True
    assert l1["votes"] == "verified 1, unconfirmed 1"
    l3 = summary.loc[L3.id]
    assert l3["expected"] == "" and not l3["in_key"] and math.isnan(l3["share_correct"])
    assert l3["majority_label"] == "verified" and l3["n_answers"] == 1
    assert list(summary.loc[summary["in_key"], "explanation"]) == [
        ANSWERS[s][1] for s in (C0, C1, L0, L1, L2)
    ]


def test_hardest_sentences_come_lowest_share_correct_first(key: AnswerKey, classroom: Path):
    """Test that the hardest list starts with the sentences most students got wrong."""
    subs = read_submissions(classroom, key=key)
    hardest = hardest_sentences(sentence_summary(key, subs.labels))
    assert list(hardest["sentence_id"][:2]) == [C1.id, L1.id]  # 0 of 1 right, then 1 of 2
    assert list(hardest["share_correct"][:2]) == [0.0, 0.5]
    assert L3.id not in set(hardest["sentence_id"])


def test_class_agreement_needs_two_students(key: AnswerKey, tmp_path: Path):
    """Test that with one student the agreement row is NaN with a note saying why."""
    folder = tmp_path / "one"
    student_log(folder, "amira", {L0: "verified"})
    report = class_report(key, folder)
    assert math.isnan(report.agreement["value"].iloc[0])
    assert report.agreement["note"].iloc[0].startswith("undefined: agreement needs answers")


def test_class_agreement_reports_the_whole_class(key: AnswerKey, classroom: Path):
    """Test that agreement rows are for all students (no per-pair rows, which name students)."""
    report = class_report(key, classroom)
    assert "annotator_a" not in report.agreement.columns
    assert set(report.agreement["measure"]) >= {"percent_agreement", "krippendorff_alpha"}
    overall = report.agreement.loc[
        (report.agreement["measure"] == "percent_agreement") & (report.agreement["label"] == ALL)
    ]
    # amira and ben both labelled L0 and L1: they agree on L0 only.
    assert overall["value"].iloc[0] == pytest.approx(0.5)


# --- pseudonyms ------------------------------------------------------------------------------


def test_pseudonyms_are_unique_and_do_not_depend_on_order():
    """Test that 60 names get 60 different pseudonyms, the same in any order."""
    names = [f"pupil {i}" for i in range(60)]
    forward = pseudonyms(names, salt="week 3")
    backward = pseudonyms(reversed(names), salt="week 3")
    assert forward == backward
    assert len(set(forward.values())) == 60
    assert all(p.startswith("Student ") for p in forward.values())


def test_pseudonyms_depend_on_the_salt():
    """Test that another salt (another teacher's secret) gives other pseudonyms."""
    names = ["amira", "ben", "chloe", "dana", "elif"]
    assert pseudonyms(names, salt="a") != pseudonyms(names, salt="b")


def test_pseudonyms_survive_a_late_submission():
    """Test that a student handing in later does not change the class's existing pseudonyms."""
    names = ["amira", "ben t", "carlos", "dana", "elif", "finn", "grace", "hugo"]
    before = pseudonyms(names, salt="key")
    after = pseudonyms([*names, "zoë"], salt="key")
    assert {name: after[name] for name in names} == before


def test_hide_names_replaces_every_name_in_the_report_data(key: AnswerKey, classroom: Path):
    """Test that with hide_names no student name is left in any table of the report."""
    (classroom / "dev.csv").write_text("not;a;log\n", encoding="utf-8")
    report = class_report(key, classroom, hide_names=True)
    shown = " ".join(
        [
            *report.students,
            report.scores.to_csv(),
            report.labels.to_csv(),
            report.agreement.to_csv(),
            *report.problems,
        ]
    )
    for name in ("amira", "ben", "chloe", "dev"):
        assert name not in shown
    assert len(report.students) == 3 and all(s.startswith("Student ") for s in report.students)
    assert "not shown while names are hidden" in report.problems[0]


def test_hidden_names_cannot_be_recomputed_from_what_students_see(
    key: AnswerKey, classroom: Path, tmp_path: Path
):
    """Test that pseudonyms come from the teacher's secret file, not from the answer key."""
    report = class_report(key, classroom, hide_names=True)
    names = ["amira", "ben", "chloe"]
    # What a student knows: the key's sentences and right answers, hence its fingerprint.
    guessed = pseudonyms(names, salt=key.fingerprint)
    assert sorted(guessed.values()) != list(report.students)
    secret = secret_path(tmp_path / "key.csv")
    assert secret.name == "key.csv.secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    text = secret.read_text(encoding="ascii").strip()
    assert len(text) == 64 and int(text, 16) >= 0
    assert sorted(pseudonyms(names, salt=text).values()) == list(report.students)
    assert key.fingerprint not in text and text not in report.labels.to_csv()


def test_pseudonyms_stay_the_same_from_report_to_report(
    key: AnswerKey, classroom: Path, tmp_path: Path
):
    """Test that a second report reuses the secret file, and a new secret changes the names."""
    first = class_report(key, classroom, hide_names=True).students
    assert class_report(key, classroom, hide_names=True).students == first
    other = tmp_path / "elsewhere.secret"
    changed = [class_report(key, classroom, hide_names=True, secret=other)]
    other.write_text("0" * 64 + "\n", encoding="ascii")
    other.chmod(0o600)
    changed.append(class_report(key, classroom, hide_names=True, secret=other))
    assert {r.students for r in changed} != {first}
    assert other.read_text(encoding="ascii").strip() == "0" * 64  # kept, not remade


def test_a_damaged_secret_file_is_reported_not_replaced(
    key: AnswerKey, classroom: Path, tmp_path: Path
):
    """Test that a secret file that is not 64 hex digits raises naming it, and is left as is."""
    secret = tmp_path / "class.secret"
    secret.write_text("hello\n", encoding="ascii")
    with pytest.raises(InputError, match=r"class\.secret: is not a factcheck pseudonym secret"):
        class_report(key, classroom, hide_names=True, secret=secret)
    assert secret.read_text(encoding="ascii") == "hello\n"
    memory = AnswerKey(key.entries)
    with pytest.raises(InputError, match="Pass secret="):
        class_report(memory, classroom, hide_names=True)


def test_the_teachers_log_in_the_class_folder_is_not_scored(
    key: AnswerKey, classroom: Path, tmp_path: Path
):
    """Test that the log the key came from, copied among the students', is left out."""
    copied = classroom / "teacher.csv"
    copied.write_bytes((tmp_path / "teacher" / "teacher.csv").read_bytes())
    with_copy = class_report(key, classroom)
    assert "teacher" not in with_copy.students  # by the key's author name
    assert with_copy.students == ("amira", "ben", "chloe")
    listed = read_submissions(classroom, key=key)
    assert str(tmp_path / "teacher" / "teacher.csv") not in listed.files


def test_a_secret_others_can_read_gives_a_warning(key: AnswerKey, classroom: Path, tmp_path: Path):
    """Test that a pseudonym secret readable by other users warns, naming the chmod to run."""
    secret = tmp_path / "shared.secret"
    secret.write_text("1" * 64 + "\n", encoding="ascii")
    secret.chmod(0o644)
    with pytest.warns(InputWarning, match=r"shared\.secret: the pseudonym secret can be read"):
        class_report(key, classroom, hide_names=True, secret=secret)
