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
from overlap.engine.choice import EngineSpec
from overlap.errors import OverlapError
from overlap.eval.attribution import evaluate_attribution, format_attribution
from overlap.eval.pan import format_pan
from overlap.eval.pan_pairs import evaluate_given_pairs
from overlap.eval.pan_scan import evaluate_scan

eval_app = typer.Typer(help="Measure the checker against labelled data.", no_args_is_help=True)


@eval_app.command("attribution")
def eval_attribution(
    set_dir: Annotated[
        Path,
        typer.Argument(metavar="DIR", help="A labelled set laid out like attribution-dev."),
    ],
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Precision and recall per finding kind on a labelled set.

    Scans the set as users would. DIR holds sources/, prior/, submissions/, prompt.txt and
    truth.jsonl.
    """
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
    corpus_dir: Annotated[
        Path, typer.Argument(metavar="CORPUS", help="A PAN text-alignment corpus folder.")
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", metavar="OUT", help="Folder for the store, the scan report and the XMLs."
        ),
    ],
    subset: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME", help="Subset folder to score; repeatable; all by default."),
    ] = None,
    pairs_given: Annotated[
        bool,
        typer.Option(
            "--pairs-given",
            help="Research only: align each listed pair directly. Skips the index, so it is "
            "not what scan does and finds no unlisted pair.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, metavar="N", help="Worker processes; the available cores by default."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Score the checker on a PAN corpus; print plagdet per subset.

    The corpus goes through the checker as users run it. CORPUS/src goes into a fresh store
    OUT/store (as 'overlap corpus add' adds it; OUT/store must not exist), then the
    suspicious documents the subsets' pairs files name are scanned in one 'overlap scan'
    (report in OUT/scan). Findings against a PAN source become detections, written as PAN
    XML to OUT/SUBSET/; detections of pairs no selected subset lists go to
    OUT/unlisted-pairs/ and count as false positives in the pooled 'entire' row. 'found' is
    pairs with a detection, 'cand.rec' the share of pairs with a case that the index
    proposed.
    """
    try:
        with progress_bar(not json_out and err.is_terminal) as progress:
            if pairs_given:
                report = evaluate_given_pairs(
                    corpus_dir, out_dir, subsets=subset or [], workers=workers, progress=progress
                )
            else:
                report = evaluate_scan(
                    corpus_dir,
                    out_dir,
                    subsets=subset or [],
                    progress=progress,
                    engine=EngineSpec("local", None, workers),
                )
    except OverlapError as exc:
        fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(asdict(report), indent=2) + "\n")
    else:
        out.print(format_pan(report), markup=False, highlight=False, soft_wrap=True)
