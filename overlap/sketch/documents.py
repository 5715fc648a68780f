"""Turn documents' words into window band keys and content keys: one path for index and scan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from overlap.arrays import distinct
from overlap.settings import Settings
from overlap.sketch.content import batch_content_keys
from overlap.sketch.lsh import band_keys
from overlap.sketch.minhash import batch_signatures
from overlap.sketch.runs import merge_runs
from overlap.text.shingles import shingle_hashes, window_shingle_ranges

Hashes = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class WindowKeys:
    """LSH band keys of every window of a batch of documents."""

    doc: npt.NDArray[np.int64]  # index of the window's document in the batch
    window: npt.NDArray[np.int32]
    first_word: npt.NDArray[np.int32]
    end_word: npt.NDArray[np.int32]
    keys: npt.NDArray[np.uint64]  # (n_windows, bands)


def sketch_hashes(hash_lists: Sequence[Hashes], settings: Settings) -> WindowKeys:
    """Sketch each document's word hashes into windows with LSH band keys."""
    shingles, ranges, docs, firsts, ends = [], [], [], [], []
    for i, hashes in enumerate(hash_lists):
        n = len(hashes)
        if n == 0:
            continue
        starts, stops = window_shingle_ranges(n, settings.shingle, settings.window, settings.stride)
        shingles.append(shingle_hashes(hashes, settings.shingle))
        ranges.append((starts, stops))
        docs.append(np.full(len(starts), i, dtype=np.int64))
        firsts.append(starts.astype(np.int32))
        ends.append(np.minimum(starts + settings.window, n).astype(np.int32))
    if not shingles:
        empty = np.zeros(0, dtype=np.int32)
        return WindowKeys(
            np.zeros(0, dtype=np.int64),
            empty,
            empty,
            empty,
            np.zeros((0, settings.bands), dtype=np.uint64),
        )
    sigs, offsets = batch_signatures(shingles, ranges, settings.num_perm, settings.seed)
    doc = np.concatenate(docs)
    return WindowKeys(
        doc=doc,
        window=(np.arange(len(doc)) - np.repeat(offsets[:-1], np.diff(offsets))).astype(np.int32),
        first_word=np.concatenate(firsts),
        end_word=np.concatenate(ends),
        keys=band_keys(sigs, settings.bands),
    )


@dataclass(frozen=True)
class ContentKeys:
    """Distinct content-word keys of every document of a batch, one row each."""

    doc: npt.NDArray[np.int64]  # index of the key's document in the batch
    keys: npt.NDArray[np.uint64]
    pos: npt.NDArray[np.int64]  # where the key first is, in content words


def sketch_content(hash_lists: Sequence[Hashes], settings: Settings) -> ContentKeys:
    """Content-word keys of each document, from its ``content_hashes`` (none if n is 0)."""
    return ContentKeys(*batch_content_keys(hash_lists, settings.content_ngram))


def term_frequencies(hash_lists: Sequence[Hashes]) -> tuple[Hashes, npt.NDArray[np.int64]]:
    """Document frequency of every word hash over a batch: (terms, df)."""
    uniques = [distinct(h) for h in hash_lists if len(h)]
    if not uniques:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    terms, df = np.unique(np.concatenate(uniques), return_counts=True)
    return terms, df.astype(np.int64)


def summed_frequencies(
    counted: Sequence[tuple[Hashes, npt.NDArray[np.int64]]], threads: int = 1
) -> tuple[Hashes, npt.NDArray[np.int64]]:
    """Counts of disjoint sets of documents added up: (values, summed counts), by value.

    ``counted`` holds, for each set, its distinct values sorted and how many of its
    documents hold each (:func:`term_frequencies` of a chunk of a batch, say): the result is
    what one count over all the documents gives. The sets' values are merged on ``threads``
    threads (:func:`~overlap.sketch.runs.merge_runs`).
    """
    runs = [(v, (c.astype(np.int64, copy=False),)) for v, c in counted]
    values, (counts,) = merge_runs(runs, 1, threads)
    if not len(values):
        return values, counts
    starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    return values[starts], np.add.reduceat(counts, starts)
