"""Sentences: split article text into sentences with exact character offsets.

Lines are split first, so list items and subheadings are their own segments. In each line
one linear scan proposes the candidate boundaries (end punctuation, the closing quotes and
brackets after it, then a space) and factcheck's own rules decide them: titles, units,
months, initials, acronyms ("U.K."), times, numbers and list numbers, quotations and
attributions, the news repairs. What the rules leave undecided (an ellipsis, brackets, an
unknown abbreviation before a capital, a glued stop such as "in 2000.Trump", a list) goes
to pysbd, the most accurate maintained splitter on our news test set
(``benchmarks/bench_segmentation.py``), with the same repairs; on ordinary news text that is
rare, which is what makes splitting fast (``benchmarks/bench_split_throughput.py``). A very
long line is cut at safe boundaries before pysbd, which is superlinear in the length of its
input: no piece pysbd sees, and no sentence, is longer than ``4 * MAX_LINE_CHARS``, and
every step is linear in the line, whatever it holds (tests/test_regex_linearity.py). The
glued-stop repair never fires inside an e-mail address, URL, file name or domain; no
sentence starts with a closing markup tag ("</b>").

Other languages (``language=``: es, de, fr, it, nl, pt, ar, bg) run the same scan with that
language's tables: titles and abbreviations ("Sra.", "z. B.", "Mme", "blz.", "ул."), its
quotation marks (« », „ “, spaced French guillemets), ¿ ¡ openers, Arabic ؟ and ۔, German
ordinals ("am 3. Oktober"), units after numbers ("2025 г."), glued stops in any script, and
in Arabic, which has no capitals, the words that open an attribution. They decide every
candidate themselves, without pysbd (``benchmarks/bench_languages.py``).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import pysbd


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article; start/end are character offsets, end exclusive.

    ``end`` is the index of the first character after the span, so
    ``article.text[s.start:s.end] == s.text``. ``paragraph`` numbers the paragraphs of the
    text (blank-line separated blocks; in a text without blank lines, its lines), so a view
    can group sentences by paragraph.

    ``source_start``/``source_end`` are the same span in the decoded text of the source
    file (or of a corpus row's ``text`` field; for HTML, of the text extracted from the
    page), so a label can be traced to the exact characters it was given on: the source
    slice becomes ``text`` through the article's recorded ``edits`` that lie inside it, and
    nothing else. They default to ``start``/``end`` (text that is its own source).
    """

    id: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0
    article_id: str = ""
    source_start: int | None = None
    source_end: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"Sentence {self.id!r}: bad offsets start={self.start} end={self.end}")
        if self.source_start is None:
            object.__setattr__(self, "source_start", self.start)
        if self.source_end is None:
            object.__setattr__(self, "source_end", self.source_start + self.end - self.start)
        if not 0 <= self.source_start <= self.source_end:
            raise ValueError(
                f"Sentence {self.id!r}: bad source offsets source_start={self.source_start} "
                f"source_end={self.source_end}"
            )
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"Sentence {self.id!r}: end - start = {self.end - self.start} but the text has "
                f"{len(self.text)} characters"
            )


def sentence_id(article_id: str, index: int, text: str) -> str:
    """A stable id: article id, index and a short hash of the text, e.g. ``a1-0003-9f2c1b``."""
    # surrogatepass: text given to Article.from_text may hold a lone surrogate (a truncated
    # emoji); the id must not crash on it.
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=3).hexdigest()
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
# Every pattern here is linear in its input: no two adjacent quantifiers match the same
# characters, and tokens are found with string methods (tests/test_regex_linearity.py).
_QUOTE_END = re.compile(r"[.?!…][\"”’'»]\Z")
_ATTRIBUTION = re.compile(
    rf"^(?:[\w.'’-]+\s+){{0,6}}(?:{_SPEECH_VERBS})\b[^.!?]{{0,80}}[.!?][\"”’'»]?\s*$",
)
_QUOTE_ATTRIBUTION = re.compile(
    rf"^(?:[\w.'’-]+\s+){{0,5}}(?:{_QUOTE_SPEECH_VERBS})\b[^.!?]{{0,80}}[.!?][\"”’'»]?\s*$",
)
_LAST_WORD = re.compile(r"(?<![\w.@/-])([A-Za-z]+)\.\Z")
# "in 2000.Trump said": a full stop glued to the next capitalised word.
_GLUED_STOP = re.compile(r"(?<=[a-z0-9%)\]][.!?])(?=[A-Z][a-z])")
_URL_MARKS = ("www.", "://", "@", "/", ".com", ".org", ".net", ".gov", ".edu")
# Endings after a dot that make a token a domain or a file name: "Example.Com", "Notes.Txt".
_DOMAIN_ENDINGS = _words(
    """com org net gov edu info biz io uk eu html htm php asp aspx pdf txt csv json xml docx
    xls xlsx ppt pptx jpg jpeg png gif svg webp mp3 mp4 zip py js rtf"""
)
_TOKEN_TAIL = "\"'”’»)]}.,;:!?"
# "4 p.m. Sunday" / "9 a.m. ET": a time goes on with a weekday or a time zone.
_TIME_END = re.compile(r"\b[ap]\.m\.\Z")
_AFTER_TIME = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|ET|EST|EDT|CT|CST|CDT|PT|"
    r"PST|PDT|GMT|BST|UTC|CET|CEST)\b"
)
# No sentence starts with a dash, a comma-like mark or a closing markup tag ("</b>").
_DASH_START = re.compile(r"[—–-]|[,;:)\]]|</")
_LOWER_WORD = re.compile(r"[a-z][a-z'’-]*\b")
# A sentence-final full stop inside a quotation: "We are ready. The trains will run," ...
_QUOTE_MARK = re.compile(r"[\"“”]")
_INNER_STOP = re.compile(r"(?<=[.?!…])\s+(?=[\"“‘(]?[A-Z])")
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
# Safe places to cut a very long line before pysbd: end punctuation, space, capital.
_CHUNK_CUT = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")
_SPACES = re.compile(r"\s+")
_WORD_CHARS = re.compile(r"[\w.]")
MAX_LINE_CHARS = 1000


