"""The gold standard: one final label per sentence, from the votes and the adjudicators' decisions.

``gold(logs, adjudications)`` counts the annotators' current labels with
``factcheck.exports.adjudicate``, lets a decision from the decisions log win over the votes,
and reports every row's provenance (schema ``factcheck-gold/1``, documented in
``annotations/README.md``). ``annotator_quality`` scores each annotator against it through
``factcheck.agreement`` with the gold standard as one more rater.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .agreement import agreement
from .errors import InputError
from .labels import DEFAULT_SCHEME, LabelScheme

# The log, exports and adjudication modules are imported where they are used: ``factcheck``
# imports this module eagerly (its name is also a function), so it must stay light.

GOLD_SCHEMA_ID = "factcheck-gold/1"
POLICIES: tuple[str, ...] = ("strict", "plurality")
DECIDED_BY: tuple[str, ...] = ("unanimous", "majority", "adjudicated", "unresolved")
GOLD_RATER = "(gold)"
"""The name the gold standard has as a rater in ``with_gold_rater`` and ``agreement``."""
GOLD_FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")

Logs = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def _describe(logs: Logs) -> str:
    items = [logs] if isinstance(logs, (str, os.PathLike)) else list(logs)
    return ", ".join(str(item) for item in items) or "(no paths)"


def gold(
    logs: Logs,
    adjudications: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    *,
    policy: Literal["strict", "plurality"] = "strict",
    keep_unresolved: bool = True,
    scheme: LabelScheme = DEFAULT_SCHEME,
) -> pd.DataFrame:
    """One row per sentence with its final label, how it was decided, the votes and provenance.

    ``decided_by`` is ``unanimous`` (every annotator gave the label; also a sentence only one
    annotator labelled, see ``n_annotators``), ``majority`` (``strict``: more than half of the
    annotators who labelled the sentence; ``plurality``: more votes than any other label; a
    tie is never a majority), ``adjudicated`` (a decision in ``adjudications``, which wins
    over the votes) or ``unresolved`` (no majority, a decision to leave it open, or
    adjudicators who disagree: ``conflict`` names them). ``agreement`` is the share of
    annotators who chose the most frequent label; ``n_flagged`` counts the annotators who
    flagged the sentence for discussion. Raises InputError for logs of another
    scheme, a sentence whose text differs between logs, or a decision naming a sentence no
    log contains; nothing is written.
    """
    from .adjudication import SCHEMA_ID as ADJUDICATION_SCHEMA_ID
    from .adjudication import read_decisions
    from .exports import adjudicate, settled_support, vote_column, with_support
    from .log import SCHEMA_ID as LOG_SCHEMA_ID
    from .log import annotator_key, log_files, log_groups, read_annotations

    if policy not in POLICIES:
        raise InputError(f"Unknown policy {policy!r}. Use one of: {', '.join(POLICIES)}.")
    files = log_files(logs)
    if not files:
        raise InputError(
            f"{_describe(logs)}: no annotation logs (*.csv) found. Point it at the folder of "
            "the annotators' CSV files (e.g. annotations/)."
        )
    schemes = (scheme,) if scheme.id == DEFAULT_SCHEME.id else (scheme, DEFAULT_SCHEME)
    history = pd.concat(
        [
            read_annotations(group, history=True, schemes=schemes).assign(log_file=str(group[0]))
            for group in log_groups(files)  # a log and its continuation: read once, together
        ],
        ignore_index=True,
    )
    if history.empty:
        raise InputError(
            f"{_describe(logs)}: the logs hold no labels yet, so there is no gold standard to "
            "make. Label some sentences first."
        )
    _check_scheme(history, scheme)
    current = read_annotations(files, schemes=schemes)
    if current.empty:
        raise InputError(
            f"{_describe(logs)}: every label in the logs was cleared, so there is no gold "
            "standard to make. Label some sentences first."
        )
    names = {*pd.unique(history["annotator"]), *pd.unique(current["annotator"])}
    keys_of = {name: annotator_key(name) for name in names}
    history["_person"] = history["annotator"].map(keys_of)  # once per name, not per row
    current = current.assign(_person=current["annotator"].map(keys_of))
    latest = history.sort_values("timestamp", kind="stable").drop_duplicates(
        ["_person", "article_id", "sentence_id"], keep="last"
    )
    current = current.merge(
        latest[["_person", "article_id", "sentence_id", "log_file"]],
        on=["_person", "article_id", "sentence_id"],
        how="left",
    )
    _check_same_text(current)

    labels = list(scheme.names)
    votes = adjudicate(current.drop(columns=["_person", "log_file"]), labels=labels)
    counts = votes[[vote_column(label) for label in labels]].to_numpy()
    chosen, decided_by = vote_outcome(counts, labels, policy)
    out = votes.copy()
    out["decided_by"] = decided_by
    out["label"] = chosen
    out["majority_label"] = out["label"]  # what the votes alone give, kept after adjudication
    out["n_annotators"] = out["n_votes"]
    keys = ["article_id", "sentence_id"]
    per_sentence = current.groupby(keys, sort=False).agg(
        source=("source", "first"),
        scheme=("scheme", "first"),
        n_flagged=("flagged", "sum"),
    )
    per_sentence["n_flagged"] = per_sentence["n_flagged"].astype("int64")
    per_sentence["annotators"] = _who_labelled(current, keys).reindex(per_sentence.index)
    last_event = history.groupby(keys, sort=False)["timestamp"].max().rename("last_event")
    out = out.join(per_sentence, on=keys).join(last_event, on=keys)
    for name in ("adjudicator", "reason", "comment", "conflict"):
        out[name] = ""
    if adjudications is not None:
        out = _apply_decisions(out, read_decisions(adjudications), current, scheme, logs)
    out = with_support(out, settled_support(_settled_rows(current, out)))
    out["schema"] = GOLD_SCHEMA_ID
    out["log_schema"] = LOG_SCHEMA_ID
    out["adjudication_schema"] = ADJUDICATION_SCHEMA_ID if adjudications is not None else ""
    if not keep_unresolved:
        out = out[out["decided_by"] != "unresolved"]
    columns = gold_columns(labels)
    out = out[columns].reset_index(drop=True)
    for name in ("label", "majority_label", "decided_by"):
        out[name] = out[name].astype("str")
    return out


def _settled_rows(current: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """The annotators' rows whose label is the one the gold standard settled on: their
    claim, justification and evidence become the gold row's (an adjudicated label that no
    annotator gave carries none; the adjudicator's comment says why)."""
    final = out.loc[out["label"] != "", ["article_id", "sentence_id", "label"]]
    return current.drop(columns=["_person", "log_file"], errors="ignore").merge(
        final, on=["article_id", "sentence_id", "label"], how="inner"
    )


