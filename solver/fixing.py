"""Fixing a part's finished tiers and locks as rows of its model (HighsPart delegates here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from placement_planner.solver.tier_solve import whole

if TYPE_CHECKING:
    from placement_planner.solver.highs_part import HighsPart


def keep_at_least(hp: HighsPart, cost: np.ndarray, value: float, maximise: bool,
                  exact: bool = False) -> None:
    """Fix a finished tier: its objective may not get worse than ``value``. ``exact``: the
    tier's values lie on a grid (a snap), so the row keeps the value itself (to rounding
    noise). A slack of 1e-6 |value| there let the next tiers' LPs shave off a fraction
    of a learner (region, 5,114 placed: 0.005 learner), which made their vertices
    fractional (105 fractional columns in the travel LP against 42 without)."""
    cols = np.flatnonzero(cost)
    slack = (1e-9 if exact else 1e-6) * max(1.0, abs(value))
    lo, hi = (value - slack, np.inf) if maximise else (-np.inf, value + slack)
    hp.add_rows(np.zeros(len(cols), np.int64), cols, cost[cols], [lo], [hi])


def keep_locked(hp: HighsPart, deadline: float) -> bool:
    """A first plan that keeps every Locked row (so even a stopped solve keeps them);
    False when the locked rows cannot all be kept."""
    needed = hp.model.rows.lower > 0
    if not needed.any():
        return True
    r = hp.model.rows
    cols = np.unique(r.col[needed[r.row]])
    keep = np.zeros(hp.n_cols, dtype=bool)
    keep[cols] = True
    status, _ = hp._restricted_mip(np.zeros(hp.n_cols), True, keep, deadline, None,
                                     whole(True), step="locks")
    hp._activate(cols)
    return status != "infeasible"
