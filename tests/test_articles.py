"""Loading articles: text, Markdown, HTML, corpora, encodings, ids and bad input."""

from __future__ import annotations

import json
import unicodedata
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import factcheck
from factcheck import Article, InputError, InputWarning, load_article, load_articles, safe_id

SAMPLES = factcheck.sample_path()

ARTICLE = (
    "Harbour fees rise again\n\n"
    "By Ada Brennan\n\n"
    "The port authority raised mooring fees by 12% on Monday.\n\n"
    "“It is daylight robbery,” said one skipper.\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def assert_slices_back(article: Article) -> None:
    for sentence in article.sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text


def test_bundled_samples_load_with_titles_and_sentences():
    """Test that every bundled sample loads, with a title and sentences that slice back."""
    articles = load_articles(SAMPLES)
    assert {a.id for a in articles} == {"harbour-wind-farm", "riverside-bridge", "school-meals"}
    for article in articles:
        assert article.title
        assert len(article.sentences) >= 10
        assert_slices_back(article)
        assert all(s.text != article.title for s in article.sentences)


def test_markdown_sample_prints_only_body_sentences():
    """Test that the scraped Markdown sample keeps no image, caption, byline or comments."""
    article = load_article(SAMPLES / "riverside-bridge.md")
    texts = [s.text for s in article.sentences]
    assert article.title == "Riverside Bridge to close for six months as repair bill doubles"
    assert texts[0].startswith("The Riverside Bridge will close to all traffic")
    assert texts[-1] == "It carried a tram line until 1971."
    joined = " ".join(texts)
    for furniture in (
        "![",
        "Photo:",
        "By Tomas",
        "Published",
        "Advertisement",
        "Read more",
        "Share this",
        "newsletter",
        "Tags:",
        "©",
        "COMMENTS",
        "moderated",
    ):
        assert furniture not in joined
    assert article.metadata["byline"] == "Tomas Feld, City Hall reporter"
    assert article.metadata["images"][0].endswith("riverside-bridge-pier.jpg")


def test_html_page_uses_og_title_and_drops_navigation_and_asides():
    """Test that a saved HTML page yields its body; the h1/og:title is the title only."""
    article = load_article(SAMPLES / "school-meals.html")
    texts = [s.text for s in article.sentences]
    assert article.title == "Free school meals plan splits county council"
    assert texts[0].startswith("Northgate County Council will vote next Thursday")
    joined = " ".join(texts)
    for furniture in ("Home", "Most read", "Budget gap", "newsletter", "Privacy", "Photo:"):
        assert furniture not in joined
    assert article.metadata["byline"] == "Priya Anand"
    assert article.metadata["captions"] == [
        "Pupils queue for lunch at Hollins Primary School. Photo: Northgate Herald"
    ]


def test_html_markup_in_article_text_stays_literal_text(tmp_path):
    """Test that escaped markup in a page becomes literal text (it is escaped later, on display)."""
    page = write(
        tmp_path / "x.html",
        "<html><head><title>T</title></head><body><article><h1>Tainted page</h1>"
        "<p>The mayor said the figures were wrong and would be corrected next week.</p>"
        "<p>A reader posted &lt;img src=x onerror=alert(1)&gt; under the story on Monday.</p>"
        "</article></body></html>",
    )
    article = load_article(page)
    assert "<img src=x onerror=alert(1)>" in article.text


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom"]
)
def test_unicode_encodings_with_and_without_bom(tmp_path, encoding):
    """Test that UTF-8 (with or without BOM) and UTF-16 with BOM give the same article."""
    text = ARTICLE
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    path = tmp_path / "fees.txt"
    path.write_bytes(data)
    article = load_article(path)
    assert article.title == "Harbour fees rise again"
    assert [s.text for s in article.sentences] == [
        "The port authority raised mooring fees by 12% on Monday.",
        "“It is daylight robbery,” said one skipper.",
    ]


def test_windows_1252_falls_back_with_a_warning_naming_the_file(tmp_path):
    """Test that a Windows-1252 file is read (curly quotes intact) with a warning."""
    path = write(tmp_path / "fees.txt", ARTICLE, encoding="cp1252")
    with pytest.warns(InputWarning, match=r"fees\.txt: not valid UTF-8.*Windows-1252"):
        article = load_article(path)
    assert "“It is daylight robbery,” said one skipper." in article.text


