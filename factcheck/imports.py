"""Imports: the field's datasets (CheckThat!, ClaimBuster, Label Studio, doccano) as a corpus
to label and, where they carry labels, as annotators' logs that join the agreement figures.

Each reader is a pure function from a file to ``ImportedItem`` records, checked whole before
anything is written; ``import_file`` then writes the corpus (JSONL, one article per sentence)
and appends the labels through ``AnnotationLog``. Formats are in ``annotations/README.md``.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._atomic import replacing
from .articles import safe_id
from .errors import InputError
from .labels import DEFAULT_SCHEME, SCHEMES, LabelScheme
from .sentences import Sentence

IMPORT_FORMATS: tuple[str, ...] = (
    "checkthat-subjectivity",
    "checkthat-worthiness",
    "claimbuster",
    "label-studio",
    "doccano",
)
FORMAT_ALIASES: Mapping[str, str] = {"labelstudio": "label-studio"}  # for --from and --to
# The scheme each format's labels belong to, and how its labels become the scheme's.
# OBJ becomes unconfirmed: a sentence someone called objective is a factual claim, but
# nobody here has confirmed it; the CheckThat! export maps it back to OBJ.
SUBJECTIVITY_LABELS: Mapping[str, str] = {"obj": "unconfirmed", "subj": "opinion"}
WORTHINESS_LABELS: Mapping[str, str] = {"yes": "yes", "no": "no"}
CLAIMBUSTER_VERDICTS: Mapping[str, str] = {"1": "cfs", "0": "ufs", "-1": "nfs"}


@dataclass(frozen=True)
class ImportedItem:
    """One imported sentence: its original id, text, and the labels given to it by whom."""

    id: str
    text: str
    row: int  # line (TSV/CSV/JSONL) or task number (JSON), 1-based, for messages
    labels: tuple[tuple[str, str], ...] = field(default=())  # (annotator suffix, label)
    # The row's other columns (header spelling, file order), kept for a faithful export.
    fields: tuple[tuple[str, str], ...] = field(default=())
    notes: tuple[tuple[str, str], ...] = field(default=())  # (annotator suffix, note)


@dataclass(frozen=True)
class ImportResult:
    """What ``import_file`` wrote: the corpus file, the logs, and how many labels."""

    corpus: Path
    logs: tuple[Path, ...]
    sentences: int
    labels: int


def _fail(path: Path, row: int, message: str) -> InputError:
    return InputError(f"{path}, row {row}: {message}")


Rows = list[tuple[int, dict[str, str]]]  # (line, lowercase column name -> value)


@dataclass(frozen=True)
class Table:
    """A CSV/TSV file's rows, with the header's own spelling of each lowercase name."""

    rows: Rows
    spelling: Mapping[str, str]

    def fields(self, record: Mapping[str, str], *used: str | None) -> tuple[tuple[str, str], ...]:
        """The row's columns other than ``used``, under the header's spelling, in file order."""
        return tuple((self.spelling[k], v) for k, v in record.items() if k not in used)


def _open_text(path: Path):
    """The file as UTF-8 text (a BOM is dropped); any other encoding names the file."""
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None


def _read_rows(path: Path, **dialect) -> list[list[str]]:
    try:
        with _open_text(path) as handle:
            return list(csv.reader(handle, **dialect))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}). Save the file as UTF-8 and import again."
        ) from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc}). Check the quotes.") from None


def _text(path: Path) -> str:
    """The whole file as UTF-8 text (a BOM dropped); InputError naming it otherwise."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}). Save the file as UTF-8 and import again."
        ) from None


def _tsv_rows(path: Path) -> Table:
    """Rows of a TSV read with quoting off (CheckThat! sentences may start with a quote)."""
    return _with_header(path, _read_rows(path, delimiter="\t", quoting=csv.QUOTE_NONE))


def _csv_rows(path: Path) -> Table:
    csv.field_size_limit(2**31 - 1)
    return _with_header(path, _read_rows(path, strict=True))


def _with_header(path: Path, rows: list[list[str]]) -> Table:
    if not rows:
        raise InputError(f"{path}: the file is empty. Export the dataset again.")
    spelled = [name.strip() for name in rows[0]]
    header = [name.lower() for name in spelled]
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise _fail(
                path,
                number,
                f"{len(row)} fields, the header has {len(header)}. A tab inside a sentence? "
                "Fix the row so each field is separated by exactly one tab.",
            )
        out.append((number, dict(zip(header, row, strict=True))))
    return Table(out, dict(zip(header, spelled, strict=True)))


