"""Tests for the decisions log (factcheck.adjudication): durable, undoable, resumable, conflicts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings

import pytest

from factcheck.adjudication import (
    ANNOTATOR_SLIP,
    COLUMNS,
    GENUINELY_AMBIGUOUS,
    GUIDELINE_GAP,
    HEADER,
    OTHER,
    REASONS,
    SCHEMA_ID,
    DecisionLog,
    conflicts,
    read_decisions,
)
from factcheck.errors import InputError, InputWarning, LogFormatError, SchemeError
from factcheck.log import csv_records


def rows_of(path):
    """The data rows of a decisions file as dicts."""
    records = csv_records(path.read_text(encoding="utf-8"))
    assert tuple(records[0][1]) == COLUMNS
    return [dict(zip(COLUMNS, fields, strict=True)) for _, fields in records[1:]]


def test_decide_writes_one_complete_row_per_decision(tmp_path):
    """Test that each decision is one complete row on disk when decide returns, note included."""
    log = DecisionLog("lee", tmp_path / "adjudications")
    comment = 'Attribution: "X said Y",\nsee rule 1'
    log.decide("a1-0000", "opinion", reason=GUIDELINE_GAP, comment=comment, article_id="a1")
    log.decide("a1-0001", "verified", reason=ANNOTATOR_SLIP)
    assert log.path == (tmp_path / "adjudications" / "lee.csv").resolve()
    rows = rows_of(log.path)
    assert [r["sentence_id"] for r in rows] == ["a1-0000", "a1-0001"]
    assert rows[0]["comment"] == comment and rows[0]["schema"] == SCHEMA_ID
    assert rows[0]["action"] == "decide" and rows[0]["scheme"] == "default@1"
    assert log.path.read_text(encoding="utf-8").startswith(HEADER)


def test_reasons_are_the_four_categories():
    """Test that the reason categories are exactly the four of the adjudication taxonomy."""
    assert REASONS == ("annotator slip", "guideline gap", "genuinely ambiguous", "other")


def test_leaving_a_sentence_unresolved_is_a_decision(tmp_path):
    """Test that label None records an 'unresolved' decision with its reason and comment."""
    log = DecisionLog("lee", tmp_path)
    log.decide("a1-0000", None, reason=GENUINELY_AMBIGUOUS, comment="both readings hold")
    table = read_decisions(tmp_path)
    assert table[["sentence_id", "label", "reason"]].values.tolist() == [
        ["a1-0000", "", GENUINELY_AMBIGUOUS]
    ]
    assert set(log.current()) == {"a1-0000"}


def test_unknown_reason_or_label_is_refused_and_nothing_written(tmp_path):
    """Test that a bad reason or label raises a clear error and writes no row."""
    log = DecisionLog("lee", tmp_path)
    with pytest.raises(InputError, match=r"Unknown reason 'typo'.*annotator slip"):
        log.decide("a1-0000", "opinion", reason="typo")
    with pytest.raises(SchemeError, match=r"Unknown label 'verifed'.*None to leave"):
        log.decide("a1-0000", "verifed", reason=OTHER)
    assert not log.path.exists()


def test_undo_restores_the_previous_decision_then_no_decision(tmp_path):
    """Test that undo steps back through decisions and leaves no decision at the end."""
    log = DecisionLog("lee", tmp_path)
    log.decide("a1-0000", "opinion", reason=GUIDELINE_GAP, comment="first")
    log.decide("a1-0000", "verified", reason=ANNOTATOR_SLIP, comment="second")
    undo = log.undo()
    assert (undo.action, undo.label, undo.comment) == ("undo", "opinion", "first")
    assert read_decisions(tmp_path)["label"].tolist() == ["opinion"]
    log.undo()
    assert log.current() == {}
    assert read_decisions(tmp_path).empty
    assert log.undo() is None
    assert [r["action"] for r in rows_of(log.path)] == ["decide", "decide", "undo", "undo"]


def test_reopening_restores_decisions_and_undo_history(tmp_path):
    """Test that a new DecisionLog on the same folder resumes: current decisions and undo."""
    first = DecisionLog("lee", tmp_path)
    first.decide("a1-0000", "opinion", reason=GUIDELINE_GAP)
    first.decide("a1-0001", "verified", reason=ANNOTATOR_SLIP)
    first.decide("a1-0001", "unconfirmed", reason=OTHER)
    first.undo()
    again = DecisionLog("Lee", tmp_path)  # one person however the name is typed
    assert again.path == first.path
    assert {sid: d.label for sid, d in again.current().items()} == {
        "a1-0000": "opinion",
        "a1-0001": "verified",
    }
    again.undo()
    again.undo()
    assert again.current() == {}
    assert read_decisions(tmp_path).empty


def test_two_adjudicators_who_differ_are_a_conflict_and_nothing_is_overwritten(tmp_path):
    """Test that differing decisions are kept in both files and reported as a conflict."""
    DecisionLog("lee", tmp_path).decide("a1-0000", "opinion", reason=GUIDELINE_GAP)
    DecisionLog("kim", tmp_path).decide("a1-0000", "verified", reason=ANNOTATOR_SLIP)
    DecisionLog("kim", tmp_path).decide("a1-0001", "verified", reason=ANNOTATOR_SLIP)
    DecisionLog("lee", tmp_path).decide("a1-0001", "verified", reason=OTHER)
    table = read_decisions(tmp_path)
    assert len(table) == 4
    found = conflicts(table)
    assert found[["sentence_id", "adjudicators", "conflict"]].values.tolist() == [
        ["a1-0000", 2, "kim: verified; lee: opinion"]
    ]
    assert conflicts(tmp_path).equals(found)


def test_one_adjudicator_changing_their_mind_is_no_conflict(tmp_path):
    """Test that an adjudicator's later decision replaces their own earlier one only."""
    log = DecisionLog("lee", tmp_path)
    log.decide("a1-0000", "opinion", reason=GUIDELINE_GAP)
    log.decide("a1-0000", "verified", reason=ANNOTATOR_SLIP)
    assert read_decisions(tmp_path)["label"].tolist() == ["verified"]
    assert conflicts(tmp_path).empty


