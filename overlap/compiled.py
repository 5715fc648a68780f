"""Loops compiled to machine code, for the few places where a scan spends its time in them.

Compiled with numba on first use and cached on disk beside their module (or in numba's
per-user cache directory where that folder cannot be written); where neither can be written
they are compiled in each process that runs them. Modules that hold compiled loops are
imported on demand, so commands that never run them do not load numba.

A process's first compiled loop costs it about a second even when the loop's machine code is
cached: importing numba, starting its compiler and filling its tables of types. Each further
loop costs milliseconds. :func:`ready` pays that once in a process that is about to fork a
pool, so that the workers start with it rather than each pay it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np


def compiled(function: Callable[..., Any]) -> Any:
    """``function`` compiled (it must use only what numba compiles: numbers and arrays)."""
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # no cache directory can be written: compile in memory
        return numba.njit(nogil=True)(function)


def _first(values: Any) -> Any:
    return len(values)


_ready: list[Any] = []


def ready() -> None:
    """Start numba's compiler in this process, once (see the module's note).

    Processes forked from this one afterwards inherit it, and every loop it has loaded.
    """
    if not _ready:
        first = compiled(_first)
        first(np.zeros(1, dtype=np.int64))
        _ready.append(first)
