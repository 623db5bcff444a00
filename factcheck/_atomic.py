"""Atomic file replacement: an output is either the old file or the complete new one.

The temporary file sits beside the target as ``.<name>.<host>-<pid>-<random>.tmp``. A run
that was killed leaves it behind; the next write to the same target removes such leftovers
of its own naming when their process is gone (same host) or they are over an hour old.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STALE_AFTER_S = 3600.0  # a temporary file untouched this long belongs to no running write


def _host_tag() -> str:
    """6 hex digits naming this machine, so a pid is only judged on the host that owns it."""
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def _temp_pattern(name: str) -> re.Pattern[str]:
    """Exactly the names ``replacing`` gives temporary files for a target called ``name``."""
    return re.compile(rf"\.{re.escape(name)}\.(?:([0-9a-f]{{6}})-(\d+)-)?[0-9a-f]{{8}}\.tmp")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temporaries(target: Path, *, now: float | None = None) -> list[Path]:
    """Delete temporary files an interrupted ``replacing(target)`` left; returns them.

    Only regular files (not links) whose name matches the exact pattern for this target are
    considered; one is removed if its process (on this host) no longer runs, or if it has not
    been modified for ``STALE_AFTER_S``. Files of version 0.1 (no host or pid in the name)
    are removed by age only. Anything else in the folder is never touched.
    """
    pattern = _temp_pattern(target.name)
    now = time.time() if now is None else now
    host = _host_tag()
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            old = now - info.st_mtime > STALE_AFTER_S
            orphan = match.group(1) == host and not _pid_alive(int(match.group(2)))
            if old or orphan:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; once the block succeeds, fsync it and rename.

    If the block raises, the temporary file is removed and ``path`` is left untouched, so an
    error never truncates or half-writes an earlier result. An OSError while writing (a full
    disk, a file size limit) is raised again naming ``path``, not the temporary file.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder; give a file name to write to", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    tmp = target.with_name(f".{target.name}.{_host_tag()}-{os.getpid()}-{secrets.token_hex(4)}.tmp")
    tmp.touch(exist_ok=False)  # created with the umask's permissions, like any new file
    try:
        if target.exists():
            shutil.copymode(target, tmp)  # replacing a file keeps its permissions
        try:
            yield tmp
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            if exc.filename not in (None, str(tmp), tmp):
                raise
            reason = exc.strerror or str(exc) or "write failed"
            if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                reason += " (the disk or your quota is full, or the file is over a size limit)"
            raise OSError(
                exc.errno,
                f"{reason}; it was not written and any earlier version is unchanged. Free "
                "some space and run again",
                str(target),
            ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see ``replacing``); returns the path."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
