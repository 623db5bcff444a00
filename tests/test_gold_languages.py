"""The gold and blind passages in eight languages are well formed, and the benchmark scores them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests._scripts import benchmark

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
LANGUAGES = ("es", "de", "fr", "it", "nl", "pt", "ar", "bg")
KEYS = {"id", "language", "text", "sentences", "tags", "split"}

# Every language covers these; each language adds its own quotation and punctuation conventions.
COMMON = {
    "abbreviations",
    "abbreviation-at-end",
    "titles",
    "initials",
    "decimals",
    "times",
    "attribution",
    "question-quote",
    "exclamation-quote",
    "multi-sentence-quote",
    "quote-then-sentence",
    "numbered-list",
    "question",
    "ellipsis",
    "list",
    "heading",
    "url",
    "email",
}
CONVENTIONS = {
    "es": {"inverted-marks", "guillemets", "curly-quotes", "single-quotes", "dialogue-dash"},
    "de": {"ordinals", "low-high-quotes", "single-quotes", "guillemets"},
    "fr": {"guillemets", "consecutive-quotes", "ordinals"},
    "it": {"guillemets", "curly-quotes", "single-quotes", "apostrophe"},
    "nl": {"curly-quotes", "single-quotes", "low-high-quotes", "apostrophe"},
    "pt": {"guillemets", "curly-quotes", "single-quotes", "ordinals"},
    "ar": {
        "guillemets",
        "arabic-question",
        "arabic-comma",
        "arabic-semicolon",
        "arabic-full-stop",
        "arabic-indic-digits",
        "mixed-script",
    },
    "bg": {"low-high-quotes", "guillemets"},
}
# What a tag promises to find in the passage's text.
EVIDENCE = {
    "guillemets": re.compile(r"[«»]"),
    "low-high-quotes": re.compile(r"„"),
    "curly-quotes": re.compile(r"[“”]"),
    "single-quotes": re.compile(r"[‘’‚]"),
    "inverted-marks": re.compile(r"[¿¡]"),
    "dialogue-dash": re.compile(r"—"),
    "question": re.compile(r"[?؟]"),
    "question-quote": re.compile(r"[?؟]\s*[»“”\"’‘—]"),
    "exclamation-quote": re.compile(r"!\s*[»“”\"’‘]"),
    "ellipsis": re.compile(r"\.\.\.|…"),
    "list": re.compile(r"\n.*\n"),
    "numbered-list": re.compile(r"(?m)^\d+\. "),
    "quote-then-sentence": re.compile(r"[?!؟]\s*[»“”\"’‘]\s+\S"),
    "heading": re.compile(r"^[^.!?؟\n]+\n"),
    "url": re.compile(r"https?://|www\.|\.example/"),
    "email": re.compile(r"\w@\w"),
    "decimals": re.compile(r"\d[,.٫]\d"),
    "times": re.compile(r"\d"),
    "arabic-question": re.compile(r"؟"),
    "arabic-comma": re.compile(r"،"),
    "arabic-semicolon": re.compile(r"؛"),
    "arabic-full-stop": re.compile(r"۔"),
    "arabic-indic-digits": re.compile(r"[٠-٩]"),
    "mixed-script": re.compile(r"[A-Za-z]"),
}


SETS = ("gold", "blind")
BOTH = [(which, language) for which in SETS for language in LANGUAGES]


def _rows(language: str, which: str = "gold") -> list[dict]:
    path = DATA / f"{which}_sentences_{language}.jsonl"
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.mark.parametrize(("which", "language"), BOTH)
def test_every_sentence_is_copied_from_its_passage_in_order(which: str, language: str) -> None:
    """Test that sentences are exact substrings in order and cover all but the spaces between."""
    for row in _rows(language, which):
        assert set(row) == KEYS, row["id"]
        text, pos = row["text"], 0
        for sentence in row["sentences"]:
            assert sentence and sentence == sentence.strip(), (row["id"], sentence)
            start = text.find(sentence, pos)
            assert start >= 0, f"{row['id']}: {sentence!r} is not in the text after {pos}"
            assert not text[pos:start].strip(), (
                f"{row['id']}: {text[pos:start]!r} is in no sentence"
            )
            pos = start + len(sentence)
        assert not text[pos:].strip(), f"{row['id']}: {text[pos:]!r} is in no sentence"
        assert 2 <= len(row["sentences"]) <= 8, row["id"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_20_passages_its_code_and_a_held_out_quarter(language: str) -> None:
    """Test that a file has 20+ passages of its language, ids prefixed by it, a quarter held out."""
    rows = _rows(language)
    assert len(rows) >= 20
    assert {row["language"] for row in rows} == {language}
    assert all(row["id"].startswith(f"{language}-") for row in rows)
    assert {row["split"] for row in rows} == {"dev", "test"}
    held_out = sum(row["split"] == "test" for row in rows)
    assert 0.2 <= held_out / len(rows) <= 0.3, held_out


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_blind_set_has_15_passages_of_its_language_all_held_out(language: str) -> None:
    """Test that a blind file has 15+ passages of its language, ids prefixed, all split blind."""
    rows = _rows(language, "blind")
    assert len(rows) >= 15
    assert {row["language"] for row in rows} == {language}
    assert all(row["id"].startswith(f"{language}-") for row in rows)
    assert {row["split"] for row in rows} == {"blind"}


def test_ids_are_unique_across_languages_and_sets() -> None:
    """Test that no two passages share an id, in one file or across files of both sets."""
    ids = [row["id"] for which, language in BOTH for row in _rows(language, which)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("language", LANGUAGES)
def test_blind_passages_are_new_text_with_the_gold_tags(language: str) -> None:
    """Test that no blind sentence repeats a gold one, and blind tags are the gold set's tags."""
    gold = _rows(language)
    gold_sentences = {s for row in gold for s in row["sentences"]}
    gold_text = "\n".join(row["text"] for row in gold)
    gold_tags = {tag for which in LANGUAGES for row in _rows(which) for tag in row["tags"]}
    for row in _rows(language, "blind"):
        assert not gold_sentences & set(row["sentences"]), row["id"]
        long = [s for s in row["sentences"] if len(s) >= 30 and s in gold_text]
        assert not long, f"{row['id']} repeats gold text: {long}"
        assert set(row["tags"]) <= gold_tags, (row["id"], set(row["tags"]) - gold_tags)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_covers_its_conventions(language: str) -> None:
    """Test that the common hard cases and the language's own conventions each have a passage."""
    tags = {tag for row in _rows(language) for tag in row["tags"]}
    missing = (COMMON | CONVENTIONS[language]) - tags
    assert not missing, f"{language} has no passage tagged {sorted(missing)}"


