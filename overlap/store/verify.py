"""Check a store against its manifest: read every file of every part, before a writer needs it.

An erasure must never be the first to find a damaged file: ``overlap corpus verify`` reads
every dataset file of every part the manifest lists (and every scan-ledger file) in full, and
checks its columns, the settings it records, and that its rows refer only to documents of its
own part. ``drop_damaged_parts`` takes damaged parts out of the store, so that it can be used
(and erasures completed) again; their documents are then added again from their files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from overlap.errors import OverlapError, StoreError
from overlap.model import Role
from overlap.store.bands import is_packed, rows_of
from overlap.store.content_rows import BY_KEY, ORDER
from overlap.store.corpus import DATASETS, DECISIONS, LEDGER, SIDE_DATASETS, CorpusStore
from overlap.store.decisions import DECISIONS_SCHEMA
from overlap.store.ledger import LEDGER_SCHEMA
from overlap.store.manifest import read_manifest
from overlap.store.parts import part_file, read_arrow_file
from overlap.store.schema import LATER_COLUMNS, OLDER_TYPES, PARQUET_LAYOUTS, settings_of

logger = logging.getLogger(__name__)

#: Side datasets: their schema and what they are called in a message.
SIDES = {LEDGER: (LEDGER_SCHEMA, "scan ledger"), DECISIONS: (DECISIONS_SCHEMA, "review decisions")}
#: Roles a stored document may have.
STORED_ROLES = frozenset({str(Role.SOURCE), str(Role.PRIOR)})


@dataclass(frozen=True)
class Damage:
    """One thing wrong with one file of a store.

    Attributes:
        part: The part (or scan-ledger or decisions file) the file belongs to, as the manifest
            names it.
        dataset: ``documents``, ``windows``, ``bands``, ``content``, ``terms``, ``ledger`` or
            ``decisions``.
        path: The file.
        problem: What is wrong, e.g. ``missing, though the manifest lists its part``.
    """

    part: str
    dataset: str
    path: str
    problem: str


@dataclass(frozen=True)
class VerifyReport:
    """What :func:`verify_store` read and found.

    Attributes:
        root: The store folder.
        parts: Parts the manifest lists.
        ledger_files: Scan-ledger files the manifest lists.
        files: Files read in full.
        decision_files: Review-decision files the manifest lists.
        documents: Documents in the parts that could be read.
        damage: Everything found wrong, in manifest order; empty if the store is sound.
    """

    root: str
    parts: int
    ledger_files: int
    files: int
    documents: int
    damage: tuple[Damage, ...]
    decision_files: int = 0

    @property
    def ok(self) -> bool:
        """True if nothing is damaged."""
        return not self.damage

    @property
    def damaged(self) -> tuple[str, ...]:
        """Names of the damaged parts, ledger and decision files, each once, in manifest order."""
        return tuple(dict.fromkeys(d.part for d in self.damage))

    @property
    def damaged_parts(self) -> int:
        """How many parts are damaged."""
        return len({d.part for d in self.damage if d.dataset not in SIDE_DATASETS})


def _read(store: CorpusStore, dataset: str, part: str) -> tuple[pa.Table | None, list[Damage]]:
    """Read one dataset file of a part in full; the table, or None and what is wrong."""
    path = part_file(store.root, dataset, part)

    def damage(problem: str) -> tuple[None, list[Damage]]:
        return None, [Damage(part, dataset, str(path), problem)]

    if not path.is_file():
        return damage("missing, though the manifest lists its part")
    try:
        if path.suffix == ".arrow":
            table = read_arrow_file(path)
            schema = table.schema
        else:
            file = pq.ParquetFile(path, page_checksum_verification=True)
            schema = file.schema_arrow
            table = file.read()
    except PermissionError:
        raise StoreError(f"{path}: cannot read store file: permission denied") from None
    except (OSError, ValueError, pa.ArrowException) as exc:
        return damage(f"cannot be read: {exc}")
    try:
        stored = settings_of(schema)
    except ValueError:
        return damage("its recorded settings cannot be read")
    if stored is None:
        return damage("records no settings")
    if stored != store.settings.index_dict():
        changed = sorted(
            k
            for k in {*stored, *store.settings.index_dict()}
            if stored.get(k) != store.settings.index_dict().get(k)
        )
        return damage(f"made with other settings than the manifest's ({', '.join(changed)})")
    expected = DATASETS[dataset]
    if path.suffix == ".parquet":  # band or content keys of an older part
        expected = PARQUET_LAYOUTS.get(dataset, expected)
    for want in expected:
        if want.name not in schema.names and want.name in LATER_COLUMNS.get(dataset, ()):
            continue  # written by an earlier version: the scan reads the texts instead
        if want.name not in schema.names:
            return damage(f"has no column {want.name!r}")
        got = schema.field(want.name).type
        older = OLDER_TYPES.get(dataset, {}).get(want.name)
        if not got.equals(want.type) and not (older is not None and got.equals(older[0])):
            return damage(f"column {want.name!r} is {got}, not {want.type}")
    return table, []


def _check_documents(table: pa.Table, part: str, path: str, seen: set[str]) -> list[Damage]:
    """Problems of a part's documents: none, null or repeated ids, unknown roles."""
    problems = []
    ids = table.column("id").to_pylist()
    if not ids:
        problems.append("holds no documents")
    if any(i is None for i in ids):
        problems.append("has documents without an id")
    present = [i for i in ids if i is not None]
    if len(set(present)) < len(present):
        problems.append(f"lists {len(present) - len(set(present))} document id(s) twice")
    elsewhere = seen.intersection(present)
    if elsewhere:
        problems.append(f"holds {len(elsewhere)} document(s) another part holds too")
    roles = set(table.column("role").to_pylist()) - STORED_ROLES
    if roles:
        problems.append(f"has documents of unknown role {sorted(map(str, roles))[0]!r}")
    if "hashes" in table.column_names:
        hashes = table.column("hashes")
        if pa.types.is_list(hashes.type):  # as parts written before HASHES kept them
            lengths = pc.list_value_length(hashes).fill_null(-1)
            expected = table.column("words")
        else:  # 4 bytes a word
            lengths = pc.binary_length(hashes).fill_null(-1)
            expected = pc.multiply(table.column("words").cast(pa.int64()), 4)
        wrong = pc.sum(pc.not_equal(lengths, expected)).as_py() or 0
        if wrong:
            problems.append(f"has {wrong} document(s) whose word hashes are not one per word")
    return [Damage(part, "documents", path, p) for p in problems]