def test_crlf_file_has_lf_offsets(tmp_path):
    """Test that CRLF line ends are normalised so offsets are platform independent."""
    path = write(tmp_path / "fees.txt", ARTICLE.replace("\n", "\r\n"))
    article = load_article(path)
    assert "\r" not in article.text
    assert_slices_back(article)


def test_csv_corpus_one_article_per_row_with_quoted_newlines(tmp_path):
    """Test that a CSV corpus gives one article per row; quoted commas/newlines survive."""
    path = tmp_path / "corpus.csv"
    path.write_text(
        "id,title,text,url,date,source\n"
        'A-17,"Fees, again","The fee rose 12%.\n\nSkippers, angry, left.",'
        "https://example-news.test/a17,2026-01-02,Coast Post\n"
        "b2,Second,Trams run late.,,,\n",
        encoding="utf-8",
    )
    first, second = load_articles(path)
    assert first.id == "a-17" and first.metadata["corpus_id"] == "A-17"
    assert first.title == "Fees, again"
    assert first.source == "https://example-news.test/a17"
    assert first.metadata["outlet"] == "Coast Post" and first.date == "2026-01-02"
    assert [s.text for s in first.sentences] == ["The fee rose 12%.", "Skippers, angry, left."]
    assert second.source == f"{path}:5"  # row 1 spans lines 2-4


