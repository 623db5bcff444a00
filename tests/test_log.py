"""Tests for the annotation log: recording, undo, resume, names, reading and validation."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck import cli
from factcheck.errors import InputError, InputWarning, LogFormatError, SchemeError
from factcheck.labels import DEFAULT_SCHEME, Label
from factcheck.log import (
    COLUMNS,
    HEADER,
    AnnotationLog,
    LogEvent,
    Problem,
    annotator_key,
    annotator_slug,
    format_row,
    log_path,
    read_annotations,
    validate_logs,
)
from tests._log_helpers import article, row, sentence, write_log

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")


@pytest.fixture
def sentences():
    return article().sentences


# --- recording -----------------------------------------------------------------------------


def test_record_puts_header_and_row_on_disk_before_returning(tmp_path, sentences):
    """Test that record() has written the header and a complete row when it returns."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    event = log.record(sentences[0], "verified", "minutes, p. 4")
    data = (tmp_path / "ana.csv").read_text(encoding="utf-8")
    assert data.startswith(HEADER)
    assert data.endswith("\n")
    assert data.count("\n") == 2
    assert isinstance(event, LogEvent)
    assert ISO_UTC.fullmatch(event.timestamp)
    assert (event.annotator, event.label, event.action, event.scheme) == (
        "ana",
        "verified",
        "label",
        "default@1",
    )
    assert (event.start, event.end, event.text) == (
        sentences[0].start,
        sentences[0].end,
        sentences[0].text,
    )


def test_record_writes_every_column_of_the_contract(tmp_path, sentences):
    """Test that the row read back carries the sentence, label, note and source."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[1], "opinion", 'quote, "boldest"', source="articles/riverside.md")
    frame = read_annotations(tmp_path)
    assert list(frame.columns) == [*COLUMNS, "flagged"]
    got = frame.iloc[0]
    assert got["schema"] == "factcheck-log/2"
    assert got["article_id"] == "riverside-budget"
    assert got["sentence_id"] == sentences[1].id
    assert got["sentence_index"] == 1
    assert got["note"] == 'quote, "boldest"'
    assert got["source"] == "articles/riverside.md"
    assert got["text"] == sentences[1].text


def test_unknown_label_raises_before_anything_is_written(tmp_path, sentences):
    """Test that an unknown label raises SchemeError naming the known labels, writing nothing."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    with pytest.raises(SchemeError, match="Known labels: verified, unconfirmed, opinion"):
        log.record(sentences[0], "verifed")
    assert not (tmp_path / "ana.csv").exists()
    log.record(sentences[0], "verified")
    before = (tmp_path / "ana.csv").read_bytes()
    with pytest.raises(SchemeError):
        log.record(sentences[0], "Verified")
    assert (tmp_path / "ana.csv").read_bytes() == before


@pytest.mark.parametrize("cleared", [None, ""])
def test_none_or_empty_label_clears(tmp_path, sentences, cleared):
    """Test that None or "" appends a clear event and removes the current label."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    event = log.record(sentences[0], cleared)
    assert (event.action, event.label) == ("clear", "")
    assert log.label_of(sentences[0].id) is None
    assert log.current() == {}
    assert read_annotations(tmp_path).empty
    assert list(read_annotations(tmp_path, history=True)["action"]) == ["label", "clear"]


def test_changing_a_label_appends_and_keeps_history(tmp_path, sentences):
    """Test that relabelling appends an event; the latest one is current."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[2], "verified")
    log.record(sentences[2], "unconfirmed", "single source")
    assert log.label_of(sentences[2].id) == "unconfirmed"
    history = read_annotations(tmp_path, history=True)
    assert list(history["label"]) == ["verified", "unconfirmed"]
    current = read_annotations(tmp_path)
    assert list(current["label"]) == ["unconfirmed"]
    assert list(current["note"]) == ["single source"]


def test_custom_scheme_labels_are_accepted_and_its_id_written(tmp_path, sentences):
    """Test that a scheme with an extra label records it and writes the scheme id."""
    satire = Label("satire", "Humour presented as news.", "Local man wins by losing.", "4", "#000")
    scheme = DEFAULT_SCHEME.with_labels(satire, name="class")
    log = AnnotationLog(annotator="ana", folder=tmp_path, scheme=scheme)
    log.record(sentences[0], "satire")
    frame = read_annotations(tmp_path, schemes=[scheme])
    assert list(frame["label"]) == ["satire"]
    assert list(frame["scheme"]) == ["class@1"]
    # Without the scheme object, rows of an unknown scheme are checked for syntax only.
    assert list(read_annotations(tmp_path)["label"]) == ["satire"]


def test_record_does_not_reread_the_file(tmp_path, sentences):
    """Test that appending never parses the file again: damage in the middle after opening
    goes unnoticed; only a short last line (which readers skip as torn) is set aside."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    path = tmp_path / "ana.csv"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("garbage row that is not CSV of the log\nnor this one\n")
    with pytest.warns(InputWarning, match=r"ana\.csv, line 4: the last row was incomplete"):
        log.record(sentences[1], "opinion")
    assert Path(f"{path}.torn").read_text(encoding="utf-8") == "nor this one\n\n"
    with pytest.raises(LogFormatError, match=r"ana\.csv, line 3: has 1 fields, expected 18"):
        read_annotations(path)


# --- undo and resume -----------------------------------------------------------------------


def test_undo_restores_previous_label_and_note(tmp_path, sentences):
    """Test that undo appends an 'undo' event carrying the previous label and note."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified", "minutes p. 4")
    log.record(sentences[0], "opinion", "changed my mind")
    event = log.undo()
    assert (event.action, event.label, event.note) == ("undo", "verified", "minutes p. 4")
    assert log.label_of(sentences[0].id) == "verified"
    assert read_annotations(tmp_path)["note"].tolist() == ["minutes p. 4"]


def test_repeated_undo_walks_back_across_sentences(tmp_path, sentences):
    """Test that each undo reverts the next older event until nothing is left (None)."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    log.record(sentences[1], "opinion")
    log.record(sentences[0], None)
    assert log.undo().sentence_id == sentences[0].id
    assert log.label_of(sentences[0].id) == "verified"
    assert log.undo().sentence_id == sentences[1].id
    assert log.label_of(sentences[1].id) is None
    assert log.undo().label == ""
    assert log.current() == {}
    size = (tmp_path / "ana.csv").stat().st_size
    assert log.undo() is None
    assert (tmp_path / "ana.csv").stat().st_size == size


def test_undo_after_undo_and_new_label(tmp_path, sentences):
    """Test that a label made after an undo is undone back to the state before it."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    log.record(sentences[0], "opinion")
    log.undo()
    log.record(sentences[0], "unconfirmed")
    assert log.undo().label == "verified"
    assert log.undo().label == ""


