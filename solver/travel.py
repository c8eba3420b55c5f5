"""The travel tier (learner-km, minimised) of one part, and the tolerance it may be proven to.

Exact, a big part's travel tier can take minutes: the region's 122,293-option part has an LP
bound of 67,472.13 and an optimum of 67,479.74 (1.13e-4 above it); the MIP over the 52,054
options reduced-cost fixing keeps needed 233 s to prove it, and HiGHS's bound did not move
off the LP's in 90 s of that MIP (measured; see solver/README.md). The region's mid-sized parts
have integrality gaps of 0.07-0.19 % (LP bound against their optimum). So a part with
``TRAVEL_EXACT_BELOW`` options or more counts its travel tier as proven once its km is within
``TRAVEL_REL_GAP`` of a proven bound (the LP's, or a MIP's own bound), and the plan says so
(``travel_messages``: the km, the proven bound and how far apart they are). Smaller parts, and
every part with ``TRAVEL_REL_GAP = 0``, are proven exactly (to 1e-7 relative), as before.
"""

from __future__ import annotations

import numpy as np

from placement_planner.solver.highs_part import HighsPart, Result
from placement_planner.solver.progress import Progress

# Learner-km within this fraction of the proven bound counts as proven (0: exact).
TRAVEL_REL_GAP = 5e-4
# Parts with fewer options than this are always proven exactly (on the region their exact
# travel tier takes under 0.3 s; the demos' and the tests' parts are all below it).
TRAVEL_EXACT_BELOW = 5_000
# The travel LP starts with every option of a part up to this many (else column generation
# from the columns the tiers before it used). Region, the 122,293-option part, side by side
# (benchmarks/travel_hold.py --variant now --variant all, load 3.7): travel 3.9-5.9 s with four
# column-generation rounds, 2.4-3.6 s with every option at once (one dual simplex); the
# small-universities shape's 223,260-option part, 9.7-9.9 s against 4.8-4.9 s (the part alone,
# A B A B, idle). Parts on the PDLP path (300,000 options and more: the national's biggest) keep
# column generation: each of its rounds gives a bound if the time runs out.
ALL_COLUMNS_UPTO = 300_000
# The travel LP over every option starts from the slack basis, not from the last tier's.
TRAVEL_LP_COLD = True
# The travel LP leaves out the options another option of the same group and km dominates (see
# undominated): region part 0, 35,253 of 122,293 options, the LP 2.9 -> 2.1 s (7,804 -> 7,586
# pivots, the same optimum). Pricing after the LP (tier_solve.solve) still checks every option.
SKIP_DOMINATED = True
DOMINANCE_ROUNDS = 4
DOMINANCE_FROM = 5_000          # options; below it the LP takes every option (a few ms)
# HighsPart's own test for "proven" on a tier without a grid of values (highs_part._close)
EXACT_REL = 1e-7


def solve_travel(hp: HighsPart, cost: np.ndarray, deadline: float,
                 progress: Progress | None = None,
                 rel_gap: float | None = None) -> tuple[Result, tuple[float, float]]:
    """(result, (km, bound)) of the travel tier: ``cost`` is the km per column (minimised).

    ``rel_gap`` (default ``TRAVEL_REL_GAP``) applies only to parts of ``TRAVEL_EXACT_BELOW``
    options or more. There the tier is HighsPart.solve with a snap of b -> b + rel_gap |b|: it
    ends as soon as the incumbent is within that of the LP bound, and each MIP stops once its
    own bound is. Reduced-cost fixing against the snapped bound keeps this honest: a column it
    leaves out costs at least km - LP - rel_gap LP more than the LP, so the plan it could be in
    is no better than km - rel_gap LP. The bound returned is a proven least possible km: the
    LP's, or km / (1 + rel_gap) when a MIP closed. A stopped tier, or a gap left, is never
    proven, and its bound is NaN."""
    tol = TRAVEL_REL_GAP if rel_gap is None else rel_gap
    if hp.n_x <= ALL_COLUMNS_UPTO:
        # every option in the LP at once (one dual simplex, from the slack basis)
        if getattr(hp, "travel_warm", False):
            hp.travel_warm = False    # the LP is at its optimum (preferred_travel.preferred_by_travel)
        else:
            hp._activate(lp_columns(hp, cost))
            if TRAVEL_LP_COLD and hasattr(getattr(hp, "lp", None), "cold"):
                # measured on region part 0: 7,804 dual simplex pivots from the slack basis
                # against 8,737 from the placed tier's (the last this LP object solved)
                hp.lp.cold()
    if tol <= 0 or hp.n_x < TRAVEL_EXACT_BELOW:
        r = hp.solve(cost, False, deadline=deadline, progress=progress)
        return r, _figures(r)
    # The tolerance rides on HighsPart's snap (the values a plan can reach at or above a
    # bound b): b + tol |b|. HighsPart then calls the tier proven once the km is within that
    # of the LP bound, and its MIPs stop once their own bound is (engine._mip_callback).
    r = hp.solve(cost, False, deadline=deadline, progress=progress, snap=_tolerance(tol))
    if r.proven and not r.stopped:
        # the bound it returns is snapped (the LP's, or the km once a MIP closed): unsnap it
        bound = r.bound / (1.0 + tol) if r.bound >= 1.0 + tol else r.bound - tol
        bound = max(0.0, min(bound, r.value)) if r.value >= 0 else min(bound, r.value)
        r = Result(r.value, bound, True, r.values, r.stopped)
    return r, _figures(r)


