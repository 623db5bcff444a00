"""Queues: which unlabelled sentence comes next, by reading order, model uncertainty or label.

``order_queue`` is a pure function of the sentences, what is already labelled and a trained
model snapshot (``factcheck.suggest.TrainedModel``), so a view can compute a queue off its
event loop and tests can call it directly. ``QueueChoiceLog`` records each switch of queue
with the model version at that moment, one JSON line per choice, beside the annotation log
(``*.queues.jsonl``: never read as a log, which are ``*.csv``).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._jsonl import append_line, read_lines

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
) -> Queue:
    """Order the sentences not in ``labelled`` (ids) by ``kind`` (one of ``QUEUES``).

    ``sentences`` are given in reading order; ties keep it. Without a model the queue falls
    back to reading order and says so in ``note``, so labelling never stops.
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
        note = "No suggestion model yet, so the queue is in reading order."
        return Queue(kind, label, "reading", version, ids, note)
    if kind == "predicted" and label not in model.labels:
        note = (
            f"The model has no '{label}' labels to learn from yet, so the queue is in "
            "reading order."
        )
        return Queue(kind, label, "reading", version, ids, note)
    proba = model.predict_proba([s.text for s in todo])
    if kind == "uncertain":
        key = -uncertainty(proba)
    else:
        key = -proba[:, model.labels.index(label)] if len(todo) else np.zeros(0)
    order = np.argsort(key, kind="stable")
    return Queue(kind, label, kind, version, tuple(ids[i] for i in order))


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
