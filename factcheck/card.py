"""The dataset card: the Markdown a dataset repository needs, filled from the logs and decisions.

``write_card(logs, "DATASET_CARD.md", adjudications)`` writes the Hugging Face dataset card
sections and the "Datasheets for Datasets" fields the data can answer (labels and guidelines,
counts, annotators and overlap, every agreement figure with its interval and n, adjudication
by reason, the guideline-gap comments, the schema, how to load the files), with charts saved
offline beside it. What the tool cannot know (licence, purpose, language) is a marked
placeholder. Text from the data (sentences, comments, names) is escaped with ``md_text``, so
it cannot add HTML, links or Markdown structure to the card.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._atomic import write_bytes_atomic
from .adjudication import GUIDELINE_GAP, REASONS, conflicts, read_decisions
from .agreement import agreement
from .gold import DECIDED_BY
from .labels import DEFAULT_SCHEME, LabelScheme
from .log import annotator_key, annotator_slug, log_files, read_annotations

TODO = "**[TODO: {}]**"
AGREEMENT_HEADER = ("measure", "label", "between", "value", "95% CI", "n sentences",
                    "n annotators", "note")  # fmt: skip
MAX_CONFUSION_CHARTS = 20
# Linear: a scheme is at most 32 characters, and an address starts at a word's first character
# (where the leftmost match began anyway) and takes its first "@" and the first "." after it.
_URL_LIKE = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]{0,31}:/*|\bwww\.)\S+|(?<!\S)\S[^\s@]*@\S[^\s.]*\.\S+"
)
# Characters that start Markdown syntax inline or at the start of a block (a list item's text).
_PUNCTUATION = frozenset("!#$&()*+-<>[\\]^_`{|}~")
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")

COLUMN_DOCS: dict[str, str] = {
    "schema": "Always `factcheck-gold/1`: the version of this layout.",
    "article_id": "The article the sentence belongs to.",
    "sentence_id": "Stable id of the sentence (article id, index, hash of the text).",
    "sentence_index": "Position of the sentence in its article, from 0.",
    "start": "Character offset of the sentence in the cleaned article text.",
    "end": "Index of the first character after the sentence (end exclusive).",
    "text": "The sentence as the annotators saw it.",
    "label": "The final label; empty when unresolved.",
    "label_id": "Parquet only: the final label as a `ClassLabel` index, -1 when unresolved.",
    "decided_by": "`unanimous`, `majority`, `adjudicated` or `unresolved`.",
    "majority_label": "The label the votes alone give under the policy (before adjudication).",
    "n_annotators": "How many annotators labelled the sentence.",
    "n_votes": "Labels counted (one per annotator).",
    "agreement": "Share of annotators who chose the most frequent label.",
    "n_flagged": "How many annotators flagged the sentence for discussion.",
    "annotators": "Who labelled the sentence.",
    "adjudicator": "Who decided it, if anyone (several: comma-separated).",
    "reason": "Why the adjudicator decided so: " + ", ".join(REASONS) + ".",
    "comment": "The adjudicator's comment.",
    "conflict": "Adjudicators who decided differently, with their labels.",
    "source": "The article's file or corpus row.",
    "scheme": "The label scheme id (`name@version`).",
    "log_schema": "The annotation log layout the labels came from.",
    "adjudication_schema": "The decisions log layout, if decisions were applied.",
    "last_event": "Time (UTC) of the last label, undo or decision on the sentence.",
}


def md_text(value: object) -> str:
    """Untrusted text as inert Markdown: one line, the characters that start Markdown or HTML
    (``< > & [ ] ( ) * _ # | ...``) backslash-escaped, URL- or e-mail-like words in code spans,
    so no HTML, link, image, emphasis, heading or table cell can come from the data."""
    text = " ".join(str(value).split())
    out: list[str] = []
    position = 0
    for match in _URL_LIKE.finditer(text):
        out.append(_escape_plain(text[position : match.start()]))
        out.append(_code_span(match.group()))
        position = match.end()
    out.append(_escape_plain(text[position:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    out = "".join("\\" + c if c in _PUNCTUATION else c for c in text)
    return _LEADING_NUMBER.sub(r"\1\\\2", out)  # "1. x" would start an ordered list


def _code_span(text: str) -> str:
    """A code span holding ``text`` literally (a fence longer than any backtick run in it);
    ``|`` is escaped, which GFM tables require even inside code."""
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    return f"{fence} {text.replace('|', chr(92) + '|')} {fence}"


def _number(value: float, digits: int = 3) -> str:
    return (
        "undefined"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:.{digits}f}"
    )


def _ci(low: float, high: float) -> str:
    """A confidence interval as text, or a dash when there is none (undefined, no bootstrap)."""
    return "—" if math.isnan(low) or math.isnan(high) else f"{low:.3f} – {high:.3f}"


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GFM table; cells must already be escaped (``md_text``) or be the card's own text."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return name
    return "100K<n<1M" if n < 1_000_000 else "n>1M"


@dataclass(frozen=True)
class CardData:
    """Everything the card reports, computed once from the logs and decisions."""

    annotations: pd.DataFrame
    gold: pd.DataFrame
    decisions: pd.DataFrame
    agreement: pd.DataFrame
    quality: pd.DataFrame
    before_after: pd.DataFrame
    scheme: LabelScheme
    policy: str


def card_data(
    logs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    adjudications: str | os.PathLike[str] | None = None,
    *,
    policy: str = "strict",
    scheme: LabelScheme = DEFAULT_SCHEME,
    n_boot: int = 1000,
) -> CardData:
    """Read the logs and decisions and compute the gold standard and every figure."""
    from .gold import annotator_quality, gold, quality_before_after

    table = gold(logs, adjudications, policy=policy, scheme=scheme)  # checks the input
    votes_only = gold(logs, policy=policy, scheme=scheme)
    schemes = (scheme,) if scheme.id == DEFAULT_SCHEME.id else (scheme, DEFAULT_SCHEME)
    annotations = read_annotations(log_files(logs), schemes=schemes)
    decisions = read_decisions(adjudications) if adjudications is not None else None
    return CardData(
        annotations=annotations,
        gold=table,
        decisions=decisions if decisions is not None else read_decisions([]),
        agreement=agreement(annotations, labels=scheme.names, n_boot=n_boot),
        quality=annotator_quality(annotations, table, scheme=scheme, n_boot=n_boot),
        before_after=quality_before_after(annotations, votes_only, table, scheme=scheme, n_boot=0),
        scheme=scheme,
        policy=policy,
    )


def card_markdown(
    data: CardData, *, charts: Sequence[tuple[str, str]] = (), data_file: str = "gold.parquet"
) -> str:
    """The card's Markdown; ``charts`` are (caption, relative path) pairs to embed."""
    g, ann, scheme = data.gold, data.annotations, data.scheme
    n_sentences = len(g)
    names = sorted(pd.unique(ann["annotator"]).astype(str), key=annotator_key)
    decided = g[g["label"] != ""]
    parts: list[str] = [
        "---",
        "# Hugging Face dataset card metadata; fill in the TODO fields.",
        "pretty_name: TODO  # a short name for the dataset",
        "license: unknown  # TODO: the licence of the texts and of the labels",
        "language: []  # TODO: ISO 639-1 codes of the articles, e.g. [en]",
        "task_categories:",
        "- text-classification",
        "size_categories:",
        f"- {_size_category(n_sentences)}",
        "configs:",
        "- config_name: default",
        f"  data_files: {data_file}",
        "---",
        "",
        "# Dataset card",
        "",
        "## Dataset description",
        "",
        f"{n_sentences:,} sentences from {g['article_id'].nunique():,} news articles, each "
        f"labelled by up to {int(g['n_annotators'].max()) if n_sentences else 0} of "
        f"{len(names)} annotators with the label scheme `{md_text(scheme.id)}` "
        f"({', '.join(md_text(n) for n in scheme.names)}), then adjudicated. "
        f"{len(decided):,} sentences have a final label; "
        f"{n_sentences - len(decided):,} are unresolved.",
        "",
        f"- Curated by: {TODO.format('who made the dataset')}",
        f"- Funded by: {TODO.format('funding, if any')}",
        f"- Language(s): {TODO.format('language of the articles')}",
        f"- License: {TODO.format('licence')}",
        "",
        "## Uses",
        "",
        f"- Direct use: {TODO.format('what the dataset is for')}",
        f"- Out-of-scope use: {TODO.format('what it must not be used for')}",
        "",
        "## Dataset structure",
        "",
        f"One row per sentence (`{md_text(data_file)}`). Majority policy: `{data.policy}` "
        + (
            "(more than half of the annotators who labelled the sentence)."
            if data.policy == "strict"
            else "(more votes than any other label; a tie is no majority)."
        ),
        "",
        "### Data fields",
        "",
        _table(
            ["field", "description"],
            [(f"`{name}`", COLUMN_DOCS.get(name, _votes_doc(name))) for name in _fields(g)],
        ),
        "",
        "### Labels",
        "",
    ]
    for label in scheme:
        parts.append(
            f"- **{md_text(label.name)}** — {md_text(label.definition)} "
            f"*Example:* {md_text(label.example)}"
        )
    if scheme.rules:
        parts += ["", "Rules of the guidelines:", ""]
        parts += [f"1. {md_text(rule)}" for rule in scheme.rules]
    parts += ["", "### Counts", "", _counts_section(data), ""]
    parts += ["## Dataset creation", "", "### Curation rationale", ""]
    parts += [TODO.format("why the dataset was made (Datasheets: Motivation)"), ""]
    parts += ["### Source data", "", _sources_section(data), ""]
    parts += ["### Annotations", "", "#### Annotation process", ""]
    parts += [
        "Each annotator labelled sentences alone in factcheck's labelling view, following the "
        "guidelines above; every label, clear and undo is an event in the annotator's log "
        "(`factcheck-log/1`). Disagreements were settled by adjudicators, whose decisions "
        "(`factcheck-adjudication/1`) never change an annotator's labels.",
        "",
        "#### Who are the annotators?",
        "",
        TODO.format("who the annotators are, how they were recruited and paid"),
        "",
        _annotators_section(data, names),
        "",
        "#### Agreement",
        "",
        _agreement_section(data),
        "",
        "#### Adjudication",
        "",
        _adjudication_section(data),
        "",
        "#### Annotator quality against the gold standard",
        "",
        _quality_section(data),
        "",
    ]
    if charts:
        parts += ["### Charts", ""]
        parts += [f"![{caption}]({path})" for caption, path in charts]
        parts.append("")
    parts += [
        "## How to load",
        "",
        "```python",
        "import pandas as pd",
        f'gold = pd.read_parquet("{data_file}")',
        "# or, from the CSV (keep empty labels as empty strings):",
        '# gold = pd.read_csv("gold.csv", keep_default_na=False)',
        "",
        "from datasets import load_dataset",
        f'ds = load_dataset("parquet", data_files="{data_file}", split="train")',
        'ds.features["label_id"].names  # the labels, in the scheme\'s order',
        "```",
        "",
        "## Bias, risks, and limitations",
        "",
        _limitations_section(data),
        "",
        TODO.format("known biases of the article selection and of the annotators"),
        "",
        "## Datasheet (Gebru et al., Datasheets for Datasets)",
        "",
        f"- Motivation: {TODO.format('for what purpose, by whom, funded by whom')}",
        f"- Composition: {n_sentences:,} instances (sentences) with {len(scheme.names)} labels; "
        f"{n_sentences - len(decided):,} have no final label (see `decided_by`); offsets point "
        "into the cleaned article text.",
        f"- Collection process: labels given between {_period(ann)}, by {len(names)} "
        "annotators; see Annotations.",
        "- Preprocessing: articles cleaned of page furniture and split into sentences by "
        "factcheck; `start`/`end` are character offsets in the cleaned text.",
        f"- Uses: {TODO.format('tasks the dataset has been or should be used for')}",
        f"- Distribution: {TODO.format('where and under which licence it is published')}",
        f"- Maintenance: {TODO.format('who maintains it and how errors are reported')}",
        "",
        "## Citation",
        "",
        TODO.format("how to cite the dataset"),
        "",
    ]
    return "\n".join(parts)


def _fields(g: pd.DataFrame) -> list[str]:
    columns = list(g.columns)
    columns.insert(columns.index("label") + 1, "label_id")
    return columns


def _votes_doc(name: str) -> str:
    if name.startswith("votes_"):
        return f"Annotators who chose `{md_text(name.removeprefix('votes_'))}`."
    return ""


def _period(ann: pd.DataFrame) -> str:
    if ann.empty:
        return "(no labels)"
    low, high = ann["timestamp"].min(), ann["timestamp"].max()
    return f"{low:%Y-%m-%d} and {high:%Y-%m-%d} (UTC)"


def _counts_section(data: CardData) -> str:
    g = data.gold
    by_label = g["label"].replace("", "(unresolved)").value_counts()
    given = data.annotations["label"].value_counts()
    labels = [*data.scheme.names, "(unresolved)"]
    rows = [(md_text(lab), int(by_label.get(lab, 0)), int(given.get(lab, 0))) for lab in labels]
    how = g["decided_by"].value_counts()
    decided = [(name, int(how.get(name, 0))) for name in DECIDED_BY]
    return "\n\n".join(
        [
            _table(["label", "final labels", "labels given by annotators"], rows),
            _table(["decided_by", "sentences"], decided),
        ]
    )


def _sources_section(data: CardData) -> str:
    g = data.gold
    per_source = g.groupby("source", sort=True).agg(
        articles=("article_id", "nunique"), sentences=("sentence_id", "size")
    )
    per_article = g.groupby("article_id", sort=True).agg(
        sentences=("sentence_id", "size"),
        unresolved=("label", lambda s: int((s == "").sum())),
    )
    return "\n\n".join(
        [
            "Per source:",
            _table(
                ["source", "articles", "sentences"],
                [(md_text(s), int(r.articles), int(r.sentences)) for s, r in per_source.iterrows()],
            ),
            "Per article:",
            _table(
                ["article", "sentences", "unresolved"],
                [
                    (md_text(a), int(r.sentences), int(r.unresolved))
                    for a, r in per_article.iterrows()
                ],
            ),
            TODO.format("where the articles come from and who wrote them"),
        ]
    )


def _annotators_section(data: CardData, names: list[str]) -> str:
    ann = data.annotations
    per = ann.groupby("annotator").agg(labels=("label", "size"), articles=("article_id", "nunique"))
    rows = [(md_text(n), int(per.loc[n, "labels"]), int(per.loc[n, "articles"])) for n in names]
    overlap = data.gold["n_annotators"].value_counts().sort_index()
    text = [
        _table(["annotator", "sentences labelled", "articles"], rows),
        "Overlap (sentences by number of annotators who labelled them):",
        _table(["annotators", "sentences"], [(int(k), int(v)) for k, v in overlap.items()]),
    ]
    if 2 <= len(names) <= 12:
        keyed = ann.assign(_item=ann["article_id"] + "\x00" + ann["sentence_id"])
        sets = {n: set(keyed.loc[keyed["annotator"] == n, "_item"]) for n in names}
        matrix = [
            (md_text(a), *(len(sets[a] & sets[b]) if a != b else "—" for b in names)) for a in names
        ]
        text += [
            "Sentences labelled by both annotators of each pair:",
            _table(["", *(md_text(n) for n in names)], matrix),
        ]
    return "\n\n".join(text)


def _agreement_section(data: CardData) -> str:
    rows = []
    for r in data.agreement.itertuples():
        pair = (
            f"{md_text(r.annotator_a)} – {md_text(r.annotator_b)}"
            if r.annotator_a != "(all)"
            else "all annotators"
        )
        ci = f"{_number(r.ci_low)} – {_number(r.ci_high)}" if not math.isnan(r.ci_low) else "—"
        rows.append(
            (f"`{r.measure}`", md_text(r.label), pair, _number(r.value), ci, int(r.n_items),
             int(r.n_annotators), md_text(r.note))
        )  # fmt: skip
    return (
        "Agreement between annotators (`factcheck.agreement`), with 95% bootstrap intervals "
        "over sentences. Percent agreement for a label is the specific agreement for it.\n\n"
        + _table(AGREEMENT_HEADER, rows)
    )


def _adjudication_section(data: CardData) -> str:
    d = data.decisions
    if d.empty:
        return "No adjudication decisions were applied."
    reasons = d["reason"].value_counts()
    rows = []
    for reason in REASONS:
        subset = d[d["reason"] == reason]
        rows.append((reason, int(reasons.get(reason, 0)), int((subset["label"] == "").sum())))
    found = conflicts(d)
    text = [
        f"{len(d):,} decisions by {d['adjudicator'].map(annotator_key).nunique()} "
        f"adjudicator(s) on {d['sentence_id'].nunique():,} sentences; "
        f"{len(found):,} sentence(s) with conflicting decisions stay unresolved.",
        _table(["reason", "decisions", "left unresolved"], rows),
    ]
    gaps = d[(d["reason"] == GUIDELINE_GAP) & (d["comment"].str.strip() != "")]
    text.append("Guideline-gap comments (what the guidelines should say next):")
    if gaps.empty:
        text.append("None.")
    else:
        texts = data.gold.set_index("sentence_id")["text"]
        text.append(
            "\n".join(
                f"- {md_text(row.comment)} — *{md_text(row.adjudicator)}*, on "
                f"“{md_text(texts.get(row.sentence_id, row.sentence_id))}” "
                f"(decided: {md_text(row.label or '(unresolved)')})"
                for row in gaps.itertuples()
            )
        )
    return "\n\n".join(text)


def _quality_section(data: CardData) -> str:
    rows = [
        (md_text(r.annotator), int(r.n), _number(r.accuracy),
         _ci(r.accuracy_ci_low, r.accuracy_ci_high), _number(r.cohen_kappa),
         _ci(r.kappa_ci_low, r.kappa_ci_high), md_text(r.note))
        for r in data.quality.itertuples()
    ]  # fmt: skip
    changes = [
        (md_text(r.annotator), int(r.n_before), _number(r.accuracy_before),
         _number(r.cohen_kappa_before), int(r.n_after), _number(r.accuracy_after),
         _number(r.cohen_kappa_after))
        for r in data.before_after.itertuples()
    ]  # fmt: skip
    return "\n\n".join(
        [
            "Each annotator against the final labels (the gold standard as one more rater in "
            "`factcheck.agreement`):",
            _table(
                ["annotator", "n", "accuracy", "95% CI", "Cohen's kappa", "95% CI", "note"], rows
            ),
            "Before adjudication (against the votes alone) and after (against the final "
            "labels); the annotators' agreement with each other does not change:",
            _table(
                [
                    "annotator",
                    "n before",
                    "accuracy before",
                    "kappa before",
                    "n after",
                    "accuracy after",
                    "kappa after",
                ],
                changes,
            ),
        ]
    )


def _limitations_section(data: CardData) -> str:
    shares = data.gold.loc[data.gold["label"] != "", "label"].value_counts(normalize=True)
    if shares.empty:
        return "No sentence has a final label yet."
    top, share = shares.index[0], float(shares.iloc[0])
    text = f"The most frequent final label, {md_text(top)}, covers {share:.0%} of the labelled "
    if share < 0.6:
        return text + "sentences."
    return text + (
        "sentences: with a dominant label, kappa can be low while percent agreement is high "
        "(compare Gwet's AC1 above)."
    )


def chart_paths(out: Path, annotators: Sequence[str], fmt: str = "png") -> list[tuple[str, Path]]:
    """(caption, path) of every chart the card embeds, saved beside ``out``."""
    stem = out.with_suffix("").name
    paths = [("Labels given by each annotator", out.with_name(f"{stem}-labels.{fmt}"))]
    for name in list(annotators)[:MAX_CONFUSION_CHARTS]:
        paths.append(
            (f"{name} against the gold standard",
             out.with_name(f"{stem}-confusion-{annotator_slug(name)}.{fmt}"))
        )  # fmt: skip
    return paths


def write_card(
    logs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    adjudications: str | os.PathLike[str] | None = None,
    *,
    policy: str = "strict",
    scheme: LabelScheme = DEFAULT_SCHEME,
    chart_format: str = "png",
    data_file: str = "gold.parquet",
    n_boot: int = 1000,
    check_outputs: Callable[[list[Path]], None] | None = None,
) -> Path:
    """Write the dataset card and its charts (PNG or SVG, rendered offline) beside it.

    ``check_outputs`` is called with every path about to be written, before any is (the CLI
    refuses paths it reads). Every file is replaced atomically.
    """
    from .charts import label_mix, save_chart
    from .gold import quality_chart

    if chart_format not in ("png", "svg"):
        raise ValueError(f"chart_format must be 'png' or 'svg', not {chart_format!r}.")
    target = Path(out).expanduser()
    data = card_data(logs, adjudications, policy=policy, scheme=scheme, n_boot=n_boot)
    names = sorted(pd.unique(data.annotations["annotator"]).astype(str), key=annotator_key)
    charts = chart_paths(target, names, chart_format)
    if check_outputs is not None:
        check_outputs([target, *(path for _, path in charts)])
    save_chart(label_mix(data.annotations, by="annotator", scheme=scheme), charts[0][1])
    if not (data.gold["label"] != "").any():
        charts = charts[:1]  # nothing decided yet: no confusion with gold to draw
    for name, (_, path) in zip(names, charts[1:], strict=False):
        save_chart(quality_chart(data.annotations, data.gold, name, scheme=scheme), path)
    embedded = [(md_text(caption), path.name) for caption, path in charts]
    text = card_markdown(data, charts=embedded, data_file=data_file)
    return write_bytes_atomic(target, text.encode("utf-8"))
