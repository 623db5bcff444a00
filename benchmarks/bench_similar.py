"""Claim memory: recall@5 of planted near-duplicates and query time at 10k / 100k / 1M sentences.

The planted claims are the 150 groups of ``benchmarks/data/labelled_sentences.csv`` (each
claim reworded in 2-4 other articles; see ``make_labelled_set.py``). The rest of the index is
filled with generated sentences of the same shapes, so the neighbours compete with many
near-identical template sentences. A hit: querying with a reworded copy, another sentence of
its group is among the 5 most similar (the copy itself left out). Query time is one
``ClaimIndex.query`` call for one sentence (what the widget does for the focused sentence).

    python benchmarks/bench_similar.py [SIZES...]     # default: 10000 100000 1000000
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent / "data"))
from make_labelled_set import sentences

from factcheck.similar import ClaimIndex

DATA = Path(__file__).parent / "data" / "labelled_sentences.csv"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: int, planted: pd.DataFrame) -> dict[str, float]:
    filler = [text for text, _ in sentences(size - len(planted), seed=size)]
    texts = planted["text"].tolist() + filler
    del filler
    started = time.perf_counter()
    index = ClaimIndex(texts)
    build = time.perf_counter() - started
    groups = planted["claim_group"].to_numpy()
    copies = [i for i in range(len(planted)) if groups[i]]
    hits, times = 0, []
    for i in copies:
        started = time.perf_counter()
        (pairs,) = index.query([texts[i]], k=6)
        times.append(time.perf_counter() - started)
        rows = [row for row, _ in pairs if row != i][:5]
        hits += any(row < len(planted) and groups[row] == groups[i] for row in rows)
    return {
        "sentences": size,
        "recall_at_5": hits / len(copies),
        "queries": len(copies),
        "query_p50_ms": 1000 * float(np.percentile(times, 50)),
        "query_p95_ms": 1000 * float(np.percentile(times, 95)),
        "build_s": build,
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    planted = pd.read_csv(DATA, keep_default_na=False)
    print(f"{len(planted)} sentences with {planted['claim_group'].ne('').sum()} in planted groups")
    for size in sizes:
        result = run(size, planted)
        print(
            f"{result['sentences']:>9,} sentences: recall@5 {result['recall_at_5']:.3f} "
            f"({result['queries']} queries), query p50 {result['query_p50_ms']:.1f} ms, "
            f"p95 {result['query_p95_ms']:.1f} ms, build {result['build_s']:.1f} s, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
