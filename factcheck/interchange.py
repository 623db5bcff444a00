"""Exports in other tools' formats (Label Studio JSON, doccano JSONL, ClaimBuster CSV), so an
imported dataset goes back out with the same rows, plus the labels given here.

Pure functions from the DataFrame of ``read_annotations`` (and, optionally, the sentences of
a corpus, ``factcheck.imports.read_corpus_items``: then unlabelled sentences are written too,
and the columns an import kept come back) to the records each format holds. ``exports.py``
writes them.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import pandas as pd

from .errors import InputWarning
from .imports import CLAIMBUSTER_VERDICTS, FORMAT_ALIASES, ImportedItem

TOOL_FORMATS: tuple[str, ...] = ("label-studio", "doccano", "claimbuster")
__all__ = [
    "CLAIMBUSTER_COLUMNS",
    "FORMAT_ALIASES",
    "TOOL_FORMATS",
    "claimbuster_rows",
    "doccano_records",
    "label_studio_tasks",
    "native_id",
]
CLAIMBUSTER_COLUMNS: tuple[str, ...] = (
    "Sentence_id",
    "Text",
    "Speaker",
    "Speaker_title",
    "Speaker_party",
    "File_id",
    "Length",
    "Line_number",
    "Sentiment",
    "Verdict",
)
VERDICT_OF: Mapping[str, str] = {label: code for code, label in CLAIMBUSTER_VERDICTS.items()}


def native_id(sentence_id: str) -> int | str:
    """The id as the tool wrote it: a number when it reads as one (``"101"`` -> 101)."""
    return (
        int(sentence_id)
        if sentence_id.isdecimal() and str(int(sentence_id)) == sentence_id
        else sentence_id
    )


def _sentences(df: pd.DataFrame, corpus: Sequence[ImportedItem] | None) -> list[ImportedItem]:
    """The sentences to write: the corpus's in its order, else those labelled, in log order."""
    if corpus is not None:
        return list(corpus)
    first = df.drop_duplicates("sentence_id")
    return [
        ImportedItem(sid, text, number)
        for number, (sid, text) in enumerate(zip(first["sentence_id"], first["text"], strict=True))
    ]


def _majority(
    df: pd.DataFrame, to: str, mapping: Mapping[str, str] | None = None
) -> dict[str, str]:
    """sentence id -> the majority label (mapped); ties and unmapped labels are left out,
    each with a warning giving how many."""
    from .exports import mapped_votes

    mapping = mapping or {label: label for label in df["label"].unique()}
    _, votes = mapped_votes(
        df,
        mapping,
        unmapped=lambda rows: (
            f"{to} export: {len(rows)} label(s) ({', '.join(sorted(set(rows['label'])))}) have "
            f"no {to} counterpart; they were left out. Only labels of the {to!r} scheme "
            f"export to it: label with factcheck.scheme_preset({to!r}) (see annotations/README.md)."
        ),
        ties=lambda ties: (
            f"{to} export: {len(ties)} sentence(s) with tied votes have no label (e.g. "
            f"{ties['sentence_id'].iloc[0]}). Adjudicate them and export again."
        ),
        stacklevel=5,
    )
    return dict(zip(votes["sentence_id"], votes["majority_label"], strict=True))


def _warn_missing(df: pd.DataFrame, corpus: Sequence[ImportedItem] | None, to: str) -> None:
    if corpus is None:
        return
    missing = set(df["sentence_id"]) - {item.id for item in corpus}
    if missing:
        warnings.warn(
            f"{to} export: {len(missing)} labelled sentence(s) are not in the corpus given "
            f"(e.g. {sorted(missing)[0]}); they were left out. Pass the corpus they belong to.",
            InputWarning,
            stacklevel=4,
        )


def label_studio_tasks(
    df: pd.DataFrame, corpus: Sequence[ImportedItem] | None = None
) -> list[dict]:
    """Label Studio tasks (JSON export of text classification): ``id``, ``data.text`` and
    one annotation per annotator (``completed_by`` is the annotator's name) whose ``choices``
    result is the label; a note is a ``textarea`` result. Unlabelled sentences of the
    corpus are tasks with no annotations."""
    _warn_missing(df, corpus, "label-studio")
    by_sentence = {sid: rows for sid, rows in df.sort_values("annotator").groupby("sentence_id")}
    tasks = []
    for item in _sentences(df, corpus):
        annotations = []
        rows = by_sentence.get(item.id)
        for row in [] if rows is None else rows.to_dict("records"):
            result = [
                {
                    "from_name": "label",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": [row["label"]]},
                }
            ]
            if row["note"]:
                result.append(
                    {
                        "from_name": "note",
                        "to_name": "text",
                        "type": "textarea",
                        "value": {"text": [row["note"]]},
                    }
                )
            annotations.append(
                {
                    "completed_by": row["annotator"],
                    "was_cancelled": False,
                    "created_at": row["timestamp"].isoformat(),
                    "result": result,
                }
            )
        tasks.append(
            {"id": native_id(item.id), "data": {"text": item.text}, "annotations": annotations}
        )
    return tasks


def doccano_records(df: pd.DataFrame, corpus: Sequence[ImportedItem] | None = None) -> list[dict]:
    """doccano JSONL records (text classification): ``id``, ``text``, ``label`` (a list:
    the majority label, or empty for an unlabelled or tied sentence of the corpus)."""
    _warn_missing(df, corpus, "doccano")
    decided = _majority(df, "doccano")
    return [
        {
            "id": native_id(item.id),
            "text": item.text,
            "label": [decided[item.id]] if item.id in decided else [],
        }
        for item in _sentences(df, corpus)
        if corpus is not None or item.id in decided
    ]


def claimbuster_rows(
    df: pd.DataFrame, corpus: Sequence[ImportedItem] | None = None
) -> pd.DataFrame:
    """ClaimBuster CSV rows: ``CLAIMBUSTER_COLUMNS`` (then any other column the import kept),
    ``Verdict`` 1 (cfs), 0 (ufs), -1 (nfs) from the majority, empty when unlabelled. The
    other columns come from the corpus an import wrote, else they are empty."""
    _warn_missing(df, corpus, "claimbuster")
    decided = _majority(df, "claimbuster", VERDICT_OF)
    items = [i for i in _sentences(df, corpus) if corpus is not None or i.id in decided]
    canonical = {name.lower(): name for name in CLAIMBUSTER_COLUMNS}
    extra: list[str] = []
    for item in items:
        extra.extend(k for k, _ in item.fields if k.lower() not in canonical and k not in extra)
    columns = [*CLAIMBUSTER_COLUMNS[:-1], *extra, "Verdict"]
    records = []
    for item in items:
        fields = {canonical.get(k.lower(), k): v for k, v in item.fields}
        record = {name: fields.get(name, "") for name in columns}
        record.update(Sentence_id=item.id, Text=item.text, Verdict=decided.get(item.id, ""))
        records.append(record)
    return pd.DataFrame(records, columns=columns, dtype="str")
