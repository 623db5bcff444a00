"""Benchmark the classroom path for a class of 30 students x 5 articles (about 15 sentences each).

Prints how long each step takes: reading the key, one ``AnswerKey.check`` (against the naive
route, a DataFrame lookup per answer), scoring the folder and writing the HTML report.
Run: ``python benchmarks/bench_classroom.py [--students 30 --articles 5]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import vl_convert as vlc

from factcheck.articles import Article
from factcheck.classroom import class_report, make_answer_key, read_answer_key
from factcheck.log import AnnotationLog
from factcheck.report import class_report_html, write_class_report

LABELS = ("verified", "unconfirmed", "opinion")
TOWNS = ("Eastport", "Millbrook", "Northgate", "Riverside", "Hollins", "Ashby", "Kelso")


def fake_article(number: int, sentences: int, rng: np.random.Generator) -> Article:
    """A fictional council story of the given number of sentences."""
    town = TOWNS[number % len(TOWNS)]
    parts = []
    for i in range(sentences):
        figure = int(rng.integers(2, 900))
        parts.append(
            rng.choice(
                [
                    f"{town} council approved {figure} new homes on Tuesday, the minutes show.",
                    f"Residents say the plan could cost {figure} jobs in the area.",
                    f'"This is the worst decision in {figure} years," said councillor Ann Reyes.',
                    f"The scheme reportedly needs {figure} more staff by spring.",
                ]
            ).replace("Tuesday", f"day {i}")
        )
    return Article.from_text(" ".join(parts), id=f"story-{number}")


def timed(label: str, fn, repeat: int = 1, per: int = 1):
    """Run ``fn`` ``repeat`` times; print and return the mean time (divided by ``per``)."""
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    elapsed = (time.perf_counter() - start) / repeat / per
    unit, scale = ("us", 1e6) if elapsed < 1e-3 else ("ms", 1e3)
    print(f"{label:<44} {elapsed * scale:10.1f} {unit}")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    articles = [fake_article(i, args.sentences, rng) for i in range(args.articles)]
    sentences = [s for a in articles for s in a.sentences]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        teacher = AnnotationLog(root / "teacher" / "t.csv", annotator="teacher")
        for s in sentences:
            teacher.record(s, str(rng.choice(LABELS)), "Because the minutes say so.")
        start = time.perf_counter()
        for n in range(args.students):
            log = AnnotationLog(root / "class" / f"s{n:02d}.csv", annotator=f"student {n:02d}")
            for s in sentences[: len(sentences) - (n % 4) * 5]:  # some students unfinished
                log.record(s, str(rng.choice(LABELS)))
        print(
            f"{args.students} students x {args.articles} articles, {len(sentences)} sentences; "
            f"logs written in {time.perf_counter() - start:.1f} s"
        )
        key_path = root / "key.csv"
        make_answer_key(teacher.path, key_path)
        key, _ = timed("read_answer_key", lambda: read_answer_key(key_path), 20)
        ids = [s.id for s in sentences]
        answers = list(zip(ids, rng.choice(LABELS, size=len(ids)), strict=True))
        _, fast = timed(
            "AnswerKey.check (per answer)",
            lambda: [key.check(i, label) for i, label in answers],
            200,
            len(answers),
        )
        frame = key.to_frame()

        def naive():
            out = []
            for i, label in answers:
                row = frame.loc[frame["sentence_id"] == i]
                out.append(bool(len(row)) and row["label"].iloc[0] == label)
            return out

        _, slow = timed("naive DataFrame lookup (per answer)", naive, 2, len(answers))
        print(f"{'  check is faster than the naive lookup by':<44} {slow / fast:10.0f} x")
        report, _ = timed(
            "class_report (read + score + agreement)", lambda: class_report(key, root / "class")
        )
        _, _ = timed(
            "class_report_html (first: loads JS bundle)", lambda: class_report_html(report)
        )
        timed("class_report_html (again)", lambda: class_report_html(report))
        out, _ = timed(
            "write_class_report (everything)",
            lambda: write_class_report(key_path, root / "class", root / "report.html"),
        )
        print(f"{'report size':<44} {out.stat().st_size / 1e6:10.2f} MB")
        print(f"{'  of which Vega JavaScript':<44} {len(vlc.javascript_bundle()) / 1e6:10.2f} MB")


if __name__ == "__main__":
    main()