def lp_columns(hp: HighsPart, cost: np.ndarray) -> np.ndarray:
    """The options the travel LP starts with: every option but those ``undominated`` leaves
    out (all of them with SKIP_DOMINATED off)."""
    if not SKIP_DOMINATED or hp.n_x < DOMINANCE_FROM:
        return np.arange(hp.n_x)
    return np.flatnonzero(undominated(hp.matrix(), hp.n_x, np.asarray(cost, float)[:hp.n_x],
                                      hp.model.rows.row[:hp.n_x], hp.row_lo, hp.row_up,
                                      hp.col_lo, hp.col_up))


def undominated(a, n: int, cost: np.ndarray, group: np.ndarray, row_lo: np.ndarray,
                row_up: np.ndarray, col_lo: np.ndarray, col_up: np.ndarray,
                rounds: int | None = None) -> np.ndarray:
    """Which of the first ``n`` columns of ``a`` (x >= 0, cost minimised) no other column
    dominates (a boolean mask). Column k dominates column j when both are in the same group
    (demand row), k costs no more, j's lower bound is 0, and moving any amount of j onto k keeps
    every row: on a row with both sides finite the two entries are equal, on a row with a lower
    side only k's entry is at least j's, on a row with an upper side only k's entry is at most
    j's. k's own bound must allow the move: it is at least what k's rows allow (the least
    upper side over entry, over k's rows with entries all >= 0), and on each such row j's
    entry is at least k's, so k plus j never exceeds it. Then every plan, and every LP
    solution, has one as good without j, so the LP over the columns kept has the same optimum.

    Candidates are options of one group with the same cost (the same site: the options of its
    start weeks); each round takes, per class, the column with the fewest entries as k and
    tests every other column of the class against it (region part 0: 35,253 of 122,293)."""
    rounds = DOMINANCE_ROUNDS if rounds is None else rounds
    ax = a[:, :n].tocsc()
    nnz = np.diff(ax.indptr)
    both = np.isfinite(row_lo) & np.isfinite(row_up)
    lower = np.isfinite(row_lo) & ~np.isfinite(row_up)
    # what k's rows allow it: rows with an upper side and no negative entry
    coo = a.tocoo()
    neg = np.zeros(a.shape[0], dtype=bool)
    neg[coo.row[coo.data < 0]] = True
    c = ax.tocoo()
    m = np.isfinite(row_up)[c.row] & ~neg[c.row] & (c.data > 0)
    allowed = np.full(n, np.inf)
    np.minimum.at(allowed, c.col[m], row_up[c.row[m]] / c.data[m])
    can_take = col_up[:n] >= allowed - 1e-9
    out = np.zeros(n, dtype=bool)
    open_ = np.ones(n, dtype=bool)            # not yet a k, nor left out
    for _ in range(rounds):
        idx = np.flatnonzero(open_)
        s = idx[np.lexsort((nnz[idx], cost[idx], group[idx]))]
        if len(s) < 2:
            break
        first = np.flatnonzero(np.r_[True, (group[s][1:] != group[s][:-1]) |
                                     (cost[s][1:] != cost[s][:-1])])
        k_of = np.repeat(s[first], np.diff(np.r_[first, len(s)]))
        test = k_of != s
        j, k = s[test], k_of[test]
        open_[s[first]] = False
        if not len(j):
            break
        d = (ax[:, j] - ax[:, k]).tocoo()          # j's entries less k's
        nz = d.data != 0
        r, col, v = d.row[nz], d.col[nz], d.data[nz]
        bad = np.zeros(len(j), dtype=bool)
        bad[col[both[r] | (lower[r] & (v > 0)) | (~both[r] & ~lower[r] & (v < 0))]] = True
        ok = ~bad & (col_lo[j] == 0) & (cost[k] <= cost[j]) & can_take[k] & (group[j] >= 0)
        out[j[ok]] = True
        open_[j[ok]] = False
    return ~out


def _tolerance(tol: float):
    def snap(b: float) -> float:
        return b + tol * max(1.0, abs(b))
    snap.rel = tol       # a tolerance, not a grid: tier_solve's restricted MIPs read it
    return snap


def _figures(r: Result) -> tuple[float, float]:
    """(km, proven bound); the bound is NaN when the tier is not proven (stopped, or a MIP
    left a gap), so no message calls that km near the least possible."""
    return r.value, (r.bound if r.proven and not r.stopped else float("nan"))


def within(value: float, bound: float, rel_gap: float) -> bool:
    """km ``value`` is no more than ``rel_gap`` (relative to the bound) above ``bound``."""
    return value - bound <= rel_gap * max(1.0, abs(bound))


def travel_messages(results) -> list[str]:
    """The plan's word on a travel tier proven only to the tolerance: its learner-km, the
    proven least possible and how far apart they are. ``results``: the parts' run.PartResult,
    each with ``travel`` = (km, bound), or None when its travel tier did not run. [] when every
    part is exact, or when some part's travel tier did not run or has no bound (the status then
    says the solve stopped): the km would not be the plan's."""
    km_bounds = [r.travel for r in results]
    if not km_bounds or any(t is None or not np.isfinite(t[1]) for t in km_bounds):
        return []
    km = sum(v for v, _ in km_bounds)
    bound = sum(b for _, b in km_bounds)
    loose = sum(1 for v, b in km_bounds if not within(v, b, EXACT_REL))
    if not loose:
        return []
    pct = 100.0 * (km - bound) / max(1.0, abs(bound))
    return [f"Learner-km {km:,.1f} is within {pct:.3f} % of the least possible (bound "
            f"{bound:,.1f}): the travel tier is proven to within {100 * TRAVEL_REL_GAP:g} % in "
            f"{loose} of {len(km_bounds)} parts of the plan, not exactly."]
