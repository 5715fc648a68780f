"""Inline SVG elements built as safely as the rest of the page: every value escaped.

The pictures of the overview are drawn by the page's stylesheet through class names (no
``style`` attributes, which the Content-Security-Policy would block); text that came from a
submission, a file name or metadata goes through :func:`~overlap.report.html.markup.esc`
here as everywhere else.
"""

from __future__ import annotations

from overlap.report.html.markup import attrs, esc


def _value(value: object) -> object:
    """Coordinates to a tenth of a unit: enough for a screen, short in the file."""
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    return value


def el(tag: str, body: str | None = None, **values: object) -> str:
    """An element ``tag`` with escaped attributes; ``body`` is markup already (or None).

    Attribute names follow :func:`~overlap.report.html.markup.attrs` (``class_`` gives
    ``class``, ``aria_label`` gives ``aria-label``).
    """
    shown = attrs(**{k: _value(v) for k, v in values.items()})
    return f"<{tag}{shown}/>" if body is None else f"<{tag}{shown}>{body}</{tag}>"


def text(words: str, **values: object) -> str:
    """A ``<text>`` element holding ``words`` as text, escaped."""
    return el("text", esc(words), **values)


def tip(words: str) -> str:
    """A ``<title>`` child: the tooltip of its parent, escaped."""
    return f"<title>{esc(words)}</title>"


def cut(name: str, chars: int) -> str:
    """``name`` in at most ``chars`` characters, cut in the middle (``student_0…0400.txt``).

    Both ends tell names apart: a folder and a file number, a first name and a surname.
    """
    if len(name) <= chars:
        return name
    head = chars // 2
    return f"{name[:head]}…{name[len(name) - (chars - 1 - head) :]}"
