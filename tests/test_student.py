"""Student mode of the widget and the student app, driven in the kernel with real widgets.

Every test clicks real buttons (or calls ``label()``, the same path) and reads the feedback
widgets and the CSV on disk. The browser side (Voilà, two students at once) is in
tests/browser/test_student_browser.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from factcheck import Annotator
from factcheck import answers as key_rules
from factcheck.articles import Article, load_articles
from factcheck.classroom import (
    AnswerKey,
    KeyEntry,
    read_answer_key,
    score_students,
    write_answer_key,
)
from factcheck.classroom_server import classroom_env, serve_classroom, voila_command
from factcheck.errors import InputError, InputWarning
from factcheck.log import AnnotationLog, log_path, read_annotations
from factcheck.paths import sample_path
from factcheck.student import (
    ENV_ARTICLES,
    ENV_FEEDBACK,
    ENV_KEY,
    ENV_OUT,
    NameInUse,
    NameNotAllowed,
    StudentConfig,
    claim_anonymous,
    claim_name,
    config_from_env,
    sample_key_path,
    student_app,
    student_notebook_path,
)
from factcheck.student_mode import StudentAnnotator, offered_keys
from tests._widget_helpers import all_widgets, rows_of

REPO = Path(__file__).resolve().parents[1]
ATTACK = '<img src=x onerror="window.__pwned=1">'
FERRY = (
    "The Harbour Council approved a new ferry timetable on Tuesday. "
    "Services will run every 20 minutes from March 2, the council said.\n\n"
    "The change is a triumph for common sense. "
    "Commuters reportedly waited up to an hour last winter."
)
PARK = (
    "The city opened a skate park on Linden Road on Saturday. "
    "It is the finest park in the region, its designer said."
)


def ferry() -> Article:
    """A fictional article of four sentences."""
    return Article.from_text(FERRY, id="ferry", title="Ferry timetable", source="ferry.md")


def park() -> Article:
    """A second fictional article of two sentences."""
    return Article.from_text(PARK, id="park", title="Skate park", source="park.md")


def entry(sentence, label: str, explanation: str) -> KeyEntry:
    return KeyEntry(
        article_id=sentence.article_id,
        sentence_id=sentence.id,
        sentence_index=sentence.index,
        start=sentence.start,
        end=sentence.end,
        label=label,
        explanation=explanation,
        scheme="default@1",
        source="",
        text=sentence.text,
    )


FERRY_ANSWERS = (
    ("verified", "The council's minutes record the vote."),
    ("unconfirmed", "Only the council says so; no timetable is published yet."),
    ("opinion", f"'A triumph' is a judgement. {ATTACK}"),
)


def ferry_key(*, open_last: str | None = None) -> AnswerKey:
    """A key for the first three ferry sentences; the fourth is left out (or open)."""
    sentences = ferry().sentences
    entries = [entry(s, *a) for s, a in zip(sentences, FERRY_ANSWERS, strict=False)]
    if open_last is not None:
        entries.append(entry(sentences[3], "", open_last))
    return AnswerKey(tuple(entries))


def two_article_key() -> AnswerKey:
    extra = park().sentences
    return AnswerKey(
        (
            *ferry_key().entries,
            entry(extra[0], "verified", "The opening was announced by the city."),
            entry(extra[1], "opinion", "'Finest' is a judgement, even when quoted."),
        )
    )


@pytest.fixture
def student(tmp_path: Path) -> Annotator:
    return Annotator(ferry(), annotator="zoe", folder=tmp_path, key=ferry_key())


# ----- pure feedback and score functions -----


def test_feedback_view_is_empty_until_revealed():
    """Test that nothing is shown for a sentence whose answer is not revealed yet."""
    sid = ferry().sentences[0].id
    assert key_rules.feedback_view(ferry_key(), sid, "opinion", revealed=False).kind == ""


@pytest.mark.parametrize(
    ("index", "label", "kind", "headline"),
    [
        (0, "verified", "right", "✓ Right: verified."),
        (0, "opinion", "wrong", "✗ Not quite: you chose opinion; the answer is verified."),
        (1, "", "unanswered", "Not answered. The answer is unconfirmed."),
        (3, "opinion", "open", "No single right answer here."),
    ],
)
def test_feedback_view_says_right_wrong_unanswered_or_open(index, label, kind, headline):
    """Test that the revealed feedback names the student's label and the key's answer."""
    sid = ferry().sentences[index].id
    view = key_rules.feedback_view(ferry_key(), sid, label, revealed=True)
    assert (view.kind, view.headline) == (kind, headline)
    assert view.explanation == (FERRY_ANSWERS[index][1] if index < 3 else "")


def test_open_key_sentence_shows_its_explanation_without_a_verdict():
    """Test that a key row with no label gives 'no single right answer' plus its explanation."""
    sid = ferry().sentences[3].id
    key = ferry_key(open_last="Depends on whose records you trust.")
    view = key_rules.feedback_view(key, sid, "verified", revealed=True)
    assert view == key_rules.FeedbackView(
        "open", "No single right answer here.", "Depends on whose records you trust."
    )


def test_feedback_html_escapes_the_explanation():
    """Test that an <img onerror> in an explanation becomes text, not an element."""
    view = key_rules.FeedbackView("wrong", "✗ Not <quite>.", f"Because {ATTACK}")
    markup = key_rules.feedback_html(view)
    assert "<img" not in markup
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in markup
    assert markup.startswith("<b>✗ Not &lt;quite&gt;.</b>")
    assert key_rules.feedback_html(key_rules.FeedbackView("")) == ""


def test_score_counts_key_sentences_only_and_agrees_with_the_class_report(tmp_path: Path):
    """Test that the widget's score equals score_students' for the same labels."""
    key = ferry_key()
    ids = [s.id for s in ferry().sentences]
    answers = {ids[0]: "verified", ids[1]: "opinion", ids[3]: "opinion"}
    mine = key_rules.score(key, ids, answers)
    assert mine == key_rules.Score(in_key=3, answered=2, correct=1)
    log = AnnotationLog(annotator="zoe", folder=tmp_path)
    for sentence in ferry().sentences:
        if sentence.id in answers:
            log.record(sentence, answers[sentence.id])
    report = score_students(key, read_annotations(log.path))
    (row,) = report.loc[report["article_id"] == "ferry"].to_dict("records")
    assert (row["in_key"], row["answered"], row["correct"]) == (3, 2, 1)
    assert mine.fraction == pytest.approx(row["score"])


@pytest.mark.parametrize(
    ("article", "overall", "articles", "mode", "text"),
    [
        (
            key_rules.Score(3, 0, 0),
            key_rules.Score(5, 0, 0),
            2,
            "end",
            "Label every sentence, then",
        ),
        (key_rules.Score(3, 0, 0), key_rules.Score(3, 0, 0), 1, "immediate", "Label a sentence to"),
        (
            key_rules.Score(3, 2, 1),
            key_rules.Score(5, 2, 1),
            2,
            "immediate",
            "Right so far: 1 of 2.",
        ),
        (
            key_rules.Score(3, 3, 2),
            key_rules.Score(5, 5, 4),
            2,
            "immediate",
            "Score for this article: 2 of 3 right (67%). Overall score: 4 of 5 right (80%) "
            "in 2 articles.",
        ),
        (key_rules.Score(0, 0, 0), key_rules.Score(3, 1, 1), 1, "end", "No sentence of this"),
    ],
)
def test_score_text_shows_article_then_overall_score(article, overall, articles, mode, text):
    """Test that the score line gives per-article and overall scores as answers are revealed."""
    assert key_rules.score_text(article, overall, articles=articles, mode=mode).startswith(text)


# ----- the widget in student mode, feedback="immediate" -----


def test_click_shows_right_with_explanation_and_writes_the_csv(student: Annotator, tmp_path):
    """Test that a right click saves the label and shows 'Right' with the teacher's reason."""
    student.rows[0].buttons["verified"].click()
    (row,) = rows_of(tmp_path / "zoe.csv")
    first = student.article.sentences[0]
    assert (row["sentence_id"], row["label"], row["annotator"]) == (first.id, "verified", "zoe")
    feedback = student.rows[0].feedback
    assert feedback.value == "<b>✓ Right: verified.</b> The council&#x27;s minutes record the vote."
    assert feedback._dom_classes == ("fc-feedback", "fc-right")
    assert student.rows[1].feedback._dom_classes == ("fc-feedback", "fc-hidden")
    assert student.rows[1].feedback.value == ""


