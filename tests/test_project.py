"""Project hygiene: the README's commands, CI script and code style stay in step."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import factcheck

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_starts_with_the_two_setup_commands():
    """Test that the README's first two commands install and open the lab, then test."""
    lab, test = readme_commands()[:2]
    assert lab.endswith("factcheck lab") and "pip install -e ." in lab
    assert test.endswith("python -m pytest") and '".[test]"' in test


def test_ci_runs_the_readme_test_command_verbatim():
    """Test that .ci/run's last command is exactly the README's test command."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert script[-1] == readme_commands()[1]


def test_public_api_names_are_all_importable():
    """Test that every name in factcheck.__all__ exists."""
    for name in factcheck.__all__:
        assert hasattr(factcheck, name), name


def test_code_is_ruff_clean():
    """Test that `ruff check` and `ruff format --check` pass on the whole project."""
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_import_does_not_load_altair_or_ipywidgets():
    """Test that `import factcheck` leaves Altair and ipywidgets until they are used."""
    code = (
        "import sys, factcheck; "
        "print(sorted(m for m in ('altair', 'ipywidgets', 'vl_convert') if m in sys.modules)); "
        "factcheck.charts; print('altair' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split("\n")[:2] == ["[]", "True"], result.stderr
