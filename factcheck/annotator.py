"""The labelling widget: stock ipywidgets plus a small anywidget keyboard bridge.

A thin view, composed of parts that live elsewhere:

- ``_widgets``: the shared parts of the widget family (sentence rows in a reused pool, the
  key bridge, the status line, the kernel-restart banner, the saved-notebook fallback). A
  mode with a view of its own (the Adjudicator) composes these; a mode that labels these
  rows with other rules subclasses ``Annotator`` and overrides only its mode hooks.
- ``session``: the rules as pure functions (keys, focus, filters, pages, progress, texts).
- ``_catalogue``: the corpus behind the view, split an article at a time when shown, with
  search and article filters, so the view costs what is on screen.
- mode hooks: a mode built on this widget changes what it offers through a few neutral
  methods (``_refusal``, ``_final``, ``_row_extra``, ``_offered_keys``, ``_saved_to``...)
  and class attributes (``_offers_flags``, ``_offers_evidence``, ``_offers_assist``);
  this module imports no mode.
- ``_evidence_form``: the evidence panel (key v: source URLs, quotes, source types, dates,
  archived copies and a justification; key r: a normalised claim rewrite), saved with the
  label through ``label`` as ``factcheck-log/2`` fields (``_offers_evidence``).
- ``AnnotationLog``: the durable record. ``Annotator.label`` is the one path every click,
  key press and script takes.
- ``suggest``, ``queues``, ``similar``: model assistance (``suggest=True``, ``suggestions=``).
  A suggestion is only shown; the accept key records it through ``label`` like any label,
  and its provenance goes to ``<log stem>.provenance.jsonl`` (``provenance.ProvenanceLog``), so the
  log keeps its ``factcheck-log/1`` columns.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from . import _catalogue, _evidence_form, _widgets, messages, session
from ._catalogue import Catalogue, CorpusFile
from ._escape import guidelines_html
from ._evidence_form import EvidenceForm
from ._widgets import (
    KeyBridge,
    Row,
    StatusLine,
    display_with_fallback,
    layout,
    make_row,
    mimebundle,
    row_styles,
    set_classes,
)
from .articles import Article, load_articles
from .assignment import Queue, check_queue, read_assignment
from .errors import InputError
from .evidence import Evidence, evidence_from_json, make_evidence
from .labels import DEFAULT_SCHEME, LabelScheme
from .language import text_direction
from .log import AnnotationLog, LogEvent, read_annotations
from .provenance import Provenance, ProvenanceLog, accepted_labels, provenance_path
from .queues import CorpusQueue, QueueChoiceLog, order_queue, queue_usable
from .sentences import Sentence
from .suggest import Suggestion, SuggestionModel, load_suggestions

if TYPE_CHECKING:
    from .similar import ClaimMemory

_logger = logging.getLogger(__name__)

RETRAIN_EVERY = 5
"""Labels between two background retrainings of the suggestion model."""
SIMILAR_SHOWN = 3
"""Similar labelled sentences shown for the focused sentence (claim memory)."""
MEMORY_MODEL = "claim-memory"

__all__ = ["Annotator", "Provenance", "ProvenanceLog", "accepted_labels", "provenance_path"]


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Route an exception in a widget callback to the save indicator (ipywidgets hides them)."""

    @wraps(method)
    def run(self: Annotator, *args: Any, **kwargs: Any) -> Any:
        try:
            with self._lock:
                return method(self, *args, **kwargs)
        except Exception as exc:
            _logger.exception("factcheck annotator callback failed")
            self._show_status(self._failure_text(exc), "fc-error")
            return None

    return run


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a method under the annotator's lock: the kernel may call back on several threads."""

    @wraps(method)
    def run(self: Annotator, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return run


class Annotator:
    """Label the sentences of one article or a corpus; every label is appended to a CSV log.

    Display it as the last expression of a cell. ``label(sentence_id, label)`` does what a
    click does. Labels already in the log are shown again, so re-running resumes the work.

    ``articles`` is an article, a sequence of articles, or a path (file, folder, corpus CSV
    or JSONL). Over a corpus an article is split into sentences when first shown (and the
    next one in advance), so building costs what is on screen; progress then counts
    articles done. One corpus CSV/JSONL file is opened lazily (``_catalogue.CorpusFile``):
    only each row's id, title, source, date and byte offset are read up front, and a row
    is cleaned when first shown. ``assignment=`` an ``<annotator>.csv`` of ``factcheck
    assign`` (or a ``Queue``) shows only that queue, in its order; for an assignment by
    sentence only the assigned sentences take labels, the others are shown greyed.

    ``suggest=True`` trains a model on your labels in the background (``SuggestionModel``;
    it never delays a key press) and shows its suggestion on each row as an outlined chip;
    ``suggestions=`` a CSV of ``factcheck suggest`` (or any system) shows those instead.
    Key a accepts the focused row's suggestion: only that writes it, as a normal label plus
    a provenance line (``ProvenanceLog``). With either, the queue dropdown orders the
    unlabelled sentences (reading, least certain, likely <label>; each switch is recorded
    by ``QueueChoiceLog``): under a model queue a label by key goes to the next sentence it
    asks anywhere in the corpus (``CorpusQueue``'s bounded pool of articles), and claim
    memory shows the labelled sentences most
    like the focused one (key c copies the first one's label and note).

    A mode changes what the widget offers through the hooks of "mode hooks" below; it adds
    its own parts and rules without branches in this class.
    """

    _offers_flags = True
    """Whether discussion flags (key f, the flag button, the Flagged filter) are offered."""
    _offers_evidence = True
    """Whether the evidence panel and claim rewrites (keys v, r) are offered."""
    _offers_assist = True
    """Whether suggestions and claim memory may be turned on."""
    _feedback_line = False
    """Whether each row has a feedback line under it (``_widgets.make_row``)."""
    _counts_every_sentence = False
    """Whether progress counts every sentence of a corpus (splitting each article up front)."""
    _cache_size: int | None = 8
    """Split articles kept in memory (None: all of them)."""

    def __init__(
        self,
        articles: Article | Iterable[Article] | str | os.PathLike[str],
        annotator: str,
        log: AnnotationLog | None = None,
        *,
        scheme: LabelScheme = DEFAULT_SCHEME,
        page_size: int = 25,
        folder: str | os.PathLike[str] | None = None,
        assignment: Queue | str | os.PathLike[str] | None = None,
        suggest: bool | SuggestionModel = False,
        suggestions: str | os.PathLike[str] | None = None,
        ui_language: str | None = None,
    ) -> None:
        # The widget's own words (messages.py): ui_language, else the locale, else English.
        self.ui_language = messages.ui_language(ui_language)
        self._t = messages.translator(self.ui_language)
        if isinstance(articles, (str, os.PathLike)):
            # One corpus file opens lazily: rows are cleaned when first shown.
            articles = _catalogue.open_corpus(articles) or load_articles(articles)
        self.articles: Sequence[Article] = (
            [articles]
            if isinstance(articles, Article)
            else articles
            if isinstance(articles, CorpusFile)
            else list(articles)
        )
        self.assignment = _queue(assignment) if assignment is not None else None
        if self.assignment is not None:
            self.articles = _assigned_articles(self.articles, self.assignment)
        if not self.articles:
            raise InputError(
                "Annotator: no articles to label. Load some first, e.g. "
                "factcheck.load_articles(factcheck.sample_path())."
            )
        if not str(annotator).strip():
            raise InputError(
                'Annotator: give your name, e.g. Annotator(articles, annotator="ana").'
            )
        if page_size < 1:
            raise ValueError(f"Annotator: page_size must be at least 1, not {page_size}.")
        self.scheme = scheme
        self._check_mode()
        self.page_size = page_size
        self.annotator = str(annotator).strip()
        self.log = (
            log
            if log is not None
            else AnnotationLog(annotator=self.annotator, folder=folder, scheme=scheme)
        )
        # Articles are split when first shown (a mode may keep every split, see
        # ``_cache_size``); nothing here grows with unseen articles.
        self._catalogue = Catalogue(self.articles, cache_size=self._cache_size)
        self._heads = self._catalogue.heads  # id, title, source, date: nothing cleaned
        # Sentence units of an assignment: only these sentences are labellable.
        self._assigned = self.assignment.sentence_ids if self.assignment is not None else set()
        current = self.log.current()
        self._labels = {sid: e.label for sid, e in current.items() if e.label and self._counts(sid)}
        self._notes = {sid: e.note for sid, e in current.items() if sid in self._labels and e.note}
        self._flagging = self._offers_flags
        self._flagged: set[str] = (
            {sid for sid in self.log.flagged() if self._catalogue.holds(sid)}
            if self._flagging
            else set()
        )
        self._pending_notes: dict[str, str] = {}
        self._corpus_done = len(self._labels)
        self._touched: dict[str, int] = {}
        for sid in self._labels:
            article_id = self._catalogue.article_id(sid)
            self._touched[article_id] = self._touched.get(article_id, 0) + 1
        # Articles already started are split once (only their counts kept), so the ones
        # finished count as done on reopening, not as "started".
        self._catalogue.learn_counts(
            index for index in map(self._catalogue.index_of, self._touched) if index is not None
        )
        self._after_load()
        self._choice = _catalogue.Choice()
        self._set_article_order(list(range(len(self.articles))))
        self._article_index = 0
        self._order: list[int] = []
        self._page = 0
        self._focus = -1
        self._painting = False
        self._lock = threading.RLock()
        self._messages = session.MessageOrder()
        self.saved: bool | None = None
        self._setup_assist(suggest, suggestions, current)
        self._build()
        opening = self._opening_text(self._corpus_done)
        self._show_status(f"{opening} {self._assist_message}".strip(), "")
        self.show_article(self._resume_index(current))

    # ----- model assistance (suggestions, queues, claim memory) -----

    def _setup_assist(
        self,
        suggest: bool | SuggestionModel,
        suggestions: str | os.PathLike[str] | None,
        current: dict[str, LogEvent],
    ) -> None:
        """Prepare suggestions, the queue record and claim memory (nothing is written)."""
        self.model: SuggestionModel | None = None
        self.provenance = ProvenanceLog(provenance_path(self.log.path))
        log_file = Path(self.log.path)
        self.queue_log = QueueChoiceLog(log_file.with_name(f"{log_file.stem}.queues.jsonl"))
        self._file_suggestions: dict[str, Suggestion] = {}
        self._shown: dict[str, Suggestion] = {}
        self._similar_rows: list[dict[str, Any]] = []
        self._memory: ClaimMemory | None = None
        # Claim memory works on one thread of its own (adding to and querying the index
        # costs tens of ms): a key press only hands it the work. ``_memory_lock`` guards the
        # index; it is never held while waiting for ``_lock``, so the two cannot deadlock.
        self._memory_lock = threading.Lock()
        self._memory_pool: ThreadPoolExecutor | None = None
        self._memory_job: Future[None] | None = None
        self._similar_for = ""  # the sentence whose similar sentences were asked for last
        self._similar_shown_for = ""  # the sentence whose similar sentences are shown
        self._queue = session.QUEUE_READING
        self._queue_note = ""
        self._corpus_queue: CorpusQueue | None = None  # built when a model queue is chosen
        self._since_training = 0
        self._watching = False
        self._painted_version = ""
        self._texts = {sid: e.text for sid, e in current.items() if sid in self._labels}
        wanted = suggest is not False or suggestions is not None
        self._assist = wanted and self._offers_assist
        self._assist_message = ""
        if wanted and not self._offers_assist:
            self._assist_message = self._refusal("assist")
            return
        if not wanted:
            return
        messages = []
        if suggest is not False:
            self.model = suggest if isinstance(suggest, SuggestionModel) else SuggestionModel()
        if suggestions is not None:
            # Check the file against the corpus when that costs little (a lazy corpus of
            # many articles is not split to check it: rows for other sentences never show).
            pairs = (
                [(a.id, s.id) for i, a in enumerate(self.articles) for s in self._sentences(i)]
                if len(self.articles) <= 200
                else None
            )
            found, message = load_suggestions(suggestions, sentences=pairs, scheme=self.scheme)
            self._file_suggestions = {s.sentence_id: s for s in found.values()}
            messages.append(
                message
                or self._t("{count} suggestion(s) from {file}.").format(
                    count=f"{len(found):,}", file=suggestions
                )
            )
        frame = None
        try:
            if any(log_file.parent.glob("*.csv")):
                frame = read_annotations(
                    str(log_file.parent / "*.csv"), schemes=(self.scheme,), on_error="skip"
                )
        except (InputError, OSError, ValueError) as exc:
            messages.append(self._t("Claim memory is empty: {error}").format(error=exc))
            frame = None
        from .similar import ClaimMemory  # here: scipy loads only when a model assists

        if frame is not None and not frame.empty:
            self._memory = ClaimMemory(frame)
        else:
            self._memory = ClaimMemory(_empty_annotations())
        self._assist_message = " ".join(m for m in messages if m)

    def _retrain(self) -> None:
        """Hand the labels to the model (returns at once) and repaint when it has trained."""
        if self.model is None:
            return
        ids = [sid for sid in self._labels if sid in self._texts]
        self.model.update([self._texts[sid] for sid in ids], [self._labels[sid] for sid in ids])
        self._since_training = 0
        if not self._watching:
            self._watching = True
            threading.Thread(
                target=self._watch_model, name="factcheck-repaint", daemon=True
            ).start()

    def _watch_model(self) -> None:
        """Off the event loop: wait for training to finish, then show the new suggestions."""
        model = self.model
        try:
            if model is not None:
                model.wait()
        finally:
            with self._lock:
                self._watching = False
                try:
                    self.refresh_suggestions()
                except Exception:  # a thread must never die silently: say so in status
                    _logger.exception("factcheck: showing new suggestions failed")

    def wait_for_suggestions(self, timeout: float | None = None) -> bool:
        """Block until the model has finished training and claim memory has answered, then
        show the suggestions (for scripts and tests; the widget itself never waits).
        False on timeout."""
        if self.model is not None and not self.model.wait(timeout):
            return False
        job = self._memory_job
        if job is not None:
            try:
                job.result(timeout)
            except TimeoutError:
                return False
        self.refresh_suggestions()
        return True

    def _memory_work(self, work: Callable[[], None]) -> None:
        """Run claim-memory work on its own thread, in order; a failure goes to the log."""
        if self._memory_pool is None:
            self._memory_pool = ThreadPoolExecutor(1, thread_name_prefix="factcheck-memory")

        def run() -> None:
            try:
                work()
            except Exception:  # a worker must never fail silently
                _logger.exception("factcheck: claim memory failed")

        self._memory_job = self._memory_pool.submit(run)

    @_locked
    def refresh_suggestions(self) -> None:
        """Show the latest model's suggestions on the rows on screen (the model's thread calls
        this when a training finishes; nothing is written)."""
        if not self._assist:
            return
        self._compute_shown()
        for row in self.rows:
            if row.sentence_id:
                self._paint_chip(row)
        self._show_readiness()

    def _compute_shown(self) -> None:
        """The suggestions of the unlabelled rows on screen (what key a would accept)."""
        todo = [
            self._sentence(r.sentence_id)
            for r in self.rows
            if r.sentence_id
            and r.sentence_id not in self._labels
            and self._labellable(r.sentence_id)
        ]
        self._shown = {s.sentence_id: s for s in self._suggestions_for(todo)}
        self._painted_version = self.model.version if self.model is not None else ""

    def _suggestions_for(self, sentences: list[Sentence]) -> list[Suggestion]:
        if self.model is not None:
            return self.model.suggestions(sentences)
        return [self._file_suggestions[s.id] for s in sentences if s.id in self._file_suggestions]

    def _paint_chip(self, row: Row) -> None:
        chip = self._chips.get(id(row))
        if chip is None:
            return
        found = self._shown.get(row.sentence_id)
        value = (
            session.suggestion_chip_html(found.label, found.score, translate=self._t)
            if found is not None and row.sentence_id not in self._labels
            else ""
        )
        if chip.value != value:
            chip.value = value

    def _show_readiness(self) -> None:
        if self.model is not None:
            text = self.model.status_text(self._t)
        elif self._file_suggestions:
            text = self._t("{count} suggestion(s) from a file.").format(
                count=f"{len(self._file_suggestions):,}"
            )
        else:
            text = self._assist_message
        if self.suggest_label.value != text:
            self.suggest_label.value = text

    def _show_similar(self) -> None:
        """Claim memory: ask (off the key press) for the labelled sentences most like the
        focused one; they are shown when found, if that sentence still has the focus."""
        memory, focused = self._memory, self.focused
        if memory is None:
            return
        wanted = focused.id if focused is not None else ""
        self._similar_for = wanted
        if focused is None:
            self._put_similar(wanted, [])
            return

        def find() -> None:
            with self._memory_lock:
                found = memory.similar(focused.text, k=SIMILAR_SHOWN, exclude=focused.id)
            self._put_similar(wanted, found.to_dict("records"))

        self._memory_work(find)

    def _put_similar(self, sentence_id: str, rows: list[dict[str, Any]]) -> None:
        with self._lock:
            if sentence_id != self._similar_for:
                return  # the focus moved on: a newer query is on its way
            self._similar_rows, self._similar_shown_for = rows, sentence_id
            value = session.similar_html(rows, translate=self._t)
            if self.similar_box.value != value:
                self.similar_box.value = value

    def _after_label(self, sentence_id: str, label: str, note: str) -> None:
        """A label changed: remember it for claim memory and retrain every few labels."""
        if not self._assist:
            return
        if label:
            sentence = self._sentence(sentence_id)
            self._texts[sentence_id] = sentence.text
            memory = self._memory
            if memory is not None:

                def remember() -> None:
                    with self._memory_lock:
                        memory.remember(
                            sentence.article_id,
                            sentence_id,
                            sentence.text,
                            label,
                            note,
                            self.annotator,
                        )

                self._memory_work(remember)
        else:
            self._texts.pop(sentence_id, None)
        self._shown.pop(sentence_id, None)
        self._since_training += 1
        if self.model is not None and (
            self.model.version == "" or self._since_training >= RETRAIN_EVERY
        ):
            self._retrain()
        self._show_readiness()

    @_locked
    def accept_suggestion(self, sentence_id: str | None = None) -> LogEvent | None:
        """Accept the suggestion shown for a sentence (default: the focused one), as key a does.

        The one way a suggestion becomes a label: it is recorded through ``label`` like a
        click, plus one provenance line. Returns the logged event, or None.
        """
        sentence = self._sentence(sentence_id) if sentence_id is not None else self.focused
        if sentence is None:
            return None
        if not self._assist:
            self._show_status(
                self._assist_message
                or self._t("No suggestions here: use Annotator(suggest=True)."),
                "",
            )
            return None
        if sentence.id in self._labels:
            self._show_status(
                self._t(
                    "Sentence {number} is already labelled; press a label key to change it."
                ).format(number=sentence.index + 1),
                "",
            )
            return None
        found = self._shown.get(sentence.id)
        if found is None:
            found = next(iter(self._suggestions_for([sentence])), None)
        if found is None:
            self._show_status(
                self._t("No suggestion for sentence {number} yet. {readiness}").format(
                    number=sentence.index + 1, readiness=self.suggest_label.value
                ),
                "",
            )
            return None
        event = self.label(sentence.id, found.label)
        if event is not None:
            provenance = found.provenance()
            self._record_provenance(event, "suggestion", provenance, "")
        return event

    @_locked
    def copy_similar(self, sentence_id: str | None = None) -> LogEvent | None:
        """Copy the label and note of the most similar labelled sentence shown, as key c does.

        Recorded through ``label`` like a click, plus one provenance line (``memory``).
        """
        sentence = self._sentence(sentence_id) if sentence_id is not None else self.focused
        if sentence is None or self._memory is None:
            if self._memory is None:
                self._show_status(
                    self._assist_message
                    or self._t("No claim memory here: use Annotator(suggest=True)."),
                    "",
                )
            return None
        if sentence.id != self._similar_shown_for:  # not shown (yet): ask now
            with self._memory_lock:
                found = self._memory.similar(sentence.text, k=1, exclude=sentence.id)
            rows = found.to_dict("records")
        else:
            rows = self._similar_rows
        if not rows or str(rows[0]["label"]) not in self.scheme.names:
            self._show_status(
                self._t("No similar labelled sentence to copy for sentence {number}.").format(
                    number=sentence.index + 1
                ),
                "",
            )
            return None
        top = rows[0]
        event = self.label(sentence.id, str(top["label"]), note=str(top.get("note", "") or ""))
        if event is not None:
            provenance = {
                "suggested_label": str(top["label"]),
                "suggestion_score": f"{float(top['score']):.4f}",
                "model": MEMORY_MODEL,
            }
            self._record_provenance(event, "memory", provenance, str(top["sentence_id"]))
        return event

    def _record_provenance(
        self, event: LogEvent, kind: str, provenance: dict[str, str], copied_from: str
    ) -> None:
        entry = Provenance(
            event.timestamp,
            event.annotator,
            event.article_id,
            event.sentence_id,
            event.label,
            kind,
            copied_from=copied_from,
            **provenance,
        )
        try:
            self.provenance.record(entry)
        except OSError as exc:
            self._show_status(
                self._t(
                    "{status} Its provenance was NOT saved to {path} ({error}); "
                    "the label itself is saved."
                ).format(status=self.status, path=self.provenance.path, error=exc),
                "fc-error",
            )
            return
        what = (
            self._t("{status} (accepted suggestion, score {score}).")
            if kind == "suggestion"
            else self._t("{status} (copied from a similar sentence, score {score}).")
        )
        self._show_status(what.format(status=self.status, score=provenance["suggestion_score"]), "")

    @_locked
    def choose_queue(self, value: str) -> list[str]:
        """Choose the queue: 'reading', 'uncertain' or 'predicted:<label>' (the queue dropdown
        does this). A model queue orders the article's unlabelled sentences and, across the
        corpus, focuses the sentence it asks first (``CorpusQueue``: a bounded pool of
        articles); a label by key then goes to the next one, in whichever article. The
        choice and the model version are recorded; returns the ids of the article shown."""
        kind, label = session.split_queue(value)
        if (kind, label) not in [session.split_queue(v) for _, v in self._queue_options()]:
            raise InputError(
                f"Annotator: queue {value!r} is not one of "
                f"{', '.join(v for _, v in self._queue_options())}."
            )
        self._queue = value
        self._queue_note = ""
        self._corpus_queue = None
        if kind != session.QUEUE_READING and self._assist:
            self._corpus_pool()
        version = self.model.version if self.model is not None else ""
        try:
            self.queue_log.record(
                self.annotator, kind, label=label, model_version=version, n_labels=len(self._labels)
            )
        except OSError as exc:
            self._show_status(
                self._t("The queue choice was NOT recorded in {path} ({error}).").format(
                    path=self.queue_log.path, error=exc
                ),
                "fc-error",
            )
        self._refresh_order()
        self.show_page(0)
        if self.next_in_queue() is None:  # a model queue opens its first sentence anywhere
            ids = self._order_ids()
            first = session.first_unlabelled(ids, self._settled(ids))
            if first is not None:
                self._set_focus(first)
        ids = self._order_ids()
        if self._queue_note:
            self._show_status(self._queue_note, "")
        return ids

    def _queue_options(self) -> list[tuple[str, str]]:
        return session.queue_options(self.scheme.names, self._t)

    def _corpus_pool(self) -> CorpusQueue:
        """The corpus queue's pool (see ``CorpusQueue``): built from the article shown on,
        in the navigation order, with the article shown in it."""
        if self._corpus_queue is None:
            start = max(self._position(), 0)
            self._corpus_queue = CorpusQueue(self._sentences, self._article_order, start=start)
            self._corpus_queue.offer(self._article_index, self._sentences(self._article_index))
        return self._corpus_queue

    def _queue_target(self) -> tuple[int, str] | None:
        """(article index, sentence id) the chosen model queue asks next, anywhere in the
        corpus; None in reading order or until a model is trained."""
        kind, label = session.split_queue(self._queue)
        model = self.model.model if self.model is not None else None
        if not self._assist or not queue_usable(kind, model, label):
            return None

        def settled(sentence_id: str) -> bool:
            return sentence_id in self._labels or not self._labellable(sentence_id)

        return self._corpus_pool().next(kind, settled, model, label)

    @_locked
    def next_in_queue(self) -> str | None:
        """Focus the sentence the model queue asks next, opening its article if it is another
        one (what a label by key does under a model queue); its id, or None."""
        target = self._queue_target()
        if target is None:
            return None
        index, sentence_id = target
        ids = self._order_ids() if index == self._article_index else []
        if sentence_id in ids:
            self._set_focus(ids.index(sentence_id))
        else:
            self.show_article(index, focus=sentence_id)
        return sentence_id

    def _queue_order(self, sentences: list[Sentence]) -> None:
        """Apply the chosen queue to ``_order`` (reading order without a trained model)."""
        if self._queue == session.QUEUE_READING or not self._assist:
            return
        kind, label = session.split_queue(self._queue)
        model = self.model.model if self.model is not None else None
        settled = self._settled(s.id for s in sentences)
        if self._corpus_queue is not None and queue_usable(kind, model, label):
            # The corpus queue has scored this article's sentences: reuse its scores.
            ids = self._corpus_queue.article_order(
                self._article_index, kind, settled.__contains__, model, label
            )
            self._order = session.queue_positions(self._order, sentences, ids or [])
            return
        queue = order_queue(
            sentences, kind, labelled=settled, model=model, label=label, translate=self._t
        )
        if queue.note:
            self._queue_note = queue.note
        self._order = session.queue_positions(self._order, sentences, queue.sentence_ids)

    def close(self) -> None:
        """Stop the suggestion model's worker process and the claim-memory thread (labels
        are saved as they are made)."""
        if self.model is not None:
            self.model.close()
        if self._memory_pool is not None:
            self._memory_pool.shutdown(wait=False, cancel_futures=True)
            self._memory_pool = None

    # ----- mode hooks: what a mode built on this widget may change -----
    # The labelling widget's own answers; a mode overrides a few of them (and the class
    # attributes above) to add its parts and rules, without branches in this class.

    def _check_mode(self) -> None:
        """Check and load the mode's own inputs (before anything is read or written)."""

    def _after_load(self) -> None:
        """The saved labels are loaded: set up the mode's state that depends on them."""

    def _mode_parts(self) -> tuple[list[w.Widget], list[w.Widget]]:
        """Extra widgets of the mode: (above the guidelines, below the pages)."""
        return [], []

    def _role(self) -> str:
        """Who is working, as the status line names them."""
        return self._t("Annotator")

    def _opening_text(self, resumed: int) -> str:
        """The first status: labels resumed from the log, or where they will be saved."""
        if resumed:
            return self._t("Resumed {count} saved label(s) from {log}.").format(
                count=resumed, log=self._log_name()
            )
        return self._t("Labels are saved to {log} as you click.").format(log=self._log_name())

    def _failure_text(self, exc: Exception) -> str:
        """The status after a callback failed (the exception itself is logged)."""
        return self._t("Error: {error}. Labels already saved are safe in {log}.").format(
            error=exc, log=self._log_name()
        )

    def _not_saved_text(self, what: str, exc: OSError) -> str:
        """The status when ``what`` could not be written."""
        return self._t(
            "NOT saved: {what} could not be written to {log} ({error}). "
            "Fix the folder or file, then try again."
        ).format(what=what, log=self._log_name(), error=exc)

    def _saved_to(self) -> str:
        """Where labels are saved, as the status and the summary name it ("": not shown)."""
        return self._log_name()

    def _header_source(self, source: str) -> str:
        """The article's source as the header shows it ("": not shown)."""
        return source

    def _refusal(self, action: str, sentence: Sentence | None = None) -> str:
        """Why ``action`` (label, note, flag, undo, evidence, assist) is refused on
        ``sentence`` here, or "" when it is allowed."""
        return ""

    def _final(self, sentence_id: str) -> bool:
        """Whether a sentence's label is final here (nothing to clear)."""
        return False

    def _row_extra(self, row: Row, current: str) -> None:
        """Paint what the mode adds to a row (``current``: the row's label)."""

    def _progress_extra(self, progress: session.Progress) -> None:
        """Show what the mode adds to the progress (``progress``: the article shown)."""

    def _offered_keys(self) -> dict[str, bool]:
        """The key groups the key help offers now (``session.key_hints``' switches)."""
        return {"undo": True, "clear": True, "note": True, "flag": self._flagging}

    # ----- building the view (once) -----

    def _build(self) -> None:
        _ = self._t
        corpus = len(self.articles) > 1
        hidden = {"display": "none"} if not corpus else {}
        self.title_label = w.Label(layout=w.Layout(width="100%"))
        self.meta_label = w.Label(layout=w.Layout(width="100%"))
        # The save state stays in view while a long article scrolls (CSS position: sticky).
        self._status_line = StatusLine(f"{self._role()}: {self.annotator}")
        self.annotator_label = self._status_line.name_label
        self.status_label = self._status_line.label
        self.status_bar = self._status_line.bar
        self.previous_article_button = w.Button(
            description=_("◀ Previous article"), **layout(hidden)
        )
        self.next_article_button = w.Button(description=_("Next article ▶"), **layout(hidden))
        self.article_position_label = w.Label()
        # Find an article by title, id or source: a search box and its matches (a list of
        # every article would be 100,000 options in the browser).
        self.search_box = w.Text(
            placeholder=_("find an article: title, id or source"),
            continuous_update=True,
            layout=w.Layout(width="20em", **hidden),
        )
        # The matches show once there are some (an empty list would only be a blank box).
        self.search_results = w.Dropdown(
            options=[], value=None, layout=w.Layout(width="auto", max_width="28em", display="none")
        )
        # Across the corpus: order (unlabelled first, flagged only), source, date range.
        self.order_dropdown = w.Dropdown(
            options=[
                (_("Corpus order"), _catalogue.ORDER_CORPUS),
                (_("Unlabelled first"), _catalogue.ORDER_UNLABELLED_FIRST),
                (_("⚑ Flagged articles"), _catalogue.ORDER_FLAGGED),
            ],
            value=_catalogue.ORDER_CORPUS,
            description=_("Articles"),
            layout=w.Layout(width="auto", **hidden),
        )
        self.source_dropdown = w.Dropdown(
            options=[(_("Any source"), _catalogue.ANY_SOURCE)]
            + [(name, name) for name in (_catalogue.sources(self._heads) if corpus else [])],
            value=_catalogue.ANY_SOURCE,
            layout=w.Layout(width="auto", max_width="16em", **hidden),
        )
        self.date_from = w.Text(
            placeholder=_("from YYYY-MM-DD"), layout=w.Layout(width="11em", **hidden)
        )
        self.date_to = w.Text(
            placeholder=_("to YYYY-MM-DD"), layout=w.Layout(width="11em", **hidden)
        )
        for control in (self.date_from, self.date_to):
            control.continuous_update = False
        self.article_progress = w.IntProgress(min=0, max=1, layout=w.Layout(width="12em"))
        self.article_progress_label = w.Label()
        self.corpus_progress = w.IntProgress(min=0, max=max(self._progress_total(), 1))
        self.corpus_progress.layout = w.Layout(width="12em")
        self.corpus_progress_label = w.Label()
        self.guidelines = w.Accordion(
            children=[w.HTML(guidelines_html(self.scheme.localised(self.ui_language), _))]
        )
        self.guidelines.set_title(
            0, _("Guidelines: what each label means, with examples and rules")
        )
        self.guidelines.selected_index = None
        self.filter_buttons = w.ToggleButtons(
            options=[
                (caption, value)
                for caption, value in session.filter_options(
                    self.scheme, flag=self._flagging, translate=_
                )
            ],
            value=session.FILTER_ALL,
        )
        self.filter_buttons.style.button_width = "auto"
        self.keys_label = w.Label()
        above, below = self._mode_parts()
        self._styles = row_styles(self.scheme)
        self._chips: dict[int, w.HTML] = {}
        self.rows = [self._make_row(i) for i in range(self.page_size)]
        # Model assistance: readiness, the queue switch and claim memory (hidden without).
        assisted = {} if self._assist else {"display": "none"}
        self.suggest_label = w.Label(layout=w.Layout(width="100%", **assisted))
        self.suggest_label.add_class("fc-muted")
        self.suggest_label.add_class("fc-wrap")
        self.queue_dropdown = w.Dropdown(
            options=self._queue_options(),
            value=session.QUEUE_READING,
            description=_("Queue"),
            layout=w.Layout(width="auto", **assisted),
        )
        self.similar_box = w.HTML(layout=w.Layout(**assisted))
        self.similar_box.add_class("fc-similar-box")
        self.previous_page_button = w.Button(description=_("◀ Previous page"))
        self.next_page_button = w.Button(description=_("Next page ▶"))
        self.page_label = w.Label()
        self._bridge = KeyBridge(
            stale_text=_(session.STALE_TEXT),
            handled_keys=list(
                session.key_actions(self.scheme, flag=self._flagging, assist=self._assist)
            ),
        )

        for label in (self.title_label, self.meta_label, self.keys_label):
            label.add_class("fc-wrap")
        self.title_label.add_class("fc-title")
        self.meta_label.add_class("fc-muted")
        self.keys_label.add_class("fc-muted")
        self.previous_article_button.on_click(lambda _: self._go_article(-1))
        self.next_article_button.on_click(lambda _: self._go_article(1))
        self.previous_page_button.on_click(lambda _: self._go_page(-1))
        self.next_page_button.on_click(lambda _: self._go_page(1))
        self.search_box.observe(self._on_search, names=["value"])
        self.search_results.observe(self._on_jump, names=["value"])
        self.order_dropdown.observe(self._on_corpus_filter, names=["value"])
        self.source_dropdown.observe(self._on_corpus_filter, names=["value"])
        self.date_from.observe(self._on_corpus_filter, names=["value"])
        self.date_to.observe(self._on_corpus_filter, names=["value"])
        self.filter_buttons.observe(self._on_filter, names=["value"])
        self.queue_dropdown.observe(self._on_queue, names=["value"])
        self._bridge.on_msg(self._on_browser_message)

        rows_box = w.VBox([r.box for r in self.rows])
        rows_box.add_class("fc-rows")
        corpus_box = w.HBox([self.corpus_progress, self.corpus_progress_label], **layout(hidden))
        self.widget = w.VBox(
            [
                self.title_label,
                self.meta_label,
                self.status_bar,
                w.HBox(
                    [
                        self.previous_article_button,
                        self.article_position_label,
                        self.next_article_button,
                        self.search_box,
                        self.search_results,
                    ]
                ),
                w.HBox(
                    [self.order_dropdown, self.source_dropdown, self.date_from, self.date_to],
                    **layout(hidden),
                ),
                w.HBox([self.article_progress, self.article_progress_label]),
                corpus_box,
                *above,
                self.guidelines,
                self.filter_buttons,
                self.suggest_label,
                self.queue_dropdown,
                self.keys_label,
                self.similar_box,
                rows_box,
                w.HBox([self.previous_page_button, self.page_label, self.next_page_button]),
                *below,
                self._bridge,
            ]
        )
        self.widget.add_class("fc-annotator")
        self._build_evidence()

    def _make_row(self, slot: int) -> Row:
        """One reusable row from the shared parts, wired to this annotator's actions."""
        row = make_row(
            slot,
            self.scheme,
            self._styles,
            flag=self._flagging,
            feedback=self._feedback_line,
            translate=self._t,
        )
        for name, button in row.buttons.items():
            button.on_click(lambda _, row=row, name=name: self._click(row, name))
        row.clear.on_click(lambda _, row=row: self._click(row, None))
        if row.flag is not None:
            row.flag.on_click(lambda _, row=row: self._click_flag(row))
        row.note.observe(lambda change, row=row: self._on_note(row, change), names=["value"])
        if self._assist:
            chip = w.HTML()
            chip.add_class("fc-chip")
            self._chips[id(row)] = chip
            row.box.children = (*row.box.children, chip)
        return row

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live widget plus the saved-notebook summary (see ``_widgets.mimebundle``)."""
        return mimebundle(self.widget, self.summary(), self._t, **kwargs)

    def _ipython_display_(self) -> None:
        """The widget, then the summary as its own output (see ``display_with_fallback``)."""
        display_with_fallback(self.widget, self.summary(), self._t)

    def summary(self) -> session.Summary:
        """Counts and place of the work so far (what the saved-notebook fallback says)."""
        article = self.article
        return session.Summary(
            title=article.title or article.id,
            articles=len(self.articles),
            sentences=self._progress_total() if self._total_known() else None,
            labelled=self._corpus_done,
            flagged=len(self._flagged),
            annotator=self.annotator,
            saved_to=self._saved_to(),
            done=self._catalogue.done(self._labels, self._touched),
        )

    # ----- public state -----

    @property
    def article(self) -> Article:
        """The article shown now."""
        return self.articles[self._article_index]

    @property
    def focused(self) -> Sentence | None:
        """The sentence that keys act on, or None when the view is empty."""
        if self._focus < 0:
            return None
        return self._sentences(self._article_index)[self._order[self._focus]]

    @property
    def labels(self) -> dict[str, str]:
        """Current label per sentence id (saved labels only)."""
        return dict(self._labels)

    @property
    def notes(self) -> dict[str, str]:
        """Saved note per labelled sentence id."""
        return dict(self._notes)

    @property
    def flagged(self) -> set[str]:
        """Ids of the sentences flagged for discussion."""
        return set(self._flagged)

    @property
    def page(self) -> int:
        """The page of sentence rows shown now, counting from 0."""
        return self._page

    @property
    def visible_sentences(self) -> list[Sentence]:
        """The sentences in the rows on screen now, top to bottom."""
        return [self._sentence(r.sentence_id) for r in self.rows if r.sentence_id]

    @property
    def status(self) -> str:
        """The save indicator's text."""
        return self.status_label.value

    # ----- actions (what clicks and keys do) -----

    @_locked
    def label(
        self,
        sentence_id: str,
        label: str | None,
        note: str | None = None,
        *,
        evidence: Iterable[Evidence] | None = None,
        justification: str | None = None,
        claim: str | None = None,
    ) -> LogEvent | None:
        """Record ``label`` for a sentence (None or "" clears), exactly as a click does.

        ``note=None`` keeps the note already typed or saved; ``evidence``, ``justification``
        and ``claim`` left None keep the sentence's own (a clear drops them). Returns the
        logged event, or None when nothing was written; a failed write is shown in the save
        indicator, not raised.
        """
        name = label or ""
        if name:
            self.scheme.get(name)
        sentence = self._sentence(sentence_id)
        if not self._labellable(sentence_id):
            self._show_status(
                self._t(
                    "Sentence {number} is not in your assignment: it is shown for context only."
                ).format(number=sentence.index + 1),
                "",
            )
            return None
        refused = self._refusal("label", sentence)
        if refused:
            self._show_status(refused, "")
            return None
        if not name and sentence_id not in self._labels:
            self._show_status(
                self._t("Sentence {number} has no label to clear.").format(
                    number=sentence.index + 1
                ),
                "",
            )
            return None
        if note is None:
            note = self._pending_notes.get(sentence_id, self._notes.get(sentence_id, ""))
        article = self.articles[self._locate(sentence_id)[0]]
        kept = self._kept_evidence(sentence_id, evidence, justification, claim) if name else {}
        try:
            event = self.log.record(
                sentence,
                name or None,
                note if name else "",
                source=article.source,
                language=article.language,
                **kept,
            )
        except OSError as exc:
            what = (
                self._t("the label '{label}' on sentence {number}")
                if name
                else self._t("the clear on sentence {number}")
            )
            self._not_saved(what.format(label=name, number=sentence.index + 1), exc)
            return None
        self._set_evidence_state(sentence_id, kept)
        self._apply(sentence_id, name, note if name else "")
        self._pending_notes.pop(sentence_id, None)
        self.saved = True
        done = (
            self._t("{saved}: sentence {number} '{label}'.")
            if name
            else self._t("{saved}: sentence {number} cleared.")
        )
        self._show_status(
            done.format(saved=self._saved_prefix(), number=sentence.index + 1, label=name), ""
        )
        return event

    @_locked
    def flag(self, sentence_id: str, flagged: bool | None = None) -> LogEvent | None:
        """Flag a sentence for discussion (``flagged=None`` toggles), as key f does.

        The flag is a row in the log; the sentence's label and note stay as they are.
        Returns the logged event, or None when nothing was written.
        """
        sentence = self._sentence(sentence_id)
        if not self._flagging:
            self._show_status(self._refusal("flag", sentence), "")
            return None
        want = sentence_id not in self._flagged if flagged is None else bool(flagged)
        if want == (sentence_id in self._flagged):
            state = (
                self._t("Sentence {number} is already flagged.")
                if want
                else self._t("Sentence {number} is not flagged.")
            )
            self._show_status(state.format(number=sentence.index + 1), "")
            return None
        article = self.articles[self._locate(sentence_id)[0]]
        try:
            event = self.log.flag(sentence, want, source=article.source)
        except OSError as exc:
            self._not_saved(
                self._t("the flag on sentence {number}").format(number=sentence.index + 1), exc
            )
            return None
        self._set_flag(sentence_id, want)
        self.saved = True
        flagged_text = session.flag_text(sentence.index, want, self._t)
        self._show_status(f"{self._saved_prefix()}: {flagged_text}", "")
        return event

    @_locked
    def edit_note(self, sentence_id: str | None = None) -> bool:
        """Put the cursor in the note field of a sentence on screen (default: the focused
        one), as key e does; Enter then saves the note and Escape discards the edit.

        Returns False when there is no such field to edit (nothing focused, or a final answer).
        """
        sentence = self._sentence(sentence_id) if sentence_id is not None else self.focused
        if sentence is None:
            return False
        refused = self._refusal("note", sentence)
        if refused:
            self._show_status(refused, "")
            return False
        ids = self._order_ids()
        if sentence.id not in ids:
            self._show_status(
                self._t(
                    "Sentence {number} is not in the list shown; set the filter to "
                    "All to edit its note."
                ).format(number=sentence.index + 1),
                "",
            )
            return False
        position = ids.index(sentence.id)
        if position != self._focus:
            self._set_focus(position)
        with self._bridge.hold_sync():
            self._bridge.edit_row = position - self._page * self.page_size
            self._bridge.edit_token += 1
        self._show_status(session.note_prompt(sentence.index, self._t), "fc-pending")
        return True

    @_locked
    def undo(self) -> LogEvent | None:
        """Undo the last label or clear in the log; the view shows the label now in force.

        A mode may refuse it (``_refusal("undo")``), saying why in the status line.
        """
        refused = self._refusal("undo")
        if refused:
            self._show_status(refused, "")
            return None
        target = self.log.undo_target()
        if target is not None and self._catalogue.locate(target) is None:
            self._show_status(
                self._t(
                    "Nothing to undo here: the last change in your log is to a sentence of an "
                    "article not open in this annotator. Open that article to undo it."
                ),
                "",
            )
            return None
        before = self._state(target) if target is not None else session.SentenceState()
        before_evidence = self._evidence_state(target)
        try:
            event = self.log.undo()
        except OSError as exc:
            self._not_saved(self._t("the undo"), exc)
            return None
        if event is None:
            self._show_status(self._t("Nothing to undo."), "")
            return None
        sid = event.sentence_id
        self._restore_evidence(event)
        self._apply(sid, event.label or "", event.note or "")
        self._set_flag(sid, bool(event.flagged))
        self.saved = True
        self.show_article(self._locate(sid)[0], focus=sid)  # undo_target was checked above
        report = session.undo_text(event.sentence_index, before, self._state(sid), self._t)
        report = self._undo_evidence_report(report, before_evidence, sid)
        self._show_status(f"{self._saved_prefix()}. {report}", "")
        return event

    @_locked
    def press(self, key: str) -> None:
        """Act on one key press (``KeyboardEvent.key`` spelling), as the keyboard does."""
        if self._press_evidence(key):
            return
        action = session.interpret_key(key, self.scheme, flag=self._flagging, assist=self._assist)
        focused = self.focused
        if action is None:
            return
        if action.kind == "undo":
            self.undo()
        elif action.kind == "note":
            self.edit_note()
        elif action.kind == "flag":
            if focused is not None:
                self.flag(focused.id)
        elif action.kind == "move":
            self._set_focus(session.step_focus(self._focus, action.step, len(self._order)))
        elif action.kind == "article":
            self._go_article(action.step)
        elif focused is not None and action.kind == "clear":
            self.label(focused.id, None)
        elif focused is None:
            return
        elif action.kind in ("accept", "copy"):
            accept = self.accept_suggestion if action.kind == "accept" else self.copy_similar
            if accept(focused.id) is not None:
                self._advance()
        elif self.label(focused.id, action.label) is not None:
            self._advance()

    def _advance(self) -> None:
        """After a label by key: focus the next unlabelled sentence (under a model queue,
        the one it asks next anywhere in the corpus)."""
        if self.next_in_queue() is not None:
            return
        ids = self._order_ids()
        following = session.next_unlabelled(ids, self._settled(ids), self._focus)
        if following is None:
            self._set_focus(session.step_focus(self._focus, 1, len(self._order)))
            self._show_status(
                self._t("{status} Every sentence here is labelled.").format(status=self.status),
                "",
            )
        else:
            self._set_focus(following)

    @_locked
    def show_article(self, index: int, *, focus: str | None = None) -> None:
        """Show article ``index`` (from 0) with the filter reset to all; focus ``focus``
        or the first unlabelled sentence."""
        index = min(max(index, 0), len(self.articles) - 1)
        changed = index != self._article_index or not self._order
        self._article_index = index
        if changed and self.filter_buttons.value != session.FILTER_ALL:
            self.filter_buttons.value = session.FILTER_ALL  # observer refreshes the order
        self._refresh_order()
        ids = self._order_ids()
        if focus is not None and focus in ids:
            position = ids.index(focus)
        else:
            position = session.first_unlabelled(ids, self._settled(ids))
            position = 0 if position is None and ids else position
        self._focus = -1 if position is None else position
        self._page = session.page_of(self._focus, self.page_size)
        self._show_header()
        self._render_page()
        following = self._position() + 1
        if 0 < following < len(self._article_order):  # prefetch: the next article opens fast
            self._sentences(self._article_order[following])
        if self._corpus_queue is not None:
            self._corpus_queue.offer(index, self._sentences(index))

    @_locked
    def find(self, query: str, *, limit: int = 20) -> list[Article]:
        """Articles whose title, id or source holds every word of ``query`` (the search
        box does this); they become the choices of ``search_results``."""
        found = _catalogue.search(self._heads, query, limit=limit)
        options = [(f"{i + 1}. {self._heads[i].title or self._heads[i].id}", i) for i in found]
        self.search_results.unobserve(self._on_jump, names=["value"])
        try:
            self.search_results.options = options
            self.search_results.value = None
            self.search_results.layout.display = None if options else "none"
        finally:
            self.search_results.observe(self._on_jump, names=["value"])
        if query.strip():
            self._show_status(
                self._t("{count} article(s) match {query}: pick one from the list.").format(
                    count=f"{len(found)}{'+' if len(found) >= limit else ''}",
                    query=repr(query.strip()),
                )
                if found
                else self._t("No article's title, id or source holds {query}.").format(
                    query=repr(query.strip())
                ),
                "",
            )
        return [self.articles[i] for i in found]

    @_locked
    def choose_articles(self, choice: _catalogue.Choice) -> list[int]:
        """Order and filter the articles that next/previous walk through (unlabelled
        first, flagged only, by source, by date); opens the first one unless the article
        shown is among them. Returns the article indices in their new order."""
        if choice.order not in _catalogue.ORDERS:
            raise InputError(
                f"Annotator: order {choice.order!r} is not one of {', '.join(_catalogue.ORDERS)}."
            )
        self._choice = choice
        flagged_articles = {self._catalogue.article_id(sid) for sid in self._flagged}
        order = _catalogue.select_articles(
            self._heads, choice, set(self._touched), flagged_articles
        )
        self._set_article_order(order)
        self._corpus_queue = None  # its pool follows the new order when next asked
        first = choice.order == _catalogue.ORDER_UNLABELLED_FIRST and self._position() != 0
        if order and (first or self._position() < 0):
            self.show_article(order[0])
        else:
            self._show_header()
        self._show_status(
            self._t("{count} of {total} articles match the filters.").format(
                count=f"{len(order):,}", total=f"{len(self.articles):,}"
            )
            if order
            else self._t("No article matches the filters; widen them to see articles again."),
            "",
        )
        return order

    @_locked
    def show_page(self, page: int) -> None:
        """Show page ``page`` (from 0) of the sentences and focus its first row."""
        pages = session.page_count(len(self._order), self.page_size)
        self._page = min(max(page, 0), pages - 1)
        start, stop = session.page_bounds(self._page, self.page_size, len(self._order))
        self._focus = start if stop > start else -1
        self._render_page()

    # ----- callbacks -----

    @_guarded
    def _click(self, row: Row, name: str | None) -> None:
        if row.sentence_id:
            self.label(row.sentence_id, name)

    @_guarded
    def _click_flag(self, row: Row) -> None:
        if row.sentence_id:
            self.flag(row.sentence_id)

    @_guarded
    def _on_note(self, row: Row, change: dict[str, Any]) -> None:
        if self._painting or not row.sentence_id:
            return
        sid, text = row.sentence_id, change["new"]
        if sid in self._labels:
            if (
                text != self._notes.get(sid, "")
                and self.label(sid, self._labels[sid], note=text) is None
            ):
                # Not saved (e.g. disk full): keep the text as a pending note, so the next
                # label or Enter on this sentence saves it; the status already says NOT saved.
                self._pending_notes[sid] = text
        else:
            self._pending_notes[sid] = text
            self._show_status(
                self._t(
                    "Note kept for sentence {number}: it is saved with the label you choose."
                ).format(number=self._sentence(sid).index + 1),
                "fc-pending",
            )

    @_guarded
    def _on_queue(self, change: dict[str, Any]) -> None:
        self.choose_queue(change["new"])

    @_guarded
    def _on_jump(self, change: dict[str, Any]) -> None:
        if change["new"] is not None and change["new"] != self._article_index:
            self.show_article(change["new"])

    @_guarded
    def _on_search(self, change: dict[str, Any]) -> None:
        self.find(change["new"])

    @_guarded
    def _on_corpus_filter(self, _change: dict[str, Any]) -> None:
        self.choose_articles(
            _catalogue.Choice(
                order=self.order_dropdown.value,
                source=self.source_dropdown.value or "",
                date_from=self.date_from.value.strip(),
                date_to=self.date_to.value.strip(),
            )
        )

    @_guarded
    def _on_filter(self, change: dict[str, Any]) -> None:
        self._refresh_order()
        self.show_page(0)
        ids = self._order_ids()
        first = session.first_unlabelled(ids, self._settled(ids))
        if first is not None and first < self.page_size:
            self._set_focus(first)

    @_guarded
    def _on_browser_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        view, seq = str(content.get("view", "")), int(content.get("seq", 0))
        for message in self._messages.accept(view, seq, content):
            self._on_browser_event(message)

    def _on_browser_event(self, content: dict[str, Any]) -> None:
        if content.get("type") == "key":
            self.press(str(content.get("key", "")))
        elif content.get("type") == "row":
            start, stop = session.page_bounds(self._page, self.page_size, len(self._order))
            position = start + int(content.get("row", -1))
            if start <= position < stop:
                self._set_focus(position)
        elif content.get("type") == "note-closed":
            self._note_closed(int(content.get("row", -1)), str(content.get("how", "")))
        elif content.get("type") == "evidence":
            self._evidence_message(content)

    def _note_closed(self, slot: int, how: str) -> None:
        """Enter or Escape left a note field: replace the editing prompt if it still shows
        (a changed note's save, which may arrive first, says so itself)."""
        if not 0 <= slot < len(self.rows) or not self.rows[slot].sentence_id:
            return
        index = self._sentence(self.rows[slot].sentence_id).index
        if self.status == session.note_prompt(index, self._t):
            self._show_status(
                session.note_closed_text(index, discarded=how == "escape", translate=self._t), ""
            )

    @_guarded
    def _go_article(self, step: int) -> None:
        order = self._article_order
        if not order:
            return
        position = self._position()
        if position < 0:
            following = [p for p, i in enumerate(order) if i > self._article_index]
            position = (following[0] if following else len(order)) - (1 if step > 0 else 0)
        self.show_article(order[min(max(position + step, 0), len(order) - 1)])

    def _position(self) -> int:
        """Where the article shown is in the filtered order (-1: the filters hide it)."""
        return self._order_position.get(self._article_index, -1)

    def _set_article_order(self, order: list[int]) -> None:
        self._article_order = order
        self._order_position = {index: position for position, index in enumerate(order)}

    @_guarded
    def _go_page(self, step: int) -> None:
        self.show_page(self._page + step)

    # ----- evidence and claim rewriting (issue 14) -----
    # The panel (``_evidence_form.EvidenceForm``) opens under the focused sentence (key v,
    # or key r for the claim); what it holds is saved through ``label``, so evidence is a
    # normal log row: undo works and the latest row wins. Off when not ``_offers_evidence``.

    def _build_evidence(self) -> None:
        """The panel keys and the evidence state from the log. The panel and a row's
        evidence line are made when first needed: a view without evidence costs nothing more."""
        self._evidence: dict[str, tuple[Evidence, ...]] = {}
        self._justifications: dict[str, str] = {}
        self._claims: dict[str, str] = {}
        self._pending_claims: dict[str, str] = {}
        self._evidence_lines: dict[int, w.HTML] = {}
        self._row_children: dict[int, tuple[w.Widget, ...]] = {}
        self._line_layout: w.Layout | None = None
        self._form: EvidenceForm | None = None
        self._panel_keys: dict[str, str] = {}
        self._evidence_on = self._offers_evidence
        if not self._evidence_on:
            return
        for sid, event in self.log.current().items():
            if sid in self._labels:
                self._restore_evidence(event)
        self._panel_keys = _evidence_form.panel_keys(self.scheme, assist=self._assist)
        self._bridge.handled_keys = [*self._bridge.handled_keys, *self._panel_keys]

    def _make_form(self) -> EvidenceForm:
        """The evidence panel, made on first use and reused for every sentence."""
        if self._form is None:
            self._form = form = EvidenceForm(self._t)
            form.add_button.on_click(lambda _: self._add_from_form())
            form.remove_button.on_click(lambda _: self._remove_last())
            form.close_button.on_click(lambda _: self._close_from_button())
            form.justification.observe(self._on_justification, names=["value"])
            form.claim.observe(self._on_claim, names=["value"])
        return self._form

    def _line_of(self, row: Row) -> w.HTML:
        """A row's evidence line, added to the row the first time it has something to show
        (one layout and style shared by all lines)."""
        line = self._evidence_lines.get(id(row))
        if line is None:
            if self._line_layout is None:
                self._line_layout = w.Layout(flex="1 1 100%")
            line = w.HTML(layout=self._line_layout, style=self._styles["feedback_style"])
            set_classes(line, ("fc-ev-line", "fc-hidden"))
            self._evidence_lines[id(row)] = line
            panel = self._form.box if self._form is not None else None
            base = tuple(c for c in row.box.children if c is not panel)
            self._row_children[id(row)] = (*base, line)
            row.box.children = (*base, line, *([panel] if panel in row.box.children else []))
        return line

    @property
    def evidence(self) -> dict[str, tuple[Evidence, ...]]:
        """Saved evidence items per labelled sentence id (sentences with some only)."""
        return {sid: items for sid, items in self._evidence.items() if items}

    @property
    def justifications(self) -> dict[str, str]:
        """Saved justification per labelled sentence id."""
        return {sid: text for sid, text in self._justifications.items() if text}

    @property
    def claims(self) -> dict[str, str]:
        """Saved claim rewrite per labelled sentence id."""
        return {sid: text for sid, text in self._claims.items() if text}

    @property
    def evidence_form(self) -> EvidenceForm | None:
        """The evidence panel's widgets (None when not offered and until first opened)."""
        return self._form

    def _kept_evidence(
        self,
        sentence_id: str,
        evidence: Iterable[Evidence] | None,
        justification: str | None,
        claim: str | None,
    ) -> dict[str, Any]:
        """The evidence, justification and claim a new label row carries: those given, else
        the sentence's own (a claim typed before the label is saved with it)."""
        if not self._evidence_on:
            return {}
        if claim is None:
            claim = self._pending_claims.get(sentence_id, self._claims.get(sentence_id, ""))
        return {
            "evidence": tuple(
                self._evidence.get(sentence_id, ()) if evidence is None else evidence
            ),
            "justification": str(
                self._justifications.get(sentence_id, "")
                if justification is None
                else justification
            ),
            "claim": str(claim),
        }

    def _set_evidence_state(self, sentence_id: str, kept: dict[str, Any]) -> None:
        """After a saved label row (``kept`` empty for a clear): what the sentence now has."""
        if not self._evidence_on:
            return
        self._evidence[sentence_id] = tuple(kept.get("evidence", ()))
        self._justifications[sentence_id] = str(kept.get("justification", ""))
        self._claims[sentence_id] = str(kept.get("claim", ""))
        self._pending_claims.pop(sentence_id, None)
        self._show_panel()

    def _restore_evidence(self, event: LogEvent) -> None:
        """Take a sentence's evidence, justification and claim from a log event (reopen, undo)."""
        if not self._offers_evidence:
            return
        sid = event.sentence_id
        text = event.evidence or "[]"
        try:
            items = evidence_from_json(text, where=self._log_name()) if event.label else ()
        except InputError as exc:  # a hand-edited field: show the label, say what is wrong
            self._show_status(
                self._t("Evidence of sentence {number}: {error}").format(
                    number=event.sentence_index + 1, error=exc
                ),
                "fc-error",
            )
            items = ()
        self._evidence[sid] = items
        self._justifications[sid] = event.justification if event.label else ""
        self._claims[sid] = event.claim if event.label else ""
        self._pending_claims.pop(sid, None)
        if getattr(self, "_form", None) is not None:
            self._show_panel()

    def _evidence_state(self, sentence_id: str | None) -> tuple[tuple[Evidence, ...], str, str]:
        """A sentence's (evidence, justification, claim) now, for the undo report."""
        if sentence_id is None or not self._evidence_on:
            return ((), "", "")
        return (
            self._evidence.get(sentence_id, ()),
            self._justifications.get(sentence_id, ""),
            self._claims.get(sentence_id, ""),
        )

    def _undo_evidence_report(
        self, report: str, before: tuple[tuple[Evidence, ...], str, str], sentence_id: str
    ) -> str:
        """The undo report with what it changed in the evidence, justification and claim."""
        extra = _evidence_form.undo_evidence_text(
            before, self._evidence_state(sentence_id), self._t
        )
        if not extra:
            return report
        unchanged = self._t(session.UNDO_UNCHANGED)
        if unchanged in report:
            return report.replace(unchanged, extra)
        return f"{report.removesuffix('.')}; {extra}."

    def _paint_evidence(self, row: Row) -> None:
        """A row's compact evidence line: "2 sources" and the claim rewrite, escaped."""
        if not getattr(self, "_evidence_on", False):
            return
        sid = row.sentence_id
        value = _evidence_form.row_line_html(
            self._evidence.get(sid, ()),
            self._justifications.get(sid, ""),
            self._pending_claims.get(sid, self._claims.get(sid, "")),
            self._t,
        )
        line = self._evidence_lines.get(id(row))
        if line is None and not value:
            return
        line = self._line_of(row)
        if line.value != value:
            line.value = value
        set_classes(line, ("fc-ev-line",) if value else ("fc-ev-line", "fc-hidden"))

    def _evidence_key_hint(self, value: str) -> str:
        """The key help line with the panel keys added (before the closing remark)."""
        hint = _evidence_form.key_hint(self._panel_keys, self._t)
        if not hint:
            return value
        head, sep, tail = value.rpartition(" (")
        return f"{head} · {hint}{sep}{tail}" if sep else f"{value} · {hint}"

    def _press_evidence(self, key: str) -> bool:
        """Keys v and r: open the panel of the focused sentence. True if the key was theirs."""
        kind = self._panel_keys.get(key)
        if kind is None:
            return False
        field = _evidence_form.FIELD_CLAIM if kind == "claim" else _evidence_form.FIELD_URL
        self.open_evidence(field=field)
        return True

    def _panel_sentence(self, sentence_id: str | None) -> Sentence | None:
        """The sentence an evidence action is for: the one named, the panel's, the focused."""
        if sentence_id is not None:
            return self._sentence(sentence_id)
        if self._form is not None and self._form.is_open:
            return self._sentence(self._form.sentence_id)
        return self.focused

    def _evidence_refused(self, sentence: Sentence | None) -> str:
        """Why evidence cannot be entered for ``sentence`` ("" if it can)."""
        if not self._evidence_on:
            return self._refusal("evidence", sentence)
        if sentence is None:
            return self._t("No sentence is focused: pick one first (j/k or a click).")
        if not self._labellable(sentence.id):
            return self._t(
                "Sentence {number} is not in your assignment: it is shown for context only."
            ).format(number=sentence.index + 1)
        return ""

    @_locked
    def open_evidence(
        self, sentence_id: str | None = None, field: str = _evidence_form.FIELD_URL
    ) -> bool:
        """Open the evidence panel under a sentence on screen (default: the focused one), as
        key v does (key r: ``field="claim"``), and put the cursor in ``field``.

        Returns False when it cannot open (not offered, nothing focused, not on screen).
        """
        sentence = self._sentence(sentence_id) if sentence_id is not None else self.focused
        refused = self._evidence_refused(sentence)
        if refused or sentence is None:
            self._show_status(refused, "")
            return False
        ids = self._order_ids()
        if sentence.id not in ids:
            self._show_status(
                self._t(
                    "Sentence {number} is not in the list shown; set the filter to "
                    "All to add its evidence."
                ).format(number=sentence.index + 1),
                "",
            )
            return False
        form = self._make_form()
        if form.is_open and form.sentence_id != sentence.id:
            self.close_evidence()
        position = ids.index(sentence.id)
        if position != self._focus:
            self._set_focus(position)
        row = self.rows[position - self._page * self.page_size]
        if form.sentence_id != sentence.id:
            form.clear_draft()
            form.show_error("")
        form.sentence_id = sentence.id
        self._show_panel()
        # The row's evidence line first: adding it under an open panel would redraw the
        # panel (ipywidgets redraws the children after a change) and lose the cursor.
        self._line_of(row)
        children = self._row_children[id(row)]
        if row.box.children != (*children, form.box):
            row.box.children = (*children, form.box)
        with self._bridge.hold_sync():  # the browser focuses it once the panel is drawn
            self._bridge.panel_field = field if field in form.fields() else _evidence_form.FIELD_URL
            self._bridge.panel_token += 1
        if sentence.id not in self._labels and field != _evidence_form.FIELD_CLAIM:
            form.show_error(_evidence_form.label_first_text(sentence.index, self._t))
        editing = (
            self._t(
                "Editing the claim rewrite of sentence {number}: Enter adds or saves, Tab "
                "moves on, Escape closes."
            )
            if field == _evidence_form.FIELD_CLAIM
            else self._t(
                "Editing the evidence of sentence {number}: Enter adds or saves, Tab "
                "moves on, Escape closes."
            )
        )
        self._show_status(editing.format(number=sentence.index + 1), "fc-pending")
        return True

    def _show_panel(self) -> None:
        """Fill the open panel from its sentence's saved state."""
        form = self._form
        if form is None or not form.is_open:
            return
        sid = form.sentence_id
        sentence = self._sentence(sid)
        form.show(
            _evidence_form.title_text(sentence.index, self._labels.get(sid, ""), self._t),
            self._evidence.get(sid, ()),
            self._justifications.get(sid, ""),
            self._pending_claims.get(sid, self._claims.get(sid, "")),
        )

    @_locked
    def close_evidence(self) -> None:
        """Close the evidence panel (Escape); what was not added or saved is dropped."""
        form = self._form
        if form is None or not form.is_open:
            return
        sid, form.sentence_id = form.sentence_id, ""
        for row in self.rows:
            if form.box in row.box.children:
                row.box.children = self._row_children[id(row)]
        form.clear_draft()
        form.show_error("")
        index = self._sentence(sid).index
        self._show_status(
            self._t("Evidence panel of sentence {number} closed.").format(number=index + 1), ""
        )
        self._bridge.focus_token += 1  # the keys work on the list again

    def _evidence_follow(self) -> None:
        """Close the panel when its sentence is no longer the focused one on screen."""
        form = getattr(self, "_form", None)
        if form is None or not form.is_open:
            return
        focused = self.focused
        shown = {row.sentence_id for row in self.rows if form.box in row.box.children}
        if focused is None or focused.id != form.sentence_id or form.sentence_id not in shown:
            self.close_evidence()

    def _refuse_evidence(self, text: str) -> None:
        if self._form is not None:
            self._form.show_error(text)
        self._show_status(text, "fc-error")

    @_locked
    def add_evidence(
        self,
        url: str,
        quote: str = "",
        source_type: str = "other",
        accessed: str | None = None,
        archived_url: str = "",
        *,
        sentence_id: str | None = None,
    ) -> LogEvent | None:
        """Add an evidence item to a labelled sentence (default: the panel's or the focused
        one), as Enter in the panel does: validated by ``make_evidence``, then saved by
        re-recording the label with it. Returns the logged event, or None (said inline)."""
        sentence = self._panel_sentence(sentence_id)
        refused = self._evidence_refused(sentence)
        if refused or sentence is None:
            self._refuse_evidence(refused)
            return None
        if sentence.id not in self._labels:
            self._refuse_evidence(_evidence_form.label_first_text(sentence.index, self._t))
            return None
        try:
            item = make_evidence(url, quote, source_type, accessed, archived_url)
        except InputError as exc:
            self._refuse_evidence(self._t("Not added: {error}").format(error=exc))
            return None
        items = self._evidence.get(sentence.id, ())
        if any(old.url == item.url for old in items):
            self._refuse_evidence(
                self._t("Not added: sentence {number} already lists that URL.").format(
                    number=sentence.index + 1
                )
            )
            return None
        event = self.label(sentence.id, self._labels[sentence.id], evidence=(*items, item))
        if event is None:
            return None
        if self._form is not None:
            if self._form.sentence_id == sentence.id:
                self._form.clear_draft()
            self._form.show_error("")
        count = _evidence_form.sources_text(len(items) + 1, self._t)
        self._show_status(
            self._t("{status} It has {count}.").format(status=self.status, count=count), ""
        )
        return event

    @_locked
    def remove_evidence(
        self, index: int = -1, *, sentence_id: str | None = None
    ) -> LogEvent | None:
        """Remove evidence item ``index`` (default: the last) of a sentence; u undoes it."""
        sentence = self._panel_sentence(sentence_id)
        if sentence is None or not self._evidence_on:
            return None
        items = list(self._evidence.get(sentence.id, ()))
        if not items or sentence.id not in self._labels:
            self._refuse_evidence(
                self._t("Sentence {number} has no evidence to remove.").format(
                    number=sentence.index + 1
                )
            )
            return None
        del items[index]
        event = self.label(sentence.id, self._labels[sentence.id], evidence=items)
        if event is not None and self._form is not None:
            self._form.show_error("")
        return event

    @_locked
    def justify(self, text: str, *, sentence_id: str | None = None) -> LogEvent | None:
        """Save the justification of a labelled sentence (the panel's field on Enter or on
        leaving it); refused, and said, for an unlabelled one."""
        sentence = self._panel_sentence(sentence_id)
        refused = self._evidence_refused(sentence)
        if refused or sentence is None:
            self._refuse_evidence(refused)
            return None
        text = str(text).strip()
        if text == self._justifications.get(sentence.id, ""):
            return None
        if sentence.id not in self._labels:
            self._refuse_evidence(_evidence_form.label_first_text(sentence.index, self._t))
            return None
        event = self.label(sentence.id, self._labels[sentence.id], justification=text)
        if event is not None and self._form is not None:
            self._form.show_error("")
        return event

    @_locked
    def rewrite_claim(self, text: str, *, sentence_id: str | None = None) -> LogEvent | None:
        """Save a normalised, self-contained claim for a sentence, with its label like a note;
        typed before the label, it is kept and saved with the label chosen."""
        sentence = self._panel_sentence(sentence_id)
        refused = self._evidence_refused(sentence)
        if refused or sentence is None:
            self._refuse_evidence(refused)
            return None
        text = " ".join(str(text).split())  # one line: the claim is a sentence
        sid = sentence.id
        if sid not in self._labels:
            self._pending_claims[sid] = text
            for row in self.rows:
                if row.sentence_id == sid:
                    self._paint_evidence(row)
            self._show_status(
                self._t(
                    "Claim rewrite kept for sentence {number}: it is saved with the "
                    "label you choose."
                ).format(number=sentence.index + 1),
                "fc-pending",
            )
            return None
        if text == self._claims.get(sid, ""):
            return None
        return self.label(sid, self._labels[sid], claim=text)

    @_guarded
    def _add_from_form(self) -> None:
        if self._form is not None:
            draft = self._form.draft()
            self.add_evidence(
                draft.url, draft.quote, draft.source_type, draft.accessed, draft.archived_url
            )

    @_guarded
    def _remove_last(self) -> None:
        self.remove_evidence()

    @_guarded
    def _close_from_button(self) -> None:
        self.close_evidence()

    @_guarded
    def _on_justification(self, change: dict[str, Any]) -> None:
        if self._form is not None and not self._form.painting and self._form.is_open:
            self.justify(change["new"])

    @_guarded
    def _on_claim(self, change: dict[str, Any]) -> None:
        if self._form is not None and not self._form.painting and self._form.is_open:
            self.rewrite_claim(change["new"])

    def _evidence_message(self, content: dict[str, Any]) -> None:
        """Enter or Escape in the panel (sent after the field's value): add, or close."""
        action = str(content.get("action", ""))
        if action == "close":
            self.close_evidence()
        elif action == "enter" and str(content.get("field", "")) in _evidence_form.ITEM_FIELDS:
            self._add_from_form()

    # ----- painting -----

    def _sentence(self, sentence_id: str) -> Sentence:
        where = self._locate(sentence_id)
        return self._sentences(where[0])[where[1]]

    def _locate(self, sentence_id: str) -> tuple[int, int]:
        where = self._catalogue.locate(sentence_id)
        if where is None:
            raise InputError(
                f"Annotator: unknown sentence id {sentence_id!r}; use an id from "
                "article.sentences of an article given to this Annotator."
            )
        return where

    def _sentences(self, index: int) -> list[Sentence]:
        """The sentences of article ``index``, split now if not cached."""
        return self._catalogue.sentences(index)

    def _order_ids(self) -> list[str]:
        sentences = self._sentences(self._article_index)
        return [sentences[i].id for i in self._order]

    def _counts(self, sentence_id: str) -> bool:
        """Whether a label on this sentence counts here: its article is in the corpus and,
        for an assignment by sentence, the sentence is assigned."""
        if self._assigned:
            return sentence_id in self._assigned
        return self._catalogue.holds(sentence_id)

    def _labellable(self, sentence_id: str) -> bool:
        """Whether a sentence takes labels here (an assignment by sentence greys the rest)."""
        return not self._assigned or sentence_id in self._assigned

    def _settled(self, ids: Iterable[str]) -> dict[str, str]:
        """Labels, with sentences shown only for context counted as settled, so that focus
        skips them on its way to the next sentence to label."""
        if not self._assigned:
            return self._labels
        return {**{i: "context" for i in ids if i not in self._assigned}, **self._labels}

    def _total_known(self) -> bool:
        """Whether progress counts sentences: for one article, an assignment by sentence,
        or a mode that splits its small set up front (``_counts_every_sentence``). A corpus
        counts articles done instead, so that no unseen article is split to count them."""
        return bool(self._assigned) or len(self.articles) == 1 or self._counts_every_sentence

    def _progress_total(self) -> int:
        """Sentences to label when known (see ``_total_known``), else the articles."""
        if self._assigned:
            return len(self._assigned)
        if self._total_known():
            return sum(len(self._sentences(a)) for a in range(len(self.articles)))
        return len(self.articles)

    def _resume_index(self, current: dict[str, LogEvent]) -> int:
        """Where a session opens: with no labels, the first article in order; else the
        article of the last label saved, or the next one after it with work left. Only
        articles that have labels are split to find out (an untouched one has work left)."""
        counted = [e for sid, e in current.items() if sid in self._labels]
        if not counted:
            return self._article_order[0] if self._article_order else 0
        last = max(counted, key=lambda e: e.timestamp)
        start = self._catalogue.index_of(last.article_id) or 0
        count = len(self.articles)
        for step in range(count):
            index = (start + step) % count
            if self._heads[index].id not in self._touched:
                return index
            progress = self._article_progress(index)
            if progress.done < progress.total:
                return index
        return start

    def _refresh_order(self) -> None:
        """Take the filter's snapshot: rows do not jump while you label."""
        sentences = self._sentences(self._article_index)
        self._order = session.visible_indices(
            sentences,
            self._settled(s.id for s in sentences),
            self.filter_buttons.value,
            self._flagged,
        )
        self._queue_order(sentences)

    def _apply(self, sentence_id: str, label: str, note: str) -> None:
        had = sentence_id in self._labels
        if label:
            self._labels[sentence_id] = label
            self._notes[sentence_id] = note
        else:
            self._labels.pop(sentence_id, None)
            self._notes.pop(sentence_id, None)
        change = int(bool(label)) - int(had)
        self._corpus_done += change
        if change:
            article_id = self._catalogue.article_id(sentence_id)
            self._touched[article_id] = self._touched.get(article_id, 0) + change
            if not self._touched[article_id]:
                del self._touched[article_id]
        self._after_label(sentence_id, label, note)
        for row in self.rows:
            if row.sentence_id == sentence_id:
                self._paint_row(row)
        self._show_progress()

    def _set_flag(self, sentence_id: str, flagged: bool) -> None:
        if flagged == (sentence_id in self._flagged):
            return
        if flagged:
            self._flagged.add(sentence_id)
        else:
            self._flagged.discard(sentence_id)
        for row in self.rows:
            if row.sentence_id == sentence_id:
                self._paint_row(row)
        self._show_progress()

    def _state(self, sentence_id: str) -> session.SentenceState:
        """What the widget shows for a sentence now (for the undo report)."""
        return session.SentenceState(
            self._labels.get(sentence_id, ""),
            self._notes.get(sentence_id, ""),
            sentence_id in self._flagged,
        )

    def _article_progress(self, index: int) -> session.Progress:
        ids = [s.id for s in self._sentences(index) if self._labellable(s.id)]
        return session.progress(ids, self._labels)

    def _show_header(self) -> None:
        article, count = self.article, len(self.articles)
        self.title_label.value = article.title or article.id
        _widgets.show_direction(
            self.title_label, text_direction(self.title_label.value, article.language)
        )
        meta = [self._header_source(session.source_label(article.source)), article.date]
        self.meta_label.value = " · ".join(part for part in meta if part)
        order = self._article_order
        position = self._position()
        if position >= 0:
            where = (
                self._t(" ({count} in all)").format(count=f"{count:,}")
                if len(order) < count
                else ""
            )
            self.article_position_label.value = self._t(
                "article {number} of {count}{where}"
            ).format(number=f"{position + 1:,}", count=f"{len(order):,}", where=where)
        else:
            self.article_position_label.value = self._t(
                "this article is not among the {count} the filters show"
            ).format(count=f"{len(order):,}")
        self.previous_article_button.disabled = position <= 0
        self.next_article_button.disabled = position >= len(order) - 1
        self._show_progress()

    def _show_progress(self) -> None:
        article = self._article_progress(self._article_index)
        self.article_progress.max = max(article.total, 1)
        self.article_progress.value = article.done
        flagged = sum(1 for s in self._sentences(self._article_index) if s.id in self._flagged)
        self.article_progress_label.value = article.describe(
            self._t("in this article"), self._t
        ) + (self._t(" · {count} flagged for discussion").format(count=flagged) if flagged else "")
        count = len(self.articles)
        mine = " of your assignment" if self.assignment is not None else ""
        if self._total_known():
            corpus = session.Progress(self._corpus_done, self._progress_total())
            what = (
                (
                    self._t("in {count} article of your assignment")
                    if count == 1
                    else self._t("in {count} articles of your assignment")
                )
                if mine
                else (
                    self._t("in {count} article") if count == 1 else self._t("in {count} articles")
                )
            ).format(count=count)
            text = corpus.describe(what, self._t)
        else:
            done = self._catalogue.done(self._labels, self._touched)
            corpus = session.Progress(done, count)
            text = session.corpus_text(
                self._corpus_done,
                done,
                len(self._touched),
                count,
                assignment=bool(mine),
                translate=self._t,
            )
        self.corpus_progress.max = max(corpus.total, 1)
        self.corpus_progress.value = corpus.done
        self.corpus_progress_label.value = text
        self._progress_extra(article)
        self._show_keys()

    def _show_keys(self) -> None:
        """Key help for what works now (a mode may offer fewer keys: ``_offered_keys``)."""
        value = session.key_hints(
            self.scheme,
            corpus=len(self.articles) > 1,
            **self._offered_keys(),
            assist=self._assist,
            translate=self._t,
        )
        value = self._evidence_key_hint(value)
        if self.keys_label.value != value:
            self.keys_label.value = value

    def _render_page(self) -> None:
        start, stop = session.page_bounds(self._page, self.page_size, len(self._order))
        sentences = self._sentences(self._article_index)
        previous_paragraph = None
        for slot, row in enumerate(self.rows):
            position = start + slot
            if position >= stop:
                row.sentence_id = ""
                row.box.layout.display = "none"
                continue
            sentence = sentences[self._order[position]]
            row.sentence_id = sentence.id
            starts = previous_paragraph is not None and sentence.paragraph != previous_paragraph
            previous_paragraph = sentence.paragraph
            row.number.value = str(sentence.index + 1)
            row.text.value = sentence.text
            _widgets.show_direction(row.text, text_direction(sentence.text, self.article.language))
            self._paint_row(row, paragraph_start=starts, focus=position == self._focus)
            row.box.layout.display = None
        pages = session.page_count(len(self._order), self.page_size)
        _ = self._t
        shown = (
            _("sentences {first}–{last}").format(first=start + 1, last=stop)
            if stop > start
            else _("no sentences")
        )
        empty = _(" (no sentences match this filter)") if not self._order else ""
        self.page_label.value = _("page {page} of {pages} · {shown} of {total}{empty}").format(
            page=self._page + 1, pages=pages, shown=shown, total=len(self._order), empty=empty
        )
        self.previous_page_button.disabled = self._page == 0
        self.next_page_button.disabled = self._page >= pages - 1
        if self._assist:
            self.refresh_suggestions()
            self._show_similar()
        self._evidence_follow()
        self._bridge.focus_token += 1

    def _paint_row(
        self, row: Row, *, paragraph_start: bool | None = None, focus: bool | None = None
    ) -> None:
        """Show a row's label, note, focus and paragraph break; only changed traits are sent."""
        current = self._labels.get(row.sentence_id, "")
        for name, button in row.buttons.items():
            chosen = name == current
            with button.hold_sync():
                button.icon = "check" if chosen else ""
                state = "fc-chosen" if chosen else ("fc-dim" if current else "")
                set_classes(button, ["fc-btn", state] if state else ["fc-btn"])
        final = self._final(row.sentence_id)
        context = not self._labellable(row.sentence_id)  # not assigned: shown for context
        row.clear.disabled = not current or final or context
        if self._assigned:
            for button in row.buttons.values():
                if button.disabled != context:
                    button.disabled = context
            if row.note.disabled != context:
                row.note.disabled = context
        self._row_extra(row, current)
        if row.flag is not None:
            on = row.sentence_id in self._flagged
            set_classes(row.flag, ("fc-flag", "fc-flag-on") if on else ("fc-flag",))
            tip = "Remove the discussion flag (key f)" if on else "Flag for discussion (key f)"
            if row.flag.tooltip != tip:
                row.flag.tooltip = tip
        note = self._pending_notes.get(row.sentence_id, self._notes.get(row.sentence_id, ""))
        if row.note.value != note:
            self._painting = True
            try:
                row.note.value = note
            finally:
                self._painting = False
        classes = list(row.classes)
        old = set(row.box._dom_classes)
        if paragraph_start if paragraph_start is not None else "fc-para-start" in old:
            classes.append("fc-para-start")
        if focus if focus is not None else "fc-focus" in old:
            classes.append("fc-focus")
        if row.sentence_id in self._flagged:
            classes.append("fc-flagged")
        if context:
            classes.append("fc-context")
        set_classes(row.box, classes)
        if self._assist:
            self._paint_chip(row)
        self._paint_evidence(row)

    def _set_focus(self, position: int) -> None:
        if position < 0:
            return
        page = session.page_of(position, self.page_size)
        old_focus, self._focus = self._focus, position
        if page != self._page:
            self._page = page
            self._render_page()
            return
        start = self._page * self.page_size
        for slot in {old_focus - start, position - start}:
            if 0 <= slot < len(self.rows) and self.rows[slot].sentence_id:
                self._paint_row(self.rows[slot], focus=start + slot == position)
        if self._assist:
            self._show_similar()
        self._evidence_follow()
        self._bridge.focus_token += 1

    def _saved_prefix(self) -> str:
        return session.saved_prefix(datetime.now(), self._saved_to() or None, self._t)

    def _not_saved(self, what: str, exc: OSError) -> None:
        """Say that ``what`` was NOT written (in the words of ``_not_saved_text``)."""
        self.saved = False
        self._show_status(self._not_saved_text(what, exc), "fc-error")

    def _show_status(self, text: str, kind: str) -> None:
        self._status_line.show(text, kind)

    def _log_name(self) -> str:
        path = Path(self.log.path)
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)


def _empty_annotations() -> Any:
    """An empty ``read_annotations`` frame (claim memory before any label)."""
    import pandas as pd

    return pd.DataFrame(columns=["article_id", "sentence_id", "text", "label", "note", "annotator"])


def _queue(assignment: Queue | str | os.PathLike[str]) -> Queue:
    """The assignment itself, or read from its ``<annotator>.csv`` file."""
    return assignment if isinstance(assignment, Queue) else read_assignment(assignment)


def _assigned_articles(articles: Sequence[Article], queue: Queue) -> Sequence[Article]:
    """The articles of a queue, in queue order; InputError names a queued article that is
    not among ``articles`` (the file and line, from ``check_queue``). A lazy corpus file
    stays lazy (only the queued rows' offsets are kept)."""
    if isinstance(articles, CorpusFile):
        check_queue(queue, (head.id for head in articles.heads))
        return articles.select(queue.article_ids)
    by_id = {article.id: article for article in articles}
    check_queue(queue, by_id)
    return [by_id[article_id] for article_id in queue.article_ids]
