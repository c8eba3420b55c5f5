"""The MIP step of a tier: the integer model over some of a part's columns, from the
incumbent, on the engine's MIP (engine.py), stopping at the deadline or once the bound,
snapped to the values a plan can reach, meets the incumbent."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csc_matrix

from placement_planner.solver import engine
from placement_planner.solver.progress import Progress

# Full presolve helps small MIPs; on bigger ones it ran far past the time limit (a 28,000-column
# leximin round: 80 s over), and no callback can stop it: they get HiGHS's light presolve.
PRESOLVE_MAX_COLUMNS = 1000


def restricted_mip(a: csc_matrix, cost, col_lo, col_up, row_lo, row_up, integer, maximise: bool,
                   hint, deadline: float, progress: Progress | None, snap,
                   threads: int, step: str = "journeys",
                   presolve: bool | None = None) -> tuple[str, np.ndarray | None]:
    """(status word, x or None) on the engine chosen for ``step`` (engine.PER_STEP; the
    default is the split of a journey class into learners' paths, journeys.py).
    "optimal" also when snap(bound) meets the incumbent. ``presolve``: full presolve (default:
    below ``PRESOLVE_MAX_COLUMNS`` columns)."""
    if presolve is None:
        presolve = a.shape[1] <= PRESOLVE_MAX_COLUMNS
    word, x = engine.solve_mip(a, np.asarray(cost, float), col_lo, col_up, row_lo, row_up,
                               integer, maximise,
                               None if hint is None else np.asarray(hint, float), deadline, progress,
                               snap, threads, presolve=presolve,
                               engine=engine.engine_for(step, "mip"))
    return word, x
