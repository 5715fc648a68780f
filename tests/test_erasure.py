import json
from pathlib import Path

import pyarrow as pa
import pytest
from clirun import invoke
from conftest import prose
from storebytes import decompressed_pages, find_text

from overlap.errors import InputError
from overlap.indexing.erasure import Selection, remove_documents
from overlap.indexing.parts import add_documents
from overlap.ingest.files import read_documents
from overlap.model import Role
from overlap.privacy.pseudonyms import ensure_key, pseudonym
from overlap.store.corpus import CorpusStore
from overlap.store.inventory import content_digest
from overlap.store.ledger import LedgerEntry, record_scanned, scanned_ids

X = "Xavier Quill"


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """Sources, two parts of prior posts (X's posts in both, alone in the second), a copier."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "s1.txt").write_text(prose(1, 150))
    prior = tmp_path / "prior"
    prior.mkdir()
    for name, seed in [
        ("x1.txt", 11),
        ("xavier-quill-essay.txt", 12),
        ("o1.txt", 21),
        ("o2.txt", 22),
    ]:
        (prior / name).write_text(prose(seed, 120))
    (prior / "metadata.csv").write_text(
        "path,student,term\n"
        f"x1.txt,{X},Fall 2023\nxavier-quill-essay.txt,{X},Fall 2023\n"
        "o1.txt,Olga Ortiz,Fall 2023\no2.txt,Olga Ortiz,Spring 2024\n"
    )
    (tmp_path / "prior2").mkdir()
    (tmp_path / "prior2" / "x3.txt").write_text(prose(13, 120))
    (tmp_path / "prior2" / "metadata.csv").write_text(
        f"path,student,term\nx3.txt,{X},Spring 2024\n"
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    x_words, o_words = prose(11, 120).split(), prose(21, 120).split()
    (sub / "copy.txt").write_text(
        f"{prose(90, 30)} {' '.join(x_words[20:80])} {prose(91, 30)} {' '.join(o_words[10:70])} "
        f"{prose(92, 20)} {' '.join(prose(13, 120).split()[5:65])}\n"
    )
    return tmp_path


def x_needles(layout: Path) -> list[str]:
    """Snippets of each of X's texts, X's name and the name in a path."""
    texts = [
        (layout / "prior" / "x1.txt").read_text(),
        (layout / "prior" / "xavier-quill-essay.txt").read_text(),
        (layout / "prior2" / "x3.txt").read_text(),
    ]
    snippets = [t[i : i + 40] for t in texts for i in (0, len(t) // 2, len(t) - 41)]
    return [*snippets, X, "xavier-quill"]


def build(layout: Path, store: Path) -> None:
    assert (
        invoke("corpus", "add", layout / "sources", "--role", "source", "--corpus", store)[0] == 0
    )
    assert invoke("corpus", "add", layout / "prior", "--role", "prior", "--corpus", store)[0] == 0
    assert invoke("corpus", "add", layout / "prior2", "--role", "prior", "--corpus", store)[0] == 0


def sources_found(layout: Path, store: Path, out: Path) -> set[str]:
    code, _, err = invoke("scan", layout / "sub", "--corpus", store, "--out", out, "--quiet")
    assert code == 0, err
    findings = json.loads((out / "findings.json").read_text())["findings"]
    return {f["source_path"] for f in findings if f["source_path"]}


def test_remove_student_erases_every_trace(layout: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(layout, store)
    s = CorpusStore.open(store)
    with s.locked():  # X's posts were scanned once: they have ledger entries
        ids = [d.id for d in s.documents() if d.student == X]
        record_scanned(s, [LedgerEntry(i, "weekly", "t", "r") for i in ids])
    before = sources_found(layout, store, tmp_path / "before")
    x_paths = {str(layout / "prior" / "x1.txt"), str(layout / "prior2" / "x3.txt")}
    assert x_paths <= before  # the copier is caught copying X ...
    hits = find_text(store, x_needles(layout))
    assert hits  # ... and the byte search can see X's text

    code, out, err = invoke("corpus", "remove", "--student", "xavier  QUILL", "--corpus", store)
    assert code == 0, err
    assert "removed 3 document(s)" in out and "1 dropped" in out and "3 scan-ledger" in out

    after = sources_found(layout, store, tmp_path / "after")
    assert not any("x1" in p or "x3" in p or "xavier" in p for p in after)
    assert str(layout / "prior" / "o1.txt") in after  # other students' posts still match
    assert find_text(store, x_needles(layout)) == []
    assert scanned_ids(CorpusStore.open(store)) == set()
    files = [p for p in store.rglob("*") if p.is_file()]
    pages = sum(len(decompressed_pages(p)) for p in files if p.suffix == ".parquet")
    print(
        f"\nerasure: {len(hits)} hits of X's text/name before; after, 0 in {len(files)} files "
        f"({pages} decompressed Parquet pages); sources found {len(before)} -> {len(after)}"
    )


def test_removal_equals_never_having_added(layout: Path, tmp_path: Path) -> None:
    erased = CorpusStore.open(tmp_path / "erased", create=True)
    never = CorpusStore.open(tmp_path / "never", create=True)
    docs = [
        *read_documents([layout / "sources"], Role.SOURCE).documents,
        *read_documents([layout / "prior"], Role.PRIOR).documents,
    ]
    add_documents(erased, docs[:3])
    add_documents(erased, docs[3:])
    add_documents(never, [d for d in docs if d.student != X])
    removed = remove_documents(erased, Selection(students=(X,)))
    assert len(removed.ids) == 2
    # Windows, band keys and summed term counts all equal a store that never held X's posts.
    assert content_digest(erased) == content_digest(never)


def test_dry_run_changes_nothing(layout: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(layout, store)
    digest = content_digest(CorpusStore.open(store))
    code, out, _ = invoke(
        "corpus", "remove", "--term", "Spring 2024", "--dry-run", "--corpus", store
    )
    assert code == 0 and "would remove 2 document(s)" in out
    assert content_digest(CorpusStore.open(store)) == digest
    code, out, _ = invoke("corpus", "remove", "--term", "spring 2024", "--corpus", store)
    assert code == 0 and "removed 2 document(s)" in out
    terms = {d.term for d in CorpusStore.open(store).documents()}
    assert terms == {"Fall 2023", None}


def test_remove_by_path_and_by_pseudonym(layout: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(layout, store)
    code, out, _ = invoke("corpus", "remove", "--path", layout / "prior2", "--corpus", store)
    assert code == 0 and "removed 1 document(s)" in out
    alias = pseudonym("Olga Ortiz", ensure_key(store))
    code, out, _ = invoke("corpus", "remove", "--student", alias, "--corpus", store)
    assert code == 0 and "removed 2 document(s)" in out
    left = {d.student for d in CorpusStore.open(store).documents()}
    assert left == {X, None}


def test_remove_needs_a_selection(tmp_path: Path) -> None:
    CorpusStore.open(tmp_path / "s", create=True)
    code, _, err = invoke("corpus", "remove", "--corpus", tmp_path / "s")
    assert code == 2
    assert err.strip() == "error: say what to remove: --student, --term or --path"


TABLE = pa.table(
    {
        "id": ["a", "b", "c", "d", "e"],
        "path": [
            "w/Jane Doe_1_assignsubmission_file_/e.docx",
            "lms.zip!x/y.txt",
            "posts.csv#7",
            "w2/e.txt",
            "w/other.txt",
        ],
        "student": ["Jane Doe", "jane doe", None, "Jane  Doe", "Bob"],
        "term": ["Fall 2023", "Spring 2024", "Fall 2023", None, "fall 2023"],
    }
)


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection(students=("JANE DOE",)), "abd"),
        (Selection(students=("Jane",)), ""),
        (Selection(terms=("Fall 2023",)), "ace"),
        (Selection(students=("jane doe",), terms=("fall 2023",)), "a"),
        (Selection(paths=("w",)), "ae"),
        (Selection(paths=("w/",)), "ae"),
        (Selection(paths=("lms.zip",)), "b"),
        (Selection(paths=("posts.csv",)), "c"),
        (Selection(paths=("posts.csv#7",)), "c"),
        (Selection(paths=("w2/e.txt", "w/other.txt")), "de"),
        (Selection(paths=("w/o",)), ""),
    ],
)
def test_selection(selection: Selection, expected: str) -> None:
    mask = selection.mask(TABLE, None)
    assert "".join(i for i, m in zip("abcde", mask, strict=True) if m) == expected


def test_selection_by_pseudonym() -> None:
    key = b"k" * 32
    mask = Selection(students=(pseudonym("Bob", key),)).mask(TABLE, key)
    assert mask == [False, False, False, False, True]


@pytest.mark.parametrize(
    "kwargs", [{}, {"students": (" ",)}, {"terms": ("",)}], ids=["none", "blank", "empty"]
)
def test_bad_selection(kwargs: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(InputError):
        Selection(**kwargs)


def test_remove_by_a_path_given_otherwise_than_stored(
    layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored relative, given absolute; stored absolute, given through a link; and back."""
    store = tmp_path / "store"
    monkeypatch.chdir(layout)
    for folder in ("prior", "prior2"):
        assert invoke("corpus", "add", folder, "--role", "prior", "--corpus", store)[0] == 0
    (tmp_path / "link").symlink_to(layout / "prior", target_is_directory=True)
    stored = {d.path for d in CorpusStore.open(store).documents()}
    assert "prior/x1.txt" in stored and "prior2/x3.txt" in stored
    for given, gone in [
        (layout / "prior" / "x1.txt", "prior/x1.txt"),  # absolute, stored relative
        (tmp_path / "link" / "o1.txt", "prior/o1.txt"),  # through a link
        (Path("prior2/../prior2/"), "prior2/x3.txt"),  # a folder, spelt otherwise
    ]:
        code, out, err = invoke("corpus", "remove", "--path", given, "--corpus", store)
        assert code == 0 and "removed 1 document(s)" in out, err
        assert gone not in {d.path for d in CorpusStore.open(store).documents()}


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        (["--student", "Xavier Qill"], "--student 'Xavier Qill'"),
        (["--term", "Fall 2032"], "--term 'Fall 2032'"),
        (["--path", "prior/x9.txt"], "--path 'prior/x9.txt'"),
        (["--student", X, "--term", "Fall 2032"], f"--student '{X}' --term 'Fall 2032'"),
        (["--student", "Xavier Qill", "--dry-run"], "--student 'Xavier Qill'"),
    ],
)
def test_a_removal_that_matches_nothing_is_an_error(
    layout: Path, tmp_path: Path, options: list[str], shown: str
) -> None:
    store = tmp_path / "store"
    build(layout, store)
    digest = content_digest(CorpusStore.open(store))
    code, out, err = invoke("corpus", "remove", *options, "--corpus", store)
    assert code == 2 and out == ""
    assert err.startswith(f"error: nothing matched {shown}: nothing removed from {store}")
    assert err.count("\n") == 1
    assert content_digest(CorpusStore.open(store)) == digest


def test_dry_run_counts_what_the_removal_does(layout: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(layout, store)
    s = CorpusStore.open(store)
    with s.locked():
        record_scanned(s, [LedgerEntry(d.id, "weekly", "t", "r") for d in s.documents()])
    dry = remove_documents(CorpusStore.open(store), Selection(students=(X,)), dry_run=True)
    real = remove_documents(CorpusStore.open(store), Selection(students=(X,)))
    assert (dry.ids, dry.words, dry.parts_rewritten, dry.parts_dropped, dry.ledger_entries) == (
        real.ids,
        real.words,
        real.parts_rewritten,
        real.parts_dropped,
        real.ledger_entries,
    )
    assert real.ledger_entries == len(real.ids) == 3