def test_undo_works_after_reopening(tmp_path, sentences):
    """Test that the undo history is rebuilt from the rows when the log is opened again."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified", "first")
    log.record(sentences[1], "opinion")
    log.record(sentences[0], "unconfirmed", "second")
    log.undo()
    reopened = AnnotationLog(annotator="ana", folder=tmp_path)
    assert reopened.label_of(sentences[0].id) == "verified"
    assert reopened.undo().sentence_id == sentences[1].id
    event = reopened.undo()
    assert (event.sentence_id, event.label) == (sentences[0].id, "")
    assert reopened.undo() is None


# --- flags for discussion ------------------------------------------------------------------


def test_flag_keeps_the_current_label_and_note(tmp_path, sentences):
    """Test that flag() appends a 'flag' row carrying the sentence's current label and note."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified", "minutes, p. 4")
    event = log.flag(sentences[0])
    assert (event.action, event.label, event.note, event.flagged) == (
        "flag",
        "verified",
        "minutes, p. 4",
        True,
    )
    assert log.flagged() == {sentences[0].id}
    assert log.label_of(sentences[0].id) == "verified"
    frame = read_annotations(tmp_path)
    assert frame[["label", "note", "flagged"]].values.tolist() == [
        ["verified", "minutes, p. 4", True]
    ]


def test_flag_with_a_note_replaces_the_note_and_unflag_clears_the_flag(tmp_path, sentences):
    """Test that flag(note=...) sets the note and flag(flagged=False) appends an 'unflag'."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "opinion", "first")
    log.flag(sentences[0], note="ask the class: is this a prediction?")
    event = log.flag(sentences[0], flagged=False)
    assert (event.action, event.label, event.note, event.flagged) == (
        "unflag",
        "opinion",
        "ask the class: is this a prediction?",
        False,
    )
    assert log.flagged() == set()
    assert read_annotations(tmp_path)["flagged"].tolist() == [False]


def test_a_label_after_a_flag_keeps_the_sentence_flagged(tmp_path, sentences):
    """Test that relabelling a flagged sentence leaves its flag on, in memory and on disk."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.flag(sentences[1])
    assert log.record(sentences[1], "unconfirmed").flagged
    assert log.flagged() == {sentences[1].id}
    frame = read_annotations(tmp_path)
    assert frame[["label", "flagged"]].values.tolist() == [["unconfirmed", True]]


def test_flags_are_restored_on_reopen(tmp_path, sentences):
    """Test that a reopened log knows which sentences are flagged and which were unflagged."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    log.flag(sentences[0])
    log.flag(sentences[1])
    log.flag(sentences[2])
    log.flag(sentences[2], flagged=False)
    reopened = AnnotationLog(annotator="ana", folder=tmp_path)
    assert reopened.flagged() == {sentences[0].id, sentences[1].id}
    assert reopened.current()[sentences[0].id].flagged


def test_undo_reverts_a_flag_and_says_what_it_restored(tmp_path, sentences):
    """Test that undo() after flag() unflags, keeps label and note, and names the action."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified", "minutes, p. 4")
    log.flag(sentences[0], note="check the date")
    event = log.undo()
    assert (event.action, event.undone, event.label, event.note, event.flagged) == (
        "undo",
        "flag",
        "verified",
        "minutes, p. 4",
        False,
    )
    assert log.flagged() == set()
    frame = read_annotations(tmp_path)
    assert frame[["label", "note", "flagged"]].values.tolist() == [
        ["verified", "minutes, p. 4", False]
    ]
    event = log.undo()
    assert (event.undone, event.label, event.note) == ("label", "", "")


def test_undo_of_a_label_restores_label_note_and_keeps_the_flag(tmp_path, sentences):
    """Test that undoing a label made on a flagged sentence restores the old label and note."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified", "minutes")
    log.flag(sentences[0])
    log.record(sentences[0], "opinion", "on reflection")
    event = log.undo()
    assert (event.undone, event.label, event.note, event.flagged) == (
        "label",
        "verified",
        "minutes",
        True,
    )
    assert read_annotations(tmp_path)["flagged"].tolist() == [True]


def test_undo_of_an_unflag_after_reopening_flags_again(tmp_path, sentences):
    """Test that the undo stack holds flag events across a reopen, in the reader too."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    log.flag(sentences[0])
    log.flag(sentences[0], flagged=False)
    reopened = AnnotationLog(annotator="ana", folder=tmp_path)
    event = reopened.undo()
    assert (event.undone, event.flagged) == ("unflag", True)
    assert reopened.flagged() == {sentences[0].id}
    assert AnnotationLog(annotator="ana", folder=tmp_path).flagged() == {sentences[0].id}
    assert read_annotations(tmp_path)["flagged"].tolist() == [True]


def test_history_shows_flag_rows_and_validate_accepts_them(tmp_path, sentences):
    """Test that history=True lists flag/unflag/undo rows with their flag state, and validate
    finds no problem in them."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    log.flag(sentences[0])
    log.flag(sentences[1], note="no label yet")
    log.flag(sentences[0], flagged=False)
    log.undo()
    history = read_annotations(tmp_path, history=True)
    assert history[["action", "flagged"]].values.tolist() == [
        ["label", False],
        ["flag", True],
        ["flag", True],
        ["unflag", False],
        ["undo", True],
    ]
    assert validate_logs([tmp_path / "ana.csv"]) == []


def test_flags_of_two_annotators_in_one_file_stay_apart(tmp_path, sentences):
    """Test that one annotator's flag does not flag the sentence for another in a shared file."""
    path = tmp_path / "shared.csv"
    AnnotationLog(path, annotator="ana").flag(sentences[0])
    AnnotationLog(path, annotator="ben").record(sentences[0], "opinion")
    AnnotationLog(path, annotator="ana").record(sentences[0], "verified")
    frame = read_annotations(path)
    assert frame[["annotator", "flagged"]].values.tolist() == [["ana", True], ["ben", False]]
    assert AnnotationLog(path, annotator="ben").flagged() == set()


