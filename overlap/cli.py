"""Command line: parses arguments, calls one library function, prints."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from overlap.engine.choice import EngineSpec
from overlap.errors import OverlapError
from overlap.eval.attribution import evaluate_attribution, format_attribution
from overlap.eval.pan import evaluate_pan, format_pan
from overlap.jobs.erasure import Selection, remove_documents
from overlap.jobs.logs import job_logging
from overlap.jobs.pipeline import run_job
from overlap.jobs.run import add_to_corpus, scan_paths
from overlap.jobs.spec import load_job
from overlap.model import Role, Severity
from overlap.report.contract import result_dict
from overlap.report.terminal import findings_table, summary_table
from overlap.store.corpus import CorpusStore
from overlap.store.inventory import format_stats, list_documents, store_stats
from overlap.store.lock import DEFAULT_LOCK_TIMEOUT

app = typer.Typer(
    help="Find passages that submissions share with sources, prior posts and each other, "
    "and say how each is attributed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
corpus_app = typer.Typer(
    help="Manage the corpus of sources and prior-term posts.", no_args_is_help=True
)
eval_app = typer.Typer(help="Measure the checker against labelled data.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
app.add_typer(eval_app, name="eval")

err = Console(stderr=True)
# Reports piped to a file or a cron mail get room for their columns.
out = Console() if Console().is_terminal else Console(width=120)
DEFAULT_CORPUS = Path("corpus/store")
LOCK_HELP = "Seconds to wait for another writer of the store before giving up."


class EngineName(StrEnum):
    """Where heavy commands run: this machine or a Dask cluster."""

    local = "local"
    dask = "dask"


EngineOption = Annotated[
    EngineName,
    typer.Option(
        help="local: this machine (a process per core); dask: a Dask cluster "
        "(--scheduler, or a local cluster started for the run). Same results either way."
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        envvar="DASK_SCHEDULER_ADDRESS",
        help="With --engine dask: the scheduler to use, e.g. tcp://head:8786.",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(min=1, help="Local processes, or workers of a local Dask cluster; all cores."),
]


class CorpusRole(StrEnum):
    """Roles a corpus document can have."""

    source = "source"
    prior = "prior"


class FailOn(StrEnum):
    """Severity at which ``scan`` exits with status 1."""

    never = "never"
    info = "info"
    low = "low"
    medium = "medium"
    high = "high"


def _fail(message: str) -> NoReturn:
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar fed by the library's ``progress(stage, done, total)`` callbacks."""
    if not enabled:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True,
    )  # fmt: skip
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update


