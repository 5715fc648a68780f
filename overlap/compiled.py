"""Loops compiled to machine code, for the few places where a scan spends its time in them.

Compiled with numba on first use and cached on disk beside their module (or in numba's
per-user cache directory where that folder cannot be written); where neither can be written
they are compiled in each process that runs them. Modules that hold compiled loops are
imported on demand, so commands that never run them do not load numba.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba


def compiled(function: Callable[..., Any]) -> Any:
    """``function`` compiled (it must use only what numba compiles: numbers and arrays)."""
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # no cache directory can be written: compile in memory
        return numba.njit(nogil=True)(function)
