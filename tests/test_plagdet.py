"""PAN's plagdet measure: hand-computed cases, edge cases as PAN's perfmeasures.py defines them."""

from __future__ import annotations

import math

import pytest

from overlap.eval.plagdet import (
    Annotation,
    covered_share,
    evaluate,
    granularity,
    macro_precision,
    macro_recall,
    overlaps,
    plagdet_score,
)


def ann(
    this_offset: int,
    this_length: int,
    source_offset: int,
    source_length: int,
    susp: str = "s1",
    source: str = "r1",
) -> Annotation:
    return Annotation(susp, this_offset, this_length, source, source_offset, source_length)


CASE = ann(0, 100, 0, 100)


@pytest.mark.parametrize(
    ("precision", "recall", "gran", "expected"),
    [
        (1.0, 1.0, 1.0, 1.0),
        (1.0, 1.0, 2.0, 0.63093),  # 1 / log2(3)
        (1.0, 0.5, 1.0, 0.66667),  # F1 of 1 and 0.5
        (0.5, 1.0, 1.0, 0.66667),
        (0.75, 0.25, 2.0, 0.23660),  # 0.375 / log2(3)
        (0.0, 0.0, 1.0, 0.0),
        (0.0, 1.0, 1.0, 0.0),
    ],
)
def test_plagdet_score(precision: float, recall: float, gran: float, expected: float) -> None:
    assert plagdet_score(precision, recall, gran) == pytest.approx(expected, abs=5e-6)


def test_granularity_below_one_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"granularity must be >= 1, got 0\.5"):
        plagdet_score(1, 1, 0.5)


@pytest.mark.parametrize(
    ("detections", "precision", "recall", "gran"),
    [
        ([CASE], 1.0, 1.0, 1.0),
        # Two detections halve the case between them: all characters found, granularity 2.
        ([ann(0, 50, 0, 50), ann(50, 50, 50, 50)], 1.0, 1.0, 2.0),
        # Half the case on both sides.
        ([ann(0, 50, 0, 50)], 1.0, 0.5, 1.0),
        # All of the suspicious side, half of the source side: (100 + 50) / 200.
        ([ann(0, 100, 50, 50)], 1.0, 0.75, 1.0),
        # A detection four times the case: 200 of its 800 characters are in the case.
        ([ann(0, 400, 0, 400)], 0.25, 1.0, 1.0),
        # Overlap on the suspicious side only does not count.
        ([ann(0, 100, 200, 100)], 0.0, 0.0, 1.0),
        # Another document pair does not count.
        ([ann(0, 100, 0, 100, source="r2")], 0.0, 0.0, 1.0),
        # One true and one false detection: precision (1 + 0) / 2.
        ([CASE, ann(500, 100, 500, 100)], 0.5, 1.0, 1.0),
        # Overlapping detections are united before counting: [0,60) and [40,100).
        ([ann(0, 60, 0, 60), ann(40, 60, 40, 60)], 1.0, 1.0, 2.0),
    ],
)
def test_hand_computed_cases(
    detections: list[Annotation], precision: float, recall: float, gran: float
) -> None:
    f = evaluate([CASE], detections)
    assert (f.precision, f.recall, f.granularity) == pytest.approx((precision, recall, gran))
    assert f.plagdet == pytest.approx(plagdet_score(precision, recall, gran))


def test_the_two_anchor_figures() -> None:
    split = evaluate([CASE], [ann(0, 50, 0, 50), ann(50, 50, 50, 50)])
    assert split.plagdet == pytest.approx(0.63093, abs=5e-6)
    half = evaluate([CASE], [ann(0, 50, 0, 50)])
    assert half.plagdet == pytest.approx(2 / 3)


def test_macro_averages_are_over_cases_and_detections() -> None:
    other = ann(0, 100, 0, 100, susp="s2", source="r2")
    # Recall: the first case fully found, the second not at all.
    assert macro_recall([CASE, other], [CASE]) == 0.5
    # Precision: the one detection lies inside a case.
    assert macro_precision([CASE, other], [CASE]) == 1.0
    # PAN's own unit test: detections [50,150) and [25,100) of a case [0,100).
    case = ann(0, 100, 0, 100, susp="t2", source="s2")
    dets = [ann(50, 100, 50, 100, susp="t2", source="s2"), ann(25, 75, 25, 75, "t2", "s2")]
    assert macro_precision([case], dets) == 0.75
    assert macro_recall([case], [dets[0]]) == 0.5
    assert macro_recall([case], [dets[1]]) == 0.75


def test_granularity_counts_detected_cases_only() -> None:
    second = ann(1000, 100, 1000, 100)
    dets = [ann(0, 50, 0, 50), ann(50, 50, 50, 50), ann(1000, 100, 1000, 100)]
    assert granularity([CASE, second], dets) == 1.5
    assert granularity([CASE, ann(5000, 10, 5000, 10)], dets[:1]) == 1.0


@pytest.mark.parametrize(
    ("cases", "detections", "precision", "recall", "gran", "score"),
    [
        # As in PAN's perfmeasures.py (macro_avg_recall, granularity): nothing to find and
        # nothing found is perfect; detections without cases, or cases without detections,
        # score 0 on both; granularity is 1 when nothing is detected.
        ([], [], 1.0, 1.0, 1.0, 1.0),
        ([], [CASE], 0.0, 0.0, 1.0, 0.0),
        ([CASE], [], 0.0, 0.0, 1.0, 0.0),
    ],
)
def test_empty_sets(
    cases: list[Annotation],
    detections: list[Annotation],
    precision: float,
    recall: float,
    gran: float,
    score: float,
) -> None:
    f = evaluate(cases, detections)
    assert (f.precision, f.recall, f.granularity, f.plagdet) == (precision, recall, gran, score)


def test_duplicate_annotations_count_once() -> None:
    f = evaluate([CASE, CASE], [ann(0, 50, 0, 50), ann(0, 50, 0, 50)])
    assert (f.cases, f.detections, f.granularity, f.recall) == (1, 1, 1.0, 0.5)


def test_overlap_needs_both_sides() -> None:
    assert overlaps(CASE, ann(99, 5, 99, 5))
    assert not overlaps(CASE, ann(100, 5, 50, 5))  # touching is not overlapping
    assert not overlaps(CASE, ann(50, 5, 100, 5))
    assert not overlaps(CASE, ann(0, 0, 0, 100))  # empty range
    assert covered_share(ann(0, 0, 0, 0), [CASE]) == 0.0


def test_negative_offsets_are_named() -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        evaluate([ann(-1, 10, 0, 10)], [])


def test_plagdet_is_f1_over_log_granularity() -> None:
    f = evaluate([CASE], [ann(0, 50, 0, 50), ann(50, 30, 50, 30), ann(300, 10, 300, 10)])
    f1 = 2 * f.precision * f.recall / (f.precision + f.recall)
    assert f.plagdet == pytest.approx(f1 / math.log2(1 + f.granularity))
    assert (f.precision, f.recall, f.granularity) == pytest.approx((2 / 3, 0.8, 2.0))
