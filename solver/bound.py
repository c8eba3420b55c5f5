"""Proven bounds on a part's objective from any row prices (Lagrangian)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csc_matrix


def lagrangian_bound(a: csc_matrix, row_lo, row_up, col_lo, col_up, cost: np.ndarray,
                     y: np.ndarray, maximise: bool) -> float:
    """A bound on the objective over ALL columns from any row prices ``y``.

    For max c.x with lo <= Ax <= up and cl <= x <= cu:
    c.x = (c - A'y).x + y.(Ax) <= sum_j max(rc_j cu_j, rc_j cl_j) + sum_r max(y_r up_r, y_r lo_r).
    Valid for every y (prices on an infinite side are dropped), so the duals of a restricted
    LP, or an approximate PDLP answer, bound the full LP and so every plan.
    """
    sign = 1.0 if maximise else -1.0
    c = sign * cost
    up_ok, lo_ok = np.isfinite(row_up), np.isfinite(row_lo)
    bounds = []
    for prices in (np.asarray(y, dtype=float), -np.asarray(y, dtype=float)):  # either sign convention
        prices = np.where((prices > 0) & ~up_ok, 0.0, np.where((prices < 0) & ~lo_ok, 0.0, prices))
        rc = c - a.T @ prices
        rows = np.where(prices > 0, prices * np.where(up_ok, row_up, 0.0),
                        prices * np.where(lo_ok, row_lo, 0.0))
        with np.errstate(invalid="ignore"):
            cols = np.where(rc > 0, rc * col_up, np.where(rc < 0, rc * col_lo, 0.0))
        bounds.append(float(rows.sum() + cols.sum()))
    return sign * min(bounds)
