"""Loading adversarial text files: seconds at n and 8n characters, and the ratio (8 = linear).

Run: ``.venv/bin/python benchmarks/bench_text_linearity.py``

Each input is written to a temporary .txt file and loaded with ``load_article`` (decode,
clean, split), the whole text load path. Before the rewrite of the furniture patterns,
"Published" + 1,100 spaces + a letter (1.2 KB) took 42 s to load, and "By" + 800 spaces +
"!" 3.4 s. Quadratic work shows a ratio near 64, cubic near 512.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from factcheck import load_article
from factcheck.errors import FactcheckError

INPUTS: dict[str, Callable[[int], str]] = {
    "Published + spaces + letter": lambda k: "Published" + " " * k + "x\n\nThe dam held.\n",
    "By + spaces + !": lambda k: "By" + " " * k + "!\n\nThe dam held.\n",
    "photo credit + spaces": lambda k: "(Photo credit" + " " * k + "x\n\nThe dam held.\n",
    "share row + spaces": lambda k: "Share on facebook" + " " * k + "x\n\nThe dam held.\n",
    "heading + spaces": lambda k: "# A" + " " * k + "b\n\nThe dam held.\n",
    "one word, no spaces": lambda k: "a" * k,
    "abbreviations, no cut": lambda k: "Mr. A " * (k // 6),
    "closing tags after ?": lambda k: "</b>bold? " * (k // 10),
    "quoted abbreviations": lambda k: '"' + "Mr. B said. " * (k // 12) + '"',
}


def seconds_to_load(text: str) -> float:
    """Fastest of three loads of ``text`` from a temporary .txt file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "story.txt"
        path.write_text(text, encoding="utf-8")
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with contextlib.suppress(FactcheckError):  # refused: also work, also timed
                    _ = load_article(path).sentences
            best = min(best, time.perf_counter() - start)
        return best


def main() -> None:
    n = 8_000  # above the largest piece pysbd is given (4,000 characters)
    print(f"{'input':<30}{'n chars':>9}{'s at n':>9}{'s at 8n':>9}{'ratio':>7}")
    seconds_to_load("Warm up. Now.")
    for name, make in INPUTS.items():
        small, large = seconds_to_load(make(n)), seconds_to_load(make(8 * n))
        print(f"{name:<30}{n:>9,}{small:>9.4f}{large:>9.4f}{large / small:>7.1f}")
    first = seconds_to_load(INPUTS["Published + spaces + letter"](1_100))
    second = seconds_to_load(INPUTS["By + spaces + !"](800))
    print(f"\nThe reported files: 'Published' + 1,100 spaces {first:.4f} s (was 42 s), ")
    print(f"'By' + 800 spaces + '!' {second:.4f} s (was 3.4 s)")


if __name__ == "__main__":
    main()
