"""Corpus ingestion at scale: every sentence of many files or corpus rows, in parallel.

The work is cut into tasks (one article file, or a batch of corpus rows); each task runs the
loaders' own route (``_located_articles`` / ``article_from_row``, then ``Article.sentences``),
so the rows are exactly what ``load_articles`` and the widget see. ``iter_sentence_rows``
runs tasks in worker processes with a bounded window of tasks in flight, and yields results
in input order, so the output is byte-identical whatever the number of jobs and memory
does not grow with the corpus. ``sentences_on_dask`` maps the same task function over a
``dask.bag`` and writes one Parquet file per partition.
"""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from .articles import (
    CORPUS_SUFFIXES,
    MAX_FILE_BYTES,
    Article,
    _located_articles,
    article_files,
    article_from_row,
)
from .corpus import CorpusRow, read_corpus
from .errors import InputError, InputWarning
from .language import normalise_language

SENTENCE_COLUMNS = (
    "article_id",
    "language",
    "sentence_id",
    "index",
    "paragraph",
    "start",
    "end",
    "source_start",
    "source_end",
    "text",
)
FORMATS = ("csv", "jsonl", "parquet")
ROWS_PER_TASK = 64
TASKS_IN_FLIGHT_PER_JOB = 4

SentenceRow = tuple[str, str, str, int, int, int, int, int, int, str]


@dataclass(frozen=True)
class Task:
    """One unit of work: a whole article file, some rows of a corpus, or a slice of one.

    ``rows`` carries corpus rows read by the parent (local processes); ``first``/``stop``
    name a slice of the corpus for a worker to read itself (Dask, where shipping the text
    through the scheduler would not scale). ``language``: the ISO 639-1 code given for every
    article (``--language``), or empty to take each article's own or detect it.
    """

    path: str
    rows: tuple[CorpusRow, ...] = ()
    first: int = -1
    stop: int = -1
    language: str = ""


@dataclass(frozen=True)
class TaskResult:
    """What a task produced: the sentence rows, which article came from where, warnings."""

    rows: list[SentenceRow]
    articles: list[tuple[str, str]]
    warnings: list[str]


def sentence_rows(article: Article) -> list[SentenceRow]:
    """One row per sentence of ``article``, in ``SENTENCE_COLUMNS`` order."""
    return [
        (
            article.id,
            article.language,
            s.id,
            s.index,
            s.paragraph,
            s.start,
            s.end,
            int(s.source_start),
            int(s.source_end),
            s.text,
        )
        for s in article.sentences
    ]


def _corpus_rows(path: Path) -> Iterator[CorpusRow]:
    """A corpus's rows, streamed: memory does not grow with the corpus."""
    return read_corpus(path)


def _task_articles(task: Task) -> Iterator[tuple[Article, str]]:
    path = Path(task.path)
    if task.rows or task.first >= 0:
        rows: Iterable[CorpusRow] = task.rows
        if task.first >= 0:
            rows = (r for i, r in enumerate(_corpus_rows(path)) if task.first <= i < task.stop)
        for row in rows:
            article = article_from_row(row, path, language=task.language or None)
            if article is not None:
                yield article, f"{path}, line {row.line}"
    else:
        yield from _located_articles(path, MAX_FILE_BYTES, task.language or None)


def _with_language(tasks: Iterable[Task], language: str | None) -> Iterator[Task]:
    """The tasks, each giving ``language`` to its articles (checked once, here)."""
    code = normalise_language(language, where="--language") if language else ""
    return (replace(task, language=code) for task in tasks) if code else iter(tasks)


