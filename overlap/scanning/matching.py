"""The stages of a scan that run on workers: candidates and verified passages, per shard.

A store part's band keys and content keys are joined with the batch's on the worker that
reads the part, and the candidate documents (all in the same part's documents file) are
aligned there too, so candidates never travel: only findings and the documents they point
to come back. Pairs of submissions that share a key are aligned in shards of pairs.

Every candidate pair (see :mod:`overlap.scanning.candidates`) is aligned on runs of the same
words (exact and edited copies). Pairs whose shared content keys cluster (at least
``PARAPHRASE_KEYS`` keys), or in which runs of the same words showed a copy, are aligned on
sentence evidence too (``Settings.scan_paraphrase``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow.compute as pc

from overlap.align.passages import Mode, align
from overlap.align.screen import Grams, could_chain
from overlap.arrays import distinct
from overlap.errors import StoreError
from overlap.model import Document, Passage, Role
from overlap.scanning.batch import ScanBatch
from overlap.scanning.candidates import part_candidates
from overlap.scanning.findings import Unscored, unscored_finding
from overlap.scanning.prepared import Prepared
from overlap.settings import Settings
from overlap.sketch.content import hash_words
from overlap.store.corpus import DAMAGED, CorpusStore
from overlap.store.outdated import outdated
from overlap.store.parts import part_file
from overlap.store.schema import hash_slices, low_hashes
from overlap.text.tokens import normalised_words

#: Submission pairs per shard of peer alignment.
PEER_SHARD = 256
#: Clustered content keys two documents must share before their sentences are compared for
#: paraphrase (unless runs of the same words already show a copy): fewer is evidence of a
#: short copy at most, and the sentence pass costs more than the exact one.
PARAPHRASE_KEYS = 3


@dataclass(frozen=True)
class Pairs:
    """Candidate pairs of submissions (batch indexes) and documents, as arrays.

    Pair ``k`` is ``(submissions[k], ids[documents[k]])``.
    """

    submissions: npt.NDArray[np.int64]
    documents: npt.NDArray[np.int64]
    ids: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.submissions)


@dataclass(frozen=True)
class PartMatches:
    """What one store part contributes to a scan.

    Attributes:
        findings: ``(submission index, document id, finding)`` in submission, then document
            id, then passage order.
        documents: The part's documents that findings point to.
        pairs: The candidate pairs proposed (and screened, or aligned), in submission,
            then document id order.
        stored: Documents in the part (as the store, or view of it, shows them).
        sources: How many of them are sources (the semantic pass reads only parts with one).
        outdated: An earlier version wrote the part (:mod:`overlap.store.outdated`).
    """

    findings: tuple[tuple[int, str, Unscored], ...]
    documents: tuple[Document, ...]
    pairs: Pairs
    stored: int
    sources: int
    outdated: bool


def aligned(a: Prepared, b: Prepared, shared_keys: int, settings: Settings) -> list[Passage]:
    """Passages of ``a`` found in ``b``, on sentence evidence too where there is reason to.

    The sentence pass runs where the pair's content keys cluster (``PARAPHRASE_KEYS`` or
    more) or where runs of the same words already show a copy, which the sentences around
    it may extend.

    Summaries are looked for in sources only: between two students' posts (or a prior post)
    both sides of a passage are reported to someone, so both must be tight.
    """
    if not settings.scan_paraphrase:
        return align(a.tokens, b.tokens, settings)
    mode = Mode.SUMMARY if b.doc.role is Role.SOURCE else Mode.PARAPHRASE
    return align(
        a.tokens,
        b.tokens,
        settings,
        texts=(a.doc.text, b.doc.text),
        mode=mode,
        only_if_copied=shared_keys < PARAPHRASE_KEYS,
    )


def _kept(sub: Prepared, p: Passage, least: int, shared: bool) -> bool:
    return p.matched_words >= least and not sub.mostly_excluded(
        p.start, p.end, least, shared=shared
    )


def screened(
    a: Grams, b: Grams, pairs: Sequence[tuple[int, int, int]], settings: Settings
) -> list[bool]:
    """Which pairs ``(index into a, index into b, shared content keys)`` to align.

    A pair the sentence pass looks at whatever its runs (shared content keys cluster, see
    :func:`aligned`) is always aligned; the others only where runs of the same words could
    make a passage (:func:`overlap.align.screen.could_chain`): none is lost.
    """
    rows = np.array(pairs, dtype=np.int64).reshape(-1, 3)
    out: list[bool] = screened_rows(a, b, rows[:, 0], rows[:, 1], rows[:, 2], settings).tolist()
    return out


def screened_rows(
    a: Grams,
    b: Grams,
    mine: npt.NDArray[np.int64],
    theirs: npt.NDArray[np.int64],
    keys: npt.NDArray[np.int64],
    settings: Settings,
) -> npt.NDArray[np.bool_]:
    """:func:`screened` of the pairs ``(mine[k], theirs[k], keys[k])``, given as arrays: a mask."""
    checked = keys < PARAPHRASE_KEYS if settings.scan_paraphrase else np.ones(len(keys), bool)
    keep = np.ones(len(keys), dtype=np.bool_)
    if checked.any():
        keep[checked] = could_chain(
            a,
            b,
            np.stack([mine[checked], theirs[checked]], axis=1),
            n=settings.seed_words,
            max_gap=settings.max_gap,
            min_words=settings.min_words,
        )
    return keep


def _hashes(doc: Document) -> npt.NDArray[np.uint32]:
    """The document's word hashes as the store keeps them, from its text (older parts)."""
    return low_hashes(hash_words(normalised_words(doc.text))[0])


