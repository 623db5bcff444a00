"""Saved web pages: extract an article's main text and metadata from HTML with trafilatura."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from .errors import InputError, InputWarning

# libxml2 silently drops elements nested deeper than 255 levels; with huge_tree it keeps
# them down to about 2,048 levels (measured: 1,000 kept, 2,100 lost), and we warn there.
MAX_HTML_DEPTH = 2000


@dataclass(frozen=True)
class Webpage:
    """What a saved news page holds: title, body (one paragraph per line) and metadata;
    ``language`` is the language tag the page declares (``<html lang>``), as written."""

    title: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    headlines: tuple[str, ...] = ()
    language: str = ""


def declared_language(tree: Any) -> str:
    """The language the page declares: ``<html lang>`` (or ``xml:lang``), else a
    ``<meta http-equiv="content-language">``; empty when it declares none."""
    if tree is None:
        return ""
    root = tree.getroottree().getroot()
    tag = (
        root.get("lang")
        or root.get("xml:lang")  # the HTML parser keeps the prefix as part of the name
        or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        or ""
    )
    if not tag.strip():
        for meta in root.iter("meta"):
            if (meta.get("http-equiv") or "").lower() == "content-language":
                tag = (meta.get("content") or "").split(",")[0]
                break
    return tag.strip()


def _parse(markup: str) -> Any | None:
    """The page's lxml tree, keeping elements nested deeper than libxml2's default limit
    (255 levels) that would otherwise vanish silently; None if lxml cannot parse it here."""
    try:
        return lxml_html.document_fromstring(markup, parser=lxml_html.HTMLParser(huge_tree=True))
    except (ValueError, etree.ParserError):
        return None  # e.g. a str with an XML encoding declaration: trafilatura copes


def _depth(tree: Any) -> int:
    """How deeply the elements of ``tree`` nest (one pass, no recursion)."""
    depth = deepest = 0
    for event, _element in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _texts_of(tree: Any, tag: str) -> list[str]:
    """The text of every ``tag`` element: figure captions, and ``<h1>`` headlines (which may
    differ from ``og:title`` and must not become a sentence)."""
    if tree is None:
        return []
    return [" ".join(c.text_content().split()) for c in tree.iter(tag)]


def extract_webpage(markup: str, source: str) -> Webpage:
    """Main text of a news page; the ``og:title``/``<h1>`` becomes the title, never a sentence.

    The text is trafilatura's extraction, one paragraph per line; sentence source offsets
    of an HTML article point into this extracted text, not into the markup.
    """
    tree = _parse(markup)
    if tree is not None and (depth := _depth(tree)) >= MAX_HTML_DEPTH:
        warnings.warn(
            f"{source}: elements are nested {depth} levels deep or more; the HTML parser "
            "drops text nested deeper than about 2,000 levels, so some paragraphs may be "
            "missing. Copy the article text into a .txt file if it is incomplete.",
            InputWarning,
            stacklevel=4,
        )
    captions = _texts_of(tree, "figcaption")
    headlines = tuple(_texts_of(tree, "h1"))
    import trafilatura  # here, not at import: it costs 0.13 s and only HTML needs it

    try:
        doc = trafilatura.bare_extraction(
            markup if tree is None else tree,
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
    if captions:
        metadata["captions"] = captions
    # trafilatura gives one block element (paragraph, list item, heading) per line.
    body = "\n\n".join(line for line in doc.text.split("\n") if line.strip())
    return Webpage(
        title=(doc.title or "").strip(),
        text=body,
        metadata=metadata,
        headlines=headlines,
        language=declared_language(tree),
    )
