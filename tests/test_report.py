"""Tests for factcheck.report: the standalone class report and the class-review notebook."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from factcheck.articles import Article
from factcheck.classroom import SCORE_COLUMNS, class_report, make_answer_key
from factcheck.errors import LogFormatError
from factcheck.log import AnnotationLog
from factcheck.report import (
    OUTCOME_COLOURS,
    agreement_table,
    article_html,
    class_report_html,
    score_chart,
    vote_chart,
    write_class_report,
)

ROOT = Path(__file__).resolve().parents[1]
ATTACK = "<img src=x onerror=\"document.title='pwned'\">"
SCRIPT_ATTACK = "</script><script>document.title='pwned'</script>"

MARKET = Article.from_text(
    "The covered market reopened on Friday after a two-year renovation, the city confirmed. "
    f"One trader wrote {ATTACK} on her stall sign to mock the delays. "
    "Rents for stalls have reportedly risen by a third. "
    "It is the most beautiful market in the region.",
    id="covered-market",
    source="articles/covered-market.txt",
)
M0, M1, M2, M3 = MARKET.sentences
EVIL_NAME = "<img src=x onerror=alert(1)>"


def make_class(folder: Path) -> Path:
    """A key (M1 left out, a script-closing explanation) and three student logs."""
    teacher = AnnotationLog(folder / "teacher" / "lee.csv", annotator="lee")
    teacher.record(M0, "verified", "The city's press release is on record.")
    teacher.record(M2, "unconfirmed", f"'Reportedly': no source. {SCRIPT_ATTACK}")
    teacher.record(M3, "opinion", "'The most beautiful' is a judgement.")
    key = folder / "key.csv"
    make_answer_key(teacher.path, key)
    students = folder / "class"
    for name, labels in {
        "amira": ("verified", "verified", "unconfirmed", "opinion"),
        "ben": ("verified", "opinion", "verified", "opinion"),
        EVIL_NAME: ("unconfirmed", "verified", "verified"),
    }.items():
        log = AnnotationLog(students / f"student{len(name)}.csv", annotator=name)
        for sentence, label in zip(MARKET.sentences, labels, strict=False):
            log.record(sentence, label)
    return key


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The class report of the market class, written once: (path, HTML)."""
    folder = tmp_path_factory.mktemp("report")
    key = make_class(folder)
    out = write_class_report(key, folder / "class", folder / "report.html")
    return out, out.read_text(encoding="utf-8")


def test_report_shows_sentences_key_and_scores(report_page: tuple[Path, str]):
    """Test that the page holds each sentence, the key's labels and each student's counts."""
    _, page = report_page
    assert "The covered market reopened on Friday" in page
    assert "It is the most beautiful market in the region." in page
    assert "&#x27;Reportedly&#x27;: no source." in page  # the explanation of a hard sentence
    assert re.search(r"<th>amira</th><td[^>]*>3/3 <span[^>]*>of 3</span>", page)
    assert re.search(r"<th>ben</th><td[^>]*>2/3 <span[^>]*>of 3</span>", page)
    assert "3 sentences in\n1 article(s). 3 student(s) from\n3 file(s)." in page
    assert "+1 outside the key" in page  # amira and ben also labelled M1


def test_report_escapes_untrusted_text(report_page: tuple[Path, str]):
    """Test that markup in a sentence, a student name and an explanation is never live."""
    _, page = report_page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the student's name, as text
    assert "&lt;img src=x onerror=&quot;document.title=&#x27;pwned&#x27;&quot;&gt;" in page
    assert "<script>document.title" not in page
    assert page.count("</script>") == page.count("<script")  # nothing closes a script early


def test_report_works_offline(report_page: tuple[Path, str]):
    """Test that the page loads no script or style from elsewhere and embeds vega-embed."""
    _, page = report_page
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "window.vegaEmbed=" in page
    assert page.count('class="fc-chart"') == 2  # scores + one article's votes


