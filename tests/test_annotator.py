"""The labelling widget driven in the kernel: real widgets, real clicks, a real CSV on disk."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import ipywidgets as w
import pytest
from ipywidgets.widgets.widget import _instances

from factcheck.annotator import Annotator
from factcheck.articles import Article
from factcheck.errors import InputError, SchemeError
from factcheck.log import AnnotationLog
from factcheck.student_mode import StudentAnnotator
from tests._widget_helpers import all_widgets, rows_of

COUNCIL = (
    "The Harbour Council approved a new ferry timetable on Tuesday. "
    "Services will run every 20 minutes from March 2, the council said.\n\n"
    "The change is a triumph for common sense. "
    "Commuters reportedly waited up to an hour last winter.\n\n"
    '"We listened to the riders," said councillor Ines Varga.'
)
ATTACK = '<img src=x onerror="window.__pwned=1">'


def council(id: str = "ferry", title: str = "Ferry timetable approved") -> Article:
    """A short fictional article with three paragraphs and five sentences."""
    return Article.from_text(COUNCIL, id=id, title=title, source="ferry.md", date="2026-11-17")


def long_article(count: int, id: str = "long") -> Article:
    """A fictional article of ``count`` sentences, five to a paragraph."""
    paragraphs = [
        " ".join(f"Depot {p * 5 + i} logged {p * 5 + i + 3} late buses in June." for i in range(5))
        for p in range(count // 5)
    ]
    return Article.from_text("\n\n".join(paragraphs), id=id, title=f"{count} sentences")


@pytest.fixture
def ann(tmp_path: Path) -> Annotator:
    return Annotator(council(), annotator="ana", folder=tmp_path)


def test_click_on_a_label_button_writes_one_row_to_the_csv(ann: Annotator, tmp_path: Path):
    """Test that clicking Verified on sentence 2 appends that label for it to the log on disk."""
    ann.rows[1].buttons["verified"].click()
    (row,) = rows_of(tmp_path / "ana.csv")
    second = ann.article.sentences[1]
    assert (row["sentence_id"], row["label"], row["action"]) == (second.id, "verified", "label")
    assert row["text"] == second.text
    assert row["source"] == "ferry.md"
    assert ann.labels == {second.id: "verified"}
    assert ann.status.startswith("Saved ")
    assert "ana.csv" in ann.status
    assert ann.saved is True


def test_the_chosen_button_is_marked_by_icon_and_class(ann: Annotator):
    """Test that a labelled row shows a check on its label and dims the other labels."""
    ann.rows[0].buttons["opinion"].click()
    buttons = ann.rows[0].buttons
    assert buttons["opinion"].icon == "check"
    assert "fc-chosen" in buttons["opinion"]._dom_classes
    assert "fc-dim" in buttons["verified"]._dom_classes
    assert buttons["verified"].icon == ""
    assert not ann.rows[0].clear.disabled
    assert ann.rows[1].clear.disabled


def test_label_method_does_what_a_click_does(ann: Annotator, tmp_path: Path):
    """Test that label() writes the same row and shows the same state as the button."""
    sentence = ann.article.sentences[2]
    event = ann.label(sentence.id, "opinion")
    assert event is not None
    assert event.label == "opinion"
    assert ann.rows[2].buttons["opinion"].icon == "check"
    assert [r["label"] for r in rows_of(tmp_path / "ana.csv")] == ["opinion"]


def test_unknown_label_or_sentence_raises_and_writes_nothing(ann: Annotator, tmp_path: Path):
    """Test that a misspelt label or a foreign sentence id is refused before any write."""
    with pytest.raises(SchemeError, match="Known labels: verified, unconfirmed, opinion"):
        ann.label(ann.article.sentences[0].id, "verifed")
    with pytest.raises(InputError, match="unknown sentence id 'nope'"):
        ann.label("nope", "verified")
    assert not (tmp_path / "ana.csv").exists()


def test_clear_button_clears_and_logs_a_clear(ann: Annotator, tmp_path: Path):
    """Test that the clear button removes the label and appends a 'clear' event."""
    ann.rows[0].buttons["verified"].click()
    ann.rows[0].clear.click()
    assert ann.labels == {}
    assert [r["action"] for r in rows_of(tmp_path / "ana.csv")] == ["label", "clear"]
    assert ann.rows[0].buttons["verified"].icon == ""


_SENT: dict[int, int] = {}


def browser_send(ann: Annotator, message: dict[str, object], *, seq: int | None = None) -> None:
    """Deliver a message as the browser bridge does: a numbered custom message on its widget."""
    if seq is None:
        seq = _SENT.get(id(ann), 0)
        _SENT[id(ann)] = seq + 1
    ann._bridge._handle_custom_msg({**message, "view": f"view-{id(ann)}", "seq": seq}, [])


def send_key(ann: Annotator, key: str) -> None:
    """Deliver a key press as the browser bridge does."""
    browser_send(ann, {"type": "key", "key": key})


def test_number_keys_label_the_focused_sentence_and_jump_to_the_next_unlabelled(ann: Annotator):
    """Test that keys 1, 2, 3 label successive sentences, skipping already labelled ones."""
    sentences = ann.article.sentences
    ann.label(sentences[1].id, "verified")
    assert ann.focused == sentences[0]
    send_key(ann, "3")
    assert ann.focused == sentences[2]
    send_key(ann, "2")
    send_key(ann, "1")
    assert ann.labels == {
        sentences[0].id: "opinion",
        sentences[1].id: "verified",
        sentences[2].id: "unconfirmed",
        sentences[3].id: "verified",
    }
    assert ann.focused == sentences[4]
    assert "fc-focus" in ann.rows[4].box._dom_classes
    assert "fc-focus" not in ann.rows[0].box._dom_classes


def test_arrow_and_jk_keys_move_focus_within_the_article(ann: Annotator):
    """Test that ArrowDown/j move focus down, ArrowUp/k up, stopping at the ends."""
    sentences = ann.article.sentences
    for key in ("ArrowDown", "j", "j"):
        send_key(ann, key)
    assert ann.focused == sentences[3]
    for key in ("ArrowUp", "k", "k", "k", "k"):
        send_key(ann, key)
    assert ann.focused == sentences[0]


def test_zero_clears_and_u_undoes(ann: Annotator, tmp_path: Path):
    """Test that 0 clears the focused sentence and u undoes the last action in the log."""
    first = ann.article.sentences[0]
    send_key(ann, "1")
    send_key(ann, "k")
    send_key(ann, "0")
    assert ann.labels == {}
    send_key(ann, "u")
    assert ann.labels == {first.id: "verified"}
    send_key(ann, "u")
    assert ann.labels == {}
    assert [r["action"] for r in rows_of(tmp_path / "ana.csv")] == [
        "label",
        "clear",
        "undo",
        "undo",
    ]
    send_key(ann, "u")
    assert ann.status == "Nothing to undo."


def test_other_keys_do_nothing(ann: Annotator, tmp_path: Path):
    """Test that unhandled keys neither label nor move the focus."""
    for key in ("x", "Enter", "4", "Tab"):
        send_key(ann, key)
    assert ann.focused == ann.article.sentences[0]
    assert not (tmp_path / "ana.csv").exists()


def test_a_click_on_a_row_moves_the_keyboard_focus_there(ann: Annotator):
    """Test that the bridge's row message focuses that row, so the next key labels it."""
    browser_send(ann, {"type": "row", "row": len("abc")})
    send_key(ann, "2")
    assert ann.labels == {ann.article.sentences[3].id: "unconfirmed"}


