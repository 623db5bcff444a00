"""The teacher's live view of a class while students label: read only what changed.

``LiveClass`` keeps, per student log in the class folder, the byte offset it has read up to.
Each ``refresh()`` stats every file and reads only the bytes appended since, from a read-only
file descriptor and without taking the writers' lock, so it can never block or corrupt a
student's write. Only complete records are taken: a last row still being written (torn, or
a quoted note not yet closed) is left for the next refresh. A file that shrank or was
replaced is read again from its start.

``LiveBoard`` is the state the teacher controls (sentences frozen for discussion and answers
revealed); ``live_html`` draws a snapshot as one self-refreshing HTML page, every piece of
student or article text escaped. ``serve_live`` serves that page for
``factcheck classroom watch``; ``LiveWidget`` is the same in a notebook.
"""

from __future__ import annotations

import csv
import http.server
import io
import os
import re
import secrets
import sys
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ._escape import escape_html
from .classroom import (
    AnswerKey,
    Teachers,
    is_answer_key,
    pseudonym_secret,
    pseudonyms,
    read_answer_key,
    read_teachers,
    secret_path,
)
from .errors import InputError
from .labels import DEFAULT_SCHEME, LabelScheme
from .log import COLUMNS, SCHEMA_COLUMNS, annotator_key, log_owner
from .roster import Roster

PathLike = str | os.PathLike[str]

REFRESH_SECONDS = 5
MAX_READ_BYTES = 8 * 2**20
"""At most this much of one file is parsed per refresh (the rest waits for the next)."""

# One field as the log's writer (``log.format_row``) writes it: quoted, with "" for a quote,
# or unquoted with no , " CR or LF. A record is fields separated by commas ending in LF.
_FIELD = rb'(?:"(?:[^"]|"")*+"|[^,"\r\n]*+)'
_RECORD = re.compile(_FIELD + rb"(?:," + _FIELD + rb")*+\n")
_PARTIAL = re.compile(rb"(?:" + _FIELD + rb",)*+(?:\"(?:[^\"]|\"\")*+\"?|[^,\"\r\n]*+)")
# factcheck-log/2 and /1 headers; the columns read here have one index in both.
_HEADERS = tuple((",".join(columns) + "\n").encode() for columns in SCHEMA_COLUMNS.values())
_INDEX = {name: i for i, name in enumerate(COLUMNS)}


def complete_records(data: bytes) -> tuple[list[list[str]], int, bool]:
    """The complete CSV records at the start of ``data``, the bytes they take, and whether
    what follows them is damaged (not the start of a record that may still be finishing).

    A record cut off at the end of ``data`` is not returned and not counted: it is a row
    still being written. Bytes that cannot begin any record (e.g. a row with a stray quote
    in the middle of a field) are damage.
    """
    rows: list[list[str]] = []
    position = 0
    while position < len(data):
        match = _RECORD.match(data, position)
        if match is None:
            break
        text = match.group().decode("utf-8", "replace")
        rows.extend(csv.reader(io.StringIO(text, newline="")))
        position = match.end()
    rest = data[position:]
    damaged = bool(rest) and _is_damaged(rest)
    return rows, position, damaged


def _is_damaged(rest: bytes) -> bool:
    """Whether leftover bytes (no complete record) cannot be the start of one being written."""
    return _PARTIAL.fullmatch(rest) is None


@dataclass
class _Tail:
    """How far one student's log has been read, and what it said so far."""

    inode: tuple[int, int] = (0, 0)
    offset: int = 0
    annotator: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    times: dict[str, str] = field(default_factory=dict)
    """Sentence -> the time of the event its label is from (to merge a person's files)."""
    articles: dict[str, str] = field(default_factory=dict)
    last: str = ""
    events: int = 0
    problem: str = ""


@dataclass(frozen=True)
class StudentProgress:
    """One student's progress now: key sentences answered, right answers, last event time."""

    student: str
    answered: int
    correct: int
    in_key: int
    last: str


@dataclass(frozen=True)
class SentenceVotes:
    """The class's current votes on one sentence, beside the key's answer."""

    article_id: str
    sentence_id: str
    text: str
    expected: str
    explanation: str
    votes: tuple[tuple[str, int], ...]

    @property
    def n_answers(self) -> int:
        return sum(count for _, count in self.votes)

    @property
    def majority_share(self) -> float:
        """Share of the answers that went to the most common label (1.0: the room agrees)."""
        total = self.n_answers
        return max((count for _, count in self.votes), default=0) / total if total else 1.0


