"""Teaching sessions: answer keys, feedback, student scores and the data of the class report.

A teacher labels articles with the normal widget and writes an explanation per sentence in
the note field; ``make_answer_key`` turns that log into an answer key CSV (schema
``factcheck-key/1``, documented in ``annotations/README.md``). ``AnswerKey.check`` gives the
feedback for one answer; ``class_report`` scores a folder of student logs against the key.
Everything here is a pure function of files and DataFrames: no widget, no display.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import os
import re
import secrets
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._atomic import write_bytes_atomic
from .agreement import ALL, agreement, sentence_agreement
from .errors import FactcheckError, InputError, InputWarning, LogFormatError
from .labels import DEFAULT_SCHEME, LabelScheme
from .log import COLUMNS as LOG_COLUMNS
from .log import (
    CsvRecordError,
    annotator_key,
    csv_records,
    format_row,
    log_files,
    log_groups,
    log_owner,
    read_annotations,
)
from .spreadsheet import protect_cell, unprotect_cell

KEY_SCHEMA_ID = "factcheck-key/1"
KEY_COLUMNS: tuple[str, ...] = (
    "schema",
    "article_id",
    "sentence_id",
    "sentence_index",
    "start",
    "end",
    "label",
    "explanation",
    "scheme",
    "source",
    "text",
)
_KEY_INTS = ("sentence_index", "start", "end")
_MAX_KEY_PROBLEMS = 20
_MAX_NAMED = 5

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class KeyEntry:
    """The right answer for one sentence; ``label == ""`` means no single right answer."""

    article_id: str
    sentence_id: str
    sentence_index: int
    start: int
    end: int
    label: str
    explanation: str
    scheme: str
    source: str
    text: str


@dataclass(frozen=True)
class Feedback:
    """What a student is told after answering: right or wrong (None: not in the key), and why."""

    correct: bool | None
    expected: str
    explanation: str


_NOT_IN_KEY = Feedback(correct=None, expected="", explanation="")


@dataclass(frozen=True)
class AnswerKey:
    """The teacher's answers, one entry per sentence; ``check`` looks one answer up."""

    entries: tuple[KeyEntry, ...]
    path: str = ""
    _by_id: dict[str, KeyEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, KeyEntry] = {}
        for entry in self.entries:
            if entry.sentence_id in by_id:
                where = f"{self.path}: " if self.path else ""
                raise InputError(
                    f"{where}sentence {entry.sentence_id!r} appears twice in the answer key. "
                    "Keep one entry per sentence."
                )
            by_id[entry.sentence_id] = entry
        object.__setattr__(self, "_by_id", by_id)

    def __len__(self) -> int:
        """The number of sentences with a right answer (open sentences not counted)."""
        return sum(1 for entry in self.entries if entry.label)

    def __contains__(self, sentence_id: object) -> bool:
        entry = self._by_id.get(sentence_id)  # type: ignore[arg-type]
        return entry is not None and bool(entry.label)

    def get(self, sentence_id: str) -> KeyEntry | None:
        """The key's entry for a sentence (possibly with no label), or None."""
        return self._by_id.get(sentence_id)

    def check(self, sentence_id: str, label: str | None) -> Feedback:
        """Feedback on one answer: correct True/False, or None if the key has no answer.

        An open entry (no label) gives None with its explanation; a cleared answer (None or
        "") gives None and reveals nothing. One dict lookup: cheap enough for every click.
        """
        entry = self._by_id.get(sentence_id)
        if entry is None or not label:
            return _NOT_IN_KEY
        if not entry.label:
            return Feedback(correct=None, expected="", explanation=entry.explanation)
        return Feedback(
            correct=label == entry.label, expected=entry.label, explanation=entry.explanation
        )

    @property
    def article_ids(self) -> tuple[str, ...]:
        """The articles of the key, in the order they first appear."""
        return tuple(dict.fromkeys(entry.article_id for entry in self.entries))

    @property
    def fingerprint(self) -> str:
        """A hex digest of the key's sentences and answers (changes when the key does)."""
        digest = hashlib.sha256()
        for entry in self.entries:
            digest.update(f"{entry.sentence_id}\x1f{entry.label}\x1e".encode())
        return digest.hexdigest()

    def to_frame(self) -> pd.DataFrame:
        """The key as a DataFrame with the key columns (without ``schema``)."""
        columns = [c for c in KEY_COLUMNS if c != "schema"]
        frame = pd.DataFrame(
            [[getattr(e, c) for c in columns] for e in self.entries], columns=columns
        )
        for name in _KEY_INTS:
            frame[name] = frame[name].astype("int64")
        for name in set(columns) - set(_KEY_INTS):
            frame[name] = frame[name].astype("str")
        return frame


# ---------------------------------------------------------------------------------------------
# Making and reading keys


