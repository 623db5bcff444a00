"""README snippets are tests: every ```python block runs verbatim, every factcheck command runs.

The python blocks run in README order, one notebook cell each, in one fresh kernel: later
sections use names the earlier ones define (``df``), as they would for a reader typing them
into one notebook. The folder they run in holds what the README assumes: an ``annotations/``
folder with labels in it (the example logs), an ``article.md`` and an ``articles/`` folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from factcheck.cli import build_parser
from factcheck.paths import annotations_folder, sample_path
from tests._readme import README, CodeBlock, readme_blocks, shell_commands
from tests._venv import built_checkout_venv, new_files_removed, running_lab

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "annotations" / "examples"
FACTCHECK = Path(sys.executable).parent / "factcheck"
# The README's first two sh blocks set up a venv (and start the lab, or run the whole suite):
# CI runs them itself on a clean clone (.ci/run; tests/test_project.py checks it runs the
# test command verbatim), and running them here would install packages from the network.
SETUP_BLOCKS = 2


def prepare_reader_folder(folder: Path) -> Path:
    """Fill ``folder`` with what the README's snippets and commands take for granted.

    Labels in ``annotations/`` (the example logs, and a teacher's log as teacher.csv), an
    ``article.md``, ``articles/``, and for the teaching section a ``key.csv`` and the
    students' logs in ``class-logs/``.
    """
    (folder / "annotations").mkdir(parents=True)
    for log in sorted(EXAMPLES.glob("*.csv")):
        shutil.copyfile(log, folder / "annotations" / log.name)
    classroom = EXAMPLES / "classroom"
    shutil.copyfile(classroom / "teacher" / "rahman.csv", folder / "annotations" / "teacher.csv")
    shutil.copyfile(classroom / "key.csv", folder / "key.csv")
    (folder / "class-logs").mkdir()
    for log in sorted(classroom.glob("*.csv")):
        if log.name != "key.csv":
            shutil.copyfile(log, folder / "class-logs" / log.name)
    shutil.copytree(sample_path(), folder / "articles")
    shutil.copyfile(sample_path() / "riverside-bridge.md", folder / "article.md")
    return folder


@pytest.fixture
def kernel_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the kernel's IPython and Jupyter files in tmp_path, with no labels folder set."""
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.delenv("FACTCHECK_ANNOTATIONS", raising=False)
    return tmp_path


def run_python_blocks(blocks: list[CodeBlock], cwd: Path) -> nbformat.NotebookNode:
    """Run the blocks as cells of one notebook in a fresh kernel; fail naming the first that
    raised, with its section, line and error."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(block.source) for block in blocks]
    NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=180,
        allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    ).execute()
    for block, cell in zip(blocks, notebook.cells, strict=True):
        for output in cell.outputs:
            if output.output_type == "error":
                trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.traceback[-4:]))
                pytest.fail(
                    f"{block.where()} raised {output.ename}: {output.evalue}\n"
                    f"snippet:\n{block.source}\n{trace}",
                    pytrace=False,
                )
    return notebook


def test_every_python_block_of_the_readme_runs_in_a_fresh_kernel(tmp_path, kernel_home):
    """Test that the README's python blocks run verbatim, in order, in the folder they assume."""
    blocks = readme_blocks("python")
    assert len(blocks) >= 4, f"{README} has only {len(blocks)} python blocks"
    folder = prepare_reader_folder(tmp_path / "reader")
    notebook = run_python_blocks(blocks, folder)
    first = notebook.cells[0].outputs
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in first), (
        f"{blocks[0].where()} shows no widget"
    )


def process_env(pid: int) -> dict[str, str]:
    """The environment a running process was started with (Linux /proc)."""
    if not Path("/proc").is_dir():
        pytest.skip("reading a server's environment needs Linux's /proc")
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


