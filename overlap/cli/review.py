"""``overlap review``: dismiss, confirm, reopen, exclude-source, allow-passage, list."""

from __future__ import annotations

import getpass
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from overlap.cli.common import (
    DEFAULT_CORPUS,
    CorpusOption,
    LockTimeoutOption,
    err,
    fail,
    out,
)
from overlap.errors import OverlapError
from overlap.report.reading import read_report
from overlap.report.terminal import decision_line, one_line
from overlap.review.acts import allow_passage, decide, exclude_source, undecided_mirrors
from overlap.review.decisions import Action, Decision
from overlap.review.refresh import refresh_report
from overlap.review.rules import Review
from overlap.store.corpus import CorpusStore
from overlap.store.decisions import read_decisions
from overlap.store.lock import DEFAULT_LOCK_TIMEOUT

review_app = typer.Typer(
    help="Record what people decided about findings; the report and later scans show it. "
    "Decisions are kept in the corpus store, with who, when and why.",
    no_args_is_help=True,
)

IdsArgument = Annotated[
    list[str],
    typer.Argument(metavar="ID", help="Finding ids as the report shows them (or 6+ first digits)."),
]
ReportOption = Annotated[
    Path, typer.Option("--report", metavar="DIR", help="The report folder the ids come from.")
]
NoteOption = Annotated[str, typer.Option(metavar="TEXT", help="Why (kept with the decision).")]
ByOption = Annotated[
    str | None, typer.Option(metavar="NAME", help="Who decides (default: your user name).")
]


def _who(by: str | None) -> str:
    if by is not None:
        if not by.strip():
            fail("--by must not be empty")
        return by.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _print(made: list[Decision], what: str) -> None:
    for d in made:
        target = d.target or d.source_path or "passage"
        out.print(one_line(f"{what} {target} (decision {d.id})"), markup=False, highlight=False)


