"""What a finding's card and the terminal say: every problem of the passage, the whole citation."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from overlap.indexing.add import add_to_corpus
from overlap.model import Finding, FindingQuote, Kind, Role, ScanResult
from overlap.report.contract import citation_dict
from overlap.report.html.legend import QUOTED_MISCITED_HELP, UNQUOTED_MISCITED_HELP, legend
from overlap.report.html.text import Marked, excerpt
from overlap.report.kinds import also_wrong, kind_words
from overlap.report.terminal import findings_table
from overlap.scanning.files import scan_paths
from tests.clirun import invoke
from tests.docmakers import docx_bytes, para

SOURCE = (
    "Interpersonal Patterns in the Consulting Room\n\nBy P. Pincus and N. Cain\n\n"
    "Therapists often notice that a client arranges every conversation so that someone else "
    "takes charge of the decisions that matter most. The pattern shows up with partners, "
    "employers and eventually with the counselor, who is invited again and again to supply the "
    "answer. Naming the invitation out loud, gently and without blame, tends to loosen its grip "
    "far more than refusing it silently ever could.\n\n"
    "Assessment begins with the history of close relationships. Questions about who made "
    "decisions at home, who was blamed when plans failed and who comforted whom give a rough "
    "map of expectations the client carries into new rooms.\n\n"
    "Change is slow and uneven. Over months the client learns to hear the invitation before "
    "extending it and to pause long enough to choose differently. Setbacks during stressful "
    "weeks are expected and do not mean the work has failed.\n"
)
SOURCE_META = (
    "path,author,year,title\n"
    'pincus.txt,"Pincus, P.; Cain, N.",2008,Interpersonal Patterns in the Consulting Room\n'
)
#: Copied word for word from SOURCE.
COPIED = (
    "Naming the invitation out loud, gently and without blame, tends to loosen its grip far "
    "more than refusing it silently ever could"
)
LONG = "(Anchin, 1982a, 1982b, 2002; Pincus & Cain, 2008, p. 113)"
LEAD = "This week I kept thinking about dependence in therapy and what it asks of a counselor."
AFTER = "I saw this with a client who wanted me to choose her classes for her."


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cards")
    (root / "sources").mkdir()
    (root / "sources" / "pincus.txt").write_text(SOURCE)
    (root / "sources" / "metadata.csv").write_text(SOURCE_META)
    (root / "prior").mkdir()
    (root / "prior" / "p1.txt").write_text("Last year I wrote about sleep and exam stress.\n")
    add_to_corpus([root / "sources"], Role.SOURCE, root / "store")
    add_to_corpus([root / "prior"], Role.PRIOR, root / "store")
    return root / "store"


def write_post(folder: Path, name: str, paragraphs: list[str]) -> Path:
    """A post in the format its name ends with: .txt, .html or .docx."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if name.endswith(".docx"):
        path.write_bytes(docx_bytes("".join(para(p) for p in paragraphs)))
    elif name.endswith(".html"):
        body = "".join(f"<p>{p.replace('&', '&amp;')}</p>" for p in paragraphs)
        path.write_text(f"<html><body>{body}</body></html>")
    else:
        path.write_text("\n\n".join(paragraphs) + "\n")
    return path


def scan_one(store: Path, tmp_path: Path, name: str, post: str) -> tuple[ScanResult, Path]:
    write_post(tmp_path / "week", name, [LEAD, post, AFTER])
    out = tmp_path / "report"
    return scan_paths([tmp_path / "week"], store, out), out


class Card(HTMLParser):
    """One card of a page: its heading, help line, attribution rows, the text inside its marks.

    ``marks`` maps a mark's class to the text it holds as seen (screen-reader labels apart);
    ``said`` lists the labels only screen readers hear.
    """

    def __init__(self, page: str, number: int) -> None:
        super().__init__(convert_charrefs=True)
        self.number = number
        self.inside = False
        self.depth = 0
        self.stack: list[tuple[str, str]] = []
        self.heading = self.help = ""
        self.fields: dict[str, str] = {}  # the quotation and citation rows, by their names
        self.marks: dict[str, str] = {}
        self.said: list[str] = []
        self._field = ""
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "article" and a.get("id") == f"f{self.number}":
            self.inside = True
        if not self.inside:
            return
        self.stack.append((tag, a.get("class", "")))
        if tag == "dt":
            self._field = "dt"

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        self.stack.pop()
        if tag == "article":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if not self.inside:
            return
        classes = [c for _, cls in self.stack for c in cls.split()]
        tags = [t for t, _ in self.stack]
        if "vh" in classes:
            self.said.append(data)
            return
        if tags[-1] == "h3":
            self.heading += data
        if "help" in classes:
            self.help += data
        if "attribution" in classes and "dd" in tags:
            self.fields[self._field] = self.fields.get(self._field, "") + data
        if tags[-1] == "dt":
            self._field = data
        for t, cls in self.stack:
            if t == "mark":
                for c in cls.split():
                    self.marks[c] = self.marks.get(c, "") + data


