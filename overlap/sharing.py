"""Which findings of text students share are one passage: the clusters of shared text.

Two ``peer_overlap`` findings belong to one cluster when one is the other's mirror (the same
passage seen from the other post) or when they overlap in the same post, so a paragraph
three students share is one cluster of three. The scan reports each cluster once per
submission; the report draws each once.
"""

from __future__ import annotations

from collections.abc import Iterable

from overlap.model import Finding

#: A passage: document id, start and end.
Node = tuple[str, int, int]


class SharedPassages:
    """Union-find over the passages of peer findings, joined as the module says."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.parent: dict[Node, Node] = {}
        for f in findings:
            self._union(mine(f), theirs(f))
        by_doc: dict[str, list[Node]] = {}
        for node in self.parent:
            by_doc.setdefault(node[0], []).append(node)
        for spans in by_doc.values():
            spans.sort(key=lambda n: (n[1], n[2]))
            reach = spans[0]
            for node in spans[1:]:
                if node[1] < reach[2]:
                    self._union(node, reach)
                if node[2] > reach[2]:
                    reach = node

    def root(self, node: Node) -> Node:
        """The node that stands for ``node``'s cluster."""
        parent = self.parent
        top = node
        while parent[top] != top:
            top = parent[top]
        while parent[node] != top:
            parent[node], node = top, parent[node]
        return top

    def groups(self) -> dict[Node, list[Node]]:
        """Every cluster's passages, by the node that stands for it."""
        out: dict[Node, list[Node]] = {}
        for node in self.parent:
            out.setdefault(self.root(node), []).append(node)
        return out

    def _union(self, a: Node, b: Node) -> None:
        self.parent.setdefault(a, a)
        self.parent.setdefault(b, b)
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def mine(f: Finding) -> Node:
    """A finding's passage in its submission."""
    return (f.submission, f.start, f.end)


def theirs(f: Finding) -> Node:
    """A finding's passage in the other document."""
    return (f.source or "", f.source_start or 0, f.source_end or 0)
