"""Suggestions: a label model trained on the annotator's own labels, retrained in the background.

The model is scikit-learn: word (1-2) and character (2-5, within word bounds) n-gram TF-IDF
features and a multinomial logistic regression, whose ``predict_proba`` is the suggestion's
score (chosen over a linear SVM with ``CalibratedClassifierCV`` by ``benchmarks/bench_suggest.py``:
as good or better macro-F1 and no cross-validation folds that fail with few labels per class).

A suggestion is only ever data: nothing here writes to an annotation log. A view shows it and
records a label only when the annotator presses the accept key (see ``Suggestion``).
"""

from __future__ import annotations

import csv
import io
import math
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import InputError, InputWarning
from .labels import DEFAULT_SCHEME, LabelScheme
from .messages import Translate, english

MIN_LABELS = 20
"""Labelled sentences needed before suggestions appear (with at least ``MIN_CLASSES`` labels)."""
MIN_CLASSES = 2
MODEL_NAME = "factcheck-tfidf-lr"
SUGGESTION_COLUMNS: tuple[str, ...] = ("article_id", "sentence_id", "label", "score", "model")
_MAX_PROBLEMS = 5


@dataclass(frozen=True)
class Suggestion:
    """A model's suggested label for one sentence: shown to the annotator, never saved by itself.

    Accepting it (one key press) records a normal human label; ``label``, ``score`` and
    ``model`` then go into the provenance columns ``suggested_label``, ``suggestion_score``
    and ``model``.
    """

    article_id: str
    sentence_id: str
    label: str
    score: float
    model: str

    def provenance(self) -> dict[str, str]:
        """The provenance columns of the human label recorded when this is accepted."""
        return {
            "suggested_label": self.label,
            "suggestion_score": f"{self.score:.4f}",
            "model": self.model,
        }