@corpus_app.command("add")
def corpus_add(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files, folders or .zip archives to add (see README: formats)."),
    ],
    role: Annotated[
        CorpusRole,
        typer.Option(help="What the documents are: published sources or prior-term posts."),
    ],
    corpus: Annotated[Path, typer.Option(help="Corpus store folder.")] = DEFAULT_CORPUS,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
    lock_timeout: Annotated[float, typer.Option(min=0, help=LOCK_HELP)] = DEFAULT_LOCK_TIMEOUT,
    engine: EngineOption = EngineName.local,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Add documents to the corpus store; documents already there are skipped.

    A folder may hold a metadata.csv (columns path, author, year, title, student, term,
    submitted_at) describing its files.
    """
    try:
        with _progress(not quiet and err.is_terminal) as progress:
            report = add_to_corpus(
                paths, Role(role.value), corpus, progress=progress, lock_timeout=lock_timeout,
                engine=EngineSpec(engine.value, scheduler, workers),
            )  # fmt: skip
    except OverlapError as exc:
        _fail(str(exc))
    for e in report.errors:
        err.print(f"error: {e.path}: {e.error}", markup=False, highlight=False, soft_wrap=True)
    if not quiet:
        out.print(
            f"added {report.added} {role.value} document(s) ({report.words} words), "
            f"skipped {report.skipped} already in {corpus}, {len(report.errors)} file error(s)",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip


@app.command()
def scan(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Submission files, folders, .zip downloads or CSV/JSONL exports."),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Report folder to write.")],
    corpus: Annotated[Path, typer.Option(help="Corpus store folder.")] = DEFAULT_CORPUS,
    exclude: Annotated[
        list[Path] | None,
        typer.Option(help="Template text (e.g. the assignment prompt) never reported; repeatable."),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option(help="Exit with status 1 if a finding is at or above this severity.")
    ] = FailOn.never,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the findings document to stdout, nothing else.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with status 2 if any file could not be read.")
    ] = False,
    pseudonymize: Annotated[
        bool, typer.Option("--pseudonymize", help="Name students by stable pseudonyms.")
    ] = False,
    engine: EngineOption = EngineName.local,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Scan submissions against the corpus and each other; write the report folder.

    Files that cannot be read are listed (findings.json "errors", stderr) and the batch goes
    on. Exit status: 0 no finding at or above --fail-on, 1 some, 2 usage or input error (with
    --strict, also any unreadable file).
    """
    try:
        with _progress(not (quiet or json_out) and err.is_terminal) as progress:
            result = scan_paths(
                paths, corpus, out_dir, excludes=exclude or [], progress=progress,
                pseudonymize=pseudonymize, engine=EngineSpec(engine.value, scheduler, workers),
            )  # fmt: skip
    except OverlapError as exc:
        _fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(result_dict(result), indent=2, ensure_ascii=False) + "\n")
    elif not quiet:
        out.print(summary_table(result))
        out.print(findings_table(result))
        out.print(f"report written to {out_dir}", markup=False, highlight=False, soft_wrap=True)
    for e in result.errors:
        err.print(f"error: {e.path}: {e.error}", markup=False, highlight=False, soft_wrap=True)
    if result.errors and not json_out:
        err.print(f"{len(result.errors)} file(s) could not be read", highlight=False)
    if strict and result.errors:
        raise typer.Exit(2)
    if fail_on is not FailOn.never:
        threshold = Severity(fail_on.value).rank
        if any(f.severity.rank >= threshold for f in result.findings):
            raise typer.Exit(1)


