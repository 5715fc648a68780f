"""The ``overlap scan`` and ``overlap run`` commands."""

from __future__ import annotations

import json
import shlex
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from overlap.cli.common import (
    DEFAULT_CORPUS,
    FAIL_ON_HELP,
    PSEUDONYMIZE_HELP,
    SCHEDULER_NEEDS_DASK,
    CorpusOption,
    EngineName,
    EngineOption,
    FailOn,
    SchedulerOption,
    WorkersOption,
    err,
    fail,
    out,
    progress_bar,
    typed,
)
from overlap.engine.choice import EngineSpec
from overlap.errors import OverlapError
from overlap.ingest.errors import count_unread
from overlap.jobs.logs import job_logging
from overlap.jobs.run import run_job
from overlap.jobs.spec import load_job
from overlap.model import ScanResult, Severity, at_or_above, printable_path
from overlap.report.brief import TOP, brief
from overlap.report.contract import result_dict
from overlap.report.terminal import findings_table, summary_table
from overlap.scanning.files import nothing_scanned, scan_paths
from overlap.store.corpus import CorpusStore


def scan(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH", help="Submission files, folders, .zip downloads or CSV/JSONL exports."
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", metavar="DIR", help="Report folder to write.")],
    corpus: CorpusOption = DEFAULT_CORPUS,
    exclude: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="FILE",
            help="Template text (e.g. the assignment prompt) never reported; repeatable.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option(metavar="SEVERITY", help=f"{FAIL_ON_HELP}.")
    ] = FailOn.never,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the findings document to stdout, nothing else.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="Print nothing but errors and warnings.")
    ] = False,
    everything: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Print every submission and every finding, not only the summary of the "
            f"{TOP} most similar.",
        ),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with status 2 if any file could not be read.")
    ] = False,
    pseudonymize: Annotated[bool, typer.Option(help=f"{PSEUDONYMIZE_HELP}.")] = False,
    common_phrase: Annotated[
        str | None,
        typer.Option(
            metavar="BAR",
            help="A passage more submissions share than BAR (a number, default 10, or a share "
            "such as 5%) is common phrasing: reported once per submission, for information only.",
        ),
    ] = None,
    paraphrase: Annotated[
        bool | None,
        typer.Option(
            "--paraphrase/--no-paraphrase",
            help="Look for sentences restating a source in other words (needs make "
            "install-paraphrase); by default on when the model is installed.",
            show_default=False,
        ),
    ] = None,
    paraphrase_model: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Sentence model (ONNX) to use instead of the installed one."
        ),
    ] = None,
    engine: EngineOption = EngineName.local,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Scan submissions against the corpus and each other.

    Writes the report folder (--out): findings.json, CSV and Parquet tables, and HTML pages.
    Finds verbatim, edited and reworded passages; each finding says what it rests on
    (evidence: exact, edited or paraphrase) and how it is attributed. Prints the most
    similar submissions and the findings counted by severity and kind (--all: everything).

    Files that cannot be read are listed (findings.json "errors", stderr) and the batch goes
    on; finding no submission at all is a warning. Exit status: 0 no finding at or above
    --fail-on, 1 some, 2 usage or input error (with --strict, also any unreadable file).
    """
    try:
        with progress_bar(not (quiet or json_out) and err.is_terminal) as progress:
            result = scan_paths(
                paths,
                corpus,
                out_dir,
                excludes=exclude or [],
                progress=progress,
                pseudonymize=pseudonymize,
                engine=EngineSpec(engine.value, scheduler, workers),
                common_phrase=common_phrase,
                paraphrase=paraphrase,
                paraphrase_model=paraphrase_model,
            )
    except OverlapError as exc:
        fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(result_dict(result), indent=2, ensure_ascii=False) + "\n")
    elif not quiet:
        if everything:
            out.print(summary_table(result))
            out.print(findings_table(result, limit=len(result.findings)))
        else:
            out.print(brief(result))
        out.print(f"report written to {out_dir}", markup=False, highlight=False, soft_wrap=True)
    for e in result.errors:
        err.print(f"error: {e.path}: {e.error}", markup=False, highlight=False, soft_wrap=True)
    if result.errors and not json_out:
        err.print(f"{count_unread(result.errors)} could not be read", highlight=False)
    if not result.submissions:
        err.print(
            f"warning: {nothing_scanned(paths, result)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if not quiet:
        _note_outdated(corpus, result)
    if strict and result.errors:
        raise typer.Exit(2)
    if fail_on is not FailOn.never and at_or_above(result.findings, Severity(fail_on.value)):
        raise typer.Exit(1)


def _note_outdated(corpus: Path, result: ScanResult) -> None:
    """Say when the store has parts an earlier version wrote, which scan more slowly."""
    old = result.outdated_parts
    if old:
        # The command is one line to copy, its path one shell word whatever it holds.
        command = f"overlap corpus upgrade --corpus {shlex.quote(printable_path(str(corpus)))}"
        try:
            of = f" of {len(CorpusStore.open(corpus).parts)}"
        except OverlapError:
            of = ""
        err.print(
            f"note: {old}{of} part(s) of {printable_path(str(corpus))} were "
            f"written by an earlier version and scan more slowly; to rewrite them: {command}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def run(
    ctx: typer.Context,
    job: Annotated[
        Path, typer.Argument(metavar="JOB", help="Job file, e.g. pipelines/weekly.toml.")
    ],
    corpus: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Corpus store folder (job.corpus).")
    ] = None,
    out_dir: Annotated[
        str | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Report folder (scan.out); may hold {date}, {week} and {job}.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None, typer.Option(metavar="SEVERITY", help=f"{FAIL_ON_HELP} (scan.fail_on).")
    ] = None,
    rescan: Annotated[
        bool, typer.Option("--rescan", help="Scan again submissions scanned before (scan.rescan).")
    ] = False,
    pseudonymize: Annotated[
        bool | None, typer.Option(help=f"{PSEUDONYMIZE_HELP} (scan.pseudonymize).")
    ] = None,
    lock_timeout: Annotated[
        float | None,
        typer.Option(
            min=0,
            metavar="SECONDS",
            help="Seconds to wait for another writer of the store before giving up "
            "(job.lock_timeout).",
        ),
    ] = None,
    log_file: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Append the log here, not to stdout (job.log_file)."),
    ] = None,
    day: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="The date naming the report folder, YYYY-MM-DD; today by default.",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print what was done as JSON.")] = False,
    engine: Annotated[
        EngineName | None,
        typer.Option(
            metavar="NAME",
            help="local or dask (engine.name); see 'overlap scan --help'.",
        ),
    ] = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Run a job file: add new documents, scan new submissions.

    The report goes to a dated folder (scan.out). Values come from defaults, then the job
    file, then these options, whose help ends with the key they override. Exit status: 0 no
    finding at or above fail_on, 1 some, 2 error (bad job file, missing input, store locked).
    """
    given = {
        "job.corpus": corpus,
        "scan.out": out_dir,
        "scan.fail_on": fail_on and fail_on.value,
        "scan.rescan": rescan or None,
        "scan.pseudonymize": pseudonymize,
        "job.lock_timeout": lock_timeout,
        "job.log_file": log_file,
        "engine.name": engine and engine.value,
        "engine.scheduler": scheduler,
        "engine.workers": workers,
    }
    try:
        spec = load_job(job, given)
        if scheduler is not None and spec.engine.name != "dask" and typed(ctx, "scheduler"):
            fail(f'--scheduler: {SCHEDULER_NEEDS_DASK} (or [engine] name = "dask" in the job)')
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
        fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    if report.at_or_above(threshold):
        raise typer.Exit(1)
