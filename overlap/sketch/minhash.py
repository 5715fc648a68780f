"""MinHash signatures of shingle windows, bit-identical to datasketch's ``affine32`` scheme."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from overlap.sketch.lsh import ranks

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

#: Hash value of an empty MinHash in the ``affine32`` scheme (datasketch's ``_max_hash``).
EMPTY = np.uint32(0xFFFFFFFF)
#: Permuted values held at once by default: 2 MiB of uint32, which stays in a core's L2 cache.
CHUNK_ELEMENTS = 1 << 19
#: Windows up to this many shingles are reduced in one pass; longer ones separately, in pieces.
_SHORT = 256

_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


def fmix32(h: U32) -> U32:
    """Apply the 32-bit MurmurHash3 finalizer (datasketch's ``_fmix(h, 32)``) elementwise."""
    h = np.asarray(h)
    if h.dtype != np.uint32:
        raise ValueError(f"fmix32 needs uint32 values, got {h.dtype}")
    s1, m1, s2, m2 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s1)


def permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """Return the ``(a, b)`` parameters of datasketch's ``affine32`` permutations.

    Permutation ``k`` maps a pre-mixed hash ``h`` to ``a[k] * h + b[k]`` modulo 2**32.
    The values equal ``MinHash(num_perm, seed, scheme="affine32").permutations``; they are
    generated here rather than read from datasketch so that a change there shows up as a
    failing test, not as a silently incompatible store. The arrays are cached and read-only.
    """
    _check_perm(num_perm, seed)
    return _permutations(num_perm, seed)


@lru_cache(maxsize=16)
def _permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def _check_perm(num_perm: int, seed: int) -> None:
    if isinstance(num_perm, bool) or not isinstance(num_perm, int | np.integer) or num_perm < 1:
        raise ValueError(f"num_perm must be a positive integer, got {num_perm!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, 2**32), got {seed!r}")


def window_signatures(
    shingles: U32,
    starts: npt.ArrayLike,
    ends: npt.ArrayLike,
    num_perm: int,
    seed: int,
    *,
    chunk_elements: int = CHUNK_ELEMENTS,
) -> U32:
    """Return the MinHash signature of every window of shingle hashes.

    Window ``i`` is the set of hashes ``shingles[starts[i]:ends[i]]``; windows may overlap,
    come in any order and be empty. Row ``i`` of the result equals the hash values of
    ``datasketch.MinHash(num_perm, seed, scheme="affine32", hashfunc=...)`` updated with each
    shingle of window ``i`` (the hashfunc returning that shingle's 32-bit hash); an empty
    window gets datasketch's empty value, all ``0xFFFFFFFF``.

    Each shingle is permuted once, in chunks of about ``chunk_elements`` values, and each
    window is reduced from a sparse table of minima over runs of 1, 2, 4, ... shingles.

    Args:
        shingles: 32-bit shingle hashes, as from ``overlap.text.shingles.shingle_hashes``.
        starts: First shingle index of each window.
        ends: One past the last shingle index of each window.
        num_perm: Permutations per signature.
        seed: Seed of the permutations.
        chunk_elements: Upper bound on the permuted values held at once (memory bound).

    Returns:
        Array of shape ``(len(starts), num_perm)``, dtype uint32.

    Raises:
        ValueError: If an argument has the wrong type or shape, or a window lies outside
            ``shingles`` or ends before it starts.
    """
    _check_perm(num_perm, seed)
    hashes, lo, hi = _check_windows(shingles, starts, ends)
    if chunk_elements < 1:
        raise ValueError(f"chunk_elements must be >= 1, got {chunk_elements}")
    rows = max(chunk_elements // num_perm, 4)
    out = np.full((len(lo), num_perm), EMPTY, dtype=np.uint32)
    live = np.flatnonzero(hi > lo)
    if live.size == 0:
        return out
    mixed = fmix32(hashes)
    lengths = hi[live] - lo[live]
    short = lengths <= min(_SHORT, rows // 2)
    if short.all():
        _reduce_windows(mixed, lo[live], hi[live], live, num_perm, seed, rows, out, combine=False)
        return out
    sel = live[short]
    _reduce_windows(mixed, lo[sel], hi[sel], sel, num_perm, seed, rows, out, combine=False)
    # Long windows are cut into pieces of at most rows // 2 shingles, whose minima are combined.
    sel = live[~short]
    piece = rows // 2
    counts = -(-(hi[sel] - lo[sel]) // piece)
    owner = np.repeat(sel, counts)
    first = np.repeat(lo[sel], counts) + ranks(counts) * piece
    last = np.minimum(first + piece, hi[owner])
    _reduce_windows(mixed, first, last, owner, num_perm, seed, rows, out, combine=True)
    return out


def concatenate_windows(
    shingles: Sequence[U32], ranges: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]]
) -> tuple[U32, I64, I64, I64]:
    """Concatenate documents' shingles and shift their window ranges into the concatenation.

    Args:
        shingles: Shingle hashes of each document.
        ranges: ``(starts, ends)`` of each document's windows, indices into its own shingles,
            as from ``overlap.text.shingles.window_shingle_ranges``.

    Returns:
        ``(shingles, starts, ends, window_offsets)``: the concatenated hashes, the shifted
        ranges, and offsets such that document ``d`` owns windows
        ``window_offsets[d]:window_offsets[d + 1]``.
    """
    if len(shingles) != len(ranges):
        raise ValueError(
            f"need one range pair per document, got {len(shingles)} documents "
            f"and {len(ranges)} range pairs"
        )
    sizes = np.array([len(s) for s in shingles], dtype=np.int64)
    shift = np.cumsum(sizes) - sizes
    starts = [np.asarray(r[0], dtype=np.int64) for r in ranges]
    ends = [np.asarray(r[1], dtype=np.int64) for r in ranges]
    for d, (s, e) in enumerate(zip(starts, ends, strict=True)):
        if s.shape != e.shape or s.ndim != 1:
            raise ValueError(f"document {d}: starts and ends must be 1-D of equal length")
        if s.size and (s.min() < 0 or e.max() > sizes[d]):
            raise ValueError(f"document {d}: a window lies outside its {sizes[d]} shingles")
    n_windows = np.array([len(s) for s in starts], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(n_windows))).astype(np.int64)
    per_window = np.repeat(shift, n_windows)
    flat: U32 = np.concatenate(
        [np.asarray(s, dtype=np.uint32) for s in shingles] or [np.zeros(0, np.uint32)]
    )
    if not starts:
        return flat, np.zeros(0, np.int64), np.zeros(0, np.int64), offsets
    return flat, np.concatenate(starts) + per_window, np.concatenate(ends) + per_window, offsets


