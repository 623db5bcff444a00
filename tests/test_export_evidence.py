"""Evidence in the exports: the claim, justification and evidence of a label reach the
verdict formats (ClaimReview, AVeriTeC, FEVER), the tidy files and the gold standard, from
real logs of schema /2; URLs that no reader should accept are refused when read."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

import factcheck
from factcheck import AnnotationLog, InputWarning
from factcheck.errors import FactcheckError
from factcheck.evidence import evidence_from_json, make_evidence
from factcheck.exports import export_annotations
from factcheck.gold import gold, read_gold, write_gold
from tests._log_helpers import sentence

DATA = Path(__file__).parent / "data" / "interchange"
BRIDGE = "It opened in 1962, the mayor said."
CLAIM = "The Ostmark bridge opened in 1962."
MINUTES = make_evidence(
    "https://records.example.org/council/1962-05.pdf",
    quote='"The bridge is declared open." <script>x</script>',
    source_type="official-record",
    accessed="2026-11-20",
    archived_url="https://archive.example.net/web/2026/records.example.org/1962-05.pdf",
)
PAPER = make_evidence(
    "https://news.example.com/1962/bridge", source_type="news-report", accessed="2026-11-21"
)
PLAQUE = make_evidence("https://photos.example.org/plaque", accessed="2026-11-22")


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """Three annotators (FEVER preset) on two sentences: on the first, ana and ben say
    supports with evidence (one source in common), cara says refutes with her own."""
    folder = tmp_path / "logs"
    scheme = factcheck.SCHEMES["fever"]
    first, second = sentence(BRIDGE, index=0), sentence("Tolls will rise.", index=1)
    given = {
        "ana": ("supports", (MINUTES,), "The council minutes record the opening <b>."),
        "ben": ("supports", (MINUTES, PAPER), "=The paper of the day reports it."),
        "cara": ("refutes", (PLAQUE,), "The plaque says 1963."),
    }
    for name, (label, items, why) in given.items():
        log = AnnotationLog(annotator=name, folder=folder, scheme=scheme)
        log.record(first, label, evidence=items, justification=why, claim=CLAIM)
        log.record(second, "not enough info", note=f"{name} found nothing")
    return folder


def _quiet_export(files, to: str, out: Path, **options) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        return export_annotations(files, to, out, **options)


def test_claimreview_cites_the_evidence_of_the_winning_label(logs, tmp_path):
    """Test that ClaimReview reviews the rewritten claim, explains with the justifications
    and cites the winners' sources once each (not the outvoted annotator's), all valid
    against the schema.org fields, with < escaped."""
    out = tmp_path / "reviews.json"
    _quiet_export([logs], "claimreview", out)
    text = out.read_text(encoding="utf-8")
    assert "<" not in text
    reviews = json.loads(text)
    jsonschema.validate(reviews, json.loads((DATA / "claimreview.schema.json").read_text()))
    first = reviews[0]
    assert first["claimReviewed"] == CLAIM
    assert first["itemReviewed"]["text"] == BRIDGE
    assert first["reviewRating"]["ratingExplanation"] == (
        "ana: The council minutes record the opening <b>. | ben: =The paper of the day reports it."
    )
    assert first["citation"] == [
        {
            "@type": "CreativeWork",
            "url": MINUTES.url,
            "genre": "official-record",
            "text": MINUTES.quote,
            "archivedAt": MINUTES.archived_url,
        },
        {"@type": "CreativeWork", "url": PAPER.url, "genre": "news-report"},
    ]
    assert "citation" not in reviews[1]
    assert reviews[1]["reviewRating"]["ratingExplanation"].startswith("ana: ana found nothing")


def test_averitec_and_fever_carry_claim_justification_and_evidence(logs, tmp_path):
    """Test that AVeriTeC gets every field of each source and FEVER one evidence set of
    URLs, both for the rewritten claim."""
    _quiet_export([logs], "averitec", tmp_path / "a.json")
    _quiet_export([logs], "fever", tmp_path / "f.jsonl")
    averitec = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert (averitec[0]["claim"], averitec[0]["sentence"]) == (CLAIM, BRIDGE)
    assert averitec[0]["evidence"] == [
        {
            "url": MINUTES.url,
            "quote": MINUTES.quote,
            "source_type": "official-record",
            "accessed": "2026-11-20",
            "archived_url": MINUTES.archived_url,
        },
        {
            "url": PAPER.url,
            "quote": "",
            "source_type": "news-report",
            "accessed": "2026-11-21",
            "archived_url": "",
        },
    ]
    assert averitec[1]["evidence"] == [] and averitec[1]["claim"] == "Tolls will rise."
    fever = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert fever[0]["claim"] == CLAIM
    assert fever[0]["evidence"] == [
        [[None, None, MINUTES.url, None], [None, None, PAPER.url, None]]
    ]
    assert fever[1]["evidence"] == []


def test_tidy_exports_keep_each_annotators_evidence_columns(logs, tmp_path):
    """Test that CSV, JSONL and Parquet keep every annotator's claim, justification and
    evidence JSON, and that --spreadsheet-safe protects a justification starting with =."""
    for to in ("csv", "jsonl", "parquet"):
        _quiet_export([logs], to, tmp_path / f"t.{to}")
    frame = pd.read_parquet(tmp_path / "t.parquet")
    mine = frame[(frame["annotator"] == "ben") & (frame["text"] == BRIDGE)].iloc[0]
    assert evidence_from_json(mine["evidence"]) == (MINUTES, PAPER)
    assert (mine["claim"], mine["justification"]) == (CLAIM, "=The paper of the day reports it.")
    lines = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text().splitlines()]
    on_bridge = {r["annotator"]: r for r in lines if r["text"] == BRIDGE}
    assert evidence_from_json(on_bridge["cara"]["evidence"]) == (PLAQUE,)
    assert on_bridge["ana"]["justification"] == "The council minutes record the opening <b>."
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as handle:
        plain = list(csv.DictReader(handle))
    assert [r["evidence"] for r in plain if r["annotator"] == "cara" and r["text"] == BRIDGE] == [
        frame[(frame["annotator"] == "cara") & (frame["text"] == BRIDGE)]["evidence"].iloc[0]
    ]
    _quiet_export([logs], "csv", tmp_path / "safe.csv", spreadsheet_safe=True)
    with (tmp_path / "safe.csv").open(encoding="utf-8-sig", newline="") as handle:
        safe = list(csv.DictReader(handle))
    ben = next(r for r in safe if r["annotator"] == "ben" and r["text"] == BRIDGE)
    assert ben["justification"] == "'=The paper of the day reports it."
    assert ben["evidence"].startswith("[{")


@pytest.mark.parametrize("name", ["gold.csv", "gold.jsonl", "gold.parquet"])
def test_gold_carries_the_evidence_of_the_label_it_settles_on(logs, tmp_path, name):
    """Test that the gold standard (majority: supports, 2 of 3) keeps the supporters' claim,
    justifications and sources, not the outvoted refutation's, and that its verdict export
    gives the same as the logs'."""
    scheme = factcheck.SCHEMES["fever"]
    table = gold(logs, scheme=scheme)
    row = table.set_index("text").loc[BRIDGE]
    assert (row["label"], row["decided_by"], row["claim"]) == ("supports", "majority", CLAIM)
    assert evidence_from_json(row["evidence"]) == (MINUTES, PAPER)
    assert PLAQUE.url not in row["evidence"]
    write_gold(table, tmp_path / name, scheme=scheme)
    back = read_gold(tmp_path / name)
    assert back["evidence"].tolist() == table["evidence"].tolist()
    _quiet_export([tmp_path / name], "averitec", tmp_path / "from-gold.json")
    _quiet_export([logs], "averitec", tmp_path / "from-logs.json")
    from_gold = json.loads((tmp_path / "from-gold.json").read_text(encoding="utf-8"))
    from_logs = json.loads((tmp_path / "from-logs.json").read_text(encoding="utf-8"))
    assert from_gold[0]["evidence"] == from_logs[0]["evidence"]
    assert from_gold[0]["claim"] == CLAIM
    assert from_gold[0]["justification"] == from_logs[0]["justification"]


