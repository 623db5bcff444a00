"""Atomic replacement of output files: all or nothing, with ordinary permissions."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from factcheck._atomic import STALE_AFTER_S, _host_tag, replacing, write_bytes_atomic


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_file_gets_the_umask_permissions(tmp_path):
    """Test that a new output is readable by others as any new file would be (not 0600)."""
    old = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "out.csv", b"a\n")
    finally:
        os.umask(old)
    assert mode(tmp_path / "out.csv") == 0o644


def test_replacing_keeps_the_old_file_permissions(tmp_path):
    """Test that replacing an existing file keeps its mode."""
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    target.chmod(0o664)
    write_bytes_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n" and mode(target) == 0o664


def test_an_error_leaves_the_old_file_and_no_temporary_file(tmp_path):
    """Test that a failure inside the block keeps the earlier file byte for byte."""
    target = tmp_path / "out.csv"
    target.write_bytes(b"precious\n")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_folder_as_target_is_named_in_the_error(tmp_path):
    """Test that writing to a folder names the folder, not a hidden temporary file."""
    with pytest.raises(IsADirectoryError, match="is a folder") as info:
        write_bytes_atomic(tmp_path, b"x")
    assert info.value.filename == str(tmp_path)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_files_of_our_naming_are_removed_and_nothing_else(tmp_path):
    """Test that a new write removes temporaries left by dead or long-gone writes of the same
    target, and keeps live ones, other targets' ones, look-alikes and links."""
    target = tmp_path / "out.csv"
    host = _host_tag()
    hour_ago = time.time() - STALE_AFTER_S - 60
    dead = tmp_path / f".out.csv.{host}-{_dead_pid()}-0123abcd.tmp"
    live = tmp_path / f".out.csv.{host}-{os.getpid()}-89abcdef.tmp"
    old_style_old = tmp_path / ".out.csv.deadbeef.tmp"
    old_style_new = tmp_path / ".out.csv.feedface.tmp"
    other = "000000" if host != "000000" else "111111"  # another machine sharing the folder
    other_host_old = tmp_path / f".out.csv.{other}-{_dead_pid()}-aaaaaaaa.tmp"
    other_host_new = tmp_path / f".out.csv.{other}-{_dead_pid()}-bbbbbbbb.tmp"
    other_target = tmp_path / ".other.csv.cafebabe.tmp"
    look_alikes = [tmp_path / ".out.csv.notes.tmp", tmp_path / "out.csv.bak"]
    for path in [dead, live, old_style_old, old_style_new, other_host_old, other_host_new]:
        path.write_bytes(b"partial")
    for path in [other_target, *look_alikes]:
        path.write_bytes(b"keep")
    for path in (old_style_old, other_host_old, other_target, *look_alikes):
        os.utime(path, (hour_ago, hour_ago))
    link = tmp_path / f".out.csv.{host}-{_dead_pid()}-cccccccc.tmp"
    link.symlink_to(other_target)
    write_bytes_atomic(target, b"new\n")
    left = {p.name for p in tmp_path.iterdir()}
    assert target.read_bytes() == b"new\n"
    assert not {dead.name, old_style_old.name, other_host_old.name} & left
    assert {live.name, old_style_new.name, other_host_new.name, other_target.name} <= left
    assert link.name in left
    assert {p.name for p in look_alikes} <= left
    assert other_target.read_bytes() == b"keep"


KILLED_WRITER = r"""
import os, signal, sys
from factcheck._atomic import replacing
with replacing(sys.argv[1]) as tmp:
    tmp.write_bytes(b"half an export")
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_write_leaves_a_temporary_file_that_the_next_write_removes(tmp_path):
    """Test that a writer killed mid-export leaves only its temporary file, and the next run
    removes it (its process is gone) while writing the target."""
    target = tmp_path / "export.csv"
    target.write_bytes(b"earlier export\n")
    child = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)], check=False)
    assert child.returncode == -signal.SIGKILL
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].read_bytes() == b"half an export"
    assert target.read_bytes() == b"earlier export\n"
    write_bytes_atomic(target, b"new export\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


DISK_FULL = r"""
import json, os, resource, sys
from factcheck._atomic import write_bytes_atomic
target = sys.argv[1]
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
try:
    write_bytes_atomic(target, b"x" * 5000)
    print(json.dumps(None))
except OSError as exc:
    print(json.dumps({"filename": exc.filename, "strerror": exc.strerror, "errno": exc.errno}))
"""


def test_a_full_disk_raises_oserror_naming_the_destination(tmp_path):
    """Test that a write cut short by a file size limit (standing in for a full disk) raises
    OSError whose filename is the output, not the temporary file, and keeps the old file."""
    target = tmp_path / "export.csv"
    target.write_bytes(b"earlier export\n")
    output = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(target)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    error = json.loads(output)
    assert error is not None
    assert error["filename"] == str(target)
    assert error["errno"] == errno.EFBIG
    assert "size limit" in error["strerror"] and "not written" in error["strerror"]
    assert target.read_bytes() == b"earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_an_input_error_inside_the_block_keeps_its_own_file_name(tmp_path):
    """Test that an OSError about another file (e.g. a missing input) is not renamed."""
    with pytest.raises(FileNotFoundError) as info, replacing(tmp_path / "out.csv"):
        (tmp_path / "missing-input.csv").read_bytes()
    assert info.value.filename == str(tmp_path / "missing-input.csv")
