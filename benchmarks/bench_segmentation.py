"""Sentence-splitting accuracy on our hand-checked news test set: factcheck vs the alternatives.

Run: ``.venv/bin/python benchmarks/bench_segmentation.py [--show-errors NAME]``

Every splitter gets the same lines (text is split at newlines first, as ``split_sentences``
does), so the comparison is about sentence boundaries inside a line. Prints passage-level
exact-match accuracy, sentence-level precision/recall/F1 (exact spans), boundary-level
precision/recall/F1 (sentence ends inside a line), and a per-tag breakdown. Passages tagged
``heldout`` were written after the splitter's repairs and scored before any further change
(factcheck 23/25, pysbd 18/25, syntok 21/25, blingfire 18/25 at that time): read that row
as the estimate for unseen news text, the rest as a regression record.

Then the public English golden rules (``data/golden_rules_en.json``: pySBD's English golden
rules, the Pragmatic Segmenter "Golden Rules (English)" and pySBD's regression issues),
scored as those suites score them (exact list of stripped sentences), factcheck beside
plain pysbd, with every case factcheck fails and why.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from factcheck.sentences import split_sentences

GOLD_PATH = Path(__file__).parent / "data" / "segmentation.jsonl"
GOLDEN_RULES_PATH = Path(__file__).parent / "data" / "golden_rules_en.json"
# Golden-rule cases that conflict with a documented news convention of split_sentences.
CONVENTIONS = {
    ("pragmatic", 40): "each line is its own segment (scraped news: a line is a paragraph, "
    "list item or subheading), so a line break is never inside a sentence",
    ("pragmatic", 41): "each line is its own segment, as for rule 40; text is never rejoined "
    "(the sentence must slice back from the article text)",
}
_LINE = re.compile(r"[^\n]+")

Span = tuple[int, int]


@dataclass(frozen=True)
class Passage:
    """One hand-checked passage: its text, the expected sentences and their tags."""

    id: str
    text: str
    sentences: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def spans(self) -> list[Span]:
        """Offsets of the expected sentences, found in order in the text."""
        spans, pos = [], 0
        for sentence in self.sentences:
            start = self.text.index(sentence, pos)
            pos = start + len(sentence)
            spans.append((start, pos))
        return spans


def read_passages(path: Path) -> Iterator[tuple[dict, Passage]]:
    """Each JSONL row of a gold set with its passage; a sentence missing from its text (in
    order) is an error naming the file and line."""
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
            yield row, passage


def load_gold(path: Path = GOLD_PATH) -> list[Passage]:
    """Read the JSONL test set; a sentence missing from its text is an error in the set."""
    return [passage for _, passage in read_passages(path)]


def _trim(line: str, start: int, end: int) -> Span | None:
    piece = line[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return (start + lead, end - trail) if end - trail > start + lead else None


def _by_lines(split_line: Callable[[str], list[Span]]) -> Callable[[str], list[Span]]:
    """Apply a one-line splitter to every line of a text, as split_sentences does."""

    def split(text: str) -> list[Span]:
        spans = []
        for match in _LINE.finditer(text):
            if not match.group().strip():
                continue
            for start, end in split_line(match.group()):
                trimmed = _trim(match.group(), start, end)
                if trimmed:
                    spans.append((match.start() + trimmed[0], match.start() + trimmed[1]))
        return spans

    return split


@lru_cache(maxsize=1)
def _pysbd():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _pysbd_line(line: str) -> list[Span]:
    return [(seg.start, seg.end) for seg in _pysbd().segment(line)]


def _syntok_line(line: str) -> list[Span]:
    from syntok import segmenter

    spans = []
    for paragraph in segmenter.analyze(line):
        for sentence in paragraph:
            tokens = list(sentence)
            if tokens:
                # A token's offset points at its value; the spacing before it is not included.
                spans.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
    return spans


def _blingfire_line(line: str) -> list[Span]:
    import blingfire

    _, offsets = blingfire.text_to_sentences_and_offsets(line)
    return [(start, end) for start, end in offsets]


def _factcheck(text: str) -> list[Span]:
    return [(s.start, s.end) for s in split_sentences(text)]


SPLITTERS: dict[str, Callable[[str], list[Span]]] = {
    "factcheck": _factcheck,
    "pysbd": _by_lines(_pysbd_line),
    "syntok": _by_lines(_syntok_line),
    "blingfire": _by_lines(_blingfire_line),
}


@dataclass
class Score:
    """Counts for one splitter (overall or for one tag)."""

    passages: int = 0
    exact: int = 0
    gold_sentences: int = 0
    predicted_sentences: int = 0
    matched_sentences: int = 0
    gold_boundaries: int = 0
    predicted_boundaries: int = 0
    matched_boundaries: int = 0
    failed: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.exact / self.passages if self.passages else 0.0

    def prf(self, kind: str) -> tuple[float, float, float]:
        """Precision, recall and F1 of 'sentences' (exact spans) or 'boundaries'."""
        gold = getattr(self, f"gold_{kind}")
        predicted = getattr(self, f"predicted_{kind}")
        matched = getattr(self, f"matched_{kind}")
        precision = matched / predicted if predicted else 0.0
        recall = matched / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def _inner_ends(text: str, spans: list[Span]) -> set[int]:
    """Sentence ends that are not at the end of a line (those are given to every splitter)."""
    return {end for _, end in spans if text[end:].split("\n", 1)[0].strip()}


def score_passage(score: Score, passage: Passage, predicted: list[Span]) -> None:
    """Add one passage's counts to ``score``."""
    gold = passage.spans
    score.passages += 1
    if predicted == gold:
        score.exact += 1
    else:
        score.failed.append(passage.id)
    score.gold_sentences += len(gold)
    score.predicted_sentences += len(predicted)
    score.matched_sentences += len(set(gold) & set(predicted))
    gold_ends, predicted_ends = (
        _inner_ends(passage.text, gold),
        _inner_ends(passage.text, predicted),
    )
    score.gold_boundaries += len(gold_ends)
    score.predicted_boundaries += len(predicted_ends)
    score.matched_boundaries += len(gold_ends & predicted_ends)


