"""Parallel ingestion: the same rows as the loaders, in input order, for any number of jobs."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import factcheck
from factcheck.errors import InputError
from factcheck.ingest import (
    SENTENCE_COLUMNS,
    Task,
    _ordered,
    iter_sentence_rows,
    sentence_rows,
    sentences_on_dask,
    write_sentence_rows,
)

SENTENCES = [
    "The council approved the budget on Monday, officials said.",
    '"We will not accept these cuts," said Ana Ruiz, who chairs the residents\' group.',
    "Critics called the plan a betrayal of the town's history.",
    "Prices rose 4.5% in 2025.The mayor blamed energy costs.",
]


def make_inputs(folder: Path, rows: int = 150) -> Path:
    """A folder with a CSV corpus (one furniture-only row), a JSONL corpus and two files."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["id,title,text,source"]
    for i in range(rows):
        body = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3))
        lines.append(f'c{i},Story {i},"{body.replace(chr(34), chr(34) * 2)}",outlet-{i % 3}')
    lines.append("empty,Only furniture,Advertisement,outlet-0")
    (folder / "corpus.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    jsonl = [
        json.dumps({"id": f"j{i}", "title": f"J {i}", "text": SENTENCES[i % 3]}) for i in range(9)
    ]
    (folder / "more.jsonl").write_text("\n".join(jsonl) + "\n", encoding="utf-8")
    (folder / "a-story.txt").write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    (folder / "b-story.md").write_text("# A headline\n\n" + " ".join(SENTENCES), encoding="utf-8")
    return folder


def csv_bytes(specs, jobs: int) -> bytes:
    out = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_sentence_rows(iter_sentence_rows(specs, jobs=jobs), out, "csv")
    return out.getvalue().encode()


def test_output_is_byte_identical_for_one_and_two_jobs(tmp_path):
    """Test that --jobs 1 and --jobs 2 write the same bytes, rows in input order."""
    folder = make_inputs(tmp_path / "in")
    one, two = csv_bytes([folder], 1), csv_bytes([folder], 2)
    assert one == two
    assert one.count(b"\n") > 150 * 3


