"""The travel tier's incumbent from the LP vertex (tier_solve._rounded_lp), its restricted MIPs
stopped at the tier's bound (tier_solve._restricted_snap), the wide MIP without a start
(tier_solve.WIDE_TRAVEL) and the LP over every option (travel.ALL_COLUMNS_UPTO): each switched
on and off, the optimum is the independent model's, and nothing is called proven by a
restriction."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from feasibility import check_plan
from lexicographic_reference import assert_agrees, reference_tiers
from placement_planner.build import build_planning_data
from placement_planner.domain import PlanStatus
from placement_planner.solver import SolveOptions, solve, tier_solve, travel
from placement_planner.solver.tier_solve import _restricted_snap, whole


def test_a_grid_snap_is_kept_for_restricted_mips():
    snap = whole(False)
    assert _restricted_snap(snap, 10.0, False) is snap
    assert _restricted_snap(None, 10.0, False) is None


def test_a_tolerance_snap_stops_a_restricted_mip_only_at_the_tier_bound_or_its_optimum():
    snap = travel._tolerance(5e-4)
    assert snap(1000.0) == pytest.approx(1000.5)
    tier_bound = snap(1000.0)            # the tier's LP bound, snapped
    r = _restricted_snap(snap, tier_bound, False)
    # the MIP's own bound 1,010: its plan is proven only at 1,010 itself (its optimum), not at
    # snap(1,010) = 1,010.505, which says nothing about the tier
    assert r(1010.0) == pytest.approx(1010.0)
    # below the tier's bound: the tier's bound (a plan there proves the tier)
    assert r(999.0) == pytest.approx(1000.5)
    up = _restricted_snap(snap, 50.0, True)
    assert up(60.0) == pytest.approx(50.0) and up(40.0) == pytest.approx(40.0)


class Part:
    """A HighsPart over one row x1 + x2 >= 2 (x whole, at most 2 each), cost 1 and 3."""

    def __init__(self, values):
        from scipy.sparse import csc_matrix
        self.n_cols = 2
        self.values = np.asarray(values, float)
        self.col_lo, self.col_up = np.zeros(2), np.full(2, 2.0)
        self.row_lo, self.row_up = np.array([2.0]), np.array([np.inf])
        self.integer = np.ones(2, dtype=bool)
        self.threads, self.step = 1, "travel"
        self._a = csc_matrix(np.array([[1.0, 1.0]]))

    def matrix(self):
        return self._a

    def _rows_hold(self, x):
        act = self._a @ x
        return bool(np.all(act >= self.row_lo - 1e-6))


def test_a_restricted_mip_with_raised_lower_bounds_is_never_a_proof():
    cost = np.array([1.0, 3.0])
    hp = Part([2.0, 0.0])                       # the incumbent is the optimum (2)
    lo = np.array([0.0, 1.0])                   # a restriction: x2 >= 1, best 1 + 3 = 4
    word, optimal = tier_solve.restricted(hp, cost, False, np.ones(2, bool), 1e18, None, None,
                                          lo=lo, hint=False)
    assert (word, optimal) == ("", False)       # finished, proves nothing
    assert np.allclose(hp.values, [2.0, 0.0])   # its worse plan is not taken
    hp = Part([0.0, 2.0])                       # incumbent 6: the restriction's 4 is better
    word, optimal = tier_solve.restricted(hp, cost, False, np.ones(2, bool), 1e18, None, None,
                                          lo=lo, hint=False)
    assert (word, optimal) == ("", False)
    assert np.allclose(hp.values, [1.0, 1.0])


MON = dt.date(2025, 9, 1)
# seeds of tight_instance whose travel LP is fractional, so the rounded incumbent and the wide
# MIP run (checked by test_the_cases_reach_the_rounding_and_the_wide_mip)
TIGHT = [(2, 8), (15, 8), (21, 8), (27, 8), (30, 8), (4, 12), (8, 12), (12, 12)]


def tight_instance(seed: int, n_demand: int, preferred: bool = False) -> object:
    """Few places a week at 4-5 sites, stays of 2-3 weeks with 1-2 weeks' flex: the stays
    overlap in ways the LP splits (an integrality gap in the travel tier). ``preferred``: each
    demand row prefers two of the sites (drawn apart, so the rest is the same case)."""
    rng = np.random.default_rng(seed)
    pick = np.random.default_rng(seed + 1000)
    n_sites, n_weeks = (4, 8) if n_demand <= 8 else (5, 8)
    sites = [dict(site_id=f"S{s}", provider="P", ics="I", region="R",
                  latitude=52 + rng.random() * 0.3, longitude=-1 + rng.random() * 0.3)
             for s in range(n_sites)]
    capacity = [dict(site_id=f"S{s}", profession="Physiotherapy",
                     start_date=MON + dt.timedelta(weeks=int(a)),
                     end_date=MON + dt.timedelta(weeks=int(a + rng.integers(0, 3))),
                     places=int(rng.integers(1, 3)))
                for s in range(n_sites) for a in rng.integers(0, n_weeks - 2, size=3)]
    demand = [dict(demand_id=f"D{i}", hei=f"U{rng.integers(2)}", profession="Physiotherapy",
                   learners=int(rng.integers(1, 3)),
                   start_date=MON + dt.timedelta(weeks=int(rng.integers(1, n_weeks - 3))),
                   weeks=int(rng.integers(2, 4)), flex_weeks=int(rng.integers(1, 3)),
                   latitude=52 + rng.random() * 0.3, longitude=-1 + rng.random() * 0.3)
              for i in range(n_demand)]
    if preferred:
        for d in demand:
            d["preferred_sites"] = ",".join(f"S{s}" for s in pick.choice(n_sites, 2, replace=False))
    return build_planning_data(sites=sites, capacity=capacity, demand=demand, week0=MON)


def test_the_cases_reach_the_rounding_and_the_wide_mip(monkeypatch):
    calls = {"round": 0, "wide": 0}
    real_round, real_restricted = tier_solve._rounded_lp, tier_solve.restricted

    def rounded(*a, **k):
        calls["round"] += 1
        return real_round(*a, **k)

    def restricted(hp, cost, maximise, keep, *a, **k):
        if k.get("hint") is False and k.get("lo") is None:
            calls["wide"] += 1
        return real_restricted(hp, cost, maximise, keep, *a, **k)

    monkeypatch.setattr(tier_solve, "_rounded_lp", rounded)
    monkeypatch.setattr(tier_solve, "restricted", restricted)
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 0.0)
    for seed, n in TIGHT:
        solve(tight_instance(seed, n), SolveOptions(time_limit_s=30))
    assert calls["round"] >= len(TIGHT) and calls["wide"] >= len(TIGHT) - 2


SWITCHES = {"ROUND_LP": (tier_solve, "ROUND_LP"),
            "RESTRICTED": (tier_solve, "RESTRICTED_AT_TIER_BOUND"),
            "WIDE": (tier_solve, "WIDE_TRAVEL"), "ALL": (travel, "ALL_COLUMNS_UPTO")}


@pytest.mark.parametrize("case", TIGHT)
@pytest.mark.parametrize("off", [None, "ROUND_LP", "RESTRICTED", "WIDE", "ALL"])
def test_each_switch_on_and_off_gives_the_reference_travel(monkeypatch, case, off):
    """Every part on the tolerance path (TRAVEL_EXACT_BELOW 0) with a tolerance of 0 (exact):
    the km is the reference's optimum whichever of the switches is off."""
    data = tight_instance(*case)
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 0.0)
    if off is not None:
        monkeypatch.setattr(*SWITCHES[off], 0 if off == "ALL" else False)
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.tier_values["travel"] == pytest.approx(reference_tiers(data)["travel"], rel=1e-6,
                                                       abs=1e-3)


