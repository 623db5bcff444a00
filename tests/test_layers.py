"""Imports follow the arrows: the labelling widget never depends on the teaching code.

The import graph of the package is read from the source with ``ast`` (every import, also one
inside a function: a lazy import is still a dependency), so these tests need no import of
the package and fail on the line that adds an arrow the wrong way.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "factcheck"

TEACHING = frozenset(
    {
        "answers",
        "classroom",
        "classroom_server",
        "grades",
        "live",
        "report",
        "roster",
        "student",
        "student_mode",
    }
)
"""The teaching code: answer keys, feedback and scores, the class session and its reports."""

WIDGET_CORE = ("annotator", "_widgets")
"""The labelling widget and the parts the widget family shares."""


def imported_modules(name: str) -> set[str]:
    """The package modules that module ``name`` imports anywhere in its source."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 0 and not base.startswith("factcheck"):
                continue
            base = base.removeprefix("factcheck").lstrip(".")
            if base:
                found.add(base.split(".")[0])
            else:  # from . import a, b: each name may be a module
                found.update(a.name for a in node.names if (PACKAGE / f"{a.name}.py").exists())
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "factcheck" and len(parts) > 1:
                    found.add(parts[1])
    return {m for m in found if (PACKAGE / f"{m}.py").exists()}


def import_closure(start: str) -> dict[str, str]:
    """Every package module ``start`` reaches through imports, each with the module that
    imports it (to name the arrow in a failure)."""
    reached: dict[str, str] = {}
    todo = [start]
    while todo:
        name = todo.pop()
        for child in sorted(imported_modules(name)):
            if child not in reached and child != start:
                reached[child] = name
                todo.append(child)
    return reached


def test_the_graph_reader_sees_imports_of_every_spelling():
    """Test that the reader finds ``from . import x``, ``from .x import y`` and imports inside
    a function (so the layer tests below cannot pass by missing an import)."""
    assert {"annotator", "answers", "session", "_widgets"} <= imported_modules("student_mode")
    assert "classroom" in imported_modules("answers")  # imported inside load_key
    assert {"classroom", "student"} <= set(import_closure("classroom_server"))


@pytest.mark.parametrize("core", WIDGET_CORE)
def test_the_labelling_widget_does_not_depend_on_the_teaching_code(core: str):
    """Test that neither the labelling widget nor the shared widget parts reach a teaching
    module through any chain of imports."""
    reached = import_closure(core)
    wrong = {m: reached[m] for m in sorted(TEACHING & set(reached))}
    assert not wrong, (
        f"factcheck/{core}.py depends on teaching code: "
        + ", ".join(f"{m} (imported by {by}.py)" for m, by in wrong.items())
        + ". Move that logic to the teaching module and give the widget a neutral hook."
    )


def test_the_labelling_widget_speaks_no_student_vocabulary():
    """Test that annotator.py names no student, answer key or check of answers: the mode
    that needs them adds them through the widget's neutral hooks."""
    source = (PACKAGE / "annotator.py").read_text(encoding="utf-8")
    words = (r"\bstudents?\b", r"\banswer[ -]?keys?\b", r"\bself\.key\b", r"check my answers")
    found = [w for w in words if re.search(w, source, flags=re.IGNORECASE)]
    assert not found, f"factcheck/annotator.py still matches {found}."


def test_student_mode_is_built_on_the_labelling_widget():
    """Test that the arrow goes the right way: student mode imports the widget core."""
    assert "annotator" in imported_modules("student_mode")
    assert "annotator" not in import_closure("annotator")
