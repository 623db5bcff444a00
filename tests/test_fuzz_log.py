"""Fuzzing the log reader and writer with a fixed budget (derandomized hypothesis).

Inputs are random bytes and random corruptions of a valid log: cuts, inserted quotes, NULs,
BOMs, CRLF, other delimiters, huge fields. Properties: reading raises nothing but
factcheck's own errors (and warns with InputWarning); reading never modifies a file; and
when a corrupted log can be opened, the next ``record()`` is read back. Every input in
``tests/regressions/log/`` is replayed with the same checks, so a case found once stays
fixed.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.errors import FactcheckError, InputWarning
from factcheck.evidence import evidence_to_json, make_evidence
from factcheck.log import (
    HEADER,
    HEADER_V1,
    AnnotationLog,
    format_row,
    read_annotations,
    validate_logs,
)
from tests._log_helpers import row, sentence, write_log

REGRESSIONS = Path(__file__).parent / "regressions" / "log"
FUZZ = settings(
    derandomize=True,
    deadline=None,
    max_examples=60,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NEW = sentence("A label given after the damage, with a comma.", index=900, id="fuzz-0900")
NEWER = sentence("A verdict with evidence after the damage.", index=901, id="fuzz-0901")
EVIDENCE = make_evidence(
    "https://harwick.example/a?b=1,2", quote='"so", he said', accessed="2026-11-02"
)
EVIDENCE_JSON = (
    '[{"url":"https://harwick.example/m","quote":"4.2, \\"approved\\"",'
    '"source_type":"official-record","accessed":"2026-11-24","archived_url":""}]'
)


def _valid_log(v1: bool = False) -> bytes:
    """A small valid log (/2 with evidence, or /1) whose fields hold quotes, commas and
    line breaks."""
    extra = {} if v1 else {"evidence": EVIDENCE_JSON, "claim": "Harwick approved it,\nsaid X."}
    rows = [
        row(sentence_id="a1-0000", note='minutes, p. 4 "approved"', v1=v1, **extra),
        row(sentence_id="a1-0001", label="opinion", note="line one\nline two", v1=v1),
        row(sentence_id="a1-0002", label="unconfirmed", text='He said, "it is done."', v1=v1),
        row(sentence_id="a1-0001", label="", action="clear", v1=v1),
    ]
    header = HEADER_V1 if v1 else HEADER
    return (header + "".join(format_row(r) for r in rows)).encode("utf-8")


VALID = _valid_log()
VALID_V1 = _valid_log(v1=True)


def _corrupt(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    """Apply (kind, position, size) edits; positions wrap around the data."""
    for kind, position, size in edits:
        at = position % (len(data) + 1)
        if kind == "cut":
            data = data[:at]
        elif kind == "quote":
            data = data[:at] + b'"' + data[at:]
        elif kind == "nul":
            data = data[:at] + b"\x00" * size + data[at:]
        elif kind == "bom":
            data = b"\xef\xbb\xbf" + data
        elif kind == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif kind == "semicolons":
            data = data.replace(b",", b";")
        elif kind == "tabs":
            data = data[:at] + data[at:].replace(b",", b"\t", size)
        elif kind == "huge":
            data = data[:at] + b"x" * (size * 10_000) + data[at:]
        elif kind == "newline":
            data = data[:at] + b"\n" + data[at:]
        elif kind == "latin1":
            data = data[:at] + b"\xe9" + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + size :]
    return data


EDITS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "cut",
                "quote",
                "nul",
                "bom",
                "crlf",
                "semicolons",
                "tabs",
                "huge",
                "newline",
                "latin1",
                "delete",
            ]
        ),
        st.integers(0, 2000),
        st.integers(1, 600),
    ),
    min_size=1,
    max_size=3,
)


def _read_quietly(call, *args, **kwargs):
    """Call a reader; factcheck's errors are fine (returned), anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        try:
            return call(*args, **kwargs)
        except FactcheckError as exc:
            return exc


def check_log_bytes(folder: Path, data: bytes) -> None:
    """Every property the fuzz tests assert, for one input file."""
    path = folder / "ana.csv"
    for leftover in folder.iterdir():
        leftover.unlink()
    path.write_bytes(data)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    _read_quietly(read_annotations, path)
    _read_quietly(read_annotations, folder, history=True, on_error="skip")
    problems = _read_quietly(validate_logs, [path])
    assert isinstance(problems, list)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before, "reading changed the file"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        try:
            log = AnnotationLog(path, annotator="ana")
        except FactcheckError:
            return  # a damaged log is refused with a clear error, nothing written
        assert path.read_bytes() == before[0], "opening changed the file"
        log.record(NEW, "opinion", note='after, "the damage"\nline 2')
        log.record(NEWER, "verified", evidence=[EVIDENCE], justification='a, "b"\nc')
        frame = read_annotations(log.paths(), history=True)
    new = frame[frame["sentence_id"] == NEW.id]
    assert new["label"].tolist() == ["opinion"], f"the new label was lost in {data!r}"
    assert new["note"].tolist() == ['after, "the damage"\nline 2']
    newer = frame[frame["sentence_id"] == NEWER.id]
    assert newer["evidence"].tolist() == [evidence_to_json([EVIDENCE])], repr(data)
    assert newer["justification"].tolist() == ['a, "b"\nc']


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    return folder


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_raise_only_factcheck_errors(folder, data):
    """Test that arbitrary bytes never crash the reader and are never modified by it."""
    check_log_bytes(folder, data)


@FUZZ
@given(header=st.booleans(), v1=st.booleans(), data=st.binary(max_size=300))
def test_random_rows_after_a_valid_header_raise_only_factcheck_errors(folder, header, v1, data):
    """Test that a valid (/2 or /1) header followed by garbage is reported, not a crash."""
    base = VALID_V1 if v1 else VALID
    start = base[: base.index(b"\n") + 1] if header else base[:200]
    check_log_bytes(folder, start + data)


@pytest.mark.slow
@settings(FUZZ, max_examples=150)
@given(edits=EDITS, v1=st.booleans())
def test_corrupted_logs_are_reported_and_the_next_label_is_kept(folder, edits, v1):
    """Test that a valid /2 or /1 log after random corruption reads without crashing, stays
    as it was, and if it can be opened, keeps the next label and the next evidence."""
    check_log_bytes(folder, _corrupt(VALID_V1 if v1 else VALID, edits))


def _regressions() -> list[Path]:
    return sorted(REGRESSIONS.glob("*.csv"))


@pytest.mark.parametrize("case", _regressions(), ids=lambda p: p.name)
def test_regression_corpus_keeps_passing(folder, case):
    """Test that every input saved in tests/regressions/log/ still meets every property."""
    check_log_bytes(folder, case.read_bytes())


def test_the_regression_corpus_is_not_empty():
    """Test that the corpus replayed above exists (a wrong path would skip every case)."""
    assert len(_regressions()) >= 5


def test_a_valid_log_passes_the_checks(folder):
    """Test that the base log of the corruptions is itself valid."""
    path = folder / "base.csv"
    path.write_bytes(VALID)
    assert validate_logs([path]) == []
    (folder / "base-v1.csv").write_bytes(VALID_V1)
    assert validate_logs([folder / "base-v1.csv"]) == []
    (folder / "base-v1.csv").unlink()
    write_log(folder / "other.csv", [row(annotator="ben")])
    assert len(read_annotations(folder)) == 3
