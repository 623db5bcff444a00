"""The annotation log: one CSV row per labelling event, appended durably, read back fast.

Schema ``factcheck-log/1`` (documented in ``annotations/README.md``). ``AnnotationLog`` appends
one complete row per event with a single ``write()`` under a file lock, then fsyncs, so a
label is on disk when ``record`` returns and several processes can share one file. Before
an append it checks the file's tail from the last record boundary it knows, so a row torn
by a crash (in any shape) is set aside in ``<log>.torn`` instead of swallowing the next one.
``flag`` marks sentences for discussion, on the same undo stack. ``annotator_key`` is the
one identity of an annotator, used wherever names are compared.
``read_annotations`` reads many logs with pyarrow, validates them vectorised in batches and
falls back to an exact line-by-line parse only to report problems (file and line) or a torn
last row; it reads only regular files (``read_log_bytes``), and current labels in memory
bounded by a batch plus the labels kept. ``append_record`` is the one durable writer of
every append-only log of the package (labels here, decisions in ``adjudication``).
"""

from __future__ import annotations

import csv
import errno
import glob
import hashlib
import io
import os
import re
import stat as stat_
import threading
import unicodedata
import warnings
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from filelock import FileLock, Timeout

from .errors import InputError, InputWarning, LogFormatError, SchemeError
from .evidence import Evidence, evidence_problem, evidence_to_json
from .labels import DEFAULT_SCHEME, LabelScheme
from .paths import annotations_folder
from .sentences import Sentence

SCHEMA_ID = "factcheck-log/2"
SCHEMA_V1 = "factcheck-log/1"
V1_COLUMNS: tuple[str, ...] = (
    "schema",
    "timestamp",
    "annotator",
    "article_id",
    "sentence_id",
    "sentence_index",
    "start",
    "end",
    "label",
    "note",
    "action",
    "scheme",
    "source",
    "text",
)
# What /2 adds, before ``text`` (text stays last: a row cut off mid-text is seen as torn),
# and the value each has in a /1 row.
V2_FIELDS: dict[str, str] = {"evidence": "[]", "justification": "", "claim": "", "language": ""}
COLUMNS: tuple[str, ...] = (*V1_COLUMNS[:-1], *V2_FIELDS, "text")
SCHEMA_COLUMNS: dict[str, tuple[str, ...]] = {SCHEMA_V1: V1_COLUMNS, SCHEMA_ID: COLUMNS}
ACTIONS: tuple[str, ...] = ("label", "clear", "undo", "flag", "unflag")
FLAG_ACTIONS: tuple[str, ...] = ("flag", "unflag")
# large_string: 64-bit offsets, so one column may hold more than 2 GB of text.
_ARROW_SCHEMA = pa.schema([(name, pa.large_string()) for name in COLUMNS])
INT_COLUMNS: tuple[str, ...] = ("sentence_index", "start", "end")
LOCK_TIMEOUT = 30.0
MAX_PROBLEMS_PER_FILE = 100


def _read_pool() -> pa.MemoryPool:
    """The pool logs are read into: jemalloc where pyarrow has it (it keeps freed pages for
    the next file, where mimalloc, the default, hands them back and faults them in again:
    measured on 1M events, 0.90-1.01 s against 1.13-1.73 s, with a third of the kernel
    time), else the default pool."""
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # e.g. Windows wheels
        return pa.default_memory_pool()


_READ_POOL = _read_pool()


class _InReadPool:
    """pyarrow.compute's kernels, allocating in ``_READ_POOL``: the checks of each file
    (about 45 MB of scratch arrays per 200,000 rows) then reuse the pages the file before
    freed (measured on 10M events: 0.3-0.4 s less, most of it page faults)."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return partial(getattr(pc, name), memory_pool=_READ_POOL)


_in_pool = _InReadPool()

MAX_LOG_BYTES = 512 * 2**20  # a bigger file is refused unread (see annotations/README.md)
_HEAD_BYTES = 1 << 16  # read first to check the header before reading the rest
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the stat never blocks
_NUL_RUN = b"\x00" * 512  # never in text a person typed; what sparse or zeroed files hold
_WHOLE_ROW_LIMIT = 1 << 24  # a "row saved without its newline" longer than 16 MB is torn

_TIMESTAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})"
_WHOLE_NUMBER = r"\d{1,18}"
_SCHEME_ID = r"[^@,\s]+@[^@,\s]+"
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")  # BCP 47-like: en, pt-BR
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(10)]
)


@dataclass(frozen=True)
class LogEvent:
    """One row of the annotation log: who gave which label to which sentence, and when."""

    schema: str
    timestamp: str
    annotator: str
    article_id: str
    sentence_id: str
    sentence_index: int
    start: int
    end: int
    label: str
    note: str
    action: str
    scheme: str
    source: str
    text: str
    # factcheck-log/2 columns (see V2_FIELDS); a /1 row has these values.
    evidence: str = "[]"  # JSON list of evidence items (factcheck.evidence)
    justification: str = ""
    claim: str = ""  # the sentence's claim rewritten, normalised and self-contained
    language: str = ""  # the article's language code, "" if unknown
    # Not CSV columns: what the event means for the sentence, for callers such as the widget.
    flagged: bool = False  # whether the sentence is flagged for discussion after this event
    undone: str = ""  # for an undo: the action it reverted ("label", "clear", "flag", ...)

    def row(self) -> tuple[str, ...]:
        """The CSV fields of this event in its schema's column order (``COLUMNS`` for /2)."""
        return tuple(str(getattr(self, name)) for name in SCHEMA_COLUMNS[self.schema])


assert set(COLUMNS) <= {f.name for f in fields(LogEvent)}


@dataclass(frozen=True)
class Problem:
    """A problem in a log file; ``str()`` is ``path:line: message`` (line 0: the whole file)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def format_row(values: Sequence[object]) -> str:
    """One RFC 4180 CSV line ending in ``\\n``; fields with , " CR or LF are quoted."""
    out = []
    for value in values:
        text = str(value)
        if _NEEDS_QUOTES.search(text):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out) + "\n"


HEADER = format_row(COLUMNS)
HEADER_V1 = format_row(V1_COLUMNS)


def utc_timestamp() -> str:
    """Now as ISO 8601 UTC with microseconds, e.g. ``2026-11-24T10:15:02.123456+00:00``."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def annotator_key(annotator: str) -> str:
    """The identity of an annotator: one person, one key, however the name was typed.

    NFC-normalised, case-folded, with surrounding spaces dropped and inner runs of white
    space made one space, so ``Ana``/``ana``, NFC/NFD ``José`` and ``Straße``/``STRASSE``
    are one person. Compare annotators only through this function.
    """
    name = " ".join(unicodedata.normalize("NFC", str(annotator)).split())
    return unicodedata.normalize("NFC", name.casefold())


def annotator_slug(annotator: str) -> str:
    """The file name stem for an annotator: lowercase letters, digits, ``-``, ``_``, ``.``.

    One person (``annotator_key``), one stem; two people never share one. A name the stem
    spells exactly (``ana``, ``ben.k``, ``Ana Lima`` -> ``ana-lima``: spaces become ``-``)
    keeps that stem, so existing logs still open. Any other name, whose stem loses something
    (punctuation, a ``-`` of its own, past 80 characters), gets ``-`` and 8 hex digits of a
    hash of its key: ``O'Brien`` -> ``o-brien-<hash>``. Path parts are dropped
    (``"../../etc/x"`` -> ``"etc-x-<hash>"``); a name with no letter or digit raises
    InputError, so a name can never point outside the annotations folder.
    """
    base = _plain_slug(annotator)
    key = annotator_key(check_annotator(annotator))
    if "-" in key or base != _reserved_safe(key.replace(" ", "-")):
        return _hashed_slug(annotator)
    return base


def _hashed_slug(annotator: str) -> str:
    """The plain stem, ``-`` and 8 hex digits of a hash of the annotator's key."""
    digest = hashlib.sha256(annotator_key(annotator).encode("utf-8")).hexdigest()[:8]
    return _reserved_safe(f"{_plain_slug(annotator).rstrip('-')}-{digest}")


def _reserved_safe(stem: str) -> str:
    """``con`` -> ``con-``: Windows cannot create files named after devices."""
    return stem + "-" if stem.split(".")[0] in _WINDOWS_RESERVED else stem


def _plain_slug(annotator: str) -> str:
    """The stem without a hash, as factcheck before 0.2 named every log (see annotator_slug)."""
    name = check_annotator(annotator)
    slug = re.sub(r"[^\w.-]+", "-", annotator_key(name))
    slug = re.sub(r"-{2,}", "-", slug).strip("-._")[:80].strip("-._")
    if not re.search(r"[^\W_]", slug):
        raise InputError(
            f"Annotator name {annotator!r} has no letter or digit to name a log file with. "
            "Use a name such as 'ana' or 'ben.k'."
        )
    return _reserved_safe(slug)


def check_annotator(annotator: str) -> str:
    """The annotator name stripped; raises InputError if empty or with control characters."""
    if not isinstance(annotator, str) or not annotator.strip():
        raise InputError(
            f"Annotator name {annotator!r} is empty. Pass annotator='your-name' so your "
            "labels go to your own log."
        )
    name = annotator.strip()
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise InputError(
            f"Annotator name {annotator!r} contains a control character (NUL, tab, newline...). "
            "Use letters, digits, spaces, '.', '-' or '_'."
        )
    if any(unicodedata.category(c) == "Cs" for c in name):
        raise InputError(
            f"Annotator name {annotator!r} contains a lone surrogate, which is not text and "
            "cannot be saved. Type the name again."
        )
    return name


