"""Word-level differences between a passage and the text it matches, shown as HTML.

Words are compared on their normalised forms (case, look-alike letters and invisible
characters folded, as the aligner compares them) and shown as the original text, so what a
reader sees is what the student wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from overlap.report.html.characters import disguises, show
from overlap.report.html.markup import esc
from overlap.text.tokens import tokenise

#: The label of words only in the submission's passage.
MINE_ONLY = "only in this submission"


class Side(StrEnum):
    """Where a run of words is found."""

    SHARED = "shared"
    MINE = "mine"
    THEIRS = "theirs"


@dataclass(frozen=True)
class WordRun:
    """A run of words: ``[start, end)`` in the passage (``THEIRS``: in the other text).

    ``at`` is where the run stands in the passage: its start, or for words only in the other
    text the start of the passage word they stand before (the passage's end if none follows).
    """

    side: Side
    start: int
    end: int
    at: int


@dataclass(frozen=True)
class WordDiff:
    """The runs of a passage and the other text in reading order, with word counts."""

    runs: tuple[WordRun, ...]
    #: Words in both, in the same order.
    shared: int
    #: Words of the passage in place of as many words of the other text.
    changed: int
    #: Words only in the passage, beyond those changed.
    inserted: int
    #: Words only in the other text, beyond those changed.
    dropped: int

    @property
    def words(self) -> int:
        """Words of the passage."""
        return self.shared + self.changed + self.inserted


def word_diff(mine: str, theirs: str) -> WordDiff:
    """Compare two passages word by word.

    Args:
        mine: The submission's passage.
        theirs: The passage it matches in a source, a prior post or another submission.

    Returns:
        The runs of shared words, words only in ``mine`` and words only in ``theirs``, with
        offsets into their own text.
    """
    a, b = tokenise(theirs), tokenise(mine)
    matcher = SequenceMatcher(None, a.norms, b.norms, autojunk=False)
    runs: list[WordRun] = []
    counts = {"shared": 0, "changed": 0, "inserted": 0, "dropped": 0}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            counts["shared"] += j2 - j1
        else:
            counts["changed"] += min(i2 - i1, j2 - j1)
            counts["inserted"] += max(0, (j2 - j1) - (i2 - i1))
            counts["dropped"] += max(0, (i2 - i1) - (j2 - j1))
        if i2 > i1 and tag != "equal":
            at = int(b.starts[j1]) if j1 < len(b) else len(mine)
            runs.append(WordRun(Side.THEIRS, *a.span(i1, i2 - 1), at=at))
        if j2 > j1:
            start, end = b.span(j1, j2 - 1)
            runs.append(WordRun(Side.SHARED if tag == "equal" else Side.MINE, start, end, start))
    return WordDiff(tuple(runs), **counts)


def _marked(tag: str, label: str, words: str) -> str:
    """Words in ``<ins>`` or ``<del>``, with a bracketed label only screen readers hear."""
    hidden = f'<span class="vh">[{esc(label)}: </span>'
    return f'<{tag}>{hidden}{words}<span class="vh">]</span></{tag}>'


def diff_html(mine: str, theirs: str, diff: WordDiff, *, other: str) -> str:
    """The passage as HTML with the other text's words woven in where they differ.

    Words only in the passage are ``<ins>``, words only in the other text ``<del>``, each
    with a visually hidden label (``only in this submission:``) for screen readers and
    plain-text copies; shared words are plain. Every string is escaped, and disguising
    characters are made visible as in the rest of the report.

    Args:
        mine: The submission's passage.
        theirs: The other passage.
        diff: ``word_diff(mine, theirs)``.
        other: What the other text is, for the labels: ``the source``.
    """
    marks, theirs_marks = disguises(mine), disguises(theirs)
    out, pos = [], 0
    for run in diff.runs:
        out.append(show(mine, pos, run.at, marks))
        pos = run.at
        if run.side is Side.THEIRS:
            words = _marked(
                "del", f"only in {other}", show(theirs, run.start, run.end, theirs_marks)
            )
            out.append(f" {words}" if run.at == len(mine) else f"{words} ")
            continue
        words = show(mine, run.start, run.end, marks)
        out.append(words if run.side is Side.SHARED else _marked("ins", MINE_ONLY, words))
        pos = run.end
    out.append(show(mine, pos, len(mine), marks))
    return "".join(out)
