"""The frame of every report page: head with its security policy, styles, header and footer."""

from __future__ import annotations

from datetime import UTC, datetime

from overlap.report.html.markup import attrs, content_security_policy, esc
from overlap.report.html.style import CSS


def when(iso: str | None) -> str:
    """An ISO 8601 time as ``2025-02-03 10:14`` (``UTC`` added when it is UTC); else as given."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    shown = moment.strftime("%Y-%m-%d %H:%M")
    return f"{shown} UTC" if moment.utcoffset() is not None and moment.tzinfo == UTC else shown


def span(start: object, end: object) -> str:
    """A character range as ``120\u2013342`` (an en dash)."""
    return f"{start}\u2013{end}"


def percent(share: float) -> str:
    """A share of words as a whole percentage; below 1% but above 0 shows as ``<1%``."""
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def bar(share: float, width: int = 64) -> str:
    """A small horizontal bar for a share in [0, 1], drawn as inline SVG (no style attributes)."""
    filled = round(max(0.0, min(share, 1.0)) * width)
    return (
        f'<svg class="bar"{attrs(width=width, height=8, viewBox=f"0 0 {width} 8")} '
        'aria-hidden="true" focusable="false">'
        f'<rect class="track"{attrs(width=width, height=8, rx=2)}/>'
        f'<rect class="fill"{attrs(width=filled, height=8, rx=2)}/></svg>'
    )


def page(
    title: str,
    body: str,
    *,
    generated_at: str,
    script: str | None = None,
    style: str = CSS,
    footer: str | None = None,
) -> str:
    """A whole HTML document.

    Args:
        title: The page title, plain text (escaped here).
        body: The content of ``<main>``, already HTML.
        generated_at: When the scan ran, for the footer.
        script: Inline script for the end of the body, or None for a page with no script.
        style: The page's stylesheet: the report's, or the overview's (which adds its
            pictures' and filter's; the other pages need not carry them).
        footer: The footer's content, already HTML; by default, when the scan ran and what
            the offsets point into.

    Returns:
        The document. Its policy allows exactly this page's style and script, by hash.
    """
    policy = content_security_policy(style, script)
    tail = f"<script>{script}</script>" if script is not None else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy"{attrs(content=policy)}>\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n"
        f"<footer>{footer if footer is not None else _footer(generated_at)}</footer>\n"
        f"</main>\n{tail}\n</body>\n</html>\n"
    )


def _footer(generated_at: str) -> str:
    return (
        f"Written by <b>overlap</b> from the scan of {esc(when(generated_at))}. "
        "Every passage is an exact, verified alignment; offsets are character positions in "
        'the extracted texts (<span class="path">texts/</span>). This page loads nothing from '
        "the network."
    )
