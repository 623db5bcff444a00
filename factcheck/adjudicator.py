"""The adjudication view: a keyboard-first queue of the sentences that need a final label.

Built from the widget family's shared parts (``_widgets``: the key bridge with its
kernel-restart banner, the status line, the saved-notebook fallback) around the data layer:
``gold.adjudication_queue`` chooses and orders the sentences, ``adjudication.DecisionLog``
writes each decision durably in its own folder. Annotators' logs are only ever read.

``Adjudicator.decide`` is the single path: the keys call it, and so do scripts and tests.
Keys (``adjudicator_keys``): a label's key picks the final label, ``x`` leaves the sentence
unresolved, ``s``/``g``/``a``/``o`` pick the reason; the decision is written once both are
chosen (a decided sentence is re-decided by either key alone). ``c`` opens the comment
(Enter saves it), ``j``/``n``/down and ``k``/``p``/up move, ``u`` undoes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import ipywidgets as w
import pandas as pd

from . import messages, session
from ._escape import escape_html, guidelines_html
from ._widgets import KeyBridge, StatusLine, display_with_fallback, mimebundle, set_classes
from .adjudication import (
    ANNOTATOR_SLIP,
    DEFAULT_FOLDER,
    GENUINELY_AMBIGUOUS,
    GUIDELINE_GAP,
    OTHER,
    REASONS,
    Decision,
    DecisionLog,
    conflicts,
    decision_files,
    read_decisions,
)
from .articles import Article
from .errors import FactcheckError, InputError
from .labels import DEFAULT_SCHEME, LabelScheme
from .messages import Translate, english

REASON_KEYS: dict[str, str] = {
    "s": ANNOTATOR_SLIP,
    "g": GUIDELINE_GAP,
    "a": GENUINELY_AMBIGUOUS,
    "o": OTHER,
}
UNRESOLVED_KEYS = ("x",)
UNDO_KEYS = ("u",)
COMMENT_KEYS = ("c",)
NEXT_KEYS = ("j", "n", "ArrowDown")
PREVIOUS_KEYS = ("k", "p", "ArrowUp")
UNRESOLVED = ""
"""The label of a decision that leaves the sentence unresolved."""
INCLUDE = {"disagreements": "disputed", "disputed": "disputed", "all": "all"}


@dataclass(frozen=True)
class KeyAction:
    """What a key asks for: ``label`` (``value`` = label, "" = unresolved), ``reason``
    (``value`` = reason), ``undo``, ``comment`` or ``move`` (by ``step``)."""

    kind: str
    value: str = ""
    step: int = 0


def adjudicator_keys(scheme: LabelScheme) -> dict[str, KeyAction]:
    """Every key the Adjudicator handles (``KeyboardEvent.key`` spelling) and its action.

    Raises InputError if a label of the scheme uses a key the view needs for something else.
    """
    actions: dict[str, KeyAction] = {}
    fixed: list[tuple[Iterable[str], KeyAction]] = [
        (UNRESOLVED_KEYS, KeyAction("label", UNRESOLVED)),
        *(((key,), KeyAction("reason", reason)) for key, reason in REASON_KEYS.items()),
        (UNDO_KEYS, KeyAction("undo")),
        (COMMENT_KEYS, KeyAction("comment")),
        (NEXT_KEYS, KeyAction("move", step=1)),
        (PREVIOUS_KEYS, KeyAction("move", step=-1)),
    ]
    for keys, action in fixed:
        for key in keys:
            actions[key] = action
    for label in scheme:
        if label.key in actions:
            raise InputError(
                f"Label {label.name!r} of scheme {scheme.id!r} uses key {label.key!r}, which the "
                f"Adjudicator keeps for {actions[label.key].kind}. Give the label another key "
                "in the scheme file (digits are free)."
            )
        actions[label.key] = KeyAction("label", label.name)
    return actions


def key_hints(scheme: LabelScheme, translate: Translate = english) -> str:
    """The one-line keyboard help shown above the sentence (label and reason names stay as
    they are in the files)."""
    labels = " ".join(f"{label.key} {label.name}" for label in scheme)
    reasons = " ".join(f"{key} {reason}" for key, reason in REASON_KEYS.items())
    return translate(
        "Final label: {labels}, x leave unresolved · Reason: {reasons} · c comment "
        "(Enter saves) · j/n next, k/p previous · u undo"
    ).format(labels=labels, reasons=reasons)


def paragraph_of(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, sentence, after) inside the paragraph (blank-line separated) holding it."""
    begin = text.rfind("\n\n", 0, start)
    begin = 0 if begin < 0 else begin + 2
    stop = text.find("\n\n", end)
    stop = len(text) if stop < 0 else stop
    return text[begin:start], text[start:end], text[end:stop]


