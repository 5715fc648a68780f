"""The compiled chaining of runs gives the chains of the Python programme it replaced."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from reference_runs import chain_runs as reference

from overlap.align.passages import chain_runs
from overlap.align.seeds import Run, find_runs


@st.composite
def _runs(draw: st.DrawFn) -> list[Run]:
    """Runs of any lengths on both sides, overlapping, repeated, in any order."""
    count = draw(st.integers(0, 40))
    out = []
    for _ in range(count):
        a = draw(st.integers(0, 60))
        b = draw(st.integers(0, 60))
        out.append(Run(a, a + draw(st.integers(1, 8)), b, b + draw(st.integers(1, 8))))
    if out and draw(st.booleans()):
        out.append(draw(st.sampled_from(out)))
    return out


@settings(max_examples=600, deadline=None)
@given(_runs(), st.integers(0, 6), st.integers(1, 12))
def test_chains_are_the_python_programmes(runs: list[Run], max_gap: int, least: int) -> None:
    assert [tuple(c) for c in chain_runs(runs, max_gap, least)] == reference(runs, max_gap, least)


def test_chains_of_runs_between_texts_are_the_python_programmes() -> None:
    rng = random.Random(11)
    pool = [f"w{i}" for i in range(25)]
    for _ in range(60):
        a = [rng.choice(pool) for _ in range(rng.randint(50, 400))]
        b = [rng.choice(pool) for _ in range(rng.randint(50, 400))]
        runs = find_runs(a, b, 3)
        for gap, least in ((4, 8), (0, 1), (10, 3)):
            chained = [tuple(c) for c in chain_runs(runs, gap, least)]
            assert chained == reference(runs, gap, least)
