"""Sentence pairs whose TF-IDF vectors are close: candidate paraphrases of source sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from overlap.align.score import Idf

Hashes = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class Unit:
    """A sentence to compare: its owner, its character range and its word hashes."""

    owner: int
    start: int
    end: int
    words: Hashes


@dataclass(frozen=True)
class SentenceMatch:
    """The closest source sentence of one submission sentence."""

    query: Unit
    target: Unit
    cosine: float


def _matrix(units: Sequence[Unit], vocab: dict[int, int], idf: Idf) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for r, unit in enumerate(units):
        terms, counts = np.unique(unit.words, return_counts=True)
        for term, count in zip(terms.tolist(), counts.tolist(), strict=True):
            col = vocab.setdefault(term, len(vocab))
            rows.append(r)
            cols.append(col)
            vals.append(count * idf.weight(term))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(units), max(len(vocab), 1)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)


def closest_sentences(
    queries: Sequence[Unit], targets: Sequence[Unit], idf: Idf, threshold: float
) -> list[SentenceMatch]:
    """Each query sentence with its most similar target sentence, if the cosine reaches it."""
    if not queries or not targets:
        return []
    vocab: dict[int, int] = {}
    q = _matrix(queries, vocab, idf)
    t = _matrix(targets, vocab, idf)
    q.resize((q.shape[0], len(vocab)))
    t.resize((t.shape[0], len(vocab)))
    sims = (q @ t.T).tocsr()
    out = []
    for r in range(sims.shape[0]):
        row = sims.getrow(r)
        if row.nnz == 0:
            continue
        best = int(row.indices[np.argmax(row.data)])
        score = float(row.data.max())
        if score >= threshold:
            out.append(SentenceMatch(queries[r], targets[best], score))
    return out
