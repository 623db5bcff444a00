"""Throughput of split_sentences on synthetic news text, and how it scales with length.

Run: ``.venv/bin/python benchmarks/bench_split_throughput.py [--full] [--seed N]``

Prints sentences per second on many short paragraphs, then seconds for one long text
(10k, 70k, 280k characters with paragraphs, and 70k characters on a single line), each with
the ratio against raw pysbd on the same text. Raw pysbd on 280k characters takes a minute
or more (it is superlinear), so it runs only with ``--full``.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import pysbd

from factcheck.sentences import split_line, split_sentences

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
    unchunked, _ = timed(lambda: split_line(line, max_chars=len(line) + 1))
    chunked, _ = timed(lambda: split_line(line))
    print(
        f"\n70k-char single line: chunked {chunked:.2f} s vs unchunked {unchunked:.2f} s"
        f" ({unchunked / chunked:.1f}x faster)"
    )


if __name__ == "__main__":
    main()