def test_wrong_answer_shows_the_expected_label_escaped(student: Annotator):
    """Test that a wrong answer names the right one and the explanation's HTML is escaped."""
    student.rows[2].buttons["verified"].click()
    value = student.rows[2].feedback.value
    assert value.startswith("<b>✗ Not quite: you chose verified; the answer is opinion.</b>")
    assert "<img" not in value
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in value
    assert student.rows[2].feedback._dom_classes == ("fc-feedback", "fc-wrong")


def test_sentence_outside_the_key_says_no_single_right_answer(student: Annotator):
    """Test that labelling a sentence the key leaves out shows 'no single right answer'."""
    student.rows[3].buttons["opinion"].click()
    assert student.rows[3].feedback.value == "<b>No single right answer here.</b>"
    assert student.rows[3].feedback._dom_classes == ("fc-feedback", "fc-open")


def test_revealed_answer_is_final(student: Annotator, tmp_path: Path):
    """Test that after feedback the buttons lock and neither a relabel, clear nor undo is saved."""
    sid = student.article.sentences[2].id
    student.rows[2].buttons["verified"].click()
    assert all(b.disabled for b in student.rows[2].buttons.values())
    assert student.rows[2].clear.disabled and student.rows[2].note.disabled
    assert student.label(sid, "opinion") is None
    assert "is final" in student.status
    student.rows[2].buttons["opinion"].click()  # what a stale browser click would do
    student.press("0")
    assert student.undo() is None
    assert "Undo is off" in student.status
    assert [r["label"] for r in rows_of(tmp_path / "zoe.csv")] == ["verified"]
    assert student.labels == {sid: "verified"}


