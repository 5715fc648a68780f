import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.attribution.citation_names import corporate_initials, group_author
from overlap.attribution.citations import Citation, find_citations, surname_key
from tests.conftest import ATTRIBUTION_DEV

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
SEED_POST = SEED / "week07_interpersonal_psychotherapy_post.txt"

APA = ("American Psychological Association",)
WHO = ("World Health Organization",)


def read(text: str) -> list[tuple[tuple[str, ...], str | None]]:
    return [(c.authors, c.year) for c in find_citations(text)]


# (text, [(authors, year), ...]) — every shape students write, in our own words.
SHAPES = [
    # APA parenthetical
    ("Homework helps most when it is negotiated (Lindqvist, 2019).", [(("Lindqvist",), "2019")]),
    ("Disputing can backfire (Marlowe & Okafor, 2014, p. 141).", [(("Marlowe", "Okafor"), "2014")]),
    ("Questions beat lectures (Marlowe and Okafor 2014).", [(("Marlowe", "Okafor"), "2014")]),
    ("Repair matters (Adeyemi et al., 2017).", [(("Adeyemi",), "2017")]),
    ("Repair matters (Adeyemi et al. 2017).", [(("Adeyemi",), "2017")]),
    ("Repair matters (Adeyemi, et al., 2017).", [(("Adeyemi",), "2017")]),
    (
        "Both approaches agree (Lindqvist, 2019; Nakashima & Doyle, 2016).",
        [(("Lindqvist",), "2019"), (("Nakashima", "Doyle"), "2016")],
    ),
    ("Placeholders too (A, 2001; B & C, 2003).", [(("A",), "2001"), (("B", "C"), "2003")]),
    (
        "Three authors (Adeyemi, Castellanos, & Brandt, 2017).",
        [(("Adeyemi", "Castellanos", "Brandt"), "2017")],
    ),
    ("A hyphen (Kabat-Zinn, 1990).", [(("Kabat-Zinn",), "1990")]),
    ("An apostrophe (O'Brien, 2011).", [(("O'Brien",), "2011")]),
    ("A particle (van der Berg, 2010).", [(("van der Berg",), "2010")]),
    # locators
    ("Small steps (Lindqvist, 2019, pp. 4-5).", [(("Lindqvist",), "2019")]),
    ("Small steps (Lindqvist, 2019, para. 2).", [(("Lindqvist",), "2019")]),
    ("Small steps (Lindqvist, 2019, Para. 2).", [(("Lindqvist",), "2019")]),
    ("Small steps (Lindqvist, 2019, paragraph 3).", [(("Lindqvist",), "2019")]),
    ("Small steps (Marlowe, 2020, pp. 93\u201394).", [(("Marlowe",), "2020")]),
    # years
    ("Early work (Anchin, 1982a, 1982b).", [(("Anchin",), "1982a"), (("Anchin",), "1982b")]),
    ("A web page (Marlowe, n.d.).", [(("Marlowe",), "n.d.")]),
    ("Soon (Marlowe, in press).", [(("Marlowe",), "in press")]),
    ("A blog post (Ferreira-Lund, 2021, March 9).", [(("Ferreira-Lund",), "2021")]),
    # narrative
    ("Lindqvist (2019) argues that format matters.", [(("Lindqvist",), "2019")]),
    ("Marlowe and Okafor (2014) warn against debate.", [(("Marlowe", "Okafor"), "2014")]),
    ("Marlowe & Okafor (2014) warn against debate.", [(("Marlowe", "Okafor"), "2014")]),
    ("Adeyemi et al. (2017) describe ruptures.", [(("Adeyemi",), "2017")]),
    (
        "Adeyemi, Castellanos, and Brandt (2017) found it.",
        [(("Adeyemi", "Castellanos", "Brandt"), "2017")],
    ),
    ("In Beck's (1976) early writing, thoughts come first.", [(("Beck",), "1976")]),
    ("Nakashima and Doyle's (2016) review is careful.", [(("Nakashima", "Doyle"), "2016")]),
    ("As Marlowe (2020) put it, avoidance is the problem.", [(("Marlowe",), "2020")]),
    ("According to Lindqvist (2019, p. 60), clients choose.", [(("Lindqvist",), "2019")]),
    ("Aaron Beck (1976) started this.", [(("Beck",), "1976")]),
    ("Reading Marlowe and Okafor (2014) made me rethink.", [(("Marlowe", "Okafor"), "2014")]),
    ("Marlowe (2014a, 2014b) wrote twice.", [(("Marlowe",), "2014a"), (("Marlowe",), "2014b")]),
    (
        'Marlowe (2020) wrote that "small steps add up over weeks" (p. 204).',
        [(("Marlowe",), "2020"), (("Marlowe",), "2020")],
    ),
    ("As marlowe and okafor (2014) put it, questions help.", [(("marlowe", "okafor"), "2014")]),
    # corporate authors and aliases
    ("Ethics first (American Psychological Association, 2020).", [(APA, "2020")]),
    (
        "Ethics (American Psychological Association [APA], 2009). Later (APA, 2009).",
        [(APA, "2009"), (APA, "2009")],
    ),
    ("The World Health Organization (2020) reports this.", [(WHO, "2020")]),
    ("The World Health Organization (WHO) agrees (WHO, 2021).", [(WHO, "2021")]),
    (
        "Funding (National Institute of Mental Health, 2021).",
        [(("National Institute of Mental Health",), "2021")],
    ),
    # malformed shapes students write
    ("The session ends there (Pryce, 2016, p. 33. Next we move on.", [(("Pryce",), "2016")]),
    ("The session ends there (Pryce, 2016, p. 33\nNext line.", [(("Pryce",), "2016")]),
    (
        'Warmth predicts outcome," (Safran, J. D., & Muran, J. C. (2000). It helps.',
        [(("Safran", "Muran"), "2000")],
    ),
    (
        "Ruptures happen (American Psychological Association (Producer). (2009). Session 2 "
        "[Video segment]. Then we repair them.",
        [(APA, "2009")],
    ),
    ('It said "rules are thoughts too" (Marlowe).', [(("Marlowe",), None)]),
    (
        "Marlowe (2020) says so. Later it is repeated (Marlowe).",
        [(("Marlowe",), "2020"), (("Marlowe",), None)],
    ),
    ("Stray dots (Anchin, 1982. p. 117. Para. 2).", [(("Anchin",), "1982")]),
    ("Unclosed (APA, 2009. The next sentence goes on.", [(("APA",), "2009")]),
    (
        "The American Psychological Association (2009) shows it. Also (APA, 2009. More text.",
        [(APA, "2009"), (APA, "2009")],
    ),
    ("Lower case (marlowe & okafor, 2014).", [(("marlowe", "okafor"), "2014")]),
    ("Lower case (lindqvist, 2019).", [(("lindqvist",), "2019")]),
    ("No comma (Lindqvist 2019).", [(("Lindqvist",), "2019")]),
    ("Period inside (Lindqvist, 2019.)", [(("Lindqvist",), "2019")]),
    ("Wrapped (Marlowe &\nOkafor, 2014).", [(("Marlowe", "Okafor"), "2014")]),
    ('A quote "without a year" (Nakashima & Doyle, p. 43).', [(("Nakashima", "Doyle"), None)]),
    # accents
    ("Accents (N\u00fa\u00f1ez, 2018).", [(("N\u00fa\u00f1ez",), "2018")]),
    (
        "Accents (\u00d8berg & \u00c5str\u00f6m, 2015).",
        [(("\u00d8berg", "\u00c5str\u00f6m"), "2015")],
    ),
    ("M\u00fcller (2012) found this.", [(("M\u00fcller",), "2012")]),
    # prefixes and secondary citations
    ("Compare them (see Lindqvist, 2019).", [(("Lindqvist",), "2019")]),
    (
        "Examples (e.g., Marlowe, 2020; Lindqvist, 2019).",
        [(("Marlowe",), "2020"), (("Lindqvist",), "2019")],
    ),
    (
        "Secondhand (Beck, 1976, as cited in Marlowe, 2020).",
        [(("Beck",), "1976"), (("Marlowe",), "2020")],
    ),
    ("A label first (DBT; Linehan, 1993).", [(("Linehan",), "1993")]),
    ("Spaced out (Lindqvist,  2019 , p . 60).", [(("Lindqvist",), "2019")]),
    # MLA and Chicago author-date, tolerated
    ('Change is slow "and uneven" (Marlowe 141).', [(("Marlowe",), None)]),
    ("Chicago style (Marlowe and Okafor 2014, 141).", [(("Marlowe", "Okafor"), "2014")]),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES, ids=[s[0][:40] for s in SHAPES])
