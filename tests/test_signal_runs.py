"""Runs of capitalised words, read only where a run can start, are those of a whole reading."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.attribution.citation_names import JOINERS
from overlap.attribution.citation_signals import (
    _POSSESSIVE,
    _TOKEN,
    Token,
    _capital,
    _joined,
    _joins,
    _runs,
)


def _runs_of_every_token(text: str, limit: int) -> Iterator[list[Token]]:
    """The runs, reading every token of the text from its start (the plain way)."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, 0, limit)]
    k = 0
    while k < len(tokens):
        if not tokens[k][0][:1].isupper() or not _capital(text, tokens[k]):
            k += 1
            continue
        run, at = [tokens[k]], k + 1
        while not _POSSESSIVE.search(run[-1][0]):
            joiners = []
            while (
                at < len(tokens)
                and len(joiners) < 2
                and tokens[at][0] in JOINERS
                and _joined(text, tokens[at - 1], tokens[at])
            ):
                joiners.append(tokens[at])
                at += 1
            if at >= len(tokens) or not _joined(text, tokens[at - 1], tokens[at]):
                break
            if not _capital(text, tokens[at]) or not _joins(joiners):
                break
            run += [*joiners, tokens[at]]
            at += 1
        yield run
        k += len(run)


#: Pieces that make the cases where tokens and white space meet: initials, apostrophes inside
#: a name, hyphens, capitals outside ASCII, joiners, line breaks and other spaces.
_PIECES = [
    "A", "Z", "a", "of", "the", "and", "for", "on", "in", "&", " ", " ", "\n", "\t", "\u00a0",
    "'", "\u2019", "-", ".", ",", "(", ")", "1", "_", "É", "é", "ß", "Σ", "İ", "ǅ", "ACA",
    "American", "Association", "Smith's", "A.", "B.", "O'Brien", "D\u2019Arcy", "x-Ray",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.integers(0, 200))
def test_runs_read_where_they_can_start_are_those_of_every_token(
    pieces: list[str], cut: int
) -> None:
    text = "".join(pieces)
    for limit in (len(text), min(cut, len(text))):
        assert list(_runs(text, limit)) == list(_runs_of_every_token(text, limit))


def test_a_capital_inside_a_word_or_initials_starts_no_run() -> None:
    text = "met O'Brien with A.B.C. Smith at the Society for the Advancement of Science today"
    runs = [[w for w, _, _ in run] for run in _runs(text, len(text))]
    assert runs == [
        ["O'Brien"],
        ["A.B.C.", "Smith"],
        ["Society", "for", "the", "Advancement", "of", "Science"],
    ]
    assert runs == [[w for w, _, _ in r] for r in _runs_of_every_token(text, len(text))]
