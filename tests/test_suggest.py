"""Suggestions: training from the log, background retraining, `factcheck suggest`, suggestion files."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

import factcheck
from factcheck import InputError, InputWarning
from factcheck.labels import Label, LabelScheme
from factcheck.log import AnnotationLog
from factcheck.suggest import (
    MIN_LABELS,
    SUGGESTION_COLUMNS,
    Suggestion,
    SuggestionModel,
    read_suggestions,
    readiness,
    suggest,
    train,
    training_data,
    write_suggestions,
)

# Fictional sentences with the cues of each label: a cited record, a hedge, a judgement.
VERIFIED = [
    "According to the council's audited accounts, the bridge budget rose by 4 per cent in 2024.",
    "Figures published by the statistics office on Monday show that bus fares rose to 2.40.",
    "Court records show that the contract for the tram extension was signed in March.",
    "The minutes show the committee approved the housing plan by 12 votes to 3.",
    "Data from the health board confirm waiting times fell in October.",
    "The inspection report lists 14 faults in the water treatment plant.",
    "The electoral office certified a turnout of 36.4 per cent, its register shows.",
    "Police data released on Friday show 312 burglaries in the first quarter.",
    "The land registry records that the mill changed hands in 2019.",
    "The regulator's tariff table shows water bills rose 6 per cent in April.",
    "The published tender documents list a contract worth 7.9 million.",
    "The school's inspection report, published in June, rates it good.",
]
UNCONFIRMED = [
    "Posts shared online claim that rents doubled last year.",
    "The council allegedly overspent on the new hospital wing by 2 million.",
    "An unnamed official claimed the factory will close in the spring.",
    "A source close to the talks said the port may be sold.",
    "Campaigners allege that the flood defences were never inspected.",
    "The claim that the airport lost 300 jobs could not be independently verified.",
    "Some residents say burglaries have doubled, a figure that remains unconfirmed.",
    "The mayor said, without offering evidence, that the tram would cost 90 million.",
    "Unverified reports suggest the library could close on Sundays.",
    "It is rumoured that the festival will move to another town.",
    "A leaked memo suggests the board ignored warnings about the bridge.",
    "One insider told reporters that teacher vacancies reportedly tripled.",
]
OPINION = [
    "The new library is a triumph and every penny was well spent.",
    "Councillor Maren Holt called the housing plan a disgrace.",
    "The tram extension will surely fail, critics warn.",
    "The wind farm should be scrapped.",
    "In my view, the way the board handled waiting times was shameful.",
    "People in Harwick deserve better than this budget.",
    "Frankly, night flights are the least of the town's problems.",
    "The closure is a betrayal of residents.",
    "This is the boldest plan the county has seen in decades.",
    "The festival has lost its soul, I think.",
    "Parents are right to be angry about class sizes.",
    "What the port needs now is vision, not another review.",
]
UNLABELLED = [
    "Figures published by the audit office show that rail delays fell to 3 per cent.",
    "Posts shared online claim the water plant will be sold.",
    "The new bus station is a disgrace, said one resident.",
]


def write_article(folder: Path, name: str, sentences: list[str]) -> None:
    """One fictional article file, one sentence per paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """Articles (36 sentences labelled by ana in her log, 3 left unlabelled) and the log folder."""
    articles, logs = tmp_path / "articles", tmp_path / "annotations"
    write_article(articles, "verified-news", VERIFIED)
    write_article(articles, "rumours", UNCONFIRMED)
    write_article(articles, "columns", OPINION + UNLABELLED)
    gold = dict.fromkeys(VERIFIED, "verified")
    gold |= dict.fromkeys(UNCONFIRMED, "unconfirmed") | dict.fromkeys(OPINION, "opinion")
    log = AnnotationLog(annotator="ana", folder=logs)
    for article in factcheck.load_articles(articles):
        for sentence in article.sentences:
            if sentence.text.strip() in gold:
                log.record(sentence, gold[sentence.text.strip()])
    return articles, logs


def test_readiness_says_how_many_labels_are_still_needed():
    """Test that readiness names the threshold and how many labels are still to go."""
    message = readiness(["opinion", "verified"] * 6)
    assert message is not None and f"after {MIN_LABELS} labels" in message
    assert f"({MIN_LABELS - 12} to go)" in message
    assert readiness(["opinion", "verified"] * 10) is None