def test_citation_shapes(text: str, expected: list[tuple[tuple[str, ...], str | None]]) -> None:
    assert read(text) == expected


NOT_CITATIONS = [
    "Therapists use it widely (CBT).",
    "Pick one technique (for example, exposure).",
    "Some feelings linger (e.g., grief).",
    "Clarify it (i.e., the client decides).",
    "(2019) is when it started.",
    "In the study (2019) they found little.",
    "The study (2019) found little.",
    "In March (2019) the clinic opened.",
    "This was covered earlier (Week 5).",
    "As discussed (see above).",
    "The result held (p < .05).",
    "Small effect (p = .03, n = 40).",
    "A new page (p. 5) with no author before it.",
    "Numbers (10 sessions) and (about 20 minutes).",
    "Some clients had trauma (PTSD).",
    "Follow the plan (Step 3).",
    "That was the term (Spring 2019).",
    "It has grown (since 2019).",
    "A trend (1990s).",
    "It began (in 2019).",
    "A 2019 trial (a 2019 review) said so.",
    "The worksheet (see Table 2).",
    "Both anxiety and depression (2019) matter.",
    "No known author here (Marlowe).",
    "It helps (Session 2).",
    "Last term (Module 2, Week 5).",
    "A name and nothing else (Beck Depression Inventory).",
    "",
]


