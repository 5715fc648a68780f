"""LSH band keys and candidate pairs against plain-Python references."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from overlap.sketch import band_keys, join_keys, window_signatures
from overlap.sketch.lsh import fmix64
from overlap.text.shingles import shingle_hashes, window_shingle_ranges, word_hashes

M64 = (1 << 64) - 1


def py_fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & M64
    return h ^ (h >> 33)


def py_band_key(rows: list[int], band: int) -> int:
    """The documented construction, with Python integers."""
    state = py_fmix64(((band + 1) * 0x9E3779B97F4A7C15) & M64)
    for j in range(0, len(rows), 2):
        word = rows[j] << 32 | (rows[j + 1] if j + 1 < len(rows) else 0)
        state = py_fmix64(state ^ word)
    return state


# --- band keys ---------------------------------------------------------------------------


@given(
    rows_bands=st.sampled_from([(8, 8), (8, 4), (12, 4), (6, 2), (8, 1), (5, 5)]),
    data=st.data(),
)
def test_band_keys_equal_python_reference(rows_bands: tuple[int, int], data: st.DataObject) -> None:
    num_perm, bands = rows_bands
    sigs = data.draw(hnp.arrays(np.uint32, st.tuples(st.integers(0, 5), st.just(num_perm))))
    keys = band_keys(sigs, bands)
    assert keys.shape == (len(sigs), bands)
    assert keys.dtype == np.uint64
    r = num_perm // bands
    for n in range(len(sigs)):
        for b in range(bands):
            assert int(keys[n, b]) == py_band_key([int(v) for v in sigs[n, b * r : (b + 1) * r]], b)


def test_band_keys_are_pinned() -> None:
    """Keys are stored on disk; changing them silently would orphan every corpus store."""
    sig = np.arange(1, 9, dtype=np.uint32).reshape(1, 8)
    assert [hex(int(k)) for k in band_keys(sig, 4)[0]] == [
        hex(py_band_key([1, 2], 0)),
        hex(py_band_key([3, 4], 1)),
        hex(py_band_key([5, 6], 2)),
        hex(py_band_key([7, 8], 3)),
    ]
    assert int(band_keys(sig, 4)[0, 0]) == PINNED_KEY


PINNED_KEY = 0x6980DCF7087A5081  # band 0 of signature 1..8 in 4 bands


@settings(max_examples=50)
@given(st.lists(st.integers(0, 2**32 - 1), min_size=2, max_size=2), st.integers(2, 64))
def test_same_rows_in_different_bands_get_different_keys(rows: list[int], bands: int) -> None:
    sig = np.array([rows * bands], dtype=np.uint32)
    keys = band_keys(sig, bands)[0]
    assert len(set(keys.tolist())) == bands


@given(
    hnp.arrays(np.uint32, (2, 4), elements=st.integers(0, 3)),
)
def test_two_rows_per_band_collide_only_when_equal(sigs: npt.NDArray[np.uint32]) -> None:
    keys = band_keys(sigs, 2)
    for b in range(2):
        same_rows = bool((sigs[0, 2 * b : 2 * b + 2] == sigs[1, 2 * b : 2 * b + 2]).all())
        assert (keys[0, b] == keys[1, b]) == same_rows


def test_band_keys_are_deterministic_and_chunked_alike() -> None:
    sigs = np.random.default_rng(5).integers(0, 2**32, (20_000, 128), dtype=np.uint32)
    keys = band_keys(sigs, 64)
    np.testing.assert_array_equal(keys, band_keys(sigs.copy(), 64))
    np.testing.assert_array_equal(keys[12_345:12_350], band_keys(sigs[12_345:12_350], 64))
    assert band_keys(sigs[:0], 64).shape == (0, 64)


@pytest.mark.parametrize(
    ("sigs", "bands", "message"),
    [
        (np.zeros((2, 8), np.uint64), 4, "2-D uint32 array, got uint64"),
        (np.zeros(8, np.uint32), 4, r"2-D uint32 array, got uint32 \(8,\)"),
        (np.zeros((2, 8), np.uint32), 3, "bands must divide num_perm, got bands=3, num_perm=8"),
        (np.zeros((2, 8), np.uint32), 0, "bands must be a positive integer, got 0"),
        (np.zeros((2, 8), np.uint32), True, "bands must be a positive integer"),
    ],
)
def test_band_keys_reject_bad_input(sigs: npt.NDArray[np.uint32], bands: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        band_keys(sigs, bands)


def test_fmix64_equals_python_reference() -> None:
    values = [0, 1, 2**63, M64, 0x0123456789ABCDEF]
    got = fmix64(np.array(values, dtype=np.uint64))
    assert got.tolist() == [py_fmix64(v) for v in values]


# --- candidate pairs ---------------------------------------------------------------------


def test_copied_passage_is_proposed_and_unrelated_text_is_not() -> None:
    rng = np.random.default_rng(2024)
    vocab = [f"w{i}" for i in range(5000)]
    source = [vocab[j] for j in rng.integers(0, 5000, 300)]
    copied = [vocab[j] for j in rng.integers(0, 5000, 100)] + source[120:180]
    unrelated = [vocab[j] for j in rng.integers(0, 5000, 300)]

    def keys(words: list[str]) -> npt.NDArray[np.uint64]:
        starts, ends = window_shingle_ranges(len(words), 4, 24, 12)
        shingles = shingle_hashes(word_hashes(words), 4)
        return band_keys(window_signatures(shingles, starts, ends, 128, 1), 64)

    def pairs(
        query: npt.NDArray[np.uint64], index: npt.NDArray[np.uint64]
    ) -> npt.NDArray[np.int64]:
        # Rows stand in for documents, so the join returns (query window, source window).
        qd = np.repeat(np.arange(len(query)), query.shape[1])
        idd = np.repeat(np.arange(len(index)), index.shape[1])
        return join_keys(query.reshape(-1), qd, index.reshape(-1), idd)

    index = keys(source)
    hits = pairs(keys(copied), index)
    assert len(hits) > 0
    # Every proposed source window overlaps the copied words 120..180.
    source_starts = window_shingle_ranges(300, 4, 24, 12)[0]
    assert all(120 - 24 < source_starts[s] < 180 for s in hits[:, 1])
    assert len(pairs(keys(unrelated), index)) == 0