def test_score_line_appears_once_every_key_sentence_is_answered(student: Annotator):
    """Test that the article score is shown at the end, counting right answers over the key."""
    assert student.score_label.value == "Label a sentence to see if you are right."
    for slot, name in enumerate(("verified", "opinion", "opinion")):
        student.rows[slot].buttons[name].click()
        if slot == 0:
            assert student.score_label.value == "Right so far: 1 of 1."
    assert student.score_label.value == "Score for this article: 2 of 3 right (67%)."
    assert student.article_score() == key_rules.Score(3, 3, 2)


def test_keys_label_and_move_on_in_student_mode(student: Annotator, tmp_path: Path):
    """Test that key presses label in student mode and the hints leave out undo."""
    student.press("1")
    student.press("3")
    assert [r["label"] for r in rows_of(tmp_path / "zoe.csv")] == ["verified", "opinion"]
    assert "u undo" not in student.keys_label.value
    assert student.rows[1].feedback._dom_classes == ("fc-feedback", "fc-wrong")


def test_resumed_student_sees_feedback_and_stays_locked(tmp_path: Path):
    """Test that reopening a student's log shows the revealed feedback again, still final."""
    first = Annotator(ferry(), annotator="zoe", folder=tmp_path, key=ferry_key())
    first.rows[0].buttons["opinion"].click()
    again = Annotator(ferry(), annotator="zoe", folder=tmp_path, key=ferry_key())
    assert again.rows[0].feedback._dom_classes == ("fc-feedback", "fc-wrong")
    assert again.rows[0].buttons["verified"].disabled
    assert again.score_label.value == "Right so far: 0 of 1."


def test_overall_score_covers_every_article(tmp_path: Path):
    """Test that the overall score sums the articles once all are answered."""
    ann = Annotator([ferry(), park()], annotator="zoe", folder=tmp_path, key=two_article_key())
    for slot, name in enumerate(("verified", "unconfirmed", "verified")):
        ann.rows[slot].buttons[name].click()
    assert "Overall so far: 2 of 3 right." in ann.score_label.value
    ann.next_article_button.click()
    ann.rows[0].buttons["verified"].click()
    ann.rows[1].buttons["opinion"].click()
    assert ann.score_label.value == (
        "Score for this article: 2 of 2 right (100%). Overall score: 4 of 5 right (80%) "
        "in 2 articles."
    )
    assert ann.overall_score() == key_rules.Score(5, 5, 4)


# ----- feedback="end" -----


def test_end_mode_hides_feedback_until_check(tmp_path: Path):
    """Test that with feedback='end' answers can change until Check, then all are revealed."""
    ann = Annotator(ferry(), annotator="zoe", folder=tmp_path, key=ferry_key(), feedback="end")
    assert ann.check_button in all_widgets(ann.widget)
    ann.rows[0].buttons["opinion"].click()
    ann.rows[0].buttons["verified"].click()  # changed before the check: allowed
    assert ann.rows[0].feedback._dom_classes == ("fc-feedback", "fc-hidden")
    assert ann.check_button.disabled
    assert ann.check() is None
    assert "3 still unlabelled" in ann.status
    for slot in (1, 2, 3):
        ann.rows[slot].buttons["opinion"].click()
    assert ann.score_label.value == "Label every sentence, then press 'Check my answers'."
    assert not ann.check_button.disabled
    ann.check_button.click()
    kinds = [r.feedback._dom_classes[1] for r in ann.rows[:4]]
    assert kinds == ["fc-right", "fc-wrong", "fc-right", "fc-open"]
    assert ann.score_label.value == "Score for this article: 2 of 3 right (67%)."
    assert ann.check_button.disabled and ann.check_button.description == "Checked"
    assert ann.label(ann.article.sentences[0].id, "opinion") is None
    labels = [r["label"] for r in rows_of(tmp_path / "zoe.csv")]
    assert labels == ["opinion", "verified", "opinion", "opinion", "opinion"]


def test_end_mode_resume_counts_a_fully_labelled_article_as_checked(tmp_path: Path):
    """Test that a reloaded end-mode session shows feedback for articles labelled throughout."""
    first = Annotator(ferry(), annotator="zoe", folder=tmp_path, key=ferry_key(), feedback="end")
    for slot in range(4):
        first.rows[slot].buttons["verified"].click()
    again = Annotator(ferry(), annotator="zoe", folder=tmp_path, key=ferry_key(), feedback="end")
    assert again.rows[0].feedback._dom_classes == ("fc-feedback", "fc-right")
    assert again.rows[0].buttons["opinion"].disabled


# ----- normal mode unchanged, bad input -----


def test_normal_mode_has_no_feedback_widgets(tmp_path: Path):
    """Test that without a key the rows, header and keys are those of the normal annotator."""
    ann = Annotator(ferry(), annotator="ana", folder=tmp_path)
    everything = all_widgets(ann.widget)
    assert all(r.feedback is None for r in ann.rows)
    assert not hasattr(ann, "score_label") and not hasattr(ann, "check_button")
    assert not any(
        {"fc-score", "fc-check"} & set(getattr(x, "_dom_classes", ())) for x in everything
    )
    assert "u undo" in ann.keys_label.value
    assert ann.annotator_label.value == "Annotator: ana"
    ann.rows[0].buttons["verified"].click()
    ann.rows[0].buttons["opinion"].click()  # relabelling stays allowed
    assert ann.labels == {ann.article.sentences[0].id: "opinion"}


