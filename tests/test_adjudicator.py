"""Tests for the Adjudicator view: the real widget objects driven as the browser drives them."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
import pytest

import factcheck
from factcheck.adjudication import (
    ANNOTATOR_SLIP,
    GENUINELY_AMBIGUOUS,
    GUIDELINE_GAP,
    OTHER,
    DecisionLog,
    read_decisions,
)
from factcheck.adjudicator import Adjudicator, adjudicator_keys, key_hints, paragraph_of
from factcheck.errors import InputError
from factcheck.labels import DEFAULT_SCHEME, Label, LabelScheme
from factcheck.log import AnnotationLog
from tests._log_helpers import article

ARTICLE = article()
SENTENCES = ARTICLE.sentences
# Sentence 0: unanimous (not queued); 1: two of three; 2: a three-way split; 3: a tie.
LABELS = {
    "ana": ("verified", "opinion", "verified", "verified"),
    "ben": ("verified", "opinion", "unconfirmed", "opinion"),
    "chloe": ("verified", "verified", "opinion", None),
}
XSS = '<img src=x onerror="alert(1)">'


def make_logs(folder: Path) -> Path:
    """Write one real AnnotationLog per annotator into ``folder`` (ben leaves an HTML note)."""
    for name, chosen in LABELS.items():
        log = AnnotationLog(annotator=name, folder=folder)
        for sentence, label in zip(SENTENCES, chosen, strict=False):
            if label:
                note = XSS if name == "ben" else ""
                log.record(sentence, label, note, source="articles/riverside.md")
    return folder


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    return make_logs(tmp_path / "annotations")


def view(logs: Path, tmp_path: Path, **kwargs) -> Adjudicator:
    return Adjudicator(logs, folder=tmp_path / "adjudications", **kwargs)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_queue_holds_disagreements_lowest_agreement_first(logs, tmp_path):
    """Test that the queue has every disputed sentence, the three-way split first."""
    adj = view(logs, tmp_path)
    assert adj.current == SENTENCES[2].id
    assert set(adj.queue["sentence_id"]) == {s.id for s in SENTENCES[1:4]}
    assert "Sentence 1 of 3" in adj.position_label.value


def test_reading_order_and_include_all(logs, tmp_path):
    """Test that order='reading' starts at the first sentence and include='all' adds agreed ones."""
    adj = view(logs, tmp_path, order="reading", include="all")
    assert list(adj.queue["sentence_id"]) == [s.id for s in SENTENCES[:4]]
    assert adj.current == SENTENCES[0].id


def test_unknown_include_is_a_clear_error(logs, tmp_path):
    """Test that a bad include value names the allowed ones."""
    with pytest.raises(InputError, match="include must be 'disagreements' or 'all'"):
        view(logs, tmp_path, include="some")


def test_every_annotator_answer_is_shown_as_text_with_votes(logs, tmp_path):
    """Test that each annotator's label and note are Label widgets (text, never HTML)."""
    adj = view(logs, tmp_path)
    lines = [tuple(c.value for c in box.children) for box in adj.answers_box.children]
    assert lines == [
        ("ana", "verified", "", ""),
        ("ben", "unconfirmed", "", XSS),
        ("chloe", "opinion", "", ""),
    ]
    assert all(isinstance(c, w.Label) for box in adj.answers_box.children for c in box.children)
    assert adj.votes_label.value == "Votes: verified 1, unconfirmed 1, opinion 1 (3 annotators)"


def test_sentence_text_and_context_are_escaped(tmp_path):
    """Test that article text in the context HTML is escaped, paragraph included."""
    text = f"First line {XSS} here.\n\nThe mayor said <b>no</b>. It rained."
    art = article(text, id="xss")
    folder = tmp_path / "logs"
    for name, label in (("ana", "opinion"), ("ben", "verified")):
        AnnotationLog(annotator=name, folder=folder).record(art.sentences[1], label)
    adj = Adjudicator(folder, [art], folder=tmp_path / "adj")
    value = adj.context_html.value
    assert "<b>no</b>" not in value and "&lt;b&gt;no&lt;/b&gt;" in value
    assert "It rained." in value  # the rest of the paragraph
    assert "onerror" not in Adjudicator(folder, folder=tmp_path / "adj").context_html.value


def test_paragraph_of_returns_the_blank_line_paragraph():
    """Test that the context is the paragraph around the sentence, split at blank lines."""
    text = "One.\n\nTwo a. Two b. Two c.\n\nThree."
    start = text.index("Two b.")
    end = start + len("Two b.")
    assert paragraph_of(text, start, end) == ("Two a. ", "Two b.", " Two c.")


def test_label_key_then_reason_key_decides_and_moves_on(logs, tmp_path):
    """Test that a label key then a reason key write one decision and show the next sentence."""
    adj = view(logs, tmp_path)
    first = adj.current
    adj.press("3")  # opinion
    assert read_decisions(tmp_path / "adjudications").empty
    assert "now pick the reason" in adj.status
    adj.press("g")
    table = read_decisions(tmp_path / "adjudications")
    assert table[["sentence_id", "label", "reason"]].values.tolist() == [
        [first, "opinion", GUIDELINE_GAP]
    ]
    assert adj.position == 1 and adj.current != first