def _check_encodable(values: dict[str, object]) -> None:
    """Raise InputError if a field cannot be written as UTF-8 (a lone surrogate such as
    ``"\\ud83d"``, left by a broken decoder); called before anything is written."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            sid = str(values.get("sentence_id", "")).encode("utf-8", "backslashreplace")
            raise InputError(
                f"Sentence {sid.decode()!r}: its {name} contains a lone surrogate "
                f"(U+{ord(value[exc.start]):04X} at character {exc.start}), which is not text and "
                "cannot be saved as UTF-8; nothing was written. Load the article with "
                "factcheck's loaders, which replace it with U+FFFD, or remove the character."
            ) from None


def log_path(annotator: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """``<folder>/<slug>.csv`` for an annotator, resolved and checked to lie inside ``folder``.

    ``folder`` defaults to ``annotations_folder()``: ``$FACTCHECK_ANNOTATIONS`` or
    ``./annotations``. The one rule for which file is whose, used by ``AnnotationLog``,
    student mode and every reader: a name whose slug has a hash gets, while the hashed file
    does not exist, the log factcheck 0.1 wrote under its plain slug if that holds this
    person's rows only, so such logs still open; a name whose slug is plain gets the hashed
    file instead if the plain one holds other people's rows only (a 0.1 log of a name with
    the same plain slug), so two people never share a file.
    """
    root = Path(annotations_folder() if folder is None else folder).expanduser().resolve()
    path = (root / f"{annotator_slug(annotator)}.csv").resolve()
    if path.parent != root:
        raise InputError(
            f"The log for annotator {annotator!r} would be {path}, outside the folder {root} "
            "(is the file a symbolic link?). Remove the link or choose another folder."
        )
    key = annotator_key(annotator)
    plain_name = f"{_plain_slug(annotator)}.csv"
    if path.name != plain_name:
        if not path.exists():
            plain = (root / plain_name).resolve()
            if plain.parent == root and _owners(plain) == {key}:
                return plain
        return path
    hashed = (root / f"{_hashed_slug(annotator)}.csv").resolve()
    owners = _owners(path)
    if key not in owners and hashed.parent == root and (owners or hashed.exists()):
        return hashed
    return path


def _owners(path: Path) -> set[str]:
    """The annotator keys in a log file; empty if it is missing or cannot be read."""
    try:
        data = read_log_bytes(path)
    except (OSError, LogFormatError):
        return set()
    table = _read_fast_table(data, columns=("annotator",)) if _fast_candidate(data) else None
    if table is None:
        return set()
    return {annotator_key(name) for name in pc.unique(table.column("annotator")).to_pylist()}


def continuation_path(path: str | os.PathLike[str]) -> Path:
    """Where a ``factcheck-log/1`` file's annotator continues in ``/2``: ``<stem>+2.csv``
    beside it. ``+`` is in no annotator's file name (``annotator_slug``), so it is nobody's."""
    path = Path(path)
    return path.with_name(f"{path.stem}{CONTINUATION_MARK}{path.suffix}")


CONTINUATION_MARK = "+2"


def log_owner(path: str | os.PathLike[str]) -> Path:
    """The log a file belongs to: ``ana+2.csv`` -> ``ana.csv``; any other file is its own.

    The one mapping from a file to its person's log, so ``ana+2.csv`` is never a person.
    """
    path = Path(path)
    stem = path.stem
    if stem.endswith(CONTINUATION_MARK) and len(stem) > len(CONTINUATION_MARK):
        return path.with_name(stem[: -len(CONTINUATION_MARK)] + path.suffix)
    return path


def files_of(path: str | os.PathLike[str]) -> list[Path]:
    """One person's log files that exist: the log, then ``continuation_path`` of it.

    The pair is read together whatever their schemas (a stray ``ana+2.csv`` beside a /2
    ``ana.csv`` is one more file of the same log), by every reader of one person's log.
    """
    owner = log_owner(path)
    return [p for p in (owner, continuation_path(owner)) if os.path.lexists(p)]


def log_groups(paths: Iterable[str | os.PathLike[str]]) -> list[list[Path]]:
    """``paths`` grouped by the log they belong to (``log_owner``), in order: for readers
    that take one log at a time, so a log and its continuation are read once, together."""
    groups: dict[Path, list[Path]] = {}
    for path in paths:
        groups.setdefault(log_owner(path), []).append(Path(path))
    return list(groups.values())


def file_schema(path: str | os.PathLike[str]) -> str | None:
    """The schema id a log file's header declares (``SCHEMA_V1`` or ``SCHEMA_ID``), or None
    if the file is missing, empty or has another first line. Reads at most 4 KiB."""
    try:
        if not stat_.S_ISREG(os.stat(path).st_mode):
            return None  # a FIFO would block; the reader reports it
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK)
        try:
            first = os.pread(fd, 4096, 0)
        finally:
            os.close(fd)
    except OSError:
        return None
    return _header_schema(first.split(b"\n", 1)[0])  # a header lacking its newline counts


def _header_schema(first_line: bytes) -> str | None:
    """The schema of a header line (BOM and CRLF allowed), or None if it is neither header;
    parsed as the readers parse it (csv), so writer and readers agree on a file's schema."""
    line = first_line.removeprefix(b"\xef\xbb\xbf").rstrip(b"\n").removesuffix(b"\r")
    if line in (_HEADER_BYTES[SCHEMA_ID], _HEADER_BYTES[SCHEMA_V1]):  # the usual case
        return SCHEMA_ID if line == _HEADER_BYTES[SCHEMA_ID] else SCHEMA_V1
    try:
        header = tuple(next(csv.reader([line.decode("utf-8")]), []))
    except (UnicodeDecodeError, csv.Error):
        return None
    return next((schema for schema, cols in SCHEMA_COLUMNS.items() if cols == header), None)


_HEADER_BYTES = {SCHEMA_ID: HEADER.encode()[:-1], SCHEMA_V1: HEADER_V1.encode()[:-1]}


class AnnotationLog:
    """An append-only CSV log of one annotator's labels; every event is on disk on return.

    ``path`` defaults to ``<folder>/<annotator>.csv``. Opening reads the file once to restore
    the annotator's labels (``current()``) and undo history; appends never re-read it. A
    ``factcheck-log/1`` file is never rewritten: its rows continue there while they need no
    /2 field; the first event with evidence, a justification, a claim or a language goes to
    ``continuation_path(path)`` (a /2 file), and every later one too (see annotations/README).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        annotator: str,
        folder: str | os.PathLike[str] | None = None,
        scheme: LabelScheme = DEFAULT_SCHEME,
    ) -> None:
        self.annotator = check_annotator(annotator)
        self.scheme = scheme
        if path is None:
            self.path = log_path(self.annotator, folder)  # the one rule of which file is whose
        else:
            self.path = Path(path).expanduser().resolve()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.continuation = continuation_path(self.path)
        self._file_locks = {
            path_: FileLock(f"{path_}.lock", timeout=LOCK_TIMEOUT)
            for path_ in (self.path, self.continuation)
        }
        self._file_lock = self._file_locks[self.path]
        self._thread_lock = threading.RLock()
        self._latest: dict[str, LogEvent] = {}
        # Per sentence, its states in order (_State); the undo stack holds (sentence id,
        # action) of every label/clear/flag/unflag not yet undone.
        self._history: dict[str, list[_State]] = {}
        self._stack: list[tuple[str, str]] = []
        # Per file, (device, inode, offset) of a record boundary known in it: _repair_tail.
        self._boundaries: dict[Path, tuple[int, int, int] | None] = {}
        files = [p for p in self.paths() if not p.is_file() or p.stat().st_size]
        if files:
            self._restore(_schemes_with(scheme), files)

    def __repr__(self) -> str:
        return f"AnnotationLog({str(self.path)!r}, annotator={self.annotator!r})"

    def paths(self) -> list[Path]:
        """The files this log reads: ``path``, then its continuation if it exists (both are
        read whatever the schemas, as ``files_of``; events go where ``_target`` says)."""
        return [p for p in (self.path, self.continuation) if p.exists()]  # as files_of

    def _restore(self, schemes: tuple[LabelScheme, ...], files: list[Path]) -> None:
        """Rebuild labels, flags and undo history from this annotator's rows, in file order
        (a /1 file and its continuation: in time order, ties /1 first)."""
        frames = []
        for path in files:
            stat = os.stat(path)
            data = read_log_bytes(path)
            frame, _ = _load_file(path, schemes, raise_errors=True, data=data)
            if _ends_at_record_boundary(data):
                self._boundaries[path] = (stat.st_dev, stat.st_ino, len(data))
            frames.append(frame)
            del data
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        if len(frames) > 1:
            order = np.argsort(_coerce_timestamps(frame["timestamp"]).to_numpy(), kind="stable")
            frame = frame.take(order)
        key = annotator_key(self.annotator)
        names = [name for name in frame["annotator"].unique() if annotator_key(name) == key]
        mine = frame[frame["annotator"].isin(names)]
        if mine.empty:
            return
        history, stack = self._history, self._stack
        for sid, action, label, note, evidence, justification, claim in zip(
            mine["sentence_id"].tolist(),
            mine["action"].tolist(),
            mine["label"].tolist(),
            mine["note"].tolist(),
            mine["evidence"].tolist(),
            mine["justification"].tolist(),
            mine["claim"].tolist(),
            strict=True,
        ):
            if action == "undo":
                if stack:
                    undone, _ = stack.pop()
                    history[undone].pop()
            else:
                states = history.get(sid)
                if states is None:
                    states = history[sid] = []
                if action in FLAG_ACTIONS:
                    flagged = action == "flag"
                else:
                    flagged = states[-1][2] if states else False
                # inlined _next_state: hot
                states.append((label, note, flagged, evidence, justification, claim))
                stack.append((sid, action))
        last = mine.drop_duplicates("sentence_id", keep="last")
        for record in last.to_dict("records"):
            values = {name: record[name] for name in COLUMNS}
            values.update({name: int(record[name]) for name in INT_COLUMNS})
            states = self._history.get(record["sentence_id"])
            event = LogEvent(**values, flagged=bool(states and states[-1][2]))
            self._latest[event.sentence_id] = event

    def record(
        self,
        sentence: Sentence,
        label: str | None,
        note: str = "",
        *,
        source: str = "",
        evidence: Iterable[Evidence] = (),
        justification: str = "",
        claim: str = "",
        language: str = "",
    ) -> LogEvent:
        """Append a label (or a clear, for ``None``/``""``) for ``sentence``; on disk on return.

        ``evidence`` (``make_evidence`` items), ``justification`` and ``claim`` (the claim
        rewritten, self-contained) are kept with the label; ``language`` is the article's
        language code. A flag for discussion stays as it is (see ``flag``).
        """
        if label:
            self.scheme.get(label)  # raises SchemeError before anything is written
            action = "label"
        elif label in (None, ""):
            action, label = "clear", ""
        else:
            raise SchemeError(f"Label must be a string or None, not {label!r}.")
        if isinstance(evidence, (str, bytes, Evidence)):
            evidence = (evidence,)  # type: ignore[assignment]  # evidence_to_json refuses str
        extra = _extra_fields(evidence_to_json(evidence), justification, claim, language)
        return self._add(sentence, action, label, str(note), str(source), extra)

    def flag(
        self,
        sentence: Sentence,
        flagged: bool = True,
        note: str | None = None,
        *,
        source: str = "",
    ) -> LogEvent:
        """Flag ``sentence`` for discussion (or unflag it, ``flagged=False``); on disk on return.

        The row keeps the sentence's current label, evidence, justification and claim, and
        its note unless ``note`` is given, so readers that take the latest row still see the
        current label. Undo reverts it.
        """
        with self._thread_lock:
            current = self._latest.get(sentence.id)
            label = current.label if current is not None else ""
            if note is None:
                note = current.note if current is not None else ""
            extra = (
                _extra_fields(
                    current.evidence, current.justification, current.claim, current.language
                )
                if current is not None
                else _extra_fields("[]", "", "", "")
            )
            action = "flag" if flagged else "unflag"
            return self._add(sentence, action, label, str(note), source, extra)

    def _add(
        self,
        sentence: Sentence,
        action: str,
        label: str,
        note: str,
        source: str,
        extra: dict[str, str],
    ) -> LogEvent:
        """Append a label/clear/flag/unflag event and push it on the undo stack."""
        fields_ = {
            "article_id": sentence.article_id,
            "sentence_id": sentence.id,
            "sentence_index": sentence.index,
            "start": sentence.start,
            "end": sentence.end,
            "label": label,
            "note": note,
            "action": action,
            "source": str(source),
            "text": sentence.text,
            **extra,
        }
        with self._thread_lock:
            states = self._history.get(sentence.id, [])
            state = _next_state(states, action, label, note, extra)
            event = self._append(fields_, flagged=state[2])
            self._history.setdefault(event.sentence_id, []).append(state)
            self._stack.append((event.sentence_id, action))
            self._latest[event.sentence_id] = event
        return event

    def undo(self) -> LogEvent | None:
        """Undo this annotator's last not-yet-undone label, clear, flag or unflag.

        Returns the ``undo`` event, whose ``label``, ``note``, evidence, justification, claim
        and ``flagged`` are the restored state and whose ``undone`` is the action reverted;
        None if nothing is left to undo.
        """
        with self._thread_lock:
            if not self._stack:
                return None
            sid, undone = self._stack[-1]
            states = self._history[sid]
            state = states[-2] if len(states) > 1 else ("", "", False, "[]", "", "")
            label, note, flagged, evidence, justification, claim = state
            last = self._latest[sid]
            event = self._append(
                {
                    "article_id": last.article_id,
                    "sentence_id": sid,
                    "sentence_index": last.sentence_index,
                    "start": last.start,
                    "end": last.end,
                    "label": label,
                    "note": note,
                    "action": "undo",
                    "source": last.source,
                    "text": last.text,
                    **_extra_fields(evidence, justification, claim, last.language),
                },
                flagged=flagged,
                undone=undone,
            )
            self._stack.pop()
            states.pop()
            self._latest[sid] = event
        return event

    def undo_target(self) -> str | None:
        """The sentence id the next ``undo()`` would change, or None if nothing is left."""
        with self._thread_lock:
            return self._stack[-1][0] if self._stack else None

    def current(self) -> dict[str, LogEvent]:
        """Sentence id -> the latest event of this annotator, cleared sentences omitted."""
        with self._thread_lock:
            return {sid: event for sid, event in self._latest.items() if event.label}

    def flagged(self) -> set[str]:
        """Ids of the sentences this annotator has flagged for discussion (and not unflagged)."""
        with self._thread_lock:
            return {sid for sid, event in self._latest.items() if event.flagged}

    def label_of(self, sentence_id: str) -> str | None:
        """The current label of a sentence, or None if it has none."""
        event = self._latest.get(sentence_id)
        return event.label if event is not None and event.label else None

    def _target(self, values: dict[str, object]) -> tuple[Path, str]:
        """(file, schema) an event goes to: a /1 file keeps /1 rows while no /2 field is
        used and it has no continuation; otherwise the /2 continuation (or the /2 file).
        The header is looked at on every append (4 KiB), so a file replaced meanwhile counts."""
        if file_schema(self.path) != SCHEMA_V1:
            return self.path, SCHEMA_ID
        plain = all(values.get(name, empty) == empty for name, empty in V2_FIELDS.items())
        if plain and not self.continuation.exists():
            return self.path, SCHEMA_V1
        other = os.path.lexists(self.continuation) and file_schema(self.continuation) != SCHEMA_ID
        if other and (not self.continuation.is_file() or self.continuation.stat().st_size):
            raise LogFormatError(  # never a /2 row in a /1 file (an empty file gets a header)
                f"{self.continuation}: {self.path.name} (a {SCHEMA_V1} file) continues here, "
                f"but this is not a {SCHEMA_ID} file (a copy of another log?); nothing was "
                "written. Move it out of the folder, then label again."
            )
        return self.continuation, SCHEMA_ID

    def _append(
        self, values: dict[str, object], *, flagged: bool = False, undone: str = ""
    ) -> LogEvent:
        """Write one event as one complete line (header first if the file is empty)."""
        _check_encodable(values)
        _check_language(values.get("language", ""))
        path, schema = self._target(values)

        def build() -> tuple[LogEvent, str]:
            event = LogEvent(
                schema=schema,
                timestamp=utc_timestamp(),
                annotator=self.annotator,
                scheme=self.scheme.id,
                **values,  # type: ignore[arg-type]
                flagged=flagged,
                undone=undone,
            )
            return event, format_row(event.row())

        event, self._boundaries[path] = append_record(
            path,
            self._file_locks[path],
            self._boundaries.get(path),
            build,
            header=HEADER if schema == SCHEMA_ID else HEADER_V1,
            is_whole_row=_is_whole_row,
            what="label",
        )
        return event


def _extra_fields(
    evidence: str, justification: object, claim: object, language: object
) -> dict[str, str]:
    """The /2 fields of an event as strings."""
    return {
        "evidence": evidence,
        "justification": str(justification),
        "claim": str(claim),
        "language": str(language),
    }


def _check_language(language: object) -> None:
    """Raise InputError unless ``language`` is "" or a language code such as ``en``/``pt-BR``."""
    if language and not _LANGUAGE.fullmatch(str(language)):
        raise InputError(
            f"Language {str(language)[:40]!r} is not a language code such as 'en' or 'pt-BR'; "
            "nothing was written. Pass the article's language code, or '' if unknown."
        )


_Record = TypeVar("_Record")
_Data = TypeVar("_Data", bytes, pa.Buffer)


def append_record(
    path: Path,
    lock: FileLock,
    boundary: tuple[int, int, int] | None,
    build: Callable[[], tuple[_Record, str]],
    *,
    header: str,
    is_whole_row: Callable[[bytes, int], bool],
    what: str,
) -> tuple[_Record, tuple[int, int, int]]:
    """Append one record to an append-only CSV log durably; the one writer of every log.

    Under ``lock`` (a FileLock on ``<path>.lock``), the file is opened O_APPEND, refused
    unless it is a regular file, and made to end at a record boundary (``_repair_tail``:
    checked from ``boundary``, the (device, inode, offset) the caller last knew). Then
    ``build()`` makes the record and its CSV line (so its timestamp is taken in lock order),
    ``header`` is written first if the file is empty, and the bytes go in one ``write()``
    then fsync, cut back on failure. ``is_whole_row(tail, offset)`` says whether a last row
    lacking its newline is complete. Returns the record and the new boundary. ``what`` names
    the record in messages ("label", "decision").
    """
    try:
        with lock:
            flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | _O_NONBLOCK
            fd = os.open(path, flags, 0o644)
            try:
                stat = os.fstat(fd)
                _check_regular(path, stat.st_mode)
                size, newline = _repair_tail(fd, stat, path, boundary, is_whole_row)
                size = _set_aside_short_last_line(fd, path, size, header)
                record, line = build()
                head = header if size == 0 else newline
                data = (head + line).encode()
                _write_all_or_nothing(fd, data, size, path, what)
                return record, (stat.st_dev, stat.st_ino, size + len(data))
            finally:
                os.close(fd)
    except Timeout as exc:
        raise TimeoutError(
            errno.ETIMEDOUT,
            f"another process has held {exc.lock_file} for {LOCK_TIMEOUT:.0f} s; if no "
            f"factcheck process is running, delete that lock file and save the {what} again",
            str(path),
        ) from None


def _repair_tail(
    fd: int,
    stat: os.stat_result,
    path: Path,
    boundary: tuple[int, int, int] | None,
    is_whole_row: Callable[[bytes, int], bool],
) -> tuple[int, str]:
    """Make the file end at a record boundary before an append; returns (size, newline).

    Any crash can leave a torn last row: cut mid-field, or just after a line break inside
    a quoted field, which would swallow the next row. The structure is checked only from
    ``boundary`` (the end of the caller's own last write, or of the file it opened) if it is
    still a boundary of this file, so an append reads just the rows other writers added
    since. A torn tail is moved to ``<path>.torn``; a whole row lacking its newline gets one.
    """
    size = stat.st_size
    start = 0
    if (
        boundary is not None
        and boundary[:2] == (stat.st_dev, stat.st_ino)
        and 0 < boundary[2] <= size
        and os.pread(fd, 1, boundary[2] - 1) == b"\n"
    ):
        start = boundary[2]
    if start == size:
        return size, ""
    end = _last_record_end(fd, start, size)
    if end == size:
        return size, ""
    if size - end <= _WHOLE_ROW_LIMIT and is_whole_row(os.pread(fd, size - end, end), end):
        return size, "\n"  # a complete row an editor saved without its newline
    return _set_aside_torn_tail(fd, path, end, size), ""


def _set_aside_short_last_line(fd: int, path: Path, size: int, header: str) -> int:
    """Move a last line without quotes whose field count is not the header's (a fragment
    of a row a newline cut off; readers skip it as torn) to ``<path>.torn``, so the next
    row does not leave it in the middle of the file. Returns the new size."""
    if size < 2:
        return size
    tail_at = max(0, size - _HEAD_BYTES)
    tail = os.pread(fd, size - tail_at, tail_at)
    if not tail.endswith(b"\n"):
        return size
    line_at = tail.rfind(b"\n", 0, len(tail) - 1) + 1
    if line_at == 0 and tail_at > 0:
        return size  # a last line over 64 KiB: left to the reader
    line = tail[line_at:-1].removesuffix(b"\r")
    if b'"' in line or line.count(b",") == header.count(","):
        return size
    if tail_at + line_at == 0:
        return size  # the header line: checked by the reader
    return _set_aside_torn_tail(fd, path, tail_at + line_at, size)


# A sentence's state for one annotator after an event; a plain tuple: opening a log of
# 1,000,000 rows builds one per row.
# (label, note, flagged, evidence, justification, claim).
_State = tuple[str, str, bool, str, str, str]


def _next_state(
    states: Sequence[_State], action: str, label: str, note: str, extra: dict[str, str]
) -> _State:
    """The state after a label/clear/flag/unflag event, given the sentence's earlier states."""
    flagged = _flag_after(bool(states) and states[-1][2], action)
    return (label, note, flagged, extra["evidence"], extra["justification"], extra["claim"])


