"""Languages: the registry of languages factcheck knows, codes, detection and direction.

An article's language is an ISO 639-1 code (``"es"``), given by the user (an argument, a
corpus ``language`` column), declared by the page (``<html lang="es-ES">``) or detected
from the text with py3langid (BSD-3-Clause, its model ships inside the wheel: no network).
Detection never overrides a given language; ``LanguageChoice.source`` records which it was.

Direction: Arabic, Persian, Urdu, Hebrew (and the other right-to-left scripts) are shown
right to left. ``text_direction`` decides per text, from the language when it is known and
otherwise from the first strong character (as HTML's ``dir="auto"`` does), so a sentence
that is mostly Arabic but starts with a Latin name still reads right to left.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from .errors import InputError

__all__ = [
    "LANGUAGES",
    "RTL_LANGUAGES",
    "Language",
    "LanguageChoice",
    "block_direction",
    "choose_language",
    "detect_language",
    "direction_of",
    "first_strong_direction",
    "isolate",
    "normalise_language",
    "text_direction",
]


@dataclass(frozen=True)
class Language:
    """One known language: ISO 639-1 code, English and own name, writing direction."""

    code: str
    name: str
    native: str
    direction: str = "ltr"


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "English"),
        Language("es", "Spanish", "español"),
        Language("de", "German", "Deutsch"),
        Language("fr", "French", "français"),
        Language("it", "Italian", "italiano"),
        Language("nl", "Dutch", "Nederlands"),
        Language("pt", "Portuguese", "português"),
        Language("bg", "Bulgarian", "български"),
        Language("ar", "Arabic", "العربية", "rtl"),
        Language("fa", "Persian", "فارسی", "rtl"),
        Language("ur", "Urdu", "اردو", "rtl"),
        Language("he", "Hebrew", "עברית", "rtl"),
    )
}
"""The languages with cleaning rules, splitting rules or UI text; any other ISO 639-1 code
is accepted too (it is split and cleaned as English, and shown by its script's direction)."""

RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "yi", "ps", "sd", "ug", "dv", "ku", "ckb"})
"""ISO 639-1 codes (and ``ckb``) written right to left."""