def test_reopening_restores_current_labels(tmp_path, sentences):
    """Test that a new AnnotationLog on an existing file resumes with the same labels."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    for s, label in zip(sentences, ["verified", "opinion", "unconfirmed", "opinion"], strict=True):
        log.record(s, label, note=f"note {s.index}")
    log.record(sentences[3], None)
    resumed = AnnotationLog(annotator="ana", folder=tmp_path)
    assert resumed.current() == log.current()
    assert set(resumed.current()) == {s.id for s in sentences[:3]}
    assert resumed.current()[sentences[1].id].sentence_index == 1


def test_other_annotators_in_a_shared_file_are_kept_apart(tmp_path, sentences):
    """Test that two annotators writing one file each see only their own labels and undo."""
    path = tmp_path / "shared.csv"
    ana = AnnotationLog(path, annotator="ana")
    ben = AnnotationLog(path, annotator="ben")
    ana.record(sentences[0], "verified")
    ben.record(sentences[0], "opinion")
    assert ana.undo().annotator == "ana"
    assert ben.label_of(sentences[0].id) == "opinion"
    assert AnnotationLog(path, annotator="ben").current().keys() == {sentences[0].id}
    assert AnnotationLog(path, annotator="ana").current() == {}


# --- names and paths -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("ana", "ana"),
        ("Ana Lima", "ana-lima"),
        ("../../etc/x", "etc-x-56da1a2e"),
        ("/etc/passwd", "etc-passwd-74acf318"),
        ("C:\\Users\\ana", "c-users-ana-f92e7f18"),
        ("Zoë", "zoë"),
        ("con", "con-"),
    ],
)
def test_annotator_names_never_leave_the_folder(tmp_path, sentences, name, stem):
    """Test that path-like names are sanitised to a file inside the annotations folder."""
    log = AnnotationLog(annotator=name, folder=tmp_path)
    log.record(sentences[0], "verified")
    assert log.path == (tmp_path / f"{stem}.csv").resolve()
    assert [p.name for p in tmp_path.glob("*.csv")] == [f"{stem}.csv"]
    assert read_annotations(tmp_path)["annotator"].tolist() == [name]


@pytest.mark.parametrize("name", ["", "   ", "..", "/", "ana\x00", "ana\nben"])
def test_unusable_annotator_names_raise(tmp_path, name):
    """Test that empty, dot-only or control-character names raise InputError."""
    with pytest.raises(InputError, match="Annotator name"):
        AnnotationLog(annotator=name, folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_symlink_out_of_the_folder_is_refused(tmp_path):
    """Test that a log file that is a symlink to outside the folder raises InputError."""
    folder = tmp_path / "annotations"
    folder.mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text("precious\n")
    (folder / "ana.csv").symlink_to(outside)
    with pytest.raises(InputError, match="outside the folder"):
        AnnotationLog(annotator="ana", folder=folder)
    assert outside.read_text() == "precious\n"


def test_case_variants_are_one_person_in_one_file(tmp_path, sentences):
    """Test that 'Ana' and 'ana' are one annotator: one file, labels restored under either
    spelling, and one annotator name (the first written) when read."""
    AnnotationLog(annotator="Ana", folder=tmp_path).record(sentences[0], "verified")
    again = AnnotationLog(annotator="ana", folder=tmp_path)
    assert again.current().keys() == {sentences[0].id}
    again.record(sentences[1], "opinion")
    assert again.undo().sentence_id == sentences[1].id
    assert again.undo().sentence_id == sentences[0].id  # the undo stack is one person's
    AnnotationLog(annotator="ANA", folder=tmp_path).record(sentences[2], "opinion")
    assert annotator_slug("Ana") == annotator_slug("ana") == "ana"
    assert [p.name for p in tmp_path.glob("*.csv")] == ["ana.csv"]
    history = read_annotations(tmp_path, history=True)
    assert set(history["annotator"]) == {"Ana"}
    assert read_annotations(tmp_path)["sentence_id"].tolist() == [sentences[2].id]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Ana", "ana"),
        ("Jos\u00e9", "Jose\u0301"),  # NFC and NFD
        ("Stra\u00dfe", "STRASSE"),
        ("  Ana   Lima ", "ana lima"),
    ],
)
def test_spellings_of_one_name_share_an_identity(tmp_path, sentences, first, second):
    """Test that spellings differing in case, normalisation or spacing are one annotator."""
    assert annotator_key(first) == annotator_key(second)
    assert annotator_slug(first) == annotator_slug(second)
    AnnotationLog(annotator=first, folder=tmp_path).record(sentences[0], "verified")
    log = AnnotationLog(annotator=second, folder=tmp_path)
    assert log.label_of(sentences[0].id) == "verified"
    log.record(sentences[1], "opinion")
    frame = read_annotations(tmp_path)
    assert frame["annotator"].tolist() == [first.strip(), first.strip()]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Ana Lima", "Ana-Lima"),
        ("O'Brien", "O Brien"),
        ("ben.", "ben"),
        ("x" * 80 + "a", "x" * 80 + "b"),
        ("ana", "ana?"),
    ],
)
def test_two_people_never_share_a_file(tmp_path, sentences, first, second):
    """Test that names with different identities always get different log files, even when
    their plain stems would collide."""
    assert annotator_key(first) != annotator_key(second)
    one = AnnotationLog(annotator=first, folder=tmp_path)
    two = AnnotationLog(annotator=second, folder=tmp_path)
    assert one.path != two.path
    one.record(sentences[0], "verified")
    two.record(sentences[0], "opinion")
    assert AnnotationLog(annotator=first, folder=tmp_path).label_of(sentences[0].id) == "verified"
    assert AnnotationLog(annotator=second, folder=tmp_path).label_of(sentences[0].id) == "opinion"
    assert len(set(read_annotations(tmp_path)["annotator"])) == 2


@pytest.mark.parametrize(
    ("name", "stem"),
    [("ana", "ana"), ("ben.k", "ben.k"), ("Ana Lima", "ana-lima"), ("Zo\u00eb", "zo\u00eb")],
)
def test_simple_names_keep_their_file_names(name, stem):
    """Test that names the stem spells exactly keep the file name earlier versions gave them."""
    assert annotator_slug(name) == stem


def test_a_log_from_before_hashed_names_still_opens(tmp_path, sentences):
    """Test that 'Ana-Lima', whose stem now has a hash, still resumes the ana-lima.csv an
    earlier version wrote for her, while 'Ana Lima' then gets a file of her own."""
    old = tmp_path / "ana-lima.csv"
    AnnotationLog(old, annotator="Ana-Lima").record(sentences[0], "verified")
    log = AnnotationLog(annotator="Ana-Lima", folder=tmp_path)
    assert log.path == old.resolve()
    assert log.label_of(sentences[0].id) == "verified"
    other = AnnotationLog(annotator="Ana Lima", folder=tmp_path)
    assert other.path != old.resolve() and other.current() == {}
    other.record(sentences[0], "opinion")
    assert read_annotations(old)["annotator"].tolist() == ["Ana-Lima"]


def test_unwritable_folder_raises_oserror(tmp_path, sentences):
    """Test that a folder path that is a file raises OSError, which the widget shows."""
    blocker = tmp_path / "annotations"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        AnnotationLog(annotator="ana", folder=blocker).record(sentences[0], "verified")
    assert blocker.read_text() == "not a folder"


# --- reading -------------------------------------------------------------------------------


def _two_annotators(tmp_path: Path) -> None:
    write_log(
        tmp_path / "ana.csv",
        [
            row(
                sentence_id="a1-0000",
                label="verified",
                timestamp="2026-11-24T10:00:00.000000+00:00",
            ),
            row(
                sentence_id="a1-0001",
                label="opinion",
                timestamp="2026-11-24T10:00:01.000000+00:00",
                index=1,
            ),
            row(
                sentence_id="a1-0000",
                label="unconfirmed",
                timestamp="2026-11-24T10:00:02.000000+00:00",
            ),
        ],
    )
    write_log(
        tmp_path / "ben.csv",
        [
            row(
                annotator="ben",
                sentence_id="a1-0001",
                label="opinion",
                index=1,
                timestamp="2026-11-24T09:00:00.000000+00:00",
            ),
            row(
                annotator="ben",
                sentence_id="a1-0001",
                label="",
                action="clear",
                index=1,
                timestamp="2026-11-24T09:30:00.000000+00:00",
            ),
            row(
                annotator="ben",
                sentence_id="a1-0000",
                label="verified",
                timestamp="2026-11-24T09:40:00.000000+00:00",
            ),
        ],
    )


def test_read_annotations_latest_event_wins_and_clears_are_dropped(tmp_path):
    """Test the current view: one row per annotator and sentence, cleared labels dropped."""
    _two_annotators(tmp_path)
    frame = read_annotations(tmp_path)
    got = list(zip(frame["annotator"], frame["sentence_id"], frame["label"], strict=True))
    assert got == [
        ("ana", "a1-0000", "unconfirmed"),
        ("ana", "a1-0001", "opinion"),
        ("ben", "a1-0000", "verified"),
    ]


def test_read_annotations_types(tmp_path):
    """Test the column dtypes: UTC datetime, int64 offsets, strings elsewhere."""
    _two_annotators(tmp_path)
    frame = read_annotations(tmp_path, history=True)
    assert str(frame["timestamp"].dtype) == "datetime64[us, UTC]"
    for name in ("sentence_index", "start", "end"):
        assert frame[name].dtype == "int64"
    for name in ("annotator", "label", "note", "text"):
        assert pd.api.types.is_string_dtype(frame[name])
    assert frame["timestamp"].is_monotonic_increasing
    assert len(frame) == 6


def test_read_annotations_accepts_path_folder_glob_and_list(tmp_path):
    """Test that a file, a folder, a glob and a list select the same logs."""
    _two_annotators(tmp_path)
    (tmp_path / "notes.txt").write_text("not a log")
    expected = read_annotations(tmp_path)
    for spec in (str(tmp_path / "*.csv"), [tmp_path / "ana.csv", tmp_path / "ben.csv"]):
        pd.testing.assert_frame_equal(read_annotations(spec), expected)
    assert set(read_annotations(tmp_path / "ana.csv")["annotator"]) == {"ana"}
    duplicated = [tmp_path / "ana.csv", tmp_path / "ana.csv"]
    assert len(read_annotations(duplicated, history=True)) == 3


def test_missing_inputs_raise_clear_errors(tmp_path):
    """Test that a missing path raises FileNotFoundError and an empty glob InputError."""
    with pytest.raises(FileNotFoundError, match="no such annotation log"):
        read_annotations(tmp_path / "nobody.csv")
    with pytest.raises(InputError, match="No annotation logs match"):
        read_annotations(str(tmp_path / "*.csv"))


def test_empty_folder_gives_empty_frame_with_columns(tmp_path):
    """Test that a folder without logs gives an empty, typed DataFrame."""
    frame = read_annotations(tmp_path)
    assert frame.empty
    assert list(frame.columns) == [*COLUMNS, "flagged"]
    assert frame["start"].dtype == "int64"
    assert frame["flagged"].dtype == "bool"


# --- malformed files: documented result, file untouched ------------------------------------


def _good_rows() -> list[tuple[object, ...]]:
    return [
        row(sentence_id="a1-0000", label="verified"),
        row(sentence_id="a1-0001", label="opinion", index=1, note="two\nlines, quoted"),
        row(sentence_id="a1-0002", label="unconfirmed", index=2),
    ]


def test_torn_last_line_is_skipped_with_warning(tmp_path):
    """Test that a last row without newline is skipped with file:line and the rest kept."""
    path = tmp_path / "ana.csv"
    data = write_log(path, _good_rows())
    torn = data + b"factcheck-log/2,2026-11-24T10:15:02.1"
    path.write_bytes(torn)
    with pytest.warns(InputWarning, match=r"ana\.csv, line 6: the last row is incomplete"):
        frame = read_annotations(path)
    assert frame["sentence_id"].tolist() == ["a1-0000", "a1-0001", "a1-0002"]
    assert path.read_bytes() == torn


def test_torn_file_reads_together_with_intact_files(tmp_path):
    """Test that a torn log (exact parser) and an intact log (fast parser) combine."""
    write_log(tmp_path / "ana.csv", _good_rows())
    torn = tmp_path / "ben.csv"
    rows = [row(annotator="ben", sentence_id="a1-0005", index=5, note="x\ny")]
    torn.write_bytes(write_log(torn, rows) + b"factcheck-log/2,2026")
    with pytest.warns(InputWarning, match=r"ben\.csv, line 4"):
        frame = read_annotations(tmp_path, history=True)
    assert sorted(frame["sentence_id"]) == ["a1-0000", "a1-0001", "a1-0002", "a1-0005"]
    assert frame["note"].tolist()[-1] == "x\ny"


def test_article_ids_never_become_paths(tmp_path):
    """Test that a path-like article id is only data: the one file written is the log."""
    log = AnnotationLog(annotator="ana", folder=tmp_path / "annotations")
    log.record(sentence("The ferry was late.", article_id="../../escape"), "verified")
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert written == ["annotations", "annotations/ana.csv", "annotations/ana.csv.lock"]
    assert read_annotations(log.path)["article_id"].tolist() == ["../../escape"]


def test_torn_last_line_inside_quoted_text_is_skipped(tmp_path):
    """Test that a row cut inside a quoted multi-line field is recognised as torn."""
    path = tmp_path / "ana.csv"
    data = write_log(path, _good_rows())
    torn = (
        data
        + b'factcheck-log/2,2026-11-24T10:15:02.123456+00:00,ana,a1,a1-0003,3,0,5,verified,"first line\n'
    )
    path.write_bytes(torn)
    with pytest.warns(InputWarning, match="incomplete"):
        frame = read_annotations(path)
    assert len(frame) == 3
    assert path.read_bytes() == torn


def test_short_last_line_with_newline_is_torn(tmp_path):
    """Test that a last line with too few fields (but a newline) is skipped as torn."""
    path = tmp_path / "ana.csv"
    data = write_log(path, _good_rows()) + b"factcheck-log/2,2026-11-24\n"
    path.write_bytes(data)
    with pytest.warns(InputWarning, match="line 6"):
        assert len(read_annotations(path)) == 3
    assert path.read_bytes() == data


def test_excel_bom_and_crlf_are_tolerated(tmp_path):
    """Test that a UTF-8 BOM and CRLF line ends (Excel's save) read the same as the original."""
    original = tmp_path / "original" / "ana.csv"
    original.parent.mkdir()
    data = write_log(original, _good_rows())
    excel = tmp_path / "excel" / "ana.csv"
    excel.parent.mkdir()
    excel_data = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    excel.write_bytes(excel_data)
    got = read_annotations(excel)
    want = read_annotations(original)
    # Line breaks inside quoted fields become CRLF too, exactly as Excel writes them.
    want["note"] = want["note"].str.replace("\n", "\r\n")
    pd.testing.assert_frame_equal(got, want)
    assert excel.read_bytes() == excel_data


def test_semicolon_delimited_file_is_reported(tmp_path):
    """Test that a semicolon-separated file raises LogFormatError saying so, file untouched."""
    path = tmp_path / "ana.csv"
    data = write_log(path, _good_rows())
    text = data.decode().replace(",", ";").encode()
    path.write_bytes(text)
    with pytest.raises(
        LogFormatError, match=r"ana\.csv, line 1: the columns are separated by semicolons"
    ):
        read_annotations(path)
    assert path.read_bytes() == text


def test_unknown_label_names_file_line_and_fix(tmp_path):
    """Test the message for an unknown label: file, line (counting multi-line rows), fix."""
    path = tmp_path / "ana.csv"
    rows = [*_good_rows(), row(sentence_id="a1-0003", label="verifed", index=3)]
    data = write_log(path, rows)
    expected = (
        f"{path}, line 6: unknown label 'verifed'. Known labels: verified, unconfirmed, "
        "opinion. Correct the row or add the label to the scheme."
    )
    with pytest.raises(LogFormatError, match=re.escape(expected)):
        read_annotations(path)
    assert path.read_bytes() == data


def test_missing_column_is_reported(tmp_path):
    """Test that a header without the note column raises LogFormatError naming it."""
    path = tmp_path / "ana.csv"
    header = HEADER.replace("note,", "")
    rows = [tuple(v for i, v in enumerate(r) if COLUMNS[i] != "note") for r in _good_rows()]
    data = write_log(path, rows, header=header)
    with pytest.raises(LogFormatError, match=r"line 1: missing column\(s\) note"):
        read_annotations(path)
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (row(timestamp="24/11/2026 10:15"), "bad timestamp '24/11/2026 10:15'"),
        (row(timestamp="2026-11-24T10:15:02"), "bad timestamp"),
        (row(start="x"), "start 'x' is not a whole number"),
        (row(start=9, end=3), "start 9 is after end 3"),
        (row(action="relabel"), "unknown action 'relabel'"),
        (row(label="", action="label"), "action 'label' with an empty label"),
        (row(label="opinion", action="clear"), "action 'clear' with label 'opinion'"),
        (row(annotator=""), "empty annotator"),
        (row(scheme="default"), "scheme 'default' is not a scheme id"),
        (row(scheme="class@2", label="Satire, maybe"), "label 'Satire, maybe' is not a label name"),
    ],
)
def test_malformed_rows_raise_with_line(tmp_path, bad, message):
    """Test that each kind of malformed row raises LogFormatError naming line 3."""
    path = tmp_path / "ana.csv"
    data = write_log(path, [row(), bad, row(sentence_id="a1-0009")])
    with pytest.raises(LogFormatError, match=re.escape(f"{path}, line 3: {message}")):
        read_annotations(path)
    assert path.read_bytes() == data


