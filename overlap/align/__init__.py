"""Alignment of two texts into verified shared passages with offsets in both."""

from overlap.align.passages import Mode, align

__all__ = ["Mode", "align"]
