"""Sentence splitting beyond English: factcheck vs pysbd, syntok and blingfire per language.

Run: ``.venv/bin/python benchmarks/bench_languages.py [--set gold|blind|all] [--languages es,de]
[--show-errors NAME]``

Reads the hand-written passages (fictional news text; see ``data/README.md``): the gold set
``data/gold_sentences_{es,de,fr,it,nl,pt,ar,bg}.jsonl`` that factcheck's tables were tuned on,
and the blind set ``data/blind_sentences_*.jsonl`` written afterwards without looking at the
splitter, which no splitter was tuned on. ``--set all`` (the default) prints the gold figures,
then the blind ones, then both side by side. Every splitter is scored as
``bench_segmentation.py`` scores English, with its functions: passages exactly right (all, and
the held-out ones: the gold ``"split": "test"`` quarter, every blind passage), boundary
precision/recall/F1 (sentence ends inside a line; every splitter is given the lines), and gold
sentences per second. pysbd runs with the
language's own rules where ``pysbd.languages`` has them, else "n/a"; factcheck runs as
``split_sentences(text, language=code)``, or "n/a" when the installed factcheck has no
``language`` parameter. Then a summary over languages and each language's best alternative.
"""

from __future__ import annotations

import argparse
import inspect
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bench_segmentation import (
    Passage,
    Score,
    Span,
    _blingfire_line,
    _by_lines,
    _syntok_line,
    score_passage,
)

from factcheck.sentences import split_sentences

DATA = Path(__file__).parent / "data"
LANGUAGES = ("es", "de", "fr", "it", "nl", "pt", "ar", "bg")
NAMES = ("factcheck", "pysbd", "syntok", "blingfire")
SETS = ("gold", "blind")
HELD_OUT = {"test", "blind"}  # splits no splitter was tuned on
MIN_SECONDS = 0.3  # time each splitter over repeated passes until at least this long


@dataclass(frozen=True)
class GoldPassage:
    """A gold passage with its language and split (``dev``, ``test`` or ``blind``)."""

    passage: Passage
    language: str
    split: str


def gold_path(language: str, which: str = "gold") -> Path:
    """Where a language's passages of one set (``gold`` or ``blind``) live."""
    if which not in SETS:
        raise ValueError(f"unknown set {which!r}; use one of {', '.join(SETS)}")
    return DATA / f"{which}_sentences_{language}.jsonl"


def load_language(
    language: str, path: Path | None = None, which: str = "gold"
) -> list[GoldPassage]:
    """Read one language's JSONL; a sentence missing from its text is an error in the set."""
    path = path or gold_path(language, which)
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            row = json.loads(line)
            passage = Passage(row["id"], row["text"], tuple(row["sentences"]), tuple(row["tags"]))
            try:
                passage.spans  # noqa: B018 - validates the passage
            except ValueError:
                raise ValueError(
                    f"{path}:{number}: a sentence of {passage.id!r} is not in its text in order;"
                    " fix the passage so each sentence is copied from the text"
                ) from None
            rows.append(GoldPassage(passage, row["language"], row["split"]))
    return rows


@cache
def _pysbd_segmenter(language: str):
    import pysbd

    return pysbd.Segmenter(language=language, clean=False, char_span=True)


def pysbd_splitter(language: str) -> Callable[[str], list[Span]] | None:
    """pysbd with the language's rules, or None when pysbd has none for it."""
    from pysbd.languages import LANGUAGE_CODES

    if language not in LANGUAGE_CODES:
        return None
    segmenter = _pysbd_segmenter(language)
    return _by_lines(lambda line: [(s.start, s.end) for s in segmenter.segment(line)])


def factcheck_splitter(language: str) -> tuple[Callable[[str], list[Span]] | None, str]:
    """factcheck's split_sentences for a language, or None and why it cannot run."""
    if "language" not in inspect.signature(split_sentences).parameters:
        return None, "n/a (no language parameter)"

    def split(text: str) -> list[Span]:
        return [(s.start, s.end) for s in split_sentences(text, language=language)]

    try:
        split("Warm up. Now.")
    except (ValueError, LookupError) as error:
        return None, f"n/a ({error})"
    return split, ""


