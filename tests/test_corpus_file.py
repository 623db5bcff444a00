"""A corpus file opened lazily: Annotator("corpus.csv") reads heads up front and cleans a row
when it is first shown. Real files in temporary folders, real widgets."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck import _catalogue
from factcheck._catalogue import ArticleHead, Choice, CorpusFile, open_corpus
from factcheck.annotator import Annotator
from factcheck.articles import load_articles
from factcheck.assignment import assign
from factcheck.errors import InputError, InputWarning
from tests._widget_helpers import rows_of

FIELDS = ["id", "title", "text", "url", "date", "source"]
FURNITURE_ONLY = "Advertisement\n\nShare on Facebook\n\nSubscribe to our newsletter"


def messy_text(n: int) -> str:
    """A scraped body: byline, furniture, quoted commas, a non-break space, curly quotes."""
    return (
        f"By Ana Ruiz\n\nAdvertisement\n\nThe council spent {n},000 euros on the bridge, "
        f"officials said.\u00a0It opened on {n % 28 + 1} May.\r\n\r\n"
        f"“It is a scandal,” said a resident of ward {n}.\n\nShare on Facebook"
    )


def rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "id": f"story {n}/é",  # made filesystem-safe by safe_id, as the loaders do
            "title": f"Bridge report {n}" if n % 3 else "",
            "text": messy_text(n),
            "url": f"https://news.example.test/{n}" if n % 2 else "",
            "date": f"2026-{n % 12 + 1:02d}-03",
            "source": ("Harbour Gazette", "Valley Courier")[n % 2],
        }
        for n in range(count)
    ]


def write_csv(path: Path, records: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(records)
    return path


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    lines = [json.dumps(r) for r in records]
    lines.insert(2, "")  # a blank line is ignored, as the loaders do
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["csv", "jsonl", "csv-bom", "csv-cp1252"])
def test_a_lazy_corpus_gives_the_articles_the_loader_gives(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
):
    """Test that every article of a lazy corpus file equals what load_articles makes of the
    same row (id, title, text, edits, source, metadata), whatever the format or encoding
    (a UTF-8 CSV through the fast route: the threshold is lowered for this small file)."""
    monkeypatch.setattr(_catalogue, "FAST_MIN_BYTES", 0)
    records = rows(12)
    if kind == "jsonl":
        path = write_jsonl(tmp_path / "corpus.jsonl", records)
    else:
        encoding = {"csv": "utf-8", "csv-bom": "utf-8-sig", "csv-cp1252": "cp1252"}[kind]
        if kind == "csv-cp1252":
            for r in records:
                r["text"] = r["text"].replace("“", '"').replace("”", '"')
        path = write_csv(tmp_path / "corpus.csv", records, encoding)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # cp1252 says it is not UTF-8
        eager = load_articles(path)
        lazy = open_corpus(path)
    assert isinstance(lazy, CorpusFile) and len(lazy) == len(eager) == 12
    for index in (11, 0, 5):  # any order
        got, want = lazy[index], eager[index]
        assert (got.id, got.title, got.text, got.source) == (
            want.id,
            want.title,
            want.text,
            want.source,
        )
        assert got.edits == want.edits and got.metadata == want.metadata
        assert [s.id for s in got.sentences] == [s.id for s in want.sentences]
    titled = [i for i in range(12) if records[i]["title"]]
    assert all(lazy.heads[i].title == eager[i].title for i in titled)


def test_annotator_on_a_corpus_file_cleans_only_what_it_shows(tmp_path: Path):
    """Test that Annotator("corpus.csv") does not clean unseen rows: a row that is all page
    furniture warns only when it is shown, and few articles are ever cleaned."""
    records = rows(300)
    records[200]["text"] = FURNITURE_ONLY
    path = write_csv(tmp_path / "corpus.csv", records)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)  # any cleaning warning would raise here
        ann = Annotator(str(path), annotator="ana", folder=tmp_path / "logs")
    assert isinstance(ann.articles, CorpusFile)
    assert len(ann.articles._cache) <= 3  # the article shown and the prefetched next
    with pytest.warns(InputWarning, match=r"corpus.csv, line 1802: article 'story 200/é' skipped"):
        ann.show_article(200)
    assert ann.visible_sentences == [] and ann.article.id == "story-200-e"
    ann.show_article(201)
    assert ann.visible_sentences and "ward 201" in " ".join(s.text for s in ann.visible_sentences)


def test_search_and_filters_work_across_a_lazy_corpus(tmp_path: Path):
    """Test that the search box finds the last row by title and the source and date filters
    select across the whole file, without cleaning the rows they skip."""
    path = write_csv(tmp_path / "corpus.csv", rows(600))
    ann = Annotator(path, annotator="ana", folder=tmp_path / "logs")
    found = ann.find("bridge report 599")
    assert [a.id for a in found] == ["story-599-e"]
    assert ann.search_results.options[0][1] == 599
    assert set(ann.source_dropdown.options) >= {
        ("Harbour Gazette", "Harbour Gazette"),
        ("Valley Courier", "Valley Courier"),
    }
    order = ann.choose_articles(Choice(source="Valley Courier", date_from="2026-12"))
    assert order == [n for n in range(600) if n % 2 and n % 12 == 11]
    assert len(ann.articles._cache) <= 6


def test_labels_on_a_lazy_corpus_reach_the_right_rows_and_resume(tmp_path: Path):
    """Test that labels given on a lazily opened article are logged with its ids and text,
    and a new Annotator on the same file resumes them on that article."""
    path = write_jsonl(tmp_path / "corpus.jsonl", rows(50))
    folder = tmp_path / "logs"
    ann = Annotator(path, annotator="ana", folder=folder)
    ann.show_article(42)
    sentence = ann.visible_sentences[1]
    ann.label(sentence.id, "opinion", note="see council minutes")
    (row,) = rows_of(folder / "ana.csv")
    eager = load_articles(path)[42]
    assert (row["article_id"], row["sentence_id"], row["text"]) == (
        eager.id,
        eager.sentences[1].id,
        eager.sentences[1].text,
    )
    again = Annotator(path, annotator="ana", folder=folder)
    assert again.article.id == eager.id
    assert again.labels == {sentence.id: "opinion"}


def test_an_assignment_over_a_lazy_corpus_shows_only_its_queue(tmp_path: Path):
    """Test that Annotator(corpus file, assignment=) stays lazy and shows only the queue,
    in queue order, and that a queue naming a missing article is refused with its line."""
    path = write_csv(tmp_path / "corpus.csv", rows(40))
    assign(path, ["ana", "ben"], tmp_path / "out", per_item=1, seed=3)
    queue = tmp_path / "out" / "ana.csv"
    ann = Annotator(path, annotator="ana", folder=tmp_path / "logs", assignment=queue)
    assert isinstance(ann.articles, CorpusFile)
    wanted = list(dict.fromkeys(r["article_id"] for r in rows_of(queue)))
    assert [head.id for head in ann.articles.heads] == wanted
    assert ann.article.id == wanted[0]
    small = write_csv(tmp_path / "small.csv", rows(40)[:5])
    with pytest.raises(InputError, match=r"ana.csv, line \d+: article .* is not in the loaded"):
        Annotator(small, annotator="ana", folder=tmp_path / "logs", assignment=queue)


def test_bad_corpus_files_are_refused_with_file_and_line(tmp_path: Path):
    """Test that duplicate ids (both lines named), a malformed row and a missing column are
    refused at build time with the file and line, as the eager loader refuses them."""
    records = rows(5)
    records[3]["id"] = records[1]["id"]
    path = write_csv(tmp_path / "dup.csv", records)
    with pytest.raises(
        InputError, match=r"dup.csv, line \d+: article id .* already used by .*line"
    ):
        Annotator(path, annotator="ana", folder=tmp_path / "logs")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "title": "t", "text": "One. Two."}\n{"id": \n', "utf-8")
    with pytest.raises(InputError, match=r"broken.jsonl, line 2: not valid JSON"):
        Annotator(broken, annotator="ana", folder=tmp_path / "logs")
    missing = tmp_path / "missing.csv"
    missing.write_text("id,title\na,b\n", "utf-8")
    with pytest.raises(InputError, match=r"missing.csv: missing column\(s\) text"):
        Annotator(missing, annotator="ana", folder=tmp_path / "logs")


def test_line_ends_of_every_kind_give_the_rows_the_loader_gives(tmp_path: Path):
    """Test that CR (old Mac), CRLF and LF line ends, also inside quoted fields, are found
    where the csv reader finds them, so each lazily read row is the loader's row."""
    body = [
        b"id,title,text\r",
        b'one,First,"Tram fares rose.\r\rThe mayor objected."\r\n',
        b'two,Second,"Ferries ran late.\n\nThe port apologised."\n',
        b'three,Third,"Buses were full.\r\n\r\nDrivers asked for more."\r',
        b"four,Fourth,Trains stopped at noon.\r",
    ]
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"".join(body))
    lazy, eager = open_corpus(path), load_articles(path)
    assert isinstance(lazy, CorpusFile)
    for index in (3, 1, 0, 2):
        assert (lazy[index].id, lazy[index].text, lazy[index].source) == (
            eager[index].id,
            eager[index].text,
            eager[index].source,
        )


