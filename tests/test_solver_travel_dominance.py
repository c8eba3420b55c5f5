"""The travel LP without the options another option dominates (travel.undominated,
travel.SKIP_DOMINATED): the rule on hand-built columns, the LP's optimum unchanged on the tight
cases (the LP over every option solved alongside by scipy's HiGHS), and every tier the
independent model's with the switch on and off."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csc_matrix

from lexicographic_reference import assert_agrees, reference_tiers
from placement_planner.solver import SolveOptions, solve, travel
from test_solver_travel_round import PREFERRED, TIGHT, tight_instance

INF = np.inf


def mask(columns, km, row_lo, row_up, col_up=None, group=None):
    """undominated over hand-built columns (lists of (row, entry))."""
    n = len(columns)
    a = np.zeros((len(row_lo), n))
    for j, col in enumerate(columns):
        for r, v in col:
            a[r, j] = v
    return travel.undominated(csc_matrix(a), n, np.asarray(km, float),
                              np.zeros(n, np.int64) if group is None else np.asarray(group),
                              np.asarray(row_lo, float), np.asarray(row_up, float),
                              np.zeros(n), np.full(n, 1.0) if col_up is None else np.asarray(col_up, float))


# rows: 0 demand (<= 2), 1-3 capacity in weeks 1-3 (<= 1 each), 4 a kept tier (>= 1)
LO = [-INF, -INF, -INF, -INF, 1.0]
UP = [2.0, 1.0, 1.0, 1.0, INF]


def test_a_column_on_more_capacity_rows_of_the_same_site_is_left_out():
    a = [(0, 1), (1, 1), (2, 1), (4, 1)]
    b = [(0, 1), (1, 1), (2, 1), (3, 1), (4, 1)]           # a's rows and week 3
    c = [(0, 1), (3, 1), (4, 1)]                           # another week: not a's rows
    assert mask([a, b, c], [5, 5, 5], LO, UP).tolist() == [True, False, True]


def test_a_dearer_or_cheaper_column_is_another_class():
    a = [(0, 1), (1, 1), (4, 1)]
    b = [(0, 1), (1, 1), (2, 1), (4, 1)]
    assert mask([a, b], [5, 6], LO, UP).all()              # b costs more: not tested (other site)
    assert mask([a, b], [6, 5], LO, UP).all()              # b cheaper: never left out for a


def test_rows_with_a_lower_side_must_not_lose():
    a = [(0, 1), (1, 1)]                                   # not in the kept tier's row
    b = [(0, 1), (1, 1), (2, 1), (4, 1)]
    assert mask([a, b], [5, 5], LO, UP).all()              # moving b onto a lowers row 4
    a_eq = [(0, 1), (1, 1), (4, 2.0)]                      # a row with both sides: equal entries
    lo, up = LO[:4] + [1.0], UP[:4] + [3.0]
    assert mask([a_eq, b], [5, 5], lo, up).all()
    a_more = [(0, 1), (1, 1), (4, 2.0)]                    # lower side only: more is fine
    assert mask([a_more, b], [5, 5], LO, UP).tolist() == [True, False]


def test_the_keeper_must_be_able_to_take_the_learners():
    a = [(0, 1), (1, 1), (4, 1)]
    b = [(0, 1), (1, 1), (2, 1), (4, 1)]
    # a's rows allow it 1 (capacity row 1); with its own bound 0.5 it could not take b's learner
    assert mask([a, b], [5, 5], LO, UP, col_up=[1.0, 1.0]).tolist() == [True, False]
    assert mask([a, b], [5, 5], LO, UP, col_up=[0.5, 1.0]).all()


def test_other_groups_and_duplicates():
    a = [(0, 1), (1, 1), (4, 1)]
    twin = [(0, 1), (1, 1), (4, 1)]
    kept = mask([a, twin], [5, 5], LO, UP)
    assert kept.sum() == 1                                 # one of two equal columns
    other = [(5, 1), (1, 1), (2, 1), (4, 1)]               # another demand row
    lo, up = LO + [-INF], UP + [2.0]
    assert mask([a, other], [5, 5], lo, up, group=[0, 1]).all()


def lp_value(hp, cost, cols) -> float:
    """The LP over ``cols`` and every column that is not an option, by scipy's HiGHS (inf when
    it is infeasible: preferred_by_travel's row preferred >= bound may be above every plan)."""
    keep = np.r_[cols, np.arange(hp.n_x, hp.n_cols)]
    a = hp.matrix()[:, keep]
    lo, up = hp.row_lo, hp.row_up
    ub_rows, lb_rows = np.isfinite(up), np.isfinite(lo)
    from scipy.sparse import vstack
    a_ub = vstack([a[ub_rows], -a[lb_rows]])
    b_ub = np.r_[up[ub_rows], -lo[lb_rows]]
    r = linprog(cost[keep], A_ub=a_ub, b_ub=b_ub, bounds=list(zip(hp.col_lo[keep], hp.col_up[keep])),
                method="highs")
    assert r.status in (0, 2)
    return float(r.fun) if r.status == 0 else np.inf


def test_the_lp_without_the_dominated_options_has_the_same_optimum(monkeypatch):
    monkeypatch.setattr(travel, "DOMINANCE_FROM", 0)
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 0.0)
    real = travel.lp_columns
    seen = []

    def spy(hp, cost):
        cols = real(hp, cost)
        cost = np.asarray(cost, float)
        seen.append((hp.n_x - len(cols), lp_value(hp, cost, cols), lp_value(hp, cost, np.arange(hp.n_x))))
        return cols
    monkeypatch.setattr(travel, "lp_columns", spy)
    for case in PREFERRED + TIGHT:
        solve(tight_instance(*case, preferred=True), SolveOptions(time_limit_s=30))
    assert len(seen) >= len(PREFERRED + TIGHT)
    assert sum(left for left, _, _ in seen) >= 50            # the rule leaves columns out here
    assert sum(np.isfinite(every) for _, _, every in seen) >= len(PREFERRED + TIGHT)
    for _, kept, every in seen:
        assert kept == every or kept == pytest.approx(every, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("case", PREFERRED[:4] + TIGHT[:4])
@pytest.mark.parametrize("on", [True, False])
def test_dominance_on_and_off_gives_the_reference_tiers(monkeypatch, case, on):
    monkeypatch.setattr(travel, "DOMINANCE_FROM", 0)
    monkeypatch.setattr(travel, "SKIP_DOMINATED", on)
    monkeypatch.setattr(travel, "TRAVEL_EXACT_BELOW", 0)
    monkeypatch.setattr(travel, "TRAVEL_REL_GAP", 0.0)
    data = tight_instance(*case, preferred=True)
    plan = solve(data, SolveOptions(time_limit_s=30))
    assert_agrees(data, plan, reference_tiers(data))
