"""Saved web pages: extract an article's main text and metadata from HTML with trafilatura."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import trafilatura
from lxml import html as lxml_html

from .errors import InputError


@dataclass(frozen=True)
class Webpage:
    """What a saved news page holds: title, body (one paragraph per line) and metadata."""

    title: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    headlines: tuple[str, ...] = ()


def _texts_of(markup: str, tag: str) -> list[str]:
    """The text of every ``tag`` element: figure captions, and ``<h1>`` headlines (which may
    differ from ``og:title`` and must not become a sentence)."""
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    return [" ".join(c.text_content().split()) for c in tree.iter(tag)]


def extract_webpage(markup: str, source: str) -> Webpage:
    """Main text of a news page; the ``og:title``/``<h1>`` becomes the title, never a sentence."""
    try:
        doc = trafilatura.bare_extraction(
            markup,
            url=source if source.startswith(("http://", "https://")) else None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_formatting=False,
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(
            f"{source}: could not parse the HTML ({type(exc).__name__}: {exc}). "
            "Save the page again (complete HTML) or copy its text into a .txt file."
        ) from None
    if doc is None or not (doc.text or "").strip():
        raise InputError(
            f"{source}: found no article text in this HTML page. If it is a saved news page, "
            "save it again after the article has loaded, or copy its text into a .txt file."
        )
    metadata: dict[str, Any] = {}
    for key, value in (
        ("byline", doc.author),
        ("date", doc.date),
        ("url", doc.url),
        ("site", doc.sitename),
        ("description", doc.description),
    ):
        if value:
            metadata[key] = value
    if doc.image:
        metadata["images"] = [doc.image]
    captions = _texts_of(markup, "figcaption")
    if captions:
        metadata["captions"] = captions
    # trafilatura gives one block element (paragraph, list item, heading) per line.
    body = "\n\n".join(line for line in doc.text.split("\n") if line.strip())
    return Webpage(
        title=(doc.title or "").strip(),
        text=body,
        metadata=metadata,
        headlines=tuple(_texts_of(markup, "h1")),
    )
