"""Minimum-cost assignment (the Hungarian method), so the tracker needs no SciPy.

Kuhn–Munkres with row and column potentials, O(n²·m) for n ≤ m; the matrices here are faces × tracks, a handful
of rows, so plain Python with NumPy rows is fast enough.
"""

from __future__ import annotations

import numpy as np


def linear_assignment(cost: np.ndarray) -> list[tuple[int, int]]:
    """(row, column) pairs of a minimum-cost matching of ``cost`` [N, M]; min(N, M) pairs, sorted by row."""
    cost = np.asarray(cost, dtype=np.float64)
    if cost.ndim != 2 or 0 in cost.shape:
        return []
    if cost.shape[0] > cost.shape[1]:
        return sorted((row, col) for col, row in _assign_rows(cost.T))
    return sorted(_assign_rows(cost))


def _assign_rows(cost: np.ndarray) -> list[tuple[int, int]]:
    """Every row of ``cost`` [n, m] (n ≤ m) matched to a distinct column, total cost minimal.

    Columns are 1-based inside (column 0 is a virtual start); ``owner[j]`` is the row holding column j.
    """
    n, m = cost.shape
    row_pot, col_pot = np.zeros(n + 1), np.zeros(m + 1)
    owner = np.zeros(m + 1, dtype=np.int64)
    for row in range(1, n + 1):
        owner[0], col = row, 0
        slack = np.full(m + 1, np.inf)
        previous = np.zeros(m + 1, dtype=np.int64)
        used = np.zeros(m + 1, dtype=bool)
        while owner[col] != 0:
            used[col] = True
            current = owner[col]
            reduced = cost[current - 1] - row_pot[current] - col_pot[1:]
            better = ~used[1:] & (reduced < slack[1:])
            slack[1:][better] = reduced[better]
            previous[1:][better] = col
            free = np.flatnonzero(~used[1:]) + 1
            nxt = int(free[np.argmin(slack[free])])
            delta = slack[nxt]
            row_pot[owner[used]] += delta
            col_pot[used] -= delta
            slack[~used] -= delta
            col = nxt
        while col != 0:  # flip the augmenting path back to the virtual start
            prev = previous[col]
            owner[col] = owner[prev]
            col = prev
    return [(int(owner[col]) - 1, col - 1) for col in range(1, m + 1) if owner[col] != 0]
