"""The decisions log: an adjudicator's final label for each disputed sentence, appended durably.

Schema ``factcheck-adjudication/1`` (documented in ``annotations/README.md``). A
``DecisionLog`` writes ``<folder>/<adjudicator>.csv``, one complete row per decision or undo,
with the annotation log's own writer, ``factcheck.log.append_record`` (one ``write()``
under a file lock, then fsync; a torn last row is set aside in ``<file>.torn``), so a
decision is on disk when ``decide`` returns. Annotators' logs are never opened for
writing. ``read_decisions`` gives the current decision of every adjudicator per sentence;
two adjudicators who decided differently on one sentence are a conflict (``conflicts``),
which nothing overwrites.
"""

from __future__ import annotations

import csv
import errno
import os
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from filelock import FileLock

from .errors import InputError, InputWarning, LogFormatError, SchemeError
from .labels import DEFAULT_SCHEME, LabelScheme
from .log import (
    LOCK_TIMEOUT,
    CsvRecordError,
    _check_encodable,
    _coerce_timestamps,
    annotator_key,
    annotator_slug,
    append_record,
    check_annotator,
    csv_records,
    format_row,
    read_log_bytes,
    utc_timestamp,
)

SCHEMA_ID = "factcheck-adjudication/1"
# ``action`` is last: a row cut anywhere before its newline lacks it or has a partial one,
# so a last row without a newline is whole exactly when it ends in a known action.
COLUMNS: tuple[str, ...] = (
    "schema",
    "timestamp",
    "adjudicator",
    "article_id",
    "sentence_id",
    "label",
    "reason",
    "comment",
    "scheme",
    "text",
    "action",
)
ACTIONS: tuple[str, ...] = ("decide", "undo")
ANNOTATOR_SLIP = "annotator slip"
GUIDELINE_GAP = "guideline gap"
GENUINELY_AMBIGUOUS = "genuinely ambiguous"
OTHER = "other"
REASONS: tuple[str, ...] = (ANNOTATOR_SLIP, GUIDELINE_GAP, GENUINELY_AMBIGUOUS, OTHER)
HEADER = format_row(COLUMNS)
DEFAULT_FOLDER = "adjudications"
DECISION_COLUMNS: tuple[str, ...] = (
    "adjudicator",
    "article_id",
    "sentence_id",
    "label",
    "reason",
    "comment",
    "timestamp",
    "scheme",
    "text",
    "file",
    "line",
)


@dataclass(frozen=True)
class Decision:
    """One row of the decisions log: an adjudicator's final label ("" = left unresolved).

    An ``undo`` row holds the state it restores; ``reason == ""`` there means "no decision".
    """

    schema: str
    timestamp: str
    adjudicator: str
    article_id: str
    sentence_id: str
    label: str
    reason: str
    comment: str
    scheme: str
    text: str
    action: str

    def row(self) -> tuple[str, ...]:
        """The CSV fields of this decision, in ``COLUMNS`` order."""
        return tuple(str(getattr(self, name)) for name in COLUMNS)

    @property
    def decided(self) -> bool:
        """Whether this row leaves a decision in force (an undo back to nothing does not)."""
        return bool(self.reason)


def decision_path(adjudicator: str, folder: str | os.PathLike[str] = DEFAULT_FOLDER) -> Path:
    """``<folder>/<slug>.csv`` for an adjudicator (the same stems as annotators' logs)."""
    root = Path(folder).expanduser().resolve()
    path = (root / f"{annotator_slug(adjudicator)}.csv").resolve()
    if path.parent != root:
        raise InputError(
            f"The decisions of {adjudicator!r} would be {path}, outside the folder {root} (is "
            "the file a symbolic link?). Remove the link or choose another folder."
        )
    return path


