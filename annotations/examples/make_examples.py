"""Make the example annotation logs in this folder: four simulated annotators, seeded.

Run from anywhere: ``python annotations/examples/make_examples.py --force``. The annotators
label the bundled sample articles through ``AnnotationLog.record`` (the widget's own path),
with habits that produce realistic disagreement:

- ana is careful and labels everything;
- ben treats attributed speech ("X said ...") as verified, and changes his mind twice
  (one clear, one undo);
- chloe is strict: she often marks claims unconfirmed that others accept as verified;
- dev is new, noisier, and has not finished the last article.

The simulated annotators work at different times on 23-24 November 2026, so the progress
chart has something to show; the log's clock is replaced by a simulated one for that.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

import factcheck.log
from factcheck.articles import Article, load_articles
from factcheck.evidence import make_evidence
from factcheck.log import AnnotationLog
from factcheck.paths import sample_path
from factcheck.sentences import Sentence

HERE = Path(__file__).resolve().parent
ANNOTATORS = ("ana", "ben", "chloe", "dev")
SEED = 20261124
LABELS = ("verified", "unconfirmed", "opinion")

_OPINION = re.compile(
    r"\b(believe|fear|called|calling|best|biggest|failure|overdue|welcomed|really|why|"
    r"where are|nobody disputes|what we dispute|safety comes first|not sure)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(says?|reportedly|could|expected|according to|puts the figure|believe|would)\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(r"\b(said|says|asked|told|called)\b", re.IGNORECASE)


# The sources the careful annotators (ana, chloe) cite when they mark these sentences
# verified: fictional pages on example.org (reserved, never fetched), accessed on a fixed
# date so the logs are the same on every run.
EVIDENCE = {
    ("harbour-wind-farm", 0): (
        "https://planning.example.org/eastport/decisions/2026-117",
        "Final planning approval is granted for the Eastport Offshore Wind Farm.",
        "official-record",
        "The ministry's decision notice is dated Friday.",
    ),
    ("riverside-bridge", 0): (
        "https://transport.example.org/notices/riverside-bridge-closure",
        "The bridge is closed to all traffic from 5 January until repairs are complete.",
        "official-record",
        "The department's closure notice gives the date; six months is its own estimate.",
    ),
    ("riverside-bridge", 6): (
        "https://data.example.org/traffic/2025-weekday-counts.csv",
        "Riverside Bridge, mean weekday vehicles: 31,040",
        "dataset",
        "",
    ),
}
CITING = ("ana", "chloe")
ACCESSED = "2026-11-23"


def evidence_for(name: str, sentence: Sentence, label: str) -> dict[str, object]:
    """The evidence fields ``record`` gets: a source for a verified label of a careful
    annotator where one is known, else nothing."""
    found = EVIDENCE.get((sentence.article_id, sentence.index))
    if name not in CITING or label != "verified" or found is None:
        return {}
    url, quote, source_type, justification = found
    item = make_evidence(url, quote, source_type, accessed=ACCESSED)
    return {"evidence": [item], "justification": justification}


def reference_label(sentence: Sentence) -> str:
    """What a careful fact-checker would most likely choose (a heuristic, for simulation)."""
    text = sentence.text
    if _OPINION.search(text) or (text.startswith(('"', "“")) and not re.search(r"\d", text)):
        return "opinion"
    if _HEDGE.search(text):
        return "unconfirmed"
    return "verified"


def choose(name: str, sentence: Sentence, rng: np.random.Generator) -> str:
    """One simulated annotator's label for a sentence, with that annotator's habits."""
    ref = reference_label(sentence)
    hard = bool(_SPEECH.search(sentence.text))  # attributed speech: the classic hard case
    if name == "ben" and hard and ref != "verified" and rng.random() < 0.5:
        return "verified"
    if name == "chloe" and ref == "verified" and rng.random() < 0.35:
        return "unconfirmed"
    accuracy = {"ana": 0.95, "ben": 0.9, "chloe": 0.9, "dev": 0.78}[name] - (0.1 if hard else 0)
    if rng.random() < accuracy:
        return ref
    return str(rng.choice([label for label in LABELS if label != ref]))


def simulated_clock(start: datetime, rng: np.random.Generator) -> Iterator[str]:
    """Timestamps 15-90 s apart, with a coffee break now and then."""
    now = start
    while True:
        now += timedelta(seconds=float(rng.uniform(15, 90)))
        if rng.random() < 0.06:
            now += timedelta(minutes=float(rng.uniform(10, 40)))
        yield now.isoformat(timespec="microseconds")


def simulate(articles: list[Article], folder: Path, seed: int = SEED) -> list[Path]:
    """Write one log per simulated annotator into ``folder``; returns the paths."""
    rng = np.random.default_rng(seed)
    starts = {
        "ana": datetime(2026, 11, 23, 9, 5, tzinfo=timezone.utc),
        "ben": datetime(2026, 11, 23, 13, 40, tzinfo=timezone.utc),
        "chloe": datetime(2026, 11, 24, 8, 15, tzinfo=timezone.utc),
        "dev": datetime(2026, 11, 24, 10, 30, tzinfo=timezone.utc),
    }
    paths = []
    real_clock = factcheck.log.utc_timestamp
    try:
        for name in ANNOTATORS:
            clock = simulated_clock(starts[name], rng)
            factcheck.log.utc_timestamp = lambda clock=clock: next(clock)
            log = AnnotationLog(folder / f"{name}.csv", annotator=name)
            for number, article in enumerate(articles):
                source = f"samples/{Path(article.source).name}" if article.source else ""
                sentences = article.sentences
                if name == "dev" and number == len(articles) - 1:
                    sentences = sentences[: len(sentences) // 2]
                for sentence in sentences:
                    label = choose(name, sentence, rng)
                    log.record(
                        sentence, label, source=source, **evidence_for(name, sentence, label)
                    )
                    if name == "ben" and sentence.index == 2 and number == 0:
                        log.record(sentence, None, source=source)  # a clear
                        log.record(sentence, label, source=source)
                    if name == "ben" and sentence.index == 5 and number == 1:
                        log.record(sentence, "opinion", source=source)
                        log.undo()
            paths.append(log.path)
    finally:
        factcheck.log.utc_timestamp = real_clock
    return paths


def main(argv: list[str] | None = None) -> int:
    """Regenerate the example logs (refuses to overwrite them without --force)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="replace existing example logs")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the logs")
    args = parser.parse_args(argv)
    targets = [args.out / f"{name}.csv" for name in ANNOTATORS]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not args.force:
        print(f"{', '.join(existing)} exist; pass --force to replace them.", file=sys.stderr)
        return 1
    articles = load_articles(sample_path())
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:  # lock files stay in tmp
        for path in simulate(articles, Path(tmp)):
            shutil.move(path, args.out / path.name)
    print(f"wrote {len(targets)} logs to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
