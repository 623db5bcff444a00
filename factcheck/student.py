"""The students' app of a teaching session: name entry (or an anonymous id), then labelling.

``student_app()`` is what the no-code notebook (``factcheck/data/student.ipynb``, served with
Voilà by ``factcheck classroom serve``) displays. It reads its configuration from
``FACTCHECK_*`` environment variables, asks for a name, claims that name for this session,
and shows an ``Annotator`` in student mode writing to ``<out>/<name>.csv``.

A name is claimed by holding an OS lock on ``<out>/.<name>.session`` for the life of the
kernel: a second student typing the same name while the first is working is refused, and the
claim ends with the kernel (tab closed or reloaded), so a student can come back.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import threading
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
from filelock import FileLock, Timeout

from . import messages
from ._escape import escape_html
from .answers import FEEDBACK_IMMEDIATE, FEEDBACK_MODES
from .articles import Article, load_articles
from .classroom import AnswerKey, Teachers, is_teachers_log, read_answer_key, read_teachers
from .errors import FactcheckError, InputError
from .labels import DEFAULT_SCHEME, LabelScheme, load_scheme
from .log import (
    AnnotationLog,
    annotator_key,
    annotator_slug,
    check_annotator,
    files_of,
    log_path,
    read_annotations,
)
from .messages import N_, Translate, english
from .paths import sample_path
from .roster import Roster, join_code_matches, read_roster
from .student_mode import StudentAnnotator

PathLike = str | os.PathLike[str]

ENV_KEY = "FACTCHECK_KEY"
ENV_ARTICLES = "FACTCHECK_ARTICLES"
ENV_OUT = "FACTCHECK_OUT"
ENV_FEEDBACK = "FACTCHECK_FEEDBACK"
ENV_STUDENT = "FACTCHECK_STUDENT"
ENV_SCHEME = "FACTCHECK_SCHEME"
ENV_ROSTER = "FACTCHECK_ROSTER"
ENV_JOIN_CODE = "FACTCHECK_JOIN_CODE"
ENV_TEACHERS = "FACTCHECK_TEACHERS"
ENV_UI_LANGUAGE = "FACTCHECK_UI_LANGUAGE"  # the widget's words (messages.py); else the locale
"""Comma-separated teachers' names (the hub's admins): they get no student session."""
ENV_HUB_USER = "JUPYTERHUB_USER"
"""Set by JupyterHub in every user's server: the hub's user name is the student's name."""
DEFAULT_OUT = "classroom-answers"
ANONYMOUS_PREFIX = "student-"
CLAIMS_DIR = ".claims"
"""``<out>/.claims/<kernel id>`` exists while that kernel's student has a name (see serve)."""


def kernel_id() -> str:
    """The id of the Jupyter kernel running this code ("" outside a kernel)."""
    try:
        from ipykernel.connect import get_connection_file

        name = Path(get_connection_file()).stem
    except (ImportError, RuntimeError, OSError, AttributeError):
        return ""
    return name.removeprefix("kernel-") if name.startswith("kernel-") else ""


def claim_marker(out: PathLike, kernel: str) -> Path:
    """Where a kernel records that its student has claimed a name (read by the server)."""
    return Path(out) / CLAIMS_DIR / kernel


def sample_key_path() -> Path:
    """The answer key bundled for the sample articles (so the app runs with no settings)."""
    return Path(__file__).resolve().parent / "data" / "classroom" / "sample-key.csv"


def student_notebook_path() -> Path:
    """The no-code student notebook shipped in the package (what ``serve`` runs)."""
    return Path(__file__).resolve().parent / "data" / "student.ipynb"


@dataclass(frozen=True)
class StudentConfig:
    """Where the session's key, articles and answers are, and when feedback is shown.

    ``student`` fixes the name (e.g. a JupyterHub user name) and skips the name entry.
    ``roster``: a CSV of the names students may use (they pick theirs from a list);
    ``join_code``: a code students type to join (not asked of a fixed ``student``).
    """

    key: Path
    articles: Path
    out: Path
    feedback: str = FEEDBACK_IMMEDIATE
    student: str = ""
    scheme: Path | None = None  # a JSON label scheme, when the key uses custom labels
    roster: Path | None = None
    join_code: str = ""
    teachers: tuple[str, ...] = ()  # besides the key's teacher list (``read_teachers``)
    ui_language: str = ""  # the widget's language ("es"); empty: the server's locale

    def label_scheme(self) -> LabelScheme:
        """The label scheme students label with: the teacher's file, else the default."""
        return load_scheme(self.scheme) if self.scheme else DEFAULT_SCHEME


