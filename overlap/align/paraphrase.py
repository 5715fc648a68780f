"""Paraphrase evidence: sentence pairs alike by TF-ISF cosine and Dice, clustered into passages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from overlap.align.seeds import encode
from overlap.align.sentences import Sentences, stems_of
from overlap.text.tokens import Tokens

if TYPE_CHECKING:  # loaded by the sparse space only: posts never need it
    import scipy.sparse as sp

_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Seed:
    """A piece of evidence: token ranges ``[a_start, a_end)`` and ``[b_start, b_end)``.

    ``sa``/``sb`` are the first and last sentence (inclusive) the ranges touch.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    sa0: int
    sa1: int
    sb0: int
    sb1: int
    exact: bool


@dataclass(frozen=True)
class Fragment:
    """A cluster of seeds: the token ranges they span, their similarity, what they were."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float
    seeds: int
    exact: bool


#: Largest sentences-by-terms matrix of two texts held dense (512 KiB of float64), and most
#: pairs of sentences: two posts are far smaller, and dense rows cost no sparse bookkeeping;
#: for long documents (PAN's) sparse matrices are as fast or faster.
DENSE_CELLS = 1 << 16
DENSE_PAIRS = 2_500


class SentenceSpace:
    """TF-ISF vectors of the sentences of two texts (ISF over the sentences of both).

    Held dense where the two texts are small (``DENSE_CELLS``), sparse otherwise. The numbers
    are the same either way, bit for bit: sums run in the order the sparse products run
    them (:func:`_row_norms`, :func:`overlap.align.sentence_loops.dot_rows`, sums of rows in
    row order), and the tests check it.
    """

    def __init__(self, a: Tokens, sa: Sentences, b: Tokens, sb: Sentences) -> None:
        a_ids, b_ids = encode(stems_of(a), stems_of(b))
        vocab = int(max(a_ids.max(initial=-1), b_ids.max(initial=-1))) + 1
        n = len(sa) + len(sb)
        # Terms numbered without gaps, in the same order: the same columns, less empty ones.
        # A term's id is where it first occurs in both texts, so the words where a term first
        # occurs are the terms, in order (no sort needed).
        both = np.concatenate([a_ids, b_ids])
        terms = np.flatnonzero(both == np.arange(len(both)))
        self.dense = n * len(terms) <= DENSE_CELLS and len(sa) * len(sb) <= DENSE_PAIRS
        if self.dense:
            number = np.zeros(vocab, dtype=np.int64)
            number[terms] = np.arange(len(terms))
            a_ids, b_ids = number[a_ids], number[b_ids]
            da, db = _dense_counts(a_ids, sa, len(terms)), _dense_counts(b_ids, sb, len(terms))
            df = (da > 0).sum(axis=0) + (db > 0).sum(axis=0)
            isf = np.log(n / np.maximum(df, 1))
            self.dense_a, self.dense_b = da * isf[None, :], db * isf[None, :]
            self.columns, self.vocab = terms, vocab
            self.binary_dense = (da > 0).astype(np.float64), (db > 0).astype(np.float64)
            return
        import scipy.sparse as sp

        ta = _counts(a_ids, sa, vocab)
        tb = _counts(b_ids, sb, vocab)
        df = np.asarray((ta > 0).sum(axis=0)).ravel() + np.asarray((tb > 0).sum(axis=0)).ravel()
        isf = np.log(n / np.maximum(df, 1))
        self.wa = sp.csr_matrix(ta.multiply(isf[None, :]))
        self.wb = sp.csr_matrix(tb.multiply(isf[None, :]))
        self.binary_a = sp.csr_matrix((ta > 0).astype(np.float64))
        self.binary_b = sp.csr_matrix((tb > 0).astype(np.float64))

    def pairs(self) -> tuple[_Floats, _Floats]:
        """Cosine and Dice of every sentence of a with every sentence of b (dense)."""
        if self.dense:
            from overlap.align.sentence_loops import dot_rows

            na, nb = _row_norms(self.dense_a), _row_norms(self.dense_b)
            binary_a, binary_b = self.binary_dense
            # Counts of shared terms are exact in any order; each product sum runs over the
            # terms both rows hold, in order, as the sparse product's does.
            products, shared = dot_rows(
                self.dense_a, *_terms(binary_a), self.dense_b, *_terms(binary_b)
            )
            sizes_a, sizes_b = binary_a.sum(axis=1), binary_b.sum(axis=1)
        else:
            na, nb = _norms(self.wa), _norms(self.wb)
            products = (self.wa @ self.wb.T).toarray()
            shared = (self.binary_a @ self.binary_b.T).toarray()
            sizes_a = np.asarray(self.binary_a.sum(axis=1)).ravel()
            sizes_b = np.asarray(self.binary_b.sum(axis=1)).ravel()
        cos = products / np.maximum(np.outer(na, nb), 1e-12)
        dice = 2 * shared / np.maximum(sizes_a[:, None] + sizes_b[None, :], 1)
        return cos, dice

    def similarity(self, sa0: int, sa1: int, sb0: int, sb1: int) -> float:
        """Cosine of the summed vectors of sentences ``sa0..sa1`` of a and ``sb0..sb1`` of b."""
        if self.dense:  # running sums: rows added in order, as the sparse sum adds them
            # Put back at the sparse space's columns: the norms and the dot product below
            # then see the same vectors, zeros included, and round the same way.
            va, vb = np.zeros(self.vocab), np.zeros(self.vocab)
            va[self.columns] = np.cumsum(self.dense_a[sa0 : sa1 + 1], axis=0)[-1]
            vb[self.columns] = np.cumsum(self.dense_b[sb0 : sb1 + 1], axis=0)[-1]
        else:
            va = np.asarray(self.wa[sa0 : sa1 + 1].sum(axis=0)).ravel()
            vb = np.asarray(self.wb[sb0 : sb1 + 1].sum(axis=0)).ravel()
        denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
        return float(va @ vb) / denom if denom else 0.0


def sentence_seeds(
    space: SentenceSpace, sa: Sentences, sb: Sentences, min_cosine: float, min_dice: float
) -> list[Seed]:
    """Sentence pairs alike by cosine and Dice that are each other's best match.

    Requiring the best match on both sides keeps a sentence from seeding a passage with a
    merely related sentence next to the one it was taken from, which would stretch the
    passage past the copy.
    """
    if not len(sa) or not len(sb):
        return []
    cos, dice = space.pairs()
    ok = (cos > min_cosine) & (dice > min_dice)
    ok &= cos >= cos.max(axis=1, keepdims=True)
    ok &= cos >= cos.max(axis=0, keepdims=True)
    return [
        Seed(
            int(sa.starts[i]),
            int(sa.ends[i]),
            int(sb.starts[j]),
            int(sb.ends[j]),
            i,
            i,
            j,
            j,
            exact=False,
        )
        for i, j in zip(*(x.tolist() for x in np.nonzero(ok)), strict=True)
    ]


def run_seeds(
    runs: Sequence[tuple[int, int, int, int]], sa: Sentences, sb: Sentences
) -> list[Seed]:
    """Seeds of exact passages (token ranges), placed in the sentences they touch."""
    if not runs:
        return []
    of_a, of_b = sa.of_tokens(), sb.of_tokens()
    return [
        Seed(
            a0,
            a1,
            b0,
            b1,
            int(of_a[a0]),
            int(of_a[a1 - 1]),
            int(of_b[b0]),
            int(of_b[b1 - 1]),
            exact=True,
        )
        for a0, a1, b0, b1 in runs
    ]


def trim_to_runs(seeds: Sequence[Seed], runs: Sequence[Seed]) -> list[Seed]:
    """Narrow sentence seeds to the exact runs inside them where those mark a copy's edge.

    A copy that starts with a sentence of ``b`` but in the middle of a sentence of ``a`` (or
    the reverse, or likewise at the end) has an exact run starting at the sentence start on
    one side only: the words of ``a`` before the run were not taken from that sentence.
    """
    out = []
    for s in seeds:
        a0, a1, b0, b1 = s.a_start, s.a_end, s.b_start, s.b_end
        for r in runs:
            if not (r.a_start < s.a_end and s.a_start < r.a_end):
                continue
            if not (r.b_start < s.b_end and s.b_start < r.b_end):
                continue
            if r.b_start == s.b_start and r.a_start > s.a_start:
                a0 = max(a0, r.a_start)
            if r.a_start == s.a_start and r.b_start > s.b_start:
                b0 = max(b0, r.b_start)
            if r.b_end == s.b_end and r.a_end < s.a_end:
                a1 = min(a1, r.a_end)
            if r.a_end == s.a_end and r.b_end < s.b_end:
                b1 = min(b1, r.b_end)
        if a0 < a1 and b0 < b1:
            out.append(Seed(a0, a1, b0, b1, s.sa0, s.sa1, s.sb0, s.sb1, exact=False))
    return out


def _counts(ids: _Ints, sentences: Sentences, vocab: int) -> sp.csr_matrix:
    import scipy.sparse as sp

    rows = sentences.of_tokens()
    data = np.ones(len(ids), dtype=np.float64)
    return sp.csr_matrix((data, (rows, ids)), shape=(len(sentences), vocab))


def _dense_counts(ids: _Ints, sentences: Sentences, vocab: int) -> _Floats:
    rows = sentences.of_tokens()
    size = len(sentences) * vocab
    flat = np.bincount(rows * vocab + ids, minlength=size) if size else np.zeros(0, np.int64)
    return flat.reshape(len(sentences), vocab).astype(np.float64)


def _terms(binary: _Floats) -> tuple[_Ints, _Ints]:
    """Where each row's terms start, and the terms (ascending) of every row, row by row."""
    rows, terms = np.nonzero(binary)
    starts = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(binary)))])
    return starts.astype(np.int64), terms.astype(np.int64)


