"""Review decisions as recorded: one row per act of a person (dismiss, confirm, a rule...)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Action(StrEnum):
    """What a recorded decision does."""

    #: Clear a finding: shown as dismissed, counted toward neither similarity nor --fail-on.
    DISMISS = "dismiss"
    #: Uphold a finding.
    CONFIRM = "confirm"
    #: Take back the standing decision about a finding, or lift a rule.
    REOPEN = "reopen"
    #: Never report matches against a source (for some submissions, a term, or all).
    EXCLUDE_SOURCE = "exclude_source"
    #: A passage that is common property of the course: never reported, like the prompt.
    ALLOW_PASSAGE = "allow_passage"


#: The actions that are rules over many findings, each known by its own id.
RULES = frozenset({Action.EXCLUDE_SOURCE, Action.ALLOW_PASSAGE})


@dataclass(frozen=True)
class Decision:
    """One recorded decision.

    Attributes:
        id: This decision's own id (twelve hexadecimal digits); a rule is lifted by it.
        action: What it does.
        target: The finding id it is about (dismiss, confirm, reopen of a finding), or the
            rule id a reopen lifts; None for a rule itself.
        submission: The submission's document id: of the finding decided, or the one
            submission an exclusion is for (None: every submission, or the term's).
        other: The other side's document id (or shared-passage cluster) of the finding
            decided; the source's document id for an exclusion.
        kind: The finding's kind when it was decided.
        path: The submission's path, as its report names it (so that ``corpus remove
            --path`` finds the decision even when the submission was never stored).
        student: The submission's student, likewise for ``corpus remove --student``.
        source_path: The source's stored path, for an exclusion.
        term: The submission's term; for an exclusion, the term it is for (None: every term).
        passage: The text of an allowed passage.
        by: Who decided.
        at: When (ISO 8601, UTC, seconds).
        note: Why, in the person's words.
    """

    id: str
    action: Action
    by: str
    at: str
    note: str
    target: str | None = None
    submission: str | None = None
    other: str | None = None
    kind: str | None = None
    path: str | None = None
    student: str | None = None
    source_path: str | None = None
    term: str | None = None
    passage: str | None = None


def new_decision(action: Action, *, by: str, note: str, **fields: str | None) -> Decision:
    """A decision made now, with a fresh id."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    return Decision(uuid.uuid4().hex[:12], action, by, at, note, **fields)
