"""Session rules of the labelling widget: keys, focus, filters, pages, progress, escaping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck import session
from factcheck._escape import escape_html, guidelines_html
from factcheck.labels import DEFAULT_SCHEME, Label
from factcheck.sentences import split_sentences

TEXT = (
    "The council met on Monday. Members voted 7 to 2.\n\n"
    "It was a shameful decision. The mayor said nothing."
)


def test_label_keys_come_from_the_scheme():
    """Test that keys 1/2/3 label verified/unconfirmed/opinion in the default scheme."""
    assert session.interpret_key("1", DEFAULT_SCHEME) == session.Action("label", label="verified")
    assert session.interpret_key("2", DEFAULT_SCHEME) == session.Action(
        "label", label="unconfirmed"
    )
    assert session.interpret_key("3", DEFAULT_SCHEME) == session.Action("label", label="opinion")


@pytest.mark.parametrize(
    ("key", "action"),
    [
        ("0", session.Action("clear")),
        ("Backspace", session.Action("clear")),
        ("u", session.Action("undo")),
        ("ArrowDown", session.Action("move", step=1)),
        ("j", session.Action("move", step=1)),
        ("ArrowUp", session.Action("move", step=-1)),
        ("k", session.Action("move", step=-1)),
        ("n", session.Action("article", step=1)),
        ("p", session.Action("article", step=-1)),
    ],
)
def test_fixed_keys_clear_undo_and_move(key, action):
    """Test that the scheme-independent keys map to clear, undo and focus moves."""
    assert session.interpret_key(key, DEFAULT_SCHEME) == action


@pytest.mark.parametrize("key", ["x", "Enter", "Tab", " ", "U", "4"])
def test_unhandled_keys_do_nothing(key):
    """Test that keys the annotator does not use are not interpreted (and so pass through)."""
    assert session.interpret_key(key, DEFAULT_SCHEME) is None


def test_a_scheme_label_key_wins_over_a_fixed_key():
    """Test that a teacher's label on key 'u' labels instead of undoing."""
    scheme = DEFAULT_SCHEME.with_labels(
        Label("unclear", "Cannot tell.", "Who knows.", key="u", colour="#999999")
    )
    assert session.interpret_key("u", scheme) == session.Action("label", label="unclear")


def test_key_hints_list_every_label_key():
    """Test that the on-screen key help names each label with its key."""
    hints = session.key_hints(DEFAULT_SCHEME, corpus=True)
    for label in DEFAULT_SCHEME:
        assert f"{label.key} {label.name}" in hints
    assert "u undo" in hints
    assert "n/p" in hints
    assert "n/p" not in session.key_hints(DEFAULT_SCHEME)


def test_next_unlabelled_skips_labelled_and_wraps_round():
    """Test that the next unlabelled sentence is found after the focus, wrapping to the start."""
    ids = ["a", "b", "c", "d"]
    labels = {"b": "opinion", "c": "verified"}
    assert session.next_unlabelled(ids, labels, 0) == len(["a", "b", "c"])
    assert session.next_unlabelled(ids, labels, len(["a", "b", "c"])) == 0
    assert session.first_unlabelled(ids, {"a": "opinion"}) == 1


def test_next_unlabelled_is_none_when_all_are_labelled():
    """Test that a fully labelled list has no next unlabelled sentence."""
    assert session.next_unlabelled(["a", "b"], {"a": "opinion", "b": "verified"}, 0) is None
    assert session.first_unlabelled([], {}) is None


def test_an_empty_label_counts_as_unlabelled():
    """Test that a cleared label ('') is treated as no label."""
    assert session.first_unlabelled(["a", "b"], {"a": ""}) == 0


@given(
    st.lists(st.booleans(), min_size=1, max_size=30),
    st.integers(min_value=-1, max_value=29),
)
def test_next_unlabelled_returns_an_unlabelled_position(flags, after):
    """Test that next_unlabelled only ever returns an unlabelled position, if one exists."""
    ids = [f"s{i}" for i in range(len(flags))]
    labels = {i: "opinion" for i, labelled in zip(ids, flags, strict=True) if labelled}
    after = min(after, len(ids) - 1)
    found = session.next_unlabelled(ids, labels, after)
    if all(flags):
        assert found is None
    else:
        assert found is not None
        assert ids[found] not in labels
        assert found != after or flags.count(False) == 1


def test_step_focus_stays_in_range():
    """Test that moving focus stops at the first and last sentence."""
    assert session.step_focus(0, -1, 5) == 0
    assert session.step_focus(4, 1, 5) == len("abcd")
    assert session.step_focus(2, 1, 5) == len("abc")
    assert session.step_focus(0, 1, 0) == -1


def test_filters_select_unlabelled_or_one_label_in_reading_order():
    """Test that the filters keep reading order and pick the right sentences."""
    sentences = split_sentences(TEXT, article_id="council")
    labels = {sentences[1].id: "verified", sentences[2].id: "opinion"}
    assert session.visible_indices(sentences, labels, session.FILTER_ALL) == [0, 1, 2, 3]
    assert session.visible_indices(sentences, labels, session.FILTER_UNLABELLED) == [0, 3]
    assert session.visible_indices(sentences, labels, "opinion") == [2]
    assert session.visible_indices(sentences, labels, "unconfirmed") == []


