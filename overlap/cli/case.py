"""The ``overlap case`` command: one submission's case file, a printable HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from overlap.cli.common import DEFAULT_CORPUS, fail, out
from overlap.errors import OverlapError
from overlap.report.case import case_file, check_case_out, read_history, write_case_file


def case(
    submission: Annotated[
        str,
        typer.Argument(
            metavar="SUBMISSION",
            help="The submission: its id, the first 6 or more digits of its id, or its path "
            "as findings.json names it.",
        ),
    ],
    report: Annotated[
        Path,
        typer.Option(metavar="DIR", help="The report folder (written by overlap scan --out DIR)."),
    ],
    out_file: Annotated[
        Path,
        typer.Option(
            "--out", metavar="FILE", help="The HTML file to write, outside the report folder."
        ),
    ],
    corpus: Annotated[
        Path,
        typer.Option(
            metavar="DIR",
            help="Corpus store whose review decisions make each finding's history; without "
            "a store there, the case file has no history and says so.",
        ),
    ] = DEFAULT_CORPUS,
) -> None:
    """Write one submission's case file: a self-contained HTML page to keep or print.

    The page holds the submission, when the scan ran with which settings and which corpus
    store state, its whole text with every finding marked, one section per finding (the
    passage beside the other document's, scores, quotation and citation, the standing
    decision and every recorded decision), and the SHA-256 of every text compared. Printed
    (or saved as PDF from a browser), each finding starts a new page.
    """
    try:
        check_case_out(out_file, report)
        decisions, source = read_history(corpus)
        page = case_file(report, submission, decisions=decisions, source=source)
        write_case_file(out_file, page)
    except OverlapError as exc:
        fail(str(exc))
    out.print(f"case file written to {out_file}", markup=False, highlight=False, soft_wrap=True)
