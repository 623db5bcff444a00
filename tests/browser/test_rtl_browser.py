"""Right-to-left articles in a real JupyterLab and chromium: an Arabic article is labelled by
keyboard, its sentences read right to left (computed style and a screenshot), an English
quotation inside stays left to right, and the class report shows the article right to left."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from factcheck.articles import Article
from factcheck.log import log_path
from factcheck.report import write_class_report
from tests.browser.harness import (
    annotator_in,
    expect,
    has_class,
    open_notebook,
    row,
    run_all_cells,
    screenshot_annotator,
    wait_for_rows,
    write_notebook,
)
from tests.test_rtl import class_of

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

# Fictional news text. Sentence 1 is short (so its alignment shows), 2 and 3 mix Arabic with
# Latin names and numbers, 4 is an English quotation (left to right in a right-to-left article).
ARABIC = (
    "هل تكفي الميزانية؟\n\n"
    "قال رئيس بلدية وادي الريحان، سمير حداد، إن الجسر الجديد سيفتح في 3 آذار 2026.\n\n"
    "وأضاف أن الكلفة بلغت 12 مليون دولار، وفق تقرير نشرته BBC.\n\n"
    "“No comment,” said the contractor."
)
DIRECTION = "e => getComputedStyle(e).direction"


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) bytes of an 8-bit non-interlaced PNG (what chromium
    writes), decoded with the standard library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0) and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, channels, rows


def ink_columns(path: Path) -> tuple[int, int, int]:
    """(first, last, width): the leftmost and rightmost pixel columns of a screenshot that
    differ clearly from its background (the top-left pixel), i.e. where the text is drawn."""
    width, channels, rows = png_pixels(path)
    background = rows[0][:3]
    inked = [
        x
        for x in range(width)
        if any(sum(abs(r[x * channels + i] - background[i]) for i in range(3)) > 150 for r in rows)
    ]
    assert inked, f"{path}: no text drawn"
    return inked[0], inked[-1], width


def test_an_arabic_article_is_labelled_by_keyboard_and_reads_right_to_left(
    jupyter_lab, lab_page, tmp_path: Path
):
    """Test that 1/2/3 label three Arabic sentences (the CSV has them), that the Arabic
    sentences have computed direction rtl and the English quotation ltr, and that in a
    screenshot the short Arabic sentence is drawn against the right edge of its box."""
    write_notebook(
        jupyter_lab.root_dir / "rtl.ipynb",
        [
            "from factcheck.annotator import Annotator\n"
            "from factcheck.articles import Article\n"
            f"article = Article.from_text({ARABIC!r}, id='jisr', title='الجسر الجديد')\n"
            "assert article.language == 'ar', article.language\n"
            "Annotator(article, annotator='ana-rtl')",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "rtl.ipynb")
    run_all_cells(lab_page)
    container = annotator_in(lab_page)
    texts = [row(lab_page, i).locator(".fc-text") for i in range(4)]
    assert [t.evaluate(DIRECTION) for t in texts] == ["rtl", "rtl", "rtl", "ltr"]
    assert [t.evaluate("e => getComputedStyle(e).textAlign") for t in texts[:1]] == ["right"]
    assert container.locator(".fc-title").evaluate(DIRECTION) == "rtl"
    # The chrome around the sentence stays left to right: number first, buttons in order.
    assert row(lab_page, 0).evaluate(DIRECTION) == "ltr"
    number, text = row(lab_page, 0).locator(".fc-num"), texts[0]
    assert number.bounding_box()["x"] < text.bounding_box()["x"]

    shown = [t.inner_text() for t in texts]
    texts[0].click()
    for key in ("1", "2", "3"):
        lab_page.keyboard.press(key)
    rows = wait_for_rows(log_path("ana-rtl", jupyter_lab.root_dir / "annotations"), 3)
    assert [(r["sentence_index"], r["label"]) for r in rows] == [
        ("0", "verified"),
        ("1", "unconfirmed"),
        ("2", "opinion"),
    ]
    assert [r["text"] for r in rows] == shown[:3]
    assert {r["language"] for r in rows} == {"ar"}
    article = Article.from_text(ARABIC, id="jisr")
    assert [r["text"] for r in rows] == [s.text for s in article.sentences[:3]]
    expect(row(lab_page, 3)).to_have_class(has_class("fc-focus"))

    screenshot_annotator(lab_page, container, tmp_path / "rtl-widget.png")
    short, quote = tmp_path / "rtl-sentence.png", tmp_path / "ltr-quote.png"
    texts[0].screenshot(path=str(short))
    texts[3].screenshot(path=str(quote))
    first, last, width = ink_columns(short)
    assert width - last < 16, (first, last, width)  # drawn against the right edge
    assert first > width / 3, (first, last, width)  # and the left of the box is empty
    first, last, width = ink_columns(quote)
    assert first < 16 and last < width * 2 / 3, (first, last, width)  # English: at the left
    assert lab_page.console_errors == []


@pytest.fixture
def plain_page(chromium_browser: Browser) -> Iterator[Page]:
    """A fresh page in Debian's chromium (no JupyterLab), for the saved report."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_the_class_report_shows_an_arabic_article_right_to_left(plain_page, tmp_path: Path):
    """Test that the saved report's article view is right to left, with the first Arabic
    sentence at the right of the paragraph and the English quotation left to right."""
    article = Article.from_text(ARABIC, id="jisr", title="الجسر الجديد")
    out = write_class_report(class_of(tmp_path, article), tmp_path / "class", tmp_path / "r.html")
    plain_page.goto(out.as_uri())
    paragraph = plain_page.locator(".fc-article .fc-text")
    assert paragraph.evaluate(DIRECTION) == "rtl"
    spans = paragraph.locator(".fc-s")
    assert spans.count() == len(article.sentences)
    assert [spans.nth(i).evaluate(DIRECTION) for i in range(4)] == ["rtl", "rtl", "rtl", "ltr"]
    box, first = paragraph.bounding_box(), spans.nth(0).bounding_box()
    assert abs((box["x"] + box["width"]) - (first["x"] + first["width"])) < 4
    shot = tmp_path / "report-article.png"
    paragraph.screenshot(path=str(shot))
    _first, last, width = ink_columns(shot)
    assert width - last < 16