def decision_text(decision: Decision | None, translate: Translate = english) -> str:
    """One line saying what this adjudicator decided on a sentence (or that nothing is)."""
    _ = translate
    if decision is None or not decision.decided:
        return _("Your decision: none yet.")
    label = decision.label or _("left unresolved")
    comment = f" — {session.shorten(decision.comment)}" if decision.comment else ""
    return _("Your decision: {label} ({reason}){comment}").format(
        label=label, reason=decision.reason, comment=comment
    )


@dataclass(frozen=True)
class Pending:
    """A half-made decision on the current sentence: the label or the reason chosen so far."""

    sentence_id: str = ""
    label: str | None = None
    reason: str = ""
    comment: str | None = None


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Route an error in a widget callback to the status line (observers swallow them)."""

    def run(self: Adjudicator, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (FactcheckError, OSError, ValueError) as exc:
            self.status_line.show(self._t("NOT saved: {error}").format(error=exc), "fc-error")
            return None

    return run


class Adjudicator:
    """A queue of the sentences that need a final label, one at a time, keyboard first.

    ``logs``: the annotators' logs (a folder, files or a glob); ``articles`` (optional) show
    each sentence in its paragraph; decisions go to ``<folder>/<adjudicator>.csv``.
    ``include="disagreements"``: disagreements, flags and conflicts; ``"all"``: everything.
    ``order="agreement"``: lowest agreement first; ``"reading"``: reading order.
    ``ui_language``: the view's own words (messages.py), else the locale, else English.
    """

    def __init__(
        self,
        logs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        articles: Iterable[Article] | None = None,
        adjudicator: str = "lee",
        folder: str | os.PathLike[str] = DEFAULT_FOLDER,
        order: Literal["agreement", "reading"] = "agreement",
        include: Literal["disagreements", "all"] = "disagreements",
        *,
        scheme: LabelScheme = DEFAULT_SCHEME,
        ui_language: str | None = None,
    ) -> None:
        from .gold import adjudication_queue, gold

        self.ui_language = messages.ui_language(ui_language)
        self._t = messages.translator(self.ui_language)
        from .log import log_files, read_annotations

        if include not in INCLUDE:
            raise InputError(f"include must be 'disagreements' or 'all', not {include!r}.")
        self.scheme = scheme
        self.folder = Path(folder)
        self.keys = adjudicator_keys(scheme)
        self.decisions = DecisionLog(adjudicator, folder, scheme=scheme)
        self.adjudicator = self.decisions.adjudicator
        self._files = log_files(logs)
        adjudications = self.folder if decision_files(self.folder) else None
        frame = gold(logs, adjudications, scheme=scheme)
        self.queue: pd.DataFrame = adjudication_queue(frame, include=INCLUDE[include], order=order)
        self._ids: list[str] = [str(s) for s in self.queue["sentence_id"]]
        self._rows = {str(r["sentence_id"]): r for r in self.queue.to_dict("records")}
        current = read_annotations(self._files, schemes=(scheme,))
        self._answers: dict[str, list[tuple[str, str, str, bool]]] = {}
        for row in current.itertuples(index=False):
            self._answers.setdefault(str(row.sentence_id), []).append(
                (str(row.annotator), str(row.label), str(row.note), bool(row.flagged))
            )
        self._articles = {a.id: a for a in (articles or [])}
        # Resume at the first sentence this adjudicator has not decided yet.
        done = self.decisions.current()
        self._position = next((i for i, sid in enumerate(self._ids) if sid not in done), 0)
        self._pending = Pending()
        self._painting = False
        self._messages = session.MessageOrder()
        self._build()
        self._render()

    # --- public state -------------------------------------------------------------------

    @property
    def position(self) -> int:
        """The index of the sentence on screen in the queue."""
        return self._position

    @property
    def current(self) -> str | None:
        """The id of the sentence on screen (None for an empty queue)."""
        return self._ids[self._position] if self._ids else None

    @property
    def status(self) -> str:
        """What the status line says now."""
        return self.status_line.text

    @property
    def decided(self) -> dict[str, Decision]:
        """This adjudicator's decisions in force, by sentence id."""
        return self.decisions.current()

    # --- the single path ----------------------------------------------------------------

    def decide(
        self, sentence_id: str, label: str | None, reason: str = OTHER, comment: str = ""
    ) -> Decision:
        """Record the final label (None or "" = leave unresolved), reason and comment of a
        queued sentence, durably; the view moves on to the next sentence."""
        if sentence_id not in self._rows:
            raise InputError(
                f"Sentence {sentence_id!r} is not in this adjudication queue. Pass one of its "
                "ids (Adjudicator.queue['sentence_id']), or open the view with include='all'."
            )
        if reason not in REASONS:
            raise InputError(f"Unknown reason {reason!r}. Use one of: {', '.join(REASONS)}.")
        row = self._rows[sentence_id]
        decision = self.decisions.decide(
            sentence_id,
            label,
            reason=reason,
            comment=comment,
            article_id=str(row["article_id"]),
            text=str(row["text"]),
        )
        self._pending = Pending()
        index = self._ids.index(sentence_id)
        what = decision.label or self._t("left unresolved")
        self.status_line.show(
            self._t("Saved: sentence {number} of the queue → {label} ({reason}) in {file}.").format(
                number=index + 1, label=what, reason=reason, file=self.decisions.path.name
            )
        )
        if index == self._position and self._position < len(self._ids) - 1:
            self._position += 1
        self._render()
        return decision

    def undo(self) -> Decision | None:
        """Undo this adjudicator's last decision (DecisionLog.undo); None if nothing is left."""
        decision = self.decisions.undo()
        self._pending = Pending()
        if decision is None:
            self.status_line.show(self._t("Nothing to undo."))
            return None
        sid = decision.sentence_id
        if sid in self._rows:
            self._position = self._ids.index(sid)
        restored = (
            (decision.label or self._t("left unresolved"))
            if decision.decided
            else self._t("no decision")
        )
        self.status_line.show(
            self._t("Undone: sentence {number} of the queue → {label}.").format(
                number=self._position + 1, label=restored
            )
        )
        self._render()
        return decision

    def move(self, step: int) -> None:
        """Show the sentence ``step`` places on in the queue (clamped to its ends)."""
        if not self._ids:
            return
        self._position = session.step_focus(self._position, step, len(self._ids))
        self._pending = Pending()
        self._render()

    def press(self, key: str) -> None:
        """Do what a key press does (the browser sends keys here)."""
        action = self.keys.get(key)
        sid = self.current
        if action is None or sid is None:
            return
        if action.kind == "move":
            self.move(action.step)
        elif action.kind == "undo":
            self.undo()
        elif action.kind == "comment":
            with self._bridge.hold_sync():
                self._bridge.edit_row = 0
                self._bridge.edit_token += 1
            self.status_line.show(self._t("Type the comment; Enter saves it, Escape discards it."))
        elif action.kind in ("label", "reason"):
            self._choose(sid, action)

    # --- internals ----------------------------------------------------------------------

    def _choose(self, sid: str, action: KeyAction) -> None:
        """A label or reason key: decide once both are known (the earlier decision's or the
        pending choice fills in the other)."""
        pending = self._pending if self._pending.sentence_id == sid else Pending(sid)
        if action.kind == "label":
            pending = replace(pending, label=action.value)
        else:
            pending = replace(pending, reason=action.value)
        before = self.decided.get(sid)
        label = pending.label if pending.label is not None else (before.label if before else None)
        reason = pending.reason or (before.reason if before else "")
        comment = pending.comment
        if comment is None:
            comment = before.comment if before else self.comment.value
        if label is not None and reason:
            self._guarded_decide(sid, label, reason, comment)
            return
        self._pending = pending
        if label is None:
            self.status_line.show(
                self._t("Reason {reason}: now pick the final label.").format(reason=reason),
                "fc-pending",
            )
        else:
            self.status_line.show(
                self._t(
                    "Final label {label}: now pick the reason "
                    "(s slip, g gap, a ambiguous, o other)."
                ).format(label=label or self._t("left unresolved")),
                "fc-pending",
            )
        self._render()

    @_guarded
    def _guarded_decide(self, sid: str, label: str, reason: str, comment: str) -> None:
        self.decide(sid, label, reason=reason, comment=comment)

    @_guarded
    def _on_comment(self, change: dict[str, Any]) -> None:
        sid = self.current
        if self._painting or sid is None:
            return
        text = str(change["new"])
        before = self.decided.get(sid)
        if before is not None and before.comment != text:
            self.decisions.decide(
                sid,
                before.label,
                reason=before.reason,
                comment=text,
                article_id=before.article_id,
                text=before.text,
            )
            self.status_line.show(
                self._t("Saved: comment on sentence {number}.").format(number=self._position + 1)
            )
            self._render()
        elif before is None:
            self._pending = replace(
                self._pending if self._pending.sentence_id == sid else Pending(sid),
                comment=text,
            )
            self.status_line.show(
                self._t("Comment kept: it is saved with the decision you make."), "fc-pending"
            )

    def _on_browser_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        view, seq = str(content.get("view", "")), int(content.get("seq", 0))
        for message in self._messages.accept(view, seq, content):
            if message.get("type") == "key":
                self._press_guarded(str(message.get("key", "")))

    @_guarded
    def _press_guarded(self, key: str) -> None:
        self.press(key)

    def _build(self) -> None:
        _ = self._t
        self.title_label = w.Label(_("Adjudication by {name}").format(name=self.adjudicator))
        self.title_label.add_class("fc-title")
        self.position_label = w.Label()
        self.status_line = StatusLine(_("Adjudicator: {name}").format(name=self.adjudicator))
        self.keys_label = w.Label(key_hints(self.scheme, _))
        for label in (self.keys_label, self.position_label):
            set_classes(label, ("fc-wrap", "fc-muted"))
        self.context_html = w.HTML()
        self.votes_label = w.Label()
        self.answers_box = w.VBox()
        self.decision_label = w.Label()
        self.conflict_label = w.Label()
        set_classes(self.conflict_label, ("fc-wrap", "fc-conflict"))
        self.comment = w.Text(
            placeholder=_("comment (key c; Enter saves)"),
            continuous_update=False,
            layout=w.Layout(width="100%"),
        )
        self.comment.add_class("fc-note")
        self.comment.observe(self._on_comment, names=["value"])
        # In an fc-row box so the bridge's Enter/Escape handling and key c find the field.
        comment_row = w.HBox([self.comment], layout=w.Layout(width="100%"))
        set_classes(comment_row, ("fc-row", "fc-row-0"))
        self.guidelines = w.Accordion(
            children=[w.HTML(guidelines_html(self.scheme.localised(self.ui_language), _))]
        )
        self.guidelines.set_title(
            0, _("Guidelines: what each label means, with examples and rules")
        )
        self.guidelines.selected_index = None
        self.previous_button = w.Button(description=_("◀ Previous (k)"))
        self.next_button = w.Button(description=_("Next (j) ▶"))
        self.previous_button.on_click(lambda _: self.move(-1))
        self.next_button.on_click(lambda _: self.move(1))
        self._bridge = KeyBridge(stale_text=_(session.STALE_TEXT), handled_keys=list(self.keys))
        self._bridge.on_msg(self._on_browser_message)
        self.widget = w.VBox(
            [
                self.title_label,
                self.status_line.bar,
                w.HBox([self.previous_button, self.position_label, self.next_button]),
                self.guidelines,
                self.keys_label,
                self.context_html,
                self.votes_label,
                self.answers_box,
                self.conflict_label,
                self.decision_label,
                comment_row,
                self._bridge,
            ]
        )
        self.widget.add_class("fc-annotator")
        self.widget.add_class("fc-adjudicator")

    def _render(self) -> None:
        """Show the sentence at ``position``: context, answers, votes, decisions, conflict."""
        self._painting = True
        try:
            self._paint()
        finally:
            self._painting = False

    def _paint(self) -> None:
        sid = self.current
        if sid is None:
            self.position_label.value = self._t("Nothing to adjudicate: no disagreement or flag.")
            self.context_html.value = ""
            self._set_answers([])
            return
        row = self._rows[sid]
        self.position_label.value = self._t(
            "Sentence {number} of {count} in the queue "
            "(article {article}, sentence {sentence}, agreement {agreement})"
        ).format(
            number=self._position + 1,
            count=len(self._ids),
            article=row["article_id"],
            sentence=int(row["sentence_index"]) + 1,
            agreement=f"{float(row['agreement']):.2f}",
        )
        article = self._articles.get(str(row["article_id"]))
        start, end = int(row["start"]), int(row["end"])
        if article is not None and article.text[start:end] == row["text"]:
            before, text, after = paragraph_of(article.text, start, end)
        else:
            before, text, after = "", str(row["text"]), ""
        self.context_html.value = (
            f'<div class="fc-context">{escape_html(before)}'
            f"<mark><b>{escape_html(text)}</b></mark>{escape_html(after)}</div>"
        )
        from .exports import vote_column

        votes = ", ".join(
            f"{label.name} {int(row[vote_column(label.name)])}" for label in self.scheme
        )
        self.votes_label.value = self._t("Votes: {votes} ({count} annotators)").format(
            votes=votes, count=int(row["n_annotators"])
        )
        self._set_answers([self._answer_line(*answer) for answer in self._answers.get(sid, [])])
        mine = self.decided.get(sid)
        text_line = decision_text(mine, self._t)
        if self._pending.sentence_id == sid and (
            self._pending.label is not None or self._pending.reason
        ):
            chosen = self._pending.label
            chosen = "?" if chosen is None else chosen or self._t("left unresolved")
            text_line += self._t(" Choosing: {label} ({reason})").format(
                label=chosen, reason=self._pending.reason or "?"
            )
        self.decision_label.value = text_line
        self.conflict_label.value = self._conflict_text(sid)
        self.comment.value = mine.comment if mine else (self._pending.comment or "")
        self.previous_button.disabled = self._position == 0
        self.next_button.disabled = self._position >= len(self._ids) - 1
        self._bridge.focus_token += 1

    def _set_answers(self, lines: list[w.HBox]) -> None:
        """Show these answer lines, closing the previous ones (no widget models pile up)."""
        old = self.answers_box.children
        self.answers_box.children = tuple(lines)
        for box in old:
            for part in box.children:
                part.close()
            box.close()

    def _answer_line(self, name: str, label: str, note: str, flagged: bool) -> w.HBox:
        """One annotator's answer: name, label, flag and note (Labels: text, never HTML)."""
        parts = [
            w.Label(name, layout=w.Layout(width="10em")),
            w.Label(label, layout=w.Layout(width="9em")),
            w.Label(self._t("⚑ flagged") if flagged else "", layout=w.Layout(width="6em")),
            w.Label(note),
        ]
        box = w.HBox(parts)
        box.add_class("fc-answer")
        return box

    def _conflict_text(self, sid: str) -> str:
        """ "Conflict: kim: verified; lee: opinion" when adjudicators decided differently."""
        try:
            table = conflicts(read_decisions(self.folder))
        except (FactcheckError, OSError) as exc:
            # Another adjudicator's broken file must not stop this one's work: say so here.
            return self._t("Conflicts not checked: {error}").format(error=exc)
        found = table[table["sentence_id"] == sid]
        if found.empty:
            return ""
        return self._t("Conflict between adjudicators: {conflict}").format(
            conflict=found.iloc[0]["conflict"]
        )

    def summary(self) -> session.Summary:
        """What a saved notebook shows where the live view cannot be."""
        done = sum(1 for sid in self._ids if sid in self.decided)
        articles = len({str(r["article_id"]) for r in self._rows.values()})
        flagged = sum(1 for r in self._rows.values() if int(r["n_flagged"]) > 0)
        return session.Summary(
            title=self._t("adjudication queue"),
            articles=articles,
            sentences=len(self._ids),
            labelled=done,
            flagged=flagged,
            annotator=self.adjudicator,
            saved_to=str(self.decisions.path),
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mimebundle(self.widget, self.summary(), self._t, **kwargs)

    def _ipython_display_(self) -> None:
        display_with_fallback(self.widget, self.summary(), self._t)