def vote_outcome(
    counts: np.ndarray, labels: Sequence[str], policy: str = "strict"
) -> tuple[np.ndarray, np.ndarray]:
    """(label, decided_by) per row of a sentences x labels vote-count matrix, by the votes alone.

    ``unanimous``: every vote for one label; ``majority``: under ``strict`` more than half of
    the votes, under ``plurality`` more votes than any other label; else ``unresolved`` with
    label "". A tie is never a majority; a row without votes is unresolved.
    """
    counts = np.asarray(counts, dtype=np.int64).reshape(-1, len(labels))
    n = counts.sum(axis=1)
    top = counts.max(axis=1) if len(labels) else np.zeros(len(counts), dtype=np.int64)
    winners = (counts == top[:, None]).sum(axis=1)
    unanimous = (top == n) & (n > 0)
    if policy == "strict":
        majority = ~unanimous & (2 * top > n)
    else:
        majority = ~unanimous & (winners == 1) & (n > 0)
    names = np.asarray(labels, dtype=object)
    best = names[counts.argmax(axis=1)] if len(labels) else np.full(len(counts), "", object)
    decided = unanimous | majority
    label = np.where(decided, best, "").astype(object)
    decided_by = np.select([unanimous, majority], ["unanimous", "majority"], "unresolved")
    return label, decided_by.astype(object)


def gold_columns(labels: Sequence[str]) -> list[str]:
    """The columns of a gold standard with these labels, in file order."""
    from .exports import vote_column

    return [
        "schema",
        "article_id",
        "sentence_id",
        "sentence_index",
        "start",
        "end",
        "text",
        "label",
        "decided_by",
        "majority_label",
        "n_annotators",
        "n_votes",
        *(vote_column(label) for label in labels),
        "agreement",
        "n_flagged",
        "annotators",
        "adjudicator",
        "reason",
        "comment",
        "conflict",
        "claim",
        "justification",
        "evidence",
        "source",
        "scheme",
        "log_schema",
        "adjudication_schema",
        "last_event",
    ]


