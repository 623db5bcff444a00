"""Queues: reading, uncertainty-first and predicted-label order, and the record of queue choices."""

from __future__ import annotations

import json

import numpy as np
import pytest

from factcheck import InputError
from factcheck.queues import QueueChoiceLog, order_queue, queue_log_path, uncertainty
from factcheck.sentences import Sentence
from factcheck.suggest import train

from .test_suggest import OPINION, UNCONFIRMED, VERIFIED


def sentences(texts: list[str], article_id: str = "a1") -> list[Sentence]:
    return [
        Sentence(f"{article_id}-{i:04d}", i, 0, len(t), t, article_id=article_id)
        for i, t in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def model():
    """A model trained on the three labels (12 sentences each)."""
    texts = VERIFIED + UNCONFIRMED + OPINION
    return train(texts, ["verified"] * 12 + ["unconfirmed"] * 12 + ["opinion"] * 12)


CANDIDATES = [
    "Court records show the contract was signed in May.",  # clearly verified
    "The mayor reportedly called the audit report a disgrace, records show.",  # mixed cues
    "The plan is a disgrace and should be scrapped.",  # clearly opinion
    "Posts shared online claim the tram was cancelled.",  # clearly unconfirmed
]


def test_reading_queue_keeps_reading_order_and_skips_labelled_sentences():
    """Test that the reading queue lists unlabelled sentences in their order."""
    queue = order_queue(sentences(CANDIDATES), "reading", labelled={"a1-0001"})
    assert queue.sentence_ids == ("a1-0000", "a1-0002", "a1-0003")
    assert (queue.used, queue.model_version, queue.note) == ("reading", "", "")


def test_uncertain_queue_puts_the_least_certain_sentence_first(model):
    """Test that the uncertainty queue follows the model's margin, smallest margin first."""
    items = sentences(CANDIDATES)
    queue = order_queue(items, "uncertain", model=model)
    margins = uncertainty(model.predict_proba(CANDIDATES))
    expected = tuple(items[i].id for i in np.argsort(-margins, kind="stable"))
    assert queue.sentence_ids == expected
    assert queue.sentence_ids[0] == "a1-0001"  # the sentence with mixed cues
    assert (queue.used, queue.model_version) == ("uncertain", model.version)


def test_predicted_queue_puts_the_likeliest_sentences_of_a_label_first(model):
    """Test that 'likely opinion first' starts with the opinion sentence, ends without it."""
    queue = order_queue(sentences(CANDIDATES), "predicted", model=model, label="opinion")
    assert queue.sentence_ids[0] == "a1-0002"
    assert queue.label == "opinion" and queue.used == "predicted"


def test_without_a_model_the_queue_falls_back_to_reading_order_and_says_so():
    """Test that an uncertainty queue before any model keeps reading order with a note."""
    queue = order_queue(sentences(CANDIDATES), "uncertain")
    assert queue.sentence_ids == ("a1-0000", "a1-0001", "a1-0002", "a1-0003")
    assert queue.used == "reading" and "No suggestion model yet" in queue.note


def test_a_label_the_model_never_saw_falls_back_with_a_note(model):
    """Test that 'likely satire first' with no satire labels keeps reading order and says why."""
    queue = order_queue(sentences(CANDIDATES), "predicted", model=model, label="satire")
    assert queue.used == "reading" and "no 'satire' labels" in queue.note


def test_unknown_queue_and_predicted_without_label_are_clear_errors():
    """Test that a misspelt queue name and a label-less predicted queue raise ValueError."""
    with pytest.raises(ValueError, match="Unknown queue 'uncertainty'; choose one of reading"):
        order_queue([], "uncertainty")
    with pytest.raises(ValueError, match="needs a label"):
        order_queue([], "predicted")


def test_uncertainty_is_one_for_a_coin_toss_and_zero_when_sure():
    """Test the margin measure on hand-made probabilities."""
    proba = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.6, 0.3, 0.1]])
    assert uncertainty(proba) == pytest.approx([1.0, 0.0, 0.7])


def test_queue_choices_are_recorded_with_the_model_version_and_read_back(tmp_path, model):
    """Test that each queue switch is one fsynced JSON line with the model version."""
    path = queue_log_path("ana", tmp_path)
    assert path.name == "ana.queues.jsonl"
    log = QueueChoiceLog(path)
    log.record("ana", "uncertain", model_version=model.version, n_labels=36)
    log.record("ana", "predicted", label="opinion", model_version=model.version, n_labels=40)
    choices = log.read()
    assert [(c.queue, c.label, c.model_version, c.n_labels) for c in choices] == [
        ("uncertain", "", model.version, 36),
        ("predicted", "opinion", model.version, 40),
    ]
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["annotator"] == "ana"


def test_a_torn_last_queue_choice_is_ignored_and_a_bad_line_is_named(tmp_path):
    """Test that a cut-off last line is skipped and a damaged middle line names its line."""
    log = QueueChoiceLog(tmp_path / "ana.queues.jsonl")
    log.record("ana", "reading")
    with log.path.open("a", encoding="utf-8") as handle:
        handle.write('{"timestamp": "2026')
    assert len(log.read()) == 1
    log.path.write_text("{}\nnot json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ana\.queues\.jsonl, line 1: not a queue choice"):
        log.read()


def test_queue_choice_files_are_not_read_as_annotation_logs(tmp_path):
    """Test that read_annotations on the folder ignores the queue-choice file."""
    from factcheck.log import log_files

    QueueChoiceLog(queue_log_path("ana", tmp_path)).record("ana", "reading")
    assert log_files(tmp_path) == []


