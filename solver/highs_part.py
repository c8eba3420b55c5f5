"""One part's model, re-solved tier after tier with new objectives and rows.

Split by responsibility:
- this module: the part's columns and rows (the model), the columns in the LP (column
  generation), and the LP on the engine chosen for the step being run (engine.py:
  highspy kept warm, or OR-Tools GLOP reading the part's arrays; ``step`` names the tier,
  engine.PER_STEP picks the LP and MIP engine for it);
- tier_solve.py: one tier, the LP bound by column generation (bound.py turns any duals into
  a bound), then the MIP over the columns the LP or the incumbent uses (mip.py), then over
  those reduced-cost fixing cannot exclude; the snaps that round a bound to reachable values;
- fixing.py: a finished tier or a lock fixed as a row (``keep_at_least``, ``keep_locked``).
When a gap is left, it is reported, never hidden.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.sparse import coo_matrix, csc_matrix

from placement_planner.solver import engine, fixing, tier_solve
from placement_planner.solver.tier_solve import Result  # noqa: F401 (re-exported)
from placement_planner.solver.bound import lagrangian_bound
from placement_planner.solver.model import PartModel
from placement_planner.solver.progress import Progress
# A part with fewer options starts its LP with all of them (no column generation).
ALL_COLUMNS_BELOW = 20000
FIRST_PER_GROUP = 24


class HighsPart:
    def __init__(self, model: PartModel, threads: int = 1) -> None:
        self.model = model
        self.threads = threads
        self.n_x = len(model.ub)
        self.n_cols = self.n_x
        r = model.rows
        self._rows = [(r.row, r.col, r.val)]
        self._matrix = None
        self.n_rows = r.n
        self.row_lo, self.row_up = r.lower.astype(float), r.upper.astype(float)
        self.col_lo, self.col_up = np.zeros(self.n_x), model.ub.astype(float)
        self.integer = np.ones(self.n_x, dtype=bool)
        self.values = np.zeros(self.n_x)
        self.cost = np.zeros(self.n_x)
        self.maximise = True
        # the step being run (a tier's value, or "locks"): engine.engine_for(step, ...) picks
        # the LP and MIP engine; set by each tier's objective (tiers.py) and by leximin
        self.step = "placed"
        self._warm: dict = {}              # the LPs kept warm (highspy), made on first use
        self._glop = engine.OrtoolsLP(self._lp_arrays, threads)
        self.pos = np.full(self.n_x, -1, dtype=np.int64)
        self.lp_cols = np.zeros(0, dtype=np.int64)
        # (fill columns, lower, upper, exact): set by fairness.leximin once its rounds are
        # kept; the lower tiers try the LP with the fills held there (see _held_fair_plan)
        self.fair_hold: tuple | None = None
        # every option in at most one capacity row and no journey row (one-week stays): with
        # the fills held, the rows (demand with the locks inside them, fair groups; capacity)
        # are two laminar families, a network matrix, so the held LPs are worth trying
        other = np.isin(r.kind[r.row], ("capacity", "journey"))
        per_col = np.bincount(r.col[other], minlength=self.n_x)
        self.network = bool(per_col.size == 0 or per_col.max() <= 1)
        self._activate(_first_columns(model))

    @property
    def lp(self):
        """The LP (columns ``lp_cols``, every row) on the engine chosen for the step. The warm
        highspy LP, once made, follows every change; GLOP through model_builder reads the
        part's arrays at each run."""
        name = engine.engine_for(self.step, "lp")
        if name == "ortools":
            return self._glop
        if name not in self._warm:
            c = self.lp_cols
            lp = engine.HighspyLP(self.row_lo, self.row_up, self.threads)
            lp.add_cols(self.cost[c], self.col_lo[c], self.col_up[c], self.matrix()[:, c])
            lp.set_objective(self.cost[c], self.maximise)
            self._warm[name] = lp
        return self._warm[name]

    def _lp_arrays(self) -> tuple:
        c = self.lp_cols
        return (self.matrix()[:, c], self.cost[c], self.col_lo[c], self.col_up[c],
                self.row_lo, self.row_up, self.maximise)

    def _activate(self, cols: np.ndarray) -> None:
        """Columns enter the LP (column generation): with every row they appear in."""
        cols = np.asarray(cols, dtype=np.int64)
        cols = cols[self.pos[cols] < 0]
        if not len(cols):
            return
        for lp in self._warm.values():
            lp.add_cols(self.cost[cols], self.col_lo[cols], self.col_up[cols],
                        self.matrix()[:, cols])
        self.pos[cols] = len(self.lp_cols) + np.arange(len(cols))
        self.lp_cols = np.r_[self.lp_cols, cols]

    # ---- building ----------------------------------------------------------------------
    def add_cols(self, lower, upper, integer: bool = False) -> np.ndarray:
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        n = len(lower)
        for lp in self._warm.values():
            lp.add_cols(np.zeros(n), lower, upper, csc_matrix((self.n_rows, n)))
        idx = np.arange(self.n_cols, self.n_cols + n, dtype=np.int32)
        self.n_cols += n
        self._matrix = None
        self.col_lo, self.col_up = np.r_[self.col_lo, lower], np.r_[self.col_up, upper]
        self.integer = np.r_[self.integer, np.full(n, integer)]
        self.values = np.r_[self.values, np.clip(np.zeros(n), lower, upper)]
        self.cost = np.r_[self.cost, np.zeros(n)]
        self.pos = np.r_[self.pos, len(self.lp_cols) + np.arange(n)]
        self.lp_cols = np.r_[self.lp_cols, idx]
        return idx

    def add_rows(self, row, col, val, lower, upper) -> np.ndarray:
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        row, col, val = np.asarray(row), np.asarray(col), np.asarray(val, float)
        self._rows.append((row + self.n_rows, col, val))
        self._matrix = None
        if self._warm:
            live = self.pos[col] >= 0
            m = coo_matrix((val[live], (row[live], self.pos[col[live]])),
                           shape=(len(lower), len(self.lp_cols))).tocsr()
            for lp in self._warm.values():
                lp.add_rows(lower, upper, m)
        idx = np.arange(self.n_rows, self.n_rows + len(lower), dtype=np.int32)
        self.n_rows += len(lower)
        self.row_lo, self.row_up = np.r_[self.row_lo, lower], np.r_[self.row_up, upper]
        return idx

    def set_row_bounds(self, idx, lower, upper) -> None:
        idx = np.asarray(idx, np.int32)
        self.row_lo[idx], self.row_up[idx] = lower, upper
        for lp in self._warm.values():
            lp.set_row_bounds(idx, self.row_lo[idx], self.row_up[idx])

    def set_col_bounds(self, idx, lower, upper) -> None:
        idx = np.asarray(idx, np.int64)
        self.col_lo[idx], self.col_up[idx] = lower, upper
        idx = idx[self.pos[idx] >= 0]
        for lp in self._warm.values():
            lp.set_col_bounds(self.pos[idx], self.col_lo[idx], self.col_up[idx])

    def keep_at_least(self, cost: np.ndarray, value: float, maximise: bool,
                      exact: bool = False) -> None:
        """Fix a finished tier (fixing.keep_at_least)."""
        fixing.keep_at_least(self, cost, value, maximise, exact)

    # ---- solving -----------------------------------------------------------------------
    def keep_locked(self, deadline: float) -> bool:
        """A first plan that keeps every Locked row (fixing.keep_locked)."""
        return fixing.keep_locked(self, deadline)

    def solve(self, cost: np.ndarray, maximise: bool, *, deadline: float,
              snap: Callable[[float], float] | None = None,
              progress: Progress | None = None, phase: str = "",
              lp_only: bool = False, wide: bool = True) -> Result:
        """Optimise ``cost``: LP bound by column generation, then the MIPs (tier_solve.solve)."""
        return tier_solve.solve(self, cost, maximise, deadline=deadline, snap=snap,
                                progress=progress, phase=phase, lp_only=lp_only, wide=wide)

    def _held_fair_plan(self, cost: np.ndarray, maximise: bool, deadline: float,
                        progress: Progress | None) -> tuple[np.ndarray | None, float | None]:
        """The LP with the fair fills held (tier_solve.held_fair_plan)."""
        return tier_solve.held_fair_plan(self, cost, maximise, deadline, progress)

    def lagrangian_bound(self, cost: np.ndarray, y: np.ndarray, maximise: bool) -> float:
        """A bound over ALL columns from any row prices (see bound.lagrangian_bound)."""
        return lagrangian_bound(self.matrix(), self.row_lo, self.row_up, self.col_lo,
                                self.col_up, cost, y, maximise, self.model.rows.n_demand)

    def _restricted_mip(self, cost, maximise: bool, keep, deadline, progress,
                        snap, step: str | None = None) -> tuple[str, bool]:
        """MIP over the ``keep`` columns from the incumbent (tier_solve.restricted)."""
        return tier_solve.restricted(self, cost, maximise, keep, deadline, progress, snap, step)

    def matrix(self) -> csc_matrix:
        if self._matrix is None:
            row, col, val = (np.concatenate(p) for p in zip(*self._rows))
            self._matrix = csc_matrix((val, (row, col)), shape=(self.n_rows, self.n_cols))
        return self._matrix

    def _rows_hold(self, x: np.ndarray) -> bool:
        act = self.matrix() @ x
        return bool(np.all(act >= self.row_lo - 1e-6) and np.all(act <= self.row_up + 1e-6))

    @staticmethod
    def _close(value: float, bound: float, maximise: bool, integral: bool) -> bool:
        tol = 1e-6 if integral else 1e-7 * max(1.0, abs(bound))
        return (bound - value <= tol) if maximise else (value - bound <= tol)

    @staticmethod
    def why_stopped(progress: Progress | None) -> str:
        return engine.why_stopped(progress)


def _first_columns(model: PartModel) -> np.ndarray:
    """The LP starts from each group's nearest options (and preferred / previous ones);
    pricing brings in the rest only where the duals ask for them."""
    n = len(model.ub)
    if n <= ALL_COLUMNS_BELOW:
        return np.arange(n)
    group = model.rows.row[:n]            # demand rows come first, one per column
    order = np.lexsort((model.km, group))
    g_sorted = group[order]
    rank = np.arange(n) - np.searchsorted(g_sorted, g_sorted)
    first = order[rank < FIRST_PER_GROUP]
    extra = np.flatnonzero((model.preferred > 0) | (model.previous > 0))
    return np.unique(np.concatenate([first, extra]))