def test_line_offsets_cross_block_boundaries(tmp_path: Path, monkeypatch):
    """Test that line starts are found when a CRLF or a line straddles a read block."""
    from factcheck import _catalogue

    data = b"a\r\nbb\rccc\n\r\r\ndddd\re"
    path = tmp_path / "lines.txt"
    path.write_bytes(data)
    expected = [0, 3, 6, 10, 11, 13, 18]  # after LF, CRLF and bare CR
    for block in (1, 2, 3, 4, 1 << 20):
        monkeypatch.setattr(_catalogue, "BLOCK_BYTES", block)
        got = _catalogue.line_offsets(path, range(1, 8), bare_cr=True)
        assert list(got) == expected, block
    assert list(_catalogue.line_offsets(path, [1, 2, 3], bare_cr=False)) == [0, 3, 10]


def test_a_corpus_file_changed_after_opening_is_named_not_misread(tmp_path: Path):
    """Test that a row read from a file rewritten since it was opened is refused with the
    file and line, never shown as another article."""
    path = write_csv(tmp_path / "corpus.csv", rows(6))
    lazy = open_corpus(path)
    write_csv(path, rows(6)[::-1])
    with pytest.raises(InputError, match=r"corpus.csv, line \d+: the file changed"):
        lazy[4]


