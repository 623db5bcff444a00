"""One person, one log: a ``factcheck-log/1`` file and its ``<stem>+2.csv`` continuation are
read together, and counted as one person, by every consumer of log files (classroom, student
mode, live view, card, gold, CLI). The /1 files are the real ones in ``tests/data/log_v1/``,
copied byte for byte; every continuation is written by ``AnnotationLog`` itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from factcheck import Annotator, cli, load_articles
from factcheck.card import card_data
from factcheck.classroom import (
    Teachers,
    class_report,
    is_answer_key,
    make_answer_key,
    read_answer_key,
    read_submissions,
    read_teachers,
)
from factcheck.errors import InputError, InputWarning, LogFormatError
from factcheck.gold import gold
from factcheck.live import LiveClass
from factcheck.log import (
    HEADER,
    SCHEMA_ID,
    SCHEMA_V1,
    AnnotationLog,
    continuation_path,
    file_schema,
    files_of,
    log_files,
    log_owner,
    read_annotations,
    validate_logs,
)
from factcheck.paths import sample_path
from factcheck.provenance import provenance_path
from factcheck.queues import queue_log_path
from factcheck.sentences import Sentence
from factcheck.student import NameInUse, _existing_answers, claim_name

V1_FILES = Path(__file__).parent / "data" / "log_v1"
WIND = "harbour-wind-farm"


def _v1_copy(tmp_path: Path, name: str = "annotations") -> Path:
    """The real /1 logs copied into a fresh folder (the originals stay untouched)."""
    folder = tmp_path / name
    shutil.copytree(V1_FILES, folder)
    return folder


def _sentences(article_id: str = WIND) -> list[Sentence]:
    """The sentences of an article as the /1 fixtures recorded them (id, offsets, text)."""
    rows = read_annotations(V1_FILES / "ben.csv")
    rows = rows[rows["article_id"] == article_id].sort_values("sentence_index")
    return [
        Sentence(
            id=r.sentence_id,
            index=int(r.sentence_index),
            start=int(r.start),
            end=int(r.end),
            text=r.text,
            article_id=r.article_id,
        )
        for r in rows.itertuples()
    ]


def _continue(folder: Path, annotator: str, labels: dict[int, str]) -> AnnotationLog:
    """Label sentences of the wind-farm article as the widget does (with the article's
    language), so a /1 log's events go to its +2 continuation."""
    log = AnnotationLog(annotator=annotator, folder=folder)
    sentences = _sentences()
    for index, label in labels.items():
        log.record(sentences[index], label, language="en")
    return log


def _labels(frame: pd.DataFrame, annotator: str) -> dict[str, str]:
    mine = frame[frame["annotator"] == annotator]
    return dict(zip(mine["sentence_id"], mine["label"], strict=True))


def _sid(index: int) -> str:
    return _sentences()[index].id


# --- the shared rule -------------------------------------------------------------------------


def test_a_continuation_belongs_to_its_log_and_nothing_else_does(tmp_path: Path):
    """Test that log_owner maps ``ana+2.csv`` to ``ana.csv`` and every other file to
    itself, and files_of lists the log first, then its continuation, if they exist."""
    folder = _v1_copy(tmp_path)
    ana = folder / "ana.csv"
    assert log_owner(continuation_path(ana)) == ana
    assert log_owner(ana) == ana
    assert log_owner(folder / "+2.csv") == folder / "+2.csv"  # no stem before the mark
    assert files_of(ana) == [ana]
    _continue(folder, "ana", {0: "verified"})
    assert files_of(ana) == files_of(folder / "ana+2.csv") == [ana, folder / "ana+2.csv"]
    (folder / "ana.csv").unlink()
    assert files_of(ana) == [folder / "ana+2.csv"]


def test_log_files_lists_each_log_before_its_continuation(tmp_path: Path):
    """Test that a folder, a file and a glob all give a person's files together, log first
    (sorted names put ``ana+2.csv`` before ``ana.csv``), and the continuation of a named log."""
    folder = _v1_copy(tmp_path)
    _continue(folder, "ana", {0: "verified"})
    pair = [folder / "ana.csv", folder / "ana+2.csv"]
    assert log_files(folder)[:2] == pair
    assert log_files(folder / "ana.csv") == pair
    assert log_files(folder / "ana+2.csv") == pair
    assert log_files(str(folder / "a*.csv")) == pair
    assert log_files([folder / "ben.csv", folder / "ana+2.csv"]) == [folder / "ben.csv", *pair]


