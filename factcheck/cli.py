"""Command line: each command reads its arguments and calls the function a notebook would."""

from __future__ import annotations

import argparse
import glob
import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

from ._atomic import replacing
from .errors import FactcheckError, InputError

# Chart kinds are listed here, not imported, so `factcheck --help` starts without Altair;
# tests/test_cli.py checks this list against factcheck.charts.CHART_KINDS.
CHART_KINDS = (
    "mix",
    "mix-article",
    "mix-source",
    "mix-annotator",
    "strip",
    "confusion",
    "disagreement",
    "progress",
    "overview",
)


def refuse_overwriting_inputs(
    outputs: Iterable[str | os.PathLike[str] | None], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Raise InputError if an output is (or links to) a file the command reads.

    Paths are compared resolved (symbolic links followed) and by inode (hard links), so
    ``report -o class/ana.csv`` or ``-o key.csv`` can never replace a student's log or a key.
    """
    read: dict[Path, str] = {}
    for path in inputs:
        read[Path(path).expanduser().resolve()] = str(path)
    for output in outputs:
        if output is None:
            continue
        target = Path(output).expanduser().resolve()
        clash = read.get(target)
        if clash is None and target.is_file():
            clash = next((name for p, name in read.items() if _same_file(p, target)), None)
        if clash is not None:
            raise InputError(
                f"{output} is {clash}, which this command reads; writing there would destroy "
                "it. Choose another output file."
            )


def files_read(specs: Iterable[str | os.PathLike[str] | None]) -> list[Path]:
    """Every file a command may read from its arguments: files, globs, folders (recursively)."""
    found: list[Path] = []
    for spec in specs:
        if spec is None:
            continue
        matches = [Path(m) for m in glob.glob(str(spec))] or [Path(spec)]
        for path in matches:
            found.extend(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else None
            found.append(path)
            if path.suffix.lower() == ".csv":
                from .log import files_of

                found.extend(files_of(path))  # a log is read with its continuation
    return found


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.is_file() and os.path.samefile(a, b)
    except OSError:
        return False


def _cmd_sentences(args: argparse.Namespace) -> int:
    from .ingest import (
        StreamCounts,
        counting,
        iter_sentence_rows,
        sentences_on_dask,
        write_sentence_rows,
    )

    if args.spreadsheet_safe and args.format != "csv":
        raise InputError("--spreadsheet-safe applies to --format csv only.")
    if args.dask:
        if not args.output:
            raise InputError("--dask writes Parquet files: pass -o FOLDER for them.")
        refuse_overwriting_inputs([args.output], files_read(args.files))
        summary = sentences_on_dask(args.files, args.output, args.dask, language=args.language)
        print(
            f"wrote {summary['rows']} sentences of {summary['articles']} articles to "
            f"{len(summary['files'])} Parquet file(s) in {args.output}",
            file=sys.stderr,
        )
        return 0
    counts = StreamCounts()
    rows = counting(iter_sentence_rows(args.files, jobs=args.jobs, language=args.language), counts)
    if not args.quiet:
        from tqdm.auto import tqdm

        # disable=None: a bar only on a terminal, never in a log file or a pipe
        rows = tqdm(rows, desc="sentences", unit=" sentences", file=sys.stderr, disable=None)
    if not args.output:
        if args.format == "parquet":
            raise InputError("Parquet needs an output file: pass -o sentences.parquet.")
        write_sentence_rows(rows, sys.stdout, args.format, protect=args.spreadsheet_safe)
        return 0
    refuse_overwriting_inputs([args.output], files_read(args.files))
    # Write beside the target and rename on success: an error never truncates an old file.
    with replacing(args.output) as tmp:
        if args.format == "parquet":
            write_sentence_rows(rows, tmp, "parquet")
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                write_sentence_rows(rows, out, args.format, protect=args.spreadsheet_safe)
    print(
        f"wrote {counts.sentences} sentences of {counts.articles} articles to {args.output}",
        file=sys.stderr,
    )
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .exports import export_annotations

    refuse_overwriting_inputs([args.output], files_read([*args.files, args.corpus]))
    rows = export_annotations(
        args.files,
        to=args.to,
        out=args.output,
        spreadsheet_safe=args.spreadsheet_safe,
        corpus=args.corpus,
    )
    print(f"wrote {rows} rows to {args.output}", file=sys.stderr)
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from .imports import corpus_path, import_file
    from .labels import load_scheme
    from .paths import annotations_folder

    folder = Path(args.output) if args.output else annotations_folder()
    outputs = [corpus_path(args.file, folder)]
    refuse_overwriting_inputs(outputs, files_read([args.file, args.scheme]))
    scheme = load_scheme(args.scheme) if args.scheme else None
    result = import_file(args.file, args.source_format, args.annotator, folder, scheme=scheme)
    print(
        f"imported {result.sentences} sentences to {result.corpus} and {result.labels} labels "
        f"to {len(result.logs)} log(s): {', '.join(map(str, result.logs)) or 'none'}",
        file=sys.stderr,
    )
    return 0


def _cmd_assign(args: argparse.Namespace) -> int:
    from .assignment import assign
    from .log import annotator_slug

    target = Path(args.output).expanduser().resolve()
    for spec in args.files:
        folder = Path(spec).expanduser().resolve()
        if folder.is_dir() and target.is_relative_to(folder):
            raise InputError(
                f"{args.output} is inside the corpus folder {spec}: its queue files would be "
                "read as articles. Write the assignment to a folder outside the corpus."
            )
    annotators = [name.strip() for name in args.annotators.split(",") if name.strip()]
    outputs = [target / f"{annotator_slug(name)}.csv" for name in annotators]
    refuse_overwriting_inputs([*outputs, target / "manifest.json"], files_read(args.files))
    plan = assign(
        args.files,
        annotators,
        args.output,
        per_item=args.per_item,
        all_overlap=args.all_overlap,
        sample=args.sample,
        by=args.by,
        unit=args.unit,
        seed=args.seed,
    )
    latest = plan.rounds[-1]
    loads = ", ".join(f"{name} {count}" for name, count in plan.loads().items())
    print(
        f"round {latest.round}: drew {latest.drawn} {plan.unit}(s), {latest.overlap} to "
        f"everyone, the rest to {latest.per_item} each; queues: {loads}; wrote {args.output}",
        file=sys.stderr,
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .labels import DEFAULT_SCHEME, load_scheme
    from .log import log_files, validate_logs

    schemes = (load_scheme(args.scheme), DEFAULT_SCHEME) if args.scheme else (DEFAULT_SCHEME,)
    files = log_files(args.files)  # a missing path is an OSError: exit 2, not a "problem"
    if not files:
        raise InputError(f"{' '.join(args.files)}: no annotation logs (*.csv) to validate.")
    problems = validate_logs(files, schemes=schemes)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{len(files)} file(s) OK", file=sys.stderr)
    return 1 if problems else 0


def _cmd_chart(args: argparse.Namespace) -> int:
    from .charts import chart_by_kind, save_chart
    from .log import read_annotations

    refuse_overwriting_inputs([args.output], files_read(args.files))
    chart = chart_by_kind(read_annotations(args.files), args.kind)
    save_chart(chart, args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _cmd_agreement(args: argparse.Namespace) -> int:
    from .agreement import agreement
    from .log import read_annotations

    df = read_annotations(args.files)
    if args.model:  # the model as one more rater, out-of-fold: it never rates what it learned
        import pandas as pd

        from .suggest import model_ratings

        df = pd.concat([df, model_ratings(df)], ignore_index=True)
    table = agreement(df)
    if args.json:
        print(table.to_json(orient="records", force_ascii=False))
    else:
        print(table.to_string(index=False))
    return 0


def _cmd_suggest(args: argparse.Namespace) -> int:
    from .labels import DEFAULT_SCHEME, load_scheme
    from .suggest import suggest, write_suggestions

    refuse_overwriting_inputs([args.output], files_read([args.logs, *args.articles, args.scheme]))
    scheme = load_scheme(args.scheme) if args.scheme else DEFAULT_SCHEME
    table = suggest(args.logs, args.articles, scheme=scheme, min_labels=args.min_labels)
    write_suggestions(table, args.output)
    if len(table):
        model = table["model"].iloc[0]
        print(f"wrote {len(table)} suggestions to {args.output} ({model})", file=sys.stderr)
    else:  # the model trained (too few labels raise), but nothing is left to suggest for
        print(
            f"wrote 0 suggestions to {args.output}: every sentence of the articles given is "
            "already labelled in the logs. Pass articles with unlabelled sentences.",
            file=sys.stderr,
        )
    return 0


def _cmd_gold(args: argparse.Namespace) -> int:
    from .gold import DECIDED_BY, gold, gold_format, write_gold
    from .labels import DEFAULT_SCHEME, load_scheme

    gold_format(args.output)  # a bad file name fails before anything is read
    refuse_overwriting_inputs(
        [args.output], files_read([*args.files, args.adjudications, args.scheme])
    )
    scheme = load_scheme(args.scheme) if args.scheme else DEFAULT_SCHEME
    table = gold(
        args.files,
        args.adjudications,
        policy=args.policy,
        keep_unresolved=not args.drop_unresolved,
        scheme=scheme,
    )
    write_gold(table, args.output, spreadsheet_safe=args.spreadsheet_safe, scheme=scheme)
    counts = table["decided_by"].value_counts()
    summary = ", ".join(f"{counts.get(k, 0)} {k}" for k in DECIDED_BY)
    conflicts = int((table["conflict"] != "").sum())
    print(f"wrote {len(table)} sentences to {args.output} ({summary})", file=sys.stderr)
    if conflicts:
        print(
            f"factcheck gold: {conflicts} sentence(s) left unresolved because adjudicators "
            "disagree (see the conflict column)",
            file=sys.stderr,
        )
    return 0


def _cmd_card(args: argparse.Namespace) -> int:
    from .card import write_card
    from .labels import DEFAULT_SCHEME, load_scheme

    inputs = files_read([*args.files, args.adjudications, args.scheme])
    scheme = load_scheme(args.scheme) if args.scheme else DEFAULT_SCHEME
    out = write_card(
        args.files,
        args.output,
        args.adjudications,
        policy=args.policy,
        scheme=scheme,
        chart_format=args.chart_format,
        check_outputs=lambda outputs: refuse_overwriting_inputs(outputs, inputs),
    )
    print(f"wrote {out} and its charts", file=sys.stderr)
    return 0


def _cmd_classroom_key(args: argparse.Namespace) -> int:
    from .classroom import make_answer_key

    refuse_overwriting_inputs([args.output], files_read([args.log]))
    key = make_answer_key(args.log, args.output, annotator=args.annotator)
    print(f"wrote an answer key of {len(key.entries)} sentences to {args.output}", file=sys.stderr)
    return 0


def _cmd_classroom_report(args: argparse.Namespace) -> int:
    from .labels import DEFAULT_SCHEME, load_scheme
    from .report import write_class_report

    inputs = files_read([args.key, args.scheme, args.secret, *args.submissions])
    refuse_overwriting_inputs([args.output], inputs)
    scheme = load_scheme(args.scheme) if args.scheme else DEFAULT_SCHEME
    out = write_class_report(
        args.key,
        args.submissions,
        args.output,
        hide_names=args.hide_names,
        scheme=scheme,
        secret=args.secret,
        scores=args.scores,
    )
    print(f"wrote {out}" + (f" and {args.scores}" if args.scores else ""), file=sys.stderr)
    return 0


def _cmd_classroom_serve(args: argparse.Namespace) -> int:
    from .classroom_server import serve_classroom

    return serve_classroom(
        args.key,
        args.articles,
        args.out,
        port=args.port,
        feedback=args.feedback,
        ip=args.ip,
        open_browser=args.open,
        scheme=args.scheme,
        max_students=args.max_students,
        roster=args.roster,
        join_code=args.join_code or "",
    )


def _cmd_classroom_grades(args: argparse.Namespace) -> int:
    from .grades import write_grades
    from .labels import DEFAULT_SCHEME, load_scheme
    from .roster import read_roster

    inputs = files_read([args.key, args.scheme, args.roster, *args.submissions])
    refuse_overwriting_inputs([args.output, args.answers], inputs)
    if args.answers and Path(args.answers).resolve() == Path(args.output).resolve():
        raise InputError(f"--answers {args.answers} is the -o file. Choose two different files.")
    scheme = load_scheme(args.scheme) if args.scheme else DEFAULT_SCHEME
    roster = read_roster(args.roster) if args.roster else None
    report = write_grades(
        args.key, args.submissions, args.output, answers=args.answers, scheme=scheme, roster=roster
    )
    if roster is not None:
        outside = [name for name in report.students if roster.find(name) is None]
        if outside:
            print(f"warning: not on the roster: {', '.join(outside)}", file=sys.stderr)
    for problem in report.problems:
        print(f"warning: {problem}", file=sys.stderr)
    wrote = args.output + (f" and {args.answers}" if args.answers else "")
    print(f"wrote {wrote} ({len(report.students)} students)", file=sys.stderr)
    return 0


def _cmd_classroom_watch(args: argparse.Namespace) -> int:
    from .labels import DEFAULT_SCHEME, load_scheme
    from .live import serve_live
    from .roster import read_roster

    scheme = load_scheme(args.scheme) if args.scheme else DEFAULT_SCHEME
    return serve_live(
        args.key,
        args.folder,
        port=args.port,
        ip=args.ip,
        scheme=scheme,
        refresh=args.refresh,
        roster=read_roster(args.roster) if args.roster else None,
        hide_names=args.hide_names,
    )


def lab_command(
    folder: Path, notebook: str | None, jupyter_args: Sequence[str], *, as_root: bool
) -> list[str]:
    """The JupyterLab command line for ``factcheck lab``; as root it adds ``--allow-root``.

    Containers and CI images often run as root, where JupyterLab refuses to start without
    the flag. The server still listens on 127.0.0.1 with a token unless told otherwise.
    """
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if notebook and (folder / notebook).exists():
        command.append(str(folder / notebook))
    command += list(jupyter_args)
    if as_root and "--allow-root" not in jupyter_args:
        command.append("--allow-root")
    return command


def _cmd_lab(args: argparse.Namespace) -> int:
    import subprocess

    from .paths import project_annotations_dir
    from .workspace import DEFAULT_FOLDER, prepare_workspace, source_checkout_notebooks

    env = dict(os.environ)
    checkout = source_checkout_notebooks()
    if args.folder is None and checkout is not None:
        folder = checkout  # a source checkout: its notebooks/ is the user's own folder
        annotations = project_annotations_dir()
        if annotations and "FACTCHECK_ANNOTATIONS" not in env:
            env["FACTCHECK_ANNOTATIONS"] = str(annotations)
    else:
        workspace = prepare_workspace(Path(args.folder or DEFAULT_FOLDER))
        folder = workspace.folder
        for name in workspace.kept_edited:
            print(f"factcheck lab: kept your edited {folder / name}", file=sys.stderr)
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if as_root and "--allow-root" not in args.jupyter_args:
        print(
            "factcheck lab: warning: running as root (as in a container); starting JupyterLab "
            "with --allow-root. It listens on 127.0.0.1 and asks for its token.",
            file=sys.stderr,
        )
    saved = env.get("FACTCHECK_ANNOTATIONS") or str(folder / "annotations")
    print(f"factcheck lab: notebooks in {folder}; labels saved in {saved}", file=sys.stderr)
    command = lab_command(folder, args.notebook, args.jupyter_args, as_root=as_root)
    return subprocess.call(command, env=env, cwd=folder)


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Print a warning as 'factcheck: warning: ...', without Python's file and code line."""
    print(f"factcheck: warning: {message}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """The ``factcheck`` argument parser with one sub-command per task."""
    from .labels import SCHEMES

    parser = argparse.ArgumentParser(
        prog="factcheck",
        description="Label news sentences as verified, unconfirmed or opinion, and turn the "
        "labels into datasets, agreement figures, charts and class reports. Start with "
        "'factcheck lab'; 'factcheck COMMAND --help' explains each command.",
    )
    scheme_help = (
        "the label scheme the logs use: a preset name ("
        + ", ".join(name for name in SCHEMES if name != "default")
        + ") or a JSON scheme file (default: the built-in one)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sentences", help="write one row per sentence of the given articles")
    p.add_argument("files", nargs="+", help="article files, folders, globs or corpora")
    p.add_argument("--format", choices=("csv", "jsonl", "parquet"), default="csv")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument(
        "--jobs",
        type=int,
        help="worker processes (default: all cores); the output is the same for any number",
    )
    p.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="run on a Dask cluster (e.g. tcp://host:8786); -o is then a folder of Parquet parts",
    )
    p.add_argument(
        "--language",
        metavar="CODE",
        help="ISO 639-1 code of every article (e.g. es); default: each article's own or detected",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--spreadsheet-safe",
        action="store_true",
        help="csv: neutralise formula-like cells (reversibly) and add a UTF-8 BOM for Excel",
    )
    p.set_defaults(func=_cmd_sentences)

    p = sub.add_parser("export", help="export annotation logs as a dataset")
    p.add_argument("files", nargs="+")
    p.add_argument(
        "--to",
        choices=(
            "csv",
            "jsonl",
            "parquet",
            "checkthat",
            "claimreview",
            "fever",
            "checkthat-worthiness",
            "averitec",
            "label-studio",
            "labelstudio",
            "doccano",
            "claimbuster",
        ),
        required=True,
    )
    p.add_argument("-o", "--output", required=True)
    p.add_argument(
        "--corpus",
        help="label-studio, doccano, claimbuster: the corpus (e.g. the one `factcheck import` "
        "wrote), so unlabelled sentences and the imported columns are written too",
    )
    p.add_argument(
        "--spreadsheet-safe",
        action="store_true",
        help="neutralise formula-like cells reversibly (csv also gets a UTF-8 BOM for Excel); "
        "without it the checkthat TSV keeps the official layout exactly",
    )
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("import", help="import a dataset as a corpus and an annotator's log")
    p.add_argument("file")
    p.add_argument(
        "--from",
        dest="source_format",
        required=True,
        choices=(
            "checkthat-subjectivity",
            "checkthat-worthiness",
            "claimbuster",
            "label-studio",
            "labelstudio",
            "doccano",
        ),
    )
    p.add_argument("--annotator", required=True, help="whose labels the file holds")
    p.add_argument("-o", "--output", help="folder for the log and corpus (default: annotations)")
    p.add_argument(
        "--scheme",
        help="preset name or JSON scheme file of the labels (label-studio, doccano; the "
        "others have their own: default, checkthat-worthiness, claimbuster)",
    )
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser(
        "assign", help="give each annotator a queue: a seeded sample, overlap, balanced load"
    )
    p.add_argument("files", nargs="+", help="the corpus: article files, folders or corpora")
    p.add_argument("--annotators", required=True, help="comma-separated names: ana,ben,chloe")
    p.add_argument("--per-item", type=int, default=2, help="coders per item (default 2)")
    p.add_argument(
        "--all-overlap", type=float, default=0.0, help="share of items every annotator gets"
    )
    p.add_argument("--sample", type=int, help="draw this many items (default: all unassigned)")
    p.add_argument("--by", help="stratify the sample: source, date or a corpus column")
    p.add_argument("--unit", choices=("article", "sentence"), default="article")
    p.add_argument("--seed", type=int, default=0, help="same seed, same assignment")
    p.add_argument("-o", "--output", required=True, help="folder for the queues and manifest")
    p.set_defaults(func=_cmd_assign)

    p = sub.add_parser("validate", help="check annotation logs; exit 1 if any problem")
    p.add_argument("files", nargs="+", help="annotation logs: folders, files or globs")
    p.add_argument("--scheme", help=scheme_help)
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("chart", help="save a chart of annotation logs as html, png or svg")
    p.add_argument("files", nargs="+")
    p.add_argument("--kind", required=True, choices=CHART_KINDS)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=_cmd_chart)

    p = sub.add_parser("agreement", help="inter-annotator agreement of annotation logs")
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--model",
        action="store_true",
        help="add a model trained on the labels as one more rater (out-of-fold predictions)",
    )
    p.set_defaults(func=_cmd_agreement)

    p = sub.add_parser(
        "suggest", help="suggest labels for unlabelled sentences from a model of the logs"
    )
    p.add_argument("logs", help="annotation logs: a folder, file or glob (the training labels)")
    p.add_argument("articles", nargs="+", help="the corpus: article files, folders or corpora")
    p.add_argument("-o", "--output", required=True, help="suggestions CSV to write")
    p.add_argument("--scheme", help=scheme_help)
    p.add_argument(
        "--min-labels", type=int, default=20, help="labels needed before suggesting (default 20)"
    )
    p.set_defaults(func=_cmd_suggest)

    p = sub.add_parser(
        "gold", help="the gold standard: one final label per sentence from votes and decisions"
    )
    p.add_argument("files", nargs="+", help="annotation logs: folders, files or globs")
    p.add_argument("--adjudications", help="folder of the adjudicators' decisions logs")
    p.add_argument(
        "--policy",
        choices=("strict", "plurality"),
        default="strict",
        help="strict: a majority is more than half of the annotators (default); plurality: "
        "more votes than any other label. A tie is never a majority.",
    )
    p.add_argument("--drop-unresolved", action="store_true", help="leave unresolved rows out")
    p.add_argument("--scheme", help=scheme_help)
    p.add_argument(
        "--spreadsheet-safe",
        action="store_true",
        help="csv: neutralise formula-like cells (reversibly) and add a UTF-8 BOM for Excel",
    )
    p.add_argument("-o", "--output", required=True, help="gold.csv, gold.jsonl or gold.parquet")
    p.set_defaults(func=_cmd_gold)

    p = sub.add_parser("card", help="write the dataset card (Markdown) and its charts")
    p.add_argument("files", nargs="+", help="annotation logs: folders, files or globs")
    p.add_argument("--adjudications", help="folder of the adjudicators' decisions logs")
    p.add_argument("--policy", choices=("strict", "plurality"), default="strict")
    p.add_argument("--scheme", help=scheme_help)
    p.add_argument("--chart-format", choices=("png", "svg"), default="png")
    p.add_argument("-o", "--output", required=True, help="the card, e.g. DATASET_CARD.md")
    p.set_defaults(func=_cmd_card)

    classroom = sub.add_parser(
        "classroom",
        help="teaching sessions: answer keys, the student app, live view, reports, grades",
    )
    class_sub = classroom.add_subparsers(dest="classroom_command", required=True)
    p = class_sub.add_parser("key", help="save a teacher's labels and notes as an answer key")
    p.add_argument("log", help="the teacher's annotation log (CSV)")
    p.add_argument("-o", "--output", required=True, help="answer key CSV to write")
    p.add_argument("--annotator", help="whose labels, if the log has several annotators")
    p.set_defaults(func=_cmd_classroom_key)
    p = class_sub.add_parser("report", help="score students against a key; write HTML")
    p.add_argument("submissions", nargs="+", help="folder of student CSVs, or the files")
    p.add_argument("--key", required=True, help="answer key CSV")
    p.add_argument("-o", "--output", required=True, help="report HTML to write")
    p.add_argument("--hide-names", action="store_true", help="pseudonyms, for projection")
    p.add_argument(
        "--secret", help="file keeping the pseudonyms' secret (default: KEY.secret, made once)"
    )
    p.add_argument("--scores", help="also save the scores as a spreadsheet-safe CSV (grades)")
    p.add_argument("--scheme", help="the JSON label scheme of the key, if not the default")
    p.set_defaults(func=_cmd_classroom_report)
    p = class_sub.add_parser("serve", help="serve the no-code student app (Voila)")
    p.add_argument("--key", required=True, help="answer key CSV")
    p.add_argument("--articles", required=True, help="the articles the key covers")
    p.add_argument("--out", required=True, help="folder where each student's CSV is written")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument(
        "--feedback",
        choices=("immediate", "end"),
        default="immediate",
        help="show right/wrong after each label, or after 'Check my answers'",
    )
    p.add_argument(
        "--ip",
        default="127.0.0.1",
        help="127.0.0.1: this computer only; 0.0.0.0: anyone on the network (no password)",
    )
    p.add_argument("--open", action="store_true", help="open the app in a browser")
    p.add_argument(
        "--max-students",
        type=int,
        default=40,
        help="most students (open tabs) at once; more get a 'class is full' page (default 40)",
    )
    p.add_argument("--scheme", help="the teacher's JSON label scheme, if not the default")
    p.add_argument("--roster", help="CSV of the class's names: students pick theirs from it")
    p.add_argument("--join-code", help="a code students must type to join (write it on the board)")
    p.set_defaults(func=_cmd_classroom_serve)
    p = class_sub.add_parser("watch", help="live view of the class folder while students label")
    p.add_argument("folder", help="the folder of student CSVs (serve's --out)")
    p.add_argument("--key", required=True, help="answer key CSV")
    p.add_argument("--port", type=int, default=8867)
    p.add_argument("--ip", default="127.0.0.1", help="127.0.0.1: only the teacher's computer")
    p.add_argument("--refresh", type=int, default=5, help="seconds between page refreshes")
    p.add_argument("--roster", help="the class list: also show who has not started")
    p.add_argument("--hide-names", action="store_true", help="pseudonyms, for projection")
    p.add_argument("--scheme", help="the teacher's JSON label scheme, if not the default")
    p.set_defaults(func=_cmd_classroom_watch)
    p = class_sub.add_parser("grades", help="gradebook CSV for an LMS import (+ answers sheet)")
    p.add_argument("submissions", nargs="+", help="folder of student CSVs, or the files")
    p.add_argument("--key", required=True, help="answer key CSV")
    p.add_argument("-o", "--output", required=True, help="gradebook CSV to write")
    p.add_argument("--answers", help="also write every student's answer per sentence here")
    p.add_argument("--roster", help="the class list: students who saved nothing get 0")
    p.add_argument("--scheme", help="the JSON label scheme of the key, if not the default")
    p.set_defaults(func=_cmd_classroom_grades)

    p = sub.add_parser(
        "lab",
        help="start JupyterLab on the factcheck notebooks (other options go to JupyterLab)",
        description="Start JupyterLab on the factcheck notebooks, opening the labelling "
        "notebook. Stop it with Ctrl-C in this terminal.",
        epilog="Any other option is passed to JupyterLab, e.g. "
        "'factcheck lab --no-browser --port 8890'; see 'jupyter lab --help-all'.",
    )
    p.add_argument(
        "--folder",
        help="working folder for the notebooks (default: a source checkout's notebooks/, "
        "else ./factcheck-notebooks); bundled notebooks are copied in, edited ones kept",
    )
    p.add_argument(
        "--notebook",
        default="01-label-articles.ipynb",
        help="the notebook to open in the folder (default: %(default)s)",
    )
    p.set_defaults(func=_cmd_lab)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 for unreadable input)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.jupyter_args = extra  # e.g. factcheck lab --port 8890 --no-browser
    if argv is None:  # a real command line: warnings as one plain line each
        warnings.showwarning = _one_line_warning
    try:
        return args.func(args)
    except BrokenPipeError:  # e.g. piped into `head`: not an error
        sys.stderr.close()
        return 0
    except FactcheckError as exc:
        print(f"factcheck {args.command}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        name = f"{exc.filename}: " if exc.filename else ""
        print(f"factcheck {args.command}: {name}{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