@pytest.mark.parametrize("text", NOT_CITATIONS)
def test_ordinary_parentheses_are_not_citations(text: str) -> None:
    assert find_citations(text) == []


# (text, group as written, this citation as written, locator, problems) for the first citation.
DETAILS = [
    (
        "The session ends there (Pryce, 2016, p. 33. Next.",
        "(Pryce, 2016, p. 33",
        "Pryce, 2016, p. 33",
        "p. 33",
        ("unclosed_parenthesis",),
    ),
    (
        "Quoted,\u201d (Safran, J. D., & Muran, J. C. (2000). It helps.",
        "(Safran, J. D., & Muran, J. C. (2000)",
        "Safran, J. D., & Muran, J. C. (2000)",
        None,
        ("reference_entry_inline", "unclosed_parenthesis"),
    ),
    (
        "Stray dots (Anchin, 1982. p. 117. Para. 2).",
        "(Anchin, 1982. p. 117. Para. 2)",
        "Anchin, 1982. p. 117. Para. 2",
        "p. 117, para. 2",
        ("stray_period",),
    ),
    (
        "Lower case (marlowe & okafor, 2014).",
        "(marlowe & okafor, 2014)",
        "marlowe & okafor, 2014",
        None,
        ("lower_case",),
    ),
    ("No comma (Lindqvist 2019).", "(Lindqvist 2019)", "Lindqvist 2019", None, ("missing_comma",)),
    (
        "Year missing (Nakashima & Doyle, p. 43).",
        "(Nakashima & Doyle, p. 43)",
        "Nakashima & Doyle, p. 43",
        "p. 43",
        ("missing_year",),
    ),
    (
        "Early work (Anchin, 1982a, 1982b, 2002; Pincus & Cain, 2008).",
        "(Anchin, 1982a, 1982b, 2002; Pincus & Cain, 2008)",
        "Anchin, 1982a",
        None,
        (),
    ),
    ("Lindqvist (2019) argues.", "Lindqvist (2019)", "Lindqvist (2019)", None, ()),
    (
        "Wide range (Marlowe, 2020, pp. 93\u201394).",
        "(Marlowe, 2020, pp. 93\u201394)",
        "Marlowe, 2020, pp. 93\u201394",
        "pp. 93-94",
        (),
    ),
    (
        "Web (Ferreira-Lund, 2021, \u00b6 4).",
        "(Ferreira-Lund, 2021, \u00b6 4)",
        "Ferreira-Lund, 2021, \u00b6 4",
        "para. 4",
        (),
    ),
    (
        "Range (Lindqvist, 2019, p. 55-56).",
        "(Lindqvist, 2019, p. 55-56)",
        "Lindqvist, 2019, p. 55-56",
        "pp. 55-56",
        (),
    ),
    (
        "Web (Lindqvist, 2019, paragraph 3).",
        "(Lindqvist, 2019, paragraph 3)",
        "Lindqvist, 2019, paragraph 3",
        "para. 3",
        (),
    ),
]


