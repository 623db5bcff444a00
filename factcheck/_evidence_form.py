"""The evidence panel of the labelling widget: sources, quotes and a justification for a
label, and a normalised claim rewrite, all entered from the keyboard (issue 14).

``EvidenceForm`` is the panel's widgets: one set per annotator, shown under the sentence it
edits. It writes nothing: ``Annotator`` saves what it holds through ``Annotator.label``, so
evidence is a normal log row (undo works, the latest row wins). The keys and every text and
piece of HTML it shows are plain functions here; URLs become HTML only through
``evidence.link_html`` (escaped, ``rel="noopener noreferrer"``, never fetched).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from . import session
from ._escape import escape_html
from ._widgets import set_classes
from .evidence import SOURCE_TYPES, Evidence, link_html, today_utc
from .labels import LabelScheme
from .messages import Translate, english

EVIDENCE_KEYS = ("v",)
"""Open the evidence panel of the focused sentence, cursor in the URL field."""
CLAIM_KEYS = ("r",)
"""Open the panel with the cursor in the claim rewrite field."""

FIELD_URL = "url"
FIELD_QUOTE = "quote"
FIELD_TYPE = "type"
FIELD_ACCESSED = "accessed"
FIELD_ARCHIVED = "archived"
FIELD_JUSTIFICATION = "justification"
FIELD_CLAIM = "claim"
ITEM_FIELDS = (FIELD_URL, FIELD_QUOTE, FIELD_TYPE, FIELD_ACCESSED, FIELD_ARCHIVED)
"""Enter in any of these adds the evidence item they describe."""

PANEL_CLASS = "fc-evidence-panel"
QUOTE_SHOWN_CHARS = 160
ERROR_SHOWN_CHARS = 400


@dataclass(frozen=True)
class Draft:
    """What the item fields of the panel hold now (not yet an ``Evidence``: unvalidated)."""

    url: str = ""
    quote: str = ""
    source_type: str = "other"
    accessed: str = ""
    archived_url: str = ""


def panel_keys(scheme: LabelScheme, *, assist: bool = False) -> dict[str, str]:
    """Key -> ``"evidence"`` or ``"claim"``; a key the scheme or a fixed action already takes
    keeps its meaning (a custom label on ``v`` wins)."""
    taken = session.key_actions(scheme, flag=True, assist=assist)
    keys = {key: "evidence" for key in EVIDENCE_KEYS}
    keys.update({key: "claim" for key in CLAIM_KEYS})
    return {key: kind for key, kind in keys.items() if key not in taken}


def key_hint(keys: Mapping[str, str], translate: Translate = english) -> str:
    """The part of the key help line for the panel keys (empty when none is free)."""
    _ = translate
    words = {"evidence": _("evidence"), "claim": _("claim rewrite")}
    return " · ".join(f"{key} {words[kind]}" for key, kind in keys.items())


def source_type_caption(source_type: str, translate: Translate = english) -> str:
    """How a source type is shown: ``on-record-statement`` -> ``on-record statement``."""
    _ = translate
    captions = {
        "official-record": _("official record"),
        "document": _("document"),
        "on-record-statement": _("on-record statement"),
        "news-report": _("news report"),
        "dataset": _("dataset"),
        "other": _("other"),
    }
    return captions.get(source_type, source_type.replace("-", " "))


def sources_text(count: int, translate: Translate = english) -> str:
    """``"1 source"``, ``"2 sources"``."""
    text = translate("{count} source") if count == 1 else translate("{count} sources")
    return text.format(count=count)


def row_line_html(
    items: Sequence[Evidence], justification: str, claim: str, translate: Translate = english
) -> str:
    """The compact line under a row: a chip counting its sources (and whether it has a
    justification) and the claim rewrite in a muted line; "" when there is neither."""
    _ = translate
    parts = []
    if items or justification:
        chip = sources_text(len(items), _) + (_(" · justified") if justification else "")
        parts.append(f'<span class="fc-ev-chip">{escape_html(chip)}</span>')
    if claim:
        shown = escape_html(session.shorten(claim, 200))
        caption = escape_html(_("Claim: {claim}"))
        parts.append(
            f'<span class="fc-muted fc-ev-claim-line">{caption.format(claim=shown)}</span>'
        )
    return " ".join(parts)


def item_html(item: Evidence, translate: Translate = english) -> str:
    """One evidence item: its link (``link_html``), type, date accessed, quote, archived copy."""
    _ = translate
    parts = [link_html(item.url), escape_html(source_type_caption(item.source_type, _))]
    if item.accessed:
        parts.append(escape_html(_("accessed {date}").format(date=item.accessed)))
    if item.archived_url:
        parts.append(link_html(item.archived_url, _("archived copy")))
    line = " · ".join(parts)
    if item.quote:
        quote = escape_html(session.shorten(item.quote, QUOTE_SHOWN_CHARS))
        line += f'<br><span class="fc-ev-quote-text">“{quote}”</span>'
    return line


def items_html(items: Sequence[Evidence], translate: Translate = english) -> str:
    """The evidence list shown in the panel, numbered, every URL through ``link_html``."""
    if not items:
        empty = escape_html(translate("No evidence yet."))
        return f'<span class="fc-muted">{empty}</span>'
    entries = "".join(f"<li>{item_html(item, translate)}</li>" for item in items)
    return f'<ol class="fc-ev-items">{entries}</ol>'


def title_text(index: int, label: str, translate: Translate = english) -> str:
    """The panel's heading for sentence ``index`` (from 0) and its label ("" if none)."""
    _ = translate
    state = _("labelled '{label}'").format(label=label) if label else _("not labelled yet")
    return _(
        "Evidence for sentence {number} ({state}) · Enter adds · Tab next field · Esc closes"
    ).format(number=index + 1, state=state)


