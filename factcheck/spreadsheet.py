"""Formula-safe cells for files people open in a spreadsheet (OWASP CSV injection).

A cell starting with ``= + - @`` TAB or CR is run as a formula by Excel, LibreOffice and
Google Sheets, so article text such as ``=HYPERLINK(...)`` could run on a reader's machine.
``protect_cell`` puts a ``'`` before such a cell (spreadsheets show it as text); it is
reversible: ``unprotect_cell(protect_cell(t)) == t`` for every string, so files written
safe still read back exactly.
"""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""
_ESCAPED_START = (*FORMULA_START, "'")


def protect_cell(text: str) -> str:
    """``text`` safe to open in a spreadsheet: a ``'`` added before = + - @ TAB or CR.

    A cell that ``unprotect_cell`` would change (``'`` then one of those or another ``'``)
    gets one too, so reading is exact; ``'Tis`` and all other cells are written unchanged.
    """
    if text.startswith(FORMULA_START) or unprotect_cell(text) != text:
        return "'" + text
    return text


def unprotect_cell(text: str) -> str:
    """The original text of a protected cell: the ``'`` that ``protect_cell`` added dropped."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1] in _ESCAPED_START else text


def protect_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text columns went through ``protect_cell``; numbers are kept."""
    out = df.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_string_dtype(column) or column.dtype == object:
            out[name] = column.map(lambda v: protect_cell(v) if isinstance(v, str) else v)
    return out
