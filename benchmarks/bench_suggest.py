"""Suggestions: learning curve, labels needed by queue order, latency and retraining time.

Data: ``benchmarks/data/labelled_sentences.csv`` (fictional, 2,746 sentences in 161 articles;
see ``make_labelled_set.py``). The test set is every sentence of 30% of the articles (claims
planted in several articles are kept on one side, so a copy never leaks into the test set).
The simulated annotator answers with the gold label.

1. macro-F1 after 50 / 100 / 200 / 500 labels (mean over seeds, labels in random order) of
   the suggestion model (word + char TF-IDF, logistic regression), a linear SVM calibrated
   with CalibratedClassifierCV on the same features (the alternative measured), word TF-IDF +
   logistic regression trained in one batch (the baseline the issue names) and the majority
   class;
2. labels needed to reach macro-F1 >= TARGET when the next labels come from the uncertainty
   queue, in random order or in reading order (mean over seeds; batches of BATCH labels);
3. suggestion latency for a page of PAGE sentences (p50/p95), retraining time at 100 / 1,000
   / 10,000 labels, and the latency of a label save (``AnnotationLog.record``, what a key
   press does) while a 10,000-label retraining runs in the background vs idle.

    python benchmarks/bench_suggest.py [curve] [queues] [latency] [embeddings]   # default: all

4. (optional, if wordllama is installed) the same learning curve and the claim-memory
   recall@5 at 10,000 sentences with wordllama embeddings, to decide on an embeddings extra.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).parent / "data"))
from make_labelled_set import sentences

from factcheck.log import AnnotationLog
from factcheck.queues import uncertainty
from factcheck.sentences import Sentence
from factcheck.suggest import SuggestionModel, build_pipeline, train

DATA = Path(__file__).parent / "data" / "labelled_sentences.csv"
SEEDS = (0, 1, 2)
SIZES = (50, 100, 200, 500)
TARGET = 0.90
BATCH = 20
START = 20
PAGE = 30


def split(frame: pd.DataFrame, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pool and test set by article; pool sentences of a claim group in the test set are dropped."""
    rng = np.random.default_rng(seed)
    articles = frame["article_id"].unique()
    in_test = frame["article_id"].isin(rng.choice(articles, int(0.3 * len(articles)), False))
    test_groups = set(frame.loc[in_test, "claim_group"]) - {""}
    pool = frame[~in_test & ~frame["claim_group"].isin(test_groups)]
    return pool.reset_index(drop=True), frame[in_test].reset_index(drop=True)


def calibrated_svm():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    features = build_pipeline().steps[0][1]
    return make_pipeline(features, CalibratedClassifierCV(LinearSVC(C=0.5), cv=3))


def batch_baseline():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def macro_f1(model, test: pd.DataFrame) -> float:
    return float(f1_score(test["label"], model.predict(test["text"].tolist()), average="macro"))


