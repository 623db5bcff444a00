"""Small append-only JSON-lines records (queue choices, provenance): one fsynced line each."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .errors import InputError

T = TypeVar("T")


def append_line(path: str | os.PathLike[str], record: dict[str, Any]) -> None:
    """Append ``record`` as one JSON line; it is on disk when this returns (OSError if not)."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_lines(
    path: str | os.PathLike[str], build: Callable[..., T], *, what: str, advice: str
) -> list[T]:
    """Every complete line of ``path`` as ``build(**fields)``, in order; [] if there is none.

    A last line without its newline (a write cut short) is ignored: it was never acknowledged.
    A bad line is an InputError naming the file and line, then ``advice``.
    """
    target = Path(path)
    if not target.exists():
        return []
    complete = target.read_text(encoding="utf-8").split("\n")[:-1]
    found = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            found.append(build(**json.loads(line)))
        except (ValueError, TypeError) as exc:
            raise InputError(f"{target}, line {number}: not {what} ({exc}). {advice}") from None
    return found
