"""A text's side of the word ids is kept for its next pair: the ids, and the runs, are the same."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.align.passages import align
from overlap.align.seeds import UNKNOWN, encode, encode_after, encode_known, find_runs, vocabulary
from overlap.settings import Settings
from overlap.text.tokens import tokenise

words = st.lists(st.sampled_from(["a", "b", "c", "dd", "e", "ff", "g"]), max_size=30)


@settings(max_examples=200, deadline=None)
@given(words, words, words)
def test_ids_after_a_kept_vocabulary_are_the_ids_of_encode(
    a: list[str], b: list[str], c: list[str]
) -> None:
    vocab, a_ids = vocabulary(a)
    kept = dict(vocab)
    for other in (b, c):
        expected = encode(a, other)
        assert a_ids.tolist() == expected[0].tolist()
        assert encode_after(dict(vocab), len(a), iter(other), len(other)).tolist() == (
            expected[1].tolist()
        )
    assert vocab == kept  # a copy was passed: the first text's map is as it was


def test_a_text_aligned_with_many_gives_what_fresh_tokens_give() -> None:
    rng = random.Random(3)
    pool = [f"w{i}" for i in range(40)]
    post = " ".join(rng.choice(pool) for _ in range(300))
    kept = tokenise(post)
    for _ in range(30):
        other = " ".join(rng.choice(pool) for _ in range(200))
        copied = " ".join(post.split()[100:115])
        other = f"{other} {copied}" if rng.random() < 0.5 else other
        assert align(kept, tokenise(other), Settings()) == align(
            tokenise(post), tokenise(other), Settings()
        )
    assert "word ids" in kept.memo


@settings(max_examples=300, deadline=None)
@given(words, words, st.integers(1, 4))
def test_ids_of_known_words_give_the_runs_of_encode(a: list[str], b: list[str], n: int) -> None:
    memo: dict[object, object] = {}
    a_ids, b_ids = encode_known(memo, "ids", a, iter(b), len(b))
    assert a_ids.tolist() == encode(a, b)[0].tolist()
    known = dict(zip(a, a_ids.tolist(), strict=True))
    assert b_ids.tolist() == [known.get(w, UNKNOWN) for w in b]
    for limits in ((10**9, 10**9), (2, 6)):
        assert find_runs(a, b, n, *limits, ids=(a_ids, b_ids)) == find_runs(a, b, n, *limits)
    assert encode_known(memo, "ids", a, iter([]), 0)[0] is a_ids  # a's side kept
