"""List the members of a zip (an LMS bulk download) as files to read, refusing unsafe ones."""

from __future__ import annotations

import functools

from overlap.ingest.lms import submitter
from overlap.ingest.safezip import SafeZip
from overlap.ingest.walk import READ_SUFFIXES, Item, suffix
from overlap.model import FileError

# Folders archivers add that hold no submissions (macOS resource forks).
_JUNK_FOLDERS = frozenset({"__MACOSX"})


def _ignored(name: str) -> bool:
    """Hidden files and folders, and archiver debris, are not read (as in folders on disk)."""
    return any(part.startswith(".") or part in _JUNK_FOLDERS for part in name.split("/"))


def _reported(name: str, refusal: str) -> bool:
    """Whether a refused entry is worth an error: always if unsafe, else if we would read it."""
    if refusal.startswith(("refused: absolute", "refused: path", "refused: symbolic")):
        return True
    return suffix(name) in READ_SUFFIXES or submitter(name) is not None


def archive_items(archive: SafeZip, parent: Item, depth: int) -> tuple[list[Item], list[FileError]]:
    """Describe the members of ``archive`` (sorted by name) as items inside ``parent``.

    Entries with absolute paths, ``..`` or symlinks are refused with an error and never
    read; so are encrypted or over-size members of a kind ingest would read.

    Args:
        archive: The opened archive.
        parent: The archive file itself, whose ``rel`` and ``shown`` the members extend.
        depth: How many archives the members are inside (1 for a zip given by the user).

    Returns:
        The members to read, and the refused entries as errors.
    """
    items: list[Item] = []
    errors: list[FileError] = []
    for entry in archive.entries():
        shown = f"{parent.shown}!{entry.name}"
        if entry.refusal is not None:
            if _reported(entry.name, entry.refusal):
                errors.append(FileError(shown, entry.refusal))
            continue
        if _ignored(entry.name):
            continue
        items.append(
            Item(
                name=entry.name,
                rel=f"{parent.rel}!{entry.name}",
                shown=shown,
                load=functools.partial(archive.read, entry),
                depth=depth,
                budget=archive.budget,
            )
        )
    items.sort(key=lambda item: item.name)
    return items, errors
