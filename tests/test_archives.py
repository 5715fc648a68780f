"""Zip archives: nesting, unsafe entries, zip bombs, limits, and a 60-file mixed batch."""

from __future__ import annotations

import os
import random
import tempfile
import zipfile
from pathlib import Path

import pytest

from overlap.errors import SettingsError
from overlap.ingest import IngestLimits, read_documents
from overlap.ingest.safezip import SafeZip
from overlap.model import FileError, Role
from tests.docmakers import (
    PNG,
    corrupt_member,
    declare_size,
    docx_bytes,
    encrypted_docx_bytes,
    odt_bytes,
    para,
    pdf_bytes,
    rtf_bytes,
    run,
    zip_bytes,
)

MIB = 1024 * 1024


def noise(size: int, seed: int = 0) -> bytes:
    """Incompressible bytes."""
    return random.Random(seed).randbytes(size)


def errors_of(result_errors: tuple[FileError, ...], root: Path) -> list[tuple[str, str]]:
    prefix = root.as_posix() + "/"
    return [(e.path.removeprefix(prefix), e.error) for e in result_errors]


# --- limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_file_bytes": 0}, "max_file_bytes must be >= 1, got 0"),
        ({"max_archive_bytes": -5}, "max_archive_bytes must be >= 1, got -5"),
        ({"max_ratio": 0.5}, "max_ratio must be >= 1, got 0.5"),
        ({"max_depth": -1}, "max_depth must be >= 0, got -1"),
        ({"max_members": 0}, "max_members must be >= 1, got 0"),
        ({"max_depth": 1.5}, "max_depth must be a number, got 1.5"),
        ({"max_file_bytes": True}, "max_file_bytes must be a number, got True"),
        ({"max_ratio": "100"}, "max_ratio must be a number, got '100'"),
    ],
)
def test_limits_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=f"^{message}$"):
        IngestLimits(**kwargs)  # type: ignore[arg-type]


def test_default_limits() -> None:
    limits = IngestLimits()
    assert (limits.max_file_bytes, limits.max_archive_bytes) == (50 * MIB, 512 * MIB)
    assert (limits.max_ratio, limits.max_depth) == (100, 2)


# --- reading archives -----------------------------------------------------------------------


def test_zip_members_are_documents_named_inside_the_archive(tmp_path: Path) -> None:
    data = zip_bytes(
        {
            "inner/essay.docx": docx_bytes(para("Word inside a zip.")),
            "inner/notes.txt": "Plain inside a zip.",
            "__MACOSX/inner/._essay.docx": "resource fork",
            "inner/.DS_Store": "junk",
            "inner/photo.png": PNG,
        }
    )
    (tmp_path / "batch.zip").write_bytes(data)
    result = read_documents([tmp_path / "batch.zip"], Role.SUBMISSION)
    assert result.errors == ()
    zip_path = (tmp_path / "batch.zip").as_posix()
    assert [(d.path, d.text) for d in result.documents] == [
        (f"{zip_path}!inner/essay.docx", "Word inside a zip."),
        (f"{zip_path}!inner/notes.txt", "Plain inside a zip."),
    ]
    again = read_documents([tmp_path], Role.SUBMISSION)
    assert [d.id for d in again.documents] == [d.id for d in result.documents]


@pytest.mark.parametrize(
    "members",
    [
        {},
        {"__MACOSX/._essay.docx": "resource fork", "inner/.DS_Store": "junk"},
        {"inner/photo.png": PNG, "inner/": ""},
        {"inner/": "", "empty.zip": zip_bytes({})},
    ],
    ids=["no-members", "hidden-only", "other-kinds", "nested-empty"],
)
def test_an_archive_that_gives_nothing_is_a_named_error(
    tmp_path: Path, members: dict[str, bytes | str]
) -> None:
    (tmp_path / "batch.zip").write_bytes(zip_bytes(members))
    result = read_documents([tmp_path / "batch.zip"], Role.SUBMISSION)
    assert result.documents == ()
    assert [e.error for e in result.errors][-1:] == [
        "nothing to read: no member is a file overlap reads"
    ]


