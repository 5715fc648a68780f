"""Sketch layer: MinHash signatures of shingle windows and their LSH band keys."""

from overlap.sketch.lsh import band_keys, join_keys, self_pairs
from overlap.sketch.minhash import (
    EMPTY,
    batch_signatures,
    concatenate_windows,
    fmix32,
    permutations,
    window_signatures,
)

__all__ = [
    "EMPTY",
    "band_keys",
    "batch_signatures",
    "concatenate_windows",
    "fmix32",
    "join_keys",
    "permutations",
    "self_pairs",
    "window_signatures",
]
