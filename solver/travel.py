"""The travel tier (learner-km, minimised) of one part, and the tolerance it may be proven to.

Exact, a big part's travel tier can take minutes: the region's 122,293-option part has an LP
bound of 67,472.13 and an optimum of 67,479.74 (1.13e-4 above it); the MIP over the 52,054
options reduced-cost fixing keeps needed 233 s to prove it, and HiGHS's bound did not move
off the LP's in 90 s of that MIP (measured; see solver/README.md, "Travel tolerance"). So a
part with ``TRAVEL_EXACT_BELOW`` options or more counts its travel tier as proven once the MIP
over the LP's columns is within ``TRAVEL_REL_GAP`` of the LP bound; the plan then says so
(``travel_messages``: the km, the proven bound and how far apart they are). Smaller parts, and
every part with ``TRAVEL_REL_GAP = 0``, are proven exactly (to 1e-7 relative), as before.
"""

from __future__ import annotations

import numpy as np

from placement_planner.solver.highs_part import HighsPart, Result
from placement_planner.solver.progress import Progress

# Learner-km within this fraction of the proven bound counts as proven (0: exact).
TRAVEL_REL_GAP = 5e-4
# Parts with fewer options than this are always proven exactly (the LP of such a part starts
# with every option, highs_part.ALL_COLUMNS_BELOW; its MIPs take well under a second).
TRAVEL_EXACT_BELOW = 20_000
# HighsPart's own test for "proven" on a tier without a grid of values (highs_part._close)
EXACT_REL = 1e-7


def solve_travel(hp: HighsPart, cost: np.ndarray, deadline: float,
                 progress: Progress | None = None,
                 rel_gap: float | None = None) -> tuple[Result, tuple[float, float]]:
    """(result, (km, bound)) of the travel tier: ``cost`` is the km per column (minimised).

    ``rel_gap`` (default ``TRAVEL_REL_GAP``) applies only to parts of ``TRAVEL_EXACT_BELOW``
    options or more: there the MIP over the LP's columns ends the tier when its km is within
    ``rel_gap`` of the LP bound; only when it is not does the MIP over every column reduced-cost
    fixing keeps run (to the exact optimum, or until the deadline). The result is ``proven``
    either exactly or within the tolerance; ``bound`` is the proven least possible km in both
    cases, so (km, bound) says which (NaN when not proven). A stopped tier is never proven."""
    tol = TRAVEL_REL_GAP if rel_gap is None else rel_gap
    if tol <= 0 or hp.n_x < TRAVEL_EXACT_BELOW:
        r = hp.solve(cost, False, deadline=deadline, progress=progress)
        return r, _figures(r)
    r = hp.solve(cost, False, deadline=deadline, progress=progress, wide=False)
    if r.stopped or r.proven or not within(r.value, r.bound, tol):
        if not (r.stopped or r.proven):
            # not within the tolerance: the exact path (the LP is warm, the MIP over its
            # columns starts from the incumbent it just found)
            r = hp.solve(cost, False, deadline=deadline, progress=progress)
        return r, _figures(r)
    r = Result(r.value, r.bound, True, r.values, r.stopped)
    return r, _figures(r)


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
    each with ``travel`` = (km, bound) or None. [] when every part is exact, or when some part's
    travel tier has no bound (the status then says the solve stopped)."""
    km_bounds = [r.travel for r in results if r.travel is not None]
    if not km_bounds or not all(np.isfinite(b) for _, b in km_bounds):
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