def _row_norms(m: _Floats) -> _Floats:
    """Euclidean norm of each row.

    The squares of a row's non-zero entries are summed as one reduction per row, as
    :func:`_norms` sums a sparse row's stored entries (zeros are not stored).
    """
    present = m != 0
    counts = present.sum(axis=1)
    squares = np.zeros(len(m), dtype=np.float64)
    filled = counts > 0
    if filled.any():
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        squares[filled] = np.add.reduceat(m[present] ** 2, starts[filled])
    return np.sqrt(squares)


def _norms(m: sp.csr_matrix) -> _Floats:
    squares: _Floats = np.asarray(m.multiply(m).sum(axis=1), dtype=np.float64).ravel()
    return np.sqrt(squares)


def _split(group: list[Seed], side: str, gap: int) -> list[list[Seed]]:
    """Cut ``group`` where more than ``gap`` sentences on ``side`` hold none of its seeds."""
    lo, hi = ("sa0", "sa1") if side == "a" else ("sb0", "sb1")
    ordered = sorted(group, key=lambda s: (getattr(s, lo), getattr(s, hi)))
    parts: list[list[Seed]] = [[ordered[0]]]
    reach = getattr(ordered[0], hi)
    for s in ordered[1:]:
        if getattr(s, lo) - reach - 1 > gap:
            parts.append([s])
        else:
            parts[-1].append(s)
        reach = max(reach, getattr(s, hi))
    return parts


