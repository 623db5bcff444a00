# JupyterHub configuration for a factcheck class (see notebooks/TEACHERS.md, "JupyterHub").
#
# Every user's default page is the no-code student app (Voila, factcheck's template, no CDN);
# the hub's user name is the student's name (no name entry); every student writes
# <answers>/<name>.csv in one shared class folder; the teachers are the hub's admins. The
# hub's own login and spawner are the site's (TLJH and Zero to JupyterHub set them); this
# file only adds the class. Settings come from the environment of the hub process:
#
#   FACTCHECK_KEY        the answer key CSV                  (required)
#   FACTCHECK_ARTICLES   the articles the key covers         (required)
#   FACTCHECK_OUT        the shared answers folder           (required; writable by students)
#   FACTCHECK_FEEDBACK   immediate | end                     (default immediate)
#   FACTCHECK_ROSTER     roster CSV: only its names (and the teachers) may log in
#   FACTCHECK_TEACHERS   teachers' hub user names, comma-separated (admins)
#   FACTCHECK_SCHEME     the teacher's JSON label scheme, if not the default
#   FACTCHECK_HUB_ALLOW_ROOT=1   single-user servers run as root (containers, CI only)
#
# Use: jupyterhub -f jupyterhub_config.py   (or copy it to TLJH's jupyterhub_config.d/).
# It reads files only; it imports factcheck when the hub's Python has it, to find the
# student notebook and the Voila template (else set FACTCHECK_DATA to factcheck/data).
import csv
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (defined by JupyterHub when it loads this file)


def _data_dir() -> Path:
    if os.environ.get("FACTCHECK_DATA"):
        return Path(os.environ["FACTCHECK_DATA"])
    try:
        import factcheck
    except ImportError:
        sys.exit("factcheck is not installed for the hub: set FACTCHECK_DATA to factcheck/data")
    return Path(factcheck.__file__).resolve().parent / "data"


def _roster_names(path: str) -> set[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "name" not in header:
        sys.exit(f"{path}, row 1: no 'name' column. Put 'name' on the first line.")
    at = header.index("name")
    return {row[at].strip() for row in rows[1:] if len(row) > at and row[at].strip()}


_missing = [
    n for n in ("FACTCHECK_KEY", "FACTCHECK_ARTICLES", "FACTCHECK_OUT") if not os.environ.get(n)
]
if _missing:
    sys.exit(f"jupyterhub_config.py: set {', '.join(_missing)} (see the comments at its top).")

_data = _data_dir()
_env = {
    name: str(Path(os.environ[name]).expanduser().resolve())
    for name in (
        "FACTCHECK_KEY",
        "FACTCHECK_ARTICLES",
        "FACTCHECK_OUT",
        "FACTCHECK_ROSTER",
        "FACTCHECK_SCHEME",
    )
    if os.environ.get(name)
}
_env["FACTCHECK_FEEDBACK"] = os.environ.get("FACTCHECK_FEEDBACK", "immediate")
_env["FACTCHECK_TEACHERS"] = os.environ.get("FACTCHECK_TEACHERS", "")  # no student session
# factcheck's Voila template (no CDN) comes first on every user's Jupyter path.
_env["JUPYTER_PATH"] = os.pathsep.join(
    filter(None, [str(_data / "classroom" / "jupyter"), os.environ.get("JUPYTER_PATH", "")])
)
Path(_env["FACTCHECK_OUT"]).mkdir(parents=True, exist_ok=True)

c.Spawner.environment = _env
c.Spawner.notebook_dir = str(_data)  # holds student.ipynb (read-only for students is fine)
c.Spawner.default_url = "/voila/render/student.ipynb"
c.Spawner.args = [
    "--VoilaConfiguration.template=factcheck",
    "--VoilaConfiguration.theme=light",
    "--VoilaConfiguration.show_tracebacks=False",
    *(["--allow-root"] if os.environ.get("FACTCHECK_HUB_ALLOW_ROOT") == "1" else []),
]
if not os.environ.get("FACTCHECK_DATA"):  # factcheck is in the hub's Python: use that one
    c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]

_teachers = {n.strip() for n in os.environ.get("FACTCHECK_TEACHERS", "").split(",") if n.strip()}
c.Authenticator.admin_users = _teachers
if os.environ.get("FACTCHECK_ROSTER"):
    c.Authenticator.allowed_users = _roster_names(os.environ["FACTCHECK_ROSTER"]) | _teachers
