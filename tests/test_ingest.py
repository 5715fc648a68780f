"""Ingest of .txt/.md files and folders, metadata.csv, encodings."""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from overlap.errors import InputError
from overlap.ingest import DecodeError, Ingested, decode_bytes, parse_authors, read_documents
from overlap.model import Document, FileError, Role, document_id
from tests.docmakers import PNG

DEV = Path("/work/shared/data/attribution-dev")


def make_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (posix path -> text or bytes) under ``root``; return ``root``."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
    return root


def by_path(result: Ingested) -> dict[str, Document]:
    return {doc.path: doc for doc in result.documents}


# --- decode ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        pytest.param(b"plain ascii", "plain ascii", id="ascii"),
        pytest.param("caf\u00e9 \u201cq\u201d".encode(), "caf\u00e9 \u201cq\u201d", id="utf8"),
        pytest.param(codecs.BOM_UTF8 + b"bom", "bom", id="utf8-bom-stripped"),
        pytest.param(codecs.BOM_UTF8 + codecs.BOM_UTF8 + b"x", "\ufeffx", id="only-one-bom"),
        pytest.param("\ufeffle\u00e9".encode("utf-16-le"), "le\u00e9", id="utf16le-bom"),
        pytest.param("\ufeffbe\u00e9".encode("utf-16-be"), "be\u00e9", id="utf16be-bom"),
        pytest.param("\ufeffw\u00e9".encode("utf-32-le"), "w\u00e9", id="utf32le-bom"),
        pytest.param(b"caf\xe9 \x93q\x94 \x80", "caf\u00e9 \u201cq\u201d \u20ac", id="cp1252"),
        pytest.param(b"\x81\x8d\xe9", "\x81\x8d\u00e9", id="latin1-fallback"),
        pytest.param(b"a\r\nb\rc\n", "a\r\nb\rc\n", id="line-endings-kept"),
        pytest.param(b"", "", id="empty"),
        # A stray NUL in long UTF-8 text stays, as a character: offsets count it.
        pytest.param(b"x" * 2000 + b"\x00 y", "x" * 2000 + "\x00 y", id="stray-nul-kept"),
        # One stray NUL is a stray NUL however short the text (scraped pages have them).
        pytest.param(
            b"Short scraped line.\x00 More.", "Short scraped line.\x00 More.", id="one-nul"
        ),
    ],
)
def test_decode_bytes(data: bytes, text: str) -> None:
    assert decode_bytes(data, "x.txt") == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"PK\x03\x04\x00\x00junk", "binary file", id="nul-bytes"),
        pytest.param("abc".encode("utf-16-le"), "binary file", id="utf16-without-bom"),
        pytest.param(b"x" * 98 + b"\x00\x00", "binary file", id="two-nuls-in-100-bytes"),
        pytest.param(b"x" * 2000 + b"\x00\xff", "binary file", id="nul-in-non-utf8"),
        pytest.param(b"x" * 300 + b"\x00\x1b\x00\x1d\x00\x00", "binary file", id="nuls-over-1pc"),
        pytest.param(codecs.BOM_UTF16_LE + b"a\x00b", "invalid UTF-16", id="utf16-odd-length"),
        pytest.param(codecs.BOM_UTF8 + b"ok \xff", "invalid UTF-8", id="utf8-bom-then-junk"),
    ],
)
def test_decode_bytes_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data, "dir/x.txt")
    assert info.value.reason.startswith(reason)
    assert info.value.path == "dir/x.txt"
    assert isinstance(info.value, InputError)
    assert str(info.value).startswith("dir/x.txt: ")


@given(st.text(alphabet=st.characters(blacklist_characters="\0", blacklist_categories=["Cs"])))
def test_decode_utf8_round_trips(text: str) -> None:
    if text.startswith("\ufeff"):
        text = "x" + text
    assert decode_bytes(text.encode("utf-8"), "x.txt") == text


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"])))
def test_decode_utf16_with_bom_round_trips(text: str) -> None:
    if text.startswith("\0"):
        # FF FE 00 00 is the UTF-32 byte-order mark; UTF-32 wins that tie.
        text = "x" + text
    assert decode_bytes(text.encode("utf-16"), "x.txt") == text


