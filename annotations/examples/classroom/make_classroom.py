"""Make the classroom example: a teacher's answer key and a class's logs, seeded.

Run from anywhere: ``python annotations/examples/classroom/make_classroom.py --force``.
The teacher (``teacher/rahman.csv``) labels the bundled sample articles through
``AnnotationLog.record`` with an explanation in each note and leaves two sentences out;
``make_answer_key`` turns that log into ``key.csv``. Nine simulated students then label the
same articles, with the mistakes students typically make:

- attributed speech ("X said ...") taken as verified because someone said it;
- hedged claims ("reportedly", "says") taken as facts;
- finn has not finished (first article and half of the second);
- hugo labelled one sentence, then cleared it: he has answered nothing.

All names are fictional. Timestamps come from a simulated clock on 24 November 2026.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

import factcheck.log
from factcheck.articles import Article, load_articles, safe_id
from factcheck.classroom import make_answer_key
from factcheck.log import AnnotationLog
from factcheck.paths import sample_path

HERE = Path(__file__).resolve().parent
SEED = 20261124
TEACHER = "rahman"
STUDENTS = ("amira", "ben t", "carlos", "dana", "elif", "finn", "grace", "hugo", "zoë")
LABELS = ("verified", "unconfirmed", "opinion")

# The teacher's answers: article -> sentence index -> (label, explanation). Sentences not
# listed are left out of the key (no single right answer).
KEY: dict[str, dict[int, tuple[str, str]]] = {
    "harbour-wind-farm": {
        0: (
            "verified",
            "The ministry's written statement is an on-record source for the approval.",
        ),
        1: (
            "unconfirmed",
            "Only the developer says so, and the next sentence disputes the figure.",
        ),
        2: ("unconfirmed", "A second estimate; the study itself is not published or quoted."),
        3: (
            "opinion",
            "'The biggest thing' is a judgement. That Byrne said it does not make it a fact.",
        ),
        4: (
            "unconfirmed",
            "'Expected to' marks a prediction, and it comes from the developer's own application.",
        ),
        5: ("opinion", "'Fear' reports a belief about the future; it cannot be checked yet."),
        6: ("unconfirmed", "One person's account of what was said in 2011; nobody checked it."),
        7: ("opinion", "A rhetorical question: it expresses doubt and claims nothing checkable."),
        8: ("unconfirmed", "A schedule with no source; plans change ('approx.', 'due to')."),
        9: (
            "opinion",
            "'Long overdue' is the groups' judgement; an attributed judgement is opinion.",
        ),
    },
    "riverside-bridge": {
        0: ("verified", "An official, dated announcement by the transport department."),
        1: ("verified", "Based on a report the department published; anyone can read it."),
        2: ("unconfirmed", "No source is given for the $48.5 million figure."),
        3: ("opinion", "The mayor gives her reason and feeling, not a checkable fact."),
        4: ("opinion", "'Safety comes first' is a value statement."),
        5: ("opinion", "'A failure of planning' is the council member's judgement."),
        6: ("verified", "Cites a named, published source: the department's 2025 traffic count."),
        7: ("unconfirmed", "The sentence itself says no survey has been published."),
        8: ("opinion", "A question that expresses frustration; it claims nothing."),
        9: ("unconfirmed", "Announced but not yet running; check the timetable once it is out."),
        10: ("unconfirmed", "A distance with no source, hedged with 'approx.'."),
        11: (
            "unconfirmed",
            "A promise about the future ('would be awarded'): not confirmable yet.",
        ),
        12: ("opinion", "What some residents believe: a belief, not a fact."),
        15: ("verified", "The reporter's own first-hand observation, in the article's voice."),
        16: ("verified", "The opening year is in the city's register of bridges (checked)."),
        17: ("verified", "The tram timetable archive confirms the line closed in 1971 (checked)."),
    },
    "school-meals": {
        0: ("verified", "The vote is on the council's published agenda."),
        1: ("verified", "Figures published by the finance committee, a named official source."),
        2: ("opinion", "'The single best investment' is a judgement, even when a leader says it."),
        3: (
            "unconfirmed",
            "The sentence says the finance committee has not confirmed this figure.",
        ),
        4: ("verified", "Cites the Department for Education's census, a published record."),
        5: ("opinion", "A general belief used as an argument."),
        6: ("opinion", "The opposition's position and doubt, not a fact."),
        7: (
            "unconfirmed",
            "'Largely in favour' is an impression from one visit; no count is given.",
        ),
        8: ("unconfirmed", "An anonymous parent's estimate: impossible to check."),
        9: ("unconfirmed", "'Reportedly' flags it, and the evaluation is not published."),
        10: ("verified", "The council's website lists no evaluation of the pilot (checked)."),
    },
}

# How likely each student is to fall for each trap, and their general accuracy.
HABITS = {
    "amira": (0.2, 0.1, 0.92),
    "ben t": (0.7, 0.3, 0.8),
    "carlos": (0.4, 0.6, 0.75),
    "dana": (0.3, 0.2, 0.88),
    "elif": (0.5, 0.4, 0.7),
    "finn": (0.3, 0.3, 0.8),
    "grace": (0.1, 0.1, 0.95),
    "hugo": (0.0, 0.0, 1.0),
    "zoë": (0.6, 0.2, 0.82),
}


def student_label(name: str, article: Article, index: int, rng: np.random.Generator) -> str:
    """A simulated student's label: the key's answer, unless a habit or a slip gets in the way."""
    speech_trap, hedge_trap, accuracy = HABITS[name]
    text = article.sentences[index].text
    right = KEY[article.id].get(index, ("opinion", ""))[0]
    if right != "verified" and " said" in text and rng.random() < speech_trap:
        return "verified"
    hedged = any(w in text for w in ("says", "reportedly", "according to", "expected"))
    if right == "unconfirmed" and hedged and rng.random() < hedge_trap:
        return "verified"
    if rng.random() < accuracy:
        return right
    return str(rng.choice([label for label in LABELS if label != right]))


def clock(start: datetime, rng: np.random.Generator):
    """Timestamps 10-60 s apart, as a student works through the sentences."""
    now = start
    while True:
        now += timedelta(seconds=float(rng.uniform(10, 60)))
        yield now.isoformat(timespec="microseconds")


def _use_clock(start: datetime, rng: np.random.Generator) -> None:
    """Make the log's clock a simulated one (``simulate`` restores the real clock)."""
    ticks = clock(start, rng)
    factcheck.log.utc_timestamp = lambda: next(ticks)


