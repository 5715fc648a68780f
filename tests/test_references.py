import pytest

from overlap.attribution.references import reference_list_span

BODY = "I found the reading useful. " * 20


@pytest.mark.parametrize(
    ("tail", "found"),
    [
        (
            "\n\nReferences\n\nOkafor, B. (2014). A title of some length. Journal, 2(1), 3-4.\n",
            True,
        ),
        ("\n\nReferences:\nOkafor, B. (2014). Title.\n", True),
        ("\n\n**Works Cited**\nOkafor, Bea. Title. 2014.\n", True),
        ("\n\n## Bibliography\nOkafor, B. (2014). Title.\n", True),
        (
            "\n\nOkafor, B. N., & Hale, S. (2014). Title words here. Journal.\n"
            "Lindqvist, H. (n.d.). Another title.\n",
            True,
        ),
        ("\n\nThanks for reading, see you next week.\n", False),
        ("", False),
    ],
)
def test_reference_list_at_the_end(tail: str, found: bool) -> None:
    text = BODY + tail
    span = reference_list_span(text)
    assert (span is not None) == found
    if span is not None:
        assert span[0] >= len(BODY)
        assert "Okafor" in text[span[0] : span[1]]


def test_a_references_heading_early_in_the_post_is_not_a_list() -> None:
    text = "References\n" + BODY
    assert reference_list_span(text) is None