def test_reading_a_named_v1_log_reads_its_continuation(tmp_path: Path):
    """Test that read_annotations of ``ana.csv`` alone gives ana's latest labels from both
    files, the same as the whole folder gives for ana, and the /1 bytes stay."""
    folder = _v1_copy(tmp_path)
    before = (folder / "ana.csv").read_bytes()
    _continue(folder, "ana", {0: "opinion", 1: "verified"})
    one = read_annotations(folder / "ana.csv")
    assert _labels(one, "ana")[_sid(0)] == "opinion"
    assert _labels(one, "ana")[_sid(1)] == "verified"
    assert _labels(one, "ana") == _labels(read_annotations(folder), "ana")
    assert len(read_annotations(folder / "ana.csv", history=True)) == 40 - 1 + 2
    assert (folder / "ana.csv").read_bytes() == before


def test_a_stray_continuation_beside_a_v2_log_is_read_as_the_same_persons(tmp_path: Path):
    """Test the decision for a ``ana+2.csv`` copied beside a /2 ``ana.csv``: every reader
    takes it as one more file of ana's log (AnnotationLog, read_annotations of the file or
    the folder, the class report), and new events still go to ``ana.csv``."""
    folder = tmp_path / "annotations"
    sentences = _sentences()
    AnnotationLog(annotator="ana", folder=folder).record(sentences[0], "verified")
    elsewhere = AnnotationLog(annotator="Ana", folder=tmp_path / "elsewhere")
    elsewhere.record(sentences[1], "opinion")
    shutil.copy(elsewhere.path, folder / "ana+2.csv")
    assert file_schema(folder / "ana.csv") == file_schema(folder / "ana+2.csv") == SCHEMA_ID
    log = AnnotationLog(annotator="ana", folder=folder)
    assert {sid: e.label for sid, e in log.current().items()} == {
        sentences[0].id: "verified",
        sentences[1].id: "opinion",
    }
    assert log.paths() == [folder / "ana.csv", folder / "ana+2.csv"]
    expected = {sentences[0].id: "verified", sentences[1].id: "opinion"}
    assert _labels(read_annotations(folder / "ana.csv"), "ana") == expected
    assert _labels(read_annotations(folder), "ana") == expected
    log.record(sentences[2], "unconfirmed")
    assert (folder / "ana.csv").read_bytes().count(b"\n") == 3
    assert read_submissions(folder).students == ("ana",)


def test_a_stray_v1_file_in_the_continuations_place_is_never_written(tmp_path: Path):
    """Test that a /1 file named ``ana+2.csv`` (a copied log) beside ana's /1 log is read as
    hers but never appended to: the event is refused, naming it, and no byte changes."""
    folder = _v1_copy(tmp_path)
    shutil.copy(V1_FILES / "ben.csv", folder / "ana+2.csv")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    log = AnnotationLog(annotator="ana", folder=folder)
    with pytest.raises(LogFormatError, match=r"ana\+2\.csv: ana\.csv .* nothing was written"):
        log.record(_sentences()[0], "verified", language="en")
    with pytest.raises(LogFormatError, match="nothing was written"):
        log.record(_sentences()[0], "verified")  # plain, but the continuation exists
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".csv"} == before
    assert not list(folder.glob("*.torn"))
    assert validate_logs([folder]) == []


def test_the_sidecar_files_keep_the_v1_logs_name(tmp_path: Path):
    """Test that after the continuation starts, ``log.path`` is still the /1 file, so the
    provenance and queue records stay ``ana.provenance.jsonl``/``ana.queues.jsonl``."""
    folder = _v1_copy(tmp_path)
    log = _continue(folder, "ana", {0: "verified"})
    assert log.path == (folder / "ana.csv").resolve()
    assert file_schema(log.path) == SCHEMA_V1
    assert provenance_path(log.path).name == "ana.provenance.jsonl"
    assert queue_log_path("ana", folder) == log.path.with_name("ana.queues.jsonl")


# --- classroom: the teacher's report, dashboard and answer key -------------------------------


