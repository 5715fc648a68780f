from pathlib import Path

import pytest

from tests.fuzzcases import SUFFIXES, case
from tests.fuzzing import readable_members, run_fuzz


def test_cases_are_reproducible_and_cover_every_format() -> None:
    cases = [case(3, n) for n in range(2 * len(SUFFIXES))]
    assert [c.data for c in cases] == [case(3, n).data for n in range(2 * len(SUFFIXES))]
    assert {c.suffix for c in cases} == set(SUFFIXES)
    assert any(len(c.recipe) > 1 for c in cases)  # mutated
    assert any(len(c.recipe) == 1 for c in cases)  # as generated


@pytest.mark.slow
def test_fuzz_scan_small(tmp_path: Path) -> None:
    """200 cases (make fuzz runs 10,000): read or named in errors; no traceback, no stray file."""
    report = run_fuzz(200, seed=20, batch=50, subprocess_every=100, save=tmp_path / "failed")
    print(f"\n{report.summary()}")
    assert report.cases == 200 and report.subprocess_batches == 2
    assert report.outcomes["read"] > 50 and report.outcomes["error"] > 20
    assert report.outcomes["with findings"] > 0
    assert report.failures == []


@pytest.mark.parametrize(
    ("members", "count"),
    [
        ({"a.txt": "x", "b.png": "x"}, 1),
        ({"__MACOSX/._a.txt": "x", ".hidden.docx": "x", "metadata.csv": "path\n"}, 0),
        ({}, 0),
    ],
)
def test_readable_members(members: dict[str, str], count: int) -> None:
    from tests.docmakers import zip_bytes

    assert readable_members(zip_bytes(members)) == count
    assert readable_members(b"not a zip") == -1
