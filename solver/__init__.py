"""Qt-free optimiser that turns PlanningData into a Plan: ``solve(data, options, progress)``.

data -> problem (pools, merged groups, pruned placement options) -> independent parts ->
one HiGHS model per part solved tier by tier -> plan rows. See solver/README.md.

Importing this package loads no solver library: ``solve`` loads HiGHS when first called,
so a child process may load OR-Tools' PDLP instead (the two ship clashing HiGHS builds
and cannot share a process).
"""

from __future__ import annotations

from placement_planner.solver.options import SolveOptions
from placement_planner.solver.progress import Progress

__all__ = ["solve", "SolveOptions", "Progress"]


def solve(data, options: SolveOptions | None = None, progress: Progress | None = None):
    """The best plan by the enabled tiers; never prints, never raises for a bad plan."""
    from placement_planner.solver.pipeline import solve as _solve

    return _solve(data, options, progress)
