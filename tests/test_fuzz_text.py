"""Fuzzing every text loader and the splitter, and replaying every input that ever failed.

Each property runs a fixed, derandomised budget of examples (the whole file takes well under
a minute), on text with quotes, separators, lone surrogates, control characters, RTL text,
emoji, Markdown markers and very long lines. The invariants: only factcheck's own errors
escape; sentences slice back from the article text; sentence source offsets slice the
source, and only recorded edits turn that slice into the sentence; reading never changes
the input file. Inputs that failed are kept in tests/regressions/text/ and replayed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck import Article, load_article, load_articles, safe_id
from factcheck._decode import decode_bytes
from factcheck.cleaning import Edit, _plain, apply_edits
from factcheck.corpus import read_csv_corpus, read_jsonl_corpus
from factcheck.errors import FactcheckError
from factcheck.sentences import split_sentences
from factcheck.webpage import extract_webpage

REGRESSIONS = Path(__file__).parent / "regressions" / "text"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces real scraped text is made of, and pieces that broke something once.
PIECES = st.sampled_from(
    [
        "The council met on Monday.",
        "“Why now?” asked Sen. Reyes.",
        '"We are ready. The trains will run," she said.',
        "Prices rose 4.5% in 2000.Officials said no.",
        "Her email is Jane.Doe@example.com. I sent her an email.",
        "</script><b>bold?</b> appeared",
        "window.__pwned=4 and **bold** and __init__",
        "![x](https://img.test/x.jpg)",
        "[Read more](https://news.example/more)",
        "# Headline here",
        "> quoted line",
        "Advertisement",
        "By Ana Ruiz, Staff",
        "Published 3 May 2026",
        "Published" + " " * 300 + "x",
        "By" + " " * 300 + "!",
        "COMMENTS",
        "The council met.\x1c4. Prices rose. 5. Next.",
        "Monday \ud83d. It voted.",
        "\u202eمرحبا بالعالم. The vote passed.",
        "Emoji 🗳️ vote 👍🏽. Done.",
        "no\u00a0break\u202fspaces here.",
        "\x00\x07\x1b\x1f\x7f\x85\u2028\u2029",
        "a" * 3000,
        "Word. " * 500,
    ]
)
CHARS = st.characters(codec=None, categories=None)  # every code point, surrogates included
LINE = st.one_of(PIECES, st.text(CHARS, max_size=60))
SEPARATOR = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n \n", "\x1c", "\t"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A document of scraped-looking lines joined by assorted line ends and separators."""
    lines = draw(st.lists(LINE, min_size=1, max_size=8))
    return "".join(line + draw(SEPARATOR) for line in lines)


@contextmanager
def folder() -> Iterator[Path]:
    """A fresh temporary folder (hypothesis runs many examples per test function)."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def utf8(text: str) -> bytes:
    """Bytes of ``text``; lone surrogates become invalid UTF-8 bytes, as in a broken file."""
    return text.encode("utf-8", "surrogatepass")


def within(source: str, edits: tuple[Edit, ...], start: int, end: int) -> str:
    """``source[start:end]`` with the edits inside it applied; no edit may straddle it."""
    inside = []
    for edit in edits:
        if edit.source_end <= start or edit.source_start >= end:
            continue
        assert start <= edit.source_start and edit.source_end <= end, (edit, start, end)
        inside.append(edit)
    out, pos = [], start
    for edit in sorted(inside, key=lambda e: (e.source_start, e.source_end)):
        out.append(source[pos : edit.source_start])
        out.append(edit.text)
        pos = edit.source_end
    out.append(source[pos:end])
    return "".join(out)


def assert_traceable(article: Article, source: str) -> None:
    """Sentences slice back from the text, and from the source through recorded edits only."""
    assert apply_edits(source, article.edits) == article.text
    for removed in article.removed:  # every dropped line points at its own characters
        original = source[removed.source_start : removed.source_end]
        assert _plain(original) == removed.text
    previous = 0
    for sentence in article.sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= previous
        previous = sentence.end
        assert 0 <= sentence.source_start <= sentence.source_end <= len(source)
        piece = within(source, article.edits, sentence.source_start, sentence.source_end)
        assert piece == sentence.text


def load_quietly(path: Path) -> list[Article]:
    """load_articles with factcheck's warnings recorded (they are allowed, not errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_articles(path)


