"""The shared parts of the widget family: one home that every mode composes.

``Annotator`` (labelling) is built from these parts, and so is a mode with a view of its own
(the Adjudicator): compose them. A mode that labels the same rows under other rules (student
mode, ``student_mode.StudentAnnotator``) subclasses ``Annotator`` through its mode hooks.

- ``KeyBridge``: the anywidget bridge (``static/annotator.js``/``.css``) that sends key
  presses, row clicks and note edits from the browser, and shows the kernel-restart banner
  (``stale_text``) over a view whose kernel is gone.
- ``Row``, ``row_styles`` and ``make_row``: a sentence row (number, text, a button per label,
  clear, flag, note, feedback), built once and reused page after page (a fixed pool), with
  styles shared by all rows so each row costs few widget models.
- ``StatusLine``: the save indicator and status line, which stays in view (sticky).
- ``mimebundle`` and ``display_with_fallback``: the live widget plus the text/HTML summary a
  saved notebook shows where the widget cannot be.
- ``set_classes``: CSS classes in one message, only when they change.

The rules (keys, focus, filters, pages, texts) are plain functions in ``session.py``; paging
is ``session.page_bounds``/``page_count``; the corpus behind a view is ``_catalogue``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import traitlets
from ipywidgets.widgets.widget_string import HTMLStyle, LabelStyle, TextStyle

from . import session
from .labels import LabelScheme
from .messages import Translate, english

STATIC = Path(__file__).parent / "static"


class KeyBridge(anywidget.AnyWidget):
    """Sends key presses and row clicks on the annotator from the browser to Python."""

    _esm = (STATIC / "annotator.js").read_text(encoding="utf-8")
    _css = "".join(
        (STATIC / name).read_text(encoding="utf-8") for name in ("annotator.css", "rtl.css")
    )
    handled_keys = traitlets.List(traitlets.Unicode()).tag(sync=True)
    autofocus = traitlets.Bool(True).tag(sync=True)
    focus_token = traitlets.Int(0).tag(sync=True)
    # Opening a note for editing: the row slot to edit, and a counter that asks the browser
    # to put the cursor in that row's note field (both sent in one message).
    edit_row = traitlets.Int(-1).tag(sync=True)
    edit_token = traitlets.Int(0).tag(sync=True)
    # The evidence panel (key v / r): the field to put the cursor in (``fc-ev-field-<name>``),
    # and a counter that asks the browser to, once the panel is drawn.
    panel_field = traitlets.Unicode("").tag(sync=True)
    panel_token = traitlets.Int(0).tag(sync=True)
    # Shown over the widget once the kernel behind it has restarted or gone.
    stale_text = traitlets.Unicode(session.STALE_TEXT).tag(sync=True)


@dataclass
class Row:
    """The widgets of one reusable sentence row and the sentence it shows now."""

    box: w.HBox
    number: w.Label
    text: w.Label
    buttons: dict[str, w.Button]
    clear: w.Button
    note: w.Text
    flag: w.Button | None = None
    feedback: w.HTML | None = None
    sentence_id: str = ""
    classes: tuple[str, ...] = field(default=())


def set_classes(widget: w.DOMWidget, classes: Iterable[str]) -> None:
    """Replace a widget's CSS classes in one message (only when they change)."""
    value = tuple(classes)
    if tuple(widget._dom_classes) != value:
        widget._dom_classes = value


def show_direction(widget: w.DOMWidget, direction: str) -> None:
    """Show a sentence widget right to left (class ``fc-rtl``, see ``static/rtl.css``) or in
    the page's direction; one message, only when it changes."""
    classes = [c for c in widget._dom_classes if c not in ("fc-rtl", "fc-ltr")]
    set_classes(widget, [*classes, "fc-rtl"] if direction == "rtl" else classes)


def mimebundle(
    widget: w.Widget, summary: session.Summary, translate: Translate = english, **kwargs: Any
) -> Any:
    """The live widget, plus a text and HTML summary for where it cannot be shown
    (a saved notebook opened without its kernel, an untrusted notebook, nbconvert), in
    ``translate``'s language."""
    bundle = widget._repr_mimebundle_(**kwargs)
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    data = {
        **data,
        "text/plain": session.fallback_text(summary, translate),
        "text/html": session.fallback_html(summary, translate),
    }
    return (data, bundle[1]) if isinstance(bundle, tuple) else data


def display_with_fallback(
    widget: w.Widget, summary: session.Summary, translate: Translate = english
) -> None:
    """Show the widget, then the summary as a second output (hidden while the widget is
    live, by the widget's CSS).

    JupyterLab renders a trusted notebook's widget output as "model not found" once the
    kernel is gone and never falls back to the output's text/html, so the summary has to
    be an output of its own to be seen there. Untrusted copies (another machine, GitHub,
    nbconvert) show the summary and the widget output's one-line text/plain.
    """
    from IPython.display import display

    bundle = widget._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    display({**data, "text/plain": session.fallback_line(summary, translate)}, raw=True)
    display({"text/html": session.fallback_html(summary, translate)}, raw=True)


