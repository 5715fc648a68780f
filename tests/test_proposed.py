"""A scan's proposed pairs are kept as arrays and read as one set of id pairs."""

import pickle

import numpy as np
import pytest

from overlap.scanning.proposed import PairChunk, ProposedPairs


def chunk(firsts: list[str], seconds: list[str], pairs: list[tuple[int, int]]) -> PairChunk:
    rows = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return PairChunk(firsts, seconds, rows[:, 0], rows[:, 1])


def test_chunks_read_as_the_set_of_their_id_pairs_each_once() -> None:
    subs = ["a.txt", "b.txt"]
    proposed = ProposedPairs(
        [
            chunk(subs, ["p1", "p2"], [(0, 0), (0, 1), (1, 1)]),
            chunk(subs, ["p2", "p3"], [(1, 0), (1, 1)]),  # (b.txt, p2) again
            chunk(subs, subs, [(0, 1), (1, 0)]),
            chunk(subs, ["p9"], []),
        ]
    )
    expected = {("a.txt", "p1"), ("a.txt", "p2"), ("b.txt", "p2"), ("b.txt", "p3")}
    expected |= {("a.txt", "b.txt"), ("b.txt", "a.txt")}
    assert proposed == frozenset(expected) and frozenset(expected) == proposed
    assert len(proposed) == 6 and set(proposed) == expected
    assert ("b.txt", "p3") in proposed and ("b.txt", "p1") not in proposed
    assert pickle.loads(pickle.dumps(proposed)) == expected
    assert ProposedPairs() == frozenset() and not ProposedPairs()


def test_a_chunk_needs_as_many_first_as_second_indexes() -> None:
    with pytest.raises(ValueError, match="as many"):
        PairChunk(["a"], ["p"], np.zeros(2, np.int64), np.zeros(1, np.int64))
