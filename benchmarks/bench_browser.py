"""Benchmark click-to-disk latency of the labelling widget in real front ends and chromium.

For each front end (JupyterLab, Notebook 7) it runs notebooks/01-label-articles.ipynb and
clicks label buttons; the browser notes Date.now() just before each click, the kernel stamps
the CSV row when it records it, and a thread polling the file every 0.2 ms notes when the row
is in it with the log's lock free (fsync done): one machine clock for all three. The naive
route measured in the same run is a stock ipywidgets Button whose handler only records the
row (same AnnotationLog) and marks itself: the floor any widget pays for the round trip.
Prints figures; asserts nothing. Needs chromium and playwright, like tests/browser.

    .venv/bin/python benchmarks/bench_browser.py [--clicks 20] [--frontends lab notebook7]

``--corpus-file`` times instead, in one JupyterLab, how soon a corpus opens in the browser:
``a = factcheck.Annotator("corpus.csv", annotator="bench")`` over a synthetic corpus FILE
of 100,000 rows of 30 sentences (bench_widget.py's generator; CSV and JSONL), beside
100,000 loaded articles (``Annotator(articles)`` after ``load_articles`` in an untimed
cell: the list route) and a 10-row file, each in a fresh kernel whose first cell ran
``import factcheck``. From the browser running the cell (Date.now()) to (a) the first
sentence row drawn with the keyboard bridge attached, and (b) key 1 on that row labelling
it, the row fsynced in the log (polled as for clicks). The kernel's own timestamps
(JupyterLab's recordTiming cell metadata) split (a) into queue, kernel run and render.
``--repeat N`` keeps each route's fastest run (by (a)); the load average is printed.

    .venv/bin/python benchmarks/bench_browser.py --corpus-file [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from bench_widget import write_corpus_file, write_corpus_jsonl  # noqa: E402 (the generator)

from factcheck.log import log_path  # noqa: E402
from tests.browser.harness import (  # noqa: E402 (needs the repository on sys.path)
    ClickTiming,
    JupyterLab,
    _RowWatcher,
    cell_errors,
    copy_label_notebook,
    launch_chromium,
    open_notebook,
    open_notebook7,
    run_all_cells,
    start_jupyter_lab,
    start_notebook7,
    time_click,
    wait_for_idle,
    write_notebook,
)

LABELS = ("verified", "unconfirmed", "opinion")
READY = ".fc-annotator[data-fc-ready]:not([data-fc-old])"
SENTENCES = 10  # rows of the first bundled sample article, the one the notebook shows first
TARGET_MS = 100.0  # the target for a click to be on disk


def label_notebook(server: JupyterLab, name: str, annotator: str) -> str:
    """Copy the labelling notebook into the server's root with the annotator's name set."""
    copy_label_notebook(server, name, annotator)  # the browser tests' copy (any placeholder)
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
    log = log_path(f"bench-{frontend}", server.root_dir / "annotations")
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
    log = log_path("bare-button", server.root_dir / "annotations")
    bare = []
    for click in range(clicks):
        bare.append(time_click(page, f".bare-{click}", log))
        time.sleep(pause)
    server.shutdown_kernels()
    return annotator, bare


# ----- --corpus-file: how soon a corpus opens in JupyterLab (issue 10 item 1) -----

FIRST_ROW = f"{READY} .fc-row-0 .fc-text"
OPEN_TARGET_S = 2.0  # the target: interactive in under 2 s
SETUP_TIMEOUT_MS = 600_000  # load_articles over 100,000 rows takes about 30 s, more if loaded
# JupyterLab writes the kernel's timestamps of each run into the cell's metadata.
_TIMING_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"recordTiming": True}
}

# Runs cell `index` as Ctrl+Enter does and resolves once `selector` is drawn (checked each
# animation frame: laid out, with text): [Date.now() at the run, Date.now() drawn, its text].
_RUN_AND_WATCH_JS = """async ([index, selector, timeoutMs]) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  document.querySelectorAll('.fc-annotator').forEach((e) => { e.dataset.fcOld = '1'; });
  notebook.activeCellIndex = index;
  notebook.mode = 'command';
  const drawn = new Promise((resolve) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      const element = document.querySelector(selector);
      if (element && element.getClientRects().length > 0 && element.textContent.trim()) {
        resolve([Date.now(), element.textContent.trim()]);
      } else if (Date.now() > deadline) {
        resolve([null, '']);
      } else {
        requestAnimationFrame(check);
      }
    };
    requestAnimationFrame(check);
  });
  const ran = Date.now();
  window.jupyterapp.commands.execute('notebook:run-cell');
  const [shown, text] = await drawn;
  return [ran, shown, text];
}"""

_CELL_DONE_JS = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.model.cells.get(index);
  return cell.executionCount !== null;
}"""

