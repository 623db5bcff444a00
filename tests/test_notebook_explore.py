"""Tests for notebooks/02-explore-annotations.ipynb and the example logs it reads."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from factcheck.agreement import agreement
from factcheck.log import read_annotations, validate_logs

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02-explore-annotations.ipynb"
EXAMPLES = ROOT / "annotations" / "examples"


def load_make_examples():
    """The example generator script, imported from its file."""
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_explore_notebook_runs_on_the_example_logs():
    """Test that the notebook runs top to bottom from notebooks/ and shows charts and table."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=180,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert re.search(r"\d+ labels by 4 annotators on \d+ sentences of \d+ articles", text)
    html = "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "krippendorff_alpha" in html and "gwet_ac1" in html
    charts = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(charts) == 6  # the sixth: the model report's learning curve


def test_notebook_is_committed_without_outputs():
    """Test that the committed notebook has no outputs or execution counts (clean diffs)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_example_logs_are_valid_and_show_realistic_disagreement():
    """Test that the example logs validate and give moderate, not perfect, agreement."""
    files = sorted(EXAMPLES.glob("*.csv"))
    assert [f.stem for f in files] == ["ana", "ben", "chloe", "dev"]
    assert validate_logs([str(f) for f in files]) == []
    df = read_annotations(files)
    per_annotator = df.groupby("annotator").size()
    assert per_annotator["dev"] < per_annotator["ana"]  # dev has not finished
    alpha = agreement(df, n_boot=0).query("measure == 'krippendorff_alpha'")["value"].item()
    assert 0.3 < alpha < 0.9
    history = read_annotations(files, history=True)
    assert set(history["action"]) == {"label", "clear", "undo"}


def test_example_logs_are_reproducible_from_the_script(tmp_path):
    """Test that make_examples.py regenerates the committed logs byte for byte."""
    make_examples = load_make_examples()
    assert make_examples.main(["--out", str(tmp_path)]) == 0
    for name in make_examples.ANNOTATORS:
        fresh = (tmp_path / f"{name}.csv").read_bytes()
        committed = (EXAMPLES / f"{name}.csv").read_bytes()
        assert fresh == committed, (
            f"annotations/examples/{name}.csv is out of date (the sample articles or the "
            "sentence splitter changed): run python annotations/examples/make_examples.py --force"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ana.csv",
        "ben.csv",
        "chloe.csv",
        "dev.csv",
    ]


def test_make_examples_refuses_to_overwrite_without_force(tmp_path):
    """Test that existing logs are never replaced unless --force is given."""
    make_examples = load_make_examples()
    (tmp_path / "ana.csv").write_text("precious", encoding="utf-8")
    assert make_examples.main(["--out", str(tmp_path)]) == 1
    assert (tmp_path / "ana.csv").read_text(encoding="utf-8") == "precious"
    assert make_examples.main(["--out", str(tmp_path), "--force"]) == 0
    assert pd.read_csv(tmp_path / "ana.csv")["annotator"].eq("ana").all()