# pysbd's modules that call ``re.sub``/``re.findall``/... with pattern strings.
_PYSBD_MODULES = (
    "abbreviation_replacer",
    "between_punctuation",
    "cleaner",
    "exclamation_words",
    "lists_item_replacer",
    "processor",
    "punctuation_replacer",
    "utils",
    "lang.common.common",
)
# More than pysbd's English rules ever build (one entry per abbreviation and variant), so
# nothing is recompiled; still bounded, as some patterns embed a list item of the text.
_PATTERN_CACHE_SIZE = 16_384


class _CompiledRe:
    """Stands in for the ``re`` module inside pysbd: the same functions, but patterns are
    compiled once and kept. pysbd builds more distinct patterns than ``re``'s own cache
    holds (512), so with plain ``re`` most of them were recompiled on every call. Same
    patterns and flags, so the same segments (benchmarks/bench_split_throughput.py)."""

    def __init__(self) -> None:
        self.compile = lru_cache(maxsize=_PATTERN_CACHE_SIZE)(re.compile)

    def __getattr__(self, name: str) -> object:
        return getattr(re, name)  # flags, escape, error, Pattern, ...

    def sub(
        self, pattern: str, repl: object, string: str, count: int = 0, flags: int = 0
    ) -> object:
        return self.compile(pattern, flags).sub(repl, string, count)

    def subn(
        self, pattern: str, repl: object, string: str, count: int = 0, flags: int = 0
    ) -> object:
        return self.compile(pattern, flags).subn(repl, string, count)

    def search(self, pattern: str, string: str, flags: int = 0) -> object:
        return self.compile(pattern, flags).search(string)

    def match(self, pattern: str, string: str, flags: int = 0) -> object:
        return self.compile(pattern, flags).match(string)

    def fullmatch(self, pattern: str, string: str, flags: int = 0) -> object:
        return self.compile(pattern, flags).fullmatch(string)

    def findall(self, pattern: str, string: str, flags: int = 0) -> object:
        return self.compile(pattern, flags).findall(string)

    def finditer(self, pattern: str, string: str, flags: int = 0) -> object:
        return self.compile(pattern, flags).finditer(string)

    def split(self, pattern: str, string: str, maxsplit: int = 0, flags: int = 0) -> object:
        return self.compile(pattern, flags).split(string, maxsplit)


_COMPILED_RE = _CompiledRe()


def _use_compiled_patterns() -> None:
    """Point pysbd's modules at ``_COMPILED_RE`` (idempotent; behaviour is unchanged)."""
    import importlib

    for name in _PYSBD_MODULES:
        module = importlib.import_module(f"pysbd.{name}")
        if getattr(module, "re", None) is re:
            module.re = _COMPILED_RE


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    _use_compiled_patterns()
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
    if not before.endswith("."):
        return False
    token = _token_before(before, len(before) - 1)
    return bool(token) and (len(token) == 1 or "." in token or token.lower() in known)


def _token_before(text: str, pos: int) -> str:
    """The run of word characters and dots that ends at ``pos`` (found without a regex
    search, which would retry at every position of a long run: quadratic)."""
    start = pos
    while start > 0 and _WORD_CHARS.match(text, start - 1):
        start -= 1
    return text[start:pos]


def _chunks(line: str, max_chars: int) -> list[Span]:
    """Cut a long line into pieces of about ``max_chars`` at safe sentence boundaries.

    A cut is made after end punctuation followed by a space and a capital, not after an
    abbreviation or an initial and not inside a quotation, so pysbd would split there too.
    Only if no such place follows within ``3 * max_chars`` is the line cut at a space, and
    only if there is no space either, anywhere: so no piece pysbd sees (pysbd is roughly
    quadratic in its input) is longer than ``4 * max_chars``, whatever the line holds.
    """
    chunks, start = [], 0
    quotes = _Quotes(line)
    while len(line) - start > max_chars:
        end, next_start = _next_cut(line, start, max_chars, quotes)
        chunks.append((start, end))
        start = next_start
    if start < len(line):
        chunks.append((start, len(line)))
    return chunks


class _Quotes:
    """Whether a double quotation is open at a position of a line, for positions visited in
    increasing order: each quote mark is read once (a scan per question was quadratic)."""

    def __init__(self, line: str, start: int = 0) -> None:
        self.line, self.pos, self.inside = line, start, False

    def restart(self, start: int) -> None:
        self.pos, self.inside = start, False

    def open_at(self, pos: int) -> bool:
        for mark in _QUOTE_MARK.findall(self.line, self.pos, max(pos, self.pos)):
            self.inside = (not self.inside) if mark == '"' else mark == "“"
        self.pos = max(pos, self.pos)
        return self.inside


def _next_cut(line: str, start: int, max_chars: int, quotes: _Quotes) -> Span:
    """(end of this chunk, start of the next) for the chunk starting at ``start``."""
    quotes.restart(start)
    for match in _CHUNK_CUT.finditer(line, start + max_chars, start + 3 * max_chars):
        before = line[max(start, match.start() - 64) : match.start()]  # the word before
        if not _is_abbreviation(before, _ABBREVIATIONS) and not quotes.open_at(match.start()):
            return match.start(), match.end()
    if start + 3 * max_chars >= len(line):
        return len(line), len(line)  # the rest is short enough to be one piece
    space = _SPACES.search(line, start + 3 * max_chars, start + 4 * max_chars)
    if space:
        return space.start(), space.end()
    # No space in max_chars characters after 3 * max_chars (a pasted blob): cut anyway.
    cut = min(start + 4 * max_chars, len(line))
    return cut, cut


# Characters Python's ``\s`` matches (so pysbd's patterns read them as spaces) but ``int()``
# and friends do not treat alike: pysbd raises ValueError on "met.\x1c4. Prices" (it calls
# int() on a list number it matched with ``\s``). pysbd sees them as plain spaces; the
# offsets are unchanged because each is replaced by exactly one character.
_PYSBD_UNSAFE = re.compile(r"[^\S ]|[\ud800-\udfff]")


