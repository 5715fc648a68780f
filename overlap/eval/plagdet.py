"""PAN's character-level plagdet: macro precision, recall, granularity (Potthast et al., 2010).

The measure follows "An Evaluation Framework for Plagiarism Detection" (COLING 2010). A case
``s`` and a detection ``r`` each mark characters of a suspicious and of a source document;
``s ⊓ r`` is the pair of character sets they share on both sides, and it counts only when they
overlap on both the suspicious *and* the source side. Over the cases ``S`` and detections
``R`` of one evaluated folder (pooled over all its document pairs)::

    prec = 1/|R| · Σ_r |⊔_s (s ⊓ r)| / |r|      rec = 1/|S| · Σ_s |⊔_r (s ⊓ r)| / |s|
    gran = mean over detected cases of |{r : r detects s}|
    plagdet = F1(prec, rec) / log2(1 + gran)

``|x|`` counts characters on both sides (suspicious length plus source length). Empty sets
are handled as PAN's reference implementation does (perfmeasures.py of pan-webis-de/pan-code,
``macro_avg_recall`` and ``granularity``): with neither cases nor detections precision and
recall are 1; with only one of them both are 0; granularity is 1 when nothing is detected.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Annotation(NamedTuple):
    """A marked passage pair: characters of a suspicious document and of a source document.

    Attributes:
        susp: Name of the suspicious document.
        this_offset: First character in the suspicious document.
        this_length: Characters in the suspicious document.
        source: Name of the source document.
        source_offset: First character in the source document.
        source_length: Characters in the source document.
    """

    susp: str
    this_offset: int
    this_length: int
    source: str
    source_offset: int
    source_length: int

    @property
    def size(self) -> int:
        """Characters on both sides."""
        return self.this_length + self.source_length


@dataclass(frozen=True)
class Plagdet:
    """The figures of one evaluation.

    Attributes:
        cases: Distinct plagiarism cases.
        detections: Distinct detections.
        precision: Macro-averaged precision.
        recall: Macro-averaged recall.
        granularity: Mean detections per detected case.
        plagdet: F1 of precision and recall over ``log2(1 + granularity)``.
    """

    cases: int
    detections: int
    precision: float
    recall: float
    granularity: float
    plagdet: float


def _check(annotations: Iterable[Annotation]) -> list[Annotation]:
    """Distinct annotations (PAN reads them into a set), each with sane offsets."""
    out = list(dict.fromkeys(annotations))
    for a in out:
        if min(a.this_offset, a.this_length, a.source_offset, a.source_length) < 0:
            raise ValueError(f"annotation offsets and lengths must be >= 0, got {a}")
    return out


def overlaps(x: Annotation, y: Annotation) -> bool:
    """Return True if ``x`` and ``y`` share characters on both the suspicious and source side."""
    return (
        x.susp == y.susp
        and x.source == y.source
        and y.this_offset < x.this_offset + x.this_length
        and x.this_offset < y.this_offset + y.this_length
        and y.source_offset < x.source_offset + x.source_length
        and x.source_offset < y.source_offset + y.source_length
    )


def _union_inside(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> int:
    """Characters of ``[start, end)`` covered by the union of ``ranges``."""
    covered, reach = 0, start
    for lo, hi in sorted(ranges):
        lo, hi = max(lo, reach), min(hi, end)
        if hi > lo:
            covered += hi - lo
            reach = hi
    return covered


def covered_share(x: Annotation, others: Sequence[Annotation]) -> float:
    """Share of ``x``'s characters (both sides) inside the ``others`` that overlap it."""
    hits = [y for y in others if overlaps(x, y)]
    if not hits or x.size == 0:
        return 0.0
    this = _union_inside(
        x.this_offset,
        x.this_offset + x.this_length,
        ((y.this_offset, y.this_offset + y.this_length) for y in hits),
    )
    source = _union_inside(
        x.source_offset,
        x.source_offset + x.source_length,
        ((y.source_offset, y.source_offset + y.source_length) for y in hits),
    )
    return (this + source) / x.size


def _by_pair(annotations: Iterable[Annotation]) -> dict[tuple[str, str], list[Annotation]]:
    index: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    for a in annotations:
        index[a.susp, a.source].append(a)
    return index


def macro_recall(cases: Iterable[Annotation], detections: Iterable[Annotation]) -> float:
    """Mean over cases of the share of each case's characters that detections cover."""
    cases, detections = _check(cases), _check(detections)
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    index = _by_pair(detections)
    return sum(covered_share(s, index.get((s.susp, s.source), [])) for s in cases) / len(cases)


def macro_precision(cases: Iterable[Annotation], detections: Iterable[Annotation]) -> float:
    """Mean over detections of the share of each detection's characters inside cases."""
    return macro_recall(detections, cases)


def granularity(cases: Iterable[Annotation], detections: Iterable[Annotation]) -> float:
    """Mean number of detections overlapping a case, over the cases that any detection overlaps."""
    cases, detections = _check(cases), _check(detections)
    index = _by_pair(detections)
    counts = [sum(overlaps(s, r) for r in index.get((s.susp, s.source), [])) for s in cases]
    detected = [n for n in counts if n]
    return sum(detected) / len(detected) if detected else 1.0


def plagdet_score(precision: float, recall: float, granularity: float) -> float:
    """F1 of ``precision`` and ``recall`` discounted by ``log2(1 + granularity)``."""
    if granularity < 1:
        raise ValueError(f"granularity must be >= 1, got {granularity}")
    if precision + recall == 0:
        return 0.0
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / math.log2(1 + granularity)


def evaluate(cases: Iterable[Annotation], detections: Iterable[Annotation]) -> Plagdet:
    """Precision, recall, granularity and plagdet of ``detections`` against ``cases``."""
    cases, detections = _check(cases), _check(detections)
    prec = macro_precision(cases, detections)
    rec = macro_recall(cases, detections)
    gran = granularity(cases, detections)
    return Plagdet(len(cases), len(detections), prec, rec, gran, plagdet_score(prec, rec, gran))
