"""The ``overlap eval`` commands: attribution and PAN text alignment."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from overlap.cli.common import (
    err,
    fail,
    out,
    progress_bar,
)
from overlap.errors import OverlapError
from overlap.eval.attribution import evaluate_attribution, format_attribution
from overlap.eval.pan import evaluate_pan, format_pan

eval_app = typer.Typer(help="Measure the checker against labelled data.", no_args_is_help=True)


@eval_app.command("attribution")
def eval_attribution(
    set_dir: Annotated[Path, typer.Argument(help="A labelled set laid out like attribution-dev.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Scan a labelled set (sources, prior, submissions, prompt.txt, truth.jsonl); print recall."""
    try:
        figures = evaluate_attribution(set_dir)
    except OverlapError as exc:
        fail(str(exc))
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
        with progress_bar(not json_out and err.is_terminal) as progress:
            report = evaluate_pan(
                corpus_dir, out_dir, subsets=subset or [], workers=workers, progress=progress
            )
    except OverlapError as exc:
        fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(asdict(report), indent=2) + "\n")
    else:
        out.print(format_pan(report), markup=False, highlight=False, soft_wrap=True)
