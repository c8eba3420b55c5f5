"""Options that are one column of the model, merged (model.duplicate_columns / spread), and
the compressed capacity rows they rest on, checked against the contract's own week grid.

Each case runs with the merge on and off: the plans keep every rule (feasibility.check_plan),
reach the independent reference's tier 1, and have the same value in every tier.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csc_matrix

from placement_planner.build import build_planning_data
from feasibility import check_plan, random_instance, reference_placed, tiny_instance
from placement_planner.domain import PlanStatus, Tier
from placement_planner.solver import SolveOptions, solve
from placement_planner.solver import model as part_model
from placement_planner.solver.bound import _demand_of
from placement_planner.solver.capacity import capacity_rows
from placement_planner.solver.components import split_parts
from placement_planner.solver.model import build_part, spread
from placement_planner.solver.problem import build_problem
from placement_planner.solver.travel import TRAVEL_REL_GAP
from test_solver_rules import cap, dem, site, week


def _parts(data):
    pr = build_problem(data)
    g = pr.groups
    return pr, split_parts(pr.g, pr.p, g.fair, len(g), len(pr.pools), len(g.fair_keys), g.journey)


def _matrix(m):
    r = m.rows
    return csc_matrix((r.val, (r.row, r.col)), shape=(r.n, len(m.ub)))


def _instances():
    for seed in range(12):
        yield random_instance(seed, n_sites=6, n_demand=14, n_weeks=14)
    for seed in range(6):
        yield tiny_instance(seed)


def _check_columns(pr, opts) -> int:
    """The merged model of a part against the plain one; returns the options merged away."""
    a, b = build_part(pr, opts), build_part(pr, opts, merge=True)
    col = b.merged[0] if b.merged is not None else np.arange(len(opts))
    # every option's column (rows and entries) is its merged column's
    assert (_matrix(a) - _matrix(b)[:, col]).nnz == 0
    assert np.array_equal(a.rows.lower, b.rows.lower)
    assert np.array_equal(a.rows.upper, b.rows.upper)
    for name in ("weight", "preferred", "km", "previous", "fair"):
        assert np.array_equal(getattr(a, name), getattr(b, name)[col]), name
    assert np.allclose(np.bincount(col, weights=a.ub, minlength=len(b.ub)), b.ub)
    # never merged: options holding a previous plan's learners
    prev = np.flatnonzero(a.previous > 0)
    assert np.all(np.bincount(col)[col[prev]] == 1)
    # any whole plan per column splits back within each option's bound, with the same
    # learners per column and so the same row activities
    rng = np.random.default_rng(len(opts))
    for _ in range(5):
        x = np.floor(rng.random(len(b.ub)) * (b.ub + 1))
        xs = spread(b, x)
        assert np.all(xs >= 0) and np.all(xs <= a.ub)
        assert np.array_equal(xs, np.round(xs))
        assert np.allclose(np.bincount(col, weights=xs, minlength=len(b.ub)), x)
        assert np.allclose(_matrix(a) @ xs, _matrix(b) @ x)
    return len(opts) - len(b.ub)


def test_merged_columns_are_the_columns_of_their_options():
    merged = 0
    for data in _instances():
        pr, parts = _parts(data)
        merged += sum(_check_columns(pr, opts) for opts in parts)
    assert merged > 0          # the cases do have options to merge


def _solve(data, merge: bool):
    was = part_model.MERGE_DUPLICATES
    part_model.MERGE_DUPLICATES = merge
    try:
        return solve(data, SolveOptions(time_limit_s=30))
    finally:
        part_model.MERGE_DUPLICATES = was


def test_start_weeks_one_capacity_row_are_one_column_and_split_in_start_order():
    # 3-week stays starting in weeks 0, 1 or 2 at a pool of 4 places: every stay covers
    # week 2, which has all three on site, so week 2's row implies every other week's
    data = build_planning_data(sites=[site("A")], capacity=[cap("A", 4, 0, 12)],
                               demand=[dem("D", 6, start=1, weeks=3, flex_weeks=1)],
                               week0=week(0))
    pr, parts = _parts(data)
    m = build_part(pr, parts[0], merge=True)
    assert len(parts[0]) == 3 and len(m.ub) == 1 and m.ub[0] == 12
    assert m.rows.n == 2                     # the demand row and one capacity row
    assert spread(m, np.array([4.0])).tolist() == [4.0, 0.0, 0.0]
    for merge in (True, False):
        plan = _solve(data, merge)
        check_plan(data, plan)
        assert plan.status is PlanStatus.OPTIMAL
        assert plan.tier_values["placed"] == 4
        assert plan.allocations["start_week"].tolist() == [0]   # the first start takes all


@pytest.mark.parametrize("seed", range(10))
def test_merge_on_and_off_give_the_same_tier_values(seed):
    data = random_instance(seed, n_sites=6, n_demand=14, n_weeks=14)
    on, off = _solve(data, True), _solve(data, False)
    for plan in (on, off):
        check_plan(data, plan)
        assert plan.status is PlanStatus.OPTIMAL
    assert abs(on.tier_values["placed"] - reference_placed(data)) <= 1e-9
    for tier in (Tier.PLACED, Tier.FAIR_SHARE, Tier.PREFERRED):
        assert abs(on.tier_values[tier.value] - off.tier_values[tier.value]) <= 1e-9, tier
    travel_on, travel_off = on.tier_values["travel"], off.tier_values["travel"]
    assert abs(travel_on - travel_off) <= TRAVEL_REL_GAP * max(travel_on, travel_off) + 1e-6


@pytest.mark.parametrize("places", [(4, 3), (2, 2), (6, 1)])
def test_merge_keeps_locked_and_previous_rows(places):
    a, b = places
    demand = [dem("D1", 5, start=2, weeks=3, flex_weeks=2, hei="U1"),
              dem("D2", 4, start=3, weeks=2, flex_weeks=1, hei="U2"),
              dem("D3", 3, start=1, weeks=4, flex_weeks=1, hei="U1", preferred_sites="B")]
    locked = [dict(demand_id="D2", site_id="B", learners=min(2, b))]
    # D3's starts in weeks 1 and 2 are one column at each site (as D2's at B would be); the
    # previous plan's row at one of them keeps it alone
    previous = [dict(demand_id="D1", site_id="A", setting="", start_week=1, learners=2,
                     locked=False),
                dict(demand_id="D3", site_id="A", setting="", start_week=2, learners=1,
                     locked=False)]
    data = build_planning_data(sites=[site("A"), site("B", lat=52.1)],
                               capacity=[cap("A", a, 0, 12), cap("B", b, 0, 12)],
                               demand=demand, locked=locked, previous=previous, week0=week(0))
    pr, parts = _parts(data)
    assert sum(_check_columns(pr, o) for o in parts) > 0
    on, off = _solve(data, True), _solve(data, False)
    for plan in (on, off):
        check_plan(data, plan)           # the lock is kept
        assert plan.status is PlanStatus.OPTIMAL
    assert abs(on.tier_values["placed"] - reference_placed(data)) <= 1e-9
    for tier in (Tier.PLACED, Tier.FAIR_SHARE, Tier.KEEP_PREVIOUS, Tier.PREFERRED, Tier.TRAVEL):
        assert abs(on.tier_values[tier.value] - off.tier_values[tier.value]) <= 1e-6, tier


@pytest.mark.parametrize("seed", range(20))
def test_capacity_rows_imply_every_week_of_the_contract(seed):
    """Each (pool, week) with a stay on site has a kept row holding at least the same stays
    with no more places: so every week of the contract's grid is kept by the rows."""
    rng = np.random.default_rng(seed)
    n_pools, n_weeks = int(rng.integers(1, 4)), int(rng.integers(3, 12))
    places = rng.integers(0, 4, size=(n_pools, n_weeks)) + rng.integers(0, 3, size=(n_pools, 1))
    n = int(rng.integers(1, 12))
    p = rng.integers(0, n_pools, n)
    t = rng.integers(0, n_weeks, n)
    end = np.minimum(t + rng.integers(1, 5, n), n_weeks)
    row, var, rhs, where = capacity_rows(p, t, end, places)
    covers = [set(var[row == r]) for r in range(len(rhs))]
    for r in range(len(rhs)):     # a row is a week of its pool: its stays and places
        pool, w = where[r]
        assert rhs[r] == places[pool, w]
        assert covers[r] == {v for v in range(n) if p[v] == pool and t[v] <= w < end[v]}
    for pool in range(n_pools):
        for w in range(n_weeks):
            on_site = {v for v in range(n) if p[v] == pool and t[v] <= w < end[v]}
            if on_site:
                assert any(on_site <= covers[r] and rhs[r] <= places[pool, w]
                           for r in range(len(rhs)) if where[r][0] == pool), (pool, w)


