"""The stages of a scan that run on workers: candidates and verified passages, per shard.

A store part's band keys and content keys are joined with the batch's on the worker that
reads the part, and the candidate documents (all in the same part's documents file) are
aligned there too, so candidates never travel: only findings and the documents they point
to come back. Pairs of submissions that share a key are aligned in shards of pairs.

Every candidate pair is aligned on runs of the same words (exact and edited copies). Pairs
that share at least ``PARAPHRASE_KEYS`` content keys are aligned on sentence evidence too
(``Settings.scan_paraphrase``): one shared key is evidence of a short copy at most, and the
sentence pass costs more than the exact one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from overlap.align.passages import Mode, align
from overlap.jobs.batch import ScanBatch
from overlap.jobs.findings import Unscored, unscored_finding
from overlap.jobs.prepared import Prepared
from overlap.model import Document, Passage, Role
from overlap.settings import Settings
from overlap.sketch.lsh import join_counts, join_keys, self_counts, self_pairs, without_common
from overlap.store.corpus import CorpusStore

#: Submission pairs per shard of peer alignment.
PEER_SHARD = 256
#: Content keys two documents must share before their sentences are compared for paraphrase.
PARAPHRASE_KEYS = 2
#: A content key held by more documents than this (in one store part, or in the batch) is
#: stock phrasing: it proposes nothing.
COMMON_KEY_DOCS = 64


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


def _keyed_rows(rows: pa.Table) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Keys, document indices and document names of a table of ``(key, doc)`` rows."""
    encoded = rows.unify_dictionaries().column("doc").combine_chunks()
    docs = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return rows.column("key").to_numpy(), docs, encoded.dictionary.to_pylist()


def candidate_pairs(store: CorpusStore, batch: ScanBatch) -> dict[int, dict[str, int]]:
    """Stored documents proposed for each submission (by batch index), with content keys shared.

    A document is proposed when a band key of one of its windows is a band key of the
    submission (the LSH join), or when it shares a content key that is not stock phrasing.
    Each part's rows are filtered against the batch's key sets as they are read, so only
    rows with a shared key are kept, then joined on the key.
    """
    out: dict[int, dict[str, int]] = {}

    def banded(t: pa.Table) -> pa.Array:
        return pa.array(batch.keyset.contains(t.column("key").to_numpy()))

    def content(t: pa.Table) -> pa.Array:
        return pa.array(batch.content_keyset.contains(t.column("key").to_numpy()))

    for bands in store.scan("bands", banded):
        keys, docs, names = _keyed_rows(bands)
        for q, i in join_keys(batch.keys, batch.docs, keys, docs).tolist():
            out.setdefault(q, {}).setdefault(names[i], 0)
    if not len(batch.content_keys):
        return out
    for rows in store.scan("content", content):
        keys, docs, names = _keyed_rows(rows)
        keys, docs = without_common(keys, docs, COMMON_KEY_DOCS)
        pairs, shared = join_counts(batch.content_keys, batch.content_docs, keys, docs)
        for (q, i), n in zip(pairs.tolist(), shared.tolist(), strict=True):
            by_doc = out.setdefault(q, {})
            by_doc[names[i]] = by_doc.get(names[i], 0) + n
    return out


def peer_candidates(batch: ScanBatch) -> dict[tuple[int, int], int]:
    """Pairs ``(i, j)``, ``i < j``, of submissions proposed, with content keys shared."""
    banded = self_pairs(batch.keys, batch.docs).tolist()
    out: dict[tuple[int, int], int] = dict.fromkeys(((i, j) for i, j in banded), 0)
    keys, docs = without_common(batch.content_keys, batch.content_docs, COMMON_KEY_DOCS)
    pairs, shared = self_counts(keys, docs)
    for (i, j), n in zip(pairs.tolist(), shared.tolist(), strict=True):
        out[i, j] = n
    return dict(sorted(out.items()))


def aligned(a: Prepared, b: Prepared, shared_keys: int, settings: Settings) -> list[Passage]:
    """Passages of ``a`` found in ``b``, on sentence evidence too where the keys warrant it.

    Summaries are looked for in sources only: between two students' posts (or a prior post)
    both sides of a passage are reported to someone, so both must be tight.
    """
    if not (settings.scan_paraphrase and shared_keys >= PARAPHRASE_KEYS):
        return align(a.tokens, b.tokens, settings)
    mode = Mode.SUMMARY if b.doc.role is Role.SOURCE else Mode.PARAPHRASE
    return align(a.tokens, b.tokens, settings, texts=(a.doc.text, b.doc.text), mode=mode)


def _kept(sub: Prepared, p: Passage, least: int) -> bool:
    return p.matched_words >= least and not sub.mostly_excluded(p.start, p.end, least)


def match_part(part: str, shared: tuple[CorpusStore, ScanBatch]) -> PartMatches:
    """Candidates of one store part, aligned with their submissions: a worker's job."""
    store, batch = shared
    view = store.only([part])
    settings = batch.settings
    proposed = candidate_pairs(view, batch)
    stored = sum(t.num_rows for t in view.scan("documents", columns=["id"]))
    wanted = {doc_id for by_doc in proposed.values() for doc_id in by_doc}
    others = {d.id: Prepared.of(d) for d in view.documents(wanted)} if wanted else {}
    found: list[tuple[int, str, Unscored]] = []
    pairs: list[tuple[int, str]] = []
    for i, by_doc in sorted(proposed.items()):
        sub = batch.texts[i]
        for doc_id, shared_keys in sorted(by_doc.items()):
            other = others[doc_id]
            shared_text = other.doc.role is not Role.SOURCE
            least = settings.min_shared_words if shared_text else settings.min_words
            for p in aligned(sub, other, shared_keys, settings):
                if _kept(sub, p, least):
                    found.append((i, doc_id, unscored_finding(sub, other, p)))
            pairs.append((i, doc_id))
    pointed = sorted({doc_id for _, doc_id, _ in found})
    return PartMatches(tuple(found), tuple(others[d].doc for d in pointed), tuple(pairs), stored)


def _mirror(p: Passage) -> Passage:
    return Passage(p.other_start, p.other_end, p.start, p.end, p.words, p.matched_words, p.evidence)


def match_peers(
    pairs: Sequence[tuple[int, int, int]], batch: ScanBatch
) -> list[list[tuple[Unscored, Unscored]]]:
    """Passages each pair ``(i, j, shared keys)`` of submissions shares, a finding a side."""
    least = batch.settings.min_shared_words
    out = []
    for i, j, shared_keys in pairs:
        a, b = batch.texts[i], batch.texts[j]
        found = []
        for p in aligned(a, b, shared_keys, batch.settings):
            if _kept(a, p, least) and not b.mostly_excluded(p.other_start, p.other_end, least):
                found.append((unscored_finding(a, b, p), unscored_finding(b, a, _mirror(p))))
        out.append(found)
    return out