def _check_references(
    table: pa.Table, dataset: str, ids: pa.Array, part: str, path: str
) -> list[Damage]:
    """Rows of windows, bands or content that name no document of the part.

    Packed band keys (:mod:`overlap.store.bands`) name a row of the part's documents, and
    must be sorted; so must content keys whose file says they are (``BY_KEY``).
    """
    if dataset == "bands" and is_packed(table):
        keys = table.column("key").to_numpy()
        if len(keys) > 1 and bool(np.any(keys[1:] < keys[:-1])):
            return [Damage(part, dataset, path, "has band keys out of order")]
        stray = int(np.count_nonzero(rows_of(keys) >= len(ids)))
        if stray:
            return [Damage(part, dataset, path, f"{stray} key(s) name no document of the part")]
        return []
    if "row" in table.column_names:  # content keys name their documents' rows
        if (table.schema.metadata or {}).get(ORDER) == BY_KEY:
            keys = table.column("key").to_numpy()
            if len(keys) > 1 and bool(np.any(keys[1:] < keys[:-1])):
                return [Damage(part, dataset, path, "has content keys out of order")]
        stray = int(np.count_nonzero(table.column("row").to_numpy() >= len(ids)))
        if stray:
            return [Damage(part, dataset, path, f"{stray} row(s) name no document of the part")]
        return []
    docs = table.column("doc").cast(pa.string())
    stray = pc.sum(pc.invert(pc.is_in(docs, value_set=ids))).as_py() or 0
    nulls = docs.null_count
    if stray or nulls:
        problem = f"{stray + nulls} row(s) name no document of the part"
        return [Damage(part, dataset, path, problem)]
    return []


def verify_part(
    store: CorpusStore, part: str, seen: set[str] | None = None
) -> tuple[list[Damage], int, int]:
    """Read every dataset file of one part in full and check it.

    Args:
        store: The store.
        part: A part its manifest lists.
        seen: Ids of documents in the parts checked before; this part's ids are added.

    Returns:
        What is wrong (empty if nothing), the files read, and the documents of the part.

    Raises:
        StoreError: A file cannot be read for want of permission (not damage).
    """
    damage: list[Damage] = []
    tables: dict[str, pa.Table] = {}
    for dataset in DATASETS:
        table, problems = _read(store, dataset, part)
        damage += problems
        if table is not None:
            tables[dataset] = table
    docs = tables.get("documents")
    if docs is None:
        return damage, len(tables), 0
    path = str(part_file(store.root, "documents", part))
    damage += _check_documents(docs, part, path, seen if seen is not None else set())
    ids = docs.column("id").combine_chunks()
    for dataset in ("windows", "bands", "content"):
        if dataset in tables:
            where = str(part_file(store.root, dataset, part))
            damage += _check_references(tables[dataset], dataset, ids, part, where)
    if "terms" in tables and (pc.sum(pc.less_equal(tables["terms"].column("df"), 0)).as_py() or 0):
        where = str(part_file(store.root, "terms", part))
        damage.append(Damage(part, "terms", where, "has term counts below 1"))
    if seen is not None:
        seen.update(i for i in ids.to_pylist() if i is not None)
    return damage, len(tables), docs.num_rows


def _side_damage(store: CorpusStore, key: str) -> Iterator[Damage]:
    schema, what = SIDES[key]
    for name in store.side_files(key):
        path = store.root / key / f"{name}.parquet"
        if not path.is_file():
            yield Damage(name, key, str(path), "missing, though the manifest lists it")
            continue
        try:
            pq.ParquetFile(path, page_checksum_verification=True).read().cast(schema)
        except PermissionError:
            raise StoreError(f"{path}: cannot read the {what}: permission denied") from None
        except (OSError, ValueError, pa.ArrowException) as exc:
            yield Damage(name, key, str(path), f"cannot be read as {what}: {exc}")


