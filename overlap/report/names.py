"""The names a report gives submissions, the same in the HTML pages, the terminal and the tables.

A submission is named by its student when the metadata gives one, else by its path relative
to the folder every submission of the scan lies in: ``students/student_0400.txt``, not
``/home/ana/week7/students/student_0400.txt``. A student with several submissions in the
batch is named with the path too, so that no two submissions share a name.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable

from overlap.model import SubmissionSummary

#: Where a path's folder ends: a slash (either way round) or ``!`` before an archive member.
_BOUNDARY = re.compile(r"[/\\!]")
#: A folder that says nothing: the root of a POSIX file system or of a Windows drive.
_ROOT = re.compile(r"[/\\]|[A-Za-z]:[/\\]?")


def _folder(path: str) -> str:
    """The folder part of ``path`` with its trailing separator (``""`` for a bare name)."""
    ends = [m.end() for m in _BOUNDARY.finditer(path)]
    return path[: ends[-1]] if ends else ""


def common_folder(paths: Iterable[str]) -> str:
    r"""The folder every path lies in, with its trailing separator; ``""`` when there is none.

    Folders end at ``/``, ``\\`` or an archive's ``!``, so the paths ``batch.zip!a.txt`` and
    ``batch.zip!b.txt`` lie in ``batch.zip!``. A common folder that is only the root of the
    file system is none: paths that share nothing else are shown as given.
    """
    folders = [_folder(p) for p in paths]
    if not folders:
        return ""
    # character by character, then cut back to the last folder boundary
    common = _folder(os.path.commonprefix(folders))  # noqa: RUF071
    return "" if _ROOT.fullmatch(common) else common


def relative_names(paths: Iterable[str]) -> dict[str, str]:
    """Each path relative to the folder all of them lie in (:func:`common_folder`)."""
    paths = list(paths)
    folder = common_folder(paths)
    return {p: p[len(folder) :] or p for p in paths}


def submission_names(submissions: Iterable[SubmissionSummary]) -> dict[str, str]:
    """A name for each submission (by id) that a person recognises, unique in the batch.

    The student when known and no other submission of the batch has the same student; a
    student with several submissions as ``Ana Ruiz (week7/essay.docx)``; else the path
    relative to the folder every submission lies in.
    """
    subs = list(submissions)
    relative = relative_names(s.path for s in subs)
    students = Counter(s.student.strip() for s in subs if s.student and s.student.strip())
    names = {}
    for s in subs:
        student = (s.student or "").strip()
        if not student:
            names[s.id] = relative[s.path]
        elif students[student] > 1:
            names[s.id] = f"{student} ({relative[s.path]})"
        else:
            names[s.id] = student
    return names
