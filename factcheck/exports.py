"""Exports: turn annotation logs into datasets (tidy CSV, JSONL, Parquet, CheckThat! TSV).

The pure functions (``to_tidy``, ``adjudicate``, ``to_checkthat``, ``neutralise_formulas``) take
the DataFrame from ``read_annotations`` and return a new one, for use in a notebook;
``export_annotations`` reads logs, applies them and writes a file atomically.
Formats are documented in ``annotations/README.md``.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from ._atomic import replacing
from .errors import InputError, InputWarning
from .interchange import (
    FORMAT_ALIASES,
    TOOL_FORMATS,
    claimbuster_rows,
    doccano_records,
    label_studio_tasks,
)
from .labels import DEFAULT_SCHEME, LabelScheme
from .log import COLUMNS, format_row, log_files, read_annotations
from .spreadsheet import protect_frame

FORMATS: tuple[str, ...] = (
    "csv",
    "jsonl",
    "parquet",
    "checkthat",
    "claimreview",
    "fever",
    "checkthat-worthiness",
    "averitec",
    "label-studio",
    "doccano",
    "claimbuster",
)
# Formats of the field (one verdict per sentence): each maps the labels of the built-in
# schemes to its own; a label not listed (e.g. opinion for FEVER) is left out with a warning.
VERDICT_LABELS: Mapping[str, Mapping[str, str]] = {
    "fever": {
        "supports": "SUPPORTS",
        "refutes": "REFUTES",
        "not enough info": "NOT ENOUGH INFO",
        "verified": "SUPPORTS",
        "unconfirmed": "NOT ENOUGH INFO",
    },
    "averitec": {
        "supports": "Supported",
        "refutes": "Refuted",
        "not enough info": "Not Enough Evidence",
        "verified": "Supported",
        "unconfirmed": "Not Enough Evidence",
    },
    "claimreview": {
        "supports": "True",
        "refutes": "False",
        "not enough info": "Unproven",
        "verified": "True",
        "unconfirmed": "Unproven",
    },
    "checkthat-worthiness": {
        "yes": "Yes",
        "no": "No",
        "cfs": "Yes",
        "ufs": "No",
        "nfs": "No",
        "verified": "Yes",
        "unconfirmed": "Yes",
        "opinion": "No",
    },
}
CLAIMREVIEW_RATINGS: Mapping[str, int] = {"False": 1, "Unproven": 2, "True": 3}
WORTHINESS_COLUMNS: tuple[str, ...] = ("Sentence_id", "Text", "class_label")
SUPPORT_COLUMNS: tuple[str, ...] = ("claim", "justification", "evidence")
"""What a label rests on (log schema /2): the claim rewrite, the justification and the
evidence items as JSON ("[]" for none); "" (and "[]") in rows of /1 logs."""
VERDICT_COLUMNS: tuple[str, ...] = (
    "article_id",
    "sentence_id",
    "text",
    "label",
    "note",
    "date",
    *SUPPORT_COLUMNS,
)
SENTENCE_COLUMNS: tuple[str, ...] = (
    "article_id",
    "sentence_id",
    "sentence_index",
    "start",
    "end",
    "text",
)
TIDY_COLUMNS: tuple[str, ...] = (
    *SENTENCE_COLUMNS,
    "annotator",
    "label",
    "note",
    "timestamp",
    "scheme",
    "source",
)
TIDY_EXTRA_COLUMNS: tuple[str, ...] = (*SUPPORT_COLUMNS, "language")
"""Columns of the log a tidy export carries after ``TIDY_COLUMNS`` when the log has them."""
CHECKTHAT_LABELS: Mapping[str, str] = {"verified": "OBJ", "unconfirmed": "OBJ", "opinion": "SUBJ"}
CHECKTHAT_COLUMNS: tuple[str, ...] = ("sentence_id", "sentence", "label")
_TSV_BREAKS = re.compile(r"[\t\r\n]+")
_NUMBER = r"-?\d+(?:\.\d+)?"  # a cell a spreadsheet reads as a number, never as a formula


def _check_current(df: pd.DataFrame) -> None:
    missing = [name for name in COLUMNS if name not in df.columns]
    if missing:
        raise InputError(
            f"The DataFrame lacks column(s) {', '.join(missing)}. Pass the DataFrame returned "
            "by factcheck.read_annotations(files)."
        )
    if df.duplicated(["annotator", "sentence_id"]).any():
        raise InputError(
            "The DataFrame has several rows for one annotator and sentence. Pass "
            "read_annotations(files), not read_annotations(files, history=True)."
        )


def vote_labels(df: pd.DataFrame) -> list[str]:
    """Labels to count votes for: the default scheme's, then any others found, sorted."""
    found = set(df["label"].unique()) - {""}
    return [*DEFAULT_SCHEME.names, *sorted(found - set(DEFAULT_SCHEME.names))]


