"""Sentences: split article text into sentences with exact character offsets.

Built on pysbd, the most accurate of the maintained splitters we measured on our news test
set (``benchmarks/bench_segmentation.py``), then repaired where it fails on news: unit
abbreviations, times before a weekday, attribution after a quoted question, multi-sentence
quotations, consecutive quoted sentences, a new sentence after a closing quote, an acronym
("U.K.") or a date read as a list item, and a missing space after a full stop. Lines are
split first, so list items and subheadings are their own segments, and a very long line is
cut at safe boundaries before pysbd, which is superlinear in the length of its input.
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


Span = tuple[int, int]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Abbreviations after which a full stop does not end a sentence when a number or a
# lowercase word follows ("4.5 mi. to the lake", "approx. 300 people").
_CONTINUING_ABBREVIATIONS = _words(
    """approx est ca c mi mins min hrs hr sec secs km kg lb lbs oz ft yd in sq mph kph
    no nos vol vols p pp fig figs ch art para sect dept apt ave blvd rd st mt
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    vs v etc incl excl esp cf al inc ltd co corp bros gen gov sen rep lt col sgt capt cmdr adm
    dr mr mrs ms prof rev hon pres supt insp det"""
)
# Titles that precede a name: "... met Gov. Baird" never ends a sentence at "Gov."
_TITLES = _words(
    """mr mrs ms mx dr prof rev hon sen rep gov lt col gen sgt capt cmdr cdr adm maj pres supt
    insp det st ste mt ft pt fr sr jr atty amb cllr cpl pvt brig msgr messrs"""
)
# Words after which a long line is never cut before pysbd (erring towards not cutting).
_ABBREVIATIONS = (
    _CONTINUING_ABBREVIATIONS
    | _TITLES
    | frozenset(pysbd.lang.english.English.Abbreviation.ABBREVIATIONS)
)
_SPEECH_VERBS = (
    "said|says|asked|asks|added|adds|told|tells|wrote|writes|replied|replies|explained|"
    "explains|insisted|insists|warned|warns|argued|argues|noted|notes|claimed|claims|"
    "continued|continues|stated|states|recalled|recalls|admitted|admits|declared|declares|"
    "joked|jokes|shouted|shouts|tweeted|posted|yelled|cried|demanded|wondered|whispered|"
    "countered|conceded|according"
)
# After a quoted sentence, a capitalised attribution ('"Why now?" Quist asked.') uses a verb
# that cannot start an ordinary sentence ('"Save our library!" The chants continued.').
_QUOTE_SPEECH_VERBS = (
    "said|says|asked|asks|added|told|replied|explained|insisted|warned|argued|recalled|"
    "admitted|declared|joked|shouted|tweeted|yelled|cried|demanded|wondered|whispered|"
    "countered|conceded"
)
_OPEN_QUOTES = "\"“‘'«"
_CLOSE_QUOTES = "\"”’'»"
_QUOTE_END = re.compile(r"[.?!…][\"”’'»]\s*$")
_ATTRIBUTION = re.compile(
    rf"^(?:[\w.'’-]+\s+){{0,6}}(?:{_SPEECH_VERBS})\b[^.!?]{{0,80}}[.!?][\"”’'»]?\s*$",
)
_QUOTE_ATTRIBUTION = re.compile(
    rf"^(?:[\w.'’-]+\s+){{0,5}}(?:{_QUOTE_SPEECH_VERBS})\b[^.!?]{{0,80}}[.!?][\"”’'»]?\s*$",
)
_LAST_WORD = re.compile(r"(?<![\w.@/-])([A-Za-z]+)\.\s*$")
# "in 2000.Trump said": a full stop glued to the next capitalised word.
_GLUED_STOP = re.compile(r"(?<=[a-z0-9%)\]][.!?])(?=[A-Z][a-z])")
_URLISH = re.compile(r"\S*(?:www\.|https?://|\.com|\.org|\.net|\.gov|\.edu|@)\S*$")
_GLUED_WORD = re.compile(r"[A-Z][a-z]+(?=\s)")
# "4 p.m. Sunday" / "9 a.m. ET": a time goes on with a weekday or a time zone.
_TIME_END = re.compile(r"\b[ap]\.m\.\s*$")
_AFTER_TIME = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|ET|EST|EDT|CT|CST|CDT|PT|"
    r"PST|PDT|GMT|BST|UTC|CET|CEST)\b"
)
_DASH_START = re.compile(r"[—–-]|[,;:)\]]")
_LOWER_WORD = re.compile(r"[a-z][a-z'’-]*\b")
# A sentence-final full stop inside a quotation: "We are ready. The trains will run," ...
_QUOTE_MARK = re.compile(r"[\"“”]")
_INNER_STOP = re.compile(r"(?<=[.?!…])\s+(?=[\"“‘(]?[A-Z])")
_WORD_BEFORE = re.compile(r"([\w.]+)[.]$")
# A new sentence after a closing quote: 'A man shouted "Stop!" Police moved in.'
_AFTER_QUOTE = re.compile(r"(?<=[.?!…][\"”])\s+(?=[A-Z])")
# Sentence ends pysbd misses: after an acronym or a street/company abbreviation it reads as
# mid-sentence ("to the U.K. Her family ...", "on Elm St. The man ..."), and after a number it
# reads as a list item ("on Jan. 11. Prices rose ...").
_MISSED_STOP = re.compile(
    r"(?:(?<=\b[A-Z]\.[A-Z]\.)|(?<=\bSt\.)|(?<=\bAve\.)|(?<=\bRd\.)|(?<=\bBlvd\.)"
    r"|(?<=\bInc\.)|(?<=\bLtd\.)|(?<=\bCorp\.)|(?<=\bCo\.)|(?<=\bJr\.))"
    r"\s+(?=(?:The|This|That|These|Those|It|Its|He|His|She|Her|They|"
    r"Their|We|Our|I|There|But|And|A|An|In|On|At|After|When|Officials|Police)\b)"
    r"|(?<=\d\.)\s+(?=[\"“]?[A-Z])"
)
_QUOTE_RUN = re.compile(rf"(?<=[.?!…][{_CLOSE_QUOTES}])\s+(?=[{_OPEN_QUOTES}][A-Z0-9])")
_LIST_NUMBER = re.compile(r"\W*\d+\.")
# Safe places to cut a very long line before pysbd: end punctuation, space, capital.
_CHUNK_CUT = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")
_SPACES = re.compile(r"\s+")
MAX_LINE_CHARS = 2000


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _trim(line: str, start: int, end: int) -> Span | None:
    """(start, end) without surrounding whitespace, or None if only whitespace is left."""
    piece = line[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return (start + lead, end - trail) if end - trail > start + lead else None


def _is_abbreviation(before: str, known: frozenset[str] = _TITLES) -> bool:
    """Whether the text before a full stop ends with an initial, "U.S." or a ``known`` word.

    Before a capitalised word only a title ("Gov. Baird") or an initial keeps a sentence
    going; "We said no. They did it anyway." ends at "no.".
    """
    word = _WORD_BEFORE.search(before)
    if not word:
        return False
    token = word.group(1)
    return len(token) == 1 or "." in token or token.lower() in known


def _chunks(line: str, max_chars: int) -> list[Span]:
    """Cut a long line into pieces of about ``max_chars`` at safe sentence boundaries.

    A cut is made after end punctuation followed by a space and a capital, not after an
    abbreviation or an initial and not inside a quotation, so pysbd would split there too.
    Only if no such place follows within ``4 * max_chars`` is the line cut at a space.
    """
    chunks, start = [], 0
    while len(line) - start > max_chars:
        cut = _next_cut(line, start, max_chars)
        if cut is None:
            break
        chunks.append((start, cut[0]))
        start = cut[1]
    chunks.append((start, len(line)))
    return chunks


def _next_cut(line: str, start: int, max_chars: int) -> Span | None:
    """(end of this chunk, start of the next) for the chunk starting at ``start``."""
    for match in _CHUNK_CUT.finditer(line, start + max_chars, start + 4 * max_chars):
        before = line[start : match.start()]
        if not _is_abbreviation(before, _ABBREVIATIONS) and not _inside_quote(before):
            return match.start(), match.end()
    space = _SPACES.search(line, start + 4 * max_chars)
    return (space.start(), space.end()) if space else None


def _inside_quote(text: str) -> bool:
    """Whether a double quotation is still open at the end of ``text``."""
    inside = False
    for mark in _QUOTE_MARK.findall(text):
        inside = (not inside) if mark == '"' else mark == "“"
    return inside


def _pysbd_spans(line: str) -> list[Span]:
    """Trimmed (start, end) spans of pysbd's segments of one line (or chunk).

    Segments are found in the line with ``str.find`` from a cursor and only their ends are
    used, as cut points, so the spans always partition the line: pysbd's own ``char_span``
    spans can overlap on odd input ('"Why now?" ! ! !') and cost a regex compile per sentence.
    """
    cuts, pos = [], 0
    for segment in _segmenter().segment(line):
        piece = segment.strip()
        found = line.find(piece, pos) if piece else -1
        if found >= 0:
            pos = found + len(piece)
            cuts.append(pos)
    spans = []
    for start, end in zip([0, *cuts], [*cuts, len(line)], strict=True):
        trimmed = _trim(line, start, end)
        if trimmed:
            spans.append(trimmed)
    return spans


def _split_glued(line: str, spans: list[Span]) -> list[Span]:
    """Split "in 2000.Trump said" at the full stop, unless it looks like a URL or an initial."""
    out = []
    for start, end in spans:
        cut = start
        for match in _GLUED_STOP.finditer(line, start, end):
            pos = match.start()
            before = line[cut:pos]
            word = _LAST_WORD.search(before)
            if _URLISH.search(before) and not _GLUED_WORD.match(line, pos, end):
                continue  # "example.com/News.Html" - but "gov/elections.Turnout was" splits
            if word and word.group(1).lower() in _TITLES:
                continue
            if word and len(word.group(1)) == 1:  # "U.S.Army", initials
                continue
            out.append((cut, pos))
            cut = pos
        out.append((cut, end))
    return out


def _should_merge(prev: str, nxt: str) -> bool:
    """Whether pysbd split in the middle of one sentence (prev + nxt)."""
    word = _LAST_WORD.search(prev)
    if word:
        abbreviation = word.group(1)
        if abbreviation.lower() in _TITLES and abbreviation[0].isupper() and nxt[:1].isupper():
            return True
        if abbreviation.lower() in _CONTINUING_ABBREVIATIONS and (
            _LOWER_WORD.match(nxt) or nxt[:1].isdigit()
        ):
            return True
    if _TIME_END.search(prev) and _AFTER_TIME.match(nxt):
        return True
    if _DASH_START.match(nxt):  # "who knew?—and got no answer": no sentence starts with a dash
        return True
    if _LOWER_WORD.match(nxt) and prev.rstrip()[-1:] in ".?!…\"”’'»":
        # A sentence never starts with a lowercase word ("eCourier" is a name, not one):
        # '"Why now?" asked Dr. X.'
        return not _QUOTE_END.search(prev) or bool(_ATTRIBUTION.match(nxt))
    # '"Why now?" Quist asked.' - a short attribution after a quoted question or exclamation.
    return bool(
        _QUOTE_END.search(prev) and prev[:1] in _OPEN_QUOTES and _QUOTE_ATTRIBUTION.match(nxt)
    )


def _merge(line: str, spans: list[Span]) -> list[Span]:
    """Join pieces that pysbd split in the middle of a sentence."""
    out: list[Span] = []
    for start, end in spans:
        if out and _should_merge(line[out[-1][0] : out[-1][1]], line[start:end]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _split_inside_quotes(line: str, spans: list[Span]) -> list[Span]:
    """Split a multi-sentence quotation: '"We are ready. The trains will run," he said.'"""
    out = []
    for start, end in spans:
        cut = start
        if _QUOTE_MARK.search(line, start, end):
            for match in _INNER_STOP.finditer(line, start, end):
                before = line[cut : match.start()]
                if _inside_quote(line[start : match.start()]) and not _is_abbreviation(before):
                    out.append((cut, match.start()))
                    cut = match.end()
        out.append((cut, end))
    return out


def _split_after_quote(line: str, spans: list[Span]) -> list[Span]:
    """Split after a closed quotation when a new sentence, not an attribution, follows."""
    out = []
    for start, end in spans:
        cut = start
        for match in _AFTER_QUOTE.finditer(line, start, end):
            if _inside_quote(line[start : match.start()]):
                continue  # the mark opened a quotation, it did not close one
            if _QUOTE_ATTRIBUTION.match(line[match.end() : end]):
                continue  # '"Why now?" Quist asked.'
            out.append((cut, match.start()))
            cut = match.end()
        out.append((cut, end))
    return out


def _split_missed_stops(line: str, spans: list[Span]) -> list[Span]:
    """Split "She moved to the U.K. Her family stayed." and "on Jan. 11. Prices rose"."""
    out = []
    for start, end in spans:
        cut = start
        for match in _MISSED_STOP.finditer(line, start, end):
            if _LIST_NUMBER.fullmatch(line, cut, match.start()):
                continue  # "2. Bring photo ID": the number of a list item
            out.append((cut, match.start()))
            cut = match.end()
        out.append((cut, end))
    return out


def _split_quote_runs(line: str, spans: list[Span]) -> list[Span]:
    """Split consecutive quoted sentences: '"Really?" "Yes."' is two sentences."""
    out = []
    for start, end in spans:
        cut = start
        for match in _QUOTE_RUN.finditer(line, start, end):
            # Only where the mark before the space closes a quotation that the text opened.
            if not _inside_quote(line[start : match.start()]) and (
                line[cut] in _OPEN_QUOTES or _QUOTE_MARK.search(line, cut, match.start() - 1)
            ):
                out.append((cut, match.start()))
                cut = match.end()
        out.append((cut, end))
    return out


# A line whose only sentence-final punctuation is at its end (after which only closing
# quotes/brackets follow; decimals are not stops) is one sentence, without asking pysbd.
_ONE_SENTENCE = re.compile(r"(?:[^.?!…]|\.(?=\d))*[.?!…]*[\"”’'»)\]]*\s*\Z")


def split_line(line: str, *, max_chars: int = MAX_LINE_CHARS) -> list[Span]:
    """(start, end) spans of the sentences of one line of text, whitespace trimmed.

    A line longer than ``max_chars`` is first cut at safe sentence boundaries, because pysbd
    slows down more than linearly on long input; the offsets stay exact.
    """
    if not line.strip():
        return []
    if len(line) <= max_chars and _ONE_SENTENCE.match(line):  # nothing for pysbd to decide
        return [span] if (span := _trim(line, 0, len(line))) else []
    spans: list[Span] = []
    for chunk_start, chunk_end in _chunks(line, max_chars):
        chunk = line[chunk_start:chunk_end]
        spans.extend((chunk_start + a, chunk_start + b) for a, b in _pysbd_spans(chunk))
    spans = _split_glued(line, spans)
    spans = _merge(line, spans)
    spans = _split_inside_quotes(line, spans)
    spans = _split_after_quote(line, spans)
    spans = _split_missed_stops(line, spans)
    spans = _split_quote_runs(line, spans)
    return [trimmed for a, b in spans if (trimmed := _trim(line, a, b))]


_LINE = re.compile(r"[^\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")


def split_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of every sentence in ``text``; lines are split separately."""
    spans = []
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    paragraph = 0
    for match in _LINE.finditer(text):
        while (
            paragraph + 1 < len(paragraph_starts)
            and match.start() >= paragraph_starts[paragraph + 1]
        ):
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
