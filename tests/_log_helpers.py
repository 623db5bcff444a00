"""Shared helpers for the log and export tests: fictional articles and raw log files."""

from __future__ import annotations

from pathlib import Path

from factcheck.articles import Article
from factcheck.log import HEADER, HEADER_V1, SCHEMA_ID, SCHEMA_V1, format_row
from factcheck.sentences import Sentence

# Fictional news text in the shapes the tool meets: attribution, quoted figures, opinion.
ARTICLE_TEXT = (
    "The Harwick county council approved a 4.2 million budget for the Riverside bridge, "
    "officials said on Tuesday.\n"
    '"This is the boldest repair plan the county has ever seen," said councillor Maren Holt.\n'
    "The contractor reportedly employs more than 300 people in the region.\n"
    "Residents, who waited six years for the repairs, called the decision overdue."
)


def article(text: str = ARTICLE_TEXT, id: str = "riverside-budget") -> Article:
    """A fictional article built without cleaning."""
    return Article.from_text(text, id=id, title="Council approves bridge repairs")


def sentence(text: str, index: int = 0, article_id: str = "a1", id: str | None = None) -> Sentence:
    """A sentence record for arbitrary text (offsets as if the text stood alone)."""
    return Sentence(
        id=id or f"{article_id}-{index:04d}",
        index=index,
        start=0,
        end=len(text),
        text=text,
        article_id=article_id,
    )


def row(
    *,
    annotator: str = "ana",
    sentence_id: str = "a1-0000",
    label: str = "verified",
    action: str = "label",
    timestamp: str = "2026-11-24T10:15:02.123456+00:00",
    text: str = "The bridge reopened on Monday.",
    note: str = "",
    scheme: str = "default@1",
    start: object = 0,
    end: object = None,
    index: object = 0,
    evidence: str = "[]",
    justification: str = "",
    claim: str = "",
    language: str = "",
    v1: bool = False,
) -> tuple[object, ...]:
    """The fields of one log row in column order, valid unless told otherwise: a
    ``factcheck-log/2`` row, or with ``v1`` a ``/1`` row (which has no /2 fields)."""
    extra = () if v1 else (evidence, justification, claim, language)
    return (
        SCHEMA_V1 if v1 else SCHEMA_ID,
        timestamp,
        annotator,
        sentence_id.rsplit("-", 1)[0],
        sentence_id,
        index,
        start,
        len(text) if end is None else end,
        label,
        note,
        action,
        scheme,
        "articles/riverside.md",
        *extra,
        text,
    )


def write_log(path: Path, rows: list[tuple[object, ...]], *, header: str | None = None) -> bytes:
    """Write a log file from raw rows (the /1 header for /1 rows); returns its bytes."""
    if header is None:
        header = HEADER_V1 if rows and rows[0][0] == SCHEMA_V1 else HEADER
    data = (header + "".join(format_row(r) for r in rows)).encode("utf-8")
    path.write_bytes(data)
    return data