class StatusLine:
    """The save indicator: who is working, and what the last action did (sticky in view)."""

    def __init__(self, who: str) -> None:
        self.name_label = w.Label(who, layout=w.Layout(flex="0 0 auto", margin="0 1em 0 0"))
        self.name_label.add_class("fc-annotator-name")
        self.label = w.Label(layout=w.Layout(width="100%"))
        set_classes(self.label, ("fc-wrap", "fc-status"))
        self.bar = w.HBox([self.name_label, self.label])
        self.bar.add_class("fc-statusbar")

    @property
    def text(self) -> str:
        """What the status line says now."""
        return self.label.value

    def show(self, text: str, kind: str = "") -> None:
        """Say ``text``; ``kind`` is a CSS class such as ``fc-error`` or ``fc-pending``."""
        self.label.value = text
        set_classes(
            self.label, ("fc-wrap", "fc-status", kind) if kind else ("fc-wrap", "fc-status")
        )


def make_row(
    slot: int,
    scheme: LabelScheme,
    styles: dict[str, Any],
    *,
    flag: bool,
    feedback: bool,
    translate: Callable[[str], str] = english,
) -> Row:
    """One reusable row (no callbacks: the mode wires its own); ``flag`` adds the discussion
    flag button, ``feedback`` a feedback line under the row (student mode's); ``translate``
    gives the row's own words in the widget's language (``messages.translator``)."""
    _ = translate
    number = w.Label(layout=styles["number"], style=styles["label"])
    number.add_class("fc-num")
    text = w.Label(layout=styles["text"], style=styles["label"])
    text.add_class("fc-text")
    buttons = {}
    for label in scheme:
        button = w.Button(
            description=label.name,
            tooltip=_("Label {name} (key {key})").format(name=label.name, key=label.key),
            style=styles[label.name],
            layout=styles[f"{label.name} width"],
        )
        buttons[label.name] = button
    clear = w.Button(
        description="✕",
        tooltip=_("Clear the label (0 or Backspace)"),
        layout=styles["clear"],
        style=styles["clear_style"],
    )
    flag_button = None
    if flag:
        flag_button = w.Button(
            description="⚑",
            tooltip=_("Flag for discussion (key f; again to remove)"),
            layout=styles["clear"],
            style=styles["clear_style"],
        )
    note = w.Text(
        placeholder=_("note or evidence URL (key e)"),
        tooltip=_(
            "Note or evidence URL: key e opens it, Enter saves it with the label, "
            "Escape discards the edit"
        ),
        continuous_update=False,
        layout=styles["note"],
        style=styles["note_style"],
    )
    feedback_html = None
    if feedback:
        feedback_html = w.HTML(layout=styles["feedback"], style=styles["feedback_style"])
        set_classes(feedback_html, ("fc-feedback", "fc-hidden"))
    # Text first, then a controls group (labels, clear, flag, note) that takes the rest
    # of the line or wraps under the text when the line is narrow (CSS flex-wrap).
    controls = w.HBox(
        [*buttons.values(), clear, *([flag_button] if flag_button else []), note],
        layout=styles["controls"],
    )
    controls.add_class("fc-controls")
    box = w.HBox(
        [number, text, controls, *([feedback_html] if feedback_html else [])],
        layout=w.Layout(),
    )
    row = Row(
        box,
        number,
        text,
        buttons,
        clear,
        note,
        flag_button,
        feedback_html,
        classes=("fc-row", f"fc-row-{slot}"),
    )
    set_classes(box, row.classes)
    for button in buttons.values():
        button.add_class("fc-btn")
    clear.add_class("fc-clear")
    note.add_class("fc-note")
    if flag_button is not None:
        set_classes(flag_button, ("fc-flag",))
    return row


def layout(extra: dict[str, str]) -> dict[str, w.Layout]:
    return {"layout": w.Layout(**extra)}


def row_styles(scheme: LabelScheme) -> dict[str, w.Widget]:
    """Layouts and button styles shared by every row, so a row costs few widget models."""
    styles: dict[str, w.Widget] = {
        "number": w.Layout(width="2.5em", flex="0 0 auto"),
        # The text takes the line's spare room and wraps; the controls keep a note field of at
        # least 300 px, and wrap under the text when both do not fit on one line.
        "text": w.Layout(flex="1 1 26em", min_width="12em"),
        "controls": w.Layout(flex="1 1 30em", flex_flow="row wrap"),
        "clear": w.Layout(width="2.5em", flex="0 0 auto"),
        "note": w.Layout(flex="1 1 300px", min_width="min(300px, 100%)", width="auto"),
        "label": LabelStyle(),
        "clear_style": w.ButtonStyle(),
        "note_style": TextStyle(),
        "feedback": w.Layout(flex="1 1 100%", margin="0 0 4px 3em"),
        "feedback_style": HTMLStyle(),
    }
    for label in scheme:
        # A fixed width per label (room for the check mark) keeps the columns aligned.
        width = f"{len(label.name) * 0.62 + 3.4:.1f}em"
        styles[f"{label.name} width"] = w.Layout(width=width, flex="0 0 auto")
        styles[label.name] = w.ButtonStyle(
            button_color=label.colour, text_color=session.text_colour(label.colour)
        )
    return styles