def test_write_class_report_keeps_the_old_report_on_error(tmp_path: Path):
    """Test that a bad key raises and leaves an existing report file as it was."""
    out = tmp_path / "report.html"
    out.write_text("last week's report", encoding="utf-8")
    bad = tmp_path / "key.csv"
    bad.write_text("not,a,key\n", encoding="utf-8")
    with pytest.raises(LogFormatError, match=r"key\.csv, line 1: missing column"):
        write_class_report(bad, tmp_path, out)
    assert out.read_text(encoding="utf-8") == "last week's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.csv", "report.html"]


def test_score_chart_counts_correct_wrong_and_missing(tmp_path: Path):
    """Test that the score bars hold each student's correct, wrong and unanswered counts."""
    report = class_report(make_class(tmp_path), tmp_path / "class")
    values = score_chart(report).to_dict()["datasets"]
    (rows,) = values.values()
    counts = {(r["student"], r["outcome"]): r["count"] for r in rows}
    assert counts[("ben", "correct")] == 2 and counts[("ben", "wrong")] == 1
    assert counts[(EVIL_NAME, "correct")] == 0 and counts[(EVIL_NAME, "wrong")] == 2
    assert counts[(EVIL_NAME, "not answered")] == 1  # stopped before the last sentence
    spec = score_chart(report).to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == list(OUTCOME_COLOURS.values())


def test_vote_chart_outlines_the_key_answer(tmp_path: Path):
    """Test that the vote bars flag the key's label and the side column states the key."""
    report = class_report(make_class(tmp_path), tmp_path / "class")
    spec = vote_chart(report, "covered-market").to_dict()
    data = {name: rows for name, rows in spec["datasets"].items()}
    votes = next(rows for rows in data.values() if rows and "is_key" in rows[0])
    m3 = [r for r in votes if r["text"] == M3.text]
    assert {(r["label"], r["count"], r["is_key"]) for r in m3} == {("opinion", 2, True)}
    notes = next(rows for rows in data.values() if rows and "note" in rows[0])
    assert [r["note"] for r in notes] == [
        "key: verified · 2 of 3 right",
        "not in the key",
        "key: unconfirmed · 1 of 3 right",
        "key: opinion · 2 of 2 right",
    ]


def test_article_view_colours_sentences_by_class_majority(tmp_path: Path):
    """Test that each sentence gets its majority colour and a mismatch with the key is marked."""
    report = class_report(make_class(tmp_path), tmp_path / "class")
    view = article_html(report, "covered-market")
    spans = re.findall(r'<span class="(fc-s[^"]*)"( style="[^"]*")? title="([^"]*)">', view)
    assert len(spans) == len(MARKET.sentences)
    assert "#CC79A7" in spans[3][1]  # M3: opinion, the key's answer
    assert spans[1][0] == "fc-s fc-open"  # M1 is not in the key
    assert "#0072B2" in spans[2][1]  # M2: verified 2, unconfirmed 1 - the class missed it
    assert view.count('<sup class="fc-miss">≠ key</sup>') == 1 + 1  # legend + M2
    assert "Key: unconfirmed" in spans[2][2]


def test_hidden_names_stay_out_of_the_page(tmp_path: Path):
    """Test that with hide_names the page shows pseudonyms and no student name."""
    report = class_report(make_class(tmp_path), tmp_path / "class", hide_names=True)
    page = class_report_html(report)
    assert "amira" not in page and "&lt;img src=x onerror=alert(1)&gt;" not in page
    assert len(set(re.findall(r"Student \d\d", page))) == 3
    assert "Names are hidden" in page


def tie_class(folder: Path) -> Path:
    """Two students who split on M0 (key verified: neither said it) and M3 (key opinion)."""
    key = make_class(folder)
    for name, labels in {
        "dana": ("unconfirmed", "", "unconfirmed", "opinion"),
        "eli": ("opinion", "", "unconfirmed", "verified"),
    }.items():
        log = AnnotationLog(folder / "pair" / f"{name}.csv", annotator=name)
        for sentence, label in zip(MARKET.sentences, labels, strict=True):
            if label:
                log.record(sentence, label)
    return key


