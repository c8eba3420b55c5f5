"""One part's model held in HiGHS, re-solved tier after tier with new objectives and rows.

Each tier is solved in two steps. The LP relaxation of the whole part (kept warm in one
HiGHS object, so each tier starts from the last basis) gives the proven bound. Then the
integer model restricted to the columns the LP or the incumbent uses is solved as a MIP,
from the incumbent as a hint; the transportation-like structure makes that small model
close the gap almost always. When it does not, the gap is reported, never hidden.

Only numbers leave the HiGHS callback: best value and bound go into Progress, and a
cancel request or the deadline interrupts the search (the incumbent is kept).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import highspy
import numpy as np
from scipy.sparse import coo_matrix, csc_matrix

from placement_planner.solver.model import PartModel
from placement_planner.solver.progress import Progress

_STATUS = highspy.HighsModelStatus
# A part with fewer options starts its LP with all of them (no column generation).
ALL_COLUMNS_BELOW = 20000
FIRST_PER_GROUP = 24
PRESOLVE_MAX_COLUMNS = 5000


@dataclass
class Result:
    value: float            # objective of the incumbent
    bound: float            # proven bound of this objective (the LP relaxation)
    proven: bool            # optimal within the requested gap
    values: np.ndarray      # all column values (x rounded to whole learners)
    stopped: str = ""       # "", "time_limit", "cancelled", "infeasible", "numerical", "error"


def _new_highs(threads: int) -> highspy.Highs:
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("threads", int(threads))
    # Presolve would rebuild the model after every added column or row and lose the basis
    # that column generation and the later tiers start from.
    h.setOptionValue("presolve", "off")
    return h


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
        self.lp = _new_highs(threads)
        lp = highspy.HighsLp()
        lp.num_row_ = r.n
        lp.row_lower_, lp.row_upper_ = self.row_lo, self.row_up
        self.lp.passModel(lp)
        self._watch = (None, np.inf)      # (progress, deadline) the simplex callback reads
        self.lp.cbSimplexInterrupt += self._stop_simplex
        self.pos = np.full(self.n_x, -1, dtype=np.int64)
        self.lp_cols = np.zeros(0, dtype=np.int64)
        self._activate(_first_columns(model))

    def _stop_simplex(self, e) -> None:
        progress, deadline = self._watch
        if (progress is not None and progress.cancelled) or time.perf_counter() > deadline:
            e.interrupt()

    def _activate(self, cols: np.ndarray) -> None:
        """Columns enter the LP (column generation): with every row they appear in."""
        cols = np.asarray(cols, dtype=np.int64)
        cols = cols[self.pos[cols] < 0]
        if not len(cols):
            return
        a = self.matrix()[:, cols]
        self.lp.addCols(len(cols), self.cost[cols], self.col_lo[cols], self.col_up[cols],
                        a.nnz, a.indptr[:-1].astype(np.int32), a.indices.astype(np.int32),
                        a.data)
        self.pos[cols] = len(self.lp_cols) + np.arange(len(cols))
        self.lp_cols = np.r_[self.lp_cols, cols]

    # ---- building ----------------------------------------------------------------------
    def add_cols(self, lower, upper, integer: bool = False) -> np.ndarray:
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        n = len(lower)
        self.lp.addCols(n, np.zeros(n), lower, upper, 0, np.zeros(n, np.int32),
                        np.zeros(0, np.int32), np.zeros(0))
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
        live = self.pos[col] >= 0
        m = coo_matrix((val[live], (row[live], self.pos[col[live]])),
                       shape=(len(lower), len(self.lp_cols))).tocsr()
        self.lp.addRows(len(lower), lower, upper, m.nnz, m.indptr[:-1].astype(np.int32),
                        m.indices.astype(np.int32), m.data)
        idx = np.arange(self.n_rows, self.n_rows + len(lower), dtype=np.int32)
        self.n_rows += len(lower)
        self.row_lo, self.row_up = np.r_[self.row_lo, lower], np.r_[self.row_up, upper]
        return idx

    def set_row_bounds(self, idx, lower, upper) -> None:
        idx = np.asarray(idx, np.int32)
        self.row_lo[idx], self.row_up[idx] = lower, upper
        self.lp.changeRowsBounds(len(idx), idx, self.row_lo[idx], self.row_up[idx])

    def set_col_bounds(self, idx, lower, upper) -> None:
        idx = np.asarray(idx, np.int64)
        self.col_lo[idx], self.col_up[idx] = lower, upper
        idx = idx[self.pos[idx] >= 0]
        self.lp.changeColsBounds(len(idx), self.pos[idx].astype(np.int32), self.col_lo[idx],
                                 self.col_up[idx])

    def keep_at_least(self, cost: np.ndarray, value: float, maximise: bool) -> None:
        """Fix a finished tier: its objective may not get worse than ``value``."""
        cols = np.flatnonzero(cost)
        slack = 1e-6 * max(1.0, abs(value))
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
        status, _ = self._restricted_mip(np.zeros(self.n_cols), highspy.ObjSense.kMaximize,
                                         keep, deadline, None, whole(True))
        self._activate(cols)
        return status != "infeasible"

    def solve(self, cost: np.ndarray, maximise: bool, *, deadline: float,
              snap: Callable[[float], float] | None = None,
              progress: Progress | None = None, phase: str = "") -> Result:
        """Optimise ``cost`` (one entry per column): LP bound, then the restricted MIP."""
        cost = np.asarray(cost, float)
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        h = self.lp
        self.cost = cost
        self._activate(np.flatnonzero(self.values > 1e-9))
        h.changeColsCost(len(self.lp_cols), np.arange(len(self.lp_cols), dtype=np.int32),
                         cost[self.lp_cols])
        h.changeObjectiveSense(sense)
        value = float(cost @ self.values)
        self._watch = (progress, deadline)
        # Column generation. Every round's duals give a valid bound on the whole part
        # (lagrangian_bound), so a round cut short by the time limit still reports an
        # honest bound and gap instead of none.
        best_bound = np.inf if maximise else -np.inf
        h.setOptionValue("simplex_strategy", 1)   # a new objective: dual simplex (measured faster)
        while True:
            h.setOptionValue("time_limit", max(0.05, deadline - time.perf_counter()))
            h.run()
            if h.getModelStatus() != _STATUS.kOptimal:
                return Result(value, best_bound, False, self.values.copy(),
                              self.lp_trouble(h.getModelStatus(), progress, deadline))
            # From an optimal basis, new columns or a new objective keep it primal feasible:
            # primal simplex re-solves in a few hundred pivots where dual simplex starts over
            # (measured on the national Adult Nursing part: 0.07 s against 0.7 s).
            h.setOptionValue("simplex_strategy", 4)
            # price every column with the row duals: rc = cost - A'y, for all options
            y = np.asarray(h.getSolution().row_dual, dtype=float)
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
        lp_x = np.zeros(self.n_cols)
        lp_x[self.lp_cols] = np.asarray(h.getSolution().col_value, dtype=float)
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
        used = (lp_x > 1e-9) | (self.values > 1e-9) | ~self.integer
        stopped, optimal = self._restricted_mip(cost, sense, used, deadline, progress, snap)
        value = float(cost @ self.values)
        if self._close(value, bound, maximise, snap is not None):
            return Result(value, bound, True, self.values.copy())
        if stopped:
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

    def lagrangian_bound(self, cost: np.ndarray, y: np.ndarray, maximise: bool) -> float:
        """A bound on the objective over ALL columns from any row prices ``y``.

        For max c.x with lo <= Ax <= up and cl <= x <= cu:
        c.x = (c - A'y).x + y.(Ax) <= sum_j max(rc_j cu_j, rc_j cl_j) + sum_r max(y_r up_r, y_r lo_r).
        Valid for every y (prices on an infinite side are dropped), so the duals of a
        restricted LP bound the full LP, and so every plan, before column generation ends.
        """
        sign = 1.0 if maximise else -1.0
        c = sign * cost
        up_ok, lo_ok = np.isfinite(self.row_up), np.isfinite(self.row_lo)
        bounds = []
        for prices in (np.asarray(y, dtype=float), -np.asarray(y, dtype=float)):  # either sign convention
            prices = np.where((prices > 0) & ~up_ok, 0.0, np.where((prices < 0) & ~lo_ok, 0.0, prices))
            rc = c - self.matrix().T @ prices
            rows = np.where(prices > 0, prices * np.where(up_ok, self.row_up, 0.0),
                            prices * np.where(lo_ok, self.row_lo, 0.0))
            cols = np.where(rc > 0, rc * self.col_up, rc * self.col_lo)
            bounds.append(float(rows.sum() + cols.sum()))
        return sign * min(bounds)

    def _restricted_mip(self, cost, sense, keep, deadline, progress,
                        snap: Callable[[float], float] | None) -> tuple[str, bool]:
        """MIP over the ``keep`` columns (the others held at 0), from the incumbent."""
        cols = np.flatnonzero(keep)
        a = self.matrix()[:, cols]
        m = _new_highs(self.threads)
        m.setOptionValue("mip_rel_gap", 1e-7)
        # presolve helps small MIPs; on bigger ones it ran far past the time limit (a
        # 28,000-column leximin round: 80 s over), and no callback can stop it
        m.setOptionValue("presolve", "off" if len(cols) > PRESOLVE_MAX_COLUMNS else "on")
        # the search stops once the bound, snapped to the values a plan can reach, meets
        # the incumbent (the callback); kilometres must close to a tiny gap
        m.setOptionValue("mip_abs_gap", 1e-9)
        m.setOptionValue("time_limit", max(0.05, deadline - time.perf_counter()))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(cols), self.n_rows
        lp.col_cost_ = cost[cols]
        lp.col_lower_, lp.col_upper_ = self.col_lo[cols], self.col_up[cols]
        lp.row_lower_, lp.row_upper_ = self.row_lo, self.row_up
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else
                           highspy.HighsVarType.kContinuous for i in self.integer[cols]]
        lp.sense_ = sense
        m.passModel(lp)
        sol = highspy.HighsSolution()
        sol.col_value = list(self.values[cols])
        sol.value_valid = True
        m.setSolution(sol)
        maximise = sense == highspy.ObjSense.kMaximize
        closed = [False]
        m.cbMipInterrupt += _interrupt_when(progress, deadline, snap, maximise, closed)
        m.cbSimplexInterrupt += _interrupt_when(progress, deadline, None, maximise, closed,
                                                lp=True)
        m.run()
        if m.getInfo().primal_solution_status == 2:
            x = np.asarray(m.getSolution().col_value, dtype=float)
            values = np.zeros(self.n_cols)
            values[cols] = np.where(self.integer[cols], np.round(x), x)
            self.values = values
        status = m.getModelStatus()
        if status == _STATUS.kOptimal or closed[0]:
            return "", True
        return self.lp_trouble(status, progress, deadline), False

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
        return "cancelled" if progress is not None and progress.cancelled else "time_limit"

    @classmethod
    def lp_trouble(cls, status, progress: Progress | None, deadline: float) -> str:
        """What a HiGHS status other than optimal means for the plan, in one word."""
        if status == _STATUS.kInfeasible:
            return "infeasible"
        if status in (_STATUS.kTimeLimit, _STATUS.kInterrupt, _STATUS.kHighsInterrupt,
                      _STATUS.kIterationLimit, _STATUS.kSolutionLimit, _STATUS.kObjectiveBound,
                      _STATUS.kObjectiveTarget):
            return cls.why_stopped(progress)
        if status in (_STATUS.kSolveError, _STATUS.kPostsolveError, _STATUS.kUnknown,
                      _STATUS.kUnbounded, _STATUS.kUnboundedOrInfeasible):
            # cut short near the deadline, HiGHS may answer kUnknown: that is a stop
            if time.perf_counter() >= deadline or (progress is not None and progress.cancelled):
                return cls.why_stopped(progress)
            return "numerical"
        return "error"


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


def _interrupt_when(progress: Progress | None, deadline: float, snap, maximise: bool,
                    closed: list, lp: bool = False):
    last = [0.0]

    def callback(e) -> None:
        now = time.perf_counter()
        if lp:      # inside the MIP's LP solves: only the deadline and cancel matter
            if now > deadline or (progress is not None and progress.cancelled):
                e.interrupt()
            return
        out = e.data_out
        primal, dual = float(out.mip_primal_bound), float(out.mip_dual_bound)
        if snap is not None and np.isfinite(primal) and np.isfinite(dual):
            if (snap(dual) - primal if maximise else primal - snap(dual)) <= 1e-9 * max(1.0, abs(primal)):
                closed[0] = True
                e.interrupt()
                return
        if progress is not None and now - last[0] > 0.5:
            last[0] = now
            progress.report(best=primal, bound=dual)
        if (progress is not None and progress.cancelled) or now > deadline:
            e.interrupt()
    return callback