@dataclass(frozen=True)
class LiveSnapshot:
    """What the live view shows at one moment; ``bytes_read`` is what this refresh parsed."""

    students: tuple[StudentProgress, ...]
    sentences: tuple[SentenceVotes, ...]
    agreement: float | None
    problems: tuple[str, ...]
    files: int
    bytes_read: int
    not_started: tuple[str, ...] = ()

    def splitting(self, n: int = 5, min_answers: int = 2) -> tuple[SentenceVotes, ...]:
        """The sentences splitting the room most now (lowest majority share first)."""
        split = [s for s in self.sentences if s.n_answers >= min_answers and s.majority_share < 1]
        split.sort(key=lambda s: (s.majority_share, -s.n_answers, s.sentence_id))
        return tuple(split[:n])


def pairwise_agreement(votes: Iterable[Iterable[tuple[str, int]]]) -> float | None:
    """Share of agreeing student pairs over all sentences with two or more answers.

    Raw (percent) agreement, cheap enough to recompute on every refresh; the class report
    gives the chance-corrected coefficients. None when no sentence has two answers.
    """
    agree = pairs = 0
    for sentence in votes:
        counts = [count for _, count in sentence]
        total = sum(counts)
        pairs += total * (total - 1) // 2
        agree += sum(count * (count - 1) // 2 for count in counts)
    return agree / pairs if pairs else None


class LiveClass:
    """The class folder read incrementally: call ``refresh()`` every few seconds.

    With a ``roster`` the snapshot lists who has not started yet. With ``hide_names`` every
    name is shown as the roster's pseudonym, else as the class report's "Student 07" (the
    same keyed pseudonyms, from the secret beside the key), for a projected screen.
    """

    def __init__(
        self,
        key: AnswerKey | PathLike,
        folder: PathLike,
        *,
        roster: Roster | None = None,
        hide_names: bool = False,
    ) -> None:
        self.key = key if isinstance(key, AnswerKey) else read_answer_key(key)
        self.folder = Path(folder)
        self.roster = roster
        self._salt = ""
        if hide_names:
            if not self.key.path:
                raise InputError(
                    "hide_names needs the answer key's file, to keep the pseudonyms' secret "
                    "beside it. Pass the key as a path, e.g. LiveClass('key.csv', folder)."
                )
            self._salt = pseudonym_secret(secret_path(self.key.path))
        self.hide_names = hide_names
        self.teachers: Teachers = read_teachers(self.key.path) if self.key.path else Teachers()
        self._tails: dict[Path, _Tail] = {}
        self._skip: set[Path] = set()
        if self.key.path:
            self._skip.add(Path(self.key.path).resolve())
        self._entries = {entry.sentence_id: entry for entry in self.key.entries}

    def _files(self) -> list[Path]:
        try:
            found = sorted(p for p in self.folder.glob("*.csv") if not p.name.startswith("."))
        except OSError:
            return []
        out = []
        for path in found:
            if path not in self._tails:
                if path.resolve() in self._skip:
                    continue
                if self.teachers.has_log(path) or is_answer_key(path):
                    self._skip.add(path.resolve())
                    continue
            out.append(path)
        return out

    def refresh(self) -> LiveSnapshot:
        """Read what was appended to every log since the last refresh; return the view."""
        read = 0
        for path in self._files():
            tail = self._tails.setdefault(path, _Tail())
            read += self._advance(path, tail)
        return self._snapshot(read)

    def _advance(self, path: Path, tail: _Tail) -> int:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            tail.problem = f"{path.name}: cannot be read now ({exc.strerror}); retried next time."
            return 0
        try:
            stat = os.fstat(fd)
            inode = (stat.st_dev, stat.st_ino)
            if inode != tail.inode or stat.st_size < tail.offset:
                tail.__init__()  # replaced or cut short: read it again from the start
                tail.inode = inode
            if stat.st_size == tail.offset:
                return 0
            want = min(stat.st_size - tail.offset, MAX_READ_BYTES)
            data = os.pread(fd, want, tail.offset)
        finally:
            os.close(fd)
        start = 0
        if tail.offset == 0:
            header = next((h for h in _HEADERS if data.startswith(h)), None)
            if header is None:
                if any(len(data) < len(h) and h.startswith(data) for h in _HEADERS):
                    return len(data)  # the header is still being written
                tail.problem = (
                    f"{path.name}: not a factcheck answers file (its first line is not the "
                    "log header); it is left out of the live view. Check the file."
                )
                return len(data)
            start = len(header)
        rows, used, damaged = complete_records(data[start:])
        for row in rows:
            self._apply(tail, row, path)
        tail.offset += start + used
        if damaged:
            tail.problem = (
                f"{path.name}, byte {tail.offset}: a damaged row; the live view stops reading "
                "this file there (the answers before it are shown). The class report reads "
                "the whole file and names the line."
            )
        return start + used

    def _apply(self, tail: _Tail, row: list[str], path: Path) -> None:
        if len(row) != len(SCHEMA_COLUMNS.get(row[0], ())):
            tail.problem = f"{path.name}: a row that is not a log row was skipped."
            return
        annotator = row[_INDEX["annotator"]]
        if self.teachers.has_name(annotator):
            return
        if not tail.annotator:
            tail.annotator = annotator
        elif annotator_key(annotator) != annotator_key(tail.annotator):
            tail.problem = f"{path.name}: holds rows of another name ({annotator!r}); skipped."
            return
        sentence = row[_INDEX["sentence_id"]]
        tail.labels[sentence] = row[_INDEX["label"]]
        tail.times[sentence] = row[_INDEX["timestamp"]]
        tail.articles[sentence] = row[_INDEX["article_id"]]
        tail.last = max(tail.last, row[_INDEX["timestamp"]])
        tail.events += 1

    def _snapshot(self, read: int) -> LiveSnapshot:
        students: list[StudentProgress] = []
        votes: dict[str, Counter[str]] = {}
        in_key = sum(1 for entry in self.key.entries if entry.label)
        for tails in _people(self._tails).values():
            answered = correct = 0
            for sentence, label in _latest_labels(tails).items():
                if not label:
                    continue
                votes.setdefault(sentence, Counter())[label] += 1
                entry = self._entries.get(sentence)
                if entry is not None and entry.label:
                    answered += 1
                    correct += label == entry.label
            last = max(tail.last for tail in tails)
            students.append(StudentProgress(tails[0].annotator, answered, correct, in_key, last))
        sentences = []
        for entry in self.key.entries:
            counts = votes.pop(entry.sentence_id, Counter())
            sentences.append(
                SentenceVotes(
                    entry.article_id,
                    entry.sentence_id,
                    entry.text,
                    entry.label,
                    entry.explanation,
                    tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
                )
            )
        started = {annotator_key(s.student) for s in students}
        missing = [
            name
            for name in (self.roster.names if self.roster is not None else ())
            if annotator_key(name) not in started
        ]
        if self.hide_names:
            shown = self._display([s.student for s in students] + missing)
            students = [
                StudentProgress(shown[s.student], s.answered, s.correct, s.in_key, s.last)
                for s in students
            ]
            missing = sorted(shown[name] for name in missing)
        students.sort(key=lambda s: s.student.casefold())
        return LiveSnapshot(
            students=tuple(students),
            sentences=tuple(sentences),
            agreement=pairwise_agreement(s.votes for s in sentences),
            problems=tuple(t.problem for t in self._tails.values() if t.problem),
            files=len(self._tails),
            bytes_read=read,
            not_started=tuple(missing),
        )

    def _display(self, names: list[str]) -> dict[str, str]:
        """Name -> what the hidden-names view shows: the roster's pseudonym, else Student NN."""
        given = self.roster.pseudonyms() if self.roster is not None else {}
        keyed = pseudonyms(names, salt=self._salt)
        out = {}
        for name in names:
            entry = self.roster.find(name) if self.roster is not None else None
            out[name] = given.get(entry.name, "") if entry is not None else ""
            out[name] = out[name] or keyed[name]
        return out


def _people(tails: dict[Path, _Tail]) -> dict[str, list[_Tail]]:
    """Each person's logs read so far (by ``annotator_key``, as the class report counts
    them), a log before its continuation (``log_owner``): ana.csv and ana+2.csv are one."""
    people: dict[str, list[tuple[bool, Path, _Tail]]] = {}
    for path, tail in tails.items():
        if tail.annotator:
            entry = (log_owner(path) != path, path, tail)
            people.setdefault(annotator_key(tail.annotator), []).append(entry)
    return {
        person: [tail for *_, tail in sorted(files, key=lambda f: (log_owner(f[1]), f[0]))]
        for person, files in people.items()
    }


def _latest_labels(tails: list[_Tail]) -> dict[str, str]:
    """Sentence -> one person's latest label across their files (a tie: the later file in
    ``tails``, so a continuation's event wins, as ``AnnotationLog`` replays them)."""
    if len(tails) == 1:
        return tails[0].labels
    latest: dict[str, tuple[str, str]] = {}
    for tail in tails:
        for sentence, label in tail.labels.items():
            time = tail.times.get(sentence, "")
            if sentence not in latest or time >= latest[sentence][0]:
                latest[sentence] = (time, label)
    return {sentence: label for sentence, (_, label) in latest.items()}


# ---------------------------------------------------------------------------------------------
# The teacher's controls and the page


@dataclass
class LiveBoard:
    """Sentences the teacher froze for discussion (votes held as they were) and revealed.

    A frozen sentence shows the votes from the moment it was frozen, so the bars stop moving
    while the class discusses it; its answer stays hidden until ``reveal``.
    """

    frozen: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    revealed: set[str] = field(default_factory=set)

    def freeze(self, snapshot: LiveSnapshot, sentence_id: str) -> None:
        """Hold ``sentence_id``'s votes as they are now, for discussion."""
        for sentence in snapshot.sentences:
            if sentence.sentence_id == sentence_id:
                self.frozen[sentence_id] = sentence.votes
                return
        raise KeyError(f"{sentence_id!r} is not a sentence of the answer key")

    def reveal(self, sentence_id: str) -> None:
        """Show the key's answer and explanation of ``sentence_id``."""
        self.revealed.add(sentence_id)

    def release(self, sentence_id: str) -> None:
        """Back to live votes, answer hidden again."""
        self.frozen.pop(sentence_id, None)
        self.revealed.discard(sentence_id)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:1em;max-width:70em}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;vertical-align:top}
