"""Claim memory: the labelled sentences most like a given one, anywhere in the corpus.

Sentences become hashed word 1-2-gram TF-IDF vectors (scikit-learn's ``HashingVectorizer``:
no vocabulary kept in memory, so an index over 1M sentences costs about its non-zero
entries, ~8 bytes each). The index is kept inverted (features x sentences, CSR) in chunks of
``CHUNK`` sentences, so a query touches only the postings of its own words and building
never holds more than one chunk's intermediate matrices. Sentences added later (each new
label) wait in a small row-major tail that queries scan directly, and join the inverted
index ``TAIL`` at a time: adding one costs about its own non-zeros, not a 2^20-row
transpose. Cosine similarity; exact, not approximate: ``benchmarks/bench_similar.py``
measures recall@5, query and add time up to 1M.

``near_duplicates`` groups sentences that say the same claim in different articles and says
whether their labels agree. Comparing every sentence with every other is out of reach at 1M,
so a blocking step proposes candidate pairs and only those are scored (exact cosine):

- ``minhash`` (the default above ``EXACT_MAX`` sentences): MinHash LSH over each
  sentence's set of hashed words and word pairs, ``LSH_BANDS`` bands of ``LSH_ROWS``
  hashes, vectorised with numpy. Sentences whose word sets overlap by Jaccard 0.7 share a
  band 99.6% of the time, 0.5: 72%, 0.3: 15%.
  Memory is one 8-byte key per sentence and band; a bucket of many identical sentences
  pairs each only with its ``LSH_WINDOW`` predecessors, so no bucket is quadratic.
- ``exact``: prefix filtering (all-pairs similarity search, Bayardo et al. 2007): misses
  no pair, but on templated text the candidates grow with the square of the corpus.

``benchmarks/bench_similar.py`` measures both (recall of ``minhash`` against ``exact``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

CHUNK = 100_000
TAIL = 4096
"""Sentences added one by one (``ClaimIndex.add``) kept row-major before joining the index."""
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


def _top_k(values: np.ndarray, columns: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest ``values``, ties at the k-th value going to the lowest
    ``columns`` (rows): linear time, deterministic whatever the order of the entries."""
    kth = np.partition(values, len(values) - k)[len(values) - k]
    above = np.flatnonzero(values > kth)
    tied = np.flatnonzero(values == kth)
    return np.concatenate([above, tied[np.argsort(columns[tied], kind="stable")][: k - len(above)]])


def _counts(
    texts: Sequence[str], vectorizer: Any, chunk: int
) -> tuple[list[sp.csr_matrix], np.ndarray, np.ndarray]:
    """Hashed term counts of ``texts`` in chunks, document frequencies and smoothed IDF."""
    df = np.zeros(N_FEATURES, dtype=np.int64)
    counts = []
    for start in range(0, len(texts), chunk):
        counts.append(vectorizer.transform(texts[start : start + chunk]))
        df += np.bincount(counts[-1].indices, minlength=N_FEATURES)
    n = max(len(texts), 1)
    return counts, df, (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)


