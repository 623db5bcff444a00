"""Inter-annotator agreement: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha
and Gwet's AC1, each with a bootstrap confidence interval and the counts behind it.

Everything is computed from per-sentence label counts, never by looping over rows: sentences
with the same pattern of labels are pooled first (5 annotators and 3 labels give at most
4**5 = 1024 patterns however many sentences there are), so a bootstrap replicate is one
multinomial draw over the patterns and one matrix product.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError, SchemeError
from .labels import DEFAULT_SCHEME

ALL = "(all)"
"""Placeholder in the ``label`` / ``annotator_a`` / ``annotator_b`` columns: every label or
every annotator."""

AGREEMENT_COLUMNS = (
    "measure",
    "label",
    "annotator_a",
    "annotator_b",
    "value",
    "ci_low",
    "ci_high",
    "n_items",
    "n_annotators",
    "note",
)

_ITEM_KEY = ("article_id", "sentence_id")
_BOOT_CELLS = 4_000_000  # bootstrap weights drawn per chunk (replicates x patterns)


@dataclass(frozen=True)
class RatingMatrix:
    """Sentences x annotators matrix of label codes (-1 = not labelled), plus the names."""

    codes: np.ndarray
    items: pd.DataFrame
    annotators: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def counts(self) -> np.ndarray:
        """Sentences x labels: how many annotators gave each label to each sentence."""
        return _label_counts(self.codes, len(self.labels))


def resolve_labels(
    df: pd.DataFrame, labels: Sequence[str] | None = None, *, seen: Sequence[str] | None = None
) -> tuple[str, ...]:
    """The label categories: ``labels`` if given, else the default scheme's plus any others seen.

    The default scheme's labels are included when the log says it used that scheme, so a
    label nobody chose still counts as a category (Gwet's AC1 depends on how many there are).
    ``seen`` (the labels present, if already known) saves a pass over the table.
    """
    if seen is None:
        seen = [str(v) for v in pd.unique(df["label"]) if isinstance(v, str)]
    seen = [v for v in seen if v != ""]
    if labels is not None:
        labels = tuple(labels)
        unknown = sorted(set(seen) - set(labels))
        if unknown:
            raise SchemeError(
                f"The annotations use label(s) {', '.join(map(repr, unknown))} not in "
                f"labels={list(labels)}. Add them to labels, or pass labels=None."
            )
        return labels
    schemes = set(pd.unique(df["scheme"])) if "scheme" in df.columns else set()
    default = DEFAULT_SCHEME.id in schemes or (
        not schemes and set(seen) <= set(DEFAULT_SCHEME.names)
    )
    base = list(DEFAULT_SCHEME.names) if default else []
    return tuple(base + sorted(set(seen) - set(base)))


def rating_matrix(df: pd.DataFrame, labels: Sequence[str] | None = None) -> RatingMatrix:
    """Turn the one-row-per-(annotator, sentence) table into a sentences x annotators matrix."""
    missing = [c for c in ("annotator", "label", *_ITEM_KEY) if c not in df.columns]
    if missing:
        raise InputError(
            f"The annotation table has no column(s) {', '.join(missing)}. "
            "Pass the DataFrame returned by factcheck.read_annotations(files)."
        )
    keep = [c for c in ("annotator", "label", *_ITEM_KEY, "sentence_index", "text") if c in df]
    rows = df.loc[df["label"].astype(str) != "", keep]
    label_index, seen = pd.factorize(rows["label"].astype(str))
    cats = resolve_labels(df, labels, seen=[str(v) for v in seen])
    label_codes = np.array([cats.index(str(v)) for v in seen], dtype=np.int16)[label_index]
    item_codes = rows.groupby(list(_ITEM_KEY), sort=True, observed=True).ngroup().to_numpy()
    rater_codes, raters = pd.factorize(rows["annotator"].astype(str), sort=True)
    n_items = int(item_codes.max()) + 1 if len(rows) else 0
    pair = item_codes.astype(np.int64) * max(len(raters), 1) + rater_codes
    if len(pair) and np.bincount(pair).max() > 1:
        dup = rows[pd.Series(pair, index=rows.index).duplicated(keep=False)].iloc[0]
        raise InputError(
            f"Annotator {dup['annotator']!r} has more than one label for sentence "
            f"{dup['sentence_id']!r}. Agreement needs one current label per annotator and "
            "sentence: pass read_annotations(files), not read_annotations(files, history=True)."
        )
    codes = np.full((n_items, len(raters)), -1, dtype=np.int16)
    codes[item_codes, rater_codes] = label_codes
    first = ~rows.duplicated(list(_ITEM_KEY)).to_numpy()
    items = rows.loc[first].drop(columns=["annotator", "label"])
    items = items.iloc[np.argsort(item_codes[first], kind="stable")]
    return RatingMatrix(
        codes=codes,
        items=items.reset_index(drop=True),
        annotators=tuple(str(r) for r in raters),
        labels=cats,
    )


def _label_counts(codes: np.ndarray, n_labels: int) -> np.ndarray:
    """Rows x labels count matrix from a rows x raters code matrix (-1 = missing)."""
    out = np.zeros((codes.shape[0], n_labels), dtype=np.int64)
    for k in range(n_labels):
        out[:, k] = (codes == k).sum(axis=1)
    return out


# --- multi-rater statistics from pooled per-pattern sums -------------------------------------


def _multi_features(counts: np.ndarray, m_star: int) -> dict[str, np.ndarray]:
    """Per-pattern quantities whose (weighted) sums give every multi-rater statistic."""
    m = counts.sum(axis=1).astype(float)
    pairable = (m >= 2).astype(float)
    rated = (m >= 1).astype(float)
    safe_pairs = np.where(m >= 2, m * (m - 1), 1.0)
    agree = (counts * (counts - 1)).astype(float)
    p_i = agree.sum(axis=1) / safe_pairs * pairable
    fleiss = (m == m_star).astype(float) * pairable
    return {
        "pairable": pairable,
        "p_i": p_i,
        "n_k": counts * pairable[:, None],
        "o_diag": agree.sum(axis=1) / np.where(m >= 2, m - 1, 1.0) * pairable,
        "spec_num": agree * pairable[:, None],
        "spec_den": counts * (m - 1)[:, None] * pairable[:, None],
        "rated": rated,
        "share_k": counts / np.where(m >= 1, m, 1.0)[:, None],
        "f_items": fleiss,
        "f_p_i": p_i * fleiss,
        "f_k": counts * fleiss[:, None],
    }


def _weighted_sums(features: dict[str, np.ndarray], weights: np.ndarray) -> dict[str, np.ndarray]:
    """Sum each feature over patterns with ``weights`` (replicates x patterns)."""
    return {name: weights @ value for name, value in features.items()}


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0 (no warning)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _kappa_like(observed: np.ndarray, chance: np.ndarray) -> np.ndarray:
    """(observed - chance) / (1 - chance), NaN where chance agreement is 1 (0/0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(chance < 1 - 1e-12, (observed - chance) / (1 - chance), np.nan)


def _multi_stats(s: dict[str, np.ndarray], m_star: int, q: int) -> dict[str, np.ndarray]:
    """Percent agreement, specific agreement, alpha, Fleiss' kappa and AC1 from pooled sums."""
    po = _divide(s["p_i"], s["pairable"])
    n = s["n_k"].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        de = n**2 - (s["n_k"] ** 2).sum(axis=-1)
        alpha = np.where(de > 0, 1 - (n - 1) * (n - s["o_diag"]) / np.where(de > 0, de, 1), np.nan)
    f_n = s["f_items"]
    p_bar = _divide(s["f_p_i"], f_n)
    p_k = _divide(s["f_k"], (f_n * m_star)[..., None])
    fleiss = _kappa_like(p_bar, np.nansum(p_k**2, axis=-1))
    fleiss = np.where(f_n > 0, fleiss, np.nan)
    pi_k = _divide(s["share_k"], s["rated"][..., None])
    pe_ac1 = (pi_k * (1 - pi_k)).sum(axis=-1) / (q - 1) if q > 1 else np.full_like(po, np.nan)
    ac1 = _kappa_like(po, pe_ac1)
    return {
        "percent_agreement": po,
        "specific": _divide(s["spec_num"], s["spec_den"]),
        "krippendorff_alpha": alpha,
        "fleiss_kappa": fleiss,
        "gwet_ac1": ac1,
    }


def _pair_stats(conf: np.ndarray, q: int) -> dict[str, np.ndarray]:
    """Percent agreement, Cohen's kappa and Gwet's AC1 from confusion matrices (... x K x K)."""
    n = conf.sum(axis=(-2, -1))
    po = _divide(np.trace(conf, axis1=-2, axis2=-1), n)
    pa = _divide(conf.sum(axis=-1), n[..., None])
    pb = _divide(conf.sum(axis=-2), n[..., None])
    kappa = _kappa_like(po, (pa * pb).sum(axis=-1))
    pi = (pa + pb) / 2
    pe_ac1 = (pi * (1 - pi)).sum(axis=-1) / (q - 1) if q > 1 else np.full_like(po, np.nan)
    return {"percent_agreement": po, "cohen_kappa": kappa, "gwet_ac1": _kappa_like(po, pe_ac1)}


def _intervals(replicates: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals over the first axis (replicates), ignoring undefined ones."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN: wanted
        low, high = np.nanquantile(replicates, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
    return low, high


def _interval(replicates: np.ndarray, ci: float) -> tuple[float, float]:
    """Percentile interval of one figure's bootstrap replicates."""
    low, high = _intervals(replicates, ci)
    return (float(low), float(high))


def _boot_multi(
    features: dict[str, np.ndarray],
    freq: np.ndarray,
    m_star: int,
    q: int,
    n_boot: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Bootstrap replicates: resample sentences = multinomial draws over label patterns."""
    n = int(freq.sum())
    probs = freq / n
    chunk = max(1, _BOOT_CELLS // max(len(freq), 1))
    parts: list[dict[str, np.ndarray]] = []
    for done in range(0, n_boot, chunk):
        weights = rng.multinomial(n, probs, size=min(chunk, n_boot - done)).astype(float)
        parts.append(_multi_stats(_weighted_sums(features, weights), m_star, q))
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def agreement(
    df: pd.DataFrame,
    *,
    labels: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Agreement between annotators as a tidy table, one figure per row, with bootstrap CIs.

    Rows (``measure``, for all annotators unless ``annotator_a``/``annotator_b`` name a pair):

    - ``percent_agreement`` with ``label == "(all)"``: the share of agreeing annotator pairs,
      averaged over sentences labelled by two or more annotators; with a label name: the
      specific agreement for that label (agreeing pairs among pairs where one used it);
    - ``krippendorff_alpha`` (nominal; missing labels allowed; sentences with one label
      are left out, as the coefficient prescribes);
    - ``fleiss_kappa``: computed on the sentences labelled by the most common number of
      annotators (two or more; the larger number on a tie), because Fleiss' formula needs
      the same number of raters per sentence; the note says how many sentences were left out;
    - ``gwet_ac1`` (Gwet 2008, missing labels allowed), which stays meaningful when one
      label dominates and kappa collapses (the kappa paradox);
    - per pair: ``percent_agreement``, ``cohen_kappa`` and ``gwet_ac1`` on the sentences both
      annotators labelled.

    ``ci_low``/``ci_high`` are percentile intervals from ``n_boot`` bootstrap resamples of
    sentences (pair rows resample the pair's shared sentences). AC1 depends on the number of
    categories: pass ``labels=scheme.names`` when labels nobody used should count. A figure
    that cannot be computed has a NaN value and a ``note`` starting "undefined:" with the
    reason. 100,000 sentences x 5 annotators take well under a second; with ~100 annotators
    the bootstrap of ~5,000 pairs dominates (seconds): ``n_boot=0`` skips the intervals.
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95), got {ci!r}.")
    rm = rating_matrix(df, labels)
    q = len(rm.labels)
    rng = np.random.default_rng(seed)
    patterns, freq = _patterns(rm.codes, q)
    counts = _label_counts(patterns, q)
    m = counts.sum(axis=1)
    pair_m = m[m >= 2]
    pair_freq = freq[m >= 2]
    if len(pair_m):
        by_size = np.bincount(pair_m, weights=pair_freq)
        m_star = int(np.flatnonzero(by_size == by_size.max()).max())
    else:
        m_star = 0
    features = _multi_features(counts, m_star)
    point = _multi_stats(_weighted_sums(features, freq[None, :].astype(float)), m_star, q)
    point = {k: v[0] for k, v in point.items()}
    boot = _boot_multi(features, freq, m_star, q, n_boot, rng) if n_boot > 0 and freq.size else None

    reason = _multi_reason(rm, counts, freq)
    pairable = m >= 2
    n_pairable = int(freq[pairable].sum())
    raters_pairable = _n_raters(patterns[pairable])
    fleiss_mask = m == m_star
    n_fleiss = int(freq[fleiss_mask].sum()) if m_star else 0

    def interval(name: str, k: int | None = None) -> tuple[float, float]:
        if boot is None:
            return (np.nan, np.nan)
        return _interval(boot[name] if k is None else boot[name][:, k], ci)

    po = point["percent_agreement"]
    figures = [
        _Figure("percent_agreement", po, interval("percent_agreement"), n_pairable,
                raters_pairable, reason)
    ]  # fmt: skip
    for measure in ("krippendorff_alpha", "fleiss_kappa", "gwet_ac1"):
        value = point[measure]
        note = reason
        n_items, n_raters = n_pairable, raters_pairable
        if measure == "fleiss_kappa" and not reason:
            n_items, n_raters = n_fleiss, _n_raters(patterns[fleiss_mask])
            left_out = n_pairable - n_fleiss
            note = f"on the {n_fleiss} sentences labelled by {m_star} annotators each" + (
                f"; {left_out} sentences with another number of labels left out" if left_out else ""
            )
        if not reason and np.isnan(value):
            note = _chance_reason(rm.labels, counts[pairable], q, measure)
        elif not reason:
            note = _join(note, _paradox(measure, value, po))
        figures.append(_Figure(measure, value, interval(measure), n_items, n_raters, note))
    for k, label in enumerate(rm.labels):
        used = pairable & (counts[:, k] > 0)
        note = reason or ("" if used.any() else f"undefined: nobody used {label!r}")
        figures.append(
            _Figure("percent_agreement", point["specific"][k], interval("specific", k),
                    int(freq[used].sum()),
                    _n_raters(patterns[used]), note, label=label)
        )  # fmt: skip
    figures += _pair_figures(rm, n_boot, ci, rng)
    table = pd.DataFrame([f.row() for f in figures], columns=list(AGREEMENT_COLUMNS))
    return table.astype({"n_items": "int64", "n_annotators": "int64"})


@dataclass(frozen=True)
class _Figure:
    """One figure of the agreement table with its bootstrap interval."""

    measure: str
    value: float
    ci: tuple[float, float]
    n_items: int
    n_annotators: int
    note: str = ""
    label: str = ALL
    annotator_a: str = ALL
    annotator_b: str = ALL

    def row(self) -> dict[str, object]:
        """The table row; the interval is NaN when the value is undefined."""
        low, high = (np.nan, np.nan) if np.isnan(self.value) else self.ci
        return {
            "measure": self.measure,
            "label": self.label,
            "annotator_a": self.annotator_a,
            "annotator_b": self.annotator_b,
            "value": float(self.value),
            "ci_low": float(low),
            "ci_high": float(high),
            "n_items": int(self.n_items),
            "n_annotators": int(self.n_annotators),
            "note": self.note,
        }


def _pair_confusions(codes: np.ndarray, q: int) -> np.ndarray:
    """Annotators x annotators x labels x labels: confusion matrices of every pair at once.

    One sparse product of the sentence x (annotator, label) indicator matrix with itself, so
    the cost grows with the number of labels given, not with sentences x annotator pairs.
    """
    from scipy import sparse

    n_items, n_raters = codes.shape
    item, rater = np.nonzero(codes >= 0)
    column = rater * q + codes[item, rater]
    onehot = sparse.csr_matrix((np.ones(len(item)), (item, column)), shape=(n_items, n_raters * q))
    product = (onehot.T @ onehot).toarray()
    return product.reshape(n_raters, q, n_raters, q).transpose(0, 2, 1, 3)


def _pair_figures(
    rm: RatingMatrix, n_boot: int, ci: float, rng: np.random.Generator
) -> list[_Figure]:
    """Percent agreement, Cohen's kappa and AC1 for every pair of annotators, vectorised."""
    q = len(rm.labels)
    first, second = np.triu_indices(len(rm.annotators), 1)
    if not len(first):
        return []
    conf = _pair_confusions(rm.codes, q)[first, second]  # pairs x q x q
    n = conf.sum(axis=(1, 2))
    point = _pair_stats(conf, q)
    low = {k: np.full(len(first), np.nan) for k in point}
    high = {k: np.full(len(first), np.nan) for k in point}
    shared = np.flatnonzero(n > 0)
    chunk = max(1, _BOOT_CELLS // max(n_boot * q * q, 1))
    for start in range(0, len(shared) if n_boot > 0 else 0, chunk):
        pick = shared[start : start + chunk]
        probs = conf[pick].reshape(len(pick), q * q) / n[pick, None]
        weights = rng.multinomial(n[pick].astype(np.int64), probs, size=(n_boot, len(pick)))
        boot = _pair_stats(weights.reshape(n_boot, len(pick), q, q).astype(float), q)
        for name, replicates in boot.items():
            low[name][pick], high[name][pick] = _intervals(replicates, ci)
    figures = []
    for p, (a, b) in enumerate(zip(first, second, strict=True)):
        name_a, name_b = rm.annotators[a], rm.annotators[b]
        for measure in ("percent_agreement", "cohen_kappa", "gwet_ac1"):
            value = point[measure][p]
            if not n[p]:
                note = f"undefined: {name_a} and {name_b} labelled no sentence in common"
            elif np.isnan(value):
                given = conf[p].sum(axis=0) + conf[p].sum(axis=1)
                used = [rm.labels[k] for k in range(q) if given[k] > 0]
                note = _chance_reason(rm.labels, None, q, measure, used=used)
            else:
                note = _paradox(measure, value, point["percent_agreement"][p])
            figures.append(
                _Figure(measure, value, (low[measure][p], high[measure][p]), int(n[p]),
                        2 if n[p] else 0, note, annotator_a=name_a, annotator_b=name_b)
            )  # fmt: skip
    return figures


def _patterns(codes: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of the code matrix and how many sentences have each."""
    if not codes.size:
        return np.zeros((0, codes.shape[1]), dtype=codes.dtype), np.zeros(0, dtype=np.int64)
    if codes.shape[1] * np.log2(q + 1) < 62:  # each row fits one int64: unique on a 1-D key
        key = ((codes.astype(np.int64) + 1) * (q + 1) ** np.arange(codes.shape[1])).sum(axis=1)
        _, first, freq = np.unique(key, return_index=True, return_counts=True)
        return codes[first], freq
    return np.unique(codes, axis=0, return_counts=True)


def _n_raters(patterns: np.ndarray) -> int:
    """How many annotators gave at least one label in these patterns."""
    return int((patterns >= 0).any(axis=0).sum()) if patterns.size else 0


def _multi_reason(rm: RatingMatrix, counts: np.ndarray, freq: np.ndarray) -> str:
    """Why no multi-rater figure can be computed, or '' if they can."""
    if not rm.codes.size:
        return "undefined: there are no labels in the annotations"
    if len(rm.annotators) < 2:
        return (
            f"undefined: only one annotator ({rm.annotators[0]}); agreement needs two or more "
            "annotators labelling the same sentences"
        )
    if not (counts.sum(axis=1) >= 2).any():
        return "undefined: no sentence was labelled by two or more annotators"
    return ""


def _chance_reason(
    labels: tuple[str, ...],
    counts: np.ndarray | None,
    q: int,
    measure: str,
    used: list[str] | None = None,
) -> str:
    """Why a chance-corrected figure is 0/0: one label for everything, or one category."""
    if used is None:
        used = [labels[k] for k in range(q) if counts[:, k].sum() > 0]
    if measure == "gwet_ac1" and q < 2:
        return (
            "undefined: only one label category; AC1 needs two or more (pass labels=scheme.names)"
        )
    if len(used) == 1:
        return (
            f"undefined: every label given was {used[0]!r}, so chance agreement is 1 and "
            f"{measure} is 0/0; see percent_agreement and gwet_ac1"
        )
    return "undefined: chance agreement is 1 (0/0)"


def _paradox(measure: str, value: float, po: float) -> str:
    """A note when percent agreement is high but kappa/alpha is low (the kappa paradox)."""
    chance_corrected = measure in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha")
    if chance_corrected and po >= 0.8 and value < 0.4:
        return (
            "high percent agreement but low chance-corrected value: one label dominates "
            "(the kappa paradox); compare gwet_ac1"
        )
    return ""


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def sentence_agreement(df: pd.DataFrame, *, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per sentence: how many labelled it, the majority label and its share, entropy.

    ``majority_label`` is the most frequent label (the first in label order on a tie, with
    ``tie`` True); ``entropy`` is in bits (0 = everyone agrees); ``votes`` reads e.g.
    ``"opinion 2, verified 1"``. Use it to find the most contested sentences.
    """
    rm = rating_matrix(df, labels)
    counts = rm.counts
    n = counts.sum(axis=1)
    top = counts.max(axis=1) if counts.size else np.zeros(0, dtype=np.int64)
    majority = counts.argmax(axis=1) if counts.size else np.zeros(0, dtype=np.int64)
    tie = (counts == top[:, None]).sum(axis=1) > 1 if counts.size else np.zeros(0, dtype=bool)
    share = _divide(counts, n[:, None].astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(share > 0, share * np.log2(share), 0.0), axis=1)
    out = rm.items.copy()
    names = np.asarray(rm.labels, dtype=object)
    out["n_annotators"] = n.astype("int64")
    out["majority_label"] = pd.array(names[majority] if len(names) else [], dtype="str")
    out["majority_share"] = _divide(top.astype(float), n.astype(float))
    out["tie"] = tie
    out["entropy"] = entropy + 0.0
    out["votes"] = _votes(counts, rm.labels)
    return out


def _votes(counts: np.ndarray, labels: tuple[str, ...]) -> pd.Series:
    """'opinion 2, verified 1' per row, labels by decreasing count."""
    if not len(counts):
        return pd.Series([], dtype="str")
    base = int(counts.max()) + 1
    if counts.shape[1] * np.log2(base + 1) < 62:  # one int64 key per row: fast 1-D unique
        key = (counts.astype(np.int64) * base ** np.arange(counts.shape[1])).sum(axis=1)
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        distinct = counts[first]
    else:
        distinct, inverse = np.unique(counts, axis=0, return_inverse=True)
    text = [
        ", ".join(f"{labels[k]} {row[k]}" for k in np.argsort(-row, kind="stable") if row[k])
        for row in distinct
    ]
    return pd.Series(np.asarray(text, dtype=object)[inverse.ravel()], dtype="str")
