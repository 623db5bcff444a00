"""Suggestions, queues and claim memory in the labelling widget: real widgets, real files.

The model is a real ``SuggestionModel`` training in a thread with a low threshold, so the
tests stay fast; the widget code is the same for the default worker process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from factcheck import session
from factcheck.annotator import Annotator
from factcheck.articles import Article
from factcheck.errors import InputError
from factcheck.labels import DEFAULT_SCHEME
from factcheck.provenance import ProvenanceLog, accepted_labels, provenance_path
from factcheck.queues import QueueChoiceLog
from factcheck.student_mode import StudentAnnotator
from factcheck.suggest import MIN_LABELS, SuggestionModel
from tests._widget_helpers import rows_of

ATTACK = '<img src=x onerror="window.__pwned=1">'
FACTS = [
    "The council approved {n} new bus routes on Tuesday, according to the minutes.",
    "Figures from the statistics office show {n} percent more ferry passengers in May.",
    "The port authority confirmed that {n} cranes were replaced last year.",
]
OPINIONS = [
    "Frankly, the new timetable is a disgrace and the mayor should apologise {n} times.",
    "In my view this is the best harbour plan the city has seen in {n} years.",
    "Nobody sensible could think {n} more parking spaces would help anyone.",
]


def corpus_article(count: int = 24, id: str = "harbour") -> Article:
    """A fictional article alternating factual reports and opinions, one paragraph each."""
    lines = []
    for i in range(count):
        pool = FACTS if i % 2 == 0 else OPINIONS
        lines.append(pool[(i // 2) % len(pool)].format(n=i + 2))
    return Article.from_text("\n\n".join(lines), id=id, title="Harbour news")


def gold(index: int) -> str:
    """The label a careful annotator gives sentence ``index`` of ``corpus_article``."""
    return "verified" if index % 2 == 0 else "opinion"


def assisted(tmp_path: Path, **kwargs) -> Annotator:
    model = SuggestionModel(min_labels=4, background="thread")
    return Annotator(
        corpus_article(), annotator="ana", folder=tmp_path, page_size=10, suggest=model, **kwargs
    )


def label_first(ann: Annotator, count: int) -> None:
    """Label the first ``count`` sentences by key, as an annotator does."""
    keys = {label.name: label.key for label in ann.scheme}
    for _ in range(count):
        ann.press(keys[gold(ann.focused.index)])


def chips(ann: Annotator) -> list[str]:
    return [ann._chips[id(row)].value for row in ann.rows if row.sentence_id]


def test_no_suggestion_is_saved_without_the_accept_key(tmp_path: Path):
    """Test that suggestions showing, retraining and paging never add a row to the log."""
    ann = assisted(tmp_path)
    label_first(ann, 5)
    assert ann.wait_for_suggestions(60)
    assert any("suggested:" in chip for chip in chips(ann))
    assert len(rows_of(tmp_path / "ana.csv")) == 5
    label_first(ann, 5)  # a retraining starts
    assert ann.wait_for_suggestions(60)
    assert len(rows_of(tmp_path / "ana.csv")) == 10
    ann.show_page(1)
    ann.show_page(2)
    ann.press("j")
    assert ann.wait_for_suggestions(60)
    assert len(rows_of(tmp_path / "ana.csv")) == 10
    assert len(ann.labels) == 10
    assert not provenance_path(tmp_path / "ana.csv").exists()
    ann.close()


def test_accept_key_writes_the_suggested_label_and_its_provenance(tmp_path: Path):
    """Test that key a saves the focused row's shown suggestion as a label plus one
    provenance line keyed by the log event's timestamp and sentence id."""
    ann = assisted(tmp_path)
    label_first(ann, 6)
    assert ann.wait_for_suggestions(60)
    focused = ann.focused
    shown = ann._shown[focused.id]
    ann.press("a")
    last = rows_of(tmp_path / "ana.csv")[-1]
    assert (last["sentence_id"], last["label"], last["action"]) == (
        focused.id,
        shown.label,
        "label",
    )
    (line,) = provenance_path(tmp_path / "ana.csv").read_text(encoding="utf-8").splitlines()
    entry = json.loads(line)
    assert entry["timestamp"] == last["timestamp"]
    assert entry["sentence_id"] == focused.id
    assert entry["kind"] == "suggestion"
    assert entry["suggested_label"] == shown.label
    assert entry["suggestion_score"] == f"{shown.score:.4f}"
    assert entry["model"] == shown.model and shown.model.startswith("factcheck-tfidf-lr/")
    assert ann.labels[focused.id] == shown.label
    assert ann.focused.id != focused.id  # focus moves on, as after a label key
    assert "accepted suggestion" in ann.status
    ann.close()


