"""The log's durability promise, checked at the system-call level: a label is fsynced before
``record()`` returns.

A real labelling process runs under ``strace``; the test finds the log's file descriptor
from its ``openat`` and checks that ``fsync``/``fdatasync`` on it comes after the row's
``write`` and before the child prints that ``record()`` returned. Without strace the test
skips outside CI and fails in CI (``CI=true``), where strace must be installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = r"""
import os, sys
from factcheck.log import AnnotationLog
from factcheck.sentences import Sentence

text = 'The council approved the budget, "7 votes to 2".'
log = AnnotationLog(sys.argv[1], annotator="ana")
for index in range(3):
    sentence = Sentence(f"a1-{index:04d}", index, 0, len(text), text, article_id="a1")
    log.record(sentence, "verified", note="minutes, p. 4")
    os.write(1, f"RETURNED-{index}\n".encode())
"""

SYSCALL = re.compile(r"^(?:\[pid\s+\d+\]\s+|\d+\s+)?(\w+)\((.*)$")


def _strace() -> str:
    path = shutil.which("strace")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("strace is not installed; CI must install it (apt-get install strace)")
        pytest.skip("strace is not installed; install it to check fsync ordering")
    return path


def _trace(tmp_path: Path) -> tuple[Path, list[tuple[str, str]]]:
    """Run the child under strace; the log path and the (syscall, rest of line) sequence."""
    log = tmp_path / "ana.csv"
    trace = tmp_path / "trace.txt"
    subprocess.run(
        [
            _strace(),
            "-f",
            "-qq",
            "-s",
            "200",
            "-e",
            "trace=openat,open,write,pwrite64,fsync,fdatasync",
            "-o",
            str(trace),
            sys.executable,
            "-c",
            CHILD,
            str(log),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    calls = []
    for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
        match = SYSCALL.match(line)
        if match:
            calls.append((match.group(1), match.group(2)))
    return log, calls


def test_every_label_is_fsynced_after_its_write_and_before_record_returns(tmp_path):
    """Test that each record() writes the row to the log's fd, then fsyncs that fd, and only
    then returns (the child prints RETURNED-n after record() returns)."""
    log, calls = _trace(tmp_path)
    log_fds: set[str] = set()
    pending_write = False
    synced = False
    returned = []
    for name, rest in calls:
        if name in ("openat", "open") and f'"{log}"' in rest:
            fd = rest.rsplit("=", 1)[-1].strip().split()[0]
            if fd.isdigit():
                log_fds.add(fd)
        fd = re.match(r"\s*(\w*)", rest).group(1)  # the first argument
        if name in ("write", "pwrite64") and fd in log_fds and "factcheck-log/2" in rest:
            pending_write, synced = True, False
        elif name in ("fsync", "fdatasync") and fd in log_fds and pending_write:
            synced = True
        elif name == "write" and fd == "1" and "RETURNED-" in rest:
            assert pending_write, f"record() returned without writing to {log}: {calls}"
            assert synced, f"record() returned before fsync of {log}'s file descriptor"
            returned.append(rest)
            pending_write = synced = False
    assert log_fds, f"the child never opened {log}"
    assert len(returned) == 3
    assert log.read_text(encoding="utf-8").count("factcheck-log/2,") == 3
