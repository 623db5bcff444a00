"""Cleaning: strip page furniture from scraped article text, keeping an audit trail.

Conservative by design: a line is dropped only when it matches a furniture pattern (image,
caption with a credit, byline, dateline, advertisement, related links, share prompts, tags,
copyright, comment section); everything else is kept. Each dropped line is recorded with
its line number and the reason, so a researcher can check what cleaning did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._decode import normalise_newlines


@dataclass(frozen=True)
class RemovedLine:
    """A line cleaning dropped: 1-based line number in the input, its text, and why."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Cleaned:
    """The result of cleaning: title, body text (paragraphs separated by blank lines)."""

    title: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    removed: tuple[RemovedLine, ...] = ()


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_IMAGE = re.compile(
    r"^\[?!\[(?P<alt>[^\]]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)(?:\]\([^)\s]+\))?$"
)
_LINK_ONLY = re.compile(r"^(?:[-*•+]\s*)?\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)[.\s]*$")
_INLINE_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<url>https?://[^)\s]+)\)")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*$")
_CREDIT = _rx(
    r"\((?:photo|image|picture|credit|illustration|video)s?\b[^)]*\)\s*$"
    r"|\b(?:photo|image|picture|credit|illustration)s?\s*(?:credit)?\s*:\s*[^.]{2,80}$"
    r"|\b(?:getty images|ap photo|reuters|afp|shutterstock|file photo)\b[^.]{0,60}$"
)
_CREDIT_LINE = _rx(
    r"^\(?(?:photo|photograph|image|picture|illustration|photo credit|credit)s?\s*[:/]\s*.{2,100}$"
    r"|^\(?(?:getty images|ap photo|reuters|afp|shutterstock)\b.{0,80}$"
    r"|^[A-Z][\w.'’ -]{1,40}/(?:AP|AFP|Reuters|Getty Images|EPA|PA)\)?$"
)
_PAREN_CREDIT = _rx(
    r"\((?:photo|photograph|image|picture|illustration)s?\s*(?:credit)?\s*[:/][^)]{2,80}\)$"
)
_ITALIC = re.compile(r"^(?:\*[^*].*[^*]\*|_[^_].*[^_]_)$")
_ADVERT = _rx(
    r"^[\[(\-–—\s]*(?:advertisement|advertising|sponsored(?: content)?|ad|"
    r"story continues (?:below|after)(?: (?:the )?advert(?:isement)?)?|"
    r"article continues (?:below|after)(?: (?:this )?advert(?:isement)?)?)"
    r"(?:\s*[-–—:]\s*(?:scroll|continue)[\w\s]*)?[\])\-–—\s]*$"
)
_RELATED_HEAD = _rx(
    r"^(?:read more|read next|more reading|related|related (?:stories|articles|coverage|"
    r"content|links|reading|news)|see also|also read|also see|recommended(?: for you)?|"
    r"you (?:may|might) also like|most read|most popular|more (?:from|on) [\w' ]{2,40}|"
    r"more stories|top stories|editor'?s picks|trending(?: now)?)\s*(?P<colon>:\s*(?P<rest>.*))?$"
)
_BYLINE = re.compile(
    r"^(?:By|BY|Words by|Written by|Story by|Text by)\s+(?P<name>[^.!?]+?)"
    r"(?P<role>\s*(?:[,|·–—]|\s-\s|\sin\s)\s*[^.!?]*)?$"
)
_NAME_PARTICLES = frozenset(
    [
        "and",
        "&",
        "de",
        "da",
        "del",
        "della",
        "di",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "du",
        "bin",
        "al",
        "el",
        "y",
    ]
)
_CREDITS_FOOTER = _rx(
    r"^(?:reporting|additional reporting|editing|writing|compiled|research) by\s+[^.]{2,150}\.?$"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATELINE = _rx(
    r"^(?:published|updated|posted|last updated|first published|last modified|modified)"
    rf"\s*(?:on|at)?\s*:?\s*(?P<date>(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d|{_MONTH}\s).{{0,120}})$"
)
_DATE_ONLY = _rx(
    rf"^(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)[a-z]*\.?,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}},?)\s+\d{{4}}"
    rf"(?:\s*[,|·-]?\s*(?:at\s+)?\d{{1,2}}[:.]\d{{2}}\s*(?:a\.?m\.?|p\.?m\.?)?\s*[A-Z]{{0,4}})?$"
    r"|^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_READING_TIME = _rx(
    r"^(?:\d+\s*(?:min|minute)s?\s+read|listen to (?:this )?article.{0,40}|"
    r"reading time\s*:?.{0,30}|\d+\s*(?:min|minute)s?\s+listen|print|save|save article|"
    r"copy link|link copied)$"
)
_SOCIAL = (
    r"(?:facebook|twitter|x|email|e-mail|whatsapp|linkedin|reddit|telegram|bluesky|threads|"
    r"instagram|tiktok|youtube|messenger|pinterest|flipboard|print|copy link|mastodon)"
)
_SOCIAL_ROW = _rx(
    rf"^(?:(?:share|share on|share via|follow us on|follow us)\s*:?\s*)?"
    rf"{_SOCIAL}(?:\s*[|/·,•]?\s*{_SOCIAL})+\s*$"
)
_PROMPT = _rx(
    r"^(?:share|follow|sign up|subscribe|get|join|download|listen|watch|click|tap|like us|"
    r"don't miss|never miss|want more|enjoying)(?=[\s:]).{0,160}$"
)
_READER = _rx(r"\b(?:our|us|you|your|this (?:article|story|page)|here)\b")
_SENTENCE_END = re.compile(r"[.!?…][\"”’'»)]*$")
_SITE_CHROME = _rx(
    r"^(?:share|email|tweet|like|print|save|comment|most viewed|most shared|"
    r"already a subscriber\?.{0,30}|log in|sign in|subscribe|menu|search|close|"
    r"enter your email(?: address)?)\s*$"
)
_TABLE_ROW = re.compile(r"^\|.*\|\s*$")
_PROMPT_WORDS = _rx(
    r"\b(?:newsletter|newsletters|subscribe|subscription|sign up|inbox|follow us|share this|"
    r"share on|our app|podcast|facebook|twitter|instagram|whatsapp|linkedin|notifications|"
    r"alerts|top stories|breaking news)\b"
)
_TAGS = _rx(
    r"^(?:tags?|topics?|filed under|categories|category|keywords|more about)\s*:\s*(?P<tags>.+)$"
)
_COPYRIGHT = _rx(
    r"^(?:©|\(c\)\s|copyright\s+(?:©|\(c\)|\d{4}))|^all rights reserved\.?$"
    r"|(?:©|\b(?:19|20)\d\d\b).{0,80}all rights reserved"
)
_COMMENTS_HEAD = _rx(
    r"^(?:comments?|comments?\s*\(\d+\)|\d+\s+comments?|show comments|view comments|"
    r"join the (?:conversation|discussion)|leave a (?:comment|reply)|"
    r"reader comments)\s*:?$"
)
_COMMENT_WORD = _rx(r"\bcomment(?:s|ing|er|ers)?\b")
_COMMENT_POLICY = _rx(
    r"moderat|policy|faq|guidelines|community standards|house rules|closed|disabled|"
    r"respectful|abusive|off-topic|before posting"
)
_TERMINAL = re.compile(r"[.!?:;…\"”’»)]$")


def _is_headline(line: str) -> bool:
    """A first line that reads like a headline: capitalised, 2-25 words, no full stop at the
    end ('Will the dam hold?' and '“Never again”: town counts the cost' are headlines)."""
    words = line.split()
    first = line.lstrip("\"“‘'«")[:1]
    return (
        2 <= len(words) <= 25
        and len(line) <= 200
        and (first.isupper() or first.isdigit())
        and not re.search(r"[.:;,…]$", line)
        and not line.startswith(("-", "*", "•", "|", ">"))
    )


def _is_byline(line: str) -> bool:
    """'By Ann Lee, Staff reporter' / 'By Émilie Durand in Lyon': capitalised name words."""
    match = _BYLINE.match(line)
    if not match:
        return False
    words = match.group("name").split()
    return 1 <= len(words) <= 8 and all(
        word[:1].isupper() or word.lower() in _NAME_PARTICLES for word in words
    )


def _words_of_prose(text: str) -> int:
    """How many ordinary lowercase words a would-be dateline has (dates have almost none)."""
    allowed = {"at", "on", "by", "and", "updated", "published", "posted", "ago", "hours", "hour"}
    words = re.findall(r"(?<![\w.])[a-z]+(?![\w.])", text)
    return sum(1 for word in words if word not in allowed)


def _furniture(line: str, *, in_body: bool) -> str | None:
    """The reason ``line`` is page furniture, or None if it may be article text."""
    if _ADVERT.match(line):
        return "advertisement"
    if _LINK_ONLY.match(line):
        return "link"
    if _is_byline(line) or _CREDITS_FOOTER.match(line):
        return "byline"
    dateline = _DATELINE.match(line)
    if len(line) <= 160 and (
        (dateline and _words_of_prose(dateline.group("date")) <= 2) or _DATE_ONLY.match(line)
    ):
        return "dateline"
    if _READING_TIME.match(line):
        return "reading time"
    if _SITE_CHROME.match(line):
        return "page control"
    if _SOCIAL_ROW.match(line) or _is_prompt(line):
        return "share prompt"
    if _TAGS.match(line) and len(line) <= 300:
        return "tags"
    if len(line) <= 200 and _COPYRIGHT.search(line):
        return "copyright"
    if len(line) <= 400 and _COMMENT_WORD.search(line) and _COMMENT_POLICY.search(line):
        return "comment policy"
    if _CREDIT_LINE.match(line) and len(line) <= 100 and not _SENTENCE_END.search(line):
        return "photo credit"
    if _TABLE_ROW.match(line):
        return "table"
    return None


def _is_prompt(line: str) -> bool:
    """'Follow us on Facebook', 'Sign up for our newsletter': a call to the reader."""
    if not (_PROMPT.match(line) and _PROMPT_WORDS.search(line)):
        return False
    return bool(_READER.search(line) or not _SENTENCE_END.search(line) or len(line.split()) <= 6)


def _metadata_from(reason: str, line: str, meta: dict[str, Any]) -> None:
    """Keep what furniture tells about the article (byline, date, tags, links)."""
    if reason == "byline" and "byline" not in meta:
        meta["byline"] = re.sub(r"^(?:By|BY|Words by|Written by)\s+", "", line)
    elif reason == "dateline":
        match = _DATELINE.match(line)
        date = match.group("date") if match else line
        meta.setdefault("date", re.split(r"\s+[|·]\s+", date)[0].strip())
    elif reason == "tags":
        match = _TAGS.match(line)
        if match:
            meta["tags"] = [t.strip() for t in re.split(r"[,;|]", match.group("tags")) if t.strip()]
    elif reason in ("link", "related link"):
        link = _LINK_ONLY.match(line)
        related = _RELATED_HEAD.match(line)
        item = link.group("url") if link else (related and related.group("rest")) or line
        meta.setdefault("related", []).append(item)


def clean_text(raw: str, *, title: str = "", headlines: tuple[str, ...] = ()) -> Cleaned:
    """Clean scraped text or Markdown: drop furniture lines, find title, byline and date.

    ``title`` (e.g. from a corpus column or an HTML page) wins over a headline found in the
    text; a first line repeating it, or one of ``headlines`` (a page's other ``<h1>``), is
    dropped. Paragraphs are separated by blank lines.
    """
    text = normalise_newlines(raw).replace("\u00a0", " ").replace("\u202f", " ")
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    removed: list[RemovedLine] = []
    paragraphs: list[list[str]] = [[]]
    found_title = title.strip()
    known_headlines = {h.strip().casefold() for h in (title, *headlines) if h.strip()}
    # A comments heading ends the article only in its last part; near the top it is a link.
    comments_from = int(0.6 * sum(1 for line in lines if line.strip()))
    in_body = in_comments = in_related = False
    after_image: str | None = None
    seen = 0

    def drop(lineno: int, line: str, reason: str) -> None:
        removed.append(RemovedLine(lineno, line, reason))
        if paragraphs[-1]:
            paragraphs.append([])

    for lineno, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        seen += 1
        if in_comments:
            drop(lineno, line, "comment section")
            continue
        previous_image, after_image = after_image, None

        image = _IMAGE.match(line)
        if image:
            meta.setdefault("images", []).append(image.group("url"))
            if image.group("alt"):
                meta.setdefault("image_alts", []).append(image.group("alt"))
            after_image = image.group("alt")
            drop(lineno, line, "image")
            continue
        if (previous_image is not None and (_CREDIT.search(line) or _ITALIC.match(line))) or (
            _PAREN_CREDIT.search(line) and len(line) <= 300
        ):
            meta.setdefault("captions", []).append(line.strip("*_ "))
            drop(lineno, line, "caption")
            continue

        heading = _HEADING.match(line)
        content = _unmark(heading.group("text") if heading else line)
        if heading and len(heading.group("hashes")) == 1 and not found_title and not in_body:
            found_title = content
            drop(lineno, line, "headline (used as title)")
            continue
        if _COMMENTS_HEAD.match(content):
            if in_body and seen > comments_from:
                in_comments = True
                drop(lineno, line, "comment section")
            else:
                drop(lineno, line, "comments link")
            continue
        related = _RELATED_HEAD.match(content)
        if related:
            in_related = not related.group("rest")
            reason = "related link"
            _metadata_from(reason, content, meta)
            drop(lineno, line, reason)
            continue
        reason = _furniture(content, in_body=in_body)
        if reason == "link" and in_related:
            reason = "related link"
        elif reason is None and in_related:
            # Only link-like list items continue a related block; anything else ends it.
            is_item = content.startswith(("-", "*", "•")) and len(content) <= 150
            reason = "related link" if is_item and not _TERMINAL.search(content) else None
            in_related = reason is not None
        if reason:
            _metadata_from(reason, content, meta)
            drop(lineno, line, reason)
            continue

        if not in_body and content.casefold() in known_headlines:
            drop(lineno, line, "headline (repeats the title)")
            continue
        if not in_body and not found_title and not heading and _is_headline(content):
            found_title = content
            known_headlines.add(content.casefold())
            drop(lineno, line, "headline (used as title)")
            continue

        body = _INLINE_LINK.sub(lambda m: m.group("text"), content)
        links = [m.group("url") for m in _INLINE_LINK.finditer(content)]
        if links:
            meta.setdefault("links", []).extend(links)
        paragraphs[-1].append(body)
        in_body = True

    body_text = "\n\n".join("\n".join(p) for p in paragraphs if p)
    return Cleaned(title=found_title, text=body_text, metadata=meta, removed=tuple(removed))


_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_QUOTE_MARK = re.compile(r"^>\s?")


def _unmark(line: str) -> str:
    """Markdown that is not text: '**bold**' markers and a blockquote's leading '>'."""
    line = _QUOTE_MARK.sub("", line)
    line = _EMPHASIS.sub(lambda m: m.group(2), line)
    return line.strip() if line.strip() not in ("**", "__") else ""