def test_an_unresolved_or_unsupported_gold_row_carries_no_evidence(tmp_path):
    """Test that a tie (unresolved) has no claim, justification or evidence in the gold."""
    scheme = factcheck.SCHEMES["fever"]
    for name, label, items in (("ana", "supports", (MINUTES,)), ("ben", "refutes", (PLAQUE,))):
        log = AnnotationLog(annotator=name, folder=tmp_path, scheme=scheme)
        log.record(sentence(BRIDGE), label, evidence=items, justification="why", claim=CLAIM)
    (row,) = gold(tmp_path, scheme=scheme).to_dict("records")
    assert (row["decided_by"], row["claim"], row["justification"], row["evidence"]) == (
        "unresolved",
        "",
        "",
        "[]",
    )


@pytest.mark.parametrize(
    "bad", ["javascript:alert(document.cookie)", "https://example.org/" + "a" * 10_000]
)
def test_a_hand_edited_log_with_a_bad_url_is_refused_and_nothing_is_written(logs, tmp_path, bad):
    """Test that a javascript: or 10 KB URL put into a log by hand stops every export with
    the file and what is wrong, and the previous output stays."""
    log = logs / "ana.csv"
    log.write_bytes(
        log.read_bytes()
        .replace(PAPER.url.encode(), b"x")
        .replace(MINUTES.url.encode(), bad.encode())
    )
    for to in ("claimreview", "averitec", "fever", "csv"):
        out = tmp_path / f"out.{to}"
        out.write_text("previous", encoding="utf-8")
        with pytest.raises(FactcheckError, match=r"ana\.csv") as caught:
            export_annotations([logs], to, out)
        assert "javascript" in str(caught.value) or "10,0" in str(caught.value)
        assert out.read_text(encoding="utf-8") == "previous"


def test_a_hand_edited_gold_file_with_a_javascript_url_is_refused(logs, tmp_path):
    """Test that read_gold refuses a gold file whose evidence holds a javascript: URL,
    naming the file and line, so no export can emit it."""
    scheme = factcheck.SCHEMES["fever"]
    path = write_gold(gold(logs, scheme=scheme), tmp_path / "gold.jsonl", scheme=scheme)
    path.write_text(
        path.read_text(encoding="utf-8").replace(MINUTES.url, "javascript:alert(1)"), "utf-8"
    )
    with pytest.raises(FactcheckError, match=r"gold\.jsonl, line 1: .*javascript"):
        read_gold(path)
    out = tmp_path / "reviews.json"
    with pytest.raises(FactcheckError, match="javascript"):
        export_annotations([path], "claimreview", out)
    assert not out.exists()
