"""Citation forms end to end: posts indexed and scanned as a user does, kinds as a reader judges.

Each row is a post and the (kind, citation problems) of every finding it should get against a
corpus of two sources: one by a group author (American Counseling Association, 2014) and one by a
person (Ostrander, 2011). Peer overlap between the rows (they quote the same sentences) is left
out of the comparison.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from overlap.indexing.add import add_to_corpus
from overlap.model import Finding, Kind, Role, ScanResult
from overlap.scanning.files import scan_paths
from tests.docmakers import docx_bytes, para

GROUP_SOURCE = (
    "Counselors document every session in a record that the client may ask to read. A record is "
    "kept for as long as the law of the state requires and is then destroyed in a way that "
    "protects the privacy of the client. Before any session is recorded on audio or video, the "
    "counselor explains in plain words who will hear the recording, where it will be stored, and "
    "when it will be erased. Agreement given because a supervisor or an employer pressed for it "
    "is not agreement at all. A client may take back consent at any moment and the care offered "
    "does not change because of it. Counselors who teach or supervise make sure that students "
    "understand these duties before they see their first client."
)
PERSON_SOURCE = (
    "Supervision is where a new counselor learns to hear their own voice in a session. The "
    "supervisor who listens before correcting gives the trainee room to notice mistakes without "
    "shame. Trainees who felt judged in their first year reported hiding difficult cases from "
    "their supervisors for months. A short weekly meeting that begins with what went well makes "
    "the harder conversation that follows easier to bear."
)
METADATA = (
    "path,author,year,title\n"
    "ethics.txt,American Counseling Association,2014,Standards for the Counseling Record\n"
    'supervision.txt,"Ostrander, L.",2011,Learning to Listen in Supervision\n'
)
PRESSED = (
    "Agreement given because a supervisor or an employer pressed for it is not agreement at all"
)
TAKE_BACK = (
    "A client may take back consent at any moment and the care offered does not change "
    "because of it"
)
RECORDED = (
    "Before any session is recorded on audio or video, the counselor explains in plain words "
    "who will hear the recording, where it will be stored, and when it will be erased"
)
HIDING = (
    "Trainees who felt judged in their first year reported hiding difficult cases from their "
    "supervisors for months"
)
OPEN = "This week I kept thinking about consent in my practicum placement."
CLOSE = "I want to remember this when I start seeing my own clients in the spring."
FAR = (
    "My site supervisor and I talked about it at length on Tuesday. "
    "We agreed that I would sit in on two intake sessions first. "
    "Then we made a list of questions to bring to the next meeting."
)

NO_YEAR = ("missing_year",)
UNDEFINED = ("undefined_abbreviation", "missing_year")

Row = tuple[str, str, list[tuple[str, tuple[str, ...] | None]]]

# (file name, post text, [(kind, problems of the finding's citation or None), ...])
ROWS: list[Row] = [
    # a group author named in the sentence, without a year: the quote is attributed
    (
        "group_no_year.txt",
        f'As the American Counseling Association points out, "{PRESSED}" (para. 5).',
        [("attributed_quote", NO_YEAR)],
    ),
    (
        "group_according_to.txt",
        f'{OPEN} According to the American Counseling Association, "{TAKE_BACK}." {CLOSE}',
        [("attributed_quote", NO_YEAR)],
    ),
    (
        "group_with_year.txt",
        f'The American Counseling Association (2014) states that "{PRESSED}" (p. 5).',
        [("attributed_quote", ())],
    ),
    # abbreviations: spelled out in the post, the initials of the source's group author, or
    # the initials in a parenthesis
    (
        "abbreviation_defined.txt",
        f"The American Counseling Association (ACA) guides our program. {OPEN} "
        f'As the ACA explains, "{TAKE_BACK}" (para. 6).',
        [("attributed_quote", NO_YEAR)],
    ),
    (
        "abbreviation_initials.txt",
        f'{OPEN} According to the ACA, "{PRESSED}" (para. 5). {CLOSE}',
        [("attributed_quote", UNDEFINED)],
    ),
    (
        "abbreviation_parenthetical.txt",
        f'{OPEN} "{PRESSED}" (ACA, 2014, para. 5). {CLOSE}',
        [("attributed_quote", ())],
    ),
    (
        "code_of_ethics.txt",
        f'{OPEN} According to the ACA Code of Ethics (2014), "{TAKE_BACK}" (p. 4).',
        [("attributed_quote", ())],
    ),
    # another author named: miscited
    (
        "other_group.txt",
        f'As the World Health Organization points out, "{PRESSED}" (para. 5).',
        [("miscited", NO_YEAR)],
    ),
    (
        "group_wrong_year.txt",
        f'The American Counseling Association (2009) states that "{PRESSED}."',
        [("miscited", ())],
    ),
    # the copy is not quoted
    (
        "group_unquoted.txt",
        f"{OPEN} As the American Counseling Association explains, {RECORDED}. {CLOSE}",
        [("missing_quotation_marks", NO_YEAR)],
    ),
    # people: a surname the post cites elsewhere with its year
    (
        "person_no_year.txt",
        f'Ostrander (2011) writes about supervision. {FAR} As Ostrander notes, "{HIDING}" (p. 12).',
        [("attributed_quote", NO_YEAR)],
    ),
    (
        "person_wrong_source.txt",
        f'Ostrander (2011) writes about supervision. {FAR} As Ostrander notes, "{TAKE_BACK}."',
        [("miscited", NO_YEAR)],
    ),
    # nobody cited
    (
        "supervisor.txt",
        f'{OPEN} According to my supervisor, "{PRESSED}" (p. 5).',
        [("missing_citation", None)],
    ),
    (
        "client_said.txt",
        f'{OPEN} As the client said, "{TAKE_BACK}." {CLOSE}',
        [("missing_citation", None)],
    ),
    (
        "manual.txt",
        f'{OPEN} According to the DSM-5, "{PRESSED}" (p. 5).',
        [("missing_citation", None)],
    ),
    (
        "therapy_undefined.txt",
        f'{OPEN} As CBT suggests, "{TAKE_BACK}." {CLOSE}',
        [("missing_citation", None)],
    ),
    (
        "therapy_defined.txt",
        f"Cognitive Behavioral Therapy (CBT) is what my site uses. "
        f'As CBT suggests, "{PRESSED}" (p. 5).',
        [("missing_citation", None)],
    ),
    (
        "unknown_person.txt",
        f'{OPEN} As Freud argues, "{TAKE_BACK}." {CLOSE}',
        [("missing_citation", None)],
    ),
    (
        "therapy_unquoted.txt",
        f"{OPEN} As CBT explains, {RECORDED}. {CLOSE}",
        [("unattributed_copy", None)],
    ),
]

DOCX_TEXT = f'As the American Counseling Association points out, "{PRESSED}" (para. 5).'
HTML_TEXT = f"According to the ACA, &ldquo;{TAKE_BACK}&rdquo; (para. 6)."
OTHER_FORMATS: list[Row] = [
    ("group_no_year.docx", DOCX_TEXT, [("attributed_quote", NO_YEAR)]),
    ("abbreviation_initials.html", HTML_TEXT, [("attributed_quote", UNDEFINED)]),
]


def write_post(folder: Path, name: str, text: str) -> None:
    if name.endswith(".docx"):
        (folder / name).write_bytes(docx_bytes(para(OPEN) + para(text) + para(CLOSE)))
    elif name.endswith(".html"):
        page = f"<html><head><title>Week 7</title></head><body><p>{OPEN}</p><p>{text}</p></body>"
        (folder / name).write_text(page + "</html>", encoding="utf-8")
    else:
        (folder / name).write_text(text + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("citation_forms")
    sources = root / "sources"
    sources.mkdir()
    byline = "Standards for the Counseling Record\n\nAmerican Counseling Association"
    (sources / "ethics.txt").write_text(f"{byline}\n\n{GROUP_SOURCE}\n")
    byline = "Learning to Listen in Supervision\n\nL. Ostrander"
    (sources / "supervision.txt").write_text(f"{byline}\n\n{PERSON_SOURCE}\n")
    (sources / "metadata.csv").write_text(METADATA)
    week = root / "week"
    week.mkdir()
    for name, text, _ in [*ROWS, *OTHER_FORMATS]:
        write_post(week, name, text)
    add_to_corpus([sources], Role.SOURCE, root / "store")
    return scan_paths([week], root / "store", root / "report")


def problems(f: Finding) -> tuple[str, ...] | None:
    if f.citation is None:
        return None
    return f.citation.problems


def findings_of(result: ScanResult, name: str) -> list[tuple[str, tuple[str, ...] | None]]:
    (post,) = [s for s in result.submissions if Path(s.path).name == name]
    assert not post.errors
    return [
        (f.kind.value, problems(f))
        for f in result.findings
        if f.submission == post.id and f.kind is not Kind.PEER_OVERLAP
    ]


@pytest.mark.parametrize(("name", "text", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_citation_forms_in_plain_text(
    scanned: ScanResult,
    name: str,
    text: str,
    expected: list[tuple[str, tuple[str, ...] | None]],
) -> None:
    assert findings_of(scanned, name) == expected


@pytest.mark.parametrize(
    ("name", "text", "expected"), OTHER_FORMATS, ids=[r[0] for r in OTHER_FORMATS]
)
def test_citation_forms_in_docx_and_html(
    scanned: ScanResult,
    name: str,
    text: str,
    expected: list[tuple[str, tuple[str, ...] | None]],
) -> None:
    assert findings_of(scanned, name) == expected


def test_the_finding_names_the_author_as_the_post_does(scanned: ScanResult) -> None:
    names = {s.id: Path(s.path).name for s in scanned.submissions}
    cited = {
        names[f.submission]: f.citation.authors
        for f in scanned.findings
        if f.citation and f.kind is not Kind.PEER_OVERLAP
    }
    assert cited["group_no_year.txt"] == ("American Counseling Association",)
    assert cited["abbreviation_defined.txt"] == ("American Counseling Association",)
    assert cited["abbreviation_initials.txt"] == ("ACA",)
    assert cited["other_group.txt"] == ("World Health Organization",)
    assert cited["person_wrong_source.txt"] == ("Ostrander",)


def test_the_citation_of_a_group_author_points_at_its_name(scanned: ScanResult) -> None:
    (post,) = [s for s in scanned.submissions if Path(s.path).name == "group_no_year.txt"]
    (finding,) = [f for f in scanned.findings if f.submission == post.id]
    assert finding.text == PRESSED
    assert finding.citation is not None
    start, end = finding.citation.start, finding.citation.end
    text = Path(post.path).read_text(encoding="utf-8")
    assert text[start:end] == "American Counseling Association"
