"""Answers for student mode: the small interface a key offers, feedback and scores.

Student mode takes any key object with ``get(sentence_id)`` (an entry with ``label`` and
``explanation``, or None), ``in``, ``entries``, ``article_ids`` and ``path``:
``classroom.AnswerKey`` is one; a CSV path is read by ``classroom.read_answer_key``. The
feedback a row shows and the scores are pure functions of plain values, so they are tested
without a widget, and the labelling widget does not import the teaching code.
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .articles import Article
from .errors import InputError, InputWarning
from .labels import DEFAULT_SCHEME, LabelScheme


class AnswerKeyLike(Protocol):
    """What student mode needs of an answer key (``factcheck.classroom.AnswerKey``)."""

    path: str

    @property
    def entries(self) -> Sequence[Any]: ...

    @property
    def article_ids(self) -> Sequence[str]: ...

    def get(self, sentence_id: str) -> Any: ...

    def __contains__(self, sentence_id: object) -> bool: ...


FEEDBACK_IMMEDIATE = "immediate"
FEEDBACK_END = "end"
FEEDBACK_MODES = (FEEDBACK_IMMEDIATE, FEEDBACK_END)


@dataclass(frozen=True)
class FeedbackView:
    """What a row shows after an answer is revealed: ``kind`` is ``right``, ``wrong``,
    ``open`` (no single right answer), ``unanswered``, or ``""`` (show nothing)."""

    kind: str
    headline: str = ""
    explanation: str = ""


def feedback_view(
    key: AnswerKeyLike, sentence_id: str, label: str, *, revealed: bool
) -> FeedbackView:
    """The feedback for one sentence: nothing until revealed, then right/wrong and why.

    A sentence outside the key (or with an empty key label) has no single right answer; its
    explanation, if the key has one, is still shown. Unanswered key sentences show the answer.
    """
    if not revealed:
        return FeedbackView("")
    entry = key.get(sentence_id)
    expected = entry.label if entry is not None else ""
    explanation = entry.explanation if entry is not None else ""
    if not expected:
        return FeedbackView("open", "No single right answer here.", explanation)
    if not label:
        return FeedbackView("unanswered", f"Not answered. The answer is {expected}.", explanation)
    if label == expected:
        return FeedbackView("right", f"✓ Right: {expected}.", explanation)
    return FeedbackView(
        "wrong", f"✗ Not quite: you chose {label}; the answer is {expected}.", explanation
    )


def feedback_html(view: FeedbackView) -> str:
    """The feedback as HTML for an ``HTML`` widget; both texts are escaped (they are untrusted)."""
    if not view.kind:
        return ""
    head = f"<b>{html.escape(view.headline, quote=True)}</b>"
    return head + (f" {html.escape(view.explanation, quote=True)}" if view.explanation else "")


@dataclass(frozen=True)
class Score:
    """Right answers: ``in_key`` sentences have a right answer, ``answered`` of them were
    answered (and revealed), ``correct`` of those were right."""

    in_key: int = 0
    answered: int = 0
    correct: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.in_key + other.in_key,
            self.answered + other.answered,
            self.correct + other.correct,
        )

    @property
    def finished(self) -> bool:
        """Whether every sentence with a right answer has been answered and revealed."""
        return self.answered >= self.in_key

    @property
    def fraction(self) -> float:
        """correct / in_key, as in the class report's ``score`` (0.0 with nothing to score)."""
        return self.correct / self.in_key if self.in_key else 0.0


def score(key: AnswerKeyLike, ids: Sequence[str], revealed: Mapping[str, str]) -> Score:
    """Score of the sentences ``ids`` given the revealed answers (sentence id -> label)."""
    in_key = answered = correct = 0
    for sentence_id in ids:
        if sentence_id not in key:
            continue
        in_key += 1
        label = revealed.get(sentence_id)
        if label:
            answered += 1
            correct += int(label == key.get(sentence_id).label)
    return Score(in_key, answered, correct)


def score_text(article: Score, overall: Score, *, articles: int, mode: str) -> str:
    """The score line of student mode: per article, then overall once several articles exist.

    Only revealed answers count, so in ``end`` mode nothing is given away before the check.
    """
    if article.in_key == 0:
        parts = ["No sentence of this article has a single right answer: label it as you see it."]
    elif article.finished:
        parts = [
            f"Score for this article: {article.correct} of {article.in_key} right "
            f"({article.fraction:.0%})."
        ]
    elif article.answered == 0:
        parts = [
            "Label every sentence, then press 'Check my answers'."
            if mode == FEEDBACK_END
            else "Label a sentence to see if you are right."
        ]
    else:
        parts = [f"Right so far: {article.correct} of {article.answered}."]
    if articles > 1:
        if overall.finished and overall.in_key:
            parts.append(
                f"Overall score: {overall.correct} of {overall.in_key} right "
                f"({overall.fraction:.0%}) in {articles} articles."
            )
        elif overall.answered:
            parts.append(f"Overall so far: {overall.correct} of {overall.answered} right.")
    return " ".join(parts)


def load_key(key: AnswerKeyLike | str | os.PathLike[str], scheme: LabelScheme) -> AnswerKeyLike:
    """The answer key itself, or read from its CSV file (by ``classroom.read_answer_key``,
    imported only then: the widget never depends on the teaching code to label)."""
    if not isinstance(key, (str, os.PathLike)):
        return key
    from .classroom import read_answer_key

    schemes = (scheme,) if scheme.id == DEFAULT_SCHEME.id else (scheme, DEFAULT_SCHEME)
    return read_answer_key(key, schemes=schemes)


def check_key_matches(
    key: AnswerKeyLike, articles: list[Article], where: dict[str, tuple[int, int]]
) -> None:
    """Refuse a key for other articles; warn about key sentences the articles no longer have."""
    name = key.path or "the answer key"
    if not any(entry.sentence_id in where for entry in key.entries):
        raise InputError(
            f"{name}: none of its {len(key.entries)} sentences is in the articles given "
            f"({', '.join(a.id for a in articles[:5])}); it is a key for "
            f"{', '.join(key.article_ids[:5]) or 'no article'}. Load those articles, or make "
            "a key for these ones."
        )
    ids = {a.id for a in articles}
    lost = [e for e in key.entries if e.article_id in ids and e.sentence_id not in where]
    if lost:
        warnings.warn(
            f"{name}: {len(lost)} sentence(s) of the key are not in the articles as loaded "
            f"now (first: {lost[0].sentence_id!r}, sentence {lost[0].sentence_index + 1} of "
            f"{lost[0].article_id}); was the article edited after the key was made? Students "
            "cannot answer them; make the key again from the current articles.",
            InputWarning,
            stacklevel=3,
        )