def _flag_after(flagged: bool, action: str) -> bool:
    """The flag state after an event: flag/unflag set it, label and clear keep it."""
    return action == "flag" if action in FLAG_ACTIONS else flagged


def _write_all_or_nothing(fd: int, data: bytes, size: int, path: Path, what: str) -> None:
    """One write() of ``data`` then fsync; on any failure cut the file back to ``size``."""
    try:
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(
                errno.ENOSPC,
                f"only {written} of {len(data)} bytes could be written (disk full?); "
                f"the {what} was not saved - free some space and save it again",
                str(path),
            )
        os.fsync(fd)
    except OSError:
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError:
            pass
        raise


def _row_is_whole(fields_: list[str]) -> bool:
    """Whether a last row lacking its newline is still complete (e.g. saved by an editor):
    every column is there and the text is exactly ``end - start`` characters long, which a
    row cut off while being written cannot be (the text is the last column)."""
    if len(fields_) not in (len(V1_COLUMNS), len(COLUMNS)):
        return False
    start, end = COLUMNS.index("start"), COLUMNS.index("end")  # the same in /1 and /2
    try:
        return int(fields_[end]) - int(fields_[start]) == len(fields_[-1])
    except ValueError:
        return False


def _is_whole_row(tail: bytes, offset: int) -> bool:
    """Whether bytes after the last newline are a complete row (see _row_is_whole), or the
    header, that an editor saved without its final newline."""
    if offset == 0:
        return tail in _HEADER_BYTES.values()
    text = tail.decode("utf-8", "replace")
    if text.count('"') % 2:
        return False
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return len(rows) == 1 and _row_is_whole(rows[0])


# One CSV field as Python's csv module and pyarrow read it: a quote opens a quoted field only
# at the start of a field ("" inside is a quote); elsewhere it is an ordinary character.
_FIELD = rb'(?:"(?:[^"]|"")*+"(?:[^,\n"][^,\n]*+)?|[^,\n"][^,\n]*+|)'
_RECORDS = re.compile(rb"(?:" + _FIELD + rb"(?:," + _FIELD + rb")*+\n)*+")
_ROW_STARTS = tuple(f"\n{schema},".encode() for schema in SCHEMA_COLUMNS)


def _last_record_end(fd: int, start: int, size: int, chunk: int = 1 << 20) -> int:
    """Byte offset just after the last complete record in ``[start, size)`` of a log.

    ``start`` must be a record boundary. Records are matched as the readers parse them (a
    newline inside a quoted field does not end a record; a stray quote inside an unquoted
    field opens nothing), chunk by chunk, so memory stays bounded by the longest record.
    """
    boundary = position = start
    carry = b""
    while position < size:
        block = os.pread(fd, min(chunk, size - position), position)
        if not block:
            break
        buffer = carry + block if carry else block
        matched = _RECORDS.match(buffer).end()
        boundary = position - len(carry) + matched
        carry = buffer[matched:]
        position += len(block)
    return boundary


def _ends_at_record_boundary(data: bytes | pa.Buffer) -> bool:
    """Whether a whole log's bytes end just after a complete record, checked cheaply: from
    the start of the last row (a line beginning with the schema id), not the whole file."""
    view = memoryview(data).cast("B")
    if view[-1:] != b"\n" or _quote_count(data) % 2:
        return False
    start = _last_row_start(view) + 1  # 0: no row
    return _RECORDS.match(view, start).end() == len(view)


def _quote_count(data: bytes | pa.Buffer, window: int = 1 << 18) -> int:
    """How many double quotes ``data`` holds (numpy: 2x faster than bytes.count, and it
    lets the other parsing threads run), a ``window`` of bytes at a time: the comparison's
    scratch array then stays in cache and is not faulted in afresh for each big file."""
    values = np.frombuffer(data, np.uint8)
    return sum(
        int(np.count_nonzero(values[start : start + window] == ord('"')))
        for start in range(0, len(values), window)
    )