def label_first_text(index: int, translate: Translate = english) -> str:
    """Why evidence for an unlabelled sentence is refused, and what to do."""
    return translate(
        "Sentence {number} has no label yet: label the sentence first (its label key), "
        "then add its evidence. Nothing was saved."
    ).format(number=index + 1)


def undo_evidence_text(
    before: tuple[Sequence[Evidence], str, str],
    after: tuple[Sequence[Evidence], str, str],
    translate: Translate = english,
) -> str:
    """What an undo changed in a sentence's (evidence, justification, claim), e.g.
    ``"evidence 2 → 1 source; the claim rewrite removed"``; "" when nothing changed."""
    _ = translate
    parts = []
    if tuple(before[0]) != tuple(after[0]):
        parts.append(
            _("evidence {before} → {after}").format(
                before=len(before[0]), after=sources_text(len(after[0]), _)
            )
        )
    texts = (
        (_("the justification removed"), _("the justification '{text}' restored")),
        (_("the claim rewrite removed"), _("the claim rewrite '{text}' restored")),
    )
    for (old, new), (removed, restored) in zip(
        ((before[1], after[1]), (before[2], after[2])), texts, strict=True
    ):
        if old != new:
            parts.append(removed if not new else restored.format(text=session.shorten(new)))
    return "; ".join(parts)


def error_text(message: str) -> str:
    """An error for the panel's inline line, cut to a length a line can show."""
    return session.shorten(message, ERROR_SHOWN_CHARS)


def _field(widget: w.DOMWidget, name: str) -> w.DOMWidget:
    """Mark a panel field for the browser bridge (``fc-ev-field-<name>`` names it)."""
    widget.add_class("fc-ev-field")
    widget.add_class(f"fc-ev-field-{name}")
    return widget


