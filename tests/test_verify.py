import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from clirun import invoke
from conftest import prose

from overlap.indexing.parts import add_documents
from overlap.ingest.files import read_documents
from overlap.model import Role
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore
from overlap.store.ledger import LedgerEntry, record_scanned
from overlap.store.parts import ROW_SUMMED, read_arrow_file, write_arrow_file
from overlap.store.parts import part_file as stored_file
from overlap.store.verify import drop_damaged_parts, verify_store


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Two parts of three posts (students A, B, C in each), and a scan ledger."""
    folder = tmp_path / "posts"
    folder.mkdir()
    for i in range(6):
        (folder / f"p{i}.txt").write_text(prose(400 + i, 80))
    (folder / "metadata.csv").write_text(
        "path,student\n" + "".join(f"p{i}.txt,{'ABC'[i % 3]}\n" for i in range(6))
    )
    root = tmp_path / "store"
    s = CorpusStore.open(root, create=True)
    docs = read_documents([folder], Role.PRIOR).documents
    add_documents(s, docs[:3])
    add_documents(s, docs[3:])
    with s.locked():
        record_scanned(s, [LedgerEntry(d.id, "weekly", "t", "r") for d in docs[:2]])
    return root


def part_file(root: Path, dataset: str, n: int) -> Path:
    return stored_file(root, dataset, CorpusStore.open(root).parts[n])


def flip_a_byte(path: Path) -> None:
    """Flip one byte in the middle of the first column's data (bands: raw 64-bit keys).

    An Arrow IPC file of keys is almost all keys: its middle byte is one of them.
    """
    data = bytearray(path.read_bytes())
    if path.suffix == ".arrow":
        data[len(data) // 2] ^= 0x5A
        path.write_bytes(bytes(data))
        return
    meta = pq.ParquetFile(path).metadata.row_group(0).column(0)
    start = meta.dictionary_page_offset or meta.data_page_offset
    middle = start + meta.total_compressed_size // 2
    data[middle] ^= 0x5A
    path.write_bytes(bytes(data))


def rewrite(path: Path, change: Callable[[pa.Table], pa.Table]) -> None:
    """Rewrite a part file changed, its recorded sums (where it has them) made to agree."""
    if path.suffix == ".arrow":
        # Written beside and renamed over, as the store replaces files: the table read is
        # memory-mapped from the file it replaces.
        summed = ROW_SUMMED.get(path.parent.name, ())
        beside = path.with_name(path.name + ".new")
        write_arrow_file(beside, change(read_arrow_file(path)), summed)
        beside.replace(path)
        return
    table = pq.read_table(path)
    pq.write_table(change(table), path)


def foreign_window(table: pa.Table) -> pa.Table:
    extra = pa.table(
        {
            "doc": pa.array(["not-in-this-part"]).dictionary_encode().cast(table.schema[0].type),
            "window": [0],
            "first_word": [0],
            "end_word": [16],
        },
        schema=table.schema,
    )
    return pa.concat_tables([table, extra])


def short_hashes(table: pa.Table) -> pa.Table:
    hashes = table.column("hashes").to_pylist()
    hashes[0] = hashes[0][:-1]
    at = table.schema.get_field_index("hashes")
    return table.set_column(at, "hashes", pa.array(hashes, table.schema.field(at).type))


def other_settings(table: pa.Table) -> pa.Table:
    meta = {b"overlap.settings": json.dumps(Settings(window=30).index_dict()).encode()}
    return table.replace_schema_metadata(meta)


DAMAGE: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "flipped key byte": (lambda root: flip_a_byte(part_file(root, "bands", 1)),
                         "bands", "cannot be read: "),
    "flipped document byte": (lambda root: flip_a_byte(part_file(root, "documents", 1)),
                              "documents", "cannot be read: "),
    "missing file": (lambda root: part_file(root, "windows", 1).unlink(),
                     "windows", "missing, though the manifest lists its part"),
    "truncated file": (lambda root: part_file(root, "content", 1).write_bytes(b"PAR1"),
                       "content", "cannot be read: "),
    "stray rows": (lambda root: rewrite(part_file(root, "windows", 1), foreign_window),
                   "windows", "1 row(s) name no document of the part"),
    "other settings": (lambda root: rewrite(part_file(root, "windows", 1), other_settings),
                       "windows", "made with other settings than the manifest's (window)"),
    "hashes not one per word": (lambda root: rewrite(part_file(root, "documents", 1),
                                                     short_hashes),
                                "documents", "has 1 document(s) whose word hashes are not one"),
    "no settings": (lambda root: rewrite(part_file(root, "terms", 1),
                                         lambda t: t.replace_schema_metadata(None)),
                    "terms", "records no settings"),
}  # fmt: skip


def test_a_sound_store_verifies(store: Path) -> None:
    report = verify_store(CorpusStore.open(store))
    assert report.ok and report.damage == ()
    assert (report.parts, report.ledger_files, report.files, report.documents) == (2, 1, 11, 6)
    code, out, _ = invoke("corpus", "verify", "--corpus", store)
    assert code == 0 and out.startswith(f"ok: {store}: read 2 part(s), 1 scan-ledger file(s)")


@pytest.mark.parametrize("kind", DAMAGE)
def test_verify_finds_damage_in_any_dataset(store: Path, kind: str) -> None:
    damage, dataset, problem = DAMAGE[kind]
    path = part_file(store, dataset, 1)
    damage(store)
    report = verify_store(CorpusStore.open(store))
    assert not report.ok and report.damaged == (CorpusStore.open(store).parts[1],)
    (found,) = report.damage
    assert (found.dataset, found.path) == (dataset, str(path))
    assert found.problem.startswith(problem)
    code, out, err = invoke("corpus", "verify", "--corpus", store)
    assert code == 3, err
    lines = out.splitlines()
    assert lines[0].startswith(f"damaged: {path}: {problem}")
    assert lines[-1].startswith(f"DAMAGED: {store}: 1 part(s) and 0 scan-ledger file(s) damaged")


def test_verify_finds_a_damaged_ledger_file(store: Path) -> None:
    (name,) = CorpusStore.open(store).ledger_files
    (store / "ledger" / f"{name}.parquet").write_bytes(b"not parquet")
    report = verify_store(CorpusStore.open(store))
    assert [(d.part, d.dataset) for d in report.damage] == [(name, "ledger")]
    assert invoke("corpus", "verify", "--corpus", store)[0] == 3


def test_drop_damaged_parts_and_add_their_files_again(store: Path, tmp_path: Path) -> None:
    s = CorpusStore.open(store)
    damaged = s.parts[1]
    kept = {d.id for d in s.documents() if d.path.endswith(("p0.txt", "p1.txt", "p2.txt"))}
    flip_a_byte(part_file(store, "bands", 1))
    code, out, err = invoke("corpus", "verify", "--drop-damaged", "--corpus", store)
    assert code == 0, err
    assert "dropped 1 damaged part(s) and 0 scan-ledger file(s); add these 3 file(s) again:" in out
    assert sorted(line.strip() for line in out.splitlines() if line.startswith("  ")) == [
        str(tmp_path / "posts" / f"p{i}.txt") for i in (3, 4, 5)
    ]
    after = CorpusStore.open(store)
    assert after.parts == [s.parts[0]] and after.document_ids() == kept
    assert not list(store.rglob(f"{damaged}*"))  # its files are gone, text and all
    assert invoke("corpus", "verify", "--corpus", store)[0] == 0
    code, _, err = invoke(
        "corpus", "add", tmp_path / "posts", "--role", "prior", "--corpus", store, "--quiet"
    )
    assert code == 0, err
    assert len(CorpusStore.open(store).document_ids()) == 6
    assert verify_store(CorpusStore.open(store)).ok


def test_drop_damaged_on_a_sound_store_changes_nothing(store: Path) -> None:
    before = CorpusStore.open(store).manifest["parts"]
    report, dropped = drop_damaged_parts(CorpusStore.open(store))
    assert report.ok and dropped.parts == dropped.ledger_files == () == dropped.paths
    assert CorpusStore.open(store).manifest["parts"] == before


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("dry_run", [False, True])
def test_remove_checks_the_parts_it_rewrites_before_changing_anything(
    store: Path, dry_run: bool
) -> None:
    """Student A has a post in each part; a damaged key page in one stops the erasure."""
    flip_a_byte(part_file(store, "bands", 1))
    before = snapshot(store)
    dry = ["--dry-run"] if dry_run else []
    code, out, err = invoke("corpus", "remove", "--student", "A", *dry, "--corpus", store)
    assert code == 2 and out == ""
    assert err.startswith(f"error: nothing removed: {part_file(store, 'bands', 1)}: cannot be read")
    assert "overlap corpus verify" in err and err.count("\n") == 1
    after = snapshot(store)
    after.pop(".lock"), before.pop(".lock")  # the lock file names its last holder
    assert after == before