def test_key_presses_delivered_out_of_order_are_applied_in_order(ann: Annotator):
    """Test that a key numbered after another waits for it (kernel threads may swap them)."""
    sentences = ann.article.sentences
    browser_send(ann, {"type": "key", "key": "2"}, seq=1)
    assert ann.labels == {}
    browser_send(ann, {"type": "key", "key": "1"}, seq=0)
    assert ann.labels == {sentences[0].id: "verified", sentences[1].id: "unconfirmed"}


def test_labels_from_several_threads_are_all_logged(tmp_path: Path):
    """Test that labelling from two threads at once loses nothing and keeps counts right."""
    ann = Annotator(long_article(100), annotator="ana", folder=tmp_path)
    halves = [ann.article.sentences[:50], ann.article.sentences[50:]]
    threads = [
        threading.Thread(target=lambda half=half: [ann.label(s.id, "opinion") for s in half])
        for half in halves
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(rows_of(tmp_path / "ana.csv")) == len(ann.article.sentences)
    assert len(ann.labels) == len(ann.article.sentences)
    assert ann.corpus_progress.value == len(ann.article.sentences)


def test_resume_shows_saved_labels_and_focuses_the_first_unlabelled(tmp_path: Path):
    """Test that a new Annotator on the same log shows old labels and notes and focuses the gap."""
    first = Annotator(council(), annotator="ana", folder=tmp_path)
    sentences = first.article.sentences
    first.label(sentences[0].id, "verified", note="https://example.test/minutes")
    first.label(sentences[1].id, "unconfirmed")
    again = Annotator(council(), annotator="ana", folder=tmp_path)
    assert again.labels == {sentences[0].id: "verified", sentences[1].id: "unconfirmed"}
    assert again.rows[0].buttons["verified"].icon == "check"
    assert again.rows[0].note.value == "https://example.test/minutes"
    assert again.focused == sentences[2]
    assert "Resumed 2 saved label(s)" in again.status
    assert again.article_progress.value == len(sentences[:2])


def test_a_failed_write_is_shown_and_the_label_is_not_marked_saved(tmp_path: Path):
    """Test that when the CSV cannot be written the indicator says so and nothing looks saved."""
    log_file = tmp_path / "ana.csv"
    ann = Annotator(council(), annotator="ana", log=AnnotationLog(log_file, annotator="ana"))
    ann.rows[0].buttons["opinion"].click()
    log_file.rename(tmp_path / "kept.csv")
    log_file.mkdir()  # a directory where the CSV should be: every write raises OSError
    ann.rows[1].buttons["verified"].click()
    assert ann.saved is False
    assert ann.status.startswith("NOT saved: the label 'verified' on sentence 2")
    assert "fc-error" in ann.status_label._dom_classes
    assert ann.rows[1].buttons["verified"].icon == ""
    assert ann.labels == {ann.article.sentences[0].id: "opinion"}
    log_file.rmdir()
    shutil.move(tmp_path / "kept.csv", log_file)
    ann.rows[1].buttons["verified"].click()
    assert ann.saved is True
    assert "fc-error" not in ann.status_label._dom_classes
    assert [r["label"] for r in rows_of(log_file)] == ["opinion", "verified"]


def test_a_note_on_a_labelled_sentence_is_saved_on_commit(ann: Annotator, tmp_path: Path):
    """Test that committing a note re-records the current label with the note."""
    ann.rows[0].buttons["verified"].click()
    ann.rows[0].note.value = "https://example.test/timetable.pdf"
    rows = rows_of(tmp_path / "ana.csv")
    assert [(r["label"], r["note"]) for r in rows] == [
        ("verified", ""),
        ("verified", "https://example.test/timetable.pdf"),
    ]
    assert ann.notes == {ann.article.sentences[0].id: "https://example.test/timetable.pdf"}


def test_a_note_typed_before_the_label_is_saved_with_the_label(ann: Annotator, tmp_path: Path):
    """Test that a note on an unlabelled sentence waits and is written with its label."""
    ann.rows[2].note.value = "Columnist's view, no source"
    assert not (tmp_path / "ana.csv").exists()
    assert "saved with the label" in ann.status
    ann.rows[2].buttons["opinion"].click()
    (row,) = rows_of(tmp_path / "ana.csv")
    assert (row["label"], row["note"]) == ("opinion", "Columnist's view, no source")


def test_widget_count_does_not_grow_with_article_length(tmp_path: Path):
    """Test that a 1,000-sentence article creates as many widgets as a 10-sentence one."""
    counts = {}
    for size in (10, 1000):
        article = long_article(size, id=f"a{size}")
        assert len(article.sentences) == size
        before = len(_instances)
        ann = Annotator(article, annotator="ana", folder=tmp_path, page_size=25)
        counts[size] = len(_instances) - before
        assert len(all_widgets(ann.widget)) <= counts[size]
    assert counts[10] == counts[1000]
    assert counts[10] < 400  # about nine widgets per row plus the header


def test_next_page_reuses_the_same_row_widgets(tmp_path: Path):
    """Test that paging updates the existing rows instead of creating widgets."""
    ann = Annotator(long_article(100), annotator="ana", folder=tmp_path, page_size=25)
    row_ids = [row.box.model_id for row in ann.rows]
    before = len(_instances)
    ann.next_page_button.click()
    assert len(_instances) == before
    assert [row.box.model_id for row in ann.rows] == row_ids
    assert ann.page == 1
    assert ann.visible_sentences == ann.article.sentences[25:50]
    assert ann.rows[0].number.value == "26"
    assert ann.focused == ann.article.sentences[25]
    assert ann.page_label.value.startswith("page 2 of 4")


def test_keyboard_focus_crosses_to_the_next_page(tmp_path: Path):
    """Test that moving down from the last row of a page shows the next page."""
    ann = Annotator(long_article(30), annotator="ana", folder=tmp_path, page_size=10)
    for _ in range(10):
        send_key(ann, "j")
    assert ann.page == 1
    assert ann.focused == ann.article.sentences[10]


def test_the_last_page_hides_unused_rows(tmp_path: Path):
    """Test that rows beyond the end of the article are hidden, not removed."""
    ann = Annotator(long_article(30), annotator="ana", folder=tmp_path, page_size=25)
    ann.show_page(1)
    shown = [row for row in ann.rows if row.box.layout.display != "none"]
    assert len(shown) == len(ann.article.sentences[25:])
    assert ann.next_page_button.disabled


def test_sentences_are_grouped_by_paragraph(ann: Annotator):
    """Test that the first row of each paragraph after the first carries the break class."""
    starts = ["fc-para-start" in row.box._dom_classes for row in ann.rows[:5]]
    assert [s.paragraph for s in ann.article.sentences] == [0, 0, 1, 1, 2]
    assert starts == [False, False, True, False, True]


def test_filter_unlabelled_shows_only_unlabelled_sentences(ann: Annotator):
    """Test that the unlabelled filter hides labelled sentences and a label filter shows them."""
    sentences = ann.article.sentences
    ann.label(sentences[0].id, "verified")
    ann.label(sentences[3].id, "opinion")
    ann.filter_buttons.value = "unlabelled"
    assert ann.visible_sentences == [sentences[1], sentences[2], sentences[4]]
    assert ann.focused == sentences[1]
    ann.filter_buttons.value = "opinion"
    assert ann.visible_sentences == [sentences[3]]
    ann.filter_buttons.value = "unconfirmed"
    assert ann.visible_sentences == []
    assert "no sentences match" in ann.page_label.value
    send_key(ann, "1")  # nothing focused: no error, no write
    assert ann.labels == {sentences[0].id: "verified", sentences[3].id: "opinion"}


def test_corpus_progress_of_one_article_says_article_not_articles(tmp_path: Path):
    """Test that the corpus progress line uses the singular for one article."""
    ann = Annotator(council(), annotator="ana", folder=tmp_path)
    assert ann.corpus_progress_label.value.endswith("labelled in 1 article (0%)")


def test_corpus_navigation_buttons_search_and_progress(tmp_path: Path):
    """Test that next/previous, the search box and n/p keys change article; progress counts articles."""
    articles = [council("ferry-1", "Ferry one"), council("ferry-2", "Ferry two"), long_article(10)]
    ann = Annotator(articles, annotator="ana", folder=tmp_path)
    assert ann.article_position_label.value == "article 1 of 3"
    assert ann.previous_article_button.disabled
    ann.next_article_button.click()
    assert ann.article.id == "ferry-2"
    ann.label(ann.article.sentences[0].id, "verified")
    assert ann.corpus_progress.value == 0  # a corpus counts articles done
    assert ann.corpus_progress_label.value == (
        "1 sentence labelled · 0 of 3 articles done, 1 more started (0%)"
    )
    ann.search_box.value = "long"
    assert [label for label, _ in ann.search_results.options] == ["3. 10 sentences"]
    ann.search_results.value = 2
    assert ann.article.id == "long"
    assert ann.next_article_button.disabled
    send_key(ann, "p")
    assert ann.article.id == "ferry-2"
    assert ann.article_progress.value == 1


def test_resume_in_a_corpus_opens_the_first_article_with_work_left(tmp_path: Path):
    """Test that resuming skips articles whose sentences are all labelled."""
    articles = [council("done"), council("todo")]
    first = Annotator(articles, annotator="ana", folder=tmp_path)
    for sentence in articles[0].sentences:
        first.label(sentence.id, "opinion")
    again = Annotator(articles, annotator="ana", folder=tmp_path)
    assert again.article.id == "todo"
    assert again.focused == articles[1].sentences[0]


def test_untrusted_text_never_reaches_html_unescaped(tmp_path: Path):
    """Test that markup in text, title, source, note and name shows as text, never as HTML."""
    text = f"The caption read {ATTACK} in full. A second sentence follows."
    article = Article.from_text(text, id="xss", title=f"Title {ATTACK}", source=ATTACK)
    ann = Annotator(article, annotator=f"ana {ATTACK}", folder=tmp_path)
    ann.rows[0].note.value = ATTACK
    ann.rows[0].buttons["opinion"].click()
    widgets = all_widgets(ann.widget)
    html_values = [x.value for x in widgets if isinstance(x, w.HTML)]
    assert html_values
    assert all("<img" not in value for value in html_values)
    label_values = [x.value for x in widgets if isinstance(x, w.Label)]
    assert f"Title {ATTACK}" in label_values
    assert any(ATTACK in value for value in label_values if value.startswith("The caption"))
    assert ann.rows[0].note.value == ATTACK
    assert not any(isinstance(x, w.HTMLMath) for x in widgets)


def test_an_error_in_a_callback_is_shown_in_the_save_indicator(ann: Annotator):
    """Test that an exception inside a widget callback reaches the user, not a hidden log."""
    browser_send(ann, {"type": "row", "row": "not a number"})
    assert ann.status.startswith("Error: ")
    assert "fc-error" in ann.status_label._dom_classes


def test_no_articles_or_no_name_is_refused(tmp_path: Path):
    """Test that an empty corpus and an empty annotator name raise a message saying what to do."""
    with pytest.raises(InputError, match="no articles to label"):
        Annotator([], annotator="ana", folder=tmp_path)
    with pytest.raises(InputError, match="give your name"):
        Annotator(council(), annotator="  ", folder=tmp_path)


def test_the_annotator_displays_as_its_widget(ann: Annotator):
    """Test that displaying the Annotator shows its VBox (the widget view mime type)."""
    bundle = ann._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == ann.widget.model_id
    assert "fc-annotator" in ann.widget._dom_classes


def test_key_hints_and_guidelines_are_on_screen(ann: Annotator):
    """Test that the key help is visible and the guidelines are one click away."""
    assert ann.keys_label.value.startswith("Keys: 1 verified · 2 unconfirmed · 3 opinion")
    assert ann.guidelines.selected_index is None
    (guide,) = ann.guidelines.children
    assert "boldest promise" in guide.value


def test_the_labelling_notebook_runs_and_shows_the_annotator(tmp_path: Path):
    """Test that notebooks/01-label-articles.ipynb runs top to bottom and displays the widget."""
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    source = Path(__file__).resolve().parents[1] / "notebooks" / "01-label-articles.ipynb"
    notebook = nbformat.read(source, as_version=4)
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not (tmp_path / "annotations" / "your-name.csv").exists()  # nothing labelled yet
    # The saved notebook keeps a summary output for when the widget model is gone.
    (view,) = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert view["data"]["text/plain"].startswith("factcheck annotator: ")
    summaries = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(summaries) == 1 and 'class="fc-fallback"' in summaries[0]
    assert "0 of " in summaries[0] and "your-name" in summaries[0]


def test_undo_never_changes_a_sentence_of_an_article_not_open_here(tmp_path: Path):
    """Test that u in a new batch does not silently undo yesterday's label in another article."""
    first = Annotator(council("ferry"), annotator="ana", folder=tmp_path)
    first.press("1")
    later = Annotator(council("bridge", "Bridge repairs"), annotator="ana", folder=tmp_path)
    assert later.undo() is None
    assert "Nothing to undo here" in later.status
    assert [row["label"] for row in rows_of(tmp_path / "ana.csv")] == ["verified"]


def test_a_note_that_failed_to_save_is_kept_and_saved_with_the_next_label(tmp_path: Path):
    """Test that a note typed while the disk fails is not lost: it is saved on the next label."""
    ann = Annotator(council(), annotator="ana", folder=tmp_path)
    first = ann.visible_sentences[0].id
    ann.rows[0].buttons["verified"].click()
    log_file = tmp_path / "ana.csv"
    log_file.rename(tmp_path / "aside.csv")
    log_file.mkdir()  # every write now fails
    ann.rows[0].note.value = "minutes p. 4"
    assert not ann.saved and "NOT saved" in ann.status
    assert ann.notes.get(first, "") == ""
    log_file.rmdir()
    (tmp_path / "aside.csv").rename(log_file)
    ann.rows[0].buttons["unconfirmed"].click()
    assert ann.saved
    assert rows_of(log_file)[-1]["note"] == "minutes p. 4"


# ----- notes by key, flags for discussion, undo reports -----


def test_key_e_opens_the_note_field_of_the_focused_sentence(ann: Annotator):
    """Test that e asks the browser to put the cursor in the focused row's note field."""
    send_key(ann, "j")
    token = ann._bridge.edit_token
    send_key(ann, "e")
    assert ann._bridge.edit_token == token + 1
    assert ann._bridge.edit_row == 1
    assert "e" in ann._bridge.handled_keys
    assert "Enter saves" in ann.status and "Escape discards" in ann.status
    assert "e note (Enter saves, Esc discards)" in ann.keys_label.value


def test_a_note_opened_by_key_is_saved_on_enter_with_the_label(ann: Annotator, tmp_path: Path):
    """Test that the note opened by e and committed (Enter) is written with the label."""
    send_key(ann, "1")  # sentence 1 verified, focus moves to sentence 2
    send_key(ann, "k")
    send_key(ann, "e")
    ann.rows[ann._bridge.edit_row].note.value = "minutes p. 3"  # what Enter sends
    rows = rows_of(tmp_path / "ana.csv")
    assert [(r["label"], r["note"]) for r in rows] == [
        ("verified", ""),
        ("verified", "minutes p. 3"),
    ]


def test_key_f_flags_the_focused_sentence_and_again_unflags_it(ann: Annotator, tmp_path: Path):
    """Test that f writes a flag row (label unchanged), marks the row, and f again unflags."""
    first = ann.article.sentences[0]
    send_key(ann, "2")
    send_key(ann, "k")
    send_key(ann, "f")
    assert ann.flagged == {first.id}
    assert ann.labels == {first.id: "unconfirmed"}
    assert "fc-flagged" in ann.rows[0].box._dom_classes
    assert "fc-flag-on" in ann.rows[0].flag._dom_classes
    assert "flagged for discussion" in ann.status
    send_key(ann, "f")
    assert ann.flagged == set()
    assert "fc-flagged" not in ann.rows[0].box._dom_classes
    rows = rows_of(tmp_path / "ana.csv")
    assert [(r["action"], r["label"]) for r in rows] == [
        ("label", "unconfirmed"),
        ("flag", "unconfirmed"),
        ("unflag", "unconfirmed"),
    ]


def test_the_flag_button_flags_like_the_key_and_flags_survive_a_reopen(tmp_path: Path):
    """Test that clicking ⚑ calls flag(), and a new Annotator on the log shows the flag."""
    ann = Annotator(council(), annotator="ana", folder=tmp_path)
    ann.rows[3].flag.click()
    flagged = ann.article.sentences[3].id
    assert ann.flagged == {flagged}
    again = Annotator(council(), annotator="ana", folder=tmp_path)
    assert again.flagged == {flagged}
    assert "fc-flagged" in again.rows[3].box._dom_classes
    assert again.flag(flagged, True) is None  # already flagged: nothing written
    assert len(rows_of(tmp_path / "ana.csv")) == 1


def test_the_flagged_filter_shows_only_flagged_sentences(ann: Annotator):
    """Test that the filter's Flagged option lists the flagged sentences in reading order."""
    sentences = ann.article.sentences
    ann.flag(sentences[4].id)
    ann.flag(sentences[1].id)
    assert "flagged" in [value for _, value in ann.filter_buttons.options]
    ann.filter_buttons.value = "flagged"
    assert ann.visible_sentences == [sentences[1], sentences[4]]


def test_undo_after_a_note_says_the_note_was_removed(ann: Annotator, tmp_path: Path):
    """Test that u after adding a note names the note it took away and keeps the label."""
    first = ann.article.sentences[0]
    ann.label(first.id, "verified")
    ann.rows[0].note.value = "council minutes, p. 3"
    send_key(ann, "u")
    assert ann.labels == {first.id: "verified"}
    assert ann.notes == {first.id: ""}
    assert "Undid sentence 1: 'verified' kept; the note 'council minutes, p. 3' removed." in (
        ann.status
    )
    assert ann.rows[0].note.value == ""


def test_undo_of_a_relabel_says_which_label_and_note_came_back(ann: Annotator):
    """Test that undoing a new label reports the label and the note it restored."""
    first = ann.article.sentences[0]
    ann.label(first.id, "unconfirmed", note="single source")
    ann.label(first.id, "verified", note="")
    ann.undo()
    assert ann.labels == {first.id: "unconfirmed"}
    assert "'verified' → restored 'unconfirmed' and its note 'single source'" in ann.status


def test_undo_of_a_flag_removes_the_flag_and_says_so(ann: Annotator):
    """Test that u after f unflags the sentence and the status says the flag went."""
    first = ann.article.sentences[0]
    ann.label(first.id, "opinion")
    ann.flag(first.id)
    send_key(ann, "u")
    assert ann.flagged == set()
    assert ann.labels == {first.id: "opinion"}
    assert "flag removed" in ann.status
    assert "fc-flagged" not in ann.rows[0].box._dom_classes


# ----- what shows where the widget cannot (saved notebook without a kernel) -----


def test_the_mimebundle_carries_a_text_and_html_summary(tmp_path: Path):
    """Test that the display bundle has text/plain and escaped text/html naming title,
    counts and the log file, beside the widget view."""
    article = Article.from_text(COUNCIL, id="xss", title=f"Ferry {ATTACK}")
    ann = Annotator(article, annotator="ana", folder=tmp_path)
    ann.label(article.sentences[0].id, "verified")
    ann.flag(article.sentences[1].id)
    bundle = ann._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == ann.widget.model_id
    plain, markup = data["text/plain"], data["text/html"]
    assert "VBox(" not in plain
    assert f"factcheck annotator: Ferry {ATTACK}" in plain
    assert "1 of 5 sentences labelled, 1 flagged for discussion" in plain
    assert "ana.csv" in plain
    assert "<img" not in markup and "&lt;img src=x" in markup
    assert "1 of 5 sentences labelled" in markup and "ana.csv" in markup


def test_the_stale_banner_text_says_to_run_the_cell_again(ann: Annotator):
    """Test that the browser is given the kernel-restart message to show on a dead view."""
    assert "run the cell again" in ann._bridge.stale_text
    assert "Kernel restarted" in ann._bridge.stale_text


# ----- student mode: what students see -----


def _student(tmp_path: Path, feedback: str = "immediate") -> StudentAnnotator:
    from factcheck.classroom import AnswerKey, KeyEntry

    article = council()
    entries = tuple(
        KeyEntry(
            article_id=s.article_id,
            sentence_id=s.id,
            sentence_index=s.index,
            start=s.start,
            end=s.end,
            label="opinion" if s.index == 2 else "verified",
            explanation="Why.",
            scheme="default@1",
            source="",
            text=s.text,
        )
        for s in article.sentences
    )
    return StudentAnnotator(
        article, annotator="zoe", folder=tmp_path, key=AnswerKey(entries), feedback=feedback
    )


def test_students_never_see_server_paths_or_file_names(tmp_path: Path):
    """Test that student mode's status, header and summary name no file and no folder."""
    student = _student(tmp_path)
    assert "zoe" not in student.status and ".csv" not in student.status
    assert "ferry.md" not in student.meta_label.value
    student.rows[0].buttons["verified"].click()
    assert student.status.startswith("Saved ")
    assert ".csv" not in student.status and str(tmp_path) not in student.status
    bundle = student._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert ".csv" not in data["text/plain"] and str(tmp_path) not in data["text/html"]


def test_students_see_no_note_field_clear_or_flag_once_an_answer_is_final(tmp_path: Path):
    """Test that a revealed answer hides its note field and clear button, and that the key
    help offers neither clear, undo nor flag with immediate feedback."""
    student = _student(tmp_path)
    row = student.rows[0]
    assert "fc-hidden" not in row.note._dom_classes
    row.buttons["verified"].click()
    assert "fc-hidden" in row.note._dom_classes
    assert "fc-hidden" in row.clear._dom_classes
    assert row.flag is None
    hints = student.keys_label.value
    assert "clear" not in hints and "undo" not in hints and "flag" not in hints
    assert "f" not in student._bridge.handled_keys
    assert student.edit_note(student.article.sentences[0].id) is False


def test_end_mode_offers_clear_until_the_check_then_locks(tmp_path: Path):
    """Test that with feedback at the end, clear is offered before the check and not after."""
    student = _student(tmp_path, feedback="end")
    assert "clear" in student.keys_label.value
    for sentence in student.article.sentences:
        student.label(sentence.id, "verified")
    student.check()
    assert "clear" not in student.keys_label.value and "note" not in student.keys_label.value
    assert all("fc-hidden" in r.note._dom_classes for r in student.rows if r.sentence_id)


def test_the_score_is_shown_after_the_last_sentence_too(tmp_path: Path):
    """Test that the student's score also appears below the sentences, where they finish."""
    student = _student(tmp_path)
    for sentence in student.article.sentences:
        student.label(sentence.id, "verified")
    assert student.end_score_label.value.startswith("Score for this article: 4 of 5 right")
    assert student.end_score_label.value == student.score_label.value
    children = student.widget.children
    rows_at = next(i for i, c in enumerate(children) if "fc-rows" in c._dom_classes)
    below = [w for c in children[rows_at + 1 :] for w in all_widgets(c)]
    assert student.end_score_label in below


def test_escape_in_a_note_opened_by_key_says_the_edit_was_discarded(ann: Annotator):
    """Test that closing the note with Escape replaces the editing prompt, and that a note
    saved by Enter keeps its 'Saved' status."""
    send_key(ann, "e")
    assert "Escape discards" in ann.status
    browser_send(ann, {"type": "note-closed", "row": 0, "how": "escape"})
    assert ann.status == "Note edit discarded: sentence 1 keeps the note it had."
    ann.label(ann.article.sentences[0].id, "verified")
    send_key(ann, "e")
    ann.rows[0].note.value = "minutes"  # Enter's value arrives first
    browser_send(ann, {"type": "note-closed", "row": 0, "how": "enter"})
    assert ann.status.startswith("Saved ")


def test_the_article_progress_counts_flagged_sentences(ann: Annotator):
    """Test that the progress line says how many sentences are flagged, and drops it at 0."""
    ann.flag(ann.article.sentences[2].id)
    assert ann.article_progress_label.value.endswith("(0%) · 1 flagged for discussion")
    ann.flag(ann.article.sentences[2].id)
    assert "flagged" not in ann.article_progress_label.value


# ----- a corpus: articles split when shown, search, filters, assignments -----


def corpus(count: int) -> list[Article]:
    """``count`` short fictional articles from two outlets over two months, none split yet."""
    return [
        Article.from_text(
            f"Ward {n} spent {n + 3} thousand on repairs, the clerk said. "
            f"Residents called the work overdue. A vote is due in {n % 9 + 2} weeks.",
            id=f"ward-{n:03d}",
            title=f"Ward {n} repairs",
            source=f"https://news.example.test/ward/{n}",
            outlet="Valley Courier" if n % 2 else "Harbour Gazette",
            date=f"2026-{n % 2 + 3:02d}-{n % 28 + 1:02d}",
        )
        for n in range(count)
    ]


def split_ones(articles: list[Article], ann: Annotator) -> list[str]:
    """Ids of the articles the annotator has split so far."""
    return [articles[i].id for i in sorted(ann._catalogue.counts)]


def test_a_corpus_splits_only_the_article_shown_and_the_next(tmp_path: Path):
    """Test that building over 300 articles splits the first and prefetches the second only."""
    articles = corpus(300)
    ann = Annotator(articles, annotator="ana", folder=tmp_path)
    assert split_ones(articles, ann) == ["ward-000", "ward-001"]
    assert not any("sentences" in a.__dict__ for a in articles)  # nothing pinned on articles
    assert ann.article_position_label.value == "article 1 of 300"
    ann.next_article_button.click()
    assert split_ones(articles, ann) == ["ward-000", "ward-001", "ward-002"]


def test_sentences_of_articles_left_behind_are_freed(tmp_path: Path):
    """Test that moving on through a corpus does not keep every visited article's sentences."""
    import gc
    import weakref

    ann = Annotator(corpus(40), annotator="ana", folder=tmp_path)
    first = weakref.ref(ann.focused)
    for _ in range(20):
        send_key(ann, "n")
    gc.collect()
    assert ann.article.id == "ward-020"
    assert first() is None


def test_labelling_a_sentence_of_an_unseen_article_finds_it(tmp_path: Path):
    """Test that label() takes a sentence id of an article not yet shown, and logs it."""
    articles = corpus(50)
    target = Article.from_text(articles[30].text, id=articles[30].id).sentences[1]
    ann = Annotator(articles, annotator="ana", folder=tmp_path)
    ann.label(target.id, "opinion")
    (row,) = rows_of(tmp_path / "ana.csv")
    assert (row["article_id"], row["sentence_id"], row["text"]) == (
        "ward-030",
        target.id,
        target.text,
    )
    assert ann.corpus_progress_label.value.startswith("1 sentence labelled · 0 of 50 articles")
    with pytest.raises(InputError, match="unknown sentence id 'ward-999-0001-abcdef'"):
        ann.label("ward-999-0001-abcdef", "opinion")


def test_corpus_progress_counts_articles_done_from_the_log(tmp_path: Path):
    """Test that finishing an article counts it done, and a resumed session counts it too."""
    articles = corpus(5)
    ann = Annotator(articles, annotator="ana", folder=tmp_path)
    for _ in range(3):
        send_key(ann, "3")
    assert ann.corpus_progress.value == 1
    assert ann.corpus_progress.max == 5
    assert ann.corpus_progress_label.value == ("3 sentences labelled · 1 of 5 articles done (20%)")
    again = Annotator(articles, annotator="ana", folder=tmp_path)
    assert again.article.id == "ward-001"  # after the last label, the next with work left
    assert again.corpus_progress_label.value.startswith("3 sentences labelled · 1 of 5")


def test_resume_opens_the_article_of_the_last_label(tmp_path: Path):
    """Test that a session resumes where the last label was saved, not at the first article."""
    articles = corpus(30)
    ann = Annotator(articles, annotator="ana", folder=tmp_path)
    ann.show_article(17)
    send_key(ann, "1")
    again = Annotator(articles, annotator="ana", folder=tmp_path)
    assert again.article.id == "ward-017"
    assert split_ones(articles, again) == ["ward-017", "ward-018"]


def test_the_search_box_finds_articles_by_title_id_and_source(tmp_path: Path):
    """Test that typing in the search box lists matching articles and picking one opens it."""
    ann = Annotator(corpus(200), annotator="ana", folder=tmp_path)
    ann.search_box.value = "ward 170 REPAIRS"
    assert [label for label, _ in ann.search_results.options] == ["171. Ward 170 repairs"]
    ann.search_box.value = "ward-042"
    assert ann.search_results.options == (("43. Ward 42 repairs", 42),)
    ann.search_results.value = 42
    assert ann.article.id == "ward-042"
    assert [a.id for a in ann.find("news.example.test/ward/19")][:2] == ["ward-019", "ward-190"]
    assert ann.search_results.layout.display is None  # matches: the list shows
    ann.search_box.value = "no such words"
    assert ann.search_results.options == ()
    assert ann.search_results.layout.display == "none"  # no blank list
    assert "No article's title, id or source holds 'no such words'" in ann.status


def test_corpus_filters_order_unlabelled_first_flagged_source_and_date(tmp_path: Path):
    """Test that the article filters reorder and narrow what next/previous walk through."""
    articles = corpus(12)
    ann = Annotator(articles, annotator="ana", folder=tmp_path)
    send_key(ann, "1")  # ward-000 started
    ann.show_article(3)
    send_key(ann, "f")  # ward-003 flagged
    ann.order_dropdown.value = "unlabelled first"
    assert ann.article.id == "ward-001"
    ann.show_article(11)
    send_key(ann, "n")
    assert ann.article.id == "ward-000"  # touched articles come last
    ann.order_dropdown.value = "flagged"
    assert ann.article.id == "ward-003"
    assert ann.article_position_label.value == "article 1 of 1 (12 in all)"
    assert ann.next_article_button.disabled
    ann.order_dropdown.value = "corpus"
    assert "Valley Courier" in [value for _, value in ann.source_dropdown.options]
    ann.source_dropdown.value = "Harbour Gazette"  # even wards, dated in March
    assert ann.article.id == "ward-000"  # ward-003 is not among them: the first one opens
    send_key(ann, "n")
    assert ann.article.id == "ward-002"
    ann.date_to.value = "2026-03"
    assert ann.article_position_label.value == "article 2 of 6 (12 in all)"
    ann.date_from.value = "2026-04"
    assert "No article matches the filters" in ann.status
    assert ann.article_position_label.value == "this article is not among the 0 the filters show"


def test_an_annotator_opens_a_corpus_file_by_path(tmp_path: Path):
    """Test that Annotator("corpus.csv") loads the corpus rows as articles."""
    path = tmp_path / "corpus.csv"
    path.write_text(
        "id,title,text,source\n"
        "a1,Bridge,The bridge opened on Monday. It cost 40 million.,Harbour Gazette\n"
        "a2,Tram,The tram runs late. Riders are angry.,Valley Courier\n",
        encoding="utf-8",
    )
    ann = Annotator(path, annotator="ana", folder=tmp_path / "out")
    assert [a.id for a in ann.articles] == ["a1", "a2"]
    assert ann.visible_sentences[0].text.startswith("The bridge opened")


def write_queue(path: Path, rows: list[tuple[str, str]]) -> Path:
    """An assignment file as ``factcheck assign`` writes it: (article_id, sentence_id) rows."""
    lines = ["article_id,sentence_id,round,overlap,position"]
    lines += [f"{a},{s},1,0,{n}" for n, (a, s) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_assignment_by_article_shows_only_the_queue_in_its_order(tmp_path: Path):
    """Test that assignment= limits the articles to the queue, in queue order, with own progress."""
    articles = corpus(20)
    queue = write_queue(tmp_path / "ana.csv", [("ward-012", ""), ("ward-003", "")])
    ann = Annotator(articles, annotator="ana", folder=tmp_path / "out", assignment=queue)
    assert [a.id for a in ann.articles] == ["ward-012", "ward-003"]
    assert ann.article.id == "ward-012"
    for _ in range(3):
        send_key(ann, "2")
    assert ann.corpus_progress_label.value == (
        "3 sentences labelled · 1 of 2 articles of your assignment done (50%)"
    )
    send_key(ann, "n")
    assert ann.article.id == "ward-003"
    assert ann.next_article_button.disabled


def test_an_assignment_by_sentence_greys_the_sentences_not_assigned(tmp_path: Path):
    """Test that only assigned sentences take labels; the others show, greyed, for context."""
    articles = corpus(5)
    first = Article.from_text(articles[2].text, id="ward-002").sentences
    second = Article.from_text(articles[4].text, id="ward-004").sentences
    queue = write_queue(
        tmp_path / "ana.csv",
        [("ward-002", first[1].id), ("ward-004", second[0].id), ("ward-004", second[2].id)],
    )
    ann = Annotator(articles, annotator="ana", folder=tmp_path / "out", assignment=queue)
    assert ann.article.id == "ward-002"
    assert ann.focused == first[1]  # focus skips the context sentence
    context = ann.rows[0]
    assert "fc-context" in context.box._dom_classes
    assert all(button.disabled for button in context.buttons.values())
    assert ann.label(first[0].id, "opinion") is None
    assert "not in your assignment" in ann.status
    send_key(ann, "1")
    assert ann.labels == {first[1].id: "verified"}
    assert ann.corpus_progress_label.value == (
        "1 of 3 sentences labelled in 2 articles of your assignment (33%)"
    )
    assert ann.article_progress_label.value.startswith("1 of 1 sentences labelled")
    assert not (tmp_path / "out" / "ana.csv").read_text(encoding="utf-8").count(first[0].id)


def test_an_assignment_naming_an_article_not_loaded_is_a_clear_error(tmp_path: Path):
    """Test that a queue with an article outside the corpus names the file, line and article."""
    queue = write_queue(tmp_path / "ana.csv", [("ward-001", ""), ("ward-777", "")])
    with pytest.raises(InputError, match=r"ana\.csv, line 3: article 'ward-777' is not in"):
        Annotator(corpus(3), annotator="ana", folder=tmp_path / "out", assignment=queue)


# ----- one home for the widget family -----


def test_the_labelling_widget_does_not_import_the_teaching_code(tmp_path: Path):
    """Test that importing factcheck.annotator leaves the teaching modules unimported."""
    import subprocess
    import sys

    code = (
        "import sys, factcheck.annotator\n"
        "teaching = ('classroom', 'student', 'student_mode', 'answers', 'modes')\n"
        "print(sorted(m for m in sys.modules if m.removeprefix('factcheck.') in teaching))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert done.stdout.strip() == "[]"


def test_student_mode_takes_any_key_object_with_the_small_interface(tmp_path: Path):
    """Test that key= accepts an object that is not classroom.AnswerKey but has its interface."""
    from dataclasses import dataclass

    article = council()
    first = article.sentences[0]

    @dataclass(frozen=True)
    class Entry:
        article_id: str
        sentence_id: str
        sentence_index: int
        label: str
        explanation: str

    class TinyKey:
        path = "tiny key"

        def __init__(self) -> None:
            self.entries = [Entry(article.id, first.id, 0, "verified", "The minutes say so.")]
            self.article_ids = [article.id]

        def get(self, sentence_id: str) -> Entry | None:
            return next((e for e in self.entries if e.sentence_id == sentence_id), None)

        def __contains__(self, sentence_id: object) -> bool:
            return self.get(str(sentence_id)) is not None

    ann = StudentAnnotator(article, annotator="zoe", folder=tmp_path, key=TinyKey())
    ann.label(first.id, "opinion")
    assert "the answer is verified" in ann.rows[0].feedback.value
    assert "The minutes say so." in ann.rows[0].feedback.value
    assert ann.article_score().in_key == 1


def test_a_new_mode_composes_the_shared_parts_without_subclassing(tmp_path: Path):
    """Test that rows, the status line, the key bridge and the fallback work on their own."""
    from factcheck import _widgets, session
    from factcheck.labels import DEFAULT_SCHEME

    styles = _widgets.row_styles(DEFAULT_SCHEME)
    rows = [
        _widgets.make_row(slot, DEFAULT_SCHEME, styles, flag=False, feedback=False)
        for slot in range(3)
    ]
    assert list(rows[2].buttons) == list(DEFAULT_SCHEME.names)
    assert rows[2].box._dom_classes == ("fc-row", "fc-row-2")
    assert rows[0].flag is None and rows[0].feedback is None
    status = _widgets.StatusLine("Adjudicator: lee")
    status.show("Decision saved.", "fc-pending")
    assert status.text == "Decision saved."
    assert status.label._dom_classes == ("fc-wrap", "fc-status", "fc-pending")
    bridge = _widgets.KeyBridge(handled_keys=["1", "2"])
    assert "Kernel restarted" in bridge.stale_text
    view = w.VBox([status.bar, *[r.box for r in rows], bridge])
    summary = session.Summary("Queue", 1, 3, 0, 0, "lee", "")
    bundle = _widgets.mimebundle(view, summary)
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"].startswith("factcheck annotator: Queue")


def test_reopening_counts_an_article_finished_earlier_as_done(tmp_path: Path):
    """Test that an article finished in an earlier session counts as done on reopening,
    wherever the session resumes, instead of as merely started."""
    articles = corpus(6)
    ann = Annotator(articles, annotator="ana", folder=tmp_path)
    finished = Article.from_text(articles[3].text, id=articles[3].id).sentences
    for sentence in finished:
        ann.label(sentence.id, "verified")
    started = Article.from_text(articles[5].text, id=articles[5].id).sentences[0]
    ann.label(started.id, "opinion")
    again = Annotator(articles, annotator="ana", folder=tmp_path)
    assert again.summary().done == 1
    assert again.corpus_progress_label.value == (
        f"{len(finished) + 1} sentences labelled · 1 of 6 articles done, 1 more started (17%)"
    )
