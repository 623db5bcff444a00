"""Tests for the dataset card (factcheck.card) and the logs -> gold -> card path from the CLI."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import mistune
import pytest

from factcheck.adjudication import ANNOTATOR_SLIP, GENUINELY_AMBIGUOUS, GUIDELINE_GAP, DecisionLog
from factcheck.agreement import agreement
from factcheck.card import card_data, card_markdown, md_text, write_card
from factcheck.log import AnnotationLog, read_annotations
from tests._log_helpers import article

EVIL = "<img src=x onerror=alert(1)> [click](http://evil.example/x) ![i](http://evil.example/i.png) **bold** `code` | cell"
TEXT = (
    "The council approved a 4.2 million budget for the bridge, officials said on Tuesday.\n"
    '"This is the boldest repair plan the county has ever seen," said councillor Maren Holt.\n'
    "The contractor <script>alert(1)</script> reportedly employs 300 people in the region.\n"
    "Residents called the decision overdue."
)
SENTENCES = article(TEXT, id="riverside").sentences
LABELS = {
    "ana": ("verified", "opinion", "unconfirmed", "opinion"),
    "ben": ("verified", "opinion", "verified", "opinion"),
    "chloe": ("verified", "verified", "opinion", "opinion"),
}


def html_of(markdown: str) -> str:
    """The card rendered as a Markdown viewer would (tables and URLs enabled)."""
    return mistune.create_markdown(plugins=["table", "url", "strikethrough"])(markdown)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Three annotators' real logs and one adjudicator's decisions, under tmp_path."""
    for name, chosen in LABELS.items():
        log = AnnotationLog(annotator=name, folder=tmp_path / "annotations")
        for sentence, label in zip(SENTENCES, chosen, strict=True):
            log.record(sentence, label, source="articles/riverside.md")
    lee = DecisionLog("lee", tmp_path / "adjudications")
    lee.decide(SENTENCES[2].id, "unconfirmed", reason=GUIDELINE_GAP, comment=EVIL)
    lee.decide(SENTENCES[1].id, "opinion", reason=ANNOTATOR_SLIP, comment="quote = opinion")
    return tmp_path


def test_md_text_neutralises_html_links_images_and_markup():
    """Test that untrusted text renders as the same plain text, with no tag, link or emphasis."""
    html = html_of(f"Comment: {md_text(EVIL)}\n\n- {md_text('# heading')}\n- {md_text('1. item')}")
    for forbidden in ("<img", "<a ", "<script", "<strong>", "<h1>", "<ol>", "<table>"):
        assert forbidden not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as text
    assert "http://evil.example/x" in html  # the data's text is kept, as code
    assert md_text("line one\nline two") == "line one line two"


def test_card_reports_every_figure_and_the_guideline_gap_comments(project):
    """Test that the card holds labels, counts, every agreement figure, reasons and comments."""
    data = card_data(project / "annotations", project / "adjudications", n_boot=50)
    text = card_markdown(data)
    figures = agreement(read_annotations(project / "annotations"), n_boot=50)
    assert text.count("| `") - text.count("| `schema`") >= len(figures)
    for heading in ("## Dataset description", "### Data fields", "### Labels", "#### Agreement",
                    "#### Adjudication", "## How to load", "## Datasheet"):  # fmt: skip
        assert heading in text
    assert "| guideline gap | 1 | 0 |" in text and "| annotator slip | 1 | 0 |" in text
    assert "Guideline-gap comments" in text and md_text(EVIL) in text
    assert "| adjudicated | 2 |" in text and "| unanimous | 2 |" in text
    assert 'load_dataset("parquet", data_files="gold.parquet"' in text
    html = html_of(text)
    assert "<script" not in html and "<img src=x" not in html
    assert 'href="http://evil' not in html and 'src="http://evil' not in html


def test_card_placeholders_are_only_for_what_the_tool_cannot_know(project):
    """Test that TODO marks only licence, purpose, people, language, uses and citation."""
    text = card_markdown(card_data(project / "annotations", project / "adjudications", n_boot=0))
    todos = [line for line in text.splitlines() if "TODO" in line]
    allowed = ("licence", "purpose", "why the dataset", "who", "language", "funding", "used",
               "must not", "cite", "biases", "short name", "articles come from", "fill in",
               "what the dataset is for", "tasks")  # fmt: skip
    assert todos and all(any(word in line for word in allowed) for line in todos)


