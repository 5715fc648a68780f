"""Where a case file may be written, and writing it in one step."""

from __future__ import annotations

from pathlib import Path

from overlap.errors import InputError, OverlapError
from overlap.report.files import write_atomic


def check_case_out(out: Path, report: Path) -> None:
    """Check, before any reading, that a case file may be written to ``out``.

    Raises:
        InputError: ``out`` is a folder, or lies inside the report folder (which the next
            scan into it replaces whole).
    """
    if out.is_dir():
        raise InputError(
            f"--out {out} is a folder: give the case file's name, e.g. {out}/case.html"
        )
    if out.resolve().is_relative_to(report.resolve()):
        raise InputError(
            f"--out {out} is inside the report folder {report}, which the next scan replaces "
            "whole: write the case file elsewhere"
        )


def write_case_file(out: Path, page: str) -> Path:
    """Write a case file to ``out`` atomically (its folder made if missing).

    Raises:
        OverlapError: It cannot be written.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, page)
    except OSError as exc:
        raise OverlapError(f"cannot write the case file {out}: {exc}") from exc
    return out