def test_demand_rows_of_the_bound_are_read_from_the_columns():
    # rows 0-1 demand, row 2 capacity; columns 0-2 in one demand row each, column 3 in none
    a = csc_matrix(np.array([[1, 1, 0, 0], [0, 0, 1, 0], [1, 0, 1, 1]], dtype=float))
    lo, cl, cu = np.full(3, -np.inf), np.zeros(4), np.full(4, 5.0)
    assert _demand_of(a, lo, cl, cu, 2).tolist() == [0, 0, 1, -1]
    two = csc_matrix(np.array([[1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 1, 1]], dtype=float))
    assert _demand_of(two, lo, cl, cu, 2) is None          # a column in two demand rows
    scaled = csc_matrix(np.array([[2, 1, 0, 0], [0, 0, 1, 0], [1, 0, 1, 1]], dtype=float))
    assert _demand_of(scaled, lo, cl, cu, 2) is None       # an entry other than 1
    assert _demand_of(a, np.r_[0.0, -np.inf, -np.inf], cl, cu, 2) is None   # a lower side


@pytest.mark.parametrize("seed", range(12))
def test_eligible_arcs_by_latitude_bands_are_the_contracts_pairs(seed, monkeypatch):
    """Blocks of 3 groups against the pools in their latitude band (arcs._BAND_GROUPS, a tiny
    _CHUNK_CELLS so that every profession is banded): every (demand row, pool) pair the
    contract allows (feasibility.eligible) is an arc of the row's group, and nothing else."""
    from feasibility import eligible as contract_eligible
    from placement_planner.solver import arcs
    data = random_instance(seed, n_sites=10, n_demand=20, n_weeks=12)
    pr = build_problem(data)
    plain = arcs.eligible_arcs(pr.groups, pr.pools, pr.sites)
    monkeypatch.setattr(arcs, "_CHUNK_CELLS", 4)
    monkeypatch.setattr(arcs, "_BAND_GROUPS", 3)
    g, p = arcs.eligible_arcs(pr.groups, pr.pools, pr.sites)
    assert np.array_equal(g, plain[0]) and np.array_equal(p, plain[1])   # same order too
    got = set(zip(g.tolist(), p.tolist()))
    want = set()
    for i, d in enumerate(data.demand.itertuples()):
        for k in range(len(pr.pools)):
            sid = pr.sites.ids[pr.pools.site[k]]
            if pr.pools.profession[k] == d.profession and \
                    contract_eligible(data, d, sid, pr.pools.setting[k]):
                want.add((int(pr.groups.of_row[i]), k))
    assert got == want
