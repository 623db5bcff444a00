"""Fuzzing the exporters: any log bytes give a clean file or factcheck's own error.

Hypothesis corrupts a real log (cuts, inserted bytes, quotes, NULs, BOMs, line ends) and
runs every exporter on it. Properties: no exception but factcheck's own errors and
warnings; the log is never modified by exporting; a written export opens in pandas; a
failed export leaves the previous output as it was. Budget: a fixed number of examples,
derandomised, so a CI run is repeatable (see FUZZ_EXAMPLES).
"""

from __future__ import annotations

import csv
import json
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck import AnnotationLog, Article
from factcheck.errors import FactcheckError
from factcheck.exports import FORMATS, export_annotations
from factcheck.spreadsheet import protect_cell, unprotect_cell

FUZZ_EXAMPLES = 150
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
ARTICLE = Article.from_text(
    'The council voted 7-2 on Monday. "It is a disgrace," said Mr Lee, adding, "we will '
    'appeal". =SUM(A1) appeared in the minutes.',
    id="council",
)
INSERTS = st.sampled_from(
    [b'"', b",", b"\n", b"\r\n", b"\x00", b"\xef\xbb\xbf", b";", b"\t", b"\xff\xfe", b'""']
)


def _log_bytes(folder: Path) -> bytes:
    log = AnnotationLog(annotator="ana", folder=folder)
    labels = ["verified", "opinion", "unconfirmed"]
    for index, sentence in enumerate(ARTICLE.sentences):
        note = 'see "minutes", p. 4\nchecked' if index % 2 else "=HYPERLINK(x)"
        log.record(sentence, labels[index % 3], note)
    return log.path.read_bytes()


@FUZZ
@given(
    data=st.data(),
    to=st.sampled_from(FORMATS),
    safe=st.booleans(),
)
def test_any_corrupted_log_exports_cleanly_or_fails_with_our_error(data, to, safe):
    """Test that every exporter on a corrupted log writes a readable file or raises a
    FactcheckError, never modifies the log, and keeps the old output on failure."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        original = _log_bytes(folder / "logs")
        where = data.draw(st.integers(0, len(original)), label="insert at")
        inserted = original[:where] + data.draw(INSERTS, label="insert") + original[where:]
        corrupted = inserted[: data.draw(st.integers(1, len(inserted)), label="cut at")]
        path = folder / "logs" / "ana.csv"
        path.write_bytes(corrupted)
        out = folder / f"out.{to}"
        out.write_bytes(b"previous")
        safe = safe and to in ("csv", "checkthat", "checkthat-worthiness", "claimbuster")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                export_annotations([folder / "logs"], to, out, spreadsheet_safe=safe)
        except FactcheckError:
            assert out.read_bytes() == b"previous"
        else:
            _opens_in_pandas(out, to)
        assert path.read_bytes() == corrupted


def _opens_in_pandas(out: Path, to: str) -> None:
    """Read the export back the way its users would (pandas; JSON for the JSON formats)."""
    if to == "parquet":
        pd.read_parquet(out)
    elif to in ("jsonl", "fever", "doccano"):
        pd.read_json(out, lines=True) if out.stat().st_size else None
    elif to in ("claimreview", "averitec", "label-studio"):
        assert isinstance(json.loads(out.read_text(encoding="utf-8")), list)
    elif to in ("checkthat", "checkthat-worthiness"):
        pd.read_csv(out, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    else:
        assert to in ("csv", "claimbuster"), f"no reader for the {to!r} export in this test"
        pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@FUZZ
@given(text=st.text(max_size=40))
def test_protect_cell_is_safe_and_reversible_for_any_text(text):
    """Test that a protected cell never starts a formula and always reads back exactly."""
    cell = protect_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unprotect_cell(cell) == text