def load_or_refuse(path: Path) -> list[Article] | None:
    """The articles of ``path``, or None when factcheck refused it with its own error; the
    file's bytes must be unchanged either way."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        articles = load_quietly(path)
    except FactcheckError:
        articles = None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return articles


def decoded(path: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return decode_bytes(path.read_bytes(), path)


@FUZZ
@given(documents(), st.sampled_from([".txt", ".md"]))
def test_text_and_markdown_files_load_or_refuse_and_trace_to_source(text, suffix):
    """Test that any .txt/.md file loads with traceable sentences or is refused clearly."""
    with folder() as tmp:
        path = tmp / f"story{suffix}"
        path.write_bytes(utf8(text))
        articles = load_or_refuse(path)
        if articles:
            (article,) = articles
            assert_traceable(article, decoded(path))


@FUZZ
@given(st.lists(LINE, min_size=1, max_size=5))
def test_html_files_load_or_refuse_and_trace_to_extracted_text(paragraphs):
    """Test that any HTML page loads with sentences traceable to its extracted text."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    with folder() as tmp:
        path = tmp / "page.html"
        path.write_bytes(utf8(f"<html><body><article>{body}</article></body></html>"))
        articles = load_or_refuse(path)
        if articles:
            (article,) = articles
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                page = extract_webpage(decoded(path), str(path))
            assert_traceable(article, page.text)


def assert_rows_traceable(articles: list[Article], rows: list) -> None:
    """Each loaded article traces to the text field of the corpus row with its id."""
    texts = {row.id: row.text for row in rows}
    for article in articles:
        assert_traceable(article, texts[article.metadata["corpus_id"]])


