"""The field's formats in and out: ClaimReview, FEVER, AVeriTeC, CheckThat! check-worthiness
exports, and imports of CheckThat!, ClaimBuster, Label Studio and doccano files."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import jsonschema
import pytest

import factcheck
from factcheck import AnnotationLog, InputError, InputWarning, read_annotations
from factcheck.cli import main
from factcheck.exports import export_annotations
from factcheck.gold import gold, write_gold
from factcheck.imports import import_file
from tests._log_helpers import sentence

DATA = Path(__file__).parent / "data" / "interchange"
QUOTED = '"=1+1," she said.'


@pytest.fixture
def fever_logs(tmp_path):
    """Two annotators with the FEVER preset; one sentence tied, one note with HTML."""
    scheme = factcheck.SCHEMES["fever"]
    texts = ["The bridge opened in 1962.", "The library has 2 million books.", "It may rain."]
    votes = {
        "ana": ["supports", "refutes", "supports"],
        "ben": ["supports", "refutes", "not enough info"],
    }
    for name, labels in votes.items():
        log = AnnotationLog(annotator=name, folder=tmp_path / "logs", scheme=scheme)
        for index, (text, label) in enumerate(zip(texts, labels, strict=True)):
            log.record(sentence(text, index=index), label, note=f"{name} <b>checked</b>")
    return tmp_path / "logs"


def _export(logs: Path, to: str, out: Path, count_warnings: int = 1) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export_annotations([logs], to, out)
    assert len([w for w in caught if issubclass(w.category, InputWarning)]) == count_warnings


def test_claimreview_export_matches_the_schema_org_fields(fever_logs, tmp_path):
    """Test that the ClaimReview JSON-LD validates against the schema.org fields it uses."""
    out = tmp_path / "reviews.json"
    _export(fever_logs, "claimreview", out)  # the tied sentence is left out
    reviews = json.loads(out.read_text(encoding="utf-8"))
    assert "<" not in out.read_text(encoding="utf-8")  # cannot close a <script> it is pasted in
    schema = json.loads((DATA / "claimreview.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(reviews, schema)
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["True", "False"]
    assert [r["reviewRating"]["ratingValue"] for r in reviews] == [3, 1]
    first = reviews[0]
    assert first["claimReviewed"] == "The bridge opened in 1962."
    assert first["reviewRating"]["ratingExplanation"] == (
        "ana: ana <b>checked</b> | ben: ben <b>checked</b>"
    )
    assert first["itemReviewed"]["appearance"]["identifier"] == "a1"
    assert len(first["datePublished"]) == len("2026-01-01")


def test_fever_export_is_jsonl_with_fever_labels_and_empty_evidence(fever_logs, tmp_path):
    """Test that the FEVER export writes one JSON line per decided sentence."""
    out = tmp_path / "fever.jsonl"
    _export(fever_logs, "fever", out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["label"], r["verifiable"], r["evidence"]) for r in lines] == [
        ("SUPPORTS", "VERIFIABLE", []),
        ("REFUTES", "VERIFIABLE", []),
    ]
    assert lines[1]["claim"] == "The library has 2 million books."


def test_averitec_export_keeps_the_notes_as_justification(fever_logs, tmp_path):
    """Test that the AVeriTeC export has claim, label and the notes as justification."""
    out = tmp_path / "averitec.json"
    _export(fever_logs, "averitec", out)
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["claim"], r["label"]) for r in records] == [
        ("The bridge opened in 1962.", "Supported"),
        ("The library has 2 million books.", "Refuted"),
    ]
    assert records[1]["justification"] == "ana: ana <b>checked</b> | ben: ben <b>checked</b>"


def test_unmappable_labels_are_dropped_with_a_warning_naming_how_many(tmp_path):
    """Test that opinion labels, which FEVER has no counterpart for, are counted and left out."""
    log = AnnotationLog(annotator="ana", folder=tmp_path / "logs")
    log.record(sentence("It was a bold promise.", index=0), "opinion")
    log.record(sentence("The plant employs 4,000.", index=1), "unconfirmed")
    with pytest.warns(InputWarning, match=r"1 label\(s\) \(opinion\) have no fever"):
        export_annotations([tmp_path / "logs"], "fever", tmp_path / "f.jsonl")
    [line] = (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["label"] == "NOT ENOUGH INFO"


def test_worthiness_export_from_the_default_scheme_and_spreadsheet_safe(tmp_path):
    """Test that the check-worthiness TSV maps factual labels to Yes and protects on request."""
    log = AnnotationLog(annotator="ana", folder=tmp_path / "logs")
    log.record(sentence(QUOTED, index=0), "verified")
    log.record(sentence("A disgrace.", index=1), "opinion")
    export_annotations([tmp_path / "logs"], "checkthat-worthiness", tmp_path / "w.tsv")
    ids = {event.text: sid for sid, event in log.current().items()}
    assert (tmp_path / "w.tsv").read_text(encoding="utf-8").splitlines() == [
        "Sentence_id\tText\tclass_label",
        ids[QUOTED] + "\t" + QUOTED + "\tYes",
        ids["A disgrace."] + "\tA disgrace.\tNo",
    ]
    log.record(sentence("=SUM(A1) is the total.", index=2), "verified")
    export_annotations(
        [tmp_path / "logs"], "checkthat-worthiness", tmp_path / "s.tsv", spreadsheet_safe=True
    )
    assert "\t'=SUM(A1) is the total.\tYes" in (tmp_path / "s.tsv").read_text(encoding="utf-8")
    export_annotations([tmp_path / "logs"], "checkthat-worthiness", tmp_path / "w.tsv")
    assert "\t=SUM(A1) is the total.\tYes" in (tmp_path / "w.tsv").read_text(encoding="utf-8")


def test_verdict_exports_work_from_a_gold_standard(fever_logs, tmp_path):
    """Test that a gold file exports to FEVER, leaving out its unresolved sentence."""
    table = gold(fever_logs, scheme=factcheck.SCHEMES["fever"])
    write_gold(table, tmp_path / "gold.csv", scheme=factcheck.SCHEMES["fever"])
    with pytest.warns(InputWarning, match="1 sentence"):
        rows = export_annotations([tmp_path / "gold.csv"], "fever", tmp_path / "g.jsonl")
    assert rows == 2
    labels = [json.loads(x)["label"] for x in (tmp_path / "g.jsonl").read_text().splitlines()]
    assert labels == ["SUPPORTS", "REFUTES"]


@pytest.mark.parametrize(
    ("fmt", "name", "to"),
    [
        ("checkthat-worthiness", "worthiness.tsv", "checkthat-worthiness"),
        ("checkthat-subjectivity", "subjectivity.tsv", "checkthat"),
    ],
)
def test_checkthat_tsv_import_then_export_gives_back_the_same_rows(tmp_path, fmt, name, to):
    """Test that importing a CheckThat! TSV (quotes inside fields) and exporting it round-trips."""
    source = DATA / name
    result = import_file(source, fmt, "ana", tmp_path / "annotations")
    assert result.labels == 3
    out = tmp_path / "back.tsv"
    assert main(["export", str(tmp_path / "annotations"), "--to", to, "-o", str(out)]) == 0
    original = source.read_text(encoding="utf-8").splitlines()
    rows = sorted(line.split("\t")[:3] for line in original[1:])
    back = out.read_text(encoding="utf-8").splitlines()
    assert back[0].split("\t") == original[0].split("\t")[:3]
    assert sorted(line.split("\t") for line in back[1:]) == rows


def test_import_writes_a_corpus_the_annotator_can_label(tmp_path):
    """Test that the imported corpus loads as articles, one per sentence, text unchanged."""
    result = import_file(DATA / "worthiness.tsv", "checkthat-worthiness", "ana", tmp_path)
    articles = factcheck.load_articles(result.corpus)
    assert [a.id for a in articles] == ["30313", "30314", "30315"]
    assert articles[0].text == '"We will not raise taxes," the candidate said.'
    frame = read_annotations(tmp_path)
    assert frame.set_index("sentence_id")["label"].to_dict() == {
        "30313": "no",
        "30314": "yes",
        "30315": "yes",
    }
    assert set(frame["scheme"]) == {"checkthat-worthiness@1"}


def test_claimbuster_import_maps_verdicts_to_the_claimbuster_preset(tmp_path):
    """Test that ClaimBuster's Verdict 1/0/-1 becomes cfs/ufs/nfs, quoted CSV fields intact."""
    import_file(DATA / "claimbuster.csv", "claimbuster", "cb", tmp_path)
    frame = read_annotations(tmp_path).set_index("sentence_id")
    assert frame["label"].to_dict() == {"9001": "nfs", "9002": "ufs", "9003": "cfs"}
    assert frame.loc["9003", "text"].endswith('from "4" to 12 percent.')


