"""Which findings of text students share are one passage: the clusters of shared text.

Two ``peer_overlap`` findings belong to one cluster when one is the other's mirror (the same
passage seen from the other post) or when they overlap in the same post, so a paragraph
three students share is one cluster of three. The scan reports each cluster once per
submission; the report draws each once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from overlap.model import Finding

#: A passage: document id, start and end.
Node = tuple[str, int, int]


K = TypeVar("K", str, int, tuple[str, int, int])


class UnionFind(Generic[K]):
    """Disjoint sets of keys; each set is named by its smallest key."""

    def __init__(self) -> None:
        self.parent: dict[K, K] = {}

    def root(self, key: K) -> K:
        """The smallest key of ``key``'s set (a key not seen before is a set of its own)."""
        parent = self.parent
        top = parent.setdefault(key, key)
        while parent[top] != top:
            top = parent[top]
        while parent[key] != top:
            parent[key], key = top, parent[key]
        return top

    def union(self, a: K, b: K) -> None:
        """Join the sets of ``a`` and ``b``."""
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[K, list[K]]:
        """Every set's keys, by the key that names it."""
        out: dict[K, list[K]] = {}
        for key in list(self.parent):
            out.setdefault(self.root(key), []).append(key)
        return out


class SharedPassages(UnionFind[Node]):
    """Passages of peer findings, joined as the module says."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        super().__init__()
        for f in findings:
            self.union(mine(f), theirs(f))
        by_doc: dict[str, list[Node]] = {}
        for node in self.parent:
            by_doc.setdefault(node[0], []).append(node)
        for spans in by_doc.values():
            spans.sort(key=lambda n: (n[1], n[2]))
            reach = spans[0]
            for node in spans[1:]:
                if node[1] < reach[2]:
                    self.union(node, reach)
                if node[2] > reach[2]:
                    reach = node


def mine(f: Finding) -> Node:
    """A finding's passage in its submission."""
    return (f.submission, f.start, f.end)


def theirs(f: Finding) -> Node:
    """A finding's passage in the other document."""
    return (f.source or "", f.source_start or 0, f.source_end or 0)