def test_a_log_with_a_single_label_only_gets_a_clear_message():
    """Test that training on one label raises InputError naming that label and what to do."""
    with pytest.raises(InputError, match=r"all 25 labels so far are 'opinion'\. Label a few"):
        train(OPINION * 2 + OPINION[:1], ["opinion"] * 25)


def test_trained_model_suggests_the_label_cues_point_to():
    """Test that a model trained on the three labels suggests the right one for new sentences."""
    texts = VERIFIED + UNCONFIRMED + OPINION
    labels = ["verified"] * 12 + ["unconfirmed"] * 12 + ["opinion"] * 12
    model = train(texts, labels)
    answers = model.predict(UNLABELLED)
    assert [label for label, _ in answers] == ["verified", "unconfirmed", "opinion"]
    assert all(0.0 <= score <= 1.0 for _, score in answers)
    assert model.predict_proba(UNLABELLED).sum(axis=1) == pytest.approx([1.0] * 3)


def test_a_custom_scheme_label_never_used_is_never_suggested():
    """Test that a scheme label nobody used yet is simply not among the model's labels."""
    texts = VERIFIED + OPINION
    model = train(texts, ["verified"] * 12 + ["opinion"] * 12)
    assert model.labels == ("opinion", "verified")
    assert {label for label, _ in model.predict(UNLABELLED)} <= {"opinion", "verified"}


@pytest.mark.parametrize("background", ["process", "thread"])
def test_update_returns_before_training_finishes_and_predict_answers_after(background):
    """Test that update never waits for training: predict is None at first, answers once done."""
    texts = (VERIFIED + UNCONFIRMED + OPINION) * 60  # big enough to take a visible time
    labels = (["verified"] * 12 + ["unconfirmed"] * 12 + ["opinion"] * 12) * 60
    model = SuggestionModel(background=background)
    started = time.perf_counter()
    model.update(texts, labels)
    returned_after = time.perf_counter() - started
    assert model.predict(UNLABELLED) is None  # nothing trained yet: no suggestion at all
    assert model.status == "Training the suggestion model..."
    assert model.wait(timeout=120)
    assert model.model is not None and model.model.seconds > returned_after
    assert [label for label, _ in model.predict(UNLABELLED)] == [
        "verified",
        "unconfirmed",
        "opinion",
    ]
    assert model.version == "factcheck-tfidf-lr/1"
    assert "trained on 2160 labels" in model.status
    assert model.background == background  # no fallback happened
    model.close()
    model.update(texts[:40], labels[:40])  # after close, a new worker starts
    assert model.wait(timeout=120) and model.model.n_labels == 40
    model.close()


def test_update_with_too_few_labels_keeps_no_model_and_says_why():
    """Test that update below the threshold trains nothing and status says how many to go."""
    model = SuggestionModel(background="thread")
    model.update(VERIFIED[:3], ["verified"] * 3)
    assert model.wait(timeout=5)
    assert model.predict(UNLABELLED) is None
    assert "(17 to go)" in model.status


def test_updates_during_training_are_coalesced_into_one_more_training():
    """Test that many updates while a training runs lead to at most one more, on the latest data."""
    texts = VERIFIED + UNCONFIRMED + OPINION
    labels = ["verified"] * 12 + ["unconfirmed"] * 12 + ["opinion"] * 12
    model = SuggestionModel(background="thread")
    model.update(texts * 40, labels * 40)
    for extra in range(1, 6):
        model.update(texts * 40 + UNLABELLED[:1] * extra, labels * 40 + ["verified"] * extra)
    assert model.wait(timeout=120)
    assert model.model is not None and model.model.n_labels == 36 * 40 + 5
    assert model.version in ("factcheck-tfidf-lr/1", "factcheck-tfidf-lr/2")


