"""The path for very large parts: PDLP (OR-Tools, in process) for the bound, LP-guided rounding
and greedy fill for the plan. Checked on random instances against the reference model."""

from __future__ import annotations

import numpy as np
import pytest

from feasibility import check_plan, random_instance, reference_placed
from placement_planner.domain import Tier
from placement_planner.solver import SolveOptions, solve


@pytest.mark.parametrize("seed", range(300, 306))
def test_pdlp_path_gives_a_valid_bound_and_a_feasible_plan(seed, monkeypatch):
    import placement_planner.solver.run as run
    monkeypatch.setattr(run, "PDLP_MIN_COLUMNS", 1)      # every part takes the large-part path
    used = []
    real = run.pdlp_solution
    monkeypatch.setattr(run, "pdlp_solution", lambda *a, **k: used.append(real(*a, **k)) or used[-1])
    data = random_instance(seed, n_sites=12, n_demand=30, n_weeks=20)
    plan = solve(data, SolveOptions(time_limit_s=60, tiers=(Tier.PLACED,)))
    check_plan(data, plan)
    best = reference_placed(data)
    assert used and all(r is not None for r in used), "PDLP did not return a solution"
    assert plan.tier_values["placed"] <= best + 1e-6
    assert plan.bound >= best - 1e-6            # a bound may never cut off the true optimum
    assert plan.gap == pytest.approx((plan.bound - plan.tier_values["placed"]) / plan.bound)


def test_lagrangian_bound_is_valid_for_any_prices():
    """Any row prices give an upper bound on the LP, hence on every plan (random prices)."""
    from placement_planner.solver.highs_part import HighsPart
    from placement_planner.solver.problem import build_problem
    from placement_planner.solver.model import build_part

    data = random_instance(7, n_sites=8, n_demand=15, n_weeks=12)
    problem = build_problem(data)
    part = build_part(problem, np.arange(len(problem.g)))
    hp = HighsPart(part)
    best = reference_placed(data)
    rng = np.random.default_rng(0)
    for _ in range(20):
        y = rng.normal(0, 2, hp.n_rows)
        assert hp.lagrangian_bound(part.weight.astype(float), y, True) >= best - 1e-6


def test_lp_guided_rounding_never_breaks_a_row():
    from scipy.sparse import random as sparse_random
    from placement_planner.solver.lp_bound import lp_guided_plan

    rng = np.random.default_rng(1)
    a = (sparse_random(40, 200, density=0.05, random_state=2) > 0).astype(float).tocsc()
    up = rng.integers(0, 6, 40).astype(float)
    x_lp = rng.uniform(0, 4, 200)
    for round_from in (1.0, 0.35):
        x = lp_guided_plan(a, up, np.full(200, 5.0), x_lp, np.zeros(200), round_from)
        assert np.all(a @ x <= up + 1e-9) and np.all(x == np.round(x))
        assert np.all(x <= np.floor(x_lp + 1.0 - round_from) + 1e-9)


def test_pdlp_in_process_solves_a_small_lp(monkeypatch):
    """PDLP in the solver's process (no child may start): x within bounds, duals for every row."""
    import subprocess
    from scipy.sparse import random as sparse_random

    def no_child(*a, **k):
        raise AssertionError("the solver started a child process")
    monkeypatch.setattr(subprocess, "Popen", no_child)
    from placement_planner.solver.lp_bound import pdlp_solution

    a = (sparse_random(50, 300, density=0.05, random_state=1) > 0).astype(float).tocsc()
    result = pdlp_solution(a, np.full(50, -np.inf), np.full(50, 3.0), np.full(300, 2.0), np.ones(300), 5.0)
    assert result is not None
    x, y = result
    assert x.shape == (300,) and y.shape == (50,)
    assert np.all(x >= -1e-6) and np.all(x <= 2 + 1e-6) and np.all(a @ x <= 3 + 1e-3)



@pytest.mark.parametrize("seed", [7, 8, 9])
def test_lagrangian_bound_with_demand_rows_kept_is_valid_and_never_weaker(seed):
    """Keeping the demand rows (a knapsack per group) gives a valid bound for any prices of
    the other rows, never above the bound that prices every row."""
    from placement_planner.solver.bound import lagrangian_bound
    from placement_planner.solver.highs_part import HighsPart
    from placement_planner.solver.model import build_part
    from placement_planner.solver.problem import build_problem

    data = random_instance(seed, n_sites=8, n_demand=15, n_weeks=12)
    problem = build_problem(data)
    part = build_part(problem, np.arange(len(problem.g)))
    hp = HighsPart(part)
    best = reference_placed(data)
    a, w = hp.matrix(), part.weight.astype(float)
    rng = np.random.default_rng(seed)
    kept_won = 0
    for _ in range(20):
        y = np.abs(rng.normal(0, 2, hp.n_rows))
        args = (a, hp.row_lo, hp.row_up, hp.col_lo, hp.col_up, w, y, True)
        priced, kept = lagrangian_bound(*args), lagrangian_bound(*args, part.rows.n_demand)
        assert kept >= best - 1e-6
        assert kept <= priced + 1e-9
        kept_won += kept < priced - 1e-6
    assert kept_won > 0              # keeping the demand rows does tighten some bounds
