"""Qt-free optimiser that turns PlanningData into a Plan: ``solve(data, options, progress)``.

data -> problem (pools, merged groups, pruned placement options) -> independent parts ->
one model per part solved tier by tier (highspy, or OR-Tools alone) -> plan rows. See
solver/README.md.

Importing this package loads no solver library: ``solve`` loads them when first called.
"""

from __future__ import annotations

from placement_planner.solver.options import SolveOptions
from placement_planner.solver.progress import Progress

__all__ = ["solve", "SolveOptions", "Progress"]


def solve(data, options: SolveOptions | None = None, progress: Progress | None = None):
    """The best plan by the enabled tiers; never prints, never raises for a bad plan."""
    from placement_planner.solver.pipeline import solve as _solve

    return _solve(data, options, progress)
