"""Helpers shared by the in-kernel widget tests: reading a log back, walking a widget tree."""

from __future__ import annotations

import csv
from pathlib import Path

import ipywidgets as w


def rows_of(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV log as dicts keyed by the header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def all_widgets(root: w.Widget) -> list[w.Widget]:
    """Every widget reachable from ``root`` through its traits (children, layout, style...)."""
    seen: dict[str, w.Widget] = {}
    stack = [root]
    while stack:
        widget = stack.pop()
        if widget.model_id in seen:
            continue
        seen[widget.model_id] = widget
        for name in widget.keys:
            value = getattr(widget, name)
            values = value if isinstance(value, (list, tuple)) else [value]
            stack.extend(v for v in values if isinstance(v, w.Widget))
    return list(seen.values())