# --- authors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "authors"),
    [
        (None, ()),
        ("", ()),
        ("   ", ()),
        ("Ferreira-Lund, C.", ("Ferreira-Lund, C.",)),
        ("Marlowe, T.; Okafor, B. N.", ("Marlowe, T.", "Okafor, B. N.")),
        (
            "Adeyemi, R. O.;Castellanos, M. ;  Brandt, J.",
            ("Adeyemi, R. O.", "Castellanos, M.", "Brandt, J."),
        ),
        ("Last, I.;", ("Last, I.",)),
        ("; Last, I.;;", ("Last, I.",)),
        ("World Health Organization", ("World Health Organization",)),
        ("N\u00fa\u00f1ez, \u00c1.", ("N\u00fa\u00f1ez, \u00c1.",)),
    ],
)
def test_parse_authors(cell: str | None, authors: tuple[str, ...]) -> None:
    assert parse_authors(cell) == authors


# --- folders --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "paths"),
    [
        pytest.param({"a.txt": "A"}, ["a.txt"], id="one-file"),
        pytest.param(
            {"b.txt": "B", "a.md": "A", "c/d.txt": "D", "c/e/f.txt": "F"},
            ["a.md", "b.txt", "c/d.txt", "c/e/f.txt"],
            id="nested-sorted",
        ),
        pytest.param({"UP.TXT": "U", "mixed.Md": "M"}, ["UP.TXT", "mixed.Md"], id="suffix-case"),
        pytest.param(
            # .pdf and .docx are read now (see test_formats.py); a CSV that is not a
            # discussion export is an error (see test_lms.py).
            {"a.txt": "A", "b.pages": "B", "d.doc": "D", "e": "E", "f.txt.bak": "F"},
            ["a.txt"],
            id="other-extensions-skipped",
        ),
        pytest.param(
            {
                "a.txt": "A",
                ".hidden.txt": "H",
                ".git/x.txt": "X",
                "s/.h/y.txt": "Y",
                "s/z.txt": "Z",
            },
            ["a.txt", "s/z.txt"],
            id="hidden-skipped",
        ),
        pytest.param(
            {"metadata.csv": "path\na.txt\n", "a.txt": "A", "s/METADATA.CSV": "path\n"},
            ["a.txt"],
            id="metadata-not-a-document",
        ),
        pytest.param({"s/t/u.txt": "U"}, ["s/t/u.txt"], id="deep-only"),
        pytest.param({"empty/": ""}, [], id="no-text-files"),
    ],
)
def test_folder_contents(tmp_path: Path, files: dict[str, str], paths: list[str]) -> None:
    files = {rel: text for rel, text in files.items() if not rel.endswith("/")}
    (tmp_path / "in" / "empty").mkdir(parents=True)
    make_tree(tmp_path / "in", files)
    result = read_documents([tmp_path / "in"], Role.SUBMISSION)
    assert [doc.path for doc in result.documents] == [
        (tmp_path / "in" / p).as_posix() for p in paths
    ]
    assert result.errors == ()
    assert {doc.role for doc in result.documents} <= {Role.SUBMISSION}


def test_order_is_independent_of_creation_order(tmp_path: Path) -> None:
    names = ["z.txt", "a/b.txt", "a.txt", "m/n/o.md", "a0.txt", "B.txt"]
    make_tree(tmp_path / "one", {name: name for name in names})
    make_tree(tmp_path / "two", {name: name for name in reversed(names)})
    one = read_documents([tmp_path / "one"], Role.SOURCE)
    two = read_documents([tmp_path / "two"], Role.SOURCE)
    rels = [doc.path.removeprefix((tmp_path / "one").as_posix() + "/") for doc in one.documents]
    assert rels == sorted(names)
    assert [doc.id for doc in one.documents] == [doc.id for doc in two.documents]


def test_paths_as_given_and_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, {"corpus/demo/sources/a.txt": "A", "corpus/demo/sources/x/b.md": "B"})
    monkeypatch.chdir(tmp_path)
    result = read_documents([Path("corpus/demo/sources")], Role.SOURCE)
    assert [doc.path for doc in result.documents] == [
        "corpus/demo/sources/a.txt",
        "corpus/demo/sources/x/b.md",
    ]
    assert result.documents[0].id == document_id("a.txt", "A")
    assert result.documents[1].id == document_id("x/b.md", "B")
    single = read_documents([Path("corpus/demo/sources/x/b.md")], Role.SOURCE)
    assert single.documents[0].path == "corpus/demo/sources/x/b.md"
    assert single.documents[0].id == document_id("b.md", "B")


