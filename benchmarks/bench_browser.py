"""Benchmark click-to-disk latency of the labelling widget in real front ends and chromium.

For each front end (JupyterLab, Notebook 7) it runs notebooks/01-label-articles.ipynb and
clicks label buttons; the browser notes Date.now() just before each click, the kernel stamps
the CSV row when it records it, and a thread polling the file every 0.2 ms notes when the row
is in it with the log's lock free (fsync done): one machine clock for all three. The naive
route measured in the same run is a stock ipywidgets Button whose handler only records the
row (same AnnotationLog) and marks itself: the floor any widget pays for the round trip.
Prints figures; asserts nothing. Needs chromium and playwright, like tests/browser.

    .venv/bin/python benchmarks/bench_browser.py [--clicks 20] [--frontends lab notebook7]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.browser.harness import (  # noqa: E402 (needs the repository on sys.path)
    ClickTiming,
    JupyterLab,
    launch_chromium,
    open_notebook,
    open_notebook7,
    run_all_cells,
    start_jupyter_lab,
    start_notebook7,
    time_click,
    write_notebook,
)

LABELS = ("verified", "unconfirmed", "opinion")
READY = ".fc-annotator[data-fc-ready]:not([data-fc-old])"
SENTENCES = 10  # rows of the first bundled sample article, the one the notebook shows first
TARGET_MS = 100.0  # the target for a click to be on disk


def label_notebook(server: JupyterLab, name: str, annotator: str) -> str:
    """Copy the labelling notebook into the server's root with the annotator's name set."""
    path = server.copy_notebook(REPO_ROOT / "notebooks" / "01-label-articles.ipynb", name)
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.source = cell.source.replace('ANNOTATOR = "your-name"', f"ANNOTATOR = {annotator!r}")
    nbformat.write(notebook, path)
    return name


def bare_button_notebook(server: JupyterLab, name: str, clicks: int) -> str:
    """A notebook of stock Buttons whose handler only records a label and marks the button."""
    source = (
        "import ipywidgets as w\n"
        "from factcheck.articles import Article\n"
        "from factcheck.log import AnnotationLog\n"
        f"text = ' '.join(f'Depot {{i}} logged {{i + 3}} late buses.' for i in range({clicks}))\n"
        "article = Article.from_text(text, id='bare', title='Bare')\n"
        "log = AnnotationLog(annotator='bare-button', folder='annotations')\n"
        "def make(i, sentence):\n"
        "    button = w.Button(description='verified')\n"
        "    button.add_class(f'bare-{i}')\n"
        "    def click(_):\n"
        "        log.record(sentence, 'verified')\n"
        "        button.add_class('fc-chosen')\n"
        "    button.on_click(click)\n"
        "    return button\n"
        "w.VBox([make(i, s) for i, s in enumerate(article.sentences)])"
    )
    write_notebook(server.root_dir / name, [source])
    return name


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(timings: list[ClickTiming]) -> dict[str, tuple[float, float]]:
    """Median and p95 in ms of each stage: click to record, to fsync done, to label shown."""
    stages = {
        "click to record": [t.click_to_record_ms for t in timings],
        "record to fsync done": [(t.on_disk - t.recorded) * 1000 for t in timings],
        "click to fsync done": [t.click_to_disk_ms for t in timings],
        "click to shown": [t.click_to_shown_ms or float("nan") for t in timings],
    }
    return {k: (statistics.median(v), percentile(v, 0.95)) for k, v in stages.items()}


def measure(page, server: JupyterLab, frontend: str, clicks: int, pause: float):
    """Time `clicks` clicks on the annotator and on bare buttons in one front end."""
    opener = open_notebook7 if frontend == "notebook7" else open_notebook
    opener(page, server, label_notebook(server, f"bench-{frontend}.ipynb", f"bench-{frontend}"))
    run_all_cells(page)
    page.locator(READY).wait_for()
    log = server.root_dir / "annotations" / f"bench-{frontend}.csv"
    annotator = []
    for click in range(clicks):
        slot = click % SENTENCES
        label = LABELS[(click + click // SENTENCES) % len(LABELS)]  # never the chosen one
        selector = f"{READY} .fc-row-{slot} .fc-btn >> text='{label}'"
        annotator.append(time_click(page, selector, log))
        time.sleep(pause)
    server.shutdown_kernels()

    opener(page, server, bare_button_notebook(server, f"bare-{frontend}.ipynb", clicks))
    run_all_cells(page)
    log = server.root_dir / "annotations" / "bare-button.csv"
    bare = []
    for click in range(clicks):
        bare.append(time_click(page, f".bare-{click}", log))
        time.sleep(pause)
    server.shutdown_kernels()
    return annotator, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--frontends", nargs="+", default=["lab", "notebook7"])
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between clicks")
    args = parser.parse_args()
    if args.clicks > 2 * SENTENCES:
        parser.error(f"--clicks at most {2 * SENTENCES} (two labels per sentence of the sample)")
    from playwright.sync_api import sync_playwright

    starts = {"lab": start_jupyter_lab, "notebook7": start_notebook7}
    print(f"{args.clicks} clicks per route; median / p95 in ms; issue target < {TARGET_MS:.0f} ms")
    print(f"{'front end':<10} {'route':<12} {'stage':<22} {'median':>8} {'p95':>8} {'ratio':>7}")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for frontend in args.frontends:
                server = starts[frontend](Path(tempfile.mkdtemp(prefix=f"bench-{frontend}-")))
                try:
                    page = browser.new_page(viewport={"width": 1366, "height": 900})
                    annotator, bare = measure(page, server, frontend, args.clicks, args.pause)
                    page.close()
                finally:
                    server.shutdown_kernels()
                    server.stop()
                ours, floor = summary(annotator), summary(bare)
                for stage, (median, p95) in ours.items():
                    ratio = median / floor[stage][0] if floor[stage][0] else float("nan")
                    print(
                        f"{frontend:<10} {'annotator':<12} {stage:<22} {median:>8.1f} "
                        f"{p95:>8.1f} {ratio:>6.1f}x"
                    )
                for stage, (median, p95) in floor.items():
                    print(
                        f"{frontend:<10} {'bare button':<12} {stage:<22} {median:>8.1f} {p95:>8.1f}"
                    )
        finally:
            browser.close()
    print("ratio: annotator median / bare-button median, same front end, same run")


if __name__ == "__main__":
    main()