def splitters(language: str) -> dict[str, Callable[[str], list[Span]] | str]:
    """Each splitter for a language, or the reason it is not run ("n/a ...")."""
    ours, why = factcheck_splitter(language)
    theirs = pysbd_splitter(language)
    return {
        "factcheck": ours or why,
        "pysbd": theirs or "n/a (pysbd has no rules for this language)",
        "syntok": _by_lines(_syntok_line),
        "blingfire": _by_lines(_blingfire_line),
    }


@dataclass
class Result:
    """One splitter on one language: counts over all passages and over the test split."""

    all: Score
    test: Score
    sentences_per_second: float
    by_tag: dict[str, Score] = field(default_factory=dict)


def _timed(split: Callable[[str], list[Span]], texts: list[str]) -> tuple[list, float]:
    """Predictions of one pass, and the seconds per pass averaged over enough passes."""
    predictions = [split(text) for text in texts]  # also warms caches
    passes, started = 0, time.perf_counter()
    while True:
        for text in texts:
            split(text)
        passes += 1
        elapsed = time.perf_counter() - started
        if elapsed >= MIN_SECONDS:
            return predictions, elapsed / passes


def evaluate_language(
    gold: list[GoldPassage], split: Callable[[str], list[Span]]
) -> tuple[Result, list[str]]:
    """Score one splitter on one language's passages; also the ids it gets wrong."""
    predictions, seconds = _timed(split, [g.passage.text for g in gold])
    overall, test, by_tag = Score(), Score(), defaultdict(Score)
    for item, predicted in zip(gold, predictions, strict=True):
        score_passage(overall, item.passage, predicted)
        if item.split in HELD_OUT:
            score_passage(test, item.passage, predicted)
        for tag in item.passage.tags:
            score_passage(by_tag[tag], item.passage, predicted)
    n_sentences = sum(len(g.passage.sentences) for g in gold)
    rate = n_sentences / seconds if seconds else 0.0
    return Result(overall, test, rate, dict(by_tag)), overall.failed


def best_alternative(results: dict[str, Result | str]) -> tuple[str, Result] | None:
    """The alternative with the highest boundary F1 (ties: more passages exactly right)."""
    scored = [(n, r) for n, r in results.items() if n != "factcheck" and isinstance(r, Result)]
    if not scored:
        return None
    return max(scored, key=lambda nr: (nr[1].all.prf("boundaries")[2], nr[1].all.exact))


def _row(name: str, result: Result | str) -> str:
    if isinstance(result, str):
        return f"{name:<10} {result}"
    score, test = result.all, result.test
    bp, br, bf = score.prf("boundaries")
    return (
        f"{name:<10} {score.exact:>4}/{score.passages:<4} {score.accuracy:>6.1%}"
        f" {test.exact:>4}/{test.passages:<4} {bp:>8.3f} {br:>8.3f} {bf:>9.3f}"
        f" {result.sentences_per_second:>10,.0f}"
    )


