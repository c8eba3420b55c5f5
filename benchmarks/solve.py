"""Benchmark the optimiser at demo, region and national scale, side by side with the same
contract model (tier 1, every week a row, one model, no decomposition) given to HiGHS.

    python benchmarks/solve.py                        # all three scales
    python benchmarks/solve.py --scale region --direct-limit 120

Each scale runs in a fresh process so that peak memory (ru_maxrss) belongs to it alone.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time

import numpy as np


def load(scale: str, seed: int):
    from placement_planner.build import build_planning_data
    from placement_planner.generate.tables import generate_tables
    tables = generate_tables(scale, seed)
    return build_planning_data(sites=tables["Sites"], capacity=tables["Capacity"],
                               demand=tables["Demand"], locked=tables.get("Locked"))


def direct_highs(data, time_limit: float) -> dict:
    """Tier 1 of the contract as one HiGHS MIP: x per eligible (demand row, pool, start),
    one row per demand and one per (pool, week), no merging, no compression, no split."""
    import highspy
    from scipy.sparse import csc_matrix
    from placement_planner.solver.problem import build_problem
    t0 = time.perf_counter()
    pr = build_problem(data)          # eligibility and start weeks: the contract's rules
    # undo the merging of identical rows: one column per demand row of each group
    rows_of = np.argsort(pr.groups.of_row, kind="stable")
    counts = np.bincount(pr.groups.of_row, minlength=len(pr.groups))
    first = np.cumsum(counts) - counts
    opt = np.repeat(np.arange(len(pr.g)), counts[pr.g])
    within = np.arange(len(opt)) - np.repeat(np.cumsum(counts[pr.g]) - counts[pr.g], counts[pr.g])
    row = rows_of[first[pr.g[opt]] + within]
    weeks = pr.groups.weeks[pr.g[opt]]
    n = len(opt)
    cover = np.repeat(np.arange(n), weeks)
    wk = pr.t[opt][cover] + np.arange(len(cover)) - np.repeat(np.cumsum(weeks) - weeks, weeks)
    cap_key = pr.p[opt][cover] * pr.n_weeks + wk
    keys, cap_row = np.unique(cap_key, return_inverse=True)
    n_dem = len(data.demand)
    r = np.concatenate([row, n_dem + cap_row])
    c = np.concatenate([np.arange(n), cover])
    a = csc_matrix((np.ones(len(r)), (r, c)), shape=(n_dem + len(keys), n))
    upper = np.concatenate([data.demand["learners"].to_numpy(float),
                            pr.pools.places[keys // pr.n_weeks, keys % pr.n_weeks]])
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 2)
    h.setOptionValue("mip_rel_gap", 1e-6)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, a.shape[0]
    lp.col_cost_ = data.weights()[row]
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.full(n, highspy.kHighsInf)
    lp.row_lower_, lp.row_upper_ = np.full(a.shape[0], -highspy.kHighsInf), upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = a.indptr, a.indices
    lp.a_matrix_.value_ = a.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    lp.sense_ = highspy.ObjSense.kMaximize
    h.passModel(lp)
    h.run()
    info = h.getInfo()
    return dict(seconds=time.perf_counter() - t0, value=info.objective_function_value,
                bound=info.mip_dual_bound, gap=info.mip_gap, cols=n, rows=int(a.shape[0]),
                status=h.modelStatusToString(h.getModelStatus()))


def child(scale: str, seed: int, direct_limit: float) -> dict:
    from placement_planner.solver import SolveOptions, solve
    data = load(scale, seed)
    t0 = time.perf_counter()
    plan = solve(data, SolveOptions(time_limit_s=60))
    wall = time.perf_counter() - t0
    seconds = {}
    for m in plan.messages:
        seconds.update({k: float(v) for k, v in re.findall(r"(\w+) ([0-9.]+)", m.split(":")[-1])})
    out = dict(scale=scale, rows=len(data.demand), learners=int(data.demand["learners"].sum()),
               sites=len(data.sites), wall=wall, status=plan.status.value, tiers=seconds,
               placed=plan.tier_values.get("placed"), bound=plan.bound, gap=plan.gap,
               peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if direct_limit > 0:
        out["direct"] = direct_highs(data, direct_limit)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=["demo", "region", "national"], action="append")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--direct-limit", type=float, default=None,
                    help="time limit for the direct HiGHS model (default 10/120/300 s by scale)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    scales = args.scale or ["demo", "region", "national"]
    if args.child:
        print(json.dumps(child(scales[0], args.seed, args.direct_limit)))
        return 0
    results = []
    for scale in scales:
        limit = args.direct_limit if args.direct_limit is not None else \
            {"demo": 10, "region": 120, "national": 300}[scale]
        proc = subprocess.run([sys.executable, __file__, "--child", "--scale", scale,
                               "--seed", str(args.seed), "--direct-limit", str(limit)],
                              capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return 1
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print_table(results)
    return 0


def print_table(results: list[dict]) -> None:
    tiers = ["placed", "fair_share", "keep_previous", "preferred", "travel"]
    head = ["scale", "rows", "learners", "wall s"] + [f"{t} s" for t in tiers] + \
        ["peak MB", "status", "tier-1 gap", "HiGHS direct s", "direct gap", "time ratio"]
    print("Tier seconds are solver time summed over parts (2 threads run parts side by side).")
    print(" | ".join(head))
    for r in results:
        d = r.get("direct", {})
        cells = [r["scale"], r["rows"], r["learners"], f"{r['wall']:.2f}"]
        cells += [f"{r['tiers'][t]:.2f}" if t in r["tiers"] else "-" for t in tiers]
        cells += [f"{r['peak_mb']:.0f}", r["status"], f"{r['gap']:.2e}"]
        if d:
            cells += [f"{d['seconds']:.1f} ({d['status']})", f"{d['gap']:.2e}",
                      f"{d['seconds'] / r['wall']:.1f}x"]
        print(" | ".join(str(c) for c in cells))
        if d:
            print(f"    direct model: {d['cols']} columns, {d['rows']} rows, value {d['value']:.1f},"
                  f" bound {d['bound']:.1f}; planner tier 1 {r['placed']:.1f}, bound {r['bound']:.1f}")


if __name__ == "__main__":
    sys.exit(main())