def _stored_hashes(
    view: CorpusStore, part: str, ids: list[str], rows: list[int]
) -> tuple[int, int, dict[str, npt.NDArray[np.uint32]]]:
    """The documents a view of one part holds, how many are sources, some rows' hashes.

    ``ids`` are the part's documents' ids, by row (:meth:`CorpusStore.part_ids`); ``rows``
    those wanted (ascending). Hashes are the low 32 bits, as the store keeps them, read (and
    checked) for the wanted rows alone, by id; parts written before the store kept them
    give them from their texts. Roles are read through the view, which may leave documents
    out.
    """
    (roles,) = view.tables("documents", columns=["role"])
    stored = roles.num_rows
    sources = pc.sum(pc.equal(roles.column("role"), Role.SOURCE.value)).as_py() or 0
    out: dict[str, npt.NDArray[np.uint32]] = {}
    table = view.read_part("documents", part, ["hashes"], rows) if rows else None
    if table is not None and "hashes" in table.column_names:
        try:
            values, offsets = hash_slices(table.column("hashes"))
        except ValueError as exc:
            path = part_file(view.root, "documents", part)
            raise StoreError(f"{path}: has {exc}; {DAMAGED}") from None
        for k, row in enumerate(rows):
            out[ids[row]] = values[offsets[k] : offsets[k + 1]]
    missing = {ids[row] for row in rows} - set(out)
    if missing:
        out.update((d.id, _hashes(d)) for d in view.documents(missing))
    return stored, sources, out


def match_part(part: str, shared: tuple[CorpusStore, ScanBatch]) -> PartMatches:
    """Candidates of one store part, aligned with their submissions: a worker's job.

    Pairs that cannot hold a passage are screened out first (:func:`screened`), on the word
    hashes the store keeps, so only the documents of the rest are read and tokenised.
    """
    store, batch = shared
    view = store.only([part])
    settings = batch.settings
    proposed = part_candidates(view, part, batch)
    by_row = proposed.ids
    stored, sources, hashes = _stored_hashes(view, part, by_row, distinct(proposed.rows).tolist())
    ids = sorted(hashes)
    # Pairs in submission, then document id order; each document's place among ``ids``.
    row_of = {doc_id: r for r, doc_id in enumerate(by_row)}
    rank = np.full(len(by_row), -1, dtype=np.int64)
    rank[[row_of[d] for d in ids]] = np.arange(len(ids))
    ranks = rank[proposed.rows]
    if len(ranks) and int(ranks.min()) < 0:
        raise StoreError(f"store part {part}: keys name a document its documents file lacks")
    order = np.lexsort((ranks, proposed.submissions))
    subs, rows, keys = proposed.submissions[order], proposed.rows[order], proposed.keys[order]
    grams = Grams([hashes[d] for d in ids], settings.seed_words)
    keep = screened_rows(batch.grams, grams, subs, ranks[order], keys, settings)
    chosen = (subs[keep].tolist(), rows[keep].tolist(), keys[keep].tolist())
    kept = [(i, by_row[r], k) for i, r, k in zip(*chosen, strict=True)]
    docs = view.part_documents(part, distinct(rows[keep]).tolist()) if kept else []
    others = {d.id: Prepared.of(d) for d in docs}
    found: list[tuple[int, str, Unscored]] = []
    for i, doc_id, shared_keys in kept:
        sub = batch.texts[i]
        other = others[doc_id]
        shared_text = other.doc.role is not Role.SOURCE
        least = settings.min_shared_words if shared_text else settings.min_words
        for p in aligned(sub, other, shared_keys, settings):
            if _kept(sub, p, least, shared_text):
                found.append((i, doc_id, unscored_finding(sub, other, p)))
    pointed = sorted({doc_id for _, doc_id, _ in found})
    documents = tuple(others[d].doc for d in pointed)
    # The pairs, as submission indexes and indexes into the (sorted) ids of their documents.
    pairs = Pairs(subs, ranks[order], tuple(ids))
    return PartMatches(tuple(found), documents, pairs, stored, sources, outdated(view, part))


def _mirror(p: Passage) -> Passage:
    return Passage(p.other_start, p.other_end, p.start, p.end, p.words, p.matched_words, p.evidence)


def match_peers(
    pairs: Sequence[tuple[int, int, int]], batch: ScanBatch
) -> list[list[tuple[Unscored, Unscored]]]:
    """Passages each pair ``(i, j, shared keys)`` of submissions shares, a finding a side."""
    least = batch.settings.min_shared_words
    out: list[list[tuple[Unscored, Unscored]]] = []
    keep = screened(batch.grams, batch.grams, pairs, batch.settings)
    for (i, j, shared_keys), ok in zip(pairs, keep, strict=True):
        if not ok:
            out.append([])
            continue
        a, b = batch.texts[i], batch.texts[j]
        found = []
        for p in aligned(a, b, shared_keys, batch.settings):
            if _kept(a, p, least, True) and not b.mostly_excluded(
                p.other_start, p.other_end, least, shared=True
            ):
                found.append((unscored_finding(a, b, p), unscored_finding(b, a, _mirror(p))))
        out.append(found)
    return out
