"""The LP over every option of a very large part, by OR-Tools PDLP (in this process).

Column generation needs many simplex re-solves on the biggest part (national Adult
Nursing: 1.3M options, about 40 s); PDLP reaches the LP optimum within 0.1 % in 10-20 s
over all of them at once. Its approximate duals give a valid bound through
HighsPart.lagrangian_bound, and its approximate primal guides the rounding in
``lp_guided_plan``. It runs in the solver's own process: OR-Tools 9.15 and highspy 1.16
load side by side (the clash that once needed a child process does not reproduce).
"""

from __future__ import annotations

import pickle
import sys
import time

import numpy as np
from scipy.sparse import csc_matrix

from placement_planner.logs import get_logger
from placement_planner.solver.progress import Progress


def pdlp_solution(a: csc_matrix, row_lo: np.ndarray, row_up: np.ndarray, col_up: np.ndarray,
                  cost: np.ndarray, time_limit: float, progress: Progress | None = None,
                  threads: int = 1) -> tuple[np.ndarray, np.ndarray] | None:
    """(x, row duals) of max cost.x over lo <= Ax <= up, 0 <= x <= col_up; None if it fails.

    In this process, by OR-Tools' ``pdlp.primal_dual_hybrid_gradient``: stopped by its time
    limit it still returns its last iterate, and any duals give a valid bound. It holds the GIL
    while it runs, so other parts' Python steps wait meanwhile. Measured against it (national
    Adult Nursing, 8 million nonzeros, loaded machine): model_builder's "pdlp" returns no
    solution at its limit; MathOpt's core ``solve`` releases the GIL and returns its last
    iterate, but building its model proto took 5.4 s and its set-up another 7.8 s that no
    limit or interrupter stops, so in a 20 s budget its duals were useless (bound 606,172
    against 55,541 from this call).
    """
    if progress is not None and progress.cancelled:
        return None
    try:
        return _pdlp(a.indptr, a.indices, a.data, row_lo, row_up, col_up, cost, a.shape,
                     time_limit, threads, progress)
    except Exception as error:   # noqa: BLE001 - the caller falls back to column generation
        get_logger().warning("PDLP failed (%s); column generation is used instead",
                             type(error).__name__)
        return None


def _pdlp(indptr, indices, data, row_lo, row_up, col_up, cost, shape, limit, threads,
          progress: Progress | None = None):
    from ortools.pdlp import solvers_pb2
    from ortools.pdlp.python import pdlp

    qp = pdlp.QuadraticProgram()
    qp.objective_vector = -np.asarray(cost, dtype=float)          # PDLP minimises
    qp.constraint_lower_bounds = np.asarray(row_lo, dtype=float)
    qp.constraint_upper_bounds = np.asarray(row_up, dtype=float)
    qp.variable_lower_bounds = np.zeros(shape[1])
    qp.variable_upper_bounds = np.asarray(col_up, dtype=float)
    qp.constraint_matrix = csc_matrix((np.array(data, dtype=float), np.array(indices),
                                       np.array(indptr)), shape=shape)
    params = solvers_pb2.PrimalDualHybridGradientParams()
    params.num_threads = int(threads)
    criteria = params.termination_criteria.simple_optimality_criteria
    criteria.eps_optimal_relative = 1e-5
    criteria.eps_optimal_absolute = 1e-5
    params.termination_criteria.time_sec_limit = float(limit)
    result = pdlp.primal_dual_hybrid_gradient(qp, params)
    x = np.asarray(result.primal_solution, dtype=float)
    y = np.asarray(result.dual_solution, dtype=float)
    if len(x) != shape[1] or len(y) != shape[0] or not (np.all(np.isfinite(x))
                                                          and np.all(np.isfinite(y))):
        raise ArithmeticError("PDLP returned no usable solution")
    return x, y


def child_command() -> list[str] | None:
    """Kept for the packaged build's smoke test; the solver no longer starts a child."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--pdlp-child"]
    return [sys.executable, "-m", "placement_planner.solver.lp_bound"]


def _send(stream, arrays: list[np.ndarray], extra) -> None:
    """A small pickled header, then each array's raw bytes in slices: no big pickle is built
    (that would hold the GIL for a third of a second and stall the app's window)."""
    header = pickle.dumps(([(v.dtype.str, v.shape) for v in arrays], extra))
    stream.write(len(header).to_bytes(8, "little"))
    stream.write(header)
    for v in arrays:
        view = memoryview(v).cast("B")
        for i in range(0, len(view), 1 << 22):
            stream.write(view[i:i + (1 << 22)])


def _receive(stream):
    size = int.from_bytes(stream.read(8), "little")
    layout, extra = pickle.loads(stream.read(size))
    arrays = []
    for dtype, shape in layout:
        dt = np.dtype(dtype)
        n = int(np.prod(shape)) * dt.itemsize
        arrays.append(np.frombuffer(bytearray(stream.read(n)), dtype=dt).reshape(shape))  # writable
    return arrays, extra


def run_child(stdin=None, stdout=None) -> int:
    """``--pdlp-child`` (kept so an older packaged smoke test still runs): read the LP from
    stdin, write (x, duals) or None to stdout."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    (indptr, indices, data, row_lo, row_up, col_up, cost), (shape, limit, threads) = _receive(stdin)
    try:
        answer = _pdlp(indptr, indices, data, row_lo, row_up, col_up, cost, shape, limit, threads)
    except Exception:   # noqa: BLE001
        answer = None
    pickle.dump(answer, stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()
    return 0


def lp_guided_plan(a: csc_matrix, row_up: np.ndarray, col_up: np.ndarray, x_lp: np.ndarray,
                   x0: np.ndarray, round_from: float = 1.0,
                   deadline: float = float("inf")) -> np.ndarray:
    """Round the LP (a fraction of ``round_from`` or more rounds up; 1.0 = always down),
    most-used options first, never breaking a row; on top of x0."""
    a = a.tocsc()
    x = np.array(x0, dtype=float)
    resid = row_up - a @ x
    want = np.floor(np.minimum(np.clip(x_lp, 0, None) + 1.0 - round_from, col_up) + 1e-6) - x
    cand = np.flatnonzero(want >= 1)
    for i, j in enumerate(cand[np.argsort(-x_lp[cand], kind="stable")]):
        if i % 4096 == 4095 and time.perf_counter() > deadline:
            break                       # the time limit: what is placed so far keeps every row
        rows = a.indices[a.indptr[j]:a.indptr[j + 1]]
        room = resid[rows].min() if len(rows) else np.inf
        add = min(want[j], np.floor(room + 1e-9))
        if add >= 1:
            x[j] += add
            resid[rows] -= add
    return x


if __name__ == "__main__":
    sys.exit(run_child())