def batch_signatures(
    shingles: Sequence[U32],
    ranges: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]],
    num_perm: int,
    seed: int,
    *,
    chunk_elements: int = CHUNK_ELEMENTS,
) -> tuple[U32, I64]:
    """Return the window signatures of many documents, computed together.

    Args:
        shingles: Shingle hashes of each document.
        ranges: ``(starts, ends)`` of each document's windows, indices into its own shingles.
        num_perm: Permutations per signature.
        seed: Seed of the permutations.
        chunk_elements: Upper bound on the permuted values held at once (memory bound).

    Returns:
        ``(signatures, window_offsets)``: one row per window of every document in order, and
        offsets such that document ``d`` owns rows ``window_offsets[d]:window_offsets[d + 1]``.
    """
    flat, starts, ends, offsets = concatenate_windows(shingles, ranges)
    sigs = window_signatures(flat, starts, ends, num_perm, seed, chunk_elements=chunk_elements)
    return sigs, offsets


def _check_windows(
    shingles: U32, starts: npt.ArrayLike, ends: npt.ArrayLike
) -> tuple[U32, I64, I64]:
    if not isinstance(shingles, np.ndarray) or shingles.dtype != np.uint32 or shingles.ndim != 1:
        got = shingles.dtype if isinstance(shingles, np.ndarray) else type(shingles).__name__
        raise ValueError(f"shingles must be a 1-D uint32 array, got {got}")
    lo, hi = np.asarray(starts), np.asarray(ends)
    for name, arr in (("starts", lo), ("ends", hi)):
        if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            raise ValueError(f"{name} must be a 1-D integer array, got {arr.dtype} {arr.shape}")
    if lo.shape != hi.shape:
        raise ValueError(f"starts and ends differ in length: {lo.size} != {hi.size}")
    lo, hi = lo.astype(np.int64), hi.astype(np.int64)
    bad = np.flatnonzero((lo < 0) | (hi < lo) | (hi > len(shingles)))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"window {i} is [{lo[i]}, {hi[i]}), not a range inside {len(shingles)} shingles"
        )
    return shingles, lo, hi


