"""Claim memory: the labelled sentences most like a given one, anywhere in the corpus.

Sentences become hashed word 1-2-gram TF-IDF vectors (scikit-learn's ``HashingVectorizer``:
no vocabulary kept in memory, so an index over 1M sentences costs about its non-zero
entries, ~8 bytes each). The index is kept inverted (features x sentences, CSR) in chunks of
``CHUNK`` sentences, so a query touches only the postings of its own words and building
never holds more than one chunk's intermediate matrices. Cosine similarity; exact, not
approximate: ``benchmarks/bench_similar.py`` measures recall@5 and query time up to 1M.

``near_duplicates`` groups sentences that say the same claim in different articles and says
whether their labels agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

CHUNK = 100_000
N_FEATURES = 2**20
COMMON = 0.05
"""Words (and word pairs) in more than this share of the sentences, and in more than
``COMMON_FLOOR`` of them, are left out of the inverted index: they carry little weight but
their postings would make every query touch most sentences. Cosine scores are then a little
lower than exact (by the share those words have in a sentence's vector)."""
COMMON_FLOOR = 1000
MIN_SCORE = 0.3
"""Default lowest cosine similarity shown as a similar sentence (0 = no words in common)."""
SIMILAR_COLUMNS: tuple[str, ...] = (
    "article_id",
    "sentence_id",
    "text",
    "label",
    "note",
    "annotators",
    "score",
)
DUPLICATE_COLUMNS: tuple[str, ...] = (
    "claim",
    "n_sentences",
    "n_articles",
    "labels",
    "labels_agree",
    "article_ids",
    "sentence_ids",
)


def _vectorizer():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=N_FEATURES,
        ngram_range=(1, 2),
        alternate_sign=False,
        norm=None,
        strip_accents="unicode",
        token_pattern=r"(?u)\b\w+\b",  # keep one-character words and digits ("5", "a")
        dtype=np.float32,
    )


def _normalise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ matrix)


class ClaimIndex:
    """Cosine nearest neighbours over sentences, in bounded memory; rows are numbered in order.

    IDF weights come from the texts given first (words never seen get the highest weight);
    ``add`` appends more sentences (e.g. each new label) without rebuilding.
    """

    def __init__(self, texts: Sequence[str], *, chunk: int = CHUNK) -> None:
        self._vectorizer = _vectorizer()
        self._chunk = chunk
        self._inverted: list[sp.csr_matrix] = []  # features x chunk rows, one per chunk
        self._offsets: list[int] = []
        self.size = 0
        df = np.zeros(N_FEATURES, dtype=np.int64)
        counts = []
        for start in range(0, len(texts), chunk):
            counts.append(self._vectorizer.transform(texts[start : start + chunk]))
            df += np.bincount(counts[-1].indices, minlength=N_FEATURES)
        n = max(len(texts), 1)
        self._idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self._indexed = (df <= max(COMMON * n, COMMON_FLOOR)).astype(np.float32)
        for matrix in counts:
            self._append(matrix)
        del counts

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        weighted = counts.copy()
        weighted.data = (1 + np.log(weighted.data)) * self._idf[weighted.indices]  # sublinear tf
        return _normalise(weighted)

    def _append(self, counts: sp.csr_matrix) -> None:
        if counts.shape[0] == 0:
            return
        self._offsets.append(self.size)
        inverted = sp.csr_matrix(sp.diags(self._indexed) @ self._weigh(counts).T)
        inverted.eliminate_zeros()
        self._inverted.append(inverted)
        self.size += counts.shape[0]

    def add(self, texts: Sequence[str]) -> None:
        """Index more sentences; they get the next row numbers."""
        for start in range(0, len(texts), self._chunk):
            self._append(self._vectorizer.transform(texts[start : start + self._chunk]))

    def vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Unit-length TF-IDF rows for ``texts``, in the index's weighting."""
        return self._weigh(self._vectorizer.transform(list(texts)))

    def query(
        self, texts: Sequence[str], *, k: int = 5, min_score: float = 0.0
    ) -> list[list[tuple[int, float]]]:
        """For each text, up to ``k`` (row, cosine) pairs, best first, score >= ``min_score``."""
        queries = self.vectors(texts)
        found: list[list[tuple[int, float]]] = [[] for _ in texts]
        for offset, inverted in zip(self._offsets, self._inverted, strict=True):
            scores = (queries @ inverted).tocsr()  # queries x chunk rows, sparse
            keep = scores.data >= max(min_score, 1e-9)
            for q in range(scores.shape[0]):
                start, end = scores.indptr[q], scores.indptr[q + 1]
                take = keep[start:end]
                values, columns = scores.data[start:end][take], scores.indices[start:end][take]
                if not len(values):
                    continue
                if len(values) > k:
                    best = np.argpartition(-values, k - 1)[:k]
                    values, columns = values[best], columns[best]
                found[q].extend(zip((columns + offset).tolist(), values.tolist(), strict=True))
        return [sorted(pairs, key=lambda p: (-p[1], p[0]))[:k] for pairs in found]


@dataclass(frozen=True)
class _Entry:
    article_id: str
    sentence_id: str
    text: str
    label: str
    note: str
    annotators: str


