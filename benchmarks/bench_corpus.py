"""Corpus ingestion at scale: `factcheck sentences` with --jobs 1, --jobs 2 and on Dask.

Writes a CSV corpus of N synthetic scraped articles (about 30 sentences each, the shapes
of benchmarks/bench_ingest.py), then times, in one run: the naive route (load_articles,
then every article's sentences, in one process: what the widget did before), the command
with --jobs 1 and --jobs 2 (to Parquet), and a Dask LocalCluster of two worker processes.
Peak memory (max RSS of the process tree, from /proc) is printed for each. Ratios are
against --jobs 1 measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_corpus.py [--articles 10000] [--no-dask]``
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import synthetic_article


def write_corpus(path: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text", "source"])
        for i in range(n):
            writer.writerow(
                [f"a{i:06d}", f"Story {i}", synthetic_article(i, rng), f"outlet-{i % 7}"]
            )


# Runs a command and prints the peak RSS (KB) of the largest process of its tree: in a fresh
# process, RUSAGE_CHILDREN covers that command alone (the bench's own counter only grows, so
# every route after the naive one would show the naive one's peak).
PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of the largest process ``command`` ran (its own tree)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *command], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    return seconds, int(done.stdout.split()[-1]) / 1024


NAIVE = """
import sys, factcheck
articles = factcheck.load_articles(sys.argv[1])
print(sum(len(a.sentences) for a in articles))
"""

DASK = """
import sys
from dask.distributed import Client, LocalCluster
from factcheck.ingest import sentences_on_dask
with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                  dashboard_address=None) as cluster, Client(cluster) as client:
    print(sentences_on_dask([sys.argv[1]], sys.argv[2], client)["rows"])
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.csv"
        write_corpus(corpus, args.articles)
        size = corpus.stat().st_size / 1e6
        print(f"corpus: {args.articles:,} articles, {size:.0f} MB")
        runs: dict[str, tuple[float, float]] = {}
        if not args.no_naive:
            runs["naive: load_articles + sentences"] = timed([python, "-c", NAIVE, str(corpus)])
        for jobs in (1, 2):
            out = Path(tmp) / f"s{jobs}.parquet"
            runs[f"factcheck sentences --jobs {jobs}"] = timed(
                [python, "-m", "factcheck", "sentences", str(corpus), "-q", "--jobs", str(jobs),
                 "--format", "parquet", "-o", str(out)]
            )  # fmt: skip
        same = (Path(tmp) / "s1.parquet").read_bytes() == (Path(tmp) / "s2.parquet").read_bytes()
        if not args.no_dask:
            runs["Dask LocalCluster, 2 workers"] = timed(
                [python, "-c", DASK, str(corpus), str(Path(tmp) / "dask")]
            )
        import pandas as pd

        sentences = len(pd.read_parquet(Path(tmp) / "s1.parquet", columns=["index"]))
        base = runs["factcheck sentences --jobs 1"][0]
        print(f"sentences: {sentences:,}; --jobs 1 and --jobs 2 files identical: {same}")
        print(f"{'route':<36} {'seconds':>8} {'sent/s':>9} {'vs jobs 1':>9} {'peak MB':>8}")
        for name, (seconds, peak) in runs.items():
            print(
                f"{name:<36} {seconds:>8.1f} {sentences / seconds:>9,.0f} "
                f"{base / seconds:>8.2f}x {peak:>8.0f}"
            )


if __name__ == "__main__":
    main()
