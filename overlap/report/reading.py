"""Read back what a report folder holds: its findings document, for commands that act on it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from overlap.errors import InputError
from overlap.report.contract import SCHEMA
from overlap.report.texts import INDEX_NAME, TEXTS_FOLDER

#: The shortest prefix of a finding id a command accepts.
MIN_PREFIX = 6
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True)
class ReportFindings:
    """The findings document of a report folder, indexed.

    Attributes:
        folder: The report folder.
        findings: Each finding (contract form) by id.
        submissions: Each submission summary (contract form) by id.
        documents: ``texts/index.json`` entries by document id (empty if there is none).
    """

    folder: Path
    findings: dict[str, dict[str, Any]]
    submissions: dict[str, dict[str, Any]]
    documents: dict[str, dict[str, Any]]

    def finding(self, given: str) -> dict[str, Any]:
        """The finding with this id, or the one whose id starts with it (6 digits or more).

        Raises:
            InputError: No finding has it, or several do.
        """
        key = given.strip().lower()
        if key in self.findings:
            return self.findings[key]
        where = self.folder / "findings.json"
        if len(key) < MIN_PREFIX or not _HEX.fullmatch(key):
            raise InputError(
                f"no finding {given!r} in {where} (an id is 16 hexadecimal digits, or the first "
                f"{MIN_PREFIX} or more of them)"
            )
        hits = [f for i, f in self.findings.items() if i.startswith(key)]
        if not hits:
            raise InputError(f"no finding {given!r} in {where}")
        if len(hits) > 1:
            raise InputError(
                f"{given!r} starts {len(hits)} finding ids in {where}: give more digits"
            )
        return hits[0]

    def mirror(self, finding: dict[str, Any]) -> dict[str, Any] | None:
        """The same shared passage as the other submission's finding, if it is in the report.

        A passage two submissions share is a finding in each; a decision is about one.
        """
        other = finding.get("source")
        if other not in self.submissions:
            return None
        for f in self.findings.values():
            if (
                f["submission"] == other
                and f.get("source") == finding["submission"]
                and (f["start"], f["end"]) == (finding["source_start"], finding["source_end"])
                and (f["source_start"], f["source_end"]) == (finding["start"], finding["end"])
            ):
                return f
        return None


def _load(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: missing; give the folder a scan wrote its report to") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read {what}: {exc}") from exc


def read_report(folder: Path) -> ReportFindings:
    """Read ``folder/findings.json`` (and ``texts/index.json`` when there is one).

    Raises:
        InputError: The folder is missing or holds no readable findings document.
    """
    if not folder.is_dir():
        raise InputError(f"--report {folder}: no such folder (give the folder a scan wrote)")
    doc = _load(folder / "findings.json", "the findings document")
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(f"{folder / 'findings.json'}: not an overlap findings document ({SCHEMA})")
    try:
        findings = {str(f["id"]): f for f in doc["findings"]}
        submissions = {str(s["id"]): s for s in doc["submissions"]}
    except (KeyError, TypeError) as exc:
        raise InputError(f"{folder / 'findings.json'}: damaged: no {exc}") from exc
    index = folder / TEXTS_FOLDER / INDEX_NAME
    documents: dict[str, dict[str, Any]] = {}
    if index.is_file():
        texts = _load(index, "the index of texts")
        if isinstance(texts, dict) and isinstance(texts.get("documents"), dict):
            documents = texts["documents"]
    return ReportFindings(folder, findings, submissions, documents)
