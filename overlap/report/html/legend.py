"""What each finding kind, severity and flag means, in words, and the legend that says so."""

from __future__ import annotations

from overlap.model import SEVERITY_OF, Finding, Kind, Severity
from overlap.report.html.markup import attrs, css_class, esc
from overlap.report.kinds import also_wrong, decided, kind_words

#: Short labels shown in markers, e.g. ``[1 unattributed copy]``.
KIND_LABEL: dict[Kind, str] = {
    Kind.UNATTRIBUTED_COPY: "unattributed copy",
    Kind.MISSING_CITATION: "missing citation",
    Kind.MISSING_QUOTATION_MARKS: "missing quotation marks",
    Kind.MISCITED: "miscited",
    Kind.UNCITED_PARAPHRASE: "uncited paraphrase",
    Kind.PEER_OVERLAP: "peer overlap",
    Kind.PRIOR_OVERLAP: "prior-term overlap",
    Kind.ATTRIBUTED_QUOTE: "attributed quote",
    Kind.ATTRIBUTED_PARAPHRASE: "attributed paraphrase",
    Kind.UNMATCHED_QUOTE: "unmatched quote",
    Kind.COMMON_PHRASING: "common phrasing",
}

#: One sentence per kind, for the legend and tooltips.
KIND_HELP: dict[Kind, str] = {
    Kind.UNATTRIBUTED_COPY: "Copied from a source with neither quotation marks nor a citation.",
    Kind.MISSING_CITATION: "In quotation marks, but no citation names the source.",
    Kind.MISSING_QUOTATION_MARKS: "Copied word for word and cited, but not in quotation marks.",
    Kind.MISCITED: "Quoted or copied with a citation that names another work; marked "
    "“no quotation marks” too when copied without them.",
    Kind.UNCITED_PARAPHRASE: "A source's sentences reworded, with no citation.",
    Kind.PEER_OVERLAP: "Text this submission shares with another student's submission.",
    Kind.PRIOR_OVERLAP: "Text shared with a post from an earlier term.",
    Kind.ATTRIBUTED_QUOTE: "Quoted and cited correctly; shown for information.",
    Kind.ATTRIBUTED_PARAPHRASE: "Reworded and cited; shown for information.",
    Kind.UNMATCHED_QUOTE: "A quotation found in no source of the corpus; check it by hand.",
    Kind.COMMON_PHRASING: "A passage many submissions of this scan share (a stock reply); "
    "not counted toward similarity.",
}

#: The sentences for a miscited passage in quotation marks, and for one outside them.
QUOTED_MISCITED_HELP = "In quotation marks, with a citation that names another work."
UNQUOTED_MISCITED_HELP = (
    "Copied without quotation marks, with a citation that names another work: both need fixing."
)

SEVERITY_HELP: dict[Severity, str] = {
    Severity.HIGH: "solid thick underline",
    Severity.MEDIUM: "dashed underline",
    Severity.LOW: "dotted underline",
    Severity.INFO: "thin wavy underline, for information",
}

FLAG_HELP: dict[str, str] = {
    "homoglyphs": "Letters from other alphabets that look like Latin ones (white on red in "
    "the text).",
    "invisible_characters": "Zero-width characters or soft hyphens inside words (shown as ◆ "
    "in the text).",
    "hidden_text": "Text a reader cannot see: white, tiny or hidden in the original file.",
}


#: What the marks of review decisions mean, and how to make one.
DECISIONS_NOTE = (
    '<p class="note">A finding a person looked at and cleared is marked '
    "<b>— dismissed</b> in its marker (<b>[1 unattributed copy — dismissed]</b>), greyed "
    "and dashed in the text, and says on its card who dismissed it, when and why; it counts "
    "toward neither the similarity nor the numbers of findings, which list it apart. One a "
    "person upheld is marked <b>— confirmed</b> and counts as before."
)
#: How to make a review decision, for pages whose cards show the commands.
COMMANDS_NOTE = (
    " Each card gives the finding's id and the <b>overlap review</b> commands that record a "
    "decision."
)