def test_key_from_a_path_is_read(tmp_path: Path):
    """Test that key= accepts an answer key CSV path."""
    path = write_answer_key(ferry_key(), tmp_path / "key.csv")
    ann = Annotator(ferry(), annotator="zoe", folder=tmp_path / "answers", key=str(path))
    assert ann.key is not None and len(ann.key) == 3
    assert ann.annotator_label.value == "Student: zoe"


def test_key_for_other_articles_is_refused(tmp_path: Path):
    """Test that a key sharing no sentence with the articles raises, naming both sides."""
    with pytest.raises(
        InputError, match=r"none of its 3 sentences is in the articles given \(park\)"
    ):
        Annotator(park(), annotator="zoe", folder=tmp_path, key=ferry_key())


def test_key_sentences_missing_from_an_edited_article_warn(tmp_path: Path):
    """Test that key sentences the article no longer has give an InputWarning."""
    edited = Article.from_text(
        FERRY.replace("every 20 minutes", "every 15 minutes"), id="ferry", title="Ferry"
    )
    with pytest.warns(InputWarning, match=r"1 sentence\(s\) of the key are not in the articles"):
        Annotator(edited, annotator="zoe", folder=tmp_path, key=ferry_key())


def test_unknown_feedback_mode_is_refused(tmp_path: Path):
    """Test that feedback must be 'immediate' or 'end'."""
    with pytest.raises(InputError, match=r"'later' is not a feedback mode\. Use 'immediate' or"):
        Annotator(ferry(), annotator="zoe", folder=tmp_path, key=ferry_key(), feedback="later")


def test_check_without_a_key_says_how_to_get_student_mode(tmp_path: Path):
    """Test that check() on a normal annotator explains student mode."""
    with pytest.raises(InputError, match=r"Pass key='key\.csv'"):
        Annotator(ferry(), annotator="ana", folder=tmp_path).check()


@pytest.mark.parametrize(
    ("student", "feedback", "checked", "offered"),
    [
        (False, "immediate", False, {"undo", "clear", "note", "flag"}),
        (True, "immediate", False, {"note"}),
        (True, "end", False, {"clear", "note"}),
        (True, "end", True, set()),
    ],
)
def test_students_are_offered_only_the_keys_that_work(student, feedback, checked, offered):
    """Test that students never get undo or flag, nor clear or note once answers are locked."""
    keys = offered_keys(student=student, feedback=feedback, checked=checked)
    assert {name for name, on in keys.items() if on} == offered


def test_the_public_annotator_with_a_key_is_student_mode(tmp_path: Path):
    """Test that factcheck.Annotator(..., key=) builds a StudentAnnotator, still an instance
    of factcheck.Annotator, and without a key the labelling widget, which has no key."""
    import inspect

    import factcheck
    from factcheck import annotator

    student = factcheck.Annotator(ferry(), annotator="zoe", folder=tmp_path, key=ferry_key())
    assert type(student) is StudentAnnotator
    assert isinstance(student, factcheck.Annotator) and issubclass(StudentAnnotator, Annotator)
    assert student.annotator_label.value == "Student: zoe"
    plain = factcheck.Annotator(ferry(), annotator="ana", folder=tmp_path)
    assert isinstance(plain, annotator.Annotator) and not isinstance(plain, StudentAnnotator)
    assert not hasattr(plain, "key") and plain.rows[0].feedback is None
    assert {"key", "feedback", "scheme", "page_size"} <= set(
        inspect.signature(factcheck.Annotator).parameters
    )
    assert "key" not in inspect.signature(annotator.Annotator).parameters


def test_a_bad_feedback_mode_is_refused_without_a_key_too(tmp_path: Path):
    """Test that the public Annotator checks feedback= even when no key is given."""
    with pytest.raises(InputError, match=r"'later' is not a feedback mode"):
        Annotator(ferry(), annotator="ana", folder=tmp_path, feedback="later")


# ----- names -----


def test_a_name_in_use_is_refused_until_released(tmp_path: Path):
    """Test that a second claim of the same name (any case) is refused while the first holds."""
    first = claim_name(tmp_path, "Ana")
    with pytest.raises(NameInUse, match="already using the name 'ana' in"):
        claim_name(tmp_path, "ana ")
    first.release()
    second = claim_name(tmp_path, "ana")
    assert (second.name, second.existing) == ("ana", 0)
    second.release()


def test_a_name_with_answers_reports_them_under_the_recorded_name(tmp_path: Path):
    """Test that claiming a name whose log has answers gives their count and the log's name."""
    log = AnnotationLog(annotator="Ana", folder=tmp_path)
    log.record(ferry().sentences[0], "verified")
    claim = claim_name(tmp_path, "ANA")
    assert (claim.name, claim.existing, claim.path) == ("Ana", 1, log.path)
    assert re.fullmatch(r"\d\d:\d\d", claim.last)
    claim.release()