def config_from_env(environ: Mapping[str, str] | None = None) -> StudentConfig:
    """The configuration from FACTCHECK_* (and JUPYTERHUB_USER as the name), else the samples."""
    env = os.environ if environ is None else environ
    feedback = env.get(ENV_FEEDBACK, "").strip().lower() or FEEDBACK_IMMEDIATE
    return StudentConfig(
        key=Path(env.get(ENV_KEY) or sample_key_path()),
        articles=Path(env.get(ENV_ARTICLES) or sample_path()),
        out=Path(env.get(ENV_OUT) or DEFAULT_OUT),
        feedback=feedback,
        student=(env.get(ENV_STUDENT, "") or env.get(ENV_HUB_USER, "")).strip(),
        scheme=Path(env[ENV_SCHEME]) if env.get(ENV_SCHEME) else None,
        roster=Path(env[ENV_ROSTER]) if env.get(ENV_ROSTER) else None,
        join_code=env.get(ENV_JOIN_CODE, "").strip(),
        teachers=tuple(n.strip() for n in env.get(ENV_TEACHERS, "").split(",") if n.strip()),
        ui_language=env.get(ENV_UI_LANGUAGE, "").strip(),
    )


def load_session(config: StudentConfig) -> tuple[AnswerKey, list[Article]]:
    """Read the key and the articles it covers (in the key's order); errors say what to fix.

    Articles the key does not mention are left out, so a teacher may point at a whole folder.
    """
    if config.feedback not in FEEDBACK_MODES:
        raise InputError(
            f"{ENV_FEEDBACK}={config.feedback!r} is not a feedback mode. Use "
            f"{' or '.join(FEEDBACK_MODES)}."
        )
    if not config.key.is_file():
        raise InputError(
            f"{config.key}: no such answer key. Make one with "
            "'factcheck classroom key TEACHER_LOG -o key.csv' and pass its path."
        )
    scheme = config.label_scheme()
    key = read_answer_key(config.key, schemes=(scheme, DEFAULT_SCHEME))
    unknown = sorted({e.label for e in key.entries if e.label} - set(scheme.names))
    if unknown:
        raise InputError(
            f"{config.key}: the key uses label(s) {', '.join(unknown)}, which students could "
            f"not choose (their labels: {', '.join(scheme.names)}). Pass the teacher's label "
            "scheme: factcheck classroom serve --scheme SCHEME.json ..."
        )
    articles = load_articles(config.articles)
    order = {article_id: i for i, article_id in enumerate(key.article_ids)}
    chosen = sorted((a for a in articles if a.id in order), key=lambda a: order[a.id])
    if not chosen:
        raise InputError(
            f"{config.key}: the key is for the article(s) {', '.join(key.article_ids[:5])}, "
            f"but {config.articles} holds {', '.join(a.id for a in articles[:5])}. Point the "
            "session at the articles the key was made from."
        )
    return key, chosen


# ---------------------------------------------------------------------------------------------
# Names


class StudentFacingError(InputError):
    """An error whose message is written for the student: no file name, no server path.

    Only these messages are shown to students as they are; any other error is shown as a
    general sentence and its details go to the teacher (the server's log).
    """


class NameInUse(StudentFacingError):
    """Another student is using this name in the session right now."""


class NameNotAllowed(StudentFacingError):
    """The name cannot be used: it is the teacher's, someone else's, or not a name."""


class WrongJoinCode(StudentFacingError):
    """The join code typed is not the session's."""


def check_roster_name(roster: Roster | None, name: str, translate: Translate = english) -> str:
    """The roster's spelling of ``name``, or NameNotAllowed if the roster does not list it."""
    if roster is None:
        return name
    entry = roster.find(name)
    if entry is None:
        raise NameNotAllowed(
            translate(
                "The name {name} is not on this class's list. Choose your name from the list; "
                "if it is missing, ask your teacher to add it."
            ).format(name=repr(name))
        )
    return entry.name


_FORMULA_START = ("=", "+", "-", "@")