def test_a_dataset_counts_accepted_suggestions_still_in_force(tmp_path: Path):
    """Test that accepted_labels counts accepted suggestions, not ones changed by hand later."""
    ann = assisted(tmp_path)
    label_first(ann, 6)
    assert ann.wait_for_suggestions(60)
    first, second = ann.focused, None
    ann.press("a")
    second = ann.focused
    ann.press("a")
    assert len(accepted_labels(ann.log)) == 2
    other = next(n for n in ann.scheme.names if n != ann.labels[first.id])
    ann.label(first.id, other)  # overruled by hand
    counted = accepted_labels(ann.log)
    assert [e.sentence_id for e in counted] == [second.id]
    ann.close()


def test_accept_without_a_suggestion_writes_nothing_and_says_why(tmp_path: Path):
    """Test that key a before the model is ready leaves the log empty and shows readiness."""
    ann = Annotator(
        corpus_article(),
        annotator="ana",
        folder=tmp_path,
        suggest=SuggestionModel(background="thread"),
    )
    ann.press("a")
    assert not (tmp_path / "ana.csv").exists() or rows_of(tmp_path / "ana.csv") == []
    assert f"after {MIN_LABELS} labels" in ann.status
    assert "0 so far" in ann.suggest_label.value
    label_first(ann, 3)
    assert "3 so far" in ann.suggest_label.value
    ann.close()


def test_student_mode_has_no_suggestions_or_claim_memory(tmp_path: Path):
    """Test that suggest=True with an answer key shows no chip, no model, and key a does nothing."""
    article = corpus_article(6)
    first = article.sentences[0]

    @dataclass(frozen=True)
    class Entry:
        article_id: str
        sentence_id: str
        sentence_index: int
        label: str
        explanation: str

    class TinyKey:
        path = "tiny key"
        entries = (Entry(article.id, first.id, 0, "verified", "The minutes say so."),)
        article_ids = (article.id,)

        def get(self, sentence_id: str) -> Entry | None:
            return next((e for e in self.entries if e.sentence_id == sentence_id), None)

        def __contains__(self, sentence_id: object) -> bool:
            return self.get(str(sentence_id)) is not None

    ann = StudentAnnotator(article, annotator="zoe", folder=tmp_path, key=TinyKey(), suggest=True)
    assert ann.model is None
    assert ann._chips == {}
    assert "off in student mode" in ann.status
    assert "a" not in ann._bridge.handled_keys
    assert "accept suggestion" not in ann.keys_label.value
    ann.press("a")
    assert ann.labels == {}
    assert ann.accept_suggestion(first.id) is None
    assert ann.copy_similar(first.id) is None
    assert not provenance_path(ann.log.path).exists()


