"""Shared pieces of the command line: consoles, option types, errors, progress bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
