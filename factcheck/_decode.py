"""Turn the bytes of an article file into text: BOMs, UTF-8, Windows-1252 fallback, binaries."""

from __future__ import annotations

import codecs
import warnings
from pathlib import Path

from .errors import InputError, InputWarning

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, source: str | Path) -> str:
    """Decode article bytes: BOM first, then UTF-8, then Windows-1252 (with a warning).

    Raises InputError naming ``source`` for binary data and text that fits no encoding.
    """
    candidates = [encoding for bom, encoding in _BOMS if data.startswith(bom)]
    # FF FE 00 00 is the UTF-32LE mark, or the UTF-16LE mark and a U+0000: try both.
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == candidates[-1]:
                tried = " or ".join(e.upper() for e in candidates)
                raise InputError(
                    f"{source}: starts with a {tried} byte-order mark but byte {exc.start} is "
                    f"not valid {encoding.upper()}. Re-save the file as UTF-8."
                ) from None
    if b"\x00" in data[:8192]:
        raise InputError(
            f"{source}: looks like a binary file (it contains NUL bytes), not an article. "
            "Give a .txt, .md, .html, .csv or .jsonl file saved as text."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            f"{source}: byte {utf8_error.start} is neither UTF-8 nor Windows-1252 text. "
            "Re-save the file as UTF-8."
        ) from None
    warnings.warn(
        f"{source}: not valid UTF-8 (byte {utf8_error.start}); read it as Windows-1252. "
        "Re-save it as UTF-8 to silence this warning.",
        InputWarning,
        stacklevel=3,
    )
    return text


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets are the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
