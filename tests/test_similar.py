"""Claim memory: similar labelled sentences anywhere in the corpus, and near-duplicate claims."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import factcheck
from factcheck.log import AnnotationLog
from factcheck.similar import (
    DUPLICATE_COLUMNS,
    SIMILAR_COLUMNS,
    ClaimIndex,
    ClaimMemory,
    near_duplicates,
    similar_sentences,
)

BRIDGE = "The council approved a 4.2 million budget for the Riverside bridge on Tuesday."
BRIDGE_AGAIN = "The council approved a 4.2 million budget for the Riverside bridge, officials said."
OTHER = [
    "Residents called the decision to close the library a disgrace.",
    "Posts shared online claim the tram extension was cancelled.",
    "The hospital's new wing opened in March with 120 beds.",
    "Bus fares rose by 6 per cent in April, the operator's tariff table shows.",
]


def write_article(folder: Path, name: str, sentences: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")


@pytest.fixture
def labelled(tmp_path: Path) -> pd.DataFrame:
    """A read_annotations frame: the bridge claim in two articles, ana and ben, with notes."""
    articles = tmp_path / "articles"
    write_article(articles, "budget", [BRIDGE, *OTHER[:2]])
    write_article(articles, "roundup", [BRIDGE_AGAIN, *OTHER[2:]])
    logs = tmp_path / "annotations"
    ana = AnnotationLog(annotator="ana", folder=logs)
    ben = AnnotationLog(annotator="ben", folder=logs)
    for article in factcheck.load_articles(articles):
        for sentence in article.sentences:
            text = sentence.text.strip()
            if text == BRIDGE:
                ana.record(sentence, "verified", "https://example.org/minutes-2026-03")
            elif text == BRIDGE_AGAIN:
                ben.record(sentence, "unconfirmed")
            elif text.startswith("Residents"):
                ana.record(sentence, "opinion")
            elif text.startswith("Bus fares"):
                ben.record(sentence, "verified", "tariff table")
    return factcheck.read_annotations(logs)


def test_similar_sentences_finds_the_same_claim_in_another_article_with_its_note(labelled):
    """Test that the bridge claim reworded finds the labelled one first, with label and note."""
    found = similar_sentences(
        "Councillors approved a 4.2 million Riverside bridge budget.", labelled
    )
    assert list(found.columns) == list(SIMILAR_COLUMNS)
    top = found.iloc[0]
    assert top["article_id"] in ("budget", "roundup")
    assert {found.iloc[0]["article_id"], found.iloc[1]["article_id"]} == {"budget", "roundup"}
    budget = found[found["article_id"] == "budget"].iloc[0]
    assert (budget["label"], budget["note"], budget["annotators"]) == (
        "verified",
        "https://example.org/minutes-2026-03",
        "ana",
    )
    assert found["score"].is_monotonic_decreasing
    assert "library" not in " ".join(found["text"])  # below the minimum score


def test_the_sentence_being_labelled_is_left_out_of_its_own_claim_memory(labelled):
    """Test that exclude= drops the focused sentence, so it never shows itself as similar."""
    own = labelled[labelled["article_id"] == "budget"]["sentence_id"].iloc[0]
    found = similar_sentences(BRIDGE, labelled, exclude=own)
    assert own not in set(found["sentence_id"])
    assert found.iloc[0]["article_id"] == "roundup"


def test_claim_memory_remembers_a_new_label_for_the_next_query(labelled):
    """Test that remember() makes a new label findable without rebuilding, and updates in place."""
    memory = ClaimMemory(labelled)
    query = "The wind farm near Dunmore will double its turbines next year."
    assert memory.similar(query).empty
    memory.remember(
        "energy", "energy-0000", "The Dunmore wind farm will double its turbines.", "unconfirmed"
    )
    assert memory.similar(query)["sentence_id"].tolist() == ["energy-0000"]
    memory.remember(
        "energy", "energy-0000", "The Dunmore wind farm will double its turbines.", "opinion"
    )
    assert memory.similar(query)["label"].tolist() == ["opinion"]
    assert len(memory) == len(labelled) + 1


def test_an_empty_log_gives_an_empty_claim_memory(tmp_path):
    """Test that no labels yet means no similar sentences, not an error."""
    empty = pd.DataFrame(
        columns=["article_id", "sentence_id", "text", "label", "note", "annotator"]
    )
    assert similar_sentences(BRIDGE, empty).empty


def test_index_query_returns_best_first_and_respects_k_and_min_score():
    """Test ClaimIndex directly: exact match first, at most k, none below min_score."""
    texts = [BRIDGE, BRIDGE_AGAIN, *OTHER]
    index = ClaimIndex(texts, chunk=2)  # several chunks: results merge across them
    (pairs,) = index.query([BRIDGE], k=2)
    assert [row for row, _ in pairs] == [0, 1]
    assert pairs[0][1] == pytest.approx(1.0, abs=1e-5)
    (none,) = index.query(["zzz qqq"], k=5, min_score=0.1)
    assert none == []
    index.add([OTHER[0].upper()])  # case-folded: the same sentence
    (pairs,) = index.query([OTHER[0]], k=2)
    assert sorted(row for row, _ in pairs) == [2, 6]


def test_near_duplicates_table_counts_articles_and_flags_disagreeing_labels(labelled):
    """Test that the bridge claim in two articles is one group whose labels disagree."""
    assert near_duplicates(labelled).empty  # reworded more than the default 0.8 allows
    table = near_duplicates(labelled, threshold=0.6)
    assert list(table.columns) == list(DUPLICATE_COLUMNS)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["n_sentences"], row["n_articles"]) == (2, 2)
    assert row["labels"] == "unconfirmed: 1, verified: 1"
    assert table["labels_agree"].tolist() == [False]
    assert row["article_ids"] == "budget, roundup"


def test_near_duplicates_of_unlabelled_sentences_have_no_agreement_verdict():
    """Test that a group with fewer than two labels has labels_agree None, and one-article groups are left out."""
    frame = pd.DataFrame(
        {
            "article_id": ["a", "b", "c", "c"],
            "sentence_id": ["a-0", "b-0", "c-0", "c-1"],
            "text": [BRIDGE, BRIDGE, OTHER[0], OTHER[0]],
        }
    )
    table = near_duplicates(frame)
    assert table["claim"].tolist() == [BRIDGE]
    assert table["labels_agree"].tolist() == [None]


def reworded_corpus(count: int, seed: int = 7) -> list[str]:
    """Sentences from varied word pools, a third of them reworded copies of earlier ones."""
    import random

    rng = random.Random(seed)
    who = ["The council", "A spokesperson", "The ministry", "Police", "The operator", "Ana Ruiz"]
    did = ["approved", "denied", "confirmed", "questioned", "delayed", "published"]
    what = ["the bridge budget", "a tram extension", "new bus routes", "the library closure"]
    when = ["on Tuesday", "in March", "last year", "after the vote", "", "according to records"]
    texts: list[str] = []
    for n in range(count):
        if texts and rng.random() < 0.33:
            words = rng.choice(texts).split()
            words[rng.randrange(len(words))] = rng.choice(["reportedly", "again", str(n)])
            texts.append(" ".join(words))
        else:
            parts = [rng.choice(who), rng.choice(did), rng.choice(what), rng.choice(when)]
            texts.append(" ".join(p for p in parts if p) + f" ({rng.randrange(1000)}).")
    return texts


@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.95])
def test_similar_pairs_finds_exactly_the_pairs_a_full_comparison_finds(threshold):
    """Test that the prefix-filtering blocking misses no pair at or above the threshold and
    scores each exactly: the same pairs and cosines as comparing every sentence with all."""
    from factcheck.similar import similar_pairs, tfidf_rows

    rows = tfidf_rows(reworded_corpus(700))
    full = (rows @ rows.T).toarray()
    want = {(i, j) for i, j in zip(*np.nonzero(full >= threshold), strict=True) if j < i}
    got: dict[tuple[int, int], float] = {}
    for i, j, scores in similar_pairs(rows, threshold, block=128):
        got.update(
            {(a, b): s for a, b, s in zip(i.tolist(), j.tolist(), scores.tolist(), strict=True)}
        )
    assert len(want) >= 5
    assert set(got) == want
    assert all(abs(score - full[pair]) < 1e-4 for pair, score in got.items())


def test_adding_sentences_one_by_one_answers_as_adding_them_at_once():
    """Test that sentences added a label at a time (kept in the tail, then folded into the
    index) are found exactly as when added in one batch."""
    from factcheck.similar import TAIL

    base = reworded_corpus(300, seed=1)
    more = reworded_corpus(TAIL + 50, seed=2)
    single, batch = ClaimIndex(base), ClaimIndex(base)
    for text in more:
        single.add([text])
    batch.add(more)
    assert single.size == batch.size == len(base) + len(more)
    queries = [more[0], more[TAIL + 10], base[5], "the council approved the bridge budget"]
    for got, want in zip(single.query(queries, k=5), batch.query(queries, k=5), strict=True):
        assert [row for row, _ in got] == [row for row, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-5)


def test_minhash_blocking_finds_nearly_every_close_pair_and_scores_it_exactly():
    """Test that MinHash LSH candidates, scored exactly, recover at least 95% of the pairs a
    full comparison finds at cosine 0.8 (and no pair below it), each pair once, j < i."""
    from factcheck.similar import minhash_pairs, scored_pairs, tfidf_rows

    rows = tfidf_rows(reworded_corpus(700))
    full = (rows @ rows.T).toarray()
    want = {(i, j) for i, j in zip(*np.nonzero(full >= 0.8), strict=True) if j < i}
    i, j = minhash_pairs(rows)
    assert (j < i).all() and len({*zip(i.tolist(), j.tolist(), strict=True)}) == len(i)
    got = {}
    for a, b, scores in scored_pairs(rows, i, j, 0.8, batch=7):
        got.update(
            {(x, y): s for x, y, s in zip(a.tolist(), b.tolist(), scores.tolist(), strict=True)}
        )
    assert set(got) <= want and len(got) >= 0.95 * len(want)
    assert all(abs(score - full[pair]) < 1e-4 for pair, score in got.items())
    assert len(i) < 700 * 699 / 2 / 20  # a small share of all pairs is ever scored


def test_minhash_buckets_of_identical_sentences_pair_each_with_a_window_only():
    """Test that 500 copies of one sentence give at most LSH_WINDOW pairs each (no bucket is
    quadratic), and near_duplicates still puts them all in one group."""
    from factcheck.similar import LSH_WINDOW, minhash_pairs, tfidf_rows

    texts = [BRIDGE] * 500 + OTHER
    i, _ = minhash_pairs(tfidf_rows(texts))
    assert len(i) <= 500 * LSH_WINDOW
    frame = pd.DataFrame(
        {
            "article_id": [f"a{n}" for n in range(len(texts))],
            "sentence_id": [f"a{n}-0" for n in range(len(texts))],
            "text": texts,
        }
    )
    for blocking in ("minhash", "exact"):
        table = near_duplicates(frame, blocking=blocking)
        assert table["n_sentences"].tolist() == [500], blocking


def test_top_k_breaks_ties_at_the_kth_place_by_the_earliest_row():
    """Test that the k best scores are kept and equal scores at the boundary go to the
    lowest rows, whatever the order the entries come in."""
    from factcheck.similar import _top_k

    values = np.array([0.5, 0.9, 0.5, 0.7, 0.5, 0.2], dtype=np.float32)
    columns = np.array([40, 3, 7, 9, 1, 0])
    for perm in (np.arange(6), np.array([5, 4, 3, 2, 1, 0]), np.array([2, 0, 4, 1, 5, 3])):
        picked = _top_k(values[perm], columns[perm], 4)
        assert sorted(columns[perm][picked].tolist()) == [1, 3, 7, 9]
