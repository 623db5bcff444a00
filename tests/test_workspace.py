"""The working folder of `factcheck lab`: bundled notebooks copied once, edits never lost."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import factcheck
from factcheck.cli import lab_command
from factcheck.errors import InputError
from factcheck.workspace import MANIFEST_NAME, bundled_notebooks, prepare_workspace

ROOT = Path(__file__).resolve().parent.parent


def _bundle(folder: Path, **notebooks: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in notebooks.items():
        (folder / f"{name}.ipynb").write_text(text, encoding="utf-8")
    return folder


def test_bundled_notebooks_include_the_labelling_notebook():
    """Test that factcheck finds its notebooks (the checkout's here, package data in a wheel)."""
    assert (bundled_notebooks() / "01-label-articles.ipynb").is_file()


def test_first_run_copies_every_bundled_notebook(tmp_path):
    """Test that an empty working folder receives every bundled notebook, byte for byte."""
    work = prepare_workspace(tmp_path / "work")
    copied = sorted(p.name for p in work.folder.glob("*.ipynb"))
    assert copied == sorted(p.name for p in bundled_notebooks().glob("*.ipynb"))
    assert "01-label-articles.ipynb" in work.copied
    for name in copied:
        assert (work.folder / name).read_bytes() == (bundled_notebooks() / name).read_bytes()


def test_an_edited_copy_is_kept_when_the_bundle_changes(tmp_path):
    """Test that a notebook the user edited is never overwritten, even by a new version."""
    source = _bundle(tmp_path / "v1", label="version 1")
    prepare_workspace(tmp_path / "work", source)
    (tmp_path / "work" / "label.ipynb").write_text("my edits", encoding="utf-8")
    _bundle(source, label="version 2")
    work = prepare_workspace(tmp_path / "work", source)
    assert work.kept_edited == ["label.ipynb"]
    assert (tmp_path / "work" / "label.ipynb").read_text(encoding="utf-8") == "my edits"


def test_an_unedited_copy_follows_an_upgrade(tmp_path):
    """Test that a copy the user never touched is refreshed to the new bundled version."""
    source = _bundle(tmp_path / "v1", label="version 1")
    prepare_workspace(tmp_path / "work", source)
    _bundle(source, label="version 2")
    work = prepare_workspace(tmp_path / "work", source)
    assert work.updated == ["label.ipynb"]
    assert (tmp_path / "work" / "label.ipynb").read_text(encoding="utf-8") == "version 2"
    manifest = json.loads((tmp_path / "work" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(manifest) == {"label.ipynb"}


def test_a_file_in_place_of_the_folder_is_refused(tmp_path):
    """Test that a working folder path naming a file is an InputError, and the file stays."""
    (tmp_path / "work").write_text("precious", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder"):
        prepare_workspace(tmp_path / "work")
    assert (tmp_path / "work").read_text(encoding="utf-8") == "precious"


def test_lab_command_as_root_adds_allow_root_once(tmp_path):
    """Test that as root JupyterLab gets --allow-root (once), and not otherwise."""
    (tmp_path / "01.ipynb").write_text("{}", encoding="utf-8")
    as_root = lab_command(tmp_path, "01.ipynb", ["--no-browser"], as_root=True)
    assert as_root[:3] == [sys.executable, "-m", "jupyterlab"]
    assert as_root.count("--allow-root") == 1 and str(tmp_path / "01.ipynb") in as_root
    passed = lab_command(tmp_path, None, ["--allow-root"], as_root=True)
    assert passed.count("--allow-root") == 1
    assert "--allow-root" not in lab_command(tmp_path, None, [], as_root=False)


def test_examples_path_holds_the_three_annotators_logs():
    """Test that the bundled example logs read back with several annotators."""
    df = factcheck.read_annotations(factcheck.examples_path())
    assert {"ana", "ben", "chloe"} <= set(df["annotator"])