def _column(header: Sequence[str], *choices: str) -> str | None:
    return next((name for name in choices if name in header), None)


def _need(path: Path, table: Table, *choices: str) -> str:
    header = list(table.spelling)
    name = _column(header, *choices)
    if name is None:
        raise InputError(
            f"{path}: no column {' or '.join(repr(c) for c in choices)} (found: "
            f"{', '.join(header) or 'none'}). Is this the right --from format?"
        )
    return name


def _label(path: Path, row: int, value: str, mapping: Mapping[str, str], what: str) -> str:
    label = mapping.get(value.strip().lower())
    if label is None:
        raise _fail(
            path,
            row,
            f"unknown label {value!r}. Known {what} labels: {', '.join(mapping)}. Correct the "
            "row, or choose the matching --from format.",
        )
    return label


def _scheme_label(path: Path, row: int, value: object, scheme: LabelScheme) -> str:
    label = str(value).strip().lower()
    if label not in scheme:
        raise _fail(
            path,
            row,
            f"unknown label {value!r}. Known labels of scheme {scheme.name!r}: "
            f"{', '.join(scheme.names)}. Pass --scheme with a scheme that has it, or correct "
            "the row.",
        )
    return label


def read_checkthat_subjectivity(path: Path, scheme: LabelScheme) -> list[ImportedItem]:
    """CheckThat! subjectivity TSV: sentence_id, sentence, label (OBJ/SUBJ, optional)."""
    table = _tsv_rows(path)
    ids, texts = _need(path, table, "sentence_id"), _need(path, table, "sentence")
    labels = _column(list(table.spelling), "label")
    return [
        ImportedItem(
            record[ids],
            record[texts],
            number,
            (("", _label(path, number, record[labels], SUBJECTIVITY_LABELS, "OBJ/SUBJ")),)
            if labels and record[labels].strip()
            else (),
            table.fields(record, ids, texts, labels),
        )
        for number, record in table.rows
    ]


def read_checkthat_worthiness(path: Path, scheme: LabelScheme) -> list[ImportedItem]:
    """CheckThat! check-worthiness TSV: debates (sentence_id, text, class_label) or tweets
    (tweet_id, tweet_url, tweet_text, class_label); class_label Yes/No, optional."""
    table = _tsv_rows(path)
    ids = _need(path, table, "sentence_id", "tweet_id", "id")
    texts = _need(path, table, "text", "tweet_text")
    labels = _column(list(table.spelling), "class_label")
    return [
        ImportedItem(
            record[ids],
            record[texts],
            number,
            (("", _label(path, number, record[labels], WORTHINESS_LABELS, "Yes/No")),)
            if labels and record[labels].strip()
            else (),
            table.fields(record, ids, texts, labels),
        )
        for number, record in table.rows
    ]


def read_claimbuster(path: Path, scheme: LabelScheme) -> list[ImportedItem]:
    """ClaimBuster CSV: Sentence_id, Text, ..., Verdict (1 CFS, 0 UFS, -1 NFS; optional)."""
    table = _csv_rows(path)
    ids, texts = _need(path, table, "sentence_id"), _need(path, table, "text")
    verdicts = _column(list(table.spelling), "verdict")
    return [
        ImportedItem(
            record[ids],
            record[texts],
            number,
            (("", _label(path, number, record[verdicts], CLAIMBUSTER_VERDICTS, "Verdict")),)
            if verdicts and record[verdicts].strip()
            else (),
            table.fields(record, ids, texts, verdicts),
        )
        for number, record in table.rows
    ]


