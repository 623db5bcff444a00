"""Where factcheck's bundled files live: sample articles and the project's notebooks."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def sample_path() -> Path:
    """The folder of bundled sample articles (fictional, written for factcheck)."""
    return _PACKAGE / "data" / "samples"


def notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder (in a source checkout), else the current folder."""
    folder = _PACKAGE.parent / "notebooks"
    return folder if folder.is_dir() else Path.cwd()
