"""Format readers through read_documents: text, encodings, hidden text and broken files."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest

from overlap.ingest import IngestLimits, read_documents
from overlap.ingest.errors import ExtractError
from overlap.ingest.formats import READERS
from overlap.ingest.formats.hidden import invisible, near
from overlap.model import Document, FileError, Role
from tests.docmakers import (
    PNG,
    docx_bytes,
    encrypted_docx_bytes,
    encrypted_pdf_bytes,
    footnote_ref,
    indentation,
    odt_bytes,
    ole2_bytes,
    para,
    paragraph_style,
    pdf_bytes,
    rtf_bytes,
    run,
    table,
    zip_bytes,
)


def read_one(tmp_path: Path, name: str, data: bytes) -> Document:
    """Write ``data`` as ``name`` and read it; it must give one document and no error."""
    (tmp_path / name).write_bytes(data)
    result = read_documents([tmp_path / name], Role.SUBMISSION)
    assert result.errors == ()
    [document] = result.documents
    return document


def read_error(tmp_path: Path, name: str, data: bytes) -> str:
    """Write ``data`` as ``name`` and read it; it must give no document and one error."""
    (tmp_path / name).write_bytes(data)
    result = read_documents([tmp_path / name], Role.SUBMISSION)
    assert result.documents == ()
    [error] = result.errors
    assert error.path == (tmp_path / name).as_posix()
    return error.error


# --- plain text and encodings ---------------------------------------------------------------

TEXT = "Caf\u00e9 na\u00efve \u201cquoted\u201d \u2014 \u00bd \u20ac5"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        pytest.param(TEXT.encode(), TEXT, id="utf8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode(), TEXT, id="utf8-bom"),
        pytest.param(TEXT.encode("utf-16"), TEXT, id="utf16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, id="utf16be-bom"),
        pytest.param(TEXT.encode("cp1252"), TEXT, id="cp1252"),
        pytest.param(
            "Caf\u00e9 \u00a4 \u00bf".encode("latin-1") + b"\x81",
            "Caf\u00e9 \u00a4 \u00bf\x81",
            id="latin1",
        ),
        pytest.param(
            "Caf\u00e9".encode().decode("cp1252").encode(), "Caf\u00c3\u00a9", id="mojibake-kept"
        ),
    ],
)
@pytest.mark.parametrize("name", ["essay.txt", "notes.md"])
def test_plain_text_encodings(tmp_path: Path, name: str, data: bytes, text: str) -> None:
    document = read_one(tmp_path, name, data)
    assert document.text == text
    assert document.flags == ()


# --- docx -----------------------------------------------------------------------------------


def test_docx_body_tables_and_footnotes(tmp_path: Path) -> None:
    body = (
        para("Essay title", style="Heading1")
        + para("The first ", run("paragraph", color="1F3864"), " of the body.")
        + table([["Cell one", "Cell two"], ["Cell three", "Cell & four"]])
        + para("A claim", footnote_ref(7), " with a note.")
        + para("   ")
        + para("Last paragraph.")
    )
    notes = {7: para("<w:r><w:footnoteRef/></w:r>", " Marlowe, T. (2014). Guided discovery.")}
    document = read_one(tmp_path, "essay.docx", docx_bytes(body, footnotes=notes))
    assert document.text == (
        "Essay title\n\nThe first paragraph of the body.\n\nCell one\n\nCell two\n\n"
        "Cell three\n\nCell & four\n\nA claim[1] with a note.\n\nLast paragraph.\n\n"
        "[1] Marlowe, T. (2014). Guided discovery."
    )
    assert document.flags == ()
    assert document.path == (tmp_path / "essay.docx").as_posix()


def test_docx_tabs_breaks_deletions_and_text_boxes(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>one</w:t><w:tab/><w:t>two</w:t><w:br/><w:t>three</w:t></w:r>"
        "<w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t xml:space='preserve'> inserted</w:t></w:r></w:ins>"
        "<w:r><w:instrText>HYPERLINK x</w:instrText></w:r>"
        "<w:hyperlink><w:r><w:t xml:space='preserve'> link</w:t></w:r></w:hyperlink></w:p>"
        "<w:p><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>in a box</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></w:r><w:r><w:t>after</w:t></w:r></w:p>"
    )
    document = read_one(tmp_path, "e.docx", docx_bytes(body))
    assert document.text == "one\ttwo\nthree inserted link\n\nafter\n\nin a box"


HIDDEN_STYLES = (
    '<w:style w:type="character" w:styleId="Secret"><w:rPr><w:vanish/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="Pale" ><w:basedOn w:val="Plain"/></w:style>'
    '<w:style w:type="character" w:styleId="Plain"><w:rPr><w:color w:val="FEFEFE"/></w:rPr>'
    "</w:style>"
)


@pytest.mark.parametrize(
    ("hidden_run", "hidden", "background"),
    [
        pytest.param(run("white words", color="FFFFFF"), True, None, id="white"),
        pytest.param(run("near white", color="F2F2F2"), True, None, id="near-white"),
        pytest.param(run("tiny words", size=6), True, None, id="3pt"),
        pytest.param(run("hidden words", vanish=True), True, None, id="vanish"),
        pytest.param(run("style hidden", style="Secret"), True, None, id="vanish-by-style"),
        pytest.param(run("based on pale", style="Pale"), True, None, id="colour-by-based-on"),
        pytest.param(run("black on black", color="000000", fill="000000"), True, None, id="shd"),
        pytest.param(run("dark on dark page", color="101010"), True, "000000", id="page-colour"),
        pytest.param(run("light grey", color="D9D9D9"), False, None, id="light-grey-visible"),
        pytest.param(run("four points", size=8), False, None, id="4pt-visible"),
        pytest.param(run("automatic", color="auto"), False, None, id="auto-colour"),
        pytest.param(run("white on blue", color="FFFFFF", fill="1F3864"), False, None, id="shd-ok"),
        pytest.param(run("white on dark", color="FFFFFF"), False, "202020", id="page-dark"),
        pytest.param(run(" ", color="FFFFFF"), False, None, id="white-space-only"),
    ],
)
def test_docx_hidden_text_is_extracted_and_flagged(
    tmp_path: Path, hidden_run: str, hidden: bool, background: str | None
) -> None:
    data = docx_bytes(
        para("Visible start ", hidden_run, " visible end."),
        styles=HIDDEN_STYLES,
        background=background,
    )
    document = read_one(tmp_path, "h.docx", data)
    inner = hidden_run.split(">")[-3].split("<")[0]
    assert document.text == f"Visible start {inner} visible end."
    assert ("hidden_text" in document.flags) is hidden


def test_docx_hidden_text_in_a_footnote_and_other_flags(tmp_path: Path) -> None:
    notes = {1: para("<w:r><w:footnoteRef/></w:r>", run(" tiny", size=2))}
    body = para("The \u0441at", footnote_ref(1))  # Cyrillic es: a look-alike letter
    document = read_one(tmp_path, "f.docx", docx_bytes(body, footnotes=notes))
    assert document.text == "The \u0441at[1]\n\n[1] tiny"
    assert document.flags == ("homoglyphs", "hidden_text")


def test_docx_default_styles_apply(tmp_path: Path) -> None:
    styles = (
        '<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="4"/></w:rPr></w:rPrDefault>'
        '</w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
        '<w:rPr><w:sz w:val="24"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Small"><w:rPr><w:sz w:val="4"/></w:rPr></w:style>'
    )
    plain = read_one(tmp_path, "a.docx", docx_bytes(para("normal size"), styles=styles))
    assert plain.flags == ()
    small = read_one(tmp_path, "b.docx", docx_bytes(para("2pt", style="Small"), styles=styles))
    assert small.flags == ("hidden_text",)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(encrypted_docx_bytes(), "password-protected", id="encrypted"),
        pytest.param(
            ole2_bytes({"WordDocument": b"x"}), "not a Word document (it is an OLE2", id="doc"
        ),
        pytest.param(PNG, "not a Word document (it is a PNG image)", id="image"),
        pytest.param(b"\x00\x01junk" * 50, "not a Word document", id="junk"),
        pytest.param(docx_bytes(para("x" * 400))[:300], "corrupt or truncated zip", id="truncated"),
        pytest.param(zip_bytes({"a.txt": "not word"}), "not a Word document (no word/", id="zip"),
        pytest.param(
            docx_bytes("<w:p><w:r><w:t>open"), "corrupt document (word/document.xml", id="bad-xml"
        ),
        pytest.param(docx_bytes(para("") + para("  ")), "no text", id="no-text"),
    ],
)
def test_broken_docx_is_a_named_error(tmp_path: Path, data: bytes, reason: str) -> None:
    assert read_error(tmp_path, "essay.docx", data).startswith(reason)


def test_docx_with_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = zip_bytes({"word/document.xml": laughs})
    assert read_error(tmp_path, "bomb.docx", data) == (
        "refused: word/document.xml declares XML entities"
    )


def test_docx_part_that_expands_too_far_is_refused(tmp_path: Path) -> None:
    filler = "<w:p/>" * 400_000  # 2.4 MB of XML that compresses about 1000:1
    data = docx_bytes(para("text") + filler)
    reason = read_error(tmp_path, "big.docx", data)
    assert reason.startswith("refused: compression ratio")
    small = IngestLimits(max_file_bytes=1024 * 1024, max_ratio=10_000)
    (tmp_path / "big.docx").write_bytes(data)
    result = read_documents([tmp_path / "big.docx"], Role.SUBMISSION, limits=small)
    assert [e.error for e in result.errors] == [
        "too large: 2.3 MiB, limit 1 MiB (word/document.xml)"
    ]


# --- pdf ------------------------------------------------------------------------------------


def test_pdf_text_layer(tmp_path: Path) -> None:
    data = pdf_bytes(
        [["Motivation grows when a person (really) hears", "their own reasons."], ["Page two."]]
    )
    document = read_one(tmp_path, "paper.pdf", data)
    assert (
        document.text
        == "Motivation grows when a person (really) hears\ntheir own reasons.\n\nPage two."
    )


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    data = encrypted_pdf_bytes([["Journal article text."]], user_password="")
    assert read_one(tmp_path, "journal.pdf", data).text == "Journal article text."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(pdf_bytes([[], []]), "no text layer (scanned?)", id="scanned"),
        pytest.param(pdf_bytes([["some text"] * 20])[:400], "truncated PDF", id="truncated"),
        pytest.param(
            encrypted_pdf_bytes([["secret"]], user_password="pw"), "password-protected", id="locked"
        ),
        pytest.param(PNG, "not a PDF (it is a PNG image)", id="image"),
        pytest.param(b"\xff\xd8\xff\xe0JFIF", "not a PDF (it is a JPEG image)", id="jpeg"),
        pytest.param(b"%PDF-1.4\n garbage \x00\x01\x02\n%%EOF\n", "corrupt PDF", id="junk"),
        pytest.param(b"Hello, this is text", "not a PDF", id="text"),
    ],
)
def test_broken_pdf_is_a_named_error(tmp_path: Path, data: bytes, reason: str) -> None:
    assert read_error(tmp_path, "paper.pdf", data).startswith(reason)


# --- html -----------------------------------------------------------------------------------

LMS_HTML = """<!DOCTYPE html><html><head><title>Discussion export</title>
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
<body><h1>Week 3:  Reflection</h1>
<div class="post"><p>I think&nbsp;the   reading&#8217;s <b>main</b>
point is &ldquo;trust&rdquo; &amp; <a href="#">rapport</a>.</p>
<p>Second line<br>after a break</p><ul><li>one</li><li>two</li></ul>
<pre>  kept   as
  is</pre></div><noscript>enable js</noscript></body></html>"""


def test_html_markup_stripped_paragraphs_kept(tmp_path: Path) -> None:
    document = read_one(tmp_path, "post.html", LMS_HTML.encode())
    assert document.text == (
        "Week 3: Reflection\n\nI think\u00a0the reading\u2019s main point is "
        "\u201ctrust\u201d & rapport.\n\nSecond line\nafter a break\n\none\n\ntwo\n\n"
        "  kept   as\n  is"
    )
    assert document.flags == ()


@pytest.mark.parametrize(
    "markup",
    [
        '<p>Shown <span style="display: none">hidden words</span> end</p>',
        '<p>Shown <span style="color:#FFFFFF">hidden words</span> end</p>',
        '<p>Shown <span style="font-size:0px">hidden words</span> end</p>',
        "<p>Shown <span hidden>hidden words</span> end</p>",
    ],
)
def test_html_hidden_text_is_extracted_and_flagged(tmp_path: Path, markup: str) -> None:
    document = read_one(tmp_path, "post.htm", markup.encode())
    assert document.text == "Shown hidden words end"
    assert document.flags == ("hidden_text",)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        pytest.param(b'<meta charset="windows-1252"><p>caf\xe9</p>', "caf\u00e9", id="meta-cp1252"),
        pytest.param("<p>caf\u00e9</p>".encode("utf-16"), "caf\u00e9", id="utf16-bom"),
        pytest.param(b"<p>caf\xe9 no charset</p>", "caf\u00e9 no charset", id="fallback"),
        pytest.param(b'<meta charset="utf-8"><p>caf\xe9</p>', "caf\u00e9", id="lying-meta"),
    ],
)
def test_html_encodings(tmp_path: Path, data: bytes, text: str) -> None:
    assert read_one(tmp_path, "p.html", data).text == text


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    assert read_error(tmp_path, "e.html", b"<html><script>x()</script><p> </p></html>") == "no text"


# --- odt ------------------------------------------------------------------------------------

ODT_BODY = (
    "<text:h text:outline-level='1'>Essay title</text:h>"
    "<text:p>First  paragraph<text:s text:c='2'/>with\n spaces<text:tab/>and a tab"
    "<text:note text:note-class='footnote'><text:note-citation>1</text:note-citation>"
    "<text:note-body><text:p>Smith (2019).</text:p></text:note-body></text:note>.</text:p>"
    "<text:list><text:list-item><text:p>item one</text:p></text:list-item>"
    "<text:list-item><text:p>item two</text:p></text:list-item></text:list>"
    "<table:table><table:table-row><table:table-cell><text:p>cell</text:p></table:table-cell>"
    "</table:table-row></table:table>"
    "<text:p>Line<text:line-break/>break</text:p>"
)


def test_odt_text(tmp_path: Path) -> None:
    document = read_one(tmp_path, "essay.odt", odt_bytes(ODT_BODY))
    assert document.text == (
        "Essay title\n\nFirst paragraph  with spaces\tand a tab[1].\n\nitem one\n\nitem two"
        "\n\ncell\n\nLine\nbreak\n\n[1] Smith (2019)."
    )
    assert document.flags == ()


@pytest.mark.parametrize(
    "props",
    ["fo:color='#ffffff'", "fo:font-size='2pt'", "text:display='none'"],
)
def test_odt_hidden_text_is_flagged(tmp_path: Path, props: str) -> None:
    styles = f"<style:style style:name='T1' style:family='text'><style:text-properties {props}/></style:style>"  # noqa: E501
    body = "<text:p>Seen <text:span text:style-name='T1'>unseen</text:span> seen</text:p>"
    document = read_one(tmp_path, "h.odt", odt_bytes(body, automatic_styles=styles))
    assert document.text == "Seen unseen seen"
    assert document.flags == ("hidden_text",)


def test_broken_odt(tmp_path: Path) -> None:
    assert read_error(tmp_path, "a.odt", odt_bytes("<text:p>x</text:p>", encrypted=True)) == (
        "password-protected"
    )
    assert read_error(tmp_path, "b.odt", PNG) == "not an OpenDocument text (it is a PNG image)"


# --- rtf ------------------------------------------------------------------------------------


def test_rtf_text(tmp_path: Path) -> None:
    data = rtf_bytes(["Caf\u00e9 \u201cquoted\u201d", "Zhukov: \u0416", "{braces} \\ kept"])
    document = read_one(tmp_path, "essay.rtf", data)
    assert document.text == "Caf\u00e9 \u201cquoted\u201d\n\nZhukov: \u0416\n\n{braces} \\ kept"


def test_broken_rtf(tmp_path: Path) -> None:
    assert read_error(tmp_path, "a.rtf", b"Just text, no RTF header") == "not an RTF document"
    assert read_error(tmp_path, "b.rtf", b"{\\rtf1 }") == "no text"


@pytest.mark.parametrize("escape", [b"\\u99999999999999999999?", b"\\u1114112?"])
def test_rtf_escape_out_of_range(tmp_path: Path, escape: bytes) -> None:
    data = b"{\\rtf1\\ansi Some text " + escape + b" and more}"
    assert read_error(tmp_path, "a.rtf", data).startswith("corrupt RTF (")


# --- every format, and the readers on their own -----------------------------------------------


def test_every_format_in_one_folder(tmp_path: Path) -> None:
    files = {
        "a.txt": b"plain text",
        "b.md": b"# markdown",
        "c.docx": docx_bytes(para("word text")),
        "d.pdf": pdf_bytes([["pdf text"]]),
        "e.html": b"<p>html text</p>",
        "f.htm": b"<p>htm text</p>",
        "g.odt": odt_bytes("<text:p>odt text</text:p>"),
        "h.rtf": rtf_bytes(["rtf text"]),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = read_documents([tmp_path], Role.SOURCE)
    assert result.errors == ()
    assert [d.text for d in result.documents] == [
        "plain text",
        "# markdown",
        "word text",
        "pdf text",
        "html text",
        "htm text",
        "odt text",
        "rtf text",
    ]
    assert set(READERS) == {Path(name).suffix for name in files}


@pytest.mark.parametrize("suffix", sorted(READERS))
@pytest.mark.parametrize(
    "data", [b"", b"\x00" * 64, PNG, bytes(range(256)) * 8, b"PK\x03\x04" + b"\xff" * 60]
)
def test_readers_never_crash_on_junk(suffix: str, data: bytes) -> None:
    try:
        READERS[suffix](data, f"junk{suffix}", IngestLimits())
    except ExtractError as exc:
        assert exc.path == f"junk{suffix}" and exc.reason


def test_docx_without_a_body(tmp_path: Path) -> None:
    xml = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    data = zip_bytes({"word/document.xml": xml}, compression=zipfile.ZIP_STORED)
    reason = read_error(tmp_path, "x.docx", data)
    assert reason == "not a Word document (no body in word/document.xml)"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"colour": "FFFFFF"}, True),
        ({"colour": "FFFFFF", "background": "FFFFFF"}, True),
        ({"colour": "000000", "background": "202020"}, True),
        ({"colour": "000000"}, False),
        ({"points": 3.5}, True),
        ({"points": 4.0}, False),
        ({"vanish": True}, True),
        ({}, False),
    ],
)
def test_invisible(kwargs: dict[str, object], expected: bool) -> None:
    assert invisible(**kwargs) is expected  # type: ignore[arg-type]


def test_near_colours() -> None:
    assert near("FFFFFF", "DFDFDF") and not near("FFFFFF", "DEDEDE")
    assert near("1F3864", "203865") and not near("FFFFFF", "FFFF00")


def test_file_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine")
    (tmp_path / "bad.pdf").write_bytes(PNG)
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [d.text for d in result.documents] == ["fine"]
    assert result.errors == (
        FileError((tmp_path / "bad.pdf").as_posix(), "not a PDF (it is a PNG image)"),
    )


def test_deeply_nested_document_is_refused_not_a_crash(tmp_path: Path) -> None:
    body = "<w:sdt><w:sdtContent>" * 3000 + para("deep") + "</w:sdtContent></w:sdt>" * 3000
    assert read_error(tmp_path, "deep.docx", docx_bytes(body)) == (
        "refused: document nested too deeply"
    )


# --- paragraphs set off as quotations ---------------------------------------------------------

QUOTED = "Words set off as a quotation."
QUOTE_STYLES = (
    paragraph_style("Quote", "Quote")
    + paragraph_style("IntenseQuote", "Intense Quote")
    + paragraph_style("BlockText", "Block Text")
    + paragraph_style("MyQuote", "My quote", based_on="Quote")
    + paragraph_style("Zitat", "Quote")  # a localised id keeps the built-in name
    + paragraph_style("Indented", "Indented", ind=indentation(720))
    + paragraph_style("Refs", "Refs", ind=indentation(720, hanging=720))
    + paragraph_style("ListParagraph", "List Paragraph", ind=indentation(720))
    + paragraph_style("NumberedQuote", "Numbered quote", based_on="Quote", numbered=True)
)


@pytest.mark.parametrize(
    ("paragraph", "set_off"),
    [
        pytest.param(para(QUOTED, style="Quote"), True, id="quote-style"),
        pytest.param(para(QUOTED, style="IntenseQuote"), True, id="intense-quote"),
        pytest.param(para(QUOTED, style="BlockText"), True, id="block-text"),
        pytest.param(para(QUOTED, style="MyQuote"), True, id="based-on-quote"),
        pytest.param(para(QUOTED, style="Zitat"), True, id="localised-id"),
        pytest.param(para(QUOTED, style="Indented"), True, id="indented-style"),
        pytest.param(para(QUOTED, ind=indentation(720)), True, id="indented"),
        pytest.param(para(QUOTED, ind=indentation(360)), True, id="quarter-inch"),
        pytest.param(para(QUOTED, ind=indentation(200)), False, id="slight-indent"),
        pytest.param(para(QUOTED, ind=indentation(first_line=720)), False, id="first-line"),
        pytest.param(para(QUOTED, style="Refs"), False, id="hanging-indent"),
        pytest.param(para(QUOTED, style="Refs", ind=indentation(1440)), True, id="override"),
        pytest.param(para(QUOTED, style="ListParagraph"), False, id="list-paragraph"),
        pytest.param(para(QUOTED, ind=indentation(720), numbered=True), False, id="numbered"),
        pytest.param(para(QUOTED, style="NumberedQuote"), False, id="numbered-quote-style"),
        pytest.param(para(QUOTED), False, id="plain"),
    ],
)
def test_docx_paragraph_set_off_as_a_quotation_is_indented(
    tmp_path: Path, paragraph: str, set_off: bool
) -> None:
    body = para("Before.") + paragraph + para("After.")
    document = read_one(tmp_path, "q.docx", docx_bytes(body, styles=QUOTE_STYLES))
    shown = f"    {QUOTED}" if set_off else QUOTED
    assert document.text == f"Before.\n\n{shown}\n\nAfter."


def test_docx_set_off_paragraph_indents_each_of_its_lines(tmp_path: Path) -> None:
    body = para(run("First line"), "<w:r><w:br/></w:r>", run("second line"), style="Quote")
    document = read_one(tmp_path, "q.docx", docx_bytes(body, styles=QUOTE_STYLES))
    assert document.text == "    First line\n    second line"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        pytest.param(
            f"<p>Before.</p><blockquote><p>{QUOTED}</p><p>Second.</p></blockquote><p>After.</p>",
            f"Before.\n\n    {QUOTED}\n\n    Second.\n\nAfter.",
            id="blockquote",
        ),
        pytest.param(
            f"<p>Before.</p><blockquote>{QUOTED}<br>Next line</blockquote>After.",
            f"Before.\n\n    {QUOTED}\n    Next line\n\nAfter.",
            id="blockquote-lines",
        ),
        pytest.param(
            f'<p>Before.</p><p style="padding-left: 40px;">{QUOTED}</p><p>After.</p>',
            f"Before.\n\n    {QUOTED}\n\nAfter.",
            id="padding-left",
        ),
        pytest.param(
            f'<div style="margin-left:0.5in">{QUOTED}</div><p>After.',
            f"    {QUOTED}\n\nAfter.",
            id="margin-left",
        ),
        pytest.param(f'<p style="margin-left: 5px">{QUOTED}</p>', QUOTED, id="slight-margin"),
        pytest.param(f'<p style="text-indent: 40px">{QUOTED}</p>', QUOTED, id="first-line-indent"),
        pytest.param(
            f'<p style="padding-left: 40px">{QUOTED}<p>After.',
            f"    {QUOTED}\n\nAfter.",
            id="unclosed-p",
        ),
        pytest.param(
            "<blockquote><ul><li>one</li><li>two</li></ul></blockquote><p>After.</p>",
            "one\n\ntwo\n\nAfter.",
            id="list-in-blockquote",
        ),
    ],
)
def test_html_blocks_set_off_as_quotations_are_indented(
    tmp_path: Path, markup: str, text: str
) -> None:
    assert read_one(tmp_path, "post.html", markup.encode()).text == text


ODT_STYLES = (
    '<style:style style:name="Quotations" style:family="paragraph">'
    '<style:paragraph-properties fo:margin-left="0.3937in"/></style:style>'
    '<style:style style:name="List_20_Contents" style:display-name="List Contents" '
    'style:family="paragraph"><style:paragraph-properties fo:margin-left="1cm"/></style:style>'
)
ODT_AUTOMATIC = (
    '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Quotations"/>'
    '<style:style style:name="P2" style:family="paragraph">'
    '<style:paragraph-properties fo:margin-left="1.27cm" fo:text-indent="0cm"/></style:style>'
    '<style:style style:name="P3" style:family="paragraph">'
    '<style:paragraph-properties fo:margin-left="1.27cm" fo:text-indent="-1.27cm"/></style:style>'
    '<style:style style:name="P4" style:family="paragraph">'
    '<style:paragraph-properties fo:text-indent="1.27cm"/></style:style>'
)


@pytest.mark.parametrize(
    ("paragraph", "set_off"),
    [
        pytest.param(f'<text:p text:style-name="Quotations">{QUOTED}</text:p>', True, id="named"),
        pytest.param(f'<text:p text:style-name="P1">{QUOTED}</text:p>', True, id="based-on"),
        pytest.param(f'<text:p text:style-name="P2">{QUOTED}</text:p>', True, id="indented"),
        pytest.param(f'<text:p text:style-name="P3">{QUOTED}</text:p>', False, id="hanging"),
        pytest.param(f'<text:p text:style-name="P4">{QUOTED}</text:p>', False, id="first-line"),
        pytest.param(
            f'<text:p text:style-name="List_20_Contents">{QUOTED}</text:p>', False, id="list-style"
        ),
        pytest.param(
            f'<text:list><text:list-item><text:p text:style-name="P2">{QUOTED}</text:p>'
            "</text:list-item></text:list>",
            False,
            id="list-item",
        ),
    ],
)
def test_odt_paragraph_set_off_as_a_quotation_is_indented(
    tmp_path: Path, paragraph: str, set_off: bool
) -> None:
    body = f"<text:p>Before.</text:p>{paragraph}<text:p>After.</text:p>"
    data = odt_bytes(body, automatic_styles=ODT_AUTOMATIC, styles=ODT_STYLES)
    shown = f"    {QUOTED}" if set_off else QUOTED
    assert read_one(tmp_path, "q.odt", data).text == f"Before.\n\n{shown}\n\nAfter."