def make_answer_key(
    teacher_log: PathLike | Iterable[PathLike] | pd.DataFrame,
    out: PathLike,
    *,
    annotator: str | None = None,
    schemes: Sequence[LabelScheme] = (DEFAULT_SCHEME,),
) -> AnswerKey:
    """Save the teacher's current labels, with their notes as explanations, as an answer key.

    ``teacher_log`` is a log path (or folder/glob/list) or a ``read_annotations`` DataFrame;
    with several annotators in it, ``annotator`` says whose labels are the key. The key is
    written completely before it replaces ``out``; it may never replace one of the logs.
    """
    if isinstance(teacher_log, pd.DataFrame):
        df = teacher_log
        inputs: list[Path] = []
    else:
        inputs = log_files(teacher_log)
        df = read_annotations(inputs, schemes=schemes)
    out = Path(out)
    if out.resolve() in {p.resolve() for p in inputs}:
        raise InputError(
            f"{out}: this is the teacher's annotation log; saving the answer key there would "
            "overwrite it. Choose another file name, e.g. key.csv."
        )
    missing = [c for c in LOG_COLUMNS if c not in df.columns and c not in ("schema", "action")]
    if missing:
        raise InputError(
            f"The teacher's table has no column(s) {', '.join(missing)}. Pass a log file or "
            "the DataFrame returned by factcheck.read_annotations(files)."
        )
    rows = df.loc[df["label"].astype(str) != ""]
    names = sorted(set(rows["annotator"].astype(str)))
    if annotator is not None:
        if annotator not in names:
            raise InputError(
                f"Annotator {annotator!r} has no labels in the teacher's log (found: "
                f"{', '.join(names) or 'none'}). Check the name."
            )
        rows = rows.loc[rows["annotator"] == annotator]
    elif len(names) > 1:
        raise InputError(
            f"The teacher's log has labels from {len(names)} annotators ({', '.join(names)}). "
            "Pass annotator='name' to say whose labels are the answer key."
        )
    if rows.empty:
        raise InputError(
            "The teacher's log has no labels, so there is nothing to put in the answer key. "
            "Label the articles first (the note of each label becomes its explanation)."
        )
    if rows.duplicated("sentence_id").any():
        raise InputError(
            "The teacher's table has several rows for one sentence. Pass "
            "read_annotations(files), not read_annotations(files, history=True)."
        )
    rows = rows.sort_values(["article_id", "sentence_index", "sentence_id"], kind="stable")
    entries = tuple(
        KeyEntry(
            article_id=str(r["article_id"]),
            sentence_id=str(r["sentence_id"]),
            sentence_index=int(r["sentence_index"]),
            start=int(r["start"]),
            end=int(r["end"]),
            label=str(r["label"]),
            explanation=str(r.get("note", "")),
            scheme=str(r.get("scheme", DEFAULT_SCHEME.id)),
            source=str(r.get("source", "")),
            text=str(r["text"]),
        )
        for r in rows.to_dict("records")
    )
    key = AnswerKey(entries, path=str(out))
    write_answer_key(key, out)
    record_teachers(out, names=set(rows["annotator"].astype(str)), logs=inputs)
    warn_unexplained(key)
    return key


def write_answer_key(key: AnswerKey, out: PathLike) -> Path:
    """Write ``key`` as a ``factcheck-key/1`` CSV; the old file is replaced only on success.

    The file starts with a UTF-8 byte-order mark (so spreadsheets read accents right) and
    every text cell goes through ``spreadsheet.protect_cell`` (none runs as a formula there;
    ``read_answer_key`` undoes it exactly).
    """
    out = Path(out)
    lines = ["\ufeff" + format_row(KEY_COLUMNS)]
    for entry in key.entries:
        values = [
            str(getattr(entry, c)) if c in _KEY_INTS else protect_cell(str(getattr(entry, c)))
            for c in KEY_COLUMNS
            if c != "schema"
        ]
        lines.append(format_row([KEY_SCHEMA_ID, *values]))
    return write_bytes_atomic(out, "".join(lines).encode("utf-8"))


def unexplained(key: AnswerKey) -> tuple[KeyEntry, ...]:
    """The key's sentences with a right answer but no explanation (students learn no why)."""
    return tuple(e for e in key.entries if e.label and not e.explanation.strip())


def warn_unexplained(key: AnswerKey) -> None:
    """Warn (InputWarning) naming the key file and the sentences that have no explanation."""
    missing = unexplained(key)
    if not missing:
        return
    named = "; ".join(
        f"{e.article_id} sentence {e.sentence_index + 1} ({_short(e.text)!r})"
        for e in missing[:_MAX_NAMED]
    )
    more = f"; and {len(missing) - _MAX_NAMED} more" if len(missing) > _MAX_NAMED else ""
    warnings.warn(
        f"{key.path or 'the answer key'}: {len(missing)} sentence(s) have a right answer but "
        f"no explanation, so a student who gets them wrong is not told why: {named}{more}. "
        "Write the explanation in the note of your label and make the key again, or fill in "
        "the key's explanation column.",
        InputWarning,
        stacklevel=3,
    )


# ---------------------------------------------------------------------------------------------
# The teacher's own logs: never claimable by a student, never scored as one

TEACHERS_SUFFIX = ".teachers"


