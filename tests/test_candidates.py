import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from overlap.scanning.candidates import _banded_peers, _held_by_few, _sorted_self_join
from overlap.sketch.content import ContentIndex, clustered_pairs
from overlap.sketch.lsh import KeySet, join_keys, join_rows, join_sorted, self_pairs, uncommon
from overlap.store.bands import STORED_BITS


def brute(qk, qd, ik, idd):  # type: ignore[no-untyped-def]
    pairs = zip(qk, qd, strict=True), zip(ik, idd, strict=True)
    left, right = list(pairs[0]), list(pairs[1])
    return sorted({(q, i) for k1, q in left for k2, i in right if k1 == k2})


keys = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), max_size=25)


def rows(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Keys and documents of ``(key, document)`` rows."""
    k = np.array([k for k, _ in pairs], dtype=np.uint64)
    return k, np.array([d for _, d in pairs], dtype=np.int64)


@given(keys, keys)
def test_join_keys_equals_brute_force(q: list[tuple[int, int]], i: list[tuple[int, int]]) -> None:
    (qk, qd), (ik, idd) = rows(q), rows(i)
    got = [tuple(r) for r in join_keys(qk, qd, ik, idd).tolist()]
    assert got == brute(qk.tolist(), qd.tolist(), ik.tolist(), idd.tolist())


def test_self_pairs_are_ordered_and_distinct() -> None:
    k = np.array([5, 5, 5, 7, 7], dtype=np.uint64)
    d = np.array([0, 1, 2, 2, 2], dtype=np.int64)
    assert self_pairs(k, d).tolist() == [[0, 1], [0, 2], [1, 2]]


def random_rows(
    rng: np.random.Generator, n: int, keys: int, docs: int, presorted: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random ``(key, document)`` rows, sorted by key then document if ``presorted``."""
    k = rng.integers(0, keys, n).astype(np.uint64)
    d = rng.integers(0, docs, n).astype(np.int64)
    if presorted:
        order = np.lexsort((d, k))
        k, d = k[order], d[order]
    return k, d


@pytest.mark.parametrize("presorted", [False, True])
def test_keys_held_by_few_documents(presorted: bool) -> None:
    """The mask counts distinct documents per key, in whatever order the rows come."""
    rng = np.random.default_rng(7)
    for _ in range(100):
        keys, docs = random_rows(rng, int(rng.integers(1, 200)), 15, 10, presorted)
        most = int(rng.integers(0, 5))
        holders = {int(k): len(set(docs[keys == k].tolist())) for k in set(keys.tolist())}
        expected = [holders[int(k)] <= most for k in keys]
        assert _held_by_few(keys, docs, most).tolist() == expected


@pytest.mark.parametrize("presorted", [False, True])
def test_banded_peers_are_the_pairs_of_keys_held_by_few(presorted: bool) -> None:
    """The sorted fast path and the general one both give self_pairs of the kept rows."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        keys, docs = random_rows(rng, int(rng.integers(0, 120)), 25, 12, presorted)
        most = int(rng.integers(1, 6))
        few = _held_by_few(keys, docs, most)
        expected = self_pairs(keys[few], docs[few]).tolist()
        brute = sorted(
            {
                (int(a), int(b))
                for k in set(keys.tolist())
                if len(set(docs[keys == k].tolist())) <= most
                for a in docs[keys == k].tolist()
                for b in docs[keys == k].tolist()
                if a < b
            }
        )
        got = _banded_peers(keys, docs, most).tolist()
        assert got == expected == [list(p) for p in brute]


@given(keys, keys)
def test_join_sorted_equals_brute_force(q: list[tuple[int, int]], i: list[tuple[int, int]]) -> None:
    """The batch side sorted by key, each stored row looked up in it: the same pairs."""
    (qk, qd), (ik, idd) = rows(sorted(q)), rows(i)
    got = [tuple(r) for r in join_sorted(qk, qd, ik, idd).tolist()]
    assert got == brute(qk.tolist(), qd.tolist(), ik.tolist(), idd.tolist())


@pytest.mark.parametrize("size", [0, 1, 50, 5_000, 200_000])
@pytest.mark.parametrize("mask", [2**64 - 1, STORED_BITS])
def test_key_set_answers_as_a_set_does(size: int, mask: int) -> None:
    """Members, non-members that pass the bitmap, and keys at the ends of the range.

    Values are compared on the bits under the mask: a value that differs from a member only
    in the other bits is a member.
    """
    rng = np.random.default_rng(size)
    members = rng.integers(0, 2**64 - 1, size, dtype=np.uint64, endpoint=True)
    extremes = np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64)
    others = rng.integers(0, 2**64 - 1, 20_000, dtype=np.uint64, endpoint=True)
    # Values sharing a member's top bits (so the bitmap lets them through) but not equal.
    near = (members[:500] ^ np.uint64(1 << 20)) if size else members[:0]
    # Values differing from a member only in its lowest bits.
    low = (members[:500] ^ np.uint64(3)) if size else members[:0]
    values = np.sort(np.concatenate([members[::3], extremes, others, near, low]))
    keys = KeySet(members, mask)
    found = keys.found(values)
    m = np.uint64(mask)
    expected = np.flatnonzero(np.isin(values & m, members & m))
    assert found.tolist() == expected.tolist()
    assert np.isin(members[::3], values[found]).all()
    if size:
        assert (members[0] in keys) and ((members[0] ^ np.uint64(1 << 20)) not in keys)


def test_key_set_refuses_values_out_of_order() -> None:
    keys = KeySet(np.array([5, 9], dtype=np.uint64))
    with pytest.raises(ValueError, match="ascending"):
        keys.found(np.array([9, 5], dtype=np.uint64))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 5), st.integers(0, 40)), max_size=60),
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 30), st.integers(0, 40)), max_size=90),
    st.integers(1, 4),
)
def test_content_rows_join_as_the_array_passes_do(
    batch: list[tuple[int, int, int]], part: list[tuple[int, int, int]], most: int
) -> None:
    """Shared rows of a part and a batch: the part's stock keys dropped, then an equi-join."""
    batch = list({(k, d): (k, d, p) for k, d, p in batch}.values())  # a row per key, document
    part = list({(k, d): (k, d, p) for k, d, p in part}.values())

    def columns(rows: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k, d, p = (np.array(c, dtype=np.int64).reshape(-1) for c in zip(*rows, strict=True))
        return k.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15), d, p

    if not batch or not part:
        return
    bk, bd, bp = columns(batch)
    pk, pd, pp = columns(part)
    got = ContentIndex(bk, bd, bp).shared_rows(pk, pd, pp, most)
    keep = uncommon(pk, most)
    q_rows, i_rows = join_rows(bk, pk[keep])
    want = (bd[q_rows], bp[q_rows], pd[keep][i_rows], pp[keep][i_rows])
    assert sorted(zip(*(c.tolist() for c in got), strict=True)) == sorted(
        zip(*(c.tolist() for c in want), strict=True)
    )


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 2), st.integers(0, 12)), max_size=40),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3), st.integers(0, 12)), max_size=40),
    st.integers(1, 4),
    st.integers(0, 6),
    st.sampled_from([0, 40]),
)
# Two keys near on one side and one word too far apart on the other, then near on both.
@example([(1, 0, 0), (2, 0, 2)], [(1, 0, 0), (2, 0, 3)], 4, 2, 0)
@example([(1, 0, 0), (2, 0, 3)], [(1, 0, 0), (2, 0, 2)], 4, 2, 0)
@example([(1, 0, 0), (2, 0, 2)], [(1, 0, 5), (2, 0, 3)], 4, 2, 0)
def test_clustered_content_rows_are_those_of_the_shared_rows(
    batch: list[tuple[int, int, int]],
    part: list[tuple[int, int, int]],
    most: int,
    span: int,
    shift: int,
) -> None:
    """The fused join and chaining gives the pairs and counts of the two steps it replaces.

    A shift of 40 bits on the part's positions leaves no room to pack a row into 63 bits:
    the two steps then run as they are.
    """
    batch = list({(k, d): (k, d, p) for k, d, p in batch}.values())
    part = list({(k, d): (k, d, p) for k, d, p in part}.values())
    if not batch or not part:
        return

    def columns(rows: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k, d, p = (np.array(c, dtype=np.int64).reshape(-1) for c in zip(*rows, strict=True))
        return k.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15), d, p

    bk, bd, bp = columns(batch)
    pk, pd, pp = columns(part)
    pp = pp << shift
    index = ContentIndex(bk, bd, bp)
    got_pairs, got_sizes = index.clustered(pk, pd, pp, most, span)
    want_pairs, want_sizes = clustered_pairs(*index.shared_rows(pk, pd, pp, most), span)
    assert got_pairs.tolist() == want_pairs.tolist()
    assert got_sizes.tolist() == want_sizes.tolist()
    # Rows sorted by key, as store parts are written now: the sequential pass agrees.
    order = np.lexsort((pd, pk))
    pairs, sizes = index.clustered(pk[order], pd[order], pp[order], most, span, by_key=True)
    assert pairs.tolist() == want_pairs.tolist()
    assert sizes.tolist() == want_sizes.tolist()
    if int(pd.max()) < 2**16 and int(pp.max()) < 2**31:  # as a part stores them: not widened
        rows, at = pd[order].astype(np.uint16), pp[order].astype(np.int32)
        pairs, sizes = index.clustered(pk[order], rows, at, most, span, by_key=True)
        assert pairs.tolist() == want_pairs.tolist()
        assert sizes.tolist() == want_sizes.tolist()


