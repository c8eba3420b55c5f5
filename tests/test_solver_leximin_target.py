"""The target step of a leximin round (solver/fairness.py ``_target_round``: MIPs with no
objective that only have to reach a fill rate p/q, a binary search over the rates the round's
LP bound allows, then the rounding proof): the same optimum as a brute-force enumeration on
random tiny cases with the step on and off, the same sorted fills on and off on bigger random
cases (30 rows: no enumeration), and the step really settles rounds."""

from __future__ import annotations

import pytest

from feasibility import (assert_leximin_optimal, random_instance, record_returns, sorted_fills,
                         tiny_instance)
from placement_planner.domain import PlanStatus, Tier
from placement_planner.solver import SolveOptions, fairness, solve

TIERS = (Tier.PLACED, Tier.FAIR_SHARE)


def _spy(monkeypatch) -> list:
    return record_returns(monkeypatch, fairness, "_target_round")


@pytest.mark.parametrize("on", [True, False])
def test_target_step_on_and_off_matches_brute_force(monkeypatch, on):
    monkeypatch.setattr(fairness, "TARGET", on)
    settled = _spy(monkeypatch)
    for seed in range(120):
        data = tiny_instance(seed)
        assert_leximin_optimal(data, solve(data, SolveOptions(time_limit_s=30, tiers=TIERS)))
    if on:
        assert len(settled) >= 20 and sum(settled) >= 3     # it ran and settled rounds
    else:
        assert settled == []


def test_target_step_gives_the_same_fills_as_the_round_mips(monkeypatch):
    settled = _spy(monkeypatch)
    for seed in range(12):
        data = random_instance(seed, n_demand=30, n_sites=6)
        monkeypatch.setattr(fairness, "TARGET", True)
        with_target = solve(data, SolveOptions(time_limit_s=30, tiers=TIERS))
        monkeypatch.setattr(fairness, "TARGET", False)
        without = solve(data, SolveOptions(time_limit_s=30, tiers=TIERS))
        assert with_target.status is PlanStatus.OPTIMAL and without.status is PlanStatus.OPTIMAL
        assert sorted_fills(data, with_target) == pytest.approx(sorted_fills(data, without),
                                                                abs=1e-12)
    assert sum(settled) >= 2
