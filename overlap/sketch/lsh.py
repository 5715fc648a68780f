"""LSH banding: one 64-bit key per band of a signature, and the pairs of rows that share one."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from overlap.arrays import distinct

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_CHUNK_ROWS = 8192
_BAND_SALT = np.uint64(0x9E3779B97F4A7C15)  # odd, so band * salt differs for every band index


def fmix64(h: U64) -> U64:
    """Apply the 64-bit MurmurHash3 finalizer, a bijection of uint64, elementwise."""
    s, m1, m2 = _FMIX64
    h = h ^ (h >> s)
    h *= m1
    h ^= h >> s
    h *= m2
    h ^= h >> s
    return h


def band_keys(signatures: npt.NDArray[np.uint32], bands: int) -> U64:
    """Return one 64-bit key per band of each signature.

    Band ``j`` holds the ``r = num_perm / bands`` consecutive hash values starting at
    ``j * r``. The rows are packed two per 64-bit word and folded into a state that starts at
    a band-specific value, ``state = fmix64(state ^ word)``. For fixed rows every step is a
    bijection of the state, so the same rows in two different bands never get the same key;
    a key column kept without its band index mixes bands only by chance collisions.

    Collisions: with ``r <= 2`` the key is a bijection of the rows, so two windows share a
    band key exactly when they share the band's rows (no false positives at all). With
    ``r > 2``, two different row tuples share a key with probability about 2**-64: for
    ``N`` distinct band values the expected number of spurious colliding pairs is about
    ``N**2 / 2**65`` (some 3e-4 for a hundred million). A spurious key only proposes a
    candidate, which alignment then rejects.

    Args:
        signatures: ``(n, num_perm)`` uint32 MinHash signatures.
        bands: Number of bands; must divide ``num_perm``.

    Returns:
        ``(n, bands)`` uint64 keys.
    """
    sigs = np.asarray(signatures)
    if sigs.dtype != np.uint32 or sigs.ndim != 2:
        raise ValueError(f"signatures must be a 2-D uint32 array, got {sigs.dtype} {sigs.shape}")
    n, num_perm = sigs.shape
    if isinstance(bands, bool) or not isinstance(bands, int | np.integer) or bands < 1:
        raise ValueError(f"bands must be a positive integer, got {bands!r}")
    if num_perm % bands:
        raise ValueError(f"bands must divide num_perm, got bands={bands}, num_perm={num_perm}")
    rows = num_perm // bands
    start = fmix64(np.arange(1, bands + 1, dtype=np.uint64) * _BAND_SALT)
    keys = np.empty((n, bands), dtype=np.uint64)
    # Chunks of rows keep the uint64 temporaries in cache.
    for c in range(0, n, _CHUNK_ROWS):
        values = sigs[c : c + _CHUNK_ROWS].reshape(-1, bands, rows)
        state = np.broadcast_to(start, (len(values), bands))
        for j in range(0, rows, 2):
            word = values[:, :, j].astype(np.uint64) << np.uint64(32)
            if j + 1 < rows:
                word |= values[:, :, j + 1]
            word ^= state
            state = fmix64(word)
        keys[c : c + _CHUNK_ROWS] = state
    return keys


def join_keys(query_keys: U64, query_docs: I64, index_keys: U64, index_docs: I64) -> I64:
    """Return distinct ``(query_doc, index_doc)`` rows for every key the two sides share.

    Keys are flat arrays of band keys (band-distinct by construction, see :func:`band_keys`),
    each with the document it belongs to; the result is sorted. There is no cap on bucket
    size, so a key shared by very many documents yields a quadratic number of pairs.
    """
    q_rows, i_rows = join_rows(query_keys, index_keys)
    if not len(q_rows):
        return np.zeros((0, 2), dtype=np.int64)
    q = query_docs[q_rows].astype(np.int64)
    i = index_docs[i_rows].astype(np.int64)
    width = int(i.max()) + 1
    codes = distinct(q * width + i)  # one flat sort instead of a row-wise unique
    return np.stack(np.divmod(codes, width), axis=1).astype(np.int64)


def join_sorted(sorted_keys: U64, sorted_docs: I64, index_keys: U64, index_docs: I64) -> I64:
    """:func:`join_keys` of a query side sorted by key: each index row is looked up in it.

    The same rows as ``join_keys(sorted_keys, sorted_docs, index_keys, index_docs)``, at the
    cost of the index side only (a store part's few rows left after the batch's filter).
    """
    lo = np.searchsorted(sorted_keys, index_keys, side="left")
    counts = np.searchsorted(sorted_keys, index_keys, side="right") - lo
    if not counts.any():
        return np.zeros((0, 2), dtype=np.int64)
    q = sorted_docs[np.repeat(lo, counts) + ranks(counts)].astype(np.int64)
    i = np.repeat(index_docs, counts).astype(np.int64)
    width = int(i.max()) + 1
    codes = distinct(q * width + i)
    return np.stack(np.divmod(codes, width), axis=1).astype(np.int64)


def join_rows(query_keys: U64, index_keys: U64) -> tuple[I64, I64]:
    """Every ``(query row, index row)`` whose keys are equal, in query row order."""
    empty = np.zeros(0, dtype=np.int64)
    if len(query_keys) == 0 or len(index_keys) == 0:
        return empty, empty
    order = np.argsort(index_keys, kind="stable")
    sorted_keys = index_keys[order]
    lo = np.searchsorted(sorted_keys, query_keys, side="left")
    counts = np.searchsorted(sorted_keys, query_keys, side="right") - lo
    hit = counts > 0
    if not hit.any():
        return empty, empty
    rows = np.repeat(np.flatnonzero(hit), counts[hit]).astype(np.int64)
    return rows, order[np.repeat(lo[hit], counts[hit]) + ranks(counts[hit])].astype(np.int64)


def uncommon(keys: U64, most: int) -> npt.NDArray[np.bool_]:
    """Mask of the rows whose key at most ``most`` rows hold (the rest is stock phrasing).

    Rows are ``(key, doc)`` pairs, distinct, so a key's rows count the documents holding it.
    """
    if not len(keys):
        return np.zeros(0, dtype=np.bool_)
    _, inverse, count = np.unique(keys, return_inverse=True, return_counts=True)
    keep: npt.NDArray[np.bool_] = count[inverse] <= most
    return keep


class KeySet:
    """A set of keys compared on the bits under ``mask``, tested against ascending keys.

    A bitmap over the masked keys' top bits (band keys are uniformly mixed), one bit per
    slot and at least 64 slots per key up to 2**26, rules out most non-members with one
    look; the rest are checked exactly against the sorted masked keys. The values tested
    come sorted (a store part's keys, see :mod:`overlap.store.bands`), so one compiled pass
    walks the bitmap and the sorted keys in order (:mod:`overlap.sketch.key_loops`).
    """

    def __init__(self, keys: U64, mask: int = 2**64 - 1) -> None:
        self.mask = np.uint64(mask)
        self.sorted = distinct(np.asarray(keys, dtype=np.uint64) & self.mask)
        self.bits = min(26, max(12, (64 * len(self.sorted)).bit_length()))
        top = self.sorted >> np.uint64(64 - self.bits)
        self.words = np.zeros(1 << (self.bits - 6), dtype=np.uint64)
        np.bitwise_or.at(
            self.words,
            (top >> np.uint64(6)).astype(np.int64),
            np.uint64(1) << (top & np.uint64(63)),
        )

    def __contains__(self, key: object) -> bool:
        return bool(len(self.found(np.array([key], dtype=np.uint64))))

    def found(self, ascending: U64) -> I64:
        """Indices of the ``ascending`` values whose masked bits are a member's.

        Raises:
            ValueError: The values are not in ascending order of their masked bits.
        """
        from overlap.sketch.key_loops import sorted_members

        values = np.ascontiguousarray(ascending, dtype=np.uint64)
        out, ordered = sorted_members(values, self.mask, self.words, self.bits, self.sorted)
        if not ordered:
            raise ValueError("values must be in ascending order of their masked bits")
        found: I64 = out
        return found


def self_pairs(keys: U64, docs: I64) -> I64:
    """Return distinct ``(a, b)`` document pairs, ``a < b``, within one batch sharing a key."""
    pairs = join_keys(keys, docs, keys, docs)
    return pairs[pairs[:, 0] < pairs[:, 1]]


def ranks(counts: I64) -> I64:
    """Return 0, 1, .., c - 1 for each count c, concatenated."""
    firsts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(len(firsts), dtype=np.int64) - firsts
