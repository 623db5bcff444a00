"""Load benchmark: N simulated students (default 60) label at once against one machine.

Each student is a real Jupyter kernel running the student app, as Voilà (or a JupyterHub
user server) runs one kernel per tab: ``student_app()`` with the FACTCHECK_* settings, the
student's name claimed, then ``Annotator.label(sentence_id, label)`` (the single path a
click takes) for every key sentence, one "click" every ``--think`` seconds. The clicks are
sent over the Jupyter kernel protocol (ZMQ shell channel, ``jupyter_client``) instead of
from 60 browsers: what is left out is the browser and the widget comm message on the
websocket, which are the same per click whatever the class size.

Printed: kernels' start time, labels per second held (overall and the worst one-second
bucket), click -> acknowledged latency (median, p95, max; the log fsyncs before ``label``
returns, so an acknowledged label is on disk), the teacher's live view refresh cost while
the class labels (``LiveClass.refresh`` every second: median/max time and bytes read) beside
a full re-read of the folder (``class_report``), and the check that every acknowledged
label is on disk (rows per student == acknowledged clicks; nothing lost).

Run: ``python benchmarks/bench_classroom_load.py [--students 60 --think 1.0]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from factcheck.classroom import class_report, read_answer_key
from factcheck.live import LiveClass
from factcheck.log import read_annotations
from factcheck.paths import sample_path
from factcheck.student import ENV_ARTICLES, ENV_FEEDBACK, ENV_KEY, ENV_OUT, sample_key_path

SETUP = """
from factcheck.student import student_app
_app = student_app()
_ann = _app.start({name!r})
_ids = [e.sentence_id for e in _app.key.entries]
_labels = ("verified", "unconfirmed", "opinion")
"""


async def student(
    number: int, env: dict[str, str], think: float, start: asyncio.Event, out: dict
) -> None:
    """One student: a kernel, the app, then a click every ``think`` s on every key sentence."""
    manager = AsyncKernelManager(kernel_name="python3")
    # Own IPython folder per kernel (in the temp dir): no shared history database to lock.
    env = {**env, "IPYTHONDIR": str(Path(env["JUPYTER_RUNTIME_DIR"]).parent / f"ipython-{number}")}
    with open(out["log"], "ab") as log:  # the kernels' warnings, not the figures' output
        await manager.start_kernel(env=env, stdout=log, stderr=log)
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=300)
        name = f"student {number:02d}"
        reply = await client.execute_interactive(
            SETUP.format(name=name), user_expressions={"n": "len(_ids)"}, timeout=300
        )
        count = int(reply["content"]["user_expressions"]["n"]["data"]["text/plain"])
        out["ready"].append(time.monotonic())
        await start.wait()
        for i in range(count):
            code = f"_ok = _ann.label(_ids[{i}], _labels[({i} + {number}) % 3]) is not None"
            sent = time.monotonic()
            reply = await client.execute_interactive(
                code, user_expressions={"ok": "_ok"}, timeout=120, store_history=False
            )
            done = time.monotonic()
            ok = reply["content"]["user_expressions"]["ok"]["data"]["text/plain"] == "True"
            if ok:
                out["acks"].setdefault(name, 0)
                out["acks"][name] += 1
                out["latency"].append(done - sent)
                out["times"].append(done)
            else:
                out["failed"] += 1
            await asyncio.sleep(max(0.0, think - (done - sent)))
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=False)


def watch(key_path: Path, folder: Path, stop: threading.Event, out: dict) -> None:
    """The teacher's live view refreshing every second while the class labels."""
    live = LiveClass(read_answer_key(key_path), folder)
    while not stop.wait(1.0):
        started = time.perf_counter()
        snapshot = live.refresh()
        out["refresh"].append((time.perf_counter() - started, snapshot.bytes_read))


async def run(students: int, think: float, root: Path) -> None:
    key = sample_key_path()
    folder = root / "answers"
    env = {
        **os.environ,
        ENV_KEY: str(key),
        ENV_ARTICLES: str(sample_path()),
        ENV_OUT: str(folder),
        ENV_FEEDBACK: "immediate",
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
    }
    out: dict = {"ready": [], "acks": {}, "latency": [], "times": [], "failed": 0, "refresh": []}
    out["log"] = root / "kernels.log"
    start = asyncio.Event()
    began = time.monotonic()
    tasks = [
        asyncio.create_task(student(n, env, think, start, out)) for n in range(1, students + 1)
    ]
    while len(out["ready"]) < students:
        if any(t.done() for t in tasks):
            for t in tasks:
                if t.done() and t.exception():
                    raise t.exception()
        await asyncio.sleep(0.2)
    print(f"{students} kernels ready (student app started) in {time.monotonic() - began:.1f} s")
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(key, folder, stop, out), daemon=True)
    watcher.start()
    labelling = time.monotonic()
    start.set()
    await asyncio.gather(*tasks)
    # From the first click to the last acknowledgement (not the kernels' shutdown after it).
    elapsed = (max(out["times"]) if out["times"] else time.monotonic()) - labelling
    stop.set()
    watcher.join()

    acked = sum(out["acks"].values())
    latency = sorted(out["latency"])
    p95 = latency[int(0.95 * (len(latency) - 1))] if latency else float("nan")
    buckets: dict[int, int] = {}
    for t in out["times"]:
        buckets[int(t - labelling)] = buckets.get(int(t - labelling), 0) + 1
    # Whole seconds only, from the second after the first click to the one before the last.
    inner = [buckets.get(s, 0) for s in range(1, max(buckets) if buckets else 1)]
    print(
        f"labels: {acked} acknowledged, {out['failed']} refused, in {elapsed:.1f} s = "
        f"{acked / elapsed:.1f} labels/s (offered {students / think:.0f}/s); worst full second "
        f"{min(inner) if inner else 'n/a'} labels"
    )
    print(
        f"click -> acknowledged (on disk): median {statistics.median(latency) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {latency[-1] * 1000:.1f} ms"
    )
    refresh = out["refresh"]
    if refresh:
        times = sorted(r[0] for r in refresh)
        print(
            f"live view refresh every 1 s ({len(refresh)} refreshes): median "
            f"{statistics.median(times) * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms, median "
            f"{statistics.median(r[1] for r in refresh) / 1024:.1f} KiB read"
        )
    started = time.perf_counter()
    report = class_report(key, folder)
    full = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.glob("*.csv"))
    print(f"full re-read (class_report) of the folder: {full * 1000:.0f} ms, {size / 1024:.0f} KiB")
    started = time.perf_counter()
    fresh = LiveClass(read_answer_key(key), folder).refresh()
    print(
        f"live view first read of the whole folder: {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    rows = read_annotations(sorted(folder.glob("*.csv")), history=True)
    on_disk = rows.groupby("annotator").size().to_dict()
    lost = {n: (a, on_disk.get(n, 0)) for n, a in out["acks"].items() if on_disk.get(n, 0) != a}
    print(
        f"on disk: {len(rows)} rows in {len(on_disk)} files; acknowledged but missing: "
        f"{lost or 'none'}; report students {len(report.students)}, live view {len(fresh.students)}"
    )
    if lost:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between clicks")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.students, args.think, Path(tmp)))


if __name__ == "__main__":
    main()
