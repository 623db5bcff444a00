"""Gradebook export: one row per student in the columns an LMS gradebook import expects.

``gradebook(report)`` turns a ``ClassReport`` into ``student, score, maximum, percent,
articles done, last activity`` (score = right answers, maximum = key sentences with a right
answer); ``answers_sheet(report)`` lists every student's answer to every key sentence.
``write_grades`` saves both spreadsheet-safe (UTF-8 with a byte-order mark, formula-like
cells prefixed with ``'``), each file complete before it replaces an older one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ._atomic import write_bytes_atomic
from .agreement import ALL
from .classroom import AnswerKey, ClassReport, class_report
from .labels import DEFAULT_SCHEME, LabelScheme
from .log import annotator_key, format_row
from .roster import Roster
from .spreadsheet import protect_frame

PathLike = str | os.PathLike[str]

GRADE_COLUMNS = ("student", "score", "maximum", "percent", "articles done", "last activity")
ANSWER_COLUMNS = (
    "student",
    "article_id",
    "sentence_index",
    "sentence_id",
    "text",
    "answer",
    "expected",
    "correct",
)


def _last_activity(labels: pd.DataFrame) -> dict[str, str]:
    """Student -> the time of their latest current answer, ``YYYY-MM-DD HH:MM:SS`` UTC."""
    if labels.empty:
        return {}
    last = labels.groupby("annotator")["timestamp"].max()
    return {str(name): f"{ts:%Y-%m-%d %H:%M:%S}" for name, ts in last.items() if pd.notna(ts)}


def gradebook(report: ClassReport, roster: Roster | None = None) -> pd.DataFrame:
    """One row per student: right answers, the maximum, percent (0-100, one decimal), how many
    key articles they answered completely, and their last activity (UTC; "" if none).

    With a ``roster`` its students who saved nothing get a row of zeros too (a gradebook
    import wants every student), under the roster's spelling of their name.
    """
    scores = report.scores
    whole = scores.loc[scores["article_id"] == ALL].set_index("student")
    per = scores.loc[(scores["article_id"] != ALL) & (scores["in_key"] > 0)]
    done = (per["answered"] >= per["in_key"]).groupby(per["student"]).sum()
    last = report.last_activity or _last_activity(report.labels)
    students = list(whole.index)
    if roster is not None:
        seen = {annotator_key(name) for name in students}
        students += [name for name in roster.names if annotator_key(name) not in seen]
    in_key = int(report.key.to_frame()["label"].ne("").sum())
    score = whole["correct"].reindex(students).fillna(0).astype("int64")
    maximum = whole["in_key"].reindex(students).fillna(in_key).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(maximum > 0, (100 * score / maximum.where(maximum > 0, 1)).round(1), 0.0)
    return pd.DataFrame(
        {
            "student": pd.Series(students, dtype="str"),
            "score": score.to_numpy(),
            "maximum": maximum.to_numpy(),
            "percent": percent,
            "articles done": done.reindex(students).fillna(0).astype("int64").to_numpy(),
            "last activity": [last.get(name, "") for name in students],
        },
        columns=list(GRADE_COLUMNS),
    )


def answers_sheet(report: ClassReport) -> pd.DataFrame:
    """Every student x every key sentence: their answer ("" if none), the key's, correct.

    ``correct`` is "yes"/"no", and "" when the student did not answer or the key has no
    single right answer; sentences are in the key's order.
    """
    key = report.key.to_frame()
    key = key[["article_id", "sentence_index", "sentence_id", "text", "label"]]
    key = key.rename(columns={"label": "expected"})
    grid = pd.MultiIndex.from_product(
        [list(report.students), key["sentence_id"]], names=["student", "sentence_id"]
    ).to_frame(index=False)
    given = report.labels[["annotator", "sentence_id", "label"]].rename(
        columns={"annotator": "student", "label": "answer"}
    )
    out = grid.merge(key, on="sentence_id", how="left").merge(
        given, on=["student", "sentence_id"], how="left"
    )
    out["answer"] = out["answer"].fillna("").astype("str")
    answered = (out["answer"] != "") & (out["expected"] != "")
    out["correct"] = np.where(answered, np.where(out["answer"] == out["expected"], "yes", "no"), "")
    return out[list(ANSWER_COLUMNS)].reset_index(drop=True)


def _csv_bytes(table: pd.DataFrame) -> bytes:
    safe = protect_frame(table)
    lines = ["\ufeff" + format_row(safe.columns)]
    for row in safe.itertuples(index=False):
        lines.append(format_row("" if pd.isna(value) else value for value in row))
    return "".join(lines).encode("utf-8")


def write_grades(
    key: AnswerKey | PathLike,
    students: PathLike | Iterable[PathLike],
    out: PathLike,
    *,
    answers: PathLike | None = None,
    scheme: LabelScheme = DEFAULT_SCHEME,
    roster: Roster | None = None,
) -> ClassReport:
    """Score the class folder now and save the gradebook (and the answers sheet) CSVs.

    Both files are built in memory first; a full disk leaves any older file as it was.
    """
    report = class_report(key, students, scheme=scheme)
    grades = _csv_bytes(gradebook(report, roster))
    sheet = _csv_bytes(answers_sheet(report)) if answers is not None else b""
    write_bytes_atomic(out, grades)
    if answers is not None:
        write_bytes_atomic(answers, sheet)
    return report