def test_a_name_held_by_another_process_is_refused_until_it_ends(tmp_path: Path):
    """Test that a live session in another process holds the name; its end frees it."""
    script = (
        "import sys, time\n"
        "from factcheck.student import claim_name\n"
        f"claim = claim_name({str(tmp_path)!r}, 'ben')\n"
        "print('held', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(NameInUse):
            claim_name(tmp_path, "Ben")
    finally:
        holder.communicate("\n", timeout=30)  # the process exits without releasing
    claim_name(tmp_path, "Ben").release()


def test_anonymous_ids_are_random_and_distinct(tmp_path: Path):
    """Test that anonymous ids look like student-7f3a and two sessions never share one."""
    first, second = claim_anonymous(tmp_path), claim_anonymous(tmp_path)
    assert re.fullmatch(r"student-[0-9a-f]{4}", first.name)
    assert first.name != second.name
    first.release()
    second.release()


# ----- the student app -----


@pytest.fixture
def classroom(tmp_path: Path) -> StudentConfig:
    key = write_answer_key(two_article_key(), tmp_path / "key.csv")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "ferry.md").write_text(FERRY, encoding="utf-8")
    (articles / "park.md").write_text(PARK, encoding="utf-8")
    (articles / "other.md").write_text("A story the key does not cover at all.", encoding="utf-8")
    return StudentConfig(key=key, articles=articles, out=tmp_path / "answers")


def test_student_app_starts_labelling_under_the_name(classroom: StudentConfig):
    """Test that entering a name opens student mode on the key's articles, saving to out/."""
    app = student_app(classroom.key, classroom.articles, classroom.out)
    assert [a.id for a in app.articles] == ["ferry", "park"]
    app.name_text.value = "Chloé B"
    app.start_button.click()
    ann = app.annotator
    assert ann is not None and ann.key is not None
    assert app.widget.children == (ann.widget,)
    ann.rows[0].buttons["verified"].click()
    (row,) = rows_of(log_path("Chloé B", classroom.out))
    assert row["annotator"] == "Chloé B"
    app.close()


def test_student_app_refuses_a_name_in_use_and_confirms_a_return(classroom: StudentConfig):
    """Test the collision rule: a live name is refused; a left-over log needs confirmation."""
    ana = student_app(classroom.key, classroom.articles, classroom.out)
    ana.start("ana").rows[0].buttons["verified"].click()
    other = student_app(classroom.key, classroom.articles, classroom.out)
    assert other.start("Ana") is None
    assert "already using the name 'Ana'" in other.message
    ana.close()  # Ana's tab closed: her kernel ended
    assert other.start("Ana") is None
    assert "1 answer(s) are already saved under the name 'ana'" in other.message
    assert other.confirm_box.layout.display is None
    other.back_button.click()
    assert other.annotator is None and other.confirm_box.layout.display == "none"
    other.start("Ana")
    other.continue_button.click()
    resumed = other.annotator
    assert resumed is not None and resumed.annotator == "ana"
    assert resumed.rows[0].feedback._dom_classes == ("fc-feedback", "fc-right")
    assert {r["annotator"] for r in rows_of(log_path("ana", classroom.out))} == {"ana"}
    other.close()


def test_stay_anonymous_gives_a_random_id(classroom: StudentConfig):
    """Test that 'Stay anonymous' labels under student-xxxx in its own file."""
    app = student_app(classroom.key, classroom.articles, classroom.out)
    app.anonymous_button.click()
    name = app.annotator.annotator
    assert re.fullmatch(r"student-[0-9a-f]{4}", name)
    app.annotator.press("2")
    assert rows_of(log_path(name, classroom.out))[0]["label"] == "unconfirmed"
    app.close()