def learning_curve(frame: pd.DataFrame) -> None:
    print(f"\n1. macro-F1 after N labels (mean over {len(SEEDS)} seeds; test = 30% of articles)")
    rows = []
    for seed in SEEDS:
        pool, test = split(frame, seed)
        order = np.random.default_rng(seed).permutation(len(pool))
        for n in SIZES:
            chosen = pool.iloc[order[:n]]
            texts, labels = chosen["text"].tolist(), chosen["label"].tolist()
            majority = chosen["label"].value_counts().idxmax()
            row = {"labels": n, "seed": seed}
            row["suggestions (word+char TF-IDF, LR)"] = macro_f1(
                train(texts, labels).pipeline, test
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                row["word+char, calibrated LinearSVC"] = macro_f1(
                    calibrated_svm().fit(texts, labels), test
                )
                row["TF-IDF+LR, one batch"] = macro_f1(batch_baseline().fit(texts, labels), test)
            row["majority class"] = float(
                f1_score(test["label"], [majority] * len(test), average="macro")
            )
            rows.append(row)
    table = pd.DataFrame(rows).drop(columns="seed").groupby("labels").mean()
    print(table.round(3).to_string())


def labels_to_target(frame: pd.DataFrame, strategy: str, seed: int) -> int | None:
    """How many labels a strategy needs before the model reaches TARGET macro-F1."""
    pool, test = split(frame, seed)
    rng = np.random.default_rng(seed)
    if strategy == "reading":
        order = list(range(len(pool)))  # pool is in article and sentence order
        labelled = order[:START]
    else:
        labelled = list(rng.permutation(len(pool))[:START])
    while len(labelled) <= 800:
        chosen = pool.iloc[labelled]
        try:
            model = train(chosen["text"].tolist(), chosen["label"].tolist())
        except Exception:  # one label only so far (reading order): keep labelling
            model = None
        if model is not None and macro_f1(model.pipeline, test) >= TARGET:
            return len(labelled)
        rest = np.setdiff1d(np.arange(len(pool)), labelled)
        if strategy == "reading":
            nxt = rest[:BATCH]
        elif strategy == "random":
            nxt = rng.choice(rest, size=BATCH, replace=False)
        else:
            if model is None:
                nxt = rng.choice(rest, size=BATCH, replace=False)
            else:
                scores = uncertainty(model.predict_proba(pool["text"].iloc[rest].tolist()))
                nxt = rest[np.argsort(-scores, kind="stable")[:BATCH]]
        labelled.extend(int(i) for i in nxt)
    return None


def queue_comparison(frame: pd.DataFrame) -> None:
    print(
        f"\n2. labels needed to reach macro-F1 >= {TARGET} (start {START}, batches of {BATCH}, "
        f"mean over {len(SEEDS)} seeds)"
    )
    for strategy in ("uncertain", "random", "reading"):
        needed = [labels_to_target(frame, strategy, seed) for seed in SEEDS]
        reached = [n for n in needed if n is not None]
        mean = f"{np.mean(reached):.0f}" if reached else "not reached"
        print(f"  {strategy:>9}: {mean} labels (per seed: {needed})", flush=True)


def latency(frame: pd.DataFrame) -> None:
    print("\n3. latency (p50/p95 over repeats) and retraining time")
    pool, _ = split(frame)
    model = train(pool["text"].iloc[:1000].tolist(), pool["label"].iloc[:1000].tolist())
    page = pool["text"].iloc[1000 : 1000 + PAGE].tolist()
    times = []
    for _ in range(200):
        started = time.perf_counter()
        model.predict(page)
        times.append(time.perf_counter() - started)
    print(
        f"  suggestions for a page of {PAGE} sentences: "
        f"p50 {1000 * np.percentile(times, 50):.1f} ms, "
        f"p95 {1000 * np.percentile(times, 95):.1f} ms"
    )
    generated = list(sentences(10_000, seed=3))
    for n in (100, 1_000, 10_000):
        texts = [t for t, _ in generated[:n]]
        labels = [label for _, label in generated[:n]]
        runs = [train(texts, labels).seconds for _ in range(3 if n < 10_000 else 1)]
        print(f"  retraining on {n:>6,} labels: {min(runs):.2f} s")
    for background in ("thread", "process"):
        with tempfile.TemporaryDirectory() as folder:
            log = AnnotationLog(annotator="sim", folder=folder)
            items = [Sentence(f"a-{i:05d}", i, 0, 5, "Text.", article_id="a") for i in range(400)]

            def saves(count: int, offset: int, log=log, items=items) -> list[float]:
                out = []
                for item in items[offset : offset + count]:
                    started = time.perf_counter()
                    log.record(item, "opinion")
                    out.append(time.perf_counter() - started)
                return out

            idle = saves(200, 0)
            model = SuggestionModel(background=background)
            model.update([t for t, _ in generated], [label for _, label in generated])
            busy: list[float] = []
            while len(busy) < 200 and not model.wait(0):
                busy.extend(saves(1, 200 + len(busy)))
                time.sleep(0.01)  # a fast typist: a key press every ~10 ms
            model.wait()
            model.close()
            print(
                f"  label save (a key press) idle: p50 {1000 * np.percentile(idle, 50):.2f} ms, "
                f"p95 {1000 * np.percentile(idle, 95):.2f} ms; during a 10,000-label "
                f"retraining in a {background} ({len(busy)} saves): "
                f"p50 {1000 * np.percentile(busy, 50):.2f} ms, "
                f"p95 {1000 * np.percentile(busy, 95):.2f} ms",
                flush=True,
            )
    model = SuggestionModel()
    started = time.perf_counter()
    model.update([t for t, _ in generated], [label for _, label in generated])
    took = 1000 * (time.perf_counter() - started)
    model.wait()
    model.close()
    print(f"  SuggestionModel.update with 10,000 labels returned in {took:.2f} ms")


def embeddings(frame: pd.DataFrame) -> None:
    """Optional: wordllama (MIT, 256-d weights inside its 19 MB wheel) instead of TF-IDF.

    Run in an environment with ``pip install wordllama``. Its 0.4.0 wheel ships the
    tokenizer under ``wordllama/tokenizers/`` but looks for it under ``tokenizer/`` and else
    downloads it from Hugging Face, so a local copy is given as the cache and downloads are
    disabled.
    """
    import importlib.util
    import shutil

    if importlib.util.find_spec("wordllama") is None:
        print("\n4. embeddings: wordllama is not installed here; skipped")
        return
    import wordllama
    from wordllama import WordLlama

    with tempfile.TemporaryDirectory() as cache:
        shipped = Path(wordllama.__file__).parent / "tokenizers"
        for name in ("tokenizer", "tokenizers"):  # the folder name differs between releases
            shutil.copytree(shipped, Path(cache) / name)
        model = WordLlama.load(cache_dir=cache, disable_download=True)
    print("\n4. embeddings (wordllama 256-d + logistic regression), macro-F1 after N labels")
    vectors = dict(zip(frame["text"], model.embed(frame["text"].tolist()), strict=True))
    scores: dict[int, list[float]] = {n: [] for n in SIZES}
    for seed in SEEDS:
        pool, test = split(frame, seed)
        order = np.random.default_rng(seed).permutation(len(pool))
        test_x = np.array([vectors[t] for t in test["text"]])
        for n in SIZES:
            chosen = pool.iloc[order[:n]]
            x = np.array([vectors[t] for t in chosen["text"]])
            classifier = LogisticRegression(C=10, max_iter=2000).fit(x, chosen["label"])
            scores[n].append(f1_score(test["label"], classifier.predict(test_x), average="macro"))
    for n in SIZES:
        print(f"  {n:>4} labels: {np.mean(scores[n]):.3f}")
    texts = frame["text"].tolist() + [t for t, _ in sentences(10_000 - len(frame), seed=10_000)]
    unit = np.asarray(model.embed(texts, norm=True), dtype=np.float32)
    groups = frame["claim_group"].to_numpy()
    copies = [i for i in range(len(frame)) if groups[i]]
    hits = 0
    for i in copies:
        similarity = unit @ unit[i]
        similarity[i] = -np.inf
        top = np.argpartition(-similarity, 5)[:5]
        hits += any(r < len(frame) and groups[r] == groups[i] for r in top)
    print(f"  claim memory recall@5 at 10,000 sentences: {hits / len(copies):.3f}")


def main() -> None:
    frame = pd.read_csv(DATA, keep_default_na=False)
    print(
        f"{len(frame)} sentences, {frame['article_id'].nunique()} articles: "
        + ", ".join(f"{k} {v}" for k, v in frame["label"].value_counts().items())
    )
    sections = sys.argv[1:] or ["curve", "queues", "latency", "embeddings"]
    if "curve" in sections:
        learning_curve(frame)
    if "queues" in sections:
        queue_comparison(frame)
    if "latency" in sections:
        latency(frame)
    if "embeddings" in sections:
        embeddings(frame)


if __name__ == "__main__":
    main()
