"""Claim memory: recall@5 of planted near-duplicates and query time at 10k / 100k / 1M sentences.

The planted claims are the 150 groups of ``benchmarks/data/labelled_sentences.csv`` (each
claim reworded in 2-4 other articles; see ``make_labelled_set.py``). The rest of the index is
filled with generated sentences of the same shapes, so the neighbours compete with many
near-identical template sentences. A hit: querying with a reworded copy, another sentence of
its group is among the 5 most similar (the copy itself left out). Query time is one
``ClaimIndex.query`` call for one sentence (what the widget does for the focused sentence).

Also, each beside the route before (``factcheck/similar.py`` before the tail and the
blocking step, loaded from git) in the same run:

- ``ClaimIndex.add`` of one sentence (a new label) at each size: p50/p95 ms;
- ``near_duplicates`` (MinHash blocking, exact blocking up to ``--exact-max``, and the
  route before) over the planted set plus filler at 100k and 1M: seconds, peak RSS
  growth over the RSS before the call (a fresh process each; Linux ``clear_refs``), groups
  found, and recall of the planted groups (a hit: a planted reworded copy lands in a group
  with another sentence of its claim group). The route before queried every sentence
  against the whole index; at 1M it is timed on its
  first ``--before-sample`` sentences and extrapolated (marked ~).

With ``--datasketch N``: the blocking step alone on N filler sentences, factcheck's
vectorised MinHash (``minhash_pairs``) beside datasketch's ``MinHash.bulk`` and
``MinHashLSH`` (MIT; ``pip install datasketch``, not a dependency) with the same 20 bands
of 4 hashes: seconds, peak RSS growth, candidate pairs.

    python benchmarks/bench_similar.py [SIZES...]     # default: 10000 100000 1000000
        [--dup 100000 1000000] [--before-sample 20000] [--threshold 0.8] [--exact-max 100000]
    python benchmarks/bench_similar.py --datasketch 100000   # the blocking comparison only
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent / "data"))
from make_labelled_set import sentences

from factcheck.similar import ClaimIndex

DATA = Path(__file__).parent / "data" / "labelled_sentences.csv"
ROOT = Path(__file__).resolve().parents[1]
BEFORE_COMMIT = "db378f5"  # main before the tail and the blocking step


def before_module():
    """``factcheck/similar.py`` as it was at ``BEFORE_COMMIT``, loaded from git."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE_COMMIT}:factcheck/similar.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="bench-similar-")) / "similar_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("similar_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["similar_before"] = module
    spec.loader.exec_module(module)
    return module


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> float:
    """Reset the process's peak RSS (Linux clear_refs 5) and return the RSS now (MB)."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def run(size: int, planted: pd.DataFrame) -> dict[str, float]:
    filler = [text for text, _ in sentences(size - len(planted), seed=size)]
    texts = planted["text"].tolist() + filler
    del filler
    started = time.perf_counter()
    index = ClaimIndex(texts)
    build = time.perf_counter() - started
    groups = planted["claim_group"].to_numpy()
    copies = [i for i in range(len(planted)) if groups[i]]
    hits, times = 0, []
    for i in copies:
        started = time.perf_counter()
        (pairs,) = index.query([texts[i]], k=6)
        times.append(time.perf_counter() - started)
        rows = [row for row, _ in pairs if row != i][:5]
        hits += any(row < len(planted) and groups[row] == groups[i] for row in rows)
    adds = add_times(index, filler_texts(200, seed=size + 1))
    old = before_module().ClaimIndex(texts)
    old_adds = add_times(old, filler_texts(50, seed=size + 1))
    del old
    return {
        "add_p50_ms": 1000 * float(np.percentile(adds, 50)),
        "add_p95_ms": 1000 * float(np.percentile(adds, 95)),
        "before_add_p50_ms": 1000 * float(np.percentile(old_adds, 50)),
        "sentences": size,
        "recall_at_5": hits / len(copies),
        "queries": len(copies),
        "query_p50_ms": 1000 * float(np.percentile(times, 50)),
        "query_p95_ms": 1000 * float(np.percentile(times, 95)),
        "build_s": build,
        "peak_rss_mb": peak_rss_mb(),
    }


def filler_texts(count: int, seed: int) -> list[str]:
    return [text for text, _ in sentences(count, seed=seed)]


def add_times(index, texts: list[str]) -> list[float]:
    """Seconds of each ``add`` of one sentence (a label at a time, as the widget adds)."""
    times = []
    for text in texts:
        started = time.perf_counter()
        index.add([text])
        times.append(time.perf_counter() - started)
    return times


def dup_frame(size: int, planted: pd.DataFrame) -> pd.DataFrame:
    """The planted set plus filler, one pseudo-article per 30 filler sentences."""
    filler = filler_texts(size - len(planted), seed=size)
    return pd.DataFrame(
        {
            "article_id": planted["article_id"].tolist()
            + [f"filler-{n // 30}" for n in range(len(filler))],
            "sentence_id": planted["sentence_id"].tolist()
            + [f"filler-{n // 30}-{n}" for n in range(len(filler))],
            "text": planted["text"].tolist() + filler,
            "label": planted["label"].tolist() + [""] * len(filler),
        }
    )


def dup_child(route: str, size: int, threshold: float, sample: int) -> None:
    """In a fresh process: ``near_duplicates`` by ``route``; prints JSON figures."""
    planted = pd.read_csv(DATA, keep_default_na=False)
    frame = dup_frame(size, planted)
    from factcheck.similar import _vectorizer

    old = before_module()
    _vectorizer().transform(["imports loaded before the baseline"])
    base = reset_peak()
    started = time.perf_counter()
    if route in ("minhash", "exact"):
        from factcheck.similar import near_duplicates

        table = near_duplicates(frame, threshold=threshold, blocking=route)
        seconds, estimated = time.perf_counter() - started, False
    else:
        if size <= sample:
            table = old.near_duplicates(frame, threshold=threshold)
            seconds, estimated = time.perf_counter() - started, False
        else:  # its per-sentence queries on the first ``sample`` sentences, extrapolated
            texts = frame["text"].tolist()
            index = old.ClaimIndex(texts)
            built = time.perf_counter() - started
            started = time.perf_counter()
            for at in range(0, sample, 1000):
                index.query(texts[at : at + 1000], k=20, min_score=threshold)
            seconds = built + (time.perf_counter() - started) * size / sample
            table, estimated = None, True
    figures = {"seconds": seconds, "mb": _status_mb("VmHWM") - base, "estimated": estimated}
    if table is not None:
        groups = planted["claim_group"].to_numpy()
        where = {sid: g for g, sid in enumerate(planted["sentence_id"])}
        hits = copies = 0
        members: dict[str, list[str]] = {}
        for ids in table["sentence_ids"]:
            for sid in ids.split(", "):
                members[sid] = ids.split(", ")
        for position, sid in enumerate(planted["sentence_id"]):
            if not groups[position]:
                continue
            copies += 1
            hits += any(
                other != sid and other in where and groups[where[other]] == groups[position]
                for other in members.get(sid, [])
            )
        figures.update(groups=len(table), recall=hits / copies)
    print(json.dumps(figures))


def pair_recall(size: int, threshold: float) -> dict:
    """Pairs at ``threshold`` or more that MinHash blocking proposes, of those exact prefix
    filtering finds (all of them), on the same vectors; and each blocking step's time."""
    from factcheck.similar import minhash_pairs, scored_pairs, similar_pairs, tfidf_rows

    planted = pd.read_csv(DATA, keep_default_na=False)
    vectors = tfidf_rows(dup_frame(size, planted)["text"].tolist())
    started = time.perf_counter()
    exact = {
        code
        for i, j, _ in similar_pairs(vectors, threshold)
        for code in (i.astype(np.int64) * size + j).tolist()
    }
    exact_s = time.perf_counter() - started
    started = time.perf_counter()
    found = {
        code
        for i, j, _ in scored_pairs(vectors, *minhash_pairs(vectors), threshold)
        for code in (i.astype(np.int64) * size + j).tolist()
    }
    minhash_s = time.perf_counter() - started
    return {
        "pairs": len(exact),
        "recall": len(found & exact) / max(len(exact), 1),
        "exact_s": exact_s,
        "minhash_s": minhash_s,
    }


def blocking_figures(size: int) -> None:
    """factcheck's MinHash blocking beside datasketch's on the same sentence sets."""
    from factcheck.similar import LSH_BANDS, LSH_ROWS, minhash_pairs, tfidf_rows

    vectors = tfidf_rows(filler_texts(size, seed=3))
    base = reset_peak()
    started = time.perf_counter()
    i, _ = minhash_pairs(vectors)
    ours = time.perf_counter() - started
    print(
        f"Blocking on {size:,} sentences: factcheck minhash_pairs {ours:.1f} s, "
        f"+{_status_mb('VmHWM') - base:.0f} MB, {len(i):,} candidate pairs",
        flush=True,
    )
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        print("  datasketch: not installed (pip install datasketch), skipped")
        return
    sets = [
        [int(f).to_bytes(4, "little") for f in vectors.indices[a:b]]
        for a, b in zip(vectors.indptr[:-1], vectors.indptr[1:], strict=True)
    ]
    base = reset_peak()
    started = time.perf_counter()
    hashes = MinHash.bulk(sets, num_perm=LSH_BANDS * LSH_ROWS)
    lsh = MinHashLSH(num_perm=LSH_BANDS * LSH_ROWS, params=(LSH_BANDS, LSH_ROWS))
    with lsh.insertion_session() as session:
        for row, minhash in enumerate(hashes):
            session.insert(row, minhash)
    pairs = sum(len(lsh.query(minhash)) - 1 for minhash in hashes) // 2
    print(
        f"  datasketch MinHash.bulk + MinHashLSH: {time.perf_counter() - started:.1f} s, "
        f"+{_status_mb('VmHWM') - base:.0f} MB, {pairs:,} candidate pairs (whole buckets)",
        flush=True,
    )


def dup_figures(route: str, size: int, threshold: float, sample: int) -> dict:
    command = [sys.executable, __file__, "--dup-child", route, str(size)]
    command += ["--threshold", str(threshold), "--before-sample", str(sample)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*")
    parser.add_argument("--dup", type=int, nargs="*")
    parser.add_argument("--before-sample", type=int, default=20_000)
    parser.add_argument(
        "--exact-max", type=int, default=100_000, help="largest size for exact blocking"
    )
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--dup-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--datasketch", type=int, nargs="*", default=[])
    args = parser.parse_args()
    if args.dup_child:
        route, size = args.dup_child
        dup_child(route, int(size), args.threshold, args.before_sample)
        return
    alone = bool(args.datasketch)  # --datasketch alone runs only the blocking comparison
    args.sizes = args.sizes or ([] if alone else [10_000, 100_000, 1_000_000])
    args.dup = args.dup if args.dup is not None else ([] if alone else [100_000, 1_000_000])
    for size in args.datasketch:
        blocking_figures(size)
    planted = pd.read_csv(DATA, keep_default_na=False)
    print(f"{len(planted)} sentences with {planted['claim_group'].ne('').sum()} in planted groups")
    for size in args.sizes:
        result = run(size, planted)
        print(
            f"{result['sentences']:>9,} sentences: recall@5 {result['recall_at_5']:.3f} "
            f"({result['queries']} queries), query p50 {result['query_p50_ms']:.1f} ms, "
            f"p95 {result['query_p95_ms']:.1f} ms, build {result['build_s']:.1f} s, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB; add one sentence p50 "
            f"{result['add_p50_ms']:.2f} ms, p95 {result['add_p95_ms']:.2f} ms "
            f"(before: p50 {result['before_add_p50_ms']:.1f} ms)",
            flush=True,
        )
    if args.dup:
        print(
            f"near_duplicates (threshold {args.threshold}): MinHash blocking vs exact blocking "
            "vs the route before, fresh process each"
        )
    for size in args.dup:
        now = dup_figures("minhash", size, args.threshold, args.before_sample)
        line = (
            f"{size:>9,} sentences: minhash {now['seconds']:.1f} s, +{now['mb']:.0f} MB, "
            f"{now['groups']:,} groups, planted recall {now['recall']:.3f}"
        )
        if size <= args.exact_max:
            exact = dup_figures("exact", size, args.threshold, args.before_sample)
            line += (
                f"; exact {exact['seconds']:.1f} s, +{exact['mb']:.0f} MB, "
                f"{exact['groups']:,} groups, planted recall {exact['recall']:.3f}"
            )
        else:
            line += "; exact: skipped (--exact-max)"
        before = dup_figures("before", size, args.threshold, args.before_sample)
        mark = "~" if before["estimated"] else ""
        recall = f", planted recall {before['recall']:.3f}" if "recall" in before else ""
        line += (
            f"; before {mark}{before['seconds']:.1f} s, +{before['mb']:.0f} MB{recall} "
            f"(minhash {mark}{before['seconds'] / now['seconds']:.1f}x faster)"
        )
        print(line, flush=True)
        if size <= args.exact_max:
            pairs = pair_recall(size, args.threshold)
            print(
                f"{'':>9}  pairs at >= {args.threshold}: {pairs['pairs']:,}; MinHash blocking "
                f"finds {pairs['recall']:.3f} of them ({pairs['minhash_s']:.1f} s vs exact "
                f"{pairs['exact_s']:.1f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
