import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from overlap.attribution.quotes import MAX_UNCLOSED_WORDS, Quote, find_quotes
from tests.conftest import ATTRIBUTION_DEV

MARKS = {"double", "curly_double", "guillemets", "low_high", "curly_single", "single"}
MARKS |= {"block", "markdown"}
BOUNDS = {"paragraph", "citation", "next_quote", "length"}
PLAIN = "A plain paragraph of ordinary prose that holds enough words to count as the body."

# (content, mark, closed, bound, depth)
Row = tuple[str, str, bool, str | None, int]


def seen(text: str) -> list[Row]:
    return [(text[q.start : q.end], q.mark, q.closed, q.bound, q.depth) for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # apostrophes never open or close
        ("The client's plan suited the students' group.", []),
        ("In the ’90s we played rock ’n’ roll with O’Brien.", []),
        ("In the '90s we played rock 'n' roll with O'Brien.", []),
        ("'Tis odd, so I told 'em twice.", []),
        ("Word processors write ‘90s for the decade.", []),
        ("He is 5'10\" tall and she is 5'4\".", []),
        ("The counselors' notes and the parents' forms.", []),
        # single marks used as quotation marks
        ("She called it ‘the plan’ instead.", [("the plan", "curly_single", True, None, 0)]),
        ("She called it 'the plan' instead.", [("the plan", "single", True, None, 0)]),
        ("Don't say 'lazy,' she warned.", [("lazy,", "single", True, None, 0)]),
        (
            "The 'plan' sat among the students' notes.",
            [("plan", "single", True, None, 0)],
        ),
        ("He asked, 'why bother?' and left.", [("why bother?", "single", True, None, 0)]),
        ("A dash—‘like so’ works.", [("like so", "curly_single", True, None, 0)]),
        # double marks, straight and curly, matched and mismatched
        ('A "scare" quote.', [("scare", "double", True, None, 0)]),
        (
            'Both "first" and "second one" count.',
            [("first", "double", True, None, 0), ("second one", "double", True, None, 0)],
        ),
        ("“Curly words here,” she wrote.", [("Curly words here,", "curly_double", True, None, 0)]),
        ("”Backwards opening” then text.", [("Backwards opening", "curly_double", True, None, 0)]),
        ("“Doubled opening“ then text.", [("Doubled opening", "curly_double", True, None, 0)]),
        (
            'Mixed “curly then straight" here.',
            [("curly then straight", "curly_double", True, None, 0)],
        ),
        ('Mixed "straight then curly” here.', [("straight then curly", "double", True, None, 0)]),
        ("„Low then high“ and more.", [("Low then high", "low_high", True, None, 0)]),
        ("„Low then right” and more.", [("Low then right", "low_high", True, None, 0)]),
        ("«Guillemets» here.", [("Guillemets", "guillemets", True, None, 0)]),
        ("»Reversed ones« here.", [("Reversed ones", "guillemets", True, None, 0)]),
        ("Spaced « guillemets » here.", [("guillemets", "guillemets", True, None, 0)]),
        ('("Bracketed words")', [("Bracketed words", "double", True, None, 0)]),
        ('Empty "" and “” and " " marks.', []),
        # nesting
        (
            "“Outer with ‘inner’ words” after.",
            [
                ("Outer with ‘inner’ words", "curly_double", True, None, 0),
                ("inner", "curly_single", True, None, 1),
            ],
        ),
        (
            "\"Outer with 'inner' words\" after.",
            [
                ("Outer with 'inner' words", "double", True, None, 0),
                ("inner", "single", True, None, 1),
            ],
        ),
        (
            "“He said ‘don’t go’ to me.”",
            [
                ("He said ‘don’t go’ to me.", "curly_double", True, None, 0),
                ("don’t go", "curly_single", True, None, 1),
            ],
        ),
        (
            '"She said \'go away and left," I wrote.',
            [
                ("She said 'go away and left,", "double", True, None, 0),
                ("go away and left,", "single", False, "next_quote", 1),
            ],
        ),
        # unclosed marks are bounded
        (
            'He wrote "the task was never finished.\n\nA new paragraph begins here.',
            [("the task was never finished.", "double", False, "paragraph", 0)],
        ),
        (
            "She wrote “plans drift without review (Hale, 2014). Then I agreed.",
            [("plans drift without review", "curly_double", False, "citation", 0)],
        ),
        (
            'He said "progress is slow (Okafor, n.d.) and uneven.',
            [("progress is slow", "double", False, "citation", 0)],
        ),
        (
            "“Warmth predicts outcome, (Brandt, K. L., & Ives, M. (2001). More words.",
            [("Warmth predicts outcome,", "curly_double", False, "citation", 0)],
        ),
        (
            'I read "the first part and then "the second" here.',
            [
                ("the first part and then", "double", False, "next_quote", 0),
                ("the second", "double", True, None, 0),
            ],
        ),
        (
            'He said "go home (quietly) now.\n\nNext.',
            [("go home (quietly) now.", "double", False, "paragraph", 0)],
        ),
        (
            'He said "it rose (in 2014) sharply.',
            [("it rose (in 2014) sharply.", "double", False, "paragraph", 0)],
        ),
        ('He said "one.\n\nShe said two" to us.', [("one.", "double", False, "paragraph", 0)]),
        ("She said ‘wait here.", [("wait here.", "curly_single", False, "paragraph", 0)]),
        # block quotes
        (
            f"{PLAIN}\n\n    An indented passage quoted from a book.\n\n{PLAIN}",
            [("An indented passage quoted from a book.", "block", True, None, 0)],
        ),
        (
            f'{PLAIN}\n\n\tA tabbed passage with a "key" word.\n  \tSecond line.\n\n{PLAIN}',
            [
                ('A tabbed passage with a "key" word.\n  \tSecond line.', "block", True, None, 0),
                ("key", "double", True, None, 1),
            ],
        ),
        ("    First paragraph indented.\n\n    Second paragraph indented.", []),
        ("Hi all,\n\n    The whole post is indented like this one paragraph.\n\nBye", []),
        (
            "Intro line.\n> First quoted line\n> second quoted line\nAfter.",
            [("First quoted line\n> second quoted line", "markdown", True, None, 0)],
        ),
        (
            '> The "key" word\n>\n> More after a gap.\n',
            [
                ('The "key" word\n>\n> More after a gap.', "markdown", True, None, 0),
                ("key", "double", True, None, 1),
            ],
        ),
        ("", []),
    ],
)
def test_find_quotes(text: str, expected: list[Row]) -> None:
    assert seen(text) == expected