@pytest.mark.parametrize(("text", "group", "span", "locator", "problems"), DETAILS)
def test_citation_spans_locators_and_problems(
    text: str, group: str, span: str, locator: str | None, problems: tuple[str, ...]
) -> None:
    first = find_citations(text)[0]
    assert text[first.group_start : first.group_end] == group
    assert text[first.start : first.end] == span
    assert first.locator == locator
    assert first.problems == problems


def test_several_years_and_groups_give_one_citation_each() -> None:
    text = "Origins (Anchin, 1982a, 1982b, 2002; Pincus & Cain, 2008, p. 113)."
    found = find_citations(text)
    assert [text[c.start : c.end] for c in found] == [
        "Anchin, 1982a",
        "1982b",
        "2002",
        "Pincus & Cain, 2008, p. 113",
    ]
    assert {(c.group_start, c.group_end) for c in found} == {(8, len(text) - 1)}
    assert [c.locator for c in found] == [None, None, None, "p. 113"]


def test_a_corporate_alias_keeps_both_name_and_abbreviation() -> None:
    text = "First (American Psychological Association [APA], 2009). Then (APA, 2009)."
    first, later = find_citations(text)
    assert first.authors == later.authors == APA
    assert first.alias == later.alias == "APA"


def test_a_lone_locator_completes_the_narrative_citation_before_it() -> None:
    text = 'Marlowe (2020) wrote that "small steps add up" (p. 204). Next paragraph.'
    narrative, page = find_citations(text)
    assert narrative.narrative and not narrative.continues
    assert page.continues and page.narrative
    assert (page.authors, page.year, page.locator) == (("Marlowe",), "2020", "p. 204")
    assert text[page.start : page.end] == "(p. 204)"


def test_a_lone_locator_in_another_paragraph_is_not_a_citation() -> None:
    assert len(find_citations("Marlowe (2020) said so.\n\nA new thought (p. 4).")) == 1


def test_et_al_is_flagged_and_dropped() -> None:
    (c,) = find_citations("Repair (Adeyemi et al., 2017).")
    assert c.authors == ("Adeyemi",) and c.et_al


def test_the_reference_list_is_not_searched() -> None:
    body = "I liked this week's reading about homework and small steps. " * 10
    text = body + "(Lindqvist, 2019).\n\nReferences\n\nLindqvist, H. (2019). Between sessions.\n"
    assert read(text) == [(("Lindqvist",), "2019")]


def test_lower_case_narrative_names_count_when_cited_elsewhere() -> None:
    text = "First (Marlowe & Okafor, 2014). Then marlowe and okafor (2014) again."
    assert read(text) == [(("Marlowe", "Okafor"), "2014"), (("marlowe", "okafor"), "2014")]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ferreira-Lund", "ferreiralund"),
        ("N\u00fa\u00f1ez", "nunez"),
        ("NU\u0303N\u0303EZ", "nunez"),
        ("O\u2019Brien", "obrien"),
        ("\u00d8berg", "oberg"),
        ("Stra\u00dfe", "strasse"),
        ("  Marlowe ", "marlowe"),
        ("", ""),
    ],
)
def test_surname_key(name: str, key: str) -> None:
    assert surname_key(name) == key


def test_surname_key_matches_accented_and_plain_spellings() -> None:
    assert surname_key("M\u00fcller") == surname_key("Muller") == surname_key("MULLER")


# ---- narrative citations without a year: signal phrases ----------------------------------------

ACA = ("American Counseling Association",)
NO_YEAR = ("missing_year",)
UNDEFINED = ("undefined_abbreviation", "missing_year")