def test_jsonl_corpus(tmp_path):
    """Test that a JSONL corpus gives one article per line."""
    path = tmp_path / "corpus.jsonl"
    rows = [
        {"id": "x1", "title": "One", "text": "Rates rose. Then fell."},
        {"id": "x2", "title": "Two", "text": "Snow closed the pass.", "url": "https://e.test/2"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    articles = load_articles(path)
    assert [a.id for a in articles] == ["x1", "x2"]
    assert [s.text for s in articles[0].sentences] == ["Rates rose.", "Then fell."]


def test_corpus_missing_column_names_it(tmp_path):
    """Test that a corpus without a 'text' column fails naming the file and the column."""
    path = write(tmp_path / "c.csv", "id,title,body\n1,T,Some text.\n")
    with pytest.raises(
        InputError, match=r"c\.csv: missing column\(s\) text; found id, title, body"
    ):
        load_articles(path)


def test_jsonl_missing_column_names_line(tmp_path):
    """Test that a JSONL row without 'text' is reported with its line number."""
    path = write(tmp_path / "c.jsonl", '{"id": "1", "title": "T", "text": "A."}\n{"id": "2"}\n')
    with pytest.raises(InputError, match=r"c\.jsonl, line 2: missing column\(s\) title, text"):
        load_articles(path)


def test_corpus_row_without_text_is_skipped_with_warning_naming_row(tmp_path):
    """Test that an empty-text row is skipped with a warning naming file and line."""
    path = write(tmp_path / "c.csv", "id,title,text\n1,T,Fine text.\n2,Empty,\n")
    with pytest.warns(InputWarning, match=r"c\.csv, line 3: article '2' has no text"):
        articles = load_articles(path)
    assert [a.id for a in articles] == ["1"]


def test_corpus_with_only_empty_rows_is_an_error_not_empty_result(tmp_path):
    """Test that a corpus whose rows all lack text raises instead of returning nothing."""
    path = write(tmp_path / "c.csv", "id,title,text\n1,T,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        with pytest.raises(InputError, match="found no articles with text"):
            load_articles(path)


def test_invalid_jsonl_line_is_reported(tmp_path):
    """Test that a broken JSON line names the file and line."""
    path = write(tmp_path / "c.jsonl", '{"id": "1", "title": "T", "text": "A."}\n{oops\n')
    with pytest.raises(InputError, match=r"c\.jsonl, line 2: not valid JSON"):
        load_articles(path)


def test_csv_row_with_extra_fields_is_reported(tmp_path):
    """Test that an unquoted comma giving an extra field is reported with its line."""
    path = write(tmp_path / "c.csv", "id,title,text\n1,T,Fine.\n2,T,One, two.\n")
    with pytest.raises(InputError, match=r"c\.csv, line 3: the row has more fields"):
        load_articles(path)


def test_empty_file_is_an_error_naming_it(tmp_path):
    """Test that an empty article file raises an error naming it."""
    path = write(tmp_path / "empty.txt", "  \n")
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        load_article(path)


def test_binary_file_is_an_error_naming_it(tmp_path):
    """Test that a binary file (e.g. a PNG renamed .txt) is rejected clearly."""
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError, match=r"photo\.txt: looks like a binary file"):
        load_article(path)


def test_furniture_only_file_is_an_error(tmp_path):
    """Test that a file with nothing but page furniture is an error, not an empty article."""
    path = write(tmp_path / "f.md", "![x](https://i.test/x.jpg)\n\nAdvertisement\n\nTags: a, b\n")
    with pytest.raises(InputError, match=r"f\.md: no article text is left.*3 line\(s\) removed"):
        load_article(path)


def test_huge_text_file_is_refused_with_advice(tmp_path):
    """Test that a 50 MB text file is refused with the size and what to do instead."""
    path = tmp_path / "dump.txt"
    with path.open("wb") as handle:
        handle.write(b"The council met again. " * (50_000_000 // 23 + 1))
    with pytest.raises(InputError, match=r"dump\.txt: 50\.0 MB is too large.*CSV or JSONL"):
        load_article(path)


def test_folder_without_articles_is_an_error(tmp_path):
    """Test that a folder with no article files raises naming the folder."""
    (tmp_path / "notes.docx").write_bytes(b"PK")
    with pytest.raises(InputError, match="no article files in this folder"):
        load_articles(tmp_path)


def test_missing_path_is_an_error(tmp_path):
    """Test that a path that does not exist and matches no glob is reported."""
    with pytest.raises(InputError, match="no such file or folder"):
        load_articles(tmp_path / "nope" / "*.md")


def test_folder_and_glob_loading_is_sorted_and_skips_hidden(tmp_path):
    """Test that folders are searched recursively in a stable order, skipping hidden files."""
    write(tmp_path / "b.txt", "Second article body.")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "a.md", "First article body.")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    write(tmp_path / ".ipynb_checkpoints" / "c.txt", "Hidden copy.")
    assert [a.id for a in load_articles(tmp_path)] == ["b", "a"]
    assert [a.id for a in load_articles(str(tmp_path / "**" / "*.md"))] == ["a"]


def test_duplicate_ids_are_an_error(tmp_path):
    """Test that two files giving the same id are reported (ids must be unique and stable)."""
    write(tmp_path / "story.txt", "One body.")
    write(tmp_path / "story.md", "Other body.")
    with pytest.raises(InputError, match="article id 'story' is already used"):
        load_articles(tmp_path)


def test_load_article_on_multi_row_corpus_points_to_load_articles(tmp_path):
    """Test that load_article on a corpus of several rows says to use load_articles."""
    path = write(
        tmp_path / "c.jsonl",
        '{"id":"1","title":"","text":"A."}\n{"id":"2","title":"","text":"B."}\n',
    )
    with pytest.raises(InputError, match="holds 2 articles; use load_articles"):
        load_article(path)


def test_sentence_ids_are_stable_across_loads_and_unique(tmp_path):
    """Test that sentence ids are the same on every load and unique within the article."""
    first = load_article(SAMPLES / "riverside-bridge.md")
    second = load_article(SAMPLES / "riverside-bridge.md")
    assert [s.id for s in first.sentences] == [s.id for s in second.sentences]
    assert len({s.id for s in first.sentences}) == len(first.sentences)
    assert first.sentences[0].id.startswith("riverside-bridge-0000-")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../Budget 2026: Final?", "budget-2026-final"),
        ("/etc/passwd", "etc-passwd"),
        ("Café Olé", "cafe-ole"),
        ("..", None),
        ("", None),
    ],
)
def test_safe_id_never_leaves_a_folder(name, expected):
    """Test that ids are filesystem-safe: no separators, no dot-only names, never empty."""
    result = safe_id(name)
    if expected:
        assert result == expected
    assert result and "/" not in result and "\\" not in result and result not in {".", ".."}
    assert safe_id(result) == result


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_safe_id_is_idempotent_and_safe(name):
    """Test that any name maps to a safe id that maps to itself."""
    result = safe_id(name)
    assert result == safe_id(result)
    assert all(c.isalnum() or unicodedata.category(c).startswith("M") or c in "-._" for c in result)
    assert result not in (".", "..") and 0 < len(result) <= 80


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a000123", "a000123"),  # a corpus's own plain ids are kept as they are
        ("story-2026.v2_final", "story-2026.v2_final"),
        ("a--b", "a-b"),  # what the quick check must not wave through
        ("a-", "a"),
        (".a", "a"),
        ("Ab", "ab"),
        ("a b", "a-b"),
        ("x" * 81, None),
    ],
)
def test_plain_ids_are_kept_and_anything_else_is_made_safe(name, expected):
    """Test that safe_id's quick path for plain ids gives what the full rules give."""
    result = safe_id(name)
    if expected is None:
        assert len(result) == 80 and result != name[:80]  # cut, with a hash of the name
    else:
        assert result == expected