def test_concurrent_students_write_only_their_own_files(classroom: StudentConfig):
    """Test that students labelling at the same moment (threads) each get one complete file."""
    apps = [student_app(classroom.key, classroom.articles, classroom.out) for _ in range(4)]
    annotators = [app.start(f"pupil {i}") for i, app in enumerate(apps)]
    barrier = threading.Barrier(len(annotators))

    def work(ann: Annotator) -> None:
        barrier.wait()
        for sentence in ann.article.sentences:
            ann.label(sentence.id, "opinion")

    threads = [threading.Thread(target=work, args=(ann,)) for ann in annotators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for i, _ in enumerate(apps):
        rows = rows_of(log_path(f"pupil {i}", classroom.out))
        assert [r["annotator"] for r in rows] == [f"pupil {i}"] * 4
        assert [r["sentence_index"] for r in rows] == ["0", "1", "2", "3"]
    for app in apps:
        app.close()


def test_student_app_shows_a_broken_session_instead_of_raising(
    classroom: StudentConfig, capfd: pytest.CaptureFixture[str]
):
    """Test that a broken session disables the form; details go to the teacher, not the page."""
    missing = student_app(classroom.key.with_name("nope.csv"), classroom.articles, classroom.out)
    assert "nope.csv: no such answer key" in missing.problem
    assert "nope.csv" in capfd.readouterr().err  # the server's log (the kernel's stderr)
    assert missing.start_button.disabled and missing.start("ana") is None
    wrong = student_app(classroom.key, sample_path(), classroom.out)
    assert "the key is for the article(s) ferry, park" in wrong.problem
    bad_mode = student_app(classroom.key, classroom.articles, classroom.out, feedback="soon")
    assert "FACTCHECK_FEEDBACK='soon' is not a feedback mode" in bad_mode.problem
    for app in (missing, wrong, bad_mode):
        assert "Tell your teacher" in app.message
        assert_no_path(app, classroom.out.parent)


def assert_no_path(app, root: Path) -> None:
    """Everything a student can read in the app names no file and no folder."""
    shown = " ".join(
        str(getattr(widget, name, ""))
        for widget in all_widgets(app.form)
        for name in ("value", "description", "placeholder", "tooltip")
    )
    assert str(root) not in shown and ".csv" not in shown and "/" not in app.message, shown


def test_name_messages_wrap_and_are_escaped(classroom: StudentConfig):
    """Test that the name-clash message is a wrapping, escaped paragraph, not a one-line Label."""
    first = student_app(classroom.key, classroom.articles, classroom.out)
    name = "Ana <img src=x onerror=alert(1)> with a very long surname indeed"
    first.start(name)
    other = student_app(classroom.key, classroom.articles, classroom.out)
    assert other.start(name) is None
    html = other.message_html.value
    assert "already using the name" in other.message
    assert "white-space:normal" in html and "overflow-wrap:anywhere" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not [w for w in all_widgets(other.form) if type(w).__name__ == "Label"]
    first.close()


def test_unexpected_problems_show_no_path_to_the_student(
    classroom: StudentConfig, capfd: pytest.CaptureFixture[str]
):
    """Test that a log shared by two people and an unusable folder give path-free messages."""
    shared = AnnotationLog(log_path("ana", classroom.out), annotator="ana")
    shared.record(ferry().sentences[0], "verified")
    AnnotationLog(shared.path, annotator="bob").record(ferry().sentences[1], "opinion")
    app = student_app(classroom.key, classroom.articles, classroom.out)
    assert app.start("ana") is None
    assert "Tell your teacher" in app.message
    assert_no_path(app, classroom.out.parent)
    assert "holds the answers of 2 people" in capfd.readouterr().err
    blocked = classroom.out.parent / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    app = student_app(classroom.key, classroom.articles, blocked)
    assert app.start("ben") is None and app.start_anonymous() is None
    assert_no_path(app, classroom.out.parent)
    assert str(blocked) in capfd.readouterr().err


def test_warnings_naming_files_go_to_the_teacher_not_the_page(
    classroom: StudentConfig, capfd: pytest.CaptureFixture[str]
):
    """Test that a warning about the key (it names the file) reaches stderr, not the student."""
    (classroom.articles / "park.md").write_text(PARK.replace("finest", "best"), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = student_app(classroom.key, classroom.articles, classroom.out)
        annotator = app.start("Ana")
    assert annotator is not None  # the session still runs
    assert [str(w.message) for w in caught] == []
    err = capfd.readouterr().err
    assert "sentence(s) of the key are not in the articles" in err and "key.csv" in err
    assert_no_path(app, classroom.out.parent)
    app.close()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Type your name first"),
        ("   ", "Type your name first"),
        ("=HYPERLINK(1)", "start it with a letter or a digit"),
        ("+44 ana", "start it with a letter or a digit"),
        ("@ana", "start it with a letter or a digit"),
        ("-ana", "start it with a letter or a digit"),
        ("???", "use letters, digits"),
        ("ana\tb", "use letters, digits"),
    ],
)
def test_names_that_cannot_be_used_say_why(classroom: StudentConfig, name: str, message: str):
    """Test that empty, formula-like or letterless names are refused with a plain reason."""
    app = student_app(classroom.key, classroom.articles, classroom.out)
    assert app.start(name) is None
    assert message in app.message
    assert not classroom.out.exists() or not list(classroom.out.glob("*.csv"))


def test_one_person_one_file_through_annotator_key(classroom: StudentConfig):
    """Test that NFD José continues NFC José's answers, but 'Ana-Lima' cannot take 'Ana Lima's."""
    import unicodedata

    nfc = unicodedata.normalize("NFC", "José")
    nfd = unicodedata.normalize("NFD", "José")
    first = student_app(classroom.key, classroom.articles, classroom.out)
    first.start(nfc).rows[0].buttons["verified"].click()
    first.close()
    again = student_app(classroom.key, classroom.articles, classroom.out)
    assert again.start(nfd) is None and "1 answer(s) are already saved" in again.message
    assert again.confirm() is not None
    again.close()
    # Should two names ever give one file name, the second person is refused that file.
    clash = AnnotationLog(log_path("Ana-Lima", classroom.out), annotator="Ana Lima")
    clash.record(ferry().sentences[0], "opinion")
    other = student_app(classroom.key, classroom.articles, classroom.out)
    assert other.start("Ana-Lima") is None
    assert "Someone else's answers are saved under a name very like 'Ana-Lima'" in other.message
    assert other.confirm_box.layout.display == "none"
    assert {r["annotator"] for r in rows_of(clash.path)} == {"Ana Lima"}
    with pytest.raises(NameNotAllowed):
        claim_name(classroom.out, "Ana-Lima")
    claim_name(classroom.out, "ana lima").release()  # the same person may continue