HEADER = (
    f"{'splitter':<10} {'exact':>9} {'acc':>6} {'held out':>9} {'bound P':>8} {'bound R':>8}"
    f" {'bound F1':>9} {'sents/s':>10}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="comma-separated codes")
    parser.add_argument(
        "--set",
        dest="which",
        choices=(*SETS, "all"),
        default="all",
        help="gold (tuned on), blind (never seen) or all: both, one after the other",
    )
    parser.add_argument("--show-errors", metavar="NAME", help="print the passages NAME gets wrong")
    args = parser.parse_args()
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    which = SETS if args.which == "all" else (args.which,)
    summaries = {name: run_set(name, languages, args.show_errors) for name in which}
    if len(summaries) > 1:
        print_side_by_side(summaries)


def run_set(
    which: str, languages: list[str], show_errors: str | None
) -> dict[str, dict[str, Result | str]]:
    """Score every splitter on one set's languages and print the tables; return the results."""
    print(f"\n===== {which} set ({which}_sentences_*.jsonl) =====")
    summary: dict[str, dict[str, Result | str]] = {}
    for language in languages:
        gold = load_language(language, which=which)
        n_sentences = sum(len(g.passage.sentences) for g in gold)
        n_held = sum(1 for g in gold if g.split in HELD_OUT)
        print(
            f"\n[{language}] {len(gold)} passages ({n_held} held out), {n_sentences} sentences"
            f" ({gold_path(language, which).name})"
        )
        print(HEADER)
        print("-" * len(HEADER))
        results: dict[str, Result | str] = {}
        errors: dict[str, list[str]] = {}
        for name, split in splitters(language).items():
            if isinstance(split, str):
                results[name] = split
            else:
                results[name], errors[name] = evaluate_language(gold, split)
            print(_row(name, results[name]))
        best = best_alternative(results)
        if best:
            name, result = best
            print(
                f"best alternative: {name} (boundary F1 {result.all.prf('boundaries')[2]:.3f},"
                f" {result.all.exact}/{result.all.passages} exact)"
            )
            ours = results["factcheck"]
            if isinstance(ours, Result):
                gap = ours.all.prf("boundaries")[2] - result.all.prf("boundaries")[2]
                print(
                    f"factcheck minus best alternative: boundary F1 {gap:+.3f},"
                    f" passages exact {ours.all.exact - result.all.exact:+d}"
                )
        if show_errors and show_errors in errors:
            by_id = {g.passage.id: g.passage for g in gold}
            split = splitters(language)[show_errors]
            for pid in errors[show_errors]:
                passage = by_id[pid]
                print(f"- {pid}\n  expected: {list(passage.sentences)}")
                print(f"  got:      {[passage.text[a:b] for a, b in split(passage.text)]}")
        summary[language] = results

    print(f"\nSummary, {which} set: passages exactly right / boundary F1 (n/a: not run)")
    print(f"{'language':<9}" + "".join(f"{name:>16}" for name in NAMES) + "   best alternative")
    for language, results in summary.items():
        cells = [f"{_cell(results[name]):>16}" for name in NAMES]
        best = best_alternative(results)
        print(f"{language:<9}" + "".join(cells) + f"   {best[0] if best else '-'}")
    print_by_tag(summary)
    return summary


def _cell(result: Result | str) -> str:
    """'exact% / boundary F1' of one result, or 'n/a'."""
    if isinstance(result, str):
        return "n/a"
    return f"{result.all.accuracy:.0%} / {result.all.prf('boundaries')[2]:.3f}"


def print_side_by_side(summaries: dict[str, dict[str, dict[str, Result | str]]]) -> None:
    """factcheck and the best alternative on each set, per language, so the drop shows."""
    names = list(summaries)
    print("\nfactcheck and the best alternative, set by set (exactly right / boundary F1)")
    header = f"{'language':<9}" + "".join(
        f"{'factcheck ' + n:>18}{'best alt. ' + n:>30}" for n in names
    )
    print(header)
    languages = [code for code in summaries[names[0]] if all(code in s for s in summaries.values())]
    for language in languages:
        cells = []
        for name in names:
            results = summaries[name][language]
            best = best_alternative(results)
            alt = f"{best[0]} {_cell(best[1])}" if best else "-"
            cells.append(f"{_cell(results['factcheck']):>18}{alt:>30}")
        print(f"{language:<9}" + "".join(cells))


def print_by_tag(summary: dict[str, dict[str, Result | str]]) -> None:
    """Passages exactly right per tag, pooled over the languages each splitter ran on."""
    pooled: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for results in summary.values():
        for name, result in results.items():
            if isinstance(result, Result):
                for tag, score in result.by_tag.items():
                    pooled[tag][name][0] += score.exact
                    pooled[tag][name][1] += score.passages
    print("\nPassages exactly right by tag, all languages pooled (exact/passages)")
    print(f"{'tag':<22}" + "".join(f"{name:>12}" for name in NAMES))
    for tag in sorted(pooled):
        cells = []
        for name in NAMES:
            exact, passages = pooled[tag].get(name, (0, 0))
            cells.append(f"{exact:>4}/{passages:<4}" if passages else "n/a")
        print(f"{tag:<22}" + "".join(f"{cell:>12}" for cell in cells))


if __name__ == "__main__":
    main()