# ----- the corpus queue: a bounded pool of articles, ranked across articles -----


def corpus(count: int, per_article: int = 3) -> list[list[Sentence]]:
    """``count`` articles of varied sentences (facts, rumours, opinions by article)."""
    pools = [VERIFIED, UNCONFIRMED, OPINION]
    return [
        sentences(
            [pools[(a + i) % 3][(a * per_article + i) % 12] for i in range(per_article)],
            article_id=f"art{a}",
        )
        for a in range(count)
    ]


class Splits:
    """The articles' sentences, counting which articles were asked for (split)."""

    def __init__(self, articles: list[list[Sentence]]) -> None:
        self.articles = articles
        self.asked: list[int] = []

    def __call__(self, index: int) -> list[Sentence]:
        self.asked.append(index)
        return self.articles[index]


def test_corpus_queue_splits_only_its_window_and_grows_by_step(model):
    """Test that building a queue over 10,000 articles splits only the window from the
    start position, and that each next() adds ``step`` more unseen articles."""
    from factcheck.queues import CorpusQueue

    splits = Splits(corpus(10_000))
    queue = CorpusQueue(splits, range(10_000), start=5000, window=6, step=2)
    assert splits.asked == [5000, 5001, 5002, 5003, 5004, 5005]
    assert queue.next("uncertain", lambda sid: False, model) is not None
    assert splits.asked[6:] == [5006, 5007]
    assert len(queue.pool) == 8


def test_corpus_queue_ranks_the_pool_like_the_article_queue_across_articles(model):
    """Test that the pool's ranking is order_queue's over all of its sentences (the
    article queue and the corpus queue agree), crossing article boundaries."""
    from factcheck.queues import CorpusQueue

    articles = corpus(6)
    queue = CorpusQueue(Splits(articles), range(6), window=6)
    labelled = {articles[0][0].id, articles[2][1].id}
    every = [s for article in articles for s in article]
    for kind, label in (("uncertain", ""), ("predicted", "opinion"), ("predicted", "verified")):
        expected = order_queue(every, kind, labelled=labelled, model=model, label=label)
        ranked = queue.ranked(kind, labelled.__contains__, model, label)
        assert [sid for _, sid in ranked] == list(expected.sentence_ids)
        assert {sid.split("-")[0] for _, sid in ranked[:6]} != {"art0"}
        for index, sid in ranked:
            assert sid.startswith(f"art{index}-")


def test_corpus_queue_next_skips_labelled_and_reaches_every_article(model):
    """Test that asking next and labelling the answer each time labels every sentence of
    the corpus exactly once, although the pool starts with two articles."""
    from factcheck.queues import CorpusQueue

    articles = corpus(7)
    splits = Splits(articles)
    queue = CorpusQueue(splits, range(7), start=3, window=2, step=1)
    labelled: list[str] = []
    while found := queue.next("predicted", set(labelled).__contains__, model, "opinion"):
        index, sid = found
        assert sid in {s.id for s in articles[index]}
        labelled.append(sid)
    assert sorted(labelled) == sorted(s.id for a in articles for s in a)
    assert sorted(set(splits.asked)) == list(range(7))
    assert queue.pool == {}  # fully labelled articles leave the pool


def test_corpus_queue_pool_is_bounded_and_offered_articles_join(model):
    """Test that the pool never holds more than max_articles (oldest leave first) and that
    an article split elsewhere (the one shown) joins it."""
    from factcheck.queues import CorpusQueue

    articles = corpus(50)
    queue = CorpusQueue(Splits(articles), range(50), window=10, max_articles=4)
    assert list(queue.pool) == [6, 7, 8, 9]
    queue.offer(30, articles[30])
    assert list(queue.pool) == [7, 8, 9, 30]
    queue.offer(99, [])  # not in the order: ignored
    assert 99 not in queue.pool


def test_corpus_queue_without_a_model_or_label_asks_nothing(model):
    """Test that without a trained model, in reading order, or for a label the model never
    saw, the corpus queue gives None (the view falls back to reading order)."""
    from factcheck.queues import CorpusQueue, queue_usable

    queue = CorpusQueue(Splits(corpus(3)), range(3))
    assert queue.next("uncertain", lambda sid: False, None) is None
    assert queue.next("reading", lambda sid: False, model) is None
    assert queue.next("predicted", lambda sid: False, model, "satire") is None
    assert not queue_usable("predicted", model, "satire")
    assert queue_usable("uncertain", model)


def test_corpus_queue_orders_one_article_as_the_article_queue_does(model):
    """Test that article_order (the view's row order under a model queue, from the pool's
    cached scores) equals order_queue's order for that article, labelled ones left out."""
    from factcheck.queues import CorpusQueue

    articles = corpus(5, per_article=6)
    queue = CorpusQueue(Splits(articles), range(5), window=2)
    labelled = {articles[3][2].id}
    for kind, label in (("uncertain", ""), ("predicted", "unconfirmed")):
        expected = order_queue(articles[3], kind, labelled=labelled, model=model, label=label)
        got = queue.article_order(3, kind, labelled.__contains__, model, label)
        assert got == list(expected.sentence_ids)
    assert 3 in queue.pool  # an article ordered here joins the pool
    assert queue.article_order(3, "uncertain", labelled.__contains__, None) is None
