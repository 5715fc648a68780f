"""Score a scan of a labelled attribution set (laid out like attribution-dev) against its truth."""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from overlap.errors import InputError
from overlap.indexing.add import add_to_corpus
from overlap.model import SEVERITY_OF, Role, Severity
from overlap.scanning.files import scan_paths

#: Share of a truth passage a finding must cover, or of a finding a truth passage must hold.
COVER = 0.5


@dataclass(frozen=True)
class _Span:
    submission: str
    source: str | None
    kind: str
    start: int
    end: int


def _load_truth(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read truth: {exc}") from exc


def _overlap(a: _Span, b: _Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _agrees(finding: _Span, truth: _Span) -> bool:
    """Same submission and source, and one holds at least half of the other."""
    if (finding.submission, finding.source) != (truth.submission, truth.source):
        return False
    shared = _overlap(finding, truth)
    return shared >= COVER * (truth.end - truth.start) or shared >= COVER * (
        finding.end - finding.start
    )


def _coverage(truth: _Span, findings: list[_Span]) -> float:
    covered = [False] * (truth.end - truth.start)
    for f in findings:
        for i in range(max(f.start, truth.start), min(f.end, truth.end)):
            covered[i - truth.start] = True
    return sum(covered) / max(truth.end - truth.start, 1)


def _scan(set_dir: Path) -> tuple[Any, float]:
    batch = next((set_dir / n for n in ("submissions", "week") if (set_dir / n).is_dir()), None)
    if batch is None:
        raise InputError(f"{set_dir}: not a labelled set (missing submissions)")
    for part in ("sources", "truth.jsonl"):
        if not (set_dir / part).exists():
            raise InputError(f"{set_dir}: not a labelled set (missing {part})")
    prompt = set_dir / "prompt.txt"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="overlap-eval-") as tmp:
        store = Path(tmp) / "store"
        add_to_corpus([set_dir / "sources"], Role.SOURCE, store)
        if (set_dir / "prior").is_dir():  # prior posts are optional
            add_to_corpus([set_dir / "prior"], Role.PRIOR, store)
        result = scan_paths(
            [batch],
            store,
            Path(tmp) / "report",
            excludes=[prompt] if prompt.exists() else [],
            paraphrase=None,
        )
    return result, time.perf_counter() - started


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _measured(kind: str, truths: list[_Span]) -> bool:
    """Whether the set can judge findings of ``kind``: it labels the kind, or the kind accuses.

    A set that labels no passage of an info kind (``unmatched_quote``: a quotation found in no
    source) says nothing about its findings, which accuse no one: they are listed, not scored.
    A finding of any other kind the set does not label claims a problem the set says is not
    there, so it counts as wrong.
    """
    info = {str(k) for k, severity in SEVERITY_OF.items() if severity is Severity.INFO}
    return bool(truths) or kind not in info


def evaluate_attribution(set_dir: Path) -> dict[str, Any]:
    """Add the set's sources and prior posts to a fresh store, scan its submissions, score.

    Submissions are read from ``submissions/`` (or ``week/``), with ``prompt.txt`` excluded.
    A finding is right when it has a truth passage's kind, submission and source and covers at
    least half of it or lies at least half inside it. Per kind: precision (right findings /
    findings), recall (truth passages with a right finding / truth passages), and
    ``found_any_kind`` (truth passages that findings of any kind from the right source cover
    at least half of). An info kind the truth labels no passage of is not measured
    (``measured`` false; ``right`` and ``precision`` null): its findings are counted only.
    Flags are scored as (submission, flag) pairs.
    """
    truth = _load_truth(set_dir / "truth.jsonl")
    result, seconds = _scan(set_dir)

    def rel(path: str) -> str:
        p = Path(path)
        return p.relative_to(set_dir).as_posix() if p.is_relative_to(set_dir) else path

    sub_path = {s.id: rel(s.path) for s in result.submissions}
    found = [
        _Span(
            sub_path[f.submission],
            rel(f.source_path) if f.source_path else None,
            str(f.kind),
            f.start,
            f.end,
        )
        for f in result.findings
    ]
    severity = {id(s): f.severity for s, f in zip(found, result.findings, strict=True)}
    truths = [
        _Span(t["submission"], t.get("source"), t["kind"], t["start"], t["end"])
        for t in truth
        if "flag" not in t
    ]
    kinds: dict[str, dict[str, Any]] = {}
    for kind in sorted({t.kind for t in truths} | {f.kind for f in found}):
        ts = [t for t in truths if t.kind == kind]
        fs = [f for f in found if f.kind == kind]
        measured = _measured(kind, ts)
        right = [f for f in fs if any(_agrees(f, t) for t in ts)]
        hit = [t for t in ts if any(_agrees(f, t) for f in fs)]
        any_kind = [
            t
            for t in ts
            if _coverage(
                t, [f for f in found if (f.submission, f.source) == (t.submission, t.source)]
            )
            >= COVER
        ]
        kinds[kind] = {
            "truth": len(ts),
            "findings": len(fs),
            "measured": measured,
            "right": len(right) if measured else None,
            "found": len(hit),
            "precision": _ratio(len(right), len(fs)) if measured else None,
            "recall": _ratio(len(hit), len(ts)),
            "found_any_kind": len(any_kind),
        }
    flags_truth = {(t["submission"], t["flag"]) for t in truth if "flag" in t}
    flagged = {(rel(s.path), fl) for s in result.submissions for fl in s.flags}
    labelled = {t["submission"] for t in truth}
    clean = sorted(p for p in sub_path.values() if p not in labelled)
    unexplained = [
        f for f in found if not any(_overlap(f, t) for t in truths if t.submission == f.submission)
    ]
    return {
        "set": str(set_dir),
        "seconds": round(seconds, 2),
        "submissions": len(result.submissions),
        "findings": len(found),
        "kinds": kinds,
        "flags": {
            fl: {
                "truth": sum(1 for _, k in flags_truth if k == fl),
                "flagged": sum(1 for _, k in flagged if k == fl),
                "right": sum(1 for _, k in flags_truth & flagged if k == fl),
            }
            for fl in sorted({k for _, k in flags_truth | flagged})
        },
        "clean_submissions": clean,
        "clean_findings": sum(
            1 for f in found if f.submission in clean and severity[id(f)] is not Severity.INFO
        ),
        "misses": [
            vars(t) for t in truths if not any(_agrees(f, t) for f in found if f.kind == t.kind)
        ],
        "unexplained": [vars(f) for f in unexplained],
    }


def format_attribution(figures: dict[str, Any]) -> str:
    """Human-readable table of :func:`evaluate_attribution` figures."""

    def show(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    lines = [
        f"{'kind':<24}{'truth':>6}{'found':>7}{'findings':>9}{'right':>6}"
        f"{'precision':>10}{'recall':>8}{'any kind':>9}"
    ]
    unmeasured = []
    for kind, r in figures["kinds"].items():
        right, precision = str(r["right"]), show(r["precision"])
        if not r["measured"]:
            right, precision = "-", "n/a"
            unmeasured.append(f"{kind} ({r['findings']} findings)")
        lines.append(
            f"{kind:<24}{r['truth']:>6}{r['found']:>7}{r['findings']:>9}{right:>6}"
            f"{precision:>10}{show(r['recall']):>8}{r['found_any_kind']:>9}"
        )
    if unmeasured:
        lines.append(
            "n/a: not measured, an info kind the truth labels no passage of: "
            + ", ".join(unmeasured)
        )
    for flag, r in figures["flags"].items():
        lines.append(
            f"flag {flag}: {r['right']} right of {r['flagged']} flagged, {r['truth']} true"
        )
    lines.append(
        f"clean submissions: {len(figures['clean_submissions'])}, "
        f"findings in them (not info): {figures['clean_findings']}"
    )
    lines.append(
        f"findings: {figures['findings']}, overlapping no truth passage: "
        f"{len(figures['unexplained'])}; index+scan time: {figures['seconds']} s"
    )
    for m in figures["misses"]:
        lines.append(
            f"missed: {m['kind']} {m['submission']} [{m['start']},{m['end']}) <- {m['source']}"
        )
    for u in figures["unexplained"]:
        lines.append(
            f"unexplained: {u['kind']} {u['submission']} [{u['start']},{u['end']}) <- {u['source']}"
        )
    return "\n".join(lines)
