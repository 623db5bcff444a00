"""Tests for factcheck.agreement, checked against sklearn, statsmodels and krippendorff."""

from __future__ import annotations

import krippendorff  # GPL-3: reference implementation, used in tests only
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from factcheck.agreement import AGREEMENT_COLUMNS, ALL, agreement, sentence_agreement
from factcheck.errors import InputError, SchemeError

LABELS = ("verified", "unconfirmed", "opinion")
COLUMNS = (
    "schema", "timestamp", "annotator", "article_id", "sentence_id", "sentence_index",
    "start", "end", "label", "note", "action", "scheme", "source", "text",
)  # fmt: skip


def frame(matrix: np.ndarray, labels: tuple[str, ...] = LABELS) -> pd.DataFrame:
    """The read_annotations table for a sentences x annotators code matrix (-1 = unlabelled)."""
    rows = []
    for i, codes in enumerate(matrix):
        for j, code in enumerate(codes):
            if code < 0:
                continue
            text = f"Sentence number {i} of the fictional council report."
            rows.append(
                {
                    "schema": "factcheck-log/1",
                    "timestamp": pd.Timestamp("2026-11-24T10:00:00Z") + pd.Timedelta(seconds=i),
                    "annotator": f"ann{j}",
                    "article_id": f"art{i // 10}",
                    "sentence_id": f"art{i // 10}-{i % 10:04d}",
                    "sentence_index": i % 10,
                    "start": 0,
                    "end": len(text),
                    "label": labels[code],
                    "note": "",
                    "action": "label",
                    "scheme": "default@1",
                    "source": "",
                    "text": text,
                }
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def row(table: pd.DataFrame, measure: str, label: str = ALL, a: str = ALL, b: str = ALL):
    """The single table row for a measure, label and annotator pair."""
    hit = table[
        (table["measure"] == measure)
        & (table["label"] == label)
        & (table["annotator_a"] == a)
        & (table["annotator_b"] == b)
    ]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def noisy_matrix(seed: int, n: int = 120, raters: int = 4, missing: float = 0.2) -> np.ndarray:
    """Labels that mostly follow a hidden truth, some missing: realistic agreement data."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    codes = np.where(rng.random((n, raters)) < 0.7, truth[:, None], rng.integers(0, 3, (n, raters)))
    return np.where(rng.random((n, raters)) < missing, -1, codes)


@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_matches_sklearn_on_shared_sentences(seed):
    """Test that each pair's Cohen's kappa equals sklearn's on the sentences both labelled."""
    matrix = noisy_matrix(seed)
    table = agreement(frame(matrix), n_boot=0)
    for a, b in [(0, 1), (0, 3), (2, 3)]:
        both = (matrix[:, a] >= 0) & (matrix[:, b] >= 0)
        got = row(table, "cohen_kappa", a=f"ann{a}", b=f"ann{b}")
        assert got["value"] == pytest.approx(cohen_kappa_score(matrix[both, a], matrix[both, b]))
        assert got["n_items"] == both.sum()
        assert got["n_annotators"] == 2
        po = row(table, "percent_agreement", a=f"ann{a}", b=f"ann{b}")["value"]
        assert po == pytest.approx(np.mean(matrix[both, a] == matrix[both, b]))


@pytest.mark.parametrize("seed", range(5))
def test_krippendorff_alpha_matches_reference_with_missing_labels(seed):
    """Test that nominal alpha equals the krippendorff package's, with missing labels."""
    matrix = noisy_matrix(seed, missing=0.35)
    reliability = np.where(matrix >= 0, matrix, np.nan).T
    expected = krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    got = row(agreement(frame(matrix), n_boot=0), "krippendorff_alpha")
    assert got["value"] == pytest.approx(expected)
    assert got["n_items"] == ((matrix >= 0).sum(axis=1) >= 2).sum()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=-1, max_value=2), min_size=3, max_size=3),
        min_size=2,
        max_size=25,
    )
)
def test_alpha_matches_reference_on_any_data(rows):
    """Test that alpha equals the reference on arbitrary small data, or both are undefined."""
    matrix = np.array(rows)
    pairable = (matrix >= 0).sum(axis=1) >= 2
    values = set(matrix[pairable][matrix[pairable] >= 0].tolist())
    got = row(agreement(frame(matrix), n_boot=0), "krippendorff_alpha")
    if len(values) < 2:
        assert np.isnan(got["value"]) and got["note"].startswith("undefined:")
        return
    reliability = np.where(matrix >= 0, matrix, np.nan).T
    expected = krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    assert got["value"] == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(3))
