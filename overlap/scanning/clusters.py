"""Passages several submissions share: one cluster each, reported once per submission.

When three students share a paragraph, aligning every pair gives each of them one finding
per classmate, all over the same words. A scan groups ``peer_overlap`` findings into
clusters instead: two findings are in one cluster when one is the other's mirror (the same
passage seen from the other post) or when they overlap in the same post. Each submission
then keeps, of its findings in a cluster, the one against the earliest other member (by
submission time, then path) and any other that covers words those do not; every finding of
the cluster names it (``cluster``) and says how many submissions share it (``shared_by``).
A pair of submissions is a cluster of two, reported on both sides as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from overlap.model import Finding, Kind
from overlap.scanning.prepared import Prepared
from overlap.sharing import Node, SharedPassages, mine

#: A finding adds nothing when kept findings of its cluster already cover this share of it.
COVERED = 0.8


def _name(nodes: list[Node]) -> str:
    digest = hashlib.sha256("\n".join(f"{d}:{s}:{e}" for d, s, e in sorted(nodes)).encode())
    return digest.hexdigest()[:16]


def cluster_shared(
    texts: Sequence[Prepared], found: Sequence[list[Finding]]
) -> list[list[Finding]]:
    """Each submission's findings with its shared passages clustered and reported once.

    Args:
        texts: The batch's submissions, in batch order.
        found: Each submission's findings (any kinds), in batch order.

    Returns:
        The same findings but for ``peer_overlap`` ones: those that repeat a passage of their
        cluster against a later member are left out, and the rest carry the cluster's name
        and size.
    """
    peers = [f for fs in found for f in fs if f.kind is Kind.PEER_OVERLAP and f.source]
    if not peers:
        return [list(fs) for fs in found]
    passages = SharedPassages(peers)
    nodes = passages.groups()
    members = {root: {n[0] for n in group} for root, group in nodes.items()}
    names = {root: _name(group) for root, group in nodes.items()}
    order = {
        t.doc.id: (t.doc.submitted_at is None, t.doc.submitted_at or "", t.doc.path, t.doc.id)
        for t in texts
    }
    out = []
    for t, fs in zip(texts, found, strict=True):
        shared = [f for f in fs if f.kind is Kind.PEER_OVERLAP and f.source]
        rest = [f for f in fs if not (f.kind is Kind.PEER_OVERLAP and f.source)]
        by_root: dict[Node, list[Finding]] = {}
        for f in shared:
            by_root.setdefault(passages.root(mine(f)), []).append(f)
        kept: list[Finding] = []
        for root, group in by_root.items():
            group.sort(key=lambda f: (order.get(f.source or "", (True, "", "", "")), -f.words))
            covered = t.covered([])
            for f in group:
                a, b = t.word_range(f.start, f.end)
                if b > a and covered[a:b].mean() >= COVERED:
                    continue
                covered[a:b] = True
                kept.append(replace(f, cluster=names[root], shared_by=len(members[root])))
        out.append(sorted(rest + kept, key=lambda f: (f.start, f.end, f.source or "")))
    return out
