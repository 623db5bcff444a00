"""Tests that read_annotations gives the same table however its files are batched.

``read_annotations`` validates files in batches of about ``BATCH_ROWS`` rows and, for current
labels, keeps only each batch's latest event per (annotator, sentence), so memory does not
grow with the number of events. Batches of one row each must give exactly the one-batch
result: the same latest labels, name spellings, flag states and order.
"""

from __future__ import annotations

import itertools
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import factcheck.log
from factcheck.errors import InputWarning
from factcheck.log import read_annotations
from tests._log_helpers import row, write_log

ACTION_LABELS = {
    "label": ["verified", "opinion"],
    "clear": [""],
    "flag": ["", "verified"],
    "unflag": ["", "opinion"],
    "undo": ["", "verified"],
}

events = st.lists(
    st.tuples(
        st.integers(0, 2),  # file
        st.sampled_from(["ana", "Ana", "ben", "BEN"]),  # one person, two spellings
        st.integers(0, 2),  # sentence
        st.sampled_from(sorted(ACTION_LABELS)),
        st.integers(0, 1),  # which label
        st.integers(0, 4),  # second: ties are common
    ),
    min_size=1,
    max_size=30,
)


def write_files(folder: Path, rows: dict[int, list[tuple[object, ...]]]) -> list[Path]:
    """One log per file number, ``log-<n>.csv``, with its rows (possibly none)."""
    paths = []
    for file, file_rows in rows.items():
        path = folder / f"log-{file}.csv"
        write_log(path, file_rows)
        paths.append(path)
    return paths


def read_both(paths: list[Path], **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """read_annotations in one batch and in batches of one row."""
    whole = read_annotations(paths, **options)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(factcheck.log, "BATCH_ROWS", 1)
        batched = read_annotations(paths, **options)
    return whole, batched


@settings(derandomize=True, deadline=None, max_examples=60, database=None)
@given(steps=events)
def test_batches_of_one_row_read_the_same_table_as_one_batch(steps):
    """Test that reading in batches of one row gives the same current labels and history
    (names, flags, order, timestamps) as one batch, for any events over three files."""
    with tempfile.TemporaryDirectory() as tmp:
        rows: dict[int, list[tuple[object, ...]]] = {0: [], 1: [], 2: []}
        for file, name, index, action, which, second in steps:
            labels = ACTION_LABELS[action]
            rows[file].append(
                row(
                    annotator=name,
                    sentence_id=f"a1-{index:04d}",
                    label=labels[which % len(labels)],
                    action=action,
                    timestamp=f"2026-11-24T10:15:0{second}.000000+00:00",
                    index=index,
                )
            )
        paths = write_files(Path(tmp), rows)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)  # a file with no rows
            for history in (False, True):
                whole, batched = read_both(paths, history=history)
                pd.testing.assert_frame_equal(
                    whole.reset_index(drop=True), batched.reset_index(drop=True)
                )
        assert len(whole) == len(steps)


def test_a_bad_file_between_batches_is_named_and_left_out(tmp_path):
    """Test that with batches of one row a file with a bad row is still reported with its
    line, and skipping it reads the same labels as reading the good files alone."""
    good_a, bad, good_b = (tmp_path / f"{name}.csv" for name in ("a", "b", "c"))
    write_log(good_a, [row(annotator="ana"), row(annotator="ana", sentence_id="a1-0001")])
    write_log(bad, [row(annotator="ben"), row(annotator="ben", label="true-ish")])
    write_log(good_b, [row(annotator="Ana", label="opinion", timestamp="2026-11-25T09:00:00Z")])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(factcheck.log, "BATCH_ROWS", 1)
        with pytest.raises(factcheck.log.LogFormatError, match=r"b\.csv, line 3: unknown label"):
            read_annotations(tmp_path)
        with pytest.warns(InputWarning, match=r"b\.csv, line 3"):
            skipped = read_annotations(tmp_path, on_error="skip")
        alone = read_annotations([good_a, good_b])
    pd.testing.assert_frame_equal(skipped, alone)
    assert skipped["annotator"].tolist() == ["ana", "ana"]  # the first spelling, across batches
    assert skipped["label"].tolist() == ["opinion", "verified"]