def test_content_rows_said_to_be_sorted_by_key_and_not_are_refused() -> None:
    index = ContentIndex(np.array([5, 9], dtype=np.uint64), np.array([0, 1]), np.array([0, 0]))
    keys = np.array([9, 5], dtype=np.uint64)
    rows, pos = np.array([0, 1]), np.array([0, 1])
    assert index.clustered(keys, rows, pos, 4, 2)[0].tolist() == []
    with pytest.raises(ValueError, match="not sorted by key"):
        index.clustered(keys, rows, pos, 4, 2, by_key=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=80), st.integers(1, 6))
def test_a_sorted_self_join_gives_the_pairs_of_the_uncommon_rows(
    keys: list[int], most: int
) -> None:
    ordered = np.array(sorted(keys), dtype=np.uint64)
    found = _sorted_self_join(ordered, most)
    assert found is not None
    keep = np.flatnonzero(uncommon(ordered, most))
    a, b = join_rows(ordered[keep], ordered[keep])
    expected = sorted(
        (x, y) for x, y in zip(keep[a].tolist(), keep[b].tolist(), strict=True) if x != y
    )
    pairs = sorted(
        (x, y) for x, y in zip(found[0].tolist(), found[1].tolist(), strict=True) if x != y
    )
    assert pairs == expected  # a row with itself never makes a pair of two documents
    if len(set(keys)) > 1 and keys != sorted(keys):
        assert _sorted_self_join(np.array(keys, dtype=np.uint64), most) is None
