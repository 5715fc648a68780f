import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.attribution.references import Reference, parse_references, reference_list_span

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


# ---- parse_references ------------------------------------------------------------------------

Entry = tuple[tuple[str, ...], str | None, str | None]


def entries(tail: str) -> list[Entry]:
    return [(r.authors, r.year, r.title) for r in parse_references(BODY + tail)]


REFERENCE_LISTS: list[tuple[str, list[Entry]]] = [
    (
        "Okafor, B. (2014). A title of some length. Journal, 2(1), 3-4.",
        [(("Okafor",), "2014", "A title of some length")],
    ),
    (
        "Marlowe, T., & Okafor, B. N. (2014). Guided discovery: Questions. Journal, 22(3), 1-9.",
        [(("Marlowe", "Okafor"), "2014", "Guided discovery: Questions")],
    ),
    (
        "Adeyemi, R. O., Castellanos, M., & Brandt, J. (2017). The working alliance. Review.",
        [(("Adeyemi", "Castellanos", "Brandt"), "2017", "The working alliance")],
    ),
    (
        "Lindqvist, H. (2019a). Between sessions: Homework? Nordic Journal, 9(2), 55-74.",
        [(("Lindqvist",), "2019a", "Between sessions: Homework?")],
    ),
    (
        "Marlowe, T. (n.d.). Activation handout. Retrieved from https://example.org/x",
        [(("Marlowe",), "n.d.", "Activation handout")],
    ),
    (
        "Ferreira-Lund, C. (2021, March 9). What exposure asks of us. Practice Today.",
        [(("Ferreira-Lund",), "2021", "What exposure asks of us")],
    ),
    (
        "van der Berg, J., & N\u00fa\u00f1ez, M. (2010). A study of things. Journal.",
        [(("van der Berg", "N\u00fa\u00f1ez"), "2010", "A study of things")],
    ),
    (
        "American Psychological Association. (2020). Publication manual (7th ed.).",
        [(("American Psychological Association",), "2020", "Publication manual (7th ed.)")],
    ),
    (
        "American Psychological Association (Producer). (2009). Session 2 [Video segment]. DC.",
        [(("American Psychological Association",), "2009", "Session 2 [Video segment]")],
    ),
    (
        "Pruitt, L. (Ed.). (2018). Brief interventions. Harrowgate Press.",
        [(("Pruitt",), "2018", "Brief interventions")],
    ),
    # MLA
    (
        "Okafor, Bea. Title Words Here. Harrowgate Press, 2014.",
        [(("Okafor",), "2014", "Title Words Here")],
    ),
    (
        'Marlowe, Tess, and Bea Okafor. "Guided Discovery." Journal, vol. 22, no. 3, 2014, '
        "pp. 141-63.",
        [(("Marlowe", "Okafor"), "2014", "Guided Discovery")],
    ),
    (
        "Marlowe, Tess, et al. Guided Discovery. Harrowgate, 2014.",
        [(("Marlowe",), "2014", "Guided Discovery")],
    ),
    (
        "American Psychological Association. Publication Manual. 7th ed., 2020.",
        [(("American Psychological Association",), "2020", "Publication Manual")],
    ),
    ("Okafor, Bea. Undated Pamphlet. Harrowgate Press.", [(("Okafor",), None, "Undated Pamphlet")]),
    # several entries, wrapped lines, bullets, blank lines between entries
    (
        "Lindqvist, H. (2019). Between sessions: Homework, collaboration, and the\n"
        "    generalization of skills. Nordic Journal of Applied\n"
        "    Psychotherapy, 9(2), 55-74.\n"
        "Marlowe, T. (2020). Behavioral activation. In L. Pruitt & G.\n"
        "Haddad (Eds.), Brief interventions (pp. 88-110). Harrowgate Press.",
        [
            (
                ("Lindqvist",),
                "2019",
                "Between sessions: Homework, collaboration, and the generalization of skills",
            ),
            (("Marlowe",), "2020", "Behavioral activation"),
        ],
    ),
    (
        "- Okafor, B. (2014). First title. J.\n\n- Hale, S. (2015). Second title. J.",
        [(("Okafor",), "2014", "First title"), (("Hale",), "2015", "Second title")],
    ),
    (
        "1. Okafor, B. (2014). First title. J.\n2. Hale, S. (2015). Second title. J.",
        [(("Okafor",), "2014", "First title"), (("Hale",), "2015", "Second title")],
    ),
]


@pytest.mark.parametrize(("entries_text", "expected"), REFERENCE_LISTS)
def test_parse_references(entries_text: str, expected: list[Entry]) -> None:
    assert entries("\n\nReferences\n\n" + entries_text + "\n") == expected


def test_entry_offsets_cover_the_wrapped_entry_without_bullets() -> None:
    tail = (
        "\n\nWorks Cited:\n\n- Okafor, B. (2014). A long\n  title. J.\n- Hale, S. (2015). T. J.\n"
    )
    text = BODY + tail
    found = parse_references(text)
    assert [text[r.start : r.end] for r in found] == [
        "Okafor, B. (2014). A long\n  title. J.",
        "Hale, S. (2015). T. J.",
    ]


def test_a_trailing_run_of_entries_without_a_heading_is_read() -> None:
    tail = "\n\nOkafor, B. N., & Hale, S. (2014). Title words. J.\nLindqvist, H. (n.d.). Another.\n"
    assert entries(tail) == [
        (("Okafor", "Hale"), "2014", "Title words"),
        (("Lindqvist",), "n.d.", "Another"),
    ]


def test_no_reference_list_no_entries() -> None:
    assert parse_references(BODY) == []
    assert parse_references("") == []


def test_reference_is_a_frozen_value() -> None:
    ref = Reference(0, 3, ("A",), None, None)
    with pytest.raises(AttributeError):
        ref.year = "2019"  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Ab, .()&\n-1920nd:\"'")), max_size=300))
def test_reference_spans_stay_inside_the_text(tail: str) -> None:
    text = BODY + "\n\nReferences\n" + tail
    for ref in parse_references(text):
        assert 0 <= ref.start < ref.end <= len(text)
        assert all(ref.authors)
