"""The ``overlap review`` commands a report shows for a finding, quoted for a POSIX shell.

A report names its folder and the corpus store as the scan was given them, so the commands
run from the folder the scan ran in. Each path is one shell word whatever it holds (spaces,
quotes, ``$(...)``, a leading dash): it is quoted with :func:`shlex.quote`.
"""

from __future__ import annotations

import shlex
from pathlib import PurePath

from overlap.model import Finding, Verdict, printable_path
from overlap.review.decisions import Action

#: Stands for the report folder when the writer of a report did not say where it is.
REPORT_PLACEHOLDER = "REPORT"
#: The corpus store a scan reads when none is given (``--corpus`` of ``overlap scan``).
STORE_PLACEHOLDER = "corpus/store"
#: Stands for the note, which the person writes: a reason a colleague can read later.
NOTE_PLACEHOLDER = "…"

#: What can be done about a finding, by its standing decision (None: undecided).
_NEXT: dict[Verdict | None, tuple[Action, ...]] = {
    None: (Action.DISMISS, Action.CONFIRM),
    Verdict.DISMISSED: (Action.CONFIRM, Action.REOPEN),
    Verdict.CONFIRMED: (Action.DISMISS, Action.REOPEN),
}


def review_paths(report: str | None, store: str | None) -> tuple[str, str]:
    """The report folder and the store as a command names them, placeholders where unknown."""
    return (
        printable_path(report) if report else REPORT_PLACEHOLDER,
        printable_path(store) if store else STORE_PLACEHOLDER,
    )


def review_command(action: Action, finding_id: str, report: str | None, store: str | None) -> str:
    """One ``overlap review`` command line for a finding.

    Args:
        action: ``dismiss``, ``confirm`` or ``reopen``.
        finding_id: The finding's id.
        report: The report folder as the scan was given it; None when unknown.
        store: The corpus store the scan read, as given; None when unknown.

    Returns:
        The line, each value quoted for a POSIX shell; dismiss and confirm end with
        ``--note "…"`` for the person to fill in (the command requires a note).
    """
    if action not in (Action.DISMISS, Action.CONFIRM, Action.REOPEN):
        raise ValueError(f"not a review command for a finding: {action}")
    folder, corpus = review_paths(report, store)
    words = ["overlap", "review", action.value, finding_id, "--report", folder, "--corpus", corpus]
    line = " ".join(shlex.quote(w) for w in words)
    return f'{line} --note "{NOTE_PLACEHOLDER}"' if action is not Action.REOPEN else line


def review_commands(f: Finding, report: str | None, store: str | None) -> list[tuple[Action, str]]:
    """The commands that change a finding's standing decision, the most likely first.

    Undecided: dismiss, confirm. Dismissed: confirm, reopen. Confirmed: dismiss, reopen.
    """
    verdict = f.decision.decision if f.decision else None
    return [(a, review_command(a, f.id, report, store)) for a in _NEXT[verdict]]


def run_where(report: str | None, store: str | None) -> bool:
    """Whether the commands name a relative path, so must run where the scan ran."""
    folder, corpus = review_paths(report, store)
    return not (PurePath(folder).is_absolute() and PurePath(corpus).is_absolute())