def test_row_with_extra_field_in_the_middle_raises(tmp_path):
    """Test that a wrong field count before the last line is an error, not a torn line."""
    path = tmp_path / "ana.csv"
    data = write_log(path, _good_rows())
    lines = data.split(b"\n")
    lines[1] = lines[1] + b",extra"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(LogFormatError, match="line 2: has 19 fields, expected 18"):
        read_annotations(path)


def test_empty_file_gives_empty_frame_and_warning(tmp_path):
    """Test that a 0-byte log warns naming the file and contributes no rows."""
    empty = tmp_path / "ben.csv"
    empty.write_bytes(b"")
    write_log(tmp_path / "ana.csv", _good_rows())
    with pytest.warns(InputWarning, match=r"ben\.csv: the file is empty"):
        frame = read_annotations(tmp_path)
    assert len(frame) == 3
    assert empty.read_bytes() == b""


def test_header_only_file_is_a_valid_empty_log(tmp_path):
    """Test that a log with just the header reads as no rows, without a warning."""
    path = tmp_path / "ana.csv"
    write_log(path, [])
    assert read_annotations(path).empty


def test_opening_a_malformed_log_raises_and_writes_nothing(tmp_path, sentences):
    """Test that AnnotationLog refuses to append to a log with a bad row, leaving it as is."""
    path = tmp_path / "ana.csv"
    data = write_log(path, [row(), row(label="verifed")])
    with pytest.raises(LogFormatError, match="line 3: unknown label 'verifed'"):
        AnnotationLog(annotator="ana", folder=tmp_path)
    assert path.read_bytes() == data


