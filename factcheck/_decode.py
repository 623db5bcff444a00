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


_CHUNK_BYTES = 1 << 20


def _first_error(path: Path, encoding: str) -> tuple[int | None, bool]:
    """Where ``path`` first fails to decode as ``encoding`` (a byte offset, or None), and
    whether it holds only whitespace. One pass in chunks: memory does not grow with the file."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, blank = 0, True
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(_CHUNK_BYTES)
            pending = len(decoder.getstate()[0])  # bytes of a character cut by the last chunk
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return offset - pending + exc.start, blank
            blank = blank and not text.strip()
            if not chunk:
                return None, blank
            offset += len(chunk)


def stream_encoding(path: Path) -> str:
    """The encoding ``decode_bytes`` would use for the whole of ``path``, found without
    holding the file in memory (a first pass over it); the same errors and warnings.

    Raises InputError naming ``path`` for binary data, text that fits no encoding, and a
    file that is empty or blank.
    """
    with path.open("rb") as stream:
        head = stream.read(8192)
    candidates = [encoding for bom, encoding in _BOMS if head.startswith(bom)]
    blank = True
    for encoding in candidates:
        error, blank = _first_error(path, encoding)
        if error is None:
            break
        if encoding == candidates[-1]:
            tried = " or ".join(e.upper() for e in candidates)
            raise InputError(
                f"{path}: starts with a {tried} byte-order mark but byte {error} is "
                f"not valid {encoding.upper()}. Re-save the file as UTF-8."
            )
    else:
        if b"\x00" in head:
            raise InputError(
                f"{path}: looks like a binary file (it contains NUL bytes), not an article. "
                "Give a .txt, .md, .html, .csv or .jsonl file saved as text."
            )
        encoding = "utf-8"
        utf8_error, blank = _first_error(path, "utf-8")
        if utf8_error is not None:
            encoding = "cp1252"
            cp1252_error, blank = _first_error(path, "cp1252")
            if cp1252_error is not None:
                raise InputError(
                    f"{path}: byte {utf8_error} is neither UTF-8 nor Windows-1252 text. "
                    "Re-save the file as UTF-8."
                )
            warnings.warn(
                f"{path}: not valid UTF-8 (byte {utf8_error}); read it as Windows-1252. "
                "Re-save it as UTF-8 to silence this warning.",
                InputWarning,
                stacklevel=3,
            )
    if blank:
        raise InputError(f"{path}: the file is empty. Save the article text into it first.")
    return encoding
