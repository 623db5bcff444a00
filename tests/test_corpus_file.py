"""A corpus file opened lazily: Annotator("corpus.csv") reads heads up front and cleans a row
when it is first shown. Real files in temporary folders, real widgets."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pytest

from factcheck._catalogue import Choice, CorpusFile, open_corpus
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
def test_a_lazy_corpus_gives_the_articles_the_loader_gives(tmp_path: Path, kind: str):
    """Test that every article of a lazy corpus file equals what load_articles makes of the
    same row (id, title, text, edits, source, metadata), whatever the format or encoding."""
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