.bar{display:inline-block;height:1em;vertical-align:middle}
.sentence{margin:0.6em 0;padding:0.4em;border-left:4px solid #999}
.frozen{border-left-color:#0072B2;background:#eef6fb}
form{display:inline}
"""


def _bars(votes: tuple[tuple[str, int], ...], scheme: LabelScheme) -> str:
    colours = {label.name: label.colour for label in scheme}
    total = sum(count for _, count in votes) or 1
    return " ".join(
        f'<span class="bar" style="width:{8 * count / total:.2f}em;'
        f'background:{escape_html(colours.get(label, "#999999"))}"></span> '
        f"{escape_html(label)} {count}"
        for label, count in votes
    )


def _button(action: str, sentence_id: str, token: str, text: str) -> str:
    return (
        f'<form method="post" action="/{action}"><input type="hidden" name="token" '
        f'value="{escape_html(token)}"><input type="hidden" name="sentence" '
        f'value="{escape_html(sentence_id)}"><button>{escape_html(text)}</button></form>'
    )


def _sentence_html(
    sentence: SentenceVotes, board: LiveBoard, scheme: LabelScheme, token: str
) -> str:
    sid = sentence.sentence_id
    frozen = sid in board.frozen
    votes = board.frozen.get(sid, sentence.votes)
    answer = ""
    if sid in board.revealed:
        answer = (
            f"<div><b>Answer: {escape_html(sentence.expected or '(no single answer)')}</b> "
            f"{escape_html(sentence.explanation)}</div>"
        )
    if token:
        controls = (
            _button("reveal", sid, token, "Reveal answer") + _button("release", sid, token, "Back")
            if frozen
            else _button("freeze", sid, token, "Freeze for discussion")
        )
    else:
        controls = ""
    return (
        f'<div class="sentence{" frozen" if frozen else ""}">'
        f"<div>{escape_html(sentence.text)}</div>"
        f"<div>{_bars(votes, scheme) or 'no answers yet'}"
        f"{' (frozen)' if frozen else ''}</div>{answer}{controls}</div>"
    )


def live_html(
    snapshot: LiveSnapshot,
    board: LiveBoard | None = None,
    *,
    scheme: LabelScheme = DEFAULT_SCHEME,
    refresh: int | None = REFRESH_SECONDS,
    token: str = "",
) -> str:
    """The live view as one HTML page (it reloads itself every ``refresh`` seconds).

    ``token`` (the server's) is put in the freeze/reveal forms; without it there are none.
    """
    board = board or LiveBoard()
    head = f'<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    rows = "".join(
        f"<tr><td>{escape_html(s.student)}</td><td>{s.answered} / {s.in_key}</td>"
        f"<td>{s.correct}</td><td>{escape_html(s.last[11:19])}</td></tr>"
        for s in snapshot.students
    )
    agreement = (
        "not yet (needs two answers to one sentence)"
        if snapshot.agreement is None
        else f"{snapshot.agreement:.0%} of student pairs agree"
    )
    by_id = {s.sentence_id: s for s in snapshot.sentences}
    frozen = [by_id[sid] for sid in board.frozen if sid in by_id]
    splitting = [s for s in snapshot.splitting() if s.sentence_id not in board.frozen]
    problems = "".join(f"<li>{escape_html(p)}</li>" for p in snapshot.problems)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}'
        f"<title>factcheck: live class</title><style>{_STYLE}</style></head><body>"
        f"<h1>Live class</h1><p>{len(snapshot.students)} student(s) started. "
        f"Running agreement: {escape_html(agreement)}.</p>"
        + (
            "<h2>Frozen for discussion</h2>"
            + "".join(_sentence_html(s, board, scheme, token) for s in frozen)
            if frozen
            else ""
        )
        + "<h2>Splitting the room now</h2>"
        + (
            "".join(_sentence_html(s, board, scheme, token) for s in splitting)
            or "<p>No sentence splits the room yet.</p>"
        )
        + "<h2>Progress</h2><table><tr><th>student</th><th>answered</th><th>right</th>"
        f"<th>last answer (UTC)</th></tr>{rows}</table>"
        + (
            f"<p>Not started yet ({len(snapshot.not_started)}): "
            f"{escape_html(', '.join(snapshot.not_started))}</p>"
            if snapshot.not_started
            else ""
        )
        + (f"<h2>Problems</h2><ul>{problems}</ul>" if problems else "")
        + "</body></html>"
    )


class LiveWidget:
    """The live view in a notebook: the page, a sentence menu and freeze/reveal buttons.

    ``refresh()`` redraws from the folder (only appended bytes are read); ``start()`` does so
    every ``interval`` seconds in a background thread until ``stop()``.
    """

    def __init__(
        self,
        key: AnswerKey | PathLike,
        folder: PathLike,
        *,
        scheme: LabelScheme = DEFAULT_SCHEME,
        roster: Roster | None = None,
        hide_names: bool = False,
    ) -> None:
        import ipywidgets as w

        self.live = LiveClass(key, folder, roster=roster, hide_names=hide_names)
        self.board = LiveBoard()
        self.scheme = scheme
        self.snapshot = self.live.refresh()
        self.page = w.HTML()
        self.sentence = w.Dropdown(
            options=[(s.text[:70], s.sentence_id) for s in self.snapshot.sentences],
            description="Sentence",
        )
        self.freeze_button = w.Button(description="Freeze for discussion")
        self.reveal_button = w.Button(description="Reveal answer")
        self.release_button = w.Button(description="Back to live")
        self.freeze_button.on_click(lambda _: self.freeze(self.sentence.value))
        self.reveal_button.on_click(lambda _: self.reveal(self.sentence.value))
        self.release_button.on_click(lambda _: self.release(self.sentence.value))
        self.widget = w.VBox(
            [
                w.HBox(
                    [self.sentence, self.freeze_button, self.reveal_button, self.release_button]
                ),
                self.page,
            ]
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._draw()

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.widget._repr_mimebundle_(**kwargs)

    def _draw(self) -> None:
        self.page.value = live_html(self.snapshot, self.board, scheme=self.scheme, refresh=None)

    def refresh(self) -> LiveSnapshot:
        """Read what students appended and redraw."""
        with self._lock:
            self.snapshot = self.live.refresh()
            self._draw()
            return self.snapshot

    def freeze(self, sentence_id: str) -> None:
        with self._lock:
            self.board.freeze(self.snapshot, sentence_id)
            self._draw()

    def reveal(self, sentence_id: str) -> None:
        with self._lock:
            self.board.reveal(sentence_id)
            self._draw()

    def release(self, sentence_id: str) -> None:
        with self._lock:
            self.board.release(sentence_id)
            self._draw()

    def start(self, interval: float = REFRESH_SECONDS) -> None:
        """Refresh every ``interval`` seconds until ``stop()``."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(interval):
                self.refresh()

        self._thread = threading.Thread(target=loop, daemon=True, name="factcheck-live")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


# ---------------------------------------------------------------------------------------------
# The server for ``factcheck classroom watch``


class LiveServer(http.server.ThreadingHTTPServer):
    """The live page on one port; POST /freeze, /reveal, /release change the board."""

    daemon_threads = True

    def __init__(
        self,
        live: LiveClass,
        address: tuple[str, int],
        *,
        scheme: LabelScheme = DEFAULT_SCHEME,
        refresh: int = REFRESH_SECONDS,
    ) -> None:
        self.live = live
        self.board = LiveBoard()
        self.scheme = scheme
        self.refresh = refresh
        self.token = secrets.token_urlsafe(16)
        self.lock = threading.Lock()
        self.snapshot = live.refresh()
        super().__init__(address, _LiveHandler)

    def page(self) -> bytes:
        with self.lock:
            self.snapshot = self.live.refresh()
            text = live_html(
                self.snapshot,
                self.board,
                scheme=self.scheme,
                refresh=self.refresh,
                token=self.token,
            )
        return text.encode()

    def act(self, action: str, sentence_id: str) -> bool:
        with self.lock:
            if action == "freeze":
                try:
                    self.board.freeze(self.snapshot, sentence_id)
                except KeyError:
                    return False
            elif action == "reveal":
                self.board.reveal(sentence_id)
            elif action == "release":
                self.board.release(sentence_id)
            else:
                return False
        return True


class _LiveHandler(http.server.BaseHTTPRequestHandler):
    server: LiveServer

    def log_message(self, format: str, *args: object) -> None:  # quiet: one GET per refresh
        return

    def _host_allowed(self) -> bool:
        """On a loopback address, only a loopback Host header: a web page elsewhere cannot
        read the class's names through a DNS name rebound to 127.0.0.1."""
        if not self.server.server_address[0].startswith("127."):
            return True
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        if host in ("127.0.0.1", "localhost", "::1"):
            return True
        self.send_error(403, "open the live view at http://127.0.0.1:PORT/")
        return False

    def do_GET(self) -> None:
        if not self._host_allowed():
            return
        if self.path not in ("/", "/index.html"):
            self.send_error(404)
            return
        body = self.server.page()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        if not self._host_allowed():
            return
        length = min(int(self.headers.get("Content-Length") or 0), 4096)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        token = form.get("token", [""])[0]
        if not secrets.compare_digest(token, self.server.token):
            self.send_error(403, "reload the live page and try again")
            return
        if not self.server.act(self.path.strip("/"), form.get("sentence", [""])[0]):
            self.send_error(400, "unknown action or sentence")
            return
        self.send_response(303)
        self.send_header("Location", "/")
        self.end_headers()


def serve_live(
    key: PathLike,
    folder: PathLike,
    *,
    port: int = 8867,
    ip: str = "127.0.0.1",
    scheme: LabelScheme = DEFAULT_SCHEME,
    refresh: int = REFRESH_SECONDS,
    roster: Roster | None = None,
    hide_names: bool = False,
) -> int:
    """Serve the live view until Ctrl+C (``factcheck classroom watch``)."""
    live = LiveClass(
        read_answer_key(key, schemes=(scheme, DEFAULT_SCHEME)),
        folder,
        roster=roster,
        hide_names=hide_names,
    )
    server = LiveServer(live, (ip, port), scheme=scheme, refresh=refresh)
    print(f"Live view: http://{ip}:{server.server_address[1]}/ (Ctrl+C stops)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
