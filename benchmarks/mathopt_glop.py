"""MathOpt's incremental GLOP against the LPs the planner uses, on one synthetic part.

    python benchmarks/mathopt_glop.py [--rows 30000 --cols 150000 --added 3000]

A transport-like LP (each column in one demand row and three weekly capacity rows, whole
places, maximised) is loaded into MathOpt by numpy bulk calls (the model's elemental
``add_elements`` / ``set_attrs``: no Python object per variable), then solved by one
``IncrementalSolver`` (GLOP) three times as column generation does: from scratch, after a
new objective, after columns are added; with GLOP's presolve on (its default) and off (off
keeps the basis: engine.MathoptLP uses that). The same three solves run on model_builder's GLOP
(reloaded at each solve, as engine.OrtoolsLP does) and on highspy kept warm
(engine.HighspyLP). Prints seconds per solve and the objective of each (they must agree).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from scipy.sparse import csc_matrix, hstack

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))


def part(rows: int, cols: int, added: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    n_dem = rows // 3
    dem = rng.integers(0, n_dem, cols)
    cap = n_dem + rng.integers(0, rows - n_dem - 3, cols)
    a = csc_matrix((np.ones(4 * cols), (np.c_[dem, cap, cap + 1, cap + 2].ravel(),
                                        np.repeat(np.arange(cols), 4))), shape=(rows, cols))
    up = np.r_[rng.integers(1, 20, n_dem), rng.integers(0, 15, rows - n_dem)].astype(float)
    extra = csc_matrix((np.ones(added), (rng.integers(0, rows, added), np.arange(added))),
                       shape=(rows, added))
    return a, up, rng.random(cols) * 100, rng.random(cols) * 100, extra, rng.random(added)


def mathopt_runs(a, up, cost1, cost2, extra, cost3,
                 presolve_off: bool = False) -> list[tuple[str, float, float]]:
    from ortools.math_opt import callback_pb2
    from ortools.math_opt.elemental.python import enums as E
    from ortools.math_opt.python import mathopt
    out = []
    t0 = time.perf_counter()
    model = mathopt.Model()
    el = model._elemental

    def add_columns(a, cost):
        v = el.add_elements(E.ElementType.VARIABLE, a.shape[1])
        el.set_attrs(E.DoubleAttr1.VARIABLE_LOWER_BOUND, v[:, None], np.zeros(len(v)))
        el.set_attrs(E.DoubleAttr1.VARIABLE_UPPER_BOUND, v[:, None], np.full(len(v), 20.0))
        el.set_attrs(E.DoubleAttr1.OBJECTIVE_LINEAR_COEFFICIENT, v[:, None], cost)
        coo = a.tocoo()
        el.set_attrs(E.DoubleAttr2.LINEAR_CONSTRAINT_COEFFICIENT,
                     np.c_[c[coo.row], v[coo.col]], coo.data)
        return v

    c = el.add_elements(E.ElementType.LINEAR_CONSTRAINT, a.shape[0])
    el.set_attrs(E.DoubleAttr1.LINEAR_CONSTRAINT_LOWER_BOUND, c[:, None], np.full(len(c), -np.inf))
    el.set_attrs(E.DoubleAttr1.LINEAR_CONSTRAINT_UPPER_BOUND, c[:, None], up)
    v = add_columns(a, cost1)
    el.set_attr(E.BoolAttr0.MAXIMIZE, (), True)
    out.append(("load (numpy bulk)", time.perf_counter() - t0, np.nan))
    t0 = time.perf_counter()
    solver = mathopt.IncrementalSolver(model, mathopt.SolverType.GLOP)
    out.append(("IncrementalSolver set-up", time.perf_counter() - t0, np.nan))

    def solve(label):
        t0 = time.perf_counter()
        update = solver._update_tracker.export_update()
        if update is not None:
            assert solver._proto_solver.update(update), "GLOP could not take the update"
            solver._update_tracker.advance_checkpoint()
        params = mathopt.SolveParameters()
        params.threads = 1
        if presolve_off:                # GLOP's presolve rebuilds the model and loses the basis
            params.presolve = mathopt.Emphasis.OFF
        r = solver._proto_solver.solve(params.to_proto(), mathopt.ModelSolveParameters().to_proto(),
                                       None, callback_pb2.CallbackRegistrationProto(), None, None)
        x = np.array(r.solutions[0].primal_solution.variable_values.values)
        out.append((label, time.perf_counter() - t0, r.solutions[0].primal_solution.objective_value))
        return x

    solve("solve")
    el.set_attrs(E.DoubleAttr1.OBJECTIVE_LINEAR_COEFFICIENT, v[:, None], cost2)
    solve("new objective")
    add_columns(extra, cost3)
    solve("columns added")
    return out


def model_builder_runs(a, up, cost1, cost2, extra, cost3) -> list[tuple[str, float, float]]:
    from placement_planner.solver import engine
    out = []
    full = hstack([a, extra], format="csc")
    for label, m, cost in [("solve", a, cost1), ("new objective", a, cost2),
                           ("columns added", full, np.r_[cost2, cost3])]:
        t0 = time.perf_counter()
        n = m.shape[1]
        word, x, _ = engine._ortools_solve("glop", m.tocsr(), cost, np.zeros(n), np.full(n, 20.0),
                                           np.full(m.shape[0], -np.inf), up, None, True, None,
                                           time.perf_counter() + 600, None, 1)
        out.append((label, time.perf_counter() - t0, float(cost @ x)))
    return out


def highspy_runs(a, up, cost1, cost2, extra, cost3) -> list[tuple[str, float, float]]:
    from placement_planner.solver import engine
    out = []
    h = engine.HighspyLP(np.full(a.shape[0], -np.inf), up, 1)
    h.add_cols(cost1, np.zeros(a.shape[1]), np.full(a.shape[1], 20.0), a)
    for label, cost, fresh in [("solve", cost1, True), ("new objective", cost2, True),
                               ("columns added", None, False)]:
        if cost is None:
            h.add_cols(cost3, np.zeros(extra.shape[1]), np.full(extra.shape[1], 20.0), extra)
            cost = np.r_[cost2, cost3]
        h.set_objective(cost, True)
        t0 = time.perf_counter()
        h.run(time.perf_counter() + 600, None, fresh)
        out.append((label, time.perf_counter() - t0, float(cost @ h.x())))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=30000)
    ap.add_argument("--cols", type=int, default=150000)
    ap.add_argument("--added", type=int, default=3000)
    args = ap.parse_args(argv)
    case = part(args.rows, args.cols, args.added)
    print(f"{args.rows:,} rows, {args.cols:,} columns, {args.added:,} added; "
          f"load average {os.getloadavg()[0]:.2f}")
    print("| engine | step | seconds | objective |\n|---|---|---|---|")
    for name, runs in [("MathOpt GLOP, incremental", mathopt_runs),
                       ("MathOpt GLOP, incremental, presolve off",
                        lambda *c: mathopt_runs(*c, presolve_off=True)),
                       ("model_builder GLOP, reloaded", model_builder_runs),
                       ("highspy, warm", highspy_runs)]:
        for label, s, obj in runs(*case):
            print(f"| {name} | {label} | {s:.2f} | {obj:,.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