def read_label_studio(path: Path, scheme: LabelScheme) -> list[ImportedItem]:
    """Label Studio JSON export of text classification: a list of tasks, each with
    ``data.text`` and ``annotations`` (one per annotator, ``completed_by``), whose ``choices``
    results give the label and ``textarea`` results the note; other results are ignored.
    Cancelled annotations are skipped; one annotation choosing two different labels is
    refused (factcheck gives one label per sentence)."""
    try:
        tasks = json.loads(_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a Label Studio JSON export ({exc}).") from None
    if not isinstance(tasks, list):
        raise InputError(f"{path}: a Label Studio JSON export is a list of tasks; this is not.")
    items = []
    for number, task in enumerate(tasks, start=1):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise _fail(path, number, "task without data.text. Export with the text field.")
        labels, notes = [], []
        for annotation in task.get("annotations") or []:
            results = annotation.get("result") if isinstance(annotation, dict) else None
            if (
                not isinstance(annotation, dict)
                or not isinstance(results or [], list)
                or not all(
                    isinstance(r, dict) and isinstance(r.get("value", {}), dict)
                    for r in results or []
                )
            ):
                raise _fail(path, number, "an annotation that is not a Label Studio result list.")
            if annotation.get("was_cancelled"):
                continue
            chosen = {
                _scheme_label(path, number, choice, scheme)
                for result in results or []
                if result.get("type") == "choices"
                for choice in result.get("value", {}).get("choices") or []
            }
            typed = [
                str(text)
                for result in results or []
                if result.get("type") == "textarea"
                for text in result.get("value", {}).get("text") or []
            ]
            if len(chosen) > 1:
                raise _fail(
                    path,
                    number,
                    f"one annotation chose several labels ({', '.join(sorted(chosen))}); "
                    "factcheck keeps one label per sentence. Keep one choice and export again.",
                )
            if chosen:
                who = str(annotation.get("completed_by", ""))
                labels.append((who, chosen.pop()))
                if typed:
                    notes.append((who, "\n".join(typed)))
        items.append(
            ImportedItem(
                str(task.get("id", number)),
                data["text"],
                number,
                tuple(labels),
                notes=tuple(notes),
            )
        )
    return items


def read_doccano(path: Path, scheme: LabelScheme) -> list[ImportedItem]:
    """doccano JSONL export of text classification: ``id``, ``text``, ``label`` (a list,
    or ``labels`` in older versions); one label per sentence."""
    items = []
    for number, line in enumerate(_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(path, number, f"not JSON ({exc}). Export from doccano again.") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise _fail(path, number, "no 'text' field. Export from doccano again.")
        raw = record.get("label", record.get("labels", []))
        raw = [raw] if isinstance(raw, str) else raw or []
        if not isinstance(raw, list):
            raise _fail(path, number, f"'label' is {type(raw).__name__}, not a list of labels.")
        chosen = sorted({_scheme_label(path, number, value, scheme) for value in raw})
        if len(chosen) > 1:
            raise _fail(
                path,
                number,
                f"several labels ({', '.join(chosen)}); factcheck keeps one label per "
                "sentence. Keep one and export again.",
            )
        labels = (("", chosen[0]),) if chosen else ()
        items.append(ImportedItem(str(record.get("id", number)), record["text"], number, labels))
    return items


READERS: Mapping[str, Callable[[Path, LabelScheme], list[ImportedItem]]] = {
    "checkthat-subjectivity": read_checkthat_subjectivity,
    "checkthat-worthiness": read_checkthat_worthiness,
    "claimbuster": read_claimbuster,
    "label-studio": read_label_studio,
    "doccano": read_doccano,
}
FORMAT_SCHEMES: Mapping[str, LabelScheme] = {
    "checkthat-subjectivity": DEFAULT_SCHEME,
    "checkthat-worthiness": SCHEMES["checkthat-worthiness"],
    "claimbuster": SCHEMES["claimbuster"],
}


def _check_items(path: Path, items: list[ImportedItem]) -> None:
    seen: dict[str, int] = {}
    for item in items:
        if not item.id.strip() or any(c in item.id for c in "\t\r\n"):
            raise _fail(path, item.row, f"sentence id {item.id!r} is empty or has a line break.")
        if not item.text.strip():
            raise _fail(path, item.row, f"sentence {item.id!r} has no text.")
        if item.id in seen:
            raise _fail(
                path,
                item.row,
                f"sentence id {item.id!r} repeats row {seen[item.id]}; ids must "
                "be unique. Correct one of them.",
            )
        seen[item.id] = item.row


def imported_sentence(item: ImportedItem) -> Sentence:
    """The sentence a log row is written for: the original id kept verbatim as sentence id,
    its filesystem-safe form (``safe_id``) as article id, the whole text as offsets 0..len."""
    return Sentence(
        id=item.id.strip(),
        index=0,
        start=0,
        end=len(item.text),
        text=item.text,
        article_id=safe_id(item.id.strip()),
    )


def corpus_record(item: ImportedItem, source: Path) -> dict:
    """The corpus row of an imported sentence: one article holding just it, with
    ``sentence_id`` (the original id, which the widget keeps, see ``imported_article``) and
    the row's other columns under ``fields``, so an export can give them back."""
    record = {
        "id": safe_id(item.id.strip()),
        "sentence_id": item.id.strip(),
        "title": "",
        "text": item.text,
        "source": str(source),
    }
    if item.fields:
        record["fields"] = dict(item.fields)
    return record


def read_corpus_items(path: str | os.PathLike[str]) -> list[ImportedItem]:
    """The sentences of a corpus, for an export that includes unlabelled ones: the rows of
    a corpus ``import_file`` wrote (ids, texts and other columns as imported), or every
    sentence of any other corpus or article file (as the widget splits them)."""
    from .articles import load_articles

    source = Path(path).expanduser()
    columns = _corpus_fields(source)
    return [
        ImportedItem(s.id, s.text, number, fields=columns.get(s.id, ()))
        for number, s in enumerate(
            (s for article in load_articles(source) for s in article.sentences), start=1
        )
    ]


def _corpus_fields(path: Path) -> dict[str, tuple[tuple[str, str], ...]]:
    """sentence_id -> the ``fields`` of each row of a corpus written by ``import_file``."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        return out
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            record = json.loads(line) if line.strip() else {}
            fields = record.get("fields") if isinstance(record, dict) else None
            if isinstance(fields, dict) and record.get("sentence_id"):
                out[str(record["sentence_id"])] = tuple((str(k), str(v)) for k, v in fields.items())
    return out


def corpus_path(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> Path:
    """Where ``import_file`` writes the corpus of ``path``: ``<folder>/<stem>.corpus.jsonl``."""
    return Path(folder).expanduser() / f"{safe_id(Path(path).stem)}.corpus.jsonl"


def import_file(
    path: str | os.PathLike[str],
    fmt: str,
    annotator: str,
    folder: str | os.PathLike[str] | None = None,
    *,
    scheme: LabelScheme | None = None,
) -> ImportResult:
    """Import a dataset file: the corpus to ``<folder>/<stem>.corpus.jsonl`` and its labels to
    ``annotator``'s log in ``folder`` (the annotations folder by default).

    Label Studio tasks annotated by several people (``completed_by``) give one log per person,
    ``<annotator>-<completed_by>``. The whole file is checked first: a bad row raises
    InputError naming the file and row, and nothing is written.
    """
    from .log import AnnotationLog
    from .paths import annotations_folder

    fmt = FORMAT_ALIASES.get(fmt, fmt)
    if fmt not in READERS:
        raise InputError(f"Unknown import format {fmt!r}. Use one of: {', '.join(READERS)}.")
    source = Path(path).expanduser()
    scheme = scheme or FORMAT_SCHEMES.get(fmt, DEFAULT_SCHEME)
    items = READERS[fmt](source, scheme)
    if not items:
        raise InputError(f"{source}: holds no sentences. Is this the right --from format?")
    _check_items(source, items)
    root = Path(annotations_folder() if folder is None else folder).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    corpus = corpus_path(source, root)
    rows = "".join(
        json.dumps(corpus_record(item, source), ensure_ascii=False) + "\n" for item in items
    )
    with replacing(corpus) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(rows)
    people = sorted({who for item in items for who, _ in item.labels})
    logs: dict[str, AnnotationLog] = {}
    count = 0
    for item in items:
        sentence = imported_sentence(item)
        notes = dict(item.notes)
        for who, label in item.labels:
            name = annotator if len(people) <= 1 or not who else f"{annotator}-{who}"
            if name not in logs:
                logs[name] = AnnotationLog(annotator=name, folder=root, scheme=scheme)
            if logs[name].label_of(sentence.id) != label:  # importing again adds nothing
                logs[name].record(sentence, label, notes.get(who, ""), source=str(source))
            count += 1
    return ImportResult(
        corpus=corpus,
        logs=tuple(log.path for log in logs.values()),
        sentences=len(items),
        labels=count,
    )
