"""The sums that Arrow IPC part files record of their columns, and check on every read.

Arrow IPC files carry no checksums of their own. Each part file records one sum a column
(:mod:`overlap.store.parts`), taken over the column's values as they read, not over its
buffers as they lie in memory, so a file written from one layout and read into another
sums the same:

* integers: each value as an unsigned 64-bit number;
* strings and binary values: the offsets of each value from the first, and the bytes, as
  little-endian 64-bit words from the first value's first byte (the last word padded with
  zeros), so that a damaged byte anywhere in a text changes the sum;
* lists: the offsets, and the sum of the values they hold;
* missing values: each one's row (counted from 1).

Columns of large values (a part's texts and word hashes) also record one sum a row
(:func:`row_sums`), so that a read of a few rows checks those rows alone and touches no
other row's bytes.

All sums are modulo 2**64. Integer runs are summed in place by compiled loops
(:mod:`overlap.store.sum_loops`), which spares the copy that widening them first costs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

_WRAP = 1 << 64
#: The row sum of a missing value (an empty one sums to 0).
MISSING = np.uint64(1 << 63)


def column_sum(values: npt.NDArray[Any]) -> int:
    """The sum of a column's values as unsigned 64-bit numbers, modulo 2**64.

    A value changed by damage changes it. Integer columns are summed in place
    (:mod:`overlap.store.sum_loops`).
    """
    if not len(values):
        return 0
    if values.dtype.kind in "iu" and values.dtype.itemsize <= 8:
        from overlap.store.sum_loops import wrapped_sum

        if values.dtype == np.uint64:
            values = values.view(np.int64)  # the same bits; widened to 64 bits as they are
        return int(wrapped_sum(values))
    return int(np.add.reduce(values.astype(np.uint64, copy=False), dtype=np.uint64))


def _one_array(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A column as one array: its only chunk as it is (combining chunks always copies)."""
    if not isinstance(array, pa.ChunkedArray):
        return array
    return array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()


def _bytes_sum(data: pa.Buffer | None, first: int, end: int) -> int:
    """Bytes ``first .. end - 1`` of ``data`` as little-endian 64-bit words, summed."""
    if data is None or end <= first:
        return 0
    raw = np.frombuffer(data, dtype=np.uint8)[first:end]
    whole = len(raw) // 8 * 8
    tail = np.zeros(8, dtype=np.uint8)
    tail[: len(raw) - whole] = raw[whole:]
    words = np.require(raw[:whole], requirements="A").view("<i8")
    return (column_sum(words) + column_sum(tail.view("<i8"))) % _WRAP


def _offsets(array: pa.Array, large: bool) -> npt.NDArray[np.int64]:
    """A variable-width array's ``len(array) + 1`` offsets, as 64-bit numbers."""
    dtype = np.int64 if large else np.int32
    raw = np.frombuffer(array.buffers()[1], dtype=dtype)
    return raw[array.offset : array.offset + len(array) + 1].astype(np.int64, copy=False)


def _missing(array: pa.Array) -> int:
    """The rows (counted from 1) of an array's missing values, summed."""
    if not array.null_count:
        return 0
    rows = np.flatnonzero(array.is_null().to_numpy(zero_copy_only=False)) + 1
    return column_sum(rows.astype(np.int64))


def array_sum(array: pa.Array | pa.ChunkedArray) -> int:
    """The recorded sum of one column (see the module's description).

    Raises:
        TypeError: A column type part files do not hold.
    """
    array = _one_array(array)
    kind = array.type
    total = _missing(array)
    if pa.types.is_dictionary(kind):
        total += array_sum(array.indices) + array_sum(array.dictionary)
    elif pa.types.is_string(kind) or pa.types.is_binary(kind):
        total += _variable_sum(array, large=False)
    elif pa.types.is_large_string(kind) or pa.types.is_large_binary(kind):
        total += _variable_sum(array, large=True)
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        at = _offsets(array, large=pa.types.is_large_list(kind))
        first, end = (int(at[0]), int(at[-1])) if len(at) else (0, 0)
        total += column_sum(at - first) + array_sum(array.values.slice(first, end - first))
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        if array.null_count:
            array = array.fill_null(False if pa.types.is_boolean(kind) else 0)
        total += column_sum(array.to_numpy(zero_copy_only=False))
    else:
        raise TypeError(f"no sum is defined for a column of type {kind}")
    return total % _WRAP


def _variable_sum(array: pa.Array, large: bool) -> int:
    at = _offsets(array, large)
    first, end = (int(at[0]), int(at[-1])) if len(at) else (0, 0)
    return column_sum(at - first) + _bytes_sum(array.buffers()[2], first, end)


def row_sums(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.uint64]:
    """One sum a row of a string or binary column: its length, and its bytes weighed by place.

    See :mod:`overlap.store.sum_loops`; a missing value sums to ``MISSING``.

    Raises:
        TypeError: A column of another type.
    """
    array = _one_array(array)
    kind = array.type
    large = pa.types.is_large_string(kind) or pa.types.is_large_binary(kind)
    if not (large or pa.types.is_string(kind) or pa.types.is_binary(kind)):
        raise TypeError(f"no row sums are defined for a column of type {kind}")
    from overlap.store.sum_loops import row_sums as compiled_row_sums

    at = _offsets(array, large)
    data = array.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    out: npt.NDArray[np.uint64] = compiled_row_sums(raw, np.ascontiguousarray(at))
    if array.null_count:
        out[array.is_null().to_numpy(zero_copy_only=False)] = MISSING
    return out


def table_sums(table: pa.Table) -> dict[str, int]:
    """The recorded sum of each column of ``table``, by name."""
    return {name: array_sum(table.column(name)) for name in table.column_names}
