"""Evidence and claim rewrites in the labelling widget: real widgets, real keys, a real log."""

from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as w
import pytest

from factcheck import _evidence_form
from factcheck.annotator import Annotator
from factcheck.evidence import today_utc
from factcheck.log import read_annotations
from tests._widget_helpers import all_widgets, rows_of
from tests.test_annotator import ATTACK, _student, browser_send, council, send_key

MINUTES = "https://harbour.example.org/council/minutes-2026-11-17.pdf"
SCRIPT_URL = 'https://example.org/a"><script>alert(1)</script>'


@pytest.fixture
def ann(tmp_path: Path) -> Annotator:
    return Annotator(council(), annotator="ana", folder=tmp_path)


def press_enter(ann: Annotator, field: str) -> None:
    """What Enter in a panel field sends after the field's value (the browser bridge)."""
    browser_send(ann, {"type": "evidence", "action": "enter", "field": field})


def press_escape(ann: Annotator) -> None:
    """What Escape in the panel sends."""
    browser_send(ann, {"type": "evidence", "action": "close"})


def evidence_of(row: dict[str, str]) -> list[dict[str, str]]:
    """The evidence items of one CSV row, as JSON objects (none in a row without the field)."""
    return json.loads(row.get("evidence") or "[]")


def open_on_first(ann: Annotator) -> _evidence_form.EvidenceForm:
    """Label sentence 1 verified by its key, go back to it and press v."""
    send_key(ann, "1")
    send_key(ann, "k")
    send_key(ann, "v")
    form = ann.evidence_form
    assert form is not None
    return form


def test_key_v_opens_the_panel_under_the_focused_sentence(ann: Annotator):
    """Test that v opens the evidence panel inside the focused row, and the key help says so."""
    form = open_on_first(ann)
    first = ann.article.sentences[0]
    assert form.is_open and form.sentence_id == first.id
    assert form.box in ann.rows[0].box.children
    assert all(form.box not in row.box.children for row in ann.rows[1:])
    assert "v" in ann._bridge.handled_keys and "r" in ann._bridge.handled_keys
    assert "v evidence" in ann.keys_label.value
    assert "r claim rewrite" in ann.keys_label.value
    assert "labelled 'verified'" in form.title.value
    assert form.accessed.value == today_utc()
    assert ann._bridge.panel_field == "url" and ann._bridge.panel_token == 1
    assert "Escape closes" in ann.status


def test_pasting_a_url_and_enter_saves_it_with_the_label(ann: Annotator, tmp_path: Path):
    """Test that URL + Enter re-records the label with the evidence item, read back by
    read_annotations, and shows "1 source" on the row."""
    form = open_on_first(ann)
    form.url.value = MINUTES  # what the field's change event sends
    press_enter(ann, "url")
    rows = rows_of(tmp_path / "ana.csv")
    assert [(r["label"], r["action"]) for r in rows] == [("verified", "label")] * 2
    assert evidence_of(rows[0]) == []
    assert evidence_of(rows[1]) == [
        {
            "url": MINUTES,
            "quote": "",
            "source_type": "other",
            "accessed": today_utc(),
            "archived_url": "",
        }
    ]
    frame = read_annotations(str(tmp_path / "*.csv"))
    assert json.loads(frame["evidence"].iloc[-1])[0]["url"] == MINUTES
    first = ann.article.sentences[0].id
    assert [e.url for e in ann.evidence[first]] == [MINUTES]
    assert form.url.value == ""  # ready for the next URL
    assert "1 source" in ann._evidence_lines[id(ann.rows[0])].value
    assert "fc-hidden" not in ann._evidence_lines[id(ann.rows[0])]._dom_classes
    assert "It has 1 source." in ann.status


def test_quote_type_date_and_archived_copy_are_kept(ann: Annotator, tmp_path: Path):
    """Test that the optional fields reach the log, and a second item is appended."""
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "url")
    form.url.value = "https://stats.example.org/ferry-ridership.csv"
    form.quote.value = "Weekday riders: 4,120"
    form.source_type.value = "dataset"
    form.accessed.value = "2026-11-20"
    form.archived.value = "https://archive.example.net/ferry-ridership.csv"
    press_enter(ann, "archived")
    items = evidence_of(rows_of(tmp_path / "ana.csv")[-1])
    assert [i["url"] for i in items] == [MINUTES, "https://stats.example.org/ferry-ridership.csv"]
    assert items[1] == {
        "url": "https://stats.example.org/ferry-ridership.csv",
        "quote": "Weekday riders: 4,120",
        "source_type": "dataset",
        "accessed": "2026-11-20",
        "archived_url": "https://archive.example.net/ferry-ridership.csv",
    }
    assert "2 sources" in ann._evidence_lines[id(ann.rows[0])].value
    assert "archived copy" in form.items.value and "dataset" in form.items.value
    assert (form.source_type.value, form.accessed.value) == ("other", today_utc())