class DecisionLog:
    """An adjudicator's append-only decisions; every decision is on disk when ``decide`` returns.

    Reopening restores the current decisions and the undo history from the file.
    """

    def __init__(
        self,
        adjudicator: str,
        folder: str | os.PathLike[str] = DEFAULT_FOLDER,
        *,
        scheme: LabelScheme = DEFAULT_SCHEME,
    ) -> None:
        self.adjudicator = check_annotator(adjudicator)
        self.scheme = scheme
        self.path = decision_path(self.adjudicator, folder)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file_lock = FileLock(f"{self.path}.lock", timeout=LOCK_TIMEOUT)
        self._thread_lock = threading.RLock()
        self._latest: dict[str, Decision] = {}
        # Per sentence, its decision states in order; the stack holds sentence ids to undo.
        self._history: dict[str, list[Decision]] = {}
        self._stack: list[str] = []
        self._boundary: tuple[int, int, int] | None = None
        if self.path.exists():
            self._restore()

    def __repr__(self) -> str:
        return f"DecisionLog({str(self.path)!r}, adjudicator={self.adjudicator!r})"

    def _restore(self) -> None:
        """Replay this adjudicator's rows of the file: current decisions and undo stack."""
        stat = os.stat(self.path)
        data = _read_bytes(self.path)
        rows = _parse(data, self.path, warn=False)  # the next append sets it aside
        if data.endswith(b"\n"):
            self._boundary = (stat.st_dev, stat.st_ino, len(data))
        me = annotator_key(self.adjudicator)
        for _, decision in rows:
            if annotator_key(decision.adjudicator) == me:
                self._replay(decision)

    def _replay(self, decision: Decision) -> None:
        sid = decision.sentence_id
        if decision.action == "undo":
            if self._stack:
                undone = self._stack.pop()
                self._history[undone].pop()
                self._latest[undone] = decision
            return
        self._history.setdefault(sid, []).append(decision)
        self._stack.append(sid)
        self._latest[sid] = decision

    def decide(
        self,
        sentence_id: str,
        label: str | None,
        *,
        reason: str,
        comment: str = "",
        article_id: str = "",
        text: str = "",
    ) -> Decision:
        """Record the final label of a sentence (None or "" leaves it unresolved), with a reason.

        ``reason`` is one of ``REASONS``; ``text`` (the sentence as the adjudicator saw it) lets
        ``factcheck.gold`` check it against the annotators' logs.
        """
        label = "" if label is None else str(label)
        if label and label not in self.scheme:
            raise SchemeError(
                f"Unknown label {label!r}. Known labels: {', '.join(self.scheme.names)}. Pass "
                "one of them, or None to leave the sentence unresolved."
            )
        if reason not in REASONS:
            raise InputError(
                f"Unknown reason {reason!r}. Use one of: {', '.join(map(repr, REASONS))} "
                "(factcheck.adjudication.ANNOTATOR_SLIP, GUIDELINE_GAP, ...)."
            )
        if not str(sentence_id).strip():
            raise InputError("sentence_id is empty. Pass the id of the sentence you decide on.")
        values = {
            "article_id": str(article_id),
            "sentence_id": str(sentence_id),
            "label": label,
            "reason": reason,
            "comment": str(comment),
            "text": str(text),
            "action": "decide",
        }
        with self._thread_lock:
            decision = self._append(values)
            self._replay(decision)
        return decision

    def undo(self) -> Decision | None:
        """Undo this adjudicator's last decision not yet undone; None if nothing is left.

        The ``undo`` row holds the decision restored (``reason == ""``: no decision).
        """
        with self._thread_lock:
            if not self._stack:
                return None
            sid = self._stack[-1]
            states = self._history[sid]
            last = states[-1]
            before = states[-2] if len(states) > 1 else None
            values = {
                "article_id": last.article_id,
                "sentence_id": sid,
                "label": before.label if before else "",
                "reason": before.reason if before else "",
                "comment": before.comment if before else "",
                "text": last.text,
                "action": "undo",
            }
            decision = self._append(values)
            self._replay(decision)
        return decision

    def current(self) -> dict[str, Decision]:
        """Sentence id -> this adjudicator's decision in force (unresolved ones included)."""
        with self._thread_lock:
            return {sid: d for sid, d in self._latest.items() if d.decided}

    def _append(self, values: dict[str, str]) -> Decision:
        """Write one decision as one complete line (header first if the file is empty)."""
        _check_encodable(values)

        def build() -> tuple[Decision, str]:
            decision = Decision(
                schema=SCHEMA_ID,
                timestamp=utc_timestamp(),
                adjudicator=self.adjudicator,
                scheme=self.scheme.id,
                **values,
            )
            return decision, format_row(decision.row())

        decision, self._boundary = append_record(
            self.path,
            self._file_lock,
            self._boundary,
            build,
            header=HEADER,
            is_whole_row=_is_whole_row,
            what="decision",
        )
        return decision


