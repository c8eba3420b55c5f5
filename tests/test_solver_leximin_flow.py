"""Leximin rounds by max flow (solver/fair_flow.py) on one-week stays: the same optimum as a
brute-force enumeration and as the independent lexicographic model, locks included; the
flow rounds really run; and a minimum cut never rules out a reachable threshold."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest

from feasibility import assert_leximin_optimal, check_plan, record_returns, sorted_fills
from lexicographic_reference import reference_tiers
from placement_planner.build import build_planning_data
from placement_planner.domain import PlanStatus, Tier
from placement_planner.solver import SolveOptions, fairness, solve
from placement_planner.solver.fair_flow import FairFlow

MON = dt.date(2025, 9, 1)


def _monday(week: int) -> dt.date:
    return MON + dt.timedelta(weeks=week)


def network_instance(seed: int, n_sites: int, n_demand: int, max_learners: int,
                     locks: bool = False, n_weeks: int = 3, learners: int = 0):
    """One-week stays (each option uses one weekly capacity row: a network), equal
    priorities, several universities and two professions; with ``locks``, one learner of two
    rows locked where a plan of the instance without locks put them (so they can be kept),
    which is seldom where the fair share would."""
    rng = np.random.default_rng(seed)
    profs = ["Adult Nursing", "Physiotherapy"]
    sites = [dict(site_id=f"S{s}", provider="P", ics="I", region="R",
                  latitude=52.0 + 0.1 * s, longitude=-1.0) for s in range(n_sites)]
    capacity = []
    for s in range(n_sites):
        for _ in range(int(rng.integers(1, 3))):
            a = int(rng.integers(0, n_weeks))
            capacity.append(dict(site_id=f"S{s}", profession=profs[int(rng.integers(2))],
                                 start_date=_monday(a),
                                 end_date=_monday(a + int(rng.integers(1, n_weeks + 1))),
                                 places=int(rng.integers(1, 5))))
    demand = []
    for i in range(n_demand):
        demand.append(dict(
            demand_id=f"D{i}", hei=f"U{rng.integers(3)}", profession=profs[int(rng.integers(2))],
            learners=learners or int(rng.integers(1, max_learners + 1)),
            start_date=_monday(int(rng.integers(0, n_weeks))), weeks=1,
            flex_weeks=int(rng.choice([0, 0, 1])),
            latitude=52.0 + 0.1 * int(rng.integers(0, n_sites)), longitude=-1.0,
            max_travel_km=float(rng.choice([12.0, 30.0, 100.0]))))
    data = build_planning_data(sites=sites, capacity=capacity, demand=demand)
    if not locks:
        return data
    a = solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PREFERRED,))).allocations
    a = a[a["learners"] > 0].drop_duplicates("demand_id")
    pick = a.iloc[rng.choice(len(a), min(2, len(a)), replace=False)]
    locked = [dict(demand_id=r.demand_id, site_id=r.site_id, learners=1) for r in pick.itertuples()]
    return build_planning_data(sites=sites, capacity=capacity, demand=demand, locked=locked)


@pytest.fixture
def flow_rounds(monkeypatch):
    """Counts the rounds the max flow settled."""
    return record_returns(monkeypatch, fairness, "_flow_round")


@pytest.mark.parametrize("seed", range(40))
def test_flow_rounds_match_brute_force_on_tiny_networks(seed, flow_rounds):
    data = network_instance(seed, n_sites=2, n_demand=4, max_learners=3, n_weeks=2)
    assert_leximin_optimal(data, solve(data, SolveOptions(time_limit_s=30,
                                                          tiers=(Tier.PLACED, Tier.FAIR_SHARE))))


def test_flow_rounds_settle_most_tiny_rounds(flow_rounds):
    """The brute-force cases above do go through the flow rounds (not only the LP path)."""
    for seed in range(40):
        data = network_instance(seed, n_sites=2, n_demand=4, max_learners=3, n_weeks=2)
        solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PLACED, Tier.FAIR_SHARE)))
    assert len(flow_rounds) >= 20 and sum(flow_rounds) >= 0.8 * len(flow_rounds)


@pytest.mark.parametrize("seed", range(30))
def test_groups_of_equal_size_match_brute_force(seed, monkeypatch):
    """Rows of 2 learners: many universities ask for the same number, so the kept fills can
    sit on several groups (more than one bottom case); both the flow rounds and the LP
    rounds must still give the brute-force optimum."""
    data = network_instance(500 + seed, n_sites=2, n_demand=5, max_learners=2, n_weeks=2,
                            learners=2)
    for flow in (True, False):
        with monkeypatch.context() as m:
            if not flow:
                m.setattr(fairness, "FairFlow", _NoFlow)
            plan = solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PLACED, Tier.FAIR_SHARE)))
        assert_leximin_optimal(data, plan)


def test_bottom_cases_give_each_kept_value_to_groups_that_can_take_it():
    req = np.array([83.0, 83.0, 10.0, 7.0])
    fill = np.array([82 / 83, 1.0, 0.5, 1.0])
    one = fairness._bottom_cases(req, fill, 1)          # B = {0.5}: only the group of 10
    assert len(one) == 1 and one[0][0].tolist() == [False, False, True, False]
    two = fairness._bottom_cases(req, fill, 2)          # B = {0.5, 82/83}: either 83
    assert sorted(c[0].tolist() for c in two) == [[False, True, True, False],
                                                   [True, False, True, False]]
    for mask, at in two:
        assert at[2] == 0.5 and at[mask & (req == 83)] == pytest.approx(82 / 83)
    assert fairness._forced_bottom(req, fill, 2) is None
    assert fairness._forced_bottom(req, fill, 1).tolist() == [False, False, True, False]
    halves = np.array([0.5, 0.5, 0.5, 1.0])
    assert len(fairness._bottom_cases(np.array([2.0, 4.0, 6.0, 8.0]), halves, 2)) == 6
    assert fairness._bottom_cases(np.array([2.0, 4.0, 6.0, 8.0]), halves, 2, limit=5) is None


@pytest.mark.parametrize("seed", range(12))
def test_flow_rounds_with_locks_match_the_independent_model(seed, flow_rounds):
    data = network_instance(100 + seed, n_sites=5, n_demand=14, max_learners=7, locks=True)
    ref = reference_tiers(data)
    plan = solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PLACED, Tier.FAIR_SHARE)))
    check_plan(data, plan)
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.tier_values["placed"] == pytest.approx(ref["placed"], abs=1e-6)
    assert np.allclose(sorted_fills(data, plan), ref["fair_share"], atol=1e-9)
    assert any(flow_rounds)


class _NoFlow:
    @staticmethod
    def build(hp):
        return None


@pytest.mark.parametrize("tiers", [(Tier.FAIR_SHARE,), (Tier.FAIR_SHARE, Tier.PREFERRED)])
def test_fair_share_first_by_flow_equals_the_lp_rounds(tiers, flow_rounds, monkeypatch):
    """Tier 1 switched off (no total row): the flow rounds give the fills the LP/MIP rounds
    give (each proven), and they do settle rounds there."""
    for seed in range(6):
        data = network_instance(200 + seed, n_sites=4, n_demand=10, max_learners=6)
        plan = solve(data, SolveOptions(time_limit_s=30, tiers=tiers))
        with monkeypatch.context() as m:
            m.setattr(fairness, "FairFlow", _NoFlow)
            lp = solve(data, SolveOptions(time_limit_s=30, tiers=tiers))
        check_plan(data, plan)
        assert plan.status is PlanStatus.OPTIMAL and lp.status is PlanStatus.OPTIMAL
        assert np.allclose(sorted_fills(data, plan), sorted_fills(data, lp), atol=1e-12)
    assert sum(flow_rounds) >= 10


def _part(data):
    from placement_planner.solver.components import split_parts
    from placement_planner.solver.highs_part import HighsPart
    from placement_planner.solver.model import build_part
    from placement_planner.solver.problem import build_problem
    problem = build_problem(data)
    parts = split_parts(problem.g, problem.p, problem.groups.fair, len(problem.groups),
                        len(problem.pools), len(problem.groups.fair_keys), problem.groups.journey)
    models = sorted((build_part(problem, p, None) for p in parts), key=lambda m: -len(m.ub))
    return HighsPart(models[0])


@pytest.mark.parametrize("seed", range(8))
def test_a_minimum_cut_never_rules_out_a_reachable_threshold(seed):
    """Every lower bound vector a flow reaches satisfies every cut's inequality; and a vector
    is reachable exactly when the flow test says so (checked against the plans it returns)."""
    data = network_instance(300 + seed, n_sites=3, n_demand=16, max_learners=9)
    hp = _part(data)
    assert hp.keep_locked(time.perf_counter() + 30)
    net = FairFlow.build(hp)
    assert net is not None
    rng = np.random.default_rng(seed)
    req = net.req
    reachable, cuts = [], []
    probes = [np.zeros_like(req), req.copy()] + \
        [np.array([int(rng.integers(0, q + 1)) for q in req]) for _ in range(60)]
    for lo in probes:
        ok, flow, cut = net.test(lo, req)
        if ok:
            x = net.options(flow)
            got = np.bincount(hp.model.fair, weights=x, minlength=len(req))
            assert np.all(got >= lo) and np.all(got <= req)
            assert hp._rows_hold(np.r_[x, hp.values[hp.n_x:]])
            reachable.append(lo)
        else:
            cuts.append(cut)
            assert not net.cut_allows(cut, lo[None, :], req)[0]
            # answered by a cut kept from an earlier test or by a flow: a fresh network's
            # flow agrees
            assert not FairFlow.build(hp).test(lo, req)[0]
    assert reachable and (cuts or net.test(req, req)[0])
    for cut in cuts:
        assert net.cut_allows(cut, np.array(reachable), req).all()


def test_rounding_proofs_by_the_last_rounds_prices_match_the_independent_model(monkeypatch):
    """Multi-week stays (no network): later rounding proofs are often settled by the last
    LP's duals moved to the new rows (a Lagrangian bound, no LP). The fills still equal the
    independent model's, and some proofs do go that way."""
    from feasibility import random_instance
    from placement_planner.solver.highs_part import HighsPart
    proofs, lps, inside = [], [], []
    inner_cp, inner_solve = fairness._cannot_place, HighsPart.solve

    def cannot_place(*a, **k):
        inside.append(1)
        try:
            ok = inner_cp(*a, **k)
        finally:
            inside.pop()
        proofs.append(ok)
        return ok

    def solve_spy(self, cost, maximise, **k):
        if k.get("lp_only") and inside:
            lps.append(1)
        return inner_solve(self, cost, maximise, **k)
    monkeypatch.setattr(fairness, "_cannot_place", cannot_place)
    monkeypatch.setattr(HighsPart, "solve", solve_spy)
    # the level steps off (they settle tied rounds before a rounding proof is asked, see
    # test_solver_leximin_levels.py): this test is about the rounding proofs' kept prices
    monkeypatch.setattr(fairness, "_level_proofs", lambda *a, **k: a[4] - 1)
    monkeypatch.setattr(fairness, "_tied", lambda *a, **k: False)
    for seed in range(600, 610):
        data = random_instance(seed, n_sites=6, n_demand=16, n_weeks=12)
        ref = reference_tiers(data)
        plan = solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PLACED, Tier.FAIR_SHARE)))
        check_plan(data, plan)
        assert plan.status is PlanStatus.OPTIMAL
        assert plan.tier_values["placed"] == pytest.approx(ref["placed"], abs=1e-6)
        assert np.allclose(sorted_fills(data, plan), ref["fair_share"], atol=1e-9)
    # every LP-only solve of a rounding proof counted: fewer of them than proofs means some
    # proofs ran no LP
    assert sum(proofs) > 0 and len(proofs) > len(lps), (len(proofs), len(lps))


