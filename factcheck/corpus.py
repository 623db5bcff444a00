"""Corpora: CSV and JSONL files holding one article per row."""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ._decode import stream_encoding
from .errors import InputError, InputWarning
from .language import normalise_language

REQUIRED_COLUMNS = ("id", "title", "text")
OPTIONAL_COLUMNS = ("url", "date", "source", "language")
IMPORTED_COLUMNS = ("sentence_id",)  # a row that is one sentence of an imported dataset


@dataclass(frozen=True)
class CorpusRow:
    """One article row of a corpus; ``line`` is where the row starts in the file (1-based);
    ``language`` is the row's ISO 639-1 code, or empty (then it is detected)."""

    line: int
    id: str
    title: str
    text: str
    url: str = ""
    date: str = ""
    source: str = ""
    language: str = ""
    sentence_id: str = ""  # an imported sentence: the row is one sentence with this id


def _check_columns(columns: list[str], source: str | Path, where: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            f"{source}{where}: missing column(s) {', '.join(missing)}; found "
            f"{', '.join(columns) or 'none'}. A corpus needs columns id, title, text "
            "(optional url, date, source, language), one article per row."
        )


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CHECKED_COLUMNS = frozenset((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *IMPORTED_COLUMNS))


def _row(line: int, record: dict, source: str | Path, unit: str) -> CorpusRow | None:
    """A CorpusRow, or None (with a warning naming the row) when the row has no text."""
    for key, value in record.items():
        if (
            value is not None
            and not isinstance(value, (str, int, float))
            and key in _CHECKED_COLUMNS
        ):
            raise InputError(
                f"{source}, {unit} {line}: '{key}' must be text, not {type(value).__name__}. "
                "Give each article's fields as plain strings."
            )
    values = {k: "" if v is None else str(v) for k, v in record.items()}
    for key, value in values.items():
        # A lone surrogate (JSON "\ud83d": half of an emoji) cannot be written as UTF-8. In
        # the text, cleaning replaces it and records an Edit; elsewhere, say so here.
        if key != "text" and not value.isascii() and _SURROGATE.search(value):
            values[key] = _SURROGATE.sub("\ufffd", value)
            warnings.warn(
                f"{source}, {unit} {line}: '{key}' holds a lone surrogate (half of an emoji) "
                f"at character {_SURROGATE.search(value).start()}; replaced it with U+FFFD.",
                InputWarning,
                stacklevel=4,
            )
    if not values.get("id", "").strip():
        raise InputError(
            f"{source}, {unit} {line}: the 'id' is empty. Give every article a unique id."
        )
    if not values.get("text", "").strip():
        warnings.warn(
            f"{source}, {unit} {line}: article {values['id']!r} has no text; skipped it. "
            "Fill in the 'text' column or remove the row.",
            InputWarning,
            stacklevel=4,
        )
        return None
    if values.get("language", "").strip():
        values["language"] = normalise_language(
            values["language"], where=f"{source}, {unit} {line}: 'language'"
        )
    return CorpusRow(
        line=line,
        **{k: values.get(k, "") for k in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *IMPORTED_COLUMNS)},
    )


def read_corpus(path: str | Path) -> Iterator[CorpusRow]:
    """Rows of a CSV (``.csv``) or JSONL corpus file, read as a stream: memory depends on
    the longest row, not on the size of the file.

    The encoding is decided as for any article file (BOM, UTF-8, else Windows-1252 with a
    warning) by a first pass over the bytes, then the rows are decoded chunk by chunk.
    """
    path = Path(path)
    try:
        encoding = stream_encoding(path)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; use load_articles() for folders.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None
    csv_file = path.suffix.lower() == ".csv"
    # CSV: the csv module reads "\r\n" and "\r" itself; JSONL: lines end at "\n" only.
    with path.open(encoding=encoding, newline="" if csv_file else "\n") as stream:
        yield from read_csv_corpus(stream, path) if csv_file else read_jsonl_corpus(stream, path)


def read_csv_corpus(text: str | TextIO, source: str | Path) -> Iterator[CorpusRow]:
    """Rows of a CSV corpus (RFC 4180: quoted fields may hold commas and newlines), from its
    text or a text stream opened with ``newline=""``."""
    csv.field_size_limit(2**31 - 1)
    stream = io.StringIO(text, newline="") if isinstance(text, str) else text
    # strict: an unclosed quote is an error, not a silent merge of the following rows.
    reader = csv.DictReader(stream, strict=True)
    try:
        fieldnames = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise InputError(
            f"{source}, line 1: malformed CSV header ({exc}). Check the quotes in the header "
            "row: a column name with a quote must be quoted and its quotes doubled."
        ) from None
    _check_columns(fieldnames, source, "")
    start = reader.line_num + 1
    try:
        for record in reader:
            if None in record:
                raise InputError(
                    f"{source}, line {start}: the row has more fields than the header "
                    f"({len(reader.fieldnames or [])}). Quote fields that contain commas."
                )
            row = _row(start, record, source, "line")
            start = reader.line_num + 1
            if row is not None:
                yield row
    except csv.Error as exc:
        raise InputError(
            f"{source}, line {start}: malformed CSV ({exc}). Check the quotes in the row "
            "that starts there: a field with a quote must be quoted and its quotes doubled."
        ) from None
    if reader.line_num <= 1:
        raise InputError(f"{source}: the corpus has a header but no rows. Add one article per row.")


def read_jsonl_corpus(text: str | Iterable[str], source: str | Path) -> Iterator[CorpusRow]:
    """Rows of a JSONL corpus: one JSON object per line; blank lines are ignored. From its
    text, or lines (a text stream opened with ``newline="\\n"``)."""
    lines = text.split("\n") if isinstance(text, str) else text
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{source}, line {number}: not valid JSON ({exc.msg} at column {exc.colno}). "
                "Each line must be one JSON object."
            ) from None
        if not isinstance(record, dict):
            raise InputError(
                f"{source}, line {number}: expected a JSON object with id, title and text, "
                f"got {type(record).__name__}."
            )
        _check_columns(list(record), source, f", line {number}")
        row = _row(number, record, source, "line")
        if row is not None:
            yield row