def test_suggest_covers_only_unlabelled_sentences_and_writes_nothing_to_the_logs(corpus):
    """Test that suggest() returns the unlabelled sentences only and leaves the logs unchanged."""
    articles, logs = corpus
    before = {p: p.read_bytes() for p in logs.iterdir()}
    table = suggest(logs, articles)
    assert list(table.columns) == list(SUGGESTION_COLUMNS)
    assert table["label"].tolist() == ["verified", "unconfirmed", "opinion"]
    assert table["article_id"].unique().tolist() == ["columns"]
    assert table["model"].unique().tolist() == ["factcheck-tfidf-lr@36"]
    assert {p: p.read_bytes() for p in logs.iterdir()} == before


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "factcheck.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_cli_suggest_writes_a_suggestions_file_that_reads_back(corpus, tmp_path):
    """Test that `factcheck suggest LOGS ARTICLES -o` writes a file read_suggestions accepts."""
    articles, logs = corpus
    out = tmp_path / "suggestions.csv"
    result = run_cli("suggest", str(logs), str(articles), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote 3 suggestions" in result.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(SUGGESTION_COLUMNS)
    pairs = {(a.id, s.id) for a in factcheck.load_articles(articles) for s in a.sentences}
    read = read_suggestions(out, sentences=pairs)
    assert [s.label for s in read] == ["verified", "unconfirmed", "opinion"]


def test_cli_suggest_refuses_to_overwrite_a_log(corpus):
    """Test that -o naming the annotator's own log is refused and the log is unchanged."""
    articles, logs = corpus
    log = logs / "ana.csv"
    before = log.read_bytes()
    result = run_cli("suggest", str(logs), str(articles), "-o", str(log))
    assert result.returncode == 2
    assert "which this command reads" in result.stderr
    assert log.read_bytes() == before


def test_cli_suggest_with_too_few_labels_says_how_many_are_needed(corpus, tmp_path):
    """Test that a log below the threshold exits 2 with the threshold and writes no file."""
    articles, logs = corpus
    out = tmp_path / "suggestions.csv"
    result = run_cli("suggest", str(logs), str(articles), "-o", str(out), "--min-labels", "50")
    assert result.returncode == 2
    assert "Suggestions appear after 50 labels" in result.stderr
    assert not out.exists()


def write_file(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([",".join(SUGGESTION_COLUMNS), *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("a1,a1-0000,verified,1.5,llm", r"line 2: score '1\.5' is not a number from 0 to 1"),
        ("a1,a1-0000,verified,-0.1,llm", r"line 2: score '-0\.1'"),
        ("a1,a1-0000,verified,nan,llm", r"line 2: score 'nan'"),
        ("a1,a1-0000,verified,high,llm", r"line 2: score 'high'"),
        ("a1,a1-0000,verifed,0.5,llm", r"line 2: unknown label 'verifed' \(known: verified,"),
        ("a1,,verified,0.5,llm", r"line 2: empty article_id or sentence_id"),
        ("a1,a1-0000,verified", r"line 2: 3 fields, the header has 5"),
    ],
)
def test_bad_suggestion_rows_are_named_by_file_and_line(tmp_path, row, message):
    """Test that out-of-range scores, unknown labels and short rows name the file and line."""
    path = write_file(tmp_path / "external.csv", [row])
    with pytest.raises(InputError, match=rf"external\.csv: {message}"):
        read_suggestions(path)


def test_a_suggestions_file_for_another_corpus_is_refused(tmp_path):
    """Test that a file naming none of the corpus's sentences says it was made for another."""
    path = write_file(tmp_path / "other.csv", ["z9,z9-0000,opinion,0.8,checkthat"])
    with pytest.raises(InputError, match=r"other\.csv: none of its 1 suggestions .*another corpus"):
        read_suggestions(path, sentences={("a1", "a1-0000")})


def test_suggestions_outside_the_corpus_are_left_out_with_a_warning(tmp_path):
    """Test that rows for unknown sentences are dropped with an InputWarning, the rest kept."""
    path = write_file(
        tmp_path / "mixed.csv", ["a1,a1-0000,opinion,0.8,m", "z9,z9-0000,opinion,0.8,m"]
    )
    with pytest.warns(InputWarning, match=r"1 of 2 suggestions name sentences outside"):
        read = read_suggestions(path, sentences={("a1", "a1-0000")})
    assert [(s.sentence_id, s.score, s.model) for s in read] == [("a1-0000", 0.8, "m")]


def test_a_missing_column_and_a_repeated_sentence_are_reported(tmp_path):
    """Test that a header without score and a sentence given twice are clear errors."""
    bad = tmp_path / "noscore.csv"
    bad.write_text("article_id,sentence_id,label,model\na1,a1-0000,opinion,m\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"noscore\.csv, line 1: missing column\(s\) score"):
        read_suggestions(bad)
    twice = write_file(tmp_path / "twice.csv", ["a1,a1-0000,opinion,0.8,m"] * 2)
    with pytest.raises(InputError, match=r"line 3: sentence a1-0000 again \(first on line 2\)"):
        read_suggestions(twice)


def test_a_custom_scheme_label_in_a_suggestions_file_is_accepted_with_that_scheme(tmp_path):
    """Test that suggestions use the given scheme: 'satire' is known there, unknown by default."""
    scheme = LabelScheme(
        "class",
        "1",
        (
            Label("verified", "Confirmed by a record.", "The minutes show it.", "v", "#1b9e77"),
            Label("satire", "A joke dressed as news.", "A spoof headline.", "s", "#7570b3"),
        ),
    )
    path = write_file(tmp_path / "s.csv", ["a1,a1-0000,satire,0.7,m"])
    assert read_suggestions(path, scheme=scheme)[0].label == "satire"
    with pytest.raises(InputError, match="unknown label 'satire'"):
        read_suggestions(path)


def test_write_suggestions_replaces_a_file_atomically_and_round_trips(tmp_path):
    """Test that write_suggestions output reads back unchanged, note-worthy text included."""
    table = pd.DataFrame(
        {
            "article_id": ["a1"],
            "sentence_id": ["a1-0000"],
            "label": ["opinion"],
            "score": [0.25],
            "model": ['llm "v2", run 3'],
        }
    )
    path = write_suggestions(table, tmp_path / "out.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (read,) = read_suggestions(path)
    assert (read.label, read.score, read.model) == ("opinion", 0.25, 'llm "v2", run 3')


@pytest.fixture
def two_annotators(tmp_path: Path) -> pd.DataFrame:
    """12 articles of one sentence per label; ana labels by the cues, ben differs on 3."""
    articles, logs = tmp_path / "articles12", tmp_path / "logs12"
    for i in range(12):
        write_article(articles, f"story-{i:02d}", [VERIFIED[i], UNCONFIRMED[i], OPINION[i]])
    gold = dict.fromkeys(VERIFIED, "verified")
    gold |= dict.fromkeys(UNCONFIRMED, "unconfirmed") | dict.fromkeys(OPINION, "opinion")
    ana = AnnotationLog(annotator="ana", folder=logs)
    ben = AnnotationLog(annotator="ben", folder=logs)
    for article in factcheck.load_articles(articles):
        for sentence in article.sentences:
            label = gold[sentence.text.strip()]
            ana.record(sentence, label)
            differs = sentence.text.strip() in OPINION[:3]
            ben.record(sentence, "unconfirmed" if differs else label)
    return factcheck.read_annotations(logs)


def test_model_ratings_make_the_model_one_more_rater_in_agreement(two_annotators):
    """Test that the model's out-of-fold labels give model-annotator rows beside ana-ben."""
    from factcheck.suggest import model_ratings

    ratings = model_ratings(two_annotators, folds=3)
    assert len(ratings) == 36 and set(ratings["annotator"]) == {"model"}
    assert set(ratings["label"]) <= {"verified", "unconfirmed", "opinion"}
    table = factcheck.agreement(pd.concat([two_annotators, ratings]), n_boot=0)
    pairs = table[table["measure"] == "percent_agreement"].dropna(subset=["value"])
    named = set(zip(pairs["annotator_a"], pairs["annotator_b"], strict=True))
    assert {("ana", "ben"), ("ana", "model"), ("ben", "model")} <= named
    ana_ben = pairs[(pairs["annotator_a"] == "ana") & (pairs["annotator_b"] == "ben")]
    assert ana_ben["value"].iloc[0] == pytest.approx(33 / 36)


def test_model_ratings_are_empty_when_a_fold_has_too_few_labels(corpus):
    """Test that folds of 24 training labels, below min_labels=30, give no model rater, no error."""
    from factcheck.suggest import model_ratings

    _, logs = corpus
    df = factcheck.read_annotations(logs)
    assert model_ratings(df, folds=3, min_labels=30).empty
    assert len(model_ratings(df, folds=3)) == 36


def test_learning_curve_rows_and_chart_come_from_an_aggregated_frame(two_annotators):
    """Test that the learning curve has one row per size and its chart embeds only those rows."""
    from factcheck.suggest import learning_curve, learning_curve_chart

    curve = learning_curve(two_annotators, sizes=(6, 12, 24, 100), test_share=0.25)
    assert curve["labels"].tolist() == [6, 12, 24]  # 100 is more than the 27 training labels
    assert curve["macro_f1"].between(0, 1).all() and curve["majority_f1"].between(0, 1).all()
    spec = learning_curve_chart(curve).to_dict()
    assert spec["mark"]["type"] == "line"
    (values,) = spec["datasets"].values()
    assert len(values) == 2 * len(curve)
    assert {v["series"] for v in values} == {"suggestion model", "majority class"}


def test_a_model_rater_name_already_taken_by_an_annotator_is_refused(two_annotators):
    """Test that model_ratings will not merge the model into a human annotator's column."""
    from factcheck.suggest import model_ratings

    with pytest.raises(InputError, match=r"already called 'ana'; pass another name"):
        model_ratings(two_annotators, folds=3, name="ana")


def test_provenance_of_an_accepted_suggestion_names_label_score_and_model():
    """Test the provenance columns a view records beside the human label it saves."""
    suggestion = Suggestion("a1", "a1-0000", "opinion", 0.87654, "factcheck-tfidf-lr/3")
    assert suggestion.provenance() == {
        "suggested_label": "opinion",
        "suggestion_score": "0.8765",
        "model": "factcheck-tfidf-lr/3",
    }


def test_model_queues_and_claim_memory_never_write_to_the_annotations_folder(corpus):
    """Test that training, suggesting, queueing and claim memory leave every log byte-identical."""
    from factcheck.queues import order_queue
    from factcheck.similar import ClaimMemory

    articles, logs = corpus
    before = {p: p.read_bytes() for p in logs.iterdir()}
    df = factcheck.read_annotations(logs)
    texts, labels = training_data(df)
    model = SuggestionModel()
    model.update(texts, labels)
    assert model.wait(timeout=120)
    sentences = [s for a in factcheck.load_articles(articles) for s in a.sentences]
    assert len(model.suggestions(sentences)) == len(sentences)
    order_queue(sentences, "uncertain", labelled=set(df["sentence_id"]), model=model.model)
    ClaimMemory(df).similar(UNLABELLED[0])
    model.close()
    assert {p: p.read_bytes() for p in logs.iterdir()} == before


def test_cli_suggest_on_a_single_label_log_names_the_label_and_writes_nothing(tmp_path):
    """Test that a log whose labels are all 'opinion' exits 2 saying so, with no output."""
    articles, logs = tmp_path / "articles", tmp_path / "annotations"
    write_article(articles, "columns", OPINION + OPINION[:13])
    log = AnnotationLog(annotator="ana", folder=logs)
    for sentence in factcheck.load_articles(articles)[0].sentences[:25]:
        log.record(sentence, "opinion")
    out = tmp_path / "suggestions.csv"
    result = run_cli("suggest", str(logs), str(articles), "-o", str(out))
    assert result.returncode == 2
    assert re.search(r"all 2\d labels so far are 'opinion'\. Label a few", result.stderr)
    assert not out.exists()


def test_a_suggestions_file_that_is_not_utf8_is_named_with_what_to_do(tmp_path):
    """Test that a Latin-1 suggestions file gives InputError naming it, not a traceback."""
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "article_id,sentence_id,label,score,model\na1,a1-0000,opinion,0.5,caf\xe9\n".encode(
            "latin-1"
        )
    )
    with pytest.raises(InputError, match=r"latin1\.csv: not UTF-8 text .*Save it as UTF-8"):
        read_suggestions(path)


def test_load_suggestions_never_raises_and_says_why_there_are_none(tmp_path):
    """Test that a view gets a message, not an exception, for bad, missing or partial files."""
    from factcheck.suggest import load_suggestions

    corpus = {("a1", "a1-0000")}
    bad = write_file(tmp_path / "bad.csv", ["a1,a1-0000,opinion,7,m"])
    assert load_suggestions(bad, sentences=corpus) == (
        {},
        f"No suggestions shown: {bad}: line 2: score '7' is not a number from 0 to 1. "
        "Correct these rows (labels of the scheme, scores from 0 to 1) and load it again.",
    )
    shown, message = load_suggestions(tmp_path / "missing.csv", sentences=corpus)
    assert shown == {} and "missing.csv" in message and "No such file" in message
    mixed = write_file(tmp_path / "mixed.csv", ["a1,a1-0000,opinion,0.8,m", "z,z-0,opinion,0.8,m"])
    shown, message = load_suggestions(mixed, sentences=corpus)
    assert list(shown) == [("a1", "a1-0000")] and "1 of 2 suggestions" in message
    good = write_file(tmp_path / "good.csv", ["a1,a1-0000,opinion,0.8,m"])
    assert load_suggestions(good, sentences=corpus)[1] == ""
