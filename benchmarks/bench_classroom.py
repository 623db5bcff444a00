"""Benchmark the classroom path for a class of 30 students x 5 articles (about 15 sentences each).

Prints how long each step takes: reading the key, one ``AnswerKey.check`` (against the naive
route, a DataFrame lookup per answer), scoring the folder and writing the HTML report.
Run: ``python benchmarks/bench_classroom.py [--students 30 --articles 5]``.

``--server N`` instead starts ``serve_classroom`` on 127.0.0.1 with ``max_students=N`` and
sends N + 2 plain GETs: it prints the time and status of each, the memory of each kernel
(resident set size), how many kernels run, and how long the unconnected ones live.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import vl_convert as vlc

from factcheck.articles import Article
from factcheck.classroom import class_report, make_answer_key, read_answer_key
from factcheck.log import AnnotationLog
from factcheck.report import class_report_html, write_class_report

LABELS = ("verified", "unconfirmed", "opinion")
TOWNS = ("Eastport", "Millbrook", "Northgate", "Riverside", "Hollins", "Ashby", "Kelso")


def fake_article(number: int, sentences: int, rng: np.random.Generator) -> Article:
    """A fictional council story of the given number of sentences."""
    town = TOWNS[number % len(TOWNS)]
    parts = []
    for i in range(sentences):
        figure = int(rng.integers(2, 900))
        parts.append(
            rng.choice(
                [
                    f"{town} council approved {figure} new homes on Tuesday, the minutes show.",
                    f"Residents say the plan could cost {figure} jobs in the area.",
                    f'"This is the worst decision in {figure} years," said councillor Ann Reyes.',
                    f"The scheme reportedly needs {figure} more staff by spring.",
                ]
            ).replace("Tuesday", f"day {i}")
        )
    return Article.from_text(" ".join(parts), id=f"story-{number}")


def timed(label: str, fn, repeat: int = 1, per: int = 1):
    """Run ``fn`` ``repeat`` times; print and return the mean time (divided by ``per``)."""
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    elapsed = (time.perf_counter() - start) / repeat / per
    unit, scale = ("us", 1e6) if elapsed < 1e-3 else ("ms", 1e3)
    print(f"{label:<44} {elapsed * scale:10.1f} {unit}")
    return result, elapsed


def kernels_under(pid: int) -> list[int]:
    """Pids of ipykernel processes descending from ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            try:
                if b"ipykernel" in (Path("/proc") / str(child) / "cmdline").read_bytes():
                    found.append(child)
            except OSError:
                continue
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS)."""
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def get(url: str) -> int:
    """One GET without a proxy; the HTTP status."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=300) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def bench_server(places: int, connect_timeout: float = 45.0) -> None:
    """Serve a class of ``places`` and knock on it ``places + 2`` times, as a script could."""
    from factcheck.paths import sample_path
    from factcheck.student import sample_key_path

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
        for name in ("config", "data", "runtime", "ipython"):
            (root / name).mkdir()
        env.update(
            JUPYTER_CONFIG_DIR=str(root / "config"),
            JUPYTER_DATA_DIR=str(root / "data"),
            JUPYTER_RUNTIME_DIR=str(root / "runtime"),
            IPYTHONDIR=str(root / "ipython"),
        )
        port = 8877
        script = (
            "from factcheck.classroom_server import serve_classroom\n"
            f"serve_classroom({str(sample_key_path())!r}, {str(sample_path())!r}, "
            f"{str(root / 'answers')!r}, port={port}, max_students={places}, "
            f"connect_timeout={connect_timeout})\n"
        )
        log = (root / "serve.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-c", script], env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while "Voilà is running" not in (root / "serve.log").read_text("utf-8", "replace"):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start; see its log")
                time.sleep(0.2)
            started = time.monotonic()
            for n in range(places + 2):
                t = time.perf_counter()
                status = get(f"http://127.0.0.1:{port}/")
                print(f"GET {n + 1:>2}: {status} in {time.perf_counter() - t:6.2f} s")
            kernels = kernels_under(server.pid)
            sizes = [rss_mb(pid) for pid in kernels]
            print(f"kernels running: {len(kernels)} (cap {places})")
            if sizes:
                print(f"kernel memory: {min(sizes):.0f}-{max(sizes):.0f} MB each (RSS)")
            while kernels_under(server.pid) and time.monotonic() - started < 600:
                time.sleep(0.5)
            print(
                f"unconnected kernels gone {time.monotonic() - started:.0f} s after the "
                f"first GET (connect_timeout {connect_timeout:.0f} s, culled every 10 s)"
            )
        finally:
            os.killpg(server.pid, 15)
            server.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=15)
    parser.add_argument("--server", type=int, metavar="N", help="benchmark serve with N places")
    args = parser.parse_args()
    if args.server:
        bench_server(args.server)
        return
    rng = np.random.default_rng(7)
    articles = [fake_article(i, args.sentences, rng) for i in range(args.articles)]
    sentences = [s for a in articles for s in a.sentences]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        teacher = AnnotationLog(root / "teacher" / "t.csv", annotator="teacher")
        for s in sentences:
            teacher.record(s, str(rng.choice(LABELS)), "Because the minutes say so.")
        start = time.perf_counter()
        for n in range(args.students):
            log = AnnotationLog(root / "class" / f"s{n:02d}.csv", annotator=f"student {n:02d}")
            for s in sentences[: len(sentences) - (n % 4) * 5]:  # some students unfinished
                log.record(s, str(rng.choice(LABELS)))
        print(
            f"{args.students} students x {args.articles} articles, {len(sentences)} sentences; "
            f"logs written in {time.perf_counter() - start:.1f} s"
        )
        key_path = root / "key.csv"
        make_answer_key(teacher.path, key_path)
        key, _ = timed("read_answer_key", lambda: read_answer_key(key_path), 20)
        ids = [s.id for s in sentences]
        answers = list(zip(ids, rng.choice(LABELS, size=len(ids)), strict=True))
        _, fast = timed(
            "AnswerKey.check (per answer)",
            lambda: [key.check(i, label) for i, label in answers],
            200,
            len(answers),
        )
        frame = key.to_frame()

        def naive():
            out = []
            for i, label in answers:
                row = frame.loc[frame["sentence_id"] == i]
                out.append(bool(len(row)) and row["label"].iloc[0] == label)
            return out

        _, slow = timed("naive DataFrame lookup (per answer)", naive, 2, len(answers))
        print(f"{'  check is faster than the naive lookup by':<44} {slow / fast:10.0f} x")
        report, _ = timed(
            "class_report (read + score + agreement)", lambda: class_report(key, root / "class")
        )
        _, _ = timed(
            "class_report_html (first: loads JS bundle)", lambda: class_report_html(report)
        )
        timed("class_report_html (again)", lambda: class_report_html(report))
        out, _ = timed(
            "write_class_report (everything)",
            lambda: write_class_report(key_path, root / "class", root / "report.html"),
        )
        print(f"{'report size':<44} {out.stat().st_size / 1e6:10.2f} MB")
        print(f"{'  of which Vega JavaScript':<44} {len(vlc.javascript_bundle()) / 1e6:10.2f} MB")


if __name__ == "__main__":
    main()