def check_student_name(name: str, translate: Translate = english) -> str:
    """The name stripped, or NameNotAllowed with a message for the student.

    Besides what every annotator name needs (a letter or digit; no control characters), a
    student's name may not start with = + - or @: it is written into the answers file that
    the teacher may open in a spreadsheet, where such a cell would run as a formula.
    """
    _ = translate
    if not isinstance(name, str) or not name.strip():
        raise NameNotAllowed(_("Type your name first, or press Stay anonymous."))
    name = name.strip()
    problem = ""
    try:
        check_annotator(name)
        annotator_slug(name)
    except InputError:
        problem = _("use letters, digits, spaces, '.', '-' or '_'")
    if not problem and name.startswith(_FORMULA_START):
        problem = _("start it with a letter or a digit")
    if problem:
        raise NameNotAllowed(
            _("That name cannot be used: {problem}, e.g. 'Ana K'. Then press Start again.").format(
                problem=problem
            )
        )
    return name


@dataclass
class NameClaim:
    """A name held for this session: the log to write and how many answers it holds already.

    ``name`` is the name recorded in an existing log (so "Ana" continues "ana"'s file).
    The claim lasts until ``release()`` or the end of the process.
    """

    name: str
    path: Path
    existing: int
    last: str = ""
    _lock: FileLock | None = field(default=None, repr=False)

    def release(self) -> None:
        """Give the name back (another student may then take it)."""
        if self._lock is not None:
            self._lock.release(force=True)
            self._lock = None