@pytest.fixture
def wind_key(tmp_path: Path):
    """An answer key on the wind-farm article, made from a teacher's /2 log elsewhere."""
    log = AnnotationLog(annotator="Ms Rahman", folder=tmp_path / "teacher")
    answers = ["verified", "unconfirmed", "opinion", "opinion"]
    for sentence, label in zip(_sentences()[:4], answers, strict=True):
        log.record(sentence, label, f"why {sentence.index}")
    return make_answer_key(log.path, tmp_path / "key.csv")


def test_a_continued_student_is_one_student_in_the_class_report(tmp_path: Path, wind_key):
    """Test that a student whose answers are in ``ana.csv`` (/1) and ``ana+2.csv`` is one
    student, scored on their latest answers from both files."""
    folder = _v1_copy(tmp_path, "class")
    _continue(folder, "ana", {0: "verified", 2: "opinion"})
    report = class_report(wind_key, folder)
    assert report.students == ("ana", "ben", "Chloe Martin")
    total = report.scores[
        (report.scores["student"] == "ana") & (report.scores["article_id"] == WIND)
    ]
    # /1: 0 unconfirmed, 1 unconfirmed, 2 unconfirmed, 3 unconfirmed; +2: 0 verified, 2 opinion
    assert int(total["correct"].iloc[0]) == 3


def test_an_empty_continuation_names_no_student(tmp_path: Path, wind_key):
    """Test that a continuation left with its header only (its one row was torn and set
    aside) does not make a student called ``ana+2``."""
    folder = _v1_copy(tmp_path, "class")
    (folder / "ana+2.csv").write_text(HEADER, encoding="utf-8")
    assert read_submissions(folder, key=wind_key).students == ("ana", "ben", "Chloe Martin")


def test_a_header_only_v1_log_continued_names_its_student_once(tmp_path: Path, wind_key):
    """Test that a student who opened a /1 log (header only) and then labelled into the
    continuation as ``Dana`` is listed once, by the name in the rows, not also as ``dana``."""
    folder = _v1_copy(tmp_path, "class")
    (folder / "dana.csv").write_bytes((V1_FILES / "ben.csv").read_bytes().split(b"\n")[0] + b"\n")
    _continue(folder, "Dana", {0: "verified"})
    assert (folder / "dana+2.csv").exists()
    students = read_submissions(folder, key=wind_key).students
    assert students == ("ana", "ben", "Chloe Martin", "Dana")


def test_a_broken_continuation_leaves_its_student_unscored_once(tmp_path: Path, wind_key):
    """Test that a damaged row in ``ana+2.csv`` is one problem naming the file and line, and
    ana's older /1 answers are not scored in place of her latest ones; the others are."""
    folder = _v1_copy(tmp_path, "class")
    _continue(folder, "ana", {0: "verified", 1: "opinion"})
    data = (folder / "ana+2.csv").read_bytes()
    (folder / "ana+2.csv").write_bytes(data.replace(b",verified,", b",verifed,"))  # line 2
    subs = read_submissions(folder, key=wind_key)
    assert subs.students == ("ben", "Chloe Martin")
    assert len(subs.problems) == 1
    assert "ana+2.csv, line 2: unknown label 'verifed'" in subs.problems[0]
    assert subs.problems[0].endswith("not scored: ana.csv, ana+2.csv.")
    assert str(folder / "ana.csv") not in subs.files


def test_a_teachers_v1_log_gives_the_key_its_continued_labels(tmp_path: Path):
    """Test that an answer key made from a teacher's /1 log holds the labels the teacher
    gave since in its continuation, and the key's teacher list names both files."""
    teacher = _v1_copy(tmp_path, "teacher")
    _continue(teacher, "ben", {0: "opinion"})
    with pytest.warns(InputWarning, match="no explanation"):  # ben's /1 labels have no notes
        key = make_answer_key(teacher / "ben.csv", tmp_path / "key.csv")
    assert key.get(_sid(0)).label == "opinion"
    teachers = read_teachers(tmp_path / "key.csv")
    assert teachers.logs >= {(teacher / "ben.csv").resolve(), (teacher / "ben+2.csv").resolve()}
    with pytest.raises(InputError, match="teacher's annotation log"):
        make_answer_key(teacher / "ben.csv", teacher / "ben+2.csv")


