"""The linear tiers as objectives over a part's columns (leximin lives in fairness.py)."""

from __future__ import annotations

import numpy as np

from placement_planner.domain import Tier
from placement_planner.solver.fixing import hold_fair_fills
from placement_planner.solver.highs_part import HighsPart
from placement_planner.solver.tier_solve import multiples_snap, whole


# The tiers after leximin hold the fair fills within its exact hold, rounded to whole learners
# (fixing.hold_fair_fills): valid for every plan that keeps the leximin rows, a tighter LP.
HOLD_FAIR = True


def _after_leximin(hp: HighsPart) -> None:
    if HOLD_FAIR:
        hold_fair_fills(hp)


def placed_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """1. Weighted learners placed (maximised).

    In a part with journeys whose first plan already places every learner of every group
    (every weight above 0), that plan reaches the "everyone placed" bound, so the tier is
    proven without an LP: the demand rows are held full for the tiers after it, which is the
    same as keeping tier 1 at its optimum, and the tier is skipped."""
    hp.step = Tier.PLACED.value               # the engines of engine.PER_STEP for this tier
    w = hp.model.weight
    if hp.model.journeys and _everyone_placed(hp):
        n_d = hp.model.rows.n_demand
        hp.set_row_bounds(np.arange(n_d), hp.row_up[:n_d], hp.row_up[:n_d])
        return np.zeros(hp.n_cols), True, None
    return _pad(hp, w), True, multiples_snap(w, True)


def _everyone_placed(hp: HighsPart) -> bool:
    m = hp.model
    n_d = m.rows.n_demand
    if not n_d or np.any(m.weight <= 0):
        return False
    placed = np.bincount(m.rows.row[:hp.n_x], weights=hp.values[:hp.n_x], minlength=n_d)
    return bool(np.all(placed >= hp.row_up[:n_d] - 1e-6))


def keep_previous_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """3. Learners kept at the same (demand, site, pool, start week) as the previous plan.

    kept[v] <= x[v] and kept[v] <= previous[v]; the columns are added on first use.
    """
    _after_leximin(hp)
    hp.step = Tier.KEEP_PREVIOUS.value
    if not hasattr(hp, "kept_cols"):
        prev = hp.model.previous
        at = np.flatnonzero(prev > 0)
        hp.kept_cols = hp.add_cols(np.zeros(len(at)), prev[at].astype(float))
        hp.kept_at = at
        n = len(at)
        hp.add_rows(np.repeat(np.arange(n), 2), np.stack([hp.kept_cols, at], 1).ravel(),
                    np.tile([1.0, -1.0], n), np.full(n, -np.inf), np.zeros(n))
        hp.values[hp.kept_cols] = np.minimum(hp.values[at], prev[at])
    cost = np.zeros(hp.n_cols)
    cost[hp.kept_cols] = 1.0
    return cost, True, whole(True)


def preferred_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """4. Learners placed at one of their preferred sites (maximised)."""
    _after_leximin(hp)
    # one-week (network) parts are their own step: there the held-fill LP decides the tier
    hp.step = "preferred_network" if hp.network else Tier.PREFERRED.value
    return _pad(hp, hp.model.preferred.astype(float)), True, whole(True)


def travel_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """5. Learner-kilometres (minimised)."""
    _after_leximin(hp)
    hp.step = Tier.TRAVEL.value
    return _pad(hp, hp.model.km), False, None


def variety_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """v2: a site repeated within one learner's journey (minimised).

    Per journey class j (learners y_j = x of its first row) and site s that two of its rows
    can reach: r_js >= sum_(rows of j) x(at s) - y_j, r_js >= 0, minimised. sum r is a lower
    bound on the repeats of any split into learners' paths (a learner without a repeat visits
    s at most once); readback splits the learners to meet it where it can (see
    solver/journeys.py). The columns are added on first use. Without journeys in the part
    there is nothing to count, and the tier is skipped."""
    _after_leximin(hp)
    hp.step = Tier.VARIETY.value
    v = hp.model.variety
    if v is None:
        return np.zeros(hp.n_cols), False, whole(False)
    if not hasattr(hp, "variety_cols"):
        y = hp.add_cols(np.zeros(v.n_classes), np.full(v.n_classes, np.inf))
        r = hp.add_cols(np.zeros(len(v.site_class)), np.full(len(v.site_class), np.inf))
        n_y, n_r = v.n_classes, len(v.site_class)
        # y_j - sum x(first row of j) = 0
        hp.add_rows(np.r_[np.arange(n_y), v.base_class], np.r_[y, v.base_col],
                    np.r_[np.ones(n_y), -np.ones(len(v.base_col))], np.zeros(n_y), np.zeros(n_y))
        # r_js + y_j - sum x(at s) >= 0
        hp.add_rows(np.r_[np.arange(n_r), np.arange(n_r), v.entry_row],
                    np.r_[r, y[v.site_class], v.entry_col],
                    np.r_[np.ones(2 * n_r), -np.ones(len(v.entry_col))],
                    np.zeros(n_r), np.full(n_r, np.inf))
        x = hp.values
        x[y] = np.bincount(v.base_class, weights=x[v.base_col], minlength=n_y)
        at = np.bincount(v.entry_row, weights=x[v.entry_col], minlength=n_r)
        x[r] = np.maximum(0.0, at - x[y][v.site_class])
        hp.variety_cols = r
        if not np.any(x[r] > 1e-9):
            # the first plan repeats no site: 0 is the least there is, so the tier is proven
            # without an LP; r is held at 0 for the tiers after it (the tier is skipped)
            hp.set_col_bounds(r, np.zeros(n_r), np.zeros(n_r))
            return np.zeros(hp.n_cols), False, whole(False)
    cost = np.zeros(hp.n_cols)
    cost[hp.variety_cols] = 1.0
    return cost, False, whole(False)


OBJECTIVES = {Tier.PLACED: placed_objective, Tier.KEEP_PREVIOUS: keep_previous_objective,
              Tier.PREFERRED: preferred_objective, Tier.VARIETY: variety_objective,
              Tier.TRAVEL: travel_objective}


def _pad(hp: HighsPart, per_x: np.ndarray) -> np.ndarray:
    cost = np.zeros(hp.n_cols)
    cost[:hp.n_x] = per_x
    return cost