def test_role_and_flags(tmp_path: Path) -> None:
    make_tree(tmp_path, {"h.txt": "the \u0441at sat", "i.txt": "in\u200bvisible", "p.txt": "plain"})
    docs = by_path(read_documents([tmp_path], Role.PRIOR))
    assert {doc.role for doc in docs.values()} == {Role.PRIOR}
    assert docs[(tmp_path / "h.txt").as_posix()].flags == ("homoglyphs",)
    assert docs[(tmp_path / "i.txt").as_posix()].flags == ("invisible_characters",)
    assert docs[(tmp_path / "p.txt").as_posix()].flags == ()


def test_text_kept_exactly(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF8 + "Title\r\n\r\n  caf\u00e9\u00a0text\t\rend  \n".encode()
    make_tree(tmp_path, {"a.txt": raw})
    [doc] = read_documents([tmp_path / "a.txt"], Role.SOURCE).documents
    assert doc.text == raw[3:].decode("utf-8")


# --- unreadable files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "error"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b" \n\t\r\n  ", "empty file", id="whitespace"),
        pytest.param(b"\n\x00 \n", "empty file", id="stray-nul-only"),
        pytest.param(codecs.BOM_UTF8, "empty file", id="only-bom"),
        pytest.param(" \n".encode("utf-16"), "empty file", id="utf16-blank"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", id="binary"),
        pytest.param(codecs.BOM_UTF16_BE + b"\xd8\x00", "invalid UTF-16", id="bad-utf16"),
    ],
)
def test_unreadable_file_is_an_error_and_batch_goes_on(
    tmp_path: Path, content: bytes, error: str
) -> None:
    make_tree(tmp_path, {"a.txt": "first", "bad.txt": content, "z.txt": "last"})
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [doc.text for doc in result.documents] == ["first", "last"]
    [file_error] = result.errors
    assert file_error.path == (tmp_path / "bad.txt").as_posix()
    assert file_error.error.startswith(error)


def test_stray_nul_in_scraped_text_is_read_and_binary_is_not(tmp_path: Path) -> None:
    scraped = "Copied from a web page.\x00 The NUL came with it."
    make_tree(tmp_path, {"a.txt": scraped.encode(), "b.txt": PNG, "c.md": b"\x00\x01\x02\x00"})
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [doc.text for doc in result.documents] == [scraped]
    assert [(e.path.rpartition("/")[2], e.error) for e in result.errors] == [
        ("b.txt", "binary file (a PNG image)"),
        ("c.md", "binary file"),
    ]


def test_unreadable_explicit_file_is_an_error(tmp_path: Path) -> None:
    make_tree(tmp_path, {"e.md": ""})
    result = read_documents([tmp_path / "e.md"], Role.SUBMISSION)
    assert result == Ingested((), (FileError((tmp_path / "e.md").as_posix(), "empty file"),))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_is_an_error(tmp_path: Path) -> None:
    make_tree(tmp_path, {"a.txt": "A", "locked.txt": "L"})
    (tmp_path / "locked.txt").chmod(0)
    try:
        result = read_documents([tmp_path], Role.SUBMISSION)
    finally:
        (tmp_path / "locked.txt").chmod(0o644)
    assert [doc.text for doc in result.documents] == ["A"]
    assert result.errors[0].error.startswith("cannot read")


def test_broken_symlink_in_folder_is_an_error(tmp_path: Path) -> None:
    make_tree(tmp_path, {"a.txt": "A"})
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [doc.text for doc in result.documents] == ["A"]
    assert [e.path for e in result.errors] == [(tmp_path / "gone.txt").as_posix()]
    assert result.errors[0].error.startswith("cannot read")


# --- bad arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        pytest.param("missing.txt", "no such file or folder", id="missing-file"),
        pytest.param("missing", "no such file or folder", id="missing-folder"),
        pytest.param("paper.pages", "not a readable file", id="pages"),
        pytest.param("dir/metadata.csv", "not a document", id="metadata"),
        pytest.param("noext", "not a readable file", id="no-extension"),
    ],
)
def test_bad_argument_raises_naming_it(tmp_path: Path, rel: str, message: str) -> None:
    make_tree(tmp_path, {"ok.txt": "fine", "paper.pages": "PK", "dir/metadata.csv": "path\n"})
    make_tree(tmp_path, {"noext": "x"})
    with pytest.raises(InputError, match=message) as info:
        read_documents([tmp_path / "ok.txt", tmp_path / rel], Role.SUBMISSION)
    assert str(tmp_path / rel) in str(info.value)