def _last_row_start(data: bytes | memoryview, tail: int = 1 << 16) -> int:
    """Where the last line beginning with a schema id starts (-1: none), as the largest
    ``rfind`` of each: looked for in the last ``tail`` bytes first, so a schema absent from
    the file is not searched for through all of it (a row start in the tail is later than
    any before it)."""
    window = max(0, len(data) - tail)
    last = bytes(data[window:])
    found = max(last.rfind(row_start) for row_start in _ROW_STARTS)
    if found >= 0:
        return window + found
    if window:
        whole = bytes(data)
        found = max(whole.rfind(row_start) for row_start in _ROW_STARTS)
    return found


def _set_aside_torn_tail(fd: int, path: Path, end: int, size: int) -> int:
    """Move a torn last row (a writer died mid-row), bytes ``[end, size)``, to
    ``<path>.torn``, fsynced before the log is cut back to ``end``; returns ``end``."""
    with open(f"{path}.torn", "ab") as aside:
        position = end
        while position < size:
            block = os.pread(fd, min(1 << 20, size - position), position)
            if not block:
                break
            aside.write(block)
            position += len(block)
        aside.write(b"\n")
        aside.flush()
        os.fsync(aside.fileno())
    os.ftruncate(fd, end)
    line = _count_newlines(fd, end) + 1
    warnings.warn(
        f"{path}, line {line}: the last row was incomplete (a program stopped while writing "
        f"it); moved its {size - end} bytes to {path}.torn and carried on.",
        InputWarning,
        stacklevel=6,  # DecisionLog.decide's caller; AnnotationLog.record
    )
    return end


def _count_newlines(fd: int, size: int, chunk: int = 1 << 20) -> int:
    """The number of newlines in the first ``size`` bytes (for a line number in a warning)."""
    count = position = 0
    while position < size:
        block = os.pread(fd, min(chunk, size - position), position)
        if not block:
            break
        count += block.count(b"\n")
        position += len(block)
    return count


def _schemes_with(scheme: LabelScheme) -> tuple[LabelScheme, ...]:
    return (scheme,) if scheme.id == DEFAULT_SCHEME.id else (scheme, DEFAULT_SCHEME)


# ---------------------------------------------------------------------------------------------
# Reading


def empty_frame() -> pd.DataFrame:
    """An empty DataFrame with the log columns and their dtypes."""
    frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in COLUMNS})
    frame = _typed(frame)
    frame["flagged"] = pd.Series([], dtype="bool")
    return frame


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Convert validated string columns: timestamp to UTC datetime, offsets to int64."""
    out = frame.copy()
    out["timestamp"] = _coerce_timestamps(out["timestamp"])
    for name in INT_COLUMNS:
        out[name] = out[name].astype("int64")
    return out


def _fast_candidate(data: bytes | pa.Buffer) -> bool:
    """Whether pyarrow may parse the file: it ends just after a complete record. (pyarrow
    takes a quoted field left open at the end of the file as a value, so a torn last row
    must never reach it.)"""
    return _ends_at_record_boundary(data)


def _read_fast(data: bytes) -> pd.DataFrame | None:
    """Parse with pyarrow (all columns as strings); None if it cannot."""
    table = _read_fast_table(data)
    return None if table is None else table.to_pandas()


def _read_fast_table(data: bytes | pa.Buffer, columns: Sequence[str] = COLUMNS) -> pa.Table | None:
    """Parse with pyarrow (``columns`` only, as strings; a /1 file gets the /2 columns with
    their /1 values); None if it cannot, if the header is neither schema's, or if a row's
    schema is not its file's (the exact parser then names the line)."""
    head = bytes(memoryview(data)[:_HEADER_BYTES_MAX])
    schema = _header_schema(head[: head.find(b"\n") + 1])
    if schema is None:
        return None
    file_columns = SCHEMA_COLUMNS[schema]
    wanted = [name for name in columns if name in file_columns]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),  # zero-copy: BytesIO is read through Python, under the GIL
            memory_pool=_READ_POOL,
            # One thread: measured 3x less CPU and less wall time than threads on 2 cores.
            read_options=pa_csv.ReadOptions(use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.large_string() for name in COLUMNS},
                include_columns=wanted if tuple(wanted) != file_columns else [],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None  # the exact parser names the file and line
    if table.column_names != wanted:
        return None
    same_schema = (
        _in_pool.all(_in_pool.equal(table.column("schema"), schema)) if "schema" in wanted else None
    )
    if table.num_rows and same_schema is not None and not same_schema.as_py():
        return None
    if len(wanted) == len(columns):
        return table
    return pa.table(
        [
            table.column(name)
            if name in file_columns
            else _constant_column(V2_FIELDS[name], table.num_rows)
            for name in columns
        ],
        names=list(columns),
    )


_HEADER_BYTES_MAX = max(len(header) for header in _HEADER_BYTES.values()) + 8  # BOM, CR


def _constant_column(value: str, rows: int) -> pa.Array:
    """A large_string column holding ``value`` ``rows`` times, built from its buffers."""
    encoded = value.encode()
    offsets = np.arange(rows + 1, dtype=np.int64) * len(encoded)
    return pa.LargeStringArray.from_buffers(
        rows, pa.py_buffer(offsets), pa.py_buffer(encoded * rows)
    )


def _with_v2_fields(frame: pd.DataFrame) -> pd.DataFrame:
    """A /1 file's string frame with the /2 columns added (their /1 values), in COLUMNS order."""
    for name, value in V2_FIELDS.items():
        frame[name] = value
    return frame[list(COLUMNS)]


@dataclass
class _Records:
    """The exact, line-numbered parse of one file (slow path)."""

    frame: pd.DataFrame
    lines: list[int]
    problems: list[Problem]
    warnings: list[Problem]
    schema: str = SCHEMA_ID  # the file's, from its header


class CsvRecordError(ValueError):
    """The csv module could not parse a record; ``line`` is where it starts (1-based)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def csv_records(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, fields) of each non-empty CSV record; quoted newlines allowed."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for fields_ in reader:
            if fields_:
                records.append((previous + 1, fields_))
            previous = reader.line_num
    except csv.Error as exc:
        raise CsvRecordError(previous + 1, str(exc)) from None
    return records


def _read_exact(data: bytes, path: str) -> _Records:
    """Parse with the csv module, keeping each record's first line number."""
    problems: list[Problem] = []
    notes: list[Problem] = []
    empty = _Records(pd.DataFrame(columns=list(COLUMNS), dtype="str"), [], problems, notes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(
                path,
                line,
                "is not valid UTF-8 (was the file saved in another encoding, e.g. by a "
                "spreadsheet?). Save it as 'CSV UTF-8' or restore the original file.",
            )
        )
        return empty
    text = text.removeprefix("\ufeff")
    if csv.field_size_limit() < 2**30:
        csv.field_size_limit(2**30)
    try:
        records = csv_records(text)
    except CsvRecordError as exc:
        problems.append(Problem(path, exc.line, f"cannot be parsed as CSV ({exc.reason})."))
        return empty
    if not records:
        notes.append(Problem(path, 0, "the file has no rows; no annotations read from it."))
        return empty
    last_line, last = records[-1]
    # The same record grammar as the writer's tail check: a stray quote inside an unquoted
    # field opens nothing, so the reader and the next append agree on what is torn.
    ends_in_open_quote = data.endswith(b"\n") and _RECORDS.match(data).end() != len(data)
    unfinished = not text.endswith("\n") and not _row_is_whole(last)
    if unfinished or ends_in_open_quote or len(last) != len(records[0][1]):
        notes.append(
            Problem(
                path,
                last_line,
                "the last row is incomplete (a program stopped while writing it); it was "
                "skipped and every complete row kept.",
            )
        )
        records.pop()
        if not records:
            return empty
    header = records[0][1]
    header_problem = _header_problem(header)
    if header_problem:
        problems.append(Problem(path, 1, header_problem))
        return empty
    schema = SCHEMA_V1 if tuple(header) == V1_COLUMNS else SCHEMA_ID
    file_columns = SCHEMA_COLUMNS[schema]
    rows, lines = [], []
    for line, fields_ in records[1:]:
        if len(fields_) != len(file_columns):
            problems.append(
                Problem(
                    path,
                    line,
                    f"has {len(fields_)} fields, expected {len(file_columns)}. Fields containing "
                    "commas, quotes or line breaks must be in double quotes; correct the row "
                    "or restore it from a backup.",
                )
            )
            continue
        rows.append(fields_)
        lines.append(line)
    frame = pd.DataFrame(rows, columns=list(file_columns), dtype="str")
    if schema == SCHEMA_V1:
        frame = _with_v2_fields(frame)
    return _Records(frame, lines, problems, notes, schema)


def _header_problem(header: list[str]) -> str:
    """What is wrong with a header row, or "" if it is a /2 (or /1) log's header."""
    if tuple(header) in (COLUMNS, V1_COLUMNS):
        return ""
    # A header without any /2 column is held to the /1 header.
    columns = COLUMNS if set(V2_FIELDS) & set(header) else V1_COLUMNS
    expected = ",".join(columns)
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        delimiter = "semicolons" if ";" in header[0] else "tabs"
        return (
            f"the columns are separated by {delimiter}, not commas (a spreadsheet saved it in "
            "its own CSV dialect). Restore the original file, or save it as 'CSV UTF-8 "
            "(comma delimited)'."
        )
    missing = [name for name in columns if name not in header]
    if missing:
        return (
            f"missing column(s) {', '.join(missing)}. The header must be: {expected}. Restore "
            "the header row (or the file) from a backup."
        )
    return f"the header is {','.join(header)!r}; it must be exactly: {expected}."


def _bad_values(column: pd.Series, is_good) -> pd.Series:
    """Rows whose value fails ``is_good``, testing each distinct value once (few distinct)."""
    bad = [value for value in column.unique() if not is_good(value)]
    return column.isin(bad) if bad else pd.Series(False, index=column.index)


def _is_scheme_id(value: str) -> bool:
    return re.fullmatch(_SCHEME_ID, value) is not None


def _is_language(value: str) -> bool:
    return value == "" or _LANGUAGE.fullmatch(value) is not None


def _is_label_name(value: str) -> bool:
    return value == value.strip().lower() and "," not in value


def _coerce_timestamps(column: pd.Series) -> pd.Series:
    """UTC datetimes (microseconds) for ISO 8601 strings with an offset; NaT for anything else."""
    good = column.str.fullmatch(_TIMESTAMP)
    if good.all():
        fast = _arrow_timestamps(column)
        if fast is not None:
            return fast
    else:
        column = column.where(good, "")
    parsed = pd.to_datetime(column, format="ISO8601", utc=True, errors="coerce")
    return parsed.astype("datetime64[us, UTC]")


