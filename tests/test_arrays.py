"""Distinct values of an array, as ``np.unique`` gives them."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from overlap.arrays import distinct


@given(arrays(np.uint64, st.integers(0, 300), elements=st.integers(0, 2**64 - 1)))
def test_distinct_is_numpy_unique_of_unsigned_keys(values: np.ndarray) -> None:
    out = distinct(values)
    assert out.dtype == values.dtype
    assert np.array_equal(out, np.unique(values))


@given(arrays(np.int64, st.integers(0, 300), elements=st.integers(-5, 5)))
def test_distinct_is_numpy_unique_of_few_signed_values(values: np.ndarray) -> None:
    assert np.array_equal(distinct(values), np.unique(values))
    assert np.array_equal(distinct(np.sort(values)), np.unique(values))


def test_distinct_leaves_its_input_alone() -> None:
    values = np.array([3, 1, 3, 2], dtype=np.int64)
    assert distinct(values).tolist() == [1, 2, 3]
    assert values.tolist() == [3, 1, 3, 2]
    assert distinct(np.zeros(0, dtype=np.uint64)).dtype == np.uint64
