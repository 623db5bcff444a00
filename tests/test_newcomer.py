"""Walk the newcomer's path: build the sdist and wheel, install the wheel, run `factcheck lab`.

The wheel goes into a throwaway venv with no network (see tests/_venv.py); every command runs
from a temp folder that is not the repo, as the current user (root in CI) and with HOME and
the Jupyter dirs in temp folders, so neither the repo nor the user's setup can help it along.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests._venv import (
    ROOT,
    Distributions,
    ThrowawayVenv,
    archive_names,
    built_checkout_venv,
    built_wheel_venv,
    clean_env,
    run,
    running_lab,
    unpack_sdist,
)

LABEL_NOTEBOOK = "01-label-articles.ipynb"


@pytest.fixture(scope="session")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> Distributions:
    return built_wheel_venv(tmp_path_factory)[0]


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayVenv:
    return built_wheel_venv(tmp_path_factory)[1]


@pytest.fixture(scope="session")
def checkout_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ThrowawayVenv]:
    """A copy of the repo installed editable in a throwaway venv (the README's setup)."""
    return built_checkout_venv(tmp_path_factory)


@pytest.fixture
def user_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """A folder to run commands in (not the repo) and a HOME, both empty temp folders."""
    (tmp_path / "work").mkdir()
    (tmp_path / "home").mkdir()
    return tmp_path / "work", tmp_path / "home"


def test_building_writes_nothing_into_the_working_tree(distributions):
    """Test that building the sdist and wheel leaves no build output in the repo."""
    assert distributions.sdist.is_file() and distributions.wheel.is_file()
    assert distributions.repo_changes == (), f"the build wrote {distributions.repo_changes}"
    assert ROOT not in distributions.sdist.parents
    print(f"sdist and wheel built in {distributions.seconds:.1f} s")


def test_the_wheels_factcheck_is_the_one_imported(wheel_venv, user_dirs):
    """Test that the venv imports factcheck from the wheel, not the runner's editable install."""
    work, home = user_dirs
    code = "import factcheck, jupyterlab; print(factcheck.__file__); print(jupyterlab.__file__)"
    result = run([wheel_venv.python, "-c", code], cwd=work, env=wheel_venv.env(home))
    factcheck_file, jupyterlab_file = (Path(p) for p in result.stdout.split())
    assert wheel_venv.root in factcheck_file.parents, factcheck_file
    assert ROOT not in factcheck_file.parents
    assert wheel_venv.root not in jupyterlab_file.parents  # a dependency, borrowed
    print(f"throwaway venv with the wheel made in {wheel_venv.seconds:.1f} s")


@pytest.mark.parametrize("command", [["factcheck"], ["python", "-m", "factcheck"]])
def test_help_works_from_the_installed_wheel(wheel_venv, user_dirs, command):
    """Test that `factcheck --help` and `python -m factcheck --help` list the commands."""
    work, home = user_dirs
    argv = [str(wheel_venv.bin(command[0])), *command[1:], "--help"]
    result = run(argv, cwd=work, env=wheel_venv.env(home))
    assert result.stdout.startswith("usage: factcheck")
    for name in ("sentences", "export", "validate", "chart", "agreement", "classroom", "lab"):
        assert name in result.stdout
    lab_help = run([*argv[:-1], "lab", "--help"], cwd=work, env=wheel_venv.env(home))
    assert lab_help.stdout.startswith("usage: factcheck lab")


def test_wheel_contains_the_notebooks_static_files_and_samples(distributions):
    """Test that the wheel ships every notebook, static file and sample article, and no tests."""
    names = archive_names(distributions.wheel)
    package_files = [f for f in distributions.sources if f.startswith("factcheck/")]
    missing = [f for f in package_files if f not in names]
    assert not missing, f"package files missing from {distributions.wheel.name}: {missing}"
    for folder in ("factcheck/static", "factcheck/data/samples"):
        assert any(n.startswith(folder + "/") for n in names), folder
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert LABEL_NOTEBOOK in notebooks
    shipped = {Path(n).name for n in names if n.startswith("factcheck/") and n.endswith(".ipynb")}
    assert not set(notebooks) - shipped, (
        f"notebooks missing from {distributions.wheel.name}: {sorted(set(notebooks) - shipped)}"
    )
    assert not [n for n in names if n.startswith("tests/")], "the wheel installs a tests package"


def test_sdist_contains_the_whole_test_suite_and_the_files_it_reads(distributions):
    """Test that the sdist holds every project file (tests/browser/ included) but git's own.

    The test suite reads files from all over the tree (annotations/README.md, the notebooks,
    the example logs, .ci/run), so the sdist must hold them all to pass its own tests.
    """
    names = set(archive_names(distributions.sdist))
    wanted = [
        f
        for f in distributions.sources
        if not (Path(f).name.startswith(".git") or f.startswith(".github/"))
    ]
    assert "tests/__init__.py" in wanted and "tests/browser/conftest.py" in wanted
    missing = [name for name in wanted if name not in names]
    assert not missing, f"missing from {distributions.sdist.name}: {missing}"


@pytest.mark.slow
def test_tests_that_read_the_project_files_pass_in_the_unpacked_sdist(distributions, user_dirs):
    """Test that the sdist's own tests of the README, CI script and log docs pass in it."""
    work, home = user_dirs
    tree = unpack_sdist(distributions.sdist, work)
    # `python -m pytest` puts the sdist's folder first on sys.path: its factcheck is imported.
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "readme"]
    result = subprocess.run(
        [*argv, "tests/test_project.py", "tests/test_log.py"],
        cwd=tree,
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, f"in {tree}:\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
    assert re.search(r"\b([3-9]|\d\d+) passed", summary), summary


def _opens(lab, relative: str) -> bool:
    """Whether the page the lab sends a browser to (without --no-browser) opens ``relative``."""
    pages = [p.read_text(encoding="utf-8") for p in lab.runtime_dir.glob("jpserver-*open.html")]
    return any(f"/lab/tree/{relative}?" in page for page in pages)


def _served_label_notebook(lab) -> tuple[str, dict]:
    """The labelling notebook's path under the server's root and its model, via the server."""
    found = sorted(lab.root_dir.rglob(LABEL_NOTEBOOK))
    assert found, (
        f"`factcheck lab` serves {lab.root_dir}, which has no {LABEL_NOTEBOOK}: "
        f"{sorted(p.name for p in lab.root_dir.iterdir())}"
    )
    relative = found[0].relative_to(lab.root_dir).as_posix()
    status, model = lab.contents(relative)
    assert status == 200, f"GET /api/contents/{relative}: HTTP {status}"
    assert model["type"] == "notebook"
    return relative, model


@pytest.mark.slow
def test_factcheck_lab_serves_the_labelling_notebook_as_the_current_user(wheel_venv, user_dirs):
    """Test that the README's `factcheck lab` starts from the wheel and serves notebook 01."""
    work, home = user_dirs
    with running_lab(wheel_venv, work, home) as lab:
        relative, model = _served_label_notebook(lab)
        sources = [cell["source"] for cell in model["content"]["cells"]]
        assert any("factcheck.Annotator(" in source for source in sources)
        notebook = lab.root_dir / relative
        assert wheel_venv.root not in notebook.parents, "serves the copy inside site-packages"
        assert work in notebook.parents or notebook.parent == work, notebook
        assert _opens(lab, relative), f"the page `factcheck lab` opens is not {relative}"
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            about_root = re.compile(r"(?<![/\w-])root(?![/\w-])")  # not in paths or flags
            warnings = [line for line in lab.log_tail(200).splitlines() if about_root.search(line)]
            assert warnings and warnings[0].startswith("factcheck"), lab.log_tail(200)
            assert len(warnings) == 1, f"more than one line about root: {warnings}"
        print(f"`factcheck lab` answered in {lab.startup_seconds:.1f} s")


@pytest.mark.slow
def test_a_second_factcheck_lab_keeps_the_users_edited_notebook(wheel_venv, user_dirs):
    """Test that starting `factcheck lab` again keeps an edit saved in the copied notebook."""
    work, home = user_dirs
    with running_lab(wheel_venv, work, home) as lab:
        relative, model = _served_label_notebook(lab)
        content = model["content"]
        content["cells"].append(
            {
                "cell_type": "markdown",
                "id": "my-own-notes",
                "metadata": {},
                "source": "My own notes: check the council minutes <b>first</b>.",
            }
        )
        saved = lab.api("PUT", f"api/contents/{relative}", {"type": "notebook", "content": content})
        assert saved["path"] == relative
        edited = (lab.root_dir / relative).read_bytes()
    with running_lab(wheel_venv, work, home) as lab:
        again, model = _served_label_notebook(lab)
        assert again == relative
        assert model["content"]["cells"][-1]["source"].startswith("My own notes")
        assert (lab.root_dir / relative).read_bytes() == edited


def test_pth_file_lists_only_site_packages(wheel_venv):
    """Test that the venv borrows the runner's site-packages and never the repo root."""
    (pth,) = wheel_venv.site_packages.glob("_factcheck_test_runner_deps.pth")
    lines = pth.read_text(encoding="utf-8").splitlines()
    assert lines and all(Path(line).name in {"site-packages", "dist-packages"} for line in lines)
    assert str(ROOT) not in lines


@pytest.mark.slow
def test_factcheck_lab_in_a_checkout_serves_its_notebooks_folder(checkout_venv, tmp_path):
    """Test that the README's setup (pip install -e . && factcheck lab) serves notebooks/ 01."""
    checkout, venv = checkout_venv
    (tmp_path / "home").mkdir()
    with running_lab(venv, checkout, tmp_path / "home") as lab:
        assert lab.root_dir == checkout / "notebooks"
        relative, _ = _served_label_notebook(lab)
        assert relative == LABEL_NOTEBOOK
        assert _opens(lab, relative), f"the page `factcheck lab` opens is not {relative}"
        assert (checkout / "notebooks" / LABEL_NOTEBOOK).read_text(encoding="utf-8") == (
            ROOT / "notebooks" / LABEL_NOTEBOOK
        ).read_text(encoding="utf-8")


# Runs each notebook named on the command line in a kernel of the calling interpreter (the
# throwaway venv's python), with one cell added at the end that prints where factcheck came
# from; prints JSON: {name: {"errors": [[cell number, error name, message], ...],
# "factcheck": "<its __file__>"}}.
_RUN_NOTEBOOKS = """
import json, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

outcomes = {}
for path in map(Path, sys.argv[1:]):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import factcheck; print(factcheck.__file__)"))
    NotebookClient(
        notebook, kernel_name="python3", timeout=180, allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    errors = [
        [number, out.ename, out.evalue]
        for number, cell in enumerate(notebook.cells, 1)
        for out in cell.get("outputs", [])
        if out.output_type == "error"
    ]
    where = "".join(out.get("text", "") for out in notebook.cells[-1].outputs).strip()
    outcomes[path.name] = {"errors": errors, "factcheck": where}
print(json.dumps(outcomes))
"""


@pytest.mark.slow
def test_every_notebook_factcheck_lab_copies_runs_from_the_wheel(wheel_venv, user_dirs):
    """Test that each notebook in the wheel's working folder runs top to bottom as shipped."""
    work, home = user_dirs
    with running_lab(wheel_venv, work, home) as lab:
        folder = lab.root_dir
    notebooks = sorted(folder.glob("*.ipynb"))
    assert {p.name for p in notebooks} >= {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}, (
        f"{folder} lacks notebooks: {sorted(p.name for p in notebooks)}"
    )
    result = run(
        [wheel_venv.python, "-c", _RUN_NOTEBOOKS, *notebooks], cwd=folder, env=wheel_venv.env(home)
    )
    failures = []
    for name, outcome in json.loads(result.stdout.strip().splitlines()[-1]).items():
        assert wheel_venv.root in Path(outcome["factcheck"]).parents, outcome["factcheck"]
        if outcome["errors"]:  # the first error: later ones usually follow from it
            number, error, message = outcome["errors"][0]
            failures.append(f"{folder / name}, cell {number}: {error}: {message}")
    assert not failures, "notebooks raised when run from the wheel:\n" + "\n".join(failures)