_CELL_TIMING_JS = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.model.cells.get(index);
  return cell.toJSON().metadata.execution || null;
}"""


# Column heading -> OpenTiming.stages key.
OPEN_HEADINGS = {
    "to kernel": "to kernel",
    "kernel run": "kernel run",
    "render": "render",
    "row shown": "cell to row shown",
    "label on disk": "cell to label fsynced",
    "key to disk": "key to fsynced",
}


@dataclass(frozen=True)
class CorpusRoute:
    """One way of opening a corpus: its folder in the server root, untimed setup, timed cell."""

    name: str
    folder: str
    notebook: str
    rows: int
    setup: str
    cell: str
    corpus: str  # the file the cells read, in ``folder``


@dataclass(frozen=True)
class OpenTiming:
    """One timed open, in epoch seconds of the machine's one clock (browser, kernel, us)."""

    ran: float  # the browser ran the cell
    kernel_started: float  # the kernel's execute_input message
    kernel_done: float  # the kernel's execute_reply: built, displayed, comm messages sent
    shown: float  # the first sentence row drawn, keyboard bridge attached
    key: float  # just before key 1 was pressed on that row
    on_disk: float  # the label's row was in the log with the log's lock free (fsynced)

    @property
    def stages(self) -> dict[str, float]:
        """Seconds of each stage, and the two totals the issue asks about."""
        return {
            "to kernel": self.kernel_started - self.ran,
            "kernel run": self.kernel_done - self.kernel_started,
            "render": self.shown - self.kernel_done,
            "cell to row shown": self.shown - self.ran,
            "cell to label fsynced": self.on_disk - self.ran,
            "key to fsynced": self.on_disk - self.key,
        }


def corpus_routes(rows: int, small: int) -> list[CorpusRoute]:
    """The file routes (CSV, JSONL), the list route over the same rows, and a small file."""
    cell = 'a = factcheck.Annotator("{corpus}", annotator="bench")\na'
    setup = "import factcheck"
    loaded = 'import factcheck\narticles = factcheck.load_articles("corpus.csv")'
    listed = 'a = factcheck.Annotator(articles, annotator="bench")\na'
    big, jsonl, tiny = f"csv-{rows}", f"jsonl-{rows}", f"csv-{small}"
    return [
        CorpusRoute(f"file CSV {rows:,}", big, "file.ipynb", rows, setup, cell, "corpus.csv"),
        CorpusRoute(f"file JSONL {rows:,}", jsonl, "file.ipynb", rows, setup, cell, "corpus.jsonl"),
        CorpusRoute(f"loaded {rows:,}", big, "loaded.ipynb", rows, loaded, listed, "corpus.csv"),
        CorpusRoute(f"file CSV {small:,}", tiny, "file.ipynb", small, setup, cell, "corpus.csv"),
    ]


def write_corpora(root: Path, routes: list[CorpusRoute]) -> dict[str, float]:
    """Write each route's corpus file (once per folder) and notebook; file sizes in MB."""
    sizes: dict[str, float] = {}
    for route in routes:
        folder = root / route.folder
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / route.corpus
        if not path.exists():
            if path.suffix == ".jsonl":  # bench_widget's CSV, converted row by row
                write_corpus_jsonl(folder / f"corpus-{route.rows}.csv", path)
            else:
                write_corpus_file(path, route.rows)
        sizes[route.name] = path.stat().st_size / 1e6
        write_notebook(
            folder / route.notebook, [route.setup, route.cell.format(corpus=route.corpus)]
        )
    return sizes


def kernel_time(stamp: str) -> float:
    """Epoch seconds of a kernel message timestamp (ISO 8601, UTC)."""
    return datetime.fromisoformat(stamp).timestamp()


def run_setup_cell(page, timeout_ms: int) -> None:
    """Run cell 0 (untimed) and wait until it has run and the kernel is idle."""
    page.evaluate(
        """() => {
          const notebook = window.jupyterapp.shell.currentWidget.content;
          notebook.activeCellIndex = 0;
          notebook.mode = 'command';
          window.jupyterapp.commands.execute('notebook:run-cell');
        }"""
    )
    page.wait_for_function(_CELL_DONE_JS, arg=0, timeout=timeout_ms, polling=100)
    wait_for_idle(page, timeout=timeout_ms)
    if errors := cell_errors(page):
        raise RuntimeError("the setup cell raised: " + "; ".join(errors))