@dataclass(frozen=True)
class Teachers:
    """Who the teacher is in a session: names (as ``annotator_key``) and logs (resolved)."""

    names: frozenset[str] = frozenset()
    logs: frozenset[Path] = frozenset()

    def has_name(self, name: str) -> bool:
        """Whether ``name`` is a teacher's, however it is capitalised or spaced."""
        return annotator_key(name) in self.names

    def has_log(self, path: PathLike) -> bool:
        """Whether ``path`` is one of the teacher's logs, or the continuation of one (a list
        written before the teacher's /1 log was continued names the log only)."""
        path = Path(path)
        return path.resolve() in self.logs or log_owner(path).resolve() in self.logs


def teachers_path(key_path: PathLike) -> Path:
    """The teacher list of a key, beside it: ``key.csv`` -> ``key.csv.teachers``."""
    path = Path(key_path)
    return path.with_name(path.name + TEACHERS_SUFFIX)


def read_teachers(key_path: PathLike) -> Teachers:
    """The teacher list of a key (none if there is no list); unknown lines are ignored.

    One entry per line: ``name: rahman`` or ``log: /path/to/rahman.csv`` (relative paths are
    relative to the list's folder); ``#`` starts a comment.
    """
    path = teachers_path(key_path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return Teachers()
    names: set[str] = set()
    logs: set[Path] = set()
    for line in text.splitlines():
        kind, _, value = line.split("#", 1)[0].partition(":")
        value = value.strip()
        if not value:
            continue
        if kind.strip().lower() == "name":
            names.add(annotator_key(value))
        elif kind.strip().lower() == "log":
            logs.add((path.parent / Path(value).expanduser()).resolve())
    return Teachers(frozenset(names), frozenset(logs))


def record_teachers(key_path: PathLike, *, names: Iterable[str], logs: Iterable[PathLike]) -> Path:
    """Add the key's authors and the logs it was made from to its teacher list (kept lines
    stay), so students can never claim those names or files."""
    path = teachers_path(key_path)
    try:
        old = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        old = [
            "# The teacher's names and logs for this answer key (factcheck classroom).",
            "# Students cannot take these names or continue these logs. Add lines as needed.",
        ]
    new = [f"name: {name}" for name in sorted(names)]
    new += [f"log: {Path(log).resolve()}" for log in logs]
    lines = old + [line for line in dict.fromkeys(new) if line not in old]
    return write_bytes_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))


