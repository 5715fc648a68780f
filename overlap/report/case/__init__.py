"""Case files: one submission of a report as a self-contained, printable HTML page."""

from __future__ import annotations

from overlap.report.case.history import HistorySource, read_history
from overlap.report.case.page import case_file
from overlap.report.case.writing import check_case_out, write_case_file

__all__ = ["HistorySource", "case_file", "check_case_out", "read_history", "write_case_file"]
