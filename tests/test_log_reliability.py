"""Reliability of the annotation log under crashes, concurrent writers and a full disk.

Real processes, real files: a writer killed with SIGKILL, 8 writers on one file, and a file
size limit (RLIMIT_FSIZE) standing in for a full disk.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

from factcheck.errors import InputWarning
from factcheck.log import HEADER, AnnotationLog, read_annotations, validate_logs
from tests._log_helpers import sentence
from tests._log_writer import LABELS, text_for

WRITER = Path(__file__).with_name("_log_writer.py")


def _read_tolerating_torn(path: Path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return read_annotations(path, **kwargs)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_acknowledged_label_survives_sigkill(tmp_path, seed):
    """Test that labels acknowledged before a SIGKILL are all read back from a loadable file."""
    path = tmp_path / "ana.csv"
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), "ana", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged = []
    try:
        acknowledged.append(child.stdout.readline())  # wait until it is writing
        deadline = time.monotonic() + random.Random(seed).uniform(0.05, 0.6)
        while time.monotonic() < deadline:
            acknowledged.append(child.stdout.readline())
        child.send_signal(signal.SIGKILL)
        acknowledged.extend(child.stdout.readlines())
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    acks = [line.split() for line in acknowledged if line.endswith("\n")]
    assert len(acks) > 1
    current = _read_tolerating_torn(path)
    labels = dict(zip(current["sentence_id"], current["label"], strict=True))
    for _, sentence_id, label in acks:
        assert labels[sentence_id] == label
    problems = validate_logs([path])
    assert all("incomplete" in p.message for p in problems)


@pytest.mark.slow
def test_eight_processes_append_to_one_file_without_losing_rows(tmp_path):
    """Test that 8 concurrent writers x 1,000 labels give 8,000 intact, uninterleaved rows."""
    path = tmp_path / "shared.csv"
    barrier = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(path), f"writer-{n}", "1000", str(barrier)],
            stdout=subprocess.DEVNULL,
        )
        for n in range(8)
    ]
    time.sleep(0.5)
    barrier.touch()
    assert [w.wait(timeout=240) for w in writers] == [0] * 8
    data = path.read_text(encoding="utf-8")
    assert data.count("\n") == 8001
    assert data.count("schema,timestamp") == 1
    events = read_annotations(path, history=True)
    assert len(events) == 8000
    assert not events.duplicated(["annotator", "sentence_id"]).any()
    for annotator, group in events.groupby("annotator"):
        indices = group["sentence_index"].tolist()
        assert sorted(indices) == list(range(1000))
        assert group["text"].tolist() == [text_for(annotator, i) for i in indices]
    assert validate_logs([path]) == []


DISK_FULL = textwrap.dedent(
    """
    import json, os, resource, signal, sys
    from factcheck.log import AnnotationLog
    from factcheck.sentences import Sentence

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    path = sys.argv[1]
    text = "The ferry carried 1,200 people a day, the operator said."
    sentences = [Sentence(f"ferry-{i}", i, 0, len(text), text, article_id="ferry")
                 for i in range(3)]
    log = AnnotationLog(path, annotator="ana")
    log.record(sentences[0], "verified")
    before = open(path, "rb").read()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 40, hard))  # row fits partly
    try:
        log.record(sentences[1], "opinion")
        error = None
    except OSError as exc:
        error = type(exc).__name__ + ": " + str(exc)
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    after_error = open(path, "rb").read()
    log.record(sentences[2], "unconfirmed")
    print(json.dumps({"error": error, "unchanged": after_error == before,
                      "label_1": log.label_of("ferry-1"), "label_2": log.label_of("ferry-2")}))
    """
)


def test_disk_full_raises_oserror_and_leaves_no_partial_row(tmp_path):
    """Test that a write cut short (file size limit) raises OSError and is rolled back."""
    path = tmp_path / "ana.csv"
    output = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output)
    assert result["error"] is not None and "OSError" in result["error"]
    assert result["unchanged"] is True
    assert result["label_1"] is None
    assert result["label_2"] == "unconfirmed"
    frame = read_annotations(path)
    assert frame["sentence_id"].tolist() == ["ferry-0", "ferry-2"]
    assert validate_logs([path]) == []


def test_log_reopened_after_crash_keeps_appending(tmp_path):
    """Test that a log torn by a crash can be reopened (with a warning) and labelled further."""
    path = tmp_path / "ana.csv"
    subprocess.run(
        [sys.executable, str(WRITER), str(path), "ana", "5"], check=True, stdout=subprocess.DEVNULL
    )
    with open(path, "ab") as handle:
        handle.write(b"factcheck-log/2,2026-11-24T10:15")
    with pytest.warns(InputWarning, match="incomplete"):
        log = AnnotationLog(path, annotator="ana")
    assert len(log.current()) == 5
    text = text_for("ana", 5)
    from factcheck.sentences import Sentence

    with pytest.warns(InputWarning, match="moved its"):
        log.record(Sentence("ferry-000005", 5, 0, len(text), text, article_id="ferry"), "opinion")
    assert len(read_annotations(path)) == 6


NOTES = ('p. 4, "approved"', "a\nb", '"no,\r\nnot yet"', "")


def _cut_point_log(path: Path) -> tuple[bytes, list[int]]:
    """A log whose notes and texts hold quotes, commas and line breaks; returns its bytes and
    the byte offset where each complete record (header first) ends."""
    log = AnnotationLog(path, annotator="ana")
    ends = [len(HEADER.encode())]
    for index, note in enumerate(NOTES):
        text = f'R{index}, "q"\nz.'
        log.record(sentence(text, index=index), LABELS[index % 3], note)
        ends.append(path.stat().st_size)
    return path.read_bytes(), ends


def _label_after_cut(path: Path, log: AnnotationLog | None) -> AnnotationLog:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        log = log or AnnotationLog(path, annotator="ana")
        log.record(sentence("New, after.", index=99), "opinion", 'n"1\n2')
    return log


@pytest.mark.slow
@pytest.mark.parametrize("reopen", [True, False], ids=["new-process", "open-before-crash"])
def test_every_cut_point_keeps_the_next_label_and_sets_the_torn_bytes_aside(tmp_path, reopen):
    """Test that after cutting a log at any byte, the next record() is read back, with every
    earlier complete row, and the torn bytes are moved to <log>.torn, not lost."""
    data, ends = _cut_point_log(tmp_path / "full.csv")
    path = tmp_path / "ana.csv"
    torn = Path(f"{path}.torn")
    for cut in range(len(data) + 1):
        path.write_bytes(data)
        torn.unlink(missing_ok=True)
        stale = None if reopen else AnnotationLog(path, annotator="ana")
        path.write_bytes(data[:cut])
        _label_after_cut(path, stale)
        history = _read_tolerating_torn(path, history=True)
        complete = sum(end <= cut for end in ends[1:])
        whole = cut + 1 in ends[1:]  # cut just before a row's final newline: the row is whole
        expected = [sentence("x", index=i).id for i in range(complete + whole)] + ["a1-0099"]
        assert history["sentence_id"].tolist() == expected, f"cut at byte {cut}"
        assert history["note"].tolist()[:-1] == list(NOTES[: complete + whole])
        assert history["note"].iloc[-1] == 'n"1\n2'
        boundary = max([0, *[end for end in ends if end <= cut]])
        if cut > boundary and cut + 1 not in ends:  # not whole (a row, or the header)
            assert torn.read_bytes() == data[boundary:cut] + b"\n", f"cut at byte {cut}"
        else:
            assert not torn.exists(), f"cut at byte {cut}"


def test_decisions_files_are_read_as_carefully_as_label_logs(tmp_path):
    """Test that a decisions file over the size limit or full of NUL bytes is refused
    unread, naming the file, and reopening or reading it changes nothing."""
    from factcheck.adjudication import DecisionLog, read_decisions
    from factcheck.errors import LogFormatError
    from factcheck.log import MAX_LOG_BYTES

    folder = tmp_path / "adjudications"
    log = DecisionLog("lee", folder)
    log.decide("a1-0000", "opinion", reason="other")
    huge = folder / "kim.csv"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_LOG_BYTES + 1)  # sparse: no disk used, NULs when read
    with pytest.raises(LogFormatError, match=r"kim\.csv: is [\d,]+ bytes, over the"):
        read_decisions(folder)
    with pytest.raises(LogFormatError, match=r"kim\.csv: is [\d,]+ bytes, over the"):
        DecisionLog("kim", folder)
    zeros = folder / "kim.csv"
    zeros.write_bytes(b"\x00" * 4096)
    with pytest.raises(LogFormatError, match=r"kim\.csv, line 1: contains a run of NUL bytes"):
        read_decisions(folder)
    assert zeros.read_bytes() == b"\x00" * 4096
    assert read_decisions(log.path)["label"].tolist() == ["opinion"]