def _reduce_windows(
    mixed: U32,
    lo: I64,
    hi: I64,
    owner: I64,
    num_perm: int,
    seed: int,
    rows: int,
    out: U32,
    *,
    combine: bool,
) -> None:
    """Write (or with ``combine``, fold in) the minima of non-empty ranges into ``out[owner]``.

    Ranges are taken in order of their start, a chunk of rows at a time; a chunk ends where
    its last range ends and the next chunk starts at the next range, so shingles shared by
    ranges on both sides of a chunk boundary are permuted twice, but only those.
    """
    if lo.size == 0:
        return
    order = np.argsort(lo, kind="stable")
    lo, hi, owner = lo[order], hi[order], owner[order]
    longest = int((hi - lo).max())
    a_rows, b_rows = _tiled(num_perm, seed, rows)
    rows = min(rows, int(hi.max() - lo.min()))  # a small call needs no full-size buffers
    buf = np.empty((2, rows, num_perm), dtype=np.uint32)
    cap = _cheapest_level(hi - lo, int(hi.max() - lo.min()))
    i = 0
    while i < lo.size:
        c0 = int(lo[i])
        j = max(int(np.searchsorted(lo, c0 + rows - longest, side="right")), i + 1)
        c1 = int(hi[i:j].max())
        minima = _chunk_minima(mixed[c0:c1], lo[i:j] - c0, hi[i:j] - c0, a_rows, b_rows, buf, cap)
        if combine:
            np.minimum.at(out, owner[i:j], minima)
        else:
            out[owner[i:j]] = minima
        i = j


@lru_cache(maxsize=4)
def _tiled(num_perm: int, seed: int, rows: int) -> tuple[U32, U32]:
    """Return ``a`` and ``b`` repeated for ``rows`` shingles, flat and read-only."""
    a, b = _permutations(num_perm, seed)
    tiles = np.tile(a, rows), np.tile(b, rows)
    for t in tiles:
        t.flags.writeable = False
    return tiles


def _cheapest_level(lengths: I64, rows: int) -> int:
    """Return the sparse-table level to stop at for ranges of these lengths over ``rows`` rows.

    Costs are in rows of one pass (a level): a gathered row costs about two, and a numpy
    call about 300, which makes small inputs prefer higher levels and fewer calls.
    """
    call = 300
    uniq, counts = np.unique(lengths, return_counts=True)
    sizes = list(zip(uniq.tolist(), counts.tolist(), strict=True))
    longest = sizes[-1][0]
    best, best_cost = 0, -1
    for k in range(longest.bit_length()):
        width = 1 << k
        runs = sum(c * (max(-(-n // width), 2) if n >= width else 2) for n, c in sizes)
        cost = k * (rows + call) + 2 * runs + call * -(-longest // width)
        if best_cost < 0 or cost < best_cost:
            best, best_cost = k, cost
    return best


def _chunk_minima(
    mixed: U32, lo: I64, hi: I64, a_rows: U32, b_rows: U32, buf: U32, cap: int
) -> U32:
    """Return the minimum permuted value over ``[lo, hi)`` of one chunk, per range.

    Level ``k`` of the sparse table holds, at row ``r``, the minimum over rows
    ``r .. r + 2**k - 1``. A range of length ``L < 2**cap`` is the union of the two
    (overlapping) runs of level ``floor(log2 L)`` that start at ``lo`` and end at ``hi``;
    a longer one is covered by ``ceil(L / 2**cap)`` runs of level ``cap``.
    """
    n = len(mixed)
    cur, spare = buf[0, :n], buf[1, :n]
    # One flat multiply and add over rows tiled from a and b: faster than broadcasting a
    # (num_perm,) row over every shingle, which runs numpy's inner loop once per shingle.
    flat = cur.reshape(-1)
    np.multiply(np.repeat(mixed, buf.shape[2]), a_rows[: flat.size], out=flat)
    np.add(flat, b_rows[: flat.size], out=flat)
    levels = np.minimum(np.log2(hi - lo).astype(np.int64), cap)
    top = int(levels.max())
    uniform = top == int(levels.min())  # the usual case: windows of one length
    minima = np.empty((len(lo), buf.shape[2]), dtype=np.uint32)
    width = 1
    for k in range(top):
        sel = lo[:0] if uniform else np.flatnonzero(levels == k)
        if sel.size:
            minima[sel] = np.minimum(_rows(cur, lo[sel]), _rows(cur, hi[sel] - width))
        n -= width
        np.minimum(cur[:n], cur[width : width + n], out=spare[:n])
        cur, spare = spare[:n], cur[:n]
        width *= 2
    sel = np.flatnonzero(levels == top)
    first, last = (lo, hi) if uniform else (lo[sel], hi[sel])
    found = np.minimum(_rows(cur, first), _rows(cur, last - width))
    for j in range(1, int(-(-(last - first).max() // width)) - 1):
        np.minimum(found, _rows(cur, np.minimum(first + j * width, last - width)), out=found)
    if uniform:
        return found
    minima[sel] = found
    return minima


def _rows(table: U32, index: I64) -> U32:
    """Gather rows; ``take`` is faster than fancy indexing for this."""
    return np.take(table, index, axis=0)
