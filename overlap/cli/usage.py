"""How the command line presents itself: usage lines, help pages, one-line usage errors.

Typer's own rendering boxes errors in several lines and names arguments ``{paths}...``; here
a usage error is one ``error: ...`` line on stderr (and a hint to ``--help``) with exit
status 2, like every other error of the command line, and help pages are click's plain text,
rewrapped to the terminal, with arguments named ``PATH...``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from overlap.cli.common import err

#: Exit status of a usage error, as for every user mistake (1 means findings).
USAGE_STATUS = 2


def argument_name(argument: TyperArgument) -> str:
    """An argument as a usage line names it: ``PATH...``, ``JOB``, ``[FILE]``."""
    name = argument.metavar or (argument.name or "").upper()
    if argument.nargs != 1:
        name += "..."
    return name if argument.required else f"[{name}]"


def package_version() -> str:
    """The installed ``overlap`` package's version, from its metadata."""
    try:
        return version("overlap")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


class Command(TyperCommand):
    """A command whose usage line and help name arguments by their metavar (``PATH...``)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS] PATH...`` rather than Typer's ``[OPTIONS] {paths}...``."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(argument_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments and options as two definition lists; an argument's type is its name."""
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                arguments.append((argument_name(param), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _usage_error(exc: typer.TyperException) -> NoReturn:
    """Print a usage error as ``error: ...`` and a hint, and exit with status 2."""
    message = exc.format_message().replace("Value error, ", "").strip().rstrip(".")
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        err.print(f"see '{ctx.command_path} --help'", markup=False, highlight=False, soft_wrap=True)
    sys.exit(USAGE_STATUS)


class Group(TyperGroup):
    """The top command group: turns Typer's usage errors into one line (see the module)."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; exit with its status, 2 and one line for a usage error."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except typer.TyperException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help page
                sys.stdout.write(exc.format_message() + "\n")
                sys.exit(USAGE_STATUS)
            _usage_error(exc)
        except typer.Abort:
            err.print("error: aborted", highlight=False)
            sys.exit(USAGE_STATUS)
        sys.exit(status if isinstance(status, int) else 0)


def use_plain_commands(app: typer.Typer) -> None:
    """Make ``app``'s commands, and those of its sub-apps, :class:`Command` s.

    ``Typer.command`` fills in its default class at once, so this runs on the registered
    commands rather than through a default of the app.
    """
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = Command
    for group in app.registered_groups:
        if group.typer_instance is not None:
            use_plain_commands(group.typer_instance)


def print_version(value: bool) -> None:
    """``--version``: print ``overlap VERSION`` and exit."""
    if value:
        sys.stdout.write(f"overlap {package_version()}\n")
        raise typer.Exit()