@pytest.mark.parametrize(("which", "language"), BOTH)
def test_each_tag_is_borne_out_by_its_text(which: str, language: str) -> None:
    """Test that a passage tagged with a mark or shape contains it (e.g. ؟ for arabic-question)."""
    for row in _rows(language, which):
        for tag in row["tags"]:
            if tag in EVIDENCE:
                assert EVIDENCE[tag].search(row["text"]), f"{row['id']} is tagged {tag}"


@pytest.mark.parametrize("which", SETS)
def test_french_guillemets_have_inner_spaces(which: str) -> None:
    """Test that French quotations are written « Oui ! », with no-break and plain inner spaces."""
    texts = [row["text"] for row in _rows("fr", which) if "guillemets" in row["tags"]]
    assert texts and all(re.search(r"«[\s\u202f]", t) for t in texts)
    assert any("\u00a0" in t for t in texts) and any("\u202f" in t for t in texts)
    assert any("« " in t for t in texts)


@pytest.mark.parametrize("which", SETS)
def test_arabic_passages_are_in_arabic_script(which: str) -> None:
    """Test that every Arabic sentence has Arabic letters, and the set is mostly Arabic."""
    letters = arabic = 0
    for row in _rows("ar", which):
        for sentence in row["sentences"]:
            assert re.search("[\u0621-\u064a]", sentence), (row["id"], sentence)
            letters += sum(c.isalpha() for c in sentence)
            arabic += sum("\u0600" <= c <= "\u06ff" for c in sentence if c.isalpha())
    assert arabic > 0.9 * letters