def test_three_annotators_go_from_logs_to_gold_csv_and_card_on_the_command_line(project):
    """Test that `python -m factcheck gold` and `card` make the gold CSV, card and charts."""
    before = {p: p.read_bytes() for p in (project / "annotations").glob("*.csv")}
    decisions = {p: p.read_bytes() for p in (project / "adjudications").glob("*.csv")}
    out = project / "out"
    out.mkdir()

    def factcheck(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "factcheck", *args], cwd=out,
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip

    run = factcheck(
        "gold", "../annotations", "--adjudications", "../adjudications", "-o", "gold.csv"
    )
    assert run.returncode == 0, run.stderr
    assert "wrote 4 sentences to gold.csv (2 unanimous, 0 majority, 2 adjudicated" in run.stderr
    rows = list(csv.DictReader(io.StringIO((out / "gold.csv").read_text(encoding="utf-8"))))
    assert [(r["label"], r["decided_by"]) for r in rows] == [
        ("verified", "unanimous"),
        ("opinion", "adjudicated"),
        ("unconfirmed", "adjudicated"),
        ("opinion", "unanimous"),
    ]
    assert rows[2]["comment"] == EVIL  # kept exactly in the data; escaped only in the card
    run = factcheck("card", "../annotations", "--adjudications", "../adjudications",
                    "-o", "DATASET_CARD.md")  # fmt: skip
    assert run.returncode == 0, run.stderr
    card = (out / "DATASET_CARD.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "4 sentences from 1 news articles" in card
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["DATASET_CARD-confusion-ana.png", "DATASET_CARD-confusion-ben.png",
                    "DATASET_CARD-confusion-chloe.png", "DATASET_CARD-labels.png"]  # fmt: skip
    assert all((out / name).read_bytes().startswith(b"\x89PNG") for name in pngs)
    assert all(f"]({name})" in card for name in pngs)
    assert {p: p.read_bytes() for p in (project / "annotations").glob("*.csv")} == before
    assert {p: p.read_bytes() for p in (project / "adjudications").glob("*.csv")} == decisions


def test_card_and_gold_refuse_to_write_over_a_log(project):
    """Test that -o naming an input log exits 2 and leaves the log byte-identical."""
    log = project / "annotations" / "ana.csv"
    before = log.read_bytes()
    for command in ("gold", "card"):
        run = subprocess.run(
            [sys.executable, "-m", "factcheck", command, str(project / "annotations"), "-o",
             str(log if command == "card" else log.with_suffix(".csv"))],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert run.returncode == 2 and "which this command reads" in run.stderr
    assert log.read_bytes() == before


def test_card_charts_can_be_svg_and_an_open_sentence_is_counted(tmp_path):
    """Test that write_card saves SVG charts and counts an unresolved decision by reason."""
    for name, chosen in LABELS.items():
        log = AnnotationLog(annotator=name, folder=tmp_path / "logs")
        for sentence, label in zip(SENTENCES, chosen, strict=True):
            log.record(sentence, label)
    DecisionLog("kim", tmp_path / "adj").decide(SENTENCES[2].id, None, reason=GENUINELY_AMBIGUOUS)
    path = write_card(tmp_path / "logs", tmp_path / "card.md", tmp_path / "adj",
                      chart_format="svg", n_boot=0)  # fmt: skip
    assert (tmp_path / "card-labels.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "| genuinely ambiguous | 1 | 1 |" in path.read_text(encoding="utf-8")


NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05-adjudicate-and-publish.ipynb"


@pytest.mark.slow
def test_adjudicate_and_publish_notebook_runs_in_a_temp_folder(tmp_path, monkeypatch):
    """Test that notebook 05 runs top to bottom, writing gold and card under TMPDIR only."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    (tmp_path / "run").mkdir()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=300,
                   resources={"metadata": {"path": str(tmp_path / "run")}}).execute()  # fmt: skip
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "adjudicated" in text and "150 labels by 4 annotators" in text
    (work,) = tmp_path.glob("factcheck-publish-*")
    assert {"gold.csv", "gold.parquet", "DATASET_CARD.md"} <= {p.name for p in work.iterdir()}
    assert (work / "adjudications" / "lee.csv").is_file()
    assert "kim: opinion; lee: unconfirmed" in (work / "gold.csv").read_text(encoding="utf-8")
    assert not list((tmp_path / "run").iterdir())


def test_adjudicate_and_publish_notebook_is_committed_without_outputs():
    """Test that notebook 05 is valid and has no outputs or execution counts (clean diffs)."""
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert any("Adjudicator" in c.source for c in nb.cells if c.cell_type == "markdown")


def test_card_shows_quality_before_and_after_adjudication(project):
    """Test that the card has each annotator's accuracy against the votes and the final labels."""
    text = card_markdown(card_data(project / "annotations", project / "adjudications", n_boot=0))
    assert "| annotator | n before | accuracy before |" in text
    # chloe: 2 of the 3 sentences with a majority agree with the votes; after, 2 of 4.
    assert "| chloe | 3 | 0.667 | 0.400 | 4 | 0.500 | 0.200 |" in text
    assert "| chloe | 4 | 0.500 | — | 0.200 | — |  |" in text  # no interval without bootstrap


def test_card_front_matter_is_valid_hugging_face_yaml(project):
    """Test that the card starts with YAML metadata a dataset repository reads."""
    import yaml

    text = card_markdown(card_data(project / "annotations", project / "adjudications", n_boot=0))
    meta = yaml.safe_load(text.split("---\n", 2)[1])
    assert meta["license"] == "unknown" and meta["task_categories"] == ["text-classification"]
    assert meta["size_categories"] == ["n<1K"]
    assert meta["configs"] == [{"config_name": "default", "data_files": "gold.parquet"}]