def test_torn_tail_is_set_aside_before_the_next_append(tmp_path, sentences):
    """Test that record() moves a torn last row to <log>.torn, then the log reads cleanly."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    path = tmp_path / "ana.csv"
    fragment = b'factcheck-log/2,2026-11-24T10:15:02.123456+00:00,ana,x,"half\nof a row'
    with open(path, "ab") as handle:
        handle.write(fragment)
    with pytest.warns(InputWarning, match=r"line 3: the last row was incomplete"):
        log.record(sentences[1], "opinion")
    assert (tmp_path / "ana.csv.torn").read_bytes() == fragment + b"\n"
    frame = read_annotations(path)
    assert frame["label"].tolist() == ["verified", "opinion"]


# --- validate ------------------------------------------------------------------------------


def test_validate_logs_collects_every_problem(tmp_path):
    """Test that validate_logs lists all problems as path:line: message without raising."""
    bad = tmp_path / "ana.csv"
    write_log(bad, [row(label="verifed"), row(), row(timestamp="yesterday")])
    good = tmp_path / "ben.csv"
    write_log(good, _good_rows())
    torn = tmp_path / "cy.csv"
    torn.write_bytes(write_log(torn, _good_rows()) + b"factcheck-log/2,20")
    problems = validate_logs([bad, good, torn])
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("ana.csv", 2),
        ("ana.csv", 4),
        ("cy.csv", 6),
    ]
    assert str(problems[0]) == (
        f"{bad}:2: unknown label 'verifed'. Known labels: verified, unconfirmed, opinion. "
        "Correct the row or add the label to the scheme."
    )
    assert validate_logs([good]) == []
    assert validate_logs([tmp_path / "nobody.csv"])[0].line == 0
    assert isinstance(problems[0], Problem)


def test_cli_validate_exit_codes(tmp_path, capsys):
    """Test that `factcheck validate` exits 0 for good logs and 1 listing problems."""
    good = tmp_path / "ana.csv"
    write_log(good, _good_rows())
    bad = tmp_path / "ben.csv"
    write_log(bad, [row(annotator="ben", label="verifed")])
    assert cli.main(["validate", str(good)]) == 0
    assert cli.main(["validate", str(good), str(bad)]) == 1
    assert f"{bad}:2: unknown label 'verifed'" in capsys.readouterr().out


def test_files_written_by_record_validate_clean(tmp_path, sentences):
    """Test that a log written by AnnotationLog passes validate_logs."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    for s in sentences:
        log.record(s, "opinion", note='He said, "no"\r\nthen left')
    log.undo()
    assert validate_logs([tmp_path / "ana.csv"]) == []
    assert os.path.exists(tmp_path / "ana.csv.lock")