def page_of(out: Path) -> str:
    (page,) = (out / "submissions").glob("*.html")
    return page.read_text(encoding="utf-8")


def terminal(result: ScanResult) -> str:
    console = Console(width=100, file=io.StringIO(), record=True)
    console.print(findings_table(result))
    return " ".join(console.export_text().split())


# ---------------------------------------------------------------- the kind in words


@pytest.mark.parametrize("name", ["post.txt", "post.html", "post.docx"])
@pytest.mark.parametrize(
    ("post", "kind", "said"),
    [
        # copied without quotation marks, cited to another work: both problems
        (f"{COPIED} (Anchin, 1982).", Kind.MISCITED, "miscited, no quotation marks"),
        # quoted, cited to another work: the citation alone is wrong
        (f'As one text puts it, "{COPIED}" (Anchin, 1982).', Kind.MISCITED, "miscited"),
        (f"{COPIED} (Pincus & Cain, 2008).", Kind.MISSING_QUOTATION_MARKS,
         "missing quotation marks"),
        (f"{COPIED}.", Kind.UNATTRIBUTED_COPY, "unattributed copy"),
    ],
)  # fmt: skip
def test_the_card_and_the_terminal_say_every_problem_of_the_passage(
    store: Path, tmp_path: Path, name: str, post: str, kind: Kind, said: str
) -> None:
    result, out = scan_one(store, tmp_path, name, post)
    (f,) = result.findings
    assert f.kind is kind
    card = Card(page_of(out), 1)
    assert card.heading == f"[1 {said}]"
    assert f"{said} (" in page_of(out)  # the marker's tooltip in the text
    shown = terminal(result)
    assert f" {said} " in shown
    if said != str(kind).replace("_", " "):
        assert card.help == UNQUOTED_MISCITED_HELP
        assert "quotation marks" in card.help and "another work" in card.help
    else:
        assert "no quotation marks" not in shown and "no quotation marks" not in card.heading
    if kind is Kind.MISCITED:
        assert "“no quotation marks”" not in card.help  # the legend's sentence for both forms
        assert (card.help == QUOTED_MISCITED_HELP) is (f.quote is not None)
        assert "Pincus & Cain 2008" in card.fields["Citation"]
    unquoted = "none: the passage is not in quotation marks"
    assert (card.fields["Quotation"] == unquoted) is (f.quote is None)
    # the contract carries it as it is: the kind, and no quote for a passage not quoted
    (written,) = json.loads((out / "findings.json").read_text())["findings"]
    assert written["kind"] == str(kind)
    assert (written["quote"] is None) is ("quotation marks" in said or kind is not Kind.MISCITED)


def test_the_command_line_says_both_problems(store: Path, tmp_path: Path) -> None:
    write_post(tmp_path / "week", "post.txt", [LEAD, f"{COPIED} (Anchin, 1982).", AFTER])
    code, stdout, _ = invoke(
        "scan", tmp_path / "week", "--corpus", store, "--out", tmp_path / "o", "--all"
    )
    assert code == 0
    assert "miscited, no quotation marks" in " ".join(stdout.split())


IN_MARKS = FindingQuote(0, 1, "double", closed=True, bound=None)


def finding_of(kind: Kind, quote: FindingQuote | None) -> Finding:
    return Finding("s", kind, 0, 1, "x", "src", "src.txt", 0, 1, 9, 1.0, 1.0, quote=quote)


@pytest.mark.parametrize(
    ("kind", "quote", "words"),
    [
        (Kind.MISCITED, None, "miscited, no quotation marks"),
        (Kind.MISCITED, IN_MARKS, "miscited"),
        (Kind.MISSING_QUOTATION_MARKS, None, "missing quotation marks"),
        (Kind.UNATTRIBUTED_COPY, None, "unattributed copy"),
        (Kind.PEER_OVERLAP, None, "peer overlap"),
        (Kind.ATTRIBUTED_QUOTE, IN_MARKS, "attributed quote"),
    ],
)
def test_kind_words(kind: Kind, quote: FindingQuote | None, words: str) -> None:
    f = finding_of(kind, quote)
    assert kind_words(f) == words
    assert len(also_wrong(f)) == words.count(",")


def test_the_legend_says_what_the_added_words_and_the_citation_marks_mean() -> None:
    shown = legend({Kind.MISCITED})
    assert "“no quotation marks”" in shown
    assert "citation is outlined" in shown and "bold and underlined" in shown


# ---------------------------------------------------------------- the whole citation


QUOTED = f'The authors put it plainly: "{COPIED}"'