def test_reason_key_first_then_label_key_decides(logs, tmp_path):
    """Test that the two keys can come in either order."""
    adj = view(logs, tmp_path)
    first = adj.current
    adj.press("a")
    adj.press("x")  # leave unresolved
    assert adj.decided[first].label == "" and adj.decided[first].reason == GENUINELY_AMBIGUOUS


def test_keys_do_exactly_what_decide_does(logs, tmp_path):
    """Test that the keys and Adjudicator.decide write the same decision row."""
    by_keys = view(logs, tmp_path / "a")
    sid = by_keys.current
    by_keys.press("1")
    by_keys.press("s")
    by_call = view(logs, tmp_path / "b")
    by_call.decide(sid, "verified", reason=ANNOTATOR_SLIP)

    def fields(adj):
        d = adj.decided[sid]
        return (d.sentence_id, d.article_id, d.label, d.reason, d.comment, d.text)

    assert fields(by_keys) == fields(by_call)
    assert by_keys.position == by_call.position == 1


def test_a_decided_sentence_is_redecided_by_one_key(logs, tmp_path):
    """Test that on a decided sentence a label key alone changes the label, keeping the reason."""
    adj = view(logs, tmp_path)
    sid = adj.current
    adj.decide(sid, "verified", reason=ANNOTATOR_SLIP)
    adj.press("k")
    adj.press("2")
    assert adj.decided[sid].label == "unconfirmed" and adj.decided[sid].reason == ANNOTATOR_SLIP


def test_comment_enter_saves_with_the_decision(logs, tmp_path):
    """Test that a comment typed before deciding is saved with the decision, and an edit
    after it (Enter sends the value) is saved as a new decision row."""
    adj = view(logs, tmp_path)
    sid = adj.current
    adj.comment.value = "the guideline says nothing about forecasts"
    adj.press("3")
    adj.press("g")
    assert adj.decided[sid].comment == "the guideline says nothing about forecasts"
    adj.press("k")
    assert adj.comment.value == "the guideline says nothing about forecasts"
    adj.comment.value = "rule 4 needed"
    assert adj.decided[sid].comment == "rule 4 needed"
    assert adj.decided[sid].label == "opinion"
    assert read_decisions(tmp_path / "adjudications")["comment"].tolist() == ["rule 4 needed"]


def test_u_undoes_the_last_decision_and_shows_it(logs, tmp_path):
    """Test that u undoes through DecisionLog.undo and returns to that sentence."""
    adj = view(logs, tmp_path)
    sid = adj.current
    adj.press("1")
    adj.press("o")
    adj.press("u")
    assert adj.current == sid and sid not in adj.decided
    assert read_decisions(tmp_path / "adjudications").empty
    adj.press("u")
    assert adj.status == "Nothing to undo."


def test_decisions_resume_after_reopening(logs, tmp_path):
    """Test that a new view over the same folder shows the earlier decision."""
    adj = view(logs, tmp_path)
    sid = adj.current
    adj.decide(sid, "opinion", reason=OTHER, comment="kept")
    again = view(logs, tmp_path)
    assert again.position == 1  # resumes at the first sentence not decided yet
    again.move(-1)
    assert again.decided[sid].comment == "kept"
    assert again.decision_label.value == "Your decision: opinion (other) — kept"


def test_moving_is_clamped_to_the_queue(logs, tmp_path):
    """Test that j/n and k/p move one sentence, never past either end."""
    adj = view(logs, tmp_path)
    adj.press("k")
    assert adj.position == 0
    for key in ("j", "n", "ArrowDown", "j"):
        adj.press(key)
    assert adj.position == 2
    adj.press("p")
    assert adj.position == 1


def test_a_second_adjudicators_differing_decision_is_shown_as_a_conflict(logs, tmp_path):
    """Test that kim's different decision shows as a conflict on lee's row and stays."""
    folder = tmp_path / "adjudications"
    kim = Adjudicator(logs, adjudicator="kim", folder=folder)
    sid = kim.current
    kim.decide(sid, "opinion", reason=GUIDELINE_GAP)
    lee = Adjudicator(logs, adjudicator="lee", folder=folder)
    assert lee.conflict_label.value == ""
    lee.decide(sid, "verified", reason=ANNOTATOR_SLIP)
    lee.move(-1)
    assert lee.conflict_label.value == (
        "Conflict between adjudicators: kim: opinion; lee: verified"
    )
    table = read_decisions(folder)
    assert sorted(table["label"]) == ["opinion", "verified"]


def test_annotator_files_stay_byte_identical(logs, tmp_path):
    """Test that deciding, commenting and undoing never change an annotator's file."""
    before = snapshot(logs)
    adj = view(logs, tmp_path)
    adj.press("1")
    adj.press("s")
    adj.comment.value = "a comment"
    adj.press("u")
    adj.decide(SENTENCES[3].id, None, reason=GENUINELY_AMBIGUOUS)
    assert snapshot(logs) == before


