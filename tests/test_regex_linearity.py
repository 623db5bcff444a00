"""Cleaning and splitting stay linear in their input, whatever it contains.

No wall-clock thresholds: each check times the same work at two sizes, ``n`` and ``8 * n``,
in the same run (the fastest of several repeats, in CPU time of this process), and requires
the ratio to stay below ``8 * 3``. Quadratic work would show a ratio near 64, cubic near
512. Every regular expression in the text modules is fed strings built to make backtracking
patterns blow up (long runs of spaces after a trigger word, runs of brackets, markers and
punctuation), and so is the whole load path.

The other modules' patterns get the same treatment (``OTHER_PATTERNS``). Audited, by module:
card.py ``_URL_LIKE`` (was cubic on a run of "@": fixed), ``_LEADING_NUMBER``, the backtick
runs of ``_code_span``; classroom.py ``_SECRET``; exports.py ``_TSV_BREAKS`` and the label
whitespace pattern; report.py ``_HEX``; log.py ``_NEEDS_QUOTES``, ``_SCHEME_ID``, the annotator slug
patterns and ``_RECORDS``; live.py ``_RECORD`` and ``_PARTIAL`` (bytes, only ever matched at a position:
``ANCHORED``; their possessive quantifiers need Python 3.11); _atomic.py's temporary-name pattern. gold.py,
adjudication.py, grades.py, ingest.py, assignment.py, labels.py, roster.py, student.py,
classroom_server.py, webpage.py, workspace.py, spreadsheet.py, session.py, paths.py,
agreement.py, charts.py, annotator.py and cli.py use no regular expression.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest

from factcheck import (
    _atomic,
    articles,
    card,
    classroom,
    cleaning,
    corpus,
    exports,
    live,
    log,
    report,
    sentences,
)
from factcheck.cleaning import clean_text
from factcheck.sentences import split_sentences

LINEAR_RATIO = 8 * 3
# Words that start the patterns, so the engine gets past the first token and backtracks.
TRIGGERS = [
    "",
    "Published",
    "Updated on",
    "By",
    "By Ann Lee",
    "photo",
    "(photo",
    "Photo credit",
    "# ",
    "> ",
    "[",
    "![a](",
    "**",
    "facebook",
    "Share on",
    "1 May 2024",
    "Advertisement -",
    "reporting by",
    "Tags:",
    "©",
    "comments",
    "Read more",
    "|",
    '"Why',
    "Mr.",
    "at 4 p.m.",
    "U.S.",
    "www.example",
]
FILLERS = [" ", "a", ". ", "[", "**", '"', "|", "-", "a.", " a", "?", "\u00a0"]
TAILS = ["", "!", "x", "."]


def _cost(work: Callable[[], object], repeats: int = 5) -> float:
    """CPU seconds per call of ``work``: the fastest of ``repeats`` timings, each of enough
    calls to last two milliseconds or more. CPU time of this process, not wall-clock time,
    so other processes on a shared machine do not count."""
    calls = 1
    while True:
        start = time.process_time()
        for _ in range(calls):
            work()
        if time.process_time() - start >= 2e-3 or calls >= 1024:
            break
        calls *= 2
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(calls):
            work()
        best = min(best, (time.process_time() - start) / calls)
    return best


def _ratio(make: Callable[[int], str], apply: Callable[[str], object], n: int) -> float:
    """How much longer ``apply`` takes on ``make(8 * n)`` than on ``make(n)``."""
    small, large = make(n), make(8 * n)
    apply(small)  # warm caches (compiled patterns, pysbd's segmenter)
    return _cost(lambda: apply(large)) / max(_cost(lambda: apply(small)), 1e-7)


def _patterns(module: object) -> dict[str, re.Pattern[str]]:
    return {
        f"{module.__name__}.{name}": value
        for name, value in vars(module).items()
        if isinstance(value, re.Pattern)
    }


PATTERNS = {
    **_patterns(cleaning),
    **_patterns(sentences),
    **_patterns(articles),
    **_patterns(corpus),
}
# Patterns that are super-linear on their own and are only ever applied to a bounded line;
# the bound is checked through the function that applies them (below).
BOUNDED = {"factcheck.cleaning._ADVERT": cleaning.MAX_ADVERT_CHARS}


# Patterns of the other modules, including those written inline or built by a function.
OTHER_PATTERNS = {
    **_patterns(card),
    **_patterns(classroom),
    **_patterns(exports),
    **_patterns(report),
    **_patterns(log),
    **_patterns(live),
    "factcheck.card._code_span backticks": re.compile(r"`+"),
    "factcheck.exports label spaces": re.compile(r"\s+"),
    "factcheck.log._SCHEME_ID": re.compile(log._SCHEME_ID),
    "factcheck.log annotator slug": re.compile(r"[^\w.-]+"),
    "factcheck.log slug dashes": re.compile(r"-{2,}"),
    "factcheck.log slug letter": re.compile(r"[^\W_]"),
    "factcheck._atomic._temp_pattern": _atomic._temp_pattern("log.csv"),
}


# Patterns the modules only ever match at a given position (never search with).
ANCHORED = {
    "factcheck.live._RECORD",
    "factcheck.live._PARTIAL",
    "factcheck.log._RECORDS",
    "factcheck.log._SCHEME_ID",
    "factcheck._atomic._temp_pattern",
}


def _exercise(pattern: re.Pattern, anchored: bool = False) -> Callable[[str], object]:
    """Everything the modules do with a pattern: match at the start, match the whole string,
    and (unless ``anchored``) search every position; a bytes pattern gets the text as UTF-8."""
    encode = isinstance(pattern.pattern, bytes)

    def run(text: str) -> object:
        data = text.encode() if encode else text
        found = 0 if anchored else sum(1 for _ in pattern.finditer(data))
        return pattern.match(data), found, pattern.fullmatch(data)

    return run


def _worst_family(apply: Callable[[str], object], n: int) -> Callable[[int], str]:
    """The trigger + filler * k + tail family that costs ``apply`` most at size ``n``."""
    families = [
        (lambda k, t=t, f=f, e=e: t + f * (k // len(f)) + e)
        for t in TRIGGERS
        for f in FILLERS
        for e in TAILS
    ]
    return max(families, key=lambda make: _once(lambda: apply(make(n))))


def _once(work: Callable[[], object]) -> float:
    """Seconds of one call of ``work`` (enough to rank the families)."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