def evaluate(
    passages: list[Passage], splitters: dict[str, Callable[[str], list[Span]]] | None = None
) -> dict[str, tuple[Score, dict[str, Score], float]]:
    """Score every splitter: overall, per tag, and the seconds it took."""
    results = {}
    for name, split in (splitters or SPLITTERS).items():
        overall, by_tag = Score(), defaultdict(Score)
        started = time.perf_counter()
        predictions = [split(p.text) for p in passages]
        seconds = time.perf_counter() - started
        for passage, predicted in zip(passages, predictions, strict=True):
            score_passage(overall, passage, predicted)
            for tag in passage.tags:
                score_passage(by_tag[tag], passage, predicted)
        results[name] = (overall, dict(by_tag), seconds)
    return results


@dataclass(frozen=True)
class GoldenCase:
    """One public golden-rule case: which set, its number or issue, text, expected sentences."""

    set: str
    name: str
    text: str
    sentences: tuple[str, ...]


def load_golden_rules(path: Path = GOLDEN_RULES_PATH) -> list[GoldenCase]:
    """The golden-rule cases, in file order."""
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return [
        GoldenCase(
            c["set"], str(c.get("rule", c.get("issue", i))), c["text"], tuple(c["sentences"])
        )
        for i, c in enumerate(cases)
    ]


