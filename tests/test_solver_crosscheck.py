"""The solver's tier-1 optimum equals that of a separate model of the contract (HiGHS via
scipy, every week a row), on many seeded random instances; every plan passes the
independent checker."""

from __future__ import annotations

import pytest

from feasibility import check_plan, random_instance, reference_placed
from placement_planner.domain import PlanStatus, Tier
from placement_planner.solver import SolveOptions, solve


@pytest.mark.parametrize("seed", range(40))
def test_small_instances_match_reference(seed):
    data = random_instance(seed, n_sites=6, n_demand=10, n_weeks=12)
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.tier_values["placed"] == pytest.approx(reference_placed(data), abs=1e-6)
    assert plan.gap == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("seed", range(100, 112))
def test_medium_instances_match_reference(seed):
    data = random_instance(seed, n_sites=25, n_demand=60, n_weeks=26)
    plan = solve(data, SolveOptions(time_limit_s=60, tiers=(Tier.PLACED, Tier.FAIR_SHARE)))
    check_plan(data, plan)
    assert plan.tier_values["placed"] == pytest.approx(reference_placed(data), abs=1e-6)
    assert plan.bound >= plan.tier_values["placed"] - 1e-6


@pytest.mark.parametrize("seed", range(200, 215))
def test_column_generation_matches_reference(seed, monkeypatch):
    """Big parts start their LP from each group's nearest option and price in the rest."""
    import placement_planner.solver.highs_part as highs_part
    monkeypatch.setattr(highs_part, "ALL_COLUMNS_BELOW", 0)
    monkeypatch.setattr(highs_part, "FIRST_PER_GROUP", 1)
    data = random_instance(seed, n_sites=10, n_demand=20, n_weeks=16)
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.tier_values["placed"] == pytest.approx(reference_placed(data), abs=1e-6)
