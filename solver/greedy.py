"""A quick whole-number first plan for a part: most constrained groups first, each placed
where the most places stay free.

It gives every part a good incumbent in well under a second, so a solve stopped by its
time limit (or by the user) still returns a near-full plan, and the exact MIP starts from
it. Only adds learners to the given plan, so locked rows it keeps stay kept.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.sparse import csc_matrix


def greedy_fill(a: csc_matrix, row_upper: np.ndarray, n_demand: int, ub: np.ndarray,
                weight: np.ndarray, km: np.ndarray, x0: np.ndarray,
                deadline: float = float("inf")) -> np.ndarray:
    """Add learners to ``x0`` (columns 0..len(ub)-1) while every row stays within its upper.

    ``a`` has the demand rows first (row d < n_demand is group d's "at most learners" row);
    the other rows a column touches are capacity (and lock) rows.
    """
    n = len(ub)
    a = a.tocsc()
    if a.shape[1] != n:
        a = a[:, :n].tocsc()
    x = np.array(x0[:n], dtype=float)
    resid = row_upper - a @ x
    resid[~np.isfinite(resid)] = np.inf
    demand_of = _demand_row(a, n_demand)
    # Columns grouped by demand row; groups ordered by weight (desc), then fewest options.
    order = np.lexsort((km, demand_of))
    a = a[:, order]
    demand_sorted = demand_of[order]
    starts = np.flatnonzero(np.r_[True, demand_sorted[1:] != demand_sorted[:-1]])
    ends = np.r_[starts[1:], n]
    g_weight = weight[order][starts]
    g_count = ends - starts
    ub_sorted = ub[order]
    ones = a.data == 1.0
    for i, gi in enumerate(np.lexsort((g_count, -g_weight))):
        if i % 256 == 255 and time.perf_counter() > deadline:
            break                       # the time limit: the plan so far keeps every row
        s, e = starts[gi], ends[gi]
        d = demand_sorted[s]
        if resid[d] < 1:
            continue
        lo, hi = a.indptr[s], a.indptr[e]
        rows = a.indices[lo:hi]
        vals = None if ones[lo:hi].all() else a.data[lo:hi]   # x / 1.0 is x: skip it
        col_starts = a.indptr[s:e] - lo
        cols = order[s:e]
        left = ub_sorted[s:e] - x[cols]
        while resid[d] >= 1:
            room = np.minimum.reduceat(resid[rows] if vals is None else resid[rows] / vals,
                                       col_starts)
            np.minimum(room, left, out=room)
            best = int(np.argmax(room))            # first = nearest among equals (km order)
            add = np.floor(min(room[best], resid[d]) + 1e-9)
            if add < 1:
                break
            x[cols[best]] += add
            left[best] -= add
            cs, ce = a.indptr[s + best], a.indptr[s + best + 1]
            resid[a.indices[cs:ce]] -= add * a.data[cs:ce]
    out = np.array(x0, dtype=float)
    out[:n] = x
    return out


def _demand_row(a: csc_matrix, n_demand: int) -> np.ndarray:
    """The demand row of each column (each column has exactly one)."""
    mine = a.indices < n_demand
    at = np.flatnonzero(mine)
    demand_of = np.full(a.shape[1], -1, dtype=np.int64)
    demand_of[np.searchsorted(a.indptr, at, side="right") - 1] = a.indices[at]
    return demand_of
