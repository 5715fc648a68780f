"""Exact alignment: seeds, runs, chaining and the passages that come out."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_runs import seed_pairs

from overlap.align import Mode, align
from overlap.align.paraphrase import Seed, cluster, trim_to_runs
from overlap.align.passages import Chain, chain_runs, join_reordered, select_chains
from overlap.align.seeds import Run, encode, find_runs, runs_from_ids
from overlap.align.sentences import split_sentences, stem
from overlap.errors import SettingsError
from overlap.model import Evidence, Passage
from overlap.settings import Settings
from overlap.text.tokens import Tokens, tokenise

DEFAULT = Settings()


def filler(prefix: str, n: int) -> list[str]:
    """Words that occur nowhere else in a test."""
    return [f"{prefix}{i}" for i in range(n)]


def joined(*parts: list[str]) -> str:
    return " ".join(w for part in parts for w in part)


def run(a_text: str, b_text: str, s: Settings = DEFAULT) -> list[Passage]:
    return align(tokenise(a_text), tokenise(b_text), s)


def slices(p: Passage, a_text: str, b_text: str) -> tuple[str, str]:
    return a_text[p.start : p.end], b_text[p.other_start : p.other_end]


COPY = filler("copy", 30)
COPY_TEXT = " ".join(COPY)


# --- verbatim copies at exact offsets -------------------------------------------------------


@pytest.mark.parametrize(
    ("a_before", "a_after", "b_before", "b_after"),
    [
        (0, 0, 0, 0),
        (50, 50, 400, 600),
        (0, 80, 300, 0),
        (80, 0, 0, 300),
        (1, 1, 5999, 1),
    ],
)
def test_verbatim_copy_found_at_exact_offsets(
    a_before: int, a_after: int, b_before: int, b_after: int
) -> None:
    a_text = joined(filler("a", a_before), COPY, filler("x", a_after))
    b_text = joined(filler("b", b_before), COPY, filler("y", b_after))
    [p] = run(a_text, b_text)
    assert slices(p, a_text, b_text) == (COPY_TEXT, COPY_TEXT)
    assert (p.words, p.matched_words) == (30, 30)


def test_offsets_point_into_original_text_with_punctuation_and_case() -> None:
    copied = "The Quick brown fox, it said, jumps over the lazy dog near the river bank"
    a_text = f"{joined(filler('a', 20))}. «{copied}!» {joined(filler('x', 5))}"
    b_text = f"{joined(filler('b', 9))}\n\n  {copied.lower()}… {joined(filler('y', 3))}"
    [p] = run(a_text, b_text)
    assert a_text[p.start : p.end] == copied
    assert b_text[p.other_start : p.other_end] == copied.lower()
    assert p.words == p.matched_words == len(tokenise(copied))


# --- near-verbatim copies --------------------------------------------------------------------


def _edit(words: list[str], kind: str, at: int, n: int) -> list[str]:
    out = list(words)
    if kind == "change":
        out[at : at + n] = [f"changed{k}" for k in range(n)]
    elif kind == "insert":
        out[at:at] = [f"inserted{k}" for k in range(n)]
    elif kind == "drop":
        del out[at : at + n]
    elif kind == "repeat":
        out[at:at] = out[at - n : at]
    return out


@pytest.mark.parametrize(
    ("edits", "words", "matched"),
    [
        ([("change", 20, 1), ("change", 10, 1)], 30, 28),
        ([("change", 12, 2)], 30, 28),
        ([("change", 15, 4)], 30, 26),
        ([("insert", 15, 2)], 30, 30),
        ([("insert", 15, 4)], 30, 30),
        ([("drop", 15, 2)], 30, 28),
        ([("drop", 15, 4)], 30, 26),
        ([("repeat", 15, 2)], 30, 30),
        ([("change", 25, 1), ("insert", 10, 3)], 30, 29),
    ],
)
def test_near_verbatim_copy_is_one_passage(
    edits: list[tuple[str, int, int]], words: int, matched: int
) -> None:
    b_words = list(COPY)
    for kind, at, n in edits:
        b_words = _edit(b_words, kind, at, n)
    a_text = joined(filler("a", 40), COPY, filler("x", 40))
    b_text = joined(filler("b", 70), b_words, filler("y", 10))
    [p] = run(a_text, b_text)
    assert slices(p, a_text, b_text) == (COPY_TEXT, " ".join(b_words))
    assert (p.words, p.matched_words) == (words, matched)


@pytest.mark.parametrize(("gap", "passages"), [(4, 1), (5, 2), (8, 2)])
def test_gap_longer_than_max_gap_splits(gap: int, passages: int) -> None:
    b_words = _edit(COPY, "change", 13, gap)
    a_text = joined(filler("a", 5), COPY)
    b_text = joined(b_words, filler("b", 5))
    assert len(run(a_text, b_text)) == passages


def test_max_gap_zero_splits_at_a_changed_word() -> None:
    b_words = _edit(COPY, "change", 15, 1)
    found = run(COPY_TEXT, " ".join(b_words), Settings(max_gap=0))
    assert [(p.words, p.matched_words) for p in found] == [(15, 15), (14, 14)]


# --- several passages, repeats ---------------------------------------------------------------


@pytest.mark.parametrize("b_order", ["same", "swapped"])
def test_two_separate_copies_give_two_passages(b_order: str) -> None:
    one, two = filler("one", 12), filler("two", 20)
    a_text = joined(filler("a", 10), one, filler("x", 30), two, filler("z", 3))
    first, second = (one, two) if b_order == "same" else (two, one)
    b_text = joined(filler("b", 100), first, filler("y", 50), second)
    found = run(a_text, b_text)
    assert [slices(p, a_text, b_text) for p in found] == [
        (" ".join(one), " ".join(one)),
        (" ".join(two), " ".join(two)),
    ]
    assert found[0].start < found[1].start


def test_phrase_repeated_in_b_gives_one_passage_at_first_occurrence() -> None:
    a_text = joined(filler("a", 10), COPY, filler("x", 10))
    b_text = joined(filler("b", 10), COPY, filler("y", 10), COPY, filler("z", 10))
    [p] = run(a_text, b_text)
    assert slices(p, a_text, b_text) == (COPY_TEXT, COPY_TEXT)
    assert p.other_start == b_text.index(COPY_TEXT)


def test_longer_copy_wins_over_shorter_copy_of_the_same_words() -> None:
    a_text = joined(filler("a", 10), COPY, filler("x", 10))
    b_text = joined(COPY[:12], filler("y", 10), COPY[5:], filler("z", 10))
    [p] = run(a_text, b_text)
    assert slices(p, a_text, b_text) == (" ".join(COPY[5:]), " ".join(COPY[5:]))


def test_phrase_repeated_in_a_gives_passages_with_the_same_b_range() -> None:
    a_text = joined(COPY, filler("a", 10), COPY)
    b_text = joined(filler("b", 10), COPY)
    found = run(a_text, b_text)
    assert len(found) == 2
    assert {(p.other_start, p.other_end) for p in found} == {(b_text.index(COPY_TEXT), len(b_text))}


def test_ngram_too_frequent_in_b_does_not_hide_the_copy_around_it() -> None:
    boiler = ["the", "cat", "sat", "on", "the", "mat"]
    a_words = filler("a", 10) + COPY[:10] + boiler + COPY[10:20]
    b_words = boiler * 60 + COPY[:10] + boiler + COPY[10:20] + boiler * 60
    a_text, b_text = " ".join(a_words), " ".join(b_words)
    [p] = run(a_text, b_text)
    expected = " ".join(COPY[:10] + boiler + COPY[10:20])
    assert slices(p, a_text, b_text) == (expected, expected)
    assert p.matched_words == 26


# --- short and empty texts -------------------------------------------------------------------


@pytest.mark.parametrize(("shared", "expected"), [(3, 0), (7, 0), (8, 1), (9, 1)])
def test_shared_runs_below_min_words_are_dropped(shared: int, expected: int) -> None:
    a_text = joined(filler("a", 20), COPY[:shared], filler("x", 20))
    b_text = joined(filler("b", 20), COPY[:shared], filler("y", 20))
    assert len(run(a_text, b_text)) == expected


def test_many_short_runs_chained_reach_min_words() -> None:
    # 4 shared words, 1 changed, 4 shared: 8 matched words in one passage.
    a_text = "w1 w2 w3 w4 xx w5 w6 w7 w8"
    b_text = "w1 w2 w3 w4 yy w5 w6 w7 w8"
    [p] = run(a_text, b_text)
    assert (p.start, p.end, p.words, p.matched_words) == (0, len(a_text), 9, 8)


@pytest.mark.parametrize(
    ("a_text", "b_text"),
    [
        ("", ""),
        ("", COPY_TEXT),
        (COPY_TEXT, ""),
        ("  \n\t ... !!", COPY_TEXT),
        ("copy0 copy1", COPY_TEXT),
        ("copy0 copy1", "copy0 copy1"),
        (COPY_TEXT, "copy5"),
    ],
)
def test_empty_or_shorter_than_one_seed_gives_nothing(a_text: str, b_text: str) -> None:
    assert run(a_text, b_text, Settings(min_words=1)) == []
    assert find_runs(tokenise(a_text).norms, tokenise(b_text).norms, 3) == []


def test_single_word_seeds_find_single_shared_words() -> None:
    found = run("alpha beta gamma", "delta beta epsilon", Settings(seed_words=1, min_words=1))
    assert [(p.start, p.end, p.other_start, p.other_end) for p in found] == [(6, 10, 6, 10)]


# --- disguised copies ------------------------------------------------------------------------

_CYRILLIC = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441"})
PLAIN = "researchers observed that the coastal ecosystems recovered once the nets were removed"


@pytest.mark.parametrize(
    "disguise",
    [
        lambda s: s.translate(_CYRILLIC),
        lambda s: "".join(c + "\u200b" if c.isalpha() else c for c in s).replace("\u200b ", " "),
        lambda s: s.translate(_CYRILLIC).replace("o", "o\u00ad").replace("e", "e\u200d"),
        lambda s: s.upper().translate(str.maketrans({"E": "\u0415", "O": "\u039f"})),
    ],
)
def test_homoglyph_and_zero_width_disguised_copy_still_aligns(
    disguise: Callable[[str], str],
) -> None:
    disguised = disguise(PLAIN)
    assert disguised != PLAIN
    a_text = f"{joined(filler('a', 7))} {disguised}. {joined(filler('x', 7))}"
    b_text = f"{joined(filler('b', 30))} {PLAIN}. {joined(filler('y', 2))}"
    [p] = run(a_text, b_text)
    assert a_text[p.start : p.end].rstrip("\u200b\u200d") == disguised.rstrip("\u200b\u200d")
    assert b_text[p.other_start : p.other_end] == PLAIN
    [back] = run(b_text, a_text)
    assert (back.other_start, back.other_end) == (p.start, p.end)


# --- seeds and chaining in isolation ---------------------------------------------------------


def brute_force_runs(a: list[str], b: list[str], n: int) -> set[Run]:
    runs = set()
    for i in range(len(a)):
        for j in range(len(b)):
            if a[i] != b[j] or (i and j and a[i - 1] == b[j - 1]):
                continue
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            if k >= n:
                runs.add(Run(i, i + k, j, j + k))
    return runs


small_texts = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=60)


@given(a=small_texts, b=small_texts, n=st.integers(1, 4))
@settings(max_examples=200, deadline=None)
def test_runs_are_exactly_the_maximal_shared_runs(a: list[str], b: list[str], n: int) -> None:
    found = find_runs(a, b, n, max_hits=10**9, max_pairs=10**9)
    assert found == sorted(brute_force_runs(a, b, n))


@given(a=small_texts, b=small_texts, n=st.integers(1, 4), max_hits=st.integers(1, 5))
@settings(max_examples=200, deadline=None)
def test_skipping_frequent_seeds_still_gives_maximal_runs(
    a: list[str], b: list[str], n: int, max_hits: int
) -> None:
    found = find_runs(a, b, n, max_hits=max_hits)
    assert set(found) <= brute_force_runs(a, b, n)
    assert found == sorted(found)


@given(a=small_texts, b=small_texts, n=st.integers(1, 3), max_pairs=st.integers(0, 60))
@settings(max_examples=200, deadline=None)
def test_seed_pairs_stay_within_the_budget_dropping_frequent_ngrams_first(
    a: list[str], b: list[str], n: int, max_pairs: int
) -> None:
    a_ids, b_ids = encode(a, b)
    all_i, all_j = seed_pairs(a_ids, b_ids, n, 10**9, 10**9)
    i, j = seed_pairs(a_ids, b_ids, n, 10**9, max_pairs)
    assert len(i) <= max_pairs
    everything = set(zip(all_i.tolist(), all_j.tolist(), strict=True))
    kept = set(zip(i.tolist(), j.tolist(), strict=True))
    assert kept <= everything
    if len(everything) <= max_pairs:
        assert kept == everything
    hits = {
        g: sum(tuple(b[k : k + n]) == g for k in range(len(b) - n + 1))
        for g in {tuple(a[x : x + n]) for x, _ in everything}
    }
    if kept:
        most = max(hits[tuple(a[x : x + n])] for x, _ in kept)
        dropped = {x for x, _ in everything - kept}
        assert all(hits[tuple(a[x : x + n])] > most for x in dropped)


def test_noise_of_few_recurring_words_is_bounded() -> None:
    rng = random.Random(5)
    digits = [str(d) for d in range(5)]
    a_words, b_words = rng.choices(digits, k=3000), rng.choices(digits, k=3000)
    runs = find_runs(a_words, b_words, 3)
    assert len(runs) <= 2 * 6000
    unbounded = find_runs(a_words, b_words, 3, 10**9, 10**9)
    assert len(unbounded) > 2 * 6000
    assert set(runs) < set(unbounded)


@pytest.mark.parametrize(
    ("runs", "max_gap", "expected"),
    [
        ([], 4, []),
        ([Run(0, 5, 0, 5), Run(6, 10, 6, 10)], 1, [Chain(0, 10, 0, 10, 9)]),
        ([Run(0, 5, 0, 5), Run(6, 10, 6, 10)], 0, [Chain(0, 5, 0, 5, 5), Chain(6, 10, 6, 10, 4)]),
        ([Run(0, 5, 0, 5), Run(5, 10, 9, 14)], 4, [Chain(0, 10, 0, 14, 10)]),
        ([Run(0, 5, 0, 5), Run(5, 10, 10, 15)], 4, [Chain(0, 5, 0, 5, 5), Chain(5, 10, 10, 15, 5)]),
        ([Run(0, 4, 0, 4), Run(2, 6, 4, 8)], 4, [Chain(0, 6, 0, 8, 6)]),
        ([Run(0, 5, 10, 15), Run(6, 12, 0, 6)], 4, [Chain(6, 12, 0, 6, 6), Chain(0, 5, 10, 15, 5)]),
        ([Run(6, 10, 6, 10), Run(0, 5, 0, 5), Run(11, 15, 11, 15)], 1, [Chain(0, 15, 0, 15, 13)]),
    ],
)
def test_chain_runs(runs: list[Run], max_gap: int, expected: list[Chain]) -> None:
    assert chain_runs(runs, max_gap) == expected


@pytest.mark.parametrize(
    ("chains", "expected"),
    [
        ([Chain(0, 10, 0, 10, 10), Chain(5, 20, 30, 45, 15)], [Chain(5, 20, 30, 45, 15)]),
        ([Chain(0, 10, 50, 60, 10), Chain(0, 10, 0, 10, 10)], [Chain(0, 10, 0, 10, 10)]),
        ([Chain(0, 12, 0, 12, 10), Chain(2, 12, 0, 10, 10)], [Chain(2, 12, 0, 10, 10)]),
        (
            [Chain(0, 10, 0, 10, 10), Chain(10, 20, 0, 10, 10)],
            [Chain(0, 10, 0, 10, 10), Chain(10, 20, 0, 10, 10)],
        ),
        ([Chain(0, 10, 0, 10, 7)], []),
    ],
)
def test_select_chains(chains: list[Chain], expected: list[Chain]) -> None:
    assert select_chains(chains, min_words=8) == expected


@pytest.mark.parametrize(
    ("chains", "gap", "expected"),
    [
        ([], 8, []),
        # clauses moved: the second piece of a comes first in b, 2 words apart in a, 7 in b
        ([Chain(0, 12, 19, 31, 10), Chain(14, 24, 0, 12, 9)], 8, [Chain(0, 24, 0, 31, 19)]),
        # in order, but too far apart for one chain
        ([Chain(0, 9, 0, 9, 9), Chain(14, 24, 13, 23, 9)], 8, [Chain(0, 24, 0, 23, 18)]),
        (
            [Chain(0, 9, 0, 9, 9), Chain(14, 24, 13, 23, 9)],
            4,
            [Chain(0, 9, 0, 9, 9), Chain(14, 24, 13, 23, 9)],
        ),
        # too far apart in b
        (
            [Chain(0, 12, 30, 42, 10), Chain(14, 24, 0, 12, 9)],
            8,
            [Chain(0, 12, 30, 42, 10), Chain(14, 24, 0, 12, 9)],
        ),
        # two verbatim chains: two quotations, each with its own citation
        (
            [Chain(0, 9, 20, 29, 9), Chain(12, 22, 0, 10, 10)],
            8,
            [Chain(0, 9, 20, 29, 9), Chain(12, 22, 0, 10, 10)],
        ),
        # a joined chain is not verbatim, so a third verbatim piece joins it too
        (
            [Chain(0, 9, 0, 9, 9), Chain(11, 20, 11, 21, 8), Chain(22, 30, 23, 31, 8)],
            8,
            [Chain(0, 30, 0, 31, 25)],
        ),
        (
            [Chain(0, 12, 19, 31, 10), Chain(14, 24, 0, 12, 9)],
            -1,
            [Chain(0, 12, 19, 31, 10), Chain(14, 24, 0, 12, 9)],
        ),
    ],
)
def test_join_reordered(chains: list[Chain], gap: int, expected: list[Chain]) -> None:
    assert join_reordered(chains, gap) == expected


def test_moved_clauses_are_one_edited_passage() -> None:
    """Two clauses of a copy swapped, each too short alone for text shared with a student."""
    first, second = filler("first", 10), filler("second", 10)
    edited = [*first[:5], "changed", *first[6:]]
    a_text = joined(filler("own", 20), second, ["and", "so"], edited, filler("mine", 20))
    b_text = joined(filler("src", 20), first, ["then"], second, filler("end", 20))
    (p,) = run(a_text, b_text)
    mine, theirs = slices(p, a_text, b_text)
    assert mine == joined(second, ["and", "so"], edited)
    assert theirs == joined(first, ["then"], second)
    assert (p.matched_words, p.evidence) == (19, Evidence.EDITED)
    apart = run(a_text, b_text, Settings(join_gap=-1))
    assert [(q.matched_words, q.evidence) for q in apart] == [
        (10, Evidence.EXACT),
        (9, Evidence.EDITED),
    ]


def test_two_verbatim_quotations_stay_apart() -> None:
    first, second = filler("first", 10), filler("second", 10)
    a_text = joined(second, ["(Hale,", "2018)", "and"], first)
    b_text = joined(first, ["then"], second)
    found = run(a_text, b_text)
    assert [(q.matched_words, q.evidence) for q in found] == [(10, Evidence.EXACT)] * 2


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="seed_words must be >= 1, got 0"):
        find_runs(["a"], ["a"], 0)
    with pytest.raises(ValueError, match="max_gap must be >= 0, got -1"):
        chain_runs([], -1)


# --- invariants ------------------------------------------------------------------------------

separators = st.sampled_from([" ", "  ", ", ", ".\n", " — ", "\u200b "])
word_lists = st.lists(st.sampled_from(["red", "Red", "blue", "grün", "sky", "x1"]), max_size=80)


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(word_lists)
    return "".join(w + draw(separators) for w in words)


def check_invariants(
    found: list[Passage], a_text: str, b_text: str, a: Tokens, b: Tokens, s: Settings
) -> None:
    a_starts, a_ends = set(a.starts.tolist()), set(a.ends.tolist())
    b_starts, b_ends = set(b.starts.tolist()), set(b.ends.tolist())
    previous_end = -1
    for p in found:
        assert 0 <= p.start < p.end <= len(a_text)
        assert 0 <= p.other_start < p.other_end <= len(b_text)
        assert p.start in a_starts and p.end in a_ends
        assert p.other_start in b_starts and p.other_end in b_ends
        assert p.start >= previous_end  # sorted and disjoint in a
        previous_end = p.end
        assert s.min_words <= p.matched_words <= p.words
        assert p.words == len(tokenise(a_text[p.start : p.end]))


@given(
    a_text=texts(),
    b_text=texts(),
    s=st.builds(
        Settings,
        min_words=st.integers(1, 10),
        seed_words=st.integers(1, 4),
        max_gap=st.integers(0, 5),
    ),
)
@settings(max_examples=300, deadline=None)
def test_offsets_stay_inside_the_texts(a_text: str, b_text: str, s: Settings) -> None:
    a, b = tokenise(a_text), tokenise(b_text)
    check_invariants(align(a, b, s), a_text, b_text, a, b, s)


@st.composite
def planted_copies(draw: st.DrawFn) -> tuple[str, str, str]:
    """Two texts of distinct words that share one verbatim copy, and the copy."""
    n = draw(st.integers(0, 40)), draw(st.integers(0, 40)), draw(st.integers(0, 40))
    m = draw(st.integers(0, 40))
    words = draw(
        st.lists(st.integers(0, 10**6), min_size=sum(n) + m, max_size=sum(n) + m, unique=True)
    )
    names = [f"w{k}" for k in words]
    copy = names[: n[0]]
    a_before, rest = names[n[0] : n[0] + n[1]], names[n[0] + n[1] :]
    a_after, b_before, b_after = rest[: n[2]], rest[n[2] : n[2] + m // 2], rest[n[2] + m // 2 :]
    sep = draw(separators)
    return sep.join(a_before + copy + a_after), sep.join(b_before + copy + b_after), sep.join(copy)


@given(planted=planted_copies(), min_words=st.integers(1, 12))
@settings(max_examples=200, deadline=None)
def test_alignment_of_verbatim_copies_is_symmetric(
    planted: tuple[str, str, str], min_words: int
) -> None:
    a_text, b_text, copy = planted
    s = Settings(min_words=min_words)
    forward = {(p.start, p.end, p.other_start, p.other_end) for p in run(a_text, b_text, s)}
    backward = {(p.other_start, p.other_end, p.start, p.end) for p in run(b_text, a_text, s)}
    assert forward == backward
    copied = tokenise(copy).norms
    if len(copied) >= max(min_words, s.seed_words):
        [(start, end, other_start, other_end)] = forward
        assert tokenise(a_text[start:end]).norms == copied
        assert tokenise(b_text[other_start:other_end]).norms == copied
    else:
        assert forward == set()


@given(
    copy=st.lists(st.sampled_from(["la", "li", "lo"]), min_size=8, max_size=30),
    pre=st.integers(0, 10),
    post=st.integers(0, 10),
)
@settings(max_examples=200, deadline=None)
def test_symmetric_for_repetitive_copies_between_distinct_words(
    copy: list[str], pre: int, post: int
) -> None:
    a_text = joined(filler("a", pre), copy, filler("x", post))
    b_text = joined(filler("b", post), copy, filler("y", pre))
    forward = {(p.start, p.end, p.other_start, p.other_end) for p in run(a_text, b_text)}
    backward = {(p.other_start, p.other_end, p.start, p.end) for p in run(b_text, a_text)}
    assert forward == backward


# --- paraphrase evidence (given the texts) ---------------------------------------------------


def run_with_texts(a_text: str, b_text: str, s: Settings = DEFAULT) -> list[Passage]:
    return align(tokenise(a_text), tokenise(b_text), s, texts=(a_text, b_text))


def prose_sentences(prefix: str, n: int, words: int = 12) -> str:
    """Sentences of words found nowhere else in a test."""
    return " ".join(
        " ".join(f"{prefix}{k}w{i}" for i in range(words)).capitalize() + "." for k in range(n)
    )


SOURCE_SENTENCES = [
    "The river delta flooded every spring and farmers moved their cattle to the hills",
    "Engineers later built levees along the banks to protect the villages from water",
    "The levees changed the flow of silt and the delta slowly began to shrink",
    "Fishermen noticed fewer fish near the coast and blamed the new construction",
    "Scientists measured the sediment and confirmed that the delta was eroding fast",
]
REWORDED = [
    "Every spring the delta of the river flooded and the farmers moved cattle up to hills",
    "Later engineers constructed levees on the banks so villages were protected from water",
    "The flow of silt was changed by the levees and slowly the delta began shrinking",
    "Near the coast fishermen noticed fewer fish and they blamed the new construction",
    "The sediment was measured by scientists who confirmed the delta eroding quickly",
]


def test_reworded_sentences_give_one_paraphrase_passage() -> None:
    copied = ". ".join(REWORDED) + "."
    a_text = f"{prose_sentences('a', 6)} {copied} {prose_sentences('x', 4)}"
    b_text = f"{prose_sentences('b', 9)} {'. '.join(SOURCE_SENTENCES)}. {prose_sentences('y', 3)}"
    [p] = run_with_texts(a_text, b_text)
    assert p.evidence is Evidence.PARAPHRASE
    # Edge words the other side lacks ("Every", "quickly"; "The", "fast") are trimmed.
    assert a_text[p.start : p.end] == copied[len("Every ") : -len(" quickly.")]
    source = ". ".join(SOURCE_SENTENCES)
    assert b_text[p.other_start : p.other_end] == source[len("The ") : -len(" fast")]
    assert 0 < p.matched_words <= p.words == len(tokenise(copied)) - 2


def test_lead_in_and_own_words_around_a_reworded_sentence_are_not_in_the_passage() -> None:
    lead, tail = "As the report explains in its second chapter,", "which I found striking."
    body = ". ".join(REWORDED[1:])
    a_text = f"{prose_sentences('a', 6)} {lead} {body[0].lower()}{body[1:]}, {tail} " + (
        prose_sentences("x", 4)
    )
    b_text = f"{prose_sentences('b', 9)} {'. '.join(SOURCE_SENTENCES)}. {prose_sentences('y', 3)}"
    passages = run_with_texts(a_text, b_text)
    assert passages
    for p in passages:
        assert lead not in a_text[p.start : p.end] and tail not in a_text[p.start : p.end]


def test_verbatim_copy_is_the_same_exact_passage_with_texts() -> None:
    a_text = f"{prose_sentences('a', 5)} {COPY_TEXT}. {prose_sentences('x', 5)}"
    b_text = f"{prose_sentences('b', 5)} {COPY_TEXT}. {prose_sentences('y', 5)}"
    assert run_with_texts(a_text, b_text) == run(a_text, b_text)
    [p] = run(a_text, b_text)
    assert p.evidence is Evidence.EXACT and slices(p, a_text, b_text) == (COPY_TEXT, COPY_TEXT)


def test_copy_starting_mid_sentence_is_trimmed_to_the_exact_run() -> None:
    copied = ". ".join(SOURCE_SENTENCES)
    a_text = f"{prose_sentences('a', 5)} Unrelated words come first and then {copied}."
    b_text = f"{prose_sentences('b', 5)} {copied}. {prose_sentences('y', 5)}"
    [p] = run_with_texts(a_text, b_text)
    assert slices(p, a_text, b_text) == (copied, copied)


def test_summary_of_a_long_source_is_one_passage_spanning_the_source() -> None:
    filler = [prose_sentences(f"f{k}", 6) for k in range(len(SOURCE_SENTENCES))]
    source = " ".join(f"{s}. {f}" for s, f in zip(SOURCE_SENTENCES, filler, strict=True))
    summary = ". ".join(REWORDED) + "."
    a_text = f"{prose_sentences('a', 8)} {summary} {prose_sentences('x', 8)}"
    [p] = run_with_texts(a_text, source)
    assert p.evidence is Evidence.PARAPHRASE
    assert a_text[p.start : p.end] == summary[len("Every ") : -len(" quickly.")]
    assert source[p.other_start : p.other_end].startswith(SOURCE_SENTENCES[0][len("The ") :])
    assert source[p.other_start : p.other_end].endswith(SOURCE_SENTENCES[-1][: -len(" fast")])
    assert p.other_end - p.other_start >= DEFAULT.summary_ratio * (p.end - p.start)


@pytest.mark.parametrize(("least", "found"), [(0.5, 0), (0.4, 1)])
def test_one_weakly_similar_sentence_is_too_ambiguous(least: float, found: int) -> None:
    # Cosine 0.44 and Dice 0.46 with the source sentence: a seed, but on its own a weak one.
    weak = "The delta farmers took their herds uphill each spring when floods covered the fields"
    a_text = f"{prose_sentences('a', 5)} {weak}. {prose_sentences('x', 5)}"
    b_text = f"{prose_sentences('b', 5)} {SOURCE_SENTENCES[0]}. {prose_sentences('y', 5)}"
    s = Settings(min_paraphrase_words=5, single_sentence_similarity=least)
    assert len(run_with_texts(a_text, b_text, s)) == found


@pytest.mark.parametrize(
    ("a_text", "b_text"),
    [("", ""), ("", COPY_TEXT), (COPY_TEXT, ""), ("... !!", "?"), ("one", "one")],
)
def test_empty_or_tiny_texts_with_paraphrase_evidence(a_text: str, b_text: str) -> None:
    assert run_with_texts(a_text, b_text, Settings(min_words=1)) == []


@given(a_text=texts(), b_text=texts())
@settings(max_examples=200, deadline=None)
def test_offsets_stay_inside_the_texts_with_paraphrase_evidence(a_text: str, b_text: str) -> None:
    a, b = tokenise(a_text), tokenise(b_text)
    found = align(a, b, DEFAULT, texts=(a_text, b_text))
    exact = align(a, b, DEFAULT)
    a_starts, a_ends = set(a.starts.tolist()), set(a.ends.tolist())
    previous_end = -1
    for p in found:
        assert 0 <= p.start < p.end <= len(a_text) and 0 <= p.other_start < p.other_end
        assert p.other_end <= len(b_text)
        assert p.start in a_starts and p.end in a_ends
        assert p.start >= previous_end
        previous_end = p.end
        assert p.matched_words <= p.words == len(tokenise(a_text[p.start : p.end]))
    # No exact passage is lost: each is reported, or overlaps a reported passage.
    for e in exact:
        assert e in found or any(p.start < e.end and e.start < p.end for p in found)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("", []),
        ("one two three", ["one two three"]),
        ("One two three. Four five six! Seven eight nine?", ["One two three.", "Four five six!",
                                                            "Seven eight nine?"]),
        ("Dr. Who came here. Then he left again", ["Dr. Who came here.", "Then he left again"]),
        ("He said «one two three.» Four five six", ["He said «one two three.»", "Four five six"]),
        ("a b c\n\nd e f\ng h i", ["a b c", "d e f\ng h i"]),
        ("3.5 litres of water and 2.5 of milk", ["3.5 litres of water and 2.5 of milk"]),
    ],
)  # fmt: skip
def test_split_sentences(text: str, sentences: list[str]) -> None:
    tokens = tokenise(text)
    found = split_sentences(text, tokens)
    spans = [
        text[tokens.starts[s] : tokens.ends[e - 1]]
        for s, e in zip(found.starts.tolist(), found.ends.tolist(), strict=True)
    ]
    assert [s.rstrip(".!?»") for s in spans] == [s.rstrip(".!?»") for s in sentences]
    assert found.of_tokens().tolist() == [
        k
        for k, (s, e) in enumerate(zip(found.starts, found.ends, strict=True))
        for _ in range(s, e)
    ]


def test_long_sentences_are_cut_into_even_pieces() -> None:
    text = " ".join(f"w{i}" for i in range(150))
    found = split_sentences(text, tokenise(text))
    assert (found.ends - found.starts).tolist() == [50, 50, 50]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("studies", "stud"),
        ("studied", "stud"),
        ("running", "runn"),
        ("cat", "cat"),
        ("governments", "govern"),
        ("covid19", "covid19"),
        ("organisation", "organi"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def seed(a: int, b: int) -> Seed:
    return Seed(a, a + 1, b, b + 1, a, a, b, b, exact=False)


@pytest.mark.parametrize(
    ("seeds", "gap", "groups"),
    [
        ([], 1, []),
        ([seed(0, 0), seed(2, 2)], 1, [[(0, 0), (2, 2)]]),
        ([seed(0, 0), seed(3, 3)], 1, [[(0, 0)], [(3, 3)]]),
        # Near in a but far apart in b: two groups.
        ([seed(0, 0), seed(1, 30)], 4, [[(0, 0)], [(1, 30)]]),
        # Order may change inside a group (a summary reorders).
        ([seed(0, 2), seed(1, 0), seed(2, 1)], 1, [[(0, 2), (1, 0), (2, 1)]]),
    ],
)
def test_cluster(seeds: list[Seed], gap: int, groups: list[list[tuple[int, int]]]) -> None:
    found = sorted(sorted((s.sa0, s.sb0) for s in g) for g in cluster(seeds, gap, gap))
    assert found == groups


def test_trim_to_runs_keeps_the_edge_the_other_side_marks() -> None:
    sentence = Seed(0, 20, 100, 110, 0, 0, 5, 5, exact=False)
    run_from_b_start = Seed(10, 20, 100, 110, 0, 0, 5, 5, exact=True)
    [trimmed] = trim_to_runs([sentence], [run_from_b_start])
    assert (trimmed.a_start, trimmed.a_end, trimmed.b_start, trimmed.b_end) == (10, 20, 100, 110)
    inner_run = Seed(5, 15, 102, 108, 0, 0, 5, 5, exact=True)
    assert trim_to_runs([sentence], [inner_run]) == [sentence]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"sentence_cosine": 1.5}, "sentence_cosine must be in"),
        ({"sentence_dice": -0.1}, "sentence_dice must be in"),
        ({"passage_similarity": float("nan")}, "passage_similarity must be a number"),
        ({"sentence_gap": -1}, "sentence_gap must be >= 0"),
        ({"summary_gap": 2}, "summary_gap must be >= sentence_gap"),
        ({"summary_ratio": 0.5}, "summary_ratio must be >= 1"),
        ({"min_paraphrase_words": 0}, "min_paraphrase_words must be >= 1"),
        ({"single_sentence_similarity": "high"}, "single_sentence_similarity must be a number"),
    ],
)
def test_bad_paraphrase_settings_name_the_value(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(**values)  # type: ignore[arg-type]


def test_touching_fragments_join_but_two_exact_passages_stay_apart() -> None:
    from overlap.align.merge import join_touching
    from overlap.align.paraphrase import Fragment

    first = Fragment(0, 10, 100, 110, 0.6, 1, exact=False)
    touching = Fragment(10, 18, 300, 310, 0.5, 1, exact=False)
    apart = Fragment(19, 25, 400, 410, 0.7, 1, exact=False)
    joined = join_touching([first, touching, apart], {})
    assert [(f.a_start, f.a_end, f.b_start, f.b_end) for f in joined] == [
        (0, 18, 100, 310),
        (19, 25, 400, 410),
    ]
    assert joined[0].seeds == 2 and joined[0].similarity == 0.5
    exact = {(0, 10, 100, 110): 10, (10, 18, 300, 310): 8}
    assert join_touching([first, touching], exact) == [first, touching]


def test_only_if_copied_looks_at_sentences_only_after_a_copy() -> None:
    a_text = f"{prose_sentences('a', 6)} {'. '.join(REWORDED)}. {prose_sentences('x', 4)}"
    b_text = f"{prose_sentences('b', 9)} {'. '.join(SOURCE_SENTENCES)}. {prose_sentences('y', 3)}"
    a, b = tokenise(a_text), tokenise(b_text)
    texts = (a_text, b_text)
    long_runs = Settings(min_words=40)  # no run of the rewording is a copy this long
    assert not align(a, b, long_runs)
    assert align(a, b, long_runs, texts=texts, mode=Mode.PARAPHRASE)
    assert not align(a, b, long_runs, texts=texts, mode=Mode.PARAPHRASE, only_if_copied=True)
    copied = f"{a_text} {COPY_TEXT}."
    b_copy = f"{b_text} {COPY_TEXT}."
    found = align(
        tokenise(copied),
        tokenise(b_copy),
        DEFAULT,
        texts=(copied, b_copy),
        mode=Mode.PARAPHRASE,
        only_if_copied=True,
    )
    at = copied.rindex(COPY_TEXT)
    assert any(p.start <= at and at + len(COPY_TEXT) <= p.end for p in found)
    assert Evidence.PARAPHRASE in {p.evidence for p in found}  # the sentences were looked at


@given(
    a=small_texts,
    b=small_texts,
    n=st.integers(1, 4),
    max_hits=st.integers(1, 6),
    max_pairs=st.integers(0, 80),
)
@settings(max_examples=400, deadline=None)
def test_compiled_runs_are_the_reference_runs(
    a: list[str], b: list[str], n: int, max_hits: int, max_pairs: int
) -> None:
    """Budgets small enough to skip seeds, so that every branch of the pass is taken."""
    from reference_runs import runs_from_ids as reference

    a_ids, b_ids = encode(a, b)
    assert runs_from_ids(a_ids, b_ids, n, max_hits, max_pairs) == reference(
        a_ids, b_ids, n, max_hits, max_pairs
    )
    assert runs_from_ids(a_ids, b_ids, n, 10**9, 10**9) == reference(a_ids, b_ids, n, 10**9, 10**9)