def test_rows_are_the_loaders_own_sentences(tmp_path):
    """Test that ingest gives exactly what load_articles + Article.sentences give."""
    folder = make_inputs(tmp_path / "in", rows=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [row for a in factcheck.load_articles(folder) for row in sentence_rows(a)]
        got = list(iter_sentence_rows([folder], jobs=2))
    assert got == expected


def test_warnings_from_workers_reach_the_caller_once_in_order(tmp_path):
    """Test that a skipped corpus row's warning, raised in a worker, is re-issued."""
    folder = make_inputs(tmp_path / "in", rows=5)
    with pytest.warns(factcheck.InputWarning, match=r"corpus\.csv, line 7: article 'empty'"):
        list(iter_sentence_rows([folder], jobs=2))


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    """Test that an id used twice is an error naming the file and line of each use."""
    folder = make_inputs(tmp_path / "in", rows=3)
    (folder / "c1.txt").write_text("A second article with a clashing id.\n", encoding="utf-8")
    clash = r"article id 'c1' is already used by .*corpus\.csv"
    with pytest.raises(InputError, match=clash), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        list(iter_sentence_rows([folder / "corpus.csv", folder / "c1.txt"], jobs=2))


def test_only_a_few_tasks_per_job_are_in_flight(tmp_path):
    """Test the bounded window: before the first result, at most jobs x 4 tasks are read
    from the task stream, so memory does not grow with the corpus."""
    (tmp_path / "a.txt").write_text("One sentence here.\n", encoding="utf-8")
    pulled = 0

    def tasks():
        nonlocal pulled
        for _ in range(1000):
            pulled += 1
            yield Task(str(tmp_path / "a.txt"))

    results = _ordered(tasks(), jobs=2)
    next(results)
    assert pulled <= 2 * 4 + 1
    results.close()


def test_parquet_and_jsonl_hold_the_same_rows_as_csv(tmp_path):
    """Test that the three formats carry identical rows and column names."""
    folder = make_inputs(tmp_path / "in", rows=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = list(iter_sentence_rows([folder], jobs=1))
    write_sentence_rows(rows, tmp_path / "s.parquet", "parquet", batch=7)
    with open(tmp_path / "s.jsonl", "w", encoding="utf-8") as handle:
        write_sentence_rows(rows, handle, "jsonl")
    parquet = pd.read_parquet(tmp_path / "s.parquet")
    jsonl = pd.read_json(tmp_path / "s.jsonl", lines=True, dtype=False)
    assert list(parquet.columns) == list(SENTENCE_COLUMNS) == list(jsonl.columns)
    assert [tuple(r) for r in parquet.itertuples(index=False)] == rows
    assert parquet["text"].tolist() == jsonl["text"].tolist()


def test_cli_jobs_writes_parquet_and_refuses_parquet_on_stdout(tmp_path):
    """Test `factcheck sentences --jobs 2 --format parquet -o` and its stdout error."""
    folder = make_inputs(tmp_path / "in", rows=10)
    out = tmp_path / "s.parquet"
    run = [sys.executable, "-m", "factcheck", "sentences", str(folder), "-q", "--jobs", "2"]
    ok = subprocess.run([*run, "--format", "parquet", "-o", str(out)], capture_output=True)
    assert ok.returncode == 0, ok.stderr
    written = pd.read_parquet(out)
    assert len(written) > 30
    # Not a terminal, so no progress bar: after the skipped article's warning, one line
    # says what was written, and where.
    articles = written["article_id"].nunique()
    assert ok.stderr.decode().splitlines()[-1] == (
        f"wrote {len(written)} sentences of {articles} articles to {out}"
    )
    bad = subprocess.run([*run, "--format", "parquet"], capture_output=True, text=True)
    assert bad.returncode == 2 and "pass -o sentences.parquet" in bad.stderr


@pytest.fixture(scope="module")
def dask_cluster():
    """A real Dask LocalCluster of two worker processes on 127.0.0.1, closed afterwards."""
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.mark.slow
def test_dask_writes_the_same_rows_as_a_local_run(tmp_path, dask_cluster):
    """Test that a LocalCluster of two worker processes writes Parquet parts whose rows, in
    part order, are exactly the local rows; running again replaces the parts."""
    folder = make_inputs(tmp_path / "in", rows=60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = list(iter_sentence_rows([folder], jobs=1))
    summary = sentences_on_dask([folder], tmp_path / "out", dask_cluster, partitions=3)
    assert len(dask_cluster.scheduler_info()["workers"]) == 2
    parts = sorted((tmp_path / "out").glob("part-*.parquet"))
    assert [p.name for p in parts] == sorted(summary["files"]) and len(parts) >= 3
    rows = [tuple(r) for p in parts for r in pd.read_parquet(p).itertuples(index=False)]
    assert rows == local and summary["rows"] == len(local)
    assert any("'empty'" in w for w in summary["warnings"])
    again = sentences_on_dask([folder], tmp_path / "out", dask_cluster.scheduler.address)
    assert sorted(p.name for p in (tmp_path / "out").glob("part-*.parquet")) == sorted(
        again["files"]
    )


def test_unreachable_dask_scheduler_is_one_clear_error(tmp_path):
    """Test that a scheduler nobody listens on gives exit 2 naming it, and writes nothing."""
    pytest.importorskip("dask.distributed")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = make_inputs(tmp_path / "in", rows=2)
    result = subprocess.run(
        [sys.executable, "-m", "factcheck", "sentences", str(folder), "--dask",
         f"tcp://127.0.0.1:{port}", "-o", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"Cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stderr
    assert not (tmp_path / "out").exists()
