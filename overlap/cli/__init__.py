"""Command line: parses arguments, calls one library function, prints."""

from __future__ import annotations

import typer

from overlap.cli.corpus import corpus_app
from overlap.cli.evaluate import eval_app
from overlap.cli.interrupts import interrupts_reported
from overlap.cli.scan import run, scan

app = typer.Typer(
    help="Find passages that submissions share with sources, prior posts and each other, "
    "and say how each is attributed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(scan)
app.command("run")(run)
app.add_typer(corpus_app, name="corpus")
app.add_typer(eval_app, name="eval")


def main() -> None:
    """Run the command line; usage errors exit with status 2, Ctrl-C 130, SIGTERM 143."""
    with interrupts_reported():
        app()
