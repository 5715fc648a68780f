"""Lines and blank-line paragraphs of a post, as offsets into its original text."""

from __future__ import annotations

from collections.abc import Iterator

#: A line or a run of lines: ``(start, end)`` without the final newline.
Span = tuple[int, int]


def lines(text: str) -> Iterator[Span]:
    """Every line of ``text``, blank ones included, without its newline."""
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def paragraphs(text: str) -> list[list[Span]]:
    """Runs of non-blank lines, each line as ``(start, end)`` without its newline."""
    found: list[list[Span]] = []
    current: list[Span] = []
    for start, end in lines(text):
        if text[start:end].strip():
            current.append((start, end))
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def strip_span(text: str, start: int, end: int) -> Span:
    """Shrink ``[start, end)`` to its first and last non-space characters."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
