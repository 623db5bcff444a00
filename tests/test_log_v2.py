"""Schema factcheck-log/2: evidence, justification, claim and language with every label, and
/1 logs (real files written by factcheck's earlier code, kept byte-for-byte in
``tests/data/log_v1/``) read as they are, never rewritten, continued in a /2 file beside."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import factcheck.log
from factcheck import cli
from factcheck.errors import InputError, LogFormatError
from factcheck.evidence import Evidence, evidence_from_json, evidence_to_json, make_evidence
from factcheck.log import (
    COLUMNS,
    HEADER,
    HEADER_V1,
    SCHEMA_ID,
    SCHEMA_V1,
    V1_COLUMNS,
    AnnotationLog,
    continuation_path,
    read_annotations,
    validate_logs,
)
from tests._log_helpers import row, sentence, write_log

V1_FILES = Path(__file__).parent / "data" / "log_v1"
MINUTES = make_evidence(
    "https://harwick.example/minutes/2026-11.pdf",
    quote='"approved, 4.2 million"',
    source_type="official-record",
    accessed="2026-11-24",
    archived_url="https://archive.example/web/2026/harwick.example/minutes",
)
REPORT = make_evidence("http://news.example/bridge?id=1,2", source_type="news-report")
S1 = sentence("The council approved 4.2 million for the bridge.", index=0, id="a1-0000")
S2 = sentence("Councillor Holt called it bold.", index=1, id="a1-0001")


def _v1_copy(tmp_path: Path) -> Path:
    """The real /1 logs copied into a fresh folder (the originals stay untouched)."""
    folder = tmp_path / "annotations"
    shutil.copytree(V1_FILES, folder)
    return folder


def _bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def test_the_fixtures_are_real_v1_logs():
    """Test that every fixture is a /1 file as the earlier code wrote it (header, rows)."""
    files = sorted(V1_FILES.glob("*.csv"))
    assert len(files) == 3
    for path in files:
        data = path.read_bytes()
        assert data.startswith(HEADER_V1.encode())
        assert data.count(b"\nfactcheck-log/1,") >= 5
        assert b"factcheck-log/2" not in data


def test_record_stores_evidence_justification_claim_and_language(tmp_path):
    """Test that a /2 row carries the four new fields and every reader returns them."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    event = log.record(
        S1,
        "verified",
        "minutes, p. 4",
        source="articles/riverside.md",
        evidence=[MINUTES, REPORT],
        justification='The minutes record the vote, "unanimous".\nSee p. 4.',
        claim="Harwick county council approved a 4.2 million bridge budget in November 2026.",
        language="en",
    )
    assert event.schema == SCHEMA_ID
    assert evidence_from_json(event.evidence) == (MINUTES, REPORT)
    assert log.path.read_text(encoding="utf-8").startswith(HEADER)
    for frame in (read_annotations(tmp_path), read_annotations(tmp_path, history=True)):
        assert list(frame.columns) == [*COLUMNS, "flagged"]
        got = frame.iloc[0]
        assert evidence_from_json(got["evidence"]) == (MINUTES, REPORT)
        assert got["justification"] == 'The minutes record the vote, "unanimous".\nSee p. 4.'
        assert got["claim"].startswith("Harwick county council approved")
        assert got["language"] == "en"
        assert got["schema"] == SCHEMA_ID
    reopened = AnnotationLog(annotator="ana", folder=tmp_path)
    assert reopened.current()[S1.id] == event
    assert validate_logs([tmp_path]) == []


def test_old_call_forms_still_work_and_write_empty_v2_fields(tmp_path):
    """Test that record(sentence, label), with a positional note, and clears still work."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(S1, "opinion", "a note")
    log.record(S2, "verified", source="x.md")
    log.record(S2, None)
    frame = read_annotations(tmp_path, history=True)
    assert frame["evidence"].tolist() == ["[]"] * 3
    assert set(frame[["justification", "claim", "language"]].to_numpy().ravel()) == {""}
    assert frame["note"].tolist() == ["a note", "", ""]


def test_undo_restores_evidence_justification_and_claim_with_the_label(tmp_path):
    """Test that undo brings back the earlier label's evidence, justification and claim."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(S1, "verified", "n1", evidence=[MINUTES], justification="j1", claim="c1")
    log.record(S1, "unconfirmed", "n2", evidence=[REPORT], justification="j2", claim="c2")
    log.flag(S1)
    flagged = read_annotations(tmp_path, history=True).iloc[-1]
    assert (flagged["action"], flagged["claim"]) == ("flag", "c2")  # the flag row keeps them
    log.undo()  # the flag
    event = log.undo()  # the second label
    assert (event.label, event.note, event.justification, event.claim) == (
        "verified",
        "n1",
        "j1",
        "c1",
    )
    assert evidence_from_json(event.evidence) == (MINUTES,)
    current = read_annotations(tmp_path).iloc[0]
    assert (current["label"], current["claim"]) == ("verified", "c1")
    assert evidence_from_json(current["evidence"]) == (MINUTES,)
    reopened = AnnotationLog(annotator="ana", folder=tmp_path)  # the stack is restored too
    last = reopened.undo()
    assert (last.label, last.evidence, last.claim) == ("", "[]", "")


