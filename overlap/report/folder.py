"""A scan's whole report folder: tables, extracted texts and HTML pages, the same for every job."""

from __future__ import annotations

from pathlib import Path

from overlap.model import ScanResult
from overlap.report.files import write_report
from overlap.report.html import write_html
from overlap.report.texts import write_texts


def write_report_folder(result: ScanResult, out: Path) -> None:
    """Write findings/submissions tables, the submissions' texts and the HTML report to ``out``.

    The texts are taken from ``result.documents``, so a pseudonymised result writes
    pseudonymised names everywhere.
    """
    write_report(result, out)
    write_texts([result.documents[s.id] for s in result.submissions], out)
    write_html(result, out)
