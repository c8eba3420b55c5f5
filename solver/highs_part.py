"""One part's model held in HiGHS, re-solved tier after tier with new objectives and rows.

Only numbers leave the HiGHS callback: best value and bound go into Progress, and a
cancel request or the deadline interrupts the search (the incumbent is kept).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csc_matrix, csr_matrix

from placement_planner.solver.model import PartModel
from placement_planner.solver.progress import Progress

_INTEGER = highspy.HighsVarType.kInteger
_CONTINUOUS = highspy.HighsVarType.kContinuous
_STATUS = highspy.HighsModelStatus


@dataclass
class Result:
    value: float            # objective of the incumbent
    bound: float            # proven bound of this objective
    proven: bool            # optimal within the requested gap
    values: np.ndarray      # all column values (x rounded to whole learners)
    stopped: str = ""       # "", "time_limit" or "cancelled"


class HighsPart:
    def __init__(self, model: PartModel, threads: int = 1) -> None:
        self.model = model
        self.n_x = len(model.ub)
        h = highspy.Highs()
        h.silent()
        h.setOptionValue("threads", int(threads))
        h.setOptionValue("mip_rel_gap", 0.0)
        r = model.rows
        a = csc_matrix((r.val, (r.row, r.col)), shape=(r.n, self.n_x))
        a.sum_duplicates()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_x, r.n
        lp.col_cost_ = np.zeros(self.n_x)
        lp.col_lower_ = np.zeros(self.n_x)
        lp.col_upper_ = model.ub.astype(float)
        lp.row_lower_, lp.row_upper_ = r.lower, r.upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        lp.integrality_ = [_INTEGER] * self.n_x
        h.passModel(lp)
        self.h = h
        self.n_cols = self.n_x
        self.n_rows = r.n
        self.values = np.zeros(self.n_x)

    # ---- building ----------------------------------------------------------------------
    def add_cols(self, lower, upper, integer: bool = False) -> np.ndarray:
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        n = len(lower)
        self.h.addCols(n, np.zeros(n), lower, upper, 0, np.zeros(n + 1, np.int32),
                       np.zeros(0, np.int32), np.zeros(0))
        idx = np.arange(self.n_cols, self.n_cols + n, dtype=np.int32)
        if integer and n:
            self.h.changeColsIntegrality(n, idx, np.full(n, 1, np.uint8))
        self.n_cols += n
        self.values = np.concatenate([self.values, np.clip(np.zeros(n), lower, upper)])
        return idx

    def add_rows(self, row, col, val, lower, upper) -> np.ndarray:
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        m = csr_matrix((np.asarray(val, float), (row, col)), shape=(len(lower), self.n_cols))
        self.h.addRows(len(lower), lower, upper, m.nnz, m.indptr[:-1].astype(np.int32),
                       m.indices.astype(np.int32), m.data)
        idx = np.arange(self.n_rows, self.n_rows + len(lower), dtype=np.int32)
        self.n_rows += len(lower)
        return idx

    def keep_at_least(self, cost: np.ndarray, value: float, maximise: bool) -> None:
        """Fix a finished tier: its objective may not get worse than ``value``."""
        cols = np.flatnonzero(cost)
        slack = 1e-6 * max(1.0, abs(value))
        lo, hi = (value - slack, np.inf) if maximise else (-np.inf, value + slack)
        self.add_rows(np.zeros(len(cols), np.int64), cols, cost[cols], [lo], [hi])

    # ---- solving -----------------------------------------------------------------------
    def solve(self, cost: np.ndarray, maximise: bool, *, deadline: float, integral: bool,
              progress: Progress | None = None, phase: str = "") -> Result:
        """Optimise ``cost`` (one entry per column) from the current incumbent as a hint."""
        h = self.h
        cost = np.asarray(cost, float)
        h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), cost)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise
                               else highspy.ObjSense.kMinimize)
        # a whole-number objective is optimal once the gap is below one unit
        h.setOptionValue("mip_abs_gap", 0.999 if integral else 1e-6)
        h.setOptionValue("mip_rel_gap", 0.0 if integral else 1e-7)
        h.setOptionValue("time_limit", max(0.05, deadline - time.perf_counter()))
        sol = highspy.HighsSolution()
        sol.col_value = list(self.values)
        sol.value_valid = True
        h.setSolution(sol)
        h.cbMipInterrupt.clear()
        h.cbMipInterrupt += _interrupt_when(progress, deadline)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        if info.primal_solution_status == 2:        # a feasible incumbent exists
            values = np.asarray(h.getSolution().col_value, dtype=float)
            values[:self.n_x] = np.round(values[:self.n_x])
            self.values = values
        value = float(cost @ self.values)
        proven = status == _STATUS.kOptimal
        bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else value
        if proven or (bound < value if maximise else bound > value):
            bound = value if proven else bound
        stopped = ""
        if not proven:
            cancelled = progress is not None and progress.cancelled
            stopped = "cancelled" if cancelled else "time_limit"
        return Result(value, bound, proven, self.values.copy(), stopped)


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
