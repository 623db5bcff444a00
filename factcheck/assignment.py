"""Work assignment: who labels what, with a fixed number of coders per item and overlap.

``plan_assignment`` is a pure function from the corpus's units (articles or sentences) to one
queue per annotator: a seeded, optionally stratified sample; a share of it given to everyone
(for agreement figures); every other item given to exactly ``per_item`` annotators, keeping
loads as even as possible. Order and sampling come from a keyed hash of each item's id, not
from a shuffled list, so the same seed gives the same plan on any machine, and a later round
(more items, or a new annotator) keeps everything already assigned exactly as it was.

``write_assignment`` writes ``<folder>/<annotator>.csv`` and ``manifest.json``
(schema ``factcheck-assignment/1``); ``read_assignment`` reads one annotator's queue back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ._atomic import replacing
from .errors import InputError
from .log import annotator_key, annotator_slug, check_annotator

SCHEMA_ID = "factcheck-assignment/1"
MANIFEST = "manifest.json"
UNITS = ("article", "sentence")
COLUMNS = ("article_id", "sentence_id", "round", "overlap", "position")


@dataclass(frozen=True)
class Unit:
    """One thing to label: an article (``sentence_id == ""``) or one of its sentences."""

    article_id: str
    sentence_id: str = ""
    stratum: str = ""

    @property
    def key(self) -> str:
        return self.sentence_id or self.article_id


@dataclass(frozen=True)
class Assigned:
    """One unit in one annotator's queue; ``overlap`` units go to every annotator."""

    annotator: str
    article_id: str
    sentence_id: str
    round: int
    overlap: bool
    position: int

    @property
    def key(self) -> str:
        return self.sentence_id or self.article_id


@dataclass(frozen=True)
class Round:
    """What one call of ``plan_assignment`` drew: its settings and counts, for the manifest."""

    round: int
    seed: int
    sample: int | None
    by: str | None
    all_overlap: float
    per_item: int
    annotators: tuple[str, ...]
    drawn: int
    overlap: int
    strata: dict[str, int] = field(default_factory=dict)
    created: str = ""


@dataclass(frozen=True)
class Plan:
    """Every annotator's queue plus the rounds that made them."""

    unit: str
    annotators: tuple[str, ...]
    items: tuple[Assigned, ...]
    rounds: tuple[Round, ...]

    def queue(self, annotator: str) -> list[Assigned]:
        """One annotator's items in queue order."""
        key = annotator_key(annotator)
        mine = [item for item in self.items if annotator_key(item.annotator) == key]
        return sorted(mine, key=lambda item: item.position)

    def coders(self) -> dict[str, set[str]]:
        """Unit key -> the identities of the annotators it is assigned to."""
        found: dict[str, set[str]] = defaultdict(set)
        for item in self.items:
            found[item.key].add(annotator_key(item.annotator))
        return dict(found)

    def loads(self) -> dict[str, int]:
        """Annotator -> number of items in their queue."""
        counts = Counter(annotator_key(item.annotator) for item in self.items)
        return {name: counts.get(annotator_key(name), 0) for name in self.annotators}


def _rank(seed: int, salt: str, key: str) -> bytes:
    """A keyed hash: the order of a unit under ``seed``, the same on every machine."""
    return hashlib.blake2b(f"{seed}\0{salt}\0{key}".encode(), digest_size=12).digest()


def check_annotators(annotators: Iterable[str]) -> tuple[str, ...]:
    """The names, checked: none empty, none twice (as one identity), at least one."""
    names = tuple(check_annotator(str(name)) for name in annotators)
    if not names:
        raise InputError("No annotators given. Pass --annotators ana,ben,chloe.")
    seen: dict[str, str] = {}
    for name in names:
        key = annotator_key(name)
        if key in seen:
            raise InputError(
                f"Annotator {name!r} is listed twice (as {seen[key]!r} too). List each person once."
            )
        seen[key] = name
    return names