def test_no_paths_no_documents() -> None:
    assert read_documents([], Role.SOURCE) == Ingested((), ())


# --- ids and duplicates ---------------------------------------------------------------------


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    make_tree(tmp_path, {"s/a.txt": "A", "s/b.txt": "B"})
    result = read_documents([tmp_path / "s", tmp_path / "s/a.txt", tmp_path / "s"], Role.SOURCE)
    assert [doc.text for doc in result.documents] == ["A", "B"]
    assert len({doc.id for doc in result.documents}) == 2


def test_ids_do_not_depend_on_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, {"w/corpus/s/a.txt": "A", "w/corpus/s/d/b.txt": "B"})
    monkeypatch.chdir(tmp_path / "w")
    near = read_documents([Path("corpus/s")], Role.SOURCE)
    monkeypatch.chdir(tmp_path / "w/corpus/s")
    here = read_documents([Path(".")], Role.SOURCE)
    monkeypatch.chdir(tmp_path)
    far = read_documents([tmp_path / "w/corpus/s"], Role.SOURCE)
    ids = [doc.id for doc in near.documents]
    assert ids == [doc.id for doc in here.documents] == [doc.id for doc in far.documents]
    assert [doc.path for doc in here.documents] == ["a.txt", "d/b.txt"]


@pytest.mark.parametrize(
    ("files", "args", "texts"),
    [
        pytest.param(
            {"x/a.txt": "same", "y/a.txt": "same"}, ["x", "y"], ["same"], id="copy-same-rel"
        ),
        pytest.param(
            {"x/a.txt": "same", "x/b.txt": "same"}, ["x"], ["same", "same"], id="copy-other-name"
        ),
        pytest.param(
            {"x/a.txt": "one", "y/a.txt": "two"},
            ["x", "y"],
            ["one", "two"],
            id="same-name-other-text",
        ),
        pytest.param({"x/a.txt": "same"}, ["x/a.txt", "x"], ["same"], id="file-then-folder"),
    ],
)
def test_duplicate_ids_kept_once(
    tmp_path: Path, files: dict[str, str], args: list[str], texts: list[str]
) -> None:
    make_tree(tmp_path, files)
    result = read_documents([tmp_path / arg for arg in args], Role.SUBMISSION)
    assert [doc.text for doc in result.documents] == texts
    assert result.errors == ()


# --- metadata.csv ---------------------------------------------------------------------------


def test_metadata_fields(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "metadata.csv": (
                "path,author,year,title,student,term,submitted_at,notes\n"
                'a.txt,"Marlowe, T.; Okafor, B. N.",2014,"Guided, Discovery",,,,ignored\n'
                "b.txt,,n.d.,,Ann Lee,Fall 2024,2024-09-28T19:27:55,\n"
                "c.txt,Solo,2017a\n"
            ),
            "a.txt": "A",
            "b.txt": "B",
            "c.txt": "C",
            "d.txt": "D",
        },
    )
    docs = {doc.text: doc for doc in read_documents([tmp_path], Role.SOURCE).documents}
    a, b, c, d = docs["A"], docs["B"], docs["C"], docs["D"]
    assert (a.authors, a.year, a.title, a.student) == (
        ("Marlowe, T.", "Okafor, B. N."),
        "2014",
        "Guided, Discovery",
        None,
    )
    assert (b.authors, b.year, b.title, b.student, b.term, b.submitted_at) == (
        (),
        "n.d.",
        None,
        "Ann Lee",
        "Fall 2024",
        "2024-09-28T19:27:55",
    )
    assert (c.authors, c.year, c.title) == (("Solo",), "2017a", None)
    assert (d.authors, d.year, d.title, d.student) == ((), None, None, None)


