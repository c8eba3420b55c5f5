"""The solve pipeline behind ``placement_planner.solver.solve`` (see solver/README.md).

data -> problem (pools, merged groups, pruned placement options) -> independent parts ->
one model per part solved tier by tier (engine.py) -> plan rows.
"""

from __future__ import annotations

import ctypes
import functools
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from placement_planner.logs import get_logger
from placement_planner.domain import Plan, PlanningData, PlanStatus, Tier, empty_allocations
from placement_planner.solver.components import split_parts
from placement_planner.solver.diagnose import locked_conflicts
from placement_planner.solver.journeys import journey_paths
from placement_planner.solver import model as part_model
from placement_planner.solver.model import build_part, spread
from placement_planner.solver.options import SolveOptions
from placement_planner.solver.problem import build_problem, plan_amounts
from placement_planner.solver.progress import Progress
from placement_planner.solver.readback import allocations
from placement_planner.solver.run import solve_parts
from placement_planner.solver.score import tier_values
from placement_planner.solver.travel import travel_messages




# numpy's OpenBLAS on one thread while a plan is solved. It splits a dot of more than 10,000
# entries over its threads; on the two-core machine, loaded, waking them took 3-7 ms a dot,
# and they then spin, taking a core from the LP and MIP engines: a serial region solve used
# ~20 % more CPU with them (benchmarks/overhead.py, variants plain and blasn). The solver
# has no dense linear algebra that their threads would speed up.
BLAS_ONE_THREAD = True
_blas_lock = threading.Lock()
_blas_users = [0, None]        # solves running, thread count before the first of them


def solve(data: PlanningData, options: SolveOptions | None = None,
          progress: Progress | None = None) -> Plan:
    """The best plan by the enabled tiers; never prints, never raises for a bad plan."""
    with _one_blas_thread():
        return _solve(data, options, progress)


@functools.lru_cache(maxsize=1)
def _numpy_blas():
    """(set, get) of numpy's OpenBLAS thread count; None where it is not found (another BLAS,
    another layout): the solve then runs as it is."""
    base = Path(np.__file__).resolve().parent
    dirs = [base.parent / "numpy.libs", base / ".dylibs"]
    if getattr(sys, "frozen", False):
        dirs.append(Path(getattr(sys, "_MEIPASS", base.parent)) / "numpy.libs")
    for folder in dirs:
        for path in sorted(folder.glob("*openblas*")) if folder.is_dir() else ():
            try:
                lib = ctypes.CDLL(str(path))        # numpy's copy, already loaded
            except OSError:
                continue
            for name in ("scipy_openblas_{}_num_threads64_", "scipy_openblas_{}_num_threads",
                         "openblas_{}_num_threads64_", "openblas_{}_num_threads"):
                set_, get_ = (getattr(lib, name.format(w), None) for w in ("set", "get"))
                if set_ is not None and get_ is not None:
                    set_.argtypes, set_.restype, get_.restype = [ctypes.c_int], None, ctypes.c_int
                    return set_, get_
    return None


@contextmanager
def _one_blas_thread():
    """numpy's BLAS on one thread from the first solve running to the last (BLAS_ONE_THREAD)."""
    blas = _numpy_blas() if BLAS_ONE_THREAD else None
    if blas is None:
        yield
        return
    set_, get_ = blas
    with _blas_lock:
        if _blas_users[0] == 0:
            _blas_users[1] = get_()
            set_(1)
        _blas_users[0] += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users[0] -= 1
            if _blas_users[0] == 0:
                set_(_blas_users[1])


