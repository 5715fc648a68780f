"""MinHash window signatures: bit-identity with datasketch, edge cases, batching."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from datasketch import MinHash
from datasketch.minhash import _fmix
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.settings import Settings
from overlap.sketch import (
    EMPTY,
    batch_signatures,
    concatenate_windows,
    fmix32,
    permutations,
    window_signatures,
)
from overlap.text.shingles import (
    shingle_hash32,
    shingle_hashes,
    window_shingle_ranges,
    word_hashes,
)

U32 = npt.NDArray[np.uint32]


def datasketch_signature(
    items: list[object], num_perm: int, seed: int, hashfunc: Callable[[Any], int] = int
) -> U32:
    m = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=hashfunc)
    for item in items:
        m.update(item)
    return np.asarray(m.hashvalues)


def datasketch_windows(
    hashes: U32, starts: list[int], ends: list[int], num_perm: int, seed: int
) -> U32:
    rows = [
        datasketch_signature([int(h) for h in hashes[s:e]], num_perm, seed)
        for s, e in zip(starts, ends, strict=True)
    ]
    return np.array(rows, dtype=np.uint32).reshape(len(starts), num_perm)


def random_words(rng: np.random.Generator, n: int, vocab: int = 50) -> list[str]:
    return [f"w{i}" for i in rng.integers(0, vocab, n)]


# --- permutations and fmix ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("num_perm", "seed"), [(1, 0), (2, 1), (128, 1), (256, 42), (7, 2**32 - 1)]
)
def test_permutations_equal_datasketch(num_perm: int, seed: int) -> None:
    a, b = permutations(num_perm, seed)
    expected = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert a.dtype == b.dtype == np.uint32
    np.testing.assert_array_equal(a, expected[0])
    np.testing.assert_array_equal(b, expected[1])
    assert (a % 2 == 1).all()  # odd multipliers make each permutation a bijection


def test_permutations_are_cached_and_read_only() -> None:
    a, b = permutations(16, 3)
    assert permutations(16, 3)[0] is a
    for arr in (a, b):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 1
    assert not np.array_equal(permutations(16, 4)[0], a)


@pytest.mark.parametrize(
    ("num_perm", "seed", "message"),
    [
        (0, 1, "num_perm must be a positive integer, got 0"),
        (-3, 1, "num_perm"),
        (True, 1, "num_perm"),
        (2.0, 1, "num_perm"),
        (8, -1, "seed must be an integer in"),
        (8, 2**32, "seed"),
        (8, "1", "seed"),
    ],
)
def test_permutations_reject_bad_values(num_perm: object, seed: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        permutations(num_perm, seed)  # type: ignore[arg-type]


@given(st.lists(st.integers(0, 2**32 - 1), max_size=200))
def test_fmix32_equals_datasketch(values: list[int]) -> None:
    h = np.array(values, dtype=np.uint32)
    np.testing.assert_array_equal(fmix32(h), _fmix(h, 32))


def test_fmix32_known_values_and_bijection() -> None:
    assert fmix32(np.array([0], np.uint32))[0] == 0  # the finalizer's fixed point
    assert fmix32(np.array([1], np.uint32))[0] == 0x514E28B7  # MurmurHash3 fmix32(1)
    spread = fmix32(np.arange(1 << 16, dtype=np.uint32))
    assert len(np.unique(spread)) == 1 << 16


def test_fmix32_rejects_other_dtypes() -> None:
    with pytest.raises(ValueError, match="uint32 values, got int64"):
        fmix32(np.arange(3))  # type: ignore[arg-type]


# --- window signatures -------------------------------------------------------------------


@pytest.mark.parametrize("n_words", [1, 3, 4, 5, 23, 24, 25, 37, 400])
def test_document_windows_equal_datasketch_with_project_hash(n_words: int) -> None:
    """The full path: words -> shingle hashes -> windows, against datasketch fed word tuples."""
    s = Settings()
    words = random_words(np.random.default_rng(n_words), n_words)
    shingles = shingle_hashes(word_hashes(words), s.shingle)
    starts, ends = window_shingle_ranges(n_words, s.shingle, s.window, s.stride)
    sigs = window_signatures(shingles, starts, ends, s.num_perm, s.seed)
    k = min(s.shingle, n_words)
    tuples = [tuple(words[i : i + k]) for i in range(n_words - k + 1)]
    for row, (lo, hi) in zip(sigs, zip(starts, ends, strict=True), strict=True):
        expected = datasketch_signature(
            list(tuples[lo:hi]),
            s.num_perm,
            s.seed,
            hashfunc=shingle_hash32,
        )
        np.testing.assert_array_equal(row, expected)


WINDOW_CASES = {
    "one shingle": (5, [(2, 3)]),
    "empty window": (5, [(3, 3)]),
    "empty among others": (9, [(0, 4), (4, 4), (4, 9)]),
    "overlapping": (12, [(0, 5), (2, 7), (4, 9), (6, 12)]),
    "nested and identical": (12, [(0, 12), (3, 6), (3, 6), (0, 12)]),
    "out of order": (20, [(15, 20), (0, 7), (6, 18), (1, 2)]),
    "powers of two": (40, [(0, 1), (0, 2), (1, 5), (3, 11), (7, 23), (8, 40)]),
    "whole array": (33, [(0, 33)]),
    "many lengths": (64, [(i, i + n) for i in (0, 5, 17) for n in range(0, 40, 3)]),
    "no windows": (6, []),
    "no shingles": (0, [(0, 0)]),
}


@pytest.mark.parametrize("case", WINDOW_CASES)
@pytest.mark.parametrize("chunk_elements", [1, 40, 256, 1 << 19])
def test_window_cases_equal_datasketch(case: str, chunk_elements: int) -> None:
    n, ranges = WINDOW_CASES[case]
    rng = np.random.default_rng(len(case))
    hashes = rng.integers(0, 2**32, n, dtype=np.uint32)
    hashes[: n // 3] = hashes[n // 3 : 2 * (n // 3)]  # repeated shingles count once
    starts, ends = [r[0] for r in ranges], [r[1] for r in ranges]
    sigs = window_signatures(hashes, starts, ends, 8, 5, chunk_elements=chunk_elements)
    assert sigs.shape == (len(ranges), 8)
    assert sigs.dtype == np.uint32
    np.testing.assert_array_equal(sigs, datasketch_windows(hashes, starts, ends, 8, 5))


def test_empty_window_is_datasketch_empty_value() -> None:
    sigs = window_signatures(np.array([1, 2, 3], np.uint32), [1], [1], 16, 1)
    assert (sigs == EMPTY).all()
    np.testing.assert_array_equal(sigs[0], MinHash(num_perm=16, seed=1).hashvalues)


@settings(max_examples=60, deadline=None)
@given(
    hashes=st.lists(st.integers(0, 2**32 - 1), max_size=80),
    raw_ranges=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=12),
    num_perm=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    chunk_elements=st.sampled_from([1, 7, 30, 1 << 19]),
)
def test_arbitrary_windows_equal_datasketch(
    hashes: list[int],
    raw_ranges: list[tuple[int, int]],
    num_perm: int,
    seed: int,
    chunk_elements: int,
) -> None:
    h = np.array(hashes, dtype=np.uint32)
    n = len(h)
    ranges = [(min(x, y, n), min(max(x, y), n)) for x, y in raw_ranges]
    starts, ends = [r[0] for r in ranges], [r[1] for r in ranges]
    sigs = window_signatures(h, starts, ends, num_perm, seed, chunk_elements=chunk_elements)
    np.testing.assert_array_equal(sigs, datasketch_windows(h, starts, ends, num_perm, seed))


def test_long_windows_split_across_chunks_equal_one_pass() -> None:
    rng = np.random.default_rng(7)
    h = rng.integers(0, 2**32, 3000, dtype=np.uint32)
    starts = np.array([0, 10, 500, 2999, 1234, 0])
    ends = np.array([3000, 2500, 520, 3000, 1300, 12])
    small = window_signatures(h, starts, ends, 32, 9, chunk_elements=32 * 50)
    whole = window_signatures(h, starts, ends, 32, 9, chunk_elements=32 * 8000)
    np.testing.assert_array_equal(small, whole)
    a, b = permutations(32, 9)
    permuted = a * fmix32(h)[:, None] + b
    for row, s, e in zip(small, starts, ends, strict=True):
        np.testing.assert_array_equal(row, permuted[s:e].min(axis=0))


@pytest.mark.parametrize(
    ("shingles", "starts", "ends", "message"),
    [
        (np.arange(4), [0], [1], "1-D uint32 array, got int64"),
        ([1, 2, 3], [0], [1], "1-D uint32 array, got list"),
        (np.zeros((2, 2), np.uint32), [0], [1], "1-D uint32"),
        (np.zeros(4, np.uint32), [0, 1], [1], "differ in length: 2 != 1"),
        (np.zeros(4, np.uint32), [2], [1], r"window 0 is \[2, 1\)"),
        (np.zeros(4, np.uint32), [0, 3], [1, 5], r"window 1 is \[3, 5\), not a range inside 4"),
        (np.zeros(4, np.uint32), [-1], [1], r"window 0 is \[-1, 1\)"),
        (np.zeros(4, np.uint32), [0.5], [1.0], "starts must be a 1-D integer array"),
        (np.zeros(4, np.uint32), [[0]], [[1]], "starts must be a 1-D integer array"),
    ],
)
def test_window_signatures_reject_bad_input(
    shingles: object, starts: object, ends: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        window_signatures(shingles, starts, ends, 4, 1)  # type: ignore[arg-type]


def test_chunk_elements_must_be_positive() -> None:
    with pytest.raises(ValueError, match="chunk_elements must be >= 1, got 0"):
        window_signatures(np.zeros(3, np.uint32), [0], [1], 4, 1, chunk_elements=0)


# --- batches -----------------------------------------------------------------------------

DOC_LENGTHS = [0, 1, 3, 4, 24, 25, 60, 401, 0, 7]


@pytest.mark.parametrize("chunk_elements", [64, 1 << 19])
def test_batch_equals_one_document_at_a_time(chunk_elements: int) -> None:
    s = Settings()
    rng = np.random.default_rng(11)
    shingles, ranges = [], []
    for n in DOC_LENGTHS:
        shingles.append(shingle_hashes(word_hashes(random_words(rng, n)), s.shingle))
        ranges.append(window_shingle_ranges(n, s.shingle, s.window, s.stride))
    sigs, offsets = batch_signatures(shingles, ranges, 32, 3, chunk_elements=chunk_elements)
    assert offsets.tolist() == [0, *np.cumsum([len(r[0]) for r in ranges]).tolist()]
    for d, (hashes, (starts, ends)) in enumerate(zip(shingles, ranges, strict=True)):
        alone = window_signatures(hashes, starts, ends, 32, 3)
        np.testing.assert_array_equal(sigs[offsets[d] : offsets[d + 1]], alone)


def test_identical_documents_get_identical_signatures_in_a_batch() -> None:
    h = np.random.default_rng(3).integers(0, 2**32, 50, dtype=np.uint32)
    ranges = ([0, 12, 24], [21, 33, 45])
    sigs, offsets = batch_signatures([h, h[:5], h], [ranges, ([0], [5]), ranges], 16, 1)
    np.testing.assert_array_equal(sigs[0:3], sigs[4:7])
    assert offsets.tolist() == [0, 3, 4, 7]


def test_concatenate_windows_shifts_ranges() -> None:
    a, b = np.arange(5, dtype=np.uint32), np.arange(3, dtype=np.uint32)
    flat, starts, ends, offsets = concatenate_windows([a, b], [([0, 2], [3, 5]), ([1], [3])])
    assert flat.tolist() == [0, 1, 2, 3, 4, 0, 1, 2]
    assert starts.tolist() == [0, 2, 6]
    assert ends.tolist() == [3, 5, 8]
    assert offsets.tolist() == [0, 2, 3]


def test_empty_batch() -> None:
    sigs, offsets = batch_signatures([], [], 8, 1)
    assert sigs.shape == (0, 8)
    assert offsets.tolist() == [0]


@pytest.mark.parametrize(
    ("shingles", "ranges", "message"),
    [
        ([np.zeros(3, np.uint32)], [], "one range pair per document, got 1 documents and 0"),
        ([np.zeros(3, np.uint32)], [([0], [4])], "document 0: a window lies outside its 3"),
        ([np.zeros(3, np.uint32)], [([0, 1], [2])], "document 0: starts and ends must be"),
    ],
)
def test_concatenate_windows_rejects_bad_ranges(
    shingles: list[U32], ranges: list[tuple[list[int], list[int]]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        concatenate_windows(shingles, ranges)


def test_benchmark_runs_on_a_small_sample() -> None:
    path = Path(__file__).parents[1] / "benchmarks" / "bench_signatures.py"
    spec = importlib.util.spec_from_file_location("bench_signatures", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.measure(n_docs=30, words=60, sample=3)
    assert figures["signatures"] > 0
    assert figures["windows_per_doc"] == 7  # 60 words: windows of 16 at 0, 8, .., 40, 44