def _bench_languages():
    """Load benchmarks/bench_languages.py (and the bench_segmentation it builds on)."""
    return benchmark("bench_languages")


def test_benchmark_scores_the_gold_spans_perfect_and_no_splitting_below(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Test that the benchmark gives gold spans 100% and a splitter that never splits less."""
    bench = _bench_languages()
    monkeypatch.setattr(bench, "MIN_SECONDS", 0.0)
    gold = bench.load_language("de")
    spans = {g.passage.text: g.passage.spans for g in gold}
    perfect, failed = bench.evaluate_language(gold, lambda text: spans[text])
    assert failed == [] and perfect.all.prf("boundaries") == (1.0, 1.0, 1.0)
    assert perfect.test.exact == perfect.test.passages > 0
    lines = bench.evaluate_language(gold, lambda text: [(0, len(text))])[0]
    assert lines.all.exact == 0 and lines.all.prf("boundaries")[1] == 0.0
    assert bench.best_alternative({"factcheck": perfect, "a": lines, "b": "n/a"}) == ("a", lines)


def test_benchmark_counts_every_blind_passage_as_held_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test that the benchmark reads a blind file and scores all its passages as held out."""
    bench = _bench_languages()
    monkeypatch.setattr(bench, "MIN_SECONDS", 0.0)
    blind = bench.load_language("fr", which="blind")
    assert blind and {g.split for g in blind} == {"blind"}
    spans = {g.passage.text: g.passage.spans for g in blind}
    result = bench.evaluate_language(blind, lambda text: spans[text])[0]
    assert result.test.passages == result.all.passages == result.test.exact == len(blind)
    with pytest.raises(ValueError, match="unknown set 'dev'"):
        bench.gold_path("fr", "dev")


def test_benchmark_names_the_file_and_line_of_a_broken_passage(tmp_path: Path) -> None:
    """Test that a sentence not found in its text is reported with the file and line number."""
    bench = _bench_languages()
    path = tmp_path / "gold_sentences_xx.jsonl"
    good = {"id": "xx-01", "language": "xx", "text": "A. B.", "sentences": ["A.", "B."]}
    bad = {**good, "id": "xx-02", "sentences": ["B.", "A."]}
    lines = [json.dumps({**row, "tags": [], "split": "dev"}) for row in (good, bad)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold_sentences_xx\.jsonl:2: .*'xx-02'"):
        bench.load_language("xx", path)


# --- the language-identification texts ---

LANGID = DATA / "langid_passages.jsonl"
SCRIPTS = {
    "ar": re.compile(r"[\u0621-\u064a]"),
    "fa": re.compile(r"[پچژگیک]"),  # letters Persian writes and Arabic does not
    "ur": re.compile(r"[ٹڈڑںےہھ]"),  # letters Urdu writes and Arabic does not
    "he": re.compile(r"[\u05d0-\u05ea]"),
    "bg": re.compile(r"[а-яА-Я]"),
}


def _langid_rows() -> list[dict]:
    with open(LANGID, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_langid_texts_cover_every_language_with_headlines_and_sentences() -> None:
    """Test that each gold language and English has 40+ texts, both kinds; fa, ur, he a few."""
    rows = _langid_rows()
    assert all(set(row) == {"id", "language", "kind", "text"} for row in rows)
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["text"] for row in rows}) == len(rows)
    for language in (*LANGUAGES, "en"):
        mine = [row for row in rows if row["language"] == language]
        assert len(mine) >= 40, language
        assert {row["kind"] for row in mine} == {"headline", "sentence"}, language
    for language in ("fa", "ur", "he"):
        assert len([row for row in rows if row["language"] == language]) >= 5, language
    assert {row["language"] for row in rows} == {*LANGUAGES, "en", "fa", "ur", "he"}


def test_langid_texts_are_in_their_language_s_script() -> None:
    """Test that Arabic, Persian, Urdu, Hebrew and Bulgarian texts carry their own letters."""
    for row in _langid_rows():
        if row["language"] in SCRIPTS:
            assert SCRIPTS[row["language"]].search(row["text"]), row["id"]
        if row["language"] == "ar":
            assert not SCRIPTS["fa"].search(row["text"]), f"{row['id']} has Persian letters"