def test_torn_last_row_is_set_aside_before_the_next_decision(tmp_path):
    """Test that a row cut off by a crash goes to <file>.torn and the next row is whole."""
    log = DecisionLog("lee", tmp_path)
    log.decide("a1-0000", "opinion", reason=GUIDELINE_GAP)
    good = log.path.read_bytes()
    torn = f'{SCHEMA_ID},2026-11-24T10:15:02+00:00,lee,,a1-0001,verified,other,"half a comm'
    with log.path.open("ab") as handle:
        handle.write(torn.encode())
    with pytest.warns(InputWarning, match=r"lee\.csv, line 3: .*incomplete.*lee\.csv\.torn"):
        DecisionLog("lee", tmp_path).decide("a1-0002", "verified", reason=OTHER)
    assert log.path.read_bytes().startswith(good)
    assert torn in (tmp_path / "lee.csv.torn").read_text(encoding="utf-8")
    assert read_decisions(tmp_path)["sentence_id"].tolist() == ["a1-0000", "a1-0002"]


def test_reading_skips_a_torn_last_row_with_a_warning(tmp_path):
    """Test that read_decisions keeps every complete row and warns about a torn tail."""
    log = DecisionLog("lee", tmp_path)
    log.decide("a1-0000", "opinion", reason=GUIDELINE_GAP)
    with log.path.open("ab") as handle:
        handle.write(f"{SCHEMA_ID},2026-11-24T10:15:02+00:00,lee,,a1-0001,ver".encode())
    before = log.path.read_bytes()
    with pytest.warns(InputWarning, match=r"lee\.csv, line 3: the last row is incomplete"):
        table = read_decisions(tmp_path)
    assert table["sentence_id"].tolist() == ["a1-0000"]
    assert log.path.read_bytes() == before  # reading never repairs


def test_a_file_that_is_not_a_decisions_log_names_file_and_line(tmp_path):
    """Test that a foreign CSV in the adjudications folder is reported with file and line."""
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(LogFormatError, match=r"notes\.csv, line 1: not a decisions log"):
        read_decisions(tmp_path)
    bad = tmp_path / "notes.csv"
    bad.write_text(HEADER + f"{SCHEMA_ID},yesterday,lee,,s,opinion,other,,default@1,,decide\n")
    with pytest.raises(LogFormatError, match=r"notes\.csv, line 2: bad timestamp 'yesterday'"):
        read_decisions(tmp_path)


def test_missing_adjudications_folder_is_reported(tmp_path):
    """Test that a mistyped adjudications path raises FileNotFoundError naming it."""
    with pytest.raises(FileNotFoundError, match="adjudications folder"):
        read_decisions(tmp_path / "nope")


