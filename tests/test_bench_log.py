"""Tests that the log benchmark's reading part still runs and reads what read_annotations
reads, so the README's reading figures can be reproduced (its timings are not checked)."""

from __future__ import annotations

from factcheck.log import read_annotations
from tests._scripts import benchmark


def test_every_reading_route_of_the_benchmark_reads_the_same_events(tmp_path, capsys):
    """Test that the benchmark's routes, each in its own process, read all the events it
    wrote (bare reads and history alike), that its current labels are read_annotations',
    and that the summary names the target ratio."""
    bench = benchmark("bench_log")
    folder = tmp_path / "read"
    folder.mkdir()
    results = bench.bench_read(folder, events=3_000, files=3)
    assert results["files"] == {
        "bytes": sum(path.stat().st_size for path in folder.glob("*.csv")),
        "events": 3_000,
        "files": 3,
    }
    for route in ("history", "bare-pyarrow", "bare-pandas"):
        assert results[route]["rows"] == 3_000
    history = read_annotations(folder, history=True)
    current = read_annotations(folder)
    assert (
        results["current"]["rows"]
        == len(current)
        == history.groupby(["annotator", "sentence_id"]).ngroups
    )
    assert all(results[route]["seconds"] > 0 for route in bench.ROUTES)
    bench.print_read(results)
    printed = capsys.readouterr().out
    assert "current labels / the faster bare read:" in printed
    assert "target: at most 1.5x" in printed
    assert current["annotator"].nunique() == 3
