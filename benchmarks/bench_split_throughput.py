"""Throughput of split_sentences on synthetic news text, and how it scales with length.

Run: ``.venv/bin/python benchmarks/bench_split_throughput.py [--full] [--seed N]``

Prints sentences per second on many short paragraphs, then seconds for one long text
(10k, 70k, 280k characters with paragraphs, and 70k characters on a single line), each with
the ratio against raw pysbd on the same text. Raw pysbd on 280k characters takes a minute
or more (it is superlinear), so it runs only with ``--full``.

Then, in the same run, factcheck as it is (the fast scan, pysbd only for what it leaves
undecided), as it was before issue 10 (``old``: pysbd and the repairs on every line, plain
``re`` inside pysbd, and pysbd's own per-sentence span lookup), the pysbd route with its
patterns kept compiled (``fc pysbd route``), raw pysbd, syntok and blingfire: sentences/s
(CPU time of this process) on the synthetic paragraphs and passage accuracy on the gold set
(``bench_segmentation.py``, all passages and the held-out ones); and factcheck old and new
on one single-paragraph text of 125 KB, 250 KB, 500 KB and 1 MB (linearity).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pysbd

from factcheck import sentences
from factcheck.sentences import split_line, split_sentences

sys.path.insert(0, str(Path(__file__).parent))
import bench_segmentation

FIRST = ["Dana", "Tomas", "Priya", "Ivo", "Lena", "Raj", "Marisol", "Peter", "Helena", "Omar"]
LAST = ["Kwiatek", "Feld", "Raman", "Marek", "Marsh", "Patel", "Ortega", "Lindqvist", "Quist"]
TITLES = ["Mayor", "Sen.", "Gov.", "Dr.", "Prof.", "Rep.", "Lt. Col.", "Councillor", "Supt."]
PLACES = ["Harlow Falls", "Riverside", "the east bank", "Mill Street", "Canal St.", "the U.S."]
THINGS = ["the bridge", "the budget", "the new clinic", "the ferry service", "the school plan"]
TEMPLATES = [
    "{title} {first} {last} said {thing} would cost ${money} million.",
    '"We cannot wait any longer," said {title} {first} {last}.',
    '"Why are we only hearing about this now?" asked {title} {last}.',
    "About {count} people live near {place}, according to the {year} census.",
    "The detour adds approx. {decimal} mi. to the average commute.",
    "A ferry will run every {small} mins. during rush hours, the department said.",
    "{thing_cap} was approved by a vote of {small}-{tiny} on Jan. {small}.",
    "Prices rose {decimal}% in the year to October, the highest since {year}.",
    "The meeting starts at {tiny} p.m. on Tuesday at City Hall.",
    '{last} called the plan "a failure of planning."',
    "Officials could not independently verify the figure.",
    "Some residents believe {thing} is the beginning of the end for {place}.",
    '"It is a disgrace. We deserve better," {first} {last} told reporters.',
]


def _fill(rng: random.Random, template: str) -> str:
    thing = rng.choice(THINGS)
    return template.format(
        title=rng.choice(TITLES),
        first=rng.choice(FIRST),
        last=rng.choice(LAST),
        place=rng.choice(PLACES),
        thing=thing,
        thing_cap=thing[0].upper() + thing[1:],
        money=f"{rng.uniform(1, 90):.1f}",
        count=f"{rng.randint(1000, 90000):,}",
        year=rng.randint(1960, 2025),
        decimal=f"{rng.uniform(0.5, 9.9):.1f}",
        small=rng.randint(2, 28),
        tiny=rng.randint(1, 9),
    )


def paragraphs(rng: random.Random, n: int) -> list[str]:
    """``n`` news-like paragraphs of one to four sentences each."""
    return [
        " ".join(_fill(rng, rng.choice(TEMPLATES)) for _ in range(rng.randint(1, 4)))
        for _ in range(n)
    ]


def text_of_length(rng: random.Random, chars: int, *, separator: str = "\n\n") -> str:
    """Paragraphs joined by ``separator`` until the text has at least ``chars`` characters."""
    parts: list[str] = []
    total = 0
    while total < chars:
        part = paragraphs(rng, 1)[0]
        parts.append(part)
        total += len(part) + len(separator)
    return separator.join(parts)


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also time raw pysbd on 280k chars")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    split_sentences("Warm up. Now.")

    def raw_pysbd(text: str) -> list:
        return segmenter.segment(text)

    def raw_pysbd_lines(text: str) -> list:
        return [seg for line in text.split("\n") if line.strip() for seg in segmenter.segment(line)]

    corpus = "\n\n".join(paragraphs(rng, 400))
    ours, sentences = timed(lambda: split_sentences(corpus), repeat=3)
    base, _ = timed(lambda: raw_pysbd_lines(corpus), repeat=3)
    n = len(sentences)
    print(f"400 synthetic paragraphs, {len(corpus):,} chars, {n:,} sentences (seed {args.seed})")
    print(
        f"  split_sentences:        {n / ours:>8,.0f} sentences/s  ({ours * 1000 / n:.3f} ms each)"
    )
    print(
        f"  raw pysbd, line by line: {n / base:>7,.0f} sentences/s  ({base * 1000 / n:.3f} ms each)"
    )
    print(f"  split_sentences takes {ours / base:.2f}x the time of raw pysbd\n")

    header = f"{'one text':<32} {'chars':>8} {'sents':>6} {'ours s':>8} {'raw pysbd s':>12}"
    print(f"{header} {'raw/ours':>9}")
    cases = [
        ("10k chars, paragraphs", text_of_length(rng, 10_000), True),
        ("70k chars, paragraphs", text_of_length(rng, 70_000), True),
        ("280k chars, paragraphs", text_of_length(rng, 280_000), args.full),
        ("70k chars, one line", text_of_length(rng, 70_000, separator=" "), True),
    ]
    for name, text, run_raw in cases:
        ours, result = timed(lambda text=text: split_sentences(text), repeat=2)
        if run_raw:
            raw, _ = timed(
                lambda text=text: raw_pysbd(text), repeat=2 if len(text) < 100_000 else 1
            )
            raw_cell, ratio = f"{raw:>12.2f}", f"{raw / ours:>8.1f}x"
        else:
            raw_cell, ratio = f"{'(--full)':>12}", f"{'':>7}"
        print(f"{name:<32} {len(text):>8,} {len(result):>6,} {ours:>8.2f} {raw_cell} {ratio}")

    line = cases[3][1]
    pysbd_line = sentences._split_line_pysbd  # where chunking matters: pysbd is superlinear
    unchunked, _ = timed(lambda: pysbd_line(line, max_chars=len(line) + 1))
    chunked, _ = timed(lambda: pysbd_line(line))
    fast, _ = timed(lambda: split_line(line))
    print(
        f"\n70k-char single line, pysbd route: chunked {chunked:.2f} s vs unchunked"
        f" {unchunked:.2f} s ({unchunked / chunked:.1f}x faster); fast scan {fast:.3f} s"
    )
    compare(rng)


@contextlib.contextmanager
def pysbd_route() -> Iterator[None]:
    """factcheck's splitter before the fast scan: pysbd and the news repairs on every line."""
    kept = sentences.split_line

    def split_line(line: str, *, max_chars: int = sentences.MAX_LINE_CHARS, language: str = "en"):
        return sentences._split_line_pysbd(line, max_chars=max_chars)

    sentences.split_line = split_line
    try:
        yield
    finally:
        sentences.split_line = kept


