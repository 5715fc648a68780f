"""Array helpers the sketches and the scan share."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

G = TypeVar("G", bound=np.generic)


def distinct(values: npt.NDArray[G]) -> npt.NDArray[G]:
    """The distinct values, ascending: ``np.unique(values)``, by one sort.

    NumPy 2.3 and later find the distinct values of a plain ``np.unique`` call by hashing,
    which for millions of 64-bit keys took 40 to 60 times as long as sorting them (3.2 s
    against 0.05 s for 3,000,000); values already in order are not sorted again.
    """
    flat = np.asarray(values).reshape(-1)
    if len(flat) > 1 and not bool(np.all(flat[1:] >= flat[:-1])):
        flat = np.sort(flat)
    fresh = np.ones(len(flat), dtype=np.bool_)
    fresh[1:] = flat[1:] != flat[:-1]
    out: npt.NDArray[G] = flat[fresh]
    return out