def labelled_sentences(df: pd.DataFrame) -> list[_Entry]:
    """One entry per labelled sentence of a ``read_annotations`` frame (most common label)."""
    entries = []
    if df.empty:
        return entries
    frame = df[df["label"] != ""]
    for (article_id, sentence_id), group in frame.groupby(["article_id", "sentence_id"], sort=True):
        counts = Counter(group["label"])
        top = max(counts.values())
        label = min(name for name, n in counts.items() if n == top)
        note = next((str(n) for n in group["note"] if str(n).strip()), "")
        annotators = ", ".join(sorted(set(group["annotator"])))
        text = str(group["text"].iloc[-1])
        entries.append(_Entry(str(article_id), str(sentence_id), text, label, note, annotators))
    return entries


class ClaimMemory:
    """The labelled sentences of a corpus, searchable by similarity (what a view keeps).

    Build it once from ``read_annotations(...)``; call ``remember`` after each new label so
    the next query sees it; ``similar`` answers for one sentence, leaving that sentence out.
    """

    def __init__(self, labelled: pd.DataFrame) -> None:
        self._entries = labelled_sentences(labelled)
        self._index = ClaimIndex([e.text for e in self._entries])
        self._rows: dict[str, int] = {e.sentence_id: i for i, e in enumerate(self._entries)}

    def __len__(self) -> int:
        return len(self._entries)

    def remember(
        self,
        article_id: str,
        sentence_id: str,
        text: str,
        label: str,
        note: str = "",
        annotator: str = "",
    ) -> None:
        """Add (or update) one labelled sentence."""
        entry = _Entry(article_id, sentence_id, text, label, note, annotator)
        row = self._rows.get(sentence_id)
        if row is not None and self._entries[row].text == text:
            self._entries[row] = entry  # same text: the vector is unchanged
            return
        self._rows[sentence_id] = len(self._entries)
        self._entries.append(entry)
        self._index.add([text])

    def similar(
        self, text: str, *, k: int = 5, min_score: float = MIN_SCORE, exclude: str = ""
    ) -> pd.DataFrame:
        """Up to ``k`` labelled sentences most like ``text`` (``SIMILAR_COLUMNS``), best first.

        ``exclude`` is a sentence id left out (the sentence being labelled); rows replaced by
        a later ``remember`` of the same sentence are left out too.
        """
        (pairs,) = self._index.query([text], k=k + 8, min_score=min_score)
        rows = []
        for row, score in pairs:
            entry = self._entries[row]
            if entry.sentence_id == exclude or self._rows.get(entry.sentence_id) != row:
                continue
            rows.append({**entry.__dict__, "score": round(score, 4)})
            if len(rows) == k:
                break
        return pd.DataFrame(rows, columns=list(SIMILAR_COLUMNS))


def similar_sentences(
    text: str,
    labelled: pd.DataFrame,
    *,
    k: int = 5,
    min_score: float = MIN_SCORE,
    exclude: str = "",
) -> pd.DataFrame:
    """The ``k`` labelled sentences (of a ``read_annotations`` frame) most similar to ``text``.

    Columns ``SIMILAR_COLUMNS``: where each is, its label (the most common if annotators
    differ), the first note (the evidence URL), who labelled it and the cosine ``score``.
    Builds the index each call: for repeated queries keep a ``ClaimMemory``.
    """
    return ClaimMemory(labelled).similar(text, k=k, min_score=min_score, exclude=exclude)


def near_duplicates(
    sentences: pd.DataFrame, *, threshold: float = 0.8, k: int = 20
) -> pd.DataFrame:
    """Claims that appear in more than one article: one row per group, most articles first.

    ``sentences`` has ``article_id``, ``sentence_id``, ``text`` and optionally ``label``
    (a ``read_annotations`` frame or a table of all sentences; '' = unlabelled). Groups are
    formed in order, leader style: a sentence joins the group of the most similar earlier
    group leader among its ``k`` nearest neighbours if their cosine is at least
    ``threshold``, else it leads a new group. Every member is thus close to its group's
    ``claim`` (the leader's text): similar sentences never chain into one giant group.
    ``labels`` counts the labels given in the group; ``labels_agree`` is True/False, or None
    when fewer than two of its sentences are labelled.
    """
    frame = sentences.drop_duplicates(["article_id", "sentence_id"]).reset_index(drop=True)
    if "label" not in frame.columns:
        frame = frame.assign(label="")
    texts = frame["text"].astype(str).tolist()
    index = ClaimIndex(texts)
    leader = np.arange(len(texts))
    for start in range(0, len(texts), 1000):
        batch = texts[start : start + 1000]
        for q, pairs in enumerate(index.query(batch, k=k, min_score=threshold)):
            i = start + q
            earlier = [row for row, _ in pairs if row < i and leader[row] == row]
            if earlier:
                leader[i] = earlier[0]  # pairs come best first
    rows = []
    for _, members in pd.Series(range(len(texts))).groupby(leader, sort=True):
        group = frame.iloc[members.to_numpy()]
        n_articles = group["article_id"].nunique()
        if n_articles < 2:
            continue
        labels = Counter(label for label in group["label"].astype(str) if label)
        rows.append(
            {
                "claim": str(group["text"].iloc[0]),
                "n_sentences": len(group),
                "n_articles": n_articles,
                "labels": ", ".join(f"{name}: {n}" for name, n in sorted(labels.items())),
                "labels_agree": (len(labels) == 1) if sum(labels.values()) >= 2 else None,
                "article_ids": ", ".join(sorted(set(group["article_id"].astype(str)))),
                "sentence_ids": ", ".join(group["sentence_id"].astype(str)),
            }
        )
    table = pd.DataFrame(rows, columns=list(DUPLICATE_COLUMNS))
    order = ["n_articles", "n_sentences"]
    return table.sort_values(order, ascending=False, kind="stable").reset_index(drop=True)
