"""How long the evidence step of the verdict exports and the gold standard takes.

``factcheck.exports.settled_support`` gathers, per sentence, the claim, justification and
evidence of the annotators who gave the settled label. Measured against the naive route
(a pandas group per sentence, every evidence field parsed), in the same run, on synthetic
rows: N sentences x 3 annotators, every row with one or two sources.

    python benchmarks/bench_settled_support.py [--sentences N]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from factcheck.evidence import evidence_from_json, evidence_to_json, make_evidence
from factcheck.exports import settled_support


def frame(sentences: int) -> pd.DataFrame:
    """Winner rows as a verdict export sees them: 3 annotators per sentence, with sources."""
    common = make_evidence("https://records.example.org/minutes.pdf", accessed="2026-11-20")
    rows = []
    for i in range(sentences):
        own = make_evidence(f"https://news.example.com/{i}", quote="q", accessed="2026-11-21")
        for who, items in (("ana", (common,)), ("ben", (common, own)), ("cara", (own,))):
            rows.append((f"s{i}", who, f"Claim {i}.", f"{who} checked", evidence_to_json(items)))
    columns = ["sentence_id", "annotator", "claim", "justification", "evidence"]
    return pd.DataFrame(rows, columns=columns)


def naive(winners: pd.DataFrame) -> pd.DataFrame:
    """The straightforward route: one pandas group per sentence, each field parsed anew."""
    out = []
    for sid, group in winners.sort_values("annotator").groupby("sentence_id"):
        claims = [c for c in group["claim"] if c]
        items, seen = [], set()
        for text in group["evidence"]:
            for item in evidence_from_json(text):
                if (item.url, item.quote) not in seen:
                    seen.add((item.url, item.quote))
                    items.append(item)
        why = " | ".join(
            f"{w}: {j}" for w, j in zip(group["annotator"], group["justification"], strict=True)
        )
        out.append((sid, max(claims, key=claims.count), why, evidence_to_json(items)))
    columns = ["sentence_id", "claim", "justification", "evidence"]
    return pd.DataFrame(out, columns=columns).set_index("sentence_id")


def best_of(function, data: pd.DataFrame, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    args = parser.parse_args()
    data = frame(args.sentences)
    ours, theirs = settled_support(data), naive(data)
    assert ours["evidence"].sort_index().tolist() == theirs["evidence"].sort_index().tolist()
    fast, slow = best_of(settled_support, data), best_of(naive, data)
    print(f"{args.sentences:,} sentences x 3 annotators, every row with sources")
    print(f"  settled_support: {fast:.2f} s ({fast / args.sentences * 1e6:.0f} us/sentence)")
    print(f"  naive (a pandas group per sentence): {slow:.2f} s")
    print(f"  ratio naive / settled_support: {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