def _pysbd_input(line: str) -> str:
    """``line`` with every whitespace character but the space, and every lone surrogate,
    replaced by one space (same length, so offsets into it are offsets into ``line``)."""
    return _PYSBD_UNSAFE.sub(" ", line)


def _pysbd_segments(line: str) -> list[str]:
    """pysbd's sentences of ``line``, as ``Segmenter.segment`` finds them, without its last
    step: ``segment`` then looks each sentence up in the text with a regex built from the
    sentence (a compile per sentence, and a search from the start of the text each time);
    ``_pysbd_spans`` finds them with ``str.find`` from a cursor instead."""
    if not line:
        return []
    return _segmenter().processor(line).process()


def _pysbd_spans(line: str) -> list[Span]:
    """Trimmed (start, end) spans of pysbd's segments of one line (or chunk).

    Segments are found in the line with ``str.find`` from a cursor and only their ends are
    used, as cut points, so the spans always partition the line: pysbd's own ``char_span``
    spans can overlap on odd input ('"Why now?" ! ! !') and cost a regex compile per sentence.
    """
    cuts, pos = [], 0
    line = _pysbd_input(line)
    for segment in _pysbd_segments(line):
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


def _is_address_stop(line: str, pos: int, start: int, end: int) -> bool:
    """Whether the glued stop before ``pos`` is inside an e-mail address, URL, file name or
    domain ("Jane.Doe@example.com", "example.com/News.Html", "Notes.Txt"), not between two
    sentences. A plain word that goes on with a space after an address still starts one:
    "at www.harlowfalls.gov/elections.Turnout was high" splits."""
    token_start = line.rfind(" ", start, pos) + 1 or start
    for space in ("\t", "\u00a0"):
        token_start = max(token_start, line.rfind(space, start, pos) + 1)
    token_end = pos
    while token_end < end and not line[token_end].isspace():
        token_end += 1
    after = line[pos:token_end].rstrip(_TOKEN_TAIL)
    if not after.isalpha():
        return True  # "Doe@example.com", "Final.docx", "Report2.pdf": one token, no boundary
    if after.lower() in _DOMAIN_ENDINGS and line[pos - 1] == ".":
        return True  # "Example.Com", "Notes.Txt"
    before = line[token_start:pos]
    if any(mark in before.lower() for mark in _URL_MARKS):
        # An address before the stop: a boundary only if a plain word follows with a space.
        return token_end >= end or line[pos:token_end] != after
    return False


def _split_glued(line: str, spans: list[Span]) -> list[Span]:
    """Split "in 2000.Trump said" at the full stop, unless it is inside an address or a
    file name, or follows a title or an initial."""
    out = []
    for start, end in spans:
        cut = start
        for match in _GLUED_STOP.finditer(line, start, end):
            pos = match.start()
            if _is_address_stop(line, pos, start, end):
                continue
            word = _token_before(line, pos - 1)
            if word.lower() in _TITLES:
                continue
            if (len(word) == 1 and word.isalpha()) or "." in word:  # "U.S.Army", initials
                continue
            out.append((cut, pos))
            cut = pos
        out.append((cut, end))
    return out


def _should_merge(prev: str, nxt: str, opener: str | None = None) -> bool:
    """Whether pysbd split in the middle of one sentence (prev + nxt).

    ``prev`` may be only the end of the previous piece (its last words); ``opener`` is then
    its first character (default: ``prev[:1]``).
    """
    opener = prev[:1] if opener is None else opener
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
        _QUOTE_END.search(prev) and opener in _OPEN_QUOTES and _QUOTE_ATTRIBUTION.match(nxt)
    )


_TAIL = 200  # characters either side of a cut that the merge rules read


def _merge(line: str, spans: list[Span]) -> list[Span]:
    """Join pieces that pysbd split in the middle of a sentence."""
    out: list[Span] = []
    for start, end in spans:
        # Only the last words of the piece so far matter: slicing all of it after every
        # merge was quadratic on a line that merges again and again ("</b>bold? </b>...").
        if out and _should_merge(
            line[max(out[-1][0], out[-1][1] - _TAIL) : out[-1][1]],
            line[start:end],  # each piece is read once: linear
            line[out[-1][0]],
        ):
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
            quotes = _Quotes(line, start)
            for match in _INNER_STOP.finditer(line, start, end):
                before = line[max(cut, match.start() - 64) : match.start()]  # the word before
                if quotes.open_at(match.start()) and not _is_abbreviation(before):
                    out.append((cut, match.start()))
                    cut = match.end()
        out.append((cut, end))
    return out


def _split_after_quote(line: str, spans: list[Span]) -> list[Span]:
    """Split after a closed quotation when a new sentence, not an attribution, follows."""
    out = []
    for start, end in spans:
        cut = start
        quotes = _Quotes(line, start)
        for match in _AFTER_QUOTE.finditer(line, start, end):
            if quotes.open_at(match.start()):
                continue  # the mark opened a quotation, it did not close one
            if end - match.end() <= _TAIL and _QUOTE_ATTRIBUTION.match(line[match.end() : end]):
                continue  # '"Why now?" Quist asked.'
            out.append((cut, match.start()))
            cut = match.end()
        out.append((cut, end))
    return out


def _is_list_number(text: str) -> bool:
    """Whether ``text`` is only a list number: "2.", "(3." (no regex: "\\W*\\d+\\." retried
    at every position of a run of punctuation, quadratically)."""
    i = 0
    while i < len(text) and not (text[i].isalnum() or text[i] == "_"):
        i += 1
    return text.endswith(".") and text[i:-1].isdecimal()


def _split_missed_stops(line: str, spans: list[Span]) -> list[Span]:
    """Split "She moved to the U.K. Her family stayed." and "on Jan. 11. Prices rose"."""
    out = []
    for start, end in spans:
        cut = start
        for match in _MISSED_STOP.finditer(line, start, end):
            if _is_list_number(line[cut : match.start()]):
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
        quotes = _Quotes(line, start)
        for match in _QUOTE_RUN.finditer(line, start, end):
            # Only where the mark before the space closes a quotation that the text opened.
            if not quotes.open_at(match.start()) and (
                line[cut] in _OPEN_QUOTES or _QUOTE_MARK.search(line, cut, match.start() - 1)
            ):
                out.append((cut, match.start()))
                cut = match.end()
        out.append((cut, end))
    return out