LINES = st.sampled_from(
    [
        "![x](https://img.test/x.jpg)",
        "Advertisement",
        "By Ana Ruiz",
        "Read more: Another story",
        "“Why now?” asked Sen. Reyes.",
        'Prices rose 4.5% in 2000.Officials said "no."',
        "- A list item",
        "## A subheading",
        "The council met on Monday.",
        "COMMENTS",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            LINES, st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=80)
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["\n", "\r\n", "\n\n"]),
)
def test_loaded_sentences_always_slice_back_from_article_text(tmp_path_factory, lines, sep):
    """Test that for any scraped-looking file, every sentence slices back from article.text."""
    path = tmp_path_factory.mktemp("prop") / "a.md"
    path.write_text("Body first.\n\n" + sep.join(lines), encoding="utf-8", newline="")
    article = load_article(path)
    previous_end = 0
    for sentence in article.sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end


def test_html_h1_that_differs_from_og_title_is_not_a_sentence(tmp_path):
    """Test that the page's <h1> is never sentence 0, even when og:title says otherwise."""
    page = write(
        tmp_path / "dam.html",
        '<html><head><meta property="og:title" content="Inspector warned of dam cracks, '
        'documents show"></head><body><article><h1>Dam inspector warned of cracks in 2024</h1>'
        "<p>An inspector flagged cracks in the Harlow dam in March 2024, internal documents "
        "show.</p><p>The water board said repairs were scheduled for this spring.</p>"
        "</article></body></html>",
    )
    article = load_article(page)
    assert article.title == "Inspector warned of dam cracks, documents show"
    assert article.sentences[0].text.startswith("An inspector flagged cracks")


def test_unclosed_quote_in_csv_corpus_is_an_error_not_a_silent_merge(tmp_path):
    """Test that an unclosed quote is reported instead of swallowing the next rows."""
    path = write(
        tmp_path / "c.csv", 'id,title,text\na1,T,"The council met.\na2,T2,The mayor spoke.\n'
    )
    with pytest.raises(InputError, match=r"c\.csv, line 2: malformed CSV"):
        load_articles(path)


def test_header_only_csv_corpus_is_an_error(tmp_path):
    """Test that a corpus with a header and no rows is reported, not an empty success."""
    with pytest.raises(InputError, match="header but no rows"):
        load_articles(write(tmp_path / "c.csv", "id,title,text\n"))


def test_furniture_only_corpus_row_is_skipped_with_a_warning(tmp_path):
    """Test that one row holding only page furniture is skipped; the other rows load."""
    path = write(
        tmp_path / "c.csv",
        'id,title,text\nx,T,"Advertisement\n\nShare on Facebook | Twitter"\ny,U,Trams run late.\n',
    )
    with pytest.warns(InputWarning, match=r"c\.csv, line 2: article 'x' skipped"):
        articles = load_articles(path)
    assert [a.id for a in articles] == ["y"]


