"""Where factcheck's bundled files live: sample articles and the project's notebooks."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def sample_path() -> Path:
    """The folder of bundled sample articles (fictional, written for factcheck)."""
    return _PACKAGE / "data" / "samples"


def notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder (in a source checkout), else the current folder."""
    folder = _PACKAGE.parent / "notebooks"
    return folder if folder.is_dir() else Path.cwd()


def annotations_folder() -> Path:
    """Where logs go by default: ``$FACTCHECK_ANNOTATIONS`` if set, else ``./annotations``.

    ``factcheck lab`` sets the variable to the project's ``annotations/``, so labels made in
    ``notebooks/`` land there rather than in ``notebooks/annotations/``.
    """
    return Path(os.environ.get("FACTCHECK_ANNOTATIONS") or "annotations")


def project_annotations_dir() -> Path | None:
    """The project's ``annotations/`` folder in a source checkout, else None."""
    folder = _PACKAGE.parent / "annotations"
    return folder if folder.is_dir() else None