DEFAULT_LANGUAGE = "en"
# "es", "ES", "es-ES", "es_ES", "pt-BR", "zh-Hant-TW": a 2-letter primary subtag and more.
_TAG = re.compile(r"^(?P<primary>[A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
# The old Hebrew and Yiddish codes some pages still declare.
_ALIASES = {"iw": "he", "ji": "yi", "in": "id", "ara": "ar", "spa": "es", "eng": "en"}
# The first 500 characters: every gold passage and sentence is identified right from them, at
# 0.36 ms an article (2,000 characters take 1.5 ms, twice what splitting the article costs).
DETECT_CHARS = 500
MIN_CONFIDENCE = 0.2  # below it py3langid is guessing ("Fine text." -> "ext", 4 %): bench_langid.py


@dataclass(frozen=True)
class LanguageChoice:
    """An article's language and where it came from: ``"given"`` (an argument or a corpus
    column), ``"html"`` (the page's ``<html lang>``), ``"detected"`` (with ``confidence``)
    or ``"default"`` (English, when detection was unsure)."""

    code: str
    source: str
    confidence: float = 1.0


def normalise_language(tag: str, *, where: str = "language") -> str:
    """The ISO 639-1 code of a language tag (``"es-ES"`` -> ``"es"``); InputError if it is
    not one. ``where`` names the file or argument in the message."""
    match = _TAG.match(str(tag).strip())
    code = match.group("primary").lower() if match else ""
    code = _ALIASES.get(code, code)
    if len(code) != 2 and code != "ckb":
        raise InputError(
            f"{where}: {tag!r} is not a language code. Give an ISO 639-1 code such as "
            f"{', '.join(sorted(LANGUAGES))} (a regional tag like 'es-ES' is fine)."
        )
    return code


_MODEL: list = []  # py3langid's identifier, once loaded
_MODEL_LOCK = threading.Lock()


def _identifier():
    """py3langid's identifier with probabilities normalised to 0-1, loaded once (0.4-0.5 s:
    its model is LZMA-compressed); a thread meeting a load under way (the widget splits the
    next article in the background) waits for it instead of loading it twice."""
    if not _MODEL:
        with _MODEL_LOCK:
            if not _MODEL:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _MODEL.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
    return _MODEL[0]


def preload_model() -> None:
    """Start loading the language model in a background thread (LZMA decompression releases
    the GIL), so the first article detected does not wait for all of it; a no-op once loaded
    or loading. Opening a corpus file calls it: measured on 100,000 rows, the widget builds
    in 1.08-1.26 s instead of 1.49-1.61 s, the model loading while the rows are scanned."""
    if not _MODEL and not _MODEL_LOCK.locked():
        threading.Thread(target=_identifier, name="factcheck-language-model", daemon=True).start()


def detect_language(text: str) -> LanguageChoice:
    """The language of ``text`` as py3langid guesses it from its first 500 characters.

    An unsure guess (confidence below ``MIN_CONFIDENCE``: a few words, a list of names) or
    text without letters gives the default, English, with ``source="default"``: English
    articles are split and cleaned as before, and the log shows the language was not known.
    """
    sample = text[:DETECT_CHARS]
    if not any(char.isalpha() for char in sample):
        return LanguageChoice(DEFAULT_LANGUAGE, "default", 0.0)
    code, confidence = _identifier().classify(sample)
    code = _ALIASES.get(code, code)
    confidence = round(float(confidence), 4)
    if confidence < MIN_CONFIDENCE or not (len(code) == 2 and code.isalpha()):
        return LanguageChoice(DEFAULT_LANGUAGE, "default", confidence)
    return LanguageChoice(code, "detected", confidence)


def choose_language(
    text: str, *, given: str | None = None, declared: str | None = None, where: str = "language"
) -> LanguageChoice:
    """The article's language: ``given`` wins, then the page's ``declared`` ``<html lang>``,
    then detection from ``text``. A bad given code is an InputError naming ``where``; a bad
    declared one is ignored (pages carry template junk such as ``lang="{{locale}}"``)."""
    if given:
        return LanguageChoice(normalise_language(given, where=where), "given")
    if declared:
        try:
            return LanguageChoice(normalise_language(declared, where=where), "html")
        except InputError:
            pass
    return detect_language(text)


def direction_of(language: str) -> str:
    """``"rtl"`` for a language written right to left, else ``"ltr"``."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def first_strong_direction(text: str) -> str | None:
    """The direction of the first strongly directional character (Unicode bidi classes L,
    R and AL), as ``dir="auto"`` decides; None when there is none (digits, punctuation)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def text_direction(text: str, language: str = "") -> str:
    """The direction to show ``text`` in. In a right-to-left article: rtl, unless the text
    has no right-to-left letter at all (a quoted English sentence). Otherwise that of the
    first strong character, as ``dir="auto"`` (an English article may quote Arabic)."""
    strong = first_strong_direction(text)
    if language in RTL_LANGUAGES:
        return "rtl" if strong is None or _has_rtl(text) else strong
    return strong or "ltr"


def block_direction(texts: list[str] | tuple[str, ...], language: str = "") -> str:
    """The direction of a block of sentences (a paragraph of the report): rtl when the
    language is, or when most of its sentences read right to left."""
    if language in RTL_LANGUAGES:
        return "rtl"
    rtl = sum(text_direction(text) == "rtl" for text in texts)
    return "rtl" if texts and rtl * 2 > len(texts) else "ltr"


RLI, PDI = "\u2067", "\u2069"  # right-to-left isolate ... pop directional isolate


def isolate(text: str, language: str = "") -> str:
    """``text`` wrapped in Unicode isolates (RLI ... PDI) when it reads right to left, for
    places that take plain text, not HTML (chart labels and tooltips): an Arabic sentence
    after "art #3: " keeps its full stop at its left end. Left-to-right text is unchanged."""
    return f"{RLI}{text}{PDI}" if text and text_direction(text, language) == "rtl" else text