# A line whose only sentence-final punctuation is at its end (after which only closing
# quotes/brackets follow; decimals are not stops) is one sentence, without asking pysbd.
_INNER_END = re.compile(r"[?!…]|\.(?!\d)")
_CLOSERS = "\"”’'»)]"


# "1) The first item 2) The second item": inline list items pysbd splits with no full stop.
_INLINE_LIST_ITEM = re.compile(r"\s\d{1,3}\)\s")


def _is_one_sentence(line: str) -> bool:
    """Whether ``line`` has sentence-final punctuation only at its end, and no inline list
    (a linear scan; the regex this replaces backtracked quadratically over spaces)."""
    body = line.rstrip().rstrip(_CLOSERS).rstrip(".?!…")
    return not _INNER_END.search(body) and not _INLINE_LIST_ITEM.search(body)


def _split_line_pysbd(line: str, *, max_chars: int = MAX_LINE_CHARS) -> list[Span]:
    """(start, end) spans of the sentences of one line by pysbd and the news repairs: the
    route for the parts of a line the fast scan leaves undecided (``split_line``).

    A line longer than ``max_chars`` is first cut at safe sentence boundaries, because pysbd
    slows down more than linearly on long input; the offsets stay exact.
    """
    if not line.strip():
        return []
    if len(line) <= max_chars and _is_one_sentence(line):  # nothing for pysbd to decide
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


# --- The fast route: one linear scan proposes boundaries, factcheck's rules decide them ---

_SPLIT, _KEEP, _UNSURE = 1, 0, -1
# A candidate boundary: end punctuation, closing quotes/brackets after it, then a space. The
# punctuation class and the closers are disjoint, so each position is tried once: linear.
_CANDIDATE = re.compile(r"[.?!…][\"”’'»)\]]*(?=\s)")
_NEXT = re.compile(r"\s+")
# What the scan leaves to pysbd and the repairs: ellipses, "?"/"!" inside a word, a glued
# stop ("in 2000.Trump"), an inline list ("1) a 2) b"), a single quotation pysbd keeps
# whole, and characters pysbd is given as spaces (_PYSBD_UNSAFE).
_UNDECIDED = re.compile(
    r"\.\.(?=[^\s.])|…(?=\S)|[?!](?=\w)|(?<=[a-z0-9%)\]])[.!?](?=[A-Z][a-z])|[.?!][\"“”'’][A-Z]"
    r"|\s\d{1,3}\)\s|(?<!\S)['‘]"
)
# Lines left whole to pysbd: a list ("• 9. The first item • 10. The second", "1. Register
# online. 2. Bring ID.") and characters pysbd is given as spaces (``_PYSBD_UNSAFE``).
_LINE_TO_PYSBD = re.compile(r"[•⁃▪◦‣]|^\W*\d{1,3}[.)]\s|[^\S \t\r\u00a0]|[\ud800-\udfff]")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_OPENERS = "\"“‘'«([{"
# pysbd's abbreviations that keep a sentence going before a capital or a number ("Gen. Lee",
# "No. 5", "pp. 4"), with ours: before a capital the scan leaves them to pysbd.
_HELD_ABBREVIATIONS = (
    _CONTINUING_ABBREVIATIONS
    | _TITLES
    | frozenset(pysbd.lang.english.English.Abbreviation.PREPOSITIVE_ABBREVIATIONS)
    | frozenset(pysbd.lang.english.English.Abbreviation.NUMBER_ABBREVIATIONS)
)
# Abbreviations after which a sentence ends before the words _MISSED_STOP lists.
_MISSED_STOP_ABBREVIATIONS = frozenset(
    {"St", "Ave", "Rd", "Blvd", "Inc", "Ltd", "Corp", "Co", "Jr"}
)
_MISSED_STOP_WORDS = re.compile(
    r"(?:The|This|That|These|Those|It|Its|He|His|She|Her|They|Their|We|Our|I|There|But|And|A"
    r"|An|In|On|At|After|When|Officials|Police)\b"
)
_QUOTE_CHARS = "\"”’'»"
_EXCLAMATION_WORDS = frozenset(
    word.lower() for word in pysbd.exclamation_words.ExclamationWords.EXCLAMATION_WORDS
)
# An attribution after a quotation, up to its end: '..." Quist asked.', '..." said Dr. Lee.'
_ATTRIBUTION_HEAD = re.compile(
    rf"^(?:[\w.'’-]+\s+){{0,6}}(?:{_SPEECH_VERBS})\b[^.!?]{{0,80}}[.!?][\"”’'»]?(?!\S)"
)
_QUOTE_ATTRIBUTION_HEAD = re.compile(
    rf"^(?:[\w.'’-]+\s+){{0,5}}(?:{_QUOTE_SPEECH_VERBS})\b[^.!?]{{0,80}}[.!?][\"”’'»]?(?!\S)"
)


@dataclass(slots=True)
class _Candidate:
    """A proposed boundary: the word before it, its end mark, the closers after that and the
    text that follows (the first ``_TAIL`` characters), with the quotation/bracket state."""

    word: str
    mark: str
    closers: str
    following: str
    in_quote: bool
    in_brackets: bool
    list_number: bool
    after_number: bool = False  # the word before the candidate's word is a number


