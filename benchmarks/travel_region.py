"""Whole solves with the tiers after fair share as before and as now, side by side in one
process, alternated (A B A B), on a generated workbook:

    python benchmarks/travel_region.py --scale region --limit 60 --repeat 2
    python benchmarks/travel_region.py --shape per-learner --repeat 2

Variants are benchmarks/travel_hold.py's (``base``: no fair hold, no LP-rounded incumbent;
``hold``; ``now``: the code as it is). Per run: wall, status, the solver seconds per tier summed
over the parts, preferred and learner-km.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from shapes import load  # noqa: E402 (the benchmark next to this one)
from travel_hold import _variants, use  # noqa: E402 (the benchmark next to this one)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="region")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shape", action="append", default=[])
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--variant", action="append", default=[])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    from placement_planner.solver import SolveOptions, solve
    from placement_planner.solver import run as run_mod
    data = load(args.scale, args.seed, args.shape)
    variants = _variants()
    names = args.variant or ["base", "now"]
    defaults = {key: getattr(*key) for v in variants.values() for key in v}
    log: list = []
    inner = run_mod.solve_parts

    def logged(models, *a, **k):
        results = inner(models, *a, **k)
        log.extend(results)
        return results

    run_mod.solve_parts = logged
    print("uptime:", os.popen("uptime").read().strip())
    for _ in range(args.repeat):
        for name in names:
            use(variants, defaults, name)
            log.clear()
            t0 = time.perf_counter()
            plan = solve(data, SolveOptions(time_limit_s=args.limit))
            wall = time.perf_counter() - t0
            sums: dict = {}
            for r in log:
                for k, v in r.seconds.items():
                    sums[k] = sums.get(k, 0.0) + v
            tv = plan.tier_values
            print(f"{name:<5} wall {wall:5.1f}s {plan.status.value:<10} solver s "
                  + ", ".join(f"{k} {v:.2f}" for k, v in sums.items())
                  + f" | preferred {tv.get('preferred', 0):,.0f} km {tv.get('travel', 0):,.1f}",
                  flush=True)
    for key, value in defaults.items():
        setattr(*key, value)
    run_mod.solve_parts = inner
    print("uptime:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
