"""The preferred tier proven without its own LP: a relaxation bound (``preferred_bound``) met
by a plan found in the travel LP the next tier needs anyway (``preferred_by_travel``;
tier_solve.solve calls it when ``tier_solve.PREFERRED_BY_TRAVEL`` is on)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from placement_planner.domain import Tier
from placement_planner.solver.mip import restricted_mip
from placement_planner.solver.progress import Progress
from placement_planner.solver.tier_solve import Result, _restricted_snap

if TYPE_CHECKING:
    from placement_planner.solver.highs_part import HighsPart


def preferred_bound(hp: HighsPart, cost: np.ndarray, deadline: float) -> float | None:
    """A bound on the preferred tier (``cost`` >= 0, maximised) from a relaxation: only the
    rows with a finite upper side whose entries are all on placement columns and >= 0 are kept
    (demand, capacity, journey rows; their lower sides dropped), and every column but the
    preferred ones is at 0 (with such rows that loses nothing: a column at 0 keeps every kept
    row and costs nothing). The MIP over the preferred columns alone is small (region: 317 of
    122,293 options, 0.01 s) and its optimum bounds every plan. None when it did not finish in
    its time."""
    n = hp.n_x
    cols = np.flatnonzero(cost[:n] > 0)
    if not len(cols) or np.any(cost < 0):
        return None
    a = hp.matrix().tocsr()
    coo = a.tocoo()
    bad = np.zeros(a.shape[0], dtype=bool)
    bad[coo.row[(coo.col >= n) | (coo.data < 0)]] = True
    rows = np.flatnonzero(np.isfinite(hp.row_up) & ~bad)
    sub = a[rows][:, cols].tocsc()
    # a small MIP as a rule (region: 0.004-0.04 s); never more than a second and a twentieth of
    # the time left, so a hard one costs little (then the tier runs its LP as before)
    now = time.perf_counter()
    own = min(deadline, now + 1.0 + 0.05 * max(0.0, deadline - now))
    word, x = restricted_mip(sub, cost[cols], np.zeros(len(cols)), hp.col_up[cols],
                             np.full(len(rows), -np.inf), hp.row_up[rows], np.ones(len(cols), bool),
                             True, None, own, None, None, hp.threads, "preferred", True)
    if word != "optimal" or x is None:
        return None
    return float(np.floor(cost[cols] @ np.round(x) + 1e-6))


def preferred_by_travel(hp: HighsPart, cost: np.ndarray, deadline: float,
                        progress: Progress | None) -> Result | None:
    """The preferred tier proven without its own LP, or None (then it is solved as before).

    ``b`` = preferred_bound. When a plan keeps every row and places ``b`` learners at a
    preferred site, ``b`` is the tier's optimum. Such a plan is looked for where the travel
    tier needs to look anyway: with the row preferred >= b added, the travel LP over every
    option (the LP the travel tier solves next, travel.ALL_COLUMNS_UPTO) and its vertex rounded
    (as _rounded_lp: the MIP over the LP's columns, each at least its LP value rounded down).
    The row then stays (the tier's own keep row says the same) and the travel tier starts from
    that LP's optimal basis (``hp.travel_warm``): its LP solve is a few pivots. When the LP is
    infeasible or its rounding finds no plan, the row is made free and None is returned (the
    tier is solved by its LP as before; the time lost is that LP's). Region: the bound is the
    optimum on 7 of the 8 parts of 5,000 options or more (0.004-0.04 s each); on part 0
    (122,293 options) the preferred tier's GLOP LP by column generation (two rounds, 15,666 and
    23,499 columns, 1.1-2.0 s) is no longer run, and the travel LP it runs instead is one the
    travel tier no longer runs (see solver/README.md, sixth session)."""
    from placement_planner.solver import travel   # travel imports highs_part, which imports us
    if hp.network or hp.n_x > travel.ALL_COLUMNS_UPTO or hp.n_x < travel.TRAVEL_EXACT_BELOW:
        return None
    km = np.zeros(hp.n_cols)
    km[:hp.n_x] = hp.model.km
    if not np.any(km):
        return None
    b = preferred_bound(hp, cost, deadline)
    if b is None:
        return None
    value = float(cost @ hp.values)
    if value >= b - 1e-6:             # the plan already reaches the bound
        return Result(value, b, True, hp.values.copy())
    step = hp.step
    hp.step = Tier.TRAVEL.value
    try:
        plan, row, warm = _travel_rounded(hp, km, cost, b, deadline, progress)
    finally:
        hp.step = step
    if plan is None:
        if row is not None:
            hp.set_row_bounds(row, [-np.inf], [np.inf])
        hp.travel_warm = warm
        if time.perf_counter() >= deadline or (progress is not None and progress.cancelled):
            return Result(value, b, False, hp.values.copy(), hp.why_stopped(progress))
        return None
    hp.values = plan
    hp.travel_warm = True
    # the tier's keep row (run.py, fixing.keep_at_least) becomes this row, not a second one
    cols = np.flatnonzero(cost)
    hp.kept_row = (int(row[0]), True, cols, cost[cols])
    hp.rounded_ahead = (hp.n_rows, hp.n_cols)
    return Result(float(cost @ plan), b, True, plan.copy())


def _travel_rounded(hp: HighsPart, km: np.ndarray, cost: np.ndarray, b: float, deadline: float,
                    progress: Progress | None) -> tuple[np.ndarray | None, np.ndarray | None, bool]:
    """(plan or None, the row preferred >= b or None, whether the travel tier may start from the
    LP's basis). The travel LP over every option with the row preferred >= b, its vertex rounded
    (then, if that finds nothing, the MIP over the LP's columns and the plan's): a plan that
    keeps every row, or None. The MIPs get at most the LP's time (at least 0.5 s). When the LP
    is infeasible (b is not reached) its last basis is kept for the travel tier, with the row
    made free by the caller: the tight-travel shape's 45,874-option part, 3,647 pivots to
    infeasible, then 2,852 to the travel optimum against 5,536 cold. Solving the travel LP
    first and adding the row after took 7,559 + 2,391 pivots on region part 0 against 7,978."""
    from placement_planner.solver import travel
    t0 = time.perf_counter()
    hp._activate(travel.lp_columns(hp, km))
    hp.cost, hp.maximise = km, False
    lp = hp.lp
    if hasattr(lp, "cold"):
        lp.cold()
    for warm in hp._warm.values():
        warm.set_objective(km[hp.lp_cols], False)
    cols = np.flatnonzero(cost)
    row = hp.add_rows(np.zeros(len(cols), np.int64), cols, cost[cols], [b - 1e-9 * max(1.0, b)],
                      [np.inf])
    if lp.run(deadline, progress, True) != "optimal":      # infeasible: b is not reached
        return None, row, True
    own = min(deadline, time.perf_counter() + max(0.5, time.perf_counter() - t0))
    lp_x = np.zeros(hp.n_cols)
    lp_x[hp.lp_cols] = lp.x()
    # the travel tier's own snap for its restricted MIPs (as it would round this vertex)
    snap = None
    if travel.TRAVEL_REL_GAP > 0 and hp.n_x >= travel.TRAVEL_EXACT_BELOW:
        tol = travel._tolerance(travel.TRAVEL_REL_GAP)
        snap = _restricted_snap(tol, tol(float(km @ lp_x)), False)
    keep = (lp_x > 1e-9) | ~hp.integer
    lo = np.where(hp.integer & keep, np.floor(lp_x + 1e-7), hp.col_lo)
    lo = np.minimum(np.maximum(lo, hp.col_lo), hp.col_up)
    c = np.flatnonzero(keep)
    word, x = restricted_mip(hp.matrix()[:, c], km[c], lo[c], hp.col_up[c], hp.row_lo,
                             hp.row_up, hp.integer[c], False, None, own, progress, snap,
                             hp.threads, "travel")
    if x is None and time.perf_counter() < own:
        # as in the travel tier: the MIP over the LP's columns and the plan's, no floors
        c = np.flatnonzero(keep | (hp.values > 1e-9))
        word, x = restricted_mip(hp.matrix()[:, c], km[c], hp.col_lo[c], hp.col_up[c], hp.row_lo,
                                 hp.row_up, hp.integer[c], False, None, own, progress, snap,
                                 hp.threads, "travel")
    if x is None:
        return None, row, True
    plan = np.zeros(hp.n_cols)
    plan[c] = np.where(hp.integer[c], np.round(x), x)
    if not hp._rows_hold(plan) or cost @ plan < b - 1e-6:
        return None, row, True
    return plan, row, True
