"""The corpus behind a widget: articles split when first shown, found by search, filtered.

A widget over 100,000 articles must cost what is on screen, not what is in the corpus. A
``Catalogue`` holds the articles as given (a sequence; no copies of their text) and splits an
article into sentences only when it is asked for, keeping the last few splits in a small
cache: it never reads ``Article.sentences`` (a cached property, so reading it would pin every
article's sentences for as long as the caller keeps the article). Corpus facts that need no
splitting (title, source, date) are read on demand; the rest are plain functions of ids:
``article_id_of`` recovers an article id from a sentence id, ``search`` finds articles by
title, id or source, and ``select_articles`` orders and filters the corpus for navigation.

``CorpusFile`` is a corpus CSV/JSONL file opened lazily: building it reads each row once
for its id, title, source and date (an ``ArticleHead``) and where the row starts (bytes);
a row is cleaned and becomes an ``Article`` only when it is first shown. A plain UTF-8 CSV
or JSONL file is read by pyarrow and a numpy byte scan (about 1 s at 100,000 rows, against
3 s), anything in doubt by the loaders' own row reader.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import os
import warnings
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit

import numpy as np

from ._decode import stream_encoding
from .articles import CORPUS_SUFFIXES, Article, article_from_row, safe_id
from .corpus import REQUIRED_COLUMNS, CorpusRow, read_csv_corpus, read_jsonl_corpus
from .errors import InputError
from .language import normalise_language, preload_model
from .sentences import Sentence, split_sentences

ORDER_CORPUS = "corpus"
ORDER_UNLABELLED_FIRST = "unlabelled first"
ORDER_FLAGGED = "flagged"
ORDERS = (ORDER_CORPUS, ORDER_UNLABELLED_FIRST, ORDER_FLAGGED)
ANY_SOURCE = ""


def article_id_of(sentence_id: str) -> str:
    """The article id inside a sentence id (``<article>-<index>-<hash>``, see ``sentence_id``)."""
    parts = sentence_id.rsplit("-", 2)
    return parts[0] if len(parts) == 3 else ""


def source_key(article: Article) -> str:
    """What "by source" groups on: the outlet of a corpus row, else a URL's host, else the
    file name (a corpus row's ``file:line`` source counts as its file)."""
    outlet = str(article.metadata.get("outlet", "") or "").strip()
    if outlet:
        return outlet
    source = article.source
    if "://" in source:
        return urlsplit(source).netloc or source
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    head, _, tail = name.rpartition(":")
    return head if head and tail.isdigit() else name


def date_key(date: str) -> str:
    """The ISO day (``YYYY-MM-DD``, or a shorter ``YYYY-MM``/``YYYY``) an article's date
    starts with, or "" when it does not start with one (such dates never match a range)."""
    head = date.strip()[:10]
    digits = head.replace("-", "")
    if len(head) >= 4 and digits.isdigit() and head[:4].isdigit():
        return head
    return ""


@dataclass(frozen=True)
class Choice:
    """How the articles are ordered and filtered for navigation: ``order`` is one of
    ``ORDERS``; ``source`` (a ``source_key``) and the ISO ``date_from``/``date_to`` bounds
    (inclusive, "" for none, a prefix such as "2026-03" counts as that month) filter."""

    order: str = ORDER_CORPUS
    source: str = ANY_SOURCE
    date_from: str = ""
    date_to: str = ""


def _in_range(date: str, start: str, stop: str) -> bool:
    if not (start or stop):
        return True
    if not date:
        return False
    return (not start or date[: len(start)] >= start) and (not stop or date[: len(stop)] <= stop)


def select_articles(
    articles: Sequence[Article],
    choice: Choice,
    touched: AbstractSet[str] = frozenset(),
    flagged: AbstractSet[str] = frozenset(),
) -> list[int]:
    """Indices of the articles that ``choice`` shows, in the order it asks for.

    ``touched`` holds the ids of articles with at least one label, ``flagged`` those with a
    sentence flagged for discussion. "Unlabelled first" puts untouched articles first, then
    the others, each in corpus order. Reads titles, sources and dates only: nothing is split.
    """
    wanted = []
    for index, article in enumerate(articles):
        if choice.order == ORDER_FLAGGED and article.id not in flagged:
            continue
        if choice.source and source_key(article) != choice.source:
            continue
        if (choice.date_from or choice.date_to) and not _in_range(
            date_key(article.date), choice.date_from, choice.date_to
        ):
            continue
        wanted.append(index)
    if choice.order == ORDER_UNLABELLED_FIRST:
        wanted.sort(key=lambda i: articles[i].id in touched)  # stable: corpus order within
    return wanted


def sources(articles: Iterable[Article]) -> list[str]:
    """The distinct ``source_key`` values of the articles, sorted (for the source filter)."""
    return sorted({source_key(article) for article in articles})


def search(articles: Sequence[Article], query: str, *, limit: int = 20) -> list[int]:
    """Indices of up to ``limit`` articles whose title, id or source contains every word of
    ``query`` (case-insensitive), in corpus order; an empty query finds nothing."""
    words = query.casefold().split()
    if not words:
        return []
    found = []
    for index, article in enumerate(articles):
        haystack = f"{article.title}\n{article.id}\n{article.source}\n{source_key(article)}"
        haystack = haystack.casefold()
        if all(word in haystack for word in words):
            found.append(index)
            if len(found) >= limit:
                break
    return found


@dataclass(frozen=True, slots=True)
class ArticleHead:
    """What navigation reads of an article that is not cleaned yet: the fields of its
    corpus row (``id`` as ``safe_id`` makes it, ``source`` as the loaders make it)."""

    id: str
    title: str
    source: str
    date: str = ""
    outlet: str = ""

    @property
    def metadata(self) -> dict[str, str]:
        """The metadata keys ``source_key`` and ``date_key`` read (as on an ``Article``)."""
        return {"outlet": self.outlet, "date": self.date}


BLOCK_BYTES = 1 << 22


def line_offsets(path: Path, lines: Sequence[int], *, bare_cr: bool) -> array:
    """Byte offsets where the given 1-based line numbers (ascending) start in ``path``.

    Lines end as the reader that numbered them split them: at LF, and with ``bare_cr`` also
    at a CR not followed by LF (the csv module's ``newline=""`` reading). One pass over the
    bytes in blocks, vectorised: memory is one block, not the file.
    """
    wanted = np.asarray(lines, dtype=np.int64)
    out = np.zeros(len(wanted), dtype=np.int64)  # line 1 starts at byte 0
    k = int(np.searchsorted(wanted, 1, side="right"))
    seen, base = 1, 0  # lines started so far; bytes before this block
    with path.open("rb") as raw:
        while k < len(wanted):
            block = raw.read(BLOCK_BYTES)
            if not block:
                break
            while bare_cr and block.endswith(b"\r"):  # keep a CRLF inside one block
                more = raw.read(1)
                if not more:
                    break
                block += more
            data = np.frombuffer(block, dtype=np.uint8)
            is_end = data == 10
            if bare_cr:  # a CR ends a line unless an LF follows (a block never ends in CR
                # but at the end of the file)
                is_end[:-1] |= (data[:-1] == 13) & (data[1:] != 10)
                is_end[-1:] |= data[-1:] == 13
            ends = np.flatnonzero(is_end)
            starts = ends + 1 + base
            top = int(np.searchsorted(wanted, seen + len(starts), side="right"))
            out[k:top] = starts[wanted[k:top] - seen - 1]
            k, seen, base = top, seen + len(starts), base + len(block)
    return array("q", out.tolist())


FAST_MIN_BYTES = 16 << 20
"""Smaller corpus files take the exact route: it reads them faster than pyarrow imports
(about 0.3 s; ``benchmarks/bench_widget.py --only-files``)."""

FAST_ENCODINGS = frozenset({"utf-8", "utf-8-sig"})
"""Encodings the fast CSV route reads (pyarrow reads UTF-8; JSONL: plain UTF-8 only)."""

_PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What ``str.strip()`` removes, so an Arrow trim finds the same empty fields."""

_NOT_BLANK = "[^" + "".join(f"\\x{{{ord(c):x}}}" for c in _PY_WHITESPACE) + "]"
"""An RE2 pattern matching a field that ``str.strip()`` leaves non-empty."""

_HEAD_COLUMNS = ("id", "title", "text", "url", "date", "source", "language")


def csv_record_starts(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """Byte offsets and 1-based line numbers where the CSV records of ``path`` start (the
    header first; a row after blank lines starts at the first of them, as the csv route
    numbers it), or None when the quoting is not plain RFC 4180.

    A newline outside quotes ends a record (quote parity: doubled quotes keep it). Plain:
    every opening quote starts a field, every closing one ends a field, no bare CR, no NUL;
    then Python's csv module and pyarrow split the file the same way. One pass in blocks.
    """
    starts, lines = [np.zeros(1, dtype=np.int64)], [np.ones(1, dtype=np.int64)]
    blanks = [np.zeros(1, dtype=bool)]  # whether a line starting there is empty
    quotes_before, lfs_before, base = 0, 0, 0
    previous = b"\n"  # the byte before the block: the file "starts after a newline"
    with path.open("rb") as raw:
        block = raw.read(max(BLOCK_BYTES, 3))  # a BOM is never cut
        if block.startswith(codecs.BOM_UTF8):
            block, base = block[3:], 3  # the header still starts at byte 0 (BOM and all)
            block = block or raw.read(BLOCK_BYTES)
        if block[:1] in (b"\n", b"\r"):
            return None  # a blank first line: the exact route says what is wrong
        while block:
            following = raw.read(BLOCK_BYTES)
            data = np.frombuffer(previous + block + (following[:1] or b"\n"), dtype=np.uint8)
            inner = data[1:-1]  # this block; data[i] is the byte before inner[i]
            if b"\x00" in block:
                return None  # a NUL: the exact route says what is wrong
            if b"\r" in block and (data[np.flatnonzero(inner == 13) + 2] != 10).any():
                return None  # a CR without its LF ends a line for the csv module only
            quote = np.flatnonzero(inner == 34)
            opening = (np.arange(len(quote)) + quotes_before) % 2 == 0
            if not np.isin(data[quote[opening]], (44, 10, 34)).all():
                return None  # a quote inside an unquoted field
            if not np.isin(data[quote[~opening] + 2], (44, 10, 13, 34)).all():
                return None  # text after a closing quote
            lf = np.flatnonzero(inner == 10)
            outside = (np.searchsorted(quote, lf) + quotes_before) % 2 == 0
            ends = lf[outside]
            starts.append(ends.astype(np.int64) + 1 + base)
            lines.append(np.flatnonzero(outside).astype(np.int64) + lfs_before + 2)
            # After the last newline of the file the sentinel LF makes an empty "line".
            blanks.append(np.isin(data[ends + 2], (10, 13)))  # the next line is empty
            quotes_before += len(quote)
            lfs_before += len(lf)
            base += len(block)
            previous, block = block[-1:], following
    if quotes_before % 2:
        return None  # an unclosed quote: the exact route names its line
    start, line, blank = np.concatenate(starts), np.concatenate(lines), np.concatenate(blanks)
    # The csv route skips blank lines but numbers the row after them from the first one
    # (its line and offset are where the previous row ended): keep the first start of
    # each run of blank lines, drop the rest, and a run that ends the file.
    keep = np.concatenate(([True], ~blank[:-1]))
    start, line = start[keep], line[keep]
    if blank[-1]:  # the file ends with a run of blank lines (or just its last newline)
        start, line = start[:-1], line[:-1]
    return start, line


def _fast_csv(path: Path, encoding: str) -> tuple[list[ArticleHead], array, array] | None:
    """Heads, lines and offsets of a plain UTF-8 CSV corpus, read by pyarrow (only the
    columns a head needs, multi-threaded), or None on any doubt: then the exact route reads
    the file and its errors and warnings name the line."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    if encoding not in FAST_ENCODINGS:
        return None
    found = csv_record_starts(path)
    if found is None or len(found[0]) < 2:
        return None
    starts, lines = found
    with path.open("rb") as raw:
        header = raw.read(int(starts[1])).decode(encoding)
    names = next(csv.reader(io.StringIO(header, newline="")), [])
    if len(set(names)) != len(names) or not all(c in names for c in REQUIRED_COLUMNS):
        return None
    wanted = [c for c in _HEAD_COLUMNS if c in names]
    columns: dict[str, list[str]] = {c: [] for c in wanted if c != "text"}
    try:  # in 1 MB batches: memory is a few batches, never the whole text column
        for batch in pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string())
            ),
        ):
            for name in ("id", "text"):  # an empty id is an error, an empty text skipped
                if not pc.all(pc.match_substring_regex(batch[name], _NOT_BLANK)).as_py():
                    return None
            for name, values in columns.items():
                values += batch[name].to_pylist()
    except (pa.ArrowInvalid, OSError):
        return None  # a row with too many or too few fields, bad UTF-8, ...
    if len(columns["id"]) != len(starts) - 1:
        return None
    if not _known_languages(columns.get("language", ())):
        return None
    return _heads_of(path, columns, lines[1:].tolist(), starts[1:].tolist())


