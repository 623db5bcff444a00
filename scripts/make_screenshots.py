"""Regenerate the README screenshots of the labelling widget (docs/screenshots/*.png).

Starts an isolated JupyterLab in a temporary folder (the browser tests' harness), runs the
labelling notebook on the bundled sample in Debian's chromium, labels a few sentences by
keyboard (with a note and a flag), and saves the widget in the light and dark themes.
Tests never write these files; run this script after changing how the widget looks:

    .venv/bin/python scripts/make_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.browser.harness is not installed with the package

from tests.browser.harness import (  # noqa: E402
    THEMES,
    annotator_in,
    copy_label_notebook,
    expect,
    has_class,
    launch_chromium,
    missing_browser_requirements,
    open_notebook,
    row,
    run_all_cells,
    screenshot_annotator,
    set_theme,
    start_jupyter_lab,
)

VIEWPORT = {"width": 1280, "height": 900}


def make_screenshots(out: Path, themes: tuple[str, ...] = ("light", "dark")) -> list[Path]:
    """Save ``annotator-<theme>.png`` in ``out`` for each theme; return the paths written."""
    from playwright.sync_api import sync_playwright

    written = []
    with tempfile.TemporaryDirectory(prefix="factcheck-shots-") as temp:
        lab = start_jupyter_lab(Path(temp))
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    for theme in themes:
                        page = browser.new_context(viewport=VIEWPORT).new_page()
                        name = f"shot-{theme}.ipynb"
                        copy_label_notebook(lab, name, "ana")
                        open_notebook(page, lab, name)
                        set_theme(page, theme)
                        run_all_cells(page)
                        container = annotator_in(page)
                        _label_a_few(page)
                        written.append(
                            screenshot_annotator(page, container, out / f"annotator-{theme}.png")
                        )
                        page.context.close()
                        lab.shutdown_kernels()
                        lab.reset_user_settings()
                        # Each theme starts from no labels (the next run would resume these).
                        shutil.rmtree(lab.root_dir / "annotations", ignore_errors=True)
                finally:
                    browser.close()
        finally:
            lab.shutdown_kernels()
            lab.stop()
    return written


def _label_a_few(page) -> None:
    """Label three sentences by keyboard, give the second a note and flag it."""
    row(page, 0).locator(".fc-text").click()
    page.keyboard.press("1")
    page.keyboard.press("e")
    page.wait_for_function("() => document.activeElement?.closest?.('.fc-row-1') != null")
    page.keyboard.type("agency figure only, no second source")
    page.keyboard.press("Enter")
    expect(page.locator(".fc-status")).to_contain_text("saved with the label")
    page.keyboard.press("2")
    page.keyboard.press("k")
    page.keyboard.press("f")
    expect(row(page, 1)).to_have_class(has_class("fc-flagged"))
    page.keyboard.press("j")
    page.keyboard.press("3")
    expect(row(page, 2).locator(".fc-btn.fc-chosen")).to_have_text("opinion")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--theme", choices=sorted(THEMES), action="append")
    args = parser.parse_args(argv)
    if missing := missing_browser_requirements():
        print(f"make_screenshots: missing {', '.join(missing)}", file=sys.stderr)
        return 1
    for path in make_screenshots(args.out, tuple(args.theme or ("light", "dark"))):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
