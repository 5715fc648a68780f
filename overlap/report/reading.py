"""Read a report folder back: findings.json, texts/index.json and the texts.

What ``overlap case`` and ``overlap review`` read.

Everything in the folder is checked as it is read: the findings document's schema and
fields, each finding's id against what it records, and each text against the length and
SHA-256 its index recorded, so a case file never shows a text that changed since the scan.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from overlap.errors import InputError
from overlap.model import Document, FileError, Finding, Role, SubmissionSummary
from overlap.report.contract import SCHEMA
from overlap.report.parsed import finding_of, summary_of
from overlap.report.texts import INDEX_NAME, TEXTS_FOLDER, text_digest

FINDINGS = "findings.json"
#: The shortest prefix of a finding id a command accepts.
MIN_PREFIX = 6
_HEX = re.compile(r"[0-9a-f]+")
SCAN_HINT = "write one with 'overlap scan PATH... --out DIR'"


@dataclass(frozen=True)
class TextEntry:
    """What ``texts/index.json`` says of one document (metadata null when it did not say)."""

    id: str
    path: str
    file: str
    role: Role
    chars: int
    student: str | None = None
    sha256: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: str | None = None
    term: str | None = None
    submitted_at: str | None = None


@dataclass(frozen=True)
class ReportFolder:
    """A report folder as read: the findings document and the index of its texts.

    Attributes:
        root: The folder.
        settings: findings.json ``settings``.
        generated_at: When the scan ran.
        submissions: findings.json ``submissions``.
        findings: findings.json ``findings``.
        texts: The documents ``texts/index.json`` lists, by id.
        store: What the scan read of the corpus store (``path``, ``state``, ...), or None
            when the report does not say.
        errors: findings.json ``errors``: the files the scan could not read.
    """

    root: Path
    settings: dict[str, Any]
    generated_at: str
    submissions: tuple[SubmissionSummary, ...]
    findings: tuple[Finding, ...]
    texts: dict[str, TextEntry]
    store: dict[str, Any] | None
    errors: tuple[FileError, ...] = ()

    def finding(self, given: str) -> Finding:
        """The finding with this id, or the one whose id starts with it (6 digits or more).

        Raises:
            InputError: No finding has it, or several do.
        """
        key = given.strip().lower()
        where = self.root / FINDINGS
        hits = [f for f in self.findings if f.id == key]
        if not hits and (len(key) < MIN_PREFIX or not _HEX.fullmatch(key)):
            raise InputError(
                f"no finding {given!r} in {where} (an id is 16 hexadecimal digits, or the first "
                f"{MIN_PREFIX} or more of them)"
            )
        hits = hits or [f for f in self.findings if f.id.startswith(key)]
        if not hits:
            raise InputError(f"no finding {given!r} in {where}")
        if len({f.id for f in hits}) > 1:
            raise InputError(
                f"{given!r} starts {len(hits)} finding ids in {where}: give more digits"
            )
        return hits[0]

    def mirror(self, finding: Finding) -> Finding | None:
        """The same shared passage as the other submission's finding, if the report has it.

        A passage two submissions share is a finding in each; a decision is about one.
        """
        return next((f for f in self.findings if finding.mirrors(f)), None)

    def submission(self, given: str) -> SubmissionSummary:
        """The submission with this id or path.

        Raises:
            InputError: No submission has it.
        """
        for s in self.submissions:
            if given in (s.id, s.path):
                return s
        raise InputError(f"no submission {given!r} in {self.root / FINDINGS}")


def _json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: missing: {what}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc}): {what}") from exc


def _entry(doc_id: str, raw: Any) -> TextEntry:
    if not isinstance(raw, dict):
        raise TypeError(f"entry must be an object, got {raw!r}")
    authors = raw.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise TypeError(f"authors must be a list of strings, got {authors!r}")
    chars = raw["chars"]
    if not isinstance(chars, int) or isinstance(chars, bool):
        raise TypeError(f"chars must be a whole number, got {chars!r}")
    fields = ("path", "file", "student", "sha256", "title", "year", "term", "submitted_at")
    for name in fields:
        value = raw.get(name)
        if (value is not None or name in ("path", "file")) and not isinstance(value, str):
            raise TypeError(f"{name} must be a string, got {value!r}")
    return TextEntry(
        id=doc_id,
        path=raw["path"],
        file=raw["file"],
        role=Role(raw["role"]),
        chars=chars,
        student=raw.get("student"),
        sha256=raw.get("sha256"),
        title=raw.get("title"),
        authors=tuple(authors),
        year=raw.get("year"),
        term=raw.get("term"),
        submitted_at=raw.get("submitted_at"),
    )


def _texts(root: Path) -> tuple[dict[str, TextEntry], dict[str, Any] | None]:
    path = root / TEXTS_FOLDER / INDEX_NAME
    index = _json(path, "the report keeps no extracted texts; scan again to write them")
    try:
        documents = index["documents"]
        entries = {str(k): _entry(str(k), v) for k, v in documents.items()}
        store = index.get("store")
        if store is not None and not isinstance(store, dict):
            raise TypeError(f"store must be an object, got {store!r}")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path}: not an index of texts as overlap writes it: {exc}") from exc
    return entries, store


def read_report(root: Path) -> ReportFolder:
    """Read the report folder ``root`` (not the texts themselves: :func:`read_document`).

    Raises:
        InputError: ``root`` is missing or not a folder, or findings.json or
            texts/index.json is missing, unreadable or not as overlap writes it; the
            message names the file and why.
    """
    if not root.exists():
        raise InputError(f"no report folder at {root}: {SCAN_HINT}")
    if not root.is_dir():
        raise InputError(f"{root} is a file, not a report folder: {SCAN_HINT}")
    path = root / FINDINGS
    if not path.exists():
        raise InputError(f"{root} is not a report folder: it has no {FINDINGS} ({SCAN_HINT})")
    doc = _json(path, "not a findings document")
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        found = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise InputError(f"{path}: not an overlap findings document ({SCHEMA}), got {found!r}")
    try:
        submissions = tuple(summary_of(s) for s in doc["submissions"])
        findings = []
        for i, f in enumerate(doc["findings"], start=1):
            try:
                findings.append(finding_of(f))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ValueError(f"finding {i}: {exc}") from exc
        settings, generated_at = doc["settings"], doc["generated_at"]
        if not isinstance(settings, dict) or not isinstance(generated_at, str):
            raise TypeError("settings must be an object and generated_at a string")
        errors = tuple(FileError(str(e["path"]), str(e["error"])) for e in doc.get("errors", []))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path}: not a findings document as overlap writes it: {exc}") from exc
    texts, store = _texts(root)
    return ReportFolder(
        root, settings, generated_at, submissions, tuple(findings), texts, store, errors
    )


def read_document(report: ReportFolder, doc_id: str) -> Document | None:
    """A document of the report with its text, or None when ``texts/`` does not keep it.

    Raises:
        InputError: Its text file is missing, lies outside ``texts/``, or is not the text
            the scan compared (its length or SHA-256 differs from the index's).
    """
    entry = report.texts.get(doc_id)
    if entry is None:
        return None
    folder = (report.root / TEXTS_FOLDER).resolve()
    where = report.root / TEXTS_FOLDER / INDEX_NAME
    path = (report.root / entry.path).resolve()
    if path.parent != folder:
        raise InputError(f"{where}: the text of {doc_id} is not in {TEXTS_FOLDER}/: {entry.path}")
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{report.root / entry.path}: cannot read the text: {exc}") from exc
    changed = len(text) != entry.chars
    if entry.sha256 is not None and text_digest(text) != entry.sha256:
        changed = True
    if changed:
        raise InputError(
            f"{report.root / entry.path}: not the text the scan compared (its length or "
            f"SHA-256 differs from {where}): it changed since the scan"
        )
    return Document(
        id=doc_id,
        path=entry.file,
        role=entry.role,
        text=text,
        authors=entry.authors,
        year=entry.year,
        title=entry.title,
        student=entry.student,
        term=entry.term,
        submitted_at=entry.submitted_at,
    )