@dataclass(frozen=True)
class TrainedModel:
    """An immutable trained snapshot: ``version`` names it in provenance and queue records."""

    version: str
    labels: tuple[str, ...]
    n_labels: int
    pipeline: Any
    seconds: float

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Sentences x ``labels`` probabilities (rows sum to 1)."""
        if not len(texts):
            return np.zeros((0, len(self.labels)))
        return self.pipeline.predict_proba(list(texts))

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """The most probable label of each sentence and its probability."""
        proba = self.predict_proba(texts)
        best = proba.argmax(axis=1) if len(proba) else np.zeros(0, dtype=int)
        return [(self.labels[i], float(proba[row, i])) for row, i in enumerate(best)]


def readiness(
    labels: Iterable[str], *, min_labels: int = MIN_LABELS, translate: Translate = english
) -> str | None:
    """Why suggestions cannot appear yet (a sentence to show the annotator, in ``translate``'s
    language), or None if they can."""
    counts = Counter(label for label in labels if label)
    total = sum(counts.values())
    if total < min_labels:
        return translate(
            "Suggestions appear after {min_labels} labels using at least {classes} "
            "different labels; {total} so far ({missing} to go)."
        ).format(
            min_labels=min_labels, classes=MIN_CLASSES, total=total, missing=min_labels - total
        )
    if len(counts) < MIN_CLASSES:
        only = next(iter(counts))
        return translate(
            "Suggestions need at least {classes} different labels; all {total} labels so "
            "far are {only}. Label a few sentences that are not {only}."
        ).format(classes=MIN_CLASSES, total=total, only=repr(only))
    return None


def build_pipeline(*, seed: int = 0) -> Any:
    """The untrained scikit-learn pipeline: word + char n-gram TF-IDF and logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, strip_accents="unicode"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    classifier = LogisticRegression(C=10.0, max_iter=1000, class_weight="balanced")
    del seed  # lbfgs is deterministic; the argument keeps the signature stable
    return make_pipeline(features, classifier)


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    min_labels: int = MIN_LABELS,
    version: str = MODEL_NAME,
) -> TrainedModel:
    """Train a suggestion model on labelled sentences; InputError (saying why) if too few."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels; give one label per text.")
    reason = readiness(labels, min_labels=min_labels)
    if reason is not None:
        raise InputError(reason)
    started = time.perf_counter()
    pipeline = build_pipeline()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lbfgs convergence chatter on tiny sets
        pipeline.fit(list(texts), list(labels))
    classes = tuple(str(c) for c in pipeline.classes_)
    return TrainedModel(version, classes, len(labels), pipeline, time.perf_counter() - started)


def training_data(df: pd.DataFrame) -> tuple[list[str], list[str]]:
    """One (text, label) per labelled sentence of a ``read_annotations`` frame.

    Several annotators' labels for one sentence become its most common label (ties: the
    first in label order), so the model learns the sentence once, not once per annotator.
    """
    if df.empty:
        return [], []
    frame = df[df["label"] != ""]
    texts: list[str] = []
    labels: list[str] = []
    for _, group in frame.groupby(["article_id", "sentence_id"], sort=True):
        counts = Counter(group["label"])
        top = max(counts.values())
        labels.append(min(label for label, n in counts.items() if n == top))
        texts.append(str(group["text"].iloc[-1]))
    return texts, labels


class SuggestionModel:
    """Suggestions that keep up with labelling without ever blocking the caller.

    ``update(texts, labels)`` returns at once: a background thread trains on the latest data
    given (updates that arrive during a training are coalesced into one more). With
    ``background="process"`` (the default) the training itself runs in one worker process,
    so it never competes with the caller's thread for the GIL (a key press in the kernel
    stays as fast as when idle: see ``benchmarks/bench_suggest.py``); if no process can be
    started it falls back to the thread. ``predict(texts)`` answers from the last finished
    model, or returns None while there is none. ``status`` is a sentence for the view
    ("12 labels to go", "training..."). ``close()`` stops the worker process.

    The worker is started with ``spawn`` (never a fork of a kernel), which imports the
    caller's main module: in a plain script, create the model under
    ``if __name__ == "__main__":`` (as with any multiprocessing) or pass
    ``background="thread"``. Notebooks and the widget need nothing.
    """

    def __init__(
        self,
        *,
        min_labels: int = MIN_LABELS,
        name: str = MODEL_NAME,
        background: Literal["process", "thread"] = "process",
    ) -> None:
        if min_labels < 2:
            raise ValueError(f"min_labels must be at least 2, got {min_labels!r}.")
        if background not in ("process", "thread"):
            raise ValueError(f"background must be 'process' or 'thread', not {background!r}.")
        self.min_labels = min_labels
        self.name = name
        self.background = background
        self._executor: Any = None
        self._lock = threading.Lock()
        self._pending: tuple[list[str], list[str]] | None = None
        self._model: TrainedModel | None = None
        self._thread: threading.Thread | None = None
        self._generation = 0
        self._reason: str | None = readiness([], min_labels=min_labels)
        self._reason_labels: list[str] = []  # the labels ``_reason`` was found from
        self._error: str | None = None
        self._idle = threading.Event()
        self._idle.set()

    @property
    def model(self) -> TrainedModel | None:
        """The last trained model (None until one has finished)."""
        return self._model

    @property
    def version(self) -> str:
        """The version of the model answering ``predict`` ('' while none)."""
        model = self._model
        return model.version if model is not None else ""

    @property
    def status(self) -> str:
        """One sentence for the view: why there are no suggestions yet, or which model answers."""
        return self.status_text()

    def status_text(self, translate: Translate = english) -> str:
        """``status`` in ``translate``'s language (the widget passes its own)."""
        with self._lock:
            training = self._thread is not None
            reason, error, model = self._reason, self._error, self._model
            seen = self._reason_labels
        if reason is not None:
            reason = readiness(seen, min_labels=self.min_labels, translate=translate)
        if error:
            return translate(
                "Suggestions paused: training failed ({error}). Labelling is unaffected."
            ).format(error=error)
        if model is None:
            if training and not reason:
                return translate("Training the suggestion model...")
            return reason or ""
        text = (
            translate("Suggestions by {version}, trained on {count} labels (retraining...).")
            if training
            else translate("Suggestions by {version}, trained on {count} labels.")
        )
        return text.format(version=model.version, count=model.n_labels)

    def update(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        """Retrain on these labelled sentences in the background; returns immediately."""
        data = (list(texts), list(labels))
        reason = readiness(data[1], min_labels=self.min_labels)
        with self._lock:
            self._reason, self._reason_labels = reason, data[1]
            if reason is not None:
                return
            self._pending = data
            if self._thread is None:
                self._idle.clear()
                self._thread = threading.Thread(
                    target=self._train_loop, name="factcheck-suggest", daemon=True
                )
                self._thread.start()

    def _train_loop(self) -> None:
        while True:
            with self._lock:
                data, self._pending = self._pending, None
                if data is None:
                    self._thread = None
                    self._idle.set()
                    return
                self._generation += 1
                version = f"{self.name}/{self._generation}"
            try:
                model = self._train(data, version)
            except Exception as exc:  # a thread must never die silently: show it in status
                with self._lock:
                    self._error = f"{type(exc).__name__}: {exc}"
                continue
            with self._lock:
                self._model, self._error = model, None

    def _train(self, data: tuple[list[str], list[str]], version: str) -> TrainedModel:
        if self.background == "process":
            try:
                if self._executor is None:
                    import multiprocessing
                    from concurrent.futures import ProcessPoolExecutor

                    context = multiprocessing.get_context("spawn")  # no fork of a kernel
                    self._executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
                future = self._executor.submit(
                    train, *data, min_labels=self.min_labels, version=version
                )
                return future.result()
            except (OSError, RuntimeError) as exc:  # BrokenProcessPool is a RuntimeError
                warnings.warn(
                    f"Suggestions: no worker process ({exc}); training in a thread instead.",
                    InputWarning,
                    stacklevel=2,
                )
                self.background = "thread"
        return train(*data, min_labels=self.min_labels, version=version)

    def close(self) -> None:
        """Stop the worker process (a later ``update`` starts a new one)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no training is running (for scripts and tests); False on timeout."""
        return self._idle.wait(timeout)

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]] | None:
        """(label, score) per sentence from the last trained model, or None if there is none."""
        model = self._model
        return None if model is None else model.predict(texts)

    def suggestions(self, sentences: Sequence[Any]) -> list[Suggestion]:
        """Suggestions for ``Sentence`` records (empty while no model has been trained)."""
        model = self._model
        if model is None or not sentences:
            return []
        answers = model.predict([s.text for s in sentences])
        return [
            Suggestion(s.article_id, s.id, label, round(score, 4), model.version)
            for s, (label, score) in zip(sentences, answers, strict=True)
        ]


