"""Read files, folders and zip archives into Documents, naming every file that cannot be read."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from overlap.ingest.archives import archive_items
from overlap.ingest.decode import decode_bytes
from overlap.ingest.errors import ArchiveRefusedError, ExtractError
from overlap.ingest.exports import EXPORT_SUFFIXES, ExportColumns, read_export
from overlap.ingest.formats import READERS, Extracted
from overlap.ingest.formats.html import html_to_text, looks_like_html
from overlap.ingest.limits import Budget, IngestLimits, mib
from overlap.ingest.lms import Receipt, is_receipt_name, parse_receipt, receipt_key, submitter
from overlap.ingest.metadata import METADATA_NAME, Metadata
from overlap.ingest.safezip import SafeZip
from overlap.ingest.shards import ReadShard, plan_reads
from overlap.ingest.walk import ARCHIVE_SUFFIXES, Item, suffix
from overlap.model import Document, FileError, Role, document_id
from overlap.text.tokens import text_flags

logger = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")
#: File name endings read as plain text, compared in lower case.
TEXT_SUFFIXES = frozenset({".txt", ".md"})


@dataclass(frozen=True)
class Ingested:
    """The documents read from some paths, and the files that could not be read."""

    documents: tuple[Document, ...]
    errors: tuple[FileError, ...] = ()


def read_documents(
    paths: Sequence[Path],
    role: Role,
    *,
    limits: IngestLimits | None = None,
    columns: ExportColumns | None = None,
    skip: Sequence[Path] = (),
) -> Ingested:
    """Read every document in ``paths``, in a deterministic order.

    Documents are .txt, .md, .docx, .pdf, .html/.htm, .odt and .rtf files; every post of a
    CSV or JSON Lines discussion export (a CSV or JSON Lines file that is not one is an
    error); and all of these inside .zip archives (LMS bulk downloads), nested up to
    ``limits.max_depth``. Canvas, Moodle and Blackboard names (and Blackboard receipts) give
    the student and, where the LMS records it, the submission time; a ``metadata.csv``
    overrides them.

    A folder is read recursively in sorted order, skipping hidden files and folders; a
    ``metadata.csv`` in it or any subfolder describes files by paths relative to its own folder,
    and a nearer one wins field by field. A file given on its own takes metadata from a
    ``metadata.csv`` beside it. Ids come from the path inside the given folder (``!`` into
    archives, ``#`` to a post) and the text, so they do not depend on the working directory;
    a document whose id was already read in this call is skipped. Nothing is written to disk.

    Args:
        paths: Files and folders as the user gave them.
        role: The role every document read gets.
        limits: Size, ratio and nesting limits; :class:`IngestLimits` defaults when omitted.
        columns: Column names of discussion exports; :class:`ExportColumns` defaults.
        skip: Files and folders never read, even inside the ``paths`` (a scan's templates).

    Returns:
        The documents, and one error per file, archive member, export row or metadata row
        that could not be used (``batch.zip!inner/essay.docx``: ``password-protected``;
        ``forum.jsonl#row-7``: ``no post text: 'text' is null``; rows are marked ``row``).

    Raises:
        InputError: A path does not exist, or is a file of a kind ingest does not read.
    """
    limits = limits or IngestLimits()
    documents: dict[str, Document] = {}
    errors: list[FileError] = []
    for shard in plan_reads(paths, limits, skip=skip):
        read = read_shard(shard, role, limits=limits, columns=columns)
        for document in read.documents:
            documents.setdefault(document.id, document)
        errors.extend(read.errors)
    return Ingested(tuple(documents.values()), tuple(dict.fromkeys(errors)))


def read_shard(
    shard: ReadShard,
    role: Role,
    *,
    limits: IngestLimits | None = None,
    columns: ExportColumns | None = None,
) -> Ingested:
    """Read one shard of :func:`~overlap.ingest.shards.plan_reads`; runs on any worker.

    Documents of the same id within the shard are read once; errors keep their order.
    """
    batch = _Batch(role, limits or IngestLimits(), columns or ExportColumns())
    for container in shard.containers:
        batch.errors.extend(container.errors)
        batch.container(container.to_read(batch.limits))
    return Ingested(tuple(batch.documents.values()), tuple(batch.errors))


class _Batch:
    """The documents and errors of one call, and how to read each kind of file."""

    def __init__(self, role: Role, limits: IngestLimits, columns: ExportColumns) -> None:
        self.role = role
        self.limits = limits
        self.columns = columns
        self.documents: dict[str, Document] = {}
        self.errors: list[FileError] = []

    def container(self, items: list[Item]) -> None:
        """Read the files of one folder or archive; Blackboard receipts first, for pairing."""
        receipts: dict[str, tuple[Item, Receipt]] = {}
        for item in items:
            if is_receipt_name(item.name):
                receipt = self._receipt(item)
                if receipt is not None:
                    receipts[receipt_key(item.name)] = (item, receipt)
        paired = {item.name for item, _ in receipts.values()}
        for item in items:
            if item.name in paired:
                _, receipt = receipts[receipt_key(item.name)]
                if receipt.text:
                    meta = self._who(item, {receipt_key(item.name): receipt})
                    typed = receipt.text
                    extracted = html_to_text(typed) if looks_like_html(typed) else Extracted(typed)
                    self._add(item.rel, item.shown, extracted, meta, plain=True)
                continue
            try:
                self._item(item, {key: receipt for key, (_, receipt) in receipts.items()})
            except ArchiveRefusedError:
                raise
            except ExtractError as exc:
                self._fail(exc.path, exc.reason)
            except OSError as exc:
                self._fail(item.shown, f"cannot read: {exc.strerror or exc}")
            except Exception as exc:  # one hostile file must not stop the batch
                logger.warning("unexpected failure reading %s", item.shown, exc_info=True)
                self._fail(item.shown, f"cannot read ({type(exc).__name__}: {exc})")

    def _item(self, item: Item, receipts: dict[str, Receipt]) -> None:
        kind = suffix(item.name)
        if kind in ARCHIVE_SUFFIXES:
            self._archive(item)
        elif kind in EXPORT_SUFFIXES:
            if item.name.rpartition("/")[2].lower() != METADATA_NAME:
                self._export(item)
        elif kind in READERS:
            data = item.load()
            if not data:
                raise ExtractError(item.shown, "empty file")
            extracted = READERS[kind](data, item.shown, self.limits)
            meta = self._who(item, receipts)
            self._add(item.rel, item.shown, extracted, meta, plain=kind in TEXT_SUFFIXES)
        elif submitter(item.name) is not None:
            raise ExtractError(item.shown, f"unsupported file type {kind or '(no suffix)'}")

    def _archive(self, item: Item) -> None:
        depth = item.depth + 1
        if depth > self.limits.max_depth:
            limit = self.limits.max_depth
            reason = f"nested more than {limit} deep" if limit else "max_depth is 0"
            raise ExtractError(item.shown, f"refused: archive {reason}")
        budget = item.budget or Budget(self.limits.max_archive_bytes)
        source: Path | bytes
        if item.path is not None:
            size, limit = item.path.stat().st_size, self.limits.max_archive_bytes
            if size > limit:
                raise ExtractError(item.shown, f"too large: {mib(size)}, limit {mib(limit)}")
            source = item.path
        else:
            source = item.load()
        before = (len(self.documents), len(self.errors))
        try:
            with SafeZip.open(source, item.shown, self.limits, budget) as archive:
                members, refused = archive_items(archive, item, depth)
                self.errors.extend(refused)
                self.container(members)
        except ArchiveRefusedError as exc:
            self._fail(exc.path, exc.reason)
        if (len(self.documents), len(self.errors)) == before:
            # Hidden files, folders and kinds that are not read: a person sent an archive
            # to be read, so an archive that gives nothing is said, not passed over.
            raise ExtractError(item.shown, "nothing to read: no member is a file overlap reads")

    def _export(self, item: Item) -> None:
        text = decode_bytes(item.load(), item.shown)
        posts, errors = read_export(
            text, suffix(item.name), item.shown, self.columns, need_author=not item.explicit
        )
        for error in errors:
            self._fail(error.path, error.reason, row=True)
        if not posts and not errors:
            raise ExtractError(item.shown, "no posts: the export has a header and no rows")
        for post in posts:
            meta = Metadata(student=post.author, submitted_at=post.posted_at)
            self._add(
                f"{item.rel}#{post.key}",
                f"{item.shown}#{post.key}",
                Extracted(post.text, post.flags),
                meta.overlay(item.metadata),
                plain=True,
            )

    def _receipt(self, item: Item) -> Receipt | None:
        try:
            return parse_receipt(decode_bytes(item.load(), item.shown))
        except (ExtractError, OSError):
            return None  # read again as an ordinary file, which reports the error

    @staticmethod
    def _who(item: Item, receipts: dict[str, Receipt]) -> Metadata:
        """The student and time an LMS name (and its receipt) gives, overlaid by metadata.csv."""
        who = submitter(item.name)
        if who is None:
            return item.metadata
        student, submitted_at = who.student, who.submitted_at
        receipt = receipts.get(who.attempt or "")
        if receipt is not None:
            student = receipt.student or student
            submitted_at = submitted_at or receipt.submitted_at
        return Metadata(student=student, submitted_at=submitted_at).overlay(item.metadata)

    def _add(self, rel: str, shown: str, extracted: Extracted, meta: Metadata, plain: bool) -> None:
        # A lone surrogate (from a JSON escape) cannot be written as UTF-8; one code point
        # for one keeps every offset.
        text = extracted.text
        if not text.isascii():
            text = _SURROGATE.sub("\ufffd", text)
        if not text.replace("\0", "").strip():  # a stray NUL (see decode_bytes) is no text
            self._fail(shown, "empty file" if plain else "no text")
            return
        document = Document(
            id=document_id(rel, text),
            path=shown,
            role=self.role,
            text=text,
            authors=meta.authors,
            year=meta.year,
            title=meta.title,
            student=meta.student,
            term=meta.term,
            submitted_at=meta.submitted_at,
            flags=tuple(dict.fromkeys(text_flags(text) + extracted.flags)),
        )
        if document.id in self.documents:
            logger.debug("skipping %s: same id as %s", shown, self.documents[document.id].path)
            return
        self.documents[document.id] = document

    def _fail(self, path: str, reason: str, *, row: bool = False) -> None:
        self.errors.append(FileError(path, reason, row))