def is_teachers_log(events: pd.DataFrame, key: AnswerKey, teachers: Teachers) -> bool:
    """Whether a log's events are a teacher's: by its annotator's name, or because a note on
    a key sentence is word for word that sentence's explanation (what the key is made of)."""
    names = set(events["annotator"].astype(str)) if len(events) else set()
    if any(teachers.has_name(name) for name in names):
        return True
    for sentence_id, note in zip(events["sentence_id"], events["note"], strict=True):
        entry = key.get(str(sentence_id))
        explanation = entry.explanation.strip() if entry is not None else ""
        if explanation and str(note).strip() == explanation:
            return True
    return False


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_answer_key(
    path: PathLike, *, schemes: Sequence[LabelScheme] = (DEFAULT_SCHEME,)
) -> AnswerKey:
    """Read an answer key CSV; a malformed file raises LogFormatError naming file and line.

    Columns may come in any order and extra columns are ignored (keys are often edited in a
    spreadsheet); labels are compared case-insensitively; an empty label leaves the sentence
    open (no single right answer). Cells are read back through ``unprotect_cell``, so the
    text is exactly what ``write_answer_key`` was given.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputError(
            f"{name}: no such answer key. Make one from the teacher's labels with "
            "'factcheck classroom key annotations/<teacher>.csv -o key.csv' "
            "(in Python: factcheck.classroom.make_answer_key), or check the path."
        )
    data = path.read_bytes()
    if not data.strip():
        raise LogFormatError(
            f"{name}, line 1: the answer key is empty. Make one with "
            "factcheck.classroom.make_answer_key(teacher_log, out)."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LogFormatError(
            f"{name}, line {line}: the answer key is not valid UTF-8 (was it saved by a "
            "spreadsheet in another encoding?). Save it as 'CSV UTF-8'."
        ) from None
    try:
        records = csv_records(text)
    except CsvRecordError as exc:
        raise LogFormatError(
            f"{name}, line {exc.line}: cannot be parsed as CSV ({exc.reason}). Check the "
            "quotes on that line."
        ) from None
    header = [h.strip() for h in records[0][1]]
    _check_key_header(header, name)
    position = {column: header.index(column) for column in KEY_COLUMNS}
    known = {scheme.id: scheme for scheme in schemes}
    problems: list[str] = []
    entries: list[KeyEntry] = []
    seen: dict[str, int] = {}
    for line, row in records[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.append(
                f"{name}, line {line}: has {len(row)} fields, expected {len(header)}. Fields "
                "with commas, quotes or line breaks must be in double quotes; correct the row."
            )
            continue
        values = {
            column: row[i] if column in _KEY_INTS else unprotect_cell(row[i])
            for column, i in position.items()
        }
        problem = _key_row_problem(values, known, seen)
        if problem:
            problems.append(f"{name}, line {line}: {problem}")
            continue
        seen[values["sentence_id"]] = line
        entries.append(
            KeyEntry(
                article_id=values["article_id"],
                sentence_id=values["sentence_id"],
                sentence_index=int(values["sentence_index"]),
                start=int(values["start"]),
                end=int(values["end"]),
                label=values["label"].strip().lower(),
                explanation=values["explanation"],
                scheme=values["scheme"],
                source=values["source"],
                text=values["text"],
            )
        )
    if problems:
        more = len(problems) - 1
        extra = f" ({more} more problem(s) in this file.)" if more else ""
        raise LogFormatError(problems[0] + extra)
    return AnswerKey(tuple(entries), path=name)


def _check_key_header(header: list[str], name: str) -> None:
    if all(column in header for column in KEY_COLUMNS):
        return
    expected = ",".join(KEY_COLUMNS)
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semicolons" if ";" in header[0] else "tabs"
        message = (
            f"the columns are separated by {sep}, not commas. Save the key as "
            "'CSV UTF-8 (comma delimited)'."
        )
    elif tuple(header) == LOG_COLUMNS:
        message = (
            "this is an annotation log, not an answer key. Make the key from it with "
            "factcheck.classroom.make_answer_key(log, 'key.csv')."
        )
    else:
        missing = [c for c in KEY_COLUMNS if c not in header]
        message = (
            f"missing column(s) {', '.join(missing)}. An answer key ({KEY_SCHEMA_ID}) needs "
            f"the columns: {expected}."
        )
    raise LogFormatError(f"{name}, line 1: {message}")


def _key_row_problem(
    values: dict[str, str], known: dict[str, LabelScheme], seen: dict[str, int]
) -> str:
    """What is wrong with one key row, or ""."""
    if values["schema"] != KEY_SCHEMA_ID:
        return (
            f"schema {values['schema']!r} is not {KEY_SCHEMA_ID!r}. The row comes from another "
            "version of factcheck; upgrade factcheck or remake the key."
        )
    sid = values["sentence_id"].strip()
    if not sid:
        return "empty sentence_id. Every row needs one; restore it from the teacher's log."
    if sid in seen:
        return (
            f"sentence {sid!r} is already in the key (line {seen[sid]}). Keep one row per sentence."
        )
    for column in _KEY_INTS:
        if not values[column].strip().isdigit():
            return f"{column} {values[column]!r} is not a whole number >= 0. Restore it."
    if int(values["start"]) > int(values["end"]):
        return f"start {values['start']} is after end {values['end']}. Restore the offsets."
    label = values["label"].strip().lower()
    scheme = known.get(values["scheme"])
    if label and scheme is not None and label not in scheme:
        return (
            f"unknown label {values['label']!r}. Known labels: {', '.join(scheme.names)}. "
            "Correct it, or leave it empty if the sentence has no single right answer."
        )
    if label and (label != label.strip() or "," in label):
        return f"label {values['label']!r} is not a label name. Correct it."
    return ""


def _read_logs(
    paths: list[Path], schemes: Sequence[LabelScheme]
) -> tuple[pd.DataFrame | None, list[str], str]:
    """Every event in the logs, the warnings raised reading them, or the error instead."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            events = read_annotations(paths, history=True, schemes=schemes)
        except (FactcheckError, OSError) as exc:
            if len(paths) == 1:
                return None, [], f"{exc} This file was not scored."
            names = ", ".join(Path(p).name for p in paths)
            return None, [], f"{exc} These files of one log were not scored: {names}."
    return events, [str(w.message) for w in caught], ""


def _has_rows(path: Path) -> bool:
    """Whether a CSV file has anything after its header line."""
    try:
        with open(path, "rb") as handle:
            handle.readline()
            return any(line.strip() for line in handle)
    except OSError:
        return False


def is_answer_key(path: PathLike) -> bool:
    """Whether the CSV file's header is an answer key's (so it is not a student's log)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader([handle.readline()]), [])
    except (OSError, UnicodeDecodeError):
        return False
    return "explanation" in header and "schema" in header and "action" not in header


# ---------------------------------------------------------------------------------------------
# Student submissions


@dataclass(frozen=True)
class Submissions:
    """What is in the students' folder now: current labels, every student, files read, problems."""

    labels: pd.DataFrame
    students: tuple[str, ...]
    files: tuple[str, ...]
    problems: tuple[str, ...]
    last_activity: dict[str, str] = field(default_factory=dict)
    """Student -> time of their latest event of any kind (label, clear, undo, flag), UTC."""


