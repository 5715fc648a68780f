"""Write a scan's report folder: findings.json and findings.csv, atomically."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from overlap.errors import OverlapError
from overlap.model import ScanResult
from overlap.report.contract import finding_dict, result_dict

CSV_FIELDS = [
    "submission", "submission_path", "student", "kind", "severity", "start", "end", "words",
    "tfidf", "containment", "source", "source_path", "source_start", "source_end", "text",
]  # fmt: skip


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)


def findings_csv(result: ScanResult) -> str:
    """One row per finding, with the submission's path and student alongside."""
    subs = {s.id: s for s in result.submissions}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for f in result.findings:
        row = finding_dict(f)
        row["submission_path"] = subs[f.submission].path
        row["student"] = subs[f.submission].student or ""
        writer.writerow(row)
    return buf.getvalue()


def write_report(result: ScanResult, out: Path) -> list[Path]:
    """Write ``findings.json`` and ``findings.csv`` into ``out``; return the paths written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / "findings.json", out / "findings.csv"]
        _write_atomic(paths[0], json.dumps(result_dict(result), indent=2, ensure_ascii=False))
        _write_atomic(paths[1], findings_csv(result))
    except OSError as exc:
        raise OverlapError(f"cannot write report to {out}: {exc}") from exc
    return paths
