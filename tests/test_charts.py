"""Tests for factcheck.charts: specs valid, colours shared, input untouched, small, saved offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import jsonschema
import numpy as np
import pandas as pd
import pytest
from altair.vegalite.v6.schema.core import load_schema

from factcheck.charts import (
    CHART_KINDS,
    FALLBACK_PALETTE,
    TIE,
    TIE_COLOUR,
    chart_by_kind,
    chart_html,
    confusion_heatmap,
    disagreement_chart,
    label_colours,
    label_mix,
    overview_chart,
    progress_chart,
    save_chart,
    sentence_cells,
    sentence_strip,
)
from factcheck.errors import InputError
from factcheck.labels import DEFAULT_SCHEME, Label

COLUMNS = (
    "schema", "timestamp", "annotator", "article_id", "sentence_id", "sentence_index",
    "start", "end", "label", "note", "action", "scheme", "source", "text",
)  # fmt: skip
LABELS = np.array(["verified", "unconfirmed", "opinion"])
SPEC_LIMIT = 200_000


def _strings(codes: np.ndarray, names: list[str]) -> pd.Series:
    """A str column from integer codes, built through a categorical (fast at 1M rows)."""
    return pd.Series(pd.Categorical.from_codes(codes, categories=names)).astype("str")


def synthetic(n_events: int, annotators: int = 4, per_article: int = 25, seed: int = 0):
    """A read_annotations table of ``n_events`` labels, built with numpy (1M rows in ~1 s)."""
    rng = np.random.default_rng(seed)
    n_sentences = -(-n_events // annotators)
    item = np.repeat(np.arange(n_sentences), annotators)[:n_events]
    rater = np.tile(np.arange(annotators), n_sentences)[:n_events]
    truth = rng.choice(3, size=n_sentences, p=[0.5, 0.3, 0.2])
    label = np.where(rng.random(n_events) < 0.75, truth[item], rng.integers(0, 3, n_events))
    article, index = item // per_article, item % per_article
    n_articles = int(article.max()) + 1
    templates = [
        "The council approved a budget of {} million on Monday.",
        'Residents said the plan was "a disgrace" at meeting {}.',
        "The project reportedly employs {} people, a figure nobody has confirmed.",
    ]
    texts = [t.format(k) for k in range(per_article) for t in templates[:1]]
    seconds = np.sort(rng.integers(0, 3 * 86_400, n_events))
    df = pd.DataFrame(
        {
            "schema": _strings(np.zeros(n_events, int), ["factcheck-log/1"]),
            "timestamp": pd.Timestamp("2026-11-20", tz="UTC") + pd.to_timedelta(seconds, unit="s"),
            "annotator": _strings(rater, [f"ann{j}" for j in range(annotators)]),
            "article_id": _strings(article, [f"article-{a:05d}" for a in range(n_articles)]),
            "sentence_id": _strings(item, [f"s{i:07d}" for i in range(n_sentences)]),
            "sentence_index": index.astype("int64"),
            "start": (index * 60).astype("int64"),
            "end": (index * 60 + 55).astype("int64"),
            "label": _strings(label, list(LABELS)),
            "note": _strings(np.zeros(n_events, int), [""]),
            "action": _strings(np.zeros(n_events, int), ["label"]),
            "scheme": _strings(np.zeros(n_events, int), ["default@1"]),
            "source": _strings(article % 3, ["valley-courier.test", "harbour-herald.test", ""]),
            "text": _strings(index, texts),
        }
    )
    return df[list(COLUMNS)]


def table(rows: list[tuple[str, str, int, str]], text: dict[int, str] | None = None):
    """A read_annotations table from (annotator, article, sentence index, label) tuples."""
    text = text or {}
    records = []
    for n, (annotator, article, index, label) in enumerate(rows):
        sentence = text.get(index, f"Fictional sentence {index} about the harbour budget.")
        records.append(
            {
                "schema": "factcheck-log/1",
                "timestamp": pd.Timestamp("2026-11-24T09:00:00Z") + pd.Timedelta(minutes=n),
                "annotator": annotator,
                "article_id": article,
                "sentence_id": f"{article}-{index:04d}",
                "sentence_index": index,
                "start": 0,
                "end": len(sentence),
                "label": label,
                "note": "",
                "action": "label",
                "scheme": "default@1",
                "source": f"https://news.example.test/{article}",
                "text": sentence,
            }
        )
    return pd.DataFrame(records, columns=list(COLUMNS))


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    """Three annotators, two articles, some disagreement and a tie."""
    rows = []
    for annotator, labels in {
        "ana": ["verified", "opinion", "unconfirmed", "opinion", "verified"],
        "ben": ["verified", "opinion", "verified", "unconfirmed", "verified"],
        "cy": ["verified", "unconfirmed", "unconfirmed", "verified", "verified"],
    }.items():
        rows += [(annotator, "bridge", i, label) for i, label in enumerate(labels)]
        rows += [(annotator, "harbour", 0, "opinion")]
    return table(rows)


def colour_maps(spec: dict) -> list[dict[str, str]]:
    """Every label -> colour mapping found in a Vega-Lite spec's colour scales."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            colour = node.get("color")
            if isinstance(colour, dict) and colour.get("field") == "label":
                scale = colour["scale"]
                found.append(dict(zip(scale["domain"], scale["range"], strict=True)))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def dataset(spec: dict, index: int = 0) -> list[dict]:
    """The rows of the spec's ``index``-th inline dataset."""
    return list(spec["datasets"].values())[index]


