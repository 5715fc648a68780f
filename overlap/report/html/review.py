"""A card's review part: the standing decision in words, the finding's id and the commands.

The commands are text a person can select without script; the page's script adds a Copy
button beside each (hidden until it does, so a page without script shows no dead button).
"""

from __future__ import annotations

from overlap.model import Finding
from overlap.report.commands import NOTE_PLACEHOLDER, review_commands, run_where
from overlap.report.html.markup import attrs, css_class, esc
from overlap.report.html.page import when
from overlap.report.html.site import Site
from overlap.review.decisions import Action

_VERBS = {Action.DISMISS: "Dismiss", Action.CONFIRM: "Confirm", Action.REOPEN: "Reopen"}
#: Said on the button to screen readers, after its visible word.
_WHAT = {
    Action.DISMISS: "to dismiss",
    Action.CONFIRM: "to confirm",
    Action.REOPEN: "to reopen",
}


def decision_line(f: Finding) -> str:
    """``Dismissed by Ana Ruiz on 2025-02-10 09:14 UTC: quoted in the set reading``, or ``""``."""
    d = f.decision
    if d is None:
        return ""
    by = f' by <span class="who">{esc(d.by)}</span>' if d.by else ""
    at = f" on {esc(when(d.at))}" if d.at else ""
    note = f": {esc(d.note)}" if d.note else ""
    verdict = d.decision.value
    return (
        f"<p{attrs(class_=f'decision {css_class(verdict)}')}>"
        f"<b>{esc(verdict.capitalize())}</b>{by}{at}{note}</p>"
    )


def _command(action: Action, line: str, number: int) -> str:
    """One command: what it does, the line as selectable text, its (hidden) Copy button."""
    code = f"f{number}-{action.value}"
    label = f"Copy the command {_WHAT[action]} finding {number}"
    return (
        f'<div class="cmd"><span class="cmd-what">{esc(_VERBS[action])}</span>'
        f"<code{attrs(id=code, class_='line')}>{esc(line)}</code>"
        f'<button type="button" class="copy"{attrs(data_copy=code, aria_label=label)} hidden>'
        'Copy</button><span class="copied" role="status"></span></div>'
    )


def review_section(f: Finding, number: int, site: Site) -> str:
    """The end of a card: the finding's id and the ``overlap review`` commands for it.

    Args:
        f: The finding.
        number: Its number on its page (each command's element id holds it).
        site: The report's shared names: the report folder, and the store the scan read.
    """
    report, store = site.report, site.result.store
    commands = "".join(_command(a, line, number) for a, line in review_commands(f, report, store))
    where = " Run them in the folder the scan ran in." if run_where(report, store) else ""
    return (
        f'<section class="review" aria-label="Review finding {number}"><h4>Review</h4>'
        f'<p class="fid">Finding id <code class="id">{esc(f.id)}</code></p>{commands}'
        f'<p class="hint">Write why in place of {esc(NOTE_PLACEHOLDER)}; add '
        f"<code>--by NAME</code> to say who decided.{esc(where)}</p></section>"
    )