def _stratified(pool: Sequence[Unit], size: int, seed: int, salt: str) -> list[Unit]:
    """``size`` units: each stratum in proportion to its share (largest remainder)."""
    strata: dict[str, list[Unit]] = defaultdict(list)
    for unit in pool:
        strata[unit.stratum].append(unit)
    total = len(pool)
    quotas = {name: size * len(units) / total for name, units in strata.items()}
    counts = {name: int(q) for name, q in quotas.items()}
    left = size - sum(counts.values())
    by_remainder = sorted(quotas, key=lambda n: (-(quotas[n] - counts[n]), _rank(seed, salt, n)))
    for name in by_remainder[:left]:
        counts[name] += 1
    chosen: list[Unit] = []
    for name, units in strata.items():
        ordered = sorted(units, key=lambda u: _rank(seed, salt, u.key))
        chosen.extend(ordered[: counts[name]])
    return chosen


def plan_assignment(
    units: Sequence[Unit],
    annotators: Sequence[str],
    *,
    per_item: int = 2,
    all_overlap: float = 0.0,
    sample: int | None = None,
    seed: int = 0,
    by: str | None = None,
    unit: str = "article",
    previous: Plan | None = None,
) -> Plan:
    """A new round of assignments on top of ``previous`` (never changing what it holds).

    Draws ``sample`` units (all, if None) not yet assigned, stratified by ``Unit.stratum``
    when ``by`` is set; gives ``round(all_overlap * drawn)`` of them to every annotator and
    each other unit to exactly ``per_item`` annotators, least-loaded first. Annotators new
    in this round also get every earlier overlap unit, so agreement covers everyone.
    """
    names = check_annotators(annotators)
    if unit not in UNITS:
        raise InputError(f"Unknown unit {unit!r}. Use 'article' or 'sentence'.")
    if previous is not None and previous.unit != unit:
        raise InputError(
            f"The existing assignment is by {previous.unit}, not {unit}; use --unit "
            f"{previous.unit} or write the new assignment to another folder."
        )
    if not 1 <= per_item <= len(names):
        raise InputError(
            f"--per-item {per_item} needs between 1 and {len(names)} annotators per item "
            f"(there are {len(names)}: {', '.join(names)}). Lower --per-item or add annotators."
        )
    if not 0.0 <= all_overlap <= 1.0:
        raise InputError(f"--all-overlap {all_overlap} must be a fraction from 0 to 1.")
    keys = [u.key for u in units]
    if len(set(keys)) != len(keys):
        duplicate = next(k for k, n in Counter(keys).items() if n > 1)
        raise InputError(f"The corpus has the item id {duplicate!r} twice; ids must be unique.")
    old_items = previous.items if previous else ()
    old_rounds = previous.rounds if previous else ()
    known = set(keys)
    missing = sorted({item.key for item in old_items} - known)
    if missing:
        raise InputError(
            f"The existing assignment names {len(missing)} item(s) not in the corpus, e.g. "
            f"{missing[0]!r}. Pass the same corpus as before (or write to a new folder)."
        )
    round_no = len(old_rounds) + 1
    assigned_keys = {item.key for item in old_items}
    pool = [u for u in units if u.key not in assigned_keys]
    size = len(pool) if sample is None else sample
    if not 0 <= size <= len(pool):
        raise InputError(
            f"--sample {sample} is more than the {len(pool)} item(s) not yet assigned. "
            "Draw fewer, or add articles to the corpus."
        )
    salt = f"round-{round_no}"
    drawn = _stratified(pool, size, seed, salt) if by else pool
    drawn = sorted(drawn, key=lambda u: _rank(seed, salt, u.key))[:size]
    n_overlap = round(all_overlap * len(drawn))
    overlap = drawn[:n_overlap]
    rest = drawn[n_overlap:]

    by_key = {u.key: u for u in units}
    article_rank = {u.article_id: _rank(seed, "article", u.article_id) for u in units}
    old_names = {annotator_key(item.annotator) for item in old_items} | {
        annotator_key(n) for r in old_rounds for n in r.annotators
    }
    load = Counter(annotator_key(item.annotator) for item in old_items)
    new: list[tuple[str, Unit, bool]] = []
    earlier_overlap = sorted(
        {item.key for item in old_items if item.overlap}, key=lambda k: article_rank.get(k, b"")
    )
    for name in names:
        if annotator_key(name) not in old_names:
            new.extend((name, by_key[key], True) for key in earlier_overlap)
    for u in overlap:
        new.extend((name, u, True) for name in names)
    for name, _, _ in new:
        load[annotator_key(name)] += 1
    for u in rest:
        chosen = sorted(
            names, key=lambda n: (load[annotator_key(n)], _rank(seed, u.key, annotator_key(n)))
        )[:per_item]
        for name in chosen:
            load[annotator_key(name)] += 1
            new.append((name, u, False))

    next_position = Counter(annotator_key(item.annotator) for item in old_items)
    items = list(old_items)
    index_of = {u.key: i for i, u in enumerate(units)}
    ordered = sorted(
        new,
        key=lambda t: (article_rank[t[1].article_id], t[1].article_id, index_of[t[1].key]),
    )
    for name, u, is_overlap in ordered:
        who = annotator_key(name)
        position = next_position[who]
        items.append(Assigned(name, u.article_id, u.sentence_id, round_no, is_overlap, position))
        next_position[who] += 1
    strata = dict(sorted(Counter(u.stratum for u in drawn).items())) if by else {}
    this_round = Round(
        round=round_no,
        seed=seed,
        sample=sample,
        by=by,
        all_overlap=all_overlap,
        per_item=per_item,
        annotators=names,
        drawn=len(drawn),
        overlap=len(overlap),
        strata=strata,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    everyone = list(previous.annotators) if previous else []
    everyone += [n for n in names if annotator_key(n) not in {annotator_key(e) for e in everyone}]
    return Plan(unit, tuple(everyone), tuple(items), (*old_rounds, this_round))


def corpus_units(articles: Iterable, unit: str = "article", by: str | None = None) -> list[Unit]:
    """The units of a corpus; ``by`` names the stratum: ``source`` or a metadata key."""

    def stratum(article) -> str:
        if not by:
            return ""
        if by == "source":
            return str(article.metadata.get("outlet") or article.source)
        value = article.metadata.get(by)
        if value is None and by not in ("date",):
            raise InputError(
                f"{article.source}: article {article.id!r} has no {by!r} to stratify by. "
                "Use --by source, --by date, or a column every article has."
            )
        return str(value or "")

    found: list[Unit] = []
    for article in articles:
        group = stratum(article)
        if unit == "article":
            found.append(Unit(article.id, "", group))
        else:
            found.extend(Unit(article.id, s.id, group) for s in article.sentences)
    return found


def _queue_csv(items: Sequence[Assigned]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow(
            (item.article_id, item.sentence_id, item.round, int(item.overlap), item.position)
        )
    return out.getvalue()


def _manifest(plan: Plan, corpus: Sequence[str], n_units: int) -> dict:
    return {
        "schema": SCHEMA_ID,
        "unit": plan.unit,
        "corpus": list(corpus),
        "corpus_units": n_units,
        "annotators": {name: f"{annotator_slug(name)}.csv" for name in plan.annotators},
        "loads": plan.loads(),
        "rounds": [asdict(r) | {"annotators": list(r.annotators)} for r in plan.rounds],
    }


def write_assignment(
    plan: Plan, folder: str | os.PathLike[str], *, corpus: Sequence[str] = (), n_units: int = 0
) -> Path:
    """Write one queue file per annotator and ``manifest.json``; returns the manifest path.

    Every file is written beside its target first and renamed only when all are written,
    so an error leaves the previous assignment as it was.
    """
    root = Path(folder).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    outputs = {
        f"{annotator_slug(name)}.csv": _queue_csv(plan.queue(name)) for name in plan.annotators
    }
    if len(outputs) != len(plan.annotators):
        raise InputError(
            "Two annotators' names give the same file name; make the names more distinct."
        )
    outputs[MANIFEST] = json.dumps(_manifest(plan, corpus, n_units), indent=1) + "\n"
    # Each file goes to a temporary beside it; all are renamed only once all are written.
    with ExitStack() as stack:
        for name, text in outputs.items():
            stack.enter_context(replacing(root / name)).write_text(text, encoding="utf-8")
    return root / MANIFEST


def read_plan(folder: str | os.PathLike[str]) -> Plan | None:
    """The plan saved in ``folder`` (manifest and queues), or None if there is none."""
    root = Path(folder).expanduser()
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA_ID:
            raise ValueError(f"schema is {data.get('schema')!r}, not {SCHEMA_ID!r}")
        rounds = tuple(Round(**{**r, "annotators": tuple(r["annotators"])}) for r in data["rounds"])
        files = dict(data["annotators"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"{path}: not a factcheck assignment manifest ({exc}). Write the new assignment "
            "to an empty folder."
        ) from None
    items: list[Assigned] = []
    for name, file_name in files.items():
        for row in read_assignment(root / Path(file_name).name).items:
            items.append(Assigned(name, *row))
    return Plan(data["unit"], tuple(files), tuple(items), rounds)


@dataclass(frozen=True)
class Queue:
    """One annotator's assignment as read from its file: rows in queue order."""

    path: str
    items: tuple[tuple[str, str, int, bool, int], ...]

    @property
    def article_ids(self) -> list[str]:
        """The assigned articles, in queue order, each once."""
        return list(dict.fromkeys(item[0] for item in self.items))

    @property
    def sentence_ids(self) -> set[str]:
        """The assigned sentences (empty for an assignment by article)."""
        return {item[1] for item in self.items if item[1]}


def read_assignment(path: str | os.PathLike[str]) -> Queue:
    """Read ``<annotator>.csv`` of an assignment; InputError names the file and row."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the assignment file ({exc}).") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0][:2] != ["article_id", "sentence_id"]:
        raise InputError(
            f"{path}, line 1: not an assignment file (expected columns {', '.join(COLUMNS)}). "
            "Make one with 'factcheck assign'."
        )
    header = rows[0]
    items = []
    for line, row in enumerate(rows[1:], start=2):
        record = dict(zip(header, row, strict=False))
        if not record.get("article_id"):
            raise InputError(f"{path}, line {line}: the article_id is empty.")
        try:
            items.append(
                (
                    record["article_id"],
                    record.get("sentence_id", ""),
                    int(record.get("round") or 1),
                    record.get("overlap", "0") in ("1", "true", "True"),
                    int(record.get("position") or line - 2),
                )
            )
        except ValueError:
            raise InputError(
                f"{path}, line {line}: round and position must be whole numbers."
            ) from None
    return Queue(str(path), tuple(sorted(items, key=lambda item: item[4])))


def check_queue(queue: Queue, article_ids: Iterable[str]) -> None:
    """Raise InputError if the queue names an article that is not among ``article_ids``."""
    known = set(article_ids)
    for position, item in enumerate(queue.items):
        if item[0] not in known:
            raise InputError(
                f"{queue.path}, line {position + 2}: article {item[0]!r} is not in the loaded "
                "articles. Load the corpus the assignment was made from."
            )


def assign(
    corpus: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    annotators: Sequence[str],
    out: str | os.PathLike[str],
    *,
    per_item: int = 2,
    all_overlap: float = 0.0,
    sample: int | None = None,
    by: str | None = None,
    unit: str = "article",
    seed: int = 0,
) -> Plan:
    """Assign a corpus to annotators and write the queues to ``out`` (see ``plan_assignment``).

    Run it again on the same folder for a second round or new annotators: what is already
    assigned stays exactly as it was.
    """
    from .articles import iter_articles

    specs = [corpus] if isinstance(corpus, (str, os.PathLike)) else list(corpus)
    check_annotators(annotators)  # fail before reading a large corpus
    units = corpus_units(iter_articles(specs), unit, by)
    previous = read_plan(out)
    plan = plan_assignment(
        units,
        annotators,
        per_item=per_item,
        all_overlap=all_overlap,
        sample=sample,
        seed=seed,
        by=by,
        unit=unit,
        previous=previous,
    )
    write_assignment(plan, out, corpus=[str(s) for s in specs], n_units=len(units))
    return plan
