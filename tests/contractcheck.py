"""Whether findings documents keep the contract: valid against the schema the package ships."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from overlap.report.contract import findings_schema

FINDINGS_NAME = "findings.json"


@cache
def validator() -> Draft202012Validator:
    """A validator of the package's findings schema (itself checked against draft 2020-12)."""
    schema = findings_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def contract_errors(document: object) -> list[str]:
    """Every way ``document`` breaks the contract, one line each; empty when it keeps it."""
    errors = sorted(validator().iter_errors(document), key=lambda e: e.json_path)
    return [f"{e.json_path}: {e.message}" for e in errors]


def check_findings(document: object, where: str) -> None:
    """AssertionError naming ``where`` and what is wrong if ``document`` breaks the contract."""
    errors = contract_errors(document)
    assert not errors, f"{where} breaks overlap.findings/1:\n" + "\n".join(errors[:20])


def findings_files(root: Path) -> list[Path]:
    """Every findings.json under ``root``, hidden folders included."""
    return [
        Path(folder) / FINDINGS_NAME for folder, _, files in os.walk(root) if FINDINGS_NAME in files
    ]


def check_findings_files(root: Path) -> None:
    """AssertionError if a findings.json under ``root`` is not JSON or breaks the contract."""
    for path in findings_files(root):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AssertionError(f"{path} is not a JSON document: {exc}") from exc
        check_findings(document, str(path))