def claim_name(
    out: PathLike,
    name: str,
    *,
    key: AnswerKey | None = None,
    teachers: Teachers | None = None,
    translate: Translate = english,
) -> NameClaim:
    """Claim ``name`` in the folder ``out``; raises NameInUse if a live session holds it.

    Names are one person when ``log.annotator_key`` says so ("Ana", "ana ", NFD "José").
    A log left by an ended session is reported in ``existing`` (and its name reused), for
    the app to confirm; a log of someone else (another name that gives the same file) or
    of the teacher (``teachers``, or notes that are the ``key``'s explanations) raises
    NameNotAllowed, so nobody continues another person's answers or sees the teacher's.
    """
    _ = translate
    name = check_annotator(name)
    teachers = teachers or Teachers()
    reserved = NameNotAllowed(
        _(
            "The name {name} cannot be used in this session. Choose another name, e.g. with "
            "your surname's initial."
        ).format(name=repr(name))
    )
    if teachers.has_name(name):
        raise reserved
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = log_path(name, folder)
    if teachers.has_log(path):
        raise reserved
    lock = FileLock(folder / f".{path.stem}.session", timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise NameInUse(
            _(
                "Someone is already using the name {name} in this session. Add your surname "
                "or its initial, e.g. '{example}'. If it was you before reloading the page, "
                "wait two minutes and start again: your answers are kept."
            ).format(name=repr(name), example=f"{name} K")
        ) from None
    try:
        existing, recorded, last = _existing_answers(path, key, teachers)
        if recorded and annotator_key(recorded) != annotator_key(name):
            raise NameNotAllowed(
                _(
                    "Someone else's answers are saved under a name very like {name}. Choose "
                    "another name, e.g. with your surname's initial."
                ).format(name=repr(name))
            )
    except _TeachersLog:
        lock.release(force=True)
        raise reserved from None
    except BaseException:
        lock.release(force=True)
        raise
    return NameClaim(recorded or name, path, existing, last, lock)


def claim_anonymous(
    out: PathLike, *, tries: int = 100, translate: Translate = english
) -> NameClaim:
    """Claim a fresh random id such as ``student-7f3a`` that has no log in ``out`` yet."""
    for _ in range(tries):
        name = f"{ANONYMOUS_PREFIX}{secrets.token_hex(2)}"
        if log_path(name, out).exists():
            continue
        try:
            claim = claim_name(out, name)
        except NameInUse:
            continue
        if claim.existing == 0:
            return claim
        claim.release()
    raise NameNotAllowed(
        translate("No free anonymous id was found in {tries} tries. Enter a name instead.").format(
            tries=tries
        )
    )


class _TeachersLog(Exception):
    """The log found under a name is the teacher's (claim_name refuses the name)."""


def _existing_answers(
    path: Path, key: AnswerKey | None = None, teachers: Teachers | None = None
) -> tuple[int, str, str]:
    """(events, annotator name, time of the last event) of a log; (0, "", "") if none.

    A teacher's log raises _TeachersLog.
    """
    files = [p for p in files_of(path) if p.is_file() and p.stat().st_size]  # and its +2
    if not files:
        return 0, "", ""
    events = read_annotations(files, history=True)
    if events.empty:
        return 0, "", ""
    if key is not None and is_teachers_log(events, key, teachers or Teachers()):
        raise _TeachersLog
    names = list(dict.fromkeys(events["annotator"].astype(str)))
    if len(names) > 1:
        raise InputError(
            f"{path}: holds the answers of {len(names)} people ({', '.join(names[:5])}), so "
            "it cannot be continued. Choose another name and tell your teacher."
        )
    last = events["timestamp"].max()
    return len(events), names[0], f"{datetime.fromtimestamp(last.timestamp()):%H:%M}"


# ---------------------------------------------------------------------------------------------
# The app


_WRAP = "margin:0.3em 0;white-space:normal;overflow-wrap:anywhere;max-width:100%"
_GENERAL = N_(
    "Your answers cannot be opened right now. Tell your teacher; the details are in the "
    "server's log. Answers already saved are kept."
)


def _paragraph(text: str, css_class: str) -> str:
    """``text`` escaped, as a paragraph that wraps on any screen width (a Label would not)."""
    return f'<p class="{css_class}" style="{_WRAP}">{escape_html(text)}</p>'


def tell_teacher(detail: str) -> None:
    """Write a problem's details (file names and all) to the server's log, not the page.

    ``sys.__stderr__`` of a Voilà kernel is the terminal where ``classroom serve`` runs.
    """
    stream = sys.__stderr__
    if stream is not None:
        with contextlib.suppress(OSError, ValueError):
            print(f"factcheck student app: {detail}", file=stream, flush=True)


@contextlib.contextmanager
def warnings_to_teacher() -> Iterator[None]:
    """Send the warnings raised inside to the server's log: they name files, and a warning
    printed in a Voilà kernel would show on the student's page."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for warning in caught:
                tell_teacher(f"warning: {warning.message}")


class StudentApp:
    """Name entry (or "stay anonymous"), then the Annotator in student mode.

    A thin view: ``start(name)`` and ``start_anonymous()`` are what the buttons do, and tests
    call them; an existing log under the name asks for ``confirm()`` (or ``back()``) first.
    What students read never names a file or a folder: ``problem`` holds the details of a
    session that cannot start, which also go to the server's log (``tell_teacher``).
    """

    def __init__(self, config: StudentConfig) -> None:
        self.config = config
        # The name screen's words: the class language (FACTCHECK_UI_LANGUAGE), else the locale.
        self._t = _ = messages.translator(config.ui_language or None)
        self.key: AnswerKey | None = None
        self.teachers = Teachers()
        self.articles: list[Article] = []
        self.claim: NameClaim | None = None
        self.annotator: StudentAnnotator | None = None
        self.problem = ""
        self._message = ""
        self._pending: NameClaim | None = None
        self._marker: Path | None = None
        self._lock = threading.RLock()
        self.roster: Roster | None = None
        self.name_text = w.Text(
            placeholder=_("your name"),
            description=_("Name"),
            layout=w.Layout(width="20em", max_width="100%"),
        )
        self.name_menu = w.Dropdown(
            options=[], description=_("Name"), layout=w.Layout(width="20em", display="none")
        )
        self.code_text = w.Text(
            placeholder=_("join code"),
            description=_("Join code"),
            layout=w.Layout(width="14em", display="none" if not config.join_code else None),
        )
        self.start_button = w.Button(description=_("Start"), button_style="primary")
        self.anonymous_button = w.Button(
            description=_("Stay anonymous"), tooltip=_("Label under a random id like student-7f3a")
        )
        self.message_html = w.HTML(layout=w.Layout(width="100%"))
        self.continue_button = w.Button(description=_("Continue"), button_style="warning")
        self.back_button = w.Button(description=_("Choose another name"))
        self.confirm_box = w.HBox(
            [self.continue_button, self.back_button],
            layout=w.Layout(display="none", flex_flow="row wrap"),
        )
        self.form = w.VBox(
            [
                w.HTML(
                    _paragraph(
                        _(
                            "Enter your name (your teacher sees it with your answers), or stay "
                            "anonymous."
                        ),
                        "fc-student-intro",
                    ),
                    layout=w.Layout(width="100%"),
                ),
                w.HBox(
                    [
                        self.name_text,
                        self.name_menu,
                        self.code_text,
                        self.start_button,
                        self.anonymous_button,
                    ],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self.message_html,
                self.confirm_box,
            ],
            layout=w.Layout(max_width="100%"),
        )
        self.widget = w.VBox([self.form], layout=w.Layout(max_width="100%"))
        self.widget.add_class("fc-student")
        self.message_html.add_class("fc-student-message")
        self.start_button.on_click(lambda _: self._on_start())
        self.anonymous_button.on_click(lambda _: self._on_anonymous())
        self.continue_button.on_click(lambda _: self._on_confirm())
        self.back_button.on_click(lambda _: self._on_back())
        try:
            with warnings_to_teacher():
                self.key, self.articles = load_session(config)
                self.teachers = read_teachers(config.key)
                if config.teachers:
                    extra = frozenset(annotator_key(name) for name in config.teachers)
                    self.teachers = Teachers(self.teachers.names | extra, self.teachers.logs)
                self.roster = read_roster(config.roster) if config.roster else None
        except (FactcheckError, OSError) as exc:
            self.problem = str(exc)
            tell_teacher(f"the session cannot start: {exc}")
            self._disable(
                _(
                    "The session cannot start yet: something is wrong with the teacher's files. "
                    "Tell your teacher, then reload the page when they say so."
                )
            )
            return
        if self.roster is not None:
            self.name_menu.options = [
                (_("choose your name"), ""),
                *((n, n) for n in self.roster.names),
            ]
            self.name_menu.layout.display = None
            self.name_text.layout.display = "none"
            self.anonymous_button.layout.display = "none"
        if config.student:
            self.form.children = self.form.children[2:]  # no name entry: the hub's name is used
            if self.teachers.has_name(config.student):
                self._say(
                    _(
                        "You are signed in as {name}, a teacher of this class, so no answers "
                        "are saved here. To follow the class, open JupyterLab (/lab) and run "
                        "the class review notebook or `factcheck classroom watch`."
                    ).format(name=config.student)
                )
                return
            self.start(config.student, trusted=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def message(self) -> str:
        """The message under the name field (errors, the confirmation question), as text."""
        return self._message

    def start(self, name: str, code: str = "", *, trusted: bool = False) -> StudentAnnotator | None:
        """Claim ``name`` and start labelling; None (and a message) if it cannot be used yet.

        ``code`` is the join code typed, when the session has one; ``trusted`` (the name
        comes from JupyterHub's login) skips it. A roster refuses names it does not list.
        """
        with self._lock:
            if self.annotator is not None or self.key is None:
                return self.annotator
            self._drop_pending()
            try:
                if not trusted:
                    self._check_code(code)
                if not (name or "").strip() and self.roster is not None:
                    raise NameNotAllowed(self._t("Choose your name from the list first."))
                with warnings_to_teacher():
                    claim = claim_name(
                        self.config.out,
                        check_roster_name(self.roster, check_student_name(name, self._t), self._t),
                        key=self.key,
                        teachers=self.teachers,
                        translate=self._t,
                    )
            except StudentFacingError as exc:
                self._say(str(exc))
                return None
            except (FactcheckError, OSError) as exc:
                self._fail(f"claiming the name {name!r}", exc)
                return None
            if claim.existing and not trusted:  # a hub login is the student's own
                self._pending = claim
                self.continue_button.description = self._t("Continue as {name}").format(
                    name=claim.name
                )
                self.confirm_box.layout.display = None
                self._say(
                    self._t(
                        "{count} answer(s) are already saved under the name {name} "
                        "(the last at {time}). If they are yours (you reloaded the page), "
                        "continue. If not, choose another name."
                    ).format(count=claim.existing, name=repr(claim.name), time=claim.last)
                )
                return None
            return self._open(claim)

    def start_anonymous(self, code: str = "") -> StudentAnnotator | None:
        """Start under a fresh random id (``student-xxxx``); not offered with a roster."""
        with self._lock:
            if self.annotator is not None or self.key is None:
                return self.annotator
            self._drop_pending()
            try:
                self._check_code(code)
                if self.roster is not None:
                    raise NameNotAllowed(self._t("This class uses a list of names: choose yours."))
                claim = claim_anonymous(self.config.out, translate=self._t)
            except StudentFacingError as exc:
                self._say(str(exc))
                return None
            except (FactcheckError, OSError) as exc:
                self._fail("claiming an anonymous id", exc)
                return None
            return self._open(claim)

    def _check_code(self, code: str) -> None:
        if self.config.join_code and not join_code_matches(self.config.join_code, code):
            raise WrongJoinCode(
                self._t(
                    "That join code is not right. Check the code your teacher gave (on the "
                    "board) and type it again."
                )
            )

    def confirm(self) -> StudentAnnotator | None:
        """Continue the existing answers of the name just entered."""
        with self._lock:
            if self._pending is None:
                return self.annotator
            claim, self._pending = self._pending, None
            return self._open(claim)

    def back(self) -> None:
        """Give the name back and return to the name field."""
        with self._lock:
            self._drop_pending()
            self._say(self._t("Enter another name, e.g. with your surname's initial."))

    def close(self) -> None:
        """Release the name (the kernel's end does the same)."""
        with self._lock:
            self._drop_pending()
            if self.claim is not None:
                self.claim.release()
            if self._marker is not None:
                self._marker.unlink(missing_ok=True)
                self._marker = None

    def _open(self, claim: NameClaim) -> StudentAnnotator | None:
        try:
            with warnings_to_teacher():
                scheme = self.config.label_scheme()
                log = AnnotationLog(claim.path, annotator=claim.name, scheme=scheme)
                annotator = StudentAnnotator(
                    self.articles,
                    annotator=claim.name,
                    log=log,
                    scheme=scheme,
                    key=self.key,
                    feedback=self.config.feedback,
                    ui_language=self.config.ui_language or None,
                )
        except (FactcheckError, OSError) as exc:
            claim.release()
            self._fail(f"opening the answers of {claim.name!r}", exc)
            return None
        self.claim, self.annotator = claim, annotator
        self.widget.children = [annotator.widget]
        self._mark_claimed()
        return annotator

    def _mark_claimed(self) -> None:
        """Tell the server this tab's kernel holds a name, so it is never culled as nameless."""
        kernel = kernel_id()
        if not kernel:
            return
        marker = claim_marker(self.config.out, kernel)
        try:
            marker.parent.mkdir(exist_ok=True)
            marker.write_text(self.claim.path.name if self.claim else "", encoding="utf-8")
        except OSError as exc:
            tell_teacher(f"could not mark kernel {kernel} as named: {exc}")
        else:
            self._marker = marker

    def _drop_pending(self) -> None:
        if self._pending is not None:
            self._pending.release()
            self._pending = None
        self.confirm_box.layout.display = "none"

    def _say(self, text: str) -> None:
        self._message = text
        self.message_html.value = _paragraph(text, "fc-student-text") if text else ""

    def _fail(self, doing: str, exc: BaseException) -> None:
        """A problem the student cannot fix: a general message here, the details logged."""
        tell_teacher(f"{doing} failed: {exc}")
        self._say(self._t(_GENERAL))

    def _disable(self, text: str) -> None:
        for widget in (
            self.name_text,
            self.name_menu,
            self.code_text,
            self.start_button,
            self.anonymous_button,
        ):
            widget.disabled = True
        self._say(text)

    def _on_start(self) -> None:
        name = self.name_menu.value if self.roster is not None else self.name_text.value
        _run(self, lambda: self.start(name or "", self.code_text.value))

    def _on_anonymous(self) -> None:
        _run(self, lambda: self.start_anonymous(self.code_text.value))

    def _on_confirm(self) -> None:
        _run(self, self.confirm)

    def _on_back(self) -> None:
        _run(self, self.back)


def _run(app: StudentApp, action: Any) -> None:
    """Run a button's action; an unexpected error is shown, not swallowed by ipywidgets."""
    try:
        action()
    except Exception as exc:  # shown to the student (without details), not swallowed
        tell_teacher(f"unexpected error: {exc!r}")
        app._say(app._t("Something went wrong. Reload the page; saved answers are kept."))


def student_app(
    key: PathLike | None = None,
    articles: PathLike | None = None,
    out: PathLike | None = None,
    *,
    feedback: str | None = None,
    student: str | None = None,
    scheme: PathLike | None = None,
    roster: PathLike | None = None,
    join_code: str | None = None,
    teachers: tuple[str, ...] | None = None,
    ui_language: str | None = None,
) -> StudentApp:
    """The student app; arguments override the FACTCHECK_* environment variables."""
    base = config_from_env()
    config = StudentConfig(
        key=Path(key) if key is not None else base.key,
        articles=Path(articles) if articles is not None else base.articles,
        out=Path(out) if out is not None else base.out,
        feedback=feedback if feedback is not None else base.feedback,
        student=student if student is not None else base.student,
        scheme=Path(scheme) if scheme is not None else base.scheme,
        roster=Path(roster) if roster is not None else base.roster,
        join_code=join_code if join_code is not None else base.join_code,
        teachers=teachers if teachers is not None else base.teachers,
        ui_language=ui_language if ui_language is not None else base.ui_language,
    )
    return StudentApp(config)
