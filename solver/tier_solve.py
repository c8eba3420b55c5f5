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
# The preferred tier proven by a relaxation and the travel LP (see preferred_by_travel).
PREFERRED_BY_TRAVEL = True
TRAVEL_LP_FIRST = True

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
        r = preferred_by_travel(hp, cost, deadline, progress)
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
        # preferred_by_travel rounded this LP's vertex already (the LP is the same: the only
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
