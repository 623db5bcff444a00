"""Benchmark factcheck.agreement on 100,000 sentences x 5 annotators (500,000 labels).

Prints figures, not assertions: the full table with 1,000 bootstrap resamples, the same
without bootstrap, and ``sentence_agreement``. Beside them, the reference implementations
on the same data (krippendorff.alpha, sklearn's cohen_kappa_score for the 10 pairs,
statsmodels' fleiss_kappa) and the naive bootstrap (resample sentences, recompute alpha with
the reference package), timed on 20 replicates and scaled to 1,000. Runs in about a minute::

    .venv/bin/python benchmarks/bench_agreement.py
"""

from __future__ import annotations

import time

import krippendorff  # GPL-3: reference only, never imported by the package
import numpy as np
from bench_charts import synthetic_annotations
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from factcheck.agreement import agreement, rating_matrix, sentence_agreement

SENTENCES = 100_000
ANNOTATORS = 5
NAIVE_REPLICATES = 20


def timed(function, *args, repeat: int = 1, **kwargs):
    """(median seconds, result) of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], result


def main() -> None:
    """Time agreement() and the reference route on the same 500,000 labels."""
    df = synthetic_annotations(SENTENCES * ANNOTATORS, annotators=ANNOTATORS)
    print(f"{SENTENCES:,} sentences x {ANNOTATORS} annotators = {len(df):,} labels")
    agreement(df.head(1000), n_boot=10)  # warm-up: first-call imports (scipy.sparse)
    full, table = timed(agreement, df, n_boot=1000, repeat=3)
    bare, _ = timed(agreement, df, n_boot=0, repeat=3)
    per_sentence, _ = timed(sentence_agreement, df, repeat=3)
    matrix, rm = timed(rating_matrix, df, repeat=3)
    print(f"agreement(df, n_boot=1000)     {full:8.3f} s  ({len(table)} rows)")
    print(f"agreement(df, n_boot=0)        {bare:8.3f} s")
    print(f"  of which rating_matrix(df)   {matrix:8.3f} s")
    print(f"sentence_agreement(df)         {per_sentence:8.3f} s")

    codes = rm.codes
    reliability = np.where(codes >= 0, codes, np.nan).T
    alpha_s, alpha = timed(
        krippendorff.alpha, reliability_data=reliability, level_of_measurement="nominal", repeat=3
    )
    start = time.perf_counter()
    for a in range(ANNOTATORS):
        for b in range(a + 1, ANNOTATORS):
            cohen_kappa_score(codes[:, a], codes[:, b])
    kappa_s = time.perf_counter() - start
    fleiss_s, _ = timed(lambda: fleiss_kappa(aggregate_raters(codes, n_cat=3)[0]), repeat=3)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(NAIVE_REPLICATES):
        sample = reliability[:, rng.integers(0, codes.shape[0], codes.shape[0])]
        krippendorff.alpha(reliability_data=sample, level_of_measurement="nominal")
    naive_boot = (time.perf_counter() - start) / NAIVE_REPLICATES * 1000
    reference = alpha_s + kappa_s + fleiss_s
    ours = table.set_index(["measure", "label", "annotator_a", "annotator_b"])["value"]
    print()
    print("Reference route on the same matrix (point estimates only):")
    print(f"krippendorff.alpha             {alpha_s:8.3f} s  alpha={alpha:.4f} "
          f"(ours {ours['krippendorff_alpha', '(all)', '(all)', '(all)']:.4f})")  # fmt: skip
    print(f"sklearn cohen_kappa_score x10  {kappa_s:8.3f} s")
    print(f"statsmodels fleiss_kappa       {fleiss_s:8.3f} s")
    print(f"  total                        {reference:8.3f} s  (ours, every figure without CIs: "
          f"{bare:.3f} s, ratio {reference / bare:.2f})")  # fmt: skip
    print(f"naive bootstrap of alpha, 1,000 resamples (from {NAIVE_REPLICATES}): "
          f"{naive_boot:8.1f} s  (ours, every figure with CIs: {full:.2f} s, "
          f"{naive_boot / full:.0f}x faster)")  # fmt: skip


if __name__ == "__main__":
    main()
