"""Session logic of the labelling widget: keys to actions, focus, filtering, paging, progress,
and the texts it shows (status, undo, fallback).

Pure functions of plain values, so the rules are tested without a browser; the widget in
``annotator.py`` only calls them and shows the result.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .labels import LabelScheme
from .messages import N_, Translate, english
from .sentences import Sentence

FILTER_ALL = "all"
FILTER_UNLABELLED = "unlabelled"
FILTER_FLAGGED = "flagged"

# Keys that do the same thing whatever the scheme; label keys come from the scheme.
CLEAR_KEYS = ("0", "Backspace", "Delete")
UNDO_KEYS = ("u",)
NEXT_KEYS = ("ArrowDown", "j")
PREVIOUS_KEYS = ("ArrowUp", "k")
NEXT_ARTICLE_KEYS = ("n",)
PREVIOUS_ARTICLE_KEYS = ("p",)
NOTE_KEYS = ("e",)
FLAG_KEYS = ("f",)
# Model assistance (``Annotator(suggest=True)`` or ``suggestions=``): accept the focused
# sentence's suggestion, or copy the label and note of its most similar labelled sentence.
ACCEPT_KEYS = ("a",)
COPY_KEYS = ("c",)


@dataclass(frozen=True)
class Action:
    """What a key press asks for: ``label`` (with ``label``), ``clear``, ``undo``, ``note``
    (edit the focused sentence's note), ``flag`` (toggle its discussion flag), ``move``
    (focus by ``step`` sentences), ``article`` (go ``step`` articles on), ``accept``
    (accept the focused sentence's suggestion) or ``copy`` (copy the label and note of the
    most similar labelled sentence)."""

    kind: str
    label: str = ""
    step: int = 0


def key_actions(
    scheme: LabelScheme, *, flag: bool = True, assist: bool = False
) -> dict[str, Action]:
    """Every handled key (``KeyboardEvent.key`` spelling) mapped to its action.

    ``flag=False`` leaves the flag key out (student mode has no discussion flags);
    ``assist=True`` adds the accept-suggestion and copy-similar keys.
    """
    actions = {label.key: Action("label", label=label.name) for label in scheme}
    fixed = (
        (CLEAR_KEYS, Action("clear")),
        (UNDO_KEYS, Action("undo")),
        (NOTE_KEYS, Action("note")),
        (FLAG_KEYS, Action("flag")),
        (NEXT_KEYS, Action("move", step=1)),
        (PREVIOUS_KEYS, Action("move", step=-1)),
        (NEXT_ARTICLE_KEYS, Action("article", step=1)),
        (PREVIOUS_ARTICLE_KEYS, Action("article", step=-1)),
        (ACCEPT_KEYS, Action("accept")),
        (COPY_KEYS, Action("copy")),
    )
    for keys, action in fixed:
        if action.kind == "flag" and not flag:
            continue
        if action.kind in ("accept", "copy") and not assist:
            continue
        for key in keys:
            actions.setdefault(key, action)  # a scheme's own key wins over a fixed one
    return actions


def interpret_key(
    key: str, scheme: LabelScheme, *, flag: bool = True, assist: bool = False
) -> Action | None:
    """The action for one key press, or None for a key the annotator does not handle."""
    return key_actions(scheme, flag=flag, assist=assist).get(key)


def key_hints(
    scheme: LabelScheme,
    *,
    corpus: bool = False,
    undo: bool = True,
    clear: bool = True,
    note: bool = True,
    flag: bool = True,
    assist: bool = False,
    translate: Translate = english,
) -> str:
    """The one-line keyboard help shown above the sentences (in ``translate``'s language).

    Built from ``key_actions``, so a key a custom label takes over is listed only for it.
    Student mode turns off what it does not offer: undo and flags always, and clear and
    note once the answers are locked.
    """
    _ = translate
    actions = key_actions(scheme, flag=flag, assist=assist)

    def keys(candidates: tuple[str, ...], kind: str) -> list[str]:
        return [k for k in candidates if actions.get(k) and actions[k].kind == kind]

    def shown(key: str) -> str:
        return {"ArrowUp": "↑", "ArrowDown": "↓", "Backspace": "Backspace"}.get(key, key)

    parts = [f"{label.key} {label.name}" for label in scheme]
    groups = [(CLEAR_KEYS, "clear", _("clear"))] if clear else []
    if undo:
        groups.append((UNDO_KEYS, "undo", _("undo")))
    if note:
        groups.append((NOTE_KEYS, "note", _("note (Enter saves, Esc discards)")))
    if flag:
        groups.append((FLAG_KEYS, "flag", _("flag for discussion")))
    if assist:
        groups.append((ACCEPT_KEYS, "accept", _("accept suggestion")))
        groups.append((COPY_KEYS, "copy", _("copy similar label+note")))
    groups.append(
        ((PREVIOUS_KEYS[0], NEXT_KEYS[0], *NEXT_KEYS[1:], *PREVIOUS_KEYS[1:]), "move", _("move"))
    )
    for candidates, kind, words in groups:
        free = keys(candidates, kind)
        if free:
            parts.append(f"{'/'.join(shown(k) for k in free)} {words}")
    if corpus:
        step = {
            k: actions[k].step for k in keys(NEXT_ARTICLE_KEYS + PREVIOUS_ARTICLE_KEYS, "article")
        }
        words = {1: "next", -1: "previous"}
        named = [(k, words[v]) for k, v in step.items()]
        if named:
            moves = "/".join(w for _k, w in named)
            which = {
                "next/previous": _("next/previous article"),
                "previous/next": _("previous/next article"),
                "next": _("next article"),
                "previous": _("previous article"),
            }[moves]
            parts.append("/".join(k for k, _w in named) + " " + which)
    return _("Keys: {keys} (click the sentence list first)").format(keys=" · ".join(parts))


def filter_options(
    scheme: LabelScheme, *, flag: bool = True, translate: Translate = english
) -> list[tuple[str, str]]:
    """(caption, value) pairs for the filter control: all, unlabelled, flagged (unless
    ``flag=False``), then each label."""
    _ = translate
    fixed = [(_("All"), FILTER_ALL), (_("Unlabelled"), FILTER_UNLABELLED)]
    if flag:
        fixed.append((_("⚑ Flagged"), FILTER_FLAGGED))
    return fixed + [(name.capitalize(), name) for name in scheme.names]


def visible_indices(
    sentences: Sequence[Sentence],
    labels: Mapping[str, str],
    which: str,
    flagged: AbstractSet[str] = frozenset(),
) -> list[int]:
    """Indices into ``sentences`` that the filter ``which`` shows, in reading order.

    ``flagged`` holds the ids flagged for discussion (for the ``flagged`` filter).
    """
    if which == FILTER_ALL:
        return list(range(len(sentences)))
    if which == FILTER_UNLABELLED:
        return [i for i, s in enumerate(sentences) if not labels.get(s.id)]
    if which == FILTER_FLAGGED:
        return [i for i, s in enumerate(sentences) if s.id in flagged]
    return [i for i, s in enumerate(sentences) if labels.get(s.id) == which]


def next_unlabelled(ids: Sequence[str], labels: Mapping[str, str], after: int) -> int | None:
    """Position of the first unlabelled id after position ``after``, wrapping round to the
    start; None when every id is labelled. ``after=-1`` finds the first unlabelled one."""
    count = len(ids)
    for offset in range(1, count + 1):
        position = (after + offset) % count
        if not labels.get(ids[position]):
            return position
    return None


def first_unlabelled(ids: Sequence[str], labels: Mapping[str, str]) -> int | None:
    """Position of the first unlabelled id, or None when all are labelled."""
    return next_unlabelled(ids, labels, -1)


def step_focus(position: int, step: int, count: int) -> int:
    """Focus moved by ``step`` and kept within ``0..count-1`` (-1 when there is nothing)."""
    if count == 0:
        return -1
    return min(max(position + step, 0), count - 1)


def page_count(count: int, page_size: int) -> int:
    """Number of pages needed for ``count`` rows (at least one, so an empty view has a page)."""
    return max(1, -(-count // page_size))


def page_of(position: int, page_size: int) -> int:
    """The page that shows ``position`` (page 0 for no focus)."""
    return max(position, 0) // page_size


def page_bounds(page: int, page_size: int, count: int) -> tuple[int, int]:
    """(start, stop) positions shown on ``page``; stop is the first position after it."""
    start = min(page * page_size, count)
    return start, min(start + page_size, count)


@dataclass(frozen=True)
class Progress:
    """How many of ``total`` sentences carry a label."""

    done: int
    total: int

    @property
    def fraction(self) -> float:
        """Share labelled, 0.0 for an empty set."""
        return self.done / self.total if self.total else 0.0

    def describe(self, what: str, translate: Translate = english) -> str:
        """E.g. ``"12 of 40 sentences labelled in this article (30%)"`` (``what`` is given
        already translated)."""
        return translate("{done} of {total} sentences labelled {what} ({share})").format(
            done=self.done, total=self.total, what=what, share=f"{self.fraction:.0%}"
        )


def progress(ids: Sequence[str], labels: Mapping[str, str]) -> Progress:
    """Labelled sentences among ``ids``."""
    return Progress(sum(1 for i in ids if labels.get(i)), len(ids))


def corpus_text(
    labelled: int,
    done: int,
    started: int,
    articles: int,
    *,
    assignment: bool = False,
    translate: Translate = english,
) -> str:
    """The corpus progress line, from counts that need no splitting: labelled sentences
    (from the log), articles known complete, and articles with at least one label.

    E.g. ``"412 sentences labelled · 14 of 100,000 articles done, 3 more started (0%)"``.
    """
    _ = translate
    started_more = started - done
    more = _(", {count} more started").format(count=f"{started_more:,}") if started_more > 0 else ""
    share = f"{done / articles if articles else 0.0:.0%}"
    if assignment:
        text = _("{done} of {articles} articles of your assignment done")
    else:
        text = _("{done} of {articles} articles done")
    head = _("{count} sentence labelled") if labelled == 1 else _("{count} sentences labelled")
    body = text.format(done=f"{done:,}", articles=f"{articles:,}")
    return f"{head.format(count=f'{labelled:,}')} · {body}{more} ({share})"


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the hex colour ``background`` (WCAG)."""
    digits = background.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    try:
        channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return "#000000"
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


@dataclass
class MessageOrder:
    """Puts numbered browser messages back in the order they were sent.

    JupyterLab may deliver widget messages on different kernel threads (subshells), so two
    quick key presses can arrive swapped. Each view numbers its messages from 0; ``accept``
    returns the messages that are now due, in order. A gap longer than ``patience`` messages
    is given up on, so one lost message never blocks the keyboard.
    """

    patience: int = 20
    _next: dict[str, int] = field(default_factory=dict)
    _waiting: dict[str, dict[int, Any]] = field(default_factory=dict)

    def accept(self, view: str, seq: int, message: Any) -> list[Any]:
        """Take message number ``seq`` of ``view``; return the messages due now, in order."""
        expected = self._next.setdefault(view, 0)
        if seq < expected:
            return [message]  # a view that restarted its count, or a late straggler
        waiting = self._waiting.setdefault(view, {})
        waiting[seq] = message
        if expected not in waiting and len(waiting) > self.patience:
            expected = min(waiting)
        due = []
        while expected in waiting:
            due.append(waiting.pop(expected))
            expected += 1
        self._next[view] = expected
        return due


def source_label(source: str) -> str:
    """How the header shows an article's source: a URL in full, a file by its name only."""
    if "://" in source or not source:
        return source
    return source.replace("\\", "/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------------------------
# Status texts: what the save indicator says after each action, and the undo report

NOTE_SHOWN_CHARS = 60
# What an undo report says when nothing visible changed (also the evidence report's test).
UNDO_UNCHANGED = N_("nothing on screen changed (the undone save repeated the same label)")
STALE_TEXT = N_(
    "Kernel restarted or stopped — run the cell again to keep labelling. "
    "Everything saved so far is safe on disk."
)


@dataclass(frozen=True)
class SentenceState:
    """What the widget shows for one sentence: its label, note and discussion flag."""

    label: str = ""
    note: str = ""
    flagged: bool = False


def shorten(text: str, limit: int = NOTE_SHOWN_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis when longer."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def saved_prefix(when: datetime, where: str | None, translate: Translate = english) -> str:
    """``"Saved 10:15:02 to annotations/ana.csv"``; without the place for ``where=None``
    (students never see server paths or file names)."""
    time = f"{when:%H:%M:%S}"
    if where:
        return translate("Saved {time} to {where}").format(time=time, where=where)
    return translate("Saved {time}").format(time=time)


def undo_text(
    index: int, before: SentenceState, after: SentenceState, translate: Translate = english
) -> str:
    """What an undo changed on sentence ``index`` (from 0), note and flag included.

    E.g. ``"Undid sentence 4: 'verified' → restored 'unconfirmed' and its note 'p. 3'."``
    Nothing an undo takes away goes unmentioned: a removed note is named.
    """
    _ = translate
    parts: list[str] = []
    label_changed = before.label != after.label
    if label_changed:
        if before.label and after.label:
            parts.append(
                _("'{before}' → restored '{after}'").format(before=before.label, after=after.label)
            )
        elif before.label:
            parts.append(
                _("'{label}' removed, the sentence is unlabelled again").format(label=before.label)
            )
        else:
            parts.append(_("restored '{label}'").format(label=after.label))
    elif after.label and before.note != after.note:
        parts.append(_("'{label}' kept").format(label=after.label))
    if after.note and (after.note != before.note or label_changed):
        note = shorten(after.note)
        if parts:
            parts[-1] += _(" and its note '{note}'").format(note=note)
        else:
            parts.append(_("restored the note '{note}'").format(note=note))
    if before.note and before.note != after.note:
        parts.append(_("the note '{note}' removed").format(note=shorten(before.note)))
    if before.flagged != after.flagged:
        parts.append(_("flag restored") if after.flagged else _("flag removed"))
    if not parts:
        parts.append(_(UNDO_UNCHANGED))
    return _("Undid sentence {number}: {changes}.").format(
        number=index + 1, changes="; ".join(parts)
    )


def flag_text(index: int, flagged: bool, translate: Translate = english) -> str:
    """The status after flagging or unflagging sentence ``index`` (from 0)."""
    if flagged:
        text = translate("sentence {number} flagged for discussion (f again removes the flag).")
    else:
        text = translate("sentence {number} no longer flagged.")
    return text.format(number=index + 1)


def note_prompt(index: int, translate: Translate = english) -> str:
    """The status while the note of sentence ``index`` (from 0) is being edited."""
    return translate(
        "Note for sentence {number}: type it, Enter saves it (with the label), "
        "Escape discards the edit."
    ).format(number=index + 1)


def note_closed_text(index: int, *, discarded: bool, translate: Translate = english) -> str:
    """The status once a note edit of sentence ``index`` (from 0) ends without a new note."""
    if discarded:
        text = translate("Note edit discarded: sentence {number} keeps the note it had.")
    else:
        text = translate("Note of sentence {number} unchanged.")
    return text.format(number=index + 1)


# ---------------------------------------------------------------------------------------------
# The fallback a saved notebook shows where the live widget was (no kernel, no widget model)


@dataclass(frozen=True)
class Summary:
    """What the fallback of a saved notebook says about an annotator's work."""

    title: str
    articles: int
    sentences: int | None  # None when unknown (a corpus: articles are split when shown)
    labelled: int
    flagged: int
    annotator: str
    saved_to: str  # "" when it must not be shown (student mode)
    done: int = 0  # articles known complete (what a corpus counts when sentences is None)


def fallback_text(summary: Summary, translate: Translate = english) -> str:
    """Plain-text stand-in for the widget, shown where its live view cannot be."""
    _ = translate
    count = summary.articles
    articles = _(" in {count} articles").format(count=count) if count > 1 else ""
    if summary.sentences is None:
        work = (
            _("{labelled} sentence labelled, {done} of {count} articles done")
            if summary.labelled == 1
            else _("{labelled} sentences labelled, {done} of {count} articles done")
        ).format(labelled=summary.labelled, done=summary.done, count=count)
    else:
        work = _("{labelled} of {total} sentences labelled{articles}").format(
            labelled=summary.labelled, total=summary.sentences, articles=articles
        )
    lines = [
        _("factcheck annotator: {title}").format(title=summary.title),
        _("{annotator}: {work}, {flagged} flagged for discussion.").format(
            annotator=summary.annotator, work=work, flagged=summary.flagged
        ),
    ]
    if summary.saved_to:
        lines.append(_("Labels are saved in {place}.").format(place=summary.saved_to))
    lines.append(_("This is a saved copy: run the cell (with a kernel) to label again."))
    return "\n".join(lines)


def fallback_line(summary: Summary, translate: Translate = english) -> str:
    """One line naming the widget, for a copy that shows the HTML summary beside it."""
    return translate("factcheck annotator: {title} (run the cell with a kernel to label)").format(
        title=summary.title
    )


def fallback_html(summary: Summary, translate: Translate = english) -> str:
    """The same stand-in as HTML; every piece of text is escaped (titles are untrusted)."""
    first, *rest = fallback_text(summary, translate).split("\n")
    body = "".join(f"<div>{html.escape(line, quote=True)}</div>" for line in rest)
    return (
        f'<div class="fc-fallback"><div><b>{html.escape(first, quote=True)}</b></div>{body}</div>'
    )


# ----- model assistance: suggestion chips, claim memory, queues -----

QUEUE_READING = "reading"


def suggestion_chip_html(
    label: str,
    confidence: float,
    *,
    accept_key: str = ACCEPT_KEYS[0],
    translate: Translate = english,
) -> str:
    """An outlined chip for a suggested label (escaped): never styled as a human label."""
    title = translate("Model suggestion: key {key} accepts it as your label").format(key=accept_key)
    text = translate("suggested: {label} {score}").format(label=label, score=f"{confidence:.2f}")
    return f'<span class="fc-suggestion" title="{html.escape(title)}">{html.escape(text)}</span>'


def similar_html(
    rows: Sequence[Mapping[str, Any]],
    *,
    copy_key: str = COPY_KEYS[0],
    translate: Translate = english,
) -> str:
    """The focused sentence's most similar labelled sentences (label, note, article), escaped.

    Every field is untrusted text from logs: escaped (after translation, so a translation
    cannot unescape it), and a note is never made a link.
    """
    if not rows:
        return ""
    _ = translate
    copies = html.escape(_("(key {key} copies this)").format(key=copy_key))
    items = []
    for rank, row in enumerate(rows):
        note = str(row.get("note", "") or "")
        article = _("article {id}").format(id=row["article_id"])
        items.append(
            f'<li><span class="fc-similar-label">{html.escape(str(row["label"]))}</span> '
            f'<span class="fc-similar-score">{float(row["score"]):.2f}</span> '
            f"{html.escape(str(row['text']))}"
            f' <span class="fc-muted">{html.escape(article)}'
            + (html.escape(_(" · note: {note}").format(note=note)) if note else "")
            + "</span>"
            + (f" <em>{copies}</em>" if rank == 0 else "")
            + "</li>"
        )
    heading = html.escape(_("Similar labelled sentences:"))
    return (
        f'<div class="fc-similar"><div class="fc-muted">{heading}</div>'
        f"<ol>{''.join(items)}</ol></div>"
    )


def queue_options(labels: Sequence[str], translate: Translate = english) -> list[tuple[str, str]]:
    """(caption, value) pairs for the queue dropdown: reading, uncertain, likely <label>."""
    _ = translate
    return [
        (_("Reading order"), QUEUE_READING),
        (_("Least certain first"), "uncertain"),
        *[(_("Likely {label} first").format(label=name), f"predicted:{name}") for name in labels],
    ]


def split_queue(value: str) -> tuple[str, str]:
    """A queue dropdown value as (kind, label): 'predicted:opinion' -> ('predicted', 'opinion')."""
    kind, _, label = value.partition(":")
    return kind, label


def queue_positions(
    order: Sequence[int], sentences: Sequence[Sentence], queue_ids: Sequence[str]
) -> list[int]:
    """``order`` (indices into ``sentences``) with the queued ones first, in queue order.

    Sentences not in the queue (labelled ones) keep their order after the queue, so a
    queue only changes which unlabelled sentence comes next, never hides one.
    """
    rank = {sid: i for i, sid in enumerate(queue_ids)}
    queued = sorted(
        (i for i in order if sentences[i].id in rank), key=lambda i: rank[sentences[i].id]
    )
    rest = [i for i in order if sentences[i].id not in rank]
    return queued + rest
