"""Sentences: split article text into sentences with exact character offsets.

Built on pysbd (the strongest rule-based splitter on our news test set, see
``benchmarks/bench_segmentation.py``), with repairs for what it gets wrong in scraped news:
unit abbreviations, attribution after a quoted question, consecutive quoted sentences and
a missing space after a full stop. Lines are split first, so list items and subheadings are
their own segments and one very long text never reaches pysbd in one piece.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article; start/end are character offsets, end exclusive.

    ``end`` is the index of the first character after the span, so
    ``article.text[s.start:s.end] == s.text``. ``paragraph`` counts blank-line separated
    blocks of the text, so a view can group sentences by paragraph.
    """

    id: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0
    article_id: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"Sentence {self.id!r}: bad offsets start={self.start} end={self.end}")
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"Sentence {self.id!r}: end - start = {self.end - self.start} but the text has "
                f"{len(self.text)} characters"
            )


def sentence_id(article_id: str, index: int, text: str) -> str:
    """A stable id: article id, index and a short hash of the text, e.g. ``a1-0003-9f2c1b``."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=3).hexdigest()
    return f"{article_id or 's'}-{index:04d}-{digest}"


# Abbreviations after which a full stop does not end a sentence when a number or a
# lowercase word follows ("4.5 mi. to the lake", "approx. 300 people").
_CONTINUING_ABBREVIATIONS = frozenset(
    """approx est ca c mi mins min hrs hr sec secs km kg lb lbs oz ft yd in sq mph kph
    no nos vol vols p pp fig figs ch art para sect dept apt ave blvd rd st mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    vs v etc incl excl esp cf al inc ltd co corp bros gen gov sen rep lt col sgt capt cmdr adm
    dr mr mrs ms prof rev hon pres supt insp det""".split()
)
# Titles that precede a name: "... met Gov. Baird" never ends a sentence at "Gov."
_TITLES = frozenset(
    """mr mrs ms mx dr prof rev hon sen rep gov lt col gen sgt capt cmdr adm maj pres supt
    insp det st mt fr sr jr""".split()
)
_SPEECH_VERBS = (
    "said|says|asked|asks|added|adds|told|tells|wrote|writes|replied|replies|explained|"
    "explains|insisted|insists|warned|warns|argued|argues|noted|notes|claimed|claims|"
    "continued|continues|stated|states|recalled|recalls|admitted|admits|declared|declares|"
    "joked|jokes|shouted|shouts|tweeted|posted|according"
)
_OPEN_QUOTES = "\"“‘'«"
_CLOSE_QUOTES = "\"”’'»"
_QUOTE_END = re.compile(r"[.?!…][\"”’'»]\s*$")
_ATTRIBUTION = re.compile(
    rf"^(?:[\w.'’-]+\s+){{0,6}}(?:{_SPEECH_VERBS})\b[^.!?]{{0,80}}[.!?][\"”’'»]?\s*$",
)
_LAST_WORD = re.compile(r"([A-Za-z]+)\.\s*$")
# "in 2000.Trump said": a full stop glued to the next capitalised word.
_GLUED_STOP = re.compile(r"(?<=[a-z0-9%)\]][.!?])(?=[A-Z][a-z])")
_URLISH = re.compile(r"\S*(?:www\.|https?://|\.com|\.org|\.net)\S*$")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _pysbd_spans(line: str) -> list[tuple[int, int]]:
    """Trimmed (start, end) spans of pysbd's segments of one line."""
    spans = []
    for seg in _segmenter().segment(line):
        start, end = seg.start, seg.end
        piece = line[start:end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if end - trail > start + lead:
            spans.append((start + lead, end - trail))
    return spans


def _split_glued(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split "in 2000.Trump said" at the full stop, unless it looks like a URL or an initial."""
    out = []
    for start, end in spans:
        cut = start
        for match in _GLUED_STOP.finditer(line, start, end):
            pos = match.start()
            before = line[cut:pos]
            word = _LAST_WORD.search(before)
            if _URLISH.search(before) or (word and word.group(1).lower() in _TITLES):
                continue
            if word and len(word.group(1)) == 1:  # "U.S.Army", initials
                continue
            out.append((cut, pos))
            cut = pos
        out.append((cut, end))
    return out


def _split_quote_runs(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split consecutive quoted sentences: '"Really?" "Yes."' is two sentences."""
    pattern = re.compile(rf"(?<=[.?!…][{_CLOSE_QUOTES}])\s+(?=[{_OPEN_QUOTES}][A-Z0-9])")
    out = []
    for start, end in spans:
        cut = start
        for match in pattern.finditer(line, start, end):
            # Only when the quote that just closed opened at the start of this piece: then the
            # piece so far is a complete quoted sentence, not 'He said: "Go." "Now." ...'.
            if line[cut] in _OPEN_QUOTES:
                out.append((cut, match.start()))
                cut = match.end()
        out.append((cut, end))
    return out


def _should_merge(prev: str, nxt: str) -> bool:
    """Whether pysbd split in the middle of one sentence (prev + nxt)."""
    word = _LAST_WORD.search(prev)
    if word:
        abbreviation = word.group(1).lower()
        if abbreviation in _TITLES and nxt[:1].isupper():
            return True
        if abbreviation in _CONTINUING_ABBREVIATIONS and (nxt[:1].islower() or nxt[:1].isdigit()):
            return True
    if nxt[:1].islower() and prev.rstrip()[-1:] in ".?!…\"”’'»":
        # A sentence never starts with a lowercase word: '"Why now?" asked Dr. X.'
        return not _QUOTE_END.search(prev) or bool(_ATTRIBUTION.match(nxt))
    # '"Why now?" Quist asked.' - a short attribution after a quoted question or exclamation.
    return bool(_QUOTE_END.search(prev) and prev[:1] in _OPEN_QUOTES and _ATTRIBUTION.match(nxt))


def _merge(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and _should_merge(line[out[-1][0] : out[-1][1]], line[start:end]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def split_line(line: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of one line of text, whitespace trimmed."""
    if not line.strip():
        return []
    spans = _pysbd_spans(line)
    spans = _split_glued(line, spans)
    spans = _merge(line, spans)
    return _split_quote_runs(line, spans)


_LINE = re.compile(r"[^\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")


def split_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of every sentence in ``text``; lines are split separately."""
    spans = []
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    paragraph = 0
    for match in _LINE.finditer(text):
        while paragraph + 1 < len(paragraph_starts) and match.start() >= paragraph_starts[
            paragraph + 1
        ]:
            paragraph += 1
        base = match.start()
        for start, end in split_line(match.group()):
            spans.append((base + start, base + end, paragraph))
    return spans


def split_sentences(text: str, *, article_id: str = "") -> list[Sentence]:
    """Split ``text`` into sentences whose offsets slice back exactly from ``text``.

    Each line is its own segment (list items, subheadings); blank lines separate
    paragraphs. ``article_id`` prefixes the stable sentence ids.
    """
    sentences = []
    for index, (start, end, paragraph) in enumerate(split_spans(text)):
        piece = text[start:end]
        sentences.append(
            Sentence(
                id=sentence_id(article_id, index, piece),
                index=index,
                start=start,
                end=end,
                text=piece,
                paragraph=paragraph,
                article_id=article_id,
            )
        )
    return sentences
