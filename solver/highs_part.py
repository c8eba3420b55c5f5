"""One part's model, re-solved tier after tier with new objectives and rows.

This module keeps the part's columns and rows (the model) and runs each tier: the LP
relaxation by column generation on the engine's LP (engine.py: highspy kept warm, or
OR-Tools GLOP reading the part's arrays; ``step`` names the tier being run, and
engine.PER_STEP picks the LP and MIP engine for it) gives the proven bound (bound.py turns any duals into one); then the MIP over
the columns the LP or the incumbent uses (mip.py), then over those reduced-cost fixing
cannot exclude. Fixing a finished tier is ``keep_at_least``. When a gap is left, it is
reported, never hidden.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.sparse import coo_matrix, csc_matrix

from placement_planner.solver import engine
from placement_planner.solver.bound import lagrangian_bound
from placement_planner.solver.mip import restricted_mip
from placement_planner.solver.model import PartModel
from placement_planner.solver.progress import Progress
# A part with fewer options starts its LP with all of them (no column generation).
ALL_COLUMNS_BELOW = 20000
FIRST_PER_GROUP = 24


@dataclass
class Result:
    value: float            # objective of the incumbent
    bound: float            # proven bound of this objective (the LP relaxation)
    proven: bool            # optimal within the requested gap
    values: np.ndarray      # all column values (x rounded to whole learners)
    stopped: str = ""       # "", "time_limit", "cancelled", "infeasible", "numerical", "error"


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
        """Fix a finished tier: its objective may not get worse than ``value``. ``exact``: the
        tier's values lie on a grid (a snap), so the row keeps the value itself (to rounding
        noise). A slack of 1e-6 |value| there let the next tiers' LPs shave off a fraction
        of a learner (region, 5,114 placed: 0.005 learner), which made their vertices
        fractional (105 fractional columns in the travel LP against 42 without)."""
        cols = np.flatnonzero(cost)
        slack = (1e-9 if exact else 1e-6) * max(1.0, abs(value))
        lo, hi = (value - slack, np.inf) if maximise else (-np.inf, value + slack)
        self.add_rows(np.zeros(len(cols), np.int64), cols, cost[cols], [lo], [hi])

    # ---- solving -----------------------------------------------------------------------
    def keep_locked(self, deadline: float) -> bool:
        """A first plan that keeps every Locked row (so even a stopped solve keeps them);
        False when the locked rows cannot all be kept."""
        needed = self.model.rows.lower > 0
        if not needed.any():
            return True
        r = self.model.rows
        cols = np.unique(r.col[needed[r.row]])
        keep = np.zeros(self.n_cols, dtype=bool)
        keep[cols] = True
        status, _ = self._restricted_mip(np.zeros(self.n_cols), True, keep, deadline, None,
                                         whole(True), step="locks")
        self._activate(cols)
        return status != "infeasible"

    def solve(self, cost: np.ndarray, maximise: bool, *, deadline: float,
              snap: Callable[[float], float] | None = None,
              progress: Progress | None = None, phase: str = "",
              lp_only: bool = False, wide: bool = True) -> Result:
        """Optimise ``cost`` (one entry per column): LP bound, then the restricted MIP.
        ``lp_only``: stop after the LP; the bound is then the Lagrangian bound of its final
        duals over every column (valid whatever the LP's tolerances), and ``proven`` is False.
        ``wide=False``: no MIP over the columns reduced-cost fixing keeps (the caller may prove
        the incumbent another way first)."""
        cost = np.asarray(cost, float)
        sense = maximise
        h = self.lp
        self.cost, self.maximise = cost, maximise
        self._activate(np.flatnonzero(self.values > 1e-9))
        for lp in self._warm.values():
            lp.set_objective(cost[self.lp_cols], maximise)
        value = float(cost @ self.values)
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
                return Result(value, best_bound, False, self.values.copy(), word)
            # price every column with the row duals: rc = cost - A'y, for all options
            y = h.y()
            rc = cost - self.matrix().T @ y
            gain = rc if maximise else -rc
            enter = np.flatnonzero((self.pos < 0) & (gain > 1e-7) & (self.col_up > 0))
            if not len(enter):
                break
            lag = self.lagrangian_bound(cost, y, maximise)
            best_bound = min(best_bound, lag) if maximise else max(best_bound, lag)
            if progress is not None:
                progress.report(best=value, bound=best_bound)
            limit = max(2000, len(self.lp_cols) // 2)
            if len(enter) > limit:
                enter = enter[np.argpartition(-gain[enter], limit)[:limit]]
            self._activate(enter)
        if lp_only:
            return Result(value, self.lagrangian_bound(cost, y, maximise), False,
                          self.values.copy())
        lp_x = np.zeros(self.n_cols)
        lp_x[self.lp_cols] = h.x()
        bound = float(cost @ lp_x)
        if progress is not None:
            progress.report(best=value, bound=bound)
        if snap is not None:   # the best value a plan can reach at or below the bound
            bound = snap(bound)
        if self._close(value, bound, maximise, snap is not None):
            return Result(value, bound, True, self.values.copy())
        on_integer = self.integer & (np.abs(lp_x - np.round(lp_x)) > 1e-7)
        if not on_integer.any() and self._rows_hold(lp_x):   # the LP vertex is whole already
            self.values = np.where(self.integer, np.round(lp_x), lp_x)
            return Result(float(cost @ self.values), bound, True, self.values.copy())
        held, held_bound = self._held_fair_plan(cost, maximise, deadline, progress)
        if held_bound is not None:        # the hold is exact: its LP bounds the whole tier
            held_bound = snap(held_bound) if snap is not None else held_bound
            bound = min(bound, held_bound) if maximise else max(bound, held_bound)
        if held is not None and (cost @ held > value if maximise else cost @ held < value):
            self.values, value = held, float(cost @ held)
        if self._close(value, bound, maximise, snap is not None):
            return Result(value, bound, True, self.values.copy())
        used = (lp_x > 1e-9) | (self.values > 1e-9) | ~self.integer
        stopped, optimal = self._restricted_mip(cost, sense, used, deadline, progress, snap)
        value = float(cost @ self.values)
        if self._close(value, bound, maximise, snap is not None):
            return Result(value, bound, True, self.values.copy())
        if stopped or not wide:
            return Result(value, bound, False, self.values.copy(), stopped)
        # Reduced-cost fixing: a column at zero whose reduced cost exceeds the gap cannot
        # be positive in any plan better than the incumbent, so the MIP over the others,
        # solved to optimality, is optimal for the whole part.
        gap = abs(bound - value)
        wider = used | (np.abs(rc) <= gap * (1 + 1e-9) + 1e-9)
        stopped, optimal = self._restricted_mip(cost, sense, wider, deadline, progress, snap)
        value = float(cost @ self.values)
        proven = optimal or self._close(value, bound, maximise, snap is not None)
        return Result(value, value if proven else bound, proven, self.values.copy(), stopped)

    def _held_fair_plan(self, cost: np.ndarray, maximise: bool, deadline: float,
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
        hold = self.fair_hold
        if hold is None or not self.network or time.perf_counter() >= deadline:
            return None, None
        phi, lo_h, up_h, exact = hold
        lo, up = self.col_lo[phi].copy(), self.col_up[phi].copy()
        self.set_col_bounds(phi, lo_h, up_h)
        try:
            fresh = True
            while True:
                if self.lp.run(deadline, progress, fresh) != "optimal":
                    return None, None
                fresh = False
                if not exact:
                    break
                rc = cost - self.matrix().T @ self.lp.y()
                gain = rc if maximise else -rc
                enter = np.flatnonzero((self.pos < 0) & (gain > 1e-7) & (self.col_up > 0))
                if not len(enter):
                    break
                self._activate(enter)
            x = np.zeros(self.n_cols)
            x[self.lp_cols] = self.lp.x()
        finally:
            self.set_col_bounds(phi, lo, up)
        bound = float(cost @ x) if exact else None
        # the hold is kept to HiGHS's tolerances (times the learners requested), so the
        # vertex can be off whole numbers by ~1e-5: round the placements and take every other
        # column (fills, leximin columns) from the incumbent, whose fills are the same; the
        # rows are then checked exactly as for any plan
        plan = np.r_[np.round(x[:self.n_x]), self.values[self.n_x:]]
        if not self._rows_hold(plan):
            return None, bound
        return plan, bound

    def lagrangian_bound(self, cost: np.ndarray, y: np.ndarray, maximise: bool) -> float:
        """A bound over ALL columns from any row prices (see bound.lagrangian_bound)."""
        return lagrangian_bound(self.matrix(), self.row_lo, self.row_up, self.col_lo,
                                self.col_up, cost, y, maximise, self.model.rows.n_demand)

    def _restricted_mip(self, cost, maximise: bool, keep, deadline, progress,
                        snap, step: str | None = None) -> tuple[str, bool]:
        """MIP over the ``keep`` columns (the others held at 0), from the incumbent; the
        incumbent becomes its answer when it has one that keeps every row and is no worse (an
        engine stopped before it took the start may answer with a worse plan)."""
        cols = np.flatnonzero(keep)
        word, x = restricted_mip(self.matrix()[:, cols], cost[cols], self.col_lo[cols],
                                 self.col_up[cols], self.row_lo, self.row_up,
                                 self.integer[cols], maximise, self.values[cols], deadline,
                                 progress, snap, self.threads, step or self.step)
        if x is not None:
            values = np.zeros(self.n_cols)
            values[cols] = np.where(self.integer[cols], np.round(x), x)
            old, new = float(cost @ self.values), float(cost @ values)
            worse = (new < old if maximise else new > old) and \
                abs(new - old) > 1e-6 * max(1.0, abs(old))
            if self._rows_hold(values) and not worse:
                self.values = values
            elif word == "optimal":      # never "optimal" on a point that breaks a row, nor
                return "numerical", False  # below the incumbent, which the MIP may use
        if word == "optimal":
            return "", True
        return word, False

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
