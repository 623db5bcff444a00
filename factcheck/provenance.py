"""Provenance of labels given with a model's help: accepted suggestions and copied labels.

One JSON line per key press that accepted a suggestion or copied a similar sentence's label,
in ``<log stem>.provenance.jsonl`` beside the annotator's log (a side file rather than new
log columns, so every ``factcheck-log/1`` reader keeps working), joined to the log event by
its timestamp and sentence id. ``accepted_labels`` counts what a dataset can report.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ._jsonl import append_line, read_lines
from .log import AnnotationLog


@dataclass(frozen=True)
class Provenance:
    """Where an accepted label came from: one line of ``<log stem>.provenance.jsonl``.

    ``timestamp`` and ``sentence_id`` are those of the log event the key press wrote, so a
    reader joins the two; ``kind`` is ``suggestion`` (the accept key) or ``memory`` (the
    copy-similar key, with ``copied_from`` the sentence copied). ``suggested_label``,
    ``suggestion_score`` and ``model`` are ``Suggestion.provenance()`` (for memory: the
    copied label, its similarity and ``claim-memory``).
    """

    timestamp: str
    annotator: str
    article_id: str
    sentence_id: str
    label: str
    kind: str
    suggested_label: str
    suggestion_score: str
    model: str
    copied_from: str = ""


def provenance_path(log_path: str | os.PathLike[str]) -> Path:
    """``<folder>/<log stem>.provenance.jsonl``: beside the log, never read as a log (.csv)."""
    path = Path(log_path)
    return path.with_name(f"{path.stem}.provenance.jsonl")


class ProvenanceLog:
    """Append-only JSON lines of accepted suggestions and copied labels, fsynced per line.

    A side file rather than new log columns: every ``factcheck-log/1`` reader keeps working.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def record(self, entry: Provenance) -> Provenance:
        """Append one entry; it is on disk when this returns (OSError if it could not be)."""
        append_line(self.path, asdict(entry))
        return entry

    def read(self) -> list[Provenance]:
        """Every entry in order; InputError naming the file and line if one is bad.

        A last line without its newline (a write cut short) is ignored: it was never returned.
        """
        return read_lines(
            self.path,
            Provenance,
            what="a provenance entry",
            advice="Remove the line; the label itself is in the annotation log.",
        )


def accepted_labels(log: AnnotationLog, *, kind: str = "suggestion") -> list[Provenance]:
    """The latest provenance entry per sentence whose label is still the one in force in ``log``.

    An accepted suggestion later changed by hand, cleared or undone no longer counts (the
    sentence's current label differs); a note edit or a flag afterwards keeps it counted.
    """
    current = log.current()
    latest: dict[str, Provenance] = {}
    for entry in ProvenanceLog(provenance_path(log.path)).read():
        latest[entry.sentence_id] = entry
    found = []
    for sid, entry in latest.items():
        event = current.get(sid)
        if (
            entry.kind == kind
            and event is not None
            and event.label == entry.label
            and event.timestamp >= entry.timestamp
        ):
            found.append(entry)
    return found
