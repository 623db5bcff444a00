"""Benchmark the gold standard on 30,000 sentences x 3 annotators with 3,000 decisions.

Prints figures, not assertions: writing the logs and decisions (raw rows, as AnnotationLog
and DecisionLog write them, without the per-row fsync), ``read_decisions``, ``gold`` without
and with the decisions, writing gold.csv/parquet, the card's figures at that size, and the
whole card with its charts for the bundled example logs. Runs in about a minute::

    .venv/bin/python benchmarks/bench_gold.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from factcheck import adjudication
from factcheck.card import card_data, write_card
from factcheck.gold import gold, write_gold
from factcheck.log import HEADER, SCHEMA_ID, format_row
from factcheck.workspace import examples_path

SENTENCES = 30_000
ANNOTATORS = ("ana", "ben", "chloe")
DECISIONS = 3_000
LABELS = ("verified", "unconfirmed", "opinion")


def write_logs(folder: Path, rng: np.random.Generator) -> list[str]:
    """One log per annotator, every sentence labelled; returns the sentence ids."""
    ids = [f"a{i // 30:04d}-{i % 30:04d}" for i in range(SENTENCES)]
    truth = rng.integers(0, 3, SENTENCES)
    for n, name in enumerate(ANNOTATORS):
        noise = rng.random(SENTENCES) < 0.25
        chosen = np.where(noise, rng.integers(0, 3, SENTENCES), truth)
        rows = [HEADER]
        for i, sid in enumerate(ids):
            text = f"Sentence {i} of the article, with a quoted figure of {i * 7}."
            clock = f"{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}"
            stamp = f"2026-11-2{3 + n}T{clock}.000000+00:00"
            rows.append(format_row((SCHEMA_ID, stamp, name, sid[:5], sid, i % 30, 0, len(text),
                                    LABELS[chosen[i]], "", "label", "default@1", "bench.txt",
                                    text)))  # fmt: skip
        (folder / f"{name}.csv").write_text("".join(rows), encoding="utf-8")
    return ids


def write_decisions(folder: Path, ids: list[str], rng: np.random.Generator) -> None:
    """DECISIONS rows for one adjudicator, in the decisions-log layout."""
    rows = [adjudication.HEADER]
    for k, i in enumerate(rng.choice(len(ids), DECISIONS, replace=False)):
        reason = adjudication.REASONS[k % 4]
        stamp = f"2026-11-26T10:{k // 60 % 60:02d}:{k % 60:02d}+00:00"
        rows.append(format_row((adjudication.SCHEMA_ID, stamp,
                                "lee", "", ids[i], LABELS[k % 3], reason, "a comment, with a comma",
                                "default@1", "", "decide")))  # fmt: skip
    folder.mkdir()
    (folder / "lee.csv").write_text("".join(rows), encoding="utf-8")


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    """Time each step once (after a small warm-up) and print the figures."""
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "logs").mkdir()
        ids = write_logs(root / "logs", rng)
        write_decisions(root / "adj", ids, rng)
        print(f"{SENTENCES:,} sentences x {len(ANNOTATORS)} annotators, {DECISIONS:,} decisions")
        gold(root / "logs")  # warm-up: first-call imports and caches
        seconds, decisions = timed(adjudication.read_decisions, root / "adj")
        print(f"read_decisions                 {seconds:8.3f} s  ({len(decisions):,} rows)")
        seconds, votes = timed(gold, root / "logs")
        print(f"gold(logs)                     {seconds:8.3f} s  ({len(votes):,} rows)")
        seconds, table = timed(gold, root / "logs", root / "adj")
        counts = table["decided_by"].value_counts().to_dict()
        print(f"gold(logs, adjudications)      {seconds:8.3f} s  {counts}")
        for name in ("gold.csv", "gold.parquet"):
            seconds, _ = timed(write_gold, table, root / name)
            print(f"write_gold({name:<12})        {seconds:8.3f} s  "
                  f"({(root / name).stat().st_size / 1e6:.1f} MB)")  # fmt: skip
        seconds, _ = timed(card_data, root / "logs", root / "adj", n_boot=1000)
        print(f"card figures (n_boot=1000)     {seconds:8.3f} s  (30,000 sentences)")
        seconds, _ = timed(write_card, examples_path(), root / "card" / "DATASET_CARD.md")
        print(f"write_card(example logs)       {seconds:8.3f} s  (4 annotators, 5 PNG charts)")


if __name__ == "__main__":
    main()