@dataclass(frozen=True)
class Skew:
    """How many more sentences one side of a cluster may skip than the other.

    Attributes:
        most: The largest surplus allowed.
        both: Check wherever either side skips; otherwise only where ``a`` does (``b``
            may skip any number of sentences between sentences adjacent in ``a``: a source
            condensed into a summary).
    """

    most: int
    both: bool = True


def _split_skewed(group: list[Seed], skew: Skew) -> list[list[Seed]]:
    """Cut ``group`` where the sentences skipped on one side outnumber the other's.

    A reworded passage loses evidence in step on both sides: a sentence of ``a`` without a
    seed stands for a sentence of ``b`` without one. Two copies with the writer's own
    sentences between them skip sentences on one side only; they are two passages.
    """
    ordered = sorted(group, key=lambda s: (s.sa0, s.sa1, s.sb0))
    parts: list[list[Seed]] = [[ordered[0]]]
    reach_a, reach_b = ordered[0].sa1, ordered[0].sb1
    for s in ordered[1:]:
        skipped_a = max(s.sa0 - reach_a - 1, 0)
        skipped_b = max(s.sb0 - reach_b - 1, 0)
        checked = skew.both or skipped_a > 0
        if checked and abs(skipped_a - skipped_b) > skew.most:
            parts.append([s])
            reach_a, reach_b = s.sa1, s.sb1
        else:
            parts[-1].append(s)
            reach_a, reach_b = max(reach_a, s.sa1), max(reach_b, s.sb1)
    return parts


def cluster(
    seeds: Sequence[Seed], gap_a: int, gap_b: int, skew: Skew | None = None
) -> list[list[Seed]]:
    """Split seeds into groups until no group has a gap wider than allowed.

    Groups are split on side a, then side b, then (with ``skew``) where one side skips more
    sentences than the other by more than allowed, until no split applies.
    """
    work = [list(seeds)] if seeds else []
    done: list[list[Seed]] = []
    while work:
        group = work.pop()
        parts = _split(group, "a", gap_a)
        if len(parts) == 1:
            parts = _split(group, "b", gap_b)
        if len(parts) == 1 and skew is not None:
            parts = _split_skewed(group, skew)
        if len(parts) == 1:
            done.append(group)
            continue
        work.extend(parts)
    return done


def fragment_of(group: Sequence[Seed], space: SentenceSpace) -> Fragment:
    """The fragment a group of seeds spans, with the similarity of its sentences."""
    sa0, sa1 = min(s.sa0 for s in group), max(s.sa1 for s in group)
    sb0, sb1 = min(s.sb0 for s in group), max(s.sb1 for s in group)
    return Fragment(
        min(s.a_start for s in group),
        max(s.a_end for s in group),
        min(s.b_start for s in group),
        max(s.b_end for s in group),
        space.similarity(sa0, sa1, sb0, sb1),
        len(group),
        all(s.exact for s in group),
    )


def extend(
    seeds: Sequence[Seed],
    space: SentenceSpace,
    gap_a: int,
    gap_b: int,
    min_similarity: float,
    skew: Skew | None = None,
) -> list[Fragment]:
    """Cluster seeds into fragments, validating each by the similarity of its two sides.

    A cluster whose sides are not alike enough is clustered again with gaps one sentence
    smaller, down to adjacent sentences only; what fails then is dropped.
    """
    out: list[Fragment] = []
    for group in cluster(seeds, gap_a, gap_b, skew):
        f = fragment_of(group, space)
        if f.similarity >= min_similarity or (f.exact and f.seeds == 1):
            out.append(f)
        elif gap_a > 0 or gap_b > 0:
            smaller = max(gap_a - 1, 0), max(gap_b - 1, 0)
            out.extend(extend(group, space, *smaller, min_similarity, skew))
    return out