def test_enter_in_the_justification_does_not_add_an_item(ann: Annotator, tmp_path: Path):
    """Test that only the item fields' Enter adds evidence (a typed URL stays a draft)."""
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "justification")
    assert len(rows_of(tmp_path / "ana.csv")) == 1
    assert ann.evidence == {}


def test_evidence_without_a_label_is_refused(ann: Annotator, tmp_path: Path):
    """Test that an unlabelled sentence's evidence is refused inline and nothing is written."""
    send_key(ann, "v")
    form = ann.evidence_form
    assert form is not None and form.is_open
    assert "label the sentence first" in form.error.value  # said as soon as it opens
    form.url.value = MINUTES
    press_enter(ann, "url")
    assert not (tmp_path / "ana.csv").exists()
    assert "label the sentence first" in form.error.value
    assert "fc-hidden" not in form.error._dom_classes
    assert "label the sentence first" in ann.status
    assert form.url.value == MINUTES  # kept, so it can be added once labelled
    assert ann.add_evidence(MINUTES) is None


@pytest.mark.parametrize(
    "url, says",
    [
        ("javascript:alert(1)", "a javascript: address"),
        ("https://example.org/" + "a" * 10_240, "over the 2,048-character limit"),
        ("data:text/html,<script>alert(1)</script>", "a data: address"),
        ("example.org/minutes", "not an http(s) address"),
    ],
)
def test_a_bad_url_shows_an_error_inline_and_saves_nothing(
    ann: Annotator, tmp_path: Path, url: str, says: str
):
    """Test that make_evidence's refusal shows in the panel (short, as text) and no row is
    written; the field keeps the text to correct."""
    form = open_on_first(ann)
    before = rows_of(tmp_path / "ana.csv")
    form.url.value = url
    press_enter(ann, "url")
    assert rows_of(tmp_path / "ana.csv") == before
    assert says in form.error.value
    assert isinstance(form.error, w.Label)  # textContent: shown inert
    assert len(form.error.value) <= _evidence_form.ERROR_SHOWN_CHARS
    assert ann.status.startswith("Not added:")
    assert form.url.value == url
    assert ann.evidence == {}


def test_a_bad_archived_url_or_date_is_refused_too(ann: Annotator, tmp_path: Path):
    """Test that the archived URL and the date accessed are validated like the URL."""
    form = open_on_first(ann)
    form.url.value = MINUTES
    form.archived.value = "javascript:alert(1)"
    press_enter(ann, "url")
    assert "archived URL" in form.error.value
    form.archived.value = ""
    form.accessed.value = "17/11/2026"
    press_enter(ann, "accessed")
    assert "YYYY-MM-DD" in form.error.value
    assert len(rows_of(tmp_path / "ana.csv")) == 1
    form.accessed.value = "2026-11-17"
    press_enter(ann, "accessed")
    assert len(rows_of(tmp_path / "ana.csv")) == 2
    assert form.error.value == "" and "fc-hidden" in form.error._dom_classes


def test_markup_in_a_url_is_kept_as_text_and_shown_escaped(ann: Annotator, tmp_path: Path):
    """Test that a URL with '"><script>' is stored as typed and every HTML it reaches is
    escaped, with the link opening only on a click, rel=noopener noreferrer."""
    form = open_on_first(ann)
    form.url.value = SCRIPT_URL
    form.quote.value = ATTACK
    press_enter(ann, "url")
    assert evidence_of(rows_of(tmp_path / "ana.csv")[-1])[0]["url"] == SCRIPT_URL
    listing = form.items.value
    assert "<script" not in listing and "<img" not in listing
    assert 'href="https://example.org/a&quot;&gt;&lt;script&gt;' in listing
    assert 'rel="noopener noreferrer"' in listing and 'target="_blank"' in listing
    ann.rewrite_claim(f"The council {ATTACK} approved it.")
    html_values = [x.value for x in all_widgets(ann.widget) if isinstance(x, w.HTML)]
    assert all("<script" not in v and "<img" not in v for v in html_values)
    assert "&lt;img" in ann._evidence_lines[id(ann.rows[0])].value