def test_jsonl_text_that_is_not_a_string_is_an_error(tmp_path):
    """Test that a list in the 'text' field is refused instead of turned into "['...']"."""
    path = write(tmp_path / "c.jsonl", '{"id": "1", "title": "T", "text": ["The council met."]}\n')
    with pytest.raises(InputError, match=r"c\.jsonl, line 1: 'text' must be text, not list"):
        load_articles(path)


def test_browser_saved_page_folders_are_skipped(tmp_path):
    """Test that 'Save Page As, complete' resource folders next to a page are not articles."""
    write(
        tmp_path / "council.html",
        "<html><body><article><h1>Council</h1><p>The council met "
        "on Monday and approved the budget for the coming year.</p></article></body></html>",
    )
    (tmp_path / "council_files").mkdir()
    write(tmp_path / "council_files" / "saved_resource.html", "<html><body></body></html>")
    assert [a.id for a in load_articles(tmp_path)] == ["council"]


# --- identity of articles (issue 6) ---


def _old_safe_id(name: str) -> str:
    """safe_id as it was before non-Latin letters were kept (for the stability check)."""
    import hashlib
    import re

    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name.lower()).strip("-._")
    slug = re.sub(r"-{2,}", "-", slug)[:80].strip("-._")
    if not slug:
        slug = f"article-{hashlib.blake2b(str(name).encode(), digest_size=4).hexdigest()}"
    return slug


def test_non_latin_file_names_keep_distinct_ids(tmp_path):
    """Test that 'Новости 2024.txt' and 'Статья 2024.txt' no longer both become '2024'."""
    write(tmp_path / "Новости 2024.txt", "The council voted on Monday.\n")
    write(tmp_path / "Статья 2024.txt", "The council met again on Tuesday.\n")
    assert sorted(a.id for a in load_articles(tmp_path)) == ["новости-2024", "статья-2024"]


def test_long_names_that_differ_after_80_characters_get_different_ids():
    """Test that cutting at 80 characters adds a hash, so two long names do not collide."""
    stem = "council-budget-vote-" * 5
    first, second = safe_id(stem + "monday"), safe_id(stem + "tuesday")
    assert first != second
    assert len(first) <= 80 and safe_id(first) == first


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="ascii"), min_size=1, max_size=80))
def test_ids_of_ascii_names_are_unchanged(name):
    """Test that every ASCII name of up to 80 characters keeps the id it always had."""
    assert safe_id(name) == _old_safe_id(name)


@pytest.mark.parametrize("name", ["Café Révolution", "naïve-résumé", "Ångström 2026"])
def test_ids_of_accented_latin_names_are_unchanged(name):
    """Test that accented Latin names keep their old ASCII ids (existing logs keep labels)."""
    assert safe_id(name) == _old_safe_id(name)


# --- messages (issues 5 and 7) ---


def test_duplicate_corpus_id_names_the_corpus_file_and_both_lines(tmp_path):
    """Test that a repeated corpus id is reported at its file and line, not at its URL."""
    rows = [
        {"id": "vote", "title": "Vote", "text": "It voted.", "url": "https://news.example/a"},
        {"id": "vote", "title": "Vote", "text": "It voted again.", "url": "https://news.example/b"},
    ]
    path = write(tmp_path / "c.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(
        InputError, match=r"c\.jsonl, line 2: article id 'vote' is already used by "
    ):
        load_articles(path)
    with pytest.raises(InputError, match=r"c\.jsonl, line 1\. Ids must be unique"):
        load_articles(path)


def test_utf16_file_starting_with_u0000_is_read_as_utf16(tmp_path):
    """Test that FF FE 00 00 (UTF-16LE mark + U+0000) is not refused as broken UTF-32."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xff\xfe" + "\x00The council voted on Monday.\n".encode("utf-16-le"))
    assert load_article(path).sentences[0].text == "\x00The council voted on Monday."


def test_broken_utf32_or_utf16_file_names_both_encodings(tmp_path):
    """Test that a file whose FF FE 00 00 start fits neither encoding says it tried both."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xff\xfe\x00\x00" + b"\x00\xd8\x00\x00\x41")
    with pytest.raises(InputError, match=r"a\.txt: starts with a UTF-32 or UTF-16 byte-order"):
        load_article(path)