def time_open(page, server: JupyterLab, route: CorpusRoute, timeout_ms: int) -> OpenTiming:
    """Open the route's notebook in a fresh kernel, run its setup, then time the open cell,
    the first row drawn, and key 1 on it until the label is fsynced in the log."""
    folder = server.root_dir / route.folder
    shutil.rmtree(folder / "annotations", ignore_errors=True)  # every run starts unlabelled
    open_notebook(page, server, f"{route.folder}/{route.notebook}")
    run_setup_cell(page, SETUP_TIMEOUT_MS)
    ran, shown, text = page.evaluate(_RUN_AND_WATCH_JS, [1, FIRST_ROW, timeout_ms])
    if shown is None:
        raise RuntimeError(
            f"{route.name}: no sentence row was drawn within {timeout_ms / 1000:.0f} s "
            f"({'; '.join(cell_errors(page)) or 'no error in the cell'}); see {server.log_path}"
        )
    if not text.startswith("Council 0 said ward 0 spent"):
        raise RuntimeError(f"{route.name}: the first row shows {text!r}, not article 1's text")
    log = log_path("bench", folder / "annotations")
    page.locator(FIRST_ROW).click()  # the row takes the keyboard focus, as a user does
    watcher = _RowWatcher(log, 0, timeout_ms / 1000)
    watcher.start()
    try:
        key = time.time()
        page.keyboard.press("1")
        watcher.join(timeout_ms / 1000)
    finally:
        watcher.stop = True
        watcher.join()
    if watcher.seen is None:
        raise RuntimeError(f"{route.name}: key 1 wrote no row to {log}")
    (logged,) = csv.DictReader(io.StringIO(watcher.data.decode("utf-8")))  # header + row
    if (logged["article_id"], logged["sentence_index"], logged["label"]) != (
        "a000000",
        "0",
        "verified",
    ):
        raise RuntimeError(f"{route.name}: key 1 logged {logged}, not a000000 sentence 0")
    page.wait_for_function(_CELL_DONE_JS, arg=1, timeout=timeout_ms, polling=100)
    wait_for_idle(page, timeout=timeout_ms)
    stamps = page.evaluate(_CELL_TIMING_JS, 1)
    if not stamps or "shell.execute_reply" not in stamps:
        raise RuntimeError(f"{route.name}: JupyterLab recorded no timing for the cell: {stamps}")
    server.shutdown_kernels()
    return OpenTiming(
        ran=ran / 1000,
        kernel_started=kernel_time(stamps["iopub.execute_input"]),
        kernel_done=kernel_time(stamps["shell.execute_reply"]),
        shown=shown / 1000,
        key=key,
        on_disk=watcher.seen,
    )


def corpus_file(args: argparse.Namespace) -> None:
    """--corpus-file: time each route ``args.repeat`` times, interleaved; print the fastest."""
    from playwright.sync_api import sync_playwright

    routes = corpus_routes(args.rows, args.small_rows)
    base = Path(tempfile.mkdtemp(prefix="bench-corpus-file-"))
    server = start_jupyter_lab(base)
    runs: dict[str, list[OpenTiming]] = {route.name: [] for route in routes}
    try:
        for relative, values in _TIMING_SETTINGS.items():
            path = server.settings_dir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        started = time.monotonic()
        sizes = write_corpora(server.root_dir, routes)
        print(
            f"corpora written in {server.root_dir} ({time.monotonic() - started:.0f} s): "
            + ", ".join(f"{name} {mb:.1f} MB" for name, mb in sizes.items())
        )
        load_before = os.getloadavg()
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1366, "height": 900})
                for repeat in range(args.repeat):
                    for route in routes:
                        timing = time_open(page, server, route, args.timeout * 1000)
                        runs[route.name].append(timing)
                        print(
                            f"  run {repeat + 1} {route.name}: row shown "
                            f"{timing.stages['cell to row shown']:.2f} s, label fsynced "
                            f"{timing.stages['cell to label fsynced']:.2f} s",
                            flush=True,
                        )
            finally:
                browser.close()
        load_after = os.getloadavg()
        big = server.root_dir / routes[0].folder / routes[0].corpus
        kernel = kernel_stages(big, base / "kernel-stages", args.repeat)
    finally:
        server.shutdown_kernels()
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
    print_open_table(routes, runs, args.repeat)
    print(
        f"Kernel work of the {routes[0].name} cell, stage by stage (fresh process after "
        f"import factcheck, fastest of {args.repeat}; sum {sum(kernel.values()):.2f} s): "
        + "; ".join(f"{stage} {seconds:.2f}" for stage, seconds in kernel.items())
    )
    print(
        "load average (1, 5, 15 min) before: "
        + " ".join(f"{v:.2f}" for v in load_before)
        + "; after: "
        + " ".join(f"{v:.2f}" for v in load_after)
        + f" ({os.cpu_count()} cores)"
    )


