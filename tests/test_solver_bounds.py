"""Bounds are rounded only to values a plan can reach: whole numbers, multiples of the
priorities' common step, fill-rate fractions; never above the bound they round."""

from __future__ import annotations

import math

import numpy as np
import pytest

from placement_planner.solver.fairness import _fraction_snap
from placement_planner.solver.tier_solve import multiples_snap, whole


def test_whole_numbers():
    assert whole(True)(7.9999999) == 8.0          # LP noise just below a whole number
    assert whole(True)(7.6) == 7.0
    assert whole(False)(7.2) == 8.0


def test_fractional_priorities_round_to_their_common_step():
    snap = multiples_snap(np.array([1.0, 1.5, 2.0]), True)
    assert snap(10.74) == pytest.approx(10.5)
    assert snap(10.5) == pytest.approx(10.5)
    assert multiples_snap(np.array([1.0, 0.3]), True)(1.25) == pytest.approx(1.2)
    assert multiples_snap(np.array([1.0, math.sqrt(2)]), True) is None   # no common step


@pytest.mark.parametrize("bound", np.linspace(0.0, 2.0, 41))
def test_fill_rate_snap_is_the_largest_reachable_value_at_or_below(bound):
    req = np.array([3, 4, 7])
    s_prev = 0.5
    got = _fraction_snap(s_prev, req)(s_prev + bound)
    reachable = sorted({p / q for q in req for p in range(q + 1)})
    below = [v for v in reachable if v <= min(bound, 1.0) + 1e-9]
    assert got <= s_prev + bound + 1e-6
    assert got == pytest.approx(s_prev + max(below))