# (text, [(authors, year, problems), ...]) — every citation found, in order.
SIGNALS = [
    (
        'As the American Counseling Association points out, "records need a plan" (para. 5).',
        [(ACA, None, NO_YEAR), (ACA, None, NO_YEAR)],
    ),
    (
        "Records matter, according to the American Counseling Association.",
        [(ACA, None, NO_YEAR)],
    ),
    (
        "According to the National Alliance on Mental Illness, families carry the care.",
        [(("National Alliance on Mental Illness",), None, NO_YEAR)],
    ),
    (
        "In the words of the World Health Organization: health is more than no disease.",
        [(WHO, None, NO_YEAR)],
    ),
    (
        "As noted by the Substance Abuse and Mental Health Services Administration, it is local.",
        [(("Substance Abuse and Mental Health Services Administration",), None, NO_YEAR)],
    ),
    (
        "The U.S. Department of Health and Human Services reports that lists grow.",
        [(("U.S. Department of Health and Human Services",), None, NO_YEAR)],
    ),
    (
        "Consent is ongoing, as the American Counseling Association makes clear.",
        [(ACA, None, NO_YEAR)],
    ),
    (
        "The Counseling Center has also noted that walk-in hours fill up.",
        [(("Counseling Center",), None, NO_YEAR)],
    ),
    (
        "The Student Health Office reports that flu visits doubled.",
        [(("Student Health Office",), None, NO_YEAR)],
    ),
    (
        "Waiting is the hardest part, as the Counseling Center found.",
        [(("Counseling Center",), None, NO_YEAR)],
    ),
    (
        "The Association for Play Therapy\u2019s guidelines state that toys are words.",
        [(("Association for Play Therapy",), None, NO_YEAR)],
    ),
    (
        "The American Counseling Association Code of Ethics states that files stay locked.",
        [(ACA, None, NO_YEAR)],
    ),
    # an abbreviation the text spells out, or the initials of a group it cites
    (
        "The American School Counselor Association (ASCA) recommends small caseloads. "
        "The ASCA also warns against extra duties.",
        [
            (("American School Counselor Association",), None, NO_YEAR),
            (("American School Counselor Association",), None, NO_YEAR),
        ],
    ),
    (
        "Ethics first (American Counseling Association, 2014). According to the ACA, files stay.",
        [(ACA, "2014", ()), (ACA, None, NO_YEAR)],
    ),
    # an abbreviation never spelled out: reported, and tentative
    ("According to the ACA, files stay locked.", [(("ACA",), None, UNDEFINED)]),
    ("According to the ACA Code of Ethics, files stay locked.", [(("ACA",), None, UNDEFINED)]),
    ("The ACA's code of ethics states that files stay locked.", [(("ACA",), None, UNDEFINED)]),
    # people: surnames the text cites or lists, or any with et al.
    (
        "Lindqvist (2019) studied homework. As Lindqvist notes, small tasks build trust.",
        [(("Lindqvist",), "2019", ()), (("Lindqvist",), None, NO_YEAR)],
    ),
    (
        "Marlowe and Okafor (2014) disagree. Marlowe and Okafor argue that questions work.",
        [(("Marlowe", "Okafor"), "2014", ()), (("Marlowe", "Okafor"), None, NO_YEAR)],
    ),
    (
        "Aaron Beck (1976) began it. Beck argues that thoughts come first.",
        [(("Beck",), "1976", ()), (("Beck",), None, NO_YEAR)],
    ),
    ("According to Pryce et al., groups help the shy.", [(("Pryce",), None, NO_YEAR)]),
    ("Pryce et al. note that groups help the shy.", [(("Pryce",), None, NO_YEAR)]),
    (
        "Halloran explains that grief settles in the body.\n\nReferences\n\n"
        "Halloran, M. (2006). Grief in practice. Riverbank Press.\n",
        [(("Halloran",), None, NO_YEAR)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SIGNALS, ids=[s[0][:40] for s in SIGNALS])
def test_signal_phrases_cite_without_a_year(
    text: str, expected: list[tuple[tuple[str, ...], str | None, tuple[str, ...]]]
) -> None:
    assert [(c.authors, c.year, c.problems) for c in find_citations(text)] == expected


# Signal-shaped sentences that cite nobody: a person not cited elsewhere, a therapy or a manual,
# a word that is no group author, an organisation that is not the subject of a reporting verb.
NOT_SIGNALS = [
    'According to my supervisor, "nothing is wasted" (p. 5).',
    'As the client said, "nothing changes."',
    'According to the DSM-5, "grief can last" (p. 5).',
    "Cognitive Behavioral Therapy (CBT) is common. As CBT suggests, thoughts shape moods.",
    "As Freud argues, dreams matter.",
    "According to Marlowe, questions help.",
    "According to Marlowe and Okafor, questions help.",
    "The Beck Depression Inventory states nothing about grief.",
    "According to the Association, files stay locked.",
    "As the Counseling Center offers free sessions, I go there.",
    "I called the Crisis Center and I said hello.",
    "The Counseling Center found me a therapist last spring.",
    "The Counseling Center maintains records for seven years.",
    "The Student Health Office reports each case to the dean.",
    "The president of the American Counseling Association said it twice.",
    "Dr. Okoro of the Riverside General Hospital said it twice.",
    "The Journal of the American Counseling Association states its scope.",
    "The Counseling Center in Denver says nothing.",
    "The American Counseling Association state chapter met.",
    "The Grief Support Network (GSN) runs groups. The GSN note cards help.",
    "I work at the American Counseling Association and I love it.",
    "Today the Counseling Center was closed.",
    "According to the American Counseling Association",
    "According to the",
    "As the",
    "According to\nthe American Counseling Association, files stay locked.",
    "ACA",
    "",
]


@pytest.mark.parametrize("text", NOT_SIGNALS)
def test_signal_shaped_words_that_cite_nobody(text: str) -> None:
    assert find_citations(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "As CBT suggests, thoughts shape moods.",
        "According to the DSM, grief can last.",
        "DBT explains distress as a skill gap.",
    ],
)
def test_an_undefined_abbreviation_is_only_a_tentative_citation(text: str) -> None:
    (c,) = find_citations(text)
    assert c.tentative and c.problems == UNDEFINED and c.year is None


def test_a_defined_abbreviation_or_a_year_is_no_longer_tentative() -> None:
    defined = "The Grief Support Network (GSN) runs groups. As the GSN notes, groups help."
    assert [(c.authors, c.tentative) for c in find_citations(defined)] == [
        (("Grief Support Network",), False)
    ]
    assert [c.tentative for c in find_citations("Ethics (APA, 2009).")] == [False]


def test_a_signal_citation_spans_the_name_and_its_definition() -> None:
    text = "The American Counseling Association (ACA) states that files stay locked."
    (c,) = find_citations(text)
    assert text[c.group_start : c.group_end] == "American Counseling Association (ACA)"
    assert c.narrative and not c.continues and c.alias == "ACA"
    assert c.locator is None


def test_a_lone_locator_completes_a_signal_citation_and_keeps_its_problems() -> None:
    text = 'According to the ACA, consent is ongoing. "Ask again" (para. 5).'
    signal, page = find_citations(text)
    assert page.continues and page.locator == "para. 5" and page.authors == ("ACA",)
    assert page.problems == signal.problems == UNDEFINED
    assert page.tentative


def test_a_name_with_its_year_is_read_once() -> None:
    text = "According to the American Counseling Association (2014), files stay locked."
    assert read(text) == [(ACA, "2014")]


def test_signal_citations_sit_in_offset_order_with_the_others() -> None:
    text = (
        "Homework helps (Lindqvist, 2019). As the American Counseling Association notes, "
        'records matter. Lindqvist (2019) agrees: "small tasks" (p. 4).'
    )
    found = find_citations(text)
    assert [(c.authors, c.year) for c in found] == [
        (("Lindqvist",), "2019"),
        (ACA, None),
        (("Lindqvist",), "2019"),
        (("Lindqvist",), "2019"),
    ]
    assert found[-1].continues


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ethics (ACA Code of Ethics, 2014).", [(("ACA",), "2014")]),
        ("According to the ACA Code of Ethics (2014), files stay.", [(("ACA",), "2014")]),
        ("Ethics (American Counseling Association Code of Ethics, 2014).", [(ACA, "2014")]),
        (
            "Style (American Psychological Association [APA], 2020). "
            "The APA Publication Manual (2020) says so.",
            [(APA, "2020"), (APA, "2020")],
        ),
    ],
)
def test_a_work_named_in_its_authors_place_is_cited_to_its_group_author(
    text: str, expected: list[tuple[tuple[str, ...], str | None]]
) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(
    ("name", "author"),
    [
        ("ACA Code of Ethics", "ACA"),
        ("American Counseling Association Code of Ethics", "American Counseling Association"),
        ("American School Counselor Association", None),
        ("National Institute of Mental Health", None),
        ("University of Maryland School of Pharmacy", None),
        ("Beck Depression Inventory", None),
        ("ACA", None),
        ("U.S. Department of Health and Human Services", None),
        ("Marlowe", None),
        ("", None),
    ],
)
def test_group_author(name: str, author: str | None) -> None:
    assert group_author(name) == author


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("American Counseling Association", "ACA"),
        ("National Institute of Mental Health", "NIMH"),
        ("Substance Abuse and Mental Health Services Administration", "SAMHSA"),
        ("Marlowe, T.", None),
        ("Cognitive Behavioral Therapy", None),
        ("Association", None),
        ("", None),
    ],
)
def test_corporate_initials(name: str, short: str | None) -> None:
    assert corporate_initials(name) == short


