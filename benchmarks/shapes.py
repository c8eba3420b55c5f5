"""The optimiser on shapes of data the generator's default does not make, side by side with
the LP optimum and with HiGHS on the plain model.

    python benchmarks/shapes.py                                   # region, every shape
    python benchmarks/shapes.py --scale national --shape default --limit 60
    python benchmarks/shapes.py --shape per-learner --shape tight-travel --plain-limit 60

For each shape (``placement-planner generate --shape``; "default" = none) one fresh process
generates the data, plans it with every tier (``--limit`` seconds, 2 threads) and prints:
wall time, status, tier 1 (weighted placed), the reported bound, the tier-1 LP optimum
(HiGHS interior point over every placement option of every part: the exact relaxation), the
tier-1 gap to that optimum, the reported bound against it (must be >= 0: a bound below the LP
optimum would be invalid only if it were also below the integer optimum, so it is flagged),
peak memory, and HiGHS given the plain tier-1 MIP (every demand row and week a row, no
merging) for ``--plain-limit`` seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

SHAPES = ["default", "per-learner", "tight-travel", "small-universities", "icb-restricted"]


def load(scale: str, seed: int, shape: str | tuple | list = "default"):
    """The generator's workbook as planning data; ``shape``: one shape's name ("default": none)
    or several names."""
    from placement_planner.build import build_planning_data
    from placement_planner.generate.tables import generate_tables
    shapes = (() if shape == "default" else (shape,)) if isinstance(shape, str) else tuple(shape)
    t = generate_tables(scale, seed, shapes)
    return build_planning_data(sites=t["Sites"], capacity=t["Capacity"], demand=t["Demand"],
                               locked=t.get("Locked"))


def part_models(data) -> list:
    """The solver's independent parts of the data, as models."""
    from placement_planner.solver.components import split_parts
    from placement_planner.solver.model import build_part
    from placement_planner.solver.problem import build_problem
    pr = build_problem(data)
    parts = split_parts(pr.g, pr.p, pr.groups.fair, len(pr.groups), len(pr.pools),
                        len(pr.groups.fair_keys), pr.groups.journey)
    return [build_part(pr, opts) for opts in parts]


def lp_optimum(data) -> tuple[float, float]:
    """Tier-1 LP optimum over every option (sum over the independent parts), and seconds."""
    t0 = time.perf_counter()
    total = sum(part_lp(m, ipm=len(m.ub) > 20000, threads=2)[0] for m in part_models(data))
    return total, time.perf_counter() - t0


def part_lp(m, ipm: bool, threads: int) -> tuple[float, bool]:
    """(value, optimal) of one part's tier-1 LP over every option, by HiGHS."""
    import highspy
    from scipy.sparse import csc_matrix
    r = m.rows
    a = csc_matrix((r.val, (r.row, r.col)), shape=(r.n, len(m.ub)))
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("solver", "ipm" if ipm else "simplex")
    h.setOptionValue("run_crossover", "off")
    h.setOptionValue("threads", threads)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(m.ub), r.n
    lp.col_cost_ = m.weight.astype(float)
    lp.col_lower_, lp.col_upper_ = np.zeros(len(m.ub)), m.ub.astype(float)
    lp.row_lower_, lp.row_upper_ = r.lower, r.upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = a.indptr, a.indices
    lp.a_matrix_.value_ = a.data
    lp.sense_ = highspy.ObjSense.kMaximize
    h.passModel(lp)
    h.run()
    return (float(h.getInfo().objective_function_value),
            h.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def child(scale: str, seed: int, shape: str, limit: float, plain_limit: float) -> dict:
    from placement_planner.solver import SolveOptions, solve
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from solve import direct_highs
    data = load(scale, seed, shape)
    t0 = time.perf_counter()
    plan = solve(data, SolveOptions(time_limit_s=limit, threads=2))
    wall = time.perf_counter() - t0
    print(f"{shape}: planned in {wall:.1f} s", file=sys.stderr, flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    placed = float(plan.tier_values.get("placed", 0.0))
    lp, lp_s = lp_optimum(data)
    print(f"{shape}: LP optimum in {lp_s:.1f} s", file=sys.stderr, flush=True)
    out = dict(shape=shape, rows=len(data.demand), learners=int(data.demand["learners"].sum()),
               wall=wall, status=plan.status.value, placed=placed, bound=float(plan.bound),
               lp=lp, lp_s=lp_s, gap_to_lp=(lp - placed) / lp if lp else 0.0,
               bound_vs_lp=(plan.bound - lp) / lp if lp else 0.0, peak_mb=peak,
               fair=plan.tier_values.get("fair_share"))
    if plain_limit > 0:
        out["plain"] = direct_highs(data, plain_limit)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="region", choices=["demo", "region", "national"])
    ap.add_argument("--shape", action="append", choices=SHAPES)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--plain-limit", type=float, default=0.0,
                    help="seconds for HiGHS on the plain tier-1 MIP (0 = skip)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    shapes = args.shape or SHAPES
    if args.child:
        print(json.dumps(child(args.scale, args.seed, shapes[0], args.limit, args.plain_limit)))
        return 0
    print("| shape | rows | learners | wall | status | tier 1 | bound | LP optimum | gap to LP "
          "| bound vs LP | fair share | peak | plain HiGHS MIP |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for shape in shapes:
        proc = subprocess.run([sys.executable, __file__, "--child", "--scale", args.scale,
                               "--shape", shape, "--seed", str(args.seed), "--limit",
                               str(args.limit), "--plain-limit", str(args.plain_limit)],
                              capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return 1
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        plain = r.get("plain")
        plain_text = "-" if not plain else (
            f"{plain['seconds']:.1f} s, {plain['status']}, {plain['value']:,.1f} "
            f"(x{plain['seconds'] / max(r['wall'], 1e-9):.1f} our wall)")
        print(f"| {shape} | {r['rows']:,} | {r['learners']:,} | {r['wall']:.1f} s | {r['status']} "
              f"| {r['placed']:,.1f} | {r['bound']:,.1f} | {r['lp']:,.2f} | "
              f"{100 * r['gap_to_lp']:.3f} % | {100 * r['bound_vs_lp']:+.3f} % | "
              f"{r['fair']} | {r['peak_mb']:.0f} MB | {plain_text} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
