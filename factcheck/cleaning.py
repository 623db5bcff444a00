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
    r"|^(?:getty images|ap photo|reuters|afp|shutterstock)\b.{0,80}$"
)
_ITALIC = re.compile(r"^(?:\*[^*].*[^*]\*|_[^_].*[^_]_)$")
_ADVERT = _rx(
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|"
    r"story continues (?:below|after) (?:the )?advert(?:isement)?|"
    r"article continues (?:below|after) (?:this )?advert(?:isement)?)\s*$"
)
_RELATED_HEAD = _rx(
    r"^(?:read more|read next|more reading|related|related (?:stories|articles|coverage|"
    r"content|links|reading|news)|see also|also read|also see|recommended(?: for you)?|"
    r"you (?:may|might) also like|most read|most popular|more (?:from|on) [\w' ]{2,40}|"
    r"more stories|top stories|editor'?s picks|trending(?: now)?)\s*(?P<colon>:\s*(?P<rest>.*))?$"
)
_BYLINE = re.compile(
    r"^(?:By|BY|Words by|Written by)\s+[A-Z][\w.'’-]*"
    r"(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|da|del|van|von|der|la|le|bin|al))*"
    r"\s*(?:[,|·–—-]\s*[^.!?]*)?$"
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
    r"don't miss|never miss|want more|enjoying)\b.{0,160}$"
)
_PROMPT_WORDS = _rx(
    r"\b(?:newsletter|newsletters|subscribe|subscription|sign up|inbox|follow us|share this|"
    r"share on|our app|podcast|facebook|twitter|instagram|whatsapp|linkedin|notifications|"
    r"alerts|top stories|breaking news)\b"
)
_TAGS = _rx(
    r"^(?:tags?|topics?|filed under|categories|category|keywords|more about)\s*:\s*(?P<tags>.+)$"
)
_COPYRIGHT = _rx(r"^(?:©|\(c\)\s|copyright\s+(?:©|\(c\)|\d{4}))|all rights reserved")
_COMMENTS_HEAD = _rx(
    r"^(?:comments?|comments?\s*\(\d+\)|\d+\s+comments?|show comments|view comments|"
    r"join the (?:conversation|discussion)|leave a (?:comment|reply)|"
    r"reader comments)\s*:?$"
)
_COMMENT_POLICY = _rx(
    r"comments are (?:moderated|closed|reviewed|pre-moderated)|"
    r"comment(?:ing)? (?:policy|faq|rules)|"
    r"comments faq|community (?:guidelines|standards|rules)|comments have been (?:closed|disabled)|"
    r"moderation policy"
)
_TERMINAL = re.compile(r"[.!?:;…\"”’»)]$")


def _is_headline(line: str) -> bool:
    """A first line that reads like a headline: capitalised, 2-25 words, no end punctuation."""
    words = line.split()
    return (
        2 <= len(words) <= 25
        and len(line) <= 200
        and line[:1].isupper()
        and not _TERMINAL.search(line)
        and not line.startswith(("-", "*", "•"))
    )


def _furniture(line: str, *, in_body: bool) -> str | None:
    """The reason ``line`` is page furniture, or None if it may be article text."""
    if _ADVERT.match(line):
        return "advertisement"
    if _LINK_ONLY.match(line):
        return "link"
    if (not in_body and _BYLINE.match(line)) or _CREDITS_FOOTER.match(line):
        return "byline"
    if len(line) <= 160 and (_DATELINE.match(line) or _DATE_ONLY.match(line)):
        return "dateline"
    if _READING_TIME.match(line):
        return "reading time"
    if _SOCIAL_ROW.match(line) or (_PROMPT.match(line) and _PROMPT_WORDS.search(line)):
        return "share prompt"
    if _TAGS.match(line) and len(line) <= 300:
        return "tags"
    if _COPYRIGHT.search(line) and len(line) <= 200:
        return "copyright"
    if _COMMENT_POLICY.search(line) and len(line) <= 400:
        return "comment policy"
    if _CREDIT_LINE.match(line):
        return "photo credit"
    return None


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


def clean_text(raw: str, *, title: str = "") -> Cleaned:
    """Clean scraped text or Markdown: drop furniture lines, find title, byline and date.

    ``title`` (e.g. from a corpus column or an HTML page) wins over a headline found in the
    text; a first line repeating it is dropped. Paragraphs are separated by blank lines.
    """
    text = normalise_newlines(raw).replace("\u00a0", " ").replace("\u202f", " ")
    meta: dict[str, Any] = {}
    removed: list[RemovedLine] = []
    paragraphs: list[list[str]] = [[]]
    found_title = title.strip()
    in_body = in_comments = in_related = False
    after_image: str | None = None

    def drop(lineno: int, line: str, reason: str) -> None:
        removed.append(RemovedLine(lineno, line, reason))
        if paragraphs[-1]:
            paragraphs.append([])

    for lineno, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.strip()
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
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
        if previous_image is not None and (
            _CREDIT.search(line)
            or _ITALIC.match(line)
            or (previous_image and line.strip("*_ ").startswith(previous_image.rstrip(". ")))
        ):
            meta.setdefault("captions", []).append(line.strip("*_ "))
            drop(lineno, line, "caption")
            continue

        heading = _HEADING.match(line)
        content = heading.group("text") if heading else line
        if heading and len(heading.group("hashes")) == 1 and not found_title and not in_body:
            found_title = content
            drop(lineno, line, "headline (used as title)")
            continue
        if _COMMENTS_HEAD.match(content):
            in_comments = True
            drop(lineno, line, "comment section")
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
            if len(content) <= 150 and not _TERMINAL.search(content):
                reason = "related link"
            else:
                in_related = False
        if reason:
            _metadata_from(reason, content, meta)
            drop(lineno, line, reason)
            continue

        if not in_body and found_title and content.casefold() == found_title.casefold():
            drop(lineno, line, "headline (repeats the title)")
            continue
        if not in_body and not found_title and not heading and _is_headline(content):
            found_title = content
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