@pytest.mark.parametrize("case", TIGHT)
def test_within_a_tolerance_the_km_is_never_below_the_optimum_nor_above_the_tolerance(
        monkeypatch, case):
    data = tight_instance(*case)
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 2e-2)
    ref = reference_tiers(data)["travel"]
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL
    assert ref - 1e-6 * max(1.0, ref) <= plan.tier_values["travel"] <= ref * (1 + 2e-2) + 1e-6


# seeds of tight_instance(..., preferred=True) whose preferred LP is fractional, so the rounded
# incumbent runs on that tier (checked by test_the_preferred_cases_reach_the_rounding)
PREFERRED = [(17, 8), (33, 8), (42, 8), (2, 12), (8, 12), (30, 12), (45, 12), (58, 12)]


@pytest.mark.parametrize("case", PREFERRED)
@pytest.mark.parametrize("on", [True, False])
def test_the_rounded_incumbent_on_the_preferred_tier_gives_the_reference_tiers(
        monkeypatch, case, on):
    """Rounding the preferred tier's LP vertex (ROUND_LP_PREFERRED) only finds an incumbent:
    on and off, every tier is the independent model's."""
    data = tight_instance(*case, preferred=True)
    monkeypatch.setattr(tier_solve, "ROUND_LP_PREFERRED", on)
    # the preferred tier by its own LP (its shortcut, tested in test_solver_travel_preferred.py,
    # would prove most of these cases before the rounding)
    monkeypatch.setattr(tier_solve, "PREFERRED_BY_TRAVEL", False)
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 0.0)
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert_agrees(data, plan, reference_tiers(data))


def test_the_preferred_cases_reach_the_rounding(monkeypatch):
    steps = []
    real_round = tier_solve._rounded_lp

    def rounded(hp, cost, maximise, *a, **k):
        steps.append(hp.step)
        return real_round(hp, cost, maximise, *a, **k)

    monkeypatch.setattr(tier_solve, "_rounded_lp", rounded)
    for seed, n in PREFERRED:
        solve(tight_instance(seed, n, preferred=True), SolveOptions(time_limit_s=30))
    assert steps.count("preferred") >= len(PREFERRED) - 2
