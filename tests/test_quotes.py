import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from overlap.attribution.context import Attribution
from overlap.attribution.quote_marks import MAX_WRAPPED_PARAGRAPHS, MAX_WRAPPED_WORDS
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
        (
            'He said "one.\n\nShe said two" to us.',
            [("one.\n\nShe said two", "double", True, None, 0)],
        ),
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


# --- block quotes: an indented run that something attributes --------------------------------

LEAD = "Marlowe (2014) puts it this way:"
BLOCK = (
    "Silence in a session is rarely empty. The client is weighing what can be said aloud, and "
    "a counselor who fills the pause too early takes that choice away."
)
MINE = "I want to try waiting longer in my next session."


def blocks(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text) if q.mark == "block"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a lead-in that ends with a colon, or that cites the work
        (f"{LEAD}\n\n    {BLOCK}\n\n{MINE}", [BLOCK]),
        (f"Marlowe (2014) studied forty clients.\n\n    {BLOCK}\n\n{MINE}", [BLOCK]),
        (f"Here is the passage I chose:\n\n\t{BLOCK}\n\n{MINE}", [BLOCK]),
        # the citation after the block, alone in its paragraph
        (f"{MINE}\n\n    {BLOCK}\n\n(Marlowe, 2014, p. 12)\n\n{MINE}", [BLOCK]),
        (f"{LEAD}\n\n    {BLOCK}\n\n(p. 12)", [BLOCK]),
        # the citation ends the block: after the final period (APA), or with a page before it
        (f"{MINE}\n\n    {BLOCK} (Marlowe, 2014, p. 12)\n\n{MINE}", [BLOCK]),
        (f"{MINE}\n\n    {BLOCK} (p. 12)\n\n{MINE}", [BLOCK]),
        (f"{MINE}\n\n    {BLOCK[:-1]} (Marlowe, 2014, para. 3).\n\n{MINE}", [BLOCK[:-1]]),
        (f"{LEAD}\n\n    {BLOCK} (p. 12).", [BLOCK]),
        # a block of two paragraphs is one quotation; its second indent lies inside it
        (
            f"{LEAD}\n\n    {BLOCK}\n\n        {BLOCK} (p. 12)\n\n{MINE}",
            [f"{BLOCK}\n\n        {BLOCK}"],
        ),
        # lines wrapped by hand, and blank lines left out around the block
        (
            f"{LEAD}\n\n    Silence in a session is rarely empty.\n    The client is weighing."
            f"\n\n{MINE}",
            ["Silence in a session is rarely empty.\n    The client is weighing."],
        ),
        (f"{MINE}\n{LEAD}\n    {BLOCK}\n{MINE}", [BLOCK]),
        (f"{LEAD}\n\n    {BLOCK} (p. 12)\n{MINE}", [BLOCK]),
        # nothing attributes an indented paragraph of a short post
        (f"{MINE}\n\n    {BLOCK}\n\n{MINE}", []),
        # a citation before the final period, with no page, ends a sentence of one's own
        (f"Hi all,\n\n    {BLOCK[:-1]} (Marlowe, 2014).\n\nBest, Ann", []),
        # lists, whole posts indented and first-line indents are not block quotes
        (f"My plan has three steps:\n\n    1. Wait.\n    2. Reflect.\n    3. Ask.\n\n{MINE}", []),
        (f"My plan:\n\n    - wait for the client\n    - reflect what I hear\n\n{MINE}", []),
        (f"    {LEAD}\n\n    {BLOCK} (p. 12)\n\n    {MINE}", []),
        (f"Week 5 reflection\n\n    {MINE}\n\n    {BLOCK}\n\n    {MINE}", []),
        (f"{LEAD}\n\n    Silence in a session is rarely\nempty for the client.\n\n{MINE}", []),
    ],
)
def test_block_quotes(text: str, expected: list[str]) -> None:
    assert blocks(text) == expected


def test_a_long_post_keeps_its_unattributed_indented_paragraph_as_a_block() -> None:
    text = f"{PLAIN} {PLAIN}\n\n    {BLOCK}\n\n{PLAIN} {PLAIN}"
    assert blocks(text) == [BLOCK]
    assert find_quotes(text)[0].lead_in is None


def test_a_block_records_its_lead_in_paragraph() -> None:
    lead = f"Marlowe (2014) followed forty clients. {LEAD}"
    text = f"{lead}\n\n    {BLOCK}\n\n{MINE}"
    (block,) = find_quotes(text)
    assert block.lead_in == (0, len(lead))
    assert (block.open_at, block.start) == (len(lead) + 2, len(lead) + 6)


def test_the_lead_in_paragraph_is_searched_for_a_blocks_citation() -> None:
    lead = "Marlowe (2014) followed forty clients for a year. She found that:"
    text = f"{lead}\n\n    {BLOCK}\n\n{MINE}"
    context = Attribution.of(text)
    (block,) = context.quotes
    rings = context.citations_near(block.start, block.end)
    assert [[c.authors for c in ring] for ring in rings] == [[], [], [], [("Marlowe",)]]
    assert context.citations_near(0, 10)[3] == []


# --- quotations over several paragraphs --------------------------------------------------------