def test_fleiss_kappa_matches_statsmodels_on_complete_data(seed):
    """Test that Fleiss' kappa equals statsmodels' when every sentence has every annotator."""
    matrix = noisy_matrix(seed, raters=5, missing=0.0)
    table, _ = aggregate_raters(matrix, n_cat=3)
    got = row(agreement(frame(matrix), n_boot=0), "fleiss_kappa")
    assert got["value"] == pytest.approx(fleiss_kappa(table, method="fleiss"))
    assert got["n_items"] == len(matrix)
    assert got["n_annotators"] == 5


def test_fleiss_kappa_uses_sentences_with_the_modal_number_of_annotators():
    """Test that Fleiss' kappa is computed on the most common rater count and says so."""
    matrix = noisy_matrix(7, n=200, raters=4, missing=0.15)
    per_item = (matrix >= 0).sum(axis=1)
    modal = np.bincount(per_item[per_item >= 2]).argmax()
    subset = matrix[per_item == modal]
    counts = np.stack([(subset == k).sum(axis=1) for k in range(3)], axis=1)
    got = row(agreement(frame(matrix), n_boot=0), "fleiss_kappa")
    assert got["value"] == pytest.approx(fleiss_kappa(counts, method="fleiss"))
    assert got["n_items"] == len(subset)
    assert f"labelled by {modal} annotators each" in got["note"]
    assert f"{(per_item >= 2).sum() - len(subset)} sentences with another number" in got["note"]


def gwet_ac1_two_raters(a: np.ndarray, b: np.ndarray, q: int) -> float:
    """Gwet's AC1 for two raters, written from the textbook formula (Gwet 2008, eq. 5)."""
    po = np.mean(a == b)
    pi = np.array([(np.mean(a == k) + np.mean(b == k)) / 2 for k in range(q)])
    pe = np.sum(pi * (1 - pi)) / (q - 1)
    return (po - pe) / (1 - pe)


def test_gwet_ac1_resolves_the_kappa_paradox():
    """Test that with one dominant label kappa is near zero, AC1 high, and the note says why."""
    # Gwet's classic table: 118 agree on "verified", 5 + 2 disagreements, 0 agree on the other.
    pairs = [(0, 0)] * 118 + [(0, 1)] * 5 + [(1, 0)] * 2
    matrix = np.array(pairs)
    two = ("verified", "unconfirmed")
    table = agreement(frame(matrix, labels=two), labels=two, n_boot=0)
    kappa = row(table, "cohen_kappa", a="ann0", b="ann1")
    ac1 = row(table, "gwet_ac1", a="ann0", b="ann1")
    assert kappa["value"] == pytest.approx(cohen_kappa_score(matrix[:, 0], matrix[:, 1]))
    assert kappa["value"] < 0.05
    assert ac1["value"] == pytest.approx(gwet_ac1_two_raters(matrix[:, 0], matrix[:, 1], 2))
    assert ac1["value"] > 0.9
    assert "kappa paradox" in kappa["note"]
    assert row(table, "percent_agreement")["value"] == pytest.approx(118 / 125)


def test_multi_rater_ac1_equals_pairwise_ac1_for_two_complete_raters():
    """Test that the many-annotator AC1 reduces to the two-rater formula with two raters."""
    matrix = noisy_matrix(3, raters=2, missing=0.0)
    table = agreement(frame(matrix), n_boot=0)
    expected = gwet_ac1_two_raters(matrix[:, 0], matrix[:, 1], 3)
    assert row(table, "gwet_ac1")["value"] == pytest.approx(expected)
    assert row(table, "gwet_ac1", a="ann0", b="ann1")["value"] == pytest.approx(expected)


