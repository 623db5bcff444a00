"""Model assistance in a real JupyterLab and chromium: the queue dropdown across a corpus, and
claim memory (similar labelled sentences for the focused one, key c copies label and note).

Each test runs a notebook in the lab started by tests/browser/conftest.py, acts with the
mouse and keyboard, and checks the files the kernel writes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from factcheck.log import log_path
from tests.browser.harness import (
    annotator_in,
    cell_errors,
    expect,
    open_notebook,
    row,
    run_all_cells,
    wait_for_rows,
    write_notebook,
)

pytestmark = pytest.mark.browser

ATTACK = '<img src=x onerror="window.__pwned=1">'

CORPUS = """\
from factcheck.articles import Article
FACTS = [
    'The council approved {n} new bus routes on Tuesday, according to the minutes.',
    'Figures from the statistics office show {n} percent more ferry passengers in May.',
    'The port authority confirmed that {n} cranes were replaced last year.',
]
OPINIONS = [
    'Frankly, the new timetable is a disgrace and the mayor should apologise {n} times.',
    'In my view this is the best harbour plan the city has seen in {n} years.',
    'Nobody sensible could think {n} more parking spaces would help anyone.',
]
mixed = Article.from_text(
    '\\n\\n'.join((FACTS if i % 2 == 0 else OPINIONS)[(i // 2) % 3].format(n=i + 2)
                for i in range(12)), id='mixed', title='Mixed news')
facts = [Article.from_text('\\n\\n'.join(FACTS[(i + a) % 3].format(n=10 * a + i + 40)
                                       for i in range(4)), id=f'facts-{a}', title=f'Facts {a}')
         for a in range(3)]
opinions = Article.from_text('\\n\\n'.join(OPINIONS[i % 3].format(n=i + 70) for i in range(5)),
                             id='opinions', title='Opinions')
articles = [mixed, facts[0], facts[1], opinions, facts[2]]
"""


def wait_for_file(path: Path, timeout: float = 15.0) -> str:
    """The text of ``path`` once it exists and is not empty."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and path.stat().st_size:
            return path.read_text(encoding="utf-8")
        time.sleep(0.1)
    raise AssertionError(f"{path} was not written within {timeout:.0f} s")


def test_the_queue_dropdown_makes_the_next_key_follow_the_model_across_articles(
    jupyter_lab, lab_page
):
    """Test that choosing 'Likely opinion first' focuses the likeliest opinion in the corpus
    (another article), that each opinion key press moves to the next one the model ranks,
    wherever it is, and that the CSV and the queue record say so."""
    write_notebook(
        jupyter_lab.root_dir / "queue.ipynb",
        [
            CORPUS,
            "import json\n"
            "from factcheck.annotator import Annotator\n"
            "from factcheck.suggest import SuggestionModel\n"
            "model = SuggestionModel(min_labels=8, background='thread')\n"
            "ann = Annotator(articles, annotator='ana-queue', suggest=model, page_size=10)\n"
            "for s in mixed.sentences[:8]:\n"
            "    ann.label(s.id, 'verified' if s.index % 2 == 0 else 'opinion')\n"
            "assert ann.wait_for_suggestions(120)\n"
            "m = ann.model.model\n"
            "todo = [s for a in articles for s in a.sentences if s.id not in ann.labels]\n"
            "p = m.predict_proba([s.text for s in todo])[:, m.labels.index('opinion')]\n"
            "best = sorted(range(len(todo)), key=lambda i: -p[i])[:3]\n"
            "where = {s.id: a.title for a in articles for s in a.sentences}\n"
            "expected = [(todo[i].id, todo[i].text, where[todo[i].id]) for i in best]\n"
            "json.dump({'expected': expected, 'version': m.version},\n"
            "          open('queue-expected.json', 'w'))\n"
            "ann",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "queue.ipynb")
    run_all_cells(lab_page)
    assert cell_errors(lab_page) == []
    container = annotator_in(lab_page)
    oracle = json.loads(wait_for_file(jupyter_lab.root_dir / "queue-expected.json"))
    expected, version = oracle["expected"], oracle["version"]
    expect(container.locator(".fc-title")).to_have_text("Mixed news")
    queue = container.locator(".widget-dropdown", has_text="Queue").locator("select")
    queue.select_option(label="Likely opinion first")
    log = log_path("ana-queue", jupyter_lab.root_dir / "annotations")
    focused = container.locator(".fc-row.fc-focus .fc-text")
    titles = []
    for sentence_id, text, title in expected:
        expect(container.locator(".fc-title")).to_have_text(title)
        expect(focused).to_have_text(text)
        titles.append(title)
        focused.click()  # keyboard focus to the list; the click keeps the focused row
        lab_page.keyboard.press("3")
        logged = wait_for_rows(log, 8 + len(titles))[-1]
        assert (logged["sentence_id"], logged["label"], logged["text"]) == (
            sentence_id,
            "opinion",
            text,
        )
        assert logged["article_id"] == sentence_id.rsplit("-", 2)[0]
    assert set(titles) != {"Mixed news"}  # it left the article it started in
    record = log.with_name(f"{log.stem}.queues.jsonl")
    (choice,) = [json.loads(line) for line in wait_for_file(record).splitlines()]
    assert (choice["queue"], choice["label"], choice["model_version"]) == (
        "predicted",
        "opinion",
        version,
    )
    assert lab_page.console_errors == []


def test_claim_memory_shows_similar_sentences_and_key_c_copies_label_and_note(
    jupyter_lab, lab_page
):
    """Test that focusing a sentence shows the similar sentence another annotator labelled in
    another article (label, article, note escaped), and key c copies its label and note to
    the CSV with a memory provenance line."""
    write_notebook(
        jupyter_lab.root_dir / "memory.ipynb",
        [
            "from factcheck.annotator import Annotator\n"
            "from factcheck.articles import Article\n"
            "from factcheck.suggest import SuggestionModel\n"
            "old = Article.from_text('The port authority confirmed that 9 cranes were '\n"
            "                        'replaced last year.', id='old-port', title='Old')\n"
            f"note = 'https://evidence.example.test/cranes ' + {ATTACK!r}\n"
            "Annotator(old, annotator='bo-memory').label(old.sentences[0].id, 'verified',\n"
            "                                            note=note)\n"
            "new = Article.from_text('The mayor opened the fair on Sunday. The port authority '\n"
            "                        'confirmed that 11 cranes were replaced last year.',\n"
            "                        id='new-port', title='New')\n"
            "Annotator(new, annotator='ana-memory',\n"
            "          suggest=SuggestionModel(background='thread'))",
        ],
    )
    open_notebook(lab_page, jupyter_lab, "memory.ipynb")
    run_all_cells(lab_page)
    assert cell_errors(lab_page) == []
    container = annotator_in(lab_page)
    similar = container.locator(".fc-similar")
    second = row(lab_page, 1)
    second.locator(".fc-text").click()
    expect(similar).to_contain_text("verified")
    expect(similar).to_contain_text("article old-port")
    expect(similar).to_contain_text("https://evidence.example.test/cranes <img src=x")
    assert lab_page.evaluate("() => window.__pwned") is None
    assert container.locator(".fc-similar img").count() == 0
    lab_page.keyboard.press("c")
    log = log_path("ana-memory", jupyter_lab.root_dir / "annotations")
    (logged,) = wait_for_rows(log, 1)
    assert (logged["sentence_index"], logged["label"], logged["note"]) == (
        "1",
        "verified",
        f"https://evidence.example.test/cranes {ATTACK}",
    )
    provenance = log.with_name(f"{log.stem}.provenance.jsonl")
    (entry,) = [json.loads(line) for line in wait_for_file(provenance).splitlines()]
    assert (entry["kind"], entry["model"], entry["sentence_id"]) == (
        "memory",
        "claim-memory",
        logged["sentence_id"],
    )
    assert entry["copied_from"].startswith("old-port-")
    expect(second.locator(".fc-btn.fc-chosen")).to_have_text("verified")
    expect(container.locator(".fc-status")).to_contain_text("copied from a similar")
    assert lab_page.console_errors == []
