"""Right-to-left text: Arabic, Persian, Urdu and Hebrew sentences in the widget, the report
and the charts read right to left; English stays as it was (browser checks:
tests/browser/test_rtl_browser.py)."""

from __future__ import annotations

from pathlib import Path

from factcheck.annotator import Annotator
from factcheck.articles import Article
from factcheck.charts import disagreement_chart
from factcheck.classroom import class_report, make_answer_key
from factcheck.language import PDI, RLI, isolate
from factcheck.log import AnnotationLog, read_annotations
from factcheck.report import article_html, vote_chart
from tests._widget_helpers import rows_of

# Fictional news text: an Arabic article with Latin names and numbers inside.
ARABIC = (
    "قال رئيس بلدية وادي الريحان، سمير حداد، إن الجسر الجديد سيفتح في 3 آذار 2026.\n\n"
    "وأضاف أن الكلفة بلغت 12 مليون دولار، وفق تقرير نشرته BBC.\n\n"
    "“No comment,” said the contractor.\n\n"
    "هل تكفي الميزانية؟"
)
ENGLISH = "The council approved the bridge on Tuesday.\n\nIt will cost 12 million dollars."


def arabic() -> Article:
    return Article.from_text(ARABIC, id="jisr", title="الجسر الجديد")


def test_arabic_sentences_are_shown_right_to_left_and_an_english_quote_is_not(tmp_path: Path):
    """Test that each row's sentence widget gets the rtl class from the article's language,
    except a sentence with no right-to-left letter (an English quotation)."""
    article = arabic()
    assert article.language == "ar"
    ann = Annotator(article, annotator="ana", folder=tmp_path)
    shown = {row.text.value: "fc-rtl" in row.text._dom_classes for row in ann.rows[:4]}
    assert shown == {
        article.sentences[0].text: True,
        article.sentences[1].text: True,
        "“No comment,” said the contractor.": False,
        "هل تكفي الميزانية؟": True,
    }
    assert all("fc-text" in row.text._dom_classes for row in ann.rows[:4])
    assert "fc-rtl" in ann.title_label._dom_classes  # the Arabic title too


def test_label_keys_work_on_a_right_to_left_article(tmp_path: Path):
    """Test that number keys label Arabic sentences and the log keeps their exact text."""
    article = arabic()
    ann = Annotator(article, annotator="ana", folder=tmp_path)
    for key in ("1", "2", "3"):
        ann.press(key)
    rows = rows_of(tmp_path / "ana.csv")
    assert [(r["label"], r["text"], r["language"]) for r in rows] == [
        ("verified", article.sentences[0].text, "ar"),
        ("unconfirmed", article.sentences[1].text, "ar"),
        ("opinion", article.sentences[2].text, "ar"),
    ]


def test_english_rows_stay_left_to_right_when_the_pool_is_reused(tmp_path: Path):
    """Test that a row that showed Arabic loses the rtl class when it shows English."""
    ann = Annotator(
        [arabic(), Article.from_text(ENGLISH, id="bridge")], annotator="ana", folder=tmp_path
    )
    assert "fc-rtl" in ann.rows[0].text._dom_classes
    ann.show_article(1)
    assert ann.article.language == "en"
    assert "fc-rtl" not in ann.title_label._dom_classes
    shown = [row for row in ann.rows if row.sentence_id]
    assert len(shown) == 2
    assert not any("fc-rtl" in row.text._dom_classes for row in shown)


def class_of(folder: Path, article: Article) -> Path:
    """A key and two students' logs for ``article``."""
    teacher = AnnotationLog(folder / "teacher" / "lee.csv", annotator="lee")
    for sentence in article.sentences:
        teacher.record(sentence, "verified", "السجل البلدي")
    key = folder / "key.csv"
    make_answer_key(teacher.path, key)
    for name in ("amira", "ben"):
        log = AnnotationLog(folder / "class" / f"{name}.csv", annotator=name)
        for sentence in article.sentences:
            log.record(sentence, "opinion" if name == "ben" else "verified")
    return key


def test_report_marks_each_sentence_and_the_article_with_its_direction(tmp_path: Path):
    """Test that the report's article view is dir=rtl and each sentence has its own dir."""
    article = arabic()
    report = class_report(class_of(tmp_path, article), tmp_path / "class")
    page = article_html(report, article.id)
    assert '<p class="fc-text" dir="rtl">' in page
    assert page.count('dir="rtl">') == 1 + 3  # the paragraph and three Arabic sentences
    assert 'dir="ltr">“No comment,” said the contractor.' in page.replace("&quot;", '"')


def test_report_vote_chart_isolates_arabic_row_labels(tmp_path: Path):
    """Test that the vote chart's row labels wrap Arabic sentences in Unicode isolates."""
    article = arabic()
    report = class_report(class_of(tmp_path, article), tmp_path / "class")
    spec = vote_chart(report, article.id).to_dict()
    rows = {v["row"] for d in spec["datasets"].values() for v in d if "row" in v}
    assert any(r.startswith(" 1. " + RLI) and r.endswith(PDI) for r in rows)
    assert " 3. “No comment,” said the contractor." in rows


def test_charts_isolate_right_to_left_sentences_and_leave_english_alone(tmp_path: Path):
    """Test that the disagreement chart's labels and tooltips isolate Arabic sentences."""
    article = arabic()
    for name, label in (("ana", "verified"), ("ben", "opinion")):
        log = AnnotationLog(tmp_path / f"{name}.csv", annotator=name)
        for sentence in article.sentences:
            log.record(sentence, label)
    spec = disagreement_chart(read_annotations(tmp_path)).to_dict()
    data = [v for d in spec["datasets"].values() for v in d]
    texts = {v["text"] for v in data}
    assert isolate(article.sentences[0].text) in texts
    assert "“No comment,” said the contractor." in texts
    assert all(RLI in v["sentence"] for v in data if "BBC" in v["text"])


def test_isolate_wraps_only_right_to_left_text():
    """Test that isolate leaves English and empty text unchanged."""
    assert isolate("The bridge opened.") == "The bridge opened."
    assert isolate("") == ""
    assert isolate("שר האוצר אמר") == f"{RLI}שר האוצר אמר{PDI}"