def test_a_duplicate_url_is_not_added_twice(ann: Annotator, tmp_path: Path):
    """Test that the same URL twice on one sentence is refused (nothing written)."""
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "url")
    form.url.value = MINUTES
    press_enter(ann, "url")
    assert len(rows_of(tmp_path / "ana.csv")) == 2
    assert "already lists that URL" in form.error.value


def test_the_justification_is_saved_with_the_label(ann: Annotator, tmp_path: Path):
    """Test that committing the justification field re-records the label with it."""
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "url")
    form.justification.value = "The minutes record the vote, 7 to 2."
    row = rows_of(tmp_path / "ana.csv")[-1]
    assert row["justification"] == "The minutes record the vote, 7 to 2."
    assert evidence_of(row)[0]["url"] == MINUTES  # the evidence stays with it
    assert "1 source · justified" in ann._evidence_lines[id(ann.rows[0])].value


def test_a_justification_without_a_label_is_refused(ann: Annotator, tmp_path: Path):
    """Test that justifying an unlabelled sentence writes nothing and says why."""
    send_key(ann, "v")
    ann.evidence_form.justification.value = "Because the minutes say so."
    assert not (tmp_path / "ana.csv").exists()
    assert "label the sentence first" in ann.evidence_form.error.value


def test_key_r_edits_the_claim_rewrite_saved_with_the_label(ann: Annotator, tmp_path: Path):
    """Test that r opens the claim field; its text is saved with the label like a note and
    shown in a muted line on the row."""
    send_key(ann, "1")
    send_key(ann, "k")
    send_key(ann, "r")
    form = ann.evidence_form
    assert form.is_open
    assert ann._bridge.panel_field == "claim"  # the browser puts the cursor there
    assert form.error.value == ""  # a claim needs no label first
    form.claim.value = "  The Harbour Council approved a new ferry timetable\non 2026-11-17. "
    row = rows_of(tmp_path / "ana.csv")[-1]
    assert row["claim"] == "The Harbour Council approved a new ferry timetable on 2026-11-17."
    assert row["label"] == "verified"
    line = ann._evidence_lines[id(ann.rows[0])]
    assert "Claim: The Harbour Council approved" in line.value
    assert "fc-muted" in line.value


def test_a_claim_typed_before_the_label_is_saved_with_the_label(ann: Annotator, tmp_path: Path):
    """Test that a claim on an unlabelled sentence is kept, then written with its label."""
    send_key(ann, "r")
    ann.evidence_form.claim.value = "Ferries run every 20 minutes from 2 March."
    assert not (tmp_path / "ana.csv").exists()
    assert "saved with the label" in ann.status
    press_escape(ann)
    send_key(ann, "2")
    (row,) = rows_of(tmp_path / "ana.csv")
    assert (row["label"], row["claim"]) == (
        "unconfirmed",
        "Ferries run every 20 minutes from 2 March.",
    )


def test_changing_the_label_keeps_evidence_and_clearing_drops_it(ann: Annotator, tmp_path: Path):
    """Test that a new label carries the evidence, justification and claim; a clear does not."""
    first = ann.article.sentences[0].id
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "url")
    ann.justify("Minutes p. 3.")
    ann.rewrite_claim("The council approved the timetable.")
    ann.rows[0].buttons["unconfirmed"].click()
    row = rows_of(tmp_path / "ana.csv")[-1]
    assert row["label"] == "unconfirmed"
    assert evidence_of(row)[0]["url"] == MINUTES
    assert (row["justification"], row["claim"]) == (
        "Minutes p. 3.",
        "The council approved the timetable.",
    )
    ann.label(first, None)
    row = rows_of(tmp_path / "ana.csv")[-1]
    assert (row["action"], evidence_of(row), row["justification"], row["claim"]) == (
        "clear",
        [],
        "",
        "",
    )
    assert ann.evidence == {} and ann.claims == {} and ann.justifications == {}


