"""Command line: parses arguments, calls one library function, prints."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
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

from overlap.errors import OverlapError
from overlap.eval.attribution import evaluate_attribution, format_attribution
from overlap.eval.pan import evaluate_pan, format_pan
from overlap.jobs.run import add_to_corpus, scan_paths
from overlap.model import Role, Severity
from overlap.report.contract import result_dict
from overlap.report.terminal import findings_table, summary_table

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
) -> None:
    """Add documents to the corpus store; documents already there are skipped.

    A folder may hold a metadata.csv (columns path, author, year, title, student, term,
    submitted_at) describing its files.
    """
    try:
        with _progress(not quiet and err.is_terminal) as progress:
            report = add_to_corpus(paths, Role(role.value), corpus, progress=progress)
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
) -> None:
    """Scan submissions against the corpus and each other; write the report folder.

    Files that cannot be read are listed (findings.json "errors", stderr) and the batch goes
    on. Exit status: 0 no finding at or above --fail-on, 1 some, 2 usage or input error (with
    --strict, also any unreadable file).
    """
    try:
        with _progress(not (quiet or json_out) and err.is_terminal) as progress:
            result = scan_paths(paths, corpus, out_dir, excludes=exclude or [], progress=progress)
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


def main() -> None:
    """Run the command line; usage errors exit with status 2."""
    app()
