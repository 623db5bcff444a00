"""Benchmark the labelling widget in the kernel: build time, widget count, paging, save latency.

Compares the Annotator (a fixed pool of reused rows) with the naive build (one row of widgets
per sentence), measured in the same run. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_widget.py [--sizes 10 100 1000 10000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import ipywidgets as w
from ipywidgets.widgets.widget import _instances

from factcheck.annotator import Annotator
from factcheck.articles import Article
from factcheck.labels import DEFAULT_SCHEME


def make_article(count: int) -> Article:
    """A fictional article of ``count`` sentences, five to a paragraph, already split."""
    paragraphs = [
        " ".join(f"Depot {p * 5 + i} logged {p * 5 + i + 3} late buses in June." for i in range(5))
        for p in range(max(count // 5, 1))
    ]
    article = Article.from_text("\n\n".join(paragraphs), id=f"bench-{count}", title="Bench")
    assert len(article.sentences) == max(count, 5)
    return article


def naive_build(article: Article) -> w.VBox:
    """One row of stock widgets per sentence, the way a first attempt builds it."""
    rows = []
    for sentence in article.sentences:
        buttons = [
            w.Button(description=label.name, style={"button_color": label.colour})
            for label in DEFAULT_SCHEME
        ]
        rows.append(
            w.HBox(
                [
                    w.Label(str(sentence.index + 1)),
                    w.Label(sentence.text),
                    *buttons,
                    w.Button(description="✕"),
                    w.Text(placeholder="note"),
                ]
            )
        )
    return w.VBox(rows)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--labels", type=int, default=200, help="label() calls to time")
    parser.add_argument(
        "--naive-max", type=int, default=1000, help="largest size to build naively (slow)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-widget-"))

    print("Build: Annotator (25 reused rows) vs naive (a row of widgets per sentence)")
    print(
        f"{'sentences':>9} {'annotator s':>12} {'widgets':>8} {'naive s':>9} {'widgets':>9} "
        f"{'time ratio':>10}"
    )
    for size in args.sizes:
        article = make_article(size)
        w.Widget.close_all()
        before = len(_instances)
        _, build = timed(lambda a=article: Annotator(a, annotator="bench", folder=folder))
        count = len(_instances) - before
        w.Widget.close_all()
        if size > args.naive_max:
            print(f"{size:>9} {build:>12.4f} {count:>8}   naive build skipped (--naive-max)")
            continue
        before = len(_instances)
        _, naive = timed(lambda a=article: naive_build(a))
        naive_count = len(_instances) - before
        w.Widget.close_all()
        print(
            f"{size:>9} {build:>12.4f} {count:>8} {naive:>9.4f} {naive_count:>9} "
            f"{naive / build:>9.1f}x"
        )

    article = make_article(1000)
    ann = Annotator(article, annotator="bench", folder=folder)
    pages = []
    for _ in range(20):
        _, seconds = timed(ann.next_page_button.click)
        pages.append(seconds)
    print(
        f"\nNext page (1,000 sentences, 25 rows): median {statistics.median(pages) * 1000:.2f} ms, "
        f"max {max(pages) * 1000:.2f} ms over {len(pages)} pages"
    )

    latencies = []
    for sentence in article.sentences[: args.labels]:
        _, seconds = timed(lambda s=sentence: ann.label(s.id, "opinion"))
        latencies.append(seconds)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"label() to disk (append + fsync + repaint): median "
        f"{statistics.median(latencies) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"max {latencies[-1] * 1000:.2f} ms over {len(latencies)} labels"
    )
    print(f"(log: {ann.log.path})")


if __name__ == "__main__":
    main()