def test_nested_archives_to_a_bounded_depth(tmp_path: Path) -> None:
    level3 = zip_bytes({"deep.txt": "three deep"})
    level2 = zip_bytes({"two.txt": "two deep", "level3.zip": level3})
    (tmp_path / "outer.zip").write_bytes(zip_bytes({"one.txt": "one deep", "level2.zip": level2}))
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [d.path.removeprefix(tmp_path.as_posix() + "/") for d in result.documents] == [
        "outer.zip!level2.zip!two.txt",
        "outer.zip!one.txt",
    ]
    assert errors_of(result.errors, tmp_path) == [
        ("outer.zip!level2.zip!level3.zip", "refused: archive nested more than 2 deep")
    ]
    deeper = read_documents([tmp_path], Role.SUBMISSION, limits=IngestLimits(max_depth=3))
    assert len(deeper.documents) == 3 and deeper.errors == ()
    none = read_documents([tmp_path], Role.SUBMISSION, limits=IngestLimits(max_depth=0))
    assert none.documents == ()
    assert errors_of(none.errors, tmp_path) == [("outer.zip", "refused: archive max_depth is 0")]


def test_unsafe_entries_are_refused_and_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = zip_bytes(
        {
            "../../x.txt": "escape",
            "ok/../../../y.txt": "escape again",
            "/etc/z.txt": "absolute",
            "C:/Windows/w.txt": "drive",
            "link.txt": "/etc/passwd",
            "good.txt": "the only good one",
        },
        symlinks=["link.txt"],
    )
    (tmp_path / "slip.zip").write_bytes(data)
    read: list[str] = []
    original = SafeZip.read

    def spy(self: SafeZip, entry: object) -> bytes:
        read.append(entry.name)  # type: ignore[attr-defined]
        return original(self, entry)  # type: ignore[arg-type]

    monkeypatch.setattr(SafeZip, "read", spy)
    result = read_documents([tmp_path / "slip.zip"], Role.SUBMISSION)
    assert [d.text for d in result.documents] == ["the only good one"]
    assert read == ["good.txt"]
    assert errors_of(result.errors, tmp_path) == [
        ("slip.zip!../../x.txt", "refused: path leaves the archive (..)"),
        ("slip.zip!../../y.txt", "refused: path leaves the archive (..)"),
        ("slip.zip!/etc/z.txt", "refused: absolute path in archive"),
        ("slip.zip!C:/Windows/w.txt", "refused: absolute path in archive"),
        ("slip.zip!link.txt", "refused: symbolic link in archive"),
    ]


