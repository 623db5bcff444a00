"""A corpus FILE opened lazily in a real JupyterLab and chromium: position, search, key, CSV.

``Annotator("corpus.csv")`` reads only each row's head and byte offset up front and cleans a
row when it is shown (``factcheck._catalogue.CorpusFile``). 20,000 rows keep CI quick (the
file is written in about a second and opens in well under one) while the file stays above
``FAST_MIN_BYTES``, so it takes the same pyarrow route as a 100,000-row corpus; the late
article searched for is the file's last row, reached by its byte offset. The 100,000-row
timings are ``benchmarks/bench_browser.py --corpus-file``'s.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

import factcheck
from factcheck import _catalogue
from factcheck.log import log_path
from tests._scripts import benchmark
from tests.browser.harness import (
    READY,
    annotator_in,
    expect,
    open_notebook,
    row,
    run_all_cells,
    wait_for_rows,
    write_notebook,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ROWS = 20_000


def bench_widget():
    """benchmarks/bench_widget.py, whose corpus generator the benchmark uses too."""
    return benchmark("bench_widget")


def last_article(path: Path, folder: Path) -> factcheck.Article:
    """The file's last row as the eager loader makes it (read with the csv module, written
    to a one-row corpus): what the lazy route must show and log, found without it."""
    csv.field_size_limit(2**31 - 1)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        *_, last = reader
    single = folder / "last-row.csv"
    with single.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, last])
    (article,) = factcheck.load_articles(single)
    return article


def test_a_20000_row_corpus_file_opens_finds_a_late_article_and_logs_its_ids(
    jupyter_lab, lab_page, tmp_path
):
    """Test that Annotator("corpus.csv") over 20,000 rows shows article 1 of 20,000, that the
    search box finds the file's last article by title and opens it, and that key 1 logs its
    first sentence with the article and sentence ids the file's row gives."""
    folder = jupyter_lab.root_dir / "corpus-file"
    folder.mkdir()
    path = bench_widget().write_corpus_file(folder / "corpus.csv", ROWS)
    assert path.stat().st_size >= _catalogue.FAST_MIN_BYTES  # the 100,000-row route
    expected = last_article(path, tmp_path)
    first = expected.sentences[0]
    assert expected.id == f"a{ROWS - 1:06d}"
    write_notebook(
        folder / "open.ipynb",
        [
            "import factcheck",
            'a = factcheck.Annotator("corpus.csv", annotator="ana-file")\na',
            # The lazy route, not every row loaded first (which would show the same page).
            'assert type(a.articles).__name__ == "CorpusFile", type(a.articles)',
        ],
    )
    open_notebook(lab_page, jupyter_lab, "corpus-file/open.ipynb")
    started = time.monotonic()
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    expect(container.locator(".fc-title")).to_have_text("Ward spending report 0")
    expect(container).to_contain_text(f"article 1 of {ROWS:,}")
    opened = time.monotonic() - started

    search = container.get_by_placeholder("find an article: title, id or source")
    search.fill(f"spending report {ROWS - 1}")
    started = time.monotonic()
    container.locator("select").first.select_option(label=f"{ROWS}. {expected.title}")
    expect(container.locator(".fc-title")).to_have_text(expected.title)
    expect(container).to_contain_text(f"article {ROWS:,} of {ROWS:,}")
    found = time.monotonic() - started
    expect(row(lab_page, 0).locator(".fc-text")).to_have_text(first.text)

    row(lab_page, 0).locator(".fc-text").click()
    lab_page.keyboard.press("1")
    (logged,) = wait_for_rows(log_path("ana-file", folder / "annotations"), 1)
    print(
        f"{ROWS:,}-row corpus file: run all to interactive {opened:.2f} s; search pick {found:.2f} s"
    )
    assert (logged["article_id"], logged["sentence_id"], logged["sentence_index"]) == (
        expected.id,
        first.id,
        "0",
    )
    assert (logged["label"], logged["action"], logged["text"]) == ("verified", "label", first.text)
    expect(lab_page.locator(f"{READY} .fc-row-0 .fc-btn.fc-chosen")).to_have_text("verified")
    assert lab_page.console_errors == []
