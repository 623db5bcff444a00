"""Benchmark the labelling widget in the kernel: corpus build time and memory, paging, saves.

1. Corpus scale: ``Annotator`` over 10 / 1,000 / 100,000 synthetic articles of 30 sentences:
   build time (until the widget is interactive) and peak Python memory of the build, beside
   today's route before the lazy corpus (``annotator.py`` as of the commit before
   ``factcheck/_catalogue.py`` was added, loaded from git), measured in the same run. Also
   the memory the widget keeps after visiting 5 and 50 articles (it must not grow).
2. Corpus FILE: ``Annotator("corpus.csv")`` at 10 / 1,000 / 100,000 rows of 30 sentences,
   lazy (heads and byte offsets read up front, a row cleaned when shown: ``CorpusFile``)
   beside today's route before it (``Annotator(load_articles("corpus.csv"))``: every row
   cleaned up front), in the same run; and the lazy corpus read by the csv module alone
   (``CorpusFile(path, fast=False)``, the route before its fast CSV reader). Each build runs
   in a fresh process; memory is the peak RSS growth of the build over the process after
   imports. Then the largest size as JSONL, lazy (fast route) vs exact.
3. Corpus queue: over 100,000 loaded articles with a trained model, choosing "least
   certain first" (the pool is split and scored) and each label by key that jumps to the
   next asked sentence anywhere, beside labels by key in reading order, same run.
4. One long article: the reused row pool vs a naive row of widgets per sentence.
5. Next page and ``label()`` latency.

Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_widget.py [--corpus 10 1000 100000] [--before-max 1000]
        [--files 10 1000 100000] [--file-before-max 100000]
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import ipywidgets as w
from ipywidgets.widgets.widget import _instances

from factcheck.annotator import Annotator
from factcheck.articles import Article
from factcheck.labels import DEFAULT_SCHEME

ROOT = Path(__file__).resolve().parents[1]
OUTLETS = ("Harbour Gazette", "Valley Courier", "Metro Ledger", "Coast Times")


def make_article(count: int) -> Article:
    """A fictional article of ``count`` sentences, five to a paragraph, already split."""
    paragraphs = [
        " ".join(f"Depot {p * 5 + i} logged {p * 5 + i + 3} late buses in June." for i in range(5))
        for p in range(max(count // 5, 1))
    ]
    article = Article.from_text("\n\n".join(paragraphs), id=f"bench-{count}", title="Bench")
    assert len(article.sentences) == max(count, 5)
    return article


def ward_paragraphs(n: int, sentences: int) -> list[str]:
    """Article ``n``'s body: paragraphs of five fictional spending sentences."""
    return [
        " ".join(
            f"Council {n} said ward {p * 5 + i} spent {n % 97 + i} thousand on repairs."
            for i in range(5)
        )
        for p in range(sentences // 5)
    ]


def make_corpus(count: int, sentences: int = 30) -> list[Article]:
    """``count`` fictional articles of ``sentences`` sentences each, none split yet."""
    articles = []
    for n in range(count):
        paragraphs = ward_paragraphs(n, sentences)
        articles.append(
            Article.from_text(
                "\n\n".join(paragraphs),
                id=f"a{n:06d}",
                title=f"Ward spending report {n}",
                source=f"https://news.example.test/{n}",
                outlet=OUTLETS[n % len(OUTLETS)],
                date=f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            )
        )
    return articles


def write_corpus_file(path: Path, count: int, sentences: int = 30) -> Path:
    """A corpus CSV of ``count`` fictional scraped articles (a furniture line to clean)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text", "url", "date", "source"])
        for n in range(count):
            paragraphs = ward_paragraphs(n, sentences)
            paragraphs.insert(2, "Advertisement")
            writer.writerow(
                [
                    f"a{n:06d}",
                    f"Ward spending report {n}",
                    "\n\n".join(paragraphs),
                    f"https://news.example.test/{n}",
                    f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                    OUTLETS[n % len(OUTLETS)],
                ]
            )
    return path


def file_child(route: str, path: str, folder: str) -> None:
    """In a fresh process: build the Annotator on a corpus file by ``route``; print JSON."""
    from factcheck.articles import load_articles

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if route == "lazy":
        source = path
    elif route == "exact":  # the lazy route before its fast CSV reader (issue 10)
        from factcheck._catalogue import CorpusFile

        source = CorpusFile(path, fast=False)
    else:
        source = load_articles(path)
    ann = Annotator(source, annotator="bench", folder=folder)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "mb": (peak - base) / 1024, "n": len(ann.articles)}))


def file_figures(route: str, path: Path, folder: Path) -> dict[str, float]:
    """Build seconds and peak RSS growth (MB) of one route, in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--file-child", route, str(path), str(folder)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def before_annotator() -> tuple[type, str]:
    """The ``Annotator`` class as it was before the lazy corpus, loaded from git."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "factcheck/_catalogue.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    commit = f"{added[-1]}^" if added else "HEAD"
    source = subprocess.run(
        ["git", "show", f"{commit}:factcheck/annotator.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rev = subprocess.run(
        ["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    folder = Path(tempfile.mkdtemp(prefix="bench-before-"))
    path = folder / "annotator_before.py"
    source = (
        source.replace("from . import", "from factcheck import")
        .replace("from .", "from factcheck.")
        .replace("Path(__file__).parent", f"Path({str(ROOT / 'factcheck')!r})")
    )
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("annotator_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["annotator_before"] = module
    spec.loader.exec_module(module)
    return module.Annotator, rev


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def build_figures(cls: type, size: int, folder: Path) -> tuple[float, float]:
    """(build seconds, peak MB allocated during the build) on a fresh corpus of ``size``."""
    articles = make_corpus(size)
    w.Widget.close_all()
    gc.collect()
    _, seconds = timed(lambda: cls(articles, annotator="bench", folder=folder))
    w.Widget.close_all()
    articles = make_corpus(size)  # fresh: nothing split yet
    gc.collect()
    tracemalloc.start()
    ann = cls(articles, annotator="bench", folder=folder)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del ann
    w.Widget.close_all()
    return seconds, peak / 1e6


def kept_after_visits(size: int, folder: Path) -> list[tuple[int, float]]:
    """Memory the Annotator holds after visiting 5 and 50 articles (tracemalloc current)."""
    articles = make_corpus(size)
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    ann = Annotator(articles, annotator="bench", folder=folder)
    figures = []
    visited = 1
    for target in (5, 50):
        while visited < target:
            ann.next_article_button.click()
            visited += 1
        gc.collect()
        current, _ = tracemalloc.get_traced_memory()
        figures.append((visited, (current - base) / 1e6))
    tracemalloc.stop()
    w.Widget.close_all()
    return figures


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, nargs="+", default=[10, 1000, 100000])
    parser.add_argument(
        "--before-max",
        type=int,
        default=1000,
        help="largest corpus to build with the route before (it splits every article)",
    )
    parser.add_argument("--files", type=int, nargs="+", default=[10, 1000, 100000])
    parser.add_argument(
        "--file-before-max",
        type=int,
        default=100000,
        help="largest corpus file to load the route before (it cleans every row)",
    )
    parser.add_argument("--file-child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--only-files", action="store_true", help="run section 2 only")
    parser.add_argument("--only-queue", action="store_true", help="run section 3 only")
    parser.add_argument("--queue-corpus", type=int, default=100000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--labels", type=int, default=200, help="label() calls to time")
    parser.add_argument(
        "--naive-max", type=int, default=1000, help="largest size to build naively (slow)"
    )
    args = parser.parse_args()
    if args.file_child:
        file_child(*args.file_child)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-widget-"))
    if args.only_files:
        corpus_files(args, folder)
        return
    if args.only_queue:
        corpus_queue(args.queue_corpus, folder)
        return

    before, rev = before_annotator()
    print("Corpus build: Annotator now (split when shown) vs before (", rev, ", splits all)")
    print(
        f"{'articles':>9} {'now s':>8} {'now MB':>8} {'before s':>9} {'before MB':>10} "
        f"{'time ratio':>10}"
    )
    for size in args.corpus:
        now_s, now_mb = build_figures(Annotator, size, folder / f"now-{size}")
        if size > args.before_max:
            print(f"{size:>9,} {now_s:>8.3f} {now_mb:>8.1f}   before: skipped (--before-max)")
            continue
        before_s, before_mb = build_figures(before, size, folder / f"before-{size}")
        print(
            f"{size:>9,} {now_s:>8.3f} {now_mb:>8.1f} {before_s:>9.3f} {before_mb:>10.1f} "
            f"{before_s / now_s:>9.1f}x"
        )
    biggest = max(args.corpus)
    kept = kept_after_visits(biggest, folder / "visits")
    print(
        f"Memory kept by the widget over {biggest:,} articles (corpus excluded): "
        + ", ".join(f"{mb:.1f} MB after {n} articles visited" for n, mb in kept)
    )

    corpus_files(args, folder)
    corpus_queue(args.queue_corpus, folder)

    print("\nOne article: Annotator (25 reused rows) vs naive (a row of widgets per sentence)")
    print(
        f"{'sentences':>9} {'annotator s':>12} {'widgets':>8} {'naive s':>9} {'widgets':>9} "
        f"{'time ratio':>10}"
    )
    for size in args.sizes:
        article = make_article(size)
        w.Widget.close_all()
        before_count = len(_instances)
        _, build = timed(lambda a=article: Annotator(a, annotator="bench", folder=folder))
        count = len(_instances) - before_count
        w.Widget.close_all()
        if size > args.naive_max:
            print(f"{size:>9} {build:>12.4f} {count:>8}   naive build skipped (--naive-max)")
            continue
        before_count = len(_instances)
        _, naive = timed(lambda a=article: naive_build(a))
        naive_count = len(_instances) - before_count
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


def corpus_files(args: argparse.Namespace, folder: Path) -> None:
    """Section 2: a corpus FILE, lazy vs every row cleaned up front, fresh process each."""
    print("\nCorpus FILE build: Annotator('corpus.csv') lazy vs Annotator(load_articles(...))")
    print(
        "(lazy: fast CSV route, pyarrow + numpy byte scan; exact: the same lazy corpus read "
        "by the csv module only, CorpusFile(path, fast=False), as before the fast route)"
    )
    print(
        f"{'articles':>9} {'file MB':>8} {'lazy s':>8} {'lazy MB':>8} {'exact s':>8} "
        f"{'exact MB':>8} {'fast gain':>9} {'eager s':>9} "
        f"{'eager MB':>9} {'time ratio':>10} {'memory ratio':>12}"
    )
    for size in args.files:
        path = write_corpus_file(folder / f"corpus-{size}.csv", size)
        file_mb = path.stat().st_size / 1e6
        lazy = file_figures("lazy", path, folder / f"file-lazy-{size}")
        exact = file_figures("exact", path, folder / f"file-exact-{size}")
        lazy_row = (
            f"{size:>9,} {file_mb:>8.1f} {lazy['seconds']:>8.3f} {lazy['mb']:>8.1f} "
            f"{exact['seconds']:>8.3f} {exact['mb']:>8.1f} "
            f"{exact['seconds'] / lazy['seconds']:>8.1f}x"
        )
        if size > args.file_before_max:
            print(f"{lazy_row}   eager: skipped (--file-before-max)")
            continue
        eager = file_figures("eager", path, folder / f"file-eager-{size}")
        print(
            f"{lazy_row} {eager['seconds']:>9.3f} {eager['mb']:>9.1f} "
            f"{eager['seconds'] / lazy['seconds']:>9.1f}x "
            f"{eager['mb'] / max(lazy['mb'], 0.1):>11.1f}x"
        )
        path.unlink()
    size = max(args.files)
    path = write_corpus_jsonl(folder / f"corpus-{size}.csv", folder / f"corpus-{size}.jsonl")
    lazy = file_figures("lazy", path, folder / "jsonl-lazy")
    exact = file_figures("exact", path, folder / "jsonl-exact")
    print(
        f"JSONL {size:,} rows ({path.stat().st_size / 1e6:.1f} MB): lazy {lazy['seconds']:.3f} s "
        f"/ {lazy['mb']:.1f} MB, exact {exact['seconds']:.3f} s / {exact['mb']:.1f} MB "
        f"({exact['seconds'] / lazy['seconds']:.1f}x)"
    )


def write_corpus_jsonl(csv_path: Path, path: Path) -> Path:
    """The corpus CSV of ``write_corpus_file`` as JSONL (one object per row)."""
    write_corpus_file(csv_path, int(csv_path.stem.rsplit("-", 1)[-1]))
    csv.field_size_limit(2**31 - 1)
    with (
        csv_path.open(newline="", encoding="utf-8") as rows,
        path.open("w", encoding="utf-8") as out,
    ):
        for row in csv.DictReader(rows):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    csv_path.unlink()
    return path


def corpus_queue(size: int, folder: Path) -> None:
    """Section 3: a model queue across ``size`` articles: choice and key-press latency."""
    from factcheck.queues import POOL_STEP, POOL_WINDOW
    from factcheck.suggest import SuggestionModel

    articles = make_corpus(size)
    model = SuggestionModel(min_labels=10)  # trains in a worker process, as by default
    ann = Annotator(articles, annotator="bench-queue", folder=folder / "queue", suggest=model)
    for n in range(10):  # train: two labels
        ann.press("1" if n % 2 else "3")
    ann.wait_for_suggestions(120)
    reading = []
    for n in range(30):
        _, seconds = timed(lambda n=n: ann.press("1" if n % 2 else "3"))
        reading.append(seconds)
    ann.wait_for_suggestions(120)
    _, choose = timed(lambda: ann.choose_queue("uncertain"))
    jumps, articles_seen = [], set()
    for n in range(30):
        _, seconds = timed(lambda n=n: ann.press("1" if n % 2 else "3"))
        jumps.append(seconds)
        articles_seen.add(ann.article.id)
    ann.close()

    def ms(values: list[float], q: int) -> float:
        return 1000 * sorted(values)[max(int(len(values) * q / 100) - 1, 0)]

    print(
        f"\nCorpus queue over {size:,} articles (pool: {POOL_WINDOW} articles, +{POOL_STEP} "
        f"per next): choose 'least certain first' {choose * 1000:.0f} ms; label by key and "
        f"jump to the next asked sentence p50 {ms(jumps, 50):.1f} ms, p95 {ms(jumps, 95):.1f} "
        f"ms ({len(articles_seen)} articles visited in 30 labels); in reading order p50 "
        f"{ms(reading, 50):.1f} ms, p95 {ms(reading, 95):.1f} ms; articles split "
        f"{len(ann._catalogue.counts):,} of {size:,}"
    )


if __name__ == "__main__":
    main()
