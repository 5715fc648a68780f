"""findings.csv/.parquet and submissions.csv/.parquet: one row per finding, per submission."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from overlap.model import ScanResult
from overlap.report.contract import SCHEMA
from overlap.report.files import REPORT_FILES
from overlap.report.tables import FINDINGS_SCHEMA, SUBMISSIONS_SCHEMA
from tests.hostile import SCRIPT, build_report


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScanResult]:
    return build_report(tmp_path_factory.mktemp("tables"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_report_folder_has_every_table(report: tuple[Path, ScanResult]) -> None:
    out, _ = report
    for name in (*REPORT_FILES, "index.html"):
        assert (out / name).is_file(), name


def test_findings_tables_have_one_row_per_finding(report: tuple[Path, ScanResult]) -> None:
    out, result = report
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = read_csv(out / "findings.csv")
    table = pq.read_table(out / "findings.parquet")
    assert len(rows) == table.num_rows == len(result.findings) == len(document["findings"])
    assert list(rows[0]) == table.column_names == FINDINGS_SCHEMA.names
    assert table.schema.remove_metadata() == FINDINGS_SCHEMA
    meta = table.schema.metadata
    assert meta[b"overlap.schema"] == SCHEMA.encode()
    assert json.loads(meta[b"overlap.settings"]) == result.settings
    paths = {s.id: s.path for s in result.submissions}
    for row, parquet_row, contract in zip(
        rows, table.to_pylist(), document["findings"], strict=True
    ):
        for key, value in contract.items():
            if key in ("quote", "citation"):
                assert (
                    parquet_row[key] is None
                    if value is None
                    else json.loads(parquet_row[key]) == value
                )
            else:
                assert parquet_row[key] == value, key
        assert row["submission_path"] == parquet_row["submission_path"] == paths[row["submission"]]
        assert row["text"] == contract["text"]  # newlines and payloads survive CSV quoting
    cited = [r for r in table.to_pylist() if r["citation"]]
    assert cited and all(r["cited_year"] for r in cited)
    assert any(SCRIPT in r["text"] for r in rows)


def test_submission_tables_have_one_row_per_submission(report: tuple[Path, ScanResult]) -> None:
    out, result = report
    rows = read_csv(out / "submissions.csv")
    table = pq.read_table(out / "submissions.parquet")
    assert len(rows) == table.num_rows == len(result.submissions)
    assert table.schema.remove_metadata() == SUBMISSIONS_SCHEMA
    similarity = table.column("similarity").to_pylist()
    assert similarity == sorted(similarity, reverse=True)
    per_sub = {s.id: 0 for s in result.submissions}
    for f in result.findings:
        per_sub[f.submission] += 1
    for row in table.to_pylist():
        assert row["findings"] == per_sub[row["id"]]
        assert row["findings"] == sum(row[s] for s in ("high", "medium", "low", "info"))
    flagged = {r["path"].rsplit("/", 1)[-1]: r["flags"] for r in rows if r["flags"]}
    assert flagged == {"w08.txt": "homoglyphs", "w10.txt": "invisible_characters"}
    assert all(r["submitted_at"] for r in rows)


def test_findings_tables_say_what_each_match_rests_on(report: tuple[Path, ScanResult]) -> None:
    out, result = report
    rows = read_csv(out / "findings.csv")
    parquet = pq.read_table(out / "findings.parquet").column("evidence").to_pylist()
    expected = [None if f.evidence is None else f.evidence.value for f in result.findings]
    assert parquet == expected and [r["evidence"] for r in rows] == [e or "" for e in expected]
    kinds = {r["kind"] for r in rows if not r["evidence"]}
    assert kinds == {"unmatched_quote"} and "exact" in expected