def test_a_tie_is_drawn_as_a_tie(tmp_path: Path):
    """Test that a tied sentence is striped in both colours, 'tie', and '≠ key' only if apt."""
    report = class_report(tie_class(tmp_path), tmp_path / "pair")
    summary = report.sentences.set_index("sentence_id")
    assert summary.loc[M3.id, "majority_label"] == ""
    assert summary.loc[M3.id, "tied_labels"] == "verified, opinion"
    assert summary.loc[M2.id, "tied_labels"] == ""  # both said unconfirmed: no tie
    view = article_html(report, "covered-market")
    spans = re.findall(
        r'<span class="(fc-s[^"]*)"( style="[^"]*")? title="([^"]*)">[^<]*</span>'
        r'(<sup class="fc-[a-z]+">[^<]*</sup>)?',
        view,
    )
    m0, m2, m3 = spans  # M1 is neither in the key nor answered by this pair
    # M3: the key's opinion is one of the tied labels: a tie, not a miss.
    assert "fc-tied" in m3[0] and "repeating-linear-gradient" in m3[1]
    assert "#0072B2" in m3[1] and "#CC79A7" in m3[1]  # verified and opinion stripes
    assert m3[3] == '<sup class="fc-tie">tie</sup>'
    assert "tie: verified = opinion" in m3[2]
    # M0: tied between unconfirmed and opinion, the key says verified: a miss.
    assert "fc-tied" in m0[0] and m0[3] == '<sup class="fc-miss">≠ key</sup>'
    assert "#0072B2" not in m0[1]  # never drawn in one label's colour, nor the key's
    assert m2[3] == ""  # a clear majority that agrees with the key: no mark
    notes = next(
        rows
        for rows in vote_chart(report, "covered-market").to_dict()["datasets"].values()
        if rows and "note" in rows[0]
    )
    assert notes[-1]["note"] == "key: opinion · 1 of 2 right · tie"


