"""Split the files under the paths given into shards that can be read apart, on any worker.

Listing folders and reading metadata.csv files is cheap and happens once, where the call is
made; extracting text is the expensive part and happens per shard. A folder's files are cut
into shards of ``files_per_shard`` unless it holds Blackboard receipts, which must be read
together with the files they describe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from overlap.ingest.limits import IngestLimits
from overlap.ingest.lms import is_receipt_name
from overlap.ingest.metadata import MetadataTable
from overlap.ingest.walk import Item, Listing, alone, check_path, folder_items, list_folder
from overlap.model import FileError

#: Files per shard: about one store part's worth of posts.
FILES_PER_SHARD = 2_000


@dataclass(frozen=True)
class Container:
    """Files read as one group (Blackboard receipts pair up within a group).

    Attributes:
        listing: A slice of a folder's files, or None for ``items``.
        items: Files given on their own.
        errors: Problems found while listing them (unreadable folders, metadata.csv rows),
            reported before any of theirs.
        given: Which of the paths given it was found under (its index). Files under one
            path have distinct paths inside it, so only files under different paths given
            can make documents of the same id.
    """

    listing: Listing | None = None
    items: tuple[Item, ...] = ()
    errors: tuple[FileError, ...] = ()
    given: int = 0

    def __len__(self) -> int:
        return len(self.listing.files) if self.listing else len(self.items)

    def to_read(self, limits: IngestLimits) -> list[Item]:
        """The container's files as items to read."""
        if self.listing is None:
            return list(self.items)
        return folder_items(self.listing, limits.max_file_bytes)


@dataclass(frozen=True)
class ReadShard:
    """Containers read together by one worker; small to ship (folder listings, not items)."""

    containers: tuple[Container, ...]

    @property
    def files(self) -> int:
        """Files (not documents: an archive or an export holds many) in the shard."""
        return sum(len(c) for c in self.containers)


def plan_reads(
    paths: Sequence[Path],
    limits: IngestLimits,
    files_per_shard: int | None = None,
    *,
    skip: Sequence[Path] = (),
) -> list[ReadShard]:
    """List the files under ``paths`` and cut them into shards, in reading order.

    Reading the shards one after the other and keeping the first document of each id is
    exactly :func:`overlap.ingest.files.read_documents`. Shards hold about ``files_per_shard``
    files (:data:`FILES_PER_SHARD` by default); a folder with receipts is one shard. Files
    and folders in ``skip`` (the templates of a scan) are left out wherever they are found.

    Raises:
        InputError: A path does not exist, or is a file of a kind ingest does not read.
    """
    files_per_shard = files_per_shard or FILES_PER_SHARD
    if files_per_shard < 1:
        raise ValueError(f"files_per_shard must be >= 1, got {files_per_shard}")
    roots = [check_path(Path(path)) for path in paths]
    skipped = [Path(path).resolve() for path in skip]
    beside: dict[Path, MetadataTable] = {}
    shards: list[ReadShard] = []
    current: list[Container] = []
    size = 0
    for given, root in enumerate(roots):
        errors: list[FileError] = []
        groups: list[Container] = []
        real = root.resolve() if skipped else root
        if any(real == s or s in real.parents for s in skipped):
            continue
        if root.is_dir():
            listing = _without(list_folder(root, errors), real, skipped)
            n = len(listing.files)
            if any(is_receipt_name(name) for name in listing.files):
                groups = [Container(listing)]
            else:
                step = files_per_shard
                groups = [Container(listing.slice(i, i + step)) for i in range(0, n, step)]
            groups = groups or [Container(listing)]
        else:
            groups = [Container(items=(alone(root, beside, errors, limits.max_file_bytes),))]
        groups[0] = replace(groups[0], errors=tuple(errors))
        for group in (replace(g, given=given) for g in groups):
            current.append(group)
            size += len(group)
            if size >= files_per_shard:
                shards.append(ReadShard(tuple(current)))
                current, size = [], 0
    if current:
        shards.append(ReadShard(tuple(current)))
    return shards


def _without(listing: Listing, real: Path, skipped: list[Path]) -> Listing:
    """The listing of the folder ``real`` (resolved) without the files under ``skipped``."""
    inside = [s.relative_to(real).as_posix() for s in skipped if real in s.parents]
    if not inside:
        return listing
    files = tuple(
        f for f in listing.files if not any(f == s or f.startswith(f"{s}/") for s in inside)
    )
    metadata = {f: listing.metadata[f] for f in files if f in listing.metadata}
    return Listing(listing.root, files, metadata)