def test_damaged_and_encrypted_members(tmp_path: Path) -> None:
    good = zip_bytes({"a.txt": "fine", "b.txt": noise(4000).hex(), "c.txt": "also fine"})
    (tmp_path / "corrupt.zip").write_bytes(corrupt_member(good, "b.txt"))
    encrypted = zip_bytes({"secret.txt": "x", "open.txt": "readable"})
    info_offset = encrypted.find(b"PK\x01\x02")  # first central record: secret.txt
    flags = encrypted[info_offset + 8] | 0x1
    encrypted = encrypted[: info_offset + 8] + bytes([flags]) + encrypted[info_offset + 9 :]
    (tmp_path / "locked.zip").write_bytes(encrypted)
    (tmp_path / "truncated.zip").write_bytes(good[: len(good) // 2])
    (tmp_path / "image.zip").write_bytes(PNG)
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [d.text for d in result.documents] == ["fine", "also fine", "readable"]
    reasons = errors_of(result.errors, tmp_path)
    assert [(path, reason.split(" (")[0]) for path, reason in reasons] == [
        ("corrupt.zip!b.txt", "corrupt archive member"),
        ("image.zip", "corrupt or truncated zip file"),
        ("locked.zip!secret.txt", "password-protected"),
        ("truncated.zip", "corrupt or truncated zip file"),
    ]


# --- zip bombs and size limits --------------------------------------------------------------


def test_declared_size_over_the_limit_refuses_the_archive_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = declare_size(zip_bytes({"a.txt": "small", "b.txt": "small"}), "b.txt", 600 * MIB)
    (tmp_path / "bomb.zip").write_bytes(data)
    monkeypatch.setattr(SafeZip, "read", lambda *_: pytest.fail("a member was read"))
    result = read_documents([tmp_path / "bomb.zip"], Role.SUBMISSION)
    assert result.documents == ()
    assert errors_of(result.errors, tmp_path) == [
        ("bomb.zip", "refused: expands past the 512 MiB limit")
    ]


def test_header_that_understates_the_size_is_caught_while_reading(tmp_path: Path) -> None:
    data = declare_size(zip_bytes({"a.txt": "x" * 5000, "b.txt": "ok"}), "a.txt", 10)
    (tmp_path / "liar.zip").write_bytes(data)
    result = read_documents([tmp_path / "liar.zip"], Role.SUBMISSION)
    assert [d.text for d in result.documents] == ["ok"]
    [(path, reason)] = errors_of(result.errors, tmp_path)
    assert path == "liar.zip!a.txt" and reason.startswith("corrupt archive member (Bad CRC-32")


def test_compression_ratio_limits(tmp_path: Path) -> None:
    zeros = b"\0" * (2 * MIB)  # deflates about 1000:1
    member_bomb = zip_bytes({"zeros.txt": zeros, "noise.bin": noise(64 * 1024), "ok.txt": "ok"})
    (tmp_path / "member.zip").write_bytes(member_bomb)
    (tmp_path / "whole.zip").write_bytes(zip_bytes({"zeros.txt": zeros}))
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [d.text for d in result.documents] == ["ok"]
    reasons = [
        (p, r.split(":")[0] + ":" + r.split(":")[1][:18])
        for p, r in errors_of(result.errors, tmp_path)
    ]
    assert reasons == [
        ("member.zip!zeros.txt", "refused: compression ratio"),
        ("whole.zip", "refused: compression ratio"),
    ]
    lenient = read_documents([tmp_path], Role.SUBMISSION, limits=IngestLimits(max_ratio=5000))
    assert [e.error for e in lenient.errors] == ["binary file", "binary file"]


def test_expansion_budget_is_shared_with_nested_archives(tmp_path: Path) -> None:
    inner1 = zip_bytes({"a.txt": noise(300_000, 1).hex()[:400_000]}, compression=zipfile.ZIP_STORED)
    inner2 = zip_bytes({"b.txt": noise(300_000, 2).hex()[:400_000]}, compression=zipfile.ZIP_STORED)
    outer = zip_bytes({"1.zip": inner1, "2.zip": inner2}, compression=zipfile.ZIP_STORED)
    (tmp_path / "outer.zip").write_bytes(outer)
    limits = IngestLimits(max_archive_bytes=MIB)
    result = read_documents([tmp_path / "outer.zip"], Role.SUBMISSION, limits=limits)
    assert [d.path.rpartition("!")[2] for d in result.documents] == ["a.txt"]
    assert errors_of(result.errors, tmp_path) == [
        ("outer.zip", "refused: expands past the 1 MiB limit")
    ]


def test_per_file_size_limit(tmp_path: Path) -> None:
    limits = IngestLimits(max_file_bytes=100_000)
    (tmp_path / "big.txt").write_bytes(b"word " * 30_000)
    (tmp_path / "small.txt").write_bytes(b"word " * 10)
    (tmp_path / "a.zip").write_bytes(zip_bytes({"big.txt": noise(150_000).hex(), "s.txt": "s"}))
    result = read_documents([tmp_path], Role.SUBMISSION, limits=limits)
    assert [d.path.rpartition("/")[2] for d in result.documents] == ["a.zip!s.txt", "small.txt"]
    assert errors_of(result.errors, tmp_path) == [
        ("a.zip!big.txt", "too large: 293 KiB, limit 98 KiB"),
        ("big.txt", "too large: 146 KiB, limit 98 KiB"),
    ]


def test_too_many_entries(tmp_path: Path) -> None:
    (tmp_path / "many.zip").write_bytes(zip_bytes({f"{i}.txt": str(i) for i in range(30)}))
    result = read_documents([tmp_path], Role.SUBMISSION, limits=IngestLimits(max_members=20))
    assert errors_of(result.errors, tmp_path) == [("many.zip", "refused: 30 entries, limit 20")]


def test_nothing_is_written_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*_: object, **__: object) -> None:
        pytest.fail("ingest tried to write a file")

    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryDirectory"):
        monkeypatch.setattr(tempfile, name, forbidden)
    monkeypatch.setattr(zipfile.ZipFile, "extract", forbidden)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", forbidden)
    inner = zip_bytes({"essay.docx": docx_bytes(para("nested")), "p.pdf": pdf_bytes([["pdf"]])})
    (tmp_path / "a.zip").write_bytes(
        zip_bytes({"inner.zip": inner, "x.odt": odt_bytes("<text:p>o</text:p>")})
    )
    before = sorted(os.walk(tmp_path))
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [d.text for d in result.documents] == ["nested", "pdf", "o"]
    assert sorted(os.walk(tmp_path)) == before


# --- the mixed batch ------------------------------------------------------------------------

WORDS = "trust rapport session client change reflect listen silence advice motive".split()


def essay(seed: int, words: int = 60) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words)) + f" (essay {seed})."