def test_deciding_a_sentence_outside_the_queue_is_refused(logs, tmp_path):
    """Test that decide names the sentence and what to do when it is not queued."""
    adj = view(logs, tmp_path)
    with pytest.raises(InputError, match=f"{SENTENCES[0].id!r} is not in this adjudication"):
        adj.decide(SENTENCES[0].id, "verified", reason=OTHER)


def test_an_unknown_label_from_a_script_is_refused_and_nothing_is_written(logs, tmp_path):
    """Test that a bad label raises with the known labels and writes no row."""
    adj = view(logs, tmp_path)
    with pytest.raises(factcheck.SchemeError, match="Known labels"):
        adj.decide(adj.current, "verifed", reason=OTHER)
    assert not DecisionLog("lee", tmp_path / "adjudications").current()


def test_key_hints_list_every_key_of_the_view():
    """Test that the hint line shows the label, unresolved, reason, comment, move, undo keys."""
    hints = key_hints(DEFAULT_SCHEME)
    for part in ("1 verified", "x leave unresolved", "s annotator slip", "g guideline gap"):
        assert part in hints
    assert set(adjudicator_keys(DEFAULT_SCHEME)) >= {"1", "2", "3", "x", "s", "g", "a", "o", "u"}


def test_a_label_key_that_clashes_with_a_view_key_is_a_clear_error():
    """Test that a scheme using key s for a label is refused with what to do."""
    scheme = LabelScheme(
        name="clash",
        version="1",
        labels=(
            Label("satire", "Satire.", "A joke.", "s", "#eeeeee"),
            Label("news", "News.", "A report.", "1", "#dddddd"),
        ),
    )
    with pytest.raises(InputError, match=r"uses key 's'.*Give the label another key"):
        adjudicator_keys(scheme)


def test_browser_key_messages_reach_the_view_in_order(logs, tmp_path):
    """Test that key messages from the bridge, even swapped in transit, decide in order."""
    adj = view(logs, tmp_path)
    sid = adj.current
    adj._on_browser_message(None, {"type": "key", "key": "g", "view": "v", "seq": 1}, [])
    adj._on_browser_message(None, {"type": "key", "key": "3", "view": "v", "seq": 0}, [])
    assert adj.decided[sid].label == "opinion" and adj.decided[sid].reason == GUIDELINE_GAP


def test_guidelines_and_widget_family_classes(logs, tmp_path):
    """Test that the guidelines are in the view and the bridge finds its container class."""
    adj = view(logs, tmp_path)
    assert adj.keys_label.value == key_hints(DEFAULT_SCHEME)
    assert "Guidelines" in adj.guidelines.get_title(0)
    assert "fc-annotator" in adj.widget._dom_classes
    assert factcheck.Adjudicator is Adjudicator
    assert "Adjudicator" in factcheck.__all__


def test_a_queue_with_nothing_disputed_says_so_and_ignores_keys(tmp_path):
    """Test that unanimous logs give an empty queue whose keys do nothing."""
    folder = tmp_path / "logs"
    for name in ("ana", "ben"):
        AnnotationLog(annotator=name, folder=folder).record(SENTENCES[0], "verified")
    adj = Adjudicator(folder, folder=tmp_path / "adj")
    assert adj.current is None
    assert adj.position_label.value.startswith("Nothing to adjudicate")
    adj.press("1")
    adj.press("s")
    assert not (tmp_path / "adj" / "lee.csv").exists()


def test_moving_closes_the_previous_answer_widgets(logs, tmp_path):
    """Test that each sentence's answer lines replace the last ones, which are closed."""
    adj = view(logs, tmp_path)
    old = adj.answers_box.children[0]
    adj.move(1)
    assert old.comm is None and old not in adj.answers_box.children
    assert len(adj.answers_box.children) == 2  # the tie: ana and ben labelled it


def test_a_saved_notebook_shows_a_text_summary_of_the_work(logs, tmp_path):
    """Test that the mimebundle carries a text/plain and text/html summary with the counts."""
    adj = view(logs, tmp_path)
    adj.decide(adj.current, "opinion", reason=OTHER)
    bundle = adj._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "1 of 3" in data["text/plain"] and "lee" in data["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in data


def test_a_decision_that_cannot_be_written_is_reported_on_the_status_line(logs, tmp_path):
    """Test that a key whose decision fails to save says NOT saved (never a silent observer error)."""
    adj = view(logs, tmp_path)
    adj.decisions.path.mkdir()  # the decisions file is now a folder: writing it fails
    adj.press("1")
    adj.press("s")
    assert adj.status.startswith("NOT saved:") and "lee.csv" in adj.status
    assert adj.conflict_label.value.startswith("Conflicts not checked:")
    assert adj.current not in adj.decided and adj.position == 0
    adj.press("j")  # the view keeps working
    assert adj.position == 1
