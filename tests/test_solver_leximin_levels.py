"""Leximin rounds settled by level (solver/fairness.py: ``_level_proof``, an assignment LP
that lists no bottom case, and ``_level_block``, one MIP for a whole level of tied groups):
the same optimum as a brute-force enumeration on random tiny cases with many groups of the
same size and groups that cannot be placed at all, with the bottom-case listing cut off so
the level proofs must carry the rounds; the level steps really run and settle rounds; and
groups at 0 are proven unplaceable and left out of the fair share."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from feasibility import assert_leximin_optimal, brute_force_leximin, sorted_fills
from placement_planner.build import build_planning_data
from placement_planner.domain import PlanStatus, Tier
from placement_planner.solver import SolveOptions, fairness, solve

MON = dt.date(2025, 9, 1)
TIERS = (Tier.PLACED, Tier.FAIR_SHARE)


def _monday(week: int) -> dt.date:
    return MON + dt.timedelta(weeks=week)


def tied_instance(seed: int, n_demand: int = 5, far: int = 1, size: int = 0):
    """Two sites, ``n_demand`` rows each from its own university (so each row is a fair
    group), all asking for the same number of learners (``size``, else 1 or 2), stays of 1-2 weeks (not a
    flow network when a stay is 2 weeks), tight places; the first ``far`` rows live 500 km
    from every site with a 20 km limit, so they cannot be placed at all."""
    rng = np.random.default_rng(seed)
    size = size or int(rng.integers(1, 3))
    sites = [dict(site_id=f"S{s}", provider="P", ics="I", region="R",
                  latitude=52.0 + 0.1 * s, longitude=-1.0) for s in range(2)]
    capacity = []
    for s in range(2):
        a = int(rng.integers(0, 2))
        capacity.append(dict(site_id=f"S{s}", profession="Adult Nursing",
                             start_date=_monday(a), end_date=_monday(a + int(rng.integers(1, 4))),
                             places=int(rng.integers(1, 4))))
    demand = []
    for i in range(n_demand):
        away = i < far
        demand.append(dict(
            demand_id=f"D{i}", hei=f"U{i}", profession="Adult Nursing", learners=size,
            start_date=_monday(int(rng.integers(0, 2))), weeks=int(rng.integers(1, 3)),
            flex_weeks=int(rng.choice([0, 1])),
            latitude=56.5 if away else 52.0 + 0.1 * int(rng.integers(0, 2)), longitude=-1.0,
            max_travel_km=20.0 if away else 100.0))
    return build_planning_data(sites=sites, capacity=capacity, demand=demand)


class _NoFlow:
    @staticmethod
    def build(hp):
        return None


@pytest.fixture(params=["lp", "mip"])
def levels(request, monkeypatch):
    """Counts the rounds the level steps settled, and cuts the bottom-case listing off
    (every round with a kept bottom has "too many" cases), so the level proof replaces the
    rounding proof and the max flows. With "mip" the level proof (an LP) never proves, so
    the level MIP and the round MIPs must carry the rounds."""
    seen = {"proof": 0, "block": 0, "rounds": 0}
    inner_proof, inner_block, inner_cases = (fairness._level_proof, fairness._level_block,
                                             fairness._bottom_cases)

    def proof(hp, phi, req, k, *a, **kw):
        if request.param == "mip":
            return 0, 0.0
        top, slack = inner_proof(hp, phi, req, k, *a, **kw)
        if top >= k:
            seen["proof"] += 1
            seen["rounds"] += top - k + 1
        return top, slack

    def block(hp, phi, req, k, *a, **kw):
        top = inner_block(hp, phi, req, k, *a, **kw)
        if top >= k:
            seen["block"] += 1
            seen["rounds"] += top - k + 1
        return top

    def cases(req, fill, kept, limit=fairness.MAX_BOTTOM_SETS):
        return inner_cases(req, fill, kept, limit) if kept == 0 else None
    monkeypatch.setattr(fairness, "_level_proof", proof)
    monkeypatch.setattr(fairness, "_level_block", block)
    monkeypatch.setattr(fairness, "_bottom_cases", cases)
    monkeypatch.setattr(fairness, "FairFlow", _NoFlow)
    return seen


def assert_brute_force_leximin(data) -> None:
    """The plan is optimal, valid, and has the brute force's placed learners and fills."""
    assert_leximin_optimal(data, solve(data, SolveOptions(time_limit_s=30, tiers=TIERS)))


@pytest.mark.parametrize("seed", range(36))
def test_level_rounds_match_brute_force_with_ties_and_unplaceable_groups(seed, levels):
    data = tied_instance(seed, far=seed % 3)
    assert_brute_force_leximin(data)


@pytest.mark.parametrize("seed", range(24))
def test_many_halves_match_brute_force(seed, levels):
    """Six universities of 2 learners on tight places: up to five groups tied at 1/2."""
    data = tied_instance(200 + seed, n_demand=6, far=0, size=2)
    assert_brute_force_leximin(data)


def test_level_steps_settle_rounds_on_the_tiny_cases(levels):
    """The cases above do go through the level proof (or, with it switched off, the level
    MIP), and blocks of rounds are settled (more rounds than calls)."""
    for seed in range(24):
        solve(tied_instance(200 + seed, n_demand=6, far=0, size=2),
              SolveOptions(time_limit_s=30, tiers=TIERS))
    assert levels["proof"] + levels["block"] >= 10
    assert levels["rounds"] > levels["proof"] + levels["block"]


@pytest.mark.parametrize("seed", range(12))
def test_level_rounds_with_every_step_on_match_brute_force(seed):
    """The same cases with the bottom cases listed and the max flows on (the level steps
    then run only where many groups are tied)."""
    data = tied_instance(100 + seed, n_demand=5, far=seed % 2)
    assert_brute_force_leximin(data)


def test_groups_that_cannot_be_placed_are_proven_and_left_out_of_the_fair_share(levels):
    """Two rows out of reach of every site: the zero level is proven (every plan has them
    at 0), the plan is optimal and its fair share is the smallest fill of the others."""
    data = tied_instance(2, n_demand=5, far=2)
    best_placed, best_fill = brute_force_leximin(data)
    plan = solve(data, SolveOptions(time_limit_s=30, tiers=TIERS))
    assert plan.status is PlanStatus.OPTIMAL
    assert best_fill[:2] == [0.0, 0.0] and best_fill[2] > 0
    assert sorted_fills(data, plan) == pytest.approx(best_fill, abs=1e-9)
    assert plan.tier_values["fair_share"] == pytest.approx(best_fill[2], abs=1e-9)


def test_level_helpers():
    fill = np.array([0.5, 0.5, 0.25, 1.0, 0.5])
    vals, counts = fairness._levels(fill, 4)
    assert vals.tolist() == [0.25, 0.5] and counts.tolist() == [1, 3]
    s = np.sort(fill)
    assert fairness._tied(s, 2, 3)                  # rounds 2, 3, 4 at 0.5
    assert not fairness._tied(s, 2, 4)
    assert fairness._tied(np.array([0.0, 1.0]), 1, 5)      # a zero level is always tried
    assert not fairness._tied(np.array([1.0, 1.0]), 1, 1)  # nothing rises above full