# The fast route (pyarrow + a numpy byte scan) against the exact one (the csv module).

PIECES = [*'ab ,"\n\tzé“”—\u00a0\u3000ß😀', '""', "\r\n", "NA", "null", "#"]
FIELD_TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
WORD = st.text(alphabet=st.sampled_from(list("abcXYZ09é")), min_size=1, max_size=6)


@st.composite
def csv_corpora(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A CSV corpus as bytes (quotes, doubled quotes, newlines in fields, CRLF, BOM, blank
    lines, non-ASCII, empty titles), and whether it holds a CR without its LF."""
    count = draw(st.integers(1, 8))
    ids = draw(st.lists(WORD, min_size=count, max_size=count, unique_by=lambda w: w.lower()))
    records = [
        {
            "id": article_id + draw(st.sampled_from(["", " x/y", "?", " "])),
            "title": draw(FIELD_TEXT),
            "text": draw(FIELD_TEXT) + draw(WORD) + draw(FIELD_TEXT),
            "url": draw(st.sampled_from(["", "https://news.example.test/a?b=1,2"])),
            "date": draw(st.sampled_from(["", "2026-03-04"])),
            "source": draw(FIELD_TEXT),
        }
        for article_id in ids
    ]
    if draw(st.integers(0, 9)) == 0:
        records[0]["text"] += '"\r'  # a CR without its LF (old Mac; the quote gets it
        # quoted, as a spreadsheet would): the exact route's

    fields = draw(st.permutations(FIELDS))
    handle = io.StringIO(newline="")
    writer = csv.DictWriter(
        handle,
        fieldnames=fields,
        lineterminator=draw(st.sampled_from(["\r\n", "\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    writer.writeheader()
    for record in records:
        writer.writerow(record)
        if draw(st.booleans()):
            handle.write(draw(st.sampled_from(["\n", "\r\n"])))  # a blank line
    text = handle.getvalue()
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no newline at the end
    data = text.encode("utf-8")
    bom = draw(st.booleans())
    return (codecs.BOM_UTF8 + data if bom else data), "\r" in text.replace("\r\n", "")


@settings(max_examples=150, deadline=None)
@given(corpus=csv_corpora(), block=st.sampled_from([1, 2, 5, 64, 1 << 22]))
def test_the_fast_route_finds_the_heads_and_offsets_the_exact_route_finds(corpus, block):
    """Test that, on varied CSV files and read blocks of any size, the fast route gives the
    same heads (safe ids, title fallback, source, date, outlet), lines, byte offsets and
    header as the csv module's route, and is taken unless a bare CR calls for the exact one."""
    data, bare_cr = corpus
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(_catalogue, "BLOCK_BYTES", block)
        patch.setattr(_catalogue, "FAST_MIN_BYTES", 0)  # small files take the fast route
        path = Path(folder) / "corpus.csv"
        path.write_bytes(data)
        exact = CorpusFile(path, fast=False)
        fast = CorpusFile(path)
        assert (_catalogue._fast_csv(path, fast.encoding) is None) == bare_cr
        assert fast.heads == exact.heads
        assert list(fast._lines) == list(exact._lines)
        assert list(fast._offsets) == list(exact._offsets)
        assert fast._header == exact._header
        for index in range(len(fast)):
            assert fast.row(index) == exact.row(index)


GOOD = 'id,title,text,language\na,First,"One, two.",en\nb,,Three.,\n'
DOUBTFUL = {
    "duplicate id": (
        GOOD + "a,Again,Four.,\n",
        r"line 4: article id 'a' is already used by .*line 2",
    ),
    "empty id": (GOOD + " ,Blank,Four.,\n", r"line 4: the 'id' is empty"),
    "empty text": (GOOD + "c,Empty, \u3000 ,\n", r"line 4: article 'c' has no text; skipped"),
    "bare CR": (GOOD + 'c,Old Mac,"Four.\rFive.",\n', None),
    "unclosed quote": (GOOD + 'c,Open,"Four.,\n', r"line 4: malformed CSV"),
    "too many fields": (GOOD + "c,Extra,Four.,en,x\n", r"line 4: the row has more fields"),
    "quote inside a field": (GOOD + 'c,Say "hi",Four.,\n', None),
    "bad language": (GOOD + "c,Lang,Four.,klingon\n", r"line 4: 'language': 'klingon'"),
    "cp1252": (GOOD.replace("First", "Caf\xe9"), None),
    "NUL byte": (GOOD + f"c,Long,{'x' * 9000},\nd,Nul,Fo\x00ur.,\n", None),  # past 8 KB
}


def outcome(path: Path, *, fast: bool) -> list[ArticleHead] | str:
    """The heads a ``CorpusFile`` finds in ``path``, or the message it refuses it with."""
    try:
        return CorpusFile(path, fast=fast).heads
    except InputError as exc:
        return str(exc)


@pytest.mark.parametrize("case", sorted(DOUBTFUL))
def test_the_fast_route_gives_way_on_every_doubtful_file(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
):
    """Test that each bad or unusual input makes the fast route give way, so the exact
    route's error or warning, naming the file and line, is what the caller sees."""
    monkeypatch.setattr(_catalogue, "FAST_MIN_BYTES", 0)  # small files try the fast route
    text, message = DOUBTFUL[case]
    path = tmp_path / "corpus.csv"
    path.write_bytes(text.encode("cp1252" if case == "cp1252" else "utf-8"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoding = _catalogue.stream_encoding(path)
        assert _catalogue._fast_csv(path, encoding) is None
        if message is None or "skipped" in message:
            assert outcome(path, fast=True) == outcome(path, fast=False)
        else:
            with pytest.raises(InputError, match=rf"corpus.csv, {message}"):
                CorpusFile(path)
    if message and "skipped" in message:
        assert any(re.search(message, str(w.message)) for w in caught)


@st.composite
def jsonl_corpora(draw: st.DrawFn) -> bytes:
    """A JSONL corpus as bytes: escaped and raw non-ASCII, emoji as surrogate pairs, keys in
    any order, missing optional fields, nulls, extra fields, blank lines, CRLF ends."""
    count = draw(st.integers(1, 8))
    ids = draw(st.lists(WORD, min_size=count, max_size=count, unique_by=lambda w: w.lower()))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    lines = []
    for article_id in ids:
        record = {
            "id": article_id + draw(st.sampled_from(["", " x/y", "?"])),
            "title": draw(FIELD_TEXT),
            "text": draw(FIELD_TEXT) + draw(WORD),
            "extra": draw(st.sampled_from([1, [2], None, "x"])),
        }
        for key in ("url", "date", "source"):
            value = draw(st.sampled_from([None, "", "https://news.example.test/a", FIELD_TEXT]))
            if value is not None:
                record[key] = value if isinstance(value, str) else draw(value)
            elif draw(st.booleans()):
                record[key] = None
        keys = draw(st.permutations(list(record)))
        ascii_only = draw(st.booleans())
        lines.append(json.dumps({k: record[k] for k in keys}, ensure_ascii=ascii_only))
        if draw(st.booleans()):
            lines.append("")  # a blank line
    return (end.join(lines) + draw(st.sampled_from(["", end]))).encode("utf-8")


@settings(max_examples=100, deadline=None)
@given(data=jsonl_corpora(), block=st.sampled_from([1, 3, 64, 1 << 22]))
def test_the_fast_jsonl_route_finds_the_heads_and_offsets_the_exact_route_finds(data, block):
    """Test that on varied JSONL files the fast route is taken and gives the same heads,
    lines and byte offsets as the json module's route, whatever the read block size."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(_catalogue, "BLOCK_BYTES", block)
        patch.setattr(_catalogue, "FAST_MIN_BYTES", 0)
        path = Path(folder) / "corpus.jsonl"
        path.write_bytes(data)
        exact = CorpusFile(path, fast=False)
        assert _catalogue._fast_jsonl(path, exact.encoding) is not None
        fast = CorpusFile(path)
        assert fast.heads == exact.heads
        assert list(fast._lines) == list(exact._lines)
        assert list(fast._offsets) == list(exact._offsets)
        for index in range(len(fast)):
            assert fast.row(index) == exact.row(index)


GOOD_JSONL = (
    '{"id": "a", "title": "First", "text": "One."}\n{"id": "b", "title": "", "text": "Two."}\n'
)
DOUBTFUL_JSONL = {
    "duplicate id": '{"id": "a", "title": "Again", "text": "Three."}',
    "number id": '{"id": 7, "title": "Seven", "text": "Three."}',
    "null title": '{"id": "c", "title": null, "text": "Three."}',
    "missing text": '{"id": "c", "title": "No text"}',
    "blank text": '{"id": "c", "title": "Blank", "text": " \\u3000 "}',
    "repeated key": '{"id": "c", "id": "d", "title": "Twice", "text": "Three."}',
    "lone surrogate": '{"id": "c", "title": "Half \\ud83d", "text": "Three."}',
    "indented line": '  {"id": "c", "title": "Indented", "text": "Three."}',
    "not an object": '["c", "List", "Three."]',
    "broken JSON": '{"id": "c", "title": "Cut", "text": ',
    "bad language": '{"id": "c", "title": "L", "text": "Three.", "language": "klingon"}',
}


@pytest.mark.parametrize("case", sorted(DOUBTFUL_JSONL))
def test_the_fast_jsonl_route_gives_way_on_every_doubtful_file(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
):
    """Test that each bad or unusual JSONL line makes the fast route give way, so the
    caller sees exactly what the exact route makes of the file (heads, or the error)."""
    monkeypatch.setattr(_catalogue, "FAST_MIN_BYTES", 0)
    path = tmp_path / "corpus.jsonl"
    path.write_text(GOOD_JSONL + DOUBTFUL_JSONL[case] + "\n", encoding="utf-8")
    assert _catalogue._fast_jsonl(path, "utf-8") is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        assert outcome(path, fast=True) == outcome(path, fast=False)


def test_opening_a_corpus_file_loads_the_language_model_meanwhile(tmp_path: Path, monkeypatch):
    """Test that opening a corpus file starts loading the language model in the background
    (its first row shown is cleaned, which detects the language), and that the model it
    loads is the one detection then uses."""
    import threading

    import factcheck.language

    monkeypatch.setattr(factcheck.language, "_MODEL", [])
    path = tmp_path / "corpus.csv"
    path.write_text(
        "id,title,text\nw1,Ward 1,El ayuntamiento aprobó el presupuesto el martes.\n",
        encoding="utf-8",
    )
    CorpusFile(path)
    loading = [t for t in threading.enumerate() if t.name == "factcheck-language-model"]
    assert loading or factcheck.language._MODEL
    for thread in loading:
        thread.join(timeout=60)
    (model,) = factcheck.language._MODEL
    assert factcheck.language._identifier() is model
    assert factcheck.detect_language("El ayuntamiento aprobó el presupuesto ayer.").code == "es"