def test_undo_takes_back_the_evidence_added_last(ann: Annotator, tmp_path: Path):
    """Test that u after adding an item restores the row before it (the latest row wins)."""
    first = ann.article.sentences[0].id
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "url")
    form.url.value = "https://example.org/second"
    press_enter(ann, "url")
    press_escape(ann)
    send_key(ann, "u")
    assert [e.url for e in ann.evidence[first]] == [MINUTES]
    assert ann.labels[first] == "verified"
    assert "1 source" in ann._evidence_lines[id(ann.rows[0])].value
    assert "Undid sentence 1: evidence 2 → 1 source." in ann.status
    row = rows_of(tmp_path / "ana.csv")[-1]
    assert row["action"] == "undo"
    assert [i["url"] for i in evidence_of(row)] == [MINUTES]
    frame = read_annotations(str(tmp_path / "*.csv"))
    assert [i["url"] for i in json.loads(frame["evidence"].iloc[-1])] == [MINUTES]


def test_remove_last_takes_off_the_last_item(ann: Annotator, tmp_path: Path):
    """Test that the Remove last button re-records the label without the last item."""
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "url")
    assert not form.remove_button.disabled
    form.remove_button.click()
    assert evidence_of(rows_of(tmp_path / "ana.csv")[-1]) == []
    assert ann.evidence == {}
    assert form.remove_button.disabled
    assert "fc-hidden" in ann._evidence_lines[id(ann.rows[0])]._dom_classes


def test_a_reopened_annotator_shows_the_saved_evidence_and_claim(tmp_path: Path):
    """Test that evidence, justification and claim come back from the log in a new widget."""
    ann = Annotator(council(), annotator="ana", folder=tmp_path)
    first = ann.article.sentences[0].id
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "url")
    ann.justify("Minutes p. 3.")
    ann.rewrite_claim("The council approved the timetable.")
    again = Annotator(council(), annotator="ana", folder=tmp_path)
    assert [e.url for e in again.evidence[first]] == [MINUTES]
    assert again.justifications == {first: "Minutes p. 3."}
    assert again.claims == {first: "The council approved the timetable."}
    line = again._evidence_lines[id(again.rows[0])].value
    assert "1 source · justified" in line and "The council approved" in line
    again.open_evidence(first)
    assert MINUTES in again.evidence_form.items.value
    assert again.evidence_form.justification.value == "Minutes p. 3."


def test_escape_closes_the_panel_and_gives_the_keys_back(ann: Annotator):
    """Test that Escape detaches the panel, drops the draft and asks the list to take focus."""
    form = open_on_first(ann)
    form.url.value = "https://example.org/draft"
    token = ann._bridge.focus_token
    press_escape(ann)
    assert not form.is_open
    assert all(form.box not in row.box.children for row in ann.rows)
    assert form.url.value == ""
    assert ann._bridge.focus_token > token
    send_key(ann, "j")  # the list keys work again
    assert ann.focused == ann.article.sentences[1]


def test_moving_the_focus_closes_the_panel(ann: Annotator):
    """Test that the panel never stays open under a sentence the keys no longer act on."""
    open_on_first(ann)
    ann._set_focus(2)
    assert not ann.evidence_form.is_open
    send_key(ann, "v")
    assert ann.evidence_form.sentence_id == ann.article.sentences[2].id
    assert ann.evidence_form.box in ann.rows[2].box.children


def test_the_close_button_closes_like_escape(ann: Annotator):
    """Test that the panel's Close button (reachable by Tab) closes it."""
    form = open_on_first(ann)
    form.close_button.click()
    assert not form.is_open


def test_student_mode_has_no_evidence_panel(tmp_path: Path):
    """Test that students get no panel, no v/r keys and no evidence line on the rows."""
    ann = _student(tmp_path)
    assert ann.evidence_form is None
    assert "v" not in ann._bridge.handled_keys and "r" not in ann._bridge.handled_keys
    assert "evidence" not in ann.keys_label.value
    send_key(ann, "v")
    assert ann.open_evidence() is False
    assert "not part of student mode" in ann.status
    assert ann._evidence_lines == {}
    ann.label(ann.article.sentences[1].id, "verified")
    assert ann._evidence_lines == {} and ann.evidence_form is None


