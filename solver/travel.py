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
        hp._activate(np.arange(hp.n_x))
        if getattr(hp, "travel_warm", False):
            hp.travel_warm = False    # the LP is at its optimum (tier_solve.preferred_by_travel)
        elif TRAVEL_LP_COLD and hasattr(getattr(hp, "lp", None), "cold"):
            # measured on region part 0: 7,804 dual simplex pivots from the slack basis against
            # 8,737 from the placed tier's (the last this LP object solved)
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
