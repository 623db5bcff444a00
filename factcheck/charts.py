"""Altair charts of annotation tables: label mix, sentence strips, agreement and progress.

Every function takes the DataFrame from ``read_annotations(...)``, aggregates it in pandas
and returns an Altair chart built from the small aggregated table (so a million events still
make a spec of a few kilobytes). Nothing is displayed and the input is never modified.
Colours come from the label scheme (``LabelScheme.colours``), the same as the widget's.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from ._atomic import write_bytes_atomic
from .agreement import rating_matrix, resolve_labels, sentence_agreement
from .errors import InputError
from .labels import DEFAULT_SCHEME, LabelScheme
from .language import isolate

TIE = "(tie)"
"""Label shown for a sentence whose annotators are split evenly between labels."""
TIE_COLOUR = "#999999"
FALLBACK_PALETTE = (
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#8C564B",
    "#7F7F7F",
    "#BCBD22",
)
"""Colours for labels outside the scheme, given in alphabetical order of those labels."""

_GROUP_COLUMNS = {"article": "article_id", "source": "source", "annotator": "annotator"}
_GROUP_TITLES = {"article": "Article", "source": "Source", "annotator": "Annotator"}


def label_colours(
    labels: Iterable[str] = (), scheme: LabelScheme = DEFAULT_SCHEME
) -> dict[str, str]:
    """Label -> colour: the scheme's colours, then the fallback palette for other labels."""
    colours = dict(scheme.colours)
    extras = sorted(set(labels) - set(colours) - {TIE})
    for i, name in enumerate(extras):
        colours[name] = FALLBACK_PALETTE[i % len(FALLBACK_PALETTE)]
    return colours


def _colour(
    df: pd.DataFrame, scheme: LabelScheme, *, tie: bool = False, field: str = "label"
) -> alt.Color:
    """A colour encoding whose domain and range are fixed by the scheme, so every chart agrees."""
    colours = label_colours(resolve_labels(df) if len(df) else (), scheme)
    if tie:
        colours[TIE] = TIE_COLOUR
    return alt.Color(
        f"{field}:N",
        title="Label",
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
    )


def _current(df: pd.DataFrame) -> pd.DataFrame:
    """Current labels: given a history table (``history=True``), the latest event per
    annotator and sentence, as ``read_annotations`` keeps; cleared labels left out."""
    _require(df, ("label",))
    key = ["annotator", "sentence_id"]
    if set(key) <= set(df.columns) and df.duplicated(key).any():
        ordered = df.sort_values("timestamp", kind="stable") if "timestamp" in df else df
        df = ordered.drop_duplicates(key, keep="last")
    return df.loc[df["label"].astype(str) != ""]


def _require(df: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"The annotation table has no column(s) {', '.join(missing)}. Pass the DataFrame "
            "returned by factcheck.read_annotations(files)."
        )


def _shorten(text: pd.Series, limit: int) -> pd.Series:
    text = text.astype(str)
    return text.where(text.str.len() <= limit, text.str.slice(0, limit - 1) + "…")


def _isolated(text: pd.Series) -> pd.Series:
    """Right-to-left sentences wrapped in Unicode isolates, so that an Arabic sentence in an
    axis label or tooltip keeps its order and punctuation beside LTR chrome (``isolate``)."""
    return text.map(isolate)