def test_readme_documents_every_column_and_label():
    """Test that annotations/README.md has a data-dictionary row per column and default label."""
    readme = (Path(__file__).parents[1] / "annotations" / "README.md").read_text(encoding="utf-8")
    assert "`factcheck-log/2`" in readme and "`factcheck-log/1`" in readme
    for number, name in enumerate(COLUMNS, start=1):
        assert f"| {number} | `{name}` |" in readme
    for label in DEFAULT_SCHEME:
        assert f"| {label.key} | `{label.name}` | {label.definition} | {label.example} |" in readme


def test_default_folder_follows_factcheck_annotations_variable(tmp_path, monkeypatch):
    """Test that $FACTCHECK_ANNOTATIONS (set by `factcheck lab`) decides the default folder."""
    from factcheck.log import AnnotationLog

    monkeypatch.setenv("FACTCHECK_ANNOTATIONS", str(tmp_path / "shared"))
    assert AnnotationLog(annotator="Ana").path == (tmp_path / "shared" / "ana.csv").resolve()
    monkeypatch.delenv("FACTCHECK_ANNOTATIONS")
    monkeypatch.chdir(tmp_path)
    assert AnnotationLog(annotator="Ana").path == (tmp_path / "annotations" / "ana.csv").resolve()


def test_export_and_key_saved_in_the_logs_folder_are_skipped_with_a_warning(tmp_path):
    """Test that reading a folder skips an export/answer key saved there instead of failing."""
    import shutil

    from factcheck.exports import export_annotations
    from factcheck.log import read_annotations

    examples = Path(__file__).resolve().parent.parent / "annotations" / "examples"
    for name in ("ana.csv", "ben.csv"):
        shutil.copy(examples / name, tmp_path / name)
    export_annotations([str(tmp_path)], to="csv", out=str(tmp_path / "dataset.csv"))
    shutil.copy(examples / "classroom" / "key.csv", tmp_path / "key.csv")
    with pytest.warns(InputWarning, match=r"dataset\.csv: a factcheck export") as caught:
        df = read_annotations(tmp_path)
    assert len(caught) == 1  # the answer key is skipped silently: a class folder holds one
    assert set(df["annotator"]) == {"ana", "ben"}


def test_complete_last_row_without_newline_is_kept_and_appended_after(tmp_path, sentences):
    """Test that a whole last row an editor saved without its newline is read, not torn, and
    the next label goes on a new line after it."""
    from factcheck.log import AnnotationLog, read_annotations

    log = AnnotationLog(tmp_path / "ana.csv", annotator="ana")
    log.record(sentences[0], "opinion")
    log.record(sentences[1], "verified")
    path = tmp_path / "ana.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert list(read_annotations(path)["label"]) == ["opinion", "verified"]
    AnnotationLog(path, annotator="ana").record(sentences[2], "unconfirmed")
    assert list(read_annotations(path)["label"]) == ["opinion", "verified", "unconfirmed"]
    assert not (tmp_path / "ana.csv.torn").exists()


def test_row_cut_inside_its_text_is_still_torn(tmp_path, sentences):
    """Test that a row cut off inside the text (field count intact) is caught by end - start."""
    from factcheck.log import AnnotationLog, read_annotations

    log = AnnotationLog(tmp_path / "ana.csv", annotator="ana")
    log.record(sentences[0], "opinion")
    log.record(sentences[1], "verified")
    path = tmp_path / "ana.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\n")[:-3])
    with pytest.warns(InputWarning, match="incomplete"):
        assert list(read_annotations(path)["label"]) == ["opinion"]


# --- text that cannot be saved -------------------------------------------------------------


