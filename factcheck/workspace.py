"""The user's working folder for ``factcheck lab``: the bundled notebooks, copied once.

An installed factcheck carries its notebooks as package data (``factcheck/data/notebooks``,
put there at build time from the project's ``notebooks/``); a source checkout uses
``notebooks/`` itself. ``prepare_workspace`` copies them into a folder the user owns and never
overwrites a copy the user has edited: a manifest remembers the hash of each file as copied,
so an unedited copy is refreshed when factcheck is upgraded and an edited one is kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ._atomic import replacing
from .errors import InputError

_PACKAGE = Path(__file__).resolve().parent
MANIFEST_NAME = ".factcheck-notebooks.json"
DEFAULT_FOLDER = "factcheck-notebooks"
BUNDLED_SUFFIXES = (".ipynb", ".md")


def bundled_notebooks() -> Path | None:
    """The folder of notebooks shipped with factcheck (package data, else the checkout's)."""
    for folder in (_PACKAGE / "data" / "notebooks", _PACKAGE.parent / "notebooks"):
        if folder.is_dir() and any(folder.glob("*.ipynb")):
            return folder
    return None


def examples_path() -> Path:
    """The bundled example logs of four annotators (and a class in ``classroom/``).

    Package data in an install, the checkout's ``annotations/examples`` in a source tree.
    """
    for folder in (_PACKAGE / "data" / "examples", _PACKAGE.parent / "annotations" / "examples"):
        if folder.is_dir() and any(folder.glob("*.csv")):
            return folder
    raise InputError(
        "This factcheck installation has no bundled example logs (factcheck/data/examples). "
        "Reinstall it with 'pip install --force-reinstall factcheck'."
    )


def source_checkout_notebooks() -> Path | None:
    """``notebooks/`` when factcheck runs from a source checkout (editable install), else None."""
    folder = _PACKAGE.parent / "notebooks"
    return folder if (_PACKAGE.parent / "pyproject.toml").is_file() and folder.is_dir() else None


@dataclass
class Workspace:
    """What ``prepare_workspace`` did: the folder, and which notebooks it copied or kept."""

    folder: Path
    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def prepare_workspace(folder: str | Path, source: Path | None = None) -> Workspace:
    """Copy the bundled notebooks into ``folder``; never overwrite a copy the user edited.

    A copy identical to the one factcheck last wrote is refreshed from the bundled version;
    a copy that differs from it (the user's edits) is kept and reported in ``kept_edited``.
    """
    source = bundled_notebooks() if source is None else source
    if source is None:
        raise InputError(
            "This factcheck installation has no bundled notebooks (factcheck/data/notebooks). "
            "Reinstall it with 'pip install --force-reinstall factcheck'."
        )
    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} is a file, not a folder; pass --folder with another path.")
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = target / MANIFEST_NAME
    manifest = _read_manifest(manifest_path)
    result = Workspace(folder=target.resolve())
    for bundled in sorted(p for p in source.iterdir() if p.suffix in BUNDLED_SUFFIXES):
        copy = target / bundled.name
        wanted = _digest(bundled)
        if not copy.exists():
            result.copied.append(bundled.name)
        elif _digest(copy) == wanted:
            manifest[bundled.name] = wanted
            continue
        elif manifest.get(bundled.name) == _digest(copy):
            result.updated.append(bundled.name)  # unedited copy of an older version
        else:
            result.kept_edited.append(bundled.name)
            continue
        with replacing(copy) as tmp:
            shutil.copyfile(bundled, tmp)
        manifest[bundled.name] = wanted
    with replacing(manifest_path) as tmp:
        Path(tmp).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return result
