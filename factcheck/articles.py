"""Articles: the cleaned body of one news article, its title, provenance and sentences."""

from __future__ import annotations

import glob
import hashlib
import re
import sys
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from ._decode import decode_bytes
from .cleaning import Edit, RemovedLine, clean_text
from .corpus import CorpusRow, read_corpus
from .errors import InputError, InputWarning
from .language import LanguageChoice, choose_language, normalise_language
from .sentences import SUPPORTED_LANGUAGES, Sentence, split_sentences
from .webpage import extract_webpage


@dataclass(frozen=True)
class Article:
    """One article: ``text`` is the cleaned body; sentences slice back exactly from it.

    ``id`` is stable and filesystem-safe; ``source`` is the path or URL it came from;
    ``metadata`` holds byline, date, image URLs and captions; ``removed`` lists what
    cleaning dropped and why; ``edits`` lists every change that made ``text`` from the
    source text (the decoded file, a corpus row's ``text`` field, or the text extracted
    from an HTML page), each with source and text offsets, so that
    ``factcheck.cleaning.apply_edits(source_text, article.edits) == article.text``. Each
    sentence's ``source_start``/``source_end`` point into that same source text.
    ``language`` is its ISO 639-1 code; ``language_source`` says where that came from:
    ``"given"`` (an argument or corpus column), ``"html"`` (the page's ``<html lang>``),
    ``"detected"`` (py3langid) or ``"default"`` (English, detection unsure); an empty
    ``language`` is detected when the article is made.
    """

    id: str
    title: str
    text: str
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    removed: tuple[RemovedLine, ...] = field(default=(), compare=False)
    edits: tuple[Edit, ...] = field(default=(), compare=False)
    language: str = ""
    language_source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if safe_id(self.id) != self.id:
            raise ValueError(
                f"Article id {self.id!r} is not filesystem-safe; build it with safe_id()."
            )
        if self.language:
            code = normalise_language(self.language, where=f"Article {self.id!r}: language")
            object.__setattr__(self, "language", code)
            object.__setattr__(self, "language_source", self.language_source or "given")
        else:
            choice = choose_language(self.text)
            object.__setattr__(self, "language", choice.code)
            object.__setattr__(self, "language_source", choice.source)

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The body's sentences in reading order (computed once, on first use), split by
        the rules of the article's language (``split_language``)."""
        return split_sentences(
            self.text, article_id=self.id, edits=self.edits, language=self.split_language
        )

    @property
    def split_language(self) -> str:
        """The language whose splitting rules apply: the article's own where factcheck has
        them (``SUPPORTED_LANGUAGES``), else English's."""
        return self.language if self.language in SUPPORTED_LANGUAGES else "en"

    @property
    def date(self) -> str:
        """Publication date as found in the article, or an empty string."""
        return str(self.metadata.get("date", ""))

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        id: str,
        title: str = "",
        source: str = "",
        language: str = "",
        **metadata: Any,
    ) -> Article:
        """An article from already-clean body text (no cleaning applied); its ``language``
        is detected unless given."""
        return cls(
            id=safe_id(id),
            title=title,
            text=text,
            source=source,
            metadata=metadata,
            language=language,
        )


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
MAX_ID_CHARS = 80
# An id safe_id would give back unchanged (lowercase ASCII, no run of dashes, no separator
# at either end): the common case of a corpus's own ids, checked without folding.
_PLAIN_ID = re.compile(r"[a-z0-9](?:[a-z0-9._]|-(?!-))*")


def _digest(name: str) -> str:
    return hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()


def _fold(name: str) -> str:
    """Latin letters lose their accents ("é" -> "e", as ids always did); letters, digits
    and marks of other scripts stay ("Новости"); symbols and emoji are dropped, as before.
    ASCII punctuation is left for ``_UNSAFE`` to turn into dashes."""
    out = []
    for char in unicodedata.normalize("NFC", name.replace("\x00", " ")):
        if char.isascii():
            out.append(char)
            continue
        ascii_part = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        if ascii_part:
            out.append(ascii_part)  # "é", "ﬁ", "²": the ASCII ids always used
        elif char.isalnum() or unicodedata.category(char).startswith("M"):
            out.append("\x00" + char)  # kept: marked so _UNSAFE leaves it alone
    return "".join(out)


def safe_id(name: str) -> str:
    """A filesystem-safe, stable id from a file name or corpus id (no path parts).

    ``safe_id("../Budget 2026: Final?") == "budget-2026-final"``; never empty, never
    ``.``/``..``, at most 80 characters. Letters of any script are kept (NFC, lowercase:
    ``safe_id("Новости 2024") == "новости-2024"``); accented Latin letters lose their
    accents and symbols are dropped, as before, so existing ids stay the same. A name
    longer than 80 characters is cut and ends with a hash of the whole name, so two long
    names that differ only at the end get different ids.
    """
    name = str(name)
    if len(name) <= MAX_ID_CHARS and name[-1:] not in "-._" and _PLAIN_ID.fullmatch(name):
        return name
    pieces = _fold(name).lower().split("\x00")
    # The first character of every piece after the first is a kept non-ASCII character.
    slug = _UNSAFE.sub("-", pieces[0]) + "".join(
        piece[:1] + _UNSAFE.sub("-", piece[1:]) for piece in pieces[1:]
    )
    slug = unicodedata.normalize("NFC", _DASHES.sub("-", slug).strip("-._"))
    if len(slug) > MAX_ID_CHARS:
        slug = f"{slug[: MAX_ID_CHARS - 9].rstrip('-._')}-{_digest(name)}"
    if not slug:
        slug = f"article-{_digest(name)}"
    return slug


TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})  # only these have markup rendered away
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
CORPUS_SUFFIXES = frozenset({".csv", ".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | CORPUS_SUFFIXES
MAX_FILE_BYTES = 20_000_000  # one article is < 1 MB; bigger text files are corpora or mistakes


def _read_text(path: Path, max_bytes: int) -> str:
    """The decoded text of ``path``; InputError for unreadable, huge, binary or empty files."""
    try:
        size = path.stat().st_size
        if size > max_bytes and path.suffix.lower() not in CORPUS_SUFFIXES:
            raise InputError(
                f"{path}: {size / 1e6:.1f} MB is too large for one article (limit "
                f"{max_bytes / 1e6:.0f} MB). If it holds many articles, save them as a CSV or "
                "JSONL corpus with one article per row; or pass max_bytes= to raise the limit."
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; use load_articles() for folders.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None
    text = decode_bytes(data, path)
    if not text.strip():
        raise InputError(f"{path}: the file is empty. Save the article text into it first.")
    return text


def _article_from_text(
    text: str,
    *,
    id: str,
    source: str,
    title: str = "",
    headlines: tuple[str, ...] = (),
    markdown: bool = False,
    language: str | None = None,
    declared: str | None = None,
    where: str = "",
    **extra,
) -> Article:
    choice: LanguageChoice = choose_language(
        text, given=language, declared=declared, where=where or f"{source}: language"
    )
    cleaned = clean_text(
        text, title=title, headlines=headlines, markdown=markdown, language=choice.code
    )
    if not cleaned.text.strip():
        raise InputError(
            f"{source}: no article text is left after removing page furniture "
            f"({len(cleaned.removed)} line(s) removed, e.g. {cleaned.removed[0].reason!r} "
            f"at line {cleaned.removed[0].line}). Check that the file holds the article body."
            if cleaned.removed
            else f"{source}: no article text found."
        )
    metadata = {**cleaned.metadata, **{k: v for k, v in extra.items() if v}}
    fallback = id.replace("-", " ").replace("_", " ").strip().capitalize()
    return Article(
        id=safe_id(id),
        title=cleaned.title or fallback,
        text=cleaned.text,
        source=source,
        metadata=metadata,
        removed=cleaned.removed,
        edits=cleaned.edits,
        language=choice.code,
        language_source=choice.source,
    )


def _articles_in_file(path: Path, max_bytes: int, language: str | None = None) -> Iterator[Article]:
    """Every article in one file: one for text and HTML, one per row for corpora."""
    for article, _where in _located_articles(path, max_bytes, language):
        yield article


def _located_articles(
    path: Path, max_bytes: int, language: str | None = None
) -> Iterator[tuple[Article, str]]:
    """Every article in one file, with where it is: the file, or "file, line N" of a corpus.
    ``language`` (an ISO 639-1 code) is given to every article, else each is detected."""
    suffix = path.suffix.lower()
    if suffix in CORPUS_SUFFIXES:
        # Streamed: a corpus of any size is never held in memory whole.
        for row in read_corpus(path):
            article = article_from_row(row, path, language=language)
            if article is not None:
                yield article, f"{path}, line {row.line}"
        return
    text = _read_text(path, max_bytes)
    if suffix in HTML_SUFFIXES:
        page = extract_webpage(text, str(path))
        yield (
            _article_from_text(
                page.text,
                id=path.stem,
                source=str(path),
                title=page.title,
                headlines=page.headlines,
                language=language,
                declared=page.language,
                **page.metadata,
            ),
            str(path),
        )
    else:
        markdown = suffix in MARKDOWN_SUFFIXES
        yield (
            _article_from_text(
                text, id=path.stem, source=str(path), markdown=markdown, language=language
            ),
            str(path),
        )


def article_from_row(
    row: CorpusRow, path: str | Path, *, language: str | None = None
) -> Article | None:
    """The article of one corpus row, or None (with a warning naming the row) if cleaning
    leaves no text; the one route from a row to an article, for loaders and parallel ingest.
    ``language`` (given for the whole load) wins over the row's ``language`` column; with
    neither, the row's language is detected."""
    try:
        if row.sentence_id:  # one imported sentence: its id and text kept, never re-split
            return imported_article(row, path, language=language)
        return _article_from_text(
            row.text,
            id=row.id,
            source=row.url or f"{path}:{row.line}",
            title=row.title,
            language=language or row.language or None,
            where=f"{path}, line {row.line}: language",
            corpus_id=row.id,
            url=row.url,
            date=row.date,
            outlet=row.source,
        )
    except InputError as exc:  # one row that is all furniture: skip it, keep the rest
        warnings.warn(
            f"{path}, line {row.line}: article {row.id!r} skipped: {exc}",
            InputWarning,
            stacklevel=3,
        )
        return None


def load_article(
    path: str | Path, *, language: str | None = None, max_bytes: int = MAX_FILE_BYTES
) -> Article:
    """Load one article from a .txt, .md or .html file (or a corpus holding exactly one).
    ``language`` (ISO 639-1, e.g. ``"es"``) is used as given; without it, the page's
    ``<html lang>``, a corpus ``language`` column or detection decides."""
    path = Path(path)
    language = _checked_language(language)
    articles = list(_articles_in_file(path, max_bytes, language))
    if len(articles) != 1:
        raise InputError(
            f"{path}: holds {len(articles)} articles; use load_articles() to load a corpus."
        )
    return articles[0]


def _in_saved_page_folder(path: Path, root: Path) -> bool:
    """Whether ``path`` lies in a browser's "Save Page As" folder (``<page>_files/``)."""
    folder = root
    for part in path.relative_to(root).parts[:-1]:
        if part.endswith("_files"):
            stem = part[: -len("_files")]
            if any((folder / f"{stem}{suffix}").exists() for suffix in HTML_SUFFIXES):
                return True
        folder = folder / part
    return False


def _expand(spec: str | Path) -> list[Path]:
    """The article files named by a path, a folder (searched recursively) or a glob."""
    path = Path(spec).expanduser()
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in ARTICLE_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
            and not _in_saved_page_folder(p, path)
        )
        if not files:
            raise InputError(
                f"{path}: no article files in this folder (looked for "
                f"{', '.join(sorted(ARTICLE_SUFFIXES))}). Put articles there or give a file."
            )
        return files
    if path.exists():
        return [path]
    matches = sorted(Path(p) for p in glob.glob(str(spec), recursive=True))
    files = [p for p in matches if p.is_file()]
    if not files:
        raise InputError(
            f"{spec}: no such file or folder, and no file matches it as a glob pattern."
        )
    return files


def article_files(specs: str | Path | Iterable[str | Path]) -> list[Path]:
    """Expand paths, folders and globs into a list of article files, in a stable order."""
    if isinstance(specs, (str, Path)):
        specs = [specs]
    return [path for spec in specs for path in _expand(spec)]


def _checked_language(language: str | None) -> str | None:
    """A given language as its ISO 639-1 code (InputError at the call, before any file)."""
    return normalise_language(language, where="language=") if language else None


def iter_articles(
    specs: str | Path | Iterable[str | Path],
    *,
    progress: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    language: str | None = None,
) -> Iterator[Article]:
    """Yield articles file by file (a progress bar on stderr when ``progress`` and many files);
    ``language`` is given to every article (see ``load_article``)."""
    language = _checked_language(language)
    files = article_files(specs)
    seen: dict[str, str] = {}
    for path in tqdm(
        files, desc="articles", unit="file", disable=not progress or len(files) < 2, file=sys.stderr
    ):
        for article, where in _located_articles(path, max_bytes, language):
            if article.id in seen:
                raise InputError(
                    f"{where}: article id {article.id!r} is already used by "
                    f"{seen[article.id]}. Ids must be unique: rename one file or fix the id."
                )
            seen[article.id] = where
            yield article


def load_articles(
    specs: str | Path | Iterable[str | Path],
    *,
    progress: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
    language: str | None = None,
) -> list[Article]:
    """Load every article from files, folders, globs and corpora (CSV/JSONL, one per row);
    ``language`` is given to every article (see ``load_article``)."""
    articles = list(iter_articles(specs, progress=progress, max_bytes=max_bytes, language=language))
    if not articles:
        raise InputError(f"{specs}: found no articles with text. Check the files' contents.")
    return articles


def imported_article(row: CorpusRow, path: str | Path, *, language: str | None = None) -> Article:
    """The article of a corpus row holding one imported sentence (a ``sentence_id`` column,
    as ``factcheck import`` writes): its text exactly as given, not cleaned or re-split, and
    its one sentence keeps the original id, so widget labels join the imported ones. Its
    language is as for any row (``article_from_row``)."""
    article = Article(
        language=language or row.language,
        id=safe_id(row.id),
        title=row.title,
        text=row.text,
        source=row.url or f"{path}:{row.line}",
        metadata={
            "corpus_id": row.id,
            "sentence_id": row.sentence_id,
            "url": row.url,
            "date": row.date,
            "outlet": row.source,
        },
    )
    sentence = Sentence(
        id=row.sentence_id,
        index=0,
        start=0,
        end=len(row.text),
        text=row.text,
        article_id=article.id,
    )
    article.__dict__["sentences"] = [sentence]  # the cached property, filled as given
    return article
