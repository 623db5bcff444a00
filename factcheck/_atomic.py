"""Atomic file replacement: an output is either the old file or the complete new one."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; once the block succeeds, fsync it and rename.

    If the block raises, the temporary file is removed and ``path`` is left untouched, so an
    error never truncates or half-writes an earlier result.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder; give a file name to write to", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    tmp.touch(exist_ok=False)  # created with the umask's permissions, like any new file
    try:
        if target.exists():
            shutil.copymode(target, tmp)  # replacing a file keeps its permissions
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see ``replacing``); returns the path."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
