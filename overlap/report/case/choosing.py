"""Which submission of a report a case file is about: by id, unique id prefix, or path."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from overlap.errors import InputError
from overlap.model import SubmissionSummary

#: The fewest hexadecimal digits a prefix of an id must give.
MIN_PREFIX = 6
_HEX = re.compile(r"[0-9a-f]+")


def _where(report: Path) -> str:
    return (
        f"the report's submissions are listed in {report / 'submissions.csv'} and "
        f"{report / 'index.html'} (ids and paths as {report / 'findings.json'} names them)"
    )


def choose_submission(
    submissions: Sequence[SubmissionSummary], given: str, report: Path
) -> SubmissionSummary:
    """The one submission ``given`` names: its id, its path, or a unique id prefix.

    Args:
        submissions: The report's submissions.
        given: An id, a path exactly as findings.json names it, or the first
            :data:`MIN_PREFIX` or more hexadecimal digits of an id.
        report: The report folder, named in errors.

    Raises:
        InputError: ``given`` names no submission, or more than one; the message says where
            the report lists them.
    """
    exact = [s for s in submissions if given in (s.id, s.path)]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        ids = ", ".join(s.id for s in exact)
        raise InputError(
            f"{given!r} names {len(exact)} submissions of {report} ({ids}): give the id"
        )
    digits = given.lower()
    if len(digits) >= MIN_PREFIX and _HEX.fullmatch(digits):
        started = [s for s in submissions if s.id.startswith(digits)]
        if len(started) == 1:
            return started[0]
        if len(started) > 1:
            ids = ", ".join(s.id for s in started[:5]) + (", ..." if len(started) > 5 else "")
            raise InputError(
                f"{given!r} is the start of {len(started)} submission ids of {report} ({ids}): "
                "give more digits"
            )
    short = f" (an id prefix needs {MIN_PREFIX} or more hexadecimal digits)"
    hint = short if _HEX.fullmatch(digits) and len(digits) < MIN_PREFIX else ""
    raise InputError(f"no submission {given!r} in {report}{hint}: {_where(report)}")
