"""The class report: one standalone HTML file (charts included, works offline) for a lesson.

``write_class_report(key, folder, out)`` scores whatever student logs are in the folder now
against the answer key and writes scores, the hardest sentences, class agreement, vote bars
next to the key and each article coloured by the class majority. Every piece of article
text, name, explanation and file name is escaped; chart data is made safe for <script>.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import altair as alt
import pandas as pd

from ._atomic import write_bytes_atomic
from .agreement import ALL
from .charts import label_colours, script_json, vegalite_version
from .classroom import (
    HARDEST_RULE,
    MIN_INTERVAL_SENTENCES,
    AnswerKey,
    ClassReport,
    class_report,
)
from .labels import DEFAULT_SCHEME, LabelScheme
from .language import block_direction, isolate, text_direction
from .log import format_row
from .spreadsheet import protect_frame

OUTCOME_COLOURS = {"correct": "#009E73", "wrong": "#D55E00", "not answered": "#BBBBBB"}
"""Colours of the score bars (Okabe-Ito green and vermillion, and grey)."""
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
_NEUTRAL = "#999999"
_LEGEND_STRIPES = "repeating-linear-gradient(135deg, #99999966 0px 8px, #ffffff00 8px 16px)"

PathLike = str | os.PathLike[str]
_WHOLE_NUMBERS = alt.Axis(tickMinStep=1, format="d")
"""Count axes: ticks one or more apart, written as whole numbers (students, sentences)."""

MEASURE_NAMES = {
    "krippendorff_alpha": "Krippendorff's alpha",
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "gwet_ac1": "Gwet's AC1",
    "percent_agreement": "Percent agreement",
}
"""The agreement measures' plain names, as the report shows them."""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _colours(report: ClassReport) -> dict[str, str]:
    """Label -> a safe #RRGGBB colour (scheme colours first, the charts' fallbacks after)."""
    labels = set(report.labels["label"].astype(str)) | set(report.sentences["expected"])
    colours = label_colours(sorted(labels - {""}), report.scheme)
    return {k: v if _HEX.fullmatch(v) else _NEUTRAL for k, v in colours.items()}


# ---------------------------------------------------------------------------------------------
# Charts (Altair, built from small aggregated tables)


def score_chart(report: ClassReport) -> alt.Chart:
    """One bar per student: answers in the key that were correct, wrong or not given."""
    total = report.scores.loc[report.scores["article_id"] == ALL]
    rows = []
    for r in total.to_dict("records"):
        wrong = r["answered"] - r["correct"]
        for outcome, count in (
            ("correct", r["correct"]),
            ("wrong", wrong),
            ("not answered", r["in_key"] - r["answered"]),
        ):
            rows.append(
                {
                    "student": r["student"],
                    "outcome": outcome,
                    "count": int(count),
                    "order": list(OUTCOME_COLOURS).index(outcome),
                    "score": float(r["score"]) if pd.notna(r["score"]) else None,
                }
            )
    table = pd.DataFrame(rows, columns=["student", "outcome", "count", "order", "score"])
    return (
        alt.Chart(table, title="Answers per student (sentences in the key)")
        .mark_bar()
        .encode(
            y=alt.Y("student:N", title=None, sort=list(report.students)),
            x=alt.X("count:Q", title="Sentences in the key", stack=True, axis=_WHOLE_NUMBERS),
            color=alt.Color(
                "outcome:N",
                title="Answer",
                scale=alt.Scale(domain=list(OUTCOME_COLOURS), range=list(OUTCOME_COLOURS.values())),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("student:N", title="Student"),
                alt.Tooltip("outcome:N", title="Answer"),
                alt.Tooltip("count:Q", title="Sentences"),
                alt.Tooltip("score:Q", title="Score", format=".0%"),
            ],
        )
        .properties(width=420, height=alt.Step(18))
    )


