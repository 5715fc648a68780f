"""Compiled loops run where no cache can be written, compiled in memory."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import pytest

from overlap.compiled import compiled


def _total(values: Any) -> Any:
    out = 0
    for v in values:
        out += v
    return out


def test_without_a_writable_cache_a_loop_is_compiled_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = numba.njit
    asked: list[bool] = []

    def njit(*args: Any, **options: Any) -> Any:
        if args:  # numba's own uses while compiling
            return real(*args, **options)
        asked.append(bool(options.get("cache")))
        if options.get("cache"):  # what numba raises when no cache folder can be written
            raise RuntimeError("cannot cache function '_total': no locator available")
        return real(**options)

    monkeypatch.setattr(numba, "njit", njit)
    total = compiled(_total)
    assert asked == [True, False]
    assert total(np.arange(10)) == 45
    assert type(total._cache).__name__ == "NullCache"  # compiled, not cached


def test_a_loop_is_cached_where_it_can_be() -> None:
    total = compiled(_total)
    assert total(np.arange(5)) == 10
    assert type(total._cache).__name__ == "FunctionCache"  # cached to disk