def test_ac1_counts_scheme_labels_nobody_used():
    """Test that AC1 uses the number of categories in ``labels``, used or not."""
    matrix = noisy_matrix(4, raters=2, missing=0.0)
    matrix = np.where(matrix == 2, 1, matrix)  # nobody uses "opinion"
    two = agreement(frame(matrix), labels=("verified", "unconfirmed"), n_boot=0)
    three = agreement(frame(matrix), labels=LABELS, n_boot=0)
    assert row(two, "gwet_ac1")["value"] == pytest.approx(
        gwet_ac1_two_raters(matrix[:, 0], matrix[:, 1], 2)
    )
    assert row(three, "gwet_ac1")["value"] == pytest.approx(
        gwet_ac1_two_raters(matrix[:, 0], matrix[:, 1], 3)
    )


def test_per_label_percent_agreement_is_specific_agreement():
    """Test that a label's percent agreement is agreeing pairs among pairs that used it."""
    matrix = np.array([[0, 0, 0], [0, 0, 1], [1, 1, 2], [2, 2, 2]])
    table = agreement(frame(matrix), n_boot=0)
    # verified: sentence 0 has 3*2 agreeing ordered pairs, sentence 1 has 2*1, out of
    # (3*2) + (2*2) ordered pairs that start from a "verified" label; opinion: sentence 2
    # has 0 of 1*2, sentence 3 has 3*2 of 3*2.
    assert row(table, "percent_agreement", label="verified")["value"] == pytest.approx(8 / 10)
    assert row(table, "percent_agreement", label="opinion")["value"] == pytest.approx(
        (0 + 6) / (2 + 6)
    )
    overall = np.mean([1, 1 / 3, 1 / 3, 1])
    assert row(table, "percent_agreement")["value"] == pytest.approx(overall)


def test_one_annotator_gives_undefined_figures_with_reasons():
    """Test that a single annotator yields NaN values with 'undefined: only one annotator'."""
    table = agreement(frame(np.array([[0], [1], [2]])))
    assert list(table.columns) == list(AGREEMENT_COLUMNS)
    assert (table["annotator_a"] == ALL).all()  # no pairs
    overall = table[table["label"] == ALL]
    assert overall["value"].isna().all()
    assert overall["note"].str.startswith("undefined: only one annotator (ann0)").all()
    assert overall["ci_low"].isna().all()


def test_everyone_using_one_label_leaves_kappa_undefined_but_agreement_perfect():
    """Test that one label for all gives undefined kappa/alpha, 100% agreement and AC1 of 1."""
    table = agreement(frame(np.zeros((6, 3), dtype=int)))
    for measure in ("krippendorff_alpha", "fleiss_kappa"):
        got = row(table, measure)
        assert np.isnan(got["value"])
        assert got["note"].startswith("undefined: every label given was 'verified'")
    kappa = row(table, "cohen_kappa", a="ann0", b="ann2")
    assert np.isnan(kappa["value"]) and "every label given was 'verified'" in kappa["note"]
    assert row(table, "percent_agreement")["value"] == 1.0
    assert row(table, "gwet_ac1")["value"] == 1.0


def test_sentences_labelled_by_one_annotator_are_left_out():
    """Test that singly-labelled sentences do not count towards agreement figures."""
    matrix = noisy_matrix(5, n=60, raters=3, missing=0.0)
    single = np.array([[0, -1, -1], [-1, 2, -1], [-1, -1, 1]] * 10)
    table = agreement(frame(np.vstack([matrix, single])), n_boot=0)
    base = agreement(frame(matrix), n_boot=0)
    for measure in ("percent_agreement", "krippendorff_alpha", "fleiss_kappa"):
        assert row(table, measure)["value"] == pytest.approx(row(base, measure)["value"])
        assert row(table, measure)["n_items"] == 60


def test_pair_without_shared_sentences_is_undefined():
    """Test that two annotators who share no sentence get an 'undefined' pair row."""
    matrix = np.array([[0, 0, -1], [1, 1, -1], [-1, 2, 2], [-1, 0, 1]])
    got = row(agreement(frame(matrix), n_boot=0), "cohen_kappa", a="ann0", b="ann2")
    assert np.isnan(got["value"]) and got["n_items"] == 0
    assert got["note"] == "undefined: ann0 and ann2 labelled no sentence in common"


def test_no_value_is_a_bare_nan():
    """Test that every NaN value in a range of awkward inputs comes with an 'undefined:' note."""
    inputs = [
        np.array([[0], [1]]),
        np.zeros((4, 2), dtype=int),
        np.array([[0, -1], [-1, 1]]),
        np.array([[0, 1, -1], [1, 0, -1], [-1, -1, 2]]),
        noisy_matrix(1, n=30),
    ]
    for matrix in inputs:
        table = agreement(frame(matrix), n_boot=50)
        missing = table[table["value"].isna()]
        assert missing["note"].str.startswith("undefined: ").all(), missing


