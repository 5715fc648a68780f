"""The stages of a scan that run on workers: candidates and verified passages, per shard.

A store part's band keys are joined with the batch's on the worker that reads the part, and
the candidate documents (all in the same part's documents file) are aligned there too, so
candidates never travel: only findings and the documents they point to come back. Pairs of
submissions that share a key are aligned in shards of pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from overlap.align.passages import align
from overlap.jobs.batch import ScanBatch
from overlap.jobs.findings import Unscored, unscored_finding
from overlap.jobs.prepared import Prepared
from overlap.model import Document, Passage, Role
from overlap.sketch.lsh import join_keys
from overlap.store.corpus import CorpusStore

#: Submission pairs per shard of peer alignment.
PEER_SHARD = 256


@dataclass(frozen=True)
class PartMatches:
    """What one store part contributes to a scan.

    Attributes:
        findings: ``(submission index, document id, finding)`` in submission, then document
            id, then passage order.
        documents: The part's documents that findings point to.
        pairs: Candidate (submission index, document id) pairs aligned.
        stored: Documents in the part (as the store, or view of it, shows them).
    """

    findings: tuple[tuple[int, str, Unscored], ...]
    documents: tuple[Document, ...]
    pairs: tuple[tuple[int, str], ...]
    stored: int


def candidate_pairs(store: CorpusStore, batch: ScanBatch) -> dict[int, set[str]]:
    """Stored documents proposed for each submission (by batch index): the LSH join.

    Each part's band rows are filtered against the batch's key set as they are read, so
    only rows with a shared key are kept, then joined on the key.
    """
    out: dict[int, set[str]] = {}

    def shared(t: pa.Table) -> pa.Array:
        return pa.array(batch.keyset.contains(t.column("key").to_numpy()))

    for bands in store.scan("bands", shared):
        encoded = bands.unify_dictionaries().column("doc").combine_chunks()
        index_docs = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        index_keys = bands.column("key").to_numpy()
        names = encoded.dictionary.to_pylist()
        for q, i in join_keys(batch.keys, batch.docs, index_keys, index_docs).tolist():
            out.setdefault(q, set()).add(names[i])
    return out


def _kept(sub: Prepared, p: Passage, least: int) -> bool:
    return p.matched_words >= least and not sub.mostly_excluded(p.start, p.end, least)


def match_part(part: str, shared: tuple[CorpusStore, ScanBatch]) -> PartMatches:
    """Candidates of one store part, aligned with their submissions: a worker's job."""
    store, batch = shared
    view = store.only([part])
    settings = batch.settings
    proposed = candidate_pairs(view, batch)
    stored = sum(t.num_rows for t in view.scan("documents", columns=["id"]))
    wanted = set().union(*proposed.values())
    others = {d.id: Prepared.of(d) for d in view.documents(wanted)} if wanted else {}
    found: list[tuple[int, str, Unscored]] = []
    pairs: list[tuple[int, str]] = []
    for i, ids in sorted(proposed.items()):
        sub = batch.texts[i]
        for doc_id in sorted(ids):
            other = others[doc_id]
            shared_text = other.doc.role is not Role.SOURCE
            least = settings.min_shared_words if shared_text else settings.min_words
            for p in align(sub.tokens, other.tokens, settings):
                if _kept(sub, p, least):
                    found.append((i, doc_id, unscored_finding(sub, other, p)))
            pairs.append((i, doc_id))
    pointed = sorted({doc_id for _, doc_id, _ in found})
    return PartMatches(tuple(found), tuple(others[d].doc for d in pointed), tuple(pairs), stored)


def _mirror(p: Passage) -> Passage:
    return Passage(p.other_start, p.other_end, p.start, p.end, p.words, p.matched_words)


def match_peers(
    pairs: Sequence[tuple[int, int]], batch: ScanBatch
) -> list[list[tuple[Unscored, Unscored]]]:
    """Passages each pair of submissions shares, as a finding for each side, pair by pair."""
    least = batch.settings.min_shared_words
    out = []
    for i, j in pairs:
        a, b = batch.texts[i], batch.texts[j]
        found = []
        for p in align(a.tokens, b.tokens, batch.settings):
            if _kept(a, p, least) and not b.mostly_excluded(p.other_start, p.other_end, least):
                found.append((unscored_finding(a, b, p), unscored_finding(b, a, _mirror(p))))
        out.append(found)
    return out