def _decide(c: _Candidate) -> int:
    """Whether a candidate ends a sentence (_SPLIT), does not (_KEEP), or is left to pysbd
    (_UNSURE): factcheck's rules for titles, units, initials, acronyms, times, numbers,
    quotations and attributions, as the pysbd route plus its repairs decides them."""
    following, word = c.following, c.word
    if c.in_brackets or not word or c.mark == "…":
        return _UNSURE  # brackets, a lone mark, an ellipsis: pysbd's to weigh
    first = following[0]
    opens = first in "\"“‘'«" and following[1:2].isupper()
    if word.endswith("."):
        # "Canal St.." (an abbreviation's stop, then the sentence's) ends a sentence before
        # a capital; a longer run of dots is an ellipsis.
        doubled = not word.endswith("..") and c.mark == "." and not c.closers
        return _SPLIT if doubled and (first.isupper() or opens) else _UNSURE
    if _DASH_START.match(following):  # "who knew?—and": no sentence starts with a dash
        return _KEEP
    quoted = any(mark in _QUOTE_CHARS for mark in c.closers)
    if c.closers and not quoted:
        return _UNSURE  # "(He left.) Then": brackets are pysbd's to weigh
    if _LOWER_WORD.match(following):
        if not quoted:
            return _KEEP  # a sentence never starts with a lowercase word
        return _KEEP if _ATTRIBUTION_HEAD.match(following) else _UNSURE
    if first.islower():
        return _UNSURE  # "eCourier", a lowercase letter outside ASCII
    if c.mark in "?!" and (word + c.mark).lower() in _EXCLAMATION_WORDS:
        return _UNSURE  # "Yahoo!"
    if not (first.isupper() and first.isascii()) and not opens:
        if first.isdigit() and c.mark == "." and word.lower() in _CONTINUING_ABBREVIATIONS:
            return _KEEP  # "No. 5", "Jan. 11"
        return _UNSURE
    # A capital (or a quotation opening on one) follows.
    if quoted:
        if c.in_quote:
            return _UNSURE  # the mark opened a quotation
        return _UNSURE if _QUOTE_ATTRIBUTION_HEAD.match(following) else _SPLIT
    if c.mark != ".":
        return _SPLIT
    lower = word.lower()
    if c.in_quote:  # inside a quotation the repairs split at every stop but a title/initial
        if len(word) == 1 or "." in word or lower in _ABBREVIATIONS:
            return _UNSURE
        return _SPLIT if word.isalpha() else _UNSURE
    if _DOTTED.fullmatch(word):
        if word.isupper():  # "U.S.", "U.K."
            return _SPLIT if _MISSED_STOP_WORDS.match(following) else _UNSURE
        if lower in ("p.m", "a.m") and _AFTER_TIME.match(following):
            return _KEEP  # "11 p.m. Sunday"
        return _UNSURE
    if word in _MISSED_STOP_ABBREVIATIONS and _MISSED_STOP_WORDS.match(following):
        return _SPLIT  # "on Elm St. The man"
    if lower in _TITLES and word[0].isupper() and first.isupper():
        return _KEEP  # "Gov. Baird"
    if (len(word) == 1 and word.isalpha()) or lower in _HELD_ABBREVIATIONS:
        return _UNSURE
    if word[-1].isdigit():
        return _UNSURE if c.list_number else _SPLIT  # "on Jan. 11. Prices", but "2. Bring"
    if word.replace("-", "").replace("'", "").replace("’", "").replace("%", "").isalnum():
        return _SPLIT
    return _UNSURE


def _scan(line: str) -> tuple[list[Span], list[bool]]:
    """Cut ``line`` at every boundary the rules are sure of: (pieces, whether each piece
    holds a candidate or a feature left to pysbd). One pass over the line: linear."""
    pieces: list[Span] = []
    unsure: list[bool] = []
    quotes = _Quotes(line)
    start, doubt, token_from, depth, counted = 0, False, 0, 0, 0
    brackets = "(" in line or "[" in line
    for match in _CANDIDATE.finditer(line):
        mark_at, end = match.start(), match.end()
        after = _NEXT.match(line, end)
        following_at = after.end() if after else end
        if following_at >= len(line):
            break
        head = line[token_from:mark_at].rsplit(None, 1)
        token = head[-1] if head else ""
        token_from = following_at
        if brackets:
            depth += (
                line.count("(", counted, end)
                + line.count("[", counted, end)
                - line.count(")", counted, end)
                - line.count("]", counted, end)
            )
            depth, counted = max(depth, 0), end
        candidate = _Candidate(
            word=token.lstrip(_OPENERS),
            mark=line[mark_at],
            closers=line[mark_at + 1 : end],
            following=line[following_at : following_at + _TAIL],
            in_quote=quotes.open_at(end),
            in_brackets=depth > 0,
            list_number=token[-1:].isdigit() and _is_list_number(line[start : mark_at + 1]),
        )
        verdict = _decide(candidate)
        if verdict == _SPLIT:
            pieces.append((start, end))
            unsure.append(doubt)
            start, doubt = following_at, False
        elif verdict == _UNSURE:
            doubt = True
    pieces.append((start, len(line)))
    unsure.append(doubt)
    return pieces, unsure


# --- Other languages: the same scan, with each language's tables deciding ---


@dataclass(frozen=True)
class _Language:
    """What the scan needs to know of a language: its abbreviations, quotation marks and
    the words that open an attribution after a quotation (for scripts without capitals)."""

    code: str
    # Before a capital these keep a sentence going: a name follows ("Sra. Ruiz", "Dr. Quast").
    titles: frozenset[str]
    # These keep it going before anything ("z. B.", "ca. Hundert", "EE. UU.", "Ltd." in Arabic).
    held: frozenset[str]
    openers: str
    closers: str
    attribution_words: tuple[str, ...] = ()
    # "am 3. Oktober", "den 4. Platz": a number of one or two digits with a stop is an ordinal.
    ordinals: bool = False
    # Nouns are capitalised (German): a capital after "4,8 Mio." does not start a sentence.
    capitalised_nouns: bool = False
    # Capitalised words that start sentences: after a held abbreviation they end the
    # sentence all the same ("4,8 Mio. Der Rat", as "the U.K. Her family" in English).
    starters: frozenset[str] = frozenset()
    # Openings of a sentence that are not a capital ("’s Avonds" in Dutch).
    elided_starts: tuple[str, ...] = ()

    candidate: re.Pattern[str] = field(init=False, repr=False, compare=False)
    quote_marks: re.Pattern[str] = field(init=False, repr=False, compare=False)
    attribution: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    # Closing guillemets that may follow the mark after a space: "« Oui ! » a crié".
    spaced_closers: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The language's own patterns, built once: candidates end in its closing marks.
        closers = re.escape("".join(dict.fromkeys(self.closers + "\"')]")))
        marks = re.escape("".join(dict.fromkeys(self.openers + self.closers + '"')))
        words = "|".join(map(re.escape, sorted(self.attribution_words, key=len, reverse=True)))
        object.__setattr__(self, "candidate", re.compile(rf"[.?!…؟۔][{closers}]*(?=\s)"))
        object.__setattr__(self, "quote_marks", re.compile(rf"[{marks}]"))
        attribution = re.compile(rf"(?:{words})(?!\w)") if words else None
        object.__setattr__(self, "attribution", attribution)
        spaced = "".join(mark for mark in self.closers if mark in "»«›‹")
        object.__setattr__(self, "spaced_closers", spaced)


