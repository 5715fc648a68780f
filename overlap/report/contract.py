"""The findings contract: a scan result as a JSON-ready dictionary, and the contract's schema.

The contract is described field by field in ``findings.schema.json`` (JSON Schema, draft
2020-12) next to this module, shipped with the package; ``CHANGELOG.md`` at the root of the
repository lists its changes.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from overlap.model import (
    Finding,
    FindingCitation,
    FindingDecision,
    FindingQuote,
    ScanResult,
    SubmissionSummary,
)

SCHEMA = "overlap.findings/1"
#: The contract's JSON Schema, a data file of this package.
SCHEMA_FILE = "findings.schema.json"


def findings_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the findings document, as shipped with the package.

    Its descriptions document every field: what each kind and severity means, which fields a
    kind gives, how offsets, shares and scores are defined.
    """
    text = resources.files("overlap.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def quote_dict(quote: FindingQuote | None) -> dict[str, Any] | None:
    """A finding's quote in contract form."""
    if quote is None:
        return None
    return {
        "start": quote.start,
        "end": quote.end,
        "mark": quote.mark,
        "closed": quote.closed,
        "bound": quote.bound,
    }


def citation_dict(citation: FindingCitation | None) -> dict[str, Any] | None:
    """A finding's citation in contract form."""
    if citation is None:
        return None
    return {
        "start": citation.start,
        "end": citation.end,
        "group_start": citation.group_start,
        "group_end": citation.group_end,
        "authors": list(citation.authors),
        "et_al": citation.et_al,
        "year": citation.year,
        "locator": citation.locator,
        "narrative": citation.narrative,
        "problems": list(citation.problems),
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    """One finding in contract form."""
    return {
        "id": f.id,
        "submission": f.submission,
        "kind": str(f.kind),
        "severity": str(f.severity),
        "start": f.start,
        "end": f.end,
        "text": f.text,
        "source": f.source,
        "source_path": f.source_path,
        "source_start": f.source_start,
        "source_end": f.source_end,
        "words": f.words,
        "tfidf": f.tfidf,
        "containment": f.containment,
        "quote": quote_dict(f.quote),
        "citation": citation_dict(f.citation),
        "evidence": None if f.evidence is None else str(f.evidence),
        "cluster": f.cluster,
        "shared_by": f.shared_by,
        "semantic": f.semantic,
        **decision_dict(f.decision),
    }


def decision_dict(decision: FindingDecision | None) -> dict[str, Any]:
    """A finding's standing decision as the contract's four fields (all null when none)."""
    if decision is None:
        return {"decision": None, "decided_by": None, "decided_at": None, "note": None}
    return {
        "decision": str(decision.decision),
        "decided_by": decision.by,
        "decided_at": decision.at,
        "note": decision.note,
    }


def submission_dict(s: SubmissionSummary) -> dict[str, Any]:
    """One submission summary in contract form."""
    return {
        "id": s.id,
        "path": s.path,
        "student": s.student,
        "words": s.words,
        "similarity": s.similarity,
        "overlap": s.overlap,
        "flags": list(s.flags),
        "errors": list(s.errors),
    }


def result_dict(result: ScanResult) -> dict[str, Any]:
    """The whole findings document."""
    return {
        "schema": SCHEMA,
        "settings": result.settings,
        "generated_at": result.generated_at,
        "submissions": [submission_dict(s) for s in result.submissions],
        "errors": [{"path": e.path, "error": e.error} for e in result.errors],
        "findings": [finding_dict(f) for f in result.findings],
    }