def test_a_teachers_continuation_is_the_teachers_like_the_log(tmp_path: Path):
    """Test that a teacher list naming only ``ben.csv`` (as keys before the continuation
    wrote it) also covers ``ben+2.csv``: not read as a student's, not claimable."""
    folder = _v1_copy(tmp_path, "class")
    _continue(folder, "ben", {0: "opinion"})
    teachers = Teachers(logs=frozenset({(folder / "ben.csv").resolve()}))
    assert teachers.has_log(folder / "ben+2.csv")
    assert not teachers.has_log(folder / "ana+2.csv")
    key_path = tmp_path / "key.csv"
    sentences = _sentences()
    AnnotationLog(annotator="Ms Rahman", folder=tmp_path / "t").record(
        sentences[0], "verified", "why"
    )
    make_answer_key(tmp_path / "t" / "ms-rahman.csv", key_path)
    with open(f"{key_path}.teachers", "a", encoding="utf-8") as handle:
        handle.write(f"log: {(folder / 'ben.csv').resolve()}\n")
    subs = read_submissions(folder, key=read_answer_key(key_path))
    assert str(folder / "ben+2.csv") not in subs.files
    assert str(folder / "ben.csv") not in subs.files
    assert subs.students == ("ana", "Chloe Martin")
    assert not is_answer_key(folder / "ben+2.csv")  # a continuation is a log, not a key
    live = LiveClass(key_path, folder).refresh()
    assert [s.student for s in live.students] == ["ana", "Chloe Martin"]


# --- student mode ----------------------------------------------------------------------------


def test_a_returning_student_gets_back_the_answers_in_both_files(tmp_path: Path):
    """Test that claiming ``ana`` again counts the events of ``ana.csv`` and ``ana+2.csv``,
    holds one session lock named after the log, and a second claim is refused."""
    folder = _v1_copy(tmp_path, "class")
    _continue(folder, "ana", {0: "verified", 1: "opinion"})
    events, name, _ = _existing_answers(folder / "ana.csv")
    assert (events, name) == (40 - 1 + 2, "ana")
    claim = claim_name(folder, "Ana")
    try:
        assert claim.existing == 41
        assert claim.path == (folder / "ana.csv").resolve()
        assert sorted(p.name for p in folder.glob(".*.session")) == [".ana.session"]
        with pytest.raises(NameInUse):
            claim_name(folder, "ana")
        log = AnnotationLog(claim.path, annotator=claim.name)
        assert log.current()[_sid(1)].label == "opinion"
    finally:
        claim.release()


def test_a_student_whose_answers_are_only_in_a_continuation_gets_them_back(tmp_path: Path):
    """Test that a continuation without its /1 log (the log not copied) still counts as the
    student's answers when they claim the name again."""
    folder = _v1_copy(tmp_path, "class")
    _continue(folder, "ana", {0: "verified", 1: "opinion"})
    (folder / "ana.csv").unlink()
    assert _existing_answers(folder / "ana.csv")[:2] == (2, "ana")
    claim = claim_name(folder, "ana")
    claim.release()
    assert claim.existing == 2


# --- the labelling widget: progress on an assignment -----------------------------------------


def test_assignment_progress_counts_the_labels_of_both_files(tmp_path: Path):
    """Test that an annotator reopening a /1 log sees the progress the continuation's events
    make (a relabel and a clear written there), and the labels from both files."""
    folder = _v1_copy(tmp_path)
    queue = tmp_path / "assignments" / "ana.csv"
    queue.parent.mkdir()
    queue.write_text(
        "article_id,sentence_id,round,overlap,position\n"
        "harbour-wind-farm,,1,0,0\nschool-meals,,1,0,1\n",
        encoding="utf-8",
    )
    articles = load_articles(sample_path())
    ann = Annotator(articles, annotator="ana", folder=folder, assignment=queue)
    assert ann.corpus_progress_label.value.startswith("21 sentences labelled")
    meals = next(a for a in ann.articles if a.id == "school-meals").sentences
    ann.label(meals[0].id, "opinion")
    ann.label(meals[1].id, None)
    assert (folder / "ana+2.csv").read_bytes().count(b"\nfactcheck-log/2,") == 2
    again = Annotator(articles, annotator="ana", folder=folder, assignment=queue)
    assert again.corpus_progress_label.value.startswith("20 sentences labelled")
    assert again.labels[meals[0].id] == "opinion"
    assert meals[1].id not in again.labels
    assert again.labels[_sid(0)] == "unconfirmed"  # from the /1 file