KERNEL_STAGES = (
    "import annotator",
    "open file (heads)",
    "language model",
    "clean row 1",
    "split article 1",
    "widgets + rest",
)


# Run by ``python -c`` in a fresh process (this module imports the annotator, a notebook's
# kernel has not): after ``import factcheck``, as the notebook's first cell, the timed
# cell's kernel work stage by stage; prints JSON seconds. argv: corpus path, log folder.
KERNEL_CHILD = """
import itertools, json, sys, time
import factcheck
from factcheck import _catalogue

path, folder = sys.argv[1:3]
clock = time.perf_counter
times = [clock()]
annotator = factcheck.Annotator  # the lazy import the cell's first line does
times.append(clock())
corpus = _catalogue.open_corpus(path)
times.append(clock())
factcheck.detect_language("Council said ward spent thousands on repairs.")  # loads the model
times.append(clock())
article = corpus[0]
times.append(clock())
factcheck.split_sentences(article.text, article_id=article.id, edits=article.edits)
times.append(clock())
annotator(corpus, annotator="bench", folder=folder)  # row 1 cached; split again, row 2 too
times.append(clock())
spans = [b - a for a, b in itertools.pairwise(times)]
print(json.dumps(dict(zip(json.loads(sys.argv[3]), spans, strict=True))))
"""


def kernel_stages(path: Path, folder: Path, repeat: int) -> dict[str, float]:
    """The fastest of ``repeat`` fresh-process runs of ``KERNEL_CHILD``, stage by stage."""
    runs = []
    for n in range(repeat):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                KERNEL_CHILD,
                str(path),
                str(folder / str(n)),
                json.dumps(KERNEL_STAGES),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return min(runs, key=lambda stages: sum(stages.values()))


def print_open_table(
    routes: list[CorpusRoute], runs: dict[str, list[OpenTiming]], repeat: int
) -> None:
    """The fastest run of each route (by cell to row shown), in seconds, with ratios."""
    best = {
        name: min(timings, key=lambda t: t.stages["cell to row shown"])
        for name, timings in runs.items()
    }
    small = best[routes[-1].name].stages
    loaded = best[routes[2].name].stages
    print(
        f"\nCorpus open in JupyterLab, seconds (fastest of {repeat} by row shown; issue target: "
        f"interactive in < {OPEN_TARGET_S:.0f} s)"
    )
    small_rows = f"÷ {routes[-1].rows:,} rows"
    print(
        f"{'route':<20} "
        + " ".join(f"{heading:>13}" for heading in OPEN_HEADINGS)
        + f" {small_rows:>12} {'÷ loaded':>9}"
    )
    for route in routes:
        figures = best[route.name].stages
        shown = figures["cell to row shown"]
        print(
            f"{route.name:<20} "
            + " ".join(f"{figures[stage]:>13.2f}" for stage in OPEN_HEADINGS.values())
            + f" {shown / small['cell to row shown']:>11.1f}x"
            + f" {shown / loaded['cell to row shown']:>8.1f}x"
        )
    print(
        "to kernel: browser runs the cell -> kernel's execute_input; kernel run: -> its "
        "execute_reply (Annotator built, displayed); render: -> first row drawn; label "
        "fsynced: cell run -> key 1's row on disk (a click on the row, then the key)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--frontends", nargs="+", default=["lab", "notebook7"])
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between clicks")
    parser.add_argument(
        "--corpus-file",
        action="store_true",
        help="time opening a corpus file, loaded articles and a small file instead",
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the corpus file")
    parser.add_argument("--small-rows", type=int, default=10, help="rows of the small file")
    parser.add_argument("--repeat", type=int, default=1, help="runs per route; keeps the fastest")
    parser.add_argument("--timeout", type=int, default=120, help="seconds to wait for a row")
    args = parser.parse_args()
    if args.corpus_file:
        corpus_file(args)
        return
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
