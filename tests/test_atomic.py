"""Atomic replacement of output files: all or nothing, with ordinary permissions."""

from __future__ import annotations

import os
import stat

import pytest

from factcheck._atomic import replacing, write_bytes_atomic


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