def verify_store(store: CorpusStore) -> VerifyReport:
    """Read every file the store's manifest lists, in full, and check it against the manifest.

    Needs no lock, so it runs beside scans and on a store this user may only read: a part an
    erasure replaced while it was being read is not counted as damage.

    Raises:
        StoreError: The manifest cannot be read, or a file cannot be read for want of
            permission.
    """
    damage: list[Damage] = []
    files = documents = 0
    seen: set[str] = set()
    for part in store.parts:
        found, read, docs = verify_part(store, part, seen)
        damage += found
        files += read
        documents += docs
    for key in SIDE_DATASETS:
        damage += _side_damage(store, key)
        files += len(store.side_files(key))
    if damage:  # a writer may have replaced parts while they were read: those are not damage
        now = read_manifest(store.root)
        listed = {*now["parts"], *(n for key in SIDE_DATASETS for n in now[key])}
        damage = [d for d in damage if d.part in listed]
    return VerifyReport(
        str(store.root),
        len(store.parts),
        len(store.ledger_files),
        files,
        documents,
        tuple(damage),
        len(store.decision_files),
    )


@dataclass(frozen=True)
class Dropped:
    """What :func:`drop_damaged_parts` took out of a store.

    Attributes:
        parts: The damaged parts taken out.
        ledger_files: The damaged scan-ledger files taken out (their submissions are scanned
            again by the next run).
        paths: Stored paths of the documents in those parts, where their documents file
            could still be read: the files to add again.
        unlisted: Parts taken out whose documents could not be read, so not listed in paths.
        decision_files: The damaged review-decision files taken out (their decisions are
            lost: restore them from a backup).
    """

    parts: tuple[str, ...]
    ledger_files: tuple[str, ...]
    paths: tuple[str, ...]
    unlisted: int
    decision_files: tuple[str, ...] = ()


def drop_damaged_parts(store: CorpusStore) -> tuple[VerifyReport, Dropped]:
    """Verify the store under its write lock and take every damaged part and ledger file out.

    The parts' files are deleted (so no text stays behind), in one manifest write.

    Returns:
        The verification made under the lock, and what was dropped.
    """
    with store.locked():
        report = verify_store(store)
        damaged = set(report.damaged)
        parts = tuple(p for p in store.parts if p in damaged)
        ledger = tuple(n for n in store.ledger_files if n in damaged)
        decisions = tuple(n for n in store.decision_files if n in damaged)
        paths: list[str] = []
        unlisted = 0
        for part in parts:
            try:
                paths += store.read_part("documents", part, ["path"]).column("path").to_pylist()
            except OverlapError:  # its documents file is what is damaged
                unlisted += 1
        if parts:
            store.replace_parts(dict.fromkeys(parts))
        if ledger:
            store.publish_side(LEDGER, [], list(ledger))
        if decisions:
            store.publish_side(DECISIONS, [], list(decisions))
    if parts or ledger or decisions:
        logger.warning(
            "took %d damaged part(s), %d ledger and %d decision file(s) out of %s",
            len(parts),
            len(ledger),
            len(decisions),
            store.root,
        )
    return report, Dropped(parts, ledger, tuple(paths), unlisted, decisions)


def format_report(report: VerifyReport) -> str:
    """The report as lines of text: one per thing found wrong, then a summary."""
    lines = [f"damaged: {d.path}: {d.problem}" for d in report.damage]
    decisions = (
        f", {report.decision_files} review-decision file(s)" if report.decision_files else ""
    )
    read = (
        f"{report.parts} part(s), {report.ledger_files} scan-ledger file(s){decisions} "
        f"({report.files} files, {report.documents} documents)"
    )
    if report.ok:
        lines.append(f"ok: {report.root}: read {read}; nothing damaged")
        return "\n".join(lines)
    ledger = len(report.damaged) - report.damaged_parts
    sides = "scan-ledger or review-decision" if report.decision_files else "scan-ledger"
    lines.append(
        f"DAMAGED: {report.root}: {report.damaged_parts} part(s) and {ledger} {sides} "
        f"file(s) damaged, of {read}; restore the store from a backup, or take the damaged "
        "parts out with 'overlap corpus verify --drop-damaged' and add their files again"
    )
    return "\n".join(lines)


def format_dropped(dropped: Dropped) -> str:
    """What :func:`drop_damaged_parts` took out, and the stored paths of the files to add again."""
    decisions = (
        f", {len(dropped.decision_files)} review-decision file(s) (their decisions are lost)"
        if dropped.decision_files
        else ""
    )
    lines = [
        f"dropped {len(dropped.parts)} damaged part(s) and {len(dropped.ledger_files)} "
        f"scan-ledger file(s){decisions}; add these {len(dropped.paths)} file(s) again:"
    ]
    lines += [f"  {p}" for p in dropped.paths]
    if dropped.unlisted:
        lines.append(f"  (and the documents of {dropped.unlisted} part(s) whose list is lost)")
    return "\n".join(lines)
