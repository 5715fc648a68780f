"""A finding's kind in words, with what else is wrong that the kind's name leaves out."""

from __future__ import annotations

from collections.abc import Mapping

from overlap.model import Finding, Kind

#: Said of a copy that stands outside quotation marks when its kind does not say so.
NO_QUOTATION_MARKS = "no quotation marks"


def also_wrong(f: Finding) -> tuple[str, ...]:
    """What else is wrong with a finding's passage, beyond what its kind's name says.

    ``miscited`` says the citation names another work, and is given to a quoted passage and to
    a passage copied without quotation marks alike; the contract tells them apart by ``quote``
    (null when the passage is not in quotation marks). Every other kind's name says it all.
    """
    if f.kind is Kind.MISCITED and f.quote is None:
        return (NO_QUOTATION_MARKS,)
    return ()


def kind_words(f: Finding, names: Mapping[Kind, str] | None = None) -> str:
    """A finding's kind as a reader sees it: ``miscited, no quotation marks``.

    Args:
        f: The finding.
        names: How to name each kind; by default its value in words (``missing citation``).
    """
    name = names[f.kind] if names is not None else f.kind.value.replace("_", " ")
    return ", ".join((name, *also_wrong(f)))


def decided(f: Finding) -> str:
    """What a finding's label adds for its standing decision: `` — dismissed``, or nothing.

    The word itself says it, so the mark reads without colour and to screen readers.
    """
    return f" — {f.decision.decision.value}" if f.decision else ""
