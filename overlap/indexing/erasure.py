"""Erase documents from a store (right to erasure, retention): rewrite their parts without them.

Every part that holds a selected document is rewritten without its rows in all four datasets
(its windows and band keys dropped, its words subtracted from the term frequencies), the new
parts replace the old ones in one manifest write, and the old files are deleted, so no file
in the store keeps the text, not even in a dictionary page or column statistics.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from overlap.errors import InputError, StoreError
from overlap.indexing.parts import with_word_hashes
from overlap.privacy.pseudonyms import PREFIX, normalise_name, pseudonym, read_key
from overlap.sketch.documents import term_frequencies
from overlap.store.bands import bands_table, kept_keys, stored_keys
from overlap.store.content_rows import ContentRows, content_rows, content_table, kept_rows
from overlap.store.corpus import DAMAGED, DATASETS, CorpusStore, StagedPart, stage_part
from overlap.store.decisions import Select, about_documents, count_decisions, forget_decisions
from overlap.store.ledger import count_scanned, forget_scanned
from overlap.store.schema import DOC_ID
from overlap.store.verify import verify_part
from overlap.text.shingles import word_hashes
from overlap.text.tokens import normalised_words


def _norm_path(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/"))


def _resolved(path: str) -> str:
    """The absolute path of a stored or given path, symbolic links resolved.

    Relative paths are taken from the current folder. Only the part before ``!`` (into an
    archive) or ``#`` (into an export) is a file-system path; the rest is kept as it is.
    """
    path = _norm_path(path)
    cut = min((i for i in (path.find("!"), path.find("#")) if i > 0), default=len(path))
    return os.path.realpath(path[:cut]).replace(os.sep, "/") + path[cut:]


def _inside(stored: str, given: str) -> bool:
    """True if ``stored`` is ``given`` or lies in the folder, archive or export ``given``."""
    return stored == given or stored.startswith((f"{given}/", f"{given}!", f"{given}#"))


@dataclass(frozen=True)
class Selection:
    """Which documents to remove: all given kinds must match, any value of a kind may.

    Attributes:
        students: Student names (compared without case or extra spaces) or pseudonyms.
        terms: Terms, compared the same way.
        paths: Stored paths: a document matches its own path or any folder or archive above it,
            compared as stored and as absolute paths with symbolic links resolved (relative
            ones taken from the current folder).
    """

    students: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (self.students or self.terms or self.paths):
            raise InputError("say what to remove: --student, --term or --path")
        for kind, values in (("student", self.students), ("term", self.terms)):
            if any(not v.strip() for v in values):
                raise InputError(f"--{kind} must not be empty")

    def mask(self, documents: pa.Table, key: bytes | None) -> list[bool]:
        """Which rows of a documents table (id, path, student, term) are selected."""
        students = {normalise_name(s) for s in self.students}
        aliases = {s for s in self.students if s.startswith(PREFIX)}
        terms = {normalise_name(t) for t in self.terms}
        paths = [_norm_path(p) for p in self.paths]
        resolved = [_resolved(p) for p in self.paths]
        out = []
        for row in documents.select(["path", "student", "term"]).to_pylist():
            ok = True
            if self.students:
                name = row["student"] or ""
                alias = pseudonym(name, key) if key and name and aliases else None
                ok = bool(name) and (normalise_name(name) in students or alias in aliases)
            if ok and self.terms:
                ok = normalise_name(row["term"] or "") in terms
            if ok and self.paths:
                if row["path"] is None:  # a review rule that names no submission
                    out.append(False)
                    continue
                stored = _norm_path(row["path"])
                ok = any(_inside(stored, p) for p in paths)
                if not ok:
                    real = _resolved(row["path"])
                    ok = any(_inside(real, p) for p in resolved)
            out.append(ok)
        return out


@dataclass(frozen=True)
class Removed:
    """What a removal did (or, in a dry run, would do)."""

    ids: tuple[str, ...]
    words: int
    parts_rewritten: int
    parts_dropped: int
    ledger_entries: int
    decisions: int = 0
    dry_run: bool = False


def _without_docs(table: pa.Table, gone: pa.Array) -> pa.Table:
    """Rows whose ``doc`` is not in ``gone``, with the doc dictionary rebuilt from what is left."""
    docs = table.column("doc").cast(pa.string())
    kept = table.filter(pc.invert(pc.is_in(docs, value_set=gone)))
    fresh = pc.dictionary_encode(kept.column("doc").cast(pa.string())).cast(DOC_ID)
    return kept.set_column(kept.schema.get_field_index("doc"), "doc", fresh)


def _kept_content(content: ContentRows, kept: npt.NDArray[np.bool_]) -> pa.Table:
    rows = kept_rows(content, kept)
    return content_table(rows.keys, rows.rows, rows.pos)


def _without_terms(terms: pa.Table, texts: Sequence[str]) -> pa.Table:
    """Term frequencies less those of the removed texts; terms no document has are dropped."""
    gone_terms, gone_df = term_frequencies([word_hashes(normalised_words(t)) for t in texts])
    have = terms.column("term").to_numpy()
    df = terms.column("df").to_numpy().copy()
    order = np.argsort(have, kind="stable")
    pos = np.searchsorted(have[order], gone_terms)
    found = pos < len(have)
    found[found] = have[order][pos[found]] == gone_terms[found]
    np.subtract.at(df, order[pos[found]], gone_df[found])
    keep = df > 0
    return pa.table({"term": pa.array(have[keep], pa.uint64()), "df": pa.array(df[keep])})


def rewrite_part(store: CorpusStore, part: str, gone: pa.Array) -> StagedPart | None:
    """Stage a copy of ``part`` without the documents in ``gone``; None if nothing is left.

    The copy is written as parts are now (an older part gets the columns it lacked).
    """
    tables = {d: store.read_part(d, part) for d in DATASETS}
    documents = tables["documents"]
    selected = pc.is_in(documents.column("id"), value_set=gone)
    kept = documents.filter(pc.invert(selected))
    if kept.num_rows == 0:
        return None
    texts = documents.filter(selected).column("text").to_pylist()
    ids = documents.column("id").to_pylist()
    chosen = selected.to_numpy(zero_copy_only=False).astype(np.bool_)
    new = {
        "documents": with_word_hashes(kept.replace_schema_metadata(None)),
        "windows": _without_docs(tables["windows"], gone),
        "bands": bands_table(kept_keys(stored_keys(tables["bands"], ids), ~chosen)),
        "content": _kept_content(content_rows(tables["content"], ids), ~chosen),
        "terms": _without_terms(tables["terms"], texts),
    }
    return stage_part(store.root, store.settings, new)


def remove_documents(store: CorpusStore, selection: Selection, *, dry_run: bool = False) -> Removed:
    """Remove the selected documents with everything derived from them, and their decisions.

    Their windows, band keys, terms and ledger entries go, and the review decisions about
    them (see :func:`_decisions_of`).

    Holds the store's write lock throughout. Before anything is written, each part to
    rewrite is read in full and checked as ``overlap corpus verify`` does, so a damaged part
    stops the removal (a dry run too) with an error naming it, the store unchanged. A crash
    leaves the store as it was before or after; old part files a crash left behind are
    deleted by the next write. Nothing matching is not an error here: ``ids`` is empty.

    Raises:
        StoreError: A part holding selected documents is damaged; nothing was removed.
    """
    with store.locked():
        key = read_key(store.root)
        ids: list[str] = []
        words = 0
        dropped: list[str] = []
        rewrite: dict[str, list[str]] = {}
        for part in store.parts:
            docs = store.read_part("documents", part, ["id", "path", "student", "term", "words"])
            chosen = docs.filter(pa.array(selection.mask(docs, key), pa.bool_()))
            if not chosen.num_rows:
                continue
            ids += chosen.column("id").to_pylist()
            words += pc.sum(chosen.column("words")).as_py() or 0
            if chosen.num_rows == docs.num_rows:
                dropped.append(part)
            else:
                rewrite[part] = chosen.column("id").to_pylist()
        damage = [d for part in rewrite for d in verify_part(store, part)[0]]
        if damage:
            more = f" (and {len(damage) - 1} more)" if len(damage) > 1 else ""
            raise StoreError(
                f"nothing removed: {damage[0].path}: {damage[0].problem}{more}; {DAMAGED}"
            )
        ledger = count_scanned(store, set(ids))
        about = _decisions_of(selection, ids, key)
        decisions = count_decisions(store, about)
        if not dry_run and ids:
            replacements: dict[str, StagedPart | None] = dict.fromkeys(dropped)
            for part, gone in rewrite.items():
                replacements[part] = rewrite_part(store, part, pa.array(gone, pa.string()))
            store.replace_parts(replacements)
            ledger = forget_scanned(store, set(ids))
        if not dry_run and decisions:
            decisions = forget_decisions(store, about)
    return Removed(tuple(ids), words, len(rewrite), len(dropped), ledger, decisions, dry_run)


def _decisions_of(selection: Selection, ids: Sequence[str], key: bytes | None) -> Select:
    """Select the review decisions an erasure removes.

    Those about a removed document (either side of the finding), and those about a
    submission the selection names by its path, student or term, stored or not: a week's
    posts are often scanned without being added.
    """
    of_documents = about_documents(ids)

    def select(table: pa.Table) -> pa.Array:
        named = pa.array(selection.mask(table, key), pa.bool_())
        return pc.or_(of_documents(table), named)

    return select
