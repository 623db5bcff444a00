# ruff: noqa: E501  (sentence shapes and hand-written sentences read best on one line)
"""Write benchmarks/data/labelled_sentences.csv: a fictional labelled set for the model benchmarks.

How it is made (everything is fictional: places, people, agencies and figures are invented):

- 160 articles on 16 local-news topics (a bridge repair, a hospital wing, school funding,
  floods, a factory closure, ...). Every topic's nouns appear under every label, so the topic
  never gives the label away.
- Sentences are composed from many independent parts: who (people with roles, agencies,
  unnamed sources), what (topic-specific facts with random figures, dates and places), how
  it is sourced (records, written statements, "reportedly", "posts shared online claim",
  "without offering evidence"), and how it is judged (evaluative adjectives, predictions,
  calls to act, quoted verdicts). Each label has 8-10 sentence shapes, and each part is drawn
  independently, which gives millions of distinct sentences: a model has to learn the cues
  (sourcing, hedges, judgement words), it cannot memorise sentences.
- Attribution, the classic hard case, appears under all three labels: "X said the budget
  rose 4%" (verified when the record is cited), "X claimed, without evidence, ..."
  (unconfirmed), "X called the plan a disgrace" (opinion).
- 72 hand-written sentences (``HAND_WRITTEN``) are mixed in, and 3% of generated labels are
  flipped to a random other label, as real annotators disagree with any gold standard.
- Near-duplicate claims for claim memory: 150 sentences are each repeated in 2-4 other
  articles, reworded (attribution moved, numbers re-formatted, a word swapped, a lead-in
  added); ``claim_group`` names the group (empty for other sentences).

Run: ``python benchmarks/data/make_labelled_set.py`` (seeded: the same file every time).
``sentences(n, seed)`` yields more generated sentences for the 1M-sentence benchmark.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

OUT = Path(__file__).with_name("labelled_sentences.csv")
LABELS = ("verified", "unconfirmed", "opinion")

TOPICS = {
    "bridge": ("the Riverside bridge", "repairs", "the bridge budget", "traffic on the bridge"),
    "hospital": ("the new hospital wing", "waiting times", "the health board", "ward staffing"),
    "schools": ("school funding", "class sizes", "the education board", "teacher vacancies"),
    "floods": ("the flood defences", "the river level", "the drainage scheme", "insurance claims"),
    "factory": ("the textile factory", "the closure", "job losses", "the redundancy fund"),
    "transit": ("the tram extension", "bus fares", "the transit authority", "rail delays"),
    "housing": ("the housing plan", "rents", "the planning committee", "empty homes"),
    "election": ("the mayoral race", "turnout", "the electoral office", "postal votes"),
    "police": ("the police budget", "burglary rates", "the police commissioner", "patrols"),
    "farming": ("the grain harvest", "fertiliser prices", "the farmers' union", "water rights"),
    "energy": ("the wind farm", "heating bills", "the energy regulator", "the grid upgrade"),
    "library": ("the central library", "opening hours", "the culture department", "book loans"),
    "port": ("the container port", "cargo volumes", "the harbour board", "dredging works"),
    "tourism": ("the summer festival", "hotel bookings", "the tourism office", "visitor numbers"),
    "water": ("the water treatment plant", "water bills", "the utility", "pipe leaks"),
    "airport": (
        "the regional airport",
        "night flights",
        "the airport operator",
        "noise complaints",
    ),
}
TOWNS = [
    "Harwick",
    "Lowmere",
    "Castleford Vale",
    "Brennan Bay",
    "Oakhurst",
    "Millbrook",
    "Dunmore",
    "Eastwater",
    "Ketterby",
    "Redstone",
    "Aldmoor",
    "Fenwick",
    "Greyport",
]
FIRST = [
    "Maren",
    "Tomas",
    "Aisha",
    "Priya",
    "Jonas",
    "Elena",
    "Kwame",
    "Sofia",
    "Liam",
    "Nadia",
    "Oskar",
    "Ines",
    "Ravi",
    "Hana",
    "Declan",
    "Mei",
    "Yusuf",
    "Clara",
    "Bruno",
    "Freya",
]
LAST = [
    "Holt",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castell",
    "Brandt",
    "Nakamura",
    "Quinn",
    "Ferreira",
    "Adeyemi",
    "Kowalski",
    "Dunne",
    "Varga",
    "Sato",
    "Ibarra",
    "Whitlock",
]
ROLES = [
    "councillor",
    "the mayor",
    "a spokesperson for the council",
    "the opposition leader",
    "the union representative",
    "the chief executive",
    "a local business owner",
    "the committee chair",
    "a resident",
    "the head teacher",
    "the finance director",
]
AGENCIES = [
    "the county statistics office",
    "the national audit office",
    "the health board",
    "the regional court",
    "the environment agency",
    "the council's finance department",
    "the electoral commission",
    "the transport ministry",
    "the land registry",
]
DOCUMENTS = [
    "annual report",
    "audited accounts",
    "court filing",
    "budget papers",
    "minutes of the meeting",
    "inspection report",
    "public register",
    "tender documents",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
UNITS = ["million", "thousand", "per cent", "households", "jobs", "complaints", "staff"]
RISE = ["rose", "fell", "increased", "dropped", "grew", "declined", "climbed"]
HEDGES = ["reportedly", "allegedly", "apparently", "is said to have", "may have"]
RUMOURS = [
    "posts shared online claim",
    "a source close to the talks said",
    "it is rumoured",
    "an unnamed official claimed",
    "several residents believe",
    "a leaked memo suggests",
    "campaigners allege",
    "one insider told reporters",
]
UNVERIFIED = [
    "could not be independently verified",
    "has not been confirmed",
    "was not supported by any document",
    "was disputed by officials",
    "remains unconfirmed",
    "has yet to be checked",
]
JUDGE_ADJ = [
    "a disgrace",
    "a triumph",
    "reckless",
    "long overdue",
    "a waste of money",
    "the boldest plan in decades",
    "shameful",
    "a bold step forward",
    "short-sighted",
    "deeply unfair",
    "a betrayal of residents",
    "brilliant",
    "a sensible compromise",
    "an embarrassment",
    "utterly pointless",
    "the right decision",
]
PREDICT = [
    "will surely fail",
    "will transform the town",
    "is bound to cost more",
    "will never be finished on time",
    "will be remembered as a mistake",
    "is going to pay for itself",
    "will make things worse",
]
SHOULD = [
    "should be scrapped",
    "must be reconsidered",
    "deserves more support",
    "ought to be put to a public vote",
    "should have happened years ago",
    "needs a complete rethink",
]


def _person(r: random.Random) -> str:
    return f"{r.choice(ROLES)} {r.choice(FIRST)} {r.choice(LAST)}"


def _figure(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.4:
        return f"{r.randint(2, 98)} {r.choice(UNITS)}"
    if kind < 0.7:
        return f"{r.randint(1, 40)}.{r.randint(0, 9)} per cent"
    return f"{r.randint(120, 9800):,}"


def _when(r: random.Random) -> str:
    return r.choice(
        [
            f"in {r.choice(MONTHS)}",
            f"on {r.choice(DAYS)}",
            f"in {r.randint(2015, 2026)}",
            "last year",
            "this spring",
            f"since {r.randint(2009, 2024)}",
        ]
    )


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def verified(r: random.Random, topic: str) -> str:
    """A sentence whose claim a citable record confirms."""
    thing, issue, body, other = TOPICS[topic]
    town, agency, doc = r.choice(TOWNS), r.choice(AGENCIES), r.choice(DOCUMENTS)
    shapes = [
        f"According to {agency}'s {doc}, {issue} {r.choice(RISE)} by {_figure(r)} {_when(r)}.",
        f"Figures published by {agency} {_when(r)} show that {other} {r.choice(RISE)} to {_figure(r)}.",
        f"The {doc} show that {body} spent {_figure(r)} on {thing} {_when(r)}.",
        f"{_cap(body)} confirmed in a written statement that {thing} will close for {r.randint(2, 30)} days.",
        f"Court records show that the contract for {thing} was signed {_when(r)}.",
        f"{town} council approved {thing} by {r.randint(5, 30)} votes to {r.randint(0, 12)} {_when(r)}, the minutes show.",
        f"The {doc}, seen by this newspaper, list {_figure(r)} for {issue}.",
        f"{_cap(_person(r))} said the budget for {thing} was {_figure(r)}, a figure confirmed by {agency}.",
        f"Data from {agency} confirm {other} {r.choice(RISE)} {_when(r)}.",
        f"{_cap(thing)} opened in {town} {_when(r)}, {agency} records show.",
    ]
    return r.choice(shapes)


def unconfirmed(r: random.Random, topic: str) -> str:
    """A checkable claim that nothing confirms: hedged, single-source or disputed."""
    thing, issue, body, other = TOPICS[topic]
    town = r.choice(TOWNS)
    shapes = [
        f"{_cap(r.choice(RUMOURS))} that {issue} {r.choice(RISE)} by {_figure(r)} {_when(r)}.",
        f"{_cap(body)} {r.choice(HEDGES)} overspent on {thing} by {_figure(r)}.",
        f"The claim that {other} {r.choice(RISE)} to {_figure(r)} {r.choice(UNVERIFIED)}.",
        f"{_cap(_person(r))} said, without offering evidence, that {thing} would cost {_figure(r)}.",
        f"Some residents of {town} say {issue} doubled {_when(r)}, a figure that {r.choice(UNVERIFIED)}.",
        f"It was reported that {body} ignored warnings about {thing} {_when(r)}.",
        f"{_cap(_person(r))} claimed {other} had {r.choice(RISE)} {_when(r)}, although no figures were given.",
        f"A social media post alleges that {thing} in {town} will be sold to a private firm.",
        f"Unverified reports suggest {issue} could reach {_figure(r)} by the end of the year.",
    ]
    return r.choice(shapes)


def opinion(r: random.Random, topic: str) -> str:
    """A judgement, prediction, value statement or call to act."""
    thing, issue, body, other = TOPICS[topic]
    town = r.choice(TOWNS)
    shapes = [
        f"{_cap(_person(r))} called {thing} {r.choice(JUDGE_ADJ)}.",
        f'"{_cap(thing)} is {r.choice(JUDGE_ADJ)}," said {_person(r)}.',
        f"{_cap(thing)} {r.choice(PREDICT)}, critics warn.",
        f"{_cap(thing)} {r.choice(SHOULD)}.",
        f"In my view, the way {body} handled {issue} was {r.choice(JUDGE_ADJ)}.",
        f"People in {town} deserve better than {thing}.",
        f"It is hard to imagine a worse time to cut {other}.",
        f"{_cap(_person(r))} believes {thing} {r.choice(PREDICT)}.",
        f"Frankly, {issue} is the least of {town}'s problems.",
        f"Whatever the figures say, {thing} {r.choice(SHOULD)}, argued {_person(r)}.",
    ]
    return r.choice(shapes)


HAND_WRITTEN: list[tuple[str, str]] = [
    (
        "The council's published accounts show a surplus of 1.3 million for the last financial year.",
        "verified",
    ),
    ("The ferry timetable posted at the harbour lists four crossings a day.", "verified"),
    ("Lowmere's population was 48,211 at the last census, the statistics office says.", "verified"),
    ("The planning application, filed on 3 March, runs to 412 pages.", "verified"),
    ("A spokesperson confirmed by email that the pool will reopen on Saturday.", "verified"),
    ("The regional court fined the operator 85,000 for breaching noise limits.", "verified"),
    ("Official weather records show 140 millimetres of rain fell in 24 hours.", "verified"),
    ("The minutes record that three members abstained.", "verified"),
    ("The tender was won by Greyline Construction, the register shows.", "verified"),
    ("Inspectors rated the school 'good' in their report published in June.", "verified"),
    ("The company's filing lists 212 employees at the Oakhurst site.", "verified"),
    ("The electoral office certified a turnout of 36.4 per cent.", "verified"),
    ("The hospital's own dashboard shows a median wait of 5 hours in October.", "verified"),
    ("The contract, published under the transparency rules, is worth 7.9 million.", "verified"),
    ("Police data released on Friday show 312 burglaries in the first quarter.", "verified"),
    ("The bridge was closed for 19 days in August, the highways log shows.", "verified"),
    (
        "Water bills rose 6 per cent in April, according to the regulator's tariff table.",
        "verified",
    ),
    ("The mayor's office confirmed that the festival had 40,000 visitors.", "verified"),
    ("The audit found 14 invoices paid twice.", "verified"),
    ("Land registry entries show the site changed hands in 2019.", "verified"),
    (
        "Ravi Sato, who runs the bakery on Mill Street, says trade has halved since the roadworks began.",
        "unconfirmed",
    ),
    (
        "Rumours that the factory will reopen under new owners have circulated for weeks.",
        "unconfirmed",
    ),
    (
        "The opposition says as many as 600 jobs are at risk, but has not said how it reached that number.",
        "unconfirmed",
    ),
    (
        "A video shared thousands of times appears to show flooding on the ring road, though its date is unclear.",
        "unconfirmed",
    ),
    ("Two parents said their children had been turned away from the clinic.", "unconfirmed"),
    ("Campaigners put the cost of the delays at 20 million.", "unconfirmed"),
    ("The airline is believed to be considering a new route to the island.", "unconfirmed"),
    (
        "One estimate, circulated by a lobby group, puts the number of empty homes at 3,000.",
        "unconfirmed",
    ),
    ("Locals claim the river has never been this high.", "unconfirmed"),
    (
        "The developer is said to have offered the council a new park in exchange for approval.",
        "unconfirmed",
    ),
    ("An anonymous letter accuses the board of hiding the inspection results.", "unconfirmed"),
    ("Some drivers say the new lights have doubled their commute.", "unconfirmed"),
    (
        "It is not known how many households lost power, though the union says it was thousands.",
        "unconfirmed",
    ),
    (
        "The figure of 9,000 visitors, repeated by the organisers, could not be checked.",
        "unconfirmed",
    ),
    ("Early reports suggest the fire started in the kitchen.", "unconfirmed"),
    ("A former employee alleges safety checks were skipped.", "unconfirmed"),
    ("Staff are understood to have been told of the closure last week.", "unconfirmed"),
    ("Supporters say the scheme has already saved hundreds of jobs.", "unconfirmed"),
    ("According to a neighbour, the building had been empty for years.", "unconfirmed"),
    (
        "The poll, commissioned by the campaign itself, gives the mayor a ten-point lead.",
        "unconfirmed",
    ),
    ("This is the most exciting thing to happen to Millbrook in a generation.", "opinion"),
    ("Nobody sensible would build a car park on a flood plain.", "opinion"),
    ("The council has once again let down the people who rely on buses.", "opinion"),
    ("Frankly, the consultation was a box-ticking exercise.", "opinion"),
    ("We want a town our children can afford to live in.", "opinion"),
    ("The new library is a jewel, and every penny was well spent.", "opinion"),
    ("Critics say the design is ugly and out of place.", "opinion"),
    ("It would be a tragedy to lose the harbour's fishing fleet.", "opinion"),
    ("Residents deserve honesty, not spin.", "opinion"),
    ("The decision to close the ward is simply indefensible.", "opinion"),
    ("Surely there is a better use for the old mill.", "opinion"),
    ("Dunmore has always been the friendliest town on the coast.", "opinion"),
    ("This budget is a missed opportunity.", "opinion"),
    ("The tram will bring the town back to life, its backers insist.", "opinion"),
    ("Any fair observer would call the result a landslide.", "opinion"),
    ("The plan is ambitious, perhaps too ambitious.", "opinion"),
    ("Parents are right to be angry.", "opinion"),
    ("I think the festival has lost its soul.", "opinion"),
    ("The wind farm is a blot on a beautiful landscape.", "opinion"),
    ("What the port needs now is vision, not another review.", "opinion"),
    ('"We are proud of what our nurses achieve every day," said the chief executive.', "opinion"),
    ('"The figures speak for themselves," the mayor said, without giving any.', "unconfirmed"),
    (
        "The mayor said the figures were published in the council's annual report, which confirms them.",
        "verified",
    ),
    ('"It\'s a disaster waiting to happen," said one resident.', "opinion"),
    (
        "The council says the repairs will take two weeks; the contractor has not confirmed this.",
        "unconfirmed",
    ),
    ("Harwick has 14 primary schools, according to the education board's register.", "verified"),
    ('Ticket sales were described by organisers as "phenomenal".', "opinion"),
    ('The report\'s authors call the findings "deeply worrying".', "opinion"),
    (
        "The claim that the bypass will cut journey times by half has not been tested.",
        "unconfirmed",
    ),
    ("Redstone's bus depot closed on 1 May, the operator's notice says.", "verified"),
    ("A spokesperson declined to confirm how many staff would be affected.", "unconfirmed"),
    ("Whether the scheme is worth the money is for voters to decide.", "opinion"),
]
GENERATORS = {"verified": verified, "unconfirmed": unconfirmed, "opinion": opinion}


def sentences(n: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """``n`` generated (text, label) pairs, labels in equal shares, topics at random."""
    r = random.Random(seed)
    topics = list(TOPICS)
    for _ in range(n):
        label = r.choice(LABELS)
        yield GENERATORS[label](r, r.choice(topics)), label


def _reword(r: random.Random, text: str) -> str:
    """A near-duplicate of a claim: the same claim said a little differently."""
    edits = [
        lambda t: "As reported earlier, " + t[0].lower() + t[1:],
        lambda t: t.replace(" per cent", "%"),
        lambda t: t.replace(" said", " says").replace("show that", "indicate that"),
        lambda t: t.rstrip(".") + ", officials added.",
        lambda t: t.replace("the ", "this ", 1),
        lambda t: t.replace(",", "", 1),
        lambda t: "Meanwhile, " + t[0].lower() + t[1:],
    ]
    for edit in r.sample(edits, r.randint(1, 3)):
        text = edit(text)
    return text


def build(seed: int = 7) -> list[dict[str, object]]:
    """The rows of the labelled set (see the module docstring)."""
    r = random.Random(seed)
    hand = list(HAND_WRITTEN)
    r.shuffle(hand)
    rows: list[dict[str, object]] = []
    topics = list(TOPICS)
    for number in range(160):
        topic = topics[number % len(topics)]
        article_id = f"{topic}-{number:03d}"
        for index in range(r.randint(10, 18)):
            if hand and r.random() < 0.03:
                text, label = hand.pop()
            else:
                label = r.choice(LABELS)
                text = GENERATORS[label](r, topic)
                if r.random() < 0.03:
                    label = r.choice([other for other in LABELS if other != label])
            rows.append(
                {
                    "article_id": article_id,
                    "sentence_index": index,
                    "text": text,
                    "label": label,
                    "claim_group": "",
                }
            )
    for text, label in hand:  # whatever the articles did not take
        rows.append(
            {
                "article_id": "letters-000",
                "sentence_index": len(rows),
                "text": text,
                "label": label,
                "claim_group": "",
            }
        )
    originals = r.sample(range(len(rows)), 150)
    articles = sorted({str(row["article_id"]) for row in rows})
    for group, position in enumerate(originals):
        original = rows[position]
        original["claim_group"] = f"claim-{group:03d}"
        others = [a for a in articles if a != original["article_id"]]
        for article_id in r.sample(others, r.randint(2, 4)):
            rows.append(
                {
                    "article_id": article_id,
                    "sentence_index": 100 + len(rows),
                    "text": _reword(r, str(original["text"])),
                    "label": original["label"],
                    "claim_group": original["claim_group"],
                }
            )
    rows.sort(key=lambda row: (str(row["article_id"]), int(row["sentence_index"])))
    counters: dict[str, int] = {}
    for row in rows:
        index = counters.get(str(row["article_id"]), 0)
        counters[str(row["article_id"])] = index + 1
        row["sentence_index"] = index
        row["sentence_id"] = f"{row['article_id']}-{index:04d}"
    return rows


def main() -> None:
    rows = build()
    columns = ["article_id", "sentence_id", "sentence_index", "text", "label", "claim_group"]
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(
        f"wrote {len(rows)} sentences in {len({r['article_id'] for r in rows})} articles to {OUT}"
    )


if __name__ == "__main__":
    main()