@settings(derandomize=True, deadline=None, max_examples=200, database=None)
@given(
    stamps=st.lists(
        st.builds(
            "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}{}".format,
            st.integers(1900, 2300),
            st.integers(1, 13),
            st.integers(1, 31),
            st.integers(0, 24),
            st.integers(0, 59),
            st.integers(0, 60),
            st.sampled_from(["", ".1", ".123456", ".1234567", ".999999999"]),
            st.sampled_from(["Z", "+00:00", "-05:30", "+14:00", ""]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_timestamps_parse_as_pandas_parses_them(stamps):
    """Test that the log's timestamp parser (Arrow where it can) gives what pandas' ISO 8601
    parser gives for any timestamps, malformed or out of range ones as NaT."""
    column = pd.Series(stamps, dtype="str")
    good = column.str.fullmatch(factcheck.log._TIMESTAMP)
    expected = pd.to_datetime(
        column.where(good, ""), format="ISO8601", utc=True, errors="coerce"
    ).astype("datetime64[us, UTC]")
    pd.testing.assert_series_equal(factcheck.log._coerce_timestamps(column), expected)


def read_checked_in_threads(paths: list[Path], batch_rows: int = 0, **options) -> pd.DataFrame:
    """read_annotations with every file checked in its parse thread (each file then cut to
    its current labels there when it has one annotator, no flags and is in time order),
    in batches of ``batch_rows`` rows (0: the usual size)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(factcheck.log, "CHECK_IN_THREAD_ROWS", 1)
        if batch_rows:
            patch.setattr(factcheck.log, "BATCH_ROWS", batch_rows)
        return read_annotations(paths, **options)


one_person_files = st.lists(
    st.tuples(
        st.integers(0, 2),  # file, and its one annotator (two of them may share a person)
        st.integers(0, 5),  # sentence
        st.sampled_from(["label", "label", "clear", "undo", "flag"]),
        st.integers(0, 1),  # which label
        st.integers(0, 1),  # seconds forward: ties are common, backward never
    ),
    min_size=1,
    max_size=40,
)


@settings(derandomize=True, deadline=None, max_examples=80, database=None)
@given(
    steps=one_person_files, names=st.sampled_from([("chloe", "ana", "ben"), ("ben", "ana", "Ana")])
)
def test_files_checked_in_their_threads_read_the_same_table(steps, names):
    """Test that checking each file in its parse thread, and cutting each one-person file to
    its current labels there, gives exactly the table of checking the files together, in
    one batch or in batches of one row, for files of one annotator each (two spellings of
    one person in two files included: those files are read again, not cut)."""
    with tempfile.TemporaryDirectory() as tmp:
        rows: dict[int, list[tuple[object, ...]]] = {0: [], 1: [], 2: []}
        seconds = {0: 0, 1: 0, 2: 0}
        for file, index, action, which, forward in steps:
            labels = ACTION_LABELS[action]
            seconds[file] += forward
            rows[file].append(
                row(
                    annotator=names[file],
                    sentence_id=f"a{index % 2}-{index:04d}",
                    label=labels[which % len(labels)],
                    action=action,
                    timestamp=f"2026-11-24T10:15:{seconds[file]:02d}.000000+00:00",
                    index=index,
                )
            )
        paths = write_files(Path(tmp), rows)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)  # a file with no rows
            for history, batch_rows in itertools.product((False, True), (0, 1)):
                together = read_annotations(paths, history=history)
                threaded = read_checked_in_threads(paths, batch_rows, history=history)
                pd.testing.assert_frame_equal(together, threaded, check_exact=True)


def test_a_person_also_in_a_shared_file_is_read_from_both(tmp_path):
    """Test that a one-person file cut in its thread is read again whole when its person is
    also in a file shared with someone else: ana's clear in her own file, after her label
    in the shared file, still wins (a cut file has lost its clears), and a skipped file is
    warned of once, not once per read."""
    own, shared, bad = tmp_path / "ana.csv", tmp_path / "shared.csv", tmp_path / "zz.csv"
    write_log(
        own,
        [
            row(annotator="ana", timestamp="2026-11-24T10:00:00.000000+00:00"),
            row(annotator="ana", sentence_id="a1-0001", timestamp="2026-11-24T10:00:01Z"),
            row(annotator="ana", label="", action="clear", timestamp="2026-11-24T10:00:03Z"),
        ],
    )
    write_log(
        shared,
        [
            row(annotator="ben", timestamp="2026-11-24T10:00:02Z"),
            row(annotator="Ana", label="opinion", timestamp="2026-11-24T10:00:02Z"),
        ],
    )
    write_log(bad, [row(annotator="chloe", label="true-ish")])
    with pytest.warns(InputWarning) as caught:
        threaded = read_checked_in_threads([own, shared, bad], on_error="skip")
    assert [str(w.message).count("zz.csv") for w in caught] == [1]
    assert list(zip(threaded["annotator"], threaded["sentence_id"], strict=True)) == [
        ("ana", "a1-0001"),
        ("ben", "a1-0000"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        pd.testing.assert_frame_equal(
            threaded, read_annotations([own, shared, bad], on_error="skip"), check_exact=True
        )


WRITTEN = "2026-11-24T10:15:02.123456+00:00"


@settings(derandomize=True, deadline=None, max_examples=400, database=None)
@given(
    stamps=st.lists(
        st.text(alphabet="0123456789-T:.+Z x٢", min_size=30, max_size=33) | st.just(WRITTEN),
        min_size=1,
        max_size=5,
    ),
    skip=st.integers(0, 2),
)
def test_the_timestamp_shape_check_agrees_with_the_pattern(stamps, skip):
    """Test that the fast check of 32-byte timestamps (a numpy matrix of their bytes) accepts
    exactly what the timestamp pattern accepts, in sliced and several-chunk columns."""
    sliced = pa.chunked_array([pa.array(["pad"] * skip + stamps, pa.large_string())]).slice(skip)
    chunks = pa.chunked_array([pa.array(stamps[:1]), pa.array(stamps[1:], pa.string())])
    for column in (sliced, chunks):
        expected = pc.all(pc.match_substring_regex(column, factcheck.log._TIMESTAMP_RE)).as_py()
        assert factcheck.log._well_formed_timestamps(column) is bool(expected)


@settings(derandomize=True, deadline=None, max_examples=100, database=None)
@given(
    data=st.binary(max_size=300).map(lambda b: b.replace(b"\x00", b'"')), window=st.integers(1, 64)
)
def test_quotes_counted_a_window_at_a_time_are_all_the_quotes(data, window):
    """Test that counting double quotes a window at a time counts every one of them, in
    an Arrow buffer or bytes, whatever the window (the parity decides if a log is torn)."""
    for source in (data, pa.py_buffer(data)):
        assert factcheck.log._quote_count(source, window) == data.count(b'"')


@settings(derandomize=True, deadline=None, max_examples=60, database=None)
@given(
    sizes=st.lists(st.integers(0, 6), min_size=1, max_size=5),
    picks=st.lists(st.integers(0, 10_000), max_size=12, unique=True),
    shuffle=st.booleans(),
)
def test_rows_taken_chunk_by_chunk_are_the_rows_asked_for(sizes, picks, shuffle):
    """Test that taking rows filtered chunk by chunk gives Arrow's take, in the order asked
    (table order or not), from a table of several chunks (empty ones included)."""
    chunks = []
    first = 0
    for size in sizes:
        values = [f"row {first + i}" for i in range(size)]
        chunks.append(pa.table({"text": pa.array(values, pa.large_string())}))
        first += size
    table = pa.concat_tables(chunks)
    if not table.num_rows:
        return
    rows = sorted(
        {pick % table.num_rows for pick in picks}, key=lambda r: -r * 7 % 11 if shuffle else r
    )
    rows = np.array(rows)
    taken = factcheck.log._take_rows(table, rows.astype(np.int64))
    assert taken.equals(table.combine_chunks().take(pa.array(rows, pa.int64())))


def test_a_read_buffer_reused_for_a_smaller_file_holds_only_that_file(tmp_path):
    """Test that a parse thread's read buffer, reused from a bigger file, gives exactly the
    smaller file's bytes, and that a table parsed from it keeps its values when the buffer
    is overwritten by the next read (the table holds copies)."""
    big, small = tmp_path / "big.csv", tmp_path / "small.csv"
    write_log(big, [row(annotator="ana", sentence_id=f"a1-{i:04d}") for i in range(40)])
    write_log(small, [row(annotator="ben", text="A shorter sentence.")])
    scratch = threading.local()
    first = factcheck.log._read_log_buffer(big, scratch)
    table = factcheck.log._read_fast_table(first)
    expected = table.to_pylist()
    second = factcheck.log._read_log_buffer(small, scratch)
    assert second.to_pybytes() == small.read_bytes()
    assert second.address == first.address  # the same memory, reused
    assert table.to_pylist() == expected
    assert factcheck.log._read_log_buffer(big, scratch).to_pybytes() == big.read_bytes()