def jsonl_record_starts(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """Byte offsets and 1-based numbers of the lines of a JSONL file that start with "{",
    or None when a line starts with anything but "{" or its end (a BOM, indentation, a
    lone CR): such files take the exact route. One vectorised pass in blocks."""
    starts, lines, crs = [], [], []
    lfs_before, base = 0, 0
    with path.open("rb") as raw:
        block = raw.read(BLOCK_BYTES)
        previous = b"\n"  # the file "starts after a newline"
        while block:
            following = raw.read(BLOCK_BYTES)
            data = np.frombuffer(previous + block + (following[:1] or b"\n"), dtype=np.uint8)
            lf = np.flatnonzero(data[:-1] == 10)  # the LF before each line starting here
            first = data[lf + 1]
            record = first == 123
            crs.append(lf[first == 13].astype(np.int64) + base)  # blank if an LF follows
            if not (record | (first == 10) | (first == 13)).all():
                return None
            starts.append(lf[record].astype(np.int64) + base)
            lines.append(np.flatnonzero(record).astype(np.int64) + lfs_before + 1)
            lfs_before += len(lf)
            base += len(block)
            previous, block = b" ", following  # the last LF's line was looked at already
        if crs:  # a line starting with CR is blank only as CRLF (checked in the file)
            for offset in np.concatenate(crs).tolist():
                raw.seek(offset + 1)
                if raw.read(1) != b"\n":
                    return None
    if not starts:
        return None
    return np.concatenate(starts), np.concatenate(lines)


def _fast_jsonl(path: Path, encoding: str) -> tuple[list[ArticleHead], array, array] | None:
    """Heads, lines and offsets of a plain UTF-8 JSONL corpus read by pyarrow (string
    fields only), or None on any doubt (a number, a null id/title/text, a repeated key, a
    lone surrogate, a blank id or text, a duplicate id): then the exact route reads it."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import json as pajson

    if encoding != "utf-8":
        return None
    found = jsonl_record_starts(path)
    if found is None or not len(found[0]):
        return None
    starts, lines = found
    wanted = [*_HEAD_COLUMNS, "sentence_id"]
    columns: dict[str, list[str]] = {c: [] for c in _HEAD_COLUMNS if c != "text"}
    try:  # in 1 MB batches: memory is a few batches, never the whole text column
        for batch in pajson.open_json(
            path,
            read_options=pajson.ReadOptions(block_size=1 << 20),
            parse_options=pajson.ParseOptions(
                explicit_schema=pa.schema([(c, pa.string()) for c in wanted]),
                unexpected_field_behavior="ignore",
            ),
        ):
            if any(batch[c].null_count for c in REQUIRED_COLUMNS):
                return None  # a missing or null id, title or text
            for name in ("id", "text"):
                if not pc.all(pc.match_substring_regex(batch[name], _NOT_BLANK)).as_py():
                    return None
            for name, values in columns.items():
                values += pc.fill_null(batch[name], "").to_pylist()
    except (pa.ArrowInvalid, OSError):
        return None
    if len(columns["id"]) != len(starts) or not _known_languages(columns["language"]):
        return None
    return _heads_of(path, columns, lines.tolist(), starts.tolist())


def _known_languages(tags: Iterable[str]) -> bool:
    """Whether every non-blank language tag is one the exact route accepts."""
    for tag in set(tags):
        if tag.strip():
            try:
                normalise_language(tag)
            except InputError:
                return False
    return True


def _heads_of(
    path: Path, columns: Mapping[str, list[str] | None], lines: list[int], offsets: list[int]
) -> tuple[list[ArticleHead], array, array] | None:
    """The fast routes' result from their columns, or None on a duplicate id (the exact
    route names both lines)."""
    empty = [""] * len(lines)
    heads = list(
        map(
            functools.partial(_head_of, path=path),
            columns["id"],
            columns["title"],
            columns.get("url") or empty,
            lines,
            columns.get("date") or empty,
            columns.get("source") or empty,
        )
    )
    if len({head.id for head in heads}) != len(heads):
        return None
    return heads, array("q", lines), array("q", offsets)


LAZY_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "cp1252"})
"""Encodings a ``CorpusFile`` reads rows of by byte offset (bytes 0x0A and 0x0D are only
ever line ends in them)."""


class CorpusFile(Sequence[Article]):
    """A corpus CSV or JSONL file as a sequence of articles, each cleaned when first read.

    Building reads every row once, through the loaders' own row reader
    (``corpus.read_csv_corpus``/``read_jsonl_corpus``, so the same errors name file and
    line), and keeps only an ``ArticleHead`` and a byte offset per row: memory grows with
    those few fields, not with the text. ``self[i]`` seeks to row ``i``, reads it with the
    same reader and cleans it with ``articles.article_from_row`` (the one row cleaner),
    keeping the last ``cache_size`` articles. A row that cleaning leaves empty (all page
    furniture) is warned about, as the loaders do, and shows as an article with no
    sentences. Use ``open_corpus`` to get one (it says when a file cannot be read lazily).

    A plain UTF-8 file is first read by a fast route (``_fast_csv``/``_fast_jsonl``: pyarrow
    for the head columns, a vectorised byte scan for the row starts); on any doubt it gives
    way to the row reader above, so errors and warnings stay the loaders'. ``fast=False``
    skips it, as do files under ``FAST_MIN_BYTES``.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, cache_size: int = 16, fast: bool = True
    ) -> None:
        self.path = Path(path)
        self.cache_size = cache_size
        preload_model()  # the first row shown is cleaned, which detects its language
        self.encoding = stream_encoding(self.path)
        self._csv = self.path.suffix.lower() == ".csv"
        self.heads: list[ArticleHead] = []
        self._offsets = array("q")
        self._lines = array("q")
        self._cache: OrderedDict[int, Article] = OrderedDict()
        self._header = ""
        found = None
        if fast and self.path.stat().st_size >= FAST_MIN_BYTES:
            read = _fast_csv if self._csv else _fast_jsonl
            found = read(self.path, self.encoding)
        if found is not None:
            self.heads, self._lines, self._offsets = found
        else:
            self._exact_scan()
        if self._csv and self._offsets:
            with self.path.open("rb") as raw:
                self._header = raw.read(self._offsets[0]).decode(self.encoding)
        if not self.heads:
            raise InputError(
                f"{self.path}: found no articles with text. Check the file's contents."
            )

    def _exact_scan(self) -> None:
        """Heads, lines and offsets read through the loaders' own row reader, so every
        error and warning is theirs (the route for any file the fast one doubts)."""
        seen: dict[str, int] = {}
        # The loaders' own streaming read (``corpus.read_corpus``'s steps): same errors.
        with self.path.open(encoding=self.encoding, newline="" if self._csv else "\n") as text:
            rows = (
                read_csv_corpus(text, self.path)
                if self._csv
                else read_jsonl_corpus(text, self.path)
            )
            for row in rows:
                head = _head(row, self.path)
                if head.id in seen:
                    raise InputError(
                        f"{self.path}, line {row.line}: article id {head.id!r} is already used "
                        f"by {self.path}, line {seen[head.id]}. Ids must be unique: fix the id."
                    )
                seen[head.id] = row.line
                self.heads.append(head)
                self._lines.append(row.line)
        self._offsets = line_offsets(self.path, self._lines, bare_cr=self._csv)

    def __len__(self) -> int:
        return len(self.heads)

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...
    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        article = self._article(index)
        self._cache[index] = article
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return article

    def row(self, index: int) -> CorpusRow:
        """Corpus row ``index`` as the loaders read it (its ``line`` is its line in the file)."""
        with self.path.open("rb") as raw:
            raw.seek(self._offsets[index])
            stream = io.TextIOWrapper(
                raw, encoding=self.encoding, newline="" if self._csv else "\n"
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the scan warned already, naming the line
                rows = (
                    read_csv_corpus(itertools.chain([self._header], stream), self.path)
                    if self._csv
                    else read_jsonl_corpus(stream, self.path)
                )
                found = next(rows, None)
                rows.close()
        if found is None or safe_id(found.id) != self.heads[index].id:
            raise InputError(
                f"{self.path}, line {self._lines[index]}: the file changed since it was opened "
                f"(article {self.heads[index].id!r} is no longer there). Run the cell again "
                "to reopen it."
            )
        return replace(found, line=self._lines[index])

    def _article(self, index: int) -> Article:
        row = self.row(index)
        article = article_from_row(row, self.path)
        if article is None:  # cleaning left no text (warned, naming the row)
            head = self.heads[index]
            article = Article(
                id=head.id,
                title=head.title,
                text="",
                source=head.source,
                metadata={"date": head.date, "outlet": head.outlet, "empty": True},
            )
        return article

    def select(self, ids: Iterable[str]) -> CorpusFile:
        """The articles with these ids, in this order, as a lazy corpus of its own (an
        assignment's queue); KeyError names an id that is not in the file."""
        where = {head.id: i for i, head in enumerate(self.heads)}
        picked = [where[article_id] for article_id in ids]
        view = object.__new__(CorpusFile)
        view.__dict__.update(self.__dict__)
        view.heads = [self.heads[i] for i in picked]
        view._offsets = array("q", (self._offsets[i] for i in picked))
        view._lines = array("q", (self._lines[i] for i in picked))
        view._cache = OrderedDict()
        return view


def _head(row: CorpusRow, path: Path) -> ArticleHead:
    """The ``ArticleHead`` of a row: id, title and source as ``article_from_row`` makes them
    (a row without a title shows its id until it is cleaned and a headline may be found)."""
    return _head_of(row.id, row.title, row.url, row.line, row.date, row.source, path=path)


def _head_of(
    raw_id: str, title: str, url: str, line: int, date: str, outlet: str, *, path: Path
) -> ArticleHead:
    """``_head`` from the row's fields (the fast route has columns, not ``CorpusRow``s)."""
    article_id = safe_id(raw_id)
    title = title.strip()
    if not title:
        title = article_id.replace("-", " ").replace("_", " ").strip().capitalize()
    return ArticleHead(
        id=article_id, title=title, source=url or f"{path}:{line}", date=date, outlet=outlet
    )


def open_corpus(path: str | os.PathLike[str]) -> CorpusFile | None:
    """A ``CorpusFile`` for one corpus CSV/JSONL file, or None when ``path`` is something
    else (a folder, a glob, an article file) or its encoding cannot be read by byte
    offset (UTF-16): load those eagerly."""
    candidate = Path(path)
    if candidate.suffix.lower() not in CORPUS_SUFFIXES or not candidate.is_file():
        return None
    try:
        with candidate.open("rb") as raw:
            head = raw.read(1 << 16)
    except OSError:
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    corpus = CorpusFile(candidate)
    return corpus if corpus.encoding in LAZY_ENCODINGS else None


def heads(articles: Sequence[Article]) -> Sequence[Article | ArticleHead]:
    """What navigation reads without cleaning: a ``CorpusFile``'s heads, else the articles."""
    return articles.heads if isinstance(articles, CorpusFile) else articles


class Catalogue:
    """The articles of a widget, split on demand.

    ``sentences(i)`` splits article ``i`` the first time it is needed and keeps the last
    ``cache_size`` splits (``cache_size=None`` keeps every split: student mode scores every
    article of a small class set). The number of sentences of every article split so far is
    remembered (one int each), so "articles done" needs no second split.
    """

    def __init__(self, articles: Sequence[Article], *, cache_size: int | None = 8) -> None:
        self.articles = articles
        self.heads = heads(articles)
        self.cache_size = cache_size
        self._index = {article.id: i for i, article in enumerate(self.heads)}
        self._cache: OrderedDict[int, list[Sentence]] = OrderedDict()
        self.counts: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.articles)

    def index_of(self, article_id: str) -> int | None:
        """The index of the article with this id, or None."""
        return self._index.get(article_id)

    def sentences(self, index: int) -> list[Sentence]:
        """The sentences of article ``index`` (split now unless cached)."""
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        sentences = self._split(index)
        self._cache[index] = sentences
        if self.cache_size is not None:
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return sentences

    def _split(self, index: int) -> list[Sentence]:
        """Split article ``index`` (an article its caller split keeps its own list; others
        are split without touching the cached property, so nothing pins the sentences)."""
        article = self.articles[index]
        sentences = article.__dict__.get("sentences")
        if sentences is None:
            sentences = split_sentences(article.text, article_id=article.id, edits=article.edits)
        self.counts[index] = len(sentences)
        return sentences

    def learn_counts(self, indices: Iterable[int], limit: int = 200) -> None:
        """Split up to ``limit`` of these articles whose sentence count is not known yet,
        keeping only the count: what reopening does for articles already started, so the
        ones finished count as done (about 1 ms per article)."""
        for index in [i for i in dict.fromkeys(indices) if i not in self.counts][:limit]:
            self._split(index)

    def _article_index(self, sentence_id: str) -> int | None:
        """The index of the article a sentence id names: ``article_id_of``, else the
        article of an imported sentence, whose id is ``safe_id`` of the sentence's own id
        (``factcheck import`` keeps the dataset's ids, which have no article part)."""
        index = self._index.get(article_id_of(sentence_id))
        return self._index.get(safe_id(sentence_id)) if index is None else index

    def article_id(self, sentence_id: str) -> str:
        """The id of the article a sentence id belongs to (see ``_article_index``); reads
        no article."""
        article_id = article_id_of(sentence_id)
        if article_id in self._index:
            return article_id
        imported = safe_id(sentence_id)
        return imported if imported in self._index else article_id

    def locate(self, sentence_id: str) -> tuple[int, int] | None:
        """(article index, sentence index) of a sentence id, or None if no article has it."""
        index = self._article_index(sentence_id)
        if index is None:
            return None
        for position, sentence in enumerate(self.sentences(index)):
            if sentence.id == sentence_id:
                return index, position
        return None

    def holds(self, sentence_id: str) -> bool:
        """Whether the sentence id names an article of this catalogue (without splitting)."""
        return self._article_index(sentence_id) is not None

    def done(self, labels: Mapping[str, str], touched: Mapping[str, int]) -> int:
        """Articles known to be fully labelled: split ones whose every sentence has a label.

        ``touched`` maps article id -> labelled sentences; an article never split here
        cannot be known complete without splitting it, so it is not counted.
        """
        total = 0
        for index, count in self.counts.items():
            if count and touched.get(self.heads[index].id, 0) >= count:
                total += 1
        return total