def vote_chart(report: ClassReport, article_id: str) -> alt.HConcatChart:
    """The class's votes for each sentence of an article, with the key's answer beside them.

    The bar segment of the key's label has a black outline; the right column reads e.g.
    "key: opinion · 3 of 4 right".
    """
    sentences = report.sentences.loc[report.sentences["article_id"] == article_id]
    rows = sentences.assign(
        row=[
            f"{int(i) + 1:>2}. {isolate(_short(t, 60))}"
            for i, t in zip(sentences["sentence_index"], sentences["text"], strict=True)
        ]
    )
    order = list(rows["row"])
    votes = report.votes.merge(
        rows[["sentence_id", "row", "expected", "text"]], on="sentence_id", how="inner"
    )
    votes["is_key"] = votes["label"] == votes["expected"]
    colours = _colours(report)
    y = alt.Y(
        "row:N",
        title=None,
        sort=order,
        scale=alt.Scale(domain=order),
        axis=alt.Axis(labelLimit=360),
    )
    bars = (
        alt.Chart(votes[["row", "label", "count", "is_key", "text", "expected"]])
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("count:Q", title="Students", axis=_WHOLE_NUMBERS),
            color=alt.Color(
                "label:N",
                title="Label",
                scale=alt.Scale(domain=list(colours), range=list(colours.values())),
            ),
            stroke=alt.condition("datum.is_key", alt.value("#000000"), alt.value(None)),
            strokeWidth=alt.condition("datum.is_key", alt.value(2), alt.value(0)),
            tooltip=[
                alt.Tooltip("text:N", title="Sentence"),
                alt.Tooltip("label:N", title="Label"),
                alt.Tooltip("count:Q", title="Students"),
                alt.Tooltip("expected:N", title="Key"),
            ],
        )
        .properties(width=260, height=alt.Step(20))
    )
    notes = rows.assign(note=[_key_note(r) for r in rows.to_dict("records")])
    side = (
        alt.Chart(notes[["row", "note"]])
        .mark_text(align="left", baseline="middle", dx=4)
        .encode(
            y=alt.Y("row:N", sort=order, scale=alt.Scale(domain=order), axis=None),
            x=alt.value(0),
            text="note:N",
        )
        .properties(
            width=190, height=alt.Step(20), title="Answer key", view=alt.ViewBackground(stroke=None)
        )
    )
    return alt.hconcat(bars, side, title=f"Class votes: {article_id}")


def _key_note(row: dict) -> str:
    if not row["expected"]:
        return "not in the key"
    if not row["n_answers"]:
        return f"key: {row['expected']} · no answers"
    tie = " · tie" if row["tie"] else ""
    return f"key: {row['expected']} · {row['n_correct']} of {row['n_answers']} right{tie}"


# ---------------------------------------------------------------------------------------------
# HTML pieces (all text escaped)


def label_chip(label: str, colours: dict[str, str]) -> str:
    """A small coloured badge with the label's name (colour is never the only cue)."""
    if not label:
        return '<span class="fc-chip fc-none">no key</span>'
    colour = colours.get(label, _NEUTRAL)
    return f'<span class="fc-chip" style="border-color:{colour}">{_esc(label)}</span>'


def article_html(report: ClassReport, article_id: str) -> str:
    """The article's sentences in order, each coloured by the class's majority label.

    A tie has no majority: the sentence is striped in the tied labels' colours and marked
    "tie". "≠ key" marks a sentence whose majority differs from the key, or a tie the key's
    label is not part of. A sentence outside the key has a dotted outline; the tooltip gives
    the votes and the key's answer.
    """
    colours = _colours(report)
    rows = report.sentences.loc[report.sentences["article_id"] == article_id]
    block = block_direction(list(rows["text"]))
    parts = []
    for r in rows.to_dict("records"):
        tied = [label for label in r["tied_labels"].split(", ") if label] if r["tie"] else []
        majority = r["majority_label"] if r["n_answers"] and not tied else ""
        style = _sentence_style(majority, tied, colours)
        classes = ["fc-s"]
        if not r["in_key"]:
            classes.append("fc-open")
        if tied:
            classes.append("fc-tied")
        tip = f"Class: {r['votes'] or 'no answers'}"
        if tied:
            tip += f" (tie: {' = '.join(tied)})"
        tip += f" | Key: {r['expected'] or 'not in the key'}"
        mark = ""
        differs = r["expected"] not in tied if tied else majority != r["expected"]
        if r["in_key"] and (tied or majority) and differs:
            mark = '<sup class="fc-miss">≠ key</sup>'
        elif tied:
            mark = '<sup class="fc-tie">tie</sup>'
        parts.append(
            f'<span class="{" ".join(classes)}"{style} title="{_esc(tip)}"'
            f"{_dir_attribute(r['text'], block)}>{_esc(r['text'])}</span>{mark}"
        )
    legend = " ".join(label_chip(name, colours) for name in colours)
    return (
        f'<div class="fc-article"><p class="fc-legend">Coloured by the class majority: '
        f'{legend} · <span class="fc-s fc-tied" style="background:{_LEGEND_STRIPES}">striped'
        '</span> <sup class="fc-tie">tie</sup> '
        "no majority (as many votes for two or more labels) · "
        f'<sup class="fc-miss">≠ key</sup> the majority (or every tied label) differs from '
        'the key · <span class="fc-s fc-open">dotted</span> not in the key</p>'
        f'<p class="fc-text"{_dir_attribute("", "ltr", block)}>'
        f"{' '.join(parts)}</p></div>"
    )