# --- the live classroom ----------------------------------------------------------------------


def test_the_live_view_shows_a_continued_student_once_with_latest_answers(tmp_path, wind_key):
    """Test that the live view merges ``ana.csv`` and ``ana+2.csv``: one row for ana, her
    latest label per sentence counted once in the class votes."""
    folder = _v1_copy(tmp_path, "class")
    live = LiveClass(wind_key, folder)
    live.refresh()
    _continue(folder, "ana", {0: "verified", 2: "opinion"})
    snapshot = live.refresh()
    assert [s.student for s in snapshot.students] == ["ana", "ben", "Chloe Martin"]
    ana = snapshot.students[0]
    assert (ana.answered, ana.correct) == (4, 3)
    votes = {s.sentence_id: dict(s.votes) for s in snapshot.sentences}
    assert votes[_sid(0)] == {"verified": 2}  # ana (from +2) and ben
    assert sum(votes[_sid(2)].values()) == 2


# --- dataset card, gold standard, CLI --------------------------------------------------------


def test_gold_and_card_over_named_v1_logs_read_their_continuations(tmp_path: Path):
    """Test that the gold standard and the card, given the /1 files by name, take ana's
    latest labels from her continuation and count three annotators, not four."""
    folder = _v1_copy(tmp_path)
    _continue(folder, "ana", {0: "verified"})
    named = [folder / "ana.csv", folder / "ben.csv", folder / "chloe-martin.csv"]
    for logs in (named, folder):
        table = gold(logs).set_index("sentence_id")
        assert table.loc[_sid(0), "n_annotators"] == 2
        assert table.loc[_sid(0), "label"] == "verified"  # ana (+2) and ben agree now
    data = card_data(named, n_boot=10)
    assert sorted(data.annotations["annotator"].unique()) == ["Chloe Martin", "ana", "ben"]
    assert _labels(data.annotations, "ana")[_sid(0)] == "verified"


def test_gold_names_the_continuation_and_line_where_a_text_differs(tmp_path: Path):
    """Test that a sentence whose text differs between logs is reported in the file that
    holds the row, here the continuation, with its line."""
    folder = _v1_copy(tmp_path)
    changed = _sentences()[0]
    changed = Sentence(changed.id, 0, 0, 10, "Changed it", article_id=WIND)
    AnnotationLog(annotator="ana", folder=folder).record(changed, "verified", language="en")
    with pytest.raises(InputError, match=r"ana\+2\.csv, line 2.*differs between the logs"):
        gold(folder)


def test_cli_validate_and_export_see_the_continuation_of_a_named_log(tmp_path: Path, capsys):
    """Test that ``factcheck validate ana.csv`` checks ``ana+2.csv`` too, and an export of
    ``ana.csv`` may not be written over its continuation."""
    folder = _v1_copy(tmp_path)
    _continue(folder, "ana", {0: "verified"})
    assert cli.main(["validate", str(folder / "ana.csv")]) == 0
    clean = (folder / "ana+2.csv").read_bytes()
    with open(folder / "ana+2.csv", "a", encoding="utf-8") as handle:
        handle.write("factcheck-log/2,not a time,ana\n")
    assert cli.main(["validate", str(folder / "ana.csv")]) == 1
    assert "ana+2.csv" in capsys.readouterr().out
    assert any("ana+2.csv" in p.path for p in validate_logs(log_files(folder / "ana.csv")))
    out = folder / "ana+2.csv"
    assert cli.main(["export", str(folder / "ana.csv"), "--to", "csv", "-o", str(out)]) == 2
    assert "writing there would destroy" in capsys.readouterr().err
    (folder / "ana+2.csv").write_bytes(clean)  # the bad row removed again
    assert (
        cli.main(["export", str(folder / "ana.csv"), "--to", "csv", "-o", str(tmp_path / "x.csv")])
        == 0
    )
    exported = pd.read_csv(tmp_path / "x.csv").set_index("sentence_id")
    assert exported.loc[_sid(0), "majority_label"] == "verified"  # the continuation's label
