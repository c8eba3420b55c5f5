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

import highspy
import numpy as np
from scipy.sparse import coo_matrix, csc_matrix

from placement_planner.solver.model import PartModel
from placement_planner.solver.progress import Progress

_STATUS = highspy.HighsModelStatus


@dataclass
class Result:
    value: float            # objective of the incumbent
    bound: float            # proven bound of this objective (the LP relaxation)
    proven: bool            # optimal within the requested gap
    values: np.ndarray      # all column values (x rounded to whole learners)
    stopped: str = ""       # "", "time_limit" or "cancelled"


def _new_highs(threads: int) -> highspy.Highs:
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("threads", int(threads))
    return h


class HighsPart:
    def __init__(self, model: PartModel, threads: int = 1) -> None:
        self.model = model
        self.threads = threads
        self.n_x = len(model.ub)
        self.n_cols = self.n_x
        r = model.rows
        self._rows = [(r.row, r.col, r.val)]
        self.n_rows = r.n
        self.row_lo, self.row_up = r.lower.astype(float), r.upper.astype(float)
        self.col_lo, self.col_up = np.zeros(self.n_x), model.ub.astype(float)
        self.integer = np.ones(self.n_x, dtype=bool)
        self.values = np.zeros(self.n_x)
        self.lp = _new_highs(threads)
        a = csc_matrix((r.val, (r.row, r.col)), shape=(r.n, self.n_x))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_x, r.n
        lp.col_cost_ = np.zeros(self.n_x)
        lp.col_lower_, lp.col_upper_ = self.col_lo, self.col_up
        lp.row_lower_, lp.row_upper_ = self.row_lo, self.row_up
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        self.lp.passModel(lp)

    # ---- building ----------------------------------------------------------------------
    def add_cols(self, lower, upper, integer: bool = False) -> np.ndarray:
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        n = len(lower)
        self.lp.addCols(n, np.zeros(n), lower, upper, 0, np.zeros(n, np.int32),
                        np.zeros(0, np.int32), np.zeros(0))
        idx = np.arange(self.n_cols, self.n_cols + n, dtype=np.int32)
        self.n_cols += n
        self.col_lo, self.col_up = np.r_[self.col_lo, lower], np.r_[self.col_up, upper]
        self.integer = np.r_[self.integer, np.full(n, integer)]
        self.values = np.r_[self.values, np.clip(np.zeros(n), lower, upper)]
        return idx

    def add_rows(self, row, col, val, lower, upper) -> np.ndarray:
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        m = coo_matrix((np.asarray(val, float), (row, col)),
                       shape=(len(lower), self.n_cols)).tocsr()
        self.lp.addRows(len(lower), lower, upper, m.nnz, m.indptr[:-1].astype(np.int32),
                        m.indices.astype(np.int32), m.data)
        mc = m.tocoo()
        self._rows.append((mc.row + self.n_rows, mc.col, mc.data))
        idx = np.arange(self.n_rows, self.n_rows + len(lower), dtype=np.int32)
        self.n_rows += len(lower)
        self.row_lo, self.row_up = np.r_[self.row_lo, lower], np.r_[self.row_up, upper]
        return idx

    def set_row_bounds(self, idx, lower, upper) -> None:
        idx = np.asarray(idx, np.int32)
        self.row_lo[idx], self.row_up[idx] = lower, upper
        self.lp.changeRowsBounds(len(idx), idx, self.row_lo[idx], self.row_up[idx])

    def set_col_bounds(self, idx, lower, upper) -> None:
        idx = np.asarray(idx, np.int32)
        self.col_lo[idx], self.col_up[idx] = lower, upper
        self.lp.changeColsBounds(len(idx), idx, self.col_lo[idx], self.col_up[idx])

    def keep_at_least(self, cost: np.ndarray, value: float, maximise: bool) -> None:
        """Fix a finished tier: its objective may not get worse than ``value``."""
        cols = np.flatnonzero(cost)
        slack = 1e-6 * max(1.0, abs(value))
        lo, hi = (value - slack, np.inf) if maximise else (-np.inf, value + slack)
        self.add_rows(np.zeros(len(cols), np.int64), cols, cost[cols], [lo], [hi])

    # ---- solving -----------------------------------------------------------------------
    def solve(self, cost: np.ndarray, maximise: bool, *, deadline: float, integral: bool,
              progress: Progress | None = None, phase: str = "") -> Result:
        """Optimise ``cost`` (one entry per column): LP bound, then the restricted MIP."""
        cost = np.asarray(cost, float)
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        h = self.lp
        h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), cost)
        h.changeObjectiveSense(sense)
        h.setOptionValue("time_limit", max(0.05, deadline - time.perf_counter()))
        h.run()
        value = float(cost @ self.values)
        if h.getModelStatus() != _STATUS.kOptimal:
            return Result(value, value, False, self.values.copy(), self._why_stopped(progress))
        lp_x = np.asarray(h.getSolution().col_value, dtype=float)
        bound = float(cost @ lp_x)
        if progress is not None:
            progress.report(best=value, bound=bound)
        if integral:   # a whole-number objective is optimal within one unit of the bound
            bound = np.floor(bound + 1e-6) if maximise else np.ceil(bound - 1e-6)
        if self._close(value, bound, maximise, integral):
            return Result(value, bound, True, self.values.copy())
        on_integer = self.integer & (np.abs(lp_x - np.round(lp_x)) > 1e-7)
        if not on_integer.any() and self._rows_hold(lp_x):   # the LP vertex is whole already
            self.values = np.where(self.integer, np.round(lp_x), lp_x)
            return Result(float(cost @ self.values), bound, True, self.values.copy())
        used = (lp_x > 1e-9) | (self.values > 1e-9) | ~self.integer
        stopped, optimal = self._restricted_mip(cost, sense, used, deadline, progress)
        value = float(cost @ self.values)
        if self._close(value, bound, maximise, integral):
            return Result(value, bound, True, self.values.copy())
        if stopped:
            return Result(value, bound, False, self.values.copy(), stopped)
        # Reduced-cost fixing: a column at zero whose reduced cost exceeds the gap cannot
        # be positive in any plan better than the incumbent, so the MIP over the others,
        # solved to optimality, is optimal for the whole part.
        rc = np.abs(np.asarray(h.getSolution().col_dual, dtype=float))
        gap = abs(bound - value)
        wider = used | (rc <= gap * (1 + 1e-9) + 1e-9)
        stopped, optimal = self._restricted_mip(cost, sense, wider, deadline, progress)
        value = float(cost @ self.values)
        proven = optimal or self._close(value, bound, maximise, integral)
        return Result(value, value if proven else bound, proven, self.values.copy(), stopped)

    def _restricted_mip(self, cost, sense, keep, deadline, progress) -> tuple[str, bool]:
        """MIP over the ``keep`` columns (the others held at 0), from the incumbent."""
        cols = np.flatnonzero(keep)
        a = self.matrix()[:, cols]
        m = _new_highs(self.threads)
        m.setOptionValue("mip_rel_gap", 1e-7)
        m.setOptionValue("mip_abs_gap", 0.999 if np.all(cost == np.round(cost)) else 1e-6)
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
        m.cbMipInterrupt += _interrupt_when(progress, deadline)
        m.run()
        if m.getInfo().primal_solution_status == 2:
            x = np.asarray(m.getSolution().col_value, dtype=float)
            values = np.zeros(self.n_cols)
            values[cols] = np.where(self.integer[cols], np.round(x), x)
            self.values = values
        if m.getModelStatus() == _STATUS.kOptimal:
            return "", True
        return self._why_stopped(progress), False

    def matrix(self) -> csc_matrix:
        row, col, val = (np.concatenate(p) for p in zip(*self._rows))
        return csc_matrix((val, (row, col)), shape=(self.n_rows, self.n_cols))

    def _rows_hold(self, x: np.ndarray) -> bool:
        act = self.matrix() @ x
        return bool(np.all(act >= self.row_lo - 1e-6) and np.all(act <= self.row_up + 1e-6))

    @staticmethod
    def _close(value: float, bound: float, maximise: bool, integral: bool) -> bool:
        tol = 1e-6 if integral else 1e-7 * max(1.0, abs(bound))
        return (bound - value <= tol) if maximise else (value - bound <= tol)

    @staticmethod
    def _why_stopped(progress: Progress | None) -> str:
        return "cancelled" if progress is not None and progress.cancelled else "time_limit"


def _interrupt_when(progress: Progress | None, deadline: float):
    last = [0.0]

    def callback(e) -> None:
        now = time.perf_counter()
        if progress is not None and now - last[0] > 0.5:
            last[0] = now
            out = e.data_out
            progress.report(best=float(out.mip_primal_bound), bound=float(out.mip_dual_bound))
        if (progress is not None and progress.cancelled) or now > deadline:
            e.interrupt()
    return callback
