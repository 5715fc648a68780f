"""Findings and submissions as flat tables: rows for CSV, Arrow tables for Parquet.

One row per finding (the contract's fields, the submission's path and student, the parsed
quote and citation as JSON strings plus their most used parts as plain columns) and one row
per submission (the contract's fields, ``submitted_at`` and counts per severity). Both end with
the names the report gives submissions (:mod:`overlap.report.names`), as the HTML pages and
the terminal show them.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

import pyarrow as pa

from overlap.model import ScanResult, Severity
from overlap.report.contract import SCHEMA, finding_dict, submission_dict
from overlap.report.names import submission_names

FINDINGS_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("submission", pa.string()),
        ("submission_path", pa.string()),
        ("student", pa.string()),
        ("kind", pa.string()),
        ("severity", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("words", pa.int64()),
        ("tfidf", pa.float64()),
        ("containment", pa.float64()),
        ("source", pa.string()),
        ("source_path", pa.string()),
        ("source_start", pa.int64()),
        ("source_end", pa.int64()),
        ("text", pa.string()),
        ("quote", pa.string()),
        ("citation", pa.string()),
        ("cited_authors", pa.string()),
        ("cited_year", pa.string()),
        ("evidence", pa.string()),
        ("cluster", pa.string()),
        ("shared_by", pa.int64()),
        ("semantic", pa.float64()),
        ("decision", pa.string()),
        ("decided_by", pa.string()),
        ("decided_at", pa.string()),
        ("note", pa.string()),
        ("submission_name", pa.string()),
        ("source_name", pa.string()),
    ]
)

SUBMISSIONS_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("path", pa.string()),
        ("student", pa.string()),
        ("submitted_at", pa.string()),
        ("words", pa.int64()),
        ("similarity", pa.float64()),
        ("overlap", pa.float64()),
        ("findings", pa.int64()),
        ("high", pa.int64()),
        ("medium", pa.int64()),
        ("low", pa.int64()),
        ("info", pa.int64()),
        ("flags", pa.string()),
        ("errors", pa.string()),
        ("name", pa.string()),
    ]
)

#: Lists (flags, errors, cited authors) become one cell, items separated by this.
LIST_SEPARATOR = "; "


def _json_or_none(value: dict[str, object] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def finding_rows(result: ScanResult) -> list[dict[str, Any]]:
    """One row per finding in the column order of :data:`FINDINGS_SCHEMA`.

    Args:
        result: A scan result.

    Returns:
        Rows whose ``quote`` and ``citation`` are JSON strings (or None), with
        ``cited_authors`` (surnames joined by ``"; "``) and ``cited_year`` taken from the
        citation, then the submission's name and, for a passage shared with another
        submission of the batch, that one's name (``source_name``; null otherwise).
    """
    subs = {s.id: s for s in result.submissions}
    names = submission_names(result.submissions)
    rows = []
    for f in result.findings:
        row = finding_dict(f)
        summary = subs.get(f.submission)
        row.update(
            submission_path=summary.path if summary else None,
            student=summary.student if summary else None,
            quote=_json_or_none(row["quote"]),
            citation=_json_or_none(row["citation"]),
            cited_authors=LIST_SEPARATOR.join(f.citation.authors) if f.citation else None,
            cited_year=f.citation.year if f.citation else None,
            submission_name=names.get(f.submission),
            source_name=names.get(f.source) if f.source else None,
        )
        rows.append({name: row[name] for name in FINDINGS_SCHEMA.names})
    return rows


def submission_rows(result: ScanResult) -> list[dict[str, Any]]:
    """One row per submission, most similar first, in the order of :data:`SUBMISSIONS_SCHEMA`.

    Args:
        result: A scan result.

    Returns:
        Rows with the contract's fields, ``submitted_at`` from the document's metadata, the
        number of findings in all and per severity, flags and errors joined by ``"; "``, and
        the submission's name.
    """
    counts: dict[str, Counter[str]] = {}
    for f in result.findings:
        counts.setdefault(f.submission, Counter())[str(f.severity)] += 1
    names = submission_names(result.submissions)
    rows = []
    ordered = sorted(result.submissions, key=lambda s: (-s.similarity, -s.overlap, s.path))
    for s in ordered:
        row = submission_dict(s)
        doc = result.documents.get(s.id)
        per = counts.get(s.id, Counter())
        row.update(
            submitted_at=doc.submitted_at if doc else None,
            findings=sum(per.values()),
            flags=LIST_SEPARATOR.join(s.flags),
            errors=LIST_SEPARATOR.join(s.errors),
            name=names[s.id],
            **{str(sev): per[str(sev)] for sev in Severity},
        )
        rows.append({name: row[name] for name in SUBMISSIONS_SCHEMA.names})
    return rows


def rows_csv(rows: list[dict[str, Any]], schema: pa.Schema) -> str:
    """Rows as CSV text with a header; None becomes an empty cell."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=schema.names)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def rows_arrow(rows: list[dict[str, Any]], schema: pa.Schema, result: ScanResult) -> pa.Table:
    """Rows as an Arrow table whose metadata records the contract schema and the settings."""
    meta = {
        b"overlap.schema": SCHEMA.encode(),
        b"overlap.settings": json.dumps(result.settings, sort_keys=True).encode(),
        b"overlap.generated_at": result.generated_at.encode(),
    }
    return pa.Table.from_pylist(rows, schema=schema.with_metadata(meta))