def test_label_studio_import_gives_each_annotator_a_log_for_agreement(tmp_path):
    """Test that a Label Studio task with several annotations gives one log per person."""
    result = import_file(
        DATA / "label-studio.json",
        "label-studio",
        "ls",
        tmp_path,
        scheme=factcheck.SCHEMES["fever"],
    )
    assert (result.sentences, result.labels, len(result.logs)) == (3, 3, 2)
    frame = read_annotations(tmp_path)
    pairs = sorted(zip(frame["annotator"], frame["sentence_id"], frame["label"], strict=True))
    assert pairs == [
        ("ls-7", "101", "supports"),
        ("ls-7", "102", "refutes"),
        ("ls-9", "101", "not enough info"),
    ]
    assert main(["agreement", str(tmp_path)]) == 0


def test_doccano_import_reads_jsonl_and_skips_unlabelled_lines(tmp_path):
    """Test that a doccano JSONL export becomes a corpus of 3 and a log of 2 labels."""
    result = import_file(
        DATA / "doccano.jsonl", "doccano", "dc", tmp_path, scheme=factcheck.SCHEMES["claimbuster"]
    )
    assert (result.sentences, result.labels) == (3, 2)
    labels = read_annotations(tmp_path).set_index("sentence_id")["label"].to_dict()
    assert labels == {"1": "cfs", "2": "nfs"}