@FUZZ
@given(st.lists(st.tuples(st.text(CHARS, max_size=8), documents()), min_size=1, max_size=4))
def test_jsonl_corpora_load_or_refuse_and_trace_to_row_text(rows):
    """Test that any JSONL corpus loads with sentences traceable to each row's text."""
    with folder() as tmp:
        path = tmp / "corpus.jsonl"
        lines = [
            json.dumps({"id": f"r{i}-{key}", "title": "T", "text": text})
            for i, (key, text) in enumerate(rows)
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        articles = load_or_refuse(path)
        if articles:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = list(read_jsonl_corpus(decoded(path), path))
            assert_rows_traceable(articles, parsed)


@FUZZ
@given(st.lists(documents(), min_size=1, max_size=4), st.text(CHARS, max_size=20))
def test_csv_corpora_load_or_refuse_and_trace_to_row_text(texts, header_junk):
    """Test that any CSV corpus (even with a broken header) loads traceably or is refused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title", "text"])
    for i, text in enumerate(texts):
        writer.writerow([f"r{i}", "T", text])
    with folder() as tmp:
        path = tmp / "corpus.csv"
        path.write_bytes(utf8(header_junk + out.getvalue()))
        articles = load_or_refuse(path)
        if articles:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = list(read_csv_corpus(decoded(path), path))
            assert_rows_traceable(articles, parsed)


@settings(FUZZ, max_examples=500)
@given(documents())
def test_split_sentences_never_fails_and_slices_back(text):
    """Test that split_sentences takes any text, and every sentence slices back from it."""
    sentences = split_sentences(text, article_id="fuzz")
    previous = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text.strip() == sentence.text and sentence.text
        assert sentence.start >= previous
        assert (sentence.source_start, sentence.source_end) == (sentence.start, sentence.end)
        previous = sentence.end


# --- the regression corpus ---

CASES = json.loads((REGRESSIONS / "cases.json").read_text(encoding="utf-8"))["cases"]
SPLIT_CASES = [
    json.loads(line)
    for line in (REGRESSIONS / "split_cases.jsonl").read_text(encoding="utf-8").splitlines()
]


@pytest.mark.parametrize("case", CASES, ids=[c["path"] for c in CASES])
def test_regression_corpus_case(case):
    """Test that an input that once failed now loads as expected, or is refused clearly."""
    path = REGRESSIONS / case["path"]
    before = {p: p.read_bytes() for p in ([path] if path.is_file() else path.rglob("*.*"))}
    if case["expect"] == "error":
        with pytest.raises(FactcheckError, match=case["match"]):
            load_quietly(path)
    else:
        articles = load_quietly(path)
        if "ids" in case:
            assert sorted(a.id for a in articles) == case["ids"]
        article = articles[0]
        texts = [s.text for s in article.sentences]
        if "sentences" in case:
            assert texts == case["sentences"]
        if "sentences_end" in case:
            assert texts[-len(case["sentences_end"]) :] == case["sentences_end"]
        if "contains" in case:
            assert all(any(c in t for t in texts) for c in case["contains"])
        if "paragraphs" in case:
            assert [s.paragraph for s in article.sentences] == case["paragraphs"]
        if "edit_reasons" in case:
            assert sorted({e.reason for e in article.edits} & set(case["edit_reasons"])) == sorted(
                case["edit_reasons"]
            )
        if path.suffix in (".txt", ".md"):
            assert_traceable(article, decoded(path))
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize("case", SPLIT_CASES, ids=[c["why"] for c in SPLIT_CASES])
def test_regression_split_case(case):
    """Test that a line the splitter once got wrong (or crashed on) now splits as expected."""
    assert [s.text for s in split_sentences(case["text"])] == case["sentences"]


def test_plain_text_article_keeps_markdown_markup_and_records_every_change(tmp_path):
    """Test that a .txt body keeps '__'/'**' and that NBSP/CRLF changes are recorded."""
    path = tmp_path / "story.txt"
    path.write_bytes(b"Head line here\r\n\r\nThe page ran window.__pwned=4.\xc2\xa0It broke.\r\n")
    article = load_article(path)
    assert [s.text for s in article.sentences] == ["The page ran window.__pwned=4.", "It broke."]
    assert {e.reason for e in article.edits} == {"layout", "furniture", "no-break space"}
    source = path.read_bytes().decode("utf-8")
    assert_traceable(article, source)
    second = article.sentences[1]
    assert source[second.source_start : second.source_end] == "It broke."


def test_markdown_article_renders_markup_and_records_it(tmp_path):
    """Test that a .md body drops '**' and link syntax, recording each as an edit."""
    path = tmp_path / "story.md"
    source = "Body first.\n\nThe **vote** is in [the minutes](https://e.test/m).\n"
    path.write_text(source, encoding="utf-8")
    article = load_article(path)
    assert article.sentences[1].text == "The vote is in the minutes."
    reasons = [e.reason for e in article.edits if e.reason.startswith("markdown")]
    assert reasons == ["markdown emphasis"] * 2 + ["markdown link"] * 2
    assert_traceable(article, source)
    sentence = article.sentences[1]
    assert source[sentence.source_start : sentence.source_end] == (
        "The **vote** is in [the minutes](https://e.test/m)."
    )


ID_CASES = [
    json.loads(line)
    for line in (REGRESSIONS / "id_cases.jsonl").read_text(encoding="utf-8").splitlines()
]


@pytest.mark.parametrize("case", ID_CASES, ids=[c["why"][:40] for c in ID_CASES])
def test_regression_id_case(case):
    """Test that a name whose id once collided, changed or broke gets its expected id."""
    assert safe_id(case["name"]) == case["id"]
