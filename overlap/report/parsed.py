"""The findings contract read back: findings.json entries as the model's records.

The inverse of :mod:`overlap.report.contract` for what a case file shows. A value of the
wrong type or an unknown kind raises ``ValueError``, ``KeyError`` or ``TypeError``; the
caller names the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from overlap.model import (
    Evidence,
    Finding,
    FindingCitation,
    FindingDecision,
    FindingQuote,
    Kind,
    SubmissionSummary,
    Verdict,
)


def _int(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    return value


def _opt_int(value: Any, name: str) -> int | None:
    return None if value is None else _int(value, name)


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r}")
    return value


def _opt_str(value: Any, name: str) -> str | None:
    return None if value is None else _str(value, name)


def _number(value: Any, name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got {value!r}")
    return float(value)


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"{name} must be a list, got {value!r}")
    return tuple(_str(v, name) for v in value)


def quote_of(d: Mapping[str, Any] | None) -> FindingQuote | None:
    """A finding's ``quote`` object, or None."""
    if d is None:
        return None
    return FindingQuote(
        start=_int(d["start"], "quote.start"),
        end=_int(d["end"], "quote.end"),
        mark=_str(d["mark"], "quote.mark"),
        closed=bool(d["closed"]),
        bound=_opt_str(d.get("bound"), "quote.bound"),
    )


def citation_of(d: Mapping[str, Any] | None) -> FindingCitation | None:
    """A finding's ``citation`` object, or None."""
    if d is None:
        return None
    start, end = _int(d["start"], "citation.start"), _int(d["end"], "citation.end")
    return FindingCitation(
        start=start,
        end=end,
        group_start=_int(d.get("group_start", start), "citation.group_start"),
        group_end=_int(d.get("group_end", end), "citation.group_end"),
        authors=_strings(d.get("authors", []), "citation.authors"),
        et_al=bool(d.get("et_al", False)),
        year=_opt_str(d.get("year"), "citation.year"),
        locator=_opt_str(d.get("locator"), "citation.locator"),
        narrative=bool(d.get("narrative", False)),
        problems=_strings(d.get("problems", []), "citation.problems"),
    )


def decision_of(d: Mapping[str, Any]) -> FindingDecision | None:
    """A finding's standing decision from its four contract fields, or None when undecided."""
    if d.get("decision") is None:
        return None
    return FindingDecision(
        decision=Verdict(d["decision"]),
        by=_str(d.get("decided_by") or "", "decided_by"),
        at=_str(d.get("decided_at") or "", "decided_at"),
        note=_str(d.get("note") or "", "note"),
    )


def finding_of(d: Mapping[str, Any]) -> Finding:
    """One finding of findings.json.

    Raises:
        ValueError: Its ``id`` is not the id of what it records (the entry was changed).
    """
    evidence = d.get("evidence")
    semantic = d.get("semantic")
    finding = Finding(
        submission=_str(d["submission"], "submission"),
        kind=Kind(d["kind"]),
        start=_int(d["start"], "start"),
        end=_int(d["end"], "end"),
        text=_str(d["text"], "text"),
        source=_opt_str(d.get("source"), "source"),
        source_path=_opt_str(d.get("source_path"), "source_path"),
        source_start=_opt_int(d.get("source_start"), "source_start"),
        source_end=_opt_int(d.get("source_end"), "source_end"),
        words=_int(d["words"], "words"),
        tfidf=_number(d["tfidf"], "tfidf"),
        containment=_number(d["containment"], "containment"),
        quote=quote_of(d.get("quote")),
        citation=citation_of(d.get("citation")),
        evidence=None if evidence is None else Evidence(evidence),
        cluster=_opt_str(d.get("cluster"), "cluster"),
        shared_by=_opt_int(d.get("shared_by"), "shared_by"),
        semantic=None if semantic is None else _number(semantic, "semantic"),
        decision=decision_of(d),
    )
    given = d.get("id")
    if given is not None and given != finding.id:
        raise ValueError(f"finding id {given!r} is not the id of what it records ({finding.id})")
    return finding


def summary_of(d: Mapping[str, Any]) -> SubmissionSummary:
    """One submission of findings.json."""
    return SubmissionSummary(
        id=_str(d["id"], "id"),
        path=_str(d["path"], "path"),
        student=_opt_str(d.get("student"), "student"),
        words=_int(d["words"], "words"),
        similarity=_number(d["similarity"], "similarity"),
        overlap=_number(d["overlap"], "overlap"),
        flags=_strings(d.get("flags", []), "flags"),
        errors=_strings(d.get("errors", []), "errors"),
    )
