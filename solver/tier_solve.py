"""Solving one tier of a part: the LP bound by column generation, the held-fill LP, and the MIPs
over the columns the LP uses and over those reduced-cost fixing cannot exclude (HighsPart
delegates here; the part's columns and rows live in highs_part.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from placement_planner.domain import Tier
from placement_planner.solver.mip import restricted_mip
from placement_planner.solver.progress import Progress

# Before the MIPs of the minimised tiers (travel), try the LP vertex rounded and repaired as an
# incumbent (see _rounded_lp).
ROUND_LP = True
ROUND_LP_SHARE, ROUND_LP_MIN_S = 0.25, 1.0
# ... and before the preferred tier's MIPs (the one maximised tier it pays on): the small-
# universities shape's 223,260-option part, preferred 10.2 -> 1.6 s (its MIP over the LP's
# 2,797 columns took 9 s to lift the incumbent from 125 to the bound 446); the shape, preferred
# 21.6 -> 8.6 s summed over parts and every part through every tier in its 60 s; national,
# preferred 3,058 -> 3,937 learners at 60 s; region even (wall 7.7-7.9 against 8.1 s: part 0
# faster, part 2's travel after it slower). Tier 1 with it: no faster (region part 0 0.5 s).
ROUND_LP_PREFERRED = True
# A restricted MIP of a tier proven to a tolerance stops at the tier's LP bound's tolerance or
# at its own optimum, not at the tolerance of its own bound (see _restricted_snap).
RESTRICTED_AT_TIER_BOUND = True
# The travel tier's MIP over the columns reduced-cost fixing keeps: no start, full presolve up to
# this many columns (see solve).
WIDE_TRAVEL = True
WIDE_PRESOLVE_MAX = 10_000

# The travel tier's MIP over the columns the LP uses is skipped when the LP vertex rounded gave
# a plan (the wide MIP that follows runs without a start, so its plan was of no use there but
# for a narrower wide MIP; region parts of 5,580 and 16,735 options: 0.11 and 0.19 s saved).
SKIP_RESTRICTED_TRAVEL = True
# The preferred tier proven by a relaxation and the travel LP (preferred_travel.py).
PREFERRED_BY_TRAVEL = True

if TYPE_CHECKING:
    from placement_planner.solver.highs_part import HighsPart


@dataclass
class Result:
    value: float            # objective of the incumbent
    bound: float            # proven bound of this objective (the LP relaxation)
    proven: bool            # optimal within the requested gap
    values: np.ndarray      # all column values (x rounded to whole learners)
    stopped: str = ""       # "", "time_limit", "cancelled", "infeasible", "numerical", "error"


def whole(maximise: bool) -> Callable[[float], float]:
    """Snap for an objective whose every value is a whole number."""
    return (lambda b: float(np.floor(b + 1e-6))) if maximise else (lambda b: float(np.ceil(b - 1e-6)))


def multiples_snap(costs: np.ndarray, maximise: bool) -> Callable[[float], float] | None:
    """Snap for sum cost*x with x whole: every value is a multiple of the costs' common
    step g (costs with 1-1000 in the denominator, e.g. priorities 1.5 and 2); None when
    there is no such step, so the bound is then never rounded."""
    c = np.unique(np.abs(costs[costs != 0]))
    if not len(c):
        return None
    for den in range(1, 1001):
        scaled = c * den
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, scaled)):
            g = float(np.gcd.reduce(np.round(scaled).astype(np.int64))) / den
            if maximise:
                return lambda b: float(np.floor(b / g + 1e-7) * g)
            return lambda b: float(np.ceil(b / g - 1e-7) * g)
    return None


def solve(hp: HighsPart, cost: np.ndarray, maximise: bool, *, deadline: float,
          snap: Callable[[float], float] | None = None,
          progress: Progress | None = None, phase: str = "",
          lp_only: bool = False, wide: bool = True) -> Result:
    """Optimise ``cost`` (one entry per column): LP bound, then the restricted MIP.
    ``lp_only``: stop after the LP; the bound is then the Lagrangian bound of its final
    duals over every column (valid whatever the LP's tolerances), and ``proven`` is False.
    ``wide=False``: no MIP over the columns reduced-cost fixing keeps (the caller may prove
    the incumbent another way first)."""
    cost = np.asarray(cost, float)
    if PREFERRED_BY_TRAVEL and hp.step == "preferred" and maximise and not lp_only:
        from placement_planner.solver import preferred_travel   # it imports this module
        r = preferred_travel.preferred_by_travel(hp, cost, deadline, progress)
        if r is not None:
            return r
    sense = maximise
    h = hp.lp
    hp.cost, hp.maximise = cost, maximise
    hp._activate(np.flatnonzero(hp.values > 1e-9))
    for lp in hp._warm.values():
        lp.set_objective(cost[hp.lp_cols], maximise)
    value = float(cost @ hp.values)
    fresh = True
    # Column generation. Every round's duals give a valid bound on the whole part
    # (lagrangian_bound), so a round cut short by the time limit still reports an
    # honest bound and gap instead of none.
    best_bound = np.inf if maximise else -np.inf
    while True:
        # the first solve of a tier: dual simplex; re-solves after added columns: primal
        # simplex from the optimal basis (national Adult Nursing: 0.07 s against 0.7 s)
        word = h.run(deadline, progress, fresh)
        fresh = False
        if word != "optimal":
            return Result(value, best_bound, False, hp.values.copy(), word)
        # price every column with the row duals: rc = cost - A'y, for all options
        y = h.y()
        rc = cost - hp.matrix().T @ y
        gain = rc if maximise else -rc
        enter = np.flatnonzero((hp.pos < 0) & (gain > 1e-7) & (hp.col_up > 0))
        if not len(enter):
            break
        lag = hp.lagrangian_bound(cost, y, maximise)
        best_bound = min(best_bound, lag) if maximise else max(best_bound, lag)
        if progress is not None:
            progress.report(best=value, bound=best_bound)
        limit = max(2000, len(hp.lp_cols) // 2)
        if len(enter) > limit:
            enter = enter[np.argpartition(-gain[enter], limit)[:limit]]
        hp._activate(enter)
    if lp_only:
        return Result(value, hp.lagrangian_bound(cost, y, maximise), False,
                      hp.values.copy())
    lp_x = np.zeros(hp.n_cols)
    lp_x[hp.lp_cols] = h.x()
    bound = float(cost @ lp_x)
    if progress is not None:
        progress.report(best=value, bound=bound)
    if snap is not None:   # the best value a plan can reach at or below the bound
        bound = snap(bound)
    if hp._close(value, bound, maximise, snap is not None):
        return Result(value, bound, True, hp.values.copy())
    on_integer = hp.integer & (np.abs(lp_x - np.round(lp_x)) > 1e-7)
    if not on_integer.any() and hp._rows_hold(lp_x):   # the LP vertex is whole already
        hp.values = np.where(hp.integer, np.round(lp_x), lp_x)
        return Result(float(cost @ hp.values), bound, True, hp.values.copy())
    held, held_bound = hp._held_fair_plan(cost, maximise, deadline, progress)
    if held_bound is not None:        # the hold is exact: its LP bounds the whole tier
        held_bound = snap(held_bound) if snap is not None else held_bound
        bound = min(bound, held_bound) if maximise else max(bound, held_bound)
    if held is not None and (cost @ held > value if maximise else cost @ held < value):
        hp.values, value = held, float(cost @ held)
    if hp._close(value, bound, maximise, snap is not None):
        return Result(value, bound, True, hp.values.copy())
    used = (lp_x > 1e-9) | (hp.values > 1e-9) | ~hp.integer
    snap_r = _restricted_snap(snap, bound, maximise)
    rounded = False
    ahead = getattr(hp, "rounded_ahead", None)
    hp.rounded_ahead = None
    if ahead == (hp.n_rows, hp.n_cols) and hp.step == Tier.TRAVEL.value:
        # preferred_travel.preferred_by_travel rounded this LP's vertex already (the LP is the same: the only
        # row added since is the preferred tier's keep row, which its plan keeps): its plan is
        # the incumbent, so the rounding and the MIP over the LP's columns are not run again
        rounded = True
    elif ROUND_LP and (not maximise or (ROUND_LP_PREFERRED and hp.step == "preferred")):
        before = hp.values
        stopped = _rounded_lp(hp, cost, maximise, lp_x, deadline, progress, snap_r)
        value = float(cost @ hp.values)
        rounded = hp.values is not before      # the rounding's plan was taken
        if hp._close(value, bound, maximise, snap is not None):
            return Result(value, bound, True, hp.values.copy())
        if stopped:
            return Result(value, bound, False, hp.values.copy(), stopped)
    if SKIP_RESTRICTED_TRAVEL and rounded and wide and WIDE_TRAVEL and hp.step == "travel":
        stopped = ""
    else:
        stopped, optimal = hp._restricted_mip(cost, sense, used, deadline, progress, snap_r)
    value = float(cost @ hp.values)
    if hp._close(value, bound, maximise, snap is not None):
        return Result(value, bound, True, hp.values.copy())
    if stopped or not wide:
        return Result(value, bound, False, hp.values.copy(), stopped)
    # Reduced-cost fixing: a column at zero whose reduced cost exceeds the gap cannot
    # be positive in any plan better than the incumbent, so the MIP over the others,
    # solved to optimality, is optimal for the whole part.
    gap = abs(bound - value)
    wider = used | (np.abs(rc) <= gap * (1 + 1e-9) + 1e-9)
    if WIDE_TRAVEL and hp.step == "travel":
        # no start, full presolve up to WIDE_PRESOLVE_MAX columns: measured on the region's
        # wide travel MIPs (5,986 and 2,175 columns), HiGHS 1.16 with presolve and our plan as
        # its start answered "optimal" at an objective its point does not have (so engine.py
        # solved it again without the start: the first solve was lost time), while without
        # the start full presolve closes the gap at the root: 0.5-0.7 s against 1.3 s light
        stopped, optimal = restricted(hp, cost, sense, wider, deadline, progress, snap,
                                      hint=False, presolve=int(wider.sum()) <= WIDE_PRESOLVE_MAX)
    else:
        stopped, optimal = hp._restricted_mip(cost, sense, wider, deadline, progress, snap)
    value = float(cost @ hp.values)
    proven = optimal or hp._close(value, bound, maximise, snap is not None)
    return Result(value, value if proven else bound, proven, hp.values.copy(), stopped)


def _restricted_snap(snap, bound: float, maximise: bool):
    """The snap for a MIP over some of the columns. A tolerance snap (``snap.rel``, the travel
    tier's b -> b + rel |b|) applied to such a MIP's own bound would stop it as soon as its
    plan is within the tolerance of the best plan *on its columns*, which proves nothing for
    the tier (region, a 16,735-option part: it stopped at 16,321.47, 2.4e-4 above the LP's
    tolerance, and the wide MIP then took 3.2 s; run on, the same MIP reaches the optimum
    16,316.56 in 0.2 s). So it stops once its plan is within the tolerance of the tier's LP
    bound (``bound``, snapped already), or at its own optimum. A grid snap is exact already."""
    if not getattr(snap, "rel", 0.0) or not RESTRICTED_AT_TIER_BOUND:
        return snap
    return (lambda d: min(bound, d)) if maximise else (lambda d: max(bound, d))


def _rounded_lp(hp: HighsPart, cost: np.ndarray, maximise: bool, lp_x: np.ndarray, deadline: float,
                progress: Progress | None, snap) -> str:
    """A better incumbent from the LP vertex: the MIP over the columns the LP uses, each
    whole column at least its LP value rounded down (the vertex is whole but for a few
    columns, so only their learners are left to place). A restriction, so it proves nothing
    by itself: the tier is proven only when the plan it finds is within the tier's snap of the
    LP bound. Returns the MIP's stop word when the tier must stop (cancelled, or the tier's
    deadline), else "" (it finished, found nothing, or its own share of the time ran out)."""
    keep = (lp_x > 1e-9) | ~hp.integer
    lo = np.where(hp.integer & keep, np.floor(lp_x + 1e-7), hp.col_lo)
    lo = np.minimum(np.maximum(lo, hp.col_lo), hp.col_up)
    now = time.perf_counter()
    # at most a quarter of the time left (at least a second): the MIPs after it need the rest
    own = min(deadline, now + max(ROUND_LP_MIN_S, ROUND_LP_SHARE * (deadline - now)))
    stopped, _ = restricted(hp, cost, maximise, keep, own, progress, snap, lo=lo, hint=False)
    return stopped if stopped == "cancelled" or time.perf_counter() >= deadline else ""


def held_fair_plan(hp: HighsPart, cost: np.ndarray, maximise: bool, deadline: float,
                    progress: Progress | None) -> tuple[np.ndarray | None, float | None]:
    """(plan or None, bound or None): the LP with the fair groups' fills held
    (``fair_hold``, set by fairness.leximin once its rounds are kept).

    With the fills held, the leximin columns (t, d) no longer touch the placements, and
    when each option uses one capacity row (one-week stays) the rows left (demand, fair
    group, capacity) are two laminar families, a network matrix: the vertex is whole and
    no MIP is needed (per-student region: the preferred tier's MIP over every column took
    15 s). The plan is a candidate incumbent. When the hold is *exact* (every plan that
    keeps the leximin rows has those fills, see fairness._fair_hold) the LP is solved
    over every column by pricing, and its value is a bound on the whole tier."""
    hold = hp.fair_hold
    if hold is None or not hp.network or time.perf_counter() >= deadline:
        return None, None
    phi, lo_h, up_h, exact = hold
    lo, up = hp.col_lo[phi].copy(), hp.col_up[phi].copy()
    hp.set_col_bounds(phi, lo_h, up_h)
    try:
        fresh = True
        while True:
            if hp.lp.run(deadline, progress, fresh) != "optimal":
                return None, None
            fresh = False
            if not exact:
                break
            rc = cost - hp.matrix().T @ hp.lp.y()
            gain = rc if maximise else -rc
            enter = np.flatnonzero((hp.pos < 0) & (gain > 1e-7) & (hp.col_up > 0))
            if not len(enter):
                break
            hp._activate(enter)
        x = np.zeros(hp.n_cols)
        x[hp.lp_cols] = hp.lp.x()
    finally:
        hp.set_col_bounds(phi, lo, up)
    bound = float(cost @ x) if exact else None
    # the hold is kept to HiGHS's tolerances (times the learners requested), so the
    # vertex can be off whole numbers by ~1e-5: round the placements and take every other
    # column (fills, leximin columns) from the incumbent, whose fills are the same; the
    # rows are then checked exactly as for any plan
    plan = np.r_[np.round(x[:hp.n_x]), hp.values[hp.n_x:]]
    if not hp._rows_hold(plan):
        return None, bound
    return plan, bound


def restricted(hp: HighsPart, cost, maximise: bool, keep, deadline, progress,
                    snap, step: str | None = None, lo: np.ndarray | None = None,
                    hint: bool = True, presolve: bool | None = None) -> tuple[str, bool]:
    """MIP over the ``keep`` columns (the others held at 0), from the incumbent; the
    incumbent becomes its answer when it has one that keeps every row and is no worse (an
    engine stopped before it took the start may answer with a worse plan). ``lo``: lower
    bounds of the columns instead of the part's (a restriction: its answer is a candidate
    plan, never a proof); ``hint=False``: no start (the incumbent may break ``lo``)."""
    cols = np.flatnonzero(keep)
    col_lo = hp.col_lo[cols] if lo is None else lo[cols]
    start = hp.values[cols] if hint else None
    word, x = restricted_mip(hp.matrix()[:, cols], cost[cols], col_lo,
                             hp.col_up[cols], hp.row_lo, hp.row_up,
                             hp.integer[cols], maximise, start, deadline,
                             progress, snap, hp.threads, step or hp.step, presolve)
    if x is not None:
        values = np.zeros(hp.n_cols)
        values[cols] = np.where(hp.integer[cols], np.round(x), x)
        old, new = float(cost @ hp.values), float(cost @ values)
        worse = (new < old if maximise else new > old) and \
            abs(new - old) > 1e-6 * max(1.0, abs(old))
        if hp._rows_hold(values) and not worse:
            hp.values = values
        elif word == "optimal" and lo is None:  # never "optimal" on a point that breaks a
            return "numerical", False  # row, nor below the incumbent, which the MIP may use
    if lo is not None:   # a restriction (no start): a candidate plan at most, never a proof,
        # and its best may be worse than the incumbent; only a stop is passed on
        return (word, False) if word in ("time_limit", "cancelled") else ("", False)
    if word == "optimal":
        return "", True
    return word, False
