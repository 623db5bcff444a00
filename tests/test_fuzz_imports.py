"""Fuzzing the importers: any bytes in a dataset file give a clean import or factcheck's own
error naming the file, and a failed import writes nothing.

Hypothesis corrupts the fixture files of every format (cuts, inserted quotes, tabs, line
ends, NULs, BOMs, invalid UTF-8) and imports them into a folder that already holds a log.
Budget: a fixed number of derandomised examples, so a CI run is repeatable.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import factcheck
from factcheck.errors import FactcheckError
from factcheck.imports import import_file

DATA = Path(__file__).parent / "data" / "interchange"
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
FILES = {
    "checkthat-subjectivity": "subjectivity-pitfalls.tsv",
    "checkthat-worthiness": "worthiness.tsv",
    "claimbuster": "claimbuster-pitfalls.csv",
    "label-studio": "label-studio-pitfalls.json",
    "doccano": "doccano-pitfalls.jsonl",
}
SCHEMES = {"label-studio": "fever", "doccano": "claimbuster"}
INSERTS = st.sampled_from(
    [b'"', b"\t", b"\n", b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\xff", b",", b"{", b"]"]
)


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(sorted(FILES)))
def test_any_corrupted_dataset_imports_cleanly_or_fails_naming_the_file(data, fmt):
    """Test that a corrupted dataset file either imports or raises a FactcheckError that
    names it, and that a failed import leaves the folder exactly as it was."""
    original = (DATA / FILES[fmt]).read_bytes()
    where = data.draw(st.integers(0, len(original)), label="insert at")
    inserted = original[:where] + data.draw(INSERTS, label="insert") + original[where:]
    corrupted = inserted[: data.draw(st.integers(1, len(inserted)), label="cut at")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "annotations"
        shutil.copytree(DATA, Path(tmp) / "data")
        import_file(Path(tmp) / "data" / "worthiness.tsv", "checkthat-worthiness", "old", folder)
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        source = Path(tmp) / FILES[fmt]
        source.write_bytes(corrupted)
        scheme = factcheck.SCHEMES[SCHEMES.get(fmt, "default")] if fmt in SCHEMES else None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = import_file(source, fmt, "x", folder, scheme=scheme)
        except FactcheckError as exc:
            assert source.name in str(exc)
            assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
        else:
            assert result.corpus.is_file()
            articles = factcheck.load_articles(result.corpus)
            assert len(articles) == result.sentences
