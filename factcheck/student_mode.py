"""Student mode: the labelling widget with an answer key, feedback, scores and final answers.

``StudentAnnotator`` is the labelling widget (``annotator.Annotator``) plus what a class
exercise needs: right/wrong with the teacher's explanation under each row, after each label
(``feedback="immediate"``) or after ``check()`` (``feedback="end"``); a revealed answer is
final, so the score shown is the one the class report gives. Students get no undo, flags,
evidence panel, suggestions or claim memory (they would give answers away), and never see a
server path or file name.

It subclasses the widget and overrides only its neutral hooks (``_refusal``, ``_final``,
``_row_extra``, ``_progress_extra``, ``_offered_keys``, ``_saved_to``...): rows, paging,
keys, the save indicator and the log stay the widget's own, so a click takes the same one
path (``label``). The feedback and scores are the pure functions of ``answers``.
``factcheck.Annotator(..., key=...)`` builds this class (``modes``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import Any

import ipywidgets as w

from . import session
from ._widgets import Row, set_classes
from .annotator import Annotator, _guarded, _locked
from .answers import (
    FEEDBACK_END,
    FEEDBACK_IMMEDIATE,
    FEEDBACK_MODES,
    AnswerKeyLike,
    Score,
    check_key_matches,
    feedback_html,
    feedback_view,
    load_key,
    score,
    score_text,
)
from .articles import Article
from .errors import InputError
from .log import AnnotationLog
from .sentences import Sentence

_logger = logging.getLogger(__name__)

__all__ = ["StudentAnnotator", "check_feedback", "offered_keys"]


def check_feedback(feedback: str) -> str:
    """``feedback`` if it is a feedback mode; else InputError naming the modes."""
    if feedback not in FEEDBACK_MODES:
        raise InputError(
            f"Annotator: feedback={feedback!r} is not a feedback mode. Use "
            f"{' or '.join(repr(m) for m in FEEDBACK_MODES)}."
        )
    return feedback


def offered_keys(*, student: bool, feedback: str, checked: bool) -> dict[str, bool]:
    """Which key groups ``key_hints`` offers: annotators get all; students never undo or
    flag, cannot clear a locked answer (immediate feedback locks each answer as it is
    given, end feedback locks the article at the check) and write no note once checked."""
    if not student:
        return {"undo": True, "clear": True, "note": True, "flag": True}
    locked = feedback == FEEDBACK_IMMEDIATE or checked
    return {"undo": False, "clear": not locked, "note": not checked, "flag": False}


class StudentAnnotator(Annotator):
    """Label as a student against an answer key: feedback, a score, final answers.

    ``key`` is an answer key (``classroom.AnswerKey`` or any object with the small interface
    of ``answers.AnswerKeyLike``) or its CSV file; ``feedback`` is ``"immediate"`` (after
    each label) or ``"end"`` (after ``check()``). Every other argument is the
    ``Annotator``'s.
    """

    _offers_flags = False
    _offers_evidence = False  # the key scores labels only
    _offers_assist = False
    _feedback_line = True
    _counts_every_sentence = True  # the small class set is split up front to check the key
    _cache_size = None  # every article is scored, so every split is kept

    def __init__(
        self,
        articles: Article | Iterable[Article] | str | os.PathLike[str],
        annotator: str,
        log: AnnotationLog | None = None,
        *,
        key: AnswerKeyLike | str | os.PathLike[str],
        feedback: str = FEEDBACK_IMMEDIATE,
        **kwargs: Any,
    ) -> None:
        self._key_given = key
        self.feedback = feedback
        super().__init__(articles, annotator, log, **kwargs)

    # ----- the hooks of the labelling widget -----

    def _check_mode(self) -> None:
        """Check the feedback mode, then read the key (before the log is opened)."""
        check_feedback(self.feedback)
        self.key: AnswerKeyLike = load_key(self._key_given, self.scheme)

    def _after_load(self) -> None:
        """Refuse a key for other articles; on resume, a fully labelled article counts as
        checked (checking needs every sentence labelled, so nothing is lost)."""
        check_key_matches(self.key, self.articles, self._where_all())
        self._checked = {
            a
            for a in range(len(self.articles))
            if self._sentences(a) and self._article_progress(a).done == len(self._sentences(a))
        }

    def _mode_parts(self) -> tuple[list[w.Widget], list[w.Widget]]:
        """The score above the guidelines, and again at the bottom (with the check button
        in ``end`` mode), where students finish."""
        _ = self._t
        self.score_label = w.Label(layout=w.Layout(width="100%"))
        self.end_score_label = w.Label(layout=w.Layout(width="100%"))
        self.check_button = w.Button(
            description=_("Check my answers"),
            tooltip=_(
                "Show right and wrong for every sentence of this article (answers are final)"
            ),
            icon="check-square-o",
        )
        for label in (self.score_label, self.end_score_label):
            label.add_class("fc-wrap")
            label.add_class("fc-score")
        self.end_score_label.add_class("fc-score-end")
        self.check_button.add_class("fc-check")
        self.check_button.on_click(lambda _: self._on_check())
        checking = [self.check_button] if self.feedback == FEEDBACK_END else []
        return [self.score_label], [w.HBox([*checking, self.end_score_label])]

    def _role(self) -> str:
        return self._t("Student")

    def _opening_text(self, resumed: int) -> str:
        if resumed:
            return self._t("Welcome back: {count} answer(s) restored.").format(count=resumed)
        return self._t("Your answers are saved as you click.")

    def _failure_text(self, exc: Exception) -> str:
        """Students never see server paths or file names."""
        return self._t(
            "Something went wrong ({error}). Your answers already saved "
            "are safe; tell your teacher."
        ).format(error=type(exc).__name__)

    def _not_saved_text(self, what: str, exc: OSError) -> str:
        """The path goes to the server's log, not to the student."""
        _logger.error("factcheck: %s could not be saved: %s", what, exc)
        return self._t(
            "NOT saved: {what} could not be written. Try again; if it fails again, "
            "tell your teacher."
        ).format(what=what)

    def _saved_to(self) -> str:
        return ""

    def _header_source(self, source: str) -> str:
        """Students see a web address but never a file name from the server."""
        return source if "://" in source else ""

    def _refusal(self, action: str, sentence: Sentence | None = None) -> str:
        _ = self._t
        number = sentence.index + 1 if sentence is not None else 0
        if action == "label" and sentence is not None and self._final(sentence.id):
            return _("Your answer to sentence {number} is final: its feedback is shown.").format(
                number=number
            )
        if action == "note" and sentence is not None and self._final(sentence.id):
            return _("Your answer to sentence {number} is final: its note is closed.").format(
                number=number
            )
        if action == "flag":
            return _("Flags for discussion are not part of student mode.")
        if action == "undo":
            return _(
                "Undo is off for students: an answer is final once its feedback is shown; "
                "before that, click another label to change it."
            )
        if action == "evidence":
            return _("Evidence and claim rewrites are not part of student mode.")
        if action == "assist":
            return _(
                "Suggestions and claim memory are off in student mode (they would give "
                "answers away)."
            )
        return ""

    def _final(self, sentence_id: str) -> bool:
        """Whether a sentence's feedback shows: the answer is then final."""
        if self.feedback == FEEDBACK_IMMEDIATE:
            return sentence_id in self._labels
        return self._locate(sentence_id)[0] in self._checked

    def _row_extra(self, row: Row, current: str) -> None:
        """Hide clear and note on a final answer (not just grey), lock its buttons and show
        its feedback (escaped HTML)."""
        final = self._final(row.sentence_id)
        for control, base in ((row.clear, "fc-clear"), (row.note, "fc-note")):
            set_classes(control, (base, "fc-hidden") if final else (base,))
        if row.feedback is None:
            return
        view = feedback_view(self.key, row.sentence_id, current, revealed=final)
        for button in row.buttons.values():
            if button.disabled != final:
                button.disabled = final
        if row.note.disabled != final:
            row.note.disabled = final
        value = feedback_html(view)
        if row.feedback.value != value:
            row.feedback.value = value
        kind = f"fc-{view.kind}" if view.kind else "fc-hidden"
        set_classes(row.feedback, ("fc-feedback", kind))

    def _progress_extra(self, progress: session.Progress) -> None:
        """The score lines, and the check button's state."""
        self.score_label.value = score_text(
            self.article_score(),
            self.overall_score(),
            articles=len(self.articles),
            mode=self.feedback,
        )
        self.end_score_label.value = self.score_label.value
        checked = self._article_index in self._checked
        self.check_button.disabled = checked or progress.done < progress.total
        self.check_button.description = (
            self._t("Checked") if checked else self._t("Check my answers")
        )

    def _offered_keys(self) -> dict[str, bool]:
        """Students get no undo or flag, and no clear or note once their answers are
        locked (immediate feedback locks each answer as it is given)."""
        return offered_keys(
            student=True, feedback=self.feedback, checked=self._article_index in self._checked
        )

    # ----- student mode's own actions -----

    @_locked
    def check(self) -> Score | None:
        """Reveal right/wrong for every sentence of the article shown and return its score.

        With ``feedback="end"`` every sentence must be labelled first (else None and a status
        message); the answers are final afterwards.
        """
        progress = self._article_progress(self._article_index)
        if progress.done < progress.total and self.feedback == FEEDBACK_END:
            left = progress.total - progress.done
            self._show_status(
                self._t("Label every sentence first: {count} still unlabelled.").format(count=left),
                "fc-pending",
            )
            return None
        self._checked.add(self._article_index)
        for row in self.rows:
            if row.sentence_id:
                self._paint_row(row)
        self._show_progress()
        self._show_status(self._t("Checked. {score}").format(score=self.score_label.value), "")
        return self.article_score()

    def article_score(self, index: int | None = None) -> Score:
        """Score of article ``index`` (default: the one shown) over its revealed answers."""
        ids = [s.id for s in self._sentences(self._article_index if index is None else index)]
        return score(self.key, ids, self._revealed_labels(ids))

    def overall_score(self) -> Score:
        """Score over every article, revealed answers only."""
        return sum((self.article_score(i) for i in range(len(self.articles))), Score())

    def _revealed_labels(self, ids: Iterable[str]) -> dict[str, str]:
        return {i: self._labels[i] for i in ids if i in self._labels and self._final(i)}

    def _where_all(self) -> dict[str, tuple[int, int]]:
        """Every sentence's place (splits every article: a class set is small)."""
        return {
            s.id: (a, i)
            for a in range(len(self.articles))
            for i, s in enumerate(self._sentences(a))
        }

    @_guarded
    def _on_check(self) -> None:
        self.check()