def _solve(data: PlanningData, options: SolveOptions | None,
           progress: Progress | None) -> Plan:
    start = time.perf_counter()
    opts = (options or SolveOptions()).resolved(data)
    deadline = start + opts.time_limit_s
    report = progress.report if progress is not None else (lambda *a, **k: None)

    report("preparing", fraction=0.0)
    problem = build_problem(data)
    parts = split_parts(problem.g, problem.p, problem.groups.fair, len(problem.groups),
                        len(problem.pools), len(problem.groups.fair_keys), problem.groups.journey)
    start_x = plan_amounts(data, problem, opts.start_from) if opts.start_from is not None else None
    models = [build_part(problem, opts_of_part, start_x, merge=part_model.MERGE_DUPLICATES)
              for opts_of_part in parts]
    lock_errors = problem.errors + [e for m in models for e in m.lock_errors]
    lock_errors += _locks_outside_parts(problem, parts)
    if lock_errors:
        return _infeasible(["Locked allocations that cannot be kept: "] + lock_errors, start)

    report(f"solving {len(models)} parts", fraction=0.05)
    results = solve_parts(models, opts.tiers, deadline, opts.threads, progress)
    if any(r.infeasible for r in results):
        return _infeasible(["Locked allocations cannot all be kept within the places "
                            "offered."] + locked_conflicts(data, problem), start)

    x = np.zeros(len(problem.g))
    for part, m, r in zip(parts, models, results):
        x[part] = spread(m, r.x)
    paths = journey_paths(data, problem, x, deadline)
    alloc = allocations(data, problem, x, paths)
    unplaceable = {problem.groups.fair_keys[f] for r in results for f in r.unplaceable}
    reachable = {problem.groups.fair_keys[f] for f in np.unique(problem.groups.fair[problem.g])}
    values = tier_values(data, alloc, reachable - unplaceable, paths.frame)
    values = {k: v for k, v in values.items() if k in {t.value for t in opts.tiers}}
    placed = float(values.get(Tier.PLACED.value, sum(r.placed for r in results)))
    bound = max(sum(r.bound for r in results), placed)
    stopped = {r.stopped for r in results}
    trouble = _trouble(results)
    status = (PlanStatus.ERROR if trouble else
              PlanStatus.CANCELLED if "cancelled" in stopped or
              (progress is not None and progress.cancelled) else
              PlanStatus.TIME_LIMIT if "time_limit" in stopped else
              PlanStatus.OPTIMAL if all(r.proven for r in results) else PlanStatus.FEASIBLE)
    above = _repeats_above_bound(paths, opts.tiers)
    if above and status is PlanStatus.OPTIMAL:
        status = PlanStatus.FEASIBLE
    report("done", fraction=1.0, best=placed, bound=bound)
    return Plan(allocations=alloc, status=status, tier_values=values, bound=bound,
                gap=(bound - placed) / bound if bound > 0 else 0.0,
                solve_seconds=time.perf_counter() - start, journeys=paths.frame,
                messages=trouble + above + _loose_bounds(results) + travel_messages(results)
                + _timings(results))


def _repeats_above_bound(paths, tiers) -> list[str]:
    """The variety tier is proven only when the learners' paths meet its bound."""
    if Tier.VARIETY not in tiers or paths.repeats <= paths.bound:
        return []
    get_logger().info("journey paths: %d repeats, bound %d", paths.repeats, paths.bound)
    return [f"Variety is not proven: the learners' journeys repeat a site {paths.repeats} "
            f"times, {paths.repeats - paths.bound} more than the bound of {paths.bound} "
            f"for this plan."]


def _locks_outside_parts(problem, parts) -> list[str]:
    """A lock whose demand row has no eligible placement at all."""
    in_parts = set(np.unique(problem.g[np.concatenate(parts)]).tolist()) if parts else set()
    return [lbl for g, lbl in zip(problem.locks.group, problem.locks.label)
            if int(g) not in in_parts]


def _trouble(results) -> list[str]:
    """Solver trouble in words for the user, and in counts (never data) for the log."""
    count: dict[tuple[str, str], int] = {}
    for r in results:
        for tier, kind in r.trouble.items():
            count[(kind, tier)] = count.get((kind, tier), 0) + 1
    out = []
    for (kind, tier), n in sorted(count.items()):
        what = "numerical trouble" if kind == "numerical" else "a solver error"
        out.append(f"The optimiser hit {what} in {n} of {len(results)} parts of the plan "
                   f"while solving the {tier} tier. The plan shown is the best found before "
                   f"that and keeps every rule, but it is not proven best: try again, or "
                   f"report it with the log file.")
        get_logger().warning("solver %s in %d of %d parts (tier %s)", kind, n, len(results), tier)
    return out


def _loose_bounds(results) -> list[str]:
    """Parts whose tier-1 LP gave no bound in time count every learner placed in the bound."""
    loose = [r for r in results if not r.lp_bound and r.bound > r.placed + 1e-6]
    if not loose:
        return []
    get_logger().info("tier-1 bound of %d of %d parts is 'everyone placed'", len(loose),
                      len(results))
    return [f"The tier-1 bound is loose: {len(loose)} of {len(results)} parts of the plan had "
            f"no LP bound within the time limit, so the bound counts every learner of those "
            f"parts as placed. A longer time limit gives a tighter bound."]


def _timings(results) -> list[str]:
    total: dict[str, float] = {}
    for r in results:
        for k, v in r.seconds.items():
            total[k] = total.get(k, 0.0) + v
    return [f"solver seconds per tier (summed over parts): " +
            ", ".join(f"{k} {v:.2f}" for k, v in total.items())] if total else []


def _infeasible(messages: list[str], start: float) -> Plan:
    return Plan(allocations=empty_allocations(), status=PlanStatus.INFEASIBLE,
                messages=messages, solve_seconds=time.perf_counter() - start)