def run_task(task: Task) -> TaskResult:
    """Load and split one task's articles; warnings are returned, to be shown in order."""
    rows: list[SentenceRow] = []
    located: list[tuple[str, str]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for article, where in _task_articles(task):
            rows.extend(sentence_rows(article))
            located.append((article.id, where))
    return TaskResult(rows, located, [str(w.message) for w in caught])


def plan_tasks(specs: str | Path | Iterable[str | Path], rows_per_task: int = ROWS_PER_TASK):
    """Tasks for every input, in input order: a file each, corpus rows in batches."""
    for path in article_files(specs):
        if path.suffix.lower() not in CORPUS_SUFFIXES:
            yield Task(str(path))
            continue
        batch: list[CorpusRow] = []
        for row in _corpus_rows(path):
            batch.append(row)
            if len(batch) == rows_per_task:
                yield Task(str(path), tuple(batch))
                batch = []
        if batch:
            yield Task(str(path), tuple(batch))


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _ordered(tasks: Iterable[Task], jobs: int) -> Iterator[TaskResult]:
    """Results of ``run_task`` in task order, at most a few tasks per job in flight."""
    if jobs <= 1:
        yield from map(run_task, tasks)
        return
    window: deque[Future[TaskResult]] = deque()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for task in tasks:
            window.append(_submit(pool, task))
            if len(window) >= jobs * TASKS_IN_FLIGHT_PER_JOB:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def _submit(pool: Executor, task: Task) -> Future[TaskResult]:
    return pool.submit(run_task, task)


def iter_sentence_rows(
    specs: str | Path | Iterable[str | Path],
    *,
    jobs: int | None = None,
    language: str | None = None,
) -> Iterator[SentenceRow]:
    """Every sentence row of the inputs, in input order, using ``jobs`` processes;
    ``language`` (ISO 639-1) is given to every article, else each one's is found.

    Duplicate article ids are an InputError naming both places; warnings (skipped rows,
    encodings) are re-issued in input order, so any ``jobs`` gives the same output.
    """
    seen: dict[str, str] = {}
    tasks = _with_language(plan_tasks(specs), language)
    for result in _ordered(tasks, default_jobs() if jobs is None else jobs):
        for message in result.warnings:
            warnings.warn(message, InputWarning, stacklevel=2)
        for article_id, where in result.articles:
            if article_id in seen:
                raise InputError(
                    f"{where}: article id {article_id!r} is already used by "
                    f"{seen[article_id]}. Ids must be unique: rename one file or fix the id."
                )
            seen[article_id] = where
        yield from result.rows


def _arrow_schema():
    import pyarrow as pa

    strings = ("article_id", "language", "sentence_id")
    types = {**dict.fromkeys(strings, pa.string()), "text": pa.large_string()}
    return pa.schema([(name, types.get(name, pa.int64())) for name in SENTENCE_COLUMNS])


def _parquet_table(rows: Sequence[SentenceRow]):
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in SENTENCE_COLUMNS]
    return pa.Table.from_arrays(
        [pa.array(list(c), type=f.type) for c, f in zip(columns, _arrow_schema(), strict=True)],
        schema=_arrow_schema(),
    )


@dataclass
class StreamCounts:
    """What went through ``counting``: sentences, and the articles they came from."""

    sentences: int = 0
    articles: int = 0


def counting(rows: Iterable[SentenceRow], counts: StreamCounts) -> Iterator[SentenceRow]:
    """Pass ``rows`` through unchanged, counting them and their articles into ``counts`` (the
    rows come an article at a time, so memory stays flat however big the corpus)."""
    last = None
    for row in rows:
        counts.sentences += 1
        if row[0] != last:
            counts.articles += 1
            last = row[0]
        yield row


def write_sentence_rows(
    rows: Iterable[SentenceRow],
    out: TextIO | str | os.PathLike[str],
    fmt: str = "csv",
    *,
    protect: bool = False,
    batch: int = 50_000,
) -> int:
    """Stream rows to ``out`` as csv, jsonl or parquet (a path for parquet); returns the count.

    ``protect`` makes csv cells formula-safe (``factcheck.spreadsheet``) with a UTF-8 BOM.
    """
    if fmt not in FORMATS:
        raise InputError(f"Unknown format {fmt!r}. Use one of: {', '.join(FORMATS)}.")
    count = 0
    if fmt == "parquet":
        import pyarrow.parquet as pq

        if isinstance(out, io.TextIOBase):
            raise InputError("Parquet needs an output file: pass -o sentences.parquet.")
        with pq.ParquetWriter(out, _arrow_schema()) as writer:
            chunk: list[SentenceRow] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == batch:
                    writer.write_table(_parquet_table(chunk))
                    count, chunk = count + len(chunk), []
            writer.write_table(_parquet_table(chunk))
            return count + len(chunk)
    assert not isinstance(out, (str, os.PathLike))
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(dict(zip(SENTENCE_COLUMNS, row, strict=True)), ensure_ascii=False))
            out.write("\n")
            count += 1
        return count
    from .spreadsheet import protect_cell

    writer_ = csv.writer(out, lineterminator="\n")
    if protect:
        out.write("\ufeff")
    writer_.writerow(SENTENCE_COLUMNS)
    for row in rows:
        writer_.writerow(
            [protect_cell(v) if isinstance(v, str) else v for v in row] if protect else row
        )
        count += 1
    return count