def _weigh(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear-tf x IDF rows scaled to unit length (claim memory's weighting)."""
    weighted = counts.copy()
    weighted.data = (1 + np.log(weighted.data)) * idf[weighted.indices]
    return _normalise(weighted)


def tfidf_rows(texts: Sequence[str], *, chunk: int = CHUNK) -> sp.csr_matrix:
    """Unit-length rows of ``texts`` weighted as ``ClaimIndex`` weighs them (IDF from these
    texts; no word left out, so dot products are exact cosines)."""
    counts, _, idf = _counts(texts, _vectorizer(), chunk)
    if not counts:
        return sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
    weighted = []
    while counts:
        weighted.append(_weigh(counts.pop(0), idf))  # each count chunk freed as it is weighed
    return sp.vstack(weighted, format="csr") if len(weighted) > 1 else weighted[0]


def similar_pairs(
    rows: sp.csr_matrix, threshold: float, *, block: int = 2048
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Every pair of rows ``(i, j)``, ``j < i``, whose cosine is at least ``threshold``, as
    arrays (i, j, cosine) a block of ``i`` at a time, ascending ``i``. Exact.

    Prefix filtering: each row's entries are ordered rarest word first, and only the
    shortest prefix whose remaining suffix has norm below ``threshold`` is indexed. For
    unit rows, cos(x, y) >= t means x's prefix alone gives y a positive dot product, so
    querying every row against the prefix index finds every such pair; a candidate is
    dropped when even its best case (partial dot + suffix norm) is below ``threshold``,
    and the rest are scored exactly. Rows must be unit length (``tfidf_rows``).
    """
    rows = sp.csr_matrix(rows, dtype=np.float32)
    n = rows.shape[0]
    if n < 2:
        return
    lengths = np.diff(rows.indptr)
    row_of = np.repeat(np.arange(n), lengths)
    df = np.bincount(rows.indices, minlength=rows.shape[1])
    order = np.lexsort((rows.indices, df[rows.indices], row_of))  # by row, rarest first
    indices, data = rows.indices[order], rows.data[order]
    squares = data.astype(np.float64) ** 2
    after = np.concatenate([np.cumsum(squares[::-1])[::-1], [0.0]])  # from each entry on
    remaining = after[:-1] - after[rows.indptr[1:]][row_of]  # within the row, inclusive
    prefix = remaining >= threshold * threshold * (1 - 1e-6)  # index until the rest is short
    del after, remaining, order
    shape = rows.shape
    # Own copies of indices and indptr: eliminate_zeros rewrites them in place.
    prefixes = sp.csr_matrix(
        (np.where(prefix, data, 0), indices.copy(), rows.indptr.copy()), shape=shape
    )
    suffixes = sp.csr_matrix(
        (np.where(prefix, 0, data), indices.copy(), rows.indptr.copy()), shape=shape
    )
    suffix_norm = np.sqrt(np.bincount(row_of, weights=np.where(prefix, 0.0, squares), minlength=n))
    del squares, prefix, row_of, indices, data
    prefixes.eliminate_zeros()
    suffixes.eliminate_zeros()
    inverted = prefixes.T.tocsr()  # features x rows: the prefix index
    del prefixes
    for start in range(0, n, block):
        queries = rows[start : start + block]
        partial = (queries @ inverted).tocoo()
        i = partial.row.astype(np.int64) + start
        j = partial.col.astype(np.int64)
        keep = (j < i) & (partial.data + suffix_norm[j] >= threshold * (1 - 1e-6))
        i, j, dots = i[keep], j[keep], partial.data[keep]
        if len(i):
            dots = dots + np.asarray(rows[i].multiply(suffixes[j]).sum(axis=1)).ravel()
            close = dots >= threshold
            i, j, dots = i[close], j[close], dots[close]
        yield i, j, dots


EXACT_MAX = 20_000
"""Sentences up to which ``near_duplicates`` blocks exactly by default (seconds there)."""
LSH_BANDS = 20
LSH_ROWS = 4
LSH_WINDOW = 4
_PRIME = (1 << 31) - 1


def minhash_pairs(
    rows: sp.csr_matrix,
    *,
    bands: int = LSH_BANDS,
    band_rows: int = LSH_ROWS,
    window: int = LSH_WINDOW,
    chunk: int = CHUNK,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs ``(i, j)``, ``j < i``, of rows whose feature sets share a MinHash band,
    each pair once, sorted by ``i`` then ``j``.

    Each band's key combines ``band_rows`` min-hashes ((a x + c) mod 2^31-1 over the row's
    feature indices, a universal hash family); rows with equal keys are candidates. Within
    a bucket (rows in order) a row is paired with at most ``window`` rows before it.
    """
    rows = sp.csr_matrix(rows)
    n = rows.shape[0]
    rng = np.random.default_rng(seed)
    coefficients = rng.integers(1, _PRIME, size=(bands, band_rows, 2), dtype=np.int64)
    keys = np.zeros((bands, n), dtype=np.uint64)
    for start in range(0, n, chunk):
        part = rows[start : start + chunk]
        features = part.indices.astype(np.int64)
        filled = np.diff(part.indptr) > 0
        starts = part.indptr[:-1][filled]
        for band in range(bands):
            key = np.zeros(part.shape[0], dtype=np.uint64)
            for a, c in coefficients[band]:
                lowest = np.full(part.shape[0], _PRIME, dtype=np.int64)
                if len(features):
                    lowest[filled] = np.minimum.reduceat((a * features + c) % _PRIME, starts)
                key = key * np.uint64(0x100000001B3) ^ lowest.astype(np.uint64)
            empty = np.flatnonzero(~filled)  # a row with no words matches nothing
            key[empty] = np.uint64(1 << 63) + (start + empty).astype(np.uint64)
            keys[band, start : start + part.shape[0]] = key
    codes = np.zeros(0, dtype=np.int64)  # i * n + j, deduplicated band by band
    for band in range(bands):
        order = np.argsort(keys[band], kind="stable")  # rows ascending within a bucket
        sorted_keys = keys[band][order]
        found = []
        for distance in range(1, min(window, n - 1) + 1):
            same = sorted_keys[distance:] == sorted_keys[:-distance]
            if not same.any():
                break
            found.append(order[distance:][same].astype(np.int64) * n + order[:-distance][same])
        if found:
            codes = _sorted_unique(np.concatenate([codes, *found]))
    del keys
    return (codes // n).astype(np.int32), (codes % n).astype(np.int32)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``values`` sorted, each once (a sort: numpy's hash-based unique is far slower here)."""
    values.sort()
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def scored_pairs(
    rows: sp.csr_matrix, i: np.ndarray, j: np.ndarray, threshold: float, *, batch: int = 50_000
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The candidate pairs whose exact cosine (unit rows) is at least ``threshold``, as
    (i, j, cosine) arrays in the order given (sorted by ``i``), about ``batch`` candidates
    at a time, never splitting one ``i``'s candidates between two batches."""
    rows = sp.csr_matrix(rows)
    start = 0
    while start < len(i):
        stop = min(start + batch, len(i))
        if stop < len(i):  # back to where row i[stop]'s candidates begin, or past i[start]'s
            cut = int(np.searchsorted(i, i[stop], side="left"))
            stop = cut if cut > start else int(np.searchsorted(i, i[start], side="right"))
        a, b = i[start:stop], j[start:stop]
        start = stop
        dots = np.asarray(rows[a].multiply(rows[b]).sum(axis=1)).ravel()
        close = dots >= threshold
        yield a[close], b[close], dots[close]


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
        self._tail: list[sp.csr_matrix] = []  # added rows (weighted, masked), row-major
        self._tail_rows = 0
        self.size = 0
        counts, df, self._idf = _counts(texts, self._vectorizer, chunk)
        n = max(len(texts), 1)
        self._indexed = (df <= max(COMMON * n, COMMON_FLOOR)).astype(np.float32)
        for matrix in counts:
            self._append(matrix)
        del counts

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        return _weigh(counts, self._idf)

    def _masked(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Weighted unit rows without the common words (what the index holds)."""
        rows = self._weigh(counts)
        rows.data *= self._indexed[rows.indices]
        rows.eliminate_zeros()
        return rows

    def _append(self, counts: sp.csr_matrix) -> None:
        if counts.shape[0] == 0:
            return
        self._flush()
        self._offsets.append(self.size)
        self._inverted.append(self._masked(counts).T.tocsr())
        self.size += counts.shape[0]

    def _flush(self) -> None:
        """Move the tail into the inverted index (one chunk)."""
        if not self._tail:
            return
        rows = sp.vstack(self._tail, format="csr")
        self._tail, self._tail_rows = [], 0
        self._offsets.append(self.size - rows.shape[0])
        self._inverted.append(rows.T.tocsr())

    def add(self, texts: Sequence[str]) -> None:
        """Index more sentences; they get the next row numbers. A few (a label at a time)
        cost their own non-zeros: they wait in the tail until ``TAIL`` have come."""
        if len(texts) >= TAIL:
            for start in range(0, len(texts), self._chunk):
                self._append(self._vectorizer.transform(texts[start : start + self._chunk]))
            return
        if not len(texts):
            return
        self._tail.append(self._masked(self._vectorizer.transform(list(texts))))
        self._tail_rows += len(texts)
        self.size += len(texts)
        if self._tail_rows >= TAIL:
            self._flush()

    def vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Unit-length TF-IDF rows for ``texts``, in the index's weighting."""
        return self._weigh(self._vectorizer.transform(list(texts)))

    def query(
        self, texts: Sequence[str], *, k: int = 5, min_score: float = 0.0
    ) -> list[list[tuple[int, float]]]:
        """For each text, up to ``k`` (row, cosine) pairs, best first, score >= ``min_score``."""
        queries = self.vectors(texts)
        found: list[list[tuple[int, float]]] = [[] for _ in texts]
        parts = list(zip(self._offsets, self._inverted, strict=True))
        if self._tail:
            if len(self._tail) > 1:  # one matrix for the tail, so a query multiplies once
                self._tail = [sp.vstack(self._tail, format="csr")]
            parts.append((self.size - self._tail_rows, self._tail[0].T))
        for offset, inverted in parts:
            scores = sp.csr_matrix(queries @ inverted)  # queries x chunk rows, sparse
            keep = scores.data >= max(min_score, 1e-9)
            for q in range(scores.shape[0]):
                start, end = scores.indptr[q], scores.indptr[q + 1]
                take = keep[start:end]
                values, columns = scores.data[start:end][take], scores.indices[start:end][take]
                if not len(values):
                    continue
                if len(values) > k:  # the k best; among equal scores the earliest rows
                    best = _top_k(values, columns, k)
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
    sentences: pd.DataFrame, *, threshold: float = 0.8, k: int = 20, blocking: str = "auto"
) -> pd.DataFrame:
    """Claims that appear in more than one article: one row per group, most articles first.

    ``sentences`` has ``article_id``, ``sentence_id``, ``text`` and optionally ``label``
    (a ``read_annotations`` frame or a table of all sentences; '' = unlabelled). Groups are
    formed in order, leader style: a sentence joins the group of the most similar earlier
    group leader among its ``k`` nearest earlier neighbours at cosine ``threshold`` or more
    (when those are all group members, the closest of their leaders at ``threshold`` or
    more), else it leads a new group. Every member is thus close to its group's
    ``claim`` (the leader's text): similar sentences never chain into one giant group.
    ``labels`` counts the labels given in the group; ``labels_agree`` is True/False, or None
    when fewer than two of its sentences are labelled.

    Cosines are exact (no word left out); which pairs are scored is the ``blocking`` step
    (see the module docstring): ``"exact"``, ``"minhash"``, or ``"auto"``: exact up to
    ``EXACT_MAX`` sentences, MinHash above.
    """
    if blocking not in ("auto", "minhash", "exact"):
        raise ValueError(f"blocking must be 'auto', 'minhash' or 'exact', not {blocking!r}.")
    frame = sentences.drop_duplicates(["article_id", "sentence_id"]).reset_index(drop=True)
    if "label" not in frame.columns:
        frame = frame.assign(label="")
    texts = frame["text"].astype(str).tolist()
    leader = np.arange(len(texts))
    vectors = tfidf_rows(texts)
    if blocking == "exact" or (blocking == "auto" and len(texts) <= EXACT_MAX):
        blocks = similar_pairs(vectors, threshold)
    else:
        blocks = scored_pairs(vectors, *minhash_pairs(vectors), threshold)
    dense = np.zeros(vectors.shape[1], dtype=np.float32)
    for i, j, scores in blocks:
        if not len(i):
            continue
        order = np.lexsort((j, -scores, i))  # by sentence, then best neighbour first
        i, j = i[order], j[order]
        firsts = np.flatnonzero(np.r_[True, i[1:] != i[:-1]])
        for start, stop in zip(firsts, np.r_[firsts[1:], len(i)], strict=True):
            nearest = j[start : min(stop, start + k)]  # its k nearest earlier sentences
            leaders = nearest[leader[nearest] == nearest]
            if len(leaders):
                leader[i[start]] = leaders[0]
                continue
            # Only group members are near (a bucket's window, or k members ahead of their
            # leader): join the closest of their leaders if it is itself close enough.
            heads = np.fromiter(dict.fromkeys(leader[nearest].tolist()), dtype=np.int64)
            row = int(i[start])
            words = vectors.indices[vectors.indptr[row] : vectors.indptr[row + 1]]
            dense[words] = vectors.data[vectors.indptr[row] : vectors.indptr[row + 1]]
            closeness = vectors[heads] @ dense  # a scatter into one reused dense row
            dense[words] = 0.0
            if len(closeness) and closeness.max() >= threshold:
                leader[row] = heads[int(closeness.argmax())]
    del vectors, dense
    sizes = np.bincount(leader, minlength=len(texts))
    rows = []
    shared = np.flatnonzero(sizes[leader] >= 2)  # a group of one is never a duplicate
    for _, members in pd.Series(shared).groupby(leader[shared], sort=True):
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
