"""Small array operations the token engine uses in several places."""

from __future__ import annotations

import numpy as np


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``starts[i], starts[i] + 1, ..., starts[i] + counts[i] - 1`` for every ``i``, concatenated (the
    entries of CSR rows ``i``)."""
    total = int(counts.sum())
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)


def order_rows(*columns: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray:
    """The order sorting rows by ``columns``, the first column first (column ``k`` holds integers from 0 to
    ``sizes[k] - 1``): one sort of the columns packed into one integer when they fit in 63 bits, else a lexsort."""
    if sum(max(int(size) - 1, 1).bit_length() for size in sizes) > 63:
        return np.lexsort(columns[::-1])
    packed = np.zeros(columns[0].size, dtype=np.int64)
    for column, size in zip(columns, sizes, strict=True):
        packed = packed * max(int(size), 1) + column
    return np.argsort(packed)


def isin_sorted(values: np.ndarray, sorted_array: np.ndarray) -> np.ndarray:
    """``np.isin`` for a sorted ``sorted_array``, by binary search (``values`` may be unsorted)."""
    if sorted_array.size == 0:
        return np.zeros(values.shape, dtype=bool)
    i = np.minimum(np.searchsorted(sorted_array, values), sorted_array.size - 1)
    return sorted_array[i] == values