def simulate(articles: list[Article], folder: Path, seed: int = SEED) -> None:
    """Write the teacher's log, the key and one log per student into ``folder``."""
    rng = np.random.default_rng(seed)
    real_clock = factcheck.log.utc_timestamp
    try:
        _use_clock(datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc), rng)
        teacher = AnnotationLog(folder / "teacher" / f"{TEACHER}.csv", annotator=TEACHER)
        for article in articles:
            source = f"samples/{Path(article.source).name}"
            for index, (label, why) in KEY[article.id].items():
                teacher.record(article.sentences[index], label, why, source=source)
        make_answer_key(teacher.path, folder / "key.csv")
        for number, name in enumerate(STUDENTS):
            start = datetime(2026, 11, 24, 9, 5, tzinfo=timezone.utc) + timedelta(minutes=number)
            _use_clock(start, rng)
            log = AnnotationLog(folder / f"{safe_id(name).lower()}.csv", annotator=name)
            for number_a, article in enumerate(articles):
                source = f"samples/{Path(article.source).name}"
                sentences = article.sentences
                if name == "finn":
                    if number_a == 2:
                        break
                    sentences = sentences[: len(sentences) // 2] if number_a == 1 else sentences
                if name == "hugo":
                    log.record(sentences[0], "verified", source=source)
                    log.record(sentences[0], None, source=source)
                    break
                for sentence in sentences:
                    log.record(
                        sentence, student_label(name, article, sentence.index, rng), source=source
                    )
    finally:
        factcheck.log.utc_timestamp = real_clock


def main(argv: list[str] | None = None) -> int:
    """Regenerate the classroom example (refuses to overwrite it without --force)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="replace the existing example")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the example")
    args = parser.parse_args(argv)
    if (args.out / "key.csv").exists() and not args.force:
        print(
            f"{args.out / 'key.csv'} exists; pass --force to replace the example.", file=sys.stderr
        )
        return 1
    articles = load_articles(sample_path())
    with tempfile.TemporaryDirectory() as tmp:  # lock files stay in tmp
        simulate(articles, Path(tmp))
        for path in sorted(Path(tmp).rglob("*.csv")):
            target = args.out / path.relative_to(tmp)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    print(f"wrote the classroom example to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
