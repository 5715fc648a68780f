"""Group passages students share into clusters: who shares which passage, who was first."""

from __future__ import annotations

from dataclasses import dataclass

from overlap.model import Finding, Kind, ScanResult
from overlap.sharing import Node, SharedPassages, mine


@dataclass(frozen=True)
class Member:
    """One submission's part of a shared passage."""

    submission: str
    start: int
    end: int
    submitted_at: str | None
    finding: Finding


@dataclass(frozen=True)
class Cluster:
    """A passage shared by several submissions, earliest submission first.

    ``first`` is True when the earliest member's time is known and earlier than every other
    member's; otherwise who came first cannot be told.
    """

    members: tuple[Member, ...]
    words: int
    first: bool


def peer_clusters(result: ScanResult) -> list[Cluster]:
    """Clusters of ``peer_overlap`` findings, largest first.

    Two findings are in one cluster when one is the other's mirror (the same passage seen
    from the other post), or when they overlap in the same post, so a paragraph three
    students share is one cluster of three.

    Args:
        result: A scan result; ``documents`` supplies ``submitted_at``.

    Returns:
        Clusters with their members ordered by submission time (unknown times last).
    """
    shared = [f for f in result.findings if f.kind is Kind.PEER_OVERLAP and f.source]
    passages = SharedPassages(shared)
    groups: dict[Node, list[Finding]] = {}
    for f in shared:
        groups.setdefault(passages.root(mine(f)), []).append(f)
    return sorted(
        (_cluster(result, fs) for fs in groups.values()),
        key=lambda c: (-len(c.members), -c.words, c.members[0].submission),
    )


def common_clusters(result: ScanResult) -> list[Cluster]:
    """Passages of common phrasing, one cluster each, most widely shared first.

    Every submission reports its part of such a passage once (a ``common_phrasing`` finding
    naming the cluster), so the findings of one cluster name are its members.
    """
    groups: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.kind is Kind.COMMON_PHRASING and f.cluster:
            groups.setdefault(f.cluster, []).append(f)
    return sorted(
        (_cluster(result, fs) for fs in groups.values()),
        key=lambda c: (-len(c.members), -c.words, c.members[0].submission),
    )


def _cluster(result: ScanResult, findings: list[Finding]) -> Cluster:
    """One member per submission (its longest passage in the cluster), earliest first.

    Times are compared as ISO 8601 strings, which orders them when they are written alike
    (as the metadata and LMS readers write them).
    """
    best: dict[str, Finding] = {}
    for f in findings:
        if f.submission not in best or f.words > best[f.submission].words:
            best[f.submission] = f
    members = []
    for sub, f in best.items():
        doc = result.documents.get(sub)
        members.append(Member(sub, f.start, f.end, doc.submitted_at if doc else None, f))
    members.sort(key=lambda m: (m.submitted_at is None, m.submitted_at or "", m.submission))
    times = [m.submitted_at for m in members]
    first = times[0] is not None and all(t is not None and t > times[0] for t in times[1:])
    return Cluster(tuple(members), max(f.words for f in findings), first)