def test_without_ortools_max_flow_the_lp_rounds_run(monkeypatch):
    """An OR-Tools build without its graph module (or a bundle that left it out): the leximin
    rounds go the LP way and still give the brute-force optimum."""
    import sys
    data = network_instance(2, n_sites=2, n_demand=4, max_learners=3, n_weeks=2)
    assert FairFlow.build(_part(data)) is not None     # a case the flow rounds would take
    monkeypatch.setitem(sys.modules, "ortools.graph.python.max_flow", None)   # import fails
    assert FairFlow.build(_part(data)) is None
    assert_leximin_optimal(data, solve(data, SolveOptions(time_limit_s=30,
                                                          tiers=(Tier.PLACED, Tier.FAIR_SHARE))))


def test_a_tier_the_network_leaves_out_keeps_the_flow_rounds_exact(flow_rounds, monkeypatch):
    """Preferred before the fair share: its kept row is not in the network (a relaxation), so a
    flow plan may break it and the round then takes the LP path; the fills equal the LP
    rounds' and the kept preferred count holds."""
    tiers = (Tier.PLACED, Tier.PREFERRED, Tier.FAIR_SHARE)
    for seed in range(8):
        data = network_instance(700 + seed, n_sites=4, n_demand=10, max_learners=6)
        d = data.demand.copy()
        d["preferred_sites"] = [("S0", "S1") if i % 2 else ("S2",) for i in range(len(d))]
        data = build_planning_data(sites=data.sites, capacity=data.capacity, demand=d)
        plan = solve(data, SolveOptions(time_limit_s=30, tiers=tiers))
        with monkeypatch.context() as m:
            m.setattr(fairness, "FairFlow", _NoFlow)
            lp = solve(data, SolveOptions(time_limit_s=30, tiers=tiers))
        check_plan(data, plan)
        assert plan.status is PlanStatus.OPTIMAL and lp.status is PlanStatus.OPTIMAL
        assert plan.tier_values["preferred"] == pytest.approx(lp.tier_values["preferred"])
        assert np.allclose(sorted_fills(data, plan), sorted_fills(data, lp), atol=1e-12)
    assert flow_rounds
