"""Decide whether styled text is invisible: marked hidden, tiny, or coloured like its background."""

from __future__ import annotations

import re

#: Text set smaller than this (in points) cannot be read on a page.
TINY_POINTS = 4.0
#: Largest difference in any of red, green, blue (0-255) that still reads as the same colour:
#: #F2F2F2 on white is invisible in practice, #D9D9D9 is light grey.
NEAR = 32
WHITE = "FFFFFF"
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")


def hex_colour(value: str | None) -> str | None:
    """``'#ffFFff'`` or ``'FFFFFF'`` -> ``'FFFFFF'``; ``auto``, ``transparent`` -> ``None``."""
    if not value:
        return None
    match = _HEX.fullmatch(value.strip())
    return match.group(1).upper() if match else None


def near(colour: str, background: str) -> bool:
    """Whether two ``RRGGBB`` colours are too close to tell apart."""
    pairs = zip(bytes.fromhex(colour), bytes.fromhex(background), strict=True)
    return max(abs(a - b) for a, b in pairs) <= NEAR


def invisible(
    *,
    vanish: bool = False,
    colour: str | None = None,
    background: str | None = None,
    points: float | None = None,
) -> bool:
    """Whether text with these properties would not be seen on the page.

    Args:
        vanish: The format marks the text hidden.
        colour: Text colour ``RRGGBB``; ``None`` for automatic (always contrasting).
        background: Colour behind the text (shading, else page); ``None`` for white.
        points: Font size in points, if set.
    """
    if vanish or (points is not None and points < TINY_POINTS):
        return True
    return colour is not None and near(colour, background or WHITE)
