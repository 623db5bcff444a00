"""Articles: the cleaned body of one news article, its title, provenance and sentences."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .sentences import Sentence, split_sentences


@dataclass(frozen=True)
class RemovedLine:
    """A line that cleaning dropped from the article, kept so cleaning can be audited."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Article:
    """One article: ``text`` is the cleaned body; sentences slice back exactly from it.

    ``id`` is stable and filesystem-safe; ``source`` is the path or URL it came from;
    ``metadata`` holds byline, date, image URLs and captions; ``removed`` lists what
    cleaning dropped and why.
    """

    id: str
    title: str
    text: str
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    removed: tuple[RemovedLine, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if safe_id(self.id) != self.id:
            raise ValueError(
                f"Article id {self.id!r} is not filesystem-safe; build it with safe_id()."
            )

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The body's sentences in reading order (computed once, on first use)."""
        return split_sentences(self.text, article_id=self.id)

    @property
    def date(self) -> str:
        """Publication date as found in the article, or an empty string."""
        return str(self.metadata.get("date", ""))

    @classmethod
    def from_text(
        cls, text: str, *, id: str, title: str = "", source: str = "", **metadata: Any
    ) -> Article:
        """An article from already-clean body text (no cleaning applied)."""
        return cls(id=safe_id(id), title=title, text=text, source=source, metadata=metadata)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_id(name: str) -> str:
    """A filesystem-safe, stable id from a file name or corpus id (ASCII, no path parts).

    ``safe_id("../Budget 2026: Final?") == "budget-2026-final"``; never empty, never
    ``.``/``..``, at most 80 characters.
    """
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    slug = _UNSAFE.sub("-", ascii_name.lower()).strip("-._")
    slug = re.sub(r"-{2,}", "-", slug)[:80].strip("-._")
    if not slug:
        digest = hashlib.blake2b(str(name).encode(), digest_size=4).hexdigest()
        slug = f"article-{digest}"
    return slug