def suggest(
    logs: Any,
    articles: Any,
    *,
    scheme: LabelScheme = DEFAULT_SCHEME,
    min_labels: int = MIN_LABELS,
) -> pd.DataFrame:
    """Suggestions for the sentences of ``articles`` that no log labels, as a frame.

    Columns ``SUGGESTION_COLUMNS``; ``model`` names the model and how many labels trained it.
    ``logs`` is anything ``read_annotations`` takes, ``articles`` anything ``load_articles``
    takes (or a list of ``Article``). InputError if the logs hold too few labels.
    """
    from .articles import Article, load_articles
    from .log import read_annotations

    df = read_annotations(logs, schemes=(scheme,))
    texts, labels = training_data(df)
    unknown = sorted(set(labels) - set(scheme.names))
    if unknown:
        raise InputError(
            f"{logs}: labels {unknown} are not in the scheme {scheme.name!r}; pass the scheme "
            "the logs were written with (--scheme)."
        )
    reason = readiness(labels, min_labels=min_labels)
    if reason is not None:
        raise InputError(f"{logs}: {reason}")
    model = train(texts, labels, min_labels=min_labels, version=f"{MODEL_NAME}@{len(labels)}")
    if isinstance(articles, Article):
        articles = [articles]
    elif not (isinstance(articles, list) and all(isinstance(a, Article) for a in articles)):
        articles = load_articles(articles)
    done = set(zip(df["article_id"], df["sentence_id"], strict=True)) if len(df) else set()
    todo = [s for a in articles for s in a.sentences if (a.id, s.id) not in done]
    answers = model.predict([s.text for s in todo])
    return pd.DataFrame(
        {
            "article_id": [s.article_id for s in todo],
            "sentence_id": [s.id for s in todo],
            "label": [label for label, _ in answers],
            "score": [round(score, 4) for _, score in answers],
            "model": model.version,
        },
        columns=list(SUGGESTION_COLUMNS),
    )


