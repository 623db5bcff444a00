"""Language identification: py3langid (what factcheck uses) against langdetect, per language.

Run: ``.venv/bin/python benchmarks/bench_langid.py [--data benchmarks/data]``

Test set (fictional news text, hand-written on the gold branch):

- ``langid_passages.jsonl``: headlines and single sentences, 40 per language for en, es,
  de, fr, it, nl, pt, ar, bg and 10 for fa, ur, he (short texts: the hard case);
- ``gold_sentences_<lang>.jsonl``: the splitting gold passages (2-5 sentences each), as
  whole passages (``detect_language`` reads the first 500 characters of an article).

For each identifier: accuracy per language and kind, overall, and texts per second; then
the cost of detection per article against splitting it, on the bundled samples. All
rows are measured in the same run; "factcheck" is ``detect_language``: py3langid with
the unsure guesses (confidence < 0.2) replaced by the default English, so its accuracy
on non-English short texts is at most py3langid's (the price of never mis-cleaning an
English headline as Catalan).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from factcheck.language import detect_language

DATA = Path(__file__).parent / "data"
GOLD_LANGUAGES = ("es", "de", "fr", "it", "nl", "pt", "ar", "bg")


def load_cases(data: Path) -> list[tuple[str, str, str]]:
    """(language, kind, text) for every test text: short ones, then gold passages."""
    cases = []
    short = data / "langid_passages.jsonl"
    if short.exists():
        for line in short.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                cases.append((row["language"], row["kind"], row["text"]))
    for code in GOLD_LANGUAGES:
        path = data / f"gold_sentences_{code}.jsonl"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    cases.append((row.get("language", code), "passage", row["text"]))
    if not cases:
        raise SystemExit(f"{data}: no langid_passages.jsonl or gold_sentences_*.jsonl found.")
    return cases


def identifiers() -> dict[str, Callable[[str], str]]:
    """Each identifier as text -> ISO 639-1 code (loaded before timing starts)."""
    import py3langid
    from langdetect import DetectorFactory
    from langdetect import detect as langdetect_detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is random without a seed

    def langdetect_code(text: str) -> str:
        try:
            return langdetect_detect(text).split("-")[0]
        except LangDetectException:
            return "?"

    found = {
        "factcheck": lambda text: detect_language(text).code,
        "py3langid": lambda text: py3langid.classify(text)[0],
        "langdetect": langdetect_code,
    }
    for identify in found.values():
        identify("warm up the model")
    return found


def score(identify: Callable[[str], str], cases: list[tuple[str, str, str]]):
    """Right answers per (language, kind), and texts per second."""
    right: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    start = time.perf_counter()
    answers = [identify(text) for _code, _kind, text in cases]
    seconds = time.perf_counter() - start
    for (code, kind, _text), answer in zip(cases, answers, strict=True):
        right[code, kind][0] += answer == code
        right[code, kind][1] += 1
    return right, len(cases) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the test files")
    args = parser.parse_args()
    cases = load_cases(args.data)
    found = identifiers()
    results = {name: score(identify, cases) for name, identify in found.items()}
    languages = sorted({c for c, _k, _t in cases}, key=lambda c: (c != "en", c))
    kinds = [k for k in ("headline", "sentence", "passage") if any(k == c[1] for c in cases)]
    print(f"{len(cases)} texts; accuracy (right/total) per language and kind\n")
    header = f"{'language':<9}{'kind':<10}" + "".join(f"{name:>12}" for name in found)
    print(header)
    for code in languages:
        for kind in kinds:
            counts = [results[name][0].get((code, kind)) for name in found]
            if not counts[0]:
                continue
            cells = "".join(f"{r}/{n:<3}".rjust(12) for r, n in counts)
            print(f"{code:<9}{kind:<10}{cells}")
    print()
    for kind in (*kinds, "all"):
        cells = ""
        for name in found:
            pairs = [v for (c, k), v in results[name][0].items() if kind in ("all", k)]
            right, total = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
            cells += f"{100 * right / total:11.1f}%"
        print(f"{'total':<9}{kind:<10}{cells}")
    print(f"{'speed':<19}" + "".join(f"{results[n][1]:>9.0f}/s " for n in found))
    print_cost()


def print_cost(repeats: int = 50) -> None:
    """Milliseconds per article: language detection against sentence splitting."""
    import factcheck
    from factcheck.sentences import split_sentences

    articles = factcheck.load_articles(factcheck.sample_path())

    def per_article(work: Callable[[str], object]) -> float:
        start = time.perf_counter()
        for _ in range(repeats):
            for article in articles:
                work(article.text)
        return (time.perf_counter() - start) * 1000 / (repeats * len(articles))

    detect = per_article(detect_language)
    split = per_article(split_sentences)
    print(
        f"\nper article (bundled samples): detect {detect:.2f} ms, split {split:.2f} ms "
        f"(detection = {detect / split:.2f} x splitting)"
    )


if __name__ == "__main__":
    main()