def test_a_label_on_key_v_keeps_its_key(tmp_path: Path):
    """Test that a scheme whose label takes v keeps it; r still opens the claim field."""
    from factcheck.labels import Label, LabelScheme

    scheme = LabelScheme(
        "verdicts",
        "1",
        (
            Label("valid", "A claim the record supports.", "The vote was 7-2.", "v", "#2e7d32"),
            Label("wrong", "A claim the record contradicts.", "It was 9-0.", "w", "#c62828"),
        ),
    )
    ann = Annotator(council(), annotator="ana", folder=tmp_path, scheme=scheme)
    send_key(ann, "v")
    assert ann.labels == {ann.article.sentences[0].id: "valid"}
    assert ann.evidence_form is None  # v labelled; the panel was never opened
    assert "v evidence" not in ann.keys_label.value
    send_key(ann, "r")
    assert ann.evidence_form.is_open


def test_the_panel_is_reachable_in_tab_order(ann: Annotator):
    """Test that every field and button of the panel is a focusable widget in reading
    order: URL, quote, type, date, archived URL, Add, Remove, Close, justification, claim."""
    form = open_on_first(ann)
    order = [x for x in all_widgets(form.box) if isinstance(x, (w.Text, w.Textarea, w.Dropdown))]
    assert {id(x) for x in order} == {id(x) for x in form.fields().values()}
    fields_box, buttons_box = form.box.children[1], form.box.children[3]
    assert list(fields_box.children) == [
        form.url,
        form.quote,
        form.source_type,
        form.accessed,
        form.archived,
    ]
    assert list(buttons_box.children) == [form.add_button, form.remove_button, form.close_button]
    assert list(form.box.children[-2:]) == [form.justification, form.claim]


def test_undo_says_what_it_took_from_the_justification_and_claim(ann: Annotator):
    """Test that the undo report names a justification or claim rewrite it removed."""
    send_key(ann, "1")
    ann.justify("Minutes p. 3.", sentence_id=ann.article.sentences[0].id)
    send_key(ann, "u")
    assert ann.status.endswith("Undid sentence 1: the justification removed.")
    ann.rewrite_claim("The council approved it.", sentence_id=ann.article.sentences[0].id)
    ann.rewrite_claim(
        "The council approved the timetable.", sentence_id=ann.article.sentences[0].id
    )
    send_key(ann, "u")
    assert "the claim rewrite 'The council approved it.' restored" in ann.status


def test_evidence_on_a_label_from_a_v1_log_goes_to_its_v2_file(tmp_path: Path):
    """Test that a factcheck-log/1 file is left byte for byte as it was: evidence on one of
    its labels is written to the /2 continuation, and a reopened widget shows both."""
    import shutil

    import factcheck

    v1 = Path(__file__).parent / "data" / "log_v1" / "ana.csv"
    shutil.copy(v1, tmp_path / "ana.csv")
    original = v1.read_bytes()
    articles = factcheck.load_articles(factcheck.sample_path())
    ann = Annotator(articles, annotator="ana", folder=tmp_path)
    first = "harbour-wind-farm-0000-f0f4d4"
    label = ann.labels[first]  # from the /1 file
    assert ann.add_evidence(MINUTES, sentence_id=first) is not None
    assert (tmp_path / "ana.csv").read_bytes() == original
    (row,) = rows_of(tmp_path / "ana+2.csv")
    assert (row["schema"], row["sentence_id"], row["label"]) == ("factcheck-log/2", first, label)
    assert evidence_of(row)[0]["url"] == MINUTES
    again = Annotator(articles, annotator="ana", folder=tmp_path)
    assert again.labels[first] == label
    assert [e.url for e in again.evidence[first]] == [MINUTES]


def test_a_flag_keeps_the_evidence_and_claim_on_its_row(ann: Annotator, tmp_path: Path):
    """Test that flagging a sentence with evidence writes a row that still carries it, so
    readers taking the latest row see the evidence, and the widget still shows it."""
    first = ann.article.sentences[0].id
    form = open_on_first(ann)
    form.url.value = MINUTES
    press_enter(ann, "url")
    ann.rewrite_claim("The council approved the timetable.")
    press_escape(ann)
    send_key(ann, "f")
    row = rows_of(tmp_path / "ana.csv")[-1]
    assert row["action"] == "flag"
    assert evidence_of(row)[0]["url"] == MINUTES
    assert row["claim"] == "The council approved the timetable."
    assert [e.url for e in ann.evidence[first]] == [MINUTES]
    assert "1 source" in ann._evidence_lines[id(ann.rows[0])].value
