"""The command line, run as users run it (a real subprocess) and in-process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

import factcheck
from factcheck import InputWarning
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
    assert list(rows[0]) == [
        "article_id", "language", "sentence_id", "index", "paragraph", "start", "end",
        "source_start", "source_end", "text",
    ]  # fmt: skip
    assert {r["language"] for r in rows} == {article.language}
    assert len(rows) == len(article.sentences)
    assert [int(r["source_start"]) for r in rows] == [s.source_start for s in article.sentences]
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
    assert capsys.readouterr().out == ""  # the file has the rows, not standard output


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


EXAMPLES = factcheck.paths.sample_path().parent.parent.parent / "annotations" / "examples"
CLASSROOM = EXAMPLES / "classroom"


def test_chart_kinds_listed_in_cli_match_the_charts_module():
    """Test that the CLI's --kind choices are exactly the chart kinds the module builds."""
    from factcheck import charts, cli

    assert tuple(charts.CHART_KINDS) == cli.CHART_KINDS


def test_validate_reports_ok_for_examples_and_exit_1_for_a_bad_log(tmp_path, capsys):
    """Test that validate passes the bundled logs and names file:line of a bad row."""
    assert main(["validate", str(EXAMPLES)]) == 0
    assert "4 file(s) OK" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    good_lines = (EXAMPLES / "ana.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    bad.write_text(good_lines[0] + good_lines[1].replace(",unconfirmed,", ",unconfirmd,"), "utf-8")
    before = bad.read_bytes()
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:2:" in out and "unconfirmd" in out
    assert bad.read_bytes() == before


def test_export_checkthat_writes_tsv(tmp_path):
    """Test that export --to checkthat writes the CLEF column layout with OBJ/SUBJ labels."""
    out = tmp_path / "clef.tsv"
    with pytest.warns(InputWarning, match="as many OBJ as SUBJ votes were left out"):
        assert main(["export", str(EXAMPLES), "--to", "checkthat", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["sentence_id", "sentence", "label"]
    assert {line.split("\t")[2] for line in lines[1:]} <= {"OBJ", "SUBJ"}
    assert len(lines) > 10


def test_agreement_json_has_krippendorff_alpha(capsys):
    """Test that agreement --json prints records including an overall alpha."""
    assert main(["agreement", str(EXAMPLES), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    overall = {r["measure"]: r for r in records if r["label"] == "(all)"}
    assert 0 < overall["krippendorff_alpha"]["value"] <= 1
    assert overall["krippendorff_alpha"]["n_annotators"] == 4


def test_agreement_model_adds_the_model_as_one_more_rater(capsys):
    """Test that agreement --model puts model-vs-annotator pairs beside the human pairs."""
    assert main(["agreement", str(EXAMPLES), "--json", "--model"]) == 0
    records = json.loads(capsys.readouterr().out)
    pairs = {(r["annotator_a"], r["annotator_b"]) for r in records if r["measure"] == "cohen_kappa"}
    assert ("ana", "ben") in pairs and ("ana", "model") in pairs


def test_chart_svg_is_written(tmp_path):
    """Test that chart --kind mix -o x.svg writes an SVG offline."""
    out = tmp_path / "mix.svg"
    assert main(["chart", str(EXAMPLES), "--kind", "mix", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_classroom_key_and_report(tmp_path):
    """Test that classroom key makes a key from a teacher log and report writes the HTML."""
    key = tmp_path / "key.csv"
    assert (
        main(["classroom", "key", str(CLASSROOM / "teacher" / "rahman.csv"), "-o", str(key)]) == 0
    )
    assert factcheck.read_answer_key(key).entries
    report = tmp_path / "report.html"
    code = main(
        [
            "classroom",
            "report",
            str(CLASSROOM),
            "--key",
            str(key),
            "-o",
            str(report),
            "--hide-names",
        ]
    )
    assert code == 0
    page = report.read_text(encoding="utf-8")
    assert "<html" in page and "Student" in page and "amira" not in page.lower()


@pytest.mark.parametrize("folder", [None, "work"])
def test_lab_starts_jupyterlab_on_the_labelling_notebook(tmp_path, folder):
    """Test that `factcheck lab` serves 01-label-articles.ipynb (checkout or working folder),
    as whoever runs it: as root (in CI) without --allow-root."""
    import os
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "factcheck.cli",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            *(["--folder", str(tmp_path / folder)] if folder else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/01-label-articles.ipynb?content=0"
                with urllib.request.urlopen(url, timeout=5) as response:
                    model = json.load(response)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
                time.sleep(0.5)
        assert model["type"] == "notebook"
        if folder:
            assert (tmp_path / folder / "01-label-articles.ipynb").is_file()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_validate_checks_labels_against_a_custom_scheme_file(tmp_path, capsys):
    """Test that --scheme FILE makes validate check a teacher's extra labels exactly."""
    from factcheck import DEFAULT_SCHEME, AnnotationLog, Article, Label

    scheme = DEFAULT_SCHEME.with_labels(
        Label("false", "Contradicted by a reliable source.", "The moon is cheese.", "4", "#D55E00"),
        name="class",
    )
    scheme_file = tmp_path / "class.json"
    scheme_file.write_text(json.dumps(scheme.to_dict()), encoding="utf-8")
    sentence = Article.from_text("The moon is cheese.", id="moon").sentences[0]
    log = AnnotationLog(tmp_path / "ana.csv", annotator="ana", scheme=scheme)
    log.record(sentence, "false")
    assert main(["validate", str(tmp_path / "ana.csv"), "--scheme", str(scheme_file)]) == 0
    text = (tmp_path / "ana.csv").read_text(encoding="utf-8").replace(",false,", ",flase,")
    (tmp_path / "ana.csv").write_text(text, encoding="utf-8")
    assert main(["validate", str(tmp_path / "ana.csv"), "--scheme", str(scheme_file)]) == 1
    assert "flase" in capsys.readouterr().out


def test_sentences_refuses_to_overwrite_its_own_input(tmp_path):
    """Test that -o naming an input file is refused and the article is untouched."""
    article = tmp_path / "a.md"
    article.write_text("The council met on Monday.", encoding="utf-8")
    assert main(["sentences", str(article), "-o", str(article)]) == 2
    assert article.read_text(encoding="utf-8") == "The council met on Monday."


def test_validate_missing_file_or_empty_folder_exits_2(tmp_path, capsys):
    """Test that unreadable input to validate is exit 2 (not a 'problem' with exit 1)."""
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert main(["validate", str(tmp_path)]) == 2
    assert "no annotation logs" in capsys.readouterr().err


def test_warnings_print_as_one_plain_line():
    """Test that a command-line warning is one 'factcheck: warning:' line, no Python source."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old.txt"
        path.write_bytes("“Quoted,” she said on Monday.".encode("cp1252"))
        result = run_cli("sentences", str(path))
    assert result.returncode == 0
    assert result.stderr.strip().splitlines() == [
        f"factcheck: warning: {path}: not valid UTF-8 (byte 0); read it as Windows-1252. "
        "Re-save it as UTF-8 to silence this warning."
    ]


def _snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "command",
    [
        "report -o class/ana.csv",
        "report -o key.csv",
        "report -o link-to-ana.csv",
        "report -o hardlink-to-key.csv",
        "export -o class/ana.csv",
        "chart -o class/ben.csv",
        "sentences -o articles/a.txt",
        "key -o class/ana.csv",
    ],
)
def test_no_command_writes_onto_one_of_its_inputs(tmp_path, command):
    """Test that every command refuses (exit 2) an output that is, or links to, a file it
    reads, and every input stays byte-identical."""
    import os
    import shutil

    (tmp_path / "class").mkdir()
    for name in ("amira.csv", "ben-t.csv"):
        shutil.copy(CLASSROOM / name, tmp_path / "class" / name.replace("amira", "ana"))
    (tmp_path / "class" / "ben.csv").write_bytes((tmp_path / "class" / "ben-t.csv").read_bytes())
    shutil.copy(CLASSROOM / "key.csv", tmp_path / "key.csv")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("The council met on Monday.\n", encoding="utf-8")
    (tmp_path / "link-to-ana.csv").symlink_to(tmp_path / "class" / "ana.csv")
    os.link(tmp_path / "key.csv", tmp_path / "hardlink-to-key.csv")
    before = _snapshot(tmp_path)
    verb, _, output = command.split()
    args = {
        "report": ["classroom", "report", "class", "--key", "key.csv"],
        "export": ["export", "class", "--to", "csv"],
        "chart": ["chart", "class", "--kind", "mix"],
        "sentences": ["sentences", "articles"],
        "key": ["classroom", "key", "class/ana.csv"],
    }[verb]
    result = subprocess.run(
        [sys.executable, "-m", "factcheck", *args, "-o", output],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "which this command reads" in result.stderr and output in result.stderr
    assert _snapshot(tmp_path) == before


def test_sentences_spreadsheet_safe_neutralises_formulas_reversibly(tmp_path):
    """Test that `sentences --spreadsheet-safe` writes =HYPERLINK text as a ' cell that reads
    back exactly, while the default output keeps the text as it is."""
    from factcheck.spreadsheet import unprotect_cell

    article = tmp_path / "a.txt"
    article.write_text('=HYPERLINK("http://x.example","click") was posted.\n', encoding="utf-8")
    plain, safe = tmp_path / "plain.csv", tmp_path / "safe.csv"
    assert main(["sentences", str(article), "-q", "-o", str(plain)]) == 0
    assert main(["sentences", str(article), "-q", "--spreadsheet-safe", "-o", str(safe)]) == 0
    plain_rows = list(csv.DictReader(io.StringIO(plain.read_text(encoding="utf-8"))))
    safe_rows = list(csv.DictReader(io.StringIO(safe.read_text(encoding="utf-8-sig"))))
    assert plain_rows[0]["text"].startswith("=HYPERLINK")
    assert safe_rows[0]["text"].startswith("'=HYPERLINK")
    assert [unprotect_cell(r["text"]) for r in safe_rows] == [r["text"] for r in plain_rows]
    assert safe.read_bytes().startswith(b"\xef\xbb\xbf")


def test_python_dash_m_factcheck_runs_the_command_line():
    """Test that `python -m factcheck` is the same program as `factcheck`."""
    result = subprocess.run(
        [sys.executable, "-m", "factcheck", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "usage: factcheck" in result.stdout