def test_csv_header_with_an_unclosed_quote_names_the_file_and_line(tmp_path):
    """Test that an unclosed quote in the header is an InputError, not a raw _csv.Error."""
    path = write(tmp_path / "c.csv", 'id,"title,text\nv1,Vote,It voted.\n')
    with pytest.raises(InputError, match=r"c\.csv, line 1: malformed CSV header"):
        load_articles(path)


def test_lone_surrogate_in_jsonl_text_is_replaced_recorded_and_traceable(tmp_path):
    """Test that '\\ud83d' in a JSONL text becomes U+FFFD, with a recorded edit at its offset."""
    text = "Monday \ud83d. It voted."
    path = write(
        tmp_path / "c.jsonl", json.dumps({"id": "v", "title": "Vote", "text": text}) + "\n"
    )
    article = load_article(path)
    first, second = article.sentences
    assert (first.text, second.text) == ("Monday \ufffd.", "It voted.")
    (edit,) = [e for e in article.edits if e.reason == "lone surrogate"]
    assert (edit.source_start, edit.original) == (len("Monday "), "\ud83d")
    assert text[second.source_start : second.source_end] == "It voted."


def test_lone_surrogate_in_a_jsonl_title_is_replaced_with_a_warning(tmp_path):
    """Test that a surrogate outside the text is replaced and reported at its line."""
    row = {"id": "v", "title": "Vote \ud83d", "text": "It voted."}
    path = write(tmp_path / "c.jsonl", json.dumps(row) + "\n")
    with pytest.warns(InputWarning, match=r"c\.jsonl, line 1: 'title' holds a lone surrogate"):
        article = load_article(path)
    assert article.title == "Vote \ufffd"


def test_html_paragraphs_nested_300_levels_deep_are_kept(tmp_path):
    """Test that text nested past lxml's default depth limit (255) is not dropped silently."""
    deep = "<div>" * 300 + "<p>The deep paragraph says the council voted to close it.</p>"
    page = write(
        tmp_path / "deep.html",
        "<html><body><article><p>The first paragraph says the bridge was inspected in May by "
        f"two engineers.</p>{deep}{'</div>' * 300}</article></body></html>",
    )
    texts = [s.text for s in load_article(page).sentences]
    assert "The deep paragraph says the council voted to close it." in texts


def test_html_nested_past_the_parser_limit_warns_naming_the_file(tmp_path):
    """Test that text too deep even for the huge-tree parser gives a warning naming the file."""
    deep = "<div>" * 2500 + "<p>Lost.</p>" + "</div>" * 2500
    page = write(
        tmp_path / "deeper.html",
        "<html><body><article><p>The first paragraph says the bridge was inspected in May by "
        f"two engineers.</p>{deep}</article></body></html>",
    )
    with pytest.warns(InputWarning, match=r"deeper\.html: elements are nested"):
        load_article(page)


# --- source offsets (issue 1) ---


def test_sentence_source_offsets_point_into_the_decoded_file(tmp_path):
    """Test that source_start/source_end slice the decoded file to the sentence's own text."""
    source = "Dam holds\r\n\r\nBy Ana Ruiz\r\n\r\n  The dam held.\u00a0Engineers\u00a0cheered.\r\n"
    path = tmp_path / "dam.txt"
    path.write_bytes(source.encode("utf-8"))
    article = load_article(path)
    first, second = article.sentences
    assert source[first.source_start : first.source_end] == "The dam held."
    assert source[second.source_start : second.source_end] == "Engineers\u00a0cheered."
    assert second.text == "Engineers cheered."


def test_sentence_source_offsets_of_a_corpus_row_point_into_its_text_field(tmp_path):
    """Test that a CSV row's sentences trace to the row's own text field."""
    text = "Advertisement\n\nThe vote passed. It was late."
    path = tmp_path / "c.csv"
    path.write_text(f'id,title,text\nv,Vote,"{text}"\n', encoding="utf-8")
    article = load_article(path)
    assert [text[s.source_start : s.source_end] for s in article.sentences] == [
        "The vote passed.",
        "It was late.",
    ]