def golden_results(cases: list[GoldenCase]) -> dict[str, dict[str, list[GoldenCase]]]:
    """For factcheck and plain pysbd: the cases each gets wrong, by set."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)  # as pySBD's own suite runs it
    splitters = {
        "factcheck": lambda text: [s.text for s in split_sentences(text)],
        "pysbd": lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()],
    }
    failed: dict[str, dict[str, list[GoldenCase]]] = {name: defaultdict(list) for name in splitters}
    for case in cases:
        for name, split in splitters.items():
            if tuple(split(case.text)) != case.sentences:
                failed[name][case.set].append(case)
    return failed


def print_golden_rules() -> None:
    """Print golden-rule pass counts, factcheck beside pysbd, and factcheck's failures."""
    cases = load_golden_rules()
    failed = golden_results(cases)
    sets = list(dict.fromkeys(c.set for c in cases))
    print(f"\nPublic English golden rules ({GOLDEN_RULES_PATH.name}): cases passed")
    print(f"{'set':<14}{'cases':>6}{'factcheck':>11}{'pysbd':>7}")
    for name in sets:
        n = sum(1 for c in cases if c.set == name)
        ours, theirs = (n - len(failed[s][name]) for s in ("factcheck", "pysbd"))
        print(f"{name:<14}{n:>6}{ours:>11}{theirs:>7}")
    ours_total = len(cases) - sum(len(v) for v in failed["factcheck"].values())
    theirs_total = len(cases) - sum(len(v) for v in failed["pysbd"].values())
    print(f"{'all':<14}{len(cases):>6}{ours_total:>11}{theirs_total:>7}")
    pysbd_failed = {id(c) for v in failed["pysbd"].values() for c in v}
    regressions = [c for v in failed["factcheck"].values() for c in v if id(c) not in pysbd_failed]
    print(f"cases pysbd gets right and factcheck fails: {len(regressions)}")
    for case in (c for v in failed["factcheck"].values() for c in v):
        why = CONVENTIONS.get((case.set, int(case.name) if case.name.isdigit() else case.name))
        both = "pysbd fails too" if id(case) in pysbd_failed else "pysbd passes"
        print(f"- {case.set} {case.name} ({both}): {case.text[:70]!r}")
        if why:
            print(f"  conflicts with a news convention: {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", metavar="NAME", help="print the passages NAME gets wrong")
    args = parser.parse_args()
    passages = load_gold()
    for split in SPLITTERS.values():  # warm up imports and caches outside the timing
        split("Warm up. Now.")
    results = evaluate(passages)
    n_sentences = sum(len(p.sentences) for p in passages)
    print(f"Gold set: {len(passages)} passages, {n_sentences} sentences ({GOLD_PATH.name})\n")
    header = (
        f"{'splitter':<10} {'passages':>9} {'acc':>6} {'sent P':>7} {'sent R':>7} {'sent F1':>8}"
        f" {'bound P':>8} {'bound R':>8} {'bound F1':>9} {'ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, (score, _, seconds) in results.items():
        sp, sr, sf = score.prf("sentences")
        bp, br, bf = score.prf("boundaries")
        print(
            f"{name:<10} {score.exact:>4}/{score.passages:<4} {score.accuracy:>6.1%} {sp:>7.3f}"
            f" {sr:>7.3f} {sf:>8.3f} {bp:>8.3f} {br:>8.3f} {bf:>9.3f} {seconds * 1000:>7.1f}"
        )
    ours = results["factcheck"][0].accuracy
    best_other = max(
        score.accuracy for name, (score, _, _) in results.items() if name != "factcheck"
    )
    print(f"\nfactcheck passage accuracy minus best alternative: {ours - best_other:+.1%}")

    tags = sorted({tag for p in passages for tag in p.tags})
    print("\nPassage accuracy by tag (exact / passages with the tag)")
    print(f"{'tag':<20}" + "".join(f"{name:>12}" for name in results))
    for tag in tags:
        cells = []
        for _, by_tag, _ in results.values():
            score = by_tag[tag]
            cells.append(f"{score.exact:>3}/{score.passages:<3} {score.accuracy:>4.0%}")
        print(f"{tag:<20}" + "".join(f"{cell:>12}" for cell in cells))

    print_golden_rules()

    if args.show_errors:
        by_id = {p.id: p for p in passages}
        split = SPLITTERS[args.show_errors]
        print(f"\nPassages {args.show_errors} gets wrong:")
        for pid in results[args.show_errors][0].failed:
            passage = by_id[pid]
            print(f"- {pid}\n  expected: {list(passage.sentences)}")
            print(f"  got:      {[passage.text[a:b] for a, b in split(passage.text)]}")


if __name__ == "__main__":
    main()
