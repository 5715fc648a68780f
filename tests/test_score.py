import pytest

from overlap.align.score import Idf, containment


def test_cosine_of_identical_bags_is_one_and_disjoint_zero() -> None:
    idf = Idf.fit([[1, 2, 3], [1, 4], [5]])
    assert idf.cosine([1, 2, 3], [3, 2, 1]) == pytest.approx(1.0)
    assert idf.cosine([1, 2], [4, 5]) == 0.0
    assert idf.cosine([], [1]) == 0.0


def test_rare_words_weigh_more() -> None:
    idf = Idf.fit([[1, 2], [1, 3], [1, 4], [2]])
    assert idf.weight(3) > idf.weight(1)
    # Sharing the rare word counts for more than sharing the common one.
    assert idf.cosine([1, 3], [3, 9]) > idf.cosine([1, 3], [1, 9])


def test_idf_matches_sklearn_formula() -> None:
    import math

    idf = Idf(4, {7: 1})
    assert idf.weight(7) == pytest.approx(math.log(5 / 2) + 1)
    assert idf.merged(1, {7: 1}).weight(7) == pytest.approx(math.log(6 / 3) + 1)


@pytest.mark.parametrize(
    ("a", "b", "want"),
    [
        ([1, 2, 3, 4], [0, 1, 2, 3, 4, 5], 1.0),
        ([1, 2, 3, 4], [1, 2, 3, 9], 0.5),
        ([1, 2], [2, 1], 1.0),  # short passages compare words
        ([], [1, 2, 3], 0.0),
    ],
)
def test_containment(a: list[int], b: list[int], want: float) -> None:
    assert containment(a, b) == pytest.approx(want)