def _latest_events(events: pd.DataFrame) -> dict[str, str]:
    """Annotator -> their latest event's time as ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    if events.empty:
        return {}
    last = events.groupby("annotator", observed=True)["timestamp"].max()
    return {str(name): f"{ts:%Y-%m-%d %H:%M:%S}" for name, ts in last.items() if pd.notna(ts)}


def read_submissions(
    students: PathLike | Iterable[PathLike],
    *,
    key: AnswerKey | None = None,
    schemes: Sequence[LabelScheme] = (DEFAULT_SCHEME,),
) -> Submissions:
    """Read every student log in a folder (or files/globs), skipping what cannot be read.

    Answer-key files (and ``key.path``) in the folder are left out, and so is the teacher
    (the logs and names in the key's teacher list, ``read_teachers``). A student whose file
    cannot be read is listed in ``problems`` instead of stopping the report; a student who
    labelled nothing still counts (named after the annotator in the file, else its name).
    """
    skip = {Path(key.path).resolve()} if key is not None and key.path else set()
    teachers = read_teachers(key.path) if key is not None and key.path else Teachers()
    files = [
        p
        for p in log_files(students)
        if p.resolve() not in skip and not teachers.has_log(p) and not is_answer_key(p)
    ]
    problems: list[str] = []
    frames: list[pd.DataFrame] = []
    read: list[str] = []
    # One read of every file is fast; only if a file is broken, read them log by log (a
    # log and its continuation together: one student's answers, all scored or none).
    reads = [(files, *_read_logs(files, schemes))] if files else []
    if reads and reads[0][3] and len(log_groups(files)) > 1:
        reads = [(group, *_read_logs(group, schemes)) for group in log_groups(files)]
    for paths, events, notes, error in reads:
        problems.extend(notes)
        if error:
            problems.append(error)
        else:
            frames.append(events)
            read.extend(str(p) for p in paths)
    # A student with no rows is named after their log (``log_owner``: ``ana+2.csv`` is
    # ana's), unless another file of that log has rows, which name them.
    with_rows = {log_owner(p) for p in read if _has_rows(Path(p))}
    names = {log_owner(p).stem for p in read if log_owner(p) not in with_rows}
    frames = [frame for frame in frames if len(frame)]
    frames = [
        frame.loc[~frame["annotator"].astype(str).map(teachers.has_name).astype(bool)]
        for frame in frames
    ]
    frames = [frame for frame in frames if len(frame)]
    names = {name for name in names if not teachers.has_name(name)}
    for frame in frames:
        names.update(frame["annotator"].astype(str))
    if frames:
        events = pd.concat(frames, ignore_index=True).sort_values("timestamp", kind="stable")
        latest = _latest_events(events)
        current = events.drop_duplicates(["annotator", "sentence_id"], keep="last")
        current = current.loc[current["label"] != ""].sort_values(
            ["annotator", "article_id", "sentence_index", "sentence_id"], kind="stable"
        )
        labels = current.reset_index(drop=True)
    else:
        labels = read_annotations([])
        latest = {}
    return Submissions(
        labels=labels,
        students=tuple(sorted(names, key=str.casefold)),
        files=tuple(read),
        problems=tuple(problems),
        last_activity=latest,
    )


# ---------------------------------------------------------------------------------------------
# Scores and sentence statistics

SCORE_COLUMNS = (
    "student",
    "article_id",
    "in_key",
    "answered",
    "correct",
    "unscored",
    "accuracy",
    "score",
)


def _answers(key: AnswerKey, labels: pd.DataFrame) -> pd.DataFrame:
    """Each student label joined to the key: the key's article, expected label, correct."""
    frame = key.to_frame()
    keyed = frame.loc[frame["label"] != "", ["sentence_id", "article_id", "label"]]
    keyed = keyed.rename(columns={"label": "expected", "article_id": "key_article"})
    out = labels[["annotator", "article_id", "sentence_id", "label"]].merge(
        keyed, on="sentence_id", how="left"
    )
    out["in_key"] = out["expected"].notna()
    out["correct"] = out["in_key"] & (out["label"] == out["expected"])
    return out


def score_students(
    key: AnswerKey, labels: pd.DataFrame, *, students: Iterable[str] = ()
) -> pd.DataFrame:
    """Scores per student and key article, plus an ``(all)`` row per student.

    ``in_key``: sentences with a right answer; ``answered``: how many of them the student
    labelled; ``correct``; ``unscored``: labels on sentences outside the key; ``accuracy`` =
    correct / answered (NaN if none), ``score`` = correct / in_key. Students in ``students``
    who labelled nothing get zeros, so partial and missing work shows.
    """
    names = sorted(set(students) | set(labels["annotator"].astype(str)), key=str.casefold)
    frame = key.to_frame()
    articles = list(key.article_ids)
    in_key = frame.loc[frame["label"] != ""].groupby("article_id").size()
    answers = _answers(key, labels)
    scored = answers.loc[answers["in_key"]]
    grid = pd.MultiIndex.from_product([names, articles], names=["student", "article_id"])
    per = (
        scored.groupby(["annotator", "key_article"])
        .agg(answered=("in_key", "size"), correct=("correct", "sum"))
        .rename_axis(["student", "article_id"])
        .reindex(grid, fill_value=0)
        .reset_index()
    )
    per["in_key"] = per["article_id"].map(in_key).fillna(0).astype("int64")
    outside = answers.loc[~answers["in_key"]]
    unscored = outside.groupby(["annotator", "article_id"]).size().rename("unscored")
    per = per.merge(unscored, left_on=["student", "article_id"], right_index=True, how="left")
    per["unscored"] = per["unscored"].fillna(0)
    total = per.groupby("student", sort=False)[["in_key", "answered", "correct"]].sum()
    total["unscored"] = (
        answers.loc[~answers["in_key"]].groupby("annotator").size().reindex(total.index).fillna(0)
    )
    total = total.reset_index().assign(article_id=ALL)
    if not articles:
        total = pd.DataFrame({"student": names, "article_id": ALL})
        for column in ("in_key", "answered", "correct"):
            total[column] = 0
        total["unscored"] = answers.groupby("annotator").size().reindex(names).fillna(0).values
    out = pd.concat([per, total], ignore_index=True)
    for column in ("in_key", "answered", "correct", "unscored"):
        out[column] = out[column].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["accuracy"] = np.where(out["answered"] > 0, out["correct"] / out["answered"], np.nan)
        out["score"] = np.where(out["in_key"] > 0, out["correct"] / out["in_key"], np.nan)
    order = {name: i for i, name in enumerate(names)}
    article_order = {a: i for i, a in enumerate([*articles, ALL])}
    out = out.sort_values(
        ["student", "article_id"],
        key=lambda s: s.map(order if s.name == "student" else article_order),
        kind="stable",
    )
    out["student"] = out["student"].astype("str")
    out["article_id"] = out["article_id"].astype("str")
    return out[list(SCORE_COLUMNS)].reset_index(drop=True)


SENTENCE_COLUMNS = (
    "article_id",
    "sentence_id",
    "sentence_index",
    "text",
    "expected",
    "explanation",
    "in_key",
    "n_answers",
    "n_correct",
    "share_correct",
    "majority_label",
    "majority_share",
    "tie",
    "tied_labels",
    "entropy",
    "votes",
)


def sentence_summary(
    key: AnswerKey, labels: pd.DataFrame, *, scheme: LabelScheme = DEFAULT_SCHEME
) -> pd.DataFrame:
    """One row per sentence in the key or answered by someone: class votes next to the key.

    ``expected`` is the key's label ("" when the key has none), ``share_correct`` the share of
    the students who answered it that were right (NaN outside the key); ``entropy`` (bits) and
    ``votes`` come from ``agreement.sentence_agreement``. On a tie there is no majority:
    ``tie`` is True, ``majority_label`` is "" and ``tied_labels`` lists the labels with the
    most votes ("opinion, verified", in scheme order); otherwise ``tied_labels`` is "".
    """
    frame = key.to_frame().rename(columns={"label": "expected"})
    base = frame[["article_id", "sentence_id", "sentence_index", "text", "expected", "explanation"]]
    if len(labels):
        seen = labels.drop_duplicates("sentence_id")[
            ["article_id", "sentence_id", "sentence_index", "text"]
        ]
        seen = seen.loc[~seen["sentence_id"].isin(base["sentence_id"])]
        base = pd.concat([base, seen], ignore_index=True)
    base = base.fillna({"expected": "", "explanation": ""})
    known = set(scheme.names)
    names = list(scheme.names) + sorted(set(labels["label"].astype(str)) - known - {""})
    if len(labels):
        votes = sentence_agreement(labels, labels=names).drop(
            columns=["article_id", "sentence_index", "text"], errors="ignore"
        )
        votes = votes.rename(columns={"n_annotators": "n_answers"})
        answers = _answers(key, labels)
        right = answers.groupby("sentence_id")["correct"].sum().rename("n_correct")
        base = base.merge(votes, on="sentence_id", how="left").merge(
            right, on="sentence_id", how="left"
        )
    else:
        base = base.assign(
            n_answers=0, majority_label="", majority_share=np.nan, tie=False, entropy=np.nan
        )
        base = base.assign(votes="", n_correct=0)
    base["n_answers"] = base["n_answers"].fillna(0).astype("int64")
    base["n_correct"] = base["n_correct"].fillna(0).astype("int64")
    base["in_key"] = base["expected"] != ""
    with np.errstate(divide="ignore", invalid="ignore"):
        base["share_correct"] = np.where(
            base["in_key"] & (base["n_answers"] > 0),
            base["n_correct"] / base["n_answers"].where(base["n_answers"] > 0, 1),
            np.nan,
        )
    base["majority_label"] = base["majority_label"].fillna("").astype("str")
    base["votes"] = base["votes"].fillna("").astype("str")
    base["tie"] = base["tie"].fillna(False).astype(bool)
    tied = _tied_labels(labels, names).to_dict()
    base["tied_labels"] = [tied.get(sid, "") for sid in base["sentence_id"]]
    base["tied_labels"] = base["tied_labels"].astype("str")
    base.loc[base["tie"], "majority_label"] = ""
    article_order = {a: i for i, a in enumerate(key.article_ids)}
    base = base.sort_values(
        ["article_id", "sentence_index"],
        key=lambda s: (
            s.map(lambda a: (article_order.get(a, len(article_order)), a))
            if s.name == "article_id"
            else s
        ),
        kind="stable",
    )
    return base[list(SENTENCE_COLUMNS)].reset_index(drop=True)


def _tied_labels(labels: pd.DataFrame, order: Sequence[str]) -> pd.Series:
    """Sentence id -> the labels sharing the most votes, joined by ", " (ties only)."""
    counts = vote_counts(labels)
    if counts.empty:
        return pd.Series([], dtype="str")
    top = counts.groupby("sentence_id")["count"].transform("max")
    best = counts.loc[counts["count"] == top]
    rank = {name: i for i, name in enumerate(order)}
    best = best.assign(rank=best["label"].map(lambda label: rank.get(label, len(rank))))
    best = best.sort_values(["sentence_id", "rank", "label"], kind="stable")
    joined = best.groupby("sentence_id")["label"].agg(lambda s: ", ".join(s) if len(s) > 1 else "")
    return joined.loc[joined != ""]


def vote_counts(labels: pd.DataFrame) -> pd.DataFrame:
    """How many students gave each label to each sentence (article_id, sentence_id, label)."""
    if labels.empty:
        return pd.DataFrame(
            {
                "article_id": pd.Series([], dtype="str"),
                "sentence_id": pd.Series([], dtype="str"),
                "label": pd.Series([], dtype="str"),
                "count": pd.Series([], dtype="int64"),
            }
        )
    return (
        labels.groupby(["article_id", "sentence_id", "label"], observed=True)
        .size()
        .rename("count")
        .reset_index()
    )


HARDEST_RULE = (
    "the sentences in the key that at least one student got wrong, the lowest share of right "
    "answers first; on equal shares, the most divided votes first (entropy), then the most "
    "answers. Sentences everyone got right, nobody answered or outside the key are left out."
)
"""How ``hardest_sentences`` chooses, in words (the report prints it)."""


def hardest_sentences(summary: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """At most ``n`` key sentences the class found hardest, chosen as ``HARDEST_RULE`` says."""
    rows = summary.loc[
        summary["in_key"] & (summary["n_answers"] > 0) & (summary["share_correct"] < 1)
    ]
    rows = rows.sort_values(
        ["share_correct", "entropy", "n_answers"], ascending=[True, False, False], kind="stable"
    )
    return rows.head(n).reset_index(drop=True)


def pseudonyms(names: Iterable[str], *, salt: str = "") -> dict[str, str]:
    """Stable pseudonyms ("Student 07") from a keyed hash of each name; no two are the same.

    A name's number depends on the name and ``salt`` only (not on the other names or their
    order), so it survives late submissions; on the rare clash the name with the larger hash
    takes the next free number. ``salt`` must be a secret (``pseudonym_secret``): anyone who
    knows it can try every name of the class and work out who is who.
    """
    unique = sorted(set(names))
    size = 100 if len(unique) < 60 else 10 ** (len(str(len(unique) * 2)))
    width = len(str(size - 1))

    def digest(name: str) -> int:
        mac = hmac.new(salt.encode(), name.encode(), hashlib.sha256).digest()
        return int.from_bytes(mac[:8], "big")

    taken: set[int] = set()
    out: dict[str, str] = {}
    for value, name in sorted((digest(name), name) for name in unique):
        number = value % (size - 1) + 1
        while number in taken:
            number = number % (size - 1) + 1
        taken.add(number)
        out[name] = f"Student {number:0{width}d}"
    return out


SECRET_SUFFIX = ".secret"
_SECRET = re.compile(r"[0-9a-f]{64}")


def secret_path(key_path: PathLike) -> Path:
    """Where the pseudonym secret of a key is kept: beside it, ``key.csv`` -> ``key.csv.secret``."""
    path = Path(key_path)
    return path.with_name(path.name + SECRET_SUFFIX)


def pseudonym_secret(path: PathLike) -> str:
    """The teacher's pseudonym secret kept in ``path``; made the first time (random, mode 0600).

    The secret is 32 random bytes that only the teacher's files hold: nothing a student sees
    (articles, labels, feedback, the report) lets them recompute it, unlike the key's own
    fingerprint. It is kept, so pseudonyms stay the same from one report to the next.
    """
    path = Path(path)
    if not path.exists():
        _create_secret(path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read the pseudonym secret ({exc}). Give it back its read "
            "permission, or delete it to make a new one (the pseudonyms then change)."
        ) from None
    if not _SECRET.fullmatch(text):
        raise InputError(
            f"{path}: is not a factcheck pseudonym secret (64 hex digits). Restore it from a "
            "backup, or delete it to make a new one (the pseudonyms then change)."
        )
    if os.name == "posix" and path.stat().st_mode & 0o077:
        warnings.warn(
            f"{path}: the pseudonym secret can be read by other users of this computer, who "
            f"could then tell who is who in a report with hidden names. Run: chmod 600 {path}",
            InputWarning,
            stacklevel=3,
        )
    return text


def _create_secret(path: Path) -> None:
    """Write a new secret, readable by its owner only; a secret made meanwhile is kept."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise InputError(
            f"{path}: cannot create the pseudonym secret here ({exc.strerror}). Make the "
            "folder writable, or pass secret=<a file in your own folders> (factcheck classroom "
            "report --secret FILE)."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another report made one first: keep it
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# The class report


@dataclass(frozen=True)
class ClassReport:
    """Everything the class report shows, as data: scores, sentences, agreement, votes."""

    key: AnswerKey
    students: tuple[str, ...]
    labels: pd.DataFrame
    scores: pd.DataFrame
    sentences: pd.DataFrame
    agreement: pd.DataFrame
    files: tuple[str, ...]
    problems: tuple[str, ...]
    hide_names: bool = False
    scheme: LabelScheme = DEFAULT_SCHEME
    last_activity: dict[str, str] = field(default_factory=dict)
    """Student (as shown) -> time of their latest event of any kind, UTC."""

    @property
    def hardest(self) -> pd.DataFrame:
        """The ten hardest key sentences (``HARDEST_RULE``)."""
        return hardest_sentences(self.sentences)

    @property
    def votes(self) -> pd.DataFrame:
        """Label counts per sentence (article_id, sentence_id, label, count)."""
        return vote_counts(self.labels)


def class_agreement(
    labels: pd.DataFrame, *, categories: Sequence[str] | None = None
) -> pd.DataFrame:
    """Agreement of the whole class (``agreement`` rows for all students, not per pair)."""
    if labels.empty or labels["annotator"].nunique() < 2:
        return pd.DataFrame(
            {
                "measure": ["percent_agreement"],
                "label": [ALL],
                "value": [np.nan],
                "ci_low": [np.nan],
                "ci_high": [np.nan],
                "n_items": [int(labels["sentence_id"].nunique()) if len(labels) else 0],
                "n_annotators": [int(labels["annotator"].nunique()) if len(labels) else 0],
                "note": ["undefined: agreement needs answers from two or more students"],
            }
        )
    table = agreement(labels, labels=categories, n_boot=200)
    whole = table.loc[(table["annotator_a"] == ALL) & (table["annotator_b"] == ALL)]
    whole = whole.drop(columns=["annotator_a", "annotator_b"]).reset_index(drop=True)
    return _drop_thin_intervals(whole)


MIN_INTERVAL_SENTENCES = 10
"""Below this many sentences a bootstrap interval says nothing (resamples repeat the same few)."""


def _drop_thin_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """A copy without the intervals of figures on too few sentences, the note saying why."""
    thin = (table["n_items"] < MIN_INTERVAL_SENTENCES) & table["value"].notna()
    out = table.copy()
    out.loc[thin, ["ci_low", "ci_high"]] = np.nan
    why = f"no interval: fewer than {MIN_INTERVAL_SENTENCES} sentences"
    out.loc[thin, "note"] = [_join_notes(why, note) for note in out.loc[thin, "note"]]
    return out


def _join_notes(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def class_report(
    key: AnswerKey | PathLike,
    students: PathLike | Iterable[PathLike],
    *,
    hide_names: bool = False,
    scheme: LabelScheme = DEFAULT_SCHEME,
    secret: PathLike | None = None,
) -> ClassReport:
    """Read the key and whatever student logs are in the folder now, and score them.

    With ``hide_names`` every student name is replaced by a stable pseudonym in all the
    tables, so nothing shown from the report can reveal who is who. The pseudonyms are keyed
    with the secret in ``secret`` (default: ``secret_path(key file)``, made on first use).
    """
    if not isinstance(key, AnswerKey):
        key = read_answer_key(key, schemes=_with_default(scheme))
    subs = read_submissions(students, key=key, schemes=_with_default(scheme))
    labels = subs.labels
    names = subs.students
    problems = subs.problems
    latest = subs.last_activity
    if hide_names:
        if secret is None and not key.path:
            raise InputError(
                "hide_names needs a secret file for the pseudonyms, and this answer key has no "
                "file to keep it beside. Pass secret='path/to/class.secret'."
            )
        salt = pseudonym_secret(secret if secret is not None else secret_path(key.path))
        mapping = pseudonyms(names, salt=salt)
        labels = labels.assign(annotator=labels["annotator"].map(mapping).astype("str"))
        names = tuple(sorted(mapping[name] for name in names))
        latest = {mapping[name]: time for name, time in latest.items() if name in mapping}
        if problems:  # the messages name the students' files
            problems = (
                f"{len(problems)} problem(s) in the students' files (not shown while names "
                "are hidden; make the report without hide_names to see them).",
            )
    label_names = list(scheme.names) + sorted(
        set(labels["label"].astype(str)) - set(scheme.names) - {""}
    )
    return ClassReport(
        key=key,
        students=names,
        labels=labels,
        scores=score_students(key, labels, students=names),
        sentences=sentence_summary(key, labels, scheme=scheme),
        agreement=class_agreement(labels, categories=label_names),
        files=subs.files,
        problems=problems,
        hide_names=hide_names,
        scheme=scheme,
        last_activity=latest,
    )


def _with_default(scheme: LabelScheme) -> tuple[LabelScheme, ...]:
    return (scheme,) if scheme.id == DEFAULT_SCHEME.id else (scheme, DEFAULT_SCHEME)