def _decide(
    action: Action,
    ids: list[str],
    report: Path | None,
    note: str,
    by: str | None,
    corpus: Path,
    lock_timeout: float,
    what: str,
    update: bool = True,
) -> None:
    try:
        store = CorpusStore.open(corpus, lock_timeout=lock_timeout)
        folder = None if report is None else read_report(report)  # once for all that follows
        made = decide(store, folder, ids, action, note=note, by=_who(by))
        named = folder is not None and action is not Action.REOPEN
        mirrors = undecided_mirrors(folder, made) if folder is not None and named else []
    except OverlapError as exc:
        fail(str(exc))
    _print(made, what)
    for mirror, path in mirrors:
        out.print(
            one_line(
                f"note: the other student's side of this shared passage is finding {mirror.id} "
                f"of {path}; decide it too with 'overlap review {action} {mirror.id} ...'"
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if folder is None or not update:
        out.print("the next scan of these submissions shows it", markup=False, highlight=False)
        return
    try:
        refresh_report(folder, read_decisions(store))
    except OverlapError as exc:
        err.print(
            one_line(f"warning: {report} not updated: {exc}; the next scan shows the decision"),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return
    out.print(one_line(f"report updated: {report}"), markup=False, highlight=False)


UpdateOption = Annotated[
    bool,
    typer.Option(
        "--update/--no-update",
        help="Rewrite the --report folder so that it shows the decision now.",
    ),
]


@review_app.command("dismiss")
def review_dismiss(
    ids: IdsArgument,
    report: ReportOption,
    note: NoteOption,
    by: ByOption = None,
    corpus: CorpusOption = DEFAULT_CORPUS,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
    update: UpdateOption = True,
) -> None:
    """Clear findings: later scans show them dismissed, not counted (similarity, --fail-on).

    A finding keeps its id while its passage and what it matches stay the same; if the
    submission or the other text changes, the new finding is undecided.
    """
    _decide(Action.DISMISS, ids, report, note, by, corpus, lock_timeout, "dismissed", update)


@review_app.command("confirm")
def review_confirm(
    ids: IdsArgument,
    report: ReportOption,
    note: NoteOption,
    by: ByOption = None,
    corpus: CorpusOption = DEFAULT_CORPUS,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
    update: UpdateOption = True,
) -> None:
    """Uphold findings: later scans mark them confirmed, with who, when and why."""
    _decide(Action.CONFIRM, ids, report, note, by, corpus, lock_timeout, "confirmed", update)


@review_app.command("reopen")
def review_reopen(
    ids: Annotated[
        list[str],
        typer.Argument(metavar="ID", help="Finding ids, or ids of rules ('overlap review list')."),
    ],
    report: Annotated[
        Path | None,
        typer.Option("--report", metavar="DIR", help="The report the finding ids come from."),
    ] = None,
    note: Annotated[str, typer.Option(metavar="TEXT", help="Why (optional).")] = "",
    by: ByOption = None,
    corpus: CorpusOption = DEFAULT_CORPUS,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
    update: UpdateOption = True,
) -> None:
    """Take back the decision about findings (they are undecided again), or lift rules.

    The history stays: case files list every decision made.
    """
    _decide(Action.REOPEN, ids, report, note, by, corpus, lock_timeout, "reopened", update)


@review_app.command("exclude-source")
def review_exclude_source(
    source: Annotated[str, typer.Argument(metavar="PATH", help="A stored document's path or id.")],
    note: NoteOption,
    submission: Annotated[
        list[str] | None,
        typer.Option(
            metavar="SUBMISSION",
            help="Only for this submission: its id or path as --report names it; repeatable.",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", metavar="DIR", help="The report naming the --submission."),
    ] = None,
    term: Annotated[
        str | None, typer.Option(metavar="TERM", help="Only for submissions of this term.")
    ] = None,
    by: ByOption = None,
    corpus: CorpusOption = DEFAULT_CORPUS,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Never report matches against a stored source or prior post.

    For every submission, or only those given with --submission, or only submissions of
    --term. Lift the rule with 'overlap review reopen RULE_ID'.
    """
    try:
        store = CorpusStore.open(corpus, lock_timeout=lock_timeout)
        made = exclude_source(
            store,
            source,
            note=note,
            by=_who(by),
            submissions=submission or (),
            report=report,
            term=term,
        )
    except OverlapError as exc:
        fail(str(exc))
    scope = (
        "the submissions given" if submission else f"term {term}" if term else "every submission"
    )
    _print(made, f"excluded for {scope}:")


@review_app.command("allow-passage")
def review_allow_passage(
    file: Annotated[
        Path, typer.Argument(metavar="TEXT_FILE", help="A UTF-8 text file holding the passage.")
    ],
    note: NoteOption,
    by: ByOption = None,
    corpus: CorpusOption = DEFAULT_CORPUS,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Make a passage common property of the course: later scans never report it.

    Like an --exclude template (the prompt), but kept in the store for every later scan and
    job. Lift it with 'overlap review reopen RULE_ID'.
    """
    try:
        store = CorpusStore.open(corpus, lock_timeout=lock_timeout)
        made = allow_passage(store, file, note=note, by=_who(by))
    except OverlapError as exc:
        fail(str(exc))
    out.print(f"allowed the passage of {file} (rule {made.id})", markup=False, highlight=False)


@review_app.command("list")
def review_list(
    corpus: CorpusOption = DEFAULT_CORPUS,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print every decision as JSON lines.")
    ] = False,
    history: Annotated[
        bool, typer.Option("--all", help="Every decision ever made, not only those standing.")
    ] = False,
) -> None:
    """List the standing decisions and rules in force (with --all, every decision made)."""
    try:
        decisions = read_decisions(CorpusStore.open(corpus))
    except OverlapError as exc:
        fail(str(exc))
    if not history:
        decisions = Review.of(decisions).in_force()
    if json_out:
        for d in decisions:
            sys.stdout.write(json.dumps({**asdict(d), "action": str(d.action)}) + "\n")
        return
    if not decisions:
        out.print("no decisions", markup=False, highlight=False)
    for d in decisions:
        out.print(decision_line(d), markup=False, highlight=False, soft_wrap=True)