@pytest.mark.parametrize("name", ["post.txt", "post.html", "post.docx"])
@pytest.mark.parametrize(
    ("citation", "kind", "work"),
    [
        # several works, one of them the source: the whole citation, the source's work marked
        (LONG, Kind.ATTRIBUTED_QUOTE, "Pincus & Cain, 2008, p. 113"),
        ("(Pincus & Cain, 2008; Anchin, 1982a, 1982b)", Kind.ATTRIBUTED_QUOTE,
         "Pincus & Cain, 2008"),
        # several works, none of them the source: outlined whole, no work marked
        ("(Anchin, 1982a, 1982b; Moss & Lee, 2010, p. 4)", Kind.MISCITED, None),
        # one work: outlined whole, parentheses and all; nothing inside to tell apart
        ("(Pincus & Cain, 2008, p. 113)", Kind.ATTRIBUTED_QUOTE, None),
    ],
)  # fmt: skip
def test_the_card_outlines_the_whole_citation_and_marks_the_work_that_matched(
    store: Path, tmp_path: Path, name: str, citation: str, kind: Kind, work: str | None
) -> None:
    result, out = scan_one(store, tmp_path, name, f"{QUOTED} {citation}.")
    (f,) = result.findings
    assert f.kind is kind
    text = result.documents[f.submission].text
    # the contract: the work judged and the whole citation it stands in
    group = text.index(citation)
    assert f.citation is not None
    assert (f.citation.group_start, f.citation.group_end) == (group, group + len(citation))
    (written,) = json.loads((out / "findings.json").read_text())["findings"]
    assert written["citation"] == citation_dict(f.citation)
    with (out / "findings.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = csv.DictReader(fh)
    assert json.loads(row["citation"])["group_start"] == group
    # the card: the whole citation outlined, the work that matched marked and said
    card = Card(page_of(out), 1)
    assert card.marks["cite"] == citation
    if work is None:
        assert "cite-work" not in card.marks
        assert not any("matches the source" in s for s in card.said)
    else:
        assert card.marks["cite-work"] == work
        assert "[the work that matches the source: " in card.said
        assert f"the work that matches the source: “{work}”" in card.fields["Citation"]
    assert card.fields["Citation"].startswith(f"“{citation}”")
    label = "[citation of other works: " if kind is Kind.MISCITED else "[citation: "
    assert label in card.said
    if kind is Kind.MISCITED:
        assert "none of the works it names is the source" in card.fields["Citation"]
        assert "but the passage is from Pincus & Cain 2008" in card.fields["Citation"]


def test_a_narrative_citation_is_outlined_whole(store: Path, tmp_path: Path) -> None:
    result, out = scan_one(store, tmp_path, "post.txt", f'Pincus and Cain (2008) say "{COPIED}."')
    (f,) = result.findings
    assert f.kind is Kind.ATTRIBUTED_QUOTE
    card = Card(page_of(out), 1)
    assert card.marks["cite"] == "Pincus and Cain (2008)" and "cite-work" not in card.marks
    assert "authors Pincus, Cain; year 2008" in card.fields["Citation"]


# ---------------------------------------------------------------- marks inside an excerpt


VH = '<span class="vh">'


@pytest.mark.parametrize(
    ("text", "ranges", "expected"),
    [
        # nested: the outline goes round the whole citation, the work inside it
        ("ab (X, 1; Y, 2) cd",
         [Marked(0, 2, "hl"), Marked(3, 15, "cite", "citation"),
          Marked(10, 14, "cite-work", "matched")],
         f'<mark class="hl">ab</mark> <mark class="cite">{VH}[citation: </span>(X, 1; '
         f'<mark class="cite-work">{VH}[matched: </span>Y, 2{VH}]</span></mark>)'
         f"{VH}]</span></mark> cd"),
        # the same range twice, and a range holding the passage
        ("abcd", [Marked(1, 3, "a"), Marked(1, 3, "b"), Marked(0, 4, "c")],
         '<mark class="c">a<mark class="a"><mark class="b">bc</mark></mark>d</mark>'),
        # crossing ranges cannot nest: each piece is marked with every range over it
        ("abcdef", [Marked(0, 4, "a", "L"), Marked(2, 6, "b")],
         f'{VH}[L: </span><mark class="a">ab</mark><mark class="a b">cd</mark>{VH}]</span>'
         '<mark class="b">ef</mark>'),
        # an empty range marks nothing; labels are text
        ("abc", [Marked(1, 2, "a", "<b>x</b>"), Marked(2, 2, "e", "gone")],
         f'a<mark class="a">{VH}[&lt;b&gt;x&lt;/b&gt;: </span>b{VH}]</span></mark>c'),
    ],
)  # fmt: skip
def test_excerpt_nests_the_marks_that_nest(text: str, ranges: list[Marked], expected: str) -> None:
    assert excerpt(text, ranges, {}) == expected