@pytest.mark.parametrize("kind", list(CHART_KINDS))
def test_every_chart_kind_is_a_valid_vega_lite_spec(small, kind):
    """Test that each chart kind validates against the bundled Vega-Lite JSON schema."""
    spec = chart_by_kind(small, kind).to_dict(validate=True)
    jsonschema.validators.validator_for(load_schema())(load_schema()).validate(spec)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_label_colours_match_the_scheme_in_every_chart(small):
    """Test that every chart colours a label with the scheme's colour (the widget's)."""
    expected = DEFAULT_SCHEME.colours | {TIE: TIE_COLOUR}
    seen = 0
    for kind in CHART_KINDS:
        for mapping in colour_maps(chart_by_kind(small, kind).to_dict()):
            assert {k: expected[k] for k in mapping} == mapping, kind
            seen += 1
    assert seen >= 6


def test_labels_outside_the_scheme_get_the_same_fallback_colour_everywhere(small):
    """Test that extra labels get fixed fallback colours, identical across charts."""
    df = small.copy()
    df.loc[df["sentence_index"] == 4, "label"] = "satire"
    df.loc[df["article_id"] == "harbour", "label"] = "false"
    assert label_colours(["satire", "false"]) == DEFAULT_SCHEME.colours | {
        "false": FALLBACK_PALETTE[0],
        "satire": FALLBACK_PALETTE[1],
    }
    mappings = [m for kind in CHART_KINDS for m in colour_maps(chart_by_kind(df, kind).to_dict())]
    assert {m["satire"] for m in mappings} == {FALLBACK_PALETTE[1]}
    assert {m["false"] for m in mappings} == {FALLBACK_PALETTE[0]}


def test_custom_scheme_colours_are_used(small):
    """Test that a teacher's scheme with its own colours drives the chart colours."""
    scheme = DEFAULT_SCHEME.with_labels(Label("false", "Refuted.", "x", "4", "#D55E00"))
    spec = label_mix(small, "annotator", scheme=scheme).to_dict()
    assert colour_maps(spec)[0]["false"] == "#D55E00"


def test_charts_leave_the_input_unchanged(small):
    """Test that building every chart kind does not modify the DataFrame."""
    before = small.copy(deep=True)
    for kind in CHART_KINDS:
        chart_by_kind(small, kind).to_dict()
    pd.testing.assert_frame_equal(small, before)


def test_label_mix_counts_and_shares_per_annotator(small):
    """Test that the per-annotator mix carries the right counts and shares."""
    rows = dataset(label_mix(small, "annotator").to_dict())
    ana = {r["label"]: (r["count"], r["share"]) for r in rows if r["group"] == "ana"}
    assert ana == {
        "verified": (2, pytest.approx(2 / 6)),
        "opinion": (3, pytest.approx(3 / 6)),
        "unconfirmed": (1, pytest.approx(1 / 6)),
    }
    shares = label_mix(small, "annotator", share=True).to_dict()
    assert shares["encoding"]["x"]["stack"] == "normalize"