@pytest.mark.parametrize("field", ["text", "note", "source"])
def test_a_lone_surrogate_is_refused_naming_the_sentence_and_nothing_is_written(
    tmp_path, sentences, field
):
    """Test that a lone surrogate in text, note or source raises InputError, not
    UnicodeEncodeError, before anything reaches the file."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(sentences[0], "verified")
    before = (tmp_path / "ana.csv").read_bytes()
    bad = sentence("Monday \ud83d. It voted.") if field == "text" else sentences[1]
    kwargs = {"note": "see \ud83d"} if field == "note" else {}
    if field == "source":
        kwargs["source"] = "articles/\udcff.md"
    with pytest.raises(InputError, match=rf"its {field} contains a lone surrogate .*U\+FFFD"):
        log.record(bad, "opinion", **kwargs)
    with pytest.raises(InputError, match="lone surrogate"):
        log.flag(bad, **({"note": kwargs["note"]} if "note" in kwargs else kwargs))
    assert (tmp_path / "ana.csv").read_bytes() == before
    assert log.undo().label == ""  # the refused events are not on the undo stack


def test_a_lone_surrogate_in_an_annotator_name_is_refused(tmp_path):
    """Test that an annotator name with a lone surrogate raises InputError naming the problem."""
    with pytest.raises(InputError, match="lone surrogate"):
        AnnotationLog(annotator="ana\udc80", folder=tmp_path)


# --- files that are not logs ---------------------------------------------------------------


def test_a_header_that_is_not_utf8_is_a_log_format_error_naming_file_and_line(tmp_path):
    """Test that a log whose header is not UTF-8 raises LogFormatError (not UnicodeDecodeError),
    and that on_error='skip' reads the good files and warns about the bad one."""
    write_log(tmp_path / "ana.csv", _good_rows())
    bad = tmp_path / "ben.csv"
    bad.write_bytes(HEADER.replace("note", "n\xf6te").encode("latin-1") + b"x\n")
    with pytest.raises(LogFormatError, match=rf"{re.escape(str(bad))}, line 1: .*not valid UTF-8"):
        read_annotations(tmp_path)
    with pytest.warns(
        InputWarning, match=rf"{re.escape(str(bad))}, line 1: .*This file was skipped"
    ):
        frame = read_annotations(tmp_path, on_error="skip")
    assert len(frame) == len(_good_rows())
    assert [(Path(p.path).name, p.line) for p in validate_logs([tmp_path])] == [("ben.csv", 1)]


def test_on_error_skip_leaves_out_a_file_with_a_bad_row(tmp_path):
    """Test that on_error='skip' drops a file with an invalid row, keeping every good file."""
    write_log(tmp_path / "ana.csv", _good_rows())
    write_log(tmp_path / "ben.csv", [row(annotator="ben", label="verifed")])
    write_log(tmp_path / "cy.csv", [row(annotator="cy")])
    with pytest.warns(InputWarning, match=r"ben.csv, line 2: unknown label 'verifed'"):
        frame = read_annotations(tmp_path, on_error="skip")
    assert set(frame["annotator"]) == {"ana", "cy"}


def test_on_error_must_be_raise_or_skip(tmp_path):
    """Test that a mistyped on_error value is refused, not taken as 'raise'."""
    with pytest.raises(ValueError, match="on_error must be 'raise' or 'skip'"):
        read_annotations(tmp_path, on_error="ignore")


SPECIAL_FILES = r"""
import json, os, resource, sys, warnings
from factcheck.log import read_annotations, validate_logs

folder = sys.argv[1]
def rchar():
    with open("/proc/self/io") as f:
        return int(next(line for line in f if line.startswith("rchar")).split()[1])
def vm_size():
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith("VmSize")).split()[1]) * 1024
validate_logs([folder]); read_annotations([os.path.join(folder, "ana.csv")])  # warm up
limit = vm_size() + 150 * 2**20  # far less than the 200 MB sparse file
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
before = rchar()
problems = [[os.path.basename(p.path), p.line, p.message] for p in validate_logs([folder])]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    frame = read_annotations(folder, on_error="skip")
print(json.dumps({"problems": problems, "rows": len(frame), "read": rchar() - before,
                  "warnings": [str(w.message) for w in caught]}))