def _corpus_bytes(
    rows: int, text: str = "The council met on Monday. It voted to repair the dam."
) -> bytes:
    lines = ["id,title,text"] + [f"a{i},Title {i},{text}" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_windows_1252_byte_after_the_first_megabyte_falls_back_for_the_whole_corpus(tmp_path):
    """Test that a streamed corpus whose only non-UTF-8 byte is deep in the file is read as
    Windows-1252 throughout, with the warning naming the file and that byte."""
    head = _corpus_bytes(30_000)
    assert len(head) > 1 << 20
    path = tmp_path / "big.csv"
    path.write_bytes(
        head + 'last,Fees,"“Daylight robbery,” said one skipper."\r\n'.encode("cp1252")
    )
    with pytest.warns(InputWarning, match=rf"big\.csv: not valid UTF-8 \(byte {len(head) + 11}\)"):
        rows = list(factcheck.corpus.read_corpus(path))
    assert len(rows) == 30_001
    assert rows[-1].text == "“Daylight robbery,” said one skipper."
    assert rows[-1].line == 30_002


def test_character_cut_by_a_chunk_boundary_is_read_as_utf8(tmp_path):
    """Test that a multi-byte character that straddles two read chunks decodes as UTF-8."""
    for shift in range(4):
        head = b"id,title,text\n" + b"x,T," + b"a" * ((1 << 20) - 18 - shift) + b"\n"
        path = tmp_path / f"cut{shift}.csv"
        path.write_bytes(head + "y,T,caf€ é ok\n".encode())
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            rows = list(factcheck.corpus.read_corpus(path))
        assert rows[-1].text == "caf€ é ok"


def test_streamed_jsonl_corpus_keeps_line_numbers_and_only_splits_at_newlines(tmp_path):
    """Test that a streamed JSONL corpus names the right line and ends lines at LF only."""
    path = tmp_path / "rows.jsonl"
    good = json.dumps({"id": "a", "title": "A", "text": "The dam held."})
    path.write_bytes(f"{good}\r\n\n{good}\r{good}\n".encode())
    with pytest.raises(InputError, match=r"rows\.jsonl, line 3: not valid JSON"):
        list(factcheck.corpus.read_corpus(path))


def test_iter_articles_reads_a_corpus_row_by_row(tmp_path):
    """Test that iter_articles yields a corpus's first article before reading a bad row far on."""
    path = tmp_path / "rows.csv"
    path.write_bytes(_corpus_bytes(2) + b'bad,"Unclosed,The dam held.\r\n')
    articles = factcheck.iter_articles(path)
    first = next(articles)
    assert first.id == "a0"
    with pytest.raises(InputError, match=r"rows\.csv, line 4: malformed CSV"):
        list(articles)


SPANISH = (
    "El embalse de La Serena cae al 20 %\n\n"
    "Por Ana López\n\n"
    "Publicado el 3 de marzo de 2024\n\n"
    "El embalse de La Serena está al 20 % de su capacidad, según la confederación.\n\n"
    "Leer más: La sequía en Extremadura\n\n"
    "Los regantes piden ayudas al Gobierno regional.\n"
)


def test_article_language_is_detected_and_selects_its_cleaning(tmp_path):
    """Test that a Spanish file is detected as Spanish, says so, and loses its furniture."""
    article = load_article(write(tmp_path / "embalse.txt", SPANISH))
    assert (article.language, article.language_source) == ("es", "detected")
    assert {r.reason for r in article.removed} >= {"byline", "dateline", "related link"}
    assert "Leer más" not in article.text and "Por Ana" not in article.text
    assert article.metadata["byline"] == "Ana López"


def test_given_language_is_never_overridden_by_detection(tmp_path):
    """Test that load_article(language=) wins over detection and is recorded as given."""
    path = write(tmp_path / "embalse.txt", SPANISH)
    article = load_article(path, language="pt-BR")
    assert (article.language, article.language_source) == ("pt", "given")
    [both] = load_articles([path], language="es")
    assert (both.language, both.language_source) == ("es", "given")


def test_bad_given_language_is_refused_before_any_file_is_read(tmp_path):
    """Test that a language that is not an ISO 639-1 code is an InputError naming it."""
    with pytest.raises(InputError, match=r"language=: 'spanish' is not a language code"):
        load_articles(tmp_path / "missing", language="spanish")


def test_corpus_language_column_gives_each_row_its_language(tmp_path):
    """Test that a corpus 'language' column sets each row's language; empty is detected."""
    path = write(
        tmp_path / "c.csv",
        "id,title,text,language\n"
        "a,T,El embalse de La Serena está al 20 % de su capacidad.,es\n"
        "b,T,Der Stausee hat in einem Jahr ein Drittel seines Wassers verloren.,\n"
        "c,T,Short.,fr-FR\n",
    )
    articles = load_articles(path)
    assert [(a.language, a.language_source) for a in articles] == [
        ("es", "given"),
        ("de", "detected"),
        ("fr", "given"),
    ]


def test_bad_corpus_language_names_file_line_and_column(tmp_path):
    """Test that a row's bad language code is an error naming the file, line and column."""
    path = write(
        tmp_path / "c.jsonl", '{"id": "a", "title": "T", "text": "x", "language": "xx1"}\n'
    )
    with pytest.raises(InputError, match=r"c\.jsonl, line 1: 'language': 'xx1' is not"):
        load_articles(path)


def test_html_lang_is_the_page_language_and_a_given_one_wins(tmp_path):
    """Test that a page's <html lang="de-DE"> is its language, recorded as from the HTML."""
    body = "".join(
        f"<p>Der Stausee hat im Jahr {n} ein Drittel seines Wassers verloren, meldet das Amt.</p>"
        for n in range(2000, 2006)
    )
    page = f'<!doctype html><html lang="de-DE"><head><title>Stausee</title></head><body><article><h1>Stausee</h1>{body}</article></body></html>'
    path = write(tmp_path / "stausee.html", page)
    article = load_article(path)
    assert (article.language, article.language_source) == ("de", "html")
    assert load_article(path, language="nl").language == "nl"


def test_from_text_detects_or_takes_the_language():
    """Test that Article.from_text detects the language of clean text unless given."""
    arabic = Article.from_text(
        "وافق المجلس البلدي على الميزانية يوم الاثنين بعد نقاش طويل.", id="a"
    )
    assert (arabic.language, arabic.language_source) == ("ar", "detected")
    assert Article.from_text("Hola.", id="b", language="es").language_source == "given"


def test_sentences_are_split_by_the_rules_of_the_article_language():
    """Test that a Spanish article is split with Spanish abbreviations ("Sra.", "EE. UU.")
    and an article in a language without rules falls back to English splitting."""
    text = "La Sra. Gómez viajó a EE. UU. el lunes. Volvió el martes."
    spanish = Article.from_text(text, id="es", language="es")
    assert spanish.split_language == "es"
    assert [s.text for s in spanish.sentences] == [
        "La Sra. Gómez viajó a EE. UU. el lunes.",
        "Volvió el martes.",
    ]
    hebrew = Article.from_text("השר אמר. הוא הלך.", id="he", language="he")
    assert hebrew.split_language == "en"
    assert [s.text for s in hebrew.sentences] == ["השר אמר.", "הוא הלך."]


@pytest.mark.parametrize(
    ("head", "code", "source"),
    [
        ('<html xml:lang="fr">', "fr", "html"),
        ('<html><meta http-equiv="Content-Language" content="it-IT, en">', "it", "html"),
        ('<html lang="{{ locale }}">', "de", "detected"),  # template junk: detected instead
    ],
)
def test_page_language_from_xml_lang_meta_or_detection(tmp_path, head, code, source):
    """Test that xml:lang and a content-language meta declare the page's language, and a
    junk declaration falls back to detection (German text here)."""
    body = "".join(
        f"<p>Der Stausee hat im Jahr {n} ein Drittel seines Wassers verloren, meldet das Amt.</p>"
        for n in range(2000, 2006)
    )
    page = f"<!doctype html>{head}<head><title>Stausee</title></head><body><article>{body}</article></body></html>"
    article = load_article(write(tmp_path / "p.html", page))
    assert (article.language, article.language_source) == (code, source)
