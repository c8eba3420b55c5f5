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
import threading
import time

import numpy as np
from scipy.sparse import csc_matrix

from placement_planner.logs import get_logger
from placement_planner.solver.progress import Progress


def pdlp_solution(a: csc_matrix, row_lo: np.ndarray, row_up: np.ndarray, col_up: np.ndarray,
                  cost: np.ndarray, time_limit: float, progress: Progress | None = None,
                  threads: int = 1) -> tuple[np.ndarray, np.ndarray] | None:
    """(x, row duals) of max cost.x over lo <= Ax <= up, 0 <= x <= col_up; None if it fails.

    In this process, through OR-Tools' model_builder (the whole model loaded in one call,
    and its solve releases the GIL, so other parts keep solving meanwhile; OR-Tools'
    ``pdlp.primal_dual_hybrid_gradient`` holds the GIL: measured 267 other-thread wake-ups in
    4.4 s against 22,510). A watcher stops it at its time limit or on cancel. A stopped PDLP
    still returns its last iterate: any duals give a valid bound.
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
    from ortools.linear_solver.python import model_builder

    matrix = csc_matrix((np.array(data, dtype=float), np.array(indices), np.array(indptr)),
                        shape=shape).tocsr()
    model = model_builder.Model()
    model.helper.fill_model_from_sparse_data(
        np.zeros(shape[1]), np.asarray(col_up, dtype=float), -np.asarray(cost, dtype=float),
        np.asarray(row_lo, dtype=float), np.asarray(row_up, dtype=float), matrix)  # minimises
    solver = model_builder.Solver("pdlp")
    solver.enable_output(False)
    solver.set_time_limit_in_seconds(float(limit))
    solver.set_solver_specific_parameters(
        f"num_threads: {int(threads)} termination_criteria {{ simple_optimality_criteria "
        "{ eps_optimal_relative: 1e-5 eps_optimal_absolute: 1e-5 } }")
    helper = solver._Solver__solve_helper     # numpy arrays, not a pandas row per column
    stop = threading.Event()
    deadline = time.perf_counter() + float(limit) + 0.5

    def watch() -> None:
        while not stop.wait(0.1):
            if (progress is not None and progress.cancelled) or time.perf_counter() > deadline:
                solver.stop_search()
                return
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        solver.solve(model)
    finally:
        stop.set()
        watcher.join()
    if not helper.has_solution():
        raise ArithmeticError(f"PDLP: {helper.status_string() or 'no solution'}")
    x = np.asarray(helper.variable_values(), dtype=float)
    y = -np.asarray(helper.dual_values(), dtype=float)       # duals of the max problem
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
                   x0: np.ndarray, round_from: float = 1.0) -> np.ndarray:
    """Round the LP (a fraction of ``round_from`` or more rounds up; 1.0 = always down),
    most-used options first, never breaking a row; on top of x0."""
    a = a.tocsc()
    x = np.array(x0, dtype=float)
    resid = row_up - a @ x
    want = np.floor(np.minimum(np.clip(x_lp, 0, None) + 1.0 - round_from, col_up) + 1e-6) - x
    cand = np.flatnonzero(want >= 1)
    for j in cand[np.argsort(-x_lp[cand], kind="stable")]:
        rows = a.indices[a.indptr[j]:a.indptr[j + 1]]
        room = resid[rows].min() if len(rows) else np.inf
        add = min(want[j], np.floor(room + 1e-9))
        if add >= 1:
            x[j] += add
            resid[rows] -= add
    return x


if __name__ == "__main__":
    sys.exit(run_child())