@pytest.mark.slow
def test_readme_python_blocks_run_in_the_kernel_factcheck_lab_gives_a_checkout(
    tmp_path_factory, tmp_path, kernel_home, monkeypatch
):
    """Test that the README's python blocks run in the folder and environment that the
    README's own setup (pip install -e . && factcheck lab) gives a notebook's kernel."""
    checkout, venv = built_checkout_venv(tmp_path_factory)
    (tmp_path / "home").mkdir()
    with running_lab(venv, checkout, tmp_path / "home") as lab:
        server_env = process_env(lab.server_pid)  # kernels inherit the server's environment
        folder = lab.root_dir  # notebook 01's folder: its kernel's working folder
    if "FACTCHECK_ANNOTATIONS" in server_env:
        monkeypatch.setenv("FACTCHECK_ANNOTATIONS", server_env["FACTCHECK_ANNOTATIONS"])
    labels = folder / annotations_folder()  # where the Annotator saves, as the kernel sees it
    # The checkout copy is shared by the session's tests: leave it as it was.
    with new_files_removed(folder, labels):
        # What the README assumes: labels saved (the example logs), an article.md, articles/.
        labels.mkdir(exist_ok=True)
        for log in sorted(EXAMPLES.glob("*.csv")):
            if not (labels / log.name).exists():
                shutil.copyfile(log, labels / log.name)
        shutil.copytree(sample_path(), folder / "articles")
        shutil.copyfile(sample_path() / "riverside-bridge.md", folder / "article.md")
        run_python_blocks(readme_blocks("python"), folder)


def factcheck_blocks() -> list[tuple[CodeBlock, list[list[str]]]]:
    """The README's sh blocks after the setup ones, with their factcheck commands in order.

    Other commands (say, an apt-get line) are left to the reader: they install or change
    the machine.
    """
    blocks = []
    for block in readme_blocks("sh")[SETUP_BLOCKS:]:
        commands = [
            ["factcheck", *words[1:]]
            for words in shell_commands(block)
            if Path(words[0]).name == "factcheck"
        ]
        if commands:
            blocks.append((block, commands))
    return blocks


def test_the_setup_blocks_are_the_ones_skipped():
    """Test that the two sh blocks skipped are the setup commands, and others are run."""
    blocks = readme_blocks("sh")
    for block in blocks[:SETUP_BLOCKS]:
        assert "python3 -m venv .venv" in block.source, block.where()
    assert factcheck_blocks(), "the README has no factcheck command in an sh block"


def run_factcheck(words: list[str], folder: Path, where: str) -> None:
    """Run a README factcheck command in ``folder``; fail naming where the README has it.

    What it names after -o must exist afterwards: a non-empty file, or a non-empty folder.
    """
    result = subprocess.run(
        [str(FACTCHECK), *words[1:]],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, (
        f"{where}: `{' '.join(words)}` exited with {result.returncode}:\n"
        f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
    )
    if "-o" in words:
        out = folder / words[words.index("-o") + 1]
        written = out.stat().st_size > 0 if out.is_file() else out.is_dir() and any(out.iterdir())
        assert written, f"{where}: `{' '.join(words)}` wrote nothing to {out.name}"


@pytest.mark.parametrize(
    ("block", "commands"),
    factcheck_blocks(),
    ids=[f"line{block.line}-{commands[0][1]}" for block, commands in factcheck_blocks()],
)
def test_readme_sh_block_runs_in_order_and_writes_its_outputs(tmp_path, block, commands):
    """Test that a README sh block's factcheck commands run verbatim, in order, in one prepared
    folder (a later line may read what an earlier one wrote), each writing its -o."""
    folder = prepare_reader_folder(tmp_path / "reader")
    for words in commands:
        run_factcheck(words, folder, block.where())


def inline_commands() -> list[str]:
    """The `factcheck ...` commands written in the README's prose (inline code)."""
    text = README.read_text(encoding="utf-8")
    return re.findall(r"`(factcheck [^`]+)`", text)


# Commands that start a server and run until stopped: parsed only (the browser tests run
# `factcheck lab` and `factcheck classroom serve` for real).
SERVERS = ("lab", "classroom serve")


@pytest.mark.parametrize("command", inline_commands())
def test_readme_inline_factcheck_command_parses_and_runs(tmp_path, command):
    """Test that a factcheck command in the README's prose parses and, unless it starts a
    server, runs in a prepared folder."""
    # "[--json]" marks an optional flag: check the command with it.
    words = command.replace("[", "").replace("]", "").split()
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(words[1:])
    except SystemExit:
        pytest.fail(f"README.md: `{command}` is rejected by `factcheck`'s parser", pytrace=False)
    assert not extra or args.command == "lab", f"README.md: `{command}`: unknown {extra}"
    if not " ".join(words[1:]).startswith(SERVERS):
        run_factcheck(words, prepare_reader_folder(tmp_path / "reader"), f"README.md: `{command}`")