def _is_whole_row(tail: bytes, offset: int) -> bool:
    """Whether bytes after the last newline are a complete row saved without its newline."""
    if offset == 0:
        return tail == HEADER.encode()[:-1]
    text = tail.decode("utf-8", "replace")
    if text.count('"') % 2:
        return False
    try:
        records = csv_records(text)
    except CsvRecordError:
        return False
    return len(records) == 1 and len(records[0][1]) == len(COLUMNS) and records[0][1][-1] in ACTIONS


def _read_bytes(path: Path) -> bytes:
    """The bytes of a decisions file, read as every log is (``read_log_bytes``: only regular
    files, never blocking, size-limited, header checked before the rest is read)."""
    return read_log_bytes(path, header_problem=_header_problem)


def _header_problem(header: list[str]) -> str:
    """What is wrong with a decisions file's header, or ""."""
    if tuple(header) == COLUMNS:
        return ""
    return (
        f"not a decisions log (schema {SCHEMA_ID}); the header must be {','.join(COLUMNS)}. "
        "Keep only DecisionLog files in the adjudications folder."
    )


def _parse(data: bytes, path: Path, *, warn: bool = True) -> list[tuple[int, Decision]]:
    """(line, decision) of every row of a decisions file, checked; raises LogFormatError.

    A torn last row (no newline, not whole) is skipped with an InputWarning.
    """
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LogFormatError(
            f"{path}, line {line}: is not valid UTF-8. Restore the file from a backup."
        ) from None
    if csv.field_size_limit() < 2**30:  # a long comment is a field, not an error
        csv.field_size_limit(2**30)
    try:
        records = csv_records(text)
    except CsvRecordError as exc:
        if text.endswith("\n"):
            raise LogFormatError(
                f"{path}, line {exc.line}: cannot be parsed as CSV ({exc.reason})."
            ) from None
        records = csv_records(text[: text.rfind("\n") + 1])
        records.append((exc.line, []))  # the torn tail, dropped below
    if not records:
        return []
    if tuple(records[0][1]) != COLUMNS:
        if len(records) == 1 and not text.endswith("\n") and HEADER.startswith(text):
            return []  # a header cut off while the first decision was written
        raise LogFormatError(
            f"{path}, line 1: not a decisions log (schema {SCHEMA_ID}); the header must be "
            f"{','.join(COLUMNS)}. Keep only DecisionLog files in the adjudications folder."
        )
    last_line, last = records[-1]
    if len(records) > 1 and (len(last) != len(COLUMNS) or last[-1] not in ACTIONS):
        if warn:
            warnings.warn(
                f"{path}, line {last_line}: the last row is incomplete (a program stopped "
                "while writing it); it was skipped and every complete row kept.",
                InputWarning,
                stacklevel=4,
            )
        records.pop()
    out = []
    for line, fields_ in records[1:]:
        problem = _row_problem(fields_)
        if problem:
            raise LogFormatError(f"{path}, line {line}: {problem} Restore the row from a backup.")
        out.append((line, Decision(**dict(zip(COLUMNS, fields_, strict=True)))))
    stamps = pd.Series([d.timestamp for _, d in out], dtype="str")
    bad = _coerce_timestamps(stamps).isna().to_numpy().nonzero()[0]  # all rows at once
    if len(bad):
        line, decision = out[int(bad[0])]
        raise LogFormatError(
            f"{path}, line {line}: bad timestamp {decision.timestamp!r}; expected ISO 8601 with "
            "a UTC offset. Restore the row from a backup."
        )
    return out


def _row_problem(fields_: list[str]) -> str:
    """What is wrong with a decisions row, or ""."""
    if len(fields_) != len(COLUMNS):
        return f"has {len(fields_)} fields, expected {len(COLUMNS)}."
    row = dict(zip(COLUMNS, fields_, strict=True))
    if row["schema"] != SCHEMA_ID:
        return f"schema {row['schema']!r} is not {SCHEMA_ID!r}."
    if row["action"] not in ACTIONS:
        return f"unknown action {row['action']!r}; expected one of {', '.join(ACTIONS)}."
    if not row["adjudicator"].strip() or not row["sentence_id"].strip():
        return "empty adjudicator or sentence_id."
    if row["action"] == "decide" and row["reason"] not in REASONS:
        return f"unknown reason {row['reason']!r}; expected one of {', '.join(REASONS)}."
    if row["action"] == "undo" and row["reason"] not in ("", *REASONS):
        return f"unknown reason {row['reason']!r}; expected one of {', '.join(REASONS)}."
    return ""