# ---- invariants ------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "(",
        ")",
        "[",
        "]",
        ";",
        ",",
        ".",
        " ",
        "\n",
        "\n\n",
        "&",
        "and ",
        "et al.",
        "p. ",
        "pp. ",
        "Para. ",
        "2019",
        "1982a",
        "n.d.",
        "12",
        "-",
        "\u2013",
        "\u201d",
        '"',
        "'s",
        "Marlowe",
        "okafor",
        "APA",
        "American Psychological Association",
        "[APA]",
        "J. D.",
        "see ",
        "e.g., ",
        "References\n",
        "\u00d1\u00fa\u00f1ez",
        "Week",
        "(2019)",
        "(p. 4)",
        "\u00b6",
        "According to the ",
        "As ",
        " notes",
        " states that",
        "American Counseling Association",
        "ACA",
        "ACA's",
        "Association",
        " of ",
        "Pryce et al.",
    ]
)
CITATIONISH = st.lists(PIECES, max_size=40).map("".join)


def check_spans(text: str, found: list[Citation]) -> None:
    assert found == sorted(found, key=lambda c: (c.start, c.end))
    for c in found:
        assert 0 <= c.group_start <= c.start < c.end <= c.group_end <= len(text)
        assert all(c.authors)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_spans_stay_inside_arbitrary_text(text: str) -> None:
    check_spans(text, find_citations(text))


