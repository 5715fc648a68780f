"""Recognise LMS bulk-download names (Canvas, Moodle, Blackboard) and Blackboard receipts.

Each LMS encodes who handed a file in, and sometimes when, in the file or folder name:

* Canvas: ``doejane_12345_67890_essay.docx``, late ones ``doejane_LATE_12345_67890_essay.docx``
  (sortable name, user id, attachment id; no time). Ids have three digits or more and no
  leading zero, which keeps ``scan_2024_0001_page.pdf`` from passing for one.
* Moodle: ``Jane Doe_12345_assignsubmission_file_/essay.docx`` (a folder per student and
  plugin; ``..._onlinetext_/onlinetext.html`` for online text), or the same prefix on a flat
  file name; no time.
* Blackboard: ``Essay 1_jdoe_attempt_2026-11-20-10-11-12_essay.docx`` with a receipt
  ``Essay 1_jdoe_attempt_2026-11-20-10-11-12.txt`` that holds ``Name: Jane Doe (jdoe)``,
  ``Date Submitted: ...`` and the text typed into ``Submission Field:``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from overlap.ingest.dates import iso_timestamp

_CANVAS = re.compile(
    r"(?P<student>[^\W\d_](?:[^\W\d_]|-)*)(?P<late>_late)?_(?P<user>[1-9]\d{2,})_"
    r"(?P<file>[1-9]\d{2,})_.+",
    re.IGNORECASE,
)
_MOODLE = re.compile(r"(?P<student>.+?)_(?P<user>\d+)_assignsubmission_(?P<plugin>[a-z]+)_.*")
_BLACKBOARD = re.compile(
    r"(?P<attempt>(?P<assignment>.+)_(?P<user>[^_]+)_attempt_(?P<time>\d{4}(?:-\d\d){5}))"
    r"(?P<rest>_.+|\.txt)",
)
_NAME_LINE = re.compile(r"Name:\s*(?P<name>.*?)\s*(?:\((?P<user>[^()]*)\))?\s*")
_NO_TEXT = "There is no student submission text data for this assignment."
_SECTION_END = ("Comments:", "Files:")


@dataclass(frozen=True)
class Submitter:
    """Who handed a file in, and when, as an LMS download names it.

    Attributes:
        lms: ``canvas``, ``moodle`` or ``blackboard``.
        student: The student as the LMS names them (``doejane``, ``Jane Doe``, ``jdoe``).
        user_id: The LMS's id or username for the student.
        submitted_at: ISO 8601 time of the submission, when the name holds it.
        late: Canvas marked the submission late.
        attempt: Blackboard's attempt key (folder and name up to the time), to find the receipt.
    """

    lms: str
    student: str
    user_id: str | None = None
    submitted_at: str | None = None
    late: bool = False
    attempt: str | None = None


@dataclass(frozen=True)
class Receipt:
    """What a Blackboard receipt says: the student's full name and any text typed in."""

    student: str | None
    user_id: str | None
    submitted_at: str | None
    text: str | None


def submitter(path: str) -> Submitter | None:
    """Recognise the LMS name of a file, given its posix path inside a download.

    The file name is tried first, then its folders from the nearest out (Moodle's folder
    per submission).
    """
    folder, name = posixpath.split(path)
    canvas = _CANVAS.fullmatch(name)
    if canvas:
        return Submitter(
            "canvas", canvas["student"], canvas["user"], late=canvas["late"] is not None
        )
    blackboard = _BLACKBOARD.fullmatch(name)
    if blackboard:
        return Submitter(
            "blackboard",
            blackboard["user"],
            blackboard["user"],
            submitted_at=iso_timestamp(blackboard["time"]),
            attempt=posixpath.join(folder, blackboard["attempt"]),
        )
    for part in [name, *reversed(folder.split("/"))]:
        moodle = _MOODLE.fullmatch(part)
        if moodle:
            return Submitter("moodle", moodle["student"].strip(), moodle["user"])
    return None


def is_receipt_name(path: str) -> bool:
    """Whether ``path`` is named like a Blackboard receipt (``..._attempt_<time>.txt``)."""
    match = _BLACKBOARD.fullmatch(posixpath.basename(path))
    return match is not None and match["rest"] == ".txt"


def receipt_key(path: str) -> str:
    """The attempt key of a receipt: its folder and name without ``.txt``."""
    return path.removesuffix(".txt")


def parse_receipt(text: str) -> Receipt | None:
    """Read a Blackboard receipt, or return ``None`` if ``text`` is not one.

    A receipt starts with a ``Name:`` line and has ``Date Submitted:`` or
    ``Submission Field:`` lines; the submission text runs from the line after
    ``Submission Field:`` to ``Comments:`` or ``Files:``.
    """
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first.startswith("Name:") or not any(
        line.startswith(("Date Submitted:", "Submission Field:")) for line in lines
    ):
        return None
    name = _NAME_LINE.fullmatch(first)
    student = name["name"] if name and name["name"] else None
    submitted = next(
        (line.partition(":")[2].strip() for line in lines if line.startswith("Date Submitted:")),
        None,
    )
    body: list[str] | None = None
    for line in lines:
        if body is None:
            if line.startswith("Submission Field:"):
                body = [line.partition(":")[2]]
        elif line.startswith(_SECTION_END):
            break
        else:
            body.append(line)
    typed = "\n".join(body).strip() if body else ""
    return Receipt(
        student=student,
        user_id=name["user"] if name else None,
        submitted_at=iso_timestamp(submitted),
        text=typed if typed and typed != _NO_TEXT else None,
    )
