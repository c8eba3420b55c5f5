"""Proven bounds on a part's objective from any row prices (Lagrangian)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csc_matrix


def lagrangian_bound(a: csc_matrix, row_lo, row_up, col_lo, col_up, cost: np.ndarray,
                     y: np.ndarray, maximise: bool, n_demand: int = 0) -> float:
    """A bound on the objective over ALL columns from any row prices ``y``.

    For max c.x with lo <= Ax <= up and cl <= x <= cu:
    c.x = (c - A'y).x + y.(Ax) <= sum_j max(rc_j cu_j, rc_j cl_j) + sum_r max(y_r up_r, y_r lo_r).
    Valid for every y (prices on an infinite side are dropped), so the duals of a restricted
    LP, or an approximate PDLP answer, bound the full LP and so every plan.

    With ``n_demand``, the first rows are demand rows ("a group places at most its learners",
    each placement column in exactly one with coefficient 1): they are also kept as they are
    (not priced), and each group's columns are filled best reduced cost first up to its
    learners (a continuous knapsack, solved exactly). That bound is valid for any prices of the
    other rows, and never weaker than pricing the demand rows with the same prices: on national
    Adult Nursing the restricted LP's duals gave 534,637 priced and far less kept (see
    solver/README.md). The smaller of the two is returned.
    """
    sign = 1.0 if maximise else -1.0
    c = sign * cost
    up_ok, lo_ok = np.isfinite(row_up), np.isfinite(row_lo)
    group = _demand_of(a, row_lo, col_lo, col_up, n_demand) if n_demand else None
    bounds = []
    for prices in (np.asarray(y, dtype=float), -np.asarray(y, dtype=float)):  # either sign convention
        prices = np.where((prices > 0) & ~up_ok, 0.0, np.where((prices < 0) & ~lo_ok, 0.0, prices))
        bounds.append(_priced(a, row_lo, row_up, col_lo, col_up, c, prices, up_ok, lo_ok))
        if group is not None:
            kept = prices.copy()
            kept[:n_demand] = 0.0
            bounds.append(_kept(a, row_lo, row_up, col_lo, col_up, c, kept, up_ok, lo_ok,
                                group, n_demand))
    return sign * min(bounds)


def _priced(a, row_lo, row_up, col_lo, col_up, c, prices, up_ok, lo_ok) -> float:
    rc = c - a.T @ prices
    rows = np.where(prices > 0, prices * np.where(up_ok, row_up, 0.0),
                    prices * np.where(lo_ok, row_lo, 0.0))
    with np.errstate(invalid="ignore"):
        cols = np.where(rc > 0, rc * col_up, np.where(rc < 0, rc * col_lo, 0.0))
    return float(rows.sum() + cols.sum())


def _kept(a, row_lo, row_up, col_lo, col_up, c, prices, up_ok, lo_ok, group, n_demand) -> float:
    """The bound with the demand rows kept: per group, a continuous knapsack."""
    rc = c - a.T @ prices
    rows = np.where(prices > 0, prices * np.where(up_ok, row_up, 0.0),
                    prices * np.where(lo_ok, row_lo, 0.0))
    free = group < 0                         # columns in no demand row: as in _priced
    with np.errstate(invalid="ignore"):
        other = np.where(rc > 0, rc * col_up, np.where(rc < 0, rc * col_lo, 0.0))[free]
    cols = np.flatnonzero(~free)
    g = group[cols]
    base = _dot(rc[cols], col_lo[cols])      # every column at its lower bound first
    room = row_up[:n_demand] - np.bincount(g, weights=col_lo[cols], minlength=n_demand)
    pos = cols[rc[cols] > 0]
    gp = group[pos]
    amount = col_up[pos] - col_lo[pos]
    # A group whose positive columns all fit in its room takes them all; only the others
    # need their columns in reduced-cost order (the sort was most of this bound's time).
    tight = (np.bincount(gp, weights=amount, minlength=n_demand) > room)[gp]
    fits = _dot(rc[pos[~tight]], amount[~tight])
    pos, gp, amount = pos[tight], gp[tight], amount[tight]
    order = np.lexsort((-rc[pos], gp))
    pos, gp, amount = pos[order], gp[order], amount[order]
    cum = np.cumsum(amount)
    start = np.r_[0, np.flatnonzero(gp[1:] != gp[:-1]) + 1]
    before = cum - amount - np.repeat(np.r_[0.0, cum[start[1:] - 1]], np.diff(np.r_[start, len(gp)]))
    take = np.clip(np.minimum(amount, room[gp] - before), 0.0, None)
    return float(rows.sum() + other.sum() + base + fits + _dot(rc[pos], take))


def _dot(x: np.ndarray, y: np.ndarray) -> float:
    """x.y without BLAS: OpenBLAS splits a dot of more than 10,000 entries over threads,
    and on a loaded two-core machine waking them took 3-7 ms a call, against 0.02 ms here."""
    return float(np.multiply(x, y).sum())


def _demand_of(a: csc_matrix, row_lo, col_lo, col_up, n_demand: int):
    """The demand row of each column (-1: none); None when the first rows are not plain
    demand rows (a finite lower side, an entry other than 1, a column in two of them)."""
    if np.any(np.isfinite(row_lo[:n_demand])) or not np.all(np.isfinite(col_up)) or \
            np.any(col_lo < 0):
        return None
    a = a.tocsc()
    mine = a.indices < n_demand
    if np.any(a.data[mine] != 1.0):
        return None
    # demand entries per column, counted from the column pointers (no sort, no COO copy)
    count = np.r_[0, np.cumsum(mine)]
    if np.any(count[a.indptr[1:]] - count[a.indptr[:-1]] > 1):
        return None
    at = np.flatnonzero(mine)
    group = np.full(a.shape[1], -1, dtype=np.int64)
    group[np.searchsorted(a.indptr, at, side="right") - 1] = a.indices[at]
    return group
