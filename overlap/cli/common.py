"""Shared pieces of the command line: consoles, option types, errors, progress bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

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

err = Console(stderr=True)
# Reports piped to a file or a cron mail get room for their columns.
out = Console() if Console().is_terminal else Console(width=120)
DEFAULT_CORPUS = Path("corpus/store")
LOCK_HELP = "Seconds to wait for another writer of the store before giving up."
#: ``--corpus``, as every command that reads or writes a store takes it.
CorpusOption = Annotated[Path, typer.Option(metavar="DIR", help="Corpus store folder.")]
#: ``--lock-timeout``, as every command that writes a store takes it.
LockTimeoutOption = Annotated[float, typer.Option(min=0, metavar="SECONDS", help=LOCK_HELP)]
# Shared by scan and run, which adds the job file's key; hence no full stop.
FAIL_ON_HELP = (
    "Exit with status 1 if a finding is at or above this severity: never, info, low, medium or high"
)
PSEUDONYMIZE_HELP = "Name students in the report by stable pseudonyms, e.g. student-3f9a1c0b"
_T = TypeVar("_T")


class EngineName(StrEnum):
    """Where heavy commands run: this machine or a Dask cluster."""

    local = "local"
    dask = "dask"


SCHEDULER_NEEDS_DASK = "only --engine dask uses a scheduler"


def typed(ctx: typer.Context, name: str) -> bool:
    """Whether the option ``name`` was typed on the command line (not a default or variable)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _scheduler_needs_dask(ctx: typer.Context, param: typer.CallbackParam, value: _T) -> _T:
    """Refuse a typed ``--scheduler`` with ``--engine local``: it would be ignored.

    Click calls the options' callbacks in command-line order, so whichever of the two comes
    second sees both values. A scheduler from DASK_SCHEDULER_ADDRESS is left alone: the
    variable may be set for the dask runs of a machine that also runs local ones.
    """
    values = {**ctx.params, param.name: value}
    local = values.get("engine") is EngineName.local
    if local and values.get("scheduler") is not None and typed(ctx, "scheduler"):
        raise typer.BadParameter(SCHEDULER_NEEDS_DASK, param_hint="'--scheduler'")
    return value


EngineOption = Annotated[
    EngineName,
    typer.Option(
        metavar="NAME",
        callback=_scheduler_needs_dask,
        help="local: this machine (a process per core); dask: a Dask cluster "
        "(--scheduler, or a local cluster started for the run). Same results either way.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        envvar="DASK_SCHEDULER_ADDRESS",
        metavar="ADDRESS",
        callback=_scheduler_needs_dask,
        help="With --engine dask: the scheduler to use, e.g. tcp://head:8786.",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        metavar="N",
        help="Local processes, or workers of a local Dask cluster; all cores by default.",
    ),
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


def fail(message: str) -> NoReturn:
    """Print a one-line ``error: ...`` and exit with status 2."""
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar fed by the library's ``progress(stage, done, total)`` callbacks."""
    if not enabled:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update
