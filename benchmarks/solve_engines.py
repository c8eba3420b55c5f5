"""The planner on highspy against the OR-Tools-only route, side by side in fresh processes.

    python benchmarks/solve_engines.py                       # region, 60 s limit
    python benchmarks/solve_engines.py --scale national --shape per-learner --limit 60

Each run plans every tier; the OR-Tools route is forced with PLACEMENT_PLANNER_ENGINE=ortools
(GLOP for LPs, SCIP for MIPs, PDLP for very large parts). Prints wall time, status, tier 1,
bound, fair share, peak memory, and the ratio of the two wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def child(scale: str, seed: int, shape: str, limit: float) -> dict:
    sys.path.insert(0, os.path.dirname(__file__))
    from shapes import load
    from placement_planner.solver import SolveOptions, engine, solve
    data = load(scale, seed, shape)
    t0 = time.perf_counter()
    plan = solve(data, SolveOptions(time_limit_s=limit, threads=2))
    return dict(engine=engine.ENGINE, wall=time.perf_counter() - t0, status=plan.status.value,
                placed=plan.tier_values.get("placed"), bound=plan.bound,
                fair=plan.tier_values.get("fair_share"), travel=plan.tier_values.get("travel"),
                peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="region", choices=["demo", "region", "national"])
    ap.add_argument("--shape", default="default")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.scale, args.seed, args.shape, args.limit)))
        return 0
    rows = []
    for name in ("highspy", "ortools"):
        env = dict(os.environ)
        env.pop("PLACEMENT_PLANNER_ENGINE", None)
        if name == "ortools":
            env["PLACEMENT_PLANNER_ENGINE"] = "ortools"
        proc = subprocess.run([sys.executable, __file__, "--child", "--scale", args.scale,
                               "--shape", args.shape, "--seed", str(args.seed), "--limit",
                               str(args.limit)], capture_output=True, text=True, env=env)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return 1
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"{args.scale} / {args.shape}, limit {args.limit:g} s")
    print("| engine | wall | status | tier 1 | bound | fair share | learner-km | peak |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['engine']} | {r['wall']:.1f} s | {r['status']} | {r['placed']:,.1f} | "
              f"{r['bound']:,.1f} | {r['fair']:.4f} | {r['travel']:,.0f} | {r['peak_mb']:.0f} MB |")
    print(f"OR-Tools route / highspy wall: x{rows[1]['wall'] / max(rows[0]['wall'], 1e-9):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