@eval_app.command("attribution")
def eval_attribution(
    set_dir: Annotated[Path, typer.Argument(help="A labelled set laid out like attribution-dev.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Scan a labelled set (sources, prior, submissions, prompt.txt, truth.jsonl); print recall."""
    try:
        figures = evaluate_attribution(set_dir)
    except OverlapError as exc:
        _fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    else:
        out.print(format_attribution(figures), markup=False, highlight=False, soft_wrap=True)


@eval_app.command("pan")
def eval_pan(
    corpus_dir: Annotated[Path, typer.Argument(help="A PAN text-alignment corpus folder.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write detection XMLs to.")],
    subset: Annotated[
        list[str] | None, typer.Option(help="Subset folder to score; repeatable; all by default.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes; the available cores by default.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Align every pair of a PAN corpus, write PAN detection XMLs, print plagdet per subset."""
    try:
        with _progress(not json_out and err.is_terminal) as progress:
            report = evaluate_pan(
                corpus_dir, out_dir, subsets=subset or [], workers=workers, progress=progress
            )
    except OverlapError as exc:
        _fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(asdict(report), indent=2) + "\n")
    else:
        out.print(format_pan(report), markup=False, highlight=False, soft_wrap=True)


@corpus_app.command("remove")
def corpus_remove(
    student: Annotated[
        list[str] | None, typer.Option(help="A student's name, or pseudonym; repeatable.")
    ] = None,
    term: Annotated[
        list[str] | None, typer.Option(help="A term, e.g. 'Fall 2023'; repeatable.")
    ] = None,
    path: Annotated[
        list[str] | None,
        typer.Option(help="A stored path, or a folder or archive above stored paths; repeatable."),
    ] = None,
    corpus: Annotated[Path, typer.Option(help="Corpus store folder.")] = DEFAULT_CORPUS,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would go.")] = False,
    lock_timeout: Annotated[float, typer.Option(min=0, help=LOCK_HELP)] = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Erase documents with their windows, band keys, term counts and scan-ledger entries.

    Different options must all match (--student X --term T: X's documents of term T). The
    parts holding them are rewritten without them and the old files deleted, so no file in
    the store keeps their text. Copies in drop folders and report folders are not touched.
    """
    try:
        store = CorpusStore.open(corpus, lock_timeout=lock_timeout)
        selection = Selection(tuple(student or ()), tuple(term or ()), tuple(path or ()))
        removed = remove_documents(store, selection, dry_run=dry_run)
    except OverlapError as exc:
        _fail(str(exc))
    verb = "would remove" if dry_run else "removed"
    out.print(
        f"{verb} {len(removed.ids)} document(s) ({removed.words} words): "
        f"{removed.parts_rewritten} part(s) rewritten, {removed.parts_dropped} dropped, "
        f"{removed.ledger_entries} scan-ledger entries forgotten",
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip


@corpus_app.command("list")
def corpus_list(
    corpus: Annotated[Path, typer.Option(help="Corpus store folder.")] = DEFAULT_CORPUS,
    role: Annotated[CorpusRole | None, typer.Option(help="Only documents of this role.")] = None,
    term: Annotated[str | None, typer.Option(help="Only documents of this term.")] = None,
    student: Annotated[str | None, typer.Option(help="Only this student's documents.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List stored documents: id, role, term, student, words, path (never the text)."""
    try:
        store = CorpusStore.open(corpus)
        docs = list_documents(store, role=role.value if role else None, term=term, student=student)
    except OverlapError as exc:
        _fail(str(exc))
    if json_out:
        sys.stdout.write("".join(json.dumps(asdict(d), ensure_ascii=False) + "\n" for d in docs))
        return
    sys.stdout.write("id\trole\tterm\tstudent\twords\tpath\n")
    for d in docs:
        sys.stdout.write(
            f"{d.id}\t{d.role}\t{d.term or ''}\t{d.student or ''}\t{d.words}\t{d.path}\n"
        )


@corpus_app.command("stats")
def corpus_stats(
    corpus: Annotated[Path, typer.Option(help="Corpus store folder.")] = DEFAULT_CORPUS,
    digest: Annotated[
        bool, typer.Option("--digest", help="Also print a SHA-256 of the content (reads all).")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what the store holds: documents and words per role and term, parts, settings."""
    try:
        stats = store_stats(CorpusStore.open(corpus), digest=digest)
    except OverlapError as exc:
        _fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(asdict(stats), indent=2, ensure_ascii=False) + "\n")
    else:
        out.print(format_stats(stats), markup=False, highlight=False, soft_wrap=True)


@app.command("run")
def run(
    job: Annotated[Path, typer.Argument(help="Job file, e.g. pipelines/weekly.toml.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus store (job.corpus).")] = None,
    out_dir: Annotated[
        str | None, typer.Option("--out", help="Report folder (scan.out); {date} {week} {job}.")
    ] = None,
    fail_on: Annotated[FailOn | None, typer.Option(help="Exit 1 at this severity.")] = None,
    rescan: Annotated[
        bool, typer.Option("--rescan", help="Scan again submissions scanned before.")
    ] = False,
    pseudonymize: Annotated[
        bool | None, typer.Option(help="Name students by pseudonyms in the report.")
    ] = None,
    lock_timeout: Annotated[float | None, typer.Option(min=0, help=LOCK_HELP)] = None,
    log_file: Annotated[Path | None, typer.Option(help="Append the log here, not stdout.")] = None,
    day: Annotated[
        datetime | None, typer.Option("--date", formats=["%Y-%m-%d"], help="Report date.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print what was done as JSON.")] = False,
) -> None:
    """Run a job file: add new documents, scan new submissions into a dated report folder.

    Values come from defaults, then the job file, then these options. Exit status: 0 no
    finding at or above fail_on, 1 some, 2 error (bad job file, missing input, store locked).
    """
    given = {"job.corpus": corpus, "scan.out": out_dir, "scan.fail_on": fail_on and fail_on.value,
             "scan.rescan": rescan or None, "scan.pseudonymize": pseudonymize,
             "job.lock_timeout": lock_timeout, "job.log_file": log_file}  # fmt: skip
    try:
        spec = load_job(job, given)
        with job_logging(spec.log_file, sys.stderr if json_out else sys.stdout) as log:
            try:
                report = run_job(spec, day=day.date() if day else None)
            except OverlapError as exc:
                log.error("%s: %s", spec.name, exc)
                raise
            threshold = spec.scan.fail_on if spec.scan else "never"
            for e in report.errors:
                log.warning("%s: %s", e.path, e.error)
            log.info("%s", report.summary(threshold))
    except OverlapError as exc:
        _fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    if report.at_or_above(threshold):
        raise typer.Exit(1)


def main() -> None:
    """Run the command line; usage errors exit with status 2."""
    app()