@settings(max_examples=500, deadline=None)
@given(CITATIONISH)
def test_spans_stay_inside_citation_like_text(text: str) -> None:
    check_spans(text, find_citations(text))


# ---- the seed post and the labelled dev set --------------------------------------------------


@pytest.mark.skipif(not SEED_POST.exists(), reason="seed post not available")
def test_every_citation_of_the_seed_post_reads_as_a_human_reads_it() -> None:
    text = SEED_POST.read_text(encoding="utf-8")
    found = find_citations(text)
    assert [(c.authors, c.year) for c in found] == [
        (("Anchin",), "1982a"),
        (("Anchin",), "1982b"),
        (("Anchin",), "2002"),
        (("Pincus", "Cain"), "2008"),
        (("Anchin",), "1982"),
        (("Safran", "Muran"), "2000"),
        (APA, "2009"),
        (APA, "2009"),
    ]
    by_year = {(c.authors[0], c.year): c for c in found}
    assert by_year["Pincus", "2008"].locator == "p. 113, para. 2"
    assert "stray_period" in by_year["Anchin", "1982"].problems
    assert "reference_entry_inline" in by_year["Safran", "2000"].problems
    assert found[-1].alias == "APA"
    assert "unclosed_parenthesis" in found[-1].problems


def truth_spans() -> list[object]:
    truth = ATTRIBUTION_DEV / "truth.jsonl"
    if not truth.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason="attribution-dev not available"))]
    with (ATTRIBUTION_DEV / "sources" / "metadata.csv").open(encoding="utf-8") as f:
        sources = {row["path"]: row for row in csv.DictReader(f)}
    params: list[object] = []
    for line in truth.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        for start, end in item.get("citations", []):
            if "cited_as" in item:
                name, _, year = item["cited_as"].rpartition(",")
                name = name.replace("et al.", "")
            else:
                row = sources[Path(item["source"]).name]
                name, year = row["author"].split(",")[0], row["year"]
            case = (item["submission"], start, end, name.strip(), year.strip())
            params.append(pytest.param(case, id=f"{Path(item['submission']).stem}-{start}"))
    return params


@pytest.mark.parametrize("case", truth_spans())
def test_labelled_citations_name_the_author_a_reader_sees(
    case: tuple[str, int, int, str, str],
) -> None:
    submission, start, end, name, year = case
    found = find_citations((ATTRIBUTION_DEV / submission).read_text(encoding="utf-8"))
    assert any(
        c.start < end
        and start < c.end
        and surname_key(name) in {surname_key(a) for a in c.authors}
        and c.year in (year, None)
        for c in found
    ), [(c.authors, c.year, c.start, c.end) for c in found]