def _who_labelled(current: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per sentence, the annotators who labelled it ("ana, ben"), in ``annotator_key`` order.

    Sentences are grouped by which set of annotators labelled them (a bit mask, summed per
    sentence), so the names are joined once per distinct set, not once per sentence.
    """
    people = sorted(pd.unique(current["_person"]))
    names = current.drop_duplicates("_person").set_index("_person")["annotator"]
    if len(people) > 62:  # no bit mask fits: join per sentence
        ordered = current.sort_values("_person", kind="stable")
        return ordered.groupby(keys, sort=False)["annotator"].agg(", ".join)
    bit = current["_person"].map({p: 1 << i for i, p in enumerate(people)}).astype("int64")
    masks = bit.groupby([current[k] for k in keys], sort=False).sum()
    text = {
        int(mask): ", ".join(str(names[p]) for i, p in enumerate(people) if int(mask) >> i & 1)
        for mask in pd.unique(masks)
    }
    return masks.map(text).astype("str")


def _check_scheme(history: pd.DataFrame, scheme: LabelScheme) -> None:
    """Raise InputError unless every log row uses ``scheme``, naming the files that differ."""
    found = history.drop_duplicates(["log_file", "scheme"])
    other = found[found["scheme"] != scheme.id]
    if other.empty:
        return
    by_file = "; ".join(
        f"{f} uses {s}" for f, s in zip(found["log_file"], found["scheme"], strict=True)
    )
    raise InputError(
        f"The logs use different label schemes ({by_file}); a gold standard needs one scheme, "
        f"{scheme.id} here. Make the gold standard of each scheme's logs separately, or pass "
        "the logs' scheme (scheme=load_scheme('scheme.json'), --scheme scheme.json)."
    )


def _where(path: str, sentence_id: str) -> str:
    """``file, line N`` of the last row about ``sentence_id`` in a log or, after it, its
    continuation (for an error message)."""
    from .log import COLUMNS as LOG_COLUMNS
    from .log import csv_records, files_of

    column = LOG_COLUMNS.index("sentence_id")  # the same in /1 and /2 rows
    where = f"{path}, line 0"
    for file in files_of(path) or [Path(path)]:
        text = file.read_text(encoding="utf-8", errors="replace")
        for number, fields_ in csv_records(text):
            if len(fields_) > column and fields_[column] == sentence_id:
                where = f"{file}, line {number}"
    return where


def _check_same_text(current: pd.DataFrame) -> None:
    """Raise InputError if one sentence has different text or offsets in two logs."""
    keys = ["article_id", "sentence_id"]
    shape = current[[*keys, "start", "end", "text"]].drop_duplicates()
    split = shape[shape.duplicated(keys, keep=False)]
    if split.empty:
        return
    first = split.iloc[0]
    rows = current[
        (current["article_id"] == first["article_id"])
        & (current["sentence_id"] == first["sentence_id"])
    ]
    a = rows.iloc[0]
    b = rows[(rows["text"] != a["text"]) | (rows["start"] != a["start"])].iloc[0]
    sid = str(first["sentence_id"])
    raise InputError(
        f"{_where(a['log_file'], sid)} and {_where(b['log_file'], sid)}: sentence {sid!r} "
        "differs between the logs "
        f"({a['text']!r} at {a['start']}-{a['end']} vs {b['text']!r} at {b['start']}-{b['end']}). "
        "The article changed between annotation rounds; the gold standard never merges such "
        "labels. Relabel the sentence on the current article, or make a gold standard per round."
    )


def _apply_decisions(
    out: pd.DataFrame,
    decisions: pd.DataFrame,
    current: pd.DataFrame,
    scheme: LabelScheme,
    logs: Logs,
) -> pd.DataFrame:
    """Let the adjudicators' decisions win over the votes; a conflict leaves the row open.

    Checked first, all at once: the decision's scheme and label, that a log has its sentence
    (in its article, if it names one) and, if it recorded the text, the same text.
    """
    from .log import annotator_key

    if decisions.empty:
        return out
    d = decisions.reset_index(drop=True)

    def where(i: int) -> str:
        return f"{d.at[i, 'file']}, line {d.at[i, 'line']}"

    bad = d.index[d["scheme"] != scheme.id]
    if len(bad):
        i = int(bad[0])
        raise InputError(
            f"{where(i)}: the decision uses label scheme {d.at[i, 'scheme']}, the logs "
            f"{scheme.id}. Adjudicate with the logs' scheme (DecisionLog(..., scheme=...))."
        )
    bad = d.index[(d["label"] != "") & ~d["label"].isin(list(scheme.names))]
    if len(bad):
        i = int(bad[0])
        raise InputError(
            f"{where(i)}: unknown label {d.at[i, 'label']!r}. Known labels: "
            f"{', '.join(scheme.names)}. Decide again with one of them."
        )
    rows = out[["article_id", "sentence_id", "text"]].reset_index(names="_row")
    pairs = d.reset_index(names="_decision").merge(
        rows, on="sentence_id", how="left", suffixes=("", "_log")
    )
    pairs = pairs[
        pairs["_row"].isna() | (pairs["article_id"] == "")
        | (pairs["article_id"] == pairs["article_id_log"])
    ]  # fmt: skip
    found = pairs.dropna(subset=["_row"]).groupby("_decision").size()
    missing = d.index.difference(found.index)
    if len(missing):
        i = int(missing[0])
        raise InputError(
            f"{where(i)}: {d.at[i, 'adjudicator']} decided on sentence "
            f"{d.at[i, 'sentence_id']!r}, which no log in {_describe(logs)} contains. Check "
            "the sentence id, or pass the logs the decision was made on."
        )
    if (found > 1).any():
        i = int(found.index[found > 1][0])
        raise InputError(
            f"{where(i)}: sentence {d.at[i, 'sentence_id']!r} is in several articles; decide "
            "with article_id=... so the decision names one."
        )
    pairs = pairs.dropna(subset=["_row"]).astype({"_row": "int64"})
    changed = pairs[(pairs["text"] != "") & (pairs["text"] != pairs["text_log"])]
    if len(changed):
        first = changed.iloc[0]
        raise InputError(
            f"{where(int(first['_decision']))}: the decision was made on the text "
            f"{first['text']!r}, but the logs have {first['text_log']!r} for sentence "
            f"{first['sentence_id']!r}: the article changed. Adjudicate the sentence again on "
            "the current text."
        )
    pairs = pairs.assign(
        _key=pairs["adjudicator"].map(annotator_key),
        _stamp=pd.to_datetime(pairs["timestamp"], utc=True, format="ISO8601"),
    ).sort_values(["_row", "_key"], kind="stable")
    out = out.copy()
    groups = pairs.groupby("_row", sort=True)
    n = groups.size()
    single = pairs[pairs["_row"].isin(n.index[n == 1])].set_index("_row")
    at = single.index
    out.loc[at, "adjudicator"] = single["adjudicator"]
    out.loc[at, "reason"] = single["reason"]
    out.loc[at, "comment"] = single["comment"]
    out.loc[at, "label"] = single["label"]
    out.loc[at, "decided_by"] = np.where(single["label"] != "", "adjudicated", "unresolved")
    for row, group in pairs[pairs["_row"].isin(n.index[n > 1])].groupby("_row", sort=True):
        out.at[row, "adjudicator"] = ", ".join(group["adjudicator"])
        out.at[row, "reason"] = "; ".join(dict.fromkeys(group["reason"]))
        out.at[row, "comment"] = "; ".join(
            f"{name}: {comment}"
            for name, comment in zip(group["adjudicator"], group["comment"], strict=True)
            if comment
        )
        chosen = set(group["label"])
        if len(chosen) > 1:
            out.at[row, "label"] = ""
            out.at[row, "decided_by"] = "unresolved"
            out.at[row, "conflict"] = "; ".join(
                f"{name}: {label or '(unresolved)'}"
                for name, label in zip(group["adjudicator"], group["label"], strict=True)
            )
        else:
            label = chosen.pop()
            out.at[row, "label"] = label
            out.at[row, "decided_by"] = "adjudicated" if label else "unresolved"
    latest = groups["_stamp"].max()
    out.loc[latest.index, "last_event"] = np.maximum(
        out.loc[latest.index, "last_event"].to_numpy(), latest.to_numpy()
    )
    return out


QUEUE_INCLUDE: tuple[str, ...] = ("disputed", "all")
QUEUE_ORDER: tuple[str, ...] = ("agreement", "reading")


def adjudication_queue(
    gold_frame: pd.DataFrame,
    *,
    include: Literal["disputed", "all"] = "disputed",
    order: Literal["agreement", "reading"] = "agreement",
) -> pd.DataFrame:
    """The sentences an adjudicator should look at, from a ``gold`` frame, in queue order.

    ``include="disputed"``: any disagreement (``agreement`` below 1), anything flagged for
    discussion (``n_flagged``) and every adjudicators' conflict; ``"all"``: every sentence.
    ``order="agreement"``: lowest agreement first, then reading order; ``"reading"``: article
    by article, sentence by sentence. Sentences already decided stay in the queue (their
    ``decided_by`` says so), so a second adjudicator sees them too.
    """
    if include not in QUEUE_INCLUDE:
        raise InputError(f"include must be one of {', '.join(QUEUE_INCLUDE)}, not {include!r}.")
    if order not in QUEUE_ORDER:
        raise InputError(f"order must be one of {', '.join(QUEUE_ORDER)}, not {order!r}.")
    rows = gold_frame
    if include == "disputed":
        rows = rows[(rows["agreement"] < 1) | (rows["n_flagged"] > 0) | (rows["conflict"] != "")]
    by = ["article_id", "sentence_index", "sentence_id"]
    by = ["agreement", *by] if order == "agreement" else by
    return rows.sort_values(by, kind="stable").reset_index(drop=True)


# --- files ------------------------------------------------------------------------------------


def gold_format(path: str | os.PathLike[str]) -> str:
    """``csv``, ``jsonl`` or ``parquet`` from a file name; InputError for anything else."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in GOLD_FORMATS:
        raise InputError(
            f"{path}: cannot tell the format from {Path(path).suffix or 'no extension'!r}. "
            "Name the output gold.csv, gold.jsonl or gold.parquet."
        )
    return fmt


def hf_features(schema, scheme: LabelScheme = DEFAULT_SCHEME) -> dict:
    """The Hugging Face ``datasets`` features (as a dict) of a gold table's Arrow schema.

    Stored in the Parquet schema's ``huggingface`` metadata, so ``load_dataset("parquet")``
    gives ``label_id`` as a ``ClassLabel`` over the scheme's labels (-1: unresolved), and
    neither factcheck nor ``datasets`` is needed to write it.
    """
    import pyarrow as pa

    features: dict[str, dict] = {}
    for field in schema:
        if field.name == "label_id":
            features[field.name] = {"names": list(scheme.names), "_type": "ClassLabel"}
            continue
        kind = field.type
        if pa.types.is_timestamp(kind):
            value = (
                f"timestamp[{kind.unit}, tz={kind.tz}]" if kind.tz else f"timestamp[{kind.unit}]"
            )
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            value = "string"
        else:
            value = str(kind)
        features[field.name] = {"dtype": value, "_type": "Value"}
    return features


def parquet_table(frame: pd.DataFrame, scheme: LabelScheme = DEFAULT_SCHEME):
    """A pyarrow table of a gold frame plus ``label_id``, with ``datasets`` features metadata."""
    import pyarrow as pa

    out = frame.copy()
    index = {name: i for i, name in enumerate(scheme.names)}
    position = out.columns.get_loc("label") + 1
    out.insert(position, "label_id", out["label"].map(lambda v: index.get(v, -1)).astype("int64"))
    table = pa.Table.from_pandas(out, preserve_index=False)
    schema = pa.schema(
        [
            pa.field(f.name, pa.string()) if pa.types.is_large_string(f.type) else f
            for f in table.schema
        ]
    )
    table = table.cast(schema).replace_schema_metadata(None)
    features = json.dumps({"info": {"features": hf_features(table.schema, scheme)}})
    return table.replace_schema_metadata({b"huggingface": features.encode()})


def write_gold(
    frame: pd.DataFrame,
    out: str | os.PathLike[str],
    *,
    spreadsheet_safe: bool = False,
    scheme: LabelScheme = DEFAULT_SCHEME,
) -> Path:
    """Write a gold frame as csv, jsonl or parquet (by the file name), atomically."""
    from .exports import write_frame

    target = Path(out).expanduser()
    fmt = gold_format(target)
    if spreadsheet_safe and fmt != "csv":
        raise InputError(
            "--spreadsheet-safe applies to CSV only (the other formats are not opened in "
            "spreadsheets). Drop the option or write gold.csv."
        )
    write_frame(frame, fmt, target, spreadsheet_safe=spreadsheet_safe, scheme=scheme)
    return target


def is_gold_file(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a gold standard that ``write_gold`` wrote (any of its formats)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return "decided_by" in pq.read_schema(path).names
        if fmt not in ("csv", "jsonl") or not path.is_file():
            return False
        with path.open("rb") as handle:
            head = handle.readline(1 << 16).decode("utf-8", "replace").lstrip("\ufeff")
    except (OSError, ValueError):
        return False
    if fmt == "csv":
        return head.startswith("schema,") and "decided_by" in head.split(",")
    return f'"schema": "{GOLD_SCHEMA_ID}"' in head


def read_gold(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a gold standard file back (csv, jsonl or parquet); cells protected for
    spreadsheets (a CSV with a byte-order mark) are restored. Raises InputError naming the
    file (and line or row) for a file that is not a readable gold standard."""
    path = Path(path)
    fmt = gold_format(path)
    try:
        frame = _read_gold_frame(path, fmt)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            f"{path}: cannot be read as a gold standard ({type(exc).__name__}: {exc}). Make "
            f"it again with `factcheck gold LOGS -o {path.name}`."
        ) from None
    return frame


def _read_gold_frame(path: Path, fmt: str) -> pd.DataFrame:
    from .log import CsvRecordError, csv_records
    from .spreadsheet import unprotect_cell

    where = "row" if fmt == "parquet" else "line"
    if fmt == "parquet":
        frame = pd.read_parquet(path).drop(columns=["label_id"], errors="ignore")
    elif fmt == "jsonl":
        records = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}, line {number}: not a JSON object ({exc}).") from None
        frame = pd.DataFrame(records)
    else:
        text = path.read_bytes().decode("utf-8")
        protected = text.startswith("\ufeff")
        try:
            rows = csv_records(text.removeprefix("\ufeff"))
        except CsvRecordError as exc:
            raise InputError(f"{path}, line {exc.line}: cannot be parsed as CSV.") from None
        header = rows[0][1] if rows else []
        short = [line for line, r in rows[1:] if len(r) != len(header)]
        if short:
            raise InputError(
                f"{path}, line {short[0]}: has a different number of fields than the header. "
                "Make the file again with `factcheck gold`."
            )
        frame = pd.DataFrame([r for _, r in rows[1:]], columns=header, dtype="str")
        if protected:
            frame = frame.map(unprotect_cell)
    missing = [
        c for c in ("schema", "decided_by", "label", "text", "sentence_id") if c not in frame
    ]
    if missing:
        raise InputError(
            f"{path}: not a gold standard (no {', '.join(missing)} column). Make one with "
            "`factcheck gold LOGS -o gold.csv`."
        )
    bad = frame.index[frame["schema"] != GOLD_SCHEMA_ID]
    if len(bad):
        row = int(bad[0]) + (2 if fmt == "csv" else 1)
        raise InputError(
            f"{path}, {where} {row}: schema {frame['schema'].iloc[bad[0]]!r} is not "
            f"{GOLD_SCHEMA_ID!r}. Make the file again with `factcheck gold`."
        )
    numbers = ["sentence_index", "start", "end", "n_annotators", "n_votes", "n_flagged"]
    for name in [*numbers, *(c for c in frame.columns if c.startswith("votes_"))]:
        frame[name] = pd.to_numeric(frame[name]).astype("int64")
    frame["agreement"] = pd.to_numeric(frame["agreement"]).astype("float64")
    frame["last_event"] = pd.to_datetime(frame["last_event"], utc=True, format="ISO8601")
    for name in frame.columns:
        if frame[name].dtype == object:
            frame[name] = frame[name].fillna("").astype("str")
    given = frame["evidence"].ne("") & frame["evidence"].ne("[]") if "evidence" in frame else []
    if len(given) and given.any():  # a hand-edited file may hold a javascript: or 10 KB URL
        from .evidence import evidence_problem

        for index, text in zip(frame.index[given], frame["evidence"][given], strict=True):
            problem = evidence_problem(text)
            if problem:
                row = int(index) + (2 if fmt == "csv" else 1)
                raise InputError(
                    f"{path}, {where} {row}: {problem} Make the file again with `factcheck gold`."
                )
    return frame


# --- annotator quality ------------------------------------------------------------------------


def with_gold_rater(annotations: pd.DataFrame, gold_frame: pd.DataFrame) -> pd.DataFrame:
    """The annotations plus the gold standard's decided labels as one more annotator,
    ``GOLD_RATER``, so ``agreement`` and ``charts`` compare anyone with gold unchanged."""
    from .log import annotator_key

    if (annotations["annotator"].map(annotator_key) == annotator_key(GOLD_RATER)).any():
        raise InputError(
            f"An annotator is called {GOLD_RATER!r}, the name the gold standard takes as a "
            "rater. Rename that annotator's log."
        )
    columns = ["annotator", "article_id", "sentence_id", "sentence_index", "label", "text"]
    columns += [c for c in ("scheme", "source", "start", "end") if c in annotations.columns]
    decided = gold_frame[gold_frame["label"] != ""]
    rater = decided.assign(annotator=GOLD_RATER)
    rater = rater[[c for c in columns if c in rater.columns]]
    out = pd.concat([annotations[columns], rater], ignore_index=True)
    return out


def annotator_quality(
    annotations: pd.DataFrame,
    gold_frame: pd.DataFrame,
    *,
    scheme: LabelScheme = DEFAULT_SCHEME,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Per annotator, agreement with the gold standard: accuracy and Cohen's kappa with CIs.

    Computed by ``factcheck.agreement`` on ``with_gold_rater``: ``accuracy`` is the pair's
    percent agreement, on the ``n`` sentences both labelled; ``note`` explains undefined values.
    """
    from .log import annotator_key

    table = agreement(
        with_gold_rater(annotations, gold_frame),
        labels=scheme.names,
        n_boot=n_boot,
        seed=seed,
    )
    pairs = table[(table["annotator_a"] == GOLD_RATER) | (table["annotator_b"] == GOLD_RATER)]
    pairs = pairs.assign(
        annotator=np.where(
            pairs["annotator_a"] == GOLD_RATER, pairs["annotator_b"], pairs["annotator_a"]
        )
    )
    rows = []
    for name, group in pairs.groupby("annotator", sort=False):
        by = group.set_index("measure")
        acc, kappa = by.loc["percent_agreement"], by.loc["cohen_kappa"]
        rows.append(
            {
                "annotator": name,
                "n": int(acc["n_items"]),
                "accuracy": acc["value"],
                "accuracy_ci_low": acc["ci_low"],
                "accuracy_ci_high": acc["ci_high"],
                "cohen_kappa": kappa["value"],
                "kappa_ci_low": kappa["ci_low"],
                "kappa_ci_high": kappa["ci_high"],
                "note": "; ".join(n for n in (acc["note"], kappa["note"]) if n),
            }
        )
    columns = [
        "annotator",
        "n",
        "accuracy",
        "accuracy_ci_low",
        "accuracy_ci_high",
        "cohen_kappa",
        "kappa_ci_low",
        "kappa_ci_high",
        "note",
    ]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("annotator", key=lambda s: s.map(annotator_key)).reset_index(drop=True)


def quality_before_after(
    annotations: pd.DataFrame,
    gold_before: pd.DataFrame,
    gold_after: pd.DataFrame,
    *,
    scheme: LabelScheme = DEFAULT_SCHEME,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Each annotator's accuracy and kappa against the votes-only gold (``gold(logs)``) and
    against the adjudicated one (``gold(logs, adjudications)``), side by side.

    The annotators' agreement with each other (``agreement(annotations)``) does not change
    with adjudication; what changes is the reference they are measured against.
    """
    before = annotator_quality(annotations, gold_before, scheme=scheme, n_boot=n_boot, seed=seed)
    after = annotator_quality(annotations, gold_after, scheme=scheme, n_boot=n_boot, seed=seed)
    keep = ["annotator", "n", "accuracy", "cohen_kappa"]
    return before[keep].merge(
        after[keep], on="annotator", how="outer", suffixes=("_before", "_after")
    )


def quality_chart(
    annotations: pd.DataFrame,
    gold_frame: pd.DataFrame,
    annotator: str,
    *,
    scheme: LabelScheme = DEFAULT_SCHEME,
):
    """The confusion matrix of one annotator against the gold standard (``charts``' heatmap)."""
    from .charts import confusion_heatmap

    return confusion_heatmap(
        with_gold_rater(annotations, gold_frame), annotator, GOLD_RATER, scheme=scheme
    )
