"""Queues: which unlabelled sentence comes next, by reading order, model uncertainty or label.

``order_queue`` is a pure function of the sentences, what is already labelled and a trained
model snapshot (``factcheck.suggest.TrainedModel``), so a view can compute a queue off its
event loop and tests can call it directly. ``CorpusQueue`` ranks the sentences of a bounded
pool of a corpus's articles, so "next" can jump to the least certain sentence in another
article without splitting 100,000 articles to score them. ``QueueChoiceLog`` records each
switch of queue with the model version at that moment, one JSON line per choice, beside the
annotation log (``*.queues.jsonl``: never read as a log, which are ``*.csv``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._jsonl import append_line, read_lines
from .messages import Translate, english

if TYPE_CHECKING:
    from .sentences import Sentence
    from .suggest import TrainedModel

QUEUES: tuple[str, ...] = ("reading", "uncertain", "predicted")
"""``reading``: article and sentence order; ``uncertain``: the sentences the model is least
sure of first (smallest margin between its two most probable labels: active learning);
``predicted``: the most probable ``label`` first (e.g. "likely opinion first")."""


@dataclass(frozen=True)
class Queue:
    """An ordered queue of unlabelled sentence ids and how it was made.

    ``kind`` is the queue asked for; ``used`` the order actually applied (``reading`` when
    no model is trained yet, with ``note`` saying why); ``model_version`` is '' without a model.
    """

    kind: str
    label: str
    used: str
    model_version: str
    sentence_ids: tuple[str, ...]
    note: str = ""


def uncertainty(proba: np.ndarray) -> np.ndarray:
    """1 minus the margin between the two most probable labels: 1 = a coin toss, 0 = sure."""
    if proba.shape[1] < 2:
        return np.zeros(len(proba))
    top = np.sort(proba, axis=1)[:, -2:]
    return 1.0 - (top[:, 1] - top[:, 0])


def order_queue(
    sentences: Sequence[Sentence],
    kind: str = "reading",
    *,
    labelled: Collection[str] = (),
    model: TrainedModel | None = None,
    label: str = "",
    translate: Translate = english,
) -> Queue:
    """Order the sentences not in ``labelled`` (ids) by ``kind`` (one of ``QUEUES``).

    ``sentences`` are given in reading order; ties keep it. Without a model the queue falls
    back to reading order and says so in ``note`` (in ``translate``'s language), so
    labelling never stops.
    """
    if kind not in QUEUES:
        raise ValueError(f"Unknown queue {kind!r}; choose one of {', '.join(QUEUES)}.")
    if kind == "predicted" and not label:
        raise ValueError("The 'predicted' queue needs a label, e.g. label='opinion'.")
    done = set(labelled)
    todo = [s for s in sentences if s.id not in done]
    ids = tuple(s.id for s in todo)
    version = model.version if model is not None else ""
    if kind == "reading":
        return Queue(kind, label, "reading", version, ids)
    if model is None:
        note = translate("No suggestion model yet, so the queue is in reading order.")
        return Queue(kind, label, "reading", version, ids, note)
    if kind == "predicted" and label not in model.labels:
        note = translate(
            "The model has no '{label}' labels to learn from yet, so the queue is in reading order."
        ).format(label=label)
        return Queue(kind, label, "reading", version, ids, note)
    key = sort_keys(model.predict_proba([s.text for s in todo]), kind, model.labels, label)
    order = np.argsort(key, kind="stable")
    return Queue(kind, label, kind, version, tuple(ids[i] for i in order))


def sort_keys(proba: np.ndarray, kind: str, labels: Sequence[str], label: str = "") -> np.ndarray:
    """Ascending sort keys of a model queue: smallest first is asked first (ties stable).

    ``uncertain``: minus ``uncertainty``; ``predicted``: minus the probability of ``label``.
    One function for the article queue (``order_queue``) and the corpus queue.
    """
    if not len(proba):
        return np.zeros(0)
    if kind == "uncertain":
        return -uncertainty(proba)
    return -proba[:, list(labels).index(label)]


POOL_WINDOW = 12
"""Unseen articles split into a corpus queue's pool when the queue is built."""
POOL_STEP = 1
"""Unseen articles added to the pool each time the next sentence is asked for."""
POOL_MAX_ARTICLES = 200
"""Articles a pool holds at most (their sentences are kept: memory stays bounded)."""


def queue_usable(kind: str, model: TrainedModel | None, label: str = "") -> bool:
    """Whether a model queue can rank now: a trained model that knows ``label`` if asked."""
    if kind not in QUEUES or kind == "reading" or model is None:
        return False
    return kind != "predicted" or label in model.labels


class CorpusQueue:
    """Model order over a corpus: the next sentence to ask, from a bounded pool of articles.

    Scoring every sentence of 100,000 articles would split all of them, so the queue ranks
    a pool: every article already split that is ``offer``-ed to it (the article shown, the
    prefetched one), plus unseen articles taken in ``order`` (the corpus, assignment or
    filtered order) from position ``start`` on: ``window`` when built and ``step`` more at
    each ``next``, so the pool grows as you label and every article is reached in the end.
    It holds at most ``max_articles``: fully labelled articles leave first, then the
    oldest. Probabilities are cached per model version, so a key press scores only the
    sentences that joined since; a new model re-scores the pool (a few hundred sentences).
    Ties keep reading order (article position in ``order``, then sentence index).
    """

    def __init__(
        self,
        sentences_of: Callable[[int], Sequence[Sentence]],
        order: Sequence[int],
        *,
        start: int = 0,
        window: int = POOL_WINDOW,
        step: int = POOL_STEP,
        max_articles: int = POOL_MAX_ARTICLES,
    ) -> None:
        self._sentences_of = sentences_of
        self._order = list(order)
        self._position = {index: p for p, index in enumerate(self._order)}
        self._start = min(max(start, 0), max(len(self._order) - 1, 0))
        self._walked = 0  # positions of ``order`` visited from ``start``
        self.step = step
        self.max_articles = max_articles
        self.pool: dict[int, Sequence[Sentence]] = {}
        self._proba: dict[str, np.ndarray] = {}
        self._version = ""
        self.grow(window)

    def offer(self, index: int, sentences: Sequence[Sentence]) -> None:
        """An article split elsewhere joins the pool (if it is in ``order``)."""
        if index in self._position and index not in self.pool:
            self.pool[index] = sentences
            self._trim()

    def grow(self, count: int) -> int:
        """Split up to ``count`` unseen articles of ``order`` into the pool; how many joined."""
        added = 0
        while added < count and self._walked < len(self._order):
            index = self._order[(self._start + self._walked) % len(self._order)]
            self._walked += 1
            if index not in self.pool:
                self.pool[index] = self._sentences_of(index)
                added += 1
        self._trim()
        return added

    @property
    def exhausted(self) -> bool:
        """Whether every article of ``order`` has been taken into the pool once."""
        return self._walked >= len(self._order)

    def _trim(self, settled: Callable[[str], bool] | None = None) -> None:
        if settled is not None:
            for index in [i for i, ss in self.pool.items() if all(settled(s.id) for s in ss)]:
                del self.pool[index]
        while len(self.pool) > self.max_articles:
            del self.pool[next(iter(self.pool))]  # dicts keep insertion order: oldest first

    def ranked(
        self,
        kind: str,
        settled: Callable[[str], bool],
        model: TrainedModel | None,
        label: str = "",
    ) -> list[tuple[int, str]]:
        """(article index, sentence id) of the pool's unsettled sentences, best first; [] when
        the model cannot rank yet (see ``queue_usable``)."""
        self._trim(settled)
        if model is None or not queue_usable(kind, model, label):
            return []
        todo = sorted(
            ((index, s) for index, ss in self.pool.items() for s in ss if not settled(s.id)),
            key=lambda pair: (self._position[pair[0]], pair[1].index),
        )
        proba = self._probabilities([s for _, s in todo], model)
        self._proba = {s.id: self._proba[s.id] for _, s in todo}  # only what can be asked
        if not todo:
            return []
        order = np.argsort(sort_keys(proba, kind, model.labels, label), kind="stable")
        return [(todo[i][0], todo[i][1].id) for i in order]

    def _probabilities(self, sentences: Sequence[Sentence], model: TrainedModel) -> np.ndarray:
        """Rows of ``model``'s probabilities for ``sentences``, from the cache where scored."""
        if model.version != self._version:
            self._proba, self._version = {}, model.version
        new = [s for s in sentences if s.id not in self._proba]
        if new:
            for s, row in zip(new, model.predict_proba([s.text for s in new]), strict=True):
                self._proba[s.id] = row
        if not sentences:
            return np.zeros((0, len(model.labels)))
        return np.stack([self._proba[s.id] for s in sentences])

    def article_order(
        self,
        index: int,
        kind: str,
        settled: Callable[[str], bool],
        model: TrainedModel | None,
        label: str = "",
    ) -> list[str] | None:
        """The unsettled sentence ids of article ``index`` in this queue's order (what
        ``order_queue`` gives, from the cached scores); None when the model cannot rank."""
        if model is None or not queue_usable(kind, model, label):
            return None
        sentences = self.pool.get(index)
        if sentences is None:
            sentences = self._sentences_of(index)
            self.offer(index, sentences)
        todo = [s for s in sentences if not settled(s.id)]
        keys = sort_keys(self._probabilities(todo, model), kind, model.labels, label)
        return [todo[i].id for i in np.argsort(keys, kind="stable")]

    def next(
        self,
        kind: str,
        settled: Callable[[str], bool],
        model: TrainedModel | None,
        label: str = "",
    ) -> tuple[int, str] | None:
        """The next sentence to ask, anywhere in the pool, after growing it by ``step``
        articles (more while the pool has nothing left to ask); None when nothing is left
        or the model cannot rank yet."""
        if model is None or not queue_usable(kind, model, label):
            return None
        self.grow(self.step)
        ranked = self.ranked(kind, settled, model, label)
        while not ranked and not self.exhausted:
            self.grow(max(self.step, 1))
            ranked = self.ranked(kind, settled, model, label)
        return ranked[0] if ranked else None


@dataclass(frozen=True)
class QueueChoice:
    """One switch of queue: who, when, which queue (and label), and the model at that moment."""

    timestamp: str
    annotator: str
    queue: str
    label: str
    model_version: str
    n_labels: int


def queue_log_path(annotator: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """``<folder>/<annotator's log stem>.queues.jsonl``, beside the annotator's log."""
    from .log import log_path

    path = log_path(annotator, folder)
    return path.with_name(f"{path.stem}.queues.jsonl")


class QueueChoiceLog:
    """Append-only JSON-lines record of queue choices; each is on disk (fsynced) on return."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def record(
        self,
        annotator: str,
        queue: str,
        *,
        label: str = "",
        model_version: str = "",
        n_labels: int = 0,
    ) -> QueueChoice:
        """Record a queue choice now and return it."""
        from .log import utc_timestamp

        if queue not in QUEUES:
            raise ValueError(f"Unknown queue {queue!r}; choose one of {', '.join(QUEUES)}.")
        choice = QueueChoice(utc_timestamp(), annotator, queue, label, model_version, n_labels)
        append_line(self.path, asdict(choice))
        return choice

    def read(self) -> list[QueueChoice]:
        """Every recorded choice in order; InputError naming the file and line if one is bad.

        A last line without its newline (a write cut short) is ignored: it was never returned.
        """
        return read_lines(
            self.path,
            QueueChoice,
            what="a queue choice",
            advice="Remove the line; queue choices are a record only, no label depends on them.",
        )
