"""What the recorded decisions mean for a scan: standing decisions, exclusions, allowed text."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from overlap.model import Document, Finding, FindingDecision, Role, Verdict, document_id
from overlap.review.decisions import RULES, Action, Decision

#: The verdict each deciding action leaves standing.
VERDICTS = {Action.DISMISS: Verdict.DISMISSED, Action.CONFIRM: Verdict.CONFIRMED}


@dataclass(frozen=True)
class Review:
    """The decisions of a store, read for a scan.

    Attributes:
        standing: Per finding id, the decision that stands (the latest, unless reopened since).
        history: Per finding id, every decision about it, oldest first.
        rules: The rules in force (exclusions and allowed passages not lifted), oldest first.
    """

    standing: dict[str, Decision] = field(default_factory=dict)
    history: dict[str, tuple[Decision, ...]] = field(default_factory=dict)
    rules: tuple[Decision, ...] = ()

    @classmethod
    def of(cls, decisions: Sequence[Decision]) -> Review:
        """Read decisions in the order they were made (later ones override earlier ones)."""
        standing: dict[str, Decision] = {}
        history: dict[str, list[Decision]] = {}
        rules: dict[str, Decision] = {}
        for d in decisions:
            if d.action in RULES:
                rules[d.id] = d
            elif d.target is not None and d.target in rules and d.action is Action.REOPEN:
                del rules[d.target]
            elif d.target is not None:
                history.setdefault(d.target, []).append(d)
                if d.action is Action.REOPEN:
                    standing.pop(d.target, None)
                else:
                    standing[d.target] = d
        return cls(standing, {k: tuple(v) for k, v in history.items()}, tuple(rules.values()))

    def decided(self, finding: Finding) -> Finding:
        """The finding with its standing decision (or none)."""
        d = self.standing.get(finding.id)
        made = None if d is None else FindingDecision(VERDICTS[d.action], d.by, d.at, d.note)
        return dataclasses.replace(finding, decision=made)

    def in_force(self) -> list[Decision]:
        """The decisions that stand and the rules in force, in the order they were made."""
        return sorted([*self.standing.values(), *self.rules], key=lambda d: d.at)

    def excludes(self, submission: Document, finding: Finding) -> bool:
        """Whether a rule says never to report this match of this submission."""
        if finding.source is None:
            return False
        for rule in self.rules:
            if rule.action is not Action.EXCLUDE_SOURCE:
                continue
            if finding.source != rule.other and finding.source_path != rule.source_path:
                continue
            if rule.submission is not None and rule.submission != submission.id:
                continue
            if rule.term is not None and rule.term != submission.term:
                continue
            return True
        return False

    def allowed_passages(self) -> tuple[Document, ...]:
        """The allowed passages, as templates a scan never reports (like the prompt)."""
        out = []
        for rule in self.rules:
            if rule.action is Action.ALLOW_PASSAGE and rule.passage:
                path = f"allowed passage {rule.id}"
                out.append(
                    Document(document_id(path, rule.passage), path, Role.EXCLUDE, rule.passage)
                )
        return tuple(out)