def test_bad_evidence_or_language_is_refused_before_anything_is_written(tmp_path):
    """Test that a plain string as evidence or a bad language code writes nothing."""
    log = AnnotationLog(annotator="ana", folder=tmp_path)
    log.record(S1, "verified")
    before = log.path.read_bytes()
    with pytest.raises(InputError, match="Evidence items"):
        log.record(S2, "verified", evidence=["https://harwick.example/"])
    with pytest.raises(InputError, match="language code"):
        log.record(S2, "verified", language="en\nfr")
    assert log.path.read_bytes() == before
    assert log.label_of(S2.id) is None


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ('[{"url":"javascript:alert(1)"}]', "javascript: address"),
        ("[{url: 1}]", "not valid JSON"),
        ('{"url":"https://a.example/"}', "not a list"),
        ('[{"url":"https://a.example/","colour":"red"}]', "unknown key"),
        ('[{"url":"https://a.example/","source_type":"rumour"}]', "unknown source type"),
        ('[{"url":"https://a.example/","accessed":"24/11/2026"}]', "YYYY-MM-DD"),
    ],
)
def test_evidence_is_validated_on_read_with_file_and_line(tmp_path, evidence, message):
    """Test that a hand-edited evidence field is an error naming the file and line."""
    path = tmp_path / "ana.csv"
    write_log(path, [row(sentence_id="a1-0000"), row(sentence_id="a1-0001", evidence=evidence)])
    with pytest.raises(LogFormatError, match=rf"ana\.csv, line 3: .*{message}"):
        read_annotations(path)
    with pytest.raises(LogFormatError, match="line 3"):
        AnnotationLog(path, annotator="ana")
    (problem,) = validate_logs([path])
    assert problem.line == 3 and message in problem.message


def test_a_row_of_the_other_schema_is_named_by_line(tmp_path):
    """Test that a /1 row inside a /2 file, and a /2 row inside a /1 file, are errors."""
    v2 = tmp_path / "v2.csv"
    write_log(v2, [row(), row(sentence_id="a1-0001")])
    lines = v2.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"factcheck-log/2", b"factcheck-log/1", 1)
    v2.write_bytes(b"\n".join(lines))
    with pytest.raises(LogFormatError, match=r"v2\.csv, line 3: schema 'factcheck-log/1'"):
        read_annotations(v2)
    v1 = tmp_path / "v1.csv"
    rows = [row(v1=True), row(sentence_id="a1-0001"), row(sentence_id="a1-0002", v1=True)]
    write_log(v1, rows, header=HEADER_V1)
    with pytest.raises(LogFormatError, match=r"v1\.csv, line 3: has 18 fields, expected 14"):
        read_annotations(v1)


def test_a_mixed_folder_is_read_by_every_reader_and_left_unchanged(tmp_path, monkeypatch):
    """Test that real /1 files beside a /2 file read with "[]"/"" fields, in one batch or
    in batches of one row, through validate and the CLI, and no byte changes."""
    folder = _v1_copy(tmp_path)
    log = AnnotationLog(annotator="dana", folder=folder)
    log.record(S1, "verified", evidence=[MINUTES], claim="A claim.", language="en")
    before = _bytes(folder)
    history = read_annotations(folder, history=True)
    current = read_annotations(folder)
    monkeypatch.setattr(factcheck.log, "BATCH_ROWS", 1)
    pd.testing.assert_frame_equal(read_annotations(folder), current)
    pd.testing.assert_frame_equal(read_annotations(folder, history=True), history)
    monkeypatch.undo()
    assert set(history["schema"]) == {SCHEMA_V1, SCHEMA_ID}
    old = history[history["schema"] == SCHEMA_V1]
    assert len(old) > 50 and set(old["evidence"]) == {"[]"}
    assert set(old[["justification", "claim", "language"]].to_numpy().ravel()) == {""}
    new = current[current["annotator"] == "dana"].iloc[0]
    assert (new["claim"], new["language"]) == ("A claim.", "en")
    assert set(current["annotator"]) == {"ana", "ben", "Chloe Martin", "dana"}
    chloe = current[current["annotator"] == "Chloe Martin"].set_index("sentence_index")
    assert chloe["label"].to_dict() == {0: "verified", 1: "opinion", 3: "unconfirmed"}
    assert chloe["flagged"].to_dict() == {0: False, 1: True, 3: False}
    assert chloe.loc[1, "note"] == "discuss: quote or claim?"
    assert validate_logs([folder]) == []
    assert cli.main(["validate", str(folder)]) == 0
    assert _bytes(folder) == before