class EvidenceForm:
    """The panel's widgets: the item fields, the evidence list, justification, claim rewrite.

    Filled and read by the Annotator; ``painting`` is True while it sets values itself, so
    its observers can tell a person's edit from a repaint.
    """

    def __init__(self, translate: Translate = english) -> None:
        _ = self._t = translate
        wide = {"width": "100%"}
        self.title = w.Label(layout=w.Layout(**wide))
        set_classes(self.title, ("fc-wrap", "fc-ev-title"))
        self.url = _field(
            w.Text(
                placeholder=_("evidence URL: paste it, Enter adds it (https://...)"),
                continuous_update=False,
                layout=w.Layout(flex="1 1 24em", min_width="12em"),
            ),
            FIELD_URL,
        )
        self.quote = _field(
            w.Text(
                placeholder=_("quote from the source (optional)"),
                continuous_update=False,
                layout=w.Layout(flex="1 1 18em", min_width="10em"),
            ),
            FIELD_QUOTE,
        )
        self.source_type = _field(
            w.Dropdown(
                options=[(source_type_caption(t, _), t) for t in SOURCE_TYPES],
                value="other",
                description=_("type"),
                tooltip=_("Source type (arrow keys or the first letter choose)"),
                layout=w.Layout(width="auto"),
                style={"description_width": "initial"},
            ),
            FIELD_TYPE,
        )
        self.accessed = _field(
            w.Text(
                value=today_utc(),
                placeholder=_("accessed YYYY-MM-DD"),
                description=_("accessed"),
                continuous_update=False,
                layout=w.Layout(width="14em"),
                style={"description_width": "initial"},
            ),
            FIELD_ACCESSED,
        )
        self.archived = _field(
            w.Text(
                placeholder=_("archived copy URL (optional)"),
                continuous_update=False,
                layout=w.Layout(flex="1 1 18em", min_width="10em"),
            ),
            FIELD_ARCHIVED,
        )
        self.add_button = w.Button(
            description=_("Add evidence"), tooltip=_("Add (Enter in a field)")
        )
        self.remove_button = w.Button(
            description=_("Remove last"), tooltip=_("Remove the last evidence item (undo with u)")
        )
        self.error = w.Label(layout=w.Layout(**wide))
        set_classes(self.error, ("fc-wrap", "fc-ev-error", "fc-hidden"))
        self.items = w.HTML(layout=w.Layout(**wide))
        self.items.add_class("fc-ev-list")
        self.justification = _field(
            w.Textarea(
                placeholder=_("justification: why these sources support the label (Enter saves)"),
                continuous_update=False,
                rows=2,
                layout=w.Layout(width="100%"),
            ),
            FIELD_JUSTIFICATION,
        )
        self.claim = _field(
            w.Text(
                placeholder=_(
                    "claim rewrite: the claim as one self-contained sentence (key r, Enter saves)"
                ),
                continuous_update=False,
                layout=w.Layout(width="100%"),
            ),
            FIELD_CLAIM,
        )
        self.close_button = w.Button(
            description=_("Close (Esc)"), tooltip=_("Close the panel (Esc)")
        )
        fields = w.HBox(
            [self.url, self.quote, self.source_type, self.accessed, self.archived],
            layout=w.Layout(flex_flow="row wrap", width="100%"),
        )
        buttons = w.HBox([self.add_button, self.remove_button, self.close_button])
        self.box = w.VBox(
            [
                self.title,
                fields,
                self.error,
                buttons,
                self.items,
                self.justification,
                self.claim,
            ],
            layout=w.Layout(flex="1 1 100%"),
        )
        set_classes(self.box, (PANEL_CLASS,))
        self.sentence_id = ""
        self.painting = False

    @property
    def is_open(self) -> bool:
        """Whether the panel is open on a sentence."""
        return bool(self.sentence_id)

    def draft(self) -> Draft:
        """What the item fields hold now."""
        return Draft(
            self.url.value,
            self.quote.value,
            self.source_type.value or "other",
            self.accessed.value,
            self.archived.value,
        )

    def fields(self) -> dict[str, w.DOMWidget]:
        """The panel's fields by name (what the browser names in an Enter message)."""
        return {
            FIELD_URL: self.url,
            FIELD_QUOTE: self.quote,
            FIELD_TYPE: self.source_type,
            FIELD_ACCESSED: self.accessed,
            FIELD_ARCHIVED: self.archived,
            FIELD_JUSTIFICATION: self.justification,
            FIELD_CLAIM: self.claim,
        }

    def _set(self, widget: w.DOMWidget, value: Any) -> None:
        if widget.value != value:
            self.painting = True
            try:
                widget.value = value
            finally:
                self.painting = False

    def clear_draft(self) -> None:
        """Empty the item fields for the next item (the date accessed goes back to today)."""
        with self.box.hold_sync():
            for widget in (self.url, self.quote, self.archived):
                self._set(widget, "")
            self._set(self.source_type, "other")
            self._set(self.accessed, today_utc())

    def show(
        self,
        title: str,
        items: Sequence[Evidence],
        justification: str,
        claim: str,
    ) -> None:
        """Show a sentence's saved evidence, justification and claim rewrite."""
        if self.title.value != title:
            self.title.value = title
        value = items_html(items, self._t)
        if self.items.value != value:
            self.items.value = value
        self.remove_button.disabled = not items
        self._set(self.justification, justification)
        self._set(self.claim, claim)

    def show_error(self, text: str) -> None:
        """Say what went wrong on the panel's inline line ("" hides it)."""
        self.error.value = error_text(text) if text else ""
        classes = ("fc-wrap", "fc-ev-error") + (() if text else ("fc-hidden",))
        set_classes(self.error, classes)
