import pytest
from hypothesis import given
from hypothesis import strategies as st

from overlap.attribution.sentences import Sentence, sentence_index, split_sentences
from tests.conftest import ATTRIBUTION_DEV


def pieces(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("  \n\t ", []),
        ("One ends. Two ends! Three ends? Four", ["One ends.", "Two ends!", "Three ends?", "Four"]),
        ("Lower after. the period stays.", ["Lower after. the period stays."]),
        ("A decimal like 2.75 stays. Next.", ["A decimal like 2.75 stays.", "Next."]),
        ("In 2019. 2020 was worse.", ["In 2019.", "2020 was worse."]),
        # abbreviations
        ("Hale et al. (2019) agree. Next.", ["Hale et al. (2019) agree.", "Next."]),
        ("As Hale et al. Argue here.", ["As Hale et al. Argue here."]),
        ("Tasks, e.g. Walking, help.", ["Tasks, e.g. Walking, help."]),
        ("One task, i.e. Journaling, helps.", ["One task, i.e. Journaling, helps."]),
        ("See p. 12 and pp. 14-15 here.", ["See p. 12 and pp. 14-15 here."]),
        ("Read para. 3 and Para. 4 now.", ["Read para. 3 and Para. 4 now."]),
        (
            "It was Dr. Hale vs. Mr. Ives and Ms. Roe.",
            ["It was Dr. Hale vs. Mr. Ives and Ms. Roe."],
        ),
        ("The U.S. Census helps. Next.", ["The U.S. Census helps.", "Next."]),
        ("K. L. Brandt wrote it. Next.", ["K. L. Brandt wrote it.", "Next."]),
        ("Ives, M. R. (2001) wrote it.", ["Ives, M. R. (2001) wrote it."]),
        ("Undated (Hale, n.d.). Next one.", ["Undated (Hale, n.d.).", "Next one."]),
        ("So did I. Then we left.", ["So did I.", "Then we left."]),
        # parenthesised citations
        (
            "It helps (Hale, 2011. p. 40. Para. 2). Next one.",
            ["It helps (Hale, 2011. p. 40. Para. 2).", "Next one."],
        ),
        (
            "It helps (Hale, 2011. p. 40. Para. 2. Next one.",
            ["It helps (Hale, 2011. p. 40. Para. 2.", "Next one."],
        ),
        (
            "Pasted (Ives, M., & Roe, B. N. (2001). Then more.",
            ["Pasted (Ives, M., & Roe, B. N. (2001).", "Then more."],
        ),
        # quotations
        (
            'She wrote "Plans fail. People adapt." (Hale, 2011). Next.',
            ['She wrote "Plans fail. People adapt." (Hale, 2011).', "Next."],
        ),
        (
            "“Plans fail. People adapt.” (Hale, 2011, p. 3). Next.",
            ["“Plans fail. People adapt.” (Hale, 2011, p. 3).", "Next."],
        ),
        ('"It works." She said so.', ['"It works."', "She said so."]),
        ('He asked "why?" and left.', ['He asked "why?" and left.']),
        ('Done. "Go," I said.', ["Done.", '"Go," I said.']),
        ("Done. ‘Go,’ I said.", ["Done.", "‘Go,’ I said."]),
        # blank lines, headings and lists
        ("No stop here\n\nNew paragraph.", ["No stop here", "New paragraph."]),
        ("Short Heading\nThe body starts here.", ["Short Heading", "The body starts here."]),
        ("## Heading\nBody.", ["## Heading", "Body."]),
        (
            "Steps:\n- plan a walk\n- call a friend\nAfter the list.",
            ["Steps:", "- plan a walk", "- call a friend", "After the list."],
        ),
        ("Steps:\n1. Plan\n2. Walk", ["Steps:", "1. Plan", "2. Walk"]),
        (
            "A wrapped line of prose that runs on for well over ten words and\nThen continues.",
            ["A wrapped line of prose that runs on for well over ten words and\nThen continues."],
        ),
        (
            "Hi all,\nI chose activation.",
            ["Hi all,\nI chose activation."],
        ),
        (
            "References:\nHale, A. (2011). A title. Journal.\nIves, M. (2001). Another title.",
            [
                "References:",
                "Hale, A. (2011).",
                "A title.",
                "Journal.",
                "Ives, M. (2001).",
                "Another title.",
            ],
        ),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert pieces(text) == expected


def test_sentence_offsets_point_into_the_text() -> None:
    text = "  First one.  Second one.\n"
    assert split_sentences(text) == [Sentence(2, 12), Sentence(14, 25)]


@pytest.mark.parametrize(
    ("offset", "index"), [(0, 0), (2, 0), (11, 0), (12, 0), (13, 0), (14, 1), (25, 1), (99, 1)]
)
def test_sentence_index(offset: int, index: int) -> None:
    sentences = split_sentences("  First one.  Second one.\n")
    assert sentence_index(sentences, offset) == index


@pytest.mark.parametrize(
    ("sentences", "offset", "message"),
    [([], 0, "must not be empty"), ([Sentence(0, 3)], -1, "offset must be >= 0, got -1")],
)
def test_sentence_index_rejects_bad_input(
    sentences: list[Sentence], offset: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sentence_index(sentences, offset)


@pytest.mark.skipif(not ATTRIBUTION_DEV.is_dir(), reason="attribution-dev set is absent")
def test_attribution_dev_quotes_keep_their_citations() -> None:
    text = (ATTRIBUTION_DEV / "submissions" / "s03.txt").read_text(encoding="utf-8")
    sentences = split_sentences(text)
    quote = text.index('"between-session')
    citation = text.index("(p. 74)")
    assert sentence_index(sentences, quote) == sentence_index(sentences, citation)


def check_sentences(text: str) -> None:
    sentences = split_sentences(text)
    covered = set()
    previous_end = 0
    for s in sentences:
        assert previous_end <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        covered.update(range(s.start, s.end))
        previous_end = s.end
    assert covered >= {i for i, ch in enumerate(text) if not ch.isspace()}
    for k, s in enumerate(sentences):
        assert sentence_index(sentences, s.start) == k
        assert sentence_index(sentences, s.end - 1) == k


@given(st.text(max_size=300))
def test_sentences_cover_any_text(text: str) -> None:
    check_sentences(text)


@given(
    st.text(
        alphabet=st.sampled_from(list("ab AZ19.!?…,()\n\t\"'‘’“”#-pe")),
        max_size=300,
    )
)
def test_sentences_cover_punctuation_heavy_text(text: str) -> None:
    check_sentences(text)
