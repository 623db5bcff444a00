"""Build hook: put the project's notebooks and example logs into the package as data.

The notebooks live once, in ``notebooks/`` (example logs in ``annotations/examples/``); a
built wheel carries copies under ``factcheck/data/``, so ``factcheck lab`` and the example
notebooks work from any install. All other metadata is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {
    "notebooks": ("data/notebooks", ("*.ipynb", "*.md")),
    "annotations/examples": ("data/examples", ("*.csv", "*.md", "classroom/**/*.csv")),
}


class BuildPyWithNotebooks(build_py):
    """``build_py`` that also copies the notebooks and example logs into the package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout
            return
        for source, (target, patterns) in BUNDLED.items():
            for pattern in patterns:
                for path in sorted((ROOT / source).glob(pattern)):
                    relative = path.relative_to(ROOT / source)
                    dest = Path(self.build_lib) / "factcheck" / target / relative
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, dest)


setup(cmdclass={"build_py": BuildPyWithNotebooks})
