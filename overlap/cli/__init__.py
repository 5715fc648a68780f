"""Command line: parses arguments, calls one library function, prints."""

from __future__ import annotations

from typing import Annotated

import typer

from overlap.cli.case import case
from overlap.cli.corpus import corpus_app
from overlap.cli.evaluate import eval_app
from overlap.cli.review import review_app
from overlap.cli.scan import run, scan
from overlap.cli.usage import Group, print_version, use_plain_commands

app = typer.Typer(
    cls=Group,
    help="Find passages that submissions share with sources, prior posts and each other, "
    "and say how each is attributed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: paragraphs rewrapped to the terminal
)


@app.callback()
def options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options of ``overlap`` itself, before the command."""


app.command()(scan)
app.command("run")(run)
app.command("case")(case)
app.add_typer(corpus_app, name="corpus")
app.add_typer(eval_app, name="eval")
app.add_typer(review_app, name="review")
use_plain_commands(app)
