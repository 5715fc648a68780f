"""write_texts: the extracted texts that offsets refer to, with an index."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from overlap.errors import OverlapError
from overlap.ingest import read_documents
from overlap.model import Document, Role
from overlap.report.texts import text_file_name, write_texts
from tests.docmakers import docx_bytes, para, zip_bytes


def doc(path: str, text: str = "text", doc_id: str = "0123456789abcdef", **kw: object) -> Document:
    return Document(id=doc_id, path=path, role=Role.SUBMISSION, text=text, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("week/essay.docx", "essay-0123456789abcdef.txt"),
        (
            "Jane Doe_1_assignsubmission_file_/Essay (final).docx",
            "Essay_final-0123456789abcdef.txt",
        ),
        ("batch.zip!inner/ess\u00e4y.pdf", "ess\u00e4y-0123456789abcdef.txt"),
        ("forum.csv#row-12", "forum_row-12-0123456789abcdef.txt"),
        ("C:\\Users\\x\\..\\..\\evil.txt", "evil-0123456789abcdef.txt"),
        ("../../.bashrc", "bashrc-0123456789abcdef.txt"),
        ("\u6f22\u5b57.txt", "\u6f22\u5b57-0123456789abcdef.txt"),
        ("\u201c\u2014\u201d.txt", "document-0123456789abcdef.txt"),
        ("a" * 300 + ".txt", "a" * 40 + "-0123456789abcdef.txt"),
    ],
)
def test_text_file_names_are_safe_and_readable(path: str, name: str) -> None:
    assert text_file_name(doc(path)) == name


def test_write_texts_round_trips_offsets(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes("caf\u00e9\r\nline two\u2014end\n".encode())
    (tmp_path / "in" / "b.zip").write_bytes(
        zip_bytes({"w/essay.docx": docx_bytes(para("Word text.") + para("Second."))})
    )
    (tmp_path / "in" / "metadata.csv").write_text("path,student\na.txt,Ann\n")
    documents = read_documents([tmp_path / "in"], Role.SUBMISSION).documents
    assert [d.student for d in documents] == ["Ann", None]
    folder = write_texts(documents, tmp_path / "out")
    assert folder == tmp_path / "out" / "texts"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert index["schema"] == "overlap.texts/1"
    assert set(index["documents"]) == {d.id for d in documents}
    for document in documents:
        entry = index["documents"][document.id]
        with (tmp_path / "out" / entry["path"]).open(encoding="utf-8", newline="") as handle:
            written = handle.read()
        assert written == document.text
        assert written[2:7] == document.text[2:7]
        assert (entry["file"], entry["student"], entry["role"], entry["chars"]) == (
            document.path,
            document.student,
            "submission",
            len(document.text),
        )
        assert entry["sha256"] == hashlib.sha256(written.encode("utf-8")).hexdigest()
        for key in ("title", "year", "term", "submitted_at"):
            assert entry[key] == getattr(document, key)
        assert entry["authors"] == list(document.authors)
    assert index["store"] is None
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["index.json", *(Path(e["path"]).name for e in index["documents"].values())]
    )


def test_write_texts_replaces_a_previous_run_only(tmp_path: Path) -> None:
    old = doc("old.txt", "old text", "1111111111111111")
    new = doc("new.txt", "new text", "2222222222222222")
    folder = write_texts([old, new], tmp_path)
    (folder / "notes-by-a-person.txt").write_text("keep me")
    write_texts([new], tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.json",
        "new-2222222222222222.txt",
        "notes-by-a-person.txt",
    ]


def test_write_texts_error_is_typed(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file where the folder should be")
    with pytest.raises(OverlapError, match="cannot write texts"):
        write_texts([doc("a.txt")], tmp_path / "out")


def test_the_index_keeps_metadata_and_what_the_scan_read_of_the_store(tmp_path: Path) -> None:
    source = Document(
        id="5555555555555555",
        path="sources/okafor.pdf",
        role=Role.SOURCE,
        text="caf\u00e9 \u2014 a source",
        authors=("Okafor, N.", "Lund, B."),
        year="2021",
        title="Listening <well>",
    )
    post = doc("prior/p1.txt", "a post", "6666666666666666", term="Fall 2024")
    post = Document(**{**vars(post), "role": Role.PRIOR, "submitted_at": "2024-10-01T09:00:00"})
    store = {"path": "corpus/store", "state": "ab" * 32, "updated_at": "2025-01-01T00:00:00+00:00"}
    folder = write_texts([source, post], tmp_path, store=store)
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert index["store"] == store
    entry = index["documents"][source.id]
    assert (entry["title"], entry["authors"], entry["year"]) == (
        "Listening <well>",
        ["Okafor, N.", "Lund, B."],
        "2021",
    )
    assert entry["sha256"] == hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    assert entry["sha256"] == hashlib.sha256((tmp_path / entry["path"]).read_bytes()).hexdigest()
    entry = index["documents"][post.id]
    assert (entry["role"], entry["term"], entry["submitted_at"]) == (
        "prior",
        "Fall 2024",
        "2024-10-01T09:00:00",
    )
