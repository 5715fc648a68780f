"""Score a scan of a labelled attribution set (laid out like attribution-dev) against its truth."""

from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from overlap.errors import InputError
from overlap.jobs.run import add_to_corpus, scan_paths
from overlap.model import Finding, Role, Severity

#: A truth passage is found when findings from its source cover at least this share of it.
COVER = 0.5


def _load_truth(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read truth: {exc}") from exc


def _coverage(start: int, end: int, findings: list[Finding]) -> float:
    covered = [False] * (end - start)
    for f in findings:
        for i in range(max(f.start, start), min(f.end, end)):
            covered[i - start] = True
    return sum(covered) / max(end - start, 1)


def evaluate_attribution(set_dir: Path) -> dict[str, Any]:
    """Add the set's sources and prior posts to a fresh store, scan its submissions, score.

    Submissions are read from ``submissions/`` (or ``week/``). Returns per truth kind: truth
    count, found (findings from the right source cover >= 50%, any kind) and found with the
    right kind; the flags recovered; findings in clean posts; findings overlapping no truth.
    """
    batch = next((set_dir / n for n in ("submissions", "week") if (set_dir / n).is_dir()), None)
    for part in ("sources", "prior", "truth.jsonl"):
        if not (set_dir / part).exists() or batch is None:
            missing = part if batch else "submissions"
            raise InputError(f"{set_dir}: not a labelled set (missing {missing})")
    truth = _load_truth(set_dir / "truth.jsonl")
    prompt = set_dir / "prompt.txt"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="overlap-eval-") as tmp:
        store = Path(tmp) / "store"
        add_to_corpus([set_dir / "sources"], Role.SOURCE, store)
        add_to_corpus([set_dir / "prior"], Role.PRIOR, store)
        result = scan_paths(
            [batch], store, Path(tmp) / "report",  # type: ignore[list-item]
            excludes=[prompt] if prompt.exists() else [],
        )  # fmt: skip
    seconds = time.perf_counter() - started

    def rel(path: str) -> str:
        p = Path(path)
        return (
            p.relative_to(set_dir).as_posix()
            if p.is_absolute() or p.is_relative_to(set_dir)
            else path
        )

    sub_path = {s.id: rel(s.path) for s in result.submissions}
    by_pair: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    by_sub: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_pair[sub_path[f.submission], rel(f.source_path)].append(f)
        by_sub[sub_path[f.submission]].append(f)
    kinds: dict[str, dict[str, Any]] = {}
    misses: list[dict[str, Any]] = []
    flags_truth: set[tuple[str, str]] = set()
    for t in truth:
        if "flag" in t:
            flags_truth.add((t["submission"], t["flag"]))
            continue
        row = kinds.setdefault(t["kind"], {"truth": 0, "found": 0, "found_same_kind": 0})
        row["truth"] += 1
        fs = by_pair.get((t["submission"], t["source"]), [])
        if _coverage(t["start"], t["end"], fs) >= COVER:
            row["found"] += 1
            same = [f for f in fs if str(f.kind) == t["kind"]]
            if _coverage(t["start"], t["end"], same) >= COVER:
                row["found_same_kind"] += 1
        else:
            misses.append({k: t[k] for k in ("submission", "kind", "source", "start", "end")})
    for row in kinds.values():
        row["recall"] = round(row["found"] / row["truth"], 4)
        row["recall_same_kind"] = round(row["found_same_kind"] / row["truth"], 4)
    spans = defaultdict(list)
    for t in truth:
        if "flag" not in t:
            spans[t["submission"]].append((t["start"], t["end"]))
    unlabelled = [
        {"submission": sub_path[f.submission], "kind": str(f.kind), "start": f.start,
         "end": f.end, "source": rel(f.source_path)}
        for f in result.findings
        if not any(s < f.end and f.start < e for s, e in spans[sub_path[f.submission]])
    ]  # fmt: skip
    flagged = {(rel(s.path), fl) for s in result.submissions for fl in s.flags}
    labelled = {t["submission"] for t in truth}
    clean = sorted(sub_path[s.id] for s in result.submissions if sub_path[s.id] not in labelled)
    clean_findings = sum(
        1 for p in clean for f in by_sub.get(p, []) if f.severity is not Severity.INFO
    )
    return {
        "set": str(set_dir),
        "seconds": round(seconds, 2),
        "submissions": len(result.submissions),
        "findings": len(result.findings),
        "kinds": dict(sorted(kinds.items())),
        "flags": {"truth": len(flags_truth), "found": len(flags_truth & flagged),
                  "extra": len(flagged - flags_truth)},
        "clean_submissions": clean,
        "clean_findings": clean_findings,
        "misses": misses,
        "unlabelled": unlabelled,
    }  # fmt: skip


def format_attribution(figures: dict[str, Any]) -> str:
    """Human-readable table of :func:`evaluate_attribution` figures."""
    lines = [
        f"{'kind':<26}{'truth':>6}{'found':>7}{'recall':>8}{'same kind':>11}",
    ]
    for kind, row in figures["kinds"].items():
        lines.append(
            f"{kind:<26}{row['truth']:>6}{row['found']:>7}{row['recall']:>8.3f}"
            f"{row['recall_same_kind']:>11.3f}"
        )
    fl = figures["flags"]
    lines.append(f"flags: {fl['found']}/{fl['truth']} found, {fl['extra']} extra")
    lines.append(
        f"clean submissions: {len(figures['clean_submissions'])}, "
        f"findings in them (not info): {figures['clean_findings']}"
    )
    lines.append(
        f"findings: {figures['findings']}, overlapping no truth passage: "
        f"{len(figures['unlabelled'])}; index+scan time: {figures['seconds']} s"
    )
    for m in figures["misses"]:
        lines.append(
            f"missed: {m['kind']} {m['submission']} [{m['start']},{m['end']}) <- {m['source']}"
        )
    for u in figures["unlabelled"]:
        lines.append(
            f"unlabelled: {u['kind']} {u['submission']} [{u['start']},{u['end']}) <- {u['source']}"
        )
    return "\n".join(lines)