def write_suggestions(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a suggestions frame as CSV, atomically (an earlier file survives a failure)."""
    from ._atomic import write_bytes_atomic

    missing = [c for c in SUGGESTION_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"The suggestions table lacks the columns {missing}.")
    buffer = io.StringIO()
    table[list(SUGGESTION_COLUMNS)].to_csv(buffer, index=False, lineterminator="\n")
    return write_bytes_atomic(path, buffer.getvalue().encode("utf-8"))


def read_suggestions(
    path: str | Path,
    *,
    sentences: Iterable[tuple[str, str]] | None = None,
    scheme: LabelScheme = DEFAULT_SCHEME,
) -> list[Suggestion]:
    """Read and check a suggestions CSV written here or by any other system.

    Every row needs ``article_id, sentence_id, label, score, model``; the label must be in
    ``scheme`` and the score a number in [0, 1]. With ``sentences`` (the corpus's
    ``(article_id, sentence_id)`` pairs), a file naming none of them is refused as made for
    another corpus, and rows for sentences outside the corpus are left out with an
    InputWarning. Problems raise InputError naming the file and rows, so a caller can go on
    without suggestions; nothing is written anywhere.
    """
    name = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason}). Save it as UTF-8 CSV.") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InputError(
            f"{name}: the file is empty; expected the header {','.join(SUGGESTION_COLUMNS)}."
        )
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in SUGGESTION_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{name}, line 1: missing column(s) {', '.join(missing)}; a suggestions file needs "
            f"{', '.join(SUGGESTION_COLUMNS)} (as written by `factcheck suggest`)."
        )
    at = {c: header.index(c) for c in SUGGESTION_COLUMNS}
    known = set(scheme.names)
    problems: list[str] = []
    found: list[Suggestion] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"line {line}: {len(row)} fields, the header has {len(header)}")
            continue
        article_id, sentence_id, label, raw_score, model = (
            row[at[c]].strip() for c in SUGGESTION_COLUMNS
        )
        if not article_id or not sentence_id:
            problems.append(f"line {line}: empty article_id or sentence_id")
            continue
        if label not in known:
            problems.append(
                f"line {line}: unknown label {label!r} (known: {', '.join(scheme.names)})"
            )
            continue
        try:
            score = float(raw_score)
        except ValueError:
            score = math.nan
        if not 0.0 <= score <= 1.0:  # NaN fails this too
            problems.append(f"line {line}: score {raw_score!r} is not a number from 0 to 1")
            continue
        key = (article_id, sentence_id)
        if key in seen:
            problems.append(
                f"line {line}: sentence {sentence_id} again (first on line {seen[key]})"
            )
            continue
        seen[key] = line
        found.append(Suggestion(article_id, sentence_id, label, score, model or "unknown model"))
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        raise InputError(
            f"{name}: "
            + "; ".join(problems[:_MAX_PROBLEMS])
            + ". Correct these rows (labels of the scheme, scores from 0 to 1) and load it again."
        )
    if sentences is not None and found:
        corpus = set(sentences)
        inside = [s for s in found if (s.article_id, s.sentence_id) in corpus]
        if not inside:
            first = found[0]
            raise InputError(
                f"{name}: none of its {len(found)} suggestions name a sentence of this corpus "
                f"(line 2: {first.article_id}/{first.sentence_id}); it was made for another "
                "corpus. Run `factcheck suggest` on these articles."
            )
        if len(inside) < len(found):
            warnings.warn(
                f"{name}: {len(found) - len(inside)} of {len(found)} suggestions name sentences "
                "outside this corpus; left them out.",
                InputWarning,
                stacklevel=2,
            )
        found = inside
    return found


def model_ratings(
    df: pd.DataFrame,
    *,
    folds: int = 5,
    min_labels: int = MIN_LABELS,
    seed: int = 0,
    name: str = "model",
) -> pd.DataFrame:
    """The model as one more rater: out-of-fold predictions for every labelled sentence.

    Articles are split into ``folds`` groups; each group's sentences are predicted by a model
    trained on the other groups' labels (most common label per sentence), so the model never
    rates a sentence it learned. The rows have the columns of ``df`` that ``agreement`` needs
    with ``annotator == name``: ``agreement(pd.concat([df, model_ratings(df)]))`` puts the
    model's agreement with each annotator beside the human-human figures. Empty if a fold
    has too few labels to train (see ``readiness``).
    """
    columns = ["annotator", "article_id", "sentence_id", "label", "text"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    if name in set(df["annotator"]):
        raise InputError(
            f"An annotator is already called {name!r}; pass another name for the model rater "
            "(model_ratings(df, name=...))."
        )
    frame = df[df["label"] != ""]
    items = frame.drop_duplicates(["article_id", "sentence_id"])[["article_id", "sentence_id"]]
    texts, labels = training_data(frame)  # same (article_id, sentence_id) sort as items
    items = items.sort_values(["article_id", "sentence_id"], kind="stable").reset_index(drop=True)
    articles = items["article_id"].unique()
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(rng.permutation(articles), np.arange(len(articles)) % folds, strict=True))
    fold = items["article_id"].map(fold_of).to_numpy()
    predicted = np.array([""] * len(items), dtype=object)
    text_array, label_array = np.array(texts, dtype=object), np.array(labels, dtype=object)
    for f in range(folds):
        test, rest = fold == f, fold != f
        if not test.any():
            continue
        if readiness(label_array[rest], min_labels=min_labels) is not None:
            return pd.DataFrame(columns=columns)
        model = train(list(text_array[rest]), list(label_array[rest]), min_labels=min_labels)
        predicted[test] = [label for label, _ in model.predict(list(text_array[test]))]
    return items.assign(annotator=name, label=predicted, text=texts)[columns]


def learning_curve(
    df: pd.DataFrame,
    *,
    sizes: Sequence[int] = (20, 50, 100, 200, 500, 1000),
    test_share: float = 0.3,
    seed: int = 0,
) -> pd.DataFrame:
    """Macro-F1 of the model against the number of labels it learned from (aggregated rows).

    The labelled sentences of ``test_share`` of the articles are held out; the model trains
    on the first N of the others in a seeded random order. Columns ``labels, macro_f1,
    majority_f1`` (the majority-class baseline); sizes beyond the labels available are left
    out. Feed it to ``learning_curve_chart``.
    """
    from sklearn.metrics import f1_score

    texts, labels = training_data(df)
    columns = ["labels", "macro_f1", "majority_f1"]
    if not texts:
        return pd.DataFrame(columns=columns)
    items = df[df["label"] != ""].drop_duplicates(["article_id", "sentence_id"])
    items = items.sort_values(["article_id", "sentence_id"], kind="stable")
    rng = np.random.default_rng(seed)
    articles = items["article_id"].unique()
    held = set(rng.choice(articles, max(1, int(test_share * len(articles))), replace=False))
    is_test = items["article_id"].isin(held).to_numpy()
    text_array, label_array = np.array(texts, dtype=object), np.array(labels, dtype=object)
    pool = rng.permutation(np.flatnonzero(~is_test))
    test_texts, test_labels = list(text_array[is_test]), list(label_array[is_test])
    rows = []
    for n in sizes:
        if n > len(pool) or not test_texts:
            break
        chosen = pool[:n]
        if readiness(label_array[chosen], min_labels=min(n, MIN_LABELS)) is not None:
            continue
        model = train(list(text_array[chosen]), list(label_array[chosen]), min_labels=2)
        guess = [label for label, _ in model.predict(test_texts)]
        majority = Counter(label_array[chosen]).most_common(1)[0][0]
        rows.append(
            {
                "labels": n,
                "macro_f1": f1_score(test_labels, guess, average="macro"),
                "majority_f1": f1_score(
                    test_labels, [majority] * len(test_labels), average="macro"
                ),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def learning_curve_chart(curve: pd.DataFrame) -> Any:
    """A line chart of a ``learning_curve`` frame: the model and the majority baseline."""
    import altair as alt

    long = curve.melt("labels", ["macro_f1", "majority_f1"], "series", "value")
    long["series"] = long["series"].map(
        {"macro_f1": "suggestion model", "majority_f1": "majority class"}
    )
    return (
        alt.Chart(long, title="Learning curve: macro-F1 on held-out articles")
        .mark_line(point=True)
        .encode(
            x=alt.X("labels:Q", title="labels learned from"),
            y=alt.Y("value:Q", title="macro-F1", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("series:N", title=None),
            tooltip=["series:N", "labels:Q", alt.Tooltip("value:Q", format=".3f")],
        )
    )


def load_suggestions(
    path: str | Path,
    *,
    sentences: Iterable[tuple[str, str]] | None = None,
    scheme: LabelScheme = DEFAULT_SCHEME,
) -> tuple[dict[tuple[str, str], Suggestion], str]:
    """For a view: a suggestions file by ``(article_id, sentence_id)``, and a message.

    Never raises for a bad or missing file: the view shows the message (why there are no
    suggestions, or which rows were left out) and keeps working without them. The message
    is '' when everything was read.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InputWarning)
            found = read_suggestions(path, sentences=sentences, scheme=scheme)
    except InputError as exc:
        return {}, f"No suggestions shown: {exc}"
    except OSError as exc:
        return {}, f"No suggestions shown: {path}: {exc.strerror or exc}."
    message = " ".join(str(w.message) for w in caught if issubclass(w.category, InputWarning))
    return {(s.article_id, s.sentence_id): s for s in found}, message
