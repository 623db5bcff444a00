"""The ``factcheck sentences`` command, run as users run it (a real subprocess) and in-process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import factcheck
from factcheck.cli import main

SAMPLE = factcheck.sample_path() / "riverside-bridge.md"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "factcheck.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_sentences_csv_rows_slice_back_from_loaded_text():
    """Test that each CSV row's offsets slice its text exactly from load_article(...).text."""
    result = run_cli("sentences", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    article = factcheck.load_article(SAMPLE)
    assert list(rows[0]) == ["article_id", "sentence_id", "index", "start", "end", "text"]
    assert len(rows) == len(article.sentences)
    for row in rows:
        assert article.text[int(row["start"]) : int(row["end"])] == row["text"]
        assert row["article_id"] == "riverside-bridge"
    texts = [row["text"] for row in rows]
    assert not any(t.startswith(("![", "By ", "Published", "COMMENTS")) for t in texts)


def test_sentences_jsonl_to_file(tmp_path, capsys):
    """Test that --format jsonl -o writes one JSON object per sentence to the file."""
    out = tmp_path / "s.jsonl"
    assert (
        main(["sentences", str(factcheck.sample_path()), "--format", "jsonl", "-o", str(out)]) == 0
    )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["article_id"] for r in records} == {
        "harbour-wind-farm",
        "riverside-bridge",
        "school-meals",
    }
    assert "articles" in capsys.readouterr().err  # the progress bar goes to stderr


def test_unreadable_input_exits_2_with_one_line_message(tmp_path):
    """Test that a binary input gives exit code 2 and a single-line message naming it."""
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = run_cli("sentences", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "scan.txt: looks like a binary file" in lines[0]
    assert "Traceback" not in result.stderr


def test_failed_run_leaves_existing_output_untouched(tmp_path):
    """Test that an error never truncates an output file written by an earlier run."""
    out = tmp_path / "s.csv"
    out.write_text("precious earlier output\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["sentences", str(empty), "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "precious earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "s.csv"]


def test_missing_file_exits_2(tmp_path, capsys):
    """Test that a missing path exits 2 naming it."""
    assert main(["sentences", str(tmp_path / "nope.md")]) == 2
    assert "nope.md: no such file or folder" in capsys.readouterr().err
