"""The LP and MIP engines behind a part, with one neutral interface, chosen per step.

Two implementations:
- ``highspy`` (HiGHS through its own Python API): one LP object that stays warm as columns,
  rows and objectives change (column generation re-solves in a few hundred pivots), and a
  MIP whose callback stops it at the deadline or once the snapped bound meets the incumbent.
- ``ortools`` (OR-Tools model_builder only; no highspy needed): the model is loaded in one
  call (``fill_model_from_sparse_data``) and solved by GLOP (LP, with duals) or SCIP (MIP,
  from the incumbent as a hint); a watcher thread stops a solve at the
  deadline or on cancel. The LP reads the part's arrays at each run (model_builder cannot
  add columns to a live model), so column generation costs more there.

Which engine runs a step is ``PER_STEP`` below (one table, from side-by-side measurements;
see solver/README.md, "Engines per step"). ``ENGINE`` is the mode: "per-step" when highspy
can be imported, else "ortools" (every step on OR-Tools); the environment variable
``PLACEMENT_PLANNER_ENGINE`` = ``ortools`` / ``highspy`` / ``per-step`` forces one.
Statuses are words: "optimal", "infeasible", "time_limit", "cancelled", "numerical", "error".
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix

from placement_planner.logs import get_logger
from placement_planner.solver.progress import Progress


MODES = ("per-step", "highspy", "ortools")

# Step -> (LP engine, MIP engine). The rule (issue 10): OR-Tools, unless side-by-side runs on
# the region and the national show the OR-Tools route over 1.5x slower on that step. Seconds
# inside the step's engine calls, OR-Tools only / highspy only, fresh processes run A B C A B C
# (benchmarks/solve_engines.py; solver/README.md, "Engines per step", has every figure and the
# re-measurement with this table). The region's runs finish, so they measure speed; the
# national's all stop at 60 s, so there they show where the time went.
#   locks       MIP x4.3-8.7 region (0.05-0.09 s against 0.01 s), x3.5-5.3 national -> highspy
#   placed      LP x0.61-1.81 region; national x2.25 (third session), x2.12, x0.92, x1.55 -> highspy
#               MIP x0.75-1.80 region, x0.08-0.55 national                   -> ortools (SCIP)
#   fair_share  LP x0.53 region (rounds, rounding proofs, held rounds)       -> ortools (GLOP)
#               MIP x4.0 region (x11.7 inside the per-step run)              -> highspy
#   preferred   LP x0.29 region                                             -> ortools (GLOP)
#               MIP x1.61 region, x3.26 national                            -> highspy
#   travel      LP x5.1 region (GLOP reloads at every column-generation round; MathOpt's warm
#               GLOP, measured at commit 443fa79, x2.6), MIP x5.7 region     -> highspy
#   preferred_network  the preferred tier on one-week (network) parts, whose held-fill LP
#               the region's multi-week parts never run: per-student (lead, 28 Nov, idle, 3 runs
#               each) GLOP x1.9-2.0 on the tier (1.88 s against 0.93-1.00 s summed)  -> highspy
#   keep_previous, variety: not in the suites (no previous plan, no journeys) -> as preferred
#   journeys    the split of a journey class into learners' paths (journeys.py, a MIP after
#               the tiers): not in the suites                                -> highspy, as before
# The national's PDLP path (run._placed_by_pdlp, lp_bound.py) is OR-Tools PDLP in every mode.
PER_STEP: dict[str, tuple[str, str]] = {
    "locks": ("highspy", "highspy"),
    "placed": ("highspy", "ortools"),
    "fair_share": ("ortools", "highspy"),
    "keep_previous": ("ortools", "highspy"),
    "preferred": ("ortools", "highspy"),
    "variety": ("ortools", "highspy"),
    "travel": ("highspy", "highspy"),
    "preferred_network": ("highspy", "highspy"),
    "journeys": ("highspy", "highspy"),
}


def _pick() -> str:
    wanted = os.environ.get("PLACEMENT_PLANNER_ENGINE", "").strip().lower()
    if wanted == "ortools":
        return "ortools"
    try:
        import highspy  # noqa: F401
    except ImportError:
        return "ortools"
    return wanted if wanted in MODES else "per-step"


ENGINE = _pick()


def engine_for(step: str, kind: str) -> str:
    """The engine of a step's ``kind`` ("lp" or "mip") in the current mode: "highspy" or
    "ortools" (LP: GLOP through model_builder; MIP: SCIP)."""
    if ENGINE == "highspy":
        return "highspy"
    lp, mip = PER_STEP.get(step, ("ortools", "ortools"))
    chosen = lp if kind == "lp" else mip
    return "ortools" if ENGINE == "ortools" else chosen


def why_stopped(progress: Progress | None) -> str:
    return "cancelled" if progress is not None and progress.cancelled else "time_limit"


def _stop_now(progress: Progress | None, deadline: float) -> bool:
    return (progress is not None and progress.cancelled) or time.perf_counter() > deadline


# ---- highspy ------------------------------------------------------------------------------
_BANNER = threading.Lock()
_banner_done = [False]


def _new_highs():
    """A silent highspy.Highs. HiGHS prints a banner to stdout (the C stream, before any
    option can be set) the first time one is made in a process: that one is made with
    file descriptor 1 pointed at the null device."""
    import highspy
    with _BANNER:
        if _banner_done[0]:
            h = highspy.Highs()
        else:
            import sys
            try:
                sys.stdout.flush()
            except (AttributeError, ValueError, OSError):
                pass
            saved = None
            try:
                saved = os.dup(1)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.close(null)
            except OSError:
                saved = None
            try:
                h = highspy.Highs()
            finally:
                if saved is not None:
                    os.dup2(saved, 1)
                    os.close(saved)
                _banner_done[0] = True
    h.silent()
    h.setOptionValue("output_flag", False)
    return h


def highs_word(status, progress: Progress | None, deadline: float) -> str:
    """What a highspy model status other than optimal means for the plan, in one word."""
    import highspy
    s = highspy.HighsModelStatus
    if status == s.kOptimal:
        return "optimal"
    if status == s.kInfeasible:
        return "infeasible"
    if status in (s.kTimeLimit, s.kInterrupt, s.kHighsInterrupt, s.kIterationLimit,
                  s.kSolutionLimit, s.kObjectiveBound, s.kObjectiveTarget):
        return why_stopped(progress)
    if status in (s.kSolveError, s.kPostsolveError, s.kUnknown, s.kUnbounded,
                  s.kUnboundedOrInfeasible):
        # cut short near the deadline, HiGHS may answer kUnknown: that is a stop
        return why_stopped(progress) if _stop_now(progress, deadline) else "numerical"
    return "error"


class HighspyLP:
    def __init__(self, row_lo: np.ndarray, row_up: np.ndarray, threads: int) -> None:
        import highspy
        self._h = highspy
        self.h = h = _new_highs()
        h.setOptionValue("threads", int(threads))
        # Presolve would rebuild the model after every added column or row and lose the
        # basis that column generation and the later tiers start from.
        h.setOptionValue("presolve", "off")
        lp = highspy.HighsLp()
        lp.num_row_ = len(row_lo)
        lp.row_lower_, lp.row_upper_ = row_lo, row_up
        h.passModel(lp)
        self._watch = (None, np.inf)
        h.cbSimplexInterrupt += self._stop

    def _stop(self, e) -> None:
        # set the flag both ways: HiGHS keeps the callback's input between runs, so a flag
        # set once made every later run() of this LP end kInterrupt at once (measured,
        # highspy 1.16: the leximin rounds after a stopped proof LP all "time_limit" in 0.02 s
        # with 55 s left)
        e.interrupt(bool(_stop_now(*self._watch)))

    def add_cols(self, cost, lo, up, a: csc_matrix) -> None:
        self.h.addCols(len(lo), cost, lo, up, a.nnz, a.indptr[:-1].astype(np.int32),
                       a.indices.astype(np.int32), a.data)

    def add_rows(self, lo, up, a: csr_matrix) -> None:
        self.h.addRows(len(lo), lo, up, a.nnz, a.indptr[:-1].astype(np.int32),
                       a.indices.astype(np.int32), a.data)

    def set_row_bounds(self, idx, lo, up) -> None:
        self.h.changeRowsBounds(len(idx), np.asarray(idx, np.int32), lo, up)

    def set_col_bounds(self, idx, lo, up) -> None:
        self.h.changeColsBounds(len(idx), np.asarray(idx, np.int32), lo, up)

    def set_objective(self, cost: np.ndarray, maximise: bool) -> None:
        self.h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        s = self._h.ObjSense
        self.h.changeObjectiveSense(s.kMaximize if maximise else s.kMinimize)

    def run(self, deadline: float, progress: Progress | None, fresh: bool) -> str:
        h = self.h
        # a new objective: dual simplex (measured faster); from an optimal basis, added
        # columns keep it primal feasible, so primal simplex re-solves in a few hundred pivots
        h.setOptionValue("simplex_strategy", 1 if fresh else 4)
        # HiGHS's time_limit counts the run time of every run() of this object (measured with
        # highspy 1.16: a second run() stops at once), so the limit is the time run so far
        # plus the time left; without this a part's later tiers stopped early as "time_limit"
        h.setOptionValue("time_limit", h.getRunTime() + max(0.05, deadline - time.perf_counter()))
        self._watch = (progress, deadline)
        h.run()
        return highs_word(h.getModelStatus(), progress, deadline)

    def cold(self) -> None:
        """Forget the basis: the next run starts from the slack basis."""
        self.h.clearSolver()

    def x(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().col_value, dtype=float)

    def y(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().row_dual, dtype=float)


def highspy_mip(a: csc_matrix, cost, col_lo, col_up, row_lo, row_up, integer, maximise: bool,
                hint, deadline: float, progress: Progress | None, snap, threads: int,
                presolve: bool):
    """(status word, x or None): HiGHS MIP from the hint; stops at the deadline, on cancel,
    or once snap(bound) meets the incumbent (then "optimal")."""
    import highspy
    m = _new_highs()
    m.setOptionValue("threads", int(threads))
    m.setOptionValue("mip_rel_gap", 1e-7)
    # full presolve on small MIPs; above that its probing ran far past the time limit (a
    # 28,000-column leximin round: 80 s over), but the light mode (presolve_mode 2) stops at
    # the limit and still cuts the MIP's time ~25x against none (a 7,041-column tier-1 MIP of
    # national: 0.7 s against 20 s)
    m.setOptionValue("presolve", "on")
    if not presolve:
        m.setOptionValue("presolve_mode", 2)
    m.setOptionValue("mip_abs_gap", 1e-9)
    m.setOptionValue("time_limit", max(0.05, deadline - time.perf_counter()))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = col_lo, col_up
    lp.row_lower_, lp.row_upper_ = row_lo, row_up
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                       for i in integer]
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    m.passModel(lp)
    if hint is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(hint)
        sol.value_valid = True
        m.setSolution(sol)
    closed = [False]
    left = [False]
    m.cbMipInterrupt += _mip_callback(progress, deadline, snap, maximise, closed, left)
    m.cbSimplexInterrupt += lambda e: e.interrupt() if _stop_now(progress, deadline) else None
    if not _run_within(m, deadline, progress, left):
        return why_stopped(progress), None
    info = m.getInfo()
    x = np.asarray(m.getSolution().col_value, dtype=float) \
        if info.primal_solution_status == 2 else None
    word = "optimal" if closed[0] else highs_word(m.getModelStatus(), progress, deadline)
    if x is not None and word == "optimal" and abs(float(np.asarray(cost) @ x)
                                                   - info.objective_function_value) > \
            1e-6 * max(1.0, abs(info.objective_function_value)):
        # HiGHS 1.16, presolve on, started from a valid incumbent: kOptimal at an objective
        # its returned point does not have (demo travel tier: 928.9 reported, the start's
        # 1,200.98 returned, the true optimum 1,068.2); solved again without the start
        if hint is not None:
            return highspy_mip(a, cost, col_lo, col_up, row_lo, row_up, integer, maximise, None,
                               deadline, progress, snap, threads, presolve)
        return "numerical", x
    return word, x


# A HiGHS MIP still running this long after its deadline (or a cancel) is left to finish alone.
MIP_GRACE_S = 0.5


def _run_within(m, deadline: float, progress: Progress | None, left: list) -> bool:
    """Run the HiGHS MIP ``m``; False when it was left running past its deadline.

    HiGHS checks its time limit and calls our interrupt callback between steps of its search,
    and some steps are long: at the root of a 25,424-column preferred MIP (small-universities
    shape) its cut separation ran from 4.5 s to 8.1 s with neither, so with any deadline in
    that stretch the MIP returned up to 3.6 s late (HiGHS issues #885, #1278: its own time
    limit is not always checked either). So it runs on a thread of its own (run() releases the
    GIL) and is waited for until MIP_GRACE_S after the deadline or a cancel. Then it is left
    to stop by itself (it stops at its next check: our callback interrupts it and nothing more)
    and the caller keeps its incumbent, as for any stopped MIP."""
    done = threading.Event()
    error: list[BaseException] = []

    def work() -> None:
        try:
            m.run()
        except BaseException as e:   # noqa: BLE001 - raised again in the caller's thread
            error.append(e)
        finally:
            done.set()
    thread = threading.Thread(target=work, name="highs-mip", daemon=True)
    thread.start()
    while not done.wait(0.05):
        cancelled = progress is not None and progress.cancelled
        if cancelled or time.perf_counter() > deadline + MIP_GRACE_S:
            if cancelled and done.wait(MIP_GRACE_S):
                break
            left[0] = True
            get_logger().info("HiGHS MIP left to stop by itself %.1f s after its deadline",
                              time.perf_counter() - deadline)
            return False
    if error:
        raise error[0]
    return True


def _mip_callback(progress, deadline, snap, maximise, closed, left=(False,)):
    last = [0.0]

    def callback(e) -> None:
        if left[0]:              # left to stop by itself (_run_within): stop, report nothing
            e.interrupt()
            return
        now = time.perf_counter()
        out = e.data_out
        primal, dual = float(out.mip_primal_bound), float(out.mip_dual_bound)
        if snap is not None and np.isfinite(primal) and np.isfinite(dual):
            if (snap(dual) - primal if maximise else primal - snap(dual)) <= \
                    1e-9 * max(1.0, abs(primal)):
                closed[0] = True
                e.interrupt()
                return
        if progress is not None and now - last[0] > 0.5:
            last[0] = now
            progress.report(best=primal, bound=dual)
        if _stop_now(progress, deadline):
            e.interrupt()
    return callback


# ---- OR-Tools -----------------------------------------------------------------------------
def _ortools_word(status, progress: Progress | None, deadline: float) -> str:
    from ortools.linear_solver.python import model_builder as mb
    s = mb.SolveStatus
    if status == s.OPTIMAL:
        return "optimal"
    if status == s.INFEASIBLE:
        return "infeasible"
    if status in (s.FEASIBLE, s.NOT_SOLVED, s.CANCELLED_BY_USER):
        return why_stopped(progress)
    if status in (s.ABNORMAL, s.UNBOUNDED):
        return why_stopped(progress) if _stop_now(progress, deadline) else "numerical"
    return "error"


def _ortools_solve(solver_name: str, a: csr_matrix, cost, col_lo, col_up, row_lo, row_up,
                   integer, maximise: bool, hint, deadline: float, progress, threads: int):
    from ortools.linear_solver.python import model_builder as mb
    model = mb.Model()
    sign = -1.0 if maximise else 1.0                  # model_builder's sparse load minimises
    model.helper.fill_model_from_sparse_data(
        np.asarray(col_lo, float), np.asarray(col_up, float), sign * np.asarray(cost, float),
        np.asarray(row_lo, float), np.asarray(row_up, float), a.tocsr())
    if integer is not None and np.any(integer):
        for j in np.flatnonzero(integer):
            model.helper.set_var_integrality(int(j), True)
        if hint is not None:
            # every column, zeros too: a hint of the nonzeros only is a partial solution that
            # SCIP must complete first, and stopped before it did, it answered with a worse
            # plan (national: a part's tier 1 from 8,915 placed to 0)
            for j, v in enumerate(np.asarray(hint, float).tolist()):
                model.helper.add_hint(j, v)
    solver = mb.Solver(solver_name)
    solver.enable_output(False)
    solver.set_time_limit_in_seconds(max(0.05, deadline - time.perf_counter()))
    if solver_name == "highs":
        solver.set_solver_specific_parameters(f"threads={int(threads)}\nmip_rel_gap=1e-7\n")
    if solver_name == "scip":
        # SCIP's feasibility tolerance (1e-6) is relative to a row's side: on the leximin
        # rows (fills times the learners requested) its answers broke rows by more than the
        # 1e-6 the plan is checked to (region, preferred tier: "numerical", measured)
        solver.set_solver_specific_parameters(SCIP_PARAMETERS)
    helper = solver._Solver__solve_helper            # numpy arrays, not a Series per column
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.05):
            if _stop_now(progress, deadline):
                solver.stop_search()
                return
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        status = solver.solve(model)
    finally:
        stop.set()
        watcher.join()
    word = _ortools_word(status, progress, deadline)
    if not helper.has_solution():
        return word, None, None
    x = np.asarray(helper.variable_values(), dtype=float)
    y = None
    if integer is None or not np.any(integer):
        y = sign * np.asarray(helper.dual_values(), dtype=float)
    return word, x, y


class OrtoolsLP:
    """The LP interface of HighspyLP on GLOP (model_builder's sparse bulk load), over arrays
    read at each run: ``arrays()`` gives (matrix, cost, col_lo, col_up, row_lo, row_up,
    maximise) of the LP as it is now, so there is nothing to keep in step."""

    def __init__(self, arrays: Callable[[], tuple], threads: int) -> None:
        self.arrays, self.threads = arrays, threads
        self._x = self._y = None

    def run(self, deadline: float, progress: Progress | None, fresh: bool) -> str:
        a, cost, col_lo, col_up, row_lo, row_up, maximise = self.arrays()
        word, self._x, self._y = _ortools_solve(
            "glop", a.tocsr(), cost, col_lo, col_up, row_lo, row_up, None, maximise, None,
            deadline, progress, self.threads)
        return word

    def x(self) -> np.ndarray:
        return self._x

    def y(self) -> np.ndarray:
        return self._y


# OR-Tools' bundled HiGHS 1.12 crashed (segmentation fault) on the random cross-check
# instances through model_builder, so the OR-Tools route uses SCIP for MIPs.
MIP_SOLVER = "scip"
SCIP_PARAMETERS = "numerics/feastol = 1e-9\nlimits/gap = 0\n"


def ortools_mip(a: csc_matrix, cost, col_lo, col_up, row_lo, row_up, integer, maximise: bool,
                hint, deadline: float, progress: Progress | None, snap, threads: int,
                presolve: bool):
    """OR-Tools' SCIP from the hint (the snap is applied by the caller)."""
    word, x, _ = _ortools_solve(MIP_SOLVER, a.tocsr(), cost, col_lo, col_up, row_lo, row_up,
                                np.asarray(integer, bool), maximise, hint, deadline, progress,
                                threads)
    return word, x


def solve_mip(a, cost, col_lo, col_up, row_lo, row_up, integer, maximise: bool, hint,
              deadline: float, progress: Progress | None, snap, threads: int, presolve: bool,
              *, engine: str):
    """The engine's MIP, its answer checked: a solution that breaks a row, a bound or
    integrality is never passed on as "optimal". HiGHS 1.16 with presolve on, started from a
    valid incumbent, returned kOptimal with an infeasible point (a 550-column travel tier of the
    demo: 928.9 km against the true 1,068.2, and 1,200.98 then kept as "proven"): the MIP is then
    solved again without the start, and when that fails too it is numerical trouble."""
    mip = highspy_mip if engine == "highspy" else ortools_mip
    word, x = mip(a, cost, col_lo, col_up, row_lo, row_up, integer, maximise, hint, deadline,
                  progress, snap, threads, presolve)
    if x is None or mip_point_holds(a, x, col_lo, col_up, row_lo, row_up, integer):
        return word, x
    get_logger().warning("MIP engine returned a point that breaks the model (%d columns); "
                         "solving again without the start", a.shape[1])
    word, x = mip(a, cost, col_lo, col_up, row_lo, row_up, integer, maximise, None, deadline,
                  progress, snap, threads, presolve)
    if x is None or mip_point_holds(a, x, col_lo, col_up, row_lo, row_up, integer):
        return word, x
    return "numerical", None


def mip_point_holds(a, x, col_lo, col_up, row_lo, row_up, integer, tol: float = 1e-6) -> bool:
    """Rows, bounds and integrality of a MIP's answer, to the engines' feasibility tolerance."""
    x = np.asarray(x, float)
    act = a @ x
    whole = np.asarray(integer, bool)
    return bool(np.all(act >= np.asarray(row_lo) - tol) and np.all(act <= np.asarray(row_up) + tol)
                and np.all(x >= np.asarray(col_lo) - tol) and np.all(x <= np.asarray(col_up) + tol)
                and np.all(np.abs(x[whole] - np.round(x[whole])) <= tol))


Snap = Callable[[float], float]