P1 = "Silence in a session is rarely empty."
P2 = "The client is weighing what can be said aloud."
P3 = "A counselor who fills the pause takes that choice away."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # each paragraph opens with a mark, only the last one closes
        (
            f'She wrote:\n\n"{P1}\n\n"{P2}" (Marlowe, 2014)',
            [(f'{P1}\n\n"{P2}', "double", True, None, 0)],
        ),
        (
            f"\u201c{P1}\n\n\u201c{P2}\n\n\u201c{P3}\u201d I agree.",
            [(f"{P1}\n\n\u201c{P2}\n\n\u201c{P3}", "curly_double", True, None, 0)],
        ),
        (
            f"\u2018{P1}\n\n\u2018{P2}\u2019",
            [(f"{P1}\n\n\u2018{P2}", "curly_single", True, None, 0)],
        ),
        # the same with the blank lines left out
        (f'"{P1}\n"{P2}" (Marlowe, 2014)', [(f'{P1}\n"{P2}', "double", True, None, 0)]),
        # one pair of marks around several paragraphs
        (f'"{P1}\n\n{P2}\n\n{P3}" I agree.', [(f"{P1}\n\n{P2}\n\n{P3}", "double", True, None, 0)]),
        (f"\u201c{P1}\n\n{P2}\u201d", [(f"{P1}\n\n{P2}", "curly_double", True, None, 0)]),
        (f"\u2018{P1}\n\n{P2}\u2019", [(f"{P1}\n\n{P2}", "curly_single", True, None, 0)]),
        # nested quotations keep their depth
        (
            f"\u201c{P1}\n\n\u201cShe said \u2018wait\u2019 twice.\u201d",
            [
                (f"{P1}\n\n\u201cShe said \u2018wait\u2019 twice.", "curly_double", True, None, 0),
                ("wait", "curly_single", True, None, 1),
            ],
        ),
        # a chain that never closes is left as it was: one quote per paragraph
        (
            f'"{P1}\n\n"{P2}\n\nMy own view.',
            [(P1, "double", False, "paragraph", 0), (P2, "double", False, "paragraph", 0)],
        ),
        # a citation ends the quotation in its own paragraph
        (
            f'"{P1} (Marlowe, 2014). My view.\n\nMore" of mine.',
            [(P1, "double", False, "citation", 0)],
        ),
        # a mark that opens a new quotation stops the look-ahead
        (
            f'"{P1}\n\nI like the word "pause" here.',
            [(P1, "double", False, "paragraph", 0), ("pause", "double", True, None, 0)],
        ),
        # possessives and inch marks close nothing
        (f"\u2018{P1}\n\nThe students' notes.", [(P1, "curly_single", False, "paragraph", 0)]),
        (f'"{P1}\n\nA 5" screen.', [(P1, "double", False, "paragraph", 0)]),
    ],
)
def test_quotes_over_several_paragraphs(text: str, expected: list[Row]) -> None:
    assert seen(text) == expected


def test_a_closing_mark_too_many_paragraphs_on_closes_nothing() -> None:
    between = [f"My own paragraph number {i}." for i in range(MAX_WRAPPED_PARAGRAPHS)]
    near = "\n\n".join([f'"{P1}', *between[:-1], 'The end" of it.'])
    far = "\n\n".join([f'"{P1}', *between, 'The end" of it.'])
    assert [q.closed for q in find_quotes(near)] == [True]
    assert seen(far) == [(P1, "double", False, "paragraph", 0)]


def test_a_closing_mark_too_many_words_on_closes_nothing() -> None:
    words = " ".join(["word"] * MAX_WRAPPED_WORDS)
    assert seen(f'"{P1}\n\n{words}" here.') == [(P1, "double", False, "paragraph", 0)]


def test_a_long_quotation_over_paragraphs_is_not_cut() -> None:
    long = " ".join(f"w{i}" for i in range(MAX_UNCLOSED_WORDS + 20)) + "."
    text = f'"{long}\n\n"{long}\n\n"{long}" (Marlowe, 2014)'
    (quote,) = find_quotes(text)
    assert (quote.closed, quote.bound, quote.open_at, quote.close_end) == (
        True,
        None,
        0,
        text.index('" (M') + 1,
    )
    assert text[quote.start : quote.end] == text[1 : text.index('" (M')]


def test_a_quotation_over_paragraphs_never_crosses_a_block() -> None:
    text = f'{LEAD}\n\n    "{BLOCK}\n\n{P2}" of mine.'
    quotes = find_quotes(text)
    assert [q.mark for q in quotes] == ["block", "double"]
    assert not quotes[1].closed


@st.composite
def posts(draw: st.DrawFn) -> str:
    paragraphs = draw(st.lists(QUOTY, max_size=6))
    indents = draw(st.lists(st.sampled_from(["", "    ", "\t"]), min_size=len(paragraphs)))
    seps = draw(st.lists(st.sampled_from(["\n\n", "\n", "\n\n\n"]), min_size=len(paragraphs)))
    return "".join(f"{i}{p}{s}" for i, p, s in zip(indents, paragraphs, seps, strict=False))


@given(posts())
def test_quotes_invariants_on_posts_of_paragraphs(text: str) -> None:
    check_quotes(text)


def test_a_quotation_over_paragraphs_may_lie_inside_a_block() -> None:
    text = f'{LEAD}\n\n    "{P1}\n\n    "{P2}" (p. 12)\n\n{MINE}'
    assert [(q.mark, q.closed, q.depth) for q in find_quotes(text)] == [
        ("block", True, 0),
        ("double", True, 1),
    ]