@pytest.mark.parametrize("name", sorted(set(PATTERNS) - set(BOUNDED)))
def test_every_text_pattern_is_linear_on_adversarial_input(name):
    """Test that a text pattern's work grows linearly on the input that costs it most."""
    apply = _exercise(PATTERNS[name])
    make = _worst_family(apply, 300)
    ratio = _ratio(make, apply, 1500)
    assert ratio < LINEAR_RATIO, f"{name}: {ratio:.1f}x the time for 8x the input {make(20)!r}"


@pytest.mark.parametrize("name", sorted(OTHER_PATTERNS))
def test_other_modules_patterns_are_linear_on_adversarial_input(name):
    """Test that a pattern outside the text modules grows linearly on its worst input."""
    apply = _exercise(OTHER_PATTERNS[name], anchored=name in ANCHORED)
    make = _worst_family(apply, 300)
    ratio = _ratio(make, apply, 1500)
    assert ratio < LINEAR_RATIO, f"{name}: {ratio:.1f}x the time for 8x the input {make(20)!r}"


def test_card_address_pattern_is_linear_on_runs_of_at_signs():
    """Test that the card's URL/address pattern stays linear on "@" runs (it was cubic)."""
    apply = _exercise(card._URL_LIKE)
    for make in (lambda k: "@" * k, lambda k: "a@" * (k // 2), lambda k: "a." * (k // 2)):
        ratio = _ratio(make, apply, 1000)
        assert ratio < LINEAR_RATIO, f"{ratio:.1f}x the time for 8x the input {make(20)!r}"


def test_card_address_pattern_finds_the_same_spans_on_normal_text():
    """Test that the card still marks URLs and addresses as before the linear rewrite."""
    text = "See https://e.test/x and www.x.org, (http://a@b.c) or mail ana.lee@x.co.uk! a@b @c.d"
    found = [match.group() for match in card._URL_LIKE.finditer(text)]
    assert found == ["https://e.test/x", "www.x.org,", "(http://a@b.c)", "ana.lee@x.co.uk!"]


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_bounded_patterns_never_see_a_long_line(name):
    """Test that a pattern that is only safe on short lines is guarded by its bound."""
    limit = BOUNDED[name]
    line = "Advertisement - continue" + " " * (limit * 40) + "!"
    ratio = _ratio(
        lambda k: line[:24] + " " * k + "!", lambda s: cleaning._furniture(s, in_body=True), 2000
    )
    assert ratio < LINEAR_RATIO


LOAD_PATH = {
    "published + spaces + letter": lambda k: "Published" + " " * k + "x\n\nThe dam held.\n",
    "by + spaces + !": lambda k: "By" + " " * k + "!\n\nThe dam held.\n",
    "one long word": lambda k: "a" * k,
    "many short sentences on one line": lambda k: "Word. " * (k // 6),
    "abbreviations, never a cut": lambda k: "Mr. A " * (k // 6),
    "quoted abbreviations": lambda k: '"' + "Mr. B said. " * (k // 12) + '"',
    "open quotes": lambda k: '"A. B' * (k // 5),
    "question marks and tags": lambda k: "</b>bold? " * (k // 10),
    "glued stops": lambda k: "in 2000.Trump " * (k // 14),
    "e-mail-like run": lambda k: "a.B@" * (k // 4),
    "many lines": lambda k: "The council met on Monday.\n" * (k // 27),
    "markdown markers": lambda k: "**a " * (k // 4),
    "links": lambda k: "The [council minutes](https://e.test/m) say so. " * (k // 48),
    "separators": lambda k: "Met.\x1c4. " * (k // 8),
    "open brackets before stops": lambda k: "(a. B " * (k // 6),
    "closing quotes after stops": lambda k: 'A." B ' * (k // 6),
    "doubled stops": lambda k: "St.. A " * (k // 7),
    "closers without spaces": lambda k: '.")' * (k // 3),
    "attributions after quotes": lambda k: '"Why?" asked Dr. Lee ' * (k // 21),
}


@pytest.mark.parametrize("name", sorted(LOAD_PATH))
def test_cleaning_and_splitting_are_linear_in_the_input(name):
    """Test that clean_text + split_sentences (the whole text load path) grow linearly."""
    make = LOAD_PATH[name]

    def load(text: str) -> object:
        cleaned = clean_text(text, markdown=True)
        return split_sentences(cleaned.text, edits=cleaned.edits)

    ratio = _ratio(make, load, 4 * sentences.MAX_LINE_CHARS)
    assert ratio < LINEAR_RATIO, f"{name}: {ratio:.1f}x the time for 8x the input"


# Each language's patterns of the splitter (built per language, so not module attributes).
LANGUAGE_PATTERNS = {
    f"factcheck.sentences[{code}] {kind}": pattern
    for code, language in sentences._LANGUAGES.items()
    for kind, pattern in (
        ("candidate", language.candidate),
        ("quote marks", language.quote_marks),
        ("attribution", language.attribution),
    )
    if pattern is not None
}


@pytest.mark.parametrize("name", sorted(LANGUAGE_PATTERNS))
def test_every_language_pattern_is_linear_on_adversarial_input(name):
    """Test that a language's candidate, quotation and attribution patterns grow linearly."""
    apply = _exercise(LANGUAGE_PATTERNS[name])
    make = _worst_family(apply, 300)
    ratio = _ratio(make, apply, 1500)
    assert ratio < LINEAR_RATIO, f"{name}: {ratio:.1f}x the time for 8x the input {make(20)!r}"


# Inputs built on each language's conventions: guillemets with spaces, ordinals, held
# abbreviations, glued stops, Arabic attributions, runs of closing marks.
LANGUAGE_LOAD_PATH = {
    "spaced guillemets": lambda k: "« Oui ! » " * (k // 10),
    "open low quotes": lambda k: "„A. B" * (k // 5),
    "ordinals": lambda k: "am 3. Mai " * (k // 10),
    "held abbreviations": lambda k: "ca. Mio. " * (k // 9),
    "glued stops": lambda k: "en 1998.Desde " * (k // 14),
    "attributions": lambda k: "«لماذا؟» قال " * (k // 13),
    "closers without spaces": lambda k: "?»" * (k // 2),
    "one long word": lambda k: "а" * k,
}


@pytest.mark.parametrize("language", sorted(sentences._LANGUAGES))
def test_splitting_every_language_is_linear_in_the_input(language):
    """Test that split_sentences in each language grows linearly on every family above."""
    for name, make in LANGUAGE_LOAD_PATH.items():
        ratio = _ratio(
            make, lambda text: split_sentences(text, language=language), sentences.MAX_LINE_CHARS
        )
        assert ratio < LINEAR_RATIO, f"{language} {name}: {ratio:.1f}x the time for 8x the input"