def _table(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())


_LANGUAGES: dict[str, _Language] = {
    language.code: language
    for language in (
        _Language(
            "es",
            _table(
                "sr sra srta sres sras dr dra dres lic lcdo lcda ing prof profa dña dª don mons"
            ),
            _table("ee uu núm nº art arts aprox pág págs vol cap avda av c/ apdo tel fig"),
            "«“‘¿¡",
            "»”’",
            starters=frozenset(
                _words(
                    """El La Los Las Un Una Unos Unas En Por Pero Según Este Esta Estos Estas Ese
                    Esa Eso Ella Ellos Ellas Él Yo No Sin Con Desde Tras Al Lo Le Les Se Su Sus
                    Hoy Ayer Además También Así"""
                )
            ),
        ),
        _Language(
            "de",
            _table("dr prof hr hrn fr frl dipl dipl.-ing ing st mag"),
            _table(
                "z u d ca nr vgl bzw abs s str gartenstr hauptstr tel inkl zzgl evtl ggf sog "
                "geb gest bd jh jhd mio mrd ggü"
            ),
            "„»‚“",
            "“«‘”",
            ordinals=True,
            capitalised_nouns=True,
            starters=frozenset(
                _words(
                    """Der Die Das Den Dem Des Ein Eine Einen Es Er Sie Wir Ich Ihr Man Im In Am
                    Auf Aus Bei Mit Nach Seit Von Vor Zum Zur Auch Aber Doch Dann Damit Dabei
                    Daher Deshalb Nun So Wie Was Wer Wann Warum Zuvor Zudem Außerdem Heute
                    Gestern Dieser Diese Dieses"""
                )
            ),
        ),
        _Language(
            "fr",
            _table("m mm mme mmes mlle mlles dr pr me mgr st ste"),
            _table("av env cf p ex n° no vol chap fig art tél bd"),
            "«“‘",
            "»”’",
            starters=frozenset(
                _words(
                    """Le La Les Un Une Des Il Elle Ils Elles On Nous Je Ce Cette Ces En Dans Pour
                    Mais Selon Depuis Après Avant Au Aux Du Son Sa Ses Leur Leurs Hier Puis
                    Ainsi Alors"""
                )
            ),
        ),
        _Language(
            "it",
            _table("sig sigg sig.ra dott dott.ssa avv prof on ing arch geom rag gen col"),
            _table("es cfr pag pagg n art tel vol cap fig ca"),
            "«“‘",
            "»”’",
            starters=frozenset(
                _words(
                    """Il Lo La Gli Le I Un Una Uno In Per Ma Secondo Dopo Prima Questo Questa
                    Questi Queste Nel Nella Dal Dalla Al Alla Non Oggi Ieri Poi Così Anche"""
                )
            ),
        ),
        _Language(
            "nl",
            _table("dhr mevr mw mr dr prof ir ing drs st"),
            _table("bijv blz ca o.a nr d.w.z m.i.v mln mld tel vgl resp zgn"),
            "„“‘",
            "”’“",
            elided_starts=("’s ", "'s ", "’t ", "'t "),
            starters=frozenset(
                _words(
                    """De Het Een Dat Dit Deze Die Er Hij Zij Ze Wij We Ik In Op Met Voor Na Maar
                    Volgens Ook Toen Daarna Vandaag Gisteren"""
                )
            ),
        ),
        _Language(
            "pt",
            _table("sr sra srª dr dra prof profa eng eng.º d dª exmo exma"),
            _table("av p ex art n.º nº pág tel vol cap fig"),
            "«“‘",
            "»”’",
            starters=frozenset(
                _words(
                    """O A Os As Um Uma Em No Na Nos Nas Por Mas Segundo Depois Antes Este Esta
                    Isto Esse Essa Isso Ele Ela Eles Elas Hoje Ontem Também Ainda"""
                )
            ),
        ),
        _Language(
            "ar",
            _table("د أ م ع dr mr mrs prof"),
            _table("ص.ب ltd inc co corp"),
            "«“",
            "»”",
            attribution_words=tuple(
                _words(
                    """قال قالت يقول تقول أضاف أضافت يضيف تضيف سأل سألت تساءل تساءلت صرّح صرح صرحت
                أكد أكّد أكدت أوضح أوضحت أعلن أعلنت ردّ رد ردت ردّت صاح صاحت هتف هتفت كتب كتبت
                علّق علق علقت يتساءل تتساءل"""
                )
            ),
        ),
        _Language(
            "bg",
            _table("г-н г-жа г-ца проф инж д-р адв акад доц арх св"),
            _table("гр ул бул пл напр т.е т.нар вж ок млн млрд тел стр кв ж.к"),
            "„«",
            "“»",
            starters=frozenset(
                _words(
                    """Той Тя То Те Ние Аз Това Тази Този Тези В На За Но След Преди Според Днес
                    Вчера Утре Също Така Там"""
                )
            ),
        ),
    )
}
SUPPORTED_LANGUAGES = ("en", *_LANGUAGES)