def test_filter_options_offer_all_unlabelled_and_each_label():
    """Test that the filter control lists all, unlabelled, flagged and every scheme label."""
    values = [value for _, value in session.filter_options(DEFAULT_SCHEME)]
    assert values == ["all", "unlabelled", "flagged", "verified", "unconfirmed", "opinion"]
    student = [value for _, value in session.filter_options(DEFAULT_SCHEME, flag=False)]
    assert "flagged" not in student


@given(st.integers(min_value=0, max_value=2000), st.integers(min_value=1, max_value=100))
def test_pages_cover_every_position_exactly_once(count, page_size):
    """Test that the pages partition the positions and page_of finds each one's page."""
    pages = session.page_count(count, page_size)
    covered = []
    for page in range(pages):
        start, stop = session.page_bounds(page, page_size, count)
        assert stop - start <= page_size
        covered.extend(range(start, stop))
    assert covered == list(range(count))
    for position in range(0, count, max(1, count // 7)):
        start, stop = session.page_bounds(session.page_of(position, page_size), page_size, count)
        assert start <= position < stop


def test_progress_counts_labelled_sentences():
    """Test that progress counts labels among the given ids and ignores other sentences."""
    result = session.progress(["a", "b", "c", "d"], {"a": "opinion", "z": "verified", "b": ""})
    assert (result.done, result.total) == (1, 4)
    assert result.fraction == pytest.approx(0.25)
    assert result.describe("here") == "1 of 4 sentences labelled here (25%)"
    assert session.progress([], {}).fraction == 0.0


def test_text_colour_is_readable_on_each_default_label_colour():
    """Test that button text is white on dark blue and black on orange and pink."""
    assert session.text_colour("#0072B2") == "#ffffff"
    assert session.text_colour("#E69F00") == "#000000"
    assert session.text_colour("#CC79A7") == "#000000"
    assert session.text_colour("#000") == "#ffffff"
    assert session.text_colour("tomato") == "#000000"


def test_escape_html_neutralises_markup():
    """Test that article text with an event handler becomes inert HTML text."""
    attack = '<img src=x onerror="window.__pwned=1">'
    assert escape_html(attack) == "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;"


def test_guidelines_show_each_definition_and_escape_scheme_text():
    """Test that the guidelines list every label and rule, with scheme text escaped."""
    html = guidelines_html(DEFAULT_SCHEME)
    for label in DEFAULT_SCHEME:
        assert escape_html(label.definition) in html
        assert escape_html(label.example) in html
    assert escape_html(DEFAULT_SCHEME.rules[0]) in html
    hostile = DEFAULT_SCHEME.with_labels(
        Label("satire", "<script>x()</script>", "<b>joke</b>", key="4", colour="#009E73")
    )
    assert "<script>" not in guidelines_html(hostile)
    assert "&lt;b&gt;joke&lt;/b&gt;" in guidelines_html(hostile)


def test_message_order_releases_messages_in_sequence():
    """Test that numbered messages come out in order, however they arrive."""
    order = session.MessageOrder()
    assert order.accept("v", 1, "b") == []
    assert order.accept("v", 2, "c") == []
    assert order.accept("v", 0, "a") == ["a", "b", "c"]
    assert order.accept("v", 3, "d") == ["d"]
    assert order.accept("w", 0, "other view") == ["other view"]


def test_message_order_gives_up_on_a_lost_message():
    """Test that a missing message stops blocking once more than `patience` wait behind it."""
    order = session.MessageOrder(patience=2)
    assert order.accept("v", 1, "b") == []
    assert order.accept("v", 2, "c") == []
    assert order.accept("v", 3, "d") == ["b", "c", "d"]
    assert order.accept("v", 0, "late") == ["late"]


def test_source_label_shows_urls_whole_and_files_by_name():
    """Test that the header shows a URL in full and a file path (or corpus row) by its name."""
    from factcheck.session import source_label

    assert source_label("https://example-news.test/a/b") == "https://example-news.test/a/b"
    assert source_label("/home/ana/articles/bridge.md") == "bridge.md"
    assert source_label("C:\\data\\corpus.csv:12") == "corpus.csv:12"
    assert source_label("") == ""


def test_key_hints_never_list_a_key_a_custom_label_took_over():
    """Test that when labels take keys 0 and n, the hints stop offering them for clear/article."""
    from factcheck import Label

    scheme = DEFAULT_SCHEME.with_labels(
        Label("not a claim", "d", "e", "n", "#000000"), Label("satire", "d", "e", "0", "#111111")
    )
    hints = session.key_hints(scheme, corpus=True)
    assert "0 satire" in hints and "n not a claim" in hints
    assert "Backspace/Delete clear" in hints and "0/Backspace" not in hints
    assert "p previous article" in hints and "n/p" not in hints


@pytest.mark.parametrize(
    ("key", "action"), [("e", session.Action("note")), ("f", session.Action("flag"))]
)
def test_e_opens_the_note_and_f_flags(key, action):
    """Test that e edits the focused note and f toggles its flag; students have no f."""
    assert session.interpret_key(key, DEFAULT_SCHEME) == action
    assert session.interpret_key("f", DEFAULT_SCHEME, flag=False) is None


def test_key_hints_show_the_note_and_flag_keys_and_drop_what_is_off():
    """Test that the hints name e and f, and leave out clear/undo/note/flag when turned off."""
    hints = session.key_hints(DEFAULT_SCHEME)
    assert "e note (Enter saves, Esc discards)" in hints
    assert "f flag for discussion" in hints
    locked = session.key_hints(DEFAULT_SCHEME, undo=False, clear=False, note=False, flag=False)
    for word in ("clear", "undo", "note", "flag"):
        assert word not in locked


def test_a_custom_label_on_key_e_keeps_its_key_and_the_note_hint_goes():
    """Test that a teacher's label on e labels, and the hints stop offering e for notes."""
    scheme = DEFAULT_SCHEME.with_labels(Label("evasive", "d", "x", key="e", colour="#888888"))
    assert session.interpret_key("e", scheme) == session.Action("label", label="evasive")
    assert "e evasive" in session.key_hints(scheme) and "note" not in session.key_hints(scheme)


def test_the_flagged_filter_keeps_reading_order():
    """Test that the flagged filter shows flagged sentences only, in reading order."""
    sentences = split_sentences(TEXT, article_id="a")
    flagged = {sentences[3].id, sentences[0].id}
    shown = session.visible_indices(sentences, {}, session.FILTER_FLAGGED, flagged)
    assert shown == [0, 3]


S = session.SentenceState


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [
        (
            S("verified", "x"),
            S("unconfirmed", "p. 3"),
            "Undid sentence 4: 'verified' → restored 'unconfirmed' and its note 'p. 3'; "
            "the note 'x' removed.",
        ),
        (
            S("verified", "minutes"),
            S("verified"),
            "Undid sentence 4: 'verified' kept; the note 'minutes' removed.",
        ),
        (
            S("verified"),
            S(),
            "Undid sentence 4: 'verified' removed, the sentence is unlabelled again.",
        ),
        (S(), S("opinion", "n"), "Undid sentence 4: restored 'opinion' and its note 'n'."),
        (S("opinion", flagged=True), S("opinion"), "Undid sentence 4: flag removed."),
        (S("opinion"), S("opinion", flagged=True), "Undid sentence 4: flag restored."),
    ],
)
def test_undo_text_names_every_change_note_and_flag_included(before, after, text):
    """Test that the undo report says what came back and what went, notes and flags too."""
    assert session.undo_text(len("abc"), before, after) == text


def test_undo_text_shortens_a_long_note_to_one_line():
    """Test that a long multi-line note is shown on one line with an ellipsis."""
    note = "line one\nline two " + "x" * 100
    text = session.undo_text(0, S("opinion", note), S("opinion"))
    assert "\n" not in text and "…" in text
    assert len(text) < len(note)


def test_saved_prefix_names_the_file_only_when_given_one():
    """Test that the save indicator names the log for annotators, and nothing for students."""
    from datetime import datetime

    when = datetime(2026, 12, 1, 10, 15, 2)
    assert session.saved_prefix(when, "annotations/ana.csv") == (
        "Saved 10:15:02 to annotations/ana.csv"
    )
    assert session.saved_prefix(when, None) == "Saved 10:15:02"


def test_fallback_summary_counts_and_escapes():
    """Test that the saved-notebook summary gives counts and place, with markup escaped."""
    summary = session.Summary(
        title='<img src=x onerror="1">',
        articles=3,
        sentences=40,
        labelled=12,
        flagged=2,
        annotator="ana & ben",
        saved_to="annotations/ana.csv",
    )
    text = session.fallback_text(summary)
    assert "12 of 40 sentences labelled in 3 articles, 2 flagged for discussion" in text
    assert "annotations/ana.csv" in text and "run the cell" in text
    markup = session.fallback_html(summary)
    assert "<img" not in markup and "&lt;img" in markup and "ana &amp; ben" in markup
    corpus = session.Summary("T", 100_000, None, 1, 0, "ana", "a.csv", done=0)
    assert "ana: 1 sentence labelled, 0 of 100000 articles done, 0 flagged" in (
        session.fallback_text(corpus)
    )
    student = session.fallback_text(session.Summary("T", 1, 4, 0, 0, "zoe", ""))
    assert "saved in" not in student


def test_corpus_text_counts_articles_done_and_started():
    """Test that the corpus line names labelled sentences, articles done and started."""
    assert session.corpus_text(412, 14, 17, 100_000) == (
        "412 sentences labelled · 14 of 100,000 articles done, 3 more started (0%)"
    )
    assert session.corpus_text(1, 1, 1, 2, assignment=True) == (
        "1 sentence labelled · 1 of 2 articles of your assignment done (50%)"
    )