@contextlib.contextmanager
def old_splitter() -> Iterator[None]:
    """factcheck's splitter as it was before this work (issue 10): the pysbd route with plain
    ``re`` in pysbd, and ``Segmenter.segment``."""
    sentences._segmenter()  # installs the compiled-pattern stand-in first
    modules = [importlib.import_module(f"pysbd.{name}") for name in sentences._PYSBD_MODULES]
    kept = sentences._pysbd_segments
    for module in modules:
        module.re = re
    sentences._pysbd_segments = lambda line: sentences._segmenter().segment(line) if line else []
    try:
        with pysbd_route():
            yield
    finally:
        sentences._pysbd_segments = kept
        for module in modules:
            module.re = sentences._COMPILED_RE


def cpu(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Fewest CPU seconds of this process over ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.process_time()
        result = fn()
        best = min(best, time.process_time() - started)
    return best, result


def compare(rng: random.Random) -> None:
    """Throughput and gold accuracy of every splitter, and linearity, in one run."""
    corpus = "\n\n".join(paragraphs(rng, 400))
    lines = [line for line in corpus.split("\n") if line.strip()]
    gold = bench_segmentation.load_gold()
    by_lines = bench_segmentation._by_lines

    def spans_of(text: str) -> list:
        return [(s.start, s.end) for s in split_sentences(text)]

    splitters: dict[str, tuple[Callable[[str], list], contextlib.AbstractContextManager]] = {
        "factcheck (new)": (spans_of, contextlib.nullcontext()),
        "factcheck (old)": (spans_of, old_splitter()),
        "fc pysbd route": (spans_of, pysbd_route()),
        "pysbd": (by_lines(bench_segmentation._pysbd_line), contextlib.nullcontext()),
        "syntok": (by_lines(bench_segmentation._syntok_line), contextlib.nullcontext()),
        "blingfire": (by_lines(bench_segmentation._blingfire_line), contextlib.nullcontext()),
    }
    print(f"\nSame run: {len(lines)} synthetic lines; gold set of {len(gold)} passages")
    print(f"{'splitter':<17} {'sentences':>9} {'sents/s':>9} {'gold passages':>14} {'held-out':>9}")
    rates = {}
    for name, (split, context) in splitters.items():
        with context:
            split("Warm up. Now.")
            seconds, found = cpu(lambda split=split: [split(line) for line in lines])
            count = sum(len(spans) for spans in found)
            results = bench_segmentation.evaluate(gold, {name: split})
        score, heldout = results[name][0], results[name][1]["heldout"]
        rates[name] = count / seconds
        print(f"{name:<17} {count:>9,} {rates[name]:>9,.0f} {score.exact:>6}/{score.passages:<3} "
              f"{score.accuracy:.1%} {heldout.exact:>6}/{heldout.passages}")  # fmt: skip
    new = rates["factcheck (new)"]
    print(f"factcheck new/old throughput: {new / rates['factcheck (old)']:.2f}x")
    print(f"factcheck new/pysbd route (compiled patterns): {new / rates['fc pysbd route']:.2f}x")
    print(f"factcheck new/raw pysbd: {new / rates['pysbd']:.2f}x")

    print(f"\n{'one paragraph':<14} {'sentences':>9} {'new s':>7} {'old s':>7} {'new/old':>8}")
    for size in (125_000, 250_000, 500_000, 1_000_000):
        text = text_of_length(rng, size, separator=" ")[:size]
        new, result = cpu(lambda text=text: split_sentences(text), repeat=1)
        with old_splitter():
            old, _ = cpu(lambda text=text: split_sentences(text), repeat=1)
        print(f"{size:>11,} ch {len(result):>9,} {new:>7.2f} {old:>7.2f} {old / new:>7.2f}x")


if __name__ == "__main__":
    main()