def write_suggestions(path: Path, article: Article, score: str = "0.81") -> Path:
    """A suggestions CSV (as ``factcheck suggest`` or an external model writes it)."""
    lines = ["article_id,sentence_id,label,score,model"]
    lines += [f"{article.id},{s.id},opinion,0.81,llm-x" for s in article.sentences[:3]]
    lines.append(f"{article.id},{article.sentences[3].id},opinion,{score},llm-x")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_suggestions_file_shows_chips_and_key_a_accepts_one(tmp_path: Path):
    """Test that suggestions= shows a file's rows as chips, says how many in the status line,
    and key a accepts one with the file's model and score as provenance."""
    article = corpus_article(6)
    path = write_suggestions(tmp_path / "sugg.csv", article)
    logs = tmp_path / "logs"
    ann = Annotator(article, annotator="ana", folder=logs, suggestions=path)
    assert "4 suggestion(s) from" in ann.status and "sugg.csv" in ann.status
    assert chips(ann)[0] == session.suggestion_chip_html("opinion", 0.81)
    assert chips(ann)[4] == ""
    assert not (logs / "ana.csv").exists() or rows_of(logs / "ana.csv") == []
    ann.press("a")
    (row,) = rows_of(logs / "ana.csv")
    assert row["label"] == "opinion"
    (entry,) = ProvenanceLog(provenance_path(logs / "ana.csv")).read()
    assert (entry.model, entry.suggestion_score) == ("llm-x", "0.8100")


def test_a_suggestions_file_with_a_score_out_of_range_is_named_and_labelling_works(
    tmp_path: Path,
):
    """Test that a score outside [0, 1] gives a message naming the file and line, no chips."""
    article = corpus_article(6)
    path = write_suggestions(tmp_path / "sugg.csv", article, score="1.7")
    ann = Annotator(article, annotator="ana", folder=tmp_path / "logs", suggestions=path)
    assert "No suggestions shown" in ann.status and "sugg.csv: line 5" in ann.status
    assert all(chip == "" for chip in chips(ann))
    ann.press("a")
    assert ann.labels == {}
    ann.press("1")
    assert len(ann.labels) == 1


def test_a_suggestions_file_for_another_corpus_is_refused_and_labelling_works(tmp_path: Path):
    """Test that a file naming none of the corpus's sentences gives a message and no chips."""
    path = tmp_path / "other.csv"
    path.write_text("article_id,sentence_id,label,score,model\nx,x-1,opinion,0.5,m\n", "utf-8")
    ann = Annotator(corpus_article(6), annotator="ana", folder=tmp_path / "logs", suggestions=path)
    assert "No suggestions shown" in ann.status
    assert all(chip == "" for chip in chips(ann))
    ann.press("1")
    assert len(ann.labels) == 1


def test_a_queue_switch_reorders_and_is_recorded_with_the_model_version(tmp_path: Path):
    """Test that choosing 'likely opinion first' puts predicted opinions first and appends
    the choice with the model version to the queue record."""
    ann = assisted(tmp_path)
    label_first(ann, 8)
    assert ann.wait_for_suggestions(60)
    ann.queue_dropdown.value = "predicted:opinion"
    ids = ann._order_ids()
    unlabelled = [i for i in ids if i not in ann.labels]
    first = [ann._sentence(i) for i in unlabelled[:4]]
    assert sum(gold(s.index) == "opinion" for s in first) >= 3
    assert ann.focused.id == unlabelled[0]
    (choice,) = QueueChoiceLog(tmp_path / "ana.queues.jsonl").read()
    assert (choice.queue, choice.label, choice.n_labels) == ("predicted", "opinion", 8)
    assert choice.model_version == ann.model.version != ""
    assert len(rows_of(tmp_path / "ana.csv")) == 8
    with pytest.raises(InputError, match="not one of"):
        ann.choose_queue("predicted:banana")
    ann.close()


