import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from overlap.sketch.content import (
    _sorted,
    batch_content_keys,
    clustered_pairs,
    content_hashes,
    content_stems,
    hash_words,
    sorted_ngram_keys,
)
from overlap.text.tokens import normalised_words


def content_keys(words: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Reference for one document: its distinct keys, sorted, and the first place of each."""
    keys, first = np.unique(sorted_ngram_keys(content_hashes(words), n), return_index=True)
    return keys, first


def keys_of(text: str, n: int = 2) -> set[int]:
    return set(content_keys(normalised_words(text), n)[0].tolist())


def test_stopwords_are_dropped_and_words_stemmed() -> None:
    words = normalised_words("The counselors were reflecting on the clients' stories")
    assert content_stems(words) == ["counse", "reflec", "client", "stor"]


def test_keys_do_not_depend_on_the_order_inside_a_run() -> None:
    h = np.array([11, 22, 33, 44], dtype=np.uint64)
    swapped = np.array([22, 11, 33, 44], dtype=np.uint64)  # first two words swapped
    assert sorted_ngram_keys(h, 2)[0] == sorted_ngram_keys(swapped, 2)[0]
    assert sorted_ngram_keys(h, 3)[0] == sorted_ngram_keys(h[[2, 0, 1]], 3)[0]
    assert sorted_ngram_keys(h, 2)[0] != sorted_ngram_keys(h, 2)[1]
    assert len(sorted_ngram_keys(h, 5)) == 0


def test_a_reworded_sentence_keeps_keys_a_different_one_has_none() -> None:
    source = "Regular exercise improves sleep quality and reduces anxiety in older adults"
    reworded = "In older adults, regular exercise reduces anxiety and improves sleep quality"
    other = "Budget committees approve municipal spending after public hearings each spring"
    assert len(keys_of(source) & keys_of(reworded)) >= 3
    assert not keys_of(source) & keys_of(other)


def test_positions_count_content_words_and_keep_the_first_occurrence() -> None:
    words = normalised_words("alpha beta the alpha beta gamma")
    _, keys, pos = batch_content_keys([content_hashes(words)], 2)
    by_key = dict(zip(keys.tolist(), pos.tolist(), strict=True))
    # (alpha beta), (beta alpha) and (alpha beta) at 0, 1, 2 are one key: the first is kept.
    assert sorted(by_key.values()) == [0, 3]


def rows(*pairs: tuple[int, int, int, int]) -> tuple[np.ndarray, ...]:
    a = np.array(pairs, dtype=np.int64).reshape(-1, 4)
    return a[:, 0], a[:, 1], a[:, 2], a[:, 3]


@pytest.mark.parametrize(
    ("shared", "span", "expected"),
    [
        # Two keys 3 content words apart on both sides: a pair, chain of 2.
        ([(0, 10, 1, 50), (0, 13, 1, 53)], 10, [([0, 1], 2)]),
        # Near on the left, far on the right: chance.
        ([(0, 10, 1, 50), (0, 13, 1, 400)], 10, []),
        # One key only: never a pair.
        ([(0, 10, 1, 50)], 10, []),
        # Rows at one left position are taken by right position, whatever their order.
        ([(0, 10, 1, 30), (0, 10, 1, 0), (0, 12, 1, 1)], 5, []),
        ([(0, 10, 1, 0), (0, 10, 1, 30), (0, 12, 1, 1)], 5, []),
        # Exactly span apart counts; one more does not.
        ([(0, 0, 1, 0), (0, 10, 1, 10)], 10, [([0, 1], 2)]),
        ([(0, 0, 1, 0), (0, 11, 1, 11)], 10, []),
        # The keys of every chain count, pairs kept apart.
        (
            [
                (0, 1, 1, 1),
                (0, 2, 1, 2),
                (0, 3, 1, 3),
                (0, 90, 1, 90),
                (0, 91, 1, 91),
                (2, 5, 1, 5),
                (2, 6, 1, 6),
            ],
            4,
            [([0, 1], 5), ([2, 1], 2)],
        ),
    ],
)
def test_clustered_pairs(
    shared: list[tuple[int, int, int, int]], span: int, expected: list[tuple[list[int], int]]
) -> None:
    ld, lp, rd, rp = rows(*shared)
    pairs, sizes = clustered_pairs(ld, lp, rd, rp, span)
    assert [(p, s) for p, s in zip(pairs.tolist(), sizes.tolist(), strict=True)] == expected


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(0, 3), st.integers(0, 40)),
        max_size=30,
    )
)
def test_clustered_pairs_only_join_documents_with_two_near_keys(
    shared: list[tuple[int, int, int, int]],
) -> None:
    ld, lp, rd, rp = rows(*shared) if shared else (np.zeros(0, np.int64),) * 4
    pairs, sizes = clustered_pairs(ld, lp, rd, rp, 5)
    for (a, b), size in zip(pairs.tolist(), sizes.tolist(), strict=True):
        mine = sorted((p, q) for x, p, y, q in shared if (x, y) == (a, b))
        assert size >= 2
        assert any(
            abs(p2 - p1) <= 5 and abs(q2 - q1) <= 5
            for (p1, q1), (p2, q2) in itertools.pairwise(mine)
        )


def test_content_hashes_are_the_hashes_of_the_content_stems() -> None:
    from overlap.text.shingles import word_hashes

    words = normalised_words("The counselors were reflecting on the clients' stories again")
    assert content_hashes(words).tolist() == word_hashes(content_stems(words)).tolist()
    assert content_hashes(words).tolist() == content_hashes(words).tolist()  # from the table


def test_hash_words_gives_both_hashes_of_new_and_known_words() -> None:
    from overlap.text.shingles import word_hashes

    for text in ("the flood reached the delta farms", "a farm, the farms; unseen-word delta"):
        words = normalised_words(text)
        hashes, content = hash_words(words)
        assert hashes.tolist() == word_hashes(words).tolist()
        assert content.tolist() == word_hashes(content_stems(words)).tolist()
    assert [len(h) for h in hash_words([])] == [0, 0]


@given(
    st.lists(
        st.lists(
            st.sampled_from(["the", "a", "river", "delta", "farm", "flood", "x"]), max_size=12
        ),
        max_size=6,
    ),
    st.integers(1, 3),
)
def test_batch_content_keys_equal_the_keys_of_each_document(docs: list[list[str]], n: int) -> None:
    doc, keys, pos = batch_content_keys([content_hashes(d) for d in docs], n)
    for i, words in enumerate(docs):
        mine = doc == i
        want_keys, want_pos = content_keys(words, n)
        got = sorted(zip(keys[mine].tolist(), pos[mine].tolist(), strict=True))
        assert got == list(zip(want_keys.tolist(), want_pos.tolist(), strict=True))


@pytest.mark.parametrize("largest", [3, 40, 2**20, 2**40])
def test_rows_sort_as_by_four_keys(largest: int) -> None:
    """Packed into one integer or not, the rows come in lexicographic order."""
    rng = np.random.default_rng(largest)
    columns = [rng.integers(0, largest, 300).astype(np.int64) for _ in range(4)]
    order = np.lexsort(columns[::-1])
    got = _sorted(*columns)
    assert [c.tolist() for c in got] == [c[order].tolist() for c in columns]