@pytest.mark.parametrize(
    ("csv_bytes", "student"),
    [
        pytest.param(b"path,student\na.txt,Ann\n", "Ann", id="plain"),
        pytest.param(
            codecs.BOM_UTF8 + b"path,student\r\na.txt,Ann\r\n", "Ann", id="excel-bom-crlf"
        ),
        pytest.param(b" Path , STUDENT \n a.txt ,  Ann  \n", "Ann", id="header-case-spaces"),
        pytest.param(b"student,path\nRen\xe9,a.txt\n", "Ren\u00e9", id="cp1252"),
        pytest.param("path,student\na.txt,Zo\u00eb\n".encode("utf-16"), "Zo\u00eb", id="utf16"),
        pytest.param(b"path,student\n./a.txt,Ann\n", "Ann", id="dot-slash"),
        pytest.param(b'path,student\na.txt,"Ann\nLee"\n', "Ann\nLee", id="quoted-newline"),
        pytest.param(b"path;student\na.txt;Ann\n", "Ann", id="semicolons"),
        pytest.param(b"path\tstudent\na.txt\tAnn\n", "Ann", id="tabs"),
        pytest.param(b'path;student\n"a.txt";"Doe, J."\n', "Doe, J.", id="semicolons-comma-cell"),
    ],
)
def test_metadata_csv_shapes(tmp_path: Path, csv_bytes: bytes, student: str | None) -> None:
    make_tree(tmp_path, {"metadata.csv": csv_bytes, "a.txt": "A"})
    [doc] = read_documents([tmp_path], Role.SUBMISSION).documents
    assert doc.student == student


def test_metadata_at_two_levels(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "metadata.csv": (
                "path,author,year,title\n"
                'top.txt,"Top, T.",2001,Top\n'
                'sub/a.txt,"Outer, O.",1999,Outer title\n'
                'sub/deep/b.txt,"Far, F.",1990,\n'
            ),
            "top.txt": "T",
            "sub/metadata.csv": "path,year,student\na.txt,2020,Sam\ndeep/b.txt,,Bo\n",
            "sub/a.txt": "A",
            "sub/deep/b.txt": "B",
            "sub/deep/metadata.csv": "path,title\nb.txt,Deep title\n",
        },
    )
    result = read_documents([tmp_path], Role.SOURCE)
    assert result.errors == ()
    docs = {doc.text: doc for doc in result.documents}
    assert (docs["T"].authors, docs["T"].year, docs["T"].title) == (("Top, T.",), "2001", "Top")
    a = docs["A"]
    assert (a.authors, a.year, a.title, a.student) == (("Outer, O.",), "2020", "Outer title", "Sam")
    b = docs["B"]
    assert (b.authors, b.year, b.title, b.student) == (("Far, F.",), "1990", "Deep title", "Bo")


def test_subfolder_argument_ignores_metadata_above_it(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {"metadata.csv": "path,student\nsub/a.txt,Outer\n", "sub/a.txt": "A"},
    )
    [doc] = read_documents([tmp_path / "sub"], Role.SUBMISSION).documents
    assert doc.student is None


def test_explicit_file_uses_metadata_beside_it(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "s/metadata.csv": "path,student\na.txt,Ann\nb.txt,Bo\ngone.txt,Nobody\n",
            "s/a.txt": "A",
            "s/b.txt": "B",
        },
    )
    result = read_documents([tmp_path / "s/a.txt", tmp_path / "s/b.txt"], Role.SUBMISSION)
    assert [doc.student for doc in result.documents] == ["Ann", "Bo"]
    # The row about a missing file is reported when the folder is read, not for single files.
    assert result.errors == ()
    folder = read_documents([tmp_path / "s"], Role.SUBMISSION)
    assert [e.error for e in folder.errors] == ["row 4: no such file: gone.txt"]


@pytest.mark.parametrize(
    ("csv_bytes", "errors", "student"),
    [
        pytest.param(
            b"file,student\na.txt,Ann\n",
            ["no 'path' column; columns: file, student"],
            None,
            id="no-path-column",
        ),
        pytest.param(b"", ["no 'path' column"], None, id="empty-csv"),
        pytest.param(
            b"PK\x03\x04\x14\x00\x00\x00path,student\n", ["binary file"], None, id="binary"
        ),
        pytest.param(
            b"path,student\na.txt,Ann\nmissing.txt,Max\n",
            ["row 3: no such file: missing.txt"],
            "Ann",
            id="missing-file",
        ),
        pytest.param(
            b"path,student\nsub,Dir\na.txt,Ann\n", ["row 2: no such file: sub"], "Ann", id="folder"
        ),
        pytest.param(
            b"path,student\na.txt,Ann\na.txt,Other\n",
            ["row 3: duplicate path a.txt"],
            "Ann",
            id="duplicate",
        ),
        pytest.param(
            b"path,student\n,Nobody\na.txt,Ann\n", ["row 2: empty path"], "Ann", id="empty-path"
        ),
        pytest.param(
            b"path,student\n../a.txt,Up\na.txt,Ann\n",
            ["row 2: path outside the folder: ../a.txt"],
            "Ann",
            id="outside",
        ),
        pytest.param(b"path,student\n\n,\na.txt,Ann\n", [], "Ann", id="blank-rows-skipped"),
        pytest.param(b"path,student\na.txt\n", [], None, id="short-row"),
    ],
)
def test_bad_metadata_is_an_error_on_the_csv(
    tmp_path: Path, csv_bytes: bytes, errors: list[str], student: str | None
) -> None:
    make_tree(tmp_path, {"metadata.csv": csv_bytes, "a.txt": "A", "sub/x.pages": "x"})
    result = read_documents([tmp_path], Role.SUBMISSION)
    [doc] = result.documents
    assert doc.student == student
    csv_path = (tmp_path / "metadata.csv").as_posix()
    assert result.errors == tuple(FileError(csv_path, error) for error in errors)