def test_the_teachers_log_in_the_answers_folder_cannot_be_claimed(tmp_path: Path):
    """Test that the key's author, the log it came from and listed names are never claimable."""
    from factcheck.classroom import make_answer_key, teachers_path

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "ferry.md").write_text(FERRY, encoding="utf-8")
    out = tmp_path / "answers"
    teacher = AnnotationLog(log_path("Rahman", out), annotator="Rahman")
    sentences = load_articles(articles)[0].sentences
    for sentence, (label, why) in zip(sentences, FERRY_ANSWERS, strict=False):
        teacher.record(sentence, label, why)
    key = tmp_path / "key.csv"
    make_answer_key(teacher.path, key)
    teachers_path(key).write_text(
        teachers_path(key).read_text(encoding="utf-8") + "name: Ms Okafor\n", encoding="utf-8"
    )
    for name in ("rahman", "RAHMAN ", "Ms  Okafor"):
        app = student_app(key, articles, out)
        assert app.start(name) is None, name
        assert "cannot be used in this session" in app.message
        assert "teacher" not in app.message and app.annotator is None
    # Without the list, a log whose notes are the key's explanations is still recognised.
    teachers_path(key).unlink()
    app = student_app(key, articles, out)
    assert app.start("Rahman") is None and "cannot be used in this session" in app.message
    student = student_app(key, articles, out)
    assert student.start("Ravi") is not None  # any other name works
    student.close()


def test_fixed_student_name_skips_the_form(classroom: StudentConfig):
    """Test that FACTCHECK_STUDENT (e.g. a JupyterHub user) starts labelling straight away."""
    app = student_app(classroom.key, classroom.articles, classroom.out, student="dana")
    assert app.annotator is not None and app.annotator.annotator == "dana"
    app.close()


def test_config_reads_the_environment_with_sample_defaults(tmp_path: Path):
    """Test that FACTCHECK_* set the paths and mode, and the bundled samples fill the gaps."""
    assert config_from_env({}) == StudentConfig(
        key=sample_key_path(), articles=sample_path(), out=Path("classroom-answers")
    )
    env = {ENV_KEY: "k.csv", ENV_ARTICLES: "a/", ENV_OUT: "o", ENV_FEEDBACK: "END"}
    assert config_from_env(env) == StudentConfig(Path("k.csv"), Path("a"), Path("o"), "end")


def test_bundled_sample_key_matches_the_sample_articles():
    """Test that every sentence of the bundled key is in the bundled articles as split now."""
    key = read_answer_key(sample_key_path())
    ids = {s.id for a in load_articles(sample_path()) for s in a.sentences}
    assert len(key.entries) > 30
    assert {e.sentence_id for e in key.entries} <= ids


# ----- serving -----


def test_serve_environment_and_command(tmp_path: Path):
    """Test that serve passes absolute paths by FACTCHECK_* and binds 127.0.0.1 by default."""
    env = classroom_env("key.csv", "articles", "out", "end", base={"PATH": "/bin"})
    assert env["PATH"] == "/bin" and env[ENV_FEEDBACK] == "end"
    assert all(Path(env[name]).is_absolute() for name in (ENV_KEY, ENV_ARTICLES, ENV_OUT))
    command = voila_command(student_notebook_path(), port=9000)
    assert command[1:4] == ["-m", "voila", str(student_notebook_path())]
    assert "--Voila.ip=127.0.0.1" in command and "--port=9000" in command
    assert "--no-browser" in command and "--Voila.port_retries=0" in command
    assert "--template=factcheck" in command
    assert "--ClassroomKernelManager.max_kernels=40" in command
    template = Path(env["JUPYTER_PATH"].split(os.pathsep)[0])
    assert (template / "voila" / "templates" / "factcheck" / "conf.json").is_file()
    assert "--Voila.ip=0.0.0.0" in voila_command("nb.ipynb", port=1, ip="0.0.0.0")


