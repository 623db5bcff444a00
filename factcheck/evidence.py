"""Structured evidence for a verdict: source URLs, quotes, source types, dates accessed.

An ``Evidence`` item is what a label rests on (FEVER / AVeriTeC style). Items are validated
once by ``make_evidence`` (http/https URLs only, no control characters, bounded length) and
stored in the log's ``evidence`` column as compact JSON (``evidence_to_json``), read back and
checked again by ``evidence_from_json``. URLs are untrusted text: ``link_html`` is the one
place they become HTML, escaped, opened only by the user's click with ``rel=noopener``.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from .errors import InputError, LogFormatError

SOURCE_TYPES: tuple[str, ...] = (
    "official-record",
    "document",
    "on-record-statement",
    "news-report",
    "dataset",
    "other",
)
MAX_URL_CHARS = 2048
_KEYS: tuple[str, ...] = ("url", "quote", "source_type", "accessed", "archived_url")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for a verdict: where it is, what it says, what kind it is."""

    url: str
    quote: str = ""
    source_type: str = "other"
    accessed: str = ""  # ISO date, YYYY-MM-DD
    archived_url: str = ""


def today_utc() -> str:
    """Today's date in UTC as YYYY-MM-DD (the default date an item was accessed)."""
    return datetime.now(timezone.utc).date().isoformat()


def _shown(value: str, limit: int = 80) -> str:
    """A value for a message: repr'd, cut to ``limit`` characters with its length said."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value):,} characters)"


def url_problem(url: object, what: str = "evidence URL") -> str:
    """What is wrong with a URL for evidence ("" if nothing): http(s) only, no white space
    or control characters inside, at most ``MAX_URL_CHARS`` characters."""
    if not isinstance(url, str):
        return f"the {what} must be text, not {type(url).__name__}."
    if not url:
        return f"the {what} is empty. Paste the address of the source (https://...)."
    if len(url) > MAX_URL_CHARS:
        return (
            f"the {what} is {len(url):,} characters long, over the {MAX_URL_CHARS:,}-character "
            "limit. Use the page's short or canonical address (or an archive link)."
        )
    bad = next(
        (c for c in url if c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Cs")), None
    )
    if bad is not None:
        return (
            f"the {what} {_shown(url)} contains white space or a control character "
            f"(U+{ord(bad):04X}). Paste the address alone, without spaces or line breaks."
        )
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme not in ("http", "https"):
        kind = f"a {scheme}: address" if scheme else "not an http(s) address"
        return (
            f"the {what} {_shown(url)} is {kind}; only http:// and https:// links are kept "
            "as evidence. Paste the web address of the source."
        )
    if not url[len(scheme) + 1 :].startswith("//") or len(url) <= len(scheme) + 3:
        return f"the {what} {_shown(url)} has no host. Paste the full address (https://host/...)."
    return ""


def _date_problem(accessed: object) -> str:
    """What is wrong with a date accessed ("" if nothing): a real date as YYYY-MM-DD."""
    if not isinstance(accessed, str) or not _DATE.fullmatch(accessed):
        return f"the date accessed {accessed!r} is not a date as YYYY-MM-DD, e.g. 2026-11-24."
    try:
        date.fromisoformat(accessed)
    except ValueError:
        return f"the date accessed {accessed!r} is not a real date. Use YYYY-MM-DD."
    return ""


def _item_problem(item: Evidence) -> str:
    """What is wrong with an evidence item ("" if nothing); the one set of rules."""
    for key in _KEYS:
        value = getattr(item, key)
        if not isinstance(value, str):
            return f"the {key.replace('_', ' ')} must be text, not {type(value).__name__}."
    problem = url_problem(item.url)
    if not problem and item.archived_url:
        problem = url_problem(item.archived_url, "archived URL")
    if not problem and item.source_type not in SOURCE_TYPES:
        problem = f"unknown source type {item.source_type!r}; use one of {', '.join(SOURCE_TYPES)}."
    if not problem and item.accessed:
        problem = _date_problem(item.accessed)
    return problem


def make_evidence(
    url: str,
    quote: str = "",
    source_type: str = "other",
    accessed: str | None = None,
    archived_url: str = "",
) -> Evidence:
    """A validated evidence item; surrounding white space is stripped, nothing else changed.

    Raises InputError saying what is wrong and what to do. ``accessed`` defaults to today
    (UTC).
    """

    def strip(value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    url_, quote_, source_type_, archived_ = map(strip, (url, quote, source_type, archived_url))
    accessed_ = today_utc() if accessed is None else strip(accessed)
    if accessed_ == "":
        raise InputError(
            "The date accessed is empty; give it as YYYY-MM-DD or leave it out to use today's date."
        )
    item = Evidence(url_, quote_, source_type_, accessed_, archived_)
    problem = _item_problem(item)
    if problem:
        raise InputError(problem[0].upper() + problem[1:])
    return item


def evidence_to_json(items: Iterable[Evidence]) -> str:
    """The log's ``evidence`` field: a compact JSON list, keys in one order; ``"[]"`` for none."""
    out = []
    for item in items:
        if not isinstance(item, Evidence):
            raise InputError(
                f"Evidence must be factcheck.evidence.Evidence items (made by make_evidence), "
                f"not {type(item).__name__}."
            )
        out.append({key: getattr(item, key) for key in _KEYS})
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def evidence_from_json(text: str, *, where: str = "") -> tuple[Evidence, ...]:
    """The evidence items of a log's ``evidence`` field, checked as ``make_evidence`` checks.

    Raises LogFormatError naming ``where`` (e.g. ``annotations/ana.csv, line 12``).
    """
    problem, items = _parse(text)
    if problem:
        prefix = f"{where}: " if where else ""
        raise LogFormatError(f"{prefix}{problem}")
    return items


def evidence_problem(text: str) -> str:
    """What is wrong with an ``evidence`` field ("" if nothing), for readers that collect
    problems instead of raising."""
    return _parse(text)[0]


def _parse(text: str) -> tuple[str, tuple[Evidence, ...]]:
    """(problem, items) of an evidence field; the problem says how to fix it."""
    if text == "[]":
        return "", ()
    fix = " Correct the evidence field (a JSON list) or restore it from a backup."
    try:
        data = json.loads(text)
    except (ValueError, TypeError) as exc:
        return f"the evidence field {_shown(str(text))} is not valid JSON ({exc}).{fix}", ()
    if not isinstance(data, list):
        return f"the evidence field is JSON {type(data).__name__}, not a list.{fix}", ()
    items = []
    for number, entry in enumerate(data, 1):
        if not isinstance(entry, dict):
            return f"evidence item {number} is not a JSON object.{fix}", ()
        unknown = sorted(set(entry) - set(_KEYS))
        if unknown or "url" not in entry:
            what = f"unknown key(s) {', '.join(unknown)}" if unknown else "no url"
            return f"evidence item {number} has {what}; keys are {', '.join(_KEYS)}.{fix}", ()
        item = Evidence(**{key: entry[key] for key in _KEYS if key in entry})
        problem = _item_problem(item)
        if problem:
            return f"evidence item {number}: {problem}{fix}", ()
        items.append(item)
    return "", tuple(items)


def link_html(url: str, text: str | None = None) -> str:
    """An escaped link to an http(s) ``url`` that opens in a new tab without an opener;
    for any other value, the escaped text in an inert ``<span>``. Never fetches anything."""
    label = html.escape(str(url if text is None else text), quote=True)
    if isinstance(url, str) and not url_problem(url):
        href = html.escape(url, quote=True)
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{label}</a>'
    return f'<span class="fc-inert-link">{label}</span>'