def test_bad_metadata_in_subfolder_names_that_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path, {"in/s/metadata.csv": "path\nnope.txt\n", "in/s/a.txt": "A"})
    monkeypatch.chdir(tmp_path)
    result = read_documents([Path("in")], Role.SUBMISSION)
    assert result.errors == (FileError("in/s/metadata.csv", "row 2: no such file: nope.txt"),)


# --- the attribution-dev layout -------------------------------------------------------------


@pytest.fixture
def dev() -> Path:
    if not DEV.is_dir():
        pytest.skip(f"{DEV} not present")
    return DEV


def test_attribution_dev_layout(dev: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(dev)
    sources = read_documents([Path("sources")], Role.SOURCE)
    prior = read_documents([Path("prior")], Role.PRIOR)
    submissions = read_documents([Path("submissions")], Role.SUBMISSION)
    assert (sources.errors, prior.errors, submissions.errors) == ((), (), ())
    assert (len(sources.documents), len(prior.documents), len(submissions.documents)) == (6, 6, 26)

    marlowe = by_path(sources)["sources/marlowe2014.txt"]
    assert marlowe.authors == ("Marlowe, T.", "Okafor, B. N.")
    assert marlowe.year == "2014"
    assert marlowe.title is not None and marlowe.title.startswith("Guided Discovery")
    assert all(doc.authors and doc.year and doc.title for doc in sources.documents)

    p01 = by_path(prior)["prior/p01.txt"]
    assert (p01.student, p01.term, p01.submitted_at) == (
        "Nikhil Desai",
        "Spring 2023",
        "2023-02-19T20:14:31",
    )
    s01 = submissions.documents[0]
    assert (s01.path, s01.student, s01.submitted_at) == (
        "submissions/s01.txt",
        "Priya Raman",
        "2025-02-18T12:46:44",
    )
    assert all(doc.student and doc.submitted_at for doc in submissions.documents)
    for doc in submissions.documents:
        assert doc.text == (dev / doc.path).read_text(encoding="utf-8")

    truth = [json.loads(line) for line in (dev / "truth.jsonl").read_text().splitlines() if line]
    expected: dict[str, set[str]] = {}
    for line in truth:
        if "flag" in line:
            expected.setdefault(line["submission"], set()).add(line["flag"])
    flagged = {doc.path: set(doc.flags) for doc in submissions.documents if doc.flags}
    assert flagged == expected


def test_attribution_dev_whole_folder(dev: Path) -> None:
    result = read_documents([dev], Role.SOURCE)
    # Its answer keys are JSON Lines data, not discussion exports: named, not read.
    assert [(e.path.removeprefix(dev.as_posix() + "/"), e.error[:23]) for e in result.errors] == [
        ("notes.jsonl", "not a discussion export"),
        ("truth.jsonl", "not a discussion export"),
    ]
    # sources, prior, submissions and the prompt; README.md is a .md file too.
    assert len(result.documents) == 6 + 6 + 26 + 2
    ids = {doc.path.removeprefix(dev.as_posix() + "/"): doc.id for doc in result.documents}
    again = read_documents([dev / "sources"], Role.SOURCE)
    # Ids follow the path inside the given folder, so the two readings differ but each is stable.
    assert ids["sources/marlowe2014.txt"] != by_path(again)[f"{dev}/sources/marlowe2014.txt"].id
    assert read_documents([dev], Role.SOURCE) == result
