"""The store keeps each document's word hashes, and parts written before it did still work."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from clirun import invoke
from conftest import prose

from overlap.errors import StoreError
from overlap.indexing.erasure import Selection, remove_documents
from overlap.indexing.parts import add_documents
from overlap.ingest.files import read_documents
from overlap.model import Document, Role
from overlap.report.contract import result_dict
from overlap.scanning.prepared import Prepared
from overlap.scanning.scan import scan
from overlap.store.corpus import CorpusStore
from overlap.store.inventory import content_digest
from overlap.store.outdated import _schema as footer_schema
from overlap.store.outdated import outdated
from overlap.store.parts import (
    ROW_SUMMED,
    ROW_SUMS,
    part_file,
    read_arrow_file,
    write_arrow_file,
    write_parquet,
)
from overlap.store.schema import HASHES, LISTED_HASHES, hash_slices, listed_hashes
from overlap.store.verify import verify_store


def posts(folder: Path, n: int, seed: int) -> list[Document]:
    folder.mkdir()
    for i in range(n):
        (folder / f"p{i}.txt").write_text(prose(seed + i, 120))
    return list(read_documents([folder], Role.PRIOR).documents)


def read_documents_file(root: Path, part: str) -> pa.Table:
    """A part's documents file as it is (either form), with its schema's metadata."""
    path = part_file(root, "documents", part)
    return read_arrow_file(path) if path.suffix == ".arrow" else pq.read_table(path)


def as_parquet(root: Path, part: str, table: pa.Table) -> None:
    """Write a part's documents as versions before documents were Arrow files did."""
    folder = root / "documents"
    write_parquet(folder / f"{part}.parquet", table, dict.fromkeys(table.column_names, "zstd"))
    (folder / f"{part}.arrow").unlink(missing_ok=True)


def documents_schema(root: Path, part: str) -> pa.Schema:
    """A part's documents file's schema, from its footer, in either form (as upgrades tell)."""
    return footer_schema(CorpusStore.open(root), "documents", part)


def without_hashes(root: Path) -> None:
    """Rewrite every part's documents file as an earlier version wrote it: no hashes."""
    store = CorpusStore.open(root)
    for part in store.parts:
        table = read_documents_file(root, part)
        old = table.drop_columns(["hashes"]).replace_schema_metadata(table.schema.metadata)
        as_parquet(root, part, old)


def stored_in_two_parts(tmp_path: Path, seed: int) -> tuple[Path, list[Document]]:
    """A store of 6 posts added in two parts of 3, and the posts."""
    docs = posts(tmp_path / "prior", 6, seed)
    root = tmp_path / "store"
    store = CorpusStore.open(root, create=True)
    add_documents(store, docs[:3])
    add_documents(store, docs[3:])
    return root, docs


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, list[Document]]:
    return stored_in_two_parts(tmp_path, 300)


def week(stored_docs: list[Document]) -> list[Document]:
    """Posts that copy passages of two stored posts, and one of their own."""
    out = []
    for i, source in enumerate(stored_docs[:2]):
        words = source.text.split()
        own = prose(900 + i, 60).split()
        text = " ".join([*own[:30], *words[20:45], *own[30:]])
        out.append(Document(id=f"w{i}.txt", path=f"w{i}.txt", role=Role.SUBMISSION, text=text))
    own = prose(950, 80)
    out.append(Document(id="w2.txt", path="w2.txt", role=Role.SUBMISSION, text=own))
    return out


def findings_of(root: Path, submissions: list[Document]) -> dict[str, object]:
    result = result_dict(scan(submissions, CorpusStore.open(root)))
    result.pop("generated_at")
    return result