def test_bootstrap_interval_brackets_the_value_and_is_reproducible():
    """Test that CIs contain the estimate, narrow with more data and repeat with the seed."""
    small = agreement(frame(noisy_matrix(2, n=60)), n_boot=300, seed=1)
    again = agreement(frame(noisy_matrix(2, n=60)), n_boot=300, seed=1)
    large = agreement(frame(noisy_matrix(2, n=2000)), n_boot=300, seed=1)
    pd.testing.assert_frame_equal(small, again)
    defined = small.dropna(subset=["value"])
    assert (defined["ci_low"] <= defined["value"] + 1e-9).all()
    assert (defined["value"] <= defined["ci_high"] + 1e-9).all()
    alpha_small, alpha_large = row(small, "krippendorff_alpha"), row(large, "krippendorff_alpha")
    width_small = alpha_small["ci_high"] - alpha_small["ci_low"]
    assert alpha_large["ci_high"] - alpha_large["ci_low"] < width_small / 3


def test_bootstrap_of_patterns_matches_resampling_rows():
    """Test that the pooled-pattern bootstrap gives the same spread as resampling sentences."""
    matrix = noisy_matrix(8, n=150)
    table = agreement(frame(matrix), n_boot=2000, seed=3)
    rng = np.random.default_rng(0)
    naive = []
    for _ in range(400):
        sample = matrix[rng.integers(0, len(matrix), len(matrix))]
        reliability = np.where(sample >= 0, sample, np.nan).T
        naive.append(
            krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
        )
    got = row(table, "krippendorff_alpha")
    low, high = np.quantile(naive, [0.025, 0.975])
    assert got["ci_low"] == pytest.approx(low, abs=0.03)
    assert got["ci_high"] == pytest.approx(high, abs=0.03)


def test_agreement_leaves_the_input_unchanged():
    """Test that agreement() does not modify the DataFrame it is given."""
    df = frame(noisy_matrix(0))
    before = df.copy(deep=True)
    agreement(df, n_boot=20)
    sentence_agreement(df)
    pd.testing.assert_frame_equal(df, before)


def test_history_table_is_rejected_with_advice():
    """Test that two labels by one annotator for one sentence raise an error saying what to do."""
    df = frame(np.array([[0, 1], [1, 1]]))
    df = pd.concat([df, df.iloc[[0]].assign(label="opinion")], ignore_index=True)
    with pytest.raises(InputError, match=r"ann0.*more than one label.*history=True"):
        agreement(df)


def test_labels_argument_must_cover_the_labels_used():
    """Test that a label outside ``labels`` raises SchemeError naming it."""
    with pytest.raises(SchemeError, match=r"'opinion' not in labels"):
        agreement(frame(np.array([[0, 2], [1, 1]])), labels=("verified", "unconfirmed"))


def test_empty_table_gives_undefined_rows():
    """Test that an empty annotation table gives rows saying there are no labels."""
    table = agreement(frame(np.zeros((0, 2), dtype=int)))
    assert table["value"].isna().all()
    assert (table["note"].str.startswith("undefined: ")).all()


def test_sentence_agreement_reports_majority_ties_and_entropy():
    """Test the per-sentence table: majority label and share, ties, entropy and votes."""
    matrix = np.array([[0, 0, 0, -1], [2, 2, 1, -1], [0, 1, 0, 1], [2, -1, -1, -1]])
    sa = sentence_agreement(frame(matrix))
    assert sa["majority_label"].tolist() == ["verified", "opinion", "verified", "opinion"]
    assert sa["majority_share"].tolist() == pytest.approx([1, 2 / 3, 0.5, 1])
    assert sa["tie"].tolist() == [False, False, True, False]
    assert sa["entropy"].tolist() == pytest.approx([0, 0.9182958, 1.0, 0])
    assert sa["votes"].tolist() == ["verified 3", "opinion 2, unconfirmed 1",
                                    "verified 2, unconfirmed 2", "opinion 1"]  # fmt: skip
    assert sa["n_annotators"].tolist() == [3, 3, 4, 1]