def test_offsets_of_a_closed_and_an_unclosed_quote() -> None:
    text = 'She said "wait" and “stop (Hale, 2014).'
    closed, unclosed = find_quotes(text)
    assert (closed.open_at, closed.start, closed.end, closed.close_end) == (9, 10, 14, 15)
    assert text[unclosed.open_at] == "“"
    assert unclosed.close_end == unclosed.end == text.index(" (Hale")


def test_an_unclosed_mark_stops_after_max_words() -> None:
    words = [f"word{i}" for i in range(3 * MAX_UNCLOSED_WORDS)]
    words[MAX_UNCLOSED_WORDS // 2] += "."
    text = 'He wrote "' + " ".join(words) + " and so on."
    (quote,) = find_quotes(text)
    assert (quote.closed, quote.bound) == (False, "length")
    assert text[quote.start : quote.end].endswith(f"word{MAX_UNCLOSED_WORDS // 2}.")


def test_an_unclosed_mark_does_not_swallow_the_rest_of_the_post() -> None:
    text = "I agree that “clients need room.\n\n" + "\n\n".join([PLAIN] * 5)
    (quote,) = find_quotes(text)
    assert quote.end == text.index("\n\n")


def test_block_open_at_is_the_start_of_its_first_line() -> None:
    text = f"{PLAIN}\n\n    Indented words.\n\n{PLAIN}"
    (block,) = find_quotes(text)
    assert block.open_at == text.index("    Indented")
    assert (block.start, block.close_end) == (text.index("Indented"), block.end)


def _truth(kinds: set[str]) -> list[dict[str, object]]:
    lines = (ATTRIBUTION_DEV / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return [d for d in map(json.loads, lines) if d.get("kind") in kinds]


def _quote_around(passage: dict[str, object]) -> Quote | None:
    text = (ATTRIBUTION_DEV / str(passage["submission"])).read_text(encoding="utf-8")
    start, end = int(str(passage["start"])), int(str(passage["end"]))
    return next((q for q in find_quotes(text) if q.start <= start and end <= q.end), None)


@pytest.mark.skipif(not ATTRIBUTION_DEV.is_dir(), reason="attribution-dev set is absent")
def test_attribution_dev_quoted_passages_lie_inside_quotes() -> None:
    passages = _truth({"attributed_quote", "missing_citation", "miscited"})
    missed = [(p["submission"], p["start"]) for p in passages if _quote_around(p) is None]
    assert passages
    assert missed == [], f"{len(passages) - len(missed)}/{len(passages)} inside a quote"


@pytest.mark.skipif(not ATTRIBUTION_DEV.is_dir(), reason="attribution-dev set is absent")
def test_attribution_dev_unquoted_copies_lie_outside_quotes() -> None:
    passages = _truth({"unattributed_copy", "missing_quotation_marks"})
    quoted = [(p["submission"], p["start"]) for p in passages if _quote_around(p) is not None]
    assert passages
    assert quoted == []


@pytest.mark.skipif(not ATTRIBUTION_DEV.is_dir(), reason="attribution-dev set is absent")
def test_attribution_dev_submissions_parse() -> None:
    for path in sorted((ATTRIBUTION_DEV / "submissions").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert all(q.closed for q in find_quotes(text)), path.name


QUOTY = st.text(alphabet=st.sampled_from(list("ab Z.,()\n\t>'\"‘’“”„«»2014")), max_size=200)


def check_quotes(text: str) -> None:
    quotes = find_quotes(text)
    assert quotes == sorted(quotes, key=lambda q: (q.start, -q.end, q.open_at))
    for q in quotes:
        assert 0 <= q.open_at <= q.start < q.end <= q.close_end <= len(text)
        assert not text[q.start].isspace() and not text[q.end - 1].isspace()
        assert q.mark in MARKS and q.depth >= 0
        assert (q.bound is None) if q.closed else (q.bound in BOUNDS)
    inline = [q for q in quotes if q.mark != "markdown"]
    for a in inline:
        for b in inline:
            if a is not b and a.open_at <= b.open_at < a.close_end:
                assert b.close_end <= a.close_end, "quotes nest or are disjoint"


@given(st.text(max_size=300))
def test_quotes_invariants_on_any_text(text: str) -> None:
    check_quotes(text)


@given(QUOTY)
def test_quotes_invariants_on_mark_heavy_text(text: str) -> None:
    check_quotes(text)