def test_each_stored_document_keeps_the_low_bits_of_its_word_hashes(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    store = CorpusStore.open(root)
    by_id = {d.id: d for d in docs}
    seen = 0
    for part in store.parts:
        table = store.read_part("documents", part, ["id", "words", "hashes"])
        assert table.schema.field("hashes").type == HASHES  # packed, 4 bytes a word
        flat, offsets = hash_slices(table.column("hashes"))
        for k, (doc_id, words) in enumerate(
            zip(table.column("id").to_pylist(), table.column("words").to_pylist(), strict=True)
        ):
            hashes = flat[offsets[k] : offsets[k + 1]].tolist()
            expected = Prepared.of(by_id[doc_id]).hashes & np.uint64(0xFFFFFFFF)
            assert hashes == expected.tolist() and len(hashes) == words
            seen += 1
    assert seen == len(docs)


def made_old(
    stored: tuple[Path, list[Document]],
) -> tuple[Path, list[Document], list[Document], dict[str, object]]:
    """The store, its documents, a week of submissions and the week's findings.

    The week is scanned first; then the store is rewritten as earlier versions wrote it
    (no word hashes).
    """
    root, docs = stored
    submissions = week(docs)
    expected = findings_of(root, submissions)
    assert len(expected["findings"]) >= 2  # type: ignore[arg-type]
    without_hashes(root)
    return root, docs, submissions, expected


def parts_with_hashes(store: CorpusStore) -> list[bool]:
    """Whether each part's documents file keeps word hashes."""
    return [
        "hashes" in store.read_part("documents", p, ["id", "hashes"]).column_names
        for p in store.parts
    ]


def test_a_store_written_without_hashes_scans_the_same_verifies_and_upgrades_on_rewrite(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs, submissions, expected = made_old(stored)
    store = CorpusStore.open(root)
    assert not any(parts_with_hashes(store))
    assert findings_of(root, submissions) == expected
    assert verify_store(store).ok
    code, _, err = invoke("corpus", "verify", "--corpus", root)
    assert code == 0, err
    # Removing one document rewrites its part, which then keeps hashes again.
    removed = remove_documents(store, Selection(paths=(docs[5].path,)))
    assert removed.ids == (docs[5].id,)
    store = CorpusStore.open(root)
    assert sorted(parts_with_hashes(store)) == [False, True]
    assert verify_store(store).ok
    assert findings_of(root, submissions) == expected


def test_upgrade_rewrites_only_the_parts_without_hashes_and_changes_no_finding(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs, submissions, expected = made_old(stored)
    code, out, err = invoke("corpus", "upgrade", "--corpus", root, "--dry-run")
    assert code == 0, err
    assert out.strip() == f"would rewrite 2 of 2 part(s) of {root}"
    assert not any(map(outdated_not, CorpusStore.open(root).parts, [root] * 2))
    code, out, err = invoke("corpus", "upgrade", "--corpus", root)
    assert code == 0, err
    assert out.strip() == f"rewrote 2 of 2 part(s) of {root}"
    store = CorpusStore.open(root)
    assert all(map(outdated_not, store.parts, [root] * 2))
    assert verify_store(store).ok and store_documents(store) == sorted(d.id for d in docs)
    assert findings_of(root, submissions) == expected
    code, out, _ = invoke("corpus", "upgrade", "--corpus", root)
    assert code == 0 and out.strip() == f"nothing to upgrade: all 2 part(s) of {root} are current"


def test_upgrade_of_a_damaged_part_names_it_and_of_no_store_is_an_error(
    stored: tuple[Path, list[Document]], tmp_path: Path
) -> None:
    root, _ = stored
    without_hashes(root)
    part = CorpusStore.open(root).parts[0]
    (root / "windows" / f"{part}.parquet").write_bytes(b"PAR1")
    code, _, err = invoke("corpus", "upgrade", "--corpus", root)
    assert code == 2 and f"windows/{part}.parquet: cannot be read" in err
    assert "Traceback" not in err
    code, _, err = invoke("corpus", "upgrade", "--corpus", tmp_path / "none")
    assert code == 2 and "no corpus store at" in err


def outdated_not(part: str, root: Path) -> bool:
    """Whether a part's documents file has its word hashes."""
    return "hashes" in documents_schema(root, part).names


def store_documents(store: CorpusStore) -> list[str]:
    return sorted(
        i for t in store.tables("documents", columns=["id"]) for i in t.column("id").to_pylist()
    )


def with_listed_hashes(root: Path, parts: int | None = None) -> None:
    """Rewrite parts' documents files as the version before packed hashes wrote them.

    A list of 32-bit values per document (``LISTED_HASHES``); the first ``parts`` parts, or
    all of them.
    """
    store = CorpusStore.open(root)
    for part in store.parts[:parts]:
        table = read_documents_file(root, part)
        at = table.schema.get_field_index("hashes")
        listed = table.set_column(at, "hashes", listed_hashes(table.column("hashes")))
        as_parquet(root, part, listed.replace_schema_metadata(table.schema.metadata))


def hash_types(root: Path) -> list[pa.DataType]:
    store = CorpusStore.open(root)
    return [documents_schema(root, p).field("hashes").type for p in store.parts]


def test_hashes_listed_per_document_scan_the_same_verify_and_are_packed_by_an_upgrade(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    submissions = week(docs)
    expected = findings_of(root, submissions)
    digest = content_digest(CorpusStore.open(root))
    assert hash_types(root) == [HASHES, HASHES]
    with_listed_hashes(root, 1)  # a store of both forms reads whole
    assert hash_types(root) == [LISTED_HASHES, HASHES]
    store = CorpusStore.open(root)
    assert sorted(d.id for d in store.documents()) == sorted(d.id for d in docs)
    assert content_digest(store) == digest
    with_listed_hashes(root)
    store = CorpusStore.open(root)
    assert findings_of(root, submissions) == expected
    assert scan(submissions, store).outdated_parts == 2
    assert verify_store(store).ok and content_digest(store) == digest
    code, out, err = invoke("corpus", "upgrade", "--corpus", root)
    assert code == 0 and out.strip() == f"rewrote 2 of 2 part(s) of {root}", err
    assert hash_types(root) == [HASHES, HASHES]
    store = CorpusStore.open(root)
    assert verify_store(store).ok and content_digest(store) == digest
    assert findings_of(root, submissions) == expected
    assert scan(submissions, store).outdated_parts == 0


def test_packed_hashes_of_a_broken_length_stop_a_scan_naming_the_file(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    part = CorpusStore.open(root).parts[0]
    path = part_file(root, "documents", part)
    table = read_arrow_file(path)
    hashes = table.column("hashes").to_pylist()
    hashes[0] = hashes[0][:-1]  # 3 bytes short of a whole word
    at = table.schema.get_field_index("hashes")
    broken = table.set_column(at, "hashes", pa.array(hashes, HASHES))
    # Sums that agree with the broken hashes: only the length check can tell.
    broken = broken.replace_schema_metadata(table.schema.metadata)
    beside = path.with_name(path.name + ".new")  # the table read is mapped from path
    write_arrow_file(beside, broken, ROW_SUMMED["documents"])
    beside.replace(path)
    with pytest.raises(StoreError, match=f"{path}: has word hashes that are not a whole number"):
        scan(week(docs), CorpusStore.open(root))
    assert not verify_store(CorpusStore.open(root)).ok


def test_documents_files_without_row_sums_scan_the_same_and_an_upgrade_adds_them(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    submissions = week(docs)
    expected = findings_of(root, submissions)
    store = CorpusStore.open(root)
    part = store.parts[0]
    path = part_file(root, "documents", part)
    assert ROW_SUMS in documents_schema(root, part).metadata
    table = read_arrow_file(path)
    meta = {k: v for k, v in table.schema.metadata.items() if k != ROW_SUMS}
    beside = path.with_name(path.name + ".new")  # the table read is mapped from path
    write_arrow_file(beside, table.replace_schema_metadata(meta))  # whole-column sums only
    beside.replace(path)
    assert ROW_SUMS not in documents_schema(root, part).metadata
    store = CorpusStore.open(root)
    assert outdated(store, part) and not outdated(store, store.parts[1])
    assert findings_of(root, submissions) == expected
    assert verify_store(store).ok
    code, out, err = invoke("corpus", "upgrade", "--corpus", root)
    assert code == 0 and out.strip() == f"rewrote 1 of 2 part(s) of {root}", err
    store = CorpusStore.open(root)
    assert not any(outdated(store, p) for p in store.parts)
    assert all(ROW_SUMS in documents_schema(root, p).metadata for p in store.parts)
    assert findings_of(root, submissions) == expected
