"""Write a scan's report tables: findings.json, CSV and Parquet tables, atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq

from overlap.errors import OverlapError
from overlap.model import ScanResult
from overlap.report.contract import result_dict
from overlap.report.tables import (
    FINDINGS_SCHEMA,
    SUBMISSIONS_SCHEMA,
    finding_rows,
    rows_arrow,
    rows_csv,
    submission_rows,
)

#: The files :func:`write_report` writes, in order.
REPORT_FILES = (
    "findings.json",
    "findings.csv",
    "findings.parquet",
    "submissions.csv",
    "submissions.parquet",
)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 next to ``path`` and move it into place in one step."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_new(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` directly: for a folder no one reads until it is whole.

    A report is written into a fresh folder that replaces the old one whole
    (:mod:`overlap.report.swap`); there, moving each file into place would only double the
    folder's updates, which its writers take turns on.
    """
    path.write_text(text, encoding="utf-8", newline="")


def write_report(result: ScanResult, out: Path) -> list[Path]:
    """Write the findings document and the tables of a scan into ``out``.

    Args:
        result: A scan result.
        out: The report folder; created if missing.

    Returns:
        The paths written: ``findings.json`` (the contract), ``findings.csv`` and
        ``findings.parquet`` (one row per finding), ``submissions.csv`` and
        ``submissions.parquet`` (one row per submission).

    Raises:
        OverlapError: The folder or a file cannot be written.
    """
    paths = [out / name for name in REPORT_FILES]
    findings, submissions = finding_rows(result), submission_rows(result)
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(paths[0], json.dumps(result_dict(result), indent=2, ensure_ascii=False))
        write_atomic(paths[1], rows_csv(findings, FINDINGS_SCHEMA))
        write_atomic(paths[3], rows_csv(submissions, SUBMISSIONS_SCHEMA))
        for path, rows, schema in (
            (paths[2], findings, FINDINGS_SCHEMA),
            (paths[4], submissions, SUBMISSIONS_SCHEMA),
        ):
            tmp = path.with_name(f".{path.name}.tmp")
            with tmp.open("wb") as fh:  # a file, not a name: pyarrow takes names as UTF-8 only
                pq.write_table(rows_arrow(rows, schema, result), fh)
            os.replace(tmp, path)
    except OSError as exc:
        raise OverlapError(f"cannot write report to {out}: {exc}") from exc
    return paths
