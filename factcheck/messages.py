"""Messages: the widget's own words in the user's language, from gettext catalogues.

The English text is the message id, so English is always complete; other languages live in
``factcheck/locale/<code>/LC_MESSAGES/factcheck.po`` (Spanish as the example), compiled to the
``.mo`` files beside them that the wheel ships and the stdlib ``gettext`` reads (no network,
no extra dependency at run time). After editing a ``.po``, rebuild the ``.mo`` files with
``python -m factcheck.messages`` (it uses babel, which JupyterLab already installs);
tests/test_messages.py fails while a ``.mo`` is out of date.

Choosing the language: ``Annotator(..., ui_language="es")``; without it, the first of the
``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` environment variables that names a
language with a catalogue (``es_ES.UTF-8`` -> ``es``), else English.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

from .language import normalise_language

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "factcheck"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

Translate = Callable[[str], str]


def catalogue_path(language: str, suffix: str = ".po") -> Path:
    """Where the catalogue of ``language`` lives (``.po`` source or compiled ``.mo``)."""
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def ui_languages() -> tuple[str, ...]:
    """The languages the widget can speak: English and every language with a catalogue."""
    found = sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return ("en", *found)


def ui_language(requested: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The widget's language: ``requested`` (an ISO 639-1 code; InputError if it is none),
    else the first locale variable naming a language with a catalogue, else ``"en"``.
    A requested language without a catalogue is kept: its strings fall back to English."""
    if requested:
        return normalise_language(requested, where="ui_language=")
    environ = os.environ if environ is None else environ
    known = ui_languages()
    for name in ENVIRONMENT:
        for tag in environ.get(name, "").split(":"):  # LANGUAGE may be "es:en"
            primary = tag.split(".")[0].split("@")[0]
            code = primary.split("_")[0].split("-")[0].lower()
            if code in known:
                return code
    return "en"


@lru_cache(maxsize=16)
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language`` (English text where it has none)."""
    return gettext.translation(DOMAIN, LOCALE, languages=[language], fallback=True)


def translator(language: str | None = None) -> Translate:
    """A function from an English message to the same message in ``language``."""
    return translations(ui_language(language)).gettext


def english(message: str) -> str:
    """The identity translation: English messages as they are."""
    return message


def compile_catalogues() -> list[Path]:
    """Compile every ``.po`` under ``factcheck/locale`` to its ``.mo`` (development only)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as source:
            catalogue = read_po(source)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalogue)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"wrote {path}")