def decision_files(folder: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The decisions files meant by a folder (its ``*.csv``), a file, or a list of these."""
    items = [folder] if isinstance(folder, (str, os.PathLike)) else list(folder)
    found: list[Path] = []
    for item in items:
        path = Path(item).expanduser()
        if path.is_dir():
            found.extend(sorted(path.glob("*.csv")))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(
                errno.ENOENT, "no such adjudications folder or file; check the path", str(item)
            )
    return found


def empty_decisions() -> pd.DataFrame:
    """An empty decisions table with the ``DECISION_COLUMNS``."""
    frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in DECISION_COLUMNS})
    return frame.astype({"line": "int64"})


def read_decisions(
    folder: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> pd.DataFrame:
    """The decision in force of every adjudicator per sentence, one row each.

    Columns ``DECISION_COLUMNS``: ``label`` "" means "left unresolved"; ``file`` and ``line``
    say where the decision is written. Undone decisions are gone; a sentence one adjudicator
    decided twice keeps the later decision. Sorted by sentence, then adjudicator.
    """
    rows: list[dict[str, object]] = []
    for path in decision_files(folder):
        data = _read_bytes(path)
        if not data:
            continue
        latest: dict[tuple[str, str], tuple[int, Decision]] = {}
        stacks: dict[str, list[tuple[str, int, Decision]]] = {}
        history: dict[tuple[str, str], list[tuple[int, Decision]]] = {}
        for line, decision in _parse(data, path):
            person = annotator_key(decision.adjudicator)
            stack = stacks.setdefault(person, [])
            if decision.action == "undo":
                if stack:
                    sid, _, _ = stack.pop()
                    states = history[(person, sid)]
                    states.pop()
                    if states:
                        latest[(person, sid)] = states[-1]
                    else:
                        latest.pop((person, sid), None)
                continue
            key = (person, decision.sentence_id)
            history.setdefault(key, []).append((line, decision))
            stack.append((decision.sentence_id, line, decision))
            latest[key] = (line, decision)
        for line, d in latest.values():
            rows.append(
                {
                    "adjudicator": d.adjudicator,
                    "article_id": d.article_id,
                    "sentence_id": d.sentence_id,
                    "label": d.label,
                    "reason": d.reason,
                    "comment": d.comment,
                    "timestamp": d.timestamp,
                    "scheme": d.scheme,
                    "text": d.text,
                    "file": str(path),
                    "line": line,
                }
            )
    if not rows:
        return empty_decisions()
    frame = pd.DataFrame(rows, columns=list(DECISION_COLUMNS))
    frame["_key"] = frame["adjudicator"].map(annotator_key)
    frame = frame.sort_values(["sentence_id", "_key", "timestamp"], kind="stable")
    # One person with two files (renamed folder copy): the later decision per sentence.
    frame = frame.drop_duplicates(["_key", "sentence_id"], keep="last")
    return frame.drop(columns="_key").reset_index(drop=True).astype({"line": "int64"})


def conflicts(decisions: pd.DataFrame | str | os.PathLike[str]) -> pd.DataFrame:
    """Sentences on which adjudicators decided differently: one row each, never resolved here.

    Columns: ``article_id``, ``sentence_id``, ``adjudicators`` (their number) and ``conflict``,
    e.g. ``"kim: verified; lee: opinion"`` (``(unresolved)`` for a decision left open).
    Takes ``read_decisions``' table or an adjudications folder.
    """
    table = decisions if isinstance(decisions, pd.DataFrame) else read_decisions(decisions)
    columns = ["article_id", "sentence_id", "adjudicators", "conflict"]
    if table.empty:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns}).astype(
            {"adjudicators": "int64"}
        )
    distinct = table.groupby("sentence_id")["label"].transform("nunique")
    split = table[distinct > 1]
    out = []
    for sid, group in split.groupby("sentence_id", sort=True):
        ordered = group.sort_values("adjudicator", key=lambda s: s.map(annotator_key))
        text = "; ".join(
            f"{name}: {label or '(unresolved)'}"
            for name, label in zip(ordered["adjudicator"], ordered["label"], strict=True)
        )
        article = next((a for a in ordered["article_id"] if a), "")
        out.append(
            {
                "article_id": article,
                "sentence_id": sid,
                "adjudicators": len(ordered),
                "conflict": text,
            }
        )
    if not out:
        return conflicts(empty_decisions())
    return pd.DataFrame(out, columns=columns).astype({"adjudicators": "int64"})
