"""Errors of reading one file: the file is named, and the reason is kept apart for reports."""

from __future__ import annotations

import os
from collections.abc import Iterable

from overlap.errors import InputError
from overlap.model import FileError


class ExtractError(InputError):
    """One file (or archive member) cannot be turned into text.

    Attributes:
        path: The file as the caller named it (``batch.zip!inner/essay.docx`` inside archives).
        reason: Why, in a few words (``password-protected``), without the path.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ArchiveRefusedError(ExtractError):
    """A whole archive is refused (a zip bomb, too many entries); none of its members is read."""


def count_unread(errors: Iterable[FileError]) -> str:
    """Say how many files and rows could not be read: ``2 file(s) and 5 row(s)``.

    Rows (posts of discussion exports, rows of metadata.csv files) are counted apart from
    files, so one export with five bad rows is not five files. ``0 file(s)`` when none.
    """
    listed = list(errors)
    rows = sum(1 for e in listed if e.row)
    files = len(listed) - rows
    counts = [f"{files} file(s)" if files or not rows else "", f"{rows} row(s)" if rows else ""]
    return " and ".join(c for c in counts if c)