def vote_column(label: str) -> str:
    """The column holding a label's votes, e.g. ``votes_verified``, ``votes_not_a_claim``."""
    return "votes_" + re.sub(r"\s+", "_", label)


def adjudicate(df: pd.DataFrame, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per sentence: votes per label, majority label, agreement share and tie flag.

    ``agreement`` is the share of annotators who chose the most frequent label; on a tie
    ``tie`` is True and ``majority_label`` is "" (no majority).
    """
    _check_current(df)
    labels = list(labels) if labels is not None else vote_labels(df)
    keys = ["article_id", "sentence_id"]
    if df.empty:
        columns = [*SENTENCE_COLUMNS, "n_votes", *map(vote_column, labels)]
        out = df[list(SENTENCE_COLUMNS)].reindex(columns=columns)
        out[columns[len(SENTENCE_COLUMNS) :]] = out[columns[len(SENTENCE_COLUMNS) :]].astype(
            "int64"
        )
        return out.assign(
            majority_label=pd.Series([], dtype="str"),
            agreement=pd.Series([], dtype="float64"),
            tie=pd.Series([], dtype="bool"),
        )
    sentences = df.drop_duplicates(keys)[list(SENTENCE_COLUMNS)].set_index(keys)
    # groupby().size() is ~20x faster than pd.crosstab here (measured in bench_gold.py).
    votes = df.groupby(["article_id", "sentence_id", "label"], observed=True).size()
    votes = votes.unstack("label", fill_value=0)
    votes = votes.reindex(index=sentences.index, columns=labels, fill_value=0).astype("int64")
    top = votes.max(axis=1)
    n_votes = votes.sum(axis=1).astype("int64")
    winners = votes.eq(top, axis=0).sum(axis=1)
    tie = (winners > 1) & (n_votes > 0)
    majority = votes.idxmax(axis=1).astype("str").where(~tie & (n_votes > 0), "")
    out = sentences.copy()
    out["n_votes"] = n_votes
    for label in labels:
        out[vote_column(label)] = votes[label]
    out["majority_label"] = majority.astype("str")
    out["agreement"] = (top / n_votes.where(n_votes > 0)).fillna(0.0).astype("float64")
    out["tie"] = tie.astype("bool")
    out = out.reset_index()
    return out.sort_values(["article_id", "sentence_index", "sentence_id"]).reset_index(drop=True)


def to_tidy(df: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence per annotator, with the sentence's adjudication columns added."""
    _check_current(df)
    keys = ["article_id", "sentence_id"]
    votes = adjudicate(df).drop(columns=[c for c in SENTENCE_COLUMNS if c not in keys])
    columns = [*TIDY_COLUMNS, *(c for c in TIDY_EXTRA_COLUMNS if c in df.columns)]
    tidy = df[columns].merge(votes, on=keys, how="left", validate="m:1")
    tidy = tidy.sort_values(["article_id", "sentence_index", "sentence_id", "annotator"])
    return tidy.reset_index(drop=True)


def mapped_votes(
    df: pd.DataFrame,
    mapping: Mapping[str, str],
    *,
    unmapped: Callable[[pd.DataFrame], str],
    ties: Callable[[pd.DataFrame], str],
    stacklevel: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each vote mapped to a format's labels, then the majority per sentence (``adjudicate``).

    Votes without a counterpart and tied sentences are left out, each with the warning the
    caller words. Returns the mapped votes and the decided sentences.
    """
    left_out = df[~df["label"].isin(list(mapping))]
    if len(left_out):
        warnings.warn(unmapped(left_out), InputWarning, stacklevel=stacklevel)
    mapped = df[df["label"].isin(list(mapping))].assign(
        label=lambda d: d["label"].map(dict(mapping)).astype("str")
    )
    votes = adjudicate(mapped, labels=sorted(set(mapping.values())))
    tied = votes[votes["tie"]]
    if len(tied):
        warnings.warn(ties(tied), InputWarning, stacklevel=stacklevel)
    return mapped, votes[~votes["tie"] & (votes["n_votes"] > 0)]


def to_checkthat(df: pd.DataFrame, mapping: Mapping[str, str] = CHECKTHAT_LABELS) -> pd.DataFrame:
    """CheckThat! subjectivity rows (sentence_id, sentence, label OBJ/SUBJ), one per sentence.

    Votes are mapped first (opinion -> SUBJ, verified/unconfirmed -> OBJ), then the majority
    wins; ties and labels without a mapping are dropped with a warning. Tabs and line breaks
    in ids or sentences become one space (with a warning), so the TSV needs no quoting.
    """
    _check_current(df)
    _, votes = mapped_votes(
        df,
        mapping,
        unmapped=lambda rows: (
            f"CheckThat! export: labels {', '.join(map(repr, sorted(set(rows['label']))))} "
            "have no OBJ/SUBJ mapping; their votes were left out. Pass mapping= to include them."
        ),
        ties=lambda ties: (
            f"CheckThat! export: {len(ties)} sentence(s) with as many OBJ as SUBJ votes were "
            f"left out (e.g. {ties['sentence_id'].iloc[0]}). Adjudicate them and export again."
        ),
        stacklevel=3,
    )
    out = pd.DataFrame(
        {
            "sentence_id": votes["sentence_id"].astype("str"),
            "sentence": votes["text"].astype("str"),
            "label": votes["majority_label"].astype("str"),
        }
    )
    changed = 0
    for name in ("sentence_id", "sentence"):
        has_break = out[name].str.contains(_TSV_BREAKS.pattern, regex=True)
        changed += int(has_break.sum())
        out[name] = out[name].str.replace(_TSV_BREAKS.pattern, " ", regex=True)
    if changed:
        warnings.warn(
            f"CheckThat! export: replaced tabs/line breaks with a space in {changed} field(s), "
            "since the TSV is written without quoting.",
            InputWarning,
            stacklevel=2,
        )
    return out.reset_index(drop=True)


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells starting with = + - @ tab or CR get a leading ``'`` (OWASP).

    Reversible: ``factcheck.spreadsheet.unprotect_cell`` gives back every original cell.
    """
    return protect_frame(df)


def _iso(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _write_csv(df: pd.DataFrame, handle, *, bom: bool) -> None:
    if bom:
        handle.write("\ufeff")
    handle.write(format_row(df.columns))
    columns = [df[name].tolist() for name in df.columns]
    for row in zip(*columns, strict=True):
        handle.write(format_row(row))


def _write_jsonl(df: pd.DataFrame, handle) -> None:
    for record in df.to_dict("records"):
        clean = {k: (v.item() if hasattr(v, "item") else v) for k, v in record.items()}
        handle.write(json.dumps(clean, ensure_ascii=False) + "\n")


def _write_checkthat(df: pd.DataFrame, handle) -> None:
    handle.write("\t".join(CHECKTHAT_COLUMNS) + "\n")
    for sid, sentence, label in zip(df["sentence_id"], df["sentence"], df["label"], strict=True):
        handle.write(f"{sid}\t{sentence}\t{label}\n")


def _write_tsv(df: pd.DataFrame, handle) -> None:
    """Tab-separated, no quoting (the CheckThat! layout); fields hold no tabs or breaks."""
    handle.write("\t".join(df.columns) + "\n")
    for row in zip(*(df[name].tolist() for name in df.columns), strict=True):
        handle.write("\t".join(map(str, row)) + "\n")


def _atomic_write(out: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file, then rename it over ``out`` (never half-written)."""
    with replacing(out) as tmp:
        write(tmp)


def _support_of(
    rows: list[tuple[str, str, str, str, str]], parse: Callable
) -> tuple[str, str, str]:
    """(claim, justification, evidence JSON) of one sentence's rows
    ``(sentence_id, annotator, claim, justification, evidence)``, in annotator order."""
    from .evidence import evidence_to_json

    claims = [claim for _, _, claim, _, _ in rows if claim]
    claim = max(claims, key=claims.count) if claims else ""  # the most common; first on a tie
    given = [(who, why) for _, who, _, why, _ in rows if why]
    if len({why for _, why in given}) > 1:
        justification = " | ".join(f"{who}: {why}" for who, why in given)
    else:
        justification = given[0][1] if given else ""
    items, seen = [], set()
    for *_, text in rows:
        for item in parse(text) if text and text != "[]" else ():
            if (item.url, item.quote) not in seen:
                seen.add((item.url, item.quote))
                items.append(item)
    return claim, justification, evidence_to_json(items)


def settled_support(winners: pd.DataFrame) -> pd.DataFrame:
    """Per sentence, what the annotators who gave the label it settled on give for it:
    ``claim`` (the rewrite most of them wrote; the first, in annotator order, on a tie),
    ``justification`` (theirs; ``name: text`` joined by `` | `` when they wrote different
    ones) and ``evidence`` (all their items, each URL and quote once, as JSON). Indexed by
    sentence id; the one rule for verdict exports and the gold standard."""
    frame = winners.copy()
    for name, blank in (("claim", ""), ("justification", ""), ("evidence", "[]")):
        frame[name] = frame[name].fillna(blank).astype("str") if name in frame else blank
    has = (frame["claim"] != "") | (frame["justification"] != "") | (frame["evidence"] != "[]")
    rows = frame[has].sort_values(["sentence_id", "annotator"], kind="stable")
    out = []
    if len(rows):
        from .evidence import evidence_from_json

        parse = functools.lru_cache(maxsize=4096)(evidence_from_json)  # one parse per text
        columns = ["sentence_id", "annotator", "claim", "justification", "evidence"]
        records = zip(*(rows[c].tolist() for c in columns), strict=True)
        for sid, group in itertools.groupby(records, key=operator.itemgetter(0)):
            out.append((sid, *_support_of(list(group), parse)))
    return pd.DataFrame(out, columns=["sentence_id", *SUPPORT_COLUMNS], dtype="str").set_index(
        "sentence_id"
    )


def with_support(out: pd.DataFrame, support: pd.DataFrame) -> pd.DataFrame:
    """``out`` with ``SUPPORT_COLUMNS`` filled from ``settled_support`` by ``sentence_id``
    ("" and "[]" for sentences without any)."""
    out = out.copy()
    for name, blank in (("claim", ""), ("justification", ""), ("evidence", "[]")):
        values = support[name].to_dict() if name in support else {}
        out[name] = [values.get(sid, blank) for sid in out["sentence_id"]]
        out[name] = out[name].astype("str")
    return out


def to_verdicts(df: pd.DataFrame, to: str) -> pd.DataFrame:
    """One verdict per sentence in format ``to``'s labels (``VERDICT_LABELS[to]``).

    Votes are mapped first, then the majority wins; ties and unmapped labels are left out
    with a warning giving how many. ``note`` joins the notes of the annotators who chose the
    winning label (``name: note``), ``date`` is the day of the latest of those labels, and
    ``claim``/``justification``/``evidence`` are theirs (``settled_support``).
    """
    _check_current(df)
    mapping = VERDICT_LABELS[to]
    mapped, votes = mapped_votes(
        df,
        mapping,
        unmapped=lambda rows: (
            f"{to} export: {len(rows)} label(s) ({', '.join(sorted(set(rows['label'])))})"
            f" have no {to} counterpart; they were left out. See annotations/README.md."
        ),
        ties=lambda ties: (
            f"{to} export: {len(ties)} sentence(s) with tied votes were left out (e.g. "
            f"{ties['sentence_id'].iloc[0]}). Adjudicate them and export again."
        ),
        stacklevel=4,
    )
    winners = mapped.merge(
        votes[["sentence_id", "majority_label"]], on="sentence_id", validate="m:1"
    )
    winners = winners[winners["label"] == winners["majority_label"]].sort_values("annotator")
    notes = (
        winners[winners["note"] != ""]
        .assign(note=lambda d: d["annotator"] + ": " + d["note"])
        .groupby("sentence_id")["note"]
        .agg(" | ".join)
    )
    dates = winners.groupby("sentence_id")["timestamp"].max().dt.strftime("%Y-%m-%d")
    out = pd.DataFrame(
        {
            "article_id": votes["article_id"].astype("str"),
            "sentence_id": votes["sentence_id"].astype("str"),
            "text": votes["text"].astype("str"),
            "label": votes["majority_label"].astype("str"),
        }
    )
    notes, dates = notes.to_dict(), dates.to_dict()
    out["note"] = [notes.get(sid, "") for sid in out["sentence_id"]]
    out["date"] = [dates.get(sid, "") for sid in out["sentence_id"]]
    out = out.astype({"note": "str", "date": "str"})
    return with_support(out, settled_support(winners)).reset_index(drop=True)


def gold_to_verdicts(gold: pd.DataFrame, to: str) -> pd.DataFrame:
    """Verdict rows of a gold standard: decided labels mapped as in ``to_verdicts``; the
    adjudicator's comment (else reason) is the note; claim, justification and evidence are
    those the gold standard carries for its label (``factcheck.gold``). Left-out sentences
    are counted in a warning."""
    mapping = VERDICT_LABELS[to]
    keep = gold["label"].isin(list(mapping))
    if (~keep).any():
        warnings.warn(
            f"{to} export: {int((~keep).sum())} sentence(s) of the gold standard were left out "
            f"(unresolved, or a label with no {to} counterpart). See annotations/README.md.",
            InputWarning,
            stacklevel=3,
        )
    decided = gold[keep]

    def column(name: str) -> pd.Series:
        if name in decided.columns:
            return decided[name].fillna("").astype("str")
        return pd.Series("", index=decided.index, dtype="str")

    note = column("comment").where(column("comment") != "", column("reason"))
    out = pd.DataFrame(
        {
            "article_id": column("article_id"),
            "sentence_id": column("sentence_id"),
            "text": column("text"),
            "label": decided["label"].map(dict(mapping)).astype("str"),
            "note": note,
            "date": "",
            "claim": column("claim"),
            "justification": column("justification"),
            "evidence": column("evidence").replace("", "[]"),
        }
    )
    return out.reset_index(drop=True)


def _no_tsv_breaks(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    out = frame.copy()
    for name in names:
        out[name] = out[name].astype("str").str.replace(_TSV_BREAKS.pattern, " ", regex=True)
    return out


def to_worthiness(verdicts: pd.DataFrame) -> pd.DataFrame:
    """CheckThat! check-worthiness rows (Sentence_id, Text, class_label) from verdict rows;
    tabs and line breaks become one space, so the TSV needs no quoting."""
    out = pd.DataFrame(
        {
            "Sentence_id": verdicts["sentence_id"],
            "Text": verdicts["text"],
            "class_label": verdicts["label"],
        }
    )
    return _no_tsv_breaks(out, ["Sentence_id", "Text"]).reset_index(drop=True)


def _evidence(row: Mapping[str, object]) -> tuple:
    """The evidence items of a verdict row (checked again: only http(s) URLs come out)."""
    text = str(row.get("evidence", "[]") or "[]")
    if text == "[]":
        return ()
    from .evidence import evidence_from_json

    return evidence_from_json(text, where=f"sentence {row['sentence_id']}: evidence")


def _claim(row: Mapping[str, object]) -> str:
    """The claim a verdict is about: the rewrite when one was given, else the sentence."""
    return str(row.get("claim", "") or row["text"])


def _explanation(row: Mapping[str, object]) -> str:
    """Why the verdict: the justification, else the notes (logs of schema /1 have none)."""
    return str(row.get("justification", "") or row["note"])


def claimreview_records(verdicts: pd.DataFrame, author: str = "factcheck") -> list[dict]:
    """schema.org ClaimReview objects (JSON-LD), one per verdict row: ``claimReviewed`` is
    the claim (the rewrite, else the sentence), ``ratingExplanation`` the justification
    (else the notes), each evidence item a ``citation`` (CreativeWork: ``url``, ``text``
    for the quote, ``genre`` for the source type, ``archivedAt``). schema.org has no
    property for the date a source was accessed; the AVeriTeC and tidy exports keep it."""
    records = []
    for row in verdicts.to_dict("records"):
        claim = _claim(row)
        item: dict = {
            "@type": "Claim",
            "appearance": {"@type": "CreativeWork", "identifier": row["article_id"]},
        }
        if claim != row["text"]:
            item["text"] = row["text"]  # the sentence as it appeared, before the rewrite
        record: dict = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": claim,
            "author": {"@type": "Organization", "name": author},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": CLAIMREVIEW_RATINGS[row["label"]],
                "bestRating": max(CLAIMREVIEW_RATINGS.values()),
                "worstRating": min(CLAIMREVIEW_RATINGS.values()),
                "alternateName": row["label"],
            },
            "itemReviewed": item,
            "identifier": row["sentence_id"],
        }
        if _explanation(row):
            record["reviewRating"]["ratingExplanation"] = _explanation(row)
        if row["date"]:
            record["datePublished"] = row["date"]
        citations = []
        for evidence in _evidence(row):
            cited = {"@type": "CreativeWork", "url": evidence.url, "genre": evidence.source_type}
            if evidence.quote:
                cited["text"] = evidence.quote
            if evidence.archived_url:
                cited["archivedAt"] = evidence.archived_url
            citations.append(cited)
        if citations:
            record["citation"] = citations
        records.append(record)
    return records


def fever_records(verdicts: pd.DataFrame) -> list[dict]:
    """FEVER-style records: id (the sentence id), verifiable, label, claim (the rewrite, else
    the sentence) and evidence: one evidence set holding each source as FEVER's
    ``[annotation_id, evidence_id, page, sentence_id]`` with the URL as the page (the ids
    are null: the sources are web pages, not Wikipedia sentences), ``[]`` for none."""
    records = []
    for row in verdicts.to_dict("records"):
        items = _evidence(row)
        records.append(
            {
                "id": row["sentence_id"],
                "verifiable": (
                    "NOT VERIFIABLE" if row["label"] == "NOT ENOUGH INFO" else "VERIFIABLE"
                ),
                "label": row["label"],
                "claim": _claim(row),
                "evidence": [[[None, None, item.url, None] for item in items]] if items else [],
            }
        )
    return records


def averitec_records(verdicts: pd.DataFrame) -> list[dict]:
    """AVeriTeC-style records: claim (the rewrite, else the sentence), label, justification
    (else the notes), evidence (url, quote, source_type, accessed, archived_url per item) and
    questions ([]: factcheck collects sources, not question-answer pairs)."""
    return [
        {
            "claim": _claim(row),
            "claim_date": row["date"],
            "label": row["label"],
            "justification": _explanation(row),
            "evidence": [
                {
                    "url": item.url,
                    "quote": item.quote,
                    "source_type": item.source_type,
                    "accessed": item.accessed,
                    "archived_url": item.archived_url,
                }
                for item in _evidence(row)
            ],
            "questions": [],
            "sentence": row["text"],
            "article_id": row["article_id"],
            "sentence_id": row["sentence_id"],
        }
        for row in verdicts.to_dict("records")
    ]


def export_frame(df: pd.DataFrame, to: str) -> pd.DataFrame:
    """The rows an export writes (before text serialisation): tidy for csv/jsonl/parquet,
    verdict rows (``VERDICT_COLUMNS``) for the formats of ``VERDICT_LABELS``."""
    if to == "checkthat":
        return to_checkthat(df)
    if to in VERDICT_LABELS:
        return to_verdicts(df, to)
    return to_tidy(df)


def export_annotations(
    files: Sequence[str | os.PathLike[str]],
    to: str,
    out: str | os.PathLike[str],
    *,
    spreadsheet_safe: bool = False,
    corpus: str | os.PathLike[str] | None = None,
) -> int:
    """Read logs and write them as ``to`` (one of ``FORMATS``); returns rows written.

    ``corpus`` (label-studio, doccano, claimbuster): the corpus the sentences come from, so
    unlabelled ones are written too, with the columns an import kept (``read_corpus_items``).
    """
    to = FORMAT_ALIASES.get(to, to)
    if to not in FORMATS:
        raise InputError(f"Unknown export format {to!r}. Use one of: {', '.join(FORMATS)}.")
    if corpus is not None and to not in TOOL_FORMATS:
        raise InputError(
            f"--corpus applies to the {', '.join(TOOL_FORMATS)} exports only. Drop the option "
            "or export with one of those."
        )
    if spreadsheet_safe and to not in ("csv", "checkthat", "checkthat-worthiness", "claimbuster"):
        raise InputError(
            "--spreadsheet-safe applies to the csv, claimbuster and checkthat exports only "
            "(checkthat and checkthat-worthiness; the other formats are not opened in "
            "spreadsheets). Drop the option or export with --to csv."
        )
    target = Path(out).expanduser()
    gold_inputs = [item for item in files if _is_gold(item)]
    if gold_inputs and to in TOOL_FORMATS:
        raise InputError(
            f"{gold_inputs[0]} is a gold standard; the {to} export takes annotation logs. "
            "Export the logs, or the gold standard --to csv, jsonl, parquet or a verdict format."
        )
    if gold_inputs and len(gold_inputs) == len(files):
        return _export_gold(files, to, target, spreadsheet_safe=spreadsheet_safe)
    if gold_inputs:
        raise InputError(
            f"{gold_inputs[0]} is a gold standard, the other inputs are annotation logs. Export "
            "either the gold standard files or the logs, not both at once."
        )
    inputs = {path.resolve() for path in log_files(files)}
    if target.resolve() in inputs:
        raise InputError(
            f"{target} is one of the logs being exported; choose another output file so the "
            "log is not overwritten."
        )
    if corpus is not None and target.resolve() == Path(corpus).expanduser().resolve():
        raise InputError(f"{target} is the corpus given; choose another output file.")
    if to in TOOL_FORMATS:
        return _export_tool(read_annotations(files), to, target, spreadsheet_safe, corpus)
    frame = export_frame(read_annotations(files), to)
    write_frame(frame, to, target, spreadsheet_safe=spreadsheet_safe)
    return len(frame)


def _export_tool(
    df: pd.DataFrame,
    to: str,
    target: Path,
    spreadsheet_safe: bool,
    corpus: str | os.PathLike[str] | None,
) -> int:
    """Write a Label Studio, doccano or ClaimBuster file (``factcheck.interchange``)."""
    from .imports import read_corpus_items

    _check_current(df)
    items = None if corpus is None else read_corpus_items(corpus)
    if to == "claimbuster":
        rows = claimbuster_rows(df, items)
        if spreadsheet_safe:  # numbers such as Verdict -1 or Sentiment -0.4 stay numbers
            numeric = rows.apply(lambda column: column.str.fullmatch(_NUMBER))
            rows = protect_frame(rows).where(~numeric, rows)
        _atomic_write(target, lambda p: _with_text(p, lambda h: _write_csv(rows, h, bom=False)))
        return len(rows)
    if to == "doccano":
        records = doccano_records(df, items)
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        _atomic_write(target, lambda p: _with_text(p, lambda h: h.write(lines)))
        return len(records)
    tasks = label_studio_tasks(df, items)
    data = json.dumps(tasks, ensure_ascii=False, indent=2) + "\n"
    _atomic_write(target, lambda p: _with_text(p, lambda h: h.write(data)))
    return len(tasks)


def _is_gold(item: str | os.PathLike[str]) -> bool:
    from .gold import is_gold_file

    return is_gold_file(item)


def gold_to_checkthat(
    gold: pd.DataFrame, mapping: Mapping[str, str] = CHECKTHAT_LABELS
) -> pd.DataFrame:
    """CheckThat! rows of a gold standard (``factcheck.gold``): each decided sentence's final
    label mapped to OBJ/SUBJ; unresolved sentences and unmapped labels left out, with a warning.
    """
    decided = gold[gold["label"] != ""]
    if len(decided) < len(gold):
        warnings.warn(
            f"CheckThat! export: {len(gold) - len(decided)} unresolved sentence(s) of the gold "
            "standard were left out. Adjudicate them and export again.",
            InputWarning,
            stacklevel=2,
        )
    unmapped = sorted(set(decided["label"]) - set(mapping))
    if unmapped:
        warnings.warn(
            f"CheckThat! export: labels {', '.join(map(repr, unmapped))} have no OBJ/SUBJ "
            "mapping; their sentences were left out. Pass mapping= to include them.",
            InputWarning,
            stacklevel=2,
        )
    decided = decided[decided["label"].isin(list(mapping))]
    out = pd.DataFrame(
        {
            "sentence_id": decided["sentence_id"].astype("str"),
            "sentence": decided["text"].astype("str"),
            "label": decided["label"].map(dict(mapping)).astype("str"),
        }
    )
    for name in ("sentence_id", "sentence"):
        out[name] = out[name].str.replace(_TSV_BREAKS.pattern, " ", regex=True)
    return out.reset_index(drop=True)


def _export_gold(
    files: Sequence[str | os.PathLike[str]], to: str, target: Path, *, spreadsheet_safe: bool
) -> int:
    """Export gold standard files (from ``factcheck gold``) as ``to``; returns rows written."""
    from .gold import read_gold

    if any(target.resolve() == Path(item).expanduser().resolve() for item in files):
        raise InputError(
            f"{target} is the gold standard being exported; choose another output file."
        )
    frame = pd.concat([read_gold(item) for item in files], ignore_index=True)
    if to == "checkthat":
        frame = gold_to_checkthat(frame)
    elif to in VERDICT_LABELS:
        frame = gold_to_verdicts(frame, to)
    write_frame(frame, to, target, spreadsheet_safe=spreadsheet_safe)
    return len(frame)


def write_frame(
    frame: pd.DataFrame,
    to: str,
    target: str | os.PathLike[str],
    *,
    spreadsheet_safe: bool = False,
    scheme: LabelScheme = DEFAULT_SCHEME,
) -> None:
    """Write export rows as ``to`` atomically; datetimes as ISO 8601 text in csv/jsonl.

    A gold standard (a ``decided_by`` column) goes to Parquet with ``label_id`` and the
    ``datasets`` features (see ``factcheck.gold.parquet_table``).
    """
    target = Path(target)
    if to in ("csv", "jsonl"):
        dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        text = frame.assign(**{c: _iso(frame[c]) for c in dates})
    if to == "csv":
        safe = spreadsheet_safe
        text = neutralise_formulas(text) if safe else text
        _atomic_write(target, lambda p: _with_text(p, lambda h: _write_csv(text, h, bom=safe)))
    elif to == "jsonl":
        _atomic_write(target, lambda p: _with_text(p, lambda h: _write_jsonl(text, h)))
    elif to == "parquet" and "decided_by" in frame.columns:
        import pyarrow.parquet as pq

        from .gold import parquet_table

        table = parquet_table(frame, scheme)
        _atomic_write(target, lambda p: pq.write_table(table, p))
    elif to == "parquet":
        _atomic_write(target, lambda p: frame.to_parquet(p, index=False, engine="pyarrow"))
    elif to == "checkthat-worthiness":
        rows = to_worthiness(frame)
        rows = protect_frame(rows) if spreadsheet_safe else rows
        _atomic_write(target, lambda p: _with_text(p, lambda h: _write_tsv(rows, h)))
    elif to in ("claimreview", "averitec"):
        records = claimreview_records(frame) if to == "claimreview" else averitec_records(frame)
        # "<" as \u003c: the same JSON, but safe to paste into <script type="application/ld+json">
        data = json.dumps(records, ensure_ascii=False, indent=2).replace("<", "\\u003c") + "\n"
        _atomic_write(target, lambda p: _with_text(p, lambda h: h.write(data)))
    elif to == "fever":
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in fever_records(frame))
        _atomic_write(target, lambda p: _with_text(p, lambda h: h.write(lines)))
    else:  # the official layout by default; protected cells only when asked for
        rows = protect_frame(frame) if spreadsheet_safe else frame
        _atomic_write(target, lambda p: _with_text(p, lambda h: _write_checkthat(rows, h)))


def _with_text(path: Path, write: Callable[[object], None]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write(handle)