# --- Dask ---------------------------------------------------------------------------------


def dask_tasks(specs: str | Path | Iterable[str | Path], partitions_per_corpus: int) -> list[Task]:
    """Tasks for Dask: a file each, and each corpus cut into row slices its workers read."""
    tasks: list[Task] = []
    for path in article_files(specs):
        if path.suffix.lower() not in CORPUS_SUFFIXES:
            tasks.append(Task(str(path)))
            continue
        total = sum(1 for _ in _corpus_rows(path))
        size = max(1, -(-total // partitions_per_corpus))
        tasks.extend(Task(str(path), first=i, stop=i + size) for i in range(0, total, size))
    return tasks


def write_partition(numbered: Iterable[tuple[int, Task]], out_dir: str) -> list[dict[str, Any]]:
    """Run one partition's tasks and write ``part-NNNNNN.parquet`` (N: its first task).

    Runs on a Dask worker; the file appears complete or not at all (written, then renamed).
    """
    import pyarrow.parquet as pq

    items = list(numbered)
    if not items:
        return []
    results = [run_task(task) for _, task in items]
    rows = [row for r in results for row in r.rows]
    path = Path(out_dir) / f"part-{items[0][0]:06d}.parquet"
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(_parquet_table(rows), tmp)
    os.replace(tmp, path)
    summary = {
        "file": path.name,
        "rows": len(rows),
        "articles": [a for r in results for a in r.articles],
        "warnings": [w for r in results for w in r.warnings],
    }
    return [summary]


def sentences_on_dask(
    specs: str | Path | Iterable[str | Path],
    out_dir: str | os.PathLike[str],
    client: Any,
    *,
    partitions: int | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Split a corpus on a Dask cluster: one Parquet file per partition in ``out_dir``.

    ``client`` is a ``dask.distributed.Client`` or a scheduler address. Workers read the
    inputs and write into ``out_dir`` themselves, so on a real cluster both must be on a
    filesystem every worker sees. Returns a summary (files, rows, articles).
    """
    try:
        import dask.bag as db
        from dask.distributed import Client
    except ImportError:
        raise InputError(
            "Dask is not installed. Install the extra: pip install 'factcheck[dask]'."
        ) from None
    own = not isinstance(client, Client)
    if own:
        try:
            client = Client(str(client), timeout="5s")
        except (OSError, TimeoutError) as exc:
            raise InputError(
                f"Cannot reach the Dask scheduler at {client} ({exc}). Start it (dask "
                "scheduler) or check the address, e.g. tcp://127.0.0.1:8786."
            ) from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        count = partitions or 2 * workers
        tasks = list(_with_language(dask_tasks(specs, count), language))
        if not tasks:
            raise InputError(f"{specs}: no article files found.")
        out = Path(out_dir).expanduser().resolve()
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("part-*.parquet"):
            stale.unlink()  # this run's partitions replace an earlier run's, not mix with them
        bag = db.from_sequence(list(enumerate(tasks)), npartitions=min(count, len(tasks)))
        summaries = client.compute(bag.map_partitions(write_partition, str(out))).result()
    finally:
        if own:
            client.close()
    seen: dict[str, str] = {}
    for summary in summaries:
        for article_id, where in summary["articles"]:
            if article_id in seen:
                raise InputError(
                    f"{where}: article id {article_id!r} is already used by {seen[article_id]}."
                )
            seen[article_id] = where
    return {
        "files": [s["file"] for s in summaries],
        "rows": sum(s["rows"] for s in summaries),
        "articles": len(seen),
        "warnings": [w for s in summaries for w in s["warnings"]],
    }
