"""Stable pseudonyms for students: HMAC-SHA256 of the name under a key kept in the store folder.

The same name always gets the same pseudonym with the same store, so reports of different
weeks can be compared without naming anyone; without the key a pseudonym cannot be traced
back to a name by trying names. The key never leaves the store folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import replace
from pathlib import Path

from overlap.errors import StoreError
from overlap.ingest.lms import submitter
from overlap.model import Document, FileError, Finding, ScanResult, SubmissionSummary

KEY_NAME = "pseudonym.key"
PREFIX = "student-"
#: Hex digits of the HMAC kept: 32 bits, so a few thousand students collide with odds ~1e-3.
DIGITS = 8
_KEY_BYTES = 32


def normalise_name(name: str) -> str:
    """Fold case, compatibility forms and runs of spaces, so that one person is one name."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def read_key(root: Path) -> bytes | None:
    """The pseudonym key of the store at ``root``, or None if it has none yet.

    Raises:
        StoreError: The key file cannot be read or is damaged.
    """
    path = root / KEY_NAME
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot read the pseudonym key: {exc}") from exc
    if len(key) < 16:
        raise StoreError(f"{path}: the pseudonym key is too short ({len(key)} bytes)")
    return key


def ensure_key(root: Path) -> bytes:
    """The pseudonym key of the store at ``root``, made (readable by its owner only) if needed.

    Raises:
        StoreError: The key file cannot be read, written, or is damaged.
    """
    key = read_key(root)
    if key is not None:
        return key
    path = root / KEY_NAME
    tmp = root / f".{KEY_NAME}.{os.getpid()}.tmp"
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(_KEY_BYTES) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        # link, unlike rename, never replaces a key another process made meanwhile
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot make the pseudonym key: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    key = read_key(root)
    if key is None:
        raise StoreError(f"{path}: the pseudonym key vanished")
    return key


def pseudonym(name: str, key: bytes) -> str:
    """``student-3f9a1c0b``: the same for the same (normalised) name and key."""
    digest = hmac.new(key, normalise_name(name).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS]


def _path(doc_id: str, alias: str) -> str:
    # File and folder names of LMS downloads carry the student's name: keep none of it.
    return f"{alias}/{doc_id}"


def pseudonymize_document(doc: Document, key: bytes) -> Document:
    """The document with its student (and path, which may name them) replaced by a pseudonym."""
    if not doc.student:
        return doc
    alias = pseudonym(doc.student, key)
    return replace(doc, student=alias, path=_path(doc.id, alias))


def pseudonymize_error(error: FileError, key: bytes) -> FileError:
    """The error with a path that names a student (an LMS file or folder name) replaced."""
    inner = error.path.replace("\\", "/").rpartition("!")[2]
    who = submitter(inner)
    if who is None:
        return error
    suffix = Path(inner).suffix
    return replace(error, path=f"{pseudonym(who.student, key)}/file{suffix}")


def pseudonymize_result(result: ScanResult, key: bytes) -> ScanResult:
    """A scan result that names no student: names, and the paths that carry them, replaced.

    Finding texts and extracted texts are left as they are (offsets refer to them): a name
    written inside a post stays in it.
    """
    docs = {i: pseudonymize_document(d, key) for i, d in result.documents.items()}

    def summary(s: SubmissionSummary) -> SubmissionSummary:
        if not s.student:
            return s
        alias = pseudonym(s.student, key)
        return replace(s, student=alias, path=_path(s.id, alias))

    def finding(f: Finding) -> Finding:
        other = docs.get(f.source or "")
        return f if other is None else replace(f, source_path=other.path)

    return replace(
        result,
        submissions=tuple(summary(s) for s in result.submissions),
        findings=tuple(finding(f) for f in result.findings),
        errors=tuple(pseudonymize_error(e, key) for e in result.errors),
        documents=docs,
    )
