"""A tier-1 LP around the unplaced rows of one profession part, for its capacity duals.

Columns x(d, pool, start) >= 0 for eligible (demand row, pool) pairs (the analysis' copy of
the contract's rules) and every start the row's flex allows. The LP is *local*: its pools are
those some unplaced row could use, its rows every group that could use those pools, and the
baseline plan's placements elsewhere stay fixed (they reduce those groups' learners). Rows:
sum over a group <= its learners left; for every pool and week, learners on placement <=
places (weeks with 0 places are kept where a start also covers a week with places, so their
duals say what a place there would be worth). Locked rows are not modelled: duals only rank
candidates, and every gain reported is re-solved with the real optimiser.

Solved with HiGHS interior point (highspy, already the solver's engine; OR-Tools' bundled
HiGHS cannot share a process with it, see docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_matrix

from placement_planner.analysis.common import Context
from placement_planner.analysis.eligibility import eligible_pairs

LP_TIME_LIMIT_S = 8.0
MAX_COLUMNS = 120_000   # a larger local LP is skipped: candidates then come from the unplaced rows


@dataclass
class LocalLP:
    value: float                 # LP optimum over the local part (nan when not solved)
    duals: np.ndarray            # pool x week: value of one more place in that week (>= 0)
    pools: np.ndarray            # the pools in the LP
    columns: int


def columns(ctx: Context, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (demand row, pool, start week) the contract allows with places in some week."""
    demand = ctx.data.demand
    rows = np.arange(len(demand), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    pairs = eligible_pairs(ctx, rows)
    d, pool = pairs.d, pairs.pool
    flex = demand["flex_weeks"].to_numpy(dtype=np.int64)[d]
    span = 2 * flex + 1
    rep = np.repeat(np.arange(len(d)), span)
    off = np.arange(int(span.sum())) - np.repeat(np.cumsum(span) - span, span) - np.repeat(flex, span)
    d, pool = d[rep], pool[rep]
    start = demand["start_week"].to_numpy(dtype=np.int64)[d] + off
    weeks = demand["weeks"].to_numpy(dtype=np.int64)[d]
    ok = (start >= 0) & (start + weeks <= ctx.n_weeks)
    d, pool, start, weeks = d[ok], pool[ok], start[ok], weeks[ok]
    has = np.concatenate([np.zeros((len(ctx.capacity), 1), dtype=np.int64),
                          np.cumsum(ctx.capacity > 0, axis=1)], axis=1)
    some = has[pool, start + weeks] - has[pool, start] > 0
    return d[some], pool[some], start[some]


def local_lp(ctx: Context, time_limit_s: float = LP_TIME_LIMIT_S) -> LocalLP:
    """The LP around the rows with learners left over in ``ctx``'s plan (see the module doc)."""
    demand = ctx.data.demand
    learners = demand["learners"].to_numpy(dtype=np.int64)
    duals = np.zeros(ctx.capacity.shape, dtype=float)
    short = np.flatnonzero(learners - ctx.placed > 0)
    if not len(short) or not len(ctx.pools):
        return LocalLP(0.0, duals, np.zeros(0, dtype=np.int64), 0)
    d, pool, start = columns(ctx)
    pools = np.unique(pool[np.isin(d, short)])
    inside = np.isin(pool, pools)
    groups = np.unique(d[inside])
    keep = inside & np.isin(d, groups)
    d, pool, start = d[keep], pool[keep], start[keep]
    # Learners each group has placed outside the local pools stay where the baseline put them.
    alloc = ctx.alloc
    outside = alloc[(alloc["d"] >= 0) & ~np.isin(alloc["pool"].to_numpy(), pools)]
    fixed = np.bincount(outside["d"].to_numpy(dtype=np.int64), weights=outside["learners"].to_numpy(),
                        minlength=len(demand))
    left = np.maximum(learners - fixed, 0).astype(float)

    n_weeks = ctx.n_weeks
    weeks = demand["weeks"].to_numpy(dtype=np.int64)[d]
    n = len(d)
    if n == 0 or n > MAX_COLUMNS:
        return LocalLP(0.0 if n == 0 else float("nan"), duals, pools, n)
    col = np.repeat(np.arange(n), weeks)
    week = np.repeat(start, weeks) + (np.arange(int(weeks.sum())) - np.repeat(np.cumsum(weeks) - weeks, weeks))
    cells, cap_row = np.unique(np.repeat(pool, weeks) * n_weeks + week, return_inverse=True)
    rows_d, d_row = np.unique(d, return_inverse=True)
    n_cap = len(cells)
    matrix = csc_matrix((np.ones(len(col) + n), (np.concatenate([cap_row, n_cap + d_row]),
                                                 np.concatenate([col, np.arange(n)]))),
                        shape=(n_cap + len(rows_d), n))
    rhs = np.concatenate([ctx.capacity.astype(float).ravel()[cells], left[rows_d]])
    value, y = _solve(-ctx.weights[d], matrix, rhs, time_limit_s)
    if y is not None:
        duals.ravel()[cells] = np.maximum(-y[:n_cap], 0.0)
    return LocalLP(value, duals, pools, n)


def _solve(cost: np.ndarray, matrix: csc_matrix, rhs: np.ndarray, time_limit_s: float):
    """min cost.x, matrix x <= rhs, x >= 0 with HiGHS; (max value, row duals) or (nan, None)."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("threads", 1)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(lp.num_col_)
    lp.col_upper_ = np.full(lp.num_col_, highspy.kHighsInf)
    lp.row_lower_ = np.full(lp.num_row_, -highspy.kHighsInf)
    lp.row_upper_ = rhs
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    h.passModel(lp)
    h.run()
    solution = h.getSolution()
    if not solution.dual_valid:
        return float("nan"), None
    return -float(h.getInfo().objective_function_value), np.asarray(solution.row_dual, dtype=float)
