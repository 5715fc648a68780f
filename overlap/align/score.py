"""Scores of a verified passage: TF-IDF cosine and containment, computed from the words."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence


class Idf:
    """Smoothed inverse document frequencies (scikit-learn's ``smooth_idf`` formula)."""

    def __init__(self, n_documents: int, df: Mapping[int, int]) -> None:
        self.n_documents = n_documents
        self._df = df

    @classmethod
    def fit(cls, documents: Iterable[Sequence[int]]) -> Idf:
        """Count document frequencies of word hashes over ``documents``."""
        df: Counter[int] = Counter()
        n = 0
        for words in documents:
            df.update(set(words))
            n += 1
        return cls(n, df)

    def merged(self, n_documents: int, df: Mapping[int, int]) -> Idf:
        """Return frequencies of this collection plus another one."""
        total: Counter[int] = Counter(self._df)
        total.update(df)
        return Idf(self.n_documents + n_documents, total)

    def weight(self, term: int) -> float:
        """IDF of one word hash: ``ln((1 + n) / (1 + df)) + 1``."""
        return math.log((1 + self.n_documents) / (1 + self._df.get(term, 0))) + 1.0

    def cosine(self, a: Sequence[int], b: Sequence[int]) -> float:
        """TF-IDF cosine similarity of two bags of word hashes."""
        ta, tb = Counter(a), Counter(b)
        if not ta or not tb:
            return 0.0
        w = {t: self.weight(t) for t in ta.keys() | tb.keys()}
        dot = sum(ta[t] * tb[t] * w[t] ** 2 for t in ta.keys() & tb.keys())
        na = math.sqrt(sum((c * w[t]) ** 2 for t, c in ta.items()))
        nb = math.sqrt(sum((c * w[t]) ** 2 for t, c in tb.items()))
        return dot / (na * nb)


def containment(a: Sequence[int], b: Sequence[int], n: int = 3) -> float:
    """Share of ``a``'s word n-grams that also occur in ``b`` (unigrams for short passages)."""
    size = n if min(len(a), len(b)) >= n else 1
    grams_a = {tuple(a[i : i + size]) for i in range(len(a) - size + 1)}
    if not grams_a:
        return 0.0
    grams_b = {tuple(b[i : i + size]) for i in range(len(b) - size + 1)}
    return len(grams_a & grams_b) / len(grams_a)
