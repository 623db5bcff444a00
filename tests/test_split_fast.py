"""Tests for the fast route of factcheck.sentences: the scan and its rules decide news lines
without pysbd, and decide them as the pysbd route (pysbd plus the news repairs) does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck import sentences
from factcheck.sentences import split_line, split_sentences

ROOT = Path(__file__).resolve().parents[1]
GOLD = [
    json.loads(line)
    for line in (ROOT / "benchmarks" / "data" / "segmentation.jsonl")
    .read_text("utf-8")
    .splitlines()
]
GOLDEN = json.loads((ROOT / "benchmarks" / "data" / "golden_rules_en.json").read_text("utf-8"))


def _lines(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(line for text in texts for line in text.split("\n") if line.strip()))


NEWS_LINES = [
    "Sen. Jorge Ibarra said the bridge would cost $48.5 million. Nobody objected.",
    '"We cannot wait any longer," said Lt. Col. Sarah Obi. The vote was 7-2.',
    '"Why are we only hearing about this now?" asked Gov. Quist. Nobody answered.',
    "The detour adds approx. 4.5 mi. to the trip. A ferry runs every 20 mins. during rush hour.",
    "The plan passed on Jan. 11. Prices rose 8.3% on Monday. It opens at 4 p.m. Sunday.",
    'Patel called the plan "a failure of planning." Officials could not verify the figure.',
    '"It is a disgrace. We deserve better," Dana Feld told reporters. She moved to the U.K. '
    "Her family stayed.",
]


@pytest.mark.parametrize("line", NEWS_LINES)
def test_news_lines_are_decided_without_pysbd(line: str) -> None:
    """Test that titles, units, dates, times, quotations and attributions leave no piece of
    an ordinary news line to pysbd (the route that made splitting slow)."""
    pieces, unsure = sentences._scan(line)
    assert not any(unsure), [line[a:b] for (a, b), u in zip(pieces, unsure, strict=True) if u]
    assert not sentences._UNDECIDED.search(line)
    assert split_line(line) == sentences._split_line_pysbd(line)


@pytest.mark.parametrize(
    "line", _lines([p["text"] for p in GOLD] + [c["text"] for c in GOLDEN["cases"]])
)
def test_fast_route_splits_every_gold_and_golden_rule_line_as_the_pysbd_route(line: str) -> None:
    """Test that the scan and its rules give exactly the pysbd route's sentences on every line
    of the gold set and of the public golden rules (the accuracy the fast route keeps)."""
    assert split_line(line) == sentences._split_line_pysbd(line)


def test_a_doubled_stop_after_an_abbreviation_ends_the_sentence() -> None:
    """Test that "Canal St.. The" is two sentences, where the pysbd route made a lone "."."""
    line = "It is the end for Canal St.. The detour adds a mile."
    assert [line[a:b] for a, b in split_line(line)] == [
        "It is the end for Canal St..",
        "The detour adds a mile.",
    ]
    assert "." in [line[a:b] for a, b in sentences._split_line_pysbd(line)]


def test_undecided_pieces_go_to_pysbd_and_the_rest_stays_fast() -> None:
    """Test that an ellipsis leaves only its own piece to pysbd, offsets exact."""
    text = "The vote was 7-2. He paused... Then he left. Nobody followed."
    pieces, unsure = sentences._scan(text)
    assert [text[a:b] for (a, b), u in zip(pieces, unsure, strict=True) if u] == [
        "He paused... Then he left."
    ]
    assert [s.text for s in split_sentences(text)] == [
        "The vote was 7-2.",
        "He paused...",
        "Then he left.",
        "Nobody followed.",
    ]


def test_lists_and_unusual_spaces_leave_the_whole_line_to_pysbd() -> None:
    """Test that a numbered list and a separator character keep pysbd's list reading."""
    assert [s.text for s in split_sentences("1. The first item 2. The second item")] == [
        "1. The first item",
        "2. The second item",
    ]
    assert [s.text for s in split_sentences("The council met.\x1c4. Prices rose. 5. Next.")] == [
        "The council met.",
        "4. Prices rose.",
        "5. Next.",
    ]


def test_a_long_sentence_is_still_cut_into_bounded_pieces() -> None:
    """Test that a fast piece longer than max_chars is cut as the pysbd route cut it."""
    line = " ".join(f"word{i} and more words, then" for i in range(400))
    spans = split_line(line, max_chars=200)
    assert len(spans) > 1 and max(b - a for a, b in spans) <= 800
    assert spans == sentences._split_line_pysbd(line, max_chars=200)