def _tick_labels(chart) -> list[str]:
    """The numbers written along the axes of a chart rendered to SVG."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict())
    return re.findall(r">(-?[0-9][0-9.,]*)</text>", svg)


@pytest.mark.parametrize("folder", ["class", "pair"])
def test_count_axes_have_whole_number_ticks(tmp_path: Path, folder: str):
    """Test that the votes and score axes count whole students and sentences (no 0.5 ticks)."""
    report = class_report(tie_class(tmp_path), tmp_path / folder)
    for chart in (score_chart(report), vote_chart(report, "covered-market")):
        ticks = _tick_labels(chart)
        assert ticks and all(t.isdigit() for t in ticks), ticks


def test_agreement_table_uses_plain_names_and_no_interval_on_few_sentences(
    report_page: tuple[Path, str],
):
    """Test that the agreement table names measures plainly and says why it has no interval."""
    _, page = report_page
    section = page[page.index("How much the class agrees") : page.index("<h2>Articles")]
    for name in ("Krippendorff&#x27;s alpha", "Fleiss&#x27; kappa", "Gwet&#x27;s AC1"):
        assert name in section
    assert "Percent agreement" in section
    for raw in ("krippendorff_alpha", "fleiss_kappa", "gwet_ac1", "percent_agreement", "(all)"):
        assert raw not in section
    assert "no interval: fewer than 10 sentences" in section
    assert not re.search(r"\d\.\d\d – \d\.\d\d", section)  # 3 sentences: no interval


def test_agreement_table_gives_an_interval_with_enough_sentences(tmp_path: Path):
    """Test that with 12 sentences the table shows a bootstrap interval for each figure."""
    article = Article.from_text(
        " ".join(f"Sentence number {i} is about the harbour." for i in range(12)), id="many"
    )
    teacher = AnnotationLog(tmp_path / "teacher.csv", annotator="lee")
    for sentence in article.sentences:
        teacher.record(sentence, "verified", "On record.")
    key = make_answer_key(teacher.path, tmp_path / "key.csv")
    labels = ("verified", "opinion", "unconfirmed")
    for k, name in enumerate(("amira", "ben", "chloe")):
        log = AnnotationLog(tmp_path / "class" / f"{name}.csv", annotator=name)
        for i, sentence in enumerate(article.sentences):
            log.record(sentence, labels[(i * (k + 1)) % 3 if i % 2 else 0])
    table = agreement_table(class_report(key, tmp_path / "class"))
    overall = table.loc[table["Label"] == "all labels"].set_index("Measure")
    assert overall.loc["Percent agreement", "Sentences"] == 12
    assert re.fullmatch(
        r"-?\d\.\d\d – -?\d\.\d\d", overall.loc["Percent agreement", "95% interval"]
    )
    assert "no interval" not in " ".join(table["Note"])


def test_hardest_sentences_say_how_they_were_chosen(report_page: tuple[Path, str]):
    """Test that the page states the rule, and a sentence everyone got right is not listed."""
    _, page = report_page
    section = page[page.index("<h2>Hardest sentences") : page.index("How much the class agrees")]
    assert "lowest share of right answers first" in section
    assert (
        "Sentences everyone got right, nobody answered or outside the key are left out" in section
    )
    assert "It is the most beautiful market" not in section  # 2 of 2 right
    assert "Rents for stalls have reportedly risen" in section  # 1 of 3 right


def test_scores_csv_is_spreadsheet_safe_and_exact(tmp_path: Path):
    """Test that the grades CSV has a BOM, no formula-like cell, and reads back exactly."""
    import csv

    from factcheck.cli import main
    from factcheck.spreadsheet import unprotect_cell

    key = make_class(tmp_path)
    for name in ('=HYPERLINK("http://x.example","grade")', "@dana", "-eli"):
        log = AnnotationLog(tmp_path / "class" / f"odd{len(name)}.csv", annotator=name)
        log.record(M0, "verified")
    grades = tmp_path / "grades.csv"
    assert main(["classroom", "report", str(tmp_path / "class"), "--key", str(key),
                 "-o", str(tmp_path / "report.html"), "--scores", str(grades)]) == 0  # fmt: skip
    raw = grades.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(grades, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(SCORE_COLUMNS)
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    students = {unprotect_cell(row[0]) for row in rows[1:]}
    assert {'=HYPERLINK("http://x.example","grade")', "@dana", "-eli", "amira"} <= students
    report = class_report(key, tmp_path / "class")
    ben = next(row for row in rows if row[0] == "ben" and row[1] == "(all)")
    expected = report.scores.set_index(["student", "article_id"]).loc[("ben", "(all)")]
    assert [int(ben[2]), int(ben[3]), int(ben[4])] == [
        expected["in_key"],
        expected["answered"],
        expected["correct"],
    ]
    assert float(ben[7]) == pytest.approx(expected["score"])


@pytest.mark.slow
def test_class_review_notebook_runs(tmp_path: Path):
    """Test that notebooks/04-class-review.ipynb runs top to bottom on the example class."""
    path = ROOT / "notebooks" / "04-class-review.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(
        str(o.get("data", {}).get("text/html", "")) + str(o.get("text", "")) for o in outputs
    )
    assert "grace" in text  # a student of the example class in the scores table
    assert "fc-article" in text  # the coloured article view
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    charts = [o for o in views if "factcheck chart" in str(o["data"].get("text/plain", ""))]
    assert len(charts) == 1 + 3  # the scores, then the votes of each of the three articles
    assert len(views) == len(charts) + 1  # and the live view
    assert "articles done" in text  # the gradebook
