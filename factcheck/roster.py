"""Class rosters: the names students may use in a session, with optional pseudonyms.

A roster is a CSV file with a ``name`` column and an optional ``pseudonym`` column (any
other columns, e.g. an LMS id, are ignored). Names are compared as ``log.annotator_key``
compares annotators, so "Ana", "ana " and NFD "José" are one student. A duplicate or an
empty row is an error naming its row, so the teacher fixes the file before class.
"""

from __future__ import annotations

import csv
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .log import annotator_key, annotator_slug, check_annotator
from .spreadsheet import FORMULA_START, unprotect_cell

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class RosterEntry:
    """One student of the roster; ``row`` is its line in the file (the header is line 1)."""

    name: str
    pseudonym: str
    row: int


@dataclass(frozen=True)
class Roster:
    """The students of a class, in the file's order."""

    entries: tuple[RosterEntry, ...]
    path: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.entries)

    def find(self, name: str) -> RosterEntry | None:
        """The entry for ``name`` (same annotator key), or None if it is not on the roster."""
        wanted = annotator_key(name.strip())
        return next((e for e in self.entries if annotator_key(e.name) == wanted), None)

    def pseudonyms(self) -> dict[str, str]:
        """Name -> pseudonym, for the students who have one."""
        return {e.name: e.pseudonym for e in self.entries if e.pseudonym}


def _name_problem(name: str) -> str:
    try:
        check_annotator(name)
        annotator_slug(name)
    except InputError:
        return "is not a usable name (use letters, digits, spaces, '.', '-' or '_')"
    if name.startswith(FORMULA_START):
        return "starts like a spreadsheet formula; start it with a letter or a digit"
    return ""


def read_roster(path: PathLike) -> Roster:
    """Read a roster CSV; a missing column, an empty row or a duplicate raises InputError."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text. Save the roster as CSV (UTF-8).") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}). Check the path.") from None
    if not rows:
        raise InputError(f"{path}: empty. Write a header line 'name' and one name per row.")
    header = [cell.strip().lower() for cell in rows[0]]
    if "name" not in header:
        raise InputError(
            f"{path}, row 1: no 'name' column (found {', '.join(rows[0]) or 'nothing'}). "
            "Put 'name' (and optionally 'pseudonym') on the first line."
        )
    at_name = header.index("name")
    at_pseudonym = header.index("pseudonym") if "pseudonym" in header else None
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    pseudonyms: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [unprotect_cell(cell).strip() for cell in row]
        name = cells[at_name] if at_name < len(cells) else ""
        if not name:
            what = "an empty row" if not any(cells) else "a row with no name"
            raise InputError(f"{path}, row {number}: {what}. Delete the row or write the name.")
        problem = _name_problem(name)
        if problem:
            raise InputError(f"{path}, row {number}: {name!r} {problem}. Correct the name.")
        key = annotator_key(name)
        if key in seen:
            raise InputError(
                f"{path}, row {number}: {name!r} is already on row {seen[key]}. Two students "
                "need two different names: add a surname or its initial."
            )
        seen[key] = number
        pseudonym = ""
        if at_pseudonym is not None and at_pseudonym < len(cells):
            pseudonym = cells[at_pseudonym]
        if pseudonym:
            if pseudonym in pseudonyms:
                raise InputError(
                    f"{path}, row {number}: pseudonym {pseudonym!r} is already on row "
                    f"{pseudonyms[pseudonym]}. Give each student their own."
                )
            pseudonyms[pseudonym] = number
        entries.append(RosterEntry(name, pseudonym, number))
    if not entries:
        raise InputError(f"{path}: no names after the header. Add one student per row.")
    return Roster(tuple(entries), str(path))


def join_code_matches(expected: str, typed: str) -> bool:
    """Whether a typed join code is the session's (case and surrounding spaces ignored)."""
    return hmac.compare_digest(
        expected.strip().casefold().encode(), (typed or "").strip().casefold().encode()
    )