def test_a_v1_annotator_continues_in_a_v2_file_beside_and_the_v1_bytes_stay(tmp_path):
    """Test the continuation: plain labels stay /1 rows in the /1 file, the first label
    with evidence starts <stem>+2.csv and every later one goes there; undo and reopening
    work across both files, and the /1 file is never rewritten."""
    folder = _v1_copy(tmp_path)
    path = folder / "chloe-martin.csv"
    original = path.read_bytes()
    log = AnnotationLog(annotator="Chloe Martin", folder=folder)
    assert log.path == path.resolve()
    assert log.current()["harwick-ferry-0003-abc003"].label == "unconfirmed"
    assert log.flagged() == {"harwick-ferry-0001-abc001"}
    plain = log.record(S1, "opinion")
    assert plain.schema == SCHEMA_V1
    grown = path.read_bytes()
    assert grown.startswith(original) and grown.count(b"\n") == original.count(b"\n") + 1
    assert not continuation_path(path).exists()
    with_evidence = log.record(S2, "verified", evidence=[MINUTES], justification="minutes")
    assert with_evidence.schema == SCHEMA_ID
    after_switch = log.record(S1, "unconfirmed")  # the continuation exists: goes there too
    assert after_switch.schema == SCHEMA_ID
    continuation = folder / "chloe-martin+2.csv"
    assert log.continuation == continuation.resolve()
    assert continuation.read_text(encoding="utf-8").startswith(HEADER)
    assert path.read_bytes() == grown  # not touched since the continuation started
    current = read_annotations(folder)
    mine = current[current["annotator"] == "Chloe Martin"].set_index("sentence_id")
    assert mine.loc[S1.id, "label"] == "unconfirmed"
    assert evidence_from_json(mine.loc[S2.id, "evidence"]) == (MINUTES,)
    assert len(mine) == 5
    reopened = AnnotationLog(annotator="chloe  MARTIN", folder=folder)
    assert {sid: e.label for sid, e in reopened.current().items()} == {
        sid: e.label for sid, e in log.current().items()
    }
    assert reopened.undo().label == "opinion"  # the continuation's S1 label undone
    assert reopened.undo().label == ""  # S2 (with evidence) undone
    assert reopened.undo().label == ""  # S1 in the /1 file undone, written to the /2 file
    assert reopened.undo().undone == "label"  # the earlier /1 history: 0003's last label
    assert path.read_bytes() == grown
    assert validate_logs([folder]) == []
    assert read_annotations(folder, history=True)["schema"].tolist().count(SCHEMA_V1) > 50


def test_a_second_process_switches_once_the_continuation_exists(tmp_path):
    """Test that a log opened before another one started the continuation writes there
    too, so one annotator's events never go on in both files."""
    folder = _v1_copy(tmp_path)
    first = AnnotationLog(annotator="ana", folder=folder)
    second = AnnotationLog(annotator="ana", folder=folder)
    before = (folder / "ana.csv").read_bytes()
    first.record(S1, "verified", evidence=[REPORT])
    event = second.record(S2, "opinion")
    assert event.schema == SCHEMA_ID
    assert (folder / "ana.csv").read_bytes() == before
    assert (folder / "ana+2.csv").read_bytes().count(b"\nfactcheck-log/2,") == 2


def test_the_continuation_name_is_nobodys_log(tmp_path):
    """Test that no annotator's log path can be a continuation (``+`` is never in a slug)."""
    for name in ("ana+2", "ana 2", "ana-2", "ana+", "+2"):
        assert "+" not in factcheck.log.log_path(name, tmp_path).name


def test_v1_columns_are_the_v2_columns_without_the_new_fields():
    """Test the contract: /2 = /1 with evidence, justification, claim, language before text."""
    assert COLUMNS[: len(V1_COLUMNS) - 1] == V1_COLUMNS[:-1]
    assert COLUMNS[-1] == V1_COLUMNS[-1] == "text"
    assert COLUMNS[len(V1_COLUMNS) - 1 : -1] == ("evidence", "justification", "claim", "language")
    assert evidence_to_json([]) == "[]"
    assert isinstance(evidence_from_json(evidence_to_json([MINUTES]))[0], Evidence)