def test_claim_memory_shows_similar_labels_escaped_and_key_c_copies_label_and_note(
    tmp_path: Path,
):
    """Test that a sentence labelled in another article shows for its near-duplicate, with
    its note escaped, and key c copies label and note, recorded as memory provenance."""
    old = Article.from_text(
        "The port authority confirmed that 9 cranes were replaced last year.", id="old"
    )
    Annotator(old, annotator="bo", folder=tmp_path).label(
        old.sentences[0].id, "verified", note=ATTACK
    )
    ann = assisted(tmp_path)
    target = next(s for s in ann.article.sentences if "cranes" in s.text)
    ann.show_article(0, focus=target.id)
    assert ann.wait_for_suggestions(60)  # claim memory answers off the key press
    html = ann.similar_box.value
    assert "verified" in html and "article old" in html
    assert ATTACK not in html and "&lt;img" in html
    ann.press("c")
    assert ann.labels[target.id] == "verified"
    assert ann.notes[target.id] == ATTACK
    (entry,) = ProvenanceLog(provenance_path(tmp_path / "ana.csv")).read()
    assert (entry.kind, entry.model, entry.copied_from) == (
        "memory",
        "claim-memory",
        old.sentences[0].id,
    )
    assert accepted_labels(ann.log) == []  # a copy is not an accepted suggestion
    assert [e.sentence_id for e in accepted_labels(ann.log, kind="memory")] == [target.id]
    ann.close()


def test_assist_keys_are_only_handled_with_assistance_and_a_scheme_key_wins():
    """Test that a and c are not handled without assistance, and a custom label key a wins."""
    assert session.interpret_key("a", DEFAULT_SCHEME) is None
    assert session.interpret_key("a", DEFAULT_SCHEME, assist=True).kind == "accept"
    assert session.interpret_key("c", DEFAULT_SCHEME, assist=True).kind == "copy"
    assert "a accept suggestion" in session.key_hints(DEFAULT_SCHEME, assist=True)
    assert "accept" not in session.key_hints(DEFAULT_SCHEME)


def test_a_torn_last_provenance_line_is_ignored_and_a_bad_line_is_named(tmp_path: Path):
    """Test that reading provenance skips a write cut short and names a corrupt line."""
    path = tmp_path / "ana.provenance.jsonl"
    path.write_text('{"timestamp": "t"', encoding="utf-8")
    assert ProvenanceLog(path).read() == []
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ana\.provenance\.jsonl, line 1"):
        ProvenanceLog(path).read()


def test_an_undone_accepted_suggestion_no_longer_counts(tmp_path: Path):
    """Test that undo after key a leaves the sentence unlabelled and uncounted."""
    ann = assisted(tmp_path)
    label_first(ann, 6)
    assert ann.wait_for_suggestions(60)
    focused = ann.focused
    ann.press("a")
    assert [e.sentence_id for e in accepted_labels(ann.log)] == [focused.id]
    ann.press("u")
    assert focused.id not in ann.labels
    assert accepted_labels(ann.log) == []
    ann.close()


def test_key_c_before_claim_memory_has_answered_copies_the_right_sentence(tmp_path: Path):
    """Test that key c pressed at once after a focus move looks the focused sentence up
    itself instead of copying what was shown for the previous one."""
    old = Article.from_text(
        "The port authority confirmed that 9 cranes were replaced last year.", id="old"
    )
    Annotator(old, annotator="bo", folder=tmp_path).label(old.sentences[0].id, "unconfirmed")
    ann = assisted(tmp_path)
    target = next(s for s in ann.article.sentences if "cranes" in s.text)
    with ann._memory_lock:  # claim memory is busy: the query for the new focus waits
        ann.show_article(0, focus=target.id)
        assert ann._similar_shown_for != target.id
    ann.press("c")
    assert ann.labels[target.id] == "unconfirmed"
    ann.close()


def test_a_queue_without_a_trained_model_keeps_reading_order_and_says_so(tmp_path: Path):
    """Test that 'least certain first' before any model keeps reading order, with a note."""
    ann = assisted(tmp_path)
    before = ann._order_ids()
    ann.queue_dropdown.value = "uncertain"
    assert ann._order_ids() == before
    assert "reading order" in ann.status
    (choice,) = QueueChoiceLog(tmp_path / "ana.queues.jsonl").read()
    assert (choice.queue, choice.model_version) == ("uncertain", "")
    ann.close()


