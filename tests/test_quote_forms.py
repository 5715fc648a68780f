"""Block quotes and quotations over several paragraphs, end to end in .txt, .docx and .html.

Each row is a post (paragraphs, built into every format where its form exists) and the kinds
of the findings a scan reports for it, through the library calls a user's job makes:
``add_to_corpus`` for the sources (with their authors and years in metadata.csv), then
``scan_paths`` for the week's posts, all scanned in one batch.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from overlap.engine.choice import EngineSpec
from overlap.indexing.add import add_to_corpus
from overlap.model import Kind, Role
from overlap.scanning.files import scan_paths
from tests.conftest import prose
from tests.docmakers import docx_bytes, indentation, para, paragraph_style

# --- the sources (fictional) -----------------------------------------------------------------

HALLORAN = [
    "Loss that nobody names aloud tends to reappear as sleeplessness and a short temper.",
    "Counselors who ask a bereaved client to say plainly what was lost usually see the first "
    "real change within a handful of meetings, since saying it turns a private burden into "
    "shared work.",
    "The task is not to speed the sorrow along but to stay beside it until the client can "
    "hold it without being held by it.",
    "Relatives often mistake this slowness for stubbornness.",
    "In our interviews the clients who felt hurried were twice as likely to stop attending "
    "early, and most of them told us later that they had not been ready to be told how to "
    "feel.",
]
OKAFOR = [
    "Remembering after a death does not work like a filing cabinet that opens and shuts on "
    "request. It comes back in pieces, set off by a scent, a tune or the slant of late sun, "
    "and the mourner seldom picks the moment. Practitioners who want a tidy account in the "
    "first meetings tend to cut these pieces short while they look for coherence, and so they "
    "teach the client that only neat stories belong in the room. Across many years of "
    "supervision we saw that the most useful practitioners let the pieces pile up without "
    "remark until the client started, without prompting, to join them into something like a "
    "life story once more.",
    "How fast that joining happens varies widely between cultures and between households "
    "inside one culture. Some families grieve aloud and in public for a brief season, while "
    "others stay quiet for years and mention the dead only on anniversaries. Neither habit "
    "foretells a poorer outcome on its own. What foretold trouble in our conversations was a "
    "gap between the pace a household thought proper and the pace one member required, "
    "because that member then mourned twice: once for the person who died and once for the "
    "belonging that was lost when the household judged the sorrow too much or too little.",
    "For these reasons we advise that assessment start with the household's own rules about "
    "mourning before any questionnaire is given. A practitioner who knows that a client's "
    "relatives think tears after the first month shameful will read a dry-eyed session quite "
    "differently from one who takes the absence of tears to mean recovery. Questionnaires stay "
    "useful, but only as a second opinion, and only after the client has had the chance to say "
    "in their own words which parts of grief their community allows and which it asks them to "
    "hide.",
]
SOURCES = {
    "halloran.txt": (" ".join(HALLORAN), '"Halloran, M."', "2006"),
    "okafor.txt": ("Grief and belonging\n\n" + "\n\n".join(OKAFOR), '"Okafor, B."', "2019"),
}

#: 60 words of Halloran quoted as a block; sentences 1-4 for quotations over two paragraphs.
BLOCK = " ".join(HALLORAN[1:4])
S1, S2, S3, S4 = HALLORAN[1:5]
L0, L1, L2 = OKAFOR

# --- posts, and how each format writes them ----------------------------------------------------


@dataclass(frozen=True)
class Par:
    """A paragraph of a post: ``plain``, ``set_off`` (a block quote's) or ``list`` items."""

    text: str
    kind: str = "plain"


def q(text: str) -> Par:
    return Par(text, "set_off")


def items(*texts: str) -> Par:
    return Par("\n".join(texts), "list")


def txt(post: list[Par]) -> bytes:
    def one(p: Par) -> str:
        if p.kind == "set_off":
            return "    " + p.text
        if p.kind == "list":
            return "\n".join(f"    {i}. {t}" for i, t in enumerate(p.text.split("\n"), 1))
        return p.text

    return "\n\n".join(map(one, post)).encode()


QUOTE_STYLE = paragraph_style("Quote", "Quote")


def docx(set_off: Callable[[str], str]) -> Callable[[list[Par]], bytes]:
    def build(post: list[Par]) -> bytes:
        body = ""
        for p in post:
            if p.kind == "set_off":
                body += set_off(p.text)
            elif p.kind == "list":
                body += "".join(
                    para(t, ind=indentation(720, hanging=360), numbered=True)
                    for t in p.text.split("\n")
                )
            else:
                body += para(p.text)
        return docx_bytes(body, styles=QUOTE_STYLE)

    return build


def html_post(set_off: Callable[[list[str]], str]) -> Callable[[list[Par]], bytes]:
    def build(post: list[Par]) -> bytes:
        out, run = [], []
        for p in [*post, Par("")]:
            if p.kind == "set_off":
                run.append(html.escape(p.text))
                continue
            if run:
                out.append(set_off(run))
                run = []
            if p.kind == "list":
                out.append(
                    "<ul>"
                    + "".join(f"<li>{html.escape(t)}</li>" for t in p.text.split("\n"))
                    + "</ul>"
                )
            elif p.text:
                out.append(f"<p>{html.escape(p.text)}</p>")
        return f"<html><body>{''.join(out)}</body></html>".encode()

    return build


FORMATS: dict[str, tuple[str, Callable[[list[Par]], bytes]]] = {
    "txt": ("txt", txt),
    "docx-indent": ("docx", docx(lambda t: para(t, ind=indentation(720)))),
    "docx-quote-style": ("docx", docx(lambda t: para(t, style="Quote"))),
    "docx-tab": ("docx", docx(lambda t: para("\t" + t))),
    "html-blockquote": (
        "html",
        html_post(lambda ps: "<blockquote>" + "".join(f"<p>{p}</p>" for p in ps) + "</blockquote>"),
    ),
    "html-padding": (
        "html",
        html_post(lambda ps: "".join(f'<p style="padding-left: 40px;">{p}</p>' for p in ps)),
    ),
}
#: Forms written with quotation marks look the same in every format's plain paragraphs.
MARKS_FORMATS = ("txt", "docx-indent", "html-blockquote")


def mine(seed: int, words: int = 14) -> str:
    """Prose of the student's own, shared with no other post of the batch."""
    return prose(seed, words)


# (row, post, expected kinds); set-off rows run in every format, the others as noted
SET_OFF_ROWS: list[tuple[str, list[Par], list[Kind]]] = [
    (
        "lead-in-and-locator",
        [Par(mine(1)), Par("Halloran (2006) describes it this way:"), q(f"{BLOCK} (p. 7)")],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "lead-in-only",
        [Par(mine(2)), Par("Halloran (2006) describes it this way:"), q(BLOCK), Par(mine(3))],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "lead-in-of-two-sentences",
        [
            Par("Halloran (2006) interviewed grieving families for a decade. She concludes:"),
            q(BLOCK),
            Par(mine(4)),
        ],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "lead-in-without-colon",
        [Par(f"Halloran (2006) studied families like mine. {mine(5)}"), q(BLOCK), Par(mine(6))],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "citation-paragraph-after",
        [Par(mine(7)), q(BLOCK), Par("(Halloran, 2006, p. 7)"), Par(mine(8))],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "citation-after-final-period",
        [Par(mine(9)), q(f"{BLOCK} (Halloran, 2006, p. 7)"), Par(mine(10))],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "citation-before-final-period",
        [Par(mine(11)), q(f"{BLOCK[:-1]} (Halloran, 2006, p. 7)."), Par(mine(12))],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "lead-in-without-citation",
        [Par(mine(13)), Par("Here is the passage that stayed with me:"), q(BLOCK)],
        [Kind.MISSING_CITATION],
    ),
    (
        "cited-to-another-work",
        [Par("Okafor (2019) describes it this way:"), q(BLOCK), Par(mine(14))],
        [Kind.MISCITED],
    ),
    (
        "two-paragraphs-of-a-long-source",
        [Par("Okafor (2019) puts it this way:"), q(L0), q(f"{L1} (p. 12)"), Par(mine(15))],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    # not block quotes
    (
        "no-lead-in-and-no-citation",
        [Par(mine(16, 8)), q(BLOCK), Par(mine(17, 8))],
        [Kind.UNATTRIBUTED_COPY],
    ),
    (
        "indented-list",
        [
            Par("My plan for the coming week has three steps:"),
            items(mine(18, 5), mine(19, 5), mine(20, 5)),
            Par(mine(21, 5)),
        ],
        [],
    ),
    (
        "every-paragraph-indented",
        [q(mine(22)), q("Halloran (2006) describes it this way:"), q(f"{BLOCK} (p. 7)")],
        [Kind.MISSING_QUOTATION_MARKS],
    ),
    ("indented-own-paragraph", [Par(mine(24, 6)), q(mine(25, 30)), Par(mine(26, 6))], []),
]

MARKS_ROWS: list[tuple[str, list[Par], list[Kind]]] = [
    (
        "each-paragraph-opened",
        [Par(mine(30)), Par(f'"{S1} {S2}'), Par(f'"{S3} {S4}" (Halloran, 2006, p. 8)')],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "one-pair-around-paragraphs",
        [Par(mine(31)), Par(f'"{S1} {S2}'), Par(f'{S3} {S4}" (Halloran, 2006, p. 8)')],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "curly-each-paragraph-opened",
        [Par(mine(32)), Par(f"\u201c{S1} {S2}"), Par(f"\u201c{S3} {S4}\u201d (Halloran, 2006)")],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "curly-one-pair",
        [Par(mine(33)), Par(f"\u201c{S1} {S2}"), Par(f"{S3} {S4}\u201d (Halloran, 2006)")],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "lead-in-then-paragraphs",
        [Par("Halloran (2006) writes:"), Par(f'"{S1} {S2}'), Par(f'"{S3} {S4}"'), Par(mine(34))],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "paragraphs-without-citation",
        [Par(mine(35)), Par(f"\u201c{S1} {S2}"), Par(f"\u201c{S3} {S4}\u201d"), Par(mine(36))],
        [Kind.MISSING_CITATION],
    ),
    (
        "whole-source-each-opened",
        [
            Par("Okafor (2019) sums up the whole argument:"),
            Par(f'"{L0}'),
            Par(f'"{L1}'),
            Par(f'"{L2}" (p. 12)'),
        ],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "whole-source-one-pair",
        [Par(mine(37)), Par(f"\u201c{L0}"), Par(L1), Par(f"{L2}\u201d (Okafor, 2019, p. 12)")],
        [Kind.ATTRIBUTED_QUOTE],
    ),
    # a quotation left open stays in its paragraph
    (
        "left-open-then-own-prose",
        [
            Par(f'Halloran (2006) wrote that "{S1} {S2}'),
            Par(f"As Okafor (2019) observes, {OKAFOR[1].split('. ')[3]}. {mine(38)}"),
            Par(mine(39)),
        ],
        [Kind.ATTRIBUTED_QUOTE, Kind.MISSING_QUOTATION_MARKS],
    ),
    (
        "stray-closing-mark-paragraphs-later",
        [
            Par(f'Halloran (2006) wrote that "{S1} {S2}'),
            Par(f"As Okafor (2019) observes, {OKAFOR[1].split('. ')[3]}. {mine(40)}"),
            Par(mine(41)),
            Par(mine(42)),
            Par(mine(43)),
            Par(f'{mine(44)}" as my supervisor says.'),
        ],
        [Kind.ATTRIBUTED_QUOTE, Kind.MISSING_QUOTATION_MARKS],
    ),
]

LEAD = "Halloran (2006) describes it this way:"
WRAPPED = "\n".join("    " + BLOCK[i : i + 70] for i in range(0, len(BLOCK), 70))
#: Forms only plain text has: (row, text, expected kinds).
TEXT_ROWS: list[tuple[str, str, list[Kind]]] = [
    ("tab", f"{mine(50)}\n\n{LEAD}\n\n\t{BLOCK} (p. 7)\n\n{mine(51)}", [Kind.ATTRIBUTED_QUOTE]),
    ("lines-wrapped", f"{mine(52)}\n\n{LEAD}\n\n{WRAPPED} (p. 7)", [Kind.ATTRIBUTED_QUOTE]),
    ("no-blank-lines", f"{mine(53)}\n{LEAD}\n    {BLOCK}\n{mine(54)}", [Kind.ATTRIBUTED_QUOTE]),
    ("no-blank-line-after", f"{LEAD}\n\n    {BLOCK} (p. 7)\n{mine(55)}", [Kind.ATTRIBUTED_QUOTE]),
    (
        "paragraphs-opened-no-blank-line",
        f'{mine(56)}\n"{S1} {S2}\n"{S3} {S4}" (Halloran, 2006, p. 8)\n{mine(57)}',
        [Kind.ATTRIBUTED_QUOTE],
    ),
    (
        "first-line-indent-is-not-a-set-off",
        f"{mine(58)}\n\n{LEAD}\n\n" + WRAPPED.replace("\n    ", "\n") + f"\n\n{mine(59)}",
        [Kind.MISSING_QUOTATION_MARKS],
    ),
]


def _posts() -> dict[str, tuple[bytes, list[Kind]]]:
    posts: dict[str, tuple[bytes, list[Kind]]] = {}
    for rows, formats in ((SET_OFF_ROWS, tuple(FORMATS)), (MARKS_ROWS, MARKS_FORMATS)):
        for row, post, kinds in rows:
            for name in formats:
                ext, build = FORMATS[name]
                posts[f"{row}--{name}.{ext}"] = (build(post), kinds)
    for row, text, kinds in TEXT_ROWS:
        posts[f"{row}--txt.txt"] = (text.encode(), kinds)
    return posts


POSTS = _posts()


@pytest.fixture(scope="module")
def kinds_found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Kind]]:
    """Kinds found in each post; the posts of one format are scanned together.

    Formats go in batches of their own so that the same post in two formats is not text
    two students share.
    """
    root = tmp_path_factory.mktemp("quote-forms")
    sources = root / "sources"
    sources.mkdir()
    rows = ["path,author,year,title"]
    for name, (text, author, year) in SOURCES.items():
        (sources / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},{author},{year},{name}")
    (sources / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    one = EngineSpec(workers=1)
    add_to_corpus([sources], Role.SOURCE, root / "store", engine=one)
    found: dict[str, list[Kind]] = {}
    for fmt in FORMATS:
        week = root / fmt
        week.mkdir()
        for name, (data, _) in POSTS.items():
            if name.partition("--")[2].startswith(f"{fmt}."):
                (week / name).write_bytes(data)
        result = scan_paths([week], root / "store", root / f"report-{fmt}", engine=one)
        assert result.errors == ()
        names = {s.id: Path(s.path).name for s in result.submissions}
        found.update({name: [] for name in names.values()})
        for f in result.findings:
            found[names[f.submission]].append(f.kind)
    return {name: sorted(kinds) for name, kinds in found.items()}


@pytest.mark.parametrize(
    ("post", "expected"), [(n, k) for n, (_, k) in POSTS.items()], ids=list(POSTS)
)
def test_quote_form(kinds_found: dict[str, list[Kind]], post: str, expected: list[Kind]) -> None:
    assert kinds_found[post] == sorted(expected)


def test_the_card_of_a_block_quote_names_it(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "halloran.txt").write_text(" ".join(HALLORAN), encoding="utf-8")
    (tmp_path / "sources" / "metadata.csv").write_text(
        'path,author,year,title\nhalloran.txt,"Halloran, M.",2006,Grief\n', encoding="utf-8"
    )
    (tmp_path / "week").mkdir()
    post = txt([Par(mine(1)), Par("Halloran (2006) describes it this way:"), q(BLOCK)])
    (tmp_path / "week" / "post.txt").write_bytes(post)
    add_to_corpus([tmp_path / "sources"], Role.SOURCE, tmp_path / "store")
    result = scan_paths([tmp_path / "week"], tmp_path / "store", tmp_path / "report")
    assert [f.kind for f in result.findings] == [Kind.ATTRIBUTED_QUOTE]
    page = next((tmp_path / "report" / "submissions").glob("post-*.html")).read_text()
    assert "a block quote (set off by indentation, without quotation marks)" in page
