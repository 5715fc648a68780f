"""Sorted runs merged a key range at a time give what one stable sort of all rows gives."""

import numpy as np
import pytest

from overlap.sketch import runs as runs_module
from overlap.sketch.runs import PIECES, merge_runs

TOP = np.iinfo(np.uint64).max


def reference(runs: list[tuple[np.ndarray, tuple[np.ndarray, ...]]], carried: int) -> list:
    keys = np.concatenate([k for k, _ in runs])
    order = np.argsort(keys, kind="stable")
    return [keys[order], *(np.concatenate([v[c] for _, v in runs])[order] for c in range(carried))]


def sorted_runs(rng: np.random.Generator, count: int) -> list[tuple[np.ndarray, tuple]]:
    width = (1 << 64) // PIECES
    edges = [p * width for p in range(1, PIECES)]
    shared = rng.integers(0, TOP, 50, dtype=np.uint64, endpoint=True)
    out = []
    for r in range(count):
        n = int(rng.integers(0, 400))
        keys = np.concatenate(
            [
                rng.integers(0, TOP, n, dtype=np.uint64, endpoint=True),
                rng.choice(shared, 30),  # keys in several runs, and twice in one
                np.array([*edges[:3], 0, TOP, edges[-1] - 1], dtype=np.uint64),
            ]
        )
        keys.sort(kind="stable")
        rows = np.arange(len(keys), dtype=np.int64) + 1000 * r  # which run, which row
        out.append((keys, (rows, rng.integers(0, 9, len(keys)))))
    return out


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("carried", [0, 1, 2])
def test_merged_by_key_range_on_threads_as_one_stable_sort(
    monkeypatch: pytest.MonkeyPatch, threads: int, carried: int
) -> None:
    monkeypatch.setattr(runs_module, "THREADED_ROWS", 1)  # threads even for a few rows
    rng = np.random.default_rng(threads * 10 + carried)
    runs = sorted_runs(rng, 7)
    runs = [(k, v[:carried]) for k, v in runs]
    keys, values = merge_runs(runs, carried, threads)
    expected = reference(runs, carried)
    assert np.array_equal(keys, expected[0]) and keys.dtype == np.uint64
    assert len(values) == carried
    for got, want in zip(values, expected[1:], strict=True):
        assert np.array_equal(got, want)
    # Equal keys from different runs, in run order: the rows say which run they came from.
    if carried:
        repeated = np.flatnonzero(keys[1:] == keys[:-1])
        assert len(repeated) and np.all(values[0][repeated] < values[0][repeated + 1])


def test_no_runs_and_empty_runs_merge_to_nothing() -> None:
    keys, (rows,) = merge_runs([], 1)
    assert keys.dtype == np.uint64 and not len(keys) and not len(rows)
    empty = np.zeros(0, dtype=np.uint64), (np.zeros(0, dtype=np.int64),)
    keys, (rows,) = merge_runs([empty, empty], 1, threads=2)
    assert not len(keys) and not len(rows)