def _language(code: str) -> _Language | None:
    """The tables of a language (None for English, which has its own rules and pysbd)."""
    if code == "en":
        return None
    if code not in _LANGUAGES:
        raise ValueError(
            f"unsupported language {code!r} for sentence splitting: "
            f"use one of {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return _LANGUAGES[code]


class _LanguageQuotes:
    """Whether a quotation is open at a position of a line, by a language's marks: an opener
    opens, a closer closes, a straight double quote toggles. Positions come in increasing
    order, so each mark is read once."""

    def __init__(self, line: str, language: _Language) -> None:
        self.line, self.language, self.pos, self.inside = line, language, 0, False

    def open_at(self, pos: int) -> bool:
        for mark in self.language.quote_marks.findall(self.line, self.pos, max(pos, self.pos)):
            if mark == '"':
                self.inside = not self.inside
            else:
                self.inside = mark in self.language.openers and not (
                    self.inside and mark in self.language.closers
                )
        self.pos = max(pos, self.pos)
        return self.inside


def _starts_sentence(following: str, language: _Language) -> bool:
    """Whether ``following`` opens like a sentence: a letter that is not lowercase (a capital,
    or a letter of a script without case), after any opening marks ("«¿Quién", "« Oui")."""
    i = 0
    while i < len(following) and i < 4 and following[i] in language.openers + "¿¡\"'(":
        i += 1
    if 0 < i < len(following) and following[i] in " \u00a0\u202f":
        i += 1  # « Oui »
    char = following[i : i + 1]
    return (
        (char.isalpha() and not char.islower())
        or char in "¿¡"
        or following.startswith(language.elided_starts)
    )


def _is_initials(word: str) -> bool:
    """ "J.-P", "A.M", "J.W": every part one capital letter."""
    parts = word.replace("-", "").split(".")
    return all(len(part) == 1 and part.isupper() for part in parts)


def _decide_in(c: _Candidate, language: _Language) -> int:
    """Whether a candidate ends a sentence in ``language`` (_SPLIT or _KEEP): its tables of
    titles and abbreviations, initials, ordinals, ellipses, quotation marks, attributions."""
    following, word = c.following, c.word
    first = following[0]
    if _DASH_START.match(following) or first.islower():
        return _KEEP  # "—preguntó", "« Oui ! » a crié", "aprox. cinco"
    quoted = any(mark in language.closers or mark == '"' for mark in c.closers)
    if quoted and language.attribution and language.attribution.match(following):
        return _KEEP  # «…؟» قال: in a script without capitals only the word tells
    if not _starts_sentence(following, language):
        return _KEEP  # a number, a symbol
    if c.mark == "…" or word.endswith(".."):
        return _KEEP if c.in_quote else _SPLIT  # an ellipsis ends a sentence before a capital
    if c.mark != ".":
        return _SPLIT
    if word.endswith("."):
        return _SPLIT  # "Canal St.." : the abbreviation's stop, then the sentence's
    base = word.replace("'", "’").rsplit("’", 1)[-1].lower()  # "l’av." -> "av"
    if not base:
        return _SPLIT
    starter = following.split(None, 1)[0] if following.split() else ""
    if base[-1].isdigit():
        if c.list_number:
            return _KEEP  # "2. Bring photo ID"
        if language.ordinals and base.isdigit() and len(base) <= 2:
            # "am 3. Oktober", "den 4. Platz", but "in der Bahnhofstr. 4. Das Amt"
            return _SPLIT if starter in language.starters else _KEEP
        return _SPLIT
    if len(base) == 1 and base.isalpha() and not c.after_number:
        return _KEEP  # an initial, "z. B.", "Г. Д." (but "2025 г.", "à 23 h." are units)
    if base in language.titles:
        return _KEEP
    if base in language.held:
        # "4,8 Mio. Der Rat", "5 mln. De gemeente": a unit ends a sentence before a capital
        # (in German, where nouns are capitalised, only before a sentence-opening word).
        unit = c.after_number and not language.capitalised_nouns
        return _SPLIT if unit or starter in language.starters else _KEEP
    if "." in base and _is_initials(word.rsplit("’", 1)[-1]):
        # "J.-P. Morel", "A.M. de Vries"; but "con Acme S.A. El contrato"
        return _SPLIT if starter in language.starters else _KEEP
    return _SPLIT


_GLUED_ANY = re.compile(r"(?<=[^\W_])[.!?؟](?=[^\W\d_])")


def _glued_cuts(line: str, language: _Language) -> list[int]:
    """Stops with no space after them that end a sentence, in any script: "en 1998.Desde",
    "عام 1998.ومنذ". Not inside an address or a file name, nor after an initial, a title or
    a held abbreviation, nor between capitals ("S.p.A", "U.S.A")."""
    cuts = []
    for match in _GLUED_ANY.finditer(line):
        pos = match.end()
        before, after, next_after = line[pos - 2], line[pos], line[pos + 1 : pos + 2]
        if before.isupper() or after.islower() or (after.isupper() and not next_after.islower()):
            continue
        if _is_address_stop(line, pos, max(0, pos - _TAIL), min(len(line), pos + _TAIL)):
            continue
        word = _token_before(line, pos - 1).lower()
        unit = line[max(0, pos - len(word) - 12) : pos - 1 - len(word)].rstrip()[-1:].isdigit()
        if (
            (len(word) <= 1 and not unit)
            or "." in word
            or word in language.titles
            or word in language.held
        ):
            continue
        cuts.append(pos)
    return cuts


def _scan_in(line: str, language: _Language) -> list[Span]:
    """Cut ``line`` at every boundary ``language``'s rules find: one pass, linear."""
    cuts: list[Span] = []
    quotes = _LanguageQuotes(line, language)
    start, token_from = 0, 0
    for match in language.candidate.finditer(line):
        mark_at, end = match.start(), match.end()
        after = _NEXT.match(line, end)
        following_at = after.end() if after else end
        # "« Oui ! » a crié": a closing guillemet after a space belongs to the mark.
        while following_at < len(line) and line[following_at] in language.spaced_closers:
            end = following_at + 1
            after = _NEXT.match(line, end)
            following_at = after.end() if after else end
        if following_at >= len(line):
            break
        if following_at == end:
            continue  # "?»," : the closer is followed by a comma, not a space
        head = line[token_from:mark_at].rsplit(None, 2)
        token = head[-1] if head else ""
        token_from = following_at
        candidate = _Candidate(
            word=token.lstrip(_OPENERS + language.openers + "¿¡"),
            mark=line[mark_at],
            closers=line[mark_at + 1 : end],
            following=line[following_at : following_at + _TAIL],
            in_quote=quotes.open_at(end),
            in_brackets=False,
            list_number=token[-1:].isdigit() and _is_list_number(line[start : mark_at + 1]),
            after_number=len(head) > 1 and head[-2][-1:].isdigit(),
        )
        if _decide_in(candidate, language) == _SPLIT:
            cuts.append((end, following_at))
            start = following_at
    pieces, start = [], 0
    for end, following_at in sorted(cuts + [(pos, pos) for pos in _glued_cuts(line, language)]):
        if end > start:
            pieces.append((start, end))
            start = following_at
    pieces.append((start, len(line)))
    return pieces


def split_line(line: str, *, max_chars: int = MAX_LINE_CHARS, language: str = "en") -> list[Span]:
    """(start, end) spans of the sentences of one line of text, whitespace trimmed.

    One linear scan proposes boundaries and factcheck's rules decide them; a piece where a
    rule cannot decide (an ellipsis, an unknown abbreviation before a capital, a list
    number...) goes to pysbd and the news repairs (``_split_line_pysbd``). A piece longer
    than ``max_chars`` is cut at safe places as before (``_chunks``), so no sentence is
    longer than ``4 * max_chars``. Offsets stay exact.
    """
    tables = _language(language)
    if not line.strip():
        return []
    if tables is not None:
        return _bounded(line, _scan_in(line, tables), max_chars)
    if _LINE_TO_PYSBD.search(line):  # lists, and characters pysbd is given as spaces
        return _split_line_pysbd(line, max_chars=max_chars)
    spans: list[Span] = []
    pieces, unsure = _scan(line)
    undecided = [match.start() for match in _UNDECIDED.finditer(line)]  # usually none
    for (start, end), doubt in zip(pieces, unsure, strict=True):
        if doubt or (
            undecided and bisect.bisect_left(undecided, start) < bisect.bisect_left(undecided, end)
        ):
            piece = line[start:end]
            spans.extend(
                (start + a, start + b) for a, b in _split_line_pysbd(piece, max_chars=max_chars)
            )
        else:
            spans.extend(_bounded(line, [(start, end)], max_chars))
    return spans


def _bounded(line: str, pieces: list[Span], max_chars: int) -> list[Span]:
    """The pieces trimmed, each longer than ``max_chars`` cut at safe places (``_chunks``):
    no sentence is longer than ``4 * max_chars``."""
    spans: list[Span] = []
    for start, end in pieces:
        if end - start > max_chars:
            for a, b in _chunks(line[start:end], max_chars):
                if trimmed := _trim(line, start + a, start + b):
                    spans.append(trimmed)
        elif trimmed := _trim(line, start, end):
            spans.append(trimmed)
    return spans


_LINE = re.compile(r"[^\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")


def split_spans(text: str, language: str = "en") -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of every sentence in ``text``; lines are split separately.

    Blank lines separate paragraphs. A text with no blank line at all (scraped text with
    one paragraph per line) has one paragraph per line.
    """
    spans = []
    last = len(text.rstrip())  # a blank line at the very end separates nothing
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text) if m.end() < last]
    if len(paragraph_starts) == 1:
        paragraph_starts = [m.start() for m in _LINE.finditer(text)] or [0]
        paragraph_starts[0] = 0
    paragraph = 0
    for match in _LINE.finditer(text):
        while (
            paragraph + 1 < len(paragraph_starts)
            and match.start() >= paragraph_starts[paragraph + 1]
        ):
            paragraph += 1
        base = match.start()
        for start, end in split_line(match.group(), language=language):
            spans.append((base + start, base + end, paragraph))
    return spans


class SourceEdit(Protocol):
    """What ``split_sentences`` needs of a recorded edit (``factcheck.cleaning.Edit``): the
    text span ``start``-``end`` replaced ``source_start``-``source_end`` of the source."""

    start: int
    end: int
    source_start: int
    source_end: int


class _SourceMap:
    """Maps offsets of a text onto its source through the edits that made it from it."""

    def __init__(self, edits: Sequence[SourceEdit]) -> None:
        self._edits = sorted(edits, key=lambda e: (e.start, e.end, e.source_start))
        self._starts = [edit.start for edit in self._edits]

    def _edit_before(self, pos: int) -> SourceEdit | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        # Deletions (empty replacements) at ``pos`` sort before a replacement at ``pos``,
        # and among themselves in source order: the last one is nearest the text.
        return self._edits[i] if i >= 0 else None

    def char(self, pos: int) -> tuple[int, int]:
        """Source span of the text character at ``pos``: itself, or the edit it came from."""
        edit = self._edit_before(pos)
        if edit is None:
            return pos, pos + 1
        if pos < edit.end:
            return edit.source_start, edit.source_end
        source = edit.source_end + pos - edit.end
        return source, source + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """(source_start, source_end) of the non-empty text span ``start``-``end``."""
        return self.char(start)[0], self.char(end - 1)[1]


def split_sentences(
    text: str,
    *,
    article_id: str = "",
    edits: Sequence[SourceEdit] = (),
    language: str = "en",
) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets slice back exactly from ``text``.

    Each line is its own segment (list items, subheadings); blank lines separate
    paragraphs (a text without blank lines has one paragraph per line). ``article_id``
    prefixes the stable sentence ids. ``edits`` are the recorded changes that made
    ``text`` from its source (``Article.edits``); each sentence's ``source_start`` and
    ``source_end`` are mapped through them (without edits, they equal start and end).
    """
    _language(language)  # an unsupported code fails here, even on an empty text
    source = _SourceMap(edits) if edits else None
    sentences = []
    for index, (start, end, paragraph) in enumerate(split_spans(text, language)):
        piece = text[start:end]
        source_start, source_end = source.span(start, end) if source else (start, end)
        sentences.append(
            Sentence(
                id=sentence_id(article_id, index, piece),
                index=index,
                start=start,
                end=end,
                text=piece,
                paragraph=paragraph,
                article_id=article_id,
                source_start=source_start,
                source_end=source_end,
            )
        )
    return sentences
