"""Errors of reading one file: the file is named, and the reason is kept apart for reports."""

from __future__ import annotations

import os

from overlap.errors import InputError


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