def label_mix(
    df: pd.DataFrame,
    by: str | None = None,
    *,
    share: bool = False,
    scheme: LabelScheme = DEFAULT_SCHEME,
    max_groups: int = 40,
) -> alt.Chart:
    """Bar chart of how often each label was given, overall or per article/source/annotator.

    ``by`` is None, "article", "source" or "annotator"; ``share=True`` stacks to 100%.
    Tooltips show counts and shares. Only the ``max_groups`` largest groups get their own
    bar; the rest are pooled into one "(N others)" bar, so the spec stays small.
    """
    if by is not None and by not in _GROUP_COLUMNS:
        raise ValueError(f"by must be None or one of {', '.join(_GROUP_COLUMNS)}; got {by!r}.")
    rows = _current(df)
    colour = _colour(rows, scheme)
    domain = list(label_colours(resolve_labels(rows) if len(rows) else (), scheme))
    if by is None:
        table = rows.groupby("label", observed=True).size().rename("count").reset_index()
        table["share"] = table["count"] / max(int(table["count"].sum()), 1)
        return (
            alt.Chart(table, title=f"Label mix ({len(rows):,} labels)")
            .mark_bar()
            .encode(
                y=alt.Y("label:N", title=None, sort=domain),
                x=alt.X(
                    "share:Q" if share else "count:Q",
                    title="Share" if share else "Labels",
                    axis=alt.Axis(format=".0%") if share else alt.Undefined,
                ),
                color=colour,
                tooltip=[
                    "label:N",
                    alt.Tooltip("count:Q", format=","),
                    alt.Tooltip("share:Q", format=".1%"),
                ],
            )
        )
    column = _GROUP_COLUMNS[by]
    _require(rows, (column,))
    table = _group_counts(rows, column, max_groups, plural=f"{by}s")
    order = table.groupby("group", sort=False)["total"].first().sort_values(ascending=False)
    return (
        alt.Chart(table, title=f"Label mix per {by}")
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=_GROUP_TITLES[by], sort=list(order.index)),
            x=alt.X(
                "count:Q",
                title="Share of labels" if share else "Labels",
                stack="normalize" if share else True,
            ),
            color=colour,
            order=alt.Order("label_order:Q"),
            tooltip=[
                alt.Tooltip("group:N", title=_GROUP_TITLES[by]),
                "label:N",
                alt.Tooltip("count:Q", format=","),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
    )


def _group_counts(rows: pd.DataFrame, column: str, max_groups: int, plural: str) -> pd.DataFrame:
    """Counts per (group, label) with shares; small groups beyond ``max_groups`` pooled."""
    group = rows[column].astype(str).replace("", f"(no {column})")
    counts = rows.groupby([group.rename("group"), "label"], observed=True).size()
    table = counts.rename("count").reset_index()
    totals = table.groupby("group")["count"].sum().sort_values(ascending=False, kind="stable")
    if len(totals) > max_groups:
        others = totals.index[max_groups:]
        pooled = f"({len(others):,} other {plural})"
        table["group"] = table["group"].where(~table["group"].isin(others), pooled)
        table = table.groupby(["group", "label"], as_index=False)["count"].sum()
    table["total"] = table.groupby("group")["count"].transform("sum")
    table["share"] = table["count"] / table["total"]
    labels = list(label_colours(table["label"]))
    table["label_order"] = table["label"].map({name: i for i, name in enumerate(labels)})
    return table