def _arrow_timestamps(column: pd.Series) -> pd.Series | None:
    """Well-formed timestamps parsed by Arrow (faster than pandas), or None if any of
    them Arrow cannot parse (24:00, a leap second, 30 February, outside 1970-2262), which
    pandas then decides. Where both parse, they agree: digits past microseconds dropped."""
    try:
        parsed = pc.cast(pa.array(column, pa.large_string()), pa.timestamp("ns", "UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    nanos = parsed.to_numpy(zero_copy_only=False).view("int64")
    if len(nanos) and nanos.min() < 0:
        return None  # before 1970: dropping digits is not flooring there
    micros = (nanos // 1000).astype("datetime64[us]")
    return pd.Series(micros, index=column.index).dt.tz_localize("UTC")


def _whole_numbers(column: pd.Series) -> pd.Series:
    """int64 of a string column already checked to hold whole numbers of at most 18 digits,
    converted in Arrow (pandas goes through one Python object per value)."""
    values = pc.cast(pa.array(column, pa.large_string()), pa.int64())
    return pd.Series(values.to_numpy(), index=column.index, name=column.name)


def _row_problems(
    frame: pd.DataFrame,
    schemes: Sequence[LabelScheme],
    timestamps: pd.Series | None = None,
    schema: str | None = None,
) -> list[tuple[int, str]]:
    """(row position, message) for every invalid row, checked column by column (vectorised).

    ``timestamps`` is ``_coerce_timestamps(frame["timestamp"])`` if the caller has it already.
    ``schema``: the one schema id of the rows' file (its header's); else either is accepted
    (the fast reader has checked each file's rows against its header already).
    """
    found: list[tuple[int, str]] = []

    def report(mask: pd.Series, message) -> None:
        if mask.any():
            for position in mask.to_numpy().nonzero()[0]:
                found.append((int(position), message(frame.iloc[position])))

    expected = SCHEMA_ID if schema is None else schema
    report(
        ~frame["schema"].isin(list(SCHEMA_COLUMNS) if schema is None else [schema]),
        lambda r: (
            f"schema {r['schema']!r} is not {expected!r}, the schema of the file's header. "
            "The row comes from another version of factcheck or another tool; upgrade "
            "factcheck or convert the file."
            if r["schema"] in SCHEMA_COLUMNS
            else f"schema {r['schema']!r} is not {expected!r}. The row comes from another "
            "version of factcheck or another tool; upgrade factcheck or convert the file."
        ),
    )
    if timestamps is None:
        timestamps = _coerce_timestamps(frame["timestamp"])
    report(
        timestamps.isna(),
        lambda r: (
            f"bad timestamp {r['timestamp']!r}; expected ISO 8601 with a UTC offset, e.g. "
            "2026-11-24T10:15:02.123456+00:00 (a spreadsheet may have reformatted it). Restore the "
            "original value."
        ),
    )
    report(
        _bad_values(frame["annotator"], str.strip),
        lambda r: "empty annotator. Every row needs one; restore it from a backup.",
    )
    report(
        frame["sentence_id"].str.strip() == "",
        lambda r: "empty sentence_id. Every row needs one; restore it from a backup.",
    )
    numbers_ok = pd.Series(True, index=frame.index)
    for name in INT_COLUMNS:
        ok = frame[name].str.fullmatch(_WHOLE_NUMBER)
        numbers_ok &= ok
        report(
            ~ok,
            lambda r, name=name: (
                f"{name} {r[name]!r} is not a whole number >= 0. Restore the original value."
            ),
        )
    if numbers_ok.all():
        starts, ends = _whole_numbers(frame["start"]), _whole_numbers(frame["end"])
    else:
        starts = frame["start"].where(numbers_ok, "0").astype("int64")
        ends = frame["end"].where(numbers_ok, "0").astype("int64")
    report(
        starts > ends,
        lambda r: f"start {r['start']} is after end {r['end']}. Restore the original offsets.",
    )
    action = frame["action"]
    report(
        ~action.isin(ACTIONS),
        lambda r: f"unknown action {r['action']!r}; expected one of {', '.join(ACTIONS)}.",
    )
    report(
        (action == "label") & (frame["label"] == ""),
        lambda r: "action 'label' with an empty label. Use action 'clear' to remove a label.",
    )
    report(
        (action == "clear") & (frame["label"] != ""),
        lambda r: f"action 'clear' with label {r['label']!r}; a clear has an empty label.",
    )
    report(
        _bad_values(frame["scheme"], _is_scheme_id),
        lambda r: f"scheme {r['scheme']!r} is not a scheme id like 'default@1'. Restore it.",
    )
    report(
        _bad_values(frame["evidence"], lambda value: not evidence_problem(value)),
        lambda r: evidence_problem(r["evidence"]),
    )
    report(
        _bad_values(frame["language"], _is_language),
        lambda r: (
            f"language {r['language'][:40]!r} is not a language code such as 'en' or "
            "'pt-BR' (or empty). Correct the row."
        ),
    )
    known = {scheme.id: scheme for scheme in schemes}
    labelled = frame["label"] != ""
    for scheme_id, scheme in known.items():
        bad = labelled & (frame["scheme"] == scheme_id) & ~frame["label"].isin(scheme.names)
        report(
            bad,
            lambda r, scheme=scheme: (
                f"unknown label {r['label']!r}. Known labels: "
                f"{', '.join(scheme.names)}. Correct the row or add the label to the scheme."
            ),
        )
    other = labelled & ~frame["scheme"].isin(list(known))
    if other.any():
        report(
            other & _bad_values(frame["label"], _is_label_name),
            lambda r: (
                f"label {r['label']!r} is not a label name (lowercase, no commas, no "
                "surrounding spaces). Correct the row."
            ),
        )
    found.sort(key=lambda item: item[0])
    return found


def _load_file(
    path: Path, schemes: Sequence[LabelScheme], *, raise_errors: bool, data: bytes | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Validated string frame of one log plus its problems; warns about skipped rows.

    With ``raise_errors`` the first problems raise LogFormatError and torn/empty files warn;
    otherwise every problem (including warnings) is returned instead.
    """
    name = str(path)
    if data is None:
        data = read_log_bytes(path)
    if not data:
        problem = Problem(name, 0, "the file is empty; no annotations read from it.")
        return _finish(
            pd.DataFrame(columns=list(COLUMNS), dtype="str"), [], [problem], raise_errors
        )
    if _fast_candidate(data):
        frame = _read_fast(data)
        if frame is not None and not _row_problems(frame, schemes):
            return frame, []
    records = _read_exact(data, name)
    problems = list(records.problems)
    for position, message in _row_problems(records.frame, schemes, schema=records.schema):
        problems.append(Problem(name, records.lines[position], message))
    problems.sort(key=lambda p: p.line)
    return _finish(records.frame, problems, records.warnings, raise_errors)


def _finish(
    frame: pd.DataFrame, problems: list[Problem], notes: list[Problem], raise_errors: bool
) -> tuple[pd.DataFrame, list[Problem]]:
    if not raise_errors:
        return frame, sorted(problems + notes, key=lambda p: p.line)
    if problems:
        first = problems[0]
        more = len(problems) - 1
        extra = (
            f" ({more} more problem(s) in this file; run `factcheck validate {first.path}` to "
            "list them all.)"
            if more
            else ""
        )
        raise LogFormatError(f"{first.path}, line {first.line}: {first.message}{extra}")
    for note in notes:
        where = f", line {note.line}" if note.line else ""
        warnings.warn(f"{note.path}{where}: {note.message}", InputWarning, stacklevel=4)
    return frame, []


class UnreadableLogError(LogFormatError):
    """A file that is not a readable log as a whole (not a regular file, too big, no header)."""

    def __init__(self, problem: Problem) -> None:
        where = f", line {problem.line}" if problem.line else ""
        super().__init__(f"{problem.path}{where}: {problem.message}")
        self.problem = problem


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat_.S_ISDIR(mode):
        return "a folder"
    if stat_.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat_.S_ISCHR(mode) or stat_.S_ISBLK(mode):
        return "a device"
    if stat_.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_regular(path: Path, mode: int) -> None:
    if not stat_.S_ISREG(mode):
        raise UnreadableLogError(
            Problem(
                str(path),
                0,
                f"is {_file_kind(mode)}, not a regular file, so it was not read. Remove it "
                "or move it out of the folder.",
            )
        )


def read_log_bytes(
    path: str | os.PathLike[str], header_problem: Callable[[list[str]], str] | None = None
) -> bytes:
    """The bytes of a log file, read only if it can be one; raises UnreadableLogError if not.

    Follows symbolic links, then refuses anything but a regular file without opening it (a
    FIFO would block, ``/dev/zero`` never ends), refuses files over ``MAX_LOG_BYTES``, and
    checks the first line before reading the rest, so NUL-filled or sparse garbage and files
    whose header is not UTF-8 are rejected after reading at most 64 KiB. ``header_problem``
    (header fields -> what is wrong, or "") checks the header; by default it must be the
    annotation log's. Every log of the package is read through here (or ``_read_log_buffer``).
    """
    return _read_checked(path, header_problem, _read_whole_bytes)


def _read_log_buffer(
    path: str | os.PathLike[str], scratch: threading.local | None = None
) -> pa.Buffer:
    """A log's bytes as ``read_log_bytes`` reads them, into an Arrow buffer: pyarrow parses
    it in place, and its pages come from Arrow's pool, not fresh ones for each file
    (measured: the 1M-event read parses in 0.33-0.42 s this way, 0.69-0.73 s from bytes).
    With ``scratch``, the bytes go into that thread's buffer, reused file after file (a
    file of 8 MB or more is mapped afresh by the pool each time: 0.3 s of page faults over
    10M events); they are valid until the thread's next read."""
    if scratch is None:
        return _read_checked(path, None, _read_whole_buffer)
    return _read_checked(path, None, partial(_read_whole_buffer, scratch=scratch))


def _read_checked(
    path: str | os.PathLike[str],
    header_problem: Callable[[list[str]], str] | None,
    read_whole: Callable[[int, int, bytes], _Data],
) -> _Data:
    """Open, check and read a log (see ``read_log_bytes``); ``read_whole(fd, size, head)``
    reads the whole file once it is known to be one that may be a log."""
    path = Path(path)
    _check_regular(path, os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        _check_regular(path, info.st_mode)  # replaced between stat and open
        if info.st_size > MAX_LOG_BYTES:
            raise UnreadableLogError(
                Problem(
                    str(path),
                    0,
                    f"is {info.st_size:,} bytes, over the {MAX_LOG_BYTES:,}-byte limit for one "
                    "log, so it was not read (it is probably not an annotation log). If it is "
                    "one, split it by annotator, or raise factcheck.log.MAX_LOG_BYTES.",
                )
            )
        head = os.pread(fd, _HEAD_BYTES, 0)
        problem = _head_problem(
            head, complete=len(head) >= info.st_size, header_problem=header_problem
        )
        if problem is None and info.st_size > len(head):
            tail_at = max(len(head), info.st_size - _HEAD_BYTES)
            nul = os.pread(fd, info.st_size - tail_at, tail_at).find(_NUL_RUN)
            if nul >= 0:
                problem = (
                    0,
                    f"has a run of NUL bytes from byte {tail_at + nul:,} on (a disk error or a "
                    "crash can fill the end of a file with zeros, or it is not a log). Restore "
                    "it from a backup, or cut the zeros off the end of the file.",
                )
        if problem:
            raise UnreadableLogError(Problem(str(path), *problem))
        return read_whole(fd, info.st_size, head)
    finally:
        os.close(fd)


def _read_whole_bytes(fd: int, size: int, head: bytes) -> bytes:
    """The whole file as bytes: ``size`` bytes in one buffer, then what was added since a
    short read."""
    if len(head) >= size:
        return head
    data = os.pread(fd, size, 0)  # one buffer: no copy of a large file
    if len(data) < size:  # a short read: finish it
        data += _read_from(fd, len(data))
    return data


def _read_whole_buffer(
    fd: int, size: int, head: bytes, scratch: threading.local | None = None
) -> pa.Buffer:
    """The whole file's first ``size`` bytes (fewer if it shrank meanwhile) in an Arrow
    buffer, read straight into it: a new one, or ``scratch.buffer`` (grown if too small)."""
    buffer = getattr(scratch, "buffer", None)
    if buffer is None or buffer.size < size:
        buffer = pa.allocate_buffer(size, memory_pool=_READ_POOL, resizable=False)
        if scratch is not None:
            scratch.buffer = buffer
    view, filled = memoryview(buffer).cast("B"), 0
    while filled < size:
        got = os.preadv(fd, [view[filled:size]], filled)
        if not got:
            break
        filled += got
    return buffer if filled == buffer.size else buffer.slice(0, filled)


def _read_from(fd: int, position: int) -> bytes:
    """The rest of a file from ``position``, to its current end."""
    chunks = []
    while block := os.pread(fd, 1 << 24, position):
        chunks.append(block)
        position += len(block)
    return b"".join(chunks)


def _head_problem(
    head: bytes, *, complete: bool, header_problem: Callable[[list[str]], str] | None = None
) -> tuple[int, str] | None:
    """(line, message) if the first bytes of a file show it is no log, else None.

    ``complete``: ``head`` is the whole file (a short first line may then be a torn header,
    which the full parse reports as a torn row).
    """
    nul = head.find(_NUL_RUN)
    if nul >= 0:
        return (
            head.count(b"\n", 0, nul) + 1,
            f"contains a run of NUL bytes (from byte {nul}), so it is not a text log (a disk "
            "error or a crash can fill a file with zeros). Restore it from a backup or remove "
            "it.",
        )
    end = head.find(b"\n")
    if end < 0:
        if complete:
            return None
        return (
            1,
            f"its first line is longer than {_HEAD_BYTES:,} bytes, so it is not a log header. "
            "Restore the file from a backup or remove it.",
        )
    first = head[:end].removeprefix(b"\xef\xbb\xbf").removesuffix(b"\r")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (
            1,
            f"the header is not valid UTF-8 (byte {exc.start}; was the file saved in another "
            "encoding, e.g. by a spreadsheet?). Save it as 'CSV UTF-8' or restore the original.",
        )
    header = next(csv.reader([text]), [])
    message = (header_problem or _header_problem)(header)
    return (1, message) if message else None


def _looks_like_log(path: Path) -> bool:
    """Whether a CSV found in a folder is meant as a log. factcheck's own other CSVs saved
    beside the logs are skipped: answer keys silently (a class folder holds one), tidy
    exports with a warning. Anything else is left to the reader, which reports problems."""
    try:
        if not path.is_file():
            return True  # a FIFO, device or folder: the reader reports it, never opens it
        with path.open("rb") as handle:
            header = handle.readline(4096).decode("utf-8", "replace").strip().lower()
    except OSError:
        return True
    columns = set(re.split(r"[,;\t]", header.lstrip("\ufeff")))
    if {"schema", "explanation"} <= columns:
        return False  # an answer key (factcheck-key/1)
    if {"majority_label", "n_votes"} <= columns:
        warnings.warn(
            f"{path}: a factcheck export, not an annotation log; skipped it. Keep exports "
            "outside the annotations folder to silence this warning.",
            InputWarning,
            stacklevel=3,
        )
        return False
    return True


def log_files(
    paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[Path]:
    """The log files meant by a path, a folder (its ``*.csv``), a glob, or a list of these.

    A log named comes with its continuation (``files_of``): ``ana.csv`` or ``ana+2.csv``
    means both, listed log first, so one person's answers are never read in part.
    """
    items = [paths_or_glob] if isinstance(paths_or_glob, (str, os.PathLike)) else paths_or_glob
    found: dict[Path, None] = {}
    for item in items:
        path = Path(item).expanduser()
        if path.is_dir() and path.suffix.lower() != ".csv":  # a folder x.csv is a bad log
            matches = [p for p in sorted(path.glob("*.csv")) if _looks_like_log(p)]
        elif path.exists():
            matches = [path]
        elif glob.has_magic(str(item)):
            matches = [Path(p) for p in sorted(glob.glob(str(path), recursive=True))]
            if not matches:
                raise InputError(f"No annotation logs match {str(item)!r}. Check the pattern.")
        else:
            raise FileNotFoundError(
                errno.ENOENT, "no such annotation log or folder; check the path", str(item)
            )
        for match in matches:
            # A person's files go together, log then continuation, wherever either is named.
            group = files_of(match)
            for path_ in group if match in group else [match]:
                found.setdefault(path_, None)
    return list(found)


def read_annotations(
    paths_or_glob: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    *,
    history: bool = False,
    schemes: Sequence[LabelScheme] = (DEFAULT_SCHEME,),
    on_error: Literal["raise", "skip"] = "raise",
) -> pd.DataFrame:
    """Read logs into a DataFrame with the log columns: current labels, or every event.

    Current (default): one row per (annotator, sentence_id) with the latest event, cleared
    labels dropped, sorted by annotator, article and sentence. ``history=True``: every event
    in time order. Labels are checked against ``schemes`` (rows of other schemes: syntax only).
    A bad file raises LogFormatError (or OSError) naming it; with ``on_error="skip"`` it is
    left out with an InputWarning saying why, and the good files are read. ``annotator``
    holds one name per person (see ``annotator_key``): the first spelling in the files.
    Current labels are read in bounded memory: a file written by ``record()`` (one
    annotator, in time order) is cut to its current labels as soon as it is parsed, so
    memory holds a few files plus the labels kept; other files are reduced in batches of
    ``BATCH_ROWS`` rows.
    With no path it reads the folder labels are saved in (``annotations_folder()``: what
    ``factcheck lab`` sets, else ``./annotations``), wherever the notebook runs.
    """
    if paths_or_glob is None:
        paths_or_glob = annotations_folder()
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', not {on_error!r}.")
    paths = log_files(paths_or_glob)
    skipped: list[str] = []  # files left out (on_error="skip"), warned of once, at the end
    # A file whose person may be in no other file is cut to its current labels in its
    # parse thread (see _parse_file); if its person turns out to be in another file after
    # all (two copies of one log, a shared file), the files are read again, none cut.
    alone = set() if history else _alone(paths)
    events = _read_events(paths, schemes, on_error, skipped, history=history, alone=alone)
    if events is None:
        skipped.clear()
        events = _read_events(paths, schemes, on_error, skipped, history=history, alone=set())
    for message in skipped:
        warnings.warn(message, InputWarning, stacklevel=2)
    return empty_frame() if events is None else events


def _alone(paths: Sequence[Path]) -> set[Path]:
    """The files that are their log's only file here (no ``ana.csv`` + ``ana+2.csv`` pair)."""
    return {group[0] for group in log_groups(paths) if len(group) == 1}


def _read_events(
    paths: Sequence[Path],
    schemes: Sequence[LabelScheme],
    on_error: str,
    skipped: list[str],
    *,
    history: bool,
    alone: set[Path],
) -> pd.DataFrame | None:
    """read_annotations' table of ``paths``, the files in ``alone`` cut to their current
    labels in their threads where they qualify; None if a person of a cut file is in
    another file too (a cut file lost the rows another file's rows are ordered against)."""
    # Files are parsed a few at a time with pyarrow. A big file is checked in its thread
    # and, if it is in ``alone`` and is one annotator's rows in time order without flags,
    # cut there to its current labels, in label order. Small files are checked together in
    # batches of about BATCH_ROWS rows (per-file checks cost ~5x more over 50 small files);
    # only files with a problem go through the exact parser. For current labels each batch
    # is cut down to its latest event per (annotator, sentence) before the next is read, so
    # memory is bounded by the batch and the labels kept, not by the number of events (the
    # only batch is not cut: its rows kept are taken once, in their final order). When each
    # person's rows are in one file and each file is in time order (checked), the latest
    # event is the last in file order, so no sort by time is needed; when every file was
    # cut, the files are put end to end in name order.
    first_seen: dict[str, str] = {}
    parts: list[_Part] = []
    files_of_person: Counter[str] = Counter()
    cut_people: set[str] = set()
    parsed = _fast_tables(paths, schemes, on_error, skipped, alone=alone)
    for batch, only in _batches(parsed, BATCH_ROWS):
        only = only and not parts  # the only batch: its rows are taken once, at the end
        part = _batch_events(
            batch, schemes, on_error, skipped, first_seen, history=history, reduce=not only
        )
        if part is None:
            continue
        for people, cut in zip(part.files_people, part.cut, strict=True):
            files_of_person.update(people)
            cut_people.update(people if cut else ())
        if any(files_of_person[person] > 1 for person in cut_people):
            return None
        parts.append(part)
    if not parts:
        return empty_frame()
    # Parts whose people are in no other part hold each (annotator, sentence)'s latest event
    # already: no time order is needed to find it across parts.
    people_apart = len(parts) == 1 or sum(len(part.people) for part in parts) == len(
        set().union(*(part.people for part in parts))
    )
    table = pa.concat_tables([part.table for part in parts])
    timestamps = np.concatenate([part.timestamps for part in parts])
    flagged = np.concatenate([part.flagged for part in parts])
    kept = parts[0].keep if len(parts) == 1 else None
    final = len(parts) == 1 and parts[0].final
    del parts
    if final:  # the only part: its files' current labels, already in order
        order = np.arange(table.num_rows)
    elif not history and people_apart:
        # One row per (annotator, sentence), so the sort below has no ties: the order the
        # rows come in does not change the result, and time order is not needed.
        order = np.arange(table.num_rows) if kept is None else kept
    else:  # time order, ties in file order (parts and rows within them are in file order)
        order = _time_order(timestamps)
        if not history:
            keys = pd.Series(_key_codes(table)[order])
            order = order[~keys.duplicated(keep="last").to_numpy()]
            del keys
    if not history and not final:
        labelled = pc.not_equal(table.column("label"), "").to_numpy(zero_copy_only=False)
        order = order[labelled[order]]
        order = order[_label_order(table, order)]
    moved = len(order) != table.num_rows or not (order[1:] > order[:-1]).all()
    if moved:
        timestamps, flagged = timestamps[order], flagged[order]
    # A few columns at a time, each old column freed once moved: memory peaks at the table
    # plus its largest columns, not twice the table.
    names, columns = table.column_names, table.columns
    del table
    # The timestamps are the parsed ones (their strings are not moved) and the offsets are
    # made numbers in Arrow, so to_pandas() converts each column once.
    indices = pa.array(order) if moved else None
    _move_columns(names, columns, indices)
    columns[names.index("timestamp")] = pa.array(timestamps, pa.timestamp("us", "UTC"))
    columns.append(pa.array(flagged, pa.bool_()))
    events = pa.table(columns, names=[*names, "flagged"]).to_pandas()
    del columns
    return events


BATCH_ROWS = 1 << 20  # rows validated (and, for current labels, reduced) at once


def _move_columns(
    names: list[str], columns: list[pa.ChunkedArray], indices: pa.Array | None
) -> None:
    """Replace each column (the timestamp aside) by its rows at ``indices`` (all of them if
    None), whole numbers as int64; ``PARSE_THREADS`` columns at a time (Arrow's take runs
    on one core and releases the GIL), in the read pool (``_read_pool``: mimalloc, the
    default, measured 2-3x slower for these string takes in a fresh process)."""

    def move(i: int) -> None:
        column = columns[i]
        moved = column if indices is None else pc.take(column, indices, memory_pool=_READ_POOL)
        columns[i] = pc.cast(moved, pa.int64()) if names[i] in INT_COLUMNS else moved

    wanted = [i for i, name in enumerate(names) if name != "timestamp"]
    with ThreadPoolExecutor(max_workers=PARSE_THREADS) as pool:
        list(pool.map(move, wanted))


def _time_order(timestamps: np.ndarray) -> np.ndarray:
    """Positions in time order, ties in table order (a stable argsort; skipped, with the
    same answer, when the timestamps are already in order)."""
    if (timestamps[1:] >= timestamps[:-1]).all():
        return np.arange(len(timestamps))
    return np.argsort(timestamps, kind="stable")


_LABEL_ORDER = ("annotator", "article_id", "sentence_index", "sentence_id")


def _label_order(
    table: pa.Table, rows: np.ndarray, keys: Sequence[str] = _LABEL_ORDER
) -> np.ndarray:
    """Positions into ``rows`` that sort them by ``keys`` (annotator, article, sentence
    index as a number, sentence id), stably; Arrow compares strings by UTF-8 bytes, which is code
    point order, as pandas does (measured: 2-3x faster than pandas' sort_values)."""
    indices = pa.array(rows)
    columns = pa.table(
        [
            _in_pool.cast(table.column(name).take(indices), pa.int64())
            if name == "sentence_index"
            else table.column(name).take(indices)
            for name in keys
        ],
        names=list(keys),
    )
    return _in_pool.sort_indices(
        columns, sort_keys=[(name, "ascending") for name in keys]
    ).to_numpy()


@dataclass
class _Part:
    """Validated events of a batch of files: rows in file order, with parsed timestamps
    (microseconds since 1970, UTC) and each row's flag state."""

    table: pa.Table
    timestamps: np.ndarray
    flagged: np.ndarray
    files_people: list[frozenset[str]] = field(default_factory=list)  # each file's names
    cut: list[bool] = field(default_factory=list)  # each file: cut in its thread?
    keep: np.ndarray | None = None  # current labels not yet taken: the rows to keep
    final: bool = False  # or: the rows are the current labels, in label order

    @property
    def rows(self) -> int:
        return self.table.num_rows

    @property
    def people(self) -> frozenset[str]:
        """The annotator names in the part."""
        return frozenset().union(*self.files_people)


@dataclass
class _Parsed:
    """One log file parsed: its all-string table, and the timestamps (microseconds) if its
    rows were checked already and passed (False: they may fail; None: not checked yet).
    ``cut``: the table holds only the file's current labels, in label order (see
    ``_parse_file``; perhaps none), ``micros`` their timestamps and ``name`` the file's
    one annotator name."""

    path: Path
    table: pa.Table
    micros: np.ndarray | bool | None = None
    cut: bool = False
    name: str = ""


def _fast_tables(
    paths: Sequence[Path],
    schemes: Sequence[LabelScheme],
    on_error: str,
    skipped: list[str],
    *,
    alone: Collection[Path] = (),
) -> Iterable[_Parsed]:
    """Each readable, non-empty log, in order; a file that pyarrow cannot parse goes
    through the exact parser, which raises or (skip) notes it in ``skipped``. Files are
    read, parsed and (if big) checked ``PARSE_THREADS`` at a time (pyarrow releases the
    GIL), at most that many ahead of the one yielded, so memory holds a few files' bytes;
    the files in ``alone`` are also cut to their current labels there when they qualify."""
    workers = max(1, min(PARSE_THREADS, len(paths)))
    scratch = threading.local()  # each worker's read buffer, freed with the pool's threads
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[tuple[bytes | None, _Parsed | None]]] = deque()
        position = 0
        for index, path in enumerate(paths):
            while position < len(paths) and position <= index + workers:
                cut = paths[position] in alone
                pending.append(pool.submit(_parse_file, paths[position], schemes, cut, scratch))
                position += 1
            try:
                data, parsed = pending.popleft().result()
                if parsed is None:
                    frame, _ = _load_file(path, schemes, raise_errors=True, data=data)
                    table = pa.Table.from_pandas(frame, schema=_ARROW_SCHEMA, preserve_index=False)
                    parsed = _Parsed(path, table)
            except (LogFormatError, OSError) as exc:
                _skip_or_raise(exc, on_error, skipped)
                continue
            del data
            if parsed.table.num_rows or parsed.cut:  # a cut file's person counts, even
                yield parsed  # with no label left (see _read_events)


# Files parsed at once: one per core (measured: threads across files, each parse on one
# thread, beat pyarrow's own threads inside one file).
PARSE_THREADS = min(4, os.cpu_count() or 1)


def _parse_file(
    path: Path,
    schemes: Sequence[LabelScheme],
    cut: bool = False,
    scratch: threading.local | None = None,
) -> tuple[bytes | None, _Parsed | None]:
    """(bytes, None) of a log pyarrow cannot parse (the exact parser then reports it), or
    (None, parsed); raises as ``read_log_bytes`` does. Runs in a worker thread, where a
    file of ``CHECK_IN_THREAD_ROWS`` rows or more is also checked (smaller ones are checked
    together in their batch: each check costs a few kernel calls whatever the rows). With
    ``cut``, a checked file that ``_current_rows`` can read alone is cut to its current
    labels there, while its rows are in cache, and the rest of its table is freed at once
    (memory then holds the labels kept, not the events read). ``scratch``: see
    ``_read_log_buffer`` (the table parsed holds copies, never the bytes read)."""
    data = _read_log_buffer(path, scratch)
    table = _read_fast_table(data) if _fast_candidate(data) else None
    if table is None:
        return data.to_pybytes(), None
    del data
    parsed = _Parsed(path, table)
    if table.num_rows >= CHECK_IN_THREAD_ROWS:
        checked = _arrow_valid_micros(table, schemes)
        parsed.micros = False if checked is None else checked
        current = None if checked is None or not cut else _current_rows(table, checked)
        if current is not None:
            taken = _take_rows(table, current)
            name = table.column("annotator")[0].as_py()
            parsed = _Parsed(path, taken, checked[current], cut=True, name=name)
    return None, parsed


def _current_rows(table: pa.Table, micros: np.ndarray) -> np.ndarray | None:
    """For a checked file of one annotator name, in time order and without flag rows: the
    positions of its current labels (each sentence's last row, if not cleared), in label
    order (article, sentence index, sentence id). Computed in the file's thread, so a whole
    folder's current labels need no sort across files when no person is in two of them;
    None otherwise (the batch then finds them)."""
    if len(_in_pool.unique(table.column("annotator"))) != 1 or (micros[1:] < micros[:-1]).any():
        return None
    if _in_pool.any(_in_pool.is_in(table.column("action"), pa.array(FLAG_ACTIONS))).as_py():
        return None
    codes = _in_pool.dictionary_encode(table.column("sentence_id")).combine_chunks().indices
    last = np.flatnonzero(~pd.Series(codes.to_numpy()).duplicated(keep="last").to_numpy())
    labelled = _in_pool.not_equal(table.column("label"), "").to_numpy(zero_copy_only=False)
    last = last[labelled[last]]
    return last[_label_order(table, last, _LABEL_ORDER[1:])]  # one annotator: not a key


CHECK_IN_THREAD_ROWS = 1 << 12


def _take_rows(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """``table``'s rows at ``rows`` (distinct, in any order): filtered chunk by chunk, then
    put in the order asked if it is not theirs already (Arrow's take from a many-chunk
    column first joins its chunks: measured 7x slower for a file's 10,000 current labels
    out of 200,000 rows, and 1.3x for 10,000 of 20,000)."""
    positions = np.sort(rows)
    wanted = np.zeros(table.num_rows, dtype=bool)
    wanted[positions] = True
    kept = _in_pool.filter(table, pa.array(wanted))
    order = np.searchsorted(positions, rows)
    if (order[1:] > order[:-1]).all():
        return kept  # the rows asked for are in table order (a log labelled in order)
    return _in_pool.take(kept, pa.array(order))


def _batch_micros(batch: list[_Parsed], schemes: Sequence[LabelScheme]) -> np.ndarray | None:
    """The timestamps of a batch if every row passes the Arrow checks (files checked in
    their thread already count as they are; the others are checked here, at once)."""
    if any(item.micros is False for item in batch):
        return None
    unchecked = [item for item in batch if item.micros is None]
    if unchecked:
        micros = _arrow_valid_micros(pa.concat_tables([item.table for item in unchecked]), schemes)
        if micros is None:
            return None
        ends = np.cumsum([item.table.num_rows for item in unchecked])[:-1]
        for item, piece in zip(unchecked, np.split(micros, ends), strict=True):
            item.micros = piece
    return np.concatenate([item.micros for item in batch])


def _batches(items: Iterable[_Parsed], rows: int) -> Iterable[tuple[list[_Parsed], bool]]:
    """Whole files grouped in order into batches of at least ``rows`` rows (the last: fewer),
    each with whether it is the last (a full batch waits for the next file to know)."""
    batch: list[_Parsed] = []
    count = 0
    for item in items:
        if count >= rows:
            yield batch, False
            batch, count = [], 0
        batch.append(item)
        count += item.table.num_rows
    if batch:
        yield batch, True


def _batch_events(
    batch: list[_Parsed],
    schemes: Sequence[LabelScheme],
    on_error: str,
    skipped: list[str],
    first_seen: dict[str, str],
    *,
    history: bool,
    reduce: bool = True,
) -> _Part | None:
    """Validate a batch of files; a file with a problem is reported (exact line) and left
    out. Names are unified through ``first_seen``; without ``history`` only each
    (annotator, sentence)'s latest event is kept (taken now if ``reduce``, else the rows
    to keep are given in ``keep``). None if no row is left."""
    while batch:
        table = pa.concat_tables([item.table for item in batch])  # zero-copy
        micros = _batch_micros(batch, schemes)  # whole-column Arrow kernels
        if micros is not None:
            break
        events = table.to_pandas()  # a problem (or a value only pandas decides): exact checks
        timestamps = _coerce_timestamps(events["timestamp"])
        problems = _row_problems(events, schemes, timestamps)
        del events
        if not problems:
            micros = timestamps.to_numpy(dtype="datetime64[us]").view("int64")
            break
        ends = np.cumsum([item.table.num_rows for item in batch])
        bad = {int(np.searchsorted(ends, row, side="right")) for row, _ in problems}
        for index in sorted(bad):
            try:
                _load_file(batch[index].path, schemes, raise_errors=True)  # exact line
            except LogFormatError as exc:
                _skip_or_raise(exc, on_error, skipped)
        batch = [item for index, item in enumerate(batch) if index not in bad]
    else:
        return None
    sizes = [item.table.num_rows for item in batch]
    spellings = _names_by_file(table.column("annotator"), batch)
    for name in (name for names in spellings for name in names):  # in file order
        first_seen.setdefault(annotator_key(name), name)
    table = _one_name_per_person(table, first_seen)
    files_people = [frozenset(first_seen[annotator_key(n)] for n in names) for names in spellings]
    if pc.any(pc.is_in(table.column("action"), pa.array(FLAG_ACTIONS))).as_py():
        file_ids = np.repeat(np.arange(len(batch)), [item.table.num_rows for item in batch])
        flagged = flag_states(
            file_ids,
            table.column("annotator").to_pandas(),
            table.column("sentence_id").to_pandas(),
            table.column("action").to_pandas(),
        )
    else:
        flagged = np.zeros(table.num_rows, dtype=bool)  # no flag row: nothing to replay
    people = frozenset().union(*files_people)
    cut = [item.cut for item in batch]
    if history:
        return _Part(table, micros, flagged, files_people, cut)
    apart = sum(map(len, files_people)) == len(people)  # no person in two files
    if not reduce and apart and all(cut):
        # Each file is its current labels in label order: order the files by their
        # annotator's name (one per file, each in one file) and put them end to end.
        by_name = sorted(range(len(batch)), key=lambda i: next(iter(files_people[i])))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        ordered = np.concatenate([np.arange(sizes[i]) + starts[i] for i in by_name])
        table = pa.concat_tables([table.slice(starts[i], sizes[i]) for i in by_name])
        return _Part(table, micros[ordered], flagged[ordered], files_people, cut, final=True)
    # The latest event per (annotator, sentence): a later batch may win.
    if apart and _in_time_order(micros, sizes, cut):
        keep = _last_rows(table)  # each person in one file, each file in time order
    else:
        keep = np.sort(_latest_rows(table, micros))  # in file order
    if not reduce:
        return _Part(table, micros, flagged, files_people, cut, keep)
    if len(keep) < table.num_rows:
        table = table.take(pa.array(keep))  # one copy of the rows kept, one chunk
        micros, flagged = micros[keep], flagged[keep]
    else:
        table = table.combine_chunks()
    return _Part(table, micros, flagged, files_people, cut)


def _names_by_file(annotators: pa.ChunkedArray, batch: list[_Parsed]) -> list[list[str]]:
    """The annotator names of each file of a batch, first seen first (``annotators``: the
    batch's column); a cut file's is the one it had, whether or not a label is left."""
    names = []
    start = 0
    for item in batch:
        size = item.table.num_rows
        if item.cut:
            names.append([item.name])
        else:
            names.append(pc.unique(annotators.slice(start, size)).to_pylist())
        start += size
    return names


def _in_time_order(micros: np.ndarray, sizes: Sequence[int], cut: Sequence[bool]) -> bool:
    """Whether the timestamps never go back within a file (file boundaries aside) that is
    not ``cut`` (a cut file has one row per sentence: its last row is its latest); one
    vectorised comparison."""
    back = micros[1:] < micros[:-1]
    ends = np.cumsum(sizes)
    boundaries = ends[:-1] - 1  # the step from a file's last row to the next's first
    back[boundaries[(boundaries >= 0) & (boundaries < len(back))]] = False  # empty files
    for end, size, is_cut in zip(ends.tolist(), sizes, cut, strict=True):
        if is_cut:
            back[end - size : end - 1] = False
    return not back.any()


def _latest_rows(table: pa.Table, micros: np.ndarray) -> np.ndarray:
    """Positions of each (annotator, sentence_id)'s latest row by time, ties the later in
    table order (measured: pandas' duplicated() beats Arrow's group_by here)."""
    order = np.argsort(micros, kind="stable")
    return order[~pd.Series(_key_codes(table)[order]).duplicated(keep="last").to_numpy()]


def _last_rows(table: pa.Table) -> np.ndarray:
    """Positions of each (annotator, sentence_id)'s last row in table order, in table order:
    its latest when each person's rows are in one file and each file is in time order
    (ties the later in file order), found without sorting."""
    return np.flatnonzero(~pd.Series(_key_codes(table)).duplicated(keep="last").to_numpy())


def _key_codes(table: pa.Table) -> np.ndarray:
    """One int64 per row, equal for rows of the same (annotator, sentence_id): each column
    dictionary-encoded once (measured: hashing ints beats hashing string pairs)."""
    codes = []
    for name in ("annotator", "sentence_id"):
        encoded = _in_pool.dictionary_encode(table.column(name)).combine_chunks()
        codes.append((encoded.indices.to_numpy().astype(np.int64), len(encoded.dictionary)))
    (people, _), (sentences, count) = codes
    return people * count + sentences


_TIMESTAMP_RE = f"^{_TIMESTAMP}$"
# The one shape of _TIMESTAMP that is 32 bytes long (what ``utc_timestamp`` writes):
# YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM. It is checked as four 64-bit words per timestamp: a
# digit's high nibble must be 3 and its low nibble at most 9 (adding 6 must not carry into
# 0x10); every other byte but the offset's sign ("+" or "-", checked on its own) must be
# the template's.
_WRITTEN = b"0000-00-00T00:00:00.000000+00:00"
_SIGN_AT = _WRITTEN.index(b"+")


def _word_masks() -> tuple[np.ndarray, ...]:
    """(high mask, high value, low mask, add, carry) as four uint64 words each."""
    template = np.frombuffer(_WRITTEN, np.uint8)
    digit = np.equal(template, ord("0"))
    high_mask = np.where(digit, 0xF0, 0xFF).astype(np.uint8)
    high_value = np.where(digit, 0x30, template).astype(np.uint8)
    high_mask[_SIGN_AT] = high_value[_SIGN_AT] = 0
    low = [np.where(digit, value, 0).astype(np.uint8) for value in (0x0F, 0x06, 0x10)]
    return tuple(mask.view("<u8") for mask in (high_mask, high_value, *low))


_HIGH_MASK, _HIGH_VALUE, _LOW_MASK, _LOW_ADD, _LOW_CARRY = _word_masks()


def _well_formed_timestamps(stamps: pa.ChunkedArray) -> bool:
    """Whether every timestamp matches ``_TIMESTAMP_RE``. When all are 32 bytes long, the
    only length-32 shape of the pattern is checked on their bytes as 64-bit words (see
    ``_word_masks``; measured 2x faster than the regex); otherwise the regex decides."""
    if not len(stamps):
        return True
    lengths = _in_pool.min_max(_in_pool.binary_length(stamps)).as_py()
    if lengths["min"] != len(_WRITTEN) or lengths["max"] != len(_WRITTEN):
        return bool(_in_pool.all(_in_pool.match_substring_regex(stamps, _TIMESTAMP_RE)).as_py())
    for chunk in stamps.chunks:
        if not len(chunk):
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], width)[chunk.offset : chunk.offset + 1]
        data = np.frombuffer(chunk.buffers()[2], np.uint8)
        cells = data[offsets[0] : offsets[0] + len(chunk) * len(_WRITTEN)]
        cells = cells.reshape(len(chunk), len(_WRITTEN))
        words = cells.view("<u8")  # (rows, 4)
        if not ((words & _HIGH_MASK) == _HIGH_VALUE).all():
            return False
        if (((words & _LOW_MASK) + _LOW_ADD) & _LOW_CARRY).any():
            return False
        signs = cells[:, _SIGN_AT]
        if not ((signs == ord("+")) | (signs == ord("-"))).all():
            return False
    return True


def _arrow_valid_micros(table: pa.Table, schemes: Sequence[LabelScheme]) -> np.ndarray | None:
    """The timestamps (microseconds, UTC) of a batch if every row passes every check of
    ``_row_problems``, run as Arrow kernels on whole columns; None if any row may fail
    (then ``_row_problems`` decides and names it). Never accepts what it would refuse."""

    def every(mask: pa.ChunkedArray) -> bool:
        return bool(_in_pool.all(mask).as_py()) if len(mask) else True

    def distinct(name: str) -> list[str]:
        return _in_pool.unique(table.column(name)).to_pylist()

    column = table.column
    if not every(_in_pool.is_in(column("schema"), pa.array(list(SCHEMA_COLUMNS)))):
        return None
    if not all(str.strip(name) for name in distinct("annotator")):
        return None
    if not every(_in_pool.not_equal(_in_pool.utf8_trim_whitespace(column("sentence_id")), "")):
        return None
    numbers = {}
    for name in INT_COLUMNS:
        digits = column(name)  # \d{1,18} in ASCII (stricter than Python's \d: pandas decides)
        if not every(
            _in_pool.and_(
                _in_pool.ascii_is_decimal(digits),
                _in_pool.less_equal(_in_pool.binary_length(digits), 18),
            )
        ):
            return None
        numbers[name] = _in_pool.cast(column(name), pa.int64())
    if not every(_in_pool.less_equal(numbers["start"], numbers["end"])):
        return None
    action, label = column("action"), column("label")
    if not every(_in_pool.is_in(action, pa.array(ACTIONS))):
        return None
    empty = _in_pool.equal(label, "")
    if _in_pool.any(_in_pool.and_(_in_pool.equal(action, "label"), empty)).as_py():
        return None
    if _in_pool.any(_in_pool.and_(_in_pool.equal(action, "clear"), _in_pool.invert(empty))).as_py():
        return None
    scheme_ids = distinct("scheme")
    if not all(_is_scheme_id(value) for value in scheme_ids):
        return None
    known = {scheme.id: scheme for scheme in schemes}
    scheme = column("scheme")
    for scheme_id in scheme_ids:
        of_scheme = _in_pool.and_(_in_pool.equal(scheme, scheme_id), _in_pool.invert(empty))
        if scheme_id in known:
            names = pa.array(list(known[scheme_id].names), pa.large_string())
            if _in_pool.any(
                _in_pool.and_(of_scheme, _in_pool.invert(_in_pool.is_in(label, names)))
            ).as_py():
                return None
        elif not all(
            _is_label_name(v) for v in _in_pool.unique(label.filter(of_scheme)).to_pylist()
        ):
            return None
    if any(evidence_problem(value) for value in distinct("evidence")):
        return None
    if not all(_is_language(value) for value in distinct("language")):
        return None
    stamps = column("timestamp")
    if not _well_formed_timestamps(stamps):
        return None
    try:
        parsed = _in_pool.cast(stamps, pa.timestamp("ns", "UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # 24:00, a leap second...: pandas decides (see _arrow_timestamps)
    nanos = parsed.to_numpy().view("int64")
    if len(nanos) and nanos.min() < 0:
        return None
    return nanos // 1000


def _skip_or_raise(exc: Exception, on_error: str, skipped: list[str]) -> None:
    """Re-raise a file's error, or (``on_error="skip"``) note in ``skipped`` the warning
    that the file was left out (read_annotations gives it once the reading is done)."""
    if on_error == "raise":
        raise exc
    message = str(exc) if isinstance(exc, LogFormatError) else f"{exc.filename}: {exc}"
    skipped.append(f"{message} This file was skipped.")


def _one_name_per_person(table: pa.Table, first_seen: dict[str, str] | None = None) -> pa.Table:
    """Give every row of one person (one ``annotator_key``) the same annotator name: the
    first spelling in file order, also across calls sharing ``first_seen`` (key -> name).
    Costs one pass over the distinct names if none differ."""
    first_seen = {} if first_seen is None else first_seen
    column = table.column("annotator")
    names = pc.unique(column).to_pylist()
    keys = [annotator_key(name) for name in names]
    for name, key in zip(names, keys, strict=True):  # unique() keeps first-seen order
        first_seen.setdefault(key, name)
    display_names = [first_seen[key] for key in keys]
    if display_names == names:
        return table
    order = pc.index_in(column, pa.array(names, pa.large_string()))
    renamed = pc.take(pa.array(display_names, pa.large_string()), order)
    return table.set_column(COLUMNS.index("annotator"), "annotator", renamed)


def flag_states(
    file_ids: Sequence[int] | np.ndarray,
    annotators: pd.Series,
    sentence_ids: pd.Series,
    actions: pd.Series,
) -> np.ndarray:
    """Whether each row's sentence is flagged for discussion after it (rows in file order).

    A flag lasts until an ``unflag``, and an ``undo`` restores the flag state from before the
    event it reverts. An undo row names the sentence it reverts, so each sentence's events can
    be replayed on their own (file and annotator apart); only sentences with a flag or unflag
    row are replayed, so logs without flags cost one vectorised check.
    """
    actions_ = actions.to_numpy()
    out = np.zeros(len(actions_), dtype=bool)
    has_flag = np.isin(actions_, FLAG_ACTIONS)
    if not has_flag.any():
        return out
    names = annotators.to_numpy()
    keys = {name: annotator_key(name) for name in pd.unique(names)}
    people, _ = pd.factorize(np.array([keys[name] for name in names], dtype=object))
    sentences, _ = pd.factorize(sentence_ids.to_numpy())
    groups = np.asarray(file_ids, dtype=np.int64) * (int(people.max()) + 1) + people
    pairs = groups * (int(sentences.max()) + 1) + sentences
    positions = np.flatnonzero(np.isin(pairs, np.unique(pairs[has_flag])))
    history: dict[int, list[bool]] = {}
    pair_of = pairs.tolist()
    for i in positions.tolist():
        states = history.setdefault(pair_of[i], [])
        if actions_[i] == "undo":
            if states:
                states.pop()
            out[i] = bool(states) and states[-1]
            continue
        state = _flag_after(bool(states) and states[-1], actions_[i])
        states.append(state)
        out[i] = state
    return out


def validate_logs(
    files: Sequence[str | os.PathLike[str]], *, schemes: Sequence[LabelScheme] = (DEFAULT_SCHEME,)
) -> list[Problem]:
    """Every problem ``read_annotations`` would raise or warn about, for all files (no raise).

    At most ``MAX_PROBLEMS_PER_FILE`` problems are listed per file, then a count of the rest.
    """
    problems: list[Problem] = []
    for item in files:
        try:
            paths = log_files([item])
        except (InputError, OSError) as exc:
            problems.append(Problem(str(item), 0, str(exc)))
            continue
        for path in paths:
            try:
                _, found = _load_file(path, schemes, raise_errors=False)
            except UnreadableLogError as exc:
                found = [exc.problem]
            except OSError as exc:
                found = [Problem(str(path), 0, f"cannot be read ({exc.strerror or exc}).")]
            if len(found) > MAX_PROBLEMS_PER_FILE:
                rest = len(found) - MAX_PROBLEMS_PER_FILE
                more = Problem(str(path), 0, f"... and {rest} more problem(s) not listed.")
                found = [*found[:MAX_PROBLEMS_PER_FILE], more]
            problems.extend(found)
    return problems
