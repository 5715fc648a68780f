import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from overlap.text.normalise import normalise
from overlap.text.shingles import (
    shingle_hash32,
    shingle_hashes,
    window_shingle_ranges,
    window_starts,
    word_hashes,
)
from overlap.text.tokens import normalised_words, text_flags, tokenise


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", []),
        ("   \n\t ", []),
        ("One", ["one"]),
        ("The client’s plan", ["the", "client's", "plan"]),
        ("The client's plan", ["the", "client's", "plan"]),
        ("students' work", ["students", "work"]),
        ("self-report — measures", ["self", "report", "measures"]),
        ("ﬁnal ＦＵＬＬ", ["final", "full"]),
        ("Соnsult\u200bing", ["consulting"]),  # Cyrillic С, о and a zero-width space
        ("exam\u00adple wo\u2060rd", ["example", "word"]),
        ("Αlpha", ["alpha"]),  # Greek capital alpha
        ("STRASSE straße", ["strasse", "strasse"]),
        ("\u200b \u00ad", []),
    ],
)
def test_tokenise_normalises_words(text: str, words: list[str]) -> None:
    assert list(tokenise(text).norms) == words
    assert normalised_words(text) == words


def test_offsets_point_into_the_original_text() -> None:
    text = "A “quoted” Соnsult\u200bing room."
    tokens = tokenise(text)
    spans = [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)]
    assert spans == ["A", "quoted", "Соnsult\u200bing", "room"]
    assert tokens.span(1, 2) == (3, text.index(" room"))


@given(st.text())
def test_offsets_stay_inside_text_and_fast_path_agrees(text: str) -> None:
    tokens = tokenise(text)
    assert all(0 <= s < e <= len(text) for s, e in zip(tokens.starts, tokens.ends, strict=True))
    assert list(tokens.norms) == normalised_words(text)


@given(st.text())
def test_normalise_is_idempotent(word: str) -> None:
    once = normalise(word)
    assert normalise(once) == once


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("plain ascii text", ()),
        ("curly “quotes” only", ()),
        ("Соnsulting", ("homoglyphs",)),
        ("Москва", ()),  # a genuinely Cyrillic word is not a disguise
        ("consult\u200bing", ("invisible_characters",)),
        ("\ufeffLeading mark", ()),
        ("ex\u00adample Соnsult", ("homoglyphs", "invisible_characters")),
    ],
)
def test_text_flags(text: str, flags: tuple[str, ...]) -> None:
    assert text_flags(text) == flags


@given(st.lists(st.sampled_from(["a", "b", "c", "dé", "x"]), max_size=30), st.integers(1, 6))
def test_vector_shingle_hashes_match_scalar(words: list[str], k: int) -> None:
    got = shingle_hashes(word_hashes(words), k).tolist()
    size = min(k, len(words))
    want = [shingle_hash32(words[i : i + size]) for i in range(len(words) - size + 1)]
    assert got == (want if words else [])


@pytest.mark.parametrize(
    ("words", "window", "stride", "starts"),
    [
        (0, 24, 12, []),
        (5, 24, 12, [0]),
        (24, 24, 12, [0]),
        (25, 24, 12, [0, 1]),
        (48, 24, 12, [0, 12, 24]),
        (50, 24, 12, [0, 12, 24, 26]),
    ],
)
def test_window_starts_cover_the_text(
    words: int, window: int, stride: int, starts: list[int]
) -> None:
    assert window_starts(words, 4, window, stride).tolist() == starts


def test_window_shingle_ranges_stay_inside() -> None:
    starts, ends = window_shingle_ranges(50, 4, 24, 12)
    assert (ends <= 47).all() and (starts < ends).all()
    starts, ends = window_shingle_ranges(2, 4, 24, 12)  # shorter than one shingle
    assert starts.tolist() == [0] and ends.tolist() == [1]


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_text_tokenises_as_the_general_path_does(text: str) -> None:
    from overlap.text.tokens import _tokenise_unicode, tokenise

    fast, general = tokenise(text), _tokenise_unicode(text)
    assert fast.norms == general.norms
    assert fast.starts.tolist() == general.starts.tolist()
    assert fast.ends.tolist() == general.ends.tolist()


@given(st.text(alphabet="aZ9_' \n.-", max_size=60))
@example("don''t 'tis a'b'c_ x' '")
@example("'")
@example("")
def test_words_around_apostrophes_tokenise_as_the_general_path_does(text: str) -> None:
    """Apostrophes join words only between word characters, on either path."""
    from overlap.text.tokens import _tokenise_unicode, tokenise

    fast, general = tokenise(text), _tokenise_unicode(text)
    assert fast.norms == general.norms
    assert fast.starts.tolist() == general.starts.tolist()
    assert fast.ends.tolist() == general.ends.tolist()