def diff_key(other: str = "the other text") -> str:
    """What the marks of a word-by-word comparison mean, with a sample of each, as HTML."""
    return (
        f"<ins>Underlined</ins>: only in this submission; <del>struck through</del>: only in "
        f"{esc(other)}; plain: in both."
    )


def colour_class(kind: Kind) -> str:
    """The CSS class that gives a kind's colours (``--bg`` and ``--ac``)."""
    return f"k-{css_class(kind.value)}"


def kind_class(kind: Kind) -> str:
    """CSS classes for a kind: its colour and its severity's underline."""
    return f"{colour_class(kind)} s-{css_class(SEVERITY_OF[kind].value)}"


def kind_label(f: Finding) -> str:
    """A finding's kind in words, with what else is wrong: ``miscited, no quotation marks``."""
    return kind_words(f, KIND_LABEL)


def finding_help(f: Finding) -> str:
    """One sentence saying what a finding's kind means, for this finding."""
    if f.kind is Kind.MISCITED:
        return UNQUOTED_MISCITED_HELP if also_wrong(f) else QUOTED_MISCITED_HELP
    return KIND_HELP[f.kind]


def marker(number: int, f: Finding) -> str:
    """The visible text of a finding's start marker: ``[1 unattributed copy]``.

    A finding a person decided about says so: ``[1 unattributed copy — dismissed]``.
    """
    return f"[{number} {kind_label(f)}{decided(f)}]"


def decision_class(f: Finding) -> str:
    """The CSS class of a finding's standing decision (``dismissed``), or ``""``."""
    return css_class(f.decision.decision.value) if f.decision else ""


def flag_list(flags: tuple[str, ...]) -> str:
    """Document flags as labelled chips with their meaning as a tooltip."""
    return " ".join(
        f"<span{attrs(class_='flag', title=FLAG_HELP.get(f, f))}>{esc(f.replace('_', ' '))}</span>"
        for f in flags
    )


def flag_notes(flags: tuple[str, ...]) -> str:
    """Document flags as a list, each with what it means."""
    items = "".join(f"<li>{flag_list((f,))} {esc(FLAG_HELP.get(f, ''))}</li>" for f in flags)
    return f'<ul class="flag-notes">{items}</ul>'


def legend(kinds: set[Kind] | None = None, *, commands: bool = True) -> str:
    """The legend: one row per kind (sample, severity, meaning), then what the marks mean.

    Args:
        kinds: The kinds to list (those on a page), most severe first; None lists all.
        commands: Whether the page's cards show the review commands (a case file's do not).
    """
    listed = set(Kind) if kinds is None else kinds
    ordered = sorted(listed, key=lambda k: (-SEVERITY_OF[k].rank, list(Kind).index(k)))
    items = []
    for kind in ordered:
        sev = SEVERITY_OF[kind]
        items.append(
            f'<li><span class="hl {kind_class(kind)}">{esc(KIND_LABEL[kind])}</span> '
            f'<span class="sev sev-{css_class(sev.value)}">{esc(sev.value)}</span>'
            f'<span class="what">{esc(KIND_HELP[kind])}</span></li>'
        )
    lines = "; ".join(f"{esc(s.value)}: {esc(h)}" for s, h in SEVERITY_HELP.items())
    return (
        '<section class="legend" aria-label="Legend"><h2>Legend</h2>'
        f'<ul class="legend-list">{"".join(items)}</ul>'
        f'<p class="note">Underlines by severity — {lines}. A passage starts with a marker '
        "such as <b>[1 unattributed copy]</b> and ends with <b>[end 1]</b>; the marker links to "
        "the passage beside its source. Text inside two findings is outlined. On a card the "
        "citation is outlined with dashes, and the work in it that matches the source is "
        "<b>bold and underlined</b>. The card of an "
        f"edited copy or a paraphrase compares it with the other text word by word: {diff_key()}"
        "</p>"
        f"{DECISIONS_NOTE}{COMMANDS_NOTE if commands else ''}</p></section>"
    )
