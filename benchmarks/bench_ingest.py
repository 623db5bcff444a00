"""Ingest throughput: load N synthetic scraped articles (files on disk) and split them.

Prints seconds, articles/s and sentences/s for 100, 1,000 and 10,000 articles (about 30
sentences each), and the per-article cost relative to the 100-article run: a ratio near 1
means ingest scales linearly. Run: ``.venv/bin/python benchmarks/bench_ingest.py``
(``--quick`` stops at 1,000 articles).

``--memory MB`` instead writes one CSV corpus of MB megabytes (default run: 300) and prints
the peak RSS of a fresh process that reads every row with ``factcheck.corpus.read_corpus``
(streamed), of one that reads it the old way (whole file decoded, then parsed), and of one
that takes the first 200 articles from ``iter_articles`` (cleaned and split): a streamed
read's peak does not grow with the corpus.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import factcheck

NAMES = ["Ana Ruiz", "Tom Oduya", "Mia Lindqvist", "Raj Menon", "Eva Novak", "Sam Carter"]
PLACES = ["Eastport", "Calder Falls", "Northgate", "Riverside", "Hollins", "Marlow Bay"]
TEMPLATES = [
    "The {place} council approved a budget of ${n}.{d} million on {day}, officials said.",
    '"We will not accept these cuts," said {name}, who chairs the residents\' group.',
    "About {n},{m}00 people live within 2 mi. of the site, according to the {year} census.",
    "Critics called the plan a betrayal of the town's history.",
    'Gov. {name} said the state would "look closely" at the figures.',
    "The project could create up to {n}00 jobs, though no study has confirmed the figure.",
    '"Why now?" asked Sen. {name} at a hearing in {place}.',
    "Prices rose {n}.{d}% in {year}.The mayor blamed energy costs.",
    "Dr. {name} of {place} University said the results were preliminary.",
    "It was, by any measure, the most chaotic meeting of the year.",
]
FURNITURE_TOP = (
    "![A view of {place}](https://img.example-news.test/{i}.jpg)\n\n"
    "A view of {place} on {day}. (Photo: {name} / Example News)\n\n"
    "# {place} story number {i}\n\nBy {name}\n\nPublished 3 March 2026\n\n"
)
FURNITURE_BOTTOM = (
    "\n\nAdvertisement\n\nShare this article: Facebook | X | Email\n\n"
    "Tags: {place}, Council\n\n© 2026 Example News\n\nCOMMENTS\n\nComments are moderated.\n"
)


def synthetic_article(i: int, rng: random.Random, sentences: int = 30) -> str:
    """A realistic scraped article: furniture around ``sentences`` body sentences."""

    def fill(template: str) -> str:
        return template.format(
            place=rng.choice(PLACES),
            name=rng.choice(NAMES),
            n=rng.randint(1, 99),
            m=rng.randint(1, 9),
            d=rng.randint(0, 9),
            day=rng.choice(["Monday", "Tuesday", "Friday"]),
            year=rng.randint(1990, 2026),
            i=i,
        )

    body, count = [], 0
    while count < sentences:
        template = rng.choice(TEMPLATES)
        body.append(fill(template))
        count += 2 if ".The" in template else 1
    return fill(FURNITURE_TOP) + "\n\n".join(body) + fill(FURNITURE_BOTTOM)


def write_articles(folder: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for i in range(n):
        (folder / f"article-{i:05d}.md").write_text(synthetic_article(i, rng), encoding="utf-8")


def measure(n: int) -> tuple[float, int]:
    """Seconds to load and split ``n`` articles from disk, and the number of sentences."""
    with tempfile.TemporaryDirectory() as tmp:
        write_articles(Path(tmp), n)
        start = time.perf_counter()
        articles = factcheck.load_articles(tmp)
        total = sum(len(a.sentences) for a in articles)
        return time.perf_counter() - start, total


# Run in a fresh interpreter; prints rows read and peak RSS in MB (ru_maxrss is KB on Linux).
READERS = {
    "read_corpus (streamed)": "n = sum(1 for _ in factcheck.corpus.read_corpus(path))",
    "whole file, then parse": (
        "from factcheck._decode import decode_bytes\n"
        "text = decode_bytes(path.read_bytes(), path)\n"
        "n = sum(1 for _ in factcheck.corpus.read_csv_corpus(text, path))"
    ),
    "iter_articles, first 200": (
        "import itertools\nn = sum(1 for _ in itertools.islice(factcheck.iter_articles(path), 200))"
    ),
}
CHILD = """
import resource, sys
from pathlib import Path
import factcheck, factcheck.corpus
path = Path(sys.argv[1])
{reader}
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def write_corpus(path: Path, megabytes: int, seed: int = 0) -> int:
    """A CSV corpus of about ``megabytes`` MB of synthetic articles; returns its rows."""
    rng = random.Random(seed)
    texts = [synthetic_article(i, rng).replace('"', '""') for i in range(50)]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("id,title,text\r\n")
        while out.tell() < megabytes * 1_000_000:
            out.write(f'a{rows},Article {rows},"{texts[rows % len(texts)]}"\r\n')
            rows += 1
    return rows


def measure_memory(megabytes: int) -> None:
    """Peak RSS of each reader over one corpus of ``megabytes`` MB."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.csv"
        rows = write_corpus(path, megabytes)
        print(f"corpus: {path.stat().st_size / 1e6:,.0f} MB, {rows:,} rows")
        print(f"{'reader':<26} {'rows':>9} {'seconds':>8} {'peak RSS MB':>12}")
        for name, reader in READERS.items():
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", CHILD.format(reader=reader), str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            seconds = time.perf_counter() - started
            n, peak = done.stdout.split()
            print(f"{name:<26} {int(n):>9,} {seconds:>8.1f} {float(peak):>12,.0f}")
            sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--memory", type=int, metavar="MB", help="peak RSS over an MB corpus")
    args = parser.parse_args()
    if args.memory:
        measure_memory(args.memory)
        return
    sizes = (100, 1_000) if args.quick else (100, 1_000, 10_000)
    header = ("articles", "sentences", "seconds", "art/s", "sent/s", "per-article vs 100")
    print("{:>9} {:>10} {:>8} {:>8} {:>8} {:>19}".format(*header))
    base = None
    for n in sizes:
        seconds, total = measure(n)
        per_article = seconds / n
        base = base or per_article
        print(
            f"{n:>9,} {total:>10,} {seconds:>8.2f} {n / seconds:>8.0f} {total / seconds:>8.0f} "
            f"{per_article / base:>19.2f}"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
