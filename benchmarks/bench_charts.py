"""Benchmark factcheck.charts: build time and spec size for 10k, 100k and 1M events.

Prints figures, not assertions. Each chart kind is built from a synthetic annotation table
(5 annotators, 25-sentence articles) and serialised with ``chart.to_dict()``; the spec size
is ``len(json.dumps(spec))``. Beside it, the naive route: raw rows straight into Altair with
``alt.data_transformers.disable_max_rows()`` (10k and 100k only), for the label mix per
article and the sentence strip. Runs in about a minute::

    .venv/bin/python benchmarks/bench_charts.py
"""

from __future__ import annotations

import json
import statistics
import time

import altair as alt
import numpy as np
import pandas as pd

from factcheck.charts import CHART_KINDS, chart_by_kind

COLUMNS = (
    "schema", "timestamp", "annotator", "article_id", "sentence_id", "sentence_index",
    "start", "end", "label", "note", "action", "scheme", "source", "text",
)  # fmt: skip
LABELS = ("verified", "unconfirmed", "opinion")
SIZES = (10_000, 100_000, 1_000_000)
NAIVE_SIZES = (10_000, 100_000)
TEMPLATES = (
    "The council approved a budget of {} million on Monday, the minutes show.",
    'Residents called the plan "a disgrace" at public meeting number {}.',
    "The project reportedly employs {} people, a figure nobody has confirmed.",
)


def _strings(codes: np.ndarray, names: list[str]) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes, categories=names)).astype("str")


def synthetic_annotations(
    n_events: int, annotators: int = 5, per_article: int = 25, seed: int = 0
) -> pd.DataFrame:
    """A read_annotations-shaped table of ``n_events`` labels with realistic disagreement."""
    rng = np.random.default_rng(seed)
    n_sentences = -(-n_events // annotators)
    item = np.repeat(np.arange(n_sentences), annotators)[:n_events]
    rater = np.tile(np.arange(annotators), n_sentences)[:n_events]
    truth = rng.choice(3, size=n_sentences, p=[0.5, 0.3, 0.2])
    label = np.where(rng.random(n_events) < 0.75, truth[item], rng.integers(0, 3, n_events))
    article, index = item // per_article, item % per_article
    texts = [TEMPLATES[k % 3].format(k) for k in range(per_article)]
    seconds = np.sort(rng.integers(0, 5 * 86_400, n_events))
    n = n_events
    df = pd.DataFrame(
        {
            "schema": _strings(np.zeros(n, int), ["factcheck-log/1"]),
            "timestamp": pd.Timestamp("2026-11-20", tz="UTC") + pd.to_timedelta(seconds, "s"),
            "annotator": _strings(rater, [f"ann{j}" for j in range(annotators)]),
            "article_id": _strings(article, [f"article-{a:06d}" for a in range(article[-1] + 1)]),
            "sentence_id": _strings(item, [f"s{i:08d}" for i in range(n_sentences)]),
            "sentence_index": index.astype("int64"),
            "start": (index * 80).astype("int64"),
            "end": (index * 80 + 75).astype("int64"),
            "label": _strings(label, list(LABELS)),
            "note": _strings(np.zeros(n, int), [""]),
            "action": _strings(np.zeros(n, int), ["label"]),
            "scheme": _strings(np.zeros(n, int), ["default@1"]),
            "source": _strings(article % 4, [f"site{k}.example.test" for k in range(4)]),
            "text": _strings(index, texts),
        }
    )
    return df[list(COLUMNS)]


def measure(build, repeat: int) -> tuple[float, int]:
    """Median seconds to build and serialise a chart, and its spec size in bytes."""
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        spec = build().to_dict()
        size = len(json.dumps(spec))
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def naive_mix(df: pd.DataFrame) -> alt.Chart:
    """Label mix per article the naive way: every raw row into the spec, Altair aggregates."""
    return alt.Chart(df).mark_bar().encode(y="article_id:N", x="count():Q", color="label:N")


def naive_strip(df: pd.DataFrame) -> alt.Chart:
    """Sentence strip the naive way: every labelling event a cell, text in the tooltip."""
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(x="sentence_index:O", y="article_id:N", color="label:N", tooltip=["text:N"])
    )


def main() -> None:
    """Build every chart kind at each size and print time and spec size, then the naive route."""
    print(f"{'events':>10} {'kind':<14} {'build+to_dict':>14} {'spec size':>12}")
    ours: dict[tuple[int, str], tuple[float, int]] = {}
    for n in SIZES:
        start = time.perf_counter()
        df = synthetic_annotations(n)
        made = time.perf_counter() - start
        print(f"{n:>10,} {'(make table)':<14} {made:>13.3f}s")
        for kind in CHART_KINDS:
            seconds, size = measure(lambda df=df, kind=kind: chart_by_kind(df, kind), 3)
            ours[n, kind] = seconds, size
            print(f"{n:>10,} {kind:<14} {seconds:>13.3f}s {size / 1000:>10.1f} KB")
    print()
    print("Naive route: raw rows into Altair (alt.data_transformers.disable_max_rows())")
    print(f"{'events':>10} {'chart':<14} {'naive':>10} {'naive size':>12} {'ours':>9} "
          f"{'our size':>10} {'time ratio':>11} {'size ratio':>11}")  # fmt: skip
    with alt.data_transformers.disable_max_rows():
        for n in NAIVE_SIZES:
            df = synthetic_annotations(n)
            for name, build, kind in (
                ("mix-article", naive_mix, "mix-article"),
                ("strip", naive_strip, "strip"),
            ):
                seconds, size = measure(lambda df=df, build=build: build(df), 1)
                our_seconds, our_size = ours[n, kind]
                print(
                    f"{n:>10,} {name:<14} {seconds:>9.3f}s {size / 1e6:>9.1f} MB "
                    f"{our_seconds:>8.3f}s {our_size / 1000:>7.1f} KB "
                    f"{seconds / our_seconds:>10.1f}x {size / our_size:>10.0f}x"
                )


if __name__ == "__main__":
    main()
