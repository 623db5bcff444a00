"""Work assignment: exact coverage, balance, reproducibility and stability across rounds."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.assignment import (
    Unit,
    assign,
    check_queue,
    plan_assignment,
    read_assignment,
    read_plan,
)
from factcheck.errors import InputError

PROPERTY = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
NAMES = ["ana", "ben", "chloe", "dev", "eli"]


def units(n: int, strata: int = 1) -> list[Unit]:
    return [Unit(f"article-{i:04d}", "", f"outlet-{i % strata}") for i in range(n)]


def corpus(tmp_path: Path, n: int = 30) -> Path:
    """A CSV corpus of ``n`` short fictional articles from three outlets."""
    lines = ["id,title,text,source"]
    for i in range(n):
        lines.append(
            f"a{i},Council vote {i},The council voted on item {i} on Monday. "
            f"Residents said the plan was rushed.,outlet-{i % 3}"
        )
    path = tmp_path / "corpus.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@PROPERTY
@given(
    n=st.integers(1, 120),
    annotators=st.integers(1, 5),
    per_item=st.integers(1, 5),
    overlap=st.sampled_from([0.0, 0.1, 0.25, 1.0]),
    seed=st.integers(0, 10_000),
)
def test_every_item_gets_exactly_per_item_coders_and_loads_stay_within_one(
    n, annotators, per_item, overlap, seed
):
    """Test the invariants: overlap items go to everyone, every other item to exactly
    per_item distinct coders, and no queue is more than one item longer than another."""
    per_item = min(per_item, annotators)
    plan = plan_assignment(
        units(n), NAMES[:annotators], per_item=per_item, all_overlap=overlap, seed=seed
    )
    coders = plan.coders()
    assert set(coders) == {u.key for u in units(n)}
    shared = {item.key for item in plan.items if item.overlap}
    assert len(shared) == round(overlap * n)
    for key, who in coders.items():
        assert len(who) == (annotators if key in shared else per_item)
    loads = plan.loads().values()
    assert max(loads) - min(loads) <= 1
    for name in NAMES[:annotators]:
        assert [item.position for item in plan.queue(name)] == list(range(len(plan.queue(name))))


@PROPERTY
@given(n=st.integers(5, 80), seed=st.integers(0, 1000), sample=st.integers(0, 5))
def test_the_same_seed_gives_the_same_plan_and_another_seed_another(n, seed, sample):
    """Test that plans are reproducible from the seed alone, whatever the input order."""
    size = min(sample * 3, n)
    first = plan_assignment(units(n), NAMES[:3], sample=size, seed=seed)
    again = plan_assignment(list(reversed(units(n))), NAMES[:3], sample=size, seed=seed)
    assert {(i.annotator, i.key) for i in first.items} == {
        (i.annotator, i.key) for i in again.items
    }


def test_different_seeds_draw_different_samples():
    """Test that the seed really drives the draw (two seeds, two samples of 10 from 200)."""
    draws = {
        frozenset(i.key for i in plan_assignment(units(200), NAMES[:2], sample=10, seed=s).items)
        for s in range(3)
    }
    assert len(draws) == 3


@PROPERTY
@given(
    n=st.integers(10, 90),
    first=st.integers(1, 4),
    added=st.integers(1, 2),
    overlap=st.sampled_from([0.0, 0.2]),
    seed=st.integers(0, 1000),
)
def test_a_second_round_with_new_annotators_keeps_every_earlier_assignment(
    n, first, added, overlap, seed
):
    """Test that round 2 (new items, new annotators) never changes round 1's queues, draws
    only unassigned items, and gives new annotators the earlier overlap items."""
    half = n // 2
    round1 = plan_assignment(
        units(n), NAMES[:first], per_item=1, all_overlap=overlap, sample=half, seed=seed
    )
    names = NAMES[: first + added]
    round2 = plan_assignment(
        units(n), names, per_item=1, all_overlap=overlap, sample=n - half, seed=seed,
        previous=round1,
    )  # fmt: skip
    for name in NAMES[:first]:
        assert round2.queue(name)[: len(round1.queue(name))] == round1.queue(name)
    assert round2.items[: len(round1.items)] == round1.items
    old = {i.key for i in round1.items}
    drawn2 = {i.key for i in round2.items if i.round == 2 and i.key not in old}
    assert not drawn2 & old and len(drawn2) == n - half
    earlier_shared = {i.key for i in round1.items if i.overlap}
    for name in names[first:]:
        assert earlier_shared <= {i.key for i in round2.queue(name)}


def test_stratified_sample_keeps_each_outlets_share():
    """Test that --by draws each stratum in proportion: 30 of 300 from 3 equal outlets."""
    plan = plan_assignment(units(300, strata=3), NAMES[:2], sample=30, by="source", seed=4)
    drawn = Counter(int(i.article_id.split("-")[1]) % 3 for i in plan.items)
    assert drawn == Counter({0: 20, 1: 20, 2: 20})  # 10 each, 2 coders
    assert plan.rounds[-1].strata == {"outlet-0": 10, "outlet-1": 10, "outlet-2": 10}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"annotators": ["ana", "Ana"]}, "listed twice"),
        ({"annotators": ["ana", "ben"], "per_item": 3}, "--per-item 3 needs between 1 and 2"),
        ({"annotators": ["ana", "ben"], "sample": 11}, "--sample 11 is more than the 10"),
        ({"annotators": ["ana"], "per_item": 1, "all_overlap": 1.5}, "must be a fraction"),
        ({"annotators": []}, "No annotators"),
    ],
)
def test_bad_settings_are_refused_with_the_value_and_what_to_do(kwargs, message):
    """Test one clear InputError for each bad setting."""
    with pytest.raises(InputError, match=message):
        plan_assignment(units(10), **kwargs)


def test_assign_writes_queues_and_a_manifest_that_read_back(tmp_path):
    """Test the files: one queue per annotator, a manifest with the seed and counts."""
    plan = assign(
        corpus(tmp_path), ["ana", "Ben K."], tmp_path / "out", per_item=1, all_overlap=0.2,
        seed=7,
    )  # fmt: skip
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema"] == "factcheck-assignment/1"
    assert manifest["annotators"] == {"ana": "ana.csv", "Ben K.": "ben-k-30fd1380.csv"}
    assert manifest["rounds"][0]["seed"] == 7 and manifest["rounds"][0]["overlap"] == 6
    queue = read_assignment(tmp_path / "out" / "ben-k-30fd1380.csv")
    assert [item[0] for item in queue.items] == [i.article_id for i in plan.queue("Ben K.")]
    order = lambda items: sorted(items, key=lambda i: (i.annotator, i.position))  # noqa: E731
    assert order(read_plan(tmp_path / "out").items) == order(plan.items)


def test_assigning_again_into_the_same_folder_adds_a_round(tmp_path):
    """Test that a second run keeps round 1's files' rows and adds new rows after them."""
    path = corpus(tmp_path, 40)
    assign(path, ["ana", "ben"], tmp_path / "out", per_item=1, sample=10, seed=1)
    first = (tmp_path / "out" / "ana.csv").read_text(encoding="utf-8")
    assign(path, ["ana", "ben", "chloe"], tmp_path / "out", per_item=1, sample=10, seed=1)
    second = (tmp_path / "out" / "ana.csv").read_text(encoding="utf-8")
    assert second.startswith(first)
    assert len(read_plan(tmp_path / "out").rounds) == 2
    assert (tmp_path / "out" / "chloe.csv").is_file()


def test_check_queue_names_the_row_of_an_unknown_article(tmp_path):
    """Test that a queue naming an article the corpus lacks is an error with file and line."""
    assign(corpus(tmp_path, 5), ["ana"], tmp_path / "out", per_item=1)
    queue = read_assignment(tmp_path / "out" / "ana.csv")
    with pytest.raises(InputError, match=r"ana\.csv, line \d+: article 'a\d' is not in"):
        check_queue(queue, ["a0"])


def test_cli_assign_and_its_errors(tmp_path):
    """Test `factcheck assign`: exit 0 and files; exit 2 with one line for bad input, and
    nothing written."""
    path = corpus(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "factcheck", "assign", str(path), *args],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    ok = run("--annotators", "ana,ben,chloe", "--per-item", "2", "--sample", "12", "--by",
             "source", "--seed", "3", "-o", str(tmp_path / "a"))  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "round 1: drew 12 article(s)" in ok.stderr
    bad = run("--annotators", "ana,ben", "--per-item", "3", "-o", str(tmp_path / "b"))
    assert bad.returncode == 2 and "--per-item 3" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "b").exists()
    folder_run = subprocess.run(
        [sys.executable, "-m", "factcheck", "assign", str(tmp_path), "--annotators", "ana",
         "--per-item", "1", "-o", str(tmp_path / "queues")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert folder_run.returncode == 2 and "inside the corpus folder" in folder_run.stderr
    assert not (tmp_path / "queues").exists()
