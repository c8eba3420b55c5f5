"""The linear tiers as objectives over a part's columns (leximin lives in fairness.py)."""

from __future__ import annotations

import numpy as np

from placement_planner.domain import Tier
from placement_planner.solver.highs_part import HighsPart, multiples_snap, whole


def placed_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """1. Weighted learners placed (maximised)."""
    w = hp.model.weight
    return _pad(hp, w), True, multiples_snap(w, True)


def keep_previous_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """3. Learners kept at the same (demand, site, pool, start week) as the previous plan.

    kept[v] <= x[v] and kept[v] <= previous[v]; the columns are added on first use.
    """
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
    return _pad(hp, hp.model.preferred.astype(float)), True, whole(True)


def travel_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """5. Learner-kilometres (minimised)."""
    return _pad(hp, hp.model.km), False, None


def variety_objective(hp: HighsPart) -> tuple[np.ndarray, bool, object]:
    """v2: a site repeated within one learner's journey (minimised). Without journeys in the
    part there is nothing to count, and the tier is skipped."""
    return np.zeros(hp.n_cols), False, whole(False)


OBJECTIVES = {Tier.PLACED: placed_objective, Tier.KEEP_PREVIOUS: keep_previous_objective,
              Tier.PREFERRED: preferred_objective, Tier.VARIETY: variety_objective,
              Tier.TRAVEL: travel_objective}


def _pad(hp: HighsPart, per_x: np.ndarray) -> np.ndarray:
    cost = np.zeros(hp.n_cols)
    cost[:hp.n_x] = per_x
    return cost
