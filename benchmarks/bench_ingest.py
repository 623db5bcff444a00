"""Ingest throughput: load N synthetic scraped articles (files on disk) and split them.

Prints seconds, articles/s and sentences/s for 100, 1,000 and 10,000 articles (about 30
sentences each), and the per-article cost relative to the 100-article run: a ratio near 1
means ingest scales linearly. Run: ``.venv/bin/python benchmarks/bench_ingest.py``
(``--quick`` stops at 1,000 articles).
"""

from __future__ import annotations

import argparse
import random
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
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