"""


def test_special_files_are_skipped_fast_in_bounded_memory(tmp_path):
    """Test that a FIFO, a symlink to /dev/zero, a 200 MB sparse file and a folder named like
    logs are reported by validate and skipped by read_annotations, never blocking, read past
    their first 64 KiB or held in memory (the child runs under RLIMIT_AS)."""
    write_log(tmp_path / "ana.csv", _good_rows())
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "folder.csv").mkdir()
    sparse = tmp_path / "sparse.csv"
    sparse.write_bytes(HEADER.encode())
    os.truncate(sparse, 200 * 2**20)  # the header, then 200 MB of NULs not on disk
    (tmp_path / "empty-sparse.csv").touch()
    os.truncate(tmp_path / "empty-sparse.csv", 200 * 2**20)
    output = subprocess.run(
        [sys.executable, "-c", SPECIAL_FILES, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    result = json.loads(output)
    found = {name: (line, message) for name, line, message in result["problems"]}
    assert set(found) == {"fifo.csv", "zero.csv", "folder.csv", "sparse.csv", "empty-sparse.csv"}
    assert found["fifo.csv"] == (
        0,
        "is a named pipe (FIFO), not a regular file, so it was not read. Remove it or move it "
        "out of the folder.",
    )
    assert found["zero.csv"][1].startswith("is a device, not a regular file")
    assert found["folder.csv"][1].startswith("is a folder, not a regular file")
    assert found["sparse.csv"][0] == 2 and "run of NUL bytes" in found["sparse.csv"][1]
    assert "NUL bytes (from byte 0)" in found["empty-sparse.csv"][1]
    assert result["rows"] == len(_good_rows())
    assert len(result["warnings"]) == 5
    assert all(w.endswith("This file was skipped.") for w in result["warnings"])
    assert result["read"] < 2 * 2**20  # bytes read by both calls, all files together


def test_a_log_ending_in_zeros_is_refused_before_it_is_read(tmp_path):
    """Test that a log whose end is a run of NUL bytes (a crash on some file systems) is
    refused naming the offset, while a NUL typed in a sentence is kept."""
    path = tmp_path / "ana.csv"
    data = write_log(path, [row(text="A NUL \x00 in the text.")])
    assert read_annotations(path)["text"].tolist() == ["A NUL \x00 in the text."]
    with open(path, "ab") as handle:
        handle.write(b"x" * 70_000 + b"\x00" * 4096)
    with pytest.raises(
        LogFormatError, match=rf"ana.csv: has a run of NUL bytes from byte {len(data) + 70_000:,}"
    ):
        read_annotations(path)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    """Test that a log larger than MAX_LOG_BYTES is refused with its size and what to do."""
    from factcheck import log as log_module

    path = tmp_path / "ana.csv"
    write_log(path, _good_rows())
    monkeypatch.setattr(log_module, "MAX_LOG_BYTES", 100)
    with pytest.raises(LogFormatError, match=r"ana.csv: is \d+ bytes, over the 100-byte limit"):
        read_annotations(path)


def test_an_annotation_log_on_a_fifo_is_refused_without_blocking(tmp_path, sentences):
    """Test that opening or writing a log whose path is a FIFO raises instead of hanging."""
    os.mkfifo(tmp_path / "ana.csv")
    with pytest.raises(LogFormatError, match="named pipe"):
        AnnotationLog(annotator="ana", folder=tmp_path)


def test_cli_validate_reports_a_folder_named_like_a_log(tmp_path, capsys):
    """Test that `factcheck validate` exits 1 naming a folder called x.csv, not 'OK'."""
    write_log(tmp_path / "ana.csv", _good_rows())
    (tmp_path / "x.csv").mkdir()
    for target in (tmp_path, tmp_path / "x.csv"):
        assert cli.main(["validate", str(target)]) == 1
        out = capsys.readouterr().out
        assert f"{tmp_path / 'x.csv'}:0: is a folder, not a regular file" in out


def test_a_stray_quote_inside_an_unquoted_field_is_read_and_kept_by_the_writer(tmp_path):
    """Test that a quote in the middle of an unquoted field (a hand edit) neither makes the
    reader drop the last row as torn nor makes the next append set valid rows aside."""
    path = tmp_path / "ana.csv"
    data = write_log(path, [row(sentence_id="a1-0000"), row(sentence_id="a1-0001", note="")])
    at = data.rindex(b",articles/riverside.md,")  # in the last row only: an odd count of "
    data = data[:at] + b',articles/river"side.md,' + data[at + len(b",articles/riverside.md,") :]
    path.write_bytes(data)
    assert read_annotations(path)["sentence_id"].tolist() == ["a1-0000", "a1-0001"]
    log = AnnotationLog(path, annotator="ana")
    log.record(sentence("New row.", index=5), "opinion")
    assert path.read_bytes().startswith(data)
    assert not Path(f"{path}.torn").exists()
    assert len(read_annotations(path)) == 3


def test_a_last_row_torn_inside_its_quoted_text_is_skipped_despite_an_even_quote_count(tmp_path):
    """Test that a row cut inside its quoted text is reported as torn even when a stray quote
    elsewhere makes the number of quotes even (the fast parser would take it as whole)."""
    path = tmp_path / "ana.csv"
    data = write_log(path, [row(sentence_id="a1-0000", note="")])
    data = data.replace(b",articles/riverside.md,", b',articles/river"side.md,')
    torn = format_row(row(sentence_id="a1-0001", text='He said, "it is done."')).encode()
    data += torn[: torn.index(b"it is")]  # cut inside the quoted text, then a newline
    path.write_bytes(data + b"\n")
    assert data.count(b'"') % 2 == 0
    with pytest.warns(InputWarning, match="line 3: the last row is incomplete"):
        frame = read_annotations(path)
    assert frame["sentence_id"].tolist() == ["a1-0000"]


def test_log_path_finds_an_old_plain_stem_log_but_never_through_a_link_out(tmp_path):
    """Test that log_path gives a hashed name's old plain-stem log when it is theirs alone,
    and refuses to follow a plain-stem symbolic link out of the folder."""
    folder = tmp_path / "logs"
    outside = tmp_path / "elsewhere.csv"
    AnnotationLog(outside, annotator="Ben K.").record(sentence("One."), "verified")
    folder.mkdir()
    (folder / "ben-k.csv").symlink_to(outside)
    assert log_path("Ben K.", folder).name == "ben-k-30fd1380.csv"
    (folder / "ben-k.csv").unlink()
    outside.rename(folder / "ben-k.csv")
    assert log_path("Ben K.", folder) == (folder / "ben-k.csv").resolve()
    assert AnnotationLog(annotator="Ben K", folder=folder).path.name == "ben-k-cc04ddcb.csv"


def test_log_path_and_annotation_log_agree_when_a_plain_stem_holds_someone_else(tmp_path):
    """Test that log_path gives 'Ben K' the hashed file, as AnnotationLog does, while the
    plain-stem ben-k.csv holds only 'Ben K.' rows (a 0.1 log), before and after he labels."""
    folder = tmp_path / "logs"
    folder.mkdir()
    AnnotationLog(folder / "ben-k.csv", annotator="Ben K.").record(sentence("One."), "verified")
    assert log_path("Ben K", folder).name == "ben-k-cc04ddcb.csv"
    log = AnnotationLog(annotator="Ben K", folder=folder)
    assert log.path == log_path("Ben K", folder)
    log.record(sentence("Two."), "opinion")
    assert log_path("Ben K", folder) == log.path
    assert log_path("ben k", folder) == log.path  # one person, one file
    assert read_annotations(folder / "ben-k.csv")["annotator"].tolist() == ["Ben K."]
    assert read_annotations(log.path)["annotator"].tolist() == ["Ben K"]
    (folder / "ana.csv").write_text("")  # an empty plain file is still hers
    assert log_path("ana", folder).name == "ana.csv"


@settings(derandomize=True, deadline=None, max_examples=40, database=None)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["label", "clear", "flag", "unflag", "undo"]),
            st.integers(0, 2),
            st.sampled_from(["ana", "Ana", "ben"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_flag_state_read_back_matches_the_logs_own_replay(steps):
    """Test that read_annotations' flagged column equals AnnotationLog.flagged() (in memory
    and after reopening) for any sequence of labels, clears, flags, unflags and undos."""
    import tempfile

    texts = ["One, first.", 'Two "quoted".', "Three\nlines."]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shared.csv"
        logs = {name: AnnotationLog(path, annotator=name) for name in ("ana", "ben")}
        for action, index, name in steps:
            log = logs[annotator_key(name)]
            target = sentence(texts[index], index=index)
            if action == "label":
                log.record(target, "opinion")
            elif action == "clear":
                log.record(target, None)
            elif action in ("flag", "unflag"):
                log.flag(target, action == "flag")
            else:
                log.undo()
        if not path.exists():
            return  # only undos with nothing to undo: nothing written
        history = read_annotations(path, history=True)
        last = history.drop_duplicates(["annotator", "sentence_id"], keep="last")
        for name, log in logs.items():
            mine = last[last["annotator"].map(annotator_key) == name]
            assert set(mine.loc[mine["flagged"], "sentence_id"]) == log.flagged()
            assert AnnotationLog(path, annotator=name).flagged() == log.flagged()
