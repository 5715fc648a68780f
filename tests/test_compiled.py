"""Compiled loops run where no cache can be written, compiled in memory."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from typing import Any

import numba
import numpy as np
import pytest

import overlap.compiled as compiled_module
from overlap.compiled import compiled, ready


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


#: A fresh process that never ran a compiled loop asks whether a pool's workers start with
#: numba's compiler ready (its CPU target's context made).
_WORKERS_STARTED = """
import sys
from overlap.engine.local import LocalEngine

def started(_):
    from numba.core.registry import cpu_target
    return "_toplevel_target_context" in vars(cpu_target)

print("numba" in sys.modules, *LocalEngine(2).map(started, [0, 1, 2, 3]))
"""


def test_forked_workers_start_with_the_compiler_this_process_started() -> None:
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("only forked workers inherit what their parent loaded")
    run = subprocess.run(
        [sys.executable, "-c", _WORKERS_STARTED], capture_output=True, text=True, check=True
    )
    # numba is not loaded before a pool is started, and every worker starts with it ready.
    assert run.stdout.split() == ["False", "True", "True", "True", "True"]


def test_ready_starts_the_compiler_once() -> None:
    from numba.core.registry import cpu_target

    ready()
    assert "_toplevel_target_context" in vars(cpu_target)
    first = list(compiled_module._ready)
    ready()
    assert compiled_module._ready == first