def test_serve_checks_the_key_before_starting_anything(tmp_path: Path):
    """Test that serve_classroom fails fast with a clear message on a missing key."""
    with pytest.raises(InputError, match="no such answer key"):
        serve_classroom(tmp_path / "key.csv", sample_path(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _get(url: str) -> tuple[int, str]:
    """One real HTTP GET (no proxy): the status and the page."""
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=180) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.mark.slow
def test_served_class_caps_kernels_and_ends_unconnected_ones(classroom: StudentConfig):
    """Test that with 2 places, 4 GETs start 2 kernels, then 'class is full'; a GET's kernel ends."""
    import time

    from tests.browser.harness import VoilaServer, free_port, kernel_pids_under, spawn_server

    base = classroom.out.parent / "server"
    for sub in ("config", "data", "runtime", "ipython"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),
        PYTHONUNBUFFERED="1",
    )
    port = free_port()
    script = (
        "from factcheck.classroom_server import serve_classroom\n"
        f"serve_classroom({str(classroom.key)!r}, {str(classroom.articles)!r}, "
        f"{str(classroom.out)!r}, port={port}, max_students=2, connect_timeout=30)\n"
    )
    process = spawn_server(
        [sys.executable, "-c", script], cwd=base, env=env, log_path=base / "voila.log"
    )
    server = VoilaServer(f"http://127.0.0.1:{port}", port, base, process)
    try:
        deadline = time.monotonic() + 120
        while "Voilà is running at" not in server.log_tail(20):
            assert process.poll() is None and time.monotonic() < deadline, server.log_tail()
            time.sleep(0.2)
        pages = [_get(server.url + "/") for _ in range(4)]
        assert [status for status, _ in pages] == [200, 200, 503, 503], server.log_tail()
        assert "Fact-check practice" in pages[0][1]
        full = pages[2][1]
        assert "The class is full" in full and "All 2 places of this class are taken" in full
        assert "https://" not in full and "cdn.jsdelivr" not in pages[0][1]
        assert len(kernel_pids_under(process.pid)) == 2
        # Nobody connected to those two kernels (bare GETs): they end, and places free up.
        deadline = time.monotonic() + 90
        while kernel_pids_under(process.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kernel_pids_under(process.pid) == [], server.log_tail()
        assert "no browser connected to it" in server.log_tail(80)
        assert _get(server.url + "/")[0] == 200
    finally:
        kernels = kernel_pids_under(process.pid)
        server.stop()
    deadline = time.monotonic() + 30
    while [pid for pid in kernels if Path(f"/proc/{pid}").exists()] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in kernels if Path(f"/proc/{pid}").exists()]


def test_serve_refuses_a_class_of_no_students(classroom: StudentConfig):
    """Test that max_students below 1 is refused before anything starts."""
    with pytest.raises(InputError, match=r"--max-students 0: a class needs at least 1 place"):
        serve_classroom(classroom.key, classroom.articles, classroom.out, max_students=0)


# ----- the notebook -----


def test_student_notebook_in_notebooks_is_the_packaged_one():
    """Test that notebooks/03-student.ipynb and the package's copy are the same notebook."""
    ours = nbformat.read(REPO / "notebooks" / "03-student.ipynb", as_version=4)
    packaged = nbformat.read(student_notebook_path(), as_version=4)
    assert [c.source for c in ours.cells] == [c.source for c in packaged.cells]


def test_student_notebook_runs_with_the_serve_environment(classroom: StudentConfig, tmp_path):
    """Test that the notebook runs top to bottom and shows the app, reading FACTCHECK_*."""
    notebook = nbformat.read(student_notebook_path(), as_version=4)
    env = classroom_env(classroom.key, classroom.articles, classroom.out, "end")
    saved = {name: os.environ.get(name) for name in env if name.startswith("FACTCHECK_")}
    os.environ.update({k: v for k, v in env.items() if k.startswith("FACTCHECK_")})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            NotebookClient(
                notebook, timeout=120, resources={"metadata": {"path": tmp_path}}
            ).execute()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def test_student_app_uses_the_teachers_custom_label_scheme(tmp_path: Path):
    """Test that a key with a custom label needs the scheme, and with it students can pick it."""
    import json

    from factcheck import DEFAULT_SCHEME, Label
    from factcheck.classroom import make_answer_key

    scheme = DEFAULT_SCHEME.with_labels(
        Label(
            "satire", "Written to mock, not to inform.", "The mayor, a potato, ...", "4", "#56B4E9"
        ),
        name="class",
    )
    scheme_file = tmp_path / "class.json"
    scheme_file.write_text(json.dumps(scheme.to_dict()), encoding="utf-8")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "ferry.md").write_text(FERRY, encoding="utf-8")
    teacher = AnnotationLog(tmp_path / "teacher.csv", annotator="teacher", scheme=scheme)
    first = load_articles(articles)[0].sentences[0]
    teacher.record(first, "satire", note="It mocks the council.")
    key = tmp_path / "key.csv"
    make_answer_key(tmp_path / "teacher.csv", key, schemes=(scheme, DEFAULT_SCHEME))

    without = student_app(key, articles, tmp_path / "out")
    assert without.key is None
    assert re.search(r"uses label\(s\) satire.*--scheme", without.problem)
    with pytest.raises(InputError, match=r"uses label\(s\) satire"):
        serve_classroom(key, articles, tmp_path / "out", port=1)  # checked before Voila starts
    app = student_app(key, articles, tmp_path / "out", scheme=scheme_file)
    app.name_text.value = "Ana"
    app.start_button.click()
    assert app.annotator is not None and "satire" in app.annotator.rows[0].buttons
    app.annotator.rows[0].buttons["satire"].click()
    assert "satire" in app.annotator.status or app.annotator.saved
    assert rows_of(log_path("Ana", tmp_path / "out"))[0]["label"] == "satire"
    app.close()
