r"""Where the words of an ASCII text are, compiled (:mod:`overlap.compiled`).

The same words as ``\w+(?:'\w+)*`` with ASCII ``\w`` finds (:mod:`overlap.text.tokens`):
runs of letters, digits and underscores, joined across single apostrophes that have a word
character on both sides. One pass over the text's bytes instead of a Python call per word.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from overlap.compiled import compiled


def _is_word(c: int) -> bool:
    return (
        (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122) or c == 95  # 0-9 A-Z a-z _
    )


is_word = compiled(_is_word)


def _ascii_spans(data: Any) -> Any:
    """``(starts, ends)`` of the words of ASCII text given as bytes."""
    n = len(data)
    starts = np.empty(n // 2 + 1, np.int64)
    ends = np.empty(n // 2 + 1, np.int64)
    count = 0
    k = 0
    while k < n:
        if not is_word(data[k]):
            k += 1
            continue
        starts[count] = k
        k += 1
        while k < n:
            if is_word(data[k]):
                k += 1
            elif data[k] == 39 and k + 1 < n and is_word(data[k + 1]):  # an inner apostrophe
                k += 2
            else:
                break
        ends[count] = k
        count += 1
    return starts[:count].copy(), ends[:count].copy()


ascii_spans = compiled(_ascii_spans)