def queue_corpus() -> list[Article]:
    """A mixed article to learn from, then articles of facts only and one of opinions only."""
    mixed = corpus_article(12, id="mixed")
    facts = [
        Article.from_text(
            "\n\n".join(FACTS[(i + a) % 3].format(n=10 * a + i + 40) for i in range(4)),
            id=f"facts-{a}",
            title=f"Facts {a}",
        )
        for a in range(3)
    ]
    opinions = Article.from_text(
        "\n\n".join(OPINIONS[i % 3].format(n=i + 70) for i in range(5)),
        id="opinions",
        title="Opinions",
    )
    return [mixed, facts[0], facts[1], opinions, facts[2]]


def brute_force_top(articles: list[Article], labelled: dict[str, str], model, label: str) -> str:
    """The unlabelled sentence of the whole corpus the model finds likeliest to be ``label``
    (every article split: the oracle the pooled queue must agree with on a small corpus)."""
    todo = [s for a in articles for s in a.sentences if s.id not in labelled]
    proba = model.predict_proba([s.text for s in todo])[:, model.labels.index(label)]
    return todo[int(proba.argmax())].id


def test_a_model_queue_spans_the_corpus_and_labels_reach_the_right_article(tmp_path: Path):
    """Test that under 'likely opinion first' each label by key moves to the likeliest
    opinion anywhere in the corpus (jumping articles), and that every label is logged
    with the article and sentence it was given to."""
    articles = queue_corpus()
    # The first training starts at the 8th label, so the next 4 labels retrain nothing.
    model = SuggestionModel(min_labels=8, background="thread")
    ann = Annotator(articles, annotator="ana", folder=tmp_path, page_size=10, suggest=model)
    label_first(ann, 8)
    assert ann.wait_for_suggestions(60)
    version = ann.model.version
    ann.queue_dropdown.value = "predicted:opinion"
    keys = {label.name: label.key for label in ann.scheme}
    seen_articles = []
    for _ in range(4):  # fewer than RETRAIN_EVERY labels: the same model ranks each step
        expected = brute_force_top(articles, ann.labels, ann.model.model, "opinion")
        assert ann.focused.id == expected
        seen_articles.append(ann.article.id)
        ann.press(keys["opinion"])
    assert ann.model.version == version
    assert "opinions" in seen_articles  # it left the article it started in
    by_id = {s.id: (a.id, s.text) for a in articles for s in a.sentences}
    rows = rows_of(tmp_path / "ana.csv")
    assert len(rows) == 12
    for row in rows:
        assert (row["article_id"], row["text"]) == by_id[row["sentence_id"]]
    assert [r["label"] for r in rows[8:]] == ["opinion"] * 4
    (choice,) = QueueChoiceLog(tmp_path / "ana.queues.jsonl").read()
    assert (choice.queue, choice.label, choice.model_version) == ("predicted", "opinion", version)
    ann.close()


def test_the_uncertain_queue_over_a_corpus_does_not_split_every_article(tmp_path: Path):
    """Test that choosing a model queue over 2,000 articles splits only its pool (the
    shown and prefetched articles plus a small window), not the corpus."""
    from factcheck.queues import POOL_STEP, POOL_WINDOW

    articles = [corpus_article(24, id="mixed")] + [
        Article.from_text(
            f"{FACTS[i % 3].format(n=i)}\n\n{OPINIONS[i % 3].format(n=i)}", id=f"a{i}"
        )
        for i in range(2000)
    ]
    model = SuggestionModel(min_labels=4, background="thread")
    ann = Annotator(articles, annotator="ana", folder=tmp_path, page_size=10, suggest=model)
    label_first(ann, 8)
    assert ann.wait_for_suggestions(60)
    ann.choose_queue("uncertain")
    keys = {label.name: label.key for label in ann.scheme}
    for _ in range(3):
        ann.press(keys["unconfirmed"])
    split = len(ann._catalogue.counts)
    assert split <= POOL_WINDOW + 3 * POOL_STEP + 2
    assert len(rows_of(tmp_path / "ana.csv")) == 11
    ann.close()