def test_sixty_mixed_files_give_fifty_documents_and_ten_named_errors(tmp_path: Path) -> None:
    """60 files (archive members counted one by one): 50 read, 10 refused with a reason."""
    root = tmp_path / "batch"
    files: dict[str, bytes] = {}
    n = iter(range(1000))
    for _ in range(7):  # 7 plain UTF-8
        i = next(n)
        files[f"plain/post{i:02d}.txt"] = essay(i).encode()
    i = next(n)
    files[f"plain/bom{i}.txt"] = b"\xef\xbb\xbf" + essay(i).encode()
    i = next(n)
    files[f"plain/utf16_{i}.txt"] = essay(i).encode("utf-16")
    i = next(n)
    # Wrong encoding: Windows-1252 bytes where UTF-8 is expected; decoded by the fallback.
    files["plain/windows.txt"] = f"Caf\u00e9 \u201cquote\u201d {essay(i)}".encode("cp1252")
    i = next(n)
    files["plain/latin1.txt"] = f"Ni\u00f1o \u00bf {essay(i)}".encode("latin-1") + b"\x81"
    for _ in range(4):  # 4 Markdown
        i = next(n)
        files[f"notes/n{i}.md"] = f"# Notes {i}\n\n{essay(i)}".encode()
    for k in range(8):  # 8 Canvas .docx, one with white text
        i = next(n)
        hidden = run(" white words", color="FFFFFF") if k == 0 else ""
        files[f"canvas/student{chr(97 + k)}_{1000 + k}_{50000 + k}_essay.docx"] = docx_bytes(
            para(essay(i), hidden)
        )
    for k in range(6):  # 6 PDFs
        i = next(n)
        files[f"pdf/paper{k}.pdf"] = pdf_bytes([[essay(i, 12)], [essay(i + 500, 12)]])
    for k in range(5):  # 5 Moodle online texts
        i = next(n)
        files[f"moodle/Student {k}_{200 + k}_assignsubmission_onlinetext_/onlinetext.html"] = (
            f"<p>{essay(i)}</p><p>&copy; student {k}</p>".encode()
        )
    for k in range(4):  # 4 ODT
        i = next(n)
        files[f"odt/e{k}.odt"] = odt_bytes(f"<text:p>{essay(i)}</text:p>")
    for k in range(4):  # 4 RTF
        i = next(n)
        files[f"rtf/e{k}.rtf"] = rtf_bytes([essay(i), "Second paragraph."])
    for k in range(3):  # 3 Blackboard receipts holding typed text
        i = next(n)
        files[f"bb/Essay_user{k}_attempt_2026-11-2{k}-10-00-00.txt"] = (
            f"Name: User {k} (user{k})\nDate Submitted: x\n\nSubmission Field:\n{essay(i)}\n\n"
            "Comments:\nnone\n"
        ).encode()
    # Archives: 4 good + 1 corrupt member; 1 good + 1 entry escaping with ../../x.
    members = {f"c/doc{k}.txt": essay(900 + k, 400).encode() for k in range(5)}
    files["zips/canvas.zip"] = corrupt_member(zip_bytes(members), "c/doc2.txt")
    files["zips/slip.zip"] = zip_bytes({"ok.txt": essay(950).encode(), "../../x": b"owned"})
    # The broken ones on disk.
    files["broken/truncated.pdf"] = pdf_bytes([[essay(960)]])[:350]
    files["broken/locked.docx"] = encrypted_docx_bytes()
    files["broken/blank.docx"] = docx_bytes(para("") + para(" "))
    files["broken/junk.txt"] = bytes(random.Random(1).randbytes(2000))
    files["broken/zero.txt"] = b""
    files["broken/photo.pdf"] = PNG
    files["broken/huge.txt"] = essay(970, 60_000).encode()  # 428 KiB
    files["broken/scan.pdf"] = pdf_bytes([[], []])
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    leaves = (len(files) - 2) + len(members) + 2
    assert leaves == 60

    result = read_documents([root], Role.SUBMISSION, limits=IngestLimits(max_file_bytes=256 * 1024))

    assert len(result.documents) == 50
    got = {(path, reason.split(" (")[0]) for path, reason in errors_of(result.errors, root)}
    assert got == {
        ("broken/blank.docx", "no text"),
        ("broken/huge.txt", "too large: 428 KiB, limit 256 KiB"),
        ("broken/junk.txt", "binary file"),
        ("broken/locked.docx", "password-protected"),
        ("broken/photo.pdf", "not a PDF"),
        ("broken/scan.pdf", "no text layer"),
        ("broken/truncated.pdf", "truncated PDF"),
        ("broken/zero.txt", "empty file"),
        ("zips/canvas.zip!c/doc2.txt", "corrupt archive member"),
        ("zips/slip.zip!../../x", "refused: path leaves the archive"),
    }
    docs = {d.path.removeprefix(root.as_posix() + "/"): d for d in result.documents}
    assert docs["plain/windows.txt"].text.startswith("Caf\u00e9 \u201cquote\u201d")
    assert docs["plain/latin1.txt"].text.startswith("Ni\u00f1o \u00bf")
    assert docs["canvas/studenta_1000_50000_essay.docx"].flags == ("hidden_text",)
    assert docs["canvas/studentb_1001_50001_essay.docx"].student == "studentb"
    assert docs["bb/Essay_user1_attempt_2026-11-21-10-00-00.txt"].student == "User 1"
    assert (
        docs["bb/Essay_user1_attempt_2026-11-21-10-00-00.txt"].submitted_at == "2026-11-21T10:00:00"
    )
    assert (
        docs["moodle/Student 3_203_assignsubmission_onlinetext_/onlinetext.html"].student
        == "Student 3"
    )
    assert "zips/slip.zip!ok.txt" in docs and "zips/canvas.zip!c/doc4.txt" in docs
    assert sum(1 for d in docs.values() if d.flags) == 1