def _dir_attribute(text: str, block: str = "ltr", direction: str = "") -> str:
    """A ``dir`` attribute for text whose direction differs from its block's (an Arabic
    sentence, or an English quotation in an Arabic article); every sentence of a
    right-to-left block gets one. Left-to-right text in a left-to-right page gets none."""
    direction = direction or text_direction(text)
    return f' dir="{direction}"' if direction == "rtl" or block == "rtl" else ""


def _sentence_style(majority: str, tied: list[str], colours: dict[str, str]) -> str:
    """The inline style of a sentence: its majority's colour, or stripes of the tied ones."""
    if tied:
        shades = [colours.get(label, _NEUTRAL) for label in tied]
        width = 8
        stops = ", ".join(f"{c}44 {i * width}px {(i + 1) * width}px" for i, c in enumerate(shades))
        return (
            f' style="background:repeating-linear-gradient(135deg, {stops});'
            f'border-bottom-color:{_NEUTRAL}"'
        )
    if majority:
        colour = colours.get(majority, _NEUTRAL)
        return f' style="background:{colour}33;border-bottom-color:{colour}"'
    return ""


def _percent(value: float) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"


def _scores_table(report: ClassReport) -> str:
    articles = list(report.key.article_ids)
    head = "".join(f"<th>{_esc(a)}</th>" for a in articles)
    scores = report.scores.set_index(["student", "article_id"])
    body = []
    for student in report.students:
        cells = []
        for article in [*articles, ALL]:
            r = scores.loc[(student, article)]
            partial = " fc-partial" if r["answered"] < r["in_key"] else ""
            cells.append(
                f'<td class="fc-num{partial}">{int(r["correct"])}/{int(r["answered"])}'
                f' <span class="fc-dim">of {int(r["in_key"])}</span></td>'
            )
        total = scores.loc[(student, ALL)]
        extra = f" (+{int(total['unscored'])} outside the key)" if total["unscored"] else ""
        body.append(
            f"<tr><th>{_esc(student)}</th>{''.join(cells)}"
            f'<td class="fc-num">{_percent(total["accuracy"])}</td>'
            f'<td class="fc-num">{_percent(total["score"])}{_esc(extra)}</td></tr>'
        )
    return (
        '<table class="fc-table"><thead><tr><th>Student</th>'
        f"{head}<th>All</th><th>Accuracy</th><th>Score</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _hardest_table(report: ClassReport, colours: dict[str, str]) -> str:
    hardest = report.hardest
    if hardest.empty:
        return "<p>No answers to sentences in the key yet.</p>"
    body = "".join(
        f"<tr><td>{_esc(r['article_id'])} #{int(r['sentence_index']) + 1}</td>"
        f"<td{_dir_attribute(r['text'])}>{_esc(r['text'])}</td>"
        f"<td>{label_chip(r['expected'], colours)}</td>"
        f"<td>{_esc(r['explanation'])}</td>"
        f'<td class="fc-num">{_percent(r["share_correct"])}</td><td>{_esc(r["votes"])}</td></tr>'
        for r in hardest.to_dict("records")
    )
    return (
        '<table class="fc-table"><thead><tr><th>Where</th><th>Sentence</th><th>Key</th>'
        "<th>Explanation</th><th>Right</th><th>Class votes</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def plain_measure_names(text: str) -> str:
    """``text`` with every measure id (``gwet_ac1``...) replaced by its plain name."""
    for measure, name in MEASURE_NAMES.items():
        text = text.replace(measure, name)
    return text


def agreement_table(report: ClassReport) -> pd.DataFrame:
    """The class agreement as shown to a teacher: plain measure names, the interval in words.

    Columns: Measure, Label ("all labels" or one label's specific agreement), Value,
    "95% interval" (e.g. "0.41 – 0.78", or why there is none), Sentences, Students, Note.
    """
    rows = []
    for r in report.agreement.to_dict("records"):
        note = plain_measure_names(str(r["note"]))
        if pd.isna(r["value"]):
            interval = "–"
        elif pd.isna(r["ci_low"]) or pd.isna(r["ci_high"]):
            reasons = [part for part in note.split("; ") if part.startswith("no interval")]
            interval = reasons[0] if reasons else "no interval"
            note = "; ".join(part for part in note.split("; ") if part not in reasons)
        else:
            interval = f"{r['ci_low']:.2f} – {r['ci_high']:.2f}"
        rows.append(
            {
                "Measure": MEASURE_NAMES.get(r["measure"], r["measure"]),
                "Label": "all labels" if r["label"] == ALL else r["label"],
                "Value": None if pd.isna(r["value"]) else round(float(r["value"]), 2),
                "95% interval": interval,
                "Sentences": int(r["n_items"]),
                "Students": int(r["n_annotators"]),
                "Note": note,
            }
        )
    columns = ["Measure", "Label", "Value", "95% interval", "Sentences", "Students", "Note"]
    return pd.DataFrame(rows, columns=columns)


def _number(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.2f}"


def _agreement_table(report: ClassReport) -> str:
    table = agreement_table(report)
    body = "".join(
        f"<tr><td>{_esc(r['Measure'])}</td><td>{_esc(r['Label'])}</td>"
        f'<td class="fc-num">{_number(r["Value"])}</td>'
        f'<td class="fc-num">{_esc(r["95% interval"])}</td>'
        f'<td class="fc-num">{r["Sentences"]}</td><td class="fc-num">{r["Students"]}</td>'
        f"<td>{_esc(r['Note'])}</td></tr>"
        for r in table.to_dict("records")
    )
    return (
        '<table class="fc-table"><thead><tr><th>Measure</th><th>Label</th><th>Value</th>'
        "<th>95% interval</th><th>Sentences</th><th>Students</th><th>Note</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em auto;
  max-width: 1150px; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
.fc-meta, .fc-dim { color: #666; } .fc-dim { font-size: 0.85em; }
.fc-table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
.fc-table th, .fc-table td { border: 1px solid #ddd; padding: 0.3em 0.5em; vertical-align: top;
  text-align: left; }
.fc-table thead th { background: #f4f4f4; }
.fc-num { text-align: right; white-space: nowrap; } .fc-partial { background: #fff6e0; }
.fc-chip { display: inline-block; border: 2px solid #999; border-radius: 0.8em;
  padding: 0 0.5em; font-size: 0.85em; white-space: nowrap; }
.fc-none { border-style: dotted; color: #666; }
.fc-text { font-size: 1.05em; line-height: 2.1; }
.fc-s { border-bottom: 3px solid transparent; padding: 0.1em 0.1em; border-radius: 2px; }
.fc-open { outline: 1px dotted #888; }
.fc-miss { color: #B00020; font-weight: bold; font-size: 0.7em; }
.fc-tie { color: #444; font-weight: bold; font-size: 0.7em; }
.fc-tied { border-bottom-style: dashed; }
.fc-problems { background: #fff3f3; border-left: 4px solid #B00020; padding: 0.5em 1em; }
.fc-chart { margin: 1em 0; overflow-x: auto; }
@media print { .fc-chart { page-break-inside: avoid; } }
"""

_EMBED = """
const specs = %s;
for (const [id, spec] of Object.entries(specs)) {
  vegaEmbed("#" + id, spec, {"renderer": "svg", "actions": false}).catch((error) => {
    console.error(error);
    document.getElementById(id).textContent = "This chart could not be drawn: " + error;
  });
}
"""


def class_report_html(report: ClassReport) -> str:
    """The whole report as one self-contained HTML page (Vega JavaScript embedded inline)."""
    import vl_convert as vlc

    colours = _colours(report)
    charts: dict[str, dict] = {"fc-chart-scores": score_chart(report).to_dict()}
    articles = []
    for number, article_id in enumerate(_article_ids(report)):
        chart_id = f"fc-chart-votes-{number}"
        charts[chart_id] = vote_chart(report, article_id).to_dict()
        articles.append(
            f'<section class="fc-article-section"><h3>{_esc(article_id)}</h3>'
            f'<div class="fc-chart" id="{chart_id}"></div>{article_html(report, article_id)}'
            "</section>"
        )
    key = report.key
    names_note = " Names are hidden (stable pseudonyms)." if report.hide_names else ""
    problems = ""
    if report.problems:
        items = "".join(f"<li>{_esc(p)}</li>" for p in report.problems)
        problems = (
            '<div class="fc-problems"><b>Some files could not be fully read:</b>'
            f"<ul>{items}</ul></div>"
        )
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    key_name = Path(key.path).name if key.path else "(in memory)"
    body = f"""
<h1>Class report</h1>
<p class="fc-meta">Answer key <b>{_esc(key_name)}</b>: {len(key)} sentences in
{len(key.article_ids)} article(s). {len(report.students)} student(s) from
{len(report.files)} file(s).{names_note} Made {generated} from the files present then;
make it again to include late submissions.</p>
{problems}
<h2>Scores</h2>
<p>Each cell is <i>correct/answered</i> out of the sentences in the key; shaded cells are
unfinished. <b>Accuracy</b> = correct / answered; <b>score</b> = correct / sentences in the
key.</p>
<div class="fc-chart" id="fc-chart-scores"></div>
{_scores_table(report)}
<h2>Hardest sentences</h2>
<p>Up to ten sentences, chosen as {_esc(HARDEST_RULE)} Good starting points for
discussion.</p>
{_hardest_table(report, colours)}
<h2>How much the class agrees</h2>
<p>Agreement among the students (not with the key): 1 = everyone gave the same labels,
0 = no more than chance. Percent agreement (the share of pairs of students who gave a sentence
the same label) is shown beside the chance-corrected figures. The 95% interval comes from
resampling the sentences; with fewer than {MIN_INTERVAL_SENTENCES} sentences there is none,
as it would say nothing.</p>
{_agreement_table(report)}
<h2>Articles</h2>
<p>Votes per sentence, with the key's answer outlined in black, then the article coloured by
the class's majority label. Hover a sentence for its votes.</p>
{"".join(articles)}
"""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="factcheck">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report: {_esc(key_name)}</title>
<style>{_STYLE}</style>
</head>
<body>
{body}
<script type="text/javascript">{vlc.javascript_bundle(vl_version=vegalite_version())}</script>
<script type="text/javascript">{_EMBED % script_json(charts)}</script>
</body>
</html>
"""


def _article_ids(report: ClassReport) -> list[str]:
    """The key's articles, then any other article the students labelled."""
    seen = list(report.key.article_ids)
    others = sorted(set(report.sentences["article_id"]) - set(seen))
    return seen + others


def write_scores_csv(report: ClassReport, out: PathLike) -> Path:
    """Save the scores table (``SCORE_COLUMNS``) as a CSV for a spreadsheet or a grade book.

    Spreadsheet-safe like the answer key: a UTF-8 byte-order mark, and every text cell that
    starts with = + - @ TAB or CR gets a leading ``'`` (a student named ``=HYPERLINK(...)``
    is shown, never run). Accuracy and score are fractions (0.75), empty when undefined.
    """
    table = protect_frame(report.scores)
    lines = ["\ufeff" + format_row(table.columns)]
    for row in table.itertuples(index=False):
        lines.append(format_row("" if pd.isna(value) else value for value in row))
    return write_bytes_atomic(out, "".join(lines).encode("utf-8"))


def write_class_report(
    key: AnswerKey | PathLike,
    student_files_or_dir: PathLike | Iterable[PathLike],
    out: PathLike,
    *,
    hide_names: bool = False,
    scheme: LabelScheme = DEFAULT_SCHEME,
    secret: PathLike | None = None,
    scores: PathLike | None = None,
) -> Path:
    """Score the student logs now in the folder against the key and write the HTML report.

    The page is complete before it replaces ``out``. Run it again after late submissions.
    ``secret``: the pseudonyms' secret file (see ``classroom.class_report``); ``scores``: a
    CSV to save the same scores to as well (``write_scores_csv``).
    """
    report = class_report(
        key, student_files_or_dir, hide_names=hide_names, scheme=scheme, secret=secret
    )
    page = write_bytes_atomic(out, class_report_html(report).encode("utf-8"))
    if scores is not None:
        write_scores_csv(report, scores)
    return page
