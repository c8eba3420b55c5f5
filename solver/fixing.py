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
    kept = getattr(hp, "kept_row", None)
    hp.kept_row = None
    if kept is not None and kept[1] == maximise and np.array_equal(kept[2], cols) and \
            np.array_equal(kept[3], cost[cols]):
        # the same objective's row is in the model already (preferred_travel.preferred_by_travel):
        # its sides are set, not a second row added (a parallel row made a region-like part's
        # wide travel MIP 0.48 -> 1.32 s)
        hp.set_row_bounds([kept[0]], [lo], [hi])
        return
    hp.add_rows(np.zeros(len(cols), np.int64), cols, cost[cols], [lo], [hi])


def hold_fair_fills(hp: HighsPart) -> bool:
    """Hold the fair groups' fill columns, for the tiers after leximin, within the exact hold
    (``hp.fair_hold`` = (phi, lower, upper, exact), fairness._fair_hold) rounded to whole
    learners; True when it is held (once per part; later calls do nothing).

    Only an *exact* hold is kept: then every plan that keeps the leximin rows has its fills
    within [lower, upper] (the forced bottom groups at their fills, every other group at or
    above the kept rounds' last fill), so the hold removes no plan of the later tiers. A fill
    is p/q (p whole, q the learners the group requested), so the bounds may be rounded in:
    ceil(lower q)/q and floor(upper q)/q. The LP is then tighter: a group above the bottom
    must have whole learners above f_kept, not a fraction (region, a 16,735-option part: the
    travel LP 16,298.09 -> 16,309.41 against an optimum of 16,316.16). A hold that is not exact
    (the incumbent's fills, a restriction) is never kept: it could cut off better plans."""
    hold = hp.fair_hold
    if hold is None or not hold[3]:
        return False
    if getattr(hp, "fair_held", False):
        return True
    phi, lo, up, _ = hold
    req = hp.model.fair_requested.astype(float)
    lo_w = np.ceil(np.asarray(lo) * req - 1e-7) / req
    up_w = np.floor(np.asarray(up) * req + 1e-7) / req
    fill = hp.values[phi]
    if np.any(lo_w > up_w) or np.any(fill < lo_w - 1e-9) or np.any(fill > up_w + 1e-9):
        return False       # the incumbent keeps the leximin rows, so this is never expected
    hp.set_col_bounds(phi, lo_w, up_w)
    hp.fair_held = True
    return True


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