def test_two_processes_deciding_at_once_leave_only_complete_rows(tmp_path):
    """Test that concurrent adjudicator processes on one file interleave whole rows only."""
    script = textwrap.dedent(
        f"""
        import sys
        from factcheck.adjudication import DecisionLog, OTHER
        log = DecisionLog("lee", {str(tmp_path)!r})
        for i in range(40):
            log.decide(f"{{sys.argv[1]}}-{{i:04d}}", "opinion", reason=OTHER, comment="x," * 50)
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, name]) for name in ("p", "q")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    rows = rows_of(tmp_path / "lee.csv")
    assert len(rows) == 80 and all(r["comment"] == "x," * 50 for r in rows)
    assert len(read_decisions(tmp_path)) == 80


def test_a_comment_that_cannot_be_saved_is_refused_before_writing(tmp_path):
    """Test that a lone surrogate in a comment raises InputError and writes nothing."""
    log = DecisionLog("lee", tmp_path)
    with pytest.raises(InputError, match="lone surrogate"):
        log.decide("a1-0000", "opinion", reason=OTHER, comment="broken \ud83d")
    assert not log.path.exists() and log.current() == {}


DECIDING_CHILD = r"""
import os, sys
from factcheck.adjudication import DecisionLog, OTHER

log = DecisionLog("lee", sys.argv[1])
for index in range(3):
    log.decide(f"a1-{index:04d}", "opinion", reason=OTHER, comment="see rule 1")
    os.write(1, f"RETURNED-{index}\n".encode())
"""


def test_every_decision_is_fsynced_after_its_write_and_before_decide_returns(tmp_path):
    """Test under strace that decide() writes the row, fsyncs that fd, and only then returns."""
    import re

    from tests.test_log_fsync import SYSCALL, _strace

    trace = tmp_path / "trace.txt"
    subprocess.run(
        [_strace(), "-f", "-qq", "-s", "200", "-e",
         "trace=openat,open,write,pwrite64,fsync,fdatasync", "-o", str(trace),
         sys.executable, "-c", DECIDING_CHILD, str(tmp_path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    path = str((tmp_path / "lee.csv").resolve())
    fds: set[str] = set()
    pending = synced = False
    returned = 0
    for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
        match = SYSCALL.match(line)
        if not match:
            continue
        name, rest = match.groups()
        if name in ("openat", "open") and f'"{path}"' in rest:
            fds.add(rest.rsplit("=", 1)[-1].strip().split()[0])
        fd = re.match(r"\s*(\w*)", rest).group(1)
        if name in ("write", "pwrite64") and fd in fds and SCHEMA_ID in rest:
            pending, synced = True, False
        elif name in ("fsync", "fdatasync") and fd in fds and pending:
            synced = True
        elif name == "write" and fd == "1" and "RETURNED-" in rest:
            assert pending and synced, "decide() returned before its row was written and fsynced"
            returned += 1
            pending = synced = False
    assert fds and returned == 3


def test_a_long_comment_is_saved_and_read_back(tmp_path):
    """Test that a comment longer than the csv module's default field limit reads back."""
    comment = "A long note, with commas. " * 8000  # ~200 KB
    DecisionLog("lee", tmp_path).decide("a1-0000", "opinion", reason=OTHER, comment=comment)
    assert read_decisions(tmp_path)["comment"].tolist() == [comment]
    assert DecisionLog("lee", tmp_path).current()["a1-0000"].comment == comment


def test_corrupted_decisions_files_give_rows_or_factchecks_own_error(tmp_path):
    """Test that 120 derandomised corruptions of a decisions file are read or reported with
    factcheck's own error, and that deciding again never loses a complete row."""
    import contextlib
    import random

    from factcheck.errors import FactcheckError

    source = tmp_path / "source"
    log = DecisionLog("lee", source)
    for i in range(4):
        log.decide(f"a1-{i:04d}", "opinion", reason=GUIDELINE_GAP, comment=f'note {i}, "q"\nx')
    good = log.path.read_bytes()
    # Where each complete record ends: a newline outside quotes.
    ends = [i + 1 for i, b in enumerate(good) if b == 10 and good[:i].count(b'"') % 2 == 0]
    rng = random.Random(20261201)
    for case in range(120):
        data = bytearray(good)
        kind = case % 4
        at = rng.randrange(len(data))
        if kind == 0:
            data = data[:at]  # a crash mid-write
        elif kind == 1:
            data[at] = rng.choice(b'",\n\r\xff\x00')
        elif kind == 2:
            data[at:at] = rng.choice([b'"', b"\n", b",", b"\xc3"])
        else:
            del data[at : at + rng.randrange(1, 40)]
        folder = tmp_path / f"case{case}"
        folder.mkdir()
        (folder / "lee.csv").write_bytes(bytes(data))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)
            with contextlib.suppress(FactcheckError):
                read_decisions(folder)
            if kind == 0:  # a torn tail: the complete rows before it survive a new decision
                whole = [e for e in ends if e <= len(data)]
                before = good[: whole[-1]] if whole else b""
                try:
                    DecisionLog("lee", folder).decide("a1-0009", "verified", reason=OTHER)
                except FactcheckError:
                    continue
                assert (folder / "lee.csv").read_bytes().startswith(before)