def sentence_cells(
    df: pd.DataFrame,
    *,
    max_articles: int = 30,
    max_cells: int = 400,
    text_chars: int = 100,
) -> pd.DataFrame:
    """The strip chart's table: one cell per sentence (or run of sentences) per article.

    Articles with the most labelled sentences come first, at most ``max_articles``. Each
    article gets ``max_cells // articles`` cells; a longer article is cut into that many runs
    of consecutive sentences, each coloured by its most common majority label, so the strip
    still shows where in the article opinions and unconfirmed claims sit.
    """
    _require(df, ("annotator", "article_id", "sentence_id"))
    sa = sentence_agreement(_current(df))
    if "sentence_index" not in sa:
        sa["sentence_index"] = sa.groupby("article_id").cumcount()
    if "text" not in sa:
        sa["text"] = ""
    sa["cell_label"] = sa["majority_label"].where(~sa["tie"], TIE)
    sizes = sa.groupby("article_id").size().sort_values(ascending=False, kind="stable")
    chosen = sorted(sizes.index[:max_articles])
    sa = sa[sa["article_id"].isin(chosen)].sort_values(["article_id", "sentence_index"])
    per_article = max(1, max_cells // max(len(chosen), 1))
    last = sa.groupby("article_id")["sentence_index"].transform("max") + 1
    long = sa.groupby("article_id")["sentence_index"].transform("size") > per_article
    sa["cell"] = np.where(long, sa["sentence_index"] * per_article // last, sa["sentence_index"])
    cells = sa.groupby(["article_id", "cell"], sort=True).agg(
        start=("sentence_index", "min"),
        end=("sentence_index", "max"),
        n_sentences=("sentence_index", "size"),
        text=("text", "first"),
        votes=("votes", "first"),
        n_annotators=("n_annotators", "max"),
        majority_share=("majority_share", "mean"),
    )
    mode = (
        sa.groupby(["article_id", "cell", "cell_label"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["article_id", "cell", "n"], ascending=[True, True, False], kind="stable")
        .drop_duplicates(["article_id", "cell"])
        .set_index(["article_id", "cell"])
    )
    cells["label"] = mode["cell_label"]
    cells["label_share"] = mode["n"] / cells["n_sentences"]
    cells = cells.reset_index().drop(columns="cell")
    cells["start"] += 1  # 1-based sentence numbers, first and last of the cell
    cells["end"] += 1
    run = cells["n_sentences"] > 1
    cells["sentences"] = np.where(
        run,
        "sentences " + cells["start"].astype(str) + "–" + cells["end"].astype(str),
        "sentence " + cells["start"].astype(str),
    )
    cells["text"] = _shorten(cells["text"], text_chars).where(~run, "starts: " + cells["text"])
    cells["text"] = _isolated(_shorten(cells["text"], text_chars))
    cells["votes"] = cells["votes"].where(~run, "")
    return cells


def sentence_strip(
    df: pd.DataFrame,
    *,
    scheme: LabelScheme = DEFAULT_SCHEME,
    max_articles: int = 30,
    max_cells: int = 400,
    text_chars: int = 100,
) -> alt.Chart:
    """Each article a row of cells in reading order, coloured by the majority label.

    Shows where opinions and unconfirmed claims sit. With several annotators a cell takes
    the majority label, grey "(tie)" when they are split evenly. On big data the chart is
    capped, not sampled: at most ``max_articles`` articles (most labelled first) and
    ``max_cells`` cells, long articles binned into runs of sentences (see
    ``sentence_cells``); tooltip text is cut to ``text_chars`` characters. This keeps the
    spec under ~150 KB whatever the input size.
    """
    cells = sentence_cells(
        df, max_articles=max_articles, max_cells=max_cells, text_chars=text_chars
    )
    return _strip(cells, _colour(_current(df), scheme, tie=True))


def _strip(cells: pd.DataFrame, colour: alt.Color) -> alt.Chart:
    n_articles = cells["article_id"].nunique()
    return (
        alt.Chart(cells, title="Sentence labels in reading order")
        .mark_rect(stroke="white", strokeWidth=0.5)
        .transform_calculate(x0="datum.start - 0.5", x1="datum.end + 0.5")
        .encode(
            x=alt.X("x0:Q", title="Sentence (reading order)", axis=alt.Axis(tickMinStep=1)),
            x2="x1:Q",
            y=alt.Y("article_id:N", title="Article"),
            color=colour,
            tooltip=[
                alt.Tooltip("article_id:N", title="Article"),
                alt.Tooltip("sentences:N", title="Where"),
                "label:N",
                alt.Tooltip("votes:N", title="Votes"),
                alt.Tooltip("majority_share:Q", title="Majority share", format=".0%"),
                alt.Tooltip("text:N", title="Text"),
            ],
        )
        .properties(width=600, height=alt.Step(18) if n_articles else 40)
    )


def _pick_pair(df: pd.DataFrame) -> tuple[str, str]:
    """The two annotators who labelled the most sentences in common."""
    rm = rating_matrix(_current(df))
    if len(rm.annotators) < 2:
        found = ", ".join(rm.annotators) or "none"
        raise InputError(
            f"A confusion heatmap needs two annotators; the annotations have {found}. "
            "Add another annotator's log."
        )
    rated = (rm.codes >= 0).astype(np.int64)
    overlap = rated.T @ rated
    np.fill_diagonal(overlap, -1)
    a, b = np.unravel_index(np.argmax(overlap), overlap.shape)
    return rm.annotators[min(a, b)], rm.annotators[max(a, b)]


def confusion_heatmap(
    df: pd.DataFrame,
    annotator_a: str | None = None,
    annotator_b: str | None = None,
    *,
    scheme: LabelScheme = DEFAULT_SCHEME,
) -> alt.LayerChart:
    """Heatmap of labels given by two annotators to the sentences both labelled.

    Without names, the pair sharing the most sentences is shown. The diagonal is agreement;
    each cell's tooltip gives the count and its share of annotator A's label.
    """
    rows = _current(df)
    _require(rows, ("annotator", "article_id", "sentence_id"))
    if annotator_a is None or annotator_b is None:
        annotator_a, annotator_b = _pick_pair(rows)
    for name in (annotator_a, annotator_b):
        if not (rows["annotator"] == name).any():
            known = ", ".join(sorted(pd.unique(rows["annotator"]).astype(str)))
            raise InputError(f"No labels by annotator {name!r}. Annotators: {known}.")
    key = ["article_id", "sentence_id"]
    a = rows.loc[rows["annotator"] == annotator_a, [*key, "label"]]
    b = rows.loc[rows["annotator"] == annotator_b, [*key, "label"]]
    both = a.merge(b, on=key, suffixes=("_a", "_b"))
    labels = list(label_colours(resolve_labels(rows), scheme))
    grid = pd.MultiIndex.from_product([labels, labels], names=["label_a", "label_b"])
    table = both.groupby(["label_a", "label_b"]).size().reindex(grid, fill_value=0)
    table = table.rename("count").reset_index()
    table["row_share"] = table["count"] / table.groupby("label_a")["count"].transform("sum")
    table["row_share"] = table["row_share"].fillna(0.0)
    table["agree"] = table["label_a"] == table["label_b"]
    # White text only on the dark cells: the fill follows the count, so must the text.
    table["dark"] = table["count"] > 0.5 * table["count"].max()
    base = alt.Chart(
        table, title=f"{annotator_a} vs {annotator_b}: {len(both):,} sentences labelled by both"
    ).encode(
        x=alt.X("label_b:N", title=annotator_b, sort=labels, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("label_a:N", title=annotator_a, sort=labels),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("count:Q", title="Sentences", scale=alt.Scale(scheme="blues")),
        tooltip=[
            alt.Tooltip("label_a:N", title=annotator_a),
            alt.Tooltip("label_b:N", title=annotator_b),
            alt.Tooltip("count:Q", format=","),
            alt.Tooltip("row_share:Q", title=f"share of {annotator_a}'s", format=".0%"),
        ],
    )
    text = base.mark_text(fontWeight="bold").encode(
        text=alt.Text("count:Q", format=","),
        color=alt.condition("datum.dark", alt.value("white"), alt.value("black")),
    )
    return (heat + text).properties(width=alt.Step(70), height=alt.Step(40))


def disagreement_chart(
    df: pd.DataFrame,
    *,
    measure: str = "majority_share",
    top: int = 30,
    scheme: LabelScheme = DEFAULT_SCHEME,
    text_chars: int = 70,
) -> alt.Chart:
    """The ``top`` most contested sentences, by share of the majority label or by entropy.

    Only sentences labelled by two or more annotators who did not all agree are shown. Bars
    are coloured by the majority label (grey on a tie); the tooltip gives the sentence and
    everyone's votes.
    """
    if measure not in ("majority_share", "entropy"):
        raise ValueError(f"measure must be 'majority_share' or 'entropy', got {measure!r}.")
    rows = _current(df)
    sa = sentence_agreement(rows)
    sa = sa[sa["n_annotators"] >= 2]
    contested = sa[sa["majority_share"] < 1]
    ascending = measure == "majority_share"
    worst = contested.sort_values(
        [measure, "n_annotators"], ascending=[ascending, False], kind="stable"
    )
    worst = worst.head(top).copy()
    if "text" not in worst:
        worst["text"] = ""
    if "sentence_index" not in worst:
        worst["sentence_index"] = 0
    worst["label"] = worst["majority_label"].where(~worst["tie"], TIE)
    worst["sentence"] = (
        worst["article_id"].astype(str)
        + " #"
        + (worst["sentence_index"] + 1).astype(str)
        + ": "
        + _isolated(_shorten(worst["text"], text_chars))
    )
    worst["text"] = _isolated(_shorten(worst["text"], 300))
    worst = worst[["sentence", "text", "label", "votes", "n_annotators", measure]]
    title = (
        f"Most contested sentences: {len(worst)} shown, {len(contested):,} contested of "
        f"{len(sa):,} labelled by two or more annotators"
        if len(sa)
        else "No sentence was labelled by two or more annotators"
    )
    axis_title = "Share of the majority label" if ascending else "Label entropy (bits)"
    return (
        alt.Chart(worst, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("sentence:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
            x=alt.X(
                f"{measure}:Q",
                title=axis_title,
                scale=alt.Scale(domain=[0, 1]) if ascending else alt.Undefined,
            ),
            color=_colour(rows, scheme, tie=True),
            tooltip=[
                alt.Tooltip("text:N", title="Sentence"),
                alt.Tooltip("votes:N", title="Votes"),
                alt.Tooltip("label:N", title="Majority"),
                alt.Tooltip(f"{measure}:Q", format=".2f"),
            ],
        )
    )


def progress_chart(df: pd.DataFrame, *, points: int = 200, max_annotators: int = 20) -> alt.Chart:
    """Cumulative number of labels over time, one line per annotator.

    Works on the current-label table (a sentence counts from its latest change) and on
    ``history=True`` (every event counts). Time is cut into at most ``points`` bins and only
    the ``max_annotators`` most active annotators are drawn, so the spec stays small.
    """
    rows = _current(df)
    _require(rows, ("annotator", "timestamp"))
    stamps = pd.to_datetime(rows["timestamp"], utc=True).dt.as_unit("ns")
    counts = rows["annotator"].astype(str).value_counts()
    shown = counts.index[:max_annotators]
    keep = rows["annotator"].isin(shown).to_numpy()
    if not keep.any():
        table = pd.DataFrame({"annotator": [], "time": [], "labels": []})
    else:
        t = stamps[keep].astype("int64").to_numpy()
        lo, hi = int(t.min()), int(t.max())
        edges = np.linspace(lo, hi if hi > lo else lo + 1, points + 1)
        bins = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, points - 1)
        who, names = pd.factorize(rows.loc[keep, "annotator"].astype(str))
        grid = np.zeros((len(names), points), dtype=np.int64)
        np.add.at(grid, (who, bins), 1)
        # cum[:, j] = labels before edges[j]; keep the points where the count changes and
        # the point before each change, so the step line is exact with few points.
        cum = np.concatenate([np.zeros((len(names), 1), np.int64), grid.cumsum(axis=1)], 1)
        changed = np.diff(cum, axis=1) != 0
        keep_point = np.zeros_like(cum, dtype=bool)
        keep_point[:, 1:] |= changed
        keep_point[:, :-1] |= changed
        keep_point[:, -1] = True
        times = pd.to_datetime(edges.astype("int64"), unit="ns", utc=True)
        table = pd.DataFrame(
            {
                "annotator": np.repeat(np.asarray(names, dtype=object), points + 1),
                "time": np.tile(times, len(names)),
                "labels": cum.ravel(),
            }
        )[keep_point.ravel()]
    return (
        alt.Chart(table, title="Labelling progress")
        .mark_line(interpolate="step-after", point=False)
        .encode(
            x=alt.X("time:T", title="Time (UTC)", scale=alt.Scale(type="utc")),
            y=alt.Y("labels:Q", title="Labels (cumulative)"),
            color=alt.Color("annotator:N", title="Annotator"),
            tooltip=[
                "annotator:N",
                alt.Tooltip("time:T", format="%Y-%m-%d %H:%M UTC", formatType="utc"),
                alt.Tooltip("labels:Q", format=","),
            ],
        )
        .properties(width=600)
    )


def overview_chart(
    df: pd.DataFrame,
    *,
    scheme: LabelScheme = DEFAULT_SCHEME,
    max_articles: int = 30,
    max_cells: int = 400,
) -> alt.VConcatChart:
    """Linked view: click an article's bar to filter the sentence strip below to it.

    Clicking a label in the legend highlights that label in both views; shift-click adds
    more articles; double-click clears the selection.
    """
    rows = _current(df)
    _require(rows, ("article_id",))
    cells = sentence_cells(rows, max_articles=max_articles, max_cells=max_cells)
    shown = rows[rows["article_id"].isin(pd.unique(cells["article_id"]))]
    table = _group_counts(shown, "article_id", max_articles, plural="articles")
    table = table.rename(columns={"group": "article_id"})
    colour = _colour(rows, scheme, tie=True)
    pick_article = alt.selection_point(fields=["article_id"], name="article")
    pick_label = alt.selection_point(fields=["label"], bind="legend", name="legend_label")
    highlight = alt.condition(pick_label, alt.value(1.0), alt.value(0.2))
    bars = (
        alt.Chart(table, title="Labels per article (click a bar to filter the strip)")
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y("article_id:N", title="Article", sort="-x"),
            x=alt.X("count:Q", title="Labels"),
            color=colour,
            opacity=highlight,
            order=alt.Order("label_order:Q"),
            tooltip=[
                alt.Tooltip("article_id:N", title="Article"),
                "label:N",
                alt.Tooltip("count:Q", format=","),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .add_params(pick_article, pick_label)
        .properties(width=600, height=alt.Step(18))
    )
    strip = _strip(cells, colour).encode(opacity=highlight).transform_filter(pick_article)
    return alt.vconcat(bars, strip).resolve_scale(color="shared")


CHART_KINDS: dict[str, Callable[[pd.DataFrame], alt.TopLevelMixin]] = {
    "mix": label_mix,
    "mix-article": lambda df: label_mix(df, "article"),
    "mix-source": lambda df: label_mix(df, "source"),
    "mix-annotator": lambda df: label_mix(df, "annotator"),
    "strip": sentence_strip,
    "confusion": confusion_heatmap,
    "disagreement": disagreement_chart,
    "progress": progress_chart,
    "overview": overview_chart,
}
"""Chart kinds for ``factcheck chart --kind``: name -> function of the annotation table."""


def chart_by_kind(df: pd.DataFrame, kind: str) -> alt.TopLevelMixin:
    """The chart called ``kind`` (one of ``CHART_KINDS``) for the annotation table."""
    try:
        build = CHART_KINDS[kind]
    except KeyError:
        raise InputError(
            f"Unknown chart kind {kind!r}. Known kinds: {', '.join(CHART_KINDS)}."
        ) from None
    return build(df)


def vegalite_version() -> str | None:
    """The Vega-Lite version of Altair's schema, if vl-convert bundles it (else its default)."""
    import vl_convert as vlc

    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="factcheck">
<title>{title}</title>
<style>body {{ font-family: sans-serif; margin: 1em; }}</style>
</head>
<body>
<div id="vis"></div>
<script type="text/javascript">{bundle}</script>
<script type="text/javascript">
const spec = {spec};
vegaEmbed("#vis", spec, {{"renderer": "svg", "actions": true}}).catch(console.error);
</script>
</body>
</html>
"""


def script_json(spec: dict) -> str:
    """JSON that is safe inside a <script> element: no '</script>' or '<!--' can appear.

    Needed because article text is untrusted and ends up in the chart's data; vl-convert's
    own ``vegalite_to_html`` pastes the spec in raw.
    """
    text = json.dumps(spec, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def chart_html(chart: alt.TopLevelMixin) -> str:
    """A self-contained HTML page showing the chart, usable offline.

    The Vega, Vega-Lite and vega-embed JavaScript (about 0.9 MB) is embedded, not linked,
    so the page opens without a network connection; the spec is escaped so that article
    text in the data cannot close the script element.
    """
    import vl_convert as vlc

    spec = chart.to_dict()
    return _HTML.format(
        title=html.escape(_spec_title(spec) or "factcheck chart"),
        bundle=vlc.javascript_bundle(vl_version=vegalite_version()),
        spec=script_json(spec),
    )


def chart_bytes(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """The chart rendered offline as ``png``, ``svg`` or self-contained ``html`` bytes.

    PNG is rendered at twice the nominal size; HTML is ``chart_html``.
    """
    import vl_convert as vlc

    if fmt == "html":
        return chart_html(chart).encode("utf-8")
    spec = chart.to_dict()
    version = vegalite_version()
    if fmt == "png":
        return vlc.vegalite_to_png(spec, vl_version=version, scale=2)
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, vl_version=version).encode("utf-8")
    raise ValueError(f"fmt must be 'png', 'svg' or 'html', got {fmt!r}.")


OFFLINE_RENDERER = "factcheck-offline"
"""The Altair renderer factcheck enables: Vega bundled locally, plus a static PNG fallback."""


def _spec_title(spec: dict) -> str:
    title = spec.get("title", "")
    title = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(title) if isinstance(title, list) else str(title)


def offline_renderer(spec: dict, **metadata: object) -> tuple[dict, dict]:
    """Show a chart with no network: Altair's widget with vl-convert's bundled Vega JS.

    Altair's default renderer loads Vega from a CDN, which fails offline. The bundle also
    carries a PNG rendered offline (shown by viewers without a kernel, such as a saved
    notebook on a website) and a plain-text line naming the chart instead of an object repr.
    """
    from altair.vegalite.v6.display import jupyter_renderer

    data, meta = jupyter_renderer(spec, offline=True, **metadata)
    import vl_convert as vlc

    # The static copy is a fallback: a spec vl-convert cannot draw still shows live.
    with contextlib.suppress(ValueError, RuntimeError):
        data["image/png"] = vlc.vegalite_to_png(spec, vl_version=vegalite_version())
    title = _spec_title(spec)
    data["text/plain"] = f"factcheck chart{': ' + title if title else ''} (Altair/Vega-Lite)"
    return data, meta


def enable_offline_charts(force: bool = False) -> str:
    """Make Altair render offline (see ``offline_renderer``); returns the active renderer.

    Called when ``factcheck.charts`` is imported. A renderer the user chose themselves
    (anything but Altair's ``default``) is left alone unless ``force`` is true.
    """
    if OFFLINE_RENDERER not in alt.renderers.names():
        alt.renderers.register(OFFLINE_RENDERER, offline_renderer)
    if force or alt.renderers.active == "default":
        alt.renderers.enable(OFFLINE_RENDERER)
    return alt.renderers.active


enable_offline_charts()


def save_chart(chart: alt.TopLevelMixin, path: str | os.PathLike[str]) -> Path:
    """Write the chart to ``.html``, ``.png`` or ``.svg`` offline (see ``chart_bytes``).

    The file is rendered completely before it replaces ``path``, so a failure never leaves a
    half-written file or destroys an existing one.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("html", "png", "svg"):
        raise InputError(
            f"{path}: cannot save a chart as {path.suffix or 'a file without extension'!r}. "
            "Use a name ending in .html, .png or .svg."
        )
    return write_bytes_atomic(path, chart_bytes(chart, fmt))