def test_unknown_label_names_the_file_and_row_and_writes_nothing(tmp_path):
    """Test that an unknown label stops the import with file and row, before any write."""
    bad = tmp_path / "bad.tsv"
    text = (DATA / "worthiness.tsv").read_text(encoding="utf-8").replace("\tYes\n", "\tMaybe\n", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.tsv, row 3: unknown label 'Maybe'"):
        import_file(bad, "checkthat-worthiness", "ana", tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_label_studio_label_outside_the_scheme_is_refused(tmp_path):
    """Test that a Label Studio choice the scheme lacks names the task and the scheme."""
    with pytest.raises(InputError, match=r"row 1: unknown label 'Supports'.*'default'"):
        import_file(DATA / "label-studio.json", "label-studio", "ls", tmp_path)


def test_cli_import_reports_and_refuses_overwriting_its_input(tmp_path, capsys):
    """Test that `factcheck import` writes the log and will not write over the file it reads."""
    source = tmp_path / "data.corpus.tsv"
    shutil.copy(DATA / "worthiness.tsv", source)
    args = ["import", "--from", "checkthat-worthiness", str(source), "--annotator", "ana"]
    assert main([*args, "-o", str(tmp_path / "ann")]) == 0
    assert "imported 3 sentences" in capsys.readouterr().err
    assert (tmp_path / "ann" / "ana.csv").is_file()
    clash = tmp_path / "w.tsv"
    shutil.copy(DATA / "worthiness.tsv", clash)
    (tmp_path / "w.corpus.jsonl").symlink_to(clash)
    assert (
        main(
            [
                "import",
                "--from",
                "checkthat-worthiness",
                str(clash),
                "--annotator",
                "b",
                "-o",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert clash.read_text(encoding="utf-8") == (DATA / "worthiness.tsv").read_text("utf-8")


def test_worthiness_import_reads_the_tweet_layout(tmp_path):
    """Test that the tweets layout (tweet_id, tweet_url, tweet_text, class_label) imports."""
    source = tmp_path / "tweets.tsv"
    source.write_text(
        "tweet_id\ttweet_url\ttweet_text\tclass_label\n"
        '1359351\thttps://example.test/s/1359351\t"Masks cut cases by 90%," says @drvell\tYes\n',
        encoding="utf-8",
    )
    import_file(source, "checkthat-worthiness", "ana", tmp_path / "out")
    frame = read_annotations(tmp_path / "out")
    assert frame[["sentence_id", "label", "text"]].values.tolist() == [
        ["1359351", "yes", '"Masks cut cases by 90%," says @drvell']
    ]
    assert main(["validate", str(tmp_path / "out"), "--scheme", "checkthat-worthiness"]) == 0


def test_a_tab_inside_a_sentence_names_the_row_and_field_counts(tmp_path):
    """Test that a row with an extra tab is refused with its row and the field counts."""
    source = tmp_path / "subj.tsv"
    source.write_text("sentence_id\tsentence\tlabel\nx1\tOne\ttwo\tOBJ\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"subj\.tsv, row 2: 4 fields, the header has 3"):
        import_file(source, "checkthat-subjectivity", "ana", tmp_path / "out")


def test_label_studio_annotation_with_two_labels_is_refused(tmp_path):
    """Test that one annotation whose results choose two labels names the task."""
    task = {
        "id": 5,
        "data": {"text": "The bridge opened in 1962."},
        "annotations": [
            {
                "completed_by": 1,
                "result": [
                    {"type": "choices", "value": {"choices": ["verified"]}},
                    {"type": "choices", "value": {"choices": ["opinion"]}},
                ],
            }
        ],
    }
    source = tmp_path / "ls.json"
    source.write_text(json.dumps([task]), encoding="utf-8")
    with pytest.raises(InputError, match=r"ls\.json, row 1: one annotation chose several"):
        import_file(source, "label-studio", "ls", tmp_path / "out")


def test_importing_the_same_file_twice_adds_no_rows(tmp_path):
    """Test that a second import of the same labels leaves the log unchanged."""
    import_file(DATA / "claimbuster.csv", "claimbuster", "cb", tmp_path)
    before = (tmp_path / "cb.csv").read_bytes()
    import_file(DATA / "claimbuster.csv", "claimbuster", "cb", tmp_path)
    assert (tmp_path / "cb.csv").read_bytes() == before
