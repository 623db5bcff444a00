"""Messages: the widget's own words in the user's language, from gettext catalogues.

The English text is the message id, so English is always complete; other languages live in
``factcheck/locale/<code>/LC_MESSAGES/factcheck.po`` (Spanish as the example), compiled to the
``.mo`` files beside them that the wheel ships and the stdlib ``gettext`` reads (no network,
no extra dependency at run time). ``python -m factcheck.messages`` (development only: it uses
babel, which JupyterLab already installs) extracts every message of ``SOURCES`` into
``factcheck.pot``, brings each ``.po`` up to date with it (new messages empty, gone ones
dropped, translations kept) and compiles the ``.mo`` files; tests/test_messages.py fails while
a message is untranslated or a ``.mo`` is out of date.

In the code a message is ``_("...")`` (or ``self._t("...")``, ``translate("...")``) with named
``{fields}`` filled by ``.format`` after translation; ``N_("...")`` marks a constant that is
translated where it is shown. Functions that build texts take ``translate: Translate =
english``, so they stay pure and English by default.

Choosing the language: ``Annotator(..., ui_language="es")``; without it, the first of the
``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` environment variables that names a
language with a catalogue (``es_ES.UTF-8`` -> ``es``), else English.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from .language import normalise_language

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "factcheck"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

Translate = Callable[[str], str]

# The modules whose messages are in the catalogue, and the call names that mark a message.
SOURCES = (
    "annotator.py",
    "_widgets.py",
    "_escape.py",
    "session.py",
    "_evidence_form.py",
    "adjudicator.py",
    "student.py",
    "student_mode.py",
    "suggest.py",
    "queues.py",
)
KEYWORDS = {"_": None, "_t": None, "translate": None, "N_": None}


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


def N_(message: str) -> str:
    """Mark a constant message for the catalogue; it is translated where it is shown."""
    return message


def extracted_messages() -> list[str]:
    """Every message the ``SOURCES`` ask for, in the order they appear (development only)."""
    from babel.messages.extract import extract_from_file

    found: dict[str, None] = {}
    for name in SOURCES:
        path = Path(__file__).parent / name
        for _line, message, _comments, _context in extract_from_file(
            "python", path, keywords=KEYWORDS
        ):
            first = message if isinstance(message, str) else (list(message) or [None])[0]
            if first:  # _(variable) has no literal: such constants are marked with N_
                found.setdefault(first, None)
    return list(found)


def _quoted(text: str) -> str:
    """``text`` as a .po string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _header(path: Path) -> str:
    """The header block of a catalogue file (comments and the ``msgid ""`` entry)."""
    text = path.read_text(encoding="utf-8")
    return text.split("\n\n", 1)[0]


def catalogue_text(header: str, entries: Iterable[tuple[str, str]]) -> str:
    """A .po/.pot file: the header, then one ``msgid``/``msgstr`` pair per message."""
    body = "".join(f"\nmsgid {_quoted(i)}\nmsgstr {_quoted(s)}\n" for i, s in entries)
    return header + "\n" + body


def update_catalogues() -> list[Path]:
    """Write ``factcheck.pot`` from the sources and bring every ``.po`` up to date with it:
    translations kept, new messages empty, messages no longer asked for dropped."""
    from babel.messages.pofile import read_po

    wanted = extracted_messages()
    template = LOCALE / f"{DOMAIN}.pot"
    template.write_text(
        catalogue_text(_header(template), ((m, "") for m in wanted)), encoding="utf-8"
    )
    written = [template]
    for po in sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as source:
            known = {m.id: m.string for m in read_po(source) if m.id}
        entries = ((m, str(known.get(m, "") or "")) for m in wanted)
        po.write_text(catalogue_text(_header(po), entries), encoding="utf-8")
        written.append(po)
    return written


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
    for path in [*update_catalogues(), *compile_catalogues()]:
        print(f"wrote {path}")
