"""Candidate pairs of a scan: what the two sketches propose, before any alignment.

A pair is proposed when a band key of one document's window is a band key of the other's
(the LSH join over window signatures: verbatim copies), or when content keys they share
stand together on both sides (:func:`overlap.sketch.content.clustered_pairs`: reworded and
short copies). Content keys that many documents hold are stock phrasing and propose nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from overlap.arrays import distinct
from overlap.errors import StoreError
from overlap.scanning.batch import ScanBatch
from overlap.sketch.content import clustered_pairs
from overlap.sketch.lsh import join_rows, join_sorted, ranks, self_pairs, uncommon
from overlap.store.bands import prefixes, rows_of
from overlap.store.corpus import DAMAGED, CorpusStore
from overlap.store.parts import part_file

#: A content key held by more documents than this (in one store part, or in the batch) is
#: stock phrasing: it proposes nothing.
COMMON_KEY_DOCS = 16

I64 = npt.NDArray[np.int64]


def _damaged(store: CorpusStore, dataset: str, part: str, problem: str) -> StoreError:
    return StoreError(f"{part_file(store.root, dataset, part)}: {problem}; {DAMAGED}")


def candidate_pairs(store: CorpusStore, batch: ScanBatch) -> dict[int, dict[str, int]]:
    """Stored documents proposed for each submission (by batch index).

    Each value is the number of shared content keys that stand together on both sides (0
    when only the window signatures proposed the pair). Each part's band keys (sorted, see
    :mod:`overlap.store.bands`) are tested against the batch's in one pass, so only keys
    that a submission shares are joined; its content keys are looked up in the batch's in
    one pass that leaves out stock phrasing (sorted too, as parts are written now: see
    :mod:`overlap.store.content_rows`).
    """
    out: dict[int, dict[str, int]] = {}
    for part in store.parts:
        found = part_candidates(store, part, batch)
        for q, row, keys in zip(
            found.submissions.tolist(), found.rows.tolist(), found.keys.tolist(), strict=True
        ):
            by_doc = out.setdefault(q, {})
            doc_id = found.ids[row]
            by_doc[doc_id] = max(by_doc.get(doc_id, 0), keys)
    return out


@dataclass(frozen=True)
class PartCandidates:
    """The pairs one store part proposes (:func:`candidate_pairs`), as arrays.

    Attributes:
        ids: The part's document ids, by row (what band and content keys name).
        submissions: Each pair's submission (batch index), ascending.
        rows: Each pair's document, by row; ascending within a submission; pairs distinct.
        keys: Each pair's clustered content keys (0: proposed by window signatures only).
    """

    ids: list[str]
    submissions: I64
    rows: I64
    keys: I64


def part_candidates(store: CorpusStore, part: str, batch: ScanBatch) -> PartCandidates:
    """The pairs one part of ``store`` (or a view of it) proposes; see :func:`candidate_pairs`."""
    sorted_keys, sorted_docs = batch.sorted_keys
    ids = store.part_ids(part)
    stored = store.band_keys(part, ids)
    try:
        shared = stored[batch.keyset.found(stored)]
    except ValueError:
        raise _damaged(store, "bands", part, "has band keys out of order") from None
    if len(shared) and int(rows_of(shared).max()) >= len(ids):
        # Only the shared keys' rows are looked at: checking all of them costs a pass.
        raise _damaged(store, "bands", part, "has band keys that name no document of the part")
    joined = join_sorted(sorted_keys, sorted_docs, prefixes(shared), rows_of(shared))
    width = max(len(ids), 1)
    codes = [joined[:, 0] * width + joined[:, 1]]
    sizes = [np.zeros(len(joined), dtype=np.int64)]
    if len(batch.content_keys):
        content = store.content_rows(part, ids)
        try:
            pairs, counts = batch.content_index.clustered(
                content.keys,
                content.rows,
                content.pos,
                COMMON_KEY_DOCS,
                batch.settings.content_span,
                by_key=content.by_key,
            )
        except ValueError:
            raise _damaged(store, "content", part, "has content keys out of order") from None
        codes.append(pairs[:, 0].astype(np.int64) * width + pairs[:, 1])
        sizes.append(counts.astype(np.int64))
    code, size = np.concatenate(codes), np.concatenate(sizes)
    order = np.lexsort((size, code))
    code, size = code[order], size[order]
    last = np.ones(len(code), dtype=np.bool_)  # each pair's row with the most keys
    last[:-1] = code[1:] != code[:-1]
    submissions, rows = np.divmod(code[last], width)
    return PartCandidates(ids, submissions, rows, size[last])


def _held_by_few(keys: npt.NDArray[np.uint64], docs: I64, most: int) -> npt.NDArray[np.bool_]:
    """Mask of the ``(key, doc)`` rows whose key at most ``most`` distinct documents hold."""
    if not len(keys):
        return np.zeros(0, dtype=np.bool_)
    if np.all(keys[1:] >= keys[:-1]) and np.all((keys[1:] > keys[:-1]) | (docs[1:] >= docs[:-1])):
        order = np.arange(len(keys))  # a batch's keys come sorted, each key's documents too
    else:
        order = np.lexsort((docs, keys))
    key, doc = keys[order], docs[order]
    fresh = np.ones(len(key), dtype=np.bool_)
    fresh[1:] = (key[1:] != key[:-1]) | (doc[1:] != doc[:-1])
    # Each key's rows are together: count the distinct documents in each key's run.
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    holders = np.add.reduceat(fresh.astype(np.int64), starts)
    lengths = np.diff(np.append(starts, len(key)))
    out = np.empty(len(keys), dtype=np.bool_)
    out[order] = np.repeat(holders <= most, lengths)
    return out


def _repeated(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """Mask of the rows of ascending ``keys`` whose key another row holds too."""
    repeated = keys[1:] == keys[:-1]
    shared = np.zeros(len(keys), dtype=np.bool_)
    shared[1:] |= repeated
    shared[:-1] |= repeated
    return shared


def _banded_peers(keys: npt.NDArray[np.uint64], docs: I64, most: int) -> I64:
    """Distinct ``(a, b)``, ``a < b``, of documents sharing a key that at most ``most`` hold.

    The same as ``self_pairs`` of the rows :func:`_held_by_few` keeps. A batch's keys come
    sorted, each key's documents ascending: then only runs of one key with two rows or more
    can make a pair, and those are a small share of the rows, so only they are looked at.
    """
    if len(keys) < 2 or not (
        np.all(keys[1:] >= keys[:-1]) and np.all((keys[1:] > keys[:-1]) | (docs[1:] >= docs[:-1]))
    ):
        few = _held_by_few(keys, docs, most)
        return self_pairs(keys[few], docs[few])
    shared = _repeated(keys)
    key, doc = keys[shared], docs[shared]
    if not len(key):
        return np.zeros((0, 2), dtype=np.int64)
    few = _held_by_few(key, doc, most)
    key, doc = key[few], doc[few]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    ends = np.append(starts[1:], len(key))
    lengths = ends - starts
    # Each row pairs with the rows after it in its key's run.
    after = np.repeat(ends, lengths) - np.arange(len(key)) - 1
    first = np.repeat(np.arange(len(key)), after)
    second = first + 1 + ranks(after)
    a, b = doc[first], doc[second]
    upper = a < b  # a document holding a key twice pairs with itself
    if not upper.any():
        return np.zeros((0, 2), dtype=np.int64)
    width = int(b.max()) + 1
    codes = distinct(a[upper] * width + b[upper])
    return np.stack(np.divmod(codes, width), axis=1).astype(np.int64)


def _sorted_self_join(keys: npt.NDArray[np.uint64], most: int) -> tuple[I64, I64] | None:
    """Every ``(row, row)`` of equal keys that at most ``most`` rows hold, for ascending keys.

    The pairs ``join_rows`` gives for the rows :func:`~overlap.sketch.lsh.uncommon` keeps,
    in another order and less a row paired with itself where no other row holds its key: a
    batch's content keys come sorted, so each key's rows are one run and only runs of two
    rows or more are looked at. None where the keys are not ascending.
    """
    if len(keys) and not np.all(keys[1:] >= keys[:-1]):
        return None
    rows = np.flatnonzero(_repeated(keys))
    key = keys[rows]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    lengths = np.diff(np.append(starts, len(key)))
    few = lengths <= most
    starts, lengths = starts[few], lengths[few]
    # Each run of L rows makes L * L ordered pairs, a row with itself included.
    sizes = lengths * lengths
    at = ranks(sizes)
    first = np.repeat(starts, sizes)
    width = np.repeat(lengths, sizes)
    return rows[first + at // width], rows[first + at % width]


def peer_candidates(batch: ScanBatch) -> dict[tuple[int, int], int]:
    """Pairs ``(i, j)``, ``i < j``, of submissions proposed, with their clustered content keys.

    Keys that more submissions hold than the batch's common bar are common phrasing: they
    propose no pair (a stock reply in 300 posts would otherwise make 44,850 pairs to align).
    """
    banded = _banded_peers(batch.keys, batch.docs, batch.common_bar).tolist()
    out: dict[tuple[int, int], int] = dict.fromkeys(((i, j) for i, j in banded), 0)
    keys, docs, pos = batch.content_keys, batch.content_docs, batch.content_pos
    found = _sorted_self_join(keys, COMMON_KEY_DOCS)
    if found is None:
        keep = uncommon(keys, COMMON_KEY_DOCS)
        keys, docs, pos = keys[keep], docs[keep], pos[keep]
        found = join_rows(keys, keys)
    a_rows, b_rows = found
    upper = docs[a_rows] < docs[b_rows]
    a_rows, b_rows = a_rows[upper], b_rows[upper]
    pairs, sizes = clustered_pairs(
        docs[a_rows], pos[a_rows], docs[b_rows], pos[b_rows], batch.settings.content_span
    )
    for (i, j), size in zip(pairs.tolist(), sizes.tolist(), strict=True):
        out[i, j] = size
    return dict(sorted(out.items()))
