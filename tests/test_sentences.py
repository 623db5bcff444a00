"""Tests for factcheck.sentences: news sentence boundaries, exact offsets and stable ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck import sentences
from factcheck.sentences import MAX_LINE_CHARS, Sentence, split_line, split_sentences
from tests._scripts import benchmark

ROOT = Path(__file__).resolve().parents[1]


def texts(text: str) -> list[str]:
    """The sentence texts of ``text``."""
    return [s.text for s in split_sentences(text)]


def assert_invariants(text: str, sentences: list[Sentence]) -> None:
    """Offsets slice back, sentences are ordered, trimmed, and cover every non-space char."""
    covered = [0] * len(text)
    previous_end = 0
    for index, sentence in enumerate(sentences):
        assert sentence.index == index
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end
        for pos in range(sentence.start, sentence.end):
            covered[pos] += 1
    for pos, char in enumerate(text):
        assert covered[pos] == 1 or (char.isspace() and covered[pos] == 0), (pos, char)


# --- attribution and quotations ---


def test_attribution_after_quote_stays_one_sentence() -> None:
    """Test that '"...," he said.' is one sentence and the next sentence is separate."""
    text = '"The numbers simply do not add up," Ortega said. "We need a full audit."'
    assert texts(text) == [
        '"The numbers simply do not add up," Ortega said.',
        '"We need a full audit."',
    ]


def test_attribution_after_quoted_question_stays_one_sentence() -> None:
    """Test that '"Why now?" asked Dr. X.' is one sentence, title and all."""
    text = '"Why are we only hearing about this now?" asked Dr. Helena Quist. Nobody answered.'
    assert texts(text) == [
        '"Why are we only hearing about this now?" asked Dr. Helena Quist.',
        "Nobody answered.",
    ]


def test_name_first_attribution_after_quoted_question_stays_one_sentence() -> None:
    """Test that '"Who signed off on this?" Brandt asked.' is one sentence."""
    text = '"Who signed off on this?" Brandt asked. The room went quiet.'
    assert texts(text) == ['"Who signed off on this?" Brandt asked.', "The room went quiet."]


def test_attribution_after_curly_quoted_exclamation_stays_one_sentence() -> None:
    """Test that curly quotes are handled like straight ones: '“Stop!” a firefighter yelled.'"""
    text = "“Get off the bridge now!” a firefighter yelled, according to witnesses. It fell."
    assert texts(text) == [
        "“Get off the bridge now!” a firefighter yelled, according to witnesses.",
        "It fell.",
    ]


def test_consecutive_quoted_sentences_are_two_sentences() -> None:
    """Test that '"Really?" "Yes."' is split into two sentences."""
    assert texts('"Really?" "Yes."') == ['"Really?"', '"Yes."']


def test_sentence_after_consecutive_quotes_is_split() -> None:
    """Test that a narrative sentence after quoted chants is its own sentence."""
    text = '"Stop the cuts!" "Save our library!" The chants continued for an hour.'
    assert texts(text) == [
        '"Stop the cuts!"',
        '"Save our library!"',
        "The chants continued for an hour.",
    ]


def test_new_sentence_after_quoted_exclamation_is_split() -> None:
    """Test that 'A man shouted "Stop!" Police moved in.' is two sentences."""
    assert texts('A man shouted "Stop!" Police moved in.') == [
        'A man shouted "Stop!"',
        "Police moved in.",
    ]


def test_quoted_question_inside_a_sentence_does_not_split_it() -> None:
    """Test that a quoted question followed by a lowercase word continues the sentence."""
    text = '"Why now?" is the question residents keep asking. The council has no answer.'
    assert texts(text) == [
        '"Why now?" is the question residents keep asking.',
        "The council has no answer.",
    ]


def test_multi_sentence_quote_is_split_at_its_full_stops() -> None:
    """Test that a quotation of three sentences gives three segments, attribution on the last."""
    text = '"Safety comes first. It always will. We will not cut corners," said Mayor Kwiatek.'
    assert texts(text) == [
        '"Safety comes first.',
        "It always will.",
        'We will not cut corners," said Mayor Kwiatek.',
    ]


def test_title_inside_a_quote_does_not_split_it() -> None:
    """Test that "Gov." and an initial inside a quotation keep the quoted sentence whole."""
    text = '"Ask Gov. Baird. Ask George W. Ambrose. They know," she said.'
    assert texts(text) == ['"Ask Gov. Baird.', "Ask George W. Ambrose.", 'They know," she said.']


# --- titles, initials, units, numbers ---


def test_titles_do_not_end_a_sentence() -> None:
    """Test that Sen., Gov., Rep. and Lt. Col. before a name never end a sentence."""
    text = (
        "Sen. Jorge Ibarra and Gov. Peter Lindqvist met Rep. Alana Fitch and Lt. Col. Sarah "
        "Obi on Monday. They agreed."
    )
    assert texts(text) == [text[: -len(" They agreed.")], "They agreed."]


def test_initials_do_not_end_a_sentence() -> None:
    """Test that "George W. Ambrose" and "J.R. Whitcombe" keep their sentences whole."""
    text = "J.R. Whitcombe met George W. Ambrose in 1988. No one was hurt."
    assert texts(text) == ["J.R. Whitcombe met George W. Ambrose in 1988.", "No one was hurt."]


def test_units_and_approximations_do_not_end_a_sentence() -> None:
    """Test that "approx.", "mi." and "mins." followed by a number or lowercase continue."""
    text = (
        "The detour adds approx. 4.5 mi. to the trip. A ferry runs every 20 mins. during rush hour."
    )
    assert texts(text) == [
        "The detour adds approx. 4.5 mi. to the trip.",
        "A ferry runs every 20 mins. during rush hour.",
    ]


def test_unit_at_the_end_of_a_sentence_ends_it() -> None:
    """Test that "They walked 3 mi. The rain never stopped." is two sentences."""
    assert texts("They walked 3 mi. The rain never stopped.") == [
        "They walked 3 mi.",
        "The rain never stopped.",
    ]


def test_decimals_money_and_percentages_do_not_end_a_sentence() -> None:
    """Test that "$48.5 million", "£2.40" and "8.3%" are inside sentences."""
    text = "Repairs cost $48.5 million, up from £2.40 a head. Shares fell 8.3% on Monday."
    assert texts(text) == [
        "Repairs cost $48.5 million, up from £2.40 a head.",
        "Shares fell 8.3% on Monday.",
    ]


def test_time_before_a_weekday_stays_in_the_sentence() -> None:
    """Test that "at 11 p.m. Sunday" does not end the sentence at "p.m."."""
    text = "The search stopped at 11 p.m. Sunday. It resumed at 6 a.m. on Monday."
    assert texts(text) == [
        "The search stopped at 11 p.m. Sunday.",
        "It resumed at 6 a.m. on Monday.",
    ]


def test_time_at_the_end_of_a_sentence_ends_it() -> None:
    """Test that "The march ended at 4 p.m. Organisers said ..." is two sentences."""
    assert texts("The march ended at 4 p.m. Organisers said it was calm.") == [
        "The march ended at 4 p.m.",
        "Organisers said it was calm.",
    ]


def test_dates_after_month_abbreviations_end_sentences() -> None:
    """Test that "on Jan. 11. Prices rose" splits even when pysbd reads "11." as a list item."""
    text = (
        "The plan passed on Jan. 11. Prices rose 7%. The clinic passed on Jan. 12. It opens soon."
    )
    assert texts(text) == [
        "The plan passed on Jan. 11.",
        "Prices rose 7%.",
        "The clinic passed on Jan. 12.",
        "It opens soon.",
    ]


def test_acronym_before_a_new_sentence_ends_it() -> None:
    """Test that "She moved to the U.K. Her family stayed." is two sentences."""
    assert texts("She moved to the U.K. Her family stayed behind.") == [
        "She moved to the U.K.",
        "Her family stayed behind.",
    ]


def test_acronym_before_a_name_does_not_end_the_sentence() -> None:
    """Test that "The U.S. Coast Guard" stays inside its sentence."""
    text = "The U.S. Coast Guard found the boat. Nobody was aboard."
    assert texts(text) == ["The U.S. Coast Guard found the boat.", "Nobody was aboard."]


def test_sentence_starting_with_a_lowercase_brand_is_split() -> None:
    """Test that a sentence starting with "eCourier" is not glued to the previous one."""
    assert texts("Sales fell 4% last year. eCourier said it would cut jobs.") == [
        "Sales fell 4% last year.",
        "eCourier said it would cut jobs.",
    ]


def test_dash_after_a_question_continues_the_sentence() -> None:
    """Test that "one question—who knew?—and got no answer" is one sentence."""
    text = "Residents asked one question—who knew?—and got no answer. The meeting ended."
    assert texts(text) == [
        "Residents asked one question—who knew?—and got no answer.",
        "The meeting ended.",
    ]


# --- scraped text: glued stops, URLs, emails ---


def test_missing_space_after_full_stop_is_split() -> None:
    """Test that "in 2000.Trump said" is split at the full stop, offsets exact."""
    text = "The plant was first inspected in 2000.Lindqvist said it passed."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "The plant was first inspected in 2000.",
        "Lindqvist said it passed.",
    ]
    assert sentences[1].start == len("The plant was first inspected in 2000.")


def test_glued_stop_after_url_is_split_but_url_is_kept() -> None:
    """Test that "gov/elections.Turnout was" splits while "U.S.Army" and the URL stay whole."""
    text = "Results are at www.harlowfalls.gov/elections.Turnout was high in the U.S.Army towns."
    assert texts(text) == [
        "Results are at www.harlowfalls.gov/elections.",
        "Turnout was high in the U.S.Army towns.",
    ]


def test_email_address_at_the_end_of_a_sentence_ends_it() -> None:
    """Test that "clerk@harlowfalls.gov." ends its sentence (".gov" is not "Gov.")."""
    assert texts("Email clerk@harlowfalls.gov. Comments close on Nov. 30.") == [
        "Email clerk@harlowfalls.gov.",
        "Comments close on Nov. 30.",
    ]


# --- lines and paragraphs ---


def test_list_items_and_subheadings_are_their_own_segments() -> None:
    """Test that each line is a segment, even without final punctuation."""
    text = (
        "What we know so far\n- Road closures on Main St. from 6 a.m.\n- Parking banned on Elm Ave."
    )
    assert texts(text) == [
        "What we know so far",
        "- Road closures on Main St. from 6 a.m.",
        "- Parking banned on Elm Ave.",
    ]


def test_numbered_list_items_keep_their_numbers() -> None:
    """Test that "1. Register online." is one segment, not "1." and "Register online."."""
    assert texts("1. Register online by Friday.\n2. Bring photo ID.") == [
        "1. Register online by Friday.",
        "2. Bring photo ID.",
    ]


def test_blank_lines_separate_paragraphs() -> None:
    """Test that paragraph numbers count blank-line separated blocks, not lines."""
    text = "Council approves budget\n\nThe vote was 7-2. It was late.\nMore later.\n \nThe end."
    sentences = split_sentences(text)
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("Council approves budget", 0),
        ("The vote was 7-2.", 1),
        ("It was late.", 1),
        ("More later.", 1),
        ("The end.", 2),
    ]


def test_offsets_point_into_the_text() -> None:
    """Test that start/end are character offsets, end exclusive, even after non-ASCII text."""
    text = "Café owners met “Gov. Lindqvist”. He listened."
    first, second = split_sentences(text)
    assert (first.start, first.end) == (0, len("Café owners met “Gov. Lindqvist”."))
    assert second.start == len("Café owners met “Gov. Lindqvist”. ")
    assert second.end == len(text)


def test_empty_and_blank_text_has_no_sentences() -> None:
    """Test that empty or whitespace-only text gives no sentences."""
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t \n") == []


# --- ids ---


def test_ids_are_stable_across_runs() -> None:
    """Test that ids do not depend on the process (hash seed): a fresh interpreter agrees."""
    text = 'The bridge closes on Jan. 5. A ferry will run. "Why now?" asked Sen. Lopez.'
    here = [s.id for s in split_sentences(text, article_id="riverside")]
    code = (
        "import sys; from factcheck.sentences import split_sentences; "
        "print('\\n'.join(s.id for s in split_sentences(sys.argv[1], article_id='riverside')))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, text], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.split() == here
    assert here == [s.id for s in split_sentences(text, article_id="riverside")]


def test_ids_are_distinct_within_an_article_even_for_repeated_sentences() -> None:
    """Test that two identical sentences in one article get different ids."""
    sentences = split_sentences('"Yes." "Yes." "Yes."\n\n"Yes."', article_id="a1")
    assert len(sentences) == len(["Yes"] * 4)
    assert len({s.id for s in sentences}) == len(sentences)


def test_ids_carry_article_id_and_index() -> None:
    """Test that an id starts with the article id and the zero-padded index."""
    sentences = split_sentences("One here. Two here.", article_id="budget-2026")
    assert [s.id.rsplit("-", 1)[0] for s in sentences] == ["budget-2026-0000", "budget-2026-0001"]
    assert all(s.article_id == "budget-2026" for s in sentences)


def test_sentence_with_inconsistent_offsets_is_rejected() -> None:
    """Test that a Sentence whose text length does not match end - start raises."""
    with pytest.raises(ValueError, match="end - start = 3 but the text has 5 characters"):
        Sentence(id="s-0000-abcdef", index=0, start=0, end=3, text="Hello")


# --- long lines ---


def _long_line(sentences: int) -> tuple[str, list[str]]:
    parts = [
        f"Sen. Ortega said item {i} would cost ${i}.5 million, approx. {i} mi. of road. "
        f'"Why now?" asked Gov. Lindqvist. Residents of Ward {i} were not told.'
        for i in range(sentences)
    ]
    expected = []
    for i in range(sentences):
        expected += [
            f"Sen. Ortega said item {i} would cost ${i}.5 million, approx. {i} mi. of road.",
            '"Why now?" asked Gov. Lindqvist.',
            f"Residents of Ward {i} were not told.",
        ]
    return " ".join(parts), expected


def test_long_single_line_is_chunked_with_exact_offsets() -> None:
    """Test that a 70k-char line without newlines splits exactly as its sentences would."""
    line, expected = _long_line(500)
    assert len(line) > 30 * MAX_LINE_CHARS
    sentences = split_sentences(line)
    assert [s.text for s in sentences] == expected
    assert_invariants(line, sentences)


def test_chunked_and_unchunked_splitting_agree() -> None:
    """Test that cutting a long line into small chunks changes no boundary."""
    line, _ = _long_line(40)
    assert split_line(line, max_chars=300) == split_line(line, max_chars=len(line) + 1)


def test_long_line_without_safe_cuts_keeps_every_character() -> None:
    """Test that a long line with no sentence ends (cut at spaces instead) loses nothing."""
    line = " ".join(f"word{i} and more words, then" for i in range(400))
    spans = split_line(line, max_chars=200)
    assert len(spans) > 1
    assert "".join(line[a:b] for a, b in spans).replace(" ", "") == line.replace(" ", "")


# --- properties ---

_PIECES = st.sampled_from(
    [
        "The council voted.",
        "Sen. Ortega said so.",
        '"Why now?"',
        "asked Dr. Quist.",
        "“Really?”",
        "approx. 4.5 mi.",
        "in 2000.Trump",
        "U.S.",
        "at 4 p.m.",
        "Sunday",
        "—and",
        "(ret.)",
        "...",
        "…",
        "$48.5m",
        "e.g.",
        "www.example.gov/a.B",
        "'",
        '"',
        "!",
        "?",
        ".",
        "1.",
        "\n",
        "\n\n",
        " ",
        "\t",
        "\u00a0",
        "é",
        "x",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_offsets_round_trip_for_news_like_text(text: str) -> None:
    """Test that for any text built of news fragments, every sentence slices back exactly."""
    assert_invariants(text, split_sentences(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_offsets_round_trip_for_arbitrary_text(text: str) -> None:
    """Test that for arbitrary Unicode text, sentences are ordered, trimmed and cover the text."""
    assert_invariants(text, split_sentences(text))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(_PIECES, min_size=50, max_size=200).map(lambda parts: " ".join(parts)),
    st.integers(min_value=20, max_value=200),
)
def test_chunking_keeps_offsets_exact(text: str, max_chars: int) -> None:
    """Test that lines cut into small chunks still slice back and cover every character."""
    line = text.replace("\n", " ")
    spans = split_line(line, max_chars=max_chars)
    sentences = [Sentence(f"s{i}", i, a, b, line[a:b]) for i, (a, b) in enumerate(spans)]
    assert_invariants(line, sentences)


# --- the gold set ---


def _bench():
    return benchmark("bench_segmentation")


def test_gold_set_is_well_formed() -> None:
    """Test that the gold set has 60+ passages with unique ids, sentences in text in order."""
    passages = _bench().load_gold()
    assert len(passages) >= 60
    assert len({p.id for p in passages}) == len(passages)
    for passage in passages:
        assert passage.sentences and passage.tags
        spans = passage.spans
        assert all(a < b for a, b in spans)
        covered = "".join(passage.text[a:b] for a, b in spans)
        assert "".join(covered.split()) == "".join(passage.text.split()), passage.id


def test_shipped_splitter_beats_every_alternative_on_the_gold_set() -> None:
    """Test that split_sentences gets at least as many passages exactly right as each rival."""
    bench = _bench()
    results = bench.evaluate(bench.load_gold())
    ours = results["factcheck"][0]
    for name, (score, _, _) in results.items():
        assert ours.accuracy >= score.accuracy, f"{name} beats factcheck: {score.accuracy:.1%}"
    assert ours.accuracy >= 0.97, f"factcheck now fails {ours.failed}"


def test_sentence_ending_in_a_street_abbreviation_is_split() -> None:
    """Test that "on Elm St. The man was released." is two sentences, "St. John" one."""
    first = "Police found the man at approx. 3 a.m. on Elm St."
    assert texts(f"{first} The man was released.") == [first, "The man was released."]
    assert texts("She met St. John on Monday.") == ["She met St. John on Monday."]


# --- issue 9/16 regressions: addresses, markup, odd bytes, paragraphs, source offsets ---


def test_dotted_email_address_is_not_split_by_the_glued_stop_repair() -> None:
    """Test that "Jane.Doe@example.com." stays inside its sentence (two sentences, not three)."""
    assert texts("Her email is Jane.Doe@example.com. I sent her an email.") == [
        "Her email is Jane.Doe@example.com.",
        "I sent her an email.",
    ]


@pytest.mark.parametrize(
    "token",
    ["Minutes.Final.docx", "Example.Com", "Report.Pdf", "www.Harlow.gov/News.Html", "a.B@c.org"],
)
def test_glued_stop_repair_never_fires_inside_file_names_or_domains(token: str) -> None:
    """Test that a capital after a dot inside a file name, domain or URL is not a boundary."""
    assert texts(f"The clerk posted {token} on Monday.") == [f"The clerk posted {token} on Monday."]


def test_question_mark_inside_markup_does_not_split() -> None:
    """Test that '</script><b>bold?</b> appeared' is one sentence: none starts with '</'."""
    text = "The page showed </script><b>bold?</b> appeared on screen."
    assert texts(text) == [text]


def test_separator_byte_before_a_list_number_splits_without_crashing() -> None:
    """Test that an ASCII separator (0x1C) before "4." does not raise inside pysbd."""
    text = "The council met.\x1c4. Prices rose. 5. Next."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["The council met.", "4. Prices rose.", "5. Next."]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_lone_surrogate_gets_a_stable_id_instead_of_crashing() -> None:
    """Test that text holding half of an emoji (U+D83D) splits and gets sentence ids."""
    sentences = split_sentences("Monday \ud83d. It voted.", article_id="vote")
    assert [s.text for s in sentences] == ["Monday \ud83d.", "It voted."]
    assert sentences[0].id.startswith("vote-0000-")


def test_text_without_blank_lines_has_one_paragraph_per_line() -> None:
    """Test that scraped text with one paragraph per line is not all "paragraph 0"."""
    sentences = split_sentences("The ferry runs late. Fares rose.\nCommuters object.\nIt ends.")
    assert [s.paragraph for s in sentences] == [0, 0, 1, 2]
    trailing = split_sentences("Fares rose.\nCommuters object.\n\n")
    assert [s.paragraph for s in trailing] == [0, 1]


def test_sentence_keeps_positional_construction_and_defaults_its_source_offsets() -> None:
    """Test that Sentence(id, index, start, end, text) still works; source offsets default."""
    sentence = Sentence("a-0", 0, 4, 4 + len("It fell."), "It fell.")
    assert (sentence.source_start, sentence.source_end) == (4, 4 + len("It fell."))
    moved = Sentence("a-0", 0, 4, 12, "It fell.", 0, "a", 10, 20)
    assert (moved.source_start, moved.source_end) == (10, 20)


def test_sentence_refuses_bad_source_offsets() -> None:
    """Test that source offsets are checked when the record is built, like start and end."""
    with pytest.raises(ValueError, match="bad source offsets"):
        Sentence("a-0", 0, 0, len("It fell."), "It fell.", source_start=9, source_end=3)


def test_source_offsets_follow_edits_that_changed_the_text() -> None:
    """Test that sentence source offsets are mapped through the edits that made the text."""
    from factcheck.cleaning import clean_text

    source = "Headline of the story\r\n\r\nThe  **vote** passed.\u00a0It was late.\r\n"
    cleaned = clean_text(source, markdown=True)
    first, second = split_sentences(cleaned.text, edits=cleaned.edits)
    assert (first.text, second.text) == ("The  vote passed.", "It was late.")
    assert source[first.source_start : first.source_end] == "The  **vote** passed."
    assert source[second.source_start : second.source_end] == "It was late."


def test_a_long_line_without_spaces_reaches_pysbd_in_bounded_pieces() -> None:
    """Test that a line with no space and no full stop is still cut (pysbd is quadratic)."""
    line = "x" * (10 * MAX_LINE_CHARS)
    spans = split_line(line)
    assert "".join(line[a:b] for a, b in spans) == line
    assert max(b - a for a, b in spans) <= 4 * MAX_LINE_CHARS


GOLDEN = json.loads((ROOT / "benchmarks" / "data" / "golden_rules_en.json").read_text("utf-8"))
# Cases that conflict with a documented news convention (each line is its own segment).
CONVENTION_CASES = {("pragmatic", 40), ("pragmatic", 41)}


def _pysbd_passes(case: dict) -> bool:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return [s.strip() for s in segmenter.segment(case["text"]) if s.strip()] == case["sentences"]


# The cases plain pysbd gets right, less those that conflict with a news convention: the
# ones factcheck must get right too (the others are counted by the next test).
PYSBD_PASSES = [
    c
    for c in GOLDEN["cases"]
    if _pysbd_passes(c) and (c["set"], c.get("rule")) not in CONVENTION_CASES
]
GOLDEN_PASSED = 109  # factcheck's count when the golden rules were added (pysbd: 108 of 113)


@pytest.mark.parametrize(
    "case",
    PYSBD_PASSES,
    ids=[f"{c['set']}-{c.get('rule', c.get('issue', i))}" for i, c in enumerate(PYSBD_PASSES)],
)
def test_factcheck_passes_every_golden_rule_plain_pysbd_passes(case: dict) -> None:
    """Test that no public golden-rule case pysbd gets right is one factcheck gets wrong."""
    assert texts(case["text"]) == case["sentences"]


def test_factcheck_passes_at_least_as_many_golden_rules_as_before():
    """Test that the number of golden-rule cases factcheck passes, of all of them, does not fall."""
    passed = sum(texts(c["text"]) == c["sentences"] for c in GOLDEN["cases"])
    assert passed >= GOLDEN_PASSED, f"{passed} of {len(GOLDEN['cases'])} golden-rule cases pass"


def test_pysbd_patterns_are_compiled_once_across_calls():
    """Test that splitting a text again compiles none of pysbd's patterns a second time
    (with plain ``re``, pysbd's 512-pattern cache overflowed and most were recompiled)."""
    text = "Gov. Ana Ruiz met Dr. Lee at 4 p.m. on Jan. 5. The U.S. plan costs $4.5 mi. to the end."
    first = split_sentences(text)
    compiled = sentences._COMPILED_RE.compile.cache_info().misses
    again = split_sentences(text)
    assert sentences._COMPILED_RE.compile.cache_info().misses == compiled
    assert [(s.start, s.end) for s in again] == [(s.start, s.end) for s in first]


def test_pysbd_segments_equal_segmenter_segment():
    """Test that skipping pysbd's own span lookup gives the sentences segment() gives."""
    line = 'He said "Why now?" ! ! ! Then Mr. Lee left at 5 p.m. Monday. "Go," she said. OK.'
    expected = [piece.strip() for piece in sentences._segmenter().segment(line)]
    assert [piece.strip() for piece in sentences._pysbd_segments(line)] == expected
