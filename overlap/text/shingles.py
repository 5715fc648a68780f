"""Word shingles as 32-bit hashes, and the overlapping windows that group them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_MULT = 0x9E3779B97F4A7C15  # odd 64-bit constant (golden ratio) for combining word hashes
_MASK64 = (1 << 64) - 1
_CACHE: dict[str, int] = {}
_CACHE_LIMIT = 2_000_000


def word_hash64(word: str) -> int:
    """Stable 64-bit hash of a normalised word."""
    digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def word_hashes(words: Sequence[str]) -> npt.NDArray[np.uint64]:
    """Hash every word (memoised, since vocabularies are small next to corpora)."""
    if len(_CACHE) > _CACHE_LIMIT:
        _CACHE.clear()
    values = list(map(_CACHE.get, words))
    if None in values:
        for i, v in enumerate(values):
            if v is None:
                values[i] = _CACHE.setdefault(words[i], word_hash64(words[i]))
    return np.array(values, dtype=np.uint64)


def shingle_hashes(hashes: npt.NDArray[np.uint64], size: int) -> npt.NDArray[np.uint32]:
    """Return the 32-bit hash of every run of ``size`` consecutive words.

    A text shorter than one shingle has a single shingle made of all its words, so that
    short texts still get a signature. The empty text has none.
    """
    n = len(hashes)
    if n == 0:
        return np.zeros(0, dtype=np.uint32)
    k = min(size, n)
    count = n - k + 1
    acc = np.zeros(count, dtype=np.uint64)
    mult = np.uint64(_MULT)
    with np.errstate(over="ignore"):
        for i in range(k):
            acc = acc * mult + hashes[i : i + count]
    folded = acc ^ (acc >> np.uint64(32))
    return (folded & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def shingle_hash32(words: Sequence[str]) -> int:
    """Scalar reference of :func:`shingle_hashes` for one shingle; also datasketch's hashfunc."""
    acc = 0
    for w in words:
        acc = (acc * _MULT + word_hash64(w)) & _MASK64
    return (acc ^ (acc >> 32)) & 0xFFFFFFFF


def window_starts(words: int, shingle: int, window: int, stride: int) -> npt.NDArray[np.int64]:
    """First word of each window; the last window is moved back to end at the text's end.

    Windows are ``window`` words long and start every ``stride`` words; a text shorter than
    one window has one window covering it.
    """
    if words == 0:
        return np.zeros(0, dtype=np.int64)
    if words <= window:
        return np.zeros(1, dtype=np.int64)
    starts = np.arange(0, words - window + 1, stride, dtype=np.int64)
    if starts[-1] + window < words:
        starts = np.append(starts, words - window)
    return starts


def window_shingle_ranges(
    words: int, shingle: int, window: int, stride: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Half-open ranges of shingle indices that make up each window."""
    starts = window_starts(words, shingle, window, stride)
    k = min(shingle, words) if words else shingle
    n_shingles = max(words - k + 1, 0)
    ends = np.minimum(starts + max(window - k + 1, 1), n_shingles)
    return starts, ends