def test_label_mix_pools_small_groups_beyond_the_cap():
    """Test that groups beyond ``max_groups`` are pooled into one '(N others)' bar."""
    rows = [("ana", f"article-{a:02d}", 0, "verified") for a in range(12)]
    spec = label_mix(table(rows), "article", max_groups=5).to_dict()
    groups = {r["group"] for r in dataset(spec)}
    assert len(groups) == 6 and "(7 other articles)" in groups


def test_strip_colours_cells_by_majority_label_with_ties_grey(small):
    """Test that each strip cell takes the majority label, and a split sentence is a tie."""
    cells = sentence_cells(small)
    bridge = cells[cells["article_id"] == "bridge"].set_index("start")["label"].to_dict()
    assert bridge == {1: "verified", 2: "opinion", 3: "unconfirmed", 4: TIE, 5: "verified"}
    spec = sentence_strip(small).to_dict()
    assert any("Fictional sentence 3" in r["text"] for r in dataset(spec))


def test_strip_bins_long_articles_and_caps_articles():
    """Test that long articles become runs of sentences and only ``max_articles`` are shown."""
    rows = [("ana", f"a{a}", i, LABELS[(i // 10) % 3]) for a in range(5) for i in range(100)]
    cells = sentence_cells(table(rows), max_articles=3, max_cells=60)
    assert cells["article_id"].nunique() == 3
    assert len(cells) <= 60
    first = cells[cells["article_id"] == "a0"]
    assert first["n_sentences"].sum() == 100
    assert first["start"].min() == 1 and first["end"].max() == 100
    assert (first["start"].to_numpy()[1:] == first["end"].to_numpy()[:-1] + 1).all()
    assert first["sentences"].iloc[0] == "sentences 1–5"


def test_confusion_heatmap_counts_shared_sentences(small):
    """Test that the heatmap counts (label by A, label by B) over sentences both labelled."""
    spec = confusion_heatmap(small, "ana", "ben").to_dict()
    counts = {(r["label_a"], r["label_b"]): r["count"] for r in dataset(spec)}
    assert counts[("verified", "verified")] == 2
    assert counts[("opinion", "opinion")] == 2
    assert counts[("unconfirmed", "verified")] == 1
    assert sum(counts.values()) == 6
    assert len(counts) == 9


def test_confusion_heatmap_needs_two_annotators():
    """Test that a single annotator gives a clear error, not an empty heatmap."""
    with pytest.raises(InputError, match=r"needs two annotators.*ana"):
        confusion_heatmap(table([("ana", "a", 0, "opinion")]))


def test_disagreement_chart_lists_contested_sentences_first(small):
    """Test that only contested sentences appear, most contested first, with their votes."""
    rows = dataset(disagreement_chart(small).to_dict())
    assert [r["sentence"].split(":")[0] for r in rows] == ["bridge #4", "bridge #2", "bridge #3"]
    assert [r["label"] for r in rows] == [TIE, "opinion", "unconfirmed"]
    assert rows[0]["votes"] == "verified 1, unconfirmed 1, opinion 1"
    assert rows[0]["majority_share"] == pytest.approx(1 / 3)
    entropy = dataset(disagreement_chart(small, measure="entropy").to_dict())
    assert entropy[0]["entropy"] >= entropy[-1]["entropy"]


def test_progress_ends_at_each_annotators_label_count(small):
    """Test that the cumulative progress line ends at the number of labels per annotator."""
    rows = pd.DataFrame(dataset(progress_chart(small).to_dict()))
    final = rows.groupby("annotator")["labels"].max().to_dict()
    assert final == {"ana": 6, "ben": 6, "cy": 6}
    assert rows.groupby("annotator")["labels"].min().eq(0).all()


def test_overview_links_article_selection_to_the_strip(small):
    """Test that the linked view filters the strip by the bar chart's article selection."""
    spec = overview_chart(small).to_dict()
    bars, strip = spec["vconcat"]
    params = {p["name"]: p for p in spec.get("params", []) + bars.get("params", [])}
    assert params["article"]["select"]["fields"] == ["article_id"]
    assert params["legend_label"]["bind"] == "legend"
    assert {"filter": {"param": "article"}} in strip["transform"]


def test_chart_by_kind_rejects_unknown_kind(small):
    """Test that an unknown kind names the known kinds."""
    with pytest.raises(InputError, match=r"Unknown chart kind 'pie'.*strip"):
        chart_by_kind(small, "pie")


def test_empty_table_still_gives_valid_charts():
    """Test that an empty annotation table gives valid (empty) charts, except confusion."""
    empty = table([])
    for kind in CHART_KINDS:
        if kind == "confusion":
            continue
        chart_by_kind(empty, kind).to_dict(validate=True)


@pytest.mark.slow
def test_specs_stay_small_on_a_million_events():
    """Test that every chart of 1,000,000 events has a spec under 200 KB."""
    big = synthetic(1_000_000, annotators=5)
    for kind in CHART_KINDS:
        size = len(json.dumps(chart_by_kind(big, kind).to_dict()))
        assert size < SPEC_LIMIT, (kind, size)


def test_save_chart_writes_png_svg_and_offline_html(small, tmp_path):
    """Test that save_chart writes a real PNG, an SVG and self-contained HTML."""
    chart = sentence_strip(small)
    png = save_chart(chart, tmp_path / "strip.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (save_chart(chart, tmp_path / "strip.svg")).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    page = save_chart(chart, tmp_path / "strip.html").read_text(encoding="utf-8")
    assert "Sentence labels in reading order" in page
    assert "Fictional sentence 3 about the harbour budget." in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page)
    assert "vegaEmbed" in page and "https://cdn" not in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["strip.html", "strip.png", "strip.svg"]


def test_html_escapes_article_text_that_tries_to_close_the_script(tmp_path):
    """Test that '</script><img onerror>' in a sentence cannot break out of the spec."""
    evil = '"Hi"</script><img src=x onerror="alert(1)"><!-- more'
    df = table([("ana", "a", 0, "opinion"), ("ben", "a", 0, "verified")], text={0: evil})
    page = chart_html(sentence_strip(df))
    assert "</script><img" not in page and "<img src=x" not in page and "<!-- more" not in page
    start = page.index("const spec = ") + len("const spec = ")
    spec = json.loads(page[start : page.index(";\nvegaEmbed")])
    assert [r["text"] for r in dataset(spec)] == [evil]


def test_save_chart_bad_suffix_leaves_existing_file_alone(small, tmp_path):
    """Test that an unsupported suffix raises, naming the file, and overwrites nothing."""
    target = tmp_path / "chart.pdf"
    target.write_bytes(b"precious")
    with pytest.raises(InputError, match=r"chart\.pdf.*\.html, \.png or \.svg"):
        save_chart(label_mix(small), target)
    assert target.read_bytes() == b"precious"


def test_failed_render_keeps_the_previous_file(tmp_path):
    """Test that a chart that cannot be rendered leaves the existing file intact."""
    target = tmp_path / "chart.svg"
    target.write_text("<svg>old</svg>", encoding="utf-8")
    broken = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    broken.mark = "no-such-mark"
    with pytest.raises(Exception):  # noqa: B017 - altair or vl-convert, either is fine
        save_chart(broken, target)
    assert target.read_text(encoding="utf-8") == "<svg>old</svg>"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]


@pytest.mark.browser
def test_label_mix_of_a_history_table_counts_current_labels_only():
    """Test that label_mix given history=True counts each annotator's latest label once."""
    from factcheck.log import read_annotations

    examples = Path(__file__).resolve().parent.parent / "annotations" / "examples"
    current = label_mix(read_annotations(examples)).to_dict()
    history = label_mix(read_annotations(examples, history=True)).to_dict()
    assert history["title"] == current["title"]


def test_charts_render_offline_with_a_static_fallback():
    """Test that importing factcheck.charts makes Altair show charts with no CDN: the
    widget carries vl-convert's bundled Vega, and the bundle has a PNG and a plain name."""
    import altair as alt
    from altair import JupyterChart

    from factcheck.charts import OFFLINE_RENDERER

    assert alt.renderers.active == OFFLINE_RENDERER
    chart = label_mix(synthetic(200), "article")
    data, _ = chart._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert JupyterChart._is_offline and "cdn" not in JupyterChart._esm[:2000].lower()
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert data["text/plain"].startswith("factcheck chart")


def test_a_renderer_the_user_chose_is_left_alone():
    """Test that enable_offline_charts keeps a renderer the user picked, unless forced."""
    import altair as alt

    from factcheck.charts import OFFLINE_RENDERER, enable_offline_charts

    try:
        alt.renderers.enable("svg")
        assert enable_offline_charts() == "svg"
        assert enable_offline_charts(force=True) == OFFLINE_RENDERER
    finally:
        alt.renderers.enable(OFFLINE_RENDERER)
